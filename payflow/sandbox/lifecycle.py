"""Status moves, checked against the lifecycle data of ``payflow.schemas.lifecycle()``.

The sets (final, failed, settled, usable, launchable) always come from that data; the engine
names the individual steps it takes below, and every name is checked against the machine at
import and every move against its transitions at run time, so a lifecycle.json edit that the
engine does not follow fails loudly instead of producing an illegal status.
"""

from __future__ import annotations

from typing import Any

from payflow.schemas import Machine, lifecycle

__all__ = [
    "CONFIG",
    "CONFIG_OP",
    "EXEC",
    "EXEC_OP",
    "LAUNCHABLE",
    "READY",
    "IllegalTransition",
    "S",
    "advance",
    "move",
]

_LIFE = lifecycle()
CONFIG: Machine = _LIFE.workflow_configuration
CONFIG_OP: Machine = _LIFE.configuration_operation
EXEC: Machine = _LIFE.workflow_execution
EXEC_OP: Machine = _LIFE.execution_operation


class S:
    """Status names the engine steps through (checked against the machines below)."""

    PENDING = "PENDING"
    VALIDATING = "VALIDATION_IN_PROGRESS"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    VALIDATED = "VALIDATION_COMPLETED"
    PREVIEW_REQUESTED = "PREVIEW_REQUESTED"
    PREVIEWING = "PREVIEW_IN_PROGRESS"
    PREVIEW_FAILED = "PREVIEW_FAILED"
    EXECUTION_REQUESTED = "EXECUTION_REQUESTED"
    EXECUTING = "EXECUTION_IN_PROGRESS"
    COMPLETED = "EXECUTION_COMPLETED"
    FAILED = "EXECUTION_FAILED"
    DELETED = "DELETED"


def _check_names() -> None:
    steps = (S.PENDING, S.VALIDATING, S.VALIDATION_FAILED)
    used = [
        (CONFIG, (*steps, S.DELETED, CONFIG.usable)),
        (CONFIG_OP, (*steps, CONFIG.usable)),
        (EXEC, (*steps, S.VALIDATED, S.PREVIEWING, S.PREVIEW_FAILED, EXEC.launchable)),
        (EXEC, (S.EXECUTING, S.COMPLETED, S.FAILED)),
        (EXEC_OP, (*steps, S.VALIDATED, S.PREVIEW_REQUESTED, S.PREVIEWING, S.PREVIEW_FAILED)),
        (EXEC_OP, (EXEC.launchable, S.EXECUTION_REQUESTED, S.EXECUTING, S.COMPLETED, S.FAILED)),
    ]
    for machine, names in used:
        missing = set(names) - machine.statuses
        if missing:
            raise RuntimeError(f"lifecycle.json lacks statuses the sandbox uses: {missing}")
    if CONFIG.usable is None or EXEC.launchable is None:
        raise RuntimeError("lifecycle.json must name the usable and launchable statuses")


_check_names()

#: The configuration status executions may be created from, and the launchable status.
READY: str = CONFIG.usable  # type: ignore[assignment]
LAUNCHABLE: str = EXEC.launchable  # type: ignore[assignment]


class IllegalTransition(RuntimeError):
    """A move the lifecycle does not allow: a bug in the engine, never a client error."""


def move(machine: Machine, obj: dict[str, Any], new: str) -> None:
    """Set ``obj["status"]`` to ``new``, if the machine allows the move."""
    current = obj["status"]
    if not machine.can_move(current, new):
        raise IllegalTransition(f"{current} -> {new} is not in the lifecycle")
    obj["status"] = new


def advance(machine: Machine, obj: dict[str, Any], *path: str) -> None:
    """Move through several statuses in one go (each step checked)."""
    for new in path:
        move(machine, obj, new)
