"""The base class of every model generated from payflow's JSON Schemas (scripts/generate).

Two places where pydantic and JSON Schema read the same JSON differently, aligned here so the
models accept exactly what the linter and the sandbox accept:

* absent vs null: datamodel-codegen writes ``X | None = None`` for every member not listed in
  ``required``, which pydantic reads as "may be null"; JSON Schema only as "may be absent". No
  payflow schema lets a member be null (tests/differential keeps it so), so a member given as
  null is refused. Leaving it out still works, and an unset member still reads as ``None``.
* integers: the models use strict types (no ``"100"`` or ``true`` for an integer), but to JSON
  Schema ``1.0`` and ``1e2`` *are* integers, so an integral number is taken as the integer.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

__all__ = ["SchemaModel"]


class SchemaModel(BaseModel):
    """A pydantic model that reads JSON the way JSON Schema does (see the module docstring)."""

    @model_validator(mode="before")
    @classmethod
    def _json_schema_semantics(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        nulls = [name for name, value in data.items() if value is None and name in cls.model_fields]
        if nulls:
            raise PydanticCustomError(
                "null_member",
                "{members}: null is not allowed; leave the member out instead",
                {"members": ", ".join(nulls)},
            )
        integral = [
            name
            for name in _integer_fields(cls)
            if isinstance(data.get(name), float) and data[name].is_integer()
        ]
        if integral:
            data = {**data, **{name: int(data[name]) for name in integral}}
        return data


@cache
def _integer_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Members typed ``int`` (``StrictInt``, optionally ``| None``)."""
    return tuple(
        name for name, field in model.model_fields.items() if int in _plain_types(field.annotation)
    )


def _plain_types(annotation: Any) -> set[Any]:
    """The types a (possibly Optional/Annotated/union) annotation admits, metadata stripped."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _plain_types(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return set().union(*(_plain_types(a) for a in typing.get_args(annotation)))
    return {annotation}
