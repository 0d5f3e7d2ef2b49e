"""Request validation against schemas/openapi.yaml with openapi-core, and readable messages.

The OpenAPI object is slow to build (~0.1 s after a ~0.4 s import), so one is built per
process and shared. Bodies are parsed here first (strict JSON: no NaN/Infinity, bounded
nesting) so a broken body gets a line/column message, then openapi-core validates the request
(path, method, parameters, security headers, body). Schema errors become one message listing
JSON pointers and reasons; inside anyOf/oneOf the branch that got furthest is the one reported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from payflow.sandbox.errors import ApiError

__all__ = ["RequestValidator", "parse_json", "pointer"]

# Any host works: openapi-core needs one of the document's servers to match the URL.
_HOST = "http://127.0.0.1:8088"
_MAX_REPORTED = 5

_lock = threading.Lock()
_openapi: Any = None


def _shared_openapi() -> Any:
    global _openapi
    with _lock:
        if _openapi is None:
            from openapi_core import OpenAPI

            from payflow import schemas

            _openapi = OpenAPI.from_file_path(str(schemas.openapi_path()))
        return _openapi


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(body: bytes, max_depth: int) -> Any:
    """The body as JSON, or ApiError(400) saying where and why it is not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"request body is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_repeats)
    except _RepeatedMember as exc:
        raise ApiError(
            400,
            f"request body repeats the member {exc.name!r} in one object; which value counts "
            "is undefined, so it is refused",
        ) from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except ValueError as exc:
        raise ApiError(400, f"request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, f"request body nests deeper than {max_depth} levels") from None
    if _depth_exceeds(value, max_depth):
        raise ApiError(400, f"request body nests deeper than {max_depth} levels")
    if "\\u" in text or "\\U" in text:  # only an escape can make a lone surrogate
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(
                400,
                "request body is not valid JSON text: it escapes an unpaired UTF-16 surrogate "
                "(\\ud800-\\udfff without its pair), which is no Unicode character",
            ) from None
    return value


class _RepeatedMember(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Objects without repeated member names (RFC 8259: names SHOULD be unique; parsers then
    disagree on which value counts - the linter reports PF006 - so the sandbox refuses)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        raise _RepeatedMember(next(k for k, _ in pairs if k in seen or seen.add(k)))  # type: ignore[func-returns-value]
    return obj


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def pointer(path: Any) -> str:
    """RFC 6901 JSON pointer of a jsonschema error path."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "/"


def _leaves(error: Any) -> Iterator[Any]:
    """The most specific errors under ``error``: inside anyOf/oneOf, the branch that matched
    deepest (fewest errors on ties) stands for the whole choice."""
    if not error.context:
        yield error
        return
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(
            sub.relative_schema_path[0] if sub.relative_schema_path else 0, []
        ).append(sub)

    def rank(errors: list[Any]) -> tuple[int, int]:
        return (max(len(e.absolute_path) for e in errors), -len(errors))

    best = max(branches.values(), key=rank)
    if rank(best)[0] <= len(error.absolute_path) and error.validator == "oneOf":
        # No branch got past this object: several matched or none did; say so here.
        yield error
        return
    for sub in best:
        yield from _leaves(sub)


def _instance_at(document: Any, path: Any) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _reason(error: Any, document: Any) -> str:
    node = _instance_at(document, error.absolute_path)
    if isinstance(node, Mapping) and "payeeAccount" in node:
        if "amount" in node and "percentage" in node:
            return "an instruction takes exactly one of amount or percentage, not both"
        if "amount" not in node and "percentage" not in node:
            return "an instruction needs an amount or a percentage"
    message = str(error.message)
    shown = repr(error.instance)
    if len(shown) > 60 and shown in message:  # do not echo big values back
        message = message.replace(shown, shown[:40] + "...")
    if len(message) > 200:
        message = message[:197] + "..."
    return message


def describe(errors: Any, document: Any) -> str:
    leaves: list[Any] = []
    for error in errors:
        leaves.extend(_leaves(error))
    seen: list[str] = []
    for leaf in leaves:
        line = f"{pointer(leaf.absolute_path)}: {_reason(leaf, document)}"
        if line not in seen:
            seen.append(line)
    extra = f" (and {len(seen) - _MAX_REPORTED} more)" if len(seen) > _MAX_REPORTED else ""
    return "; ".join(seen[:_MAX_REPORTED]) + extra


class RequestValidator:
    """Validates requests against schemas/openapi.yaml (the document is built once)."""

    def __init__(self) -> None:
        self.openapi = _shared_openapi()

    def validate(
        self,
        *,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        content_type: str | None,
        document: Any,
    ) -> None:
        from openapi_core.exceptions import OpenAPIError
        from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
        from openapi_core.testing import MockRequest

        args = {}
        if query:
            from urllib.parse import parse_qsl

            args = dict(parse_qsl(query, keep_blank_values=True))
        request = MockRequest(
            _HOST,
            method.lower(),
            path,
            args=args,
            headers=dict(headers),
            data=body.decode("utf-8") if body else None,
            content_type=(content_type or "application/json").split(";")[0].strip(),
        )
        try:
            # validate_request, not unmarshal_request: same checks, ~10x cheaper.
            self.openapi.validate_request(request)
        except PathNotFound:
            raise ApiError(404, f"no such endpoint: {method} {path}") from None
        except OperationNotFound:
            raise ApiError(405, f"method {method} is not allowed on {path}") from None
        except OpenAPIError as error:
            raise ApiError(400, self._message([error], document)) from None
        schema_name = body_schemas().get((method.upper(), path.rstrip("/")))
        if schema_name is not None and document is not None:
            _check_ecma(schema_name, document)

    @staticmethod
    def _message(errors: list[Any], document: Any) -> str:
        from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

        parts = []
        for error in errors:
            cause = error.__cause__
            if isinstance(cause, InvalidSchemaValue) and hasattr(error, "name"):
                reasons = "; ".join(_reason(e, None) for e in cause.schema_errors)
                parts.append(f"{error.location} parameter {error.name}: {reasons}")
            elif isinstance(cause, InvalidSchemaValue):
                parts.append(
                    "request body does not match the schema: "
                    + describe(cause.schema_errors, document)
                )
            elif "MediaType" in type(cause).__name__ or "MediaType" in type(error).__name__:
                parts.append("request body must be application/json")
            else:
                parts.append(_safe_str(error))
        return "; ".join(parts)


def _safe_str(error: Any) -> str:
    try:
        text = str(error)
    except Exception:  # openapi-core's own __str__ can fail on bytes/str mix-ups
        text = type(error).__name__
    return text[:300]


@cache
def body_schemas() -> dict[tuple[str, str], str]:
    """(METHOD, literal path) -> the payflow schema file of its JSON request body, read from
    openapi.yaml (only paths without parameters have bodies here)."""
    import yaml

    from payflow import schemas

    spec = yaml.safe_load(schemas.openapi_path().read_text(encoding="utf-8"))
    prefix = "/" + spec["servers"][0]["url"].split("://", 1)[-1].split("/", 1)[-1]
    components = spec["components"]["schemas"]
    found: dict[tuple[str, str], str] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (body or {}).get("schema", {}).get("$ref", "")
            target = components.get(ref.rsplit("/", 1)[-1], {}).get("$ref", "")
            if target.endswith(".schema.json"):
                found[(method.upper(), prefix.rstrip("/") + path)] = target
    return found


def _check_ecma(schema_name: str, document: Any) -> None:
    """A second opinion on a body openapi-core accepted, from the linter's schema layer
    (jsonschema-rs). openapi-core validates payflow's 2020-12 schemas with Python's ``re``,
    whose ``$`` also matches before a final newline: ``"100\\n"`` passed as an amount while
    the linter and the models refuse it. JSON Schema specifies ECMA-262 patterns, which
    jsonschema-rs implements; its verdict is the linter's, so the two cannot disagree."""
    from payflow.validator.schema_check import is_valid, schema_findings

    if is_valid(document, schema_name):
        return
    # For a union of request shapes (anyOf of files), explain against the closest shape.
    from payflow import schemas

    top = schemas.load(schema_name)
    branches = [b["$ref"] for b in top.get("anyOf", top.get("oneOf", [])) if "$ref" in b]
    candidates = [b for b in branches if b.endswith(".schema.json")] or [schema_name]
    findings = min((schema_findings(document, name) for name in candidates), key=len, default=[])
    shown = "; ".join(f"{f.pointer or '/'}: {f.message}" for f in findings[:_MAX_REPORTED])
    more = f" (and {len(findings) - _MAX_REPORTED} more)" if len(findings) > _MAX_REPORTED else ""
    raise ApiError(400, f"request body does not match the schema: {shown or schema_name}{more}")
