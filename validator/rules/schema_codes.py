"""PF1xx: the document does not match the JSON Schema of its request shape (v1 or v2).

Raised by :mod:`payflow.validator.schema_check` from the schemas in ``payflow.schemas``. A
request rule that explains the same problem better (same pointer) replaces these generic
findings, so a bad amount is reported once, as PF204, not also as "does not match pattern".
"""

from __future__ import annotations

from payflow.validator.rules.base import Rule


class SchemaCode(Rule):
    layer = "schema"


class SchemaViolation(SchemaCode):
    """The document breaks a schema constraint not covered by a more specific code.

    ## What it does
    Reports a schema error with the validator's own message, at the pointer it concerns.

    ## Why it matters
    The API validates every request against the same schema and answers 400 VALIDATION.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": "op-1"}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1"}]}
    ```
    """

    code = "PF100"
    name = "schema-violation"


class WrongType(SchemaCode):
    """A value has the wrong JSON type.

    ## What it does
    Reports a value that is, e.g., a number where the schema wants a string or an object where
    it wants an array.

    ## Why it matters
    The API refuses the request with 400; type confusion (a boolean `"false"` as a string, an
    object instead of a list) also hides what the author meant.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "preScreening": {"enabled": "false"}, "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "preScreening": {"enabled": false}, "params": []}
    ```
    """

    code = "PF101"
    name = "wrong-type"


class MissingField(SchemaCode):
    """A required field is missing.

    ## What it does
    Reports each missing required field at the object that should hold it.

    ## Why it matters
    The API refuses the request with 400.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "preScreening": {}, "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "preScreening": {"enabled": false}, "params": []}
    ```
    """

    code = "PF102"
    name = "missing-field"


class ValueNotAllowed(SchemaCode):
    """A value is not one of the values the field allows.

    ## What it does
    Reports a value outside an enumeration (e.g. `failureHandling.type`), with the closest
    allowed value as a suggestion.

    ## Why it matters
    The API refuses the request with 400; enumerations are case-sensitive.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "failureHandling": {"enabled": true, "type": "reverse"},
     "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "failureHandling": {"enabled": true, "type": "REVERSE"},
     "params": []}
    ```
    """

    code = "PF103"
    name = "value-not-allowed"


class InvalidString(SchemaCode):
    """A string does not have the required form (pattern, length).

    ## What it does
    Reports identifiers that are empty or have surrounding whitespace, strings that are too
    long, and other strings that do not match their schema pattern.

    ## Why it matters
    `" op-1"` and `"op-1"` are different identifiers; the platform does not trim them, so
    the request fails or refers to something else than intended.

    ## Example
    ```json
    {"configId": "3f2d8c1e ", "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": []}
    ```
    """

    code = "PF104"
    name = "invalid-string"


class OutOfRange(SchemaCode):
    """A number is below the minimum or above the maximum.

    ## What it does
    Reports numbers outside their bounds.

    ## Why it matters
    The API refuses the request with 400.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"slippageBasisPoints": -1}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"slippageBasisPoints": 0}}]}
    ```
    """

    code = "PF105"
    name = "out-of-range"


class ArraySize(SchemaCode):
    """An array has too few or too many items.

    ## What it does
    Reports arrays shorter than their minimum (or longer than their maximum).

    ## Why it matters
    The API refuses the request with 400.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"instructionSet": []}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"instructionSet": [{"payeeAccount": {"accountId": "v-1",
      "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC", "amount": "10"}]}}]}
    ```
    """

    code = "PF106"
    name = "array-size"


class NoMatchingShape(SchemaCode):
    """A value matches none (or more than one) of the shapes allowed at its place.

    ## What it does
    Reports a value where the schema allows several shapes (`oneOf`/`anyOf`) and none fits
    clearly. Where one shape is clearly closest, the linter reports that shape's real problem
    instead, under its own code.

    ## Why it matters
    The API refuses the request with 400.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [], "externalCorrelationData": 42}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [], "externalCorrelationData": "payroll-42"}
    ```
    """

    code = "PF107"
    name = "no-matching-shape"


SCHEMA_CODES: tuple[type[SchemaCode], ...] = (
    SchemaViolation,
    WrongType,
    MissingField,
    ValueNotAllowed,
    InvalidString,
    OutOfRange,
    ArraySize,
    NoMatchingShape,
)
