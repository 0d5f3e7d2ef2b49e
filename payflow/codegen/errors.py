"""The one error the generator raises: its message names the construct and where it is."""

from __future__ import annotations

__all__ = ["CodegenError"]


class CodegenError(RuntimeError):
    """The generator could not produce code; the message names the cause."""
