"""parse -> schema -> rules -> positions: one engine behind the library API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from payflow.validator import registry
from payflow.validator.config import Configuration, load_configuration
from payflow.validator.context import LintContext
from payflow.validator.findings import Finding, Severity
from payflow.validator.parse import DEFAULT_LIMITS, Limits, Parsed, parse
from payflow.validator.rules import parse_codes
from payflow.validator.schema_check import is_valid, schema_findings

from payflow import schemas

__all__ = ["LintResult", "check", "detect_schema_version", "lint"]

SchemaVersion = Literal["v1", "v2", "auto"]
VERSIONS = ("v1", "v2")

_CHECKS = tuple(rule() for rule in registry.CHECKS)
_FAST_CHECKS = tuple(r for r in _CHECKS if not r.schema_enforced)


@dataclass
class LintResult:
    """Findings of one document, and what the linter decided on the way."""

    findings: list[Finding]
    #: The request shape the document was checked as (None when it could not be parsed).
    schema_version: str | None = None
    #: True when the shape was detected (``--schema-version auto``).
    detected: bool = False
    #: Decoded text, for showing source lines (None for Python objects and undecodable bytes).
    text: str | None = field(default=None, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def detect_schema_version(document: Any) -> Literal["v1", "v2"]:
    """``v2`` iff the request has top-level ``failureHandling`` or any params item has
    ``configOverrideParams``; otherwise ``v1`` (a request with only
    ``executionParams.amount`` is valid in both and means the same)."""
    if isinstance(document, dict):
        if "failureHandling" in document:
            return "v2"
        params = document.get("params")
        if isinstance(params, list) and any(
            isinstance(item, dict) and "configOverrideParams" in item for item in params
        ):
            return "v2"
    return "v1"


def lint(
    document_or_bytes: Any,
    *,
    schema_version: SchemaVersion = "auto",
    config: Any = None,
    source: str | None = None,
) -> list[Finding]:
    """Lint one workflow-execution request.

    ``document_or_bytes``: ``bytes``/``str`` JSON text (parsed strictly; findings get line and
    column) or an already-parsed object (line/column ``None``). ``config``: a workflow
    configuration (dict, JSON bytes, path, or :class:`Configuration`) enabling the PF3xx
    cross-checks; raises :class:`~payflow.validator.config.ConfigError` if it is unusable.
    ``source`` names the file in the findings.
    """
    return check(
        document_or_bytes, schema_version=schema_version, config=config, source=source
    ).findings


def check(
    document_or_bytes: Any,
    *,
    schema_version: SchemaVersion = "auto",
    config: Any = None,
    source: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LintResult:
    """Like :func:`lint`, returning a :class:`LintResult`."""
    if schema_version not in (*VERSIONS, "auto"):
        raise ValueError(f"schema_version must be v1, v2 or auto, not {schema_version!r}")
    configuration = load_configuration(config) if config is not None else None

    parsed: Parsed | None = None
    if isinstance(document_or_bytes, bytes | bytearray | memoryview | str):
        data = (
            bytes(document_or_bytes)
            if isinstance(document_or_bytes, memoryview)
            else document_or_bytes
        )
        parsed = parse(data, limits)
        if not parsed.usable:
            return _finish(parsed.findings, parsed, source, None, False)
        document = parsed.document
        findings = list(parsed.findings)
    else:
        document = document_or_bytes
        findings = []
        too_deep = _too_deep(document, limits.max_depth)
        if too_deep is not None:
            found = parse_codes.NestingTooDeep.finding(
                f"nesting deeper than {limits.max_depth} levels", too_deep
            )
            return _finish([found], None, source, None, False)

    version = detect_schema_version(document) if schema_version == "auto" else schema_version
    schema_name = schemas.EXECUTION_REQUEST_SCHEMAS[version]
    valid = is_valid(document, schema_name)
    ctx = LintContext(document=document, version=version, schema_valid=valid, config=configuration)

    rule_findings: list[Finding] = []
    for rule in _FAST_CHECKS if valid else _CHECKS:
        if (rule.needs_config and configuration is None) or (
            rule.superseded_by_config and configuration is not None
        ):
            continue
        rule_findings.extend(rule.check(ctx))
    if not valid:
        findings.extend(
            _without_replaced(schema_findings(document, schema_name, version), rule_findings)
        )
    findings.extend(rule_findings)

    if findings and parsed is not None:
        # the fast parser does not bound nesting; a document with something to report is
        # checked here (a schema-valid one cannot be deep: every request object is closed)
        too_deep = _too_deep(document, limits.max_depth)
        if too_deep is not None:
            found = parse_codes.NestingTooDeep.finding(
                f"nesting deeper than {limits.max_depth} levels", too_deep
            )
            return _finish([found], parsed, source, None, False)
    return _finish(findings, parsed, source, version, schema_version == "auto")


def _without_replaced(schema: list[Finding], rules: list[Finding]) -> list[Finding]:
    """Drop schema findings that a rule explains better at the same place."""
    if not rules:
        return schema
    exact: dict[str, list[frozenset[str] | None]] = {}
    subtree: list[tuple[str, frozenset[str] | None]] = []
    for f in rules:
        rule = registry.RULES[f.code]
        exact.setdefault(f.pointer, []).append(rule.replaces)
        if rule.covers_subtree:
            subtree.append((f.pointer + "/", rule.replaces))

    def replaced(f: Finding) -> bool:
        for codes in exact.get(f.pointer, ()):
            if codes is None or f.code in codes:
                return True
        return any(
            f.pointer.startswith(prefix) and (codes is None or f.code in codes)
            for prefix, codes in subtree
        )

    return [f for f in schema if f.code not in registry.SCHEMA_LAYER_CODES or not replaced(f)]


def _finish(
    findings: list[Finding],
    parsed: Parsed | None,
    source: str | None,
    version: str | None,
    detected: bool,
) -> LintResult:
    positions = parsed.positions() if (parsed is not None and findings) else None
    out: list[Finding] = []
    for f in findings:
        if f.line is None and positions is not None:
            anchor = registry.RULES[f.code].anchor if f.code in registry.RULES else "value"
            f = f.at(*positions.locate(f.pointer, anchor))
        out.append(f.in_file(source) if source is not None else f)
    out.sort(key=lambda f: (f.line or 0, f.column or 0, f.pointer, f.code))
    return LintResult(
        findings=out,
        schema_version=version,
        detected=detected,
        text=parsed.text if parsed is not None else None,
    )


def _too_deep(document: Any, max_depth: int) -> str | None:
    """Pointer of the first container deeper than ``max_depth`` (iterative: no recursion)."""
    stack: list[tuple[Any, str, int]] = [(document, "", 1)]
    while stack:
        node, pointer, depth = stack.pop()
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list | tuple):
            items = enumerate(node)
        else:
            continue
        if depth > max_depth:
            return pointer
        for key, value in items:
            if isinstance(value, dict | list | tuple):
                part = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((value, f"{pointer}/{part}", depth + 1))
    return None


__all__ += ["Configuration"]
