"""Regenerate the initial schema migration from the models (before the first release only).

Run: .venv/bin/python scripts/refresh_initial_migration.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from nara.migrations import HERE, alembic_config

INITIAL = "0001"


def main() -> None:
    for path in (HERE / "versions").glob("*_foundation_registries.py"):
        path.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        config = alembic_config(f"sqlite:///{tmp}/empty.db")
        command.revision(config, message="foundation registries", autogenerate=True, rev_id=INITIAL)
    generated = next((HERE / "versions").glob("*_foundation_registries.py"))
    target = generated.with_name("2026_11_28_0001_foundation_registries.py")
    generated.rename(target)
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "check", "--fix", "--quiet", str(target)], check=False)
    subprocess.run([str(ruff), "format", "--quiet", str(target)], check=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
