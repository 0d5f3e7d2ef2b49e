"""payflow.validator: the pre-submission linter behind ``payflow lint``.

>>> from payflow.validator import lint, has_errors
>>> findings = lint(b'{"configId": "c", "params": []}')
>>> has_errors(findings)
True

Layers: strict parse (:mod:`.parse`) -> JSON Schema of the request shape (:mod:`.schema_check`)
-> rules (:mod:`.rules`, listed by code in :mod:`.registry`) -> reporters (:mod:`.reporters`).
Importing this package is cheap: no pydantic, httpx or openapi-core, and the Python
``jsonschema`` package only when a document fails and needs detailed diagnostics.
"""

from payflow.validator.config import ConfigError, Configuration, load_configuration
from payflow.validator.engine import LintResult, check, detect_schema_version, lint
from payflow.validator.findings import Finding, Severity, has_errors
from payflow.validator.parse import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "ConfigError",
    "Configuration",
    "Finding",
    "Limits",
    "LintResult",
    "Severity",
    "check",
    "detect_schema_version",
    "has_errors",
    "lint",
    "load_configuration",
]
