"""Reinert's descending hierarchical classification (CHD) of text segments.

:func:`reinert` cuts the documents into text segments, describes each segment by the
lemmas it contains (present or absent, not how often), and splits the segments into
classes that use distinct vocabularies: the *lexical worlds* of Max Reinert's method,
known from Alceste, IRaMuTeQ (Pierre Ratinaud) and the R package rainette (Julien
Barnier). Each step below says which of IRaMuTeQ's and rainette's choices it follows
where they differ; ``docs/reinert.md`` tells the same story for researchers.

1. Text segments (:func:`text_segments`)
    Words are the tokens that are neither punctuation nor white space. Each word gets
    the weight of the strongest punctuation that follows it (:data:`BREAK_WEIGHTS`:
    ``. ? ! …`` 6, ``:`` 5, ``;`` 4, ``,`` 1, nothing 0.01); the last word of a speaker
    turn weighs 6 like a full stop. From the start of a segment, the candidate ends are
    the next ``segment_size + window`` words, each scored ``weight / (|position -
    segment_size| + 1)``; the segment ends after the best-scoring word (the first one on
    a tie) and the next one starts there. A document of ``segment_size`` words or less
    is one segment, and the last ``segment_size + window`` words of a document or less
    form its last segment. This is the rule rainette's ``split_segments()`` documents
    (``window`` defaults to ``0.4 * segment_size``, 16 words for 40), with two
    differences: punctuation is read from the tokens (rainette reads the last character
    of each space-separated word) and a turn's end counts as a full stop. IRaMuTeQ also
    aims at about 40 forms and prefers a cut at the strongest punctuation near that
    size. Segments never cross documents.

2. Active and supplementary forms
    *Active* forms classify: the lemmas (``of=``) of words whose part of speech is in
    ``active_pos`` (nouns, verbs, adjectives, adverbs and ``X``, the unknown words of
    IRaMuTeQ's "nr"), that are not stop words or oral fillers (``is_stop``), contain a
    letter and do not start with an apostrophe (English clitics such as ``'s``), and
    occur at least ``min_frequency`` times as such. Every other word (pronouns,
    determiners, auxiliaries, proper nouns, fillers…) seen ``min_frequency`` times is
    a *supplementary* form: like document variables (IRaMuTeQ's ``*var_mod``) it is
    projected on the classes but never used to make them. Proper nouns are
    supplementary because transcripts name the people present.

3. One split (Reinert 1983, 1990)
    The segment × form matrix is binary (scipy sparse). A correspondence analysis of the
    matrix gives the segments' coordinates on its first factor (a truncated SVD of the
    standardised residuals, which never builds the dense matrix); the segments are
    sorted on it and every cut of that order is scored by the chi-square of the
    2 × forms table of the two groups' column sums. The scores of all cuts come from one
    pass over the non-zero cells (see :func:`~research_kit.chd.bipartition.cut_chi2`),
    not from one table per cut. From the best cut, segments change group while that
    raises the chi-square: rainette moves at each round the one segment whose move
    raises it most; here the segments whose move would raise it are tried in decreasing
    order of gain, each move recomputed exactly against the current groups and kept only
    if it still raises the chi-square, and rounds repeat until no single move raises it.
    Both stop at the same kind of local optimum (no move raises the chi-square); ours
    needs far fewer passes over the matrix. Segments that have no form left in the
    matrix of the class being split cannot be placed and stay unclassified (as in
    rainette).

4. Pruning the children's columns
    As rainette: a form is kept in a child only if it occurs in at least
    ``min_split_frequency`` of its segments (rainette's ``tsj``, 3), and when its
    contingency coefficient between the two children exceeds ``cc_test`` (0.3) only
    in the child where it is over-represented. IRaMuTeQ, as far as its source shows,
    removes only the columns that became empty; ``min_split_frequency=1, cc_test=1``
    gives that behaviour.

5. The hierarchy
    The largest class (most segments) is split next, as in both tools, until there
    are ``k`` terminal classes. Terminal classes keep at least ``min_class_size``
    segments: only the cuts that leave that many on each side are scored, no
    reassignment makes a group smaller, and a class with fewer than
    ``2 * min_class_size`` segments (or fewer than 3 forms) is not split, the next
    largest being tried instead. (rainette only refuses to split groups under
    ``min_split_members``, and stops at the first group it cannot split; IRaMuTeQ
    does not keep terminal classes under its minimum size, whose segments stay
    unclassified.) Classes are numbered 1, 2, … in the left-to-right order of the
    dendrogram; 0 means unclassified.

6. Double classification (``double=True``)
    As IRaMuTeQ's "double sur RST" and rainette's ``rainette2()``: two classifications
    are made on context units that merge consecutive segments of a document until
    they hold at least ``uc_sizes[0]`` and ``uc_sizes[1]`` active forms (a short last
    unit joins the one before). Each terminal class of the first is crossed with each
    of the second; a crossed class is the segments both put together, scored by the
    chi-square of the 2 × 2 table of the two memberships. Crossed classes are kept
    when the two classes are each other's most associated ("classical" analysis,
    rainette's ``full = FALSE``, close to Reinert's), with a positive chi-square of at
    least ``min_chi2`` and at least ``min_class_size`` segments; every other segment is
    unclassified. rainette crosses the groups of every level of both trees and
    searches for the best partition for each number of classes; crossing terminal
    classes only, the kept crossed classes never overlap and each is a leaf of the
    first tree, so the dendrogram (the first tree, pruned to those leaves) keeps its
    meaning. Reinert's reassignment of unclassified segments to the crossed classes is
    not done (rainette does not do it either).

7. Class profiles and characteristic segments
    For each class, every active and supplementary form and every modality of the
    document variables gets the 2 × 2 table "segment in the class or not" × "contains
    it or not" over the classified segments, and its signed chi-square (negative when
    under-represented; no continuity correction, as in IRaMuTeQ's profiles; rainette's
    ``rainette_stats`` goes through quanteda, which applies Yates' correction) with its
    p-value. A segment's ``score`` is the sum of the positive chi-squares, in its
    class, of the active forms it contains (IRaMuTeQ's "segments de texte
    caractéristiques"): the highest are the quotes a brief shows.

References
----------
Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
données*, 8(2), 187-198.

Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
une application : Aurélia de Gérard de Nerval. *Bulletin de méthodologie
sociologique*, 26, 24-54.

Ratinaud, P. (2009-2024). IRaMuTeQ : Interface de R pour les analyses
multidimensionnelles de textes et de questionnaires. http://www.iramuteq.org

Barnier, J. (2023). rainette: The Reinert Method for Textual Data Clustering.
R package, https://juba.github.io/rainette/

The package has one module per part: :mod:`~research_kit.chd.segments` (step 1),
:mod:`~research_kit.chd.matrix` (step 2), :mod:`~research_kit.chd.bipartition` (steps 3 to
5), :mod:`~research_kit.chd.double` (step 6), :mod:`~research_kit.chd.profiles` (step 7)
and :mod:`~research_kit.chd.result` (the :class:`Reinert` result, :func:`reinert`, which
runs the steps, and :func:`classification_summary`).

Error codes: ``RK-P01`` (an option outside its allowed values), ``RK-P20``/``RK-P21``
(a variable that is not a tokens column and cannot be found in the corpus), ``RK-P23``
(a whole number out of range), ``RK-P70`` (nothing to classify), ``RK-P71`` (a bad
``active_pos``/``uc_sizes``/``cc_test``/``min_chi2``), ``RK-S01``/``RK-S02`` (not a tokens
frame or not a classification).
"""

from __future__ import annotations

from .matrix import ACTIVE_POS
from .profiles import KINDS as KINDS
from .result import Reinert, classification_summary, reinert
from .segments import BREAK_WEIGHTS, text_segments

__all__ = ["reinert", "Reinert", "text_segments", "classification_summary", "BREAK_WEIGHTS", "ACTIVE_POS"]
