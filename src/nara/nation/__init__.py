"""The synthetic nation: a deterministic demo country loaded straight into every register.

`build_nation` fills the residents, family, land, vehicles and business tables of an empty
database from a seed; `nation_digest` fingerprints the result so that two builds (on SQLite
and PostgreSQL, say) can be compared. See docs/benchmarks.md for speed and memory.
"""

from __future__ import annotations

from nara.nation.build import NationReport, build_nation
from nara.nation.digest import nation_digest

__all__ = ["NationReport", "build_nation", "nation_digest"]
