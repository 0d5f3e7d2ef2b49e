from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class DuplicateOperationId(Rule):
    """Two params items for the same `configOperationId`.

    ## What it does
    Reports every params item whose `configOperationId` already appeared in an earlier item.

    ## Why it matters
    Each item sets the values of one operation of the configuration. Two items for one
    operation contradict each other (which amount wins?), and the other operation the author
    meant to set is left with the configuration's values.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [
      {"configOperationId": "op-1", "executionParams": {"amount": "100"}},
      {"configOperationId": "op-1", "executionParams": {"amount": "200"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [
      {"configOperationId": "op-1", "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF209"
    name = "duplicate-operation-id"
    layer = "request"
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        first: dict[str, int] = {}
        for i, item, pointer in ctx.items():
            op_id = item.get("configOperationId")
            if not isinstance(op_id, str):
                continue
            if op_id in first:
                yield self.finding(
                    f"configOperationId {op_id!r} is already set by params item {first[op_id]}",
                    f"{pointer}/configOperationId",
                    "give each operation one params item",
                )
            else:
                first[op_id] = i
