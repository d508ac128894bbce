"""A small JSON-over-HTTP client for an OpenSearch cluster: every node, retries, backoff.

A request goes to one node; when that node cannot be reached (refused,
reset, timed out) the next node is tried, so a cluster that lost a node keeps
answering. 429 (the node's queues are full) and 502/503/504 (a node going
away, a shard not yet allocated) are retried with exponential backoff and
jitter, up to `retries` times; any other error status raises ClusterError at
once with the cluster's own reason. The nodes are the URL's host plus those
the cluster reports (`_nodes/http`), read when the client opens.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpx

from ..errors import IndexStoreError

RETRY_STATUS = frozenset({429, 502, 503, 504})


class ClusterError(IndexStoreError):
    """The cluster could not be reached, or refused a request."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Client:
    def __init__(self, base: str, *, timeout: float = 30.0, retries: int = 6,
                 backoff: float = 0.25, max_backoff: float = 8.0, discover: bool = True) -> None:
        self.nodes = [base.rstrip("/")]
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._http = httpx.Client(timeout=timeout, headers={"content-type": "application/json"})
        self._lock = threading.Lock()
        self._next = 0
        if discover:
            self.discover()

    def discover(self) -> None:
        """Add every node the cluster publishes an HTTP address for (a failure keeps what we have)."""
        try:
            info = self.request("GET", "/_nodes/http", retries=1)
        except ClusterError:
            return
        found = []
        for node in (info.get("nodes") or {}).values():
            addr = (node.get("http") or {}).get("publish_address")
            if addr:
                found.append("http://" + addr.rsplit("/", 1)[-1])
        with self._lock:
            for base in found:
                if base not in self.nodes:
                    self.nodes.append(base)

    def _pick(self, attempt: int) -> str:
        with self._lock:
            return self.nodes[(self._next + attempt) % len(self.nodes)]

    def _failed(self, base: str) -> None:
        # the next request starts on another node
        with self._lock:
            if self.nodes[self._next % len(self.nodes)] == base:
                self._next = (self._next + 1) % len(self.nodes)

    def request(self, method: str, path: str, body: Any = None, *, params: dict | None = None,
                ndjson: Iterable[dict] | None = None, retries: int | None = None,
                ok: Iterable[int] = ()) -> Any:
        """The decoded JSON answer; statuses in `ok` are returned as {"status": N} instead of raising."""
        content = None
        if ndjson is not None:
            content = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in ndjson).encode()
        elif body is not None:
            content = json.dumps(body, ensure_ascii=False).encode()
        headers = {"content-type": "application/x-ndjson"} if ndjson is not None else None
        tries = self.retries if retries is None else retries
        ok = set(ok)
        last = ""
        for attempt in range(tries + 1):
            base = self._pick(attempt)
            try:
                r = self._http.request(method, base + path, content=content, params=params, headers=headers)
            except httpx.TransportError as e:
                self._failed(base)
                last = f"{base}: {type(e).__name__}: {e}"
                # another node may answer at once; pause only once all were tried
                if (attempt + 1) % len(self.nodes) == 0:
                    self._sleep(attempt)
                continue
            if r.status_code in ok:
                return {"status": r.status_code}
            if r.status_code in RETRY_STATUS and attempt < tries:
                last = f"{base}: HTTP {r.status_code}"
                if r.status_code != 429:
                    self._failed(base)
                self._sleep(attempt)
                continue
            if r.status_code >= 400:
                raise ClusterError(f"{method} {path}: HTTP {r.status_code}: {_reason(r)}", r.status_code)
            return r.json() if r.content else {}
        raise ClusterError(f"{method} {path}: the cluster did not answer after {tries + 1} tries ({last})")

    def _sleep(self, attempt: int) -> None:
        delay = min(self.max_backoff, self.backoff * 2 ** attempt)
        time.sleep(delay * (0.5 + random.random() / 2))

    def close(self) -> None:
        self._http.close()


def _reason(r: httpx.Response) -> str:
    try:
        err = r.json().get("error")
    except ValueError:
        return r.text[:200]
    if isinstance(err, dict):
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type')}: {root.get('reason')}"
    return str(err)[:200]
