"""The store: the one source of truth, embedded (SQLite under `$PONTE_HOME`) or PostgreSQL.

Documents, chunks, embedded segments, company profiles and their vectors, conversations.
Every write is one transaction, so a failure leaves the previous state whole; the search indexes
are derived from these rows (see `snapshot.py`) and can always be rebuilt.

`Store` holds everything the two backends share, written in SQL both accept (`?` placeholders,
`ON CONFLICT` upserts); `SqliteStore` and `postgres.PostgresStore` add the connection, the schema,
how a vector is stored and which search indexes serve it. `open_store` is the one place that
chooses between them.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

if TYPE_CHECKING:
    from ..settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT NOT NULL, url TEXT,
    hash TEXT NOT NULL, updated_at REAL NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    work TEXT,                 -- documents that are translations of one another share this key
    translation INTEGER NOT NULL DEFAULT 0  -- 1: this document is a translation of its work's original
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, text TEXT NOT NULL, vec BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_chunk ON segments(chunk_id);
CREATE TABLE IF NOT EXISTS companies (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, hash TEXT NOT NULL, source TEXT, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS company_vectors (
    id INTEGER PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    role TEXT NOT NULL, ord INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL, vec BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS company_vectors_company ON company_vectors(company_id);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, language TEXT, created_at REAL NOT NULL
);
-- Which documents each generation of the document part wrote or removed ('*': all of them), so a
-- reader holding an older state applies the difference instead of rebuilding (see snapshot.py).
CREATE TABLE IF NOT EXISTS changes (generation INTEGER, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changes_generation ON changes(generation);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL, text TEXT NOT NULL, created_at REAL NOT NULL
);
"""


PARTS = ("documents", "companies")


@dataclass
class ChunkRecord:
    id: str
    ord: int
    heading: str
    text: str
    segments: list[str]
    vectors: np.ndarray


@dataclass
class CompanyVectors:
    """Texts and vectors of one profile, by role: 'desc' (who they are), 'offer', 'seek'."""

    texts: list[tuple[str, str]]  # (role, text)
    vectors: np.ndarray
    language: str               # the profile's language, for per-language centring


def open_store(settings: "Settings") -> "Store":
    """The store the settings name: PostgreSQL when PONTE_DATABASE_URL is set, else SQLite in $PONTE_HOME."""
    if settings.database_url:
        try:
            import pgvector  # noqa: F401
            import psycopg  # noqa: F401
        except ImportError as exc:
            from ..errors import PonteError

            raise PonteError("store_unreadable", "PONTE_DATABASE_URL needs the PostgreSQL driver: "
                             "pip install 'ponte[postgres]'") from exc
        from .postgres import PostgresStore

        return PostgresStore(settings.database_url, settings.home)
    return SqliteStore(settings.db_path)


class Writer:
    """The connection inside one write transaction, speaking the shared SQL."""

    def __init__(self, store: "Store", conn: Any):
        self.store = store
        self.conn = conn

    def execute(self, sql: str, args: Iterable[Any] = ()) -> None:
        self.conn.execute(self.store.sql(sql), self.store.params(args))

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.store.executemany(self.conn, self.store.sql(sql), [self.store.params(r) for r in rows])


class _Txn:
    """One write transaction: under the store's lock, committed with the generations bumped, or
    rolled back whole (a failure while committing included)."""

    def __init__(self, store: "Store", parts: tuple[str, ...]):
        self.store = store
        self.parts = parts

    def __enter__(self) -> Writer:
        self.store._lock.acquire()
        try:
            self.store._begin()
        except BaseException:
            self.store._lock.release()
            raise
        self.writer = Writer(self.store, self.store._conn)
        return self.writer

    def __exit__(self, exc_type, exc, tb):
        conn = self.store._conn
        try:
            if exc_type is None:
                try:
                    if self.parts:
                        self.store._bump(self.writer, self.parts)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            else:
                conn.execute("ROLLBACK")
        finally:
            self.store._lock.release()


class Store:
    """What both backends share; subclasses connect, create the schema and store vectors."""

    backend = "?"

    # --- dialect ----------------------------------------------------------------------------

    def sql(self, text: str) -> str:
        return text

    def params(self, args: Iterable[Any]) -> tuple:
        return tuple(args)

    def executemany(self, conn: Any, sql: str, rows: list[tuple]) -> None:
        conn.executemany(sql, rows)

    def vec_in(self, vec: np.ndarray) -> Any:
        return np.asarray(vec, dtype=np.float32).tobytes()

    def vec_out(self, value: Any) -> np.ndarray:
        return np.frombuffer(value, dtype=np.float32)

    def index_root(self) -> Path | None:
        """Where derived indexes may be kept on disk; None: nowhere (a stateless replica)."""
        return None

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def transaction(self, parts: tuple[str, ...] = PARTS) -> "_Txn":
        """All-or-nothing write (a context manager yielding a `Writer`); bumps the store's generation
        and that of each part written ('documents', 'companies'), which the derived indexes of that
        part are keyed on."""
        return _Txn(self, tuple(parts))

    def _begin(self) -> None:
        """Open a write transaction on `self._conn` that excludes every other writer."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _bump(self, w: Writer, parts: tuple[str, ...]) -> None:
        for key in ("generation",) + tuple(f"generation:{p}" for p in parts):
            w.execute("INSERT INTO meta(key, value) VALUES(?, '1') ON CONFLICT(key) "
                      "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)", (key,))
        if "documents" in parts:
            w.execute("UPDATE changes SET generation = (SELECT CAST(value AS INTEGER) FROM meta "
                      "WHERE key = 'generation:documents') WHERE generation IS NULL")

    def _start_change_log(self) -> None:
        """The log begins when the store first opens with it: it says nothing about earlier writes."""
        self._query("INSERT INTO meta(key, value) VALUES('changes_from', COALESCE((SELECT value FROM meta "
                    "WHERE key = 'generation:documents'), '0')) ON CONFLICT(key) DO NOTHING")

    def _log_change(self, w: Writer, doc_id: str) -> None:
        w.execute("INSERT INTO changes(generation, doc_id) VALUES(NULL, ?)", (doc_id,))

    def changes_since(self, generation: int) -> set[str] | None:
        """Documents written or removed after `generation` of the document part; None when the log
        does not reach back that far, or when everything changed (a new encoder)."""
        start = self.meta("changes_from")
        if start is None or generation < int(start):
            return None
        ids = {r["doc_id"] for r in self._query("SELECT DISTINCT doc_id FROM changes WHERE generation > ?",
                                                (generation,))}
        return None if "*" in ids else ids

    # --- search indexes over the document part (see snapshot.py) ----------------------------

    def vector_search(self, vectors: np.ndarray, segment_ids: np.ndarray, dim: int, ann_min_rows: int) -> Any:
        """An object with FAISS's `search(queries, k) -> (similarities, rows)` over the segments."""
        from . import vectors as faiss_vectors

        return faiss_vectors.build(vectors, dim, ann_min_rows)

    def lexical_search(self, chunks: list[Any]) -> Any:
        """An object with `scores(query, lang) -> array over chunk positions`."""
        from .lexical import LexicalIndex

        return LexicalIndex.of_chunks(chunks)

    def vector_added(self, index: Any, new_vectors: np.ndarray, segment_ids: np.ndarray | None,
                     all_vectors: np.ndarray, dim: int) -> Any:
        """`index` with `new_vectors` appended as the next rows; a copy, since readers of the
        previous snapshot may still be searching the original."""
        import faiss

        if not len(new_vectors):
            return index
        grown = faiss.clone_index(index)
        grown.add(np.ascontiguousarray(new_vectors, dtype=np.float32))
        if hasattr(index, "nprobe"):
            grown.nprobe = index.nprobe
        return grown

    def lexical_added(self, lexical: Any, chunks: list[Any], first_new: int) -> Any:
        """BM25 cannot grow in place: the chunks since the last full build get a small index of
        their own, searched beside the large one (their IDF is their own, until the next build)."""
        from .lexical import LayeredLexical, LexicalIndex

        base, base_n = (lexical.base, lexical.base_n) if isinstance(lexical, LayeredLexical) else (lexical, first_new)
        return LayeredLexical(base, LexicalIndex.of_chunks(chunks[base_n:]), base_n)

    # --- meta -------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, w: Writer, key: str, value: str) -> None:
        w.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (key, value))

    def identity(self) -> str:
        """A random id given to this store when it was created: files derived from it (the index
        under $PONTE_HOME/index) are never taken for another store's, say after ponte.db was replaced."""
        found = self.meta("store_id")
        if found is None:
            import uuid

            self._query("INSERT INTO meta(key, value) VALUES('store_id', ?) ON CONFLICT(key) DO NOTHING",
                        (uuid.uuid4().hex,))
            found = self.meta("store_id")
        return found

    @property
    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def generations(self) -> dict[str, int]:
        """The store's generation and each part's, read together."""
        rows = self._query("SELECT key, value FROM meta WHERE key = 'generation' OR key LIKE 'generation:%'")
        found = {r["key"].partition(":")[2] or "*": int(r["value"]) for r in rows}
        return {part: found.get(part, 0) for part in ("*",) + PARTS}

    # --- documents --------------------------------------------------------------------------

    def document_by_source(self, source: str) -> Any:
        rows = self._query("SELECT * FROM documents WHERE source = ?", (source,))
        return rows[0] if rows else None

    def document_by_hash(self, digest: str) -> Any:
        rows = self._query("SELECT * FROM documents WHERE hash = ?", (digest,))
        return rows[0] if rows else None

    def document(self, doc_id: str) -> Any:
        rows = self._query("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return rows[0] if rows else None

    def free_document_id(self, base: str) -> str:
        taken = {r["id"] for r in self._query("SELECT id FROM documents WHERE id = ? OR id LIKE ?", (base, base + "-%"))}
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def put_document(self, w: Writer, doc_id: str, source: str, title: str, url: str | None,
                     digest: str, chunks: list[ChunkRecord], language: str = "en", work: str | None = None,
                     translation: bool = False) -> None:
        w.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        w.execute(
            "INSERT INTO documents(id, source, title, url, hash, updated_at, language, work, translation) "
            "VALUES(?,?,?,?,?,?,?,?,?)",
            (doc_id, source, title, url, digest, time.time(), language, work or doc_id, int(translation)),
        )
        w.executemany("INSERT INTO chunks(id, doc_id, ord, heading, text) VALUES(?,?,?,?,?)",
                      [(ch.id, doc_id, ch.ord, ch.heading, ch.text) for ch in chunks])
        w.executemany(
            "INSERT INTO segments(chunk_id, ord, text, vec) VALUES(?,?,?,?)",
            [(ch.id, i, seg, self.vec_in(v)) for ch in chunks for i, (seg, v) in enumerate(zip(ch.segments, ch.vectors))],
        )
        self._log_change(w, doc_id)

    def delete_document(self, w: Writer, doc_id: str) -> None:
        w.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._log_change(w, doc_id)

    def list_documents(self) -> list[Any]:
        return self._query(
            "SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS n_chunks "
            "FROM documents d ORDER BY d.id"
        )

    SEGMENTS = ("SELECT s.id, s.chunk_id, s.text, s.vec, c.doc_id, c.heading, c.text AS chunk_text, "
                "c.ord AS chunk_ord, d.title, d.url, d.language, COALESCE(d.work, d.id) AS work, d.translation "
                "FROM segments s JOIN chunks c ON c.id = s.chunk_id JOIN documents d ON d.id = c.doc_id")

    def _segments_query(self, doc_ids: Iterable[str] | None) -> tuple[str, tuple] | None:
        """The query behind `iter_segments` (None: no document asked for)."""
        if doc_ids is None:
            return self.SEGMENTS + " ORDER BY d.id, c.ord, s.ord", ()
        args = tuple(doc_ids)
        if not args:
            return None
        return self.SEGMENTS + f" WHERE d.id IN ({','.join('?' * len(args))}) ORDER BY d.id, c.ord, s.ord", args

    def iter_segments(self, doc_ids: Iterable[str] | None = None) -> Iterator[Any]:
        """Every segment (or those of `doc_ids`) with its chunk and document, in document order;
        `vec` is a numpy array."""
        query = self._segments_query(doc_ids)
        if query is None:
            return
        for row in self._query(*query):
            row = dict(row)
            row["vec"] = self.vec_out(row["vec"])
            yield row

    def set_segment_vectors(self, w: Writer, rows: list[tuple[int, np.ndarray]]) -> None:
        w.executemany("UPDATE segments SET vec = ? WHERE id = ?", [(self.vec_in(v), sid) for sid, v in rows])
        self._log_change(w, "*")

    # --- companies --------------------------------------------------------------------------

    def company_row(self, company_id: str) -> Any:
        rows = self._query("SELECT * FROM companies WHERE id = ?", (company_id,))
        return rows[0] if rows else None

    def company_hashes(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            rows = self._query(f"SELECT id, hash FROM companies WHERE id IN ({','.join('?' * len(part))})", part)
            out.update({r["id"]: r["hash"] for r in rows})
        return out

    def put_company(self, w: Writer, data: dict[str, Any], digest: str, source: str | None,
                    vectors: CompanyVectors) -> None:
        w.execute("DELETE FROM companies WHERE id = ?", (data["id"],))
        w.execute("INSERT INTO companies(id, data, hash, source, updated_at) VALUES(?,?,?,?,?)",
                  (data["id"], json.dumps(data, ensure_ascii=False), digest, source, time.time()))
        counters: dict[str, int] = {}
        rows = []
        for (role, text), vec in zip(vectors.texts, vectors.vectors):
            counters[role] = counters.get(role, -1) + 1
            rows.append((data["id"], role, counters[role], text, vectors.language, np.asarray(vec, np.float32).tobytes()))
        w.executemany("INSERT INTO company_vectors(company_id, role, ord, text, lang, vec) VALUES(?,?,?,?,?,?)", rows)

    def delete_company(self, w: Writer, company_id: str) -> None:
        w.execute("DELETE FROM companies WHERE id = ?", (company_id,))

    def all_companies(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self._query("SELECT data FROM companies ORDER BY id")]

    def company_texts(self) -> list[Any]:
        return self._query("SELECT id, role, text FROM company_vectors ORDER BY id")

    def set_company_vectors(self, w: Writer, rows: list[tuple[int, np.ndarray]]) -> None:
        w.executemany("UPDATE company_vectors SET vec = ? WHERE id = ?",
                      [(np.asarray(v, np.float32).tobytes(), vid) for vid, v in rows])

    def iter_company_vectors(self) -> Iterator[Any]:
        """Company texts with their vectors (bytes of float32; see `company_vector`)."""
        yield from self._query("SELECT company_id, role, ord, text, lang, vec FROM company_vectors "
                               "ORDER BY company_id, role, ord")

    def count(self, table: str) -> int:
        assert table in {"documents", "chunks", "segments", "companies", "company_vectors"}
        return int(self._query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    # --- conversations ----------------------------------------------------------------------

    def conversation_language(self, conversation_id: str) -> str | None:
        rows = self._query("SELECT language FROM conversations WHERE id = ?", (conversation_id,))
        return rows[0]["language"] if rows else None

    def conversation_exists(self, conversation_id: str) -> bool:
        return bool(self._query("SELECT 1 AS one FROM conversations WHERE id = ?", (conversation_id,)))

    def add_turns(self, conversation_id: str, language: str, turns: list[tuple[str, str]]) -> None:
        with self.transaction(()) as w:
            w.execute("INSERT INTO conversations(id, language, created_at) VALUES(?,?,?) ON CONFLICT(id) DO NOTHING",
                      (conversation_id, language, time.time()))
            w.executemany("INSERT INTO turns(conversation_id, role, text, created_at) VALUES(?,?,?,?)",
                          [(conversation_id, role, text, time.time()) for role, text in turns])

    def turns(self, conversation_id: str, limit: int = 10) -> list[Any]:
        rows = self._query("SELECT role, text FROM turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
                           (conversation_id, limit))
        return list(reversed(rows))


@contextmanager
def _opening_lock(path: Path) -> Iterator[None]:
    """Processes set up the same SQLite file one at a time. Two connections that both switch a fresh
    file to WAL can deadlock in SQLite's rollback-journal locking, and SQLite then answers "database is
    locked" at once rather than waiting: seen when two `ponte ingest` start on an empty data home."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own busy timeout is all there is
        yield
        return
    # A separate file: an flock on the database itself would close descriptors SQLite's locks rely on.
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SqliteStore(Store):
    """The embedded default: one SQLite file, `$PONTE_HOME/ponte.db`, in WAL mode."""

    backend = "embedded"

    def __init__(self, path: Path):
        from ..errors import PonteError

        if path.parent.exists() and not path.parent.is_dir():
            raise PonteError("invalid_home", f"the data home {path.parent} is a file, not a folder (PONTE_HOME)")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            with _opening_lock(path):
                self._open(path)
        except sqlite3.DatabaseError as exc:
            raise PonteError("store_unreadable", f"{path} is not a readable Ponte store ({exc}); move it away "
                             "and run `ponte ingest` to rebuild it") from exc

    def _open(self, path: Path) -> None:
        self._lock = threading.RLock()
        # Writers from other processes (a second `ponte ingest`, an API replica) wait for the lock.
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=120)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self._migrate()
        self._start_change_log()

    def _migrate(self) -> None:
        """Stores written before documents knew their language and translations gain the columns."""
        have = {r["name"] for r in self._conn.execute("PRAGMA table_info(documents)")}
        for column, ddl in (("language", "TEXT NOT NULL DEFAULT 'en'"), ("work", "TEXT"),
                            ("translation", "INTEGER NOT NULL DEFAULT 0")):
            if column not in have:
                self._conn.execute(f"ALTER TABLE documents ADD COLUMN {column} {ddl}")

    def index_root(self) -> Path | None:
        return self.path.parent / "index"

    def _begin(self) -> None:
        # Writers from other processes wait here for SQLite's lock (up to the connection's timeout).
        self._conn.execute("BEGIN IMMEDIATE")

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
