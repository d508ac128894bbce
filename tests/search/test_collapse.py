"""Copies shown once: one hit per copy group, the earliest as the original, the others listed."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from govsearch import Article, SearchEngine
from govsearch.text import swap_tone_style

STORY = (
    "Sáng 12/3, Ban Dân vận Tỉnh uỷ Thái Nguyên tổ chức hội nghị sơ kết công tác dân vận quý I. "
    "Đồng chí Trưởng ban Dân vận Tỉnh uỷ chủ trì hội nghị và phát biểu chỉ đạo. "
    "Trong quý, các cấp uỷ đảng đã lãnh đạo thực hiện tốt phong trào thi đua dân vận khéo, "
    "xây dựng được 214 mô hình mới ở cơ sở, góp phần phát triển kinh tế - xã hội. "
    "Hội nghị đã thảo luận về những khó khăn, vướng mắc trong việc vận động nhân dân hiến đất làm đường "
    "giao thông nông thôn và đề ra giải pháp trong thời gian tới.\n"
    "Quang cảnh hội nghị (Ảnh: Thu Hằng)"
)
TITLE = "Sơ kết công tác dân vận quý I"


def story(source: str, day: int, body: str = STORY, title: str = TITLE, n: int = 1) -> Article:
    return Article(url=f"https://{source}/tin/{n}-so-ket-dan-van.html", title=title, body=body,
                   published=datetime(2024, 3, day, 9, 0), source=source)


def others(n: int) -> list[Article]:
    """Different stories about the same topic, one a day."""
    return [Article(url=f"https://dcs.vn/tin/{k}.html", title=f"Dân vận khéo ở xã số {k}",
                    body=f"Xã số {k} có mô hình dân vận khéo về {['nước sạch', 'đường làng', 'trường học'][k % 3]}"
                         f" với {k * 7 + 3} hộ tham gia, huy động {k * 11 + 5} triệu đồng.",
                    published=datetime(2024, 1, 1 + k, 8, 0), source="dcs.vn")
            for k in range(1, 13)]


COPIES = [
    story("baochinhphu.vn", 12),                                                   # the original
    story("thainguyen.gov.vn", 13, "CTTĐT - " + STORY.replace("(Ảnh: Thu Hằng)", "(Ảnh: Cổng TTĐT)")),
    story("quangninh.gov.vn", 14, unicodedata.normalize("NFD", STORY.rsplit("\n", 1)[0])),
    story("dangcongsan.vn", 15, " ".join(swap_tone_style(w) for w in STORY.split(" "))),
]


@pytest.fixture
def engine(tmp_path):
    with SearchEngine(tmp_path / "ix") as e:
        # the copies first in the import, the original among them: the group is not import order
        e.add_many([COPIES[2], COPIES[1], *others(12), COPIES[0], COPIES[3]])
        yield e


def test_copies_are_one_hit_shown_as_the_earliest(engine):
    r = engine.search("sơ kết dân vận")
    urls = [h.url for h in r.hits]
    assert urls.count(COPIES[0].url) == 1
    assert not {c.url for c in COPIES[1:]} & set(urls)
    hit = next(h for h in r.hits if h.url == COPIES[0].url)
    assert hit.source == "baochinhphu.vn" and hit.copies_total == 3
    assert [c.source for c in hit.copies] == ["thainguyen.gov.vn", "quangninh.gov.vn", "dangcongsan.vn"]
    assert [c.url for c in hit.copies] == [c.url for c in COPIES[1:]]
    assert r.groups == r.total - 3 and r.collapsed
    d = r.to_dict()
    assert d["groups"] == r.groups and d["collapsed"] is True
    assert d["hits"][urls.index(COPIES[0].url)]["copies"][0] == {
        "url": COPIES[1].url, "title": TITLE, "source": "thainguyen.gov.vn",
        "published": "2024-03-13T09:00:00+07:00"}


def test_all_copies_lists_every_one(engine):
    r = engine.search("sơ kết dân vận", collapse=False)
    assert {c.url for c in COPIES} <= {h.url for h in r.hits}
    assert r.groups is None and not r.collapsed and all(h.copies == [] for h in r.hits)
    assert r.total == engine.search("sơ kết dân vận").total  # total counts articles either way
    assert r.to_dict()["collapsed"] is False


def test_the_group_keeps_the_best_members_place_and_filters_choose_the_members(engine):
    # by date, newest first: the group sits where its newest member (15/3) would
    by_date = engine.search("dân vận", sort="date")
    assert by_date.hits[0].url == COPIES[0].url and by_date.hits[0].copies_total == 3
    # a filter keeps only its own members: one portal's copy is the original there
    only = engine.search("sơ kết dân vận", source="quangninh.gov.vn")
    assert [h.url for h in only.hits] == [COPIES[2].url] and only.hits[0].copies == []
    later = engine.search("sơ kết dân vận", since=datetime(2024, 3, 14))
    hit = next(h for h in later.hits if h.url in {c.url for c in COPIES})
    assert hit.url == COPIES[2].url and [c.url for c in hit.copies] == [COPIES[3].url]
    # the facets count articles, every copy among them
    full = engine.search("sơ kết dân vận")
    assert sum(full.facets["source"].values()) == full.total
    assert full.facets["month"]["2024-03"] == 4


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_paging_is_one_order_of_groups_whatever_the_page_size(engine, sort):
    whole = engine.search("dân vận", sort=sort, limit=100)
    assert len(whole.hits) == whole.groups
    for size in (1, 2, 3, 5):
        n = -(-whole.groups // size)
        pages = [engine.search("dân vận", sort=sort, limit=size, page=p) for p in range(1, n + 2)]
        assert pages[0].pages == n and pages[-1].hits == []
        listed = [h.url for p in pages for h in p.hits]
        assert listed == [h.url for h in whole.hits], size
        assert len(set(listed)) == len(listed)


def test_an_article_of_a_second_import_joins_the_first_imports_group(tmp_path):
    with SearchEngine(tmp_path / "ix") as e:
        e.add_many([COPIES[0], *others(12)])
        e.add_many([COPIES[1]])                      # another import, a crawl: a later commit
        e.add(COPIES[3])
        hit = e.search("sơ kết dân vận").hits[0]
        assert hit.url == COPIES[0].url and [c.url for c in hit.copies] == [COPIES[1].url, COPIES[3].url]
    # and after the index is opened again
    with SearchEngine(tmp_path / "ix") as e:
        e.add(COPIES[2])
        hit = e.search("sơ kết dân vận").hits[0]
        assert hit.copies_total == 3


def test_an_earlier_copy_arriving_later_becomes_the_original(tmp_path):
    with SearchEngine(tmp_path / "ix") as e:
        e.add_many([COPIES[1], COPIES[3]])
        e.add(COPIES[0])
        hit = e.search("sơ kết dân vận").hits[0]
        assert hit.url == COPIES[0].url and hit.copies_total == 2


def test_a_deleted_or_rewritten_article_leaves_its_group(engine):
    assert engine.delete(COPIES[0].url)
    hit = engine.search("sơ kết dân vận").hits[0]
    # the group lives on in its other members; the earliest of them is the original now
    assert hit.url == COPIES[1].url and [c.url for c in hit.copies] == [COPIES[2].url, COPIES[3].url]
    # re-indexed as another story, an article leaves the group it was in
    engine.add(Article(url=COPIES[1].url, title="Tỉnh uỷ giao ban tháng 3",
                       body="Chiều 20/3, Thường trực Tỉnh uỷ giao ban với các ban xây dựng Đảng về công tác "
                            "tổ chức cán bộ, kiểm tra, giám sát và tuyên giáo trong tháng tới.",
                       published=datetime(2024, 3, 20, 14, 0), source="thainguyen.gov.vn"))
    r = engine.search("sơ kết dân vận")
    hit = next(h for h in r.hits if h.url in {c.url for c in COPIES})
    assert hit.url == COPIES[2].url and [c.url for c in hit.copies] == [COPIES[3].url]
    alone = engine.search("giao ban tháng 3").hits[0]
    assert alone.url == COPIES[1].url and alone.copies == []


def test_exact_duplicates_under_different_urls_are_copies(tmp_path):
    a = Article(url="urn:id:vnds-1", title="Vận động dân không rải vàng mã khi đưa tang", body=STORY)
    b = Article(url="urn:id:vnds-2", title="Vận động dân không rải vàng mã khi đưa tang", body=STORY)
    with SearchEngine(tmp_path / "ix") as e:
        e.add_many([b, a])
        r = e.search("vàng mã")
        # undated: the stable key decides, the same whichever came first
        assert [h.url for h in r.hits] == ["urn:id:vnds-1"] and r.hits[0].copies[0].url == "urn:id:vnds-2"
        assert r.total == 2 and r.groups == 1


def test_the_same_template_for_another_day_is_not_a_copy(tmp_path):
    later = story("baochinhphu.vn", 19, STORY.replace("12/3", "19/3").replace("214", "226"), n=2)
    with SearchEngine(tmp_path / "ix") as e:
        e.add_many([COPIES[0], later])
        r = e.search("sơ kết dân vận")
        assert r.total == r.groups == 2
