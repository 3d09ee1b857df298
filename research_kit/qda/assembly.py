"""The records of a project, their selections placed, turned into the workbench's objects.

:class:`Assembly` decides the turns (from a ``Speakers`` code folder whose codings
tile a text, else one turn per paragraph), builds the codebook (:func:`build_codebook`),
the documents' variables from sources and cases, the codings and the notes, and
reports what it does not carry over. :mod:`research_kit.qda.importing` drives it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from .._io import normalise_text
from . import qde
from .mapping import CODEBOOK_MEMBER, SPEAKERS_FOLDER, parse_times, stable_guid
from .positions import SourceText

__all__ = ["Assembly", "build_codebook"]


_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _timestamp(value: str | None) -> pd.Timestamp:
    if not value:
        return pd.NaT
    value = value.strip()
    if not _ISO_RE.match(value):  # "04/05/2023" is ambiguous: the standard writes ISO 8601
        return pd.NaT
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT
    if ts is pd.NaT:
        return pd.NaT
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _slug(name: str) -> str:
    s = re.sub(r"[^\w\-]+", "_", unicodedata.normalize("NFC", name)).strip("_-")
    return s or "code"


class _Names:
    """Names made unique by a number (``name``, ``name_2``, ``name_3``…), in linear time.

    Each base name remembers the next number to try, so that 10,000 codes of one name
    cost 10,000 look-ups, not 50 million. ``take`` marks a name used as it is.
    """

    def __init__(self, sep: str = "_") -> None:
        self.sep = sep
        self.taken: set[str] = set()
        self.next: dict[str, int] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.taken

    def take(self, name: str) -> None:
        self.taken.add(name)

    def unique(self, value: str) -> str:
        out, k = value, self.next.get(value, 2)
        if out in self.taken:
            out = f"{value}{self.sep}{k}"
            while out in self.taken:
                k += 1
                out = f"{value}{self.sep}{k}"
            k += 1
        self.next[value] = k
        self.taken.add(out)
        return out


_TEXT_SUFFIXES = (".txt", ".text", ".docx", ".doc", ".rtf", ".odt", ".md", ".htm", ".html")


# --------------------------------------------------------------------------- codebook


def build_codebook(codes: list[qde.Code], *, keep: Callable[[qde.Code], bool], title: str, language: str,
                    given: Any, sidecar: Any) -> tuple[Any, dict[str, str]]:
    """A :class:`~research_kit.codebook.Codebook` of the ``codes`` that ``keep`` keeps, and the map GUID -> code id.

    ``sidecar`` (the codebook Research Kit keeps in its own archives) is taken whole.
    Otherwise a code takes the id and texts of the code of ``given`` (the team's
    codebook) with the same GUID, or with the same label under the same parent;
    other codes get ids from their names (``Parent.Child``, made unique) and their
    label and definition in ``language``.
    """
    from ..codebook import Codebook, CodeEntry

    kept = [c for c in codes if keep(c)]
    if sidecar is not None:
        by_guid = {stable_guid("code", e.code): e.code for e in sidecar.entries}
        return sidecar, {c.guid: by_guid[c.guid] for c in kept}
    given_guid = {stable_guid("code", e.code): e for e in given.entries} if given is not None else {}
    # The team's codes by (parent, id or label), in codebook order: one look-up per project code.
    given_named: dict[tuple[str | None, str], deque[Any]] = {}
    for e in given.entries if given is not None else ():
        for name in dict.fromkeys([e.code, *e.label.values()]):
            given_named.setdefault((e.parent, name), deque()).append(e)
    ids: dict[str, str] = {}
    taken = _Names()
    entries = []
    for c in kept:
        parent = ids.get(c.parent) if c.parent else None
        match = given_guid.get(c.guid)
        if match is None and given is not None:
            candidates = given_named.get((parent, c.name), deque())
            while candidates and candidates[0].code in taken:  # codes once taken stay taken: drop them
                candidates.popleft()
            match = candidates[0] if candidates else None
        if match is not None and match.code not in taken:
            ids[c.guid] = match.code
            taken.take(match.code)
            entries.append(dataclasses.replace(match, parent=parent))
            continue
        base = _slug(c.name) if parent is None else f"{parent}.{_slug(c.name)}"
        ids[c.guid] = taken.unique(base)
        definition = (c.description or "").strip()
        entries.append(CodeEntry(code=ids[c.guid], parent=parent, label={language: c.name},
                                 definition={language: definition} if definition else {}, color=c.color,
                                 codable=c.codable))
    languages = tuple(given.languages) if given is not None else (language,)
    return Codebook(tuple(entries), title=title, languages=languages), ids


# --------------------------------------------------------------------------- assembly


def _tile(doc: str, selections: list[tuple[qde.Selection, str]]) -> list[tuple[qde.Selection, str]] | None:
    """The turn selections if they cover the text exactly, turns apart by one blank line."""
    spans = sorted(selections, key=lambda x: x[0].span)
    at = 0
    for k, (sel, _) in enumerate(spans):
        s, e = sel.span
        if k and doc[at:s] != schemas.TURN_SEPARATOR:
            return None
        if not k and s != 0:
            return None
        piece = doc[s:e]
        if not piece or piece != piece.strip():
            return None
        at = e
    if at != len(doc):
        return None
    return spans


def _doc_ids(sources: list[qde.Source], own: bool) -> list[str]:
    taken = _Names(sep="-")
    out = []
    for k, src in enumerate(sources):
        name = src.name or f"source-{k + 1}"
        if not own:
            stem, dot, suffix = name.rpartition(".")
            if dot and stem and f".{suffix.lower()}" in _TEXT_SUFFIXES:
                name = stem
        out.append(taken.unique(name))
    return out


class Assembly:
    """Turns the parsed project and its placed selections into the workbench's rows."""

    def __init__(self, project: qde.Project, sources: list[qde.Source], texts: list[tuple[SourceText, str | None]],
                 note_text: dict[str, str], own: bool, report: qde.Report) -> None:
        self.project, self.sources, self.texts, self.note_text = project, sources, texts, note_text
        self.own, self.report = own, report
        self.doc_ids = _doc_ids(sources, own)
        self.users = project.users
        self.creator = project.users.get(project.creator) if project.creator else None
        self.doc_turns: list[list[dict[str, Any]]] = []
        self.turn_selections: dict[str, tuple[int, int]] = {}  # selection guid -> (document, turn)
        self.consumed: set[int] = set()  # id() of the codings that became turns
        self.hidden: set[str] = set()  # GUIDs of the speaker codes that became turns
        self.doc_values: list[dict[str, list[str]]] = [{} for _ in sources]
        self.code_ids: dict[str, str] = {}
        self.coding_rows: list[dict[str, Any]] = []
        self.note_rows: list[dict[str, Any]] = []
        self.memo_notes: set[str] = set()

    # -- turns
    def speaker_turns(self) -> None:
        """Turns from a ``Speakers`` code folder whose codings tile a document, else paragraphs."""
        codes = self.project.codes
        folders = {c.guid for c in codes if c.parent is None and
                   (c.name == SPEAKERS_FOLDER or c.guid == stable_guid("speakers"))}
        speaker_codes = {c.guid: c.name for c in codes if c.parent in folders}
        for d, (src, (text, _)) in enumerate(zip(self.sources, self.texts)):
            doc = text.text
            candidates = [(sel, speaker_codes[c.code]) for sel in src.selections if sel.span
                          for c in sel.codings if c.code in speaker_codes]
            one_each = len({id(s) for s, _ in candidates}) == len(candidates)
            tiled = _tile(doc, candidates) if candidates and one_each else None
            turns: list[dict[str, Any]] = []
            for t, (sel, speaker) in enumerate(tiled or []):
                times = parse_times(sel.description)
                turns.append({"speaker": speaker, "text": doc[sel.span[0]:sel.span[1]], "role": None,
                              "start_s": times[0] if times else np.nan, "end_s": times[1] if times else np.nan})
                self.consumed.update(id(c) for c in sel.codings if c.code in speaker_codes)
                if times:
                    sel.description = None
                if sel.guid:
                    self.turn_selections[sel.guid] = (d, t)
            if not tiled:
                turns = [{"speaker": schemas.UNKNOWN_SPEAKER, "text": doc[s:e], "role": None, "start_s": np.nan,
                          "end_s": np.nan} for s, e in _paragraph_spans(doc)]
            self.doc_turns.append(turns)
        left = any(c.code in speaker_codes and id(c) not in self.consumed for src in self.sources
                   for c in [*src.codings, *(c for sel in src.selections for c in sel.codings)])
        self.hidden = set() if left else folders | set(speaker_codes)

    def turns(self) -> pd.DataFrame:
        rows = [{"doc_id": self.doc_ids[d], **t} for d, turns in enumerate(self.doc_turns) for t in turns]
        return pd.DataFrame(rows, columns=["doc_id", "speaker", "text", "role", "start_s", "end_s"])

    def codings(self) -> pd.DataFrame:
        """The codings rows as a :data:`~research_kit.schemas.CODINGS` frame, in document order."""
        return _codings_frame(self.coding_rows)

    def notes(self) -> pd.DataFrame:
        """The notes rows as a :data:`~research_kit.schemas.NOTES` frame."""
        return _notes_frame(self.note_rows)

    # -- codebook
    def codebook(self, language: str | None, *, given: Any, sidecar: Any) -> tuple[Any, dict[str, str]]:
        from ..language import detect_language

        codes = self.project.codes
        lang = language or _main_language([t.text for t, _ in self.texts], detect_language) or "fr"
        shown = {c.guid for c in codes if c.guid not in self.hidden}
        if sidecar is not None and {stable_guid("code", e.code) for e in sidecar.entries} != shown:
            self.report.add(CODEBOOK_MEMBER, None, None, "RK-Q27", "the Research Kit codebook kept in the archive "
                            "does not match the project's codes (edited in another program?); codes were taken "
                            "from the project instead.", None)
            sidecar = None
        return build_codebook(codes, keep=lambda c: c.guid in shown, title=self.project.name, language=lang,
                               given=given, sidecar=sidecar)

    # -- cases
    def cases(self) -> None:
        """Roles of speakers from speaker cases; document variables from sources and other cases."""
        report, sources = self.report, self.sources
        doc_of_source = {src.guid: d for d, src in enumerate(sources) if src.guid}
        for d, src in enumerate(sources):
            for name, value in src.values.items():
                self.doc_values[d].setdefault(name, []).append(value)
        for case in self.project.cases:
            if case.selections and all(g in self.turn_selections for g in case.selections):
                role = next((v for k, v in case.values.items() if k.lower() == "role"), None)
                for g in case.selections:
                    d, t = self.turn_selections[g]
                    self.doc_turns[d][t]["role"] = role
                for k in case.values:
                    if k.lower() != "role":
                        report.add("Case", case.guid, case.name, "RK-Q16", f'variable "{k}" of a speaker case is '
                                   "not carried over (turns carry a speaker and a role).", case.line)
                continue
            targets = [doc_of_source[g] for g in case.sources if g in doc_of_source]
            for d in targets:
                for name, value in case.values.items():
                    self.doc_values[d].setdefault(name, []).append(value)
                if case.name and case.name not in (sources[d].name, self.doc_ids[d]):
                    self.doc_values[d].setdefault("case", []).append(case.name)
            if case.values and not targets:
                report.add("Case", case.guid, case.name, "RK-Q16", "refers to no imported text source; its "
                           "variables are not carried over.", case.line)
            if case.selections:
                report.add("Case", case.guid, case.name, "RK-Q16", f"its {len(case.selections)} reference(s) to "
                           "selections (case coding of passages) are not carried over.", case.line)
            if case.codes:
                report.add("Case", case.guid, case.name, "RK-Q16", f"its {len(case.codes)} reference(s) to codes "
                           "are not carried over.", case.line)
            if case.description and case.description.strip():
                self.note_rows.append({"note_id": f"{case.guid}:description", "kind": "memo", "author": None,
                                       "created": pd.NaT, "title": f"Case: {case.name}",
                                       "text": normalise_text(case.description).strip()})

    # -- codings and notes
    def _notes(self, refs: Iterable[str], kind: str, where: str, **at: Any) -> None:
        for g in refs:
            if g not in self.project.all_notes:
                self.report.add("NoteRef", g, None, "RK-Q18", f"{where} refers to a note that is not in the "
                                "project.", None)
            elif g in self.note_text:
                n = self.project.all_notes[g]
                self.note_rows.append({"note_id": g, "kind": kind, "author": self.users.get(n.user or ""),
                                       "created": _timestamp(n.created), "title": n.name,
                                       "text": self.note_text[g], **at})

    def _memo(self, refs: list[str]) -> list[str]:
        out = []
        for g in refs:
            if g in self.note_text:
                self.memo_notes.add(g)
                out.append(self.note_text[g])
            elif g not in self.project.all_notes:
                self.report.add("NoteRef", g, None, "RK-Q18", "a coding refers to a note that is not in the "
                                "project.", None)
        return out

    def _codings(self, codings: list[qde.Coding], d: int, span: tuple[int, int], sel: qde.Selection | None) -> None:
        src = self.sources[d]
        for c in codings:
            if c.code is None or c.code not in self.code_ids:
                self.report.add("Coding", c.guid, None, "RK-Q14", f'refers to code "{c.code}", which is not in the '
                                "codebook; left out.", c.line)
                continue
            who = c.user or (sel.user if sel else None) or src.user
            coder = self.users.get(who, who) if who else (self.creator or "unknown")
            memo = self._memo(c.notes)
            if sel is not None and sel.description and sel.description.strip():
                memo.append(normalise_text(sel.description).strip())
            self.coding_rows.append({
                "doc_id": self.doc_ids[d], "start_char": span[0], "end_char": span[1],
                "code": self.code_ids[c.code], "coder": coder, "memo": "\n\n".join(memo) if memo else None,
                "coded_at": _timestamp(c.created or (sel.created if sel else None))})

    def codings_and_notes(self) -> None:
        project = self.project
        for d, (src, (text, _)) in enumerate(zip(self.sources, self.texts)):
            doc_id = self.doc_ids[d]
            if src.codings and text.text:
                self._codings(src.codings, d, (0, len(text.text)), None)
            for sel in src.selections:
                if sel.span is None:
                    continue
                live = [c for c in sel.codings if id(c) not in self.consumed]
                self._codings(live, d, sel.span, sel)
                has_desc = bool(sel.description and sel.description.strip())
                if not live and has_desc:  # a comment on a passage, or on a turn
                    self.note_rows.append({
                        "note_id": sel.guid or f"annotation-{len(self.note_rows)}", "kind": "annotation",
                        "doc_id": doc_id, "start_char": sel.span[0], "end_char": sel.span[1],
                        "author": self.users.get(sel.user or ""), "created": _timestamp(sel.created), "title": None,
                        "text": normalise_text(sel.description).strip()})
                self._notes(sel.notes, "selection", "a selection", doc_id=doc_id, start_char=sel.span[0],
                            end_char=sel.span[1])
                if not sel.codings and not has_desc and not sel.notes:
                    self.report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q16", "has no coding, comment or "
                                    "note; there is nothing to carry over.", sel.line)
            self._notes(src.notes, "document", "a source", doc_id=doc_id)
            if src.description and src.description.strip() and not self.own:
                self.note_rows.append({"note_id": f"{src.guid}:description", "kind": "document", "doc_id": doc_id,
                                       "author": self.users.get(src.user or ""), "created": pd.NaT,
                                       "title": "Description", "text": normalise_text(src.description).strip()})
        self._notes(project.notes, "project", "the project")
        for c in project.codes:
            if c.guid in self.code_ids:
                self._notes(c.notes, "code", f'code "{c.name}"', code=self.code_ids[c.guid])
        attached = {r["note_id"] for r in self.note_rows} | self.memo_notes
        referenced = set(project.notes) | {g for src in self.sources for g in src.notes} | {
            g for src in self.sources for s in src.selections for g in s.notes} | {
            g for c in project.codes for g in c.notes}
        for g, n in project.all_notes.items():
            if g not in attached and g not in referenced and g in self.note_text:
                self.note_rows.append({"note_id": g, "kind": "memo", "author": self.users.get(n.user or ""),
                                       "created": _timestamp(n.created), "title": n.name, "text": self.note_text[g]})

    # -- documents
    def documents(self) -> pd.DataFrame:
        from ..language import detect_language

        order = [name for name, _ in self.project.variables.values()]
        rows, extra = [], []
        for d, src in enumerate(self.sources):
            doc_id = self.doc_ids[d]
            values = {k: "; ".join(dict.fromkeys(v)) for k, v in self.doc_values[d].items()}
            for key in [k for k in values if k.lower() in ("title", "date", "language") and k != k.lower()]:
                values.setdefault(key.lower(), values.pop(key))  # NVivo writes "Date", "Title"
            title = values.pop("title", None) or (doc_id if self.own else (src.name or doc_id))
            date_value = values.pop("date", None)
            date = pd.NaT
            if date_value:
                date = pd.to_datetime(date_value.split(";")[0].strip(), errors="coerce", format="ISO8601")
                if pd.isna(date):
                    self.report.add("VariableValue", None, "date", "RK-Q17", f'date "{date_value}" of "{doc_id}" '
                                    "is not a date; left out.", src.line)
                elif date.tzinfo is not None:
                    date = date.tz_convert(None)
            text, member = self.texts[d]
            language = values.pop("language", None) or detect_language(text.text[:20000]) or None
            extra += [k for k in values if k not in extra]
            rows.append({"doc_id": doc_id, "title": title, "path": member, "format": "qdpx", "language": language,
                         "date": date, **values})
        extra.sort(key=lambda k: (order.index(k) if k in order else len(order), k == "case"))
        frame = pd.DataFrame(rows, columns=["doc_id", "title", "path", "format", "language", "date", *extra])
        return frame if rows else frame.astype({"doc_id": "string"})


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for piece in text.split(schemas.TURN_SEPARATOR) if text else []:
        spans.append((at, at + len(piece)))
        at += len(piece) + len(schemas.TURN_SEPARATOR)
    return spans


def _main_language(texts: list[str], detect: Callable[..., str | None]) -> str | None:
    found = [detect(t[:20000]) for t in texts if t]
    found = [f for f in found if f]
    return max(set(found), key=found.count) if found else None


def _codings_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return schemas.empty_frame(schemas.CODINGS)
    frame = pd.DataFrame(rows, columns=schemas.CODINGS.names)
    frame["coded_at"] = pd.to_datetime(frame["coded_at"], utc=True).astype("datetime64[ns, UTC]")
    frame = frame.astype({k: v for k, v in schemas.CODINGS.dtypes.items() if k != "coded_at"})
    order = ["doc_id", "start_char", "end_char", "code", "coder"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _notes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return schemas.empty_frame(schemas.NOTES)
    frame = pd.DataFrame(rows, columns=schemas.NOTES.names)
    frame["created"] = pd.to_datetime(frame["created"], utc=True).astype("datetime64[ns, UTC]")
    return frame.astype({k: v for k, v in schemas.NOTES.dtypes.items() if k != "created"})
