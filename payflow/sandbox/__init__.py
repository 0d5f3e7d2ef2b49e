"""A local Payments - Flows server: the six endpoints under /v1, validated against
schemas/openapi.yaml, with Fireblocks JWT auth, the lifecycle of schemas/lifecycle.json run in
the background, idempotency keys, SQLite persistence and fault injection.

    from payflow.sandbox import start, create_app, SandboxSettings

    with start(SandboxSettings(transition_delay=0.01)) as sandbox:
        sandbox.base_url, sandbox.credentials, sandbox.stats()

Heavy imports (uvicorn, openapi-core) happen when a sandbox is created, not on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payflow.sandbox.settings import SandboxSettings

if TYPE_CHECKING:
    from payflow.sandbox.app import create_app
    from payflow.sandbox.server import Sandbox, start

__all__ = ["Sandbox", "SandboxSettings", "create_app", "start"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from payflow.sandbox.app import create_app

        return create_app
    if name in ("start", "Sandbox"):
        from payflow.sandbox import server

        return getattr(server, name)
    raise AttributeError(name)
