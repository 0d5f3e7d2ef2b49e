"""The code base stays ruff clean (lint and format), as the house rules require."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run(
        [*cmd, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture(scope="module", autouse=True)
def _ruff_available() -> None:
    if _ruff("--version").returncode != 0:
        pytest.fail("ruff is not installed: it is part of the dev extra")


def test_ruff_check() -> None:
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_format() -> None:
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-4000:]
