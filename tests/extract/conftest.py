"""Fixtures for extraction tests: the fixture portals served over HTTP, and their ground truth."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixtures.portals.server import PORTALS, PortalSite, start_portal  # noqa: E402

TRUTH: dict[str, dict] = json.loads((PORTALS / "truth.json").read_text("utf-8"))
SHARED = ROOT.parent / "shared"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    """GET url; (status, body, headers) without raising on 4xx/3xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


@pytest.fixture(scope="session")
def portals() -> Iterator[dict[str, PortalSite]]:
    """Every fixture portal running on its own ephemeral port, keyed by family."""
    sites = {family: start_portal(PORTALS / family) for family in TRUTH}
    try:
        yield sites
    finally:
        for site in sites.values():
            site.stop()
