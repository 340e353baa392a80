"""Errors that name the field and the problem, so every layer can report them the same way."""


class DomainError(ValueError):
    """A rule was broken by the input. ``field`` names the offending field (dotted path)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class NotFound(DomainError):
    """The thing a field names does not exist (an unknown facility, person or incident)."""


class Conflict(DomainError):
    """The input clashes with what is stored (an identifier that belongs to someone else)."""


class Forbidden(DomainError):
    """The caller's role or facility scope does not allow this."""
