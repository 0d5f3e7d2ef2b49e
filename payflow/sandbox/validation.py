"""Business validation of operations: the failure reasons the platform reports per operation.

The schema already guarantees shapes; these checks need the demo accounts, the market and the
order of operations (what one operation hands to the next). They run on a configuration (values
may still be missing: the execution supplies them) and again on an execution, with the
configuration's values, the execution's overrides and amounts merged (``complete=True``: every
value must then be known).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from payflow import schemas
from payflow.sandbox import pricing

__all__ = ["OP_FIELDS", "Flow", "check_operations", "failure", "is_one_time", "same_destination"]


def _op_fields() -> dict[str, frozenset[str]]:
    defs = schemas.load("common.schema.json")["$defs"]
    return {
        kind: frozenset(defs[name]["properties"])
        for kind, name in (
            ("CONVERSION", "ConversionOperationParams"),
            ("TRANSFER", "TransferOperationParams"),
            ("DISBURSEMENT", "DisbursementOperationParams"),
        )
    }


#: Operation type -> the fields it takes (from the schema, not a second copy).
OP_FIELDS = _op_fields()


@dataclass(frozen=True)
class Flow:
    """What an operation hands to the next one."""

    asset: str | None = None
    account: dict[str, Any] | None = None  # Account or one-time address
    amount: Decimal | None = None  # known when previewing or executing
    gives_amount: bool = False  # the previous operation produces an amount

    def to_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "account": self.account,
            "amount": None if self.amount is None else str(self.amount),
            "givesAmount": self.gives_amount,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Flow:
        amount = raw.get("amount")
        return cls(
            asset=raw.get("asset"),
            account=raw.get("account"),
            amount=None if amount is None else Decimal(amount),
            gives_amount=bool(raw.get("givesAmount")),
        )


def failure(reason: str, **data: Any) -> dict[str, Any]:
    return {"reason": reason, "data": data}


def is_one_time(destination: Mapping[str, Any] | None) -> bool:
    return bool(destination) and "oneTimeAddress" in destination  # type: ignore[operator]


def same_destination(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if not a or not b:
        return False
    if is_one_time(a) or is_one_time(b):
        return a.get("oneTimeAddress") == b.get("oneTimeAddress")
    return a.get("accountId") == b.get("accountId")


def _account_problem(
    account: Mapping[str, Any], accounts: Mapping[str, str], **where: Any
) -> dict[str, Any] | None:
    if is_one_time(account):
        return None
    known = accounts.get(account["accountId"])
    if known is None or known != account["accountType"]:
        return failure(
            "ACCOUNT_NOT_FOUND",
            accountId=account["accountId"],
            accountType=account["accountType"],
            **where,
        )
    return None


def _unexpected(kind: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    extra = sorted(set(params) - OP_FIELDS[kind])
    if extra:
        return failure(
            "MANAGED_OPERATION_PARAMS_INVALID_SCHEMA", operationType=kind, unexpectedFields=extra
        )
    return None


def _missing(*names: str) -> dict[str, Any]:
    return failure("MANAGED_OPERATION_PARAMS_INVALID_SCHEMA", missingFields=list(names))


def _first(*checks: dict[str, Any] | None) -> dict[str, Any] | None:
    return next((c for c in checks if c is not None), None)


def _conversion(p: Mapping[str, Any], flow: Flow, accounts: Mapping[str, str], complete: bool):
    account_id = p.get("accountId") or (flow.account or {}).get("accountId")
    src = p.get("srcAssetId") or flow.asset
    dst = p.get("destAssetId")
    problems: list[dict[str, Any] | None] = [_unexpected("CONVERSION", p)]
    if src and src == dst:
        problems.append(failure("EQUAL_ASSETS_NOT_ALLOWED", assetId=src))
    for asset in (src, dst):
        if asset and not pricing.known_asset(asset):
            problems.append(failure("ASSET_NOT_FOUND", assetId=asset))
    if is_one_time(flow.account):
        problems.append(failure("ONE_TIME_ADDRESS_CONTINUITY_NOT_ALLOWED"))
    if p.get("accountId"):
        kind = accounts.get(p["accountId"])
        if kind is None:
            problems.append(failure("ACCOUNT_NOT_FOUND", accountId=p["accountId"]))
        elif kind != "EXCHANGE_ACCOUNT":
            problems.append(
                failure("ACCOUNT_IS_NOT_EXCHANGE", accountId=p["accountId"], accountType=kind)
            )
        if (
            flow.account
            and not is_one_time(flow.account)
            and flow.account.get("accountId") != p["accountId"]
        ):
            problems.append(
                failure(
                    "ACCOUNTS_CONTINUITY_MISMATCH",
                    expected=flow.account.get("accountId"),
                    actual=p["accountId"],
                )
            )
    if flow.asset and p.get("srcAssetId") and p["srcAssetId"] != flow.asset:
        problems.append(
            failure("ASSETS_CONTINUITY_MISMATCH", expected=flow.asset, actual=p["srcAssetId"])
        )
    known = src and dst and pricing.known_asset(src) and pricing.known_asset(dst)
    if known and src != dst and not pricing.can_convert(src, dst):
        problems.append(failure("ASSETS_CAN_NOT_CONVERTED", srcAssetId=src, destAssetId=dst))
    if complete:
        if not account_id:
            problems.append(_missing("accountId"))
        if not src:
            problems.append(_missing("srcAssetId"))
        if "amount" not in p and not flow.gives_amount:
            problems.append(
                failure("INVALID_AMOUNT", detail="no amount: give executionParams.amount")
            )
    account = {"accountId": account_id, "accountType": "EXCHANGE_ACCOUNT"} if account_id else None
    return _first(*problems), Flow(asset=dst, account=account, gives_amount=True)


def _transfer(p: Mapping[str, Any], flow: Flow, accounts: Mapping[str, str], complete: bool):
    source = p.get("source") or flow.account
    asset = p.get("assetId") or flow.asset
    dest = p.get("destination")
    problems: list[dict[str, Any] | None] = [_unexpected("TRANSFER", p)]
    if is_one_time(flow.account):
        problems.append(failure("ONE_TIME_ADDRESS_CONTINUITY_NOT_ALLOWED"))
    if asset and not pricing.known_asset(asset):
        problems.append(failure("ASSET_NOT_FOUND", assetId=asset))
    if p.get("source"):
        problems.append(_account_problem(p["source"], accounts, role="source"))
        if p["source"]["accountType"] == "UNMANAGED_WALLET":
            problems.append(
                failure(
                    "UNMANAGED_WALLET_AS_SOURCE_NOT_ALLOWED", accountId=p["source"]["accountId"]
                )
            )
    if dest:
        problems.append(_account_problem(dest, accounts, role="destination"))
        if same_destination(source, dest):
            problems.append(failure("EQUAL_ACCOUNTS_NOT_ALLOWED", role="destination"))
    if flow.account and p.get("source") and not same_destination(flow.account, p["source"]):
        problems.append(
            failure(
                "ACCOUNTS_CONTINUITY_MISMATCH",
                expected=flow.account.get("accountId"),
                actual=p["source"]["accountId"],
            )
        )
    if flow.asset and p.get("assetId") and p["assetId"] != flow.asset:
        problems.append(
            failure("ASSETS_CONTINUITY_MISMATCH", expected=flow.asset, actual=p["assetId"])
        )
    if complete:
        if not source:
            problems.append(_missing("source"))
        if not asset:
            problems.append(_missing("assetId"))
        if not dest:
            problems.append(_missing("destination"))
        if "amount" not in p and not flow.gives_amount:
            problems.append(
                failure("INVALID_AMOUNT", detail="no amount: give executionParams.amount")
            )
    return _first(*problems), Flow(asset=asset, account=dest, gives_amount=True)


def _disbursement(p: Mapping[str, Any], flow: Flow, accounts: Mapping[str, str], complete: bool):
    instructions = p.get("instructionSet") or []
    payer = p.get("paymentAccount") or flow.account
    problems: list[dict[str, Any] | None] = [_unexpected("DISBURSEMENT", p)]
    if not instructions:
        problems.append(failure("INSTRUCTIONS_ARRAY_EMPTY"))
    total = sum((Decimal(i["percentage"]) for i in instructions if "percentage" in i), Decimal(0))
    if total > 100:
        problems.append(failure("INSTRUCTIONS_EXCEED_HUNDRED_PERCENT", totalPercentage=str(total)))
    if is_one_time(flow.account):
        problems.append(failure("ONE_TIME_ADDRESS_CONTINUITY_NOT_ALLOWED"))
    for index, ins in enumerate(instructions):
        if not pricing.known_asset(ins["assetId"]):
            problems.append(
                failure("ASSET_NOT_FOUND", assetId=ins["assetId"], instructionIndex=index)
            )
    if p.get("paymentAccount"):
        problems.append(_account_problem(p["paymentAccount"], accounts, role="paymentAccount"))
        if p["paymentAccount"]["accountType"] == "UNMANAGED_WALLET":
            problems.append(
                failure(
                    "UNMANAGED_WALLET_AS_SOURCE_NOT_ALLOWED",
                    accountId=p["paymentAccount"]["accountId"],
                )
            )
    for index, ins in enumerate(instructions):
        problems.append(_account_problem(ins["payeeAccount"], accounts, instructionIndex=index))
        if same_destination(payer, ins["payeeAccount"]):
            problems.append(failure("EQUAL_ACCOUNTS_NOT_ALLOWED", instructionIndex=index))
    payment_account = p.get("paymentAccount")
    if flow.account and payment_account and not same_destination(flow.account, payment_account):
        problems.append(
            failure(
                "ACCOUNTS_CONTINUITY_MISMATCH",
                expected=flow.account.get("accountId"),
                actual=payment_account["accountId"],
            )
        )
    assets = {ins["assetId"] for ins in instructions}
    if flow.asset:
        for index, ins in enumerate(instructions):
            if ins["assetId"] != flow.asset:
                problems.append(
                    failure(
                        "ASSETS_CONTINUITY_MISMATCH",
                        expected=flow.asset,
                        actual=ins["assetId"],
                        instructionIndex=index,
                    )
                )
    elif len(assets) > 1 and total > 0:
        problems.append(
            failure(
                "ASSETS_CONTINUITY_MISMATCH",
                detail="percentage instructions need one asset for the amount they share",
                assets=sorted(assets),
            )
        )
    if complete:
        if not payer:
            problems.append(_missing("paymentAccount"))
        if total > 0 and "amount" not in p and not flow.gives_amount:
            problems.append(failure("INVALID_AMOUNT", detail="percentages need an amount to share"))
    return _first(*problems), Flow()


_CHECKS = {"CONVERSION": _conversion, "TRANSFER": _transfer, "DISBURSEMENT": _disbursement}


def check_operations(
    operations: list[tuple[str, Mapping[str, Any]]],
    accounts: Mapping[str, str],
    *,
    complete: bool,
) -> list[dict[str, Any] | None]:
    """The first failure of each operation (None when it passes), in order."""
    results: list[dict[str, Any] | None] = []
    flow = Flow()
    for kind, params in operations:
        problem, flow = _CHECKS[kind](params, flow, accounts, complete)
        results.append(problem)
    return results
