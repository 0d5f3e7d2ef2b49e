"""Fixtures: one shared sandbox on a loopback port (dev credentials, tiny transition delay)
and signing API helpers. Tests needing other settings start their own sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from payflow.sandbox import Sandbox, SandboxSettings, start
from tests.sandbox.helpers import FAST, Api, Signer


@pytest.fixture(autouse=True)
def _payflow_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYFLOW_HOME", str(tmp_path_factory.mktemp("payflow-home")))


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    state = tmp_path_factory.mktemp("sandbox-state")
    with start(SandboxSettings(state_dir=state, transition_delay=FAST)) as running:
        yield running


@pytest.fixture(scope="session")
def signer(sandbox: Sandbox) -> Signer:
    creds = sandbox.credentials
    assert creds is not None
    return Signer(creds.api_key, Path(creds.private_key_path).read_bytes())


@pytest.fixture()
def api(sandbox: Sandbox, signer: Signer) -> Iterator[Api]:
    client = Api(sandbox.base_url, signer)
    yield client
    client.client.close()
