"""The FAISS index over document sentence vectors: exact below `ANN_MIN_ROWS`, IVF above.

Exact inner-product search over every vector is what small and medium knowledge bases get (16 000
sentences: a few milliseconds). Above `ANN_MIN_ROWS` an inverted-file index with 8-bit scalar
quantisation (a quarter of the memory of float32, no second copy of the vectors) scans the
`nprobe` closest of `nlist` clusters; `bench/scale.py` measures its recall@10 against exact search
on real embeddings and its latency at 100 000 and 1 000 000 vectors.
"""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

ANN_MIN_ROWS = 100_000
TRAIN_PER_LIST = 40


def ivf_lists(rows: int) -> int:
    return max(16, int(4 * rows ** 0.5))


def ivf_probes(lists: int) -> int:
    # A quarter of the lists: on real E5 embeddings of this repository's corpora and questions,
    # probing 1/32, 1/16, 1/8 and 1/4 of the lists gave recall@10 0.52, 0.69, 0.84 and 0.95 against
    # exact search (E5's cosines are compressed, so neighbours spread over many lists).
    return max(1, min(lists, max(32, lists // 4)))


def build(vectors: np.ndarray, dim: int, ann_min_rows: int = ANN_MIN_ROWS) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < ann_min_rows:
        index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(vectors)
        return index
    lists = ivf_lists(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, lists, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), size=min(len(vectors), TRAIN_PER_LIST * lists),
                                             replace=False)
    index.train(vectors[np.sort(sample)])
    for start in range(0, len(vectors), 65536):
        index.add(vectors[start:start + 65536])
    index.nprobe = ivf_probes(lists)
    return index


def is_approximate(index: object) -> bool:
    """A FAISS index other than exact search (other searchers, such as pgvector's, are not FAISS)."""
    return isinstance(index, faiss.Index) and not isinstance(index, faiss.IndexFlat)


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if hasattr(index, "nlist"):
        faiss.extract_index_ivf(index).nprobe = ivf_probes(index.nlist)
    return index
