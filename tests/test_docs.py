"""Documentation that can be checked is checked."""

from __future__ import annotations

import re
from pathlib import Path

from nara.core.settings import Settings

ROOT = Path(__file__).parent.parent


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"`NARA_([A-Z_]+)`", (ROOT / "docs" / "settings.md").read_text()))
    missing = {name.upper() for name in Settings.model_fields} - documented
    assert missing == set(), f"settings missing from docs/settings.md: {sorted(missing)}"


def test_the_readme_starts_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    commands = [line for line in lines[:12] if line.strip().startswith("make ")]
    assert commands[:2] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_agency_package_has_the_house_shape() -> None:
    from nara.app import AGENCIES

    for agency in AGENCIES:
        package = ROOT / "src" / "nara" / agency
        for name in ("models.py", "repository.py", "service.py", "schemas.py", "routes.py",
                     "exchange.py", "README.md"):  # fmt: skip
            assert (package / name).exists(), f"{agency} lacks {name}"


def test_every_exchange_service_is_in_the_architecture_map() -> None:
    from nara.app import build_exchange

    text = (ROOT / "docs" / "architecture.md").read_text()
    missing = [s.id for s in build_exchange().services if f"`{s.id}`" not in text]
    assert missing == [], f"services missing from docs/architecture.md: {missing}"
