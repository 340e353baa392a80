"""Human-readable reasons: each field's level and how much it moved the score.

Staff deciding whether to tell a family need the "why", not just a number.
"""

from __future__ import annotations

from reunify.matching.comparisons import COMPARISONS
from reunify.matching.scoring import Contribution, Scored

_FIELD_LABELS = {c.name: c.label for c in COMPARISONS}
_LEVEL_LABELS = {(c.name, lv.name): lv.label for c in COMPARISONS for lv in c.levels}


def describe(contribution: Contribution) -> str:
    """``"family name: sounds the same (+6.0)"``."""
    field = _FIELD_LABELS.get(contribution.field, contribution.field)
    level = _LEVEL_LABELS.get((contribution.field, contribution.level), contribution.level)
    return f"{field}: {level} ({contribution.weight:+.1f})"


def explain(scored: Scored, *, include_missing: bool = False) -> list[str]:
    """One line per field (missing facts only if asked), then the verdict and its notes."""
    lines = [describe(c) for c in scored.contributions if include_missing or c.level != "missing"]
    lines.append(
        f"total {scored.weight:+.1f} bits, probability {scored.probability:.3f}: "
        f"{scored.band.value.replace('_', ' ')} (model {scored.model_version})"
    )
    lines.extend(scored.notes)
    return lines


def why(scored: Scored, *, limit: int = 4) -> str:
    """The few fields that weighed most, strongest first, on one line."""
    ranked = sorted(
        (c for c in scored.contributions if c.level != "missing" and c.weight != 0),
        key=lambda c: -abs(c.weight),
    )
    parts = [describe(c) for c in ranked[:limit]]
    parts.extend(scored.notes)
    return "; ".join(parts)
