"""The vocabulary of comparisons: a comparison is an ordered list of levels.

As in Splink, level 0 is the null level ("missing on one side", no evidence either way),
then the levels run from the best agreement to the worst, and the last is the else level
("different"). Comparisons know nothing of storage or of the model's numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

NULL_LEVEL = "missing"
ELSE_LEVEL = "different"

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    label: str
    is_null: bool = False
    tf: bool = False  # exact agreement whose weight depends on how common the value is


@dataclass(frozen=True, slots=True)
class Comparison:
    """One field's comparison: ``levels[0]`` is null, ``levels[-1]`` is else."""

    name: str
    label: str
    levels: tuple[Level, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: level names must be unique")
        if not self.levels[0].is_null or any(lv.is_null for lv in self.levels[1:]):
            raise ValueError(f"{self.name}: exactly the first level must be the null level")
        object.__setattr__(self, "_index", {n: i for i, n in enumerate(names)})

    @classmethod
    def build(
        cls, name: str, label: str, levels: Sequence[tuple[str, str] | tuple[str, str, bool]]
    ) -> Comparison:
        """Wrap ``(name, label[, tf])`` levels, best first, in a null and an else level."""
        body = [Level(lv[0], lv[1], tf=bool(lv[2]) if len(lv) > 2 else False) for lv in levels]
        return cls(
            name,
            label,
            (
                Level(NULL_LEVEL, "missing on one side", is_null=True),
                *body,
                Level(ELSE_LEVEL, "different"),
            ),
        )

    def index(self, level_name: str) -> int:
        return self._index[level_name]

    @property
    def else_index(self) -> int:
        return len(self.levels) - 1


@dataclass(frozen=True, slots=True)
class Rule(Generic[_T]):
    """A level's test on one pair of values (two name words, two family names)."""

    name: str
    label: str
    test: Callable[[_T, _T], bool]
    tf: bool = False


def best_rule(
    rules: Sequence[Rule[_T]], left: Sequence[_T], right: Sequence[_T], term: Callable[[_T], str]
) -> tuple[int, str | None]:
    """The best rule any pair of values passes, over all pairs.

    Returns ``(-1, None)`` when either side has no value (null), ``(len(rules), None)`` when
    no rule passes (else), otherwise the rule's position and, for a term-frequency rule, the
    agreeing value.
    """
    if not left or not right:
        return (-1, None)
    best, found = len(rules), None
    for a in left:
        for b in right:
            for k in range(best):
                if rules[k].test(a, b):
                    best = k
                    found = term(a) if rules[k].tf else None
                    break
            if best == 0:
                return (0, found)
    return (best, found)
