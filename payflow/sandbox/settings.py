"""Settings of a sandbox instance (one plain object; the CLI and ``start()`` both build it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SandboxSettings"]


@dataclass
class SandboxSettings:
    """How a sandbox runs. Defaults suit tests and ``payflow demo``."""

    state_dir: Path | None = None  # None -> a fresh temporary dir, deleted on stop
    host: str = "127.0.0.1"
    port: int = 0  # 0 -> a free port
    api_key: str | None = None  # api_key + public_key_pem, or neither (dev credentials)
    public_key_pem: str | bytes | None = None
    latency_ms: int = 0  # added to every /v1 request
    fail_rate: float = 0.0  # share of /v1 requests answered 500/503 before processing
    rate_limit: float | None = None  # requests/second per API key; 429 + Retry-After above
    seed: int | None = None  # makes the random faults reproducible
    transition_delay: float = 0.05  # seconds between background lifecycle steps
    strict_auth: bool = False  # True -> JWT exp must be <= iat + 30 s (default 60 s)
    publish_credentials: bool = False  # True -> payflow.devcreds.publish(...) on start
    max_body_bytes: int = 1024 * 1024  # larger bodies get 413
    max_json_depth: int = 64  # deeper JSON bodies get 400
    clock_skew: float = 5.0  # seconds of clock difference tolerated on iat/exp
    idempotency_ttl: float = 24 * 3600.0

    def __post_init__(self) -> None:
        if (self.api_key is None) != (self.public_key_pem is None):
            raise ValueError("give both api_key and public_key_pem, or neither")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("rate_limit must be a positive number of requests per second")
        if self.latency_ms < 0 or self.transition_delay < 0:
            raise ValueError("latency_ms and transition_delay must not be negative")
        if self.state_dir is not None:
            self.state_dir = Path(self.state_dir)

    def __repr__(self) -> str:  # keep the API key out of logs
        return (
            f"SandboxSettings(state_dir={self.state_dir!r}, host={self.host!r}, "
            f"port={self.port!r}, api_key={'***' if self.api_key else None}, "
            f"latency_ms={self.latency_ms}, fail_rate={self.fail_rate}, "
            f"rate_limit={self.rate_limit}, seed={self.seed}, "
            f"transition_delay={self.transition_delay}, strict_auth={self.strict_auth})"
        )

    @property
    def max_token_lifetime(self) -> float:
        """Longest accepted exp - iat: the documented 30 s when strict, else what SDKs send."""
        return 30.0 if self.strict_auth else 60.0
