"""Is there evidence for this question in the knowledge base?

E5 cosines are compressed (unrelated texts still score ~0.75), so a fixed cosine cut-off does
not transfer between questions. Each question is instead compared with how well it matches a
fixed set of unrelated background passages: the evidence must beat that baseline by a margin
(`PONTE_GROUNDING_THRESHOLD`, calibrated with `ponte eval --calibrate`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..index.lexical import STOPWORDS, Vocabulary, fold

# Unrelated everyday passages in the three languages; only their role as a baseline matters.
BACKGROUND = [
    "The recipe calls for two cups of flour, three eggs and a pinch of salt, baked for forty minutes.",
    "The football match ended in a draw after extra time, and the fans left the stadium singing.",
    "To reset your password, open the settings page and follow the link sent to your email.",
    "The museum opens at nine in the morning and tickets can be bought online or at the door.",
    "Regular exercise and a balanced diet reduce the risk of heart disease.",
    "The novel tells the story of a family that emigrates across the ocean at the start of the century.",
    "Python lists can be sorted in place with the sort method or copied with sorted.",
    "The weather forecast announces heavy rain and strong winds for the weekend.",
    "The train to the airport leaves every fifteen minutes from platform four.",
    "The band released its third album after a long world tour.",
    "Children learn languages more easily when they hear them every day at home.",
    "The city council approved a new park with playgrounds and a cycling path.",
    "La ricetta prevede farina, uova, burro e zucchero, da cuocere in forno per mezz'ora.",
    "La partita di calcio si è conclusa con un pareggio e i tifosi hanno cantato fino a tardi.",
    "Per cambiare la password apri le impostazioni e segui il link ricevuto via email.",
    "Il museo apre alle nove e i biglietti si possono comprare online o alla cassa.",
    "Il romanzo racconta la storia di una famiglia che emigra all'inizio del secolo.",
    "Le previsioni del tempo annunciano pioggia e vento forte per il fine settimana.",
    "Il treno per l'aeroporto parte ogni quindici minuti dal binario quattro.",
    "La dieta mediterranea è ricca di verdure, legumi, pesce e olio d'oliva.",
    "I bambini imparano le lingue più facilmente quando le ascoltano ogni giorno.",
    "Il comune ha approvato un nuovo parco con giochi e una pista ciclabile.",
    "A receita leva farinha, ovos, açúcar e manteiga, e vai ao forno por quarenta minutos.",
    "O jogo de futebol terminou empatado e a torcida saiu do estádio cantando.",
    "Para redefinir a senha, abra as configurações e siga o link enviado por e-mail.",
    "O museu abre às nove horas e os ingressos podem ser comprados pela internet.",
    "O romance conta a história de uma família que atravessa o oceano no início do século.",
    "A previsão do tempo indica chuva forte e ventos no fim de semana.",
    "O ônibus para o aeroporto sai a cada quinze minutos da rodoviária.",
    "Exercícios regulares e uma alimentação equilibrada reduzem o risco de doenças.",
    "As crianças aprendem línguas com mais facilidade quando as ouvem todos os dias.",
    "A prefeitura aprovou um novo parque com parquinho e ciclovia.",
    "The company announced record profits and a new chief executive for next year.",
    "Il governo ha presentato una riforma delle pensioni e del mercato del lavoro.",
    "O banco central decidiu manter a taxa de juros inalterada neste trimestre.",
    "The history of the Roman Empire spans more than a thousand years.",
]


def margin(best_sim: float, qvec: np.ndarray, background: np.ndarray | None) -> float:
    """How far the best evidence stands above this question's own unrelated-text baseline."""
    if background is None or not len(background):
        return best_sim - 0.80
    bg = background @ qvec
    # The upper part of the baseline, so one accidental near-miss cannot lift it.
    return float(best_sim - np.quantile(bg, 0.9))


@dataclass(frozen=True)
class Support:
    """How well the best evidence backs a question, in two measures that fail differently.

    The margin over the unrelated-text baseline corrects for questions that resemble everything;
    the plain cosine is steadier across the asker's language (a Portuguese question meets
    Portuguese background text on its own language, English evidence only on meaning). On the
    QA sets a question is only answered well when both clear their calibrated floors.
    """

    best: float
    margin: float

    def clears(self, min_margin: float, min_similarity: float) -> bool:
        return self.margin >= min_margin and self.best >= min_similarity


# Lower-case words that may sit inside a multi-word name ("Ministero dell'Istruzione e della Ricerca").
_CONNECTORS = {"of", "the", "and", "for", "de", "do", "da", "dos", "das", "e", "di", "del", "dell", "della",
               "delle", "degli", "dei", "y", "la", "le", "l", "d"}
_WORD = re.compile(r"[^\W\d_][\w-]*")
# Common nouns that head many proper names ("Regione Piemonte", "Fundação EU-LAC", "Distretti ad
# Alta Tecnologia"): they say nothing about which region or body is meant, so only the other
# words of a name are judged. Prefixes, so plurals and the three languages' forms all count.
_GENERIC = (
    "region", "regiao", "regioe", "govern", "minist", "agenc", "agenzi", "founda", "fondaz", "fundac", "instit",
    "istitu", "univer", "progra", "projec", "proget", "projet", "cluste", "distri", "distre", "federa", "nation",
    "nazion", "nacion", "state", "stato", "estado", "citta", "cidade", "provin", "chambe", "camera", "camara",
    "associ", "networ", "counci", "consig", "consel", "commis", "comiss", "union", "uniao", "partne", "parcer",
    "centre", "centro", "center", "area", "aree", "park", "parco", "parque", "porto", "bank", "banca", "banco", "fund", "fondo",
)


def _names(question: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words (with connectors between them), and whether a run opens a sentence."""
    text = re.sub(r"['’]", " ", question)
    words = list(_WORD.finditer(text))
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    opens = False
    for i, m in enumerate(words):
        word = m.group(0)
        before = text[words[i - 1].end() if i else 0: m.start()]
        starts_sentence = i == 0 or any(ch in before for ch in ".!?¿¡:;")
        if current and starts_sentence:  # a name never runs across sentences
            runs.append((current, opens))
            current = []
        if word[0].isupper():
            if not current:
                opens = starts_sentence
            current.append(word)
        elif current and word.lower() in _CONNECTORS and _name_goes_on(words, i):
            continue
        elif current:
            runs.append((current, opens))
            current = []
    if current:
        runs.append((current, opens))
    # A sentence's first word is capitalised anyway: "Which Brazilian agency" names only "Brazilian".
    return [(run[1:], False) if opens and len(run) > 1 else (run, opens) for run, opens in runs]


def _name_goes_on(words: list[re.Match], i: int) -> bool:
    for m in words[i + 1:]:
        w = m.group(0)
        if w[0].isupper():
            return True
        if w.lower() not in _CONNECTORS:
            return False
    return False


def unknown_names(question: str, vocabulary: Vocabulary) -> list[str]:
    """Proper names in the question that the knowledge base does not know.

    A question about "the Bavaria–São Paulo aerospace programme" must not be answered with
    Lombardy's article just because the topic is close; an unknown name is strong evidence
    that the knowledge base is about something else. A name counts as known when more than half
    of its telling words are ("Fundação EU-LAC": "EU-LAC"), so "Horizon Europe" or "São Paulo"
    are not, although "Europe" and "São" are.
    """
    unknown = []
    for run, opens in _names(question):
        if opens and len(run) == 1:
            continue  # a capitalised first word is usually just the start of the sentence
        words = [w for part in run for w in re.split(r"[-]", fold(part)) if len(w) > 2 and not w.startswith(_GENERIC)]
        if not words:
            continue
        missing = sum(not vocabulary.knows(w) for w in words)
        if missing * 2 >= len(words):
            unknown.append(" ".join(run))
    return unknown


def foreign_question(question: str, vocabulary: Vocabulary) -> bool:
    """A question of several content words none of which the knowledge base uses in any form
    ("Explain how a transformer neural network works") is about something else, however close
    its embedding happens to fall. Short questions are left to the similarity floors."""
    words = [w for w in re.findall(r"[^\W\d_]+", fold(question)) if len(w) >= 5 and w not in STOPWORDS]
    return len(words) >= 4 and not any(vocabulary.knows(w) for w in words)


def outside_knowledge(question: str, vocabulary: Vocabulary) -> bool:
    """Whether the question's own words show it is about something the knowledge base is not."""
    return bool(unknown_names(question, vocabulary)) or foreign_question(question, vocabulary)
