from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class EqualConversionAssets(Rule):
    """A conversion whose source and destination asset are the same.

    ## What it does
    Reports `srcAssetId` equal to `destAssetId`. Without `--config` it compares the two fields
    where one object of the request sets both; with `--config` it compares the merged values of
    every CONVERSION operation (request overrides > configuration > previous output).

    ## Why it matters
    Converting USDC into USDC is refused by the platform (`EQUAL_ASSETS_NOT_ALLOWED`), and
    usually means the wrong field was overridden.

    ## Example
    ```json
    {"configOperationId": "op-1",
     "configOverrideParams": {"srcAssetId": "USDC", "destAssetId": "USDC"}}
    ```

    ## Use instead
    ```json
    {"configOperationId": "op-1",
     "configOverrideParams": {"srcAssetId": "USD", "destAssetId": "USDC"}}
    ```
    """

    code = "PF212"
    name = "equal-conversion-assets"
    layer = "request"
    replaces = frozenset()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        merged = ctx.merged()
        if merged is None:
            for _, _, obj, pointer in ctx.value_objects():
                src, dest = obj.get("srcAssetId"), obj.get("destAssetId")
                if isinstance(src, str) and src == dest:
                    yield self.finding(
                        f"conversion from {src} to {dest}: source and destination are equal",
                        f"{pointer}/destAssetId",
                        "the platform refuses it (EQUAL_ASSETS_NOT_ALLOWED)",
                    )
            return
        for op in merged:
            if op.type != "CONVERSION":
                continue
            src, dest = op.values.get("srcAssetId"), op.values.get("destAssetId")
            if isinstance(src, str) and src == dest:
                pointer = (
                    op.pointer_of("destAssetId")
                    or op.pointer_of("srcAssetId")
                    or op.item_pointer
                    or "/configId"
                )
                yield self.finding(
                    f"conversion {op.operation.operation_id} would convert {src} to {dest}: "
                    "source and destination are equal",
                    pointer,
                    "the platform refuses it (EQUAL_ASSETS_NOT_ALLOWED)",
                )
