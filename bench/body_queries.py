"""Known-item queries from body text.

A user remembers two word pairs from an article's text ("giải ngân" ...
"vốn đầu tư") rather than its headline, and types them as one query, with or
without the diacritics; or names an authority in the form the article does
not use (it writes "UBND", the user types "Ủy ban nhân dân") plus two words
that stood next to it.

Each query must have exactly one right answer, so every candidate is checked
against `PairIndex`, our own index of the adjacent folded word pairs of every
article (title and body): no other article may hold both pairs (or the
authority and the pair). Written apart from govsearch's index on purpose.

Kinds (each drawn from its own seeded target pool):

- body_lead / body_lead_accentless: two pairs from the first paragraph
- body_deep / body_deep_accentless: two pairs, at most 20 words apart, from a
  paragraph after the first
- abbrev_body: UBND / HĐND / TP.HCM / MTTQ in the other form than the article
  uses (long <-> short) plus a pair within 6 words of it
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

import numpy as np

from corpus import Doc
from vntext import (_WORD, canon, clause_tokens, find_abbrev_spans, fold, folded_syllables, has_marks, nfc)

BODY_KINDS = ("body_lead", "body_lead_accentless", "body_deep", "body_deep_accentless", "abbrev_body")

# How rare the pairs must be, in units of ln N (IDF = ln(N / articles holding
# the pair)), so that a 1k sample and the 58k corpus ask for the same
# rarity: the two pairs' summed IDF >= 1.1 ln N (df1 * df2 <= N^0.9; 12.1 at
# 58k), each pair's >= 0.35 ln N ("vốn đầu tư" yes, "của các" no). A pair
# next to an authority's name carries the query alone: >= 0.55 ln N.
MIN_BODY_SPECIFICITY = 1.1
MIN_PAIR_IDF = 0.35
MIN_ABBR_PAIR_IDF = 0.55
# A pair must be something a user would type as a unit: a compound or name
# that recurs (>= MIN_PAIR_DF articles) and whose syllables belong together
# (cohesion >= MIN_PAIR_COHESION), not two syllables that meet across a word boundary,
# which are "rare" only because the combination is arbitrary.
MIN_PAIR_DF = 2
MIN_PAIR_COHESION = 0.15
# ... and the commoner syllable must not be a function word that follows
# anything ("khiết và": 2 of the 900 articles holding "và"; 2%).
MIN_PAIR_COHESION_COMMON = 0.02
MAX_SYLLABLE_SHARE = 0.5
DEEP_SPAN = 20  # words between the two pairs of a deep query, at most
ABBR_NEAR = 6  # words between the name and its pair, at most

_DOC_BITS = 20
_DOC_MASK = (1 << _DOC_BITS) - 1
_HASH_MASK = (1 << (64 - _DOC_BITS)) - 1

_FAMILY_TOKENS = ("ubnd", "hdnd", "tphcm", "mttq")
# Folded spellings of each family, to tell which form(s) an article writes.
_LONG_TEXT = {"ubnd": (" uy ban nhan dan ",), "hdnd": (" hoi dong nhan dan ",),
              "tphcm": (" thanh pho ho chi minh ",), "mttq": (" mat tran to quoc ",)}
_SHORT_TEXT = {"ubnd": (" ubnd ",), "hdnd": (" hdnd ",), "tphcm": (" tp hcm ", " tphcm "),
               "mttq": (" mttq ",)}
# "TP Hồ Chí Minh" is neither form: an article writing it is left out.
_MIXED_TEXT = {"tphcm": (" tp ho chi minh ", " thanh pho hcm ")}


def _pair_key(a: str, b: str) -> int:
    # Python's string hash: stable within one run, which is all the index
    # lives for. 44 bits leave 20 for the document number; a collision only
    # merges two pairs' holders, i.e. makes the uniqueness test stricter.
    return (hash(a + " " + b) & _HASH_MASK) << _DOC_BITS


class PairIndex:
    """The adjacent folded word pairs of every article (title + body), and the
    articles naming each of UBND / HĐND / TP.HCM / MTTQ in either form.

    One sorted uint64 array of (pair hash, document number): tens of millions
    of pairs at 58k articles would not fit as Python sets. The pairs of the
    abbreviation-unified text ("uy ban nhan dan tinh" -> "ubnd tinh") are
    added too, so "UBND tỉnh" and "Ủy ban nhân dân tỉnh" are one pair.
    """

    def __init__(self, docs: Sequence[Doc]) -> None:
        if len(docs) > _DOC_MASK:
            raise ValueError(f"PairIndex holds at most {_DOC_MASK} documents")
        self.n = len(docs)
        self.family_holders: dict[str, set[int]] = {f: set() for f in _FAMILY_TOKENS}
        self.word_df: Counter[str] = Counter()
        parts: list[np.ndarray] = []
        for i, d in enumerate(docs):
            text = d.title + "\n" + d.body
            toks = folded_syllables(text)
            unified = canon(text).split()
            pairs = set(zip(toks, toks[1:])) | set(zip(unified, unified[1:]))
            # Syllables as written: folded, "huyễn" would count every "huyện".
            self.word_df.update(set(_WORD.findall(nfc(text).lower())))
            for f in _FAMILY_TOKENS:
                if f in unified:
                    self.family_holders[f].add(i)
            parts.append(np.fromiter((_pair_key(a, b) | i for a, b in pairs), dtype=np.uint64,
                                     count=len(pairs)))
        self.keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        del parts
        self.keys.sort()

    def _range(self, a: str, b: str) -> tuple[int, int]:
        k = _pair_key(a, b)
        lo = int(np.searchsorted(self.keys, np.uint64(k), side="left"))
        hi = int(np.searchsorted(self.keys, np.uint64(k | _DOC_MASK), side="right"))
        return lo, hi

    def df(self, a: str, b: str) -> int:
        lo, hi = self._range(a, b)
        return hi - lo

    def idf(self, a: str, b: str) -> float:
        return math.log(self.n / max(1, self.df(a, b)))

    def cohesion(self, a: str, b: str, rarer: bool = True) -> float:
        # a, b: lowercased syllables with their diacritics.
        """Of the articles holding the rarer syllable, the share holding the
        pair: near 1 for a compound or a name ("huyết áp", "xăng dầu"), near
        0 for two syllables that merely meet across a word boundary
        ("nghiệp đến", "HCM là"). Plain PMI over articles does not separate
        them: long articles hold every common syllable. With rarer=False, the
        share of the commoner syllable's articles."""
        da, db = self.word_df.get(a, 0), self.word_df.get(b, 0)
        m = min(da, db) if rarer else max(da, db)
        # The pair count is the folded one (the index's), a slight overcount.
        return min(1.0, self.df(fold(a), fold(b)) / m) if m else 0.0

    def holders(self, a: str, b: str) -> set[int]:
        lo, hi = self._range(a, b)
        return set((self.keys[lo:hi] & np.uint64(_DOC_MASK)).astype(np.int64).tolist())


def _key(word: str) -> str:
    return fold(word).lower()


def _paragraphs(body: str) -> list[str]:
    return [p for p in (x.strip() for x in body.split("\n")) if p]


def _candidate_pairs(toks: Sequence[str], breaks: set[int], skip: set[tuple[str, str]]) -> list[int]:
    """Positions j where toks[j], toks[j+1] is a pair a user could retype:
    both letters only, one with diacritics, no clause break between them, not
    in the title."""
    out = []
    for j in range(len(toks) - 1):
        if j in breaks or not (toks[j].isalpha() and toks[j + 1].isalpha()):
            continue
        if not (has_marks(toks[j]) or has_marks(toks[j + 1])):
            # "Leicester City", "Smart WLAN": folding changes nothing, so the
            # accentless query would not test what it is named for.
            continue
        if (_key(toks[j]), _key(toks[j + 1])) in skip:
            continue
        out.append(j)
    return out


def _wordlike(pix: PairIndex, a: str, b: str) -> bool:
    """a, b: the pair as written (any case)."""
    a, b = nfc(a).lower(), nfc(b).lower()
    if max(pix.word_df.get(a, 0), pix.word_df.get(b, 0)) > MAX_SYLLABLE_SHARE * pix.n:
        return False  # "và", "của", "ở": nobody types them to find an article
    return (pix.df(fold(a), fold(b)) >= MIN_PAIR_DF and pix.cohesion(a, b) >= MIN_PAIR_COHESION
            and pix.cohesion(a, b, rarer=False) >= MIN_PAIR_COHESION_COMMON)


def _title_pairs(title: str) -> set[tuple[str, str]]:
    t = folded_syllables(title)
    return set(zip(t, t[1:]))


def _pick_two_pairs(toks: Sequence[str], breaks: set[int], pix: PairIndex, target: int,
                    rng: random.Random, skip: set[tuple[str, str]],
                    max_gap: int | None) -> tuple[int, int] | None:
    cands = _candidate_pairs(toks, breaks, skip)
    if len(cands) < 2:
        return None
    ln_n = math.log(pix.n)
    min_pair, min_sum = MIN_PAIR_IDF * ln_n, MIN_BODY_SPECIFICITY * ln_n
    idf = {}

    def pair_idf(j: int) -> float:
        """The pair's IDF, or -inf when it is no unit a user would type."""
        if j not in idf:
            idf[j] = pix.idf(*pair_at(j)) if _wordlike(pix, toks[j], toks[j + 1]) else float("-inf")
        return idf[j]

    def pair_at(j: int) -> tuple[str, str]:
        return _key(toks[j]), _key(toks[j + 1])

    firsts = cands[:]
    rng.shuffle(firsts)
    for j1 in firsts[:60]:
        if pair_idf(j1) < min_pair:
            continue
        seconds = [j for j in cands if j >= j1 + 2 and (max_gap is None or j - j1 <= max_gap)]
        rng.shuffle(seconds)
        for j2 in seconds[:12]:
            if pair_idf(j2) < min_pair or pair_idf(j1) + pair_idf(j2) < min_sum:
                continue
            words = [toks[j1], toks[j1 + 1], toks[j2], toks[j2 + 1]]
            both = (pix.holders(_key(words[0]), _key(words[1]))
                    & pix.holders(_key(words[2]), _key(words[3])))
            if both == {target}:
                return j1, j2
    return None


def _pool(n: int, rng: random.Random) -> list[int]:
    order = list(range(n))
    rng.shuffle(order)
    return order


def _two_pair_queries(docs: Sequence[Doc], pix: PairIndex, n_targets: int, seed: int,
                      deep: bool) -> Iterator[tuple[str, str, str, str]]:
    kind = "body_deep" if deep else "body_lead"
    rng = random.Random(seed)
    got = 0
    for i in _pool(len(docs), rng):
        if got >= n_targets:
            return
        d = docs[i]
        paras = _paragraphs(d.body)
        if deep:
            if len(paras) < 2:
                continue
            text = rng.choice(paras[1:])
        else:
            if not paras:
                continue
            text = paras[0]
        toks, breaks = clause_tokens(text)
        if len(toks) < 8:
            continue
        if deep and len(toks) > 4 * DEEP_SPAN:
            # A long paragraph: look in one stretch of it, as a reader recalls a passage.
            s = rng.randrange(0, len(toks) - 2 * DEEP_SPAN)
            toks = toks[s : s + 2 * DEEP_SPAN]
            breaks = {b - s for b in breaks if s <= b < s + 2 * DEEP_SPAN}
        got_pair = _pick_two_pairs(toks, breaks, pix, i, rng, _title_pairs(d.title),
                                   DEEP_SPAN if deep else None)
        if got_pair is None:
            continue
        j1, j2 = got_pair
        exact = " ".join([toks[j1], toks[j1 + 1], toks[j2], toks[j2 + 1]])
        yield (kind, exact, d.url, d.title)
        yield (kind + "_accentless", fold(exact), d.url, d.title)
        got += 1


def _forms_used(folded_text: str, family: str) -> tuple[bool, bool, bool]:
    """(long form written, short form written, a mixed form written)."""
    return (any(f in folded_text for f in _LONG_TEXT[family]),
            any(f in folded_text for f in _SHORT_TEXT[family]),
            any(f in folded_text for f in _MIXED_TEXT.get(family, ())))


def _abbrev_query(d: Doc, i: int, pix: PairIndex, rng: random.Random,
                  buckets: dict, n_targets: int) -> tuple[tuple[str, bool], tuple[str, str, str, str]] | None:
    """The first name-plus-pair query that is unique, trying the article's
    paragraphs and names in random order; None if none is."""
    paras = _paragraphs(d.body)
    rng.shuffle(paras)
    folded_all = " " + " ".join(folded_syllables(d.title + "\n" + d.body)) + " "
    skip = _title_pairs(d.title)
    for text in paras:
        toks, breaks = clause_tokens(text)
        spans = find_abbrev_spans(toks)
        rng.shuffle(spans)
        for s0, e0, repl in spans:
            family = canon(repl)
            long_written = e0 - s0 > 2
            key = (family, long_written)
            if len(buckets[key]) >= n_targets:
                continue
            has_long, has_short, mixed = _forms_used(folded_all, family)
            # The article must not use the form the query types (nor a mix of both).
            if mixed or (has_short if long_written else has_long):
                continue
            near = [j for j in _candidate_pairs(toks, breaks, skip)
                    if (s0 - ABBR_NEAR - 2 <= j <= s0 - 2) or (e0 <= j <= e0 + ABBR_NEAR)]
            # No clause break between the name and its pair either.
            near = [j for j in near if not any(
                b in breaks for b in (range(j + 1, s0) if j < s0 else range(e0 - 1, j)))]
            rng.shuffle(near)
            holders_f = pix.family_holders[family]
            for j in near:
                a, b = _key(toks[j]), _key(toks[j + 1])
                if (not _wordlike(pix, toks[j], toks[j + 1])
                        or pix.idf(a, b) < MIN_ABBR_PAIR_IDF * math.log(pix.n)):
                    continue
                if pix.holders(a, b) & holders_f != {i}:
                    continue
                pair = f"{toks[j]} {toks[j + 1]}"
                q = f"{pair} {repl}" if j < s0 else f"{repl} {pair}"
                return key, ("abbrev_body", nfc(q), d.url, d.title)
    return None


def _abbrev_queries(docs: Sequence[Doc], pix: PairIndex, n_targets: int,
                    seed: int) -> list[tuple[str, str, str, str]]:
    """Stratified like the title abbrev kind: one bucket per (family,
    direction), taken round-robin, so rarer directions get their say."""
    rng = random.Random(seed)
    buckets: dict[tuple[str, bool], list[tuple[str, str, str, str]]] = defaultdict(list)
    for i in _pool(len(docs), rng):
        d = docs[i]
        q = _abbrev_query(d, i, pix, rng, buckets, n_targets)
        if q is not None:
            buckets[q[0]].append(q[1])
    out: list[tuple[str, str, str, str]] = []
    for rnd in range(n_targets):
        for key in sorted(buckets):
            if len(out) < n_targets and rnd < len(buckets[key]):
                out.append(buckets[key][rnd])
    return out


def make_body_queries(docs: Sequence[Doc], n_targets: int = 150, seed: int = 20261126,
                      pix: PairIndex | None = None) -> list[tuple[str, str, str, str]]:
    """(kind, query, target url, target title) for every body kind;
    deterministic for a corpus and seed."""
    pix = pix or PairIndex(docs)
    out = list(_two_pair_queries(docs, pix, n_targets, seed + 3, deep=False))
    out += _two_pair_queries(docs, pix, n_targets, seed + 4, deep=True)
    out += _abbrev_queries(docs, pix, n_targets, seed + 5)
    return out
