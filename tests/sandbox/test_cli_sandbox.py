"""`payflow sandbox` usage errors: one clear line on stderr, exit 2 (1 when the port is
taken), never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from payflow.cli import main


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--api-key", "k"], "together"),
        (["--api-key", "k", "--public-key", "/no/such/file.pem"], "cannot read --public-key"),
        (["--fail-rate", "2"], "fail_rate"),
        (["--port", "70000"], "--port"),
        (["--transition-delay", "-1"], "must not be negative"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    assert main(["sandbox", *argv]) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_public_key_that_is_not_a_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pem = tmp_path / "key.pem"
    pem.write_text("not a key")
    assert main(["sandbox", "--api-key", "k", "--public-key", str(pem)]) == 2
    assert "PEM" in capsys.readouterr().err


def test_port_in_use_exits_1_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "payflow", "sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PAYFLOW_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
            check=False,
        )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr
    assert "Traceback" not in result.stderr
