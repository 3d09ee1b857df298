"""Pseudonymisation: a copy of a corpus in which participants cannot be named.

:func:`pseudonymise` returns a **new** :class:`~research_kit.corpus.Corpus` (the source
files are only read) in which

- speakers get stable, role-aware pseudonyms (``Médiateur·rice 2``, ``Habitant·e 5``,
  ``Facilitator 1``; ``Participant·e N`` / ``Participant N`` without a role), numbered in
  order of first appearance (documents sorted by date, then id);
- the same people are replaced wherever they are named inside turns, titles, document
  ids, paths and document variables: speaker labels and their variants (first name,
  last name, ``madame Tremblay``, ``M.-È. Lacasse``, ``Marie-Eve`` without accents),
  person names that spaCy's recogniser finds (through :func:`~research_kit.annotate.annotate`,
  whose cache is reused; no second NLP pass), names announced by a civility, an
  introduction or a relative (``monsieur Claes``, ``je m'appelle Ousmane``, ``mon mari
  Stijn``), names and places that you list, e-mail addresses, phone numbers (Canadian
  and Belgian forms), street addresses and postal codes (Québec ``H2X 1Y4``, Belgian
  four digits next to a commune or after ``B-``; never a bare year or count).

Every name found once is searched in every document, so a person keeps one pseudonym
across the corpus. Places are not taken from the recogniser (``Montréal`` identifies
nobody): streets with a number, postal codes, and the places you list are hidden.
``docs/pseudonymisation.md`` explains every decision and the known limits.

Everything is decided through a **key file** (JSON, owner-only permissions), created on
the first run and reused afterwards, so that one person keeps one pseudonym in every
brief. A researcher holding the key can map pseudonyms back (:func:`reveal`,
:func:`unpseudonymise`); :func:`leaks` checks texts and files for any original in it.
The key lives apart from every output: never under a ``reports/`` folder, never inside
the corpus folder or the output folder, and no notebook reads it.

Public functions
----------------
- :func:`pseudonymise` ``(corpus, *, key, names=(), keep=(), report=False)`` -> ``Corpus``,
  or ``(Corpus, replacements)`` with ``report=True``;
- :func:`write_pseudonymised` -- the ``research-kit pseudonymise`` command: reads a corpus
  folder, writes the pseudonymised copy (codings carried over) and the report;
- :func:`carry_codings` -- codings of the original corpus -> codings of the copy;
- :func:`replacement_pairs`, :func:`replacement_counts`, :func:`write_report` -- what was replaced;
- :func:`leaks`, :func:`check_publishable` -- the guarantees the brief runner relies on;
- :func:`reveal`, :func:`unpseudonymise` -- back to the originals, with the key;
- :func:`read_names` -- a names or keep list (text, one per line, or CSV).

The replacements frame
----------------------
One row per replaced string (see :data:`REPLACEMENTS`). It holds the originals: it is
for the researcher's eyes only, like the key. It is also the offset map that
:func:`carry_codings` uses.

Error codes
-----------
``RK-D01`` unreadable key; ``RK-D02`` key changed since written (tampered or
hand-edited); ``RK-D03`` key made for another corpus; ``RK-D04`` key in a place
outputs go; ``RK-D05`` key of an unknown format version; ``RK-D06`` unreadable names
or keep list; ``RK-D07`` names list content; ``RK-D08`` corpus with identities, not
pseudonymised; ``RK-D09`` report in a place outputs go; ``RK-D10`` output folder
unusable; ``RK-D11`` parameter of the wrong type; ``RK-D12`` file :func:`leaks` cannot
read. Warnings: ``RK-D20`` documents without a named-entity recogniser; ``RK-D21`` a
key readable by other users.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from . import schemas
from .schemas import REPLACEMENTS
from ._io import atomic_write_text, content_hash, read_text
from .corpus import Corpus, build_corpus
from .errors import PseudonymisationError, ResearchKitError

__all__ = [
    "pseudonymise",
    "write_pseudonymised",
    "carry_codings",
    "replacement_pairs",
    "replacement_counts",
    "write_report",
    "leaks",
    "check_publishable",
    "reveal",
    "unpseudonymise",
    "read_names",
    "REPLACEMENTS",
    "KEY_FORMAT",
    "KEY_VERSION",
]

KEY_FORMAT = "research-kit pseudonymisation key"
KEY_VERSION = 1


# ---------------------------------------------------------------------------
# vocabulary

_LABELS = {
    "fr": {"participant": "Participant·e", "person": "Personne", "place": "lieu", "organisation": "organisation",
           "email": "[courriel]", "phone": "[téléphone]", "address": "[adresse]", "postal_code": "[code postal]",
           "first": "[prénom]", "last": "[nom]"},
    "en": {"participant": "Participant", "person": "Person", "place": "place", "organisation": "organisation",
           "email": "[email]", "phone": "[phone]", "address": "[address]", "postal_code": "[postal code]",
           "first": "[first name]", "last": "[last name]"},
}
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
_CIVILITIES = {"madame", "monsieur", "mme", "mmes", "mlle", "mademoiselle", "mr", "mrs", "ms", "miss", "dr",
               "docteur", "docteure", "doctor", "m", "mister", "sir", "mx", "pr", "professeur", "professeure"}
_PARTICLES = {"de", "du", "des", "van", "von", "der", "den", "ter", "ten", "vande", "vanden", "vander", "le", "la",
              "di", "da", "dos", "das", "del", "della", "el", "al", "ben", "bin", "ould", "mac", "st", "saint",
              "sainte", "d", "l", "o"}
# Words that are never names though they come capitalised (calendar, faith, software).
_NOT_NAMES = set((
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche noël noel pâques paques ramadan aïd aid halloween "
    "toussaint dieu jésus jesus allah covid zoom teams facebook google messenger whatsapp instagram internet "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday christmas easter god ok okay merci thanks québec quebec "
    "montréal montreal bruxelles brussels belgique canada"
).split())
# Speaker labels made of these (and numbers) are not names: "Intervenant 2", "P3", "Speaker 1".
_GENERIC_LABEL_WORDS = set((
    "participant participante participants intervenant intervenante intervenants personne person speaker "
    "locuteur locutrice voix voice inconnu inconnue unknown homme femme man woman p s l i r m f h "
    "interviewer intervieweur intervieweuse interviewé interviewée interviewee chercheur chercheuse researcher "
    "animateur animatrice facilitator moderator modérateur modératrice médiateur médiatrice mediator "
    "habitant habitante résident résidente resident citoyen citoyenne citizen membre member public salle audience "
    "groupe group plusieurs tous toutes all everyone multiple autre other invité invitée guest agent agente "
    "élu élue coordonnateur coordonnatrice coordinator directeur directrice director"
).split())
_NAME_VARIABLE_WORDS = set((
    "participant participante participants interviewe interviewee intervieweur interviewer personne person nom "
    "name names noms prenom firstname lastname surname speaker speakers locuteur locutrice contact responsable "
    "auteur author repondant repondante respondent informant informateur informatrice"
).split())
_STREET_FR = (r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|chaussée|place|square|quai|impasse|allée|route|"
              r"rang|montée|côte|drève|clos|sentier|passage|promenade|parvis|ruelle|cité|galerie|voie|croissant")
_STREET_EN = (r"street|avenue|road|boulevard|lane|drive|court|place|way|crescent|terrace|square|parkway|highway|"
              r"st\.?|ave\.?|rd\.?|blvd\.?|ln\.?|dr\.?|ct\.?|pl\.?|cres\.?|hwy\.?")
_COMMUNES = (
    "Anderlecht|Auderghem|Oudergem|Berchem-Sainte-Agathe|Sint-Agatha-Berchem|Bruxelles|Brussel|Brussels|Etterbeek|"
    "Evere|Forest|Vorst|Ganshoren|Ixelles|Elsene|Jette|Koekelberg|Molenbeek-Saint-Jean|Sint-Jans-Molenbeek|Molenbeek|"
    "Saint-Gilles|Sint-Gillis|Saint-Josse-ten-Noode|Sint-Joost-ten-Node|Saint-Josse|Schaerbeek|Schaarbeek|Uccle|"
    "Ukkel|Watermael-Boitsfort|Watermaal-Bosvoorde|Woluwe-Saint-Lambert|Sint-Lambrechts-Woluwe|Woluwe-Saint-Pierre|"
    "Sint-Pieters-Woluwe|Laeken|Laken|Neder-Over-Heembeek|Haren|Anvers|Antwerpen|Gand|Gent|Liège|Luik|Charleroi|"
    "Namur|Namen|Mons|Bergen|Louvain-la-Neuve|Louvain|Leuven|Bruges|Brugge|Wavre|Waver|Nivelles|Ottignies|Tournai|"
    "Arlon|Hasselt|Malines|Mechelen|Verviers|Seraing|Mouscron|La Louvière|Ostende|Oostende|Courtrai|Kortrijk|"
    "Aalst|Alost|Halle|Hal|Vilvorde|Vilvoorde|Zaventem|Waterloo|Braine-l'Alleud|Tubize|Dilbeek|Grimbergen"
)

# ---------------------------------------------------------------------------
# folding: case- and accent-insensitive comparison at unchanged offsets


class _FoldTable(dict):
    """``str.translate`` table folding each character to one lower-case, unaccented character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "’‘ʼ`´":
            out = "'"
        elif ch in "\u00a0\u202f\u2007":
            out = " "
        elif ch in "‐‑":
            out = "-"
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)) or ch
            out = base.lower()[:1] or ch
        self[code] = out
        return out


_FOLD = _FoldTable()
_TOKEN = re.compile(r"[^\W_]+")
_NAME_SEPARATORS = set(" -'_")


def _fold(text: str) -> str:
    """Lower-case, accents removed, apostrophes and spaces unified; same length as ``text``."""
    return text.translate(_FOLD)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(_fold(text)))


def _folded_phrase(text: str) -> str:
    return " ".join(_tokens(text))


def _caps_ok(original: str, found: str) -> bool:
    """For a name that is also a common word: every word capitalised in the name is capitalised where found.

    ``Rose`` matches ``Rose`` but not ``rose``; ``Le Fil`` matches ``Le Fil`` but not ``le fil``.
    """
    wanted, seen = _TOKEN.findall(original), _TOKEN.findall(found)
    if len(wanted) != len(seen):
        return True
    return all(not w[:1].isupper() or f[:1].isupper() for w, f in zip(wanted, seen))


_NOT_NAMES = frozenset(_fold(w) for w in _NOT_NAMES)
_GENERIC_LABEL_WORDS = frozenset(_fold(w) for w in _GENERIC_LABEL_WORDS)


# ---------------------------------------------------------------------------
# phrase matching over folded tokens


class _Phrases:
    """Token sequences -> values; finds them in a text, longest first, whole words only."""

    def __init__(self) -> None:
        self.table: dict[tuple[str, ...], Any] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}

    def __contains__(self, toks: tuple[str, ...]) -> bool:
        return toks in self.table

    def get(self, toks: tuple[str, ...]) -> Any:
        return self.table.get(toks)

    def add(self, toks: tuple[str, ...], value: Any) -> None:
        if not toks:
            return
        self.table[toks] = value
        lens = set(self.lengths.get(toks[0], ()))
        lens.add(len(toks))
        self.lengths[toks[0]] = tuple(sorted(lens, reverse=True))

    def find(self, text: str, folded: str | None = None, *, lenient: bool = False, compounds: bool = True,
             accept: Callable[[int, int, Any], bool] | None = None) -> Iterator[tuple[int, int, Any]]:
        """Yield ``(start, end, value)`` for each match in ``text``, left to right, not overlapping.

        Between the words of a phrase the text may have spaces, hyphens, apostrophes or
        underscores (at most three characters; a full stop after an initial). ``lenient``
        allows any three non-word characters but a line break (for :func:`leaks`);
        ``compounds=False`` lets a name match inside a hyphenated compound (file names
        such as ``entretien-marie-eve-tremblay``). A
        match that ``accept(start, end, value)`` refuses gives way to shorter ones
        (``le Fil``: not ``Le Fil`` the organisation, but maybe ``Fil``).
        """
        if not self.table:
            return
        folded = _fold(text) if folded is None else folded
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]
        n, i = len(toks), 0
        lengths, table = self.lengths, self.table
        while i < n:
            lens = lengths.get(toks[i][2])
            matched = 0
            if lens:
                for size in lens:
                    if i + size > n:
                        continue
                    key = tuple(t[2] for t in toks[i:i + size])
                    if key not in table:
                        continue
                    if size > 1 and not all(self._joined(folded, toks[j], toks[j + 1], lenient)
                                            for j in range(i, i + size - 1)):
                        continue
                    start, end = toks[i][0], toks[i + size - 1][1]
                    if compounds and not lenient and self._inside_compound(folded, start, end):
                        continue
                    if accept is not None and not accept(start, end, table[key]):
                        continue
                    yield start, end, table[key]
                    matched = size
                    break
            i += matched or 1

    @staticmethod
    def _joined(folded: str, left: tuple, right: tuple, lenient: bool) -> bool:
        sep = folded[left[1]:right[0]]
        if len(sep) > 3 or "\n" in sep:
            return False
        if lenient:
            return True
        if sep.startswith(".") and len(left[2]) == 1:  # an initial: "M.-È. Lacasse", "J.F."
            sep = sep[1:]
        return all(c in _NAME_SEPARATORS for c in sep)

    @staticmethod
    def _inside_compound(folded: str, start: int, end: int) -> bool:
        """``Marie-Ève`` must not match inside ``Marie-Ève-Claire``."""
        after = folded[end:end + 2]
        before = folded[max(0, start - 2):start]
        return (len(after) == 2 and after[0] == "-" and after[1].isalnum()) or (
            len(before) == 2 and before[1] == "-" and before[0].isalnum())


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
    ("address", re.compile(rf"(?<![\w])(?i:{_STREET_FR})\.?{_S}+{_FR_NAME},?{_S}+(?![1-9]\d{{3}}{_S}+(?:{_COMMUNES}))"
                           rf"\d{{1,4}}(?:{_S}?[A-Da-d])?(?![\w]){_UNIT}")),
    # 123 Main Street ; 6235 Harrowgate Avenue
    ("address", re.compile(rf"(?<![\w,.])\d{{1,5}}{_S}+[{_UPPER}][\w'’\-]*(?:{_S}+[{_UPPER}][\w'’\-]*){{0,2}}{_S}+"
                           rf"(?i:{_STREET_EN})(?![\w]){_UNIT}")),
    # Québec / Canada: H2X 1Y4, H2X1Y4
    ("postal_code", re.compile(r"(?<![\w])(?i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \-]?\d[ABCEGHJ-NPRSTV-Z]\d)"
                               r"(?![\w])")),
    # Belgium: B-1080, 1080 Bruxelles, code postal 1080
    ("postal_code", re.compile(r"(?<![\w\-])B-?[1-9]\d{3}(?![\w])")),
    ("postal_code", re.compile(rf"(?<![\w,.\-])[1-9]\d{{3}}(?={_S}+(?:{_COMMUNES})(?![\w]))")),
    ("postal_code", re.compile(rf"(?<![\w])(?i:code postal|postal code|cp){_S}*:?{_S}*(?P<v>[1-9]\d{{3}})(?![\w])")),
]
_PHONE_DIGITS = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_BEFORE = re.compile(r"(?i:\b(?:en|depuis|dès|avant|après|jusqu['’]en|vers|l['’]an|année|in|since|by|from|"
                          r"until|year|before|after|around))[ \u00a0]+$")
_CIVILITY_BEFORE = re.compile(r"(?:^|(?<=[^\w]))(" + "|".join(sorted(_CIVILITIES - {"m"}, key=len, reverse=True))
                              + r"|m\.)\.?[ ]+$")
_NOT_NAME_POS = {"VERB", "AUX", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "INTJ", "ADV", "NUM", "PUNCT", "SYM"}
_PRECEDENCE = {"names": 0, "speaker": 1, "variable": 2, "key": 2, "ner": 3, "email": 4, "phone": 5, "address": 6,
               "postal_code": 7}


def _pattern_spans(text: str, extra_communes: re.Pattern | None) -> list[tuple[int, int, str]]:
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
        text, _ = read_text(path)
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
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return []
    header = [_fold(h.strip()) for h in rows[0]]
    name_col = next((header.index(h) for h in ("name", "nom", "word", "mot", "original") if h in header), None)
    if name_col is None:
        raise PseudonymisationError(
            "RK-D07", f"the CSV has no `name` column (found {', '.join(rows[0]) or 'none'}).", path=path, line=1,
            hint="Name the column of names `name` (and optionally add a `category` column), or give a text "
                 "file with one name per line.")
    cat_col = next((header.index(h) for h in ("category", "categorie", "type") if h in header), None)
    out = []
    for number, row in enumerate(rows[1:], 2):
        if name_col >= len(row) or not row[name_col].strip():
            continue
        name = row[name_col].strip()
        raw = row[cat_col].strip() if cat_col is not None and cat_col < len(row) else ""
        if raw:
            category = _CATEGORY_SYNONYMS.get(_fold(raw).replace("-", "_").strip(),
                                              _CATEGORY_SYNONYMS.get(_fold(raw).strip()))
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


def _name_items(value: Any, what: str) -> list[tuple[str, str]]:
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
            category = _CATEGORY_SYNONYMS.get(_fold(item[1]).strip())
            if category is None:
                raise PseudonymisationError("RK-D07", f'unknown category "{item[1]}" for "{item[0]}" in {what}.',
                                            hint=f"Use one of {', '.join(_CATEGORIES)}.")
            out.append((unicodedata.normalize("NFC", item[0].strip()), category))
        else:
            raise PseudonymisationError("RK-D11", f"{what} must hold names (strings) or (name, category) pairs; "
                                                  f"got {item!r}.")
    return out


# ---------------------------------------------------------------------------
# the key file


def _canonical(data: Mapping[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k != "checksum"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _checksum(data: Mapping[str, Any]) -> str:
    return "sha256:" + content_hash(_canonical(data))


def _doc_fingerprint(doc_id: str) -> str:
    return content_hash("doc_id", str(doc_id))[:16]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _check_location(path: Path, *, what: str, code: str, forbidden: Iterable[tuple[Path, str]] = ()) -> Path:
    path = Path(path)
    if path.exists() and path.is_dir():
        example = path / ("key.json" if code == "RK-D04" else "replacements.csv")
        raise PseudonymisationError(code, f"the {what} path is a folder.", path=path,
                                    hint=f"Give the path of a file, e.g. {example}.")
    parts = [p.casefold() for p in path.resolve().parent.parts]
    if "reports" in parts:
        raise PseudonymisationError(
            code, f"refusing to keep the {what} under a `reports/` folder, where shareable outputs go.",
            path=path, hint=f"Keep the {what} in a private folder outside the project's outputs "
                            "(e.g. ~/research-keys/); nothing was written.")
    for folder, label in forbidden:
        if folder is not None and _inside(path, Path(folder)):
            raise PseudonymisationError(
                code, f"refusing to keep the {what} inside the {label} ({folder}).", path=path,
                hint=f"Keep the {what} in a private folder apart from the corpus and every output; "
                     "nothing was written.")
    return path


@dataclass
class _Key:
    """The key file in memory: entries by folded phrase, counters, fingerprint."""

    path: Path
    language: str | None = None
    title: str | None = None
    documents: set[str] = field(default_factory=set)
    entries: dict[tuple[str, ...], dict] = field(default_factory=dict)  # folded tokens -> entry
    doc_ids: dict[str, str] = field(default_factory=dict)  # original doc_id -> new doc_id
    counters: dict[str, int] = field(default_factory=dict)
    created: str | None = None
    exists: bool = False
    raw: dict | None = None

    @classmethod
    def load(cls, path: str | os.PathLike, *, must_exist: bool = False) -> "_Key":
        path = Path(path)
        if not path.exists():
            if must_exist:
                raise PseudonymisationError("RK-D01", "no such key file.", path=path,
                                            hint="Give the key file that pseudonymise() wrote for this corpus.")
            return cls(path)
        if path.is_dir():
            raise PseudonymisationError("RK-D04", "the key path is a folder.", path=path,
                                        hint=f"Give the path of a file, e.g. {path / 'key.json'}.")
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except OSError as e:
            raise PseudonymisationError("RK-D01", f"the key file cannot be read ({e.strerror}).", path=path,
                                        hint="Check its permissions; nothing was written.") from e
        except (UnicodeDecodeError, ValueError) as e:
            raise PseudonymisationError(
                "RK-D01", f"is not a Research Kit key: it is not valid JSON ({e}).", path=path,
                hint="Restore the key from your backup, or give a new key path to start a new mapping "
                     "(pseudonyms will then differ from earlier briefs); nothing was written.") from e
        if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
            raise PseudonymisationError(
                "RK-D01", "is not a Research Kit key file (no `format` field naming one).", path=path,
                hint="Give the key that pseudonymise() wrote, or a path that does not exist yet to start a new key.")
        if data.get("version") != KEY_VERSION:
            raise PseudonymisationError(
                "RK-D05", f"key format version {data.get('version')!r}; this Research Kit reads version {KEY_VERSION}.",
                path=path, hint="Use the Research Kit version that wrote it, or upgrade Research Kit.")
        if data.get("checksum") != _checksum(data):
            raise PseudonymisationError(
                "RK-D02", "the key has changed since Research Kit wrote it (its checksum does not match): it was "
                          "edited by hand, damaged, or tampered with, so its pseudonyms cannot be trusted.",
                path=path, hint="Restore it from your backup, or start a new key (a new path); nothing was written.")
        try:
            key = cls(path, language=data.get("language"), title=data["corpus"].get("title"),
                      documents=set(data["corpus"]["documents"]), counters=dict(data.get("counters", {})),
                      created=data.get("created"), exists=True, raw=data)
            for entry in data["entries"]:
                if entry["category"] == "doc_id":
                    key.doc_ids[entry["original"]] = entry["pseudonym"]
                else:
                    toks = _tokens(entry["original"])
                    if toks:
                        key.entries[toks] = dict(entry)
        except (KeyError, TypeError, AttributeError) as e:
            raise PseudonymisationError(
                "RK-D01", f"the key's structure is damaged (missing {e}).", path=path,
                hint="Restore it from your backup, or start a new key (a new path); nothing was written.") from e
        if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.warn(f"[RK-D21] {path}: the key file can be read by other users of this computer; restrict it "
                          f"with `chmod 600 {path}`.", UserWarning, stacklevel=3)
        return key

    def check_corpus(self, corpus: Corpus) -> None:
        """Refuse a key that shares neither a document nor the title with ``corpus``."""
        if not self.exists or not self.documents:
            return
        mine = {_doc_fingerprint(d) for d in corpus.doc_ids}
        title = corpus.manifest.get("title")
        if mine & self.documents or (title and self.title and str(title) == self.title):
            return
        raise PseudonymisationError(
            "RK-D03", f"this key was made for another corpus ({self.title or 'untitled'!s}, {len(self.documents)} "
                      "documents, none of which is in this corpus).", path=self.path,
            hint="Use the key made for this corpus; or, to start a separate mapping for it, give a new key path "
                 "(its pseudonyms will not match those of the other corpus). Nothing was written.")

    def payload(self) -> dict:
        entries = sorted(self.entries.values(), key=lambda e: (e["category"], e["pseudonym"], e["original"]))
        entries = [{k: e[k] for k in ("original", "pseudonym", "category", "capitalised_only") if k in e}
                   for e in entries]
        entries += [{"original": o, "pseudonym": p, "category": "doc_id"} for o, p in sorted(self.doc_ids.items())]
        data = {
            "format": KEY_FORMAT,
            "version": KEY_VERSION,
            "note": "Pseudonymisation key: it maps pseudonyms back to real people. Keep it private, never share it.",
            "created": self.created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "language": self.language,
            "corpus": {"title": self.title, "documents": sorted(self.documents)},
            "counters": dict(sorted(self.counters.items())),
            "entries": entries,
        }
        data["checksum"] = _checksum(data)
        return data

    def save(self) -> bool:
        """Write the key atomically with owner-only permissions when it changed; return whether it did."""
        data = self.payload()
        if self.raw is not None and _canonical({**data, "created": self.raw.get("created")}) == _canonical(self.raw):
            return False
        self.created = data["created"]
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new folder for keys: private too
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", permissions=0o600)
        self.raw = data
        self.exists = True
        return True


# ---------------------------------------------------------------------------
# who is who: groups of strings that name one person (or place, organisation)


@dataclass
class _Group:
    category: str  # speaker, person, place, organisation, address, postal_code, email, phone
    label: str  # what numbers it: "Médiateur·rice", "Personne", "lieu"…
    canonical: str
    pseudonym: str | None = None
    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()


@dataclass
class _Phrase:
    """One searchable string: which group it names (None when ambiguous) and how."""

    original: str
    group: _Group | None
    kind: str  # full, first, last
    detector: str
    capitalised_only: bool = False
    ambiguous: str | None = None  # replacement when several groups share it


def _split_name(name: str) -> tuple[list[str], list[str]]:
    """``"Gérard Van Hove"`` -> (["Gérard"], ["Van", "Hove"]); a single word is a first name."""
    words = name.split()
    if len(words) < 2:
        return words, []
    for i in range(1, len(words) - 1):
        if _fold(words[i]) in _PARTICLES and words[i + 1][:1].isupper():
            return words[:i], words[i:]
    if _fold(words[0]) in _PARTICLES:
        return [], words
    return words[:-1], words[-1:]


def _clean_label(label: str) -> str:
    label = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", str(label))
    return " ".join(label.split()).strip(" .:-")


class _Registry:
    """Every string to replace, the groups they name, and the numbering."""

    def __init__(self, key: _Key, language: str, keep: set[str], stops: frozenset[str], roles: set[str],
                 common: set[str]) -> None:
        self.key, self.lang, self.keep, self.stops, self.roles, self.common = key, language, keep, stops, roles, common
        self.phrases = _Phrases()
        self.groups_by_pseudonym: dict[str, _Group] = {}
        self._load_key()

    # numbering ----------------------------------------------------------------
    def _next(self, label: str) -> int:
        self.key.counters[label] = self.key.counters.get(label, 0) + 1
        return self.key.counters[label]

    def pseudonym(self, group: _Group) -> str:
        if group.pseudonym is None:
            n = self._next(group.label)
            if group.category in ("place", "organisation"):
                group.pseudonym = f"[{group.label} {n}]"
            else:
                group.pseudonym = f"{group.label} {n}"
            self.groups_by_pseudonym[group.pseudonym] = group
        return group.pseudonym

    # the key's entries ---------------------------------------------------------
    def _load_key(self) -> None:
        generic = {v for lang in _LABELS.values() for k, v in lang.items() if k in ("first", "last")}
        for toks, entry in self.key.entries.items():
            pseudonym, category = entry["pseudonym"], entry["category"]
            if category in ("email", "phone", "address", "postal_code"):
                group = _Group(category, category, entry["original"], pseudonym)
                self.phrases.add(toks, _Phrase(entry["original"], group, "full", "key"))
                continue
            if pseudonym in generic:
                self.phrases.add(toks, _Phrase(entry["original"], None, "first", "key",
                                               entry.get("capitalised_only", False), ambiguous=pseudonym))
                continue
            group = self.groups_by_pseudonym.get(pseudonym)
            gcat = "speaker" if category in ("speaker", "label") else ("person" if category == "variant" else category)
            if group is None:
                label = re.sub(r"^\[|\s*\d+\]?$", "", pseudonym)
                group = _Group(gcat, label, entry["original"], pseudonym)
                self.groups_by_pseudonym[pseudonym] = group
            elif category in ("speaker", "person", "place", "organisation") and group.category != "speaker":
                group.category = gcat
            if category in ("speaker", "person", "place", "organisation") and len(entry["original"]) > len(
                    group.canonical):
                group.canonical = entry["original"]
            kind = "full" if category != "variant" else "first"
            if category != "label":
                self.phrases.add(toks, _Phrase(entry["original"], group, kind, "key",
                                               entry.get("capitalised_only", False)))
            else:
                self.phrases.add(toks, _Phrase(entry["original"], group, "label", "key"))

    # registering ---------------------------------------------------------------
    def searchable(self, toks: tuple[str, ...], written: str) -> bool:
        """Whether a string may be searched for in running text at all."""
        if not toks or " ".join(toks) in self.keep:
            return False
        if len(toks) == 1:
            t = toks[0]
            if len(t) < 2 or t in self.stops or t in self.roles or t in _CIVILITIES or t in _NOT_NAMES \
                    or t in _GENERIC_LABEL_WORDS or t.isdigit():
                return False
        return True

    def capitalised_only(self, toks: tuple[str, ...]) -> bool:
        return all(t in self.common or t in self.stops or t in _PARTICLES for t in toks)

    def add(self, written: str, group: _Group, kind: str, detector: str, *, force: bool = False) -> _Phrase | None:
        toks = _tokens(written)
        if not force and not self.searchable(toks, written):
            return None
        existing = self.phrases.get(toks)
        if existing is None:
            phrase = _Phrase(written, group, kind, detector, self.capitalised_only(toks))
            self.phrases.add(toks, phrase)
            return phrase
        if existing.group is group:
            if kind == "full" and existing.kind != "full":
                existing.kind = "full"
            return existing
        if existing.kind == "label":
            return existing
        if existing.ambiguous is not None:
            return existing
        if existing.kind == "full" and kind != "full":
            return existing  # "Karim" the speaker beats "Karim" the first name of Karim Benali
        if kind == "full" and existing.kind != "full":
            existing.group, existing.kind, existing.detector = group, kind, detector
            return existing
        # two people share this first name / last name (or two names the same string)
        existing.ambiguous = _LABELS[self.lang]["last" if kind == "last" or existing.kind == "last" else "first"]
        existing.group = None
        return existing

    def add_variants(self, group: _Group, name: str, detector: str) -> None:
        first, last = _split_name(name)
        if first and last:
            self.add(" ".join(first), group, "first", detector)
            self.add(" ".join(last), group, "last", detector)
            initials = [w[0] for part in first for w in re.split(r"[-‐‑]", part) if w]
            if initials and any(len(t) > 1 for t in _tokens(" ".join(last))):  # not "K. B" for "Karim B."
                self.add(". ".join(initials) + ". " + " ".join(last), group, "last", detector)
            group.first, group.last = _tokens(" ".join(first)), _tokens(" ".join(last))
        elif first:
            group.first = _tokens(" ".join(first))
        parts = [w for w in re.split(r"[-‐‑]", first[0]) if w] if len(first) == 1 else []
        if len(parts) > 1:  # "Jean-François" -> "J-F", "J.-F.", "JF"
            self.add("-".join(w[0] for w in parts), group, "first", detector)
            self.add("".join(w[0] for w in parts), group, "first", detector)

    def lookup(self, toks: tuple[str, ...]) -> _Phrase | None:
        return self.phrases.get(toks)


# ---------------------------------------------------------------------------
# speakers


def _generic_label(toks: tuple[str, ...], roles: set[str]) -> bool:
    """``Intervenant 2``, ``P3``, ``Animatrice``: a label that names nobody (``J-F`` does)."""
    if not toks:
        return True
    return all(t in _GENERIC_LABEL_WORDS or t in roles or any(c.isdigit() for c in t)
               or (len(t) == 1 and len(toks) == 1) for t in toks)


def _role_label(role: Any, lang: str) -> str:
    if role is None or pd.isna(role) or not str(role).strip():
        return _LABELS[lang]["participant"]
    role = " ".join(str(role).split())
    return role[:1].upper() + role[1:]


def _speaker_groups(corpus: Corpus, order: list[str], registry: _Registry) -> dict[str, _Group]:
    """Speaker label -> group, linking ``Karim``, ``Karim B.`` and ``Karim Benali`` when unambiguous."""
    turns = corpus.turns
    rank = {d: i for i, d in enumerate(order)}
    t = turns[turns["speaker"] != schemas.UNKNOWN_SPEAKER][["doc_id", "turn", "speaker", "role"]].copy()
    t["_rank"] = t["doc_id"].map(rank)
    t = t.sort_values(["_rank", "turn"], kind="stable")
    first_seen = t.drop_duplicates("speaker")
    roles: dict[str, str | None] = {}
    for speaker, frame in t.groupby("speaker", sort=False):
        known = frame["role"].dropna()
        roles[speaker] = str(known.iloc[0]) if len(known) else None
    labels = list(first_seen["speaker"])

    parsed = {}
    for label in labels:
        clean = _clean_label(label)
        toks = _tokens(clean)
        generic = _generic_label(toks, registry.roles)
        first, last = _split_name(clean)
        parsed[label] = (clean, toks, generic, _tokens(" ".join(first)), _tokens(" ".join(last)))

    parent = {label: label for label in labels}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def compatible(a: str, b: str) -> bool:
        ra, rb = roles.get(a), roles.get(b)
        return ra is None or rb is None or _fold(ra) == _fold(rb)

    def in_key(label: str) -> str | None:
        phrase = registry.lookup(parsed[label][1])
        return phrase.group.pseudonym if phrase is not None and phrase.group is not None and phrase.kind in (
            "full", "label") and phrase.group.category == "speaker" else None

    def link(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra == rb:
            return
        ka, kb = in_key(ra), in_key(rb)
        if ka and kb and ka != kb:
            return  # both already have a pseudonym: never merge them, pseudonyms must stay stable
        parent[rb] = ra

    full = [lb for lb in labels if not parsed[lb][2] and parsed[lb][3] and parsed[lb][4]
            and len(parsed[lb][4][-1]) > 1]
    # "Karim B." -> the one "Karim B…" with a full last name
    for label in labels:
        clean, toks, generic, first, last = parsed[label]
        if generic or not first or not last or len(last[-1]) != 1:
            continue
        cands = [f for f in full if parsed[f][3] == first and parsed[f][4][0].startswith(last[-1])
                 and compatible(label, f)]
        if len(cands) == 1:
            link(cands[0], label)
    # "Karim" (a first name alone), "J-F" (initials) -> the one full name that fits
    for label in labels:
        clean, toks, generic, first, last = parsed[label]
        if generic or last:
            continue
        if all(len(tok) == 1 for tok in toks) and len(toks) > 1:  # "J-F" -> Jean-François
            cands = {root(f) for f in labels if f != label and not parsed[f][2] and parsed[f][3]
                     and tuple(w[0] for w in parsed[f][3]) == toks and compatible(label, f)}
        else:
            cands = {root(f) for f in labels if f != label and not parsed[f][2] and parsed[f][3] == toks
                     and parsed[f][4] and compatible(label, f)}
        if len(cands) == 1:
            link(next(iter(cands)), label)

    groups: dict[str, _Group] = {}
    members: dict[str, list[str]] = {}
    for label in labels:
        members.setdefault(root(label), []).append(label)
    for r, group_labels in members.items():  # in order of first appearance of the group
        role = next((roles[lb] for lb in group_labels if roles.get(lb)), None)
        canonical = max((parsed[lb][0] for lb in group_labels), key=lambda s: (len(s.split()), len(s)))
        pseudonym = next((p for p in (in_key(lb) for lb in group_labels) if p), None)
        group = registry.groups_by_pseudonym.get(pseudonym) if pseudonym else None
        if group is None:
            group = _Group("speaker", _role_label(role, registry.lang), canonical)
            registry.pseudonym(group)
        group.category = "speaker"
        for lb in group_labels:
            groups[lb] = group
    return groups


def _register_speakers(registry: _Registry, groups: dict[str, _Group], parsed_generic: set[str]) -> None:
    for label, group in groups.items():
        clean = _clean_label(label)
        if label in parsed_generic:
            registry.add(clean, group, "label", "speaker", force=True)
            continue
        phrase = registry.add(clean, group, "full", "speaker", force=True)
        if phrase is not None and not registry.searchable(_tokens(clean), clean):
            phrase.kind = "label"  # mapped in the key, never searched in text
        registry.add_variants(group, clean, "speaker")


# ---------------------------------------------------------------------------
# named entities


def _ner_candidates(tokens: pd.DataFrame, registry: _Registry) -> list[tuple[str, str, int]]:
    """Person names from the tokens frame, filtered: ``[(name, doc_id, start_char), ...]``."""
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
    midcaps = {_fold(w) for w in texts[capitalised & content & ~initial].unique()}
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
                and str(pos[j]) not in _NOT_NAME_POS and _fold(text[j]) not in registry.stops \
                and _fold(text[j]) not in _CIVILITIES and _fold(text[j]) not in _NOT_NAMES:
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


def _entity_names(run: list[int], text, lemma, pos, start, end, initial, doc, registry: _Registry,
                  midcaps: set[str]):
    """Split one PER run into names: capitalised words, particles inside, edges trimmed.

    A name of one word must look like one: a proper noun (or a word spaCy does not
    inflect), and, at the start of a sentence, a word the corpus also capitalises
    elsewhere (*Mamadou*, not *Wow*, *Thank*, *Hâte*).
    """

    def namey(r: int) -> bool:
        word = str(text[r])
        f = _fold(word)
        if not word[:1].isupper() or any(ch.isdigit() for ch in word) or not any(ch.isalpha() for ch in word):
            return False
        if f in registry.stops or f in _CIVILITIES or f in _NOT_NAMES or f in registry.roles or f in registry.keep \
                or f in _GENERIC_LABEL_WORDS or len(f) < 2:
            return False
        if initial[r]:
            # a capitalised word at the start of a sentence: a name only if it looks like one
            if f in registry.common or str(pos[r]) not in ("PROPN", "NOUN", "X") or _fold(str(lemma[r])) != f:
                return False
        return True

    names = []
    current: list[int] = []
    pending: list[int] = []  # particles waiting for a capitalised word
    for r in run:
        f = _fold(str(text[r]))
        if namey(r):
            current.extend(pending)
            pending = []
            current.append(r)
        elif current and f in _PARTICLES:
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
            f = _fold(str(text[r]))
            if str(pos[r]) in ("VERB", "AUX") and _fold(str(lemma[r])) != f:
                continue  # an inflected verb: "Promis", "Tenez"
            if initial[r] and (str(pos[r]) in _NOT_NAME_POS or f not in midcaps):
                continue
        out.append((str(doc[group[0]]), int(start[group[0]]), int(end[group[-1]])))
    return out


_CUE_PARTICLE = r"(?:de|du|van|von|der|den|da|di|el|al|ben|le|la|De|Van|Von|Da|Di|El|Al|Ben|Le|La)"
_CUE_NAME = rf"[{_UPPER}][\w'’\-]+(?:[ ]+(?:{_CUE_PARTICLE}[ ]+)?[{_UPPER}][\w'’\-]+){{0,2}}"
_CUES = [
    # "madame Dubois", "monsieur Claes", "Mr. Lindqvist": spaCy's small models often call these places
    re.compile(rf"(?<![\w])(?i:madame|monsieur|mme|mlle|mademoiselle|m\.|mr\.?|mrs\.?|ms\.?|miss|dr\.?|docteure?|"
               rf"doctor)[ ]+(?P<name>{_CUE_NAME})"),
    # family and neighbours: "mon mari Stijn", "un petit garçon, Arthur", "my daughter Amal"
    re.compile(rf"(?<![\w])(?i:mon mari|ma femme|mon épouse|mon époux|mon conjoint|ma conjointe|mon chum|ma blonde|"
               rf"mon fils|ma fille|mon garçon|petit garçon|petite fille|mon frère|ma sœur|ma soeur|ma mère|"
               rf"mon père|"
               rf"mon voisin|ma voisine|my husband|my wife|my partner|my son|my daughter|my boy|my girl|my brother|"
               rf"my sister|my mother|my father|my neighbou?r)[ ]?,?[ ]+(?P<name>{_CUE_NAME})"),
    # introductions: "je m'appelle Ousmane", "moi c'est Julien Mertens", "MY NAME IS GRAHAM ASHDOWN"
    re.compile(rf"(?<![\w])(?i:je m['’]appelle|je me nomme|mon nom est|mon nom c['’]est|moi c['’]est|my name is|"
               rf"my name['’]s)[ ]+(?P<name>{_CUE_NAME})"),
]


def _cue_candidates(corpus: Corpus, registry: _Registry) -> list[tuple[str, int, int]]:
    """Names announced by a civility or an introduction, whatever the recogniser says."""
    out = []
    for doc_id in corpus.doc_ids:
        text = corpus.text(doc_id)
        for cue in _CUES:
            for m in cue.finditer(text):
                words = list(re.finditer(r"\S+", m.group("name")))
                # stop at the first word that is not a name ("GRAHAM ASHDOWN AND I")
                kept = []
                for w in words:
                    f = _fold(w.group())
                    if (f in registry.stops and f not in _PARTICLES) or f in _NOT_NAMES or f in registry.roles \
                            or f in _CIVILITIES:
                        break
                    kept.append(w)
                while kept and _fold(kept[-1].group()) in _PARTICLES:
                    kept.pop()
                if not kept or (len(kept) == 1 and _fold(kept[0].group()) in registry.common):
                    continue  # "Monsieur le Maire", "madame Présidente"
                s = m.start("name")
                out.append((doc_id, s, s + kept[-1].end()))
    return out


def _register_ner(registry: _Registry, corpus: Corpus, candidates, order: list[str]) -> None:
    rank = {d: i for i, d in enumerate(order)}
    texts: dict[str, str] = {}
    found = []
    for doc_id, s, e in candidates:
        if doc_id not in texts:
            texts[doc_id] = corpus.text(doc_id)
        found.append((rank.get(doc_id, 0), s, texts[doc_id][s:e]))
    found.sort()
    # multi-word names first, so that single words can attach to them
    for _, _, name in sorted(found, key=lambda x: (-len(x[2].split()), x[0], x[1])):
        toks = _tokens(name)
        if not registry.searchable(toks, name):
            continue
        existing = registry.lookup(toks)
        if existing is not None:
            continue
        group = None
        if len(toks) > 1:
            head = registry.lookup(toks[:1]) or registry.lookup(_tokens(name.split()[0]))
            if head is not None and head.group is not None and head.group.category in ("speaker", "person") \
                    and not head.group.last and head.kind in ("full", "first"):
                group = head.group  # "Isabelle" the speaker, "Isabelle Roy" in the text
        if group is None:
            group = _Group("person", _LABELS[registry.lang]["person"], name)
        registry.add(name, group, "full", "ner")
        if len(toks) > 1:
            registry.add_variants(group, name, "ner")


# ---------------------------------------------------------------------------
# replacing


@dataclass
class _Span:
    start: int
    end: int
    category: str
    detector: str
    replacement: str
    original: str


class _Replacer:
    def __init__(self, registry: _Registry, communes: re.Pattern | None) -> None:
        self.registry, self.communes = registry, communes
        self.matched: set[int] = set()

    def spans(self, text: str, lang: str, *, patterns: bool = True, slug: bool = False) -> list[_Span]:
        reg = self.registry
        folded = _fold(text)
        cands: list[tuple[int, int, int, Any]] = []

        def accept(s: int, e: int, phrase: _Phrase) -> bool:
            if phrase.kind == "label" or _folded_phrase(text[s:e]) in reg.keep:
                return False
            return not phrase.capitalised_only or _caps_ok(phrase.original, text[s:e])

        for s, e, phrase in reg.phrases.find(text, folded, accept=accept, compounds=not slug):
            category = "person" if phrase.group is None else phrase.group.category
            if category in ("speaker", "person"):
                m = _CIVILITY_BEFORE.search(folded[max(0, s - 16):s])
                if m:
                    s -= len(m.group(0))
            detector = phrase.detector if phrase.detector in _PRECEDENCE else "key"
            cands.append((s, e, _PRECEDENCE[detector], phrase))
        if patterns:
            for s, e, category in _pattern_spans(text, self.communes):
                if _folded_phrase(text[s:e]) in reg.keep:
                    continue
                cands.append((s, e, _PRECEDENCE[category], category))
        # longest first, then by precedence; keep what does not overlap
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
        taken_starts: list[int] = []
        taken: list[tuple[int, int, Any]] = []
        for s, e, _, what in cands:
            i = bisect.bisect_left(taken_starts, s)
            if i > 0 and taken[i - 1][1] > s:
                continue
            if i < len(taken) and taken[i][0] < e:
                continue
            taken_starts.insert(i, s)
            taken.insert(i, (s, e, what))
        out = []
        labels = _LABELS.get(lang, _LABELS["en"])
        for s, e, what in taken:  # left to right: numbering follows first appearance
            original = text[s:e]
            if schemas.TURN_SEPARATOR in original:
                continue  # never across two turns (offsets would not map back)
            if isinstance(what, str):
                out.append(_Span(s, e, what, "pattern", labels[what], original))
                self._remember_pattern(original, what)
                continue
            self.matched.add(id(what))
            if what.group is None:
                out.append(_Span(s, e, "person", what.detector, what.ambiguous or labels["first"], original))
                continue
            group = what.group
            if group.category in ("email", "phone", "address", "postal_code"):
                out.append(_Span(s, e, group.category, what.detector, labels[group.category], original))
                continue
            out.append(_Span(s, e, group.category, what.detector, reg.pseudonym(group), original))
        return out

    def _remember_pattern(self, original: str, category: str) -> None:
        toks = _tokens(original)
        if all(t.isdigit() for t in toks) and sum(map(len, toks)) <= 4:
            return  # "1080" of "1080 Bruxelles" must not become a word to hide everywhere ("1080 personnes")
        if toks and toks not in self.registry.phrases:
            group = _Group(category, category, original, pseudonym=_LABELS[self.registry.lang][category])
            phrase = _Phrase(original, group, "full", "pattern")
            self.registry.phrases.add(toks, phrase)
            self.matched.add(id(phrase))

    def replace(self, text: str, lang: str, *, slug: bool = False, patterns: bool = True) -> tuple[str, list[_Span]]:
        spans = self.spans(text, lang, patterns=patterns, slug=slug)
        if not spans:
            return text, []
        parts, pos = [], 0
        for sp in spans:
            if slug:
                sp.replacement = _slug(sp.replacement)
            parts.append(text[pos:sp.start])
            parts.append(sp.replacement)
            pos = sp.end
        parts.append(text[pos:])
        return "".join(parts), spans


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-") or "x"


# ---------------------------------------------------------------------------
# the verb


def _corpus_language(corpus: Corpus) -> str:
    lang = corpus.manifest.get("language")
    if not lang and len(corpus.documents):
        counts = corpus.documents["language"].dropna().value_counts()
        lang = counts.index[0] if len(counts) else None
    return "fr" if str(lang or "fr").lower().startswith("fr") else "en"


def _doc_order(corpus: Corpus) -> list[str]:
    docs = corpus.documents[["doc_id", "date"]].copy()
    docs["_nat"] = docs["date"].isna()
    return docs.sort_values(["_nat", "date", "doc_id"], kind="stable")["doc_id"].astype(str).tolist()


def _check_corpus(corpus: Any, function: str) -> Corpus:
    if not isinstance(corpus, Corpus):
        raise PseudonymisationError("RK-D11", f"{function}() needs a Corpus (from read_corpus); "
                                              f"got {type(corpus).__name__}.")
    return corpus


@overload
def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = ..., keep: Any = ...,
                 report: Literal[False] = ..., n_process: int = ...) -> Corpus: ...


@overload
def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = ..., keep: Any = ...,
                 report: Literal[True], n_process: int = ...) -> tuple[Corpus, pd.DataFrame]: ...


def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = (), keep: Any = (),
                 report: bool = False, n_process: int = 1) -> Corpus | tuple[Corpus, pd.DataFrame]:
    """A pseudonymised copy of ``corpus``; the key file decides (and records) every pseudonym.

    Parameters
    ----------
    corpus
        The corpus to pseudonymise; it is not modified, nor are its files.
    key
        Path of the key file: created when missing, reused (and extended with new names)
        when present. It must not lie under a ``reports/`` folder nor inside the corpus
        folder. It is written atomically with permissions ``0o600``.
    names
        More names and places to hide: a file (see :func:`read_names`) or a list of
        names or ``(name, category)`` pairs. They take precedence over everything else.
    keep
        Words never to replace (a file or a list): ``"Rose"`` the colour, public figures
        the corpus names, a public helpline number.
    report
        Also return the replacements frame (:data:`REPLACEMENTS`), which holds the
        originals and serves :func:`carry_codings`.
    n_process
        Passed to :func:`~research_kit.annotate.annotate` (named entities); its cache is
        used, so a corpus already annotated is not annotated again.

    Returns
    -------
    Corpus
        With ``manifest["pseudonymised"] = True`` (``identities`` as it was), no
        ``root`` (write it with :func:`~research_kit.corpus.write_corpus` or
        :func:`write_pseudonymised`). With ``report=True``, ``(corpus, replacements)``.

    Raises
    ------
    PseudonymisationError
        ``RK-D01``–``RK-D05`` for a key that cannot be used, ``RK-D06``/``RK-D07`` for a
        names list; nothing is written then.

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                                   # doctest: +SKIP
    >>> safe, replaced = pseudonymise(corpus, key="~/keys/demo.json", report=True)  # doctest: +SKIP
    >>> replacement_counts(replaced)                                           # doctest: +SKIP
    """
    corpus = _check_corpus(corpus, "pseudonymise")
    key_path = _check_location(Path(key).expanduser(), what="key", code="RK-D04",
                               forbidden=[(corpus.root, "corpus folder")] if corpus.root is not None else [])
    the_key = _Key.load(key_path)
    the_key.check_corpus(corpus)
    name_items = _name_items(names, "names")
    keep_items = _name_items(keep, "keep")
    replacements, new_corpus = _pseudonymise(corpus, the_key, name_items, keep_items, n_process=n_process)
    the_key.save()
    return (new_corpus, replacements) if report else new_corpus


def _pseudonymise(corpus: Corpus, key: _Key, name_items, keep_items, *, n_process: int):
    from .annotate import annotate
    from .stopwords import stop_words

    lang = key.language or _corpus_language(corpus)
    key.language = lang
    if corpus.manifest.get("title") and not key.title:
        key.title = str(corpus.manifest.get("title"))
    order = _doc_order(corpus)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[RK-A02\]")
        tokens = annotate(corpus, entities=True, n_process=n_process)
    with_entities = set(tokens.loc[tokens["ent_type"].fillna("") != "", "doc_id"].unique())
    annotated = set(tokens["doc_id"].unique())
    blind = [d for d in corpus.doc_ids if d in annotated and d not in with_entities]
    if blind:
        langs = sorted(set(corpus.documents.set_index("doc_id").loc[blind, "language"].dropna()))
        warnings.warn(f"[RK-D20] {len(blind)} document(s) ({', '.join(blind[:5])}{'…' if len(blind) > 5 else ''}) "
                      f"in {', '.join(langs) or 'an unknown language'} were pseudonymised without a named-entity "
                      "recogniser: names there are found only as speakers, from your names list, from the key, "
                      "or because they were recognised in other documents. Install the spaCy model of that "
                      "language (e.g. `python -m spacy download en_core_web_sm`) or pass names=…",
                      UserWarning, stacklevel=3)

    stops = frozenset(_fold(w) for w in stop_words("fr") | stop_words("en") if " " not in w)
    roles: set[str] = set()
    for value in list(corpus.turns["role"].dropna().unique()) + list((corpus.manifest.get("roles") or {}).values()):
        if value:
            roles.update(_TOKEN.findall(_fold(str(value))))
    low = tokens["text"].astype(str)
    lower_words = low[low.str.islower() & low.str.isalpha()]
    common = {_fold(w) for w in lower_words.unique()}
    keep = {_folded_phrase(w) for w, _ in keep_items}
    registry = _Registry(key, lang, keep, stops, roles, common)

    # 1. speakers
    speaker_groups = _speaker_groups(corpus, order, registry)
    generic = set()
    for label in speaker_groups:
        if _generic_label(_tokens(_clean_label(label)), roles):
            generic.add(label)
    _register_speakers(registry, speaker_groups, generic)
    # 2. your names list: a name already known (a speaker's) keeps its pseudonym
    for name, category in sorted(name_items, key=lambda x: -len(x[0].split())):
        toks = _tokens(name)
        if not toks or " ".join(toks) in keep:
            continue
        existing = registry.lookup(toks)
        if existing is not None and (existing.group is not None or existing.ambiguous):
            if existing.detector != "key":
                existing.detector = "names"
            continue
        if category == "person":
            head = registry.lookup(toks[:1]) if len(toks) > 1 else None
            group = head.group if head is not None and head.group is not None and head.kind == "full" \
                and head.group.category == "person" and not head.group.last else None
            group = group or _Group("person", _LABELS[lang]["person"], name)
            registry.add(name, group, "full", "names", force=True)
            if len(toks) > 1:
                registry.add_variants(group, name, "names")
        elif category in ("place", "organisation"):
            group = _Group(category, _LABELS[lang][category], name)
            registry.add(name, group, "full", "names", force=True)
        else:
            group = _Group(category, category, name, pseudonym=_LABELS[lang][category])
            registry.add(name, group, "full", "names", force=True)
    # 3. document variables that hold names
    name_vars = [v for v in corpus.variables if set(_TOKEN.findall(_fold(v))) & _NAME_VARIABLE_WORDS]
    for var in name_vars:
        for value in corpus.documents[var].dropna().astype(str):
            for name in re.split(r"\s*[;,/]\s*|\s+(?:et|and|&)\s+", value):
                toks = _tokens(name)
                if toks and registry.lookup(toks) is None and " ".join(toks) not in keep:
                    group = _Group("person", _LABELS[lang]["person"], name)
                    registry.add(name, group, "full", "variable", force=True)
                    if len(toks) > 1:
                        registry.add_variants(group, name, "variable")
    # 4. named entities
    _register_ner(registry, corpus, _ner_candidates(tokens, registry) + _cue_candidates(corpus, registry), order)

    places = [n for n, c in name_items if c in ("place",)]
    communes = None
    if places:
        alternatives = "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
        communes = re.compile(rf"(?<![\w,.\-])[1-9]\d{{3}}(?=\s+(?:{alternatives})(?![\w]))")
    replacer = _Replacer(registry, communes)

    # 5. texts, in order of first appearance
    docs = corpus.documents.set_index(corpus.documents["doc_id"].astype(str))
    rows: list[dict] = []
    new_turns = []
    doc_langs = {}  # category tokens follow each document's language: "[téléphone]", "[phone]"
    for doc_id, value in zip(docs.index, docs["language"]):
        value = "" if pd.isna(value) else str(value)
        doc_langs[doc_id] = "fr" if value.startswith("fr") else ("en" if value.startswith("en") else lang)
    for doc_id in order:
        text = corpus.text(doc_id)
        new_text, spans = replacer.replace(text, doc_langs[doc_id])
        shift = 0
        for sp in spans:
            ns = sp.start + shift
            ne = ns + len(sp.replacement)
            rows.append(dict(doc_id=doc_id, field="text", start_char=sp.start, end_char=sp.end, new_start_char=ns,
                             new_end_char=ne, category=sp.category, detector=sp.detector, original=sp.original,
                             replacement=sp.replacement, context=_context(text, sp.start, sp.end)))
            shift += len(sp.replacement) - (sp.end - sp.start)
        turns = corpus.turns[corpus.turns["doc_id"] == doc_id].sort_values("turn")
        starts = _map_offsets(turns["start_char"].to_numpy(), spans, side="start")
        ends = _map_offsets(turns["end_char"].to_numpy(), spans, side="end")
        frame = turns[["doc_id", "turn", "speaker", "role", "start_s", "end_s"]].copy()
        frame["text"] = [new_text[s:e] for s, e in zip(starts, ends)]
        new_turns.append(frame)

    # 6. speakers column
    speaker_map = {label: g.pseudonym for label, g in speaker_groups.items()}
    turns_all = pd.concat(new_turns, ignore_index=True) if new_turns else corpus.turns.iloc[0:0].copy()
    for doc_id, frame in corpus.turns.groupby("doc_id", sort=False):
        for speaker in dict.fromkeys(frame["speaker"]):
            if speaker in speaker_map:
                rows.append(dict(doc_id=str(doc_id), field="speaker", category="speaker", detector="speaker",
                                 original=str(speaker), replacement=speaker_map[speaker], context=pd.NA))
    turns_all["speaker"] = turns_all["speaker"].map(lambda s: speaker_map.get(s, s))

    # 7. titles, variables, paths, document ids
    documents = corpus.documents.copy()
    for col in ["title", *corpus.variables]:
        values = []
        for doc_id, value in zip(documents["doc_id"].astype(str), documents[col]):
            if pd.isna(value):
                values.append(value)
                continue
            new, spans = replacer.replace(str(value), doc_langs.get(doc_id, lang))
            for sp in spans:
                rows.append(dict(doc_id=doc_id, field=col if col == "title" else f"variable:{col}",
                                 category=sp.category, detector=sp.detector, original=sp.original,
                                 replacement=sp.replacement, context=_context(str(value), sp.start, sp.end)))
            values.append(new)
        documents[col] = values
    new_ids: dict[str, str] = {}
    used: set[str] = set()
    for doc_id in order:
        from_key = doc_id in key.doc_ids
        if from_key:
            new_id = key.doc_ids[doc_id]
        else:
            new_id, spans = replacer.replace(doc_id, lang, slug=True)
            for sp in spans:
                rows.append(dict(doc_id=doc_id, field="doc_id", category=sp.category, detector=sp.detector,
                                 original=sp.original, replacement=sp.replacement, context=doc_id))
            taken = set(key.doc_ids.values()) | used | (set(order) - {doc_id})
            base, n = new_id, 2
            while new_id != doc_id and new_id in taken:
                new_id, n = f"{base}-{n}", n + 1
            if new_id != doc_id:
                key.doc_ids[doc_id] = new_id
        if new_id != doc_id:
            rows.append(dict(doc_id=doc_id, field="doc_id", category="doc_id", detector="key" if from_key
                             else "slug", original=doc_id, replacement=new_id, context=pd.NA))
        new_ids[doc_id] = new_id
        used.add(new_id)
    paths = []
    for doc_id, value in zip(documents["doc_id"].astype(str), documents["path"]):
        if pd.isna(value):
            paths.append(value)
            continue
        new, spans = replacer.replace(str(value), lang, slug=True)
        for sp in spans:
            rows.append(dict(doc_id=doc_id, field="path", category=sp.category, detector=sp.detector,
                             original=sp.original, replacement=sp.replacement, context=str(value)))
        paths.append(new)
    documents["path"] = paths
    documents["doc_id"] = documents["doc_id"].astype(str).map(new_ids)
    turns_all["doc_id"] = turns_all["doc_id"].astype(str).map(new_ids)

    # 8. manifest and problems
    manifest: dict[str, Any] = {}
    for k, v in corpus.manifest.items():
        if k in ("roles", "documents", "_path", "include", "exclude", "codings", "codebook", "columns", "encoding"):
            continue
        if k in ("title", "description", "notice") and isinstance(v, str):
            v, _ = replacer.replace(v, lang)
        manifest[k] = v
    roles_map = {speaker_map[s]: str(r) for s, r in zip(corpus.turns["speaker"], corpus.turns["role"])
                 if s in speaker_map and not pd.isna(r)}
    if roles_map:
        manifest["roles"] = roles_map
    manifest["pseudonymised"] = True
    problems = corpus.problems.copy()
    for col in ("path", "message"):
        if len(problems):
            problems[col] = problems[col].map(lambda v: v if pd.isna(v) else replacer.replace(str(v), lang)[0])

    new_corpus = build_corpus(documents, turns_all, manifest=manifest, root=None, problems=problems)
    # 9. the key
    _update_key(key, registry, replacer, corpus)
    frame = pd.DataFrame(rows, columns=[c for c in REPLACEMENTS.names if c != "new_doc_id"])
    frame.insert(1, "new_doc_id", frame["doc_id"].map(new_ids))
    return frame.astype(REPLACEMENTS.dtypes), new_corpus


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    before = text[max(0, start - width):start].replace("\n", " ")
    after = text[end:end + width].replace("\n", " ")
    opening, closing = ("…" if start > width else ""), ("…" if end + width < len(text) else "")
    return f"{opening}{before}[[{text[start:end]}]]{after}{closing}"


def _update_key(key: _Key, registry: _Registry, replacer: _Replacer, corpus: Corpus) -> None:
    key.documents |= {_doc_fingerprint(d) for d in corpus.doc_ids}
    for toks, phrase in registry.phrases.table.items():
        group = phrase.group
        if phrase.ambiguous is not None:
            if toks in key.entries or id(phrase) in replacer.matched:
                key.entries[toks] = {"original": phrase.original, "pseudonym": phrase.ambiguous,
                                     "category": "variant", "capitalised_only": phrase.capitalised_only}
            continue
        if group is None or group.pseudonym is None:
            continue
        if group.category in ("email", "phone", "address", "postal_code"):
            if toks not in key.entries and id(phrase) not in replacer.matched and phrase.detector != "key":
                continue
            category = group.category
        elif phrase.kind == "label":
            category = "label"
        elif group.category == "speaker":
            category = "speaker" if phrase.kind == "full" and phrase.detector in ("speaker", "key") else "variant"
        else:
            category = group.category if phrase.kind == "full" else "variant"
        old = key.entries.get(toks)
        if old is not None and old.get("category") in ("speaker", "label") and category == "variant":
            category = old["category"]
        entry = {"original": old["original"] if old else phrase.original, "pseudonym": group.pseudonym,
                 "category": category}
        if phrase.capitalised_only:
            entry["capitalised_only"] = True
        key.entries[toks] = entry


def _map_offsets(offsets: np.ndarray, spans: list[_Span], *, side: Literal["start", "end"]) -> np.ndarray:
    if not spans:
        return np.asarray(offsets, dtype="int64")
    s = np.array([sp.start for sp in spans], dtype="int64")
    e = np.array([sp.end for sp in spans], dtype="int64")
    lengths = np.array([len(sp.replacement) for sp in spans], dtype="int64")
    return _map(np.asarray(offsets, dtype="int64"), s, e, lengths, side)


def _map(o: np.ndarray, s: np.ndarray, e: np.ndarray, new_len: np.ndarray, side: str) -> np.ndarray:
    """Original offsets -> new offsets; inside a replaced span, snap to the replacement's edge."""
    delta = np.concatenate([[0], np.cumsum(new_len - (e - s))])
    ns = s + delta[:-1]
    if side == "start":
        i = np.searchsorted(e, o, side="right")  # spans wholly before o
        inside = (i < len(s)) & (s[np.minimum(i, len(s) - 1)] <= o)
        return np.where(inside, ns[np.minimum(i, len(s) - 1)], o + delta[i])
    i = np.searchsorted(s, o, side="left")  # spans starting before o
    j = np.maximum(i - 1, 0)
    inside = (i > 0) & (o <= e[j])
    return np.where(inside, ns[j] + new_len[j], o + delta[i])


# ---------------------------------------------------------------------------
# codings


def carry_codings(codings: pd.DataFrame, replacements: pd.DataFrame, *,
                  key: str | os.PathLike | None = None) -> pd.DataFrame:
    """Codings of the original corpus -> the same codings on the pseudonymised corpus.

    Document ids are renamed and offsets moved by the lengths of the replacements before
    them; a segment that starts or ends inside a replaced name snaps to the
    replacement's edges, so it still covers the same words.

    Parameters
    ----------
    codings
        A codings frame (``schemas.CODINGS``) on the original corpus.
    replacements
        The frame ``pseudonymise(..., report=True)`` returned for that corpus.
    key
        When given, names from the key are also replaced in ``memo`` and ``coder``
        (a mediator may code her own sessions).

    Returns
    -------
    pandas.DataFrame
        A codings frame with the same rows and columns.
    """
    schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    out = codings.copy()
    ids = dict(zip(replacements["doc_id"].astype(str), replacements["new_doc_id"].astype(str)))
    text_rows = replacements[replacements["field"] == "text"]
    starts = out["start_char"].to_numpy(dtype="int64").copy()
    ends = out["end_char"].to_numpy(dtype="int64").copy()
    doc = out["doc_id"].astype(str).to_numpy()
    for doc_id, spans in text_rows.groupby("doc_id", sort=False):
        mask = doc == str(doc_id)
        if not mask.any():
            continue
        spans = spans.sort_values("start_char")
        s = spans["start_char"].to_numpy(dtype="int64")
        e = spans["end_char"].to_numpy(dtype="int64")
        n = (spans["new_end_char"] - spans["new_start_char"]).to_numpy(dtype="int64")
        starts[mask] = _map(starts[mask], s, e, n, "start")
        ends[mask] = _map(ends[mask], s, e, n, "end")
    out["start_char"] = starts
    out["end_char"] = ends
    out["doc_id"] = pd.Series([ids.get(d, d) for d in doc], index=out.index, dtype="string")
    if key is not None:
        loaded = _Key.load(key, must_exist=True)
        for col in ("memo", "coder"):
            out[col] = out[col].map(lambda v: v if pd.isna(v) else _replace_with_key(str(v), loaded)).astype("string")
    return out


def _replace_with_key(text: str, key: _Key, *, slug: bool = False) -> str:
    phrases = _Phrases()
    for toks, entry in key.entries.items():
        if entry["category"] != "label":
            phrases.add(toks, entry)
    parts, pos = [], 0
    for s, e, entry in phrases.find(text, compounds=not slug, accept=lambda s, e, entry: not entry.get(
            "capitalised_only") or _caps_ok(entry["original"], text[s:e])):
        parts += [text[pos:s], _slug(entry["pseudonym"]) if slug else str(entry["pseudonym"])]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


# ---------------------------------------------------------------------------
# the report


def replacement_pairs(replacements: pd.DataFrame) -> pd.DataFrame:
    """Each distinct original -> replacement, with how often and where: for reviewing misses and false hits.

    Returns
    -------
    pandas.DataFrame
        ``category, original, replacement, n, n_documents, detector, fields, context``
        (the first occurrence's context), sorted by category then count. Holds the
        originals: for the researcher's eyes only.
    """
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    columns = ["category", "original", "replacement", "n", "n_documents", "detector", "fields", "context"]
    if replacements.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "n_documents") else "string") for c in columns})
    g = replacements.groupby(["category", "original", "replacement"], sort=False, dropna=False)
    out = pd.DataFrame({
        "n": g.size(),
        "n_documents": g["doc_id"].nunique(),
        "detector": g["detector"].agg(lambda s: ", ".join(dict.fromkeys(s.dropna()))),
        "fields": g["field"].agg(lambda s: ", ".join(dict.fromkeys(s.dropna()))),
        "context": g["context"].agg(lambda s: next((v for v in s if not pd.isna(v)), pd.NA)),
    }).reset_index()
    out = out.sort_values(["category", "n", "original"], ascending=[True, False, True], kind="stable")
    out = out[columns].reset_index(drop=True)
    for c in columns:
        out[c] = out[c].astype("int64" if c in ("n", "n_documents") else "string")
    return out


def replacement_counts(replacements: pd.DataFrame) -> pd.DataFrame:
    """Counts per category: ``category, n`` (strings replaced) ``, n_distinct`` (distinct originals).

    Holds no original: safe to print.
    """
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    if replacements.empty:
        return pd.DataFrame({"category": pd.Series(dtype="string"), "n": pd.Series(dtype="int64"),
                             "n_distinct": pd.Series(dtype="int64")})
    g = replacements.groupby("category", sort=True)
    out = pd.DataFrame({"n": g.size(), "n_distinct": g["original"].agg(lambda s: s.map(_folded_phrase).nunique())})
    out = out.reset_index()
    out["category"] = out["category"].astype("string")
    return out.astype({"n": "int64", "n_distinct": "int64"})


def write_report(replacements: pd.DataFrame, path: str | os.PathLike, *,
                 outputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write :func:`replacement_pairs` as CSV (UTF-8 with BOM, for Excel), owner-only, atomically.

    Refuses a path under a ``reports/`` folder or inside one of ``outputs`` (``RK-D09``):
    the report holds the originals.
    """
    path = _check_location(Path(path).expanduser(), what="report", code="RK-D09",
                           forbidden=[(Path(o), "output folder") for o in outputs])
    pairs = replacement_pairs(replacements)
    buffer = io.StringIO()
    pairs.to_csv(buffer, index=False)
    atomic_write_text(path, "\ufeff" + buffer.getvalue(), permissions=0o600)
    return path


# ---------------------------------------------------------------------------
# writing a pseudonymised corpus folder


def write_pseudonymised(corpus: str | os.PathLike | Corpus, folder: str | os.PathLike, *, key: str | os.PathLike,
                        names: Any = (), keep: Any = (), report: str | os.PathLike | None = None,
                        n_process: int = 1, overwrite: bool = False) -> pd.DataFrame:
    """Write a pseudonymised copy of a corpus folder, its codings carried over, and the report.

    What ``research-kit pseudonymise CORPUS --key FILE --to DIR`` does. Everything is
    checked (key, lists, codings, places) before anything is written; the corpus is
    written into a temporary folder renamed to ``folder`` at the end, so a failure
    leaves nothing half-written. The key is written before the corpus (a key that knows
    more names than an output is harmless; the reverse would not be).

    Parameters
    ----------
    corpus
        A corpus folder, or a :class:`Corpus` read from one.
    folder
        The new corpus folder; it must not exist or be empty, nor lie inside the corpus.
        With ``overwrite=True`` it may be an earlier pseudonymised copy (its manifest says
        ``pseudonymised: true``), which is replaced whole once the new one is written.
    key, names, keep, n_process
        As for :func:`pseudonymise`; the key must not lie inside ``folder``.
    report
        Where to write the replacements report (CSV); default: beside the key,
        ``<key name>.replacements.csv``. Never inside ``folder`` nor under ``reports/``.

    Returns
    -------
    pandas.DataFrame
        :func:`replacement_counts` (categories and counts, no original: safe to print).
    """
    from .coding import read_codings, write_codings
    from .corpus import read_corpus, write_corpus

    source = corpus if isinstance(corpus, Corpus) else read_corpus(corpus)
    folder = Path(folder).expanduser()
    root = source.root
    replace_old = False
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        if not (overwrite and _is_pseudonymised_copy(folder)):
            raise PseudonymisationError(
                "RK-D10", "the output folder is not empty; refusing to write over its files.", path=folder,
                hint="Choose a new folder; nothing was written." + (
                    "" if overwrite else " (--overwrite replaces an earlier pseudonymised copy, and nothing else.)"))
        replace_old = True
    if root is not None and (_inside(folder, root) or _inside(root, folder)):
        raise PseudonymisationError("RK-D10", f"the output folder must lie outside the corpus folder ({root}).",
                                    path=folder,
                                    hint="Choose a folder beside the corpus, not in it; nothing was written.")
    forbidden = [(folder, "output folder")] + ([(root, "corpus folder")] if root is not None else [])
    key_path = _check_location(Path(key).expanduser(), what="key", code="RK-D04", forbidden=forbidden)
    report_path = Path(report).expanduser() if report is not None else key_path.with_name(
        key_path.name + ".replacements.csv")
    _check_location(report_path, what="report", code="RK-D09", forbidden=forbidden)
    the_key = _Key.load(key_path)
    the_key.check_corpus(source)
    name_items = _name_items(names, "names")
    keep_items = _name_items(keep, "keep")
    codings = {}
    if root is not None:
        patterns = source.manifest.get("codings") or ["codings/*.csv"]
        patterns = [patterns] if isinstance(patterns, str) else patterns
        for pattern in patterns:
            for path in sorted(root.glob(str(pattern))):
                if path.is_file() and path.suffix.lower() in (".csv", ".tsv"):
                    codings[path] = read_codings(path, corpus=source)

    replacements, pseudo = _pseudonymise(source, the_key, name_items, keep_items, n_process=n_process)
    the_key.save()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # a shareable folder, as mkdir would make it (mkdtemp makes it private)
    try:
        write_corpus(pseudo, tmp, overwrite=True, manifest_extra={"pseudonymised": True})
        for path, frame in codings.items():
            carried = carry_codings(frame, replacements, key=key_path)
            rel = path.relative_to(root)
            stem = _replace_with_key(rel.stem, the_key, slug=True)  # file names may carry names too
            write_codings(carried, tmp / rel.parent / (stem + rel.suffix))
        _copy_codebook(source, tmp, the_key)
        if replace_old:
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if folder.exists():
                folder.rmdir()
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    write_report(replacements, report_path, outputs=[folder] + ([root] if root is not None else []))
    return replacement_counts(replacements)


def _is_pseudonymised_copy(folder: Path) -> bool:
    """True for a folder that write_pseudonymised wrote (its manifest says pseudonymised: true)."""
    import yaml

    manifest = folder / "corpus.yml"
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("pseudonymised") is True


def _copy_codebook(source: Corpus, folder: Path, key: _Key) -> None:
    """Copy the corpus's codebook into the pseudonymised folder, names in it replaced.

    Codebook examples are often quotes; the key's originals are replaced there too. The
    copied manifest then names the codebook and the carried codings, as the source did.
    """
    from ._io import atomic_write_text, read_text
    from ._yaml import dump_yaml, load_yaml_with_lines

    manifest_path = folder / "corpus.yml"
    manifest, _ = load_yaml_with_lines(read_text(manifest_path)[0], path=manifest_path)
    name = source.manifest.get("codebook")
    if name and source.root is not None and (source.root / str(name)).is_file():
        text, _ = read_text(source.root / str(name))
        target = folder / Path(str(name)).name
        atomic_write_text(target, _replace_with_key(text, key))
        manifest["codebook"] = target.name
    if (folder / "codings").is_dir():
        manifest["codings"] = ["codings/*.csv"]
    atomic_write_text(manifest_path, dump_yaml(manifest))


# ---------------------------------------------------------------------------
# guarantees


def check_publishable(corpus: Corpus, *, allow_identities: bool = False) -> None:
    """Refuse a corpus whose manifest says it names real people and that is not pseudonymised.

    Raises
    ------
    PseudonymisationError
        ``RK-D08`` when ``manifest["identities"]`` is true, ``manifest["pseudonymised"]``
        is not, and ``allow_identities`` is False.
    """
    corpus = _check_corpus(corpus, "check_publishable")
    if allow_identities or not _truthy(corpus.manifest.get("identities")) or _truthy(
            corpus.manifest.get("pseudonymised")):
        return
    where = corpus.root if corpus.root is not None else corpus.title
    raise PseudonymisationError(
        "RK-D08", f"the corpus {corpus.title!r} says `identities: true` in its manifest and has not been "
                  "pseudonymised, so its outputs would carry participants' names, contact details and places.",
        path=where,
        hint=f"Run `research-kit pseudonymise {where} --key <private>/key.json --to <new folder>` and use the "
             "new folder; or, if the outputs stay within the research team, allow it explicitly "
             "(allow_identities=True, --allow-identities).")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "oui", "1")
    return bool(value)


def leaks(text_or_paths: Any, key: str | os.PathLike, *, keep: Iterable[str] = (), strict: bool = False) -> list[dict]:
    """Every original of the key found in texts or files: ``[]`` when there is none.

    Parameters
    ----------
    text_or_paths
        A string (a text), a :class:`~pathlib.Path` (a file, or a folder searched
        recursively), or a list of them. HTML and XML are unescaped; notebooks and JSON
        are searched string by string; DOCX/XLSX/PPTX/ODT and other zip files member by
        member; PDF through its text layer.
    key
        The key file.
    keep
        Words allowed to appear (the ``keep`` list given to :func:`pseudonymise`).
    strict
        Also report originals that are common words in the corpus (the key marks them
        ``capitalised_only``) when they appear without a capital (``rose`` for a
        participant called Rose), and initials of two letters or fewer (``J-F``), which
        match everywhere in HTML and code.

    Returns
    -------
    list of dict
        ``{"source", "original", "category", "found", "start", "context"}`` per
        occurrence; comparison is whole-word, case- and accent-insensitive.

    Raises
    ------
    PseudonymisationError
        ``RK-D01``/``RK-D02`` for an unusable key, ``RK-D12`` for a file that cannot be read.
    """
    the_key = _Key.load(key, must_exist=True)
    kept = {_folded_phrase(k) for k in keep}
    phrases = _Phrases()
    for toks, entry in the_key.entries.items():
        if entry["category"] == "label" or " ".join(toks) in kept:
            continue
        if not strict and sum(map(len, toks)) <= 2:
            continue  # initials ("J-F", "JF"): replaced in the corpus, but everywhere in HTML and code
        phrases.add(toks, entry)
    for original, pseudonym in the_key.doc_ids.items():
        toks = _tokens(original)
        if toks and toks not in phrases:
            phrases.add(toks, {"original": original, "category": "doc_id", "pseudonym": pseudonym})
    found: list[dict] = []
    for source, text in _texts_of(text_or_paths):
        def accept(s: int, e: int, entry: dict, text: str = text) -> bool:
            return strict or not entry.get("capitalised_only") or _caps_ok(entry["original"], text[s:e])

        for s, e, entry in phrases.find(text, lenient=True, accept=accept):
            found.append({"source": source, "original": entry["original"], "category": entry["category"],
                          "found": text[s:e], "start": s, "context": _context(text, s, e, 30)})
    return found


def _texts_of(value: Any, _depth: int = 0) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield "<text>", unicodedata.normalize("NFC", value)
        return
    if isinstance(value, os.PathLike):
        path = Path(value)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _file_texts(file)
        else:
            yield from _file_texts(path)
        return
    try:
        items = list(value)
    except TypeError:
        raise PseudonymisationError("RK-D11", f"leaks() needs a text, a path or a list of them; "
                                              f"got {type(value).__name__}.") from None
    for i, item in enumerate(items):
        for source, text in _texts_of(item, _depth + 1):
            yield (f"<text {i}>" if source == "<text>" else source), text


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{76,}={0,2}")
_SKIP_SUFFIXES = {".parquet", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".woff", ".woff2",
                  ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav"}


def _file_texts(path: Path) -> Iterator[tuple[str, str]]:
    import html

    suffix = path.suffix.lower()
    if suffix in _SKIP_SUFFIXES:
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PseudonymisationError("RK-D12", f"cannot be read to check for names ({e.strerror}).", path=path) from e
    if suffix == ".pdf":
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            yield str(path), "\n".join((page.extract_text() or "") for page in reader.pages)
        except Exception as e:  # noqa: BLE001 - any PDF failure means the file was not checked
            raise PseudonymisationError("RK-D12", f"the PDF cannot be read to check for names ({e}).", path=path,
                                        hint="Check the Markdown or HTML version of the brief instead.") from e
        return
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    if member.endswith("/") or Path(member).suffix.lower() in _SKIP_SUFFIXES:
                        continue
                    raw = archive.read(member)
                    text = raw.decode("utf-8", errors="replace")
                    if member.endswith((".xml", ".rels", ".html", ".htm")):
                        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</w:p>|</a:p>|</text:p>", "\n", text)))
                    yield f"{path}!{member}", unicodedata.normalize("NFC", text)
        except zipfile.BadZipFile as e:
            raise PseudonymisationError("RK-D12", f"looks like a zip file but cannot be opened ({e}).",
                                        path=path) from e
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, _ = read_text(path)
        except ResearchKitError:
            text = data.decode("latin-1")  # binary: search the bytes for plain-text names anyway
    if suffix in (".ipynb", ".json"):
        try:
            strings = list(_json_strings(json.loads(text)))
            text = "\n".join(strings)
        except ValueError:
            pass
    if suffix in (".html", ".htm", ".xml", ".svg", ".md", ".ipynb"):
        text = html.unescape(text)
    # Embedded images (data: URIs, base64 PNG in notebooks) are pixels, not words: a name
    # "found" among their letters would be noise. Their text alternatives stay searched.
    text = _BASE64_RUN.sub(" ", text)
    yield str(path), unicodedata.normalize("NFC", text)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if len(value) > 200 and re.fullmatch(r"[A-Za-z0-9+/=\s]+", value[:200]):  # base64 images
            return
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


# ---------------------------------------------------------------------------
# back to the originals


def reveal(pseudonym: str, key: str | os.PathLike) -> list[str]:
    """The originals a pseudonym stands for, the fullest name first: ``[]`` when the key does not know it.

    A numbered pseudonym (``"Médiateur·rice 2"``, ``"Personne 7"``, ``"[lieu 3]"``, a
    renamed document id) gives one person's or place's names (full name, then the
    variants found); a generic token (``"[téléphone]"``, ``"[prénom]"``) gives every
    original it replaced.
    """
    return _reveal(_Key.load(key, must_exist=True), " ".join(str(pseudonym).split()))


def _reveal(key: _Key, wanted: str) -> list[str]:
    found = [e for e in key.entries.values() if e["pseudonym"] == wanted]
    found += [{"original": o, "category": "doc_id"} for o, p in key.doc_ids.items() if p == wanted]
    rank = {"speaker": 0, "person": 0, "place": 0, "organisation": 0, "doc_id": 0, "label": 1, "variant": 2}
    found.sort(key=lambda e: (rank.get(e["category"], 1), -len(e["original"].split()), -len(e["original"]),
                              e["original"]))
    return [e["original"] for e in found]


def unpseudonymise(text: str, key: str | os.PathLike) -> str:
    """Put the originals back in a text: each numbered pseudonym becomes the person's (place's) fullest name.

    Generic tokens (``[téléphone]``, ``[prénom]``…) stay: they stand for several originals.
    """
    the_key = _Key.load(key, must_exist=True)
    canonical: dict[str, str] = {}
    generic = {v for lang in _LABELS.values() for v in lang.values() if v.startswith("[")}
    for pseudonym in {e["pseudonym"] for e in the_key.entries.values()} - generic:
        names = _reveal(the_key, pseudonym)
        if names:
            canonical[pseudonym] = names[0]
    if not canonical:
        return text
    pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(re.escape(p) for p in sorted(canonical, key=len, reverse=True))
                         + r")(?![\w\d])")
    return pattern.sub(lambda m: canonical[m.group()], text)


