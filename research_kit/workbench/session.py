"""A coder's session: code spans, write memos, undo; every action written at once to the coder's file.

:class:`CodingSession` is what the coding panel does, without the panel, for scripts:

>>> session = CodingSession(corpus, codebook, coder="camille", folder="corpus/codings")  # doctest: +SKIP
>>> session.code("mtl-cop-01", 120, 182, ["care.support"])                              # doctest: +SKIP
>>> session.memo("mtl-cop-01", 120, 182, "soutien après l'incident")                    # doctest: +SKIP
>>> session.undo()                                                                      # doctest: +SKIP

Each action is written to ``<folder>/<coder>.csv`` before the method returns
(:mod:`research_kit.workbench.store`: atomic, locked, merged with what another program
wrote meanwhile), with the coder, the time and the offsets on the document text. A new
session on the same folder reads what is there, so a kernel restart mid-session loses
nothing. When the file cannot be written (locked by another process, or changed and
unreadable), the change stays in the session and in ``<folder>/review/<coder>-unsaved.csv``,
the session's :attr:`~CodingSession.message` says so, and the next action (or
:meth:`~CodingSession.save`) writes it.

In blind mode the other coders' files are not read at all.

Codes: ``RK-G33`` codings of documents the corpus no longer holds (kept in the file,
not shown); ``RK-G34`` a span that is empty or outside its document; ``RK-G35`` a codebook
that fails validation (coding is off until it is fixed; nothing is written);
``RK-G36`` changes an earlier session could not write, found and written now;
``RK-G05``/``RK-G06`` a code the codebook lacks, or a folder of it; ``RK-C10`` an unknown document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schemas
from ..coding import merge_codings, read_codings
from ..corpus import Corpus
from ..errors import CodebookError, CodingError, ResearchKitError, did_you_mean
from .store import Changes, CoderFile, check_coder, coder_path, read_unsaved, write_unsaved
from .views import snap_span, transcript

__all__ = ["CodingSession", "read_codebook_safely", "now"]


def now() -> pd.Timestamp:
    """The time a coding is stamped with: UTC, to the second."""
    return pd.Timestamp.now(tz="UTC").floor("s")


def read_codebook_safely(codebook: Any) -> tuple[Any, ResearchKitError | None]:
    """``(Codebook, None)`` from a Codebook or a path, or ``(None, error)`` when it fails validation.

    The error is ``RK-G35`` with every problem of the codebook listed: the panel shows it
    and lets the coder read the transcripts and their codings, but not code.
    """
    if codebook is None:
        return None, CodingError("RK-G35", "no codebook: the panel shows the transcripts and the codings, "
                                 "but there are no codes to tick.",
                                 hint="Name one in corpus.yml (codebook: codebook.yml) or pass codebook=.")
    if isinstance(codebook, (str, Path)):
        from ..codebook import read_codebook

        try:
            # spaCy's own check of the token patterns (seconds to import spaCy) is left to the rules:
            # coding needs the codes, not the patterns
            return read_codebook(codebook, check_patterns=False), None
        except CodebookError as e:
            return None, CodingError("RK-G35", f"the codebook {codebook} fails validation, so coding is off "
                                     f"until it is fixed (nothing already coded is lost):\n{e}",
                                     hint="Fix the codebook and open the panel again.")
        except ResearchKitError as e:
            return None, CodingError("RK-G35", f"the codebook {codebook} cannot be read, so coding is off: {e}",
                                     hint="Fix the codebook and open the panel again.")
    return codebook, None


@dataclass
class _Entry:
    """One action, for undo: the operations that reverse it, and what else to put back."""

    label: str
    inverse: list[tuple[str, pd.DataFrame]]
    revert: Callable[[], None] | None = None


@dataclass
class _Status:
    saved_at: pd.Timestamp | None = None
    pending: int = 0
    merged: bool = False
    errors: list[ResearchKitError] = field(default_factory=list)


class CodingSession:
    """One coder's codings on one corpus, written to ``<folder>/<coder>.csv`` after every action.

    Parameters
    ----------
    corpus
        The corpus being coded (its offsets are those of ``corpus.text``).
    codebook
        A :class:`~research_kit.codebook.Codebook`, or a path to read one from. When it
        fails validation the session opens anyway, read-only, with ``RK-G35`` in
        :attr:`messages`.
    coder
        Whose session: letters, digits, ``.``, ``_`` or ``-`` (``RK-G30`` otherwise).
    folder
        The codings folder (``<corpus>/codings``); it is created at the first write.
    blind
        Hide the other coders' work: their files are not even read.

    Attributes
    ----------
    messages
        What opening the session found: orphaned codings (``RK-G33``), an unreadable
        colleague's file, a codebook that fails validation (``RK-G35``), unsaved changes
        of an earlier session (``RK-G36``).
    message
        The outcome of the last action that went wrong (``RK-G31``, ``RK-G32``…), else ``None``.
    """

    def __init__(self, corpus: Corpus, codebook: Any, *, coder: str, folder: str | Path,
                 blind: bool = False) -> None:
        self.corpus = corpus
        self.coder = check_coder(coder)
        self.folder = Path(folder)
        self.blind = bool(blind)
        self.codebook, problem = read_codebook_safely(codebook)
        self.messages: list[ResearchKitError] = [problem] if problem is not None else []
        self.message: ResearchKitError | None = None
        self.file = CoderFile(coder_path(self.folder, self.coder), self.coder)
        self._lengths = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["n_chars"].astype(int)))
        self._history: list[_Entry] = []
        self._status = _Status()
        self._base = self._read_own()
        self._changes = Changes()
        self.others = schemas.empty_frame(schemas.CODINGS) if self.blind else self._read_others()
        self._resume()

    # -- reading ---------------------------------------------------------------------

    def _read_own(self) -> pd.DataFrame:
        try:
            base = self.file.read()
        except CodingError as e:
            # the file is there but unreadable: never write over it; act on an empty base and keep the changes
            self.messages.append(CodingError("RK-G32", f"{self.file.path} cannot be read, so nothing will be "
                                             f"written to it until it is fixed:\n{e}",
                                             hint="Fix the rows named above (or close the program editing it); "
                                                  "what you code meanwhile is kept in review/."))
            self._unreadable = True
            return schemas.empty_frame(schemas.CODINGS)
        self._unreadable = False
        orphans = self._orphans(base)
        if orphans.any():
            gone = base.loc[orphans, "doc_id"].value_counts()
            listed = ", ".join(f'"{d}" ({n})' for d, n in gone.items())
            self.messages.append(CodingError(
                "RK-G33", f"{self.file.path}: {int(orphans.sum())} coded segment(s) of documents the corpus no "
                f"longer holds, or beyond their end: {listed}. They stay in the file and are not shown.",
                hint="Put the transcript back to see them, or remove the rows from the file yourself."))
        return base

    def _orphans(self, frame: pd.DataFrame) -> pd.Series:
        length = frame["doc_id"].astype(object).map(self._lengths)
        return length.isna() | (frame["end_char"] > length.fillna(0))

    def _read_others(self) -> pd.DataFrame:
        frames = []
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.csv")):
                if path.name == self.file.path.name:
                    continue
                try:
                    frame = read_codings(path, coder=path.stem)
                except ResearchKitError as e:
                    self.messages.append(e)
                    continue
                frames.append(frame[~self._orphans(frame)])
        return merge_codings(*frames) if frames else schemas.empty_frame(schemas.CODINGS)

    def _resume(self) -> None:
        try:
            earlier = read_unsaved(self.folder, self.coder)
        except ResearchKitError as e:
            self.messages.append(e)
            return
        if not len(earlier):
            return
        self._changes = earlier
        if self.save():
            self.messages.append(CodingError("RK-G36", f"{len(earlier)} change(s) that an earlier session could "
                                             f"not write were found and written to {self.file.path}.",
                                             hint="Nothing to do; check them in the transcript."))
        else:
            self.messages.append(CodingError("RK-G36", f"{len(earlier)} change(s) that an earlier session could "
                                             f"not write are still waiting: {self.message}",
                                             hint="They are kept in review/ and shown here; Retry writes them."))

    # -- what there is ---------------------------------------------------------------

    @property
    def codings(self) -> pd.DataFrame:
        """The coder's codings as they stand (written or waiting to be), orphans included; do not modify it."""
        return self._changes.apply(self._base) if len(self._changes) else self._base

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def can_code(self) -> bool:
        return self.codebook is not None

    @property
    def pending(self) -> int:
        """Operations not yet written to the coder's file."""
        return len(self._changes)

    @property
    def saved_at(self) -> pd.Timestamp | None:
        return self._status.saved_at

    def segments(self, doc_id: str) -> pd.DataFrame:
        """The segments of one document the panel shows: the coder's and (unless blind) the others'.

        Returns
        -------
        pandas.DataFrame
            The codings columns and ``mine`` (bool), sorted by position.
        """
        mine = self.codings
        mine = mine[mine["doc_id"] == doc_id].assign(mine=True)
        parts = [mine]
        if not self.blind and len(self.others):
            theirs = self.others[(self.others["doc_id"] == doc_id) & (self.others["coder"] != self.coder)]
            parts.append(theirs.assign(mine=False))
        out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
            mine.iloc[:0]
        return out.sort_values(["start_char", "end_char", "code", "coder"]).reset_index(drop=True)

    def transcript(self, doc_id: str) -> pd.DataFrame:
        """The document turn by turn (:func:`~research_kit.workbench.views.transcript`)."""
        return transcript(self.corpus, doc_id)

    def codes_at(self, doc_id: str, start: int, end: int) -> list[str]:
        """The codes the coder applied to exactly this span."""
        c = self.codings
        return c.loc[(c["doc_id"] == doc_id) & (c["start_char"] == start) & (c["end_char"] == end), "code"].tolist()

    def memo_at(self, doc_id: str, start: int, end: int) -> str:
        c = self.codings
        memos = c.loc[(c["doc_id"] == doc_id) & (c["start_char"] == start) & (c["end_char"] == end), "memo"].dropna()
        return str(memos.iloc[0]) if len(memos) else ""

    # -- checks ----------------------------------------------------------------------

    def span(self, doc_id: str, start: int, end: int, *, snap: bool = True) -> tuple[int, int]:
        """``(start, end)`` checked against the document, widened to whole words when ``snap``.

        Raises
        ------
        CodingError
            ``RK-G03`` for an unknown document, ``RK-G34`` for an empty span or one outside it.
        """
        if doc_id not in self._lengths:
            raise CodingError("RK-G03", f'no document "{doc_id}" in the corpus.{did_you_mean(doc_id, self._lengths)}')
        length = self._lengths[doc_id]
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            raise CodingError("RK-G34", f"a span's offsets must be whole numbers; got {start!r}, {end!r}.") from None
        if not 0 <= start < end <= length:
            raise CodingError("RK-G34", f'the span {start}–{end} is empty or outside "{doc_id}" (0–{length}).',
                              hint="Select some text in the transcript first.")
        if snap:
            snapped = snap_span(self.corpus.text(doc_id), start, end)
            if snapped is None:
                raise CodingError("RK-G34", f'the span {start}–{end} of "{doc_id}" holds only white space.',
                                  hint="Select some words.")
            start, end = snapped
        return start, end

    def _codes(self, codes: str | Iterable[str]) -> list[str]:
        if self.codebook is None:
            raise self.messages[0] if self.messages and self.messages[0].code == "RK-G35" else CodingError(
                "RK-G35", "no codebook: there are no codes to apply.")
        wanted = [codes] if isinstance(codes, str) else list(codes)
        known = set(self.codebook.codes["code"])
        folders = set(self.codebook.codes.loc[~self.codebook.codes["codable"].astype(bool), "code"])
        for code in wanted:
            if code not in known:
                raise CodingError("RK-G05", f'unknown code "{code}".{did_you_mean(code, known)}',
                                  hint="Tick a code of the codebook.")
            if code in folders:
                raise CodingError("RK-G06", f'"{code}" is a folder of the codebook (codable: false), not a code.',
                                  hint="Tick one of its codes.")
        return list(dict.fromkeys(wanted))

    # -- actions ---------------------------------------------------------------------

    def code(self, doc_id: str, start: int, end: int, codes: str | Iterable[str], *, memo: str | None = None,
             snap: bool = True, label: str | None = None, revert: Callable[[], None] | None = None) -> pd.DataFrame:
        """Apply ``codes`` to a span and write it; return the rows added (none for a code already there).

        Raises
        ------
        CodingError
            ``RK-G03``, ``RK-G34`` (see :meth:`span`), ``RK-G05``/``RK-G06`` for a code, ``RK-G35``
            without a usable codebook. The file's own problems (``RK-G31``, ``RK-G32``) are not
            raised: the change is kept and :attr:`message` says why it is not written yet.
        """
        codes = self._codes(codes)
        start, end = self.span(doc_id, start, end, snap=snap)
        have = set(self.codes_at(doc_id, start, end))
        new = [c for c in codes if c not in have]
        if not new:
            return schemas.empty_frame(schemas.CODINGS)
        memo = memo if memo else (self.memo_at(doc_id, start, end) or None)
        rows = _rows(doc_id, start, end, new, self.coder, memo)
        self._act(label or f"code {', '.join(new)}", [("add", rows)], [("remove", rows)], revert)
        return rows

    def code_turn(self, doc_id: str, turn: int, codes: str | Iterable[str], *, memo: str | None = None) -> pd.DataFrame:
        """Apply ``codes`` to a whole turn (its offsets in the document text)."""
        t = self.corpus.turns
        row = t[(t["doc_id"] == doc_id) & (t["turn"] == int(turn))]
        if row.empty:
            raise CodingError("RK-G03", f'no turn {turn} in document "{doc_id}".')
        return self.code(doc_id, int(row["start_char"].iloc[0]), int(row["end_char"].iloc[0]), codes, memo=memo,
                         snap=False)

    def uncode(self, doc_id: str, start: int, end: int, codes: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Remove the coder's segments of exactly this span (of ``codes``, or all); return them."""
        c = self.codings
        hit = (c["doc_id"] == doc_id) & (c["start_char"] == int(start)) & (c["end_char"] == int(end))
        if codes is not None:
            hit &= c["code"].isin([codes] if isinstance(codes, str) else list(codes))
        rows = c[hit].reset_index(drop=True)
        if rows.empty:
            return rows
        self._act(f"remove {', '.join(rows['code'])}", [("remove", rows)], [("add", rows)])
        return rows

    def memo(self, doc_id: str, start: int, end: int, memo: str | None) -> pd.DataFrame:
        """Set the memo of the coder's segments of exactly this span; return them as they were.

        Raises
        ------
        CodingError
            ``RK-G34`` when the coder has no segment of this span yet (code it first).
        """
        c = self.codings
        hit = (c["doc_id"] == doc_id) & (c["start_char"] == int(start)) & (c["end_char"] == int(end))
        before = c[hit].reset_index(drop=True)
        if before.empty:
            raise CodingError("RK-G34", "a memo belongs to a coded segment: code this span first.",
                              hint="Tick a code for the selection, then write the memo.")
        after = before.assign(memo=pd.array([memo or pd.NA] * len(before), dtype="string"))
        self._act("memo", [("memo", after)], [("memo", before)])
        return before

    def record(self, label: str, forward: list[tuple[str, pd.DataFrame]], inverse: list[tuple[str, pd.DataFrame]],
               revert: Callable[[], None] | None = None) -> None:
        """Apply and write operations that another part of the workbench decided (a suggestion accepted)."""
        self._act(label, forward, inverse, revert)

    def _act(self, label: str, forward: list[tuple[str, pd.DataFrame]], inverse: list[tuple[str, pd.DataFrame]],
             revert: Callable[[], None] | None = None) -> None:
        for op, rows in forward:
            self._changes.extend(op, rows)
        self._history.append(_Entry(label, inverse, revert))
        self.save()

    @property
    def last_action(self) -> str | None:
        """What :meth:`undo` would undo, or ``None``."""
        return self._history[-1].label if self._history else None

    def undo(self) -> str | None:
        """Undo the last action of this session (written at once, like any action); return what was undone."""
        if not self._history:
            return None
        entry = self._history.pop()
        for op, rows in entry.inverse:
            self._changes.extend(op, rows)
        if entry.revert is not None:
            entry.revert()
        self.save()
        return entry.label

    # -- writing ---------------------------------------------------------------------

    def save(self) -> bool:
        """Write what is waiting; ``True`` when the file is up to date.

        When the file changed on disk since it was read, it is read again and the
        waiting changes are applied on top (another panel or script of this coder wrote
        meanwhile). On failure the changes stay waiting, are kept in
        ``review/<coder>-unsaved.csv``, and :attr:`message` says why.
        """
        if not len(self._changes):
            self.message = None
            return True
        try:
            if self._unreadable:
                self._base = self._reread()
            with self.file.locked():
                if self.file.changed():
                    self._base = self._reread()
                    self._status.merged = True
                written = self._changes.apply(self._base)
                self.file.write(written)
        except CodingError as e:
            self.message = e
            try:
                write_unsaved(self._changes, self.folder, self.coder)
            except OSError as io:
                self.message = CodingError(e.code, f"{e.message} The changes could not be kept in review/ either "
                                           f"({io}): they live in this session only.", hint=e.hint)
            return False
        self._base, self._changes = written, Changes()
        self._status.saved_at = now()
        self.message = None
        write_unsaved(self._changes, self.folder, self.coder)
        return True

    def _reread(self) -> pd.DataFrame:
        try:
            base = self.file.read()
        except CodingError as e:
            raise CodingError("RK-G32", f"{self.file.path} was changed by another program and cannot be read now, "
                              f"so it was not written over:\n{e}",
                              hint="Your changes are kept (review/ holds them); close or fix the other program's "
                                   "edit, then Retry.") from e
        self._unreadable = False
        return base

    def status(self) -> dict[str, Any]:
        """What the panel's status line says."""
        mine = self.codings
        return {
            "coder": self.coder, "file": str(self.file.path), "blind": self.blind,
            "segments": int((~self._orphans(mine)).sum()) if len(mine) else 0,
            "pending": self.pending,
            "saved_at": None if self._status.saved_at is None else self._status.saved_at.strftime("%H:%M:%S"),
            "undo": self.last_action, "can_code": self.can_code,
        }


def _rows(doc_id: str, start: int, end: int, codes: list[str], coder: str, memo: str | None) -> pd.DataFrame:
    stamp = now()
    n = len(codes)
    return pd.DataFrame({
        "doc_id": pd.array([doc_id] * n, dtype="string"),
        "start_char": pd.array([start] * n, dtype="int64"),
        "end_char": pd.array([end] * n, dtype="int64"),
        "code": pd.array(codes, dtype="string"),
        "coder": pd.array([coder] * n, dtype="string"),
        "memo": pd.array([memo] * n if memo else [pd.NA] * n, dtype="string"),
        "coded_at": pd.Series([stamp] * n, dtype="datetime64[ns, UTC]"),
    })


