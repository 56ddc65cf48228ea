from ponte.assistant.evaluation import run_eval
from ponte.models import Filters, MatchRequest

from .conftest import ROOT


def test_matching_eval_meets_the_bar(shared_assistant):
    result = run_eval(shared_assistant, ROOT / "eval" / "match.jsonl")
    overall = result["overall"]
    assert overall["cases"] >= 40
    assert overall["hit@3"] >= 0.95, result["failures"]
    assert overall["mrr"] >= 0.85, result["failures"]
    assert overall["twin_or_fellow_first"] == 0, result["failures"]
    assert {"need-en", "need-it", "need-pt"} <= set(result["groups"])


def test_complement_not_similarity(shared_assistant):
    matches = shared_assistant.match(MatchRequest(company_id="it-valvole-brescia", k=10)).matches
    ids = [m.company_id for m in matches]
    assert "it-valvole-brescia" not in ids  # never itself
    assert ids[0] != "it-valvoflow-milano"  # a twin competitor is not a partner
    assert ids.index("br-usinagem-recife") < ids.index("it-valvoflow-milano") if "it-valvoflow-milano" in ids else True


def test_reasons_quote_offer_and_need_in_askers_language(shared_assistant):
    top = shared_assistant.match(MatchRequest(company_id="br-eolica-torres", k=3)).matches[0]
    assert top.company_id in {"it-forgiati-bergamo", "it-coatings-cremona"}
    joined = " ".join(top.reasons)
    assert "oferece" in joined  # Portuguese-speaking asker
    assert "Flange forgiate" in joined or "Anticorrosion" in joined
    assert "Flanges forjados" in joined or "pintura anticorrosiva" in joined


def test_need_honours_country_words(shared_assistant):
    it = shared_assistant.match(MatchRequest(need="laboratório de ensaios não destrutivos na Itália", k=3)).matches
    br = shared_assistant.match(MatchRequest(need="laboratório de ensaios não destrutivos no Brasil", k=3)).matches
    assert it[0].company_id == "it-ndt-varese"
    assert br[0].country == "BR" and "br-inspecao-recife" in [m.company_id for m in br]


def test_filters_and_cross_border_setting(shared_assistant):
    only_it = shared_assistant.match(MatchRequest(company_id="br-autopecas-goiana", k=10,
                                                  filters=Filters(country="IT", sector="automotive"))).matches
    assert only_it and all(m.country == "IT" and "automotive" in m.sectors for m in only_it)


def test_match_results_hold_no_contact_data(shared_assistant):
    for req in (MatchRequest(company_id="br-usinagem-recife"), MatchRequest(need="contato email telefone")):
        dumped = shared_assistant.match(req).model_dump_json()
        assert "@" not in dumped and "5550" not in dumped
