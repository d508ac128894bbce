"""`govsearch check` on a cluster URL: is the cluster up, the index there, of our schema, and how full.

The cluster checks its own files (Lucene checksums, replicas): what govsearch
can see from outside is its health, whether the index exists with the
mapping this govsearch writes, whether the index template `cluster init`
installed is there (a recreated index takes it), and the document count.
Read-only, safe beside an import, a crawl or a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import ClusterURL
from .client import Client, ClusterError


@dataclass(slots=True)
class ClusterCheck:
    url: str
    reachable: bool = False
    status: str | None = None          # the index's health: green, yellow, red
    nodes: int | None = None
    exists: bool = False
    schema_version: int | None = None
    expected_schema_version: int | None = None
    template_version: int | None = None
    documents: int | None = None
    shards: int | None = None          # active primaries
    copies: int | None = None          # active shard copies, primaries included
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.reachable and self.exists and not self.problems

    def line(self) -> str:
        """The one line `govsearch check` prints for a healthy index."""
        return (f"index {self.url} is readable: {self.documents:,} documents, cluster {self.status} "
                f"({self.nodes} nodes, {self.shards} shards, {self.copies} shard copies), schema version "
                f"{self.schema_version}, template version {self.template_version}")

    def hint(self) -> str:
        if not self.reachable:
            return "start the cluster, or check the URL's host and port"
        if not self.exists:
            return f"create it: `govsearch cluster init {self.url}`"
        if self.schema_version != self.expected_schema_version:
            return (f"reindex: `govsearch migrate --from {self.url} --to NEW_URL` with the govsearch that "
                    f"built it, or import your JSONL into a new index")
        return "see the cluster's own logs and `_cluster/allocation/explain`"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.url, "ok": self.ok, "reachable": self.reachable, "status": self.status,
                "nodes": self.nodes, "exists": self.exists, "schema_version": self.schema_version,
                "expected_schema_version": self.expected_schema_version,
                "template_version": self.template_version, "documents": self.documents,
                "shards": self.shards, "copies": self.copies, "problems": self.problems,
                "notes": self.notes, "rebuild": None if self.ok else self.hint()}


def check_cluster(where: ClusterURL) -> ClusterCheck:
    """Check the index `where` names; never raises for what it finds (see ClusterCheck.problems)."""
    from .template import schema_version

    result = ClusterCheck(str(where), expected_schema_version=schema_version())
    client = Client(where.base, retries=1, timeout=10.0, discover=False)
    try:
        try:
            health = client.request("GET", "/_cluster/health")
        except ClusterError as e:
            result.problems.append(f"the cluster does not answer: {e}")
            return result
        result.reachable = True
        result.nodes = health.get("number_of_nodes")
        tpl = client.request("GET", f"/_index_template/govsearch-{where.index}", ok=(404,))
        found = (tpl.get("index_templates") or [{}])[0].get("index_template") or {}
        result.template_version = found.get("version")
        exists = client.request("HEAD", f"/{where.index}", ok=(404,)).get("status") != 404
        if result.template_version is None and exists:
            result.notes.append(f"no govsearch index template for {where.index!r}: an index recreated "
                                f"under this name would not get govsearch's fields")
        elif result.template_version is not None and result.template_version != result.expected_schema_version:
            result.notes.append(f"the index template is of schema {result.template_version}, this govsearch "
                                f"writes {result.expected_schema_version}")
        mapping = client.request("GET", f"/{where.index}/_mapping", ok=(404,))
        if mapping.get("status") == 404:
            result.problems.append(f"no index {where.index!r} on the cluster")
            return result
        result.exists = True
        first: dict[str, Any] = next(iter(mapping.values()), {})
        meta = (first.get("mappings") or {}).get("_meta") or {}
        result.schema_version = meta.get("govsearch_schema")
        if result.schema_version != result.expected_schema_version:
            result.problems.append(f"the index has govsearch schema {result.schema_version}, this govsearch "
                                   f"reads {result.expected_schema_version}")
        mine = client.request("GET", f"/_cluster/health/{where.index}")
        result.status = mine.get("status")
        result.shards, result.copies = mine.get("active_primary_shards"), mine.get("active_shards")
        if result.status == "red":
            result.problems.append(f"{mine.get('unassigned_shards')} shard copies unassigned, a primary among "
                                   f"them: some documents cannot be read or written")
        elif result.status == "yellow":
            result.notes.append(f"{mine.get('unassigned_shards')} replica copies unassigned (a node is down, "
                                f"or the cluster has fewer nodes than copies): every document is readable")
        if result.status != "red":
            result.documents = int(client.request("GET", f"/{where.index}/_count")["count"])
    except ClusterError as e:
        result.problems.append(str(e))
    finally:
        client.close()
    return result
