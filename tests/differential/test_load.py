"""scripts/load_sandbox.py as a test: concurrent clients under injected faults (latency,
500/503, 429, answers lost after the sandbox acted) and every logical payment ends exactly once.
The script's own checks decide (exit 1 on any mismatch); the test also makes sure faults really
happened, so a run without them cannot pass for one with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load_sandbox.py"


def _load(tmp_path: Path, *args: str, timeout: float) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PAYFLOW_HOME": str(tmp_path)},
    )
    assert "Traceback" not in result.stderr, result.stderr
    summary = json.loads(result.stdout)
    assert result.returncode == 0, summary["problems"]
    assert summary["problems"] == []
    return summary


def test_load_with_faults_every_payment_once(tmp_path: Path) -> None:
    summary = _load(tmp_path, "--faults", "--duration", "5", "--clients", "6", timeout=180)
    assert summary["payments_launched"] > 0
    assert summary["sandbox_executions_launched"] == summary["payments_launched"]
    statuses = summary["http_statuses"]
    assert {"429", "503"} & set(statuses), f"no fault was injected: {statuses}"


@pytest.mark.slow
def test_load_long_run_with_faults(tmp_path: Path) -> None:
    summary = _load(tmp_path, "--faults", "--duration", "60", timeout=900)
    assert summary["payments_launched"] > 0
