"""payflow upgrade: v1 <-> v2 rewriting, round trips on the examples, refusals, --in-place."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from payflow.validator import has_errors, lint

from payflow.cli import main
from payflow.evolution.upgrade import UpgradeError, detect_shape, operation_fields, upgrade
from tests.conftest import EXAMPLES, load_json

V1 = EXAMPLES / "execution-request.v1.json"
V2 = EXAMPLES / "execution-request.v2.json"
V2_DOCS = EXAMPLES / "execution-request.v2.docs.json"
CONFIG = EXAMPLES / "configuration.json"


def clean(document: dict, shape: str, config: object = None) -> bool:
    findings = lint(document, schema_version=shape, config=config)
    return not has_errors(findings)


@pytest.mark.parametrize("use_config", [False, True])
def test_v1_example_round_trip(use_config: bool) -> None:
    original = load_json(V1)
    config = load_json(CONFIG) if use_config else None
    assert clean(original, "v1", config)
    up = upgrade(original, "v2", config=config)
    assert up.source_shape == "v1"
    assert clean(up.document, "v2", config)
    first = up.document["params"][0]
    assert first["executionParams"] == {"amount": "10000.00"}
    assert set(first["configOverrideParams"]) == {
        "accountId",
        "srcAssetId",
        "destAssetId",
        "slippageBasisPoints",
    }
    second = up.document["params"][1]
    assert "executionParams" not in second  # it held only overrides
    assert set(second["configOverrideParams"]) == {"paymentAccount", "instructionSet"}
    down = upgrade(up.document, "v1", config=config)
    assert clean(down.document, "v1", config)
    assert down.document == original
    assert load_json(V1) == original  # the input object was not modified


@pytest.mark.parametrize("path", [V2, V2_DOCS], ids=["v2", "v2-docs"])
def test_v2_examples_round_trip_with_drop(path: Path) -> None:
    original = load_json(path)
    config = load_json(CONFIG)
    assert clean(original, "v2", config)
    with pytest.raises(UpgradeError, match="v1 cannot express failureHandling"):
        upgrade(original, "v1", config=config)
    down = upgrade(original, "v1", config=config, drop_unsupported=True)
    assert "failureHandling" not in down.document
    assert any(n.startswith("dropped failureHandling") for n in down.notes)
    assert clean(down.document, "v1", config)
    back = upgrade(down.document, "v2", config=config)
    assert clean(back.document, "v2", config)
    expected = {k: v for k, v in original.items() if k != "failureHandling"}
    assert back.document == expected


def test_v2_example_with_a_config_that_holds_its_operations() -> None:
    """A configuration built to match: the second operation of the docs example is a
    DISBURSEMENT; telling it is a CONVERSION instead must be refused, never guessed around."""
    config = load_json(CONFIG)
    wrong = copy.deepcopy(config)
    wrong["configOperations"][1]["type"] = "CONVERSION"
    with pytest.raises(UpgradeError, match="is a CONVERSION operation, which takes no"):
        upgrade(load_json(V2_DOCS), "v1", config=wrong, drop_unsupported=True)


def test_types_are_inferred_and_mixed_fields_refused() -> None:
    request = {
        "configId": "c",
        "params": [
            {
                "configOperationId": "op",
                "executionParams": {"amount": "1", "accountId": "a", "assetId": "BTC"},
            }
        ],
    }
    with pytest.raises(UpgradeError) as info:
        upgrade(request, "v2")
    message = str(info.value)
    assert "belong to different operation types" in message
    assert "accountId: CONVERSION" in message and "assetId: TRANSFER" in message
    assert "--config" in message


def test_config_must_match_the_request() -> None:
    request = load_json(V1)
    other = copy.deepcopy(load_json(CONFIG))
    other["configId"] = "another"
    with pytest.raises(UpgradeError, match="is for configuration"):
        upgrade(request, "v2", config=other)
    missing = copy.deepcopy(load_json(CONFIG))
    missing["configOperations"] = missing["configOperations"][:1]
    with pytest.raises(UpgradeError, match=r"params\[1\] .* is not an operation of the --config"):
        upgrade(request, "v2", config=missing)


def test_conflicting_amounts_are_refused() -> None:
    request = {
        "configId": "c",
        "params": [
            {
                "configOperationId": "op",
                "configOverrideParams": {"amount": "5"},
                "executionParams": {"amount": "6"},
            }
        ],
    }
    with pytest.raises(UpgradeError, match="amount differs"):
        upgrade(request, "v1")


def test_mixed_shapes_are_refused() -> None:
    request = {
        "configId": "c",
        "failureHandling": {"enabled": True},
        "params": [{"configOperationId": "op", "executionParams": {"accountId": "a"}}],
    }
    with pytest.raises(UpgradeError, match="mixes the shapes"):
        detect_shape(request)


def test_field_sets_come_from_the_schemas() -> None:
    fields = operation_fields()
    assert "amount" not in fields["CONVERSION"]
    assert fields["TRANSFER"] == {"assetId", "source", "destination"}
    assert fields["SCREENING"] == frozenset()


# --------------------------------------------------------------------------- CLI


def test_cli_stdout_and_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", str(V1), "--to", "v2", "--config", str(CONFIG)]) == 0
    out, err = capsys.readouterr()
    assert clean(json.loads(out), "v2")
    assert "moved accountId, srcAssetId, destAssetId, slippageBasisPoints" in err


def test_cli_refusal_says_what_and_how(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", str(V2), "--to", "v1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "failureHandling" in err and "--drop-unsupported" in err
    assert main(["upgrade", str(V2), "--to", "v1", "--drop-unsupported"]) == 0
    assert "dropped failureHandling" in capsys.readouterr().err


def test_cli_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "request.json"
    shutil.copy(V1, target)
    assert main(["upgrade", str(target), "--to", "v2", "--in-place"]) == 0
    assert capsys.readouterr().out == ""
    assert clean(json.loads(target.read_text()), "v2")
    assert [p.name for p in tmp_path.iterdir()] == ["request.json"]


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        ("{nope", 2, "not valid JSON"),
        ("[]", 2, "not a workflow-execution request"),
        (
            json.dumps(
                {
                    "configId": "c",
                    "params": [
                        {
                            "configOperationId": "o",
                            "executionParams": {"slippageBasisPoints": 99999},
                        }
                    ],
                }
            ),
            1,
            "does not lint clean as a v1 request",
        ),
    ],
)
def test_cli_bad_input_leaves_the_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, status: int, message: str
) -> None:
    target = tmp_path / "request.json"
    target.write_text(content)
    assert main(["upgrade", str(target), "--to", "v2", "--in-place"]) == status
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert target.read_text() == content
