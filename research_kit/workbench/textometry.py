"""The textometry browser: Reinert classes, their profiles, anti-profiles and segments; a form's concordance.

:class:`TextometryBrowser` is a thin widget over a :class:`~research_kit.chd.Reinert`
classification and the functions the walkthrough notebook calls:
:func:`~research_kit.chd.classification_summary` (the classes, their sizes and labels),
:func:`~research_kit.chd.class_details` (a class's profile, anti-profile and
characteristic segments), :class:`~research_kit.kwic.Concordancer` (a form's
concordance, on the forms the classification used: lemmas by default) and
:func:`~research_kit.plots.chd.plot_correspondence` over
:func:`~research_kit.ca.correspondence_analysis` (the factor map, whose labels do not
overprint). Click a class to see it whole, a form to see its concordance, a segment or
a hit to read its turn in context.
"""

from __future__ import annotations

import base64
import io
import pandas as pd
import traitlets

from ..chd import Reinert, class_details, classification_summary
from ..corpus import Corpus
from ..errors import ParameterError, ResearchKitError
from ..kwic import Concordancer
from ._base import Panel, front_end, records
from .views import turn_context

__all__ = ["TextometryBrowser", "factor_map_png"]


def factor_map_png(result: Reinert, *, lang: str = "fr", dpi: int = 90) -> bytes:
    """The factor map of a classification as PNG bytes (:func:`~research_kit.plots.chd.plot_correspondence`)."""
    from ..ca import correspondence_analysis
    from ..plots.chd import plot_correspondence

    figure = plot_correspondence(correspondence_analysis(result), lang=lang)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


class TextometryBrowser(Panel):
    """Browse a Reinert classification in the notebook; see the module.

    Parameters
    ----------
    result
        What :func:`~research_kit.chd.reinert` returned.
    tokens
        The tokens it classified.
    corpus
        The corpus they come from.
    n_forms, n_segments
        Forms in a profile and anti-profile, and segments shown per class.
    factor_map
        Draw the factor map (a correspondence analysis of the classes).
    lang
        ``"fr"`` or ``"en"``.

    Examples
    --------
    >>> TextometryBrowser(reinert(tokens, corpus=corpus), tokens, corpus)   # doctest: +SKIP
    """

    _esm = front_end("textometry.js")

    classes = traitlets.List().tag(sync=True)
    current = traitlets.Int(0).tag(sync=True)
    details = traitlets.Dict().tag(sync=True)
    concordance = traitlets.Dict().tag(sync=True)
    context = traitlets.Dict().tag(sync=True)
    factor_map = traitlets.Unicode("").tag(sync=True)

    def __init__(self, result: Reinert, tokens: pd.DataFrame, corpus: Corpus, *, n_forms: int = 15,
                 n_segments: int = 5, factor_map: bool = True, lang: str = "fr") -> None:
        super().__init__(lang=lang)
        if not isinstance(result, Reinert):
            raise ParameterError("RK-P84", f"TextometryBrowser() shows what reinert() returns; got {type(result).__name__}.",
                                 hint="result = reinert(tokens, corpus=corpus)")
        self.result, self.tokens, self.corpus = result, tokens, corpus
        self.n_forms, self.n_segments = int(n_forms), int(n_segments)
        self.of = result.parameters.get("of", "lemma")
        self.concordancer = Concordancer(tokens, corpus=corpus)
        self._segments = pd.DataFrame()
        self._hits = pd.DataFrame()
        classes, _ = classification_summary(result, lang=lang)
        self.classes = records(classes, ["cls", "label", "n_segments", "percent", "share", "marginal", "words"])
        if factor_map and result.n_classes >= 2:
            try:
                self.factor_map = "data:image/png;base64," + base64.b64encode(factor_map_png(result, lang=lang)).decode()
            except ResearchKitError as e:
                self.show(e, level="warning")
        if result.n_classes:
            self.do_open_class(cls=1)

    def do_open_class(self, cls: int) -> None:
        """Show a class whole: profile, anti-profile, characteristic segments (``RK-P71`` for no such class)."""
        profile, anti, segments = class_details(self.result, int(cls), n_forms=self.n_forms,
                                                n_segments=self.n_segments)
        self._segments = segments
        self.current = int(cls)
        self.details = {"cls": int(cls), "profile": records(profile), "anti_profile": records(anti),
                        "segments": records(segments)}
        self.context = {}

    def do_form(self, term: str) -> None:
        """The concordance of a form of a profile (a form or lemma, as the classification counted them)."""
        if not isinstance(term, str) or not term.strip() or term.startswith("*"):
            raise ParameterError("RK-P84", f"{term!r} is a modality of a variable, not a form: it has no concordance.",
                                 hint="Click a form of the profile.")
        hits = self.concordancer.kwic(term, of=self.of)
        self._hits = hits
        titles = self.corpus.documents.set_index("doc_id")["title"]
        rows = records(hits.head(200), ["doc_id", "turn", "speaker", "left", "match", "right"])
        for i, row in enumerate(rows):
            row["i"] = i
            row["title"] = str(titles.get(row["doc_id"], row["doc_id"]))
        self.concordance = {"term": term, "total": int(len(hits)), "rows": rows}

    def do_open_segment(self, rank: int) -> None:
        hit = self._segments[self._segments["rank"] == int(rank)]
        if hit.empty:
            raise ParameterError("RK-P81", f"there is no segment {rank!r} in this class.")
        self._context(str(hit["doc_id"].iloc[0]), int(hit["turn"].iloc[0]), None)

    def do_open_hit(self, index: int) -> None:
        try:
            hit = self._hits.iloc[int(index)]
        except (IndexError, ValueError, TypeError):
            raise ParameterError("RK-P81", f"there is no hit {index!r}.") from None
        self._context(str(hit["doc_id"]), int(hit["turn"]), (int(hit["start_char"]), int(hit["end_char"])))

    def _context(self, doc_id: str, turn: int, span: tuple[int, int] | None) -> None:
        rows = records(turn_context(self.corpus, doc_id, turn))
        for row in rows:
            row["match"] = ([span[0] - row["start_char"], span[1] - row["start_char"]]
                            if span is not None and row["is_target"] else None)
        title = self.corpus.documents.set_index("doc_id")["title"].get(doc_id, doc_id)
        self.context = {"doc_id": doc_id, "title": str(title), "turn": turn, "rows": rows}

    @property
    def segments(self) -> pd.DataFrame:
        """The characteristic segments of the class shown."""
        return self._segments
