"""Fault injection: the X-Sandbox-Fault header (before auth; times; retry-after; malformed),
the per-key rate limit (429 + Retry-After) and seeded random 500/503."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from payflow.sandbox import SandboxSettings, start
from payflow.sandbox.errors import ApiError
from payflow.sandbox.faults import parse_fault
from tests.sandbox.helpers import Api, Signer, key_pair

CONFIG = "/payments/workflow_config/some-id"


def _own_sandbox(**settings: Any) -> Any:
    private, public = key_pair(0)
    sandbox = start(
        SandboxSettings(
            api_key="fault-user", public_key_pem=public, transition_delay=0.005, **settings
        )
    )
    return sandbox, Api(sandbox.base_url, Signer("fault-user", private))


def test_header_fault_is_answered_before_auth(api: Api) -> None:
    response = api.client.get(
        f"{api.base_url}{CONFIG}-unauth", headers={"X-Sandbox-Fault": "503;retry-after=7"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.json()["error"]["type"] == "INTERNAL"
    # The second identical request is no longer faulted: it meets auth (and fails it).
    again = api.client.get(
        f"{api.base_url}{CONFIG}-unauth", headers={"X-Sandbox-Fault": "503;retry-after=7"}
    )
    assert again.status_code == 401


def test_times_counts_identical_requests(api: Api) -> None:
    headers = {"X-Sandbox-Fault": "429;times=2;retry-after=1"}
    statuses = [api.get(CONFIG + "-times", headers=headers).status_code for _ in range(3)]
    assert statuses == [429, 429, 404]


def test_fault_counters_are_per_idempotency_key(api: Api) -> None:
    fault = "500"
    first = api.get(CONFIG + "-keys", headers={"X-Sandbox-Fault": fault, "Idempotency-Key": "a"})
    other = api.get(CONFIG + "-keys", headers={"X-Sandbox-Fault": fault, "Idempotency-Key": "b"})
    again = api.get(CONFIG + "-keys", headers={"X-Sandbox-Fault": fault, "Idempotency-Key": "a"})
    assert [first.status_code, other.status_code, again.status_code] == [500, 500, 404]


@pytest.mark.parametrize(
    "value", ["", "abc", "200", "503;times=0", "503;retry-after=soon", "503;x"]
)
def test_malformed_fault_header_is_400(api: Api, value: str) -> None:
    if value == "":
        assert api.get(CONFIG, headers={"X-Sandbox-Fault": value}).status_code == 404  # ignored
        return
    response = api.get(CONFIG, headers={"X-Sandbox-Fault": value})
    assert response.status_code == 400
    assert "X-Sandbox-Fault" in response.json()["error"]["message"]


def test_parse_fault() -> None:
    spec = parse_fault("503; retry-after=2; times=3; after")
    assert (spec.status, spec.retry_after, spec.times, spec.after) == (503, "2", 3, True)
    with pytest.raises(ApiError):
        parse_fault("99")


def test_rate_limit_answers_429_with_retry_after() -> None:
    sandbox, api = _own_sandbox(rate_limit=1)
    with sandbox:
        statuses = [api.get(CONFIG) for _ in range(4)]
    limited = [r for r in statuses if r.status_code == 429]
    assert statuses[0].status_code == 404
    assert limited, [r.status_code for r in statuses]
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert "rate limit" in limited[0].json()["error"]["message"]


def _statuses(seed: int) -> list[int]:
    sandbox, api = _own_sandbox(fail_rate=0.5, seed=seed)
    with sandbox:
        return [api.get(CONFIG).status_code for _ in range(16)]


def test_random_faults_are_reproducible_with_a_seed() -> None:
    first, second = _statuses(7), _statuses(7)
    assert first == second
    assert set(first) <= {404, 500, 503}
    assert 404 in first and ({500, 503} & set(first))


def test_fail_rate_one_fails_everything_with_retryable_statuses() -> None:
    sandbox, api = _own_sandbox(fail_rate=1.0, seed=1, latency_ms=5)
    with sandbox:
        responses = [api.get(CONFIG) for _ in range(6)]
    assert {r.status_code for r in responses} <= {500, 503}
    for response in responses:
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "1"
        assert response.json()["error"]["type"] == "INTERNAL"


def test_healthz_is_never_faulted() -> None:
    sandbox, _ = _own_sandbox(fail_rate=1.0)
    with sandbox:
        response = httpx.get(sandbox.base_url.removesuffix("/v1") + "/healthz")
    assert response.status_code == 200
