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
# Greetings, thanks and requests for help: the whole of many short messages.
_MARKERS["en"] |= {"hello", "hi", "hey", "thanks", "thank", "you", "please", "help", "bye", "goodbye", "morning",
                   "evening", "cheers", "great"}
_MARKERS["it"] |= {"ciao", "grazie", "salve", "buongiorno", "buonasera", "aiuto", "prego", "arrivederci", "mille",
                   "favore", "aiutami"}
_MARKERS["pt"] |= {"olá", "ola", "oi", "obrigado", "obrigada", "bom", "boa", "dia", "tarde", "noite", "ajuda",
                   "tchau", "favor", "valeu", "ajude"}
# Words of two languages count for both: "e in Brasile?" is Italian, "e no Brasil?" Portuguese.
_MARKERS["it"] |= {"e", "in"}  # "in" too: "Zincatura a caldo in Pernambuco" read as English
_MARKERS["pt"] |= {"e"}


def _langid():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages(list(LANGUAGES))
            _identifier = ident
    return _identifier


def load_identifier() -> None:
    """Load the statistical language identifier now (a server's warm-up), not on first use."""
    _langid()


def guess_language(text: str, default: str = "en") -> tuple[str, bool]:
    """The message's language, and whether the message says enough to tell ("ok", "?" do not)."""
    # Addresses say nothing of a language ("https://example.com", "mario@ditta.it"), nor do names
    # ("Come posso contattare Torres Eólicas do Nordeste?" read as Portuguese for its "do"), unless
    # too little is left without them ("E a Usinagem Pesada do Recife?").
    text = re.sub(r"\S+@\S+|https?://\S+|www\.\S+", " ", text)
    unnamed = _without_names(text)
    if unnamed != text:
        guess = _guess(unnamed, default)
        if guess[1]:
            return guess
    return _guess(text, default)


def _guess(text: str, default: str) -> tuple[str, bool]:
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.lower())  # "non-destructive" is no "non"
    if not words:
        return default, False
    votes = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    ranked = sorted(votes.values(), reverse=True)
    winner = max(votes, key=votes.get)
    # Function words settle most messages at once; the statistical model (0.7 s to load) is
    # only consulted when they do not, which keeps it off the CLI's usual path.
    if ranked[0] >= 2 and ranked[0] > ranked[1]:
        return winner, True
    if len(words) <= 3 and ranked[0] >= 1 and ranked[0] > ranked[1]:
        return winner, True  # "hello", "grazie mille", "bom dia"
    if len(words) <= 3 and ranked[0] >= 1 and votes.get(default) == ranked[0]:
        return default, False  # "e in Brasile?" reads as Italian, English or Portuguese: keep the conversation's
    if len(words) <= 2 and len("".join(words)) < 12:
        return default, False  # too short for statistics: "ok", "Warsaw?"
    lang, prob = _langid().classify(text)
    if prob >= 0.9 or ranked[0] == 0:
        return lang, True
    return max(votes, key=lambda k: (votes[k], k == lang)), True


# A name inside a sentence: two or more capitalised words, with the short words that join them
# ("Torres Eólicas do Nordeste", "Valvole Brescia Industriale").
_NAME_RUN = re.compile(r"(?<=[^\W\d_] )[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:(?:do|da|dos|das|de|di|del|della|of|the|e|and)\s+)?"
                       r"[A-ZÀ-Ý][\w'’.-]*)+")


def _without_names(text: str) -> str:
    return _NAME_RUN.sub(" ", text)


def detect_language(text: str, default: str = "en") -> str:
    return guess_language(text, default)[0]


PHRASES = {
    "help": {
        "en": "Hello! I'm Ponte. I answer questions from the partnership's knowledge base, with numbered "
              "citations, and suggest partner companies in Lombardy and Pernambuco. Ask me, for example:",
        "it": "Ciao! Sono Ponte. Rispondo alle domande sulla base di conoscenza della partnership, con citazioni "
              "numerate, e suggerisco aziende partner in Lombardia e in Pernambuco. Prova a chiedere, per esempio:",
        "pt": "Olá! Eu sou a Ponte. Respondo a perguntas com base no conhecimento da parceria, com citações "
              "numeradas, e sugiro empresas parceiras na Lombardia e em Pernambuco. Pergunte, por exemplo:",
    },
    "thanks": {
        "en": "You're welcome! Ask me anything else about the partnership, its documents or its companies.",
        "it": "Prego! Chiedetemi pure altro sulla partnership, sui suoi documenti o sulle sue aziende.",
        "pt": "De nada! Pergunte o que quiser sobre a parceria, os seus documentos ou as suas empresas.",
    },
    "bye": {
        "en": "Goodbye! Come back whenever you have a question about the partnership or need a partner.",
        "it": "Arrivederci! Tornate quando avete una domanda sulla partnership o cercate un partner.",
        "pt": "Até logo! Volte quando tiver uma pergunta sobre a parceria ou procurar um parceiro.",
    },
    "example_topic": {
        "en": "“What does the knowledge base say about {title}?”",
        "it": "«Che cosa dice la base di conoscenza su {title}?»",
        "pt": "“O que a base de conhecimento diz sobre {title}?”",
    },
    "example_partner": {
        "en": "“We are looking for a supplier of CNC machining in Brazil.”",
        "it": "«Cerchiamo un fornitore di lavorazioni CNC in Brasile.»",
        "pt": "“Procuramos um fornecedor de usinagem CNC na Itália.”",
    },
    "example_conditions": {
        "en": "“Which companies in Pernambuco work in the wind sector?”",
        "it": "«Quali aziende lombarde sono certificate ISO 9001?»",
        "pt": "“Quais empresas de Pernambuco atuam no setor eólico?”",
    },
    "no_contacts": {
        "en": "I can't share contact details of companies. Staff of the partnership can put you in touch; "
              "ask me instead what a company offers or which partners fit your needs.",
        "it": "Non posso condividere i recapiti delle aziende. Lo staff della partnership può mettervi in "
              "contatto; chiedimi piuttosto che cosa offre un'azienda o quali partner fanno al caso vostro.",
        "pt": "Não posso compartilhar contatos de empresas. A equipe da parceria pode colocá-los em contato; "
              "pergunte-me o que uma empresa oferece ou quais parceiros atendem às suas necessidades.",
    },
    "human": {
        "en": "I'm Ponte, an automated assistant. To speak with a person, contact the partnership's staff "
              "through this portal; I answer questions about the partnership's documents and suggest partner companies.",
        "it": "Sono Ponte, un assistente automatico. Per parlare con una persona, contattate lo staff della "
              "partnership tramite questo portale; io rispondo a domande sui documenti della partnership e suggerisco aziende partner.",
        "pt": "Sou a Ponte, um assistente automático. Para falar com uma pessoa, contate a equipe da parceria "
              "por este portal; eu respondo a perguntas sobre os documentos da parceria e sugiro empresas parceiras.",
    },
    "join": {
        "en": "Company profiles are added and kept up to date by the partnership's staff: ask them to add yours, "
              "with what it offers, what it seeks, its sectors and certifications. Meanwhile, tell me what your "
              "company makes or needs, and I will suggest partners.",
        "it": "I profili delle aziende sono inseriti e aggiornati dallo staff della partnership: chiedete di "
              "aggiungere il vostro, con ciò che offre, ciò che cerca, i settori e le certificazioni. Intanto "
              "ditemi che cosa produce o di che cosa ha bisogno la vostra azienda, e vi suggerirò dei partner.",
        "pt": "Os perfis das empresas são cadastrados e atualizados pela equipe da parceria: peça a ela para "
              "incluir o seu, com o que a empresa oferece, o que procura, seus setores e certificações. Enquanto "
              "isso, diga-me o que a sua empresa faz ou precisa, e eu sugiro parceiros.",
    },
    "translation_of": {
        "en": "[{t}] is a translation of [{o}], the original document.",
        "it": "[{t}] è una traduzione di [{o}], il documento originale.",
        "pt": "[{t}] é uma tradução de [{o}], o documento original.",
    },
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
    "partners_intro_strong": {
        "en": "Companies in the partnership that clearly fit this request:",
        "it": "Aziende della partnership chiaramente adatte a questa richiesta:",
        "pt": "Empresas da parceria que claramente atendem a este pedido:",
    },
    "partners_intro": {
        "en": "Companies in the partnership that may fit this request (check their offers):",
        "it": "Aziende della partnership che potrebbero essere adatte a questa richiesta (verificate le offerte):",
        "pt": "Empresas da parceria que podem atender a este pedido (confira as ofertas):",
    },
    "partners_intro_weak": {
        "en": "No company in the partnership clearly fits this request; the closest:",
        "it": "Nessuna azienda della partnership è chiaramente adatta a questa richiesta; le più vicine:",
        "pt": "Nenhuma empresa da parceria atende claramente a este pedido; as mais próximas:",
    },
    "directory": {
        "en": "The knowledge base holds {n} company profiles ({countries}), in sectors such as {sectors}. "
              "Rather than list them all, I suggest the ones that fit a need; tell me what you are looking for, "
              "for example:",
        "it": "La base di conoscenza contiene {n} profili aziendali ({countries}), in settori come {sectors}. "
              "Invece di elencarli tutti, suggerisco quelli adatti a un'esigenza; ditemi che cosa cercate, "
              "per esempio:",
        "pt": "A base de conhecimento tem {n} perfis de empresas ({countries}), em setores como {sectors}. "
              "Em vez de listar todos, sugiro os que atendem a uma necessidade; diga-me o que procura, "
              "por exemplo:",
    },
    "profile_intro": {
        "en": "From the partnership's company directory:",
        "it": "Dall'elenco delle aziende della partnership:",
        "pt": "Do cadastro de empresas da parceria:",
    },
    "profile_offers": {"en": "offers", "it": "offre", "pt": "oferece"},
    "profile_seeks": {"en": "is looking for", "it": "cerca", "pt": "procura"},
    "profile_certifications": {"en": "certifications", "it": "certificazioni", "pt": "certificações"},
    "profile_none": {"en": "none listed in its profile", "it": "nessuna indicata nel profilo",
                     "pt": "nenhuma indicada no perfil"},
    "profile_sectors": {"en": "sectors", "it": "settori", "pt": "setores"},
    "in_country": {
        "en": "{n} in {country}",
        "it": "{n} in {country}",
        "pt": "{n} em {country}",
    },
    "no_partners": {
        "en": "I found no company profile in the knowledge base that fits this request.",
        "it": "Non ho trovato nella base di conoscenza alcun profilo aziendale adatto a questa richiesta.",
        "pt": "Não encontrei na base de conhecimento nenhum perfil de empresa que atenda a este pedido.",
    },
    "none_certified": {
        "en": "None of the companies I suggested lists a certification in its profile.",
        "it": "Nessuna delle aziende che ho suggerito indica una certificazione nel suo profilo.",
        "pt": "Nenhuma das empresas que sugeri indica uma certificação no seu perfil.",
    },
    # "E a terceira?" where fewer were suggested (at most two can be: the ordinals go to the third).
    "only_suggested_1": {
        "en": "I suggested only one company: {names}. Ask me about it by name or by position.",
        "it": "Ho suggerito solo un'azienda: {names}. Chiedetemi pure di essa per nome o per posizione.",
        "pt": "Sugeri apenas uma empresa: {names}. Pergunte sobre ela pelo nome ou pela posição.",
    },
    "only_suggested_2": {
        "en": "I suggested only two companies: {names}. Ask me about them by name or by position.",
        "it": "Ho suggerito solo due aziende: {names}. Chiedetemi pure di esse per nome o per posizione.",
        "pt": "Sugeri apenas duas empresas: {names}. Pergunte sobre elas pelo nome ou pela posição.",
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
    "also_seeks": {
        "en": "also looks for “{need}”, which matches your offer “{offer}”",
        "it": "cerca anche “{need}”, che corrisponde alla vostra offerta “{offer}”",
        "pt": "também procura “{need}”, o que corresponde à sua oferta “{offer}”",
    },
    "seeks_what_you_asked": {
        "en": "is looking for “{need}”, which matches your request for “{offer}”",
        "it": "cerca “{need}”, che corrisponde alla vostra richiesta di “{offer}”",
        "pt": "procura “{need}”, o que corresponde ao seu pedido de “{offer}”",
    },
    "partial_seek": {
        "en": "a partial fit: what it seeks closest to your offer is “{need}”",
        "it": "corrispondenza parziale: ciò che cerca di più vicino alla vostra offerta è “{need}”",
        "pt": "correspondência parcial: o que procura de mais próximo da sua oferta é “{need}”",
    },
    "partial_seek_asked": {
        "en": "a partial fit: what it seeks closest to your request is “{need}”",
        "it": "corrispondenza parziale: ciò che cerca di più vicino alla vostra richiesta è “{need}”",
        "pt": "correspondência parcial: o que procura de mais próximo do seu pedido é “{need}”",
    },
    "seeks_nothing_asked": {
        "en": "a partial fit: its profile states no need for what you asked about",
        "it": "corrispondenza parziale: il suo profilo non indica di cercare ciò che avete chiesto",
        "pt": "correspondência parcial: o perfil não indica que procura o que você perguntou",
    },
    "seeks_nothing_offered": {
        "en": "a partial fit: its profile states no need for what you offer",
        "it": "corrispondenza parziale: il suo profilo non indica di cercare ciò che offrite",
        "pt": "correspondência parcial: o perfil não indica que procura o que você oferece",
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
    "in_sector": {
        "en": "works in the {sectors} sector, as requested",
        "it": "opera nel settore {sectors}, come richiesto",
        "pt": "atua no setor {sectors}, como solicitado",
    },
    "meets_conditions": {
        "en": "{conditions}, as requested; offers “{offer}”",
        "it": "{conditions}, come richiesto; offre “{offer}”",
        "pt": "{conditions}, como solicitado; oferece “{offer}”",
    },
    "partners_of": {
        "en": "Partners for {name}: what it seeks against what others offer, and who seeks what it offers.",
        "it": "Partner per {name}: ciò che cerca rispetto a ciò che altri offrono, e chi cerca ciò che offre.",
        "pt": "Parceiros para {name}: o que procura frente ao que outros oferecem, e quem procura o que oferece.",
    },
    "more_meet": {
        "en": "{n} companies in the partnership meet these conditions; these are the {shown} closest to your words. "
              "Say what you need from them to narrow the list.",
        "it": "{n} aziende della partnership soddisfano queste condizioni; queste sono le {shown} più vicine alla richiesta. "
              "Dite che cosa vi serve da loro per restringere l'elenco.",
        "pt": "{n} empresas da parceria atendem a estas condições; estas são as {shown} mais próximas do pedido. "
              "Diga o que precisa delas para restringir a lista.",
    },
    "works_in_sector": {"en": "works in the {sectors} sector", "it": "opera nel settore {sectors}",
                        "pt": "atua no setor {sectors}"},
    "holds": {"en": "holds {certs}", "it": "possiede {certs}", "pt": "possui {certs}"},
    "open_to": {"en": "is open to {types} partnerships", "it": "è aperta a partnership di tipo {types}",
                "pt": "está aberta a parcerias do tipo {types}"},
    "is_in": {"en": "is in {region} ({country})", "it": "si trova in {region} ({country})",
              "pt": "fica em {region} ({country})"},
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
    "offers_for_request": {
        "en": "offers “{offer}”, for your request for “{need}”",
        "it": "offre “{offer}”, per la vostra richiesta di “{need}”",
        "pt": "oferece “{offer}”, para o seu pedido de “{need}”",
    },
    "partial_fit": {
        "en": "a partial fit: its closest offer is “{offer}”",
        "it": "corrispondenza parziale: l'offerta più vicina è “{offer}”",
        "pt": "correspondência parcial: a oferta mais próxima é “{offer}”",
    },
    "profile_fit": {
        "en": "its profile fits the request: “{text}”",
        "it": "il suo profilo risponde alla richiesta: “{text}”",
        "pt": "seu perfil atende ao pedido: “{text}”",
    },
}


def said_together(items: list[str], lang: str) -> str:
    """"a, b and c" in the asker's language."""
    if len(items) <= 1:
        return "".join(items)
    last = items[-1]
    joiner = {"it": " ed " if last[:1] in "eèé" else " e ", "pt": " e "}.get(lang, " and ")
    return ", ".join(items[:-1]) + joiner + last


def phrase(key: str, lang: str, **values: str) -> str:
    table = PHRASES[key]
    return table.get(lang, table["en"]).format(**values)
