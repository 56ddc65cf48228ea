"""`ponte`: the command line, a thin shell over `ponte.assistant.Assistant`.

Every command takes --json (one JSON document on stdout) and fails with one line on stderr
and a non-zero exit status.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

EXAMPLES = """\
examples:
  ponte ingest                                   index the shipped corpus (article + sample companies)
  ponte ask "Qual agência brasileira apoia o projeto MetalMec?"
  ponte ask "E quais são os setores?" --conversation ID
  ponte search "valvole API 6D" --kind company --country BR
  ponte match --company br-usinagem-recife --k 3
  ponte match --need "Procuro um fabricante italiano de válvulas para petróleo e gás"
  ponte eval eval/qa.jsonl
  ponte eval ../shared/eval-data/squad-dev/questions-*.jsonl
  ponte serve --port 8000

All state lives under $PONTE_HOME (default ./.ponte); see README.md for every PONTE_ setting.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as the contract asks; --help still explains everything.
        print(f"ponte: error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--country", action="append", help="ISO country code, e.g. IT or BR (repeatable)")
    filters.add_argument("--region", action="append", help="region, e.g. Lombardia (repeatable)")
    filters.add_argument("--sector", action="append", help="sector, e.g. petrochemical (repeatable)")
    filters.add_argument("--partnership", action="append", help="partnership type, e.g. subcontracting (repeatable)")
    filters.add_argument("--certification", action="append", help="certification held, e.g. \"ISO 9001\" (repeatable)")

    p = _Parser(prog="ponte", description="Ponte: multilingual answers and partner matching for the "
                "Lombardy–Pernambuco MetalMec partnership, offline.", epilog=EXAMPLES,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    s = sub.add_parser("ingest", parents=[common], help="index documents and company profiles",
                       description="Index documents (.md .txt .pdf .html .docx) and company profiles "
                       "(.jsonl .json .csv). Folders are walked recursively; with no PATH, the shipped corpus. "
                       "Unchanged content is skipped, changed files replace their old chunks, and a "
                       "re-imported company id updates that company.")
    s.add_argument("paths", nargs="*", metavar="PATH", type=Path)

    s = sub.add_parser("ask", parents=[common], help="ask a question (one chat turn)",
                       description="Answer from the knowledge base with numbered citations, or say plainly "
                       "that it does not cover the question.")
    s.add_argument("text", metavar="TEXT")
    s.add_argument("--conversation", metavar="ID", help="continue this conversation")
    s.add_argument("--language", choices=["en", "it", "pt"], help="answer language (default: detected)")

    s = sub.add_parser("search", parents=[common, filters], help="search documents and companies by meaning")
    s.add_argument("text", metavar="TEXT")
    s.add_argument("--k", type=int, default=5, help="number of results (1-100, default 5)")
    s.add_argument("--kind", choices=["document", "company"], help="only documents or only companies")

    s = sub.add_parser("match", parents=[common, filters], help="rank complementary partner companies",
                       description="Rank companies whose offers meet a company's needs (and whose needs its "
                       "offers meet), or that offer what a free-text need asks for.")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--company", metavar="ID", help="a company id from the profile store")
    g.add_argument("--need", metavar="TEXT", help="what you are looking for, in any language")
    s.add_argument("--k", type=int, default=5, help="number of matches (1-100, default 5)")
    s.add_argument("--language", choices=["en", "it", "pt"], help="language of the reasons")

    s = sub.add_parser("serve", parents=[common], help="run the HTTP API, demo page and widget")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)

    s = sub.add_parser("eval", parents=[common], help="score question or matching sets",
                       description="Run evaluation sets: QA questions on this knowledge base (hit@k, answer "
                       "accuracy, refusal accuracy per language), matching cases (hit@3, MRR, twins ranked "
                       "first), or external SQuAD-style sets (gold `answers`, `kind` answerable / unanswerable / "
                       "near) on their own documents, ingested into a temporary data home: answered, off-topic "
                       "declined and near-domain declined per set and language, beside the naive "
                       "nearest-sentence baseline.")
    s.add_argument("files", metavar="FILE.jsonl", type=Path, nargs="+")
    s.add_argument("--documents", metavar="DIR", type=Path,
                   help="external sets: the documents to answer from (default: the folder of their gold_file)")
    s.add_argument("--calibrate", action="store_true",
                   help="also print the PONTE_GROUNDING_THRESHOLD shift with the fewest errors on these sets")
    return p


def _emit(obj: Any, as_json: bool, human: str) -> None:
    if as_json:
        data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(human.rstrip() + "\n")


def _filters(args) -> dict | None:
    f = {key: getattr(args, key) for key in ("country", "region", "sector", "partnership", "certification") if getattr(args, key)}
    return f or None


def _run(args) -> int:
    from .assistant import Assistant
    from .errors import PonteError
    from .settings import get_settings

    settings = get_settings()
    assistant = Assistant(settings)
    cmd = args.command

    if cmd == "ingest":
        report = assistant.ingest(args.paths or None)
        if report.rejected and not (report.added or report.updated or report.unchanged):
            first = report.rejected[0]
            more = f" (and {len(report.rejected) - 1} more)" if len(report.rejected) > 1 else ""
            raise PonteError("nothing_ingested", f"nothing could be ingested: {first.source}"
                             f"{f':{first.line}' if first.line else ''}: {first.reason}{more}", 422)
        lines = [f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
                 f"rejected {len(report.rejected)}",
                 f"knowledge base: {report.documents} documents ({report.chunks} chunks), {report.companies} companies"]
        lines += [f"  rejected {r.source}{f':{r.line}' if r.line else ''}: {r.reason}" for r in report.rejected]
        _emit(report, args.json, "\n".join(lines))
        return 0

    if cmd == "serve":
        from .api.app import serve

        serve(assistant, args.host, args.port)
        return 0

    if cmd == "eval":
        from .assistant.evaluation import run_evals

        assistant.ensure_ready()
        result = run_evals(assistant, args.files, calibrate=args.calibrate, documents=args.documents)
        _emit(result, args.json, result["report"])
        return 0

    from .models import ChatRequest, MatchRequest, SearchRequest

    assistant.ensure_ready()
    if cmd == "ask":
        resp = assistant.chat(ChatRequest(message=args.text, conversation_id=args.conversation, language=args.language))
        lines = [resp.answer, ""]
        lines += [f"[{i}] {c.title} ({c.source_id})" for i, c in enumerate(resp.citations, start=1)]
        lines.append(f"\nconversation: {resp.conversation_id} (continue with --conversation {resp.conversation_id})")
        _emit(resp, args.json, "\n".join(lines))
    elif cmd == "search":
        resp = assistant.search(SearchRequest(query=args.text, k=args.k, kind=args.kind, filters=_filters(args)))
        lines = [f"{r.score:.3f}  [{r.kind}] {r.title} ({r.source_id})\n       {r.snippet}" for r in resp.results]
        _emit(resp, args.json, "\n".join(lines) or "no results")
    elif cmd == "match":
        resp = assistant.match(MatchRequest(company_id=args.company, need=args.need, k=args.k,
                                            filters=_filters(args), language=args.language))
        lines = []
        for m in resp.matches:
            lines.append(f"{m.score:.3f}  {m.name} ({m.company_id}) — {m.region}, {m.country}; {', '.join(m.sector_names or m.sectors)}")
            lines += [f"       · {r}" for r in m.reasons]
        _emit(resp, args.json, "\n".join(lines) or "no matches")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import PonteError

    try:
        return _run(args)
    except PonteError as exc:
        print(f"ponte: error: {exc.message}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        from .assistant.profiles import explain

        print(f"ponte: error: {explain(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:  # a data home that is a file, a full disk, a folder without permission
        print(f"ponte: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ponte: interrupted; the store is unchanged by the unfinished command", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
