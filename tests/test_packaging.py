"""A normal wheel installs everything under the `payflow` namespace, schemas included."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (path,) = out.glob("payflow-*.whl")
    return path


def test_wheel_has_one_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.startswith("payflow-")}
    assert top == {"payflow"}, top


def test_wheel_carries_schemas_generated_and_validator(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "payflow/schemas/common.schema.json",
        "payflow/schemas/lifecycle.json",
        "payflow/schemas/openapi.yaml",
        "payflow/generated/models/common_schema.py",
        "payflow/py.typed",
    ):
        assert required in names
    assert any(n.startswith("payflow/validator/") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "payflow = payflow.cli:main" in entry_points


def test_installed_wheel_imports_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    code = (
        "import payflow.schemas as s, payflow.generated.models.common_schema as m;"
        f"assert s.SCHEMA_DIR.is_relative_to(r'{target}');"
        "print(s.lifecycle().workflow_execution.launchable, m.AccountType.VAULT_ACCOUNT.value)"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, r'{target}'); {code}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["READY_FOR_LAUNCH", "VAULT_ACCOUNT"]
