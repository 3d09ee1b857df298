"""CSV transcripts with one row per utterance (as spreadsheets export them).

The delimiter is detected among ``,`` ``;`` (French Excel) tab and ``|``. Columns are
given by the user (``columns: {speaker: Locuteur, text: Propos, start: Début, end: Fin,
doc: Séance}`` in ``corpus.yml``) or recognised from common names in French and
English. Times are seconds or ``HH:MM:SS[.mmm]``. A ``doc`` column splits the file into
several documents. Each non-empty row is one turn.

Codes: ``RK-R10`` no header or no text column; ``RK-R11`` a column named in
``columns:`` is not in the file; ``RK-R12`` a time that cannot be read;
``RK-R13`` malformed CSV (an unclosed quote, named at the line where it opened; a quote
followed by more text); ``RK-R14`` a cell over 16 MiB; ``RK-R17`` a row whose cells do
not fit the header (no text cell, or extra cells that would be lost); warnings
``RK-R18`` rows written with another delimiter than the header's, read with it, and
``RK-R19`` a text cell whose lines each look like a row (a quote perhaps left open).
Each row problem names its line; see :func:`parse_csv` for how they are reported.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Mapping

from .._csv import CsvProblem, read_rows, unneutralise
from ..errors import InputFileError, did_you_mean, warn
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


def parse_csv(text: str, *, path: str, columns: Mapping[str, str] | None = None,
              report: Callable[[InputFileError], None] | None = None) -> list[ParsedDocument]:
    """Read a CSV of utterances into one document, or one per value of the ``doc`` column.

    Parameters
    ----------
    text
        The file's decoded text.
    path
        How messages name the file.
    columns
        The user's ``columns:`` mapping (field → column name).
    report
        Called with an :class:`InputFileError` for each row that cannot be read, naming
        its line (and column); the other rows are read. Without it, those rows are raised
        together once the whole file is read: one :class:`InputFileError` with the first
        one's code and line, every row in its message and in its ``problems`` attribute.

    A row is read or reported, never dropped without a word, except blank rows and rows
    whose text cell is empty (no speech). An unclosed quote is reported at the line where
    it opened and the lines after it are read as rows of their own; a cell may hold up to
    16 MiB (:data:`research_kit._csv.FIELD_LIMIT`). A row written with another delimiter
    than the header's is read with it (warning ``RK-R18``). One leading ``'`` before a
    formula character (``'=x``, as Research Kit writes such cells for spreadsheets) is
    removed.
    """
    reader = read_rows(text, delimiter=_dialect(text[:20000]))
    items = iter(reader)
    first = next(items, None)
    if isinstance(first, CsvProblem):
        raise InputFileError(_CODES[first.kind], first.message, path=path, line=first.line, hint=first.hint)
    header = [unneutralise(h).strip() for h in first.cells] if first is not None else []
    header_line = first.line if first is not None else 1
    if not any(header):
        raise InputFileError("RK-R10", "has no header row.", path=path, line=header_line,
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
                f"{', '.join(repr(h) for h in header)}.", path=path, line=header_line,
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
            path=path, line=header_line,
            hint="Name the columns under this document in corpus.yml, e.g. `columns: {text: Propos, speaker: Locuteur}`.")
    reader.header = header
    reader.single_line = {where[f] for f in ("speaker", "start", "end", "doc") if f in where}
    width, text_at = len(header), where["text"]

    problems: list[InputFileError] = []

    def problem(error: InputFileError) -> None:
        if report is not None:
            report(error)
        else:
            problems.append(error)

    groups: dict[str, list[ParsedTurn]] = {}
    swallowed: list[int] = []  # lines of text cells whose every other line looks like a row
    for item in items:
        if isinstance(item, CsvProblem):
            problem(InputFileError(_CODES[item.kind], item.message, path=path, line=item.line, hint=item.hint))
            continue
        row, line = [unneutralise(c) for c in item.cells], item.line
        if len(row) > width and text_at != width - 1 and any(c.strip() for c in row[width:]):
            problem(InputFileError(
                "RK-R17", f"the row has {len(row)} cells but the header names {width} columns: the cells after "
                f'"{header[-1]}" would be lost.', path=path, line=line,
                hint=f'A cell holding the delimiter "{item.delimiter}" must be in quotes, or remove the extra cells.'))
            continue
        if len(row) <= text_at:
            problem(InputFileError(
                "RK-R17", f"the row has {len(row)} cell{'s' if len(row) != 1 else ''} but the header names {width} "
                f'columns: it has no "{header[text_at]}" cell, the text.', path=path, line=line,
                hint=f'Separate its cells with "{reader.delimiter}" as the header does, or join the line to the '
                     "turn it continues (in quotes)."))
            continue

        def cell(f: str, row: list[str] = row) -> str:
            return row[where[f]].strip() if f in where and where[f] < len(row) else ""

        body = cell("text")
        if len(row) > width and text_at == width - 1:
            # an unquoted delimiter inside the last column: keep the whole text
            body = item.delimiter.join(row[text_at:]).strip()
        if not body:
            continue
        if width > 1 and "\n" in row[text_at]:
            rest = row[text_at].split("\n")[1:]
            if all(_looks_like_row(part, item.delimiter, width, where) for part in rest):
                swallowed.append(line + sum(c.count("\n") for c in row[:text_at]))
        try:
            start, end = (_time(cell(f), path=path, line=line, column=header[where[f]]) if f in where else None
                          for f in ("start", "end"))
        except InputFileError as e:
            problem(e)
            continue
        groups.setdefault(cell("doc"), []).append(ParsedTurn(cell("speaker") or None, body, start, end))
    if reader.redelimited:
        warn("RK-R18", f"{path}: {_lines(reader.redelimited)} {'use' if len(reader.redelimited) > 1 else 'uses'} "
             f'another delimiter than the header\'s "{reader.delimiter}" and {"were" if len(reader.redelimited) > 1 else "was"} '
             "read with it. Check those turns, and save the file again with one delimiter.")
    if swallowed:
        warn("RK-R19", f"{path}: the text cell starting on {_lines(swallowed)} runs over lines that each look like a "
             "row of their own. If a quote opened there is never closed, close it; a cell over several lines "
             "is otherwise fine.")
    if problems:
        raise _together(problems, path)
    if len(groups) <= 1:
        return [ParsedDocument(next(iter(groups.values()), []))]
    return [ParsedDocument(turns, {}, None, suffix=doc) for doc, turns in groups.items()]


_CODES = {"quote": "RK-R13", "stray_quote": "RK-R13", "malformed": "RK-R13", "too_large": "RK-R14"}


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10]) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    return f"line{'s' if len(lines) > 1 else ''} {shown}"


def _together(problems: list[InputFileError], path: str) -> InputFileError:
    """The rows that could not be read, as one error (the first one's code and line)."""
    if len(problems) == 1:
        error = problems[0]
    else:
        shown = "\n".join(f"  - line {p.line}: [{p.code}] {p.message}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        first = problems[0]
        error = InputFileError(first.code, f"{len(problems)} rows cannot be read:\n{shown}{more}\n", path=path,
                               line=first.line, hint="Fix them and read the file again.")
    error.problems = problems  # type: ignore[attr-defined]
    return error


def _looks_like_row(line: str, delimiter: str, width: int, where: dict[str, int]) -> bool:
    """Whether a line inside a text cell reads as a row of its own: as many cells as the
    header, a speaker cell that is a name rather than a sentence, times that are times."""
    if line.count(delimiter) != width - 1:
        return False
    cells = [c.strip().strip('"') for c in line.split(delimiter)]
    if "speaker" in where and (len(cells[where["speaker"]].split()) > 4
                               or cells[where["speaker"]].endswith((".", "!", "?", "…"))):
        return False
    for f in ("start", "end"):
        if f in where and cells[where[f]] and not _TIMELIKE_RE.match(cells[where[f]]):
            return False
    return True


_TIMELIKE_RE = re.compile(r"^[\[(]?\d+(?:[:.,]\d+)*[\])]?$")


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
