"""payflow: schema-first client, pre-submission linter and local sandbox for Fireblocks
Payments - Flows.

Sub-packages (all under this one namespace):

- ``payflow.schemas``   the JSON Schemas and lifecycle data (single source of truth)
- ``payflow.generated`` models and clients generated from them (never edited by hand)
- ``payflow.validator`` the pre-submission linter (``payflow lint``)
- ``payflow.codegen``   the generator behind ``scripts/generate`` and ``payflow codegen``
- ``payflow.cli``       the ``payflow`` command

Importing ``payflow`` itself is cheap: nothing heavy is imported until used.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Resolved on first use: importlib.metadata costs ~35 ms, a third of a one-file lint.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("payflow")
        except PackageNotFoundError:  # running from a checkout without installation
            return "0+unknown"
    raise AttributeError(f"module 'payflow' has no attribute {name!r}")
