"""Running the sandbox: uvicorn in a background thread, on a loopback port.

``start(settings)`` returns once the server accepts connections; the returned ``Sandbox`` is a
context manager whose exit (or ``stop()``) shuts the server down cleanly, waits for the
background lifecycle tasks to stop and removes a temporary state dir.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from payflow import devcreds
from payflow.sandbox.app import SandboxCore, create_app
from payflow.sandbox.settings import SandboxSettings

__all__ = ["Sandbox", "start"]

_START_TIMEOUT = 30.0


class Sandbox:
    """A running sandbox server."""

    def __init__(self, settings: SandboxSettings) -> None:
        import uvicorn

        self.settings = settings
        self._core = SandboxCore(settings)
        self.app = create_app(core=self._core)
        try:
            self._socket = _bind(settings.host, settings.port)
        except OSError:
            self._core.close()
            raise
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            daemon=True,
            name=f"payflow-sandbox-{self.port}",
        )
        self._published: Path | None = None
        self._stopped = False

    # -- lifecycle ---------------------------------------------------------------------------

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                self._core.close()
                raise RuntimeError(f"the sandbox failed to start on {self.base_url}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not start within {_START_TIMEOUT:.0f} s")
            time.sleep(0.01)
        if self.settings.publish_credentials and self.credentials is not None:
            self._published = devcreds.publish(self.credentials)

    def stop(self) -> None:
        """Stop serving, finish background tasks, close the database; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self._socket.close()
        if self._published is not None:
            _unpublish(self.credentials)
        self._core.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what callers use --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/v1"

    @property
    def state_dir(self) -> Path:
        return self._core.state_dir

    @property
    def credentials(self) -> devcreds.DevCredentials | None:
        """The dev credentials (None when started with an explicit API key)."""
        key = self._core.dev_key
        if key is None:
            return None
        return devcreds.DevCredentials(
            base_url=self.base_url, api_key=key.api_key, private_key_path=key.private_key_path
        )

    @property
    def transition_delay(self) -> float:
        """Seconds between background lifecycle steps; settable while running (e.g. a large
        value holds objects in their current status so a test can act on it)."""
        return self._core.engine.delay

    @transition_delay.setter
    def transition_delay(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("transition_delay must not be negative")
        self._core.engine.delay = float(seconds)

    @property
    def published_to(self) -> Path | None:
        return self._published

    def register_api_key(self, api_key: str, public_key_pem: str | bytes) -> None:
        """Add another API user (ValueError when the key is not an RSA public key PEM)."""
        self._core.keys.register(api_key, public_key_pem)

    def stats(self) -> dict[str, int]:
        """Counts of configurations/executions created and launched, and ledger entries."""
        return self._core.store.stats()

    def balances(self) -> dict[str, dict[str, Decimal]]:
        """Every account's balances (the demo accounts, one-time addresses paid, fees)."""
        return self._core.store.balances()

    def ledger(self, execution_id: str | None = None) -> list[dict[str, Any]]:
        """Money movements, optionally of one execution."""
        return self._core.store.ledger(execution_id)

    def __repr__(self) -> str:
        return f"Sandbox(base_url={self.base_url!r}, state_dir={str(self.state_dir)!r})"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it Nagle + delayed ACK add ~40 ms per response.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _unpublish(creds: devcreds.DevCredentials | None) -> None:
    """Remove the pointer file if it still names this sandbox (another may have replaced it)."""
    current = devcreds.read_published()
    if creds is None:
        return
    raw_path = devcreds.pointer_path()
    if current is None or (
        current.base_url == creds.base_url and current.private_key_path == creds.private_key_path
    ):
        with contextlib.suppress(OSError):
            raw_path.unlink()


def start(settings: SandboxSettings | None = None) -> Sandbox:
    """Start a sandbox in a background thread; returns once it accepts connections."""
    sandbox = Sandbox(settings or SandboxSettings())
    sandbox._start()
    return sandbox
