"""Shared helpers of the validator tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from payflow.validator import Limits, check
from payflow.validator.findings import Finding
from payflow.validator.schema_check import schema_findings

from tests.conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONFIG = ROOT / "examples" / "configuration.json"
CONFIG_ID = "3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93"
CONVERSION_OP = "7bf16b28-6cd6-403f-af60-045c4b68a767"
DISBURSEMENT_OP = "1cbf5105-b462-4c0b-83ca-d805251835e9"


def request(**execution: Any) -> dict[str, Any]:
    """A minimal valid request (valid in v1 and v2); ``execution`` replaces executionParams."""
    return {
        "configId": CONFIG_ID,
        "params": [
            {"configOperationId": CONVERSION_OP, "executionParams": execution or {"amount": "100"}}
        ],
    }


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def run_fixture(code: str, kind: str) -> list[Finding]:
    """Lint ``fixtures/<code>/<kind>.*`` as its meta.json says."""
    folder = FIXTURES / code
    path = next(folder.glob(f"{kind}.*"))
    meta = json.loads((folder / "meta.json").read_text()) if (folder / "meta.json").exists() else {}
    config = folder / ("good-config.json" if kind == "good" else "config.json")
    if not config.exists():
        config = folder / "config.json"
    data = path.read_bytes()
    if meta.get("layer") == "schema":  # a generic code that a rule replaces in the engine
        from payflow.validator import detect_schema_version
        from payflow.validator.parse import parse

        document = parse(data).document
        version = meta.get("schema_version") or detect_schema_version(document)
        name = f"workflow-execution-request.{version}.schema.json"
        return schema_findings(document, name, version)
    limits = Limits(max_bytes=meta["max_bytes"]) if "max_bytes" in meta else Limits()
    return check(
        data,
        schema_version=meta.get("schema_version", "auto"),
        config=config if config.exists() else None,
        source=str(path),
        limits=limits,
    ).findings
