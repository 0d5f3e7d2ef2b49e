#!/usr/bin/env python3
"""Kill the sandbox at random points and prove nothing acknowledged is lost or done twice.

    scripts/chaos_sandbox.py                  3 SIGKILLs
    scripts/chaos_sandbox.py --kills 25 --json

Runs ``payflow sandbox --state-dir D --port P`` as a subprocess and drives logical payments
against it with payflow.client.Client: create an execution (one fixed Idempotency-Key per
payment), poll it to READY_FOR_LAUNCH, launch it (another fixed key), retrying every step
through connection errors and 5xx. Meanwhile the sandbox is SIGKILLed at random moments and
restarted on the same state dir and port. At the end, with the last server still up:

* every acknowledged configuration and execution still exists (GET 200);
* every logical payment has exactly one execution id (replays return the same object);
* every launched execution completed, and the money moved exactly once: the treasury's USD
  fell by exactly 1.00 per payment and its USDC rose by exactly the sum of the executions'
  outputs;
after stopping it, the database holds exactly as many executions, and launched executions, as
logical payments were created and launched. Exit 1 on any mismatch; prints restarts survived.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout even before `pip install -e .`

from payflow.schemas import lifecycle  # noqa: E402

from payflow.client import Client, errors  # noqa: E402

# Statuses come from the lifecycle data, never spelled out here.
EXECUTION = lifecycle().workflow_execution
(COMPLETED,) = EXECUTION.final - EXECUTION.failed

CONFIGURATION = {
    "configName": "chaos-usd-to-usdc",
    "configOperations": [
        {
            "type": "CONVERSION",
            "params": {
                "accountId": "exchange-main",
                "srcAssetId": "USD",
                "destAssetId": "USDC",
                "slippageBasisPoints": 100,
            },
        }
    ],
}
AMOUNT = Decimal("1.00")
TREASURY = "exchange-main"
RETRYABLE = (errors.APIConnectionError, errors.InternalServerError, errors.RateLimitError)
STEP_DEADLINE = 120.0  # seconds one logical step may take, restarts included


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The `payflow sandbox` subprocess, restartable on the same state dir and port."""

    def __init__(self, state_dir: Path, port: int, home: Path) -> None:
        self.state_dir = state_dir
        self.port = port
        self.env = {**os.environ, "PAYFLOW_HOME": str(home)}
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(state_dir.parent / "sandbox.log", "ab")  # noqa: SIM115

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "payflow", "sandbox", "--state-dir", str(self.state_dir),
             "--port", str(self.port), "--transition-delay", "0.01"],
            stdout=self.log, stderr=self.log, env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"sandbox did not start (see {self.log.name})") from None
                time.sleep(0.02)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.log.close()

    def credentials(self) -> tuple[str, bytes]:
        api_key = (self.state_dir / "dev-api-key").read_text(encoding="utf-8").strip()
        return api_key, (self.state_dir / "dev-private-key.pem").read_bytes()


def _retry(call: Any, counters: dict[str, int]) -> Any:
    """Repeat ``call`` through connection errors and transient statuses (same key inside)."""
    deadline = time.monotonic() + STEP_DEADLINE
    while True:
        try:
            return call()
        except RETRYABLE as exc:
            counters[type(exc).__name__] = counters.get(type(exc).__name__, 0) + 1
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _status(client: Client, execution_id: str, counters: dict[str, int]) -> str:
    return str(_retry(lambda: client.get_flow_execution(execution_id), counters).status)


def _drive(client: Client, config_id: str, operation_id: str, run: str, stop: threading.Event,
           state: dict[str, Any]) -> None:  # fmt: skip
    counters = state["retries"]
    number = 0
    while not stop.is_set():
        payment = f"{run}-{number}"
        number += 1
        body = {
            "configId": config_id,
            "params": [{"configOperationId": operation_id, "executionParams": {"amount": "1.00"}}],
        }
        created = _retry(
            lambda body=body, payment=payment: client.create_flow_execution(
                body, idempotency_key=f"{payment}:create"
            ),
            counters,
        )
        execution_id = str(created.executionId)
        state["ids"].setdefault(payment, set()).add(execution_id)
        state["created"].append(payment)
        deadline = time.monotonic() + STEP_DEADLINE
        while (status := _status(client, execution_id, counters)) != EXECUTION.launchable:
            if EXECUTION.is_failed(status) or time.monotonic() > deadline:
                state["problems"].append(f"{payment}: execution {execution_id} is {status}")
                break
            time.sleep(0.01)
        else:
            launched = _retry(
                lambda eid=execution_id, payment=payment: client.launch_flow_execution(
                    eid, idempotency_key=f"{payment}:launch"
                ),
                counters,
            )
            state["ids"][payment].add(str(launched.executionId))
            state["launched"][payment] = execution_id


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="payflow-chaos-"))
    state_dir = Path(args.state_dir) if args.state_dir else work / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    server = Server(state_dir, args.port or _free_port(), work / "home")
    server.start()
    api_key, private_key = server.credentials()
    state: dict[str, Any] = {
        "ids": {},
        "created": [],
        "launched": {},
        "problems": [],
        "retries": {},
    }
    restarts = 0
    try:
        with Client(base_url=server.base_url, api_key=api_key, private_key=private_key,
                    max_retries=0, timeout=5.0) as client:  # fmt: skip
            treasury_before = _treasury(server, state["retries"])
            config = _retry(
                lambda: client.create_flow_configuration(
                    CONFIGURATION, idempotency_key=f"chaos-config-{uuid.uuid4()}"
                ),
                state["retries"],
            )
            config_id = str(config.configId)
            deadline = time.monotonic() + STEP_DEADLINE
            while True:
                config = _retry(lambda: client.get_flow_configuration(config_id), state["retries"])
                usable = lifecycle().workflow_configuration.usable
                if str(config.status) == usable or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            operation_id = str(config.configOperations[0].operationId)
            stop = threading.Event()
            driver = threading.Thread(
                target=_drive,
                args=(
                    client,
                    config_id,
                    operation_id,
                    f"chaos-{uuid.uuid4().hex[:8]}",
                    stop,
                    state,
                ),
            )
            driver.start()
            for _ in range(args.kills):
                time.sleep(rng.uniform(args.min_gap, args.max_gap))
                server.kill()
                server.start()
                restarts += 1
            time.sleep(args.max_gap)  # some calm after the last restart
            stop.set()
            driver.join(timeout=STEP_DEADLINE * 3)
            if driver.is_alive():
                state["problems"].append("the driver did not finish its last payment")
            problems = _verify(client, server, config_id, state, treasury_before)
    finally:
        server.stop()
    problems += _verify_database(state_dir, state)
    return {
        "restarts_survived": restarts if not problems else None,
        "kills": restarts,
        "payments_created": len(state["created"]),
        "payments_launched": len(state["launched"]),
        "retries": dict(sorted(state["retries"].items())),
        "problems": state["problems"] + problems,
        "state_dir": str(state_dir),
    }


def _treasury(server: Server, counters: dict[str, int]) -> dict[str, Decimal]:
    """The treasury's balances from the sandbox-only GET /_sandbox/accounts (signed like any
    API call: the client has no method for it)."""
    import hashlib

    import httpx
    import jwt
    from cryptography.hazmat.primitives import serialization

    api_key, private_pem = server.credentials()
    key = serialization.load_pem_private_key(private_pem, password=None)
    uri = "/_sandbox/accounts"

    def fetch() -> Any:
        now = int(time.time())
        claims = {"uri": uri, "nonce": str(uuid.uuid4()), "iat": now, "exp": now + 30,
                  "sub": api_key, "bodyHash": hashlib.sha256(b"").hexdigest()}  # fmt: skip
        token = jwt.encode(claims, key, algorithm="RS256")  # type: ignore[arg-type]
        try:
            response = httpx.get(
                server.base_url.rsplit("/v1", 1)[0] + uri,
                headers={"X-API-Key": api_key, "Authorization": f"Bearer {token}"},
                timeout=5,
            )
        except httpx.TransportError as exc:
            raise errors.APIConnectionError(str(exc), method="GET", path=uri) from None
        response.raise_for_status()
        return response.json()

    for account in _retry(fetch, counters)["accounts"]:
        if account["accountId"] == TREASURY:
            return {k: Decimal(v) for k, v in account["balances"].items()}
    raise RuntimeError(f"{TREASURY} missing")


def _verify(client: Client, server: Server, config_id: str, state: dict[str, Any],
            before: dict[str, Decimal]) -> list[str]:  # fmt: skip
    counters = state["retries"]
    problems = []
    _retry(lambda: client.get_flow_configuration(config_id), counters)  # still there
    multi = {p: ids for p, ids in state["ids"].items() if len(ids) != 1}
    if multi:
        problems.append(f"{len(multi)} payments got more than one execution id: {multi}")
    received = Decimal(0)
    for payment in state["created"]:
        for execution_id in state["ids"][payment]:
            _retry(lambda eid=execution_id: client.get_flow_execution(eid), counters)
    for payment, execution_id in state["launched"].items():
        deadline = time.monotonic() + STEP_DEADLINE
        while not EXECUTION.is_final(status := _status(client, execution_id, counters)):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if status != COMPLETED:
            problems.append(f"{payment}: launched execution {execution_id} ended {status}")
            continue
        doc = client.get_flow_execution(execution_id).model_dump(mode="json")
        output = doc["executionOperations"][0]["execution"]["output"]
        received += Decimal(output["amount"]["amount"])
    after = _treasury(server, counters)
    paid = before.get("USD", Decimal(0)) - after.get("USD", Decimal(0))
    gained = after.get("USDC", Decimal(0)) - before.get("USDC", Decimal(0))
    expected_paid = AMOUNT * len(state["launched"])
    if paid != expected_paid:
        problems.append(f"treasury paid USD {paid} for {len(state['launched'])} payments")
    if gained != received:
        problems.append(f"treasury gained USDC {gained}; the executions say {received}")
    return problems


def _verify_database(state_dir: Path, state: dict[str, Any]) -> list[str]:
    from payflow.sandbox.store import Store

    store = Store(state_dir)
    try:
        stats = store.stats()
    finally:
        store.close()
    problems = []
    if stats["executions_created"] != len(state["created"]):
        problems.append(
            f"database holds {stats['executions_created']} executions for "
            f"{len(state['created'])} payments"
        )
    if stats["executions_launched"] != len(state["launched"]):
        problems.append(
            f"database says {stats['executions_launched']} launched for "
            f"{len(state['launched'])} launches"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs (default 3)")
    parser.add_argument(
        "--min-gap", type=float, default=0.3, help="seconds between kills, at least"
    )
    parser.add_argument("--max-gap", type=float, default=1.5, help="... and at most")
    parser.add_argument("--state-dir", help="default: a fresh temporary dir")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"{summary['kills']} SIGKILLs; {summary['payments_created']} payments created, "
            f"{summary['payments_launched']} launched; retries {summary['retries']}"
        )
        if summary["problems"]:
            print("PROBLEMS:\n  " + "\n  ".join(summary["problems"]))
        else:
            print(
                f"restarts survived: {summary['restarts_survived']} - nothing lost, nothing twice"
            )
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
