from __future__ import annotations

from collections.abc import Iterator

from payflow.schemas import lifecycle
from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class ConfigNotUsable(Rule):
    """The configuration is not in the status executions can be created from (`--config`).

    ## What it does
    Reports, at `/configId`, a configuration whose `status` is not the usable status of the
    configuration lifecycle (`READY_FOR_EXECUTION`, read from `schemas/lifecycle.json`).

    ## Why it matters
    The platform creates executions only from configurations that passed their own
    validation; a `PENDING` one is not ready yet, a `VALIDATION_FAILED` one never will be, and a
    `DELETED` one is gone. The API answers 422.

    ## Example
    ```
    configuration.json: {"configId": "a81c2a43", "status": "VALIDATION_FAILED", ...}
    request:            {"configId": "a81c2a43", "params": [...]}
    ```

    ## Use instead
    ```
    fix and re-create the configuration, wait until it is READY_FOR_EXECUTION, then lint the
    request against it
    ```
    """

    code = "PF302"
    name = "config-not-usable"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        assert ctx.config is not None
        usable = lifecycle().workflow_configuration.usable
        if ctx.config.status != usable:
            yield self.finding(
                f"configuration {ctx.config.config_id} is {ctx.config.status}; executions can "
                f"only be created from a {usable} configuration",
                "/configId",
                "wait for the configuration's validation, or fix and re-create it",
            )
