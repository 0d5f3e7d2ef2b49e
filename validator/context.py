"""What a request rule sees: the document, its shape, the configuration, and walkers over the
places of a request. Walkers tolerate any document (rules also run on schema-invalid input)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from payflow.validator.config import Configuration
from payflow.validator.findings import escape_pointer_part

__all__ = ["OVERRIDE_KEYS", "LintContext"]

#: Keys of a params item that hold operation values (v2 overrides, execution values).
OVERRIDE_KEYS = ("configOverrideParams", "executionParams")
_ACCOUNT_KEYS = ("source", "destination", "paymentAccount")


@dataclass
class LintContext:
    document: Any
    version: str
    schema_valid: bool
    config: Configuration | None = None
    _merged: Any = field(default=None, repr=False)

    def items(self) -> Iterator[tuple[int, dict[str, Any], str]]:
        """(index, item, pointer) of each object in ``params``."""
        params = self.document.get("params") if isinstance(self.document, dict) else None
        if isinstance(params, list):
            for i, item in enumerate(params):
                if isinstance(item, dict):
                    yield i, item, f"/params/{i}"

    def value_objects(self) -> Iterator[tuple[int, str, dict[str, Any], str]]:
        """(item index, key, object, pointer) of every configOverrideParams/executionParams."""
        for i, item, pointer in self.items():
            for key in OVERRIDE_KEYS:
                obj = item.get(key)
                if isinstance(obj, dict):
                    yield i, key, obj, f"{pointer}/{key}"

    def instruction_sets(self) -> Iterator[tuple[list[Any], str]]:
        for _, _, obj, pointer in self.value_objects():
            instructions = obj.get("instructionSet")
            if isinstance(instructions, list):
                yield instructions, f"{pointer}/instructionSet"

    def instructions(self) -> Iterator[tuple[dict[str, Any], str]]:
        for instructions, pointer in self.instruction_sets():
            for j, instruction in enumerate(instructions):
                if isinstance(instruction, dict):
                    yield instruction, f"{pointer}/{j}"

    def accounts(self) -> Iterator[tuple[Any, str, str]]:
        """(value, pointer, role) of every account-like place (source, destination,
        paymentAccount, payeeAccount)."""
        for _, _, obj, pointer in self.value_objects():
            for key in _ACCOUNT_KEYS:
                if key in obj:
                    yield obj[key], f"{pointer}/{escape_pointer_part(key)}", key
        for instruction, pointer in self.instructions():
            if "payeeAccount" in instruction:
                yield instruction["payeeAccount"], f"{pointer}/payeeAccount", "payeeAccount"

    def merged(self):
        """The merged view of the flow (needs a configuration); see :mod:`.merge`."""
        if self._merged is None and self.config is not None:
            from payflow.validator.merge import merge

            self._merged = merge(self)
        return self._merged
