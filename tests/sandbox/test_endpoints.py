"""The six endpoints: request validation (400 with pointer and reason, never a 500), size and
nesting limits, 404/405, and responses conforming to schemas/openapi.yaml and the official
1.8.0 reference."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from payflow.sandbox import SandboxSettings, create_app
from tests.conftest import EXAMPLES, load_json
from tests.sandbox.helpers import (
    Api,
    Signer,
    amount_only,
    conforms,
    execution_v1,
    execution_v2,
    key_pair,
)

CONFIGS = "/payments/workflow_config"
EXECUTIONS = "/payments/workflow_execution"


def _bad_request(response: httpx.Response, *fragments: str) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["type"] == "VALIDATION"
    message = body["error"]["message"]
    for fragment in fragments:
        assert fragment in message, message
    assert "Traceback" not in response.text
    return message


def test_create_and_get_configuration_conform(api: Api) -> None:
    created = api.post(CONFIGS, load_json(EXAMPLES / "configuration-request.json"))
    assert created.status_code == 202
    conforms(created)
    doc = created.json()
    assert doc["status"] == "PENDING"
    assert [op["type"] for op in doc["configOperations"]] == ["CONVERSION", "DISBURSEMENT"]
    assert len({op["operationId"] for op in doc["configOperations"]}) == 2
    ready = api.wait_config(doc["configId"])
    assert ready["status"] == "READY_FOR_EXECUTION"
    assert all(op["status"] == "READY_FOR_EXECUTION" for op in ready["configOperations"])
    fetched = api.get(f"{CONFIGS}/{doc['configId']}")
    conforms(fetched)
    assert fetched.json()["externalCorrelationData"] == {"batch": "2026-12-payroll"}


@pytest.mark.parametrize("shape", ["v1", "v2"])
def test_both_execution_shapes_run_and_conform(api: Api, shape: str) -> None:
    config = api.ready_config()
    body = execution_v1(config) if shape == "v1" else execution_v2(config)
    created = api.post(EXECUTIONS, body)
    assert created.status_code == 200, created.text
    conforms(created)
    execution_id = created.json()["executionId"]
    ready = api.wait_execution(execution_id)
    assert ready["status"] == "READY_FOR_LAUNCH", ready
    conforms(api.get(f"{EXECUTIONS}/{execution_id}"))
    launched = api.launch(execution_id)
    assert launched.status_code == 200
    conforms(launched)
    done = api.wait_execution(execution_id, {"EXECUTION_COMPLETED", "EXECUTION_FAILED"})
    assert done["status"] == "EXECUTION_COMPLETED", done
    conforms(api.get(f"{EXECUTIONS}/{execution_id}"))
    deleted = api.delete(f"{CONFIGS}/{config['configId']}")
    assert deleted.status_code == 200 and deleted.json() == {"configId": config["configId"]}
    conforms(deleted)


def test_not_json(api: Api) -> None:
    response = api.post(CONFIGS, content=b'{"configName": "x",\n  configOperations: []}')
    _bad_request(response, "not valid JSON", "line 2 column 3")


def test_nan_is_not_json(api: Api) -> None:
    _bad_request(api.post(CONFIGS, content=b'{"configName": NaN}'), "NaN")


def test_schema_error_names_pointer_and_reason(api: Api) -> None:
    body = load_json(EXAMPLES / "configuration-request.json")
    body["configOperations"][0]["params"]["slippageBasisPoints"] = 20000  # type: ignore[index]
    message = _bad_request(
        api.post(CONFIGS, body), "/configOperations/0/params/slippageBasisPoints"
    )
    assert "10000" in message


def test_unknown_field_is_refused(api: Api) -> None:
    body = load_json(EXAMPLES / "configuration-request.json")
    body["configNmae"] = "typo"  # type: ignore[index]
    _bad_request(api.post(CONFIGS, body), "configNmae")


def test_instruction_with_amount_and_percentage_is_explained(api: Api) -> None:
    bad = load_json(EXAMPLES / "bad" / "execution-request.v2.amount-and-percentage.json")
    _bad_request(
        api.post(EXECUTIONS, bad),
        "/params/0/configOverrideParams/instructionSet/0",
        "exactly one of amount or percentage",
    )


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (EXAMPLES / "bad").glob("*.json") if "not-json" not in p.name),
)
def test_every_bad_example_is_a_400(api: Api, name: str) -> None:
    body = (EXAMPLES / "bad" / name).read_bytes()
    path = CONFIGS if name.startswith("configuration") else EXECUTIONS
    _bad_request(api.post(path, content=body))


def test_amount_as_number_points_at_the_amount(api: Api) -> None:
    bad = load_json(EXAMPLES / "bad" / "execution-request.v2.amount-as-number.json")
    _bad_request(api.post(EXECUTIONS, bad), "amount")


def test_body_too_large_is_413(api: Api) -> None:
    huge = b'{"configName": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = api.post(CONFIGS, content=huge)
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "VALIDATION"


def test_deep_nesting_is_400(api: Api) -> None:
    deep = b'{"configName": "x", "externalCorrelationData": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    _bad_request(api.post(CONFIGS, content=deep), "deeper")


def test_unknown_ids_are_404(api: Api) -> None:
    for response in (
        api.get(f"{CONFIGS}/nope"),
        api.delete(f"{CONFIGS}/nope"),
        api.get(f"{EXECUTIONS}/nope"),
        api.launch("nope"),
        api.post(EXECUTIONS, {"configId": "nope", "params": []}),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["type"] == "NOT_FOUND"
        conforms(response)


def test_unknown_path_and_method(api: Api) -> None:
    response = api.get("/payments/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NOT_FOUND"
    response = api.request("PUT", f"{CONFIGS}/x", {"a": 1})
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "VALIDATION"


def test_idempotency_key_too_long_is_400(api: Api) -> None:
    config = load_json(EXAMPLES / "configuration-request.json")
    _bad_request(api.post(CONFIGS, config, headers={"Idempotency-Key": "k" * 300}), "Idempotency")


def test_sandbox_accounts_endpoint_lists_seeded_balances(api: Api) -> None:
    response = api.client.get(
        api.base_url.removesuffix("/v1") + "/_sandbox/accounts",
        headers=api.signer.headers("/_sandbox/accounts", b""),
    )
    assert response.status_code == 200
    accounts = {a["accountId"]: a for a in response.json()["accounts"]}
    assert accounts["exchange-low"]["balances"]["USD"] == "100.00"
    unsigned = api.client.get(api.base_url.removesuffix("/v1") + "/_sandbox/accounts")
    assert unsigned.status_code == 401


def test_in_process_app_through_asgi_transport(tmp_path: Path) -> None:
    """create_app() serves in-process through httpx.ASGITransport (no lifespan: the engine
    starts with the first request); same auth, same flow."""
    private, public = key_pair(0)
    signer = Signer("inproc", private)
    app = create_app(
        SandboxSettings(
            state_dir=tmp_path, api_key="inproc", public_key_pem=public, transition_delay=0.001
        )
    )

    async def call(client: httpx.AsyncClient, method: str, path: str, body: Any = None) -> Any:
        raw = json.dumps(body).encode() if body is not None else b""
        headers = signer.headers("/v1" + path, raw)
        response = await client.request(method, "/v1" + path, content=raw or None, headers=headers)
        assert response.status_code < 300, response.text
        return response.json()

    async def until(client: httpx.AsyncClient, path: str, statuses: set[str]) -> Any:
        settled = {"VALIDATION_FAILED", "PREVIEW_FAILED", "EXECUTION_FAILED"} | statuses
        for _ in range(2000):
            doc = await call(client, "GET", path)
            if doc["status"] in settled:
                assert doc["status"] in statuses, doc
                return doc
            await asyncio.sleep(0.002)
        raise AssertionError(doc)

    async def flow() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            config = await call(
                client, "POST", CONFIGS, load_json(EXAMPLES / "configuration-request.json")
            )
            config = await until(client, f"{CONFIGS}/{config['configId']}", {"READY_FOR_EXECUTION"})
            execution = await call(client, "POST", EXECUTIONS, amount_only(config, "25000"))
            path = f"{EXECUTIONS}/{execution['executionId']}"
            await until(client, path, {"READY_FOR_LAUNCH"})
            await call(client, "POST", path + "/actions/execute")
            return await until(client, path, {"EXECUTION_COMPLETED", "EXECUTION_FAILED"})

    done = asyncio.run(flow())
    assert done["status"] == "EXECUTION_COMPLETED"
    converted = done["executionOperations"][0]["execution"]["output"]["amount"]
    # 25000 USD less the 0.15 % fee = 24962.50 at rate 1, less the 10 bps market slippage.
    assert converted == {"amount": "24937.5375", "assetId": "USDC"}
    assert app.state.core.store.stats()["executions_launched"] == 1
    app.state.core.close()


def test_large_bodies_are_validated_with_exact_pointers(api: Api) -> None:
    body = load_json(EXAMPLES / "configuration-request.json")
    payees = [
        {"payeeAccount": {"oneTimeAddress": f"0x{i:040x}"}, "assetId": "USDC", "amount": "1.00"}
        for i in range(1500)
    ]
    body["configOperations"][1]["params"]["instructionSet"] = payees  # type: ignore[index]
    accepted = api.post(CONFIGS, body)
    assert accepted.status_code == 202
    assert len(accepted.json()["configOperations"][1]["params"]["instructionSet"]) == 1500
    payees[1400]["percentage"] = "5"
    _bad_request(
        api.post(CONFIGS, body),
        "/configOperations/1/params/instructionSet/1400",
        "exactly one of amount or percentage",
    )
