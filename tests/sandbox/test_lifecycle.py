"""The lifecycle in the background: configuration validation reasons, execution validation,
preview and execution with exact Decimal results, failures, REVERSE, and every refused
transition (422) - all over loopback against the shared sandbox."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from payflow.sandbox import Sandbox
from tests.sandbox.helpers import (
    FINAL_EXECUTION,
    Api,
    amount_only,
    config_request,
    conforms,
    execution_v1,
    execution_v2,
    held,
)

CONFIGS = "/payments/workflow_config"
EXECUTIONS = "/payments/workflow_execution"
EXCHANGE_MAIN = {"accountId": "exchange-main", "accountType": "EXCHANGE_ACCOUNT"}


def _conversion(**params: Any) -> dict[str, Any]:
    base = {"accountId": "exchange-main", "srcAssetId": "USD", "destAssetId": "USDC"}
    return {"type": "CONVERSION", "params": {**base, **params}}


def _disbursement(
    *instructions: dict[str, Any], payer: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": "DISBURSEMENT",
        "params": {"paymentAccount": payer or EXCHANGE_MAIN, "instructionSet": list(instructions)},
    }


def _pay(
    account_id: str, share: str, kind: str = "VAULT_ACCOUNT", asset: str = "USDC"
) -> dict[str, Any]:
    key = "percentage" if not share.startswith("$") else "amount"
    return {
        "payeeAccount": {"accountId": account_id, "accountType": kind},
        "assetId": asset,
        key: share.lstrip("$"),
    }


def _config(*operations: dict[str, Any], screening: bool = False) -> dict[str, Any]:
    return {
        "configName": "lifecycle-test",
        "preScreening": {"enabled": screening},
        "configOperations": list(operations),
    }


def _transfer(**params: Any) -> dict[str, Any]:
    return {"type": "TRANSFER", "params": params}


VAULT_1 = {"accountId": "vault-payroll-1", "accountType": "VAULT_ACCOUNT"}

# (configuration operations, index of the failing operation, expected reason)
CONFIG_FAILURES = {
    "equal-assets": ([_conversion(srcAssetId="USDC")], 0, "EQUAL_ASSETS_NOT_ALLOWED"),
    "over-100-percent": (
        [
            _conversion(),
            _disbursement(_pay("vault-payroll-1", "60"), _pay("vault-payroll-2", "40.5")),
        ],
        1,
        "INSTRUCTIONS_EXCEED_HUNDRED_PERCENT",
    ),
    "unknown-account": ([_conversion(accountId="exchange-nope")], 0, "ACCOUNT_NOT_FOUND"),
    "known-id-wrong-type": (
        [_conversion(), _disbursement(_pay("vault-payroll-1", "10", kind="EXCHANGE_ACCOUNT"))],
        1,
        "ACCOUNT_NOT_FOUND",
    ),
    "asset-continuity": (
        [_conversion(), _disbursement(_pay("vault-payroll-1", "10", asset="USDT"))],
        1,
        "ASSETS_CONTINUITY_MISMATCH",
    ),
    "account-continuity": (
        [
            _conversion(),
            _disbursement(
                _pay("vault-payroll-1", "10"),
                payer={"accountId": "exchange-treasury", "accountType": "EXCHANGE_ACCOUNT"},
            ),
        ],
        1,
        "ACCOUNTS_CONTINUITY_MISMATCH",
    ),
    "not-an-exchange": ([_conversion(accountId="vault-treasury")], 0, "ACCOUNT_IS_NOT_EXCHANGE"),
    "unknown-asset": ([_conversion(destAssetId="DOGE")], 0, "ASSET_NOT_FOUND"),
    "fiat-to-fiat": ([_conversion(destAssetId="EUR")], 0, "ASSETS_CAN_NOT_CONVERTED"),
    "unmanaged-source": (
        [
            _transfer(
                source={"accountId": "wallet-external", "accountType": "UNMANAGED_WALLET"},
                assetId="USDC",
                destination=VAULT_1,
            )
        ],
        0,
        "UNMANAGED_WALLET_AS_SOURCE_NOT_ALLOWED",
    ),
    "same-source-and-destination": (
        [_transfer(source=VAULT_1, assetId="USDC", destination=VAULT_1)],
        0,
        "EQUAL_ACCOUNTS_NOT_ALLOWED",
    ),
    "continue-from-one-time-address": (
        [
            _conversion(),
            _transfer(destination={"oneTimeAddress": "0xabc"}),
            _transfer(destination=VAULT_1),
        ],
        2,
        "ONE_TIME_ADDRESS_CONTINUITY_NOT_ALLOWED",
    ),
}


@pytest.mark.parametrize("case", sorted(CONFIG_FAILURES))
def test_configuration_validation_failure(api: Api, case: str) -> None:
    operations, failing, reason = CONFIG_FAILURES[case]
    created = api.create_config(_config(*operations))
    done = api.wait_config(created["configId"])
    assert done["status"] == "VALIDATION_FAILED"
    for index, op in enumerate(done["configOperations"]):
        if index == failing:
            assert op["status"] == "VALIDATION_FAILED"
            assert op["validationFailure"]["reason"] == reason, op
        else:
            assert op["status"] == "READY_FOR_EXECUTION", op
            assert "validationFailure" not in op
    conforms(api.get(f"{CONFIGS}/{created['configId']}"))
    # An execution of a configuration that failed validation is refused.
    refused = api.post(EXECUTIONS, {"configId": created["configId"], "params": []})
    assert refused.status_code == 422
    assert "VALIDATION_FAILED" in refused.json()["error"]["message"]


def test_configuration_moves_through_validation(api: Api, sandbox: Sandbox) -> None:
    seen = []
    with held(sandbox):
        created = api.create_config()
        seen.append(created["status"])
        seen.append(api.get(f"{CONFIGS}/{created['configId']}").json()["status"])
    done = api.wait_config(created["configId"])
    assert seen == ["PENDING", "PENDING"]
    assert done["status"] == "READY_FOR_EXECUTION"


def _ledger_by_account(sandbox: Sandbox, execution_id: str) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = {}
    for row in sandbox.ledger(execution_id):
        key = (row["account_id"], row["asset_id"])
        totals[key] = totals.get(key, Decimal(0)) + row["delta"]
    return totals


def test_example_flow_previews_and_executes_exactly(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    created = api.create_execution(execution_v2(config))
    assert created["status"] == "PENDING"
    assert [op["operationType"] for op in created["executionOperations"]] == [
        "SCREENING",
        "CONVERSION",
        "DISBURSEMENT",
    ]
    ready = api.wait_execution(created["executionId"])
    assert ready["status"] == "READY_FOR_LAUNCH"
    conversion, disbursement = ready["executionOperations"][1:]
    assert conversion["preview"]["output"] == {
        "amount": {"amount": "9985.00", "assetId": "USDC"},
        "fee": {"amount": "15.00", "assetId": "USD"},
        "conversionRate": "1",
        "timeSeconds": 5,
    }
    assert conversion["preview"]["input"]["slippageBasisPoints"] == 100  # the override wins
    preview = [
        row["amount"]["amount"] for row in disbursement["preview"]["output"]["instructionSet"]
    ]
    assert preview == ["1500.00", "3994.00", "2546.175"]  # 40 % and 25.5 % of 9985.00

    launched = api.launch(created["executionId"])
    assert launched.json()["status"] == "EXECUTION_IN_PROGRESS"
    done = api.wait_execution(created["executionId"], FINAL_EXECUTION)
    assert done["status"] == "EXECUTION_COMPLETED", done
    assert all(op["status"] == "EXECUTION_COMPLETED" for op in done["executionOperations"])
    screening, conversion, disbursement = done["executionOperations"]
    assert {v["verdict"] for v in screening["execution"]["output"]["verdicts"]} == {"PASSED"}
    # 10 bps market slippage at execution: 9985.00 * 0.999 = 9975.015.
    assert conversion["execution"]["output"]["amount"] == {"amount": "9975.015", "assetId": "USDC"}
    paid = [
        row["amount"]["amount"] for row in disbursement["execution"]["output"]["instructionSet"]
    ]
    assert paid == ["1500.00", "3990.006", "2543.628825"]
    assert done["finishedAt"] >= done["triggeredAt"]

    moved = _ledger_by_account(sandbox, created["executionId"])
    assert moved[("exchange-main", "USD")] == Decimal("-10000.00")
    assert moved[("exchange-main", "USDC")] == Decimal("9975.015") - Decimal("8036.634825")
    assert moved[("vault-payroll-2", "USDC")] == Decimal("3990.006")
    assert moved[("external:0xb794f5ea0ba39494ce839613fffba74279579268", "USDC")] == Decimal(
        "2543.628825"
    )
    assert moved[("sandbox:fees", "USDC")] == Decimal(3)


def test_v1_request_overrides_the_instruction_set(api: Api) -> None:
    config = api.ready_config()
    done = api.run_to_end(execution_v1(config))
    assert done["status"] == "EXECUTION_COMPLETED"
    assert done["preScreening"] == {"enabled": False}
    rows = done["executionOperations"][1]["execution"]["output"]["instructionSet"]
    assert [r["payeeAccount"]["accountId"] for r in rows] == ["vault-payroll-1", "vault-payroll-2"]


def test_documentation_example_payees_are_seeded(api: Api) -> None:
    from tests.sandbox.helpers import example

    config = api.ready_config()
    body = copy.deepcopy(example("execution-request.v2.docs.json"))
    body["configId"] = config["configId"]
    for item, op in zip(body["params"], config["configOperations"], strict=True):
        item["configOperationId"] = op["operationId"]
    done = api.run_to_end(body)
    assert done["status"] == "EXECUTION_COMPLETED", done
    disbursement = done["executionOperations"][1]["execution"]
    assert disbursement["input"]["amount"] == "5000"  # the execution's amount wins
    paid = {
        row["payeeAccount"]["accountId"]: row["amount"]["amount"]
        for row in disbursement["output"]["instructionSet"]
    }
    assert paid == {"exchange-partner": "1200.00", "exchange-treasury": "1000.00"}


def test_missing_amount_fails_validation(api: Api) -> None:
    config = api.ready_config()
    done = api.run_to_ready({"configId": config["configId"], "params": []})
    assert done["status"] == "VALIDATION_FAILED"
    assert done["executionOperations"][0]["validationFailure"]["reason"] == "INVALID_AMOUNT"
    conforms(api.get(f"{EXECUTIONS}/{done['executionId']}"))


def test_fields_of_another_operation_type_fail_validation(api: Api) -> None:
    config = api.ready_config()
    body = amount_only(config, "100")
    body["params"][0]["executionParams"]["instructionSet"] = config["configOperations"][1][
        "params"
    ]["instructionSet"]
    done = api.run_to_ready(body)
    assert done["status"] == "VALIDATION_FAILED"
    failure = done["executionOperations"][0]["validationFailure"]
    assert failure["reason"] == "MANAGED_OPERATION_PARAMS_INVALID_SCHEMA"
    assert failure["data"]["unexpectedFields"] == ["instructionSet"]


def test_amount_too_small_fails_preview(api: Api) -> None:
    config = api.ready_config()
    done = api.run_to_ready(amount_only(config, "0.50"))
    assert done["status"] == "PREVIEW_FAILED"
    conversion, disbursement = done["executionOperations"]
    assert conversion["preview"]["failure"]["reason"] == "AMOUNT_TOO_SMALL"
    assert disbursement["status"] == "PREVIEW_FAILED"
    conforms(api.get(f"{EXECUTIONS}/{done['executionId']}"))
    refused = api.launch(done["executionId"])
    assert refused.status_code == 422
    assert "never be launched or reused" in refused.json()["error"]["message"]


def test_instructions_above_the_amount_fail_preview(api: Api) -> None:
    config = api.ready_config()  # 1500.00 fixed + 65.5 % of what the conversion gives
    done = api.run_to_ready(amount_only(config, "2000"))
    assert done["status"] == "PREVIEW_FAILED"
    failure = done["executionOperations"][1]["preview"]["failure"]
    assert failure["reason"] == "INVALID_AMOUNT"
    assert failure["data"]["available"] == "1997.00"


def test_insufficient_funds_fails_execution(api: Api, sandbox: Sandbox) -> None:
    low = {"accountId": "exchange-low", "accountType": "EXCHANGE_ACCOUNT"}
    config = api.ready_config(
        _config(
            _conversion(accountId="exchange-low"),
            _disbursement(_pay("vault-payroll-1", "50"), payer=low),
        )
    )
    done = api.run_to_end(amount_only(config, "5000"))
    assert done["status"] == "EXECUTION_FAILED"
    conversion, disbursement = done["executionOperations"]
    failure = conversion["execution"]["failure"]
    assert failure["reason"] == "INSUFFICIENT_FUNDS"
    assert failure["data"]["available"] == "100.00"
    assert disbursement["status"] == "EXECUTION_FAILED" and "execution" not in disbursement
    assert sandbox.ledger(done["executionId"]) == []  # nothing moved
    conforms(api.get(f"{EXECUTIONS}/{done['executionId']}"))


def test_slippage_below_the_market_fails_execution(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    body = execution_v2(config)
    body["params"][0]["configOverrideParams"] = {"slippageBasisPoints": 5}
    done = api.run_to_end(body)
    assert done["status"] == "EXECUTION_FAILED"
    failure = done["executionOperations"][1]["execution"]["failure"]
    assert failure["reason"] == "SLIPPAGE_EXCEEDED"
    assert failure["data"]["maxSlippageBasisPoints"] == 5
    assert failure["data"]["actualSlippageBasisPoints"] == 10
    assert failure["data"]["reversed"] is False  # failureHandling on, nothing done to undo
    assert sandbox.ledger(done["executionId"]) == []


def test_screening_rejects_a_sanctioned_address(api: Api, sandbox: Sandbox) -> None:
    sanctioned = {
        "payeeAccount": {"oneTimeAddress": "0xbad0000000000000000000000000000000000001"},
        "assetId": "USDC",
        "percentage": "10",
    }
    config = api.ready_config(_config(_conversion(), _disbursement(sanctioned), screening=True))
    done = api.run_to_end(amount_only(config, "1000"))
    assert done["status"] == "EXECUTION_FAILED"
    screening = done["executionOperations"][0]
    assert screening["operationType"] == "SCREENING"
    assert screening["execution"]["failure"]["reason"] == "SCREENING_REJECTED"
    assert screening["execution"]["failure"]["data"]["verdicts"][0]["verdict"] == "REJECTED"
    assert sandbox.ledger(done["executionId"]) == []
    conforms(api.get(f"{EXECUTIONS}/{done['executionId']}"))


@pytest.mark.parametrize("reverse", [True, False])
def test_failure_handling_reverse_undoes_completed_operations(
    api: Api, sandbox: Sandbox, reverse: bool
) -> None:
    low = {"accountId": "exchange-low", "accountType": "EXCHANGE_ACCOUNT"}
    config = api.ready_config(
        _config(
            _conversion(accountId="exchange-low"),
            _transfer(source=low, destination=VAULT_1, amount="100000"),
        )
    )
    body = amount_only(config, "50")
    if reverse:
        body["failureHandling"] = {"enabled": True, "type": "REVERSE"}
    done = api.run_to_end(body)
    assert done["status"] == "EXECUTION_FAILED"
    conversion, transfer = done["executionOperations"]
    assert conversion["status"] == "EXECUTION_COMPLETED"
    failure = transfer["execution"]["failure"]
    assert failure["reason"] == "TRANSACTION_FAILED"
    assert failure["data"]["txSubStatus"] == "INSUFFICIENT_FUNDS"
    moved = _ledger_by_account(sandbox, done["executionId"])
    if reverse:
        assert failure["data"]["reversed"] is True
        assert set(moved.values()) == {Decimal(0)}
    else:
        assert moved[("exchange-low", "USD")] == Decimal("-50")
    conforms(api.get(f"{EXECUTIONS}/{done['executionId']}"))


def test_refused_transitions(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    with held(sandbox):
        pending = api.create_execution(amount_only(config, "10000"))
        early = api.launch(pending["executionId"])
        assert early.status_code == 422
        assert "wait until it is READY_FOR_LAUNCH" in early.json()["error"]["message"]
        young = api.create_config()
        refused = api.post(EXECUTIONS, {"configId": young["configId"], "params": []})
        assert refused.status_code == 422
        assert "PENDING" in refused.json()["error"]["message"]
    ready = api.wait_execution(pending["executionId"])
    assert api.launch(ready["executionId"]).status_code == 200
    again = api.launch(ready["executionId"])
    assert again.status_code == 422
    assert again.json()["error"]["type"] == "UNPROCESSABLE_ENTITY"
    assert "already launched" in again.json()["error"]["message"]
    done = api.wait_execution(ready["executionId"], FINAL_EXECUTION)
    assert api.launch(done["executionId"]).status_code == 422
    assert sandbox.ledger(done["executionId"])  # it ran once
    unknown_op = amount_only(config, "10")
    unknown_op["params"][0]["configOperationId"] = "not-an-operation"
    response = api.post(EXECUTIONS, unknown_op)
    assert response.status_code == 422
    assert "not an operation of configuration" in response.json()["error"]["message"]


def test_delete_keeps_executions_readable(api: Api) -> None:
    config = api.ready_config()
    execution = api.run_to_ready(amount_only(config, "10000"))
    assert api.delete(f"{CONFIGS}/{config['configId']}").status_code == 200
    assert api.get(f"{CONFIGS}/{config['configId']}").status_code == 404
    assert api.delete(f"{CONFIGS}/{config['configId']}").status_code == 404
    still = api.get(f"{EXECUTIONS}/{execution['executionId']}")
    assert still.status_code == 200
    assert still.json()["configSnapshot"]["configId"] == config["configId"]
    gone = api.post(EXECUTIONS, amount_only(config, "10"))
    assert gone.status_code == 404
    # A READY_FOR_LAUNCH execution of a deleted configuration can still be launched.
    assert api.launch(execution["executionId"]).status_code == 200


def test_deleting_during_validation_stops_it(api: Api, sandbox: Sandbox) -> None:
    with held(sandbox):
        created = api.create_config(config_request())
        assert api.delete(f"{CONFIGS}/{created['configId']}").status_code == 200
    assert api.get(f"{CONFIGS}/{created['configId']}").status_code == 404
