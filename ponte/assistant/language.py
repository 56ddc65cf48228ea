"""Which of Ponte's three languages a message is in, and the fixed phrases it answers with."""
from __future__ import annotations

import re
import threading

LANGUAGES = ("en", "it", "pt")
_identifier = None
_lock = threading.Lock()

# Short questions fool statistical identifiers; these function words settle most of them.
_MARKERS = {
    "pt": {"qual", "quais", "você", "voce", "não", "nao", "uma", "são", "sao", "como", "para", "fornecedor",
           "empresa", "empresas", "procuro", "preciso", "quem", "onde", "projeto", "agência", "agencia", "é",
           "do", "da", "dos", "das", "em", "os", "ao", "pelo", "pela", "também", "brasileira", "brasileiro",
           "fabricante", "parceiro", "parceiros", "quero", "nós", "isso", "ela", "ele", "foi", "que", "um", "com",
           "na", "no", "nos", "nas", "ou", "mais", "sobre", "esta", "este", "pelos", "às", "não"},
    "it": {"quale", "quali", "cosa", "che", "chi", "sono", "non", "della", "delle", "degli", "dello", "gli",
           "il", "per", "progetto", "cerco", "cerchiamo", "azienda", "aziende", "fornitore", "fornitori", "è",
           "del", "nel", "nella", "dove", "come", "perché", "anche", "una", "un", "di", "sostiene", "agenzia",
           "brasiliana", "partner", "vorrei", "abbiamo", "siamo", "quanti", "quante"},
    "en": {"the", "what", "which", "who", "is", "are", "does", "do", "of", "and", "for", "with", "project",
           "we", "looking", "need", "supplier", "suppliers", "company", "companies", "how", "where", "why",
           "agency", "supports", "it", "its", "an", "to", "in", "our", "find", "any", "this", "that", "has", "have"},
}


def _langid():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages(list(LANGUAGES))
            _identifier = ident
    return _identifier


def detect_language(text: str, default: str = "en") -> str:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return default
    votes = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    ranked = sorted(votes.values(), reverse=True)
    # Function words settle most messages at once; the statistical model (0.7 s to load) is
    # only consulted when they do not, which keeps it off the CLI's usual path.
    if ranked[0] >= 2 and ranked[0] > ranked[1]:
        return max(votes, key=votes.get)
    lang, prob = _langid().classify(text)
    if prob >= 0.9 or ranked[0] == 0:
        return lang
    best = max(votes, key=lambda k: (votes[k], k == lang))
    return best


PHRASES = {
    "not_grounded": {
        "en": "I'm sorry, the knowledge base does not cover this question, so I can't answer it reliably.",
        "it": "Mi dispiace, la base di conoscenza non tratta questa domanda, quindi non posso rispondere in modo affidabile.",
        "pt": "Desculpe, a base de conhecimento não cobre esta pergunta, por isso não posso respondê-la com segurança.",
    },
    "intro": {
        "en": "According to the knowledge base:",
        "it": "Secondo la base di conoscenza:",
        "pt": "Segundo a base de conhecimento:",
    },
    "quoted_note": {
        "en": "",
        "it": "(I passaggi citati sono nella lingua originale del documento.)",
        "pt": "(Os trechos citados estão no idioma original do documento.)",
    },
    "partners_intro": {
        "en": "Companies in the partnership that fit this request:",
        "it": "Aziende della partnership adatte a questa richiesta:",
        "pt": "Empresas da parceria que atendem a este pedido:",
    },
    "no_partners": {
        "en": "I found no company profile in the knowledge base that fits this request.",
        "it": "Non ho trovato nella base di conoscenza alcun profilo aziendale adatto a questa richiesta.",
        "pt": "Não encontrei na base de conhecimento nenhum perfil de empresa que atenda a este pedido.",
    },
    "offers_for_need": {
        "en": "offers “{offer}”, which answers the need “{need}”",
        "it": "offre “{offer}”, che risponde all'esigenza “{need}”",
        "pt": "oferece “{offer}”, que atende à necessidade “{need}”",
    },
    "seeks_what_you_offer": {
        "en": "is looking for “{need}”, which matches your offer “{offer}”",
        "it": "cerca “{need}”, che corrisponde alla vostra offerta “{offer}”",
        "pt": "procura “{need}”, o que corresponde à sua oferta “{offer}”",
    },
    "shared_sectors": {
        "en": "works in the same supply chain: {sectors}",
        "it": "opera nella stessa filiera: {sectors}",
        "pt": "atua na mesma cadeia: {sectors}",
    },
    "cross_border": {
        "en": "a cross-border partner in {region} ({country}) for the Lombardy–Pernambuco partnership",
        "it": "partner transfrontaliero in {region} ({country}) per la partnership Lombardia–Pernambuco",
        "pt": "parceiro internacional em {region} ({country}) para a parceria Lombardia–Pernambuco",
    },
    "in_region": {
        "en": "located in {region} ({country}), as requested",
        "it": "si trova in {region} ({country}), come richiesto",
        "pt": "fica em {region} ({country}), como solicitado",
    },
    "partnership_types": {
        "en": "open to {types} partnerships",
        "it": "aperta a partnership di tipo {types}",
        "pt": "aberta a parcerias do tipo {types}",
    },
    "certified": {
        "en": "holds the certifications {certs}",
        "it": "possiede le certificazioni {certs}",
        "pt": "possui as certificações {certs}",
    },
    "profile_fit": {
        "en": "its profile fits the request: “{text}”",
        "it": "il suo profilo risponde alla richiesta: “{text}”",
        "pt": "seu perfil atende ao pedido: “{text}”",
    },
}


def phrase(key: str, lang: str, **values: str) -> str:
    table = PHRASES[key]
    return table.get(lang, table["en"]).format(**values)
