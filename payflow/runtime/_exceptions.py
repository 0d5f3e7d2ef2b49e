"""The one exception tree of every payflow client (hand-written; generated clients import it).

::

    PayflowError
     ├── ConfigurationError            no usable base URL / API key / private key
     ├── APIError                      anything that went wrong talking to the API
     │    ├── APIConnectionError       no answer (refused, reset, DNS...)
     │    │    └── APITimeoutError     no answer in time
     │    ├── APIResponseValidationError  an answer that does not match the API description
     │    └── APIStatusError           an answer with an error status
     │         ├── BadRequestError            400
     │         ├── AuthenticationError        401
     │         ├── PermissionDeniedError      403
     │         ├── NotFoundError              404
     │         ├── ConflictError              409
     │         ├── UnprocessableEntityError   422
     │         ├── RateLimitError             429
     │         └── InternalServerError        5xx
     ├── LintError (= RequestValidationError)  the request failed lint; nothing was sent
     ├── WaitTimeout                   a wait loop ran out of time
     └── FlowFailed                    a configuration/execution reached a failed status

Errors carry what helps a caller act - status, error ``type``, message, request id, method and
path - and never a credential: no API key, private key or JWT in attributes, ``str``, ``repr``
or tracebacks. That is why no exception keeps the ``httpx.Request`` (its headers hold the JWT).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "FlowFailed",
    "InternalServerError",
    "LintError",
    "NotFoundError",
    "PayflowError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "UnprocessableEntityError",
    "WaitTimeout",
    "status_error_class",
]


class PayflowError(Exception):
    """Base class of every error a payflow client raises on purpose."""


class ConfigurationError(PayflowError):
    """The client is not configured (base URL, API key or private key missing or unusable)."""


class APIError(PayflowError):
    """The API call failed. ``method`` and ``path`` name the call (never its headers)."""

    def __init__(self, message: str, *, method: str | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path


class APIConnectionError(APIError):
    """No answer: the connection failed (after retries, if any)."""

    def __init__(
        self,
        message: str = "connection error",
        *,
        method: str | None = None,
        path: str | None = None,
    ):
        super().__init__(message, method=method, path=path)


class APITimeoutError(APIConnectionError):
    """No answer within the timeout (after retries, if any)."""

    def __init__(
        self,
        message: str = "request timed out",
        *,
        method: str | None = None,
        path: str | None = None,
    ):
        super().__init__(message, method=method, path=path)


class APIResponseValidationError(APIError):
    """The answer does not match the API description (strict response validation, or a
    success body the generated model cannot parse)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ):
        super().__init__(message, method=method, path=path)
        self.status_code = status_code


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes: ``status_code``, ``error_type`` (the ErrorResponse ``type``, e.g.
    ``"NOT_FOUND"``, or None), ``message``, ``request_id`` (from the response headers, when the
    server sends one), ``body`` (the decoded error body), ``headers`` (response headers).
    """

    status_code: int = 0

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_type: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
    ):
        super().__init__(message, method=method, path=path)
        self.status_code = status_code
        self.error_type = error_type
        self.request_id = request_id
        self.body = body
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        kind = f" {self.error_type}" if self.error_type else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        return f"{where}{self.status_code}{kind}: {self.message}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"error_type={self.error_type!r}, message={self.message!r}, "
            f"request_id={self.request_id!r})"
        )


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    status_code = 500


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

#: ErrorResponse ``type`` values that pick a class when the status alone does not.
_BY_ERROR_TYPE: dict[str, type[APIStatusError]] = {
    "VALIDATION": BadRequestError,
    "AUTHENTICATION": AuthenticationError,
    "AUTHORIZATION": PermissionDeniedError,
    "FORBIDDEN": PermissionDeniedError,
    "NOT_FOUND": NotFoundError,
    "UNPROCESSABLE_ENTITY": UnprocessableEntityError,
    "INTERNAL": InternalServerError,
}


def status_error_class(status_code: int, error_type: str | None = None) -> type[APIStatusError]:
    """The exception class for an error answer: the status decides; for a status without a
    class of its own (e.g. 418), the ErrorResponse ``type`` does; else APIStatusError."""
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    if status_code >= 500:
        return InternalServerError
    if error_type in _BY_ERROR_TYPE:
        return _BY_ERROR_TYPE[error_type]
    return APIStatusError


class LintError(PayflowError):
    """The request failed lint before sending; nothing was sent. ``findings`` lists them."""

    def __init__(self, findings: Sequence[Any], message: str | None = None):
        self.findings = list(findings)
        errors = [f for f in self.findings if getattr(f, "severity", "error") == "error"]
        if message is None:
            first = errors[0] if errors else (self.findings[0] if self.findings else None)
            head = f"request failed lint with {len(errors)} error(s); nothing was sent"
            if first is not None:
                where = getattr(first, "pointer", "") or "/"
                head += f"; first: {getattr(first, 'code', '?')} at {where}: "
                head += str(getattr(first, "message", first))
            message = head
        super().__init__(message)


#: The name the issue uses for the same error.
RequestValidationError = LintError


class WaitTimeout(PayflowError):
    """A wait loop gave up; ``last`` is the last object seen (or None), ``status`` its status."""

    def __init__(self, message: str, *, last: Any = None, status: str | None = None):
        super().__init__(message)
        self.last = last
        self.status = status


class FlowFailed(PayflowError):
    """A configuration or execution reached a failed status (VALIDATION_FAILED,
    PREVIEW_FAILED, EXECUTION_FAILED...). ``obj`` is the object, ``status`` its status and
    ``reasons`` the failure reasons found in it (e.g. ``["INSUFFICIENT_BALANCE"]``)."""

    def __init__(self, message: str, *, obj: Any, status: str, reasons: Sequence[str]):
        super().__init__(message)
        self.obj = obj
        self.status = status
        self.reasons = list(reasons)
