from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class FirstOperationWithoutAmount(Rule):
    """After merging, the first operation of the flow has no amount (`--config`).

    ## What it does
    Merges the request with the configuration (request values > configuration > previous
    operation's output) and reports when the first operation ends up without an `amount`.
    Later operations receive the previous operation's output amount.

    ## Why it matters
    The amount starts the flow and then flows down; an amount given only to the second
    operation leaves the first with nothing to move.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [
      {"configOperationId": "1cbf5105 (second operation)", "executionParams": {"amount": "100"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [
      {"configOperationId": "7bf16b28 (first operation)", "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF305"
    name = "first-operation-without-amount"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        merged = ctx.merged()
        if not merged or "amount" in merged[0].values:
            return
        first = merged[0]
        has_params = isinstance(ctx.document, dict) and "params" in ctx.document
        yield self.finding(
            f"the first operation ({first.type} {first.operation.operation_id}) has no amount",
            first.item_pointer or ("/params" if has_params else ""),
            f'give operation {first.operation.operation_id} "executionParams": {{"amount": "..."}}',
        )
