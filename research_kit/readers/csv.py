"""CSV transcripts with one row per utterance (as spreadsheets export them).

The delimiter is detected among ``,`` ``;`` (French Excel) tab and ``|``. Columns are
given by the user (``columns: {speaker: Locuteur, text: Propos, start: Début, end: Fin,
doc: Séance}`` in ``corpus.yml``) or recognised from common names in French and
English. Times are seconds or ``HH:MM:SS[.mmm]``. A ``doc`` column splits the file into
several documents. Each non-empty row is one turn.

Codes: ``RK-R10`` no header or no text column; ``RK-R11`` a column named in
``columns:`` is not in the file; ``RK-R12`` a time that cannot be read;
``RK-R13`` malformed CSV (e.g. an unclosed quote).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping

from ..errors import InputFileError, did_you_mean
from . import ParsedDocument, ParsedTurn
from ._labels import TIME_RE, parse_time

_GUESSES = {
    "text": ["text", "texte", "propos", "utterance", "transcript", "transcription", "verbatim", "contenu",
             "content", "message", "intervention", "paroles", "dialogue", "sentence", "phrase"],
    "speaker": ["speaker", "locuteur", "locutrice", "intervenant", "intervenante", "participant", "participante",
                "nom", "name", "who", "orateur", "personne", "speaker name", "speaker_name"],
    "start": ["start", "debut", "start time", "start_time", "begin", "temps", "time", "timestamp", "heure",
              "start_s", "horodatage", "in"],
    "end": ["end", "fin", "end time", "end_time", "stop", "end_s", "out"],
    "doc": ["doc_id", "document", "doc", "session", "seance", "fichier", "file", "transcript_id"],
}
FIELDS = tuple(_GUESSES)


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s).strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    # inclusive forms name the same column: intervenant·e, locuteur·rice, intervenant(e)
    return re.sub(r"(?:[·.\-](?:e|es|rice|trice|euse)|\((?:e|es|rice|trice)\))$", "", s)


def _dialect(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        return ","


def parse_csv(text: str, *, path: str, columns: Mapping[str, str] | None = None) -> list[ParsedDocument]:
    """Read a CSV of utterances into one document, or one per value of the ``doc`` column."""
    delimiter = _dialect(text[:20000])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as e:
        raise InputFileError("RK-R13", f"is not valid CSV ({e}).", path=path, line=1) from e
    header = [h.strip() for h in header]
    if not any(header):
        raise InputFileError("RK-R10", "has no header row.", path=path, line=1,
                             hint="Add a first row naming the columns, e.g. speaker;text.")
    folded = {_fold(h): i for i, h in enumerate(header)}
    where: dict[str, int] = {}
    for field, name in (columns or {}).items():
        if field not in _GUESSES:
            raise InputFileError("RK-R11", f"columns: knows no field {field!r}; the fields are {', '.join(FIELDS)}.",
                                 path=path, hint="Fix the `columns:` mapping in corpus.yml." + did_you_mean(field, FIELDS))
        if _fold(name) not in folded:
            raise InputFileError(
                "RK-R11", f"has no column {name!r} (named in corpus.yml as the {field} column); its columns are "
                f"{', '.join(repr(h) for h in header)}.", path=path, line=1,
                hint="Fix the `columns:` mapping in corpus.yml." + did_you_mean(name, header))
        where[field] = folded[_fold(name)]
    for field, names in _GUESSES.items():
        if field not in where:
            hit = next((folded[n] for n in names if n in folded and folded[n] not in where.values()), None)
            if hit is not None:
                where[field] = hit
    if "text" not in where:
        raise InputFileError(
            "RK-R10", f"has no column recognised as the text; its columns are {', '.join(repr(h) for h in header)}.",
            path=path, line=1,
            hint="Name the columns under this document in corpus.yml, e.g. `columns: {text: Propos, speaker: Locuteur}`.")

    groups: dict[str, list[ParsedTurn]] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue

            def cell(f: str, row: list[str] = row) -> str:
                return row[where[f]].strip() if f in where and where[f] < len(row) else ""

            body = cell("text")
            if len(row) > len(header) and where["text"] == len(header) - 1:
                # an unquoted delimiter inside the last column: keep the whole text
                body = delimiter.join(row[where["text"]:]).strip()
            if not body:
                continue
            start, end = (_time(cell(f), path=path, line=line, column=header[where[f]]) if f in where else None
                          for f in ("start", "end"))
            groups.setdefault(cell("doc"), []).append(ParsedTurn(cell("speaker") or None, body, start, end))
    except csv.Error as e:
        raise InputFileError("RK-R13", f"is not valid CSV ({e}).", path=path, line=reader.line_num,
                             hint="Check the quotes on that line, or re-export the file from the spreadsheet.") from e
    if len(groups) <= 1:
        return [ParsedDocument(next(iter(groups.values()), []))]
    return [ParsedDocument(turns, {}, None, suffix=doc) for doc, turns in groups.items()]


def _time(value: str, *, path: str, line: int, column: str) -> float | None:
    value = value.strip().strip("[]()").strip()
    if not value:
        return None
    try:
        if TIME_RE.match(value):
            return parse_time(value)
        return float(value.replace(",", "."))
    except ValueError:
        raise InputFileError("RK-R12", f'column {column!r}: "{value}" is not a time (seconds or HH:MM:SS).',
                             path=path, line=line, hint="Fix the cell or leave it empty.") from None
