"""The end-to-end demo: lint, configure, wait, execute, preview, launch, summarise.

Runs against an in-process sandbox on a free loopback port unless a base URL is given, so it
needs no account and no network. Exit status 0 only when the flow completed.
"""

from __future__ import annotations

import copy
import sys
from contextlib import ExitStack
from decimal import Decimal
from typing import Any, TextIO

from payflow.demo.progress import Progress

#: The configuration the demo creates: USD -> USDC on an exchange account, then a
#: disbursement to three payees mixing a fixed amount and two percentages.
CONFIGURATION: dict[str, Any] = {
    "configName": "payflow-demo: usd-to-usdc payroll",
    "preScreening": {"enabled": False},
    "configOperations": [
        {
            "type": "CONVERSION",
            "params": {
                "accountId": "exchange-main",
                "srcAssetId": "USD",
                "destAssetId": "USDC",
                "slippageBasisPoints": 50,
            },
        },
        {
            "type": "DISBURSEMENT",
            "params": {
                "paymentAccount": {"accountId": "exchange-main", "accountType": "EXCHANGE_ACCOUNT"},
                "instructionSet": [
                    {
                        "payeeAccount": {
                            "accountId": "vault-payroll-1",
                            "accountType": "VAULT_ACCOUNT",
                        },
                        "assetId": "USDC",
                        "amount": "1500.00",
                    },
                    {
                        "payeeAccount": {
                            "accountId": "vault-payroll-2",
                            "accountType": "VAULT_ACCOUNT",
                        },
                        "assetId": "USDC",
                        "percentage": "40",
                    },
                    {
                        "payeeAccount": {
                            "oneTimeAddress": "0xb794f5ea0ba39494ce839613fffba74279579268"
                        },
                        "assetId": "USDC",
                        "percentage": "25.5",
                    },
                ],
            },
        },
    ],
    "externalCorrelationData": {"source": "payflow demo"},
}

AMOUNT = "10000.00"


def execution_request(config_id: str, first_operation_id: str) -> dict[str, Any]:
    return {
        "configId": config_id,
        "preScreening": {"enabled": False},
        "params": [
            {"configOperationId": first_operation_id, "executionParams": {"amount": AMOUNT}}
        ],
        "externalCorrelationData": "payflow-demo",
    }


def bad_request(config_id: str, disbursement_id: str) -> dict[str, Any]:
    """A request whose first instruction has both an amount and a percentage."""
    instructions = copy.deepcopy(CONFIGURATION["configOperations"][1]["params"]["instructionSet"])
    instructions[0]["percentage"] = "10"
    return {
        "configId": config_id,
        "params": [
            {
                "configOperationId": disbursement_id,
                "configOverrideParams": {"instructionSet": instructions},
                "executionParams": {"amount": AMOUNT},
            }
        ],
    }


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _op_type(op: dict[str, Any]) -> str:
    return op.get("operationType") or op.get("type") or "?"


def _table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        out.write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        out.write("\n")
        if n == 0:
            out.write("  " + "  ".join("-" * w for w in widths) + "\n")


def _money(value: dict[str, Any] | None) -> str:
    """An AssetAmount as text, e.g. ``"9985.00 USDC"``."""
    value = value or {}
    return f"{value.get('amount', '?')} {value.get('assetId', '')}".strip()


def _describe_destination(dest: dict[str, Any]) -> str:
    if "oneTimeAddress" in dest:
        address = dest["oneTimeAddress"]
        return f"{address[:8]}…{address[-4:]} (one-time address)"
    return f"{dest.get('accountId')} ({dest.get('accountType')})"


def _preview_rows(execution: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = [("operation", "input", "output", "fee")]
    for op in execution.get("executionOperations", []):
        preview = op.get("preview") or {}
        output = preview.get("output") or {}
        kind = _op_type(op)
        if kind == "CONVERSION":
            src = preview.get("input", {})
            rows.append(
                (
                    kind,
                    f"{src.get('amount', '?')} {src.get('srcAssetId', '?')}",
                    f"{_money(output.get('amount'))} @ {output.get('conversionRate', '?')}",
                    _money(output.get("fee")),
                )
            )
        elif kind == "DISBURSEMENT":
            for item in output.get("instructionSet", []):
                rows.append(
                    (
                        kind,
                        "-> " + _describe_destination(item.get("payeeAccount", {})),
                        _money(item["amount"]),
                        _money(item["fee"]),
                    )
                )
        else:
            rows.append((kind, "", "", ""))
    return rows


def _summary_rows(execution: dict[str, Any]) -> tuple[list[tuple[str, ...]], Decimal, int]:
    """Rows of the summary table, the total paid out, and the number of payments made."""
    rows = [("operation", "status", "result", "fee")]
    paid = Decimal(0)
    payments = 0
    for op in execution.get("executionOperations", []):
        run = op.get("execution") or {}
        output = run.get("output") or {}
        kind = _op_type(op)
        if kind == "DISBURSEMENT":
            for item in output.get("instructionSet", []):
                paid += Decimal(item["amount"]["amount"])
                payments += 1
                rows.append(
                    (
                        kind,
                        op["status"],
                        f"{_money(item['amount'])} -> "
                        + _describe_destination(item.get("payeeAccount", {})),
                        _money(item["fee"]),
                    )
                )
        elif "amount" in output:
            rows.append(
                (
                    kind,
                    op["status"],
                    _money(output["amount"]),
                    _money(output["fee"]),
                )
            )
        else:
            failure = run.get("failure") or op.get("validationFailure") or {}
            rows.append((kind, op["status"], failure.get("reason", ""), ""))
    return rows, paid, payments


def run_demo(
    *,
    base_url: str | None = None,
    transition_delay: float = 0.4,
    out: TextIO = sys.stdout,
    interactive: bool | None = None,
) -> int:
    """Run the demo; returns the exit status (0 only when the execution completed)."""
    from payflow.client import Client, errors

    interactive = out.isatty() if interactive is None else interactive
    say = Progress(out, interactive=interactive)
    try:
        with ExitStack() as stack:
            if base_url is None:
                from payflow.sandbox import SandboxSettings, start

                sandbox = stack.enter_context(
                    start(SandboxSettings(transition_delay=transition_delay))
                )
                creds = sandbox.credentials
                client = stack.enter_context(
                    Client(
                        base_url=sandbox.base_url,
                        api_key=creds.api_key,
                        private_key=creds.private_key_path.read_text(encoding="utf-8"),
                    )
                )
                say.line(f"sandbox  listening on {sandbox.base_url} (in-process, dev credentials)")
            else:
                sandbox = None
                client = stack.enter_context(Client(base_url=base_url))
                say.line(f"api      {base_url}")
            return _flow(client, sandbox, say)
    except errors.PayflowError as exc:
        say.fail(f"{type(exc).__name__}: {exc}")
        return 1


def _flow(client: Any, sandbox: Any, say: Progress) -> int:
    """The six steps; 0 only when the execution completed."""
    from payflow.client import errors
    from payflow.schemas import lifecycle
    from payflow.validator import has_errors, lint

    executions = lifecycle().workflow_execution
    out = say.out
    # 1. The linter stops a bad request before anything is sent.
    say.step("1/6 lint a bad request (an instruction with both amount and percentage)")
    placeholder = bad_request("<config id>", "<disbursement operation id>")
    findings = [f for f in lint(placeholder, schema_version="v2") if f.severity == "error"]
    for finding in findings[:3]:
        say.line(f"      {finding.code} {finding.pointer or '/'}: {finding.message}")
    if not has_errors(findings):
        say.fail("the linter accepted a request with both amount and percentage")
        return 1
    before = sandbox.stats() if sandbox else None
    try:
        client.create_flow_execution(placeholder)
    except errors.LintError:
        say.ok("refused by the client before sending")
    else:
        say.fail("the client sent a request that fails lint")
        return 1
    if sandbox is not None and sandbox.stats() != before:
        say.fail("the sandbox saw the bad request")
        return 1

    # 2. Configuration.
    say.step("2/6 create the workflow configuration (USD -> USDC, then pay 3 payees)")
    config = _dump(client.create_flow_configuration(CONFIGURATION))
    say.line(f"      configId {config['configId']}  status {config['status']}")
    config = _dump(
        client.wait_for_configuration(
            config["configId"], on_poll=lambda c: say.spin(f"status {c.status}")
        )
    )
    say.ok(f"configuration {config['status']}")

    # 3. Execution with the amount.
    operations = config["configOperations"]
    say.step(f"3/6 create the execution with amount {AMOUNT} USD")
    request = execution_request(config["configId"], operations[0]["operationId"])
    execution = _dump(client.create_flow_execution(request))
    execution_id = execution["executionId"]
    say.line(f"      executionId {execution_id}  status {execution['status']}")

    say.step("4/6 wait for validation and preview")
    execution = _dump(
        client.wait_for_execution(execution_id, on_poll=lambda e: say.spin(f"status {e.status}"))
    )
    if execution["status"] != executions.launchable:
        say.fail(f"execution is {execution['status']}, not {executions.launchable}")
        return 1
    say.ok(f"execution {execution['status']}; preview:")
    _table(_preview_rows(execution), out)

    say.step("5/6 launch")
    launched = _dump(client.launch_flow_execution(execution_id))
    say.line(f"      status {launched['status']}")
    execution = _dump(
        client.wait_for_execution(execution_id, on_poll=lambda e: say.spin(f"status {e.status}"))
    )
    if not executions.is_final(execution["status"]) or executions.is_failed(execution["status"]):
        say.fail(f"execution ended {execution['status']}")
        return 1
    say.ok(f"execution {execution['status']}")

    say.step("6/6 summary")
    rows, paid, payments = _summary_rows(execution)
    _table(rows, out)
    say.line(f"  paid out {paid} USDC in {payments} payments")
    return 0
