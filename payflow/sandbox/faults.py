"""Fault injection for testing clients: latency, random 500/503, a rate limit, and the
per-request ``X-Sandbox-Fault`` header.

``X-Sandbox-Fault: <status>[;retry-after=<seconds>][;times=<n>][;after]`` answers ``<status>``
for the first ``n`` (default 1) requests carrying the same header value and the same
Idempotency-Key (or, without one, the same method and path). With ``;after`` the request is
processed for real first and the fault replaces its response (the response lost on the way
back). Random faults (``fail_rate``) strike before processing; ``seed`` makes them repeatable.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

from payflow.sandbox.errors import ApiError

__all__ = ["FaultInjector", "FaultSpec", "parse_fault"]

HEADER = "x-sandbox-fault"


@dataclass(frozen=True)
class FaultSpec:
    status: int
    retry_after: str | None = None
    times: int = 1
    after: bool = False

    def error(self) -> ApiError:
        headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        return ApiError(
            self.status, f"fault injected by X-Sandbox-Fault ({self.status})", headers=headers
        )


def parse_fault(value: str) -> FaultSpec:
    """Parse the header; ApiError(400) when it is malformed."""
    parts = [p.strip() for p in value.split(";") if p.strip()]
    try:
        status = int(parts[0])
    except (IndexError, ValueError):
        raise ApiError(400, "X-Sandbox-Fault must start with an HTTP status, e.g. '503'") from None
    if not 400 <= status <= 599:
        raise ApiError(400, "X-Sandbox-Fault status must be between 400 and 599")
    retry_after: str | None = None
    times = 1
    after = False
    for part in parts[1:]:
        name, _, arg = part.partition("=")
        name = name.strip().lower()
        arg = arg.strip()
        if name == "after" and not arg:
            after = True
        elif name == "retry-after" and arg.isdigit():
            retry_after = arg
        elif name == "times" and arg.isdigit() and int(arg) >= 1:
            times = int(arg)
        else:
            raise ApiError(
                400,
                f"X-Sandbox-Fault: unknown or malformed option {part[:40]!r} "
                "(expected retry-after=<seconds>, times=<n>, after)",
            )
    return FaultSpec(status, retry_after, times, after)


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class FaultInjector:
    def __init__(
        self,
        *,
        latency_ms: int = 0,
        fail_rate: float = 0.0,
        rate_limit: float | None = None,
        seed: int | None = None,
    ) -> None:
        self.latency = latency_ms / 1000.0
        self.fail_rate = fail_rate
        self.rate_limit = rate_limit
        self._random = random.Random(seed)
        self._counts: dict[tuple[str, str], int] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def header_fault(
        self, value: str | None, idempotency_key: str | None, method: str, path: str
    ) -> FaultSpec | None:
        """The fault this request must get, if its X-Sandbox-Fault still applies to it."""
        if not value:
            return None
        spec = parse_fault(value)
        target = f"key:{idempotency_key}" if idempotency_key else f"{method} {path}"
        with self._lock:
            seen = self._counts.get((value, target), 0) + 1
            self._counts[(value, target)] = seen
        return spec if seen <= spec.times else None

    def random_fault(self) -> ApiError | None:
        if self.fail_rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self.fail_rate:
                return None
            status = self._random.choice((500, 503))
        if status == 503:
            return ApiError(
                503, "service unavailable (injected by --fail-rate)", headers={"Retry-After": "1"}
            )
        return ApiError(500, "internal error (injected by --fail-rate)")

    def check_rate(self, client: str, now: float | None = None) -> None:
        """Token bucket per API key: ``rate_limit`` requests per second, bursts up to it."""
        if self.rate_limit is None:
            return
        now = time.monotonic() if now is None else now
        capacity = max(1.0, self.rate_limit)
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * self.rate_limit)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = (1.0 - bucket.tokens) / self.rate_limit
        raise ApiError(
            429,
            f"rate limit of {self.rate_limit:g} requests per second exceeded",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
