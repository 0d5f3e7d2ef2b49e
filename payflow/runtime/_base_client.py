"""The one implementation behind every generated client: request building, the idempotency
key, retry decisions and response decoding.

``SyncAPIClient`` and ``AsyncAPIClient`` differ only in how they send a request and how they
sleep. All logic lives in ``BaseClient._call_flow``, a generator in the style of httpx's
``Auth.auth_flow``: it yields an ``httpx.Request`` to send (and receives the response or the
transport error), or a float number of seconds to sleep, and finally returns the decoded result.
The two drivers (``_request``) just feed it.

Generated clients describe each operation as a ``RequestOptions`` (built by a plain function
shared by the sync and async method) and call ``self._request(options)``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
import pydantic
import pydantic_core

from payflow.runtime import _exceptions as exc
from payflow.runtime._auth import FireblocksAuth
from payflow.runtime._config import resolve
from payflow.runtime._retry import RetryPolicy, is_retryable_status

__all__ = [
    "DEFAULT_TIMEOUT",
    "IDEMPOTENCY_HEADER",
    "AsyncAPIClient",
    "BaseClient",
    "RequestOptions",
    "SyncAPIClient",
    "encode_json",
    "path_param",
]

log = logging.getLogger("payflow.client")

DEFAULT_TIMEOUT = 30.0  # seconds, per attempt
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Response headers that may carry the server's request id, first match wins.
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-fireblocks-request-id")
#: Methods that get an Idempotency-Key (the API documents it for POST).
IDEMPOTENT_METHODS = frozenset({"POST"})

T = TypeVar("T")
ValidateResponses = bool | Literal["warn", "strict"]


class _Bytes:
    """Marker: the response body is returned as raw bytes (non-JSON content)."""


RAW_BYTES = _Bytes()
#: Response table value meaning "no body" (e.g. 204).
EMPTY = None


@dataclass(frozen=True)
class RequestOptions:
    """Everything needed to make one API call; built by generated code."""

    method: str
    path: str  # path params already substituted and quoted
    operation_id: str = ""
    path_template: str = ""  # as in the spec, for response validation
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    json_body: Any = None
    content: bytes | None = None  # a raw body (e.g. application/octet-stream)
    content_type: str | None = None
    has_body: bool = False
    idempotency_key: str | None = None
    timeout: float | None = None
    #: status ("200", "2XX", "default") -> type to parse, EMPTY, or RAW_BYTES
    responses: Mapping[str, Any] = field(default_factory=dict)


def path_param(name: str, value: object) -> str:
    """A path parameter, percent-encoded; refuses empty values (``/config/`` is another URL)."""
    if isinstance(value, pydantic.RootModel):  # e.g. NonEmptyId from a response model
        value = value.root
    if not isinstance(value, str) and hasattr(value, "value"):  # enums
        value = value.value
    text = str(value)
    if not text:
        raise ValueError(f"path parameter {name!r} must not be empty")
    return quote(text, safe="")


def _jsonable(body: Any) -> Any:
    if isinstance(body, pydantic.BaseModel):
        return body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return pydantic_core.to_jsonable_python(body, by_alias=True)


def encode_json(body: Any) -> bytes:
    """The exact bytes sent for a JSON body (models by alias, unset fields left out; Decimal as
    string). Compact and deterministic, so linting and signing see the very bytes sent."""
    return json.dumps(
        _jsonable(body), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


@lru_cache(maxsize=512)
def _adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            out[name] = [getattr(v, "value", v) for v in value]
        else:
            out[name] = getattr(value, "value", value)
    return out or None


class BaseClient:
    """Pure logic shared by the sync and async clients (no I/O here)."""

    #: Set by a generated client: a callable returning the path of its OpenAPI document
    #: (used only for response validation), or None.
    _spec_path: Callable[[], Path] | None = None

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        private_key: str | bytes | None = None,
        auth: httpx.Auth | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str] | None = None,
        validate_responses: ValidateResponses = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if auth is None:
            config = resolve(base_url=base_url, api_key=api_key, private_key=private_key, env=env)
            self.base_url = config.base_url
            self._auth: httpx.Auth = FireblocksAuth(config.api_key, config.private_key_pem)
        else:
            if not base_url:
                raise exc.ConfigurationError("base_url is required when passing auth")
            self.base_url = base_url.rstrip("/")
            self._auth = auth
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            if max_retries < 0:
                raise ValueError("max_retries must be >= 0")
            policy = RetryPolicy(
                max_retries=max_retries,
                initial_delay=policy.initial_delay,
                max_delay=policy.max_delay,
                max_retry_after=policy.max_retry_after,
                jitter=policy.jitter,
                random=policy.random,
            )
        self.retry_policy = policy
        self.timeout = timeout
        self._default_headers = {"Accept": "application/json", **(default_headers or {})}
        if validate_responses not in (False, True, "warn", "strict"):
            raise ValueError("validate_responses must be False, True, 'warn' or 'strict'")
        self._response_validator = None
        if validate_responses:
            from payflow.runtime._validation import ResponseValidator

            if self._spec_path is None:
                raise exc.ConfigurationError("this client has no OpenAPI document to validate with")
            self._response_validator = ResponseValidator(
                self._spec_path(),
                self.base_url,
                strict=validate_responses == "strict",
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- request building -------------------------------------------------------------------

    def _idempotency_key(self, options: RequestOptions) -> str | None:
        """Created once per logical call, before any attempt, and reused by every retry."""
        if options.method.upper() not in IDEMPOTENT_METHODS:
            return None
        return options.idempotency_key or str(uuid.uuid4())

    def _body(self, options: RequestOptions) -> tuple[bytes | None, str | None]:
        if options.content is not None:
            return options.content, options.content_type or "application/octet-stream"
        if options.has_body:
            return encode_json(options.json_body), options.content_type or "application/json"
        return None, None

    def _build_request(
        self, http: httpx.Client | httpx.AsyncClient, options: RequestOptions, key: str | None
    ) -> httpx.Request:
        headers = {**self._default_headers, **(options.headers or {})}
        if key is not None:
            headers[IDEMPOTENCY_HEADER] = key
        content, content_type = self._body(options)
        if content_type is not None:
            headers["Content-Type"] = content_type
        timeout = options.timeout if options.timeout is not None else self.timeout
        return http.build_request(
            options.method.upper(),
            options.path.lstrip("/"),  # relative to base_url, which keeps its own path (/v1)
            params=_clean_params(options.params),
            headers=headers,
            content=content,
            timeout=timeout,
        )

    # -- the call: attempts, retries, decoding ----------------------------------------------

    def _call_flow(
        self, http: httpx.Client | httpx.AsyncClient, options: RequestOptions
    ) -> Generator[httpx.Request | float, httpx.Response | Exception | None, Any]:
        """Yields requests to send and delays to sleep; returns the decoded result."""
        key = self._idempotency_key(options)
        where = {"method": options.method.upper(), "path": options.path}
        retries = 0
        max_retries = self.retry_policy.max_retries
        while True:
            request = self._build_request(http, options, key)
            outcome = yield request
            if isinstance(outcome, Exception):
                if not isinstance(outcome, httpx.TransportError) or retries >= max_retries:
                    if retries and isinstance(outcome, httpx.TransportError):
                        log.debug(
                            "giving up %(method)s %(path)s after %(n)d retries",
                            {**where, "n": retries},
                        )
                    if isinstance(outcome, httpx.TimeoutException):
                        raise exc.APITimeoutError(**where) from None
                    raise exc.APIConnectionError(
                        f"connection error: {type(outcome).__name__}", **where
                    ) from None
                delay = self.retry_policy.delay(retries)
                log.debug(
                    "retrying %s %s in %.2fs after %s (retry %d of %d)",
                    where["method"],
                    where["path"],
                    delay,
                    type(outcome).__name__,
                    retries + 1,
                    max_retries,
                )
            else:
                response = outcome
                assert response is not None
                if not is_retryable_status(response.status_code) or retries >= max_retries:
                    if retries or is_retryable_status(response.status_code):
                        log.debug(
                            "%s %s answered %d after %d retries; not retrying",
                            where["method"],
                            where["path"],
                            response.status_code,
                            retries,
                        )
                    return self._process_response(options, request, response)
                delay = self.retry_policy.delay(retries, response.headers)
                log.debug(
                    "retrying %s %s in %.2fs after status %d%s (retry %d of %d)",
                    where["method"],
                    where["path"],
                    delay,
                    response.status_code,
                    " with Retry-After" if "retry-after" in response.headers else "",
                    retries + 1,
                    max_retries,
                )
            retries += 1
            yield delay

    def _success_type(self, options: RequestOptions, status: int) -> Any:
        table = options.responses
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in table:
                return table[key]
        documented = [v for k, v in table.items() if k.startswith("2")]
        if len(documented) == 1:  # an undocumented 2xx: parse it as the one documented success
            return documented[0]
        raise exc.APIResponseValidationError(
            f"undocumented success status {status}",
            status_code=status,
            method=options.method.upper(),
            path=options.path,
        )

    def _process_response(
        self, options: RequestOptions, request: httpx.Request, response: httpx.Response
    ) -> Any:
        if not 200 <= response.status_code < 300:
            raise self._status_error(options, response)
        if self._response_validator is not None:
            self._response_validator.check(options, request, response)
        target = self._success_type(options, response.status_code)
        if target is EMPTY:
            return None
        if target is RAW_BYTES:
            return response.content
        try:
            return _adapter(target).validate_json(response.content)
        except pydantic.ValidationError as error:
            first = error.errors()[0] if error.errors() else {}
            loc = "/".join(str(p) for p in first.get("loc", ()))
            raise exc.APIResponseValidationError(
                f"response body does not match {getattr(target, '__name__', target)}: "
                f"{error.error_count()} error(s), first at /{loc}: {first.get('msg', '')}",
                status_code=response.status_code,
                method=options.method.upper(),
                path=options.path,
            ) from None

    def _status_error(
        self, options: RequestOptions, response: httpx.Response
    ) -> exc.APIStatusError:
        body: Any = None
        error_type = None
        message = response.reason_phrase or "error"
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError):
            text = response.text.strip()
            if text:
                message = text[:200]
        if isinstance(body, dict):
            detail = body.get("error", body)
            if isinstance(detail, dict):
                error_type = detail.get("type") if isinstance(detail.get("type"), str) else None
                if isinstance(detail.get("message"), str):
                    message = detail["message"]
            elif isinstance(detail, str):
                message = detail
        request_id = next(
            (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
        )
        cls = exc.status_error_class(response.status_code, error_type)
        return cls(
            message,
            status_code=response.status_code,
            error_type=error_type,
            request_id=request_id,
            body=body,
            headers=dict(response.headers),
            method=options.method.upper(),
            path=options.path,
        )


class SyncAPIClient(BaseClient):
    """Blocking client: sends with ``httpx.Client``, sleeps with ``time.sleep``."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url + "/", timeout=self.timeout, transport=transport
        )

    def _request(self, options: RequestOptions) -> Any:
        flow = self._call_flow(self._http, options)
        step = next(flow)
        while True:
            try:
                if isinstance(step, httpx.Request):
                    try:
                        outcome: httpx.Response | Exception = self._http.send(step, auth=self._auth)
                    except httpx.RequestError as error:
                        outcome = error
                    step = flow.send(outcome)
                else:
                    self._sleep(step)
                    step = flow.send(None)
            except StopIteration as stop:
                return stop.value

    def close(self) -> None:
        self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """Asyncio client: sends with ``httpx.AsyncClient``, sleeps with ``asyncio.sleep``."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/", timeout=self.timeout, transport=transport
        )

    async def _request(self, options: RequestOptions) -> Any:
        flow = self._call_flow(self._http, options)
        step = next(flow)
        while True:
            try:
                if isinstance(step, httpx.Request):
                    try:
                        outcome: httpx.Response | Exception = await self._http.send(
                            step, auth=self._auth
                        )
                    except httpx.RequestError as error:
                        outcome = error
                    step = flow.send(outcome)
                else:
                    await self._sleep(step)
                    step = flow.send(None)
            except StopIteration as stop:
                return stop.value

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
