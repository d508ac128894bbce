"""Which --index values name a cluster (no cluster needed: these run in the default test run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsearch import InputError
from govsearch.backends import cluster_of, parse_cluster_url

from ..test_cli import run


def test_a_cluster_url_in_both_spellings_and_from_the_environment(monkeypatch):
    url = parse_cluster_url("opensearch://127.0.0.1:9201/GovSearch")
    assert (url.host, url.port, url.index, url.base) == ("127.0.0.1", 9201, "govsearch", "http://127.0.0.1:9201")
    assert parse_cluster_url(Path("opensearch://127.0.0.1:9201/govsearch")) == url  # Path keeps one slash
    assert parse_cluster_url("opensearch://search.example/idx").port == 9200
    assert parse_cluster_url("index") is None and parse_cluster_url("/srv/opensearch/index") is None
    monkeypatch.setenv("GOVSEARCH_INDEX", "opensearch://h:1/i")
    assert cluster_of(None) == parse_cluster_url("opensearch://h:1/i")
    assert cluster_of("ix") is None


@pytest.mark.parametrize("bad", ["opensearch://", "opensearch://host:port/ix", "opensearch://h:1/a/b"])
def test_a_malformed_cluster_url_is_an_input_error(bad):
    with pytest.raises(InputError):
        parse_cluster_url(bad)


def test_the_cli_says_a_malformed_url_in_one_line():
    p = run("query", "dân", "--index", "opensearch://host:port/ix", check_code=2)
    assert "not a cluster URL" in p.stderr and "Traceback" not in p.stderr
    p = run("cluster", "init", "opensearch:/", check_code=2)
    assert "not a cluster URL" in p.stderr
