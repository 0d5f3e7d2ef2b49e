from __future__ import annotations

from collections.abc import Sequence

from payflow.validator.files import FileReport
from payflow.validator.findings import Finding, Severity
from payflow.validator.reporters.base import Reporter, Totals

_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_WINDOW = 80  # characters of a long source line shown around the caret


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """A window of ``line`` around ``column`` (minified JSON has very long lines)."""
    line = line.rstrip("\r").expandtabs(1)
    if len(line) <= _WINDOW:
        return line, column
    start = max(0, column - 1 - _WINDOW // 2)
    piece = line[start : start + _WINDOW]
    prefix = "…" if start else ""
    suffix = "…" if start + _WINDOW < len(line) else ""
    return prefix + piece + suffix, column - start + len(prefix)


class TextReporter(Reporter):
    """file:line:col, code, message, and the source line with a caret."""

    name = "text"
    description = "for people: location, code, message, source line and caret"

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def report(self, reports: Sequence[FileReport]) -> None:
        out = self.stream
        for report in reports:
            if report.unreadable:
                continue  # said on stderr by the CLI
            result = report.result
            assert result is not None
            lines = result.text.split("\n") if result.text is not None else None
            for f in result.findings:
                self._finding(f, lines)
            how = "auto-detected" if result.detected else "as requested"
            shape = f"{result.schema_version}, {how}" if result.schema_version else "not parsed"
            if report.records != 1:
                shape += f", {report.records} requests"
            errors = result.errors
            others = len(result.findings) - errors
            if errors:
                status = self._c(_COLORS[Severity.ERROR], f"{errors} error(s)")
            else:
                status = self._c("\033[32m", "ok")
            if others:
                status += f", {others} warning(s)/info"
            out.write(f"{report.file}: {status} (schema {shape})\n")
        totals = Totals(reports)
        checked = totals.files - totals.unreadable
        if totals.errors:
            out.write(
                f"Found {totals.errors} error(s) in {totals.failed_files} of {checked} file(s).\n"
            )
        elif checked:
            out.write(f"All {checked} file(s) passed.\n")

    def _finding(self, f: Finding, lines: list[str] | None) -> None:
        out = self.stream
        where = f.file or "<input>"
        if f.line is not None:
            where += f":{f.line}:{f.column}" if f.column is not None else f":{f.line}"
        severity = self._c(_COLORS[Severity(f.severity)], str(f.severity))
        code = self._c(_BOLD, f.code)
        pointer = f" (at {f.pointer})" if f.pointer else ""
        out.write(f"{where}: {code} {severity}: {f.message}{pointer}\n")
        if lines is not None and f.line is not None and 0 < f.line <= len(lines):
            text, col = _excerpt(lines[f.line - 1], f.column or 1)
            gutter = f"{f.line:>5} | "
            out.write(self._c(_DIM, gutter) + text + "\n")
            if f.column is not None:
                out.write(" " * (len(gutter) - 2) + "| " + " " * (col - 1))
                out.write(self._c(_COLORS[Severity(f.severity)], "^") + "\n")
        if f.hint:
            out.write(f"      = hint: {f.hint}\n")
