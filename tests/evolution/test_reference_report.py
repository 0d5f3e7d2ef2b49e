"""Real material: how the official OpenAPI 1.8.0 (v1 requests) became payflow's schemas (v2).

The reference is OpenAPI 3.0 with inline components; ours is 3.1 with external files and
differently named components, so this also shows that comparison goes by operation and
location after resolving $ref, never by component name."""

from __future__ import annotations

from pathlib import Path

import pytest

from payflow.evolution.diff import DiffResult, diff_files
from payflow.evolution.report import render
from tests.conftest import ROOT

OURS = ROOT / "schemas" / "openapi.yaml"
EXEC = "POST /payments/workflow_execution request body"


@pytest.fixture(scope="module")
def result(shared_dir: Path) -> DiffResult:
    return diff_files(
        shared_dir / "reference" / "fireblocks-openapi-1.8.0-payments-flows.yaml", OURS
    )


def _find(result: DiffResult, check_id: str, where: str) -> list:
    return [c for c in result.changes if c.id == check_id and where in (c.where, *c.also)]


# (check id, where, classification): the story of v1 -> v2, as a reviewer should read it
EXPECTED = [
    # the execution request: v1 kept as one anyOf branch, v2 added beside it
    ("request-wrapped-in-union", EXEC, "info"),
    ("request-branch-added", EXEC, "info"),
    (
        "request-unwrapped-from-union",
        f"{EXEC}: <CreateWorkflowExecutionRequestV1>.params[]",
        "info",
    ),
    # 3.0 bodies are optional unless said otherwise; ours are required
    ("request-body-became-required", EXEC, "breaking"),
    # ours closes request objects: unknown fields are refused
    (
        "request-additional-properties-closed",
        f"{EXEC}: <CreateWorkflowExecutionRequestV1>.params[]"
        "<ConversionOperationExecutionParams>.executionParams",
        "breaking",
    ),
    # ours states the value formats the product enforces
    (
        "request-bound-tightened",
        f"{EXEC}: <CreateWorkflowExecutionRequestV1>.params[]"
        "<TransferOperationExecutionParams>.executionParams.amount",
        "breaking",
    ),
    (
        "request-bound-tightened",
        f"{EXEC}: <CreateWorkflowExecutionRequestV1>.params[]"
        "<DisbursementOperationExecutionParams>.executionParams.instructionSet",
        "breaking",
    ),
    # the JS SDK's DELETED config status: readers that switch exhaustively must learn it
    (
        "response-enum-value-added",
        "GET /payments/workflow_config/{configId} response 200: status",
        "warning",
    ),
    # new error statuses are documented, not breaking
    ("response-status-added", "POST /payments/workflow_execution response 422", "info"),
    (
        "response-status-added",
        "GET /payments/workflow_execution/{workflowExecutionId} response 429",
        "info",
    ),
    # tighter formats in responses only reassure readers
    (
        "response-bound-tightened",
        "GET /payments/workflow_execution/{workflowExecutionId} response 200: executionId",
        "info",
    ),
    (
        "request-bound-tightened",
        "POST /payments/workflow_config header parameter 'Idempotency-Key'",
        "breaking",
    ),
]


@pytest.mark.parametrize(("check_id", "where", "classification"), EXPECTED)
def test_expected_classifications(
    result: DiffResult, check_id: str, where: str, classification: str
) -> None:
    found = _find(result, check_id, where)
    assert found, f"{check_id} at {where} not reported"
    assert found[0].classification == classification
    assert found[0].old is not None and found[0].old.line
    assert found[0].new is not None and found[0].new.line


def test_nothing_is_lost_or_misread(result: DiffResult) -> None:
    ids = {c.id for c in result.changes}
    # same six endpoints and operations, same success statuses, no removed property
    for absent in (
        "api-endpoint-removed",
        "api-endpoint-added",
        "api-operation-removed",
        "response-success-status-removed",
        "request-branch-removed",
        "request-property-removed",
        "request-required-property-added",
        "response-required-property-removed",
        "response-type-changed",
        "request-type-changed",
        "api-security-changed",
    ):
        assert absent not in ids, [c.where for c in result.changes if c.id == absent]
    # component names differ (ConversionOperationType enum vs const) without spurious changes
    assert not [c for c in result.changes if c.path.endswith("operationType")]
    assert result.count("warning") == len(
        [c for c in result.changes if c.id == "response-enum-value-added"]
    )


def test_report_is_readable(result: DiffResult) -> None:
    text = render(result, "text")
    first = text.splitlines()[:2]
    assert first[1].startswith(f"{result.count('breaking')} breaking")
    assert "wrapped into anyOf: the former schema continues as branch " in text
    assert "'CreateWorkflowExecutionRequestV1'" in text
    assert "anyOf branch 'CreateWorkflowExecutionRequestV2' added" in text


def test_v1_request_shape_to_v2_shape() -> None:
    """Within our schemas: exactly what a v1 client must change to send v2."""
    schemas = ROOT / "schemas"
    result = diff_files(
        schemas / "workflow-execution-request.v1.schema.json",
        schemas / "workflow-execution-request.v2.schema.json",
    )
    moved = {
        c.path.rsplit(".", 1)[1]
        for c in result.changes
        if c.id == "request-property-removed-closed"
    }
    assert moved == {
        "accountId",
        "srcAssetId",
        "destAssetId",
        "slippageBasisPoints",
        "assetId",
        "source",
        "destination",
        "paymentAccount",
        "instructionSet",
    }
    added = {c.path for c in result.changes if c.id == "request-property-added"}
    assert added == {"failureHandling", "params[].configOverrideParams"}
    assert result.summary == {"breaking": 9, "warning": 0, "info": 2}
