"""The checks a codebook needs before there is one: the problems collector, the hierarchy, spaCy patterns.

:class:`Problems` gathers every problem of a file with its line and raises them all at
once as one :class:`~research_kit.errors.CodebookError`; :func:`check_hierarchy` finds
duplicate ids, unknown parents and cycles (``RK-K05`` to ``RK-K07``), for the parser
and for :class:`~research_kit.codebook.model.Codebook` built in memory alike;
:func:`pattern_error` says why spaCy's Matcher refuses a token pattern. Nothing here
knows the codebook's model, so the model and the parsers both build on it.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._yaml import KeyPath, line_of
from ..errors import CodebookError, InputFileError, ResearchKitError, did_you_mean

YAML_SUFFIXES = (".yml", ".yaml")
CSV_SUFFIXES = (".csv",)
#: The words read as ``codable: true`` and ``codable: false`` (lower-cased), in CSV and in YAML.
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1", "x"}
FALSE_WORDS = {"false", "faux", "non", "no", "0"}


# --------------------------------------------------------------------------- problems


class Problems:
    """Collects problems with their lines; raises them all at once."""

    def __init__(self, lines: Mapping[KeyPath, int] | None, path: str | Path | None) -> None:
        self.lines = lines
        self.path = path
        self.csv = path is not None and Path(path).suffix.lower() in CSV_SUFFIXES
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


def describe(value: object) -> str:
    """How a message names what it got: ``a text ('x')``, ``a list``, ``nothing``…"""
    names = {dict: "a mapping", list: "a list", str: "a text", int: "a number", float: "a number",
             bool: "true/false", type(None): "nothing"}
    for cls, name in names.items():
        if type(value) is cls:
            return f"{name} ({value!r})" if cls in (str, int, float, bool) else name
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def check_hierarchy(refs: Sequence[tuple[str, str | None, KeyPath, KeyPath]], problems: Problems) -> None:
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
                names = [f'"{c}"' for c in cycle]
                if len(names) > 6:  # a cycle of thousands of codes is named by its ends
                    names = [*names[:3], f"… ({len(cycle):,} codes in all)", *names[-2:]]
                shown = " → ".join([*names, f'"{head}"'])
                message = f"codes {shown} form a cycle through parent:, so none of them reaches a top-level code."
            problems.add("RK-K07", first[head][2], message,
                         hint="Give one of them another parent, or remove its parent: key.")



# --------------------------------------------------------------------------- spaCy patterns


@functools.lru_cache(maxsize=1)
def _blank_vocab() -> Any:
    import spacy

    return spacy.blank("fr").vocab


@functools.lru_cache(maxsize=1)
def _token_attributes() -> tuple[str, ...]:
    from spacy.schemas import TokenPattern

    return tuple(name.upper() for name in TokenPattern.model_fields)


def pattern_error(pattern: object, *, with_spacy: bool = True) -> str | None:
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
