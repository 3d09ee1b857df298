"""The codebook's model: :class:`Rules`, :class:`CodeEntry` and the frozen :class:`Codebook`.

A :class:`Codebook` holds its entries parents before children and answers the look-ups
the rest of the package asks (``entry``, ``label``, ``descendants``, ``ancestors``,
``rules``); its ``codes`` frame follows :data:`~research_kit.schemas.CODES`. Reading
and checking a file is :mod:`research_kit.codebook.io`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError, check_option, did_you_mean
from ..palette import CODE_COLOURS
from ..schemas import CODES
from .checks import Problems, check_hierarchy

#: The colours a code may take: Okabe-Ito's (:data:`research_kit.palette.CODE_COLOURS`).
OKABE_ITO = CODE_COLOURS

TEXT_FIELDS = ("label", "definition", "when_to_use", "when_not_to_use")
RULE_KINDS = ("lemmas", "phrases", "patterns", "regex")


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
        problems = Problems(None, self.path)
        check_hierarchy([(e.code, e.parent, (), ()) for e in entries], problems)
        problems.raise_if_any()
        index = {e.code: e for e in entries}
        children: dict[str, list[str]] = {e.code: [] for e in entries}
        roots = []
        for e in entries:
            (roots if e.parent is None else children[e.parent]).append(e.code)
        ordered: list[CodeEntry] = []
        depth: dict[str, int] = {}
        stack = [(root, 0) for root in reversed(roots)]
        while stack:  # depth-first, siblings in order; iterative, for hierarchies of any depth
            code, level = stack.pop()
            ordered.append(index[code])
            depth[code] = level
            stack.extend((child, level + 1) for child in reversed(children[code]))
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
