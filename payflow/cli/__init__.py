"""The ``payflow`` command.

Each sub-command lives in its own module of this package, which exposes
``register(subparsers)``; the module adds its parser and sets ``run`` (a callable taking the
parsed arguments and returning the exit status) as the parser's default. Modules import
their heavy dependencies inside ``run`` so that, e.g., ``payflow lint`` never pays for httpx,
pydantic or openapi-core.

Exit status convention: 0 success, 1 the job found a problem (lint errors, failed flow,
API error), 2 usage errors and unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked (it is slow to find)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kw) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        import payflow

        print(f"payflow {payflow.__version__}")
        parser.exit()


#: Sub-command modules, in the order their commands are listed in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "payflow.cli.demo",
    "payflow.cli.lint",
    "payflow.cli.rule",
    "payflow.cli.api",
    "payflow.cli.sandbox",
    "payflow.cli.codegen",
    "payflow.cli.schema",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="payflow",
        description="Schema-first toolkit for Fireblocks Payments - Flows: lint requests "
        "before sending, call the API, run a local sandbox.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into e.g. `head`: not an error of ours.
        sys.stderr.close()
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
