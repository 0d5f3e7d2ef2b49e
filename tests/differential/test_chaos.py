"""scripts/chaos_sandbox.py as a test: the `payflow sandbox` process is SIGKILLed at random
points while a client creates and launches payments with fixed Idempotency-Keys; after every
restart on the same state dir nothing acknowledged is lost and nothing is executed twice (the
script checks GETs, balances against outputs and the database counts; exit 1 otherwise)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "chaos_sandbox.py"


def _chaos(tmp_path: Path, *args: str, timeout: float) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--json", "--state-dir", str(tmp_path / "state"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PAYFLOW_HOME": str(tmp_path / "home")},
    )
    assert "Traceback" not in result.stderr, result.stderr
    summary = json.loads(result.stdout)
    assert result.returncode == 0, summary["problems"]
    assert summary["problems"] == []
    return summary


def test_sigkill_restarts_lose_nothing_and_do_nothing_twice(tmp_path: Path) -> None:
    summary = _chaos(tmp_path, "--kills", "3", timeout=300)
    assert summary["restarts_survived"] == 3
    assert summary["payments_launched"] > 0
    assert summary["retries"].get("APIConnectionError", 0) > 0, "no request met a dead server"


@pytest.mark.slow
def test_many_sigkills(tmp_path: Path) -> None:
    summary = _chaos(
        tmp_path, "--kills", "30", "--min-gap", "0.05", "--max-gap", "0.8", timeout=1800
    )
    assert summary["restarts_survived"] == 30
