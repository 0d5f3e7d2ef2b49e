from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import OVERRIDE_KEYS, LintContext
from payflow.validator.findings import Finding, escape_pointer_part
from payflow.validator.rules.base import Rule
from payflow.validator.shapes import OPERATION_PARAM_DEFS, operation_fields


class FieldNotForOperation(Rule):
    """A field the operation's type does not take (`--config`).

    ## What it does
    Looks up each params item's operation in the configuration and reports the fields of its
    `configOverrideParams`/`executionParams` that the operation's type does not take: a
    CONVERSION takes `amount, accountId, srcAssetId, destAssetId, slippageBasisPoints`, a
    TRANSFER `amount, assetId, source, destination`, a DISBURSEMENT `amount, paymentAccount,
    instructionSet` (read from the schemas).

    ## Why it matters
    The request schema admits the fields of all three types, because the request does not say
    the type. An `instructionSet` on a CONVERSION is refused by the platform
    (`MANAGED_OPERATION_PARAMS_INVALID_SCHEMA`), or meant for another operation.

    ## Example
    ```json
    {"configOperationId": "7bf16b28 (a CONVERSION)",
     "configOverrideParams": {"instructionSet": [...]}}
    ```

    ## Use instead
    ```json
    {"configOperationId": "1cbf5105 (the DISBURSEMENT)",
     "configOverrideParams": {"instructionSet": [...]}}
    ```
    """

    code = "PF304"
    name = "field-not-for-operation"
    layer = "config"
    needs_config = True
    anchor = "key"
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        assert ctx.config is not None
        for _, item, pointer in ctx.items():
            op = ctx.config.operation(item.get("configOperationId"))
            if op is None or op.type not in OPERATION_PARAM_DEFS:
                continue
            allowed = operation_fields(op.type)
            for key in OVERRIDE_KEYS:
                obj = item.get(key)
                if not isinstance(obj, dict):
                    continue
                for name in obj:
                    if name in allowed:
                        continue
                    takers = [t for t in OPERATION_PARAM_DEFS if name in operation_fields(t)]
                    yield self.finding(
                        f'operation {op.operation_id} is a {op.type}, which does not take "{name}"',
                        f"{pointer}/{key}/{escape_pointer_part(name)}",
                        f"{name} belongs to a {' or '.join(takers)} operation" if takers else None,
                    )
