"""Is there evidence for this question in the knowledge base?

E5 cosines are compressed (unrelated texts still score about 0.75-0.85), and where an
off-topic question lands depends on the knowledge base (its size, its topics) and on the two
languages involved: a Portuguese question meets Portuguese text on its language alone, English
text only on meaning. So no fixed cut-off transfers from one knowledge base to another.

The cut is measured instead, on the knowledge base itself, whenever it changes: a shipped set of
off-topic questions (`offtopic.json`, the same questions in English, Italian and Portuguese) is
run against it, and for every question language x evidence language the best cosines they reach
form a null distribution. A question is backed by a sentence when its cosine stands well above
that distribution for its pair of languages: `Z_SAME` standard deviations above the mean when the
question and the sentence share a language, `Z_CROSS` when they do not (a translated question
scores lower against the right sentence, and about as low against the wrong ones). The two
constants were chosen on eval/qa*.jsonl and the external SQuAD-family dev set together; the cut
itself adapts to every knowledge base (`ponte eval --calibrate` prints where it falls).

Names and words are judged too, but only when the question and its best evidence share a
language: across languages names are translated (Varsavia/Warsaw) and the check would refuse
valid questions, which it was measured to do on the cross-lingual dev set.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..index.lexical import STOPWORDS, YEAR_PATTERN, Vocabulary, fold
from .language import LANGUAGES

Z_SAME = 2.5
Z_CROSS = 2.0
_OFFTOPIC = Path(__file__).with_name("offtopic.json")


@lru_cache(maxsize=2)
def _offtopic(kind: str) -> tuple[tuple[str, str], ...]:
    items = json.loads(_OFFTOPIC.read_text(encoding="utf-8"))[kind]
    return tuple((lang, q[lang]) for lang in LANGUAGES for q in items)


def offtopic_questions() -> tuple[tuple[str, str], ...]:
    """(language, question) for every shipped off-topic question, grouped by language."""
    return _offtopic("questions")


def offtopic_requests() -> tuple[tuple[str, str], ...]:
    """(language, request) for every shipped partner request that no metal-mechanical firm meets
    ("we are looking for a piano teacher"), grouped by language. A request is worded like an offer
    and sits closer to every offer than a question does, so offers and needs are judged against
    questions and requests together; document sentences against questions alone."""
    return _offtopic("requests")


def calibration_texts() -> tuple[tuple[str, str], ...]:
    """What an ingest embeds to calibrate: the questions, then the requests."""
    return offtopic_questions() + offtopic_requests()


def offtopic_key() -> str:
    """Changes when the shipped set changes, so stores re-embed it."""
    return hashlib.sha256(_OFFTOPIC.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Cut:
    """The null distribution of off-topic best cosines for one pair of languages."""

    mean: float
    sd: float
    # Each off-topic question's best cosine, so new rows can raise it without a pass over all rows.
    best: np.ndarray | None = field(default=None, compare=False, repr=False)

    def threshold(self, same_language: bool) -> float:
        return self.mean + (Z_SAME if same_language else Z_CROSS) * self.sd


def _cut(best: np.ndarray) -> Cut:
    best = np.asarray(best, dtype=np.float32)
    wide = best.astype(np.float64)
    return Cut(float(wide.mean()), float(max(wide.std(), 1e-3)), best)


def raised_cuts(cuts: dict[tuple[str, str], Cut], negatives: np.ndarray, neg_langs: np.ndarray,
                vectors: np.ndarray, row_langs: np.ndarray) -> dict[tuple[str, str], Cut] | None:
    """`cuts` after rows were added: each question's best cosine can only rise. Rows removed since
    are still counted until the next full build, which errs towards declining. None when a cut
    lacks its per-question maxima (written by an older Ponte): compute them afresh."""
    if any(c.best is None for c in cuts.values()):
        return None
    out = dict(cuts)
    for lq in LANGUAGES:
        q = negatives[neg_langs == lq]
        if not len(q):
            continue
        for le in sorted(set(row_langs.tolist())):
            new = (vectors[row_langs == le] @ q.T).max(axis=0)
            old = out.get((lq, le))
            out[(lq, le)] = _cut(np.maximum(old.best, new) if old is not None and len(old.best) == len(new) else new)
    return out


def null_cuts(negatives: np.ndarray, neg_langs: np.ndarray, vectors: np.ndarray, row_langs: np.ndarray,
              visible: dict[str, np.ndarray] | None = None, block: int = 65536,
              index=None) -> dict[tuple[str, str], Cut]:
    """For each (question language, evidence language): mean and spread of the best cosine that
    off-topic questions of that language reach among the rows of that evidence language.

    `visible[Lq]` hides rows that a question in Lq never sees (other-language versions of a
    document that has a translation in Lq), exactly as chat hides them.
    """
    cuts: dict[tuple[str, str], Cut] = {}
    if not len(vectors) or not len(negatives):
        return cuts
    if index is not None:
        return _approximate_cuts(negatives, neg_langs, row_langs, visible, index)
    for lq in LANGUAGES:
        q = negatives[neg_langs == lq]
        if not len(q):
            continue
        seen = visible.get(lq) if visible else None
        for le in sorted(set(row_langs.tolist())):
            rows = row_langs == le
            if seen is not None:
                rows &= seen
            idx = np.flatnonzero(rows)
            if not len(idx):
                continue
            best = np.full(len(q), -1.0, dtype=np.float32)
            for i in range(0, len(idx), block):
                part = vectors[idx[i:i + block]]
                np.maximum(best, (part @ q.T).max(axis=0), out=best)
            cuts[(lq, le)] = _cut(best)
    return cuts


def _approximate_cuts(negatives, neg_langs, row_langs, visible, index, k: int = 256) -> dict[tuple[str, str], Cut]:
    """The same null distributions from an approximate index's nearest rows (a large knowledge
    base: an exact pass over every row would take seconds). A language absent from a question's
    nearest rows counts at the k-th cosine, an upper bound, so its cut errs towards declining."""
    sims, rows = index.search(np.ascontiguousarray(negatives, dtype=np.float32), k)
    present = sorted(set(row_langs.tolist()))
    best: dict[tuple[str, str], list[float]] = {}
    for qi, lq in enumerate(neg_langs.tolist()):
        seen = visible.get(lq) if visible else None
        top: dict[str, float] = {}
        for row, sim in zip(rows[qi].tolist(), sims[qi].tolist()):
            if row < 0 or (seen is not None and not seen[row]):
                continue
            le = str(row_langs[row])
            top.setdefault(le, sim)
        for le in present:
            # FAISS pads a short result list with -3.4e38: a cosine is never below -1.
            best.setdefault((lq, le), []).append(top.get(le, max(float(sims[qi][-1]), -1.0)))
    return {pair: _cut(np.asarray(v)) for pair, v in best.items()}


def offer_z(snap, qvec: np.ndarray, asker: str, pos: int, local: bool = False, role: str = "offer") -> float:
    """How far a company's best offer (or description) stands above what off-topic messages (the
    shipped questions and partner requests) in the asker's language reach among offers in that
    profile's language, in standard deviations.

    With `local`, each offer is measured from its own hubness instead (the mean cosine of the
    off-topic messages closest to that very offer): an offer written in broad terms sits near
    every request, and only a message that comes closer to it than unrelated ones do counts.
    With `role` "seek", the company's stated needs are measured instead (against what an asker makes)."""
    kind = snap.cv_role == "seek" if role == "seek" else snap.cv_role != "seek"
    rows = np.flatnonzero((snap.cv_owner == pos) & kind)
    hub = snap.offer_hub.get(asker, snap.offer_hub.get("*")) if local and snap.offer_hub else None
    best = float("-inf")
    cuts = snap.seek_cuts if role == "seek" else snap.company_cuts
    for row in rows.tolist():
        cut = cuts.get((asker, str(snap.cv_lang[row])))
        if cut is not None:
            base = float(hub[row]) if hub is not None else cut.mean
            best = max(best, (float(snap.cv_raw[row] @ qvec) - base) / cut.sd)
    return best


@dataclass(frozen=True)
class Support:
    """How far the best evidence sentence stands above its calibrated cut (cosine units; 0 = on
    the cut), and in which language that sentence is written."""

    score: float
    language: str | None
    row: int | None = None

    def clears(self, offset: float = 0.0) -> bool:
        return self.language is not None and self.score >= offset


# Lower-case words that may sit inside a multi-word name ("Ministero dell'Istruzione e della Ricerca").
_CONNECTORS = {"of", "the", "and", "for", "de", "do", "da", "dos", "das", "e", "di", "del", "dell", "della",
               "delle", "degli", "dei", "y", "la", "le", "l", "d"}
_WORD = re.compile(r"[^\W\d_][\w-]*")
# Common nouns that head many proper names ("Regione Piemonte", "Fundação EU-LAC", "Distretti ad
# Alta Tecnologia"): they say nothing about which region or body is meant, so only the other
# words of a name are judged. Prefixes, so plurals and the three languages' forms all count.
_GENERIC = (
    "region", "regiao", "regioe", "govern", "minist", "agenc", "agenzi", "founda", "fondaz", "fundac", "instit",
    "istitu", "univer", "progra", "projec", "proget", "projet", "cluste", "distri", "distre", "federa", "nation",
    "nazion", "nacion", "state", "stato", "estado", "citta", "cidade", "provin", "chambe", "camera", "camara",
    "associ", "networ", "counci", "consig", "consel", "commis", "comiss", "union", "uniao", "partne", "parcer",
    "centre", "centro", "center", "area", "aree", "park", "parco", "parque", "porto", "bank", "banca", "banco", "fund", "fondo",
)


def _names(question: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words (with connectors between them), and whether a run opens a sentence."""
    text = re.sub(r"['’]", " ", question)
    words = list(_WORD.finditer(text))
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    opens = False
    for i, m in enumerate(words):
        word = m.group(0)
        before = text[words[i - 1].end() if i else 0: m.start()]
        starts_sentence = i == 0 or any(ch in before for ch in ".!?¿¡:;")
        if current and starts_sentence:  # a name never runs across sentences
            runs.append((current, opens))
            current = []
        if word[0].isupper():
            if not current:
                opens = starts_sentence
            current.append(word)
        elif current and word.lower() in _CONNECTORS and _name_goes_on(words, i):
            continue
        elif current:
            runs.append((current, opens))
            current = []
    if current:
        runs.append((current, opens))
    # A sentence's first word is capitalised anyway: "Which Brazilian agency" names only "Brazilian".
    return [(run[1:], False) if opens and len(run) > 1 else (run, opens) for run, opens in runs]


def _name_goes_on(words: list[re.Match], i: int) -> bool:
    for m in words[i + 1:]:
        w = m.group(0)
        if w[0].isupper():
            return True
        if w.lower() not in _CONNECTORS:
            return False
    return False


def unknown_names(question: str, vocabulary: Vocabulary) -> list[str]:
    """Proper names in the question that the knowledge base does not know.

    A question about "the Bavaria–São Paulo aerospace programme" must not be answered with
    Lombardy's article just because the topic is close; an unknown name is strong evidence
    that the knowledge base is about something else. A name counts as known when more than half
    of its telling words are ("Fundação EU-LAC": "EU-LAC"), so "Horizon Europe" or "São Paulo"
    are not, although "Europe" and "São" are.
    """
    unknown = []
    for run, opens in _names(question):
        if opens and len(run) == 1:
            continue  # a capitalised first word is usually just the start of the sentence
        words = [w for part in run for w in re.split(r"[-]", fold(part)) if len(w) > 2 and not w.startswith(_GENERIC)]
        if not words:
            continue
        missing = sum(not vocabulary.knows(w) for w in words)
        if missing * 2 >= len(words):
            unknown.append(" ".join(run))
    return unknown


def foreign_question(question: str, vocabulary: Vocabulary) -> bool:
    """A question of several content words none of which the knowledge base uses in any form
    ("Explain how a transformer neural network works") is about something else, however close
    its embedding happens to fall. Short questions are left to the similarity floors."""
    words = [w for w in re.findall(r"[^\W\d_]+", fold(question)) if len(w) >= 5 and w not in STOPWORDS]
    return len(words) >= 4 and not any(vocabulary.knows(w) for w in words)


_YEAR = re.compile(YEAR_PATTERN)


def unknown_years(question: str, vocabulary: Vocabulary) -> list[str]:
    """Years the question names that no text of the knowledge base names ("Quali eventi sono previsti
    per il 2025?" over an article of 2014, which quoted its closest sentences). Digits read the same in
    every language, so unlike names this holds across languages too; of the evaluation sets' answerable
    questions, none names a year its knowledge base lacks."""
    return [y for y in _YEAR.findall(question) if y not in vocabulary]


def outside_knowledge(question: str, vocabulary: Vocabulary) -> bool:
    """Whether the question's own words show it is about something the knowledge base is not.

    Only meaningful when the question and the knowledge it is checked against share a language
    (see the module's docstring): chat heeds it for documents only when the best evidence is in
    the asker's language."""
    return bool(unknown_names(question, vocabulary)) or foreign_question(question, vocabulary)
