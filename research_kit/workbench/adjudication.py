"""Compare and resolve: the coders' disagreements decided one by one into an adjudicated version.

:class:`Adjudication` takes the codings of two or more coders and finds, at a unit
(turn, sentence or window), the (unit, code) pairs where they disagree
(:func:`~research_kit.agreement.disagreements`) and those where they agree
(:func:`~research_kit.agreement.consensus`). A person decides each disagreement: the
code applies to the unit, or it does not. Every decision is written at once, atomically,
to two files of the adjudication folder (``<corpus>/codings/adjudicated/`` by default,
a sub-folder so that ``codings/*.csv`` never reads it as a coder):

- ``decisions.csv``: one row per decided (unit, code), a codings file whose ``coder`` is
  who decided, ``coded_at`` when, ``memo`` why, with the columns ``decision``
  (``apply`` or ``reject``), ``unit`` (the kind of unit) and ``votes`` (what each coder
  had: ``camille=yes; mathis=no``);
- ``codings.csv``: the adjudicated codings, a codings file whose ``coder`` is
  ``adjudicated``: the agreed units (``basis = agreement``) and the units decided to
  apply (``basis = decision``, ``decided_by`` who decided).

A restart reads ``decisions.csv`` back, so no decision is made twice.
:meth:`Adjudication.agreement` is :func:`~research_kit.agreement.agreement` per code with
how many disagreements are decided and how many remain; it moves with every decision
and, after :meth:`Adjudication.refresh`, with the coders' codings.

Codes: ``RK-G37`` a decision on a unit and code that are not a disagreement;
``RK-G38`` a decisions file that cannot be read (it is left as it is and nothing is
written over it); ``RK-G30`` an unusable name for who decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import schemas
from ..agreement import agreement, consensus, disagreements
from ..coding import read_codings, write_codings
from ..corpus import Corpus
from ..errors import CodingError, ParameterError, ResearchKitError
from .session import now
from .store import check_coder

__all__ = ["Adjudication", "ADJUDICATED_CODER", "adjudication_folder"]

#: The ``coder`` of the adjudicated codings.
ADJUDICATED_CODER = "adjudicated"
_UNIT_KEY = ["doc_id", "start_char", "end_char", "code"]


def adjudication_folder(codings_folder: str | Path) -> Path:
    """``<codings folder>/adjudicated``: where decisions and the adjudicated codings go."""
    return Path(codings_folder) / "adjudicated"


class Adjudication:
    """Disagreements between coders, decided one by one and written after each decision.

    Parameters
    ----------
    codings
        The codings of two or more coders (:func:`~research_kit.coding.merge_codings`).
    corpus
        The corpus the offsets refer to.
    decider
        Who decides (written with each decision).
    folder
        The adjudication folder (:func:`adjudication_folder`); created at the first decision.
    unit, coders, codes, tokens, size
        As :func:`~research_kit.agreement.agreement` takes them.
    max_chars
        Length at which a unit's text is cut in :attr:`table`.

    Raises
    ------
    ParameterError
        ``RK-P45`` with fewer than two coders; ``RK-P46`` for ``unit="character"``.

    Examples
    --------
    >>> resolve = Adjudication(merge_codings(camille, mathis), corpus, decider="sami",
    ...                        folder="corpus/codings/adjudicated")          # doctest: +SKIP
    >>> resolve.decide(0, apply=True, memo="c'est bien du soutien")          # doctest: +SKIP
    >>> resolve.agreement()[["code", "krippendorff_alpha", "remaining"]]    # doctest: +SKIP
    """

    def __init__(self, codings: pd.DataFrame, corpus: Corpus, *, decider: str, folder: str | Path,
                 unit: Literal["turn", "sentence", "window"] = "turn", coders: Iterable[str] | None = None,
                 codes: Iterable[str] | None = None, tokens: pd.DataFrame | None = None, size: int = 50,
                 max_chars: int = 400) -> None:
        if unit == "character":
            raise ParameterError("RK-P46", "units of one character cannot be decided one by one.",
                                 hint="Use unit='turn', 'sentence' or 'window'.")
        self.corpus = corpus
        self.decider = check_coder(decider, parameter="decider")
        self.folder = Path(folder)
        self.unit = unit
        self._options = {"unit": unit, "coders": None if coders is None else list(coders),
                         "codes": None if codes is None else list(codes), "tokens": tokens, "size": size}
        self.max_chars = max_chars
        self.messages: list[ResearchKitError] = []
        self._readonly = False
        self.decisions = self._read()
        self._history: list[pd.DataFrame] = []
        self.refresh(codings)

    # -- files -------------------------------------------------------------------

    @property
    def decisions_path(self) -> Path:
        return self.folder / "decisions.csv"

    @property
    def codings_path(self) -> Path:
        return self.folder / "codings.csv"

    def _read(self) -> pd.DataFrame:
        path = self.decisions_path
        if not path.exists():
            return _empty_decisions()
        try:
            frame = read_codings(path)
        except ResearchKitError as e:
            self._readonly = True
            self.messages.append(CodingError("RK-G38", f"{path} cannot be read, so no decision will be written until "
                                             f"it is fixed:\n{e}", hint="Fix the rows named above and open the "
                                             "panel again; the file was left as it is."))
            return _empty_decisions()
        for col in ("decision", "unit", "votes"):
            if col not in frame:
                frame[col] = pd.NA
            frame[col] = frame[col].astype("string")
        other = frame["unit"].notna() & (frame["unit"] != self.unit)
        if other.any():
            self.messages.append(CodingError("RK-G38", f"{path}: {int(other.sum())} decision(s) were made on other "
                                             f"units ({', '.join(sorted(set(frame.loc[other, 'unit'])))}) than "
                                             f"{self.unit!r}: they are kept in the file and not used here.",
                                             hint="Open the panel with the unit they were made on to see them."))
        return frame

    def _write(self) -> None:
        if self._readonly:
            raise self.messages[0]
        write_codings(self.decisions, self.decisions_path)
        write_codings(self.adjudicated(), self.codings_path)

    # -- what there is to decide -------------------------------------------------

    def refresh(self, codings: pd.DataFrame) -> None:
        """Compute the disagreements, the agreed units and the agreement again from ``codings``."""
        schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
        codings = codings[codings["coder"] != ADJUDICATED_CODER]
        self.codings = codings
        opts = self._options
        self._table = disagreements(codings, self.corpus, max_chars=self.max_chars, **opts)
        self._consensus = consensus(codings, self.corpus, **opts)
        self._agreement = agreement(codings, self.corpus, **opts)
        self.coders = [c for c in self._table.columns[8:]] or sorted(codings["coder"].dropna().unique())

    def _current(self) -> pd.DataFrame:
        d = self.decisions
        return d[d["unit"].isna() | (d["unit"] == self.unit)]

    @property
    def table(self) -> pd.DataFrame:
        """The disagreements with their decisions so far.

        Returns
        -------
        pandas.DataFrame
            What :func:`~research_kit.agreement.disagreements` returns (one boolean column
            per coder), then ``decision`` (``apply``, ``reject`` or NA), ``decided_by``,
            ``decided_at`` and ``memo``.
        """
        out = self._table.copy()
        d = self._current()[[*_UNIT_KEY, "decision", "coder", "coded_at", "memo"]]
        d = d.rename(columns={"coder": "decided_by", "coded_at": "decided_at"}).drop_duplicates(_UNIT_KEY, keep="last")
        if out.empty:
            for col, dtype in (("decision", "string"), ("decided_by", "string"),
                               ("decided_at", "datetime64[ns, UTC]"), ("memo", "string")):
                out[col] = pd.Series(dtype=dtype)
            return out
        out["code"] = out["code"].astype("string")
        merged = out.merge(d.astype({"doc_id": "string", "code": "string"}), on=_UNIT_KEY, how="left")
        return merged.reset_index(drop=True)

    def decide(self, row: int, *, apply: bool, memo: str | None = None) -> pd.Series:
        """Decide the disagreement at row ``row`` of :attr:`table`; return the decision written.

        Raises
        ------
        CodingError
            ``RK-G37`` for a row that does not exist; ``RK-G38`` when the decisions file
            could not be read at the start (nothing is written over it).
        """
        table = self._table
        try:
            index = int(row)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(table):
            raise CodingError("RK-G37", f"there is no disagreement {row!r} (there are {len(table)}).")
        unit = table.iloc[index]
        return self.decide_unit(unit["doc_id"], int(unit["start_char"]), int(unit["end_char"]), unit["code"],
                                apply=apply, memo=memo)

    def decide_unit(self, doc_id: str, start_char: int, end_char: int, code: str, *, apply: bool,
                    memo: str | None = None) -> pd.Series:
        """Decide the disagreement on this unit (its offsets) and code; see :meth:`decide`."""
        t = self._table
        hit = t[(t["doc_id"] == doc_id) & (t["start_char"] == start_char) & (t["end_char"] == end_char)
                & (t["code"] == code)]
        if hit.empty:
            raise CodingError("RK-G37", f'the coders do not disagree on "{code}" at {doc_id} {start_char}–{end_char} '
                              f"(unit: {self.unit}).", hint="Decide one of the rows of the disagreements table.")
        unit = hit.iloc[0]
        votes = "; ".join(f"{c}={'–' if pd.isna(unit[c]) else ('yes' if unit[c] else 'no')}" for c in self.coders)
        record = pd.DataFrame({
            "doc_id": pd.array([doc_id], dtype="string"), "start_char": pd.array([start_char], dtype="int64"),
            "end_char": pd.array([end_char], dtype="int64"), "code": pd.array([code], dtype="string"),
            "coder": pd.array([self.decider], dtype="string"),
            "memo": pd.array([memo or pd.NA], dtype="string"),
            "coded_at": pd.Series([now()], dtype="datetime64[ns, UTC]"),
            "decision": pd.array(["apply" if apply else "reject"], dtype="string"),
            "unit": pd.array([self.unit], dtype="string"), "votes": pd.array([votes], dtype="string"),
        })
        before = self.decisions
        same = _same(before, record.iloc[0], self.unit)
        self.decisions = pd.concat([before[~same], record], ignore_index=True) if len(before) else record
        try:
            self._write()
        except Exception:
            self.decisions = before
            raise
        self._history.append(before)
        return record.iloc[0]

    def undo(self) -> bool:
        """Undo the last decision of this session (written at once); ``False`` when there is none."""
        if not self._history:
            return False
        self.decisions = self._history.pop()
        self._write()
        return True

    # -- results -----------------------------------------------------------------

    def agreement(self) -> pd.DataFrame:
        """Agreement between the coders per code, with the state of the adjudication.

        Returns
        -------
        pandas.DataFrame
            :func:`~research_kit.agreement.agreement`'s columns, then ``disagreements``
            (units where the coders disagree on the code), ``decided`` and ``remaining``.
        """
        out = self._agreement.copy()
        table = self.table
        if table.empty:
            counts = pd.DataFrame({"code": pd.Series(dtype="string"), "disagreements": pd.Series(dtype="int64"),
                                   "decided": pd.Series(dtype="int64")})
        else:
            counts = table.groupby("code").agg(disagreements=("doc_id", "size"),
                                               decided=("decision", lambda s: int(s.notna().sum()))).reset_index()
        out = out.merge(counts, on="code", how="left")
        total = counts[["disagreements", "decided"]].sum()
        last = out["code"] == "(all)"
        out.loc[last, "disagreements"] = int(total["disagreements"])
        out.loc[last, "decided"] = int(total["decided"])
        out["disagreements"] = out["disagreements"].fillna(0).astype("int64")
        out["decided"] = out["decided"].fillna(0).astype("int64")
        out["remaining"] = out["disagreements"] - out["decided"]
        return out

    def adjudicated(self) -> pd.DataFrame:
        """The adjudicated codings: agreed units and units decided to apply, less those decided not to.

        Returns
        -------
        pandas.DataFrame
            A codings frame (``coder="adjudicated"``, offsets of the units) with ``basis``
            (``agreement`` or ``decision``) and ``decided_by``.
        """
        agreed = self._consensus
        rows = pd.DataFrame({
            "doc_id": agreed["doc_id"].astype("string"), "start_char": agreed["start_char"].astype("int64"),
            "end_char": agreed["end_char"].astype("int64"), "code": agreed["code"].astype("string"),
            "coder": pd.array([ADJUDICATED_CODER] * len(agreed), dtype="string"),
            "memo": pd.array([pd.NA] * len(agreed), dtype="string"),
            "coded_at": pd.Series(pd.NaT, index=range(len(agreed)), dtype="datetime64[ns, UTC]"),
            "basis": pd.array(["agreement"] * len(agreed), dtype="string"),
            "decided_by": pd.array([pd.NA] * len(agreed), dtype="string"),
        })
        d = self._current().drop_duplicates(_UNIT_KEY, keep="last")
        keys = set(zip(d["doc_id"].astype(object), d["start_char"], d["end_char"], d["code"].astype(object)))
        agreed_keys = list(zip(rows["doc_id"].astype(object), rows["start_char"], rows["end_char"],
                               rows["code"].astype(object)))
        rows = rows[[k not in keys for k in agreed_keys]]
        applied = d[d["decision"] == "apply"]
        decided = pd.DataFrame({
            "doc_id": applied["doc_id"].astype("string"), "start_char": applied["start_char"].astype("int64"),
            "end_char": applied["end_char"].astype("int64"), "code": applied["code"].astype("string"),
            "coder": pd.array([ADJUDICATED_CODER] * len(applied), dtype="string"),
            "memo": applied["memo"].astype("string"), "coded_at": applied["coded_at"],
            "basis": pd.array(["decision"] * len(applied), dtype="string"),
            "decided_by": applied["coder"].astype("string"),
        })
        parts = [p for p in (rows, decided) if len(p)]
        out = pd.concat(parts, ignore_index=True) if parts else rows.iloc[:0]
        return out.sort_values(["doc_id", "start_char", "code"]).reset_index(drop=True)


def _same(frame: pd.DataFrame, record: pd.Series, unit: str) -> np.ndarray:
    if frame.empty:
        return np.zeros(0, dtype=bool)
    return ((frame["doc_id"] == record["doc_id"]) & (frame["start_char"] == record["start_char"])
            & (frame["end_char"] == record["end_char"]) & (frame["code"] == record["code"])
            & (frame["unit"].isna() | (frame["unit"] == unit))).to_numpy(dtype=bool)


def _empty_decisions() -> pd.DataFrame:
    frame = schemas.empty_frame(schemas.CODINGS)
    for col in ("decision", "unit", "votes"):
        frame[col] = pd.Series(dtype="string")
    return frame
