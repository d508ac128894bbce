"""parse_vietnamese_datetime: every day-first format portals print, and the clocks that are not dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from govsearch.extract import find_datetimes, is_clock, parse_vietnamese_datetime

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ Năm, 13/01/2022 16:51", datetime(2022, 1, 13, 16, 51, tzinfo=VN)),
        ("13-01-2022 16:51", datetime(2022, 1, 13, 16, 51, tzinfo=VN)),
        ("16:51 | 13/01/2022", datetime(2022, 1, 13, 16, 51, tzinfo=VN)),
        ("21:28 22/09/2025", datetime(2025, 9, 22, 21, 28, tzinfo=VN)),
        ("ngày 08 tháng 12 năm 2024", datetime(2024, 12, 8, tzinfo=VN)),
        ("Chủ nhật, ngày 08 tháng 12 năm 2024 16:02 (GMT +7)", datetime(2024, 12, 8, 16, 2, tzinfo=VN)),
        ("Thứ ba, 25 Tháng 1 2022 16:22", datetime(2022, 1, 25, 16, 22, tzinfo=VN)),
        ("Thứ tư - 29/07/2020 23:14   Đã xem: 530", datetime(2020, 7, 29, 23, 14, tzinfo=VN)),
        ("13/10/2020, 20:57", datetime(2020, 10, 13, 20, 57, tzinfo=VN)),
        ("15/05/2025", datetime(2025, 5, 15, tzinfo=VN)),
        ("Cập nhật lúc 08:05, 3/3/2023", datetime(2023, 3, 3, 8, 5, tzinfo=VN)),
        ("16h51 ngày 13/1/2022", datetime(2022, 1, 13, 16, 51, tzinfo=VN)),
        ("2025-10-11T10:02:08+0700", datetime(2025, 10, 11, 10, 2, 8, tzinfo=VN)),
        ("2025-10-11T10:02:08+07:00", datetime(2025, 10, 11, 10, 2, 8, tzinfo=VN)),
        # Another offset is the same instant, shown in Vietnamese time.
        ("2025-10-11T03:02:08Z", datetime(2025, 10, 11, 10, 2, 8, tzinfo=VN)),
        ("13\u00a0/\u00a001/2022\u00a016:51", datetime(2022, 1, 13, 16, 51, tzinfo=VN)),
    ],
)
def test_formats(text: str, expected: datetime) -> None:
    got = parse_vietnamese_datetime(text)
    assert got == expected
    assert got is not None and got.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text",
    ["Hôm nay, ngày 29 tháng 8 năm 2015", "Hôm nay: 26-11-2026", "hôm nay 13/01/2022 16:51"],
)
def test_header_clock_is_not_a_date(text: str) -> None:
    assert is_clock(text)
    assert parse_vietnamese_datetime(text) is None


@pytest.mark.parametrize("text", ["", "không có ngày", "31/02/2022 10:00", "13/13/2022", "01/01/0001", "1234/QĐ-UBND"])
def test_no_date(text: str) -> None:
    assert parse_vietnamese_datetime(text) is None


def test_day_first_never_month_first() -> None:
    assert parse_vietnamese_datetime("05/03/2021") == datetime(2021, 3, 5, tzinfo=VN)


def test_bad_time_keeps_the_date() -> None:
    assert parse_vietnamese_datetime("13/01/2022 27:99") == datetime(2022, 1, 13, tzinfo=VN)


def test_find_all_in_order() -> None:
    text = "06:14 12/08/2022 Bài một.11:25 30/07/2022 Bài hai. ngày 5 tháng 3 năm 2021"
    found = [m.value for m in find_datetimes(text)]
    assert found == [datetime(2022, 8, 12, 6, 14, tzinfo=VN), datetime(2022, 7, 30, 11, 25, tzinfo=VN),
                     datetime(2021, 3, 5, tzinfo=VN)]
    assert [m.has_time for m in find_datetimes(text)] == [True, True, False]
