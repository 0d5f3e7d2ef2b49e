from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class NeitherAmountNorPercentage(Rule):
    """A disbursement instruction with neither `amount` nor `percentage`.

    ## What it does
    Reports an instruction that says whom to pay but not how much.

    ## Why it matters
    The platform cannot compute the payout; the execution fails validation.

    ## Example
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC"}
    ```

    ## Use instead
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "percentage": "40"}
    ```
    """

    code = "PF203"
    name = "neither-amount-nor-percentage"
    layer = "request"
    schema_enforced = True
    covers_subtree = True
    replaces = frozenset({"PF102", "PF107"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction, pointer in ctx.instructions():
            if "amount" not in instruction and "percentage" not in instruction:
                yield self.finding(
                    "instruction has neither amount nor percentage",
                    pointer,
                    'add a fixed "amount" or a "percentage" of the disbursed amount',
                )
