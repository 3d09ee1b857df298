"""Codebooks: hierarchical codes with definitions, examples and matching rules.

A codebook is a file the team edits by hand and reviews in diffs: YAML, or CSV for
those who prefer a spreadsheet. :func:`read_codebook` checks it entirely and lists
every problem at once, each with its line; the result is a frozen
:class:`Codebook`. :func:`write_codebook` writes either format back. The document a
team reviews (Markdown or Word) is drawn by :mod:`research_kit.render.codebook`
(``codebook_markdown``, ``write_codebook_docx``). ``docs/codebook.md`` describes both
formats with a full example.

The package has one module per part: :mod:`~research_kit.codebook.model` (``Rules``,
``CodeEntry``, ``Codebook``), :mod:`~research_kit.codebook.checks` (the problems
collector, the hierarchy and spaCy-pattern checks), :mod:`~research_kit.codebook.regexes`
(the check of a rule's regular expression, catastrophic backtracking included),
:mod:`~research_kit.codebook.parse` (from YAML-form data to a ``Codebook``),
:mod:`~research_kit.codebook.csvformat` (the CSV form, read and written) and
:mod:`~research_kit.codebook.io` (``read_codebook``, ``validate_codebook``,
``write_codebook``). Import from ``research_kit.codebook``. Hierarchies of any depth are
read: every walk over parents and children is iterative.

YAML format
-----------
::

    title: Pratiques de médiation et participation
    description: Grille de l'atelier de mars.     # optional, one text
    languages: [fr, en]        # optional; default: the languages the file uses
    codes:
      - id: care               # letters, digits, '.', '_', '-'; unique
        label: {fr: Prendre soin de l'équipe, en: Care of the team}
        definition: {fr: ..., en: ...}
        when_to_use: {fr: ..., en: ...}
        when_not_to_use: {fr: ..., en: ...}
        examples: {fr: ["on est épuisés"], en: ["we are exhausted"]}
        color: "#0072B2"       # quoted: in YAML '#' starts a comment
        codable: true          # false: a folder that only groups codes
        rules:                 # per language; every kind is optional
          fr:
            lemmas: [épuisement, épuiser]          # one lemma each, lower case
            phrases: ["prendre soin de nous"]      # as said; matched on lemmas
            patterns:                              # spaCy Matcher token patterns
              - [{LEMMA: prendre}, {LEMMA: soin}]
            regex: ['(?i)\\bburn-?out\\b']          # on the raw text
        children:              # nesting gives the hierarchy ...
          - id: care.fatigue
            label: {fr: Épuisement, en: Exhaustion}
      - id: other
        parent: care           # ... and so does `parent:` (both may be mixed)
        label: {fr: Autre, en: Other}

Every text (``label``, ``definition``, ``when_to_use``, ``when_not_to_use``) is a
mapping of language to text, or a plain text meaning the first language; every
code needs a non-empty label in at least one language. ``examples`` maps a language
to a list of quotes (a plain list means the first language).

CSV format
----------
One row per code, parents before or after children (``parent`` gives the
hierarchy), with a header row; ``,``, ``;`` (French spreadsheets) and tab are all
recognised. Lines before the header that start with ``#`` carry the title, the
description and the languages::

    # title: Pratiques de médiation et participation
    # languages: fr, en
    code,parent,label_fr,label_en,definition_fr,definition_en,color,codable,...

The first eight columns are those of :data:`~research_kit.schemas.CODES`; then
``when_to_use_<lang>``, ``when_not_to_use_<lang>``, ``examples_<lang>``,
``lemmas_<lang>``, ``phrases_<lang>``, ``patterns_<lang>`` and ``regex_<lang>``.
Lemmas and phrases are separated by ``;`` (or one per line in the cell); examples,
regular expressions and spaCy patterns go one per line in the cell, patterns written
as JSON (``[{"LEMMA": "prendre"}, {"LEMMA": "soin"}]``). ``codable`` is ``true``
or ``false`` (``oui``/``non``, ``1``/``0`` too); empty means true.

Problems
--------
Reading collects every problem and raises one :class:`~research_kit.errors.CodebookError`
whose ``problems`` are :class:`~research_kit.errors.InputFileError` records with the
file and line (the CSV line where the row starts): ``RK-K01`` unreadable YAML or CSV,
``RK-K02`` wrong type or shape, ``RK-K03`` unknown key or column, ``RK-K04`` missing
or malformed id, ``RK-K05`` duplicate id, ``RK-K06`` unknown parent, ``RK-K07``
cycle through ``parent:``, ``RK-K08`` a ``parent:`` that contradicts the nesting,
``RK-K09`` no label, ``RK-K10`` bad colour, ``RK-K11`` bad ``codable``, ``RK-K12``
language not declared, ``RK-K13`` bad ``languages``, ``RK-K14`` bad regular
expression (it does not compile, the ``regex`` engine that applies rules reads it
otherwise, or it matches the empty text), ``RK-K15`` bad spaCy pattern, ``RK-K16``
bad lemma or phrase, ``RK-K17`` rules on a folder, ``RK-K18`` no codes, ``RK-K20`` unknown code asked of a
``Codebook``, ``RK-K21`` unsupported file extension, ``RK-K22`` CSV without a
``code`` column, ``RK-K23`` a regular expression that could hang: a shape that takes
exponential time on some texts (``(a+)+``, ``(\\w+\\s?)*``, ``(x|x)*``; see
:mod:`~research_kit.codebook.regexes`), groups nested too deep, counted repeats too large.
"""

from __future__ import annotations

from .io import read_codebook, validate_codebook, write_codebook
from .model import OKABE_ITO, CodeEntry, Codebook, Rules
from .model import RULE_KINDS as RULE_KINDS
from .model import TEXT_FIELDS as TEXT_FIELDS
from .parse import CODE_KEYS as CODE_KEYS
from .parse import TOP_KEYS as TOP_KEYS

__all__ = [
    "Rules",
    "CodeEntry",
    "Codebook",
    "read_codebook",
    "write_codebook",
    "validate_codebook",
    "OKABE_ITO",
]
