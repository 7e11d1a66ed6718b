"""The form macros: an error summary that links to fields, fields that name their errors."""

from __future__ import annotations

from html.parser import HTMLParser

from nara.portal.i18n import gettext_callables
from nara.portal.routes import templates

PAGE = """{% from "portal/macros/forms.html" import error_summary, text_field with context %}
{{ error_summary(errors) }}
{{ text_field("name", "Name", error=errors[0][1] if errors else None, hint="As on your ID") }}
{{ text_field("phone", "Phone") }}"""


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _render(errors: list[tuple[str, str]], language: str = "en") -> Elements:
    template = templates.env.from_string(PAGE)
    html = template.render(errors=errors, **gettext_callables(language))
    parser = Elements()
    parser.feed(html)
    parser.html = html  # type: ignore[attr-defined]
    return parser


def test_an_error_summary_links_to_each_field_and_the_field_names_its_message() -> None:
    page = _render([("name", "Enter your name")])
    summary = [attrs for tag, attrs in page.found if attrs.get("role") == "alert"]
    assert len(summary) == 1
    assert summary[0]["aria-labelledby"] == "error-summary-title"
    assert ("a", {"href": "#name"}) in page.found
    inputs = {attrs["id"]: attrs for tag, attrs in page.found if tag == "input"}
    assert inputs["name"]["aria-invalid"] == "true"
    assert inputs["name"]["aria-describedby"] == "name-hint name-error"
    assert "aria-invalid" not in inputs["phone"]
    assert "aria-describedby" not in inputs["phone"]
    ids = {attrs.get("id") for _tag, attrs in page.found}
    assert {"name-hint", "name-error"} <= ids
    assert "There is a problem" in page.html  # type: ignore[attr-defined]


def test_no_errors_no_summary() -> None:
    page = _render([])
    assert not [attrs for _tag, attrs in page.found if attrs.get("role") == "alert"]


def test_the_summary_is_translated() -> None:
    assert "입력 내용을 확인해 주세요" in _render([("name", "이름을 입력하세요")], "ko").html  # type: ignore[attr-defined]
