"""Output formats, all behind :class:`~payflow.validator.reporters.base.Reporter`.

:data:`REPORTERS` (name -> class) is the one list: the CLI's ``--format`` choices come from it.
"""

from __future__ import annotations

from payflow.validator.reporters.base import Reporter
from payflow.validator.reporters.github import GithubReporter
from payflow.validator.reporters.json_format import JsonReporter
from payflow.validator.reporters.sarif import SarifReporter
from payflow.validator.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls for cls in (TextReporter, JsonReporter, SarifReporter, GithubReporter)
}

__all__ = ["REPORTERS", "Reporter"]
