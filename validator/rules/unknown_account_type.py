from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule
from payflow.validator.shapes import suggest

from payflow import schemas


@cache
def account_types() -> tuple[str, ...]:
    return tuple(schemas.load("common.schema.json")["$defs"]["AccountType"]["enum"])


class UnknownAccountType(Rule):
    """An account whose `accountType` is missing or not a known type.

    ## What it does
    Reports an `accountType` that is not one of the types the schema lists
    (`EXCHANGE_ACCOUNT`, `UNMANAGED_WALLET`, `VAULT_ACCOUNT`, `NETWORK_CONNECTION`,
    `FIAT_ACCOUNT`), with the closest match, or an account that has none.

    ## Why it matters
    The platform looks accounts up by id *and* type; `"VAULT"` or `"vault_account"` is
    refused (`ACCOUNT_TYPE_NOT_SUPPORTED`).

    ## Example
    ```json
    {"paymentAccount": {"accountId": "exchange-main", "accountType": "EXCHANGE"}}
    ```

    ## Use instead
    ```json
    {"paymentAccount": {"accountId": "exchange-main", "accountType": "EXCHANGE_ACCOUNT"}}
    ```
    """

    code = "PF214"
    name = "unknown-account-type"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        known = account_types()
        for account, pointer, role in ctx.accounts():
            if not isinstance(account, dict) or "oneTimeAddress" in account:
                continue
            if "accountType" not in account:
                if "accountId" in account:
                    yield self.finding(
                        f"{role} has no accountType",
                        f"{pointer}/accountType",
                        "one of: " + ", ".join(known),
                    )
                continue
            value = account["accountType"]
            if value in known:
                continue
            guess = None
            if isinstance(value, str):
                guess = suggest(value, known) or next(
                    (k for k in known if k.startswith(value.upper())), None
                )
            yield self.finding(
                f"{role} has an unknown accountType {value!r}",
                f"{pointer}/accountType",
                f'did you mean "{guess}"?' if guess else "one of: " + ", ".join(known),
            )
