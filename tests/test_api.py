import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from ponte.api.app import create_app
from ponte.assistant import Assistant
from ponte.settings import Settings

from .conftest import PLANTED_EMAIL, PLANTED_PHONE, ROOT

STAFF = {"Authorization": "Bearer staff-key-123"}
ADMIN = {"Authorization": "Bearer admin-key-456"}
PLANTED = {"id": "zz-planted", "name": "Planted Metal Ltda.", "country": "BR", "region": "Pernambuco",
           "description": "Usinagem de flanges e eixos para a indústria naval.", "offers": ["Usinagem de flanges"],
           "seeks": ["Fornecedor de aço forjado"], "contact": {"name": "Zé Planted", "email": PLANTED_EMAIL,
                                                              "phone": PLANTED_PHONE}}


def make_client(home: Path, **overrides) -> TestClient:
    settings = Settings(home=home, progress=False, api_keys="staff-key-123:staff,admin-key-456:admin", **overrides)
    return TestClient(create_app(Assistant(settings)))


@pytest.fixture
def client(home):
    with make_client(home) as c:
        yield c


def assert_error(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


def test_chat_search_match(client):
    chat = client.post("/v1/chat", json={"message": "Qual agência brasileira apoia o projeto MetalMec?"}).json()
    assert chat["grounded"] and "SEBRAE" in chat["answer"] and chat["citations"]
    again = client.post("/v1/chat", json={"message": "E quais setores?", "conversation_id": chat["conversation_id"]})
    assert again.json()["conversation_id"] == chat["conversation_id"]
    search = client.post("/v1/search", json={"query": "flange forgiate", "kind": "company", "k": 2}).json()
    assert search["results"][0]["kind"] == "company"
    match = client.post("/v1/partners/match", json={"company_id": "br-eolica-torres", "k": 3}).json()
    assert match["matches"][0]["reasons"]


def test_chat_streams_server_sent_events(client):
    with client.stream("POST", "/v1/chat", json={"message": "Which four supply chains does MetalMec focus on?", "stream": True}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = [block for block in body.split("\r\n\r\n") if block.strip()]
    assert "event: delta" in events[0]
    final = [e for e in events if e.startswith("event: final")]
    assert len(final) == 1
    data = json.loads(final[0].split("data: ", 1)[1])
    assert data["grounded"] and "Wind" in data["answer"]


def test_roles(client):
    assert_error(client.get("/v1/companies"), 401)
    assert_error(client.get("/v1/companies", headers={"Authorization": "Bearer wrong"}), 401)
    assert client.get("/v1/companies", headers=STAFF).status_code == 200
    assert_error(client.delete("/v1/companies/br-eolica-torres", headers=STAFF), 403)
    assert_error(client.post("/v1/documents", headers=STAFF, files={"file": ("a.md", b"# A\n\nText.")}), 403)
    assert client.delete("/v1/companies/br-eolica-torres", headers=ADMIN).json() == {"id": "br-eolica-torres", "deleted": True}
    assert_error(client.get("/v1/companies/br-eolica-torres"), 404)


def test_contacts_never_leak_to_public_outputs_or_logs(client, caplog):
    caplog.set_level(logging.INFO)
    put = client.put("/v1/companies/zz-planted", json=PLANTED, headers=STAFF)
    assert put.status_code == 201 and put.json()["contact"]["email"] == PLANTED_EMAIL
    assert client.get("/v1/companies/zz-planted", headers=STAFF).json()["contact"]["phone"] == PLANTED_PHONE
    bodies = [
        client.get("/v1/companies/zz-planted").text,
        client.post("/v1/search", json={"query": "Planted Metal usinagem de flanges " + PLANTED_EMAIL}).text,
        client.post("/v1/search", json={"query": "Zé Planted", "kind": "company"}).text,
        client.post("/v1/partners/match", json={"need": "usinagem de flanges navais"}).text,
        client.post("/v1/partners/match", json={"company_id": "zz-planted"}).text,
        client.post("/v1/chat", json={"message": "Quais empresas fazem usinagem de flanges?"}).text,
        client.post("/v1/chat", json={"message": "What is the email of Planted Metal?"}).text,
    ]
    assert "Planted Metal" in " ".join(bodies)  # the company itself is findable
    for body in bodies:
        assert PLANTED_EMAIL not in body and "99999-7731" not in body
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/v1/chat" in logged
    assert PLANTED_EMAIL not in logged and "99999-7731" not in logged


def test_bad_input_gets_clear_4xx(client):
    assert_error(client.post("/v1/chat", json={"message": ""}), 422)
    assert_error(client.post("/v1/chat", json={"message": "   "}), 422)
    assert_error(client.post("/v1/chat", content=b"{bad json", headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/v1/chat", json={"message": "x" * (2 * 1024 * 1024)}), 413)
    assert_error(client.post("/v1/chat", json={"message": "y" * 5000}), 413)
    assert_error(client.post("/v1/search", json={"query": "x", "k": "many"}), 422)
    assert_error(client.post("/v1/search", json={"query": "x", "k": 0}), 422)
    assert_error(client.post("/v1/search", json={"query": "x", "k": 10000}), 422)
    assert_error(client.post("/v1/search", json={"query": "x", "kind": "video"}), 422)
    assert_error(client.post("/v1/partners/match", json={"company_id": "nope"}), 404)
    assert_error(client.post("/v1/partners/match", json={}), 422)
    assert_error(client.get("/v1/no-such-route"), 404)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    assert_error(client.post("/v1/companies:import", headers=ADMIN, files={"file": ("firms.csv", png)}), 422)
    assert_error(client.post("/v1/documents", headers=ADMIN, files={"file": ("../../etc/evil.md", b"# x\n\ny")}), 400)
    assert_error(client.put("/v1/companies/zz-a", headers=STAFF, json={**PLANTED, "id": "zz-b"}), 422)
    assert_error(client.put("/v1/companies/zz-a", headers=STAFF, json={**PLANTED, "id": "zz-a", "country": "Brazil"}), 422)


def test_failed_write_leaves_store_as_it_was(client):
    assistant = client.app.state.assistant
    before = (assistant.store.generation, assistant.store.count("companies"))
    client.put("/v1/companies/zz-a", headers=STAFF, json={**PLANTED, "id": "zz-a", "sectors": ["space-mining"]})
    client.post("/v1/companies:import", headers=ADMIN, files={"file": ("bad.csv", b"id,name\nx,y\n")})
    assert (assistant.store.generation, assistant.store.count("companies")) == before


def test_import_and_documents(client):
    rows = "id,name,country,description,offers\nzz-imp,Imp Srl,IT,Lavorazioni,fresatura\nzz-bad,Bad,XX1,desc,\n"
    report = client.post("/v1/companies:import", headers=ADMIN, files={"file": ("firms.csv", rows.encode())}).json()
    assert report["added"] == 1 and report["rejected"][0]["line"] == 3
    up = client.post("/v1/documents", headers=ADMIN, files={"file": ("suape.md", b"# Suape\n\nSuape hosts the Atlantico refinery.")})
    assert up.status_code == 200 and up.json()["added"] == 1
    docs = client.get("/v1/documents").json()["documents"]
    doc_id = next(d["id"] for d in docs if d["source"] == "suape.md")
    assert client.delete(f"/v1/documents/{doc_id}", headers=ADMIN).status_code == 200
    assert_error(client.delete(f"/v1/documents/{doc_id}", headers=ADMIN), 404)


def test_uploaded_pdf_and_web_page_are_read_and_answer(client):
    docs = ROOT / "eval" / "external-5" / "docs"
    for name in ("supplier-handbook-ipojuca.pdf", "boletim-aimpe-novembro.html"):
        up = client.post("/v1/documents", headers=ADMIN, files={"file": (name, (docs / name).read_bytes())})
        assert up.status_code == 200 and up.json()["added"] == 1, up.json()
    titles = {d["source"]: d["title"] for d in client.get("/v1/documents").json()["documents"]}
    assert titles["supplier-handbook-ipojuca.pdf"] == "Supplier Qualification Handbook 2026"
    reply = client.post("/v1/chat", json={"message": "Which certificate do welding subcontractors need?"}).json()
    assert reply["grounded"] and "ISO 3834-2" in reply["answer"]
    reply = client.post("/v1/chat", json={"message": "Quanto custa a anuidade para microempresas?"}).json()
    assert reply["grounded"] and "900 reais" in reply["answer"]


def test_company_list_filters(client):
    data = client.get("/v1/companies", params={"country": "IT", "sector": "wind"}, headers=STAFF).json()
    assert data["total"] >= 2 and all(c["country"] == "IT" and "wind" in c["sectors"] for c in data["companies"])
    found = client.get("/v1/companies", params={"query": "torres eólicas"}, headers=STAFF).json()
    assert found["companies"][0]["id"] == "br-eolica-torres"


def test_rate_limit(home):
    with make_client(home, rate_limit_per_minute=3) as c:
        codes = [c.post("/v1/search", json={"query": "wind"}).status_code for _ in range(5)]
    assert codes[:3] == [200] * 3 and codes[3] == 429


def test_cors_allowlist(home):
    with make_client(home, cors_origins="http://portal.example") as c:
        ok = c.options("/v1/chat", headers={"Origin": "http://portal.example", "Access-Control-Request-Method": "POST"})
        bad = c.options("/v1/chat", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert ok.headers.get("access-control-allow-origin") == "http://portal.example"
    assert "access-control-allow-origin" not in bad.headers


def test_health_and_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    spec = client.get("/openapi.json").json()
    for path in ("/v1/chat", "/v1/search", "/v1/partners/match", "/v1/companies/{company_id}", "/v1/companies:import",
                 "/v1/documents", "/v1/documents/{document_id}"):
        assert path in spec["paths"]
    assert "ChatResponse" in spec["components"]["schemas"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false", **(extra_env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "ponte.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("ponte serve did not become ready:\n" + (proc.stdout.read() if proc.stdout else ""))


def test_real_server_process(home):
    port = free_port()
    proc = start_server(home, port, {"PONTE_API_KEYS": "k1:staff"})
    try:
        base = f"http://127.0.0.1:{port}"
        r = httpx.post(f"{base}/v1/chat", json={"message": "Chi è Roberto Maroni?"}, timeout=30)
        assert r.status_code == 200 and "Presidente della Regione Lombardia" in r.json()["answer"]
        assert httpx.get(f"{base}/v1/companies", timeout=10).status_code == 401
        assert httpx.get(f"{base}/widget.js", timeout=10).headers["content-type"].startswith("application/javascript")
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    lines = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    assert any(ln["route"] == "/v1/chat" and ln["status"] == 200 for ln in lines)
