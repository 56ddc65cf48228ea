"""Shared fixtures: one real data home with the shipped corpus, built once per test session."""
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


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("ponte-home")
    assistant = Assistant(Settings(home=home, progress=False))
    report = assistant.ingest(None)
    assert report.companies >= 40 and report.documents >= 1
    assistant.store.close()
    return home


@pytest.fixture
def home(corpus_home, tmp_path) -> Path:
    """A private copy of the ingested home, so a test may write without affecting others."""
    target = tmp_path / "home"
    shutil.copytree(corpus_home, target)
    return target


@pytest.fixture(scope="session")
def shared_assistant(corpus_home) -> Assistant:
    """Read-only use only: tests that write take `assistant`."""
    return Assistant(Settings(home=corpus_home, progress=False))


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
