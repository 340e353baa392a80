"""The gettext catalogs: the template is current, and Spanish is complete and well formed."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from reunify.web import i18n

LOCALE = i18n.LOCALE_DIR
WEB = LOCALE.parent


def _ids(path: Path, locale: str | None = None) -> dict[str, str]:
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def test_the_template_holds_every_marked_string() -> None:
    method_map = [("**/templates/public/**.html", "jinja2"), ("**/templates/base.html", "jinja2")]
    options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, _ in method_map}
    marked = {str(m[2]) for m in extract_from_dir(str(WEB), method_map, options)}
    assert marked == set(_ids(LOCALE / "messages.pot")), "run pybabel extract (see i18n.py)"


@pytest.mark.parametrize("lang", sorted(set(i18n.LANGUAGES) - {i18n.DEFAULT}))
def test_every_language_is_complete(lang: str) -> None:
    translated = _ids(LOCALE / lang / "LC_MESSAGES" / "messages.po", lang)
    assert set(translated) == set(_ids(LOCALE / "messages.pot"))
    assert [msgid for msgid, text in translated.items() if not text] == []
    assert i18n.translations(lang).gettext("Skip to content") != "Skip to content"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9", None),
        ("de;q=0.9, es;q=0.5", "es"),
        ("es;q=0, en;q=0.1", "en"),
        ("", None),
        ("!!;q=x", None),
    ],
)
def test_accept_language(header: str, expected: str | None) -> None:
    assert i18n._from_header(header) == expected
