"""What payflow.schema_model.SchemaModel assumes of the schemas, and what it changes."""

from __future__ import annotations

from typing import Any

import pytest
from payflow.generated.models.common_schema import OperationOverrideParams, PreScreening
from payflow.generated.models.workflow_execution_request_v2_schema import (
    CreateWorkflowExecutionRequestV2,
)
from pydantic import ValidationError

from payflow import schemas


def _allows_null(node: Any) -> bool:
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "null" or (isinstance(kind, list) and "null" in kind):
            return True
        if None in node.get("enum", [0]) or ("const" in node and node["const"] is None):
            return True
        return any(_allows_null(v) for v in node.values())
    if isinstance(node, list):
        return any(_allows_null(v) for v in node)
    return False


@pytest.mark.parametrize("path", schemas.schema_files(), ids=lambda p: p.name)
def test_no_schema_member_may_be_null(path) -> None:  # type: ignore[no-untyped-def]
    """SchemaModel refuses null for every member; that is right only while this holds."""
    assert not _allows_null(schemas.load(path.name))


def test_null_is_refused_absent_is_fine() -> None:
    body = {"configId": "c", "params": []}
    assert CreateWorkflowExecutionRequestV2.model_validate(body).preScreening is None
    with pytest.raises(ValidationError, match="null is not allowed"):
        CreateWorkflowExecutionRequestV2.model_validate({**body, "preScreening": None})


@pytest.mark.parametrize("value", ["100", True, 1.5, "1.0"])
def test_integers_are_json_integers(value: Any) -> None:
    with pytest.raises(ValidationError):
        OperationOverrideParams.model_validate({"slippageBasisPoints": value})


@pytest.mark.parametrize("value", [1.0, 100.0])
def test_integral_numbers_are_integers(value: float) -> None:
    parsed = OperationOverrideParams.model_validate({"slippageBasisPoints": value})
    assert parsed.slippageBasisPoints == int(value)
    assert isinstance(parsed.slippageBasisPoints, int)


@pytest.mark.parametrize("value", [0, 1, "true"])
def test_booleans_are_json_booleans(value: Any) -> None:
    with pytest.raises(ValidationError):
        PreScreening.model_validate({"enabled": value})
