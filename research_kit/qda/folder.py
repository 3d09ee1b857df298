"""The project layer of the exchange: corpus folders, their manifests, and the files beside them.

:func:`write_qda_folder` writes an imported project as a corpus folder
(``corpus.yml``, ``transcripts/``, ``codebook.yml``, ``codings/<coder>.csv``,
``notes.csv``, ``dropped.csv``); :func:`import_qdpx_to_folder` reads and writes at
once; :func:`export_folder_to_qdpx` finds a folder's codebook, codings and notes (from
the folder's :class:`~research_kit.project.Project`, the one place that knows where they
live) and exports them. These are the ``research-kit qdpx`` commands' functions. The
other modules of :mod:`research_kit.qda` never read a folder or a manifest.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import schemas
from .._csv import unneutralise, write_csv
from .._io import new_folder_beside, replace_folder
from ..errors import InputFileError, check_option
from ..manifest import MANIFEST_NAME
from ..project import Project, write_corpus
from .exporting import CONVENTIONS, write_qdpx
from .importing import QdaImport, read_qdpx

__all__ = ["write_qda_folder", "import_qdpx_to_folder", "export_folder_to_qdpx", "read_notes"]


def _file_name(value: str, taken: dict[str, int]) -> str:
    """A file name for ``value``, unique ignoring case among ``taken`` (``name``, ``name-2``…), in linear time.

    ``taken`` maps each lower-cased name given to the next number to try after it, so that
    10,000 coders of one name cost 10,000 look-ups, not 50 million.
    """
    base = re.sub(r"[^\w.\-]+", "_", value).strip("._") or "coder"
    key = base.lower()
    out = base
    if key in taken:
        k = taken[key]
        while f"{key}-{k}" in taken:
            k += 1
        out = f"{base}-{k}"
        taken[key] = k + 1
    taken.setdefault(out.lower(), 2)
    return out


def _write_frame(frame: pd.DataFrame, path: Path, datetimes: Sequence[str]) -> Path:
    out = frame.copy()
    for col in datetimes:
        out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return write_csv(out, path)


def write_qda_folder(project: QdaImport, folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write an imported project as a corpus folder ready for notebooks and briefs.

    Writes the corpus (:func:`~research_kit.corpus.write_corpus`: ``corpus.yml`` and
    ``transcripts/``), ``codebook.yml``, ``codings/<coder>.csv`` (one file per
    coder), ``notes.csv`` and ``dropped.csv`` (what was not carried over).

    Returns
    -------
    list of pathlib.Path
        The files written (the transcripts folder counts as one entry).

    With ``overwrite=True`` an earlier import (a folder with a ``corpus.yml``) is
    replaced whole, once the new one is complete: nothing of the old one stays.

    Raises
    ------
    InputFileError
        ``RK-C09`` when ``folder`` holds files and ``overwrite`` is False, or is not a
        corpus folder.
    """
    from ..codebook import write_codebook
    from ..coding import write_codings

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        if not overwrite:
            raise InputFileError("RK-C09", "the folder is not empty; refusing to write a corpus over its files.",
                                 path=folder, hint="Choose a new folder, or pass overwrite=True (--overwrite) to "
                                 "replace an earlier import.")
        if not (folder / MANIFEST_NAME).is_file():
            raise InputFileError("RK-C09", "--overwrite replaces an earlier import, and this folder is not a corpus "
                                 "folder (it has no corpus.yml); nothing was written.", path=folder,
                                 hint="Choose a new folder.")
    # Everything is written into a new folder beside the target, which then replaces it whole:
    # --overwrite replaces an earlier import, it never merges with it (no stale transcript stays).
    tmp = new_folder_beside(folder)
    try:
        extra = {"codebook": "codebook.yml", "codings": ["codings/*.csv"]} if len(project.codebook) else {}
        write_corpus(project.corpus, tmp, overwrite=True, manifest_extra=extra)
        names = ["corpus.yml", "transcripts"]
        if len(project.codebook):
            write_codebook(project.codebook, tmp / "codebook.yml")
            names.append("codebook.yml")
        taken: dict[str, int] = {}
        for coder, group in project.codings.groupby("coder", sort=True):
            file = Path("codings") / f"{_file_name(coder, taken)}.csv"
            write_codings(group.reset_index(drop=True), tmp / file)
            names.append(file.as_posix())
        _write_frame(project.notes, tmp / "notes.csv", ["created"])
        _write_frame(project.dropped, tmp / "dropped.csv", [])
        names += ["notes.csv", "dropped.csv"]
        replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [folder / n for n in names]


def import_qdpx_to_folder(path: str | Path, folder: str | Path, *, overwrite: bool = False,
                          **options: Any) -> list[Path]:
    """:func:`read_qdpx` then :func:`write_qda_folder`; ``options`` go to :func:`read_qdpx`.

    Returns
    -------
    list of pathlib.Path
        The files written; ``dropped.csv`` lists what was not carried over.
    """
    return write_qda_folder(read_qdpx(path, **options), folder, overwrite=overwrite)


def read_notes(path: str | Path) -> pd.DataFrame:
    """Read a ``notes.csv`` written by :func:`write_qda_folder` into a ``schemas.NOTES`` frame."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame = frame.map(lambda v: unneutralise(v) if isinstance(v, str) else v)  # our own cells, as written
    schemas.validate_frame(frame, schemas.NOTES, argument=str(path))
    frame["created"] = pd.to_datetime(frame["created"], utc=True, errors="coerce").astype("datetime64[ns, UTC]")
    for col in ("start_char", "end_char"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    parsed = ("created", "start_char", "end_char")
    return frame.astype({k: v for k, v in schemas.NOTES.dtypes.items() if k not in parsed})


def _codings_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.csv")) if p.is_dir() else [p])
    return out


def export_folder_to_qdpx(corpus_dir: str | Path, out: str | Path, *, codebook: str | Path | None = None,
                          codings: Sequence[str | Path] = (), notes: str | Path | None = None,
                          convention: Literal["standard", "nvivo", "maxqda"] = "standard",
                          name: str | None = None, language: str | None = None) -> Path:
    """Export a corpus folder, with its codebook and codings, as a ``.qdpx`` project.

    Parameters
    ----------
    corpus_dir
        A corpus folder (:func:`~research_kit.corpus.read_corpus`).
    out
        The ``.qdpx`` to write.
    codebook
        A codebook file; default: the project's (:attr:`~research_kit.project.Project.codebook_path`).
    codings
        Codings CSV files or folders of them; default: the project's
        (:attr:`~research_kit.project.Project.coding_files`).
    notes
        A ``notes.csv`` (as :func:`write_qda_folder` writes); default: the folder's, if any.
    convention, name, language
        As in :func:`write_qdpx`.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from ..codebook import read_codebook
    from ..coding import merge_codings, read_codings

    corpus_dir = Path(corpus_dir)
    check_option("convention", convention, CONVENTIONS, function="export_folder_to_qdpx")
    project = Project.open(corpus_dir)
    corpus = project.read_corpus()
    book = read_codebook(codebook) if codebook is not None else project.read_codebook()
    if codings:
        frames = [read_codings(p, corpus=corpus, codebook=book) for p in dict.fromkeys(_codings_files(codings))]
        merged = merge_codings(*frames) if frames else None
    else:
        merged = project.read_codings(corpus, book)
    if notes is None and (corpus_dir / "notes.csv").is_file():
        notes = corpus_dir / "notes.csv"
    note_frame = read_notes(notes) if notes is not None else None
    return write_qdpx(out, corpus=corpus, codebook=book, codings=merged, notes=note_frame, convention=convention,
                      name=name, language=language)
