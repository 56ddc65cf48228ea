"""Turn retrieved evidence into an answer whose every sentence carries a citation.

The default answerer is extractive: it quotes the best evidence sentences, numbered, under a
framing line in the asker's language, and needs no model beyond the encoder. An LLM answerer
(any LangChain chat model) can replace it without touching retrieval: both take the same
`Evidence` and return the same `Composed`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ..models import Citation, Match
from .language import phrase


@dataclass
class Evidence:
    """One cited source with the sentences worth quoting from it, best first."""

    source_id: str
    title: str
    url: str | None
    score: float
    sentences: list[tuple[str, float]]  # (sentence, relevance)
    chunk_text: str
    language: str = "en"
    original: "Evidence | None" = None  # for a translation: the original's closest sentence to each of `sentences`
    meaning: list[float] = field(default_factory=list)  # each sentence's relevance without shared words


@dataclass
class Composed:
    answer: str
    citations: list[Citation] = field(default_factory=list)


class Answerer(Protocol):
    def compose(self, question: str, lang: str, evidence: list[Evidence], partners: list[Match]) -> Composed: ...


def clip(text: str, limit: int = 320) -> str:
    """`text` on one line, cut at a word to at most `limit` characters (with "…" when cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _partner_lines(lang: str, partners: list[Match], first_number: int) -> tuple[list[str], list[Citation]]:
    lines, cites = [], []
    for n, m in enumerate(partners, start=first_number):
        reason = m.reasons[0] if m.reasons else ""
        place = ", ".join(p for p in (m.region, m.country) if p)
        lines.append(f"- {m.name} ({place}): {reason} [{n}]")
        cites.append(Citation(source_id=m.company_id, title=m.name, snippet=clip("; ".join(m.reasons)),
                              score=m.score))
    return lines, cites


class ExtractiveAnswerer:
    """Quotes the sentence that answers first, then at most three more that are nearly as relevant
    (0.03 measured on eval/qa*.jsonl and the external dev set: a 0.02 cutoff lost answers, 0.05
    made answers a third longer for two more). Four quotes, not three: when four sentences stand
    within the cutoff the encoder cannot tell them apart, and the fourth held the answer for 2 of
    188 answerable questions of the external sets (SQuAD pt 17 -> 18 of 20, pt over en 17 -> 18),
    for answers 5-11 % longer; none was lost."""

    MAX_SENTENCES = 4
    # Another sentence is quoted only when it is nearly as relevant as the best one,
    RELATIVE_CUTOFF = 0.03
    # or nearly as close in meaning alone: the sentence that restates the question's words gains
    # on the one after it that answers ("Il webinar del 5 dicembre…" / "Le iscrizioni chiudono il
    # 28 novembre"). One shared word's nudge (chat.LEXICAL_NUDGE); measured on the external sets:
    # 4 more answered of 94, none lost, answers 5-20 % longer (0.03: 5 more, up to 30 % longer).
    # A sentence kept for its meaning alone must clear the grounding cut by itself (meaning >= 0):
    # a question that is only a name ("O que é o SEBRAE?") is near nothing in meaning, and two
    # unrelated sentences were quoted beside the one that names it. Answers as before on every set,
    # 3-15 % shorter on external-3 and SQuAD en (the same floor on relevance lost 2 of 12 there).
    MEANING_CUTOFF = 0.02

    def compose(self, question: str, lang: str, evidence: list[Evidence], partners: list[Match]) -> Composed:
        # (relevance, evidence, sentence, meaning): relevance orders; either score keeps a sentence.
        picked: list[tuple[float, int, str, float]] = []
        for ei, ev in enumerate(evidence):
            for si, (sentence, rel) in enumerate(ev.sentences):
                picked.append((rel, ei, sentence, ev.meaning[si] if si < len(ev.meaning) else rel))
        picked.sort(key=lambda t: -t[0])
        # The same sentence in two documents (a newsletter uploaded as a page and as a PDF) is quoted once.
        once: dict[str, tuple[float, int, str, float]] = {}
        for p in picked:
            once.setdefault(" ".join(p[2].lower().split()), p)
        picked = list(once.values())
        if picked:
            top = picked[0][0]
            top_meaning = max(p[3] for p in picked)
            picked = [p for p in picked if p[0] >= top - self.RELATIVE_CUTOFF
                      or p[3] >= max(0.0, top_meaning - self.MEANING_CUTOFF)][: self.MAX_SENTENCES]

        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        lines: list[str] = []
        notes: list[str] = []
        for _, ei, sentence, _ in picked:
            if ei not in numbers:
                ev = evidence[ei]
                quoted = [s for _, e, s, _ in picked if e == ei]
                citations.append(Citation(source_id=ev.source_id, title=ev.title,
                                          snippet=clip(" ".join(quoted) if quoted else ev.chunk_text),
                                          score=round(ev.score, 4), url=ev.url))
                numbers[ei] = len(citations)
                if ev.original is not None:  # a translation is cited beside its original
                    o = ev.original
                    # The original of each quoted sentence (`o.sentences` follows `ev.sentences`).
                    backing = [orig for (t, _), (orig, _) in zip(ev.sentences, o.sentences) if t in quoted]
                    backing = list(dict.fromkeys(backing)) or [o.sentences[0][0] if o.sentences else o.chunk_text]
                    citations.append(Citation(source_id=o.source_id, title=o.title,
                                              snippet=clip(" ".join(backing), 800),
                                              score=round(o.score, 4), url=o.url))
                    notes.append(phrase("translation_of", lang, t=str(numbers[ei]), o=str(len(citations))))
            lines.append(_format_quote(sentence, numbers[ei]))

        parts: list[str] = []
        if lines:
            parts.append(phrase("intro", lang))
            parts.extend(lines)
            parts.extend(notes)
            if lang != "en" and any(evidence[ei].language != lang for ei in numbers):
                parts.append(phrase("quoted_note", lang))
        if partners:
            plines, pcites = _partner_lines(lang, partners, len(citations) + 1)
            # How sure: the best suggestion's fit, in words.
            parts.append(phrase("partners_intro_strong" if partners[0].fit == "strong" else
                                "partners_intro" if partners[0].fit != "partial" else "partners_intro_weak", lang))
            parts.extend(plines)
            citations.extend(pcites)
        return Composed("\n".join(p for p in parts if p), citations)


def _format_quote(sentence: str, number: int) -> str:
    sentence = sentence.strip()
    if "\n" in sentence:  # a list keeps its items on their own lines
        head, *items = sentence.split("\n")
        items = [re.sub(r"[.;]$", "", i.strip()) for i in items]
        return f"“{head}” [{number}]\n" + "\n".join(f"  {i}" for i in items)
    return f"“{sentence}” [{number}]"


class LLMAnswerer:
    """Answers with a LangChain chat model, from the same numbered evidence the extractive one quotes."""

    def __init__(self, chat_model):
        self.chat_model = chat_model

    def compose(self, question: str, lang: str, evidence: list[Evidence], partners: list[Match]) -> Composed:
        from langchain_core.messages import HumanMessage, SystemMessage

        names = {"en": "English", "it": "Italian", "pt": "Portuguese"}
        citations = [Citation(source_id=e.source_id, title=e.title, snippet=clip(e.chunk_text),
                              score=round(e.score, 4), url=e.url) for e in evidence]
        sources = "\n\n".join(f"[{i}] {e.title}\n{e.chunk_text}" for i, e in enumerate(evidence, start=1))
        plines, pcites = _partner_lines(lang, partners, len(citations) + 1)
        if plines:
            sources += "\n\nPartner companies:\n" + "\n".join(plines)
        system = (
            f"Answer in {names.get(lang, 'English')} using only the numbered sources. After every claim put the "
            "number of its source in square brackets, like [1]. If the sources do not answer the question, say "
            "that the knowledge base does not cover it. Never include personal contact data."
        )
        reply = self.chat_model.invoke([SystemMessage(system), HumanMessage(f"Sources:\n{sources}\n\nQuestion: {question}")])
        text = str(getattr(reply, "content", reply)).strip()
        all_cites = citations + pcites
        used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(all_cites)})
        if not used:
            return Composed(phrase("not_grounded", lang), [])
        # Renumber so citations[0] is [1] in the text, keeping only the sources the model cited.
        renumber = {old: new for new, old in enumerate(used, start=1)}
        text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]" if int(m.group(1)) in renumber else "", text)
        return Composed(text, [all_cites[i - 1] for i in used])
