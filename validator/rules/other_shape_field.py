from __future__ import annotations

from payflow.validator.findings import Finding, join_pointer
from payflow.validator.rules.base import Rule


class OtherShapeField(Rule):
    """A field of the other request shape (v1 vs v2).

    ## What it does
    Reports fields that exist only in the other published shape of the workflow-execution
    request, and names the `--schema-version` that accepts them:

    - v2 only: top-level `failureHandling`, `params[].configOverrideParams`;
    - v1 only: overrides (`accountId`, `instructionSet`, ...) inside `params[].executionParams`;
      in v2, `executionParams` takes only `amount`.

    With `--schema-version auto` (the default) a request is v2 when it has `failureHandling`
    or any `configOverrideParams`, and v1 otherwise; so this rule fires on requests that mix
    both shapes, or that were checked with an explicit version.

    ## Why it matters
    The request objects are closed: the API answers 400 to a v1 request with v2 fields and vice
    versa. Mixing them usually means overrides were put where the platform does not read them.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "failureHandling": {"enabled": true, "type": "REVERSE"},
     "params": [{"configOperationId": "op-1",
                 "executionParams": {"amount": "100", "slippageBasisPoints": 50}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "failureHandling": {"enabled": true, "type": "REVERSE"},
     "params": [{"configOperationId": "op-1",
                 "configOverrideParams": {"slippageBasisPoints": 50},
                 "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF216"
    name = "other-shape-field"
    layer = "request"
    anchor = "key"
    schema_enforced = True

    @classmethod
    def build(cls, path: list, key: str, version: str) -> Finding:
        pointer = join_pointer([*path, key])
        if version == "v1":
            return cls.finding(
                f'"{key}" exists only in v2 requests; this request is checked as v1',
                pointer,
                "use --schema-version v2 (or auto, which picks v2 when this field is present)",
            )
        return cls.finding(
            f'"{key}" in executionParams is the v1 shape; in v2 executionParams takes only '
            '"amount"',
            pointer,
            f'move "{key}" into configOverrideParams, or check the request with '
            "--schema-version v1 (then without configOverrideParams and failureHandling)",
        )
