"""The FastAPI app: routes are thin handlers over `Assistant`; errors share one shape."""

import hashlib
import json
import logging
import re
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..assistant import Assistant
from ..errors import PonteError
from ..models import (
    ChatRequest, ChatResponse, CompanyList, CompanyProfile, CompanyPublic, Deleted, DocumentList, ErrorBody,
    IngestReport, MatchRequest, MatchResponse, SearchRequest, SearchResponse,
)
from ..settings import Settings, get_settings
from .security import KeyRing, RateLimiter, caller_of, load_keys, require

access_log = logging.getLogger("ponte.access")
ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 413, 415, 422, 429)}
# Plain file names in any script ("relatório.md"), never a path or a hidden file.
_SAFE_NAME = re.compile(r"^[^\W_][\w.() -]{0,120}$")
EXEMPT_FROM_LIMIT = {"/healthz", "/readyz", "/", "/widget.js", "/openapi.json", "/docs"}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class BodyLimit:
    """Refuse bodies over the limit with 413, whether announced by Content-Length or streamed in
    chunks, after reading (and discarding) what the client sends, so every client sees the 413
    instead of a reset connection. Upload routes get the document limit; every 413 is logged."""

    DRAIN_CAP = 64 * 1024 * 1024  # past this much, stop reading and just answer

    def __init__(self, app, limit: int, upload_limit: int):
        self.app, self.limit, self.upload_limit = app, limit, upload_limit

    def _limit_for(self, scope) -> int:
        path = scope.get("path", "")
        if scope.get("method") == "POST" and path in ("/v1/documents", "/v1/companies:import"):
            return max(self.limit, self.upload_limit + 64 * 1024)  # the file plus its multipart envelope
        return self.limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit_for(scope)
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return await self._refuse(scope, receive, send, limit, started, 0)
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await self._refuse(scope, receive, send, limit, started, len(body), more)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, scope, receive, send, limit, started, seen, more=True):
        while more and seen <= self.DRAIN_CAP:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            seen += len(message.get("body", b""))
            more = message.get("more_body", False)
        await _error(413, "too_large", f"request body over {limit} bytes")(scope, receive, send)
        access_log.info(json.dumps({"method": scope.get("method"), "route": scope.get("path"), "status": 413,
                                    "ms": round((time.perf_counter() - started) * 1000, 1)}))


class JSONCORSMiddleware(CORSMiddleware):
    """CORS, with a refused preflight answered in the contract's error shape."""

    def preflight_response(self, request_headers):
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return JSONResponse({"error": {"code": "cors_rejected", "message": response.body.decode()}},
                            status_code=400, headers=headers)


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or (assistant.settings if assistant else get_settings())
    assistant = assistant or Assistant(settings)
    keys = KeyRing(load_keys(settings))
    limiter = RateLimiter(settings.rate_limit_per_minute)

    app = FastAPI(title="Ponte", version="0.1.0",
                  description="Multilingual answers, search and partner matching for the Lombardy–Pernambuco "
                              "MetalMec partnership. Send `Authorization: Bearer KEY` for staff or admin routes.")
    app.state.assistant = assistant

    @app.exception_handler(PonteError)
    async def _ponte_error(request: Request, exc: PonteError):
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err.get("loc", []) if p != "body") or "body"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no route {request.method} {request.url.path}"
        return _error(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        logging.getLogger("ponte").exception("unexpected error on %s", request.url.path)
        return _error(500, "internal_error", "unexpected server error; the store is unchanged")

    @app.middleware("http")
    async def _access(request: Request, call_next):
        started = time.perf_counter()
        status = 500
        try:
            if request.url.path not in EXEMPT_FROM_LIMIT:
                limiter.check(hashlib.sha256(caller_of(request).encode()).hexdigest())
            response = await call_next(request)
            status = response.status_code
            return response
        except PonteError as exc:
            status = exc.status
            response = _error(exc.status, exc.code, exc.message)
            if exc.retry_after is not None:
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        finally:
            route = request.scope.get("route")
            # Route templates and statuses only: no bodies, no query strings, no personal data.
            access_log.info(json.dumps({
                "method": request.method, "route": getattr(route, "path", request.url.path), "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1)}))

    # The last middleware added is the outermost: CORS wraps the body limit, so a 413 carries CORS headers.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_document_bytes)
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(JSONCORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Accept"], max_age=600)

    def role(request: Request) -> str:
        return keys.role_of(request)

    Role = Annotated[str, Depends(role)]

    # --- service routes -----------------------------------------------------------------------

    @app.post("/v1/chat", response_model=ChatResponse, responses={**ERRORS, 200: {
        "content": {"text/event-stream": {"schema": {
            "type": "object", "properties": {"event": {"type": "string", "enum": ["delta", "final"]},
                                             "data": {"type": "string"}}}}},
        "description": "The answer; with stream=true or Accept: text/event-stream, Server-Sent Events "
                       "('delta' events with text, then one 'final' event with the full object)."}})
    def chat(body: ChatRequest, request: Request, _: Role):
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            from sse_starlette.sse import EventSourceResponse

            response = assistant.chat(body)  # errors surface as JSON before the stream opens

            def events():
                for line in response.answer.split("\n"):
                    yield {"event": "delta", "data": json.dumps({"text": line + "\n"}, ensure_ascii=False)}
                yield {"event": "final", "data": response.model_dump_json()}

            return EventSourceResponse(events(), ping=15)
        return assistant.chat(body)

    @app.post("/v1/search", response_model=SearchResponse, responses=ERRORS)
    def search(body: SearchRequest, _: Role):
        return assistant.search(body)

    @app.post("/v1/partners/match", response_model=MatchResponse, responses=ERRORS)
    def match(body: MatchRequest, _: Role):
        return assistant.match(body)

    # --- companies ----------------------------------------------------------------------------

    @app.get("/v1/companies", response_model=CompanyList, responses=ERRORS)
    def list_companies(who: Role, query: str | None = Query(None, max_length=500),
                       country: str | None = Query(None, max_length=8), sector: str | None = Query(None, max_length=64),
                       limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)):
        require(who, "staff")
        return assistant.companies(query, country, sector, limit, offset, with_contact=True)

    @app.get("/v1/companies/{company_id}", response_model=CompanyPublic, response_model_exclude_none=True,
             responses=ERRORS)
    def get_company(company_id: str, who: Role):
        return assistant.company(company_id, with_contact=who != "public")

    @app.put("/v1/companies/{company_id}", response_model=CompanyPublic, response_model_exclude_none=True,
             responses={**ERRORS, 201: {"model": CompanyPublic}})
    def put_company(company_id: str, body: CompanyProfile, who: Role):
        require(who, "staff")
        company, created = assistant.put_company(company_id, body)
        return JSONResponse(company.model_dump(mode="json", exclude_none=True), status_code=201 if created else 200)

    @app.delete("/v1/companies/{company_id}", response_model=Deleted, responses=ERRORS)
    def delete_company(company_id: str, who: Role):
        require(who, "admin")
        return assistant.delete_company(company_id)

    @app.post("/v1/companies:import", response_model=IngestReport, responses=ERRORS)
    def import_companies(who: Role, file: UploadFile = File(...)):
        require(who, "admin")
        return _ingest_upload(assistant, file, {".jsonl", ".json", ".csv"}, keep=False)

    # --- documents ----------------------------------------------------------------------------

    @app.get("/v1/documents", response_model=DocumentList, responses=ERRORS)
    def list_documents(_: Role):
        return assistant.documents()

    @app.post("/v1/documents", response_model=IngestReport, responses=ERRORS)
    def upload_document(who: Role, file: UploadFile = File(...)):
        require(who, "admin")
        return _ingest_upload(assistant, file, {".md", ".txt", ".pdf", ".html", ".htm", ".docx"}, keep=True)

    @app.delete("/v1/documents/{document_id}", response_model=Deleted, responses=ERRORS)
    def delete_document(document_id: str, who: Role):
        require(who, "admin")
        return assistant.delete_document(document_id)

    # --- health and pages ---------------------------------------------------------------------

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    def readyz():
        warming = getattr(app.state, "warming", None)
        if warming is not None and not warming.is_set():
            return _error(503, "not_ready", "warming up: loading the index and the encoder")
        if assistant.ready():
            return {"status": "ready", "generation": assistant.store.generation}
        return _error(503, "not_ready", "the index is not loaded yet")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def demo_page():
        return HTMLResponse(_static("index.html"))

    @app.get("/widget.js", include_in_schema=False)
    def widget():
        return Response(_static("widget.js"), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=300"})

    return app


def _static(name: str) -> str:
    return resources.files("ponte.api").joinpath("static", name).read_text(encoding="utf-8")


def _ingest_upload(assistant: Assistant, file: UploadFile, allowed: set[str], keep: bool) -> IngestReport:
    name = file.filename or ""
    if "/" in name or "\\" in name or ".." in name or not _SAFE_NAME.match(name):
        raise PonteError("invalid_filename", "the file name must be a plain name (letters, digits, . _ - ( ) and spaces)", 400)
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise PonteError("unsupported_type", f"expected one of {' '.join(sorted(allowed))}, got {suffix or 'no suffix'!r}", 415)
    data = file.file.read()
    if not data.strip():
        raise PonteError("invalid_file", "the uploaded file is empty", 422)
    if suffix in {".jsonl", ".json", ".csv", ".md", ".txt", ".html", ".htm"} and b"\x00" in data[:8192]:
        raise PonteError("invalid_file", f"the uploaded file is not text, so it cannot be a {suffix} file", 422)
    if keep:
        # Uploaded documents stay under the data home, so `ponte ingest` can always rebuild from them.
        folder = assistant.settings.home / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        backup = folder / f".{name}.previous"
        if target.exists():
            target.replace(backup)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as tmp:
            tmp.write(data)
        Path(tmp.name).replace(target)
        report = assistant.ingest([target])
        if report.rejected and not (report.added or report.updated or report.unchanged):
            # A rejected upload must not replace the file that the store was built from.
            target.unlink()
            if backup.exists():
                backup.replace(target)
        elif backup.exists():
            backup.unlink()
    else:
        with tempfile.TemporaryDirectory() as tmpdir:
            target = Path(tmpdir) / name
            target.write_bytes(data)
            report = assistant.ingest([target])
            for r in report.rejected:
                r.source = name
    if report.rejected and not (report.added or report.updated or report.unchanged):
        reasons = "; ".join(f"{f'line {r.line}: ' if r.line else ''}{r.reason}" for r in report.rejected[:3])
        raise PonteError("invalid_file", f"nothing could be imported from {name}: {reasons}", 422)
    return report


def serve(assistant: Assistant, host: str, port: int) -> None:
    import uvicorn

    import sys
    import threading

    logging.basicConfig(level=logging.INFO, format="%(message)s")

    app = create_app(assistant)
    app.state.warming = threading.Event()

    def warm_up():
        # Bind first, index after: /healthz answers at once, /readyz says when all is loaded.
        try:
            assistant.ensure_ready()
            assistant.snapshot()
            # Load the models now, not on the first user's request.
            assistant.encoder.queries(["warm up"])
            from ..assistant.language import load_identifier

            load_identifier()
        except PonteError as exc:
            print(f"ponte: error: {exc.message}", file=sys.stderr)
        finally:
            app.state.warming.set()

    threading.Thread(target=warm_up, name="ponte-warm-up", daemon=True).start()
    print(f"ponte: serving on http://{host}:{port} (demo page at /, API under /v1, readiness at /readyz)",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
