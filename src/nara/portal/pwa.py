"""The portal as an installable web app: its manifest and its service worker.

The service worker (`templates/portal/sw.js`) is served from `/sw.js` so that its scope is the
whole site. It pre-caches the shell (`SHELL`: styles, scripts, fonts, icons, the offline page),
answers static files cache-first and pages network-first, falling back to the offline page.
Its cache name carries `shell_version()`, a digest of the shell's files, so a release that
changes any of them replaces the old cache on the next visit.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"

THEME_COLOUR = "#256ef4"
"""KRDS primary-50, the colour of the browser's bar when the portal is installed."""

BACKGROUND_COLOUR = "#ffffff"

OFFLINE_PATH = "/offline"

SHELL: tuple[str, ...] = (
    "/static/vendor/krds/krds.min.css",
    "/static/vendor/krds/krds.min.js",
    "/static/vendor/htmx/htmx.min.js",
    "/static/vendor/krds/fonts/PretendardGOV-Regular.subset.woff2",
    "/static/vendor/krds/fonts/PretendardGOV-Medium.subset.woff2",
    "/static/vendor/krds/fonts/PretendardGOV-Bold.subset.woff2",
    "/static/portal/portal.css",
    "/static/portal/portal.js",
    "/static/portal/icons/icon-192.png",
    "/static/portal/icons/icon-512.png",
    OFFLINE_PATH,
)
"""What the service worker caches on install: enough to show the offline page styled."""

NAMES = {
    "ko": {"name": "정부24", "short_name": "정부24", "description": "모든 행정 서비스를 한 곳에서"},
    "en": {
        "name": "Nara Gov24",
        "short_name": "Gov24",
        "description": "Every public service in one place",
    },
}


def manifest(language: str) -> dict[str, Any]:
    """The web app manifest in `language`."""
    names = NAMES.get(language, NAMES["ko"])
    return {
        **names,
        "lang": language,
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": f"/static/portal/icons/icon-{size}.png",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": "/static/portal/icons/icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }


@cache
def shell_version() -> str:
    """A digest of the shell's static files and of the worker itself."""
    digest = hashlib.sha256()
    digest.update((PACKAGE / "templates" / "portal" / "sw.js").read_bytes())
    for url in SHELL:
        if url.startswith("/static/"):
            digest.update(url.encode())
            digest.update((STATIC / url.removeprefix("/static/")).read_bytes())
    return digest.hexdigest()[:16]


@cache
def service_worker() -> str:
    """The worker's source with its cache version and shell list filled in."""
    source = (PACKAGE / "templates" / "portal" / "sw.js").read_text(encoding="utf-8")
    return source.replace('"__SHELL_VERSION__"', json.dumps(shell_version())).replace(
        '["__SHELL__"]', json.dumps(list(SHELL))
    )
