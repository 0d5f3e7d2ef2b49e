#!/usr/bin/env python
"""Benchmark ``payflow lint`` against plain ``jsonschema`` (the baseline), in one run.

Prints a table of medians and ratios; nothing here is asserted (tests never time things).

1. big: a request with 5,000 disbursement instructions (~600 KB). payflow's whole lint from
   bytes (parse + schema + rules) vs the baseline's ``iter_errors`` alone on the already
   parsed document (Draft202012Validator built once, same schema, $refs via the registry).
   Target: payflow >= 20x faster.
2. many: 10,000 small valid requests in one process; requests per second, payflow from bytes
   vs the baseline's ``iter_errors`` on parsed documents (the baseline runs on a sample of
   1,000 and is scaled, so the script stays quick). Target: >= 10x.
3. process: one small file as a whole process, ``payflow lint f.json`` vs
   ``python -c "import jsonschema"``. Target: ratio <= 1.0.

Usage: python scripts/bench_lint.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "workflow-execution-request.v2.schema.json"


def big_request(n: int = 5000) -> dict:
    instructions = [
        {
            "payeeAccount": {"accountId": f"vault-payee-{i:05d}", "accountType": "VAULT_ACCOUNT"},
            "assetId": "USDC",
            "amount": f"{(i % 997) + 1}.25",
        }
        for i in range(n)
    ]
    return {
        "configId": "3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93",
        "preScreening": {"enabled": False},
        "failureHandling": {"enabled": True, "type": "REVERSE"},
        "params": [
            {
                "configOperationId": "7bf16b28-6cd6-403f-af60-045c4b68a767",
                "configOverrideParams": {"slippageBasisPoints": 50},
                "executionParams": {"amount": "1000000.00"},
            },
            {
                "configOperationId": "1cbf5105-b462-4c0b-83ca-d805251835e9",
                "configOverrideParams": {
                    "paymentAccount": {
                        "accountId": "exchange-main",
                        "accountType": "EXCHANGE_ACCOUNT",
                    },
                    "instructionSet": instructions,
                },
            },
        ],
    }


def small_requests(n: int) -> list[bytes]:
    base = json.loads((ROOT / "examples" / "execution-request.v2.docs.json").read_text())
    out = []
    for i in range(n):
        base["params"][0]["executionParams"]["amount"] = f"{i + 1}.00"
        out.append(json.dumps(base).encode())
    return out


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline_validator():
    from jsonschema import Draft202012Validator

    from payflow import schemas

    return Draft202012Validator(schemas.load(SCHEMA), registry=schemas.registry())


def bench_big(quick: bool) -> tuple[str, float, float]:
    from payflow.validator import lint

    document = big_request()
    data = json.dumps(document).encode()
    assert lint(data) == [], "the big request must be valid"
    validator = baseline_validator()
    assert not list(validator.iter_errors(document))
    ours = median_time(lambda: lint(data), 5 if quick else 20)
    base = median_time(lambda: list(validator.iter_errors(document)), 1 if quick else 5)
    label = f"big request ({len(data) // 1024} KB, 5,000 instructions): seconds"
    return label, ours, base


def bench_many(quick: bool) -> tuple[str, float, float]:
    from payflow.validator import lint

    n = 2000 if quick else 10_000
    payloads = small_requests(n)
    assert all(lint(p) == [] for p in payloads[:10])
    start = time.perf_counter()
    for p in payloads:
        lint(p)
    ours = n / (time.perf_counter() - start)
    validator = baseline_validator()
    sample = [json.loads(p) for p in payloads[: (200 if quick else 1000)]]
    start = time.perf_counter()
    for doc in sample:
        for _ in validator.iter_errors(doc):
            pass
    base = len(sample) / (time.perf_counter() - start)
    return f"{n:,} small valid requests: requests per second", ours, base


def bench_process(quick: bool) -> tuple[str, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    exe = shutil.which("payflow")
    lint_cmd = [exe] if exe else [sys.executable, "-m", "payflow"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "request.json"
        path.write_bytes(small_requests(1)[0])
        ours_cmd = [*lint_cmd, "lint", str(path)]
        base_cmd = [sys.executable, "-c", "import jsonschema"]
        for cmd in (ours_cmd, base_cmd):  # warm caches and bytecode
            subprocess.run(cmd, env=env, capture_output=True, check=False)
        ours_t, base_t = [], []
        for _ in range(5 if quick else 15):  # interleaved: the machine's noise hits both
            for cmd, bucket in ((ours_cmd, ours_t), (base_cmd, base_t)):
                start = time.perf_counter()
                result = subprocess.run(cmd, env=env, capture_output=True, check=False)
                bucket.append(time.perf_counter() - start)
                assert result.returncode == 0, result.stderr
    return (
        "one small file, whole process: seconds",
        statistics.median(ours_t),
        statistics.median(base_t),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    rows = []
    label, ours, base = bench_big(args.quick)
    rows.append((label, f"{ours * 1000:.1f} ms", f"{base * 1000:.0f} ms", base / ours, ">= 20x"))
    label, ours, base = bench_many(args.quick)
    rows.append((label, f"{ours:,.0f}/s", f"{base:,.0f}/s", ours / base, ">= 10x"))
    label, ours, base = bench_process(args.quick)
    rows.append(
        (label, f"{ours * 1000:.0f} ms", f"{base * 1000:.0f} ms", ours / base, "<= 1.0 (ratio)")
    )

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians; baseline = jsonschema")
    print()
    print("| measurement | payflow | baseline | payflow speed-up | target |")
    print("|---|---:|---:|---:|---|")
    for i, (label, ours_s, base_s, ratio, target) in enumerate(rows):
        shown = f"{ratio:.2f} (time ratio)" if i == 2 else f"{ratio:.1f}x"
        print(f"| {label} | {ours_s} | {base_s} | {shown} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
