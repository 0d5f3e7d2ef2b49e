"""Atomic writes: an interrupted write leaves the original file intact and no temporary file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import BinaryIO

import pytest

from payflow.evolution.atomic import atomic_write, atomic_write_text
from payflow.evolution.upgrade import UpgradeResult

ORIGINAL = '{"configId": "c", "params": []}\n'


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "request.json"
    path.write_text(ORIGINAL, encoding="utf-8")
    path.chmod(0o640)
    return path


def test_replaces_content_and_keeps_permissions(target: Path) -> None:
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["request.json"]


def test_creates_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.json"
    atomic_write_text(path, "x")
    assert path.read_text() == "x"


@pytest.mark.parametrize("error", [RuntimeError("serializer failed"), KeyboardInterrupt()])
def test_error_mid_write_leaves_original_and_no_temp(target: Path, error: BaseException) -> None:
    def writer(handle: BinaryIO) -> None:
        handle.write(b'{"configId": "half')  # half of the new document is on disk...
        raise error  # ...when the serializer dies

    with pytest.raises(type(error)):
        atomic_write(target, writer)
    assert target.read_text() == ORIGINAL
    assert sorted(p.name for p in target.parent.iterdir()) == ["request.json"]


def test_serializer_failure_in_upgrade_result(target: Path) -> None:
    result = UpgradeResult({"amount": object()}, "v1", "v2")  # not JSON-serialisable
    with pytest.raises(TypeError):
        atomic_write(target, lambda handle: handle.write(result.text.encode()))
    assert target.read_text() == ORIGINAL
    assert sorted(p.name for p in target.parent.iterdir()) == ["request.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_process_killed_mid_write_never_leaves_a_half_written_target(target: Path) -> None:
    """A writer killed (SIGKILL: no cleanup possible) after writing half of the new content:
    the target still holds the complete old content; only a hidden temp file may remain."""
    script = textwrap.dedent(
        f"""
        import sys
        from payflow.evolution.atomic import atomic_write

        def writer(handle):
            handle.write(b'{{"configId": "half')
            handle.flush()
            print("half written", flush=True)
            sys.stdin.readline()  # wait here until killed
            handle.write(b'"}}')

        atomic_write({str(target)!r}, writer)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "half written"
        temps = [p for p in target.parent.iterdir() if p.name != "request.json"]
        assert len(temps) == 1 and temps[0].name.startswith(".request.json.")
        assert temps[0].read_bytes() == b'{"configId": "half'  # the half is in the temp file
        assert target.read_text() == ORIGINAL
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text() == ORIGINAL
    leftovers = [p.name for p in target.parent.iterdir() if p.name != "request.json"]
    assert all(n.startswith(".request.json.") and n.endswith(".tmp") for n in leftovers)
