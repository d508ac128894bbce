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


def init_cluster(url: str | ClusterURL) -> dict[str, Any]:
    """Install the index template for the URL's index and create the index if missing (idempotent)."""
    where = url if isinstance(url, ClusterURL) else parse_cluster_url(url)
    if where is None:
        raise InputError(f"not a cluster URL: {url!r}")
    tpl = template()
    body = {"index_patterns": [where.index], "priority": 100, "version": schema_version(),
            "template": tpl["template"]}
    client = Client(where.base)
    try:
        client.request("PUT", f"/_index_template/govsearch-{where.index}", body)
        created = client.request("PUT", f"/{where.index}", {}, ok=(400,))
        existed = created.get("status") == 400
        if existed:
            check_schema(client, where)
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
