"""Web test fixtures: an app over a small index, through FastAPI's TestClient."""

from __future__ import annotations

import socket
import warnings

import pytest

from govsearch import SearchEngine
from govsearch.web import create_app

from .data import web_articles

with warnings.catch_warnings():
    # Starlette deprecates httpx for its TestClient in favour of httpx2; the API is the same.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def web_engine(tmp_path) -> SearchEngine:
    engine = SearchEngine(tmp_path / "webix")
    engine.add_many(web_articles())
    yield engine
    engine.close()


@pytest.fixture
def client(web_engine) -> TestClient:
    with TestClient(create_app(engine=web_engine)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
