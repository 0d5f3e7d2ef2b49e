"""The sandbox's ASGI app: routes declared as one list, the request pipeline as declared
middleware (outermost first):

1. ``ErrorMiddleware``  - any failure becomes an ErrorResponse; never a traceback.
2. ``FaultMiddleware``  - latency, X-Sandbox-Fault, rate limit, random 500/503.
3. ``BodyMiddleware``   - reads the body once, refusing more than ``max_body_bytes`` (413).
4. ``AuthMiddleware``   - API key and JWT (401).
5. ``SchemaMiddleware`` - JSON parsing and openapi-core validation of /v1 requests (400/404/405).

Then the route handlers do the business: idempotency, state checks (404/422), and hand
objects to the engine, which moves them through their lifecycle in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payflow.sandbox import idempotency
from payflow.sandbox.accounts import DEMO_ACCOUNTS
from payflow.sandbox.auth import Identity, KeyRing, verify_request
from payflow.sandbox.credentials import DevKey, ensure_dev_key
from payflow.sandbox.documents import new_configuration, new_execution
from payflow.sandbox.engine import Engine, launch
from payflow.sandbox.errors import ApiError, error_response, json_response
from payflow.sandbox.faults import HEADER as FAULT_HEADER
from payflow.sandbox.faults import FaultInjector
from payflow.sandbox.lifecycle import CONFIG, EXEC, LAUNCHABLE, READY, S, move
from payflow.sandbox.pricing import fmt
from payflow.sandbox.schema_check import RequestValidator, parse_json
from payflow.sandbox.settings import SandboxSettings
from payflow.sandbox.store import Store

__all__ = ["SandboxCore", "create_app"]

log = logging.getLogger("payflow.sandbox")

API_PREFIX = "/v1/"
SANDBOX_PREFIX = "/_sandbox/"
_GUARDED = (API_PREFIX, SANDBOX_PREFIX)
_STATE = "payflow"  # key of our per-request state in the ASGI scope
_BIG_BODY = 64 * 1024  # bodies above this are validated off the event loop


class SandboxCore:
    """Everything one sandbox instance holds: settings, store, keys, engine, faults."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if settings.state_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="payflow-sandbox-")
            self.state_dir = Path(self._tempdir.name)
        else:
            self.state_dir = Path(settings.state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.keys = KeyRing()
        self.dev_key: DevKey | None = None
        if settings.api_key is not None and settings.public_key_pem is not None:
            self.keys.register(settings.api_key, settings.public_key_pem)  # ValueError first
        else:
            self.dev_key = ensure_dev_key(self.state_dir)
            self.keys.register(self.dev_key.api_key, self.dev_key.public_key_pem)
        self.store = Store(self.state_dir)
        self.store.seed_accounts(DEMO_ACCOUNTS)
        self.engine = Engine(self.store, self.store.accounts(), settings.transition_delay)
        self.faults = FaultInjector(
            latency_ms=settings.latency_ms,
            fail_rate=settings.fail_rate,
            rate_limit=settings.rate_limit,
            seed=settings.seed,
        )
        self.validator = RequestValidator()
        self._closed = False

    @property
    def temporary(self) -> bool:
        return self._tempdir is not None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.store.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()


# -- middleware ---------------------------------------------------------------------------------


def _state(scope: Scope) -> dict[str, Any]:
    return scope.setdefault(_STATE, {})


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}


def _guarded(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["path"].startswith(_GUARDED)


class ErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ApiError as exc:
            if not started:
                await exc.response()(scope, receive, send)
        except Exception:
            log.exception("unexpected error handling %s %s", scope.get("method"), scope.get("path"))
            if not started:
                response = error_response(500, "internal error in the sandbox (details in its log)")
                await response(scope, receive, send)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, core: SandboxCore) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _guarded(scope):
            await self.app(scope, receive, send)
            return
        self.core.engine.ensure_started()
        faults = self.core.faults
        if faults.latency:
            await asyncio.sleep(faults.latency)
        headers = _headers(scope)
        spec = faults.header_fault(
            headers.get(FAULT_HEADER),
            headers.get("idempotency-key"),
            scope["method"],
            scope["path"],
        )
        if spec is not None and not spec.after:
            raise spec.error()
        client = headers.get("x-api-key") or (scope.get("client") or ("?",))[0]
        faults.check_rate(Identity(client).scope)
        injected = faults.random_fault()
        if injected is not None:
            raise injected
        if spec is None:
            await self.app(scope, receive, send)
            return

        async def swallow(message: Message) -> None:  # the real response is "lost"
            return None

        with contextlib.suppress(ApiError):  # whatever the real answer was, it is "lost"
            await self.app(scope, receive, swallow)
        raise spec.error()


class BodyMiddleware:
    def __init__(self, app: ASGIApp, core: SandboxCore) -> None:
        self.app = app
        self.limit = core.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _guarded(scope):
            await self.app(scope, receive, send)
            return
        too_big = ApiError(413, f"request body is larger than {self.limit} bytes")
        declared = _headers(scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise too_big
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        _state(scope)["body"] = body
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class AuthMiddleware:
    def __init__(self, app: ASGIApp, core: SandboxCore) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _guarded(scope):
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        uri = raw_path.decode("latin-1")
        if scope.get("query_string"):
            uri += "?" + scope["query_string"].decode("latin-1")
        settings = self.core.settings
        store = self.core.store

        def use_nonce(scope_id: str, nonce: str, expires_at: float) -> bool:
            return store.use_nonce(scope_id, nonce, expires_at, time.time())

        _state(scope)["identity"] = verify_request(
            keys=self.core.keys,
            headers=_headers(scope),
            uri=uri,
            body=_state(scope)["body"],
            max_lifetime=settings.max_token_lifetime,
            clock_skew=settings.clock_skew,
            use_nonce=use_nonce,
        )
        await self.app(scope, receive, send)


class SchemaMiddleware:
    def __init__(self, app: ASGIApp, core: SandboxCore) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        state = _state(scope)
        body: bytes = state["body"]
        headers = _headers(scope)
        document = parse_json(body, self.core.settings.max_json_depth) if body.strip() else None
        state["json"] = document
        check = functools.partial(
            self.core.validator.validate,
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            content_type=headers.get("content-type"),
            document=document,
        )
        if len(body) > _BIG_BODY:  # ~1 s for 600 KB: keep other requests moving meanwhile
            await run_in_threadpool(check)
        else:
            check()
        await self.app(scope, receive, send)


# -- handlers -----------------------------------------------------------------------------------


def _core(request: Request) -> SandboxCore:
    return request.app.state.core


def _identity(request: Request) -> Identity:
    return request.scope[_STATE]["identity"]


def _document(request: Request) -> Any:
    return request.scope[_STATE].get("json")


def _reply(outcome: idempotency.Outcome) -> Response:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return json_response(outcome.status, outcome.body, headers)


def _idempotent(request: Request, action: Any) -> Response:
    core = _core(request)
    key = request.headers.get("idempotency-key")
    scope = f"{_identity(request).scope}:{request.method} {request.url.path}"
    outcome = idempotency.run(
        core.store,
        key=key,
        scope=scope,
        document=_document(request),
        ttl=core.settings.idempotency_ttl,
        action=action,
    )
    return _reply(outcome)


async def create_configuration(request: Request) -> Response:
    core = _core(request)
    body = _document(request)

    def action(db: Any) -> idempotency.Outcome:
        doc = new_configuration(body)
        core.store.put_configuration(db, doc, _now())
        return idempotency.Outcome(
            202, doc, after_commit=lambda: core.engine.schedule_configuration(doc["configId"])
        )

    return _idempotent(request, action)


async def get_configuration(request: Request) -> Response:
    core = _core(request)
    config_id = request.path_params["configId"]
    with core.store.read() as db:
        doc = core.store.get_configuration(db, config_id)
    if doc is None:
        raise ApiError(404, f"workflow configuration {config_id} not found")
    return json_response(200, doc)


async def delete_configuration(request: Request) -> Response:
    core = _core(request)
    config_id = request.path_params["configId"]
    with core.store.tx() as db:
        doc = core.store.get_configuration(db, config_id)
        if doc is None:
            raise ApiError(404, f"workflow configuration {config_id} not found")
        move(CONFIG, doc, S.DELETED)
        core.store.put_configuration(db, doc, _now())
        core.store.delete_configuration(db, config_id, doc["status"], _now())
    return json_response(200, {"configId": config_id})


async def create_execution(request: Request) -> Response:
    core = _core(request)
    body = _document(request)
    api_key = _identity(request).api_key

    def action(db: Any) -> idempotency.Outcome:
        config = core.store.get_configuration(db, body["configId"])
        if config is None:
            raise ApiError(404, f"workflow configuration {body['configId']} not found")
        if config["status"] != READY:
            raise ApiError(
                422,
                f"workflow configuration {config['configId']} is {config['status']}; executions "
                f"can only be created from a {READY} configuration",
            )
        doc, plan = new_execution(config, body, api_key)
        core.store.put_execution(db, doc, plan, _now())
        return idempotency.Outcome(
            200, doc, after_commit=lambda: core.engine.schedule_execution(doc["executionId"])
        )

    return _idempotent(request, action)


async def get_execution(request: Request) -> Response:
    core = _core(request)
    execution_id = request.path_params["workflowExecutionId"]
    with core.store.read() as db:
        found = core.store.get_execution(db, execution_id)
    if found is None:
        raise ApiError(404, f"workflow execution {execution_id} not found")
    return json_response(200, found[0])


def _not_launchable(execution_id: str, status: str) -> ApiError:
    if EXEC.is_failed(status):
        why = "a failed execution can never be launched or reused: create a new execution"
    elif EXEC.is_final(status) or status == S.EXECUTING:
        why = "it was already launched; an execution runs only once"
    else:
        why = f"wait until it is {LAUNCHABLE}"
    return ApiError(
        422,
        f"workflow execution {execution_id} is {status}; only {LAUNCHABLE} executions "
        f"can be launched ({why})",
    )


async def launch_execution(request: Request) -> Response:
    core = _core(request)
    execution_id = request.path_params["workflowExecutionId"]

    def action(db: Any) -> idempotency.Outcome:
        found = core.store.get_execution(db, execution_id)
        if found is None:
            raise ApiError(404, f"workflow execution {execution_id} not found")
        doc, plan = found
        if doc["status"] != LAUNCHABLE:
            raise _not_launchable(execution_id, doc["status"])
        launch(doc, plan)
        core.store.put_execution(db, doc, plan, _now(), launched=True)
        return idempotency.Outcome(
            200, doc, after_commit=lambda: core.engine.schedule_execution(execution_id)
        )

    return _idempotent(request, action)


async def sandbox_accounts(request: Request) -> Response:
    """Sandbox only (not Fireblocks API): the demo accounts and their balances."""
    core = _core(request)
    kinds = core.store.accounts()
    balances = core.store.balances()
    body = [
        {
            "accountId": account_id,
            "accountType": kinds.get(account_id, "EXTERNAL"),
            "balances": {asset: fmt(amount) for asset, amount in sorted(assets.items())},
        }
        for account_id, assets in sorted(balances.items())
    ]
    return json_response(200, {"accounts": body})


async def health(request: Request) -> Response:
    return json_response(200, {"status": "ok"})


def _now() -> float:
    return time.time()


ROUTES = [
    Route("/v1/payments/workflow_config", create_configuration, methods=["POST"]),
    Route("/v1/payments/workflow_config/{configId}", get_configuration, methods=["GET"]),
    Route("/v1/payments/workflow_config/{configId}", delete_configuration, methods=["DELETE"]),
    Route("/v1/payments/workflow_execution", create_execution, methods=["POST"]),
    Route("/v1/payments/workflow_execution/{workflowExecutionId}", get_execution, methods=["GET"]),
    Route(
        "/v1/payments/workflow_execution/{workflowExecutionId}/actions/execute",
        launch_execution,
        methods=["POST"],
    ),
    Route("/_sandbox/accounts", sandbox_accounts, methods=["GET"]),
    Route("/healthz", health, methods=["GET"]),
]


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "error")
    return error_response(status, f"{detail}: {request.method} {request.url.path}")


def create_app(
    settings: SandboxSettings | None = None, *, core: SandboxCore | None = None
) -> Starlette:
    """The sandbox as an ASGI app (for in-process tests through ASGITransport/TestClient)."""
    core = core or SandboxCore(settings or SandboxSettings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        core.engine.ensure_started()
        try:
            yield
        finally:
            await core.engine.stop()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(ErrorMiddleware),
            Middleware(FaultMiddleware, core=core),
            Middleware(BodyMiddleware, core=core),
            Middleware(AuthMiddleware, core=core),
            Middleware(SchemaMiddleware, core=core),
        ],
        exception_handlers={HTTPException: _http_exception},
        lifespan=lifespan,
    )
    app.state.core = core
    return app
