"""Render a :class:`~payflow.evolution.diff.DiffResult` as text, JSON, Markdown or SARIF.

Every format goes through one interface (``Reporter.render(result) -> str``) and is listed in
:data:`REPORTERS`, which also feeds the CLI's ``--format`` choices.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol

from payflow.evolution.checks import BREAKING, CHECKS, INFO, WARNING
from payflow.evolution.diff import Change, DiffResult, iter_levels

__all__ = ["REPORTERS", "Reporter", "render"]

_TITLE = {BREAKING: "Breaking", WARNING: "Warnings", INFO: "Info"}


class Reporter(Protocol):
    def render(self, result: DiffResult) -> str: ...


def _summary(result: DiffResult) -> str:
    s = result.summary
    if not result.changes:
        return "no changes"
    return (
        f"{s[BREAKING]} breaking, {s[WARNING]} warning{'s' if s[WARNING] != 1 else ''}, "
        f"{s[INFO]} info"
    )


def _by_context(changes: Iterable[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.context or "(schema)", []).append(change)
    return groups


class TextReporter:
    """For terminals: grouped by classification, then by operation/location."""

    def render(self, result: DiffResult) -> str:
        lines = [
            f"payflow schema diff: {result.old} -> {result.new}",
            _summary(result),
        ]
        for level, changes in iter_levels(result.changes):
            lines += ["", f"{level.upper()} ({len(changes)})"]
            for context, group in _by_context(changes).items():
                lines.append(f"  {context}")
                for c in group:
                    head = f"{c.path}: " if c.path else ""
                    lines.append(f"    {head}{c.message}  [{c.id}]")
                    where = []
                    if c.old:
                        where.append(f"old {c.old}")
                    if c.new:
                        where.append(f"new {c.new}")
                    if where:
                        lines.append("      " + "  ".join(where))
                    for other in c.also[:3]:
                        lines.append(f"      also at {other}")
                    if len(c.also) > 3:
                        lines.append(f"      ... and {len(c.also) - 3} more places (--format json)")
        return "\n".join(lines) + "\n"


class JsonReporter:
    """Machine-readable: summary plus every change with pointers and lines on both sides."""

    def render(self, result: DiffResult) -> str:
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_side(side: object) -> str:
    return f"`{_md(str(side))}`" if side else ""


class MarkdownReporter:
    """For a pull-request comment: summary line, breaking and warnings open, info folded."""

    def render(self, result: DiffResult) -> str:
        s = result.summary
        verdict = (
            "**breaking changes**"
            if s[BREAKING]
            else "warnings only"
            if s[WARNING]
            else "no breaking changes"
        )
        lines = [
            "### payflow schema diff",
            "",
            f"`{_md(result.old)}` → `{_md(result.new)}`: {verdict} ({_summary(result)})",
        ]
        for level, changes in iter_levels(result.changes):
            table = [
                "| Where | Change | Check | Old | New |",
                "| --- | --- | --- | --- | --- |",
            ]
            for c in changes:
                more = f" (and {len(c.also)} more places)" if c.also else ""
                table.append(
                    f"| {_md(c.where)}{more} | {_md(c.message)} | `{c.id}` | "
                    f"{_md_side(c.old)} | {_md_side(c.new)} |"
                )
            title = f"{_TITLE[level]} ({len(changes)})"
            if level == INFO:
                lines += ["", f"<details><summary>{title}</summary>", "", *table, "", "</details>"]
            else:
                lines += ["", f"#### {title}", "", *table]
        return "\n".join(lines) + "\n"


_SARIF_LEVEL = {BREAKING: "error", WARNING: "warning", INFO: "note"}


class SarifReporter:
    """SARIF 2.1.0 for code scanning: every check as a rule (sorted by id), one result each."""

    def render(self, result: DiffResult) -> str:
        from payflow import __version__

        rule_ids = list(CHECKS)  # sorted by id
        rules = [
            {
                "id": cid,
                "name": cid,
                "shortDescription": {"text": check.summary},
                "fullDescription": {
                    "text": f"{check.summary} Direction: {check.direction}; "
                    f"classification: {check.classification}."
                },
                "help": {"text": f"{check.summary} (payflow schema checks lists them all)"},
                "defaultConfiguration": {"level": _SARIF_LEVEL[check.classification]},
                "properties": {
                    "kind": check.kind,
                    "direction": check.direction,
                    "classification": check.classification,
                },
            }
            for cid, check in CHECKS.items()
        ]
        results = []
        for c in result.changes:
            side = c.new or c.old
            entry: dict = {
                "ruleId": c.id,
                "ruleIndex": rule_ids.index(c.id),
                "level": _SARIF_LEVEL[c.classification],
                "message": {"text": f"{c.where}: {c.message}"},
                "properties": {"direction": c.direction, "classification": c.classification},
            }
            if side:
                entry["locations"] = [_sarif_location(side)]
            if c.old and c.new:
                related = _sarif_location(c.old)
                related["id"] = 1
                related["message"] = {"text": "in the old version"}
                entry["relatedLocations"] = [related]
            results.append(entry)
        sarif = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "payflow-schema-diff",
                            "version": __version__,
                            "rules": rules,
                        }
                    },
                    "results": results,
                }
            ],
        }
        return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _sarif_location(side) -> dict:
    physical: dict = {"artifactLocation": {"uri": side.file}}
    if side.line:
        physical["region"] = {"startLine": side.line}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": side.pointer or "/"}],
    }


#: Format name -> reporter class (also the CLI's --format choices).
REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "markdown": MarkdownReporter,
    "sarif": SarifReporter,
}


def render(result: DiffResult, fmt: str = "text") -> str:
    return REPORTERS[fmt]().render(result)
