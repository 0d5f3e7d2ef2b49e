from __future__ import annotations

from collections.abc import Sequence

from payflow.validator.files import FileReport
from payflow.validator.findings import Severity
from payflow.validator.registry import RULES
from payflow.validator.reporters.base import Reporter, Totals

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""

    name = "github"
    description = "GitHub Actions annotations"

    def report(self, reports: Sequence[FileReport]) -> None:
        for f in Totals(reports).findings:
            props = [f"file={_prop(f.file or '')}"]
            if f.line is not None:
                props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
            rule = RULES.get(f.code)
            props.append(f"title={_prop(f.code + (' ' + rule.name if rule else ''))}")
            message = f.message
            if f.pointer:
                message += f" (at {f.pointer})"
            if f.hint:
                message += f"\nhint: {f.hint}"
            command = _COMMANDS[Severity(f.severity)]
            self.stream.write(f"::{command} {','.join(props)}::{_data(message)}\n")
