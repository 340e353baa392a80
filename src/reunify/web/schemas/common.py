"""The one error body and the one list envelope every endpoint uses."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
