"""Fixtures of the client tests: a real RSA key pair, an isolated environment."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from payflow.sandbox.credentials import new_rsa_key_pair

API_KEY = "ak-test-0f4c1d2e-secret-api-key"


@dataclass(frozen=True)
class KeyPair:
    private_pem: bytes
    public_pem: bytes
    public_key: rsa.RSAPublicKey


@pytest.fixture(scope="session")
def keys() -> KeyPair:
    private_pem, public_pem = new_rsa_key_pair()
    return KeyPair(private_pem, public_pem, serialization.load_pem_public_key(public_pem))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """No FIREBLOCKS_* from the developer's shell, and a private PAYFLOW_HOME."""
    for name in (
        "FIREBLOCKS_API_KEY",
        "FIREBLOCKS_SECRET_KEY",
        "FIREBLOCKS_BASE_URL",
        "FIREBLOCKS_BASE_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAYFLOW_HOME", str(tmp_path_factory.mktemp("payflow-home")))


def secrets_of(keys: KeyPair) -> list[str]:
    """Strings that must never show up in messages or logs."""
    body = keys.private_pem.decode().splitlines()[1]  # a line of the key material
    return [API_KEY, body, "BEGIN PRIVATE KEY", "eyJ"]  # eyJ: the start of any JWT
