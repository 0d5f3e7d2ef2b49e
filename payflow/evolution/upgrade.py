"""Rewrite a workflow-execution request between the two published shapes.

- **v1 -> v2**: in each ``params`` item, the overrides inside ``executionParams`` (every field
  except the execution-time values such as ``amount``) move into ``configOverrideParams``.
- **v2 -> v1**: ``configOverrideParams`` folds back into ``executionParams``. What v1 cannot
  express (top-level ``failureHandling``) is refused, or dropped with ``drop_unsupported`` and
  reported in :attr:`UpgradeResult.notes`.

Every moved field must belong to the operation's type (CONVERSION, TRANSFER, DISBURSEMENT),
taken from a workflow configuration (``configOperations[].operationId`` / ``.type``) when one is
given, else inferred from the fields; a request whose fields fit no single type is refused with
a clear message rather than guessed. Field sets and the v2-only members are read from the
schemas, never listed here.

The input must lint clean (:func:`payflow.validator.lint`) in its shape, and the result is
linted in the target shape before it is returned, so a clean request stays clean.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from payflow import schemas
from payflow.evolution.atomic import atomic_write_text

__all__ = [
    "UpgradeError",
    "UpgradeResult",
    "detect_shape",
    "operation_fields",
    "upgrade",
    "upgrade_file",
]

SHAPES = ("v1", "v2")


class UpgradeError(Exception):
    """The request cannot be rewritten; ``exit_status`` 2 for unreadable input, else 1."""

    def __init__(self, message: str, exit_status: int = 1) -> None:
        super().__init__(message)
        self.exit_status = exit_status


@dataclass
class UpgradeResult:
    document: dict[str, Any]
    source_shape: str  # "v1", "v2" or "either" (only amounts: valid in both)
    target_shape: str
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- schema facts


@cache
def _facts() -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    """(fields by operation type, execution-time fields, v2-only top-level members)."""
    defs = schemas.load("common.schema.json")["$defs"]
    v1 = schemas.load(schemas.EXECUTION_REQUEST_SCHEMAS["v1"])
    v2 = schemas.load(schemas.EXECUTION_REQUEST_SCHEMAS["v2"])
    execution = frozenset(v2["$defs"]["ExecutionParamsV2"]["properties"])
    by_type: dict[str, frozenset[str]] = {}
    for op_type in defs["OperationType"]["enum"]:
        params = defs.get(f"{op_type.capitalize()}OperationParams")
        by_type[op_type] = frozenset(params["properties"]) - execution if params else frozenset()
    v2_only = frozenset(v2["properties"]) - frozenset(v1["properties"])
    return by_type, execution, v2_only


def operation_fields() -> dict[str, frozenset[str]]:
    """Override fields of each operation type (execution-time fields such as amount excluded)."""
    return dict(_facts()[0])


def detect_shape(document: dict[str, Any]) -> str:
    """``v1``, ``v2``, or ``either`` (only execution-time values: valid and equal in both)."""
    _, execution, v2_only = _facts()
    params = [p for p in document.get("params") or () if isinstance(p, dict)]
    v2 = sorted(k for k in document if k in v2_only)
    v2 += [
        f"params[{i}].configOverrideParams"
        for i, p in enumerate(params)
        if "configOverrideParams" in p
    ]
    v1 = [
        f"params[{i}].executionParams.{k}"
        for i, p in enumerate(params)
        if isinstance(p.get("executionParams"), dict)
        for k in p["executionParams"]
        if k not in execution
    ]
    if v1 and v2:
        raise UpgradeError(
            f"the request mixes the shapes: v2 {', '.join(v2[:3])} with v1 overrides "
            f"{', '.join(v1[:3])}; fix it by hand first"
        )
    return "v2" if v2 else "v1" if v1 else "either"


# --------------------------------------------------------------------------- operation types


def _config_types(config: Any, request: dict[str, Any]) -> dict[str, str]:
    if not isinstance(config, dict) or not isinstance(config.get("configOperations"), list):
        raise UpgradeError("--config is not a workflow configuration (no configOperations list)", 2)
    if "configId" in config and "configId" in request and config["configId"] != request["configId"]:
        raise UpgradeError(
            f"the request is for configuration {request['configId']!r} but --config is "
            f"configuration {config['configId']!r}"
        )
    types = {}
    for op in config["configOperations"]:
        if isinstance(op, dict) and isinstance(op.get("operationId"), str):
            types[op["operationId"]] = op.get("type")
    return types


def _operation_type(
    index: int, item: dict[str, Any], fields: set[str], types: dict[str, str] | None
) -> str:
    by_type = _facts()[0]
    op_id = item.get("configOperationId")
    where = f"params[{index}] (operation {op_id})"
    if types is not None:
        if op_id not in types:
            raise UpgradeError(f"{where} is not an operation of the --config configuration")
        op_type = types[op_id]
        if op_type not in by_type:
            raise UpgradeError(f"{where}: unknown operation type {op_type!r} in --config")
        wrong = sorted(fields - by_type[op_type])
        if wrong:
            raise UpgradeError(
                f"{where} is a {op_type} operation, which takes no {', '.join(wrong)}"
            )
        return op_type
    fitting = [t for t, allowed in by_type.items() if fields <= allowed]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        owners = {f: [t for t, allowed in by_type.items() if f in allowed] for f in sorted(fields)}
        detail = "; ".join(f"{f}: {'/'.join(ts) or 'no type'}" for f, ts in owners.items())
        raise UpgradeError(
            f"{where}: its fields belong to different operation types ({detail}); "
            "pass --config to say which operation this is"
        )
    raise UpgradeError(
        f"{where}: fields {', '.join(sorted(fields))} fit {' and '.join(fitting)}; "
        "pass --config to say which operation this is"
    )


# --------------------------------------------------------------------------- rewriting


def upgrade(
    document: dict[str, Any],
    to: str,
    *,
    config: dict[str, Any] | None = None,
    drop_unsupported: bool = False,
) -> UpgradeResult:
    """Rewrite ``document`` (a parsed request) into shape ``to``; the input is not modified."""
    if to not in SHAPES:
        raise UpgradeError(f"unknown target shape {to!r} (v1 or v2)", 2)
    if not isinstance(document, dict) or not isinstance(document.get("params"), list):
        raise UpgradeError("not a workflow-execution request (no params list)", 2)
    source = detect_shape(document)
    types = _config_types(config, document) if config is not None else None
    result = UpgradeResult(json.loads(json.dumps(document)), source, to)
    if source == to:
        result.notes.append(f"the request is already in the {to} shape; nothing to change")
    if to == "v2":
        _to_v2(result, types)
    else:
        _to_v1(result, types, drop_unsupported)
    return result


def _to_v2(result: UpgradeResult, types: dict[str, str] | None) -> None:
    _, execution, _ = _facts()
    for index, item in enumerate(result.document["params"]):
        params = item.get("executionParams") if isinstance(item, dict) else None
        if not isinstance(params, dict):
            continue
        overrides = {k: v for k, v in params.items() if k not in execution}
        if not overrides:
            continue
        op_type = _operation_type(index, item, set(overrides), types)
        kept = {k: v for k, v in params.items() if k in execution}
        rebuilt: dict[str, Any] = {}
        for key, value in item.items():
            if key == "executionParams":
                rebuilt["configOverrideParams"] = overrides
                if kept:
                    rebuilt["executionParams"] = kept
            else:
                rebuilt[key] = value
        result.document["params"][index] = rebuilt
        result.notes.append(
            f"params[{index}] ({op_type}): moved {', '.join(overrides)} into configOverrideParams"
        )


def _to_v1(result: UpgradeResult, types: dict[str, str] | None, drop: bool) -> None:
    _, _, v2_only = _facts()
    doc = result.document
    unsupported = [k for k in doc if k in v2_only]
    if unsupported and not drop:
        shown = ", ".join(f"{k} ({json.dumps(doc[k])})" for k in unsupported)
        raise UpgradeError(f"v1 cannot express {shown}; pass --drop-unsupported to drop it")
    for key in unsupported:
        result.notes.append(f"dropped {key} {json.dumps(doc.pop(key))}: v1 cannot express it")
    for index, item in enumerate(doc["params"]):
        if not isinstance(item, dict) or "configOverrideParams" not in item:
            continue
        overrides = item["configOverrideParams"] or {}
        execution = item.get("executionParams") or {}
        clash = sorted(k for k in overrides if k in execution and overrides[k] != execution[k])
        if clash:
            raise UpgradeError(
                f"params[{index}]: {', '.join(clash)} differs between configOverrideParams and "
                "executionParams; v1 has one place for it, so say which value you mean"
            )
        op_type = _operation_type(index, item, set(overrides) - set(_facts()[1]), types)
        merged = {**execution, **overrides}
        rebuilt: dict[str, Any] = {}
        for key, value in item.items():
            if key == "configOverrideParams":
                continue
            rebuilt[key] = merged if key == "executionParams" else value
        if "executionParams" not in rebuilt:
            rebuilt["executionParams"] = merged
        doc["params"][index] = rebuilt
        result.notes.append(
            f"params[{index}] ({op_type}): moved {', '.join(overrides)} into executionParams"
        )


# --------------------------------------------------------------------------- files


def _read_json(path: str | Path, what: str) -> tuple[bytes, Any]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UpgradeError(f"{path}: cannot read {what} ({exc.strerror})", 2) from None
    try:
        return data, json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        msg = getattr(exc, "msg", str(exc))
        raise UpgradeError(f"{path}: {what} is not valid JSON: {msg}{where}", 2) from None


def _lint_errors(document: Any, shape: str, config: Any, source: str) -> list[str]:
    from payflow.validator import has_errors, lint

    findings = lint(document, schema_version=shape, config=config, source=source)
    if not has_errors(findings):
        return []
    out = []
    for f in findings:
        if str(f.severity) == "error":
            at = f" (line {f.line})" if f.line else f" at {f.pointer or '/'}"
            out.append(f"{f.code} {f.message}{at}")
    return out


def upgrade_file(
    path: str | Path,
    *,
    to: str,
    config: str | Path | None = None,
    in_place: bool = False,
    drop_unsupported: bool = False,
) -> UpgradeResult:
    """Rewrite the request in ``path``; with ``in_place`` replace the file atomically.

    The input must lint clean in its own shape and the result lints clean in ``to``."""
    raw, document = _read_json(path, "the request")
    wc = _read_json(config, "the configuration")[1] if config is not None else None
    if not isinstance(document, dict) or not isinstance(document.get("params"), list):
        raise UpgradeError(f"{path}: not a workflow-execution request (no params list)", 2)
    source = detect_shape(document)
    shape = "v1" if source == "either" else source
    errors = _lint_errors(raw, shape, wc, str(path))
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UpgradeError(
            f"{path} does not lint clean as a {shape} request: {errors[0]}{more}; "
            f"fix it first (payflow lint {path})"
        )
    result = upgrade(document, to, config=wc, drop_unsupported=drop_unsupported)
    errors = _lint_errors(result.document, to, wc, str(path))
    if errors:  # a bug of this module: never hand out a request that would be refused
        raise UpgradeError(f"the rewritten request does not lint clean: {errors[0]}")
    if in_place and result.document != document:
        atomic_write_text(path, result.text)
    return result
