"""The FastAPI app: routes, and the mapping of errors to HTTP statuses.

Routes stay thin: parameters go through `params`, the search through the
engine, formatting through `view`. Search routes are plain `def`, so FastAPI
runs them in its thread pool and a slow query never blocks the event loop
(SearchEngine is thread-safe and refreshes to see new commits).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..search import SearchEngine
from ..search.engine import MAX_LIMIT
from .holder import EngineHolder, IndexUnavailable
from .params import DATE_FORMATS, DEFAULT_LIMIT, MAX_PAGE, ParamError, SearchParams, parse_params, run_search
from .view import SearchView, input_date, number, search_view

HERE = Path(__file__).parent
API_PREFIX = "/api"

DESCRIPTION = """Search Vietnamese government news.

`/api/search` returns exactly what `govsearch query --json` prints. Errors are
`{"error": message}` with a 4xx status (503 while the index does not exist yet).
"""


def create_app(index: str | os.PathLike | None = None, *, engine: SearchEngine | None = None) -> FastAPI:
    """The web app over the index at `index` (default $GOVSEARCH_INDEX or ./index), or over `engine`."""
    holder = EngineHolder(index, engine=engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    # FastAPIOffline serves Swagger UI's assets from the package: /docs works without a CDN.
    app = FastAPIOffline(title="govsearch", version=__version__, description=DESCRIPTION,
                         redoc_url=None, static_url="/static-docs", lifespan=lifespan)
    app.state.holder = holder
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["number"] = number
    _add_error_handlers(app, templates)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> Response:
        qp = request.query_params
        engine = holder.get()
        try:
            p = parse_params(qp.get("q"), page=qp.get("page"), limit=qp.get("limit"),
                             sources=qp.getlist("source"), since=qp.get("since"),
                             until=qp.get("until"), sort=qp.get("sort"))
        except ParamError as e:
            return _page(templates, request, SearchParams(q=qp.get("q", "")),
                         error=f"Tham số không hợp lệ: {e}", status=400)
        if not p.q.strip():
            # The engine's cached searcher: len(engine) opens a new reader (a second on 58k docs).
            return _page(templates, request, p, documents=engine.searcher().doc_count())
        return _page(templates, request, p, view=search_view(p, run_search(engine, p)))

    @app.get(f"{API_PREFIX}/search", summary="Search the index",
             responses={400: {"description": "Bad parameters: `{\"error\": message}`"},
                        503: {"description": "No index yet: `{\"error\": message}`"}})
    def api_search(
        q: Annotated[str, Query(description='Query, e.g. "dân vận", "dan van", "UBND tỉnh", "11-QĐi/TW"')],
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        source: Annotated[list[str] | None, Query(description="Only this host (repeatable)")] = None,
        since: Annotated[str | None, Query(description=f"Published on or after ({DATE_FORMATS})")] = None,
        until: Annotated[str | None, Query(description=f"Published on or before ({DATE_FORMATS})")] = None,
        sort: Literal["relevance", "date"] = "relevance",
    ) -> JSONResponse:
        """The same JSON as `govsearch query --json`: hits with HTML-escaped `snippet` and
        `title_highlighted` (`<mark>` around matched syllables), `facets`, `suggestion`, `notices`."""
        p = parse_params(q, page=page, limit=limit, sources=source, since=since, until=until, sort=sort)
        return JSONResponse(run_search(holder.get(), p).to_dict())

    @app.get(f"{API_PREFIX}/articles", summary="One stored article by URL",
             responses={404: {"description": "No article with this URL: `{\"error\": message}`"}})
    def api_article(url: Annotated[str, Query(description="The article's URL, as in a hit")]) -> JSONResponse:
        article = holder.get().get(url)
        if article is None:
            return _error(404, f"no article with url {url!r}")
        return JSONResponse(article.to_dict())

    @app.get(f"{API_PREFIX}/stats", summary="What the index holds")
    def api_stats() -> JSONResponse:
        """The same JSON as `govsearch stats --json`."""
        return JSONResponse(holder.get().stats().to_dict())

    return app


def _page(templates: Jinja2Templates, request: Request, p: SearchParams, *, view: SearchView | None = None,
          error: str | None = None, documents: int | None = None, status: int = 200) -> Response:
    context: dict[str, Any] = {
        "p": p, "v": view, "error": error, "documents": documents,
        "since_value": input_date(p.since_dt) or p.since,
        "until_value": input_date(p.until_dt) or p.until,
        "limit_hidden": p.limit if p.limit != DEFAULT_LIMIT else None,
    }
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _is_api(request: Request) -> bool:
    path = request.url.path.removeprefix(request.scope.get("root_path", "") or "")
    return path == API_PREFIX or path.startswith(API_PREFIX + "/") or path == "/openapi.json"


def _add_error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    def page_or_json(request: Request, status: int, message: str, shown: str) -> Response:
        if _is_api(request):
            return _error(status, message)
        return _page(templates, request, SearchParams(q=request.query_params.get("q", "")),
                     error=shown, status=status)

    @app.exception_handler(ParamError)
    async def bad_param(request: Request, exc: ParamError) -> Response:
        return page_or_json(request, 400, str(exc), f"Tham số không hợp lệ: {exc}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        message = "; ".join(_describe(e) for e in exc.errors())
        return page_or_json(request, 422, message, f"Tham số không hợp lệ: {message}")

    @app.exception_handler(IndexUnavailable)
    async def no_index(request: Request, exc: IndexUnavailable) -> Response:
        return page_or_json(request, 503, str(exc), f"Chưa có chỉ mục để tìm kiếm. {exc}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        shown = "Không tìm thấy trang này." if exc.status_code == 404 else str(exc.detail)
        return page_or_json(request, exc.status_code, str(exc.detail), shown)


def _describe(error: dict) -> str:
    """One pydantic error as `limit: Input should be less than or equal to 100`."""
    where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("query", "body", "path"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))
