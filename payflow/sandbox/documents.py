"""Building the documents the API returns when something is created."""

from __future__ import annotations

import copy
import hashlib
import time
import uuid
from collections.abc import Mapping
from typing import Any

from payflow.sandbox.errors import ApiError
from payflow.sandbox.flows import effective_params, request_shape
from payflow.sandbox.lifecycle import CONFIG, CONFIG_OP, EXEC, EXEC_OP

__all__ = ["new_configuration", "new_execution", "now_ts", "triggered_by"]


def now_ts() -> int:
    """Timestamps the API returns: Unix seconds."""
    return int(time.time())


def triggered_by(api_key: str) -> str:
    """A stable, non-secret name for an API user (the key itself never appears in bodies)."""
    return "api-user-" + hashlib.sha256(api_key.encode()).hexdigest()[:8]


def new_configuration(request: Mapping[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "configId": str(uuid.uuid4()),
        "configName": request["configName"],
        "preScreening": copy.deepcopy(request.get("preScreening") or {"enabled": False}),
        "status": CONFIG.initial,
        "createdAt": now_ts(),
        "configOperations": [
            {
                "operationId": str(uuid.uuid4()),
                "type": op["type"],
                "params": copy.deepcopy(op["params"]),
                "status": CONFIG_OP.initial,
            }
            for op in request["configOperations"]
        ],
    }
    if "externalCorrelationData" in request:
        doc["externalCorrelationData"] = copy.deepcopy(request["externalCorrelationData"])
    return doc


def new_execution(
    config: Mapping[str, Any], request: Mapping[str, Any], api_key: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(document, private plan) of a new execution; refuses params that name no operation."""
    ops_by_id = {op["operationId"]: op for op in config["configOperations"]}
    items: dict[str, Mapping[str, Any]] = {}
    for index, item in enumerate(request["params"]):
        op_id = item["configOperationId"]
        if op_id not in ops_by_id:
            raise ApiError(
                422,
                f"params[{index}].configOperationId {op_id!r} is not an operation of "
                f"configuration {config['configId']}; its operations are "
                + ", ".join(
                    f"{op['operationId']} ({op['type']})" for op in config["configOperations"]
                ),
            )
        if op_id in items:
            raise ApiError(422, f"params[{index}] repeats configOperationId {op_id!r}")
        items[op_id] = item
    screening = (request.get("preScreening") or config.get("preScreening") or {}).get(
        "enabled", False
    )
    operations: list[dict[str, Any]] = []
    plan_ops: list[dict[str, Any]] = []
    if screening:
        operations.append(
            {
                "operationId": str(uuid.uuid4()),
                "operationType": "SCREENING",
                "status": EXEC_OP.initial,
            }
        )
    for op in config["configOperations"]:
        exec_op_id = str(uuid.uuid4())
        operations.append(
            {"operationId": exec_op_id, "operationType": op["type"], "status": EXEC_OP.initial}
        )
        plan_ops.append(
            {
                "operationId": exec_op_id,
                "configOperationId": op["operationId"],
                "type": op["type"],
                "params": effective_params(op["params"], items.get(op["operationId"])),
            }
        )
    snapshot: dict[str, Any] = {
        "configId": config["configId"],
        "configName": config["configName"],
        "createdAt": config["createdAt"],
        "configOperations": [
            {
                "operationId": op["operationId"],
                "type": op["type"],
                "params": copy.deepcopy(op["params"]),
            }
            for op in config["configOperations"]
        ],
    }
    if "externalCorrelationData" in config:
        snapshot["externalCorrelationData"] = copy.deepcopy(config["externalCorrelationData"])
    doc: dict[str, Any] = {
        "executionId": str(uuid.uuid4()),
        "preScreening": {"enabled": bool(screening)},
        "configSnapshot": snapshot,
        "executionOperations": operations,
        "status": EXEC.initial,
        "triggeredBy": triggered_by(api_key),
        "triggeredAt": now_ts(),
    }
    if "externalCorrelationData" in request:
        doc["externalCorrelationData"] = copy.deepcopy(request["externalCorrelationData"])
    plan = {
        "shape": request_shape(request),
        "failureHandling": request.get("failureHandling"),
        "operations": plan_ops,
        "flow": None,
    }
    return doc, plan
