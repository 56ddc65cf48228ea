"""Issue 10: the PostgreSQL backend. Run when PONTE_TEST_DATABASE_URL names a server (CI starts
one with scripts/postgres); the rest of the suite also runs against it unchanged."""
from __future__ import annotations

import time

import httpx
import pytest

from .conftest import ON_POSTGRES, store_of
from .test_api import free_port, start_server

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs PONTE_TEST_DATABASE_URL (scripts/postgres start)")

KEYS = {"PONTE_API_KEYS": "k-admin:admin,k-staff:staff", "PONTE_RATE_LIMIT_PER_MINUTE": "0"}
ADMIN = {"Authorization": "Bearer k-admin"}


def _until(check, seconds: float) -> float:
    """Seconds until `check()` is true; fails after `seconds`."""
    t0 = time.perf_counter()
    while not check():
        assert time.perf_counter() - t0 < seconds, "not visible in time"
        time.sleep(0.02)
    return time.perf_counter() - t0


def test_two_replicas_on_one_database_agree_within_a_second(home, tmp_path):
    ports = [free_port(), free_port()]
    # Each replica has its own (empty) local folder: all shared state is in the database.
    procs = [start_server(tmp_path / f"replica{i}", port, KEYS) for i, port in enumerate(ports)]
    a, b = (f"http://127.0.0.1:{p}" for p in ports)
    try:
        profile = {"id": "zz-replica", "name": "Zeta Galvanica Replica", "country": "IT", "region": "Lombardia",
                   "description": "Nichelatura chimica di componenti per pompe navali.", "offers": ["Nichelatura chimica"]}
        r = httpx.put(f"{a}/v1/companies/zz-replica", json=profile, headers=ADMIN, timeout=30)
        assert r.status_code in (200, 201), r.text

        def found_on_b() -> bool:
            hits = httpx.post(f"{b}/v1/search", json={"query": "nichelatura chimica", "kind": "company", "k": 3},
                              timeout=10).json()["results"]
            return bool(hits) and hits[0]["id"] == "zz-replica"

        assert _until(found_on_b, 1.0) <= 1.0

        files = {"file": ("replica-note.md", b"# Replica note\n\nThe Zeta yard in Ipojuca launched its third "
                                             b"floating dock in March 2025.\n")}
        assert httpx.post(f"{a}/v1/documents", files=files, headers=ADMIN, timeout=60).status_code == 200

        def answered_on_b() -> bool:
            resp = httpx.post(f"{b}/v1/chat", json={"message": "When did the Zeta yard launch its third floating dock?"},
                              timeout=30).json()
            return resp["grounded"] and "March 2025" in resp["answer"]

        assert _until(answered_on_b, 1.0) <= 1.0

        # A conversation started on one replica continues on the other.
        first = httpx.post(f"{a}/v1/chat", json={"message": "Quem apoia o projeto MetalMec?"}, timeout=30).json()
        follow = httpx.post(f"{b}/v1/chat", json={"message": "ok", "conversation_id": first["conversation_id"]},
                            timeout=30).json()
        assert first["language"] == "pt" and follow["language"] == "pt"

        assert httpx.delete(f"{b}/v1/companies/zz-replica", headers=ADMIN, timeout=30).status_code == 200
        assert _until(lambda: httpx.get(f"{a}/v1/companies/zz-replica", headers=ADMIN, timeout=10).status_code == 404,
                      1.0) <= 1.0
    finally:
        for p in procs:
            p.terminate()
            p.communicate(timeout=20)


def test_the_database_does_the_searching(assistant):
    from ponte.index.postgres import FullTextSearch, VectorSearch

    snap = assistant.snapshot()
    assert isinstance(snap.doc_index, VectorSearch) and isinstance(snap.doc_lexical, FullTextSearch)
    store = assistant.store
    store._query("SET enable_seqscan = off")  # on a small table the planner would scan; the index must be usable
    plan = " ".join(r["QUERY PLAN"] for r in store._query(
        "EXPLAIN SELECT id FROM segments ORDER BY (vec::vector(384)) <#> CAST(? AS vector(384)) LIMIT 5",
        (snap.seg_vectors[0],)))
    store._query("RESET enable_seqscan")
    assert "segments_hnsw_384" in plan, plan
    # The nearest sentence to a sentence's own vector is that sentence.
    sims, rows = snap.doc_index.search(snap.seg_vectors[7:8], 3)
    assert rows[0][0] == 7 and sims[0][0] == pytest.approx(1.0, abs=1e-4)
    # Full-text search: stemmed in the text's language, exact for names in any language.
    scores = snap.doc_lexical.scores("SEBRAE", "it")
    assert scores.max() > 0 and "SEBRAE" in snap.chunks[int(scores.argmax())].text
    assert snap.doc_lexical.scores("the of and", "en").max() == 0


def test_a_document_write_is_one_transaction(assistant, tmp_path):
    """A write that fails half way leaves the database as it was (and the generation unmoved)."""
    before = (assistant.store.count("documents"), assistant.store.generations())
    with pytest.raises(RuntimeError):
        with assistant.store.transaction(("documents",)) as w:
            assistant.store.delete_document(w, "eu-lac-newsletter-2014-lombardy-metalmec")
            raise RuntimeError("power cut")
    assert (assistant.store.count("documents"), assistant.store.generations()) == before
    store = store_of(tmp_path)
    assert store.document("eu-lac-newsletter-2014-lombardy-metalmec") is not None
    store.close()
