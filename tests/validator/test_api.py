"""The library contract other parts of payflow rely on."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from payflow.validator import (
    ConfigError,
    Finding,
    Severity,
    detect_schema_version,
    has_errors,
    lint,
)

from tests.conftest import EXAMPLES
from tests.validator.helpers import CONFIG, CONVERSION_OP, request


def test_valid_examples_are_clean() -> None:
    for name in ("execution-request.v1.json", "execution-request.v2.json"):
        assert lint((EXAMPLES / name).read_bytes()) == []
    assert lint((EXAMPLES / "execution-request.v2.docs.json").read_bytes()) == []


def test_valid_examples_pass_the_config_cross_checks() -> None:
    for name in ("execution-request.v1.json", "execution-request.v2.json"):
        assert lint((EXAMPLES / name).read_bytes(), config=CONFIG) == [], name


def test_parsed_documents_have_no_positions() -> None:
    findings = lint(request(amount=5))
    assert [(f.code, f.line, f.column) for f in findings] == [("PF204", None, None)]
    assert findings[0].pointer == "/params/0/executionParams/amount"


def test_text_and_bytes_get_positions() -> None:
    text = json.dumps(request(amount="-5"), indent=1)
    for data in (text, text.encode()):
        (finding,) = lint(data, source="r.json")
        assert (finding.code, finding.file) == ("PF204", "r.json")
        assert finding.line is not None and finding.column is not None
        line = text.split("\n")[finding.line - 1]
        assert line[finding.column - 1 :].startswith('"-5"')


def test_finding_is_a_frozen_dataclass_with_to_dict() -> None:
    (finding,) = lint(request(amount="0"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "X"  # type: ignore[misc]
    data = finding.to_dict()
    assert set(data) == {"code", "severity", "message", "pointer", "line", "column", "file", "hint"}
    assert data["severity"] == "error" and isinstance(data["severity"], str)
    assert json.loads(json.dumps(data)) == data
    assert isinstance(finding, Finding) and finding.severity is Severity.ERROR


def test_has_errors_ignores_warnings() -> None:
    warning = Finding(code="PF009", severity=Severity.WARNING, message="bom")
    assert not has_errors([warning])
    assert has_errors([warning, Finding(code="PF001", severity=Severity.ERROR, message="x")])


@pytest.mark.parametrize(
    ("document", "version"),
    [
        (request(), "v1"),
        ({**request(), "failureHandling": {"enabled": True}}, "v2"),
        (
            {
                "configId": "c",
                "params": [{"configOperationId": "o", "configOverrideParams": {}}],
            },
            "v2",
        ),
        ([], "v1"),
        ("text", "v1"),
    ],
)
def test_detect_schema_version(document: object, version: str) -> None:
    assert detect_schema_version(document) == version


def test_amount_only_request_is_valid_in_both_shapes() -> None:
    for version in ("v1", "v2", "auto"):
        assert lint(request(), schema_version=version) == []  # type: ignore[arg-type]


def test_unknown_field_is_an_error_with_did_you_mean() -> None:
    (unknown,) = [f for f in lint(request(amount="1", amout="2")) if f.code == "PF217"]
    assert unknown.severity == "error"
    assert unknown.pointer == "/params/0/executionParams/amout"
    assert unknown.hint == 'did you mean "amount"?'


def test_snake_case_field_suggests_camel_case() -> None:
    document = {"config_id": "c", "params": []}
    hints = {f.hint for f in lint(document) if f.code == "PF217"}
    assert 'did you mean "configId"?' in hints


def test_other_shape_fields_name_the_right_version() -> None:
    v2_doc = {
        "configId": "c",
        "failureHandling": {"enabled": True},
        "params": [{"configOperationId": "o", "configOverrideParams": {"amount": "1"}}],
    }
    findings = lint(v2_doc, schema_version="v1")
    other = sorted(f.pointer for f in findings if f.code == "PF216")
    assert other == ["/failureHandling", "/params/0/configOverrideParams"]
    assert all("--schema-version v2" in f.hint for f in findings if f.code == "PF216")

    mixed = {
        "configId": "c",
        "failureHandling": {"enabled": True},
        "params": [{"configOperationId": "o", "executionParams": {"amount": "1", "assetId": "X"}}],
    }
    (finding,) = [f for f in lint(mixed) if f.code == "PF216"]
    assert finding.pointer == "/params/0/executionParams/assetId"
    assert "configOverrideParams" in finding.hint and "--schema-version v1" in finding.hint


def test_best_branch_reports_the_real_problem_of_the_closest_shape() -> None:
    document = {
        "configId": "c",
        "params": [
            {
                "configOperationId": "o",
                "executionParams": {
                    "amount": "1",
                    "destination": {"accountId": "a", "accountType": "VAULT_ACOUNT"},
                },
            }
        ],
    }
    findings = lint(document)
    assert [(f.code, f.pointer, f.hint) for f in findings] == [
        (
            "PF214",
            "/params/0/executionParams/destination/accountType",
            'did you mean "VAULT_ACCOUNT"?',
        )
    ]
    document["params"][0]["executionParams"]["destination"] = {"oneTimeAddress": "0xabc", "tg": "1"}
    findings = lint(document)
    assert [(f.code, f.pointer) for f in findings] == [
        ("PF217", "/params/0/executionParams/destination/tg")
    ]
    assert findings[0].hint == 'did you mean "tag"?'


def test_schema_layer_alone_picks_the_closest_branch() -> None:
    from payflow.validator.schema_check import schema_findings

    document = request(amount="1", destination={"accountId": "a", "accountType": 7})
    findings = schema_findings(document, "workflow-execution-request.v1.schema.json", "v1")
    assert [(f.code, f.pointer) for f in findings] == [
        ("PF101", "/params/0/executionParams/destination/accountType")
    ]


@pytest.mark.parametrize(
    "amount",
    [
        10000.5,
        100,
        "-5",
        "1e3",
        "0",
        "",
        "1,000.00",
        " 100",
        "NaN",
        "0x10",
        "007",
        "+5",
        True,
        None,
    ],
)
def test_every_bad_amount_form_gets_exactly_one_amount_finding(amount: object) -> None:
    findings = lint(request(amount=amount))
    assert [(f.code, f.pointer) for f in findings] == [
        ("PF204", "/params/0/executionParams/amount")
    ], findings


@pytest.mark.parametrize("amount", ["1", "0.01", "1000.00", "123456789.123456789"])
def test_good_amounts(amount: str) -> None:
    assert lint(request(amount=amount)) == []


@pytest.mark.parametrize(
    ("amount", "hint"),
    [(10000.5, 'write "10000.5"'), ("1,000.00", 'write "1000.00"'), ("1e3", 'write "1000"')],
)
def test_amount_hints_give_the_fix(amount: object, hint: str) -> None:
    (finding,) = lint(request(amount=amount))
    assert finding.hint is not None and finding.hint.startswith(hint)


@pytest.mark.parametrize("value", [True, "50", 50.5, -1, 10001, 10**30])
def test_bad_slippage(value: object) -> None:
    document = request(amount="1", slippageBasisPoints=value)
    assert [f.code for f in lint(document)] == ["PF208"]


def test_percentages_summing_to_exactly_100_in_decimal_pass() -> None:
    def ins(p: str) -> dict:
        acct = {"accountId": "v", "accountType": "VAULT_ACCOUNT"}
        return {"payeeAccount": acct, "assetId": "USDC", "percentage": p}

    document = request(amount="1", instructionSet=[ins("33.33"), ins("33.33"), ins("33.34")])
    assert lint(document) == []
    document["params"][0]["executionParams"]["instructionSet"].append(ins("0.000001"))
    assert [f.code for f in lint(document)] == ["PF206"]


def test_config_may_be_dict_bytes_or_path() -> None:
    bad = {**request(), "configId": "other"}
    for config in (json.loads(CONFIG.read_text()), CONFIG.read_bytes(), CONFIG, str(CONFIG)):
        assert [f.code for f in lint(bad, config=config)] == ["PF301"]


@pytest.mark.parametrize("config", [b"{nope", {"configId": "c"}, "/nonexistent/config.json", b"[]"])
def test_unusable_config_raises_config_error(config: object) -> None:
    with pytest.raises(ConfigError):
        lint(request(), config=config)


def test_config_status_comes_from_the_lifecycle() -> None:
    from payflow.schemas import lifecycle

    config = json.loads(CONFIG.read_text())
    machine = lifecycle().workflow_configuration
    for status in sorted(machine.statuses):
        config["status"] = status
        found = [f.code for f in lint(request(), config=config)]
        assert ("PF302" in found) == (status != machine.usable), status


def test_asset_continuity_and_operation_type_with_config() -> None:
    document = {
        "configId": "3f2d8c1e-6a4b-4f1e-9a7d-2b8c5e1f0a93",
        "params": [
            {
                "configOperationId": CONVERSION_OP,
                "configOverrideParams": {"destAssetId": "EURC", "paymentAccount": {}},
                "executionParams": {"amount": "100"},
            }
        ],
    }
    findings = lint(document, config=CONFIG)
    got = {(f.code, f.pointer) for f in findings}
    assert ("PF304", "/params/0/configOverrideParams/paymentAccount") in got
    # the configuration's disbursement pays USDC, the conversion now outputs EURC
    assert any(f.code == "PF307" for f in findings)


def test_lint_path_imports_no_http_client_pydantic_or_openapi_core() -> None:
    code = (
        "import sys, payflow.validator as v\n"
        'v.lint(b\'{"configId": "c", "params": [{"configOperationId": "o", '
        '"executionParams": {"amount": "1"}}]}\')\n'
        'v.lint(b\'{"configId": 1, "params": [{"amout": 5}]}\')\n'
        "from payflow.cli import lint\n"
        "bad = [m for m in ('pydantic', 'httpx', 'openapi_core') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


def test_valid_documents_do_not_import_python_jsonschema() -> None:
    code = (
        "import sys, payflow.validator as v\n"
        "from pathlib import Path\n"
        "assert v.lint(Path('examples/execution-request.v1.json').read_bytes()) == []\n"
        "print('jsonschema' in sys.modules)\n"
    )
    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
