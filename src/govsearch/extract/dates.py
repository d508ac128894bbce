"""Vietnamese publication dates: day-first stamps, long forms, ISO, all at +07:00."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..article import VIETNAM_TZ

# Sanity window: portals print placeholder years (0001, 1900) and typos far off.
_MIN_YEAR, _MAX_YEAR = 1990, 2100

_SEP = r"[\s,|\-–—/·•]*"
_TIME = r"(?P<{p}h>\d{{1,2}})\s*(?::|h|giờ)\s*(?P<{p}m>\d{{2}})(?:\s*(?::|phút)\s*(?P<{p}s>\d{{2}}))?(?!\d)"

_ISO = re.compile(
    r"(?<![\d/.\-])(?P<y>\d{4})(?P<sep>[-/])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_NUMERIC = re.compile(r"(?<![\d/.\-])(?P<d>\d{1,2})\s*[/.\-]\s*(?P<mo>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})(?!\d)")
_LONG = re.compile(
    r"(?:ngày\s+)?(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<mo>\d{1,2})\s*(?:,\s*|\s+năm\s+|\s+)(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
# SharePoint and ASP.NET print 12-hour clocks: "3:05 CH" (chiều, p.m.), "9:40 SA" (sáng, a.m.), "PM".
_MERIDIEM = r"(?:\s*(?P<{p}ampm>SA|CH|AM|PM|A\.M\.|P\.M\.)(?![\w]))?"
_WEEKDAY = r"(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn|t[2-7])[\s,\-–]*)?"
_TIME_AFTER = re.compile(_SEP + r"(?:lúc\s*)?" + _TIME.format(p="a") + _MERIDIEM.format(p="a")
                         + r"(?:\s*\((?:GMT|UTC)\s*[+]\s*7(?::?00)?\))?", re.IGNORECASE)
_TIME_BEFORE = re.compile(_TIME.format(p="b") + _MERIDIEM.format(p="b") + r"(?:\s*(?:sáng|chiều|tối))?" + _SEP
                          + _WEEKDAY + r"(?:ngày\s*)?$", re.IGNORECASE)
_BEFORE_WINDOW = 36

# Portal headers print today's date: a clock, never the publication date.
_CLOCK = re.compile(r"\bhôm\s+nay\b|\btoday\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A datetime found in text, with where it sat and whether a time came with it."""

    value: datetime
    start: int
    end: int
    has_time: bool


def _fold(text: str) -> str:
    # NBSP and friends break \s-free patterns like "16:51 | 13/01/2022".
    text = unicodedata.normalize("NFC", text)
    return text.replace("\xa0", " ").replace("\u202f", " ").replace("\u2009", " ")


def _build(y: str, mo: str, d: str, h: str | None, mi: str | None, s: str | None) -> datetime | None:
    try:
        year, month, day = int(y), int(mo), int(d)
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        hour, minute, second = int(h or 0), int(mi or 0), int(s or 0)
        return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TZ)
    except ValueError:
        return None


def _offset(tz: str) -> timezone:
    if tz == "Z":
        return timezone.utc
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _iso_matches(text: str) -> list[DateMatch]:
    found = []
    for m in _ISO.finditer(text):
        value = _build(m["y"], m["mo"], m["d"], m["h"], m["mi"], m["s"])
        if value is None:
            continue
        if m["tz"]:
            # Keep the instant, show it in Vietnamese time like every other stamp.
            value = value.replace(tzinfo=_offset(m["tz"])).astimezone(VIETNAM_TZ)
        found.append(DateMatch(value, m.start(), m.end(), m["h"] is not None))
    return found


def _twelve_hour(h: str, ampm: str | None) -> str:
    if not ampm:
        return h
    hour = int(h)
    if ampm.upper().replace(".", "") in ("CH", "PM") and hour < 12:
        hour += 12
    elif ampm.upper().replace(".", "") in ("SA", "AM") and hour == 12:
        hour = 0
    return str(hour)


def _with_time(text: str, m: re.Match[str]) -> DateMatch | None:
    after = _TIME_AFTER.match(text, m.end())
    window = text[max(0, m.start() - _BEFORE_WINDOW):m.start()]
    before = _TIME_BEFORE.search(window)
    h = mi = s = None
    start, end = m.start(), m.end()
    if after:
        h, mi, s = _twelve_hour(after["ah"], after["aampm"]), after["am"], after["as"]
        end = after.end()
    elif before:
        h, mi, s = _twelve_hour(before["bh"], before["bampm"]), before["bm"], before["bs"]
        start = m.start() - (len(window) - before.start())
    if h is not None and not (int(h) < 24 and int(mi or 0) < 60):
        h = mi = s = None
    value = _build(m["y"], m["mo"], m["d"], h, mi, s)
    return None if value is None else DateMatch(value, start, end, h is not None)


def find_datetimes(text: str) -> list[DateMatch]:
    """Every plausible date (with its time, if printed beside it) in text, in order."""
    text = _fold(text)
    found = _iso_matches(text)
    taken = [(f.start, f.end) for f in found]
    for pattern in (_LONG, _NUMERIC):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            hit = _with_time(text, m)
            if hit is not None:
                found.append(hit)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def is_clock(text: str) -> bool:
    """True for a portal's today-clock ("Hôm nay, ngày 29 tháng 8 năm 2015")."""
    return bool(_CLOCK.search(_fold(text)))


def parse_vietnamese_datetime(text: str) -> datetime | None:
    """The first date+time in text as an aware datetime (+07:00); None for none or a clock."""
    if not text or is_clock(text):
        return None
    found = find_datetimes(text)
    return found[0].value if found else None
