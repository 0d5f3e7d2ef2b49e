from __future__ import annotations

from payflow.validator.findings import Finding, join_pointer
from payflow.validator.rules.base import Rule
from payflow.validator.shapes import suggest


class UnknownField(Rule):
    """A field the request object does not have.

    ## What it does
    Reports every key that is not a field of the object it is in, with a "did you mean"
    suggestion when a field of that object is close (`amout` -> `amount`, `config_id` ->
    `configId`). Reported by the schema layer, at the key.

    The issue that specified the linter asked for a warning; it is an **error**, because the
    request objects are closed (`additionalProperties: false`): the API schema, the generated
    models and the sandbox all refuse an unknown field with 400, and a linter that passed such a
    request would disagree with the server.

    ## Why it matters
    A misspelt field is silently ignored by lenient servers: `"amout": "100"` would leave the
    amount unset, and the flow would use the configuration's value or the previous operation's
    output instead of what you wrote.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amout": "100"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF217"
    name = "unknown-field"
    layer = "request"
    anchor = "key"
    schema_enforced = True

    @classmethod
    def build(cls, path: list, key: str, allowed: frozenset[str], where: str) -> Finding:
        guess = suggest(key, allowed)
        if guess:
            hint = f'did you mean "{guess}"?'
        else:
            hint = "allowed here: " + ", ".join(sorted(allowed)) if allowed else None
        return cls.finding(f'unknown field "{key}" in {where}', join_pointer([*path, key]), hint)
