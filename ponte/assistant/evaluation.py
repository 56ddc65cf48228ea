"""`ponte eval`: score a question set or a matching set against the live knowledge base.

QA lines: {"question", "language", "facts": [...]} (every fact must appear in the answer),
optionally "evidence" (text a top-k chunk must hold; default the first fact), "conversation"
(earlier questions, asked first), "partners" (ids, one must be suggested), or
"out_of_scope": true (the answer must decline).
Matching lines: {"company_id" | "need", "expected": [...], "avoid_first": [...], "offer": [...],
"kind": "...", "exhaustive": bool}: `offer` lists texts the first reason of a correct first suggestion
should quote; with `exhaustive`, `expected` holds every right company, so any other one the chat
suggests is wrong (requests of conditions only: "aziende del settore eolico", kind "conditions");
a `profiles.jsonl` beside the set is ingested into a temporary knowledge base and scored alone.
External (SQuAD-style) lines: {"question", "lang", "answers": [gold spans], "kind": "answerable" |
"unanswerable" | "near", "gold_file": "en/doc.md"}: the folder named by the gold files (relative to
the set's own folder, or `--documents DIR`) is ingested into a temporary data home, so the user's
knowledge base is never touched; see `_external_eval`.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import PonteError
from ..index.lexical import fold
from ..models import ChatRequest, MatchRequest, SearchRequest

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


def run_eval(assistant, path: Path, calibrate: bool = False, documents: Path | None = None) -> dict[str, Any]:
    items = _load(path)
    if all("company_id" in i or "need" in i for i in items):
        # A matching set with its own profiles beside it is scored on them alone.
        profiles = path.parent / "profiles.jsonl"
        return _match_eval(assistant, items, profiles if profiles.exists() else None)
    if all("kind" in i and "answers" in i for i in items):
        return _external_eval(assistant, {path: items}, documents, calibrate)
    return _qa_eval(assistant, items, calibrate)


def run_evals(assistant, paths: list[Path], calibrate: bool = False, documents: Path | None = None) -> dict[str, Any]:
    """Several files: external sets are scored together (one table, knowledge bases built once)."""
    if len(paths) == 1:
        return run_eval(assistant, paths[0], calibrate, documents)
    loaded = {p: _load(p) for p in paths}
    if all(all("kind" in i and "answers" in i for i in items) for items in loaded.values()):
        return _external_eval(assistant, loaded, documents, calibrate)
    results = [run_eval(assistant, p, calibrate, documents) for p in paths]
    return {"kind": "several", "results": results,
            "report": "\n\n".join(f"$ {p}\n{r['report']}" for p, r in zip(paths, results))}


def _pct(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _qa_eval(assistant, items: list[dict[str, Any]], calibrate: bool) -> dict[str, Any]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    supports: dict[str, list[tuple[Any, str]]] = {"in": [], "out": []}
    previous: dict[str, str] = {}  # the last plain in-scope question of each language
    for item in items:
        lang = item.get("language", "en")
        s = stats[lang]
        after = None
        if not item.get("conversation") and "partners" not in item and lang in previous:
            # The same question asked right after another one, in one conversation: a change of
            # subject must neither lose the answer nor ground an out-of-scope question.
            first = assistant.chat(ChatRequest(message=previous[lang])).conversation_id
            after = assistant.chat(ChatRequest(message=item["question"], conversation_id=first))
        conversation_id = None
        for earlier in item.get("conversation", []):
            conversation_id = assistant.chat(ChatRequest(message=earlier, conversation_id=conversation_id)).conversation_id
        resp = assistant.chat(ChatRequest(message=item["question"], conversation_id=conversation_id))
        if calibrate and not item.get("conversation") and "partners" not in item:
            score = _decision_score(assistant, item["question"])
            if score is not None:
                supports["out" if item.get("out_of_scope") else "in"].append((score, item["question"]))
        if item.get("out_of_scope"):
            s["oos"] += 1
            ok = not resp.grounded and not resp.citations
            s["refused"] += ok
            if not ok:
                failures.append(f"[{lang}] answered an out-of-scope question: {item['question']}")
            if after is not None:
                s["after_oos"] += 1
                s["after_refused"] += not after.grounded and not after.citations
                if after.grounded or after.citations:
                    failures.append(f"[{lang}] answered an out-of-scope question after “{previous[lang]}”: {item['question']}")
            continue
        s["in_scope"] += 1
        if "partners" in item:
            got = [m.company_id for m in resp.partners]
            ok = resp.grounded and any(p in got for p in item["partners"])
            if not ok:
                failures.append(f"[{lang}] partners {got} miss {item['partners']}: {item['question']}")
        else:
            answer = _shown(resp)
            missing = [f for f in item["facts"] if fold(f) not in answer]
            ok = resp.grounded and not missing
            if not ok:
                failures.append(f"[{lang}] missing {missing or 'grounding'}: {item['question']}")
            if after is not None:
                after_ok = after.grounded and all(fold(f) in _shown(after) for f in item["facts"])
                s["after_n"] += 1
                s["after_ok"] += after_ok
                if ok and not after_ok:
                    failures.append(f"[{lang}] lost after “{previous[lang]}”: {item['question']}")
            if not item.get("conversation"):
                previous[lang] = item["question"]
                evidence = fold(item.get("evidence") or item["facts"][0])
                results = assistant.search(SearchRequest(query=item["question"], k=max(HIT_KS), kind="document")).results
                texts = [_with_original(assistant.snapshot(), _chunk_pos(assistant, r.id)) for r in results]
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
            "answer_after_another": _pct(s["after_ok"], s["after_n"]),
            "refusal_after_another": _pct(s["after_refused"], s["after_oos"]),
            "questions": s["in_scope"], "out_of_scope": s["oos"],
        }
    total = {key: sum(s[key] for s in stats.values()) for key in (
        "correct", "in_scope", "refused", "oos", "retrieval", "hit@1", "hit@3", "hit@5",
        "after_ok", "after_n", "after_refused", "after_oos")}
    overall = {
        "answer_accuracy": _pct(total["correct"], total["in_scope"]),
        "refusal_accuracy": _pct(total["refused"], total["oos"]),
        **{f"hit@{k}": _pct(total[f"hit@{k}"], total["retrieval"]) for k in HIT_KS},
        "answer_after_another": _pct(total["after_ok"], total["after_n"]),
        "refusal_after_another": _pct(total["after_refused"], total["after_oos"]),
        "questions": total["in_scope"], "out_of_scope": total["oos"],
    }
    lines = ["language  answer  refusal  hit@1  hit@3  hit@5   after another: answer  refusal   (questions / out-of-scope)"]
    for lang, r in list(per_language.items()) + [("all", overall)]:
        lines.append(f"{lang:<8} {_fmt(r['answer_accuracy'])}  {_fmt(r['refusal_accuracy'])}  {_fmt(r['hit@1'])} "
                     f"{_fmt(r['hit@3'])} {_fmt(r['hit@5'])}                  {_fmt(r['answer_after_another'])}  "
                     f"{_fmt(r['refusal_after_another'])}   ({r['questions']} / {r['out_of_scope']})")
    lines += [f"FAIL {f}" for f in failures]
    result: dict[str, Any] = {"kind": "qa", "overall": overall, "per_language": per_language, "failures": failures}
    if calibrate:
        result["calibration"] = _calibration(assistant, supports, lines)
    result["report"] = "\n".join(lines)
    return result


def _shown(resp) -> str:
    """What a reply shows, folded: the answer and its citations (a quote from a translation is
    cited beside the original's sentence, so English facts count there too)."""
    return fold(" ".join([resp.answer] + [c.snippet for c in resp.citations]))


def _decision_score(assistant, question: str) -> float | None:
    from .chat import ChatService
    from .language import detect_language

    return ChatService(assistant).decision_score(assistant.snapshot(), question, detect_language(question))


def _calibration(assistant, supports: dict[str, list[tuple[float, str]]], lines: list[str]) -> dict[str, Any]:
    """Suggest PONTE_GROUNDING_THRESHOLD: the shift of the calibrated cut with the fewest errors
    (in-scope questions refused plus out-of-scope ones answered), mid-way in the widest such gap."""
    now = assistant.settings.grounding_threshold
    inside = [v for v, _ in supports["in"]]
    outside = [v for v, _ in supports["out"]]
    if not inside or not outside:
        return {}
    values = sorted(inside + outside)
    best_cut = None
    for lo, hi in zip(values, values[1:]):
        cut = (lo + hi) / 2
        errors = sum(v < cut for v in inside) + sum(v >= cut for v in outside)
        key = (errors, abs(cut - now), -(hi - lo))
        if best_cut is None or key < best_cut[0]:
            best_cut = (key, cut)
    (errors, _, _), cut = best_cut
    errors_now = sum(v < now for v in inside) + sum(v >= now for v in outside)
    lines.append(f"PONTE_GROUNDING_THRESHOLD: now {now:+.4f} ({errors_now} errors); suggested {cut:+.4f} "
                 f"({errors} errors) over {len(inside)} in-scope and {len(outside)} out-of-scope questions "
                 "that the word checks leave to the cut")
    return {"current": now, "errors_now": errors_now, "suggested": round(cut, 4), "errors": errors}


def _norm(text: str) -> str:
    """SQuAD-style normalisation: lower case, accents folded, punctuation dropped, spaces squeezed."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def _scratch(assistant, home: Path, scratch: list[str]):
    """A new, empty Assistant for a temporary knowledge base: its own data home and, on
    PostgreSQL, its own schema (noted in `scratch` for `_drop_scratch`)."""
    from .service import Assistant

    update: dict[str, Any] = {"home": home, "progress": False}
    if assistant.settings.database_url:
        from ..index.postgres import scratch_schema

        update["database_url"] = scratch_schema(assistant.settings.database_url)
        scratch.append(update["database_url"])
    return Assistant(assistant.settings.model_copy(update=update), answerer=assistant.answerer)


def _drop_scratch(scratch: list[str]) -> None:
    if scratch:
        from ..index.postgres import drop_scratch_schema

        for url in scratch:
            drop_scratch_schema(url)


def _external_eval(assistant, sets: dict[Path, list[dict[str, Any]]], documents: Path | None,
                   calibrate: bool) -> dict[str, Any]:
    """Score SQuAD-style sets on their own knowledge bases, built in temporary data homes.

    answered: an answerable question gets a grounded, cited answer containing a gold span;
    declined: an unanswerable (off-topic) or near-domain question gets grounded=false and no
    citations. The naive baseline answers every question with its single nearest sentence.
    """
    from ..models import ChatRequest as _Chat

    homes: dict[Path, Any] = {}
    scratch: list[str] = []  # on PostgreSQL: one throw-away schema per knowledge base
    tmp = Path(tempfile.mkdtemp(prefix="ponte-eval-"))
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    supports: dict[str, list[tuple[float, str]]] = {"in": [], "out": []}
    try:
        for path, items in sets.items():
            folder = documents or _documents_folder(path, items)
            if folder not in homes:
                kb = _scratch(assistant, tmp / f"kb{len(homes)}", scratch)
                report = kb.ingest([folder])
                if not report.documents:
                    raise PonteError("invalid_eval", f"no documents could be ingested from {folder}")
                homes[folder] = kb
            kb = homes[folder]
            snap = kb.snapshot()
            for item in items:
                key = (path.stem, item.get("lang") or item.get("language") or "en")
                r = rows[key]
                kind = item["kind"]
                resp = kb.chat(_Chat(message=item["question"]))
                gold = [_norm(a) for a in item.get("answers", []) if _norm(a)]
                if kind == "answerable":
                    r["answerable"] += 1
                    ok = resp.grounded and bool(resp.citations) and any(g in _norm(resp.answer) for g in gold)
                    r["answered"] += ok
                    r["chars"] += len(resp.answer)
                    qvec = kb._query_vector(item["question"])
                    nearest = kb.retriever.dense(snap, qvec, pool=1)
                    r["baseline"] += bool(nearest) and any(g in _norm(snap.seg_texts[nearest[0][0]]) for g in gold)
                    if not ok:
                        failures.append(f"[{key[0]}/{key[1]}] not answered ({'declined' if not resp.grounded else 'gold span not quoted'}): {item['question']}")
                else:
                    bucket = "near" if kind == "near" else "offtopic"
                    r[bucket] += 1
                    ok = not resp.grounded and not resp.citations
                    r[f"{bucket}_declined"] += ok
                    if not ok:
                        failures.append(f"[{key[0]}/{key[1]}] answered a{' near-domain' if kind == 'near' else 'n off-topic'} question: {item['question']}")
                if calibrate and kind in ("answerable", "unanswerable"):
                    score = _decision_score(kb, item["question"])
                    if score is not None:
                        supports["in" if kind == "answerable" else "out"].append((score, item["question"]))
    finally:
        for kb in homes.values():
            kb.store.close()
        shutil.rmtree(tmp, ignore_errors=True)
        _drop_scratch(scratch)

    table = {}
    lines = ["set                      lang  answered        baseline        off-topic declined  near declined  answer chars"]
    for (name, lang), r in sorted(rows.items()):
        entry = {
            "answered": _pct(r["answered"], r["answerable"]), "baseline_answered": _pct(r["baseline"], r["answerable"]),
            "offtopic_declined": _pct(r["offtopic_declined"], r["offtopic"]),
            "near_declined": _pct(r["near_declined"], r["near"]),
            "answerable": r["answerable"], "offtopic": r["offtopic"], "near": r["near"],
            "mean_answer_chars": round(r["chars"] / r["answerable"]) if r["answerable"] else None,
        }
        table[f"{name}/{lang}"] = entry
        lines.append(f"{name:<24} {lang:<4}  {_frac(r['answered'], r['answerable'])}  {_frac(r['baseline'], r['answerable'])}  "
                     f"{_frac(r['offtopic_declined'], r['offtopic'])}      {_frac(r['near_declined'], r['near'])}  "
                     f"{entry['mean_answer_chars'] or '-'}")
    lines += [f"FAIL {f}" for f in failures]
    result: dict[str, Any] = {"kind": "external", "sets": table, "failures": failures}
    if calibrate:
        result["calibration"] = _calibration(assistant, supports, lines)
    result["report"] = "\n".join(lines)
    return result


def _frac(num: int, den: int) -> str:
    return f"{num:>2}/{den:<2} ({num / den:5.3f})" if den else "   -           "


def _documents_folder(path: Path, items: list[dict[str, Any]]) -> Path:
    """The knowledge base of a set: the folder its gold files live in, relative to the set's file."""
    folders = {Path(i["gold_file"]).parent for i in items if i.get("gold_file")}
    if len(folders) != 1:
        raise PonteError("invalid_eval", f"{path}: cannot tell the documents folder from gold_file "
                         f"({len(folders)} folders); pass --documents DIR")
    folder = (path.parent / folders.pop()).resolve()
    if not folder.is_dir():
        raise PonteError("invalid_eval", f"{path}: documents folder {folder} does not exist; pass --documents DIR")
    return folder


def _with_original(snap, pos: int) -> str:
    """A chunk's folded text; for a chunk of a translation, also its original's chunk at the same
    place (the shipped translations keep the original's paragraphs), where English facts are found."""
    c = snap.chunks[pos]
    texts = [c.text]
    if c.translation:
        ord_ = c.id.rsplit("#", 1)[-1]
        texts += [o.text for o in snap.chunks if o.work == c.work and not o.translation and o.id.endswith(f"#{ord_}")]
    return fold(" ".join(texts))


def _chunk_pos(assistant, chunk_id: str) -> int:
    snap = assistant.snapshot()
    for i, c in enumerate(snap.chunks):
        if c.id == chunk_id:
            return i
    raise KeyError(chunk_id)


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


_REQUEST_LEADS = {"en": "We are looking for a company for", "it": "Cerchiamo un'azienda per",
                  "pt": "Procuramos uma empresa para"}


_QUESTION_LEADS = {"en": "Which companies offer", "it": "Quali aziende offrono", "pt": "Quais empresas oferecem"}


def _as_question(need: str, lang: str) -> str | None:
    """The same need asked as a question about companies ("Quali aziende offrono …?"); None for
    a need already written as a request."""
    from .intent import asks_for_companies

    if asks_for_companies(need) or len(need.split()) > 8 or re.match(r"(?i)(who|chi|quem)\b", need):
        return None  # already a request, or a sentence of its own rather than the name of a service
    return f"{_QUESTION_LEADS.get(lang, _QUESTION_LEADS['en'])} {need[:1].lower()}{need[1:].rstrip('.?! ')}?"


def _as_request(need: str, lang: str) -> str:
    """A need as a chat message asks for partners: one written as a bare service ("five-axis
    milling of large parts") gets a lead in its language, as a user of the chat would write it."""
    from .intent import asks_for_companies

    if asks_for_companies(need):
        return need
    return f"{_REQUEST_LEADS.get(lang, _REQUEST_LEADS['en'])} {need[:1].lower()}{need[1:]}"


def _offer_quoted(reason: str) -> str:
    """The offer a reason names: its first quotation (the request it answers is quoted after it)."""
    m = re.search(r"“([^”]*)”", reason)
    return m.group(1) if m else reason


def _match_eval(assistant, items: list[dict[str, Any]], profiles: Path | None = None) -> dict[str, Any]:
    """hit@3 and MRR of the expected partners; how often a company named in `avoid_first` (a fellow
    seeker, a twin, the maker of the asker's own product) comes first; and whether the first
    reason of the top suggestion names one of the expected `offer`s (reason relevance). With
    `profiles`, the cases are scored on those profiles alone, in a temporary knowledge base."""
    scratch: list[str] = []
    tmp = None
    if profiles is not None:
        tmp = Path(tempfile.mkdtemp(prefix="ponte-eval-match-"))
        scored = _scratch(assistant, tmp / "kb", scratch)
        report = scored.ingest([profiles])
        if not report.companies or report.rejected:
            raise PonteError("invalid_eval", f"{profiles}: {report.companies} profiles ingested, {report.rejected} rejected")
    else:
        scored = assistant
    groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    kinds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    failures = []
    unmet: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # per language: [declined, asked]
    only_right = [0, 0]  # exhaustive cases: [the chat suggests no company outside `expected`, cases]
    try:
        for item in items:
            if "need" in item and not item["expected"]:
                # No profile meets this need ("Which companies make smartphones?"): the chat must
                # suggest no partner at all.
                shown = [p.company_id for p in scored.chat(ChatRequest(message=item["need"])).partners]
                unmet[item.get("language") or "en"][0] += not shown
                unmet[item.get("language") or "en"][1] += 1
                if shown:
                    failures.append(f"{item['need']}: no profile meets it, but the chat suggests {shown}")
                continue
            key = "company" if "company_id" in item else f"need-{item.get('language', 'en')}"
            req = MatchRequest(company_id=item.get("company_id"), need=item.get("need"), k=10,
                               language=item.get("language"))
            matches = scored.match(req).matches
            ranked = [m.company_id for m in matches]
            expected = set(item["expected"])
            rank = next((i + 1 for i, cid in enumerate(ranked) if cid in expected), None)
            avoided = bool(ranked and ranked[0] in set(item.get("avoid_first", [])))
            offers = [_norm(o) for o in item.get("offer", [])]
            reason_ok = bool(rank == 1 and offers and matches[0].reasons
                             and any(o in _norm(_offer_quoted(matches[0].reasons[0])) for o in offers))
            chat_ok = asked_ok = None
            if "need" in item:
                # The same need as a chat message: the right partner must be among those suggested.
                # A firm that introduces itself writes its own message: it is sent as it is.
                # So does a trade typed bare ("zincatura a caldo", kind "keyword").
                self_told = str(item.get("kind")).startswith("self") or item.get("kind") in ("conditions", "keyword")
                reply = scored.chat(ChatRequest(message=item["need"] if self_told else
                                                _as_request(item["need"], item.get("language") or "en")))
                chat_ok = any(p.company_id in expected for p in reply.partners)
                chat_shown = len(reply.partners)
                chat_avoided = bool(reply.partners) and reply.partners[0].company_id in set(item.get("avoid_first", []))
                if item.get("exhaustive"):
                    wrong = [p.company_id for p in reply.partners if p.company_id not in expected]
                    only_right[0] += not wrong
                    only_right[1] += 1
                    if wrong:
                        failures.append(f"{item['need']}: the chat also suggests {wrong}, which do not meet it")
                # Vague needs describe a problem, and self-descriptions a firm: neither names a service
                # to ask "which companies offer …?" about.
                question = None if item.get("kind") == "vague" or self_told \
                    else _as_question(item["need"], item.get("language") or "en")
                asked_ok = None
                if question is not None:
                    asked = scored.chat(ChatRequest(message=question)).partners
                    asked_ok = any(p.company_id in expected for p in asked)
            for g in (groups[key], kinds[item.get("kind", "-")]):
                g["cases"] += 1
                if chat_ok is not None:
                    g["chatted"] += 1
                    g["chat_ok"] += chat_ok
                    g["chat_shown"] += chat_shown
                    g["chat_avoided"] += chat_avoided
                if chat_ok is not None and asked_ok is not None:
                    g["asked"] += 1
                    g["asked_ok"] += asked_ok
                g["hit@1"] += rank == 1
                g["hit@3"] += bool(rank and rank <= 3)
                g["mrr"] += 1.0 / rank if rank else 0.0
                g["twin_first"] += avoided
                g["reasoned"] += bool(offers)
                g["reason_ok"] += reason_ok
            if not rank or rank > 3 or avoided:
                failures.append(f"{item.get('company_id') or item.get('need')}: expected {sorted(expected)} got {ranked[:3]}")
            elif offers and rank == 1 and not reason_ok:
                failures.append(f"{item.get('company_id') or item.get('need')}: reason names none of {item['offer']}: "
                                f"{matches[0].reasons[0] if matches[0].reasons else '(none)'}")
            if chat_ok is not None and chat_avoided:
                failures.append(f"{item['need']}: the chat suggests a company to avoid first: "
                                f"{[p.company_id for p in reply.partners]}")
            if chat_ok is False:
                failures.append(f"{item['need']}: the chat suggests {[p.company_id for p in reply.partners]}, "
                                f"not {sorted(expected)}")
            if chat_ok is not None and asked_ok is False:
                failures.append(f"{question}: asked as a question, the chat suggests {[p.company_id for p in asked]}, "
                                f"not {sorted(expected)}")
    finally:
        if tmp is not None:
            scored.store.close()
            shutil.rmtree(tmp, ignore_errors=True)
        _drop_scratch(scratch)

    def figures(g) -> dict[str, Any]:
        return {"cases": int(g["cases"]), "hit@1": round(g["hit@1"] / g["cases"], 4),
                "hit@3": round(g["hit@3"] / g["cases"], 4), "mrr": round(g["mrr"] / g["cases"], 4),
                "twin_or_fellow_first": int(g["twin_first"]),
                "reason_relevant": round(g["reason_ok"] / g["reasoned"], 4) if g["reasoned"] else None,
                "chat_suggests_right_partner": round(g["chat_ok"] / g["chatted"], 4) if g["chatted"] else None,
                "chat_partners_shown": round(g["chat_shown"] / g["chatted"], 2) if g["chatted"] else None,
                "chat_avoided_first": int(g["chat_avoided"]),
                "chat_question_suggests_right_partner": round(g["asked_ok"] / g["asked"], 4) if g["asked"] else None}

    declined = {lang: round(d / n, 4) for lang, (d, n) in sorted(unmet.items())}
    table = {key: figures(g) for key, g in sorted(groups.items())}
    by_kind = {key: figures(g) for key, g in sorted(kinds.items())}
    total: dict[str, float] = defaultdict(float)
    for g in groups.values():
        for name, value in g.items():
            total[name] += value
    overall = figures(total) if total["cases"] else {}
    lines = ["set                   cases  hit@1  hit@3   MRR    avoided first  reason names offer  chat shows it"
             "  chat shown  chat avoided first  as a question"] if overall else []
    for key, r in (list(table.items()) + [("all", overall)] + [(f"  kind {k}", v) for k, v in by_kind.items()]
                   if overall else []):
        chatted = r["chat_partners_shown"] is not None
        lines.append(f"{key:<21} {r['cases']:>5}  {r['hit@1']:.3f}  {r['hit@3']:.3f}  {r['mrr']:.3f}  "
                     f"{r['twin_or_fellow_first']:>13}  {_fmt(r['reason_relevant']):>18}  "
                     f"{_fmt(r['chat_suggests_right_partner']):>13}  "
                     f"{r['chat_partners_shown'] if chatted else '-':>10}  {r['chat_avoided_first'] if chatted else '-':>18}  "
                     f"{_fmt(r['chat_question_suggests_right_partner']):>13}")
    if unmet:
        total_d, total_n = (sum(v[i] for v in unmet.values()) for i in (0, 1))
        lines.append(f"needs that no profile meets: the chat suggests no partner for {total_d}/{total_n} ("
                     + ", ".join(f"{lang} {d}/{n}" for lang, (d, n) in sorted(unmet.items())) + ")")
    if only_right[1]:
        lines.append(f"every company the chat suggests meets the request: {only_right[0]}/{only_right[1]}")
    lines += [f"FAIL {f}" for f in failures]
    return {"kind": "match", "chat_only_right": only_right[0] / only_right[1] if only_right[1] else None, "overall": overall, "groups": table, "kinds": by_kind, "failures": failures,
            "no_partner_declined": declined,
            "report": "\n".join(lines)}
