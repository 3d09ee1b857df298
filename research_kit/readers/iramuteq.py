"""The IRaMuTeQ corpus format, which francophone researchers often already have.

A file holds several texts; each starts with a line of four stars and starred
variables, ``**** *site_montreal *date_2025-01-22``; ``*var_mod`` becomes the document
variable ``var`` with value ``mod`` (a star word without ``_`` becomes ``var: "1"``).
Thematic lines ``-*theme`` inside a text are structure and are skipped, except
``-*loc_Name``, which opens a turn of speaker ``Name``. Speaker labels
inside a text are honoured like in plain text.

A ``****`` line is read as IRaMuTeQ reads it: split at spaces, each ``*name_modality``
a variable, split at its first ``_``. What IRaMuTeQ would not read as a variable is
left out with a warning, never a refusal, and the modalities are kept as given
(``*date_1969`` is ``date: "1969"``; whether that is a date is for the corpus to say).
Lines are those of the file whatever its line ends (CRLF, LF, a BOM first): the text
arrives newline-normalised, one line per line of the file.

Codes
-----
``RK-R15``
    Text before the first ``****`` line (an error).
``RK-R16``
    *Warning*: words on ``****`` lines that are not variables (``scientifique`` in
    ``*type_article scientifique``; ``*`` or ``*_x``, without a name); they are left out.
``RK-R66``
    *Warning*: variables IRaMuTeQ reads otherwise than they look: ``*date-1970``, without
    ``_``, is the variable ``date-1970`` (value ``"1"``), and ``*date_`` has an empty
    modality (kept as ``""``).
``RK-R67``
    *Warning*: one variable twice on a ``****`` line (``*site_a *site_b``): the last is kept.
"""

from __future__ import annotations

import re

from ..errors import InputFileError, warn
from . import ParsedDocument
from ._builder import TurnBuilder

_STARS_RE = re.compile(r"^\*{4}(?:\s|$)")
_THEME_RE = re.compile(r"^-\*\S+\s*$")


def looks_like_iramuteq(text: str) -> bool:
    """True when the first non-blank line opens an IRaMuTeQ text (``****``)."""
    for line in text.split("\n"):
        if line.strip():
            return bool(_STARS_RE.match(line.strip()))
    return False


class _Notes:
    """What a file's star lines hold that IRaMuTeQ reads otherwise: warned once per code at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stray: list[tuple[int, str]] = []  # RK-R16
        self.odd: list[tuple[int, str, str]] = []  # RK-R66: (line, word, how it was read)
        self.twice: list[tuple[int, str, str]] = []  # RK-R67: (line, variable, kept value)

    def warn(self) -> None:
        if self.stray:
            words = _listed(f'"{w}" (line {n})' for n, w in self.stray)
            warn("RK-R16", f"{self.path}: {_count(len(self.stray), 'word')} on **** lines "
                 f"{'is' if len(self.stray) == 1 else 'are'} not a *variable_value and "
                 f"{'was' if len(self.stray) == 1 else 'were'} left out: {words}. IRaMuTeQ splits a **** line at "
                 "spaces too, so a modality cannot hold a space: write *type_article-scientifique (or "
                 "*type_article_scientifique) for \"article scientifique\", or remove the word.", stacklevel=3)
        if self.odd:
            words = _listed(f"{w} (line {n}: {how})" for n, w, how in self.odd)
            warn("RK-R66", f"{self.path}: {_count(len(self.odd), 'variable')} on **** lines "
                 f"{'is' if len(self.odd) == 1 else 'are'} read as IRaMuTeQ reads "
                 f"{'it' if len(self.odd) == 1 else 'them'}, which may not be what was meant: {words}. "
                 "Write *name_value, with the underscore, for a variable and its modality.", stacklevel=3)
        if self.twice:
            words = _listed(f'"{v}" (line {n}, kept "{kept}")' for n, v, kept in self.twice)
            warn("RK-R67", f"{self.path}: a variable given twice on one **** line keeps its last value: {words}. "
                 "IRaMuTeQ keeps both modalities on the text, and its tables by that variable then stop at "
                 "\"2 variables sur la même ligne\": give each text one modality per variable.", stacklevel=3)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _listed(items, shown: int = 12) -> str:
    items = list(items)
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def parse_star_line(line: str, *, path: str, lineno: int, notes: _Notes | None = None) -> dict[str, str]:
    """The variables of one ``****`` line, as IRaMuTeQ reads them.

    Words are split at spaces; ``*name_modality`` is split at its first ``_`` (the
    modality may hold more); ``*name`` without ``_`` is ``name: "1"``. A word that is
    not a variable is left out, and ``notes`` (when given) records it for the file's
    warnings, with the line.
    """
    notes = notes if notes is not None else _Notes(path)
    variables: dict[str, str] = {}
    for word in line.strip()[4:].split():
        name, underscore, value = word[1:].partition("_")
        if not word.startswith("*") or not name[:1].isalnum():
            notes.stray.append((lineno, word))
            continue
        if not underscore:
            value = "1"
            if "-" in name:
                notes.odd.append((lineno, word, f'the variable "{name}", value "1"'))
        elif not value:
            notes.odd.append((lineno, word, f'"{name}" with an empty value'))
        if name in variables and variables[name] != value:
            notes.twice.append((lineno, name, value))
        variables[name] = value
    return variables


def parse_iramuteq(text: str, *, path: str) -> list[ParsedDocument]:
    """Read an IRaMuTeQ corpus into one document per ``****`` text.

    Raises
    ------
    InputFileError
        ``RK-R15`` for text before the first ``****`` line.

    Warns
    -----
    ResearchKitWarning
        ``RK-R16``, ``RK-R66``, ``RK-R67`` once per file, naming the lines (see the module's docstring).
    """
    documents: list[ParsedDocument] = []
    notes = _Notes(path)
    builder: TurnBuilder | None = None
    variables: dict[str, str] = {}
    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if _STARS_RE.match(stripped):
            if builder is not None:
                documents.append(ParsedDocument(builder.finish(), variables))
            variables = parse_star_line(stripped, path=path, lineno=lineno, notes=notes)
            builder = TurnBuilder()
            continue
        if builder is None:
            if stripped:
                raise InputFileError("RK-R15", "text appears before the first '****' line of this IRaMuTeQ corpus.",
                                     path=path, line=lineno, hint="Start every text with a '**** *variable_value' line.")
            continue
        if _THEME_RE.match(stripped):
            name, _, value = stripped[2:].partition("_")
            if name == "loc" and value:  # -*loc_Name: who speaks from here (as write_iramuteq writes it)
                builder.start(value)
            else:
                builder.paragraph_break()
            continue
        builder.line(line)
    if builder is not None:
        documents.append(ParsedDocument(builder.finish(), variables))
    notes.warn()
    width = len(str(len(documents)))
    for i, doc in enumerate(documents, start=1):
        doc.suffix = str(doc.variables.get("id") or f"{i:0{max(3, width)}d}")
    return documents
