"""The background state machine: configurations and executions move on their own, one step
per ``transition_delay``, so clients really poll.

Every step is one database transaction that reads the object, checks it is still where the
step expects it (a deleted configuration, or a step already taken, simply ends the task) and
writes the next status. An operation's money moves in the same transaction that marks it
EXECUTION_COMPLETED, so after a crash an operation is either wholly done or not at all; on
start the engine resumes every object that is not settled, from the step it stands at.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

from payflow.sandbox import flows
from payflow.sandbox.documents import now_ts
from payflow.sandbox.lifecycle import (
    CONFIG,
    CONFIG_OP,
    EXEC,
    EXEC_OP,
    LAUNCHABLE,
    READY,
    S,
    advance,
    move,
)
from payflow.sandbox.store import Store
from payflow.sandbox.validation import Flow, check_operations

__all__ = ["Engine", "launch"]

log = logging.getLogger("payflow.sandbox.engine")


class Engine:
    def __init__(self, store: Store, accounts: dict[str, str], delay: float) -> None:
        self.store = store
        self.accounts = accounts
        self.delay = delay
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._started = False
        self._stopping = False

    # -- tasks -----------------------------------------------------------------------------

    def ensure_started(self) -> None:
        """Resume unsettled objects once, on the running loop (lifespan or first request)."""
        if self._started:
            return
        self._started = True
        unsettled_configs = CONFIG.statuses - CONFIG.final
        for config_id in self.store.ids_in_status("configurations", unsettled_configs):
            self.schedule_configuration(config_id)
        unsettled_execs = EXEC.statuses - EXEC.final - EXEC.awaiting_action
        for execution_id in self.store.ids_in_status("executions", unsettled_execs):
            self.schedule_execution(execution_id)

    def schedule_configuration(self, config_id: str) -> None:
        self._spawn(config_id, self._drive(config_id, self.step_configuration))

    def schedule_execution(self, execution_id: str) -> None:
        self._spawn(execution_id, self._drive(execution_id, self.step_execution))

    def _spawn(self, key: str, coro: Coroutine[Any, Any, None]) -> None:
        if self._stopping or (key in self._tasks and not self._tasks[key].done()):
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks[key] = task
        task.add_done_callback(lambda t, key=key: self._done(key, t))

    def _done(self, key: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:
            log.error("lifecycle task for %s failed", key, exc_info=task.exception())

    async def _drive(self, key: str, step: Any) -> None:
        while True:
            await self._pause()
            if self._stopping or not step(key):
                return

    async def _pause(self) -> None:
        # Sleep in slices, re-reading the delay, so a changed delay takes effect at once.
        waited = 0.0
        while True:
            remaining = self.delay - waited
            if remaining <= 0:
                await asyncio.sleep(0)
                return
            chunk = min(remaining, 0.05)
            await asyncio.sleep(chunk)
            waited += chunk

    async def stop(self) -> None:
        self._stopping = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in self._tasks.values())

    # -- configurations --------------------------------------------------------------------

    def step_configuration(self, config_id: str) -> bool:
        """Take the next step; False when there is nothing more to do."""
        with self.store.tx() as db:
            doc = self.store.get_configuration(db, config_id)
            if doc is None or CONFIG.is_final(doc["status"]):
                return False
            if doc["status"] == CONFIG.initial:
                move(CONFIG, doc, S.VALIDATING)
                for op in doc["configOperations"]:
                    move(CONFIG_OP, op, S.VALIDATING)
            else:
                ops = [(op["type"], op["params"]) for op in doc["configOperations"]]
                results = check_operations(ops, self.accounts, complete=False)
                for op, problem in zip(doc["configOperations"], results, strict=True):
                    if problem is None:
                        move(CONFIG_OP, op, READY)
                    else:
                        move(CONFIG_OP, op, S.VALIDATION_FAILED)
                        op["validationFailure"] = problem
                failed = any(results)
                move(CONFIG, doc, S.VALIDATION_FAILED if failed else READY)
            self.store.put_configuration(db, doc, now_ts())
            return not CONFIG.is_final(doc["status"])

    # -- executions ------------------------------------------------------------------------

    def step_execution(self, execution_id: str) -> bool:
        with self.store.tx() as db:
            found = self.store.get_execution(db, execution_id)
            if found is None:
                return False
            doc, plan = found
            status = doc["status"]
            if EXEC.is_settled(status):
                return False
            ops = doc["executionOperations"]
            if status == EXEC.initial:
                move(EXEC, doc, S.VALIDATING)
                for op in ops:
                    move(EXEC_OP, op, S.VALIDATING)
            elif status == S.VALIDATING:
                self._validate(doc, plan)
            elif status == S.VALIDATED:
                move(EXEC, doc, S.PREVIEWING)
                for op in ops:
                    move(EXEC_OP, op, S.PREVIEW_REQUESTED)
            elif status == S.PREVIEWING and ops[0]["status"] == S.PREVIEW_REQUESTED:
                for op in ops:
                    move(EXEC_OP, op, S.PREVIEWING)
            elif status == S.PREVIEWING:
                self._preview(doc, plan)
            elif status == S.EXECUTING:
                self._execute_next(db, doc, plan)
            else:  # pragma: no cover - guarded by the lifecycle check at import
                raise RuntimeError(f"no step from {status}")
            if EXEC.is_final(doc["status"]):
                doc["finishedAt"] = now_ts()
            self.store.put_execution(db, doc, plan, now_ts())
            return not EXEC.is_settled(doc["status"])

    def _business_ops(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [op for op in doc["executionOperations"] if op["operationType"] != "SCREENING"]

    def _validate(self, doc: dict[str, Any], plan: dict[str, Any]) -> None:
        ops = [(p["type"], p["params"]) for p in plan["operations"]]
        results = check_operations(ops, self.accounts, complete=True)
        by_id = dict(zip((p["operationId"] for p in plan["operations"]), results, strict=True))
        for op in doc["executionOperations"]:
            problem = by_id.get(op["operationId"])
            if problem is None:
                move(EXEC_OP, op, S.VALIDATED)
            else:
                move(EXEC_OP, op, S.VALIDATION_FAILED)
                op["validationFailure"] = problem
        move(EXEC, doc, S.VALIDATION_FAILED if any(results) else S.VALIDATED)

    def _preview(self, doc: dict[str, Any], plan: dict[str, Any]) -> None:
        flow = Flow()
        ops_by_id = {op["operationId"]: op for op in doc["executionOperations"]}
        failed = False
        for planned in plan["operations"]:
            op = ops_by_id[planned["operationId"]]
            if failed:
                move(EXEC_OP, op, S.PREVIEW_FAILED)
                continue
            outcome = flows.compute(planned["type"], planned["params"], flow, execute=False)
            op["preview"] = {"input": outcome.input}
            if outcome.failure:
                op["preview"]["failure"] = outcome.failure
                move(EXEC_OP, op, S.PREVIEW_FAILED)
                failed = True
            else:
                op["preview"]["output"] = outcome.output
                move(EXEC_OP, op, LAUNCHABLE)
                flow = outcome.flow
        for op in doc["executionOperations"]:
            if op["operationType"] == "SCREENING":
                move(EXEC_OP, op, S.PREVIEW_FAILED if failed else LAUNCHABLE)
        move(EXEC, doc, S.PREVIEW_FAILED if failed else LAUNCHABLE)

    def _execute_next(self, db: Any, doc: dict[str, Any], plan: dict[str, Any]) -> None:
        ops = doc["executionOperations"]
        pending = [op for op in ops if not EXEC_OP.is_final(op["status"])]
        if not pending:
            move(EXEC, doc, S.COMPLETED)
            return
        op = pending[0]
        planned = next(
            (p for p in plan["operations"] if p["operationId"] == op["operationId"]), None
        )
        flow = Flow.from_json(plan.get("flow") or {})
        if op["status"] == S.EXECUTION_REQUESTED:
            move(EXEC_OP, op, S.EXECUTING)
            execution: dict[str, Any] = {"startedAt": now_ts()}
            if planned is not None:
                execution["input"] = flows.compute(
                    planned["type"], planned["params"], flow, execute=False
                ).input
            op["execution"] = execution
            return
        execution = op.setdefault("execution", {"startedAt": now_ts()})
        execution["finishedAt"] = now_ts()
        if planned is None:  # the screening operation
            verdicts, rejected = flows.screen(self._business_ops(doc))
            if rejected:
                execution["failure"] = {
                    "reason": "SCREENING_REJECTED",
                    "data": {"verdicts": verdicts},
                }
                self._fail(db, doc, plan, op)
            else:
                execution["output"] = {"verdicts": verdicts}
                move(EXEC_OP, op, S.COMPLETED)
            return

        def balance(account_id: str, asset_id: str) -> Any:
            return self.store.balance(db, account_id, asset_id)

        outcome = flows.compute(
            planned["type"], planned["params"], flow, execute=True, balance=balance
        )
        execution["input"] = outcome.input
        execution.update(outcome.extra)
        if outcome.failure:
            execution["failure"] = outcome.failure
            self._fail(db, doc, plan, op)
            return
        execution["output"] = outcome.output
        now = now_ts()
        for leg, account_id, asset_id, delta in outcome.legs:
            self.store.post(
                db,
                execution_id=doc["executionId"],
                operation_id=op["operationId"],
                leg=leg,
                account_id=account_id,
                asset_id=asset_id,
                delta=delta,
                now=now,
            )
        plan["flow"] = outcome.flow.to_json()
        move(EXEC_OP, op, S.COMPLETED)
        if all(EXEC_OP.is_final(o["status"]) for o in ops):
            move(EXEC, doc, S.COMPLETED)

    def _fail(
        self, db: Any, doc: dict[str, Any], plan: dict[str, Any], failed_op: dict[str, Any]
    ) -> None:
        """The operation failed: later operations never run; REVERSE undoes earlier ones."""
        move(EXEC_OP, failed_op, S.FAILED)
        for op in doc["executionOperations"]:
            if op["status"] == S.EXECUTION_REQUESTED:
                advance(EXEC_OP, op, S.EXECUTING, S.FAILED)
        handling = plan.get("failureHandling") or {}
        if handling.get("enabled") and handling.get("type", "REVERSE") == "REVERSE":
            rows = db.execute(
                "SELECT operation_id, leg, account_id, asset_id, delta FROM ledger "
                "WHERE execution_id = ? AND leg NOT LIKE 'reverse:%' ORDER BY seq",
                (doc["executionId"],),
            ).fetchall()
            now = now_ts()
            for row in rows:
                self.store.post(
                    db,
                    execution_id=doc["executionId"],
                    operation_id=row["operation_id"],
                    leg="reverse:" + row["leg"],
                    account_id=row["account_id"],
                    asset_id=row["asset_id"],
                    delta=-Decimal(row["delta"]),
                    now=now,
                )
            failure = failed_op["execution"]["failure"]
            failure.setdefault("data", {})["reversed"] = bool(rows)
        move(EXEC, doc, S.FAILED)


def launch(doc: dict[str, Any], plan: dict[str, Any]) -> None:
    """Mark a READY_FOR_LAUNCH execution launched (the caller checked the status)."""
    move(EXEC, doc, S.EXECUTING)
    for op in doc["executionOperations"]:
        move(EXEC_OP, op, S.EXECUTION_REQUESTED)
    plan["flow"] = Flow().to_json()
