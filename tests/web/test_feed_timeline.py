"""The Atom feed of a search (checked with feedparser) and the timeline on the results page."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlsplit

import feedparser

from govsearch import Article

from .data import web_articles


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(unescape(href)).query)


def parsed(client, **query):
    r = client.get("/feed.atom", params=query)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "script-src 'none'" in r.headers["content-security-policy"]
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML, as feedparser reads Atom
    assert feed.version == "atom10"
    return feed


def test_the_feed_is_valid_atom_of_the_newest_matches(client, web_engine):
    feed = parsed(client, q="dân vận")
    newest = web_engine.search("dân vận", sort="date", limit=20)
    assert [e.id for e in feed.entries] == [h.url for h in newest.hits]
    assert len(feed.entries) == 20 and newest.total == 26
    dates = [e.updated_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    entry, hit = feed.entries[0], newest.hits[0]
    assert entry.title == hit.title and entry.link == hit.url
    assert entry.published == hit.published.isoformat()
    assert entry.tags[0].term == hit.source
    assert "dân vận" in entry.summary.lower() and "<mark>" not in entry.summary
    assert feed.feed.title == "govsearch: dân vận"
    assert feed.feed.updated == hit.published.isoformat()
    assert params(feed.feed.link)["q"] == ["dân vận"]  # the results page of the same search
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == feed.feed.id and params(self_link) == {"q": ["dân vận"]}


def test_the_feed_takes_the_search_parameters(client, web_engine):
    feed = parsed(client, q="dan van", source="dcs.vn", since="2020", until="31/12/2023", limit=3)
    want = web_engine.search("dan van", source="dcs.vn", since="2020-01-01", until="2023-12-31", sort="date")
    assert 0 < len(feed.entries) == min(3, want.total)
    assert [e.id for e in feed.entries] == [h.url for h in want.hits[:3]]
    assert all(e.tags[0].term == "dcs.vn" and "2020" <= e.published[:4] <= "2023" for e in feed.entries)


def test_undated_articles_are_left_out_of_the_feed(client, web_engine):
    web_engine.add(Article(url="https://dcs.vn/khong-ngay.html", title="Bài không ngày về hợp tác xã kiểu mới",
                           body="Hợp tác xã kiểu mới phát triển ở nông thôn."))
    web_engine.add(Article(url="https://dcs.vn/co-ngay.html", title="Bài có ngày về hợp tác xã kiểu mới",
                           body="Hợp tác xã kiểu mới phát triển.", published="2024-02-03T08:00:00"))
    assert web_engine.search("hợp tác xã kiểu mới").total == 2
    feed = parsed(client, q="hợp tác xã kiểu mới")
    assert [e.id for e in feed.entries] == ["https://dcs.vn/co-ngay.html"]
    empty = parsed(client, q="không có bài nào như thế này cả xyzzy")
    assert empty.entries == [] and empty.feed.updated  # still a valid feed


def test_bad_feed_parameters_are_4xx_not_500(client):
    assert client.get("/feed.atom", params={"q": "dân vận", "limit": 0}).status_code == 422
    assert client.get("/feed.atom", params={"q": "dân vận", "since": "hôm qua"}).status_code == 400
    assert client.get("/feed.atom").status_code == 422  # q is required


def test_the_results_page_links_its_feed(client):
    html = client.get("/", params={"q": "dân vận", "source": "dcs.vn", "since": "2020", "sort": "date",
                                   "page": 2, "limit": 5}).text
    head = re.search(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]+)">', html)
    assert head and head[1] == "Tin mới: dân vận"
    visible = re.search(r'<a class="feed" href="([^"]+)" type="application/atom\+xml">([^<]+)</a>', html)
    assert visible and visible[1] == head[2] and "Atom" in visible[2]
    href = unescape(head[2])
    assert href.startswith("/feed.atom?")
    # the same search; paging, order and page size belong to the page, not the feed
    assert params(href) == {"q": ["dân vận"], "source": ["dcs.vn"], "since": ["2020"]}
    assert client.get(href).headers["content-type"].startswith("application/atom+xml")
    assert "feed.atom" not in client.get("/").text  # no search, no feed


def month_of(a: Article) -> str:
    return a.published.strftime("%Y-%m")


def test_month_facet_counts_the_matches_per_month(client, web_engine):
    expected = Counter(month_of(a) for a in web_articles() if "dân vận" in (a.title + a.body).lower())
    result = web_engine.search("dân vận")
    assert result.facets["month"] == dict(sorted(expected.items()))  # oldest month first
    assert list(result.facets["month"]) == sorted(result.facets["month"])
    api = client.get("/api/search", params={"q": "dân vận", "source": "dcs.vn"}).json()
    assert api["facets"]["month"] == dict(sorted(Counter(
        month_of(a) for a in web_articles() if a.source == "dcs.vn" and "dân vận" in a.body.lower()).items()))
    # undated articles are not in it
    web_engine.add(Article(url="https://dcs.vn/x.html", title="dân vận không ngày", body="dân vận"))
    assert sum(web_engine.search("dân vận").facets["month"].values()) == 26


def bars(html: str) -> list[tuple[str, str, str]]:
    """(href, class, label) of each bar of the timeline."""
    svg = re.search(r'<figure class="timeline">.*?</figure>', html, re.S)
    assert svg, "no timeline"
    return [(unescape(h), c, label) for h, label, c in
            re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"><rect class="([^"]+)"', svg[0])]


def test_the_timeline_is_server_svg_with_a_link_per_month(client, web_engine):
    html = client.get("/", params={"q": "dân vận", "source": "dcs.vn"}).text
    months = web_engine.search("dân vận", source="dcs.vn").facets["month"]
    drawn = bars(html)
    assert [label for _, _, label in drawn] == [f"{m[5:]}/{m[:4]}: {n} bài" for m, n in months.items()]
    assert "<script" not in html and " style=" not in html  # nothing the CSP would block
    first_month = next(iter(months))
    href = drawn[0][0]
    assert params(href) == {"q": ["dân vận"], "source": ["dcs.vn"], "since": [first_month], "until": [first_month]}
    narrowed = client.get("/" + href).text
    assert f"Khoảng {months[first_month]} kết quả" in narrowed
    # the chosen month is marked, and its bar takes the month filter off again
    (back, css, _), = bars(narrowed)
    assert css == "bar active" and params(back) == {"q": ["dân vận"], "source": ["dcs.vn"]}


def test_the_timeline_axis_runs_month_by_month_with_years_marked(client):
    html = client.get("/", params={"q": "dân vận"}).text
    drawn = bars(html)
    xs = [float(re.search(r'x="([\d.]+)"', b)[1]) for b in re.findall(r'<rect class="bar[^"]*"[^>]*>', html)]
    assert xs == sorted(xs) and len(xs) == len(drawn)
    years = re.findall(r'<text class="year" x="[\d.]+" y="\d+">(\d{4})</text>', html)
    assert years == [str(y) for y in range(2019, 2025)]
    assert "bài có ngày đăng, theo tháng" in html
    assert not re.search(r"<figure", client.get("/", params={"q": "xyzzy không có"}).text)
