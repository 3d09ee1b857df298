"""The coding panel: a transcript turn by turn, a selection, the codebook's codes to tick, undo.

:class:`CodingPanel` is a thin widget over :class:`~research_kit.workbench.session.CodingSession`
(what is coded and written) and :class:`~research_kit.workbench.suggestions.SuggestionReview`
(the rules' suggestions). In the browser:

- pick a document; its turns show with speakers and roles; the coder's segments are
  tinted with their codes' colours, the other coders' underlined (not in blind mode),
  the rules' suggestions outlined;
- select words with the mouse (or ``¶`` for a whole turn, or click a coded segment):
  the selection is widened to whole words; tick codes in the tree (searchable, each
  code's definition under its label) to apply them, untick to remove; write a memo;
- accept or reject a suggestion; the rules' precision and recall against the coder
  update with every decision;
- retrieve a code's segments and click one to go back to it in its transcript;
- keys: ``1``–``9`` tick the first nine codes shown, ``t`` the whole turn, ``u`` or
  Ctrl+Z undo, ``a``/``r`` accept/reject the selected suggestion, ``n``/``p`` the next or
  previous suggestion, ``/`` the code search, Esc clears the selection.

Every action is written to ``<folder>/<coder>.csv`` at once; a new panel reads it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd
import traitlets

from ..coding import coded_segments
from ..corpus import Corpus
from ..errors import CodingError, ParameterError, ResearchKitError
from ..palette import CODE_COLOURS
from ._base import Panel, front_end, records
from .session import CodingSession
from .store import describe
from .suggestions import SuggestionReview, rule_suggestions

__all__ = ["CodingPanel"]

_COLOURS_OTHERS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")


class CodingPanel(Panel):
    """Code transcripts in the notebook; see the module for what it does.

    Parameters
    ----------
    corpus
        The corpus to code.
    codebook
        A :class:`~research_kit.codebook.Codebook` or the path of one. A codebook that
        fails validation opens the panel read-only, its problems in the message.
    coder
        Whose codings: they go to ``<folder>/<coder>.csv``.
    folder
        The codings folder, usually ``<corpus folder>/codings``.
    blind
        Hide the other coders' work (a second coder codes blind).
    tokens
        The corpus's tokens (``annotate(corpus)``): with ``suggest=True`` the codebook's
        rules run on them and their hits become suggestions.
    rules
        Rule hits already computed (``autocode(...)``), instead of ``tokens``.
    suggest
        Offer the rules' hits as suggestions.
    doc_id
        The document to open first (default: the first in date order).
    unit
        The unit the rules' precision and recall are counted on: ``"turn"`` or ``"sentence"``.
    lang
        ``"fr"`` or ``"en"``: the panel's labels and the codes' labels.

    Examples
    --------
    >>> panel = CodingPanel(corpus, "corpus/codebook.yml", coder="camille",
    ...                     folder="corpus/codings", blind=True)      # doctest: +SKIP
    >>> panel                                                       # doctest: +SKIP
    """

    _esm = front_end("coding.js")

    codebook = traitlets.List().tag(sync=True)
    documents = traitlets.List().tag(sync=True)
    doc = traitlets.Dict().tag(sync=True)
    segments = traitlets.List().tag(sync=True)
    suggestions = traitlets.List().tag(sync=True)
    selection = traitlets.Dict().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    scores = traitlets.List().tag(sync=True)
    retrieval = traitlets.Dict().tag(sync=True)
    scroll_to = traitlets.Dict().tag(sync=True)
    notices = traitlets.List().tag(sync=True)

    def __init__(self, corpus: Corpus, codebook: Any = None, *, coder: str, folder: str | Path, blind: bool = False,
                 tokens: pd.DataFrame | None = None, rules: pd.DataFrame | None = None, suggest: bool = True,
                 doc_id: str | None = None, unit: Literal["turn", "sentence"] = "turn", lang: str = "fr") -> None:
        super().__init__(lang=lang)
        self.session = CodingSession(corpus, codebook, coder=coder, folder=folder, blind=blind)
        self.corpus = corpus
        self.review: SuggestionReview | None = None
        notices = list(self.session.messages)
        if suggest and self.session.can_code and (rules is not None or tokens is not None):
            try:
                found = rules if rules is not None else rule_suggestions(tokens, self.session.codebook, corpus)
                self.review = SuggestionReview(self.session, found, unit=unit, tokens=tokens)
                notices += self.review.messages
            except ResearchKitError as e:
                notices.append(e)
        self.notices = [describe(e) | {"level": "warning" if e.code in ("RK-G33", "RK-G36") else "error"}
                        for e in notices]
        self.codebook = self._codebook()
        order = corpus.documents.sort_values(["date", "doc_id"], na_position="last")["doc_id"].astype(str).tolist()
        self._order = order
        self._doc_id: str | None = None
        self._sel: tuple[int, int] | None = None
        self._scores_on = False  # the rules' scores cost a comparison of every unit: only while they are shown
        self._refresh_documents()
        first = doc_id if doc_id is not None else (order[0] if order else None)
        if first is not None:
            self.do_open(doc_id=first)

    # -- what the front end shows --------------------------------------------------

    def _codebook(self) -> list[dict[str, Any]]:
        cb = self.session.codebook
        if cb is None:
            return []
        out = []
        colours = iter(CODE_COLOURS * 10)
        for row in cb.codes.itertuples(index=False):
            entry = cb.entry(row.code)
            definition = entry.definition.get(self.lang) or next(iter(entry.definition.values()), "")
            out.append({"code": row.code, "parent": None if pd.isna(row.parent) else row.parent,
                        "depth": int(row.depth), "label": cb.label(row.code, self.lang if self.lang in cb.languages
                                                                   else None),
                        "definition": definition or "", "color": row.color if isinstance(row.color, str) else next(colours),
                        "codable": bool(row.codable)})
        return out

    def _refresh_documents(self) -> None:
        mine = self.session.codings
        counts = mine["doc_id"].value_counts().to_dict() if len(mine) else {}
        docs = self.corpus.documents.set_index("doc_id")
        self.documents = [{"doc_id": d, "title": str(docs.loc[d, "title"]), "mine": int(counts.get(d, 0)),
                           "date": None if pd.isna(docs.loc[d, "date"]) else docs.loc[d, "date"].strftime("%Y-%m-%d")}
                          for d in self._order]

    def _refresh_segments(self) -> None:
        if self._doc_id is None:
            self.segments, self.suggestions = [], []
            return
        segs = self.session.segments(self._doc_id)
        coders = sorted(set(segs.loc[~segs["mine"], "coder"])) if len(segs) else []
        colour = {c: _COLOURS_OTHERS[i % len(_COLOURS_OTHERS)] for i, c in enumerate(coders)}
        self.segments = [{"start": int(r.start_char), "end": int(r.end_char), "code": str(r.code),
                          "coder": str(r.coder), "memo": None if pd.isna(r.memo) else str(r.memo), "mine": bool(r.mine),
                          "colour": None if r.mine else colour.get(r.coder)}
                         for r in segs.itertuples(index=False)]
        if self.review is not None:
            pending = self.review.pending(self._doc_id)
            self.suggestions = [{"id": int(r.suggestion), "start": int(r.start_char), "end": int(r.end_char),
                                 "code": str(r.code), "evidence": None if pd.isna(r.memo) else str(r.memo)}
                                for r in pending.itertuples(index=False)]
        else:
            self.suggestions = []

    def _refresh_status(self) -> None:
        status = self.session.status()
        error = self.session.message
        status["error"] = None if error is None else describe(error)
        status["suggest"] = self.review is not None
        self.status = status
        if error is not None:
            self.show(error)

    def _refresh_selection(self) -> None:
        if self._sel is None or self._doc_id is None:
            self.selection = {}
            return
        start, end = self._sel
        text = self.corpus.text(self._doc_id)
        turns = self.corpus.turns
        here = turns[(turns["doc_id"] == self._doc_id) & (turns["start_char"] <= start) & (turns["end_char"] >= start)]
        turn = int(here["turn"].iloc[0]) if len(here) else None
        suggestion = None
        if self.review is not None:
            for s in self.suggestions:
                if s["start"] == start and s["end"] == end:
                    suggestion = s
                    break
        others = [s for s in self.segments if not s["mine"] and s["start"] == start and s["end"] == end]
        self.selection = {"doc_id": self._doc_id, "start": start, "end": end, "text": text[start:end],
                          "turn": turn, "speaker": None if turn is None else str(here["speaker"].iloc[0]),
                          "codes": self.session.codes_at(self._doc_id, start, end),
                          "memo": self.session.memo_at(self._doc_id, start, end),
                          "suggestion": suggestion, "others": [{"code": s["code"], "coder": s["coder"]} for s in others]}

    def _refresh_scores(self) -> None:
        if self.review is None:
            self.scores = []
            return
        scores = self.review.scores()
        cb = self.session.codebook
        rows = records(scores, ["code", "precision", "recall", "f1", "true_positives", "false_positives",
                                "false_negatives"])
        for row in rows:
            row["label"] = cb.label(row["code"]) if row["code"] in cb else row["code"]
        self.scores = rows

    def _after_action(self) -> None:
        self._refresh_segments()
        self._refresh_selection()
        self._refresh_documents()
        if self._scores_on:
            self._refresh_scores()
        self._refresh_status()

    def do_watch_scores(self, on: bool = True) -> None:
        """Keep the rules' scores up to date while the front end shows them (and compute them now)."""
        self._scores_on = bool(on)
        if self._scores_on:
            self._refresh_scores()

    # -- actions ------------------------------------------------------------------

    def do_open(self, doc_id: str) -> None:
        """Open a document (``RK-C10`` when the corpus has none such)."""
        rows = self.session.transcript(doc_id)
        docs = self.corpus.documents.set_index("doc_id")
        self._doc_id = doc_id
        self._sel = None
        self.doc = {"doc_id": doc_id, "title": str(docs.loc[doc_id, "title"]),
                    "turns": [{"turn": int(r.turn), "speaker": str(r.speaker),
                               "role": None if pd.isna(r.role) else str(r.role), "start": int(r.start_char),
                               "end": int(r.end_char), "text": str(r.text)} for r in rows.itertuples(index=False)]}
        self._refresh_segments()
        self._refresh_selection()
        self._refresh_status()

    def _need_doc(self) -> str:
        if self._doc_id is None:
            raise ParameterError("RK-P81", "no document is open.", hint="Pick one in the list.")
        return self._doc_id

    def do_select(self, start: int, end: int) -> None:
        """Select a span (widened to whole words)."""
        doc_id = self._need_doc()
        self._sel = self.session.span(doc_id, start, end)
        self._refresh_selection()
        self.show(None)

    def do_select_turn(self, turn: int | None = None) -> None:
        """Select a whole turn (the one given, or the one the selection starts in)."""
        doc_id = self._need_doc()
        if turn is None:
            if not self.selection.get("turn") and self.selection.get("turn") != 0:
                raise CodingError("RK-G34", "select some text first, or click ¶ beside a turn.")
            turn = self.selection["turn"]
        t = self.corpus.turns
        row = t[(t["doc_id"] == doc_id) & (t["turn"] == int(turn))]
        if row.empty:
            raise ParameterError("RK-P81", f'document "{doc_id}" has no turn {turn}.')
        self._sel = (int(row["start_char"].iloc[0]), int(row["end_char"].iloc[0]))
        self._refresh_selection()
        self.show(None)

    def do_select_at(self, offset: int) -> None:
        """Select the shortest segment (the coder's, a colleague's, or a suggestion) under a click."""
        self._need_doc()
        offset = int(offset)
        spans = [(s["end"] - s["start"], 0 if s["mine"] else 1, s["start"], s["end"]) for s in self.segments
                 if s["start"] <= offset < s["end"]]
        spans += [(s["end"] - s["start"], 2, s["start"], s["end"]) for s in self.suggestions
                  if s["start"] <= offset < s["end"]]
        if not spans:
            return
        _, _, start, end = min(spans)
        self._sel = (start, end)
        self._refresh_selection()

    def do_clear(self) -> None:
        self._sel = None
        self._refresh_selection()

    def _need_selection(self) -> tuple[str, int, int]:
        doc_id = self._need_doc()
        if self._sel is None:
            raise CodingError("RK-G34", "nothing is selected.", hint="Select some words in the transcript first.")
        return doc_id, self._sel[0], self._sel[1]

    def do_toggle(self, code: str) -> None:
        """Apply a code to the selection, or remove it when the selection has it."""
        doc_id, start, end = self._need_selection()
        if code in self.session.codes_at(doc_id, start, end):
            self.session.uncode(doc_id, start, end, [code])
        else:
            self.session.code(doc_id, start, end, [code], snap=False)
        self._after_action()

    def do_memo(self, text: str) -> None:
        doc_id, start, end = self._need_selection()
        self.session.memo(doc_id, start, end, text.strip() or None)
        self._after_action()

    def do_undo(self) -> None:
        self.session.undo()
        self._after_action()

    def do_retry(self) -> None:
        self.session.save()
        self._after_action()
        if self.session.message is None:
            self.show(None)

    def _need_review(self) -> SuggestionReview:
        if self.review is None:
            raise ParameterError("RK-P82", "this panel has no suggestions.",
                                 hint="Open it with tokens=annotate(corpus) (or rules=autocode(...)) and suggest=True.")
        return self.review

    def do_accept(self, id: int | None = None) -> None:  # noqa: A002 - the front end's name
        review = self._need_review()
        suggestion = self._suggestion_id(id)
        row = review.get(suggestion)
        review.accept(suggestion)
        self._sel = (int(row["start_char"]), int(row["end_char"])) if row["doc_id"] == self._doc_id else self._sel
        self._after_action()

    def do_reject(self, id: int | None = None) -> None:  # noqa: A002
        review = self._need_review()
        review.reject(self._suggestion_id(id))
        self._after_action()

    def _suggestion_id(self, id: int | None) -> int:  # noqa: A002
        if id is not None:
            return int(id)
        chosen = self.selection.get("suggestion") if self.selection else None
        if not chosen:
            raise CodingError("RK-G39", "no suggestion is selected.", hint="Click a suggestion (outlined) first.")
        return int(chosen["id"])

    def do_next_suggestion(self, direction: int = 1) -> None:
        """Select the next (or previous) pending suggestion of the document, after the selection."""
        self._need_review()
        if not self.suggestions:
            return
        here = self._sel[0] if self._sel else -1
        ordered = sorted(self.suggestions, key=lambda s: (s["start"], s["end"]))
        if direction >= 0:
            chosen = next((s for s in ordered if s["start"] > here), ordered[0])
        else:
            chosen = next((s for s in reversed(ordered) if s["start"] < here), ordered[-1])
        self._sel = (chosen["start"], chosen["end"])
        self._refresh_selection()
        self.scroll_to = {"doc_id": self._doc_id, "start": chosen["start"], "n": self.scroll_to.get("n", 0) + 1}

    def do_retrieve(self, code: str, children: bool = True) -> None:
        """The segments of a code (and its children), the coder's and (unless blind) the others'."""
        mine = self.session.codings
        codings = mine if self.session.blind else pd.concat([mine, self.session.others], ignore_index=True)
        known = set(self.corpus.doc_ids)
        codings = codings[codings["doc_id"].isin(known)]
        found = coded_segments(codings, self.corpus, code=code, codebook=self.session.codebook, children=children,
                               context=0)
        rows = records(found, ["doc_id", "title", "code", "coder", "start_char", "end_char", "turn", "speaker",
                               "text"])
        for row in rows:
            row["text"] = _cut(row["text"], 240)
        self.retrieval = {"code": code, "rows": rows, "total": len(found)}

    def do_goto(self, doc_id: str, start: int, end: int) -> None:
        """Open a document at a segment and select it."""
        if doc_id != self._doc_id:
            self.do_open(doc_id=doc_id)
        self._sel = (int(start), int(end))
        self._refresh_selection()
        self.scroll_to = {"doc_id": doc_id, "start": int(start), "n": self.scroll_to.get("n", 0) + 1}

    # -- for scripts and tests ------------------------------------------------------

    @property
    def codings(self) -> pd.DataFrame:
        """The coder's codings as they stand."""
        return self.session.codings


def _cut(text: Any, n: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"
