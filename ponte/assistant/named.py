"""Which companies of the directory a message names: "Tell me about Bulloneria Lariana", "O que a
Forgiati Orobici oferece?", "What does Zincatura Bresciana offer?".

A name is often made of what the firm does and where ("Usinagem Pesada do Recife Ltda."), and those
words name a need just as well ("usinagem pesada em Recife"). So a company is named either by its whole
name (legal form aside) or by a word of its name that nothing else in the knowledge base uses: no other
company's name, no offer, need or description, no document, no place ("Orobici", "ValvoFlow").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..index.lexical import STOPWORDS, fold
from ..index.snapshot import Snapshot
from .places import without_places

# Legal forms, written with or without dots ("S.p.A.", "Ltda", "S/A"): not part of what a name says.
_LEGAL = frozenset("spa srl srls sa ltda ltd llc inc gmbh ag plc eireli epp me snc sas scarl coop co".split())
MAX_NAMED = 3
# What comes before the first word of a sentence (or of a quotation): a capital there names nothing.
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s*|[“\"'(]\s*)$")


@dataclass(frozen=True)
class NameIndex:
    names: tuple[str, ...]                 # per company: its folded name words, legal form aside, space-joined
    distinctive: dict[str, int]            # a name word found nowhere else -> that company's position
    positions: dict[str, int]              # a company's name as written -> its position
    prefixes: dict[str, int]               # the first 2-4 name words -> the one company they begin (-1: several)


def _plain(text: str) -> str:
    """Dots and slashes inside a word dropped: "S.p.A." -> "SpA", "S/A" -> "SA"."""
    return re.sub(r"(?<=\w)[./](?=\w)", "", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", fold(_plain(text)))


def _name_words(name: str) -> list[str]:
    return [w for w in _words(name) if w not in _LEGAL]


def name_index(snap: Snapshot) -> NameIndex:
    """Built on first use after the companies changed, kept while they do not (carried by the snapshot)."""
    index = snap.name_index
    if index is not None and index[0] is snap.companies:
        return index[1]
    names = [_name_words(c.name) for c in snap.companies]
    owners: dict[str, set[int]] = {}
    for pos, words in enumerate(names):
        for w in words:
            owners.setdefault(w, set()).add(pos)
    elsewhere: set[str] = set()  # (the documents' words are checked per message: they change apart)
    for c in snap.companies:
        for text in (c.description, *c.offers, *c.seeks):
            elsewhere.update(_words(text))
    distinctive = {w: next(iter(pos)) for w, pos in owners.items()
                   if len(pos) == 1 and len(w) >= 4 and w not in elsewhere and w not in STOPWORDS
                   and without_places(w, keep_all=False)}
    prefixes: dict[str, int] = {}
    for pos, words in enumerate(names):
        for n in range(2, min(len(words), 4) + 1):
            prefix = " ".join(words[:n])
            prefixes[prefix] = pos if prefixes.get(prefix, pos) == pos else -1
    built = NameIndex(tuple(" ".join(ws) for ws in names), distinctive,
                      {c.name: pos for pos, c in enumerate(snap.companies)}, prefixes)
    snap.name_index = (snap.companies, built)
    return built


def companies_named(snap: Snapshot, message: str) -> list[int]:
    """Positions of the companies the message names, in the order it names them (at most MAX_NAMED)."""
    if not snap.companies:
        return []
    index = name_index(snap)
    words = _words(message)
    text = f" {' '.join(words)} "
    found: dict[int, int] = {}  # company position -> where the message names it
    # A distinctive word counts when written as a name is, with a capital inside a sentence: many
    # are words too ("guarnizioni", "energia"), and "cerco guarnizioni per pompe" names no firm.
    plain = _plain(message)
    for m in re.finditer(r"[^\W\d_]+", plain):
        w = fold(m.group(0))
        pos = index.distinctive.get(w)
        if pos is None or w in snap.doc_words or not m.group(0)[0].isupper() or _SENTENCE_START.search(plain[:m.start()]):
            continue
        found.setdefault(pos, text.index(f" {w} "))
    for pos, name in enumerate(index.names):
        if name and len(name) >= 6 and f" {name} " in text:
            found.setdefault(pos, text.index(f" {name} "))
    # The first words of a name, two or more, each written with a capital ("Valvole Brescia" for
    # Valvole Brescia Industriale S.p.A.), when they begin no other company's name.
    for m in re.finditer(r"[^\W\d_]+(?:\s+[^\W\d_]+)+", plain):
        words = m.group(0).split()
        for i in range(len(words) - 1):
            for j in range(min(len(words), i + 4), i + 1, -1):
                if not all(w[0].isupper() for w in words[i:j]):
                    continue
                prefix = " ".join(fold(w) for w in words[i:j])
                owner = index.prefixes.get(prefix, -1)
                if owner >= 0 and f" {prefix} " in text:
                    found.setdefault(owner, text.index(f" {prefix} "))
                    break
    return [pos for pos, _ in sorted(found.items(), key=lambda t: t[1])][:MAX_NAMED]


def companies_listed(snap: Snapshot, reply: str) -> list[int]:
    """Positions of the companies a reply lists, in its order: each on a line "- Name (place): …"."""
    if not snap.companies:
        return []
    positions = name_index(snap).positions
    listed = []
    for line in re.findall(r"^- (.+)$", reply, re.M):
        # A name may hold a parenthesis of its own ("Arranjo … (exemplo) (Pernambuco, BR)").
        name = next((line[:m.start()] for m in re.finditer(r" \(", line) if line[:m.start()] in positions), None)
        if name is not None:
            listed.append(positions[name])
    return listed
