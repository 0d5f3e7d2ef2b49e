"""Which schema each example file is an instance of, by the file name's first part."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_SCHEMAS = {
    "configuration-request": "workflow-configuration-request.schema.json",
    "configuration": "workflow-configuration.schema.json",
    "execution-request.v1": "workflow-execution-request.v1.schema.json",
    "execution-request.v2": "workflow-execution-request.v2.schema.json",
    "execution": "workflow-execution.schema.json",
    "error": "error-response.schema.json",
}


def schema_of(path: Path) -> str:
    """The schema file of an example, e.g. ``execution-request.v2.docs.json`` -> v2 request."""
    name = path.name
    for prefix in sorted(EXAMPLE_SCHEMAS, key=len, reverse=True):
        if name.startswith(prefix + "."):
            return EXAMPLE_SCHEMAS[prefix]
    raise LookupError(f"example {name} names no known schema")
