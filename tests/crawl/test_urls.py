from __future__ import annotations

import pytest

from govsearch.crawl.urls import canonicalize, trap_reason


@pytest.mark.parametrize("raw, want", [
    ("HTTP://WWW.Example.VN:80/a/b#frag", "http://www.example.vn/a/b"),
    ("https://example.vn:443/", "https://example.vn/"),
    ("https://example.vn:8443/x", "https://example.vn:8443/x"),
    ("https://example.vn", "https://example.vn/"),
    ("https://a.vn/p?b=2&a=1", "https://a.vn/p?a=1&b=2"),
    ("https://a.vn/p?utm_source=fb&utm_medium=x&id=5&fbclid=abc&gclid=z", "https://a.vn/p?id=5"),
    ("https://a.vn/p?PHPSESSID=123&id=5", "https://a.vn/p?id=5"),
    ("https://a.vn/p?sid=9&id=5", "https://a.vn/p?id=5"),
    ("https://a.vn/p;jsessionid=ABC123?id=5", "https://a.vn/p?id=5"),
    ("https://a.vn/p;JSESSIONID=ABC123", "https://a.vn/p"),
    ("https://yenbai.gov.vn/Pages/ds.aspx?ASP.NET_SessionId=kx2v3b45&l=Tin", "https://yenbai.gov.vn/Pages/ds.aspx?l=Tin"),
    ("https://a.vn/(S(kx2v3b45mnq0))/Pages/ds.aspx?l=Tin", "https://a.vn/Pages/ds.aspx?l=Tin"),
    ("https://a.vn/tin-tức/bài viết.html", "https://a.vn/tin-t%E1%BB%A9c/b%C3%A0i%20vi%E1%BA%BFt.html"),
    ("https://a.vn/tin-t%E1%BB%A9c", "https://a.vn/tin-t%E1%BB%A9c"),
    ("https://A.VN./x", "https://a.vn/x"),
    # Liferay back-links and CSRF tokens, Oracle ADF window state
    ("https://thainguyen.gov.vn/tin-tuc/-/asset_publisher/L0n/content/bai-viet?redirect=https%3A%2F%2Fthainguyen.gov.vn%2Fx"
     "&_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_L0n_redirect=%2Fy",
     "https://thainguyen.gov.vn/tin-tuc/-/asset_publisher/L0n/content/bai-viet"),
    ("https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet?dDocName=PORTAL512708&_afrLoop=123"
     "&_adf.ctrl-state=abc_4", "https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet?dDocName=PORTAL512708"),
    # NukeViet print view is an alias of the article
    ("https://hotropldn.thainguyen.gov.vn/news/savefile/chu-truong-chinh-sach/thai-nguyen-2050.html",
     "https://hotropldn.thainguyen.gov.vn/news/chu-truong-chinh-sach/thai-nguyen-2050.html"),
    ("https://pbgdpl.laichau.gov.vn/index.php/savefile/tin-tuc-su-kien/16-moc-501.html",
     "https://pbgdpl.laichau.gov.vn/index.php/tin-tuc-su-kien/16-moc-501.html"),
    # SharePoint query URLs keep their meaningful parameters
    ("https://yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=30660&l=Tintrongtinh&lv=11",
     "https://yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=30660&l=Tintrongtinh&lv=11"),
    ("https://pbgdpl.gov.vn:443/Pages/tin-tuc-hd-pbpl.aspx?ItemID=5157&l=HoatdongPBGDPLotrun",
     "https://pbgdpl.gov.vn/Pages/tin-tuc-hd-pbpl.aspx?ItemID=5157&l=HoatdongPBGDPLotrun"),
])
def test_canonicalize(raw: str, want: str) -> None:
    assert canonicalize(raw) == want


def test_canonicalize_is_idempotent() -> None:
    for u in ["https://a.vn/tin-tức?utm_source=x&b=1&a=2#top", "http://A.vn:80/savefile/x-1.html;jsessionid=1"]:
        once = canonicalize(u)
        assert canonicalize(once) == once


def test_canonicalize_idn_host() -> None:
    assert canonicalize("https://bộ.vn/a") == canonicalize("https://xn--b-jhg.vn/a") or \
        canonicalize("https://bộ.vn/a").startswith("https://xn--")


@pytest.mark.parametrize("bad", ["mailto:a@b.vn", "javascript:void(0)", "ftp://a.vn/x", "https:///nohost", ""])
def test_canonicalize_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        canonicalize(bad)


@pytest.mark.parametrize("url, reason", [
    ("https://a.vn/tin-tuc/bai-viet-123.html", None),
    ("https://a.vn/tin-tuc/trang-784.html", None),
    ("https://yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=1&l=x&lv=11", None),
    ("https://a.vn/" + "x" * 500, "URL too long"),
    ("https://a.vn/" + "/".join("abcdefghijklmn"), "path too deep"),
    ("https://a.vn/a/b/a/b/a/b/a/b", "repeating path"),
    ("https://a.vn/search?q=thai+nguyen", "search results"),
    ("https://a.vn/tim-kiem.html?keyword=x", "search results"),
    ("https://a.vn/events/calendar/2031/12", "calendar"),
    ("https://a.vn/lich?month=12&year=2031", "calendar"),
    ("https://a.vn/files/report.pdf", "not a web page"),
    ("https://a.vn/img/photo.JPG", "not a web page"),
])
def test_trap_reason(url: str, reason: str | None) -> None:
    assert trap_reason(url) == reason
