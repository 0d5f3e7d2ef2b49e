"""Executions: merging the request into the configuration, and what each operation computes.

Precedence of values (as the platform documents it): the execution's values > the
configuration's > the output of the previous operation. Amounts are Decimals end to end;
percentages of a disbursement are shares of the amount that reaches it, rounded down to the
asset's decimals so a flow never pays out more than it received.

``compute`` serves both the preview (a quote at the fixed demo rate) and the execution (the
market's slippage applied, balances checked, ledger legs produced).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from payflow.sandbox import pricing
from payflow.sandbox.accounts import FEE_ACCOUNT, SANCTIONED_PREFIX, external_account_id
from payflow.sandbox.validation import Flow, failure, is_one_time

__all__ = ["Outcome", "compute", "effective_params", "request_shape", "screen"]

PREVIEW_SECONDS = {"CONVERSION": 5, "TRANSFER": 30, "DISBURSEMENT": 30}

Balance = Callable[[str, str], Decimal]


def request_shape(request: Mapping[str, Any]) -> str:
    """'v1' when an executionParams carries more than an amount, else 'v2' (same meaning)."""
    for item in request.get("params", ()):
        if set(item.get("executionParams") or {}) - {"amount"}:
            return "v1"
    return "v2"


def effective_params(
    config_params: Mapping[str, Any], item: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The configuration's params with one request ``params[]`` item applied over them."""
    params = copy.deepcopy(dict(config_params))
    if item:
        params.update(copy.deepcopy(item.get("configOverrideParams") or {}))
        params.update(copy.deepcopy(item.get("executionParams") or {}))
    return params


@dataclass
class Outcome:
    """What one operation did (or would do)."""

    input: dict[str, Any]
    output: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None
    flow: Flow = field(default_factory=Flow)
    legs: list[tuple[str, str, str, Decimal]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # txId / payoutId


def _ledger_account(destination: Mapping[str, Any]) -> str:
    if is_one_time(destination):
        return external_account_id(destination["oneTimeAddress"])
    return destination["accountId"]


def _amount(p: Mapping[str, Any], flow: Flow) -> Decimal | None:
    return Decimal(p["amount"]) if "amount" in p else flow.amount


def _money(amount: Decimal, asset: str) -> dict[str, str]:
    return {"amount": pricing.fmt(amount), "assetId": asset}


def _conversion(
    p: Mapping[str, Any], flow: Flow, execute: bool, balance: Balance | None
) -> Outcome:
    amount = _amount(p, flow)
    account_id = p.get("accountId") or (flow.account or {})["accountId"]
    src = p.get("srcAssetId") or flow.asset
    dst = p["destAssetId"]
    tolerance = p.get("slippageBasisPoints", pricing.DEFAULT_SLIPPAGE_BPS)
    assert amount is not None and src is not None  # validation guarantees both
    inp = {
        "amount": p["amount"] if "amount" in p else pricing.fmt(amount),
        "accountId": account_id,
        "srcAssetId": src,
        "destAssetId": dst,
        "slippageBasisPoints": tolerance,
    }
    out = Outcome(input=inp)
    if pricing.conversion_too_small(amount, src):
        out.failure = failure("AMOUNT_TOO_SMALL", minimumUsd="1", amount=inp["amount"], assetId=src)
        return out
    market = pricing.market_slippage_bps(src, dst)
    if execute:
        available = balance(account_id, src) if balance else amount
        if available < amount:
            out.failure = failure(
                "INSUFFICIENT_FUNDS",
                accountId=account_id,
                assetId=src,
                required=pricing.fmt(amount),
                available=pricing.fmt(available),
            )
            return out
        if market > tolerance:
            out.failure = failure(
                "SLIPPAGE_EXCEEDED",
                maxSlippageBasisPoints=tolerance,
                actualSlippageBasisPoints=market,
            )
            return out
    converted, fee = pricing.convert(amount, src, dst, market if execute else 0)
    out.output = {
        "amount": _money(converted, dst),
        "fee": _money(fee, src),
        "conversionRate": pricing.fmt_rate(pricing.rate(src, dst)),
    }
    if not execute:
        out.output["timeSeconds"] = PREVIEW_SECONDS["CONVERSION"]
    out.legs = [
        ("debit", account_id, src, -amount),
        ("credit", account_id, dst, converted),
        ("fee", FEE_ACCOUNT, src, fee),
    ]
    account = {"accountId": account_id, "accountType": "EXCHANGE_ACCOUNT"}
    out.flow = Flow(asset=dst, account=account, amount=converted, gives_amount=True)
    return out


def _transfer(p: Mapping[str, Any], flow: Flow, execute: bool, balance: Balance | None) -> Outcome:
    amount = _amount(p, flow)
    asset = p.get("assetId") or flow.asset
    source = p.get("source") or flow.account
    dest = p["destination"]
    assert amount is not None and asset is not None and source is not None
    inp = {
        "amount": p["amount"] if "amount" in p else pricing.fmt(amount),
        "assetId": asset,
        "source": source,
        "destination": dest,
    }
    out = Outcome(input=inp)
    fee = pricing.network_fee(asset)
    tx_id = str(uuid.uuid4())
    if execute:
        out.extra["txId"] = tx_id
        available = balance(source["accountId"], asset) if balance else amount + fee
        if available < amount + fee:
            out.failure = failure(
                "TRANSACTION_FAILED",
                txId=tx_id,
                txStatus="FAILED",
                txSubStatus="INSUFFICIENT_FUNDS",
            )
            return out
    out.output = {"amount": _money(amount, asset), "fee": _money(fee, asset)}
    if not execute:
        out.output["isSignRequired"] = source.get("accountType") == "VAULT_ACCOUNT"
        out.output["timeSeconds"] = PREVIEW_SECONDS["TRANSFER"]
    out.legs = [
        ("debit", source["accountId"], asset, -(amount + fee)),
        ("credit", _ledger_account(dest), asset, amount),
        ("fee", FEE_ACCOUNT, asset, fee),
    ]
    out.flow = Flow(asset=asset, account=dest, amount=amount, gives_amount=True)
    return out


def _disbursement(
    p: Mapping[str, Any], flow: Flow, execute: bool, balance: Balance | None
) -> Outcome:
    base = _amount(p, flow)
    payer = p.get("paymentAccount") or flow.account
    assert payer is not None
    instructions = p["instructionSet"]
    inp: dict[str, Any] = {"paymentAccount": payer, "instructionSet": instructions}
    if base is not None:
        inp["amount"] = p["amount"] if "amount" in p else pricing.fmt(base)
    out = Outcome(input=inp)
    paid: list[tuple[Decimal, Decimal, str, Mapping[str, Any]]] = []
    for ins in instructions:
        asset = ins["assetId"]
        if "amount" in ins:
            value = Decimal(ins["amount"])
        else:
            assert base is not None
            value = pricing.quantize_down(base * Decimal(ins["percentage"]) / 100, asset)
        paid.append((value, pricing.network_fee(asset), asset, ins["payeeAccount"]))
    if any(value <= 0 for value, *_ in paid):
        out.failure = failure("INVALID_AMOUNT", detail="an instruction resolves to a zero amount")
        return out
    if base is not None and flow.asset is not None:
        total = sum((value for value, _, asset, _ in paid if asset == flow.asset), Decimal(0))
        if total > base:
            out.failure = failure(
                "INVALID_AMOUNT",
                detail="the instructions pay out more than the amount that reaches them",
                assetId=flow.asset,
                required=pricing.fmt(total),
                available=pricing.fmt(base),
            )
            return out
    if execute:
        out.extra["payoutId"] = str(uuid.uuid4())
        needed: dict[str, Decimal] = {}
        for value, fee, asset, _ in paid:
            needed[asset] = needed.get(asset, Decimal(0)) + value + fee
        for asset, required in sorted(needed.items()):
            available = balance(payer["accountId"], asset) if balance else required
            if available < required:
                out.failure = failure(
                    "INSUFFICIENT_FUNDS",
                    accountId=payer["accountId"],
                    assetId=asset,
                    required=pricing.fmt(required),
                    available=pricing.fmt(available),
                )
                return out
    rows = []
    for index, (value, fee, asset, payee) in enumerate(paid):
        row: dict[str, Any] = {
            "amount": _money(value, asset),
            "fee": _money(fee, asset),
            "payeeAccount": payee,
        }
        if not execute:
            row["timeSeconds"] = PREVIEW_SECONDS["DISBURSEMENT"]
        rows.append(row)
        out.legs += [
            (f"pay:{index}", payer["accountId"], asset, -(value + fee)),
            (f"receive:{index}", _ledger_account(payee), asset, value),
            (f"fee:{index}", FEE_ACCOUNT, asset, fee),
        ]
    out.output = {"instructionSet": rows}
    return out


_COMPUTE = {"CONVERSION": _conversion, "TRANSFER": _transfer, "DISBURSEMENT": _disbursement}


def compute(
    kind: str,
    params: Mapping[str, Any],
    flow: Flow,
    *,
    execute: bool,
    balance: Balance | None = None,
) -> Outcome:
    """Preview (``execute=False``) or execute one operation."""
    return _COMPUTE[kind](params, flow, execute, balance)


def screen(operations: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """AML verdicts for every payment the previewed operations make; (verdicts, rejected)."""
    verdicts: list[dict[str, Any]] = []
    for op in operations:
        output = (op.get("preview") or {}).get("output") or {}
        payments = []
        if op["operationType"] == "TRANSFER" and output:
            payments.append((op["preview"]["input"]["destination"], output["amount"]))
        elif op["operationType"] == "DISBURSEMENT":
            payments += [
                (row["payeeAccount"], row["amount"]) for row in output.get("instructionSet", ())
            ]
        for account, money in payments:
            flagged = is_one_time(account) and account["oneTimeAddress"].lower().startswith(
                SANCTIONED_PREFIX
            )
            verdict: dict[str, Any] = {
                "verdict": "REJECTED" if flagged else "PASSED",
                "executionOperationId": op["operationId"],
                "account": account,
                "assetId": money["assetId"],
                "amount": money["amount"],
            }
            if flagged:
                verdict["matchedRule"] = {"action": "BLOCK", "category": ["SANCTIONS"]}
            verdicts.append(verdict)
    return verdicts, any(v["verdict"] == "REJECTED" for v in verdicts)
