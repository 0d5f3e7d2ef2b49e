#!/usr/bin/env python3
"""Load and exactly-once check for the payflow sandbox.

    scripts/load_sandbox.py                          8 clients, 10 s, in-process sandbox
    scripts/load_sandbox.py --faults --duration 30   with latency, random 500/503, 429s and
                                                     lost responses (X-Sandbox-Fault ...;after)
    scripts/load_sandbox.py --base-url http://127.0.0.1:8088/v1   a running `payflow sandbox`
                                                     (credentials: FIREBLOCKS_* or its devcreds)

N concurrent clients (threads, one payflow.client.Client each) repeat one *logical payment*
for the given duration: create an execution of a one-operation configuration (USD -> USDC at
exchange-main, 1.00 each), poll it to READY_FOR_LAUNCH, launch it. Each logical step has one
fixed Idempotency-Key; when a step fails (after the client's own retries) it is repeated with
the same key until it is acknowledged, so every payment the script starts ends exactly once.

It prints throughput, p50/p99 latency per call and error counts, then checks:
* every logical payment got exactly one execution id (replays return the same object);
* the sandbox created and launched exactly as many executions as logical payments were
  created and launched (sandbox stats, in-process; or GETs of every id with --base-url);
* every launched execution completed, and (in process) moved money exactly once (three
  ledger legs each).
Exit status 1 on any mismatch, 0 otherwise. ``--json`` prints the summary as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout even before `pip install -e .`

import httpx  # noqa: E402
from payflow.schemas import lifecycle  # noqa: E402

from payflow.client import Client, errors  # noqa: E402

# Statuses come from the lifecycle data, never spelled out here.
EXECUTION = lifecycle().workflow_execution
(COMPLETED,) = EXECUTION.final - EXECUTION.failed

CONFIGURATION = {
    "configName": "load-usd-to-usdc",
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
LEGS_PER_PAYMENT = 3  # a conversion: debit, credit, fee
TRANSIENT = (errors.APIConnectionError, errors.RateLimitError, errors.InternalServerError)
LOST_RESPONSE = "503;after"  # the sandbox acts, then "loses" the answer
MAX_STEP_SECONDS = 120.0


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # payment -> ids
    created: list[str] = field(default_factory=list)  # payments whose create was acknowledged
    launched: dict[str, str] = field(default_factory=dict)  # payment -> execution id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, other: Tally) -> None:
        with self.lock:
            for op, values in other.latencies.items():
                self.latencies[op].extend(values)
            self.errors.update(other.errors)
            for payment, ids in other.ids.items():
                self.ids[payment] |= ids
            self.created.extend(other.created)
            self.launched.update(other.launched)


def _step(tally: Tally, op: str, call: Any, rng: random.Random, lose: float) -> Any:
    """Run ``call(extra_headers)`` until acknowledged; transient failures repeat it (the
    caller's Idempotency-Key is fixed). Some first attempts ask the sandbox to lose its
    answer after acting."""
    deadline = time.monotonic() + MAX_STEP_SECONDS
    attempt = 0
    while True:
        headers = {"X-Sandbox-Fault": LOST_RESPONSE} if attempt == 0 and rng.random() < lose else {}
        started = time.perf_counter()
        try:
            result = call(headers)
        except TRANSIENT as exc:
            tally.latencies[op].append(time.perf_counter() - started)
            tally.errors[f"{op}: {type(exc).__name__}"] += 1
            attempt += 1
            if time.monotonic() > deadline:
                raise
            time.sleep(min(0.05 * attempt, 1.0))
            continue
        tally.latencies[op].append(time.perf_counter() - started)
        return result


def _poll_ready(client: Client, tally: Tally, execution_id: str) -> str:
    deadline = time.monotonic() + MAX_STEP_SECONDS
    while True:
        started = time.perf_counter()
        try:
            status = str(client.get_flow_execution(execution_id).status)
        except TRANSIENT as exc:
            tally.errors[f"get: {type(exc).__name__}"] += 1
            status = "?"
        tally.latencies["get"].append(time.perf_counter() - started)
        if EXECUTION.is_settled(status):
            return status
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution {execution_id} still {status}")
        time.sleep(0.01)


def _worker(index: int, args: argparse.Namespace, config_id: str, stop_at: float, run: str,
            total: Tally) -> None:  # fmt: skip
    rng = random.Random(f"{args.seed}-{index}")
    tally = Tally()
    lose = args.lost_responses if args.faults else 0.0
    with _client(args) as client:
        number = 0
        while time.monotonic() < stop_at:
            payment = f"{run}-{index}-{number}"
            number += 1
            body = {
                "configId": config_id,
                "params": [
                    {"configOperationId": args.operation_id, "executionParams": {"amount": "1.00"}}
                ],
            }
            created = _step(
                tally,
                "create",
                lambda h, body=body, payment=payment: client.create_flow_execution(
                    body, idempotency_key=f"{payment}:create", extra_headers=h
                ),
                rng,
                lose,
            )
            execution_id = str(created.executionId)
            tally.ids[payment].add(execution_id)
            tally.created.append(payment)
            if _poll_ready(client, tally, execution_id) != EXECUTION.launchable:
                tally.errors[f"execution did not reach {EXECUTION.launchable}"] += 1
                continue
            launched = _step(
                tally,
                "launch",
                lambda h, eid=execution_id, payment=payment: client.launch_flow_execution(
                    eid, idempotency_key=f"{payment}:launch", extra_headers=h
                ),
                rng,
                lose,
            )
            tally.ids[payment].add(str(launched.executionId))
            tally.launched[payment] = execution_id
    total.add(tally)


class CountingTransport(httpx.HTTPTransport):
    """Counts every HTTP answer by status, retried attempts included (the client's retries
    are otherwise invisible to the caller)."""

    statuses: ClassVar[Counter[int]] = Counter()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        with self._lock:
            self.statuses[response.status_code] += 1
        return response


def _client(args: argparse.Namespace) -> Client:
    return Client(
        base_url=args.base_url,
        api_key=args.api_key,
        private_key=args.private_key,
        max_retries=args.max_retries,
        timeout=30.0,
        transport=CountingTransport(),
    )


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _wait_final(client: Client, ids: list[str]) -> Counter[str]:
    statuses: Counter[str] = Counter()
    for execution_id in ids:
        deadline = time.monotonic() + MAX_STEP_SECONDS
        while True:
            try:
                status = str(client.get_flow_execution(execution_id).status)
            except TRANSIENT:
                status = "?"
            if EXECUTION.is_final(status):
                statuses[status] += 1
                break
            if time.monotonic() > deadline:
                statuses[f"stuck in {status}"] += 1
                break
            time.sleep(0.01)
    return statuses


def run(args: argparse.Namespace) -> dict[str, Any]:
    sandbox = None
    if args.base_url is None:
        from payflow.sandbox import SandboxSettings, start

        settings = SandboxSettings(
            transition_delay=args.transition_delay,
            latency_ms=args.latency_ms if args.faults else 0,
            fail_rate=args.fail_rate if args.faults else 0.0,
            rate_limit=args.rate_limit if args.faults else None,
            seed=args.seed,
        )
        sandbox = start(settings)
        args.base_url = sandbox.base_url
        assert sandbox.credentials is not None
        args.api_key = sandbox.credentials.api_key
        args.private_key = Path(sandbox.credentials.private_key_path).read_bytes()
    try:
        with _client(args) as client:
            config = _step(
                Tally(),
                "config",
                lambda h: client.create_flow_configuration(
                    CONFIGURATION, idempotency_key=f"load-config-{uuid.uuid4()}", extra_headers=h
                ),
                random.Random(args.seed),
                0.0,
            )
            config = client.wait_for_configuration(config.configId)
            args.operation_id = str(config.configOperations[0].operationId)
            before = sandbox.stats() if sandbox is not None else None
            total = Tally()
            run_id = f"load-{uuid.uuid4().hex[:8]}"
            started = time.monotonic()
            stop_at = started + args.duration
            threads = [
                threading.Thread(
                    target=_worker, args=(i, args, str(config.configId), stop_at, run_id, total)
                )
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            final = _wait_final(client, list(total.launched.values()))
            after = sandbox.stats() if sandbox is not None else None
            ledger_legs = (
                sum(len(sandbox.ledger(eid)) for eid in total.launched.values())
                if sandbox is not None
                else None
            )
    finally:
        if sandbox is not None:
            sandbox.stop()

    calls = sum(len(v) for v in total.latencies.values())
    problems: list[str] = []
    multi = {p: ids for p, ids in total.ids.items() if len(ids) != 1}
    if multi:
        problems.append(f"{len(multi)} logical payments got more than one execution id")
    if before is not None and after is not None:
        created = after["executions_created"] - before["executions_created"]
        launched = after["executions_launched"] - before["executions_launched"]
        if created != len(total.created):
            problems.append(
                f"sandbox created {created} executions for {len(total.created)} payments"
            )
        if launched != len(total.launched):
            problems.append(
                f"sandbox launched {launched} executions for {len(total.launched)} launches"
            )
    else:
        created = launched = None
    if final.get(COMPLETED, 0) != len(total.launched):
        problems.append(f"launched executions did not all complete: {dict(final)}")
    if ledger_legs is not None and ledger_legs != LEGS_PER_PAYMENT * len(total.launched):
        problems.append(
            f"{ledger_legs} ledger legs for {len(total.launched)} payments "
            f"(expected {LEGS_PER_PAYMENT} each)"
        )
    return {
        "clients": args.clients,
        "duration_s": round(elapsed, 2),
        "faults": bool(args.faults),
        "payments_created": len(total.created),
        "payments_launched": len(total.launched),
        "payments_per_s": round(len(total.launched) / elapsed, 2) if elapsed else 0.0,
        "api_calls": calls,
        "api_calls_per_s": round(calls / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            op: {
                "p50": round(1000 * _percentile(values, 0.50), 1),
                "p99": round(1000 * _percentile(values, 0.99), 1),
                "n": len(values),
            }
            for op, values in sorted(total.latencies.items())
        },
        "errors": dict(sorted(total.errors.items())),
        "http_statuses": {str(k): v for k, v in sorted(CountingTransport.statuses.items())},
        "sandbox_executions_created": created,
        "sandbox_executions_launched": launched,
        "final_statuses": dict(final),
        "ledger_legs": ledger_legs,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running sandbox (default: start one in process)")
    parser.add_argument("--api-key", help="with --base-url (default: FIREBLOCKS_* or devcreds)")
    parser.add_argument("--private-key", help="PEM file path, with --base-url")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--faults", action="store_true", help="latency, 500/503, 429, lost answers")
    parser.add_argument("--latency-ms", type=int, default=5)
    parser.add_argument("--fail-rate", type=float, default=0.05)
    parser.add_argument("--rate-limit", type=float, default=40.0, help="requests/s per key")
    parser.add_argument("--lost-responses", type=float, default=0.05, help="share of steps")
    parser.add_argument("--max-retries", type=int, default=4, help="the client's own retries")
    parser.add_argument("--transition-delay", type=float, default=0.005)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if args.private_key and not args.base_url:
        parser.error("--private-key only goes with --base-url")
    if args.private_key:
        args.private_key = Path(args.private_key).read_bytes()
    summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print(summary)
    return 1 if summary["problems"] else 0


def _print(s: dict[str, Any]) -> None:
    print(
        f"{s['clients']} clients, {s['duration_s']} s, faults {'on' if s['faults'] else 'off'}: "
        f"{s['payments_launched']} payments ({s['payments_per_s']}/s), "
        f"{s['api_calls']} API calls ({s['api_calls_per_s']}/s)"
    )
    for op, lat in s["latency_ms"].items():
        print(f"  {op:7} p50 {lat['p50']:8.1f} ms   p99 {lat['p99']:8.1f} ms   n={lat['n']}")
    print(f"  HTTP answers by status (retries included): {s['http_statuses']}")
    print(f"  errors left after the client's retries: {s['errors'] or 'none'}")
    print(
        f"  sandbox: {s['sandbox_executions_created']} created, "
        f"{s['sandbox_executions_launched']} launched; final {s['final_statuses']}; "
        f"ledger legs {s['ledger_legs']}"
    )
    print("  exactly once: " + ("OK" if not s["problems"] else "; ".join(s["problems"])))


if __name__ == "__main__":
    sys.exit(main())
