"""Persistence: a restart on the same state dir keeps everything and resumes unfinished work;
a `payflow sandbox` process killed with SIGKILL in the middle of an execution finishes it after
a restart without paying anything twice."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from payflow.sandbox import SandboxSettings, start
from payflow.sandbox.store import Store
from tests.conftest import ROOT
from tests.sandbox.helpers import FINAL_EXECUTION, Api, Signer, amount_only, held, poll

EXECUTIONS = "/payments/workflow_execution"


def _api(sandbox: Any) -> Api:
    creds = sandbox.credentials
    return Api(sandbox.base_url, Signer(creds.api_key, Path(creds.private_key_path).read_bytes()))


def test_restart_on_the_same_state_dir_keeps_everything(tmp_path: Path) -> None:
    settings = SandboxSettings(state_dir=tmp_path, transition_delay=0.005)
    with start(settings) as first:
        api = _api(first)
        api_key = first.credentials.api_key  # type: ignore[union-attr]
        config = api.ready_config()
        completed = api.run_to_end(amount_only(config, "10000"))
        ready = api.run_to_ready(amount_only(config, "20000"))
        with held(first):
            pending = api.create_execution(amount_only(config, "30000"))
        before = {
            eid: api.get(f"{EXECUTIONS}/{eid}").json()
            for eid in (completed["executionId"], ready["executionId"])
        }
        stats = first.stats()
        balances = first.balances()

    with start(settings) as second:
        assert second.credentials.api_key == api_key  # type: ignore[union-attr]
        api = _api(second)  # the same key files, so old signatures' owner is the same user
        for eid, doc in before.items():
            assert api.get(f"{EXECUTIONS}/{eid}").json() == doc
        assert api.get(f"/payments/workflow_config/{config['configId']}").json() == config
        assert second.stats() == stats
        assert second.balances() == balances
        # Unfinished work resumes; a READY_FOR_LAUNCH execution can still be launched once.
        resumed = api.wait_execution(pending["executionId"])
        assert resumed["status"] == "READY_FOR_LAUNCH"
        assert api.launch(ready["executionId"]).status_code == 200
        assert api.wait_execution(ready["executionId"], FINAL_EXECUTION)["status"] == (
            "EXECUTION_COMPLETED"
        )
        assert api.launch(completed["executionId"]).status_code == 422


def _spawn(state: Path, home: Path, delay: float) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PAYFLOW_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "payflow",
            "sandbox",
            "--port",
            "0",
            "--state-dir",
            str(state),
            "--transition-delay",
            str(delay),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first_line = proc.stdout.readline()
    match = re.search(r"listening on (http://\S+/v1)", first_line)
    if not match:
        proc.kill()
        raise AssertionError(
            f"no banner: {first_line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return proc, match.group(1)


def _state_api(state: Path, base_url: str) -> Api:
    api_key = (state / "dev-api-key").read_text().strip()
    return Api(base_url, Signer(api_key, (state / "dev-private-key.pem").read_bytes()))


@pytest.mark.timeout(120)
def test_kill_during_execution_never_executes_twice(tmp_path: Path) -> None:
    state, home = tmp_path / "state", tmp_path / "home"
    proc, base_url = _spawn(state, home, delay=0.4)
    try:
        pointer = json.loads((home / "sandbox.json").read_text())
        assert pointer["baseUrl"] == base_url  # published for clients
        assert (state / "dev-private-key.pem").stat().st_mode & 0o777 == 0o600
        api = _state_api(state, base_url)
        config = api.ready_config()
        ready = api.run_to_ready(amount_only(config, "10000"))
        execution_id = ready["executionId"]
        assert api.launch(execution_id).status_code == 200

        def halfway(doc: dict[str, Any]) -> bool:
            statuses = [op["status"] for op in doc["executionOperations"]]
            return statuses[0] == "EXECUTION_COMPLETED" and statuses[1] != "EXECUTION_COMPLETED"

        poll(lambda: api.get(f"{EXECUTIONS}/{execution_id}").json(), halfway, interval=0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    mid = Store(state)
    try:
        legs_at_kill = mid.ledger(execution_id)
    finally:
        mid.close()
    assert {leg["leg"] for leg in legs_at_kill} == {"debit", "credit", "fee"}  # only the conversion

    proc, base_url = _spawn(state, home, delay=0.01)
    try:
        api = _state_api(state, base_url)
        done = api.wait_execution(execution_id, FINAL_EXECUTION)
        assert done["status"] == "EXECUTION_COMPLETED", done
        assert [op["status"] for op in done["executionOperations"]] == ["EXECUTION_COMPLETED"] * 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert not (home / "sandbox.json").exists()  # unpublished on a clean stop
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    store = Store(state)
    try:
        legs = store.ledger(execution_id)
        balances = store.balances()
        stats = store.stats()
    finally:
        store.close()
    assert len(legs) == 12  # 3 for the conversion, 3 for each of the 3 payments: once each
    assert len({(leg["operation_id"], leg["leg"]) for leg in legs}) == 12
    assert stats["executions_launched"] == 1
    assert balances["exchange-main"]["USD"] == Decimal("990000")  # debited exactly once
    assert balances["vault-payroll-1"]["USDC"] == Decimal("1500")
    assert balances["vault-payroll-2"]["USDC"] == Decimal("3990.006")
