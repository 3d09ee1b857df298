"""Reading REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) into one result, :class:`QdaImport`.

:func:`read_qdpx` opens the archive (:mod:`~research_kit.qda.archive`), reads its
project file into records (:mod:`~research_kit.qda.qde`), reads each source's text
and places its selections on the document text (:mod:`~research_kit.qda.positions`),
then assembles the corpus, codebook, codings and notes
(:mod:`~research_kit.qda.assembly`). :func:`read_qdc` reads a codebook alone; its
result has no corpus and no codings.

Positions
---------
Offsets in the frames are code points in the document text (see
:mod:`research_kit.schemas`). Programs count selections differently: the counting is
chosen per source from the project's ``origin`` and checked against each
selection's quoted text; a selection that no counting places is reported, never moved.

Leniency
--------
Text files may carry a BOM and CRLF line ends, in any encoding
:func:`research_kit._io.decode` recognises. Whatever is not carried over is listed in
the *dropped* report (one row per element, with the reason and the ``.qde`` line),
never silently lost.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schemas
from .._io import decode, normalise_text
from ..codebook import Codebook
from ..corpus import Corpus
from ..errors import ResearchKitError, warn
from . import qde
from .archive import DEFAULT_MAX_QDC_SIZE, DEFAULT_MAX_RATIO, DEFAULT_MAX_SIZE, Archive, open_qdc
from .assembly import Assembly, build_codebook
from .mapping import CODEBOOK_MEMBER
from .positions import (CONVENTIONS, PositionError, SourceText, find_quote, matches_quote, normalise_source,
                        origin_convention, squash_space)

__all__ = ["QdaImport", "QdaProject", "read_qdpx", "read_qdc"]


@dataclass(frozen=True, eq=False)
class QdaImport:
    """What was read from a REFI-QDA project (``.qdpx``) or codebook (``.qdc``).

    Attributes
    ----------
    corpus : Corpus or None
        One document per text source; turns from the project's speaker codes when it
        has them (a code folder ``Speakers`` whose codings cover each text turn by
        turn, as :func:`~research_kit.qda.write_qdpx` writes), else one turn per
        paragraph with speaker ``?``. Document variables come from the sources' and
        cases' variables. ``None`` for a codebook.
    codebook : Codebook
        One code per project code; ``codebook.codes`` has one row per code with its parent.
    codings : pandas.DataFrame
        Follows :data:`~research_kit.schemas.CODINGS`; empty for a codebook.
    notes : pandas.DataFrame
        Follows :data:`~research_kit.schemas.NOTES`: memos, notes and annotations;
        empty for a codebook.
    dropped : pandas.DataFrame
        Follows :data:`~research_kit.schemas.DROPPED`: every element that was not
        carried over, and why.
    name, origin : str
        The project's name and the program that wrote the file.
    path : pathlib.Path or None
        The file it was read from.
    codes, languages
        The codebook's, for a codebook read with :func:`read_qdc`:
        ``read_qdc(path).codes`` is ``read_qdc(path).codebook.codes``.
    """

    corpus: Corpus | None
    codebook: Codebook
    codings: pd.DataFrame
    notes: pd.DataFrame
    dropped: pd.DataFrame
    name: str = ""
    origin: str = ""
    path: Path | None = None

    @property
    def codes(self) -> pd.DataFrame:
        """The codebook's codes frame, one row per code (:attr:`Codebook.codes`)."""
        return self.codebook.codes

    @property
    def languages(self) -> tuple[str, ...]:
        """The codebook's languages."""
        return self.codebook.languages

    def __repr__(self) -> str:
        origin = self.origin or "an unknown program"
        if self.corpus is None:
            return (f"<QdaImport codebook {self.codebook.title!r} from {origin}: {len(self.codebook)} codes, "
                    f"{len(self.dropped)} elements not carried over>")
        return (f"<QdaImport {self.name!r} from {origin}: {len(self.corpus)} documents, "
                f"{len(self.codebook)} codes, {len(self.codings)} codings, {len(self.notes)} notes, "
                f"{len(self.dropped)} elements not carried over>")


#: The former name of :class:`QdaImport`.
QdaProject = QdaImport


# --------------------------------------------------------------------------- reading


def read_qdpx(path: str | Path, *, language: str | None = None, codebook: Codebook | None = None,
              max_size: int = DEFAULT_MAX_SIZE, max_ratio: float = DEFAULT_MAX_RATIO) -> QdaImport:
    """Read a REFI-QDA project (``.qdpx``) into a corpus, a codebook, codings and notes.

    Parameters
    ----------
    path
        The ``.qdpx`` file.
    language
        Language of the code names (the codebook's language); default: the documents'
        most common language, else ``"fr"``.
    codebook
        The team's codebook, when the project was coded with it: a project code takes
        the id and texts of the codebook's code with the same GUID (as
        :func:`~research_kit.qda.write_qdpx` and
        :func:`~research_kit.qda.write_qdc` derive them) or with the same label
        under the same parent. Other codes get ids from their names.
    max_size
        Largest total uncompressed size of the archive, in bytes (500 MiB).
    max_ratio
        Largest compression ratio of a member over 1 MiB.

    Returns
    -------
    QdaImport
        ``.corpus``, ``.codebook``, ``.codings`` (``schemas.CODINGS``), ``.notes``
        (``schemas.NOTES``), ``.dropped`` (``schemas.DROPPED``).

    Raises
    ------
    QdaError
        ``RK-Q01``–``RK-Q08`` when the archive or its XML cannot be read at all (see
        :mod:`research_kit.qda`). Problems with single elements (a missing source file,
        a selection out of range) do not raise: they are rows of ``.dropped`` and the
        rest of the project is imported.

    Examples
    --------
    >>> project = read_qdpx("tests/data/qdpx/standard.qdpx")
    >>> project.codings[["doc_id", "start_char", "end_char", "code", "coder"]].head(2)
         doc_id  start_char  end_char            code coder
    0  entrevue           0        14  Équipe.Fatigue   Ana
    1  entrevue          60       100  Équipe.Soutien   Ben
    >>> project.dropped[["element", "name", "code"]]
         element         name    code
    0  PDFSource  rapport.pdf  RK-Q15
    1       Link     explique  RK-Q16
    2        Set     Fatigues  RK-Q16
    """
    from ..corpus import build_corpus

    report = qde.Report()
    with Archive(path, max_size=max_size, max_ratio=max_ratio) as archive:
        project = qde.parse_project(archive.project_root(), report)
        own = project.origin.lower().startswith("research kit")
        sidecar = _read_sidecar(archive, report) if own else None
        default = origin_convention(project.origin)
        sources, texts = [], []
        for src in project.sources:
            n_cod = len(src.codings) + sum(len(s.codings) for s in src.selections)
            got = _source_text(src, archive, report, n_cod)
            if got is not None:
                _place(src, got[0], default, report)
                sources.append(src)
                texts.append(got)
        note_text = _note_texts(project, archive, report)

    job = Assembly(project, sources, texts, note_text, own, report)
    job.speaker_turns()
    book, job.code_ids = job.codebook(language, given=codebook, sidecar=sidecar)
    job.cases()
    job.codings_and_notes()
    manifest: dict[str, Any] = {"title": project.name or Path(path).stem}
    if project.description and project.description.strip():
        manifest["description"] = normalise_text(project.description).strip()
    corpus = build_corpus(job.documents(), job.turns(), manifest=manifest)
    return QdaImport(corpus, book, job.codings(), job.notes(), report.frame(), project.name, project.origin,
                     Path(path))


def read_qdc(path: str | Path, *, language: str = "fr", codebook: Codebook | None = None,
             max_size: int = DEFAULT_MAX_QDC_SIZE) -> QdaImport:
    """Read a REFI-QDA codebook (``.qdc``).

    Code hierarchy comes from nesting, ``isCodable="false"`` codes are folders, the
    ``Description`` is the definition, colours are kept. Ids are built from the names
    (``Parent.Child``), so two codes with the same name under different parents stay
    two codes; with ``codebook=``, codes that match it (see :func:`read_qdpx`) keep
    its ids and texts. Sets are not carried over (a warning says so).

    Parameters
    ----------
    path
        The ``.qdc`` file.
    language
        Language of the code names and descriptions.
    codebook
        The team's codebook, to give back its ids.
    max_size
        Largest file size read, in bytes.

    Returns
    -------
    QdaImport
        ``.codebook`` (also ``.codes`` and ``.languages``), ``.dropped``; no
        ``.corpus`` (``None``), empty ``.codings`` and ``.notes``.

    Raises
    ------
    QdaError
        ``RK-Q01`` unreadable file or a zip, ``RK-Q04`` file too large, ``RK-Q06``
        DOCTYPE, ``RK-Q07`` broken XML, ``RK-Q08`` root element is not ``CodeBook``.

    Warns
    -----
    ResearchKitWarning
        ``RK-Q16`` when elements were not carried over (listed in ``.dropped``).
    """
    shown = str(path)
    root = open_qdc(path, max_size=max_size)
    report = qde.Report()
    book, _ = build_codebook(qde.parse_codebook(root, report), keep=lambda c: True, title="", language=language,
                             given=codebook, sidecar=None)
    if report.rows:
        listed = "; ".join(f"{r['element']} {r['name'] or r['id']}: {r['reason']}" for r in report.rows[:5])
        warn("RK-Q16", f"{shown}: {len(report.rows)} element(s) not carried over: {listed}")
    book = Codebook(book.entries, title=book.title or Path(path).stem, languages=book.languages,
                    description=book.description)
    return QdaImport(None, book, schemas.empty_frame(schemas.CODINGS), schemas.empty_frame(schemas.NOTES),
                     report.frame(), origin=(root.get("origin") or "").strip(), path=Path(path))


# --------------------------------------------------------------------------- the steps of read_qdpx


def _read_sidecar(archive: Archive, report: qde.Report) -> Any:
    from ..codebook import read_codebook

    member = archive.has(archive.base + CODEBOOK_MEMBER)
    if member is None:
        return None
    try:
        data = archive.read(member)
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "codebook.yml"
            file.write_bytes(data)
            book = read_codebook(file)
        return book.__class__(book.entries, title=book.title, languages=book.languages, description=book.description)
    except ResearchKitError as e:
        report.add(member, None, None, "RK-Q27", f"the Research Kit codebook kept in the archive cannot be read "
                   f"({e}); codes were taken from the project instead.", None)
        return None


def _source_text(src: qde.Source, archive: Archive, report: qde.Report,
                 n_codings: int) -> tuple[SourceText, str | None] | None:
    lost = f" Its {len(src.selections)} selection(s) and {n_codings} coding(s) were left out." \
        if src.selections or src.codings else ""
    if src.content is not None:
        return normalise_source(src.content), None
    if not src.path:
        report.add("TextSource", src.guid, src.name, "RK-Q10", "has neither plainTextPath nor PlainTextContent, so "
                   "its text is unknown." + lost, src.line)
        return None
    member = archive.resolve(src.path)
    if member is None:
        report.add("TextSource", src.guid, src.name, "RK-Q10", f'its text file "{src.path}" is not in the archive.'
                   + lost + " Export the project again with its sources included.", src.line)
        return None
    data = archive.read(member)
    if not data.strip():
        return normalise_source(""), member
    try:
        raw, _ = decode(data, path=member)
    except ResearchKitError as e:
        report.add("TextSource", src.guid, src.name, "RK-Q11", f'its text file "{member}" cannot be read as text '
                   f"({e.message})." + lost, src.line)
        return None
    return normalise_source(raw), member


def _place(src: qde.Source, text: SourceText, default: str, report: qde.Report) -> None:
    """Give each selection its span in the document text, or report it."""
    squashed = squash_space(text.text)
    parsed: list[tuple[qde.Selection, int, int, tuple[str, bool] | None]] = []
    for sel in src.selections:
        try:
            start, end = int(str(sel.start).strip()), int(str(sel.end).strip())
        except (TypeError, ValueError):
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q20",
                       f'startPosition "{sel.start}" / endPosition "{sel.end}" are not whole numbers; left out.',
                       sel.line)
            continue
        if start == end:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q16",
                       f"an empty selection (startPosition = endPosition = {start}); left out.", sel.line)
            continue
        parsed.append((sel, start, end, find_quote(sel.name, squashed)))
    votes = {c: 0 for c in CONVENTIONS}
    for _, start, end, quote in parsed:
        if quote is None:
            continue
        for conv in CONVENTIONS:
            try:
                s, e = text.locate(start, end, conv)
            except PositionError:
                continue
            votes[conv] += matches_quote(quote, text.text[s:e])
    order = sorted(CONVENTIONS, key=lambda c: (-votes[c], c != default, CONVENTIONS.index(c)))
    best = order[0] if any(votes.values()) else default
    tries = [best] + [c for c in CONVENTIONS if c != best]
    for sel, start, end, quote in parsed:
        error: str | None = None
        placed_elsewhere = False
        for conv in tries if quote is not None else [best]:
            try:
                s, e = text.locate(start, end, conv)
            except PositionError as err:
                error = error or err.reason
                continue
            if quote is None or matches_quote(quote, text.text[s:e]):
                sel.span = (s, e)
                break
            placed_elsewhere = True
        if sel.span is not None:
            continue
        n = len(sel.codings)
        lost = f" Its {n} coding(s) were left out." if n else ""
        if placed_elsewhere:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q13",
                       f"positions {start}–{end} do not hold the text its name quotes in any counting convention "
                       f"({', '.join(CONVENTIONS)}); it was not moved." + lost, sel.line)
        else:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q12",
                       f"positions {start}–{end} cannot be placed: {error} ({best} convention; the text has "
                       f"{text.length(best)} units)." + lost, sel.line)


def _note_texts(project: qde.Project, archive: Archive, report: qde.Report) -> dict[str, str]:
    out: dict[str, str] = {}
    for g, note in project.all_notes.items():
        if note.content is not None:
            out[g] = normalise_text(note.content)
        elif note.path and (member := archive.resolve(note.path)):
            try:
                out[g] = normalise_text(decode(archive.read(member), path=member)[0])
            except ResearchKitError as e:
                report.add("Note", g, note.name, "RK-Q11", f"its text cannot be read ({e.message}).", note.line)
        else:
            report.add("Note", g, note.name, "RK-Q10", "its text is neither in the project nor in the archive "
                       "(a note with rich text only?).", note.line)
        if note.n_selections:
            report.add("Note", g, note.name, "RK-Q16", f"{note.n_selections} selection(s) inside the note are "
                       "not carried over; its text is.", note.line)
    return out
