"""The strict parser: error kinds, positions, BOM, encodings, limits, duplicate keys."""

from __future__ import annotations

import pytest
from payflow.validator import Limits, lint
from payflow.validator.parse import JS_LITERAL_HINT, parse

from tests.conftest import EXAMPLES


def _one(data: bytes) -> tuple[str, int | None, int | None]:
    findings = lint(data)
    assert len(findings) == 1, findings
    return findings[0].code, findings[0].line, findings[0].column


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1,}', ("PF002", 1, 8)),
        (b"[1,\n 2,\n]", ("PF002", 2, 3)),
        (b'{"a": 1} // why', ("PF003", 1, 10)),
        (b'{\n  /* c */ "a": 1}', ("PF003", 2, 3)),  # a comment where a key is expected
        (b'{"a": NaN}', ("PF004", 1, 7)),
        (b'{"a": -Infinity}', ("PF004", 1, 7)),
        (b"{'a': 1}", ("PF005", 1, 2)),
        (b"{\"a\": 'x'}", ("PF005", 1, 7)),
        (b"{a: 1}", ("PF005", 1, 2)),
        (b"", ("PF008", 1, 1)),
        (b" \n\t ", ("PF008", 2, 3)),
        (b'{"a": 0x10}', ("PF001", 1, 7)),
        (b'{"a": 01}', ("PF001", 1, 7)),
        (b'{"a": "x', ("PF001", 1, 7)),
        (b'{"a": 1', ("PF001", 1, 8)),
        (b'{"a": 1} {"b": 2}', ("PF001", 1, 10)),
        (b'{"a": "tab\there"}', ("PF001", 1, 11)),
        (b'{"a": True}', ("PF001", 1, 7)),
        (b'{"a": "caf\xe9"}', ("PF007", 1, 11)),
        (b"\xff\xfe{\x00}\x00", ("PF007", 1, 1)),
    ],
)
def test_syntax_errors_have_code_line_and_column(data: bytes, expected: tuple) -> None:
    assert _one(data) == expected


def test_documentation_example_gets_exactly_the_js_literal_hint_at_line_6() -> None:
    data = (EXAMPLES / "bad" / "docs-example.not-json.json").read_bytes()
    findings = lint(data, source="docs.json")
    assert [(f.code, f.line, f.column, f.hint) for f in findings] == [
        ("PF005", 6, 3, JS_LITERAL_HINT)
    ]
    assert findings[0].file == "docs.json"


def test_documentation_page_itself(shared_dir) -> None:
    page = (shared_dir / "seed" / "create-workflow-execution.md").read_text(encoding="utf-8")
    example = page.split("```json", 1)[1].split("\n", 1)[1].split("```", 1)[0]
    findings = lint(example)
    assert [(f.code, f.line, f.hint) for f in findings] == [("PF005", 6, JS_LITERAL_HINT)]


def test_duplicate_key_reported_at_second_occurrence_and_linting_goes_on() -> None:
    data = b'{"configId": "c",\n "configId": "d", "params": [], "bogus": 1}'
    findings = lint(data)
    dup = [f for f in findings if f.code == "PF006"]
    assert [(f.line, f.column, f.pointer) for f in dup] == [(2, 2, "/configId")]
    assert "PF217" in [f.code for f in findings]  # the schema layer still ran


def test_bom_is_an_error_and_the_rest_is_still_checked_with_columns_ignoring_it() -> None:
    findings = lint(b'\xef\xbb\xbf{"configId": "", "params": []}')
    assert ("PF009", "error") in [(f.code, f.severity) for f in findings]
    empty = next(f for f in findings if f.code == "PF210")
    assert (empty.line, empty.column) == (1, 14)


def test_nesting_limit_is_a_finding_not_a_recursion_error() -> None:
    deep = b"[" * 100_000
    assert _one(deep)[0] == "PF010"
    assert _one(b'{"params": ' + b"[" * 500 + b"]" * 500 + b"}")[0] == "PF010"


def test_nesting_limit_for_python_objects() -> None:
    document: list = []
    node = document
    for _ in range(5000):
        node.append([])
        node = node[0]
    findings = lint(document)
    assert [f.code for f in findings] == ["PF010"]
    assert findings[0].line is None


def test_size_limit() -> None:
    from payflow.validator import check

    result = check(b'{"configId": "c", "params": []}', limits=Limits(max_bytes=10))
    assert [f.code for f in result.findings] == ["PF011"]


def test_long_integer_literal() -> None:
    assert _one(b'{"a": ' + b"1" * 5000 + b"}")[0] == "PF012"


def test_positions_of_values_and_keys() -> None:
    parsed = parse(b'{\n  "a": {"b~/": [10, "x"]}\n}')
    positions = parsed.positions()
    assert positions is not None
    assert positions.locate("/a/b~0~1/1") == (2, 21)
    assert positions.locate("/a/b~0~1", "key") == (2, 9)
    assert positions.locate("/a/missing/deeper") == (2, 8)


def test_string_escapes_and_unicode_columns() -> None:
    parsed = parse('{"é": "\\u00e9\\n", "x": 1}'.encode())
    assert parsed.document == {"é": "é\n", "x": 1}
    positions = parsed.positions()
    assert positions is not None and positions.locate("/x") == (1, 24)
