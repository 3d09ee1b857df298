"""Compare and resolve: coders side by side on the units where they disagree, one decision per unit.

:class:`ResolvePanel` is a thin widget over :class:`~research_kit.workbench.adjudication.Adjudication`.
It reads every coder's file of the codings folder (``<folder>/*.csv``), lists the units
where they disagree, with what each coder decided, and records the decision taken for
each (unit, code): apply the code or not, with a memo and who decided, written at once
to ``<folder>/adjudicated/decisions.csv`` and the adjudicated codings to
``<folder>/adjudicated/codings.csv``. The agreement per code (Krippendorff's alpha,
Cohen's kappa) and the number of disagreements left to decide update with every
decision; when a coder's file changes meanwhile (a colleague still coding), the next
action reads the files again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import traitlets

from .. import schemas
from ..coding import merge_codings, read_codings
from ..corpus import Corpus
from ..errors import ParameterError, ResearchKitError
from ._base import Panel, front_end, records
from .adjudication import Adjudication, adjudication_folder
from .session import read_codebook_safely
from .store import check_coder, describe

__all__ = ["ResolvePanel", "read_coders"]


def read_coders(folder: str | Path, *, coders: list[str] | None = None) -> tuple[pd.DataFrame, list[ResearchKitError]]:
    """Every coder's file of a codings folder (``<folder>/*.csv``) merged, and the files that could not be read.

    A file without a ``coder`` column gives its rows the file's name as coder.
    """
    frames, problems = [], []
    for path in sorted(Path(folder).glob("*.csv")) if Path(folder).is_dir() else []:
        if coders is not None and path.stem not in coders:
            continue
        try:
            frames.append(read_codings(path, coder=path.stem))
        except ResearchKitError as e:
            problems.append(e)
    merged = merge_codings(*frames) if frames else schemas.empty_frame(schemas.CODINGS)
    return merged, problems


class ResolvePanel(Panel):
    """Resolve disagreements between coders in the notebook; see the module.

    Parameters
    ----------
    corpus
        The corpus the codings refer to.
    folder
        The codings folder (one ``<coder>.csv`` per coder).
    decider
        Who decides (written with every decision).
    codebook
        A codebook (or its path), for the codes' labels; optional.
    unit
        ``"turn"``, ``"sentence"`` (needs ``tokens``) or ``"window"``.
    coders
        The coders to compare, as a list or comma-separated (default: every file of the folder).
    limit
        Units shown at once.
    lang
        ``"fr"`` or ``"en"``.

    Examples
    --------
    >>> ResolvePanel(corpus, "corpus/codings", decider="sami")   # doctest: +SKIP
    """

    _esm = front_end("resolve.js")

    coders = traitlets.List().tag(sync=True)
    units = traitlets.List().tag(sync=True)
    agreement = traitlets.List().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    notices = traitlets.List().tag(sync=True)

    def __init__(self, corpus: Corpus, folder: str | Path, *, decider: str, codebook: Any = None,
                 unit: Literal["turn", "sentence", "window"] = "turn", coders: str | list[str] | None = None,
                 tokens: pd.DataFrame | None = None, limit: int = 40, lang: str = "fr") -> None:
        super().__init__(lang=lang)
        self.corpus = corpus
        self.folder = Path(folder)
        self.decider = check_coder(decider, parameter="decider")
        self.codebook, _ = read_codebook_safely(codebook) if codebook is not None else (None, None)
        self.limit = int(limit)
        if isinstance(coders, str):  # "camille, mathis", as a notebook parameter gives it
            coders = [c.strip() for c in coders.split(",") if c.strip()] or None
        self._wanted = coders
        self.view = {"undecided_only": False, "code": "", "doc_id": "", "shown": self.limit}
        self.adjudication: Adjudication | None = None
        self._signatures = self._stat()
        codings, problems = read_coders(self.folder, coders=coders)
        self.notices = [describe(e) for e in problems]
        try:
            self.adjudication = Adjudication(codings, corpus, decider=self.decider,
                                             folder=adjudication_folder(self.folder), unit=unit, coders=coders,
                                             tokens=tokens)
            self.notices = self.notices + [describe(e) for e in self.adjudication.messages]
        except ResearchKitError as e:
            if e.code == "RK-P45":
                found = ", ".join(sorted(set(codings["coder"].dropna()))) or "none"
                e = ParameterError("RK-P45", f"Compare and resolve needs the codings of two coders or more in "
                                   f"{self.folder}; found: {found}.",
                                   hint="Each coder codes into codings/<coder>.csv (the coding panel does it); "
                                        "run this cell again then.")
            self.show(e)
        self._publish()

    def _stat(self) -> dict[str, tuple[int, int]]:
        out = {}
        for path in sorted(self.folder.glob("*.csv")) if self.folder.is_dir() else []:
            st = os.stat(path)
            out[path.name] = (st.st_mtime_ns, st.st_size)
        return out

    def _label(self, code: str) -> str:
        cb = self.codebook
        return cb.label(code, self.lang if self.lang in cb.languages else None) if cb is not None and code in cb \
            else code

    def _publish(self) -> None:
        a = self.adjudication
        if a is None:
            self.units, self.agreement, self.coders = [], [], []
            self.status = {"decider": self.decider, "decided": 0, "remaining": 0, "total": 0}
            return
        table = a.table
        table = table.assign(row=range(len(table)))
        v = self.view
        shown = table
        if v.get("undecided_only"):
            shown = shown[shown["decision"].isna()]
        if v.get("code"):
            shown = shown[shown["code"] == v["code"]]
        if v.get("doc_id"):
            shown = shown[shown["doc_id"] == v["doc_id"]]
        groups = []
        titles = self.corpus.documents.set_index("doc_id")["title"]
        keys = shown[["doc_id", "start_char", "end_char"]].drop_duplicates()
        keep = keys.head(int(v.get("shown", self.limit)))
        for doc_id, start, end in keep.itertuples(index=False):
            part = shown[(shown["doc_id"] == doc_id) & (shown["start_char"] == start) & (shown["end_char"] == end)]
            first = part.iloc[0]
            items = []
            for r in part.itertuples(index=False):
                row = r._asdict()
                items.append({"row": int(row["row"]), "code": str(row["code"]), "label": self._label(str(row["code"])),
                              "votes": {c: (None if pd.isna(row[c]) else bool(row[c])) for c in a.coders},
                              "decision": None if pd.isna(row["decision"]) else str(row["decision"]),
                              "decided_by": None if pd.isna(row["decided_by"]) else str(row["decided_by"]),
                              "memo": None if pd.isna(row["memo"]) else str(row["memo"])})
            groups.append({"doc_id": str(doc_id), "title": str(titles.get(doc_id, doc_id)), "turn": int(first["turn"]),
                           "speaker": None if pd.isna(first["speaker"]) else str(first["speaker"]),
                           "start": int(start), "end": int(end), "text": str(first["text"]), "items": items})
        self.units = groups
        agreement = a.agreement()
        rows = records(agreement, ["code", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "disagreements",
                                   "decided", "remaining"])
        for row in rows:
            row["label"] = self._label(row["code"]) if row["code"] != "(all)" else row["code"]
        self.agreement = rows
        self.coders = list(a.coders)
        decided = int(table["decision"].notna().sum()) if len(table) else 0
        self.status = {"decider": self.decider, "unit": a.unit, "total": int(len(table)), "decided": decided,
                       "remaining": int(len(table)) - decided, "units_shown": len(groups),
                       "units_total": int(len(keys)), "file": str(a.decisions_path),
                       "documents": sorted(set(table["doc_id"].astype(str))) if len(table) else [],
                       "codes": sorted(set(table["code"].astype(str))) if len(table) else []}

    def _need(self) -> Adjudication:
        if self.adjudication is None:
            raise ParameterError("RK-P45", "there is nothing to resolve: agreement needs the codings of two coders.",
                                 hint="Each coder codes into codings/<coder>.csv; open the panel again then.")
        return self.adjudication

    def _refresh_if_changed(self) -> None:
        now = self._stat()
        if now != self._signatures:
            self._signatures = now
            codings, problems = read_coders(self.folder, coders=self._wanted)
            self._need().refresh(codings)
            self.notices = [describe(e) for e in problems]

    # -- actions ------------------------------------------------------------------------

    def do_decide(self, row: int, apply: bool, memo: str | None = None) -> None:
        """Decide disagreement ``row``: the code applies to the unit (``apply=True``) or not."""
        a = self._need()
        table = a.table
        unit = table.iloc[int(row)] if 0 <= int(row) < len(table) else None
        self._refresh_if_changed()
        if unit is not None:
            a.decide_unit(unit["doc_id"], int(unit["start_char"]), int(unit["end_char"]), unit["code"],
                          apply=bool(apply), memo=memo or None)
        else:
            a.decide(row, apply=bool(apply), memo=memo or None)  # RK-G37
        self._publish()
        self.show(None)

    def do_undo(self) -> None:
        self._need().undo()
        self._publish()

    def do_refresh(self) -> None:
        self._signatures = {}
        self._refresh_if_changed()
        self._publish()

    def do_filter(self, undecided_only: bool | None = None, code: str | None = None, doc_id: str | None = None) -> None:
        v = dict(self.view)
        for key, value in (("undecided_only", undecided_only), ("code", code), ("doc_id", doc_id)):
            if value is not None:
                v[key] = value
        v["shown"] = self.limit
        self.view = v
        self._publish()

    def do_more(self) -> None:
        self.view = {**self.view, "shown": int(self.view.get("shown", self.limit)) + self.limit}
        self._publish()
