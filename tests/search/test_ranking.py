"""Ranking that reads the body: adjacency for every match, readings by association,
one total order for paging, names in every spelling, numbers next to a document type."""

from __future__ import annotations

import pytest

from govsearch import SearchEngine

from ..conftest import art, sample_articles


BODY = [
    # the phrase as typed, in the body only
    art(1, "Hội nghị tổng kết năm", "Tỉnh tổng kết công tác dân vận năm 2023 và bàn nhiệm vụ mới."),
    # both syllables in the title, apart ("Vận động dân ..."), and again apart in the body
    art(2, "Vận động dân không rải vàng mã", "Người dân được vận động giữ gìn nếp sống văn minh."),
    # a word boundary: "người dân | vẫn còn"
    art(3, "Nước sạch cho vùng cao", "Nhiều hộ dân vẫn thiếu nước sạch trong mùa khô."),
    # only folded: "dẫn vấn"
    art(4, "Hướng dẫn vấn đề thủ tục", "Cán bộ hướng dẫn vấn đề thủ tục cho dân về vận tải."),
    art(5, "Quán triệt Nghị định 100/2019/NĐ-CP", "Nghị định 100/2019/NĐ-CP quy định xử phạt giao thông."),
    art(6, "Xử phạt theo Nghị định số 100", "Công an tỉnh áp dụng Nghị định số 100 trong xử phạt."),
    art(7, "Rà soát hơn 100 nghị định", "Bộ Tư pháp rà soát hơn 100 nghị định, trong đó có Nghị định 67."),
    art(8, "Thực hiện Nghị định 67", "Tỉnh thực hiện Nghị định 67 về hỗ trợ ngư dân, 100 hộ được hỗ trợ."),
    art(9, "Thành phố Hồ Chí Minh phát triển giao thông", "TP.HCM mở rộng tuyến đường vành đai."),
    art(10, "TPHCM thu hút đầu tư", "Thành phố thu hút vốn đầu tư nước ngoài, Hồ Chí Minh là tên thành phố."),
    art(11, "Hà Nội và thành phố Hồ Chí Minh", "Hai thành phố lớn nhất cả nước hợp tác."),
    art(12, "Thành phố Huế và lăng Hồ Chí Minh", "Thành phố Huế cử đoàn viếng lăng Chủ tịch Hồ Chí Minh."),
    art(13, "Công tác dân vận của chính quyền", "Dân vận khéo ở cơ sở: công tác dân vận được nâng lên."),
]


@pytest.fixture
def body_engine(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(BODY)
    yield engine
    engine.close()


def urls(result) -> list[int]:
    return [int(h.url.rsplit("/", 1)[1].split(".")[0]) for h in result.hits]


def test_phrase_in_the_body_outranks_syllables_apart_in_the_title(body_engine):
    order = urls(body_engine.search("dân vận", limit=20))
    holders = {1, 13}
    assert set(order[:2]) == holders
    for other in (2, 3, 4):
        assert other in order and order.index(other) > 1


def test_accentless_reading_chosen_by_association_not_raw_counts(tmp_path):
    # "dân vẫn" stands together more often than "dân vận", but "vẫn" is everywhere:
    # the term is "dân vận", the other a boundary between two words
    vẫn = [art(100 + i, f"Tin {i}", f"Người dân vẫn chờ. Anh vẫn đi. Chị vẫn về. Họ vẫn ở lại {i}.")
           for i in range(6)]
    vận = [art(200 + i, f"Bài {i}", f"Công tác dân vận ở xã {i} được chú trọng.") for i in range(3)]
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(vẫn + vận + [art(300, "Vận tải", "Xe vận tải chở hàng.")])
    r = engine.search("dan van")
    assert r.suggestion == "dân vận"

    assert {int(h.url.rsplit("/", 1)[1].split(".")[0]) for h in r.hits[:3]} == {200, 201, 202}


def test_a_three_syllable_reading_is_chosen_by_the_pairs_meeting(tmp_path):
    """ "đổi so" is the stronger pair ("thay đổi so với"), but the articles holding
    it do not hold "chuyển đổi": read as a whole, "chuyen doi so" is "chuyển đổi số"."""
    arts = [art(i, f"Giá tháng {i}", "Giá điện thay đổi so với năm trước.") for i in range(1, 8)]
    arts += [art(i, f"Tỉnh họp {i}", "Tỉnh đẩy mạnh chuyển đổi số.") for i in range(8, 11)]
    arts += [art(i, f"Nhà máy {i}", "Nhà máy chuyển đổi công nghệ.") for i in range(11, 13)]
    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many(arts)
        assert engine.search("doi so").suggestion == "đổi so"  # the pair alone
        assert engine.search("chuyen doi so").suggestion == "chuyển đổi số"


def test_every_spelling_of_a_name_finds_the_same_articles(body_engine):
    spellings = ["TP.HCM", "TP HCM", "tp hcm", "TPHCM", "Thành phố Hồ Chí Minh", "thanh pho ho chi minh"]
    found = [set(urls(body_engine.search(q, limit=20))) for q in spellings]
    assert all(f == found[0] for f in found), dict(zip(spellings, found))
    # the words of the name standing apart ("Thành phố Huế ... Hồ Chí Minh") are not the name
    assert found[0] == {9, 10, 11}


def test_number_next_to_a_document_type(body_engine):
    order = urls(body_engine.search("nghị định 100", limit=20))
    assert set(order[:2]) == {5, 6}
    assert set(order) >= {7}  # "hơn 100 nghị định" matches, below
    order = urls(body_engine.search("nghi dinh 100", limit=20))
    assert set(order[:2]) == {5, 6}


def test_quoted_phrase_is_strict(body_engine):
    assert set(urls(body_engine.search('"dân vận"', limit=20))) == {1, 13}
    assert set(urls(body_engine.search('"công tác dân vận"', limit=20))) == {1, 13}
    assert set(urls(body_engine.search('"nghị định 100"', limit=20))) == {5}  # not "Nghị định số 100"
    # typed without diacritics, a phrase matches folded: "dân vẫn", "dẫn vấn" too
    assert set(urls(body_engine.search('"dan van"', limit=20))) == {1, 3, 4, 13}


def test_long_query_is_cut_with_a_notice(body_engine):
    r = body_engine.search("dân " * 5000)
    assert r.notices and r.total >= 0


def test_paging_is_one_total_order(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(sample_articles())
    for q in ("việt nam", "tinh", "công an"):
        big = engine.search(q, limit=100, page=1)
        assert big.total > 100
        paged = []
        for page in range(1, 11):
            paged += [h.url for h in engine.search(q, limit=10, page=page, facets=False).hits]
        assert paged == [h.url for h in big.hits]
        assert len(set(paged)) == len(paged)
        last = engine.search(q, limit=10, page=big.pages if big.pages <= 1000 else 1000)
        assert last.hits


RUNS = [
    # both pairs of "chuyển đổi số", apart: "chuyển đổi" here, "thay đổi số" there
    art(1, "Chuyển đổi mã vùng điện thoại", "Nhà mạng chuyển đổi mã vùng; khách hàng thay đổi số điện thoại."),
    # the run whole, in the body
    art(2, "Tỉnh họp bàn kế hoạch năm", "Tỉnh đẩy mạnh chuyển đổi số trong cơ quan nhà nước."),
    art(3, "Chuyển đổi cơ cấu cây trồng", "Nông dân chuyển đổi cây trồng, đổi số vụ trong năm."),
    # a name written out, and the same story with its abbreviation
    art(4, "Tăng mức đóng theo quy định", "Người lao động đóng bảo hiểm xã hội theo lương tháng."),
    art(5, "Tăng mức đóng theo quy định", "Người lao động đóng BHXH theo lương tháng."),
]


@pytest.fixture
def runs_engine(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(RUNS)
    yield engine
    engine.close()


@pytest.mark.parametrize("q", ["chuyển đổi số", "chuyen doi so"])
def test_a_whole_run_outranks_its_pairs_standing_apart(runs_engine, q):
    hits = runs_engine.search(q).hits
    assert hits[0].url.endswith("/2.html"), [h.title for h in hits]


def test_the_form_typed_comes_first_and_every_form_still_counts(runs_engine):
    long = runs_engine.search("bảo hiểm xã hội")
    short = runs_engine.search("BHXH")
    assert long.total == short.total == 2
    assert long.hits[0].url.endswith("/4.html") and short.hits[0].url.endswith("/5.html")


def test_holding_the_name_as_typed_earns_its_abbreviation_whole(tmp_path):
    """Typed in full, the article that abbreviates the name in its title and spells
    it out in its body comes before the one that only abbreviates it: holding
    the form typed earns the abbreviation's whole score, not OTHER_FORM of it."""
    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many([
            art(1, "HĐND tỉnh họp kỳ thứ năm", "Kỳ họp bàn ngân sách năm tới."),
            art(2, "HĐND tỉnh họp kỳ thứ năm", "Kỳ họp của Hội đồng nhân dân bàn ngân sách."),
            art(3, "Tin văn hóa", "Nhà văn hóa mới mở cửa."),
        ])
        assert [h.url[-6:] for h in engine.search("hội đồng nhân dân").hits] == ["2.html", "1.html"]
        assert engine.search("HĐND").total == 2
