from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule
from payflow.validator.shapes import suggest


class UnknownOperationId(Rule):
    """A `configOperationId` that is not an operation of the configuration (`--config`).

    ## What it does
    Reports a params item whose `configOperationId` is not the `operationId` of any operation
    of the configuration, with the closest id as a suggestion.

    ## Why it matters
    The item's values would apply to nothing; the platform refuses the execution.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "7bf16b28-0000",
      "executionParams": {"amount": "100"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [
      {"configOperationId": "7bf16b28-6cd6-403f-af60-045c4b68a767",
       "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF303"
    name = "unknown-operation-id"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        assert ctx.config is not None
        ids = [op.operation_id for op in ctx.config.operations]
        for _, item, pointer in ctx.items():
            op_id = item.get("configOperationId")
            if isinstance(op_id, str) and op_id.strip() and op_id not in ids:
                guess = suggest(op_id, ids)
                yield self.finding(
                    f"configOperationId {op_id!r} is not an operation of configuration "
                    f"{ctx.config.config_id}",
                    f"{pointer}/configOperationId",
                    f'did you mean "{guess}"?' if guess else "operations: " + ", ".join(ids),
                )
