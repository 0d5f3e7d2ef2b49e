from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule
from payflow.validator.rules.missing_config_id import _check_id


class MissingOperationId(Rule):
    """A params item without a usable `configOperationId`.

    ## What it does
    Reports a params item whose `configOperationId` is missing, empty, blank, padded or not a
    string.

    ## Why it matters
    The id says which operation of the configuration the item's values are for; without it the
    values apply to nothing.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"executionParams": {"amount": "100"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "7bf16b28",
      "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF211"
    name = "missing-operation-id"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for i, item, pointer in ctx.items():
            yield from _check_id(
                self, item, "configOperationId", f"{pointer}/configOperationId", f"params item {i}"
            )
