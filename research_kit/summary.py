"""The corpus at a glance: what ``research-kit summary`` prints and ``make demo`` writes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._csv import write_csv
from ._io import atomic_write_text
from . import schemas
from .corpus import Corpus, speaker_key
from .i18n import duration

__all__ = ["summary", "write_summary", "people"]

_INITIAL = re.compile(r"[^\W\d_]\.?")  # "B." or "B" of "Karim B."
_NAME = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")  # "karim", "jean-françois", "o'neil"


def people(turns: pd.DataFrame) -> pd.Series:
    """Who each turn's speaker is: one key per person, however the transcripts wrote the name.

    Transcripts name one person several ways: "Karim Benali" in one file, "Karim" or
    "Karim B." in the next. A label is the person of another when it is the same name
    written otherwise (case, spacing, a final dot, a note in brackets: see
    :func:`research_kit.corpus.speaker_key`), or a first name alone, or a first name and
    an initial, that fits exactly one full name with the same role (or no role). Labels
    that end in a number (``Habitant·e 3``, ``SPEAKER_01``) are never linked to another.
    The unnamed speaker ``?`` has no key.

    Parameters
    ----------
    turns
        A turns frame (``speaker`` and ``role`` columns), e.g. ``corpus.turns``.

    Returns
    -------
    pandas.Series
        The person's key for each turn (the fullest label, in ``speaker_key`` form),
        aligned with ``turns``; NA for ``?``.

    Examples
    --------
    >>> turns = pd.DataFrame({"speaker": ["Karim Benali", "Karim", "Karim B.", "Marie", "?"],
    ...                       "role": ["médiateur", "médiateur", None, "animatrice", None]})
    >>> people(turns).tolist()
    ['karim benali', 'karim benali', 'karim benali', 'marie', <NA>]
    >>> int(people(turns).nunique())
    2
    """
    named = turns["speaker"] != schemas.UNKNOWN_SPEAKER
    frame = turns.loc[named, ["speaker", "role"]]
    keys = frame["speaker"].map(speaker_key)
    roles: dict[str, str | None] = {}
    for key, role in zip(keys, frame["role"]):
        if roles.get(key) is None:
            roles[key] = None if role is None or pd.isna(role) else str(role).casefold()
    words = {k: k.split() for k in roles}
    parent = {k: k for k in roles}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    def compatible(a: str, b: str) -> bool:
        return roles[a] is None or roles[b] is None or roles[a] == roles[b]

    full = [k for k, w in words.items() if len(w) >= 2 and _NAME.fullmatch(w[0]) and _NAME.fullmatch(w[-1])
            and len(w[-1]) > 1]
    for k, w in words.items():
        if len(w) == 1 and _NAME.fullmatch(w[0]):  # "karim"
            fits = [f for f in full if words[f][0] == w[0] and compatible(k, f)]
        elif len(w) == 2 and _NAME.fullmatch(w[0]) and _INITIAL.fullmatch(w[1]):  # "karim b."
            fits = [f for f in full if f != k and words[f][0] == w[0] and words[f][-1].startswith(w[1].rstrip("."))
                    and compatible(k, f)]
        else:
            continue
        if len(fits) == 1:
            parent[root(k)] = root(fits[0])
    out = pd.Series(pd.NA, index=turns.index, dtype="string")
    out[named] = [root(k) for k in keys]
    return out


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
        people over the rows' documents, see :func:`people`: "Karim" and "Karim Benali"
        are one person, and a person in two documents counts once; the unnamed ``?``
        left out), ``roles``, ``turns``, ``words``, ``events`` (non-speech events:
        laughter, noise, comments…), ``timed`` (documents with timestamps) and
        ``duration`` (the recorded time of the timed documents only, ``4 h 36 min``;
        empty when none is timed: compare ``timed`` with ``documents``).

    Examples
    --------
    >>> summary(read_corpus("corpora/demo"))  # doctest: +SKIP
    """
    from .errors import check_option

    check_option("by", by, ("language", "format"), function="summary")
    docs, turns, events = corpus.documents, corpus.turns, corpus.events
    key = docs[by].fillna("?")
    of_doc = dict(zip(docs["doc_id"], key))
    person = people(turns)

    def totals(d: pd.DataFrame, t: pd.DataFrame, e: pd.DataFrame, name: str) -> dict:
        timed = d["duration_s"].notna() & (d["duration_s"] > 0)
        seconds = float(d.loc[timed, "duration_s"].sum())
        return {
            by: name,
            "documents": len(d),
            "speakers": int(person[t.index].nunique()),
            "roles": int(t["role"].dropna().nunique()),
            "turns": len(t),
            "words": int(t["n_words"].sum()),
            "events": len(e),
            "timed": int(timed.sum()),
            "duration": duration(seconds) if timed.any() else "",
        }

    rows = [totals(docs[key == k], turns[turns["doc_id"].map(of_doc) == k], events[events["doc_id"].map(of_doc) == k],
                   k) for k in sorted(key.unique())]
    rows.append(totals(docs, turns, events, "all"))
    return pd.DataFrame(rows)


def write_summary(corpus: Corpus, out: str | Path) -> list[Path]:
    """Write ``summary.md`` and ``documents.csv`` for ``corpus`` into ``out``; return their paths.

    ``documents.csv`` opens in a spreadsheet: a title or variable that would run as a
    formula there (``=HYPERLINK(…)``) is written with a ``'`` before it.
    """
    out = Path(out)
    table = summary(corpus)
    docs = corpus.documents
    turns = corpus.turns.assign(person=people(corpus.turns)).dropna(subset=["role", "person"])
    roles = turns.groupby("role")["person"].nunique().sort_values(ascending=False, kind="stable")
    lines = [f"# {corpus.title}", "", "## Totals", "", _md_table(table), "", "## Roles (distinct people per role)", ""]
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
