"""``payflow demo``: the main job - the whole flow against the embedded sandbox."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the end-to-end flow against an in-process sandbox (no account, no network)",
        description="Start a sandbox on a free loopback port, show the linter stopping a bad "
        "request, then create a configuration, an execution, preview, launch and summarise. "
        "Exit status 0 only when the execution completed.",
    )
    parser.add_argument(
        "--base-url",
        help="run against this API instead of an in-process sandbox "
        "(credentials from FIREBLOCKS_* or a running `payflow sandbox`)",
    )
    parser.add_argument(
        "--transition-delay",
        type=float,
        default=0.4,
        metavar="SECONDS",
        help="in-process sandbox: delay between lifecycle steps (default: 0.4)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from payflow.demo.flow import run_demo

    if args.transition_delay < 0:
        print("payflow demo: --transition-delay must not be negative", flush=True)
        return 2
    return run_demo(base_url=args.base_url, transition_delay=args.transition_delay)
