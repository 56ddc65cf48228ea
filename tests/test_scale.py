"""Issue 10: a killed ingest keeps every document it finished, and a re-run continues from there."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, store_of

PONTE = [sys.executable, "-m", "ponte.cli"]


def _documents(home) -> int:
    if not (home / "ponte.db").exists() and not os.environ.get("PONTE_DATABASE_URL"):
        return 0
    try:
        store = store_of(home)
    except Exception:  # not created yet
        return 0
    try:
        return store.count("documents")
    except Exception:
        return 0
    finally:
        store.close()


def test_a_killed_ingest_resumes_where_it_stopped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(60):
        body = " ".join(f"Sentence {j} of report {i} says that supplier {i}-{j} ships forged flanges to Suape."
                        for j in range(12))
        (folder / f"report{i:03d}.md").write_text(f"# Report {i}\n\n{body}\n", encoding="utf-8")
    env = {**os.environ, "PONTE_HOME": str(tmp_path / "home"), "PONTE_PROGRESS": "false"}
    db = tmp_path / "home"
    proc = subprocess.Popen(PONTE + ["ingest", str(folder)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while _documents(db) < 10 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = _documents(db)
    assert 10 <= kept < 60, kept
    store = store_of(db)  # no document is half-written
    empty = store._query("SELECT COUNT(*) AS n FROM documents d WHERE NOT EXISTS "
                         "(SELECT 1 FROM chunks c JOIN segments s ON s.chunk_id = c.id WHERE c.doc_id = d.id)")[0]["n"]
    store.close()
    assert empty == 0
    out = subprocess.run(PONTE + ["ingest", str(folder), "--json"], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["unchanged"] == kept and report["added"] == 60 - kept and report["documents"] == 60


def test_a_company_write_keeps_the_document_indexes_and_a_document_write_the_company_ones(assistant, tmp_path):
    from ponte.models import CompanyProfile, SearchRequest

    before = assistant.snapshot()
    assistant.put_company("zz-new", CompanyProfile(
        id="zz-new", name="Zeta Anodizzazione", country="IT", region="Lombardia",
        description="Anodizzazione dura di alluminio per componenti navali.", offers=["Anodizzazione dura"]))
    after = assistant.snapshot()
    assert after.doc_index is before.doc_index and after.doc_lexical is before.doc_lexical
    assert after.company_lexical is not before.company_lexical
    found = assistant.search(SearchRequest(query="anodizzazione dura alluminio", kind="company", k=3)).results
    assert found[0].id == "zz-new"
    doc = tmp_path / "note.md"
    doc.write_text("# Note\n\nThe anodising line in Lecco doubled its capacity in 2024.\n", encoding="utf-8")
    assistant.ingest([doc])
    last = assistant.snapshot()
    assert last.company_lexical is after.company_lexical and last.doc_index is not after.doc_index
    assert any(c.doc_id == "note" for c in last.chunks)


@pytest.mark.embedded_only
def test_the_approximate_index_answers_like_the_exact_one_and_is_loaded_from_disk(home):
    from ponte.assistant import Assistant
    from ponte.index import vectors
    from ponte.models import ChatRequest
    from ponte.settings import Settings

    exact = Assistant(Settings(home=home, progress=False))
    expected = exact.chat(ChatRequest(message="Which agency supports MetalMec?"))
    sizes = (len(exact.snapshot().chunks), len(exact.snapshot().seg_texts))
    exact.store.close()
    for _ in range(2):  # built and written, then loaded from $PONTE_HOME/index
        ann = Assistant(Settings(home=home, progress=False, ann_min_rows=10))
        snap = ann.snapshot()
        assert vectors.is_approximate(snap.doc_index)
        assert (len(snap.chunks), len(snap.seg_texts)) == sizes and len(snap.seg_vectors) == sizes[1]
        resp = ann.chat(ChatRequest(message="Which agency supports MetalMec?"))
        assert resp.grounded and "SEBRAE" in resp.answer and resp.citations[0].source_id == expected.citations[0].source_id
        ann.store.close()
    assert list((home / "index").glob("documents-*/segments.faiss"))


@pytest.mark.embedded_only
def test_an_index_left_by_a_replaced_store_is_not_loaded(tmp_path):
    from ponte.assistant import Assistant
    from ponte.settings import Settings

    home = tmp_path / "home"
    for text in ("The first store talks about forged flanges.", "The second store talks about wind blades."):
        doc = tmp_path / "note.md"
        doc.write_text(f"# Note\n\n{text}\n", encoding="utf-8")
        a = Assistant(Settings(home=home, progress=False))
        a.ingest([doc])  # same documents generation in both stores
        assert any(text in t for t in a.snapshot().seg_texts)
        a.store.close()
        for f in home.glob("ponte.db*"):
            f.unlink()  # replaced, as the error message for a damaged store suggests; index/ stays


def _ids(assistant, query: str) -> list[str]:
    from ponte.models import SearchRequest

    return [r.source_id for r in assistant.search(SearchRequest(query=query, k=5, kind="document")).results]


def test_document_writes_update_the_index_in_place_and_a_new_process_agrees(assistant, tmp_path):
    """Issue 10: a write marks the old rows of its document dead and appends the new ones, instead of
    rebuilding; a process opened later (index on disk + the store's change log) sees the same."""
    from ponte.assistant import Assistant
    from ponte.models import ChatRequest
    from ponte.settings import Settings

    before = assistant.snapshot()
    rows_before = len(before.seg_texts)
    note = tmp_path / "dock-note.md"
    note.write_text("# Dock note\n\nThe Zeta yard in Ipojuca launched its third floating dock in March 2025.\n",
                    encoding="utf-8")
    assistant.ingest([note])
    grown = assistant.snapshot()
    assert len(grown.seg_texts) > rows_before and grown.seg_texts[:rows_before] == before.seg_texts  # appended
    assert "dock-note" in _ids(assistant, "floating dock Ipojuca")
    resp = assistant.chat(ChatRequest(message="When did the Zeta yard launch its third floating dock?"))
    assert resp.grounded and "March 2025" in resp.answer

    # Rewritten: the old sentence is dead, the new one answers.
    note.write_text("# Dock note\n\nThe Zeta yard in Ipojuca postponed its third floating dock to June 2026.\n",
                    encoding="utf-8")
    assistant.ingest([note])
    rewritten = assistant.snapshot()
    assert rewritten.seg_live is not None and not rewritten.seg_live.all()
    resp = assistant.chat(ChatRequest(message="When will the Zeta yard launch its third floating dock?"))
    assert "June 2026" in resp.answer and "March 2025" not in resp.answer

    # Removed: nothing of it is found any more, and the help reply no longer offers it.
    assistant.delete_document("dock-note")
    assert "dock-note" not in _ids(assistant, "floating dock Ipojuca")
    assert assistant.chat(ChatRequest(message="When will the Zeta yard launch its third floating dock?")).grounded is False

    # A new process reaches the same state (from the index on disk and the change log).
    other = Assistant(Settings(home=assistant.settings.home, progress=False))
    for query in ("floating dock Ipojuca", "Which agency supports MetalMec?", "smart specialisation"):
        assert _ids(other, query) == _ids(assistant, query)
    other.store.close()


def test_many_changes_lead_to_a_full_build(assistant, tmp_path, monkeypatch):
    from ponte.index import snapshot

    monkeypatch.setattr(snapshot, "COMPACT_MIN", 0)
    monkeypatch.setattr(snapshot, "COMPACT_SHARE", 0.0)
    before = assistant.snapshot()
    chunks_before, rows_before = len(before.chunks), len(before.seg_texts)
    note = tmp_path / "note.md"
    note.write_text("# Note\n\n" + " ".join(f"Sentence {i} about forged rings." for i in range(10)) + "\n",
                    encoding="utf-8")
    assistant.ingest([note])
    snap = assistant.snapshot()
    assert snap.seg_live is None and snap.base_rows == len(snap.seg_texts)  # rebuilt whole
    # ... from the store alone: its rows line up, and the snapshot readers still hold is untouched.
    assert len(snap.seg_texts) == len(snap.seg_chunk) == len(snap.seg_vectors) == rows_before + 1
    assert len(snap.chunks) == chunks_before + 1 and len({c.id for c in snap.chunks}) == len(snap.chunks)
    assert (len(before.chunks), len(before.seg_texts)) == (chunks_before, rows_before)
    assert "note" in _ids(assistant, "forged rings")
