"""The result of a Reinert classification: the :class:`Reinert` frames, :func:`reinert`, and its summary.

:func:`reinert` runs the steps of the other modules of the package in order (segments,
forms, the hierarchy or the double classification, profiles) and assembles the frames
of a :class:`Reinert`; :func:`classification_summary` turns one into the two tables a
brief shows.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError, SchemaError, check_int, check_option
from ..tokens import OF, Of, check_tokens, doc_codes, in_order, with_context
from .bipartition import Node, class_labels, descending_classification
from .double import double_classification
from .matrix import ACTIVE_POS, prepare
from .profiles import class_profiles
from .segments import check_sizes

if TYPE_CHECKING:  # pragma: no cover
    from ..corpus import Corpus

__all__ = ["Reinert", "reinert", "classification_summary"]

_NEEDED = ["doc_id", "turn", "token", "text", "lemma", "pos", "is_stop", "is_punct", "is_space",
           "start_char", "end_char"]


@dataclass(frozen=True, eq=False)
class Reinert:
    """A Reinert classification: what :func:`reinert` returns.

    Attributes
    ----------
    segments
        One row per text segment, in corpus order:

        - ``segment``: its number, from 0;
        - ``doc_id``, ``turn`` (the turn of its first word), ``start_char``,
          ``end_char`` (offsets into the document text, see ``docs/frames.md``);
        - ``n_words``: words (tokens other than punctuation and white space);
        - ``n_active``: distinct active forms;
        - ``cls``: its class, 1 to the number of classes; 0 when unclassified (no
          active form, no form left when its class was split, or, in a double
          classification, in no kept crossed class);
        - ``score``: the sum of the positive chi-squares, in its class, of the active
          forms it holds (0 when unclassified): the characteristic segments of a
          class have the highest;
        - ``text``: the segment's tokens, one space wherever the text had white space;
        - with ``double=True``, ``cls_1`` and ``cls_2``: its classes in the two
          classifications that were crossed.
    profiles
        One row per class and term: ``cls``; ``term`` (a form, or ``*variable_value``
        for a modality of a document variable); ``kind`` (``active``,
        ``supplementary`` or ``variable``); ``count`` (segments of the class that
        contain it); ``total`` (classified segments that contain it); ``percent``
        (``100 * count / total``); ``chi2`` (signed: negative when the class uses it
        less than the others); ``p``. Sorted by class, kind, then ``chi2`` descending.
    tree
        One row per node of the dendrogram: ``node`` (0 is the root); ``parent``,
        ``left``, ``right`` (node numbers, NA where there is none); ``step`` (the order
        of the split, from 1; NA for a terminal class); ``n_segments`` (classified
        segments under the node); ``chi2`` (of the split; NaN for a terminal class);
        ``height`` (the sum of the chi-squares of this split and every later one, as
        rainette draws it); ``cls`` (the class of a terminal node, 0 otherwise).
    crossed
        For a double classification, one row per crossed class: ``cls_1``, ``cls_2``,
        ``n_segments``, ``chi2``, ``kept``, ``cls`` (its final class, 0 when not
        kept); ``None`` for a simple one.
    parameters
        The parameters used, with ``n_classes`` and ``min_class_size`` as resolved.
    """

    segments: pd.DataFrame
    profiles: pd.DataFrame
    tree: pd.DataFrame
    crossed: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def n_classes(self) -> int:
        """Number of classes (0 when nothing could be classified)."""
        return int(self.segments["cls"].max()) if len(self.segments) else 0

    def __repr__(self) -> str:
        n = len(self.segments)
        classified = int((self.segments["cls"] > 0).sum())
        share = f"{100 * classified / n:.1f} %" if n else "-"
        kind = "double" if self.crossed is not None else "simple"
        return (f"<Reinert ({kind}): {self.n_classes} classes, {n} segments, {classified} classified ({share})>")


def _check_number(value: object, name: str, *, minimum: float, function: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= minimum:
        raise ParameterError("RK-P71", f"the {name!r} parameter of {function}() must be a number >= {minimum}; "
                                       f"got {value!r} instead.")
    return float(value)


def reinert(
    tokens: pd.DataFrame,
    *,
    k: int = 10,
    segment_size: int = 40,
    window: int | None = None,
    min_frequency: int = 3,
    double: bool = False,
    corpus: Corpus | None = None,
    variables: Sequence[str] | None = None,
    of: Of = "lemma",
    active_pos: Sequence[str] = ACTIVE_POS,
    min_class_size: int | None = None,
    min_split_frequency: int = 3,
    cc_test: float = 0.3,
    uc_sizes: tuple[int, int] = (10, 15),
    min_chi2: float = 3.84,
) -> Reinert:
    """Classify the text segments of a corpus by Reinert's method (descending hierarchical classification).

    The steps and the choices made where IRaMuTeQ and rainette differ are described
    in the documentation of :mod:`research_kit.chd` and in ``docs/reinert.md``.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) from ``annotate(corpus)``.
    k
        Maximum number of terminal classes (IRaMuTeQ's "classes terminales de la
        phase 1", 10 by default there too).
    segment_size, window
        Text segments of about ``segment_size`` words, whose end may move up to
        ``window`` words further to fall on a strong punctuation mark (see
        :func:`~research_kit.chd.segments.text_segments`).
    min_frequency
        A form is active, or supplementary, when it occurs at least this many times.
    double
        Make the double classification: two classifications on context units of
        ``uc_sizes`` active forms, crossed.
    corpus
        The corpus the tokens come from; its document variables are then profiled
        (``*site_Montréal``…) and ``variables`` may name turn columns such as ``role``.
    variables
        Variables to profile: document variables or turn columns (a segment has the
        modality of any of its tokens). ``None``: every document variable of ``corpus``
        (none without a corpus); ``[]``: none.
    of
        Forms as ``"lemma"`` (default), ``"lower"`` or ``"text"``.
    active_pos
        Parts of speech whose forms are active.
    min_class_size
        The fewest segments a terminal class may hold; ``None``: 1 % of the segments
        that have an active form, at least 5.
    min_split_frequency, cc_test
        Column pruning after each split (rainette's ``tsj`` and ``cc_test``).
    uc_sizes
        Minimum active forms of the context units of the two classifications of a
        double classification.
    min_chi2
        Lowest association chi-square of a kept crossed class (double classification).

    Returns
    -------
    Reinert
        ``.segments``, ``.profiles``, ``.tree`` (and ``.crossed`` when ``double``):
        see :class:`Reinert` for their columns.

    Raises
    ------
    ParameterError
        ``RK-P70`` when no segment holds an active form; ``RK-P20``/``RK-P21`` for a
        variable it cannot find; ``RK-P01``, ``RK-P23``, ``RK-P71`` for parameters it
        cannot use.
    SchemaError
        ``RK-S01``/``RK-S02`` when ``tokens`` is not a tokens frame.

    References
    ----------
    Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
    application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
    données*, 8(2), 187-198.

    Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
    une application. *Bulletin de méthodologie sociologique*, 26, 24-54.

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                      # doctest: +SKIP
    >>> result = reinert(annotate(corpus), corpus=corpus, k=8)    # doctest: +SKIP
    >>> result.profiles.query("kind == 'active' and chi2 > 10")   # doctest: +SKIP
    """
    fn = "reinert"
    k = check_int(k, "k", function=fn, minimum=2)
    size, window = check_sizes(segment_size, window, fn)
    min_frequency = check_int(min_frequency, "min_frequency", function=fn, minimum=1)
    check_option("double", double, (True, False), function=fn)
    check_option("of", of, OF, function=fn)
    min_split_frequency = check_int(min_split_frequency, "min_split_frequency", function=fn, minimum=1)
    cc_test = _check_number(cc_test, "cc_test", minimum=0, function=fn)
    min_chi2 = _check_number(min_chi2, "min_chi2", minimum=0, function=fn)
    if min_class_size is not None:
        min_class_size = check_int(min_class_size, "min_class_size", function=fn, minimum=1)
    if isinstance(active_pos, str) or not all(isinstance(p, str) for p in active_pos) or not len(active_pos):
        raise ParameterError("RK-P71", f"the 'active_pos' parameter of {fn}() must be a list of parts of speech "
                                       f"such as ('NOUN', 'VERB'); got {active_pos!r} instead.")
    if double:
        if (not isinstance(uc_sizes, (tuple, list)) or len(uc_sizes) != 2
                or not all(isinstance(u, numbers.Integral) and not isinstance(u, bool) and u >= 1 for u in uc_sizes)):
            raise ParameterError("RK-P71", f"the 'uc_sizes' parameter of {fn}() must be two whole numbers >= 1, "
                                           f"such as (10, 15); got {uc_sizes!r} instead.")
    check_tokens(tokens, _NEEDED, function=fn)
    if variables is None:
        variables = list(corpus.variables) if corpus is not None else []
    elif isinstance(variables, str):
        variables = [variables]
    else:
        variables = list(variables)
    frame = with_context(in_order(tokens), variables, corpus, function=fn, parameter="variables")

    prep = prepare(frame, size, window, of, active_pos, min_frequency)
    segments, x = prep.segments, prep.x
    active_terms, supp_terms = prep.active_terms, prep.supp_terms
    n_seg = len(segments)
    n_active = np.diff(x.indptr).astype(np.int64)
    segments["n_active"] = n_active
    if not (n_active > 0).any():
        raise ParameterError("RK-P70", f"{fn}() found no text segment with an active form: {n_seg} segments, "
                                       f"no form of {', '.join(active_pos)} occurring {min_frequency} times or more.",
                             hint="Check that the tokens come from annotate() with parts of speech, lower "
                             "min_frequency, or widen active_pos.")
    n_with = int((n_active > 0).sum())
    if min_class_size is None:
        min_class_size = max(5, int(math.ceil(0.01 * n_with)))
    chd_args = dict(k=k, min_class_size=min_class_size, min_split_frequency=min_split_frequency, cc_test=cc_test)

    crossed = None
    if not double:
        nodes = descending_classification(x, **chd_args)
        labels, leaf_class = class_labels(nodes, n_seg)
    else:
        both = double_classification(x, doc_codes(segments), n_active, uc_sizes=uc_sizes, min_chi2=min_chi2,
                                     **chd_args)
        segments["cls_1"] = both.cls_1
        segments["cls_2"] = both.cls_2
        labels, leaf_class, nodes, crossed = both.labels, both.leaf_class, both.nodes, both.crossed
    n_classes = int(labels.max(initial=0))
    segments["cls"] = labels

    # 7. profiles over the classified segments
    profiles, score = class_profiles(prep, frame, variables, labels)
    segments["score"] = score
    columns = ["segment", "doc_id", "turn", "start_char", "end_char", "n_words", "n_active", "cls", "score", "text"]
    if double:
        columns[8:8] = ["cls_1", "cls_2"]
    segments = segments[columns]

    tree = _tree_frame(nodes, leaf_class, labels)
    parameters = {"k": k, "segment_size": size, "window": window, "min_frequency": min_frequency, "double": double,
                  "of": of, "active_pos": tuple(active_pos), "min_class_size": min_class_size,
                  "min_split_frequency": min_split_frequency, "cc_test": cc_test, "variables": list(variables),
                  "n_classes": n_classes, "n_active_forms": len(active_terms),
                  "n_supplementary_forms": len(supp_terms)}
    if double:
        parameters.update(uc_sizes=tuple(int(u) for u in uc_sizes), min_chi2=min_chi2)
    return Reinert(segments, profiles, tree, crossed, parameters)


def _tree_frame(nodes: list[Node], leaf_class: dict[int, int], labels: np.ndarray) -> pd.DataFrame:
    if not nodes:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
            ("node", "int64"), ("parent", "Int64"), ("left", "Int64"), ("right", "Int64"), ("step", "Int64"),
            ("n_segments", "int64"), ("chi2", "float64"), ("height", "float64"), ("cls", "int64"))})
    sizes = np.bincount(labels, minlength=max(leaf_class.values(), default=0) + 1)
    n = len(nodes)
    count = np.zeros(n, dtype=np.int64)
    for leaf, c in leaf_class.items():
        count[leaf] = sizes[c]
    # internal nodes: sum of their leaves (children come after their parent)
    for i in range(n - 1, -1, -1):
        if nodes[i].left >= 0:
            count[i] = count[nodes[i].left] + count[nodes[i].right]
    internal = [i for i in range(n) if nodes[i].left >= 0]
    ranked = sorted(internal, key=lambda i: nodes[i].step)
    step_of = {i: s for s, i in enumerate(ranked, start=1)}
    chis = [nodes[i].chi2 for i in ranked]
    height = np.zeros(n)
    for s, i in enumerate(ranked):
        height[i] = float(np.sum(chis[s:]))
    na = pd.NA
    return pd.DataFrame({
        "node": np.arange(n, dtype=np.int64),
        "parent": pd.array([nd.parent if nd.parent >= 0 else na for nd in nodes], dtype="Int64"),
        "left": pd.array([nd.left if nd.left >= 0 else na for nd in nodes], dtype="Int64"),
        "right": pd.array([nd.right if nd.right >= 0 else na for nd in nodes], dtype="Int64"),
        "step": pd.array([step_of.get(i, na) for i in range(n)], dtype="Int64"),
        "n_segments": count,
        "chi2": np.array([nodes[i].chi2 if i in step_of else math.nan for i in range(n)], dtype=float),
        "height": height,
        "cls": np.array([leaf_class.get(i, 0) for i in range(n)], dtype=np.int64),
    })


# ---------------------------------------------------------------------------
# summary for briefs


def _check_result(result: object, function: str) -> Reinert:
    if not isinstance(result, Reinert):
        raise SchemaError("RK-S02", f"{function}() takes what reinert() returns; got {type(result).__name__}.",
                          hint="result = rk.reinert(tokens, corpus=corpus)")
    return result


def classification_summary(result: Reinert, *, lang: Literal["fr", "en"], n_words: int = 10,
                           n_segments: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classes of a Reinert classification in two tables a brief can show.

    Parameters
    ----------
    result
        What :func:`reinert` returned.
    lang
        ``"fr"`` or ``"en"``: the language of the class labels ("Classe 1" / "Class 1").
    n_words
        Characteristic active forms listed per class: positive chi-square with
        p < 0.05, highest first.
    n_segments
        Characteristic segments (quotes) per class: highest ``score`` first.

    Returns
    -------
    tuple of two pandas.DataFrame
        ``classes``: one row per class, ``cls``, ``label``, ``n_segments``,
        ``percent`` (of the classified segments, as IRaMuTeQ shows it), ``words``
        (the forms joined by ", "), ``variables`` (the modalities of variables with a
        positive chi-square, p < 0.05, at most three, joined by ", ").
        ``quotes``: ``cls``, ``label``, ``rank`` (1 for the most characteristic),
        ``doc_id``, ``turn``, ``start_char``, ``end_char``, ``score``, ``text``.

    Examples
    --------
    >>> classes, quotes = classification_summary(result, lang="fr")   # doctest: +SKIP
    """
    fn = "classification_summary"
    result = _check_result(result, fn)
    check_option("lang", lang, ("fr", "en"), function=fn)
    n_words = check_int(n_words, "n_words", function=fn, minimum=1)
    n_segments = check_int(n_segments, "n_segments", function=fn, minimum=0)
    word = "Classe" if lang == "fr" else "Class"
    segs = result.segments
    classified = segs[segs["cls"] > 0]
    total = len(classified)
    rows = []
    prof = result.profiles
    significant = prof[(prof["chi2"] > 0) & (prof["p"] < 0.05)]
    for c in range(1, result.n_classes + 1):
        mine = significant[significant["cls"] == c]
        words = mine[mine["kind"] == "active"].head(n_words)["term"].tolist()
        mods = mine[mine["kind"] == "variable"].head(3)["term"].tolist()
        n = int((classified["cls"] == c).sum())
        rows.append({"cls": c, "label": f"{word} {c}", "n_segments": n,
                     "percent": round(100.0 * n / total, 1) if total else 0.0,
                     "words": ", ".join(words), "variables": ", ".join(m.lstrip("*") for m in mods)})
    classes = pd.DataFrame(rows, columns=["cls", "label", "n_segments", "percent", "words", "variables"])
    classes = classes.astype({"cls": "int64", "n_segments": "int64", "percent": "float64", "label": "string",
                              "words": "string", "variables": "string"})
    quotes = (classified.sort_values(["cls", "score", "segment"], ascending=[True, False, True], kind="stable")
              .groupby("cls", sort=True).head(n_segments).copy())
    quotes["rank"] = quotes.groupby("cls").cumcount().astype("int64") + 1
    quotes["label"] = pd.array([f"{word} {c}" for c in quotes["cls"]], dtype="string")
    quotes = quotes[["cls", "label", "rank", "doc_id", "turn", "start_char", "end_char", "score", "text"]]
    return classes, quotes.reset_index(drop=True)
