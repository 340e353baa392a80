"""Messages to seekers in their language: the one-time code and the general condition."""

from __future__ import annotations

from reunify.families.messages import render, verification_code


def test_the_code_message_speaks_the_seekers_language() -> None:
    subject, text = verification_code("123456", language="es-MX")
    assert subject == "Su código de Reunify"
    assert "Su código de Reunify es 123456" in text
    subject, text = verification_code("123456", language="fr")
    assert subject == "Your Reunify code"
    assert "Your Reunify code is 123456. It expires in 15 minutes." in text


def test_the_condition_is_translated_too() -> None:
    answer = {"kind": "located", "facility": "Seattle Presbyterian Hospital", "condition": "fair"}
    _, spanish = render(answer, name="Alex Karev", language="es", ref="r")
    assert "Estado general: regular." in spanish
    _, english = render(answer, name="Alex Karev", language="en", ref="r")
    assert "General condition: fair." in english


def test_a_safe_report_time_and_a_missing_name_read_naturally() -> None:
    answer = {"kind": "reported_safe", "since": "2026-11-21T06:05:00+00:00", "message": "Bien."}
    subject, spanish = render(answer, name="", language="es", ref="r")
    assert subject == "Noticias sobre la persona por la que preguntó"
    assert "21 nov 2026, 6:05:00 UTC" in spanish
    _, english = render(answer, name="", language="en", ref="r")
    assert "the person you asked about reported themself safe at Nov 21, 2026" in english
