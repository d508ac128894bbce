"""Phrase precision: does an unquoted phrase bring articles that hold it?

A user who types "giải phóng mặt bằng" wants articles about site clearance,
not articles that say "giải" here and "mặt bằng" there. For each phrase
(common in government news, held by >= 5 articles of the corpus) every
system is asked for its top k, k = min(10, articles holding the phrase), and
we count the share of those k that hold it:

- as typed: the NFC, lowercased, tone-style-normalized (hoà = hòa) syllables
  stand adjacent, in that order, in the title or the body;
- accentless (the query folded): the folded syllables stand adjacent.

Document numbers ("nghị định 100"): the share of the top 3 that cite that
document, i.e. its type, optionally "số", then the number
("Nghị định 100/2019/NĐ-CP", "Nghị định số 100").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Doc
from vntext import fold, folded_syllables, nfc, syllables

PHRASES = (
    "dân vận", "nghị định", "giải phóng mặt bằng", "cải cách hành chính",
    "xây dựng nông thôn mới", "an toàn giao thông", "phòng chống tham nhũng",
    "biến đổi khí hậu", "an sinh xã hội", "chuyển đổi số", "công nghiệp hóa",
    "hiện đại hóa", "an toàn thực phẩm", "bảo vệ môi trường", "ô nhiễm môi trường",
    "quốc phòng an ninh", "thu hút đầu tư", "giảm nghèo", "xóa đói giảm nghèo",
    "bảo hiểm xã hội", "bảo hiểm y tế", "ngân sách nhà nước", "tái cơ cấu",
    "doanh nghiệp nhà nước", "thủ tục hành chính", "phòng cháy chữa cháy",
    "quy hoạch đô thị", "hội nhập quốc tế", "năng lực cạnh tranh",
    "đầu tư công", "vốn đầu tư", "khu công nghiệp", "buôn lậu", "hàng giả",
    "ma túy", "thiên tai", "lũ lụt", "đại biểu quốc hội", "kỳ họp thứ",
    "chống dịch", "tiêm chủng", "học sinh nghèo", "người có công", "kiểm toán nhà nước",
)

DOC_NUMBERS = (("nghị định", "100"), ("quyết định", "89"), ("thông tư", "10"))
DOC_K = 3
K = 10
MIN_HOLDERS = 5


def _joined(tokens: Sequence[str]) -> str:
    return " " + " ".join(tokens) + " "


@dataclass(slots=True)
class PhraseHolders:
    phrase: str
    typed: set[str]  # URLs holding the phrase as typed
    folded: set[str]  # URLs holding its folded syllables adjacent


def _doc_number_rx(doc_type: str, number: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in nfc(doc_type).lower().split())
    return re.compile(rf"(?<!\w){words}\s+(?:số\s+)?{re.escape(number)}(?!\d)")


def find_holders(docs: Sequence[Doc], phrases: Sequence[str] = PHRASES,
                 numbers: Sequence[tuple[str, str]] = DOC_NUMBERS) -> tuple[list[PhraseHolders], dict[str, set[str]]]:
    """One pass over the corpus: who holds each phrase (as typed and folded),
    and who cites each document number."""
    typed_keys = [_joined(syllables(p)) for p in phrases]
    folded_keys = [_joined(folded_syllables(p)) for p in phrases]
    out = [PhraseHolders(p, set(), set()) for p in phrases]
    num_rx = {f"{t} {n}": _doc_number_rx(t, n) for t, n in numbers}
    cites: dict[str, set[str]] = {k: set() for k in num_rx}
    for d in docs:
        text = d.title + "\n" + d.body
        typed = _joined(syllables(text))
        folded = _joined(folded_syllables(text))
        for h, tk, fk in zip(out, typed_keys, folded_keys):
            if tk in typed:
                h.typed.add(d.url)
            if fk in folded:
                h.folded.add(d.url)
        # The types' syllables have no tone-style variants: NFC, lowercase will do.
        flat = nfc(text).lower()
        for k, rx in num_rx.items():
            if rx.search(flat):
                cites[k].add(d.url)
    return out, cites


@dataclass(slots=True)
class PhraseOutcome:
    system: str
    phrase: str
    query: str
    accentless: bool
    holders: int
    k: int
    hits_holding: int

    @property
    def precision(self) -> float:
        return self.hits_holding / self.k if self.k else float("nan")


def evaluate_phrases(system, holders: Sequence[PhraseHolders]) -> list[PhraseOutcome]:
    out = []
    for h in holders:
        if len(h.typed) < MIN_HOLDERS:
            continue
        for accentless in (False, True):
            q = fold(h.phrase) if accentless else h.phrase
            want = h.folded if accentless else h.typed
            k = min(K, len(want))
            urls = system.search(q, k)[:k]
            out.append(PhraseOutcome(system.name, h.phrase, q, accentless, len(want), k,
                                     sum(1 for u in urls if u in want)))
    return out


def evaluate_numbers(system, cites: dict[str, set[str]]) -> list[PhraseOutcome]:
    out = []
    for q, want in cites.items():
        k = min(DOC_K, len(want))
        if not k:
            continue
        urls = system.search(q, k)[:k]
        out.append(PhraseOutcome(system.name, q, q, False, len(want), k,
                                 sum(1 for u in urls if u in want)))
    return out


def summarize(outcomes: Sequence[PhraseOutcome]) -> dict[str, dict[str, float]]:
    """{system: {typed, accentless, n}}: mean precision over phrases."""
    acc: dict[str, dict[str, list[float]]] = {}
    for o in outcomes:
        acc.setdefault(o.system, {"typed": [], "accentless": []})[
            "accentless" if o.accentless else "typed"].append(o.precision)
    return {s: {"typed": sum(v["typed"]) / len(v["typed"]) if v["typed"] else float("nan"),
                "accentless": sum(v["accentless"]) / len(v["accentless"]) if v["accentless"] else float("nan"),
                "n": len(v["typed"])}
            for s, v in acc.items()}


def markdown(summary: dict, per_phrase: Sequence[PhraseOutcome], numbers: Sequence[PhraseOutcome],
             holders: Sequence[PhraseHolders], systems: Sequence[str]) -> str:
    rows = ["| system | phrases | precision as typed | precision accentless |", "|---|---:|---:|---:|"]
    for s in systems:
        if s in summary:
            m = summary[s]
            rows.append(f"| {s} | {m['n']} | {m['typed']:.3f} | {m['accentless']:.3f} |")
    skipped = [h for h in holders if len(h.typed) < MIN_HOLDERS]
    if skipped:
        rows.append("\nLeft out (fewer than 5 holders as typed): " +
                    ", ".join(f"{h.phrase} ({len(h.typed)})" for h in skipped))
    rows += ["", "govsearch per phrase (holders = articles holding it as typed / folded):", "",
             "| phrase | holders typed | holders folded | k | as typed | k | accentless |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    by = {(o.phrase, o.accentless): o for o in per_phrase if o.system == "govsearch"}
    for h in holders:
        t, a = by.get((h.phrase, False)), by.get((h.phrase, True))
        if t is None or a is None:
            continue
        rows.append(f"| {h.phrase} | {len(h.typed)} | {len(h.folded)} | {t.k} | {t.precision:.2f} "
                    f"| {a.k} | {a.precision:.2f} |")
    rows += ["", f"Document numbers: share of the top {DOC_K} citing the document "
             "(type, optional \"số\", the number):", "",
             "| query | citing articles | " + " | ".join(systems) + " |",
             "|---|---:|" + "---:|" * len(systems)]
    nb = {(o.system, o.phrase): o for o in numbers}
    for q in dict.fromkeys(o.phrase for o in numbers):
        cells = [f"{nb[(s, q)].hits_holding}/{nb[(s, q)].k}" if (s, q) in nb else "–" for s in systems]
        holders_n = next(o.holders for o in numbers if o.phrase == q)
        rows.append(f"| {q} | {holders_n} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
