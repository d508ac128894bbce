"""govsearch inside your own FastAPI app: index your own articles, search them, shape the JSON your way.

    python examples/embed_fastapi.py [--index DIR] [--port 8001]

    curl 'http://127.0.0.1:8001/search?q=dan+van'
    curl -X POST http://127.0.0.1:8001/articles -H 'content-type: application/json' \
         -d '{"url": "https://example.gov.vn/tin/4", "title": "Chuyển đổi số ở xã", "body": "..."}'
    open http://127.0.0.1:8001/tim-kiem/          # govsearch's own search page, mounted

One SearchEngine serves every request: searching is thread-safe and sees each
commit, so an article posted here is searchable as soon as the POST returns.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime

import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from govsearch import Article, IndexLockedError, SearchEngine
from govsearch.web import create_app

OUR_ARTICLES = [
    Article(url="https://xaanphu.gov.vn/tin/1", title="Xã An Phú ra mắt mô hình dân vận khéo",
            body="Ủy ban nhân dân xã An Phú ra mắt mô hình dân vận khéo trong xây dựng nông thôn mới.",
            published=datetime(2024, 3, 8, 9, 0)),
    Article(url="https://xaanphu.gov.vn/tin/2", title="Tiếp công dân định kỳ tháng 4",
            body="Chủ tịch UBND xã tiếp công dân, giải quyết kiến nghị về đất đai và giao thông.",
            published=datetime(2024, 4, 15, 14, 0)),
    Article(url="https://xaanphu.gov.vn/tin/3", title="Hội nghị dân vận chính quyền năm 2024",
            body="Hội nghị tổng kết công tác dân vận chính quyền, biểu dương điển hình dân vận khéo.",
            published=datetime(2024, 12, 20, 8, 30)),
]


class NewArticle(BaseModel):
    url: str
    title: str
    body: str
    published: datetime | None = None


def make_app(index_dir: str) -> FastAPI:
    # lock_timeout: a POST waits up to 5 s for another writer (a crawl, an import) instead of failing.
    engine = SearchEngine(index_dir, lock_timeout=5)
    if len(engine) == 0:
        engine.add_many(OUR_ARTICLES)
    app = FastAPI(title="Cổng thông tin xã An Phú")

    @app.get("/search")
    def search(q: str, page: int = 1) -> dict:
        result = engine.search(q, page=page, limit=5, facets=False)
        # Our own shape: what our front end needs, nothing more.
        return {"total": result.total, "did_you_mean": result.suggestion,
                "items": [{"title": h.title, "link": h.url, "excerpt_html": h.snippet,
                           "date": h.published.date().isoformat() if h.published else None}
                          for h in result.hits]}

    @app.post("/articles", status_code=201)
    def publish(item: NewArticle) -> dict:
        try:
            engine.add(Article(url=item.url, title=item.title, body=item.body, published=item.published))
        except IndexLockedError as e:
            raise HTTPException(503, str(e)) from None
        return {"indexed": item.url, "documents": len(engine)}

    # govsearch's own page and JSON API over the same engine, under a prefix.
    app.mount("/tim-kiem", create_app(engine=engine))
    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None, help="index directory (default: a new temporary one)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8001)
    args = ap.parse_args()
    index_dir = args.index or tempfile.mkdtemp(prefix="embed-govsearch-")
    print(f"index {index_dir}; try http://{args.host}:{args.port}/search?q=dan+van", flush=True)
    uvicorn.run(make_app(index_dir), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
