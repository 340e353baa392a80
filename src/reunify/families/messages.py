"""Notification texts, rendered only from a public answer body (never from a record), in the
seeker's language where a translation exists (English otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "subject": "News about {name}",
        "located": "{name} is being cared for at {facility}. General condition: {condition}.",
        "in_transit": "{name} is being moved to {facility}.",
        "discharged": "{name} has been discharged.",
        "reported_safe": '{name} reported themself safe at {since}: "{message}"',
        "contact_family_assistance_centre": "Please contact the family assistance centre: "
        "{centre_name}, {centre_phone}, {centre_address}.",
        "no_information": "We have no information to give about {name} at this time.",
        "footer": "You asked Reunify to tell you when this changes. Reference {ref}.",
        "someone": "the person you asked about",
        "stop": "To stop these emails, open {url}",
        "code_subject": "Your Reunify code",
        "code": "Your Reunify code is {code}. It expires in 15 minutes. "
        "If you did not ask for it, ignore this message.",
    },
    "es": {
        "subject": "Noticias sobre {name}",
        "located": "{name} está siendo atendido/a en {facility}. Estado general: {condition}.",
        "in_transit": "{name} está siendo trasladado/a a {facility}.",
        "discharged": "{name} ha sido dado/a de alta.",
        "reported_safe": '{name} informó que está a salvo ({since}): "{message}"',
        "contact_family_assistance_centre": "Por favor, contacte con el centro de asistencia "
        "a familias: {centre_name}, {centre_phone}, {centre_address}.",
        "no_information": "Por ahora no tenemos información que dar sobre {name}.",
        "footer": "Pidió a Reunify que le avisara de cualquier cambio. Referencia {ref}.",
        "someone": "la persona por la que preguntó",
        "stop": "Para dejar de recibir estos correos, abra {url}",
        "code_subject": "Su código de Reunify",
        "code": "Su código de Reunify es {code}. Caduca en 15 minutos. "
        "Si no lo ha pedido, ignore este mensaje.",
    },
}

# The general condition in the seeker's language (the AHA one-word terms); English is the key.
_CONDITION = {
    "es": {
        "good": "bueno",
        "fair": "regular",
        "serious": "grave",
        "critical": "crítico",
        "undetermined": "por determinar",
    },
}


def language_of(tag: str) -> str:
    base = tag.strip().lower().split("-")[0]
    return base if base in _TEXT else "en"


def render(answer: dict[str, Any], *, name: str, language: str, ref: str) -> tuple[str, str]:
    """(subject, text) for one public answer about the person the seeker named ``name``."""
    lang = language_of(language)
    text = _TEXT[lang]
    condition = str(answer.get("condition") or "")
    centre = answer.get("family_assistance_centre") or {}
    values = {
        "name": name or text["someone"],
        "facility": answer.get("facility") or "",
        "condition": _CONDITION.get(lang, {}).get(condition, condition),
        "since": _when(answer.get("since"), lang),
        "message": answer.get("message") or "",
        "centre_name": centre.get("name", ""),
        "centre_phone": centre.get("phone", ""),
        "centre_address": centre.get("address", ""),
        "ref": ref,
    }
    line = text[str(answer["kind"])].format(**values)
    return text["subject"].format(**values), f"{line}\n\n{text['footer'].format(**values)}\n"


def _when(value: object, lang: str) -> str:
    """An answer's ISO time as the seeker would read it ("21 nov 2026, 6:05 UTC")."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "medium", tzinfo=UTC, locale=lang) + " UTC"


def verification_code(code: str, *, language: str) -> tuple[str, str]:
    """(subject, text) of the one-time code message, in the seeker's language."""
    text = _TEXT[language_of(language)]
    return text["code_subject"], text["code"].format(code=code) + "\n"


def stop_line(language: str, url: str) -> str:
    """The last line of a notification email: how to stop them, in the seeker's language."""
    return _TEXT[language_of(language)]["stop"].format(url=url)
