"""Codebooks: hierarchical codes with definitions, examples and matching rules.

A codebook is a file the team edits by hand and reviews in diffs: YAML, or CSV for
those who prefer a spreadsheet. :func:`read_codebook` checks it entirely and lists
every problem at once, each with its line; the result is a frozen
:class:`Codebook`. :func:`write_codebook` writes either format back, and
:func:`codebook_markdown` / :func:`write_codebook_docx` give the document a team
reviews. ``docs/codebook.md`` describes both formats with a full example.

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
expression, ``RK-K15`` bad spaCy pattern, ``RK-K16`` bad lemma or phrase, ``RK-K17``
rules on a folder, ``RK-K18`` no codes, ``RK-K20`` unknown code asked of a
``Codebook``, ``RK-K21`` unsupported file extension, ``RK-K22`` CSV without a
``code`` column.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ._io import atomic_write, atomic_write_text, read_text
from ._yaml import KeyPath, dump_yaml, line_of, load_yaml_with_lines
from .errors import CodebookError, InputFileError, ParameterError, ResearchKitError, check_option, did_you_mean
from .schemas import CODES

__all__ = [
    "Rules",
    "CodeEntry",
    "Codebook",
    "read_codebook",
    "write_codebook",
    "validate_codebook",
    "codebook_markdown",
    "write_codebook_docx",
    "OKABE_ITO",
]

#: The Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")

TEXT_FIELDS = ("label", "definition", "when_to_use", "when_not_to_use")
RULE_KINDS = ("lemmas", "phrases", "patterns", "regex")
TOP_KEYS = ("title", "description", "languages", "codes")
CODE_KEYS = ("id", "parent", *TEXT_FIELDS, "examples", "color", "codable", "rules", "children")
_CSV_LANG_FIELDS = (*TEXT_FIELDS, "examples", *RULE_KINDS)
_CSV_META = ("title", "description", "languages")

_ID_RE = re.compile(r"^\w[\w.\-]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
_COLOR_RE = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_YAML_SUFFIXES = (".yml", ".yaml")
_CSV_SUFFIXES = (".csv",)
_TRUE = {"true", "vrai", "oui", "yes", "1", "x"}
_FALSE = {"false", "faux", "non", "no", "0"}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Rules:
    """What marks a code in one language; every kind may be empty.

    Attributes
    ----------
    lemmas
        Single lemmas, matched on the tokens' lower-cased lemmas.
    phrases
        Expressions as they are said, matched on their lemmas.
    patterns
        spaCy ``Matcher`` token patterns, each a tuple of token mappings.
    regex
        Regular expressions (Python syntax), matched on the raw text.
    """

    lemmas: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    regex: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lemmas or self.phrases or self.patterns or self.regex)


@dataclass(frozen=True)
class CodeEntry:
    """Everything a codebook says about one code.

    Texts are mappings of language to text, holding only the languages given;
    treat them as read-only.
    """

    code: str
    parent: str | None = None
    label: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    when_to_use: dict[str, str] = field(default_factory=dict)
    when_not_to_use: dict[str, str] = field(default_factory=dict)
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    color: str | None = None
    codable: bool = True
    rules: dict[str, Rules] = field(default_factory=dict)


@dataclass(frozen=True, eq=False, repr=False)
class Codebook:
    """A checked codebook: codes, their hierarchy, texts and rules.

    Build one with :func:`read_codebook`; constructing it from entries directly
    checks the hierarchy only (ids, parents, cycles); :func:`validate_codebook`
    checks everything.

    Parameters
    ----------
    entries
        One :class:`CodeEntry` per code; they are kept parents before children
        (depth-first, siblings in the order given).
    title, description
        Free texts.
    languages
        Languages of the texts and rules, ISO 639-1 codes.
    path
        File the codebook was read from, ``None`` when built in memory.

    Attributes
    ----------
    codes : pandas.DataFrame
        One row per code following :data:`~research_kit.schemas.CODES`, parents before
        children, then ``label_<lang>``/``definition_<lang>`` for further languages
        and ``depth`` (0 for a top-level code).

    Notes
    -----
    Two codebooks are equal when their entries, title, description and languages
    are; ``path`` does not count.

    Examples
    --------
    >>> cb = Codebook((CodeEntry("care", label={"fr": "Soin"}),
    ...                CodeEntry("care.fatigue", parent="care", label={"fr": "Fatigue"})),
    ...               title="Démo", languages=("fr",))
    >>> cb.descendants("care")
    ['care', 'care.fatigue']
    >>> cb.codes[["code", "parent", "label_fr", "depth"]]
               code parent label_fr  depth
    0          care   <NA>     Soin      0
    1  care.fatigue   care  Fatigue      1
    """

    entries: tuple[CodeEntry, ...]
    title: str = ""
    languages: tuple[str, ...] = ("fr", "en")
    description: str = ""
    path: Path | None = None
    codes: pd.DataFrame = field(init=False)
    _index: dict[str, CodeEntry] = field(init=False)
    _children: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        entries = tuple(self.entries)
        languages = tuple(self.languages)
        if not languages or not all(isinstance(lang, str) and lang for lang in languages):
            raise ParameterError("RK-K13", f"a codebook needs at least one language code; got {self.languages!r}.")
        problems = _Problems(None, self.path)
        _check_hierarchy([(e.code, e.parent, (), ()) for e in entries], problems)
        problems.raise_if_any()
        index = {e.code: e for e in entries}
        children: dict[str, list[str]] = {e.code: [] for e in entries}
        roots = []
        for e in entries:
            (roots if e.parent is None else children[e.parent]).append(e.code)
        ordered: list[CodeEntry] = []
        depth: dict[str, int] = {}

        def visit(code: str, level: int) -> None:
            ordered.append(index[code])
            depth[code] = level
            for child in children[code]:
                visit(child, level + 1)

        for root in roots:
            visit(root, 0)
        set_ = object.__setattr__
        set_(self, "entries", tuple(ordered))
        set_(self, "languages", languages)
        set_(self, "path", None if self.path is None else Path(self.path))
        set_(self, "_index", index)
        set_(self, "_children", {k: tuple(v) for k, v in children.items()})
        set_(self, "codes", _codes_frame(ordered, languages, depth))

    # -- container protocol
    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Codebook):
            return NotImplemented
        return (self.entries, self.title, self.languages, self.description) == (
            other.entries, other.title, other.languages, other.description)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return (f"Codebook(title={self.title!r}, languages={self.languages!r}, "
                f"{len(self)} codes{where})")

    # -- look-ups
    def entry(self, code: str) -> CodeEntry:
        """The full record of ``code``.

        Raises
        ------
        ParameterError
            ``RK-K20`` when the codebook has no such code.
        """
        try:
            return self._index[code]
        except (KeyError, TypeError):
            raise ParameterError(
                "RK-K20", f'the codebook has no code "{code}".' + did_you_mean(code, self._index),
                hint="Its codes are listed in codebook.codes['code'].") from None

    def label(self, code: str, lang: str | None = None) -> str:
        """The label of ``code`` in ``lang`` (default: the codebook's first language).

        Falls back to the label in the codebook's other languages, in order, then
        to the code itself.

        Examples
        --------
        >>> cb = Codebook((CodeEntry("care", label={"en": "Care"}),), languages=("fr", "en"))
        >>> cb.label("care", "fr")
        'Care'
        """
        entry = self.entry(code)
        lang = self._lang(lang, "Codebook.label")
        for candidate in (lang, *self.languages, *entry.label):
            if entry.label.get(candidate):
                return entry.label[candidate]
        return code

    def descendants(self, code: str, *, include_self: bool = True) -> list[str]:
        """``code`` and every code under it, depth-first, parents before children.

        This is "a code with its children" when counting or retrieving codings.
        """
        self.entry(code)
        out: list[str] = []
        stack = [code]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self._children[current]))
        return out if include_self else out[1:]

    def ancestors(self, code: str, *, include_self: bool = False) -> list[str]:
        """The parents of ``code`` up to its top-level code, nearest first."""
        out = [code] if include_self else []
        parent = self.entry(code).parent
        while parent is not None:
            out.append(parent)
            parent = self._index[parent].parent
        return out

    def rules(self, lang: str) -> dict[str, Rules]:
        """The matching rules in ``lang`` of every codable code that has some.

        Returns
        -------
        dict
            ``{code: Rules}`` in codebook order; codes without rules in ``lang``
            are left out.
        """
        lang = self._lang(lang, "Codebook.rules")
        return {e.code: e.rules[lang] for e in self.entries if e.codable and e.rules.get(lang)}

    def _lang(self, lang: str | None, function: str) -> str:
        if lang is None:
            return self.languages[0]
        check_option("lang", lang, self.languages, function=function)
        return lang


def _codes_frame(entries: Sequence[CodeEntry], languages: Sequence[str], depth: Mapping[str, int]) -> pd.DataFrame:
    extra = [lang for lang in languages if lang not in ("fr", "en")]
    data: dict[str, list[Any]] = {
        "code": [e.code for e in entries],
        "parent": [e.parent for e in entries],
        "label_fr": [e.label.get("fr") for e in entries],
        "label_en": [e.label.get("en") for e in entries],
        "definition_fr": [e.definition.get("fr") for e in entries],
        "definition_en": [e.definition.get("en") for e in entries],
        "color": [e.color for e in entries],
        "codable": [bool(e.codable) for e in entries],
    }
    for lang in extra:
        data[f"label_{lang}"] = [e.label.get(lang) for e in entries]
        data[f"definition_{lang}"] = [e.definition.get(lang) for e in entries]
    data["depth"] = [depth[e.code] for e in entries]
    frame = pd.DataFrame(data)
    dtypes = {**CODES.dtypes, **{c: "string" for c in frame.columns if c.startswith(("label_", "definition_"))},
              "depth": "int64"}
    return frame.astype(dtypes)


# --------------------------------------------------------------------------- problems


class _Problems:
    """Collects problems with their lines; raises them all at once."""

    def __init__(self, lines: Mapping[KeyPath, int] | None, path: str | Path | None) -> None:
        self.lines = lines
        self.path = path
        self.csv = path is not None and Path(path).suffix.lower() in _CSV_SUFFIXES
        self.items: list[ResearchKitError] = []

    def add(self, code: str, at: KeyPath | None, message: str, hint: str | None = None, *,
            line: int | None = None) -> None:
        if line is None and at is not None:
            line = line_of(self.lines, at)
        self.items.append(InputFileError(code, message, path=self.path, line=line, hint=hint))

    def line(self, at: KeyPath) -> int | None:
        return line_of(self.lines, at)

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda p: (p.line is None, p.line or 0))
            raise CodebookError(ordered, path=self.path)


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a text", int: "a number", float: "a number",
             bool: "true/false", type(None): "nothing"}
    for cls, name in names.items():
        if type(value) is cls:
            return f"{name} ({value!r})" if cls in (str, int, float, bool) else name
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _check_hierarchy(refs: Sequence[tuple[str, str | None, KeyPath, KeyPath]], problems: _Problems) -> None:
    """Duplicate ids, unknown parents and cycles, each reported once."""
    first: dict[str, tuple[str | None, KeyPath, KeyPath]] = {}
    for code, parent, id_at, parent_at in refs:
        if code in first:
            line = problems.line(first[code][1])
            where = f" (first on line {line})" if line is not None else ""
            problems.add("RK-K05", id_at, f'the id "{code}" is used by two codes{where}.',
                         hint="Give each code its own id.")
        else:
            first[code] = (parent, id_at, parent_at)
    for code, (parent, _, parent_at) in first.items():
        if parent is not None and parent not in first:
            problems.add("RK-K06", parent_at,
                         f'code "{code}": its parent "{parent}" is not a code of this codebook.'
                         + did_you_mean(parent, first),
                         hint="Fix the parent's id, or add that code.")
    order = {code: i for i, code in enumerate(first)}
    seen: dict[str, str] = {}
    for start in first:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in first and node not in seen:
            seen[node] = start
            chain.append(node)
            node = first[node][0]
        if node is not None and seen.get(node) == start and node in chain:
            cycle = chain[chain.index(node):]
            head = min(cycle, key=order.__getitem__)
            k = cycle.index(head)
            cycle = cycle[k:] + cycle[:k]
            if len(cycle) == 1:
                message = f'code "{head}" is its own parent.'
            else:
                shown = " → ".join(f'"{c}"' for c in [*cycle, head])
                message = f"codes {shown} form a cycle through parent:, so none of them reaches a top-level code."
            problems.add("RK-K07", first[head][2], message,
                         hint="Give one of them another parent, or remove its parent: key.")


# --------------------------------------------------------------------------- parsing


@functools.lru_cache(maxsize=1)
def _blank_vocab() -> Any:
    import spacy

    return spacy.blank("fr").vocab


@functools.lru_cache(maxsize=1)
def _token_attributes() -> tuple[str, ...]:
    from spacy.schemas import TokenPattern

    return tuple(name.upper() for name in TokenPattern.model_fields)


def _pattern_error(pattern: object, *, with_spacy: bool = True) -> str | None:
    """Why spaCy's Matcher refuses ``pattern``, in one line; ``None`` if it accepts it.

    ``with_spacy=False`` checks only the shape (no spaCy import, for fast reads).
    """
    if not isinstance(pattern, list) or not all(isinstance(t, Mapping) for t in pattern):
        return "a pattern is a list of tokens, each a mapping such as {LEMMA: soin}"
    if not pattern:
        return "a pattern needs at least one token"
    for n, token in enumerate(pattern, start=1):
        for key, value in token.items():
            flag = str(key).upper().startswith(("IS_", "LIKE_")) or str(key).upper() in ("SENT_START", "SPACY")
            if isinstance(value, bool) and not flag:
                return (f"token {n}, {key}: the value is read as {str(value).lower()}, since YAML reads unquoted yes, "
                        f'no, on and off as true or false; quote it, e.g. {{{key}: "on"}}')
    if not with_spacy:
        return None
    from spacy.matcher import Matcher

    try:
        Matcher(_blank_vocab(), validate=True).add("rule", [copy.deepcopy(pattern)])
    except Exception as e:  # noqa: BLE001 - spaCy raises ValueError, re.error, KeyError, TypeError
        details: dict[tuple[int, str], str] = {}
        for line in str(e).splitlines():
            m = re.match(r"^- \[pattern -> (\d+)(?: -> (.*?))?\] (.*)$", line.strip())
            if not m:
                continue
            token, where, what = int(m.group(1)) + 1, m.group(2), m.group(3)
            attribute = (where or "").split(" -> ")[0]
            text = f"token {token}" + (f", {attribute}" if attribute else "") + f": {what[:1].lower()}{what[1:]}"
            if "Extra inputs" in what and attribute:
                text = f'token {token}: unknown attribute "{attribute}".' + did_you_mean(
                    attribute.upper(), _token_attributes())
                text = text.rstrip(".")
            details[(token, attribute)] = text  # pydantic lists one line per type tried: keep the last
        if details:
            return "; ".join(list(details.values())[:3])
        message = re.sub(r"^\[E\d+\]\s*", "", str(e).splitlines()[0]).rstrip(".")
        return message
    return None


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Parser:
    """Turns parsed YAML (or rows of a CSV) into entries, recording every problem."""

    def __init__(self, problems: _Problems, *, check_patterns: bool = True) -> None:
        self.p = problems
        self.check_patterns = check_patterns
        self.languages: tuple[str, ...] = ("fr",)
        self.refs: list[tuple[str, str | None, KeyPath, KeyPath]] = []
        self.entries: list[CodeEntry] = []

    # -- top level
    def parse(self, data: Any) -> tuple[str, str, tuple[str, ...], list[CodeEntry]]:
        p = self.p
        if data is None:
            p.add("RK-K18", (), "the codebook is empty.", hint="Start from docs/codebook.md or corpora/demo/codebook.yml.")
            return "", "", self.languages, []
        if not isinstance(data, Mapping):
            p.add("RK-K02", (), f"a codebook is a mapping with the keys title, languages and codes; got {_kind(data)}.",
                  hint="See docs/codebook.md for the format.")
            return "", "", self.languages, []
        for key in data:
            if key not in TOP_KEYS:
                p.add("RK-K03", (key,), f'unknown key "{key}" at the top of the codebook.' + did_you_mean(key, TOP_KEYS),
                      hint="The top-level keys are title, description, languages and codes.")
        title = self._plain(data.get("title"), ("title",), "title")
        description = self._plain(data.get("description"), ("description",), "description")
        codes = data.get("codes")
        self.languages = self._languages(data.get("languages"), codes)
        if codes is None:
            p.add("RK-K18", (), "the codebook has no codes: add a `codes:` list.", hint="See docs/codebook.md.")
        elif not isinstance(codes, list):
            p.add("RK-K02", ("codes",), f"codes must be a list of codes (lines starting with `- id:`); got {_kind(codes)}.")
        elif not codes:
            p.add("RK-K18", ("codes",), "the codebook has no codes: the `codes:` list is empty.")
        else:
            self._codes(codes, ("codes",), None)
        _check_hierarchy(self.refs, p)
        return title, description, self.languages, self.entries

    def _plain(self, value: Any, at: KeyPath, what: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.p.add("RK-K02", at, f"{what} must be a text; got {_kind(value)}.")
            return ""
        return str(value).strip()

    def _languages(self, value: Any, codes: Any) -> tuple[str, ...]:
        if value is None:
            return tuple(_languages_used(codes)) or ("fr",)
        if isinstance(value, str):
            items: list[Any] = value.replace(",", " ").split()
            paths: list[KeyPath] = [("languages",)] * len(items)
        elif isinstance(value, list):
            items = value
            paths = [("languages", i) for i in range(len(items))]
        else:
            self.p.add("RK-K13", ("languages",), f"languages must be a list such as [fr, en]; got {_kind(value)}.")
            return tuple(_languages_used(codes)) or ("fr",)
        out: list[str] = []
        for item, at in zip(items, paths):
            if not isinstance(item, str) or not _LANG_RE.match(item):
                self.p.add("RK-K13", at, f"{_kind(item)} is not a language code.",
                           hint="Use ISO 639-1 codes in lower case: fr, en, nl, es…")
            elif item in out:
                self.p.add("RK-K13", at, f'the language "{item}" is listed twice.')
            else:
                out.append(item)
        if not out:
            if not items:
                self.p.add("RK-K13", ("languages",), "languages is empty.", hint="List them, e.g. languages: [fr, en].")
            return tuple(_languages_used(codes)) or ("fr",)
        return tuple(out)

    # -- codes
    def _codes(self, items: list[Any], at: KeyPath, nesting_parent: str | None) -> None:
        for i, item in enumerate(items):
            self._code(item, (*at, i), nesting_parent)

    def _code(self, item: Any, at: KeyPath, nesting_parent: str | None) -> None:
        p = self.p
        if not isinstance(item, Mapping):
            p.add("RK-K02", at, f"a code is a mapping with at least an id and a label; got {_kind(item)}.",
                  hint="Start each code with `- id: ...` and indent its keys under it.")
            return
        code = self._id(item, at)
        who = f'code "{code}"' if code else "a code"
        for key in item:
            if key not in CODE_KEYS:
                p.add("RK-K03", (*at, key), f'unknown key "{key}" in {who}.' + did_you_mean(key, CODE_KEYS),
                      hint="A code's keys are " + ", ".join(CODE_KEYS) + ".")
        parent, parent_at = nesting_parent, (*at, "id")
        if "parent" in item and item["parent"] is not None:
            value = item["parent"]
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                p.add("RK-K02", (*at, "parent"), f"{who}: parent must be a code id; got {_kind(value)}.")
            elif nesting_parent is not None and value.strip() != nesting_parent:
                p.add("RK-K08", (*at, "parent"),
                      f'{who} is nested under "{nesting_parent}" but says parent: {value.strip()}.',
                      hint="Keep the nesting and remove the parent: key, or move the code.")
            else:
                parent, parent_at = value.strip(), (*at, "parent")
        texts = {name: self._text(item.get(name), (*at, name), who, name) for name in TEXT_FIELDS}
        if not any(texts["label"].values()):
            p.add("RK-K09", (*at, "label") if "label" in item else (*at, "id"),
                  f"{who} has no label: give it a non-empty label in at least one language.",
                  hint="Fill label_fr or label_en." if p.csv else "For example label: {fr: Épuisement, en: Exhaustion}.")
        examples = self._examples(item.get("examples"), (*at, "examples"), who)
        color = self._color(item, at, who)
        codable = item.get("codable", True)
        if codable is None:
            codable = True
        if isinstance(codable, str) and codable.strip().lower() in _TRUE | _FALSE:
            codable = codable.strip().lower() in _TRUE  # "codable: non", as the CSV form accepts
        if not isinstance(codable, bool):
            p.add("RK-K11", (*at, "codable"), f"{who}: codable must be true or false; got {_kind(codable)}.",
                  hint="Write true, or false for a folder that only groups codes"
                       + ("." if p.csv else ", without quotes."))
            codable = True
        rules = self._rules(item.get("rules"), (*at, "rules"), who, codable)
        if code is not None:
            self.refs.append((code, parent, (*at, "id"), parent_at))
            self.entries.append(CodeEntry(code, parent, texts["label"], texts["definition"], texts["when_to_use"],
                                          texts["when_not_to_use"], examples, color, codable, rules))
        children = item.get("children")
        if children is not None:
            if isinstance(children, list):
                self._codes(children, (*at, "children"), code)
            else:
                p.add("RK-K02", (*at, "children"), f"{who}: children must be a list of codes; got {_kind(children)}.")

    def _id(self, item: Mapping[str, Any], at: KeyPath) -> str | None:
        if "id" not in item or item["id"] is None:
            self.p.add("RK-K04", at, "a code has no id.", hint="Add `id: ...` (letters, digits, '.', '_', '-').")
            return None
        value = item["id"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, float):
            self.p.add("RK-K04", (*at, "id"), f"the id {value!r} is read as a number.",
                       hint=f'Quote it: id: "{value}".')
            return None
        if not isinstance(value, str) or not _ID_RE.match(value.strip()):
            self.p.add("RK-K04", (*at, "id"), f"{_kind(value)} is not a valid code id.",
                       hint="An id starts with a letter or digit and holds letters, digits, '.', '_' and '-' only.")
            return None
        return value.strip()

    def _lang_ok(self, lang: Any, at: KeyPath, who: str, what: str) -> bool:
        if lang in self.languages:
            return True
        if lang in RULE_KINDS and what == "rules":
            self.p.add("RK-K02", at, f'{who}: rules must be grouped by language, e.g. rules: {{fr: {{{lang}: [...]}}}}.')
            return False
        self.p.add("RK-K12", at,
                   f'{who}: {what} given in "{lang}", which is not one of the codebook\'s languages '
                   f"({', '.join(self.languages)})." + did_you_mean(lang, self.languages),
                   hint="Add it to the codebook's languages, or fix the language code.")
        return False

    def _text(self, value: Any, at: KeyPath, who: str, what: str) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = _flat(str(value)) if what == "label" else str(value).strip()
            return {self.languages[0]: text} if text else {}
        if not isinstance(value, Mapping):
            self.p.add("RK-K02", at, f"{who}: {what} must be a text, or a mapping of language to text such as "
                                     f"{{fr: ..., en: ...}}; got {_kind(value)}.")
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not self._lang_ok(lang, (*at, lang), who, what) or text is None:
                continue
            if isinstance(text, bool) or not isinstance(text, (str, int, float)):
                self.p.add("RK-K02", (*at, lang), f"{who}: {what} ({lang}) must be a text; got {_kind(text)}.")
                continue
            clean = _flat(str(text)) if what == "label" else str(text).strip()
            if clean:
                out[lang] = clean
        return out

    def _examples(self, value: Any, at: KeyPath, who: str) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if isinstance(value, (str, list)):
            value = {self.languages[0]: value}
            at_of = lambda lang: at  # noqa: E731
        elif isinstance(value, Mapping):
            at_of = lambda lang: (*at, lang)  # noqa: E731
        else:
            self.p.add("RK-K02", at, f"{who}: examples must be a list of quotes per language; got {_kind(value)}.")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in value.items():
            here = at_of(lang)
            if not self._lang_ok(lang, here, who, "examples") or items is None:
                continue
            items = [items] if isinstance(items, str) else items
            if not isinstance(items, list):
                self.p.add("RK-K02", here, f"{who}: examples ({lang}) must be a list of quotes; got {_kind(items)}.")
                continue
            kept = []
            for j, ex in enumerate(items):
                if not isinstance(ex, str):
                    self.p.add("RK-K02", (*here, j), f"{who}: example {j + 1} ({lang}) must be a text; got {_kind(ex)}.")
                elif _flat(ex):
                    kept.append(_flat(ex))
            if kept:
                out[lang] = tuple(kept)
        return out

    def _color(self, item: Mapping[str, Any], at: KeyPath, who: str) -> str | None:
        if "color" not in item:
            return None
        value = item["color"]
        palette = ", ".join(OKABE_ITO)
        if value is None:
            self.p.add("RK-K10", (*at, "color"), f"{who}: color is empty.",
                       hint='In YAML "#" starts a comment: put the colour in quotes, color: "#0072B2", '
                            "or remove the key.")
            return None
        if not isinstance(value, str) or not _COLOR_RE.match(value.strip()):
            self.p.add("RK-K10", (*at, "color"), f"{who}: color {value!r} is not a colour written #RRGGBB.",
                       hint=f"Colour-blind-safe choices (Okabe-Ito): {palette}.")
            return None
        digits = value.strip().lstrip("#").upper()
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits

    # -- rules
    def _rules(self, value: Any, at: KeyPath, who: str, codable: bool) -> dict[str, Rules]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.p.add("RK-K02", at, f"{who}: rules must be a mapping of language to rules, "
                                     f"e.g. rules: {{fr: {{lemmas: [fatigue]}}}}; got {_kind(value)}.")
            return {}
        out: dict[str, Rules] = {}
        for lang, ruleset in value.items():
            here = (*at, lang)
            if not self._lang_ok(lang, here, who, "rules") or ruleset is None:
                continue
            if not isinstance(ruleset, Mapping):
                self.p.add("RK-K02", here, f"{who}: rules ({lang}) must map lemmas, phrases, patterns or regex "
                                           f"to lists; got {_kind(ruleset)}.")
                continue
            kinds: dict[str, tuple[Any, ...]] = {}
            for kind, items in ruleset.items():
                if kind not in RULE_KINDS:
                    self.p.add("RK-K03", (*here, kind), f'{who}: unknown kind of rule "{kind}" ({lang}).'
                               + did_you_mean(kind, RULE_KINDS),
                               hint="The kinds are lemmas, phrases, patterns and regex.")
                    continue
                check = {"lemmas": self._words, "phrases": self._words,
                         "regex": self._regex, "patterns": self._patterns}[kind]
                kinds[kind] = check(items, (*here, kind), who, lang, kind)
            rules = Rules(**kinds)
            if rules:
                out[lang] = rules
        if out and not codable:
            self.p.add("RK-K17", at, f"{who} has rules but codable: false; a folder is never coded.",
                       hint="Move the rules to a child code, or set codable: true.")
        return out

    def _items(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> list[tuple[KeyPath, str]]:
        if items is None:
            return []
        if isinstance(items, str):
            return [(at, items)]
        if not isinstance(items, list):
            self.p.add("RK-K02", at, f"{who}: {kind} ({lang}) must be a list; got {_kind(items)}.")
            return []
        out = []
        for j, item in enumerate(items):
            if isinstance(item, str):
                out.append(((*at, j), item))
            else:
                self.p.add("RK-K16", (*at, j), f"{who}: {kind} ({lang}) item {j + 1} must be a text; got {_kind(item)}.",
                           hint="Quote it.")
        return out

    def _words(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for here, raw in self._items(items, at, who, lang, kind):
            text = _flat(raw)
            if not text:
                self.p.add("RK-K16", here, f"{who}: an empty item in {kind} ({lang}).", hint="Remove it.")
            elif kind == "lemmas" and " " in text:
                self.p.add("RK-K16", here, f'{who}: the lemma "{text}" ({lang}) has a space, but a lemma is one word.',
                           hint="Put it under phrases.")
            else:
                out.append(text)
        return tuple(out)

    def _regex(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for here, raw in self._items(items, at, who, lang, kind):
            text = raw.strip()
            try:
                compiled = re.compile(text)
            except re.error as e:
                self.p.add("RK-K14", here, f'{who}: the regular expression "{text}" ({lang}) is invalid: {e.msg} '
                                           f"at position {e.pos}.",
                           hint="Fix it (Python syntax)." if self.p.csv else
                           "Fix it (Python syntax); in YAML keep it in single quotes: '\\bburn-?out\\b'.")
                continue
            if compiled.match("") is not None:
                self.p.add("RK-K14", here, f'{who}: the regular expression "{text}" ({lang}) matches the empty '
                                           "text, so it would code every segment.",
                           hint="Make it require at least one character.")
                continue
            out.append(text)
        return tuple(out)

    def _patterns(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[tuple[dict[str, Any], ...], ...]:
        example = "patterns: [[{LEMMA: prendre}, {LEMMA: soin}]]"
        if items is None:
            return ()
        if not isinstance(items, list):
            self.p.add("RK-K15", at, f"{who}: patterns ({lang}) must be a list of spaCy token patterns; "
                                     f"got {_kind(items)}.", hint=f"For example {example}.")
            return ()
        if items and all(isinstance(t, Mapping) for t in items):
            self.p.add("RK-K15", at, f"{who}: patterns ({lang}) holds tokens, not patterns: each pattern is "
                                     "itself a list of tokens.", hint=f"Add the brackets: {example}.")
            return ()
        out = []
        for j, pattern in enumerate(items):
            error = _pattern_error(pattern, with_spacy=self.check_patterns)
            if error:
                self.p.add("RK-K15", (*at, j), f"{who}: spaCy pattern {j + 1} ({lang}) is invalid: {_sentence(error)}",
                           hint="See https://spacy.io/usage/rule-based-matching; attributes are LEMMA, LOWER, "
                                "TEXT, POS, OP…")
                continue
            out.append(tuple(copy.deepcopy(dict(token)) for token in pattern))
        return tuple(out)


def _languages_used(codes: Any) -> list[str]:
    """Languages used as keys in the codes' texts and rules, in order of appearance."""
    out: list[str] = []

    def visit(items: Any) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if not isinstance(item, Mapping):
                continue
            for name in (*TEXT_FIELDS, "examples", "rules"):
                value = item.get(name)
                if isinstance(value, Mapping):
                    out.extend(k for k in value if isinstance(k, str) and _LANG_RE.match(k) and k not in out)
            visit(item.get("children"))

    visit(codes)
    return out


def _build(data: Any, problems: _Problems, path: str | Path | None, *, check_patterns: bool = True) -> Codebook:
    title, description, languages, entries = _Parser(problems, check_patterns=check_patterns).parse(data)
    problems.raise_if_any()
    return Codebook(tuple(entries), title=title, languages=languages, description=description,
                    path=None if path is None else Path(path))


def validate_codebook(
    source: Codebook | Mapping[str, Any],
    *,
    lines: Mapping[KeyPath, int] | None = None,
    path: str | Path | None = None,
) -> Codebook:
    """Check a codebook entirely and return it as a :class:`Codebook`.

    Parameters
    ----------
    source
        A :class:`Codebook` (returned unchanged when it passes), or a codebook as
        parsed from YAML (a mapping with ``title``, ``languages`` and ``codes``).
    lines
        Line of each key and item of ``source``, as ``_yaml.load_yaml_with_lines``
        returns them, so that each problem names its line.
    path
        The file, for messages.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        With every problem found (codes ``RK-K02`` to ``RK-K18``, see the module
        docstring), sorted by line.

    Examples
    --------
    >>> cb = validate_codebook({"languages": ["fr"], "codes": [{"id": "a", "label": "A"}]})
    >>> cb.label("a")
    'A'
    """
    if isinstance(source, Codebook):
        path = source.path if path is None else path
        _build(_codebook_data(source, nested=False), _Problems(lines, path), path)
        return source
    return _build(source, _Problems(lines, path), path)


# --------------------------------------------------------------------------- reading


def _suffix(path: Path, allowed: Iterable[str], *, function: str) -> str:
    suffix = path.suffix.lower()
    allowed = tuple(allowed)
    if suffix not in allowed:
        raise ParameterError(
            "RK-K21", f"{function}() reads and writes {', '.join(allowed)} files; got {path.name!r}."
            + did_you_mean(suffix, allowed),
            hint="Give the file one of those extensions.")
    return suffix


def read_codebook(path: str | Path, *, encoding: str | None = None, check_patterns: bool = True) -> Codebook:
    """Read and check a codebook file (YAML or CSV).

    Parameters
    ----------
    path
        A ``.yml``/``.yaml`` or ``.csv`` file; see the module docstring or
        ``docs/codebook.md`` for the formats.
    encoding
        The file's encoding, when detection gets it wrong.
    check_patterns
        Check spaCy token patterns with spaCy's own validator (imports spaCy, about
        3 s the first time). ``False`` checks their shape only: briefs read a codebook
        that the batch runner has already checked in full.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        Listing every problem in the file at once, each with its line.
    InputFileError
        ``RK-R01`` when the file cannot be read.
    ParameterError
        ``RK-K21`` for another extension.

    Examples
    --------
    >>> cb = read_codebook("corpora/demo/codebook.yml")  # from the repository's root
    >>> cb.codes.loc[:2, ["code", "parent", "label_fr"]]
                  code parent                 label_fr
    0             care   <NA>         Soin de l'équipe
    1  care.exhaustion   care  Épuisement et surcharge
    2     care.support   care  Soutien entre collègues
    """
    path = Path(path)
    suffix = _suffix(path, (*_YAML_SUFFIXES, *_CSV_SUFFIXES), function="read_codebook")
    text, _ = read_text(path, encoding=encoding)
    if suffix in _YAML_SUFFIXES:
        try:
            data, lines = load_yaml_with_lines(text, path=path, code="RK-K01")
        except InputFileError as e:
            raise CodebookError([e], path=path) from e
        return _build(data, _Problems(lines, path), path, check_patterns=check_patterns)
    problems = _Problems(None, path)
    data, lines = _csv_data(text, problems)
    problems.lines = lines
    return _build(data, problems, path, check_patterns=check_patterns)


def _sniff(text: str) -> str:
    """The delimiter that splits the header row (the first row not starting with #) most."""
    best, most = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
                if any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#"):
                    if len(cells) > most:
                        best, most = delimiter, len(cells)
                    break
        except csv.Error:
            continue
    return best


def _column(name: str) -> str:
    name = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return {"id": "code", "colour": "color"}.get(name, name)


def _split(cell: str, kind: str) -> list[str]:
    if kind in ("lemmas", "phrases") and "\n" not in cell:
        parts = cell.split(";")
    else:
        parts = cell.split("\n")
    return [part.strip() for part in parts if part.strip()]


def _csv_patterns(cell: str, problems: _Problems, line: int, who: str, lang: str) -> list[Any]:
    try:
        whole = json.loads(cell)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list) and whole and all(isinstance(p, list) for p in whole):
        return whole
    if isinstance(whole, list) and whole and all(isinstance(t, dict) for t in whole):
        return [whole]
    out = []
    for n, text in enumerate(cell.split("\n"), start=1):
        if not text.strip():
            continue
        try:
            out.append(json.loads(text))
        except json.JSONDecodeError as e:
            problems.add("RK-K15", None, f"{who}: patterns_{lang}, line {n} of the cell, is not JSON: {e.msg}.",
                         hint='Write one pattern per line, as JSON: [{"LEMMA": "prendre"}, {"LEMMA": "soin"}].',
                         line=line)
    return out


def _csv_data(text: str, problems: _Problems) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """The CSV as the YAML form would give it, and the line where each row starts."""
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    meta: dict[str, str] = {}
    lines: dict[KeyPath, int] = {(): 1}
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None and cells[0].lstrip().startswith("#"):
                body = delimiter.join(cells).strip().rstrip(delimiter).strip().lstrip("#").strip()
                key, colon, value = body.partition(":")
                key = key.strip().lower()
                if not colon or key not in _CSV_META:
                    problems.add("RK-K03", None,
                                 f'the line "{body[:60]}" before the header is not "# title: ...", '
                                 f'"# description: ..." or "# languages: ...".' + did_you_mean(key, _CSV_META),
                                 hint="Fix it, or remove the leading #.", line=start)
                else:
                    meta[key] = value.strip()
                    lines[(key,)] = start
                continue
            if header is None:
                header, header_line = [_column(c) for c in cells], start
                continue
            rows.append((start, cells))
    except csv.Error as e:
        problems.add("RK-K01", None, f"is not valid CSV: {e}.", hint="Check the quotes on that line.",
                     line=previous + 1)
    if header is None:
        problems.add("RK-K22", None, "the file has no header row.",
                     hint="The first row names the columns: code, parent, label_fr, …")
        return {"codes": []}, lines

    # which language each column is for
    declared = meta.get("languages")
    languages = declared.replace(",", " ").split() if declared is not None else []
    if declared is None:
        for name in header:
            m = re.match(rf"^({'|'.join(_CSV_LANG_FIELDS)})_([a-z]{{2,3}})$", name)
            if m and m.group(2) not in languages:
                languages.append(m.group(2))
    expected = ["code", "parent", "color", "codable",
                *(f"{f}_{lang}" for f in _CSV_LANG_FIELDS for lang in languages or ["fr", "en"])]
    columns: list[tuple[str, str | None] | None] = []
    seen: set[str] = set()

    def header_problem(code: str, message: str, hint: str | None = None) -> None:
        problems.add(code, None, message, hint, line=header_line)

    for name in header:
        m = re.match(rf"^({'|'.join(_CSV_LANG_FIELDS)})_([a-z]{{2,3}})$", name)
        if not name:
            columns.append(None)
        elif name in seen:
            header_problem("RK-K02", f'the column "{name}" appears twice.', hint="Keep one of them.")
            columns.append(None)
        elif name in ("code", "parent", "color", "codable"):
            columns.append((name, None))
        elif m and m.group(2) in languages:
            columns.append((m.group(1), m.group(2)))
        elif m:
            header_problem("RK-K12", f'the column "{name}" is for "{m.group(2)}", which is not one of the '
                                     f"codebook's languages ({', '.join(languages)}).",
                           hint="Add it to the # languages: line, or rename the column.")
            columns.append(None)
        else:
            header_problem("RK-K03", f'unknown column "{name}".' + did_you_mean(name, expected),
                           hint="The columns are code, parent, color, codable and, per language, "
                                + ", ".join(f"{f}_fr" for f in _CSV_LANG_FIELDS) + ".")
            columns.append(None)
        seen.add(name)
    if ("code", None) not in columns:
        problems.add("RK-K22", None, "the header has no code column.", hint="Name the column of code ids `code`.",
                     line=header_line)
        return {"codes": []}, lines

    codes: list[dict[str, Any]] = []
    for i, (line, cells) in enumerate(rows):
        at: KeyPath = ("codes", i)
        lines[at] = line
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            problems.add("RK-K02", at, f"the row has {len(cells)} cells but the header names {len(columns)} columns.",
                         hint="Remove the extra cells, or name their column.")
        record: dict[str, Any] = {}
        for column, cell in zip(columns, cells):
            cell = cell.strip()
            if column is None or not cell:
                continue
            name, lang = column
            if name == "code":
                record["id"] = cell
            elif name in ("parent", "color"):
                record[name] = cell
            elif name == "codable":
                lowered = cell.lower()
                record["codable"] = True if lowered in _TRUE else False if lowered in _FALSE else cell
            elif name in TEXT_FIELDS:
                record.setdefault(name, {})[lang] = cell
            elif name == "examples":
                record.setdefault("examples", {})[lang] = _split(cell, name)
            elif name == "patterns":
                who = f'code "{record["id"]}"' if "id" in record else "a code"
                record.setdefault("rules", {}).setdefault(lang, {})[name] = _csv_patterns(
                    cell, problems, line, who, str(lang))
            else:
                record.setdefault("rules", {}).setdefault(lang, {})[name] = _split(cell, name)
        codes.append(record)
    data: dict[str, Any] = {"title": meta.get("title"), "description": meta.get("description"),
                            "languages": languages or None, "codes": codes}
    lines.setdefault(("languages",), header_line)
    return data, lines


# --------------------------------------------------------------------------- writing


def _entry_data(entry: CodeEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.code}
    for name in TEXT_FIELDS:
        if getattr(entry, name):
            out[name] = dict(getattr(entry, name))
    if entry.examples:
        out["examples"] = {lang: list(items) for lang, items in entry.examples.items()}
    if entry.color:
        out["color"] = entry.color
    if not entry.codable:
        out["codable"] = False
    rules = {}
    for lang, r in entry.rules.items():
        kinds: dict[str, list[Any]] = {kind: list(getattr(r, kind)) for kind in RULE_KINDS if getattr(r, kind)}
        if "patterns" in kinds:
            kinds["patterns"] = [[copy.deepcopy(dict(t)) for t in p] for p in r.patterns]
        if kinds:
            rules[lang] = kinds
    if rules:
        out["rules"] = rules
    return out


def _codebook_data(codebook: Codebook, *, nested: bool = True) -> dict[str, Any]:
    """The codebook as YAML-ready data: nested ``children`` or flat with ``parent``."""
    data: dict[str, Any] = {}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    data["languages"] = list(codebook.languages)
    if nested:
        def tree(code: str) -> dict[str, Any]:
            item = _entry_data(codebook.entry(code))
            kids = codebook._children[code]
            if kids:
                item["children"] = [tree(k) for k in kids]
            return item

        data["codes"] = [tree(e.code) for e in codebook.entries if e.parent is None]
    else:
        flat = []
        for e in codebook.entries:
            item = _entry_data(e)
            if e.parent is not None:
                item = {"id": item.pop("id"), "parent": e.parent, **item}
            flat.append(item)
        data["codes"] = flat
    return data


def _csv_header(languages: Sequence[str]) -> list[str]:
    per = lambda name: [f"{name}_{lang}" for lang in languages]  # noqa: E731
    return ["code", "parent", *per("label"), *per("definition"), "color", "codable",
            *per("when_to_use"), *per("when_not_to_use"), *per("examples"),
            *per("lemmas"), *per("phrases"), *per("patterns"), *per("regex")]


def _csv_row(entry: CodeEntry, languages: Sequence[str]) -> list[str]:
    def per(get: Any) -> list[str]:
        return [get(lang) for lang in languages]

    def words(kind: str, lang: str) -> str:
        items = getattr(entry.rules.get(lang, Rules()), kind)
        return ("\n" if any(";" in x for x in items) else "; ").join(items)

    def lines_of(kind: str, lang: str) -> str:
        r = entry.rules.get(lang, Rules())
        if kind == "patterns":
            return "\n".join(json.dumps([dict(t) for t in p], ensure_ascii=False) for p in r.patterns)
        return "\n".join(r.regex)

    return [
        entry.code, entry.parent or "",
        *per(lambda lang: entry.label.get(lang, "")),
        *per(lambda lang: entry.definition.get(lang, "")),
        entry.color or "", "true" if entry.codable else "false",
        *per(lambda lang: entry.when_to_use.get(lang, "")),
        *per(lambda lang: entry.when_not_to_use.get(lang, "")),
        *per(lambda lang: "\n".join(entry.examples.get(lang, ()))),
        *per(lambda lang: words("lemmas", lang)),
        *per(lambda lang: words("phrases", lang)),
        *per(lambda lang: lines_of("patterns", lang)),
        *per(lambda lang: lines_of("regex", lang)),
    ]


def write_codebook(codebook: Codebook, path: str | Path, *, delimiter: Literal[",", ";", "\t"] = ",") -> Path:
    """Write ``codebook`` as YAML or CSV, chosen by the extension, atomically.

    YAML nests children under their parent; CSV has one row per code (see the
    module docstring) and starts with a byte-order mark so that spreadsheets
    read its accents right. Reading the file back gives an equal codebook.

    Parameters
    ----------
    codebook
        What to write.
    path
        ``.yml``/``.yaml`` or ``.csv``. An existing file is replaced only once
        the new one is complete.
    delimiter
        Separator of CSV cells: ``";"`` for spreadsheets set up in French, which
        expect it when a file is opened with a double click.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    suffix = _suffix(path, (*_YAML_SUFFIXES, *_CSV_SUFFIXES), function="write_codebook")
    check_option("delimiter", delimiter, (",", ";", "\t"), function="write_codebook")
    if suffix in _YAML_SUFFIXES:
        return atomic_write_text(path, dump_yaml(_codebook_data(codebook)))
    with atomic_write(path, "w") as fh:
        fh.write("\ufeff")
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        if codebook.title:
            writer.writerow([f"# title: {codebook.title}"])
        if codebook.description:
            writer.writerow([f"# description: {codebook.description}"])
        writer.writerow([f"# languages: {', '.join(codebook.languages)}"])
        writer.writerow(_csv_header(codebook.languages))
        for entry in codebook.entries:
            writer.writerow(_csv_row(entry, codebook.languages))
    return path


# --------------------------------------------------------------------------- documents

_WORDS = {
    "fr": {
        "untitled": "Grille de codage", "outline": "Vue d'ensemble", "code": "Code", "color": "Couleur",
        "languages": "Langues", "n_codes": "{n} codes, dont {k} codables",
        "definition": "Définition", "when_to_use": "Quand l'utiliser", "when_not_to_use": "Quand ne pas l'utiliser",
        "examples": "Exemples", "rules": "Règles de repérage", "lemmas": "lemmes", "phrases": "expressions",
        "patterns": "motifs spaCy", "regex": "expressions régulières",
        "folder": "Dossier : regroupe des codes et ne s'applique pas lui-même.",
        "colon": " : ", "sep": " ; ", "quote": ("« ", " »"),
    },
    "en": {
        "untitled": "Codebook", "outline": "Outline", "code": "Code", "color": "Colour",
        "languages": "Languages", "n_codes": "{n} codes, {k} of them codable",
        "definition": "Definition", "when_to_use": "When to use", "when_not_to_use": "When not to use",
        "examples": "Examples", "rules": "Matching rules", "lemmas": "lemmas", "phrases": "phrases",
        "patterns": "spaCy patterns", "regex": "regular expressions",
        "folder": "Folder: groups codes and is not applied itself.",
        "colon": ": ", "sep": "; ", "quote": ("“", "”"),
    },
}

# A document is a list of blocks; each renderer (Markdown, DOCX) draws them.
# Segments are (text, is_code) pairs.
_Segments = list[tuple[str, bool]]


def _pick(texts: Mapping[str, str], lang: str, languages: Sequence[str]) -> str:
    """Text in ``lang``, else in another language with its code in brackets."""
    if texts.get(lang):
        return texts[lang]
    for other in (*languages, *texts):
        if texts.get(other):
            return f"[{other}] {texts[other]}"
    return ""


def _blocks(codebook: Codebook, lang: str) -> list[tuple[Any, ...]]:
    w = _WORDS.get(lang, _WORDS["en"])
    numbers: dict[str, str] = {}
    counters: dict[str | None, int] = {}
    for e in codebook.entries:
        counters[e.parent] = counters.get(e.parent, 0) + 1
        numbers[e.code] = (f"{numbers[e.parent]}." if e.parent else "") + str(counters[e.parent])
    depth = dict(zip(codebook.codes["code"], codebook.codes["depth"]))
    number = lambda c: numbers[c] + ("." if depth[c] == 0 else "")  # noqa: E731
    label = lambda e: _pick(e.label, lang, codebook.languages) or e.code  # noqa: E731
    n_codable = sum(e.codable for e in codebook.entries)
    blocks: list[tuple[Any, ...]] = [("title", codebook.title or w["untitled"])]
    if codebook.description:
        blocks.append(("para", [(codebook.description, False)]))
    blocks.append(("note", [(f"{w['languages']}{w['colon']}{', '.join(codebook.languages)} · "
                             + w["n_codes"].format(n=len(codebook), k=n_codable), False)]))
    blocks.append(("heading", 1, w["outline"], None))
    blocks.append(("outline", [(int(depth[e.code]), f"{number(e.code)} {label(e)}", e.code) for e in codebook.entries]))
    for e in codebook.entries:
        blocks.append(("heading", int(depth[e.code]) + 1, f"{number(e.code)} {label(e)}", e.color))
        meta: _Segments = [(f"{w['code']}{w['colon']}", False), (e.code, True)]
        if e.color:
            meta += [(f" · {w['color']}{w['colon']}", False), (e.color, True)]
        blocks.append(("para", meta))
        if not e.codable:
            blocks.append(("note", [(w["folder"], False)]))
        for name in ("definition", "when_to_use", "when_not_to_use"):
            text = _pick(getattr(e, name), lang, codebook.languages)
            if text:
                blocks.append(("field", w[name], text))
        examples = e.examples.get(lang) or next((e.examples[x] for x in codebook.languages if e.examples.get(x)), ())
        if examples:
            q = _WORDS.get(lang, _WORDS["en"])["quote"]
            blocks.append(("quotes", w["examples"], [f"{q[0]}{x}{q[1]}" for x in examples]))
        rule_lines = []
        for rlang in codebook.languages:
            r = e.rules.get(rlang)
            if not r:
                continue
            segments: _Segments = [(f"{rlang}{w['colon']}", False)]
            parts: list[_Segments] = []
            if r.lemmas:
                parts.append([(f"{w['lemmas']}{w['colon']}{', '.join(r.lemmas)}", False)])
            if r.phrases:
                q = w["quote"]
                parts.append([(f"{w['phrases']}{w['colon']}" + ", ".join(f"{q[0]}{x}{q[1]}" for x in r.phrases), False)])
            if r.patterns:
                seg: _Segments = [(f"{w['patterns']}{w['colon']}", False)]
                for k, pattern in enumerate(r.patterns):
                    if k:
                        seg.append((", ", False))
                    seg.append((json.dumps([dict(t) for t in pattern], ensure_ascii=False), True))
                parts.append(seg)
            if r.regex:
                seg = [(f"{w['regex']}{w['colon']}", False)]
                for k, rx in enumerate(r.regex):
                    if k:
                        seg.append((", ", False))
                    seg.append((rx, True))
                parts.append(seg)
            for k, part in enumerate(parts):
                if k:
                    segments.append((w["sep"], False))
                segments.extend(part)
            rule_lines.append(segments)
        if rule_lines:
            blocks.append(("bullets", w["rules"], rule_lines))
    return blocks


def _md_code(text: str) -> str:
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_segments(segments: _Segments) -> str:
    return "".join(_md_code(t) if is_code else t for t, is_code in segments)


def codebook_markdown(codebook: Codebook, *, lang: str = "fr") -> str:
    """The codebook as a Markdown document for the team to review.

    Codes appear as numbered headings (one level per level of the hierarchy) after
    an indented outline, each with its id, colour, definition, when to use it and
    when not, examples, and a summary of its rules in every language. Texts missing
    in ``lang`` are shown in another language, marked ``[en]``.

    Parameters
    ----------
    codebook
        The codebook.
    lang
        Language of the labels, texts and headings; one of ``codebook.languages``.

    Returns
    -------
    str
        Markdown text.

    Examples
    --------
    >>> cb = Codebook((CodeEntry("care", label={"fr": "Soin", "en": "Care"}),), title="Démo")
    >>> print(codebook_markdown(cb, lang="en").splitlines()[0])
    # Démo
    """
    check_option("lang", lang, codebook.languages, function="codebook_markdown")
    out: list[str] = []
    for block in _blocks(codebook, lang):
        kind = block[0]
        if kind == "title":
            out += [f"# {block[1]}", ""]
        elif kind == "para":
            out += [_md_segments(block[1]), ""]
        elif kind == "note":
            out += [f"*{_md_segments(block[1])}*", ""]
        elif kind == "heading":
            out += [f"{'#' * min(block[1] + 1, 6)} {block[2]}", ""]
        elif kind == "outline":
            out += [f"{'  ' * d}- {text} ({_md_code(code)})" for d, text, code in block[1]] + [""]
        elif kind == "field":
            out += [f"**{block[1]}.** {block[2]}", ""]
        elif kind == "quotes":
            out += [f"**{block[1]}.**", ""] + [f"- {q}" for q in block[2]] + [""]
        elif kind == "bullets":
            out += [f"**{block[1]}.**", ""] + [f"- {_md_segments(s)}" for s in block[2]] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def write_codebook_docx(codebook: Codebook, path: str | Path, *, lang: str = "fr") -> Path:
    """Write the review document of :func:`codebook_markdown` as a Word file, atomically.

    Codes are real Word headings (``Heading 1``, ``Heading 2``…), so the navigation
    pane shows the hierarchy; each heading starts with a square in the code's colour.

    Parameters
    ----------
    codebook
        The codebook.
    path
        Where to write the ``.docx`` file.
    lang
        Language of the labels, texts and headings; one of ``codebook.languages``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    check_option("lang", lang, codebook.languages, function="write_codebook_docx")
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    doc.core_properties.title = codebook.title
    doc.core_properties.language = lang

    def add_segments(paragraph: Any, segments: _Segments) -> None:
        for text, is_code in segments:
            run = paragraph.add_run(text)
            if is_code:
                run.font.name = "Consolas"
                run.font.size = Pt(9.5)

    for block in _blocks(codebook, lang):
        kind = block[0]
        if kind == "title":
            doc.add_heading(block[1], level=0)
        elif kind == "para":
            add_segments(doc.add_paragraph(), block[1])
        elif kind == "note":
            paragraph = doc.add_paragraph()
            add_segments(paragraph, block[1])
            for run in paragraph.runs:
                run.italic = True
        elif kind == "heading":
            heading = doc.add_heading(level=min(block[1], 9))
            if block[3]:
                swatch = heading.add_run("■ ")
                swatch.font.color.rgb = RGBColor.from_string(block[3].lstrip("#"))
            heading.add_run(block[2])
        elif kind == "outline":
            for d, text, code in block[1]:
                paragraph = doc.add_paragraph(style="List Bullet" if d == 0 else f"List Bullet {min(d + 1, 3)}")
                add_segments(paragraph, [(f"{text} (", False), (code, True), (")", False)])
        elif kind == "field":
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{block[1]}. ").bold = True
            paragraph.add_run(block[2])
        elif kind == "quotes":
            doc.add_paragraph().add_run(f"{block[1]}.").bold = True
            for q in block[2]:
                doc.add_paragraph(q, style="Quote")
        elif kind == "bullets":
            doc.add_paragraph().add_run(f"{block[1]}.").bold = True
            for segments in block[2]:
                add_segments(doc.add_paragraph(style="List Bullet"), segments)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        doc.save(fh)
    return path
