"""``payflow codegen SPEC --out DIR --package NAME``: generate a Python client for a service."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "codegen",
        help="generate a Python client (Client, AsyncClient, models) from an OpenAPI 3.x document",
        description="Generate a Python client package from an OpenAPI 3.0/3.1 document: one "
        "method per operation, models by datamodel-code-generator, the payflow runtime for "
        "auth, retries and errors. Constructs the generator cannot handle are refused by name.",
    )
    parser.add_argument("spec", type=Path, help="the OpenAPI document (YAML or JSON)")
    parser.add_argument("--out", type=Path, required=True, help="package folder to write")
    parser.add_argument(
        "--package", help="import name of the package (default: the --out folder name)"
    )
    parser.add_argument(
        "--models-package",
        help="reuse models of $ref'd JSON Schema files from this package "
        "(module = file stem with - and . as _, class = the schema's title)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from payflow.codegen.client import generate_client
    from payflow.codegen.errors import CodegenError

    if not args.spec.is_file():
        print(f"error: cannot read {args.spec}", file=sys.stderr)
        return 2
    try:
        files = generate_client(
            args.spec, args.out, package=args.package, models_package=args.models_package
        )
    except CodegenError as exc:
        print(f"CodegenError: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(files)} files under {args.out}")
    return 0
