"""Portal pages: translated, responsive, and clean under a strict Content-Security-Policy."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.portal.registries import REGISTRIES, RecordCounts
from nara.portal.security import CONTENT_SECURITY_POLICY

PAGES = ("/", "/offline")


class InlineCode(HTMLParser):
    """Collects what a strict CSP would refuse: inline scripts, handlers and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        if tag == "script":
            src = dict(attrs).get("src")
            if not src:
                self.refused.append("inline <script>")
            else:
                self.scripts.append(src)
        if tag == "style":
            self.refused.append("<style> element")
        if "style" in names:
            self.refused.append(f"style= on <{tag}>")
        self.refused += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


def _inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_pages_carry_no_inline_code(client: TestClient, path: str, language: str) -> None:
    response = client.get(path, params={"lang": language})
    assert response.status_code == 200
    parser = _inline_code(response.text)
    assert parser.refused == []
    assert set(parser.scripts) >= {
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/krds/krds.min.js",
        "/static/portal/portal.js",
    }
    assert f'<html lang="{language}">' in response.text


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_the_layout_has_a_skip_link_a_viewport_and_the_switcher(client: TestClient) -> None:
    html = client.get("/", params={"lang": "ko"}).text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a href="#main">본문 바로가기</a>' in html
    assert 'id="main"' in html
    assert 'href="/lang/en?next=/"' in html
    assert 'href="/lang/ko?next=/"' in html
    assert 'aria-current="true">한국어</a>' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_the_home_page_counts_each_register_in_the_chosen_language(client: TestClient) -> None:
    korean = client.get("/", params={"lang": "ko"}).text
    assert "국가 기본 정보 시스템" in korean
    assert "<strong>0</strong>건" in korean
    english = client.get("/", params={"lang": "en"}).text
    assert "National Basic Information System" in english
    assert "<strong>0</strong> records" in english
    assert "Resident registration" in english


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/krds/krds.min.css",
        "/static/vendor/krds/krds.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/krds/fonts/PretendardGOV-Regular.subset.woff2",
        "/static/portal/portal.css",
        "/static/portal/portal.js",
    ],
)
def test_the_shell_files_are_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_the_stylesheet_declares_the_font_and_a_hangul_fallback(client: TestClient) -> None:
    css = client.get("/static/portal/portal.css").text
    assert '@font-face {\n  font-family: "Pretendard GOV"' in css
    assert '"Noto Sans KR", "NanumGothic", "Malgun Gothic"' in css
    assert "@media (max-width: 599px)" in css


def test_the_portal_script_reinitialises_krds_after_htmx_swaps(client: TestClient) -> None:
    script = client.get("/static/portal/portal.js").text
    assert '"htmx:afterSwap"' in script
    assert "widget.init()" in script


def test_the_manifest_makes_the_portal_installable(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest", params={"lang": "ko"})
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    for key in ("name", "short_name", "start_url", "display", "icons", "theme_color"):
        assert key in manifest, key
    assert manifest["name"] == "정부24"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#256ef4"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    english = client.get("/manifest.webmanifest", params={"lang": "en"}).json()
    assert english["name"] == "Nara Gov24"


def test_the_service_worker_is_javascript_at_the_root(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    body = response.text
    assert "__SHELL" not in body, "the version and the shell list are filled in"
    assert '"/offline"' in body
    assert '"/static/portal/portal.css"' in body
    for url in json.loads(body.split("const SHELL = ", 1)[1].split(";", 1)[0]):
        assert client.get(url).status_code == 200, url


def test_the_registers_are_counted_at_most_once_a_minute(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr("nara.portal.registries.time.monotonic", lambda: now[0])
    counted: list[object] = []
    scalar = session.scalar
    monkeypatch.setattr(session, "scalar", lambda query: counted.append(query) or scalar(query))
    counts = RecordCounts(seconds=60)

    first = counts.of(session)
    assert set(first) == {registry.slug for registry in REGISTRIES}
    assert len(counted) == len(REGISTRIES)
    now[0] += 59
    assert counts.of(session) == first
    assert len(counted) == len(REGISTRIES)  # kept
    now[0] += 1
    counts.of(session)
    assert len(counted) == 2 * len(REGISTRIES)  # counted again
