"""``payflow sandbox``: run the local Payments - Flows server until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run a local Payments - Flows server (real auth, lifecycle, idempotency)",
        description="Serve the six Payments - Flows endpoints under /v1 on this machine, with "
        "Fireblocks JWT auth, the workflow lifecycle running in the background, "
        "Idempotency-Key support, SQLite persistence and fault injection. Without "
        "--api-key/--public-key it creates dev credentials in the state dir and publishes "
        "where they are, so `payflow` commands and payflow.client.Client() find them.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8088, help="port (0: any free port)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keep the database and dev credentials here (default: a temporary dir, "
        "deleted on exit); restarting on the same dir keeps everything",
    )
    parser.add_argument("--api-key", help="register this API key (with --public-key)")
    parser.add_argument(
        "--public-key", type=Path, metavar="PEM", help="the API key's RSA public key file"
    )
    parser.add_argument(
        "--latency-ms", type=int, default=0, metavar="N", help="add N ms to every request"
    )
    parser.add_argument(
        "--fail-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="answer this share (0..1) of requests with 500/503",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        metavar="N",
        help="allow N requests per second per API key; 429 + Retry-After above",
    )
    parser.add_argument("--seed", type=int, help="seed for reproducible random faults")
    parser.add_argument(
        "--strict-auth",
        action="store_true",
        help="require JWT exp - iat <= 30 s, as documented (default allows 60 s)",
    )
    parser.add_argument(
        "--transition-delay",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="delay between background lifecycle steps (default: 0.5)",
    )
    parser.set_defaults(run=run)


def _fail(message: str, status: int = 2) -> int:
    print(f"payflow sandbox: {message}", file=sys.stderr)
    return status


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from payflow.sandbox import SandboxSettings, start

    if (args.api_key is None) != (args.public_key is None):
        return _fail("give --api-key and --public-key together, or neither")
    public_key = None
    if args.public_key is not None:
        try:
            public_key = args.public_key.read_bytes()
        except OSError as exc:
            return _fail(f"cannot read --public-key {args.public_key}: {exc.strerror}")
    if not 0 <= args.port <= 65535:
        return _fail("--port must be between 0 and 65535")
    try:
        settings = SandboxSettings(
            state_dir=args.state_dir,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            public_key_pem=public_key,
            latency_ms=args.latency_ms,
            fail_rate=args.fail_rate,
            rate_limit=args.rate_limit,
            seed=args.seed,
            transition_delay=args.transition_delay,
            strict_auth=args.strict_auth,
            publish_credentials=True,
        )
    except ValueError as exc:
        return _fail(str(exc))
    try:
        sandbox = start(settings)
    except ValueError as exc:  # e.g. a public key that is not RSA PEM
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1)

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        _banner(sandbox, settings)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    print("payflow sandbox: stopped", flush=True)
    return 0


def _banner(sandbox: object, settings: object) -> None:
    from payflow.sandbox.server import Sandbox

    assert isinstance(sandbox, Sandbox)
    lines = [
        f"payflow sandbox listening on {sandbox.base_url}",
        f"  state dir: {sandbox.state_dir}"
        + ("  (temporary: deleted on exit)" if settings.state_dir is None else ""),  # type: ignore[attr-defined]
    ]
    creds = sandbox.credentials
    if creds is not None:
        dev_key = sandbox.state_dir / "dev-api-key"
        lines += [
            "  dev credentials (created for this state dir):",
            f"    API key:     {dev_key}",
            f"    private key: {creds.private_key_path}  (mode 0600)",
        ]
        if sandbox.published_to is not None:
            lines += [
                f"  published to {sandbox.published_to}: payflow.client.Client() and `payflow` "
                "commands use this sandbox when nothing else is configured.",
            ]
        lines += [
            "  or configure any client explicitly:",
            f"    export FIREBLOCKS_BASE_URL={sandbox.base_url}",
            f'    export FIREBLOCKS_API_KEY="$(cat {dev_key})"',
            f"    export FIREBLOCKS_SECRET_KEY={creds.private_key_path}",
        ]
    else:
        lines.append("  API key: the one given with --api-key")
    lines.append("  stop with Ctrl-C")
    print("\n".join(lines), flush=True)
