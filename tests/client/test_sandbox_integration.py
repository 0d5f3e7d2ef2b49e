"""The client against the real sandbox on 127.0.0.1: full flows, every error class, the JWT on
the wire, retries with one Idempotency-Key and exactly one object, lint before send, no secrets
in errors or logs, and a CLI session."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from payflow.client import AsyncClient, Client, errors
from tests.client.conftest import KeyPair, secrets_of
from tests.conftest import EXAMPLES

sandbox_mod = pytest.importorskip("payflow.sandbox")

CONFIG_REQUEST = json.loads((EXAMPLES / "configuration-request.json").read_text())
FAULT = "X-Sandbox-Fault"


class Recording(httpx.HTTPTransport):
    """A real transport that keeps what went on the wire (after auth signed it)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


@pytest.fixture(scope="module")
def sandbox():
    with sandbox_mod.start(sandbox_mod.SandboxSettings(transition_delay=0.01)) as running:
        yield running


def creds(sandbox) -> dict[str, Any]:
    c = sandbox.credentials
    return {
        "base_url": sandbox.base_url,
        "api_key": c.api_key,
        "private_key": c.private_key_path.read_bytes(),
    }


def make_client(sandbox, **kw: Any) -> Client:
    return Client(**creds(sandbox), **kw)


def execution_request(config: Any, amount: str = "10000.00") -> dict[str, Any]:
    first = config.configOperations[0]
    return {
        "configId": config.configId,
        "params": [{"configOperationId": first.operationId, "executionParams": {"amount": amount}}],
    }


@pytest.fixture(scope="module")
def ready_config(sandbox):
    with make_client(sandbox) as client:
        created = client.create_flow_configuration(CONFIG_REQUEST)
        return client.wait_for_configuration(created.configId, timeout=30)


def test_full_flow_sync(sandbox) -> None:
    polled: list[str] = []
    with make_client(sandbox) as client:
        config = client.create_flow_configuration(CONFIG_REQUEST)
        assert config.status.value == "PENDING"
        config = client.wait_for_configuration(config.configId, timeout=30)
        assert config.status.value == "READY_FOR_EXECUTION"
        execution = client.create_flow_execution(execution_request(config))
        execution = client.wait_for_execution(
            execution.executionId, timeout=30, on_poll=lambda e: polled.append(e.status.value)
        )
        assert execution.status.value == "READY_FOR_LAUNCH"  # settled: waits for the launch
        assert polled[-1] == "READY_FOR_LAUNCH"
        client.launch_flow_execution(execution.executionId)
        done = client.wait_for_execution(
            execution.executionId, until="EXECUTION_COMPLETED", timeout=30
        )
        assert done.status.value == "EXECUTION_COMPLETED"
        deleted = client.delete_flow_configuration(config.configId)
        assert deleted.configId == config.configId


def test_full_flow_async(sandbox) -> None:
    async def flow() -> str:
        async with AsyncClient(**creds(sandbox)) as client:
            config = await client.create_flow_configuration(CONFIG_REQUEST)
            config = await client.wait_for_configuration(config.configId, timeout=30)
            execution = await client.create_flow_execution(execution_request(config))
            execution = await client.wait_for_execution(execution.executionId, timeout=30)
            assert execution.status.value == "READY_FOR_LAUNCH"
            await client.launch_flow_execution(execution.executionId)
            done = await client.wait_for_execution(
                execution.executionId, until="EXECUTION_COMPLETED", timeout=30
            )
            return done.status.value

    assert asyncio.run(flow()) == "EXECUTION_COMPLETED"


def test_failed_validation_raises_flow_failed_with_reasons(sandbox) -> None:
    request = json.loads(json.dumps(CONFIG_REQUEST))
    request["configOperations"][0]["params"]["accountId"] = "no-such-exchange-account"
    with make_client(sandbox) as client:
        created = client.create_flow_configuration(request)
        with pytest.raises(errors.FlowFailed) as info:
            client.wait_for_configuration(created.configId, timeout=30)
    assert info.value.status == "VALIDATION_FAILED"
    assert info.value.reasons  # e.g. ACCOUNT_NOT_FOUND, read from the object
    assert all(r in str(info.value) for r in info.value.reasons)


def test_jwt_on_the_wire_verifies_with_the_public_key(sandbox, ready_config) -> None:
    transport = Recording()
    with make_client(sandbox, transport=transport) as client:
        client.create_flow_execution(execution_request(ready_config), idempotency_key="jwt-1")
        client.get_flow_configuration(ready_config.configId)
    private = load_pem_private_key(creds(sandbox)["private_key"], password=None)
    for request in transport.sent:
        token = request.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, private.public_key(), algorithms=["RS256"])
        assert claims["uri"] == request.url.raw_path.decode()
        assert claims["uri"].startswith("/v1/payments/")
        assert claims["bodyHash"] == hashlib.sha256(request.content).hexdigest()
        assert claims["sub"] == request.headers["X-API-Key"] == sandbox.credentials.api_key
        assert claims["exp"] - claims["iat"] <= 30
    assert transport.sent[0].content and not transport.sent[1].content
    assert transport.sent[0].headers["Idempotency-Key"] == "jwt-1"


@pytest.mark.parametrize(
    "fault",
    ["503;retry-after=1;times=2", "429;retry-after=2", "500;after", "503;retry-after=1;after"],
)
def test_retries_keep_one_idempotency_key_and_create_one_object(sandbox, fault: str) -> None:
    transport, slept = Recording(), []
    before = sandbox.stats()
    with make_client(sandbox, transport=transport, sleep=slept.append) as client:
        created = client.create_flow_configuration(CONFIG_REQUEST, extra_headers={FAULT: fault})
        again = client.get_flow_configuration(created.configId)
    after = sandbox.stats()
    posts = [r for r in transport.sent if r.method == "POST"]
    times = int(fault.split("times=")[1].split(";")[0]) if "times=" in fault else 1
    assert len(posts) == times + 1
    assert len({r.headers["Idempotency-Key"] for r in posts}) == 1
    assert len({r.headers["Authorization"] for r in posts}) == len(posts)  # fresh token each
    if "retry-after=" in fault:
        assert slept == [float(fault.split("retry-after=")[1].split(";")[0])] * times
    created_key = next(k for k in before if "config" in k and "creat" in k)
    assert after[created_key] == before[created_key] + 1  # exactly one object
    assert again.configId == created.configId


def test_launch_retried_after_a_lost_response_launches_once(sandbox, ready_config) -> None:
    with make_client(sandbox, sleep=lambda s: None) as client:
        execution = client.create_flow_execution(execution_request(ready_config))
        execution = client.wait_for_execution(execution.executionId, timeout=30)
        before = sandbox.stats()
        launched = client.launch_flow_execution(
            execution.executionId, extra_headers={FAULT: "503;after"}
        )
        after = sandbox.stats()
        assert launched.executionId == execution.executionId
        key = next(k for k in before if "launch" in k)
        assert after[key] == before[key] + 1
        with pytest.raises(errors.UnprocessableEntityError):  # a new launch (new key) is refused
            client.launch_flow_execution(execution.executionId)


def test_every_error_class_from_the_sandbox(sandbox, ready_config, keys: KeyPair) -> None:
    with make_client(sandbox, max_retries=0) as client:
        with pytest.raises(errors.NotFoundError) as nf:
            client.get_flow_execution("no-such-execution")
        assert nf.value.error_type == "NOT_FOUND" and nf.value.status_code == 404
        with pytest.raises(errors.BadRequestError) as bad:
            client.create_flow_configuration({"configName": "x"})
        assert bad.value.error_type == "VALIDATION"
        body = execution_request(ready_config)
        client.create_flow_execution(body, idempotency_key="same-key")
        other = {**body, "params": [{**body["params"][0], "executionParams": {"amount": "5"}}]}
        with pytest.raises(errors.UnprocessableEntityError):  # key reused with another body
            client.create_flow_execution(other, idempotency_key="same-key")
        with pytest.raises(errors.RateLimitError):
            client.get_flow_configuration(ready_config.configId, extra_headers={FAULT: "429"})
        with pytest.raises(errors.InternalServerError):
            client.get_flow_configuration(ready_config.configId, extra_headers={FAULT: "500"})
    with (
        Client(sandbox.base_url, "unknown-api-key", keys.private_pem, max_retries=0) as stranger,
        pytest.raises(errors.AuthenticationError) as auth,
    ):
        stranger.get_flow_configuration(ready_config.configId)
    assert auth.value.error_type == "AUTHENTICATION"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with (
        Client(f"http://127.0.0.1:{port}/v1", "k", keys.private_pem, max_retries=0) as nowhere,
        pytest.raises(errors.APIConnectionError),
    ):
        nowhere.get_flow_configuration("x")


def test_a_request_failing_lint_sends_nothing(sandbox, ready_config) -> None:
    transport = Recording()
    bad = json.loads(
        (EXAMPLES / "bad" / "execution-request.v2.amount-and-percentage.json").read_text()
    )
    bad["configId"] = ready_config.configId
    before = sandbox.stats()
    with (
        make_client(sandbox, transport=transport) as client,
        pytest.raises(errors.LintError) as info,
    ):
        client.create_flow_execution(bad)
    assert transport.sent == []
    assert sandbox.stats() == before
    assert info.value.findings and all(hasattr(f, "code") for f in info.value.findings)
    assert "nothing was sent" in str(info.value)


def test_no_secret_in_any_error_or_log_line(sandbox, ready_config, keys: KeyPair, caplog) -> None:
    secret_key = creds(sandbox)["private_key"].decode()
    forbidden = [*secrets_of(keys), sandbox.credentials.api_key, secret_key.splitlines()[1]]
    messages: list[str] = []
    with caplog.at_level(logging.DEBUG):
        with make_client(sandbox, sleep=lambda s: None) as client:
            client.get_flow_configuration(
                ready_config.configId, extra_headers={FAULT: "503;times=2"}
            )
            for call in (
                lambda: client.get_flow_execution("missing"),
                lambda: client.get_flow_configuration("x", extra_headers={FAULT: "500;times=5"}),
                lambda: client.create_flow_configuration({"configName": 1}),
            ):
                with pytest.raises(errors.APIError) as info:
                    call()
                messages += [str(info.value), repr(info.value), str(vars(info.value))]
        with (
            Client(sandbox.base_url, "wrong-key", keys.private_pem, max_retries=0) as c,
            pytest.raises(errors.AuthenticationError) as info,
        ):
            c.get_flow_configuration("x")
        messages += [str(info.value), repr(info.value)]
    logged = [r.getMessage() for r in caplog.records] + [caplog.text]
    assert any("retrying" in line for line in logged)  # the retries were logged...
    for text in messages + logged:
        for secret in forbidden:
            assert secret not in text  # ...and nothing secret was


def test_cli_session(sandbox, ready_config, tmp_path: Path, capsys, monkeypatch) -> None:
    from payflow import devcreds
    from payflow.cli import main

    devcreds.publish(sandbox.credentials)  # what `payflow sandbox` does
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(CONFIG_REQUEST))
    assert main(["config", "create", str(config_file), "--wait"]) == 0
    config = json.loads(capsys.readouterr().out)
    assert config["status"] == "READY_FOR_EXECUTION"

    request = {
        "configId": config["configId"],
        "params": [
            {
                "configOperationId": config["configOperations"][0]["operationId"],
                "executionParams": {"amount": "10000.00"},
            }
        ],
    }
    exec_file = tmp_path / "execution.json"
    exec_file.write_text(json.dumps(request, indent=2))
    assert main(["execution", "create", str(exec_file), "--wait"]) == 0
    execution = json.loads(capsys.readouterr().out)
    assert execution["status"] == "READY_FOR_LAUNCH"
    assert main(["execution", "launch", execution["executionId"], "--wait"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "EXECUTION_COMPLETED"

    assert main(["execution", "get", "missing-id"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NotFoundError" in err[0]

    before = sandbox.stats()
    request["params"][0]["executionParams"]["amount"] = 12.5  # a number, not a decimal string
    exec_file.write_text(json.dumps(request, indent=2))
    assert main(["execution", "create", str(exec_file)]) == 1
    out = capsys.readouterr()
    assert "nothing was sent" in out.err and f"{exec_file}:" in out.err and out.out == ""
    assert sandbox.stats() == before
