"""scripts/generate: deterministic, checked in, and --check catches a stale tree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from payflow.codegen.options import DATAMODEL_CODEGEN_OPTIONS
from tests.conftest import ROOT

GENERATE = ROOT / "scripts" / "generate"


def run_generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "generate"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def checkout_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("repo")
    for folder in ("schemas", "generated", "scripts", "payflow"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_check_passes_on_the_checked_in_tree() -> None:
    result = run_generate(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_check_fails_after_a_schema_edit(checkout_copy: Path) -> None:
    path = checkout_copy / "schemas" / "common.schema.json"
    schema = json.loads(path.read_text())
    schema["$defs"]["AccountType"]["enum"].append("CUSTODY_ACCOUNT")
    path.write_text(json.dumps(schema, indent=2))
    result = run_generate(checkout_copy, "--check")
    assert result.returncode == 1
    assert "generated/models/common_schema.py" in result.stdout
    assert "stale" in result.stdout
    # Regenerating brings the copy back in line; then --check passes again.
    assert run_generate(checkout_copy).returncode == 0
    assert "CUSTODY_ACCOUNT" in (checkout_copy / "generated/models/common_schema.py").read_text()
    assert run_generate(checkout_copy, "--check").returncode == 0


def test_check_fails_on_a_hand_edit_and_an_extra_file(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for folder in ("schemas", "generated", "scripts", "payflow"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "generated" / "models" / "error_response_schema.py"
    target.write_text(target.read_text() + "\n# edited by hand\n")
    (copy / "generated" / "models" / "stray.py").write_text("")
    result = run_generate(copy, "--check")
    assert result.returncode == 1
    assert "changed   generated/models/error_response_schema.py (+0 -2)" in result.stdout
    assert "extra     generated/models/stray.py" in result.stdout


def test_generation_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("payflow_generate", str(GENERATE))
    spec = importlib.util.spec_from_loader("payflow_generate", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    first, second = tmp_path / "a", tmp_path / "b"
    module.build(first)
    module.build(second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert not any(b"generated on" in (first / rel).read_bytes().lower() for rel in files)


def test_pyproject_pins_the_same_options_the_code_passes() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["datamodel-codegen"] == DATAMODEL_CODEGEN_OPTIONS
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("datamodel-code-gen")]
    assert pins and "==" in pins[0], "the generator version must be pinned exactly"
