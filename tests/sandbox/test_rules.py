"""Unit tests of the business rules and the demo market (no server)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payflow.sandbox import pricing
from payflow.sandbox.accounts import DEMO_ACCOUNTS
from payflow.sandbox.flows import compute, effective_params, request_shape
from payflow.sandbox.lifecycle import EXEC, IllegalTransition, move
from payflow.sandbox.validation import Flow, check_operations

ACCOUNTS = {account_id: kind for account_id, (kind, _) in DEMO_ACCOUNTS.items()}
MAIN = {"accountId": "exchange-main", "accountType": "EXCHANGE_ACCOUNT"}


def _reasons(operations: list[tuple[str, dict]], complete: bool) -> list[str | None]:
    return [
        None if problem is None else problem["reason"]
        for problem in check_operations(operations, ACCOUNTS, complete=complete)
    ]


def test_empty_instruction_set_is_a_validation_failure() -> None:
    # The schema refuses it first (minItems), but the rule stands on its own.
    ops = [("DISBURSEMENT", {"paymentAccount": MAIN, "instructionSet": []})]
    assert _reasons(ops, complete=False) == ["INSTRUCTIONS_ARRAY_EMPTY"]


def test_template_values_may_wait_for_the_execution() -> None:
    ops = [("CONVERSION", {"destAssetId": "USDC"})]
    assert _reasons(ops, complete=False) == [None]
    assert _reasons(ops, complete=True) == ["MANAGED_OPERATION_PARAMS_INVALID_SCHEMA"]
    full = [
        ("CONVERSION", {"destAssetId": "USDC", "srcAssetId": "USD", "accountId": "exchange-main"})
    ]
    assert _reasons(full, complete=True) == ["INVALID_AMOUNT"]
    assert _reasons([("CONVERSION", {**full[0][1], "amount": "1"})], complete=True) == [None]


def test_percentages_sum_exactly() -> None:
    def pay(share: str) -> dict:
        return {"payeeAccount": {"oneTimeAddress": "0x1"}, "assetId": "USDC", "percentage": share}

    at_limit = [
        ("DISBURSEMENT", {"paymentAccount": MAIN, "instructionSet": [pay("33.3"), pay("66.7")]})
    ]
    over = [
        ("DISBURSEMENT", {"paymentAccount": MAIN, "instructionSet": [pay("33.3"), pay("66.71")]})
    ]
    assert _reasons(at_limit, complete=False) == [None]  # 0.1 + 0.2 style float error impossible
    assert _reasons(over, complete=False) == ["INSTRUCTIONS_EXCEED_HUNDRED_PERCENT"]


def test_percentages_resolve_with_exact_decimals_rounded_down() -> None:
    params = {
        "paymentAccount": MAIN,
        "amount": "100.00",
        "instructionSet": [
            {
                "payeeAccount": {"oneTimeAddress": "0x1"},
                "assetId": "USDC",
                "percentage": "33.3333333",
            },
            {
                "payeeAccount": {"oneTimeAddress": "0x2"},
                "assetId": "USD",
                "percentage": "33.3333333",
            },
        ],
    }
    outcome = compute("DISBURSEMENT", params, Flow(), execute=False)
    amounts = [row["amount"]["amount"] for row in outcome.output["instructionSet"]]  # type: ignore[index]
    assert amounts == ["33.333333", "33.33"]  # USDC has 6 decimals, USD 2; never rounded up


def test_conversion_quote_and_fee() -> None:
    converted, fee = pricing.convert(Decimal("10000.00"), "USD", "USDC")
    assert (converted, fee) == (Decimal("9985.000000"), Decimal("15.00"))
    converted, fee = pricing.convert(Decimal("1"), "ETH", "USDC", slippage_bps=30)
    assert fee == Decimal("0.001500000000000000")
    assert converted == Decimal("2986.513500")  # 0.9985 ETH * 3000 = 2995.5, less 30 bps
    assert pricing.fmt(Decimal("9985.000000")) == "9985.00"
    assert pricing.fmt(Decimal("3990.006000")) == "3990.006"
    assert pricing.fmt_rate(pricing.rate("USD", "ETH")) == "0.000333333333"


def test_request_shape_and_precedence() -> None:
    assert request_shape({"params": [{"executionParams": {"amount": "1"}}]}) == "v2"
    assert (
        request_shape({"params": [{"executionParams": {"amount": "1", "accountId": "a"}}]}) == "v1"
    )
    merged = effective_params(
        {"srcAssetId": "USD", "destAssetId": "USDC", "slippageBasisPoints": 50},
        {"configOverrideParams": {"slippageBasisPoints": 100}, "executionParams": {"amount": "5"}},
    )
    assert merged == {
        "srcAssetId": "USD",
        "destAssetId": "USDC",
        "slippageBasisPoints": 100,
        "amount": "5",
    }


def test_moves_follow_the_lifecycle_data() -> None:
    doc = {"status": EXEC.initial}
    with pytest.raises(IllegalTransition):
        move(EXEC, doc, "EXECUTION_COMPLETED")
    move(EXEC, doc, "VALIDATION_IN_PROGRESS")
    assert doc["status"] == "VALIDATION_IN_PROGRESS"
