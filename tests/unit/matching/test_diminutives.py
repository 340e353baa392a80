import pytest

from reunify.matching.diminutives import (
    CURATED_COLUMNS,
    are_diminutives,
    full_forms,
    name_group,
    parse_curated,
    read_curated,
)


def test_every_curated_row_cites_a_source() -> None:
    rows = read_curated()
    assert len(rows) >= 50
    for row in rows:
        assert tuple(row) == CURATED_COLUMNS
        assert row["source"].startswith(("Behind the Name", "Wikipedia", "Wiktionary"))
        assert row["language"] in {"en", "es", "it", "de", "ru", "pl"}


def test_curated_rows_are_unique() -> None:
    pairs = [(r["name"], r["diminutive"]) for r in read_curated()]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Missing from the English package, added in the curated file.
        ("izzie", "isobel"),
        ("izzie", "isabel"),
        ("izzie", "isabella"),
        ("lexie", "alexandra"),
        ("teddy", "theodora"),
        ("pepe", "jose"),
        ("paco", "francisco"),
        ("nacho", "ignacio"),
        ("beppe", "giuseppe"),
        ("sasha", "aleksandr"),
        ("sasha", "alexander"),
        ("misha", "mikhail"),
        ("hansi", "johannes"),
        # From the maintained English dataset.
        ("alex", "alexander"),
        ("alex", "alexandra"),
        ("bill", "william"),
        ("bob", "robert"),
        # Two diminutives of one name.
        ("bill", "will"),
        ("sasha", "alex"),
    ],
)
def test_diminutives_are_found_in_both_directions(a: str, b: str) -> None:
    assert are_diminutives(a, b)
    assert are_diminutives(b, a)


@pytest.mark.parametrize(("a", "b"), [("derek", "mark"), ("izzie", "lexie"), ("pepe", "paco")])
def test_unrelated_names_are_not_diminutives(a: str, b: str) -> None:
    assert not are_diminutives(a, b)


def test_a_name_is_its_own_form() -> None:
    assert are_diminutives("derek", "derek")
    assert "derek" in full_forms("derek")
    assert "izzie" in name_group("isobel")


@pytest.mark.parametrize(
    "text",
    [
        "name,diminutive,language,source\njose,pepe,es,\n",
        "name,diminutive,language\njose,pepe,es\n",
        "name,diminutive,language,source\njose,pepe,es\n",
    ],
)
def test_a_row_without_a_source_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_curated(text)
