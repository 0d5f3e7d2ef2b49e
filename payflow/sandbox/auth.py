"""Fireblocks API authentication, checked as the platform does it.

Every request carries ``X-API-Key`` (a registered API user) and ``Authorization: Bearer <JWT>``
signed RS256 with that user's private key. Claims: ``sub`` = the API key, ``uri`` = the path
and query as sent, ``bodyHash`` = hex SHA-256 of the exact body bytes, ``nonce`` (never twice),
``iat``/``exp`` (not expired; ``exp - iat`` at most 60 s, or 30 s with strict auth, as the
documentation says; the official SDKs send 55 s). Without a body, the hash of the empty string
and the hash of ``""`` (what the older JS SDK sends) are both accepted.

Every failure is a 401 whose message names the check that failed, never the token.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from payflow.sandbox.errors import ApiError

__all__ = ["EMPTY_BODY_HASHES", "Identity", "KeyRing", "load_public_key", "verify_request"]

EMPTY_BODY_HASHES = frozenset({hashlib.sha256(b"").hexdigest(), hashlib.sha256(b'""').hexdigest()})
REQUIRED_CLAIMS = ("uri", "nonce", "iat", "exp", "sub", "bodyHash")


def load_public_key(pem: str | bytes) -> RSAPublicKey:
    """An RSA public key from PEM; ValueError with a plain message otherwise."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a PEM-encoded public key") from exc
    if not isinstance(key, RSAPublicKey):
        raise ValueError("the public key must be an RSA key (RS256)")
    return key


class KeyRing:
    """Registered API users: API key -> RSA public key."""

    def __init__(self) -> None:
        self._keys: dict[str, RSAPublicKey] = {}
        self._lock = threading.Lock()

    def register(self, api_key: str, public_key_pem: str | bytes) -> None:
        if not api_key or not api_key.strip():
            raise ValueError("the API key must not be empty")
        key = load_public_key(public_key_pem)
        with self._lock:
            self._keys[api_key] = key

    def get(self, api_key: str) -> RSAPublicKey | None:
        with self._lock:
            return self._keys.get(api_key)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"KeyRing({len(self._keys)} keys)"


@dataclass(frozen=True)
class Identity:
    """Who sent an authenticated request."""

    api_key: str

    @property
    def scope(self) -> str:
        """A non-secret handle of the API key, for scoping idempotency keys and nonces."""
        return hashlib.sha256(self.api_key.encode()).hexdigest()[:32]

    def __repr__(self) -> str:
        return f"Identity(scope={self.scope[:8]}...)"


def _fail(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="payflow-sandbox"'})


def verify_request(
    *,
    keys: KeyRing,
    headers: Any,
    uri: str,
    body: bytes,
    max_lifetime: float,
    clock_skew: float,
    use_nonce: Callable[[str, str, float], bool],
    now: float | None = None,
) -> Identity:
    """Check one request; returns who sent it or raises ApiError(401)."""
    now = time.time() if now is None else now
    api_key = headers.get("x-api-key")
    if not api_key:
        raise _fail("missing X-API-Key header")
    public_key = keys.get(api_key)
    if public_key is None:
        raise _fail("unknown API key (X-API-Key is not registered with this sandbox)")
    authorization = headers.get("authorization")
    if not authorization:
        raise _fail("missing Authorization header (expected 'Bearer <JWT>')")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _fail("Authorization header must be 'Bearer <JWT>'")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise _fail("bearer token is not a well-formed JWT") from None
    if header.get("alg") != "RS256":
        raise _fail(f"JWT must be signed with RS256, not {str(header.get('alg'))[:16]!r}")
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
                "verify_sub": False,
                "verify_jti": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise _fail(
            "JWT signature does not verify with the public key registered for this API key"
        ) from None
    except jwt.PyJWTError:
        raise _fail("bearer token is not a well-formed JWT") from None

    missing = [name for name in REQUIRED_CLAIMS if name not in claims]
    if missing:
        raise _fail(f"JWT lacks the claim(s): {', '.join(missing)}")
    if claims["sub"] != api_key:
        raise _fail("JWT sub does not match the X-API-Key header")
    iat, exp = claims["iat"], claims["exp"]
    if not _is_number(iat) or not _is_number(exp):
        raise _fail("JWT iat and exp must be numbers (Unix seconds)")
    if iat > now + clock_skew:
        raise _fail(f"JWT iat is {iat - now:.0f} s in the future (check the client's clock)")
    if exp < now - clock_skew:
        raise _fail(f"JWT expired {now - exp:.0f} s ago (exp has passed)")
    if exp - iat > max_lifetime:
        raise _fail(f"JWT lifetime exp - iat = {exp - iat:.0f} s exceeds {max_lifetime:.0f} s")
    if exp <= iat:
        raise _fail("JWT exp must be after iat")
    if claims["uri"] != uri:
        raise _fail(
            f"JWT uri {str(claims['uri'])[:200]!r} does not match the request path {uri[:200]!r} "
            "(path and query exactly as sent)"
        )
    body_hash = str(claims["bodyHash"]).lower()
    if body:
        if body_hash != hashlib.sha256(body).hexdigest():
            raise _fail(
                "JWT bodyHash does not match the SHA-256 of the request body received "
                "(hash exactly the bytes you send)"
            )
    elif body_hash not in EMPTY_BODY_HASHES:
        raise _fail("JWT bodyHash does not match the empty body (expected SHA-256 of '')")
    nonce = claims["nonce"]
    if not isinstance(nonce, str | int) or isinstance(nonce, bool) or str(nonce) == "":
        raise _fail("JWT nonce must be a non-empty string")
    identity = Identity(api_key)
    if not use_nonce(identity.scope, str(nonce), float(exp) + clock_skew):
        raise _fail("JWT nonce was already used (replayed request); sign every request anew")
    return identity


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
