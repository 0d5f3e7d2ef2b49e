"""The JSON Schemas of payflow: the single source of truth for requests, responses and lifecycle.

The schema files live next to this module and ship inside the package, so the validator, the
models, the client and the sandbox all read the very same documents. This module only locates
and loads them; it imports nothing heavy (no jsonschema) so the lint path stays fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "BASE_URI",
    "EXECUTION_REQUEST_SCHEMAS",
    "SCHEMA_DIR",
    "Lifecycle",
    "Machine",
    "lifecycle",
    "load",
    "load_by_id",
    "openapi_path",
    "registry",
    "schema_files",
]

SCHEMA_DIR = Path(__file__).resolve().parent
BASE_URI = "https://schemas.payflow.dev/"

#: Request shape -> schema file of the workflow-execution request.
EXECUTION_REQUEST_SCHEMAS = {
    "v1": "workflow-execution-request.v1.schema.json",
    "v2": "workflow-execution-request.v2.schema.json",
}


def schema_files() -> list[Path]:
    """Every JSON Schema file (``*.schema.json``), sorted by name."""
    return sorted(SCHEMA_DIR.glob("*.schema.json"))


@cache
def _load_cached(name: str) -> str:
    return (SCHEMA_DIR / name).read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """A fresh copy of the schema (or data file) ``name``, e.g. ``"common.schema.json"``."""
    return json.loads(_load_cached(name))


def load_by_id(uri: str) -> dict[str, Any]:
    """The schema whose ``$id`` is ``uri`` (fragment ignored)."""
    base = uri.split("#", 1)[0]
    if not base.startswith(BASE_URI):
        raise LookupError(f"not a payflow schema URI: {uri}")
    return load(base[len(BASE_URI) :])


@cache
def registry():  # -> referencing.Registry (imported lazily: keep module import cheap)
    """A ``referencing.Registry`` holding every schema under its ``$id``."""
    from referencing import Registry, Resource

    resources = []
    for path in schema_files():
        contents = load(path.name)
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources).crawl()


def openapi_path() -> Path:
    """Path of the OpenAPI 3.1 document of the six Payments - Flows endpoints."""
    return SCHEMA_DIR / "openapi.yaml"


@dataclass(frozen=True)
class Machine:
    """One state machine of lifecycle.json."""

    initial: str
    transitions: dict[str, tuple[str, ...]]
    final: frozenset[str]
    failed: frozenset[str]
    awaiting_action: frozenset[str] = frozenset()
    usable: str | None = None
    launchable: str | None = None

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self.transitions)

    def can_move(self, current: str, new: str) -> bool:
        return new in self.transitions.get(current, ())

    def is_final(self, status: str) -> bool:
        return status in self.final

    def is_failed(self, status: str) -> bool:
        return status in self.failed

    def is_settled(self, status: str) -> bool:
        """Nothing changes until the caller acts: final, or waiting for an action."""
        return status in self.final or status in self.awaiting_action


@dataclass(frozen=True)
class Lifecycle:
    workflow_configuration: Machine
    configuration_operation: Machine
    workflow_execution: Machine
    execution_operation: Machine


def _machine(raw: dict[str, Any]) -> Machine:
    return Machine(
        initial=raw["initial"],
        transitions={k: tuple(v) for k, v in raw["transitions"].items()},
        final=frozenset(raw["final"]),
        failed=frozenset(raw["failed"]),
        awaiting_action=frozenset(raw.get("awaitingAction", ())),
        usable=raw.get("usable"),
        launchable=raw.get("launchable"),
    )


@cache
def lifecycle() -> Lifecycle:
    """The lifecycle data of schemas/lifecycle.json."""
    raw = load("lifecycle.json")
    return Lifecycle(
        workflow_configuration=_machine(raw["workflowConfiguration"]),
        configuration_operation=_machine(raw["configurationOperation"]),
        workflow_execution=_machine(raw["workflowExecution"]),
        execution_operation=_machine(raw["executionOperation"]),
    )
