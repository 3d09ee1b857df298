"""Coded segments: the codings frame, reading and writing it, retrieval and matrices.

A *codings* frame (``schemas.CODINGS``) has one row per coded segment: ``doc_id``,
``start_char``, ``end_char`` (offsets into the document text), ``code``, ``coder``,
``memo``, ``coded_at``. It comes from a CSV a team keeps (:func:`read_codings`), from
rule-based coding (:func:`research_kit.autocode.autocode`), or from a QDA project.

Codes: ``RK-G01`` a required column is missing; ``RK-G02`` a row's value is unusable
(offsets not numbers, start ≥ end, empty code); ``RK-G03`` an unknown document;
``RK-G04`` a segment beyond the end of its document; ``RK-G05`` an unknown code;
``RK-G06`` a folder (a non-codable code) used as a code; ``RK-G07`` a row that is not
valid CSV (a quote never closed, given at the line where it opened; a quote followed by
more text; more cells than the header names); ``RK-G08`` a cell over 16 MiB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schemas
from ._csv import CsvProblem, read_rows, unneutralise, write_csv
from ._io import read_text
from .corpus import Corpus
from .errors import CodingError, ParameterError, ResearchKitError, check_option, did_you_mean
from .segments import snap, units

__all__ = ["read_codings", "write_codings", "merge_codings", "check_codings", "coded_segments", "code_matrix",
           "cooccurrence", "code_trends", "snap_codings"]


class _Problems:
    def __init__(self, path: str | None) -> None:
        self.path, self.items = path, []

    def add(self, code: str, message: str, line: int | None, hint: str | None = None) -> None:
        self.items.append(ResearchKitError(code, message, path=self.path, line=line, hint=hint))

    def raise_if_any(self, what: str) -> None:
        if not self.items:
            return
        shown = self.items[:20]
        more = f"\n  … and {len(self.items) - 20} more" if len(self.items) > 20 else ""
        first = self.items[0]
        raise CodingError(
            first.code,
            f"{len(self.items)} problem(s) in {what}:\n" + "\n".join(f"  - {p}" for p in shown) + more,
            hint="Fix the rows named above; nothing was changed.",
        )


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col, default in (("memo", pd.NA), ("coded_at", pd.NaT)):
        if col not in out:
            out[col] = default
    out["coded_at"] = pd.to_datetime(out["coded_at"], utc=True, errors="coerce").astype("datetime64[ns, UTC]")
    for col in ("doc_id", "code", "coder", "memo"):
        out[col] = out[col].astype("string")
    out["start_char"] = out["start_char"].astype("int64")
    out["end_char"] = out["end_char"].astype("int64")
    extra = [c for c in out.columns if c not in schemas.CODINGS.names]
    return out[schemas.CODINGS.names + extra].reset_index(drop=True)


def read_codings(path: str | Path, *, corpus: Corpus | None = None, codebook: Any = None,
                 coder: str | None = None) -> pd.DataFrame:
    """Read a codings CSV into a codings frame, checking every row.

    Columns: ``doc_id, start_char, end_char, code, coder`` and optionally ``memo``,
    ``coded_at``. A row may give ``turn`` instead of the two offsets to code a whole
    turn (needs ``corpus``). Delimiters ``,`` ``;`` and tab are recognised, and a row
    written with another of them than the header's is read with it.

    A row that cannot be read as CSV is a problem naming its line, never dropped: an
    unclosed quote is named at the line where it opened and the lines after it are
    read as rows of their own (see :mod:`research_kit._csv`); a cell may hold up to
    16 MiB. A cell written by :func:`write_codings` with a ``'`` before a formula
    character (``'=x``) reads as it was (``=x``): one leading ``'`` is removed when
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return follows it.

    Parameters
    ----------
    path
        The CSV file.
    corpus
        When given, documents must exist and segments must lie inside them.
    codebook
        When given (a :class:`~research_kit.codebook.Codebook`), codes must be in it.
    coder
        The coder for a file without a ``coder`` column (one file per coder).

    Raises
    ------
    CodingError
        Listing every problem row by its line number in the file; nothing is returned.
    """
    shown = str(path)
    text, _ = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    problems = _Problems(shown)
    reader = read_rows(text, delimiter=delimiter)
    header: list[str] | None = None
    rows = []
    for item in reader:
        if isinstance(item, CsvProblem):
            problems.add(_CSV_CODES[item.kind], item.message, item.line, item.hint)
            if header is None:  # no header to read the rest with
                problems.raise_if_any(shown)
            continue
        cells = [unneutralise(c).strip() for c in item.cells]
        if header is None:
            header = cells
            reader.header = header
            reader.single_line = {i for i, h in enumerate(header) if h in _SINGLE_LINE}
            _check_header(header, shown, coder)
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            problems.add("RK-G07", f"the row has {len(cells)} cells but the header names {len(header)} columns: "
                         f'the cells after "{header[-1]}" would be lost.', item.line,
                         hint=f'A cell holding the delimiter "{item.delimiter}" must be in quotes ("a, b"); '
                              "or remove the extra cells.")
            continue
        row: dict[str, Any] = {k: v for k, v in zip(header, cells) if k}
        row.update({k: None for k in header[len(cells):] if k})
        row["_line"] = item.line
        if coder and not row.get("coder"):
            row["coder"] = coder
        rows.append(row)
    if header is None:
        header = []
        _check_header(header, shown, coder)
    has_offsets = "start_char" in header and "end_char" in header
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys(header + ["_line", "coder"])))
    if "turn" in frame and (not has_offsets or frame.get("start_char", pd.Series(dtype=str)).fillna("").eq("").any()):
        frame = _turns_to_offsets(frame, corpus, problems)
    for col in ("start_char", "end_char"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    values = frame[["start_char", "end_char"]].to_numpy(dtype="float64")
    whole = np.isfinite(values) & (values >= 0) & (values == np.floor(np.where(np.isfinite(values), values, 0)))
    bad = ~whole.all(axis=1)
    for line in frame.loc[bad, "_line"]:
        problems.add("RK-G02", "start_char and end_char must be whole numbers, 0 or more.", line,
                     hint="Character offsets count from 0; a spreadsheet may have written 1 234 or 241,0.")
    frame = frame[~bad]
    inverted = frame["start_char"] >= frame["end_char"]
    for line, s, e in frame.loc[inverted, ["_line", "start_char", "end_char"]].itertuples(index=False):
        problems.add("RK-G02", f"start_char {int(s)} is not before end_char {int(e)}.", line)
    for line in frame.loc[frame["code"].fillna("").eq(""), "_line"]:
        problems.add("RK-G02", "the code is empty.", line)
    for line in frame.loc[frame["coder"].fillna("").eq(""), "_line"]:
        problems.add("RK-G02", "the coder is empty.", line, hint="Fill it in, or pass coder=… for the whole file.")
    frame = frame[~inverted]
    for col in ("memo", "coded_at"):
        if col in frame:
            frame[col] = frame[col].replace("", pd.NA)
    if "coded_at" in frame:
        frame["coded_at"] = _parse_times(frame["coded_at"], frame["_line"], problems)
    lines = frame["_line"].to_numpy()
    _check(frame.drop(columns="_line"), corpus, codebook, problems, lines=lines)
    problems.raise_if_any(shown)
    return _finish(frame.drop(columns=[c for c in ("_line", "turn") if c in frame]))


_SINGLE_LINE = {"doc_id", "start_char", "end_char", "turn", "code", "coder", "coded_at"}
_CSV_CODES = {"quote": "RK-G07", "stray_quote": "RK-G07", "malformed": "RK-G07", "too_large": "RK-G08"}


def _check_header(header: list[str], shown: str, coder: str | None) -> None:
    needed = ["doc_id", "code"] + ([] if coder else ["coder"])
    missing = [c for c in needed if c not in header]
    if not ("start_char" in header and "end_char" in header) and "turn" not in header:
        missing.append("start_char and end_char (or turn)")
    if missing:
        hint = "Add the column(s), or pass coder=… when the file holds one coder's codings." if "coder" in missing \
            else "The columns are doc_id, start_char, end_char, code, coder, memo, coded_at."
        raise CodingError("RK-G01", f"{shown}: the column(s) {', '.join(missing)} are missing "
                          f"(found {', '.join(header) or 'none'}).{did_you_mean(missing[0], header)}", hint=hint)


def _parse_times(values: pd.Series, lines: pd.Series, problems: _Problems) -> pd.Series:
    """ISO 8601 times, or day-first dates as French spreadsheets write them (01/03/2025 10:00)."""
    iso = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    rest = iso.isna() & values.notna()
    if rest.any():
        iso[rest] = pd.to_datetime(values[rest], utc=True, errors="coerce", dayfirst=True, format="mixed")
    for line, raw in zip(lines[iso.isna() & values.notna()], values[iso.isna() & values.notna()]):
        problems.add("RK-G02", f'coded_at "{raw}" is not a date and time.', line,
                     hint="Write it as 2025-03-01T10:00:00Z (or 01/03/2025 10:00), or leave it empty.")
    return iso


def _turns_to_offsets(frame: pd.DataFrame, corpus: Corpus | None, problems: _Problems) -> pd.DataFrame:
    if corpus is None:
        raise ParameterError("RK-P42", "codings given by turn need corpus= to find the turns' offsets.")
    spans = corpus.turns.set_index(["doc_id", "turn"])[["start_char", "end_char"]]
    starts, ends = [], []
    for doc_id, turn, s, e, line in zip(frame["doc_id"], frame["turn"], frame.get("start_char", [""] * len(frame)),
                                        frame.get("end_char", [""] * len(frame)), frame["_line"]):
        if s not in ("", None) and not pd.isna(s):
            starts.append(s), ends.append(e)
            continue
        try:
            span = spans.loc[(doc_id, int(turn))]
            starts.append(span["start_char"]), ends.append(span["end_char"])
        except (KeyError, ValueError, TypeError):
            problems.add("RK-G03", f'no turn "{turn}" in document "{doc_id}".', line)
            starts.append(None), ends.append(None)
    return frame.assign(start_char=starts, end_char=ends)


def _check(frame: pd.DataFrame, corpus: Corpus | None, codebook: Any, problems: _Problems, *,
           lines: np.ndarray | None = None) -> None:
    where = (lambda i: int(lines[i])) if lines is not None else (lambda i: None)
    label = (lambda i: "") if lines is not None else (lambda i: f"row {i}: ")
    if corpus is not None:
        lengths = corpus.documents.set_index("doc_id")["n_chars"]
        known = set(lengths.index)
        for i, (doc_id, end) in enumerate(zip(frame["doc_id"], frame["end_char"])):
            if doc_id not in known:
                problems.add("RK-G03", f'{label(i)}no document "{doc_id}" in the corpus.{did_you_mean(doc_id, known)}',
                             where(i), hint="Check the doc_id against corpus.documents.")
            elif end > lengths[doc_id]:
                problems.add("RK-G04", f'{label(i)}end_char {int(end)} is beyond the end of "{doc_id}" '
                             f"({int(lengths[doc_id])} characters).", where(i),
                             hint="Were the offsets computed on another version of the transcript?")
    if codebook is not None:
        known_codes = set(codebook.codes["code"])
        folders = set(codebook.codes.loc[~codebook.codes["codable"].astype(bool), "code"])
        for i, code in enumerate(frame["code"]):
            if code and code not in known_codes:
                problems.add("RK-G05", f'{label(i)}unknown code "{code}".{did_you_mean(code, known_codes)}', where(i),
                             hint="Add it to the codebook or fix the code.")
            elif code in folders:
                problems.add("RK-G06", f'{label(i)}"{code}" is a folder of the codebook (codable: false), not a code.',
                             where(i), hint="Use one of its codes, or make it codable in the codebook.")


def check_codings(codings: pd.DataFrame, *, corpus: Corpus | None = None, codebook: Any = None) -> pd.DataFrame:
    """Validate a codings frame (columns, documents, offsets, codes); return it unchanged.

    Raises
    ------
    CodingError
        Listing every problem row by its index in the frame.
    """
    schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
    problems = _Problems(None)
    bad = codings["start_char"] >= codings["end_char"]
    for i in np.flatnonzero(bad.to_numpy()):
        problems.add("RK-G02", f"row {i}: start_char is not before end_char.", None)
    _check(codings.reset_index(drop=True), corpus, codebook, problems)
    problems.raise_if_any("the codings")
    return codings


def write_codings(codings: pd.DataFrame, path: str | Path) -> Path:
    """Write a codings frame to CSV atomically (UTF-8, ISO 8601 times); return the path.

    A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) is written with a ``'`` before it
    (:func:`research_kit._csv.neutralise`); :func:`read_codings` gives it back as it was.
    """
    schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
    frame = codings.copy()
    frame["coded_at"] = frame["coded_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return write_csv(frame, path)


def merge_codings(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stack the codings of several coders (or files); exact duplicates are kept once."""
    if not frames:
        return schemas.empty_frame(schemas.CODINGS)
    for i, f in enumerate(frames):
        schemas.validate_frame(f, schemas.CODINGS, argument=f"frames[{i}]")
    merged = pd.concat([_finish(f) for f in frames], ignore_index=True)
    merged = merged.drop_duplicates(subset=["doc_id", "start_char", "end_char", "code", "coder"])
    return merged.sort_values(["doc_id", "start_char", "end_char", "code", "coder"]).reset_index(drop=True)


def snap_codings(codings: pd.DataFrame, corpus: Corpus, *, unit: Literal["turn", "sentence"] = "turn",
                 tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """Widen each segment to the unit(s) it falls in (a turn or a sentence).

    Returns a codings frame whose offsets are the units' (a segment spanning two turns
    gives two rows), with ``unit`` and ``turn`` columns added; duplicates removed.
    """
    check_option("unit", unit, ("turn", "sentence"), function="snap_codings")
    snapped = snap(codings, units(corpus, unit=unit, tokens=tokens))
    snapped = snapped.drop(columns=["segment_start", "segment_end"])
    snapped = snapped.drop_duplicates(subset=["doc_id", "start_char", "end_char", "code", "coder"])
    return _finish(snapped)


# ---------------------------------------------------------------------------
# retrieval


def _filter_docs(corpus: Corpus, where: Mapping[str, Any] | None) -> tuple[pd.Series, dict]:
    """Boolean mask over turns for ``where`` filters on turn columns or document variables."""
    turns, docs = corpus.turns, corpus.documents
    mask = pd.Series(True, index=turns.index)
    for column, wanted in (where or {}).items():
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        if column in turns.columns:
            mask &= turns[column].isin(values)
        elif column in docs.columns:
            ok = set(docs.loc[docs[column].isin(values), "doc_id"])
            mask &= turns["doc_id"].isin(ok)
        else:
            options = list(turns.columns) + list(docs.columns)
            raise ParameterError("RK-P43", f'where= filters on "{column}", which is neither a turn column nor a '
                                 f"document variable.{did_you_mean(column, options)}")
    return mask, {}


def coded_segments(codings: pd.DataFrame, corpus: Corpus, *, code: str | Iterable[str] | None = None,
                   codebook: Any = None, children: bool = True, where: Mapping[str, Any] | None = None,
                   context: int = 200, coder: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The coded passages, ready to quote: text, speaker, role and surrounding context.

    Parameters
    ----------
    codings
        A codings frame.
    corpus
        The corpus the offsets refer to.
    code
        A code or codes to keep; with ``codebook`` and ``children=True`` their
        descendants are included.
    where
        Filters on turn columns (``speaker``, ``role``) or document variables
        (``site``, ``session_type``…), e.g. ``{"role": ["habitant·e"], "site": "Bruxelles"}``;
        a segment is kept when the turn where it starts passes.
    context
        Characters of context on each side, cut at word boundaries, within the turn.
    coder
        Keep only these coders' segments.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, title, date, code, coder, start_char, end_char, turn, speaker, role,
        text, before, after, memo``, sorted by date, document and position.
    """
    check = codings
    if code is not None:
        wanted = [code] if isinstance(code, str) else list(code)
        if codebook is not None and children:
            wanted = sorted({d for c in wanted for d in codebook.descendants(c)})
        check = check[check["code"].isin(wanted)]
    if coder is not None:
        check = check[check["coder"].isin([coder] if isinstance(coder, str) else list(coder))]
    turns = corpus.turns
    mask, _ = _filter_docs(corpus, where)
    allowed = turns[mask]
    located = snap(check[["doc_id", "start_char", "end_char", "code", "coder", "memo"]].reset_index(drop=True),
                   units(corpus, unit="turn"))
    located = located.drop_duplicates(subset=["doc_id", "segment_start", "segment_end", "code", "coder"])
    located = located.merge(allowed[["doc_id", "turn", "speaker", "role"]], on=["doc_id", "turn"], how="inner")
    rows = []
    for r in located.itertuples(index=False):
        text = corpus.text(r.doc_id)
        s, e = int(r.segment_start), int(r.segment_end)
        turn_text = text[:int(r.end_char)]  # context stays inside the turn: no other speaker's words
        rows.append((r.doc_id, r.code, r.coder, s, e, int(r.turn), r.speaker, r.role, text[s:e],
                     _before(turn_text[int(r.start_char):], s - int(r.start_char), context),
                     _after(turn_text, e, context), r.memo))
    out = pd.DataFrame(rows, columns=["doc_id", "code", "coder", "start_char", "end_char", "turn", "speaker", "role",
                                      "text", "before", "after", "memo"])
    docs = corpus.documents[["doc_id", "title", "date"]]
    out = out.merge(docs, on="doc_id", how="left")
    out = out[["doc_id", "title", "date", "code", "coder", "start_char", "end_char", "turn", "speaker", "role",
               "text", "before", "after", "memo"]]
    return out.sort_values(["date", "doc_id", "start_char", "code"], na_position="last").reset_index(drop=True)


def _before(text: str, start: int, n: int) -> str:
    if n <= 0:
        return ""
    chunk = text[max(0, start - n):start]
    if start - n > 0 and " " in chunk:
        chunk = chunk[chunk.index(" ") + 1:]
    return chunk


def _after(text: str, end: int, n: int) -> str:
    if n <= 0:
        return ""
    chunk = text[end:end + n]
    if end + n < len(text) and " " in chunk:
        chunk = chunk[:chunk.rindex(" ")]
    return chunk


# ---------------------------------------------------------------------------
# matrices


def _with_context(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Codings with the speaker/role of the turn where each starts, and document columns."""
    turn_of = snap(codings.reset_index(drop=True)[["doc_id", "start_char", "end_char", "code", "coder"]]
                   .assign(_row=lambda f: np.arange(len(f))), units(corpus, unit="turn"))
    first = turn_of.drop_duplicates("_row").set_index("_row")
    out = codings.reset_index(drop=True).copy()
    out["turn"] = first["turn"].reindex(np.arange(len(out))).to_numpy()
    out = out.merge(corpus.turns[["doc_id", "turn", "speaker", "role"]], on=["doc_id", "turn"], how="left")
    docs = corpus.documents.drop(columns=[c for c in ("title", "path", "format") if c in corpus.documents])
    return out.merge(docs, on="doc_id", how="left", suffixes=("", "_doc"))


def code_matrix(codings: pd.DataFrame, corpus: Corpus, *, by: str = "doc_id",
                count: Literal["segments", "documents", "words"] = "segments", codebook: Any = None,
                roll_up: bool = False) -> pd.DataFrame:
    """Code frequencies by any document variable, speaker or role.

    Parameters
    ----------
    by
        ``doc_id``, ``speaker``, ``role``, ``date`` or any document variable.
    count
        ``segments``: coded segments; ``documents``: documents with the code;
        ``words``: words inside coded segments.
    roll_up
        With ``codebook``, count each segment for its code's ancestors too, so a
        parent shows its whole branch.

    Returns
    -------
    pandas.DataFrame
        Long form: ``code, <by>, <count>``, one row per (code, group) with a non-zero count;
        ``frame.pivot(index="code", columns=by, values=count)`` gives the matrix.
    """
    check_option("count", count, ("segments", "documents", "words"), function="code_matrix")
    data = _with_context(codings, corpus)
    if by not in data.columns:
        raise ParameterError("RK-P43", f'by="{by}" is neither a turn column nor a document variable.'
                             f"{did_you_mean(by, data.columns)}")
    if roll_up:
        if codebook is None:
            raise ParameterError("RK-P44", "roll_up=True needs codebook= to know the codes' parents.")
        parent = dict(zip(codebook.codes["code"], codebook.codes["parent"]))
        rows = [data]
        level = data
        while True:
            level = level.assign(code=level["code"].map(parent))
            level = level[level["code"].notna()]
            if level.empty:
                break
            rows.append(level)
        data = pd.concat(rows, ignore_index=True).drop_duplicates(
            subset=["doc_id", "start_char", "end_char", "code", "coder"])
    if count == "segments":
        out = data.groupby(["code", by], dropna=False).size().rename("segments")
    elif count == "documents":
        out = data.groupby(["code", by], dropna=False)["doc_id"].nunique().rename("documents")
    else:
        from .corpus import count_words

        data = data.assign(words=[count_words(corpus.text(d)[s:e]) for d, s, e in
                                  zip(data["doc_id"], data["start_char"], data["end_char"])])
        out = data.groupby(["code", by], dropna=False)["words"].sum()
    return out.reset_index().sort_values(["code", by]).reset_index(drop=True)


def cooccurrence(codings: pd.DataFrame, corpus: Corpus | None = None, *,
                 within: Literal["overlap", "turn", "window"] = "overlap", window: int = 500) -> pd.DataFrame:
    """How often two codes are applied together.

    Parameters
    ----------
    within
        ``overlap``: two segments share at least one character; ``turn``: both codes in
        the same turn (needs ``corpus``), counted once per turn; ``window``: segments
        starting at most ``window`` characters apart in the same document.

    Returns
    -------
    pandas.DataFrame
        ``code_a, code_b, count`` with ``code_a < code_b``, sorted by count; a pair is
        counted once per pair of segments (overlap, window) or per turn (turn).
    """
    check_option("within", within, ("overlap", "turn", "window"), function="cooccurrence")
    c = codings.reset_index(drop=True)
    if within == "turn":
        if corpus is None:
            raise ParameterError("RK-P42", "cooccurrence(within='turn') needs corpus=.")
        located = snap(c[["doc_id", "start_char", "end_char", "code"]], units(corpus, unit="turn"))
        per_turn = located[["doc_id", "turn", "code"]].drop_duplicates()
        pairs = per_turn.merge(per_turn, on=["doc_id", "turn"])
    else:
        pairs = c[["doc_id", "start_char", "end_char", "code"]].reset_index().merge(
            c[["doc_id", "start_char", "end_char", "code"]].reset_index(), on="doc_id")
        pairs = pairs[pairs["index_x"] < pairs["index_y"]]
        if within == "overlap":
            keep = (pairs["start_char_x"] < pairs["end_char_y"]) & (pairs["start_char_y"] < pairs["end_char_x"])
        else:
            keep = (pairs["start_char_x"] - pairs["start_char_y"]).abs() <= window
        pairs = pairs[keep]
    pairs = pairs[pairs["code_x"] != pairs["code_y"]]
    a = np.where(pairs["code_x"] < pairs["code_y"], pairs["code_x"], pairs["code_y"])
    b = np.where(pairs["code_x"] < pairs["code_y"], pairs["code_y"], pairs["code_x"])
    frame = pd.DataFrame({"code_a": a, "code_b": b})
    if within == "turn":
        frame[["doc_id", "turn"]] = pairs[["doc_id", "turn"]].to_numpy()
        frame = frame.drop_duplicates()
    out = frame.groupby(["code_a", "code_b"]).size().rename("count").reset_index()
    return out.sort_values(["count", "code_a", "code_b"], ascending=[False, True, True]).reset_index(drop=True)


def code_trends(codings: pd.DataFrame, corpus: Corpus, *, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Codes across dated sessions: segments per document and per 1,000 words.

    Returns
    -------
    pandas.DataFrame
        ``date, doc_id, title, code, segments, per_1000_words``, one row per (document,
        code) including zeros, for documents with a date, in date order.
    """
    docs = corpus.documents.dropna(subset=["date"])[["doc_id", "title", "date", "n_words"]]
    wanted = sorted(set(codings["code"])) if codes is None else list(codes)
    counts = codings[codings["code"].isin(wanted)].groupby(["doc_id", "code"]).size().rename("segments")
    grid = pd.MultiIndex.from_product([docs["doc_id"], wanted], names=["doc_id", "code"])
    counts = counts.reindex(grid, fill_value=0).reset_index()
    out = counts.merge(docs, on="doc_id")
    out["per_1000_words"] = np.where(out["n_words"] > 0, 1000 * out["segments"] / out["n_words"].clip(lower=1), np.nan)
    out = out[["date", "doc_id", "title", "code", "segments", "per_1000_words"]]
    return out.sort_values(["date", "doc_id", "code"]).reset_index(drop=True)
