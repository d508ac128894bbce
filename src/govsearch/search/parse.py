"""Query strings into a small typed structure: pure functions, no index needed.

The language is what people already type into search boxes:
plain words, "quoted phrases", -excluded words, title:word, source:host,
since:2022-01-01 / until:2022-12-31 (also 2022, 2022-03, 13/01/2022).
Anything that does not parse is treated as plain words and reported in
`ParsedQuery.notices`: a query never fails.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..text import analyze, fold_term
from ..text.abbreviations import ABBREVIATIONS, FORMS, FORMS_FOLDED, forms_of

FIELD_NAMES = {"title", "source", "since", "until", "author", "category"}
# Work per query is bounded: longer text is cut (with a notice), and a query
# keeps at most MAX_UNITS words. A 40 KB query once held the engine for 46 s.
MAX_QUERY_CHARS = 1000
MAX_UNITS = 32

# -?  field:  "phrase" | word
_PART_RE = re.compile(r'(-)?(?:([A-Za-z]+):)?("[^"]*"|\S+)')


@dataclass(slots=True)
class Syllable:
    """One query syllable: its exact and folded index terms."""

    exact: str
    folded: str

    @property
    def accented(self) -> bool:
        return self.exact != self.folded


@dataclass(slots=True)
class Unit:
    """Something every matching document must contain.

    `alternatives` lists the ways to satisfy the unit: each is a sequence of
    syllables that must stand together (one syllable for a plain word; several
    for a quoted phrase, a document number such as "11-QĐi/TW" or an
    abbreviation's expansion). `field` limits it to the title.
    """

    alternatives: list[list[Syllable]]
    title_only: bool = False
    phrase: bool = False
    plain: bool = True
    text: str = ""  # as typed  # a single typed syllable (takes part in adjacency and restoration)

    @property
    def main(self) -> list[Syllable]:
        return self.alternatives[0]


@dataclass(slots=True)
class ParsedQuery:
    text: str
    units: list[Unit] = field(default_factory=list)
    excluded: list[list[Syllable]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    authors: list[list[Syllable]] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.units


def to_syllables(text: str) -> list[Syllable]:
    exact, folded = analyze(text)
    return [Syllable(e, f) for e, f in zip(exact, folded)]


def parse_date(value: str, *, end: bool = False) -> datetime | None:
    """A date bound as users write it; `end` gives the last moment of the period."""
    value = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if m:
        y, mo, d = int(m[1]), m[2], m[3]
    else:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if not m:
            return None
        d, mo, y = m[1], m[2], int(m[3])
    try:
        if mo is None:
            start, stop = date(y, 1, 1), date(y, 12, 31)
        elif d is None:
            mo = int(mo)
            start = date(y, mo, 1)
            stop = date(y, mo, calendar.monthrange(y, mo)[1])
        else:
            start = stop = date(y, int(mo), int(d))
    except ValueError:
        return None
    day = stop if end else start
    if end:
        return datetime(day.year, day.month, day.day, 23, 59, 59, 999999)
    return datetime(day.year, day.month, day.day)


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string; never raises."""
    q = ParsedQuery(text=text)
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[:cut if cut > 0 else MAX_QUERY_CHARS]
        q.notices.append(f"query cut to its first {len(text)} characters")
    if text.count('"') % 2:
        q.notices.append("unbalanced quote ignored")
        text = text.replace('"', " ")
    for m in _PART_RE.finditer(text):
        negate, fname, value = m.group(1), m.group(2), m.group(3)
        if fname and fname.lower() not in FIELD_NAMES:
            # "http://..." or "abc:def": not a field, keep the whole thing as text
            value, fname = m.group(0)[1:] if negate else m.group(0), None
        fname = fname.lower() if fname else None
        quoted = value.startswith('"') and value.endswith('"') and len(value) >= 2
        if quoted:
            value = value[1:-1]
        if fname in ("since", "until"):
            bound = parse_date(value, end=(fname == "until"))
            if bound is None:
                q.notices.append(f"{fname}:{value} is not a date (try {fname}:2022-01-31); ignored")
            elif fname == "since":
                q.since = bound
            else:
                q.until = bound
            continue
        if fname == "source":
            q.sources.append(value.lower().removeprefix("www."))
            continue
        if fname == "category":
            q.categories.append(value)
            continue
        sylls = to_syllables(value)
        if not sylls:
            continue
        if fname == "author":
            q.authors.append(sylls)
            continue
        if negate:
            q.excluded.append(sylls)
            continue
        title_only = fname == "title"
        alternatives = [sylls]
        if not quoted:
            typed = tuple(x.exact for x in sylls)
            if _may_abbreviate(value, sylls):
                alternatives += [_syls(form) for form in forms_of(value) if form != typed]
        plain = len(sylls) == 1
        q.units.append(Unit(alternatives, title_only=title_only, phrase=quoted and len(sylls) > 1,
                            plain=plain, text=value))
    _contract(q)
    if len(q.units) > MAX_UNITS:
        q.units = q.units[:MAX_UNITS]
        q.notices.append(f"only the first {MAX_UNITS} words were searched")
    return q


_VOWELS = set("aăâeêioôơuưy")


def _may_abbreviate(value: str, sylls: list[Syllable]) -> bool:
    """Whether a typed word may stand for an abbreviation.

    "tư" folds to the key of "T.Ư" (Trung ương), but typed in lower case
    with its diacritics it is the word of "đầu tư", "tư pháp", "thứ tư":
    a lower-case syllable with diacritics and a vowel is a word. Capitals
    ("TƯ", "T.Ư"), a consonant cluster ("hđnd") or no diacritics ("ubnd")
    still read as the abbreviation.
    """
    if len(sylls) != 1 or value != value.lower() or not sylls[0].accented:
        return True
    return not any(c in _VOWELS for c in sylls[0].folded)


def _syls(terms: tuple[str, ...]) -> list[Syllable]:
    return [Syllable(t, fold_term(t)) for t in terms]


def _contract(q: ParsedQuery) -> None:
    """Let a name typed as several words ("ủy ban nhân dân", "tp hcm") match all its forms.

    At each position the longest known form wins; typed with diacritics it
    must match them, typed without, it matches folded. The unit made is the
    same whichever form was typed, so every spelling finds the same documents.
    """
    units = q.units
    longest = max((len(f) for f in FORMS), default=0)
    i = 0
    while i < len(units):
        for n in range(min(longest, len(units) - i), 1, -1):
            window = units[i:i + n]
            # a word of the window may itself be a name ("tp": thành phố)
            if not all(u.plain and not u.phrase for u in window):
                continue
            typed = [u.main[0] for u in window]
            key = FORMS.get(tuple(s.exact for s in typed))
            if key is None and not any(s.accented for s in typed):
                key = FORMS_FOLDED.get(tuple(s.folded for s in typed))
            if key is None:
                continue
            exact = tuple(s.exact for s in typed)
            alternatives = [typed] + [_syls(f) for f in ABBREVIATIONS[key] if f != exact]
            units[i:i + n] = [Unit(alternatives, title_only=all(u.title_only for u in window), plain=False,
                                   text=" ".join(u.text for u in window))]
            break
        i += 1
