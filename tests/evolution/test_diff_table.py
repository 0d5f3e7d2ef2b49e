"""One small schema pair per change kind, with the expected classification in each direction."""

from __future__ import annotations

from typing import Any

import pytest

from payflow.evolution.checks import BREAKING, CHECKS, INFO, WARNING
from payflow.evolution.diff import DiffResult, diff_documents
from payflow.evolution.loader import Document

OBJ = {"type": "object", "properties": {"a": {"type": "string"}}}
CLOSED = {**OBJ, "additionalProperties": False}
REQ = {**OBJ, "required": ["a"]}
ACCOUNT = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
ADDRESS = {"type": "object", "properties": {"address": {"type": "string"}}, "required": ["address"]}


def _doc(schema: Any, name: str) -> Document:
    return Document(uri=f"file:///t/{name}.json", data=schema, label=f"{name}.json")


def diff(old: Any, new: Any, direction: str) -> DiffResult:
    return diff_documents(_doc(old, "old"), _doc(new, "new"), direction=direction)


# (kind, old, new, request classification, response classification)
TABLE: list[tuple[str, Any, Any, str, str]] = [
    ("property-added", OBJ, {**OBJ, "properties": {**OBJ["properties"], "b": {}}}, INFO, INFO),
    (
        "required-property-added",
        OBJ,
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {}}, "required": ["b"]},
        BREAKING,
        INFO,
    ),
    ("property-removed", OBJ, {"type": "object", "properties": {}}, WARNING, WARNING),
    ("required-property-removed", REQ, {"type": "object"}, WARNING, BREAKING),
    ("property-became-required", OBJ, REQ, BREAKING, INFO),
    ("property-became-optional", REQ, OBJ, INFO, BREAKING),
    ("type-changed", {"type": "string"}, {"type": "object"}, BREAKING, BREAKING),
    ("type-narrowed", {"type": "number"}, {"type": "integer"}, BREAKING, INFO),
    ("type-narrowed", {"type": ["string", "null"]}, {"type": "string"}, BREAKING, INFO),
    ("type-widened", {"type": "integer"}, {"type": "number"}, INFO, BREAKING),
    ("type-widened", {"type": "string"}, {"type": "string", "nullable": True}, INFO, BREAKING),
    ("enum-value-added", {"enum": ["A", "B"]}, {"enum": ["A", "B", "C"]}, INFO, WARNING),
    ("enum-value-removed", {"enum": ["A", "B"]}, {"enum": ["A"]}, BREAKING, INFO),
    ("enum-added", {"type": "string"}, {"type": "string", "enum": ["A"]}, BREAKING, INFO),
    ("enum-removed", {"type": "string", "enum": ["A"]}, {"type": "string"}, INFO, WARNING),
    ("bound-tightened", {"type": "integer"}, {"type": "integer", "minimum": 0}, BREAKING, INFO),
    (
        "bound-tightened",
        {"type": "integer", "maximum": 10},
        {"type": "integer", "maximum": 5},
        BREAKING,
        INFO,
    ),
    (
        "bound-tightened",
        {"type": "integer", "minimum": 0},
        {"type": "integer", "exclusiveMinimum": 0},
        BREAKING,
        INFO,
    ),
    (  # OpenAPI 3.0 boolean exclusiveMaximum means the same as 2020-12 numeric: no change
        None,
        {"type": "number", "maximum": 5, "exclusiveMaximum": True},
        {"type": "number", "exclusiveMaximum": 5},
        None,
        None,
    ),
    ("bound-tightened", {"type": "string"}, {"type": "string", "minLength": 1}, BREAKING, INFO),
    (
        "bound-tightened",
        {"type": "string", "maxLength": 10},
        {"type": "string", "maxLength": 5},
        BREAKING,
        INFO,
    ),
    ("bound-tightened", {"type": "array"}, {"type": "array", "minItems": 1}, BREAKING, INFO),
    (
        "bound-tightened",
        {"type": "array", "maxItems": 3},
        {"type": "array", "maxItems": 2},
        BREAKING,
        INFO,
    ),
    ("bound-tightened", {"type": "string"}, {"type": "string", "pattern": "^a"}, BREAKING, INFO),
    (
        "bound-loosened",
        {"type": "integer", "maximum": 10},
        {"type": "integer", "maximum": 100},
        INFO,
        WARNING,
    ),
    (
        "bound-loosened",
        {"type": "string", "minLength": 2, "maxLength": 5},
        {"type": "string"},
        INFO,
        WARNING,
    ),
    (
        "bound-loosened",
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "integer", "minimum": 0},
        INFO,
        WARNING,
    ),
    (
        "pattern-changed",
        {"type": "string", "pattern": "^a"},
        {"type": "string", "pattern": "^b"},
        WARNING,
        WARNING,
    ),
    ("additional-properties-closed", OBJ, CLOSED, BREAKING, INFO),
    ("additional-properties-opened", CLOSED, OBJ, INFO, INFO),
    ("property-removed-closed", CLOSED, {**CLOSED, "properties": {}}, BREAKING, None),
    (
        "branch-added",
        {"oneOf": [ACCOUNT]},
        {"oneOf": [ACCOUNT, ADDRESS]},
        INFO,
        WARNING,
    ),
    ("branch-removed", {"anyOf": [ACCOUNT, ADDRESS]}, {"anyOf": [ACCOUNT]}, BREAKING, INFO),
    ("wrapped-in-union", ACCOUNT, {"oneOf": [ADDRESS, ACCOUNT]}, INFO, INFO),
    ("unwrapped-from-union", {"oneOf": [ACCOUNT]}, ACCOUNT, INFO, INFO),
    ("union-keyword-changed", {"oneOf": [ACCOUNT]}, {"anyOf": [ACCOUNT]}, WARNING, WARNING),
    ("format-changed", {"type": "string"}, {"type": "string", "format": "uuid"}, WARNING, WARNING),
    (
        "constraint-changed",
        {"type": "object"},
        {"type": "object", "not": {"required": ["x"]}},
        WARNING,
        WARNING,
    ),
]


@pytest.mark.parametrize(
    ("kind", "old", "new", "req", "resp"),
    TABLE,
    ids=[f"{i}-{row[0]}" for i, row in enumerate(TABLE)],
)
def test_change_kind_by_direction(
    kind: str | None, old: Any, new: Any, req: str | None, resp: str | None
) -> None:
    for direction, expected in (("request", req), ("response", resp)):
        result = diff(old, new, direction)
        if kind is None:
            assert result.changes == [], result.changes
            continue
        if expected is None:
            continue
        found = [c for c in result.changes if c.kind == kind]
        assert found, (direction, [c.kind for c in result.changes])
        change = found[0]
        assert change.classification == expected, (direction, change)
        assert change.direction == direction
        assert change.id == {"request": "request-", "response": "response-"}[direction] + kind
        assert CHECKS[change.id].classification == expected
        assert change.message
    # "both" takes the worse of the two
    if kind is not None and req and resp:
        both = next(c for c in diff(old, new, "both").changes if c.kind == kind)
        order = [INFO, WARNING, BREAKING]
        assert both.classification == max(req, resp, key=order.index)
        assert both.id == f"schema-{kind}"


def test_unchanged_schema_has_no_changes() -> None:
    schema = {"oneOf": [ACCOUNT, ADDRESS], "$defs": {"x": {"type": "string"}}}
    assert diff(schema, schema, "both").changes == []


def test_annotations_and_const_versus_one_value_enum_are_not_changes() -> None:
    old = {"type": "string", "enum": ["CONVERSION"], "description": "old", "example": "x"}
    new = {"const": "CONVERSION", "title": "renamed", "x-internal": True}
    assert diff(old, new, "both").changes == []


def test_wrapped_schema_is_compared_with_its_branch_not_reported_removed() -> None:
    old = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    new = {"anyOf": [ADDRESS, {**old, "properties": {"id": {"type": "string", "maxLength": 3}}}]}
    kinds = {c.kind: c for c in diff(old, new, "request").changes}
    assert set(kinds) == {"wrapped-in-union", "branch-added", "bound-tightened"}
    assert kinds["bound-tightened"].path == "<anyOf[1]>.id"
    assert kinds["branch-added"].classification == INFO


def test_union_branches_are_matched_by_discriminator_not_position() -> None:
    conv = {"type": "object", "properties": {"type": {"const": "CONVERSION"}, "x": {}}}
    xfer = {"type": "object", "properties": {"type": {"const": "TRANSFER"}, "x": {}}}
    xfer2 = {"type": "object", "properties": {"type": {"const": "TRANSFER"}, "x": {}, "y": {}}}
    changes = diff({"oneOf": [conv, xfer]}, {"oneOf": [xfer2, conv]}, "response").changes
    assert [(c.kind, c.path) for c in changes] == [("property-added", "<oneOf[0]>.y")]


def test_nested_changes_carry_pointers_into_both_sides() -> None:
    old = {"type": "object", "properties": {"p": {"type": "array", "items": {"enum": [1, 2]}}}}
    new = {"type": "object", "properties": {"p": {"type": "array", "items": {"enum": [1]}}}}
    (change,) = diff(old, new, "request").changes
    assert change.kind == "enum-value-removed" and change.path == "p[]"
    assert change.old.pointer == "/properties/p/items"
    assert change.new.pointer == "/properties/p/items"


def test_recursive_schemas_terminate() -> None:
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            }
        },
        "$ref": "#/$defs/node",
    }
    grown = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    "name": {"type": "string"},
                },
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/node",
    }
    changes = diff(tree, grown, "request").changes
    assert [c.kind for c in changes] == ["required-property-added"]


def test_allof_is_merged_before_comparing() -> None:
    flat = {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a"]}
    composed = {
        "allOf": [{"type": "object", "properties": {"a": {}, "b": {}}}, {"required": ["a"]}]
    }
    assert diff(flat, composed, "both").changes == []


def test_check_ids_are_unique_and_stable() -> None:
    # Retired ids are never reused; this list only grows. A rename breaks users' filters.
    assert len(CHECKS) == len(set(CHECKS))
    for cid in (
        "request-property-removed",
        "response-enum-value-added",
        "schema-type-changed",
        "api-endpoint-removed",
        "request-parameter-became-required",
        "response-success-status-removed",
    ):
        assert cid in CHECKS
    assert list(CHECKS) == sorted(CHECKS)


def test_shared_component_is_reported_once_with_its_other_places() -> None:
    account = {"type": "object", "properties": {"id": {"type": "string"}}}
    old = {
        "$defs": {"A": account},
        "type": "object",
        "properties": {"src": {"$ref": "#/$defs/A"}, "dst": {"$ref": "#/$defs/A"}},
    }
    new = {
        "$defs": {"A": {**account, "required": ["id"]}},
        "type": "object",
        "properties": {"src": {"$ref": "#/$defs/A"}, "dst": {"$ref": "#/$defs/A"}},
    }
    (change,) = diff(old, new, "request").changes
    assert change.kind == "property-became-required"
    assert change.path == "src.id" and change.also == ("dst.id",)
    assert change.old.pointer == "/$defs/A/properties/id"
