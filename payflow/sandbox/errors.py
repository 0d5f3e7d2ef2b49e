"""API errors and the ErrorResponse body every failure answers with."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

__all__ = ["ApiError", "error_body", "error_response", "error_type_for", "json_response"]

_TYPE_BY_STATUS = {
    400: "VALIDATION",
    401: "AUTHENTICATION",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "VALIDATION",
    413: "VALIDATION",
    415: "VALIDATION",
    422: "UNPROCESSABLE_ENTITY",
}


def error_type_for(status: int) -> str:
    """The ErrorResponse type of a status (transient statuses count as INTERNAL)."""
    return _TYPE_BY_STATUS.get(
        status, "INTERNAL" if status >= 500 or status in (408, 429) else "VALIDATION"
    )


class ApiError(Exception):
    """Raised anywhere in request handling; answered as an ErrorResponse."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type or error_type_for(status)
        self.headers = headers or {}

    def response(self) -> Response:
        return error_response(self.status, self.message, self.error_type, self.headers)


def error_body(error_type: str, message: str) -> dict[str, Any]:
    return {"error": {"type": error_type, "message": message}}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def error_response(
    status: int, message: str, error_type: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    return json_response(status, error_body(error_type or error_type_for(status), message), headers)
