"""Storage beyond the embedded index: a search cluster (OpenSearch).

What stores articles and talks to the cluster: the client, the documents,
their copy groups, the index template, the store, `check`, `migrate`, a
local cluster. Searching a cluster index is the search package's
(`search/cluster`); nothing here imports it (tests/cluster/test_import_direction.py).

`SearchEngine(url)` with an `opensearch://host:port/index` URL gives the
cluster-backed engine (`search.cluster.ClusterEngine`); this module only
tells a URL from a folder, so `import govsearch` loads no cluster code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# Path("opensearch://h:1/i") keeps one slash: accept both spellings.
_URL_RE = re.compile(r"^opensearch:/{1,2}(?P<host>[^/:]+)(?::(?P<port>\d+))?/(?P<index>[^/]+)/?$")


@dataclass(frozen=True, slots=True)
class ClusterURL:
    host: str
    port: int
    index: str

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"opensearch://{self.host}:{self.port}/{self.index}"


def is_cluster_url(value: object) -> bool:
    return str(value).startswith("opensearch:")


def parse_cluster_url(value: object) -> ClusterURL | None:
    """The cluster a --index value names, or None for a folder."""
    text = str(value)
    if not is_cluster_url(text):
        return None
    m = _URL_RE.match(text)
    if m is None:
        from ..errors import InputError
        raise InputError(f"not a cluster URL: {text!r} (expected opensearch://HOST:PORT/INDEX)")
    return ClusterURL(m["host"], int(m["port"] or 9200), m["index"].lower())


def cluster_of(path: object) -> ClusterURL | None:
    """What SearchEngine(path) opens when it is a cluster: path, else $GOVSEARCH_INDEX."""
    if path is None:
        path = os.environ.get("GOVSEARCH_INDEX") or None
    return None if path is None else parse_cluster_url(path)
