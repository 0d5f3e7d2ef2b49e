"""Fixtures of the differential campaign: one in-process sandbox per module, dev credentials
kept out of the user's PAYFLOW_HOME, and example counts scaled by PAYFLOW_FUZZ_SCALE (the
nightly run sets it; CI uses the defaults)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from payflow.sandbox import SandboxSettings
from tests.differential.judges import AsgiSandbox


@pytest.fixture(autouse=True)
def _payflow_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYFLOW_HOME", str(tmp_path_factory.mktemp("payflow-home")))


@pytest.fixture(scope="module")
def asgi_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsgiSandbox]:
    sandbox = AsgiSandbox(
        SandboxSettings(state_dir=tmp_path_factory.mktemp("asgi-sandbox"), transition_delay=0.002)
    )
    try:
        yield sandbox
    finally:
        sandbox.close()
