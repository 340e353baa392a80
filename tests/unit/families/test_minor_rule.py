from __future__ import annotations

import pytest

from reunify.domain import AgeRange
from reunify.families.disclose import possibly_minor


@pytest.mark.parametrize(
    ("age", "minor"),
    [
        (None, False),
        (AgeRange(16, 16), True),
        (AgeRange(15, 25), True),
        (AgeRange(18, 22), False),
        (AgeRange(31, 31), False),
    ],
)
def test_a_possible_minor_is_treated_as_one(age: AgeRange | None, minor: bool) -> None:
    assert possibly_minor(age) is minor
