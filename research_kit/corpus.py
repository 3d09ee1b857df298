"""The corpus: documents and their turns, as two tidy frames in a frozen :class:`Corpus`.

:func:`build_corpus` is the one place that defines a document's text and its offsets;
:func:`read_transcript` reads one transcript file with the reader for its format and
applies its settings (title, date, language, roles, variables) from a
:class:`~research_kit.manifest.Manifest`. Reading a corpus *folder* (its ``corpus.yml``,
which files are transcripts, codebook, codings, caches) is the project layer's:
:func:`research_kit.project.read_corpus` and :class:`research_kit.project.Project`.
Source files are only ever read.

Language: the document's own (manifest, front matter), else detected from its text,
else the corpus default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from . import schemas
from ._io import read_text
from .errors import InputFileError, ManifestError, ResearchKitError, UnknownNameError, did_you_mean
from .language import detect_language
from .manifest import FRONT_MATTER_FIELDS, DOCUMENT_FIELDS, MANIFEST_NAME, Manifest, parse_date
from .readers import FORMATS, ParsedDocument, TokenColumns

__all__ = ["Corpus", "count_words", "build_corpus", "read_transcript", "transcript_records", "records_frames",
           "speaker_key", "READERS", "CONVERT_FIRST", "WORD_RE", "MANIFEST_NAME", "SpeakerTable"]

#: file suffix (lower case) -> format name
READERS: dict[str, str] = {suffix: fmt for fmt, reader in FORMATS.items() for suffix in reader.suffixes}
#: (doc_id or None for every document, speaker_key) -> attributes, from the manifest's ``speakers:`` table
SpeakerTable = Mapping[tuple[str | None, str], Mapping[str, str]]
#: unsupported file suffix -> what to do instead
CONVERT_FIRST = {
    ".doc": "Open it in Word or LibreOffice and save it as .docx.",
    ".rtf": "Open it in Word or LibreOffice and save it as .docx.",
    ".odt": "Open it in LibreOffice and save it as .docx.",
    ".xlsx": "Export the sheet as CSV (one row per utterance).",
    ".xls": "Export the sheet as CSV (one row per utterance).",
    ".pdf": "Export the transcript as text or .docx from the program that made the PDF.",
}
WORD_RE = re.compile(r"\w+(?:[-‑]\w+)*")


def count_words(text: str) -> int:
    """Number of words: runs of letters/digits, hyphenated compounds counting once.

    An apostrophe separates words (``l'équipe`` is two), as in French tokenisation.

    >>> count_words("Bon, ben… l'équipe est peut-être épuisée.")
    7
    """
    return len(WORD_RE.findall(text))


@dataclass(frozen=True, eq=False)
class Corpus:
    """A read-only corpus: ``documents`` and ``turns`` frames (see ``docs/frames.md``).

    Attributes
    ----------
    documents, turns
        Tidy frames following :data:`schemas.DOCUMENTS` and :data:`schemas.TURNS`.
    manifest
        The :class:`~research_kit.manifest.Manifest` (defaults without ``corpus.yml``).
    root
        The corpus folder, or ``None`` for a corpus built in memory.
    problems
        What could not be read (``errors="collect"``), following :data:`schemas.PROBLEMS`.
    cache_dir
        Where annotations and rule codings of this corpus are cached (the project sets it
        to ``<folder>/.research_kit``), or ``None``: nothing is cached.
    events
        Non-speech events (laughter, noise, comments…), following :data:`schemas.EVENTS`.
    speakers
        One row per speaker of each document with what the sources say of them
        (:data:`schemas.SPEAKERS`); the same attributes are columns of ``turns``.
    gold_tokens
        Tokens that the transcripts carry (CoNLL-U: lemmas and parts of speech), following
        :data:`schemas.TOKENS`, or ``None`` when no document has any; :func:`research_kit.annotate`
        uses them instead of running spaCy on those documents.
    """

    documents: pd.DataFrame
    turns: pd.DataFrame
    manifest: Manifest = field(default_factory=Manifest)
    root: Path | None = None
    problems: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame(schemas.PROBLEMS))
    cache_dir: Path | None = None
    events: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame(schemas.EVENTS))
    speakers: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame(schemas.SPEAKERS))
    gold_tokens: pd.DataFrame | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def text(self, doc_id: str) -> str:
        """The document text that every character offset refers to.

        It is the document's turn texts joined by :data:`schemas.TURN_SEPARATOR`. The
        texts of every document are built on the first call, in one pass over the turns,
        and kept (see :meth:`document_turns`).

        Raises
        ------
        UnknownNameError
            ``RK-C10`` for a document the corpus does not hold.
        """
        texts = self._index()["texts"]
        if not isinstance(doc_id, str) or doc_id not in texts:
            known = self.documents["doc_id"].tolist()
            raise UnknownNameError("RK-C10", f"no document {doc_id!r} in this corpus.{did_you_mean(doc_id, known)}")
        return texts[doc_id]

    def document_turns(self, doc_id: str) -> pd.DataFrame:
        """The turns of one document in turn order: what
        ``corpus.turns[corpus.turns["doc_id"] == doc_id].sort_values("turn")`` gives.

        Each document's rows are found in one pass over the turns, done once (with the
        texts of :meth:`text`), so that visiting every document costs one pass over the
        turns, not one per document.

        Raises
        ------
        UnknownNameError
            ``RK-C10`` for a document the corpus does not hold.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = build_corpus(pd.DataFrame({"doc_id": ["a", "b"]}),
        ...                       pd.DataFrame({"doc_id": ["b", "a", "b"], "speaker": ["X", "Y", "Z"],
        ...                                     "text": ["un", "deux", "trois"]}))
        >>> corpus.document_turns("b")[["turn", "speaker", "text"]].values.tolist()
        [[0, 'X', 'un'], [1, 'Z', 'trois']]
        """
        rows = self._index()["rows"]
        if not isinstance(doc_id, str) or doc_id not in rows:
            known = self.documents["doc_id"].tolist()
            raise UnknownNameError("RK-C10", f"no document {doc_id!r} in this corpus.{did_you_mean(doc_id, known)}")
        return self.turns.iloc[rows[doc_id]]  # a slice when the rows are contiguous, as build_corpus leaves them

    def _index(self) -> dict[str, Any]:
        """Each document's text and turn rows (positions in ``turns``, in turn order), from one pass.

        Kept on the corpus; built again when ``turns`` is another frame or has gained or
        lost rows. (A corpus's frames are not to be edited in place: build a new corpus,
        with :func:`build_corpus`, :meth:`subset` or ``dataclasses.replace``, which starts
        with nothing kept.)
        """
        cache = self._cache
        turns = self.turns
        if cache.get("turns") is turns and cache.get("n") == len(turns):
            return cache
        codes, names = pd.factorize(turns["doc_id"].astype(object), use_na_sentinel=True)
        order = np.lexsort((turns["turn"].to_numpy(), codes))  # by document, then turn; no document first
        cuts = np.searchsorted(codes[order], np.arange(len(names) + 1))
        values = turns["text"].astype(str).to_numpy(dtype=object)[order]
        # a document whose turns are consecutive rows in turn order (all of them, from build_corpus) is
        # a slice: taking rows of a string column can copy the whole column, slicing it copies nothing
        step = np.diff(order) == 1
        runs = np.r_[0, np.cumsum(~step)] if len(order) else order
        rows: dict[str, slice | np.ndarray] = {}
        texts: dict[str, str] = {}
        for i, name in enumerate(names):
            a, b = cuts[i], cuts[i + 1]
            rows[str(name)] = slice(int(order[a]), int(order[b - 1]) + 1) if runs[a] == runs[b - 1] else order[a:b]
            texts[str(name)] = schemas.TURN_SEPARATOR.join(values[a:b].tolist())
        for name in self.documents["doc_id"].astype(str):
            rows.setdefault(name, slice(0, 0))
            texts.setdefault(name, "")
        cache.clear()
        cache.update(turns=turns, n=len(turns), rows=rows, texts=texts)
        return cache

    def __getstate__(self) -> dict[str, Any]:
        # what is kept is rebuilt where it is needed, not shipped (to dask workers, to a cache)
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    @property
    def doc_ids(self) -> list[str]:
        return self.documents["doc_id"].tolist()

    @property
    def variables(self) -> list[str]:
        """Names of the document variables (the documents frame's extra columns)."""
        return [c for c in self.documents.columns if c not in schemas.DOCUMENTS.names]

    @property
    def speaker_variables(self) -> list[str]:
        """Names of the speaker attributes (the turns frame's extra columns)."""
        return [c for c in self.turns.columns if c not in schemas.TURNS.names]

    @property
    def title(self) -> str:
        return self.manifest.title or (self.root.name if self.root else "corpus")

    def subset(self, doc_ids: Iterable[str]) -> "Corpus":
        """A corpus of the given documents only (offsets unchanged)."""
        keep = list(doc_ids)
        unknown = sorted(set(keep) - set(self.documents["doc_id"]))
        if unknown:
            raise UnknownNameError("RK-C10", f"no document {unknown[0]!r} in this corpus."
                                   f"{did_you_mean(unknown[0], self.doc_ids)}")
        docs = self.documents[self.documents["doc_id"].isin(keep)].reset_index(drop=True)
        turns = self.turns[self.turns["doc_id"].isin(keep)].reset_index(drop=True)
        events = self.events[self.events["doc_id"].isin(keep)].reset_index(drop=True)
        speakers = self.speakers[self.speakers["doc_id"].isin(keep)].reset_index(drop=True)
        gold = None
        if self.gold_tokens is not None:
            gold = self.gold_tokens[self.gold_tokens["doc_id"].isin(keep)].reset_index(drop=True)
            gold = gold if len(gold) else None
        return Corpus(docs, turns, self.manifest, self.root, self.problems, self.cache_dir, events, speakers, gold)

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        return (f"<Corpus {self.title!r}: {len(self.documents)} documents, {len(self.turns)} turns, "
                f"{int(self.documents['n_words'].sum())} words>")


# ---------------------------------------------------------------------------
# assembling frames


def build_corpus(documents: pd.DataFrame, turns: pd.DataFrame, *,
                 manifest: Manifest | Mapping[str, Any] | None = None, root: Path | None = None,
                 problems: pd.DataFrame | None = None, cache_dir: Path | None = None,
                 events: pd.DataFrame | None = None, speakers: pd.DataFrame | None = None,
                 gold_tokens: pd.DataFrame | None = None) -> Corpus:
    """Make a :class:`Corpus` from document and turn records, computing what derives from them.

    ``manifest`` is a :class:`~research_kit.manifest.Manifest` or a mapping of manifest
    fields (``{"title": "x", "language": "fr"}``), parsed as ``corpus.yml`` would be.

    ``turns`` needs ``doc_id, speaker, text`` (``turn``, ``role``, ``start_s``, ``end_s``
    optional); ``documents`` needs ``doc_id`` and may carry any other column. Turn
    indices, character offsets, word counts and the documents' counts are (re)computed
    here, the one place that defines a document's text. Empty turns are dropped. Further
    columns of ``turns`` are speaker attributes and are kept.

    ``events`` (:data:`schemas.EVENTS`), ``speakers`` (:data:`schemas.SPEAKERS`) and
    ``gold_tokens`` (``doc_id, turn, start, end, text, lemma, pos, sentence``, offsets in
    the turn's text) come from the readers; ``turn`` there counts non-empty turns.
    """
    turns = turns.copy()
    for col, default in (("role", pd.NA), ("start_s", np.nan), ("end_s", np.nan)):
        if col not in turns:
            turns[col] = default
    turns["text"] = turns["text"].astype("string").str.strip()
    turns = turns[turns["text"].fillna("").str.len() > 0]
    order = pd.Categorical(turns["doc_id"], categories=list(dict.fromkeys(documents["doc_id"])))
    sort_cols = ["turn"] if "turn" in turns else []
    turns = turns.assign(_order=order).sort_values(["_order", *sort_cols], kind="stable").drop(columns="_order")
    turns["turn"] = turns.groupby("doc_id", sort=False).cumcount()
    lengths = turns["text"].str.len().astype("int64")
    sep = len(schemas.TURN_SEPARATOR)
    ends = lengths.groupby(turns["doc_id"], sort=False).cumsum() + turns["turn"] * sep
    turns["end_char"] = ends.astype("int64")
    turns["start_char"] = (ends - lengths).astype("int64")
    turns["n_words"] = turns["text"].map(count_words).astype("int64")
    for col in ("start_s", "end_s"):
        turns[col] = pd.to_numeric(turns[col], errors="coerce").astype("float64")
    turns["speaker"] = turns["speaker"].astype("string").fillna(schemas.UNKNOWN_SPEAKER)
    turns["role"] = turns["role"].astype("string")
    turns["doc_id"] = turns["doc_id"].astype("string")
    attributes = [c for c in turns.columns if c not in schemas.TURNS.names]
    for col in attributes:
        turns[col] = turns[col].astype("string")
    turns = turns[schemas.TURNS.names + attributes].reset_index(drop=True)

    documents = documents.copy()
    g = turns.groupby("doc_id", sort=False)
    stats = pd.DataFrame({
        "n_turns": g.size(),
        "n_speakers": g["speaker"].nunique(),
        "n_words": g["n_words"].sum(),
        "n_chars": g["end_char"].max(),
        "duration_s": g["end_s"].max().fillna(g["start_s"].max()) - g["start_s"].min(),
    })
    stats.index = stats.index.astype(object)
    documents = documents.drop(columns=[c for c in stats.columns if c in documents.columns])
    documents = documents.join(stats, on="doc_id")
    for col in ("n_turns", "n_speakers", "n_words", "n_chars"):
        documents[col] = documents[col].fillna(0).astype("int64")
    documents["duration_s"] = documents["duration_s"].astype("float64")
    for col, dtype in schemas.DOCUMENTS.dtypes.items():
        if col not in documents:
            documents[col] = pd.Series(pd.NA if dtype == "string" else np.nan, index=documents.index)
    documents["date"] = pd.to_datetime(documents["date"]).astype("datetime64[ns]")
    for col in ("doc_id", "title", "path", "format", "layout", "language"):
        documents[col] = documents[col].astype("string")
    extra = [c for c in documents.columns if c not in schemas.DOCUMENTS.names]
    for col in extra:
        documents[col] = documents[col].astype("string")
    documents = documents[schemas.DOCUMENTS.names + extra].reset_index(drop=True)
    if problems is None:
        problems = schemas.empty_frame(schemas.PROBLEMS)
    if not isinstance(manifest, Manifest):
        manifest = Manifest.from_dict(manifest)
    return Corpus(documents, turns, manifest, root, problems, cache_dir, _events(events), _speakers(speakers),
                  _gold_tokens(gold_tokens, turns, documents))


def _events(events: pd.DataFrame | None) -> pd.DataFrame:
    if events is None or not len(events):
        return schemas.empty_frame(schemas.EVENTS)
    events = events.copy()
    for col, dtype in schemas.EVENTS.dtypes.items():
        if col not in events:
            events[col] = pd.NA if dtype in ("string", "Int64") else np.nan
        events[col] = events[col].astype(dtype)
    return events[schemas.EVENTS.names].reset_index(drop=True)


def _speakers(speakers: pd.DataFrame | None) -> pd.DataFrame:
    if speakers is None or not len(speakers):
        return schemas.empty_frame(schemas.SPEAKERS)
    speakers = speakers.copy()
    if "role" not in speakers:
        speakers["role"] = pd.NA
    extra = [c for c in speakers.columns if c not in schemas.SPEAKERS.names]
    speakers = speakers[schemas.SPEAKERS.names + extra].astype("string")
    return speakers.drop_duplicates(["doc_id", "speaker"]).reset_index(drop=True)


def _gold_tokens(gold: pd.DataFrame | None, turns: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame | None:
    """Gold tokens with offsets in the document text, as :data:`schemas.TOKENS`.

    Built on arrays (a treebank holds a million tokens): each token's turn is found by
    position (a document's turns are numbered from 0 in order), not by a merge.
    """
    if gold is None or not len(gold):
        return None
    from .stopwords import mark_stops, stop_words

    doc = gold["doc_id"].to_numpy(dtype=object)
    turn = gold["turn"].to_numpy(dtype=np.int64)
    t_doc = turns["doc_id"].to_numpy(dtype=object)
    t_turn = turns["turn"].to_numpy(dtype=np.int64)
    first = {}  # doc_id -> row of its turn 0
    for row in np.flatnonzero(t_turn == 0):
        first.setdefault(t_doc[row], row)
    row = np.array([first.get(d, -1) for d in doc], dtype=np.int64) + turn
    ok = (row >= turn) & (row < len(t_turn))
    ok[ok] &= (t_doc[row[ok]] == doc[ok]) & (t_turn[row[ok]] == turn[ok])
    if not ok.all():
        gold, doc, turn, row = gold[ok], doc[ok], turn[ok], row[ok]
    base = turns["start_char"].to_numpy(dtype=np.int64)[row]
    language = {d: (None if pd.isna(x) else x) for d, x in zip(documents["doc_id"].to_numpy(dtype=object),
                                                                documents["language"].to_numpy(dtype=object))}
    langs = np.array([language.get(d) for d in doc], dtype=object)
    texts = gold["text"].tolist()
    lemmas = _lower([le if le is not None else t for t, le in zip(texts, _values(gold["lemma"]))])
    pos = [p if p is not None else "X" for p in _values(gold["pos"])]
    sentence = gold["sentence"].to_numpy(dtype=np.int64)
    token = pd.Series(doc).groupby(doc, sort=False).cumcount().to_numpy(dtype=np.int64)
    is_punct = np.array([p == "PUNCT" for p in pos], dtype=bool)
    is_stop = np.zeros(len(doc), dtype=bool)
    sent_start = np.ones(len(doc), dtype=bool)
    sent_start[1:] = sentence[1:] != sentence[:-1]
    lowers = _lower(texts, apostrophe=True)
    lemma_keys = _lower(lemmas, apostrophe=True)
    groups = pd.DataFrame({"d": doc, "l": ["" if x is None else x for x in langs]})
    for (_, lang), rows in groups.groupby(["d", "l"], sort=False).indices.items():
        if rows[-1] - rows[0] + 1 == len(rows):  # a document's tokens in one run: slices, not lookups
            cut = slice(int(rows[0]), int(rows[-1]) + 1)
            words, keys, tags = lowers[cut], lemma_keys[cut], pos[cut]
        else:
            take = rows.tolist()
            words, keys, tags = [lowers[k] for k in take], [lemma_keys[k] for k in take], [pos[k] for k in take]
        is_stop[rows] = mark_stops(words, keys, tags, is_punct[rows].tolist(), sent_start[rows].tolist(),
                                   stop_words(lang or "xx"), lang)
    out = pd.DataFrame({
        "doc_id": doc, "turn": turn, "sentence": sentence, "token": token, "text": texts, "lemma": lemmas,
        "pos": pos, "start_char": base + gold["start"].to_numpy(dtype=np.int64),
        "end_char": base + gold["end"].to_numpy(dtype=np.int64), "language": langs,
        "is_punct": is_punct, "is_space": False, "is_stop": is_stop,
        "is_pseudonym": False,  # annotate() marks them, from the corpus's text
        "ent_type": "",
    })
    out = out[schemas.TOKENS.names]
    return out.astype({c: d for c, d in schemas.TOKENS.dtypes.items()}).reset_index(drop=True)


def _lower(words: list[str], *, apostrophe: bool = False) -> list[str]:
    """``words`` in lower case (and with straight apostrophes), in one pass over their joined text.

    Token texts hold no line break; should one, each word is lowered on its own.
    """
    joined = "\n".join(words)
    if joined.count("\n") != max(len(words) - 1, 0):
        out = [w.lower() for w in words]
        return [w.replace("’", "'") for w in out] if apostrophe else out
    joined = joined.lower()
    if apostrophe:
        joined = joined.replace("’", "'")
    return joined.split("\n") if words else []


def _values(column: pd.Series) -> list:
    """A column's values as a list, missing ones (None, NaN, NA) as None."""
    return column.astype(object).where(column.notna(), None).tolist()


# ---------------------------------------------------------------------------
# one transcript

#: A function that raises a problem (errors="raise") or keeps it (errors="collect").
Report = Callable[[ResearchKitError], None]


def _raise(error: ResearchKitError) -> None:
    raise error


def transcript_records(file: str | Path, *, rel: str | None = None, manifest: Manifest | None = None,
                       stems: Mapping[str, int] | None = None, languages: tuple[str, ...] = ("fr", "en"),
                       report: Report = _raise, speaker_table: SpeakerTable | None = None,
                       ) -> tuple[list[dict[str, Any]], list[dict[str, list]]]:
    """Read one transcript file into document rows and turn frames, applying its settings.

    Parameters
    ----------
    file
        The transcript.
    rel
        Its path relative to the corpus folder, as messages and the manifest name it
        (default: the file name).
    manifest
        The corpus's manifest, for the file's settings, roles, variables and defaults.
    stems
        How many files of the corpus share each file stem (a shared stem makes the
        relative path the ``doc_id``).
    report
        Called with each problem that does not stop the file (unknown front matter);
        problems that do are raised.
    speaker_table
        Speakers' attributes from the manifest's ``speakers:`` table, which override
        what the file says (the manifest's ``roles:`` override both).

    Returns
    -------
    (list of dict, list of dict)
        One documents row and one turns record (column name → list) per text of the
        file (most files hold one); :func:`records_frames` makes the frames
        :func:`build_corpus` takes. A turns record also carries the document's events,
        speakers and gold tokens, under the keys ``"_events"``, ``"_speakers"`` and
        ``"_tokens"`` (a list of at most one dict of token columns).

    Raises
    ------
    InputFileError
        For a file that cannot be read as its format (a code of ``docs/errors.md``).
    """
    file = Path(file)
    rel = rel or file.name
    manifest = manifest or Manifest()
    entry = manifest.entry(rel)
    parsed, fmt = _parse_file(file, rel, entry, report)
    rows, frames = [], []
    for doc in parsed:
        row, turns = _document(doc, fmt, rel, entry, manifest, stems or {}, languages, report, speaker_table or {})
        rows.append(row)
        frames.append(turns)
    return rows, frames


def read_transcript(path: str | Path, *, errors: str = "raise",
                    languages: tuple[str, ...] = ("fr", "en")) -> Corpus:
    """Read one transcript file (any supported format) into a :class:`Corpus`, with no manifest.

    For a folder of transcripts and its ``corpus.yml``, use
    :func:`research_kit.project.read_corpus`, which reads a single file through this one.

    Parameters
    ----------
    errors
        ``"raise"`` or ``"collect"`` (the problems land in ``corpus.problems``).
    """
    from .errors import check_option

    check_option("errors", errors, ("raise", "collect"), function="read_transcript")
    path = Path(path)
    rows: list[dict[str, Any]] = []
    frames: list[dict[str, list]] = []
    problems: list[dict[str, object]] = []

    def report(error: ResearchKitError) -> None:
        if errors == "raise":
            raise error
        problems.append(error.as_record())

    if path.suffix.lower() not in READERS:
        hint = CONVERT_FIRST.get(path.suffix.lower(), "Supported: " + ", ".join(sorted(READERS)) + ".")
        report(InputFileError("RK-R03", f'unknown extension "{path.suffix or "(none)"}" for a transcript.',
                              path=path.name, hint=hint))
    else:
        try:
            rows, frames = transcript_records(path, rel=path.name, languages=languages, report=report)
        except ResearchKitError as e:
            report(e)
    documents, turns, extras = records_frames(rows, frames)
    frame = (pd.DataFrame(problems, columns=schemas.PROBLEMS.names).astype(schemas.PROBLEMS.dtypes) if problems
             else schemas.empty_frame(schemas.PROBLEMS))
    return build_corpus(documents, turns, root=path.parent, problems=frame, **extras)


def records_frames(rows: list[dict[str, Any]], frames: list[dict[str, list]],
                   ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame | None]]:
    """The documents and turns records of :func:`transcript_records`, as the frames
    :func:`build_corpus` takes (empty ones with their key columns when nothing was read).

    Returns ``(documents, turns, extras)``; ``extras`` holds the ``events``, ``speakers``
    and ``gold_tokens`` frames (``None`` when no file gave any), to pass to
    :func:`build_corpus` as keywords. The turns of every document are joined as lists and
    made into one frame at the end: a corpus of 50,000 short texts (an IRaMuTeQ file)
    builds one frame, not 50,000.
    """
    extras: dict[str, list] = {"events": [], "speakers": [], "gold_tokens": []}
    if rows:
        base = ("doc_id", "speaker", "text", "start_s", "end_s", "role")
        attributes = list(dict.fromkeys(c for turns in frames for c in turns if c not in base and c[0] != "_"))
        columns: dict[str, list] = {c: [] for c in (*base, *attributes)}
        for turns in frames:
            n = len(turns["doc_id"])
            for c in columns:
                values = turns.get(c)
                columns[c].extend(values if values is not None else [None] * n)
            extras["events"].extend(turns.get("_events", ()))
            extras["speakers"].extend(turns.get("_speakers", ()))
            extras["gold_tokens"].extend(turns.get("_tokens", ()))
        turns_frame = pd.DataFrame(columns)
        for c in ("start_s", "end_s"):
            turns_frame[c] = turns_frame[c].astype("float64")
        out = {k: ((_columns_frame(v) if k == "gold_tokens" else pd.DataFrame(v)) if v else None)
               for k, v in extras.items()}
        return pd.DataFrame(rows), turns_frame, out
    return (pd.DataFrame({"doc_id": pd.Series(dtype="string")}),
            pd.DataFrame({c: [] for c in ("doc_id", "speaker", "text")}), {k: None for k in extras})


def _parse_file(file: Path, rel: str, entry: Mapping[str, Any],
                report: Report = _raise) -> tuple[list[ParsedDocument], str]:
    fmt = entry.get("format") or READERS[file.suffix.lower()]
    if fmt not in FORMATS:
        raise ManifestError("RK-C07", f'unknown format "{fmt}" for "{rel}".{did_you_mean(fmt, set(FORMATS))}',
                            hint="Use one of " + ", ".join(sorted(FORMATS)) + ".")
    import importlib

    reader = FORMATS[fmt]
    module = importlib.import_module(f".readers.{reader.module}", __package__)
    if fmt == "docx":
        return module.parse_docx(file, display_path=rel), fmt
    if reader.takes == "path":
        return module.__dict__[reader.function](file, path=rel, options=entry), fmt
    text, _ = read_text(file, encoding=entry.get("encoding"), shown=rel)
    if fmt == "vtt":
        return module.parse_vtt(text, path=rel), fmt
    if fmt == "srt":
        return module.parse_srt(text, path=rel), fmt
    if fmt == "csv":
        # bad rows are reported one by one (errors="collect" keeps the good rows), never dropped
        return module.parse_csv(text, path=rel, columns=entry.get("columns"),
                                report=None if report is _raise else report), fmt
    if fmt in ("txt", "md", "iramuteq"):
        from .readers.iramuteq import looks_like_iramuteq, parse_iramuteq
        from .readers.text import parse_text

        if fmt == "iramuteq" or (fmt == "txt" and looks_like_iramuteq(text)):
            return parse_iramuteq(text, path=rel), "iramuteq"
        return parse_text(text, path=rel, markdown=fmt == "md"), fmt
    return module.__dict__[reader.function](text, path=rel, options=entry), fmt


def _document(doc: ParsedDocument, fmt: str, rel: str, entry: Mapping[str, Any], manifest: Manifest,
              stems: Mapping[str, int], languages: tuple[str, ...],
              report: Report, speaker_table: SpeakerTable) -> tuple[dict[str, Any], dict[str, list]]:
    front = dict(doc.variables)
    # Only front matter is typed by the user; what a format's header declares (IRaMuTeQ star
    # lines, Transcriber, CHAT and TEI headers) is kept as the file gives it.
    if manifest.variables is not None and fmt in ("txt", "md"):
        for key in [k for k in front if k not in FRONT_MATTER_FIELDS and not manifest.declares(k)]:
            report(ManifestError("RK-C04", f'unknown front-matter field "{key}".'
                                 f'{did_you_mean(key, manifest.variables)}',
                                 path=rel, hint="Declare it under `variables:` in corpus.yml, or fix the name."))
            front.pop(key)
    settings = {**front, **entry}
    stem = PurePosixPath(rel).stem if stems.get(PurePosixPath(rel).stem, 0) <= 1 else str(PurePosixPath(rel).with_suffix(""))
    if doc.suffix is not None:  # one text of a multi-text file: the file's id or stem, then the text's
        doc_id = f"{entry.get('id') or stem}-{doc.suffix}"
    else:
        doc_id = str(entry.get("id") or front.get("id") or stem)
    if fmt == "iramuteq":
        # IRaMuTeQ modalities are words ("*date_printemps", "*date_1969-1970"): kept as given, never refused
        given = settings.get("date")
        doc_date = None if given in (None, "") else parse_date(given)
        if given not in (None, "") and (doc_date is None or str(given) != doc_date.strftime("%Y-%m-%d")):
            settings = {**settings, "date_modality": str(given)}
    else:
        doc_date = _date(settings.get("date"), path=rel)  # the manifest's dates were checked with it
    text_sample = " ".join(t.text for t in doc.turns[:200])
    language = settings.get("language") or detect_language(text_sample, languages=languages) or manifest.language
    roles = {**manifest.roles, **(settings.get("roles") or {})}
    roles = {speaker_key(k): (None if v is None else str(v)) for k, v in roles.items()}
    unnamed = settings.get("speaker")
    speakers = [t.speaker if t.speaker is not None else unnamed for t in doc.turns]
    starts = [np.nan if t.start_s is None else float(t.start_s) for t in doc.turns]
    ends = [np.nan if t.end_s is None else float(t.end_s) for t in doc.turns]
    # A turn without an end time ends when the next one starts.
    for i in range(len(ends) - 1):
        if ends[i] != ends[i] and starts[i + 1] >= starts[i]:  # NaN end; NaN starts compare False
            ends[i] = starts[i + 1]
    people = _people(doc, doc_id, speakers, roles, speaker_table)
    attributes = list(dict.fromkeys(a for attrs in people.values() for a in attrs if a != "role"))
    turns = {
        "doc_id": [doc_id] * len(speakers),
        "speaker": speakers,
        "text": [t.text for t in doc.turns],
        "start_s": starts,
        "end_s": ends,
        "role": [people.get(sp, {}).get("role") if sp is not None else None for sp in speakers],
    }
    for attribute in attributes:
        if attribute in turns or attribute in schemas.TURNS.names:
            continue
        turns[attribute] = [people.get(sp, {}).get(attribute) for sp in speakers]
    # turn indices after build_corpus drops empty turns
    kept = np.cumsum([bool(t.text.strip()) for t in doc.turns]) - 1 if doc.turns else np.zeros(0, dtype=int)
    turns["_speakers"] = [{"doc_id": doc_id, "speaker": sp, **attrs} for sp, attrs in people.items()]
    turns["_events"] = [{
        "doc_id": doc_id, "turn": (int(kept[e.position - 1]) if 0 < e.position <= len(kept) and kept[e.position - 1] >= 0
                                   else (int(kept[-1]) if e.position > len(kept) and len(kept) and kept[-1] >= 0
                                         else None)),
        "kind": e.kind, "text": e.text, "speaker": e.speaker, "start_s": e.start_s, "end_s": e.end_s,
    } for e in doc.events]
    turns["_tokens"] = _token_columns(doc, doc_id, kept)
    reserved = FRONT_MATTER_FIELDS | DOCUMENT_FIELDS
    variables = {k: _scalar(v) for k, v in settings.items() if k not in reserved}
    row = {
        "doc_id": doc_id,
        "title": str(settings.get("title") or doc.title or doc_id),
        "path": rel,
        "format": fmt,
        "layout": doc.layout,
        "language": None if language is None else str(language),
        "date": doc_date,
        **variables,
    }
    return row, turns


def _token_columns(doc: ParsedDocument, doc_id: str, kept: np.ndarray) -> list[dict[str, Any]]:
    """A document's gold tokens as columns (one dict of arrays, or none), offsets in their turn's stripped text.

    Columns, not a dict per token: a treebank's million tokens would otherwise be a million dicts."""
    chosen = [(i, t) for i, t in enumerate(doc.turns) if t.tokens and t.text.strip()]
    if not chosen:
        return []
    counts = [len(t.tokens) for _, t in chosen]
    n = sum(counts)
    shift = np.repeat(np.array([len(t.text) - len(t.text.lstrip()) for _, t in chosen], dtype=np.int64), counts)
    columns: dict[str, list] = {k: [] for k in ("start", "end", "text", "lemma", "pos", "sentence")}
    for _, t in chosen:
        if isinstance(t.tokens, TokenColumns):
            for k, values in columns.items():
                values.extend(getattr(t.tokens, k))
        else:
            for k, values in columns.items():
                values.extend(map(attrgetter(k), t.tokens))
    return [{
        "doc_id": [doc_id] * n,
        "turn": np.repeat(np.array([int(kept[i]) for i, _ in chosen], dtype=np.int64), counts),
        "start": np.array(columns["start"], dtype=np.int64) - shift,
        "end": np.array(columns["end"], dtype=np.int64) - shift,
        "text": columns["text"],
        "lemma": columns["lemma"],
        "pos": columns["pos"],
        "sentence": np.array(columns["sentence"], dtype=np.int64),
    }]


def _columns_frame(parts: list[dict[str, Any]]) -> pd.DataFrame:
    """One frame from column dicts of the same keys (lists or arrays)."""
    import itertools

    keys = list(parts[0])
    # text columns stay Python objects: they are read back as lists (a string dtype would be
    # built here and undone there, a second each on a million tokens)
    return pd.DataFrame({k: (np.concatenate([p[k] for p in parts]) if isinstance(parts[0][k], np.ndarray)
                             else pd.Series(list(itertools.chain.from_iterable(p[k] for p in parts)), dtype=object))
                         for k in keys})


def _people(doc: ParsedDocument, doc_id: str, speakers: list[str | None], roles: Mapping[str, str | None],
            table: SpeakerTable) -> dict[str, dict[str, str]]:
    """Each speaker of a document with their attributes: the file's, then the speakers
    table's (for this document, then for every document), then the manifest's role."""
    out: dict[str, dict[str, str]] = {}
    given = {speaker_key(k): v for k, v in doc.speakers.items()}
    for sp in dict.fromkeys(s for s in speakers if s is not None):
        key = speaker_key(sp)
        attrs = {k: str(v) for k, v in (given.get(key) or {}).items() if v not in (None, "")}
        for scope in (None, doc_id):
            attrs.update({k: str(v) for k, v in (table.get((scope, key)) or {}).items() if v not in (None, "")})
        if key in roles:
            if roles[key] is None:
                attrs.pop("role", None)
            else:
                attrs["role"] = roles[key]
        out[sp] = attrs
    return out


def speaker_key(label: Any) -> str:
    """How speaker labels are compared with the manifest's roles: case, spacing, final dots and a
    parenthesised note (pronouns, device, organisation: ``Marie-Ève (elle)``) ignored."""
    label = re.sub(r"\s*\([^()]*\)\s*$", "", str(label))
    return " ".join(label.split()).rstrip(".").casefold()


def _scalar(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date(value: Any, *, path: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    stamp = parse_date(value)
    if stamp is None:
        raise ManifestError("RK-C08", f'date "{value}" is not a date.', path=path,
                            hint="Write dates as YYYY-MM-DD in the front matter.")
    return stamp
