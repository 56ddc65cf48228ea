"""`ponte eval`: score a question set or a matching set against the live knowledge base.

QA lines: {"question", "language", "facts": [...]} (every fact must appear in the answer),
optionally "evidence" (text a top-k chunk must hold; default the first fact), "conversation"
(earlier questions, asked first), "partners" (ids, one must be suggested), or
"out_of_scope": true (the answer must decline).
Matching lines: {"company_id" | "need", "expected": [...], "avoid_first": [...]}.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import PonteError
from ..index.lexical import fold
from ..models import ChatRequest, MatchRequest, SearchRequest
from .grounding import outside_knowledge

HIT_KS = (1, 3, 5)


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise PonteError("not_found", f"no such file: {path}", 404)
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise PonteError("invalid_eval", f"{path}:{n}: invalid JSON ({exc.msg})") from exc
    if not items:
        raise PonteError("invalid_eval", f"{path} holds no cases")
    return items


def run_eval(assistant, path: Path, calibrate: bool = False) -> dict[str, Any]:
    items = _load(path)
    if all("company_id" in i or "need" in i for i in items):
        return _match_eval(assistant, items)
    return _qa_eval(assistant, items, calibrate)


def _pct(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _qa_eval(assistant, items: list[dict[str, Any]], calibrate: bool) -> dict[str, Any]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    supports: dict[str, list[tuple[Any, str]]] = {"in": [], "out": []}
    for item in items:
        lang = item.get("language", "en")
        s = stats[lang]
        conversation_id = None
        for earlier in item.get("conversation", []):
            conversation_id = assistant.chat(ChatRequest(message=earlier, conversation_id=conversation_id)).conversation_id
        resp = assistant.chat(ChatRequest(message=item["question"], conversation_id=conversation_id))
        if calibrate and not item.get("conversation") and "partners" not in item:
            # The floors only have to separate what the word checks let through.
            snap = assistant.snapshot()
            if not outside_knowledge(item["question"], snap.vocabulary):
                _, support, _ = assistant._retrieve_for_chat(snap, item["question"], [])
                supports["out" if item.get("out_of_scope") else "in"].append((support, item["question"]))
        if item.get("out_of_scope"):
            s["oos"] += 1
            ok = not resp.grounded and not resp.citations
            s["refused"] += ok
            if not ok:
                failures.append(f"[{lang}] answered an out-of-scope question: {item['question']}")
            continue
        s["in_scope"] += 1
        if "partners" in item:
            got = [m.company_id for m in resp.partners]
            ok = resp.grounded and any(p in got for p in item["partners"])
            if not ok:
                failures.append(f"[{lang}] partners {got} miss {item['partners']}: {item['question']}")
        else:
            answer = fold(resp.answer)
            missing = [f for f in item["facts"] if fold(f) not in answer]
            ok = resp.grounded and not missing
            if not ok:
                failures.append(f"[{lang}] missing {missing or 'grounding'}: {item['question']}")
            if not item.get("conversation"):
                evidence = fold(item.get("evidence") or item["facts"][0])
                results = assistant.search(SearchRequest(query=item["question"], k=max(HIT_KS), kind="document")).results
                texts = [fold(assistant.snapshot().chunks[_chunk_pos(assistant, r.id)].text) for r in results]
                s["retrieval"] += 1
                for k in HIT_KS:
                    s[f"hit@{k}"] += any(evidence in t for t in texts[:k])
        s["correct"] += ok

    per_language = {}
    for lang, s in sorted(stats.items()):
        per_language[lang] = {
            "answer_accuracy": _pct(s["correct"], s["in_scope"]),
            "refusal_accuracy": _pct(s["refused"], s["oos"]),
            **{f"hit@{k}": _pct(s[f"hit@{k}"], s["retrieval"]) for k in HIT_KS},
            "questions": s["in_scope"], "out_of_scope": s["oos"],
        }
    total = {key: sum(s[key] for s in stats.values()) for key in ("correct", "in_scope", "refused", "oos", "retrieval", "hit@1", "hit@3", "hit@5")}
    overall = {
        "answer_accuracy": _pct(total["correct"], total["in_scope"]),
        "refusal_accuracy": _pct(total["refused"], total["oos"]),
        **{f"hit@{k}": _pct(total[f"hit@{k}"], total["retrieval"]) for k in HIT_KS},
        "questions": total["in_scope"], "out_of_scope": total["oos"],
    }
    lines = ["language  answer  refusal  hit@1  hit@3  hit@5   (questions / out-of-scope)"]
    for lang, r in list(per_language.items()) + [("all", overall)]:
        lines.append(f"{lang:<8} {_fmt(r['answer_accuracy'])}  {_fmt(r['refusal_accuracy'])}  {_fmt(r['hit@1'])} "
                     f"{_fmt(r['hit@3'])} {_fmt(r['hit@5'])}   ({r['questions']} / {r['out_of_scope']})")
    lines += [f"FAIL {f}" for f in failures]
    result: dict[str, Any] = {"kind": "qa", "overall": overall, "per_language": per_language, "failures": failures}
    if calibrate:
        result["calibration"] = _calibration(assistant, supports, lines)
    result["report"] = "\n".join(lines)
    return result


def _calibration(assistant, supports: dict[str, list[tuple[Any, str]]], lines: list[str]) -> dict[str, Any]:
    """Suggest each grounding floor given the other: the cut with the fewest errors (in-scope
    questions refused plus out-of-scope ones answered), in the middle of the widest such gap."""
    settings = assistant.settings
    floors = {"margin": settings.grounding_threshold, "best": assistant.min_similarity()}
    env = {"margin": "PONTE_GROUNDING_THRESHOLD", "best": "PONTE_GROUNDING_MIN_SIMILARITY"}
    other = {"margin": "best", "best": "margin"}
    out: dict[str, Any] = {}
    for measure in ("margin", "best"):
        inside = [getattr(s, measure) for s, _ in supports["in"] if getattr(s, other[measure]) >= floors[other[measure]]]
        outside = [getattr(s, measure) for s, _ in supports["out"] if getattr(s, other[measure]) >= floors[other[measure]]]
        values = sorted(inside + outside)
        if not inside or not outside:
            continue
        best_cut = None
        for lo, hi in zip(values, values[1:]):
            cut = (lo + hi) / 2
            errors = sum(v < cut for v in inside) + sum(v >= cut for v in outside)
            key = (errors, -(hi - lo))
            if best_cut is None or key < best_cut[0]:
                best_cut = (key, cut)
        (errors, _), cut = best_cut
        now = sum(v < floors[measure] for v in inside) + sum(v >= floors[measure] for v in outside)
        out[measure] = {"current": floors[measure], "errors_now": now, "suggested": round(cut, 4), "errors": errors}
        lines.append(f"{env[measure]}: now {floors[measure]:.4f} ({now} errors); suggested {cut:.4f} ({errors} errors) "
                     f"over {len(inside)} in-scope and {len(outside)} out-of-scope questions past the {other[measure]} floor")
    return out


def _chunk_pos(assistant, chunk_id: str) -> int:
    snap = assistant.snapshot()
    for i, c in enumerate(snap.chunks):
        if c.id == chunk_id:
            return i
    raise KeyError(chunk_id)


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def _match_eval(assistant, items: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    failures = []
    for item in items:
        key = "company" if "company_id" in item else f"need-{item.get('language', 'en')}"
        req = MatchRequest(company_id=item.get("company_id"), need=item.get("need"), k=10,
                           language=item.get("language"))
        ranked = [m.company_id for m in assistant.match(req).matches]
        expected = set(item["expected"])
        rank = next((i + 1 for i, cid in enumerate(ranked) if cid in expected), None)
        g = groups[key]
        g["cases"] += 1
        g["hit@3"] += bool(rank and rank <= 3)
        g["mrr"] += 1.0 / rank if rank else 0.0
        g["twin_first"] += bool(ranked and ranked[0] in set(item.get("avoid_first", [])))
        if not rank or rank > 3 or (ranked and ranked[0] in set(item.get("avoid_first", []))):
            failures.append(f"{item.get('company_id') or item.get('need')}: expected {sorted(expected)} got {ranked[:3]}")
    table = {}
    for key, g in sorted(groups.items()):
        table[key] = {"cases": int(g["cases"]), "hit@3": round(g["hit@3"] / g["cases"], 4),
                      "mrr": round(g["mrr"] / g["cases"], 4), "twin_or_fellow_first": int(g["twin_first"])}
    n = sum(g["cases"] for g in groups.values())
    overall = {"cases": int(n), "hit@3": round(sum(g["hit@3"] for g in groups.values()) / n, 4),
               "mrr": round(sum(g["mrr"] for g in groups.values()) / n, 4),
               "twin_or_fellow_first": int(sum(g["twin_first"] for g in groups.values()))}
    lines = ["set            cases  hit@3   MRR    twin/fellow first"]
    for key, r in list(table.items()) + [("all", overall)]:
        lines.append(f"{key:<14} {r['cases']:>5}  {r['hit@3']:.3f}  {r['mrr']:.3f}  {r['twin_or_fellow_first']}")
    lines += [f"FAIL {f}" for f in failures]
    return {"kind": "match", "overall": overall, "groups": table, "failures": failures, "report": "\n".join(lines)}
