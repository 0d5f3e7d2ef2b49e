"""Idempotency-Key: the same key and body answer the first response and act once (also for 20
concurrent requests), another body is refused, keys are scoped per API user and endpoint, and a
response lost on the way back (X-Sandbox-Fault ...;after) is recovered by a retry."""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from payflow.sandbox import Sandbox
from tests.sandbox.helpers import Api, Signer, amount_only, config_request, held, key_pair

CONFIGS = "/payments/workflow_config"
EXECUTIONS = "/payments/workflow_execution"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_same_key_same_body_returns_the_first_response(api: Api, sandbox: Sandbox) -> None:
    key = _key()
    before = sandbox.stats()["configurations_created"]
    first = api.post(CONFIGS, config_request(), headers=key)
    api.wait_config(first.json()["configId"])  # the object moves on; the answer must not
    second = api.post(CONFIGS, config_request(), headers=key)
    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert sandbox.stats()["configurations_created"] == before + 1


def test_equal_json_with_other_spacing_counts_as_the_same_body(api: Api, sandbox: Sandbox) -> None:
    key = _key()
    body = config_request()
    first = api.post(CONFIGS, content=json.dumps(body).encode(), headers=key)
    again = api.post(CONFIGS, content=json.dumps(body, indent=4).encode(), headers=key)
    assert again.json()["configId"] == first.json()["configId"]


def test_same_key_other_body_is_refused(api: Api) -> None:
    key = _key()
    assert api.post(CONFIGS, config_request(), headers=key).status_code == 202
    other = config_request()
    other["configName"] = "something else"
    refused = api.post(CONFIGS, other, headers=key)
    assert refused.status_code == 422
    assert refused.json()["error"]["type"] == "UNPROCESSABLE_ENTITY"
    assert "different request body" in refused.json()["error"]["message"]


def test_twenty_concurrent_identical_requests_create_one_object(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    body = amount_only(config, "10000")
    raw = json.dumps(body).encode()
    key = str(uuid.uuid4())
    before = sandbox.stats()["executions_created"]
    barrier = threading.Barrier(20)

    def send(_: int) -> httpx.Response:
        headers = api.signer.headers(api.prefix + EXECUTIONS, raw)  # every retry signs anew
        headers.update({"Idempotency-Key": key, "Content-Type": "application/json"})
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return client.post(api.base_url + EXECUTIONS, content=raw, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["executionId"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert sandbox.stats()["executions_created"] == before + 1


def test_twenty_concurrent_launches_launch_once(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    ready = api.run_to_ready(amount_only(config, "10000"))
    barrier = threading.Barrier(20)
    path = f"{EXECUTIONS}/{ready['executionId']}/actions/execute"

    def send(i: int) -> httpx.Response:
        headers = api.signer.headers(api.prefix + path, b"")
        if i % 2:
            headers["Idempotency-Key"] = "launch-" + ready["executionId"]
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return client.post(api.base_url + path, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    ok = [r for r in responses if r.status_code == 200]
    assert {r.status_code for r in responses} <= {200, 422}
    # One real launch; keyed retries of it (if the keyed request won) replay it.
    assert len([r for r in ok if r.headers.get("Idempotent-Replayed") != "true"]) == 1
    done = api.wait_execution(ready["executionId"], {"EXECUTION_COMPLETED", "EXECUTION_FAILED"})
    assert done["status"] == "EXECUTION_COMPLETED"
    legs = sandbox.ledger(ready["executionId"])
    assert len(legs) == len({(r["operation_id"], r["leg"]) for r in legs}) == 12


def test_keys_are_scoped_per_endpoint_and_per_api_user(api: Api, sandbox: Sandbox) -> None:
    key = _key()
    config = api.post(CONFIGS, config_request(), headers=key).json()
    api.wait_config(config["configId"])
    # The same key on another endpoint is another request.
    execution = api.post(EXECUTIONS, amount_only(config, "10000"), headers=key)
    assert execution.status_code == 200
    assert "executionId" in execution.json()
    # The same key and body from another API user creates that user's own object.
    private, public = key_pair(4)
    sandbox.register_api_key("scoped-user", public)
    other = Api(api.base_url, Signer("scoped-user", private))
    theirs = other.post(CONFIGS, config_request(), headers=key)
    assert theirs.status_code == 202
    assert theirs.json()["configId"] != config["configId"]


def test_refused_requests_are_not_remembered(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    ready = api.run_to_ready(amount_only(config, "10000"))
    key = _key()
    with held(sandbox):
        pending = api.create_execution(amount_only(config, "10000"))
        early = api.launch(pending["executionId"], headers=key)
        assert early.status_code == 422
    api.wait_execution(pending["executionId"])
    # The same key works once the execution is ready: the 422 was not stored.
    assert api.launch(pending["executionId"], headers=key).status_code == 200
    assert api.launch(ready["executionId"]).status_code == 200


def test_response_lost_after_processing_is_recovered_by_retry(api: Api, sandbox: Sandbox) -> None:
    key = _key()
    fault = {"X-Sandbox-Fault": "503;after;retry-after=1", **key}
    before = sandbox.stats()["configurations_created"]
    lost = api.post(CONFIGS, config_request(), headers=fault)
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert lost.json()["error"]["type"] == "INTERNAL"
    assert sandbox.stats()["configurations_created"] == before + 1  # it did happen
    retry = api.post(CONFIGS, config_request(), headers=fault)  # same key, same header
    assert retry.status_code == 202
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert sandbox.stats()["configurations_created"] == before + 1  # and only once


def test_lost_launch_response_then_retry_launches_once(api: Api, sandbox: Sandbox) -> None:
    config = api.ready_config()
    ready = api.run_to_ready(amount_only(config, "10000"))
    headers = {"X-Sandbox-Fault": "500;after", **_key()}
    assert api.launch(ready["executionId"], headers=headers).status_code == 500
    retry = api.launch(ready["executionId"], headers=headers)
    assert retry.status_code == 200
    assert retry.json()["status"] == "EXECUTION_IN_PROGRESS"
    done = api.wait_execution(ready["executionId"], {"EXECUTION_COMPLETED", "EXECUTION_FAILED"})
    assert done["status"] == "EXECUTION_COMPLETED"
    assert sandbox.stats()["executions_launched"] >= 1
    assert len(sandbox.ledger(ready["executionId"])) == 12  # 3 legs + 3 x 3 legs, once
