"""The schema layer: a fast yes/no from jsonschema-rs, full diagnostics only on failure.

* :func:`is_valid` uses a jsonschema-rs validator built once per request shape, with every
  payflow schema registered under its ``$id``.
* :func:`schema_findings` runs only for documents that failed. jsonschema-rs locates each
  failing keyword (instance path + evaluation path); the Python ``jsonschema`` package then
  re-checks just that keyword on just that value, against the schema with every ``$ref``
  inlined, because its errors carry what a good message needs: the branches of a ``oneOf``
  and their own errors. For ``oneOf``/``anyOf`` the branch the value came closest to is kept
  (deepest errors first, then fewest) and its real problem is reported, not every branch.
  The cost is proportional to the failing parts, not to the whole document.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any

from payflow.validator.findings import Finding, join_pointer
from payflow.validator.rules import schema_codes as codes
from payflow.validator.rules.other_shape_field import OtherShapeField
from payflow.validator.rules.unknown_field import UnknownField
from payflow.validator.shapes import override_fields, request_fields, suggest

from payflow import schemas

__all__ = ["is_valid", "schema_findings", "validator_for"]


@cache
def _rs_registry():
    import jsonschema_rs

    resources = []
    for path in schemas.schema_files():
        contents = schemas.load(path.name)
        resources.append((contents["$id"], contents))
    return jsonschema_rs.Registry(resources)


@cache
def _schema_name(version: str) -> str:
    return schemas.EXECUTION_REQUEST_SCHEMAS[version]


@cache
def validator_for(schema_name: str):
    """A jsonschema-rs validator for a payflow schema file (built once per process)."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schemas.load(schema_name), registry=_rs_registry())


@cache
def _inlined(schema_name: str) -> dict[str, Any]:
    """The schema with every $ref replaced by its target (payflow schemas are not recursive)."""
    import jsonschema_rs

    return jsonschema_rs.dereference(schemas.load(schema_name), registry=_rs_registry())


def is_valid(document: Any, schema_name: str) -> bool:
    try:
        return bool(validator_for(schema_name).is_valid(document))
    except Exception:  # not representable for jsonschema-rs (lone surrogates, odd types)
        return False


# --- diagnostics ----------------------------------------------------------------------------

_JSON_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _where(path: list) -> str:
    if not path:
        return "the request"
    last = path[-1]
    if isinstance(last, int):
        parent = f' of "{path[-2]}"' if len(path) > 1 else ""
        return f"item {last}{parent}"
    return f'"{last}"'


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _navigate(node: Any, path: list) -> Any:
    for part in path:
        node = node[part]
    return node


def _mini_schema(sub: dict[str, Any], keyword: str) -> dict[str, Any]:
    """Just ``keyword`` of ``sub`` (plus what it needs to be evaluated)."""
    mini: dict[str, Any] = {keyword: sub[keyword]}
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        mini["properties"] = dict.fromkeys(sub.get("properties", {}), True)
        if "patternProperties" in sub:
            mini["patternProperties"] = dict.fromkeys(sub["patternProperties"], True)
    return mini


def _leaves(error: Any, base: list) -> list[tuple[Any, list]]:
    """The errors to report for ``error``: for oneOf/anyOf, those of the closest branch."""
    path = base + list(error.relative_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[int, list] = defaultdict(list)
        for sub in error.context:
            branches[sub.relative_schema_path[0]].append(sub)
        if all(
            e.validator == "type" and not list(e.relative_path)
            for errs in branches.values()
            for e in errs
        ):
            return [(error, path)]  # a type mismatch against every branch: say so once
        best: tuple | None = None
        for index, errs in branches.items():
            found = [leaf for e in errs for leaf in _leaves(e, path)]
            score = (-max(len(p) for _, p in found), len(found), index)
            if best is None or score < best[0]:
                best = (score, found)
        assert best is not None
        return best[1]
    return [(error, path)]


def _place(path: list) -> str:
    """Which closed object of a request ``path`` points at: top / item / executionParams."""
    if not path:
        return "top"
    if len(path) == 2 and path[0] == "params" and isinstance(path[1], int):
        return "item"
    if len(path) == 3 and path[0] == "params" and path[2] == "executionParams":
        return "executionParams"
    return "other"


def _unknown_fields(
    path: list, instance: dict, schema: dict, version: str | None
) -> Iterator[Finding]:
    allowed = frozenset(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    place = _place(path)
    where = {"top": "the request", "item": f"params item {path[-1] if path else ''}"}.get(
        place, _where(path)
    )
    for key in instance:
        if key in allowed or any(p.search(key) for p in patterns):
            continue
        if version in ("v1", "v2"):
            other = "v2" if version == "v1" else "v1"
            mine, theirs = request_fields(version), request_fields(other)
            if place in ("top", "item") and key in theirs[place] and key not in mine[place]:
                yield OtherShapeField.build(path, key, version)
                continue
            if (
                version == "v2"
                and place == "executionParams"
                and key in override_fields()
                and key not in mine["executionParams"]
            ):
                yield OtherShapeField.build(path, key, version)
                continue
        yield UnknownField.build(path, key, allowed, where)


def _describe(error: Any, path: list, schema: dict, version: str | None) -> Iterator[Finding]:
    kind = error.validator
    pointer = join_pointer(path)
    instance = error.instance
    where = _where(path)
    description = schema.get("description") if isinstance(schema, dict) else None
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        want = " or ".join(_JSON_TYPES.get(n, n) for n in names)
        hint = None
        if (
            "string" in names
            and isinstance(instance, int | float)
            and not isinstance(instance, bool)
        ):
            hint = f'write it as a string: "{instance}"'
        yield codes.WrongType.finding(
            f"{where} must be {want}, not {json_type(instance)}", pointer, hint
        )
    elif kind == "required":
        present = instance if isinstance(instance, dict) else {}
        missing = [r for r in error.validator_value if r not in present]
        for name in missing or error.validator_value:
            prop = schema.get("properties", {}).get(name, {}) if isinstance(schema, dict) else {}
            # the pointer names the absent member; its position falls back to the parent
            yield codes.MissingField.finding(
                f'missing required field "{name}" in {where}',
                join_pointer([*path, name]),
                prop.get("description"),
            )
    elif kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        yield from _unknown_fields(path, instance, schema, version)
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        guess = (
            suggest(instance, [a for a in allowed if isinstance(a, str)])
            if isinstance(instance, str)
            else None
        )
        yield codes.ValueNotAllowed.finding(
            f"{where} must be one of {', '.join(_short(a) for a in allowed)}; "
            f"got {_short(instance)}",
            pointer,
            f"did you mean {_short(guess)}?" if guess else None,
        )
    elif kind in ("pattern", "minLength", "maxLength", "format"):
        if kind == "minLength" and instance == "":
            message = f"{where} must not be empty"
        elif kind == "maxLength":
            message = f"{where} is longer than {error.validator_value} characters"
        else:
            title = schema.get("title", "value") if isinstance(schema, dict) else "value"
            message = f"{where} is not a valid {title}: {_short(instance)}"
        yield codes.InvalidString.finding(message, pointer, description)
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        bound = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "greater than",
            "exclusiveMaximum": "less than",
            "multipleOf": "a multiple of",
        }[kind]
        yield codes.OutOfRange.finding(
            f"{where} must be {bound} {error.validator_value}; got {_short(instance)}",
            pointer,
            description,
        )
    elif kind in ("minItems", "maxItems", "uniqueItems"):
        if kind == "minItems":
            message = f"{where} must have at least {error.validator_value} item(s)"
        elif kind == "maxItems":
            message = f"{where} must have at most {error.validator_value} item(s)"
        else:
            message = f"{where} must not repeat items"
        yield codes.ArraySize.finding(message, pointer, description)
    elif kind in ("oneOf", "anyOf"):
        if error.context:
            types = sorted(
                {e.validator_value for e in error.context if isinstance(e.validator_value, str)}
            )
            want = " or ".join(_JSON_TYPES.get(t, t) for t in types) or "an allowed shape"
            message = f"{where} must be {want}, not {json_type(instance)}"
            yield codes.NoMatchingShape.finding(message, pointer, description)
        else:
            yield codes.NoMatchingShape.finding(
                f"{where} matches more than one of the allowed shapes", pointer, description
            )
    else:
        yield codes.SchemaViolation.finding(f"{where}: {error.message}", pointer, description)


def _python_validator(schema: dict[str, Any]):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema)


#: Codes reported at most once per pointer (several keywords saying the same thing).
_ONE_PER_PLACE = frozenset(
    c.code for c in (codes.InvalidString, codes.WrongType, codes.OutOfRange, codes.ValueNotAllowed)
)


def schema_findings(document: Any, schema_name: str, version: str | None = None) -> list[Finding]:
    """Readable findings for a document that failed :func:`is_valid`."""
    inlined = _inlined(schema_name)
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()

    def add(found: Finding) -> None:
        # one finding per code and place: e.g. minLength and pattern of "" say the same thing
        key = (found.code, found.pointer, "" if found.code in _ONE_PER_PLACE else found.message)
        if key not in seen:
            seen.add(key)
            findings.append(found)

    try:
        rs_errors = list(validator_for(schema_name).iter_errors(document))
    except Exception:
        rs_errors = None
    if rs_errors is None:  # jsonschema-rs cannot take this document: check it all in Python
        for error in _python_validator(inlined).iter_errors(document):
            for leaf, path in _leaves(error, []):
                for f in _describe(leaf, path, _schema_of(leaf, None), version):
                    add(f)
        return _root_causes(findings)
    done: set[tuple] = set()
    for rs_error in rs_errors:
        location = [p for p in rs_error.evaluation_path if p != "$ref"]
        instance_path = list(rs_error.instance_path)
        key = (tuple(instance_path), tuple(location))
        if key in done:
            continue
        done.add(key)
        before = len(findings)
        try:
            sub = _navigate(inlined, location[:-1])
            instance = _navigate(document, instance_path)
            mini = _mini_schema(sub, location[-1])
            for error in _python_validator(mini).iter_errors(instance):
                for leaf, path in _leaves(error, instance_path):
                    for f in _describe(leaf, path, _schema_of(leaf, sub), version):
                        add(f)
        except (KeyError, IndexError, TypeError):
            pass
        if len(findings) == before:  # e.g. regex dialects differ: keep jsonschema-rs's word
            add(
                codes.SchemaViolation.finding(
                    f"{_where(instance_path)}: {rs_error.message}", join_pointer(instance_path)
                )
            )
    return _root_causes(findings)


def _root_causes(findings: list[Finding]) -> list[Finding]:
    """A wrong type explains every other complaint about the same value: keep only it."""
    typed = {f.pointer for f in findings if f.code == codes.WrongType.code}
    if not typed:
        return findings
    follow = {codes.ValueNotAllowed.code, codes.InvalidString.code, codes.OutOfRange.code}
    return [f for f in findings if not (f.pointer in typed and f.code in follow)]


def _schema_of(error: Any, sub: dict | None) -> dict:
    """The full subschema an error belongs to (the mini schema lacks titles/descriptions)."""
    if error.parent is None and sub is not None:
        return sub
    return error.schema if isinstance(error.schema, dict) else {}
