"""A category page holding a single story is a listing, not that story."""

from tests.fixtures.portals.server import PORTALS

from govsearch.extract import extract


def test_category_with_one_teaser_is_not_an_article():
    html = (PORTALS / "dcs" / "tuyen-giao" / "index.html").read_bytes()
    assert extract(html, "https://thainguyen.dcs.vn/tuyen-giao/") is None


def test_the_story_it_links_to_is_an_article():
    html = (PORTALS / "dcs" / "tuyen-giao" / "ky-niem-ngay-truyen-thong-nganh-tuyen-giao-5502.html").read_bytes()
    art = extract(html, "https://thainguyen.dcs.vn/tuyen-giao/ky-niem-ngay-truyen-thong-nganh-tuyen-giao-5502.html")
    assert art is not None and art.title.startswith("Kỷ niệm 92 năm")
