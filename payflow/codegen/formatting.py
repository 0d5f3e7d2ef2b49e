"""Format generated Python the way the repository's `ruff format` (line length 100) does.

black ships with datamodel-code-generator (pinned), so formatting needs nothing extra and is
the same on every machine; at line length 100 its output is what `ruff format --check` wants.
"""

from __future__ import annotations

from payflow.codegen.errors import CodegenError

__all__ = ["LINE_LENGTH", "format_python"]

LINE_LENGTH = 100


def format_python(source: str, *, name: str = "<generated>") -> str:
    import black

    mode = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
    try:
        return black.format_str(source, mode=mode)
    except Exception as exc:  # black raises several types; all mean the generator erred
        raise CodegenError(f"generated code for {name} does not parse: {exc}") from None
