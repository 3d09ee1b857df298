"""Participation and equality of voice: who holds the floor, how much, after whom.

These are the figures an evaluation of a participatory process reports: each
speaker's (or role's) share of turns, words and speaking time; how unequal those
shares are within a session (Gini, evenness); how much of the floor the facilitators
hold; who speaks after whom; and the longest turns.

Every function takes a :class:`~research_kit.corpus.Corpus` (or its ``turns`` frame,
see :data:`research_kit.schemas.TURNS`) and returns a new tidy frame whose columns are
listed in its docstring. Plots of these frames live in
:mod:`research_kit.plots.participation`.

Conventions shared by the functions
-----------------------------------
Speakers
    A speaker is a *label* as the transcript writes it. Over a whole corpus
    (``over="corpus"``) the same label in two documents counts as one speaker, and
    two labels (``Sophie``, ``Sophie Lambert``) as two: harmonise labels (or roles)
    in the manifest first. The unnamed speaker ``?`` (:data:`schemas.UNKNOWN_SPEAKER`)
    is kept, since dropping it would hide talk, but it may stand for several people:
    ``participation`` flags it (``named`` is False) and ``floor`` reports the share of
    words it holds (``unnamed_share_words``).
Roles
    Turns without a role (NA in the turns frame) are grouped under NA, not under a
    made-up label: NA is the same in every language and cannot collide with a real
    role. The plots show it as "(sans rôle)" / "(no role)".
Speaking time
    A turn's duration is ``end_s - start_s`` when both are known and ``end_s >=
    start_s``, else unknown. Speaking times are sums of the known durations; they are
    NaN, never 0, where no document concerned has timestamps.
Silence
    Only people who speak appear in a transcript. The indicators say nothing of those
    who attended in silence, so a Gini computed here understates inequality whenever
    some attendees never spoke.
Facilitators
    Roles that hold the floor by office. ``floor`` takes them from its
    ``facilitator_roles`` argument, else from the manifest's ``facilitator_roles:``,
    else it counts as a facilitator every role matching :data:`FACILITATOR_PATTERN`.

Error codes: ``RK-P01`` (an option not among its allowed values), ``RK-P50`` (``n`` is
not a positive whole number), ``RK-P51`` (``facilitator_roles`` is not a list of role
names), ``RK-S01``/``RK-S02`` (what was passed is neither a Corpus nor a turns frame).
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schemas
from .corpus import Corpus
from .errors import ParameterError, check_option
from .measures import evenness, gini

__all__ = ["participation", "floor", "turn_taking", "monologues", "overlaps", "is_facilitator", "facilitator_roles",
           "FACILITATOR_PATTERN", "EXCERPT_WORDS"]

#: Roles counted as facilitators when neither the call nor the manifest names them
#: (matched case-insensitively anywhere in the role): animateur, animatrice,
#: animateur·rice, co-animatrice, équipe d'animation; facilitator, facilitateur,
#: facilitatrice; modérateur, modératrice, moderator; chair, chairperson; convenor;
#: conseiller / conseillère en développement de pratique(s).
FACILITATOR_PATTERN = re.compile(
    r"animat"                                   # animateur, animatrice, animateur·rice, co-animat…, animation
    r"|facilitat"                               # facilitator, facilitateur, facilitatrice, facilitation
    r"|mod[eé]rat"                              # modérateur, modératrice, moderator
    r"|\bchair(?:man|woman|person)?\b"          # chair (not "chaire")
    r"|\bconven[eo]r"                           # convener, convenor
    r"|\bconseill\w*\s+en\s+d[eé]veloppement\s+des?\s+pratiques?",
    re.IGNORECASE,
)

#: How many words of a turn ``monologues`` shows in its ``excerpt``.
EXCERPT_WORDS = 25

_NA = "\x00NA"  # stands for a missing role while grouping; never returned


# ---------------------------------------------------------------------------
# shared preparation


def _prepare(corpus: Corpus | pd.DataFrame,
             function: str) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...] | None, str]:
    """Turns in document order with a ``_dur`` column, the documents, facilitator roles and title."""
    if isinstance(corpus, Corpus):
        turns, documents, title = corpus.turns, corpus.documents, corpus.title
        named = corpus.manifest.facilitator_roles
    else:
        turns = schemas.validate_frame(corpus, schemas.TURNS, argument=f"the 'corpus' argument of {function}()")
        ids = list(dict.fromkeys(turns["doc_id"].astype("string").tolist()))
        documents = pd.DataFrame({"doc_id": pd.Series(ids, dtype="string"),
                                  "title": pd.Series(ids, dtype="string"),
                                  "date": pd.Series(pd.NaT, index=range(len(ids)), dtype="datetime64[ns]")})
        named, title = None, "corpus"
    order = list(dict.fromkeys(documents["doc_id"].astype("string").tolist()
                               + turns["doc_id"].astype("string").tolist()))
    turns = turns.copy()
    turns["doc_id"] = turns["doc_id"].astype("string")
    turns["speaker"] = turns["speaker"].astype("string").fillna(schemas.UNKNOWN_SPEAKER)
    turns["role"] = turns["role"].astype("string")
    rank = turns["doc_id"].map({d: i for i, d in enumerate(order)}).astype("int64")
    turns = turns.assign(_rank=rank).sort_values(["_rank", "turn"], kind="stable").reset_index(drop=True)
    start = pd.to_numeric(turns["start_s"], errors="coerce").astype("float64")
    end = pd.to_numeric(turns["end_s"], errors="coerce").astype("float64")
    dur = end - start
    turns["_dur"] = dur.where(dur >= 0)
    turns["_in_timed"] = (turns.groupby("doc_id", sort=False)["_dur"].transform("count") > 0).astype(bool)
    turns["n_words"] = turns["n_words"].astype("int64")
    return turns, documents, named, title


def _group_key(turns: pd.DataFrame, by: str) -> pd.Series:
    """The grouping column as plain strings, a missing role as a sentinel."""
    return turns[by].astype(object).where(turns[by].notna(), _NA)


def _restore(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values != _NA, pd.NA).astype("string")


def _join_roles(roles: pd.Series) -> Any:
    found = list(dict.fromkeys(r for r in roles.tolist() if not pd.isna(r)))
    return "; ".join(found) if found else pd.NA


def _share(part: pd.Series, total: pd.Series) -> pd.Series:
    part = part.astype("float64")
    total = total.astype("float64")
    return (part / total.where(total > 0)).astype("float64")


# ---------------------------------------------------------------------------
# participation


def participation(
    corpus: Corpus | pd.DataFrame,
    *,
    by: Literal["speaker", "role"] = "speaker",
    over: Literal["document", "corpus"] = "document",
) -> pd.DataFrame:
    """How much each speaker (or role) spoke: turns, words, time and their shares.

    Parameters
    ----------
    corpus
        A :class:`~research_kit.corpus.Corpus`, or its turns frame.
    by
        ``"speaker"``: one row per speaker label; ``"role"``: one row per role, turns
        without a role grouped under NA.
    over
        ``"document"``: rows per document, shares of the document's totals;
        ``"corpus"``: rows over the whole corpus, shares of the corpus's totals. Over the
        corpus a speaker is identified by their label alone (the same label in two
        documents is one speaker).

    Returns
    -------
    pandas.DataFrame
        One row per (document, speaker or role), or per speaker or role over the corpus,
        in document order then by words spoken (most first). Columns:

        - ``doc_id`` (string): the document; absent with ``over="corpus"``;
        - ``speaker`` (string), with ``by="speaker"``: the label, ``?`` when unnamed;
        - ``role`` (string): the role, NA when none. With ``by="speaker"``, the
          speaker's roles in the rows' turns joined by ``"; "`` when there are several
          (a per-document role can differ from the corpus-wide one);
        - ``named`` (bool), with ``by="speaker"``: False for ``?``, which may stand for
          several people;
        - ``n_speakers`` (int64), with ``by="role"``: distinct speaker labels in the role;
        - ``documents`` (int64), with ``over="corpus"``: documents in which they speak;
        - ``turns`` (int64): number of turns;
        - ``words`` (int64): words spoken (``turns.n_words`` summed);
        - ``speaking_time_s`` (float64): sum of the known durations (``end_s -
          start_s``) of the row's turns; NaN when none of its turns lies in a document
          with timestamps (unknown, not 0);
        - ``share_turns``, ``share_words``, ``share_time`` (float64): the row's part of
          the document's (corpus's) turns, words and known speaking time, from 0 to 1;
          ``share_time`` is NaN where ``speaking_time_s`` is. Over a corpus mixing timed
          and untimed documents, ``share_time`` compares the timed documents only;
        - ``mean_turn_words`` (float64): ``words / turns``;
        - ``longest_turn_words`` (int64): words in the row's longest turn;
        - ``overlaps``, ``interruptions`` (Int64): times the row started speaking while
          another speaker was, and of those, times the other then stopped first (see
          :func:`overlaps`); NA where the row's documents have no timestamps;
        - ``overlap_s`` (float64): seconds of those overlaps, NaN where untimed.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``by`` or ``over``.
    SchemaError
        ``RK-S01``/``RK-S02`` when ``corpus`` is neither a Corpus nor a turns frame.

    References
    ----------
    Karpowitz, C. F., Mendelberg, T. & Shaker, L. (2012). Gender inequality in
    deliberative participation. *American Political Science Review*, 106(3), 533-547.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.corpus import build_corpus
    >>> docs = pd.DataFrame({"doc_id": ["a1"]})
    >>> turns = pd.DataFrame({"doc_id": "a1", "speaker": ["Sophie", "Ahmed", "Sophie"],
    ...                       "role": ["animatrice", "habitant", "animatrice"],
    ...                       "text": ["Bonjour à toutes et à tous.", "Merci.", "On commence ?"]})
    >>> participation(build_corpus(docs, turns))[["speaker", "turns", "words", "share_words"]]
      speaker  turns  words  share_words
    0  Sophie      2      8     0.888889
    1   Ahmed      1      1     0.111111
    """
    check_option("by", by, ("speaker", "role"), function="participation")
    check_option("over", over, ("document", "corpus"), function="participation")
    turns, documents, _, _ = _prepare(corpus, "participation")
    t = turns.assign(_key=_group_key(turns, by))
    keys = ["doc_id", "_key"] if over == "document" else ["_key"]
    g = t.groupby(keys, sort=False)
    out = pd.DataFrame({
        "turns": g.size(),
        "words": g["n_words"].sum(),
        "speaking_time_s": g["_dur"].sum(min_count=1),
        "longest_turn_words": g["n_words"].max(),
    })
    if by == "speaker":
        out["role"] = g["role"].agg(_join_roles)
    else:
        out["n_speakers"] = g["speaker"].nunique()
    if over == "corpus":
        out["documents"] = g["doc_id"].nunique()
    out = out.reset_index()

    scope = out["doc_id"] if over == "document" else pd.Series(0, index=out.index)
    # A row's time is known when one of its turns is in a document with timestamps: then
    # its turns without a duration add nothing (0 s), and it is NaN only otherwise.
    timed_rows = g["_in_timed"].any().reset_index(drop=True).astype(bool)
    out["speaking_time_s"] = out["speaking_time_s"].fillna(0.0).where(timed_rows).astype("float64")
    for col, share in (("turns", "share_turns"), ("words", "share_words"), ("speaking_time_s", "share_time")):
        total = out.groupby(scope)[col].transform("sum")
        out[share] = _share(out[col], total)
    out["share_time"] = out["share_time"].where(timed_rows)
    out["mean_turn_words"] = (out["words"] / out["turns"]).astype("float64")

    if by == "speaker":
        out["speaker"] = out["_key"].astype("string")
        out["role"] = out["role"].astype("string")
        out["named"] = (out["speaker"] != schemas.UNKNOWN_SPEAKER).astype(bool)
        lead = ["speaker", "role", "named"]
    else:
        out["role"] = _restore(out["_key"])
        out["n_speakers"] = out["n_speakers"].astype("int64")
        lead = ["role", "n_speakers"]
    if over == "corpus":
        out["documents"] = out["documents"].astype("int64")
        lead.append("documents")
    else:
        out["doc_id"] = out["doc_id"].astype("string")
        lead.insert(0, "doc_id")
    for col in ("turns", "words", "longest_turn_words"):
        out[col] = out[col].astype("int64")

    # document order, then most words first (first appearance breaks ties: stable sort)
    if over == "document":
        doc_rank = {d: i for i, d in enumerate(dict.fromkeys(t["doc_id"].tolist()))}
        out = out.assign(_rank=out["doc_id"].map(doc_rank).astype("int64"), _neg=-out["words"])
        out = out.sort_values(["_rank", "_neg"], kind="stable")
    else:
        out = out.assign(_neg=-out["words"]).sort_values("_neg", kind="stable")
    # overlaps made by each row: the pairs' second turns, counted under the row's keys
    pairs = _overlap_pairs(t)
    second = pairs["second"].to_numpy(dtype="int64") if len(pairs) else np.zeros(0, dtype="int64")
    made = pd.DataFrame({"doc_id": t["doc_id"].astype(str).to_numpy()[second],
                         "_key": t["_key"].astype(str).to_numpy()[second],
                         "interrupts": pairs["interrupts"].to_numpy(dtype=bool) if len(pairs) else np.zeros(0, bool),
                         "seconds": pairs["seconds"].to_numpy(dtype="float64") if len(pairs) else np.zeros(0)})
    counted = made.groupby(keys, sort=False).agg(overlaps=("seconds", "size"), interruptions=("interrupts", "sum"),
                                                 overlap_s=("seconds", "sum")).reset_index()
    here = out[keys].astype(str)
    found = here.merge(counted, on=keys, how="left") if len(counted) else here.assign(
        overlaps=np.nan, interruptions=np.nan, overlap_s=np.nan)
    timed = out["speaking_time_s"].notna().to_numpy()  # the rows whose documents have times
    out["overlaps"] = pd.array(np.where(timed, found["overlaps"].fillna(0), np.nan), dtype="float64").astype("Int64")
    out["interruptions"] = pd.array(np.where(timed, found["interruptions"].fillna(0), np.nan),
                                    dtype="float64").astype("Int64")
    out["overlap_s"] = np.where(timed, found["overlap_s"].fillna(0.0), np.nan).astype("float64")
    columns = lead + ["turns", "words", "speaking_time_s", "share_turns", "share_words", "share_time",
                      "mean_turn_words", "longest_turn_words", "overlaps", "interruptions", "overlap_s"]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------
# overlapping speech


def _overlap_pairs(turns: pd.DataFrame) -> pd.DataFrame:
    """Every pair of turns of two speakers whose times intersect, in one sweep per document.

    Columns ``doc_id, first, second`` (row positions in ``turns``; ``first`` starts
    first), ``seconds`` (the intersection) and ``interrupts`` (``second`` starts
    during ``first``, and ``first`` ends before ``second`` does: the first speaker
    stops).
    """
    start = pd.to_numeric(turns["start_s"], errors="coerce").to_numpy(dtype="float64")
    end = pd.to_numeric(turns["end_s"], errors="coerce").to_numpy(dtype="float64")
    ok = ~np.isnan(start) & ~np.isnan(end) & (end > start)
    speaker = turns["speaker"].astype(str).to_numpy()
    docs = turns["doc_id"].astype(str).to_numpy()
    out: dict[str, list] = {"doc_id": [], "first": [], "second": [], "seconds": [], "interrupts": []}
    positions = np.flatnonzero(ok)
    if not len(positions):
        return pd.DataFrame(out)
    for doc, where in pd.Series(positions).groupby(docs[positions], sort=False).indices.items():
        rows = positions[where]
        rows = rows[np.lexsort((end[rows], start[rows]))]
        s, e = start[rows], end[rows]
        # turns j > i that start before i ends; a long turn is compared with those it spans only
        stop = np.searchsorted(s, e, side="left")
        for i in np.flatnonzero(stop > np.arange(len(rows)) + 1):
            for j in range(i + 1, stop[i]):
                a, b = rows[i], rows[j]
                if speaker[a] == speaker[b]:
                    continue
                out["doc_id"].append(doc)
                out["first"].append(a)
                out["second"].append(b)
                out["seconds"].append(min(e[i], end[b]) - s[j])
                out["interrupts"].append(bool(s[j] > s[i] and e[i] < end[b]))
    return pd.DataFrame(out)


def overlaps(corpus: Corpus | pd.DataFrame) -> pd.DataFrame:
    """Who speaks over whom: overlapping turns of two speakers, where turns have times.

    Two turns overlap when their times intersect (Transcriber's simultaneous speech,
    ELAN or TextGrid tiers, diarised recordings). The one who starts second *overlaps*
    the one already speaking; they *interrupt* them when the first speaker stops
    before the second does (the first turn ends inside the second). A backchannel
    ("mm", "oui") inside a longer turn overlaps without interrupting.

    Returns
    -------
    pandas.DataFrame
        One row per document and ordered pair of speakers, in document order, most
        overlaps first. Columns ``doc_id``, ``speaker`` (who started second),
        ``over`` (who was speaking), ``overlaps`` (int64), ``interruptions`` (int64),
        ``overlap_s`` (float64, seconds spoken at once). Empty when no document has
        times, or no turns overlap.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.corpus import build_corpus
    >>> turns = pd.DataFrame({"doc_id": "a", "speaker": ["Ana", "Léo", "Ana"],
    ...                       "text": ["Je pense que", "mm", "on devrait."],
    ...                       "start_s": [0.0, 1.0, 4.0], "end_s": [3.0, 1.5, 6.0]})
    >>> overlaps(build_corpus(pd.DataFrame({"doc_id": ["a"]}), turns))
      doc_id speaker over  overlaps  interruptions  overlap_s
    0      a     Léo  Ana         1              0        0.5
    """
    turns, _, _, _ = _prepare(corpus, "overlaps")
    pairs = _overlap_pairs(turns)
    columns = ["doc_id", "speaker", "over", "overlaps", "interruptions", "overlap_s"]
    if not len(pairs):
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(
            columns, ["string", "string", "string", "int64", "int64", "float64"])})
    speaker = turns["speaker"].to_numpy(dtype=object)
    pairs = pairs.assign(speaker=speaker[pairs["second"]], over=speaker[pairs["first"]])
    g = pairs.groupby(["doc_id", "speaker", "over"], sort=False)
    out = pd.DataFrame({"overlaps": g.size(), "interruptions": g["interrupts"].sum(),
                        "overlap_s": g["seconds"].sum()}).reset_index()
    rank = {d: i for i, d in enumerate(dict.fromkeys(turns["doc_id"].tolist()))}
    out = out.assign(_r=out["doc_id"].map(rank), _n=-out["overlaps"]).sort_values(["_r", "_n"], kind="stable")
    out = out.astype({"doc_id": "string", "speaker": "string", "over": "string", "overlaps": "int64",
                      "interruptions": "int64", "overlap_s": "float64"})
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------
# floor


def _normalise_role(role: str) -> str:
    return unicodedata.normalize("NFC", str(role)).strip().casefold()


def _facilitator_roles(value: Any, default: tuple[str, ...] | None) -> list[str] | None:
    """The named facilitator roles (argument, else the manifest's), or None for the default pattern."""
    if value is None:
        return None if default is None else list(default)
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        roles = list(value)
        if all(isinstance(r, str) for r in roles):
            return roles
    raise ParameterError(
        "RK-P51",
        f"the 'facilitator_roles' parameter of floor() must be a list of role names; got {value!r} instead.",
        hint='Write the roles as they appear in the manifest, e.g. ["animatrice", "co-animateur"].',
    )


def is_facilitator(roles: pd.Series, named: Sequence[str] | None = None) -> pd.Series:
    """Whether each role is a facilitator role: one of ``named``, else one matching :data:`FACILITATOR_PATTERN`.

    The one rule for who facilitates, used by :func:`floor` and by the briefs. Roles
    are compared case-insensitively, with Unicode normalised; NA roles never are.

    Parameters
    ----------
    roles
        A column of roles (a turns frame's ``role``).
    named
        The corpus's facilitator roles (a manifest's ``facilitator_roles``), or ``None``
        to recognise them by name; ``[]`` means nobody facilitates.

    Examples
    --------
    >>> is_facilitator(pd.Series(["Animatrice", "habitante", None])).tolist()
    [True, False, False]
    >>> is_facilitator(pd.Series(["animatrice", "élue"]), ["élue"]).tolist()
    [False, True]
    """
    roles = pd.Series(roles)
    present = roles.notna()
    text = roles.astype(object).where(present, "")
    if named is None:
        hit = text.map(lambda r: bool(FACILITATOR_PATTERN.search(unicodedata.normalize("NFC", str(r)))))
    else:
        wanted = {_normalise_role(r) for r in named}
        hit = text.map(lambda r: _normalise_role(r) in wanted)
    return (hit & present).astype(bool)


def facilitator_roles(roles: Iterable[Any], named: Sequence[str] | None = None) -> set[str]:
    """The facilitator roles among ``roles`` (see :func:`is_facilitator`)."""
    present = pd.Series(list(dict.fromkeys(r for r in roles if not pd.isna(r))), dtype=object)
    return set(present[is_facilitator(present, named)].astype(str)) if len(present) else set()


def _floor_row(t: pd.DataFrame, fac: pd.Series, by: str) -> dict[str, Any]:
    key = _group_key(t, by)
    g = t.groupby(key, sort=False)
    words = g["n_words"].sum().astype("float64")
    turns = g.size().astype("float64")
    # speaking time compares the groups that spoke in documents with timestamps
    timed = t[t["_in_timed"]]
    time = timed.groupby(_group_key(timed, by), sort=False)["_dur"].sum(min_count=1).fillna(0.0)
    total_words = float(words.sum())
    has_roles = bool(t["role"].notna().any())
    row: dict[str, Any] = {
        "n_speakers": int(t["speaker"].nunique()),
        "n_turns": int(len(t)),
        "n_words": int(total_words),
        "gini_words": float(gini(words.to_numpy())),
        "gini_turns": float(gini(turns.to_numpy())),
        "gini_time": float(gini(time.to_numpy())) if len(timed) else np.nan,
        "timed_share_turns": float(t["_dur"].notna().mean()) if len(t) else np.nan,
        "evenness_words": float(evenness(words.to_numpy())),
        "top_share_words": float(words.max() / total_words) if total_words > 0 else np.nan,
    }
    if by == "role":
        row["n_roles"] = int(len(words))
    if has_roles:
        row["facilitator_share_words"] = (float(t.loc[fac, "n_words"].sum() / total_words)
                                          if total_words > 0 else np.nan)
        row["facilitator_share_turns"] = float(fac.sum() / len(t))
        rest = t[~fac]
        rest_words = rest.groupby(_group_key(rest, by), sort=False)["n_words"].sum().astype("float64")
        row["participants_gini_words"] = float(gini(rest_words.to_numpy()))
    else:
        row["facilitator_share_words"] = row["facilitator_share_turns"] = np.nan
        row["participants_gini_words"] = np.nan
    unnamed = t["speaker"] == schemas.UNKNOWN_SPEAKER
    row["unnamed_share_words"] = float(t.loc[unnamed, "n_words"].sum() / total_words) if total_words > 0 else np.nan
    if by == "speaker" and t.loc[~unnamed, "speaker"].nunique() < 2:
        # One named speaker, or none (live captions mark changes with ">>" only): how the floor
        # was shared is unknown, and a Gini of 0 would read as perfect equality.
        for name in ("gini_words", "gini_turns", "gini_time", "evenness_words", "top_share_words",
                     "participants_gini_words"):
            row[name] = np.nan
    return row


def _floor_rows(t: pd.DataFrame, fac: pd.Series, by: str) -> dict[str, dict[str, Any]]:
    """:func:`_floor_row` of every document, from one pass over the turns (in document order).

    The (document, group) sums come from one groupby, in the order in which the groups
    first speak in each document, as a groupby of the document alone gives them; each
    document then reads its slice of those small arrays. Slicing the turns per document
    instead costs documents x turns.
    """
    if not len(t):
        return {}
    doc, names = pd.factorize(t["doc_id"].astype(object), sort=False)  # increasing: turns are in document order
    n_docs = len(names)
    words = t["n_words"].to_numpy(dtype="int64")
    dur = t["_dur"].to_numpy(dtype="float64")
    is_fac = fac.to_numpy(dtype=bool)
    unnamed = (t["speaker"] == schemas.UNKNOWN_SPEAKER).to_numpy(dtype=bool)
    frame = pd.DataFrame({"doc": doc, "key": _group_key(t, by).to_numpy(dtype=object), "words": words, "dur": dur})
    g = frame.groupby(["doc", "key"], sort=False)
    group_words = g["words"].sum().astype("float64")
    group_doc = group_words.index.get_level_values("doc").to_numpy()
    group_words = group_words.to_numpy()
    group_turns = g.size().astype("float64").to_numpy()
    group_time = g["dur"].sum(min_count=1).fillna(0.0).to_numpy()
    cut = np.searchsorted(group_doc, np.arange(n_docs + 1))
    rest = frame[~is_fac]
    rest_words = rest.groupby(["doc", "key"], sort=False)["words"].sum().astype("float64")
    rest_cut = np.searchsorted(rest_words.index.get_level_values("doc").to_numpy(), np.arange(n_docs + 1))
    rest_words = rest_words.to_numpy()

    def per_doc(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        rows = slice(None) if mask is None else mask
        return np.bincount(doc[rows], weights=None if weights is None else weights[rows], minlength=n_docs)

    n_turns = per_doc()
    n_timed = per_doc(weights=(~np.isnan(dur)).astype("float64"))
    in_timed = per_doc(weights=t["_in_timed"].to_numpy(dtype=bool).astype("float64")) > 0
    has_roles = per_doc(weights=t["role"].notna().to_numpy(dtype=bool).astype("float64")) > 0
    fac_words = per_doc(is_fac, words.astype("float64"))
    fac_turns = per_doc(is_fac)
    unnamed_words = per_doc(unnamed, words.astype("float64"))
    speakers = t["speaker"].astype(object).to_numpy()
    n_speakers = pd.Series(speakers).groupby(doc).nunique().reindex(range(n_docs), fill_value=0).to_numpy()
    named = pd.Series(speakers[~unnamed]).groupby(doc[~unnamed]).nunique()
    n_named = named.reindex(range(n_docs), fill_value=0).to_numpy()

    out: dict[str, dict[str, Any]] = {}
    for d in range(n_docs):
        w = group_words[cut[d]:cut[d + 1]]
        total_words = float(w.sum())
        row: dict[str, Any] = {
            "n_speakers": int(n_speakers[d]),
            "n_turns": int(n_turns[d]),
            "n_words": int(total_words),
            "gini_words": float(gini(w)),
            "gini_turns": float(gini(group_turns[cut[d]:cut[d + 1]])),
            "gini_time": float(gini(group_time[cut[d]:cut[d + 1]])) if in_timed[d] else np.nan,
            "timed_share_turns": float(n_timed[d] / n_turns[d]),
            "evenness_words": float(evenness(w)),
            "top_share_words": float(w.max() / total_words) if total_words > 0 else np.nan,
        }
        if by == "role":
            row["n_roles"] = int(len(w))
        if has_roles[d]:
            row["facilitator_share_words"] = float(fac_words[d] / total_words) if total_words > 0 else np.nan
            row["facilitator_share_turns"] = float(fac_turns[d] / n_turns[d])
            row["participants_gini_words"] = float(gini(rest_words[rest_cut[d]:rest_cut[d + 1]]))
        else:
            row["facilitator_share_words"] = row["facilitator_share_turns"] = np.nan
            row["participants_gini_words"] = np.nan
        row["unnamed_share_words"] = float(unnamed_words[d] / total_words) if total_words > 0 else np.nan
        if by == "speaker" and n_named[d] < 2:
            # as in _floor_row: with fewer than two named speakers, how the floor was shared is unknown
            for name in ("gini_words", "gini_turns", "gini_time", "evenness_words", "top_share_words",
                         "participants_gini_words"):
                row[name] = np.nan
        out[str(names[d])] = row
    return out


def floor(
    corpus: Corpus | pd.DataFrame,
    *,
    by: Literal["speaker", "role"] = "speaker",
    over: Literal["document", "corpus"] = "document",
    facilitator_roles: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Equality of voice per session: Gini, evenness and the facilitators' share of the floor.

    Inequality is measured between the groups given by ``by`` (speakers, or roles)
    among those who spoke: silent attendees are not in a transcript, so the figures
    understate inequality when some never spoke.

    Parameters
    ----------
    corpus
        A :class:`~research_kit.corpus.Corpus`, or its turns frame (then documents have
        no title or date, and the manifest's ``facilitator_roles`` is not available).
    by
        Compare ``"speaker"`` labels or ``"role"`` groups (turns without a role form one
        NA group).
    over
        ``"document"``: one row per document. ``"corpus"``: the same rows plus a last row
        for the whole corpus, whose ``doc_id`` is NA; over the corpus a speaker is
        identified by their label alone.
    facilitator_roles
        The roles that hold the floor by office, compared case-insensitively. Default:
        the manifest's ``facilitator_roles:``, else every role matching
        :data:`FACILITATOR_PATTERN` (animateur·rice, co-animat…, facilitator,
        facilitatrice, modérat…, moderator, chair, conseillère en développement de
        pratiques…). Pass ``[]`` to count no one as a facilitator.

    Returns
    -------
    pandas.DataFrame
        One row per document in corpus order (plus the corpus row). Columns:

        - ``doc_id`` (string): the document; NA on the corpus row;
        - ``title`` (string), ``date`` (datetime64[ns]): the document's (title defaults
          to the ``doc_id``), for plotting over time; the corpus's title and NaT on the
          corpus row;
        - ``n_speakers`` (int64): distinct speaker labels (``?`` counts as one);
        - ``n_roles`` (int64), with ``by="role"``: role groups compared (NA counts as one);
        - ``n_turns``, ``n_words`` (int64): totals;
        - ``gini_words``, ``gini_turns``, ``gini_time`` (float64): population Gini
          coefficient (:func:`research_kit.measures.gini`) of the words, turns and known
          speaking time of the groups: 0 when all spoke equally, ``(n - 1) / n`` when one
          of ``n`` held all. NaN without words (turns). ``gini_time`` is NaN without
          timestamps; it counts the known durations only (a turn without one adds 0 s)
          and, on the corpus row, the groups that spoke in documents with timestamps;
        - ``timed_share_turns`` (float64): share of the turns whose duration is known:
          read ``gini_time`` with care when it is well below 1;
        - ``evenness_words`` (float64): Pielou's evenness of the words
          (:func:`research_kit.measures.evenness`), 1 for equal shares; NaN for fewer
          than two groups;
        - ``top_share_words`` (float64): share of the words of the most talkative group;
        - ``facilitator_share_words``, ``facilitator_share_turns`` (float64): share of
          the words (turns) spoken in a facilitator role; NaN when no turn of the
          document has a role (then nobody can be told apart);
        - ``participants_gini_words`` (float64): Gini of the words among the other
          groups (the residents, members… what an evaluation reports about them); turns
          without a role count as participants' turns; NaN when no turn has a role or
          when only facilitators spoke;
        - ``unnamed_share_words`` (float64): share of the words of the unnamed speaker
          ``?``, who may be several people: read the Gini with care when it is large.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``by`` or ``over``; ``RK-P51`` when
        ``facilitator_roles`` (or the manifest's) is not a list of role names.

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini.

    Pielou, E. C. (1966). The measurement of diversity in different types of
    biological collections. *Journal of Theoretical Biology*, 13, 131-144.

    Karpowitz, C. F., Mendelberg, T. & Shaker, L. (2012). Gender inequality in
    deliberative participation. *American Political Science Review*, 106(3), 533-547.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.corpus import build_corpus
    >>> docs = pd.DataFrame({"doc_id": ["a1"]})
    >>> turns = pd.DataFrame({"doc_id": "a1", "speaker": ["Sophie", "Ahmed", "Sophie"],
    ...                       "role": ["animatrice", "habitant", "animatrice"],
    ...                       "text": ["Bonjour à toutes et à tous.", "Merci.", "On commence ?"]})
    >>> row = floor(build_corpus(docs, turns)).iloc[0]
    >>> round(float(row["gini_words"]), 4), round(float(row["facilitator_share_words"]), 4)
    (0.3889, 0.8889)
    """
    check_option("by", by, ("speaker", "role"), function="floor")
    check_option("over", over, ("document", "corpus"), function="floor")
    turns, documents, default_roles, title = _prepare(corpus, "floor")
    named = _facilitator_roles(facilitator_roles, default_roles)
    fac = is_facilitator(turns["role"], named)

    info = documents.set_index(documents["doc_id"].astype("string"))
    doc_ids = list(dict.fromkeys(documents["doc_id"].astype("string").tolist() + turns["doc_id"].tolist()))
    per_doc = _floor_rows(turns, fac, by)
    silent = _floor_row(turns.iloc[:0], fac.iloc[:0], by)  # a document without turns
    titles = info["title"].to_dict() if "title" in info else {}
    dates = info["date"].to_dict() if "date" in info else {}
    rows = []
    for doc_id in doc_ids:
        doc_title = titles.get(doc_id, pd.NA)
        row = {"doc_id": doc_id,
               "title": doc_id if pd.isna(doc_title) else doc_title,
               "date": dates.get(doc_id, pd.NaT)}
        row.update(per_doc.get(doc_id, silent))
        rows.append(row)
    if over == "corpus":
        rows.append({"doc_id": pd.NA, "title": title, "date": pd.NaT, **_floor_row(turns, fac, by)})

    counts = ["n_speakers"] + (["n_roles"] if by == "role" else []) + ["n_turns", "n_words"]
    measures = ["gini_words", "gini_turns", "gini_time", "timed_share_turns", "evenness_words", "top_share_words",
                "facilitator_share_words", "facilitator_share_turns", "participants_gini_words",
                "unnamed_share_words"]
    columns = ["doc_id", "title", "date", *counts, *measures]
    out = pd.DataFrame(rows, columns=columns)
    out["doc_id"] = out["doc_id"].astype("string")
    out["title"] = out["title"].astype("string")
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for col in counts:
        out[col] = out[col].fillna(0).astype("int64")
    for col in measures:
        out[col] = out[col].astype("float64")
    return out


# ---------------------------------------------------------------------------
# turn taking


def _same_as_previous(values: pd.Series) -> np.ndarray:
    """Whether each value equals the one before it (False for the first)."""
    v = values.astype(object).to_numpy()
    same = np.zeros(len(v), dtype=bool)
    if len(v) > 1:
        same[1:] = v[1:] == v[:-1]
    return same


def turn_taking(
    corpus: Corpus | pd.DataFrame,
    *,
    by: Literal["role", "speaker"] = "role",
    over: Literal["document", "corpus"] = "document",
    include_self: bool = False,
) -> pd.DataFrame:
    """Who speaks after whom: transitions between consecutive turns, in long form.

    A transition joins a turn to the next turn of the same document; documents are
    never chained to one another.

    Parameters
    ----------
    corpus
        A :class:`~research_kit.corpus.Corpus`, or its turns frame.
    by
        Label the transitions by ``"role"`` (turns without a role as NA) or by
        ``"speaker"``.
    over
        ``"document"``: counts per document; ``"corpus"``: summed over the documents
        (speakers identified by their label).
    include_self
        Count a speaker's consecutive turns as transitions to themselves. By default
        (False) such runs are first merged, since they are usually one turn split by
        the transcriber: ``A A B`` gives one ``A -> B``. With ``by="role"``, two
        different speakers of one role in a row (resident -> resident) always count:
        that is an exchange among peers, not a split turn. Runs of the unnamed speaker
        ``?`` are merged like any other.

    Returns
    -------
    pandas.DataFrame
        One row per observed (document,) from, to pair, sorted by document, ``from``
        and ``to`` (NA last). Columns:

        - ``doc_id`` (string): the document; absent with ``over="corpus"``;
        - ``from`` (string): the speaker or role of the earlier turn;
        - ``to`` (string): the speaker or role of the next turn;
        - ``count`` (int64): number of such transitions;
        - ``share_of_from`` (float64): ``count`` over all transitions from ``from`` (in
          the document), so each ``from`` sums to 1.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``by``, ``over`` or a non-boolean ``include_self``.

    References
    ----------
    Sacks, H., Schegloff, E. A. & Jefferson, G. (1974). A simplest systematics for the
    organization of turn-taking for conversation. *Language*, 50(4), 696-735.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.corpus import build_corpus
    >>> docs = pd.DataFrame({"doc_id": ["a1"]})
    >>> turns = pd.DataFrame({"doc_id": "a1", "speaker": ["Sophie", "Ahmed", "Sophie"],
    ...                       "text": ["Bonjour.", "Merci.", "On commence ?"]})
    >>> turn_taking(build_corpus(docs, turns), by="speaker")
      doc_id    from      to  count  share_of_from
    0     a1   Ahmed  Sophie      1            1.0
    1     a1  Sophie   Ahmed      1            1.0
    """
    check_option("by", by, ("role", "speaker"), function="turn_taking")
    check_option("over", over, ("document", "corpus"), function="turn_taking")
    check_option("include_self", include_self, (False, True), function="turn_taking")
    turns, _, _, _ = _prepare(corpus, "turn_taking")
    t = turns[["doc_id", "speaker"]].assign(_key=_group_key(turns, by))
    same_doc = _same_as_previous(t["doc_id"])
    if not include_self:
        t = t[~(same_doc & _same_as_previous(t["speaker"]))]
        same_doc = _same_as_previous(t["doc_id"])
    pairs = pd.DataFrame({"doc_id": t["doc_id"], "from": t["_key"].shift(), "to": t["_key"]})[same_doc]
    keys = ["doc_id", "from", "to"] if over == "document" else ["from", "to"]
    out = pairs.groupby(keys, sort=False).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    scope = ["doc_id", "from"] if over == "document" else ["from"]
    out["share_of_from"] = (out["count"] / out.groupby(scope)["count"].transform("sum")).astype("float64")
    sort = []
    if over == "document":
        doc_rank = {d: i for i, d in enumerate(dict.fromkeys(turns["doc_id"].tolist()))}
        out["_rank"] = out["doc_id"].map(doc_rank)
        sort.append("_rank")
    for col in ("from", "to"):
        out[f"_{col}_na"] = out[col] == _NA
        sort += [f"_{col}_na", col]
        out[col] = out[col].astype(str)
    out = out.sort_values(sort, kind="stable") if len(out) else out
    for col in ("from", "to"):
        out[col] = _restore(out[col])
    if over == "document":
        out["doc_id"] = out["doc_id"].astype("string")
    columns = (["doc_id"] if over == "document" else []) + ["from", "to", "count", "share_of_from"]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------
# monologues


def _excerpt(text: str) -> str:
    words = str(text).split()
    if len(words) <= EXCERPT_WORDS:
        return " ".join(words)
    return " ".join(words[:EXCERPT_WORDS]) + "…"


def monologues(corpus: Corpus | pd.DataFrame, *, n: int = 10, by_words: bool = True) -> pd.DataFrame:
    """The longest turns of the corpus, to read what holding the floor sounded like.

    Parameters
    ----------
    corpus
        A :class:`~research_kit.corpus.Corpus`, or its turns frame.
    n
        How many turns to return (fewer when the corpus has fewer).
    by_words
        Rank by words (True) or by duration (False; turns without a known duration
        are then left out, so a corpus without timestamps gives an empty frame).

    Returns
    -------
    pandas.DataFrame
        At most ``n`` rows, longest first (ties in corpus order). Columns:

        - ``doc_id`` (string), ``turn`` (int64): where the turn is;
        - ``speaker`` (string), ``role`` (string): who spoke, role NA when none;
        - ``words`` (int64): words in the turn;
        - ``duration_s`` (float64): ``end_s - start_s``, NaN when unknown;
        - ``start_char``, ``end_char`` (int64): the turn's span in the document text
          (``corpus.text(doc_id)[start_char:end_char]``);
        - ``excerpt`` (string): the turn's first :data:`EXCERPT_WORDS` words
          (white-space separated, line breaks as spaces), followed by ``"…"`` when the
          turn is longer.

    Raises
    ------
    ParameterError
        ``RK-P50`` when ``n`` is not a whole number >= 1; ``RK-P01`` for a non-boolean
        ``by_words``.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.corpus import build_corpus
    >>> docs = pd.DataFrame({"doc_id": ["a1"]})
    >>> turns = pd.DataFrame({"doc_id": "a1", "speaker": ["Sophie", "Ahmed", "Sophie"],
    ...                       "text": ["Bonjour.", "Merci beaucoup à vous.", "On commence ?"]})
    >>> monologues(build_corpus(docs, turns), n=2)[["speaker", "words", "excerpt"]]
      speaker  words                 excerpt
    0   Ahmed      4  Merci beaucoup à vous.
    1  Sophie      2           On commence ?
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ParameterError("RK-P50", f"the 'n' parameter of monologues() must be a whole number >= 1; "
                                       f"got {n!r} instead.")
    check_option("by_words", by_words, (True, False), function="monologues")
    turns, _, _, _ = _prepare(corpus, "monologues")
    t = turns.assign(_pos=np.arange(len(turns)))
    if by_words:
        t = t.assign(_size=t["n_words"].astype("float64"))
    else:
        t = t[t["_dur"].notna()].assign(_size=lambda d: d["_dur"])
    t = t.sort_values(["_size", "_pos"], ascending=[False, True], kind="stable").head(int(n))
    out = pd.DataFrame({
        "doc_id": t["doc_id"].astype("string"),
        "turn": t["turn"].astype("int64"),
        "speaker": t["speaker"].astype("string"),
        "role": t["role"].astype("string"),
        "words": t["n_words"].astype("int64"),
        "duration_s": t["_dur"].astype("float64"),
        "start_char": t["start_char"].astype("int64"),
        "end_char": t["end_char"].astype("int64"),
        "excerpt": t["text"].map(_excerpt).astype("string"),
    })
    return out.reset_index(drop=True)
