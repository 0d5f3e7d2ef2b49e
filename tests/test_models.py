"""The generated pydantic models: round trips, the exactly-one rule, discriminated unions."""

from __future__ import annotations

import importlib
from pathlib import Path

import pydantic
import pytest
from payflow.generated.models import common_schema, workflow_execution_schema

from payflow import schemas
from tests.conftest import EXAMPLES, load_json
from tests.examples_index import schema_of


def model_for(schema_file: str) -> type[pydantic.BaseModel]:
    """The generated root model of a schema file: module from the file name, class from title."""
    module_name = schema_file.removesuffix(".json").replace("-", "_").replace(".", "_")
    module = importlib.import_module(f"payflow.generated.models.{module_name}")
    return getattr(module, schemas.load(schema_file)["title"])


GOOD = sorted(EXAMPLES.glob("*.json"))
BAD = sorted(p for p in (EXAMPLES / "bad").glob("*.json") if "not-json" not in p.name)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_model_round_trips_example(path: Path) -> None:
    data = load_json(path)
    model = model_for(schema_of(path)).model_validate(data)
    assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == data


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_model_rejects_bad_example(path: Path) -> None:
    with pytest.raises(pydantic.ValidationError):
        model_for(schema_of(path)).model_validate(load_json(path))


PAYEE = {"accountId": "vault-1", "accountType": "VAULT_ACCOUNT"}


@pytest.mark.parametrize(
    "instruction",
    [
        {"payeeAccount": PAYEE, "assetId": "USDC", "amount": "1", "percentage": "10"},
        {"payeeAccount": PAYEE, "assetId": "USDC"},
    ],
    ids=["both", "neither"],
)
def test_instruction_needs_exactly_one_of_amount_and_percentage(instruction: dict) -> None:
    with pytest.raises(pydantic.ValidationError):
        common_schema.DisbursementInstruction.model_validate(instruction)


def test_instruction_with_one_of_them_parses_to_its_branch() -> None:
    by_amount = common_schema.DisbursementInstruction.model_validate(
        {"payeeAccount": PAYEE, "assetId": "USDC", "amount": "1"}
    )
    by_share = common_schema.DisbursementInstruction.model_validate(
        {"payeeAccount": PAYEE, "assetId": "USDC", "percentage": "10"}
    )
    assert isinstance(by_amount.root, common_schema.DisbursementAmountInstruction)
    assert isinstance(by_share.root, common_schema.DisbursementPercentageInstruction)


def test_execution_operations_are_a_discriminated_union() -> None:
    data = load_json(EXAMPLES / "execution.failed.json")
    execution = workflow_execution_schema.WorkflowExecution.model_validate(data)
    kinds = [type(op).__name__ for op in execution.executionOperations]
    assert kinds == ["ExecutionScreeningOperation", "ExecutionConversionOperation"]
    # A wrong tag is reported against the tag, not as "multiple matches" of a oneOf.
    data["executionOperations"][0]["operationType"] = "TELEPORT"
    with pytest.raises(pydantic.ValidationError) as info:
        workflow_execution_schema.WorkflowExecution.model_validate(data)
    errors = info.value.errors()
    assert errors[0]["type"] == "union_tag_invalid"
    assert "multiple" not in str(info.value).lower()


def test_configuration_operations_discriminate_by_type() -> None:
    config = model_for("workflow-configuration.schema.json").model_validate(
        load_json(EXAMPLES / "configuration.json")
    )
    assert [op.type for op in config.configOperations] == ["CONVERSION", "DISBURSEMENT"]


def test_request_models_refuse_unknown_fields() -> None:
    data = load_json(EXAMPLES / "execution-request.v2.json")
    data["params"][0]["executionParams"]["ammount"] = "5"
    with pytest.raises(pydantic.ValidationError):
        model_for("workflow-execution-request.schema.json").model_validate(data)


def test_both_shapes_parse_through_the_combined_model() -> None:
    combined = model_for("workflow-execution-request.schema.json")
    v1 = combined.model_validate(load_json(EXAMPLES / "execution-request.v1.json"))
    v2 = combined.model_validate(load_json(EXAMPLES / "execution-request.v2.json"))
    assert type(v1.root).__name__ == "CreateWorkflowExecutionRequestV1"
    assert type(v2.root).__name__ == "CreateWorkflowExecutionRequestV2"
