"""The explorer: a concordance with a search box, filters, frequencies, keyness and participation.

:class:`Explorer` is a thin widget over :class:`~research_kit.kwic.Concordancer` (the
tokens prepared once, so that each query only compares the distinct forms),
:func:`~research_kit.kwic.sort_kwic`, :func:`~research_kit.workbench.views.filter_rows`,
:func:`~research_kit.textstats.frequencies`, :func:`~research_kit.keyness.keyness` and
:func:`~research_kit.participation.participation`, the verbs the briefs use. In the browser:

- type a form, a phrase or (``lemme``) a lemma, or a regular expression; the total of
  hits and the documents they are in show at once, with the distinct matched forms;
- sort by position, left context (read leftwards from the match) or right context;
- filter by speaker, role, document, date range and any document or speaker variable:
  the concordance, frequencies, keyness and participation all follow the filters;
- click a hit to read its turn in context, with the turns before and after;
- pick the two sides of a keyness comparison (a target, and a reference or the rest);
- export the table shown to CSV (``exports/`` beside the notebook by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import traitlets

from .._io import slug
from ..corpus import Corpus
from ..errors import ParameterError, check_option
from ..keyness import keyness
from ..kwic import SORTS, Concordancer, sort_kwic
from ..participation import participation
from ..textstats import frequencies
from ._base import Panel, front_end, records
from .views import TokenSelector, filter_options, filter_rows, turn_context, turn_mask, write_view

__all__ = ["Explorer"]

_MEASURES = ("log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon")


class Explorer(Panel):
    """Explore a corpus in the notebook; see the module for what it does.

    Parameters
    ----------
    corpus
        The corpus.
    tokens
        Its tokens (``annotate(corpus)``).
    query
        A first query to show (none by default).
    limit
        Concordance lines sent to the browser at first (``Show more`` adds as many).
    export_folder
        Where ``Export to CSV`` writes (created when needed).
    lang
        ``"fr"`` or ``"en"``.

    Examples
    --------
    >>> Explorer(corpus, annotate(corpus), query="il faudrait")   # doctest: +SKIP
    """

    _esm = front_end("explorer.js")

    options = traitlets.Dict().tag(sync=True)
    query = traitlets.Dict().tag(sync=True)
    filters = traitlets.Dict().tag(sync=True)
    hits = traitlets.Dict().tag(sync=True)
    context = traitlets.Dict().tag(sync=True)
    view = traitlets.Unicode("concordance").tag(sync=True)
    table = traitlets.Dict().tag(sync=True)
    sides = traitlets.Dict().tag(sync=True)
    exported = traitlets.Unicode("").tag(sync=True)

    def __init__(self, corpus: Corpus, tokens: pd.DataFrame, *, query: str | None = None, limit: int = 200,
                 export_folder: str | Path = "exports", lang: str = "fr") -> None:
        super().__init__(lang=lang)
        self.corpus = corpus
        self.tokens = tokens
        self.concordancer = Concordancer(tokens, corpus=corpus)
        self.selector = TokenSelector(tokens, corpus)
        self.limit = int(limit)
        self.export_folder = Path(export_folder)
        options = filter_options(corpus)
        options["columns"] = ["doc_id", "speaker", "role", *options["variables"]]
        self.options = options
        self.query = {"query": "", "of": "text", "regex": False, "case_sensitive": False, "sort": "position",
                      "window": 8}
        self._raw = None  # the unfiltered hits of the current query
        self._hits = pd.DataFrame()
        self._shown = self.limit
        self._frame = pd.DataFrame()  # the table of the current view other than the concordance
        self.hits = {}
        if query:
            self.do_search(query=query)

    # -- concordance ----------------------------------------------------------------

    def do_search(self, query: str, of: str | None = None, regex: bool | None = None,
                  case_sensitive: bool | None = None, sort: str | None = None, window: int | None = None) -> None:
        """Run a query (the other settings kept unless given)."""
        settings = dict(self.query)
        settings.update({k: v for k, v in (("of", of), ("regex", regex), ("case_sensitive", case_sensitive),
                                            ("sort", sort), ("window", window)) if v is not None})
        settings["query"] = query
        check_option("sort", settings["sort"], SORTS, function="Explorer.search")
        check_option("of", settings["of"], ("text", "lemma", "lower"), function="Explorer.search")
        self._raw = self.concordancer.kwic(query, of=settings["of"], window=int(settings["window"]),
                                           case_sensitive=bool(settings["case_sensitive"]),
                                           regex=bool(settings["regex"]))
        self.query = settings
        self._shown = self.limit
        self.context = {}
        self._refilter()
        self.view = "concordance"
        self.show(None)

    def do_sort(self, by: str) -> None:
        check_option("by", by, SORTS, function="Explorer.sort")
        self.query = {**self.query, "sort": by}
        if self._raw is not None:
            self._hits = sort_kwic(self._hits, by=by)
            self._send_hits()

    def do_filter(self, filters: dict[str, Any]) -> None:
        """Replace the filters (``{column: value or [values]}``, ``date_from``, ``date_to``)."""
        clean = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
        turn_mask(self.corpus, clean)  # RK-P43 / RK-P80 before anything changes
        self.filters = clean
        self._shown = self.limit
        self._refilter()
        if self.view != "concordance":
            self._recompute_view()
        self.show(None)

    def _refilter(self) -> None:
        if self._raw is None:
            return
        self._hits = sort_kwic(filter_rows(self._raw, self.corpus, self.filters), by=self.query["sort"])
        self._send_hits()

    def _send_hits(self) -> None:
        hits = self._hits
        shown = hits.head(self._shown)
        forms = hits["match"].str.lower().value_counts().head(12) if len(hits) else pd.Series(dtype="int64")
        titles = self.corpus.documents.set_index("doc_id")["title"]
        rows = records(shown, ["doc_id", "turn", "speaker", "role", "left", "match", "right", "start_char",
                               "end_char"])
        for i, row in enumerate(rows):
            row["i"] = i
            row["title"] = str(titles.get(row["doc_id"], row["doc_id"]))
        self.hits = {"query": self.query["query"], "total": int(len(hits)),
                     "documents": int(hits["doc_id"].nunique()) if len(hits) else 0,
                     "unfiltered": int(len(self._raw)) if self._raw is not None else 0,
                     "rows": rows, "forms": [[str(k), int(v)] for k, v in forms.items()]}

    def do_more(self) -> None:
        self._shown += self.limit
        self._send_hits()

    def do_open_hit(self, index: int) -> None:
        """Show hit ``index`` (its row in the list) in its turn, with the turns around it."""
        try:
            hit = self._hits.iloc[int(index)]
        except (IndexError, ValueError, TypeError):
            raise ParameterError("RK-P81", f"there is no hit {index!r} (there are {len(self._hits)}).") from None
        rows = turn_context(self.corpus, hit["doc_id"], int(hit["turn"]))
        out = records(rows)
        for row in out:
            row["match"] = ([int(hit["start_char"]) - row["start_char"], int(hit["end_char"]) - row["start_char"]]
                            if row["is_target"] else None)
        title = self.corpus.documents.set_index("doc_id")["title"].get(hit["doc_id"], hit["doc_id"])
        self.context = {"index": int(index), "doc_id": str(hit["doc_id"]), "title": str(title),
                        "turn": int(hit["turn"]), "rows": out}

    # -- other views ------------------------------------------------------------------

    def do_view(self, name: str) -> None:
        check_option("name", name, ("concordance", "frequencies", "keyness", "participation"),
                     function="Explorer.view")
        self.view = name
        if name != "concordance":
            self._recompute_view()

    def _recompute_view(self) -> None:
        if self.view == "frequencies":
            self.do_frequencies(**self.sides.get("frequencies", {}))
        elif self.view == "keyness":
            if self.sides.get("keyness"):
                self.do_keyness(**self.sides["keyness"])
            else:
                self.table = {}
        elif self.view == "participation":
            self.do_participation(**self.sides.get("participation", {}))

    def _mask(self, extra: dict[str, Any] | None = None) -> np.ndarray:
        return self.selector.mask({**self.filters, **(extra or {})})

    def do_frequencies(self, of: str = "lemma", top: int = 100) -> None:
        """Frequencies of the filtered part of the corpus."""
        check_option("of", of, ("lemma", "text", "lower"), function="Explorer.frequencies")
        self.sides = {**self.sides, "frequencies": {"of": of, "top": int(top)}}
        mask = self._mask()
        found = frequencies(self.tokens[mask], of=of) if mask.any() else pd.DataFrame(
            columns=["term", "count", "per_10k", "doc_freq"])
        self._frame = found
        self._send_table("frequencies", found.head(int(top)), [("term", "term", False), ("count", "count", True),
                                                               ("per_10k", "per_10k", True),
                                                               ("doc_freq", "documents", True)])

    def do_keyness(self, target: dict[str, Any], reference: dict[str, Any] | None = None,
                   measure: str = "log_likelihood", top: int = 25, min_count: int = 3) -> None:
        """Keyness of a target against a reference (or the rest), both within the filters.

        ``target`` and ``reference`` are ``{"column": ..., "value": ...}``: a speaker, a role,
        a document or a value of a variable.
        """
        check_option("measure", measure, _MEASURES, function="Explorer.keyness")
        if not target or not target.get("column") or target.get("value") in (None, ""):
            raise ParameterError("RK-P24", "pick the target of the comparison: a column and one of its values.")
        self.sides = {**self.sides, "keyness": {"target": target, "reference": reference, "measure": measure,
                                                "top": int(top), "min_count": int(min_count)}}
        inside = self._mask()
        t = inside & self._mask({target["column"]: target["value"]})
        if reference and reference.get("column") and reference.get("value") not in (None, ""):
            r = inside & self._mask({reference["column"]: reference["value"]})
        else:
            r = inside & ~t
        found = keyness(self.tokens, target=pd.Series(t, index=self.tokens.index),
                        reference=pd.Series(r, index=self.tokens.index), measure=measure, min_count=int(min_count))
        self._frame = found
        over = found[found[measure] > 0].head(int(top)).assign(side="target")
        under = found[found[measure] < 0].sort_values(measure).head(int(top)).assign(side="reference")
        shown = pd.concat([over, under], ignore_index=True)
        self._send_table("keyness", shown, [("side", "", False), ("term", "term", False),
                                            ("count_target", "target", True), ("count_reference", "reference", True),
                                            (measure, "measure", True), ("log_ratio", "log_ratio", True)],
                         sizes={"target": int(found["size_target"].iloc[0]) if len(found) else 0,
                                "reference": int(found["size_reference"].iloc[0]) if len(found) else 0})

    def do_participation(self, doc_id: str | None = None, by: str = "speaker") -> None:
        """Who spoke how much: in one session, or over the filtered documents."""
        check_option("by", by, ("speaker", "role"), function="Explorer.participation")
        self.sides = {**self.sides, "participation": {"doc_id": doc_id, "by": by}}
        docs = sorted(set(self.corpus.turns.loc[self._turns_mask(), "doc_id"].astype(str)))
        if doc_id:
            found = participation(self.corpus.subset([doc_id]), by=by)
        elif docs:
            found = participation(self.corpus.subset(docs), by=by, over="corpus")
        else:
            found = pd.DataFrame(columns=[by, "role", "turns", "words", "share_words", "speaking_time_s"])
        self._frame = found
        columns = [(by, by if by == "role" else "speaker", False)]
        if by == "speaker":
            columns.append(("role", "role", False))
        columns += [("turns", "turns", True), ("words", "words", True), ("share_words", "share_words", True),
                    ("speaking_time_s", "time", True)]
        self._send_table("participation", found, columns)

    def _turns_mask(self) -> np.ndarray:
        return turn_mask(self.corpus, self.filters)

    def _send_table(self, view: str, frame: pd.DataFrame, columns: list[tuple[str, str, bool]],
                    **extra: Any) -> None:
        keys = [c for c, _, _ in columns if c in frame.columns]
        self.table = {"view": view, "total": int(len(self._frame)),
                      "columns": [{"key": c, "label": label, "num": num} for c, label, num in columns if c in keys],
                      "rows": records(frame, keys), **extra}

    def do_export(self) -> None:
        """Write the whole table of the current view (not only the lines shown) to CSV."""
        if self.view == "concordance":
            frame, name = self._hits, f"concordance-{slug(self.query.get('query') or 'vide')}"
        else:
            frame, name = self._frame, self.view
        if frame is None or frame.empty:
            raise ParameterError("RK-P83", "there is nothing to export in this view yet.",
                                 hint="Search, or compute the table, first.")
        path = write_view(frame, self.export_folder / f"{name}.csv")
        self.exported = str(path)

    # -- for scripts and tests --------------------------------------------------------

    @property
    def current(self) -> pd.DataFrame:
        """The whole table of the current view: the filtered, sorted hits, or the other view's table."""
        return self._hits if self.view == "concordance" else self._frame
