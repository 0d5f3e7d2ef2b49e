"""The one reporter interface every output format implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TextIO

from payflow.validator.files import FileReport
from payflow.validator.findings import Finding, Severity

__all__ = ["Reporter", "Totals"]


class Totals:
    def __init__(self, reports: Sequence[FileReport]) -> None:
        self.files = len(reports)
        self.findings: list[Finding] = [f for r in reports if r.result for f in r.result.findings]
        self.errors = sum(1 for f in self.findings if f.severity == Severity.ERROR)
        self.warnings = sum(1 for f in self.findings if f.severity == Severity.WARNING)
        self.infos = sum(1 for f in self.findings if f.severity == Severity.INFO)
        self.unreadable = sum(1 for r in reports if r.unreadable)
        self.failed_files = sum(1 for r in reports if r.result and r.result.errors)


class Reporter:
    """Writes the findings of a whole run to ``stream`` in one format."""

    name: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, stream: TextIO, *, color: bool = False) -> None:
        self.stream = stream
        self.color = color

    def report(self, reports: Sequence[FileReport]) -> None:
        raise NotImplementedError
