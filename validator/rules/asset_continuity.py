from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class AssetContinuity(Rule):
    """An operation's input asset differs from the previous operation's output (`--config`).

    ## What it does
    Walks the merged flow in order and compares each operation's input asset (a CONVERSION's
    `srcAssetId`, a TRANSFER's `assetId`, each DISBURSEMENT instruction's `assetId`) with the
    previous operation's output asset (a CONVERSION's `destAssetId`, a TRANSFER's `assetId`).

    ## Why it matters
    Each operation consumes what the previous one produced; converting USD to USDC and then
    disbursing USDT fails validation (`ASSETS_CONTINUITY_MISMATCH`).

    ## Example
    ```
    configuration: CONVERSION USD -> USDC, then DISBURSEMENT
    request:       instructionSet [{"payeeAccount": ..., "assetId": "USDT", "amount": "10"}]
    ```

    ## Use instead
    ```
    request:       instructionSet [{"payeeAccount": ..., "assetId": "USDC", "amount": "10"}]
    ```
    """

    code = "PF307"
    name = "asset-continuity"
    layer = "config"
    needs_config = True
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        previous = None
        for op in ctx.merged() or ():
            produced = previous.output_asset() if previous is not None else None
            if produced is not None:
                for asset, pointer in op.input_assets():
                    if asset != produced:
                        yield self.finding(
                            f"{op.type} {op.operation.operation_id} takes {asset}, but the "
                            f"previous operation ({previous.type} "
                            f"{previous.operation.operation_id}) outputs {produced}",
                            pointer or op.item_pointer or "/params",
                            "the platform refuses it (ASSETS_CONTINUITY_MISMATCH)",
                        )
                        break  # one finding per operation is enough
            previous = op
