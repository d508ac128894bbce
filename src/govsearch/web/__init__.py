"""The web front end: a search page, a JSON API and its OpenAPI docs.

    from govsearch.web import create_app
    app = create_app("index")                 # serves ./index
    app = create_app(engine=my_engine)        # or an engine you already hold

`govsearch serve` runs `create_app` under uvicorn.
"""

from .app import create_app
from .holder import EngineHolder, IndexUnavailable

__all__ = ["EngineHolder", "IndexUnavailable", "create_app"]
