"""Dev credentials of a local sandbox, and where clients find them.

A sandbox started without ``--api-key/--public-key`` creates an RSA key pair and an API key in
its state dir (private key mode 0600) and publishes a small pointer file,
``$PAYFLOW_HOME/sandbox.json`` (default ``~/.payflow/sandbox.json``), naming its base URL,
the API key and the private key's path. A client with nothing else configured (no arguments,
no ``FIREBLOCKS_*`` variables) reads that pointer - so it can only ever fall back to a local
sandbox, never silently to production.

The pointer holds a path to the private key, never the key itself.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DevCredentials",
    "payflow_home",
    "pointer_path",
    "publish",
    "read_published",
    "write_private_key",
]

PRIVATE_KEY_MODE = 0o600


def payflow_home() -> Path:
    """``$PAYFLOW_HOME``, or ``~/.payflow``."""
    return Path(os.environ.get("PAYFLOW_HOME") or Path.home() / ".payflow")


def pointer_path() -> Path:
    return payflow_home() / "sandbox.json"


@dataclass(frozen=True)
class DevCredentials:
    base_url: str
    api_key: str
    private_key_path: Path

    def __repr__(self) -> str:  # the API key is a credential: keep it out of logs
        return (
            f"DevCredentials(base_url={self.base_url!r}, "
            f"private_key_path={str(self.private_key_path)!r})"
        )


def write_private_key(path: Path, pem: bytes) -> None:
    """Write a private key readable by its owner only, atomically (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(fd, PRIVATE_KEY_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(creds: DevCredentials) -> Path:
    """Write the pointer file atomically; returns its path."""
    target = pointer_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "baseUrl": creds.base_url,
        "apiKey": creds.api_key,
        "privateKeyPath": str(creds.private_key_path),
    }
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sandbox-")
    try:
        os.fchmod(fd, PRIVATE_KEY_MODE)  # it names an API key
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_published() -> DevCredentials | None:
    """The published dev credentials, or None when there are none (or they are unusable)."""
    try:
        raw = json.loads(pointer_path().read_text(encoding="utf-8"))
        creds = DevCredentials(
            base_url=str(raw["baseUrl"]),
            api_key=str(raw["apiKey"]),
            private_key_path=Path(raw["privateKeyPath"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return creds if creds.private_key_path.is_file() else None
