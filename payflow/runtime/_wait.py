"""Wait loops: poll an object until its lifecycle says it has settled.

Statuses come from a state machine (``payflow.schemas.lifecycle()``), never from a list here:
a failed status always raises ``FlowFailed`` with the failure reasons; otherwise
the loop stops when the status is one the caller waits for (by default any *settled* status:
final, or waiting for the caller's action), and raises ``WaitTimeout`` when
time runs out. Polls back off from
POLL_INITIAL_DELAY to POLL_MAX_DELAY.

As in the client, one generator holds the logic (``wait_flow``: yields POLL to ask for a fresh
object, or seconds to sleep); ``wait_sync`` and ``wait_async`` only drive it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import Any

from payflow.runtime._exceptions import FlowFailed, WaitTimeout

__all__ = [
    "POLL_BACKOFF",
    "POLL_INITIAL_DELAY",
    "POLL_MAX_DELAY",
    "failure_reasons",
    "status_of",
    "wait_async",
    "wait_flow",
    "wait_sync",
]

POLL_INITIAL_DELAY = 0.1  # seconds
POLL_BACKOFF = 1.5
POLL_MAX_DELAY = 2.0

POLL = object()  # sentinel the flow yields to ask for a fresh object


def status_of(obj: Any) -> str:
    status = obj.get("status") if isinstance(obj, dict) else getattr(obj, "status", None)
    status = getattr(status, "value", status)
    if not isinstance(status, str):
        raise TypeError(f"object has no status: {type(obj).__name__}")
    return status


def failure_reasons(obj: Any) -> list[str]:
    """Every ``reason`` under a ``...Failure``/``failure`` key anywhere in the object."""
    data = obj.model_dump(mode="json") if hasattr(obj, "model_dump") else obj
    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if (key == "failure" or key.endswith("Failure")) and isinstance(
                node.get("reason"), str
            ):
                found.append(node["reason"])
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                walk(item, key)

    walk(data)
    return list(dict.fromkeys(found))


def _targets(machine: Any, until: str | Iterable[str] | None) -> frozenset[str]:
    if until is None:
        return frozenset(machine.final) | frozenset(machine.awaiting_action)
    wanted = frozenset([until] if isinstance(until, str) else until)
    unknown = sorted(wanted - machine.statuses)
    if unknown or not wanted:
        raise ValueError(
            f"unknown status(es) to wait for: {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(sorted(machine.statuses))}"
        )
    return wanted


def wait_flow(
    *,
    machine: Any,
    what: str,
    until: str | Iterable[str] | None = None,
    timeout: float,
    on_poll: Callable[[Any], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[object, Any, Any]:
    targets = _targets(machine, until)
    deadline = clock() + timeout
    delay = POLL_INITIAL_DELAY
    while True:
        obj = yield POLL
        if on_poll is not None:
            on_poll(obj)
        status = status_of(obj)
        if machine.is_failed(status):
            reasons = failure_reasons(obj)
            detail = f": {', '.join(reasons)}" if reasons else ""
            raise FlowFailed(f"{what} {status}{detail}", obj=obj, status=status, reasons=reasons)
        if status in targets:
            return obj
        if machine.is_final(status):
            raise FlowFailed(
                f"{what} reached {status} and will not move to {', '.join(sorted(targets))}",
                obj=obj,
                status=status,
                reasons=[],
            )
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(f"{what} still {status} after {timeout:g} s", last=obj, status=status)
        yield min(delay, remaining)
        delay = min(delay * POLL_BACKOFF, POLL_MAX_DELAY)


def wait_sync(
    fetch: Callable[[], Any], sleep: Callable[[float], None] = time.sleep, **kwargs: Any
) -> Any:
    flow = wait_flow(**kwargs)
    step = next(flow)
    while True:
        try:
            step = flow.send(fetch() if step is POLL else sleep(step))
        except StopIteration as stop:
            return stop.value


async def wait_async(
    fetch: Callable[[], Awaitable[Any]], sleep: Callable[[float], Awaitable[None]], **kwargs: Any
) -> Any:
    flow = wait_flow(**kwargs)
    step = next(flow)
    while True:
        try:
            step = flow.send(await fetch() if step is POLL else await sleep(step))
        except StopIteration as stop:
            return stop.value
