"""The codebook's rules as suggestions a coder accepts or rejects, and how good the rules are against them.

:class:`SuggestionReview` takes what :func:`~research_kit.autocode.autocode` found (one
row per rule hit, ``coder="rules"``, the evidence in ``memo``) and a
:class:`~research_kit.workbench.session.CodingSession`. An accepted suggestion becomes one
of the coder's codings (written to their file like any other action); a rejected one is
set aside. Every decision is written at once to ``<folder>/review/<coder>-suggestions.csv``
(a codings file with a ``decision`` column: ``accepted`` or ``rejected``), so that a
suggestion once decided is not offered again after a restart, and undo reverses both.

:meth:`SuggestionReview.scores` compares the rules with the coder's codings as they
stand, with :func:`~research_kit.autocode.evaluate_rules`, on the documents the coder has
worked on: precision and recall move with every decision and every coding.

Codes: ``RK-G39`` a suggestion that does not exist (or was already decided); ``RK-P82``
rules without the corpus's tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import schemas
from ..autocode import evaluate_rules
from ..coding import read_codings, write_codings
from ..errors import CodingError, ParameterError, ResearchKitError
from .session import CodingSession, now
from .store import review_folder

__all__ = ["SuggestionReview", "suggestions_path", "rule_suggestions"]

_SUGGESTION_KEY = ["doc_id", "start_char", "end_char", "code"]


def suggestions_path(folder: str | Path, coder: str) -> Path:
    """``<folder>/review/<coder>-suggestions.csv``: a coder's decisions on the rules' suggestions."""
    return review_folder(folder) / f"{coder}-suggestions.csv"


def rule_suggestions(tokens: pd.DataFrame | None, codebook: Any, corpus: Any, *,
                     unit: Literal["match", "sentence", "turn"] = "sentence") -> pd.DataFrame:
    """The codebook's rule hits to suggest: :func:`~research_kit.autocode.autocode` at ``unit``.

    Raises
    ------
    ParameterError
        ``RK-P82`` without tokens (suggestions come from the annotated corpus).
    """
    if tokens is None:
        raise ParameterError("RK-P82", "suggestions from the codebook's rules need the corpus's tokens.",
                             hint="Pass tokens=annotate(corpus), or suggest=False.")
    from ..autocode import autocode

    return autocode(tokens, codebook, corpus=corpus, unit=unit)


class SuggestionReview:
    """A coder's review of the rules' suggestions, written after every decision.

    Parameters
    ----------
    session
        The coder's :class:`~research_kit.workbench.session.CodingSession`.
    rules
        A codings frame of rule hits (:func:`~research_kit.autocode.autocode`).
    unit
        The unit :func:`~research_kit.autocode.evaluate_rules` scores on: ``"turn"`` or
        ``"sentence"`` (needs ``tokens``).
    tokens
        The tokens frame, for sentence units.

    Examples
    --------
    >>> review = SuggestionReview(session, autocode(tokens, codebook, corpus=corpus))  # doctest: +SKIP
    >>> first = review.pending().iloc[0]                                               # doctest: +SKIP
    >>> review.accept(first["suggestion"])                                             # doctest: +SKIP
    >>> review.scores()                                                                # doctest: +SKIP
    """

    def __init__(self, session: CodingSession, rules: pd.DataFrame, *, unit: Literal["turn", "sentence"] = "turn",
                 tokens: pd.DataFrame | None = None) -> None:
        schemas.validate_frame(rules, schemas.CODINGS, argument="rules")
        self.session = session
        self.unit = unit
        self.tokens = tokens
        known = set(session.corpus.doc_ids)
        rules = rules[rules["doc_id"].isin(known)]
        self.rules = rules.drop_duplicates(subset=_SUGGESTION_KEY).sort_values(
            ["doc_id", "start_char", "end_char", "code"]).reset_index(drop=True)
        self.rules.insert(0, "suggestion", range(len(self.rules)))
        self.path = suggestions_path(session.folder, session.coder)
        self.messages: list[ResearchKitError] = []
        self.decisions = self._read()

    def _read(self) -> pd.DataFrame:
        if not self.path.exists():
            return _empty_decisions()
        try:
            frame = read_codings(self.path, coder=self.session.coder)
        except ResearchKitError as e:
            self.messages.append(e)
            return _empty_decisions()
        if "decision" not in frame:
            frame["decision"] = pd.NA
        frame["decision"] = frame["decision"].astype("string")
        return frame

    def _write(self) -> None:
        write_codings(self.decisions, self.path)

    # -- what is left to decide --------------------------------------------------

    def pending(self, doc_id: str | None = None) -> pd.DataFrame:
        """The suggestions not yet decided, nor already coded so by the coder.

        Returns
        -------
        pandas.DataFrame
            ``suggestion`` (its number, for :meth:`accept` and :meth:`reject`), the
            codings columns (``memo``: the rules' evidence), sorted by position.
        """
        rules = self.rules if doc_id is None else self.rules[self.rules["doc_id"] == doc_id]
        decided = _keys(self.decisions)
        mine = _keys(self.session.codings)
        keep = [k not in decided and k not in mine for k in _key_list(rules)]
        return rules[keep].reset_index(drop=True)

    def get(self, suggestion: int) -> pd.Series:
        """One suggestion by its number.

        Raises
        ------
        CodingError
            ``RK-G39`` when there is no such suggestion.
        """
        try:
            index = int(suggestion)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(self.rules):
            raise CodingError("RK-G39", f"there is no suggestion {suggestion!r} (the rules made {len(self.rules)}).")
        return self.rules.iloc[index]

    def decision(self, suggestion: int) -> str | None:
        """``"accepted"``, ``"rejected"`` or ``None`` for a suggestion not decided."""
        row = self.get(suggestion)
        d = self.decisions
        hit = d[(d["doc_id"] == row["doc_id"]) & (d["start_char"] == row["start_char"])
                & (d["end_char"] == row["end_char"]) & (d["code"] == row["code"])]
        return None if hit.empty else str(hit["decision"].iloc[-1])

    # -- deciding ----------------------------------------------------------------

    def accept(self, suggestion: int) -> pd.DataFrame:
        """Make a suggestion one of the coder's codings (its span as the rules found it); return the rows added."""
        row = self._undecided(suggestion)
        added = self.session.code(row["doc_id"], int(row["start_char"]), int(row["end_char"]), [row["code"]],
                                  snap=False, label=f"accept {row['code']}", revert=lambda: self._undo_decision(row))
        self._decide(row, "accepted")
        return added

    def reject(self, suggestion: int) -> None:
        """Set a suggestion aside: it is not offered again."""
        row = self._undecided(suggestion)
        self._decide(row, "rejected")
        self.session.record(f"reject {row['code']}", [], [], revert=lambda: self._undo_decision(row))

    def _undecided(self, suggestion: int) -> pd.Series:
        row = self.get(suggestion)
        if self.decision(suggestion) is not None:
            raise CodingError("RK-G39", f"suggestion {suggestion} ({row['code']}) was already "
                              f"{self.decision(suggestion)}.", hint="Undo the decision to change it.")
        if not self.session.can_code:
            raise self.session.messages[0]
        return row

    def _decide(self, row: pd.Series, decision: str) -> None:
        record = pd.DataFrame({
            "doc_id": pd.array([row["doc_id"]], dtype="string"),
            "start_char": pd.array([int(row["start_char"])], dtype="int64"),
            "end_char": pd.array([int(row["end_char"])], dtype="int64"),
            "code": pd.array([row["code"]], dtype="string"),
            "coder": pd.array([self.session.coder], dtype="string"),
            "memo": pd.array([row["memo"]], dtype="string"),
            "coded_at": pd.Series([now()], dtype="datetime64[ns, UTC]"),
            "decision": pd.array([decision], dtype="string"),
        })
        self.decisions = pd.concat([self.decisions, record], ignore_index=True) if len(self.decisions) else record
        self._write()

    def _undo_decision(self, row: pd.Series) -> None:
        d = self.decisions
        hit = ((d["doc_id"] == row["doc_id"]) & (d["start_char"] == row["start_char"])
               & (d["end_char"] == row["end_char"]) & (d["code"] == row["code"]))
        self.decisions = d[~hit].reset_index(drop=True)
        self._write()

    # -- how good the rules are ----------------------------------------------------

    def documents(self) -> list[str]:
        """The documents the coder has worked on: coded, or decided a suggestion in."""
        mine = self.session.codings
        known = set(self.session.corpus.doc_ids)
        return sorted((set(mine["doc_id"]) | set(self.decisions["doc_id"])) & known)

    def scores(self) -> pd.DataFrame:
        """Precision, recall and F1 of the rules against the coder, per code then ``(micro)`` and ``(macro)``.

        What :func:`~research_kit.autocode.evaluate_rules` returns (its ``scores``), on the
        documents of :meth:`documents`; empty before the coder has worked on any.
        """
        docs = self.documents()
        mine = self.session.codings
        mine = mine[mine["doc_id"].isin(docs)]
        if not docs or mine.empty:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _SCORE_COLUMNS.items()})
        scores, _ = evaluate_rules(self.rules.drop(columns="suggestion"), mine, self.session.corpus, unit=self.unit,
                                   tokens=self.tokens, coder=self.session.coder, documents=docs)
        return scores


def _key_list(frame: pd.DataFrame) -> list[tuple]:
    """(doc_id, start_char, end_char, code) of each row, in row order."""
    return list(zip(frame["doc_id"].astype(object), frame["start_char"].astype("int64"),
                    frame["end_char"].astype("int64"), frame["code"].astype(object)))


def _keys(frame: pd.DataFrame) -> set[tuple]:
    return set(_key_list(frame))


def _empty_decisions() -> pd.DataFrame:
    frame = schemas.empty_frame(schemas.CODINGS)
    frame["decision"] = pd.Series(dtype="string")
    return frame


_SCORE_COLUMNS = {"code": "string", "units": "int64", "human_units": "int64", "rules_units": "int64",
                  "true_positives": "int64", "false_positives": "int64", "false_negatives": "int64",
                  "precision": "float64", "recall": "float64", "f1": "float64"}
