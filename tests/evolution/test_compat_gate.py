"""scripts/check_schema_compat: the real repository passes; a breaking edit fails until a
version bump and a CHANGELOG entry announce it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GATE = ROOT / "scripts" / "check_schema_compat"


def run_gate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GATE), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_real_repository_passes() -> None:
    result = run_gate(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema compatibility: OK" in result.stdout


def test_snapshot_matches_pyproject_version() -> None:
    snapshot = (ROOT / "compat" / "released" / "VERSION").read_text().strip()
    pyproject = (ROOT / "pyproject.toml").read_text()
    current = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)[1]
    assert tuple(map(int, current.split("."))) >= tuple(map(int, snapshot.split(".")))
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{snapshot}]" in changelog


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("schemas", "compat"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.py*", "__pycache__")
        )
    for name in ("pyproject.toml", "CHANGELOG.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=2))


def _set_version(repo: Path, version: str) -> None:
    path = repo / "pyproject.toml"
    text = re.sub(r'^version = "[^"]+"', f'version = "{version}"', path.read_text(), flags=re.M)
    path.write_text(text)


def test_breaking_edit_fails_until_announced(repo: Path) -> None:
    common = repo / "schemas" / "common.schema.json"
    _edit_json(common, lambda d: d["$defs"]["AccountType"]["enum"].remove("FIAT_ACCOUNT"))

    failed = run_gate(repo)
    assert failed.returncode == 1
    assert "request-enum-value-removed" in failed.stdout
    assert 'enum value "FIAT_ACCOUNT" removed' in failed.stdout
    assert "schemas/common.schema.json:" in failed.stdout  # with the line of the change
    message = failed.stderr.strip()
    assert "breaking change(s) since released 0.1.0 are not announced" in message
    assert "bump [project].version in pyproject.toml past 0.1.0" in message
    assert "CHANGELOG.md" in message

    _set_version(repo, "0.2.0")
    still = run_gate(repo)
    assert still.returncode == 1
    assert "add a '## [0.2.0]' entry to CHANGELOG.md" in still.stderr
    assert "bump" not in still.stderr

    changelog = repo / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "## [Unreleased]\n",
            "## [Unreleased]\n\n## [0.2.0] - 2027-01-01\n\n### Removed\n\n- FIAT_ACCOUNT.\n",
        )
    )
    announced = run_gate(repo)
    assert announced.returncode == 0, announced.stderr
    assert "announced by version 0.2.0" in announced.stdout


def test_changelog_alone_does_not_announce(repo: Path) -> None:
    _edit_json(
        repo / "schemas" / "workflow-execution-request.v2.schema.json",
        lambda d: d["required"].append("preScreening"),
    )
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + "\n## [0.1.0]\n")
    result = run_gate(repo)
    assert result.returncode == 1
    assert "request-property-became-required" in result.stdout


def test_compatible_edit_passes_and_snapshot_update(repo: Path) -> None:
    _edit_json(
        repo / "schemas" / "common.schema.json",
        lambda d: d["$defs"]["AccountType"]["enum"].append("INTERNAL_WALLET"),
    )
    result = run_gate(repo)
    # a new enum value: fine for requests, a warning for readers of responses
    assert result.returncode == 0, result.stderr
    assert "response-enum-value-added" in result.stdout
    assert run_gate(repo, "--update-snapshot").returncode == 0
    assert (repo / "compat" / "released" / "VERSION").read_text().strip() == "0.1.0"
    clean = run_gate(repo)
    assert clean.returncode == 0 and "no changes" in clean.stdout


def test_missing_snapshot_is_a_usage_error(repo: Path) -> None:
    shutil.rmtree(repo / "compat")
    result = run_gate(repo)
    assert result.returncode == 2
    assert "--update-snapshot" in result.stderr and "Traceback" not in result.stderr
