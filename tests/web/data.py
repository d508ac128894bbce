"""Articles for the web tests: enough about "dân vận" for three pages, over five sources and six years."""

from __future__ import annotations

from datetime import datetime

from govsearch import Article

SOURCES = ["thainguyen.gov.vn", "baochinhphu.vn", "dangcongsan.vn", "quangninh.gov.vn", "dcs.vn"]
PLACES = ["Thái Nguyên", "Quảng Ninh", "Hà Giang", "Nghệ An", "Đồng Tháp", "Lâm Đồng"]
TITLES = [
    "{place} tổng kết công tác dân vận năm {prev}",
    "Phát huy vai trò của Mặt trận trong công tác dân vận ở {place}",
    "Dân vận khéo góp phần xây dựng nông thôn mới tại {place}",
    "Hội nghị giao ban công tác dân vận quý I năm {year} của {place}",
]
BODY = ("Ngày {day}/{month}/{year}, Ban Dân vận Tỉnh ủy {place} tổ chức hội nghị. Đồng chí Trưởng ban "
        "nhấn mạnh: cán bộ dân vận phải gần dân, hiểu dân, trọng dân; phong trào thi đua dân vận khéo "
        "được triển khai sâu rộng ở cơ sở, góp phần phát triển kinh tế - xã hội của địa phương.")
OTHER = [
    ("UBND tỉnh chỉ đạo phòng chống thiên tai", "Ủy ban nhân dân tỉnh yêu cầu các sở, ngành chủ động phòng chống bão lũ."),
    ("Thành phố Hồ Chí Minh đẩy mạnh chuyển đổi số", "Thành phố triển khai đề án chuyển đổi số trong cơ quan nhà nước."),
    ("Quán triệt Quy định số 11-QĐi/TW", "Hội nghị quán triệt Quy định 11-QĐi/TW về trách nhiệm người đứng đầu."),
]


def web_articles() -> list[Article]:
    out = []
    for n in range(26):
        year = 2019 + n % 6
        place = PLACES[n % len(PLACES)]
        source = SOURCES[n % len(SOURCES)]
        day, month = 1 + n % 27, 1 + n % 12
        title = TITLES[n % len(TITLES)].format(place=place, year=year, prev=year - 1)
        out.append(Article(url=f"https://{source}/tin-tuc/dan-van-{n}.html", title=title,
                           body=BODY.format(day=day, month=month, year=year, place=place),
                           published=datetime(year, month, day, 9, 30), source=source))
    for n, (title, body) in enumerate(OTHER):
        out.append(Article(url=f"https://baochinhphu.vn/tin-tuc/khac-{n}.html", title=title, body=body,
                           published=datetime(2023, 5, 1 + n, 8, 0), source="baochinhphu.vn"))
    return out


# One story published four times (the copies tests: tests/web/test_copies.py, the browser test):
# the original, then three portals' copies with a dateline, another photo credit, the ending trimmed.
COPY_STORY = (
    "Sáng 8/4, Sở Nông nghiệp và Phát triển nông thôn tổ chức hội nghị triển khai kế hoạch trồng rừng gỗ lớn "
    "giai đoạn 2024 - 2030. Theo kế hoạch, toàn tỉnh sẽ chuyển hoá 3.500 ha rừng trồng gỗ nhỏ sang gỗ lớn, "
    "ưu tiên các loài cây bản địa có giá trị kinh tế cao. Các hộ dân tham gia được hỗ trợ cây giống, "
    "kỹ thuật chăm sóc và liên kết tiêu thụ sản phẩm với doanh nghiệp chế biến gỗ.\n"
    "Đại diện các huyện đã chia sẻ kinh nghiệm xây dựng vùng nguyên liệu và cấp chứng chỉ quản lý rừng bền vững.\n"
    "Quang cảnh hội nghị (Ảnh: Minh Khang)"
)
COPY_SOURCES = ["baochinhphu.vn", "thainguyen.gov.vn", "quangninh.gov.vn", "dcs.vn"]


def copy_articles() -> list[Article]:
    bodies = [COPY_STORY,
              "CTTĐT - " + COPY_STORY,
              COPY_STORY.replace("(Ảnh: Minh Khang)", "(Ảnh: Cổng TTĐT tỉnh)"),
              COPY_STORY.rsplit("\n", 1)[0]]
    return [Article(url=f"https://{source}/tin-tuc/trong-rung-go-lon.html",
                    title="Triển khai kế hoạch trồng rừng gỗ lớn", body=body,
                    published=datetime(2024, 4, 8 + n, 10, 0), source=source)
            for n, (source, body) in enumerate(zip(COPY_SOURCES, bodies))]
