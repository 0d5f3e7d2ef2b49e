from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath

from payflow.validator.files import STDIN, FileReport
from payflow.validator.findings import Severity
from payflow.validator.registry import ALL, RULES
from payflow.validator.reporters.base import Reporter, Totals

import payflow

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str | None) -> str:
    if not file or file == STDIN:
        return "stdin"
    return PurePath(file).as_posix()


def _rule_entry(rule) -> dict:
    doc = rule.doc()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.sections.get("What it does", doc.summary).strip()},
        "help": {"text": doc.render(), "markdown": doc.render()},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["payflow", rule.layer]},
    }


class SarifReporter(Reporter):
    """SARIF 2.1.0, as GitHub code scanning accepts it; rules sorted by code."""

    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning)"

    def report(self, reports: Sequence[FileReport]) -> None:
        import hashlib

        rules = sorted(ALL, key=lambda r: r.code)
        index = {rule.code: i for i, rule in enumerate(rules)}
        results = []
        for f in Totals(reports).findings:
            region: dict = {"startLine": f.line or 1}
            if f.column is not None:
                region["startColumn"] = f.column
            text = f.message + (f"\nhint: {f.hint}" if f.hint else "")
            if f.pointer:
                text += f"\nat {f.pointer}"
            fingerprint = hashlib.sha256(
                f"{f.code}\0{_uri(f.file)}\0{f.pointer}\0{f.message}".encode()
            ).hexdigest()
            results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": index[f.code] if f.code in RULES else -1,
                    "level": _LEVELS[Severity(f.severity)],
                    "message": {"text": text},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": _uri(f.file)},
                                "region": region,
                            },
                            "logicalLocations": [
                                {"fullyQualifiedName": f.pointer or "/", "kind": "element"}
                            ],
                        }
                    ],
                    "partialFingerprints": {"payflowFinding/v1": fingerprint},
                }
            )
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "payflow",
                            "semanticVersion": payflow.__version__,
                            "version": payflow.__version__,
                            "rules": [_rule_entry(rule) for rule in rules],
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                }
            ],
        }
        json.dump(log, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
