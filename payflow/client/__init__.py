"""The Payments - Flows client: the generated client plus what a careful caller needs.

    from payflow.client import Client, errors

    with Client() as client:          # args > FIREBLOCKS_* environment > local sandbox pointer
        config = client.create_flow_configuration(request)
        config = client.wait_for_configuration(config.configId)
        execution = client.create_flow_execution(body)      # linted first; LintError: nothing sent
        execution = client.wait_for_execution(execution.executionId)   # READY_FOR_LAUNCH
        client.launch_flow_execution(execution.executionId)
        done = client.wait_for_execution(execution.executionId, until="EXECUTION_COMPLETED")

The six API methods are generated (payflow.generated.payments_flows) on the shared runtime
(payflow.runtime: auth, idempotency keys, retries, errors). This module adds lint-before-send on
``create_flow_execution`` and the wait helpers, whose statuses come from the lifecycle data in
payflow.schemas.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from payflow.client import errors
from payflow.generated.models.workflow_configuration_schema import WorkflowConfiguration
from payflow.generated.models.workflow_execution_request_schema import (
    CreateWorkflowExecutionRequest,
)
from payflow.generated.models.workflow_execution_schema import WorkflowExecution
from payflow.generated.payments_flows import _client as generated
from payflow.runtime._base_client import DEFAULT_TIMEOUT, encode_json
from payflow.runtime._retry import DEFAULT_MAX_RETRIES
from payflow.runtime._wait import wait_async, wait_sync
from payflow.schemas import lifecycle

__all__ = ["AsyncClient", "Client", "errors", "lint_request"]

log = logging.getLogger("payflow.client")

DEFAULT_CONFIGURATION_WAIT = 60.0  # seconds
DEFAULT_EXECUTION_WAIT = 120.0  # seconds


def lint_request(body: CreateWorkflowExecutionRequest | Mapping[str, Any] | Any) -> list[Any]:
    """Lint an execution request exactly as it would be sent; raise LintError on errors.

    Returns the findings (warnings and notes) when there is no error.
    """
    from payflow.validator import has_errors, lint

    findings = lint(encode_json(body), source="<request>")
    if has_errors(findings):
        raise errors.LintError(findings)
    for finding in findings:
        log.info("lint %s at %s: %s", finding.code, finding.pointer or "/", finding.message)
    return list(findings)


def _plain_id(value: Any) -> str:
    """Ids may come straight from a response model (a RootModel around the string)."""
    return str(getattr(value, "root", value))


class _Facade:
    """What Client and AsyncClient add to the generated clients, written once for both.

    Sits before the generated class in the MRO, so its ``__init__`` feeds the generated one;
    the subclasses below only repeat the method signatures that differ in being async.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        private_key: str | bytes | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        lint: bool = True,
        validate_responses: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            private_key=private_key,
            timeout=timeout,
            max_retries=max_retries,
            validate_responses=validate_responses,
            **kwargs,
        )
        self.lint = lint

    def _maybe_lint(self, body: Any, validate: bool | None) -> None:
        if self.lint if validate is None else validate:
            lint_request(body)

    def _configuration_wait(self, config_id: Any, **kwargs: Any) -> tuple[Callable, dict]:
        config_id = _plain_id(config_id)
        return (
            lambda: self.get_flow_configuration(config_id),
            dict(
                machine=lifecycle().workflow_configuration,
                what=f"configuration {config_id}",
                **kwargs,
            ),
        )

    def _execution_wait(self, execution_id: Any, **kwargs: Any) -> tuple[Callable, dict]:
        execution_id = _plain_id(execution_id)
        return (
            lambda: self.get_flow_execution(execution_id),
            dict(
                machine=lifecycle().workflow_execution, what=f"execution {execution_id}", **kwargs
            ),
        )


class Client(_Facade, generated.Client):
    """Blocking client of Payments - Flows (see the module docstring)."""

    def create_flow_execution(
        self,
        body: CreateWorkflowExecutionRequest | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        validate: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> WorkflowExecution:
        """Create a workflow execution, after linting ``body`` (``validate=False`` skips it).

        Raises LintError, with the findings, without sending anything when lint finds errors.
        """
        self._maybe_lint(body, validate)
        return super().create_flow_execution(
            body, idempotency_key=idempotency_key, extra_headers=extra_headers, timeout=timeout
        )

    def wait_for_configuration(
        self,
        config_id: str,
        *,
        timeout: float = DEFAULT_CONFIGURATION_WAIT,
        on_poll: Callable[[WorkflowConfiguration], None] | None = None,
    ) -> WorkflowConfiguration:
        """Poll until the configuration is final; FlowFailed on VALIDATION_FAILED."""
        fetch, kwargs = self._configuration_wait(config_id, timeout=timeout, on_poll=on_poll)
        return wait_sync(fetch, self._sleep, **kwargs)

    def wait_for_execution(
        self,
        execution_id: str,
        *,
        until: str | Iterable[str] | None = None,
        timeout: float = DEFAULT_EXECUTION_WAIT,
        on_poll: Callable[[WorkflowExecution], None] | None = None,
    ) -> WorkflowExecution:
        """Poll until the execution reaches ``until`` (default: settled - final, or waiting for
        the launch); FlowFailed on a failed status, WaitTimeout when time runs out."""
        fetch, kwargs = self._execution_wait(
            execution_id, until=until, timeout=timeout, on_poll=on_poll
        )
        return wait_sync(fetch, self._sleep, **kwargs)


class AsyncClient(_Facade, generated.AsyncClient):
    """Asyncio client of Payments - Flows: the same methods as Client, awaitable."""

    async def create_flow_execution(
        self,
        body: CreateWorkflowExecutionRequest | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        validate: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> WorkflowExecution:
        """Create a workflow execution, after linting ``body`` (see Client)."""
        self._maybe_lint(body, validate)
        return await super().create_flow_execution(
            body, idempotency_key=idempotency_key, extra_headers=extra_headers, timeout=timeout
        )

    async def wait_for_configuration(
        self,
        config_id: str,
        *,
        timeout: float = DEFAULT_CONFIGURATION_WAIT,
        on_poll: Callable[[WorkflowConfiguration], None] | None = None,
    ) -> WorkflowConfiguration:
        """Poll until the configuration is final (see Client)."""
        fetch, kwargs = self._configuration_wait(config_id, timeout=timeout, on_poll=on_poll)
        return await wait_async(fetch, self._sleep, **kwargs)

    async def wait_for_execution(
        self,
        execution_id: str,
        *,
        until: str | Iterable[str] | None = None,
        timeout: float = DEFAULT_EXECUTION_WAIT,
        on_poll: Callable[[WorkflowExecution], None] | None = None,
    ) -> WorkflowExecution:
        """Poll until the execution reaches ``until`` (see Client)."""
        fetch, kwargs = self._execution_wait(
            execution_id, until=until, timeout=timeout, on_poll=on_poll
        )
        return await wait_async(fetch, self._sleep, **kwargs)
