"""``payflow schema diff|checks`` and ``payflow upgrade``: schema evolution on the command line.

``payflow schema diff OLD NEW`` compares two JSON Schema files or OpenAPI documents and lists
every change, classified by direction (what clients send, what clients read).
``payflow upgrade FILE --to v2|v1`` rewrites a workflow-execution request between the two
published shapes.

Exit status: 0 ok; 1 ``--fail-on`` matched (diff) or the request cannot be rewritten (upgrade);
2 unreadable or invalid input.
"""

from __future__ import annotations

import argparse
import sys

FORMATS = ("text", "json", "markdown", "sarif")  # payflow.evolution.report.REPORTERS


def register(subparsers: argparse._SubParsersAction) -> None:
    schema = subparsers.add_parser(
        "schema",
        help="compare schema versions (schema diff) and list the checks",
        description="Schema evolution tools.",
    )
    schema.set_defaults(run=lambda args: _usage(schema))
    sub = schema.add_subparsers(dest="schema_command", metavar="SUBCOMMAND")

    diff = sub.add_parser(
        "diff",
        help="list the changes between two schema versions, classified by direction",
        description="Compare two JSON Schema files or two OpenAPI documents (YAML or JSON) "
        "after resolving $ref, and classify every change for what clients send (requests, "
        "parameters) and what clients read (responses) as breaking, warning or info.",
    )
    diff.add_argument("old", metavar="OLD", help="the old version (file)")
    diff.add_argument("new", metavar="NEW", help="the new version (file)")
    diff.add_argument("--format", choices=FORMATS, default="text", help="output format")
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "warning"),
        help="exit 1 when a change at least this severe is found",
    )
    diff.add_argument(
        "--direction",
        choices=("auto", "request", "response", "both"),
        default="auto",
        help="JSON Schema files only: how the schema is used (auto: 'request' when the file "
        "name or title says so, else 'both'); OpenAPI documents set it per use",
    )
    diff.set_defaults(run=run_diff)

    checks = sub.add_parser("checks", help="list every check id with its classification")
    checks.set_defaults(run=run_checks)

    upgrade = subparsers.add_parser(
        "upgrade",
        help="rewrite a workflow-execution request between the v1 and v2 shapes",
        description="Rewrite a workflow-execution request: v1 executionParams overrides move "
        "into v2 configOverrideParams (amount stays in executionParams), or back. Operation "
        "types come from --config or are inferred from the fields.",
    )
    upgrade.add_argument("file", metavar="FILE", help="the request (JSON)")
    upgrade.add_argument("--to", choices=("v1", "v2"), required=True, help="target shape")
    upgrade.add_argument(
        "--config",
        metavar="WC.json",
        help="the workflow configuration (as GET returns it) that gives each operation's type",
    )
    upgrade.add_argument(
        "--in-place", action="store_true", help="rewrite FILE atomically instead of printing"
    )
    upgrade.add_argument(
        "--drop-unsupported",
        action="store_true",
        help="v2 -> v1: drop what v1 cannot express (e.g. failureHandling) instead of refusing",
    )
    upgrade.set_defaults(run=run_upgrade)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_diff(args: argparse.Namespace) -> int:
    from payflow.evolution.diff import DiffError, diff_files
    from payflow.evolution.loader import LoadError
    from payflow.evolution.report import render

    try:
        result = diff_files(args.old, args.new, direction=args.direction)
    except (LoadError, DiffError) as exc:
        print(f"payflow schema diff: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print("payflow schema diff: schema nesting too deep to compare", file=sys.stderr)
        return 2
    except Exception as exc:  # malformed input the checks above did not foresee: no traceback
        print(f"payflow schema diff: cannot compare: {exc!r}", file=sys.stderr)
        return 2
    sys.stdout.write(render(result, args.format))
    if args.fail_on and result.has(args.fail_on):
        return 1
    return 0


def run_checks(args: argparse.Namespace) -> int:
    from payflow.evolution.checks import CHECKS

    width = max(len(cid) for cid in CHECKS)
    for cid, check in CHECKS.items():
        print(f"{cid:<{width}}  {check.classification:<8}  {check.direction:<8}  {check.summary}")
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    from payflow.evolution.upgrade import UpgradeError, upgrade_file

    try:
        result = upgrade_file(
            args.file,
            to=args.to,
            config=args.config,
            in_place=args.in_place,
            drop_unsupported=args.drop_unsupported,
        )
    except UpgradeError as exc:
        print(f"payflow upgrade: {exc}", file=sys.stderr)
        return exc.exit_status
    for note in result.notes:
        print(f"payflow upgrade: {note}", file=sys.stderr)
    if not args.in_place:
        sys.stdout.write(result.text)
    return 0
