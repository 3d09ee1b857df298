"""Writing REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) that validate against the standard.

:func:`write_qdpx` takes a corpus, a codebook, codings and notes frames and writes a
project that validates against ``Project.xsd``; :func:`write_qdc` writes a codebook
that validates against ``Codebook.xsd``. GUIDs derive from the ids and offsets
(:func:`~research_kit.qda.mapping.stable_guid`) and the zip has fixed dates and a
fixed order, so exporting the same data twice gives identical bytes. ``docs/qda.md``
describes what each object becomes.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import schemas
from .._io import atomic_write
from ..codebook import Codebook, CodeEntry
from ..corpus import Corpus
from ..errors import CodingError, QdaError, check_option, warn
from .mapping import CODEBOOK_MEMBER, SPEAKERS_FOLDER, format_times, hex_color, stable_guid
from .positions import export_positions, export_text

__all__ = [
    "CONVENTIONS",
    "PROJECT_NS",
    "CODEBOOK_NS",
    "write_qdpx",
    "write_qdc",
    "qdpx_members",
    "write_archive",
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
    """Each code as a ``Code`` inside its parent's, in codebook order; without recursion, for any depth."""
    elements: dict[str | None, Any] = {None: parent}
    for entry in codebook.entries:  # parents first, siblings in order: a parent's element exists before its children
        code = entry.code
        el = b.sub(elements[entry.parent], "Code", guid=stable_guid("code", code),
                   name=codebook.label(code, lang) or code, isCodable="true" if entry.codable else "false",
                   color=hex_color(entry.color))
        definition = entry.definition.get(lang) or next((v for v in entry.definition.values() if v), None)
        if definition:
            b.sub(el, "Description", definition)
        if project:
            for g in code_notes.get(code, []):
                b.sub(el, "NoteRef", targetGUID=g)
        elements[code] = el


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
    from .. import __version__

    b = _Builder(CODEBOOK_NS)
    root = b.root("CodeBook", origin=f"Research Kit {__version__}")
    _code_elements(b, b.sub(root, "Codes"), codebook, lang, {}, project=False)
    with atomic_write(path, "wb") as fh:
        fh.write(b.bytes(root))
    return Path(path)


def _note_guid(note_id: str) -> str:
    return _as_guid(note_id, "note")


def _check_notes(notes: pd.DataFrame, corpus: Corpus, codebook: Codebook) -> None:
    schemas.validate_frame(notes, schemas.NOTES, argument="notes")
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
               language: str | None = None, keep_codebook: bool = True, description: str | None = None) -> Path:
    """Write a REFI-QDA project (``.qdpx``) that validates against ``Project.xsd``.

    What the other program gets: one text source per document (the document text,
    turns apart by a blank line), a code folder ``Speakers`` with one code per
    speaker and one coding per turn (the turn's times as the selection's
    description), one case per speaker with its ``role`` and its turns, one case per
    document with its variables (``title``, ``date``, ``language`` and the corpus
    variables), the codebook's codes (label in ``language``, definition, colour,
    folders not codable), one user per coder and the codings, their memos as notes.
    ``notes`` (a ``schemas.NOTES`` frame, as :func:`~research_kit.qda.read_qdpx`
    gives) are written back in place. Nothing but what ``corpus`` holds is written:
    export a pseudonymised corpus to share pseudonymised text. GUIDs derive from the
    ids and offsets, so exporting the same data twice gives identical files.

    The corpus's description (``corpus.manifest.description``) becomes the project's
    ``Description`` unless ``description`` is given; a corpus whose manifest says it
    names real people and is not pseudonymised is exported with a warning.

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
        Notes to write (``schemas.NOTES``).
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
        that :func:`~research_kit.qda.read_qdpx` gives back its ids, other
        languages and rules (other programs ignore the file).
    description
        The project's description (its ``Description`` element); default: the corpus's.

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

    Warns
    -----
    ResearchKitWarning
        ``RK-Q22`` when the corpus names real people and is not pseudonymised: the
        export holds those names.
    """
    if description is None:
        description = corpus.manifest.description
    members = qdpx_members(corpus=corpus, codebook=codebook, codings=codings, notes=notes, convention=convention,
                           name=name, language=language, keep_codebook=keep_codebook, description=description)
    if corpus.manifest.identities and not corpus.manifest.pseudonymised:
        warn("RK-Q22", "the corpus manifest says its transcripts name real people (identities: true) and it is not "
             "pseudonymised; the export holds those names. Pseudonymise the corpus first to share it.")
    return write_archive(path, members)


def qdpx_members(*, corpus: Corpus, codebook: Codebook | None = None, codings: pd.DataFrame | None = None,
                 notes: pd.DataFrame | None = None, convention: Literal["standard", "nvivo", "maxqda"] = "standard",
                 name: str | None = None, language: str | None = None, keep_codebook: bool = True,
                 description: str | None = None) -> list[tuple[str, bytes]]:
    """The members of the archive :func:`write_qdpx` writes: ``(name, bytes)`` in a fixed order.

    ``project.qde``, then the sources' text files, then the codebook kept for
    Research Kit. Takes and checks the arguments as :func:`write_qdpx` does, and
    raises the same errors (which name ``write_qdpx``).
    """
    from ..coding import check_codings

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
        notes = schemas.empty_frame(schemas.NOTES)
    codings = codings.drop_duplicates(subset=["doc_id", "start_char", "end_char", "code", "coder"])

    job = _Export(corpus, codebook, codings, notes, convention=convention, name=name, language=lang,
                  description=description)
    members = job.members()
    if keep_codebook and len(codebook):
        from ..codebook import write_codebook

        with tempfile.TemporaryDirectory() as tmp:
            file = write_codebook(codebook, Path(tmp) / "codebook.yml")
            members.append((CODEBOOK_MEMBER, file.read_bytes()))
    return members


def write_archive(path: str | Path, members: list[tuple[str, bytes]]) -> Path:
    """Write ``members`` (from :func:`qdpx_members`) as a zip at ``path``, atomically, with fixed dates."""
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
                 convention: str, name: str | None, language: str, description: str | None) -> None:
        from .. import __version__

        self.corpus, self.codebook, self.codings, self.notes = corpus, codebook, codings, notes
        self.bom, self.crlf, self.utf16 = CONVENTIONS[convention]
        self.language, self.description = language, description
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
        for t in self.corpus.document_turns(doc_id).itertuples(index=False):
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
        if self.description:
            b.sub(self.root, "Description", self.description)
        for ng in dict.fromkeys(project_refs):
            b.sub(self.root, "NoteRef", targetGUID=ng)
