"""The search engine over a cluster index: the same plan as the embedded engine's, as OpenSearch's query.

`engine.ClusterEngine` (what `SearchEngine("opensearch://…")` gives), `query`
(a Plan as the query DSL), `frequencies` (the counts accent restoration reads).
The articles themselves are stored through govsearch.backends, which knows
nothing of searching.
"""

from __future__ import annotations

from .engine import ClusterEngine

__all__ = ["ClusterEngine"]
