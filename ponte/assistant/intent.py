"""What kind of message is this: a request for companies, small talk, or a request for contacts?"""
from __future__ import annotations

import re
from functools import lru_cache

from ..index.lexical import STOPWORDS, fold
from .places import COUNTRY_STEMS, places_named, without_places  # a country in a lead ("uma empresa italiana que…") is where, not what
from .vocabulary import without_sectors

# Nouns for companies and roles in a supply chain, in the three languages (accent-folded).
# "partnership"/"parceria"/"partenariato" are about the programme, not a request for firms.
_ASKS_FOR_COMPANIES = re.compile(
    r"\b("
    r"partners?|suppliers?|vendors?|customers?|clients?|compan(?:y|ies)|firms?|manufacturers?|makers?|"
    r"subcontractors?|contractors?|producers?|distributors?|resellers?|dealers?|agents?|representatives?|"
    r"fabricators?|workshops?|labs?|"
    r"laborator(?:y|ies)|laboratori[oa]?|laboratorios?|"
    r"fornitor[ei]|subfornitor[ei]|client[ei]|aziend[ae]|impres[ae]|dit(?:ta|te)|produttor[ei]|costruttor[ei]|"
    r"distributor[ei]|rivenditor[ei]|agent[ei]|rappresentant[ei]|terzist[ai]|officin[ae]|"
    r"parceir[oa]s?|fornecedor(?:es|a|as)?|clientes?|empresas?|fabricantes?|prestador(?:es)?|"
    r"distribuidor(?:es|a|as)?|revendedor(?:es|a|as)?|representantes?|agentes?|"
    r"subcontratad[oa]s?|terceirizad[oa]s?|fabric(?:a|as)|usinagens?|"
    # "Who can supply …?", "chi fa …?", "quem fabrica …?", "qualcuno che …", "alguém que …": a firm
    # asked for without naming one.
    # "Who handles …?", "chi si occupa di …?", "quem trabalha com …?": what a firm does, asked as a trade.
    r"who (?:can |could |else )?(?:supply|supplies|make|makes|manufactures?|produces?|sells?|fabricates?|"
    r"machines?|does|do|offers?|provides?|handles?|deals? with|works? with|speciali[sz]es? in|"
    r"(?:is|are) speciali[sz]ed in|"
    # a trade asked for as what someone can do to the asker's things ("who can train our welders?")
    # (the verb is the trade, and stays in what is sought)
    r"(?:can|could) (?:help (?:us |me )?with|(?=(?:train|repair|fix|inspect|test|certify|calibrate|install|weld|cut|"
    r"paint|coat|galvani[sz]e|assemble|maintain|service|overhaul|machine|cast|forge|treat|protect|qualify)"
    r"\s+(?!(?:that|it|this|them|these|those)\b))))|(?:someone|somebody|anyone|anybody) (?:who|that)(?: can| could)?(?: \w+)?|"
    # "Does anyone make …?", "Qualcuno fa …?", "Alguém aqui trabalha com …?"
    r"(?:someone|somebody|anyone|anybody)(?: here| in [a-z]+)?(?: can| could)? (?:supply|supplies|make|makes|making|manufactures?|"
    r"produces?|sells?|fabricates?|does|do|doing|offers?|offering|provides?|providing|handles?|works? with|working with)|"
    r"qualcuno(?: qui| in [a-z]+)?(?: puo| sa)? (?:fa|produce|fornisce|offre|vende|realizza|lavora|si occupa)|"
    r"alguem(?: aqui| (?:em|no|na) [a-z]+)?(?: pode| sabe)? (?:faz|fabrica|fornece|oferece|vende|produz|trabalha com|cuida de|atua com)|"
    r"chi (?:puo |sa |potrebbe )?(?:fa|fanno|produce|producono|fornisce|forniscono|offre|offrono|vende|vendono|"
    r"realizza|realizzano|lavora|fare|produrre|fornire|offrire|vendere|realizzare|lavorare|si occupa|si occupano|"
    r"e specializzat[oa]|sono specializzat[ie])|"
    r"chi (?:puo|potrebbe) (?:aiutar(?:ci|mi) con|(?=(?:formare|riparare|ispezionare|collaudare|certificare|calibrare|"
    r"tarare|installare|saldare|tagliare|verniciare|zincare|montare|revisionare|lavorare|fondere|forgiare|trattare|"
    r"proteggere|qualificare)\s+(?!(?:questo|questa|quello|quella|cio)\b)))|qualcuno che(?: puo| sa)?(?: \w+)?|"
    r"quem (?:pode |sabe |poderia )?(?:faz|fazem|fabrica|fabricam|fornece|fornecem|oferece|oferecem|vende|vendem|"
    r"produz|produzem|fazer|fabricar|fornecer|oferecer|vender|produzir|trabalha com|trabalham com|cuida de|cuidam de|"
    r"atua com|atuam com|e especializad[oa] em|sao especializad[oa]s em)|"
    r"quem (?:pode|poderia) (?:(?:nos |me )?ajudar com|(?=(?:treinar|formar|reparar|consertar|inspecionar|testar|"
    r"certificar|calibrar|instalar|soldar|cortar|pintar|galvanizar|montar|revisar|usinar|fundir|forjar|tratar|proteger|"
    r"qualificar)\s+(?!(?:isso|isto|ele|ela|eles|elas)\b)))|alguem que(?: pode| saiba)?(?: \w+)?"
    r")\b"
)
# First-person requests ("we are looking for", "procuro", "cerchiamo") imply a partner search.
_SEEKING = re.compile(
    # "searching" and "search" without "for" too: "We are searching a partner for …", "We search a supplier of …"
    r"\b(we(?:'re| are)? (?:looking for|searching(?: for)?|seeking)|i(?:'m| am)? (?:looking for|searching(?: for)?|seeking)|"
    r"we (?:search|seek)(?: for)?|i (?:search|seek)(?: for)?|we need|i need|(?:we|i)(?:'d| would) need|"
    # the subject dropped: "Looking for a partner to …", "Need CNC machining in Recife asap"
    r"(?:^|(?<=[.!?] ))(?:(?:looking|searching) for|seeking|need|needed|wanted|required)|"
    # in the present or put politely ("precisava de", "avremmo bisogno di", "cercavamo"), and spoken
    # Portuguese ("tô procurando")
    r"procur(?:o|a|amos)|precis(?:o|a|amos|ava|avamos|aria|ariamos)|necessit(?:o|amos|iamo|erei|eremmo)|buscamos|busco|"
    r"(?:estamos|estou|to|tamo|tamos) (?:buscando|procurando|a procura)|"
    r"cerc(?:o|hiamo|avo|avamo)|(?:stiamo|sto) cercando|abbiamo bisogno|ho bisogno|avre(?:mmo|i) bisogno|"
    r"(?:mi|ci) serv(?:e|ono|irebbe|irebbero)|"
    # the firm as the subject: "our shipyard in Suape needs …", "la nostra officina ha bisogno di …",
    # "nosso estaleiro precisa de …"
    r"(?:our|my|(?:il |la )?(?:nostr[oa]|mi[oa])|(?:o |a )?(?:noss[oa]|meu|minha))\s+(?:[a-z'-]+\s+){1,4}?"
    r"(?:needs|requires|is looking for|is seeking|seeks|ha bisogno|necessita|richiede|sta cercando|"
    r"precisa|procura|busca|necessita|requer|esta procurando|esta buscando))\b"
)


# "Which companies …?", "Quali aziende …?", "Quais fornecedores …?": a question that asks for firms
# by name, as a request for partners does (a company word as the second or third word).
_WHICH = re.compile(r"^\W*(?:which|what|quali|quale|che|quais|qual|que)\s+(?:[^\W\d_]+\s+)?"
                    + _ASKS_FOR_COMPANIES.pattern.removeprefix(r"\b"))


_WHO = re.compile(r"^\W*(?:(?:do you know|conoscete|conosci|voces? conhecem?|conhecem?|does|do|is there|are there|"
                  r"c'?\s?e|existe|tem)\s+)?"
                  r"(?:who|chi|quem|qualcuno|alguem|someone|somebody|anyone|anybody)\b")


def seeks_partners(message: str) -> bool:
    """A first-person search for a partner ("procuro uma empresa que…"), a firm that says what it
    makes ("we make ball valves and need a foundry"), or a question for the firms that seek
    something ("Quali aziende cercano lavorazioni CNC?"): answered with partners only."""
    return bool(_SEEKING.search(fold(message))) or introduces_itself(message) or sought_by_others(message) is not None


# A request put as a favour ("can you help me find a supplier of …", "mi sapete indicare un'azienda
# che …", "vocês conhecem alguma empresa que …"): a partner request when a firm is named too.
_FAVOUR = re.compile(
    r"\b(?:help (?:me|us)(?: to)? (?:find|locate|identify)|(?:can|could) you (?:recommend|suggest|find|point)|"
    r"do you know (?:a|an|any|some|of)|how (?:can|could|do) (?:i|we) (?:find|locate)|"
    r"aiut\w* a (?:trovare|cercare|individuare)|(?:sapete|sai|potete|puoi|potreste|potresti) (?:indicar|consigliar|suggerir)\w*|"
    r"conosc\w* (?:un|una|uno|qualche|delle|degli|dei)|"
    r"(?:come|dove) (?:posso|possiamo) (?:trovare|cercare)|(?:como|onde) (?:posso|podemos) (?:encontrar|achar)|"
    r"ajud\w*(?: a)? (?:encontrar|achar|localizar)|(?:podem|pode|poderiam|poderia|sabem|sabe|conseguem|consegue) (?:me |nos )?"
    r"(?:indicar|recomendar|sugerir)|conhec\w* (?:um|uma|algum|alguma|alguns|algumas)"
    r")\b"
)


def without_greeting(message: str) -> str:
    """The message without the greetings that open it ("Hello! Which companies …", "Bom dia, tudo
    bem? Preciso de …"), each a clause of conversational words only."""
    for _ in range(3):
        m = re.match(r"\s*([^!?.,;]+)[!?.,;]+\s*(\S.*)$", message, re.S)
        if not m or not _only(re.findall(r"[^\W\d_]+", fold(m.group(1))), _CONVERSATIONAL):
            break
        message = m.group(2)
    return message


# "Is there a company that …?", "Vocês têm fornecedores de …?", "C'è un'azienda che …?": firms asked for.
_ANY = re.compile(r"^\W*(?:is there|are there|do you have|have you got|existe|existem|ha|tem|voces tem|vcs tem|"
                  r"c'?\s?e|ci sono|avete|hai|any|qualche|algum|alguma)\s+(?:[^\W\d_]+(?:\s+|['’])){0,3}?" + _ASKS_FOR_COMPANIES.pattern.removeprefix(r"\b"))


def asks_whether_any(message: str) -> bool:
    """"Is there a company that …?", "Any Italian company doing …?", "Qualcuno in Brasile fa …?", "Who
    makes …?": firms are all it asks for."""
    text = fold(without_greeting(message))
    return bool(_ANY.match(text) or (_WHO.match(text) and asks_for_companies(message)))


def asks_a_favour(message: str) -> bool:
    """"Can you recommend a partner for …?", "Pode indicar um fornecedor de …?": firms are all it asks for."""
    text = fold(without_greeting(message))
    return bool(_FAVOUR.search(text) and _ASKS_FOR_COMPANIES.search(text))


def requests_partners(message: str) -> bool:
    """A request for partners, or a question that asks which firms (or who, see `asks_whether_any`) do something.
    Whom to turn to ("Who do I contact at SEBRAE?") asks for no firm."""
    if asks_whom_to_turn_to(message):
        return False
    return seeks_partners(message) or bool(_WHICH.match(fold(without_greeting(message)))) \
        or asks_a_favour(message) or asks_whether_any(message)


# Partners asked for the company just shown, by a pronoun ("a good partner for her?", "partner per lei").
_FOR_IT = re.compile(r"\b(?:for|per|para|pra|suit|suits|match|matches)\s+(?:it|them|her|him|(?:this|that) (?:company|firm|one)|"
                     r"lei|loro|essa|esso|(?:questa|quella) azienda|ela|ele|(?:essa|esta) empresa)\b")


def asks_for_its_partners(message: str) -> bool:
    """"Quem seria um bom parceiro para ela?", "Which partners would suit them?": partners for the
    company the conversation is about."""
    return bool(_FOR_IT.search(fold(message))) and requests_partners(message)


# A question about something (what, how, why …), not for firms: "What is the role of anchor companies?"
_ABOUT = re.compile(r"^\W*(?:what|how|why|when|where|o que|que|como|por que|porque|quando|onde|qual|"
                    r"cosa|che cosa|come|perche|dove|quale|quanto|quanti|quante|quantos|quantas)\b")


def names_a_thing(message: str) -> bool:
    """A message that names something without asking anything of it ("valvole a sfera", "CNC machining
    in Recife", "Galvanização a fogo"): no question mark, no question word, no request, and more than
    a place ("Recife", "Brasile" got firms "for your request for “Recife”")."""
    text = fold(without_greeting(message))
    return "?" not in message and not (_ABOUT.match(text) or _WHICH.match(text) or _WHO.match(text)) \
        and not requests_partners(message) and not names_nothing_sought(without_places(message, keep_all=False))


def asks_about_firms(message: str) -> bool:
    """A question about firms or their role that asks for no firm ("Qual o papel das empresas âncora?",
    "How many companies took part?"): the documents answer it when they can."""
    text = fold(without_greeting(message))
    return bool(_ABOUT.match(text)) and not requests_partners(message)


# The asker's own firm ("add my company to the directory", "iscrivere la mia azienda", "cadastrar a
# minha empresa") is not a firm asked for.
_POSSESSED = re.compile(r"\b(?:my|our|mia|mio|nostra|nostro|minha|meu|nossa|nosso)\s+(?:own\s+)?"
                        r"(?:compan(?:y|ies)|firm|business|azienda|impresa|ditta|empresa|fabrica|officina)\b")


def asks_for_companies(message: str) -> bool:
    if asks_whom_to_turn_to(message):  # "Who do I contact at SEBRAE?": "at SEBRAE" was matched as a trade
        return False
    if own_offer(message) is not None:  # "we are a company that …": judged on what follows
        return introduces_itself(message)
    if sought_by_others(message) is not None:
        return True
    text = _POSSESSED.sub(" ", fold(message))
    return bool(_ASKS_FOR_COMPANIES.search(text) or _SEEKING.search(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


_AND_WHO = re.compile(r"\s*,?\s+(?:and|e|ed)\s+(?=(?:who|which|chi|quali|quale|quem|quais|qual)\b)", re.I)


def request_and_question(message: str) -> tuple[str, str] | None:
    """A partner request and a question for the documents in one message ("We need a foundry for
    valve bodies. And who funds MetalMec?"): (the request's sentences, the question's), or None.
    A firm that only says what it makes ("We make valves. Who funds MetalMec?") asks the question."""
    parts = [p.strip() for p in _SENTENCE_END.split(message.strip()) if p.strip()]
    if len(parts) == 1 and message.rstrip().endswith("?"):
        # One question of two clauses: "Quais são os objetivos do projeto e quem pode fornecer válvulas?"
        joined = _AND_WHO.split(parts[0], maxsplit=1)
        if len(joined) == 2 and not requests_partners(joined[0]):  # not "which make valves and which …"
            parts = [joined[0].rstrip(" ,;") + "?", joined[1]]
    if len(parts) < 2:
        return None

    def requests(part: str) -> bool:
        found = own_offer(part)
        if found is not None and not found[1].strip(" .,;:!?"):
            return False
        return requests_partners(part)

    asked = [p for p in parts if requests(p)]
    questions = [p for p in parts if p.endswith("?") and p not in asked and not asks_for_companies(p)
                 and own_offer(p) is None and not small_talk(p) and not names_nothing_sought(p)]
    if not asked or not questions:
        return None
    return " ".join(asked), " ".join(questions)


# Words that ask for the list of firms itself ("What companies are in the database?", "Elenca tutte le
# aziende"), not for firms that do something.
_DIRECTORY = re.compile(r"\b(?:list\w*|all|every|database|data base|registered|directory|catalog\w*|knowledge base|"
                        r"elenc\w*|lista\w*|tutt[ei]|banca dati|registrat[ei]|catalog\w*|diretorio|"
                        r"tod[oa]s|cadastrad[oa]s|cadastro|registro|base de dados|base de conhecimento|banco de dados|"
                        r"show|mostr\w*|estao|there|ci sono|(?:are|is) part of|fa(?:nno)? parte|faz(?:em)? parte|"
                        r"partnership|partenariato|parceria|"
                        # how many there are, and in which sectors or countries: what the directory reply says
                        r"how many|quant[aeio]s?|ha|sectors?|settori|setores|countries|paesi|paises|"
                        r"covered|represented|rappresentat[ei]|coperti|representad[oa]s|cobert[oa]s)\b")


def asks_for_the_directory(message: str) -> bool:
    """A request for the list of companies itself, which names nothing they should do or make."""
    text = fold(message)
    if not _DIRECTORY.search(text) or not asks_for_companies(message) or own_offer(message) is not None:
        return False
    return names_nothing_sought(without_places(_DIRECTORY.sub(" ", text), keep_all=False))


# Words that only tie conditions to firms ("certified", "operano nel", "que atuam em", "open to", "che fanno").
_CONDITION_WORDS = re.compile(r"\b(?:certif\w*|accredit\w*|acreditad\w*|credenciad\w*|hold\w*|possess\w*|possu\w*|"
                              r"have|has|having|avere|hanno|ter|tem|têm|work\w*|operat\w*|active|activ\w*|"
                              r"lavora\w*|opera\w*|attiv[ei]|atua\w*|trabalh\w*|ativ[ao]s?|"
                              r"located|based|situated|sited|trova\w*|sede|localizad\w*|sediad\w*|situad\w*|fica\w*|"
                              r"open|willing|interest\w*|apert[aei]|abert[ao]s?|interessat\w*|interessad\w*|disponi\w*|"
                              r"do|does|doing|fa|fanno|fare|faz|fazem|fazer)\b")


def names_only_conditions(text: str) -> bool:
    """Whether a request, once the places, sectors and certifications it names are taken out,
    names nothing else that is sought: "Which Italian companies are certified ISO 9001?", "Elenco
    delle aziende del settore eolico" ask for the firms that meet those conditions, whatever they make."""
    return names_nothing_sought(_CONDITION_WORDS.sub(" ", _DIRECTORY.sub(" ", fold(text))))


def earlier_request(message: str, history: list[str], is_request=None) -> str | None:
    """For a follow-up that only changes where partners should be ("and in Italy?", "e alguma
    empresa italiana?"), the latest earlier partner request that names what is sought; else None.
    `is_request` tells a partner request (default `requests_partners`)."""
    is_request = is_request or requests_partners
    if not history or not names_nothing_sought(without_places(message, keep_all=False)):
        return None
    for earlier in reversed(history):  # back over earlier follow-ups ("and in Brazil?", "which of them …?")
        if names_nothing_sought(without_places(earlier, keep_all=False)) or narrows_the_list(earlier) is not None:
            continue
        return earlier if is_request(earlier) else None
    return None


# "E de robôs de soldagem?", "and for welding robots?", "e per la verniciatura?": after partners were
# suggested, another thing asked for in the same breath. Matched on folded text.
_AND_ANOTHER = re.compile(
    r"^\W*(?:and|e|ed)\s+(?:(?:what|how) about|(?:quanto|riguardo|rispetto) a(?:l|lla|i|gli|lle)?|sobre|quanto a(?:o|os|s)?|"
    r"em relacao a(?:o|os|s)?|for|about|de|do|da|dos|das|di|del|della|dei|delle|per|para|pra)?\s*(?P<x>[^?!.]+)[?!.]*\s*$")
_ASKS_ITSELF = re.compile(r"^(?:who|what|where|when|why|how|which|chi|cosa|che|dove|quando|perche|come|quale|quali|"
                          r"quem|o que|que|onde|por que|como|qual|quais|quanto|quanta|quantos|quantas|quanti|quante)\b")


def another_thing(message: str) -> str | None:
    """For a short follow-up that asks for something else in the same way ("E de robôs de
    soldagem?"), that thing ("robôs de soldagem"); None for anything else (a question of its own, a
    place only: see `earlier_request`)."""
    folded = fold(message)
    m = _AND_ANOTHER.match(folded)
    if m is None or len(folded) != len(message) or len(folded.split()) > 8:
        return None
    x = message[m.start("x"):m.end("x")].strip()
    if _ASKS_ITSELF.match(fold(x)) or names_nothing_sought(without_places(x, keep_all=False)):
        return None
    return x


# A follow-up about one of the partners just suggested: which one (an ordinal), and what about it (a
# field of its profile, or "tell me more"). Matched on folded text.
_ORDINALS = {which: re.compile(rf"\b(?:{words})\b") for which, words in {
    0: r"first|1st|primo|prima|primeiro|primeira|1o|1a",
    1: r"second|2nd|secondo|seconda|segundo|segunda|2o|2a",
    2: r"third|3rd|terzo|terza|terceiro|terceira|3o|3a",
    -1: r"last|ultimo|ultima",
}.items()}
_PROFILE_FIELD = re.compile(
    r"\b(?:certifi\w*|where|located|location|based|dove|sede|trova|onde|fica|localiz\w*|"
    r"offer\w*|offr\w*|ofere\w*|sell\w*|vend\w*|make|makes|produc\w*|fabric\w*|"
    r"seek\w*|looking|cerca\w*|procura\w*|employees?|dipendent\w*|funcionari\w*|"
    r"sectors?|settor\w*|setor\w*|website|sito|site|"
    r"more about|tell me more|details?|dettagli\w*|detalhes|di piu|mais sobre|saber mais)\b")
# What may stand beside a lone ordinal in such a follow-up ("and what about the second one?").
_AND_THE = frozenset("""and what about how the one company firm e ed cosa che di del della la il lo l quella quello
    azienda ditta sobre da do de a o aquela aquele empresa""".split())
_THAT_ONE = re.compile(r"\b(?:this|that|questa|questo|quella|quello|essa|esta|este|essa|esse|aquela|aquele)\s+"
                       r"(?:company|firm|one|supplier|azienda|impresa|ditta|fornitore|empresa|fornecedor)\b|"
                       r"\b(?:it|they|them|its|their)\b")


# A follow-up that picks among the partners just suggested ("which of them make valves?", "quali di
# queste sono certificate ISO 9001?", "quais delas ficam em Pernambuco?"). Matched on folded text.
_AMONG_THEM = re.compile(
    r"\b(?:(?:which|who|what) (?:ones? )?of (?:them|these|those)(?: companies| firms)?|among (?:them|these|those)|"
    r"(?:quali|quale|chi) (?:di|tra|fra) (?:loro|queste|questi|quelle|quelli|esse|essi)|tra (?:loro|queste|questi)|"
    r"(?:quais|qual|quem) (?:delas|deles|destas|destes|dessas|desses|daquelas|daqueles|entre elas|entre eles)|"
    r"entre (?:elas|eles|estas|estes|essas|esses))\b")


def narrows_the_list(message: str) -> str | None:
    """For a follow-up that picks among the partners just suggested, the rest of it, without the verb
    that only says they make it ("which of them make valves?" -> "valves?"); else None."""
    folded = fold(message)
    m = _AMONG_THEM.search(folded)
    if m is None or len(folded) != len(message):
        return None
    rest = (message[:m.start()] + " " + message[m.end():]).strip()
    verb = re.match(rf"(?:{_MAKES})\s+(?=\S)", fold(rest))
    return rest[verb.end():] if verb and len(fold(rest)) == len(rest) else rest


def asks_about_certification(text: str) -> bool:
    """Whether a text asks about certifications ("which of them are certified?", "quais delas têm
    certificação?"), named or not."""
    return bool(re.search(r"\b(?:certifi|accredit|acreditad|credenciad)", fold(text)))


def asks_about_a_partner(message: str) -> tuple[int | None, bool]:
    """Which of the partners just suggested a short follow-up asks about, and whether it said so
    with an ordinal: "Onde fica a segunda?" (1, True), "tell me more about that company" (0, False),
    anything else (None, False)."""
    folded = fold(message)
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _AND_THE]
    if len(words) == 1:  # "E la seconda?", "And the third one?", "E sobre a terceira?"
        for which, ordinal in _ORDINALS.items():
            if ordinal.fullmatch(words[0]):
                return which, True
    if len(folded.split()) > 12 or not _PROFILE_FIELD.search(folded):
        return None, False
    for which, ordinal in _ORDINALS.items():
        if ordinal.search(folded):
            return which, True
    if _THAT_ONE.search(folded) or len(folded.split()) <= 4:
        return 0, False  # "quali certificazioni ha?", "where is it?": the first suggested
    return None, False


def introduces_itself(message: str) -> bool:
    """A firm that says what it makes and asks for partners, or for something ("we make ball valves
    and need a foundry"), or for nothing else: a partner request. One that then asks the knowledge base
    a question ("We make valves. Which agency supports MetalMec?") asks that question."""
    found = own_offer(message)
    if found is None:
        return False
    rest = fold(found[1])
    # "… Quem pode nos ajudar?": a question that names nothing asks for partners too, nor does one
    # that names only where or in which sector ("… lavorare nel settore eolico in Brasile. Con chi
    # potremmo collaborare?").
    return "?" not in rest or bool(_ASKS_FOR_COMPANIES.search(rest) or _SEEKING.search(rest)) or \
        seeks_only_partners(found[1])


# Messages that are only conversation: greetings, thanks, agreement, a call for help.
_CONVERSATIONAL = frozenset("""
hello hi hey hiya thanks thank you ok okay yes no please help bye goodbye good morning evening afternoon night
cheers great cool fine sure test testing what who are
ciao grazie mille salve buongiorno buonasera buonanotte si no prego aiuto aiutami arrivederci va bene
ola oi obrigado obrigada bom boa dia tarde noite sim nao por favor ajuda ajude tchau valeu tudo legal bem
how come stai sta va vai going
""".split())
# Questions about Ponte itself ("What can you do?", "Chi sei?", "O que você pode fazer?"): every
# word is one of these or conversational, and one of them addresses the assistant (`_YOU`).
_ABOUT_YOU = frozenset("""
you your yourself can could do does this that work works ask know bot robot assistant chatbot name made built
created me i is it about tell able with things kind of questions question are what who how for use the a an
tu ti te sei sai puoi fai funzioni chiami servi tuo tua cosa che chi come fare posso farti chiederti domande domanda
aiutarmi aiutare mi questo assistente cos e un una di per nome creato ha funziona sapere quali
voce vc seu sua pode sabe faz o que quem fazer perguntas pergunta perguntar me ajudar isso isto robo qual quais um
de para sobre criou funciona como
like more would d to vorrei sapere di piu gostaria saber mais ponte
my our company business firm mia mio nostra nostro azienda impresa minha meu nossa nosso empresa negocio
la il lo le gli pela pelo na no
""".split())
# The page Ponte is on ("What is this site?" quoted who wrote the shipped article) is Ponte too.
_SITE = frozenset("site sito website webpage page pagina portal portale chat app tool strumento ferramenta".split())
_ABOUT_YOU |= _SITE
# ... and Ponte by its name ("I'd like to know more about Ponte"), or that page.
_YOU = frozenset("you your yourself tu ti te sei sai puoi fai funzioni chiami servi tuo tua voce vc seu sua ponte".split()) | _SITE
_ONLY_ADDRESS = re.compile(r"^\s*(?:\S+@\S+\.\w+|https?://\S+|www\.\S+|[+\d][\d\s().-]{5,})\s*$")
# Requests for contact data, which Ponte never gives (staff see contacts through the profile API).
_CONTACTS = re.compile(r"\b(e-?mails?|phones?|telephones?|telefon[oei]s?|whats ?app|cellular[ei]?|celular(?:es)?|"
                       r"contact (?:details|data|information)|recapiti|dados de contato)\b")


# Messages addressed to the assistant's own instructions rather than to the knowledge base
# ("ignore previous instructions…", "reveal your system prompt", "developer mode").
_META = re.compile(
    r"\b(?:ignor\w*|disregard|forget|dimentic\w*|esquec\w*|esquec|override)\b.{0,40}"
    r"\b(?:instruction|istruzion|instruc|rule|regol|regra|prompt|guideline)\w*"
    r"|\bsystem prompt\b|\bprompt (?:di|do) sistema\b|\bdeveloper mode\b|\bmodalita sviluppatore\b"
    r"|\bmodo (?:de )?desenvolvedor\b|\bjailbreak\w*")


def addressed_to_the_assistant(message: str) -> bool:
    return bool(_META.search(fold(message)))


def without_instructions(text: str) -> str:
    """A document's text without its sentences addressed to an assistant ("ignore previous
    instructions and …"): they are neither evidence nor anything a model should read."""
    if not addressed_to_the_assistant(text):
        return text
    parts = re.split(r"(?<=[.!?\n])\s+", text)
    return " ".join(p for p in parts if not addressed_to_the_assistant(p))


def small_talk(message: str) -> bool:
    """A message that asks nothing of the knowledge base: no letters at all ("?", "🙂"), a lone
    address or number, one or two letters, only greetings, thanks and calls for help, or a
    question about Ponte itself ("what can you do?")."""
    if _ONLY_ADDRESS.match(message):
        return True
    words = re.findall(r"[^\W\d_]+", fold(message))
    if not words:
        return True
    if len(words) == 1 and len(words[0]) <= 2:
        return True
    if len(words) <= 5 and _only(words, _CONVERSATIONAL):
        return True
    return len(words) <= 8 and any(w in _YOU for w in words) and _only(words, _ABOUT_YOU, _CONVERSATIONAL)


# Asking words that the lexical stop list leaves out ("e quante sono?", "and how many?").
_ASKING = frozenset("many much quante quanta quantos quantas else altro outro mais more piu".split())


def says_nothing_of_its_own(message: str) -> bool:
    """Every word is a function word, a greeting or a word about Ponte ("How does this work?",
    "what is this?", "Como funciona?", "e quante sono?"): there is nothing to look up, unless an
    earlier turn says what "this" is."""
    words = re.findall(r"[^\W\d_]+", fold(message))
    return bool(words) and _only(words, STOPWORDS, _ABOUT_YOU, _CONVERSATIONAL, _ASKING)


_THANKS = frozenset("thanks thank grazie obrigado obrigada valeu cheers".split())
_BYE = frozenset("bye goodbye arrivederci tchau adeus".split())


def courtesy(message: str) -> str | None:
    """'thanks' or 'bye' for a message of small talk that thanks or takes leave, else None."""
    words = set(re.findall(r"[^\W\d_]+", fold(message)))
    return "bye" if words & _BYE else "thanks" if words & _THANKS else None


def _only(words: list[str], *vocabularies: frozenset[str]) -> bool:
    return all(any(w in v for v in vocabularies) for w in words)


def asks_for_contacts(message: str) -> bool:
    return bool(_CONTACTS.search(fold(message)))


# How to reach a firm ("come posso contattarli?", "how can I get in touch with them?", "como entro em
# contato?"), not a word for contacts sought ("avete contatti di aziende che …?").
_REACH = re.compile(r"\b(?:contact (?:them|it|him|her|this|that|these|those|the (?:first|second|third|company|firm))|"
                    r"get in touch|reach (?:them|him|her|it)|contattar\w*|(?:mettermi|metterci|mettersi|entrare) in contatto|"
                    r"(?:entrar|entro|entramos) em contato|contata-l\w*|contatar|contata-l[oa]s?|falar com (?:eles|elas|ele|ela)|"
                    # a firm's own contacts, by a pronoun ("Quais são os contatos dela?", "i loro contatti")
                    r"(?:contatos?|contatti|contatto|contacts?) (?:dela|dele|delas|deles|desta|dessa|deste|desse|"
                    r"della|dello|di (?:questa|quella|questo|quello)|dell.azienda|of (?:them|it|this|that|the (?:company|firm)))|"
                    r"(?:suoi|sui|loro|seus|suas|their|its) (?:contatti|contatos|contacts?))\b")
# Whom to turn to ("Who do I contact at SEBRAE?", "a chi possiamo rivolgerci?", "com quem devo falar?"):
# a document may say it ("write to the chamber's desk"); where none does, contacts are not given out.
_TURN_TO = re.compile(r"\b(?:who(?:m)? (?:do|should|can|could|shall) (?:i|we) (?:contact|call|write to|talk to|speak to|ask)|"
                      r"a chi (?:devo|dobbiamo|posso|possiamo|potrei|potremmo) (?:rivolger\w*|scrivere|telefonare)|"
                      r"(?:com )?quem (?:devo|devemos|posso|podemos|deveria|deveriamos) (?:falar|procurar|ligar|escrever))\b")


# Joining the directory ("How do I add my company?", "Posso iscrivere la mia azienda?", "Quero cadastrar
# minha empresa", "Can we join the network?"): staff add profiles, so the reply says how.
_JOIN = re.compile(r"\b(?:add|register|list|include|enrol+|sign up|iscriver\w*|registrar\w*|inserire|aggiungere|"
                   r"cadastr\w*|incluir|inscrever|adicionar)\s+(?:(?:a|la|o|the)\s+)?" + _POSSESSED.pattern.removeprefix(r"\b") +
                   r"|\b(?:join|entrar (?:no|na|em)|entrare (?:nel|nella|in)|aderire (?:al|alla)|"
                   r"fazer parte (?:do|da)|far parte (?:del|della))\s+(?:(?:the|a|o|la|il)\s+)?(?:directory|partnership|"
                   r"network|database|rete|partenariato|parceria|rede|diretorio|elenco|catalogo)\b")


def wants_to_join(message: str) -> bool:
    return bool(_JOIN.search(fold(message)))


def asks_how_to_reach(message: str) -> bool:
    return bool(_REACH.search(fold(message)))


# A follow-up that asks for the same answer in another language ("and in Italian?", "em português, por
# favor", "puoi rispondere in inglese?"): the whole message, matched on folded text.
_LANGUAGE_NAMES = {"en": r"english|inglese|ingles", "it": r"italian|italiano", "pt": r"portuguese|portoghese|portugues"}
_IN_LANGUAGE = re.compile(
    r"^\W*(?:(?:and|e|ed|ok|okay|now|ora|agora|please|per favore|por favor)\W+)*"
    r"(?:(?:can|could) you\s+|(?:puoi|potresti|pode|poderia|podes)\s+)?"
    r"(?:(?:answer|reply|respond|say it|write|rispondi|rispondere|rispondimi|scrivi|scrivere|responda|responder|responde|"
    r"escreva|escrever|repeat|ripeti|repita)\s+(?:it\s+|me\s+|mi\s+)?)?"
    r"(?:in|em|en)\s+(?P<lang>" + "|".join(f"(?P<{k}>{v})" for k, v in _LANGUAGE_NAMES.items()) + r")"
    r"\W*(?:(?:please|per favore|por favor|grazie|obrigad[oa]|thanks)\W*)?$")


def language_asked(message: str) -> str | None:
    """The language a follow-up asks the previous answer in ("and in Italian?" -> "it"), else None."""
    m = _IN_LANGUAGE.match(fold(message))
    return next((k for k in _LANGUAGE_NAMES if m and m.group(k)), None)


def asks_whom_to_turn_to(message: str) -> bool:
    return bool(_TURN_TO.search(fold(message)))


# A person rather than the assistant ("Can I talk to a human?", "Posso parlare con un operatore?",
# "Quero falar com um atendente"): declined as a question the documents do not cover, it read as if
# the knowledge base were at fault.
_PERSON = re.compile(r"\b(?:(?:talk|speak|chat)(?:ing)? (?:to|with) (?:a |an |some |your )?(?:real |live )?"
                     r"(?:human|person|people|operator|agent|someone|somebody|representative|staff)|human (?:agent|operator)|"
                     r"parlare con (?:una persona|un operatore|un'operatrice|qualcuno|un umano|una persona reale)|operatore umano|"
                     r"falar com (?:uma pessoa|um atendente|uma atendente|alguem|um humano|um operador|atendente|uma pessoa real)|"
                     r"atendimento humano|atendente humano)\b")


def asks_for_a_person(message: str) -> bool:
    return bool(_PERSON.search(fold(message)))


# What may stand between a request's lead ("we are looking for a supplier") and its object.
_LEAD_FILLER = frozenset("""
a an the of for to that who which with some any what where whose how you know
un una uno di del della dei degli delle per che il lo la i gli le quale quali chi dove come cosa conoscete conosci
um uma de do da dos das para pra pro que o os as com qual quais quem onde como voce voces conhece conhecem
help find finding locate trovare cercare aiuto aiutarci encontrar achar ajuda ajudar
need needs require requires serve servono precisa cerca cercano procura procuram busca buscam
can could may recommend suggest potete potreste puoi potresti puo possono aiutarmi aiutare aiutateci sapete indicare indicarmi
consigliare consigliarmi suggerire pode podem poderiam sabem indicar recomendar sugerir ajudem ajude
hello good morning would like know whether there any have has tell please also other another else
buongiorno buonasera salve vorrei vorremmo sapere se ci sono esistono avete hai dirmi favore qualche anche altra altre
altri altro invece
suggestion suggestions idea ideas advice tips suggerimento suggerimenti idee consiglio consigli
sugestao sugestoes ideia ideias dica dicas conselho indicacao indicacoes alguma
ola bom boa dia tarde gostaria gostariamos saber existem existe ha tem temos vcs voces poderia podem favor algum
alguma alguns algumas tambem outra outras outro outros
anyone anybody someone somebody qualcuno potrebbe potrebbero alguem indica indicam does are is
conseguem consegue conseguiriam riuscite riesci riuscireste
interested interessar interessare interessati interessate interessados interessadas interessa interesse
potremmo potremo possiamo podemos poderiamos podiamos
hi hey ciao ola oi contacts contact contatti contatto contatos contato
want wants queremos quero quer queria vogliamo voglio desideriamo piacerebbe work lavorare collaborare con trabalhar colaborar
possa possano faccia facciano faca facam fa fanno faz fazem doing
urgent urgente urgently urgentemente asap subito
quote quotes quotation estimate preventivo preventivi orcamento orcamentos cotacao cotacoes
recomendam recomenda recomendaria recomendariam consigliate consigliereste consiglia suggerite suggerisci
contratar contratare hire hiring engage ingaggiare assumere
them they it its
only just ones one solo soltanto solamente unicamente so apenas somente exclusively esclusivamente exclusivamente
these those quelle quelli queste questi essas esses estas estes aquelas aqueles
""".split())

# What may close a request without being part of what it seeks ("… in Recife asap", "… per favore").
_COURTESY_TAIL = frozenset("please thanks thank you asap urgent urgently urgente urgentemente subito grazie favore per "
                           "obrigado obrigada favor por".split())

# A run of such words (and one- or two-letter ones: "me", "a", "ci") opening a message.
_OPENING = re.compile(r"(?:\W*(?:[^\W\d_]{1,2}|" + "|".join(sorted(_LEAD_FILLER, key=len, reverse=True)) + r")\b)*\W*")


def request_object(message: str, limit: int = 80) -> str:
    """What a partner request asks for, without its lead: "Procuro uma empresa italiana que
    fabrique válvulas de esfera" -> "fabrique válvulas de esfera". The original words are kept.
    Read in the first sentence that holds a lead and says what is sought: "… válvulas de esfera
    API 6D. Quais empresas vocês recomendam?" asks for the valves, not for "vocês recomendam"."""
    sentences = [m.group(0) for m in re.finditer(r"[^.?!;]+(?:[.?!;]+(?=\s|$)|$)|[^\s].*?$", message)
                 if m.group(0).strip()] or [message]
    found = None
    for sentence in sentences:
        if len(sentences) > 1 and _WRITER.match(fold(sentence)):
            continue  # who is writing ("I'm the purchasing manager of a refinery contractor.")
        end, text = _object_of(sentence)
        # A lead, and something after it ("… vcs tem fornecedor de parafusos?" after "oi, tudo bem?"),
        # not the sentence given back whole for want of an object.
        if end and re.search(r"[^\W\d_]{3,}", text) and text != sentence.strip(" ?.!;:,"):
            found = text
            break
    text = found or _object_of(message)[1]
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def _object_of(message: str) -> tuple[int, str]:
    """Where the lead of `message` ends (0: none), and what is sought. A company word that follows
    what is sought ("heat treatment supplier", "fornitore" after its object) is dropped from the
    middle instead of cutting the object off."""
    folded = fold(message)
    # Leads are looked for near the start, after any greeting or courtesy that opens the message
    # ("Bom dia! Vocês podem me ajudar a encontrar um fornecedor de …").
    base = _OPENING.match(folded).end()
    end = 0
    for m in _SEEKING.finditer(folded):
        if m.start() <= max(end, base) + 40:
            end = max(end, m.end())
    kept_before = ""
    # The asker's own firm ("our company needs …", "la nostra azienda cerca …") is part of the lead.
    unowned = _POSSESSED.sub(lambda o: " " * len(o.group(0)), folded)
    for m in _ASKS_FOR_COMPANIES.finditer(unowned):
        if m.start() > max(end, base) + 40:  # leads come first; a later "company" is part of the object
            break
        before = [w for w in re.findall(r"[^\W\d_]+", unowned[end:m.start()])
                  if len(w) >= 3 and w not in _LEAD_FILLER and not w.startswith(COUNTRY_STEMS)]
        if before:  # the object came first: keep it, drop only the company word
            kept_before = message[end:m.start()]
        end = max(end, m.end())
    words = (kept_before + " " + message[end:]).split() if end else message.split()
    while words and (fold(words[0]).strip(",.;:") in _LEAD_FILLER or fold(words[0]).startswith(COUNTRY_STEMS)):
        words.pop(0)
    while len(words) > 1 and fold(words[-1]).strip(",.;:!?") in _COURTESY_TAIL:  # "… please", "… asap"
        words.pop()
    return end, " ".join(words).strip(" ?.!;:,") or message.strip(" ?.!;:,")


# --- what other firms seek --------------------------------------------------------------------
#
# "Which companies are looking for CNC machining?", "Ci sono aziende in Pernambuco che cercano
# lavorazioni CNC?", "Quem está procurando fornecedores de válvulas?": the asker wants the firms whose
# stated needs ask for something (what it can supply), not the firms that offer it. Read as a firm
# that says it makes that thing and asks for nothing else. Matched on folded text.
_SEEKERS = re.compile(
    r"\b(?:(?:compan(?:y|ies)|firms?|businesses|manufacturers|aziend[ae]|impres[ae]|ditt[ae]|empresas?|fabricantes)"
    r"(?:\s+(?!(?:that|which|who|che|que)\b)[^\s.?!;]+){0,3}?(?:\s+(?:that|which|who|che|que))?|"
    r"who|anyone|anybody|someone|somebody|chi|qualcuno|quem|alguem)"
    r"\s+(?:is |are |sta |stanno |esta |estao )?"
    r"(?:(?:looking for|look for|seeking|seeks?|searching for|search for|in need of|needs?|wants?|buys?|purchases?)|"
    r"(?P<modal>ha bisogno di|hanno bisogno di|necessita(?:no)? di|vuole|vogliono|precisa(?:m)? de|necessita(?:m)? de|"
    r"quer|querem)|"
    r"(?P<romance>cerca|cercano|cercando|compra(?:no)?|acquista(?:no)?|procura|procuram|procurando|busca|buscam|buscando|"
    r"compra(?:m)?))"
    r"\s+(?P<x>[^.?!;]+)")
# "how many companies need …?": a question about the documents, as is a need to do something
# ("companies need to apply …", "hanno bisogno di esportare", "precisam de exportar").
_HOW_MANY = re.compile(r"^\W*(?:how many|quant[aeio]s?)\b")
_TO_DO = re.compile(r"^to\b")
_INFINITIVE = re.compile(r"^(?:(?:di|de|a)\s+)?[^\W\d_]{2,}(?:are|ere|ire|ar|er|ir)\b")
_DEFINITE = frozenset("the il lo la i gli le l o a os as our my nostra nostro mia mio minha meu nossa nosso".split())


@lru_cache(maxsize=4096)
def sought_by_others(message: str) -> str | None:
    """What the firms asked for seek, when the message asks which firms seek something ("Chi cerca
    fornitori di flange?" -> "flange"); None otherwise."""
    folded = fold(message)
    m = _SEEKERS.search(folded)
    if not m or _HOW_MANY.search(folded) or _TO_DO.match(m.group("x")) or \
            (m.group("modal") and _INFINITIVE.match(m.group("x"))) or \
            (m.group("romance") and re.match(r"(?:di|de|a)\s", m.group("x")) and _INFINITIVE.match(m.group("x"))):
        return None  # none, or what firms need to do ("need to apply", "cercano di esportare"), not a thing
    # Asked, or written as a request ("Empresas que procuram válvulas"), and of firms in general:
    # "The companies participating need support …" says something of particular firms.
    before = folded[:m.start()].split()
    if ("?" not in message and m.start() > _OPENING.match(folded).end()) or (before and before[-1] in _DEFINITE):
        return None
    if len(folded) != len(message):
        message = folded
    sought = request_object(without_places(message[m.start("x"):m.end("x")], keep_all=False), limit=10_000)
    return sought if sought and not names_nothing_sought(sought) else None


def seek_any_partner(message: str) -> str | None:
    """For a question for the firms that seek partners of any kind ("Which Brazilian companies are
    looking for Italian partners?", "Quali aziende brasiliane cercano partner italiani?"), the words that
    say which firms (where they are); None otherwise. Every firm of the directory seeks partners."""
    folded = fold(message)
    m = _SEEKERS.search(folded)
    if not m or _HOW_MANY.search(folded) or not asks_for_companies(message) or own_offer(message) is not None or \
            not ("?" in message or re.search(r"\b(?:which|quali|quale|quais|qual)\b", folded)):
        return None
    if not names_nothing_sought(without_places(m.group("x"), keep_all=False)):
        return None
    return message[:m.start("x")]


# --- what the asker says it makes ------------------------------------------------------------
#
# A firm that introduces itself ("Siamo un'azienda di Brescia che produce valvole. Cerchiamo partner
# in Pernambuco.") says what it offers, and often nothing else: read as a need, its own product found
# its competitors. Partners for it are the firms that seek what it makes. Matched on folded text.

_SELF = (r"(?:we(?: are|'re)|siamo|somos|(?:our|my) (?:company|firm)|(?:la )?nostra (?:azienda|impresa|ditta)|(?:a )?nossa empresa|"
         # "I am the owner of a workshop that …", "sono il titolare di un'officina che …", "sou engenheiro de uma empresa que …"
         r"(?:i am|i'm|i work|sono|lavoro|sou|trabalho)\s+"
         r"(?:(?!(?:looking|searching|seeking|interested|ricerca|cerc\w*|procur\w*|busc\w*|interessat\w*|interessad\w*)\b)"
         r"[^\W\d_]+\s+){0,4}?"
         r"(?:(?:of|at|for|in|di|da|in|presso|per|de|em|na)\s+(?:an?|the|una?|un'|uma|a)|numa|num|nell'|nella|nello)\s*"
         r"(?:[^\W\d_]+\s+)?(?:company|firm|business|workshop|azienda|impresa|ditta|officina|"
         r"empresa|fabrica|oficina))")
# Between "we are" and "that makes": anything but another clause or a search ("we are looking for a
# company that makes …" describes the firm sought, not the asker).
_GAP = (r"(?:(?!\b(?:that|which|who|che|que|looking|searching|seeking|ricerca|cerc\w*|procur\w*|busc\w*|"
        r"need|needs|bisogno|precis\w*)\b)[^.!?;])")
_MAKES = (r"(?:makes?|produces?|manufactures?|supplies|supply|offers?|sells?|provides?|designs?|builds?|develops?|"
          r"fabricates?|does|do|trains?|"
          r"produc\w*|fabbrica(?:no)?|realizza(?:no)?|fornisc\w*|offr\w*|vend\w*|progett\w*|costruisc\w*|svilupp\w*|"
          r"fa|fanno|lavora(?:no)?|forma(?:no)?|"
          r"produz(?:em)?|fabrica(?:m)?|fornece(?:m)?|oferece(?:m)?|vende(?:m)?|projeta(?:m)?|constro(?:i|em)|"
          r"desenvolve(?:m)?|faz(?:em)?|forma(?:m)?|realiza(?:m)?)")
# "Which companies make forged flanges?": the verb after the firms asked for is how the question is
# put, not what is sought, so a reason quotes "forged flanges" (the embedding keeps the verb: without
# it, the bars that judge such questions were measured to let through more needs that no firm meets).
_FIRMS_THAT = re.compile(rf"\b(?:compan(?:y|ies)|firms?|suppliers?|aziend[ae]|impres[ae]|ditt[ae]|fornitori|"
                         rf"empresas?|fornecedor(?:es)?|which|who|chi|quali|quem|quais|che|que)\s+{_MAKES}\s+(?=\S)")


def quoted_object(need: str, sought: str) -> str:
    """`sought` as a reason quotes it: without a verb that follows the firms asked for in `need`."""
    folded = fold(sought)
    m = re.match(rf"{_MAKES}\s+(?=\S)", folded)
    if m is None or len(folded) != len(sought):
        return sought
    verb = folded[:m.end()].strip()
    return sought[m.end():] if any(f.group(0).split()[-1] == verb for f in _FIRMS_THAT.finditer(fold(need))) else sought


_WE_MAKE = (r"(?:we (?:make|produce|manufacture|supply|offer|sell|provide|design|build|develop|fabricate|run|operate)|"
            # "I run a small machine shop in Caruaru", "gestisco un'officina", "administro uma caldeiraria"
            r"i (?:run|own|manage|operate)(?= an? )|(?:gestisco|dirigo|possiedo)(?= un)|(?:administro|gerencio|toco)(?= uma? )|"
            r"produciamo|fabbrichiamo|realizziamo|forniamo|offriamo|vendiamo|progettiamo|costruiamo|sviluppiamo|gestiamo|"
            r"facciamo(?! parte)|"
            r"produzimos|fabricamos|fornecemos|oferecemos|vendemos|projetamos|construimos|desenvolvemos|operamos|"
            r"fazemos(?! parte))")
_MAKER = (r"(?:manufacturers?|producers?|makers?|suppliers?|factory|produttor[ei]|fornitor[ei]|costruttor[ei]|"
          r"fabbricant[ei]|fabbrica|fabricantes?|fornecedor(?:es|a)?|produtor(?:es|a)?|fabrica)")
# "Our company needs a supplier of …" asks for that supplier: it does not say the firm is one.
_WANTS = r"(?:needs?|seeks?|wants?|requires?|has|have|cerca\w*|serve|servono|vuole|ha|hanno|procura\w*|precisa\w*|busca\w*|quer\w*|tem)"
# Words that end the account of what a firm is ("… di Brescia", "… that …", "… looking for …").
_NOT_WHAT = (r"(?:and|e|ed|that|which|who|che|que|from|in|of|di|da|de|do|dos|das|della|del|em|no|na|with|con|com|"
             r"based|located|looking|interested|cerc\w*|procur\w*|busc\w*|company|firm|business|empresa|azienda|"
             r"impresa|ditta|partner|parceir\w*)")
# What one has that is not a firm ("we have a problem in Recife", "abbiamo una domanda").
_NOT_A_FIRM = (r"(?:problems?|issues?|questions?|doubts?|needs?|requests?|difficult\w*|problem[ai]|domand[ae]|dubbi?|"
               r"esigenz[ae]|richiest[ae]|bisogno|difficolta|duvidas?|pergunta|necessidade|pedido|dificuldade)")
_OWN_OFFER = [
    # "a partner that distributes our valves", "un distributore per le nostre valvole", "alguém para
    # revender nossas bombas", "customers for our castings", "chi potrebbe comprare le nostre valvole?":
    # the asker's own product, and the firms that would take it are sought
    re.compile(r"\b(?P<takes>distribu|resell|revend|rivend|dealer|represent|rappresent|sell|vend|buy|compr|acquist|"
               r"acquirent|adquir|customer|client)\w*\s+"
               r"(?:[a-z'-]+\s+){0,2}?(?:our|nostr[aoie]|noss[ao]s?)\s+"
               r"(?P<x>[^.!?;,]+?)(?=\s+(?:in|into|to|on|abroad|em|na|no|nos|nas|para|pela|pelo|a|al|alla|nel|nella|"
               r"ai|agli|all'estero|no exterior)\b|[.!?;,]|$)"),
    # "we are a company from Bergamo that produces …", "siamo un'azienda che produce …", "somos uma escola que forma …"
    re.compile(rf"\b{_SELF}\b{_GAP}{{0,60}}?\b(?:that|which|who|che|que)\s+{_MAKES}\s+(?P<x>.+)"),
    # "we are a Milan company making ball valves …"
    re.compile(rf"\b{_SELF}\b{_GAP}{{0,60}}?\b(?:making|producing|manufacturing|supplying|building|designing|"
               r"developing|offering|providing|selling|fabricating)\s+(?P<x>.+)"),
    # "our company makes …", "la nostra azienda produce …"
    re.compile(rf"\b{_SELF}\s+{_MAKES}\s+(?P<x>.+)"),
    # "I componenti che produciamo si rompono…", "As peças que fabricamos…", "the valves (that) we produce
    # leak…": the product is what comes before the clause, and the rest of the sentence says what happens
    # to it (read as "leak at high pressure" before, and the makers of the valves came first)
    re.compile(rf"(?P<x>(?:[^\W\d_][\w'-]*\s+){{0,3}}[^\W\d_][\w'-]*)\s+(?P<rel>(?:that|which|che|que)\s+{_WE_MAKE})"
               rf"(?=\s*(?:[,.;:!?]|$)|\s+(?!(?:an?|the|our|some|un|una|uno|i|gli|le|il|lo|la|dei|delle|um|uma|os|as|o|a|nossos|nossas)\b)[^\W\d_])"),
    re.compile(rf"\b(?P<x>(?:the|these|those|all the)\s+(?:[^\W\d_][\w'-]*\s+){{0,2}}[^\W\d_][\w'-]*)\s+(?P<rel>{_WE_MAKE})"
               rf"(?=\s*(?:[,.;:!?]|$)|\s+(?!(?:an?|the|our|some|for|to|in|and|with)\b)[^\W\d_])"),
    # "we make …", "produciamo …", "fabricamos …"
    re.compile(rf"\b{_WE_MAKE}\s+(?P<x>.+)"),
    # "we are a manufacturer of …", "siamo produttori di …", "somos um fabricante de …"
    re.compile(rf"\b{_SELF}\s+(?:(?:an?|un|una|un'|uma?|dei|degli|delle)\s+)?(?:(?!{_WANTS}\b)[^\W\d_]+\s+){{0,2}}?{_MAKER}\s+"
               r"(?:of|di|del|della|dei|delle|degli|de|da|do|dos|das)\s+(?P<x>.+)"),
    # "siamo un'officina specializzata nella revisione …", "somos uma empresa especializada em …"
    re.compile(rf"\b{_SELF}\b{_GAP}{{0,60}}?\b(?:speciali[sz]ed|specializzat[aoie]|especializad[oa]s?)\s+"
               r"(?:in|nella|nello|nel|nei|negli|nelle|em|na|no|nas|nos)\s+(?P<x>.+)"),
    # "we are a hot-dip galvanizing company"
    re.compile(r"\bwe(?: are|'re)\s+an?\s+(?P<x>[^.!?;,]{3,60}?)\s+(?:company|firm|specialist|workshop|foundry|"
               r"shop|house|business)\b"),
    # "somos uma empresa de manutenção industrial", "siamo un'azienda di stampaggio" (not "… di Brescia")
    re.compile(rf"\b{_SELF}\s+(?:an?|un|una|un'|uma?)\s*(?:company|firm|business|empresa|azienda|impresa|ditta)\s+"
               r"(?:of|in|di|del|della|dei|delle|de|da|do|dos|das)\s+(?P<x>.+)"),
    # "we have a foundry in Caruaru", "abbiamo una fonderia a Lecco", "sono il titolare di una piccola
    # carpenteria a Bergamo": what the firm is, told by where it stands (a place follows, see `own_offer`)
    re.compile(r"\b(?:we (?:have|own|run|operate)|abbiamo|possediamo|gestiamo|temos|possuimos|administramos|"
               r"(?:i am|i'm|sono|sou) (?:the |il |la |o |a )?(?:owner|co-owner|titolare|proprietari[oa]|dono|dona|"
               r"soci[oa]|fondat(?:ore|rice)|founder|fundador[a]?) (?:of|di|de|da|do))\s+"
               rf"(?:(?:an?|una?|uma?|um)\s+|un')(?!{_NOT_A_FIRM}\b)(?P<firm>[^.,;:!?]{{3,80}})"),
    # "trabalho numa empresa de manutenção industrial em Suape", "lavoro in un'azienda di stampaggio":
    # the trade of the firm one works at (not "sono di un'azienda di Brescia": a place names nothing)
    re.compile(r"\b(?:i work|lavoro|trabalho)\s+(?:[^\W\d_]+\s+){0,3}?"
               r"(?:(?:of|at|for|in|di|da|presso|per|de|em|na)\s+(?:an?|the|una?|un'|uma|a)|numa|num|nell'|nella|nello)\s*"
               r"(?:company|firm|business|azienda|impresa|ditta|empresa)\s+(?:of|di|de|da|do|dos|das)\s+(?P<x>.+)"),
    # "siamo una carpenteria metallica di Brescia", "somos uma metalúrgica de Caruaru": what the firm is
    re.compile(rf"\b{_SELF}\s+(?:una|uno|uma|un'|un|um|an|a)\b\s*(?P<x>(?:(?!{_NOT_WHAT}\b)[^\W\d_][\w'-]*\s*){{1,4}})"),
]
_HOME = re.compile(r"\s*,?\s*(?:(?:con sede|based|located|com sede|sediad[ao]|localizad[ao])\s+)?"
                   r"(?:di|de|da|do|from|in|em|at|a|na|no|nel|nella)\s+(?P<place>[^\W\d_]+)")
# What ends the account of one's own product: a clause boundary, or the request that follows it.
_OWN_END = re.compile(r"[.!?;:,]|\s(?:and|e|ed)\s+(?=(?:we|are|is|siamo|stiamo|estamos|queremos|vogliamo|want|seek|"
                      r"need|cerc|procur|busc|precis)\w*)|\b(?:looking|seeking|searching|cerchiamo|cerco|procuramos|"
                      r"procuro|buscamos|busco|we want|we seek|vogliamo|queremos)\b")


# Who is writing ("Buongiorno, sono il titolare di una piccola officina a Lecco."): no request, though it
# names a firm.
_WRITER = re.compile(r"^\W*(?:(?:hello|hi|good morning|buongiorno|buonasera|salve|ciao|bom dia|boa tarde|ola|oi)\W+)*"
                     r"(?:i am|i'm|my name is|sono|mi chiamo|sou|meu nome e|me chamo|we are|siamo|somos)\b")


# What a firm says it wants to do ("e queremos exportar para a Itália", "vorremmo entrare nel mercato
# brasiliano"): part of its request, as much as a question is.
_DESIRE = re.compile(r"\b(?:we want|we would like|we'd like|we wish|we plan|we aim|we are interested|we're interested|"
                     r"vogliamo|vorremmo|desideriamo|intendiamo|puntiamo|ci interessa|ci interesserebbe|siamo interessati|"
                     r"queremos|gostariamos|desejamos|pretendemos|planejamos|temos interesse|estamos interessados)\b")


# The kind of site a firm is, around what it makes ("small factory of …", "… plant").
_FIRM_KIND = re.compile(r"(?:(?:small|little|piccol[ao]|pequen[ao])\s+)?(?:factory|plant|fabbrica|stabilimento|fabrica|"
                        r"usina)\s+(?:of|for|di|per|de|da|do|para)\s+")
_FIRM_KIND_END = re.compile(r"\s+(?:factory|plant|facility)$")
_SITES_AS_FIRMS = {"plants": "companies", "factories": "companies", "stabilimenti": "aziende", "fabbriche": "aziende",
                   "fabricas": "empresas", "usinas": "empresas"}
_SITES = re.compile(r"\b(?:plants|factories|stabilimenti|fabbriche|f[aá]bricas|usinas)\b", re.I)
_STANDS = re.compile(r"\s(?:in|at|a|em|na|no|nel|nella|di|de|da|do)\s+(?P<place>[^\W\d_]+)")


def _a_place(message: str, start: int, word: str) -> bool:
    """Whether a word names a place: one of the partnership's, or a name ("em Caruaru", "a Torino")."""
    return any(places_named(word)) or message[start:start + 1].isupper()


@lru_cache(maxsize=4096)  # a chat turn asks it of one message several times (intent, ranking, credibility)
def own_offer(message: str) -> tuple[str, str] | None:
    """What the asker says its own firm makes or offers, and the message without that account:
    "Siamo un'azienda di Brescia che produce valvole. Cerchiamo partner in Pernambuco." ->
    ("valvole", "Cerchiamo partner in Pernambuco."). None when the message says no such thing."""
    folded = fold(message)
    if len(folded) != len(message):  # folding changed the length (a ligature): keep to folded text
        message = folded
    for pattern in _OWN_OFFER:
        m = pattern.search(folded)
        if not m:
            continue
        if "firm" in pattern.groupindex:
            # "abbiamo una fonderia di alluminio a Cremona": the firm is what comes before where it stands.
            where = next((w for w in _STANDS.finditer(folded, m.start("firm"), m.end("firm"))
                          if _a_place(message, w.start("place"), w.group("place"))), None)
            if where is None:
                continue
            start, stop = m.start("firm"), where.start()
            after = stop
            # "una piccola fabbrica di anodi sacrificali", "an epoxy resin plant": what it makes.
            kind = _FIRM_KIND.match(folded, start, stop)
            start = kind.end() if kind and kind.end() < stop else start
            stop = start + len(_FIRM_KIND_END.sub("", folded[start:stop].rstrip()))
            if not 1 <= len(folded[start:stop].split()) <= 4:
                continue
        elif "rel" in pattern.groupindex:
            # The product is the last words of the phrase before the clause ("com as peças" -> "peças").
            words = list(re.finditer(r"[^\W\d_][\w'-]*", folded[m.start("x"):m.end("x")]))
            last = max((i for i, w in enumerate(words) if w.group(0) in STOPWORDS), default=-1)
            kept = words[last + 1:]
            if not kept:
                continue
            start, stop = m.start("x") + kept[0].start(), m.end("x")
            # What happens to it stays in the request: "I componenti … si rompono presto per fatica".
            offer = message[start:stop].strip(" ,;:-")
            rest = " ".join((message[:m.start("rel")] + " " + message[m.end():]).strip(" ,;:.").split())
            return offer, rest
        else:
            start = m.start("x")
            end = _OWN_END.search(folded, start)
            stop = min(end.start() if end else len(folded), m.end("x"))
            # The rest after all the pattern read ("we are a machining *shop* in Monza …" goes on after "shop").
            after = m.end() if m.end("x") < m.end() else stop
        offer = message[start:stop].strip(" ,;:-")
        # What is left once places are gone must name something ("un'azienda di Brescia" names none).
        if not re.search(r"[^\W\d_]{3,}", without_places(offer, keep_all=False)):
            continue
        # Where the firm is ("… di Brescia e cerchiamo clienti in Brasile") is not where it wants partners.
        # (Where the product should go, "… our valves in Brazil", stays where partners are sought.)
        home = _HOME.match(folded, after) if "takes" not in pattern.groupindex else None
        if home and _a_place(message, home.start("place"), home.group("place")):
            after = home.end()
        rest = " ".join((message[:m.start()] + " " + message[after:]).strip(" ,;:.").split())
        # "… and need a foundry": the request keeps its subject, so its lead reads as one.
        rest = re.sub(r"^(?:and|e|ed)\s+(?=(?:need|needs|are|want|seek|look)\b)", "we ", rest, flags=re.I)
        # Of the rest, the sentences that ask for something, when some do: a greeting or who is
        # writing ("Salve, sono Luca di una carpenteria di Lecco.") is not what the firm seeks.
        asking = [p for p in _SENTENCE_END.split(rest)
                  if "?" in p or _SEEKING.search(fold(p)) or _DESIRE.search(fold(p))
                  or (_ASKS_FOR_COMPANIES.search(fold(p)) and not _WRITER.match(fold(p)))]
        rest = " ".join(asking) if asking else rest
        # Asked by a firm, plants and factories are firms ("… Any Brazilian automotive plants we could
        # work with?"), though not a word that asks for firms elsewhere ("valves for petrochemical plants").
        rest = _SITES.sub(lambda w: _SITES_AS_FIRMS[fold(w.group(0)).lower()], rest)
        return offer, rest
    return None


# Words that say only that a partner is wanted, not what for ("partner in Pernambuco", "nuovi clienti").
_GENERIC_SOUGHT = re.compile(
    r"\b(?:new|potential|local|business|commercial|opportunit\w*|collaborat\w*|cooperat\w*|contacts?|"
    r"nuov[aoie]|potenzial[ei]|local[ei]|commercial[ei]|opportunita|collabora\w*|cooperazione|contatti|"
    r"nov[ao]s?|potencia(?:l|is)|loca(?:l|is)|comercia(?:l|is)|oportunidades?|colabora\w*|cooperacao|contatos|"
    r"negocios?|affari|"
    # to sell abroad is to find those who buy: "e queremos exportar para a Itália", "enter the Brazilian market"
    r"export\w*|esport\w*|exporta\w*|internationali[sz]\w*|internazionalizz\w*|internacionaliz\w*|"
    r"sell|vendere|vender|enter|entrare|entrar|markets?|mercat[oi]|mercados?|expand|espandere|espanderci|expandir|"
    # and to ask who buys it: "Produciamo flange forgiate, chi in Brasile le compra?"
    r"buy|buys|purchases?|compra|comprano|compram|comprar|compraria|comprariam|acquista|acquistano|acquisterebbe|"
    # to try one's product with firms is to find them: "queremos fazer pilotos com fábricas italianas"
    r"pilots?|pilot projects?|piloti|progetti pilota|pilotos?|projetos? pilotos?|fazer|fare|run|"
    # to work in a sector or with firms is to find them: "ci interessa lavorare nel settore eolico"
    r"work|working|lavorare|trabalhar|"
    # what is left of a lead once "we are looking for" lost its "we"
    r"looking|searching|seeking|seek|want|wants|are|and|vogliamo|queremos|estamos|stiamo)\b")


# Several things sought in one request ("CNC machining and hot-dip galvanizing", "corte a laser e
# dobra de chapas"): joined by "and" or commas, each of two words or more ("oil and gas", "flange e
# guarnizioni" stay one).
_AND = re.compile(r"\s+(?:and also|and|as well as|plus|e anche|e inoltre|ed|e tambem|e)\s+|\s*[,;]\s*", re.I)


def need_parts(sought: str) -> list[str]:
    """The things a request seeks when it names two or three (see `_AND`); [] when it names one."""
    parts = [re.sub(r"^(?:(?:of|for|di|del|della|delle|dei|degli|per|de|do|da|dos|das|para)\s+)+", "", p.strip(" .?!:"), flags=re.I)
             for p in _AND.split(sought) if p.strip(" .?!:")]
    if not 2 <= len(parts) <= 3:
        return []
    for part in parts:
        words = [w for w in re.findall(r"[^\W\d_]{3,}", fold(part)) if w not in STOPWORDS and w not in _LEAD_FILLER]
        if len(words) < 2:
            return []
    return parts


# The asker's own products or services ("exportar nossos serviços"): what it offers, not what it seeks.
_OURS = re.compile(r"\b(?:our|nostr[aoie]|noss[ao]s?)\s+(?:products?|services?|solutions?|prodott[oi]|serviz[io]|"
                   r"soluzion[ei]|produtos?|servicos?|solucoes|solucao)\b")
# What the asker wants to supply or sell is its own too ("queremos fornecer peças para a indústria
# automotiva", "vogliamo vendere i nostri getti in Brasile"): the verb and its object, up to the
# word that says to whom or where.
_OUR_GOODS = re.compile(r"\b(?:supply|sell|export|offer|provide|fornire|vendere|esportare|offrire|fornecer|vender|"
                        r"exportar|oferecer)\s+(?:[a-z'-]+(?:\s+|$)){0,3}?(?=(?:to|for|in|into|on|abroad|al|alla|alle|ai|agli|"
                        r"allo|a|per|nel|nella|in|all'estero|para|ao|aos|as|no|na|em)\b|$)")


def seeks_only_partners(rest: str) -> bool:
    """Whether what a firm asks for, beside what it makes, names nothing but partners, where they are
    and in which sector ("clienti in Pernambuco nel settore automotive"): those are conditions on whom
    it is matched with, and the firms that seek its product are the answer."""
    return names_nothing_sought(without_sectors(without_places(rest)))


def names_nothing_sought(text: str, goods: bool = True) -> bool:
    """Whether a request names nothing but partners, customers or the like ("Cerchiamo partner.",
    "and we are looking for new customers"); with `goods`, what the asker wants to supply does not
    count either ("we want to supply valves, looking for partners")."""
    folded = fold(text)
    folded = _OUR_GOODS.sub(" ", folded) if goods else folded
    folded = _GENERIC_SOUGHT.sub(" ", _ASKS_FOR_COMPANIES.sub(" ", _SEEKING.sub(" ", _OURS.sub(" ", folded))))
    words = [w for w in re.findall(r"[^\W\d_]+", folded)
             if w not in _LEAD_FILLER and w not in STOPWORDS and len(w) >= 3
             and not w.startswith(COUNTRY_STEMS) and w not in _CONVERSATIONAL]
    return not words


# A question whose answer is a quantity: a date, a number, an amount, a duration, an age, a share.
_QUANTITY_ASKED = re.compile(
    r"\b(?:when|how (?:many|much|long|old|often|soon|tall|high|far|big|large|heavy|wide|deep)|"
    r"(?:what|which) (?:(?:is|are|was|were) the )?(?:years?|dates?|days?|time|age|percentage|share|amount|size|price|rate|sum)|"
    r"until when|by when|minimum|maximum|deadline|dates|costs?|price|"
    r"quando|quant[aieo]|(?:che|quale|in che) (?:anno|data|giorno|ora|eta|percentuale|importo)|"
    r"eta|percentuale|massim[aoie]|minim[aoie]|scadenza|le date|la data|costa|costano|costo|prezzo|"
    r"quant[oa]s?|(?:que|qual|em que) (?:ano|data|dia|horas?|idade|porcentagem|valor)|"
    r"idade|porcentagem|percentual|maxim[oa]s?|minim[oa]s?|prazo|datas?|custa|custam|custo|preco)\b")
# A quantity in a sentence: figures, or a number written as a word in the sentence's language
# (not "one", "uno", "um": articles and pronouns as often as numbers).
_NUMBER_WORDS = {
    "en": r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|dozen",
    "it": r"due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|venti|trenta|quaranta|cinquanta|cento|mille|mila|milioni?|miliardi?|meta",
    "pt": r"dois|duas|tres|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|vinte|trinta|quarenta|cinquenta|cem|cento|mil|milhao|milhoes|bilhoes?|metade",
}
_QUANTITY = {lang: re.compile(rf"\d|\b(?:{words})\b") for lang, words in _NUMBER_WORDS.items()}


def asks_for_a_quantity(question: str) -> bool:
    """"When…?", "How many…?", "Quanto costa…?", "Qual é a porcentagem…?", "età massima"."""
    return bool(_QUANTITY_ASKED.search(fold(question)))


def states_a_quantity(sentence: str, lang: str | None) -> bool:
    return bool(_QUANTITY.get(lang or "en", _QUANTITY["en"]).search(fold(sentence)))


# "our", "my" and their Italian and Portuguese forms (folded).
POSSESSIVE = r"(?:our|my|nostr[aoie]|mi[aoe]|miei|noss[ao]s?|me[ui]s?|minhas?)"
# The asker speaking of itself ("for machines we ship", "per i nostri clienti", "para a nossa fábrica");
# not "nos" (also Portuguese for "in the"), nor "i" and "ci" (also Italian articles and particles).
_ASKER = re.compile(rf"\b(?:we|us|ours|noi|{POSSESSIVE})\b")


def speaks_of_itself(message: str) -> bool:
    """Whether the asker speaks of itself: a trade named that way ("Customs clearance for machines we
    ship to Suape") is what it needs, not a keyword typed to see who is there."""
    return bool(_ASKER.search(fold(message)))
