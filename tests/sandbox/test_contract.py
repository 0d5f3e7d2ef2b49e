"""The programmatic contract (start/create_app/SandboxSettings, credentials, publishing,
stats), that the response checks used by the other tests really bite, and that arbitrary
JSON bodies never produce a 500."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payflow import devcreds
from payflow.sandbox import Sandbox, SandboxSettings, start
from tests.sandbox.helpers import Api, Signer, config_request, conforms, key_pair


def test_credentials_are_published_only_when_asked(tmp_path: Path, sandbox: Sandbox) -> None:
    assert devcreds.read_published() is None  # the shared sandbox did not publish
    with start(SandboxSettings(publish_credentials=True, transition_delay=0.005)) as running:
        published = devcreds.read_published()
        assert published is not None
        assert published.base_url == running.base_url
        assert published.private_key_path == running.credentials.private_key_path  # type: ignore[union-attr]
        assert published.private_key_path.stat().st_mode & 0o777 == 0o600
        state = running.state_dir
        assert running.credentials.api_key not in repr(running.credentials)  # type: ignore[union-attr]
    assert devcreds.read_published() is None  # unpublished on stop
    assert not state.exists()  # the temporary state dir is removed


def test_stats_count_what_happened(api: Api, sandbox: Sandbox) -> None:
    before = sandbox.stats()
    api.create_config()
    after = sandbox.stats()
    assert after["configurations_created"] == before["configurations_created"] + 1
    assert set(after) >= {"configurations_created", "executions_created", "executions_launched"}


def test_response_checks_catch_a_nonconforming_body(api: Api) -> None:
    good = api.post("/payments/workflow_config", config_request())
    conforms(good)
    doc = good.json()
    doc["status"] = "NOT_A_STATUS"
    bad = httpx.Response(202, json=doc, request=good.request)
    with pytest.raises(Exception, match=r"(?i)invalid|valid"):
        conforms(bad)


def test_idempotency_records_expire_after_the_ttl(tmp_path: Path) -> None:
    private, public = key_pair(0)
    settings_ = SandboxSettings(
        api_key="ttl-user", public_key_pem=public, idempotency_ttl=0, transition_delay=0.005
    )
    with start(settings_) as running:
        api = Api(running.base_url, Signer("ttl-user", private))
        key = {"Idempotency-Key": "same"}
        first = api.post("/payments/workflow_config", config_request(), headers=key)
        second = api.post("/payments/workflow_config", config_request(), headers=key)
        assert first.json()["configId"] != second.json()["configId"]  # expired: a new request


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["configName", "configOperations", "type", "params", "amount", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=json_values, path=st.sampled_from(["workflow_config", "workflow_execution"]))
def test_arbitrary_json_is_never_a_server_error(api: Api, body: object, path: str) -> None:
    response = api.post(f"/payments/{path}", content=json.dumps(body).encode())
    assert response.status_code in (202, 400, 404, 422), response.text
    assert response.json()["error" if response.status_code >= 400 else "configId"]
