"""The vendored front-end (KRDS, htmx) is exactly what scripts/vendor-frontend wrote."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
VENDOR = ROOT / "src" / "nara" / "portal" / "static" / "vendor"


def _listed() -> dict[str, str]:
    listed = {}
    for line in (VENDOR / "CHECKSUMS.sha256").read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed


def test_every_vendored_file_matches_its_checksum() -> None:
    listed = _listed()
    assert listed, "CHECKSUMS.sha256 lists no file"
    for name, digest in listed.items():
        path = VENDOR / name
        assert path.is_file(), f"{name} is listed but missing"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{name} was changed"


def test_no_vendored_file_escapes_the_checksums() -> None:
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {
        "CHECKSUMS.sha256"
    }
    assert present == set(_listed())


def test_versions_are_the_ones_the_script_pins() -> None:
    spec = importlib.util.spec_from_file_location(
        "vendor_frontend", ROOT / "scripts" / "vendor_frontend.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    pinned = [f"{name}@{version}" for name, version in (script.KRDS, script.HTMX)]
    assert (VENDOR / "VERSIONS").read_text().split() == pinned
    for line in pinned:
        assert re.fullmatch(r"[a-z.-]+@\d+\.\d+\.\d+", line)


def test_licences_travel_with_the_files() -> None:
    assert "BSD" in (VENDOR / "htmx" / "LICENSE").read_text() or (
        "Permission" in (VENDOR / "htmx" / "LICENSE").read_text()
    )
    assert '"license"' in (VENDOR / "krds" / "package.json").read_text()
    assert (VENDOR / "krds" / "README.md").is_file()


def test_krds_styles_load_nothing_from_another_origin() -> None:
    css = (VENDOR / "krds" / "krds.min.css").read_text()
    assert "krds.go.kr" not in css
    for url in set(re.findall(r"url\((img/icon/[^)]+)\)", css)):
        assert (VENDOR / "krds" / url).is_file(), url
