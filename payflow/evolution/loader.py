"""Load JSON Schema files and OpenAPI documents with the source line of every node.

A :class:`Document` holds the parsed data and a map JSON pointer -> 1-based line, built while
parsing (YAML: from the composer's marks; JSON: from a small position-keeping scanner), so a
change found anywhere in the tree can point at the line that declares it.

:class:`Resolver` follows ``$ref`` across files: relative references resolve against the
document's ``$id`` when it has one (payflow's schemas refer to each other by file name under
``https://schemas.payflow.dev/``) or its file location, and a document that names itself with an
``$id`` nobody serves is looked up by file name next to the referring file. Remote documents are
never fetched. Cycles are the caller's business: the resolver only returns locations.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml

__all__ = [
    "Document",
    "LoadError",
    "Resolver",
    "escape",
    "join",
    "load_document",
    "parse_text",
    "unescape",
]


class LoadError(Exception):
    """An input cannot be read, parsed or resolved; the message is one line for the user."""


# --------------------------------------------------------------------------- JSON pointers


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape(str(t)) for t in tokens)


def split(pointer: str) -> list[str]:
    if pointer in ("", "#"):
        return []
    if not pointer.startswith("/"):
        raise LoadError(f"not a JSON pointer: {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


# --------------------------------------------------------------------------- documents


@dataclass
class Document:
    """One parsed file: its data, where it lives and the line of each node."""

    uri: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict, repr=False)
    path: Path | None = None
    label: str = ""

    @property
    def base_uri(self) -> str:
        """What relative references inside this document resolve against."""
        if isinstance(self.data, dict) and isinstance(self.data.get("$id"), str):
            return urljoin(self.uri, self.data["$id"])
        return self.uri

    @property
    def is_openapi(self) -> bool:
        return isinstance(self.data, dict) and "openapi" in self.data

    def get(self, pointer: str) -> Any:
        node = self.data
        for token in split(pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise LoadError(f"{self.label}: nothing at JSON pointer {pointer or '/'}")
        return node

    def line(self, pointer: str) -> int | None:
        """Line of ``pointer``, or of its nearest ancestor that has one."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def parse_text(text: str, name: str, *, as_json: bool | None = None) -> tuple[Any, dict[str, int]]:
    """Parse ``text`` (JSON or YAML) into data and a pointer -> line map."""
    if as_json is None:
        as_json = text.lstrip()[:1] in ("{", "[")
    if as_json:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"{name}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        return _JsonScanner(text).parse()
    return _parse_yaml(text, name)


def load_document(path: str | Path, *, label: str | None = None) -> Document:
    """Read and parse one file; :class:`LoadError` with a one-line message when impossible."""
    path = Path(path)
    shown = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{shown}: is a directory, not a schema file") from None
    except UnicodeDecodeError:
        raise LoadError(f"{shown}: not UTF-8 text") from None
    except OSError as exc:
        raise LoadError(f"{shown}: cannot read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    as_json = True if suffix == ".json" else False if suffix in (".yaml", ".yml") else None
    data, lines = parse_text(text, shown, as_json=as_json)
    return Document(uri=path.resolve().as_uri(), data=data, lines=lines, path=path, label=shown)


# --------------------------------------------------------------------------- JSON positions

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


class _JsonScanner:
    """Rebuild an already-validated JSON text, recording the line of each member and item.

    An object member's line is the line of its key (where a reader looks for it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[str, int] = {}
        self.decoder = json.JSONDecoder()

    def _line(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index)

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def parse(self) -> tuple[Any, dict[str, int]]:
        i = self._skip(0)
        self.lines[""] = self._line(i)
        value, _ = self._value(i, "")
        return value, self.lines

    def _value(self, i: int, pointer: str) -> tuple[Any, int]:
        text = self.text
        ch = text[i]
        if ch == "{":
            result: dict[str, Any] = {}
            i = self._skip(i + 1)
            if text[i] == "}":
                return result, i + 1
            while True:
                key, i = json.decoder.scanstring(text, i + 1)
                child = join(pointer, key)
                self.lines[child] = self._line(i)
                i = self._skip(i)  # the colon
                i = self._skip(i + 1)
                result[key], i = self._value(i, child)
                i = self._skip(i)
                if text[i] == "}":
                    return result, i + 1
                i = self._skip(i + 1)  # comma
        if ch == "[":
            items: list[Any] = []
            i = self._skip(i + 1)
            if text[i] == "]":
                return items, i + 1
            while True:
                child = join(pointer, len(items))
                self.lines[child] = self._line(i)
                value, i = self._value(i, child)
                items.append(value)
                i = self._skip(i)
                if text[i] == "]":
                    return items, i + 1
                i = self._skip(i + 1)
        return self.decoder.raw_decode(text, i)


# --------------------------------------------------------------------------- YAML positions

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str, name: str) -> tuple[Any, dict[str, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise LoadError(f"{name}: not valid YAML: {exc.problem or exc.context}{where}") from None
    except yaml.YAMLError as exc:
        raise LoadError(f"{name}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        lines[""] = node.start_mark.line + 1
        _yaml_lines(node, "", lines, set())
    return _plain(data), lines


def _yaml_lines(node: yaml.Node, pointer: str, lines: dict[str, int], seen: set[int]) -> None:
    if id(node) in seen:  # an alias to a node already walked
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            child = join(pointer, key.value)
            lines.setdefault(child, key.start_mark.line + 1)
            _yaml_lines(value, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = join(pointer, index)
            lines.setdefault(child, item.start_mark.line + 1)
            _yaml_lines(item, child, lines, seen)


def _plain(value: Any) -> Any:
    """JSON-shaped data: string keys (YAML reads ``200:`` as an int), dates as ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- $ref resolution


class Resolver:
    """Loads the documents a root document refers to and resolves ``$ref`` values."""

    def __init__(self, root: Document) -> None:
        self.root = root
        self._by_uri: dict[str, Document] = {}
        self._register(root)

    def _register(self, doc: Document) -> None:
        self._by_uri[urldefrag(doc.uri).url] = doc
        self._by_uri.setdefault(urldefrag(doc.base_uri).url, doc)

    @property
    def documents(self) -> list[Document]:
        seen: dict[int, Document] = {}
        for doc in self._by_uri.values():
            seen.setdefault(id(doc), doc)
        return list(seen.values())

    def resolve(self, doc: Document, pointer: str, ref: str) -> tuple[Document, str]:
        """Where ``ref`` (found at ``pointer`` in ``doc``) points: (document, JSON pointer)."""
        if not isinstance(ref, str):
            raise LoadError(f"{doc.label}:{doc.line(pointer) or '?'}: $ref is not a string")
        target_uri, fragment = urldefrag(urljoin(doc.base_uri, ref))
        target = self._by_uri.get(target_uri) if target_uri else doc
        if target is None:
            target = self._load(target_uri, doc, ref, pointer)
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            raise LoadError(
                f"{doc.label}:{doc.line(pointer) or '?'}: $ref {ref!r}: anchors are not "
                "supported, use a JSON pointer"
            )
        try:
            target.get(fragment)
        except LoadError:
            raise LoadError(
                f"{doc.label}:{doc.line(pointer) or '?'}: $ref {ref!r} points at nothing in "
                f"{target.label}"
            ) from None
        return target, fragment

    def _load(self, uri: str, referrer: Document, ref: str, pointer: str) -> Document:
        candidates: list[Path] = []
        parts = urlsplit(uri)
        if parts.scheme == "file":
            candidates.append(Path(unquote(parts.path)))
        else:
            # A schema named by an $id we do not serve: the payflow convention is that schema
            # files sit side by side, so look for the same file name next to the referrer.
            name = Path(unquote(parts.path)).name
            for base in (referrer.path, self.root.path):
                if base is not None and name:
                    candidates.append(base.resolve().parent / name)
        for candidate in candidates:
            if candidate.is_file():
                key = candidate.resolve().as_uri()
                if key in self._by_uri:
                    doc = self._by_uri[key]
                else:
                    label = _relative_label(candidate, self.root)
                    doc = load_document(candidate, label=label)
                    self._register(doc)
                self._by_uri[uri] = doc
                return doc
        raise LoadError(
            f"{referrer.label}:{referrer.line(pointer) or '?'}: cannot resolve $ref {ref!r} "
            "(no such file; remote references are not fetched)"
        )


def _relative_label(path: Path, root: Document) -> str:
    """Show a referenced file relative to the root document's label directory."""
    if root.path is None:
        return str(path)
    try:
        rel = path.resolve().relative_to(root.path.resolve().parent)
    except ValueError:
        return str(path)
    return str(Path(root.label).parent / rel)
