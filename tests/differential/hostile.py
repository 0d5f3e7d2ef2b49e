"""Hostile request bodies: what each one is, and its bytes. Shared by the robustness tests
(library, CLI subprocess, in-process and loopback sandbox)."""

from __future__ import annotations

from tests.conftest import EXAMPLES

VALID = (EXAMPLES / "execution-request.v1.json").read_bytes()
_HEAD = b'{"configId": "c", "params": [{"configOperationId": "o", "executionParams": {"amount": "1"'
DEEP = 100_000


def _request(tail: bytes) -> bytes:
    return _HEAD + tail + b"}}]}"


HOSTILE: dict[str, bytes] = {
    "empty": b"",
    "whitespace only": b" \n\t ",
    "nul and invalid UTF-8": b"\x00\x01\xff\xfe{",
    "UTF-16": VALID.decode().encode("utf-16"),
    "truncated": VALID[: len(VALID) // 2],
    "a lone number": b"1",
    "5000-digit integer member": b'{"configId": "c", "params": [], "x": ' + b"9" * 5000 + b"}",
    "5000-digit slippage": _request(b', "slippageBasisPoints": ' + b"9" * 5000),
    "1e999999 slippage": _request(b', "slippageBasisPoints": 1e999999'),
    "-1e999999 slippage": _request(b', "slippageBasisPoints": -1e999999'),
    "NaN slippage": _request(b', "slippageBasisPoints": NaN'),
    "100,000-deep arrays": b"[" * DEEP + b"]" * DEEP,
    "100,000-deep objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "100,000-deep unclosed": b"[" * DEEP,
    "100,000-deep inside a request": b'{"configId": "c", "params": '
    + b"[" * DEEP
    + b"]" * DEEP
    + b"}",
    "unpaired surrogate id": b'{"configId": "\\ud800", "params": []}',
    "repeated member": b'{"configId": "a", "configId": "b", "params": []}',
    "500k-char id": b'{"configId": "' + b"a" * 500_000 + b'", "params": []}',
}
