"""Rules the schema cannot express: the linter (with the configuration) and the sandbox's
business validation must agree.

Requests are generated against one real, READY_FOR_EXECUTION configuration of the sandbox
(examples/configuration-request.json: CONVERSION USD->USDC at exchange-main, then a
DISBURSEMENT out of exchange-main), varying only what the three rules are about:

* the conversion's srcAssetId (USD or USDC; destAssetId stays USDC): equal assets;
* the disbursement's instructionSet (1-4 instructions, amounts or percentages): the sum of
  the percentages;
* an extra params item repeating a configOperationId: duplicate operation ids;

in either request shape (v1 overrides in executionParams, v2 in configOverrideParams).

Agreement, precisely: the sandbox *refuses* a request when POST answers 422 or the execution
ends VALIDATION_FAILED (PREVIEW_FAILED is a quote problem the linter cannot foresee and counts
as accepted). Then:

1. the linter (``lint(bytes, config=<the configuration>)``) reports an error <=> the sandbox
   refuses;
2. rule by rule: PF209 <=> POST 422; when POST succeeded, PF212 <=> an operation failed with
   EQUAL_ASSETS_NOT_ALLOWED and PF206 <=> one failed with INSTRUCTIONS_EXCEED_HUNDRED_PERCENT;
3. the models accept every one of these requests (they are schema-valid: sums and
   cross-references are out of a model's reach, by design).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from tests.differential.judges import EXECUTIONS, AsgiSandbox, as_bytes, lint_errors, model_verdict
from tests.differential.settings import examples

RULE_TO_REASON = {
    "PF212": "EQUAL_ASSETS_NOT_ALLOWED",
    "PF206": "INSTRUCTIONS_EXCEED_HUNDRED_PERCENT",
}
SETTLED_BEFORE_LAUNCH = {"VALIDATION_FAILED", "PREVIEW_FAILED", "READY_FOR_LAUNCH"}
PERCENTAGES = ["10", "25", "33.3", "40", "50", "60", "99.99", "100"]


@pytest.fixture(scope="module")
def configuration(asgi_sandbox: AsgiSandbox) -> dict[str, Any]:
    body = (EXAMPLES / "configuration-request.json").read_bytes()
    created = asgi_sandbox.request("POST", "/v1/payments/workflow_config", body)
    assert created.status_code == 202, created.text
    path = f"/v1/payments/workflow_config/{created.json()['configId']}"
    ready = asgi_sandbox.wait(
        path, lambda d: d["status"] != "PENDING" and "IN_PROGRESS" not in d["status"]
    )
    assert ready["status"] == "READY_FOR_EXECUTION", ready
    return ready


instruction = st.builds(
    lambda payee, share: {
        "payeeAccount": {"accountId": payee, "accountType": "VAULT_ACCOUNT"},
        "assetId": "USDC",
        **share,
    },
    st.sampled_from(["vault-payroll-1", "vault-payroll-2"]),
    st.one_of(
        st.sampled_from(PERCENTAGES).map(lambda p: {"percentage": p}),
        st.sampled_from(["10", "250.5"]).map(lambda a: {"amount": a}),
    ),
)


@st.composite
def semantic_request(draw: Any, config: dict[str, Any]) -> dict[str, Any]:
    conversion, disbursement = (op["operationId"] for op in config["configOperations"])
    shape = draw(st.sampled_from(["v1", "v2"]))
    convert = {"srcAssetId": draw(st.sampled_from(["USD", "USDC"])), "destAssetId": "USDC"}
    pay = {"instructionSet": draw(st.lists(instruction, min_size=1, max_size=4))}
    if shape == "v1":
        items = [
            {"configOperationId": conversion, "executionParams": {"amount": "10000", **convert}},
            {"configOperationId": disbursement, "executionParams": pay},
        ]
    else:
        items = [
            {
                "configOperationId": conversion,
                "configOverrideParams": convert,
                "executionParams": {"amount": "10000"},
            },
            {"configOperationId": disbursement, "configOverrideParams": pay},
        ]
    if draw(st.integers(0, 4)) == 0:  # one request in five repeats an operation
        items.append(json.loads(json.dumps(items[draw(st.integers(0, 1))])))
    return {"configId": config["configId"], "params": items}


def _outcome(sandbox: AsgiSandbox, raw: bytes) -> tuple[bool, bool, set[str], str]:
    """(refused, POST was 422, failure reasons, what happened)."""
    response = sandbox.post_execution(raw)
    if response.status_code == 422:
        return True, True, set(), f"POST 422: {response.json()['error']['message']}"
    assert response.status_code == 200, f"unexpected answer {response.status_code}: {response.text}"
    path = f"{EXECUTIONS}/{response.json()['executionId']}"
    done = sandbox.wait(path, lambda d: d["status"] in SETTLED_BEFORE_LAUNCH)
    reasons = {
        op["validationFailure"]["reason"]
        for op in done["executionOperations"]
        if op.get("validationFailure")
    }
    return (
        done["status"] == "VALIDATION_FAILED",
        False,
        reasons,
        f"{done['status']} {sorted(reasons)}",
    )


def test_semantic_rules_agree(asgi_sandbox: AsgiSandbox, configuration: dict[str, Any]) -> None:
    @examples(40)
    @given(semantic_request(configuration))
    def check(document: dict[str, Any]) -> None:
        raw = as_bytes(document)
        note(f"request: {raw.decode()}")
        errors = lint_errors(raw, config=configuration)
        codes = {f.code for f in errors}
        note(f"linter: {[(f.code, f.pointer) for f in errors]}")
        refused, post_422, reasons, what = _outcome(asgi_sandbox, raw)
        note(f"sandbox: {what}")
        event(f"linter {sorted(codes)} / sandbox {what.split(':')[0].split(' [')[0]}")

        assert model_verdict(raw).accepted, "the models refuse a schema-valid request"
        assert bool(errors) == refused, "linter and sandbox disagree on whether to refuse"
        assert ("PF209" in codes) == post_422, "PF209 <=> POST 422 does not hold"
        if not post_422:
            for code, reason in RULE_TO_REASON.items():
                assert (code in codes) == (reason in reasons), f"{code} <=> {reason} does not hold"

    check()
