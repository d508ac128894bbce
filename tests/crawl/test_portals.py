"""The shipped portal files load, and their patterns recognise real URLs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govsearch.crawl import PortalError, crawl, load_portals, load_seeds_file
from govsearch.crawl.portals import portal_for_urls

from .conftest import FAST, MemorySink, tiny_extract

SEEDS_DIR = Path(__file__).resolve().parents[2] / "crawl_seeds"


def test_shipped_portals_load() -> None:
    portals = load_portals(SEEDS_DIR)
    assert len(portals) >= 6
    assert "thainguyen.gov.vn" in portals[0].allowed_hosts  # Thái Nguyên comes first
    cms = {p.cms for p in portals}
    assert {"Liferay", "SharePoint", "Oracle WebCenter Portal"} <= cms
    for p in portals:
        assert p.seeds and p.allowed_hosts and p.article_patterns
        assert p.per_host in (1, 2) and p.delay is not None and p.delay >= 1.0
        for seed in p.seeds:
            assert p.allows_host(seed.split("/")[2])


@pytest.mark.parametrize("url, kind", [
    ("https://thainguyen.gov.vn/tin-tuc-su-kien/-/asset_publisher/L0n17VJXquP/content/can-bo-dan-van", "article"),
    ("https://thainguyen.gov.vn/tin-tuc-su-kien", "listing"),
    ("https://thainguyen.gov.vn/c/portal/login", "excluded"),
    ("https://hotropldn.thainguyen.gov.vn/news/chu-truong-chinh-sach/thai-nguyen-phuong-an-sap-xep-2050.html", "article"),
    ("https://tuyengiaothainguyen.org.vn/vi/news/90-nam-truyen-thong-nganh-tuyen-giao/tuyen-giao-thai-nguyen-518.html",
     "article"),
    ("https://hotropldn.thainguyen.gov.vn/news/chu-truong-chinh-sach/page-3", "listing"),
    ("https://yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=30660&l=Tintrongtinh&lv=11", "article"),
    ("https://yenbai.gov.vn/noidung/tintuc/Pages/danh-sach-tin-tuc.aspx?l=Tintrongtinh&page=2", "listing"),
    ("https://yenbai.gov.vn/_layouts/15/Authenticate.aspx", "excluded"),
    ("https://thainguyen.dcs.vn/xay-dung-dang/tag/lich-su/page-5", "listing"),
    ("https://thainguyen.dcs.vn/xay-dung-dang/tham-dinh-ban-thao-lich-su-bao-dang-bo-5501.html", "article"),
    ("https://baochinhphu.vn/dat-ten-xa-phuong.html", "listing"),
    ("https://vpcp.chinhphu.vn/phat-huy-hon-nua-vai-tro-vi-tri-cua-cac-cong-ttdt-bo-nganh-115230812201019472.htm",
     "article"),
    ("https://tapchicongsan.org.vn/vi_VN/web/guest/ky-niem-90-nam/-/2018/815926/ban-linh-chinh-tri-cua-dang.aspx",
     "article"),
    ("https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet?dDocName=PORTAL512708", "article"),
    ("https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc", "listing"),
])
def test_patterns_recognise_real_urls(url: str, kind: str) -> None:
    host = url.split("/")[2]
    portal = next(p for p in load_portals(SEEDS_DIR) if p.allows_host(host))
    assert portal.classify(url) == kind


def test_bad_portal_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "x"\nseeds = []\n', encoding="utf-8")
    with pytest.raises(PortalError):
        load_portals(tmp_path)
    (tmp_path / "a.toml").write_text('seeds = ["https://a.vn/"]\narticle_patterns = ["("]\n', encoding="utf-8")
    with pytest.raises(PortalError):
        load_portals(tmp_path)
    (tmp_path / "a.toml").write_text('seeds = ["https://a.vn/"]\n[politeness]\nper_host = 0\n', encoding="utf-8")
    with pytest.raises(PortalError):
        load_portals(tmp_path)
    with pytest.raises(PortalError):
        load_portals(tmp_path / "nope")


def test_seeds_file_text_and_adhoc(tmp_path: Path) -> None:
    f = tmp_path / "seeds.txt"
    f.write_text("# comment\nhttps://www.a.vn/x\n\nhttp://b.vn:8080/y\n", encoding="utf-8")
    portals = load_seeds_file(f)
    assert [p.allowed_hosts for p in portals] == [("a.vn", "www.a.vn"), ("b.vn:8080", "www.b.vn:8080")]
    assert portals[0].allows_host("a.vn") and portals[0].allows_host("www.a.vn")
    assert not portals[0].allows_host("evil.vn")
    assert portal_for_urls(["https://c.vn/"])[0].seeds == ("https://c.vn/",)


def test_real_seeds_without_network_end_cleanly(tmp_path: Path) -> None:
    """Here there is no network: every portal host is reported unreachable, once."""
    portals = load_portals(SEEDS_DIR)
    t0 = time.monotonic()
    summary = crawl(portals=portals, index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    assert time.monotonic() - t0 < 30
    hosts = {u.split("/")[2] for p in portals for u in (*p.seeds, *p.feeds)}
    assert sorted(p.host for p in summary.problems) == sorted(hosts)
    assert all(p.kind == "unreachable" for p in summary.problems)
    assert summary.pages_fetched == 0
    assert len(summary.lines()) == 1 + len(hosts)


def test_seed_urls_pick_up_known_portal_settings() -> None:
    from govsearch.crawl.portals import portals_for_seeds
    known = load_portals(SEEDS_DIR)
    got = portals_for_seeds(["https://thainguyen.gov.vn/tin-tong-hop?utm_source=x", "https://example.vn/a"], known)
    assert got[0].name == known[0].name and got[0].seeds == ("https://thainguyen.gov.vn/tin-tong-hop",)
    assert got[0].delay == known[0].delay and got[0].article_patterns == known[0].article_patterns
    assert got[1].allowed_hosts == ("example.vn", "www.example.vn")
