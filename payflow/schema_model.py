"""The base class of every model generated from payflow's JSON Schemas (scripts/generate).

JSON Schema keeps two things apart that pydantic's ``X | None = None`` (which
datamodel-codegen writes for every member not listed in ``required``) runs together: a member
may be *absent*, and a member may be *null*. No payflow schema lets a member be null (a test in
tests/differential keeps it so), so a member given as null is refused here, exactly as the
linter and the sandbox refuse ``{"preScreening": null}``. Leaving a member out still works,
and an unset member still reads as ``None`` in Python.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

__all__ = ["SchemaModel"]


class SchemaModel(BaseModel):
    """A pydantic model whose optional members may be left out but never be null."""

    @model_validator(mode="before")
    @classmethod
    def _absent_is_not_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [
                name for name, value in data.items() if value is None and name in cls.model_fields
            ]
            if nulls:
                raise PydanticCustomError(
                    "null_member",
                    "{members}: null is not allowed; leave the member out instead",
                    {"members": ", ".join(nulls)},
                )
        return data
