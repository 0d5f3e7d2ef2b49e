"""The loader keeps source lines for every node and resolves $ref across files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from payflow.evolution.loader import LoadError, Resolver, load_document, parse_text
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"


def test_json_lines_point_at_the_key() -> None:
    text = '{\n  "a": {\n    "b": [\n      1,\n      {"c": "x"}\n    ]\n  },\n  "d": true\n}\n'
    data, lines = parse_text(text, "t.json", as_json=True)
    assert data == json.loads(text)
    assert lines["/a"] == 2 and lines["/a/b"] == 3
    assert lines["/a/b/0"] == 4 and lines["/a/b/1"] == 5 and lines["/a/b/1/c"] == 5
    assert lines["/d"] == 8


def test_json_keys_with_slash_and_tilde_are_escaped() -> None:
    data, lines = parse_text('{"a/b": {"~c": 1}}', "t.json", as_json=True)
    assert data == {"a/b": {"~c": 1}}
    assert "/a~1b/~0c" in lines


def test_yaml_lines_and_plain_keys() -> None:
    text = "paths:\n  /x:\n    get:\n      responses:\n        200:\n          description: ok\n"
    data, lines = parse_text(text, "t.yaml", as_json=False)
    assert data["paths"]["/x"]["get"]["responses"] == {"200": {"description": "ok"}}
    assert lines["/paths/~1x/get"] == 3
    assert lines["/paths/~1x/get/responses/200"] == 5


def test_real_schema_parses_identically_to_json() -> None:
    path = SCHEMAS / "common.schema.json"
    doc = load_document(path)
    assert doc.data == json.loads(path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8").splitlines()
    line = doc.line("/$defs/Account/properties/accountType")
    assert '"accountType"' in text[line - 1]
    # a pointer without its own line falls back to the nearest ancestor
    assert doc.line("/$defs/Account/properties/accountType/nothing") == line


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"a": }', "not valid JSON"),
        ("bad.yaml", "a: [1, 2\n", "not valid YAML"),
    ],
)
def test_unparseable_input_is_one_line_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "line 1" in str(info.value) or "line 2" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_document(tmp_path / "nope.json")


def test_refs_resolve_across_files_by_id_and_by_path() -> None:
    root = load_document(SCHEMAS / "openapi.yaml")
    resolver = Resolver(root)
    doc, pointer = resolver.resolve(
        root, "/components/schemas/WorkflowExecution", "workflow-execution.schema.json"
    )
    assert doc.path.name == "workflow-execution.schema.json" and pointer == ""
    # inside that file, refs are relative to its $id (https://schemas.payflow.dev/...)
    ref = doc.get("/properties/status/$ref")
    target, tptr = resolver.resolve(doc, "/properties/status", ref)
    assert target.path.name == "common.schema.json"
    assert target.get(tptr)["title"] == "WorkflowExecutionStatus"
    # each file is loaded once
    again, _ = resolver.resolve(doc, "/x", "common.schema.json#/$defs/Account")
    assert again is target


def test_unresolvable_ref_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "properties": {\n    "x": {"$ref": "missing.json"}\n  }\n}\n')
    doc = load_document(path)
    with pytest.raises(LoadError, match=r"a\.json:3: cannot resolve \$ref 'missing.json'"):
        Resolver(doc).resolve(doc, "/properties/x", "missing.json")
    with pytest.raises(LoadError, match="points at nothing"):
        Resolver(doc).resolve(doc, "/properties/x", "#/nope")
