"""Whoosh analyzers built on the pure functions of `normalize`.

Composed the Whoosh way (tokenizer | filter | filter). The index writes its
fields through a faster path (`govsearch.index.schema`) that calls `analyze`
once per document; these analyzers give the very same terms (a test holds
them to it) so Whoosh's own tools (QueryParser, highlighters) agree with us.

All classes live at module level because Whoosh pickles the schema, and
with it the analyzers, into the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from .normalize import TOKEN_RE, fold, normalize, place_tone

__all__ = [
    "SyllableTokenizer",
    "ToneFilter",
    "FoldFilter",
    "BigramFilter",
    "exact_analyzer",
    "folded_analyzer",
    "bigram_analyzer",
    "folded_bigram_analyzer",
]


class SyllableTokenizer(Tokenizer):
    """Normalizes the text, then yields runs of letters and digits (`[^\\W_]+`)."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        matches: Iterable[tuple[int, str]]
        if not tokenize:
            matches = [(0, text)]
        else:
            matches = ((m.start(), m.group(0)) for m in TOKEN_RE.finditer(text))
        for pos, (start, word) in enumerate(matches):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + start + len(word)
            yield t


class ToneFilter(Filter):
    """Puts each syllable's tone mark in its canonical place (hoá = hóa)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = place_tone(t.text)
            yield t


class FoldFilter(Filter):
    """Removes diacritics and maps đ to d."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class BigramFilter(Filter):
    """Replaces the stream with adjacent pairs "a_b", positioned at the first."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        prev: str | None = None
        for t in tokens:
            text = t.text
            if prev is not None:
                t.text = prev + "_" + text
                if t.positions:
                    t.pos -= 1
                yield t
                if t.positions:
                    t.pos += 1
                t.text = text
            prev = text


def exact_analyzer():
    """Lower-case syllables in canonical tone placement."""
    return SyllableTokenizer() | LowercaseFilter() | ToneFilter()


def folded_analyzer():
    """Lower-case syllables without diacritics."""
    return exact_analyzer() | FoldFilter()


def bigram_analyzer():
    """Adjacent exact syllables joined: "dân_vận"."""
    return exact_analyzer() | BigramFilter()


def folded_bigram_analyzer():
    """Adjacent folded syllables joined: "dan_van"."""
    return folded_analyzer() | BigramFilter()
