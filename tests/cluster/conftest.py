"""A real 2-node OpenSearch cluster on 127.0.0.1 for the tests marked `cluster`.

The nodes come from the distribution scripts/cluster-install unpacks (.ci/run
installs it). Locally these tests are skipped unless asked for (`-m cluster`):
starting two JVMs costs ~30 s on two cores. Under CI (CI=true) they always
run, and a missing Java or distribution fails them instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from govsearch.backends.local import ClusterUnavailable, LocalCluster, cluster_home, distribution, java_home

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    asked = "cluster" in (config.getoption("-m") or "")
    if IN_CI or asked:
        return
    skip = pytest.mark.skip(reason="cluster tests start 2 OpenSearch nodes (~30 s): run `pytest -m cluster` "
                                   "(CI runs them)")
    for item in items:
        if item.get_closest_marker("cluster") is not None:
            item.add_marker(skip)


def _missing() -> str | None:
    try:
        java_home()
        distribution()
    except ClusterUnavailable as e:
        return str(e)
    return None


@pytest.fixture(scope="session", autouse=True)
def _state_home(tmp_path_factory):
    """Cluster engines keep local state (the import checkpoint, the crawl state) under
    $XDG_STATE_HOME: the tests' own, not the user's; the CLI's subprocesses inherit it."""
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(scope="session")
def cluster():
    """The running 2-node cluster (started once per test session, stopped after it)."""
    missing = _missing()
    if missing:
        if IN_CI:
            pytest.fail(f"CI must run the cluster tests: {missing}")
        pytest.skip(missing)
    reuse = os.environ.get("GOVSEARCH_TEST_CLUSTER_DIR")
    if reuse:
        # a cluster scripts/local-cluster started (its folder): no start-up per run while developing
        c = LocalCluster.load(Path(reuse))
        if c is None or not all(c.running()):
            pytest.fail(f"GOVSEARCH_TEST_CLUSTER_DIR={reuse}: no running local cluster there")
        yield c
        return
    runs = cluster_home() / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="pytest-", dir=runs))
    c = LocalCluster.start(run_dir, nodes=2)
    try:
        yield c
    finally:
        c.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def index_url(cluster):
    """A fresh index (the template installed by init_cluster) on the cluster; deleted afterwards."""
    from govsearch import init_cluster
    from govsearch.backends.client import Client
    name = f"t-{uuid.uuid4().hex[:10]}"
    url = f"opensearch://127.0.0.1:{cluster.nodes[0].http_port}/{name}"
    init_cluster(url)
    yield url
    client = Client(cluster.base)
    try:
        client.request("DELETE", f"/{name}", ok=(404,))
        client.request("DELETE", f"/_index_template/govsearch-{name}", ok=(404,))
    finally:
        client.close()
