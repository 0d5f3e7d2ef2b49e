"""The merged view of a flow: for each operation of the configuration, in order, the values it
will run with. Precedence (Fireblocks documentation): the execution request's values >
the configuration's > the previous operation's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from payflow.validator.config import ConfigOperation
from payflow.validator.context import OVERRIDE_KEYS
from payflow.validator.findings import escape_pointer_part

if TYPE_CHECKING:
    from payflow.validator.context import LintContext

__all__ = ["PREVIOUS", "MergedOperation", "merge"]

#: Marks a value that flows in from the previous operation's output.
PREVIOUS = "previous operation"
#: Marks a value the configuration sets.
CONFIGURATION = "configuration"

#: The field that holds an operation's input asset, by operation type.
INPUT_ASSET = {"CONVERSION": "srcAssetId", "TRANSFER": "assetId"}
#: The field the previous operation's output account fills, by operation type.
INPUT_ACCOUNT = {"TRANSFER": "source", "DISBURSEMENT": "paymentAccount", "CONVERSION": "accountId"}


@dataclass
class MergedOperation:
    position: int
    operation: ConfigOperation
    item_pointer: str | None
    values: dict[str, Any] = field(default_factory=dict)
    #: field -> where the value comes from: a request pointer, CONFIGURATION or PREVIOUS.
    origin: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.operation.type

    def pointer_of(self, name: str) -> str | None:
        """The request pointer the value of ``name`` was given at, if the request gave it."""
        origin = self.origin.get(name)
        return origin if origin not in (None, CONFIGURATION, PREVIOUS) else None

    def input_assets(self) -> list[tuple[str, str | None]]:
        """(asset, request pointer or None) the operation takes in."""
        if self.type in INPUT_ASSET:
            asset = self.values.get(INPUT_ASSET[self.type])
            if isinstance(asset, str) and self.origin.get(INPUT_ASSET[self.type]) != PREVIOUS:
                return [(asset, self.pointer_of(INPUT_ASSET[self.type]))]
            return []
        if self.type == "DISBURSEMENT":
            instructions = self.values.get("instructionSet")
            base = self.pointer_of("instructionSet")
            out = []
            if isinstance(instructions, list):
                for j, ins in enumerate(instructions):
                    if isinstance(ins, dict) and isinstance(ins.get("assetId"), str):
                        out.append((ins["assetId"], f"{base}/{j}/assetId" if base else None))
            return out
        return []

    def output_asset(self) -> str | None:
        if self.type == "CONVERSION":
            asset = self.values.get("destAssetId")
        elif self.type == "TRANSFER":
            asset = self.values.get("assetId")
        else:
            return None
        return asset if isinstance(asset, str) else None

    def output_account(self) -> Any:
        if self.type == "CONVERSION" and isinstance(self.values.get("accountId"), str):
            return {"accountId": self.values["accountId"]}
        if self.type == "TRANSFER":
            dest = self.values.get("destination")
            if isinstance(dest, dict) and "accountId" in dest:
                return dest
        return None


def merge(ctx: LintContext) -> list[MergedOperation]:
    config = ctx.config
    assert config is not None
    given: dict[str, tuple[dict[str, Any], dict[str, str], str]] = {}
    for _, item, pointer in ctx.items():
        op_id = item.get("configOperationId")
        if not isinstance(op_id, str) or op_id in given:
            continue
        values: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for key in OVERRIDE_KEYS:  # executionParams last: execution values win
            obj = item.get(key)
            if isinstance(obj, dict):
                for name, value in obj.items():
                    values[name] = value
                    origin[name] = f"{pointer}/{key}/{escape_pointer_part(name)}"
        given[op_id] = (values, origin, pointer)

    merged: list[MergedOperation] = []
    previous: MergedOperation | None = None
    for position, op in enumerate(config.operations):
        if op.type == "SCREENING":
            continue
        request_values, request_origin, item_pointer = given.get(op.operation_id, ({}, {}, None))
        m = MergedOperation(position=position, operation=op, item_pointer=item_pointer)
        for name, value in op.params.items():
            m.values[name], m.origin[name] = value, CONFIGURATION
        m.values.update(request_values)
        m.origin.update(request_origin)
        if previous is not None:
            inherited: dict[str, Any] = {"amount": "<output of the previous operation>"}
            if op.type in INPUT_ASSET and previous.output_asset():
                inherited[INPUT_ASSET[op.type]] = previous.output_asset()
            account = previous.output_account()
            if account is not None and op.type in INPUT_ACCOUNT:
                key = INPUT_ACCOUNT[op.type]
                inherited[key] = account["accountId"] if key == "accountId" else account
            for name, value in inherited.items():
                if name not in m.values:
                    m.values[name], m.origin[name] = value, PREVIOUS
        merged.append(m)
        previous = m
    return merged
