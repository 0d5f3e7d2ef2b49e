"""Retry policy: which failures are retried, and how long to wait before the next attempt.

Retried: connection errors and timeouts, 408, 429 and every 5xx. Never another 4xx: a refused
request stays refused, and retrying it could only hide a bug. POSTs are safe to retry because
the client sends the same Idempotency-Key on every attempt of one logical call.

The wait honours ``Retry-After`` (delta-seconds or an HTTP date), capped at MAX_RETRY_AFTER so a
hostile or broken server cannot stall a caller for hours; without it, exponential backoff from
INITIAL_RETRY_DELAY up to MAX_RETRY_DELAY with jitter (so clients that failed together do not
retry together).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "INITIAL_RETRY_DELAY",
    "JITTER",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "is_retryable_status",
    "parse_retry_after",
]

log = logging.getLogger("payflow.client")

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds
MAX_RETRY_DELAY = 8.0  # seconds, cap of the exponential backoff
MAX_RETRY_AFTER = 60.0  # seconds, cap of a server's Retry-After
JITTER = 0.25  # a backoff delay is reduced by up to this fraction at random
#: Retried statuses besides every 5xx.
RETRYABLE_STATUSES = frozenset({408, 429})


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


def parse_retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds from a ``Retry-After`` (or ``retry-after-ms``) header; None when absent/unusable."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - now(), 0.0)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: float = JITTER
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def delay(self, retries_done: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before retry number ``retries_done + 1``."""
        if headers is not None:
            after = parse_retry_after(headers)
            if after is not None:
                return min(after, self.max_retry_after)
        backoff = min(self.initial_delay * (2.0**retries_done), self.max_delay)
        return backoff * (1.0 - self.jitter * self.random())
