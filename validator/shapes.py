"""Field sets read from the schemas (never hard-coded): which fields each operation type takes,
which fields exist only in one request shape."""

from __future__ import annotations

from functools import cache

from payflow import schemas

__all__ = [
    "OPERATION_PARAM_DEFS",
    "operation_fields",
    "override_fields",
    "request_fields",
    "suggest",
]

#: Operation type -> the $defs entry (common.schema.json) listing the fields it takes.
OPERATION_PARAM_DEFS = {
    "CONVERSION": "ConversionOperationParams",
    "TRANSFER": "TransferOperationParams",
    "DISBURSEMENT": "DisbursementOperationParams",
}


@cache
def _common_defs() -> dict:
    return schemas.load("common.schema.json")["$defs"]


@cache
def operation_fields(op_type: str) -> frozenset[str]:
    """Fields an operation of ``op_type`` takes (empty for unknown types)."""
    name = OPERATION_PARAM_DEFS.get(op_type)
    return frozenset(_common_defs()[name]["properties"]) if name else frozenset()


@cache
def override_fields() -> frozenset[str]:
    """Fields of OperationOverrideParams (v1 executionParams, v2 configOverrideParams)."""
    return frozenset(_common_defs()["OperationOverrideParams"]["properties"])


@cache
def request_fields(version: str) -> dict[str, frozenset[str]]:
    """Allowed keys per place of a request of ``version``: "top", "item", "executionParams"."""
    schema = schemas.load(schemas.EXECUTION_REQUEST_SCHEMAS[version])
    item = schema["$defs"][f"OperationExecutionParams{version.upper()}"]
    exec_ref = item["properties"]["executionParams"].get("$ref", "")
    if exec_ref.startswith("#/$defs/"):
        execution = frozenset(schema["$defs"][exec_ref.split("/")[-1]]["properties"])
    else:
        execution = override_fields()
    return {
        "top": frozenset(schema["properties"]),
        "item": frozenset(item["properties"]),
        "executionParams": execution,
    }


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def suggest(name: str, allowed: frozenset[str] | set[str] | list[str]) -> str | None:
    """The allowed name ``name`` was most likely meant to be, if any."""
    import difflib

    by_norm = {_norm(a): a for a in allowed}
    if _norm(name) in by_norm:
        return by_norm[_norm(name)]
    close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
    return close[0] if close else None
