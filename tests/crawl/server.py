"""Tiny programmable HTTP servers on 127.0.0.1 for crawler tests.

Each `Site` runs a ThreadingHTTPServer in a daemon thread and logs every
request it receives (path, arrival time, headers) so tests can assert what the
crawler did from the server's side.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Responder = Callable[["Handler"], None]


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        site = self.server.site
        with site.lock:
            site.hits.append(Hit(self.path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()}))
        fn = site.routes.get(self.path)
        if fn is None:
            fn = site.routes.get(self.path.split("?", 1)[0])
        if fn is None:
            fn = site.fallback
        if fn is None:
            self.send(404, b"not found")
            return
        try:
            fn(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send(self, status: int, body: bytes | str, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: Site

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # hostile handlers break their own sockets on purpose


def reset_connection(h: Handler) -> None:
    """Abort the TCP connection with an RST instead of answering."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


@dataclass
class Site:
    routes: dict[str, Responder] = field(default_factory=dict)
    fallback: Responder | None = None
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None

    def start(self) -> Site:
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.site = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def netloc(self) -> str:
        return self.base.split("//", 1)[1]

    def url(self, path: str) -> str:
        return self.base + path

    # --- route helpers ----------------------------------------------------------

    def page(self, path: str, body: bytes | str, status: int = 200, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.routes[path] = lambda h: h.send(status, body, ctype, headers)

    def route(self, path: str, fn: Responder) -> None:
        self.routes[path] = fn

    def robots(self, text: str) -> None:
        self.page("/robots.txt", text, ctype="text/plain")

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for h in self.hits if h.path == path)

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def article_html(title: str, body: str, links: list[str] = (), extra_head: str = "") -> str:  # type: ignore[assignment]
    anchors = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head>"
            f"<body><article><h1>{title}</h1><p>{body}</p></article><ul>{anchors}</ul></body></html>")


def listing_html(title: str, links: list[str], extra_head: str = "") -> str:
    anchors = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head>"
            f"<body><h2>{title}</h2><ul>{anchors}</ul></body></html>")
