"""``payflow lint``: check workflow-execution requests before they are sent."""

from __future__ import annotations

import argparse
import os
import sys

#: Kept in step with payflow.validator.reporters.REPORTERS (a test checks it); listed here so
#: that building the parser for other commands does not import the validator.
FORMATS = ("text", "json", "sarif", "github")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint workflow-execution requests (parse, schema, rules, --config cross-checks)",
        description="Check Fireblocks Payments - Flows workflow-execution requests before they "
        "are sent: strict JSON, the JSON Schema of the request shape, and rules the schema "
        "cannot express. Exit status: 0 no errors, 1 errors found, 2 usage error or "
        "unreadable path.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="request files; - for stdin")
    parser.add_argument(
        "--schema-version",
        choices=("v1", "v2", "auto"),
        default="auto",
        help="request shape (default: auto - v2 when failureHandling or configOverrideParams "
        "is present, else v1)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="workflow configuration (as GET /payments/workflow_config/{configId} returns it) "
        "for the PF3xx cross-checks",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="lint files in N processes"
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="JSON Lines: one request per line; findings carry the line number",
    )
    parser.add_argument(
        "--explain", metavar="CODE", help="print the documentation of a rule and exit"
    )
    parser.add_argument(
        "--max-bytes", type=int, metavar="N", help="size limit per document (default 16 MiB)"
    )
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="text output colour"
    )
    parser.set_defaults(run=run)


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _fail(message: str) -> int:
    print(f"payflow lint: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.explain:
        from payflow.cli.rule import explain

        return explain(args.explain)
    if not args.files:
        return _fail("no FILE given (use - for standard input, --help for usage)")
    if args.jobs < 1:
        return _fail("--jobs must be at least 1")
    if args.files.count("-") > 1:
        return _fail("standard input (-) can be given only once")

    from payflow.validator import ConfigError, load_configuration
    from payflow.validator.files import LintOptions, lint_path
    from payflow.validator.parse import DEFAULT_LIMITS, Limits
    from payflow.validator.reporters import REPORTERS

    limits = DEFAULT_LIMITS
    if args.max_bytes is not None:
        if args.max_bytes < 1:
            return _fail("--max-bytes must be positive")
        limits = Limits(max_bytes=args.max_bytes)
    config = None
    if args.config:
        try:
            config = load_configuration(args.config)
        except ConfigError as exc:
            return _fail(f"--config {args.config}: {exc}")
    options = LintOptions(
        schema_version=args.schema_version, config=config, jsonl=args.jsonl, limits=limits
    )

    files = list(args.files)
    if args.jobs > 1 and len(files) > 1:
        reports = _parallel(files, options, args.jobs)
    else:
        reports = [lint_path(path, options) for path in files]

    for report in reports:
        if report.unreadable:
            print(f"payflow lint: cannot read {report.file}: {report.unreadable}", file=sys.stderr)
    REPORTERS[args.format](sys.stdout, color=_use_color(args.color)).report(reports)
    sys.stdout.flush()
    if any(r.unreadable for r in reports):
        return 2
    return 1 if any(r.result and r.result.errors for r in reports) else 0


def _parallel(files: list[str], options, jobs: int):
    from concurrent.futures import ProcessPoolExecutor

    from payflow.validator.files import lint_bytes, lint_path

    stdin_report = None
    if "-" in files:  # read in this process: workers do not share our stdin
        stdin_report = lint_bytes(sys.stdin.buffer.read(), "<stdin>", options)
    others = [f for f in files if f != "-"]
    chunk = max(1, len(others) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = iter(pool.map(lint_path, others, [options] * len(others), chunksize=chunk))
    return [stdin_report if f == "-" else next(done) for f in files]
