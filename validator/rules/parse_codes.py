"""PF0xx: the document is not strict RFC 8259 JSON, or is beyond the linter's limits.

These codes are raised by :mod:`payflow.validator.parse`; each class documents one code.
Parse errors stop the lint of that document (nothing after them can be trusted), except
:class:`DuplicateKey` and :class:`ByteOrderMark`, which let the later layers run.
"""

from __future__ import annotations

from payflow.validator.rules.base import Rule


class ParseCode(Rule):
    layer = "parse"


class JsonSyntax(ParseCode):
    """The document is not valid JSON.

    ## What it does
    Reports the first place where the text stops being RFC 8259 JSON: an unexpected character,
    an unterminated string, a control character or invalid escape inside a string, an invalid
    number (leading zeros, `1.`, `.5`, `+1`, hexadecimal), a missing comma or colon, a
    truncated document, or text after the end of the document.

    ## Why it matters
    The API refuses a body it cannot parse, and nothing after the first syntax error can be
    checked: the request never reaches validation.

    ## Example
    ```json
    {"configId": "3f2d8c1e" "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": []}
    ```
    """

    code = "PF001"
    name = "json-syntax"


class TrailingComma(ParseCode):
    """A comma before a closing bracket or brace.

    ## What it does
    Reports a `,` directly followed by `]` or `}`.

    ## Why it matters
    JavaScript and many config formats allow trailing commas; JSON does not, so the API
    refuses the whole request.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [],}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": []}
    ```
    """

    code = "PF002"
    name = "trailing-comma"


class JsonComment(ParseCode):
    """A `//` or `/* */` comment.

    ## What it does
    Reports the first comment in the document.

    ## Why it matters
    JSON has no comments; a parser that silently strips them (JSON5, JSONC) hides the fact that
    the API will refuse the body.

    ## Example
    ```json
    {"configId": "3f2d8c1e", // payroll
     "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [], "externalCorrelationData": "payroll"}
    ```
    """

    code = "PF003"
    name = "json-comment"


class NonFiniteNumber(ParseCode):
    """`NaN`, `Infinity` or `-Infinity` used as a number.

    ## What it does
    Reports the non-standard literals that Python's `json` and JavaScript's `JSON.stringify`
    counterparts sometimes produce.

    ## Why it matters
    They are not JSON, and no amount, percentage or slippage can be infinite or not a number.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"slippageBasisPoints": NaN}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "configOverrideParams": {"slippageBasisPoints": 50}}]}
    ```
    """

    code = "PF004"
    name = "non-finite-number"


class JsObjectLiteral(ParseCode):
    """Unquoted keys or single-quoted strings: a JavaScript object literal, not JSON.

    ## What it does
    Reports the first object key without double quotes, or the first string in single quotes,
    with the hint to quote the keys and use double quotes. The example on the Fireblocks
    documentation page "Create Workflow Execution" has exactly this problem.

    ## Why it matters
    Copying an example from documentation or from JavaScript code is the most common way to end
    up with such a body; the API refuses it.

    ## Example
    ```
    {
      "configId": "3f2d8c1e",
      failureHandling: {enabled: true, type: 'REVERSE'},
      "params": []
    }
    ```

    ## Use instead
    ```json
    {
      "configId": "3f2d8c1e",
      "failureHandling": {"enabled": true, "type": "REVERSE"},
      "params": []
    }
    ```
    """

    code = "PF005"
    name = "js-object-literal"


class DuplicateKey(ParseCode):
    """The same key twice in one object.

    ## What it does
    Reports every repeated key of an object at its second (and later) occurrence. The rest of
    the lint continues with the last value, as most JSON parsers keep it.

    ## Why it matters
    RFC 8259 leaves the meaning open: one parser keeps the first value, another the last. A
    payment request with two `amount`s is ambiguous, and which one the platform pays is not
    yours to guess.

    ## Example
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "100", "amount": "1000"}}]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF006"
    name = "duplicate-key"


class InvalidUtf8(ParseCode):
    """The bytes are not valid UTF-8.

    ## What it does
    Reports the line and column of the first byte that is not UTF-8, and says so when the file
    looks like UTF-16 (a UTF-16 byte order mark or NUL bytes).

    ## Why it matters
    RFC 8259 requires UTF-8 for JSON exchanged between systems; a Latin-1 or UTF-16 file
    is refused or, worse, read with mangled names.

    ## Example
    ```
    {"configId": "caf\\xe9"}      (the byte 0xE9 alone: Latin-1, not UTF-8)
    ```

    ## Use instead
    ```json
    {"configId": "café"}
    ```
    (saved as UTF-8)
    """

    code = "PF007"
    name = "invalid-utf8"


class EmptyDocument(ParseCode):
    """The file is empty or holds only whitespace.

    ## What it does
    Reports an input without any JSON value.

    ## Why it matters
    An empty body is usually a failed export or a redirect gone wrong; it is never a request.

    ## Example
    ```
    (an empty file)
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1",
      "executionParams": {"amount": "100"}}]}
    ```
    """

    code = "PF008"
    name = "empty-document"


class ByteOrderMark(ParseCode):
    """The file starts with a UTF-8 byte order mark.

    ## What it does
    Reports a leading U+FEFF as an error, then checks the rest of the document as if the mark
    were absent, so one run shows every problem.

    ## Why it matters
    RFC 8259 says JSON text must not start with a byte order mark. Parsers may ignore it, but the
    API's does not: the payflow sandbox (and the generated models) refuse such a body with 400,
    and the mark changes the bytes the request signature is computed over. A warning would let
    lint pass what the server refuses.

    ## Example
    ```
    \\ufeff{"configId": "3f2d8c1e", "params": []}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": []}
    ```
    (save as "UTF-8", not "UTF-8 with BOM")
    """

    code = "PF009"
    name = "byte-order-mark"


class NestingTooDeep(ParseCode):
    """Arrays and objects nested deeper than the limit (64 levels by default).

    ## What it does
    Stops parsing at the first container beyond the nesting limit.

    ## Why it matters
    A workflow-execution request nests about six levels deep. Thousands of levels are a broken
    generator or a hostile input; refusing them keeps the linter from exhausting its stack.

    ## Example
    ```
    {"configId": "3f2d8c1e", "params": [[[[[[[[ ... ]]]]]]]]}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": [{"configOperationId": "op-1"}]}
    ```
    """

    code = "PF010"
    name = "nesting-too-deep"


class FileTooLarge(ParseCode):
    """The document is larger than the size limit (16 MiB by default).

    ## What it does
    Refuses to parse a document over the limit (`--max-bytes`).

    ## Why it matters
    A request with 5,000 disbursement instructions is about 600 KB; a document many times that
    size is not a request, and reading it would only cost memory and time.

    ## Example
    ```
    a 40 MB file
    ```

    ## Use instead
    ```
    split the payouts into several executions, each well under the limit
    ```
    """

    code = "PF011"
    name = "file-too-large"


class NumberTooLarge(ParseCode):
    """A number literal longer than the limit (100 characters).

    ## What it does
    Stops at a number with more than 100 characters.

    ## Why it matters
    No field of a request needs such a number (amounts are strings; slippage is at most 10000).
    Huge literals are a known way to make parsers spend quadratic time on conversion.

    ## Example
    ```
    {"configId": "3f2d8c1e", "params": [], "x": 1000000000000000000 ... (200 digits)}
    ```

    ## Use instead
    ```json
    {"configId": "3f2d8c1e", "params": []}
    ```
    """

    code = "PF012"
    name = "number-too-large"


PARSE_CODES: tuple[type[ParseCode], ...] = (
    JsonSyntax,
    TrailingComma,
    JsonComment,
    NonFiniteNumber,
    JsObjectLiteral,
    DuplicateKey,
    InvalidUtf8,
    EmptyDocument,
    ByteOrderMark,
    NestingTooDeep,
    FileTooLarge,
    NumberTooLarge,
)
