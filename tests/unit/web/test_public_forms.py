"""The public forms' checks: what the page asks for is what the API and the matcher need."""

from __future__ import annotations

import pytest

from reunify.domain import AgeRange, Sex
from reunify.web.pages.public_forms import (
    CodeForm,
    FollowForm,
    SafeForm,
    SearchForm,
    check_code,
    check_follow,
    check_safe,
    check_search,
    sought_fields,
)


def test_a_full_name_and_an_age_make_a_search() -> None:
    checked, sought = check_search(SearchForm(name="  Alex   Karev ", age="31"))
    assert checked.ok
    assert sought is not None
    assert (sought.given, sought.family, sought.age) == ("alex", "karev", AgeRange(31, 31))


def test_the_approximate_box_widens_the_age_whatever_the_language() -> None:
    form = SearchForm(name="Alex Karev", age="30", age_approximate=True)
    assert sought_fields(form)["age"] == "about 30"
    _, sought = check_search(form)
    assert sought is not None
    assert sought.age == AgeRange(27, 33)


def test_only_what_was_given_is_stored_with_the_inquiry() -> None:
    form = SearchForm(name="Alex Karev", city="Seattle", sex="unknown", phone="")
    assert sought_fields(form) == {"name": "Alex Karev", "city": "Seattle"}


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (SearchForm(age="31"), {"name": "name_required"}),
        (SearchForm(name="Karev", age="31"), {"name": "name_full"}),
        (SearchForm(name="Alex Karev"), {"facts": "fact_required"}),
        (SearchForm(name="Alex Karev", sex="other"), {"facts": "fact_required"}),
        (SearchForm(name="Alex Karev", age="thirty"), {"age": "age_invalid"}),
        (SearchForm(name="Alex Karev", date_of_birth="1995-13"), {"date_of_birth": "dob_invalid"}),
        (SearchForm(name="Alex Karev", phone="12-34"), {"phone": "phone_short"}),
        (SearchForm(name="Alex Karev", age="31", city="x" * 121), {"city": "too_long"}),
        (SearchForm(name="Alex", age="x"), {"name": "name_full", "age": "age_invalid"}),
    ],
)
def test_each_problem_is_named_on_its_field(form: SearchForm, errors: dict[str, str]) -> None:
    checked, sought = check_search(form)
    assert sought is None
    assert checked.errors == errors


def test_an_initial_passes_the_form_and_is_left_to_the_policy() -> None:
    # The service answers "no information" for it, exactly as for "not found".
    checked, sought = check_search(SearchForm(name="A. Karev", age="31"))
    assert checked.ok
    assert sought is not None
    assert not sought.full_name


def test_a_safe_report_from_the_form() -> None:
    form = SafeForm(name="April Kepner", age="29", sex="female", email=" April@Example.org ")
    checked, report = check_safe(form)
    assert checked.ok
    assert report is not None
    assert (report.given, report.family, report.sex) == ("April", "Kepner", Sex.FEMALE)
    assert report.email == "april@example.org"


@pytest.mark.parametrize(
    ("form", "field", "code"),
    [
        (SafeForm(age="29"), "name", "name_required"),
        (SafeForm(name="April", age="29"), "name", "name_full"),
        (SafeForm(name="April Kepner"), "facts", "fact_required"),
        (SafeForm(name="April Kepner", age="old"), "age", "age_invalid"),
        (SafeForm(name="April Kepner", city="Seattle", email="april"), "email", "email_invalid"),
        (SafeForm(name="April Kepner", city="Seattle", message="x" * 501), "message", "too_long"),
        (SafeForm(name="April Kepner", city="Seattle", phone="1" * 41), "phone", "too_long"),
    ],
)
def test_a_safe_report_names_its_problem(form: SafeForm, field: str, code: str) -> None:
    checked, report = check_safe(form)
    assert report is None
    assert checked.errors[field] == code


def test_follow_and_code_checks() -> None:
    assert check_follow(FollowForm(email=" Izzie@Example.org"))[1] == "email:izzie@example.org"
    assert check_follow(FollowForm())[0].errors == {"email": "email_required"}
    assert check_follow(FollowForm(email="izzie"))[0].errors == {"email": "email_invalid"}
    assert check_code(CodeForm(code=" 123456 ")).ok
    assert check_code(CodeForm()).errors == {"code": "code_required"}
    assert check_code(CodeForm(code="12ab56")).errors == {"code": "code_wrong"}
