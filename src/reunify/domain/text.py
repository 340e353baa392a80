"""Folding text for exact, case- and accent-insensitive look-ups."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``"  José  GARCÍA "`` -> ``"jose garcia"``: no accents, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
