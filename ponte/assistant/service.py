"""`Assistant`: the one service object behind the CLI and the HTTP API.

It owns the store, the encoder, the current index snapshot, the answerer and the matcher.
Readers work on the snapshot they picked up; writers go through one lock, commit to the store
in one transaction, and the next reader builds a fresh snapshot from the new generation.
"""
from __future__ import annotations

import json
import re
import sys
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import PonteError, invalid, not_found
from ..index.encoders import Encoder, get_encoder
from ..index.lexical import use_stemmer
from ..index.retriever import Retriever, filter_mask
from ..index.snapshot import Snapshot
from ..index.store import open_store
from ..models import (
    ChatRequest, ChatResponse, CompanyList, CompanyProfile, CompanyPublic, Deleted, DocumentInfo,
    DocumentList, IngestReport, Match, MatchRequest, MatchResponse, SearchRequest, SearchResponse,
    SearchResult,
)
from ..settings import Settings
from .answerer import Answerer, ExtractiveAnswerer, clip
from .chat import ChatService
from .ingest import Ingestor, expand, profile_language
from .language import detect_language
from .intent import names_only_conditions, need_parts, own_offer, request_object, seeks_only_partners, sought_by_others
from .matcher import Matcher, OwnOffer, without_own_product
from .places import place_words, without_places
from .vocabulary import without_sectors


class Assistant:
    def __init__(self, settings: Settings, answerer: Answerer | None = None):
        self.settings = settings
        use_stemmer(settings.stemmer)
        self.store = open_store(settings)
        self.retriever = Retriever()
        self.matcher = Matcher(cross_border=settings.cross_border)
        self.answerer: Answerer = answerer or ExtractiveAnswerer()
        self._snapshot: Snapshot | None = None
        self._snap_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._chat = ChatService(self)

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def encoder(self) -> Encoder:
        return get_encoder(self.settings.encoder)

    def _progress(self) -> bool:
        if self.settings.progress is not None:
            return self.settings.progress
        return sys.stderr.isatty()

    def _ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.encoder, self.settings.max_document_bytes,
                        self.settings.max_record_bytes, progress=self._progress())

    def is_empty(self) -> bool:
        return self.store.meta("encoder") is None

    def ensure_ready(self) -> None:
        """First use on a fresh data home indexes the shipped corpus, so asking just works; a store
        written by an older Ponte (another sentence format, no grounding calibration) is brought up
        to date in place, without reading any file again."""
        if self.is_empty():
            if self._progress():
                print(f"ponte: indexing the shipped corpus ({self.settings.corpus}) on first use…", file=sys.stderr)
            self.ingest(None)
        elif self.store.meta("encoder") == self.settings.encoder and self._ingestor().stale():
            if self._progress():
                print("ponte: updating the index of this data home to this version of Ponte…", file=sys.stderr)
            with self._write_lock:
                self._ingestor().run([])
                self._written()

    def snapshot(self) -> Snapshot:
        built_with = self.store.meta("encoder")
        if built_with is not None and built_with != self.settings.encoder:
            raise PonteError(
                "encoder_mismatch",
                f"the index was built with encoder {built_with!r} but PONTE_ENCODER is {self.settings.encoder!r}; "
                "run `ponte ingest` to re-embed the knowledge base with the new encoder",
                409,
            )
        snap = self._snapshot
        if snap is not None and snap.generation == self.store.generation:
            return snap
        # Another thread is already building the next snapshot: keep serving the last complete one.
        if not self._snap_lock.acquire(blocking=snap is None):
            return snap
        try:
            return self._rebuild()
        finally:
            self._snap_lock.release()

    def _rebuild(self) -> Snapshot:
        snap = self._snapshot
        generation = self.store.generation
        if snap is None or snap.generation != generation:
            snap = Snapshot.build(self.store, int(self.store.meta("dim") or self.encoder.dim), previous=snap,
                                  ann_min_rows=self.settings.ann_min_rows)
            self._snapshot = snap
        return snap

    def _written(self) -> None:
        """After a write: build the new snapshot before the writer returns, so the writer reads
        its own write, while other readers go on with the previous snapshot until the swap."""
        if self._snapshot is None or self.store.meta("encoder") not in (None, self.settings.encoder):
            return  # nobody reads yet (a CLI ingest), or the index must be rebuilt by `ponte ingest`
        with self._snap_lock:
            self._rebuild()

    def ready(self) -> bool:
        try:
            return self.snapshot() is not None and not self.is_empty()
        except PonteError:
            return False

    def _query_vector(self, text: str) -> np.ndarray:
        """One query embedding, remembered: the encoder is the cost of every request, and portal
        users ask the same questions again (and chat asks for the same text twice in one turn)."""
        size = self.settings.query_cache_size
        if size <= 0:
            return self.encoder.queries([text])[0]
        with self._cache_lock:
            hit = self._query_cache.get(text)
            if hit is not None:
                self._query_cache.move_to_end(text)
                return hit
        vec = self.encoder.queries([text])[0]
        vec.setflags(write=False)
        with self._cache_lock:
            self._query_cache[text] = vec
            while len(self._query_cache) > size:
                self._query_cache.popitem(last=False)
        return vec

    # --- ingest -----------------------------------------------------------------------------

    def ingest(self, paths: list[Path] | None) -> IngestReport:
        targets = [Path(p) for p in paths] if paths else [self.settings.corpus]
        files, rejected = expand(targets, self.settings.home)
        with self._write_lock:
            report = self._ingestor().run(files, IngestReport(rejected=rejected))
            self._written()
        return report

    # --- search -----------------------------------------------------------------------------

    def _bounded(self, text: str, what: str) -> str:
        text = text.strip()
        if not text:
            raise invalid(f"{what} must not be empty")
        if len(text) > self.settings.max_query_chars:
            raise PonteError("too_large", f"{what} is {len(text)} characters; the limit is "
                             f"{self.settings.max_query_chars} (PONTE_MAX_QUERY_CHARS)", 413)
        return text

    def search(self, req: SearchRequest) -> SearchResponse:
        query = self._bounded(req.query, "query")
        snap = self.snapshot()
        qvec = self._query_vector(query)
        results: list[SearchResult] = []
        if req.kind in (None, "document"):
            for hit in self.retriever.documents(snap, query, qvec, req.k, detect_language(query), own_versions=False):
                c = snap.chunks[hit.pos]
                best_seg = snap.seg_texts[hit.segments[0][0]] if hit.segments else c.text
                results.append(SearchResult(
                    id=c.id, kind="document", source_id=c.doc_id, title=c.title, snippet=clip(best_seg, 300),
                    score=round(hit.fused, 4), metadata={"heading": c.heading, "dense": round(hit.dense, 4),
                                                         "url": c.url}))
        if req.kind in (None, "company"):
            cvec = snap.center(qvec, detect_language(query))
            for hit in self.retriever.companies(snap, query, cvec, req.k, req.filters):
                c = snap.companies[hit.pos]
                snippet = snap.cv_text[hit.segments[0][0]] if hit.segments else c.description
                results.append(SearchResult(
                    id=c.id, kind="company", source_id=c.id, title=c.name, snippet=clip(snippet, 300),
                    score=round(hit.fused, 4),
                    metadata={"country": c.country, "region": c.region, "city": c.city, "sectors": c.sectors,
                              "kind": c.kind, "dense": round(hit.dense, 4)}))
        results.sort(key=lambda r: -r.score)
        return SearchResponse(results=results[: req.k])

    # --- matching ---------------------------------------------------------------------------

    def match(self, req: MatchRequest) -> MatchResponse:
        snap = self.snapshot()
        if req.company_id is not None:
            if req.company_id not in snap.company_pos:
                raise not_found("company", req.company_id)
            company = snap.companies[snap.company_pos[req.company_id]]
            lang = req.language or profile_language(company)
            return MatchResponse(matches=self.matcher.for_company(snap, req.company_id, req.k, req.filters, lang))
        need = self._bounded(req.need or "", "need")
        lang = req.language or detect_language(need)
        return MatchResponse(matches=self._match_need(snap, need, req.k, req.filters, lang))

    def need_object(self, need: str, qvec: np.ndarray | None = None) -> tuple[str, np.ndarray]:
        """What a need seeks and its embedding: without the lead ("we are looking for a supplier
        of", "which companies"), without where (scored by `places_named`) and without the asker's
        own product ("… for our pump housings"), which would pull in the makers of that product.
        The lead alone moved a galvanizing need's best offer from first to third. `qvec`, the
        need's own embedding, is reused when nothing was taken away."""
        # A sector it asks for is a condition too ("verniciatura anticorrosione del settore eolico" drew
        # wind-farm developers), unless it is all that is asked ("aziende del settore eolico"). A
        # partnership type stays: "transferência de tecnologia em soldagem" is what is sought as well.
        unsectored = without_sectors(need)
        kept = unsectored if unsectored != need and not names_only_conditions(without_places(unsectored, keep_all=False)) \
            else need
        what = without_own_product(request_object(without_places(kept), limit=10_000))
        if what != need or qvec is None:
            qvec = self._query_vector(what)
        return what, qvec

    def own_offer(self, need: str) -> OwnOffer | None:
        """What the asker says its own firm makes ("siamo un'azienda che produce valvole"), embedded
        in the role company needs are stored in, since it is compared with what others seek."""
        found = own_offer(need)
        # "Which companies are looking for CNC machining?": the firms that seek it, as for a firm that
        # makes it and asks for nothing else (the places the message names stay conditions). Asked
        # after the firm said what it makes ("Administro uma caldeiraria. Quais empresas italianas
        # precisam de vasos de pressão?"), the question says what to look for.
        asked = need if found is None else found[1]
        sought = sought_by_others(asked)
        if sought is not None:
            return OwnOffer(sought, f"partners {place_words(asked)}".strip(), self._query_vector(sought), True, asked=True)
        if found is None:
            return None
        text, rest = found
        return OwnOffer(text, rest, self._query_vector(without_places(text)), seeks_only_partners(rest))

    def read_need(self, need: str, qvec: np.ndarray | None = None) -> tuple[OwnOffer | None, str, np.ndarray]:
        """What the asker says it makes (if it says), and what the rest of the need seeks with its
        embedding (`need_object`). `qvec`, the whole need's embedding, is reused where it can be."""
        own = self.own_offer(need)
        what, qvec = self.need_object(own.rest, None) if own else self.need_object(need, qvec)
        return own, what, qvec

    def _match_need(self, snap: Snapshot, need: str, k: int, filters, lang: str,
                    qvec: np.ndarray | None = None,
                    read: tuple[OwnOffer | None, str, np.ndarray] | None = None) -> list[Match]:
        own, what, qvec = read or self.read_need(need, qvec)
        written = detect_language(need)
        centred = snap.center(qvec, written)
        lexical = snap.offer_lexical.scores(what) if snap.offer_lexical else None
        # A long need of several clauses ("our towers rust too quickly, who can protect the steel
        # with zinc?") is quoted in each reason by the clause closest to that company's offer, not
        # whole. Each clause costs an embedding, so a short one (up to 60 characters, quoted whole
        # without strain) is not split, and at most four clauses are embedded.
        parts = [p.strip() for p in re.split(r"[,;:?!.]+(?:\s|$)", what) if len(p.split()) >= 2][:4]
        if not (len(parts) > 1 and len(what) > 60):
            # "CNC machining and hot-dip galvanizing": each reason quotes the thing its offer meets.
            parts = need_parts(what)
        clauses = list(zip(parts, self.encoder.queries(parts))) if len(parts) > 1 else None
        return self.matcher.for_need(snap, need, centred, k, filters, lang, lexical, raw=qvec, written=written,
                                     # quoted without the places, which reasons name apart ("fica em …, como solicitado"),
                                     # but with its sectors: `what` drops them ("comparto navale e offshore" -> "e offshore")
                                     sought=without_own_product(request_object(without_places(own.rest if own else need), limit=10_000)),
                                     clauses=clauses,
                                     own=own and replace(own, vector=snap.center(own.vector, written)), own_raw=own and own.vector)

    # --- chat -------------------------------------------------------------------------------

    def chat(self, req: ChatRequest) -> ChatResponse:
        return self._chat.reply(req)

    # --- companies --------------------------------------------------------------------------

    def _company_record(self, company_id: str) -> dict:
        row = self.store.company_row(company_id)
        if row is None:
            raise not_found("company", company_id)
        return json.loads(row["data"])

    def company(self, company_id: str, with_contact: bool = False) -> CompanyPublic:
        data = self._company_record(company_id)
        if not with_contact:
            data.pop("contact", None)
        return CompanyPublic.model_validate(data)

    def companies(self, query: str | None = None, country: str | None = None, sector: str | None = None,
                  limit: int = 50, offset: int = 0, with_contact: bool = False) -> CompanyList:
        from ..models import Filters

        filters = Filters(country=country, sector=sector)
        records = self.store.all_companies()
        if query and query.strip():
            query = self._bounded(query, "query")
            snap = self.snapshot()
            qvec = snap.center(self._query_vector(query.strip()), detect_language(query))
            hits = self.retriever.companies(snap, query.strip(), qvec, len(records) or 1, filters)
            order = [snap.companies[h.pos].id for h in hits]
            by_id = {r["id"]: r for r in records}
            records = [by_id[i] for i in order if i in by_id]
        else:
            snap = self.snapshot()
            keep = {c.id for c, ok in zip(snap.companies, filter_mask(snap, filters)) if ok}
            records = [r for r in records if r["id"] in keep]
        total = len(records)
        page = records[offset: offset + limit]
        if not with_contact:
            for r in page:
                r.pop("contact", None)
        return CompanyList(companies=[CompanyPublic.model_validate(r) for r in page], total=total)

    def put_company(self, company_id: str, profile: CompanyProfile) -> tuple[CompanyPublic, bool]:
        if profile.id != company_id:
            raise invalid(f"the body's id {profile.id!r} differs from the URL's {company_id!r}")
        with self._write_lock:
            existed = self.store.company_row(company_id) is not None
            self._ingestor().write_profiles([(profile, "api")])
            self._written()
        return self.company(company_id, with_contact=True), not existed

    def delete_company(self, company_id: str) -> Deleted:
        with self._write_lock:
            if self.store.company_row(company_id) is None:
                raise not_found("company", company_id)
            with self.store.transaction(("companies",)) as conn:
                self.store.delete_company(conn, company_id)
            self._written()
        return Deleted(id=company_id)

    # --- documents --------------------------------------------------------------------------

    def documents(self) -> DocumentList:
        return DocumentList(documents=[
            DocumentInfo(id=r["id"], title=r["title"], source=Path(r["source"]).name, chunks=r["n_chunks"], url=r["url"])
            for r in self.store.list_documents()
        ])

    def delete_document(self, doc_id: str) -> Deleted:
        with self._write_lock:
            row = self.store.document(doc_id)
            if row is None:
                raise not_found("document", doc_id)
            with self.store.transaction(("documents",)) as conn:
                self.store.delete_document(conn, doc_id)
            # An uploaded file goes with its document; files elsewhere belong to the user.
            source = Path(row["source"])
            uploads = (self.settings.home / "uploads").resolve()
            if source.parent == uploads and source.is_file():
                source.unlink()
            self._written()
        return Deleted(id=doc_id)
