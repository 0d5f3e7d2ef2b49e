"""Report formats and the `payflow schema diff` command: output, exit status, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from payflow.cli import main
from payflow.evolution.checks import CHECKS
from payflow.evolution.diff import diff_files
from payflow.evolution.report import REPORTERS, render

OLD = {
    "type": "object",
    "properties": {
        "status": {"enum": ["A", "B"]},
        "amount": {"type": "string"},
        "note": {"type": "string"},
    },
    "required": ["amount"],
}
NEW = {
    "type": "object",
    "properties": {
        "status": {"enum": ["A", "C"]},
        "amount": {"type": "string", "maxLength": 10},
    },
    "required": ["amount"],
}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.request.json", tmp_path / "new.request.json"
    old.write_text(json.dumps(OLD, indent=2), encoding="utf-8")
    new.write_text(json.dumps(NEW, indent=2), encoding="utf-8")
    return old, new


def test_every_format_is_registered() -> None:
    from payflow.cli.schema import FORMATS

    assert set(FORMATS) == set(REPORTERS)


def test_json_report_has_pointers_lines_and_direction(pair: tuple[Path, Path]) -> None:
    result = diff_files(*pair)
    data = json.loads(render(result, "json"))
    assert data["summary"] == {"breaking": 2, "warning": 1, "info": 1}
    by_id = {c["id"]: c for c in data["changes"]}
    removed = by_id["request-enum-value-removed"]
    assert removed["direction"] == "request" and removed["classification"] == "breaking"
    assert removed["old"]["pointer"] == "/properties/status" and removed["old"]["line"] == 4
    assert removed["new"]["line"] == 4
    assert by_id["request-property-removed"]["new"]["pointer"] == ""
    assert by_id["request-bound-tightened"]["path"] == "amount"


def test_text_report_groups_by_severity(pair: tuple[Path, Path]) -> None:
    text = render(diff_files(*pair), "text")
    assert "2 breaking, 1 warning, 1 info" in text
    assert text.index("BREAKING (2)") < text.index("WARNING (1)") < text.index("INFO (1)")
    assert 'status: enum value "B" removed  [request-enum-value-removed]' in text
    assert "old.request.json:4" in text


def test_markdown_report_is_a_pr_comment(pair: tuple[Path, Path]) -> None:
    md = render(diff_files(*pair), "markdown")
    assert md.startswith("### payflow schema diff")
    assert "**breaking changes**" in md
    assert "| Where | Change | Check | Old | New |" in md
    assert "<details><summary>Info (1)</summary>" in md


def test_sarif_report_structure(pair: tuple[Path, Path]) -> None:
    sarif = json.loads(render(diff_files(*pair), "sarif"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CHECKS)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["request-enum-value-removed"] == "error"
    assert levels["request-property-removed"] == "warning"
    assert levels["request-enum-value-added"] == "note"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1


def test_cli_exit_status_follows_fail_on(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = map(str, pair)
    assert main(["schema", "diff", old, new]) == 0
    assert main(["schema", "diff", old, new, "--fail-on", "breaking"]) == 1
    assert main(["schema", "diff", old, old, "--fail-on", "warning"]) == 0
    # only a warning-level change: --fail-on breaking passes, --fail-on warning fails
    assert main(["schema", "diff", new, new, "--fail-on", "warning"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out


def test_cli_warning_threshold(tmp_path: Path) -> None:
    old, new = tmp_path / "a.json", tmp_path / "b.json"
    old.write_text(json.dumps({"enum": ["A"]}))
    new.write_text(json.dumps({"enum": ["A", "B"]}))
    args = ["schema", "diff", str(old), str(new), "--direction", "response"]
    assert main([*args, "--fail-on", "breaking"]) == 0
    assert main([*args, "--fail-on", "warning"]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"properties": []}', "'properties' has the wrong type"),
        ('{"$ref": "elsewhere.json"}', "cannot resolve $ref"),
        ("openapi: 3.0.0\npaths: {}\n", "cannot compare an OpenAPI document"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"type": "object"}')
    bad = tmp_path / ("bad.yaml" if content.startswith("openapi") else "bad.json")
    bad.write_text(content)
    assert main(["schema", "diff", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "diff", "/nonexistent/a.json", "/nonexistent/b.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_lists_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "checks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(CHECKS)
    assert out[0].split()[0] == sorted(CHECKS)[0]


def test_openapi_operation_level_changes(tmp_path: Path) -> None:
    def doc(paths: dict) -> str:
        return json.dumps(
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
        )

    ok = {"200": {"description": "ok"}}
    old = {
        "/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "get": {
                "parameters": [{"name": "q", "in": "query"}, {"name": "X-K", "in": "header"}],
                "responses": {**ok, "404": {"description": "no"}},
            },
            "delete": {"responses": ok},
        },
        "/gone": {"get": {"responses": ok}},
    }
    new = {
        "/a/{other}": {  # renamed path parameter: the same endpoint
            "parameters": [{"name": "other", "in": "path", "required": True}],
            "get": {
                "parameters": [
                    {"name": "q", "in": "query", "required": True},
                    {"name": "x-k", "in": "header"},  # header names are case-insensitive
                    {"name": "r", "in": "query", "required": True},
                ],
                "responses": {"201": {"description": "created"}},
            },
        },
    }
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(doc(old))
    b.write_text(doc(new))
    ids = sorted(c.id for c in diff_files(a, b).changes)
    assert ids == sorted(
        [
            "api-operation-removed",  # DELETE
            "api-endpoint-removed",  # /gone
            "request-parameter-became-required",  # q
            "request-parameter-added-required",  # r
            "response-success-status-removed",  # 200
            "response-status-removed",  # 404
            "response-status-added",  # 201
        ]
    )
