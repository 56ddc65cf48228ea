"""Where a message says partners should be: the partnership's countries and regions, named in any
of the three languages. Read by the intent rules, the matcher and chat alike."""
from __future__ import annotations

import re

from ..index.lexical import fold
from ..models import Filters

# Words that name the partnership's countries in the three languages (stems, accent-folded).
_COUNTRY_WORDS = {
    "IT": ("ital",),
    "BR": ("brasil", "brazil"),
}
COUNTRY_STEMS = tuple(stem for stems in _COUNTRY_WORDS.values() for stem in stems)
_REGION_WORDS = {
    "lombardia": ("lombard", "milan", "bergam", "bresci", "varese", "monza", "como", "lecco", "cremon", "pavia", "mantov", "lodi", "sondrio"),
    "pernambuco": ("pernambuc", "recife", "suape", "olinda", "jaboat", "petrolina", "caruaru", "ipojuca", "goiana"),
}
PLACE_STEMS = COUNTRY_STEMS + tuple(stem for stems in _REGION_WORDS.values() for stem in stems)
# Words that only tie a place name to the sentence ("in Pernambuco", "nel nord d'Italia", "no Brasil").
_PLACE_LEAD = frozenset("""
    in into from of the a an at to near nord sud north south northern southern
    di da del della dello dei nel nella nei a al alla dal dalla d l
    em no na nos nas do dos das de ao o a norte nordeste sul
""".split())


def places_named(text: str) -> tuple[set[str], set[str]]:
    """Countries (ISO codes) and regions that a free-text need names, in any of the three languages."""
    words = re.findall(r"[a-z]+", fold(text))
    countries = {code for code, stems in _COUNTRY_WORDS.items() if any(w.startswith(stems) for w in words)}
    regions = {region for region, stems in _REGION_WORDS.items() if any(w.startswith(stems) for w in words)}
    return countries, regions


def place_filters(text: str) -> Filters | None:
    """The places a text names as filters (a condition on partners), or None when it names none."""
    countries, regions = places_named(text)
    if not countries and not regions:
        return None
    return Filters(country=sorted(countries) or None, region=sorted(regions) or None)


def without_places(text: str, keep_all: bool = True) -> str:
    """The need with its place words (and the words that only lead to them) removed: where a
    partner should be is scored by `places_named`, not by texts that mention the same region.
    A text of place words only is kept whole, or with `keep_all` False, becomes ''."""
    kept: list[str] = []
    for w in text.split():
        if _bare(w).startswith(PLACE_STEMS):
            while kept and _bare(kept[-1]) in _PLACE_LEAD:
                kept.pop()
            end = re.search(r"[.!?;]+$", w)  # "… in Recife. We're looking for …" stays two sentences
            if end and kept and not re.search(r"[.!?;]$", kept[-1]):
                kept[-1] += end.group(0)
            continue
        kept.append(w)
    return " ".join(kept) if kept or not keep_all else text


def place_words(text: str) -> str:
    """Only the words of `text` that name a place, as written ("in Pernambuco, Brasile" -> "Pernambuco, Brasile")."""
    return " ".join(w for w in text.split() if _bare(w).startswith(PLACE_STEMS))


def _bare(word: str) -> str:  # "d'Italia" -> "italia"
    return re.sub(r"[^a-z]", "", fold(re.split(r"['’]", word)[-1]))
