"""Issue 3 figures: profile import throughput vs the raw encoder, match latency with 10 000 profiles.

    .venv/bin/python bench/match.py [--profiles 10000]

Profiles are generated from phrase pools in the three languages (fixed seed), so the set is
the same on every run; duplicates among their texts are embedded once, as in real imports.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ponte.assistant import Assistant  # noqa: E402
from ponte.assistant.ingest import profile_texts  # noqa: E402
from ponte.models import CompanyProfile, MatchRequest  # noqa: E402
from ponte.settings import Settings  # noqa: E402

POOLS = {
    "pt": (["Usinagem CNC de", "Fabricação de", "Soldagem de", "Montagem de", "Inspeção de", "Manutenção de",
            "Pintura de", "Fundição de", "Estampagem de", "Corte a laser de"],
           ["peças de aço", "tubulações offshore", "válvulas industriais", "torres eólicas", "flanges forjados",
            "vasos de pressão", "estruturas metálicas", "componentes automotivos", "cascos de navios", "eixos e engrenagens"]),
    "it": (["Lavorazione CNC di", "Produzione di", "Saldatura di", "Assemblaggio di", "Ispezione di", "Manutenzione di",
            "Verniciatura di", "Fusione di", "Stampaggio di", "Taglio laser di"],
           ["pezzi in acciaio", "tubazioni offshore", "valvole industriali", "torri eoliche", "flange forgiate",
            "recipienti a pressione", "strutture metalliche", "componenti auto", "scafi navali", "alberi e ingranaggi"]),
    "en": (["CNC machining of", "Manufacturing of", "Welding of", "Assembly of", "Inspection of", "Maintenance of",
            "Coating of", "Casting of", "Stamping of", "Laser cutting of"],
           ["steel parts", "offshore piping", "industrial valves", "wind towers", "forged flanges",
            "pressure vessels", "steel structures", "automotive components", "ship hulls", "shafts and gears"]),
}
SECTORS = ["naval-offshore", "petrochemical", "automotive", "wind", "metal-mechanical"]
CERTIFICATIONS = ["ISO 9001", "ISO 14001", "ISO 45001", "IATF 16949", "API 6D", "API 610", "EN 1090",
                  "ISO 3834", "CQI-9", "ASME", "DNV", "PED 2014/68/EU"]


def generate(n: int, seed: int = 7) -> list[CompanyProfile]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        lang = rnd.choice(["pt", "it", "en"])
        verbs, objects = POOLS[lang]
        offers = [f"{rnd.choice(verbs)} {rnd.choice(objects)}" for _ in range(2)]
        seek = f"{rnd.choice(verbs)} {rnd.choice(objects)}"
        country = "BR" if lang == "pt" or (lang == "en" and i % 2) else "IT"
        out.append(CompanyProfile(
            id=f"gen-{i:05d}", name=f"Generated {i}", country=country,
            region="Pernambuco" if country == "BR" else "Lombardia", languages=[lang],
            sectors=rnd.sample(SECTORS, 2), description=f"{offers[0]} e {offers[1]}" if lang != "en" else
            f"{offers[0]} and {offers[1]}", offers=offers, seeks=[seek],
            certifications=rnd.sample(CERTIFICATIONS, rnd.randint(0, 3))))
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", type=int, default=10000)
    args = ap.parse_args()
    profiles = generate(args.profiles)
    home = Path(tempfile.mkdtemp(prefix="ponte-bench-match-"))
    # The needs below repeat: no query cache, so every call pays for its embedding.
    assistant = Assistant(Settings(home=home, progress=False, query_cache_size=0))
    encoder = assistant.encoder
    encoder.passages(["warm-up"])
    assistant.ingest(None)  # the shipped corpus, so the baseline vectors exist before timing

    texts = [(role, t) for p in profiles for role, t in profile_texts(p)]
    unique = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    report = assistant._ingestor().write_profiles([(p, "bench") for p in profiles])
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    seeks = [t for role, t in unique if role == "seek"]
    rest = [t for role, t in unique if role != "seek"]
    for i in range(0, len(rest), 32):
        encoder.passages(rest[i:i + 32])
    for i in range(0, len(seeks), 32):
        encoder.queries(seeks[i:i + 32])
    raw_s = time.perf_counter() - t0
    print(f"import: {report.added} profiles ({len(texts)} texts, {len(unique)} distinct) in {import_s:.1f} s = "
          f"{report.added / import_s:.0f} profiles/s; raw encoder on the same distinct texts {raw_s:.1f} s; "
          f"ratio {raw_s / import_s:.2f}x")

    t0 = time.perf_counter()
    snap = assistant.snapshot()
    print(f"snapshot build with {len(snap.companies)} companies: {time.perf_counter() - t0:.2f} s")
    rnd = random.Random(1)
    ids = [p.id for p in rnd.sample(profiles, 100)]
    needs = [json.loads(l)["need"] for l in (ROOT / "eval" / "match.jsonl").read_text().splitlines() if '"need"' in l]
    assistant.match(MatchRequest(company_id=ids[0]))
    by_company, by_need, encode = [], [], []
    for cid in ids:
        t0 = time.perf_counter()
        assistant.match(MatchRequest(company_id=cid, k=5))
        by_company.append((time.perf_counter() - t0) * 1000)
    for need in (needs * 7)[:100]:
        t0 = time.perf_counter()
        assistant.match(MatchRequest(need=need, k=5))
        by_need.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        encoder.queries([need])
        encode.append((time.perf_counter() - t0) * 1000)
    print(f"match --company over {len(by_company)} calls: p50 {pct(by_company, 50):.1f} ms, p95 {pct(by_company, 95):.1f} ms "
          f"(goal p50 <= 50 ms)")
    print(f"match --need over {len(by_need)} calls: p50 {pct(by_need, 50):.1f} ms, p95 {pct(by_need, 95):.1f} ms; "
          f"baseline one raw query embedding p50 {statistics.median(encode):.1f} ms; "
          f"ratio {pct(by_need, 50) / statistics.median(encode):.1f}x")


if __name__ == "__main__":
    main()
