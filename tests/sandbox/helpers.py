"""Test helpers: an independent Fireblocks JWT signer (PyJWT + real RSA keys), a signing HTTP
helper, polling, and response validation against our OpenAPI document and the official 1.8.0
reference."""

from __future__ import annotations

import copy
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives import serialization

from payflow import schemas
from payflow.sandbox.credentials import new_rsa_key_pair
from tests.conftest import EXAMPLES, SHARED, load_json

FAST = 0.005  # seconds between lifecycle steps in tests
REFERENCE = SHARED / "reference" / "fireblocks-openapi-1.8.0-payments-flows.yaml"
FINAL_EXECUTION = set(schemas.lifecycle().workflow_execution.final)


@cache
def _key(index: int) -> tuple[bytes, bytes]:
    """A few RSA key pairs per test session (generation is the slow part)."""
    return new_rsa_key_pair()


def key_pair(index: int = 0) -> tuple[bytes, bytes]:
    """(private PEM, public PEM) number ``index``."""
    return _key(index)


class Signer:
    """Signs requests the way the Fireblocks SDKs do; every claim can be overridden."""

    def __init__(self, api_key: str, private_pem: bytes) -> None:
        self.api_key = api_key
        self.private_pem = private_pem
        # Loaded once: parsing a PEM (with its key check) costs far more than signing.
        self._key = serialization.load_pem_private_key(private_pem, password=None)

    def token(self, request_uri: str, body: bytes, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "uri": request_uri,
            "nonce": str(uuid.uuid4()),
            "iat": now,
            "exp": now + 55,
            "sub": self.api_key,
            "bodyHash": hashlib.sha256(body).hexdigest(),
        }
        claims.update(overrides)
        for name in [k for k, v in claims.items() if v is None]:
            del claims[name]
        return jwt.encode(claims, self._key, algorithm="RS256")  # type: ignore[arg-type]

    def headers(self, request_uri: str, body: bytes, **overrides: Any) -> dict[str, str]:
        return {
            "X-API-Key": self.api_key,
            "Authorization": f"Bearer {self.token(request_uri, body, **overrides)}",
        }


class Api:
    """Signed requests against a sandbox base URL (``.../v1``)."""

    def __init__(self, base_url: str, signer: Signer, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.prefix = urlsplit(self.base_url).path
        self.signer = signer
        self.client = client or httpx.Client(timeout=30)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        claims: dict[str, Any] | None = None,
    ) -> httpx.Response:
        raw = content if content is not None else b"" if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if raw else {}
        sent.update(self.signer.headers(self.prefix + path, raw, **(claims or {})))
        sent.update(headers or {})
        return self.client.request(method, self.base_url + path, content=raw or None, headers=sent)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, body, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    # -- flows -------------------------------------------------------------------------------

    def create_config(self, body: Any | None = None, **kw: Any) -> dict[str, Any]:
        response = self.post("/payments/workflow_config", body or config_request(), **kw)
        assert response.status_code == 202, response.text
        return response.json()

    def wait_config(self, config_id: str) -> dict[str, Any]:
        return poll(
            lambda: self.get(f"/payments/workflow_config/{config_id}").json(),
            lambda doc: doc["status"] in ("READY_FOR_EXECUTION", "VALIDATION_FAILED"),
        )

    def ready_config(self, body: Any | None = None) -> dict[str, Any]:
        config = self.wait_config(self.create_config(body)["configId"])
        assert config["status"] == "READY_FOR_EXECUTION", config
        return config

    def create_execution(self, body: Any, **kw: Any) -> dict[str, Any]:
        response = self.post("/payments/workflow_execution", body, **kw)
        assert response.status_code == 200, response.text
        return response.json()

    def wait_execution(self, execution_id: str, until: set[str] | None = None) -> dict[str, Any]:
        wanted = until or (FINAL_EXECUTION | schemas.lifecycle().workflow_execution.awaiting_action)
        return poll(
            lambda: self.get(f"/payments/workflow_execution/{execution_id}").json(),
            lambda doc: doc["status"] in wanted,
        )

    def launch(self, execution_id: str, **kw: Any) -> httpx.Response:
        return self.post(f"/payments/workflow_execution/{execution_id}/actions/execute", **kw)

    def run_to_ready(self, body: Any) -> dict[str, Any]:
        return self.wait_execution(self.create_execution(body)["executionId"])

    def run_to_end(self, body: Any) -> dict[str, Any]:
        ready = self.run_to_ready(body)
        assert ready["status"] == "READY_FOR_LAUNCH", ready
        response = self.launch(ready["executionId"])
        assert response.status_code == 200, response.text
        return self.wait_execution(ready["executionId"], FINAL_EXECUTION)


@contextmanager
def held(sandbox: Any) -> Iterator[None]:
    """Hold the lifecycle (a long transition delay) for the duration of the block."""
    sandbox.transition_delay = 3600
    try:
        yield
    finally:
        sandbox.transition_delay = FAST


def poll(fetch: Any, done: Any, timeout: float = 20.0, interval: float = 0.005) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last value: {str(value)[:500]}")
        time.sleep(interval)


def config_request() -> dict[str, Any]:
    return copy.deepcopy(load_json(EXAMPLES / "configuration-request.json"))  # type: ignore[arg-type]


def execution_v2(config: dict[str, Any], amount: str = "10000.00", **extra: Any) -> dict[str, Any]:
    """examples/execution-request.v2.json aimed at ``config``'s first operation."""
    body = copy.deepcopy(load_json(EXAMPLES / "execution-request.v2.json"))
    body["configId"] = config["configId"]
    body["params"][0]["configOperationId"] = config["configOperations"][0]["operationId"]
    body["params"][0]["executionParams"]["amount"] = amount
    body.update(extra)
    return body  # type: ignore[no-any-return]


def execution_v1(config: dict[str, Any]) -> dict[str, Any]:
    """examples/execution-request.v1.json aimed at ``config``'s operations."""
    body = copy.deepcopy(load_json(EXAMPLES / "execution-request.v1.json"))
    body["configId"] = config["configId"]
    for item, op in zip(body["params"], config["configOperations"], strict=True):
        item["configOperationId"] = op["operationId"]
    return body  # type: ignore[no-any-return]


def amount_only(config: dict[str, Any], amount: str, index: int = 0) -> dict[str, Any]:
    return {
        "configId": config["configId"],
        "params": [
            {
                "configOperationId": config["configOperations"][index]["operationId"],
                "executionParams": {"amount": amount},
            }
        ],
    }


# -- response validation ---------------------------------------------------------------------


@cache
def _openapi(path: str) -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(path)


def ours() -> Any:
    return _openapi(str(schemas.openapi_path()))


def reference() -> Any | None:
    return _openapi(str(REFERENCE)) if REFERENCE.is_file() else None


def validate_response(spec: Any, response: httpx.Response, host: str) -> None:
    """openapi-core response validation of a real response (raises when it does not conform)."""
    from openapi_core.testing import MockRequest, MockResponse

    url = urlsplit(str(response.request.url))
    request = MockRequest(
        host,
        response.request.method.lower(),
        url.path,
        headers={"X-API-Key": "k", "Authorization": "Bearer t"},
        content_type="application/json",
    )
    mock = MockResponse(
        response.content,
        status_code=response.status_code,
        content_type=response.headers.get("content-type", "application/json"),
        headers=dict(response.headers),
    )
    spec.validate_response(request, mock)


def conforms(response: httpx.Response) -> None:
    """The response conforms to schemas/openapi.yaml and (where it declares the status) the
    official 1.8.0 reference."""
    validate_response(ours(), response, "http://127.0.0.1:8088")
    ref = reference()
    if ref is None:
        return
    validate_response(ref, response, "https://api.fireblocks.io")


def example(name: str) -> Any:
    return load_json(Path(EXAMPLES) / name)
