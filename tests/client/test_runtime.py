"""The shared runtime over httpx.MockTransport: auth, idempotency, retries, errors, secrets."""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import logging
import time

import httpx
import jwt
import pytest

from payflow.runtime import AsyncAPIClient, RequestOptions, SyncAPIClient, errors
from payflow.runtime._config import resolve
from payflow.runtime._retry import (
    DEFAULT_MAX_RETRIES,
    MAX_RETRY_AFTER,
    RetryPolicy,
    is_retryable_status,
    parse_retry_after,
)
from tests.client.conftest import API_KEY, KeyPair, secrets_of

BASE = "http://api.test/v1"


def post(body: object = None, **kw: object) -> RequestOptions:
    return RequestOptions(
        method="POST",
        path="/things",
        json_body=body,
        has_body=body is not None,
        responses={"200": dict},
        **kw,
    )


def make(keys: KeyPair, handler, **kw) -> tuple[SyncAPIClient, list[float]]:
    slept: list[float] = []
    client = SyncAPIClient(
        base_url=BASE,
        api_key=API_KEY,
        private_key=keys.private_pem,
        transport=httpx.MockTransport(handler),
        sleep=slept.append,
        **kw,
    )
    return client, slept


def err(status: int, kind: str = "INTERNAL", headers: dict | None = None) -> httpx.Response:
    return httpx.Response(
        status, headers=headers, json={"error": {"type": kind, "message": f"failed {status}"}}
    )


# -- auth --------------------------------------------------------------------------------


def test_jwt_binds_uri_body_and_api_key(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client, _ = make(keys, handler)
    opts = RequestOptions(
        method="POST",
        path="/things/a%2Fb",
        params={"q": "x y", "n": [1, 2], "skip": None},
        json_body={"amount": "10.5", "note": "é"},
        has_body=True,
        responses={"200": dict},
    )
    assert client._request(opts) == {"ok": True}
    request = seen[0]
    assert request.headers["X-API-Key"] == API_KEY
    token = request.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, keys.public_key, algorithms=["RS256"])
    assert claims["uri"] == "/v1/things/a%2Fb?q=x+y&n=1&n=2"
    assert claims["uri"] == request.url.raw_path.decode()
    assert claims["bodyHash"] == hashlib.sha256(request.content).hexdigest()
    assert json.loads(request.content) == {"amount": "10.5", "note": "é"}
    assert claims["sub"] == API_KEY
    assert 0 < claims["exp"] - claims["iat"] <= 30
    assert abs(claims["iat"] - time.time()) < 60


def test_get_without_body_hashes_the_empty_string(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client, _ = make(keys, handler)
    client._request(RequestOptions(method="GET", path="/x", responses={"200": dict}))
    claims = jwt.decode(seen[0].headers["Authorization"][7:], keys.public_key, algorithms=["RS256"])
    assert claims["bodyHash"] == hashlib.sha256(b"").hexdigest()
    assert "Idempotency-Key" not in seen[0].headers  # only POSTs carry one


def test_a_token_signed_with_another_key_does_not_verify(keys: KeyPair) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    seen: list[httpx.Request] = []
    client, _ = make(keys, lambda r: seen.append(r) or httpx.Response(200, json={}))
    client._request(RequestOptions(method="GET", path="/x", responses={"200": dict}))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(seen[0].headers["Authorization"][7:], other, algorithms=["RS256"])


# -- idempotency and retries -------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_retryable_status_reuses_one_idempotency_key_with_fresh_tokens(
    keys: KeyPair, status: int
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return err(status) if len(seen) <= 2 else httpx.Response(200, json={"n": len(seen)})

    client, slept = make(keys, handler)
    assert client._request(post({"a": 1})) == {"n": 3}
    assert len(seen) == 1 + DEFAULT_MAX_RETRIES
    assert len({r.headers["Idempotency-Key"] for r in seen}) == 1
    assert len({r.headers["Authorization"] for r in seen}) == 3  # new nonce each attempt
    assert len({r.content for r in seen}) == 1
    assert len(slept) == 2 and all(0 < s <= 8.0 for s in slept)


def test_caller_given_idempotency_key_is_sent(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []
    client, _ = make(keys, lambda r: seen.append(r) or httpx.Response(200, json={}))
    client._request(post({}, idempotency_key="pay-2024-001"))
    assert seen[0].headers["Idempotency-Key"] == "pay-2024-001"


def test_two_logical_calls_get_two_keys(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []
    client, _ = make(keys, lambda r: seen.append(r) or httpx.Response(200, json={}))
    client._request(post({}))
    client._request(post({}))
    assert seen[0].headers["Idempotency-Key"] != seen[1].headers["Idempotency-Key"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_other_4xx_are_never_retried(keys: KeyPair, status: int) -> None:
    seen: list[httpx.Request] = []
    client, slept = make(keys, lambda r: seen.append(r) or err(status, "VALIDATION"))
    with pytest.raises(errors.APIStatusError):
        client._request(post({}))
    assert len(seen) == 1 and slept == []


def test_retry_after_seconds_is_honoured_and_capped(keys: KeyPair) -> None:
    answers = [err(429, headers={"Retry-After": "3"}), err(503, headers={"Retry-After": "86400"})]
    client, slept = make(
        keys, lambda r: answers.pop(0) if answers else httpx.Response(200, json={})
    )
    client._request(post({}))
    assert slept == [3.0, MAX_RETRY_AFTER]


def test_retry_after_http_date() -> None:
    when = email.utils.formatdate(1_000_010, usegmt=True)
    assert parse_retry_after({"retry-after": when}, now=lambda: 1_000_000) == pytest.approx(10)
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = RetryPolicy(random=lambda: 1.0)
    assert jittered.delay(0) == pytest.approx(0.375)


def test_retry_statuses() -> None:
    assert [
        s for s in (400, 401, 404, 408, 409, 422, 429, 500, 503, 504) if is_retryable_status(s)
    ] == [
        408,
        429,
        500,
        503,
        504,
    ]


def test_gives_up_after_max_retries_with_the_status_error(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []
    client, slept = make(keys, lambda r: seen.append(r) or err(503), max_retries=1)
    with pytest.raises(errors.InternalServerError) as info:
        client._request(post({}))
    assert len(seen) == 2 and len(slept) == 1
    assert info.value.status_code == 503


def test_connection_errors_are_retried_then_raised(keys: KeyPair) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["Idempotency-Key"])
        raise httpx.ConnectError("refused", request=request)

    client, slept = make(keys, handler)
    with pytest.raises(errors.APIConnectionError) as info:
        client._request(post({}))
    assert not isinstance(info.value, errors.APITimeoutError)
    assert len(calls) == 3 and len(set(calls)) == 1 and len(slept) == 2


def test_timeouts_raise_api_timeout_error(keys: KeyPair) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, _ = make(keys, handler, max_retries=0)
    with pytest.raises(errors.APITimeoutError):
        client._request(post({}))


def test_retry_decisions_are_logged_without_secrets(keys: KeyPair, caplog) -> None:
    answers = [err(429, headers={"Retry-After": "0"})]
    client, _ = make(keys, lambda r: answers.pop(0) if answers else httpx.Response(200, json={}))
    with caplog.at_level(logging.DEBUG):
        client._request(post({"a": 1}))
    retry_lines = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert retry_lines and "429" in retry_lines[0]
    text = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    for secret in secrets_of(keys):
        assert secret not in text


# -- errors ------------------------------------------------------------------------------

ERROR_CASES = [
    (400, "VALIDATION", errors.BadRequestError),
    (401, "AUTHENTICATION", errors.AuthenticationError),
    (403, "FORBIDDEN", errors.PermissionDeniedError),
    (404, "NOT_FOUND", errors.NotFoundError),
    (409, "UNPROCESSABLE_ENTITY", errors.ConflictError),
    (422, "UNPROCESSABLE_ENTITY", errors.UnprocessableEntityError),
    (429, "INTERNAL", errors.RateLimitError),
    (500, "INTERNAL", errors.InternalServerError),
    (503, "INTERNAL", errors.InternalServerError),
    (418, "AUTHORIZATION", errors.PermissionDeniedError),  # no class for 418: type decides
    (418, "WHATEVER", errors.APIStatusError),
]


@pytest.mark.parametrize(("status", "kind", "cls"), ERROR_CASES)
def test_status_maps_to_class_with_details_and_no_secrets(
    keys: KeyPair, status: int, kind: str, cls: type
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            headers={"x-request-id": "req-77"},
            json={"error": {"type": kind, "message": "the reason"}},
        )

    client, _ = make(keys, handler, max_retries=0)
    with pytest.raises(errors.APIStatusError) as info:
        client._request(post({"a": 1}))
    error = info.value
    assert type(error) is cls
    assert (error.status_code, error.error_type, error.message, error.request_id) == (
        status,
        kind,
        "the reason",
        "req-77",
    )
    rendered = f"{error}\n{error!r}\n{error.args}\n{vars(error)}"
    assert str(status) in str(error) and "the reason" in str(error)
    for secret in secrets_of(keys):
        assert secret not in rendered


def test_non_json_error_body_still_gives_a_message(keys: KeyPair) -> None:
    client, _ = make(keys, lambda r: httpx.Response(502, text="bad gateway"), max_retries=0)
    with pytest.raises(errors.InternalServerError, match="bad gateway"):
        client._request(post({}))


def test_success_body_that_does_not_match_the_model_is_a_validation_error(keys: KeyPair) -> None:
    from pydantic import BaseModel

    class Thing(BaseModel):
        id: str

    client, _ = make(keys, lambda r: httpx.Response(200, json={"name": 1}))
    with pytest.raises(errors.APIResponseValidationError, match="/id"):
        client._request(RequestOptions(method="GET", path="/t", responses={"200": Thing}))


def test_empty_and_raw_responses(keys: KeyPair) -> None:
    from payflow.runtime import EMPTY, RAW_BYTES

    client, _ = make(keys, lambda r: httpx.Response(204))
    assert (
        client._request(RequestOptions(method="DELETE", path="/t", responses={"204": EMPTY}))
        is None
    )
    client, _ = make(
        keys,
        lambda r: httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"}),
    )
    assert (
        client._request(RequestOptions(method="GET", path="/t", responses={"200": RAW_BYTES}))
        == b"%PDF"
    )


def test_auth_and_config_reprs_hide_credentials(keys: KeyPair) -> None:
    client, _ = make(keys, lambda r: httpx.Response(200))
    config = resolve(base_url=BASE, api_key=API_KEY, private_key=keys.private_pem.decode())
    for text in (repr(client), repr(client._auth), repr(config), str(config)):
        for secret in secrets_of(keys):
            assert secret not in text


# -- configuration -----------------------------------------------------------------------


def test_config_from_environment_with_key_path_and_sdk_base_path(keys: KeyPair, tmp_path) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(keys.private_pem)
    env = {
        "FIREBLOCKS_API_KEY": API_KEY,
        "FIREBLOCKS_SECRET_KEY": str(key_file),
        "FIREBLOCKS_BASE_PATH": "https://sandbox-api.fireblocks.io/v1/",
    }
    config = resolve(env=env)
    assert config.base_url == "https://sandbox-api.fireblocks.io/v1"
    assert config.private_key_pem == keys.private_pem
    # Arguments win over the environment.
    assert resolve(base_url="http://127.0.0.1:9/v1", env=env).base_url == "http://127.0.0.1:9/v1"


def test_nothing_configured_is_a_clear_error_never_production() -> None:
    with pytest.raises(errors.ConfigurationError, match="no API credentials"):
        resolve(env={})
    with pytest.raises(errors.ConfigurationError, match="no base URL"):
        resolve(env={"FIREBLOCKS_API_KEY": "k", "FIREBLOCKS_SECRET_KEY": "-----BEGIN x"})


def test_config_falls_back_to_published_sandbox_credentials(keys: KeyPair, tmp_path) -> None:
    from payflow import devcreds

    key_path = tmp_path / "dev.pem"
    devcreds.write_private_key(key_path, keys.private_pem)
    devcreds.publish(devcreds.DevCredentials("http://127.0.0.1:8088/v1", "dev-key", key_path))
    config = resolve(env={})
    assert (config.base_url, config.api_key) == ("http://127.0.0.1:8088/v1", "dev-key")
    # Real credentials from the environment are never combined with the dev pointer's URL.
    with pytest.raises(errors.ConfigurationError, match="no base URL"):
        resolve(env={"FIREBLOCKS_API_KEY": "real", "FIREBLOCKS_SECRET_KEY": str(key_path)})


def test_unreadable_key_errors_do_not_quote_the_key(keys: KeyPair) -> None:
    broken = keys.private_pem.decode().replace("A", "*", 5)
    with pytest.raises(errors.ConfigurationError) as info:
        SyncAPIClient(base_url=BASE, api_key=API_KEY, private_key=broken)
    text = f"{info.value}{info.value!r}{info.value.__cause__!r}{info.value.__context__!r}"
    for secret in secrets_of(keys):
        assert secret not in text


# -- async -------------------------------------------------------------------------------


def test_async_client_shares_the_retry_flow(keys: KeyPair) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return (
            err(429, headers={"Retry-After": "1"})
            if len(seen) == 1
            else httpx.Response(200, json={"ok": 1})
        )

    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def main() -> object:
        async with AsyncAPIClient(
            base_url=BASE,
            api_key=API_KEY,
            private_key=keys.private_pem,
            transport=httpx.MockTransport(handler),
            sleep=sleep,
        ) as client:
            return await client._request(post({"a": 1}))

    assert asyncio.run(main()) == {"ok": 1}
    assert slept == [1.0]
    assert seen[0].headers["Idempotency-Key"] == seen[1].headers["Idempotency-Key"]
