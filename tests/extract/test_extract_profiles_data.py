"""Profiles are data: the built-in families load from TOML, a portal file adds its own, bad ones fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsearch.crawl.portals import PortalError, load_portal, load_portals
from govsearch.extract import PROFILES, Extractor, ProfileError, detect_cms, extract, extract_page, profiles_from_toml
from govsearch.extract.profile_data import BUILTIN

ROOT = Path(__file__).resolve().parents[2]
PROSE = ("Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác sáu tháng đầu năm, đánh giá kết quả "
         "thực hiện các chỉ tiêu phát triển kinh tế - xã hội và đề ra nhiệm vụ trọng tâm sáu tháng cuối năm.")

# A portal whose headline and stamp sit in blocks no generic rule would pick: a title made of a teaser-like
# link and a stamp printed below a second, decoy stamp.
CUSTOM_PAGE = (
    "<html><head><title>Trang tin</title></head><body><div class='box'><span class='tin-ngay'>01/01/2020</span>"
    "<div class='tin-tieu-de-rieng'>Tiêu đề riêng của cổng này</div>"
    "<div class='thoi-gian-dang'>Đăng lúc 08:45 ngày 03/02/2024</div>"
    f"<div class='bai-viet'><p>{PROSE}</p><p>{PROSE}</p></div>"
    "<div class='nguoi-viet'>Lê Thị Mai</div></div></body></html>")
SEED = """
name = "Cổng thử"
seeds = ["https://congthu.gov.vn/"]
allowed_hosts = ["congthu.gov.vn"]

[profile]
name = "congthu"
title = [".tin-tieu-de-rieng"]
date = [".thoi-gian-dang"]
author = [".nguoi-viet"]
body = [".bai-viet"]
[profile.match]
hosts = ["congthu.gov.vn"]
"""


def test_builtin_families_are_data_and_all_load() -> None:
    assert BUILTIN.suffix == ".toml" and BUILTIN.exists()
    names = [p.name for p in PROFILES]
    assert names[:5] == ["nukeviet", "baochinhphu", "dcs", "sharepoint", "liferay"]
    assert {"webcenter", "aspnet-newsdetail", "joomla", "wordpress", "drupal"} <= set(names)
    for profile in PROFILES:
        assert profile.body or profile.not_article_url is not None, profile.name


def test_the_shipped_seed_files_still_load(tmp_path: Path) -> None:
    portals = load_portals(ROOT / "crawl_seeds")
    assert len(portals) >= 7
    assert all(isinstance(p.profiles, tuple) for p in portals)


def test_a_portal_file_carries_its_own_profile(tmp_path: Path) -> None:
    seed = tmp_path / "99-congthu.toml"
    seed.write_text(SEED, encoding="utf-8")
    portal = load_portal(seed)
    assert [p.name for p in portal.profiles] == ["congthu"]
    url = "https://congthu.gov.vn/tin/bai-1.html"
    assert detect_cms(CUSTOM_PAGE, url, portal.profiles) == "congthu"
    result = extract_page(CUSTOM_PAGE, url, profiles=portal.profiles)
    assert result.article is not None
    assert result.article.title == "Tiêu đề riêng của cổng này"
    assert result.article.published is not None and result.article.published.isoformat() == "2024-02-03T08:45:00+07:00"
    assert result.article.author == "Lê Thị Mai"
    assert result.sources["published"] == "congthu profile selector .thoi-gian-dang"
    # The crawler's callable: the same answer through Extractor.
    assert Extractor(portal.profiles)(CUSTOM_PAGE, url) == result.article
    # Without the profile the generic rules agree: the stamp after the headline beats the one above it.
    plain = extract(CUSTOM_PAGE, url)
    assert plain is not None and plain.published is not None and plain.published.year == 2024


def test_a_portal_file_names_profile_files(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "congthu.toml").write_text(
        "[[profile]]\n" + SEED.split("[profile]\n", 1)[1], encoding="utf-8")
    seed = tmp_path / "congthu.toml"
    head, _ = SEED.split("[profile]")
    seed.write_text('profiles = ["profiles/congthu.toml"]\n' + head, encoding="utf-8")
    assert [p.name for p in load_portal(seed).profiles] == ["congthu"]


@pytest.mark.parametrize(("text", "message"), [
    ('[[profile]]\nname = "x"\ntitle = ["h1[["]\n', "bad CSS selector"),
    ('[[profile]]\nname = "x"\ntitel = ["h1"]\n', "unknown keys"),
    ('[[profile]]\ntitle = ["h1"]\n', "needs a name"),
    ('[[profile]]\nname = "x"\nnot_article_url = "(unclosed"\n', "bad regex"),
    ('[[profile]]\nname = "x"\n[profile.match]\ncolour = ["x"]\n', "unknown match keys"),
    ('[[profile]]\nname = "x"\nbody = "not a list ]\n', "profiles.toml"),
])
def test_bad_profiles_fail_with_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        profiles_from_toml(text, "profiles.toml")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_bad_profile_in_a_portal_file_is_a_portal_error(tmp_path: Path) -> None:
    seed = tmp_path / "bad.toml"
    seed.write_text(SEED.replace('title = [".tin-tieu-de-rieng"]', 'title = [".a >> .b"]'), encoding="utf-8")
    with pytest.raises(PortalError, match="bad CSS selector"):
        load_portal(seed)
    missing = tmp_path / "missing.toml"
    missing.write_text('profiles = ["nowhere.toml"]\n' + SEED.split("[profile]")[0], encoding="utf-8")
    with pytest.raises(PortalError, match="cannot read profiles file"):
        load_portal(missing)


def test_an_extractor_with_portal_profiles_survives_pickling_for_worker_processes(tmp_path: Path) -> None:
    import pickle

    seed = tmp_path / "99-congthu.toml"
    seed.write_text(SEED, encoding="utf-8")
    extractor = Extractor(load_portal(seed).profiles)
    clone = pickle.loads(pickle.dumps(extractor))
    url = "https://congthu.gov.vn/tin/bai-1.html"
    assert [p.name for p in clone.profiles] == ["congthu"]
    assert clone(CUSTOM_PAGE, url) == extractor(CUSTOM_PAGE, url)
