from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class EmptyInstructionSet(Rule):
    """An empty `instructionSet`.

    ## What it does
    Reports `"instructionSet": []`.

    ## Why it matters
    A disbursement with no payees pays nobody; the platform refuses it
    (`INSTRUCTIONS_ARRAY_EMPTY`). An empty override is also not a way to "keep the
    configuration's instructions": leave the field out for that.

    ## Example
    ```json
    {"configOperationId": "op-2", "configOverrideParams": {"instructionSet": []}}
    ```

    ## Use instead
    ```json
    {"configOperationId": "op-2"}
    ```
    """

    code = "PF207"
    name = "empty-instruction-set"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instructions, pointer in ctx.instruction_sets():
            if not instructions:
                yield self.finding(
                    "instructionSet is empty",
                    pointer,
                    "add at least one instruction, or leave the field out to keep the "
                    "configuration's",
                )
