"""``payflow rule``: the documentation of the linter's rules."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rule",
        help="explain a lint rule (payflow rule PF204) or list them all (--list)",
        description="Print what a rule of `payflow lint` checks, why it matters, a bad example "
        "and the fix. CODE is a code (PF204) or a name (invalid-amount).",
    )
    parser.add_argument("code", nargs="?", metavar="CODE")
    parser.add_argument("--list", action="store_true", help="list every rule")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return list_rules()
    if not args.code:
        print("payflow rule: give a CODE, or --list", file=sys.stderr)
        return 2
    return explain(args.code)


def explain(code: str) -> int:
    from payflow.validator import registry

    rule = registry.get(code)
    if rule is None:
        from payflow.validator.shapes import suggest

        if code.strip().upper() in registry.RETIRED:
            print(f"{code}: retired ({registry.RETIRED[code.strip().upper()]})", file=sys.stderr)
            return 2
        guess = suggest(code, [*registry.RULES, *(r.name for r in registry.ALL)])
        extra = f"; did you mean {guess}?" if guess else "; see payflow rule --list"
        print(f"payflow rule: unknown rule {code!r}{extra}", file=sys.stderr)
        return 2
    print(f"{rule.code} {rule.name} ({rule.severity}, {rule.layer})\n")
    print(rule.doc().render(), end="")
    return 0


def list_rules() -> int:
    from payflow.validator import registry

    width = max(len(r.name) for r in registry.ALL)
    for rule in registry.ALL:
        print(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.doc().summary}")
    return 0
