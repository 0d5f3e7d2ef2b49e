from __future__ import annotations

import json
from collections.abc import Sequence

from payflow.validator.files import FileReport
from payflow.validator.reporters.base import Reporter, Totals

import payflow


class JsonReporter(Reporter):
    """One JSON document: every finding with code, severity, message, pointer, line, column,
    file and hint; a line per file; totals. Its schema is ``lint-output.schema.json``."""

    name = "json"
    description = "one JSON document (schema: payflow/validator/reporters/lint-output.schema.json)"

    def report(self, reports: Sequence[FileReport]) -> None:
        totals = Totals(reports)
        files = []
        for r in reports:
            entry: dict = {"file": r.file}
            if r.unreadable:
                entry["unreadable"] = r.unreadable
            else:
                assert r.result is not None
                entry.update(
                    schemaVersion=r.result.schema_version,
                    schemaVersionDetected=r.result.detected,
                    records=r.records,
                    errors=r.result.errors,
                    findings=len(r.result.findings),
                )
            files.append(entry)
        document = {
            "tool": "payflow lint",
            "version": payflow.__version__,
            "findings": [f.to_dict() for f in totals.findings],
            "files": files,
            "summary": {
                "files": totals.files,
                "errors": totals.errors,
                "warnings": totals.warnings,
                "infos": totals.infos,
                "unreadable": totals.unreadable,
            },
        }
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
