"""The corpus: a folder of transcripts and its optional ``corpus.yml`` manifest.

:func:`read_corpus` reads every transcript with the reader for its format, applies the
manifest (titles, dates, languages, roles, document variables) and returns a frozen
:class:`Corpus` holding two tidy frames, ``documents`` and ``turns``, whose columns are
declared in :mod:`research_kit.schemas`. Source files are only ever read.

The manifest
------------
Every key is optional::

    title: Médiation et participation (corpus fictif)
    language: fr                 # default language of the documents
    identities: true             # the transcripts name real people: pseudonymise before briefs
    facilitator_roles: [animatrice]   # roles that hold the floor by office (participation figures)
    variables:                   # document variables (name: description, or a list of names)
      project: Projet ou processus
      site: Ville
    roles:                       # speaker label -> role, for the whole corpus
      Marie-Ève Tremblay: médiatrice
    include: ["transcripts/**"]  # which files are transcripts (default: every supported file)
    exclude: ["brouillons/**"]
    documents:                   # per file, by path relative to the corpus folder
      transcripts/cop-01.txt:
        id: mtl-cop-01
        title: Communauté de pratique, janvier
        date: 2025-01-22
        language: fr
        project: Communauté de pratique
        roles: {Karim: invité}   # per-document roles override the corpus-wide ones
        speaker: Karim           # speaker of a file without labels
        columns: {speaker: Locuteur, text: Propos}   # CSV columns
        encoding: cp1252         # only if detection gets it wrong
        format: iramuteq         # only to override the extension

A transcript's YAML front matter may carry ``title``, ``date``, ``language``,
``speaker`` and document variables. Unknown keys are errors (a typo would otherwise
silently lose a variable); a manifest without ``variables:`` accepts any variable in
front matter.

Language: the document's own (manifest, front matter), else detected from its text,
else the corpus default.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schemas
from ._io import read_text
from .errors import InputFileError, ManifestError, ResearchKitError, check_option, did_you_mean
from .language import detect_language
from .readers import ParsedDocument

__all__ = ["Corpus", "read_corpus", "write_corpus", "count_words", "build_corpus", "READERS", "MANIFEST_NAME"]

MANIFEST_NAME = "corpus.yml"

#: file suffix -> format name
READERS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".vtt": "vtt", ".srt": "srt",
    ".docx": "docx", ".csv": "csv", ".tsv": "csv",
}
_CONVERT_FIRST = {
    ".doc": "Open it in Word or LibreOffice and save it as .docx.",
    ".rtf": "Open it in Word or LibreOffice and save it as .docx.",
    ".odt": "Open it in LibreOffice and save it as .docx.",
    ".xlsx": "Export the sheet as CSV (one row per utterance).",
    ".xls": "Export the sheet as CSV (one row per utterance).",
    ".pdf": "Export the transcript as text or .docx from the program that made the PDF.",
}
# Files a corpus folder commonly holds that are not transcripts.
_IGNORED = ["corpus.yml", "corpus.yaml", "codebook.*", "codings/**", "codings*.csv", "README*", "LICENSE*",
            "NOTICE*", "*.parquet", "*.qdpx", "*.qdc", "Thumbs.db", "desktop.ini"]
_TOP_KEYS = {"title", "description", "language", "identities", "pseudonymised", "fiction", "variables", "roles",
             "include", "exclude", "documents", "codebook", "codings", "columns", "encoding", "notice",
             "facilitator_roles"}
_DOC_KEYS = {"id", "title", "date", "language", "format", "encoding", "columns", "roles", "speaker"}
_FRONT_KEYS = {"title", "date", "language", "speaker", "id", "roles"}
_WORD_RE = re.compile(r"\w+(?:[-‑]\w+)*")


def count_words(text: str) -> int:
    """Number of words: runs of letters/digits, hyphenated compounds counting once.

    An apostrophe separates words (``l'équipe`` is two), as in French tokenisation.

    >>> count_words("Bon, ben… l'équipe est peut-être épuisée.")
    7
    """
    return len(_WORD_RE.findall(text))


@dataclass(frozen=True, eq=False)
class Corpus:
    """A read-only corpus: ``documents`` and ``turns`` frames (see ``docs/frames.md``).

    Attributes
    ----------
    documents, turns
        Tidy frames following :data:`schemas.DOCUMENTS` and :data:`schemas.TURNS`.
    manifest
        The manifest as read (empty without ``corpus.yml``).
    root
        The corpus folder, or ``None`` for a corpus built in memory.
    problems
        What could not be read (``errors="collect"``), following :data:`schemas.PROBLEMS`.
    """

    documents: pd.DataFrame
    turns: pd.DataFrame
    manifest: Mapping[str, Any] = field(default_factory=dict)
    root: Path | None = None
    problems: pd.DataFrame = field(default_factory=lambda: schemas.empty_frame(schemas.PROBLEMS))
    _texts: dict = field(default_factory=dict, init=False, repr=False)

    def text(self, doc_id: str) -> str:
        """The document text that every character offset refers to.

        It is the document's turn texts joined by :data:`schemas.TURN_SEPARATOR`.
        """
        if doc_id not in self._texts:
            turns = self.turns[self.turns["doc_id"] == doc_id]
            if turns.empty and doc_id not in set(self.documents["doc_id"]):
                known = self.documents["doc_id"].tolist()
                raise KeyError(f"[RK-C10] no document {doc_id!r} in this corpus.{did_you_mean(doc_id, known)}")
            self._texts[doc_id] = schemas.TURN_SEPARATOR.join(turns.sort_values("turn")["text"].tolist())
        return self._texts[doc_id]

    @property
    def doc_ids(self) -> list[str]:
        return self.documents["doc_id"].tolist()

    @property
    def variables(self) -> list[str]:
        """Names of the document variables (the documents frame's extra columns)."""
        return [c for c in self.documents.columns if c not in schemas.DOCUMENTS.names]

    @property
    def title(self) -> str:
        return str(self.manifest.get("title") or (self.root.name if self.root else "corpus"))

    def subset(self, doc_ids: Iterable[str]) -> "Corpus":
        """A corpus of the given documents only (offsets unchanged)."""
        keep = list(doc_ids)
        unknown = sorted(set(keep) - set(self.documents["doc_id"]))
        if unknown:
            raise KeyError(f"[RK-C10] no document {unknown[0]!r} in this corpus."
                           f"{did_you_mean(unknown[0], self.doc_ids)}")
        docs = self.documents[self.documents["doc_id"].isin(keep)].reset_index(drop=True)
        turns = self.turns[self.turns["doc_id"].isin(keep)].reset_index(drop=True)
        return Corpus(docs, turns, self.manifest, self.root, self.problems)

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        return (f"<Corpus {self.title!r}: {len(self.documents)} documents, {len(self.turns)} turns, "
                f"{int(self.documents['n_words'].sum())} words>")


# ---------------------------------------------------------------------------
# assembling frames


def build_corpus(documents: pd.DataFrame, turns: pd.DataFrame, *, manifest: Mapping[str, Any] | None = None,
                 root: Path | None = None, problems: pd.DataFrame | None = None) -> Corpus:
    """Make a :class:`Corpus` from document and turn records, computing what derives from them.

    ``turns`` needs ``doc_id, speaker, text`` (``turn``, ``role``, ``start_s``, ``end_s``
    optional); ``documents`` needs ``doc_id`` and may carry any other column. Turn
    indices, character offsets, word counts and the documents' counts are (re)computed
    here, the one place that defines a document's text. Empty turns are dropped.
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
    turns = turns[schemas.TURNS.names].reset_index(drop=True)

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
    for col in ("doc_id", "title", "path", "format", "language"):
        documents[col] = documents[col].astype("string")
    extra = [c for c in documents.columns if c not in schemas.DOCUMENTS.names]
    for col in extra:
        documents[col] = documents[col].astype("string")
    documents = documents[schemas.DOCUMENTS.names + extra].reset_index(drop=True)
    if problems is None:
        problems = schemas.empty_frame(schemas.PROBLEMS)
    return Corpus(documents, turns, dict(manifest or {}), root, problems)


# ---------------------------------------------------------------------------
# reading


class _Collector:
    """Raises at once (errors="raise") or keeps problems as rows (errors="collect")."""

    def __init__(self, mode: str, root: Path) -> None:
        self.mode, self.root, self.rows = mode, root, []

    def __call__(self, error: ResearchKitError) -> None:
        if self.mode == "raise":
            raise error
        self.rows.append(error.as_record())

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return schemas.empty_frame(schemas.PROBLEMS)
        df = pd.DataFrame(self.rows, columns=schemas.PROBLEMS.names)
        return df.astype(schemas.PROBLEMS.dtypes)


def read_corpus(path: str | Path, *, errors: Literal["raise", "collect"] = "raise",
                languages: tuple[str, ...] = ("fr", "en")) -> Corpus:
    """Read a folder of transcripts (or one transcript file) into a :class:`Corpus`.

    Parameters
    ----------
    path
        A corpus folder (with an optional ``corpus.yml``) or a single transcript.
    errors
        ``"raise"`` stops at the first problem with an error naming the file and line;
        ``"collect"`` reads what it can and lists the problems in ``corpus.problems``.
    languages
        Languages that detection may answer (see :func:`research_kit.language.detect_language`).

    Returns
    -------
    Corpus
        ``.documents`` and ``.turns`` follow ``schemas.DOCUMENTS`` and ``schemas.TURNS``.

    Raises
    ------
    InputFileError
        For an unreadable file, with a code listed in ``docs/errors.md``.

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")            # doctest: +SKIP
    >>> corpus.turns[["doc_id", "speaker", "text"]].head()  # doctest: +SKIP
    """
    check_option("errors", errors, ("raise", "collect"), function="read_corpus")
    path = Path(path)
    if not path.exists():
        raise InputFileError("RK-C02", "no such folder or file.", path=path,
                             hint="Give the path of a corpus folder or of one transcript.")
    root = path if path.is_dir() else path.parent
    report = _Collector(errors, root)
    manifest, lines = _read_manifest(root, report) if path.is_dir() else ({}, {})
    files = _list_files(root, manifest, lines, report) if path.is_dir() else [path]

    declared = _declared_variables(manifest)
    doc_rows: list[dict[str, Any]] = []
    turn_frames: list[pd.DataFrame] = []
    seen_ids: dict[str, str] = {}
    stems = _stem_counts(files, root)
    entries = manifest.get("documents") or {}
    for file in files:
        rel = _rel(file, root)
        entry = entries.get(rel, {}) if isinstance(entries, dict) else {}
        entry = entry if isinstance(entry, dict) else {}
        try:
            parsed, fmt = _parse_file(file, rel, entry)
            for doc in parsed:
                row, turns = _document(doc, fmt, rel, entry, manifest, lines, declared, stems, languages, report)
                if row["doc_id"] in seen_ids:
                    raise ManifestError(
                        "RK-C06", f'document id "{row["doc_id"]}" is already used by {seen_ids[row["doc_id"]]}.',
                        path=_shown(root / MANIFEST_NAME, root) if entry.get("id") else rel,
                        line=lines.get(("documents", rel, "id")),
                        hint="Give each document a distinct `id:` in corpus.yml.")
                seen_ids[row["doc_id"]] = rel
                doc_rows.append(row)
                turn_frames.append(turns)
        except ResearchKitError as e:
            report(e)
    if not doc_rows:
        documents = pd.DataFrame({"doc_id": pd.Series(dtype="string")})
        turns = pd.DataFrame({c: [] for c in ("doc_id", "speaker", "text")})
    else:
        documents = pd.DataFrame(doc_rows)
        turns = pd.concat(turn_frames, ignore_index=True)
    corpus = build_corpus(documents, turns, manifest=manifest, root=root, problems=report.frame())
    return corpus


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return str(path)


def _rel(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.name


def _read_manifest(root: Path, report: _Collector) -> tuple[dict, dict]:
    from ._yaml import load_yaml_with_lines

    file = root / MANIFEST_NAME
    if not file.exists():
        alt = root / "corpus.yaml"
        if not alt.exists():
            return {}, {}
        file = alt
    shown = _shown(file, root)
    try:
        text, _ = read_text(file)
        data, lines = load_yaml_with_lines(text, path=shown)
    except ResearchKitError as e:
        report(e)
        return {}, {}
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        report(ManifestError("RK-C03", "is not a mapping of settings (title:, documents:, …).", path=shown, line=1,
                             hint="See the manifest format in docs/corpus.md."))
        return {}, {}
    for key in data:
        if key not in _TOP_KEYS:
            report(ManifestError("RK-C04", f'unknown field "{key}".{did_you_mean(key, _TOP_KEYS)}', path=shown,
                                 line=lines.get((key,)),
                                 hint=f"The fields are {', '.join(sorted(_TOP_KEYS))}; per-document settings go under `documents:`."))
    declared = _declared_variables(data)
    docs = data.get("documents") or {}
    if not isinstance(docs, dict):
        report(ManifestError("RK-C03", "`documents:` must map file paths to their settings.", path=shown,
                             line=lines.get(("documents",))))
        docs = {}
    good_docs = {}
    for rel, entry in docs.items():
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            report(ManifestError("RK-C03", f'the settings of "{rel}" must be "key: value" lines.', path=shown,
                                 line=lines.get(("documents", rel))))
            continue
        if not (root / rel).is_file():
            report(ManifestError("RK-C05", f'names the file "{rel}", which is not in the corpus folder.', path=shown,
                                 line=lines.get(("documents", rel)),
                                 hint="Fix the path (relative to the corpus folder, with / separators) or remove the entry."))
            continue
        bad = [k for k in entry if k not in _DOC_KEYS and (declared is not None and k not in declared)]
        for key in bad:
            allowed = sorted(_DOC_KEYS | set(declared or ()))
            report(ManifestError(
                "RK-C04", f'unknown field "{key}" for "{rel}".{did_you_mean(key, allowed)}', path=shown,
                line=lines.get(("documents", rel, key)),
                hint="Declare document variables under `variables:` at the top of corpus.yml, or fix the name."))
        good_docs[rel] = {k: v for k, v in entry.items() if k not in bad}
    data = dict(data)
    data["documents"] = good_docs
    data["_path"] = shown
    return data, lines


def _declared_variables(manifest: Mapping[str, Any]) -> set[str] | None:
    v = manifest.get("variables")
    if v is None:
        return None
    if isinstance(v, dict):
        return {str(k) for k in v}
    if isinstance(v, list):
        return {str(k) for k in v}
    return set()


def _list_files(root: Path, manifest: Mapping[str, Any], lines: dict, report: _Collector) -> list[Path]:
    include = manifest.get("include") or ["**/*"]
    exclude = list(manifest.get("exclude") or []) + _IGNORED
    include = [include] if isinstance(include, str) else include
    files = []
    for file in sorted(root.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        posix = rel.as_posix()
        if not any(_glob(posix, pat) for pat in include) or any(_glob(posix, pat) for pat in exclude):
            continue
        suffix = file.suffix.lower()
        if suffix not in READERS:
            hint = _CONVERT_FIRST.get(suffix, "Supported: " + ", ".join(sorted(READERS)) + ".")
            report(InputFileError("RK-R03", f'unknown extension "{file.suffix or "(none)"}" for a transcript.',
                                  path=posix, hint=hint + " Or list it under `exclude:` in corpus.yml."))
            continue
        files.append(file)
    return files


def _glob(path: str, pattern: str) -> bool:
    if pattern.endswith("/**"):
        return path.startswith(pattern[:-3] + "/")
    return fnmatch.fnmatch(path, pattern) or PurePosixPath(path).match(pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatch(path, pattern[3:]))


def _stem_counts(files: list[Path], root: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in files:
        counts[f.stem] = counts.get(f.stem, 0) + 1
    return counts


def _parse_file(file: Path, rel: str, entry: Mapping[str, Any]) -> tuple[list[ParsedDocument], str]:
    fmt = entry.get("format") or READERS[file.suffix.lower()]
    if fmt == "docx":
        from .readers.docx import parse_docx

        return parse_docx(file, display_path=rel), fmt
    text, _ = read_text(file, encoding=entry.get("encoding"), shown=rel)
    if fmt == "vtt":
        from .readers.vtt import parse_vtt

        return parse_vtt(text, path=rel), fmt
    if fmt == "srt":
        from .readers.srt import parse_srt

        return parse_srt(text, path=rel), fmt
    if fmt == "csv":
        from .readers.csv import parse_csv

        return parse_csv(text, path=rel, columns=entry.get("columns")), fmt
    from .readers.iramuteq import looks_like_iramuteq, parse_iramuteq
    from .readers.text import parse_text

    if fmt == "iramuteq" or (fmt == "txt" and looks_like_iramuteq(text)):
        return parse_iramuteq(text, path=rel), "iramuteq"
    if fmt in ("txt", "md"):
        return parse_text(text, path=rel, markdown=fmt == "md"), fmt
    raise ManifestError("RK-C07", f'unknown format "{fmt}" for "{rel}".{did_you_mean(fmt, set(READERS.values()))}',
                        hint="Use one of " + ", ".join(sorted(set(READERS.values()) | {"iramuteq"})) + ".")


def _document(doc: ParsedDocument, fmt: str, rel: str, entry: Mapping[str, Any], manifest: Mapping[str, Any],
              lines: dict, declared: set[str] | None, stems: dict[str, int], languages: tuple[str, ...],
              report: _Collector) -> tuple[dict[str, Any], pd.DataFrame]:
    mpath = manifest.get("_path", MANIFEST_NAME)
    front = dict(doc.variables)
    if declared is not None and fmt != "iramuteq":
        for key in [k for k in front if k not in _FRONT_KEYS and k not in declared]:
            report(ManifestError("RK-C04", f'unknown front-matter field "{key}".{did_you_mean(key, declared)}',
                                 path=rel, hint="Declare it under `variables:` in corpus.yml, or fix the name."))
            front.pop(key)
    settings = {**front, **entry}
    stem = PurePosixPath(rel).stem if stems.get(PurePosixPath(rel).stem, 0) <= 1 else str(PurePosixPath(rel).with_suffix(""))
    if doc.suffix is not None:  # one text of a multi-text file: the file's id or stem, then the text's
        doc_id = f"{entry.get('id') or stem}-{doc.suffix}"
    else:
        doc_id = str(entry.get("id") or front.get("id") or stem)
    where = lines.get(("documents", rel, "date")) if "date" in entry else None
    doc_date = _date(settings.get("date"), path=mpath if "date" in entry else rel, line=where)
    text_sample = " ".join(t.text for t in doc.turns[:200])
    language = settings.get("language") or detect_language(text_sample, languages=languages) or manifest.get("language")
    roles = {**(manifest.get("roles") or {}), **(settings.get("roles") or {})}
    roles = {_speaker_key(k): (None if v is None else str(v)) for k, v in roles.items()}
    unnamed = settings.get("speaker")
    turns = pd.DataFrame({
        "doc_id": doc_id,
        "speaker": [t.speaker if t.speaker is not None else unnamed for t in doc.turns],
        "text": [t.text for t in doc.turns],
        "start_s": [t.start_s for t in doc.turns],
        "end_s": [t.end_s for t in doc.turns],
    }, columns=["doc_id", "speaker", "text", "start_s", "end_s"])
    turns["start_s"] = turns["start_s"].astype("float64")
    turns["end_s"] = turns["end_s"].astype("float64")
    # A turn without an end time ends when the next one starts.
    nxt = turns["start_s"].shift(-1)
    turns["end_s"] = turns["end_s"].fillna(nxt.where(nxt >= turns["start_s"]))
    turns["role"] = turns["speaker"].map(lambda s: roles.get(_speaker_key(s)) if s is not None else None)
    reserved = _FRONT_KEYS | _DOC_KEYS
    variables = {k: _scalar(v) for k, v in settings.items() if k not in reserved}
    row = {
        "doc_id": doc_id,
        "title": str(settings.get("title") or doc.title or doc_id),
        "path": rel,
        "format": fmt,
        "language": None if language is None else str(language),
        "date": doc_date,
        **variables,
    }
    return row, turns


def _speaker_key(label: Any) -> str:
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


def _date(value: Any, *, path: str, line: int | None) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise ManifestError("RK-C08", f'date "{value}" is not a date.', path=path, line=line,
                            hint="Write dates as YYYY-MM-DD.") from None


# ---------------------------------------------------------------------------
# writing


def write_corpus(corpus: Corpus, folder: str | Path, *, overwrite: bool = False,
                 manifest_extra: Mapping[str, Any] | None = None) -> Path:
    """Write ``corpus`` as a corpus folder that :func:`read_corpus` reads back identically.

    Each document becomes ``transcripts/<doc_id>.csv`` (speaker, start, end, text: the
    one format that keeps every turn's text exactly), and ``corpus.yml`` carries titles,
    dates, languages, roles and document variables. Used by pseudonymisation and QDA
    import; files are written atomically.

    Parameters
    ----------
    overwrite
        Allow writing into a folder that already holds files (only the files this
        function writes are replaced).
    manifest_extra
        Top-level manifest keys to add (e.g. ``{"pseudonymised": True}``).

    Raises
    ------
    InputFileError
        ``RK-C09`` when ``folder`` holds files and ``overwrite`` is False.
    """
    from ._io import atomic_write
    from ._yaml import dump_yaml

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise InputFileError("RK-C09", "the folder is not empty; refusing to write a corpus over its files.",
                             path=folder, hint="Choose a new folder, or pass overwrite=True (--overwrite).")
    manifest: dict[str, Any] = {k: v for k, v in corpus.manifest.items()
                                if k in ("title", "description", "language", "identities", "pseudonymised", "fiction",
                                         "facilitator_roles", "notice")}
    if corpus.variables:
        declared = corpus.manifest.get("variables")
        manifest["variables"] = {v: (declared.get(v, v) if isinstance(declared, dict) else v) for v in corpus.variables}
    manifest.update(manifest_extra or {})
    manifest["include"] = ["transcripts/**"]
    documents: dict[str, Any] = {}
    for doc in corpus.documents.itertuples(index=False):
        d = doc._asdict()
        name = "transcripts/" + re.sub(r"[^\w.\-]+", "_", str(d["doc_id"])) + ".csv"
        turns = corpus.turns[corpus.turns["doc_id"] == d["doc_id"]]
        roles = {str(s): str(r) for s, r in zip(turns["speaker"], turns["role"]) if not pd.isna(r)}
        entry: dict[str, Any] = {"id": str(d["doc_id"]), "title": str(d["title"])}
        if not pd.isna(d["date"]):
            entry["date"] = pd.Timestamp(d["date"]).strftime("%Y-%m-%d")
        if not pd.isna(d["language"]):
            entry["language"] = str(d["language"])
        for v in corpus.variables:
            if not pd.isna(d[v]):
                entry[v] = str(d[v])
        if roles:
            entry["roles"] = roles
        entry["columns"] = {"speaker": "speaker", "start": "start_s", "end": "end_s", "text": "text"}
        documents[name] = entry
        with atomic_write(folder / name) as fh:
            turns[["speaker", "start_s", "end_s", "text"]].to_csv(fh, index=False)
    manifest["documents"] = documents
    with atomic_write(folder / MANIFEST_NAME) as fh:
        fh.write(dump_yaml(manifest))
    return folder
