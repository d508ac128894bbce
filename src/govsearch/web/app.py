"""The FastAPI app: routes, and the mapping of errors to HTTP statuses.

Routes stay thin: parameters go through `params`, the search through the
engine (via the holder, which turns an unreadable index into a 503),
formatting through `view`. Search routes are plain `def`, so FastAPI runs
them in its thread pool and a slow query never blocks the event loop
(SearchEngine is thread-safe and refreshes to see new commits).

People read the pages in Vietnamese; programs read the JSON API, whose
errors are one English line in `{"error": ...}`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from govsearch import MAX_LIMIT, SearchEngine, __version__, cited_document

from .documents import document_json, document_view
from .holder import EngineHolder, IndexUnavailable
from .params import DATE_FORMATS, DEFAULT_LIMIT, MAX_PAGE, ParamError, SearchParams, parse_params, run_search
from .security import FIXED_HEADERS, PAGE_CSP, SecurityHeaders
from .feed import FEED_LIMIT, MEDIA_TYPE, atom_feed
from .view import SearchView, document_path, field_date, href, number, search_view, stats_view

HERE = Path(__file__).parent
API_PREFIX = "/api"
DOCS_URL = "/docs"
# What /api/stats leaves out of IndexStats.to_dict(): where the index lives on the server's disk.
PRIVATE_STATS = ("path",)

DESCRIPTION = """Search Vietnamese government news.

`/api/search` returns exactly what `govsearch query --json` prints. Errors are
`{"error": message}` with a 4xx status; 503 while the index does not exist yet
or cannot be read (damaged).
"""

HTTP_VI = {404: "Không tìm thấy trang này.", 405: "Trang này không nhận yêu cầu kiểu này."}


def create_app(index: str | os.PathLike | None = None, *, engine: SearchEngine | None = None) -> FastAPI:
    """The web app over the index at `index` (default $GOVSEARCH_INDEX or ./index), or over `engine`."""
    holder = EngineHolder(index, engine=engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    # FastAPIOffline serves Swagger UI's assets from the package: /docs works without a CDN.
    app = FastAPIOffline(title="govsearch", version=__version__, description=DESCRIPTION,
                         docs_url=DOCS_URL, redoc_url=None, static_url="/static-docs", lifespan=lifespan)
    app.state.holder = holder
    app.add_middleware(SecurityHeaders, docs_paths=(DOCS_URL, app.swagger_ui_oauth2_redirect_url or DOCS_URL))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["number"] = number
    _add_error_handlers(app, templates)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> Response:
        qp = request.query_params
        p = parse_params(qp.get("q"), page=qp.get("page"), limit=qp.get("limit"),
                         sources=qp.getlist("source"), since=qp.get("since"),
                         until=qp.get("until"), sort=qp.get("sort"),
                         cites=qp.getlist("cites"), cites_type=qp.get("cites_type"),
                         collapse=qp.get("collapse"))
        if not p.q.strip() and not p.cites and not p.cites_type:
            # The engine's cached searcher: len(engine) opens a new reader (a second on 58k docs).
            documents = holder.read(lambda e: e.searcher().doc_count())
            return _page(templates, request, p, documents=documents)
        return _page(templates, request, p, view=search_view(p, holder.read(lambda e: run_search(e, p))))

    @app.get("/van-ban/{key:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, key: str) -> Response:
        """The articles citing one legal document, newest first."""
        doc, p = _document(request, key)
        if doc.key != key:
            # one address per document: /van-ban/100/2019/nd-cp is /van-ban/100/2019/NĐ-CP
            target = _base_context(request)["home"] + document_path(doc.key)
            query = request.url.query
            return RedirectResponse(target + (f"?{query}" if query else ""), status_code=301)
        result = holder.read(lambda e: run_search(e, p.with_(cites=(doc.key,))))
        v = document_view(doc, p, result)
        return templates.TemplateResponse(request, "van_ban.html", _base_context(request) | {"d": v})

    @app.get(f"{API_PREFIX}/van-ban/{{key:path}}", summary="The articles citing one legal document",
             responses={404: {"description": "Not a document number: `{\"error\": message}`"}})
    def api_document(
        key: str,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> JSONResponse:
        """The document (`key`, `doc_type`, `issuer`, ...) and, newest first, the articles citing it:
        the same result as `/api/search?cites=KEY` with no query. `key` is a document number as
        printed (100/2019/NĐ-CP, 11-QĐi/TW, 89/QĐ-UBND, in any case, with D for Đ) or a
        type and number without a year (NĐ 100)."""
        doc = cited_document(key)
        if doc is None:
            return _error(404, f"{key!r} is not a document number (e.g. 100/2019/NĐ-CP)")
        p = parse_params("", page=page, limit=limit, cites=[doc.key])
        return JSONResponse(document_json(doc, holder.read(lambda e: run_search(e, p))))

    @app.get("/stats", response_class=HTMLResponse, include_in_schema=False)
    def stats_page(request: Request) -> Response:
        s = stats_view(holder.read(lambda e: e.stats()))
        return templates.TemplateResponse(request, "stats.html", _base_context(request) | {"s": s})

    @app.get(f"{API_PREFIX}/search", summary="Search the index",
             responses={400: {"description": "Bad parameters: `{\"error\": message}`"},
                        503: {"description": "No index yet, or a damaged one: `{\"error\": message}`"}})
    def api_search(
        q: Annotated[str | None, Query(description='Query, e.g. "dân vận", "dan van", "UBND tỉnh", "11-QĐi/TW"; '
                                                   'may be left out with `cites` or `cites_type`')] = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        source: Annotated[list[str] | None, Query(description="Only this host (repeatable)")] = None,
        since: Annotated[str | None, Query(description=f"Published on or after ({DATE_FORMATS})")] = None,
        until: Annotated[str | None, Query(description=f"Published on or before ({DATE_FORMATS})")] = None,
        sort: Literal["relevance", "date"] = "relevance",
        cites: Annotated[list[str] | None, Query(
            description="Only articles citing this legal document, e.g. 100/2019/NĐ-CP (repeatable: all of them)")] = None,
        cites_type: Annotated[str | None, Query(description='Only articles citing a document of this type, '
                                                            'e.g. "Nghị định"')] = None,
        collapse: Annotated[bool, Query(description="One hit per story, the other copies in its `copies` "
                                                    "(false: every copy is a hit)")] = True,
    ) -> JSONResponse:
        """The same JSON as `govsearch query --json`: hits with HTML-escaped `snippet` and
        `title_highlighted` (`<mark>` around matched syllables) and the documents each cites
        (`cites`), `facets` (also over the cited documents: `cites_type`, `cites_issuer`, and the
        20 most cited, `cites`), `suggestion`, `notices`. Copies of a story are one hit (its
        earliest publication) listing the others in `copies`; `total` and the facets count
        articles, `groups` the hits there are to page through."""
        if q is None and not cites and not cites_type:
            return _error(422, "q: Field required (or give cites or cites_type)")
        p = parse_params(q, page=page, limit=limit, sources=source, since=since, until=until, sort=sort,
                         cites=cites, cites_type=cites_type, collapse=collapse)
        return JSONResponse(holder.read(lambda e: run_search(e, p)).to_dict())

    @app.get("/feed.atom", summary="Atom feed of the newest matching articles", response_class=Response,
             responses={200: {"content": {MEDIA_TYPE: {}}, "description": "An Atom 1.0 feed"},
                        400: {"description": "Bad parameters"}})
    def feed(
        request: Request,
        q: Annotated[str, Query(description="Query, as for /api/search")],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Entries in the feed")] = FEED_LIMIT,
        source: Annotated[list[str] | None, Query(description="Only this host (repeatable)")] = None,
        since: Annotated[str | None, Query(description=f"Published on or after ({DATE_FORMATS})")] = None,
        until: Annotated[str | None, Query(description=f"Published on or before ({DATE_FORMATS})")] = None,
    ) -> Response:
        """The newest articles matching the search, by publication date (undated articles are left
        out: a feed is read in time order). A feed reader polls it to be told of new ones. A story
        published on several portals is one entry (its earliest publication), as on the page."""
        p = parse_params(q, limit=limit, sources=source, since=since, until=until, sort="date")
        result = holder.read(lambda e: run_search(e, p))
        home = str(request.base_url)
        title = f"govsearch: {p.q}" + (f" ({', '.join(p.sources)})" if p.sources else "")
        body = atom_feed(result, self_url=str(request.url), page_url=home + href(p.with_(limit=DEFAULT_LIMIT)),
                         title=title)
        return Response(body, media_type=f"{MEDIA_TYPE}; charset=utf-8")

    @app.get(f"{API_PREFIX}/articles", summary="One stored article by URL",
             responses={404: {"description": "No article with this URL: `{\"error\": message}`"}})
    def api_article(url: Annotated[str, Query(description="The article's URL, as in a hit")]) -> JSONResponse:
        article = holder.read(lambda e: e.get(url))
        if article is None:
            return _error(404, f"no article with url {url!r}")
        return JSONResponse(article.to_dict())

    @app.get(f"{API_PREFIX}/stats", summary="What the index holds")
    def api_stats() -> JSONResponse:
        """`govsearch stats --json` without `path`: where the index lives on disk is the server's business."""
        data = holder.read(lambda e: e.stats()).to_dict()
        return JSONResponse({k: v for k, v in data.items() if k not in PRIVATE_STATS})

    return app


def _document(request: Request, key: str):
    """The document a /van-ban path names and the page's parameters; a path that names none is a 404."""
    doc = cited_document(key)
    if doc is None:
        raise StarletteHTTPException(404, f"{key!r} is not a document number")
    qp = request.query_params
    return doc, parse_params("", page=qp.get("page"), limit=qp.get("limit"))


def _base_context(request: Request, p: SearchParams | None = None) -> dict[str, Any]:
    p = p or SearchParams()
    # Links that must reach the search page from any path (an error page at /a/b, /stats):
    # the app's root, which under a mount (app.mount("/tim-kiem", ...)) is its prefix.
    home = (request.scope.get("root_path", "") or "").rstrip("/") + "/"
    return {"p": p, "home": home, "limit_hidden": p.limit if p.limit != DEFAULT_LIMIT else None,
            "autofocus": False}


def _page(templates: Jinja2Templates, request: Request, p: SearchParams, *, view: SearchView | None = None,
          error: str | None = None, documents: int | None = None, status: int = 200,
          show_dates: bool = False) -> Response:
    context = _base_context(request, p) | {
        "v": view, "error": error, "documents": documents, "show_dates": show_dates,
        "since_value": field_date(p.since, p.since_dt), "until_value": field_date(p.until, p.until_dt),
        "autofocus": not p.q and not error,
    }
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _is_api(request: Request) -> bool:
    path = request.url.path.removeprefix(request.scope.get("root_path", "") or "")
    return path == API_PREFIX or path.startswith(API_PREFIX + "/") or path == "/openapi.json"


def _typed(request: Request) -> SearchParams:
    """What the user sent, unchecked, so an error page keeps their query and dates in the form."""
    qp = request.query_params
    return SearchParams(q=qp.get("q", ""), since=qp.get("since", ""), until=qp.get("until", ""))


def _add_error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    def page_or_json(request: Request, status: int, message: str, shown: str, *,
                     show_dates: bool = False) -> Response:
        if _is_api(request):
            return _error(status, message)
        return _page(templates, request, _typed(request), error=shown, status=status, show_dates=show_dates)

    @app.exception_handler(ParamError)
    async def bad_param(request: Request, exc: ParamError) -> Response:
        dates = "since" in request.query_params or "until" in request.query_params
        return page_or_json(request, 400, str(exc), exc.vi, show_dates=dates)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        message = "; ".join(_describe(e) for e in exc.errors())
        return page_or_json(request, 422, message, "Tham số không hợp lệ.")

    @app.exception_handler(IndexUnavailable)
    async def no_index(request: Request, exc: IndexUnavailable) -> Response:
        return page_or_json(request, 503, str(exc), exc.vi)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        shown = HTTP_VI.get(exc.status_code, f"Không xử lý được yêu cầu này (mã lỗi {exc.status_code}).")
        return page_or_json(request, exc.status_code, str(exc.detail), shown)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Runs outside the middleware stack (Starlette's ServerErrorMiddleware), so the
        # security headers are set here; Starlette logs the traceback after this returns.
        response = page_or_json(request, 500, "internal server error",
                                "Máy chủ gặp lỗi khi xử lý yêu cầu này. Vui lòng thử lại sau.")
        for name, value in FIXED_HEADERS + [(b"content-security-policy", PAGE_CSP.encode())]:
            response.headers[name.decode()] = value.decode()
        return response


def _describe(error: dict) -> str:
    """One pydantic error as `limit: Input should be less than or equal to 100`."""
    where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("query", "body", "path"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))
