"""The workflow configuration used by ``--config`` cross-checks (as GET
/payments/workflow_config/{configId} returns it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "ConfigOperation", "Configuration", "load_configuration"]

CONFIGURATION_SCHEMA = "workflow-configuration.schema.json"


class ConfigError(ValueError):
    """The configuration given for cross-checks cannot be used (unreadable, not JSON, or not
    a workflow configuration). A usage problem, not a finding about the request."""


@dataclass(frozen=True)
class ConfigOperation:
    operation_id: str
    type: str
    params: dict[str, Any]
    status: str | None = None


@dataclass(frozen=True)
class Configuration:
    config_id: str
    status: str | None
    operations: tuple[ConfigOperation, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def operation(self, operation_id: Any) -> ConfigOperation | None:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        return None


def load_configuration(config: Any) -> Configuration:
    """A :class:`Configuration` from a dict, JSON bytes, or a path (str or PathLike)."""
    if isinstance(config, Configuration):
        return config
    if isinstance(config, str | os.PathLike):
        try:
            data = Path(config).read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read configuration {config}: {exc.strerror}") from None
        return load_configuration(data)
    if isinstance(config, bytes | bytearray):
        from payflow.validator.parse import parse

        parsed = parse(bytes(config))
        problems = [f for f in parsed.findings if f.severity == "error"]
        if not parsed.usable or problems:
            first = problems[0] if problems else parsed.findings[0]
            raise ConfigError(
                f"configuration is not valid JSON: line {first.line}, column {first.column}: "
                f"{first.message}"
            )
        config = parsed.document
    if not isinstance(config, dict):
        raise ConfigError("configuration must be a JSON object (a workflow configuration)")
    from payflow.validator.schema_check import is_valid, validator_for

    if not is_valid(config, CONFIGURATION_SCHEMA):
        error = next(iter(validator_for(CONFIGURATION_SCHEMA).iter_errors(config)), None)
        where = "/".join(str(p) for p in error.instance_path) if error else ""
        detail = f"at /{where}: {error.message}" if error else ""
        raise ConfigError(f"not a workflow configuration {detail}".rstrip())
    operations = tuple(
        ConfigOperation(
            operation_id=op["operationId"],
            type=op["type"],
            params=dict(op.get("params") or {}),
            status=op.get("status"),
        )
        for op in config["configOperations"]
    )
    return Configuration(
        config_id=config["configId"], status=config.get("status"), operations=operations, raw=config
    )
