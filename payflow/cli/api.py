"""``payflow config ...`` and ``payflow execution ...``: call the Payments - Flows API.

    payflow config create FILE [--wait] | get ID | delete ID
    payflow execution create FILE [--wait] [--no-lint] | get ID | launch ID [--wait]

Connection settings: --base-url, else FIREBLOCKS_BASE_URL / FIREBLOCKS_BASE_PATH,
FIREBLOCKS_API_KEY, FIREBLOCKS_SECRET_KEY, else the local sandbox's published dev credentials.
Output is the JSON object; an error is one line on stderr and exit status 1. ``execution
create`` lints the file first and sends nothing when lint finds errors (unless --no-lint).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EPILOG = (
    "environment: FIREBLOCKS_BASE_URL (or FIREBLOCKS_BASE_PATH), FIREBLOCKS_API_KEY, "
    "FIREBLOCKS_SECRET_KEY (PEM text or path); without them, a running `payflow sandbox`"
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", help="API base URL, e.g. http://127.0.0.1:8088/v1")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds to wait with --wait (default 60/120)"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    config = subparsers.add_parser(
        "config", help="create, get or delete a workflow configuration", epilog=EPILOG
    )
    config_sub = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = config_sub.add_parser("create", help="create a configuration from a JSON file")
    p.add_argument("file", help="the request (JSON file, - for stdin)")
    p.add_argument("--wait", action="store_true", help="wait until validated")
    _common(p)
    for action in ("get", "delete"):
        p = config_sub.add_parser(action, help=f"{action} a configuration")
        p.add_argument("id", help="configuration id")
        _common(p)
    config.set_defaults(run=run, kind="config")

    execution = subparsers.add_parser(
        "execution", help="create, get or launch a workflow execution", epilog=EPILOG
    )
    ex_sub = execution.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ex_sub.add_parser("create", help="lint, then create an execution from a JSON file")
    p.add_argument("file", help="the request (JSON file, - for stdin)")
    p.add_argument("--wait", action="store_true", help="wait until READY_FOR_LAUNCH or final")
    p.add_argument("--no-lint", action="store_true", help="send without linting first")
    _common(p)
    p = ex_sub.add_parser("get", help="get an execution")
    p.add_argument("id", help="execution id")
    _common(p)
    p = ex_sub.add_parser("launch", help="launch an execution that is READY_FOR_LAUNCH")
    p.add_argument("id", help="execution id")
    p.add_argument("--wait", action="store_true", help="wait until the execution is final")
    _common(p)
    execution.set_defaults(run=run, kind="execution")


class _Refused(Exception):
    """Input problem: exit status 2."""


def _read(file: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _Refused(f"cannot read {file}: {exc.strerror}") from None


def _lint_file(data: bytes, source: str) -> bool:
    """Print the findings; True when the request may be sent."""
    from payflow.validator import has_errors, lint

    findings = lint(data, source=source)
    for f in findings:
        where = f"{source}:{f.line}:{f.column}" if f.line else source
        hint = f" (hint: {f.hint})" if getattr(f, "hint", None) else ""
        print(
            f"{where}: {f.severity} {f.code} {f.pointer or '/'}: {f.message}{hint}", file=sys.stderr
        )
    if has_errors(findings):
        print(
            "error: the request failed lint; nothing was sent (--no-lint sends anyway)",
            file=sys.stderr,
        )
        return False
    return True


def _json_body(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise _Refused(f"{source} is not valid JSON: {exc}") from None


def _dump(obj: Any) -> None:
    data = (
        obj.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if hasattr(obj, "model_dump")
        else obj
    )
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _progress(obj: Any) -> None:
    print(f"status: {getattr(obj.status, 'value', obj.status)}", file=sys.stderr)


def _call(args: argparse.Namespace, client: Any) -> Any:
    waits = {} if args.timeout is None else {"timeout": args.timeout}
    if args.kind == "config":
        if args.action == "create":
            source = args.file
            created = client.create_flow_configuration(_json_body(_read(source), source))
            if not args.wait:
                return created
            return client.wait_for_configuration(created.configId, on_poll=_progress, **waits)
        if args.action == "get":
            return client.get_flow_configuration(args.id)
        return client.delete_flow_configuration(args.id)
    if args.action == "create":
        data = _read(args.file)
        if not args.no_lint and not _lint_file(data, args.file):
            return None
        created = client.create_flow_execution(_json_body(data, args.file), validate=False)
        if not args.wait:
            return created
        return client.wait_for_execution(created.executionId, on_poll=_progress, **waits)
    if args.action == "get":
        return client.get_flow_execution(args.id)
    launched = client.launch_flow_execution(args.id)
    if not args.wait:
        return launched
    from payflow.schemas import lifecycle

    final = sorted(lifecycle().workflow_execution.final)  # failed ones raise FlowFailed
    return client.wait_for_execution(args.id, until=final, on_poll=_progress, **waits)


def run(args: argparse.Namespace) -> int:
    from payflow.client import Client, errors

    try:
        with Client(base_url=args.base_url) as client:
            result = _call(args, client)
    except _Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except errors.FlowFailed as exc:
        _dump(exc.obj)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except errors.PayflowError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if result is None:
        return 1
    _dump(result)
    return 0
