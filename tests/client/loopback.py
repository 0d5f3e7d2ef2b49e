"""A tiny real HTTP server on 127.0.0.1 for generated-client tests (stdlib http.server).

It records every request (method, raw path, headers, body) and answers with a handler
``(method, path, query, headers, body) -> (status, headers, body bytes)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    raw_path: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Seen], tuple[int, dict[str, str], bytes]]


@dataclass
class Server:
    base_url: str
    seen: list[Seen]


@contextmanager
def serve(handler: Handler) -> Iterator[Server]:
    seen: list[Seen] = []

    class _H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            record = Seen(
                self.command,
                self.path,
                split.path,
                parse_qs(split.query),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            seen.append(record)
            status, headers, payload = handler(record)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/v1", seen)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
