"""Shared explanations of bad decimal strings (amounts, percentages)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

POSITIVE_DECIMAL = re.compile(r"(?:[1-9][0-9]*(?:\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*)")
MAX_LENGTH = 64


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text


def decimal_problem(value: Any, noun: str) -> tuple[str, str | None] | None:
    """(message, hint) when ``value`` is not a positive decimal string; None when it is."""
    if isinstance(value, bool):
        return f"{noun} is a boolean, not a decimal string", None
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return f"{noun} is not a finite number", None
        text = str(value) if isinstance(value, int) else _plain(Decimal(repr(value)))
        return (
            f"{noun} is a JSON number ({value}); it must be a decimal string",
            f'write "{text}": JSON numbers lose precision in many parsers'
            if not text.startswith("-") and value != 0
            else 'use a positive decimal string such as "100"',
        )
    if not isinstance(value, str):
        return f"{noun} must be a decimal string, not {type(value).__name__}", None
    if value == "":
        return f"{noun} is empty", 'give a positive decimal string such as "100"'
    if POSITIVE_DECIMAL.fullmatch(value):
        if len(value) > MAX_LENGTH:
            return f"{noun} is longer than {MAX_LENGTH} characters", None
        return None
    stripped = value.strip()
    if stripped != value:
        fixed = f' "{stripped}"' if POSITIVE_DECIMAL.fullmatch(stripped) else ""
        return f"{noun} {value!r} has surrounding whitespace", f"write{fixed or ' it without it'}"
    lower = value.lower()
    if lower.lstrip("+-") in ("nan", "inf", "infinity"):
        return f"{noun} {value!r} is not a number", None
    if lower.lstrip("+-").startswith("0x"):
        return f"{noun} {value!r} is hexadecimal; write it in decimal", None
    if "," in value:
        fixed = value.replace(",", "")
        hint = f'write "{fixed}"' if POSITIVE_DECIMAL.fullmatch(fixed) else None
        return f"{noun} {value!r} has a thousands separator or decimal comma", hint
    if value.startswith("-"):
        return f"{noun} {value!r} is negative; it must be greater than zero", None
    if value.startswith("+"):
        fixed = value[1:]
        hint = f'write "{fixed}"' if POSITIVE_DECIMAL.fullmatch(fixed) else None
        return f"{noun} {value!r} has a sign; write digits only", hint
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"{noun} {value!r} is not a decimal number", 'use digits, e.g. "1000.50"'
    if "e" in lower:
        text = _plain(number)
        hint = f'write "{text}"' if POSITIVE_DECIMAL.fullmatch(text) else None
        return f"{noun} {value!r} uses an exponent; write plain digits", hint
    if number == 0:
        return f"{noun} {value!r} is zero; it must be greater than zero", None
    text = _plain(number)
    if text.startswith("."):
        text = "0" + text
    hint = f'write "{text}"' if POSITIVE_DECIMAL.fullmatch(text) else None
    return f"{noun} {value!r} is not in canonical form (leading zeros or a bare point)", hint


def as_decimal(value: Any) -> Decimal | None:
    """The Decimal of a well-formed positive decimal string, else None."""
    if isinstance(value, str) and POSITIVE_DECIMAL.fullmatch(value):
        return Decimal(value)
    return None
