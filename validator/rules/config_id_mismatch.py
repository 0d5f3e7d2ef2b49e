from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class ConfigIdMismatch(Rule):
    """The request's `configId` is not the configuration's (`--config`).

    ## What it does
    Compares the request's `configId` with the `configId` of the configuration given with
    `--config`.

    ## Why it matters
    The cross-checks are only meaningful against the configuration that will run; a mismatch
    usually means the request was written for another configuration (another payroll, another
    environment).

    ## Example
    ```json
    {"configId": "a81c2a43-8d0e-4b5c-9f3e-6d1b7c2e4f50", "params": []}
    ```
    (with `--config` of configuration `3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93`)

    ## Use instead
    ```json
    {"configId": "3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93", "params": []}
    ```
    """

    code = "PF301"
    name = "config-id-mismatch"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        assert ctx.config is not None
        value = ctx.document.get("configId") if isinstance(ctx.document, dict) else None
        if isinstance(value, str) and value != ctx.config.config_id:
            yield self.finding(
                f"configId {value!r} is not the configuration's ({ctx.config.config_id!r})",
                "/configId",
                "lint against the configuration this request will run, or fix the configId",
            )
