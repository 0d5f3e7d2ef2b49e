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

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("payflow")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
