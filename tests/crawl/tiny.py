"""A stand-in extractor for crawl tests: a page with <article> is an article.

Importable both from the test package and from crawl_child.py, which runs
as a script in its own process.
"""

from __future__ import annotations

import re

from govsearch.article import Article

_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_P = re.compile(r"<p>(.*?)</p>", re.S)


def tiny_extract(html: bytes | str, url: str) -> Article | None:
    """Title from <h1>, body from the <p>s; None without an <article>."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if "<article>" not in html:
        return None
    title = _H1.search(html)
    return Article(url=url, title=title.group(1) if title else "", body=" ".join(_P.findall(html)))
