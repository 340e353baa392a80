"""The one error body and the one list envelope every endpoint uses."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")

# Row ids are 64-bit: a larger number is refused as invalid input (naming the field) instead of
# reaching the database driver, which cannot bind it (SQLite raised OverflowError, a 500).
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. body.names.0.given")
    problem: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer has this shape."""

    status: int
    error: str = Field(description="A stable machine code, e.g. invalid_request, not_found")
    detail: str = Field(description="One human sentence naming the field and the problem")
    fields: list[FieldProblem] = Field(default_factory=list)


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    count: int


class Input(BaseModel):
    """Base of request bodies: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store a NUL in text; SQLite would. Refuse it on both, by field.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in texts):
            raise ValueError("must not contain a NUL character")
        return value
