"""DOCX transcripts (python-docx): paragraphs and tables, in document order.

A paragraph opens a turn when it starts with a speaker label (``NAME: text``), or with
a bold name followed by text (``**NAME** text`` without a colon, as some transcribers
write). Tables are read row by row: with a header naming the speaker and text columns
(``Intervenant | Propos``, ``Speaker | Text``, optionally a time column), else two
columns (speaker, text) or three (time, speaker, text). The first Title/Heading 1 is
the title; other headings are structure, not speech.

Codes: ``RK-R07`` the file is not a readable DOCX (a renamed .doc, a damaged zip).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from ..errors import InputFileError
from .._io import normalise_text
from . import ParsedDocument
from ._builder import TurnBuilder
from ._labels import TIME_RE, parse_time

_SPEAKER_HEADERS = {"speaker", "locuteur", "locutrice", "intervenant", "intervenante", "intervenant·e",
                    "participant", "nom", "name", "qui", "who", "personne", "orateur"}
_TEXT_HEADERS = {"text", "texte", "propos", "verbatim", "transcription", "transcript", "intervention",
                 "utterance", "contenu", "content", "dialogue", "paroles"}
_TIME_HEADERS = {"time", "temps", "heure", "debut", "start", "timestamp", "horodatage", "minutage"}
_NAME_ONLY_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.·\- ]{0,50}$")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.strip().lower())
    return "".join(c for c in s if not unicodedata.combining(c)).rstrip(" :")


def parse_docx(path: str | Path, *, display_path: str | None = None) -> list[ParsedDocument]:
    """Read a ``.docx`` transcript into one document."""
    shown = display_path or str(path)
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputFileError("RK-R07", f"is not a readable Word .docx file ({e}).", path=shown,
                             hint="Open it in Word or LibreOffice and save it again as .docx.") from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError etc.
        raise InputFileError("RK-R07", f"is not a readable Word .docx file ({type(e).__name__}: {e}).",
                             path=shown, hint="Open it in Word or LibreOffice and save it again as .docx.") from e

    title = None
    builder = TurnBuilder()
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            text = normalise_text(paragraph.text)
            if style == "Title" or style.startswith("Heading"):
                if title is None and not builder.turns and text.strip():
                    title = text.strip()
                builder.paragraph_break()
                continue
            _paragraph(paragraph, text, builder)
            builder.paragraph_break()
        elif tag == "tbl":
            _table(Table(child, document), builder)
    core_title = (document.core_properties.title or "").strip()
    return [ParsedDocument(builder.finish(), {}, title or core_title or None)]


def _paragraph(paragraph, text: str, builder: TurnBuilder) -> None:
    lines = text.split("\n")  # soft line breaks inside a paragraph
    first = lines[0]
    bold = ""
    for run in paragraph.runs:
        if not run.text.strip() and not bold:
            continue
        if run.bold:
            bold += run.text
        else:
            break
    bold = normalise_text(bold).strip()
    rest = first[first.find(bold) + len(bold):].strip() if bold else ""
    if bold and ":" not in bold and not rest.startswith(":") and _NAME_ONLY_RE.match(bold) and rest:
        builder.start(bold.strip(), None, rest)
    else:
        builder.line(first)
    for line in lines[1:]:
        builder.line(line)


def _table(table, builder: TurnBuilder) -> None:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for c in row.cells:  # a merged cell repeats itself once per grid column it spans
            if id(c._tc) not in seen:
                seen.add(id(c._tc))
                cells.append(normalise_text(c.text).strip())
        rows.append(cells)
    rows = [r for r in rows if any(r)]
    if not rows:
        return
    header = [_fold(c) for c in rows[0]]
    speaker_col = next((i for i, h in enumerate(header) if h in _SPEAKER_HEADERS), None)
    text_col = next((i for i, h in enumerate(header) if h in _TEXT_HEADERS), None)
    time_col = next((i for i, h in enumerate(header) if h in _TIME_HEADERS), None)
    if speaker_col is not None and text_col is not None:
        rows = rows[1:]
    else:
        width = len(rows[0])
        if width == 2:
            speaker_col, text_col, time_col = 0, 1, None
        elif width >= 3 and TIME_RE.match(rows[0][0].strip("[]()")):
            time_col, speaker_col, text_col = 0, 1, 2
        else:  # a layout table: read its cells as lines
            for row in rows:
                for cell in dict.fromkeys(row):  # merged cells repeat their text
                    for line in cell.split("\n"):
                        builder.line(line)
                    builder.paragraph_break()
            return
    for row in rows:
        if len(row) == 1 or len(row) < max(speaker_col, text_col) + 1:  # merged across the row: read as a line
            for line in " ".join(row).split("\n"):
                builder.line(line)
            builder.paragraph_break()
            continue
        speaker = row[speaker_col].rstrip(" :：") if speaker_col < len(row) else ""
        text = row[text_col] if text_col < len(row) else ""
        start = None
        stamp = row[time_col].strip("[]() ") if time_col is not None and time_col < len(row) else ""
        if TIME_RE.match(stamp):
            start = parse_time(stamp)
        if speaker:
            builder.start(speaker, start)
        for line in text.split("\n"):
            builder.add(line) if line.strip() else builder.paragraph_break()
        builder.paragraph_break()
