"""Dev credentials: an API key and RSA key pair kept in the state dir, reused on restart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from payflow.devcreds import write_private_key

__all__ = ["DevKey", "ensure_dev_key", "new_rsa_key_pair"]

API_KEY_FILE = "dev-api-key"
PRIVATE_KEY_FILE = "dev-private-key.pem"
PUBLIC_KEY_FILE = "dev-public-key.pem"


@dataclass(frozen=True)
class DevKey:
    api_key: str
    private_key_path: Path
    public_key_pem: bytes
    api_key_path: Path

    def __repr__(self) -> str:
        return f"DevKey(private_key_path={str(self.private_key_path)!r})"


def new_rsa_key_pair() -> tuple[bytes, bytes]:
    """A fresh RSA-2048 key pair as (PKCS#8 private PEM, SubjectPublicKeyInfo public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def ensure_dev_key(state_dir: Path) -> DevKey:
    """The state dir's dev key, created on first use (private key and API key mode 0600)."""
    api_key_path = state_dir / API_KEY_FILE
    private_path = state_dir / PRIVATE_KEY_FILE
    public_path = state_dir / PUBLIC_KEY_FILE
    if not (api_key_path.is_file() and private_path.is_file() and public_path.is_file()):
        private_pem, public_pem = new_rsa_key_pair()
        write_private_key(private_path, private_pem)
        public_path.write_bytes(public_pem)
        write_private_key(api_key_path, str(uuid.uuid4()).encode())
    return DevKey(
        api_key=api_key_path.read_text(encoding="utf-8").strip(),
        private_key_path=private_path,
        public_key_pem=public_path.read_bytes(),
        api_key_path=api_key_path,
    )
