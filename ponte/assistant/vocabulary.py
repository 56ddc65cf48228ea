"""The profile schema's closed vocabularies in words: sectors and partnership types, their names in
the three languages for reasons and replies, and which of them a message asks for ("empresas do setor
naval", "aziende eoliche", "automotive suppliers", "una joint venture", "transferência de tecnologia").
Read by the matcher and chat alike."""
from __future__ import annotations

import re

from ..index.lexical import fold
from .places import PLACE_STEMS as _PLACE_STEMS

# What each sector and partnership type of `company-profile.schema.json` is called, as shown to an
# asker (the two vocabularies share no value).
_LABELS: dict[str, dict[str, str]] = {
    "naval-offshore": {"en": "naval and offshore", "it": "navale e offshore", "pt": "naval e offshore"},
    "petrochemical": {"en": "petrochemical", "it": "petrolchimico", "pt": "petroquímico"},
    "automotive": {"en": "automotive", "it": "automotive", "pt": "automotivo"},
    "wind": {"en": "wind energy", "it": "eolico", "pt": "eólico"},
    "metal-mechanical": {"en": "metal-mechanical", "it": "metalmeccanico", "pt": "metal-mecânico"},
    "aerospace": {"en": "aerospace", "it": "aerospaziale", "pt": "aeroespacial"},
    "agri-food": {"en": "agri-food", "it": "agroalimentare", "pt": "agroalimentar"},
    "eco-industry": {"en": "eco-industry", "it": "eco-industria", "pt": "ecoindústria"},
    "creative-cultural": {"en": "creative and cultural", "it": "creativo e culturale", "pt": "criativo e cultural"},
    "health": {"en": "health", "it": "salute", "pt": "saúde"},
    "advanced-manufacturing": {"en": "advanced manufacturing", "it": "manifattura avanzata", "pt": "manufatura avançada"},
    "sustainable-mobility": {"en": "sustainable mobility", "it": "mobilità sostenibile", "pt": "mobilidade sustentável"},
    "commercial": {"en": "commercial", "it": "commerciale", "pt": "comercial"},
    "subcontracting": {"en": "subcontracting", "it": "subfornitura", "pt": "subcontratação"},
    "joint-venture": {"en": "joint venture", "it": "joint venture", "pt": "joint venture"},
    "technology-transfer": {"en": "technology transfer", "it": "trasferimento tecnologico", "pt": "transferência de tecnologia"},
    "research": {"en": "research", "it": "ricerca", "pt": "pesquisa"},
    "training": {"en": "training", "it": "formazione", "pt": "formação"},
}

# How a message names each sector, in any of the three languages (accent-folded).
_NAMES: dict[str, str] = {
    "naval-offshore": r"nava(?:l|le|li|is)|offshore|off-shore|shipbuilding|cantieristic[ao]|nautic[ao]",
    "petrochemical": r"petrochemicals?|petrolchimic[aoi]|petrolchimiche|petroquimic[ao]s?|oil (?:and|&) gas|"
                     r"petrolio e gas|petroleo e gas|oleo e gas",
    "automotive": r"automotive|automotiv[ao]s?|automobilistic[aoi]|automobilistiche|automotor[ae]s?",
    "wind": r"wind|eolic[aoi]s?|eoliche",
    "metal-mechanical": r"metal-?mechanical|metalworking|metal-?meccanic[aoi]|metal-?meccaniche|metal-?mecanic[ao]s?",
    "aerospace": r"aero-?spa(?:ce|ziale|ziali)|aeroespaci(?:al|ais)|aeronautic[aoi]|aeronautiche|aviation",
    "agri-food": r"agri-?food|food|agro-?alimentar[ei]?|agroindustri\w*|alimentar[ei]|alimenticia",
    "eco-industry": r"eco-?industr\w*|environmental|ambiental|ambientale|ambientali",
    "creative-cultural": r"creative|creativ[aoi]|criativ[ao]s?|cultural|cultural[ei]|culturais",
    "health": r"health(?:care)?|salute|saude|medical|medicale|medic[ao]s?|biomedic\w*|sanitari[ao]",
    "advanced-manufacturing": r"advanced manufacturing|manifattura avanzata|manufatura avancada|industr(?:y|ia) 4\.?0",
    "sustainable-mobility": r"sustainable mobility|e-?mobility|mobilita sostenibile|mobilidade sustentavel|"
                            r"mobilita elettrica|mobilidade eletrica|electric mobility",
}


def _any_of(names: dict[str, str], edge: str = r"\b") -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every value's names, a named group each, and which value each group is."""
    group = {re.sub(r"[^a-z]", "_", value): value for value in names}
    alternatives = "|".join(f"(?P<{key}>{names[value]})" for key, value in group.items())
    before, after = (edge, edge) if edge == r"\b" else (rf"(?<!{edge})", rf"(?!{edge})")
    return re.compile(rf"{before}(?:{alternatives}){after}"), group


_NAME, _GROUP = _any_of(_NAMES)
# A sector is asked for when its name stands beside a word for a sector ("the wind sector", "setor
# naval", "filiera automotive") or for firms ("automotive suppliers", "aziende eoliche", "empresas
# navais"): "quadri elettrici navali" or "wind turbine gearboxes" name a product, not a sector.
_SECTOR_WORD = (r"sectors?|industry|industries|segments?|supply chains?|chains?|markets?|fields?|"
                r"settor[ei]|compart[oi]|filier[ae]|industri[ae]|mercat[oi]|ambit[oi]|"
                r"setor(?:es)?|segmentos?|ramos?|cadeias?|industrias?|mercados?|areas?|area")
_FIRM_WORD = (r"compan(?:y|ies)|firms?|suppliers?|manufacturers?|players?|operators?|smes?|businesses|"
              r"aziend[ae]|impres[ae]|fornitor[ei]|operator[ei]|pmi|"
              r"empresas?|fornecedor(?:es)?|fabricantes?|industrias?|pmes?")
_NEAR = re.compile(rf"\b(?:{_SECTOR_WORD}|{_FIRM_WORD})\b")
_FIRM = re.compile(_FIRM_WORD)
_SECTOR = re.compile(_SECTOR_WORD)
_LINK = frozenset("of the in do da dos das de del della dello dei delle nel nella no na e and &".split())


def label(value: str, lang: str) -> str:
    """A sector or partnership type in the asker's language ("petrochemical" -> "petrolchimico")."""
    return _LABELS.get(value, {}).get(lang) or value


def sectors_named(text: str) -> set[str]:
    """The schema's sectors that a message asks for (see `_NEAR`), as their ids."""
    folded = fold(text)
    found: set[str] = set()
    for m in _NAME.finditer(folded):
        if _beside_a_sector_word(folded, m.start(), m.end()):
            found.add(_GROUP[m.lastgroup])
    return found


def without_sectors(text: str) -> str:
    """`text` with the sectors it asks for, and the words that name them as sectors, removed: what
    is left says what else is sought ("empresas do setor naval" -> "empresas")."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length: keep the text as it is
        return text
    cuts = []
    for m in _NAME.finditer(folded):
        if _beside_a_sector_word(folded, m.start(), m.end()):
            elided = re.search(r"\w+['’]$", folded[:m.start()])  # "nell'eolico" goes whole
            cuts.append((elided.start() if elided else m.start(), m.end()))
            for w in _NEAR.finditer(folded):  # the sector word itself ("setor"), not the firm word
                if _SECTOR.fullmatch(w.group(0)) and abs(w.start() - m.start()) <= 30:
                    cuts.append((w.start(), w.end()))
    return _cut(text, cuts)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the spans (which may overlap or repeat), spaces tidied."""
    kept, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            kept.append(text[at:start])
        at = max(at, end)
    kept.append(text[at:])
    return re.sub(r"\s+", " ", " ".join(kept)).strip()


# Between firms and the sector they work in ("empresas italianas que trabalham com eólica", "aziende
# lombarde che operano nell'eolico", "companies active in wind"): words of working in or of place.
_WORKING = frozenset("""
that which who are is work works working operate operates operating active with in within
che sono lavora lavorano opera operano attiva attive attivo attivi nell nel nella nello nei negli nelle con
que sao trabalha trabalham atua atuam opera operam ativa ativas ativo ativos com em no na nos nas
""".split())


def _beside_a_sector_word(folded: str, start: int, end: int) -> bool:
    before = re.findall(r"[\w&-]+", folded[:start])[-4:]
    after = re.findall(r"[\w&-]+", folded[end:])[:4]
    for words in (list(reversed(before)), after):
        for w in words[:3]:
            if _NEAR.fullmatch(w):
                return True
            if w not in _LINK:
                break
    return _worked_in(folded, start, end)


def _worked_in(folded: str, start: int, end: int) -> bool:
    """Firms asked for as working in the sector, the sector's name ending the clause: "quais
    empresas trabalham com eólica?" (not "companies that work with wind turbine gearboxes")."""
    if re.match(r"\s*(?:$|[.,;:!?]|(?:in|em|nel|na|no|and|e)\b)", folded[end:]) is None:
        return False
    before = re.findall(r"[\w&-]+", folded[:start])[-6:]
    skipped = 0
    for w in reversed(before):
        if _FIRM.fullmatch(w):
            return skipped > 0  # "aziende eoliche" is read already; a working word stands between
        if w not in _WORKING and not w.startswith(_PLACE_STEMS):
            return False
        skipped += 1
    return False


# --- partnership types ---------------------------------------------------------------------

# How a message asks for each type (accent-folded). Words that also name what a firm offers
# ("training", "formazione") or the act of searching ("ricerca") count only inside a phrase about a
# partnership; "commercial" and "training" only so.
_PARTNERSHIP_NAMES: dict[str, str] = {
    "commercial": r"commercial (?:partners?|partnerships?|agreements?|cooperation)|"
                  r"(?:partner|partnership|accord[oi]|cooperazione|collaborazione) commercial[ei]|"
                  r"(?:parceri[ao]s?|acordos?|cooperacao) comercia(?:l|is)",
    "subcontracting": r"subcontract\w*|sub-contract\w*|subfornitur\w*|conto terzi|terzist[ai]|subcontrata\w*|terceiriza\w*",
    "joint-venture": r"joint[- ]?ventures?",
    "technology-transfer": r"(?:technology|technological|tech) transfer|transfer of (?:technology|know-how)|"
                           r"trasferimento (?:tecnologico|di tecnologia|di know-how)|"
                           r"transferencia (?:de tecnologia|tecnologica|de know-how)",
    "research": r"r ?& ?d|research (?:and development|partners?|partnerships?|projects?|cooperation|collaboration)|"
                r"ricerca e sviluppo|(?:partner|partnership|progett[oi]|collaborazion[ei]) di ricerca|"
                r"p ?& ?d|pesquisa e desenvolvimento|(?:parceri[ao]s?|projetos?|cooperacao) de pesquisa",
    "training": r"training (?:partners?|partnerships?|cooperation)|(?:partner|partnership) (?:di|per la) formazione|"
                r"(?:parceri[ao]s?|cooperacao) (?:de|em|para) (?:formacao|treinamento|capacitacao)",
}
_PARTNERSHIP, _PARTNERSHIP_GROUP = _any_of(_PARTNERSHIP_NAMES, r"[\w&]")  # "R&D" ends with no word boundary
_FIRMS = re.compile(r"terzist[ai]|sub-?contractors?|subcontratad[oa]s?|terceirizad[oa]s?")


def partnerships_named(text: str) -> set[str]:
    """The schema's partnership types that a message asks for, as their ids."""
    return {_PARTNERSHIP_GROUP[m.lastgroup] for m in _PARTNERSHIP.finditer(fold(text)) if not _FIRMS.fullmatch(m.group(0))}


def without_partnerships(text: str) -> str:
    """`text` without the partnership types it names ("una joint venture nel settore navale" ->
    "una nel settore navale")."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    # "terzisti", "subcontractors": the firms asked for, not a type.
    return _cut(text, [m.span() for m in _PARTNERSHIP.finditer(folded) if not _FIRMS.fullmatch(m.group(0))])
