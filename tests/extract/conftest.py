"""Fixtures for extraction tests: every fixture portal served over HTTP for the whole session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    # The fixture portals live under tests/fixtures, importable as a namespace package from the repo root.
    sys.path.insert(0, str(ROOT))

from tests.fixtures.portals.server import PORTALS, PortalSite, load_truth, start_portal  # noqa: E402


@pytest.fixture(scope="session")
def portals() -> Iterator[dict[str, PortalSite]]:
    """Every fixture portal running on its own ephemeral port, keyed by family."""
    sites = {family: start_portal(PORTALS / family) for family in load_truth()}
    try:
        yield sites
    finally:
        for site in sites.values():
            site.stop()
