"""Every fixture portal article extracts to its ground truth over real HTTP; listings and traps give None."""

from __future__ import annotations

from datetime import datetime

import pytest

from govsearch.crawl.discover import page_links
from govsearch.crawl.urls import try_canonicalize
from govsearch.extract import detect_cms, extract, is_article

from tests.fixtures.portals.server import PORTALS, fetch, load_truth

TRUTH = load_truth()

ARTICLES = [(family, path) for family, t in TRUTH.items() for path in t["articles"]]
NON_ARTICLES = [(family, path) for family, t in TRUTH.items() for path in t["non_articles"]]


def get_article(portals, family: str, path: str):  # type: ignore[no-untyped-def]
    base = portals[family].base
    status, body, headers = fetch(base + path)
    assert status == 200
    return base, extract(body, base + path, headers.get("Content-Type"))


@pytest.mark.parametrize(("family", "path"), ARTICLES)
def test_article_fields(portals, family: str, path: str) -> None:  # type: ignore[no-untyped-def]
    truth = TRUTH[family]["articles"][path]
    base, article = get_article(portals, family, path)
    assert article is not None
    assert article.title == truth["title"]
    if truth["published"] is None:
        # An undated article is still an article: indexed with the date empty.
        assert article.published is None
    else:
        assert article.published == datetime.fromisoformat(truth["published"])
        assert article.published.isoformat() == truth["published"]
    assert article.author == truth["author"]
    assert article.category == truth["category"]
    assert article.url == base + truth["canonical"]
    assert article.summary.startswith(truth["lead_start"])
    assert article.body.startswith(truth["lead_start"])


@pytest.mark.parametrize(("family", "path"), ARTICLES)
def test_article_body(portals, family: str, path: str) -> None:  # type: ignore[no-untyped-def]
    truth = TRUTH[family]["articles"][path]
    _, article = get_article(portals, family, path)
    assert article is not None
    for sentence in truth["body_contains"]:
        assert sentence in article.body
    for junk in truth["body_excludes"]:
        assert junk not in article.body, junk
    # Related-news titles of the same portal must not leak into the text.
    for other in TRUTH[family]["articles"].values():
        if other["title"] != truth["title"]:
            assert other["title"] not in article.body
    assert "\n" in article.body
    assert all(line == line.strip() and line for line in article.body.split("\n"))


@pytest.mark.parametrize(("family", "path"), NON_ARTICLES)
def test_listings_tags_search_and_traps_are_not_articles(portals, family: str, path: str) -> None:  # type: ignore[no-untyped-def]
    base = portals[family].base
    status, body, headers = fetch(base + path)
    assert status == 200
    assert extract(body, base + path, headers.get("Content-Type")) is None
    assert not is_article(body, base + path, headers.get("Content-Type"))


# The profile each fixture family is recognised as (families left to the generic rules say "generic").
DETECTED = {"aspnet": "aspnet-newsdetail", "provincial": "generic", "vnews": "generic", "utcportal": "generic",
            "sharepoint2": "sharepoint"}


@pytest.mark.parametrize("family", [f for f in TRUTH if f != "generic"])
def test_family_detected_on_articles_and_listings(portals, family: str) -> None:  # type: ignore[no-untyped-def]
    base = portals[family].base
    for path in [*TRUTH[family]["articles"], TRUTH[family]["non_articles"][1]]:
        _, body, _ = fetch(base + path)
        assert detect_cms(body, base + path) == DETECTED.get(family, family), path


def test_generic_portal_is_not_mistaken_for_a_family(portals) -> None:  # type: ignore[no-untyped-def]
    base = portals["generic"].base
    for path in TRUTH["generic"]["articles"]:
        _, body, _ = fetch(base + path)
        assert detect_cms(body, base + path) == "generic"


def test_windows_1258_page_served_with_its_label(portals) -> None:  # type: ignore[no-untyped-def]
    path = "/news/ho-tro-phap-ly/tang-cuong-pho-bien-phap-luat-cho-doanh-nghiep-1203.html"
    status, body, headers = fetch(portals["nukeviet"].base + path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=windows-1258"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    _, article = get_article(portals, "nukeviet", path)
    assert article is not None and "đơn giản hoá thủ tục hành chính" in article.body


def test_mislabelled_pages(portals) -> None:  # type: ignore[no-untyped-def]
    sharepoint = "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=102&l=Tintrongtinh&lv=11"
    _, body, headers = fetch(portals["sharepoint"].base + sharepoint)
    assert "utf-8" in headers["Content-Type"] and b"windows-1258" in body
    generic = "/xac-dinh-nguoi-co-cong-p302.html"
    _, body, headers = fetch(portals["generic"].base + generic)
    assert "iso-8859-1" in headers["Content-Type"]
    body.decode("utf-8")
    for family, path in (("sharepoint", sharepoint), ("generic", generic)):
        _, article = get_article(portals, family, path)
        assert article is not None and article.title == TRUTH[family]["articles"][path]["title"]


def test_server_basics(portals) -> None:  # type: ignore[no-untyped-def]
    site = portals["dcs"]
    status, robots, headers = fetch(site.base + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert b"Crawl-delay:" in robots and b"Disallow:" in robots
    assert fetch(site.base + "/khong-co-trang-nay.html")[0] == 404
    status, _, headers = fetch(site.base + "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    etag = headers["ETag"]
    assert fetch(site.base + "/sitemap.xml", {"If-None-Match": etag})[0] == 304
    # The calendar never ends.
    assert fetch(site.base + "/lich/thang-sau/thang-sau/thang-sau/thang-sau/")[0] == 200
    assert "/robots.txt" in site.requests


def test_liferay_session_path_parameter_serves_duplicate(portals) -> None:  # type: ignore[no-untyped-def]
    base = portals["liferay"].base
    plain = fetch(base + "/tin-tuc-su-kien")[1]
    assert fetch(base + "/tin-tuc-su-kien;jsessionid=8F3A1C2B9D0E7F6A")[1] == plain


def test_home_page_links_and_feeds(portals) -> None:  # type: ignore[no-untyped-def]
    for family, site in portals.items():
        _, body, _ = fetch(site.base + "/")
        found = page_links(body, site.base + "/")
        links = found.links
        # The crawl's links are canonical (query parameters sorted): compare like with like.
        article_urls = {try_canonicalize(site.base + p) for p in TRUTH[family]["articles"] if "/savefile/" not in p}
        assert article_urls & set(links), family
        assert all(link.startswith("http://127.0.0.1:") for link in links)
        assert found.feeds == [site.base + "/rss.xml"]


def test_text_is_nfc_with_nbsp_gone_and_lookalike_kept(portals) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    for family in TRUTH:
        for path in TRUTH[family]["articles"]:
            _, article = get_article(portals, family, path)
            assert article is not None
            assert unicodedata.is_normalized("NFC", article.body)
            assert "\xa0" not in article.body and "\xa0" not in article.summary
    _, article = get_article(portals, "dcs", "/tuyen-giao/ky-niem-ngay-truyen-thong-nganh-tuyen-giao-5502.html")
    # Extraction keeps the page's characters; mapping "Ð" to "Đ" is the text analyser's job.
    assert "Ðồng chí đề nghị" in article.body


def test_committed_fixtures_match_the_generator(tmp_path) -> None:  # type: ignore[no-untyped-def]
    shared = PORTALS.parents[2].parent / "shared"
    if not (shared / "pages" / "seed-thainguyen-dan-van.txt").exists():
        pytest.skip("the Liferay seed page is generated from shared/")
    from tests.fixtures.portals import build

    build.main(tmp_path)
    generated = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for rel, data in generated.items():
        assert (PORTALS / rel).read_bytes() == data, f"{rel} is stale: run tests/fixtures/portals/build.py"


def test_sidebar_teasers_do_not_turn_an_article_into_a_listing(portals) -> None:  # type: ignore[no-untyped-def]
    path = "/phat-huy-vai-tro-cong-ttdt-bo-nganh-102230812201019472.htm"
    base = portals["baochinhphu"].base
    _, body, _ = fetch(base + path)
    sidebar = ('<div class="sidebar"><div class="box-stream-item"><a href="/a-102000000000000001.htm">Tin một '
               'về hoạt động của Chính phủ</a></div><div class="box-stream-item"><a href="/b-102000000000000002.htm">'
               'Tin hai về hoạt động của Chính phủ</a></div></div>').encode()
    article = extract(body.replace(b"</body>", sidebar + b"</body>"), base + path)
    assert article is not None and article.title == TRUTH["baochinhphu"]["articles"][path]["title"]
    assert "Tin một" not in article.body


def test_sharepoint_publishing_page_urls_are_not_rejected(portals) -> None:  # type: ignore[no-untyped-def]
    base = portals["sharepoint"].base
    _, body, headers = fetch(base + "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=101&l=Tintrongtinh&lv=11")
    named = extract(body, base + "/noidung/tintuc/Pages/cong-thong-tin-doi-moi.aspx", headers["Content-Type"])
    assert named is not None and named.title.startswith("Cổng Thông tin điện tử tỉnh")
    assert extract(body, base + "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?l=Tintrongtinh&lv=4&page=3") is None
