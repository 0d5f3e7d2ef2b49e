"""Property tests: no input makes the linter crash or exit with anything but 0, 1 or 2."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payflow.validator import Severity, lint

from payflow.cli import main
from tests.conftest import EXAMPLES

VALID = [
    (EXAMPLES / name).read_bytes()
    for name in ("execution-request.v1.json", "execution-request.v2.docs.json")
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(findings) -> None:
    for f in findings:
        assert f.code.startswith("PF") and f.message
        assert f.severity in set(Severity)
        assert f.pointer == "" or f.pointer.startswith("/")
        assert (f.line is None) == (f.column is None) or f.code == "PF011"
        if f.line is not None:
            assert f.line >= 1 and f.column >= 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["configId", "params", "amount", "configOperationId", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(lint(data))


@FAST
@given(st.sampled_from(VALID), st.integers(min_value=0), st.binary(max_size=3))
def test_truncated_and_mangled_valid_requests(valid: bytes, cut: int, junk: bytes) -> None:
    data = valid[: cut % (len(valid) + 1)] + junk
    findings = lint(data)
    _check(findings)
    if not junk and cut % (len(valid) + 1) < len(valid.rstrip()):
        assert findings, "a truncated request must not pass"


@FAST
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["[", '{"a":', '[{"b":']))
def test_deeply_nested(depth: int, opener: str) -> None:
    _check(lint((opener * depth).encode()))
    closer = {"[": "]", '{"a":': "}", '[{"b":': "}]"}[opener]
    _check(lint((opener * depth + "1" + closer * depth).encode()))


@FAST
@given(json_values)
def test_random_documents_as_objects_and_as_text(document: object) -> None:
    if isinstance(document, str):
        document = [document]  # a str given to lint() is JSON text, by contract
    findings = lint(document)
    _check(findings)
    text_findings = lint(json.dumps(document))
    _check(text_findings)
    assert {f.code for f in findings} == {f.code for f in text_findings}


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=200))
def test_cli_exit_status_is_0_1_or_2(data: bytes) -> None:
    import io
    import sys
    from contextlib import redirect_stdout

    stdin = sys.stdin
    try:
        sys.stdin = io.TextIOWrapper(io.BytesIO(data))
        with redirect_stdout(io.StringIO()):
            status = main(["lint", "--format", "json", "-"])
    finally:
        sys.stdin = stdin
    assert status in (0, 1, 2)


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=2000))
def test_random_bytes_many(data: bytes) -> None:
    _check(lint(data))


@pytest.mark.slow
@SLOW
@given(json_values)
def test_random_documents_many(document: object) -> None:
    _check(lint(document))


def _pointers(node: object, pointer: str = "") -> list[str]:
    out = [pointer]
    if isinstance(node, dict):
        for key, value in node.items():
            part = str(key).replace("~", "~0").replace("/", "~1")
            out += _pointers(value, f"{pointer}/{part}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _pointers(value, f"{pointer}/{i}")
    return out


@FAST
@given(json_values, st.sampled_from([None, 1, 2]))
def test_fast_locator_agrees_with_the_positional_parser(document: object, indent) -> None:
    from payflow.validator.parse import Locator, parse_text

    text = json.dumps({"d": document, "k/~": [document]}, indent=indent, ensure_ascii=False)
    _, findings, positions = parse_text(text)
    assert not findings
    locator = Locator(text)
    parsed = json.loads(text)
    for pointer in [*_pointers(parsed), "/nope", "/d/0/x/y", "/k~1~0/7"]:
        for anchor in ("value", "key"):
            assert locator.locate(pointer, anchor) == positions.locate(pointer, anchor), pointer
