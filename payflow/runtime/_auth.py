"""Fireblocks API authentication as an ``httpx.Auth``.

Every request carries ``X-API-Key`` and ``Authorization: Bearer <JWT>``; the JWT is signed RS256
with the API user's private key and binds the request: ``uri`` (path and query exactly as sent),
``nonce`` (unique), ``iat``/``exp`` (at most 30 s apart, as the documentation asks), ``sub``
(the API key) and ``bodyHash`` (hex SHA-256 of the exact body bytes sent; of b"" without a body).

httpx runs ``auth_flow`` on every ``send``, so each retry attempt gets a fresh token (new nonce,
new iat) - a token is never replayed.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Generator

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from payflow.runtime._exceptions import ConfigurationError

__all__ = ["TOKEN_LIFETIME", "FireblocksAuth", "load_private_key"]

#: Seconds between iat and exp; the documentation requires exp < iat + 30.
TOKEN_LIFETIME = 29


def load_private_key(pem: bytes | str) -> RSAPrivateKey:
    """Parse a PEM private key; errors never quote the key."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        # `from None`: the original error may echo key material.
        raise ConfigurationError(
            "the private key is not a readable unencrypted PEM private key"
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigurationError("the private key must be an RSA key (the API signs RS256)")
    return key


class FireblocksAuth(httpx.Auth):
    """Sign each request for the Fireblocks API (see module docstring)."""

    requires_request_body = True  # bodyHash needs the bytes

    def __init__(
        self,
        api_key: str,
        private_key: RSAPrivateKey | bytes | str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not api_key:
            raise ConfigurationError("the API key is empty")
        self._api_key = api_key
        self._key = (
            private_key if isinstance(private_key, RSAPrivateKey) else load_private_key(private_key)
        )
        self._clock = clock

    def __repr__(self) -> str:  # credentials stay out of logs and debuggers' summaries
        return "FireblocksAuth(api_key=<hidden>, private_key=<hidden>)"

    def token_for(self, uri: str, body: bytes) -> str:
        now = int(self._clock())
        claims = {
            "uri": uri,
            "nonce": str(uuid.uuid4()),
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "sub": self._api_key,
            "bodyHash": hashlib.sha256(body).hexdigest(),
        }
        return jwt.encode(claims, self._key, algorithm="RS256")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        uri = request.url.raw_path.decode("ascii")  # path + query, as they go on the wire
        request.headers["X-API-Key"] = self._api_key
        request.headers["Authorization"] = f"Bearer {self.token_for(uri, request.content)}"
        yield request
