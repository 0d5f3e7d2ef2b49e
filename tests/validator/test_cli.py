"""``payflow lint`` and ``payflow rule`` end to end: exit codes, formats, stdin, JSON Lines."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from payflow.validator import registry
from payflow.validator.reporters import REPORTERS

from payflow.cli import main
from payflow.cli.lint import FORMATS
from tests.conftest import EXAMPLES, ROOT
from tests.validator.helpers import CONFIG, request

GOOD = EXAMPLES / "execution-request.v2.json"
BAD = EXAMPLES / "bad" / "execution-request.v2.amount-and-percentage.json"
DOCS = EXAMPLES / "bad" / "docs-example.not-json.json"


def run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "payflow", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def lint_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["lint", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_format_choices_come_from_the_reporter_table() -> None:
    assert tuple(REPORTERS) == FORMATS


def test_exit_0_for_clean_files(capsys) -> None:
    status, out, _ = lint_main([str(GOOD), str(EXAMPLES / "execution-request.v1.json")], capsys)
    assert status == 0
    assert "v2, auto-detected" in out and "v1, auto-detected" in out


def test_exit_1_with_text_caret_and_hint(capsys) -> None:
    status, out, _ = lint_main(["--color", "never", str(DOCS)], capsys)
    assert status == 1
    lines = out.splitlines()
    assert (
        lines[0] == f"{DOCS}:6:3: PF005 error: object key failureHandling is not in double quotes"
    )
    assert lines[1].endswith("|   failureHandling: {")
    caret = lines[2]
    assert caret.index("^") == lines[1].index("failureHandling")
    assert "quote the keys and use double quotes" in lines[3]
    assert "\033[" not in out


def test_colour_only_when_asked_or_on_a_terminal(capsys) -> None:
    _, out, _ = lint_main(["--color", "always", str(BAD)], capsys)
    assert "\033[31m" in out
    _, out, _ = lint_main([str(BAD)], capsys)  # captured output is not a terminal
    assert "\033[" not in out


def test_exit_2_for_unreadable_paths_and_usage_errors(tmp_path: Path, capsys) -> None:
    status, _, err = lint_main([str(GOOD), str(tmp_path / "missing.json")], capsys)
    assert status == 2 and "cannot read" in err and "Traceback" not in err
    assert lint_main([str(tmp_path)], capsys)[0] == 2
    assert lint_main([], capsys)[0] == 2
    assert lint_main(["--jobs", "0", str(GOOD)], capsys)[0] == 2
    status, _, err = lint_main(["--config", str(tmp_path / "nope.json"), str(GOOD)], capsys)
    assert status == 2 and "--config" in err


def test_bad_schema_version_is_a_usage_error() -> None:
    result = run(["lint", "--schema-version", "v3", str(GOOD)])
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_stdin(capsys, monkeypatch) -> None:
    data = json.dumps(request(amount="1e3")).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out, _ = lint_main(["--format", "json", "-"], capsys)
    assert status == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == ("PF204", "<stdin>", 1)


def test_json_output_matches_its_schema(capsys) -> None:
    import jsonschema

    status, out, _ = lint_main(["--format", "json", str(GOOD), str(BAD), str(DOCS)], capsys)
    assert status == 1
    document = json.loads(out)
    schema_path = ROOT / "validator" / "reporters" / "lint-output.schema.json"
    jsonschema.Draft202012Validator(json.loads(schema_path.read_text())).validate(document)
    assert document["summary"]["errors"] == 2
    assert {f["code"] for f in document["findings"]} == {"PF202", "PF005"}
    assert all(f["line"] and f["column"] for f in document["findings"])


def test_sarif_structure(capsys) -> None:
    status, out, _ = lint_main(["--format", "sarif", str(BAD), str(GOOD)], capsys)
    assert status == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) == sorted(registry.RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    (result,) = run_["results"]
    assert result["ruleId"] == "PF202" and result["level"] == "error"
    assert rules[result["ruleIndex"]]["id"] == "PF202"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == BAD.as_posix()
    assert location["region"] == {"startLine": 8, "startColumn": 11}
    assert result["partialFingerprints"]


def test_github_annotations(capsys) -> None:
    status, out, _ = lint_main(["--format", "github", str(BAD)], capsys)
    assert status == 1
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={BAD},line=8,col=11,title=PF202 amount-and-percentage::")
    assert "%0Ahint: " in line  # newlines are escaped, one annotation per line


def test_jsonl_findings_carry_the_line_number(tmp_path: Path, capsys) -> None:
    lines = [json.dumps(request()), "", json.dumps(request(amount="0")), "{oops"]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    status, out, _ = lint_main(["--jsonl", "--format", "json", str(path)], capsys)
    assert status == 1
    document = json.loads(out)
    assert [(f["code"], f["line"]) for f in document["findings"]] == [
        ("PF204", 3),
        ("PF005", 4),
    ]
    assert document["files"][0]["records"] == 3


def test_jobs_gives_the_same_result_as_one_process(tmp_path: Path, capsys) -> None:
    files = []
    for i in range(6):
        path = tmp_path / f"r{i}.json"
        path.write_text(json.dumps(request(amount=str(i))))
        files.append(str(path))
    single = lint_main(["--format", "json", *files], capsys)
    parallel = lint_main(["--format", "json", "--jobs", "2", *files], capsys)
    assert single[0] == parallel[0] == 1
    assert json.loads(single[1]) == json.loads(parallel[1])


def test_config_cross_checks_from_the_cli(capsys) -> None:
    status, out, _ = lint_main(["--config", str(CONFIG), str(GOOD)], capsys)
    assert status == 0
    other = EXAMPLES / "configuration.validation-failed.json"
    status, out, _ = lint_main(["--format", "json", "--config", str(other), str(GOOD)], capsys)
    assert status == 1
    assert {"PF301", "PF302"} <= {f["code"] for f in json.loads(out)["findings"]}


def test_explicit_schema_version(capsys) -> None:
    status, out, _ = lint_main(["--schema-version", "v1", str(GOOD)], capsys)
    assert status == 1 and "PF216" in out and "v1, as requested" in out


def test_rule_and_explain(capsys) -> None:
    assert main(["rule", "PF204"]) == 0
    text = capsys.readouterr().out
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
        assert heading in text
    assert main(["lint", "--explain", "invalid-amount"]) == 0
    assert capsys.readouterr().out == text
    assert main(["rule", "PF999"]) == 2
    assert main(["rule", "invalid-amout"]) == 2
    assert "did you mean invalid-amount" in capsys.readouterr().err
    assert main(["rule", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == sorted(registry.RULES)


def test_installed_command_runs_without_traceback() -> None:
    result = run(["lint", "-"], stdin=b"{\"configId\": 'x'}")
    assert result.returncode == 1, result.stderr
    assert "<stdin>:1:14: PF005" in result.stdout


def test_size_limit_from_the_cli(tmp_path: Path, capsys) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({**request(), "externalCorrelationData": "x" * 5000}))
    status, out, _ = lint_main(["--max-bytes", "1000", "--format", "json", str(path)], capsys)
    assert status == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "PF011" and f"{path.stat().st_size:,} bytes" in finding["message"]
    assert lint_main([str(path)], capsys)[0] == 0
