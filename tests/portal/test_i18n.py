"""Korean and English: complete catalogues, every template string translated, the choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from nara.portal.i18n import (
    LANGUAGES,
    catalogue_path,
    catalogue_paths,
    from_accept_language,
    translations,
)

PORTAL = Path(__file__).parent.parent.parent / "src" / "nara" / "portal"


def _messages(path: Path, language: str) -> dict[str, object]:
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalogue if m.id}


def _msgids(language: str) -> dict[str, object]:
    merged: dict[str, object] = {}
    for path in catalogue_paths(language):
        merged.update(_messages(path, language))
    return merged


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_message_is_in_one_catalogue_only(language: str) -> None:
    seen: dict[str, str] = {}
    twice = []
    for path in catalogue_paths(language):
        for msgid in _messages(path, language):
            if msgid in seen:
                twice.append(f"{msgid!r} in {seen[msgid]} and {path.name}")
            seen[msgid] = path.name
    assert catalogue_path(language) == catalogue_paths(language)[0]
    assert twice == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    untranslated = [
        msgid
        for msgid, string in _msgids(language).items()
        if not (all(string) if isinstance(string, tuple) else string)
    ]
    assert untranslated == []


def test_every_string_in_the_templates_is_in_both_catalogues() -> None:
    extracted = {
        message[0] if isinstance(message, tuple) else message
        for _file, _line, message, _comments, _context in extract_from_dir(
            PORTAL,
            method_map=[("**/templates/**.html", "jinja2")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert "Skip to main content" in extracted, "the extraction must reach the templates"
    for language in LANGUAGES:
        missing = extracted - set(_msgids(language))
        assert missing == set(), f"not in the {language} catalogue: {sorted(missing)}"


def test_catalogues_compile_in_memory() -> None:
    assert translations("ko").gettext("Skip to main content") == "본문 바로가기"
    assert translations("en").gettext("Skip to main content") == "Skip to main content"
    with pytest.raises(ValueError, match="not translated"):
        translations("fr")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ko-KR,ko;q=0.9,en;q=0.8", "ko"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5, ko;q=0.7", "ko"),
        ("fr-FR,de;q=0.8", None),
        ("ko;q=0, en", "en"),
        ("", None),
        ("en;q=abc, ko", "ko"),
    ],
)
def test_accept_language_is_negotiated(header: str, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_the_default_language_is_the_setting(client: TestClient) -> None:
    # The test settings leave NARA_PORTAL_DEFAULT_LANGUAGE at its default, Korean.
    assert '<html lang="ko">' in client.get("/", headers={"Accept-Language": "de"}).text


def test_the_switcher_sets_a_cookie_and_returns_to_the_page(client: TestClient) -> None:
    response = client.get("/lang/en?next=/offline", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/offline"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    # The cookie outranks Accept-Language.
    page = client.get("/", headers={"Accept-Language": "ko"})
    assert '<html lang="en">' in page.text
    assert "Skip to main content" in page.text
    client.get("/lang/ko", follow_redirects=False)
    assert '<html lang="ko">' in client.get("/", headers={"Accept-Language": "en"}).text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil", ""])
def test_the_switcher_returns_only_within_the_site(client: TestClient, target: str) -> None:
    response = client.get("/lang/ko", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_an_unknown_language_is_404(client: TestClient) -> None:
    response = client.get("/lang/fr", follow_redirects=False)
    assert response.status_code == 404
    assert response.json()["code"] == "language_unknown"
