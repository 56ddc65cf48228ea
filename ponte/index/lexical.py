"""BM25 over chunks and profiles, so exact terms ("API 6D", "EN 1090", "DRIADE") count.

Tokens are accent-folded, lower-cased and cut to a short prefix, so cognates across the three
languages often meet; meaning across languages is still the dense index's job.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Sequence

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


# A year as texts write it ("2014"): kept in a knowledge base's vocabulary beside its words.
YEAR_PATTERN = r"\b(?:1\d{3}|20\d{2})\b"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def plain_words(text: str) -> str:
    """Accent-folded words and numbers, one space apart: "ISO/IEC 17025" -> "iso iec 17025"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _stem(token: str) -> str:
    # Cutting words to six letters is a crude stemmer, but one that works across the three
    # languages at once: "distritos"/"districts", "peculiarità"/"peculiarities" meet.
    if not token.isalpha():
        return token
    return token[:STEM_LENGTH]


_SNOWBALL_NAMES = {"en": "english", "it": "italian", "pt": "portuguese"}
_snowball: dict[str, object] = {}  # language -> PyStemmer stemmer, when `PONTE_STEMMER=snowball`


def use_stemmer(kind: str) -> None:
    """'prefix' (default) or 'snowball' (per-language Snowball stemmers from PyStemmer).

    Measured on eval/qa*.jsonl and the external dev set: both answer the external sets equally;
    Snowball ranks the right chunk first more often on the shipped article (hit@1 0.922 vs 0.867)
    but answers fewer of its questions (0.927 vs 0.938), and it needs each text's language, so
    cognates across languages ("distritos"/"districts") no longer meet. The prefix stays the default.
    """
    _snowball.clear()
    if kind == "snowball":
        import Stemmer

        _snowball.update({lang: Stemmer.Stemmer(name) for lang, name in _SNOWBALL_NAMES.items()})


def tokenize(text: str, lang: str | None = None) -> list[str]:
    stem = _stem
    snowball = _snowball.get(lang) if lang else None
    if snowball is not None:
        stem = lambda t: snowball.stemWord(t) if t.isalpha() else t  # noqa: E731
    tokens = []
    for tok in _TOKEN.findall(fold(text)):
        if tok in STOPWORDS:
            continue
        tokens.append(stem(tok))
        # "api-6d" or "en-1090" also count as their parts.
        if any(sep in tok for sep in "./-"):
            tokens.extend(stem(p) for p in re.split(r"[./-]", tok) if p and p not in STOPWORDS)
    return tokens


def _bm25s():
    """bm25s, imported on first use (it is slow to import), with its logger quieted: it sets itself
    to DEBUG on import ("Building index from tokens" on every rebuild), and Ponte's log is one JSON
    line per request."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class LexicalIndex:
    """A BM25 index over a fixed list of texts; rebuilt with its snapshot, never mutated."""

    def __init__(self, texts: Sequence[str], langs: Sequence[str] | None = None):
        bm25s = _bm25s()

        self.size = len(texts)
        self._bm25 = None
        if self.size:
            self._bm25 = bm25s.BM25()
            langs = langs or [None] * self.size
            self._bm25.index([tokenize(t, lang) or ["_"] for t, lang in zip(texts, langs)], show_progress=False)
            self._vocab = self._bm25.vocab_dict

    @classmethod
    def of_chunks(cls, chunks: Sequence[Any]) -> "LexicalIndex":
        """The index over document chunks: each one's title, heading and text, in its language."""
        return cls([f"{c.title}\n{c.heading}\n{c.text}" for c in chunks], [c.language for c in chunks])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ponte.json").write_text(json.dumps({"size": self.size}), encoding="utf-8")
        if self._bm25 is not None:
            self._bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """An index saved by `save`, its matrices memory-mapped."""
        bm25s = _bm25s()
        self = cls.__new__(cls)
        self.size = json.loads((folder / "ponte.json").read_text(encoding="utf-8"))["size"]
        self._bm25 = None
        if self.size:
            self._bm25 = bm25s.BM25.load(str(folder), mmap=True)
            self._vocab = self._bm25.vocab_dict
        return self

    def scores(self, query: str, lang: str | None = None) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in tokenize(query, lang) if t in self._vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)


class LayeredLexical:
    """A full-build BM25 index over the first `base_n` chunks and a small one over those added
    since; chunk positions run on from one to the other."""

    def __init__(self, base: LexicalIndex, delta: LexicalIndex, base_n: int):
        self.base, self.delta, self.base_n = base, delta, base_n

    def scores(self, query: str, lang: str | None = None) -> np.ndarray:
        base = self.base.scores(query, lang)[: self.base_n]
        if len(base) < self.base_n:
            base = np.pad(base, (0, self.base_n - len(base)))
        return np.concatenate([base, self.delta.scores(query, lang)])


class Vocabulary:
    """The folded words of every indexed text, and whether a word is known in some spelling.

    Answers are remembered: the fuzzy rules scan the whole vocabulary, and a vocabulary lives
    exactly as long as the snapshot that built it.
    """

    def __init__(self, words: Iterable[str] = ()):
        self._words = frozenset(words)
        self._answers: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)

    def knows(self, word: str) -> bool:
        if word not in self._answers:
            self._answers[word] = self._knows(word)
        return self._answers[word]

    def _knows(self, word: str) -> bool:
        words = self._words
        if word in words:
            return True
        # Cross-language spellings of one name (Lombardy/Lombardia, Italy/Italia) share a stem...
        stem = word[: max(4, len(word) - 1)]
        if len(stem) >= 4 and any(v.startswith(stem) and len(v) <= len(word) + 2 for v in words):
            return True
        # ...or one is the other with an ending (Brazil/Brazilian, Lombard/Lombarde)...
        if len(word) >= 6 and any(len(v) >= 5 and len(word) - len(v) <= 3 and word.startswith(v) for v in words):
            return True
        # ...or differ in one letter (Brasil/Brazil), perhaps after a final vowel (Brasile/Brazil).
        if len(word) >= 6:
            forms = (word, word[:-1]) if word[-1] in "aeiou" else (word,)
            return any(abs(len(v) - len(word)) <= 1 and v[0] == word[0] and len(v) >= 6 and _one_edit(f, v)
                       for v in words for f in forms)
        return False


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion or deletion apart (or equal)."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
