"""The portal's languages: Babel catalogues for Korean and English, and the visitor's choice.

The `.po` catalogues under `locale/` are the source of truth; they are compiled in memory
the first time a language is used, so neither the repository nor the build carries `.mo`
files. Templates mark text with `{% trans %}` and `_()` (Jinja2's i18n extension); the
functions are bound to the request's language in the template context, so one environment
serves every language at once.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LANGUAGES: tuple[str, ...] = ("ko", "en")
"""Languages the portal is translated into, Korean first."""

LANGUAGE_NAMES: dict[str, str] = {"ko": "한국어", "en": "English"}
"""Each language in its own words, as the language switcher shows it."""

LANGUAGE_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def catalogue_paths(language: str) -> list[Path]:
    """The `.po` catalogues of `language`: `messages.po` (the shell and the first pages) and
    one per area of the portal (`services.po`, `office.po`, `wallet.po`...), so that areas
    are translated independently. A message is in exactly one of them."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda path: (path.stem != DOMAIN, path.name))


def catalogue_path(language: str) -> Path:
    """The shell's catalogue of `language`."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(path: Path, language: str) -> Translations:
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def translations(language: str) -> Translations:
    """The compiled catalogues of `language` (one of `LANGUAGES`), merged, built once per
    process."""
    if language not in LANGUAGES:
        raise ValueError(f"the portal is not translated into {language!r}")
    first, *others = catalogue_paths(language)
    merged = _compiled(first, language)
    for path in others:
        merged.merge(_compiled(path, language))
    return merged


def from_accept_language(header: str) -> str | None:
    """The first of `LANGUAGES` the header accepts, by quality then order; None if neither."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else None


def choose_language(request: Request) -> str:
    """The visitor's language: `?lang=`, then the `lang` cookie set by the language
    switcher, then Accept-Language, then `NARA_PORTAL_DEFAULT_LANGUAGE`."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return str(chosen)
    negotiated = from_accept_language(request.headers.get("accept-language", ""))
    if negotiated is not None:
        return negotiated
    default = str(getattr(request.app.state.settings, "portal_default_language", "ko"))
    return default if default in LANGUAGES else LANGUAGES[0]


def gettext_callables(language: str) -> dict[str, Any]:
    """`gettext`/`ngettext` for templates in `language`, with Jinja2's new-style semantics
    (autoescaped, `%(name)s` placeholders filled from keyword arguments)."""
    catalogue = translations(language)

    @pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        text = catalogue.ugettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704  (our own catalogue text, which may carry markup)
        return text % variables if variables else text

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, count: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", count)
        text = catalogue.ungettext(singular, plural, count)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704  (our own catalogue text, which may carry markup)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def template_context(request: Request) -> dict[str, Any]:
    """What every portal template sees: the language, its gettext, the switcher's entries."""
    language = getattr(request.state, "language", None) or choose_language(request)
    return {
        "language": language,
        "language_names": LANGUAGE_NAMES,
        **gettext_callables(language),
    }
