"""What the linter reports: :class:`Finding` (one problem at one place) and :class:`Severity`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Severity", "escape_pointer_part", "has_errors", "join_pointer"]


class Severity(StrEnum):
    """How bad a finding is; only ``error`` makes ``payflow lint`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one document.

    ``pointer`` is an RFC 6901 JSON pointer into the document (``""`` is the root); ``line`` and
    ``column`` are 1-based (columns count Unicode code points) and ``None`` where no position
    exists (a document given as a Python object, or a file that could not be decoded at all).
    """

    code: str
    severity: Severity
    message: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    file: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def at(self, line: int | None, column: int | None) -> Finding:
        return replace(self, line=line, column=column)

    def in_file(self, file: str | None) -> Finding:
        return replace(self, file=file)


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding has severity ``error`` (the request must not be sent)."""
    return any(f.severity == Severity.ERROR for f in findings)


def escape_pointer_part(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def join_pointer(parts: Sequence[str | int]) -> str:
    """RFC 6901 pointer of a path of keys and indexes."""
    return "".join("/" + escape_pointer_part(p) for p in parts)
