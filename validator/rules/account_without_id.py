from __future__ import annotations

from collections.abc import Iterator

from payflow.validator.context import LintContext
from payflow.validator.findings import Finding
from payflow.validator.rules.base import Rule


class AccountWithoutId(Rule):
    """An account without `accountId`.

    ## What it does
    Reports a `source`, `destination`, `paymentAccount` or `payeeAccount` that has an
    `accountType` but no (or an empty) `accountId`.

    ## Why it matters
    The type alone does not say which account to debit or pay; the platform refuses it
    (`ACCOUNT_NOT_FOUND`).

    ## Example
    ```json
    {"payeeAccount": {"accountType": "VAULT_ACCOUNT"}, "assetId": "USDC", "amount": "10"}
    ```

    ## Use instead
    ```json
    {"payeeAccount": {"accountId": "vault-payroll-1", "accountType": "VAULT_ACCOUNT"},
     "assetId": "USDC", "amount": "10"}
    ```
    """

    code = "PF213"
    name = "account-without-id"
    layer = "request"
    schema_enforced = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for account, pointer, role in ctx.accounts():
            if not isinstance(account, dict) or "oneTimeAddress" in account:
                continue
            value = account.get("accountId")
            if "accountId" not in account:
                yield self.finding(f"{role} has no accountId", f"{pointer}/accountId")
            elif isinstance(value, str) and not value.strip():
                yield self.finding(f"{role} has an empty accountId", f"{pointer}/accountId")
