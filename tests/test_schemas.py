"""The hand-written schemas: valid, fully resolvable, and agreeing with the examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from payflow import schemas
from tests.conftest import EXAMPLES, load_json
from tests.examples_index import schema_of

SCHEMA_FILES = schemas.schema_files()
GOOD_EXAMPLES = sorted(EXAMPLES.glob("*.json"))
BAD_EXAMPLES = sorted(p for p in (EXAMPLES / "bad").glob("*.json") if "not-json" not in p.name)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schemas.load(name), registry=schemas.registry())


def _refs(node: object, where: str = ""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_2020_12_with_id(path: Path) -> None:
    schema = load_json(path)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schemas.BASE_URI + path.name


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_ref_resolves(path: Path) -> None:
    schema = load_json(path)
    resolver = schemas.registry().resolver(base_uri=schema["$id"])
    refs = list(_refs(schema))
    for where, ref in refs:
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:  # pragma: no cover - the failure is the message
            pytest.fail(f"{path.name}{where}: $ref {ref!r} does not resolve: {exc}")


def test_a_broken_ref_is_detected() -> None:
    resolver = schemas.registry().resolver(base_uri=schemas.BASE_URI + "common.schema.json")
    with pytest.raises(Unresolvable):
        resolver.lookup("common.schema.json#/$defs/NoSuchThing")


@pytest.mark.parametrize("path", GOOD_EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid(path: Path) -> None:
    errors = list(validator(schema_of(path)).iter_errors(load_json(path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("path", BAD_EXAMPLES, ids=lambda p: p.name)
def test_bad_example_is_invalid(path: Path) -> None:
    assert not validator(schema_of(path)).is_valid(load_json(path))


def test_documentation_example_is_not_json() -> None:
    text = (EXAMPLES / "bad" / "docs-example.not-json.json").read_text(encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(text)
    assert info.value.lineno == 6  # `failureHandling:` - an unquoted key


def test_both_shapes_accepted_by_the_combined_request_schema() -> None:
    combined = validator("workflow-execution-request.schema.json")
    for name in ("execution-request.v1.json", "execution-request.v2.json"):
        assert combined.is_valid(load_json(EXAMPLES / name))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("100", True),
        ("0.25", True),
        ("1000.00", True),
        ("10", True),
        ("0", False),
        ("0.00", False),
        ("-5", False),
        ("1e3", False),
        ("", False),
        ("1,000.00", False),
        (" 100", False),
        ("100 ", False),
        ("NaN", False),
        ("0x10", False),
        ("+1", False),
        ("01", False),
        (".5", False),
        ("5.", False),
        (100, False),
    ],
)
def test_positive_decimal_string(value: object, valid: bool) -> None:
    schema = {"$ref": schemas.BASE_URI + "common.schema.json#/$defs/PositiveDecimalString"}
    v = Draft202012Validator(schema, registry=schemas.registry())
    assert v.is_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("20", True),
        ("100", True),
        ("100.00", True),
        ("0.5", True),
        ("99.999", True),
        ("0", False),
        ("100.01", False),
        ("101", False),
        ("-1", False),
        ("1e2", False),
    ],
)
def test_percentage_string(value: str, valid: bool) -> None:
    schema = {"$ref": schemas.BASE_URI + "common.schema.json#/$defs/PercentageString"}
    v = Draft202012Validator(schema, registry=schemas.registry())
    assert v.is_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (0, True),
        (10000, True),
        (50, True),
        (-1, False),
        (10001, False),
        (True, False),
        ("100", False),
        (2**70, False),
        (1.5, False),
    ],
)
def test_slippage_basis_points(value: object, valid: bool) -> None:
    schema = {"$ref": schemas.BASE_URI + "common.schema.json#/$defs/SlippageBasisPoints"}
    v = Draft202012Validator(schema, registry=schemas.registry())
    assert v.is_valid(value) is valid


def _instruction(**fields: str) -> dict:
    base = {"payeeAccount": {"accountId": "a", "accountType": "VAULT_ACCOUNT"}, "assetId": "USDC"}
    return {**base, **fields}


@pytest.mark.parametrize(
    ("instruction", "valid"),
    [
        (_instruction(amount="1"), True),
        (_instruction(percentage="10"), True),
        (_instruction(amount="1", percentage="10"), False),
        (_instruction(), False),
    ],
)
def test_instruction_has_exactly_one_of_amount_and_percentage(instruction, valid) -> None:
    schema = {"$ref": schemas.BASE_URI + "common.schema.json#/$defs/DisbursementInstruction"}
    v = Draft202012Validator(schema, registry=schemas.registry())
    assert v.is_valid(instruction) is valid


def test_lifecycle_matches_its_schema_and_the_status_enums() -> None:
    data = schemas.load("lifecycle.json")
    validator("lifecycle.schema.json").validate(data)
    defs = schemas.load("common.schema.json")["$defs"]
    enums = {
        "workflowConfiguration": "WorkflowConfigStatus",
        "configurationOperation": "ConfigOperationStatus",
        "workflowExecution": "WorkflowExecutionStatus",
        "executionOperation": "ExecutionOperationStatus",
    }
    for machine_name, enum_name in enums.items():
        machine = data[machine_name]
        statuses = set(defs[enum_name]["enum"])
        assert set(machine["transitions"]) == statuses, machine_name
        for source, targets in machine["transitions"].items():
            assert set(targets) <= statuses, (machine_name, source)
        for key in ("final", "failed", "awaitingAction"):
            assert set(machine.get(key, [])) <= statuses, (machine_name, key)
        assert set(machine["failed"]) <= set(machine["final"])
        # Final statuses never move on their own; only a configuration can still be deleted.
        for status in machine["final"]:
            assert set(machine["transitions"][status]) <= {"DELETED"}, (machine_name, status)
        # Every status is reachable from the initial one.
        seen, todo = set(), [machine["initial"]]
        while todo:
            status = todo.pop()
            if status not in seen:
                seen.add(status)
                todo.extend(machine["transitions"][status])
        assert seen == statuses, (machine_name, statuses - seen)


def test_lifecycle_api() -> None:
    we = schemas.lifecycle().workflow_execution
    assert we.launchable == "READY_FOR_LAUNCH"
    assert we.can_move("READY_FOR_LAUNCH", "EXECUTION_IN_PROGRESS")
    assert not we.can_move("PREVIEW_FAILED", "EXECUTION_IN_PROGRESS")
    assert we.is_settled("READY_FOR_LAUNCH") and not we.is_final("READY_FOR_LAUNCH")
    assert schemas.lifecycle().workflow_configuration.usable == "READY_FOR_EXECUTION"


def test_openapi_document_is_valid_and_refs_resolve() -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, base_uri = read_from_filename(str(schemas.openapi_path()))
    assert spec["openapi"].startswith("3.1")
    validate(spec, base_uri=base_uri)
    operation_ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "delete"}
    }
    assert operation_ids == {
        "createFlowConfiguration",
        "getFlowConfiguration",
        "deleteFlowConfiguration",
        "createFlowExecution",
        "getFlowExecution",
        "launchFlowExecution",
    }
    assert set(spec["components"]["securitySchemes"]) == {"ApiKeyAuth", "bearerTokenAuth"}


def test_openapi_request_body_accepts_both_shapes_and_rejects_bad() -> None:
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest

    api = OpenAPI.from_file_path(str(schemas.openapi_path()))

    def request(body: object) -> MockRequest:
        return MockRequest(
            "http://127.0.0.1:8088",
            "post",
            "/v1/payments/workflow_execution",
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-API-Key": "k", "Authorization": "Bearer t"},
        )

    for name in ("execution-request.v1.json", "execution-request.v2.json"):
        api.validate_request(request(load_json(EXAMPLES / name)))
    bad = load_json(EXAMPLES / "bad" / "execution-request.v2.amount-and-percentage.json")
    with pytest.raises(Exception, match=r"[Vv]alidation|not valid"):
        api.validate_request(request(bad))


def test_jsonschema_import_is_used() -> None:
    # Guard against a validator that silently accepts everything: a wrong type must fail.
    with pytest.raises(jsonschema.ValidationError):
        validator("error-response.schema.json").validate({"error": {"type": "NOPE"}})
