"""Vietnamese text for search: normalization, tone placement, folding, analyzers.

Imports nothing else of govsearch; everything downstream imports from here.
"""

from .abbreviations import ABBREVIATIONS, expand_abbreviation, forms_of
from .normalize import (TOKEN_RE, analyze, bigrams, fold, fold_term, normalize,
                        place_tone, swap_tone_style, syllables)

__all__ = [
    "ABBREVIATIONS",
    "TOKEN_RE",
    "analyze",
    "bigrams",
    "expand_abbreviation",
    "forms_of",
    "fold",
    "fold_term",
    "normalize",
    "place_tone",
    "swap_tone_style",
    "syllables",
]
