"""Vendor the portal's front-end packages from npm into src/nara/portal/static/vendor/.

Run `scripts/vendor-frontend` (needs Node's `npm`; nothing else in Nara does). It packs the
pinned versions of `krds-uiux` (KRDS, the Korean government's design system) and `htmx.org`
into a temporary directory, copies only the files the portal uses, points KRDS's icon URLs
(absolute links to www.krds.go.kr, which the Content-Security-Policy would refuse) at the
vendored copies, and writes `VERSIONS` and `CHECKSUMS.sha256`. tests/portal checks the
vendored files against the checksums, so a hand edit fails the suite.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "nara" / "portal" / "static" / "vendor"

KRDS = ("krds-uiux", "1.1.0")
HTMX = ("htmx.org", "2.0.11")

KRDS_ICON_URL = re.compile(
    r"url\(https://www\.krds\.go\.kr/resources/img/component/icon/([A-Za-z0-9_.-]+\.svg)\)"
)
FONT_WEIGHTS = ("Regular", "Medium", "Bold")


def pack(name: str, version: str, into: Path) -> Path:
    """`npm pack name@version` into `into`, unpacked; returns the package directory."""
    result = subprocess.run(
        ["npm", "pack", "--silent", f"{name}@{version}"],  # noqa: S607  (npm from PATH)
        cwd=into,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = into / result.stdout.strip().splitlines()[-1]
    target = into / name
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor_krds(package: Path, target: Path) -> None:
    resources = package / "resources"
    css = (resources / "cdn" / "krds.min.css").read_text(encoding="utf-8")
    icons = sorted(set(KRDS_ICON_URL.findall(css)))
    css = KRDS_ICON_URL.sub(lambda m: f"url(img/icon/{m.group(1)})", css)
    if "https://www.krds.go.kr" in css:
        raise SystemExit("krds.min.css links www.krds.go.kr in a way this script does not map")
    (target / "img" / "icon").mkdir(parents=True)
    (target / "fonts").mkdir()
    (target / "krds.min.css").write_text(css, encoding="utf-8")
    shutil.copy2(resources / "cdn" / "krds.min.js", target / "krds.min.js")
    for icon in icons:
        shutil.copy2(resources / "img" / "component" / "icon" / icon, target / "img" / "icon")
    for weight in FONT_WEIGHTS:
        name = f"PretendardGOV-{weight}.subset.woff2"
        shutil.copy2(resources / "fonts" / name, target / "fonts" / name)
    # The package ships no LICENSE file: package.json declares ISC and the README points to
    # the KRDS terms of use. Both travel with the files.
    shutil.copy2(package / "README.md", target / "README.md")
    shutil.copy2(package / "package.json", target / "package.json")


def vendor_htmx(package: Path, target: Path) -> None:
    target.mkdir(parents=True)
    shutil.copy2(package / "dist" / "htmx.min.js", target / "htmx.min.js")
    shutil.copy2(package / "LICENSE", target / "LICENSE")


def checksums(directory: Path) -> str:
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        if relative == "CHECKSUMS.sha256":
            continue
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target", type=Path, default=VENDOR)
    target: Path = parser.parse_args().target
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        krds = pack(*KRDS, work)
        htmx = pack(*HTMX, work)
        staging = work / "vendor"
        (staging / "krds").mkdir(parents=True)
        vendor_krds(krds, staging / "krds")
        vendor_htmx(htmx, staging / "htmx")
        (staging / "VERSIONS").write_text(
            "".join(f"{name}@{version}\n" for name, version in (KRDS, HTMX)), encoding="utf-8"
        )
        (staging / "CHECKSUMS.sha256").write_text(checksums(staging), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staging, target)
    print(f"vendored {KRDS[0]}@{KRDS[1]} and {HTMX[0]}@{HTMX[1]} into {target}")


if __name__ == "__main__":
    main()
