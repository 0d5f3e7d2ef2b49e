"""Nothing breaks under hostile input: random bytes, truncated JSON, enormous numbers,
100,000-deep nesting, big bodies.

* the linter (library) returns findings with at least one error; never raises;
* the models refuse with a ValidationError, never another exception;
* ``payflow lint`` (a subprocess, bounded by a timeout) exits 1 or 2 with no traceback;
* the sandbox answers 400 (413 for bodies over its limit) with an ErrorResponse, never a 5xx,
  and still serves a valid request afterwards - in process and over loopback.

Agreement: for arbitrary bytes, linter error <=> sandbox 400/413 <=> models refuse. A leading
UTF-8 BOM is refused by all three (the linter's PF009 is an error). One known exception,
asserted as such: repeated member names (pydantic's parser keeps the last value; the linter
(PF006) and the sandbox refuse).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from payflow.validator import Severity, lint

from payflow.sandbox import SandboxSettings, start
from tests.differential.hostile import HOSTILE, VALID
from tests.differential.judges import AsgiSandbox, model_verdict
from tests.differential.settings import examples

EXECUTIONS = "/v1/payments/workflow_execution"
CLI_TIMEOUT = 120  # seconds; a hang fails the test instead of the suite


def _healthy(sandbox: AsgiSandbox) -> None:
    config = (Path(__file__).parents[2] / "examples" / "configuration-request.json").read_bytes()
    assert sandbox.request("GET", "/healthz").status_code == 200
    created = sandbox.request("POST", "/v1/payments/workflow_config", config)
    assert created.status_code == 202, created.text


def _note(text: str) -> None:
    """hypothesis.note inside a property, print (shown on failure) elsewhere."""
    try:
        note(text)
    except InvalidArgument:
        print(text)


def _judge_all(sandbox: AsgiSandbox, raw: bytes) -> tuple[bool, bool, int]:
    """(linter has an error, models refuse, sandbox status)."""
    findings = lint(raw)
    for f in findings:
        assert f.code.startswith("PF") and f.message
    lint_refuses = any(f.severity == Severity.ERROR for f in findings)
    _note(f"linter: {[(f.code, f.pointer[:40]) for f in findings]}")
    models_refuse = not model_verdict(raw).accepted
    response = sandbox.post_execution(raw)
    _note(f"sandbox: {response.status_code} {response.text[:200]}")
    assert response.status_code < 500, "the sandbox crashed"
    assert set(response.json()) == {"error"}, "not an ErrorResponse"
    return lint_refuses, models_refuse, response.status_code


garbage = st.one_of(
    st.binary(max_size=400),
    st.integers(0, len(VALID) - 1).map(lambda n: VALID[:n]),
    st.tuples(st.integers(0, len(VALID)), st.binary(min_size=1, max_size=8)).map(
        lambda cut: VALID[: cut[0]] + cut[1] + VALID[cut[0] :]
    ),
).filter(lambda raw: not raw.startswith(b"\xef\xbb\xbf"))


@examples(150)
@given(garbage)
def test_garbage_is_refused_alike(asgi_sandbox: AsgiSandbox, raw: bytes) -> None:
    note(f"body: {raw!r}")
    lint_refuses, models_refuse, status = _judge_all(asgi_sandbox, raw)
    sandbox_refuses = status in (400, 413)
    if lint_refuses and not models_refuse and "PF006" in {f.code for f in lint(raw)}:
        models_refuse = True  # known: pydantic keeps the last of repeated members
    assert lint_refuses == sandbox_refuses == models_refuse, "the judges disagree"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies(asgi_sandbox: AsgiSandbox, name: str) -> None:
    raw = HOSTILE[name]
    lint_refuses, models_refuse, status = _judge_all(asgi_sandbox, raw)
    assert lint_refuses, "the linter finds no error"
    assert status in (400, 413)
    if name != "repeated member":  # known: pydantic keeps the last of repeated members
        assert models_refuse
    _healthy(asgi_sandbox)


def test_known_exceptions_are_what_they_are(asgi_sandbox: AsgiSandbox) -> None:
    """The documented divergence, pinned: if it changes, update the docstring above.

    The BOM, once a divergence, is now refused by every judge."""
    bom = b"\xef\xbb\xbf" + VALID
    assert ("PF009", Severity.ERROR) in [(f.code, f.severity) for f in lint(bom)]
    assert asgi_sandbox.post_execution(bom).status_code == 400
    assert not model_verdict(bom).accepted
    repeated = HOSTILE["repeated member"].replace(
        b'"params": []',
        b'"params": [{"configOperationId": "o", "executionParams": {"amount": "1"}}]',
    )
    assert model_verdict(repeated).accepted


def test_a_vanishing_exponent_is_zero_to_every_judge(asgi_sandbox: AsgiSandbox) -> None:
    """1e-999999 is 0 (an integer to JSON Schema): a valid slippage, for all three."""
    doc = json.loads(VALID)
    raw = json.dumps(doc).replace('"slippageBasisPoints": 100', '"slippageBasisPoints": 1e-999999')
    assert "1e-999999" in raw
    lint_refuses, models_refuse, status = _judge_all(asgi_sandbox, raw.encode())
    assert (lint_refuses, models_refuse, status) == (False, False, 404)


def test_oversize_body_is_413_and_the_sandbox_carries_on(asgi_sandbox: AsgiSandbox) -> None:
    limit = asgi_sandbox.core.settings.max_body_bytes
    doc = json.loads(VALID)
    doc["externalCorrelationData"] = "x" * (limit + 1)
    response = asgi_sandbox.post_execution(json.dumps(doc).encode())
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "VALIDATION"
    _healthy(asgi_sandbox)


def _cli(paths: list[Path], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "payflow", "lint", "--format", "json", *extra, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def test_cli_on_hostile_files(tmp_path: Path) -> None:
    paths = []
    for index, (_, raw) in enumerate(sorted(HOSTILE.items())):
        path = tmp_path / f"{index:02d}.json"
        path.write_bytes(raw)
        paths.append(path)
    result = _cli(paths)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    findings = json.loads(result.stdout)["findings"]
    with_errors = {Path(f["file"]).name for f in findings if f["severity"] == "error"}
    assert with_errors == {p.name for p in paths}, "some hostile file linted clean"


def test_cli_on_a_moderately_big_request(tmp_path: Path) -> None:
    """~3 MB: 20,000 instructions, one of them bad: found, in bounded time."""
    doc = json.loads(VALID)
    instructions = doc["params"][1]["executionParams"]["instructionSet"]
    instructions[:] = [dict(instructions[0]) for _ in range(20_000)]
    instructions[12_345] = {**instructions[12_345], "amount": "-1"}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc, indent=1))
    result = _cli([path])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "/instructionSet/12345/amount" in result.stdout


@pytest.mark.slow
def test_cli_on_50_mb_files(tmp_path: Path) -> None:
    doc = json.loads(VALID)
    instructions = doc["params"][1]["executionParams"]["instructionSet"]
    instructions[:] = [dict(instructions[0]) for _ in range(440_000)]
    big = tmp_path / "50mb.json"
    big.write_text(json.dumps(doc))
    assert big.stat().st_size > 50 * 1024 * 1024
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 25_000_000 + b"]" * 25_000_000)
    refused = _cli([big, deep])  # over the default 16 MiB limit: refused unread
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    raised = _cli([big, deep], "--max-bytes", str(60 * 1024 * 1024))  # read and checked
    assert raised.returncode == 1 and "Traceback" not in raised.stderr


def test_loopback_sandbox_survives_hostile_bodies(tmp_path: Path) -> None:
    with start(SandboxSettings(state_dir=tmp_path / "state", transition_delay=0.01)) as sandbox:
        signer = _Signer(sandbox)
        with httpx.Client(timeout=30) as http:
            for name in (
                "100,000-deep arrays",
                "unpaired surrogate id",
                "5000-digit slippage",
                "nul and invalid UTF-8",
                "truncated",
            ):
                raw = HOSTILE[name]
                response = http.post(
                    sandbox.base_url + "/payments/workflow_execution",
                    content=raw,
                    headers=signer.headers("/v1/payments/workflow_execution", raw),
                )
                assert response.status_code == 400, (name, response.text)
            big = b'{"configId": "' + b"a" * (3 * 1024 * 1024) + b'", "params": []}'
            response = http.post(
                sandbox.base_url + "/payments/workflow_execution",
                content=big,
                headers=signer.headers("/v1/payments/workflow_execution", big),
            )
            assert response.status_code == 413
            config = (
                Path(__file__).parents[2] / "examples" / "configuration-request.json"
            ).read_bytes()
            response = http.post(
                sandbox.base_url + "/payments/workflow_config",
                content=config,
                headers=signer.headers("/v1/payments/workflow_config", config),
            )
            assert response.status_code == 202, response.text


class _Signer:
    def __init__(self, sandbox) -> None:  # type: ignore[no-untyped-def]
        import hashlib
        import time
        import uuid

        import jwt
        from cryptography.hazmat.primitives import serialization

        creds = sandbox.credentials
        self._api_key = creds.api_key
        self._key = serialization.load_pem_private_key(
            Path(creds.private_key_path).read_bytes(), password=None
        )
        self._jwt, self._time, self._uuid, self._sha = jwt, time, uuid, hashlib.sha256

    def headers(self, uri: str, body: bytes) -> dict[str, str]:
        now = int(self._time.time())
        token = self._jwt.encode(
            {
                "uri": uri,
                "nonce": str(self._uuid.uuid4()),
                "iat": now,
                "exp": now + 30,
                "sub": self._api_key,
                "bodyHash": self._sha(body).hexdigest(),
            },
            self._key,
            algorithm="RS256",
        )
        return {
            "X-API-Key": self._api_key,
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
