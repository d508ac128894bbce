"""FROZEN COPY of src/govsearch/text/citations.py as first written, before it was tuned on the gold set;
bench/citations_bench.py scores it to report the before-tuning numbers. Do not edit.

References to legal documents in Vietnamese text, each normalized to one key.

Vietnamese official documents carry their number in a fixed shape (Nghị định
30/2020/NĐ-CP on the form of documents; the Party's own rules for its
documents), and news cites them by it:

    100/2019/NĐ-CP    number / year / type code - issuer   (state documents since 2013)
    89/QĐ-UBND        number / type code - issuer           (individual decisions, no year)
    123/UBND-KT       number / issuer - department          (a công văn: no type code)
    59/2020/QH14      number / year / QH + term             (laws and resolutions of the National Assembly)
    11-QĐi/TW         number - type code / issuer           (Party documents: no year)

A document's key is its number as printed, canonical: code letters upper
case (except the lower-case letters the official codes have: QĐi, TTg),
`D` read as `Đ` where the code means it (ND-CP is NĐ-CP), leading zeros
dropped (05-CT/TW and 5-CT/TW are one directive), spaces around the dashes
taken out. Text is matched NFC and folded (no diacritics, lower case), so
NFD text, either tone style, capitals and typing without diacritics all read
the same.

A bare "Nghị định số 100" (no year, no code) names a document only with the
rest of the article: if the article cites exactly one Nghị định numbered 100
in full, the bare mention takes that key; otherwise it gets the key
"NĐ 100" (type code, space, number), which no full number can equal, so a
bare mention is never filed under a document it may not be (Nghị định 100
of 2019 and of 2015 both exist).

Pure functions; imports nothing else of govsearch but the text folding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from govsearch.text.normalize import fold


@dataclass(slots=True, frozen=True)
class Citation:
    """One cited document: its type ("Nghị định"), number, year (0: not printed), issuer code, key."""

    doc_type: str
    number: str
    year: int
    issuer: str
    key: str

    @property
    def full(self) -> bool:
        """Whether the key is a printed document number (not a bare "NĐ 100")."""
        return " " not in self.key


@dataclass(slots=True, frozen=True)
class Mention:
    """Where a reference stands: offsets into the NFC form of the text, and what it cites."""

    start: int
    end: int
    citation: Citation


# Type words as they read folded, the type code each stands for, and its name.
# Longest first, so "thong tu lien tich" wins over "thong tu".
_TYPES: list[tuple[str, str, str]] = [
    ("thong tu lien tich", "TTLT", "Thông tư liên tịch"),
    ("nghi quyet lien tich", "NQLT", "Nghị quyết liên tịch"),
    ("nghi dinh", "NĐ", "Nghị định"),
    ("quyet dinh", "QĐ", "Quyết định"),
    ("thong tu", "TT", "Thông tư"),
    ("nghi quyet", "NQ", "Nghị quyết"),
    ("chi thi", "CT", "Chỉ thị"),
    ("quy dinh", "QĐi", "Quy định"),
    ("bo luat", "BL", "Bộ luật"),
    ("luat", "L", "Luật"),
    ("phap lenh", "PL", "Pháp lệnh"),
    ("ket luan", "KL", "Kết luận"),
    ("huong dan", "HD", "Hướng dẫn"),
    ("cong van", "CV", "Công văn"),
    ("cong dien", "CĐ", "Công điện"),
    ("ke hoach", "KH", "Kế hoạch"),
    ("thong bao", "TB", "Thông báo"),
]
_TYPE_NAME = {code: name for _, code, name in _TYPES}
_WORD_CODE = {word: code for word, code, _ in _TYPES}
# Type codes as they stand inside a number (upper case, Đ), and the type they name.
_CODE_TYPE = {
    "NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch", "CT": "Chỉ thị", "QĐI": "Quy định",
    "KL": "Kết luận", "HD": "Hướng dẫn", "CĐ": "Công điện", "KH": "Kế hoạch", "TB": "Thông báo",
    "BC": "Báo cáo", "CTR": "Chương trình", "ĐA": "Đề án", "L": "Luật",
}
# Codes written without Đ (no Vietnamese keyboard) that mean the Đ form.
_D_FORMS = {
    "ND": "NĐ", "QD": "QĐ", "QDI": "QĐI", "CD": "CĐ", "DA": "ĐA", "HDND": "HĐND", "BGDDT": "BGDĐT",
    "BLDTBXH": "BLĐTBXH", "BKHDT": "BKHĐT", "BCĐ": "BCĐ", "BCD": "BCĐ", "DHQG": "ĐHQG",
}
# Official codes with lower-case letters, by their upper-case form.
_MIXED = {"QĐI": "QĐi", "TTG": "TTg"}

# Types a bare number ("Nghị định số 100") may follow: the legal ones. A bare
# "kế hoạch 5" or "thông báo 2" is far more often a count than a document.
_BARE_TYPES = {"NĐ", "QĐ", "TT", "TTLT", "NQ", "CT", "QĐi", "L", "BL", "KL", "PL"}


def _fold_table() -> dict[int, str]:
    """fold() one character to one character, so offsets in the folded text are offsets in the text."""
    table: dict[int, str] = {}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00), range(0x0300, 0x0370)):
        for cp in block:
            f = fold(chr(cp))
            table[cp] = f if len(f) == 1 else " "
    table[0x00D0] = "D"
    table[0x00F0] = "d"
    return table


_FOLD1 = _fold_table()

_DASH = r"[-‐‑–—]"
# One code segment: letters (then digits: QH14, UBTVQH15), as it reads folded.
_SEG = r"[a-z]{1,12}\d{0,3}"
_CODE = rf"{_SEG}(?:\s?{_DASH}\s?{_SEG}|/{_SEG}){{0,4}}"
_NUM = r"\d{1,5}(?:[.,]\d{3})?[a-z]?"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
# The number shapes, folded text: number/year/code, number-code/issuer, number/code.
_SHAPE = (rf"(?P<n>{_NUM})(?:\s?/\s?(?P<y>{_YEAR})\s?/\s?(?P<c1>{_CODE})"
          rf"|\s?{_DASH}\s?(?P<c2>{_SEG}\s?/\s?{_SEG}(?:\s?{_DASH}\s?{_SEG})*)"
          rf"|\s?/\s?(?P<c3>{_CODE}))")
_TYPE_WORDS = "|".join(w.replace(" ", r"\s+") for w, _, _ in _TYPES)
_HEAD = rf"(?P<word>{_TYPE_WORDS})(?:\s+(?:so|so:|so\s*:))?\s*"
_MENTION_RE = re.compile(rf"(?<![a-z0-9])(?:{_HEAD})?(?:{_SHAPE}|(?P<bare>{_NUM}))(?![a-z0-9/])")
# What follows a bare number when it is a count, not a document: "100 nghị định", "3 năm".
_COUNT_NEXT = re.compile(
    r"\s*(?:van ban|nam\b|thang\b|ngay\b(?!\s*\d)|nguoi|lan\b|dieu\b|khoan\b|muc\b|"
    r"noi dung|nhiem vu|trieu|ty|nghin|ngan|%|ha\b|km|tan\b|don vi|xa\b|huyen\b|tinh\b)")


# A plural head, and what separates the numbers of its list.
_PLURAL = re.compile(r"\b(?:cac|nhung|hai|ba|bon|02|03)\s+$")
_LIST_SEP = re.compile(r"\s*(?:,|;|va|hoac|,\s*va)\s*(?:so\s*)?")


def _fold_text(text: str) -> str:
    return text.translate(_FOLD1).lower()


def _trim(raw: str) -> str:
    """The code cut before its first segment that is prose ("NĐ-CP - Chính phủ" ends at CP).

    A segment is code when it is upper case, an official mixed-case code
    (QĐi, TTg), or the whole code was typed in lower case ("nđ-cp").
    """
    if raw == raw.lower():
        return raw
    end = 0
    for m in re.finditer(rf"(\s?(?:{_DASH}|/)\s?)?([^\s/\-‐‑–—]+)", raw):
        seg = m.group(2)
        letters = re.sub(r"\d", "", seg)
        if not (letters.isupper() or seg.upper() in _MIXED or seg in _MIXED.values()):
            break
        end = m.end()
    return raw[:end]


def _canon_code(raw: str) -> list[str]:
    """Code segments canonical: upper case, Đ where meant, official lower-case letters kept."""
    out = []
    for seg in re.split(rf"\s?(?:{_DASH}|/)\s?", raw):
        up = seg.upper().replace("Ð", "Đ")
        up = _D_FORMS.get(up, up)
        out.append(_MIXED.get(up, up))
    return out


def _split_seps(raw: str) -> list[str]:
    """The separators between a code's segments, in order ("-" or "/")."""
    return ["/" if "/" in s else "-" for s in re.findall(rf"\s?(?:{_DASH}|/)\s?", raw)]


def _join(segs: list[str], seps: list[str]) -> str:
    out = segs[0]
    for sep, seg in zip(seps, segs[1:]):
        out += sep + seg
    return out


def _number(raw: str) -> str:
    digits = raw.replace(".", "").replace(",", "")
    stripped = digits.lstrip("0")
    return stripped or "0"


def _type_of(word_code: str | None, segs: list[str]) -> tuple[str, str]:
    """(type name, issuer) from the type word before the number and the code's segments."""
    code_type = None
    issuer_segs = segs
    for i, seg in enumerate(segs):
        name = _CODE_TYPE.get(seg.upper())
        if name is not None and not (seg.upper() == "L" and i):
            code_type = name
            issuer_segs = segs[i + 1:] or segs[:i]
            break
    if code_type is None and segs and re.fullmatch(r"QH\d*", segs[0]):
        code_type = _TYPE_NAME.get(word_code or "", "Luật")
    name = code_type or _TYPE_NAME.get(word_code or "", "Văn bản")
    if word_code and word_code in ("TTLT", "NQLT", "BL", "PL", "L") and code_type in (None, "Luật", "Thông tư",
                                                                                       "Nghị quyết"):
        name = _TYPE_NAME[word_code]
    issuer = "-".join(issuer_segs[:1]) if issuer_segs else ""
    return name, issuer


def find_mentions(text: str) -> list[Mention]:
    """Every legal-document reference in `text`, in order; offsets into its NFC form."""
    nfc = unicodedata.normalize("NFC", text)
    low = _fold_text(nfc)
    found: list[Mention] = []
    # the type word of a plural head ("các Nghị định 100 và 123") and where its list has got to
    plural: tuple[str, int] | None = None
    for m in _MENTION_RE.finditer(low):
        word = m.group("word")
        word_code = _WORD_CODE.get(re.sub(r"\s+", " ", word)) if word else None
        if word:
            plural = (word_code, m.end()) if _PLURAL.search(low, max(0, m.start() - 12), m.start()) else None
        elif plural is not None and _LIST_SEP.fullmatch(low, plural[1], m.start("n") if m.group("n") else m.start()):
            word_code = plural[0]  # the next number of the list
        else:
            plural = None
        if m.group("bare") is not None:
            c = _bare(m, nfc, low, word_code, listed=word is None)
            if c is not None:
                found.append(Mention(m.start(), m.end(), c))
                if plural is not None:
                    plural = (plural[0], m.end())
            continue
        if plural is not None:
            plural = (plural[0], m.end())
        n = _number(m.group("n"))
        start = m.start() if word else m.start("n")
        if m.group("c1") is not None:
            raw = _trim(nfc[m.start("c1"):m.end("c1")])
            if not raw:
                continue
            end = m.start("c1") + len(raw)
            segs, seps = _canon_code(raw), _split_seps(raw)
            year = int(m.group("y"))
            name, issuer = _type_of(word_code, segs)
            if word is None and name == "Văn bản" and not re.fullmatch(r"QH\d+", segs[0]):
                continue  # "3/2020/abc": no type word, no known code
            key = f"{n}/{year}/{_join(segs, seps)}"
        elif m.group("c2") is not None:
            raw = _trim(nfc[m.start("c2"):m.end("c2")])
            if not raw:
                continue
            end = m.start("c2") + len(raw)
            segs, seps = _canon_code(raw), _split_seps(raw)
            if segs[0].upper() not in _CODE_TYPE:
                continue  # "5-10/ha": a range, not a Party document
            year = 0
            name, issuer = _type_of(word_code, segs)
            key = f"{n}-{_join(segs, seps)}"
        else:
            raw = _trim(nfc[m.start("c3"):m.end("c3")])
            if not raw:
                continue
            end = m.start("c3") + len(raw)
            segs, seps = _canon_code(raw), _split_seps(raw)
            year = 0
            name, issuer = _type_of(word_code, segs)
            if word is None and (segs[0].upper() not in _CODE_TYPE or len(segs) < 2):
                continue  # "12/UBND": a công văn needs its word; "5/ha" is a rate
            if not all(s.isupper() or s in _MIXED.values() for s in segs if s[:1].isalpha()):
                if word is None:
                    continue
            key = f"{n}/{_join(segs, seps)}"
        found.append(Mention(start, end, Citation(name, n, year, issuer, key)))
    return _resolve(found)


def _bare(m: re.Match, nfc: str, low: str, word_code: str | None, *, listed: bool = False) -> Citation | None:
    """A bare number after a type word (or in a list after one), unless it is a count or a year."""
    if word_code is None or word_code not in _BARE_TYPES:
        return None
    if listed:
        said_so = True
    else:
        word_text = nfc[m.start("word"):m.end("word")]
        said_so = m.group(0)[len(m.group("word")):].strip().startswith("so")
        if not said_so and not word_text[:1].isupper():
            return None  # "quyết định 2 lần": lower case and no "số" reads as prose
    n = _number(m.group("bare"))
    if not said_so and re.fullmatch(_YEAR, m.group("bare")):
        return None  # "Luật 2013": a year
    if _COUNT_NEXT.match(low, m.end()):
        return None
    return Citation(_TYPE_NAME[word_code], n, 0, "", f"{word_code} {n}")


def _resolve(found: list[Mention]) -> list[Mention]:
    """Bare mentions take the full key of the one document of their type and number in the text."""
    full: dict[tuple[str, str], set[str]] = {}
    for mention in found:
        c = mention.citation
        if c.full:
            full.setdefault((c.doc_type, c.number), set()).add(c.key)
    out = []
    for mention in found:
        c = mention.citation
        if not c.full:
            keys = full.get((c.doc_type, c.number), set())
            if len(keys) == 1:
                key = next(iter(keys))
                twin = next(x.citation for x in found if x.citation.key == key)
                mention = Mention(mention.start, mention.end, twin)
        out.append(mention)
    return out


def find_citations(text: str) -> list[Citation]:
    """The distinct documents `text` cites, in order of first mention."""
    seen: dict[str, Citation] = {}
    for mention in find_mentions(text):
        seen.setdefault(mention.citation.key, mention.citation)
    return list(seen.values())


def normalize_key(key: str) -> str | None:
    """A key as a user typed it ("100/2019/nd-cp", "NĐ 100") in its canonical form; None if it is not one."""
    text = unicodedata.normalize("NFC", key).strip()
    m = re.fullmatch(r"([^\W\d_]{1,4})\s+(\d{1,5})", text)
    if m:
        code = _canon_code(m[1])[0]
        code = next((c for c in _TYPE_NAME if c.upper() == code.upper()), None)
        return f"{code} {_number(m[2])}" if code else None
    mentions = find_mentions(text)
    if len(mentions) == 1 and mentions[0].citation.full and mentions[0].end - mentions[0].start >= len(text) - 1:
        return mentions[0].citation.key
    # a code the mention finder wants a type word for ("123/UBND-KT")
    mentions = find_mentions("Công văn " + text)
    if len(mentions) == 1 and mentions[0].citation.full:
        return mentions[0].citation.key
    return None


def doc_type_of_key(key: str) -> str:
    """The type a key names on its own ("Nghị định" for 100/2019/NĐ-CP), "Văn bản" when it does not say."""
    if " " in key:
        return _TYPE_NAME.get(key.split(" ", 1)[0], "Văn bản")
    segs = re.split(r"[-/]", key)[1:]
    for seg in segs:
        name = _CODE_TYPE.get(seg.upper())
        if name is not None:
            return name
    if any(re.fullmatch(r"QH\d+", s) for s in segs):
        return "Luật"
    return "Văn bản"


__all__ = ["Citation", "Mention", "doc_type_of_key", "find_citations", "find_mentions", "normalize_key"]
