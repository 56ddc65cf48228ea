import json
import subprocess
import sys

from .conftest import ROOT

PONTE = [sys.executable, "-m", "ponte.cli"]


def run(args, env, **kw):
    return subprocess.run(PONTE + args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def test_ask_json_is_one_document(cli_env):
    out = run(["ask", "Quale agenzia brasiliana sostiene il progetto MetalMec?", "--json"], cli_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["grounded"] and "SEBRAE" in data["answer"] and data["language"] == "it"
    follow = run(["ask", "E quali filiere?", "--conversation", data["conversation_id"], "--json"], cli_env)
    assert json.loads(follow.stdout)["conversation_id"] == data["conversation_id"]


def test_search_and_match_json(cli_env):
    s = json.loads(run(["search", "API 6D", "--kind", "company", "--k", "3", "--json"], cli_env).stdout)
    assert s["results"] and all(r["kind"] == "company" for r in s["results"])
    m = json.loads(run(["match", "--need", "Cerco un cantiere navale in Pernambuco", "--json"], cli_env).stdout)
    assert m["matches"][0]["company_id"] == "br-estaleiro-suape"


def test_ingest_reports_counts(cli_env):
    out = run(["ingest", "--json"], cli_env)
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["added"] == 0 and data["unchanged"] >= 45


def test_errors_are_one_line_and_non_zero(cli_env, tmp_path):
    cases = [
        ["ask", "   "],
        ["search", "x", "--kind", "video"],
        ["ingest", str(tmp_path / "nope")],
        ["match", "--company", "no-such-company"],
        ["search", "x", "--k", "0"],
    ]
    for args in cases:
        out = run(args, cli_env)
        assert out.returncode != 0, args
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("ponte: error:"), (args, out.stderr)
        assert out.stdout == ""


def test_help_explains(cli_env):
    out = run(["--help"], cli_env)
    assert "ingest" in out.stdout and "PONTE_HOME" in out.stdout
