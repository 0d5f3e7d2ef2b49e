from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class NoAmount(Rule):
    """No amount anywhere for the flow.

    ## What it does
    Reports a request in which no params item gives an `amount` (in `executionParams`, or in
    `configOverrideParams`). With `--config`, PF305 replaces this rule and checks the merged
    flow instead (a configuration could, unusually, carry the amount).

    ## Why it matters
    A workflow configuration is a template: the amount is given only when the flow is executed,
    normally on the first operation, and then flows down. Without it the execution fails
    validation, after the request was accepted.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1"}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "10000.00"}}]}
    ```
    """

    code = "PF201"
    name = "no-amount"
    layer = "request"
    superseded_by_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not isinstance(ctx.document, dict):
            return
        if any("amount" in obj for _, _, obj, _ in ctx.value_objects()):
            return
        pointer = "/params" if "params" in ctx.document else ""
        yield self.finding(
            "no amount anywhere in the request: the flow has nothing to move",
            pointer,
            'give the first operation an amount: "executionParams": {"amount": "..."}',
        )
