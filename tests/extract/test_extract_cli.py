"""`govsearch extract FILE|URL`: run as a user runs it, on fixture pages from disk and over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.portals.server import PORTALS, load_truth, portal_server

CLI = [sys.executable, "-m", "govsearch.cli", "extract"]
TRUTH = load_truth()
WP_PATH = "/2023/05/12/tap-huan-chuyen-doi-so-cho-can-bo-xa/"


def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
    p = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=120,
                       env={**os.environ, "COLUMNS": "160"})
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    return p


def test_a_file_with_its_url_shows_each_field_and_its_rule() -> None:
    file = PORTALS / "wordpress" / WP_PATH.strip("/") / "index.html"
    p = run(str(file), "--url", "http://portal.test" + WP_PATH)
    truth = TRUTH["wordpress"]["articles"][WP_PATH]
    assert "kind     article" in p.stdout and "profile  wordpress" in p.stdout
    assert truth["title"] in p.stdout and "2023-05-12T08:15:00+07:00" in p.stdout
    assert "wordpress profile selector" in p.stdout


def test_json_output_names_sources_and_missing_fields() -> None:
    file = PORTALS / "vnews" / "nvideo" / "hoi-cho-nong-san-an-toan-193455.htm"
    data = json.loads(run(str(file), "--url", "http://portal.test/nvideo/hoi-cho-nong-san-an-toan-193455.htm",
                          "--json").stdout)
    assert data["kind"] == "article"
    assert data["article"]["published"] is None
    assert set(data["missing"]) >= {"published", "author"}
    assert data["sources"]["title"].startswith("h1 agreeing with")
    assert data["sources"]["body"] == "content density"


def test_a_listing_says_why() -> None:
    file = PORTALS / "provincial" / "tin-tuc" / "van-nghe" / "trang-2.html"
    p = run(str(file), "--url", "http://portal.test/tin-tuc/van-nghe/trang-2.html")
    assert "kind     listing" in p.stdout and "trang-2" in p.stdout


def test_a_url_is_fetched() -> None:
    path = next(iter(TRUTH["drupal"]["articles"]))
    with portal_server(PORTALS / "drupal") as site:
        data = json.loads(run(site.base + path, "--json").stdout)
        assert data["article"]["title"] == TRUTH["drupal"]["articles"][path]["title"]
        missing = run(site.base + "/khong-co-trang-nay", code=4)
    assert missing.stderr.count("\n") == 1 and "HTTP 404" in missing.stderr


def test_bad_input_is_one_line_and_a_stable_exit_code(tmp_path: Path) -> None:
    p = run(str(tmp_path / "nowhere.html"), code=4)
    assert p.stderr.startswith("error: cannot read") and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    page = tmp_path / "a.html"
    page.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    assert run(str(page), "--url", "ftp://x", code=2).stderr.count("\n") == 1
    bad = tmp_path / "p.toml"
    bad.write_text('[[profile]]\nname = "x"\ntitle = ["h1[["]\n', encoding="utf-8")
    p = run(str(page), "--profiles", str(bad), code=2)
    assert "bad CSS selector" in p.stderr and p.stderr.count("\n") == 1
    unreachable = run("http://127.0.0.1:9/", code=4)
    assert unreachable.stderr.startswith("error: cannot fetch")


def test_profiles_from_a_portal_file(tmp_path: Path) -> None:
    seed = tmp_path / "p.toml"
    seed.write_text('name = "x"\nseeds = ["http://portal.test/"]\n[profile]\nname = "mine"\n'
                    'title = [".entry-title"]\n[profile.match]\nhosts = ["portal.test"]\n', encoding="utf-8")
    file = PORTALS / "wordpress" / WP_PATH.strip("/") / "index.html"
    data = json.loads(run(str(file), "--url", "http://portal.test" + WP_PATH, "--profiles", str(seed),
                          "--json").stdout)
    assert data["profile"] == "mine"
    assert data["sources"]["title"] == "mine profile selector .entry-title"
    assert data["article"]["title"] == TRUTH["wordpress"]["articles"][WP_PATH]["title"]
