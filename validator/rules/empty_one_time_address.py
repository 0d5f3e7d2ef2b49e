from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class EmptyOneTimeAddress(Rule):
    """A one-time address that is empty or contains whitespace.

    ## What it does
    Reports a `destination` or `payeeAccount` of the form `{"oneTimeAddress": ...}` whose
    address is empty, blank, contains whitespace, or is not a string.

    ## Why it matters
    A one-time address is where money goes without a whitelisted account; an empty or padded
    address cannot be paid, and a pasted address with a stray space may be read differently.

    ## Example
    ```json
    {"payeeAccount": {"oneTimeAddress": ""}, "assetId": "USDC", "amount": "10"}
    ```

    ## Use instead
    ```json
    {"payeeAccount": {"oneTimeAddress": "0xb794f5ea0ba39494ce839613fffba74279579268"},
     "assetId": "USDC", "amount": "10"}
    ```
    """

    code = "PF215"
    name = "empty-one-time-address"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for account, pointer, role in ctx.accounts():
            if not isinstance(account, dict) or "oneTimeAddress" not in account:
                continue
            value = account["oneTimeAddress"]
            where = f"{pointer}/oneTimeAddress"
            if not isinstance(value, str):
                yield self.finding(f"{role}: oneTimeAddress must be a string", where)
            elif not value.strip():
                yield self.finding(f"{role}: oneTimeAddress is empty", where)
            elif any(ch.isspace() for ch in value):
                yield self.finding(
                    f"{role}: oneTimeAddress {value!r} contains whitespace",
                    where,
                    f'write "{"".join(value.split())}"' if value.strip() == value.strip() else None,
                )
