"""What the panels show, as plain functions over the corpus frames: for scripts and for the widgets.

- :func:`transcript`: a document turn by turn (speaker, role, offsets, text);
- :func:`snap_span`: a selection widened to whole words and trimmed of white space;
- :func:`turn_context`: a turn with the turns around it, a span of it marked;
- :func:`filter_options`: the values a filter can take (speakers, roles, documents, dates,
  variables);
- :func:`filter_rows`: rows of any frame with ``doc_id`` (and ``turn``) kept by speaker,
  role, document, date range and any document or speaker variable;
- :func:`turn_mask`: the same filters as a mask over the turns; :class:`TokenSelector` and
  :func:`select_tokens` turn it into a mask over the tokens, for frequencies and keyness
  of the filtered part of the corpus;
- :func:`concordance`: a query's hits, filtered and sorted, as the explorer lists them;
- :func:`write_view`: the table a panel shows, written to CSV atomically.

Codes: ``RK-P43`` a filter on a column that is neither a turn column nor a document
variable; ``RK-P80`` a date bound that is not a date, or a range that ends before it starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._csv import write_csv
from ..corpus import Corpus
from ..errors import ParameterError, did_you_mean

__all__ = ["transcript", "snap_span", "turn_context", "filter_options", "filter_rows", "turn_mask", "write_view",
           "concordance", "TokenSelector", "select_tokens", "Filters"]

#: ``{column: value or list of values}``: turn columns (speaker, role, a speaker variable) or
#: document columns (doc_id, a document variable); ``date_from``/``date_to`` bound the date.
Filters = Mapping[str, Any]


def transcript(corpus: Corpus, doc_id: str) -> pd.DataFrame:
    """A document turn by turn, as the coding panel shows it.

    Returns
    -------
    pandas.DataFrame
        ``turn, speaker, role, start_s, start_char, end_char, text``, in turn order;
        ``corpus.text(doc_id)[start_char:end_char] == text``.

    Raises
    ------
    UnknownNameError
        ``RK-C10`` when the corpus has no such document.
    """
    turns = corpus.document_turns(doc_id)  # RK-C10 for an unknown document
    return turns[["turn", "speaker", "role", "start_s", "start_char", "end_char", "text"]].reset_index(drop=True)


def snap_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` widened to whole words and trimmed of white space; ``None`` when nothing is left.

    A selection made with the mouse often starts or stops inside a word, or takes the
    space after it; the coded segment is the words the selection touches.

    Examples
    --------
    >>> snap_span("Bon, il faudrait qu'on se reparle.", 6, 12)
    (5, 16)
    >>> snap_span("a  b", 1, 3) is None
    True
    """
    start, end = max(0, int(start)), min(len(text), int(end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    while start > 0 and _wordy(text[start - 1]) and _wordy(text[start]):
        start -= 1
    while end < len(text) and _wordy(text[end - 1]) and _wordy(text[end]):
        end += 1
    return start, end


def _wordy(char: str) -> bool:
    return char.isalnum() or char in "-‑_"


def turn_context(corpus: Corpus, doc_id: str, turn: int, *, before: int = 1, after: int = 1) -> pd.DataFrame:
    """A turn and the turns around it, to read a hit or a segment in context.

    Returns
    -------
    pandas.DataFrame
        ``turn, speaker, role, start_char, end_char, text, is_target`` for the turns
        ``turn - before`` to ``turn + after`` of the document.

    Raises
    ------
    ParameterError
        ``RK-P81`` when the document has no such turn.
    """
    rows = transcript(corpus, doc_id)
    if int(turn) not in set(rows["turn"]):
        raise ParameterError("RK-P81", f'document "{doc_id}" has no turn {turn} (its turns: 0 to {len(rows) - 1}).')
    keep = rows[(rows["turn"] >= int(turn) - before) & (rows["turn"] <= int(turn) + after)].copy()
    keep["is_target"] = keep["turn"] == int(turn)
    return keep.drop(columns="start_s").reset_index(drop=True)


def filter_options(corpus: Corpus, *, max_values: int = 200) -> dict[str, Any]:
    """The values each filter can take, for a panel's menus.

    Returns
    -------
    dict
        ``documents``: ``[{doc_id, title, date}]`` in date order; ``speakers``,
        ``roles``: sorted labels; ``dates``: ``[first, last]`` as ``YYYY-MM-DD`` (or
        ``None``); ``variables``: ``{name: sorted values}`` for every document variable
        and speaker attribute with at most ``max_values`` values.
    """
    docs = corpus.documents.sort_values(["date", "doc_id"], na_position="last")
    documents = [{"doc_id": str(d), "title": str(t) if pd.notna(t) else str(d),
                  "date": None if pd.isna(when) else pd.Timestamp(when).strftime("%Y-%m-%d")}
                 for d, t, when in zip(docs["doc_id"], docs["title"], docs["date"])]
    dates = docs["date"].dropna()
    variables = {}
    for name in [*corpus.variables, *corpus.speaker_variables]:
        source = corpus.documents if name in corpus.variables else corpus.turns
        values = sorted({str(v) for v in source[name].dropna()})
        if 0 < len(values) <= max_values:
            variables[name] = values
    return {
        "documents": documents,
        "speakers": sorted({str(s) for s in corpus.turns["speaker"].dropna()}),
        "roles": sorted({str(r) for r in corpus.turns["role"].dropna()}),
        "dates": [dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")] if len(dates) else None,
        "variables": variables,
    }


def _date(value: Any, name: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError):
        when = pd.NaT
    if pd.isna(when):
        raise ParameterError("RK-P80", f"{name}={value!r} is not a date.", hint="Write it as YYYY-MM-DD.")
    return when.tz_localize(None) if when.tzinfo else when


def _wanted(value: Any) -> list[str]:
    values = list(value) if isinstance(value, (list, tuple, set)) else [value]
    return [str(v) for v in values]


def turn_mask(corpus: Corpus, filters: Filters | None = None) -> np.ndarray:
    """Which turns of ``corpus.turns`` (in its row order) pass ``filters``.

    ``filters`` maps turn columns (``speaker``, ``role``, a speaker attribute) or
    document columns (``doc_id``, a document variable) to a value or a list of values;
    ``date_from`` and ``date_to`` (``YYYY-MM-DD``, inclusive) bound the documents' dates
    (a document without a date passes no date bound). An empty value or list, or
    ``None``, filters nothing.

    Raises
    ------
    ParameterError
        ``RK-P43`` for an unknown column; ``RK-P80`` for a bad date or a range that ends
        before it starts.

    Examples
    --------
    >>> turn_mask(corpus, {"role": "habitant·e", "date_from": "2025-03-01"})   # doctest: +SKIP
    """
    turns, docs = corpus.turns, corpus.documents
    mask = np.ones(len(turns), dtype=bool)
    filters = dict(filters or {})
    low, high = _date(filters.pop("date_from", None), "date_from"), _date(filters.pop("date_to", None), "date_to")
    if low is not None and high is not None and high < low:
        raise ParameterError("RK-P80", f"date_to={high:%Y-%m-%d} is before date_from={low:%Y-%m-%d}.",
                             hint="Swap the two dates.")
    doc_ok = None
    if low is not None or high is not None:
        dates = pd.to_datetime(docs["date"])
        ok = dates.notna()
        if low is not None:
            ok &= dates >= low
        if high is not None:
            ok &= dates <= high
        doc_ok = set(docs.loc[ok, "doc_id"].astype(object))
    for column, value in filters.items():
        if value is None or (isinstance(value, (list, tuple, set)) and not value) or value == "":
            continue
        wanted = _wanted(value)
        if column in turns.columns and column not in ("text",):
            mask &= turns[column].astype("string").isin(wanted).to_numpy(dtype=bool, na_value=False)
        elif column in docs.columns:
            ok = set(docs.loc[docs[column].astype("string").isin(wanted).fillna(False), "doc_id"].astype(object))
            doc_ok = ok if doc_ok is None else doc_ok & ok
        else:
            options = [c for c in [*turns.columns, *docs.columns] if c != "text"]
            raise ParameterError("RK-P43", f'the filter "{column}" is neither a turn column nor a document variable.'
                                 f"{did_you_mean(column, options)}", hint=f"Filter on one of: {', '.join(options)}.")
    if doc_ok is not None:
        mask &= turns["doc_id"].astype(object).isin(doc_ok).to_numpy()
    return mask


def filter_rows(frame: pd.DataFrame, corpus: Corpus, filters: Filters | None = None) -> pd.DataFrame:
    """The rows of ``frame`` whose turn (``doc_id`` and ``turn``), or document, passes ``filters``.

    ``frame`` is any table with ``doc_id`` (a concordance, coded segments, a
    disagreement table); with a ``turn`` column every filter applies, without one only
    document filters do. See :func:`turn_mask` for ``filters``.

    Returns
    -------
    pandas.DataFrame
        The rows kept, in their order, index reset.

    Examples
    --------
    >>> filter_rows(kwic(tokens, "il faut", corpus=corpus), corpus, {"role": "habitant·e"})   # doctest: +SKIP
    """
    if frame.empty or not filters or not any(_active(v) for v in filters.values()):
        return frame.reset_index(drop=True)
    mask = turn_mask(corpus, filters)
    turns = corpus.turns
    if "turn" in frame.columns:
        ok = pd.MultiIndex.from_arrays([turns["doc_id"].astype(object).to_numpy()[mask],
                                        turns["turn"].to_numpy(dtype="int64")[mask]])
        keys = pd.MultiIndex.from_arrays([frame["doc_id"].astype(object).to_numpy(),
                                          frame["turn"].to_numpy(dtype="int64")])
        keep = keys.isin(ok)
    else:
        turn_only = [c for c in filters if c in turns.columns and c not in corpus.documents.columns and _active(filters[c])]
        if turn_only:
            raise ParameterError("RK-P43", f'the filter "{turn_only[0]}" needs a turn column in the table.',
                                 hint="Filter on document variables, or on a table with doc_id and turn.")
        keep = frame["doc_id"].astype(object).isin(set(turns["doc_id"].astype(object).to_numpy()[mask])).to_numpy()
    return frame[keep].reset_index(drop=True)


def _active(value: Any) -> bool:
    return not (value is None or value == "" or (isinstance(value, (list, tuple, set)) and not value))


def write_view(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the table a panel shows to CSV, atomically, cells that a spreadsheet would run neutralised."""
    return write_csv(frame, Path(path))


class TokenSelector:
    """Tokens matched once to their turns, so that filters select tokens fast.

    Parameters
    ----------
    tokens
        A tokens frame annotated from ``corpus``.
    corpus
        The corpus.

    Examples
    --------
    >>> selector = TokenSelector(tokens, corpus)                      # doctest: +SKIP
    >>> frequencies(tokens[selector.mask({"role": "habitant·e"})])    # doctest: +SKIP
    """

    def __init__(self, tokens: pd.DataFrame, corpus: Corpus) -> None:
        self.tokens, self.corpus = tokens, corpus
        turns = corpus.turns
        keys = pd.MultiIndex.from_arrays([turns["doc_id"].astype(object).to_numpy(),
                                          turns["turn"].to_numpy(dtype="int64")])
        wanted = pd.MultiIndex.from_arrays([tokens["doc_id"].astype(object).to_numpy(),
                                            tokens["turn"].to_numpy(dtype="int64")])
        self._turn_of = keys.get_indexer(wanted)  # -1: a turn the corpus lacks

    def mask(self, filters: Filters | None = None) -> np.ndarray:
        """Which tokens (in the tokens' row order) lie in turns that pass ``filters`` (see :func:`turn_mask`)."""
        if not filters or not any(_active(v) for v in filters.values()):
            return self._turn_of >= 0
        ok = turn_mask(self.corpus, filters)
        return np.where(self._turn_of >= 0, ok[np.maximum(self._turn_of, 0)], False)


def select_tokens(tokens: pd.DataFrame, corpus: Corpus, filters: Filters | None = None) -> pd.DataFrame:
    """The tokens of the turns that pass ``filters`` (see :func:`turn_mask`)."""
    return tokens[TokenSelector(tokens, corpus).mask(filters)]


def concordance(concordancer: Any, query: str, *, filters: Filters | None = None,
                sort: str = "position", **options: Any) -> pd.DataFrame:
    """A query's hits as the explorer lists them: filtered, then sorted.

    Parameters
    ----------
    concordancer
        A :class:`~research_kit.kwic.Concordancer` of the corpus.
    query
        Form, phrase, lemma (``of="lemma"``) or regular expression (``regex=True``).
    filters
        See :func:`turn_mask`.
    sort
        ``position``, ``left``, ``right`` or ``match`` (:func:`~research_kit.kwic.sort_kwic`).
    **options
        What :meth:`~research_kit.kwic.Concordancer.kwic` takes (``of``, ``window``,
        ``case_sensitive``, ``regex``).

    Returns
    -------
    pandas.DataFrame
        :func:`~research_kit.kwic.kwic`'s columns.

    Examples
    --------
    >>> concordance(Concordancer(tokens, corpus=corpus), "il faudrait",
    ...             filters={"site": "Bruxelles"}, sort="left")            # doctest: +SKIP
    """
    from ..kwic import sort_kwic

    hits = concordancer.kwic(query, **options)
    return sort_kwic(filter_rows(hits, concordancer.corpus, filters), by=sort)
