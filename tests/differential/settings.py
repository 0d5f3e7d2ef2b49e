"""Example counts: the CI defaults times PAYFLOW_FUZZ_SCALE (e.g. 20 for the nightly run)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["SCALE", "examples"]

SCALE = max(1, int(os.environ.get("PAYFLOW_FUZZ_SCALE", "1")))


def examples(count: int) -> settings:
    """Hypothesis settings for ``count`` examples (scaled), no deadline (the sandbox judge
    signs a JWT per example), no example database (runs do not depend on earlier runs)."""
    return settings(
        max_examples=count * SCALE,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
