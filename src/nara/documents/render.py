"""A document kind's HTML template filled in: content, confirmation number and QR code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2

from nara.documents.kinds import DocumentKind
from nara.documents.numbers import format_number

TEMPLATES = Path(__file__).parent / "templates"
KST = dt.timezone(dt.timedelta(hours=9), "KST")

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def verify_url(public_base_url: str, number: str) -> str:
    """Where anyone checks document `number`: `{public_base_url}/verify/{number}`."""
    return f"{public_base_url.rstrip('/')}/verify/{format_number(number)}"


def qr_data_uri(text: str) -> str:
    """`text` as a QR code: a PNG data URI, 4 pixels a module (the template draws it without
    smoothing, `image-rendering: crisp-edges`, so it stays sharp in print). A PNG rather than
    an SVG: WeasyPrint draws the SVG's path anew on every page, the PNG is embedded once."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return str(code.png_data_uri(scale=4, border=2, dark="#000", light="#fff"))


def render_html(
    kind: DocumentKind,
    *,
    content: dict[str, Any],
    number: str,
    issued_at: dt.datetime,
    public_base_url: str,
) -> str:
    """The document as HTML, ready for WeasyPrint."""
    url = verify_url(public_base_url, number)
    local = issued_at.astimezone(KST)
    return _environment.get_template(kind.template).render(
        kind=kind,
        content=content,
        number=format_number(number),
        issuer=kind.issuer,
        issued_at_text=local.strftime("%Y-%m-%d %H:%M KST"),
        issued_on_text=f"{local.year}년 {local.month}월 {local.day}일 · {local:%d %B %Y}",
        verify_url=url,
        qr=qr_data_uri(url),
    )
