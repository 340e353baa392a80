import pytest

from reunify.matching.normalise import (
    consonant_skeleton,
    family_units,
    fold,
    name_tokens,
    parse_full_name,
    significant_parts,
    strip_titles,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("José", "jose"),
        ("  GARCÍA   Márquez ", "garcia marquez"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("OBrien", "obrien"),
        ("Jean-Luc", "jean luc"),
        ("Müller", "muller"),
        ("Łódź", "lodz"),
        ("Алексей", "aleksey"),
        ("Ελένη", "eleni"),
        ("Nguyễn Thị", "nguyen thi"),
        ("Dr. Derek, Jr.", "dr derek jr"),
        ("王小明", "wangxiaoming"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_mixed_scripts() -> None:
    assert fold("Dr 王小明 (Wang)") == "dr wangxiaoming wang"
    assert fold("김민준-Kim", split_cjk_family=True) == "gim minjun kim"


def test_fold_can_split_an_east_asian_family_name() -> None:
    assert fold("王小明", split_cjk_family=True) == "wang xiaoming"
    assert fold("김민준", split_cjk_family=True) == "gim minjun"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Dr Derek Shepherd", ("derek", "shepherd")),
        ("Mrs. Miranda Bailey MD", ("miranda", "bailey")),
        ("Richard Webber III", ("richard", "webber")),
        ("Mr", ("mr",)),  # never strip the last word
        ("Jr", ("jr",)),
        ("Nguyen Van Do", ("nguyen", "van", "do")),  # "Do" is a family name, not a suffix
    ],
)
def test_name_tokens_drop_titles_and_suffixes(text: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(text) == tokens


def test_strip_titles_only_at_the_ends() -> None:
    assert strip_titles(("maria", "dr", "lopez")) == ("maria", "dr", "lopez")


@pytest.mark.parametrize(
    ("tokens", "units"),
    [
        (("maria", "de", "la", "cruz"), ("maria", "de la cruz")),
        (("ludwig", "van", "beethoven"), ("ludwig", "van beethoven")),
        (("nguyen", "van"), ("nguyen", "van")),
        (("gabriel", "garcia", "marquez"), ("gabriel", "garcia", "marquez")),
    ],
)
def test_family_units_glue_particles(tokens: tuple[str, ...], units: tuple[str, ...]) -> None:
    assert family_units(tokens) == units


@pytest.mark.parametrize(
    ("family", "parts"),
    [("de la cruz", ("cruz",)), ("garcia marquez", ("garcia", "marquez")), ("o brien", ("brien",))],
)
def test_significant_parts(family: str, parts: tuple[str, ...]) -> None:
    assert significant_parts(family) == parts


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("Karev, Alex", (("alex", "karev"),)),
        ("Alex Karev", (("alex", "karev"),)),
        ("Alex", (("alex", ""),)),
        (
            "Derek Christopher Shepherd",
            (("derek christopher", "shepherd"), ("derek", "christopher shepherd")),
        ),
        ("Maria de la Cruz", (("maria", "de la cruz"),)),
        ("Dr. Miranda Bailey", (("miranda", "bailey"),)),
        ("王小明", (("xiaoming", "wang"),)),
        ("", ()),
        (", ", ()),
        ("Derek Shepherd, MD", (("derek", "shepherd"),)),
        ("Shepherd, Derek, Jr.", (("derek", "shepherd"),)),
        ("Shepherd, Derek Christopher", (("derek christopher", "shepherd"),)),
    ],
)
def test_parse_full_name(text: str, readings: tuple[tuple[str, str], ...]) -> None:
    assert parse_full_name(text) == readings


def test_parse_full_name_caps_family_length() -> None:
    readings = parse_full_name("Ana Maria Luisa Garcia Lopez Perez")
    assert len(readings) == 3
    assert readings[-1] == ("ana maria luisa", "garcia lopez perez")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("shepard", "shepherd", True),
        ("smith", "smyth", True),
        ("sheppard", "shepherd", True),
        ("karev", "kepner", False),
    ],
)
def test_consonant_skeleton(a: str, b: str, same: bool) -> None:
    assert (consonant_skeleton(a) == consonant_skeleton(b)) is same


def test_consonant_skeleton_of_nothing() -> None:
    assert consonant_skeleton("") == ""


@pytest.mark.parametrize("digits", ["2065550101", "9999999999", "2062000000", "4255550199"])
def test_plain_ten_digits_read_as_phonenumbers_reads_them(digits: str) -> None:
    import phonenumbers

    from reunify.matching.fields import normalise_phone

    parsed = phonenumbers.parse(digits, "US")
    expected = (parsed.country_code, phonenumbers.national_significant_number(parsed))
    assert normalise_phone(digits) == expected


@pytest.mark.parametrize("digits", ["1065550101", "2061550101"])
def test_ten_digits_that_are_not_a_north_american_number_take_the_slow_path(digits: str) -> None:
    from reunify.matching.fields import normalise_phone

    phone = normalise_phone(digits)
    assert phone is not None
    assert phone.national.endswith(digits[-7:])
