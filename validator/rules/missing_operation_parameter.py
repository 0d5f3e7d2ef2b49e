from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule

#: What an operation needs to run, by type, once request, configuration and the previous
#: operation's output are merged (the amount is PF305's concern).
REQUIRED = {
    "CONVERSION": ("accountId", "srcAssetId", "destAssetId"),
    "TRANSFER": ("assetId", "source", "destination"),
    "DISBURSEMENT": ("paymentAccount", "instructionSet"),
}


class MissingOperationParameter(Rule):
    """After merging, an operation lacks a value it requires (`--config`).

    ## What it does
    Merges the request with the configuration (request values > configuration > previous
    operation's output) and reports an operation without what its type requires: a
    CONVERSION its `accountId`, `srcAssetId`, `destAssetId`; a TRANSFER its `assetId`, `source`,
    `destination`; a DISBURSEMENT its `paymentAccount` and a non-empty `instructionSet`.
    Values that flow from the previous operation (its output asset and account) count.

    ## Why it matters
    The platform validates the merged flow after accepting the request; a missing value fails
    the execution at validation, and it must be created again.

    ## Example
    ```
    configuration: DISBURSEMENT 1cbf5105 with a paymentAccount and no instructionSet
    request:       {"configOperationId": "1cbf5105", "executionParams": {"amount": "100"}}
    ```

    ## Use instead
    ```json
    {"configOperationId": "1cbf5105",
     "configOverrideParams": {"instructionSet": [{"payeeAccount": {"accountId": "v-1",
       "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC", "percentage": "100"}]},
     "executionParams": {"amount": "100"}}
    ```
    """

    code = "PF306"
    name = "missing-operation-parameter"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for op in ctx.merged() or ():
            missing = [
                name
                for name in REQUIRED.get(op.type, ())
                if op.values.get(name) in (None, "", [], {})
            ]
            if missing:
                yield self.finding(
                    f"{op.type} {op.operation.operation_id} has no "
                    + ", ".join(missing)
                    + " (neither the request, the configuration nor the previous operation "
                    "gives it)",
                    op.item_pointer or "/params",
                    "set it in this operation's params item",
                )
