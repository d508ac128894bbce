"""The crawl policy, called directly: admission, revisit times, failures, politeness."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from govsearch.article import Article
from govsearch.crawl import policy
from govsearch.crawl.fetch import FetchResult
from govsearch.crawl.portals import Portal
from govsearch.crawl.urls import page_number
from govsearch.crawl.vocab import Kind, ProblemKind, Status

PORTAL = Portal(name="t", seeds=("http://a.gov.vn/",), allowed_hosts=("a.gov.vn",),
                article_patterns=(r"/tin/\d+\.html$",), listing_patterns=(r"/chuyen-muc/",),
                exclude_patterns=(r"/dang-nhap",))


def test_admit_refuses_off_site_traps_and_exclusions_for_good():
    off = policy.admit("http://other.vn/a", None, 1, None)
    assert not off.admitted and off.final and off.reason == "off-site"
    trap = policy.admit("http://a.gov.vn/tim-kiem?q=x", None, 1, PORTAL)
    assert not trap.admitted and trap.final and trap.reason == "search results"
    excl = policy.admit("http://a.gov.vn/dang-nhap", None, 1, PORTAL)
    assert not excl.admitted and excl.final


def test_admit_classifies_by_portal_pattern_and_discoverer_hint():
    assert policy.admit("http://a.gov.vn/tin/12.html", None, 3, PORTAL).kind == Kind.ARTICLE
    assert policy.admit("http://a.gov.vn/chuyen-muc/x", None, 3, PORTAL).kind == Kind.LISTING
    assert policy.admit("http://a.gov.vn/gioi-thieu", None, 3, PORTAL).kind == Kind.PAGE
    # A sitemap or feed stays one whatever the patterns say.
    assert policy.admit("http://a.gov.vn/chuyen-muc/rss", Kind.FEED, 1, PORTAL).kind == Kind.FEED


def test_unpatterned_pagination_is_a_listing_up_to_a_page_number():
    assert page_number("http://a.gov.vn/x?page=12") == 12
    assert page_number("http://a.gov.vn/x/trang-3.html") == 3
    assert page_number("http://a.gov.vn/x/3") is None
    assert policy.admit("http://a.gov.vn/x?page=9999", None, 2, PORTAL).kind == Kind.LISTING
    big = policy.admit(f"http://a.gov.vn/x?page={policy.MAX_PAGE_NUMBER + 1}", None, 2, PORTAL)
    assert not big.admitted and big.final


def test_depth_limits_pages_not_listing_chains():
    deep = policy.admit("http://a.gov.vn/gioi-thieu", None, policy.MAX_PAGE_DEPTH + 1, PORTAL)
    # Too deep by this route only: a shallower page may still link it.
    assert not deep.admitted and not deep.final
    ok = policy.admit("http://a.gov.vn/gioi-thieu", None, policy.MAX_PAGE_DEPTH, PORTAL)
    assert ok.admitted and ok.depth == policy.MAX_PAGE_DEPTH
    # Page n+1 of a listing keeps page n's depth.
    nxt = policy.admit("http://a.gov.vn/chuyen-muc/x?page=800", None, 11, PORTAL, parent_kind=Kind.LISTING)
    assert nxt.kind == Kind.LISTING and nxt.depth == 10


def test_revisit_and_conditional_headers():
    assert policy.revisit_after(Kind.FEED, policy.DEFAULT_REVISIT) == policy.HOUR
    assert policy.revisit_after("nonsense", policy.DEFAULT_REVISIT) == policy.DEFAULT_REVISIT[Kind.PAGE]
    assert policy.conditional_headers(Status.DONE, '"e1"', "Mon, 01 Jan 2024 00:00:00 GMT") == {
        "If-None-Match": '"e1"', "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    # Validators of a page that never finished would make its first visit a 304.
    assert policy.conditional_headers(Status.ERROR, '"e1"', None) == {}
    assert policy.conditional_headers(Status.DONE, None, None) == {}


def test_fetch_caps_and_accepted_types():
    assert policy.byte_cap(Kind.SITEMAP, 1000) == policy.SITEMAP_MAX_BYTES
    assert policy.byte_cap(Kind.ARTICLE, 1000) is None
    assert "xml" in policy.accept_for(Kind.FEED)
    assert "xml" not in policy.accept_for(Kind.LISTING)


def test_failure_outcomes():
    now = 1000.0
    rv = policy.DEFAULT_REVISIT
    gone = policy.failure_outcome(None, 404, Kind.ARTICLE, "http://a.gov.vn/tin/1.html", now, rv)
    assert gone.status == Status.GONE and gone.due == now + policy.GONE_RECHECK and gone.report
    guessed = policy.failure_outcome(None, 404, Kind.SITEMAP, "http://a.gov.vn/sitemap.xml", now, rv)
    assert guessed.status == Status.GONE and not guessed.report
    nothtml = policy.failure_outcome(ProblemKind.NOT_HTML, 200, Kind.PAGE, "http://a.gov.vn/x", now, rv)
    assert nothtml.status == Status.SKIPPED and nothtml.skipped and not nothtml.report
    dup = policy.failure_outcome(ProblemKind.REDIRECT_DUPLICATE, 301, Kind.LISTING, "http://a.gov.vn/x", now, rv)
    assert dup.status == Status.DONE and dup.due == now + rv[Kind.LISTING]
    big = policy.failure_outcome(ProblemKind.TOO_LARGE, 200, Kind.PAGE, "http://a.gov.vn/x", now, rv)
    assert big.status == Status.ERROR and big.due == now + policy.SKIPPED_RECHECK
    net = policy.failure_outcome(ProblemKind.TIMEOUT, 0, Kind.PAGE, "http://a.gov.vn/x", now, rv)
    assert net.network and net.status == Status.ERROR and net.due == now + policy.RETRY_ERROR_AFTER
    http500 = policy.failure_outcome(None, 500, Kind.PAGE, "http://a.gov.vn/x", now, rv)
    assert not http500.network and http500.report


def test_politeness_overrides_portal_overrides_defaults():
    slow = Portal(name="s", seeds=("http://b.gov.vn/",), allowed_hosts=("b.gov.vn",), per_host=1, delay=4.0)
    assert policy.politeness(None, None, None) == (policy.DEFAULT_PER_HOST, policy.DEFAULT_DELAY)
    assert policy.politeness(slow, None, None) == (1, 4.0)
    assert policy.politeness(slow, 0.0, 3) == (3, 0.0)
    assert policy.delay_with_crawl_delay(1.5, 10) == 10
    assert policy.delay_with_crawl_delay(5.0, 1) == 5.0
    assert policy.delay_with_crawl_delay(1.5, 86400) == policy.MAX_CRAWL_DELAY
    assert policy.host_cap(None, None) == policy.DEFAULT_HOST_CAP
    assert policy.host_cap(None, 7) == 7


def test_robots_rules_follow_rfc_9309():
    ua = "govsearch/0.1"
    assert policy.robots_rules(200, "User-agent: *\nDisallow: /private", ua).allowed("http://a.gov.vn/x")
    assert not policy.robots_rules(200, "User-agent: *\nDisallow: /private", ua).allowed("http://a.gov.vn/private/1")
    assert policy.robots_rules(404, "", ua).allowed("http://a.gov.vn/anything")
    assert not policy.robots_rules(503, "", ua).allowed("http://a.gov.vn/anything")
    assert not policy.robots_rules(429, "", ua).allowed("http://a.gov.vn/anything")
    huge = FetchResult("u", "u", 200, problem=ProblemKind.TOO_LARGE)
    assert policy.robots_to_cache(huge) == (404, "")
    assert policy.sitemaps_to_try([], "https", "a.gov.vn") == ["https://a.gov.vn/sitemap.xml"]
    assert policy.sitemaps_to_try(["https://a.gov.vn/sm.xml"], "https", "a.gov.vn") == ["https://a.gov.vn/sm.xml"]


def test_article_url_and_age():
    ours = {"http://a.gov.vn/tin/1.html", "http://a.gov.vn/canon"}
    crawlable = ours.__contains__
    final = "http://a.gov.vn/tin/1.html?x=1"
    assert policy.article_url("http://a.gov.vn/tin/1.html", final, "http://a.gov.vn/canon", crawlable) \
        == "http://a.gov.vn/tin/1.html"
    assert policy.article_url("http://evil.example/", final, "http://a.gov.vn/canon", crawlable) == "http://a.gov.vn/canon"
    assert policy.article_url("", final, None, crawlable) == final
    since = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=7)))
    assert policy.too_old(datetime(2023, 12, 31, 23, 0), since)   # naive: taken as Vietnam time
    assert not policy.too_old(datetime(2024, 1, 1, 0, 30), since)
    assert not policy.too_old(None, since)
    assert not policy.too_old(datetime(2000, 1, 1), None)


def test_article_hash_ignores_what_the_reader_does_not_see():
    a = Article(url="http://a.gov.vn/tin/1.html", title="Tiêu đề", body="Nội dung")
    b = Article(url="http://a.gov.vn/other", title="Tiêu đề", body="Nội dung")
    assert policy.article_hash(a) == policy.article_hash(b)
    c = Article(url=a.url, title="Tiêu đề", body="Nội dung mới")
    assert policy.article_hash(a) != policy.article_hash(c)


def test_gzipped_sitemaps_are_admitted_only_as_sitemaps():
    gz = "http://a.gov.vn/sitemap-1.xml.gz"
    assert policy.is_gzipped_sitemap(gz) and not policy.is_gzipped_sitemap("http://a.gov.vn/sitemap.xml")
    assert policy.admit(gz, Kind.SITEMAP, 1, PORTAL).kind == Kind.SITEMAP
    # The same file linked from a page is a download, not a page.
    assert policy.admit(gz, None, 1, PORTAL).reason == "not a web page"
    assert policy.admit("http://a.gov.vn/" + "x" * 500, None, 1, PORTAL).reason == "URL too long"


def test_pagination_ends_when_a_page_shows_nothing_new():
    listed = {"http://a.gov.vn/tin/1.html", "http://a.gov.vn/tin/2.html"}
    page3 = "http://a.gov.vn/chuyen-muc/x?page=3"
    assert policy.ends_pagination(page3, Kind.LISTING, ["http://a.gov.vn/tin/1.html"], listed)
    assert not policy.ends_pagination(page3, Kind.LISTING, ["http://a.gov.vn/tin/1.html",
                                                            "http://a.gov.vn/tin/3.html"], listed)
    # The first page of a listing (no page number) always leads on; so does an article.
    assert not policy.ends_pagination("http://a.gov.vn/chuyen-muc/x", Kind.LISTING, [], listed)
    assert not policy.ends_pagination(page3, Kind.ARTICLE, [], listed)


def test_missing_fields_and_refresh_kinds():
    when = datetime(2025, 10, 1, 8, 0)
    assert policy.missing_fields(Article(url="u", title="t", body="b", published=when, author="Minh")) == ()
    assert policy.missing_fields(Article(url="u", title="t", body="b", author="  ")) == ("date", "author")
    assert policy.missing_fields(Article(url="u", title="t", body="b", published=when)) == ("author",)
    assert policy.refresh_kinds(False, False) == frozenset()
    assert policy.refresh_kinds(True, False) == {Kind.LISTING, Kind.FEED, Kind.SITEMAP}
    assert policy.refresh_kinds(False, True) == {Kind.LISTING, Kind.FEED, Kind.SITEMAP, Kind.ARTICLE}
