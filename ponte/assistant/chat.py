"""One chat turn: decide what kind of message it is, whether the knowledge base backs an answer,
and compose the answer (quotes, partner suggestions, or a plain "I don't know").

Every decision that shows something to the user is made here, from measured scores: the
grounding cut comes from the knowledge base's own calibration (see grounding.py), so an
instruction inside a message or a document can only ever select what is quoted, never add to it.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..errors import PonteError, invalid
from ..index.chunking import ABOUT_HEADING
from ..index.lexical import fold, tokenize
from ..index.retriever import Hit, filter_mask
from ..index.snapshot import Snapshot, offtopic_question_vectors
from ..models import ChatRequest, ChatResponse, Citation, Filters, Match
from .answerer import Evidence, clip
from .grounding import Z_CROSS, Support, offer_z, outside_knowledge, unknown_years
from .intent import (addressed_to_the_assistant, another_thing, asks_a_favour, asks_about_a_partner,
                     asks_about_certification, asks_about_firms, asks_for_a_quantity, asks_for_companies, asks_for_contacts,
                     asks_for_a_person, asks_for_its_partners, asks_for_the_directory, asks_how_to_reach, asks_whom_to_turn_to, asks_whether_any, courtesy,
                     earlier_request, introduces_itself, language_asked, names_a_thing, names_nothing_sought, names_only_conditions, narrows_the_list, need_parts,
                     request_and_question, request_object, requests_partners, says_nothing_of_its_own, speaks_of_itself,
                     own_offer, seek_any_partner, seeks_partners, small_talk, states_a_quantity, wants_to_join,
                     without_instructions)
from .language import PHRASES, guess_language, phrase, said_together
from .matcher import Conditions, conditions_named, to_match, wants
from .places import place_filters, without_places
from .vocabulary import label
from .named import companies_listed, companies_named
from .smalltalk import Conversational, SmallTalk, names_known_words

if TYPE_CHECKING:
    from .service import Assistant

EVIDENCE_CHUNKS = 3
PARTNERS_IN_CHAT = 3
LEXICAL_NUDGE = 0.02
# Each distinctive word (a name, a code, a year) that the question shares with a sentence adds this
# to the sentence's decision score, up to three words: off-topic questions share none.
DECISION_NUDGE = 0.01
# A follow-up is read together with the previous question only when the message alone already
# lands near the knowledge base, and near the very sentence the pair reads best: this many standard
# deviations above the off-topic mean, well below the answering cut, so "and which agency supports
# it?" qualifies but "and the weather?" or "how do I bake a carrot cake?" do not.
FOLLOWUP_Z = 1.5
# The best offer of a suggested partner must stand this far above what unrelated messages closest to
# that very offer reach (standard deviations of the pair's null distribution): measured from each
# offer's own hubness, not the mean of all offers, because an offer written in broad terms ("Supply
# vessel chartering") sits near any request ("a wedding photographer"). The unrelated messages are
# the shipped off-topic questions and off-topic partner requests together (`offtopic.json`): a
# request is worded like an offer, and against questions alone "Procuramos um serviço de bufê para
# uma feira" stood 1.6 deviations above a valve maker's offer.
PARTNER_Z = 0.5
# Read as a whole, a partner request put as a question ("Which companies do hot-dip galvanizing?")
# sits near questions about companies in general, and its best offer fell under PARTNER_Z: what it
# seeks is judged too, against OBJECT_Z, when that company's offer also stands STANDING_Z deviations
# above the other companies' best offers.
# Questions alone as the null (PARTNER_Z 1.0, OBJECT_Z 1.5) -> questions and requests (0.5, 0.75):
# eval/match/cases.jsonl, the chat shows the right partner 0.973 -> 0.980 (asked as a question
# 0.932 -> 0.924); no partner for needs that no profile meets: eval/match/no-partner.jsonl
# 24/30 -> 27/30, no-partner-2.jsonl 17/30 -> 20/30, and no-partner-3.jsonl 16/30 -> 18/30, written
# before the bars were chosen (nearer the trade: security guards, canteens, forklift rental). The
# bars were chosen on the first two sets and cases.jsonl, the requests written before any of it ran.
OBJECT_Z = 0.75
# The message as a whole may clear PARTNER_Z on its lead alone ("Procuro fornecedor de …" sits near any
# offer): what it seeks must then stand at least at the unrelated messages' mean for that offer. Chosen
# as that natural floor, not tuned: no-partner.jsonl 27 -> 28/30, no-partner-3.jsonl 19 -> 21/30, the
# chat's right partner unchanged on match.jsonl and match/cases.jsonl (0.5 cost 4 % of the latter).
OBJECT_FLOOR = 0.0
STANDING_Z = 2.5
# A message too short for its language to be told takes the language of the documents that hold its
# words, when this share of their BM25 weight is in one language.
WORDS_LANGUAGE_SHARE = 0.75
# Documents are quoted beside suggested partners only when they back the message this clearly
# (cosine above the cut).
STRONG_EVIDENCE = 0.03


# A reply that shows one company's profile (its first line), not a list of suggested partners.
_PROFILE_REPLY = tuple(PHRASES["profile_intro"].values())

# "A supplier like Valvole Brescia": a company named as an example of what is sought.
_LIKE = re.compile(r"\b(?:like|similar|such as|simil[ei]|come|tipo|como|semelhantes?|parecid[ao]s?|igual)\b")


def _sought_for(snap: Snapshot, message: str, named: list[int] | None = None) -> int | None:
    """The company a partner request seeks partners for ("partners for Forgiati Orobici", "parceiros
    para a Estaleiro Suape", "would suit Valvole Brescia"), as its position; None when it names none,
    several, or one as an example ("a supplier like …") or as what is sought ("Procuro Torres Eólicas")."""
    named = companies_named(snap, message) if named is None else named
    if len(named) != 1 or not requests_partners(message):
        return None
    first = fold(snap.companies[named[0]].name).split()[0]
    found = re.search(rf"\b(?:for|per|para|pra|suit|suits|match|matches)\s+(?:[\w']+\s+)?{re.escape(first)}\b", fold(message))
    return named[0] if found else None


def _as_filters(conditions: Conditions, text: str) -> Filters | None:
    """The sectors, certifications, partnership types and places a request names, as hard filters."""
    where = place_filters(text)
    if where is None and not conditions.sectors and not conditions.certs and not conditions.partnerships:
        return None
    return Filters(country=where.country if where else None, region=where.region if where else None,
                   sector=sorted(conditions.sectors) or None, certification=list(conditions.certs) or None,
                   partnership=sorted(conditions.partnerships) or None)


@dataclass
class Reading:
    """What the knowledge base holds for one message: its closest sentences and how well they back it."""

    text: str
    qvec: np.ndarray
    dense: list[tuple[int, float]]
    support: Support
    z: float  # the best sentence's distance from the off-topic mean, in standard deviations


def _shared(snap: Snapshot, row: int, words: set[str]) -> int:
    """Distinctive words (names, codes, years) a sentence shares with the question, up to three."""
    return min(3, len(snap.rare_terms & snap.seg_tokens[row] & words))


# Sentences of the knowledge base addressed to an assistant ("ignore previous instructions…") back
# nothing and are never quoted. The check (13 µs a sentence) is remembered per sentence text: a
# turn looks at about a hundred sentences, mostly the same ones from one request to the next.
_instruction = lru_cache(maxsize=1 << 16)(addressed_to_the_assistant)


def _not_a_question(message: str) -> bool:
    return small_talk(message) or asks_for_contacts(message) or addressed_to_the_assistant(message)


class ChatService:
    def __init__(self, core: "Assistant"):
        self.core = core
        self.smalltalk = SmallTalk()

    def conversational(self, snap: Snapshot, message: str) -> Conversational | None:
        """Thanks, a greeting, a farewell or an acknowledgement that the word rules of
        `small_talk` do not know ("Obrigado pela ajuda, foi muito útil"), or a follow-up that only
        asks for more ("Conte mais"), told by meaning. A message that asks for firms or contacts,
        or addresses the assistant, is never one, nor one that names something the knowledge base
        holds: a lone word ("Perfis", "Pernambuco") sits as near the short examples as thanks do."""
        if asks_for_companies(message) or requests_partners(message) or asks_for_contacts(message) \
                or addressed_to_the_assistant(message) or names_known_words(message, snap.vocabulary):
            return None
        core = self.core
        return self.smalltalk.classify(core.encoder, lambda: offtopic_question_vectors(core.store, core.encoder.dim),
                                       message, lambda: core._query_vector(message))

    # --- scores -----------------------------------------------------------------------------

    @staticmethod
    def cut(snap: Snapshot, asker: str, evidence: str) -> tuple[float, float, float]:
        """(threshold, mean, sd) for a question in `asker` against a sentence in `evidence`."""
        c = snap.doc_cuts.get((asker, evidence))
        if c is None:
            return 1.0, 1.0, 1.0  # uncalibrated pair (no off-topic set stored): never answer from it
        return c.threshold(asker == evidence), c.mean, c.sd

    def read(self, snap: Snapshot, text: str, asker: str) -> Reading:
        qvec = self.core._query_vector(text)
        dense = [(row, sim) for row, sim in self.core.retriever.dense(snap, qvec, lang=asker)
                 if not _instruction(snap.seg_texts[row])]
        best = Support(float("-inf"), None)
        best_z = float("-inf")
        words = set(tokenize(text, asker))
        calibrated = []
        for row, sim in dense:
            thr, mean, sd = self.cut(snap, asker, str(snap.seg_lang[row]))
            calibrated.append(sim - thr)
            score = sim - thr + DECISION_NUDGE * _shared(snap, row, words)
            if score > best.score:
                best = Support(score, str(snap.seg_lang[row]), row)
            best_z = max(best_z, (sim - mean) / sd)
        # Best first on the calibrated scale, so that a sentence in another language that answers
        # better than same-language ones (which score higher on language alone) leads its chunk
        # into the evidence: "prazo das inscrições" found Portuguese sentences of another document.
        dense = [dense[i] for i in np.argsort(-np.asarray(calibrated), kind="stable")] if dense else dense
        return Reading(text, qvec, dense, best, best_z)

    def request(self, text: str) -> Reading:
        """A partner request read for matching alone: `partners` uses its text and embedding, never
        the documents' sentences, so none are looked up."""
        return Reading(text, self.core._query_vector(text), [], Support(float("-inf"), None), float("-inf"))

    def near(self, snap: Snapshot, reading: Reading, asker: str, row: int | None) -> bool:
        """Whether the message alone points to this sentence (FOLLOWUP_Z above the off-topic mean):
        a follow-up may borrow the previous question's words, not its topic."""
        if row is None:
            return False
        _, mean, sd = self.cut(snap, asker, str(snap.seg_lang[row]))
        return (float(snap.seg_vectors[row] @ reading.qvec) - mean) / sd >= FOLLOWUP_Z

    def relevance(self, snap: Snapshot, words: set[str], asker: str, row: int, sim: float) -> float:
        """Meaning first, on the calibrated scale so sentences in different languages compare;
        distinctive words shared with the question (names, codes, cognates) tip near-ties."""
        return sim - self.cut(snap, asker, str(snap.seg_lang[row]))[0] + LEXICAL_NUDGE * _shared(snap, row, words)

    @staticmethod
    def _asks_for_anyone(snap: Snapshot, message: str, named: list[int]) -> bool:
        """A request for firms that names neither what they should offer, nor a sector, a
        certification or a partnership type, nor what the asker makes, nor a firm (`named`); a
        place may be named."""
        if named or not asks_for_companies(message) or own_offer(message) is not None:
            return False
        if not names_nothing_sought(without_places(message, keep_all=False), goods=False):  # "supply vessel chartering" is sought
            return False
        wants_of = conditions_named(snap, message)
        return wants_of.certified is None and wants_of.in_sector is None and wants_of.open_to is None

    def _asks_nothing(self, snap: Snapshot, message: str) -> bool:
        talk = self.conversational(snap, message)
        return talk is not None and talk.asks_nothing

    def decision_score(self, snap: Snapshot, message: str, asker: str) -> float | None:
        """How far a message read alone stands above its calibrated cut, or None where a rule
        about its words decides instead (not a question, unknown names): what `--calibrate` tunes."""
        if _not_a_question(message) or self._asks_nothing(snap, message):
            return None
        reading = self.read(snap, message, asker)
        if (reading.support.language == asker and outside_knowledge(message, snap.vocabulary)) \
                or unknown_years(message, snap.vocabulary):
            return None
        return reading.support.score

    def grounded(self, snap: Snapshot, reading: Reading, asker: str, strangers: bool) -> bool:
        """The evidence clears its calibrated cut, and the message names nothing unknown (names and
        words are only comparable when the evidence is written in the asker's language; a year the
        knowledge base never names, in any language)."""
        if not reading.support.clears(self.core.settings.grounding_threshold) or \
                unknown_years(reading.text, snap.vocabulary):
            return False
        return not (strangers and reading.support.language == asker)

    # --- evidence ---------------------------------------------------------------------------

    def evidence(self, snap: Snapshot, hits: list[Hit], question: str, asker: str) -> list[Evidence]:
        out = []
        words = set(tokenize(question, asker))
        quantity = asks_for_a_quantity(question)
        for hit in hits:
            c = snap.chunks[hit.pos]
            scored = {row: self.relevance(snap, words, asker, row, sim) for row, sim in hit.segments[:6]
                      if not _instruction(snap.seg_texts[row])}
            # A question that asks for a quantity ("when", "quanto costa", "qual a porcentagem") is
            # answered by a sentence that states one: as much in its favour as a shared word.
            nudged = {row for row in scored if quantity and states_a_quantity(snap.seg_texts[row], c.language)}
            for row in nudged:
                scored[row] += LEXICAL_NUDGE
            if scored:
                # A list right after the best sentence is what that sentence announces ("seven areas
                # were identified. The areas are: 1. … 7. …"): it is quoted with it.
                top = max(scored, key=scored.get)
                nxt = top + 1
                if nxt < len(snap.seg_texts) and snap.seg_chunk[nxt] == hit.pos and "\n" in snap.seg_texts[nxt] \
                        and not _instruction(snap.seg_texts[nxt]):
                    scored[nxt] = scored[top] - 1e-6
            sentences = sorted(((snap.seg_texts[row], rel, row) for row, rel in scored.items()), key=lambda t: -t[1])
            ev = Evidence(c.doc_id, c.title, c.url, hit.dense, [(t, r) for t, r, _ in sentences],
                          without_instructions(c.text), language=c.language,
                          meaning=[r - LEXICAL_NUDGE * (_shared(snap, row, words) + (row in nudged))
                                   for _, r, row in sentences])
            if c.translation and c.work in snap.originals and sentences:
                ev.original = self._original(snap, c.work, [row for _, _, row in sentences])
            out.append(ev)
        # A document's card ("It was published in …") is quoted when it answers best ("who wrote
        # it?"), never beside a better sentence: it sits near many questions about a document.
        best = max((ev.sentences[0][1] for ev in out if ev.sentences), default=0.0)
        return [ev for ev, hit in zip(out, hits) if snap.chunks[hit.pos].heading != ABOUT_HEADING
                or (ev.sentences and ev.sentences[0][1] >= best)]

    @staticmethod
    def _original(snap: Snapshot, work: str, rows: list[int]) -> Evidence:
        """The original document's sentences closest in meaning to each translated one, in the same
        order, so whichever translated sentences are quoted, their originals are cited beside them."""
        originals = snap.originals[work]
        sims = snap.seg_vectors[rows] @ snap.seg_vectors[originals].T
        best = [int(originals[i]) for i in np.argmax(sims, axis=1)]
        c = snap.chunks[int(snap.seg_chunk[best[0]])]
        return Evidence(c.doc_id, c.title, c.url, float(sims[0].max()),
                        [(snap.seg_texts[b], 0.0) for b in best], c.text, language=c.language)

    # --- partners ---------------------------------------------------------------------------

    def partners(self, snap: Snapshot, reading: Reading, asker: str, lang: str, filters: Filters | None = None,
                 whole: bool = True, wants_of: Conditions | None = None) -> list[Match]:
        """The credible partners for what a message asks (`wants_of`: its conditions, when the caller
        has read them already)."""
        # What the message seeks and what the asker says it makes, read once for the ranking and
        # for the credibility tests below.
        need = self.core.read_need(reading.text, reading.qvec)
        found = self.core._match_need(snap, reading.text, PARTNERS_IN_CHAT, filters, lang, read=need)
        # Credible suggestions only: an offer that stands clear of what unrelated questions reach
        # (a company that holds a certification the message names meets a stated condition, which
        # counts as much). The first credible one is shown even when the ranking put a less
        # credible one above it, and the next ones unless they are partial fits. (A rule on the
        # score gap as well cut the right company in 3 of 133 needs of eval/match/cases.jsonl,
        # where it came second or third by a few hundredths.)
        wants_of = wants_of or conditions_named(snap, reading.text)
        named = wants_of.certified
        # A firm that says what it makes ("siamo un'azienda che produce valvole") is met by firms
        # that seek it, judged as offers are; what else it asks for is judged without that account.
        own, _, qvec = need
        if own is None and wants_of.only:
            # "Aziende del settore eolico certificate ISO 9001": the firms that meet every condition
            # are the answer (the matcher ranks them first), and only they.
            return [m for m in found if wants_of.met[snap.company_pos[m.company_id]]]
        asked = self.core._query_vector(own.rest) if own is not None else reading.qvec
        # What the message seeks (`qvec`), read alone, sits closer to every offer than a question
        # does, so it must clear a higher bar, and its company must stand out among all the offers.
        standing = self.core.matcher.standing(snap, snap.center(qvec, asker))
        wanting = self.core.matcher.standing(snap, snap.center(own.vector, asker), "seek") if own is not None else None

        def credible_offer(pos: int) -> bool:
            if own is not None and wants(offer_z(snap, own.vector, asker, pos, local=True, role="seek"), wanting[pos],
                                         beside_a_request=not own.generic):
                return True
            if own is not None and own.generic:
                return False
            sought = offer_z(snap, qvec, asker, pos, local=True)
            return (offer_z(snap, asked, asker, pos, local=True) >= PARTNER_Z and sought >= OBJECT_FLOOR) or \
                (sought >= OBJECT_Z and standing[pos] >= STANDING_Z)

        credible = [m for m in found
                    if (named is not None and named[snap.company_pos[m.company_id]])
                    or credible_offer(snap.company_pos[m.company_id])]
        if not credible and own is not None and own.generic and conditions_named(snap, own.rest).in_sector is not None:
            # "We design automation … Any Brazilian automotive plants we could work with?": where no
            # firm of that sector credibly seeks the product, the firms of that sector (and place)
            # are the answer, each called a partial fit with what it seeks closest to the product.
            return found[:PARTNERS_IN_CHAT]  # the matcher kept only the firms of that sector
        shown = credible[:1] + [m for m in credible[1:] if m.fit != "partial"]
        parts = need_parts(need[1]) if whole and own is None and 0 < len(shown) < PARTNERS_IN_CHAT else []
        if parts:
            # "CNC machining and hot-dip galvanizing": the request as a whole sits between the two, so
            # each thing sought, read alone, adds its first partner where it fits and there is room.
            firsts = [sub[0] for sub in (self.partners(snap, self.request(part), asker, lang, filters, whole=False)
                                         for part in parts) if sub and sub[0].fit != "partial"]
            seen: set[str] = set()
            shown = [m for m in shown + firsts if not (m.company_id in seen or seen.add(m.company_id))][:PARTNERS_IN_CHAT]
        return shown

    # --- the turn ---------------------------------------------------------------------------

    def reply(self, req: ChatRequest) -> ChatResponse:
        core = self.core
        message = req.message.strip()
        if not message:
            raise invalid("message must not be empty")
        if len(message) > core.settings.max_message_chars:
            raise PonteError("too_large", f"message is {len(message)} characters; the limit is "
                             f"{core.settings.max_message_chars} (PONTE_MAX_MESSAGE_CHARS)", 413)
        conversation_id = req.conversation_id or uuid.uuid4().hex
        earlier_lang = core.store.conversation_language(conversation_id) if req.conversation_id else None
        written, sure = guess_language(message, earlier_lang or "en")
        snap = core.snapshot()
        talk = None if small_talk(message) else self.conversational(snap, message)
        if not sure and earlier_lang:
            written = earlier_lang  # "ok", "?" keep the conversation's language
        elif not sure:
            # "Perfeito!" is Portuguese as its closest conversational example is.
            written = talk.language if talk is not None else self._language_of_words(snap, message) or written
        lang = req.language or written

        asked_in = language_asked(message)
        earlier = next((t["text"] for t in reversed(core.store.turns(conversation_id)) if t["role"] == "user"
                        and language_asked(t["text"]) is None), None) if asked_in and req.conversation_id else None
        if earlier is not None:
            # "And in Italian?", "em português, por favor": the previous question, answered again in
            # that language (it quoted sentences about Italian suppliers), which the conversation keeps.
            lang = asked_in
            answer, citations, partners, grounded = self._turn(snap, earlier, guess_language(earlier)[0], lang,
                                                               conversation_id)
        elif asked_in:
            lang = asked_in  # asked first: what Ponte can do, in that language
            answer, citations, partners, grounded = self._help(snap, lang), [], [], False
        else:
            answer, citations, partners, grounded = self._turn(snap, message, written, lang, conversation_id, talk)
        core.store.add_turns(conversation_id, lang, [("user", message), ("assistant", answer)])
        return ChatResponse(conversation_id=conversation_id, answer=answer, language=lang, grounded=grounded,
                            citations=citations, partners=partners)

    def _turn(self, snap: Snapshot, message: str, asker: str, lang: str, conversation_id: str,
              talk: Conversational | None = None):
        if small_talk(message) or (talk is not None and talk.asks_nothing):
            # "thanks", "bye": answered as such, not with a greeting.
            polite = courtesy(message) or (talk.kind if talk is not None and talk.kind == "thanks" else None)
            return (phrase(polite, lang) if polite else self._help(snap, lang)), [], [], False
        if asks_for_contacts(message):
            return phrase("no_contacts", lang), [], [], False
        if asks_for_a_person(message):  # "Can I talk to a human?": who can, and what Ponte does
            return phrase("human", lang), [], [], False
        if addressed_to_the_assistant(message):  # instructions only ever select what is quoted
            return self._help(snap, lang), [], [], False

        if snap.companies and asks_for_the_directory(message):
            return self._directory(snap, message, lang), [], [], False
        if snap.companies and (which := seek_any_partner(message)) is not None:
            # "Which Brazilian companies are looking for Italian partners?": all of them are; the
            # directory's firms there, and how to ask for the ones that seek what the asker offers.
            return self._directory(snap, which, lang), [], [], False
        named = companies_named(snap, message) if snap.companies else []
        if snap.companies and self._asks_for_anyone(snap, message, named):
            # "Cerchiamo partner", "Procuramos parceiros", "companies": nothing is said of what is
            # sought, so the directory answers (how many firms, where, and how to ask), rather than
            # firms picked for the words "Cerchiamo partner".
            return self._directory(snap, message, lang), [], [], False
        if (company := _sought_for(snap, message, named)) is not None:
            # "Which partners would suit Valvole Brescia?": that company's complementary partners.
            return self._partners_of(snap, company, message, lang)
        if named and not requests_partners(message):  # "Tell me about Bulloneria Lariana", "O que a Forgiati Orobici oferece?"
            return self._profiles(snap, named, lang, message)
        if asks_how_to_reach(message):  # "Perfetto, come posso contattarli?": contacts stay private
            return phrase("no_contacts", lang), [], [], False
        both = request_and_question(message) if snap.companies else None
        if both is not None:
            return self._request_and_question(snap, *both, asker, lang)

        turns = self.core.store.turns(conversation_id)
        # "And in Italian?" asked for an answer again: it is no message of its own to read later ones by.
        history = [t["text"] for t in turns if t["role"] == "user" and language_asked(t["text"]) is None]
        replies = {u["text"]: r["text"] for u, r in zip(turns, turns[1:]) if u["role"] == "user" and r["role"] == "assistant"}

        def was_request(text: str) -> bool:
            # A trade typed bare that was answered with firms ("valvole a sfera") was a partner
            # request too: "e in Brasile?" or "quali di queste …?" after it refine it.
            if requests_partners(text):
                return True
            reply = replies.get(text, "")
            return bool(snap.companies) and names_a_thing(text) and not reply.startswith(_PROFILE_REPLY) \
                and bool(companies_listed(snap, reply))

        among = narrows_the_list(message) if history and snap.companies else None
        earlier = next((h for h in reversed(history) if was_request(h)), None) if among is not None else None
        if earlier is not None:
            if asks_about_certification(among) and conditions_named(snap, among).certified is None:
                # "Which of them are certified?": the profiles of those suggested that list any
                # certification, which they show (a certification named narrows the request below).
                held = [pos for pos in self._suggested(snap, turns, listed=True) if snap.companies[pos].certifications]
                return self._profiles(snap, held, lang, among) if held else (phrase("none_certified", lang), [], [], False)
            # "Which of them make valves?", "quais delas ficam em Pernambuco?" after partner suggestions.
            return self._narrowed(snap, earlier, among, asker, lang)
        which, ordinal = asks_about_a_partner(message) if history else (None, False)
        suggested = self._suggested(snap, turns, listed=ordinal) if which is not None else []
        if which is not None and -len(suggested) <= which < len(suggested):
            # "Onde fica a segunda?" after partner suggestions: that partner's profile.
            return self._profiles(snap, [suggested[which]], lang, message)
        if ordinal and suggested:
            # "E a terceira?" where two were suggested: which ones there are, not "no evidence".
            return self._only_suggested(snap, suggested, lang), [], [], False
        if history and asks_for_its_partners(message) and \
                len(shown := self._suggested(snap, turns, listed=False)) == 1:
            # "Quem seria um bom parceiro para ela?" after one company's profile: that company's partners.
            return self._partners_of(snap, shown[0], message, lang)
        earlier = earlier_request(message, history, was_request) if snap.companies else None
        if earlier is not None:
            # "And in Italy?" after a partner request: the same request, in this message's places,
            # which are then all that is asked (a condition, not a preference).
            where = place_filters(message)
            if (company := _sought_for(snap, earlier)) is not None:
                return self._partners_of(snap, company, earlier, lang, where)
            request = without_places(earlier, keep_all=False) if where else earlier
            return self._partner_reply(snap, request, asker, lang, where)
        reading = alone = self.read(snap, message, asker)
        thing = another_thing(message) if history and snap.companies else None
        before = next((h for h in reversed(history) if was_request(h)), None) if thing is not None else None
        if before is not None and self._suggested(snap, turns, listed=True) and \
                not alone.support.clears() and (sought := request_object(before, limit=10_000)) in before:
            # "E de robôs de soldagem?" right after partners were suggested, and nothing the documents
            # hold: the same request for that thing ("Buscamos fornecedor de robôs de soldagem"),
            # where some firm fits; else the message is read as any other ("e os objetivos?").
            reply = self._partner_reply(snap, before.replace(sought, thing, 1), asker, lang)
            if reply[2]:
                return reply
        strangers = outside_knowledge(message, snap.vocabulary)
        # "Tell me more", "Conte mais": nothing of its own to look up, as "how does it work?".
        empty = says_nothing_of_its_own(message) or (talk is not None and talk.kind == "more")
        if history and empty:
            # "And how does it work?": only the previous question says what "it" is.
            reading = self.read(snap, f"{history[-1]} {message}", asker)
        elif history and reading.z >= FOLLOWUP_Z and reading.support.score < STRONG_EVIDENCE and \
                not (reading.support.language == asker and strangers):
            # A follow-up ("which agency supports it?") is read with the previous question, but only
            # when the message alone is near the knowledge base and the pair reads better. A message
            # that its own evidence backs clearly is a new question: read with the previous one, a
            # change of subject lost answers ("after another" on eval/qa.jsonl 0.943 -> 0.966).
            contextual = self.read(snap, f"{history[-1]} {message}", asker)
            if contextual.support.score > reading.support.score and \
                    self.near(snap, reading, asker, contextual.support.row):
                reading = contextual
        if reading is alone and empty:
            # "How does this work?", "what is this?" with no earlier turn that says what "this" is:
            # the nearest sentences would be as empty ("The graph below synthesizes this approach:").
            return self._help(snap, lang), [], [], False
        grounded_docs = self.grounded(snap, reading, asker, strangers)
        if not grounded_docs and asks_whom_to_turn_to(message):
            # "Who should I talk to about …?" that no document answers: contacts are not given out.
            return phrase("no_contacts", lang), [], [], False
        if reading.support.score < STRONG_EVIDENCE and wants_to_join(message):
            # "Posso iscrivere la mia azienda?" quoted the partnership's aims: unless a document says
            # clearly how to join, the reply says that staff add the profiles.
            return phrase("join", lang), [], [], False

        partners: list[Match] = []
        only_conditions = False  # a request of conditions only ("aziende del settore eolico")
        if asks_for_companies(message) and snap.companies and not (grounded_docs and asks_about_firms(message)):
            # (A question about firms that the documents answer, "What is the role of anchor companies?",
            # is not a request for them: "anchor bolts" were suggested instead of the answer.)
            wants_of = conditions_named(snap, message)
            only_conditions = wants_of.only
            partners = self.partners(snap, alone, asker, lang, wants_of=wants_of)  # what this message asks for
            if named and _LIKE.search(fold(message)):
                # "Um fornecedor como a Valvole Brescia": the example is not a suggestion.
                partners = [p for p in partners if snap.company_pos[p.company_id] not in named]
            if not partners and (((not grounded_docs or reading.support.score < STRONG_EVIDENCE or introduces_itself(message))
                                  and requests_partners(message)) or only_conditions):
                # A request for companies that no profile meets is told so, rather than answered
                # with the documents' nearest sentences ("Quali aziende fanno zincatura a caldo?"
                # quoted "Il grafico seguente sintetizza questo approccio:"). A firm that introduces
                # itself asks for partners only, however near the documents its words are ("una
                # piccola officina a Lecco … clienti in Brasile" quoted the partnership's aims), and so
                # does a request of conditions that no company meets.
                return phrase("no_partners", lang), [], [], False
        elif snap.companies and names_a_thing(message) and reading.support.score < STRONG_EVIDENCE:
            # A trade typed bare ("valvole a sfera", "Galvanização a fogo") that the documents hardly
            # speak of is answered by firms ("valvole a sfera" quoted the partnership's aims). It says
            # nothing of intent, so a firm is shown only where its offer fits it strongly, or stands
            # both as far above the unrelated messages nearest to that offer as a document must stand
            # to back a question across languages (Z_CROSS) and as far above the other firms' offers
            # as a request's object must (STANDING_Z): "Ottimo lavoro" sat near "Lavorazioni
            # meccaniche conto terzi", "training" near "Estudos de vento".
            # A trade the asker names as its own need ("Customs clearance for machines we ship to Suape")
            # is a request, and its firms are judged as a request's are.
            partners = self.partners(snap, alone, asker, lang)
            if not speaks_of_itself(message):
                standing = self.core.matcher.standing(snap, snap.center(alone.qvec, asker))
                partners = [m for m in partners if m.fit == "strong" or (
                    offer_z(snap, alone.qvec, asker, pos := snap.company_pos[m.company_id], local=True) >= Z_CROSS
                    and standing[pos] >= STANDING_Z)]

        evidence: list[Evidence] = []
        # A request for partners ("we are looking for…", "can you recommend a partner for…", or any
        # partner question whose documents answer only weakly) is answered with partners, not quotes.
        partners_only = bool(partners) and (seeks_partners(message) or asks_whether_any(message) or asks_a_favour(message)
                                            or reading.support.score < STRONG_EVIDENCE or only_conditions)
        if grounded_docs and not partners_only:
            evidence = self._quotes(snap, reading, message, asker)
        if evidence or partners:
            composed = self.core.answerer.compose(message, lang, evidence, partners)
            if composed.citations:
                answer = composed.answer
                if not partners and snap.companies and requests_partners(message):
                    answer += "\n" + phrase("no_partners", lang)  # the request is told that no profile meets it
                if only_conditions and (meeting := int(wants_of.met.sum())) > len(partners):
                    # "Aziende certificate ISO 9001": how many there are, and how to narrow them.
                    answer += "\n" + phrase("more_meet", lang, n=str(meeting), shown=str(len(partners)))
                return answer, composed.citations, partners, True
        return phrase("not_grounded", lang), [], [], False

    def _partners_of(self, snap: Snapshot, pos: int, message: str, lang: str, filters: Filters | None = None):
        """Partners for a company of the directory that a request names: what it seeks against what
        others offer, and who seeks what it offers, as `ponte match --company` ranks them. A place the
        request names (not one inside the company's name) is a condition."""
        company = snap.companies[pos]
        own_words = set(re.findall(r"[^\W\d_]+", fold(company.name)))
        rest = " ".join(w for w in message.split() if fold(w.strip(",.;:!?")) not in own_words)
        found = self.core.matcher.for_company(snap, company.id, PARTNERS_IN_CHAT, filters or place_filters(rest), lang)
        partners = found[:1] + [m for m in found[1:] if m.fit != "partial"]
        if not partners:
            return phrase("no_partners", lang), [], [], False
        composed = self.core.answerer.compose(message, lang, [], partners)
        return phrase("partners_of", lang, name=company.name) + "\n" + composed.answer, composed.citations, partners, True

    def _narrowed(self, snap: Snapshot, earlier: str, rest: str, asker: str, lang: str):
        """A follow-up that picks among the partners of an earlier request: conditions alone ("which
        of them are certified ISO 9001?") narrow that request; anything else it asks for ("which of
        them make valves?") is sought among the firms that meet the earlier request's conditions."""
        now = conditions_named(snap, rest)
        if (company := _sought_for(snap, earlier)) is not None:
            # "Which partners would suit Valvole Brescia?" … "which of them are in Pernambuco?"
            return self._partners_of(snap, company, earlier, lang, _as_filters(now, rest))
        if now.only or names_only_conditions(without_places(rest, keep_all=False)):
            request, kept = earlier, _as_filters(now, rest)
        else:
            request, kept = rest, _as_filters(conditions_named(snap, earlier), earlier)
        return self._partner_reply(snap, request, asker, lang, kept)

    def _partner_reply(self, snap: Snapshot, request: str, asker: str, lang: str, filters: Filters | None = None):
        """A partner request answered with partners alone, or told that no profile meets it."""
        partners = self.partners(snap, self.request(request), asker, lang, filters)
        if not partners:
            return phrase("no_partners", lang), [], [], False
        composed = self.core.answerer.compose(request, lang, [], partners)
        return composed.answer, composed.citations, partners, True

    @staticmethod
    def _only_suggested(snap: Snapshot, suggested: list[int], lang: str) -> str:
        """"E a terceira?" where fewer were suggested: the ones there are, by name."""
        names = said_together([snap.companies[pos].name for pos in suggested], lang)
        return phrase(f"only_suggested_{min(len(suggested), 2)}", lang, names=names.rstrip("."))

    @staticmethod
    def _directory(snap: Snapshot, message: str, lang: str) -> str:
        """"Which companies are in the database?": how many profiles there are (where the message
        names a place, there), in which countries and sectors, and how to ask for the ones that fit."""
        inside = filter_mask(snap, place_filters(message))
        held = [c for c, kept in zip(snap.companies, inside) if kept]
        by_country = Counter(c.country for c in held)
        sectors = Counter(s for c in held for s in c.sectors)
        return "\n".join([
            phrase("directory", lang, n=str(len(held)),
                   countries=", ".join(phrase("in_country", lang, n=str(n), country=code) for code, n in by_country.most_common()),
                   sectors=", ".join(label(s, lang) for s, _ in sectors.most_common(4)) or "-"),
            f"- {phrase('example_partner', lang)}", f"- {phrase('example_conditions', lang)}"])

    @staticmethod
    def _suggested(snap: Snapshot, turns: list[dict], listed: bool) -> list[int]:
        """The companies the last reply suggested, in its order (their lines start "- Name ("); with
        `listed`, of the last reply that listed partners rather than showed one profile: "the
        second" after a look at the first (or after being told there is no third) is the second of
        that list."""
        profile = _PROFILE_REPLY + tuple(
            t.split("{", 1)[0] for key in ("only_suggested_1", "only_suggested_2") for t in PHRASES[key].values())
        last = next((t["text"] for t in reversed(turns) if t["role"] == "assistant"
                     and not (listed and t["text"].startswith(profile))), "")
        return companies_listed(snap, last)

    @staticmethod
    def _profiles(snap: Snapshot, positions: list[int], lang: str, message: str = ""):
        """The public profile of each company a message names, cited, and shown as its card: what
        it does, offers and seeks, where, and what it holds (never how to reach a person)."""
        lines, citations, cards = [phrase("profile_intro", lang)], [], []
        for n, pos in enumerate(positions, start=1):
            c = snap.companies[pos]
            place = ", ".join(p for p in (c.city, c.region, c.country) if p)
            lines.append(f"- {c.name} ({place}): “{clip(c.description, 300)}” [{n}]")
            details = [(phrase("profile_offers", lang), "; ".join(f"“{o}”" for o in c.offers)),
                       (phrase("profile_seeks", lang), "; ".join(f"“{x}”" for x in c.seeks)),
                       # Asked for and absent, the absence is said ("quali certificazioni ha?").
                       (phrase("profile_certifications", lang), ", ".join(c.certifications) or
                        (phrase("profile_none", lang) if asks_about_certification(message) else "")),
                       (phrase("profile_sectors", lang), ", ".join(label(x, lang) for x in c.sectors))]
            said = [f"{field}: {text}" for field, text in details if text]
            lines.extend(f"  {line} [{n}]" for line in said)
            citations.append(Citation(source_id=c.id, title=c.name, snippet=clip(c.description, 320), score=1.0,
                                      url=c.website))
            cards.append(to_match(c, 1.0, said[:2] or [clip(c.description, 140)], lang=lang))
        return "\n".join(lines), citations, cards, True

    def _quotes(self, snap: Snapshot, reading: Reading, question: str, asker: str) -> list[Evidence]:
        hits = self.core.retriever.documents(snap, reading.text, reading.qvec, EVIDENCE_CHUNKS, asker,
                                             dense=reading.dense)
        return self.evidence(snap, hits, question, asker)

    def _request_and_question(self, snap: Snapshot, request: str, question: str, asker: str, lang: str):
        """A partner request and a documents question in one message: each is answered on its own
        (the partners the request asks for, the quotes that answer the question), in one reply."""
        partners = self.partners(snap, self.request(request), asker, lang)
        reading = self.read(snap, question, asker)
        evidence = self._quotes(snap, reading, question, asker) \
            if self.grounded(snap, reading, asker, outside_knowledge(question, snap.vocabulary)) else []
        composed = self.core.answerer.compose(question, lang, evidence, partners) if evidence or partners else None
        if composed is None or not composed.citations:
            return phrase("not_grounded", lang), [], [], False
        answer = composed.answer
        if not partners:  # the request is told that no profile meets it
            answer += "\n" + phrase("no_partners", lang)
        elif not evidence:  # and the question that the documents do not answer
            answer = phrase("not_grounded", lang) + "\n" + answer
        return answer, composed.citations, partners, True

    @staticmethod
    def _language_of_words(snap: Snapshot, message: str) -> str | None:
        """For a message too short to tell ("calado suape"), the language of the documents its words
        come from, when nearly all of them are in one language (words that every version of a
        document shares, such as names, tell nothing)."""
        if snap.doc_lexical is None or not snap.chunks:
            return None
        lex = snap.doc_lexical.scores(message, None)
        if len(snap.dead_chunks):
            lex = lex.copy()
            lex[snap.dead_chunks] = 0.0
        langs = snap.chunk_languages  # built once per snapshot: a million chunks take 0.1 s
        if langs is None or len(langs) != len(snap.chunks):
            langs = snap.chunk_languages = np.asarray([c.language for c in snap.chunks])
        hit = lex > 0
        mass = {str(lang): float(lex[hit & (langs == lang)].sum()) for lang in np.unique(langs[hit])}
        total = sum(mass.values())
        if not total:
            return None
        best = max(mass, key=mass.get)
        return best if mass[best] >= WORDS_LANGUAGE_SHARE * total else None

    def _help(self, snap: Snapshot, lang: str) -> str:
        """What Ponte can do, with example questions drawn from the knowledge base it holds."""
        titles: dict[str, str] = {}
        dead = set(snap.dead_chunks.tolist())
        for i, c in enumerate(snap.chunks):
            if i in dead:
                continue
            if c.work not in titles or c.language == lang:
                titles[c.work] = c.title
        lines = [phrase("help", lang)]
        lines += [f"- {phrase('example_topic', lang, title=t)}" for t in list(titles.values())[:2]]
        if snap.companies:
            lines.append(f"- {phrase('example_partner', lang)}")
        return "\n".join(lines)

