"""The seeded demo accounts and their opening balances.

What they are for:

- ``exchange-main`` (EXCHANGE_ACCOUNT) is the treasury: USD 1,000,000 plus stablecoins, EUR, ETH
  and BTC. ``examples/configuration-request.json`` converts USD to USDC here and pays out of it.
- ``vault-payroll-1``, ``vault-payroll-2`` (VAULT_ACCOUNT) and ``exchange-partner``,
  ``exchange-treasury`` (EXCHANGE_ACCOUNT, as in the documentation's example) are payees.
- ``vault-treasury`` (VAULT_ACCOUNT) holds USDC and ETH, a source for transfers.
- ``exchange-low`` (EXCHANGE_ACCOUNT) holds only USD 100 and USDC 10: converting or paying more
  from it fails at execution with INSUFFICIENT_FUNDS.
- ``wallet-external`` (UNMANAGED_WALLET) cannot be a source
  (UNMANAGED_WALLET_AS_SOURCE_NOT_ALLOWED); ``fiat-main`` (FIAT_ACCOUNT) and
  ``network-partner`` (NETWORK_CONNECTION) complete the account types.

Any other account id is unknown (ACCOUNT_NOT_FOUND), as is a known id given with the wrong
accountType. One-time addresses are accepted as destinations; those starting with ``0xbad``
are on the demo sanctions list, so pre-screening rejects them (SCREENING_REJECTED).
"""

from __future__ import annotations

__all__ = ["DEMO_ACCOUNTS", "FEE_ACCOUNT", "SANCTIONED_PREFIX", "external_account_id"]

#: accountId -> (accountType, {assetId: opening balance})
DEMO_ACCOUNTS: dict[str, tuple[str, dict[str, str]]] = {
    "exchange-main": (
        "EXCHANGE_ACCOUNT",
        {
            "USD": "1000000",
            "USDC": "250000",
            "USDT": "100000",
            "EUR": "500000",
            "EURC": "100000",
            "ETH": "100",
            "BTC": "10",
        },
    ),
    "exchange-partner": ("EXCHANGE_ACCOUNT", {"USDC": "0"}),
    "exchange-treasury": ("EXCHANGE_ACCOUNT", {"USDC": "50000", "USD": "50000"}),
    "exchange-low": ("EXCHANGE_ACCOUNT", {"USD": "100", "USDC": "10"}),
    "vault-payroll-1": ("VAULT_ACCOUNT", {"USDC": "0"}),
    "vault-payroll-2": ("VAULT_ACCOUNT", {"USDC": "0"}),
    "vault-treasury": ("VAULT_ACCOUNT", {"USDC": "100000", "ETH": "50"}),
    "wallet-external": ("UNMANAGED_WALLET", {"USDC": "1000"}),
    "fiat-main": ("FIAT_ACCOUNT", {"USD": "1000000", "EUR": "1000000"}),
    "network-partner": ("NETWORK_CONNECTION", {"USDC": "0"}),
}

#: Where fees go (a ledger account, not addressable through the API).
FEE_ACCOUNT = "sandbox:fees"

#: One-time addresses starting with this (case-insensitive) fail AML pre-screening.
SANCTIONED_PREFIX = "0xbad"


def external_account_id(one_time_address: str) -> str:
    """Ledger account of a one-time address (credited, never debited)."""
    return f"external:{one_time_address}"
