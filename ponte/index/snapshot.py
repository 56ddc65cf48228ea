"""An immutable, query-ready view of the store: FAISS and BM25 indexes plus the rows they point at.

A new snapshot is built after every write and swapped in whole, so readers always see the
last complete state and never a half-updated index.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from typing import get_args

from ..models import CompanyProfile, PartnershipType, Sector
from .lexical import YEAR_PATTERN, LexicalIndex, Vocabulary, fold, tokenize
from . import vectors
from .store import Store


@dataclass(frozen=True)
class DocChunk:
    id: str
    doc_id: str
    title: str
    heading: str
    text: str
    url: str | None
    language: str = "en"
    work: str = ""          # shared by a document and its translations
    translation: bool = False


SECTORS = get_args(Sector)
PARTNERSHIPS = get_args(PartnershipType)


def bitmask(values, universe) -> int:
    return sum(1 << universe.index(v) for v in set(values) if v in universe)


RARE_SHARE = 0.2  # a term in at most this share of chunks is distinctive enough to tip a choice
RARE_MIN_CHARS = 3  # ... and at least this long: acronyms ("PTA", "CNC") are the names users ask about
SHRINK = 40  # texts of pseudo-weight pulling a sparse language's mean towards the global one


def _language_means(vectors: np.ndarray, langs: list[str]) -> dict[str, np.ndarray]:
    """Mean profile vector per language, shrunk towards the global mean when few texts back it."""
    if not len(vectors):
        return {}
    overall = vectors.mean(axis=0)
    means = {"*": overall}
    arr = np.asarray(langs)
    for lang in set(langs):
        rows = vectors[arr == lang]
        means[lang] = (rows.sum(axis=0) + SHRINK * overall) / (len(rows) + SHRINK)
    return means


def _normalize(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return (m / np.maximum(norms, 1e-12)).astype(np.float32)


def _center_rows(vectors: np.ndarray, langs: list[str], means: dict[str, np.ndarray]) -> np.ndarray:
    if not len(vectors):
        return vectors
    shifts = np.vstack([means.get(lang, means["*"]) for lang in langs])
    return _normalize(vectors - shifts)


def company_search_text(c: CompanyProfile) -> str:
    """What BM25 sees of a profile; the contact block is never part of it."""
    parts = [c.name, c.city or "", c.region or "", c.country, " ".join(c.sectors), " ".join(c.nace),
             c.description, " ".join(c.offers), " ".join(c.seeks), " ".join(c.certifications)]
    return "\n".join(p for p in parts if p)


@dataclass
class Snapshot:
    generation: int
    dim: int
    chunks: list[DocChunk] = field(default_factory=list)
    seg_texts: list[str] = field(default_factory=list)
    seg_chunk: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    seg_vectors: np.ndarray | None = None
    doc_index: Any = None
    doc_lexical: LexicalIndex | None = None
    companies: list[CompanyProfile] = field(default_factory=list)
    company_pos: dict[str, int] = field(default_factory=dict)
    # One row per embedded company text; role is 'desc', 'offer' or 'seek'.
    cv_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cv_role: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U5"))
    cv_text: list[str] = field(default_factory=list)
    cv_lang: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U2"))  # the profile's language
    cv_vectors: np.ndarray | None = None   # centred per language (see `center`)
    cv_raw: np.ndarray | None = None       # as the encoder gave them, for baseline comparisons
    lang_means: dict[str, np.ndarray] = field(default_factory=dict)
    # 'desc' and 'offer' rows: what search by meaning looks at. Scored exactly with numpy, since
    # filters and the per-company maximum need every row anyway.
    company_index_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    company_index_vectors: np.ndarray | None = None
    company_lexical: LexicalIndex | None = None
    offer_lexical: LexicalIndex | None = None  # what each company offers and is: matching's lexical side
    # Per segment: its document's language; and, per question language, which segments a question
    # in that language sees (None: all). A document with a version in the asker's language is read
    # in that version only, so its other versions neither answer nor calibrate for that asker.
    seg_lang: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U2"))
    visible: dict[str, np.ndarray] = field(default_factory=dict)
    hidden_chunks: dict[str, np.ndarray] = field(default_factory=dict)  # chunk positions not in `visible`
    # Segment rows of each work's original document, to cite the original beside a translation.
    originals: dict[str, np.ndarray] = field(default_factory=dict)
    # Grounding calibration (see ponte/assistant/grounding.py): off-topic null distributions per
    # (question language, evidence language) for document sentences and for what companies offer.
    doc_cuts: dict = field(default_factory=dict)
    chunk_languages: np.ndarray | None = None  # each chunk's language, built on first use (chat)
    name_index: tuple | None = None  # the companies' names as chat recognises them, built on first use
    company_cuts: dict = field(default_factory=dict)
    seek_cuts: dict = field(default_factory=dict)  # the same for stated needs (query role, as asked)
    offer_hub: dict = field(default_factory=dict)  # per asker language: each company text's hubness
    cert_holders: dict = field(default_factory=dict)  # a certification's words -> companies holding it
    # Per-company columns for vectorised filters and bonuses (bit i of a mask = i-th known value).
    c_country: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U2"))
    c_region: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U6"))
    c_sectors: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    c_partnership: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # folded words of every indexed text
    rare_terms: set[str] = field(default_factory=set)  # BM25 tokens found in few document chunks
    # Per segment: its BM25 tokens, computed when a query first looks at the segment.
    seg_tokens: "SegmentTokens | None" = None
    # The words of each part, which the vocabulary joins; and the generation each part was built at.
    doc_words: set[str] = field(default_factory=set)
    company_words: set[str] = field(default_factory=set)
    part_generations: dict[str, int] = field(default_factory=dict)
    ann_min_rows: int = vectors.ANN_MIN_ROWS
    # Incremental updates (see `_apply_changes`): rows of documents rewritten or removed since the
    # last full build stay in the arrays, marked dead (None: every row lives); new rows are appended.
    seg_live: np.ndarray | None = None
    dead_chunks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    seg_ids: np.ndarray | None = None        # the store's segment ids (a database replica needs them)
    doc_df: dict[str, int] = field(default_factory=dict)  # chunks holding each BM25 token
    base_rows: int = 0                      # segments present at the last full build

    def center(self, qvec: np.ndarray, lang: str) -> np.ndarray:
        """Put a query in the same language-centred space as the profile vectors.

        Multilingual E5 keeps a strong language component: an Italian need scores higher against
        any Italian offer than against the right Portuguese one. Subtracting each language's mean
        removes most of that, which is what lets a Portuguese need find an Italian supplier.
        """
        if not self.lang_means:
            return qvec
        return _normalize(qvec - self.lang_means.get(lang, self.lang_means["*"]))

    @classmethod
    def build(cls, store: Store, dim: int, previous: "Snapshot | None" = None,
              ann_min_rows: int = vectors.ANN_MIN_ROWS) -> "Snapshot":
        """A snapshot of the store; the part ('documents', 'companies') whose generation has not
        moved since `previous` is taken over from it, so a company written through the API does
        not rebuild the document indexes, nor a new document the company ones."""
        generations = store.generations()
        snap = cls(generation=generations["*"], dim=dim)
        snap.ann_min_rows = ann_min_rows
        snap.part_generations = {part: generations[part] for part in ("documents", "companies")}
        earlier = previous if previous is not None and previous.dim == dim else None
        negatives = None
        for part, fields, build in (
                ("documents", DOCUMENT_FIELDS, lambda neg: snap._build_documents(store, neg, earlier)),
                ("companies", COMPANY_FIELDS, lambda neg: snap._build_companies(store, neg))):
            if earlier is not None and earlier.part_generations.get(part) == generations[part]:
                for name in fields:
                    setattr(snap, name, getattr(earlier, name))
            else:
                negatives = negatives or _negatives(store, dim)
                build(negatives[part] if negatives else None)
        snap.vocabulary = Vocabulary(snap.doc_words | snap.company_words)
        return snap

    def _build_documents(self, store: Store, negatives: tuple[np.ndarray, np.ndarray] | None,
                         previous: "Snapshot | None" = None) -> None:
        """The document part at the store's generation: from an older state (this process's last
        snapshot, or the newest index folder on disk) plus the documents changed since, when the
        store's change log covers them and they are few; otherwise read whole and written to disk."""
        generation = self.part_generations["documents"]
        store_id = store.identity()
        base = previous
        if base is None:
            base = _load_latest(store, self.dim, self.ann_min_rows, generation, store_id)
            if base is not None and base.part_generations["documents"] == generation:
                for name in DOCUMENT_FIELDS:
                    setattr(self, name, getattr(base, name))
                self._finish_documents(negatives, _index_folder(store, generation))
                return
        if base is not None:
            changed = store.changes_since(base.part_generations["documents"])
            if changed is not None and self._apply_changes(store, base, changed, negatives):
                return
        folder = _index_folder(store, generation)
        self._read_documents(store)
        if folder is not None:
            _save_documents(self, folder, store_id)
        self._finish_documents(negatives, folder)

    def _finish_documents(self, negatives, folder: Path | None) -> None:
        self.seg_tokens = SegmentTokens(self)
        self._versions()
        if negatives is not None and not self.doc_cuts:
            from ..assistant.grounding import null_cuts

            self.doc_cuts = null_cuts(*negatives, self.seg_vectors, self.seg_lang, self.visible,
                                      index=self.doc_index if vectors.is_approximate(self.doc_index) else None)
            if folder is not None and self.seg_live is None:
                _save_cuts(self, folder)

    def _apply_changes(self, store: Store, base: "Snapshot", changed: set[str], negatives) -> bool:
        """Take `base`'s document part, mark the rows of `changed` documents dead and append their
        current rows. False (nothing done) when so much changed that a full build is due."""
        if not changed:
            for name in DOCUMENT_FIELDS:
                setattr(self, name, getattr(base, name))
            self._finish_documents(negatives, None)
            return True
        # Decided on `base` alone: a full build starts from this snapshot's empty fields.
        rows = list(store.iter_segments(doc_ids=sorted(changed)))
        old_segments = len(base.seg_texts)
        dead_now = 0 if base.seg_live is None else int((~base.seg_live).sum())
        doc_of = np.asarray([c.doc_id for c in base.chunks]) if base.chunks else np.zeros(0, dtype="<U1")
        killed = np.flatnonzero(np.isin(doc_of, sorted(changed)))
        killed = np.setdiff1d(killed, base.dead_chunks)
        dead_segments = dead_now + int(np.isin(base.seg_chunk, killed).sum())
        appended = old_segments + len(rows) - base.base_rows
        if dead_segments + appended > COMPACT_SHARE * max(base.base_rows, 1) + COMPACT_MIN:
            return False  # a full build (which also rewrites the index on disk) is cheaper now
        for name in DOCUMENT_FIELDS:
            setattr(self, name, getattr(base, name))

        chunks = list(self.chunks)
        first_new = len(chunks)
        seg_chunk, texts, new_vectors, seg_ids = _gather(rows, chunks, self.dim)
        df = dict(self.doc_df)
        _count_terms([chunks[p] for p in killed.tolist()], df, -1)
        _count_terms(chunks[first_new:], df, +1)

        live = np.ones(old_segments + len(rows), dtype=bool)
        if self.seg_live is not None:
            live[:old_segments] = self.seg_live
        live[:old_segments] &= ~np.isin(self.seg_chunk, killed)
        self.dead_chunks = np.union1d(self.dead_chunks, killed).astype(np.int64)
        self.chunks = chunks
        self.seg_texts = list(self.seg_texts) + texts
        self.seg_chunk = np.concatenate([np.asarray(self.seg_chunk), np.asarray(seg_chunk, dtype=np.int64)])
        self.seg_vectors = np.concatenate([np.asarray(self.seg_vectors), new_vectors]) if len(new_vectors) else \
            self.seg_vectors
        if self.seg_ids is not None:
            self.seg_ids = np.concatenate([self.seg_ids, np.asarray(seg_ids, dtype=np.int64)])
        self.seg_live = None if live.all() else live
        self.doc_index = store.vector_added(self.doc_index, new_vectors, self.seg_ids, self.seg_vectors, self.dim)
        self.doc_lexical = store.lexical_added(self.doc_lexical, self.chunks, first_new)
        self.doc_df = {t: n for t, n in df.items() if n > 0}
        self.rare_terms = _rare_terms(self.doc_df, len(self.chunks) - len(self.dead_chunks))
        self.doc_words = self.doc_words | _words([c.text for c in chunks[first_new:]] + [c.title for c in chunks[first_new:]])
        self.doc_cuts = {}
        if negatives is not None and base.doc_cuts and len(new_vectors):
            from ..assistant.grounding import raised_cuts

            chunk_lang = np.asarray([c.language for c in chunks[first_new:]], dtype="<U2")
            new_langs = chunk_lang[np.asarray(seg_chunk, dtype=np.int64) - first_new]
            self.doc_cuts = raised_cuts(base.doc_cuts, *negatives, new_vectors, new_langs) or {}
        elif not len(new_vectors):
            self.doc_cuts = base.doc_cuts
        self._finish_documents(negatives, None)
        return True

    def _read_documents(self, store: Store) -> None:
        dim = self.dim
        seg_chunk, self.seg_texts, self.seg_vectors, seg_ids = _gather(store.iter_segments(), self.chunks, dim)
        self.seg_chunk = np.asarray(seg_chunk, dtype=np.int64)
        # The store decides what searches: FAISS and BM25 in memory (embedded), or pgvector and
        # PostgreSQL full-text search (a replica on a shared database).
        self.doc_index = store.vector_search(self.seg_vectors, np.asarray(seg_ids, dtype=np.int64), dim,
                                             self.ann_min_rows)
        self.doc_lexical = store.lexical_search(self.chunks)
        self.seg_ids = np.asarray(seg_ids, dtype=np.int64)
        self.base_rows = len(self.seg_texts)
        self.doc_df = {}
        _count_terms(self.chunks, self.doc_df, +1)
        self.rare_terms = _rare_terms(self.doc_df, len(self.chunks))
        self.doc_words = _words([c.text for c in self.chunks] + [c.title for c in self.chunks])

    def _build_companies(self, store: Store, negatives: tuple[np.ndarray, np.ndarray] | None) -> None:
        dim = self.dim
        for data in store.all_companies():
            data.pop("contact", None)  # the query-side view never holds personal data
            self.company_pos[data["id"]] = len(self.companies)
            self.companies.append(CompanyProfile.model_validate(data))
        self.c_country = np.asarray([c.country for c in self.companies], dtype="<U2")
        self.c_region = np.asarray([fold(c.region or "")[:6] for c in self.companies], dtype="<U6")
        self.c_sectors = np.asarray([bitmask(c.sectors, SECTORS) for c in self.companies], dtype=np.int64)
        self.c_partnership = np.asarray([bitmask(c.partnership, PARTNERSHIPS) for c in self.companies], dtype=np.int64)
        owners, roles, langs, vecs = [], [], [], []
        for row in store.iter_company_vectors():
            pos = self.company_pos.get(row["company_id"])
            if pos is None:
                continue
            owners.append(pos)
            roles.append(row["role"])
            langs.append(row["lang"])
            self.cv_text.append(row["text"])
            vecs.append(np.frombuffer(row["vec"], dtype=np.float32))
        self.cv_owner = np.asarray(owners, dtype=np.int64)
        self.cv_role = np.asarray(roles, dtype="<U5")
        self.cv_lang = np.asarray(langs, dtype="<U2")
        self.cv_raw = np.vstack(vecs) if vecs else np.zeros((0, dim), dtype=np.float32)
        self.lang_means = _language_means(self.cv_raw, langs)
        self.cv_vectors = _center_rows(self.cv_raw, langs, self.lang_means)
        self.company_index_rows = np.flatnonzero(self.cv_role != "seek")
        self.company_index_vectors = np.ascontiguousarray(self.cv_vectors[self.company_index_rows])
        texts = [company_search_text(c) for c in self.companies]
        self.company_lexical = LexicalIndex(texts)
        from ..assistant.matcher import certification_holders

        self.cert_holders = certification_holders(self.companies)
        # Without `seeks`: a company that seeks what a need names is a fellow seeker, not a match.
        self.offer_lexical = LexicalIndex(["\n".join([c.description, *c.offers, *c.certifications])
                                           for c in self.companies])
        self.company_words = _words(texts)
        if negatives is not None and len(self.company_index_rows):
            from ..assistant.grounding import null_cuts

            # Per question language x profile language, as for document sentences.
            self.company_cuts = null_cuts(*negatives, self.cv_raw[self.company_index_rows],
                                          self.cv_lang[self.company_index_rows])
            seeks = np.flatnonzero(self.cv_role == "seek")
            self.seek_cuts = null_cuts(*negatives, self.cv_raw[seeks], self.cv_lang[seeks]) if len(seeks) else {}
        if negatives is not None and len(self.cv_raw):
            from ..assistant.matcher import hubness

            self.offer_hub = hubness(self.cv_raw, *negatives)

    def _versions(self) -> None:
        """Which segments each question language sees (not the dead ones, nor other-language
        versions of a document that has one in that language), and where each work's original lies."""
        chunk_lang = np.asarray([c.language for c in self.chunks], dtype="<U2")
        self.seg_lang = chunk_lang[self.seg_chunk] if len(self.seg_chunk) else np.zeros(0, dtype="<U2")
        self.visible, self.hidden_chunks, self.originals = {}, {}, {}
        dead = np.zeros(len(self.chunks), dtype=bool)
        dead[self.dead_chunks] = True
        works: dict[str, set[str]] = {}
        for c, gone in zip(self.chunks, dead.tolist()):
            if not gone:
                works.setdefault(c.work, set()).add(c.language)
        translated = {w for w, langs in works.items() if len(langs) > 1}
        if not translated and self.seg_live is None:
            return
        live = self.seg_live if self.seg_live is not None else np.ones(len(self.seg_chunk), dtype=bool)
        seg_work = np.asarray([self.chunks[p].work for p in self.seg_chunk.tolist()])
        seg_translation = np.asarray([self.chunks[p].translation for p in self.seg_chunk.tolist()], dtype=bool)
        for lang in ("en", "it", "pt"):
            has_version = {w for w in translated if lang in works[w]}
            hidden = (np.isin(seg_work, list(has_version)) & (self.seg_lang != lang)) | ~live
            self.visible[lang] = ~hidden
            self.hidden_chunks[lang] = np.union1d(np.unique(self.seg_chunk[hidden]), self.dead_chunks).astype(np.int64)
        for w in translated:
            rows = np.flatnonzero((seg_work == w) & ~seg_translation & live)
            if len(rows):
                self.originals[w] = rows


def _words(texts: list[str]) -> set[str]:
    """The folded words of `texts`, and the years they name ("2014"): a question about a year that the
    knowledge base never names cannot be answered from it (`grounding.unknown_years`)."""
    word = re.compile(rf"[^\W\d_]+|{YEAR_PATTERN}")
    out: set[str] = set()
    for text in texts:
        out.update(word.findall(fold(text)))
    return out


def _gather(rows: Iterable[Any], chunks: list[DocChunk], dim: int) -> tuple[list[int], list[str], np.ndarray, list[int]]:
    """Segments as the store lists them (in document order): their chunks are appended to
    `chunks`; returns each segment's chunk position, text, vector and store id."""
    chunk_pos: dict[str, int] = {}
    seg_chunk, texts, vecs, ids = [], [], [], []
    for row in rows:
        pos = chunk_pos.get(row["chunk_id"])
        if pos is None:
            pos = chunk_pos[row["chunk_id"]] = len(chunks)
            chunks.append(DocChunk(row["chunk_id"], row["doc_id"], row["title"], row["heading"], row["chunk_text"],
                                   row["url"], row["language"], row["work"], bool(row["translation"])))
        seg_chunk.append(pos)
        texts.append(row["text"])
        vecs.append(row["vec"])
        ids.append(row["id"])
    vectors = np.vstack(vecs).astype(np.float32, copy=False) if vecs else np.zeros((0, dim), dtype=np.float32)
    return seg_chunk, texts, vectors, ids


def _count_terms(chunks: Iterable[DocChunk], df: dict[str, int], step: int) -> None:
    """Add `step` to the count of chunks holding each BM25 token, for each of `chunks`."""
    for c in chunks:
        for term in set(tokenize(c.text, c.language)):
            df[term] = df.get(term, 0) + step


def _rare_terms(df: dict[str, int], live_chunks: int) -> set[str]:
    limit = max(1, int(RARE_SHARE * live_chunks))
    return {t for t, n in df.items() if 0 < n <= limit and len(t) >= RARE_MIN_CHARS}


def offtopic_question_vectors(store: Store, dim: int) -> np.ndarray | None:
    """The shipped off-topic questions' vectors as the last ingest stored them (None: none yet)."""
    found = _negatives(store, dim)
    return found["documents"][0] if found else None


def _negatives(store: Store, dim: int) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
    """The shipped calibration texts' vectors and languages, as the last ingest stored them: for
    "documents" the off-topic questions, for "companies" those and the off-topic requests."""
    from ..assistant.grounding import calibration_texts, offtopic_questions

    raw = store.meta("offtopic")
    if not raw:
        return None
    neg = np.frombuffer(bytes.fromhex(raw), dtype=np.float32)
    langs = np.asarray([lang for lang, _ in calibration_texts()])
    if neg.size != len(langs) * dim:
        return None
    neg = neg.reshape(-1, dim)
    questions = len(offtopic_questions())
    return {"documents": (neg[:questions], langs[:questions]), "companies": (neg, langs)}


DOCUMENT_FIELDS = ("chunks", "seg_texts", "seg_chunk", "seg_vectors", "doc_index", "doc_lexical", "rare_terms",
                   "seg_tokens", "doc_words", "seg_lang", "visible", "hidden_chunks", "originals", "doc_cuts",
                   "seg_live", "dead_chunks", "seg_ids", "doc_df", "base_rows")
# Rewritten or removed plus new rows since the last full build, beyond which a full build (and a
# new index on disk) is due: this share of the rows then, plus a fixed allowance.
COMPACT_SHARE = 0.2
COMPACT_MIN = 2000
COMPANY_FIELDS = ("companies", "name_index", "company_pos", "cv_owner", "cv_role", "cv_lang", "cv_text", "cv_vectors", "cv_raw", "lang_means",
                  "company_index_rows", "company_index_vectors", "company_lexical", "offer_lexical", "c_country", "c_region",
                  "c_sectors", "c_partnership", "company_words", "company_cuts", "seek_cuts", "offer_hub",
                  "cert_holders")


class SegmentTokens:
    """Each segment's BM25 tokens, computed on first use: a query looks at a few dozen segments,
    and tokenizing every sentence of a large knowledge base up front would dominate start-up."""

    def __init__(self, snap: "Snapshot"):
        self._snap = snap
        self._cache: dict[int, frozenset[str]] = {}

    def __getitem__(self, row: int) -> frozenset[str]:
        hit = self._cache.get(row)
        if hit is None:
            snap = self._snap
            hit = frozenset(tokenize(snap.seg_texts[row], snap.chunks[int(snap.seg_chunk[row])].language))
            if len(self._cache) < 200_000:
                self._cache[row] = hit
        return hit


# --- the document part on disk -------------------------------------------------------------------
#
# $PONTE_HOME/index/documents-<generation>/ holds what building the document part derives from the
# store (vectors, chunk table, BM25 index, distinctive terms, words, calibration), so a process that
# opens an unchanged knowledge base loads it instead of rebuilding it. Written to a temporary folder
# and renamed, so a reader never sees half of one; older generations are removed.

INDEX_FORMAT = "documents-4"


def _index_folder(store: Store, generation: int) -> Path | None:
    root = store.index_root()
    if root is None:
        return None  # a database shared by replicas: nothing derived is kept on local disk
    try:
        root.mkdir(exist_ok=True)
    except OSError:
        return None  # a read-only data home: build in memory only
    return root / f"documents-{generation}"


def _load_latest(store: Store, dim: int, ann_min_rows: int, generation: int, store_id: str) -> "Snapshot | None":
    """The document part as the newest index folder on disk holds it (at most `generation`)."""
    root = store.index_root()
    if root is None or not root.is_dir():
        return None
    found = []
    for folder in root.glob("documents-*"):
        try:
            g = int(folder.name.split("-", 1)[1])
        except ValueError:
            continue
        if g <= generation:
            found.append((g, folder))
    for g, folder in sorted(found, reverse=True):
        snap = Snapshot(generation=g, dim=dim)
        snap.ann_min_rows = ann_min_rows
        snap.part_generations = {"documents": g}
        if _load_documents(snap, folder, store_id):
            return snap
    return None


def _save_documents(snap: "Snapshot", folder: Path, store_id: str) -> None:
    if folder.exists():
        # Written by a process with exact search; this one built the approximate index: add it.
        if vectors.is_approximate(snap.doc_index) and not (folder / "segments.faiss").exists():
            try:
                part = folder / ".segments.faiss.part"
                vectors.save(snap.doc_index, part)
                part.replace(folder / "segments.faiss")
            except (OSError, RuntimeError):
                pass
        return
    tmp = Path(tempfile.mkdtemp(prefix=".documents-", dir=folder.parent))
    try:
        np.save(tmp / "vectors.npy", snap.seg_vectors)
        np.save(tmp / "seg_chunk.npy", snap.seg_chunk)
        (tmp / "tables.json").write_text(json.dumps({
            "format": INDEX_FORMAT, "dim": snap.dim, "store": store_id,
            "chunks": [[c.id, c.doc_id, c.title, c.heading, c.text, c.url, c.language, c.work, c.translation]
                       for c in snap.chunks],
            "seg_texts": snap.seg_texts, "rare_terms": sorted(snap.rare_terms), "doc_words": sorted(snap.doc_words),
            "df": snap.doc_df,
        }, ensure_ascii=False), encoding="utf-8")
        if snap.doc_lexical is not None:
            snap.doc_lexical.save(tmp / "bm25")
        if vectors.is_approximate(snap.doc_index):  # an exact index is rebuilt from vectors.npy in no time
            vectors.save(snap.doc_index, tmp / "segments.faiss")
        tmp.rename(folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for old in folder.parent.glob("documents-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)


def _save_cuts(snap: "Snapshot", folder: Path) -> None:
    try:
        data = {f"{lq}>{le}": [c.mean, c.sd] + ([c.best.tolist()] if c.best is not None else [])
                for (lq, le), c in snap.doc_cuts.items()}
        tmp = folder / ".cuts.json.part"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(folder / "cuts.json")
    except OSError:
        pass


def _load_documents(snap: "Snapshot", folder: Path, store_id: str) -> bool:
    """Fill the document part from `folder`; False (and nothing filled) when it is missing or stale."""
    from ..assistant.grounding import Cut

    try:
        tables = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
        if tables.get("format") != INDEX_FORMAT or tables.get("dim") != snap.dim:
            return False
        seg_vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        seg_chunk = np.load(folder / "seg_chunk.npy")
        index = vectors.load(folder / "segments.faiss") if (folder / "segments.faiss").exists() else None
        lexical = LexicalIndex.load(folder / "bm25") if (folder / "bm25").exists() else LexicalIndex([])
        cuts = json.loads((folder / "cuts.json").read_text(encoding="utf-8")) if (folder / "cuts.json").exists() else {}
    except (OSError, ValueError, KeyError):
        return False
    if tables.get("store") != store_id or len(tables["seg_texts"]) != len(seg_vectors):
        return False  # another store's index (the database was replaced), or a damaged one
    if index is None and len(seg_vectors) >= snap.ann_min_rows:
        return False  # written with exact search, now above the size for an approximate index
    snap.chunks = [DocChunk(*row[:8], bool(row[8])) for row in tables["chunks"]]
    snap.seg_texts = tables["seg_texts"]
    snap.seg_chunk = seg_chunk
    snap.seg_vectors = seg_vectors
    snap.doc_index = index if index is not None else vectors.build(seg_vectors, snap.dim, snap.ann_min_rows)
    snap.doc_lexical = lexical
    snap.rare_terms = set(tables["rare_terms"])
    snap.doc_words = set(tables["doc_words"])
    snap.doc_df = tables.get("df", {})
    snap.base_rows = len(snap.seg_texts)
    snap.doc_cuts = {tuple(k.split(">")): Cut(v[0], v[1], np.asarray(v[2], dtype=np.float32) if len(v) > 2 else None)
                     for k, v in cuts.items()}
    return True
