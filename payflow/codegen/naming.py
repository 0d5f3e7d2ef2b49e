"""Python names for OpenAPI names: snake_case methods and parameters, never a keyword."""

from __future__ import annotations

import keyword
import re

__all__ = ["operation_name_from_path", "pascal_case", "safe_identifier", "snake_case"]

_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
#: Names a generated method already uses for itself.
RESERVED = frozenset({"self", "body", "idempotency_key", "timeout", "extra_headers"})


def snake_case(name: str) -> str:
    """``createFlowConfiguration`` -> ``create_flow_configuration``; ``X-Request-ID`` ->
    ``x_request_id``; leading digits get a ``_`` prefix."""
    text = _BOUNDARY_1.sub(r"\1_\2", name)
    text = _BOUNDARY_2.sub(r"\1_\2", text)
    text = _NON_WORD.sub("_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text) or "_"
    if text[0].isdigit():
        text = f"_{text}"
    return text


def safe_identifier(name: str) -> str:
    """A valid Python identifier: keywords (and soft keywords) get a trailing underscore."""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in {"None", "True", "False"}:
        return f"{name}_"
    return name


def pascal_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake_case(name).split("_") if part)


def operation_name_from_path(method: str, path: str) -> str:
    """A name for an operation without operationId: ``GET /users/{id}/items`` ->
    ``get_users_by_id_items``."""
    parts = [method.lower()]
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        if segment.startswith("{") and segment.endswith("}"):
            parts.append("by_" + snake_case(segment[1:-1]))
        else:
            parts.append(snake_case(segment))
    return "_".join(parts) if len(parts) > 1 else f"{parts[0]}_root"
