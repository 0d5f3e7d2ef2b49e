"""Compare two versions of a JSON Schema or an OpenAPI document and classify every change.

Both sides are walked together after resolving ``$ref`` (across files, cycles stopped by
remembering each pair of schemas already compared), so renamed or re-organised components
compare by what they mean, not by what they are called. OpenAPI documents compare operation by
operation (path template + method), then parameter by (location, name), request body and
response status by media type; the schemas under a request body or parameter are checked in
the ``request`` direction, those under a response in the ``response`` direction (see
:mod:`payflow.evolution.checks` for what that changes).

A schema is first *normalised* into a :class:`Shape`: ``$ref`` followed (sibling keywords kept),
``allOf`` merged, ``const`` read as a one-value enum, OpenAPI 3.0's ``nullable`` and boolean
``exclusiveMinimum`` rewritten into their JSON Schema 2020-12 meaning.

Entry points: :func:`diff_files` and :func:`diff_documents`; both return a :class:`DiffResult`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from payflow.evolution.checks import BREAKING, CHECKS, INFO, LEVELS, WARNING, check_for
from payflow.evolution.loader import Document, LoadError, Resolver, join, load_document

__all__ = [
    "Change",
    "DiffError",
    "DiffResult",
    "Side",
    "diff_documents",
    "diff_files",
    "diff_trees",
    "guess_direction",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: Keywords that never change what a schema accepts.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "discriminator",
        "externalDocs",
        "xml",
        "contentMediaType",
        "contentEncoding",
    }
)
#: Keywords the engine analyses itself; any other non-annotation keyword is compared verbatim.
_HANDLED = frozenset(
    {
        "$ref",
        "allOf",
        "oneOf",
        "anyOf",
        "type",
        "nullable",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "multipleOf",
        "uniqueItems",
        "pattern",
        "format",
    }
)
_MIN_KEYS = ("minLength", "minItems", "minProperties")
_MAX_KEYS = ("maxLength", "maxItems", "maxProperties")


class DiffError(Exception):
    """The inputs cannot be compared (one-line message for the user)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Side:
    """Where a change sits in one input: file, JSON pointer, 1-based line."""

    file: str
    pointer: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "pointer": self.pointer, "line": self.line}

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else f"{self.file}#{self.pointer}"


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new version."""

    id: str
    kind: str
    direction: str
    classification: str
    message: str
    context: str
    path: str
    old: Side | None
    new: Side | None
    #: Other places (operation/location: path) where the same schemas carry the same change.
    also: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """The operation/location and the property path, for people."""
        if self.context and self.path:
            return f"{self.context}: {self.path}"
        return self.context or self.path or "(root)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "direction": self.direction,
            "classification": self.classification,
            "message": self.message,
            "context": self.context,
            "path": self.path,
            "where": self.where,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
            "also": list(self.also),
        }


@dataclass
class DiffResult:
    old: str
    new: str
    mode: str  # "openapi" or "jsonschema"
    changes: list[Change] = field(default_factory=list)

    def count(self, classification: str) -> int:
        return sum(1 for c in self.changes if c.classification == classification)

    @property
    def summary(self) -> dict[str, int]:
        return {level: self.count(level) for level in reversed(LEVELS)}

    def has(self, at_least: str) -> bool:
        """Whether some change is at least as severe as ``at_least``."""
        floor = LEVELS.index(at_least)
        return any(LEVELS.index(c.classification) >= floor for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "mode": self.mode,
            "summary": self.summary,
            "changes": [c.to_dict() for c in self.changes],
        }


# --------------------------------------------------------------------------- normalised schemas


@dataclass(frozen=True)
class Loc:
    doc: Document
    pointer: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.doc.uri, self.pointer)


#: A schema reference as compared: the allOf of one or more locations (usually one).
Ref = tuple[Loc, ...]

_ANY_DOC = Document(uri="payflow:any", data={}, label="(unconstrained)")
ANY: Ref = (Loc(_ANY_DOC, ""),)


@dataclass(eq=False)
class Shape:
    """A schema after $ref, allOf and dialect differences are taken out."""

    loc: Loc
    name: str | None = None
    types: frozenset[str] | None = None  # None: any type
    enum: dict[str, Any] | None = None  # canonical JSON -> value
    properties: dict[str, Ref] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    additional: Ref | bool | None = None  # False: closed; None: unconstrained
    items: Ref | None = None
    union: tuple[str, list[Ref]] | None = None
    lower: tuple[float, bool] | None = None  # (value, exclusive)
    upper: tuple[float, bool] | None = None
    sizes: dict[str, float] = field(default_factory=dict)
    multiple_of: float | None = None
    unique: bool = False
    pattern: str | None = None
    format: str | None = None
    other: dict[str, str] = field(default_factory=dict)  # keyword -> canonical JSON

    @property
    def has_object_keywords(self) -> bool:
        return bool(
            self.properties or self.required or self.additional is not None
        ) or self.types == frozenset({"object"})


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _infer_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _covers(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    """Whether every type of ``b`` is accepted by ``a`` (None: any; integer within number)."""
    if a is None:
        return True
    if b is None:
        return False
    return all(t in a or (t == "integer" and "number" in a) for t in b)


def _intersect_types(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    out = set(a & b)
    if ("number" in a and "integer" in b) or ("number" in b and "integer" in a):
        out.add("integer")
    return frozenset(out)


def _name_of(loc: Loc) -> str | None:
    """A readable name for a schema: its title, or the key it is defined under."""
    node = loc.doc.get(loc.pointer)
    if isinstance(node, dict) and isinstance(node.get("title"), str):
        return node["title"]
    tokens = loc.pointer.split("/")
    if len(tokens) >= 2 and tokens[-2] in ("schemas", "$defs", "definitions"):
        return tokens[-1]
    if not loc.pointer and loc.doc.path is not None:
        return loc.doc.path.name
    return None


class Schemas:
    """Normalises the schemas of one side, caching one :class:`Shape` per location."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._cache: dict[tuple, Shape] = {}
        self._building: set[tuple[str, str]] = set()

    def shape(self, ref: Ref) -> Shape:
        key = tuple(loc.key for loc in ref)
        cached = self._cache.get(key)
        if cached is None:
            if len(ref) == 1:
                cached = self._build(ref[0])
            else:
                cached = _merge([self.shape((loc,)) for loc in ref], ref[0])
            self._cache[key] = cached
        return cached

    def _build(self, loc: Loc) -> Shape:
        raw = loc.doc.get(loc.pointer)
        if raw is True or raw == {}:
            return Shape(loc)
        if raw is False:
            return Shape(loc, types=frozenset())
        if not isinstance(raw, dict):
            raise DiffError(
                f"{loc.doc.label}:{loc.doc.line(loc.pointer) or '?'}: expected a schema "
                f"(an object), found {type(raw).__name__}"
            )
        parts: list[Shape] = []
        if "$ref" in raw:
            if loc.key in self._building:
                raise DiffError(
                    f"{loc.doc.label}:{loc.doc.line(loc.pointer) or '?'}: $ref loop that never "
                    "reaches a schema"
                )
            self._building.add(loc.key)
            try:
                try:
                    doc, pointer = self.resolver.resolve(loc.doc, loc.pointer, raw["$ref"])
                except LoadError as exc:
                    raise DiffError(str(exc)) from None
                parts.append(self.shape((Loc(doc, pointer),)))
            finally:
                self._building.discard(loc.key)
        for index, _member in enumerate(raw.get("allOf") or ()):
            parts.append(self.shape((Loc(loc.doc, join(loc.pointer, "allOf", index)),)))
        own_keys = [k for k in raw if k not in _ANNOTATIONS and not k.startswith("x-")]
        own_keys = [k for k in own_keys if k not in ("$ref", "allOf")]
        if not own_keys and len(parts) == 1:
            return parts[0]  # a plain reference: the same Shape object as its target
        own = self._own(loc, raw)
        return _merge([own, *parts], loc) if parts else own

    def _own(self, loc: Loc, raw: dict[str, Any]) -> Shape:
        shape = Shape(loc, name=_name_of(loc))
        p = loc.pointer
        for keyword, kind in (
            ("properties", dict),
            ("required", list),
            ("allOf", list),
            ("oneOf", list),
            ("anyOf", list),
            ("enum", list),
            ("type", str | list),
        ):
            if keyword in raw and not isinstance(raw[keyword], kind):
                raise DiffError(
                    f"{loc.doc.label}:{loc.doc.line(join(p, keyword)) or '?'}: '{keyword}' "
                    "has the wrong type; is this a JSON Schema?"
                )
        if "type" in raw:
            t = raw["type"]
            shape.types = frozenset([t] if isinstance(t, str) else t)
            if raw.get("nullable") is True:  # OpenAPI 3.0
                shape.types |= {"null"}
        values = None
        if "const" in raw:
            values = [raw["const"]]
        elif isinstance(raw.get("enum"), list):
            values = raw["enum"]
        if values is not None:
            if raw.get("nullable") is True and None not in values:
                values = [*values, None]
            shape.enum = {_canon(v): v for v in values}
            if shape.types is None:
                shape.types = frozenset(_infer_type(v) for v in values)
        shape.properties = {
            name: (Loc(loc.doc, join(p, "properties", name)),)
            for name in (raw.get("properties") or {})
        }
        shape.required = set(raw.get("required") or ())
        if "additionalProperties" in raw:
            ap = raw["additionalProperties"]
            if ap is False:
                shape.additional = False
            elif ap is True or ap == {}:
                shape.additional = None
            else:
                shape.additional = (Loc(loc.doc, join(p, "additionalProperties")),)
        if "items" in raw and raw["items"] is not True and raw["items"] != {}:
            if isinstance(raw["items"], list):  # draft-04 tuple form: compared verbatim
                shape.other["items"] = _canon(raw["items"])
            else:
                shape.items = (Loc(loc.doc, join(p, "items")),)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(raw.get(keyword), list):
                branches = [(Loc(loc.doc, join(p, keyword, i)),) for i in range(len(raw[keyword]))]
                if shape.union is None:
                    shape.union = (keyword, branches)
                else:
                    shape.other[keyword] = _canon(raw[keyword])
        shape.lower = _bound(raw, "minimum", "exclusiveMinimum")
        shape.upper = _bound(raw, "maximum", "exclusiveMaximum")
        for key in (*_MIN_KEYS, *_MAX_KEYS):
            if isinstance(raw.get(key), int | float):
                shape.sizes[key] = raw[key]
        if isinstance(raw.get("multipleOf"), int | float):
            shape.multiple_of = raw["multipleOf"]
        shape.unique = raw.get("uniqueItems") is True
        if isinstance(raw.get("pattern"), str):
            shape.pattern = raw["pattern"]
        if isinstance(raw.get("format"), str):
            shape.format = raw["format"]
        for key, value in raw.items():
            if key not in _HANDLED and key not in _ANNOTATIONS and not key.startswith("x-"):
                shape.other[key] = _canon(value)
        return shape


def _bound(raw: dict[str, Any], inclusive: str, exclusive: str) -> tuple[float, bool] | None:
    """The effective bound: 2020-12 numeric exclusive*, or OpenAPI 3.0's boolean form."""
    candidates: list[tuple[float, bool]] = []
    value = raw.get(inclusive)
    if isinstance(value, int | float) and not isinstance(value, bool):
        candidates.append((value, raw.get(exclusive) is True))
    ex = raw.get(exclusive)
    if isinstance(ex, int | float) and not isinstance(ex, bool):
        candidates.append((ex, True))
    if not candidates:
        return None
    tighter = max if inclusive == "minimum" else min
    return tighter(candidates, key=lambda b: (b[0], b[1] if inclusive == "minimum" else not b[1]))


def _merge(shapes: list[Shape], loc: Loc) -> Shape:
    """allOf: the conjunction of the parts (an approximation good for object composition)."""
    out = Shape(loc, name=next((s.name for s in shapes if s.name), None))
    for s in shapes:
        out.types = _intersect_types(out.types, s.types)
        if s.enum is not None:
            out.enum = (
                dict(s.enum)
                if out.enum is None
                else {k: v for k, v in out.enum.items() if k in s.enum}
            )
        for name, ref in s.properties.items():
            out.properties[name] = out.properties.get(name, ()) + ref
        out.required |= s.required
        if s.additional is False or out.additional is False:
            out.additional = False
        elif isinstance(s.additional, tuple):
            out.additional = (out.additional or ()) + s.additional
        if s.items is not None:
            out.items = (out.items or ()) + s.items
        if s.union is not None and out.union is None:
            out.union = s.union
        if s.lower is not None and (out.lower is None or s.lower > out.lower):
            out.lower = s.lower
        if s.upper is not None and (out.upper is None or s.upper < out.upper):
            out.upper = s.upper
        for key, value in s.sizes.items():
            pick = max if key in _MIN_KEYS else min
            out.sizes[key] = pick(value, out.sizes.get(key, value))
        out.multiple_of = out.multiple_of or s.multiple_of
        out.unique = out.unique or s.unique
        out.pattern = out.pattern or s.pattern
        out.format = out.format or s.format
        for key, value in s.other.items():
            out.other.setdefault(key, value)
    return out


# --------------------------------------------------------------------------- the engine


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value) if isinstance(value, str) else str(value)


def _fmt_bound(bound: tuple[float, bool] | None, low: bool) -> str:
    if bound is None:
        return "none"
    op = (">" if bound[1] else ">=") if low else ("<" if bound[1] else "<=")
    return f"{op} {_fmt(bound[0])}"


def _types(t: frozenset[str] | None) -> str:
    return "any" if t is None else "|".join(sorted(t)) or "nothing"


def _extend(path: str, suffix: str) -> str:
    """``path`` followed by a relative ``suffix`` taken from another place."""
    if not suffix:
        return path
    if not path:
        return suffix.lstrip(".")
    return path + suffix if suffix[0] in ".[<" else f"{path}.{suffix}"


def _step(path: str, token: str) -> str:
    if token.startswith(("[", "<", ".")):
        return path + token
    return f"{path}.{token}" if path else token


class _Differ:
    def __init__(self, old: Resolver, new: Resolver) -> None:
        self.old = Schemas(old)
        self.new = Schemas(new)
        self.changes: list[Change] = []
        self._compared: set[tuple[int, int, str]] = set()
        self._emitted: dict[tuple, int] = {}
        # A shared component is compared once; where else it is used is kept as "also".
        self._beneath: dict[tuple[int, int, str], list[tuple[int, str]]] = {}
        self._base: dict[tuple[int, int, str], tuple[str, str]] = {}
        self._stack: list[tuple[int, int, str]] = []
        self._also: dict[int, list[str]] = {}

    # ----------------------------------------------------------------- recording

    @staticmethod
    def side(loc: Loc | None) -> Side | None:
        if loc is None or loc.doc is _ANY_DOC:
            return None
        return Side(loc.doc.label, loc.pointer, loc.doc.line(loc.pointer))

    def emit(
        self,
        check_id: str,
        message: str,
        context: str,
        path: str,
        old: Loc | None,
        new: Loc | None,
    ) -> None:
        check = CHECKS[check_id]
        o, n = self.side(old), self.side(new)
        key = (check_id, o, n, message)
        if check.kind in ("property-added", "required-property-added"):
            # the same new property seen from several former union branches: report it once
            key = (check_id, n, message)
        if key in self._emitted:
            self._note(self._emitted[key], path)
            return
        self._emitted[key] = len(self.changes)
        self._note(len(self.changes), path)
        self.changes.append(
            Change(
                check.id,
                check.kind,
                check.direction,
                check.classification,
                message,
                context,
                path,
                o,
                n,
            )
        )

    def _note(self, index: int, path: str) -> None:
        """Remember change ``index``, seen at ``path``, under every pair being compared."""
        for key in self._stack:
            base = self._base[key][1]
            self._beneath[key].append((index, path[len(base) :]))

    def _seen_again(self, key: tuple[int, int, str], ctx: str, path: str) -> None:
        """A pair compared before is met at another place: its changes apply here too."""
        if key in self._stack:  # a cycle, not another use
            return
        for index, suffix in list(dict.fromkeys(self._beneath.get(key, ()))):
            here = _extend(path, suffix)
            where = f"{ctx}: {here}" if ctx and here else ctx or here or "(root)"
            self._also.setdefault(index, []).append(where)
            self._note(index, here)

    def finish(self) -> list[Change]:
        out = []
        for index, change in enumerate(self.changes):
            also = tuple(dict.fromkeys(a for a in self._also.get(index, ()) if a != change.where))
            out.append(replace(change, also=also) if also else change)
        return out

    def schema_change(
        self, kind: str, d: str, message: str, ctx: str, path: str, o: Loc | None, n: Loc | None
    ) -> None:
        self.emit(check_for(kind, d).id, message, ctx, path, o, n)

    # ----------------------------------------------------------------- schemas

    def compare(self, old: Ref, new: Ref, ctx: str, path: str, d: str) -> None:
        self.compare_shapes(self.old.shape(old), self.new.shape(new), ctx, path, d)

    def compare_shapes(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> None:
        key = (id(o), id(n), d)
        if key in self._compared:  # compared already (shared component) or a cycle
            self._seen_again(key, ctx, path)
            return
        self._compared.add(key)
        self._beneath[key] = []
        self._base[key] = (ctx, path)
        self._stack.append(key)
        try:
            self._compare_shapes(o, n, ctx, path, d)
        finally:
            self._stack.pop()

    def _compare_shapes(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> None:
        if self._unions(o, n, ctx, path, d):
            return
        if not self._types(o, n, ctx, path, d):
            return
        self._enum(o, n, ctx, path, d)
        self._bounds(o, n, ctx, path, d)
        if o.has_object_keywords or n.has_object_keywords:
            self._object(o, n, ctx, path, d)
        if o.items is not None or n.items is not None:
            self.compare(o.items or ANY, n.items or ANY, ctx, _step(path, "[]"), d)
        for keyword in sorted(set(o.other) | set(n.other)):
            if o.other.get(keyword) != n.other.get(keyword):
                self.schema_change(
                    "constraint-changed",
                    d,
                    f"'{keyword}' changed; review by hand",
                    ctx,
                    path,
                    o.loc,
                    n.loc,
                )

    def _label(self, side: Schemas, ref: Ref, keyword: str, index: int) -> str:
        return side.shape(ref).name or f"{keyword}[{index}]"

    def _unions(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> bool:
        """Handle oneOf/anyOf; True when nothing is left to compare on this level."""
        if o.union is None and n.union is None:
            return False
        if o.union is not None and n.union is not None:
            okw, obranches = o.union
            nkw, nbranches = n.union
            if okw != nkw:
                self.schema_change(
                    "union-keyword-changed", d, f"{okw} became {nkw}", ctx, path, o.loc, n.loc
                )
            pairs = self._match(obranches, nbranches)
            matched_old = {i for i, _ in pairs}
            matched_new = {j for _, j in pairs}
            for i, ref in enumerate(obranches):
                if i not in matched_old:
                    name = self._label(self.old, ref, okw, i)
                    self.schema_change(
                        "branch-removed",
                        d,
                        f"{okw} branch '{name}' removed",
                        ctx,
                        path,
                        self.old.shape(ref).loc,
                        n.loc,
                    )
            for j, ref in enumerate(nbranches):
                if j not in matched_new:
                    name = self._label(self.new, ref, nkw, j)
                    self.schema_change(
                        "branch-added",
                        d,
                        f"{nkw} branch '{name}' added",
                        ctx,
                        path,
                        o.loc,
                        self.new.shape(ref).loc,
                    )
            for i, j in pairs:
                name = self._label(self.new, nbranches[j], nkw, j)
                self.compare(obranches[i], nbranches[j], ctx, _step(path, f"<{name}>"), d)
            return not (o.has_object_keywords or n.has_object_keywords or o.types or n.types)
        if n.union is not None:  # the old schema was wrapped into a union
            nkw, nbranches = n.union
            shapes = [self.new.shape(b) for b in nbranches]
            best = max(range(len(shapes)), key=lambda j: (_similarity(self, o, shapes[j]), -j))
            names = [self._label(self.new, b, nkw, j) for j, b in enumerate(nbranches)]
            others = ", ".join(f"'{x}'" for j, x in enumerate(names) if j != best) or "none"
            self.schema_change(
                "wrapped-in-union",
                d,
                f"wrapped into {nkw}: the former schema continues as branch '{names[best]}'; "
                f"new branches: {others}",
                ctx,
                path,
                o.loc,
                n.loc,
            )
            for j, name in enumerate(names):
                if j != best:
                    self.schema_change(
                        "branch-added",
                        d,
                        f"{nkw} branch '{name}' added",
                        ctx,
                        path,
                        o.loc,
                        shapes[j].loc,
                    )
            self.compare_shapes(o, shapes[best], ctx, _step(path, f"<{names[best]}>"), d)
            return True
        # a union was replaced by one schema
        okw, obranches = o.union
        shapes = [self.old.shape(b) for b in obranches]
        names = [self._label(self.old, b, okw, i) for i, b in enumerate(obranches)]
        self.schema_change(
            "unwrapped-from-union",
            d,
            f"{okw} of {', '.join(repr(x) for x in names)} replaced by one schema",
            ctx,
            path,
            o.loc,
            n.loc,
        )
        if d == "response":
            best = max(range(len(shapes)), key=lambda i: (_similarity(self, shapes[i], n), -i))
            chosen = [best]
        else:  # every shape clients could send must still be accepted
            chosen = list(range(len(shapes)))
        for i in chosen:
            self.compare_shapes(shapes[i], n, ctx, _step(path, f"<{names[i]}>"), d)
        return True

    def _match(self, old: list[Ref], new: list[Ref]) -> list[tuple[int, int]]:
        """Pair union branches by similarity (greedy, best first)."""
        scored = []
        for i, oref in enumerate(old):
            for j, nref in enumerate(new):
                sim = _similarity(self, self.old.shape(oref), self.new.shape(nref))
                scored.append((-sim, i, j))
        scored.sort()
        pairs: list[tuple[int, int]] = []
        used_old: set[int] = set()
        used_new: set[int] = set()
        for neg, i, j in scored:
            if -neg < 0.3 or i in used_old or j in used_new:
                continue
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
        return sorted(pairs)

    def _types(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> bool:
        """Compare types; False when they share nothing (no point looking deeper)."""
        ot, nt = o.types, n.types
        if _covers(ot, nt) and _covers(nt, ot):
            return True
        msg = f"type {_types(ot)} became {_types(nt)}"
        if _covers(ot, nt):
            self.schema_change("type-narrowed", d, msg, ctx, path, o.loc, n.loc)
        elif _covers(nt, ot):
            self.schema_change("type-widened", d, msg, ctx, path, o.loc, n.loc)
        else:
            self.schema_change("type-changed", d, msg, ctx, path, o.loc, n.loc)
            return bool(_intersect_types(ot, nt))
        return True

    def _enum(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> None:
        if o.enum is None and n.enum is None:
            return
        if o.enum is None:
            values = ", ".join(_fmt(v) for v in n.enum.values())
            msg = f"restricted to the enum [{values}]"
            self.schema_change("enum-added", d, msg, ctx, path, o.loc, n.loc)
            return
        if n.enum is None:
            msg = "enum restriction removed: any value of the type is allowed"
            self.schema_change("enum-removed", d, msg, ctx, path, o.loc, n.loc)
            return
        for key, value in o.enum.items():
            if key not in n.enum:
                msg = f"enum value {_fmt(value)} removed"
                self.schema_change("enum-value-removed", d, msg, ctx, path, o.loc, n.loc)
        for key, value in n.enum.items():
            if key not in o.enum:
                msg = f"enum value {_fmt(value)} added"
                self.schema_change("enum-value-added", d, msg, ctx, path, o.loc, n.loc)

    def _bounds(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> None:
        """Bounds, grouped: one change for all that tightened, one for all that loosened."""
        moves: dict[bool, list[str]] = {True: [], False: []}

        def note(tightened: bool, what: str, before: str, after: str) -> None:
            moves[tightened].append(f"{what} {before} -> {after}")

        for low, ob, nb in ((True, o.lower, n.lower), (False, o.upper, n.upper)):
            if ob == nb:
                continue
            what = "minimum" if low else "maximum"
            if ob is None or nb is None:
                tightened = ob is None
            else:
                # (value, exclusive): a higher lower bound, or the same value made exclusive
                ko = (ob[0], ob[1]) if low else (-ob[0], ob[1])
                kn = (nb[0], nb[1]) if low else (-nb[0], nb[1])
                tightened = kn > ko
            note(tightened, what, _fmt_bound(ob, low), _fmt_bound(nb, low))
        for key in (*_MIN_KEYS, *_MAX_KEYS):
            ov, nv = o.sizes.get(key), n.sizes.get(key)
            if ov == nv:
                continue
            if key in _MIN_KEYS:
                tightened = (nv or 0) > (ov or 0)
            else:
                tightened = nv is not None and (ov is None or nv < ov)
            note(tightened, key, _fmt(ov), _fmt(nv))
        if o.multiple_of != n.multiple_of:
            ov, nv = o.multiple_of, n.multiple_of
            loosened = nv is None or (ov is not None and (ov / nv).is_integer())
            note(not loosened, "multipleOf", _fmt(ov), _fmt(nv))
        if o.unique != n.unique:
            note(n.unique, "uniqueItems", _fmt(o.unique), _fmt(n.unique))
        if o.pattern != n.pattern:
            if o.pattern is None or n.pattern is None:
                note(o.pattern is None, "pattern", _fmt(o.pattern), _fmt(n.pattern))
            else:
                self.schema_change(
                    "pattern-changed",
                    d,
                    f"pattern changed: {_fmt(o.pattern)} -> {_fmt(n.pattern)}",
                    ctx,
                    path,
                    o.loc,
                    n.loc,
                )
        for tightened, items in moves.items():
            if items:
                kind = "bound-tightened" if tightened else "bound-loosened"
                verb = "tightened" if tightened else "loosened"
                msg = f"{verb}: " + "; ".join(items)
                self.schema_change(kind, d, msg, ctx, path, o.loc, n.loc)
        if o.format != n.format:
            self.schema_change(
                "format-changed",
                d,
                f"format changed: {_fmt(o.format)} -> {_fmt(n.format)}",
                ctx,
                path,
                o.loc,
                n.loc,
            )

    def _object(self, o: Shape, n: Shape, ctx: str, path: str, d: str) -> None:
        oa, na = o.additional, n.additional
        if oa is False and na is not False:
            msg = "additionalProperties opened: other properties are allowed"
            self.schema_change("additional-properties-opened", d, msg, ctx, path, o.loc, n.loc)
        elif oa is not False and na is False:
            msg = "additionalProperties closed: no other properties are allowed"
            self.schema_change("additional-properties-closed", d, msg, ctx, path, o.loc, n.loc)
        elif isinstance(oa, tuple) or isinstance(na, tuple):
            self.compare(oa or ANY, na or ANY, ctx, _step(path, ".*"), d)
        names = list(o.properties) + [k for k in n.properties if k not in o.properties]
        for name in names:
            sub = _step(path, name)
            oref, nref = o.properties.get(name), n.properties.get(name)
            if oref is not None and nref is not None:
                if name in n.required and name not in o.required:
                    msg = f"property '{name}' became required"
                    self.schema_change(
                        "property-became-required", d, msg, ctx, sub, oref[0], nref[0]
                    )
                elif name in o.required and name not in n.required:
                    msg = f"property '{name}' became optional"
                    self.schema_change(
                        "property-became-optional", d, msg, ctx, sub, oref[0], nref[0]
                    )
                self.compare(oref, nref, ctx, sub, d)
            elif oref is not None:
                if d != "response" and n.additional is False:
                    kind, note = "property-removed-closed", " (the object is closed)"
                elif name in o.required:
                    kind, note = "required-property-removed", " (it was required)"
                else:
                    kind, note = "property-removed", ""
                self.schema_change(
                    kind, d, f"property '{name}' removed{note}", ctx, sub, oref[0], n.loc
                )
            else:
                if name in n.required:
                    kind, msg = "required-property-added", f"required property '{name}' added"
                else:
                    kind, msg = "property-added", f"optional property '{name}' added"
                self.schema_change(kind, d, msg, ctx, sub, o.loc, nref[0])
        # required names without a property schema (e.g. added by an allOf member)
        for name in sorted((n.required - o.required) - set(o.properties) - set(n.properties)):
            msg = f"property '{name}' became required"
            sub = _step(path, name)
            self.schema_change("property-became-required", d, msg, ctx, sub, o.loc, n.loc)
        for name in sorted((o.required - n.required) - set(o.properties) - set(n.properties)):
            msg = f"property '{name}' became optional"
            sub = _step(path, name)
            self.schema_change("property-became-optional", d, msg, ctx, sub, o.loc, n.loc)

    # ----------------------------------------------------------------- OpenAPI

    def openapi(self, old: Document, new: Document) -> None:
        old_paths = _paths(old)
        new_paths = _paths(new)
        for norm in [*old_paths, *(p for p in new_paths if p not in old_paths)]:
            op_, np_ = old_paths.get(norm), new_paths.get(norm)
            if np_ is None:
                self.emit(
                    "api-endpoint-removed",
                    f"path {op_[0]} removed",
                    op_[0],
                    "",
                    Loc(old, op_[1]),
                    None,
                )
                continue
            if op_ is None:
                self.emit(
                    "api-endpoint-added",
                    f"path {np_[0]} added",
                    np_[0],
                    "",
                    None,
                    Loc(new, np_[1]),
                )
                continue
            self._path_item(old, op_, new, np_)

    def _path_item(
        self, old: Document, op_: tuple[str, str], new: Document, np_: tuple[str, str]
    ) -> None:
        oitem, nitem = old.get(op_[1]), new.get(np_[1])
        for method in METHODS:
            ctx = f"{method.upper()} {np_[0]}"
            optr, nptr = join(op_[1], method), join(np_[1], method)
            if method in oitem and method not in nitem:
                self.emit(
                    "api-operation-removed",
                    f"operation {method.upper()} {op_[0]} removed",
                    f"{method.upper()} {op_[0]}",
                    "",
                    Loc(old, optr),
                    Loc(new, np_[1]),
                )
            elif method in nitem and method not in oitem:
                self.emit(
                    "api-operation-added",
                    f"operation {ctx} added",
                    ctx,
                    "",
                    Loc(old, op_[1]),
                    Loc(new, nptr),
                )
            elif method in oitem:
                self._operation(old, op_[1], optr, new, np_[1], nptr, ctx)

    def _operation(
        self,
        old: Document,
        oitem: str,
        optr: str,
        new: Document,
        nitem: str,
        nptr: str,
        ctx: str,
    ) -> None:
        self._security(old, optr, new, nptr, ctx)
        self._parameters(old, oitem, optr, new, nitem, nptr, ctx)
        self._request_body(old, optr, new, nptr, ctx)
        self._responses(old, optr, new, nptr, ctx)

    def _deref(self, side: Schemas, doc: Document, pointer: str) -> tuple[Document, str]:
        """Follow $ref of a non-schema object (parameter, body, response)."""
        seen = set()
        node = doc.get(pointer)
        while isinstance(node, dict) and "$ref" in node:
            if (doc.uri, pointer) in seen:
                raise DiffError(f"{doc.label}:{doc.line(pointer) or '?'}: $ref loop")
            seen.add((doc.uri, pointer))
            try:
                doc, pointer = side.resolver.resolve(doc, pointer, node["$ref"])
            except LoadError as exc:
                raise DiffError(str(exc)) from None
            node = doc.get(pointer)
        return doc, pointer

    def _security(self, old: Document, optr: str, new: Document, nptr: str, ctx: str) -> None:
        def effective(doc: Document, pointer: str) -> tuple[set[frozenset[str]], str]:
            op = doc.get(pointer)
            if "security" in op:
                reqs, where = op["security"], join(pointer, "security")
            else:
                reqs, where = doc.data.get("security") or [], "/security"
            return {frozenset(r) for r in reqs if isinstance(r, dict)}, where

        os_, owhere = effective(old, optr)
        ns_, nwhere = effective(new, nptr)
        if os_ != ns_:

            def show(s: set[frozenset[str]]) -> str:
                return " or ".join("+".join(sorted(r)) or "none" for r in sorted(s, key=sorted))

            self.emit(
                "api-security-changed",
                f"security changed: {show(os_) or 'none'} -> {show(ns_) or 'none'}",
                ctx,
                "",
                Loc(old, owhere),
                Loc(new, nwhere),
            )

    def _params(
        self, side: Schemas, doc: Document, item: str, op: str
    ) -> dict[tuple[str, str], tuple[Document, str, dict]]:
        out: dict[tuple[str, str], tuple[Document, str, dict]] = {}
        path = _unescape_last(item)
        template = re.findall(r"\{([^}/]*)\}", path)
        for base in (item, op):
            node = doc.get(base)
            for index, _ in enumerate(node.get("parameters") or ()):
                pdoc, pptr = self._deref(side, doc, join(base, "parameters", index))
                param = pdoc.get(pptr)
                if not isinstance(param, dict) or "name" not in param or "in" not in param:
                    continue
                where = param["in"]
                name = param["name"].lower() if where == "header" else param["name"]
                if where == "path" and name in template:
                    # path parameters match by position: renaming {id} changes no call
                    name = f"#{template.index(name)}"
                out[(where, name)] = (pdoc, pptr, param)
        return out

    def _parameters(
        self,
        old: Document,
        oitem: str,
        optr: str,
        new: Document,
        nitem: str,
        nptr: str,
        ctx: str,
    ) -> None:
        oparams = self._params(self.old, old, oitem, optr)
        nparams = self._params(self.new, new, nitem, nptr)
        for key in [*oparams, *(k for k in nparams if k not in oparams)]:
            o, n = oparams.get(key), nparams.get(key)
            label = f"{key[0]} parameter '{(n or o)[2]['name']}'"
            pctx = f"{ctx} {label}"
            if n is None:
                self.emit(
                    "request-parameter-removed",
                    f"{label} removed",
                    ctx,
                    "",
                    Loc(o[0], o[1]),
                    Loc(new, nptr),
                )
                continue
            nreq = bool(n[2].get("required")) or key[0] == "path"
            if o is None:
                cid = "request-parameter-added-required" if nreq else "request-parameter-added"
                what = "required" if nreq else "optional"
                self.emit(cid, f"{what} {label} added", ctx, "", Loc(old, optr), Loc(n[0], n[1]))
                continue
            oreq = bool(o[2].get("required")) or key[0] == "path"
            if nreq and not oreq:
                self.emit(
                    "request-parameter-became-required",
                    f"{label} became required",
                    ctx,
                    "",
                    Loc(o[0], o[1]),
                    Loc(n[0], n[1]),
                )
            elif oreq and not nreq:
                self.emit(
                    "request-parameter-became-optional",
                    f"{label} became optional",
                    ctx,
                    "",
                    Loc(o[0], o[1]),
                    Loc(n[0], n[1]),
                )
            if "schema" in o[2] or "schema" in n[2]:
                oref = (Loc(o[0], join(o[1], "schema")),) if "schema" in o[2] else ANY
                nref = (Loc(n[0], join(n[1], "schema")),) if "schema" in n[2] else ANY
                self.compare(oref, nref, pctx, "", "request")

    def _content(
        self,
        old: tuple[Document, str],
        new: tuple[Document, str],
        ctx: str,
        d: str,
    ) -> None:
        (odoc, optr), (ndoc, nptr) = old, new
        ocontent = odoc.get(optr).get("content") or {}
        ncontent = ndoc.get(nptr).get("content") or {}
        prefix = "request" if d == "request" else "response"
        for media in [*ocontent, *(m for m in ncontent if m not in ocontent)]:
            if media not in ncontent:
                self.emit(
                    f"{prefix}-media-type-removed",
                    f"media type {media} removed",
                    ctx,
                    "",
                    Loc(odoc, join(optr, "content", media)),
                    Loc(ndoc, nptr),
                )
            elif media not in ocontent:
                self.emit(
                    f"{prefix}-media-type-added",
                    f"media type {media} added",
                    ctx,
                    "",
                    Loc(odoc, optr),
                    Loc(ndoc, join(nptr, "content", media)),
                )
            else:
                os_ = join(optr, "content", media, "schema")
                ns_ = join(nptr, "content", media, "schema")
                has_o = "schema" in (ocontent[media] or {})
                has_n = "schema" in (ncontent[media] or {})
                if has_o or has_n:
                    self.compare(
                        (Loc(odoc, os_),) if has_o else ANY,
                        (Loc(ndoc, ns_),) if has_n else ANY,
                        f"{ctx} ({media})" if len(ncontent) > 1 else ctx,
                        "",
                        d,
                    )

    def _request_body(self, old: Document, optr: str, new: Document, nptr: str, ctx: str) -> None:
        oop, nop = old.get(optr), new.get(nptr)
        bctx = f"{ctx} request body"
        if "requestBody" not in oop and "requestBody" not in nop:
            return
        if "requestBody" not in nop:
            self.emit(
                "request-body-removed",
                "request body removed",
                bctx,
                "",
                Loc(old, join(optr, "requestBody")),
                Loc(new, nptr),
            )
            return
        nb = self._deref(self.new, new, join(nptr, "requestBody"))
        nreq = bool(nb[0].get(nb[1]).get("required"))
        if "requestBody" not in oop:
            cid = "request-body-added-required" if nreq else "request-body-added"
            self.emit(cid, "request body added", bctx, "", Loc(old, optr), Loc(*nb))
            return
        ob = self._deref(self.old, old, join(optr, "requestBody"))
        oreq = bool(ob[0].get(ob[1]).get("required"))
        if nreq != oreq:
            cid = "request-body-became-required" if nreq else "request-body-became-optional"
            msg = "request body became " + ("required" if nreq else "optional")
            self.emit(cid, msg, bctx, "", Loc(*ob), Loc(*nb))
        self._content(ob, nb, bctx, "request")

    def _responses(self, old: Document, optr: str, new: Document, nptr: str, ctx: str) -> None:
        ors = old.get(optr).get("responses") or {}
        nrs = new.get(nptr).get("responses") or {}
        for status in [*ors, *(s for s in nrs if s not in ors)]:
            rctx = f"{ctx} response {status}"
            if status not in nrs:
                success = str(status).startswith("2")
                cid = "response-success-status-removed" if success else "response-status-removed"
                self.emit(
                    cid,
                    f"response status {status} removed",
                    rctx,
                    "",
                    Loc(old, join(optr, "responses", status)),
                    Loc(new, join(nptr, "responses")),
                )
            elif status not in ors:
                self.emit(
                    "response-status-added",
                    f"response status {status} added",
                    rctx,
                    "",
                    Loc(old, join(optr, "responses")),
                    Loc(new, join(nptr, "responses", status)),
                )
            else:
                ob = self._deref(self.old, old, join(optr, "responses", status))
                nb = self._deref(self.new, new, join(nptr, "responses", status))
                self._content(ob, nb, rctx, "response")


def _unescape_last(pointer: str) -> str:
    from payflow.evolution.loader import unescape

    return unescape(pointer.rsplit("/", 1)[-1])


def _paths(doc: Document) -> dict[str, tuple[str, str]]:
    """Normalised path template ({} for every parameter) -> (path as written, pointer)."""
    out: dict[str, tuple[str, str]] = {}
    for path in doc.data.get("paths") or {}:
        out[re.sub(r"\{[^}/]*\}", "{}", path)] = (path, join("/paths", path))
    return out


def _similarity(differ: _Differ, o: Shape, n: Shape) -> float:
    """How likely two union branches are the same branch, 0..1 (cheap, one level deep)."""
    if o.types is not None and n.types is not None and not _intersect_types(o.types, n.types):
        return 0.0
    if o.enum is not None and n.enum is not None:
        common = set(o.enum) & set(n.enum)
        return len(common) / len(set(o.enum) | set(n.enum)) if common else 0.05
    bonus = 0.25 if o.name and o.name == n.name else 0.0
    op, np_ = set(o.properties), set(n.properties)
    if not op and not np_:
        return min(1.0, 0.5 + bonus)
    # a discriminator: a shared property whose enum/const values differ means another branch
    for name in op & np_:
        os_ = differ.old.shape(o.properties[name])
        ns_ = differ.new.shape(n.properties[name])
        if os_.enum is not None and ns_.enum is not None and not set(os_.enum) & set(ns_.enum):
            return 0.0
    return min(1.0, len(op & np_) / len(op | np_) + bonus)


# --------------------------------------------------------------------------- entry points


def guess_direction(doc: Document) -> str:
    """For a bare JSON Schema: ``request`` when its file name or title says so, else ``both``."""
    name = doc.path.name if doc.path else doc.label
    title = doc.data.get("title", "") if isinstance(doc.data, dict) else ""
    if "request" in name.lower() or "request" in str(title).lower():
        return "request"
    return "both"


def diff_documents(old: Document, new: Document, *, direction: str = "auto") -> DiffResult:
    """Compare two loaded documents (both OpenAPI, or both JSON Schema)."""
    if (isinstance(old.data, dict) and "swagger" in old.data) or (
        isinstance(new.data, dict) and "swagger" in new.data
    ):
        raise DiffError("Swagger 2.0 documents are not supported; convert to OpenAPI 3 first")
    if old.is_openapi != new.is_openapi:
        which = old if old.is_openapi else new
        raise DiffError(
            f"cannot compare an OpenAPI document ({which.label}) with a bare JSON Schema"
        )
    for doc in (old, new):
        if not old.is_openapi and not isinstance(doc.data, dict | bool):
            raise DiffError(f"{doc.label}: not a JSON Schema (expected an object)")
    differ = _Differ(Resolver(old), Resolver(new))
    if old.is_openapi:
        if direction != "auto":
            raise DiffError("--direction applies to JSON Schema files; OpenAPI sets it per use")
        differ.openapi(old, new)
        mode = "openapi"
    else:
        d = guess_direction(new) if direction == "auto" else direction
        differ.compare((Loc(old, ""),), (Loc(new, ""),), "", "", d)
        mode = "jsonschema"
    return DiffResult(old.label, new.label, mode, differ.finish())


def diff_files(old: str | Path, new: str | Path, *, direction: str = "auto") -> DiffResult:
    """Load and compare two files; :class:`LoadError` / :class:`DiffError` on bad input."""
    return diff_documents(load_document(old), load_document(new), direction=direction)


def diff_trees(
    old_dir: str | Path,
    new_dir: str | Path,
    *,
    openapi: str = "openapi.yaml",
    labels: tuple[str, str] | None = None,
) -> DiffResult:
    """Compare two schema folders: the OpenAPI document (each schema classified by its use),
    then every ``*.schema.json`` file that document does not reach (direction by file name),
    and files added or removed. ``labels`` name the folders in the report."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    old_label, new_label = labels or (str(old_dir), str(new_dir))

    def load(folder: Path, label: str, name: str) -> Document:
        return load_document(folder / name, label=f"{label}/{name}")

    old_api, new_api = load(old_dir, old_label, openapi), load(new_dir, new_label, openapi)
    new_res = Resolver(new_api)
    differ = _Differ(Resolver(old_api), new_res)
    differ.openapi(old_api, new_api)
    reached = {d.path.resolve() for d in new_res.documents if d.path is not None}
    old_names = {p.name for p in old_dir.glob("*.schema.json")}
    new_names = {p.name for p in new_dir.glob("*.schema.json")}
    extra: list[Change] = []
    for name in sorted(old_names | new_names):
        if name not in new_names:
            doc = load(old_dir, old_label, name)
            differ.emit("file-removed", f"schema file {name} removed", name, "", Loc(doc, ""), None)
        elif name not in old_names:
            doc = load(new_dir, new_label, name)
            differ.emit("file-added", f"schema file {name} added", name, "", None, Loc(doc, ""))
        elif (new_dir / name).resolve() not in reached:
            old_doc, new_doc = load(old_dir, old_label, name), load(new_dir, new_label, name)
            sub = _Differ(Resolver(old_doc), Resolver(new_doc))
            d = guess_direction(new_doc)
            sub.compare((Loc(old_doc, ""),), (Loc(new_doc, ""),), name, "", d)
            extra.extend(sub.finish())
    return DiffResult(old_label, new_label, "tree", differ.finish() + extra)


def iter_levels(changes: Iterable[Change]) -> Iterator[tuple[str, list[Change]]]:
    """Changes grouped by classification, most severe first (empty groups skipped)."""
    for level in (BREAKING, WARNING, INFO):
        group = [c for c in changes if c.classification == level]
        if group:
            yield level, group
