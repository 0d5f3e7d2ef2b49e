"""Wait loops driven by the lifecycle data, and optional response validation (openapi-core)."""

from __future__ import annotations

import json
import warnings

import httpx
import pytest
from payflow.schemas import lifecycle

from payflow.client import Client, errors
from payflow.runtime._wait import failure_reasons, wait_sync
from tests.client.conftest import API_KEY, KeyPair
from tests.conftest import EXAMPLES


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def run_wait(statuses: list[dict], clock: FakeClock | None = None, **kw):
    clock = clock or FakeClock()
    feed = iter(statuses)
    return wait_sync(
        lambda: next(feed),
        clock.sleep,
        machine=lifecycle().workflow_execution,
        what="execution e1",
        clock=clock,
        **{"timeout": 60.0, **kw},
    )


def test_stops_at_the_first_settled_status() -> None:
    seen = []
    result = run_wait(
        [{"status": "PENDING"}, {"status": "PREVIEW_IN_PROGRESS"}, {"status": "READY_FOR_LAUNCH"}],
        on_poll=lambda o: seen.append(o["status"]),
    )
    assert result == {"status": "READY_FOR_LAUNCH"}
    assert seen == ["PENDING", "PREVIEW_IN_PROGRESS", "READY_FOR_LAUNCH"]


def test_until_a_given_status_polls_past_settled_ones() -> None:
    result = run_wait(
        [
            {"status": "READY_FOR_LAUNCH"},
            {"status": "EXECUTION_IN_PROGRESS"},
            {"status": "EXECUTION_COMPLETED"},
        ],
        until="EXECUTION_COMPLETED",
    )
    assert result["status"] == "EXECUTION_COMPLETED"


@pytest.mark.parametrize("status", sorted(lifecycle().workflow_execution.failed))
def test_failed_statuses_raise_with_reasons(status: str) -> None:
    failed = {
        "status": status,
        "executionOperations": [
            {"validationFailure": {"reason": "ACCOUNT_NOT_FOUND"}},
            {"execution": {"failure": {"reason": "SLIPPAGE_EXCEEDED", "data": {}}}},
        ],
    }
    with pytest.raises(errors.FlowFailed) as info:
        run_wait(
            [{"status": "PENDING"}, failed], until=sorted(lifecycle().workflow_execution.final)
        )
    assert info.value.status == status
    assert info.value.reasons == ["ACCOUNT_NOT_FOUND", "SLIPPAGE_EXCEEDED"]
    assert info.value.obj is failed


def test_times_out_cleanly_with_the_last_object() -> None:
    clock = FakeClock()
    endless = [{"status": "VALIDATION_IN_PROGRESS"}] * 1000
    with pytest.raises(errors.WaitTimeout) as info:
        run_wait(endless, clock=clock, timeout=5.0)
    assert info.value.status == "VALIDATION_IN_PROGRESS"
    assert clock.now == pytest.approx(5.0)  # never sleeps past the deadline


def test_unknown_status_to_wait_for_is_refused() -> None:
    with pytest.raises(ValueError, match="EXECUTED"):
        run_wait([{"status": "PENDING"}], until="EXECUTED")


def test_failure_reasons_of_the_failed_example() -> None:
    failed = json.loads((EXAMPLES / "execution.failed.json").read_text())
    assert failure_reasons(failed)


def _client(keys: KeyPair, body: dict, mode) -> Client:
    return Client(
        "http://api.test/v1",
        API_KEY,
        keys.private_pem,
        validate_responses=mode,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)),
    )


def test_response_validation_strict_raises_and_default_warns_once(keys: KeyPair) -> None:
    good = json.loads((EXAMPLES / "configuration.json").read_text())
    drifted = {**good, "status": "SOMETHING_NEW"}
    with _client(keys, good, "strict") as client:
        assert client.get_flow_configuration("c1").configName == good["configName"]
    with (
        _client(keys, drifted, "strict") as client,
        pytest.raises(errors.APIResponseValidationError),
    ):
        client.get_flow_configuration("c1")
    with _client(keys, {**drifted, "extra": 1}, True) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                with pytest.raises(errors.APIResponseValidationError):  # the model still refuses
                    client.get_flow_configuration("c1")
        drift = [w for w in caught if issubclass(w.category, errors.ResponseDriftWarning)]
        assert len(drift) == 1
