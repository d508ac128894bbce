"""Security headers on every response, as an ASGI middleware (it sees error pages and static files too).

Our own pages run no script at all, so their policy forbids scripts outright.
Swagger UI (/docs) starts from one inline <script> that FastAPI writes; rather
than allow every inline script there, that page's policy names the hash of
the scripts in the page we are sending. The page is built from the app's own
settings (title, the OpenAPI URL under the mount's root path), never from the
request, so hashing what is in it cannot bless injected script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
FIXED_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def script_hashes(html: bytes) -> list[str]:
    """CSP source expressions ('sha256-...') for each inline <script> in `html`."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for body in _INLINE_SCRIPT.findall(html)]


def docs_csp(hashes: Iterable[str]) -> str:
    """Swagger UI: its bundle and CSS from this server, its inline start-up script by hash,
    the OpenAPI JSON and "Try it out" requests to this server only."""
    return ("default-src 'self'; script-src 'self' " + " ".join(hashes) + "; object-src 'none'; "
            "img-src 'self' data:; style-src 'self'; connect-src 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")


class SecurityHeaders:
    """Adds CSP, X-Content-Type-Options and X-Frame-Options; `docs_paths` get the Swagger UI policy."""

    def __init__(self, app: ASGIApp, *, docs_paths: Iterable[str]) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", "") or "") or "/"
        if path in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with(message.get("headers", []), PAGE_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The docs page is a few KB: hold it back until its body is known, then hash its scripts.
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            start["headers"] = _with(start.get("headers", []), docs_csp(script_hashes(bytes(body))))
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, buffer)


def _with(headers: Iterable[tuple[bytes, bytes]], csp: str) -> list[tuple[bytes, bytes]]:
    ours = {name for name, _ in FIXED_HEADERS} | {b"content-security-policy"}
    kept = [(k, v) for k, v in headers if k.lower() not in ours]
    return kept + FIXED_HEADERS + [(b"content-security-policy", csp.encode())]
