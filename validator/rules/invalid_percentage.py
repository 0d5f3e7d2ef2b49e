from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules._decimal import as_decimal, decimal_problem
from payflow.validator.rules.base import Rule

HUNDRED = Decimal(100)


class InvalidPercentage(Rule):
    """A percentage that is not a decimal string in (0, 100].

    ## What it does
    Checks the `percentage` of every disbursement instruction: a decimal string (like amounts:
    no JSON number, sign, exponent or separator), greater than 0 and at most 100.

    ## Why it matters
    `"20"` means 20 %. A share of 0 pays nothing, over 100 pays more than there is; both are
    refused by the platform, after the request was accepted.

    ## Example
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "percentage": "120"}
    ```

    ## Use instead
    ```json
    {"payeeAccount": {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "percentage": "20"}
    ```
    """

    code = "PF205"
    name = "invalid-percentage"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction, pointer in ctx.instructions():
            if "percentage" not in instruction:
                continue
            value = instruction["percentage"]
            problem = decimal_problem(value, "percentage")
            if problem:
                yield self.finding(problem[0], f"{pointer}/percentage", problem[1])
                continue
            number = as_decimal(value)
            if number is not None and number > HUNDRED:
                yield self.finding(
                    f"percentage {value!r} is over 100",
                    f"{pointer}/percentage",
                    'percentages are written as "20" for 20 %',
                )
