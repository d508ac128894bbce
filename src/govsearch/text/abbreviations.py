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


Form = tuple[str, ...]  # a sequence of exact index terms


def _shorts(short: str) -> list[Form]:
    """The abbreviation split ("tp", "hcm") and joined ("tphcm")."""
    out = [tuple(syllables(short))]
    joined = (abbreviation_key(short),)
    return out if joined in out else out + [joined]


_SHORTS: dict[str, list[Form]] = {abbreviation_key(s): _shorts(s) for s in _TABLE}
_LONGS: dict[str, list[Form]] = {abbreviation_key(s): [tuple(syllables(x)) for x in ls] for s, ls in _TABLE.items()}


def _nested(longs: list[Form]) -> list[Form]:
    """Long forms with a shorter name inside them abbreviated: "ủy ban MTTQ"."""
    out: list[Form] = []
    for form in longs:
        for key, inner_longs in _LONGS.items():
            for inner in inner_longs:
                n = len(inner)
                if n >= len(form):
                    continue
                for i in range(len(form) - n + 1):
                    if form[i:i + n] == inner:
                        for short in _SHORTS[key]:
                            variant = form[:i] + short + form[i + n:]
                            if variant not in out:
                                out.append(variant)
    return out


# key -> every form of the name (exact index terms): abbreviations first, then
# long forms, then long forms with a shorter name inside abbreviated
ABBREVIATIONS: dict[str, tuple[Form, ...]] = {
    k: tuple(dict.fromkeys(_SHORTS[k] + _LONGS[k] + _nested(_LONGS[k]))) for k in _SHORTS
}

# long form (exact terms, and folded for queries typed without diacritics) -> key,
# for the reverse direction: "ủy ban nhân dân" also finds "UBND"
LONG_FORMS: dict[Form, str] = {}
LONG_FORMS_FOLDED: dict[Form, str] = {}
for _key, _longs in _LONGS.items():
    for _form in _longs:
        LONG_FORMS.setdefault(_form, _key)
        LONG_FORMS_FOLDED.setdefault(tuple(fold(t) for t in _form), _key)


# every multi-syllable form (exact terms) -> key: "tp hcm" typed as two words
# is the same name as "TP.HCM"
FORMS: dict[Form, str] = {}
FORMS_FOLDED: dict[Form, str] = {}
for _key, _forms in ABBREVIATIONS.items():
    for _form in _forms:
        if len(_form) > 1:
            FORMS.setdefault(_form, _key)
            FORMS_FOLDED.setdefault(tuple(fold(t) for t in _form), _key)


def forms_of(word: str) -> tuple[Form, ...]:
    """Every form of the name a typed word abbreviates ("TP.HCM", "tphcm"); () if none."""
    return ABBREVIATIONS.get(abbreviation_key(word), ())


def expand_abbreviation(word: str) -> tuple[Form, ...]:
    """The long forms of an abbreviation as typed; () if it is none we know."""
    return tuple(_LONGS.get(abbreviation_key(word), ()))
