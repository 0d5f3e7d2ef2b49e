"""The datamodel-code-generator options payflow generates with.

Passed explicitly on every run, since the tool's defaults change between versions; the same
table is written out in pyproject.toml under [tool.datamodel-codegen] (a test keeps them equal).
"""

from __future__ import annotations

DATAMODEL_CODEGEN_OPTIONS: dict[str, object] = {
    "input-file-type": "jsonschema",
    "output-model-type": "pydantic_v2.BaseModel",
    "target-python-version": "3.11",
    "disable-timestamp": True,
    "use-annotated": True,
    "field-constraints": True,
    "use-standard-collections": True,
    "use-union-operator": True,
    "use-double-quotes": True,
    "use-title-as-name": True,
    "enum-field-as-literal": "one",
    # Inline single-value root models (ids, decimal strings, unions) into the fields that use
    # them: `execution.executionId` is a str and `execution.executionOperations[0]` the
    # operation itself, not wrappers needing `.root`; constraints stay on the fields.
    "collapse-root-models": True,
    # JSON types exactly as the schema says: no "100" for an integer, no 0/1 for a boolean,
    # no number for a string (pydantic's lax mode would convert them silently, while the
    # linter and the sandbox refuse them).
    "strict-types": ["str", "int", "bool"],
    # Optional members may be absent, never null (see payflow/schema_model.py).
    "base-class": "payflow.schema_model.SchemaModel",
    "formatters": ["builtin"],
}


def as_arguments(options: dict[str, object]) -> list[str]:
    """Turn an options table into datamodel-codegen command-line arguments."""
    args: list[str] = []
    for name, value in options.items():
        if value is True:
            args.append(f"--{name}")
        elif value is False or value is None:
            continue
        elif isinstance(value, list):
            args.append(f"--{name}")
            args.extend(str(v) for v in value)
        else:
            args.extend([f"--{name}", str(value)])
    return args


#: For OpenAPI input (clients of other services): component names, not titles, name the
#: classes, so the client can refer to ``models.<Component>``.
OPENAPI_OPTIONS: dict[str, object] = {
    **{
        k: v
        for k, v in DATAMODEL_CODEGEN_OPTIONS.items()
        # other services' schemas may have nullable members and lax servers: plain pydantic
        if k not in ("use-title-as-name", "base-class", "strict-types")
    },
    "input-file-type": "openapi",
}
