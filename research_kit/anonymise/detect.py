"""Finding what identifies people in text: the words and patterns, the lists, the recogniser's names.

- the vocabulary that decides (civilities, name particles, words that are never names,
  generic speaker labels, the labels of pseudonyms and category tokens: :data:`LABELS`);
- e-mails, phone numbers (Canadian, Belgian, French, international), street addresses
  and postal codes (:func:`pattern_spans`);
- names and keep lists given by the researcher (:func:`read_names`, :func:`name_list`);
- speaker labels: cleaned, split into first and last names, generic or not;
- person names from the cached annotations (:func:`ner_candidates`) and names announced
  by a civility, a relative or an introduction (:func:`cue_candidates`).

Nothing here decides a pseudonym: :mod:`.registry` groups what is found.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._csv import CsvProblem, read_rows
from .._io import read_text
from ..corpus import Corpus
from ..errors import PseudonymisationError, ResearchKitError
from ..i18n import LANGS, MESSAGES
from .matcher import fold

if TYPE_CHECKING:
    from .registry import Registry

# ---------------------------------------------------------------------------
# vocabulary

# What replaces a person, a place or a detail, by language: pseudonyms are "<label> N"
# ("Personne 3", "[lieu 2]"), details a bracketed token ("[téléphone]").
LABELS = {lang: {key: MESSAGES[f"pseudonym.{key}"][lang]
                 for key in ("participant", "person", "place", "organisation", "email", "phone", "address",
                             "postal_code", "first", "last")}
          for lang in LANGS}
_CATEGORIES = ("person", "place", "organisation", "address", "postal_code", "email", "phone")
_CATEGORY_SYNONYMS = {
    "person": "person", "personne": "person", "name": "person", "nom": "person", "speaker": "person",
    "locuteur": "person", "participant": "person", "people": "person", "per": "person",
    "place": "place", "lieu": "place", "location": "place", "loc": "place", "street": "place", "rue": "place",
    "organisation": "organisation", "organization": "organisation", "org": "organisation",
    "organisme": "organisation",
    "address": "address", "adresse": "address",
    "postal_code": "postal_code", "postal code": "postal_code", "code postal": "postal_code",
    "code_postal": "postal_code",
    "email": "email", "e-mail": "email", "courriel": "email", "mail": "email",
    "phone": "phone", "téléphone": "phone", "telephone": "phone", "tel": "phone",
}
CIVILITIES = {"madame", "monsieur", "mme", "mmes", "mlle", "mademoiselle", "mr", "mrs", "ms", "miss", "dr",
              "docteur", "docteure", "doctor", "m", "mister", "sir", "mx", "pr", "professeur", "professeure"}
PARTICLES = {"de", "du", "des", "van", "von", "der", "den", "ter", "ten", "vande", "vanden", "vander", "le", "la",
             "di", "da", "dos", "das", "del", "della", "el", "al", "ben", "bin", "ould", "mac", "st", "saint",
             "sainte", "d", "l", "o"}
# Words that are never names though they come capitalised (calendar, faith, software, greetings:
# "Bonjour Katia" is Katia); folded below.
NOT_NAMES = set((
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche noël noel pâques paques ramadan aïd aid halloween "
    "toussaint dieu jésus jesus allah covid zoom teams facebook google messenger whatsapp instagram internet "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday christmas easter god ok okay merci thanks québec quebec "
    "montréal montreal bruxelles brussels belgique canada bonjour bonsoir salut coucou allô allo bienvenue bravo "
    "hello hi hey welcome"
).split())
# Speaker labels made of these (and numbers) are not names: "Intervenant 2", "P3", "Speaker 1".
GENERIC_LABEL_WORDS = set((
    "participant participante participants intervenant intervenante intervenants personne person speaker "
    "locuteur locutrice voix voice inconnu inconnue unknown homme femme man woman p s l i r m f h "
    "interviewer intervieweur intervieweuse interviewé interviewée interviewee chercheur chercheuse researcher "
    "animateur animatrice facilitator moderator modérateur modératrice médiateur médiatrice mediator "
    "habitant habitante résident résidente resident citoyen citoyenne citizen membre member public salle audience "
    "groupe group plusieurs tous toutes all everyone multiple autre other invité invitée guest agent agente "
    "élu élue coordonnateur coordonnatrice coordinator directeur directrice director"
).split())
NAME_VARIABLE_WORDS = set((
    "participant participante participants interviewe interviewee intervieweur interviewer personne person nom "
    "name names noms prenom firstname lastname surname speaker speakers locuteur locutrice contact responsable "
    "auteur author repondant repondante respondent informant informateur informatrice"
).split())
_STREET_FR = (r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|chaussée|place|square|quai|impasse|allée|route|"
              r"rang|montée|côte|drève|clos|sentier|passage|promenade|parvis|ruelle|cité|galerie|voie|croissant")
_STREET_EN = (r"street|avenue|road|boulevard|lane|drive|court|place|way|crescent|terrace|square|parkway|highway|"
              r"st\.?|ave\.?|rd\.?|blvd\.?|ln\.?|dr\.?|ct\.?|pl\.?|cres\.?|hwy\.?")
COMMUNES = (
    "Anderlecht|Auderghem|Oudergem|Berchem-Sainte-Agathe|Sint-Agatha-Berchem|Bruxelles|Brussel|Brussels|Etterbeek|"
    "Evere|Forest|Vorst|Ganshoren|Ixelles|Elsene|Jette|Koekelberg|Molenbeek-Saint-Jean|Sint-Jans-Molenbeek|Molenbeek|"
    "Saint-Gilles|Sint-Gillis|Saint-Josse-ten-Noode|Sint-Joost-ten-Node|Saint-Josse|Schaerbeek|Schaarbeek|Uccle|"
    "Ukkel|Watermael-Boitsfort|Watermaal-Bosvoorde|Woluwe-Saint-Lambert|Sint-Lambrechts-Woluwe|Woluwe-Saint-Pierre|"
    "Sint-Pieters-Woluwe|Laeken|Laken|Neder-Over-Heembeek|Haren|Anvers|Antwerpen|Gand|Gent|Liège|Luik|Charleroi|"
    "Namur|Namen|Mons|Bergen|Louvain-la-Neuve|Louvain|Leuven|Bruges|Brugge|Wavre|Waver|Nivelles|Ottignies|Tournai|"
    "Arlon|Hasselt|Malines|Mechelen|Verviers|Seraing|Mouscron|La Louvière|Ostende|Oostende|Courtrai|Kortrijk|"
    "Aalst|Alost|Halle|Hal|Vilvorde|Vilvoorde|Zaventem|Waterloo|Braine-l'Alleud|Tubize|Dilbeek|Grimbergen"
)
NOT_NAMES = frozenset(fold(w) for w in NOT_NAMES)
GENERIC_LABEL_WORDS = frozenset(fold(w) for w in GENERIC_LABEL_WORDS)




@functools.lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """French and English stop words and oral fillers, folded (single words only)."""
    from ..stopwords import stop_words

    return frozenset(fold(w) for w in stop_words("fr") | stop_words("en") if " " not in w)


# ---------------------------------------------------------------------------
# patterns: e-mails, phones, addresses, postal codes

_S = r"[ \t\u00a0\u202f]"  # a space, never a line break: no pattern crosses turns or paragraphs
_UPPER = r"A-ZÀ-ÖØ-Þ"
_NAME_WORD = (rf"(?:(?:de|du|des|la|le|les|aux|au|sur|en){_S}+|[dl]['’])*(?:Saint-|Sainte-|St-|Ste-)?"
              rf"[{_UPPER}0-9][\w'’\-]*")
_FR_NAME = rf"{_NAME_WORD}(?:{_S}+{_NAME_WORD}){{0,3}}"
_UNIT = rf"(?:,?{_S}*(?i:app\.?|appartement|apt\.?|bureau|unité|unit|suite|local|bte|boîte|bus){_S}*\d+[A-Za-z]?)?"
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}(?![\w\-])")),
    # North America: 514 555-0182, (438) 555-0147, 514.555.0123, +1 514 555 0182, 1 800 555-0175
    ("phone", re.compile(r"(?<![\w+])(?:\+?1[ .\-]?)?(?:\([2-9]\d{2}\)[ .\-]?|[2-9]\d{2}[ .\-]?)[2-9]\d{2}[ .\-]?\d{4}"
                         rf"(?:{_S}*(?i:poste|ext\.?|x){_S}*\d{{1,5}})?(?![\w])")),
    # Belgium: 02 555 12 34, +32 2 555 12 34, 0470 55 12 34, 0470/55.12.34, 010 23 45 67
    ("phone", re.compile(r"(?<![\w+])(?:(?:\+|00)32[ .]?(?:\(0\)[ .]?)?|0)"
                         r"(?:4\d{2}(?:[ ./\-]?\d{2}){3}|4\d{2}[ ./\-]?\d{3}[ ./\-]?\d{3}"
                         r"|[2-9][ ./\-]?\d{3}(?:[ ./\-]?\d{2}){2}"
                         r"|[1-9]\d[ ./\-]?\d{2}(?:[ ./\-]?\d{2}){2})(?![\w])")),
    # France (Belgian and Québec participants have some): 06 12 34 56 78, +33 6 12 34 56 78
    ("phone", re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .]?(?:\(0\)[ .]?)?|0)[1-9](?:[ .\-]?\d{2}){4}(?![\w])")),
    # any other international number: + country code, 8 to 15 digits
    ("phone", re.compile(r"(?<![\w+])\+\d{2,3}(?:[ .\-]?\(?\d{1,4}\)?){2,6}(?![\w])")),
    # 4521, rue des Érables ; 12 avenue Louise ; 3380, avenue des Peupliers, app. 3
    ("address", re.compile(rf"(?<![\w,.])\d{{1,5}}(?:{_S}?(?:[A-Da-d]|bis|ter)\b)?,?{_S}+(?i:{_STREET_FR})\.?{_S}+"
                           rf"{_FR_NAME}{_UNIT}")),
    # rue des Tanneurs 47 ; chaussée de Gand 12, bte 3
    ("address", re.compile(rf"(?<![\w])(?i:{_STREET_FR})\.?{_S}+{_FR_NAME},?{_S}+(?![1-9]\d{{3}}{_S}+(?:{COMMUNES}))"
                           rf"\d{{1,4}}(?:{_S}?[A-Da-d])?(?![\w]){_UNIT}")),
    # 123 Main Street ; 6235 Harrowgate Avenue
    ("address", re.compile(rf"(?<![\w,.])\d{{1,5}}{_S}+[{_UPPER}][\w'’\-]*(?:{_S}+[{_UPPER}][\w'’\-]*){{0,2}}{_S}+"
                           rf"(?i:{_STREET_EN})(?![\w]){_UNIT}")),
    # Québec / Canada: H2X 1Y4, H2X1Y4
    ("postal_code", re.compile(r"(?<![\w])(?i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \-]?\d[ABCEGHJ-NPRSTV-Z]\d)"
                               r"(?![\w])")),
    # Belgium: B-1080, 1080 Bruxelles, code postal 1080
    ("postal_code", re.compile(r"(?<![\w\-])B-?[1-9]\d{3}(?![\w])")),
    ("postal_code", re.compile(rf"(?<![\w,.\-])[1-9]\d{{3}}(?={_S}+(?:{COMMUNES})(?![\w]))")),
    ("postal_code", re.compile(rf"(?<![\w])(?i:code postal|postal code|cp){_S}*:?{_S}*(?P<v>[1-9]\d{{3}})(?![\w])")),
]
_PHONE_DIGITS = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_BEFORE = re.compile(r"(?i:\b(?:en|depuis|dès|avant|après|jusqu['’]en|vers|l['’]an|année|in|since|by|from|"
                          r"until|year|before|after|around))[ \u00a0]+$")
CIVILITY_BEFORE = re.compile(r"(?:^|(?<=[^\w]))(" + "|".join(sorted(CIVILITIES - {"m"}, key=len, reverse=True))
                             + r"|m\.)\.?[ ]+$")
_NOT_NAME_POS = {"VERB", "AUX", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "INTJ", "ADV", "NUM", "PUNCT", "SYM"}
# which detector wins when two find spans of the same length at one place
PRECEDENCE = {"names": 0, "speaker": 1, "variable": 2, "key": 2, "ner": 3, "email": 4, "phone": 5, "address": 6,
              "postal_code": 7, "street": 8, "facility": 8, "local place": 9, "organisation": 9, "acronym": 9,
              "public place": 9, "birth date": 10, "age": 10, "occupation": 10}


def pattern_spans(text: str, extra_communes: re.Pattern | None) -> list[tuple[int, int, str]]:
    """``[(start, end, category), ...]`` of e-mails, phones, addresses and postal codes, left to right."""
    spans = []
    for category, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span("v") if "v" in pattern.groupindex else m.span()
            value = m.group()
            if category == "phone" and value.startswith("+"):
                if not 8 <= len(_PHONE_DIGITS.findall(value)) <= 15:
                    continue
            if category == "postal_code" and _YEAR.fullmatch(text[s:e]) and _YEAR_BEFORE.search(text[max(0, s - 16):s]):
                continue  # "en 2024 Bruxelles a changé"
            spans.append((s, e, category))
    if extra_communes is not None:
        for m in extra_communes.finditer(text):
            spans.append((m.start(), m.end(), "postal_code"))
    # "47 rue des Fileuses" and "rue des Fileuses 47" overlapping: one address, their union
    merged: list[tuple[int, int, str]] = []
    for s, e, category in sorted(spans):
        if merged and merged[-1][2] == category and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]), category)
        else:
            merged.append((s, e, category))
    return merged


# ---------------------------------------------------------------------------
# names and keep lists


def read_names(path: str | os.PathLike) -> list[tuple[str, str]]:
    """Read a names (or keep) list: ``[(name, category), ...]``.

    A ``.csv``/``.tsv`` file needs a ``name`` column (``nom``, ``word``, ``mot`` also
    work) and may have a ``category`` column (person, place, organisation, address,
    postal_code, email, phone; French names accepted). Any other file has one name per
    line; ``#`` starts a comment; a line starting with a street word (*rue*, *avenue*,
    *parc*, *quartier*…) is a place, any other a person.

    Raises
    ------
    PseudonymisationError
        ``RK-D06`` when the file cannot be read or looks mis-encoded (binary, or text
        decoded twice such as ``Ã©``); ``RK-D07`` for a CSV without a name column or
        with an unknown category.
    """
    path = Path(path)
    try:
        text, _ = read_text(path, repair=False)
    except ResearchKitError as e:
        raise PseudonymisationError(
            "RK-D06", f"the names list cannot be read: {e.message}", path=path,
            hint="Save it as a UTF-8 text file (one name per line) or a UTF-8 CSV with a `name` column; "
                 "nothing was written.") from e
    for number, line in enumerate(text.split("\n"), 1):
        if "\ufffd" in line or re.search(r"Ã[\u0080-\u00bf]|â€[\u0080-\u00bf™œ“”˜]|Ã©|Ã¨", line):
            raise PseudonymisationError(
                "RK-D06", f"line {number} looks mis-encoded ({line.strip()[:40]!r}): accented letters were "
                          "decoded twice or lost, so these names would never match the transcripts.",
                path=path, hint="Open the file in a text editor and save it again as UTF-8; nothing was written.")
    if path.suffix.lower() in (".csv", ".tsv"):
        return _names_from_csv(text, path)
    out = []
    for line in text.split("\n"):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            out.append((line, _guess_category(line)))
    return out


def _names_from_csv(text: str, path: Path) -> list[tuple[str, str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for item in read_rows(text, delimiter=delimiter):
        if isinstance(item, CsvProblem):
            # a quote left open would swallow the names after it: they would never be hidden
            raise PseudonymisationError("RK-D06", item.message, path=path, line=item.line, hint=item.hint)
        rows.append(item.cells)
        numbers.append(item.line)
    if not rows:
        return []
    header = [fold(h.strip()) for h in rows[0]]
    name_col = next((header.index(h) for h in ("name", "nom", "word", "mot", "original") if h in header), None)
    if name_col is None:
        raise PseudonymisationError(
            "RK-D07", f"the CSV has no `name` column (found {', '.join(rows[0]) or 'none'}).", path=path, line=1,
            hint="Name the column of names `name` (and optionally add a `category` column), or give a text "
                 "file with one name per line.")
    cat_col = next((header.index(h) for h in ("category", "categorie", "type") if h in header), None)
    out = []
    for number, row in zip(numbers[1:], rows[1:]):
        if name_col >= len(row) or not row[name_col].strip():
            continue
        name = row[name_col].strip()
        raw = row[cat_col].strip() if cat_col is not None and cat_col < len(row) else ""
        if raw:
            category = _CATEGORY_SYNONYMS.get(fold(raw).replace("-", "_").strip(),
                                              _CATEGORY_SYNONYMS.get(fold(raw).strip()))
            if category is None:
                raise PseudonymisationError(
                    "RK-D07", f'unknown category "{raw}" for "{name}".', path=path, line=number,
                    hint=f"Use one of {', '.join(_CATEGORIES)} (or leave it empty).")
        else:
            category = _guess_category(name)
        out.append((name, category))
    return out


_PLACE_WORDS = re.compile(r"^(?i:rue|avenue|av\.|boulevard|boul\.|bd|chemin|chaussée|place|square|quai|impasse|"
                          r"allée|route|parc|quartier|cité|résidence|habitations|école|street|road|park|lane|"
                          r"drive|square|ruelle|promenade)\b")


def _guess_category(name: str) -> str:
    if "@" in name:
        return "email"
    return "place" if _PLACE_WORDS.match(name) else "person"


def name_list(value: Any, what: str) -> list[tuple[str, str]]:
    """``names=`` / ``keep=``: a file path, or an iterable of names or (name, category)."""
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if isinstance(value, str) and not path.is_file():
            raise PseudonymisationError(
                "RK-D11", f"{what}={value!r} is a string but not a file.",
                hint=f"Give a file of names (one per line, or CSV), or a list: {what}=[{value!r}].")
        return read_names(path)
    out = []
    try:
        items = list(value or ())
    except TypeError:
        raise PseudonymisationError("RK-D11", f"{what} must be a file path or a list of names; "
                                              f"got {type(value).__name__}.") from None
    for item in items:
        if isinstance(item, str):
            if item.strip():
                out.append((unicodedata.normalize("NFC", item.strip()), _guess_category(item)))
        elif isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(x, str) for x in item):
            category = _CATEGORY_SYNONYMS.get(fold(item[1]).strip())
            if category is None:
                raise PseudonymisationError("RK-D07", f'unknown category "{item[1]}" for "{item[0]}" in {what}.',
                                            hint=f"Use one of {', '.join(_CATEGORIES)}.")
            out.append((unicodedata.normalize("NFC", item[0].strip()), category))
        else:
            raise PseudonymisationError("RK-D11", f"{what} must hold names (strings) or (name, category) pairs; "
                                                  f"got {item!r}.")
    return out


# ---------------------------------------------------------------------------
# speaker labels and names


def split_name(name: str) -> tuple[list[str], list[str]]:
    """``"Gérard Van Hove"`` -> (["Gérard"], ["Van", "Hove"]); a single word is a first name."""
    words = name.split()
    if len(words) < 2:
        return words, []
    for i in range(1, len(words) - 1):
        if fold(words[i]) in PARTICLES and words[i + 1][:1].isupper():
            return words[:i], words[i:]
    if fold(words[0]) in PARTICLES:
        return [], words
    return words[:-1], words[-1:]


def clean_label(label: str) -> str:
    """A speaker label without its bracketed remarks and edge punctuation: ``"Karim (mediator):"`` -> ``"Karim"``."""
    label = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", str(label))
    return " ".join(label.split()).strip(" .:-")


def generic_label(toks: tuple[str, ...], roles: set[str]) -> bool:
    """``Intervenant 2``, ``P3``, ``Animatrice``: a label that names nobody (``J-F`` does)."""
    if not toks:
        return True
    return all(t in GENERIC_LABEL_WORDS or t in roles or any(c.isdigit() for c in t)
               or (len(t) == 1 and len(toks) == 1) for t in toks)


# ---------------------------------------------------------------------------
# named entities and cues


def ner_candidates(tokens: pd.DataFrame, registry: Registry) -> list[tuple[str, str, int]]:
    """Person names from the tokens frame, filtered: ``[(doc_id, start_char, end_char), ...]``."""
    if tokens.empty:
        return []
    content = ~tokens["is_space"].to_numpy(dtype=bool) & ~tokens["is_punct"].to_numpy(dtype=bool)
    codes = pd.factorize(tokens["doc_id"])[0].astype("int64")
    sentence = tokens["sentence"].to_numpy(dtype="int64")
    key = codes * (int(sentence.max()) + 1) + sentence
    idx = np.flatnonzero(content)
    initial = np.zeros(len(tokens), dtype=bool)
    initial[idx[np.unique(key[idx], return_index=True)[1]]] = True  # first word of each sentence
    is_per = tokens["ent_type"].isin(["PER", "PERSON"]).to_numpy(dtype=bool)
    if not is_per.any():
        return []
    texts = tokens["text"].astype(str)
    # capitalised, not shouted: "Mamadou", not "THANK" of all-capitals captions
    capitalised = (texts.str[:1].str.isupper() & ~(texts.str.isupper() & (texts.str.len() > 1))).fillna(False)
    capitalised = capitalised.to_numpy(dtype=bool)
    midcaps = {fold(w) for w in texts[capitalised & content & ~initial].unique()}
    doc = tokens["doc_id"].to_numpy()
    text = texts.to_numpy()
    lemma = tokens["lemma"].to_numpy()
    pos = tokens["pos"].to_numpy()
    # "Ginette Gagnon" where the model tags only "Ginette": a capitalised word right after a
    # person, inside the sentence, belongs to the name
    n = len(tokens)
    for r in np.flatnonzero(is_per):
        j = r + 1
        while j < n and not is_per[j] and codes[j] == codes[r] and capitalised[j] and not initial[j] \
                and str(pos[j]) not in _NOT_NAME_POS and fold(text[j]) not in registry.stops \
                and fold(text[j]) not in CIVILITIES and fold(text[j]) not in NOT_NAMES:
            is_per[j] = True
            j += 1
    rows = np.flatnonzero(is_per)
    start = tokens["start_char"].to_numpy()
    end = tokens["end_char"].to_numpy()
    out = []
    run: list[int] = []

    def flush() -> None:
        if run:
            out.extend(_entity_names(run, text, lemma, pos, start, end, initial, doc, registry, midcaps))
            run.clear()

    prev = -2
    for r in rows:
        if run and (r != prev + 1 or doc[r] != doc[prev]):
            flush()
        run.append(r)
        prev = r
    flush()
    return out


def _entity_names(run: list[int], text, lemma, pos, start, end, initial, doc, registry: Registry,
                  midcaps: set[str]):
    """Split one PER run into names: capitalised words, particles inside, edges trimmed.

    A name of one word must look like one: a proper noun (or a word spaCy does not
    inflect), and, at the start of a sentence, a word the corpus also capitalises
    elsewhere (*Mamadou*, not *Wow*, *Thank*, *Hâte*).
    """

    def namey(r: int) -> bool:
        word = str(text[r])
        f = fold(word)
        if not word[:1].isupper() or any(ch.isdigit() for ch in word) or not any(ch.isalpha() for ch in word):
            return False
        if word.isupper() and len(f) > 1:
            return False  # shouted: in all-capital captions the recogniser guesses ("WIFI", "WE'RE STUDENTS")
        if f in registry.stops or f in CIVILITIES or f in NOT_NAMES or f in registry.roles or f in registry.keep \
                or f in GENERIC_LABEL_WORDS or len(f) < 2:
            return False
        if initial[r]:
            # a capitalised word at the start of a sentence: a name only if it looks like one
            if f in registry.common or str(pos[r]) not in ("PROPN", "NOUN", "X") or fold(str(lemma[r])) != f:
                return False
        return True

    names = []
    current: list[int] = []
    pending: list[int] = []  # particles waiting for a capitalised word
    for r in run:
        f = fold(str(text[r]))
        if namey(r):
            current.extend(pending)
            pending = []
            current.append(r)
        elif current and f in PARTICLES:
            pending.append(r)
        else:
            if current:
                names.append(current)
            current, pending = [], []
    if current:
        names.append(current)
    out = []
    for group in names:
        if len(group) == 1:
            r = group[0]
            f = fold(str(text[r]))
            if str(pos[r]) in ("VERB", "AUX") and fold(str(lemma[r])) != f:
                continue  # an inflected verb: "Promis", "Tenez"
            if initial[r] and (str(pos[r]) in _NOT_NAME_POS or f not in midcaps):
                continue
            if f in registry.common:
                # "the Comité logement", "une Pierre": a common word right after an article is nobody
                # (the rule mentions.decide applies to every mention of such a name)
                j = r - 1
                while j >= 0 and doc[j] == doc[r] and str(text[j]).isspace():
                    j -= 1
                if j >= 0 and doc[j] == doc[r] and str(pos[j]) == "DET":
                    continue
        out.append((str(doc[group[0]]), int(start[group[0]]), int(end[group[-1]])))
    return out


_CUE_PARTICLE = r"(?:de|du|van|von|der|den|da|di|el|al|ben|le|la|De|Van|Von|Da|Di|El|Al|Ben|Le|La)"
_CUE_NAME = rf"[{_UPPER}][\w'’\-]+(?:[ ]+(?:{_CUE_PARTICLE}[ ]+)?[{_UPPER}][\w'’\-]+){{0,2}}"
_CUES = [
    # "madame Dubois", "monsieur Claes", "Mr. Lindqvist": spaCy's small models often call these places
    re.compile(rf"(?<![\w])(?i:madame|monsieur|mme|mlle|mademoiselle|m\.|mr\.?|mrs\.?|ms\.?|miss|dr\.?|docteure?|"
               rf"doctor|councillor|councilor|alderman|alderwoman|commissioner|conseill[eè]re?|échevine?|"
               rf"bourgmestre)[ ]+(?P<name>{_CUE_NAME})"),
    # family and neighbours: "mon mari Stijn", "un petit garçon, Arthur", "my daughter Amal"
    re.compile(rf"(?<![\w])(?i:mon mari|ma femme|mon épouse|mon époux|mon conjoint|ma conjointe|mon chum|ma blonde|"
               rf"mon fils|ma fille|mon garçon|petit garçon|petite fille|mon frère|ma sœur|ma soeur|ma mère|"
               rf"mon père|"
               rf"mon voisin|ma voisine|my husband|my wife|my partner|my son|my daughter|my boy|my girl|my brother|"
               rf"my sister|my mother|my father|my neighbou?r)[ ]?,?[ ]+(?P<name>{_CUE_NAME})"),
    # a first name given after the last name: "madame Haddad, Fatima, qui est…", "Mr. Lindqvist, Per."
    re.compile(rf"(?<![\w])(?i:madame|monsieur|mme|mlle|m\.|mr\.?|mrs\.?|ms\.?)[ ]+[{_UPPER}][\w'’\-]+,[ ]+"
               rf"(?P<name>[{_UPPER}][\w'’\-]+)(?=[ ]*[,.;])"),
    # introductions: "je m'appelle Ousmane", "moi c'est Julien Mertens", "MY NAME IS GRAHAM ASHDOWN"
    re.compile(rf"(?<![\w])(?i:je m['’]appelle|je me nomme|mon nom est|mon nom c['’]est|moi c['’]est|my name is|"
               rf"my name['’]s)[ ]+(?P<name>{_CUE_NAME})"),
]


# a speaker who gives their name at a microphone, as council captions and verbatims write it:
# "GOOD EVENING. JAMAL WRIGHT, I LIVE ON FOUNDRY LANE", "DEV SANDHU, WARD 5", "Ousmane Diallo, j'habite"
_SELF_INTRODUCTION = re.compile(
    rf"(?:^|(?<=[.!?:][ ])|(?<=\n))(?P<name>[{_UPPER}][\w'’\-]+(?:[ ]+[{_UPPER}][\w'’\-]+){{1,2}}),[ ]+"
    r"(?=(?i:i|i['’]m|i['’]ve|i am|i live|ward|from|resident|j['’]|je|moi|résident|résidente|habitant|habitante)\b"
    rf"|[{_UPPER}][\w'’\-]+[ ]+(?i:{_STREET_EN})(?![\w]))")


def cue_candidates(corpus: Corpus, registry: Registry) -> list[tuple[str, int, int]]:
    """Names announced by a civility or an introduction, whatever the recogniser says.

    A self-introduction at the start of a sentence (``JAMAL WRIGHT, I LIVE ON…``) counts
    only when none of its words is a common word of the corpus (``GOOD EVENING, I…`` is
    no one).
    """
    out = []
    for doc_id in corpus.doc_ids:
        text = corpus.text(doc_id)
        for m in _SELF_INTRODUCTION.finditer(text):
            folded_words = [fold(w) for w in m.group("name").split()]
            if all(w not in registry.common and w not in registry.stops and w not in NOT_NAMES
                   and w not in registry.roles and w not in CIVILITIES and w not in GENERIC_LABEL_WORDS
                   and not any(ch.isdigit() for ch in w) for w in folded_words):
                out.append((doc_id, m.start("name"), m.end("name")))
        for cue in _CUES:
            for m in cue.finditer(text):
                words = list(re.finditer(r"\S+", m.group("name")))
                # stop at the first word that is not a name ("GRAHAM ASHDOWN AND I")
                kept = []
                for w in words:
                    f = fold(w.group())
                    if (f in registry.stops and f not in PARTICLES) or f in NOT_NAMES or f in registry.roles \
                            or f in CIVILITIES:
                        break
                    kept.append(w)
                while kept and fold(kept[-1].group()) in PARTICLES:
                    kept.pop()
                if not kept or (len(kept) == 1 and fold(kept[0].group()) in registry.common):
                    continue  # "Monsieur le Maire", "madame Présidente"
                s = m.start("name")
                out.append((doc_id, s, s + kept[-1].end()))
    return out
