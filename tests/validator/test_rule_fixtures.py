"""Every code has a fixture that triggers it and one that does not (tests/validator/fixtures)."""

from __future__ import annotations

import pytest
from payflow.validator import has_errors, registry
from payflow.validator.findings import Severity

from tests.validator.helpers import FIXTURES, codes, run_fixture

ALL_CODES = sorted(registry.RULES)


def test_every_code_has_fixtures() -> None:
    missing = [c for c in ALL_CODES if not (FIXTURES / c).is_dir()]
    assert not missing, f"codes without fixtures: {missing}"
    stray = sorted(p.name for p in FIXTURES.iterdir() if p.name not in registry.RULES)
    assert not stray, f"fixtures for unknown codes: {stray}"


@pytest.mark.parametrize("code", ALL_CODES)
def test_bad_fixture_triggers_the_code(code: str) -> None:
    findings = run_fixture(code, "bad")
    assert code in codes(findings), findings
    found = next(f for f in findings if f.code == code)
    assert found.severity == registry.RULES[code].severity
    if registry.RULES[code].severity == Severity.ERROR:
        assert has_errors(findings)


@pytest.mark.parametrize("code", ALL_CODES)
def test_good_fixture_is_clean(code: str) -> None:
    findings = run_fixture(code, "good")
    assert code not in codes(findings), findings
    assert not has_errors(findings), findings


@pytest.mark.parametrize("code", [c for c in ALL_CODES if c.startswith(("PF2", "PF3"))])
def test_rule_findings_are_not_doubled_by_generic_schema_findings(code: str) -> None:
    findings = run_fixture(code, "bad")
    rule_pointers = {f.pointer for f in findings if f.code == code}
    generic = [f for f in findings if f.code.startswith("PF1") and f.pointer in rule_pointers]
    assert not generic, findings
