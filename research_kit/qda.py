"""Exchange with QDA programs (NVivo, ATLAS.ti, MAXQDA, QualCoder…) through REFI-QDA.

:func:`read_qdpx` turns a REFI-QDA project (``.qdpx``) into a :class:`QdaProject`: the
corpus (text sources as documents, with their variables), the codebook, the codings,
the notes and a report of everything that was not carried over. :func:`write_qdpx`
writes a project that validates against the standard's ``Project.xsd``;
:func:`read_qdc`/:func:`write_qdc` do the same for codebooks (``Codebook.xsd``).
:func:`write_qda_folder`, :func:`import_qdpx_to_folder` and
:func:`export_folder_to_qdpx` connect projects with corpus folders (the
``research-kit qdpx`` commands). ``docs/qda.md`` describes every mapping.

Positions
---------
Offsets in the frames are code points in the document text (see
:mod:`research_kit.schemas`). Programs count selections differently; the import
maps them with :mod:`research_kit._positions`, choosing the counting from the
project's ``origin`` and checking it against each selection's quoted text.

Codes
-----
``RK-Q01`` not a zip / no such file; ``RK-Q02`` no (or several) .qde files;
``RK-Q03`` unsafe or encrypted member; ``RK-Q04`` archive too large; ``RK-Q05``
compression ratio of a zip bomb; ``RK-Q06`` DOCTYPE or entity declarations;
``RK-Q07`` broken XML; ``RK-Q08`` wrong root element. In the *dropped* report:
``RK-Q09`` element without guid or name; ``RK-Q10`` missing source or note text;
``RK-Q11`` undecodable text file; ``RK-Q12`` selection out of range or inside a
character; ``RK-Q13`` selection whose quoted text is not at its positions;
``RK-Q14`` coding of an unknown code; ``RK-Q15`` PDF, picture, audio or video
source; ``RK-Q16`` element the workbench does not carry (sets, links, graphs,
case references, selections inside notes, empty selections); ``RK-Q17`` value of
an unusable type (colour, variable type, date); ``RK-Q18`` reference to a missing
variable or note; ``RK-Q19`` duplicate GUID; ``RK-Q20`` positions that are not
numbers; ``RK-Q27`` the Research Kit codebook inside an archive is unusable.
Writing: ``RK-Q21`` an empty codebook cannot be a ``.qdc``; ``RK-Q22`` (a warning)
the corpus names real people and is not pseudonymised; ``RK-Q23`` a notes row
points at nothing.
"""

from __future__ import annotations

import csv
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import schemas
from ._io import atomic_write, read_bytes
from ._positions import export_positions, export_text
from .codebook import Codebook, CodeEntry
from .corpus import Corpus
from .errors import CodingError, QdaError, check_option
from .readers.qdpx import (CODEBOOK_MEMBER, DEFAULT_MAX_RATIO, DEFAULT_MAX_SIZE, DROPPED, NOTES, SPEAKERS_FOLDER,
                           _color, _Report, codebook_from_xml, format_times, import_project, parse_xml, stable_guid)

__all__ = [
    "QdaProject",
    "NOTES",
    "DROPPED",
    "CONVENTIONS",
    "read_qdpx",
    "read_qdc",
    "write_qdpx",
    "write_qdc",
    "write_qda_folder",
    "import_qdpx_to_folder",
    "export_folder_to_qdpx",
    "read_notes",
]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

#: Export conventions: (BOM, CRLF line ends, positions in UTF-16 code units).
CONVENTIONS: dict[str, tuple[bool, bool, bool]] = {
    "standard": (False, False, False),
    "nvivo": (True, True, True),
    "maxqda": (True, True, True),
}

_GUID_RE = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, eq=False)
class QdaProject:
    """A REFI-QDA project as the workbench's objects.

    Attributes
    ----------
    corpus : Corpus
        One document per text source; turns from the project's speaker codes when it
        has them (a code folder ``Speakers`` whose codings cover each text turn by
        turn, as :func:`write_qdpx` writes), else one turn per paragraph with speaker
        ``?``. Document variables come from the sources' and cases' variables.
    codebook : Codebook
        One code per project code; ``codebook.codes`` has one row per code with its parent.
    codings : pandas.DataFrame
        Follows :data:`~research_kit.schemas.CODINGS`.
    notes : pandas.DataFrame
        Follows :data:`NOTES`: memos, notes and annotations.
    dropped : pandas.DataFrame
        Follows :data:`DROPPED`: every element that was not carried over, and why.
    name, origin : str
        The project's name and the program that wrote it.
    path : pathlib.Path or None
        The file it was read from.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    notes: pd.DataFrame
    dropped: pd.DataFrame
    name: str = ""
    origin: str = ""
    path: Path | None = None

    def __repr__(self) -> str:
        return (f"<QdaProject {self.name!r} from {self.origin or 'an unknown program'}: {len(self.corpus)} documents, "
                f"{len(self.codebook)} codes, {len(self.codings)} codings, {len(self.notes)} notes, "
                f"{len(self.dropped)} elements not carried over>")


# --------------------------------------------------------------------------- reading


def read_qdpx(path: str | Path, *, language: str | None = None, codebook: Codebook | None = None,
              max_size: int = DEFAULT_MAX_SIZE, max_ratio: float = DEFAULT_MAX_RATIO) -> QdaProject:
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
        :func:`write_qdpx` and :func:`write_qdc` derive them) or with the same label
        under the same parent. Other codes get ids from their names.
    max_size
        Largest total uncompressed size of the archive, in bytes (500 MiB).
    max_ratio
        Largest compression ratio of a member over 1 MiB.

    Returns
    -------
    QdaProject
        ``.corpus``, ``.codebook``, ``.codings`` (``schemas.CODINGS``), ``.notes``
        (:data:`NOTES`), ``.dropped`` (:data:`DROPPED`).

    Raises
    ------
    QdaError
        ``RK-Q01``–``RK-Q08`` when the archive or its XML cannot be read at all (see
        the module docstring). Problems with single elements (a missing source file,
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
    got = import_project(path, language=language, codebook=codebook, max_size=max_size, max_ratio=max_ratio)
    return QdaProject(got.corpus, got.codebook, got.codings, got.notes, got.dropped, got.name, got.origin, Path(path))


def read_qdc(path: str | Path, *, language: str = "fr", codebook: Codebook | None = None,
             max_size: int = 50 * 2**20) -> Codebook:
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

    Raises
    ------
    QdaError
        ``RK-Q01`` unreadable file or a zip, ``RK-Q04`` file too large, ``RK-Q06``
        DOCTYPE, ``RK-Q07`` broken XML, ``RK-Q08`` root element is not ``CodeBook``.
    """
    shown = str(path)
    try:
        data = read_bytes(path)
    except Exception as e:
        raise QdaError("RK-Q01", "cannot be read.", path=shown, hint="Check the path of the .qdc file.") from e
    if len(data) > max_size:
        raise QdaError("RK-Q04", f"is {len(data)} bytes, more than the limit of {max_size}.", path=shown)
    if data[:4] == b"PK\x03\x04":
        raise QdaError("RK-Q01", "is a zip archive, not a codebook.", path=shown,
                       hint="A project (.qdpx) is read with read_qdpx(); its codebook is project.codebook.")
    root = parse_xml(data, shown=shown)
    if root.tag.rsplit("}", 1)[-1] != "CodeBook":
        raise QdaError("RK-Q08", f"the root element is <{root.tag.rsplit('}', 1)[-1]}>, not <CodeBook>.", path=shown,
                       line=root.sourceline, hint="A project (.qdpx) is read with read_qdpx().")
    report = _Report()
    book = codebook_from_xml(root, language=language, codebook=codebook, report=report)
    if report.rows:
        listed = "; ".join(f"{r['element']} {r['name'] or r['id']}: {r['reason']}" for r in report.rows[:5])
        warnings.warn(f"[RK-Q16] {shown}: {len(report.rows)} element(s) not carried over: {listed}", stacklevel=2)
    return Codebook(book.entries, title=book.title or Path(path).stem, languages=book.languages,
                    description=book.description)


# --------------------------------------------------------------------------- writing


def _xml_text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _as_guid(value: str, kind: str) -> str:
    value = str(value)
    return value.strip("{}").lower() if _GUID_RE.match(value) else stable_guid(kind, value)


def _stamp(ts: Any) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if ts.microsecond or ts.nanosecond:
        text += "." + f"{ts.microsecond:06d}{ts.nanosecond:03d}".rstrip("0")
    return text + "Z"


class _Builder:
    def __init__(self, ns: str) -> None:
        from lxml import etree

        self.etree = etree
        self.ns = ns

    def root(self, tag: str, **attrs: str | None) -> Any:
        el = self.etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns})
        self._attrs(el, attrs)
        return el

    def sub(self, parent: Any, tag: str, text: str | None = None, **attrs: str | None) -> Any:
        el = self.etree.SubElement(parent, f"{{{self.ns}}}{tag}")
        self._attrs(el, attrs)
        if text is not None:
            el.text = _xml_text(text)
        return el

    @staticmethod
    def _attrs(el: Any, attrs: dict[str, str | None]) -> None:
        for key, value in attrs.items():
            if value is not None:
                el.set(key, _xml_text(value))

    def bytes(self, root: Any) -> bytes:
        return self.etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _code_elements(b: _Builder, parent: Any, codebook: Codebook, lang: str, code_notes: dict[str, list[str]],
                   *, project: bool) -> None:
    children: dict[str | None, list[str]] = {}
    for e in codebook.entries:
        children.setdefault(e.parent, []).append(e.code)

    def add(holder: Any, code: str) -> None:
        entry = codebook.entry(code)
        el = b.sub(holder, "Code", guid=stable_guid("code", code), name=codebook.label(code, lang) or code,
                   isCodable="true" if entry.codable else "false", color=_color(entry.color))
        definition = entry.definition.get(lang) or next((v for v in entry.definition.values() if v), None)
        if definition:
            b.sub(el, "Description", definition)
        if project:
            for g in code_notes.get(code, []):
                b.sub(el, "NoteRef", targetGUID=g)
        for child in children.get(code, []):
            add(el, child)

    for code in children.get(None, []):
        add(parent, code)


def write_qdc(codebook: Codebook, path: str | Path, *, language: str | None = None) -> Path:
    """Write ``codebook`` as a REFI-QDA codebook (``.qdc``) that validates against ``Codebook.xsd``.

    Each code becomes a ``Code`` named by its label in ``language`` (default: the
    codebook's first), nested under its parent, with its definition as
    ``Description``, its colour, and ``isCodable="false"`` for folders. GUIDs derive
    from the code ids, so the file is the same on every export and :func:`read_qdc`
    with ``codebook=`` gives the ids back.

    Raises
    ------
    QdaError
        ``RK-Q21`` for a codebook without codes (the standard needs one).
    """
    lang = language or codebook.languages[0]
    check_option("language", lang, codebook.languages, function="write_qdc")
    if not len(codebook):
        raise QdaError("RK-Q21", "a codebook without codes cannot be written as .qdc (the standard needs one code).",
                       path=path, hint="Add a code to the codebook first.")
    from . import __version__

    b = _Builder(CODEBOOK_NS)
    root = b.root("CodeBook", origin=f"Research Kit {__version__}")
    _code_elements(b, b.sub(root, "Codes"), codebook, lang, {}, project=False)
    with atomic_write(path, "wb") as fh:
        fh.write(b.bytes(root))
    return Path(path)


def _note_guid(note_id: str) -> str:
    return _as_guid(note_id, "note")


def _check_notes(notes: pd.DataFrame, corpus: Corpus, codebook: Codebook) -> None:
    schemas.validate_frame(notes, NOTES, argument="notes")
    lengths = corpus.documents.set_index("doc_id")["n_chars"]
    for i, row in enumerate(notes.itertuples(index=False)):
        problem = None
        if pd.isna(row.note_id) or pd.isna(row.text):
            problem = "has no note_id or no text"
        elif not pd.isna(row.doc_id) and row.doc_id not in lengths.index:
            problem = f'refers to document "{row.doc_id}", which is not in the corpus'
        elif row.kind in ("annotation", "selection") and (pd.isna(row.doc_id) or pd.isna(row.start_char)
                                                           or pd.isna(row.end_char)):
            problem = f"is a {row.kind} without doc_id, start_char and end_char"
        elif not pd.isna(row.start_char) and not 0 <= row.start_char < row.end_char <= lengths[row.doc_id]:
            problem = f"has a segment {row.start_char}–{row.end_char} outside its document"
        elif row.kind == "code" and (pd.isna(row.code) or row.code not in codebook):
            problem = f'is attached to code "{row.code}", which is not in the codebook'
        if problem:
            raise QdaError("RK-Q23", f"notes row {i} {problem}.", hint="Fix the notes frame, or leave notes= out.")


def write_qdpx(path: str | Path, *, corpus: Corpus, codebook: Codebook | None = None,
               codings: pd.DataFrame | None = None, notes: pd.DataFrame | None = None,
               convention: Literal["standard", "nvivo", "maxqda"] = "standard", name: str | None = None,
               language: str | None = None, keep_codebook: bool = True) -> Path:
    """Write a REFI-QDA project (``.qdpx``) that validates against ``Project.xsd``.

    What the other program gets: one text source per document (the document text,
    turns apart by a blank line), a code folder ``Speakers`` with one code per
    speaker and one coding per turn (the turn's times as the selection's
    description), one case per speaker with its ``role`` and its turns, one case per
    document with its variables (``title``, ``date``, ``language`` and the corpus
    variables), the codebook's codes (label in ``language``, definition, colour,
    folders not codable), one user per coder and the codings, their memos as notes.
    ``notes`` (a :data:`NOTES` frame, as :func:`read_qdpx` gives) are written back in
    place. Nothing but what ``corpus`` holds is written: export a pseudonymised
    corpus to share pseudonymised text. GUIDs derive from the ids and offsets, so
    exporting the same data twice gives identical files.

    Parameters
    ----------
    path
        The ``.qdpx`` file to write (atomically).
    corpus
        The documents and turns.
    codebook
        The codes; by default one code per code of ``codings``.
    codings
        A codings frame (``schemas.CODINGS``; ``memo`` and ``coded_at`` may be left
        out); checked against ``corpus`` and ``codebook``.
    notes
        Notes to write (:data:`NOTES`).
    convention
        How the text files and positions are written:

        - ``"standard"``: UTF-8 without BOM, LF line ends, positions in code points
          (the REFI-QDA standard; QualCoder, ATLAS.ti, Research Kit);
        - ``"nvivo"``: UTF-8 with BOM, CRLF line ends, positions in UTF-16 code units
          counting CRLF as 2, as NVivo for Windows writes and reads them;
        - ``"maxqda"``: the same files and positions as ``"nvivo"`` (Windows
          conventions); kept as its own name so that it can change alone.
    name
        The project's name; default: the corpus title.
    language
        Language of the code names; default: the codebook's first language.
    keep_codebook
        Also store the codebook as ``research-kit/codebook.yml`` in the archive, so
        that :func:`read_qdpx` gives back its ids, other languages and rules
        (other programs ignore the file).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    CodingError
        When ``codings`` point at unknown documents or codes, or beyond a text.
    ParameterError
        ``RK-P01`` for an unknown ``convention`` or ``language``.
    """
    from .coding import check_codings

    check_option("convention", convention, CONVENTIONS, function="write_qdpx")
    if codings is None:
        codings = schemas.empty_frame(schemas.CODINGS)
    if isinstance(codings, pd.DataFrame):  # memo and coded_at are optional, as in codings files
        codings = codings.assign(**{c: codings[c] if c in codings else pd.NA for c in ("memo", "coded_at")})
        codings["coded_at"] = pd.to_datetime(codings["coded_at"], utc=True)
    schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
    if codebook is None:
        lang0 = language or "fr"
        codebook = Codebook(tuple(CodeEntry(c, label={lang0: c}) for c in sorted(set(codings["code"].dropna()))),
                            title=name or corpus.title, languages=(lang0,))
    check_codings(codings, corpus=corpus, codebook=codebook)
    negative = codings.index[codings["start_char"] < 0]
    if len(negative):
        raise CodingError("RK-G02", f"row {negative[0]}: start_char {codings.loc[negative[0], 'start_char']} is "
                          "negative.", hint="Offsets count from 0 in the document text.")
    lang = language or codebook.languages[0]
    check_option("language", lang, codebook.languages, function="write_qdpx")
    if notes is not None:
        _check_notes(notes, corpus, codebook)
    else:
        notes = schemas.empty_frame(NOTES)
    if corpus.manifest.get("identities") and not corpus.manifest.get("pseudonymised"):
        warnings.warn("[RK-Q22] the corpus manifest says its transcripts name real people (identities: true) and "
                      "it is not pseudonymised; the export holds those names. Pseudonymise the corpus first to "
                      "share it.", stacklevel=2)
    codings = codings.drop_duplicates(subset=["doc_id", "start_char", "end_char", "code", "coder"])

    job = _Export(corpus, codebook, codings, notes, convention=convention, name=name, language=lang)
    members = job.members()
    if keep_codebook and len(codebook):
        from .codebook import write_codebook

        with tempfile.TemporaryDirectory() as tmp:
            file = write_codebook(codebook, Path(tmp) / "codebook.yml")
            members.append((CODEBOOK_MEMBER, file.read_bytes()))
    with atomic_write(path, "wb") as fh:
        with zipfile.ZipFile(fh, "w") as zf:
            for member, data in members:
                info = zipfile.ZipInfo(member, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
    return Path(path)


_NO_ROLE = "\x00"


class _Export:
    """Builds ``project.qde`` and the source files of one export."""

    def __init__(self, corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, notes: pd.DataFrame, *,
                 convention: str, name: str | None, language: str) -> None:
        from . import __version__

        self.corpus, self.codebook, self.codings, self.notes = corpus, codebook, codings, notes
        self.bom, self.crlf, self.utf16 = CONVENTIONS[convention]
        self.language = language
        self.b = _Builder(PROJECT_NS)
        origin = f"Research Kit {__version__}" + ("" if convention == "standard" else f" ({convention} convention)")
        self.root = self.b.root("Project", name=name or corpus.title, origin=origin)
        people = set(codings["coder"].dropna()) | set(notes["author"].dropna())
        self.user_guid = {p: stable_guid("user", p) for p in sorted(people)}
        self.source_guid = {d: stable_guid("source", d) for d in corpus.documents["doc_id"]}
        self.turn_guid = {(t.doc_id, t.turn): stable_guid("turn", t.doc_id, t.turn)
                          for t in corpus.turns.itertuples(index=False)}
        self.note_elements: dict[str, tuple[Any, ...]] = {}  # note guid -> (title, text, author, created)

    def members(self) -> list[tuple[str, bytes]]:
        """``project.qde`` then the sources' text files, in a fixed order."""
        self._users()
        self._codes()
        self._cases()
        files = self._sources()
        self._notes()
        return [("project.qde", self.b.bytes(self.root)), *files]

    def _users(self) -> None:
        if self.user_guid:
            users = self.b.sub(self.root, "Users")
            for person, g in self.user_guid.items():
                self.b.sub(users, "User", guid=g, name=person)

    def _codes(self) -> None:
        code_notes: dict[str, list[str]] = {}
        for row in self.notes.itertuples(index=False):
            if row.kind == "code" and not pd.isna(row.code) and row.code in self.codebook:
                code_notes.setdefault(row.code, []).append(_note_guid(row.note_id))
        speakers = list(dict.fromkeys(self.corpus.turns["speaker"]))
        if not len(self.codebook) and not speakers:
            return
        b = self.b
        codes = b.sub(b.sub(self.root, "CodeBook"), "Codes")
        _code_elements(b, codes, self.codebook, self.language, code_notes, project=True)
        if speakers:
            folder = b.sub(codes, "Code", guid=stable_guid("speakers"), name=SPEAKERS_FOLDER, isCodable="false")
            b.sub(folder, "Description", "Who speaks: one code per speaker, one coding per turn (Research Kit).")
            for speaker in speakers:
                b.sub(folder, "Code", guid=stable_guid("speaker", speaker), name=speaker, isCodable="true")

    def _document_variables(self) -> dict[str, list[tuple[str, str, str]]]:
        """doc_id -> [(variable, type, value)]."""
        out: dict[str, list[tuple[str, str, str]]] = {}
        for d in self.corpus.documents.itertuples(index=False):
            row = d._asdict()
            values = []
            if not pd.isna(row["title"]) and row["title"] != row["doc_id"]:
                values.append(("title", "Text", str(row["title"])))
            if not pd.isna(row["date"]):
                values.append(("date", "Date", pd.Timestamp(row["date"]).strftime("%Y-%m-%d")))
            if not pd.isna(row["language"]):
                values.append(("language", "Text", str(row["language"])))
            values += [(v, "Text", str(row[v])) for v in self.corpus.variables if not pd.isna(row[v])]
            out[row["doc_id"]] = values
        return out

    def _cases(self) -> None:
        """Variables; a case per document with its variables, a case per speaker (and role) with its turns."""
        b, turns = self.b, self.corpus.turns
        doc_vars = self._document_variables()
        roles = turns["role"].fillna(_NO_ROLE)
        groups = list(dict.fromkeys(zip(turns["speaker"], roles)))
        declared = list(dict.fromkeys((n, t) for vals in doc_vars.values() for n, t, _ in vals))
        if any(role != _NO_ROLE for _, role in groups):
            declared.append(("role", "Text"))
        var_guid = {n: stable_guid("variable", n) for n, _ in declared}
        if declared:
            holder = b.sub(self.root, "Variables")
            for n, t in declared:
                b.sub(holder, "Variable", guid=var_guid[n], name=n, typeOfVariable=t)
        documents = [(doc_id, vals) for doc_id, vals in doc_vars.items() if vals]
        if not documents and not groups:
            return
        holder = b.sub(self.root, "Cases")
        for doc_id, vals in documents:
            case = b.sub(holder, "Case", guid=stable_guid("case", "document", doc_id), name=doc_id)
            for n, t, value in vals:
                vv = b.sub(case, "VariableValue")
                b.sub(vv, "VariableRef", targetGUID=var_guid[n])
                b.sub(vv, "DateValue" if t == "Date" else "TextValue", value)
            b.sub(case, "SourceRef", targetGUID=self.source_guid[doc_id])
        n_groups = pd.Series([s for s, _ in groups], dtype=object).value_counts().to_dict()
        for speaker, role in groups:
            shown = speaker if n_groups[speaker] == 1 else f"{speaker} ({'no role' if role == _NO_ROLE else role})"
            case = b.sub(holder, "Case", guid=stable_guid("case", "speaker", speaker, role), name=shown)
            if role != _NO_ROLE:
                vv = b.sub(case, "VariableValue")
                b.sub(vv, "VariableRef", targetGUID=var_guid["role"])
                b.sub(vv, "TextValue", role)
            for t in turns[(turns["speaker"] == speaker) & (roles == role)].itertuples(index=False):
                b.sub(case, "SelectionRef", targetGUID=self.turn_guid[(t.doc_id, t.turn)])

    def _sources(self) -> list[tuple[str, bytes]]:
        docs = self.corpus.documents["doc_id"]
        if not len(docs):
            return []
        holder = self.b.sub(self.root, "Sources")
        codings = dict(tuple(self.codings.groupby("doc_id", sort=False))) if len(self.codings) else {}
        notes = dict(tuple(self.notes.groupby("doc_id", sort=False))) if len(self.notes) else {}
        files = []
        for doc_id in docs:
            text = self.corpus.text(doc_id)
            g = self.source_guid[doc_id]
            data = export_text(text, crlf=self.crlf).encode("utf-8")
            files.append((f"sources/{g}.txt", (b"\xef\xbb\xbf" if self.bom else b"") + data))
            src = self.b.sub(holder, "TextSource", guid=g, name=doc_id, plainTextPath=f"internal://{g}.txt")
            units = export_positions(text, range(len(text) + 1), utf16=self.utf16, crlf=self.crlf)
            self._turns(src, doc_id, units)
            if doc_id in codings:
                self._codings(src, doc_id, text, units, codings[doc_id])
            refs = self._document_notes(src, doc_id, text, units, notes[doc_id]) if doc_id in notes else []
            for ng in refs:
                self.b.sub(src, "NoteRef", targetGUID=ng)
        return files

    def _selection(self, src: Any, guid: str, text: str, units: Any, s: int, e: int, **attrs: str | None) -> Any:
        return self.b.sub(src, "PlainTextSelection", guid=guid, name=text[s:e], startPosition=str(int(units[s])),
                          endPosition=str(int(units[e])), **attrs)

    def _turns(self, src: Any, doc_id: str, units: Any) -> None:
        b = self.b
        text = self.corpus.text(doc_id)
        for t in self.corpus.turns[self.corpus.turns["doc_id"] == doc_id].itertuples(index=False):
            sel = self._selection(src, self.turn_guid[(doc_id, t.turn)], text, units, t.start_char, t.end_char)
            times = format_times(t.start_s, t.end_s)
            if times:
                b.sub(sel, "Description", times)
            coding = b.sub(sel, "Coding", guid=stable_guid("turn-coding", doc_id, t.turn))
            b.sub(coding, "CodeRef", targetGUID=stable_guid("speaker", t.speaker))

    def _codings(self, src: Any, doc_id: str, text: str, units: Any, mine: pd.DataFrame) -> None:
        b, users = self.b, self.user_guid
        mine = mine.sort_values(["start_char", "end_char", "code", "coder"], kind="stable")
        for (s, e), group in mine.groupby(["start_char", "end_char"], sort=False):
            s, e = int(s), int(e)
            stamps = group["coded_at"].dropna()
            sel = self._selection(src, stable_guid("selection", doc_id, s, e), text, units, s, e,
                                  creatingUser=users.get(group["coder"].iloc[0]),
                                  creationDateTime=_stamp(stamps.min()) if len(stamps) else None)
            for row in group.itertuples(index=False):
                key = (doc_id, s, e, row.code, row.coder)
                coding = b.sub(sel, "Coding", guid=stable_guid("coding", *key), creatingUser=users.get(row.coder),
                               creationDateTime=_stamp(row.coded_at))
                b.sub(coding, "CodeRef", targetGUID=stable_guid("code", row.code))
                if not pd.isna(row.memo) and str(row.memo).strip():
                    ng = stable_guid("memo", *key)
                    b.sub(coding, "NoteRef", targetGUID=ng)
                    memo = str(row.memo)
                    self.note_elements[ng] = (memo.split("\n", 1)[0][:60], memo, row.coder, row.coded_at)

    def _document_notes(self, src: Any, doc_id: str, text: str, units: Any, mine: pd.DataFrame) -> list[str]:
        """Annotations and notes on passages as selections; the GUIDs of notes on the whole document."""
        refs = []
        for row in mine.itertuples(index=False):
            ng = _note_guid(row.note_id)
            author = None if pd.isna(row.author) else row.author
            if row.kind in ("annotation", "selection"):
                s, e = int(row.start_char), int(row.end_char)
                guid = ng if row.kind == "annotation" else stable_guid("note-selection", row.note_id, s, e)
                sel = self._selection(src, guid, text, units, s, e, creatingUser=self.user_guid.get(author),
                                      creationDateTime=_stamp(row.created))
                if row.kind == "annotation":
                    self.b.sub(sel, "Description", str(row.text))
                    continue
                self.b.sub(sel, "NoteRef", targetGUID=ng)
            else:
                refs.append(ng)
            self.note_elements.setdefault(ng, (None if pd.isna(row.title) else row.title, row.text, author,
                                               row.created))
        return refs

    def _notes(self) -> None:
        project_refs: list[str] = []
        for row in self.notes.itertuples(index=False):
            if not pd.isna(row.doc_id):
                continue
            ng = _note_guid(row.note_id)
            if row.kind == "project":
                project_refs.append(ng)
            self.note_elements.setdefault(ng, (None if pd.isna(row.title) else row.title, row.text,
                                               None if pd.isna(row.author) else row.author, row.created))
        b = self.b
        if self.note_elements:
            holder = b.sub(self.root, "Notes")
            for ng, (title, body, author, created) in self.note_elements.items():
                note = b.sub(holder, "Note", guid=ng, name=title, creatingUser=self.user_guid.get(author),
                             creationDateTime=_stamp(created))
                b.sub(note, "PlainTextContent", str(body))
        if self.corpus.manifest.get("description"):
            b.sub(self.root, "Description", str(self.corpus.manifest["description"]))
        for ng in dict.fromkeys(project_refs):
            b.sub(self.root, "NoteRef", targetGUID=ng)


# --------------------------------------------------------------------------- folders


def _file_name(value: str, taken: set[str]) -> str:
    base = re.sub(r"[^\w.\-]+", "_", value).strip("._") or "coder"
    out, k = base, 2
    while out.lower() in taken:
        out, k = f"{base}-{k}", k + 1
    taken.add(out.lower())
    return out


def _write_frame(frame: pd.DataFrame, path: Path, datetimes: Sequence[str]) -> Path:
    out = frame.copy()
    for col in datetimes:
        out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    with atomic_write(path) as fh:
        out.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return path


def write_qda_folder(project: QdaProject, folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write an imported project as a corpus folder ready for notebooks and briefs.

    Writes the corpus (:func:`~research_kit.corpus.write_corpus`: ``corpus.yml`` and
    ``transcripts/``), ``codebook.yml``, ``codings/<coder>.csv`` (one file per
    coder), ``notes.csv`` and ``dropped.csv`` (what was not carried over).

    Returns
    -------
    list of pathlib.Path
        The files written (the transcripts folder counts as one entry).

    Raises
    ------
    InputFileError
        ``RK-C09`` when ``folder`` holds files and ``overwrite`` is False.
    """
    from .codebook import write_codebook
    from .coding import write_codings
    from .corpus import write_corpus

    folder = Path(folder)
    extra = {"codebook": "codebook.yml", "codings": ["codings/*.csv"]} if len(project.codebook) else {}
    write_corpus(project.corpus, folder, overwrite=overwrite, manifest_extra=extra)
    written = [folder / "corpus.yml", folder / "transcripts"]
    if len(project.codebook):
        written.append(write_codebook(project.codebook, folder / "codebook.yml"))
    taken: set[str] = set()
    for coder, group in project.codings.groupby("coder", sort=True):
        file = folder / "codings" / f"{_file_name(coder, taken)}.csv"
        written.append(write_codings(group.reset_index(drop=True), file))
    written.append(_write_frame(project.notes, folder / "notes.csv", ["created"]))
    written.append(_write_frame(project.dropped, folder / "dropped.csv", []))
    return written


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
    """Read a ``notes.csv`` written by :func:`write_qda_folder` into a :data:`NOTES` frame."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    schemas.validate_frame(frame, NOTES, argument=str(path))
    frame["created"] = pd.to_datetime(frame["created"], utc=True, errors="coerce").astype("datetime64[ns, UTC]")
    for col in ("start_char", "end_char"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    return frame.astype({k: v for k, v in NOTES.dtypes.items() if k not in ("created", "start_char", "end_char")})


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
        A codebook file; default: the manifest's ``codebook:``, else ``codebook.yml``
        (or ``.yaml``, ``.csv``) in the folder, if any.
    codings
        Codings CSV files or folders of them; default: the manifest's ``codings:``
        patterns, else ``codings/*.csv`` in the folder.
    notes
        A ``notes.csv`` (as :func:`write_qda_folder` writes); default: the folder's, if any.
    convention, name, language
        As in :func:`write_qdpx`.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from .codebook import read_codebook
    from .coding import merge_codings, read_codings
    from .corpus import read_corpus

    corpus_dir = Path(corpus_dir)
    check_option("convention", convention, CONVENTIONS, function="export_folder_to_qdpx")
    corpus = read_corpus(corpus_dir)
    if codebook is None:
        named = corpus.manifest.get("codebook")
        candidates = [named] if isinstance(named, str) else ["codebook.yml", "codebook.yaml", "codebook.csv"]
        codebook = next((corpus_dir / n for n in candidates if (corpus_dir / n).is_file()), None)
    book = read_codebook(codebook) if codebook is not None else None
    files = _codings_files(codings)
    if not codings:
        named = corpus.manifest.get("codings") or ["codings/*.csv"]
        for pattern in [named] if isinstance(named, str) else named:
            files.extend(sorted(p for p in corpus_dir.glob(str(pattern)) if p.is_file()))
    frames = [read_codings(p, corpus=corpus, codebook=book) for p in dict.fromkeys(files)]
    merged = merge_codings(*frames) if frames else None
    if notes is None and (corpus_dir / "notes.csv").is_file():
        notes = corpus_dir / "notes.csv"
    note_frame = read_notes(notes) if notes is not None else None
    return write_qdpx(out, corpus=corpus, codebook=book, codings=merged, notes=note_frame, convention=convention,
                      name=name, language=language)
