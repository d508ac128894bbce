"""The index template (deploy/opensearch/index-template.json): installing it, and its schema version.

`govsearch cluster init URL` installs it as an index template for the index
the URL names, then creates the index; an index already there is checked,
never changed. An index another govsearch built (another schema version) is
refused with the rebuild message: its documents lack fields this one reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import IndexNotFoundError, InputError, SchemaVersionError
from . import ClusterURL, parse_cluster_url
from .client import Client, ClusterError

TEMPLATE_FILE = "index-template.json"


def template_path() -> Path:
    """deploy/opensearch/index-template.json of this checkout, or $GOVSEARCH_OPENSEARCH_TEMPLATE."""
    if os.environ.get("GOVSEARCH_OPENSEARCH_TEMPLATE"):
        return Path(os.environ["GOVSEARCH_OPENSEARCH_TEMPLATE"])
    return Path(__file__).resolve().parents[3] / "deploy" / "opensearch" / TEMPLATE_FILE


def template() -> dict[str, Any]:
    path = template_path()
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ClusterError(f"cannot read the index template {path}: {e}") from None


def schema_version() -> int:
    return int(template()["template"]["mappings"]["_meta"]["govsearch_schema"])


# what OpenSearch itself allows an index (index.number_of_shards is at most 1024)
MAX_SHARDS = 1024


def init_cluster(url: str | ClusterURL, *, shards: int | None = None,
                 replicas: int | None = None) -> dict[str, Any]:
    """Install the index template for the URL's index and create the index if missing (idempotent).

    `shards` and `replicas` override the template's (2 and 1) for a new index.
    An index already there keeps its shards (fixed at creation: a different
    number is refused, since only a new index and `migrate` can change it);
    its replicas are set to `replicas` when given (a live change).
    """
    where = url if isinstance(url, ClusterURL) else parse_cluster_url(url)
    if where is None:
        raise InputError(f"not a cluster URL: {url!r}")
    if shards is not None and not 1 <= shards <= MAX_SHARDS:
        raise InputError(f"shards must be between 1 and {MAX_SHARDS}, not {shards}")
    if replicas is not None and replicas < 0:
        raise InputError(f"replicas must be 0 or more, not {replicas}")
    tpl = template()
    body = {"index_patterns": [where.index], "priority": 100, "version": schema_version(),
            "template": tpl["template"]}
    layout = {k: v for k, v in (("number_of_shards", shards), ("number_of_replicas", replicas))
              if v is not None}
    client = Client(where.base)
    try:
        client.request("PUT", f"/_index_template/govsearch-{where.index}", body)
        created = client.request("PUT", f"/{where.index}", {"settings": {"index": layout}} if layout else {},
                                 ok=(400,))
        existed = created.get("status") == 400
        if existed:
            check_schema(client, where)
            _relayout(client, where, shards, replicas)
        # every primary allocated is what writes need; replicas follow (a
        # one-node cluster stays yellow: 408 after the timeout, reported as such)
        health = client.request("GET", f"/_cluster/health/{where.index}",
                                params={"wait_for_status": "yellow", "timeout": "60s"}, ok=(408,))
        if health.get("status") == 408:
            health = client.request("GET", f"/_cluster/health/{where.index}")
        return {"index": where.index, "created": not existed, "status": health.get("status"),
                "shards": health.get("active_primary_shards"), "copies": health.get("active_shards")}
    finally:
        client.close()


def _relayout(client: Client, where: ClusterURL, shards: int | None, replicas: int | None) -> None:
    """An existing index: refuse another shard count, set the replicas asked for."""
    if shards is None and replicas is None:
        return
    settings = client.request("GET", f"/{where.index}/_settings")
    index = next(iter(settings.values()))["settings"]["index"]
    if shards is not None and int(index["number_of_shards"]) != shards:
        raise InputError(f"index {where.index!r} has {index['number_of_shards']} shard(s), fixed when it was "
                         f"created: to use {shards}, init a new index and `govsearch migrate` into it")
    if replicas is not None and int(index["number_of_replicas"]) != replicas:
        client.request("PUT", f"/{where.index}/_settings", {"index": {"number_of_replicas": replicas}})


def check_schema(client: Client, where: ClusterURL) -> None:
    """IndexNotFoundError without the index; SchemaVersionError when another schema built it."""
    mapping: dict[str, Any] = client.request("GET", f"/{where.index}/_mapping", ok=(404,))
    if mapping.get("status") == 404:
        raise IndexNotFoundError(f"no index {where.index!r} at {where.base}: "
                                 f"run `govsearch cluster init {where}` first")
    first: dict[str, Any] = next(iter(mapping.values()), {})
    meta = (first.get("mappings") or {}).get("_meta") or {}
    found = meta.get("govsearch_schema")
    if found != schema_version():
        raise SchemaVersionError(f"index {where.index!r} at {where.base} has govsearch schema {found}, "
                                 f"this govsearch writes {schema_version()}: reindex into a new index")


__all__ = ["check_schema", "init_cluster", "schema_version", "template", "template_path"]
