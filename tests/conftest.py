"""Shared fixtures: one real data home with the shipped corpus, built once per test session.

With PONTE_TEST_DATABASE_URL (the admin URL of a PostgreSQL server with pgvector, as
`scripts/postgres start` prints) the same tests run on the PostgreSQL backend: every test gets its
own database through PONTE_DATABASE_URL, empty or, for tests that take `home`, a copy of the
ingested corpus (CREATE DATABASE ... TEMPLATE).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ponte.assistant import Assistant
from ponte.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# A contact value that must never leak into any public output or log line.
PLANTED_EMAIL = "zz-planted-contact-7731@example.net"
PLANTED_PHONE = "+55 81 99999-7731"


ADMIN_URL = os.environ.get("PONTE_TEST_DATABASE_URL")
ON_POSTGRES = bool(ADMIN_URL)
_CORPUS_DB = f"ponte_corpus_{os.getpid()}"


def _database(template: str | None = None) -> str:
    """A new database on the test server (a copy of `template`), as a URL."""
    import uuid

    import psycopg

    name = f"ponte_t{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop(url: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="about the embedded store's own files")
        for item in items:
            if "embedded_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _own_database(monkeypatch):
    """On PostgreSQL: an empty database for this test, where it would have had an empty home."""
    if not ON_POSTGRES:
        yield
        return
    url = _database()
    monkeypatch.setenv("PONTE_DATABASE_URL", url)
    yield url
    _drop(url)


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("ponte-home")
    url = None
    if ON_POSTGRES:
        _drop(ADMIN_URL.rsplit("/", 1)[0] + "/" + _CORPUS_DB)
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {_CORPUS_DB}")
        url = ADMIN_URL.rsplit("/", 1)[0] + "/" + _CORPUS_DB
    assistant = Assistant(Settings(home=home, progress=False, database_url=url))
    report = assistant.ingest(None)
    assert report.companies >= 40 and report.documents >= 1
    assistant.store.close()
    yield home
    if url:
        _drop(url)


@pytest.fixture
def home(corpus_home, tmp_path, monkeypatch) -> Path:
    """A private copy of the ingested home, so a test may write without affecting others."""
    target = tmp_path / "home"
    shutil.copytree(corpus_home, target)
    if ON_POSTGRES:
        url = _database(template=_CORPUS_DB)
        monkeypatch.setenv("PONTE_DATABASE_URL", url)
        yield target
        _drop(url)
        return
    yield target


@pytest.fixture(scope="session")
def shared_assistant(corpus_home) -> Assistant:
    """Read-only use only: tests that write take `assistant`."""
    url = _database(template=_CORPUS_DB) if ON_POSTGRES else None
    assistant = Assistant(Settings(home=corpus_home, progress=False, database_url=url))
    yield assistant
    assistant.store.close()
    if url:
        _drop(url)


@pytest.fixture
def assistant(home) -> Assistant:
    a = Assistant(Settings(home=home, progress=False))
    yield a
    a.store.close()


@pytest.fixture
def cli_env(home) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PONTE_HOME": str(home), "PONTE_PROGRESS": "false"})
    return env


def store_of(home: Path):
    """The store a command run with PONTE_HOME=home opens (on PostgreSQL: this test's database)."""
    from ponte.index.store import open_store

    return open_store(Settings(home=home, progress=False))
