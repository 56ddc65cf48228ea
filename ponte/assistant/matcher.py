"""Complementary partner matching: what one company seeks against what another offers.

Similarity of profiles is the wrong signal here: a competitor with the same offers ("twin") or
a firm that seeks the same thing ("fellow seeker") looks alike but is no partner. The score
therefore rewards need→offer fits in both directions and subtracts likeness that is not
explained by a fit. Scores are computed for every company at once with array operations, so
a match over 10 000 profiles stays in tens of milliseconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..index.lexical import fold, plain_words
from ..index.retriever import filter_mask
from ..index.snapshot import PARTNERSHIPS, SECTORS, Snapshot, bitmask
from ..models import CompanyProfile, Filters, Match
from .grounding import offer_z
from .intent import POSSESSIVE, names_only_conditions, quoted_object, request_object
from .answerer import clip
from .language import phrase, said_together
from .places import places_named, without_places
from .vocabulary import label, partnerships_named, sectors_named, without_partnerships, without_sectors

# Weights, tuned on eval/match.jsonl with `ponte eval eval/match.jsonl`.
W_REVERSE = 1.0        # being wanted for what we offer is as telling as finding what we need (1.3 before
#   the changes of issue 11; now equal on eval/match.jsonl, company MRR 0.880 -> 0.896 on eval/match/cases.jsonl)
W_DESC = 0.3           # a free-text need against a company's own description
# When a firm that says what it makes also asks for something else ("we make ball valves and need a
# foundry"), what it asks for comes first: being sought for its product weighs half as much, and a
# company that offers the asker's own product more than what is asked is a competitor by the asker's
# own account, penalised in full. eval/match/self.jsonl, the 6 needs of that kind (kind self-need):
# MRR 0.833 -> 0.917, a company to avoid first 1 -> 0, against 1.0 and 0.1 (W_REVERSE and W_TWIN).
W_OWN_REVERSE = 0.5
W_OWN_TWIN = 1.0
W_TWIN = 0.1           # penalty for offers that resemble ours more than they fit our needs
# Asked which firms seek something ("Quali imprese hanno bisogno di quadri elettrici?"), the firms that
# offer it are the opposite of the answer: eval/match/seekers.jsonl, a company to avoid first 1 -> 0
# with 0.5 or 1.0 (chosen there; seekers-2.jsonl, written after, 6/6 first with either weight).
W_ASKED_TWIN = 0.5
# A free-text need: a company whose stated need clearly fits it (standing WANTS_STANDING above the
# other companies' needs) is a fellow seeker and loses the excess of that fit over its offers' fit.
# "Vedações para cilindros hidráulicos" put first a cylinder repair shop that seeks "Vedações e
# retentores hidráulicos importados". eval/match/cases.jsonl: MRR 0.925 -> 0.928, a company to avoid
# first 4 -> 3 (fellow needs 1 -> 0), chat unchanged; at 0.5 nothing moves, at 2.0 hit@3 0.989 -> 0.984;
# without the standing gate, vague needs lost their partner in chat.
W_FELLOW = 1.0
CROSS_BORDER_BONUS = 0.1     # one language's texts still score higher together, even centred
PLACE_BONUS = 0.2      # a country or region named in a free-text need: the asker's condition
CERT_NAMED_BONUS = 0.1  # a certification the need names, held by the company
SECTOR_NAMED_BONUS = 0.1  # a sector the need asks for ("fornecedores do setor eólico"), the company's
# A partnership type the need asks for ("una joint venture", "subcontracting") is no preference: profiles
# tag types loosely, and a bonus of 0.1 put two firms above the only galvanizer for "Hot-dip galvanizing
# subcontractor in Lombardy" (eval/match/cases.jsonl hit@3 0.989 -> 0.984). It is a condition only in a
# request of conditions alone, and a reason where it holds.
# A request of conditions only ("Which Italian companies are certified ISO 9001?", "aziende del settore
# eolico"): the firms that meet them all come first, whatever they offer, ordered by the rest.
CONDITIONS_MET_BONUS = 1.0
SECTOR_BONUS = 0.008
CERT_BONUS = 0.02
LEXICAL_BONUS = 0.03
# Words of our needs found in another company's offers: same-language wording that the small
# encoder misreads ("Aço estrutural em perfis" / "Perfis estruturais de aço" scored below a valve
# maker). Measured on eval/match/cases.jsonl company cases: MRR 0.870 -> 0.880, hit@3 0.938 -> 1.0
# at 0.1 (flat from 0.1 to 0.2); eval/match.jsonl unchanged.
NEEDS_LEXICAL_BONUS = 0.1
# An offer is called a partial fit when it fits less than this share of the best candidate's fit
# (centred cosines) and does not stand STRONG_FIT_Z deviations above off-topic messages either:
# each measure alone mislabels (an English offer for a Portuguese need scores low when centred; a
# generic B2B network scores high against the null). Not yet scored by `ponte eval`.
PARTIAL_FIT = 0.6
STRONG_FIT_Z = 4.0
# ... nor within this many deviations of the leader's: across languages the centred fit of the right
# offer can fall under the share while the calibrated one stays close ("Ensaios não destrutivos" for
# "non-destructive testing services"). Chat showing the right partner: eval/match.jsonl 0.933 -> 0.956
# at 1.0 and 1.5; eval/match/cases.jsonl 0.972 at 1.0, 0.993 at 1.5 but with more partners called a
# fit (1.77 -> 1.90 shown per need), so the stricter 1.0.
PARTIAL_Z_GAP = 1.0
# Hubness: an offer written in broad terms ("steel gate valves") sits close to many requests and
# would outrank the specific offer a request names. Each offer's fit is taken relative to how close
# it sits to its HUB_K nearest unrelated messages in the asker's language (the shipped off-topic
# questions that calibrate grounding, and off-topic partner requests). Measured against the knowledge
# base's own `seeks` before, which also penalised the offer that many companies seek (a galvanizer
# among towers that all need galvanizing): eval/match.jsonl hit@3 0.988 -> 1.000, MRR 0.937 -> 0.940,
# eval/match/cases.jsonl MRR 0.926 -> 0.924; k = 5, 10 and 20 equal. With the requests added:
# eval/match/cases.jsonl MRR 0.922 -> 0.925, a company to avoid ranked first 5 -> 4.
HUB_K = 10
# `standing` needs enough companies for their spread to mean something (z of the best of n <= sqrt(n - 1)).
STANDING_MIN_COMPANIES = 20
# A company is said to seek what an asker makes only when its need stands WANTS_Z deviations above
# what the off-topic messages closest to that need reach, and WANTS_STANDING deviations above the
# other companies' needs: short noun phrases in one language ("Acciaierie per billette", "anodi
# sacrificali in zinco") sit closer together than the off-topic messages do, so the first test
# alone claimed fits between them. eval/match/self.jsonl: see `wants`.
WANTS_Z = 1.0
WANTS_STANDING = 2.0


def wants(z: float, standing: float, beside_a_request: bool = False) -> bool:
    """Whether a company's stated need credibly asks for what an asker makes (see WANTS_Z). Beside
    a request for something else, it must be a strong fit (STRONG_FIT_Z), as the request comes first."""
    return z >= WANTS_Z and standing >= WANTS_STANDING and (not beside_a_request or z >= STRONG_FIT_Z)

# Candidates re-examined one by one (certifications, reasons) after the array pass.
SHORTLIST = 50

_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << 12)], dtype=np.int64)


@dataclass(frozen=True)
class OwnOffer:
    """What an asker says its own firm makes, from a free-text need (see `intent.own_offer`)."""

    text: str
    rest: str             # the need without that account: what it seeks, if anything
    vector: np.ndarray    # its embedding (query role, as stored needs)
    generic: bool         # the rest names nothing sought ("cerchiamo partner"): only who seeks the offer counts
    asked: bool = False   # not said of the asker's firm: asked who seeks it ("Chi cerca flange?")


@dataclass
class _Rows:
    """Row numbers of one role in the snapshot's company-vector table, grouped by company."""

    rows: np.ndarray
    vectors: np.ndarray      # the rows' vectors, gathered once per snapshot rather than per call
    owners: np.ndarray       # company position of each row, non-decreasing
    starts: np.ndarray       # first row of each owner group (for np.maximum.reduceat)
    group_owner: np.ndarray  # company position of each group


# A stated need for customers ("Clienti per strutture zincate in Brasile", "Buyers of fruit pulp in
# Europe") says what the company sells, not what it would buy: matched as a need, it made a
# galvanizer that seeks customers look like a buyer of galvanizing. Distributors, agents and
# representatives are different: they are firms that offer a service, so those needs stay.
_CUSTOMERS = re.compile(r"^\W*(?:new |potential |nuovi |novos )?(?:customers?|clients?|clienti|clientes|buyers?|"
                        r"acquirenti|compradores|purchasers?)\b", re.I)


def customer_seek(text: str) -> bool:
    return bool(_CUSTOMERS.match(text))


def _rows(snap: Snapshot, role: str) -> _Rows:
    rows = np.flatnonzero(snap.cv_role == role)
    if role == "seek" and len(rows):
        rows = rows[[not customer_seek(snap.cv_text[r]) for r in rows.tolist()]]
    owners = snap.cv_owner[rows]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(rows) else np.zeros(0, dtype=np.int64)
    return _Rows(rows, np.ascontiguousarray(snap.cv_vectors[rows]), owners, starts,
                 owners[starts] if len(rows) else owners)


class Matcher:
    def __init__(self, cross_border: bool = True):
        self.cross_border = cross_border
        # The company part's tables, and the offers' centred hubness per asker language.
        self._cache: tuple[np.ndarray, dict[str, _Rows], dict[str, np.ndarray]] | None = None

    def _tables(self, snap: Snapshot) -> dict[str, _Rows]:
        # Keyed on the company part's own array, held here so it cannot be collected and its id
        # reused: snapshots that differ only in their documents share it, and the tables with it.
        if self._cache is None or self._cache[0] is not snap.cv_vectors:
            tables = {role: _rows(snap, role) for role in ("offer", "seek", "desc")}
            rows = tables["offer"].rows
            # Centred, so a fit keeps its scale beside profiles scored by description alone (no offers).
            hubs = {lang: hub[rows] - hub[rows].mean() for lang, hub in snap.offer_hub.items()} if len(rows) else {}
            self._cache = (snap.cv_vectors, tables, hubs)
        return self._cache[1]

    def _hub_of(self, snap: Snapshot, lang: str) -> np.ndarray | None:
        """Each offer's hubness for an asker in `lang` (see `_tables`); None without a calibration."""
        self._tables(snap)
        hubs = self._cache[2]
        return hubs.get(lang, hubs.get("*"))

    def standing(self, snap: Snapshot, qvec: np.ndarray, role: str = "offer") -> np.ndarray:
        """Per company: how far its best offer (with `role` "seek": its best stated need) stands above
        the other companies' for this (centred) text, in standard deviations of them all; +inf with
        too few companies to tell."""
        return self._standing(self._best(snap, qvec.reshape(1, -1), self._tables(snap)[role])[0])

    @staticmethod
    def _standing(best: np.ndarray) -> np.ndarray:
        known = best[np.isfinite(best)]
        if len(known) < STANDING_MIN_COMPANIES:
            return np.full(len(best), np.inf)
        return np.nan_to_num((best - known.mean()) / max(float(known.std()), 1e-6), nan=-np.inf)

    @staticmethod
    def _best(snap: Snapshot, queries: np.ndarray, table: _Rows) -> np.ndarray:
        """(queries × companies): each query's best cosine against each company's rows; NaN if none."""
        return Matcher._fits(snap, queries, table, None)[0]

    @staticmethod
    def _fits(snap: Snapshot, queries: np.ndarray, table: _Rows,
              hub: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Like `_best`, from one product: the fits less each row's hubness (what ranks), and the
        plain fits (what reasons compare); the same array twice without `hub`."""
        plain = np.full((len(queries), len(snap.companies)), np.nan, dtype=np.float32)
        if not len(table.rows) or not len(queries):
            return plain, plain
        sims = queries @ table.vectors.T
        plain[:, table.group_owner] = np.maximum.reduceat(sims, table.starts, axis=1)
        if hub is None:
            return plain, plain
        ranked = np.full_like(plain, np.nan)
        ranked[:, table.group_owner] = np.maximum.reduceat(sims - hub[None, :], table.starts, axis=1)
        return ranked, plain

    @staticmethod
    def _best_row(snap: Snapshot, query: np.ndarray, table: _Rows, owner: int) -> int:
        lo, hi = np.searchsorted(table.owners, [owner, owner + 1])
        return int(table.rows[lo + np.argmax(table.vectors[lo:hi] @ query)]) if hi > lo else -1

    @staticmethod
    def _aggregate(best: np.ndarray) -> np.ndarray:
        """Several needs: the best-served need counts most, the others still count, but a need
        the company does not serve counts as nothing rather than against it, so a specialist in one
        of our needs is not outranked by a firm that half-fits all of them (eval/match/cases.jsonl
        company MRR 0.845 -> 0.870, eval/match.jsonl unchanged)."""
        if best.shape[0] == 0:
            return np.zeros(best.shape[1], dtype=np.float32)
        filled = np.where(np.isnan(best), 0.0, best)
        return 0.6 * filled.max(axis=0) + 0.4 * np.maximum(filled, 0.0).mean(axis=0)

    @staticmethod
    def _shortlist(score: np.ndarray, size: int) -> np.ndarray:
        finite = np.flatnonzero(np.isfinite(score))
        if len(finite) > size:
            finite = finite[np.argpartition(-score[finite], size - 1)[:size]]
        return finite[np.argsort(-score[finite])]

    # --- by company -------------------------------------------------------------------------

    def for_company(self, snap: Snapshot, company_id: str, k: int, filters: Filters | None,
                    lang: str) -> list[Match]:
        tables = self._tables(snap)
        me = snap.company_pos[company_id]
        company = snap.companies[me]
        mine = {role: t.rows[t.owners == me] for role, t in tables.items()}
        my_seeks, my_offers = snap.cv_vectors[mine["seek"]], snap.cv_vectors[mine["offer"]]
        if not company.seeks:  # no stated need: what the company is stands in for it
            my_seeks = snap.cv_vectors[mine["desc"]]
        # (A company that only seeks customers has no need to serve: who wants what it offers decides.)
        my_needs = [snap.cv_text[r] for r in mine["seek"].tolist()]

        hub = self._hub_of(snap, snap.cv_lang[mine["seek"][0]] if len(mine["seek"]) else "*")
        fwd_best, fwd_plain = self._fits(snap, my_seeks, tables["offer"], hub)
        rev_best = self._best(snap, my_offers, tables["seek"])
        forward = self._aggregate(fwd_best)
        reverse = self._aggregate(rev_best)
        # A competitor offers what we offer: that resemblance counts against it as far as it exceeds
        # how well it fits our needs. A fellow seeker needs no penalty: it offers nothing we seek,
        # and wants what we want rather than what we offer, so both fit terms already stay low.
        twin = np.maximum(0.0, self._aggregate(self._best(snap, my_offers, tables["offer"])) - forward)
        score = (forward + W_REVERSE * reverse - W_TWIN * twin).astype(np.float64)

        if snap.offer_lexical is not None:
            score += NEEDS_LEXICAL_BONUS * _lexical(snap, my_needs)
        shared = _POPCOUNT[snap.c_sectors & snap.c_sectors[me]]
        score += SECTOR_BONUS * np.minimum(shared, 2)
        cross = snap.c_country != company.country
        if self.cross_border:
            score += CROSS_BORDER_BONUS * cross
        score[~filter_mask(snap, filters)] = -np.inf
        score[me] = -np.inf

        seek_text = fold(" ".join(company.seeks))
        ranked = []
        for pos in self._shortlist(score, max(SHORTLIST, k)):
            other = snap.companies[pos]
            certs = [c for c in other.certifications if fold(c) and fold(c) in seek_text]
            ranked.append((score[pos] + (CERT_BONUS if certs else 0.0), int(pos), certs))
        ranked.sort(key=lambda t: -t[0])

        # How well each suggestion's closest offer meets one of our needs, without the hubness
        # correction: what the reasons compare. A fit far below the best suggestion's is called
        # partial unless it stands clear of off-topic messages (as for a free-text need).
        plain = np.where(np.isnan(fwd_plain), -1.0, fwd_plain)
        top_fit = max((float(plain[:, pos].max()) for _, pos, _ in ranked[:k]), default=0.0) if len(plain) else 0.0
        seek_rows = mine["seek"] if company.seeks else mine["desc"]
        others = np.delete(rev_best, me, axis=1) if len(rev_best) else rev_best
        top_reverse = float(np.nanmax(others)) if others.size and np.isfinite(others).any() else 0.0
        matches = []
        for s, pos, certs in ranked[:k]:
            other = snap.companies[pos]
            reasons = []
            fit_label = None
            column = plain[:, pos] if len(plain) else np.zeros(0)
            if len(column) and column.max() > -1:
                i = int(np.argmax(column))
                row = self._best_row(snap, my_seeks[i], tables["offer"], pos)
                need = my_needs[i] if i < len(my_needs) else clip(company.description, 140)
                z = offer_z(snap, snap.cv_raw[seek_rows[i]], str(snap.cv_lang[seek_rows[i]]), pos)
                if column[i] >= PARTIAL_FIT * top_fit or z >= STRONG_FIT_Z:
                    reasons.append(phrase("offers_for_need", lang, offer=snap.cv_text[row], need=need))
                    fit_label = "strong" if z >= STRONG_FIT_Z else "good"
                else:
                    reasons.append(phrase("partial_fit", lang, offer=snap.cv_text[row]))
                    fit_label = "partial"
            column = np.where(np.isnan(rev_best[:, pos]), -1.0, rev_best[:, pos]) if len(rev_best) else np.zeros(0)
            # Said only where it holds: as telling as the match's other fit, and not far below the
            # best that any company reaches (a milling need does not "correspond" to galvanizing).
            if len(column) and column.max() >= forward[pos] - 0.02 and column.max() >= PARTIAL_FIT * top_reverse:
                j = int(np.argmax(column))
                row = self._best_row(snap, my_offers[j], tables["seek"], pos)
                reasons.append(phrase("seeks_what_you_offer", lang, need=snap.cv_text[row], offer=company.offers[j]))
                fit_label = "good" if fit_label in (None, "partial") else fit_label
            sectors = sorted(set(company.sectors) & set(other.sectors))
            self._common_reasons(reasons, other, lang, sectors, certs, self.cross_border and bool(cross[pos]),
                                 set(company.partnership) & set(other.partnership))
            matches.append(to_match(other, s, reasons, fit_label, lang))
        return matches

    # --- by free-text need ------------------------------------------------------------------

    def for_need(self, snap: Snapshot, need: str, qvec: np.ndarray, k: int, filters: Filters | None,
                 lang: str, lexical: np.ndarray | None = None, raw: np.ndarray | None = None,
                 written: str | None = None, sought: str | None = None,
                 clauses: list[tuple[str, np.ndarray]] | None = None,
                 own: OwnOffer | None = None, own_raw: np.ndarray | None = None) -> list[Match]:
        """Companies whose offers meet a free-text need. `qvec` is the need centred per language;
        `raw` (as the encoder gave it) and `written` (its language) place each fit against the
        calibrated off-topic distribution, so a reason claims a fit only where there is one;
        `sought` is the need without its lead and the asker's own product, which reasons quote, or of
        `clauses` (text, raw vector) the one closest to the offer that a reason names. `own` (its
        vector centred, `own_raw` as the encoder gave it) is what the asker makes: firms that seek it
        fit as well, and firms that offer it rather than what is sought are competitors."""
        tables = self._tables(snap)
        # Ranked with the hubness correction; reasons and partial fits compare the fit itself.
        offer_best, offer_fit = (a[0] for a in self._fits(snap, qvec.reshape(1, -1), tables["offer"],
                                                          self._hub_of(snap, written or lang)))
        desc_best = self._best(snap, qvec.reshape(1, -1), tables["desc"])[0]
        desc_sim = np.where(np.isnan(desc_best), 0.0, desc_best)
        score = (np.where(np.isnan(offer_best), desc_sim * 0.9, offer_best) + W_DESC * desc_sim).astype(np.float64)
        wanting = np.full(len(snap.companies), np.nan)
        if own is not None:
            # Who seeks what the asker makes. Alone when the need names nothing else ("cerchiamo
            # partner"); otherwise beside the fit, less what a competitor offers of the same.
            wanting = self._best(snap, own.vector.reshape(1, -1), tables["seek"])[0]
            wanting_standing = self._standing(wanting)
            wanted = np.where(np.isnan(wanting), 0.0, wanting)
            rival = np.nan_to_num(self._best(snap, own.vector.reshape(1, -1), tables["offer"])[0], nan=0.0)
            if own.generic:
                score = W_REVERSE * wanted - (W_ASKED_TWIN if own.asked else W_TWIN) * np.maximum(0.0, rival - wanted)
                lexical = None
            else:
                score += W_OWN_REVERSE * wanted - W_OWN_TWIN * np.maximum(0.0, rival - np.nan_to_num(offer_best, nan=0.0))
        if not (own is not None and own.generic):
            # A fellow seeker: a company that clearly seeks what is asked (its need stands out among
            # all companies' needs, as for `wants`) loses what its need fits beyond its offers.
            seeking = self._best(snap, qvec.reshape(1, -1), tables["seek"])[0]
            fellow = self._standing(seeking) >= WANTS_STANDING
            score -= W_FELLOW * fellow * np.maximum(0.0, np.nan_to_num(seeking, nan=-1.0) - np.nan_to_num(offer_fit, nan=0.0))
        if lexical is not None and len(lexical) and lexical.max() > 0:
            score += LEXICAL_BONUS * lexical / lexical.max()
        # Where the asker is, and what it holds, are not conditions on a partner ("a company from
        # Recife that makes …, looking for partners in Italy"): only the rest of the need says those.
        asked = own.rest if own is not None else need
        wants_of = conditions_named(snap, asked)
        if wants_of.certified is not None:
            score += CERT_NAMED_BONUS * wants_of.certified
        if wants_of.in_sector is not None:
            score += SECTOR_NAMED_BONUS * wants_of.in_sector
        placed = wants_of.placed if wants_of.placed is not None else np.zeros(len(snap.companies), dtype=bool)
        score += PLACE_BONUS * placed
        only = wants_of.only and own is None
        if only:
            score += CONDITIONS_MET_BONUS * wants_of.met
        if own is not None and own.generic and wants_of.placed is not None:
            # "We make …; looking for partners in Italy": the place is all that is asked, a condition.
            score[~placed] = -np.inf
        if own is not None and own.generic and wants_of.in_sector is not None:
            # "… Any Brazilian automotive plants we could work with?": and so is the sector.
            score[~wants_of.in_sector] = -np.inf
        # Fits are judged against the best company anywhere, not only among those the filters keep:
        # "and in Brazil?" where no Brazilian firm makes forged flanges gets partial fits, not good ones.
        unfiltered = self._shortlist(score, k) if filters is not None else np.zeros(0, dtype=np.int64)
        score[~filter_mask(snap, filters)] = -np.inf

        wanted = clip(quoted_object(need, sought), 80) if sought else request_object(need)  # `sought` is already the object
        matches = []
        shortlist = self._shortlist(score, k)
        judged = np.union1d(shortlist, unfiltered).astype(np.int64)
        top_fit = float(np.nanmax(offer_fit[judged])) if len(judged) and np.isfinite(offer_fit[judged]).any() else 0.0
        zs = {int(pos): offer_z(snap, raw, written or lang, int(pos)) for pos in judged} if raw is not None else {}
        top_z = max(zs.values(), default=float("-inf"))
        top_wanting = float(np.nanmax(wanting[shortlist])) if len(shortlist) and np.isfinite(wanting[shortlist]).any() else 0.0
        for pos in shortlist:
            other = snap.companies[pos]
            reasons = []
            row = self._best_row(snap, qvec, tables["offer"], pos)
            z = zs.get(int(pos)) if row >= 0 else None
            fit = None
            if own is not None:
                fit = self._wants_reason(snap, reasons, own, own_raw, written or lang, lang, int(pos), wanting[pos],
                                         top_wanting, wanting_standing[pos])
            if own is not None and own.generic:
                pass  # nothing else was asked for: what the company seeks is the whole reason
            elif only and wants_of.met[pos]:
                # Conditions only: the reason says which ones it meets, and what the company offers.
                reasons.append(phrase("meets_conditions", lang, conditions=wants_of.said_of(other, lang),
                                      offer=snap.cv_text[row] if row >= 0 else clip(other.description, 140)))
                fit = "strong"
            elif row >= 0 and (offer_fit[pos] >= PARTIAL_FIT * top_fit or
                             (z is not None and (z >= STRONG_FIT_Z or z >= top_z - PARTIAL_Z_GAP))):
                quoted = clip(max(clauses, key=lambda c: float(c[1] @ snap.cv_raw[row]))[0], 80) if clauses else wanted
                reasons.insert(0, phrase("offers_for_request", lang, offer=snap.cv_text[row], need=quoted))
                fit = "strong" if z is not None and z >= STRONG_FIT_Z else "good"
            elif row >= 0:  # no fit is claimed where the best offer fits far less than the leader's
                reasons.insert(0 if fit is None else len(reasons), phrase("partial_fit", lang, offer=snap.cv_text[row]))
                fit = fit or "partial"
            else:
                reasons.append(phrase("profile_fit", lang, text=clip(other.description, 140)))
            if not (only and wants_of.met[pos]):
                certs = wants_of.held_by(other)
                self._common_reasons(reasons, other, lang, [], certs, False, set())
                if wants_of.in_sector is not None and wants_of.in_sector[pos]:
                    reasons.append(phrase("in_sector", lang, sectors=wants_of.sectors_of(other, lang)))
                if wants_of.open_to is not None and wants_of.open_to[pos]:
                    reasons.append(phrase("partnership_types", lang, types=wants_of.partnerships_of(other, lang)))
                if placed[pos]:
                    reasons.append(phrase("in_region", lang, region=other.region or other.country, country=other.country))
            matches.append(to_match(other, float(score[pos]), reasons, fit, lang))
        return matches

    def _wants_reason(self, snap: Snapshot, reasons: list[str], own: OwnOffer, own_raw: np.ndarray | None, written: str,
                      lang: str, pos: int, wanting: float, top_wanting: float, standing: float) -> str | None:
        """The reason a company that seeks what the asker makes is a partner, and how well it fits
        (None: it seeks nothing of the kind, and no reason is claimed)."""
        row = self._best_row(snap, own.vector, self._tables(snap)["seek"], pos)
        if row < 0 or not np.isfinite(wanting):
            if own.generic:
                reasons.append(phrase("seeks_nothing_asked" if own.asked else "seeks_nothing_offered", lang))
                return "partial"
            return None
        z = offer_z(snap, own_raw, written, pos, local=True, role="seek") if own_raw is not None else float("-inf")
        if wants(z, standing, not own.generic) and (wanting >= PARTIAL_FIT * top_wanting or z >= STRONG_FIT_Z):
            reasons.append(phrase("seeks_what_you_asked" if own.asked else "seeks_what_you_offer", lang,
                                  need=snap.cv_text[row], offer=clip(own.text, 80)))
            return "strong" if z >= STRONG_FIT_Z else "good"
        if not own.generic and wants(z, standing) and wanting >= PARTIAL_FIT * top_wanting:
            # Beside a request, a need that credibly asks for what the asker makes is said (a broker
            # names a two-way fit), though only a strong one counts towards the fit.
            reasons.append(phrase("also_seeks", lang, need=snap.cv_text[row], offer=clip(own.text, 80)))
        if own.generic:
            reasons.append(phrase("partial_seek_asked" if own.asked else "partial_seek", lang, need=snap.cv_text[row]))
            return "partial"
        return None

    @staticmethod
    def _common_reasons(reasons: list[str], other: CompanyProfile, lang: str, shared: list[str],
                        certs: list[str], cross: bool, partnership: set[str]) -> None:
        if shared:
            reasons.append(phrase("shared_sectors", lang, sectors=", ".join(label(s, lang) for s in shared)))
        if cross:
            reasons.append(phrase("cross_border", lang, region=other.region or other.country, country=other.country))
        if partnership:
            reasons.append(phrase("partnership_types", lang,
                                  types=said_together([label(p, lang) for p in sorted(partnership)], lang)))
        if certs:
            reasons.append(phrase("certified", lang, certs=", ".join(certs)))


def hubness(raw: np.ndarray, questions: np.ndarray, languages: np.ndarray) -> dict[str, np.ndarray]:
    """Per language of the asker ('*': any): each company text's mean cosine to its HUB_K closest
    unrelated messages (`questions`) in that language (raw vectors, as the encoder gave them)."""
    sims = raw @ questions.T

    def top_mean(cols: np.ndarray) -> np.ndarray:
        k = min(HUB_K, cols.shape[1])
        return np.mean(np.partition(cols, cols.shape[1] - k, axis=1)[:, -k:], axis=1).astype(np.float32)

    out = {"*": top_mean(sims)}
    for lang in sorted(set(languages.tolist())):
        out[lang] = top_mean(sims[:, languages == lang])
    return out


def _lexical(snap: Snapshot, needs: list[str]) -> np.ndarray:
    """Per company: the best BM25 score of its offers against any of `needs`, as a share of that
    need's best score anywhere."""
    best = np.zeros(len(snap.companies), dtype=np.float64)
    for need in needs:
        scores = snap.offer_lexical.scores(need)
        if len(scores) and scores.max() > 0:
            np.maximum(best, scores / scores.max(), out=best)
    return best


def certification_holders(companies: list[CompanyProfile]) -> dict[str, np.ndarray]:
    """Each certification (its words, accent-folded) and the positions of the companies holding it,
    built once per snapshot: a need is then compared with the distinct certifications only."""
    holders: dict[str, list[int]] = {}
    for pos, c in enumerate(companies):
        for cert in c.certifications:
            for words in certification_names(cert):
                holders.setdefault(words, []).append(pos)
    return {words: np.asarray(sorted(set(p)), dtype=np.int64) for words, p in holders.items()}


def certification_names(cert: str) -> set[str]:
    """The ways a request may name a certification a profile holds: "ISO 9001:2015" is also "ISO
    9001", "EN 1090-2" "EN 1090", "EN ISO 9712" and "ISO/IEC 17025" "ISO 9712" and "ISO 17025"."""
    words = plain_words(cert).split()
    names = {" ".join(words)} if len(" ".join(words)) >= 3 else set()
    trimmed = list(words)
    while len(trimmed) > 2 and trimmed[-1].isdigit() and any(ch.isdigit() for w in trimmed[:-1] for ch in w):  # an edition, a part
        trimmed.pop()
        names.add(" ".join(trimmed))
    if len(words) >= 3 and (words[0] == "iso" and words[1] in ("iec", "ts") or words[1] == "iso" and len(words[0]) <= 3):
        names |= certification_names(" ".join(["iso"] + words[2:]))
    return names


@dataclass(frozen=True)
class Conditions:
    """What a free-text need asks of a partner besides an offer: per company, whether it holds a
    certification the need names, works in a sector it asks for, is in a place it names (None where
    the need names none); `only`: the need names nothing else (see `intent.names_only_conditions`)."""

    sectors: frozenset[str]
    certified: np.ndarray | None
    in_sector: np.ndarray | None
    placed: np.ndarray | None
    certs: frozenset[str]                 # the certifications named, as `certification_names` words
    only: bool
    partnerships: frozenset[str] = frozenset()
    open_to: np.ndarray | None = None   # per company: open to a partnership type the need names

    @cached_property
    def met(self) -> np.ndarray | None:
        """Per company: whether it meets every condition named (None: it names none)."""
        met = None
        for held in (self.certified, self.in_sector, self.placed, self.open_to):
            if held is not None:
                met = held.copy() if met is None else met & held
        return met

    def held_by(self, company: CompanyProfile) -> list[str]:
        """The company's certifications that the need names, as the profile writes them."""
        return [c for c in company.certifications if certification_names(c) & self.certs]

    def sectors_of(self, company: CompanyProfile, lang: str) -> str:
        return said_together([label(s, lang) for s in company.sectors if s in self.sectors], lang)

    def partnerships_of(self, company: CompanyProfile, lang: str) -> str:
        return said_together([label(p, lang) for p in company.partnership if p in self.partnerships], lang)

    def said_of(self, company: CompanyProfile, lang: str) -> str:
        """The conditions a company meets, in words ("works in the wind energy sector and holds ISO 9001")."""
        said = []
        if self.in_sector is not None:
            said.append(phrase("works_in_sector", lang, sectors=self.sectors_of(company, lang)))
        held = self.held_by(company)
        if held:
            said.append(phrase("holds", lang, certs=", ".join(held)))
        if self.placed is not None:
            said.append(phrase("is_in", lang, region=company.region or company.country, country=company.country))
        if self.open_to is not None:
            said.append(phrase("open_to", lang, types=self.partnerships_of(company, lang)))
        return said_together(said, lang)


def conditions_named(snap: Snapshot, need: str) -> Conditions:
    """The sectors, certifications (named as whole words), places and partnership types a need names."""
    n = len(snap.companies)
    sectors = frozenset(sectors_named(need))
    in_sector = (snap.c_sectors & bitmask(sectors, SECTORS)) != 0 if sectors and n else None
    folded = f" {plain_words(need)} "
    certs = frozenset(words for words in snap.cert_holders if f" {words} " in folded)
    certified = None
    if certs:
        certified = np.zeros(n, dtype=bool)
        for words in certs:
            certified[snap.cert_holders[words]] = True
    countries, regions = places_named(need)
    placed = (np.isin(snap.c_country, list(countries)) | np.isin(snap.c_region, [r[:6] for r in regions])) \
        if countries or regions else None
    kinds = frozenset(partnerships_named(need))
    open_to = (snap.c_partnership & bitmask(kinds, PARTNERSHIPS)) != 0 if kinds and n else None
    only = False
    if sectors or certs or kinds:
        rest = f" {plain_words(without_places(without_partnerships(without_sectors(need)), keep_all=False))} "
        for words in certs:
            rest = rest.replace(f" {words} ", " ")
        only = names_only_conditions(rest) and not (certs and _CERTIFYING.search(fold(need)))
    return Conditions(sectors, certified, in_sector, placed, certs, only, kinds, open_to)


# A certification sought as a service ("un partner per la certificazione PED", "help to get CE marking",
# "para obter a certificação ISO 9001"): the firms that certify are sought, not those that hold it.
_CERTIFYING = re.compile(r"\b(?:for|per|para|pra|to get|to obtain|ottenere|conseguire|obter|conseguir|help with|aiuto con|"
                         r"ajuda com)\s+(?:(?:the|our|a|la|il|lo|nostra|nostro|o|nossa|nosso)\s+)?"
                         r"(?:certification|certificazione|certificacao|certifying|certificare|certificar|marking|marcatura|marcacao)\b")


# A clause that names the asker's own product ("for our pump housings", "per i corpi delle nostre
# pompe", "para as carcaças das nossas bombas"): a preposition, up to four words, a possessive.
_PREP = r"(?:for|of|on|per|di|su|a|para|de|em|pra)"
# A place of the asker's own in between ("piping at our plant in Recife") is where, not what.
_OWN = re.compile(rf"\b{_PREP}\s+(?:(?!(?:{_PREP}|at|presso)\b)\S+\s+){{0,4}}?"
                  rf"{POSSESSIVE}\b.*$", re.I)


def without_own_product(text: str) -> str:
    """The need without a trailing clause about the asker's own product: "precision machining for
    our pump housings" is scored as "precision machining", so the pump maker does not come first."""
    cut = _OWN.sub("", text).strip(" ,;:")
    return cut if len(re.findall(r"[^\W\d_]{3,}", cut)) >= 2 else text


def to_match(c: CompanyProfile, score: float, reasons: list[str], fit: str | None = None, lang: str = "en") -> Match:
    return Match(company_id=c.id, name=c.name, country=c.country, region=c.region or "",
                 sectors=list(c.sectors), sector_names=[label(s, lang) for s in c.sectors],
                 score=round(float(score), 4), reasons=reasons, fit=fit)
