"""Complementary partner matching: what one company seeks against what another offers.

Similarity of profiles is the wrong signal here: a competitor with the same offers ("twin") or
a firm that seeks the same thing ("fellow seeker") looks alike but is no partner. The score
therefore rewards need→offer fits in both directions and subtracts likeness that is not
explained by a fit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..index.lexical import fold
from ..index.retriever import company_passes
from ..index.snapshot import Snapshot
from ..models import CompanyProfile, Filters, Match
from .language import phrase

# Weights, tuned on eval/match.jsonl with `ponte eval eval/match.jsonl`.
W_REVERSE = 1.3        # being wanted for what we offer is as telling as finding what we need
W_DESC = 0.3           # a free-text need against a company's own description
W_TWIN = 0.1           # penalty for offers that resemble ours more than they fit our needs
W_FELLOW = 0.1         # penalty for needs that resemble ours more than their offers fit them
CROSS_BORDER_BONUS = 0.03
PLACE_BONUS = 0.05     # a country or region named in a free-text need
SECTOR_BONUS = 0.008
CERT_BONUS = 0.02
LEXICAL_BONUS = 0.03

# Words that name the partnership's countries in the three languages (stems, accent-folded).
_COUNTRY_WORDS = {
    "IT": ("ital",),
    "BR": ("brasil", "brazil"),
}
_REGION_WORDS = {
    "lombardia": ("lombard", "milan", "bergam", "bresci", "varese", "monza", "como", "lecco", "cremon", "pavia", "mantov", "lodi", "sondrio"),
    "pernambuco": ("pernambuc", "recife", "suape", "olinda", "jaboat", "petrolina", "caruaru", "ipojuca", "goiana"),
}


@dataclass
class _Rows:
    """Row numbers of one role in the snapshot's company-vector table, grouped by company."""

    rows: np.ndarray
    owners: np.ndarray   # company position of each row, non-decreasing
    starts: np.ndarray   # first row of each owner group (for np.maximum.reduceat)
    group_owner: np.ndarray


def _rows(snap: Snapshot, role: str) -> _Rows:
    rows = np.flatnonzero(snap.cv_role == role)
    owners = snap.cv_owner[rows]
    if len(rows):
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    else:
        starts = np.zeros(0, dtype=np.int64)
    return _Rows(rows, owners, starts, owners[starts] if len(rows) else owners)


class Matcher:
    def __init__(self, cross_border: bool = True):
        self.cross_border = cross_border
        self._cache: tuple[int, dict[str, _Rows], np.ndarray] | None = None

    def _tables(self, snap: Snapshot) -> tuple[dict[str, _Rows], np.ndarray]:
        if self._cache is None or self._cache[0] != id(snap):
            tables = {role: _rows(snap, role) for role in ("offer", "seek", "desc")}
            desc_row = np.full(len(snap.companies), -1, dtype=np.int64)
            d = tables["desc"]
            desc_row[d.owners] = d.rows
            self._cache = (id(snap), tables, desc_row)
        return self._cache[1], self._cache[2]

    def _best_per_company(self, snap: Snapshot, queries: np.ndarray, table: _Rows) -> tuple[np.ndarray, np.ndarray]:
        """For each query vector and company: the best cosine against that company's rows, and which row."""
        n = len(snap.companies)
        best = np.full((len(queries), n), np.nan, dtype=np.float32)
        arg = np.full((len(queries), n), -1, dtype=np.int64)
        if not len(table.rows) or not len(queries):
            return best, arg
        sims = queries @ snap.cv_vectors[table.rows].T
        best[:, table.group_owner] = np.maximum.reduceat(sims, table.starts, axis=1)
        # Which row won, per group: compare against the broadcast group maximum.
        group_of_row = np.repeat(np.arange(len(table.starts)), np.diff(np.r_[table.starts, len(table.rows)]))
        winners = sims >= best[:, table.group_owner][:, group_of_row] - 1e-7
        for qi in range(len(queries)):
            idx = np.flatnonzero(winners[qi])
            # first winning row of each group
            g = group_of_row[idx]
            first = idx[np.r_[True, g[1:] != g[:-1]]]
            arg[qi, table.owners[first]] = table.rows[first]
        return best, arg

    @staticmethod
    def _aggregate(best: np.ndarray) -> np.ndarray:
        """Several needs: the best-served need counts most, the others still count."""
        if best.shape[0] == 0:
            return np.zeros(best.shape[1], dtype=np.float32)
        filled = np.where(np.isnan(best), 0.0, best)
        return 0.6 * filled.max(axis=0) + 0.4 * filled.mean(axis=0)

    # --- by company -------------------------------------------------------------------------

    def for_company(self, snap: Snapshot, company_id: str, k: int, filters: Filters | None,
                    lang: str) -> list[Match]:
        tables, desc_row = self._tables(snap)
        me = snap.company_pos[company_id]
        company = snap.companies[me]
        mine = {role: t.rows[t.owners == me] for role, t in tables.items()}
        my_seeks, my_offers = snap.cv_vectors[mine["seek"]], snap.cv_vectors[mine["offer"]]
        if not len(my_seeks):  # no stated need: what the company is stands in for it
            my_seeks = snap.cv_vectors[mine["desc"]]

        fwd_best, fwd_arg = self._best_per_company(snap, my_seeks, tables["offer"])
        rev_best, rev_arg = self._best_per_company(snap, my_offers, tables["seek"])
        twin_best, _ = self._best_per_company(snap, my_offers, tables["offer"])
        fellow_best, _ = self._best_per_company(snap, my_seeks, tables["seek"])
        forward = self._aggregate(fwd_best)
        reverse = self._aggregate(rev_best)
        fit = forward + W_REVERSE * reverse
        # A competitor offers what we offer; a fellow seeker needs what we need. Either resemblance
        # counts against a candidate as far as it exceeds how well the candidate fits our needs.
        twin = np.maximum(0.0, self._aggregate(twin_best) - forward)
        fellow = np.maximum(0.0, self._aggregate(fellow_best) - forward)
        score = fit - W_TWIN * twin - W_FELLOW * fellow

        seek_text = fold(" ".join(company.seeks))
        results = []
        for pos, other in enumerate(snap.companies):
            if pos == me or not company_passes(other, filters):
                continue
            s = float(score[pos])
            shared = sorted(set(company.sectors) & set(other.sectors))
            s += SECTOR_BONUS * min(len(shared), 2)
            certs = [c for c in other.certifications if fold(c) and fold(c) in seek_text]
            s += CERT_BONUS if certs else 0.0
            cross = self.cross_border and other.country != company.country
            s += CROSS_BORDER_BONUS if cross else 0.0
            results.append((s, pos, shared, certs, cross))
        results.sort(key=lambda t: -t[0])

        matches = []
        for s, pos, shared, certs, cross in results[:k]:
            other = snap.companies[pos]
            reasons = []
            i = int(np.nanargmax(np.where(np.isnan(fwd_best[:, pos]), -1, fwd_best[:, pos]))) if len(fwd_best) else -1
            if i >= 0 and fwd_arg[i, pos] >= 0:
                need = company.seeks[i] if i < len(company.seeks) else company.description[:120]
                reasons.append(phrase("offers_for_need", lang, offer=snap.cv_text[fwd_arg[i, pos]], need=need))
            if len(rev_best) and not np.all(np.isnan(rev_best[:, pos])):
                j = int(np.nanargmax(rev_best[:, pos]))
                if rev_arg[j, pos] >= 0 and rev_best[j, pos] >= forward[pos] - 0.02:
                    reasons.append(phrase("seeks_what_you_offer", lang, need=snap.cv_text[rev_arg[j, pos]],
                                          offer=company.offers[j]))
            self._common_reasons(reasons, other, lang, shared, certs, cross,
                                 set(company.partnership) & set(other.partnership))
            matches.append(_to_match(other, s, reasons))
        return matches

    # --- by free-text need ------------------------------------------------------------------

    def for_need(self, snap: Snapshot, need: str, qvec: np.ndarray, k: int, filters: Filters | None,
                 lang: str, lexical: np.ndarray | None = None) -> list[Match]:
        tables, desc_row = self._tables(snap)
        offer_best, offer_arg = self._best_per_company(snap, qvec.reshape(1, -1), tables["offer"])
        offer_best, offer_arg = offer_best[0], offer_arg[0]
        desc_sim = np.where(desc_row >= 0, snap.cv_vectors[np.maximum(desc_row, 0)] @ qvec, 0.0)
        fit = np.where(np.isnan(offer_best), desc_sim * 0.9, offer_best) + W_DESC * desc_sim
        if lexical is not None and len(lexical) and lexical.max() > 0:
            fit = fit + LEXICAL_BONUS * lexical / lexical.max()
        countries, regions = places_named(need)

        results = []
        for pos, other in enumerate(snap.companies):
            if not company_passes(other, filters):
                continue
            s = float(fit[pos])
            placed = (other.country in countries) or (fold(other.region or "") in regions)
            s += PLACE_BONUS if placed else 0.0
            results.append((s, pos, placed))
        results.sort(key=lambda t: -t[0])

        matches = []
        for s, pos, placed in results[:k]:
            other = snap.companies[pos]
            reasons = []
            if offer_arg[pos] >= 0:
                reasons.append(phrase("offers_for_need", lang, offer=snap.cv_text[offer_arg[pos]], need=_clip(need)))
            else:
                reasons.append(phrase("profile_fit", lang, text=_clip(other.description)))
            need_folded = fold(need)
            certs = [c for c in other.certifications if fold(c) in need_folded]
            self._common_reasons(reasons, other, lang, [], certs, False, set())
            if placed:
                reasons.append(phrase("in_region", lang, region=other.region or other.country, country=other.country))
            matches.append(_to_match(other, s, reasons))
        return matches

    @staticmethod
    def _common_reasons(reasons: list[str], other: CompanyProfile, lang: str, shared: list[str],
                        certs: list[str], cross: bool, partnership: set[str]) -> None:
        if shared:
            reasons.append(phrase("shared_sectors", lang, sectors=", ".join(shared)))
        if cross:
            reasons.append(phrase("cross_border", lang, region=other.region or other.country, country=other.country))
        if partnership:
            reasons.append(phrase("partnership_types", lang, types=", ".join(sorted(partnership))))
        if certs:
            reasons.append(phrase("certified", lang, certs=", ".join(certs)))


def places_named(text: str) -> tuple[set[str], set[str]]:
    """Countries (ISO codes) and regions that a free-text need names, in any of the three languages."""
    words = re.findall(r"[a-z]+", fold(text))
    countries = {code for code, stems in _COUNTRY_WORDS.items() if any(w.startswith(stems) for w in words)}
    regions = {region for region, stems in _REGION_WORDS.items() if any(w.startswith(stems) for w in words)}
    return countries, regions


def without_places(text: str) -> str:
    """The need with its place words removed: where a partner should be is scored by
    `places_named`, not by texts that happen to mention the same region."""
    stems = tuple(st for group in (_COUNTRY_WORDS, _REGION_WORDS) for v in group.values() for st in v)
    kept = [w for w in text.split() if not re.sub(r"[^a-z]", "", fold(w)).startswith(stems)]
    return " ".join(kept) if kept else text


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _to_match(c: CompanyProfile, score: float, reasons: list[str]) -> Match:
    return Match(company_id=c.id, name=c.name, country=c.country, region=c.region or "",
                 sectors=list(c.sectors), score=round(score, 4), reasons=reasons)
