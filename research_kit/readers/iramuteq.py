"""The IRaMuTeQ corpus format, which francophone researchers often already have.

A file holds several texts; each starts with a line of four stars and starred
variables, ``**** *site_montreal *date_2025-01-22``; ``*var_mod`` becomes the document
variable ``var`` with value ``mod`` (a star word without ``_`` becomes ``var: "1"``).
Thematic lines ``-*theme`` inside a text are structure and are skipped, except
``-*loc_Name``, which opens a turn of speaker ``Name``. Speaker labels
inside a text are honoured like in plain text.

Codes: ``RK-R15`` text before the first ``****`` line; ``RK-R16`` a star line without
variables that are ``*name_value``.
"""

from __future__ import annotations

import re

from ..errors import InputFileError
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


def parse_star_line(line: str, *, path: str, lineno: int) -> dict[str, str]:
    variables: dict[str, str] = {}
    for word in line.strip()[4:].split():
        if not word.startswith("*") or len(word) < 2:
            raise InputFileError("RK-R16", f'"{word}" on a **** line is not a *variable_value.',
                                 path=path, line=lineno, hint="Write variables as *name_value, separated by spaces.")
        name, _, value = word[1:].partition("_")
        variables[name] = value if value else "1"
    return variables


def parse_iramuteq(text: str, *, path: str) -> list[ParsedDocument]:
    """Read an IRaMuTeQ corpus into one document per ``****`` text."""
    documents: list[ParsedDocument] = []
    builder: TurnBuilder | None = None
    variables: dict[str, str] = {}
    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if _STARS_RE.match(stripped):
            if builder is not None:
                documents.append(ParsedDocument(builder.finish(), variables))
            variables = parse_star_line(stripped, path=path, lineno=lineno)
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
    width = len(str(len(documents)))
    for i, doc in enumerate(documents, start=1):
        doc.suffix = str(doc.variables.get("id") or f"{i:0{max(3, width)}d}")
    return documents
