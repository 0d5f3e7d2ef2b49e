from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules._decimal import decimal_problem
from payflow.validator.rules.base import Rule


class InvalidAmount(Rule):
    """An amount that is not a positive decimal string.

    ## What it does
    Checks every `amount` (execution values, overrides, disbursement instructions) and says
    exactly what is wrong: a JSON number instead of a string, a sign, an exponent (`1e3`),
    zero, an empty string, a thousands separator (`1,000.00`), whitespace (`" 100"`), `NaN`,
    hexadecimal (`0x10`), leading zeros. Where the intended value is clear, the hint gives it.

    ## Why it matters
    Amounts move money. JSON numbers lose precision in many parsers (`0.1 + 0.2`), and every
    other form is either refused by the API or, worse, read differently by another system.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": 1000.5}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "1000.5"}}]}
    ```
    """

    code = "PF204"
    name = "invalid-amount"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        places = [(obj, pointer) for _, _, obj, pointer in ctx.value_objects()]
        places += list(ctx.instructions())
        for obj, pointer in places:
            if "amount" in obj:
                problem = decimal_problem(obj["amount"], "amount")
                if problem:
                    yield self.finding(problem[0], f"{pointer}/amount", problem[1])
