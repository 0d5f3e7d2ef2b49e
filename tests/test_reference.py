"""Enums and lifecycle agree with the official Fireblocks OpenAPI 1.8.0 reference.

Reads ../shared/reference, which ships beside the repository: skipped when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from payflow import schemas

#: payflow enum ($defs of common.schema.json) -> where the reference keeps the same list.
ENUM_PAIRS = {
    "AccountType": ("AccountType",),
    "ConfigOperationStatus": ("ConfigOperationStatus",),
    "WorkflowConfigStatus": ("WorkflowConfigStatus",),
    "WorkflowExecutionStatus": ("WorkflowExecution", "properties", "status"),
    "ExecutionOperationStatus": ("ExecutionOperationStatus",),
    "ConversionValidationFailureReason": ("ConversionValidationFailure", "properties", "reason"),
    "TransferValidationFailureReason": ("TransferValidationFailure", "properties", "reason"),
    "DisbursementValidationFailureReason": (
        "DisbursementValidationFailure",
        "properties",
        "reason",
    ),
    "ScreeningValidationFailureReason": ("ScreeningValidationFailure", "properties", "reason"),
    "ConversionExecutionFailureReason": ("ConversionOperationFailure", "properties", "reason"),
    "TransferExecutionFailureReason": ("TransferOperationFailure", "properties", "reason"),
    "ScreeningExecutionFailureReason": ("ScreeningOperationFailure", "properties", "reason"),
    "ScreeningVerdictValue": ("ScreeningVerdict", "properties", "verdict"),
    "ErrorType": ("ErrorResponse", "properties", "error", "properties", "type"),
}
#: Values payflow knows that the 1.8.0 reference does not list (from the Fireblocks JS SDK).
ALLOWED_ADDITIONS = {"WorkflowConfigStatus": {"DELETED"}}


@pytest.fixture(scope="module")
def reference(shared_dir: Path) -> dict:
    path = shared_dir / "reference" / "fireblocks-openapi-1.8.0-payments-flows.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["components"]["schemas"]


@pytest.mark.parametrize("name", sorted(ENUM_PAIRS))
def test_enum_matches_reference(reference: dict, name: str) -> None:
    node = reference
    for key in ENUM_PAIRS[name]:
        node = node[key]
    ours = schemas.load("common.schema.json")["$defs"][name]["enum"]
    theirs = node["enum"]
    assert set(theirs) <= set(ours), f"{name} lacks {set(theirs) - set(ours)}"
    assert set(ours) - set(theirs) == ALLOWED_ADDITIONS.get(name, set())


def test_every_reference_enum_is_covered(reference: dict) -> None:
    """No enum of the reference is left without a payflow counterpart."""

    def enums(node: object):
        if isinstance(node, dict):
            if "enum" in node and len(node["enum"]) > 1:
                yield frozenset(node["enum"])
            for value in node.values():
                yield from enums(value)

    ours = [
        frozenset(d["enum"]) - ALLOWED_ADDITIONS.get(k, set())
        for k, d in schemas.load("common.schema.json")["$defs"].items()
        if "enum" in d
    ]
    missing = [sorted(e) for e in set(enums(reference)) if e not in ours]
    assert not missing


def test_lifecycle_statuses_match_reference(reference: dict) -> None:
    life = schemas.lifecycle()
    assert life.workflow_execution.statuses == set(
        reference["WorkflowExecution"]["properties"]["status"]["enum"]
    )
    assert life.execution_operation.statuses == set(reference["ExecutionOperationStatus"]["enum"])
    assert life.configuration_operation.statuses == set(reference["ConfigOperationStatus"]["enum"])
    assert life.workflow_configuration.statuses - {"DELETED"} == set(
        reference["WorkflowConfigStatus"]["enum"]
    )


def test_discriminated_unions_cover_the_reference_branches(reference: dict) -> None:
    ours = schemas.load("workflow-execution.schema.json")["$defs"]["WorkflowExecutionOperation"]
    theirs = reference["WorkflowExecutionOperation"]["oneOf"]
    assert len(ours["oneOf"]) == len(theirs)
    assert set(ours["discriminator"]["mapping"]) == {
        "SCREENING",
        "CONVERSION",
        "TRANSFER",
        "DISBURSEMENT",
    }
