"""The corpus at a glance: what ``research-kit summary`` prints and ``make demo`` writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._csv import write_csv
from ._io import atomic_write_text
from .corpus import Corpus

__all__ = ["summary", "write_summary"]


def summary(corpus: Corpus) -> pd.DataFrame:
    """Totals of a corpus, one row per language plus a final ``all`` row.

    Returns
    -------
    pandas.DataFrame
        Columns ``language, documents, speakers, roles, turns, words, hours``; speakers
        are counted per document (the same label in two documents may be two people).

    Examples
    --------
    >>> summary(read_corpus("corpora/demo"))  # doctest: +SKIP
    """
    docs, turns = corpus.documents, corpus.turns
    lang = turns["doc_id"].map(dict(zip(docs["doc_id"], docs["language"].fillna("?"))))

    def totals(d: pd.DataFrame, t: pd.DataFrame, name: str) -> dict:
        return {
            "language": name,
            "documents": len(d),
            "speakers": int(t.groupby("doc_id")["speaker"].nunique().sum()) if len(t) else 0,
            "roles": int(t["role"].dropna().nunique()),
            "turns": len(t),
            "words": int(t["n_words"].sum()),
            "hours": round(float(d["duration_s"].sum()) / 3600, 2),
        }

    rows = [totals(docs[docs["language"].fillna("?") == k], turns[lang == k], k)
            for k in sorted(docs["language"].fillna("?").unique())]
    rows.append(totals(docs, turns, "all"))
    return pd.DataFrame(rows)


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
