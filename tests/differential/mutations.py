"""Valid requests, and mutations of them that every judge must refuse.

A *valid* request is schema-valid (generated from the schema) and repaired to pass the four
request rules the schema cannot express (PF201 an amount somewhere, PF206 percentages of a set
at most 100, PF209 one params item per configOperationId, PF212 a conversion between two
different assets).

A *mutation* changes one place of a valid request so that the schema refuses it, and records
the JSON pointer ``at`` of that place:

* the value that was replaced (wrong type, bad decimal, unknown enum value, overlong string,
  empty instruction set, whitespace in an identifier, deep nesting),
* the member that was removed (dropped required field, instruction left with neither amount
  nor percentage) or added (unknown field, both amount and percentage).

The linter must report an error *near* ``at`` (see :func:`near`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from payflow.validator.findings import escape_pointer_part

from payflow import schemas
from tests.differential.bundle import bundled
from tests.differential.schema_strategies import merge_all_of, valid_request

__all__ = [
    "WHITESPACE",
    "Mutation",
    "Node",
    "mutated_request",
    "near",
    "nodes",
    "repaired",
    "valid_repaired_request",
]

#: Every character some regex dialect in play calls whitespace: ECMA-262 \s (what JSON Schema
#: specifies), Python's re \s (str.isspace) and Rust regex \s (Unicode White_Space).
WHITESPACE = (
    "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@dataclass(frozen=True)
class Node:
    """One value inside a document, with the (bundled) schema it must match."""

    pointer: str
    path: tuple[str | int, ...]
    value: Any
    schema: dict[str, Any]  # the branch of a oneOf/anyOf the value is in
    declared: dict[str, Any]  # the schema as declared at this place (before choosing a branch)


@dataclass(frozen=True)
class Mutation:
    kind: str
    document: Any
    at: str  # pointer of the changed value, or of the added/removed member

    def describe(self) -> str:
        return f"{self.kind} at {self.at or '/'}"


def near(pointer: str, at: str) -> bool:
    """Where a finding about a mutation at ``at`` may point: ``at`` itself, anything inside it,
    or the object/array directly holding it (a missing or extra member is a fault of its
    holder: "instruction has both amount and percentage" points at the instruction)."""
    parent = at.rsplit("/", 1)[0] if at else ""
    return pointer in (at, parent) or pointer.startswith(at + "/")


def _branch(schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """The branch of a oneOf/anyOf that ``value`` belongs to (payflow branches are closed and
    disjoint: decided by JSON type, then by member names)."""
    schema = merge_all_of(schema)
    for choice in ("oneOf", "anyOf"):
        if choice not in schema:
            continue
        fitting = [merge_all_of(b) for b in schema[choice] if _type_fits(b, value)]
        if isinstance(value, dict) and len(fitting) > 1:
            keyed = [
                b
                for b in fitting
                if set(value) <= set(b.get("properties", {})) or "additionalProperties" not in b
            ]
            keyed = [b for b in keyed if set(b.get("required", [])) <= set(value)] or keyed
            fitting = keyed or fitting
        return _branch(fitting[0], value) if fitting else schema
    return schema


def _type_fits(schema: dict[str, Any], value: Any) -> bool:
    kind = merge_all_of(schema).get("type")
    if kind is None:
        return True
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }[kind]


def nodes(document: Any, schema: dict[str, Any]) -> Iterator[Node]:
    """Every value of ``document`` (root first) with its schema."""
    stack: list[tuple[Any, dict[str, Any], tuple[str | int, ...]]] = [(document, schema, ())]
    while stack:
        value, declared, path = stack.pop()
        sub = _branch(declared, value)
        pointer = "".join("/" + escape_pointer_part(p) for p in path)
        yield Node(pointer, path, value, sub, declared)
        if isinstance(value, dict):
            props = sub.get("properties", {})
            extra = sub.get("additionalProperties", {})
            for key, child in value.items():
                child_schema = props.get(key, extra if isinstance(extra, dict) else {})
                stack.append((child, child_schema, (*path, key)))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                stack.append((child, sub.get("items", {}), (*path, index)))


def _set(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    document = copy.deepcopy(document)
    if not path:
        return value
    holder = document
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return document


def _delete(document: Any, path: tuple[str | int, ...]) -> Any:
    document = copy.deepcopy(document)
    holder = document
    for part in path[:-1]:
        holder = holder[part]
    del holder[path[-1]]
    return document


# -- valid requests ----------------------------------------------------------------------------


def repaired(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` changed just enough to pass PF201, PF206, PF209 and PF212."""
    doc = copy.deepcopy(document)
    seen: set[str] = set()
    doc["params"] = [
        item
        for item in doc["params"]
        if not (item["configOperationId"] in seen or seen.add(item["configOperationId"]))
    ]
    for item in doc["params"]:
        for key in ("configOverrideParams", "executionParams"):
            obj = item.get(key)
            if not isinstance(obj, dict):
                continue
            if "srcAssetId" in obj and obj.get("destAssetId") == obj["srcAssetId"]:
                obj["destAssetId"] = "USDC" if obj["srcAssetId"] != "USDC" else "USD"
            instructions = obj.get("instructionSet") or []
            shares = [i for i in instructions if "percentage" in i]
            if sum(Decimal(i["percentage"]) for i in shares) > 100:
                for instruction in shares:
                    instruction["percentage"] = str(100 // len(shares))
    if not any("amount" in obj for item in doc["params"] for obj in _value_objects(item)):
        if not doc["params"]:
            doc["params"].append({"configOperationId": "op-with-amount"})
        first = doc["params"][0]
        first.setdefault("executionParams", {})["amount"] = "100"
    return doc


def _value_objects(item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("configOverrideParams", "executionParams"):
        if isinstance(item.get(key), dict):
            yield item[key]


def valid_repaired_request(version: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    return valid_request(version).map(repaired)


# -- mutations ---------------------------------------------------------------------------------

_REQUEST_SCHEMA = bundled(schemas.EXECUTION_REQUEST_SCHEMAS["v1"])
_SCHEMAS = {v: bundled(name) for v, name in schemas.EXECUTION_REQUEST_SCHEMAS.items()}

BAD_AMOUNTS = [
    "0", "0.0", "-1", "+1", "1e5", "1E5", "01", "1,000", " 1", "1 ", "1.", ".5", "1..2",
    "NaN", "Infinity", "1_000", "١٠٠", "１", "0x10", "100\n", "\n100", "", "1" * 65,
]  # fmt: skip
BAD_PERCENTAGES = ["0", "100.01", "101", "-5", "1e2", "1000", "50%", "0.0", "100\n", "007"]
_ALL_TYPES: list[Any] = [None, True, False, 0, 7, 1.5, -3, "text", "", [], [1], {}, {"a": "b"}]


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def _allowed_types(schema: dict[str, Any]) -> set[str] | None:
    schema = merge_all_of(schema)
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            kinds = [_allowed_types(b) for b in schema[choice]]
            if any(k is None for k in kinds):
                return None
            return set().union(*kinds)  # type: ignore[arg-type]
    kind = schema.get("type")
    if kind is None:
        return None
    allowed = {kind}
    if kind == "number":
        allowed.add("integer")
    return allowed


def _wrong_type(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    typed = [(n, _allowed_types(n.declared)) for n in candidates if n.path]
    typed = [(n, t) for n, t in typed if t is not None]
    if not typed:
        return None
    node, allowed = draw(st.sampled_from(typed))
    choices = [v for v in _ALL_TYPES if _kind_of(v) not in allowed]
    if "integer" in allowed:  # 1.0 is an integer to JSON Schema; 1.5 is not
        choices = [v for v in choices if not (isinstance(v, float) and v.is_integer())]
    value = draw(st.sampled_from(choices))
    return Mutation(f"wrong-type:{_kind_of(value)}", _set(doc, node.path, value), node.pointer)


def _drop_required(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [
        (n, name)
        for n in candidates
        if isinstance(n.value, dict)
        for name in n.schema.get("required", [])
        if name in n.value
    ]
    if not places:
        return None
    node, name = draw(st.sampled_from(places))
    path = (*node.path, name)
    at = node.pointer + "/" + escape_pointer_part(name)
    kind = (
        "neither-amount-nor-percentage"
        if name in ("amount", "percentage") and ("payeeAccount" in node.value)
        else f"drop-required:{name}"
    )
    return Mutation(kind, _delete(doc, path), at)


def _instructions(candidates: list[Node]) -> list[Node]:
    return [n for n in candidates if isinstance(n.value, dict) and "payeeAccount" in n.value]


def _amount_and_percentage(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    found = _instructions(candidates)
    if not found:
        return None
    node = draw(st.sampled_from(found))
    other = "percentage" if "amount" in node.value else "amount"
    added = {**node.value, other: "10"}
    at = node.pointer + "/" + other
    return Mutation("amount-and-percentage", _set(doc, node.path, added), at)


def _bad_decimal(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [
        n
        for n in candidates
        if n.path and n.path[-1] in ("amount", "percentage") and isinstance(n.value, str)
    ]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    bad = BAD_AMOUNTS if node.path[-1] == "amount" else BAD_PERCENTAGES
    value = draw(st.sampled_from(bad))
    return Mutation(f"bad-{node.path[-1]}", _set(doc, node.path, value), node.pointer)


def _empty_instruction_set(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [n for n in candidates if n.path and n.path[-1] == "instructionSet"]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    return Mutation("empty-instruction-set", _set(doc, node.path, []), node.pointer)


def _unknown_enum(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [n for n in candidates if "enum" in n.schema]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    allowed = node.schema["enum"]
    value = draw(
        st.sampled_from([a.lower() for a in allowed] + ["VAULT", "WALLET", "", "REVERSE "])
        | st.text(max_size=12)
    ).strip()
    if value in allowed:
        value += "_X"
    return Mutation(f"unknown-enum:{node.path[-1]}", _set(doc, node.path, value), node.pointer)


def _overlong(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [n for n in candidates if "maxLength" in n.schema and isinstance(n.value, str)]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    limit = node.schema["maxLength"]
    extra = draw(st.integers(1, 3000))
    filler = "1" if node.path[-1] in ("amount", "percentage") else draw(st.sampled_from("a7Z"))
    value = (node.value + filler * (limit + extra))[: limit + extra]
    return Mutation(f"overlong:{node.path[-1]}", _set(doc, node.path, value), node.pointer)


def _whitespace(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    """Surrounding whitespace (any dialect's) in an identifier or one-time address, or a line
    break inside one: no engine may accept it."""
    places = [
        n
        for n in candidates
        if isinstance(n.value, str)
        and "pattern" in n.schema
        and n.path[-1] not in ("amount",)
        and n.path[-1] != "percentage"
    ]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    space = draw(st.sampled_from(WHITESPACE))
    where = draw(st.sampled_from(["before", "after", "only"]))
    value = {"before": space + node.value, "after": node.value + space, "only": space}[where]
    if len(value) > node.schema.get("maxLength", 10**9):
        value = value[:1] if where != "before" else value[-1:]
    return Mutation(
        f"whitespace-{where}:U+{ord(space):04X}", _set(doc, node.path, value), node.pointer
    )


def _unknown_field(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    places = [
        n for n in candidates
        if isinstance(n.value, dict) and n.schema.get("additionalProperties") is False
    ]  # fmt: skip
    if not places:
        return None
    node = draw(st.sampled_from(places))
    known = set(node.schema.get("properties", {}))
    name = draw(
        st.sampled_from(["amnt", "accountID", "percent", "extra", "configID", "type", "tag"])
        | st.text(min_size=1, max_size=10)
    )
    if name in known:
        name += "_x"
    at = node.pointer + "/" + escape_pointer_part(name)
    return Mutation("unknown-field", _set(doc, (*node.path, name), "x"), at)


def _deep(draw: Any, doc: Any, candidates: list[Node]) -> Mutation | None:
    """A value nested deeper than any request can be, where only a scalar belongs."""
    places = [n for n in candidates if n.path and not isinstance(n.value, dict | list)]
    if not places:
        return None
    node = draw(st.sampled_from(places))
    depth = draw(st.integers(70, 400))
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"n": value}
    return Mutation(f"deep-nesting:{depth}", _set(doc, node.path, value), node.pointer)


MUTATORS = {
    "wrong-type": _wrong_type,
    "drop-required": _drop_required,
    "amount-and-percentage": _amount_and_percentage,
    "bad-decimal": _bad_decimal,
    "empty-instruction-set": _empty_instruction_set,
    "unknown-enum": _unknown_enum,
    "overlong": _overlong,
    "whitespace": _whitespace,
    "unknown-field": _unknown_field,
    "deep-nesting": _deep,
}


@st.composite
def mutated_request(draw: Any, kinds: tuple[str, ...] = tuple(MUTATORS)) -> Mutation:
    """A valid request with one schema-breaking mutation (``kinds``: which mutators)."""
    version = draw(st.sampled_from(["v1", "v2"]))
    doc = draw(valid_repaired_request(version))
    candidates = list(nodes(doc, _SCHEMAS[version]))
    order = draw(st.permutations(list(kinds)))
    for kind in order:
        mutation = MUTATORS[kind](draw, doc, candidates)
        if mutation is not None:
            return mutation
    # every request has a configId: a wrong type there is always possible
    return _wrong_type(draw, doc, [n for n in candidates if n.path == ("configId",)])  # type: ignore[return-value]
