"""Where a client finds its base URL, API key and private key.

Precedence: constructor arguments > environment (``FIREBLOCKS_API_KEY``,
``FIREBLOCKS_SECRET_KEY`` - PEM text or a path to a PEM file -, ``FIREBLOCKS_BASE_URL`` or the
official SDK's ``FIREBLOCKS_BASE_PATH``) > the dev credentials a local sandbox published
(``payflow.devcreds.read_published()``).

There is no built-in default URL: with nothing configured the client refuses to start, so it
can never talk to production by accident. Credentials given as arguments or environment are
never combined with the sandbox pointer (real keys are not sent to a dev URL by accident).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from payflow.runtime._exceptions import ConfigurationError

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_PATH",
    "ENV_BASE_URL",
    "ENV_SECRET_KEY",
    "ResolvedConfig",
    "resolve",
]

ENV_API_KEY = "FIREBLOCKS_API_KEY"
ENV_SECRET_KEY = "FIREBLOCKS_SECRET_KEY"
ENV_BASE_URL = "FIREBLOCKS_BASE_URL"
ENV_BASE_PATH = "FIREBLOCKS_BASE_PATH"  # the official Python SDK's name


@dataclass(frozen=True)
class ResolvedConfig:
    base_url: str
    api_key: str
    private_key_pem: bytes
    source: str  # "arguments/environment" or "sandbox pointer <path>"

    def __repr__(self) -> str:
        return f"ResolvedConfig(base_url={self.base_url!r}, source={self.source!r})"


def _read_pem(value: str | bytes, origin: str) -> bytes:
    """PEM text as-is, or the contents of the file it names."""
    data = value.encode() if isinstance(value, str) else value
    if b"-----BEGIN" in data:
        return data
    path = Path(data.decode(errors="replace").strip()).expanduser()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"{origin} is neither PEM text nor a readable file: {path} ({exc.strerror})"
        ) from None


def resolve(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    private_key: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> ResolvedConfig:
    """The effective configuration, or ConfigurationError saying what is missing."""
    env = os.environ if env is None else env
    url = base_url or env.get(ENV_BASE_URL) or env.get(ENV_BASE_PATH)
    key = api_key or env.get(ENV_API_KEY)
    secret: str | bytes | None = private_key or env.get(ENV_SECRET_KEY)
    secret_origin = "private_key" if private_key else ENV_SECRET_KEY

    if key is None and secret is None:
        from payflow import devcreds

        creds = devcreds.read_published()
        if creds is None:
            raise ConfigurationError(
                "no API credentials: pass api_key/private_key, set "
                f"{ENV_API_KEY} and {ENV_SECRET_KEY}, or start a local sandbox "
                "(payflow sandbox) that publishes dev credentials"
            )
        return ResolvedConfig(
            base_url=(url or creds.base_url).rstrip("/"),
            api_key=creds.api_key,
            private_key_pem=_read_pem(str(creds.private_key_path), "the sandbox's private key"),
            source=f"sandbox pointer {devcreds.pointer_path()}",
        )
    if not key:
        raise ConfigurationError(f"no API key: pass api_key or set {ENV_API_KEY}")
    if not secret:
        raise ConfigurationError(f"no private key: pass private_key or set {ENV_SECRET_KEY}")
    if not url:
        raise ConfigurationError(
            f"no base URL: pass base_url or set {ENV_BASE_URL} (e.g. "
            "https://sandbox-api.fireblocks.io/v1); there is deliberately no default"
        )
    return ResolvedConfig(
        base_url=url.rstrip("/"),
        api_key=key,
        private_key_pem=_read_pem(secret, secret_origin),
        source="arguments/environment",
    )
