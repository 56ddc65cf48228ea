"""The SQLite store under `$PONTE_HOME`: the one source of truth.

Documents, chunks, embedded segments, company profiles and their vectors, conversations.
Every write is one transaction, so a failure leaves the previous state whole; the FAISS and
BM25 indexes are derived from these rows (see `snapshot.py`) and can always be rebuilt.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

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


def _blob(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype=np.float32).tobytes()


class Store:
    def __init__(self, path: Path):
        from ..errors import PonteError

        if path.parent.exists() and not path.parent.is_dir():
            raise PonteError("invalid_home", f"the data home {path.parent} is a file, not a folder (PONTE_HOME)")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
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

    def _migrate(self) -> None:
        """Stores written before documents knew their language and translations gain the columns."""
        have = {r["name"] for r in self._conn.execute("PRAGMA table_info(documents)")}
        for column, ddl in (("language", "TEXT NOT NULL DEFAULT 'en'"), ("work", "TEXT"),
                            ("translation", "INTEGER NOT NULL DEFAULT 0")):
            if column not in have:
                self._conn.execute(f"ALTER TABLE documents ADD COLUMN {column} {ddl}")

    # --- transactions -----------------------------------------------------------------------

    class _Txn:
        def __init__(self, store: "Store", parts: tuple[str, ...]):
            self.store = store
            self.parts = parts

        def __enter__(self) -> sqlite3.Connection:
            self.store._lock.acquire()
            self.store._conn.execute("BEGIN IMMEDIATE")
            return self.store._conn

        def __exit__(self, exc_type, exc, tb):
            try:
                if exc_type is None:
                    conn = self.store._conn
                    for key in ("generation",) + tuple(f"generation:{p}" for p in self.parts):
                        conn.execute(
                            "INSERT INTO meta(key, value) VALUES(?, '1') ON CONFLICT(key) "
                            "DO UPDATE SET value = CAST(value AS INTEGER) + 1", (key,))
                    conn.execute("COMMIT")
                else:
                    self.store._conn.execute("ROLLBACK")
            finally:
                self.store._lock.release()

    def transaction(self, parts: tuple[str, ...] = PARTS) -> "_Txn":
        """All-or-nothing write; bumps the store's generation and that of each part written
        ('documents', 'companies'), which the derived indexes of that part are keyed on."""
        return Store._Txn(self, tuple(parts))

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- meta -------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))

    def identity(self) -> str:
        """A random id given to this store when it was created: files derived from it (the index
        under $PONTE_HOME/index) are never taken for another store's, say after ponte.db was replaced."""
        found = self.meta("store_id")
        if found is None:
            import uuid

            with self._lock:
                self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('store_id', ?)", (uuid.uuid4().hex,))
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

    def document_by_source(self, source: str) -> sqlite3.Row | None:
        rows = self._query("SELECT * FROM documents WHERE source = ?", (source,))
        return rows[0] if rows else None

    def document_by_hash(self, digest: str) -> sqlite3.Row | None:
        rows = self._query("SELECT * FROM documents WHERE hash = ?", (digest,))
        return rows[0] if rows else None

    def document(self, doc_id: str) -> sqlite3.Row | None:
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

    @staticmethod
    def put_document(conn: sqlite3.Connection, doc_id: str, source: str, title: str, url: str | None,
                     digest: str, chunks: list[ChunkRecord], language: str = "en", work: str | None = None,
                     translation: bool = False) -> None:
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        conn.execute(
            "INSERT INTO documents(id, source, title, url, hash, updated_at, language, work, translation) "
            "VALUES(?,?,?,?,?,?,?,?,?)",
            (doc_id, source, title, url, digest, time.time(), language, work or doc_id, int(translation)),
        )
        for ch in chunks:
            conn.execute("INSERT INTO chunks(id, doc_id, ord, heading, text) VALUES(?,?,?,?,?)",
                         (ch.id, doc_id, ch.ord, ch.heading, ch.text))
            conn.executemany(
                "INSERT INTO segments(chunk_id, ord, text, vec) VALUES(?,?,?,?)",
                [(ch.id, i, seg, _blob(v)) for i, (seg, v) in enumerate(zip(ch.segments, ch.vectors))],
            )

    def list_documents(self) -> list[sqlite3.Row]:
        return self._query(
            "SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS n_chunks "
            "FROM documents d ORDER BY d.id"
        )

    def iter_segments(self) -> Iterator[sqlite3.Row]:
        yield from self._query(
            "SELECT s.id, s.chunk_id, s.text, s.vec, c.doc_id, c.heading, c.text AS chunk_text, c.ord AS chunk_ord, "
            "d.title, d.url, d.language, COALESCE(d.work, d.id) AS work, d.translation FROM segments s JOIN chunks c ON c.id = s.chunk_id JOIN documents d ON d.id = c.doc_id "
            "ORDER BY d.id, c.ord, s.ord"
        )

    # --- companies --------------------------------------------------------------------------

    def company_row(self, company_id: str) -> sqlite3.Row | None:
        rows = self._query("SELECT * FROM companies WHERE id = ?", (company_id,))
        return rows[0] if rows else None

    def company_hashes(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            rows = self._query(f"SELECT id, hash FROM companies WHERE id IN ({','.join('?' * len(part))})", part)
            out.update({r["id"]: r["hash"] for r in rows})
        return out

    @staticmethod
    def put_company(conn: sqlite3.Connection, data: dict[str, Any], digest: str, source: str | None,
                    vectors: CompanyVectors) -> None:
        conn.execute("DELETE FROM companies WHERE id = ?", (data["id"],))
        conn.execute("INSERT INTO companies(id, data, hash, source, updated_at) VALUES(?,?,?,?,?)",
                     (data["id"], json.dumps(data, ensure_ascii=False), digest, source, time.time()))
        counters: dict[str, int] = {}
        rows = []
        for (role, text), vec in zip(vectors.texts, vectors.vectors):
            counters[role] = counters.get(role, -1) + 1
            rows.append((data["id"], role, counters[role], text, vectors.language, _blob(vec)))
        conn.executemany("INSERT INTO company_vectors(company_id, role, ord, text, lang, vec) VALUES(?,?,?,?,?,?)", rows)

    def all_companies(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self._query("SELECT data FROM companies ORDER BY id")]

    def iter_company_vectors(self) -> Iterator[sqlite3.Row]:
        yield from self._query("SELECT company_id, role, ord, text, lang, vec FROM company_vectors ORDER BY company_id, role, ord")

    def count(self, table: str) -> int:
        assert table in {"documents", "chunks", "segments", "companies", "company_vectors"}
        return int(self._query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    # --- conversations ----------------------------------------------------------------------

    def conversation_language(self, conversation_id: str) -> str | None:
        rows = self._query("SELECT language FROM conversations WHERE id = ?", (conversation_id,))
        return rows[0]["language"] if rows else None

    def conversation_exists(self, conversation_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)))

    def add_turns(self, conversation_id: str, language: str, turns: list[tuple[str, str]]) -> None:
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT OR IGNORE INTO conversations(id, language, created_at) VALUES(?,?,?)",
                             (conversation_id, language, time.time()))
                conn.executemany("INSERT INTO turns(conversation_id, role, text, created_at) VALUES(?,?,?,?)",
                                 [(conversation_id, role, text, time.time()) for role, text in turns])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def turns(self, conversation_id: str, limit: int = 10) -> list[sqlite3.Row]:
        rows = self._query("SELECT role, text FROM turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
                           (conversation_id, limit))
        return list(reversed(rows))
