"""Linter, models and sandbox judge generated requests alike.

Agreement, precisely:

* valid request (schema-valid, repaired for PF201/PF206/PF209/PF212): the linter reports no
  error; both model routes accept it and ``model_dump(mode="json", exclude_unset=True)`` gives
  the request back unchanged; the sandbox gets past validation: no configuration exists in
  this sandbox, so the answer must be exactly 404 NOT_FOUND (a 400 would be a refusal, a 5xx
  a crash);
* mutated request (one schema-breaking change at pointer ``at``): the linter reports an error
  at ``at``, inside it, or at the object/array holding it (``mutations.near``); both model
  routes refuse it; the sandbox answers 400 with an ErrorResponse of type VALIDATION.

Every failure prints the (shrunk) request and what each judge said.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, note

from tests.differential.judges import AsgiSandbox, as_bytes, lint_errors, model_verdict
from tests.differential.mutations import Mutation, mutated_request, near, valid_repaired_request
from tests.differential.settings import examples


def _show(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return text if len(text) < 2000 else text[:2000] + "…"


@examples(120)
@given(valid_repaired_request())
def test_valid_requests_pass_every_judge(asgi_sandbox: AsgiSandbox, document: Any) -> None:
    raw = as_bytes(document)
    note(f"request: {_show(raw)}")
    errors = lint_errors(raw)
    note(f"linter: {[(f.code, f.pointer, f.message) for f in errors]}")
    models = model_verdict(raw)
    note(f"models: {'accept' if models.accepted else 'refuse: ' + models.detail}")
    response = asgi_sandbox.post_execution(raw)
    note(f"sandbox: {response.status_code} {response.text[:300]}")

    assert errors == [], "the linter refuses a valid request"
    assert models.accepted, "the models refuse a valid request"
    assert models.round_trip == json.loads(raw), "the models do not give the request back"
    assert response.status_code == 404, "the sandbox did not get past validation"
    assert response.json()["error"]["type"] == "NOT_FOUND"


@examples(300)
@given(mutated_request())
def test_mutated_requests_are_refused_by_every_judge(
    asgi_sandbox: AsgiSandbox, mutation: Mutation
) -> None:
    raw = as_bytes(mutation.document)
    note(f"mutation: {mutation.describe()}")
    note(f"request: {_show(raw)}")
    errors = lint_errors(raw)
    note(f"linter: {[(f.code, f.pointer) for f in errors]}")
    models = model_verdict(raw)
    note(f"models: {'accept' if models.accepted else 'refuse: ' + models.detail}")
    response = asgi_sandbox.post_execution(raw)
    note(f"sandbox: {response.status_code} {response.text[:300]}")

    assert any(near(f.pointer, mutation.at) for f in errors), (
        f"the linter reports no error at or around {mutation.at or '/'}"
    )
    assert not models.accepted, "the models accept a request the schema refuses"
    assert response.status_code == 400, "the sandbox does not refuse the request with 400"
    assert response.json()["error"]["type"] == "VALIDATION"
