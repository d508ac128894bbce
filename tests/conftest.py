"""Shared fixtures: a small Vietnamese corpus written for the tests, and the shared corpus sample.

The sample lives in ../shared beside the clone (CI has it; a user's clone does
not): tests that need it skip with a reason naming the missing path.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

import pytest

from govsearch import Article, SearchEngine

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = SHARED / "corpus" / "vnnews-sample-1k.jsonl"


def art(n: int, title: str, body: str, *, source: str = "thainguyen.gov.vn", published=None,
        summary: str = "", author: str = "", category: str = "") -> Article:
    return Article(url=f"https://{source}/tin-tuc/{n}.html", title=title, body=body, summary=summary,
                   published=published, source=source, author=author, category=category)


SMALL = [
    art(1, "Cán bộ dân vận phải kiên trì, không nóng vội",
        "Hội nghị tổng kết công tác dân vận năm 2021. Ban Dân vận Tỉnh ủy Thái Nguyên chủ trì.",
        published=datetime(2022, 1, 13, 16, 51), author="Hoàng Minh", category="Tin tức"),
    art(2, "Tỉnh uỷ họp về công tác dân vận",
        "Ban Thường vụ Tỉnh uỷ họp bàn công tác dân vận của hệ thống chính trị.",
        published=datetime(2022, 3, 2, 8, 0), category="Tin tức"),
    art(3, "Dẫn vấn đề ra hội nghị", "Đại biểu dẫn vấn đề về giao thông nông thôn ra hội nghị.",
        source="baochinhphu.vn", published=datetime(2021, 6, 5, 9, 30)),
    art(4, "Dan van la gi", "Bai viet khong dau ve dan van.", source="dcs.vn",
        published=datetime(2020, 1, 1, 7, 0)),
    art(5, "Ủy ban nhân dân tỉnh Thái Nguyên triển khai nhiệm vụ năm 2022",
        "Ủy ban nhân dân tỉnh họp phiên thường kỳ tháng 1 về phát triển kinh tế - xã hội.",
        published=datetime(2022, 1, 20, 10, 0)),
    art(6, "UBND tỉnh chỉ đạo phòng chống dịch", "UBND tỉnh yêu cầu các sở, ngành tăng cường phòng chống dịch.",
        published=datetime(2021, 8, 1, 15, 0)),
    art(7, "Quán triệt Quy định số 11-QĐi/TW của Bộ Chính trị",
        "Hội nghị quán triệt Quy định 11-QĐi/TW về trách nhiệm của người đứng đầu cấp ủy.",
        source="dcs.vn", published=datetime(2024, 5, 10, 14, 0)),
    art(8, "Tổng kết năm 11 nhiệm vụ", "Trong năm, tỉnh hoàn thành 11 nhiệm vụ. Ban QĐi họp. TW chỉ đạo.",
        source="dcs.vn", published=datetime(2023, 2, 2, 9, 0)),
    art(9, "Thành phố Hồ Chí Minh đẩy mạnh chuyển đổi số", "Thành phố Hồ Chí Minh triển khai đề án chuyển đổi số.",
        source="baochinhphu.vn", published=datetime(2023, 7, 7, 7, 7)),
    art(10, "Hoà bình và hợp tác", "Việt Nam coi trọng hoà bình, hợp tác và phát triển trong khu vực.",
        source="baochinhphu.vn", published=datetime(2019, 9, 2, 9, 0)),
    art(11, "Văn hóa cơ sở", "Phong trào toàn dân đoàn kết xây dựng đời sống văn hoá ở khu dân cư.",
        published=datetime(2018, 4, 4, 8, 0)),
    art(12, "Bảo đảm an ninh trật tự", "Công an tỉnh bảo đảm an ninh, trật tự ở vùng sâu.", source="dcs.vn"),
]


@pytest.fixture
def small_engine(tmp_path) -> SearchEngine:
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(SMALL)
    yield engine
    engine.close()


def need_shared(path: Path) -> Path:
    """`path` if it exists, else skip the calling test, naming what is missing."""
    if not path.exists():
        pytest.skip(f"needs {path} (the shared research files beside the clone; CI has them)")
    return path


def sample_articles(n: int | None = None) -> list[Article]:
    need_shared(SAMPLE)
    out = []
    with open(SAMPLE, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if n is not None and i >= n:
                break
            d = json.loads(line)
            out.append(Article(url=d.get("url") or f"urn:id:{d['id']}", title=d["title"], body=d["body"]))
    return out


WORDS = ("cán bộ dân vận tỉnh ủy ban nhân dân hội nghị tổng kết công tác năm triển khai nhiệm vụ "
         "phát triển kinh tế xã hội chuyển đổi số giao thông nông thôn an ninh trật tự văn hóa "
         "đoàn kết khu dân cư quy định trách nhiệm người đứng đầu cấp ủy thành phố huyện").split()


def synthetic_records(n: int, *, seed: int = 0, words: int = 120) -> list[dict]:
    """n JSONL records of made-up Vietnamese text: bulk without ../shared."""
    rng = random.Random(seed)
    hosts = ["thainguyen.gov.vn", "baochinhphu.vn", "dcs.vn"]
    out = []
    for i in range(n):
        host = hosts[i % len(hosts)]
        out.append({"url": f"https://{host}/tin/{i}.html",
                    "title": " ".join(rng.choices(WORDS, k=8)).capitalize(),
                    "body": " ".join(rng.choices(WORDS, k=words)) + ".",
                    "published": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}T08:00:00",
                    "source": host})
    return out
