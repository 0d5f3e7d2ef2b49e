"""The `payflow` command itself: help, version, usage errors, every listed command present."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from payflow.cli import COMMAND_MODULES, build_parser, main


def test_every_listed_command_module_exists_and_registers() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        assert callable(module.register), name
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for expected in ("demo", "lint", "rule", "config", "execution", "sandbox", "codegen", "schema"):
        assert expected in commands, expected


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_unknown_command_exits_2_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "payflow", "frobnicate"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "payflow", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("payflow ")
