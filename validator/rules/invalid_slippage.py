from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule

MAX_BASIS_POINTS = 10_000


class InvalidSlippage(Rule):
    """`slippageBasisPoints` is not an integer from 0 to 10000.

    ## What it does
    Reports a slippage tolerance that is a boolean, a string, a fraction, negative, or over
    10000 basis points (100 %).

    ## Why it matters
    Slippage bounds the price a conversion accepts. `"50"` as a string is refused; `true`
    becomes 1 in some languages; a huge value is a typo that could accept any price.

    ## Example
    ```json
    {"configOperationId": "op-1", "configOverrideParams": {"slippageBasisPoints": "50"}}
    ```

    ## Use instead
    ```json
    {"configOperationId": "op-1", "configOverrideParams": {"slippageBasisPoints": 50}}
    ```
    """

    code = "PF208"
    name = "invalid-slippage"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for _, _, obj, pointer in ctx.value_objects():
            if "slippageBasisPoints" not in obj:
                continue
            value = obj["slippageBasisPoints"]
            where = f"{pointer}/slippageBasisPoints"
            if isinstance(value, bool):
                yield self.finding("slippageBasisPoints is a boolean, not an integer", where)
            elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
                continue  # 50.0 is the integer 50 in JSON Schema
            elif not isinstance(value, int):
                hint = None
                if isinstance(value, str) and value.strip().isdigit():
                    hint = f"write the number without quotes: {int(value)}"
                yield self.finding(
                    f"slippageBasisPoints must be an integer, not {_kind(value)}", where, hint
                )
            elif not 0 <= value <= MAX_BASIS_POINTS:
                yield self.finding(
                    f"slippageBasisPoints {value} is outside 0..{MAX_BASIS_POINTS}",
                    where,
                    "basis points: 100 = 1 %, 10000 = 100 %",
                )


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, float):
        return f"a fraction ({value})"
    return type(value).__name__
