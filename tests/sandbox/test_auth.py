"""Fireblocks JWT auth: every check the sandbox makes, with tokens signed independently
(PyJWT, real RSA keys). Each failure is a 401 ErrorResponse of type AUTHENTICATION whose
message names the failed check and never contains the token."""

from __future__ import annotations

import hashlib
import time
import uuid

import httpx
import pytest

from payflow.sandbox import SandboxSettings, start
from tests.sandbox.helpers import Api, Signer, conforms, key_pair

CONFIGS = "/payments/workflow_config"


def _unauthorized(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"]["type"] == "AUTHENTICATION"
    assert fragment in body["error"]["message"]
    token = response.request.headers.get("authorization", "").removeprefix("Bearer ")
    if token:
        assert token not in response.text
        assert token.split(".")[2] not in response.text  # not even the signature
    conforms(response)


def test_valid_request_passes(api: Api) -> None:
    response = api.get(f"{CONFIGS}/no-such-config")
    assert response.status_code == 404  # authenticated; the object just does not exist


def test_unknown_api_key(api: Api, signer: Signer) -> None:
    other = Api(api.base_url, Signer("not-registered", signer.private_pem))
    _unauthorized(other.get(f"{CONFIGS}/x"), "unknown API key")


def test_wrong_key_pair(api: Api, signer: Signer) -> None:
    stranger_private, _ = key_pair(1)
    forged = Api(api.base_url, Signer(signer.api_key, stranger_private))
    _unauthorized(forged.get(f"{CONFIGS}/x"), "signature does not verify")


def test_tampered_body(api: Api, signer: Signer) -> None:
    signed = b'{"configName": "a", "configOperations": []}'
    sent = b'{"configName": "b", "configOperations": []}'
    headers = signer.headers("/v1" + CONFIGS, signed)
    headers["Content-Type"] = "application/json"
    response = api.client.post(api.base_url + CONFIGS, content=sent, headers=headers)
    _unauthorized(response, "bodyHash does not match")


def test_body_hash_is_of_the_bytes_sent_not_a_reserialisation(api: Api) -> None:
    # Odd spacing and key order: the hash of exactly these bytes must pass.
    raw = (
        b'{ "configOperations" : [ {"params":{"destAssetId":"USDC","srcAssetId":"USD",'
        b'"accountId":"exchange-main"},"type":"CONVERSION"} ],   "configName":"spaced" }'
    )
    response = api.post(CONFIGS, content=raw)
    assert response.status_code == 202, response.text


def test_wrong_uri(api: Api) -> None:
    _unauthorized(api.get(f"{CONFIGS}/abc", claims={"uri": f"/v1{CONFIGS}/other"}), "uri")


def test_uri_must_include_the_query_as_sent(api: Api, signer: Signer) -> None:
    path = f"{CONFIGS}/abc"
    headers = signer.headers("/v1" + path, b"")  # signed without the query
    response = api.client.get(api.base_url + path + "?x=1", headers=headers)
    _unauthorized(response, "does not match the request path")
    headers = signer.headers("/v1" + path + "?x=1", b"")
    assert api.client.get(api.base_url + path + "?x=1", headers=headers).status_code == 404


def test_expired(api: Api) -> None:
    now = int(time.time())
    _unauthorized(api.get(f"{CONFIGS}/x", claims={"iat": now - 120, "exp": now - 65}), "expired")


def test_lifetime_too_long(api: Api) -> None:
    now = int(time.time())
    _unauthorized(api.get(f"{CONFIGS}/x", claims={"iat": now, "exp": now + 120}), "lifetime")


def test_issued_in_the_future(api: Api) -> None:
    now = int(time.time())
    _unauthorized(api.get(f"{CONFIGS}/x", claims={"iat": now + 300, "exp": now + 330}), "future")


def test_sub_must_be_the_api_key(api: Api) -> None:
    _unauthorized(api.get(f"{CONFIGS}/x", claims={"sub": "someone-else"}), "sub")


@pytest.mark.parametrize("claim", ["nonce", "bodyHash", "uri", "exp"])
def test_missing_claim(api: Api, claim: str) -> None:
    _unauthorized(api.get(f"{CONFIGS}/x", claims={claim: None}), claim)


def test_replayed_nonce(api: Api, signer: Signer) -> None:
    headers = signer.headers(f"/v1{CONFIGS}/x", b"", nonce=str(uuid.uuid4()))
    first = api.client.get(f"{api.base_url}{CONFIGS}/x", headers=headers)
    assert first.status_code == 404
    _unauthorized(api.client.get(f"{api.base_url}{CONFIGS}/x", headers=headers), "nonce")


def test_missing_headers(api: Api, signer: Signer) -> None:
    url = f"{api.base_url}{CONFIGS}/x"
    headers = signer.headers(f"/v1{CONFIGS}/x", b"")
    _unauthorized(api.client.get(url), "X-API-Key")
    _unauthorized(api.client.get(url, headers={"X-API-Key": headers["X-API-Key"]}), "Authorization")
    _unauthorized(
        api.client.get(url, headers={"Authorization": headers["Authorization"]}), "X-API-Key"
    )


@pytest.mark.parametrize(
    "authorization", ["Bearer not.a.jwt", "Bearer abc", "Basic dXNlcjpwYXNz", "Bearer"]
)
def test_malformed_token(api: Api, signer: Signer, authorization: str) -> None:
    headers = {"X-API-Key": signer.api_key, "Authorization": authorization}
    response = api.client.get(f"{api.base_url}{CONFIGS}/x", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "AUTHENTICATION"


def test_hs256_token_is_refused(api: Api, signer: Signer) -> None:
    import jwt

    now = int(time.time())
    claims = {
        "uri": f"/v1{CONFIGS}/x",
        "nonce": "n",
        "iat": now,
        "exp": now + 30,
        "sub": signer.api_key,
        "bodyHash": hashlib.sha256(b"").hexdigest(),
    }
    token = jwt.encode(claims, "a-shared-secret-of-32-bytes-or-more!", algorithm="HS256")
    headers = {"X-API-Key": signer.api_key, "Authorization": f"Bearer {token}"}
    _unauthorized(api.client.get(f"{api.base_url}{CONFIGS}/x", headers=headers), "RS256")


def test_empty_body_accepts_both_published_hashes(api: Api) -> None:
    for empty in (b"", b'""'):
        response = api.get(f"{CONFIGS}/x", claims={"bodyHash": hashlib.sha256(empty).hexdigest()})
        assert response.status_code == 404, response.text
    wrong = hashlib.sha256(b"{}").hexdigest()
    _unauthorized(api.get(f"{CONFIGS}/x", claims={"bodyHash": wrong}), "bodyHash")


def test_strict_auth_enforces_30_seconds_and_extra_keys_register() -> None:
    private, public = key_pair(2)
    settings = SandboxSettings(
        api_key="strict-user", public_key_pem=public, strict_auth=True, transition_delay=0.005
    )
    with start(settings) as sandbox:
        assert sandbox.credentials is None  # explicit key: no dev credentials
        api = Api(sandbox.base_url, Signer("strict-user", private))
        now = int(time.time())
        _unauthorized(api.get(f"{CONFIGS}/x", claims={"iat": now, "exp": now + 55}), "30")
        assert api.get(f"{CONFIGS}/x", claims={"iat": now, "exp": now + 30}).status_code == 404
        # A second API user, added at run time; nonces are per user.
        other_private, other_public = key_pair(3)
        other = Api(sandbox.base_url, Signer("second-user", other_private))
        _unauthorized(other.get(f"{CONFIGS}/x", claims={"exp": now + 20}), "unknown API key")
        sandbox.register_api_key("second-user", other_public)
        assert other.get(f"{CONFIGS}/x", claims={"exp": now + 20}).status_code == 404
        with pytest.raises(ValueError):
            sandbox.register_api_key("third", b"not a key")
