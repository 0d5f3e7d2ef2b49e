"""Strict RFC 8259 parsing, with positions only when they are needed.

Two parsers share one contract:

* the fast path, :func:`json.loads` (C) with hooks that refuse duplicate keys and ``NaN`` /
  ``Infinity``: the common valid document never pays for positions;
* :func:`parse_text`, a regex-tokenised iterative parser that records the offset of every value
  and key (keyed by JSON pointer) and explains the first syntax error precisely. It runs when the
  fast path fails, or when a later layer has something to report and needs line and column.

Neither recurses, so deeply nested input meets :class:`Limits` instead of the stack.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from payflow.validator.findings import Finding, escape_pointer_part
from payflow.validator.rules import parse_codes as codes

__all__ = ["DEFAULT_LIMITS", "JS_LITERAL_HINT", "Limits", "Parsed", "Positions", "parse"]

JS_LITERAL_HINT = (
    "this looks like a JavaScript object literal – quote the keys and use double quotes"
)
_BOM = "\ufeff"


@dataclass(frozen=True)
class Limits:
    """Bounds that turn hostile or broken input into findings instead of crashes."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 64
    max_number_chars: int = 100


DEFAULT_LIMITS = Limits()


class _Fallback(Exception):
    """The fast path met something it cannot explain; the positional parser will."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Fallback
    return obj


def _constant(name: str) -> Any:
    raise _Fallback


@cache
def _fast_decoder(max_number_chars: int) -> json.JSONDecoder:
    def parse_int(token: str) -> int:
        if len(token) > max_number_chars:
            raise _Fallback
        return int(token)

    def parse_float(token: str) -> float:
        if len(token) > max_number_chars:
            raise _Fallback
        return float(token)

    return json.JSONDecoder(
        object_pairs_hook=_pairs,
        parse_constant=_constant,
        parse_int=parse_int,
        parse_float=parse_float,
    )


class _LineIndex:
    text: str
    _newlines: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect_left(self._newlines, offset)  # newlines before offset
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1


class Positions(_LineIndex):
    """Offsets of values and keys by JSON pointer, and offset -> (line, column)."""

    def __init__(self, text: str, values: dict[str, int], keys: dict[str, int]) -> None:
        self.text = text
        self.values = values
        self.keys = keys
        self._newlines = None

    def locate(self, pointer: str, anchor: str = "value") -> tuple[int | None, int | None]:
        """Line and column of ``pointer``, or of its nearest existing ancestor."""
        if anchor == "key" and pointer in self.keys:
            return self.line_col(self.keys[pointer])
        while True:
            if pointer in self.values:
                return self.line_col(self.values[pointer])
            if not pointer:
                return None, None
            pointer = pointer.rsplit("/", 1)[0]


_skipper = json.JSONDecoder()


class Locator(_LineIndex):
    """Positions in text already known to be valid JSON (the fast path parsed it), found by
    walking only along each pointer and letting the C scanner skip the siblings: a few
    milliseconds even in a 600 KB document, where a full positional parse takes hundreds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = None

    def locate(self, pointer: str, anchor: str = "value") -> tuple[int | None, int | None]:
        text, ws = self.text, _WS.match
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        pos = ws(text, 0).end()
        key_pos = None
        try:
            for part in parts:
                found = None
                if text[pos] == "{":
                    at = ws(text, pos + 1).end()
                    while text[at] != "}":
                        m = _STRING.match(text, at)
                        token = m.group()  # type: ignore[union-attr]
                        key = json.loads(token) if "\\" in token else token[1:-1]
                        value_at = ws(text, ws(text, m.end()).end() + 1).end()  # type: ignore[union-attr]
                        if key == part:
                            found, key_pos = value_at, at
                            break
                        at = ws(text, _skipper.raw_decode(text, value_at)[1]).end()
                        if text[at] == ",":
                            at = ws(text, at + 1).end()
                elif text[pos] == "[" and part.isdigit():
                    at, index = ws(text, pos + 1).end(), int(part)
                    i = 0
                    while text[at] != "]":
                        if i == index:
                            found, key_pos = at, None
                            break
                        at = ws(text, _skipper.raw_decode(text, at)[1]).end()
                        if text[at] == ",":
                            at = ws(text, at + 1).end()
                        i += 1
                if found is None:  # not there: the nearest existing ancestor
                    return self.line_col(pos)
                pos = found
        except (IndexError, ValueError, AttributeError):
            return self.line_col(pos)
        if anchor == "key" and key_pos is not None:
            return self.line_col(key_pos)
        return self.line_col(pos)


@dataclass
class Parsed:
    """The outcome of parsing one document."""

    text: str | None
    document: Any = None
    #: A document exists and the later layers may check it.
    usable: bool = False
    findings: list[Finding] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    _positions: Positions | Locator | None = None

    def positions(self) -> Positions | Locator | None:
        """Where pointers are in the text (set up once, on first call)."""
        if self._positions is None and self.text is not None:
            self._positions = Locator(self.text)
        return self._positions


_FATAL_CODES = frozenset(c.code for c in codes.PARSE_CODES) - {
    codes.DuplicateKey.code,
    codes.ByteOrderMark.code,
}


def _line_col_bytes(data: bytes, index: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, index) + 1
    column = len(data[line_start:index].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, index) + 1, column


def decode(data: bytes) -> tuple[str | None, list[Finding]]:
    """UTF-8 text of ``data``, or a finding (a leading BOM is reported by the caller)."""
    findings: list[Finding] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and b"\x00" in data[:4]):
        return None, [
            codes.InvalidUtf8.finding(
                "the file looks like UTF-16; JSON exchanged between systems must be UTF-8",
                hint="re-save the file as UTF-8 (without BOM)",
                line=1,
                column=1,
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_bytes(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            codes.InvalidUtf8.finding(
                f"invalid UTF-8: byte 0x{bad} cannot start or continue a character here",
                hint="re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
                line=line,
                column=column,
            )
        ]
    return text, findings


def parse(data: bytes | str, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse a document strictly. Fast when it is valid JSON; precise when it is not."""
    size = len(data)
    if size > limits.max_bytes:
        return Parsed(
            text=None,
            findings=[
                codes.FileTooLarge.finding(
                    f"the document is {size:,} bytes; the limit is {limits.max_bytes:,}",
                    hint="split the request, or raise the limit with --max-bytes",
                )
            ],
        )
    if isinstance(data, bytes | bytearray):
        text, findings = decode(bytes(data))
        if text is None:
            return Parsed(text=None, findings=findings, limits=limits)
    else:
        text, findings = data, []
    if text.startswith(_BOM):
        text = text[1:]
        findings.append(
            codes.ByteOrderMark.finding(
                "the file starts with a UTF-8 byte order mark; the API refuses such a body",
                hint='save as "UTF-8" without BOM: RFC 8259 forbids the mark in JSON text',
                line=1,
                column=1,
            )
        )
    try:
        document = _fast_decoder(limits.max_number_chars).decode(text)
    except (ValueError, RecursionError, _Fallback):
        document, slow, positions = parse_text(text, limits)
        findings.extend(slow)
        usable = not any(f.code in _FATAL_CODES for f in slow)
        return Parsed(
            text=text,
            document=document if usable else None,
            usable=usable,
            findings=findings,
            limits=limits,
            _positions=positions,
        )
    if "\\u" in text or "\\U" in text:  # only an escape can make an unpaired surrogate
        lone = _lone_surrogate(document)
        if lone is not None:
            findings.append(
                codes.InvalidUtf8.finding(
                    "a string escapes an unpaired UTF-16 surrogate (\\ud800-\\udfff without "
                    "its pair): it is no Unicode character and cannot be sent as UTF-8",
                    pointer=lone,
                    hint="write a character beyond U+FFFF as UTF-8 or as a surrogate pair",
                )
            )
    return Parsed(text=text, document=document, usable=True, findings=findings, limits=limits)


def _lone_surrogate(document: Any) -> str | None:
    """Pointer of the first string (member name or value) holding an unpaired surrogate."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return pointer
        elif isinstance(node, dict):
            for key, value in node.items():
                child = pointer + "/" + key.replace("~", "~0").replace("/", "~1")
                stack.append((value, child))
                stack.append((key, child))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{i}") for i, value in enumerate(node))
    return None


# --- the positional parser ----------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBERISH = re.compile(r"[-+.\w]+")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_LITERALS = {"true": True, "false": False, "null": None}

# parser states
_VALUE, _FIRST_VALUE, _FIRST_KEY, _KEY, _AFTER_VALUE, _END = range(6)


class _Stop(Exception):
    def __init__(self, finding: Finding, offset: int) -> None:
        self.finding = finding
        self.offset = offset


def _stop(rule: type[codes.ParseCode], offset: int, message: str, hint: str | None = None):
    return _Stop(rule.finding(message, hint=hint), offset)


def _describe(c: str) -> str:
    return "end of input" if not c else repr(c)


def _bad_word(text: str, pos: int, *, key: bool, expecting: str) -> _Stop:
    word = _WORD.match(text, pos).group()  # type: ignore[union-attr]
    if word in ("NaN", "Infinity"):
        return _stop(
            codes.NonFiniteNumber,
            pos,
            f"{word} is not a JSON number",
            hint='amounts and percentages are decimal strings such as "100"; remove the value '
            "or use a finite number",
        )
    if key:
        return _stop(
            codes.JsObjectLiteral,
            pos,
            f"object key {word} is not in double quotes",
            hint=JS_LITERAL_HINT,
        )
    if word in ("True", "False", "None", "TRUE", "FALSE", "NULL", "Null"):
        lower = {"none": "null"}.get(word.lower(), word.lower())
        hint = f"JSON literals are lowercase: {lower}"
        return _stop(codes.JsonSyntax, pos, f"{word} is not JSON", hint=hint)
    if word == "undefined":
        return _stop(codes.JsonSyntax, pos, "undefined is not JSON", hint="omit the field instead")
    return _stop(
        codes.JsonSyntax,
        pos,
        f"unexpected word {word!r}: expected {expecting}",
        hint=f'strings are written in double quotes: "{word}"',
    )


def _bad_number(text: str, pos: int) -> _Stop:
    candidate = _NUMBERISH.match(text, pos).group()  # type: ignore[union-attr]
    if candidate in ("-Infinity", "+Infinity"):
        return _stop(codes.NonFiniteNumber, pos, f"{candidate} is not a JSON number")
    body = candidate.lstrip("+-")
    if body[:2].lower() == "0x":
        why = "hexadecimal numbers are not JSON"
    elif candidate.startswith("+"):
        why = "a leading + is not allowed"
    elif body.startswith("."):
        why = "a number needs a digit before the decimal point"
    elif len(body) > 1 and body[0] == "0" and body[1].isdigit():
        why = "leading zeros are not allowed"
    elif body.endswith(".") or ".e" in body.lower():
        why = "a number needs a digit after the decimal point"
    else:
        why = "not a valid JSON number"
    return _stop(
        codes.JsonSyntax,
        pos,
        f"invalid number {candidate!r}: {why}",
        hint='amounts and percentages are decimal strings, e.g. "1000.50"',
    )


def _bad_string(text: str, pos: int) -> _Stop:
    i, n = pos + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt == "u":
                if not re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                    return _stop(codes.JsonSyntax, i, "invalid \\u escape: needs 4 hex digits")
                i += 6
                continue
            if nxt not in '"\\/bfnrt':
                return _stop(
                    codes.JsonSyntax,
                    i,
                    f"invalid escape '\\{nxt}' in string",
                    hint='valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
                )
            i += 2
            continue
        if ch == "\n":
            return _stop(
                codes.JsonSyntax,
                pos,
                "unterminated string: a string cannot span lines",
                hint='close the string with "; write a line break inside it as \\n',
            )
        if ch < " ":
            return _stop(
                codes.JsonSyntax,
                i,
                f"control character U+{ord(ch):04X} in a string must be escaped",
                hint="write it as \\uXXXX (a tab as \\t)",
            )
        i += 1
    return _stop(codes.JsonSyntax, pos, "unterminated string: no closing double quote")


def _unexpected(text: str, pos: int, expecting: str, *, key: bool = False) -> _Stop:
    c = text[pos : pos + 1]
    if not c:
        return _stop(
            codes.JsonSyntax,
            pos,
            f"unexpected end of input: expected {expecting}",
            hint="the document is truncated",
        )
    if text.startswith(("//", "/*"), pos):
        return _stop(codes.JsonComment, pos, "comments are not allowed in JSON")
    if c == "'":
        return _stop(
            codes.JsObjectLiteral,
            pos,
            "strings must be in double quotes, not single quotes",
            hint=JS_LITERAL_HINT,
        )
    if _WORD.match(text, pos):
        return _bad_word(text, pos, key=key, expecting=expecting)
    if not key and (c in "0123456789+-."):
        return _bad_number(text, pos)
    return _stop(codes.JsonSyntax, pos, f"unexpected {_describe(c)}: expected {expecting}")


def parse_text(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, list[Finding], Positions]:
    """Parse ``text``; returns (document or None, findings, positions).

    Stops at the first fatal problem; duplicate keys are reported and parsing goes on (the
    last value wins, as with most parsers).
    """
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    positions = Positions(text, values, keys)
    findings: list[Finding] = []
    try:
        document = _parse(text, limits, values, keys, findings)
    except _Stop as stop:
        line, column = positions.line_col(stop.offset)
        findings.append(stop.finding.at(line, column))
        return None, findings, positions
    for i, f in enumerate(findings):  # duplicate keys: offsets were stored in .line
        line, column = positions.line_col(f.line or 0)
        findings[i] = f.at(line, column)
    return document, findings, positions


def _parse(
    text: str,
    limits: Limits,
    values: dict[str, int],
    keys: dict[str, int],
    findings: list[Finding],
) -> Any:
    n = len(text)
    ws = _WS.match
    pos = ws(text, 0).end()
    if pos >= n:
        raise _stop(codes.EmptyDocument, pos, "the document is empty")
    # frames: [container, pointer, is_object, pending key]
    stack: list[list[Any]] = []
    state = _VALUE
    pointer = ""
    root: Any = None
    last_comma = -1
    while True:
        pos = ws(text, pos).end()
        c = text[pos] if pos < n else ""
        if state in (_VALUE, _FIRST_VALUE):
            if state == _FIRST_VALUE:
                if c == "]":
                    pos += 1
                    value = stack.pop()[0]
                    state, pointer, root = _attach(stack, value, root)
                    continue
                pointer = stack[-1][1] + "/0"
            start = pos
            if c == "{" or c == "[":
                if len(stack) >= limits.max_depth:
                    raise _stop(
                        codes.NestingTooDeep,
                        pos,
                        f"nesting deeper than {limits.max_depth} levels",
                        hint="a workflow-execution request nests about 6 levels deep",
                    )
                values[pointer] = pos
                is_object = c == "{"
                stack.append([{} if is_object else [], pointer, is_object, None])
                state = _FIRST_KEY if is_object else _FIRST_VALUE
                pos += 1
                continue
            if c == '"':
                m = _STRING.match(text, pos)
                if m is None:
                    raise _bad_string(text, pos)
                token = m.group()
                value = json.loads(token) if "\\" in token else token[1:-1]
                pos = m.end()
            elif c == "-" or "0" <= c <= "9":
                m = _NUMBER.match(text, pos)
                if m is None:
                    raise _bad_number(text, pos)
                token = m.group()
                pos = m.end()
                if pos < n and (text[pos].isalnum() or text[pos] in "._+-"):
                    raise _bad_number(text, start)
                if len(token) > limits.max_number_chars:
                    raise _stop(
                        codes.NumberTooLarge,
                        start,
                        f"number literal of {len(token)} characters; the limit is "
                        f"{limits.max_number_chars}",
                    )
                value = float(token) if any(ch in token for ch in ".eE") else int(token)
            elif c in "tfn" and text.startswith(("true", "false", "null"), pos):
                word = _WORD.match(text, pos).group()  # type: ignore[union-attr]
                if word not in _LITERALS:
                    raise _unexpected(text, pos, "a value")
                value = _LITERALS[word]
                pos += len(word)
            elif c in "]}" and last_comma >= 0 and state == _VALUE and stack:
                raise _stop(
                    codes.TrailingComma,
                    last_comma,
                    f"trailing comma before {c!r}",
                    hint="remove the comma after the last element",
                )
            else:
                raise _unexpected(text, pos, "a value")
            values[pointer] = start
            state, pointer, root = _attach(stack, value, root)
            last_comma = -1
        elif state in (_FIRST_KEY, _KEY):
            frame = stack[-1]
            if c == "}" and state == _FIRST_KEY:
                pos += 1
                value = stack.pop()[0]
                state, pointer, root = _attach(stack, value, root)
                continue
            if c == "}":
                raise _stop(
                    codes.TrailingComma,
                    last_comma,
                    "trailing comma before '}'",
                    hint="remove the comma after the last member",
                )
            if c != '"':
                raise _unexpected(text, pos, "an object key in double quotes", key=True)
            m = _STRING.match(text, pos)
            if m is None:
                raise _bad_string(text, pos)
            token = m.group()
            key = json.loads(token) if "\\" in token else token[1:-1]
            key_pos = pos
            pos = ws(text, m.end()).end()
            if text[pos : pos + 1] != ":":
                if text.startswith(("//", "/*"), pos):
                    raise _stop(codes.JsonComment, pos, "comments are not allowed in JSON")
                raise _stop(
                    codes.JsonSyntax,
                    pos,
                    f"expected ':' after the key {token}, found {_describe(text[pos : pos + 1])}",
                )
            pos += 1
            container = frame[0]
            pointer = frame[1] + "/" + escape_pointer_part(key)
            if key in container:
                findings.append(
                    codes.DuplicateKey.finding(
                        f"duplicate key {token}: an earlier {token} in this object is overridden",
                        pointer,
                        hint="keep exactly one; parsers disagree on which one wins",
                        line=key_pos,  # an offset until parse_text converts it
                    )
                )
                del container[key]  # the last value wins, in its own position
            keys[pointer] = key_pos
            frame[3] = key
            state = _VALUE
            last_comma = -1
        elif state == _AFTER_VALUE:
            frame = stack[-1]
            is_object = frame[2]
            if c == ",":
                last_comma = pos
                pos += 1
                if is_object:
                    state = _KEY
                else:
                    state = _VALUE
                    pointer = frame[1] + "/" + str(len(frame[0]))
                continue
            if c == ("}" if is_object else "]"):
                pos += 1
                value = stack.pop()[0]
                state, pointer, root = _attach(stack, value, root)
                continue
            closer = "'}'" if is_object else "']'"
            if c == '"':
                raise _stop(codes.JsonSyntax, pos, f"missing ',' before this value (or {closer})")
            raise _unexpected(text, pos, f"',' or {closer}")
        else:  # _END
            if pos < n:
                if text.startswith(("//", "/*"), pos):
                    raise _stop(codes.JsonComment, pos, "comments are not allowed in JSON")
                raise _stop(
                    codes.JsonSyntax,
                    pos,
                    "extra data after the end of the document",
                    hint="a file holds one JSON document (use --jsonl for one per line)",
                )
            return root


def _attach(stack: list[list[Any]], value: Any, root: Any) -> tuple[int, str, Any]:
    """Put a finished value into its parent; returns (next state, pointer, root)."""
    if not stack:
        return _END, "", value
    frame = stack[-1]
    if frame[2]:
        frame[0][frame[3]] = value
    else:
        frame[0].append(value)
    return _AFTER_VALUE, frame[1], root
