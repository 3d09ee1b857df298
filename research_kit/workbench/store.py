"""The coder's own codings file: read it, write it atomically, and never overwrite another's work.

Each coder codes into one file, ``<folder>/<coder>.csv``, a codings CSV as
:func:`~research_kit.coding.read_codings` reads it (``schemas.CODINGS``). The workbench
writes it after every action, so that a kernel restart loses nothing; this module makes
each write safe:

- a write replaces the file only once the new one is complete (:func:`~research_kit.coding.write_codings`,
  atomic);
- a write holds a lock (``<folder>/.<coder>.csv.lock``, :mod:`filelock`) so that two panels of
  one coder, or a script, never write at the same moment; when the lock stays held
  (another process is writing), the write gives up after :data:`LOCK_TIMEOUT` seconds
  with ``RK-G31`` and the caller keeps the change to write later;
- before writing, the file is compared with what was last read or written (size, time,
  inode): when another program changed it in between, the caller reads it again and
  applies its change on top (:meth:`CoderFile.changed`), rather than writing over it.

:class:`Changes` holds what a session did and has not written yet, as rows of
operations (``add``, ``remove``, ``memo``) that apply to any version of the file; it is
also what :func:`write_unsaved` keeps beside the file (``<folder>/review/<coder>-unsaved.csv``)
when the file cannot be written, so that a restart finds it again.

Codes: ``RK-G30`` a coder name that cannot name a file; ``RK-G31`` the file is locked by
another process; ``RK-G32`` the file was changed by another program and cannot be read now.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schemas
from ..coding import read_codings, write_codings
from ..errors import CodingError, ResearchKitError

__all__ = ["CoderFile", "Changes", "check_coder", "coder_path", "review_folder", "unsaved_path", "read_unsaved",
           "write_unsaved", "describe",
           "KEY", "LOCK_TIMEOUT", "RESERVED_CODERS"]

#: Seconds a write waits for another process's lock before giving up (``RK-G31``).
LOCK_TIMEOUT = 2.0
#: Names that are not people: the rules' coder and the adjudicated codings.
RESERVED_CODERS = ("rules", "adjudicated")
#: The columns that make a coded segment itself: one row per key in a coder's file.
KEY = ["doc_id", "start_char", "end_char", "code", "coder"]
_NAME = re.compile(r"[^\W][\w.-]{0,63}", re.UNICODE)


def check_coder(coder: object, *, parameter: str = "coder") -> str:
    """``coder`` as a name that can be a file name (``<coder>.csv``), or ``RK-G30``.

    Letters (accents welcome), digits, ``.``, ``_`` and ``-``, at most 64, not starting
    with ``.`` or ``-``; not ``rules`` or ``adjudicated``, which are not people.

    Examples
    --------
    >>> check_coder("marie-eve")
    'marie-eve'
    """
    if not isinstance(coder, str) or not _NAME.fullmatch(coder.strip()) or coder.strip().startswith("-"):
        raise CodingError("RK-G30", f"the {parameter} name {coder!r} cannot name a codings file: use letters, "
                          "digits, '.', '_' or '-' (at most 64, starting with a letter or digit).",
                          hint="For example coder=\"camille\" or coder=\"mb\"; the codings go to codings/<coder>.csv.")
    name = coder.strip()
    if name.lower() in RESERVED_CODERS:
        raise CodingError("RK-G30", f"{parameter}={name!r} is reserved: 'rules' codes by the codebook's rules and "
                          "'adjudicated' holds the decisions of a reconciliation.",
                          hint="Use a person's name or initials.")
    return name


def coder_path(folder: str | Path, coder: str) -> Path:
    """``<folder>/<coder>.csv``: the file a coder codes into."""
    return Path(folder) / f"{check_coder(coder)}.csv"


def review_folder(folder: str | Path) -> Path:
    """``<folder>/review``: the workbench's own files beside the codings (decisions on suggestions,
    unsaved changes). A sub-folder, so that ``codings/*.csv`` never takes them for a coder's file."""
    return Path(folder) / "review"


@dataclass(frozen=True)
class _Signature:
    size: int
    mtime_ns: int
    inode: int


class CoderFile:
    """One coder's codings file, read and written as described in the module.

    Parameters
    ----------
    path
        ``<folder>/<coder>.csv``; it need not exist yet.
    coder
        Whose file it is: rows without a coder get this one.

    Examples
    --------
    >>> store = CoderFile("corpus/codings/camille.csv", "camille")   # doctest: +SKIP
    >>> codings = store.read()                                       # doctest: +SKIP
    >>> store.write(codings)                                         # doctest: +SKIP
    """

    def __init__(self, path: str | Path, coder: str) -> None:
        self.path = Path(path)
        self.coder = check_coder(coder)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._seen: _Signature | None = None

    def __repr__(self) -> str:
        return f"CoderFile({str(self.path)!r}, coder={self.coder!r})"

    def _signature(self) -> _Signature | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return _Signature(st.st_size, st.st_mtime_ns, st.st_ino)

    def changed(self) -> bool:
        """Whether the file is not what this object last read or wrote (another program changed it)."""
        return self._signature() != self._seen

    def read(self) -> pd.DataFrame:
        """Every row of the file as a codings frame (empty when there is no file yet).

        Rows are not checked against a corpus or a codebook here: a coding of a document
        that left the corpus stays in the file (the session sets it aside).

        Raises
        ------
        CodingError
            The file's problems (``RK-G01``, ``RK-G02``, ``RK-G07``…) as :func:`read_codings` lists them.
        """
        signature = self._signature()
        if signature is None:
            self._seen = None
            return schemas.empty_frame(schemas.CODINGS)
        frame = read_codings(self.path, coder=self.coder)
        self._seen = signature
        return frame

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's lock, or raise ``RK-G31`` after :data:`LOCK_TIMEOUT` seconds."""
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout:
            raise CodingError("RK-G31", f"{self.path}: another process is writing this codings file (its lock "
                              f"{self.lock_path.name} has been held for {LOCK_TIMEOUT:g} s).",
                              hint="Your change is kept and will be written with your next action (or Retry); "
                                   "close the other panel or script of this coder.") from None
        try:
            yield
        finally:
            lock.release()

    def write(self, frame: pd.DataFrame) -> Path:
        """Write ``frame`` over the file atomically (call it inside :meth:`locked`)."""
        write_codings(frame, self.path)
        self._seen = self._signature()
        return self.path


# ---------------------------------------------------------------------------
# changes not yet written


_OPS = ("add", "remove", "memo")


class Changes:
    """Operations on a coder's codings, in order, that apply to any version of the file.

    ``add`` adds a row unless one with the same :data:`KEY` is there; ``remove`` removes
    the row with that key; ``memo`` sets the memo of the row with that key. Applied to
    the file as it is on disk, they merge a session's work with what another program
    wrote meanwhile.
    """

    def __init__(self, rows: pd.DataFrame | None = None) -> None:
        self.rows = _ops_frame(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def extend(self, op: str, rows: pd.DataFrame) -> None:
        if op not in _OPS:  # pragma: no cover - an internal call
            raise ValueError(op)
        if rows.empty:
            return
        part = rows[schemas.CODINGS.names].copy()
        part.insert(0, "op", op)
        self.rows = pd.concat([self.rows, _ops_frame(part)], ignore_index=True) if len(self.rows) else _ops_frame(part)

    def apply(self, base: pd.DataFrame) -> pd.DataFrame:
        """``base`` with every operation applied, in order; ``base`` is not modified."""
        out = base.reset_index(drop=True).copy()
        if "memo" in out:
            out["memo"] = out["memo"].astype("string")
        for op, group in _consecutive(self.rows):
            keys = _keys(group)
            here = _keys(out)
            if op == "add":
                new = group[~pd.Index(keys).isin(here)].drop(columns="op")
                new = new.drop_duplicates(subset=KEY, keep="last")
                out = pd.concat([out, new], ignore_index=True) if len(out) else new.reset_index(drop=True)
            elif op == "remove":
                out = out[~pd.Index(here).isin(keys)].reset_index(drop=True)
            else:
                memo = dict(zip(keys, group["memo"]))
                hit = pd.Index(here).isin(list(memo))
                if hit.any():
                    out.loc[hit, "memo"] = [memo[k] for k, h in zip(here, hit) if h]
        return _codings(out)


def _ops_frame(rows: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["op", *schemas.CODINGS.names]
    if rows is None or rows.empty:
        frame = schemas.empty_frame(schemas.CODINGS)
        frame.insert(0, "op", pd.Series(dtype="string"))
        return frame
    frame = rows[columns].copy()
    frame["op"] = frame["op"].astype("string")
    return _codings(frame)


def _codings(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("doc_id", "code", "coder", "memo"):
        out[col] = out[col].astype("string")
    out["start_char"] = out["start_char"].astype("int64")
    out["end_char"] = out["end_char"].astype("int64")
    out["coded_at"] = pd.to_datetime(out["coded_at"], utc=True).astype("datetime64[ns, UTC]")
    return out.reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(frame["doc_id"].astype(object), frame["start_char"].astype("int64"),
                    frame["end_char"].astype("int64"), frame["code"].astype(object), frame["coder"].astype(object)))


def _consecutive(rows: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Runs of one operation, in order (an add then a remove of one key must stay in that order)."""
    if rows.empty:
        return
    ops = rows["op"].astype(object).to_numpy()
    cuts = np.flatnonzero(np.r_[True, ops[1:] != ops[:-1]])
    for a, b in zip(cuts, np.r_[cuts[1:], len(ops)]):
        yield str(ops[a]), rows.iloc[a:b]


def unsaved_path(folder: str | Path, coder: str) -> Path:
    """``<folder>/review/<coder>-unsaved.csv``: changes a session could not write to the coder's file."""
    return review_folder(folder) / f"{check_coder(coder)}-unsaved.csv"


def write_unsaved(changes: Changes, folder: str | Path, coder: str) -> Path:
    """Keep ``changes`` beside the codings (atomically), for the next session to write; remove the file when empty."""
    path = unsaved_path(folder, coder)
    if not len(changes):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return path
    frame = changes.rows.copy()
    frame["coded_at"] = frame["coded_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    from .._csv import write_csv

    return write_csv(frame, path)


def read_unsaved(folder: str | Path, coder: str) -> Changes:
    """The changes an earlier session kept with :func:`write_unsaved` (none when there is no such file).

    Raises
    ------
    CodingError
        When the file cannot be read as codings with an ``op`` column (it is then left as it is).
    """
    path = unsaved_path(folder, coder)
    if not path.exists():
        return Changes()
    frame = read_codings(path, coder=coder)
    if "op" not in frame or not frame["op"].isin(_OPS).all():
        raise CodingError("RK-G32", f"{path}: not a file of unsaved changes (its op column must say add, remove "
                          "or memo on every row); it was left as it is.",
                          hint="Move it away if you do not need it; the codings file itself was not touched.")
    return Changes(frame)


def describe(error: ResearchKitError) -> dict[str, str]:
    """An error as the panels show it: ``{"level", "code", "text"}``."""
    return {"level": "error", "code": error.code, "text": str(error)}
