from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class AmountAndPercentage(Rule):
    """A disbursement instruction with both `amount` and `percentage`.

    ## What it does
    Reports an instruction of an `instructionSet` that has both a fixed `amount` and a
    `percentage`.

    ## Why it matters
    An instruction pays either a fixed amount or a share of the disbursed amount, never both.
    The official OpenAPI schema's `oneOf` does not forbid both (its objects are open), so a
    naive validator lets such an instruction through and nobody knows which value would be paid.

    ## Example
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "amount": "1500.00", "percentage": "40"}
    ```

    ## Use instead
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "amount": "1500.00"}
    ```
    """

    code = "PF202"
    name = "amount-and-percentage"
    layer = "request"
    schema_enforced = True
    covers_subtree = True
    replaces = frozenset({"PF100", "PF102", "PF107", "PF217"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction, pointer in ctx.instructions():
            if "amount" in instruction and "percentage" in instruction:
                yield self.finding(
                    "instruction has both amount and percentage; it must have exactly one",
                    pointer,
                    "keep the fixed amount or the percentage, and remove the other",
                )
