"""Abbreviations of Vietnamese public life, expanded at query time.

Keys are the abbreviation folded to bare lower-case letters and digits, so
"UBND", "ubnd", "TP.HCM", "TPHCM" and "tp hcm"'s joined form all find their
entry. Ambiguous short forms (qđ: quyết định / quy định / quân đội; cp: chính
phủ / cổ phần; dn: doanh nghiệp / Đà Nẵng / Đồng Nai) are left out on purpose:
expanding them would add more wrong matches than right ones.
"""

from __future__ import annotations

from .normalize import fold, syllables

_TABLE: dict[str, tuple[str, ...]] = {
    "UBND": ("Ủy ban nhân dân",),
    "HĐND": ("Hội đồng nhân dân",),
    "MTTQ": ("Mặt trận Tổ quốc",),
    "UBMTTQ": ("Ủy ban Mặt trận Tổ quốc",),
    "TP.HCM": ("Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"),
    "TP": ("Thành phố",),
    "NĐ-CP": ("Nghị định Chính phủ",),
    "BTV": ("Ban Thường vụ",),
    "BCH": ("Ban Chấp hành",),
    "BCHTW": ("Ban Chấp hành Trung ương",),
    "TW": ("Trung ương",),
    "T.Ư": ("Trung ương",),
    "ĐBQH": ("Đại biểu Quốc hội",),
    "TNCS": ("Thanh niên Cộng sản",),
    "CNXH": ("Chủ nghĩa xã hội",),
    "XHCN": ("Xã hội chủ nghĩa",),
    "CHXHCN": ("Cộng hòa xã hội chủ nghĩa",),
    "HLHPN": ("Hội Liên hiệp Phụ nữ",),
    "LHPN": ("Liên hiệp Phụ nữ",),
    "CCB": ("Cựu chiến binh",),
    "BHXH": ("Bảo hiểm xã hội",),
    "BHYT": ("Bảo hiểm y tế",),
    "GD&ĐT": ("Giáo dục và Đào tạo",),
    "TN&MT": ("Tài nguyên và Môi trường",),
    "KH&CN": ("Khoa học và Công nghệ",),
    "TT&TT": ("Thông tin và Truyền thông",),
    "KT-XH": ("Kinh tế - xã hội",),
    "TTXVN": ("Thông tấn xã Việt Nam",),
    "VKSND": ("Viện kiểm sát nhân dân",),
    "TAND": ("Tòa án nhân dân",),
    "ATGT": ("An toàn giao thông",),
    "CSGT": ("Cảnh sát giao thông",),
    "THCS": ("Trung học cơ sở",),
    "THPT": ("Trung học phổ thông",),
    "CNTT": ("Công nghệ thông tin",),
    "PCCC": ("Phòng cháy chữa cháy",),
    "NTM": ("Nông thôn mới",),
    "VN": ("Việt Nam",),
    "CAND": ("Công an nhân dân",),
    "QĐND": ("Quân đội nhân dân",),
}


def abbreviation_key(text: str) -> str:
    """The lookup key of an abbreviation as typed: folded, lower case, letters and digits only."""
    return "".join(ch for ch in fold(text).lower() if ch.isalnum())


# key -> expansions, each as its list of exact index terms
ABBREVIATIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    abbreviation_key(short): tuple(tuple(syllables(long)) for long in longs)
    for short, longs in _TABLE.items()
}

# expansion terms -> the abbreviation's own index terms, for the reverse
# direction ("ủy ban nhân dân" also finds "UBND")
CONTRACTIONS: dict[tuple[str, ...], tuple[str, ...]] = {}
for _short, _longs in _TABLE.items():
    for _long in _longs:
        CONTRACTIONS.setdefault(tuple(syllables(_long)), tuple(syllables(_short)))


def expand_abbreviation(word: str) -> tuple[tuple[str, ...], ...]:
    """Expansions (as exact index terms) of a word typed by the user; () if none."""
    return ABBREVIATIONS.get(abbreviation_key(word), ())
