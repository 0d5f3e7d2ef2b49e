"""`payflow demo`, the README's main job: the whole flow against the embedded sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAYFLOW_HOME": str(tmp_path / "home")}
    for name in (
        "FIREBLOCKS_API_KEY",
        "FIREBLOCKS_SECRET_KEY",
        "FIREBLOCKS_BASE_URL",
        "FIREBLOCKS_BASE_PATH",
    ):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "payflow", "demo", "--transition-delay", "0.02", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_demo_completes_the_flow(tmp_path: Path) -> None:
    result = run_demo(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    # The linter stopped the bad request before anything was sent...
    assert "PF202" in out and "refused by the client before sending" in out
    # ...then the flow went through every stage to completion.
    for stage in ("READY_FOR_EXECUTION", "READY_FOR_LAUNCH", "EXECUTION_COMPLETED"):
        assert stage in out, stage
    assert "paid out" in out and "in 3 payments" in out
    assert "Traceback" not in result.stderr
    # Not a terminal: plain progress lines, no spinner control sequences.
    assert "\x1b[" not in out
    # The dev credentials stay out of the output.
    assert "BEGIN" not in out and "PRIVATE KEY" not in out


def test_demo_against_an_unreachable_api_fails_cleanly(tmp_path: Path) -> None:
    env_home = tmp_path / "home"
    env_home.mkdir()
    result = run_demo(tmp_path, "--base-url", "http://127.0.0.1:9/v1")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("delay", ["-1"])
def test_demo_rejects_a_negative_delay(tmp_path: Path, delay: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "payflow", "demo", "--transition-delay", delay],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
