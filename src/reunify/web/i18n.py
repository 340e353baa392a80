"""Languages for public pages: gettext catalogs (Babel), chosen per request.

Catalogs live as ``.po`` files in ``web/locale`` and are compiled in memory when first used, so
the repository holds one source of truth and no binary ``.mo`` files. Templates mark text with
``{% trans %}`` / ``_()``; ``pybabel extract -F src/reunify/web/locale/babel.cfg`` refreshes
``messages.pot``, and ``pybabel update`` the catalogs.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request, Response
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
LANGUAGES = {"en": "English", "es": "Español"}  # English is the source text: no catalog
COOKIE = "reunify_lang"


@cache
def translations(lang: str) -> NullTranslations:
    if lang == DEFAULT or lang not in LANGUAGES:
        return NullTranslations()
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # an unreviewed (fuzzy) line stays English
    compiled.seek(0)
    return Translations(compiled)


def _from_header(header: str) -> str | None:
    """The best of our languages in an Accept-Language header, by its q weights."""
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        try:
            lang = Locale.parse(tag.strip().replace("-", "_")).language if tag.strip() else ""
        except (ValueError, UnknownLocaleError):
            continue
        if lang in LANGUAGES and weight > 0:
            ranked.append((weight, lang))
    return max(ranked, key=lambda r: r[0])[1] if ranked else None


def choose(request: Request) -> str:
    """``?lang=`` first, then the remembered choice, then the browser's languages."""
    for lang in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if lang in LANGUAGES:
            return lang
    return _from_header(request.headers.get("accept-language", "")) or DEFAULT


def remember(request: Request, response: Response, lang: str) -> None:
    if request.query_params.get("lang") == lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")


@pass_context
def _gettext(context: Context, message: str) -> str:
    # Jinja's new-style wrapper fills in %(name)s variables and escapes; we only translate.
    return translations(context.get("lang", DEFAULT)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang", DEFAULT)).ngettext(singular, plural, n)


def install(env: Environment) -> None:
    """Make ``_``, ``gettext`` and ``{% trans %}`` follow the ``lang`` of each render."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
