"""The three judges of a workflow-execution request, each asked about the same bytes.

* the linter: ``payflow.validator.lint(bytes)``; its verdict is its error findings;
* the models: ``CreateWorkflowExecutionRequest.model_validate_json(bytes)`` (and the Python
  route, ``model_validate(dict)``, which must say the same);
* the sandbox: ``POST /v1/payments/workflow_execution`` with a real RS256 JWT over those
  bytes, in process (``create_app`` + ``httpx.ASGITransport``), on an event loop of its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from payflow.generated.models.workflow_execution_request_schema import (
    CreateWorkflowExecutionRequest,
)
from payflow.validator import Finding, Severity, lint
from pydantic import ValidationError

from payflow.sandbox import SandboxSettings, create_app

__all__ = ["AsgiSandbox", "ModelVerdict", "as_bytes", "lint_errors", "model_verdict"]

EXECUTIONS = "/v1/payments/workflow_execution"


def as_bytes(document: Any) -> bytes:
    """The bytes every judge sees (what ``json.dumps`` would send)."""
    return json.dumps(document).encode("utf-8")


def lint_errors(raw: bytes, **kwargs: Any) -> list[Finding]:
    return [f for f in lint(raw, **kwargs) if f.severity == Severity.ERROR]


@dataclass(frozen=True)
class ModelVerdict:
    accepted: bool
    detail: str
    round_trip: Any = None  # model_dump(mode="json", exclude_unset=True) when accepted


def model_verdict(raw: bytes) -> ModelVerdict:
    """The models' verdict on ``raw``; raises AssertionError when the JSON route and the
    Python route (for text Python's json reads) disagree with each other. Any exception but
    ValidationError propagates: a crash, not a verdict."""
    try:
        model = CreateWorkflowExecutionRequest.model_validate_json(raw)
        json_route = ModelVerdict(True, "", model.model_dump(mode="json", exclude_unset=True))
    except ValidationError as exc:
        json_route = ModelVerdict(False, _short(exc))
    try:
        parsed = json.loads(raw.decode("utf-8"))  # bytes would let json guess UTF-16/32
    except (ValueError, RecursionError):  # not JSON to Python either: nothing to compare
        return json_route
    try:
        CreateWorkflowExecutionRequest.model_validate(parsed)
        python_ok, python_detail = True, ""
    except ValidationError as exc:
        python_ok, python_detail = False, _short(exc)
    assert python_ok == json_route.accepted, (
        f"models: JSON route {'accepts' if json_route.accepted else 'refuses'} but Python route "
        f"{'accepts' if python_ok else 'refuses'}: {json_route.detail or python_detail}"
    )
    return json_route


def _short(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    return "; ".join(f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])


class AsgiSandbox:
    """The sandbox app in this process: requests go through httpx.ASGITransport, with JWTs
    signed by the app's own dev key; the app's background lifecycle runs on a private loop."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.app = create_app(settings)
        self.core = self.app.state.core
        dev = self.core.dev_key
        assert dev is not None
        self.api_key = dev.api_key
        self._key = serialization.load_pem_private_key(
            dev.private_key_path.read_bytes(), password=None
        )
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.client = self._run(self._client())

    async def _client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://sandbox.test", timeout=30)

    def _run(self, coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def headers(self, path: str, body: bytes) -> dict[str, str]:
        now = int(time.time())
        claims = {
            "uri": path,
            "nonce": str(uuid.uuid4()),
            "iat": now,
            "exp": now + 30,
            "sub": self.api_key,
            "bodyHash": hashlib.sha256(body).hexdigest(),
        }
        token = jwt.encode(claims, self._key, algorithm="RS256")  # type: ignore[arg-type]
        headers = {"X-API-Key": self.api_key, "Authorization": f"Bearer {token}"}
        if body:
            headers["Content-Type"] = "application/json"
        return headers

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> httpx.Response:
        sent = self.headers(path, body)
        sent.update(headers)
        return self._run(self.client.request(method, path, content=body or None, headers=sent))

    def post_execution(self, raw: bytes) -> httpx.Response:
        return self.request("POST", EXECUTIONS, raw)

    def get(self, path: str) -> Any:
        response = self.request("GET", path)
        assert response.status_code == 200, response.text
        return response.json()

    def wait(self, path: str, done: Any, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            doc = self.get(path)
            if done(doc):
                return doc
            assert time.monotonic() < deadline, f"gave up waiting on {path}: {doc}"
            time.sleep(0.005)

    def close(self) -> None:
        self._run(self.client.aclose())
        self._run(self.core.engine.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.core.close()
