from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class MissingConfigId(Rule):
    """`configId` is missing, empty or not a plain identifier.

    ## What it does
    Reports a request without `configId`, or with an empty, blank, padded or non-string one.

    ## Why it matters
    The execution runs the configuration `configId` names; without it there is nothing to
    run, and `" 3f2d8c1e"` names a configuration that does not exist.

    ## Example
    ```json
    {"configId": "", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "100"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93", "params": [
      {"configOperationId": "op-1", "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF210"
    name = "missing-config-id"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not isinstance(ctx.document, dict):
            return
        yield from _check_id(self, ctx.document, "configId", "/configId", "the request")


def _check_id(rule: Rule, obj: dict, key: str, pointer: str, where: str) -> Iterator[Finding]:
    if key not in obj:
        yield rule.finding(f"{where} has no {key}", pointer)
        return
    value = obj[key]
    if not isinstance(value, str):
        yield rule.finding(f"{key} must be a string, not {type(value).__name__}", pointer)
    elif not value.strip():
        yield rule.finding(f"{key} is empty", pointer)
    elif value != value.strip():
        yield rule.finding(
            f"{key} {value!r} has surrounding whitespace", pointer, f'write "{value.strip()}"'
        )
