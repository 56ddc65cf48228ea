"""Hybrid retrieval: dense (FAISS over embedded segments) fused with BM25 by reciprocal rank.

Dense search finds meaning across languages; BM25 makes exact codes and names count. Fusion
by rank, not by score, because the two scales are unrelated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models import Filters
from .lexical import fold, plain_words
from .snapshot import PARTNERSHIPS, SECTORS, Snapshot, bitmask

RRF_K = 60
DENSE_POOL = 64


@dataclass
class Hit:
    pos: int                 # chunk position (documents) or company position (companies)
    fused: float             # reciprocal-rank fusion score, scaled to 0..1
    dense: float             # best cosine of a segment or profile text against the query
    lexical: float           # BM25 score
    segments: list[tuple[int, float]] = field(default_factory=list)  # (segment row, cosine), best first


def _rrf(rankings: list[list[int]]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, pos in enumerate(ranking):
            fused[pos] = fused.get(pos, 0.0) + 1.0 / (RRF_K + rank + 1)
    best = len(rankings) / (RRF_K + 1)
    return {pos: score / best for pos, score in fused.items()}


def _as_set(value: str | list[str] | None) -> set[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    return {fold(v).strip() for v in values if v and v.strip()} or None


def filter_mask(snap: Snapshot, filters: Filters | None) -> np.ndarray:
    """Which companies pass the filters, as one boolean array (fast enough for 10 000 profiles)."""
    n = len(snap.companies)
    mask = np.ones(n, dtype=bool)
    if filters is None or not n:
        return mask
    country = _as_set(filters.country)
    if country:
        mask &= np.isin(np.char.lower(snap.c_country), list(country))
    region = _as_set(filters.region)
    if region:
        # "Lombardy" and "Lombardia" name one region: compare on a shared stem.
        mask &= np.isin(snap.c_region, [r[:6] for r in region])
    sector = _as_set(filters.sector)
    if sector:
        mask &= (snap.c_sectors & bitmask(sector, SECTORS)) != 0
    partnership = _as_set(filters.partnership)
    if partnership:
        mask &= (snap.c_partnership & bitmask(partnership, PARTNERSHIPS)) != 0
    certification = _as_set(filters.certification)
    if certification:
        held = np.zeros(n, dtype=bool)
        for cert in certification:
            held[snap.cert_holders.get(plain_words(cert), [])] = True
        mask &= held
    return mask


class Retriever:
    def dense(self, snap: Snapshot, qvec: np.ndarray, pool: int = DENSE_POOL,
              lang: str | None = None) -> list[tuple[int, float]]:
        """The closest segments, (row, cosine) best first, that a question in `lang` sees."""
        if not snap.chunks:
            return []
        visible = snap.visible.get(lang) if lang else None
        if visible is None:
            visible = snap.seg_live  # rows of rewritten or removed documents, until the next full build
        wanted = min(len(snap.seg_texts), pool * (2 if visible is not None else 1))
        sims, rows = snap.doc_index.search(qvec.reshape(1, -1), wanted)
        out = [(int(r), float(v)) for r, v in zip(rows[0], sims[0]) if r >= 0]
        if visible is not None:
            out = [(r, v) for r, v in out if visible[r]][:pool]
        return out

    def documents(self, snap: Snapshot, query: str, qvec: np.ndarray, k: int, lang: str | None = None,
                  dense: list[tuple[int, float]] | None = None, own_versions: bool = True) -> list[Hit]:
        """Chunks for a query in `lang`; with `own_versions`, a document that has a version in `lang`
        is searched in that version only (chat), otherwise in all of them (search)."""
        if not snap.chunks:
            return []
        pool = min(len(snap.seg_texts), max(DENSE_POOL, 4 * k))
        if dense is None:
            dense = self.dense(snap, qvec, pool, lang if own_versions else None)
        per_chunk: dict[int, list[tuple[int, float]]] = {}
        for row, sim in dense:
            per_chunk.setdefault(int(snap.seg_chunk[row]), []).append((row, sim))
        dense_rank = list(per_chunk)  # in the order of their best segment: `dense` comes best first
        lex = snap.doc_lexical.scores(query, lang)
        hidden = snap.hidden_chunks.get(lang) if lang and own_versions else None
        if hidden is None and len(snap.dead_chunks):
            hidden = snap.dead_chunks
        if hidden is not None and len(hidden):
            lex = lex.copy()
            lex[hidden] = 0.0
        lex_rank = [int(i) for i in np.argsort(-lex) if lex[i] > 0][:pool]
        fused = _rrf([dense_rank, lex_rank])
        chosen = sorted(fused, key=lambda p: -fused[p])[:k]
        if k > 1 and dense_rank and dense_rank[0] not in chosen:
            # The chunk holding the single closest sentence always makes the cut: across languages
            # BM25 can favour chunks that merely share a cognate or two with the question. (With
            # k = 1 the fused winner stays: it is the best single answer to return.)
            chosen[-1] = dense_rank[0]
        hits = []
        for pos in chosen:
            segs = per_chunk.get(pos)
            if segs is None:  # found by BM25 alone: score its segments directly
                seg_rows = np.flatnonzero(snap.seg_chunk == pos)
                seg_sims = snap.seg_vectors[seg_rows] @ qvec
                segs = sorted(zip(seg_rows.tolist(), seg_sims.tolist()), key=lambda t: -t[1])
            hits.append(Hit(pos, fused[pos], segs[0][1], float(lex[pos]), segs))
        return hits

    def companies(self, snap: Snapshot, query: str, qvec: np.ndarray, k: int,
                  filters: Filters | None = None) -> list[Hit]:
        if not snap.companies:
            return []
        allowed = filter_mask(snap, filters)
        if not allowed.any():
            return []
        rows = snap.company_index_rows
        sims = snap.company_index_vectors @ qvec if len(rows) else np.zeros(0, dtype=np.float32)
        owners = snap.cv_owner[rows]
        best = np.full(len(snap.companies), -1.0, dtype=np.float32)
        np.maximum.at(best, owners, sims)
        best_row: dict[int, int] = {}
        for row, owner, sim in zip(rows.tolist(), owners.tolist(), sims.tolist()):
            if sim >= best[owner] and owner not in best_row:
                best_row[owner] = row
        candidates = np.flatnonzero(allowed & (best > -1))
        pool = max(DENSE_POOL, 4 * k)
        dense_rank = [int(i) for i in candidates[np.argsort(-best[candidates])][:pool]]
        lex = snap.company_lexical.scores(query)
        lex_rank = [int(i) for i in np.argsort(-lex) if lex[i] > 0 and allowed[i]][:pool]
        fused = _rrf([dense_rank, lex_rank])
        return [
            Hit(pos, fused[pos], float(best[pos]), float(lex[pos]),
                [(best_row[pos], float(best[pos]))] if pos in best_row else [])
            for pos in sorted(fused, key=lambda p: -fused[p])[:k]
        ]
