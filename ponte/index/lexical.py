"""BM25 over chunks and profiles, so exact terms ("API 6D", "EN 1090", "DRIADE") count.

Tokens are accent-folded, lower-cased and cut to a short prefix, so cognates across the three
languages often meet; meaning across languages is still the dense index's job.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

import numpy as np

STEM_LENGTH = 6
_TOKEN = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """
    a an the and or of to in on at for from by with without as is are was were be been being it its this that
    these those which who whom what when where why how do does did can could should would will shall may might
    i you he she we they me my our your their there here not no yes any some all about into than then so such
    il lo la i gli le un una uno di da del della dei degli delle al allo alla ai agli alle dal dalla nel nella
    nei negli nelle sul sulla sui con per tra fra e ed o che chi cui non come dove quando perche quale quali
    quanto quanti sono essere ha hanno ho si ci vi mi ti questo questa questi queste quello quella
    o os as um uma uns umas de do da dos das no na nos nas ao aos pelo pela pelos pelas em com por para sem
    e ou que quem qual quais onde quando porque como sao ser foi tem ter eu voce ele ela eles elas isso isto
    esse essa este esta meu minha seu sua nosso nossa
    """.split()
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def stem(token: str) -> str:
    # Cutting words to six letters is a crude stemmer, but one that works across the three
    # languages at once: "distritos"/"districts", "peculiarità"/"peculiarities" meet.
    if not token.isalpha():
        return token
    return token[:STEM_LENGTH]


def words_of(text: str) -> list[str]:
    """Folded words without stop words, unstemmed."""
    return [tok for tok in _TOKEN.findall(fold(text)) if tok not in STOPWORDS]


def tokenize(text: str) -> list[str]:
    tokens = []
    for tok in _TOKEN.findall(fold(text)):
        if tok in STOPWORDS:
            continue
        tokens.append(stem(tok))
        # "api-6d" or "en-1090" also count as their parts.
        if any(sep in tok for sep in "./-"):
            tokens.extend(stem(p) for p in re.split(r"[./-]", tok) if p and p not in STOPWORDS)
    return tokens


class LexicalIndex:
    """A BM25 index over a fixed list of texts; rebuilt with its snapshot, never mutated."""

    def __init__(self, texts: Sequence[str]):
        import bm25s

        self.size = len(texts)
        self._bm25 = None
        if self.size:
            self._bm25 = bm25s.BM25()
            self._bm25.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
            self._vocab = self._bm25.vocab_dict

    def scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
