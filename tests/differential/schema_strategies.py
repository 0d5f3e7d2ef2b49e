"""Hypothesis strategies for payflow requests, built from the schemas.

Leaves (strings with patterns and lengths, integers with bounds, enums, booleans) come from
hypothesis-jsonschema's ``from_schema``. Objects, arrays and ``oneOf``/``anyOf``/``allOf`` are
composed here: hypothesis-jsonschema 0.23.1's object strategy calls a Hypothesis internal
(``many.more``) that Hypothesis 6.170 no longer has, and the payflow shapes are simple
enough (closed objects, disjoint ``oneOf`` branches, no recursion) to compose directly.
Sizes are kept small: the point is variety of shape, not bulk.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from payflow import schemas
from tests.differential.bundle import bundled

__all__ = ["MAX_ITEMS", "merge_all_of", "strategy_for", "valid_request"]

MAX_ITEMS = 3  # params items and instructions per generated request
_CONTAINER_KEYS = ("properties", "items", "oneOf", "anyOf", "allOf", "additionalProperties")


def merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """``allOf`` folded into one object schema (payflow only uses it to add ``required``)."""
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = merge_all_of(part)
        for key, value in part.items():
            if key == "properties":
                merged.setdefault("properties", {}).update(value)
            elif key == "required":
                merged["required"] = sorted(set(merged.get("required", [])) | set(value))
            else:
                merged.setdefault(key, value)
    return merged


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {name: strategy_for(props[name]) for name in sorted(required)}
    optional = {
        name: strategy_for(sub) for name, sub in sorted(props.items()) if name not in required
    }
    extra = schema.get("additionalProperties", True)
    base = st.fixed_dictionaries(fixed, optional=optional)
    if isinstance(extra, dict) and not props:  # a map of values (CorrelationData)
        return st.dictionaries(st.text(max_size=8), strategy_for(extra), max_size=3)
    return base


def _array(schema: dict[str, Any]) -> st.SearchStrategy[list[Any]]:
    low = schema.get("minItems", 0)
    high = min(schema.get("maxItems", MAX_ITEMS), max(low, MAX_ITEMS))
    return st.lists(strategy_for(schema.get("items", {})), min_size=low, max_size=high)


def strategy_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against the bundled (``$ref``-free) ``schema``."""
    schema = merge_all_of(schema)
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            # payflow's branches are closed and disjoint: a value of one branch matches no other
            return st.one_of([strategy_for(branch) for branch in schema[choice]])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema)
    if kind == "array":
        return _array(schema)
    leaf = {k: v for k, v in schema.items() if k not in ("description", "title", "examples")}
    return from_schema(leaf)


@cache
def _request_strategy(version: str) -> st.SearchStrategy[dict[str, Any]]:
    return strategy_for(bundled(schemas.EXECUTION_REQUEST_SCHEMAS[version]))


def valid_request(version: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid workflow-execution requests of ``version`` (``None``: either shape)."""
    if version is None:
        return st.one_of(_request_strategy("v1"), _request_strategy("v2"))
    return _request_strategy(version)
