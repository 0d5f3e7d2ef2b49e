"""The rule interface. A rule's class docstring, with its fixed headings, *is* its documentation
(``payflow rule CODE`` prints it), as in ruff: one place to write it, no second copy to drift."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from payflow.validator.findings import Finding, Severity

if TYPE_CHECKING:
    from payflow.validator.context import LintContext

__all__ = ["SECTIONS", "Rule", "RuleDoc"]

#: The headings every rule docstring has, in this order.
SECTIONS = ("What it does", "Why it matters", "Example", "Use instead")

Layer = Literal["parse", "schema", "request", "config"]


@dataclass(frozen=True)
class RuleDoc:
    summary: str
    sections: dict[str, str]

    def render(self) -> str:
        out = [self.summary, ""]
        for title in SECTIONS:
            out += [f"## {title}", self.sections.get(title, "").strip(), ""]
        return "\n".join(out).rstrip() + "\n"


_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)


class Rule:
    """Base of every rule. Subclasses set the class attributes and, for the request and config
    layers, implement :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    layer: ClassVar[Layer]
    #: Where the caret goes: at the value (default) or at the member's key (unknown fields).
    anchor: ClassVar[Literal["value", "key"]] = "value"
    #: The schema alone already refuses what this rule reports: it cannot fire on a document that
    #: passed the schema, so the fast path skips it (it exists for its clearer message).
    schema_enforced: ClassVar[bool] = False
    #: The rule's finding replaces generic schema findings below its pointer too, not only at it.
    covers_subtree: ClassVar[bool] = False
    #: Codes of schema-layer findings this rule's finding replaces (None: all of them).
    replaces: ClassVar[frozenset[str] | None] = None
    #: Runs only with a configuration (``--config``).
    needs_config: ClassVar[bool] = False
    #: Skipped when a configuration is given: a config cross-check says it more precisely.
    superseded_by_config: ClassVar[bool] = False

    def check(self, ctx: LintContext) -> Iterable[Finding]:
        return ()

    @classmethod
    def finding(
        cls,
        message: str,
        pointer: str = "",
        hint: str | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> Finding:
        return Finding(
            code=cls.code,
            severity=cls.severity,
            message=message,
            pointer=pointer,
            line=line,
            column=column,
            hint=hint,
        )

    @classmethod
    def doc(cls) -> RuleDoc:
        import inspect  # only when documentation is asked for

        text = inspect.cleandoc(cls.__doc__ or "")
        parts = _HEADING.split(text)
        summary = parts[0].strip()
        sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
        return RuleDoc(summary=summary, sections=sections)
