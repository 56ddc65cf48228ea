"""Does a chat message ask for companies (partners, suppliers, customers)?"""
from __future__ import annotations

import re

from ..index.lexical import fold

# Nouns for companies and roles in a supply chain, in the three languages (accent-folded).
# "partnership"/"parceria"/"partenariato" are about the programme, not a request for firms.
_ASKS_FOR_COMPANIES = re.compile(
    r"\b("
    r"partners?|suppliers?|vendors?|customers?|clients?|compan(?:y|ies)|firms?|manufacturers?|makers?|"
    r"subcontractors?|contractors?|producers?|distributors?|fabricators?|workshops?|"
    r"fornitor[ei]|subfornitor[ei]|client[ei]|aziend[ae]|impres[ae]|dit(?:ta|te)|produttor[ei]|costruttor[ei]|"
    r"terzist[ai]|officin[ae]|"
    r"parceir[oa]s?|fornecedor(?:es|a|as)?|clientes?|empresas?|fabricantes?|prestador(?:es)?|"
    r"subcontratad[oa]s?|terceirizad[oa]s?|fabric(?:a|as)|usinagens?"
    r")\b"
)
# First-person requests ("we are looking for", "procuro", "cerchiamo") imply a partner search.
_SEEKING = re.compile(
    r"\b(we(?:'re| are)? (?:looking|searching) for|i(?:'m| am)? (?:looking|searching) for|we need|i need|"
    r"procur[oa]mos?|precis[oa]mos?|preciso de|buscamos|busco|"
    r"cerc(?:o|hiamo)|abbiamo bisogno|ho bisogno)\b"
)


def asks_for_companies(message: str) -> bool:
    text = fold(message)
    return bool(_ASKS_FOR_COMPANIES.search(text) or _SEEKING.search(text))
