"""Idempotency-Key handling: the same key with the same body within the TTL answers the first
response and acts once; with another body it is refused (422).

Keys are scoped per API user and per endpoint (method and path). The lookup, the action and the
stored response share one ``BEGIN IMMEDIATE`` transaction, so concurrent identical requests are
serialised by the database: the first acts, the rest find its response. Only successful (2xx)
responses are stored; a refused request leaves nothing behind and may be retried.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from payflow.sandbox.errors import ApiError
from payflow.sandbox.store import Store

__all__ = ["Outcome", "fingerprint", "run"]


@dataclass
class Outcome:
    status: int
    body: Any
    after_commit: Callable[[], None] | None = None
    replayed: bool = False


def fingerprint(document: Any) -> str:
    """Equal for bodies that mean the same JSON (whitespace and key order do not matter)."""
    canonical = (
        "" if document is None else json.dumps(document, sort_keys=True, separators=(",", ":"))
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run(
    store: Store,
    *,
    key: str | None,
    scope: str,
    document: Any,
    ttl: float,
    action: Callable[[Any], Outcome],
) -> Outcome:
    """Run ``action(db)`` inside one transaction, at most once per (scope, key, body)."""
    now = time.time()
    with store.tx() as db:
        if key is not None:
            known = store.idempotent_response(db, scope, key, now - ttl)
            if known is not None:
                stored_fingerprint, status, body = known
                if stored_fingerprint != fingerprint(document):
                    raise ApiError(
                        422,
                        "Idempotency-Key was already used with a different request body; "
                        "use a new key for a new request",
                    )
                return Outcome(status, body, replayed=True)
        outcome = action(db)
        if key is not None and 200 <= outcome.status < 300:
            store.remember_response(
                db, scope, key, fingerprint(document), outcome.status, outcome.body, now
            )
    if outcome.after_commit is not None:
        outcome.after_commit()
    return outcome
