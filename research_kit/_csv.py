"""CSV files: reading users' without losing a row, writing ours so no spreadsheet runs a cell.

Reading
    :func:`read_rows` walks a CSV text row by row as :mod:`csv` reads it (quotes, doubled
    quotes, cells over several lines) and yields every row with the line it starts on, or,
    for what cannot be read, a :class:`CsvProblem` naming the line and the column. Nothing
    is dropped without a word:

    - an unclosed quote is reported at the line where the quote **opened** (not where the
      parser gave up, often the end of the file), and reading goes on at the next line, so
      the rows the quote would have swallowed are read as rows of their own;
    - a quote that closes a cell and is followed by more text (``a,"b"c``) is reported;
    - a cell may hold up to :data:`FIELD_LIMIT` characters (16 MiB; :mod:`csv` stops at
      128 KiB by default, and this module raises its process-wide limit to ours when it
      reads); a larger cell is reported, never a raw ``_csv.Error``;
    - a row written with another delimiter than the header's (no header delimiter in it,
      but another one splits it into exactly the header's width) is read with that one,
      and its line is listed in :attr:`CsvRows.redelimited`;
    - a line break inside a cell of a column the caller declares single-line
      (:attr:`CsvRows.single_line`: an id, a code, a time) means a quote opened and
      never closed there: it is reported as such, and reading goes on after it.

    Blank rows are skipped. Callers turn each problem into an error of their own family
    (``RK-R13``, ``RK-G07``, ``RK-K01``…) by its :attr:`CsvProblem.kind`.

Writing
    A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    run as a formula by Excel, LibreOffice and Google Sheets (OWASP, "CSV injection"):
    ``=HYPERLINK("http://evil", "clic")``. :func:`neutralise` puts a ``'`` before such a
    cell (also when spaces or line breaks come before the formula character, and before
    a cell that already starts with ``'`` followed by one of them, so that
    :func:`unneutralise` is its exact inverse). :func:`write_csv` writes a frame
    atomically with its text columns neutralised; numbers stay numbers. Our readers of
    our own files (codings, codebooks, transcripts) call :func:`unneutralise` on every
    cell: one leading ``'`` is removed when what follows it is something
    :func:`neutralise` would have prefixed, so ``'=x`` reads ``=x`` and ``'bonjour``
    stays as it is.

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ._io import atomic_write

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FIELD_LIMIT",
    "FORMULA_START",
    "DELIMITERS",
    "CsvRow",
    "CsvProblem",
    "CsvRows",
    "read_rows",
    "neutralise",
    "unneutralise",
    "write_csv",
]

#: The largest cell read, in characters: 16 MiB (a long meeting's whole transcript fits in a tenth of it).
FIELD_LIMIT = 16 * 1024 * 1024

#: The characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: The delimiters a row written with another delimiter than its header's may use.
DELIMITERS = (",", ";", "\t", "|")

_QUOTE = '"'


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class CsvRow:
    """One row: its cells, the lines it spans (1-based) and the delimiter it was read with."""

    line: int
    end_line: int
    cells: list[str]
    delimiter: str


@dataclass(frozen=True)
class CsvProblem:
    """A row that could not be read.

    Attributes
    ----------
    kind
        ``"quote"`` (a quote opened and never closed), ``"stray_quote"`` (a quote closing
        a cell and followed by more text), ``"too_large"`` (a cell over
        :data:`FIELD_LIMIT`) or ``"malformed"`` (anything else :mod:`csv` refuses).
    line
        Where: for ``"quote"``, the line where the quote opened.
    column
        The column (0-based) where it is, when known.
    message, hint
        What is wrong, naming the column by its header when the caller has set
        :attr:`CsvRows.header`; what to do.
    """

    kind: Literal["quote", "stray_quote", "too_large", "malformed"]
    line: int
    column: int | None
    message: str
    hint: str


@dataclass
class _Scan:
    kind: str | None  # None: the record ends cleanly
    where: int  # position of the problem (the opening quote for "quote")
    cell: int  # the cell it is in (0-based)
    end: int  # position just after the record (or where reading should go on)
    big: tuple[int, int] | None = None  # (cell, start position) of the first cell over the limit
    after: str = ""  # the character after a stray quote


def _scan(text: str, pos: int, delimiter: str) -> _Scan:
    """Walk one record from ``pos`` as :mod:`csv` reads it (excel dialect, strict), by jumps."""
    n = len(text)
    cell = 0
    big: tuple[int, int] | None = None
    while True:
        start = pos
        if pos < n and text[pos] == _QUOTE:
            open_at, pos = pos, pos + 1
            while True:
                q = text.find(_QUOTE, pos)
                if q < 0:
                    return _Scan("quote", open_at, cell, n, big)
                if q + 1 < n and text[q + 1] == _QUOTE:
                    pos = q + 2
                    continue
                after = text[q + 1] if q + 1 < n else "\n"
                if after in (delimiter, "\n"):
                    pos = q + 1
                    break
                kind = "quote" if "\n" in text[open_at:q] else "stray_quote"
                return _Scan(kind, open_at if kind == "quote" else q, cell, q + 1, big, after)
        else:
            nl = text.find("\n", pos)
            nl = n if nl < 0 else nl
            d = text.find(delimiter, pos, nl)
            pos = nl if d < 0 else d
        if big is None and pos - start > FIELD_LIMIT:
            big = (cell, start)
        if pos >= n:
            return _Scan(None, pos, cell, n, big)
        if text[pos] == "\n":
            return _Scan(None, pos, cell, pos + 1, big)
        cell, pos = cell + 1, pos + 1


@dataclass
class CsvRows:
    """The rows and problems of one CSV text, in the file's order; see :func:`read_rows`.

    Attributes
    ----------
    delimiter
        The delimiter rows are read with (a first line ``sep=;``, as Excel writes it,
        sets it and is skipped).
    header
        The header's cells: set it once the header row is read, so that problems name
        columns and rows written with another delimiter are recognised by its width.
    single_line
        Columns (0-based) that never hold a line break: one there is a quote left open.
    redelimited
        Lines of the rows read with another delimiter than :attr:`delimiter`.
    """

    text: str = field(repr=False)
    delimiter: str
    header: Sequence[str] | None = None
    single_line: set[int] = field(default_factory=set)
    redelimited: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.text, self._lines = text, lines
        self._starts = [0, *itertools.accumulate(len(line) + 1 for line in lines[:-1])] if lines else []
        self._skip = 0
        if lines and len(lines[0]) == 5 and lines[0].lower().startswith("sep="):
            self.delimiter, self._skip = lines[0][4], 1

    # -- helpers
    def _line_of(self, pos: int) -> int:
        """The 1-based line of a position of the text."""
        return bisect.bisect_right(self._starts, pos)

    def _column(self, i: int | None) -> str:
        if i is None:
            return ""
        name = self.header[i].strip() if self.header is not None and i < len(self.header) else ""
        return f'column "{name}"' if name else f"column {i + 1}"

    def _problem(self, scan: _Scan, first: int, error: str) -> tuple[CsvProblem, int]:
        """The problem of the record starting at line index ``first``, and the line index to go on at."""
        if scan.kind == "quote":
            line = self._line_of(scan.where)
            where = f" (the row starts on line {first + 1})" if line != first + 1 else ""
            return self._unclosed(line, scan.cell, where), line
        if scan.kind == "stray_quote":
            line = self._line_of(scan.where)
            return CsvProblem("stray_quote", line, scan.cell,
                              f'{self._column(scan.cell)}: a quote " closes the cell and is followed by '
                              f"{scan.after!r}.",
                              'Inside a quoted cell write a quote twice (""), or put the whole cell in quotes.'), line
        if scan.big is not None:
            return self._too_large(scan.big[0], self._line_of(scan.big[1])), self._line_of(max(scan.end - 1, 0))
        return CsvProblem("malformed", first + 1, None, f"the row is not valid CSV ({error}).",
                          "Re-export the file from the spreadsheet."), first + 1

    def _unclosed(self, line: int, cell: int, where: str) -> CsvProblem:
        return CsvProblem("quote", line, cell,
                          f'{self._column(cell)}: a quote " opened on line {line} is never closed{where}: '
                          "close it or remove it.",
                          "The lines after it were checked as rows of their own.")

    def _too_large(self, cell: int, line: int) -> CsvProblem:
        return CsvProblem("too_large", line, cell,
                          f"{self._column(cell)}: the cell holds more than {FIELD_LIMIT:,} characters "
                          "(16 MiB), the limit of a cell.",
                          "Split its text over several rows; a cell this large is often a quote left open "
                          "before it.")

    def _other_delimiter(self, raw: str) -> tuple[list[str], str] | None:
        """The cells of a one-cell row that exactly one other delimiter splits into the header's width."""
        width = len(self.header or ())
        if width < 2:
            return None
        fits = []
        for other in DELIMITERS:
            if other == self.delimiter or other not in raw:
                continue
            try:
                cells = next(csv.reader([raw], delimiter=other, strict=True))
            except (csv.Error, StopIteration):
                continue
            if len(cells) == width:
                fits.append((cells, other))
        return fits[0] if len(fits) == 1 else None

    # -- the walk
    def __iter__(self) -> Iterator[CsvRow | CsvProblem]:
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT + 1))
        lines, n = self._lines, len(self._lines)
        start = self._skip
        while start < n:
            reader = csv.reader((lines[k] + "\n" for k in range(start, n)), delimiter=self.delimiter, strict=True)
            done = 0
            restart = None
            try:
                for cells in reader:
                    first, done = start + done, reader.line_num
                    last = start + done - 1
                    item, restart = self._record(first, last, cells)
                    if item is not None:
                        yield item
                    if restart is not None:
                        break
            except csv.Error as e:
                first = start + done
                problem, restart = self._problem(_scan(self.text, self._starts[first], self.delimiter), first, str(e))
                yield problem
            if restart is None:
                return
            start = max(restart, start + 1)

    def _record(self, first: int, last: int, cells: list[str]) -> tuple[CsvRow | CsvProblem | None, int | None]:
        """The row or problem of one record :mod:`csv` read, and where to go on if not after it."""
        if not any(c.strip() for c in cells):
            return None, None
        newlines = 0
        for i, c in enumerate(cells):
            if len(c) > FIELD_LIMIT:
                return self._too_large(i, first + 1 + newlines), None
            if "\n" in c and i in self.single_line:
                line = first + 1 + newlines
                return self._unclosed(line, i, f" (it runs to line {line + c.count(chr(10))})"), line
            newlines += c.count("\n")
        if len(cells) == 1 and first == last and self.header is not None:
            other = self._other_delimiter(self._lines[first])
            if other is not None:
                self.redelimited.append(first + 1)
                return CsvRow(first + 1, first + 1, other[0], other[1]), None
        return CsvRow(first + 1, last + 1, cells, self.delimiter), None


def read_rows(text: str, *, delimiter: str) -> CsvRows:
    """The rows of a CSV text, each with its line, and a :class:`CsvProblem` for each row that cannot be read.

    Iterate over the result; set its ``header`` (and ``single_line``) when the header row
    comes. Line ends ``\\r\\n`` and ``\\r`` count as ``\\n``.

    Examples
    --------
    >>> rows = read_rows('a,b\\n1,"x\\n2,y\\n', delimiter=",")
    >>> [(r.line, r.cells) if isinstance(r, CsvRow) else (r.line, r.kind) for r in rows]
    [(1, ['a', 'b']), (2, 'quote'), (3, ['2', 'y'])]
    """
    return CsvRows(text, delimiter)


# --------------------------------------------------------------------------- writing


def _is_formula(value: str) -> bool:
    if value[:1] in ("\t", "\r"):
        return True
    rest = value.lstrip(" \n\t\r")
    if rest[:1] in ("=", "+", "-", "@"):
        return True
    return value[:1] == "'" and _is_formula(value[1:])


def neutralise(value: str) -> str:
    """``value`` with a ``'`` before it when a spreadsheet would run it as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after
    spaces or line breaks too), or with ``'`` followed by such a cell.

    >>> neutralise('=HYPERLINK("http://evil","clic")'), neutralise("-2"), neutralise("Bonjour")
    ('\\'=HYPERLINK("http://evil","clic")', "'-2", 'Bonjour')
    """
    return "'" + value if value and _is_formula(value) else value


def unneutralise(value: str) -> str:
    """The inverse of :func:`neutralise`: one leading ``'`` removed when what follows needs it.

    >>> unneutralise("'=1+1"), unneutralise("'bonjour"), unneutralise(neutralise("'=x"))
    ('=1+1', "'bonjour", "'=x")
    """
    if value[:1] == "'" and len(value) > 1 and _is_formula(value[1:]):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    import pandas as pd

    return [c for c in frame.columns
            if frame[c].dtype == object or isinstance(frame[c].dtype, (pd.StringDtype, pd.CategoricalDtype))]


def write_csv(frame: pd.DataFrame, path: str | Path, *, text_columns: Iterable[str] | None = None,
              delimiter: str = ",", date_format: str | None = None, bom: bool = False,
              permissions: int | None = None) -> Path:
    """Write ``frame`` as CSV atomically (UTF-8, ``\\n`` line ends), its text cells neutralised.

    Parameters
    ----------
    frame
        What to write; the index is not written.
    path
        The file; an existing one is replaced only once the new one is complete.
    text_columns
        The columns whose cells go through :func:`neutralise`; by default every column of
        text (``object``, ``string`` or ``category`` dtype). Numbers stay numbers.
    delimiter, date_format
        As :meth:`pandas.DataFrame.to_csv` takes them.
    bom
        Start the file with a byte-order mark, so that Excel reads its accents right.
    permissions
        File mode (``0o600`` for a file holding originals), as :func:`_io.atomic_write` takes it.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    columns = _text_columns(frame) if text_columns is None else list(text_columns)
    out = frame.copy()
    for c in columns:
        values = out[c].astype(object)
        out[c] = values.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, sep=delimiter, date_format=date_format, lineterminator="\n")
    with atomic_write(path, "w", permissions=permissions) as fh:
        if bom:
            fh.write("\ufeff")
        fh.write(buffer.getvalue())
    return Path(path)
