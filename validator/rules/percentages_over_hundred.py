from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules._decimal import as_decimal
from payflow.validator.rules.base import Rule

HUNDRED = Decimal(100)


class PercentagesOverHundred(Rule):
    """The percentages of one instruction set add up to more than 100.

    ## What it does
    Adds the `percentage` of every instruction of one `instructionSet` with exact decimal
    arithmetic (no floating point: `"33.33" + "33.33" + "33.34"` is exactly 100) and reports
    a sum over 100.

    ## Why it matters
    The platform refuses the set (`INSTRUCTIONS_EXCEED_HUNDRED_PERCENT`): you cannot pay out
    more than the disbursed amount. The schema cannot express a sum, so only this rule catches
    it before sending.

    ## Example
    ```json
    {"instructionSet": [
      {"payeeAccount": {"accountId": "v-1", "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC",
       "percentage": "60"},
      {"payeeAccount": {"accountId": "v-2", "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC",
       "percentage": "50"}]}
    ```

    ## Use instead
    ```json
    {"instructionSet": [
      {"payeeAccount": {"accountId": "v-1", "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC",
       "percentage": "60"},
      {"payeeAccount": {"accountId": "v-2", "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC",
       "percentage": "40"}]}
    ```
    """

    code = "PF206"
    name = "percentages-over-hundred"
    layer = "request"
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instructions, pointer in ctx.instruction_sets():
            total = Decimal(0)
            for instruction in instructions:
                if isinstance(instruction, dict):
                    value = as_decimal(instruction.get("percentage"))
                    if value is not None:
                        total += value
            if total > HUNDRED:
                yield self.finding(
                    f"the percentages of this instruction set add up to {total} %, over 100 %",
                    pointer,
                    "the platform refuses it (INSTRUCTIONS_EXCEED_HUNDRED_PERCENT)",
                )
