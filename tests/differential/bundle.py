"""A bundler for hypothesis-jsonschema: one payflow schema with every ``$ref`` replaced by its
target, so ``from_schema`` needs no registry. payflow schemas are not recursive, so inlining
terminates; a cycle would raise instead of looping."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from payflow import schemas

__all__ = ["bundled", "resolve"]


def _fragment(document: Any, fragment: str) -> Any:
    node = document
    for part in (p for p in fragment.lstrip("/").split("/") if p):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def resolve(ref: str, base: str) -> tuple[Any, str]:
    """(target schema, file it lives in) of ``ref`` written inside schema file ``base``."""
    file, _, fragment = ref.partition("#")
    file = file.rsplit("/", 1)[-1] or base
    return _fragment(schemas.load(file), fragment), file


def _inline(node: Any, base: str, trail: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, base, trail) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target, file = resolve(node["$ref"], base)
        key = f"{file}#{node['$ref'].partition('#')[2]}"
        if key in trail:
            raise ValueError(f"recursive schema at {key}: cannot inline")
        merged = _inline(copy.deepcopy(target), file, (*trail, key))
        siblings = {
            k: _inline(v, base, trail)
            for k, v in node.items()
            if k not in ("$ref", "description", "title")
        }
        if siblings:  # a $ref beside other keywords means both apply
            return {"allOf": [merged, siblings]}
        return merged
    return {
        k: _inline(v, base, trail)
        for k, v in node.items()
        if k not in ("$defs", "$id", "$schema", "examples")
    }


@cache
def _bundled(name: str) -> Any:
    return _inline(schemas.load(name), name, ())


def bundled(name: str) -> dict[str, Any]:
    """A fresh, self-contained copy of schema file ``name`` (no ``$ref``, no ``$defs``)."""
    return copy.deepcopy(_bundled(name))
