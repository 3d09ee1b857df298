"""The corpus at a glance: what ``research-kit summary`` prints and ``make demo`` writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._csv import write_csv
from ._io import atomic_write_text
from . import schemas
from .corpus import Corpus, speaker_key

__all__ = ["summary", "write_summary"]


def summary(corpus: Corpus, *, by: str = "language") -> pd.DataFrame:
    """Totals of a corpus, one row per language (or format) plus a final ``all`` row.

    Parameters
    ----------
    by
        ``"language"`` or ``"format"`` (the reader of each document: txt, textgrid, trs…).

    Returns
    -------
    pandas.DataFrame
        Columns ``language`` (or ``format``), ``documents``, ``speakers`` (distinct
        labels over the rows' documents, the unnamed ``?`` left out: the same label in
        two documents is counted once), ``roles``, ``turns``, ``words``, ``events``
        (non-speech events: laughter, noise, comments…), ``timed`` (documents with
        timestamps) and ``duration`` (their recorded time as ``H h MM``, empty when none
        is timed).

    Examples
    --------
    >>> summary(read_corpus("corpora/demo"))  # doctest: +SKIP
    """
    from .errors import check_option

    check_option("by", by, ("language", "format"), function="summary")
    docs, turns, events = corpus.documents, corpus.turns, corpus.events
    key = docs[by].fillna("?")
    of_doc = dict(zip(docs["doc_id"], key))

    def totals(d: pd.DataFrame, t: pd.DataFrame, e: pd.DataFrame, name: str) -> dict:
        named = t.loc[t["speaker"] != schemas.UNKNOWN_SPEAKER, "speaker"]
        timed = d["duration_s"].notna() & (d["duration_s"] > 0)
        seconds = float(d.loc[timed, "duration_s"].sum())
        return {
            by: name,
            "documents": len(d),
            "speakers": int(named.map(speaker_key).nunique()),
            "roles": int(t["role"].dropna().nunique()),
            "turns": len(t),
            "words": int(t["n_words"].sum()),
            "events": len(e),
            "timed": int(timed.sum()),
            "duration": _duration(seconds) if timed.any() else "",
        }

    rows = [totals(docs[key == k], turns[turns["doc_id"].map(of_doc) == k], events[events["doc_id"].map(of_doc) == k],
                   k) for k in sorted(key.unique())]
    rows.append(totals(docs, turns, events, "all"))
    return pd.DataFrame(rows)


def _duration(seconds: float) -> str:
    """``3 h 07`` for 11,220 s; ``51 min`` under an hour."""
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def write_summary(corpus: Corpus, out: str | Path) -> list[Path]:
    """Write ``summary.md`` and ``documents.csv`` for ``corpus`` into ``out``; return their paths.

    ``documents.csv`` opens in a spreadsheet: a title or variable that would run as a
    formula there (``=HYPERLINK(…)``) is written with a ``'`` before it.
    """
    out = Path(out)
    table = summary(corpus)
    docs = corpus.documents
    roles = corpus.turns.dropna(subset=["role"]).groupby("role")["speaker"].nunique().sort_values(ascending=False)
    lines = [f"# {corpus.title}", "", "## Totals", "", _md_table(table), "", "## Roles (distinct speakers per role)", ""]
    lines += [f"- {role}: {n}" for role, n in roles.items()] or ["- (no roles in the manifest)"]
    lines += ["", "## Documents", "", _md_table(docs[["doc_id", "title", "date", "language", "format", "n_turns",
                                                      "n_speakers", "n_words"]].assign(
        date=docs["date"].dt.strftime("%Y-%m-%d")))]
    if len(corpus.problems):
        lines += ["", "## Problems", "", _md_table(corpus.problems)]
    paths = [atomic_write_text(out / "summary.md", "\n".join(lines) + "\n")]
    paths.append(write_csv(docs, out / "documents.csv", date_format="%Y-%m-%d"))
    return paths


def _md_table(frame: pd.DataFrame) -> str:
    """A GitHub Markdown table, without the optional `tabulate` dependency."""
    cols = [str(c) for c in frame.columns]
    body = [["" if pd.isna(v) else str(v).replace("|", "\\|").replace("\n", " ") for v in row]
            for row in frame.itertuples(index=False)]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(out)
