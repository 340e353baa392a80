"""The public forms: what was typed, and what is wrong with it, as codes per field.

Problems are codes (``name_full``, ``fact_required``...), not sentences: the templates turn
them into words in the reader's language, and the JSON twin keeps them machine-readable. The
limits are the API's own (``SoughtIn``, ``SafeReportCreate``) and the meaning of "one more
fact" is the matcher's (``Sought.other_facts``), so the page asks exactly what the API would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from reunify.domain import AgeRange, Sex
from reunify.domain.errors import DomainError
from reunify.families import verification
from reunify.families.candidates import Sought
from reunify.families.inquiries import parse_sought
from reunify.families.safe import SafeReport, split_name
from reunify.web.schemas.families import SafeReportCreate, SoughtIn

SEXES = ("unknown", "female", "male", "other")


class SearchForm(BaseModel):
    """The search form as typed, echoed back when something must be corrected."""

    name: str = ""
    age: str = ""
    age_approximate: bool = False
    date_of_birth: str = ""
    sex: str = "unknown"
    city: str = ""
    phone: str = ""


class SafeForm(BaseModel):
    name: str = ""
    age: str = ""
    age_approximate: bool = False
    sex: str = "unknown"
    city: str = ""
    message: str = ""
    email: str = ""
    phone: str = ""


class FollowForm(BaseModel):
    email: str = ""


class CodeForm(BaseModel):
    code: str = ""


@dataclass
class Checked:
    """A form's verdict: problems per field (empty when it may go ahead)."""

    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _age_text(age: str, approximate: bool) -> str:
    """The age as the API takes it; "approximate" is a tick box, so no language's word for
    "about" has to be parsed."""
    age = " ".join(age.split())
    if approximate and age.isdigit():
        return f"about {age}"
    return age


def _too_long(
    model: type[BaseModel], data: dict[str, Any], names: dict[str, str]
) -> dict[str, str]:
    """Fields over the API's own limits, by the form's field names."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"])
            errors.setdefault(names.get(path, path), "too_long")
        return errors
    return {}


def sought_fields(form: SearchForm) -> dict[str, Any]:
    """The API's ``sought`` object for this form: what is stored with the inquiry."""
    data: dict[str, Any] = {
        "name": " ".join(form.name.split()),
        "age": _age_text(form.age, form.age_approximate) or None,
        "date_of_birth": form.date_of_birth.strip(),
        "sex": form.sex if form.sex in SEXES else "unknown",
        "city": form.city.strip(),
        "phone": form.phone.strip(),
    }
    return {k: v for k, v in data.items() if v not in (None, "", "unknown")}


def check_search(form: SearchForm) -> tuple[Checked, Sought | None]:
    fields = sought_fields(form)
    checked = Checked(_too_long(SoughtIn, fields, {}))
    name = fields.get("name", "")
    if not name:
        checked.errors.setdefault("name", "name_required")
    elif len(name.split()) < 2:
        checked.errors.setdefault("name", "name_full")
    if "phone" in fields and len([c for c in fields["phone"] if c.isdigit()]) < 7:
        checked.errors.setdefault("phone", "phone_short")
    sought: Sought | None = None
    if not checked.errors.keys() & {"age", "date_of_birth"}:
        try:
            sought = parse_sought(**fields, field="search")
        except DomainError as exc:
            code = "dob_invalid" if exc.field.endswith("date_of_birth") else "age_invalid"
            checked.errors["date_of_birth" if code == "dob_invalid" else "age"] = code
    if sought is not None and not sought.other_facts and not checked.errors:
        checked.errors["facts"] = "fact_required"
    return checked, (sought if checked.ok else None)


def check_safe(form: SafeForm) -> tuple[Checked, SafeReport | None]:
    name = " ".join(form.name.split())
    age = _age_text(form.age, form.age_approximate)
    sex = form.sex if form.sex in SEXES else "unknown"
    city, message = form.city.strip(), form.message.strip()
    email, phone = form.email.strip(), form.phone.strip()
    data = {
        "name": name,
        "age": age or None,
        "sex": sex,
        "city": city,
        "message": message,
        "contact": {"email": email, "phone": phone},
    }
    names = {"contact.email": "email", "contact.phone": "phone"}
    checked = Checked(_too_long(SafeReportCreate, data, names))
    given = family = ""
    try:
        given, family = split_name(name, "", "")
    except DomainError:
        checked.errors.setdefault("name", "name_full" if name else "name_required")
    age_range: AgeRange | None = None
    if age and "age" not in checked.errors:
        try:
            age_range = AgeRange.parse(age, "age")
        except DomainError:
            checked.errors["age"] = "age_invalid"
    # The same facts a seeker's answer can rest on (``Sought.other_facts``).
    if not (age or city or sex in ("female", "male")):
        checked.errors.setdefault("facts", "fact_required")
    if email and "email" not in checked.errors:
        try:
            verification.contact_key(email=email)
        except DomainError:
            checked.errors["email"] = "email_invalid"
    if not checked.ok:
        return checked, None
    report = SafeReport(
        given=given,
        family=family,
        age=age_range,
        sex=Sex(sex),
        city=city,
        message=message,
        email=email.lower(),
        phone=phone,
    )
    return checked, report


def check_follow(form: FollowForm) -> tuple[Checked, str]:
    """The contact key for the email typed, or the problem with it."""
    email = form.email.strip()
    if not email:
        return Checked({"email": "email_required"}), ""
    try:
        return Checked(), verification.contact_key(email=email)
    except DomainError:
        return Checked({"email": "email_invalid"}), ""


def check_code(form: CodeForm) -> Checked:
    code = form.code.strip()
    if not code:
        return Checked({"code": "code_required"})
    if not code.isdigit() or not 4 <= len(code) <= 12:
        return Checked({"code": "code_wrong"})
    return Checked()
