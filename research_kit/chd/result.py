"""The result of a Reinert classification: the :class:`Reinert` frames, :func:`reinert`, and its summary.

:func:`reinert` runs the steps of the other modules of the package in order (segments,
forms, the hierarchy or the double classification, profiles) and assembles the frames
of a :class:`Reinert`; :func:`classification_summary` turns one into the two tables a
brief shows.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError, SchemaError, check_int, check_option
from ..tokens import OF, Of, check_tokens, doc_codes, in_order, with_context
from .classify import Variant, check_number, reinert_matrix, resolve_options, tree_frame
from .double import context_units, double_classification
from .matrix import ACTIVE_POS, prepare
from .profiles import class_profiles
from .segments import check_sizes

if TYPE_CHECKING:  # pragma: no cover
    from ..corpus import Corpus

__all__ = ["Reinert", "reinert", "classification_summary", "class_details", "class_label"]

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
          active form, no form left when its class was split, in a class dropped for
          its size (IRaMuTeQ's variant), or, in a double classification, in no kept
          crossed class). IRaMuTeQ's variant numbers the classes as IRaMuTeQ does,
          rainette's left to right in the dendrogram;
        - ``score``: the sum of the positive chi-squares, in its class, of the active
          forms it holds (0 when unclassified): the characteristic segments of a
          class have the highest;
        - ``text``: the segment's tokens, one space wherever the text had white space;
        - with ``double=True``, ``cls_1`` and ``cls_2``: its classes in the two
          classifications that were crossed (IRaMuTeQ's variant: the IRaMuTeQ
          number of its terminal class in each whole tree, see ``tree``).
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
        rainette draws it); ``cls`` (the class of a terminal node, 0 otherwise). Its
        leaves are the classes: the branches of dropped classes are removed and a node
        left with one child gives way to it. Nodes keep their number in the whole tree,
        and ``node + 1`` is the number IRaMuTeQ gives that class (1 the root, ``2s``
        and ``2s + 1`` the groups of split ``s``; for a double classification, of the
        first classification's tree).
    crossed
        For a double classification, one row per crossed class: ``cls_1``, ``cls_2``
        (the two classes crossed: IRaMuTeQ's variant, their IRaMuTeQ numbers at any
        level of each tree; rainette's, their terminal class numbers),
        ``n_segments``, ``chi2`` (signed), ``kept``, ``cls`` (its final class, 0 when
        not kept); ``None`` for a simple one.
    parameters
        The parameters used, with ``n_classes`` and ``min_class_size`` as resolved.
    splits
        For a simple classification, every split made, dropped classes included
        (:attr:`research_kit.chd.MatrixClassification.splits`); ``None`` for a double
        one.
    """

    segments: pd.DataFrame
    profiles: pd.DataFrame
    tree: pd.DataFrame
    crossed: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    splits: pd.DataFrame | None = None

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


def reinert(
    tokens: pd.DataFrame,
    *,
    k: int = 10,
    variant: Variant = "iramuteq",
    segment_size: int = 40,
    window: int | None = None,
    min_frequency: int = 3,
    double: bool = False,
    corpus: Corpus | None = None,
    variables: Sequence[str] | None = None,
    of: Of = "lemma",
    active_pos: Sequence[str] = ACTIVE_POS,
    min_class_size: int | None = None,
    min_split_members: int | None = None,
    tsj: int | None = None,
    cc_test: float | None = None,
    uc_sizes: tuple[int, int] = (10, 15),
    min_chi2: float = 3.84,
    drop_pseudonyms: bool = True,
) -> Reinert:
    """Classify the text segments of a corpus by Reinert's method (descending hierarchical classification).

    The steps, and whose rules each follows in each ``variant``, are described in the
    documentation of :mod:`research_kit.chd` and in ``docs/reinert.md``. Once the
    segments and their matrix are made, the classification itself is
    :func:`~research_kit.chd.reinert_matrix`.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) from ``annotate(corpus)``.
    k
        IRaMuTeQ's variant makes ``k - 1`` splits, its "classes terminales de la phase
        1" (10 by default there too); rainette's splits until ``k`` terminal classes.
    variant
        ``"iramuteq"`` (default): IRaMuTeQ's rules for the columns of each class, the
        reassignment, the minimum class size and the double classification;
        ``"rainette"``: rainette's.
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
        IRaMuTeQ's variant: the fewest segments a class may hold, applied once the tree
        is made (a smaller class is dropped and its mother may take its place);
        ``None``: IRaMuTeQ's automatic minimum, ``round(segments / k)`` (of context
        units of the first classification for ``double=True``). rainette's variant: no
        cut leaves fewer segments on a side; ``None``: 1 % of the segments that have an
        active form, at least 5.
    min_split_members, tsj, cc_test
        rainette's variant only, as in rainette: a class with fewer than
        ``min_split_members`` segments is not split (``None``: ``2 * min_class_size``,
        at least 3); a form stays in a child only if it occurs in ``tsj`` of its
        segments (``None``: 3) and, when its contingency coefficient between the two
        children exceeds ``cc_test`` (``None``: 0.3), only where it is over-represented.
    uc_sizes
        Minimum active forms of the context units of the two classifications of a
        double classification.
    min_chi2
        Crossed classes of a double classification are kept only with an association
        chi-square above it (IRaMuTeQ's variant) or at least it (rainette's).
    drop_pseudonyms
        The tokens of pseudonyms and placeholders (``is_pseudonym``: ``Habitant·e 5``,
        ``[adresse]``) are neither active nor supplementary forms, so no class gathers
        the segments that name one role; ``False`` makes them forms like any other.

    Returns
    -------
    Reinert
        ``.segments``, ``.profiles``, ``.tree``, ``.splits`` (and ``.crossed`` when
        ``double``): see :class:`Reinert` for their columns.

    Raises
    ------
    ParameterError
        ``RK-P70`` when no segment holds an active form; ``RK-P20``/``RK-P21`` for a
        variable it cannot find; ``RK-P71`` for a rainette parameter given with
        ``variant="iramuteq"``; ``RK-P01``, ``RK-P23``, ``RK-P71`` for other parameters
        it cannot use.
    SchemaError
        ``RK-S01``/``RK-S02`` when ``tokens`` is not a tokens frame.

    References
    ----------
    Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
    application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
    données*, 8(2), 187-198.

    Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
    une application. *Bulletin de méthodologie sociologique*, 26, 24-54.

    Ratinaud, P. IRaMuTeQ, ``Rscripts/CHD.R`` and ``Rscripts/chdtxt.R``.
    http://www.iramuteq.org

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                      # doctest: +SKIP
    >>> result = reinert(annotate(corpus), corpus=corpus, k=8)    # doctest: +SKIP
    >>> result.profiles.query("kind == 'active' and chi2 > 10")   # doctest: +SKIP
    """
    fn = "reinert"
    check_option("variant", variant, ("iramuteq", "rainette"), function=fn)
    k = check_int(k, "k", function=fn, minimum=2)
    size, window = check_sizes(segment_size, window, fn)
    min_frequency = check_int(min_frequency, "min_frequency", function=fn, minimum=1)
    check_option("double", double, (True, False), function=fn)
    check_option("of", of, OF, function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    min_chi2 = check_number(min_chi2, "min_chi2", minimum=0, function=fn)
    if isinstance(active_pos, str) or not all(isinstance(p, str) for p in active_pos) or not len(active_pos):
        raise ParameterError("RK-P71", f"the 'active_pos' parameter of {fn}() must be a list of parts of speech "
                                       f"such as ('NOUN', 'VERB'); got {active_pos!r} instead.")
    if double:
        if (not isinstance(uc_sizes, (tuple, list)) or len(uc_sizes) != 2
                or not all(isinstance(u, numbers.Integral) and not isinstance(u, bool) and u >= 1 for u in uc_sizes)):
            raise ParameterError("RK-P71", f"the 'uc_sizes' parameter of {fn}() must be two whole numbers >= 1, "
                                           f"such as (10, 15); got {uc_sizes!r} instead.")
    # the options are checked before the (slower) segmentation; resolved once the matrix is known
    resolve_options(function=fn, variant=variant, k=k, min_class_size=min_class_size, n_rows=0, n_with_forms=0,
                    min_split_members=min_split_members, tsj=tsj, cc_test=cc_test)
    check_tokens(tokens, _NEEDED, function=fn)
    if variables is None:
        variables = list(corpus.variables) if corpus is not None else []
    elif isinstance(variables, str):
        variables = [variables]
    else:
        variables = list(variables)
    frame = with_context(in_order(tokens), variables, corpus, function=fn, parameter="variables")

    prep = prepare(frame, size, window, of, active_pos, min_frequency, drop_pseudonyms=drop_pseudonyms)
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
    rainette_options = {"min_split_members": min_split_members, "tsj": tsj, "cc_test": cc_test}

    crossed = splits = None
    if not double:
        classified = reinert_matrix(x, k=k, variant=variant, min_class_size=min_class_size, **rainette_options)
        labels, tree, splits = classified.classes, classified.tree, classified.splits
        options = classified.parameters
    else:
        doc = doc_codes(segments)
        units = (context_units(doc, n_active, int(uc_sizes[0])), context_units(doc, n_active, int(uc_sizes[1])))
        n_units = int(units[0].max()) + 1 if n_seg else 0
        options = resolve_options(function=fn, variant=variant, k=k, min_class_size=min_class_size, n_rows=n_units,
                                  n_with_forms=n_with, **rainette_options)
        both = double_classification(x, units, n_active, options=options, min_chi2=min_chi2)
        segments["cls_1"] = both.cls_1
        segments["cls_2"] = both.cls_2
        labels, crossed = both.labels, both.crossed
        tree = tree_frame(both.nodes, both.leaf_class, labels) if both.nodes else tree_frame([], {}, labels)
    n_classes = int(labels.max(initial=0))
    segments["cls"] = labels

    # 7. profiles over the classified segments
    profiles, score = class_profiles(prep, frame, variables, labels)
    segments["score"] = score
    columns = ["segment", "doc_id", "turn", "start_char", "end_char", "n_words", "n_active", "cls", "score", "text"]
    if double:
        columns[8:8] = ["cls_1", "cls_2"]
    segments = segments[columns]

    parameters = {"k": k, "variant": variant, "segment_size": size, "window": window, "min_frequency": min_frequency,
                  "double": double, "of": of, "active_pos": tuple(active_pos), "drop_pseudonyms": drop_pseudonyms,
                  "min_class_size": options["min_class_size"], "min_split_members": options["min_split_members"],
                  "tsj": options["tsj"], "cc_test": options["cc_test"], "variables": list(variables),
                  "n_classes": n_classes, "n_active_forms": len(active_terms),
                  "n_supplementary_forms": len(supp_terms)}
    if double:
        parameters.update(uc_sizes=tuple(int(u) for u in uc_sizes), min_chi2=min_chi2)
    return Reinert(segments, profiles, tree, crossed, parameters, splits)


# ---------------------------------------------------------------------------
# summary for briefs


def _check_result(result: object, function: str) -> Reinert:
    if not isinstance(result, Reinert):
        raise SchemaError("RK-S02", f"{function}() takes what reinert() returns; got {type(result).__name__}.",
                          hint="result = rk.reinert(tokens, corpus=corpus)")
    return result


def class_label(cls: int, words: Sequence[str], lang: str) -> str:
    """A class's readable label from its first characteristic forms: "Classe 2 — loyer, immeuble, propriétaire"."""
    word = "Classe" if lang == "fr" else "Class"
    return f"{word} {cls} — {', '.join(words)}" if len(words) else f"{word} {cls}"


def classification_summary(result: Reinert, *, lang: Literal["fr", "en"], n_words: int = 10,
                           n_segments: int = 3, marginal_share: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classes of a Reinert classification in two tables a brief can show.

    Parameters
    ----------
    result
        What :func:`reinert` returned.
    lang
        ``"fr"`` or ``"en"``: the language of the class labels ("Classe 1 — …" / "Class 1 — …").
    n_words
        Characteristic active forms listed per class: positive chi-square with
        p < 0.05, highest first.
    n_segments
        Characteristic segments (quotes) per class: highest ``score`` first.
    marginal_share
        A class holding less than this share of all the segments (0.05: 5 %) is flagged
        ``marginal``: too small to be read as a theme of the corpus.

    Returns
    -------
    tuple of two pandas.DataFrame
        ``classes``: one row per class, ``cls``; ``label`` (the class and its first three
        characteristic forms, "Classe 2 — loyer, immeuble, propriétaire"; the class alone
        when it has none); ``n_segments``; ``percent`` (of the classified segments, as
        IRaMuTeQ shows it); ``share`` (percent of all the segments, the unclassified
        ones included); ``marginal`` (``share`` below ``100 * marginal_share``);
        ``words`` (the ``n_words`` forms joined by ", "); ``variables`` (the modalities
        of variables with a positive chi-square, p < 0.05, at most three, joined by ", ").
        ``quotes``: ``cls``, ``label``, ``rank`` (1 for the most characteristic),
        ``doc_id``, ``turn``, ``start_char``, ``end_char``, ``score``, ``text``.

    Examples
    --------
    >>> classes, quotes = classification_summary(result, lang="fr")   # doctest: +SKIP
    >>> classes.loc[~classes["marginal"], ["label", "percent"]]         # doctest: +SKIP
    """
    fn = "classification_summary"
    result = _check_result(result, fn)
    check_option("lang", lang, ("fr", "en"), function=fn)
    n_words = check_int(n_words, "n_words", function=fn, minimum=1)
    n_segments = check_int(n_segments, "n_segments", function=fn, minimum=0)
    marginal_share = check_number(marginal_share, "marginal_share", minimum=0, maximum=1, function=fn)
    segs = result.segments
    classified = segs[segs["cls"] > 0]
    total = len(classified)
    everything = len(segs)
    rows = []
    prof = result.profiles
    significant = prof[(prof["chi2"] > 0) & (prof["p"] < 0.05)]
    labels = {}
    for c in range(1, result.n_classes + 1):
        mine = significant[significant["cls"] == c]
        words = mine[mine["kind"] == "active"].head(n_words)["term"].tolist()
        mods = mine[mine["kind"] == "variable"].head(3)["term"].tolist()
        n = int((classified["cls"] == c).sum())
        share = 100.0 * n / everything if everything else 0.0
        labels[c] = class_label(c, words[:3], lang)
        rows.append({"cls": c, "label": labels[c], "n_segments": n,
                     "percent": round(100.0 * n / total, 1) if total else 0.0, "share": round(share, 1),
                     "marginal": share < 100.0 * marginal_share,
                     "words": ", ".join(words), "variables": ", ".join(m.lstrip("*") for m in mods)})
    columns = ["cls", "label", "n_segments", "percent", "share", "marginal", "words", "variables"]
    classes = pd.DataFrame(rows, columns=columns)
    classes = classes.astype({"cls": "int64", "n_segments": "int64", "percent": "float64", "share": "float64",
                              "marginal": "bool", "label": "string", "words": "string", "variables": "string"})
    quotes = (classified.sort_values(["cls", "score", "segment"], ascending=[True, False, True], kind="stable")
              .groupby("cls", sort=True).head(n_segments).copy())
    quotes["rank"] = quotes.groupby("cls").cumcount().astype("int64") + 1
    quotes["label"] = pd.array([labels[int(c)] for c in quotes["cls"]], dtype="string")
    quotes = quotes[["cls", "label", "rank", "doc_id", "turn", "start_char", "end_char", "score", "text"]]
    return classes, quotes.reset_index(drop=True)


def class_details(result: Reinert, cls: int, *, n_forms: int = 15,
                  n_segments: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One class seen whole: its profile, its anti-profile and its characteristic segments.

    Parameters
    ----------
    result
        What :func:`reinert` returned.
    cls
        The class, from 1 (as IRaMuTeQ numbers them).
    n_forms
        Forms in the profile and in the anti-profile.
    n_segments
        Segments, most characteristic first.

    Returns
    -------
    tuple of three pandas.DataFrame
        ``profile``: the terms (active and supplementary forms, variable modalities)
        over-represented in the class, positive chi-square with p < 0.05, highest first,
        with the profiles' columns (``term, kind, count, total, percent, chi2, p``);
        ``anti_profile``: the active forms under-represented in the class (negative
        chi-square, p < 0.05), most avoided first: what the class does *not* talk about;
        ``segments``: ``rank, doc_id, turn, score, text``.

    Raises
    ------
    ParameterError
        ``RK-P71`` when ``cls`` is not one of the result's classes.

    Examples
    --------
    >>> profile, anti, segments = class_details(result, 2)   # doctest: +SKIP
    """
    fn = "class_details"
    result = _check_result(result, fn)
    n_forms = check_int(n_forms, "n_forms", function=fn, minimum=1)
    n_segments = check_int(n_segments, "n_segments", function=fn, minimum=0)
    if isinstance(cls, bool) or not isinstance(cls, numbers.Integral) or not 1 <= int(cls) <= result.n_classes:
        raise ParameterError("RK-P71", f"class_details(): cls={cls!r} is not a class of this classification "
                             f"(1 to {result.n_classes}).", hint="Pass the number of a class, as classes['cls'] lists.")
    cls = int(cls)
    prof = result.profiles[(result.profiles["cls"] == cls) & (result.profiles["p"] < 0.05)]
    columns = ["term", "kind", "count", "total", "percent", "chi2", "p"]
    profile = prof[prof["chi2"] > 0].sort_values("chi2", ascending=False, kind="stable").head(n_forms)
    anti = prof[(prof["chi2"] < 0) & (prof["kind"] == "active")].sort_values("chi2", kind="stable").head(n_forms)
    segs = result.segments[result.segments["cls"] == cls]
    segs = segs.sort_values(["score", "segment"], ascending=[False, True], kind="stable").head(n_segments)
    segs = segs.assign(rank=np.arange(1, len(segs) + 1, dtype=np.int64))
    return (profile[columns].reset_index(drop=True), anti[columns].reset_index(drop=True),
            segs[["rank", "doc_id", "turn", "score", "text"]].reset_index(drop=True))
