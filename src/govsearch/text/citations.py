"""References to legal documents in Vietnamese text, each normalized to one key.

Vietnamese official documents carry their number in a fixed shape (Nghị định
30/2020/NĐ-CP on the form of state documents; the Party's own rules for its
documents), and news cites them by it:

    100/2019/NĐ-CP    number / year / type code - issuer   (normative documents)
    89/QĐ-UBND        number / type code - issuer           (individual decisions: no year)
    123/UBND-KT       number / issuer - department          (a công văn: no type code)
    59/2020/QH14      number / year / QH + term             (laws and resolutions of the National Assembly)
    11-QĐi/TW         number - type code / issuer           (Party documents: no year)

A document's key is its number as printed, made canonical: code letters
upper case except the lower-case letters official codes have (QĐi, TTg,
TTr); `D` read as `Đ` where the code means it (ND-CP is NĐ-CP); TƯ as TW;
the number at least two digits, as official numbers are printed (5-CT/TW is
05-CT/TW); no spaces around the separators ("1468 / QĐ - TTg"); a Party
number written in the state's shape (21/NQ-TW) in the Party's (21-NQ/TW).
Text is matched NFC and folded (no diacritics, lower case), so NFD text,
either tone style, capitals and typing without diacritics read the same.

A Nghị định is always the Government's (NĐ-CP), so "Nghị định 155/2016",
"Nghị định 71 năm 2010" and "Nghị định số 59 ngày 18/7/2011" have their full
key. Other types without their code do not: a bare "Thông tư 20" or
"Quyết định số 89" names a document only with the rest of the article. If
the article cites exactly one Thông tư 20 more fully, the bare mention takes
that key; otherwise it keeps a partial key, type code, space, number (and
year when printed): "TT 20", "TT 20/2011", "QĐ 89". A space never occurs in
a full key, so a partial key cannot be filed under a document it may not be
(Quyết định 89 of a province and of a ministry are different documents), and
the articles that cite "Nghị quyết 35" can still be listed together.

Pure functions; imports nothing of govsearch but the text folding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .normalize import fold


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
    # only before a full number: "văn bản số 422/UBND-GD&ĐT" (its type is its code's)
    ("van ban", "VB", "Văn bản"),
]
_TYPE_NAME = {code: name for _, code, name in _TYPES}
_WORD_CODE = {word: code for word, code, _ in _TYPES}
# Type codes as they stand inside a number (upper case), and the type they name.
_CODE_TYPE = {
    "NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch", "CT": "Chỉ thị", "QĐI": "Quy định",
    "KL": "Kết luận", "HD": "Hướng dẫn", "CĐ": "Công điện", "KH": "Kế hoạch", "TB": "Thông báo",
    "BC": "Báo cáo", "CTR": "Chương trình", "ĐA": "Đề án", "CV": "Công văn", "PL": "Pháp lệnh",
}
# Codes written without Đ (no Vietnamese keyboard) that mean the Đ form; TƯ is TW (Trung ương).
_D_FORMS = {
    "ND": "NĐ", "QD": "QĐ", "QDI": "QĐI", "CD": "CĐ", "DA": "ĐA", "HDND": "HĐND", "BGDDT": "BGDĐT",
    "BLDTBXH": "BLĐTBXH", "BKHDT": "BKHĐT", "BCD": "BCĐ", "DHQG": "ĐHQG", "TƯ": "TW",
}
# Official codes with lower-case letters, by their upper-case form.
_MIXED = {"QĐI": "QĐi", "TTG": "TTg", "TTR": "TTr"}
# The Party's organs: their documents are numbered number-type/issuer (21-NQ/TW).
_PARTY_ISSUERS = {"TW", "TU", "HU", "ĐU", "QUTW", "BCT", "BBT"}
_PARTY_TYPES = {"NQ", "CT", "QĐ", "QĐi", "KL", "HD", "TB"}

# Types a bare number may follow. Công văn, Kế hoạch, Thông báo and Quy định
# are also everyday words ("quy định 250 ghế", "kế hoạch 100 ngày"): see _bare.
_BARE_TYPES = {"NĐ", "QĐ", "TT", "TTLT", "NQ", "CT", "QĐi", "L", "BL", "KL", "PL", "CV", "CĐ", "KH"}


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
# One code segment as it reads folded: letters, "&" inside (BNN&PTNT), then digits (QH14).
_SEG = r"[a-z][a-z&]{0,14}(?:(?<=qh)\s\d{2}\b|\d{0,3})"  # "QH 13": the term, spaced
_CODE = rf"{_SEG}(?:\s?{_DASH}\s?{_SEG}|\s?/\s?{_SEG}){{0,7}}"
_NUM = r"\d{1,5}(?:[.,]\d{3})?[a-z]?"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_SLASH = r"\s?/\s?"
# The number shapes, folded: number/year/code, number/year (- issuer), number-code/issuer, number/code.
_SHAPE = (rf"(?P<n>{_NUM})(?:{_SLASH}(?P<y>{_YEAR}){_SLASH}(?P<c1>{_CODE})"
          rf"|{_SLASH}(?P<y2>{_YEAR})(?![\d/])(?:\s?{_DASH}\s?(?P<iss>{_SEG}))?"
          rf"|\s?{_DASH}\s?(?P<c2>{_SEG}{_SLASH}{_SEG}(?:\s?{_DASH}\s?{_SEG})*)"
          rf"|{_SLASH}(?P<c3>{_CODE}))")
_TYPE_WORDS = "|".join(w.replace(" ", r"\s+") for w, _, _ in _TYPES)
_HEAD = rf"(?P<word>{_TYPE_WORDS})(?P<so>\s+(?:so\s*:?|so:))?\s*"
_MENTION_RE = re.compile(rf"(?<![a-z0-9])(?:{_HEAD})?(?:{_SHAPE}|(?P<bare>{_NUM}))(?![a-z0-9/])")
# What follows a bare number when it is a count, not a document: "100 năm", "14 người".
_COUNT_NEXT = re.compile(
    r"\s*(?:van ban|nam\b(?!\s+(?:19|20)\d\d)|thang\b|ngay\b(?!\s*\d)|tuan\b|gio\b|nguoi|lan\b|dieu\b|khoan\b|muc\b|"
    r"noi dung|nhiem vu|trieu|ty\b|nghin|ngan\b|%|ha\b|km|tan\b|don vi|xa\b|huyen\b|tinh\b|"
    r"the ky|ghe\b|nhom\b|vong\b|ho\b|ca nhan|can bo|dang vien|truong hop|doanh nghiep|du an|chi tieu|"
    r"diem\b|cau\b|bai\b|tieu chi|linh vuc|chuong trinh|de an|loai\b|con\b|chiec|thang\b)")
# The year printed after a Nghị định's bare number: "năm 2010", "ngày 18/7/2011", "ngày 8 tháng 11 năm 2011".
_YEAR_NEXT = re.compile(
    rf"\s*,?\s*(?:nam\s+|ngay\s+\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*|"
    rf"ngay\s+\d{{1,2}}\s+thang\s+\d{{1,2}}\s+nam\s+)(?P<y>{_YEAR})\b")
# A plural head ("các Nghị định 100 và 123"), and what separates the numbers of a list.
_PLURAL = re.compile(r"\b(?:cac|nhung|hai|ba|bon|02|03)\s+$")
_LIST_SEP = re.compile(r"\s*(?:,|;|va|hoac|,\s*va)\s*(?:so\s*)?")
# After an item of a list with no plural: the list goes on or closes ("Chỉ thị số 12, 23, 29, 32)").
_LIST_NEXT = re.compile(r"\s*(?:,|;|\)|va\b|hoac\b)")


# Most articles cite nothing, and folding a whole text costs more than the rest of the
# parse: a text goes on only if it holds a number shaped like a document number, or the
# last word of a type word (with or without its diacritics: these words have no
# tone-style variants) before a number. A superset of what the parser finds, on NFC text;
# 14% of the 1k sample pass, and the check costs a tenth of a parse.
_MAYBE_SHAPE = re.compile(r"\d\s?[/‐‑–—-]\s?[^\W\d_]")
_MAYBE_WORD = re.compile(  # on the lower-cased text
    r"(?:[đð]ịnh|dinh|tư|tu|thị|thi|quyết|quyet|luật|luat|lệnh|lenh|luận|luan|dẫn|dan|văn|van|"
    r"[đð]iện|dien|hoạch|hoach|báo|bao|bản|ban|tịch|tich)\W{1,8}(?:s[oố]\W{1,3})?\d")


def _may_cite(nfc: str) -> bool:
    return bool(_MAYBE_SHAPE.search(nfc) or _MAYBE_WORD.search(nfc.lower()))


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
    for m in re.finditer(r"(\s?(?:[-‐‑–—]|/)\s?)?([^\s/\-‐‑–—]+(?:\s\d{2}\b)?)", raw):
        seg = m.group(2)
        letters = re.sub(r"[\d&]", "", seg)
        if not (letters.isupper() or seg.upper() in _MIXED or seg in _MIXED.values()):
            break
        end = m.end()
    return raw[:end]


def _canon_code(raw: str) -> tuple[list[str], list[str]]:
    """A code's segments, canonical (upper case, Đ where meant, official lower case kept), and its separators."""
    segs = []
    for seg in re.split(rf"\s?(?:{_DASH}|/)\s?", raw):
        up = seg.upper().replace("Ð", "Đ").replace(" ", "")
        up = _D_FORMS.get(up, up)
        segs.append(_MIXED.get(up, up))
    seps = ["/" if "/" in s else "-" for s in re.findall(rf"\s?(?:{_DASH}|/)\s?", raw)]
    return segs, seps


def _join(segs: list[str], seps: list[str]) -> str:
    out = segs[0]
    for sep, seg in zip(seps, segs[1:]):
        out += sep + seg
    return out


def _number(raw: str) -> str:
    """At least two digits, as official numbers are printed: 5, 05 and 005 are 05."""
    m = re.fullmatch(r"0*(\d+)([a-z]?)", raw.replace(".", "").replace(",", "").lower())
    if not m:
        return raw
    return m[1].zfill(2) + m[2]


def _type_of(word_code: str | None, segs: list[str]) -> tuple[str, str]:
    """(type name, issuer) from the type word before the number and the code's segments."""
    for i, seg in enumerate(segs):
        name = _CODE_TYPE.get(seg.upper())
        if name is not None:
            rest = segs[i + 1:] or segs[:i]
            return name, rest[0] if rest else ""
    if segs and re.fullmatch(r"(?:UBTV)?QH\d*", segs[0]):
        return _TYPE_NAME.get(word_code or "L", "Luật") if word_code != "VB" else "Luật", segs[0]
    name = _TYPE_NAME.get(word_code or "", "Văn bản")
    return name, segs[0] if segs else ""


def _code_of(doc_type: str) -> str:
    return next((c for c, n in _TYPE_NAME.items() if n == doc_type), "VB")


def find_mentions(text: str) -> list[Mention]:
    """Every legal-document reference in `text`, in order; offsets into its NFC form."""
    nfc = unicodedata.normalize("NFC", text)
    if not _may_cite(nfc):
        return []
    low = _fold_text(nfc)
    found: list[Mention] = []
    # The type word of the last mention and where its list has got to, and whether it was plural.
    listing: tuple[str | None, int, bool] | None = None
    for m in _MENTION_RE.finditer(low):
        word = m.group("word")
        word_code = _WORD_CODE.get(re.sub(r"\s+", " ", word)) if word else None
        listed = False
        if word:
            plural = bool(_PLURAL.search(low, max(0, m.start() - 12), m.start()))
            listing = (word_code, m.end(), plural)
        elif listing is not None and _LIST_SEP.fullmatch(low, listing[1], m.start()):
            word_code, listed = listing[0], True  # the next number of a list
        else:
            listing = None
        mention = _mention(m, nfc, low, word_code, listed, listing)
        if mention is None:
            if not word:
                listing = None
            continue
        found.append(mention)
        if listing is not None:
            listing = (listing[0], mention.end, listing[2])
    return _resolve(found)


def _mention(m: re.Match, nfc: str, low: str, word_code: str | None, listed: bool,
             listing: tuple[str | None, int, bool] | None) -> Mention | None:
    word = m.group("word")
    start = m.start() if word else m.start("n") if m.group("n") else m.start()
    if m.group("bare") is not None:
        if listed and not (listing and listing[2]) and not _LIST_NEXT.match(low, m.end()):
            return None  # "Quyết định 123, 45 hộ": a list needs a plural head or list punctuation
        c, end = _bare(m, nfc, low, word_code, listed)
        return Mention(start, end, c) if c is not None else None
    n = _number(m.group("n"))
    if m.group("y2") is not None:
        # number/year without the code: the type word must say what it is
        if word_code is None or word_code == "VB":
            return None
        year = int(m.group("y2"))
        end = m.end()
        if word_code == "NĐ":
            return Mention(start, end, Citation("Nghị định", n, year, "CP", f"{n}/{year}/NĐ-CP"))
        if m.group("iss") is not None:  # "Thông tư 02/2017 - BYT"
            iss = _trim(nfc[m.start("iss"):m.end("iss")])
            if iss:
                issuer = _canon_code(iss)[0][0]
                key = f"{n}/{year}/{word_code}-{issuer}"
                return Mention(start, m.start("iss") + len(iss), Citation(_TYPE_NAME[word_code], n, year, issuer, key))
            end = m.end("y2")
        return Mention(start, end, Citation(_TYPE_NAME[word_code], n, year, "", f"{word_code} {n}/{year}"))
    group = "c1" if m.group("c1") is not None else "c2" if m.group("c2") is not None else "c3"
    raw = _trim(nfc[m.start(group):m.end(group)])
    if not raw:
        return None
    end = m.start(group) + len(raw)
    segs, seps = _canon_code(raw)
    name, issuer = _type_of(word_code, segs)
    known_code = segs[0].upper() in _CODE_TYPE
    if group == "c1":
        year = int(m.group("y"))
        if word is None and name == "Văn bản" and not re.fullmatch(r"(?:UBTV)?QH\d+", segs[0]):
            return None  # "3/2020/abc": no type word, no known code
        key = f"{n}/{year}/{_join(segs, seps)}"
    elif group == "c2":
        if not known_code:
            return None  # "5-10/ha": a range, not a Party document
        year = 0
        key = f"{n}-{_join(segs, seps)}"
    else:
        year = 0
        if word is None and not listed and (not known_code or len(segs) < 2):
            return None  # "12/UBND" needs its word (công văn); "5/ha" is a rate
        if len(segs) == 2 and segs[0] in _PARTY_TYPES and segs[1] in _PARTY_ISSUERS:
            key = f"{n}-{segs[0]}/{segs[1]}"  # "21/NQ-TW" is the Party's 21-NQ/TW
        else:
            key = f"{n}/{_join(segs, seps)}"
    return Mention(start, end, Citation(name, n, year, issuer, key))


def _bare(m: re.Match, nfc: str, low: str, word_code: str | None,
          listed: bool) -> tuple[Citation | None, int]:
    """A bare number after a type word (or in a list after one), unless it is a count or a year."""
    end = m.end()
    if word_code is None or word_code not in _BARE_TYPES:
        return None, end
    raw = m.group("bare")
    if re.search(r"[.,]", raw):
        return None, end  # "Luật 1.400": a quantity
    if not listed:
        word = nfc[m.start("word"):m.end("word")]
        said_so = m.group("so") is not None
        capital = word[:1].isupper()
        before = low[max(0, m.start() - 4):m.start()]
        if word_code in ("L", "BL") and (re.search(r"(?:ky|dao)\s+$", before) or not (said_so or capital)):
            return None, end  # "kỷ luật 14 người", "đạo luật 1917", "điều luật 146"
        if word_code in ("QĐi", "KH") and not said_so and not (capital and not word.isupper()):
            return None, end  # "quy định 250 ghế", "kế hoạch 100 ngày", "KẾ HOẠCH 5" (a timetable)
        if not said_so and re.fullmatch(_YEAR, raw):
            return None, end  # "Luật 2013": a year
    n = _number(raw)
    if word_code == "NĐ":  # before the counts: "Nghị định 71 năm 2010" is not 71 years
        y = _YEAR_NEXT.match(low, end)
        if y:
            year = int(y.group("y"))
            return Citation("Nghị định", n, year, "CP", f"{n}/{year}/NĐ-CP"), end
    if _COUNT_NEXT.match(low, end):
        return None, end
    # a Nghị định is the Government's whatever its number
    return Citation(_TYPE_NAME[word_code], n, 0, "CP" if word_code == "NĐ" else "", f"{word_code} {n}"), end


def _resolve(found: list[Mention]) -> list[Mention]:
    """A partial key takes the fuller key of the one document of its type, number (and year) in the text."""
    by: dict[tuple[str, str], dict[str, Citation]] = {}
    for mention in found:
        c = mention.citation
        by.setdefault((c.doc_type, c.number), {})[c.key] = c
    out = []
    for mention in found:
        c = mention.citation
        if not c.full:
            fuller = [x for x in by[(c.doc_type, c.number)].values()
                      if x.key != c.key and (x.full or (x.year and not c.year)) and (not c.year or x.year == c.year)]
            full = [x for x in fuller if x.full]
            pick = full if len(full) == 1 else fuller if len(fuller) == 1 else []
            if pick:
                mention = Mention(mention.start, mention.end, pick[0])
        out.append(mention)
    return out


def find_citations(text: str) -> list[Citation]:
    """The distinct documents `text` cites, in order of first mention."""
    seen: dict[str, Citation] = {}
    for mention in find_mentions(text):
        seen.setdefault(mention.citation.key, mention.citation)
    return list(seen.values())


def normalize_key(key: str) -> str | None:
    """A key as a user typed it ("100/2019/nd-cp", "NĐ 100", "tt 20/2011") in canonical form; None if it is none."""
    text = unicodedata.normalize("NFC", key).strip()
    m = re.fullmatch(r"([^\W\d_]{1,4})\s+(\d{1,5}[a-z]?)(?:\s?/\s?(\d{4}))?", text)
    if m:
        typed = _canon_code(m[1])[0][0].upper()
        code = next((c for c in _BARE_TYPES if c.upper() == typed), None)
        if code is None:
            return None
        if code == "NĐ" and m[3]:
            return f"{_number(m[2])}/{m[3]}/NĐ-CP"
        return f"{code} {_number(m[2])}" + (f"/{m[3]}" if m[3] else "")
    for prefix in ("", "Công văn "):  # a code the finder wants a type word for ("123/UBND-KT")
        mentions = find_mentions(prefix + text)
        if len(mentions) == 1 and mentions[0].citation.full and mentions[0].end == len(prefix + text):
            return mentions[0].citation.key
    return None


def citation_of_key(key: str) -> Citation | None:
    """The Citation a canonical key stands for (its type and issuer as the key says them), or None."""
    canon = normalize_key(key)
    if canon is None:
        return None
    if " " in canon:
        code, rest = canon.split(" ", 1)
        number, _, year = rest.partition("/")
        return Citation(_TYPE_NAME[code], number, int(year or 0), "CP" if code == "NĐ" else "", canon)
    m = find_mentions(canon) or find_mentions("Công văn " + canon)
    return m[0].citation if m else None


__all__ = ["Citation", "Mention", "citation_of_key", "find_citations", "find_mentions", "normalize_key"]
