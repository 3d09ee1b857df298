"""The corpus folder as a project: the one owner of its manifest, files, codebook, codings and caches.

A corpus folder holds transcripts, an optional ``corpus.yml`` (:mod:`research_kit.manifest`),
a codebook, coding files and, under ``.research_kit/``, caches. :meth:`Project.open`
reads the manifest once; everything that needs to know where a thing lives in the
folder asks the project — reading the corpus, finding the codebook and the codings,
the cache folder, the publication rule, the content hashes a brief's fingerprint
covers, writing a corpus folder. Domain modules take and return frames and never look
into a folder or a manifest.

Examples
--------
>>> project = Project.open("corpora/demo")           # doctest: +SKIP
>>> corpus = project.read_corpus()                   # doctest: +SKIP
>>> codebook = project.read_codebook()               # doctest: +SKIP
>>> codings = project.read_codings(corpus, codebook)  # doctest: +SKIP
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pandas as pd

from . import schemas
from ._csv import write_csv
from ._io import atomic_write, file_hash, read_text
from .corpus import CONVERT_FIRST, READERS, Corpus, build_corpus, read_transcript, records_frames, transcript_records
from .errors import InputFileError, ManifestError, PseudonymisationError, ResearchKitError, check_option, warn
from .manifest import MANIFEST_NAME, Manifest, ManifestProblems, parse_manifest

__all__ = ["Project", "read_corpus", "write_corpus", "check_publishable", "CACHE_DIR", "CODEBOOK_NAMES"]

#: The cache folder inside a corpus folder (annotations, rule codings).
CACHE_DIR = ".research_kit"
#: The codebook files a folder is searched for when its manifest names none, in order.
CODEBOOK_NAMES = ("codebook.yml", "codebook.yaml", "codebook.csv")
# Files a corpus folder commonly holds that are not transcripts.
_NOT_TRANSCRIPTS = ("corpus.yml", "corpus.yaml", "codebook.*", "codings/**", "codings*.csv", "README*", "LICENSE*",
                    "NOTICE*", "*.parquet", "*.qdpx", "*.qdc", "Thumbs.db", "desktop.ini",
                    # ParlaMint's lists of persons and organisations and its taxonomies: the TEI
                    # reader reads the lists beside each session, they are not sessions
                    "*-listPerson.xml", "*-listOrg.xml", "*-taxonomy-*.xml", "*taxonomy.xml")
# Folders whose files no input hash covers (caches, editors' droppings).
_SCRATCH = {CACHE_DIR, "__pycache__", ".ipynb_checkpoints"}


class _Collector:
    """Raises at once (errors="raise") or keeps problems as rows (errors="collect")."""

    def __init__(self, mode: str) -> None:
        self.mode, self.rows = mode, []

    def __call__(self, error: ResearchKitError) -> None:
        if self.mode == "raise":
            raise error
        self.rows.append(error.as_record())

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return schemas.empty_frame(schemas.PROBLEMS)
        return pd.DataFrame(self.rows, columns=schemas.PROBLEMS.names).astype(schemas.PROBLEMS.dtypes)


@dataclass(frozen=True)
class Project:
    """A corpus folder and its manifest, read once.

    Attributes
    ----------
    root
        The corpus folder.
    manifest
        Its :class:`~research_kit.manifest.Manifest` (defaults without ``corpus.yml``).
    problems
        The manifest's problems, when opened with ``errors="collect"``.
    """

    root: Path
    manifest: Manifest = field(default_factory=Manifest)
    problems: tuple[ResearchKitError, ...] = ()

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path, *, errors: Literal["raise", "collect"] = "raise") -> "Project":
        """Open a corpus folder: read and check its ``corpus.yml`` (every problem at once).

        Raises
        ------
        InputFileError
            ``RK-C02`` when ``folder`` is not a folder.
        ManifestProblems
            ``RK-C00`` listing every problem of the manifest, each with its line
            (``errors="raise"``); with ``errors="collect"`` they are kept in ``problems``.
        """
        check_option("errors", errors, ("raise", "collect"), function="Project.open")
        root = Path(folder)
        if not root.is_dir():
            raise InputFileError("RK-C02", "no such folder." if not root.exists() else "is a file, not a folder.",
                                 path=root, hint="Give the path of a corpus folder.")
        manifest, problems = _read_manifest(root)
        if problems and errors == "raise":
            raise ManifestProblems(problems, path=manifest.path)
        return cls(root, manifest, tuple(problems))

    @classmethod
    def of(cls, corpus: "Corpus | str | Path") -> "tuple[Project | None, Corpus]":
        """The project of a corpus folder or of a corpus read from one, and the corpus.

        A folder is opened and read; a :class:`~research_kit.corpus.Corpus` read from a
        folder (its ``cache_dir`` is set) gets that folder's project; a corpus built in
        memory has none (``None``): it has no codebook or codings files to find.
        """
        if isinstance(corpus, Corpus):
            if corpus.root is not None and corpus.cache_dir is not None:
                return cls.open(corpus.root), corpus
            return None, corpus
        project = cls.open(corpus)
        return project, project.read_corpus()

    @property
    def title(self) -> str:
        return self.manifest.title or self.root.name

    # -- transcripts -----------------------------------------------------------------

    def transcript_files(self, report=None) -> list[Path]:
        """The transcripts of the folder, as ``include:``/``exclude:`` choose them, in path order.

        Hidden files and folders (``.research_kit``), ``_``-prefixed ones, the manifest,
        codebooks, codings and archives are never transcripts. A file of an unknown
        type is reported (``RK-R03``) with what to do.
        """
        report = report or _Collector("raise")
        include = self.manifest.include or ("**/*",)
        exclude = self.manifest.exclude + _NOT_TRANSCRIPTS + ((self.manifest.speakers,) if self.manifest.speakers
                                                              else ())
        files = []
        for file in self._walk(report):
            rel = file.relative_to(self.root)
            posix = rel.as_posix()
            if not any(_glob(posix, pat) for pat in include) or any(_glob(posix, pat) for pat in exclude):
                continue
            suffix = file.suffix.lower()
            if suffix not in READERS:
                hint = CONVERT_FIRST.get(suffix, "Supported: " + ", ".join(sorted(READERS)) + ".")
                report(InputFileError("RK-R03", f'unknown extension "{file.suffix or "(none)"}" for a transcript.',
                                      path=posix, hint=hint + " Or list it under `exclude:` in corpus.yml."))
                continue
            files.append(file)
        return files

    def _walk(self, report) -> list[Path]:
        """Every file of the folder in path order, hidden and ``_`` ones left out, links checked.

        A link (file or folder) whose target lies outside the corpus folder is refused
        (``RK-C13``): nothing outside the folder is ever read, nor copied into a
        pseudonymised corpus. A link inside the folder is read as the file it points at.
        """
        root = self.root.resolve()
        out: list[Path] = []
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            for d in list(dirs):
                if (here / d).is_symlink():
                    dirs.remove(d)
                    if not _inside((here / d).resolve(), root):
                        report(_outside(here / d, self.root))
            for name in sorted(names):
                if name.startswith((".", "_")):
                    continue
                path = here / name
                if path.is_symlink() and not _inside(path.resolve(), root):
                    report(_outside(path, self.root))
                    continue
                if path.is_file():
                    out.append(path)
        return sorted(out, key=lambda p: p.relative_to(self.root).parts)

    def read_corpus(self, *, errors: Literal["raise", "collect"] = "raise",
                    languages: tuple[str, ...] = ("fr", "en")) -> Corpus:
        """Read every transcript into a :class:`~research_kit.corpus.Corpus`.

        ``errors="collect"`` reads what it can and lists the problems (the manifest's
        too) in ``corpus.problems``.
        """
        check_option("errors", errors, ("raise", "collect"), function="read_corpus")
        report = _Collector(errors)
        for problem in self.problems:
            report(problem)
        files = self.transcript_files(report)
        table = self._speaker_table(report)
        stems: dict[str, int] = {}
        for f in files:
            stems[f.stem] = stems.get(f.stem, 0) + 1
        doc_rows: list[dict[str, Any]] = []
        turn_frames: list[dict[str, list]] = []
        seen: dict[str, str] = {}
        for file in files:
            rel = file.relative_to(self.root).as_posix()
            try:
                rows, frames = transcript_records(file, rel=rel, manifest=self.manifest, stems=stems,
                                                  languages=languages, report=report, speaker_table=table)
                for row, turns in zip(rows, frames):
                    if row["doc_id"] in seen:
                        named = "id" in self.manifest.documents.get(rel, {})
                        raise ManifestError(
                            "RK-C06", f'document id "{row["doc_id"]}" is already used by {seen[row["doc_id"]]}.',
                            path=self.manifest.path if named else rel,
                            line=self.manifest.lines.get(("documents", rel, "id")) if named else None,
                            hint="Give each document a distinct `id:` in corpus.yml.")
                    seen[row["doc_id"]] = rel
                    doc_rows.append(row)
                    turn_frames.append(turns)
                    if not any(str(t).strip() for t in turns["text"]):
                        _no_speech(row["doc_id"], rel, errors, report)
            except ResearchKitError as e:
                report(e)
        documents, turns, extras = records_frames(doc_rows, turn_frames)
        return build_corpus(documents, turns, manifest=self.manifest, root=self.root, problems=report.frame(),
                            cache_dir=self.cache_dir, **extras)

    @property
    def speakers_path(self) -> Path | None:
        """The manifest's ``speakers:`` table, or ``None``."""
        return None if not self.manifest.speakers else self.root / self.manifest.speakers

    def read_speakers(self) -> pd.DataFrame:
        """The manifest's speakers table: a ``speaker`` column, optionally ``doc_id``, then
        attributes (role, gender, age_group, organisation…); an empty frame when none.

        Raises
        ------
        InputFileError
            ``RK-C15`` when the file is missing, has no ``speaker`` column, or a row
            cannot be read (naming its line).
        """
        path = self.speakers_path
        if path is None:
            return pd.DataFrame({"speaker": pd.Series(dtype="string")})
        from ._csv import CsvProblem, read_rows

        shown = self.manifest.speakers
        if not path.is_file():
            raise InputFileError("RK-C15", f'`speakers:` names "{shown}", which the corpus folder does not hold.',
                                 path=self.manifest.path, line=self.manifest.lines.get(("speakers",)),
                                 hint="Put the speakers table (CSV) in the corpus folder, or remove the line.")
        text, _ = read_text(path, shown=shown)
        first = text.split("\n", 1)[0]
        rows = read_rows(text, delimiter=max((";", ",", "\t"), key=first.count))
        header: list[str] | None = None
        records: list[dict[str, str]] = []
        for row in rows:
            if isinstance(row, CsvProblem):
                raise InputFileError("RK-C15", f"the speakers table cannot be read here ({row.kind}).", path=shown,
                                     line=row.line, hint="Fix the quotes of that row, or save the sheet again as CSV.")
            if header is None:
                header = [c.strip().lstrip("\ufeff").casefold().replace(" ", "_") for c in row.cells]
                rows.header = row.cells
                if "speaker" not in header and "locuteur" not in header:
                    raise InputFileError("RK-C15", "the speakers table has no `speaker` column; its columns are "
                                         + ", ".join(repr(c) for c in row.cells) + ".", path=shown, line=row.line,
                                         hint="Name the column of speaker labels `speaker` (or `locuteur`).")
                header = ["speaker" if c == "locuteur" else c for c in header]
                continue
            cells = [c.strip() for c in row.cells] + [""] * (len(header) - len(row.cells))
            if len(cells) > len(header):
                raise InputFileError("RK-C15", f"the row has {len(row.cells)} cells but the header names "
                                     f"{len(header)} columns.", path=shown, line=row.line,
                                     hint="Quote cells that hold the delimiter, or remove the extra cells.")
            records.append(dict(zip(header, cells)))
        frame = pd.DataFrame(records, columns=header or ["speaker"]).astype("string")
        return frame.replace("", pd.NA)

    def _speaker_table(self, report) -> dict[tuple[str | None, str], dict[str, str]]:
        from .corpus import speaker_key

        try:
            frame = self.read_speakers()
        except ResearchKitError as e:
            report(e)
            return {}
        table: dict[tuple[str | None, str], dict[str, str]] = {}
        attributes = [c for c in frame.columns if c not in ("speaker", "doc_id")]
        for rec in frame.to_dict("records"):
            if rec.get("speaker") is pd.NA or not rec.get("speaker"):
                continue
            doc = rec.get("doc_id")
            scope = None if doc is None or doc is pd.NA else str(doc)
            table[(scope, speaker_key(rec["speaker"]))] = {a: str(rec[a]) for a in attributes
                                                          if rec[a] is not pd.NA and rec[a] is not None}
        return table

    # -- codebook and codings ------------------------------------------------------

    @property
    def codebook_path(self) -> Path | None:
        """The codebook file: the manifest's ``codebook:``, else the first of
        :data:`CODEBOOK_NAMES` the folder holds, else ``None``.

        Raises
        ------
        InputFileError
            ``RK-C12`` when the manifest names a codebook the folder does not hold.
        """
        named = self.manifest.codebook
        if named:
            path = self.root / named
            if path.is_symlink() and not _inside(path.resolve(), self.root.resolve()):
                raise _outside(path, self.root)
            if not path.is_file():
                raise ManifestError("RK-C12", f'names the codebook "{named}", which is not a file of the folder.',
                                     path=self.manifest.path, line=self.manifest.lines.get(("codebook",)),
                                     hint="Fix the path (relative to the corpus folder) or remove `codebook:`.")
            return path
        for name in CODEBOOK_NAMES:
            path = self.root / name
            if path.is_symlink() and not _inside(path.resolve(), self.root.resolve()):
                raise _outside(path, self.root)
            if path.is_file():
                return path
        return None

    def read_codebook(self, *, check_patterns: bool = True):
        """The project's :class:`~research_kit.codebook.Codebook`, or ``None`` when it has none.

        ``check_patterns`` checks the rules' token patterns with spaCy's own matcher
        (importing spaCy takes seconds); a codebook whose patterns passed is remembered in
        the cache folder by its content and the spaCy version, and not checked again.
        """
        path = self.codebook_path
        if path is None:
            return None
        from .codebook import read_codebook

        if not check_patterns:
            return read_codebook(path, check_patterns=False)
        marker = self._checked_marker(path)
        if marker is not None and marker.exists():
            return read_codebook(path, check_patterns=False)
        codebook = read_codebook(path, check_patterns=True)
        if marker is not None:
            try:
                with atomic_write(marker) as f:
                    f.write("patterns checked\n")
            except OSError:
                pass  # a read-only folder: the check simply runs again next time
        return codebook

    def _checked_marker(self, path: Path) -> Path | None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            spacy_version = version("spacy")
        except PackageNotFoundError:
            return None
        key = file_hash(path)[:24] + "-" + re.sub(r"[^0-9A-Za-z.]", "_", spacy_version)
        return self.cache_dir / "codebook-checked" / key

    @property
    def coding_files(self) -> list[Path]:
        """The coding files the manifest's ``codings:`` globs match (CSV or TSV), in path order."""
        found: dict[Path, None] = {}
        root = self.root.resolve()
        for pattern in self.manifest.codings:
            for path in sorted(self.root.glob(pattern)):
                if not _inside(path.resolve(), root):
                    raise _outside(path, self.root)
                if path.is_file() and path.suffix.lower() in (".csv", ".tsv"):
                    found[path] = None
        return list(found)

    def read_codings(self, corpus: Corpus, codebook: Any = None, *, merged: bool = True):
        """The team's codings: every coding file, checked against ``corpus`` (and ``codebook``).

        Returns
        -------
        DataFrame or dict
            With ``merged=True`` one codings frame (``schemas.CODINGS``); else
            ``{path: frame}`` per file (to carry each one over on its own).
        """
        from .coding import merge_codings, read_codings

        frames = {path: read_codings(path, corpus=corpus, codebook=codebook) for path in self.coding_files}
        if not merged:
            return frames
        return merge_codings(*frames.values()) if frames else schemas.empty_frame(schemas.CODINGS)

    # -- caches, hashes, publication ----------------------------------------------

    @property
    def cache_dir(self) -> Path:
        """Where this corpus's caches live: ``<folder>/.research_kit``."""
        return self.root / CACHE_DIR

    def input_hashes(self) -> dict[str, str]:
        """Content hash of every file of the folder that a brief may read (caches excluded)."""
        out = {}
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if path.is_file() and not any(p in _SCRATCH or p.startswith(".") for p in rel.parts):
                out[rel.as_posix()] = file_hash(path)
        return out

    def check_publishable(self, *, allow_identities: bool = False) -> None:
        """Refuse a project whose manifest says it names people and that is not pseudonymised (``RK-D08``)."""
        _check_identities(self.manifest, self.root, self.title, allow_identities=allow_identities)


def is_pseudonymised_copy(folder: str | Path) -> bool:
    """True for a folder that ``write_pseudonymised`` wrote (its manifest says ``pseudonymised: true``)."""
    folder = Path(folder)
    if not (folder / MANIFEST_NAME).is_file():
        return False
    manifest, problems = _read_manifest(folder)
    return manifest.pseudonymised and not problems


def check_publishable(corpus: Corpus | Project, *, allow_identities: bool = False) -> None:
    """Refuse a corpus whose manifest says it names real people and that is not pseudonymised.

    Raises
    ------
    PseudonymisationError
        ``RK-D08`` when the manifest says ``identities: true`` (or yes, oui…), not
        ``pseudonymised: true``, and ``allow_identities`` is False.
    """
    if isinstance(corpus, Project):
        corpus.check_publishable(allow_identities=allow_identities)
        return
    if not isinstance(corpus, Corpus):
        from .errors import ParameterError

        raise ParameterError("RK-S02", f"check_publishable() takes a Corpus or a Project; got {type(corpus).__name__}.")
    _check_identities(corpus.manifest, corpus.root, corpus.title, allow_identities=allow_identities)


def _check_identities(manifest: Manifest, root: Path | None, title: str, *, allow_identities: bool) -> None:
    if allow_identities or not manifest.identities or manifest.pseudonymised:
        return
    where = root if root is not None else title
    raise PseudonymisationError(
        "RK-D08", f"the corpus {title!r} says `identities: true` in its manifest and has not been "
                  "pseudonymised, so its outputs would carry participants' names, contact details and places.",
        path=where,
        hint=f"Run `research-kit pseudonymise {where} --key <private>/key.json --to <new folder>` and use the "
             "new folder; or, if the outputs stay within the research team, allow it explicitly "
             "(allow_identities=True, --allow-identities).")


# ---------------------------------------------------------------------------
# reading


def read_corpus(path: str | Path, *, errors: Literal["raise", "collect"] = "raise",
                languages: tuple[str, ...] = ("fr", "en")) -> Corpus:
    """Read a folder of transcripts (or one transcript file) into a :class:`~research_kit.corpus.Corpus`.

    Parameters
    ----------
    path
        A corpus folder (with an optional ``corpus.yml``) or a single transcript.
    errors
        ``"raise"`` stops at the first problem with an error naming the file and line (the
        manifest's problems all at once); ``"collect"`` reads what it can and lists the
        problems in ``corpus.problems``.
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
    if path.is_dir():
        return Project.open(path, errors=errors).read_corpus(errors=errors, languages=languages)
    return read_transcript(path, errors=errors, languages=languages)


def _no_speech(doc_id: str, rel: str, errors: str, report: _Collector) -> None:
    """A document with no turn is kept (its row says 0 turns) and said: a problem row, else a warning."""
    message = (f"no speech was found in it (document {doc_id!r} has 0 turns); it is kept, empty, and every count "
               "and brief will show it so.")
    hint = "Check that the file is the transcript (not a template or an export of the wrong tab)."
    if errors == "collect":
        report.rows.append(InputFileError("RK-C14", message, path=rel, hint=hint).as_record())
    else:
        warn("RK-C14", f"{rel}: {message} {hint}", stacklevel=4)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _outside(path: Path, root: Path) -> InputFileError:
    rel = path.relative_to(root).as_posix() if _inside(path, root) else str(path)
    return InputFileError("RK-C13", "is a link to something outside the corpus folder; it is not read.", path=rel,
                          hint="Copy the file into the corpus folder instead of linking to it, or remove the link.")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return str(path)


def _read_manifest(root: Path) -> tuple[Manifest, list[ResearchKitError]]:
    from ._yaml import load_yaml_with_lines

    file = root / MANIFEST_NAME
    if not file.exists():
        alt = root / "corpus.yaml"
        if not alt.exists():
            return Manifest(), []
        file = alt
    shown = _shown(file, root)
    try:
        text, _ = read_text(file, shown=shown)
        data, lines = load_yaml_with_lines(text, path=shown)
    except ResearchKitError as e:
        return Manifest(path=shown), [e]
    manifest, problems = parse_manifest(data, path=shown, lines=lines)
    errors: list[ResearchKitError] = list(problems)
    missing = []
    for rel in manifest.documents:
        if not (root / rel).is_file():
            errors.append(ManifestError(
                "RK-C05", f'names the file "{rel}", which is not in the corpus folder.', path=shown,
                line=lines.get(("documents", rel)),
                hint="Fix the path (relative to the corpus folder, with / separators) or remove the entry."))
            missing.append(rel)
    if missing:
        kept = {k: v for k, v in manifest.documents.items() if k not in missing}
        from types import MappingProxyType

        manifest = manifest.with_changes(documents=MappingProxyType(kept))
    errors.sort(key=lambda e: (e.line is None, e.line or 0))
    return manifest, errors


def _glob(path: str, pattern: str) -> bool:
    if pattern.endswith("/**"):
        return path.startswith(pattern[:-3] + "/")
    return fnmatch.fnmatch(path, pattern) or PurePosixPath(path).match(pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatch(path, pattern[3:]))


# ---------------------------------------------------------------------------
# writing

# The manifest fields a written corpus keeps; the rest (documents, include, codings…) it writes anew.
_KEPT = ("title", "description", "language", "identities", "pseudonymised", "pseudonymisation", "fiction", "facilitator_roles", "notice")


def _file_stem(doc_id: str, taken: set[str]) -> str:
    """A file stem for ``doc_id`` that no other document of the corpus gets: ``séance 1`` and
    ``séance_1`` (or ``A`` and ``a`` on a case-insensitive disk) are two files, never one."""
    base = re.sub(r"[^\w.\-]+", "_", doc_id).strip("._") or "document"
    stem, k = base, 2
    while stem.casefold() in taken:
        stem, k = f"{base}-{k}", k + 1
    taken.add(stem.casefold())
    return stem


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
        Top-level manifest fields to add (e.g. ``{"pseudonymised": True}``).

    Raises
    ------
    InputFileError
        ``RK-C09`` when ``folder`` holds files and ``overwrite`` is False.
    """
    from ._yaml import dump_yaml

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise InputFileError("RK-C09", "the folder is not empty; refusing to write a corpus over its files.",
                             path=folder, hint="Choose a new folder, or pass overwrite=True (--overwrite).")
    written = corpus.manifest.to_dict()
    manifest: dict[str, Any] = {k: written[k] for k in _KEPT if k in written}
    if corpus.variables:
        declared = corpus.manifest.variables or {}
        manifest["variables"] = {v: (declared.get(v) or v) for v in corpus.variables}
    manifest.update(manifest_extra or {})
    manifest["include"] = ["transcripts/**"]
    documents: dict[str, Any] = {}
    taken: set[str] = set()
    for doc in corpus.documents.itertuples(index=False):
        d = doc._asdict()
        name = "transcripts/" + _file_stem(str(d["doc_id"]), taken) + ".csv"
        turns = corpus.document_turns(d["doc_id"])
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
        write_csv(turns[["speaker", "start_s", "end_s", "text"]], folder / name)  # formulas neutralised
    manifest["documents"] = documents
    with atomic_write(folder / MANIFEST_NAME) as fh:
        fh.write(dump_yaml(manifest))
    return folder
