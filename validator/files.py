"""Linting files: one document per file, or JSON Lines (one request per line)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from payflow.validator.engine import LintResult, check
from payflow.validator.findings import Finding
from payflow.validator.parse import DEFAULT_LIMITS, Limits

__all__ = ["STDIN", "FileReport", "LintOptions", "lint_bytes", "lint_path"]

#: How standard input is named in findings and reports.
STDIN = "<stdin>"


@dataclass(frozen=True)
class LintOptions:
    schema_version: str = "auto"
    config: Any = None  # a loaded Configuration (picklable) or None
    jsonl: bool = False
    limits: Limits = DEFAULT_LIMITS


@dataclass
class FileReport:
    """The outcome for one input: a result, or why it could not be read (exit status 2)."""

    file: str
    result: LintResult | None = None
    unreadable: str | None = None
    #: JSON Lines: how many requests the file held.
    records: int = 1
    versions: list[str] = field(default_factory=list)


def lint_bytes(data: bytes, name: str, options: LintOptions) -> FileReport:
    if options.jsonl:
        return _lint_jsonl(data, name, options)
    result = check(
        data,
        schema_version=options.schema_version,  # type: ignore[arg-type]
        config=options.config,
        source=name,
        limits=options.limits,
    )
    versions = [result.schema_version] if result.schema_version else []
    return FileReport(file=name, result=result, versions=versions)


def lint_path(path: str, options: LintOptions) -> FileReport:
    """Read and lint one path (``-`` is standard input); never raises for bad input."""
    if path == "-":
        return lint_bytes(sys.stdin.buffer.read(), STDIN, options)
    try:
        file = Path(path)
        if file.is_dir():
            return FileReport(file=path, unreadable="is a directory")
        size = file.stat().st_size
        if size > options.limits.max_bytes and not options.jsonl:
            return _too_large(path, size, options.limits.max_bytes)
        data = file.read_bytes()
    except OSError as exc:
        return FileReport(file=path, unreadable=exc.strerror or str(exc))
    return lint_bytes(data, path, options)


def _too_large(path: str, size: int, limit: int) -> FileReport:
    """Refuse without reading the file at all."""
    from payflow.validator.rules.parse_codes import FileTooLarge

    finding = FileTooLarge.finding(
        f"the document is {size:,} bytes; the limit is {limit:,}",
        hint="split the request, or raise the limit with --max-bytes",
    ).in_file(path)
    return FileReport(file=path, result=LintResult(findings=[finding]))


def _lint_jsonl(data: bytes, name: str, options: LintOptions) -> FileReport:
    findings: list[Finding] = []
    versions: list[str] = []
    records = 0
    detected = options.schema_version == "auto"
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        records += 1
        result = check(
            line,
            schema_version=options.schema_version,  # type: ignore[arg-type]
            config=options.config,
            source=name,
            limits=options.limits,
        )
        if result.schema_version and result.schema_version not in versions:
            versions.append(result.schema_version)
        for f in result.findings:
            findings.append(f.at(number, f.column))
    text = data.decode("utf-8", "replace")
    summary = LintResult(
        findings=findings,
        schema_version="+".join(sorted(versions)) or None,
        detected=detected,
        text=text,
    )
    return FileReport(file=name, result=summary, records=records, versions=sorted(versions))
