"""Reinert's descending hierarchical classification (CHD) of text segments.

:func:`reinert` cuts the documents into text segments, describes each segment by the
lemmas it contains (present or absent, not how often), and splits the segments into
classes that use distinct vocabularies: the *lexical worlds* of Max Reinert's method,
known from Alceste, IRaMuTeQ (Pierre Ratinaud) and the R package rainette (Julien
Barnier). :func:`reinert_matrix` does steps 3 to 5 on a segment × form matrix it is
given, such as the one IRaMuTeQ or rainette classified. Steps 3 to 6 come in two
variants: ``variant="iramuteq"`` (the default) follows IRaMuTeQ 0.8's R scripts
(``Rscripts/CHD.R``, ``Rscripts/chdtxt.R``, and the script ``PrintRScript.py`` writes),
``variant="rainette"`` follows rainette. Each step below says which of their choices it
follows and where; ``docs/reinert.md`` tells the same story for researchers.

1. Text segments (:func:`text_segments`, both variants)
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

2. Active and supplementary forms (both variants)
    *Active* forms classify: the lemmas (``of=``) of words whose part of speech is in
    ``active_pos`` (nouns, verbs, adjectives, adverbs and ``X``, the unknown words of
    IRaMuTeQ's "nr"), that are not stop words or oral fillers (``is_stop``), contain a
    letter and do not start with an apostrophe (English clitics such as ``'s``), and
    occur at least ``min_frequency`` times as such. Every other word (pronouns,
    determiners, auxiliaries, proper nouns, fillers…) seen ``min_frequency`` times is
    a *supplementary* form: like document variables (IRaMuTeQ's ``*var_mod``) it is
    projected on the classes but never used to make them. Proper nouns are
    supplementary because transcripts name the people present. The segment × form
    matrix is binary (scipy sparse); segments without an active form are unclassified.

3. One split (Reinert 1983, 1990; CHD.R, ``CHD()``)
    A correspondence analysis of the class's matrix gives the segments' coordinates on
    its first factor (:func:`~research_kit.chd.bipartition.first_axis`: a dense SVD of
    the standardised residuals up to 250,000 cells, a truncated SVD that never builds
    the dense matrix beyond; BLAS on one thread); the segments are sorted on it and
    every cut of that order is scored by the chi-square of the 2 × forms table of the
    two groups' column sums, all cuts from one pass over the non-zero cells
    (:func:`~research_kit.chd.bipartition.cut_chi2`). From the best cut, segments change
    group while that raises the chi-square: the segments whose move would raise it are
    tried in decreasing order of gain, each move recomputed exactly against the current
    groups and kept only if it still raises the chi-square, rounds repeating until no
    single move raises it (IRaMuTeQ tries the segments in their order, rainette moves
    the best one per round; all stop where no move raises the chi-square).

    - ``iramuteq``: every cut is scored, the first of equal maxima taken, and every
      segment whose coordinate equals the cut's joins the first group (CHD.R,
      ``find.max`` and the ``coordrowori <= …`` line after it). The reassignment runs
      only while both groups hold at least 5 segments (:data:`~research_kit.chd.bipartition.REASSIGN_GUARD`;
      CHD.R line 151, ``while (malcl != 0 & N1 >= 5 & N2 >= 5)``): a cut that peels
      off fewer is kept as it is.
    - ``rainette``: only the cuts that leave ``min_class_size`` segments on each side
      are scored, and no move makes a group smaller than that.

4. The columns of the children
    - ``iramuteq`` (:func:`~research_kit.chd.bipartition.iramuteq_columns`; CHD.R lines
      273–325): after each split, every form of the class gets the 2 × 2 table
      "child" × "segment with or without it" and its chi-square (Yates' correction,
      ``(|O - E| - 0.5)²``, whenever a cell is below 10; a form absent from one child
      counts as significant, a form in every segment of a child as not); above
      ``1.9 · max(n1, n2) / min(n1, n2) + 1.9`` the form leaves the child where it is
      under-represented. A class's table is its segments with every form except those
      removed from it and from each of its mothers (lines 367–379), less the forms
      found in 3 of its segments or fewer
      (:data:`~research_kit.chd.bipartition.MIN_SPLIT_FORM_SEGMENTS`; lines 383–386; the
      first split keeps every form that occurs). Segments left without a form are
      unclassified.
    - ``rainette``: a form stays in a child only if it occurs in at least ``tsj`` (3) of
      its segments and, when its contingency coefficient between the two children
      exceeds ``cc_test`` (0.3), only in the child where it is over-represented
      (rainette's ``tsj`` and ``cc_test``).

5. The hierarchy and the minimum class size
    - ``iramuteq`` (:func:`~research_kit.chd.bipartition.iramuteq_hierarchy`,
      :mod:`~research_kit.chd.terminal`): always ``k - 1`` splits (PrintRScript.py's
      ``nbt``), each of the largest class (CHD.R: ``which.max`` over the class sizes;
      between equal sizes, the first of their numbers read as text), whatever its
      size: the cut is free, and a peel of one segment is a split like any other. The
      minimum applies once the tree is made (chdtxt.R ``find.terminales``, line 98):
      ``min_class_size``, by default ``round(segments / k)`` (PrintRScript.py line
      210: 10 % of the segments for 10 classes; R rounds half to even, as Python
      does). Terminal classes of at least that many segments are kept; a smaller one
      is dropped, and its mother becomes a class in its place when the mother holds
      at least that many segments and none of her other descendants is kept or still
      to be examined (line 131); a class whose mother is the root is simply dropped.
      Dropped segments are unclassified. Classes are numbered as IRaMuTeQ numbers them
      (``make.classes``): the kept terminal classes by their IRaMuTeQ number (the root
      is 1, split ``s`` makes ``2s`` and ``2s + 1``, the lower side of the factor
      first: ``node + 1`` in the ``tree`` frame; the sign of a factor is arbitrary, so
      IRaMuTeQ may give the two numbers of a split the other way round), then the
      mothers kept in their place, in the order the rule found them. So the share of segments classified is what the
      data give, often 70 to 90 %.
    - ``rainette``: the largest class that can be split is split next, until there
      are ``k`` terminal classes. A class with fewer than ``min_split_members``
      segments (default ``2 * min_class_size``, at least 3) or fewer than 3 forms is
      not split, the next largest being tried instead (rainette stops at the first
      group it cannot split); ``min_class_size`` (default 1 % of the segments with an
      active form, at least 5) is built into the cut, so no terminal class is smaller.
      Classes are numbered 1, 2, … left to right in the dendrogram.

    In both, 0 means unclassified, and the ``tree`` frame's leaves are the classes:
    the branch of a dropped class is removed and a node left with one child gives way
    to it (as ``ape::drop.tip``, which IRaMuTeQ draws with).

6. Double classification (``double=True``)
    Two classifications are made on context units that merge consecutive segments of
    a document until they hold at least ``uc_sizes[0]`` and ``uc_sizes[1]`` active
    forms (a short last unit joins the one before), each by its variant's steps 3 to 5
    (IRaMuTeQ's without dropping small classes: the crossing plays that part).

    - ``iramuteq`` (chdtxt.R ``Rchdtxt``, as IRaMuTeQ's "double sur RST"): every class
      of every level of the first tree (the root aside) is crossed with every class of
      every level of the second; a crossing holds the segments both put together and
      gets the signed chi-square of the 2 × 2 table of the two memberships over all
      segments (``croiseeff``, ``dochicroise``). Crossings of at least
      ``min_class_size`` segments (default ``round(units of the first classification /
      k)``) and a chi-square above ``min_chi2`` (3.84) are taken in chdtxt.R's order
      (``findbestcoord``: the second tree's class number, highest first, then the
      chi-square, highest first) and kept unless one of their two classes is inside or
      above a class already kept in its tree. Final classes are numbered in that order;
      a segment is classified when it is in both classes of a kept crossing.
    - ``rainette`` (``rainette2()``, ``full = FALSE``, close to Reinert's): the terminal
      classes are crossed; crossings are kept when the two classes are each other's
      most associated, with a positive chi-square of at least ``min_chi2`` and at least
      ``min_class_size`` segments. rainette crosses the groups of every level and
      searches the best partition for each number of classes; crossing terminal
      classes only, the kept crossings never overlap and each is a leaf of the first
      tree.

    In both, the dendrogram is the first tree cut at the kept classes; every other
    segment is unclassified (no reassignment of unclassified segments, as in
    rainette and IRaMuTeQ), and, unlike IRaMuTeQ, a segment without an active form
    stays unclassified though its unit is classified.

7. Class profiles and characteristic segments (both variants)
    For each class, every active and supplementary form and every modality of the
    document variables gets the 2 × 2 table "segment in the class or not" × "contains
    it or not" over the classified segments, and its signed chi-square (negative when
    under-represented; no continuity correction, as in IRaMuTeQ's profiles; rainette's
    ``rainette_stats`` goes through quanteda, which applies Yates' correction) with its
    p-value. A segment's ``score`` is the sum of the positive chi-squares, in its
    class, of the active forms it contains (IRaMuTeQ's "segments de texte
    caractéristiques"): the highest are the quotes a brief shows.
    :func:`classification_summary` labels each class by its first three
    characteristic forms ("Classe 2 — loyer, immeuble, propriétaire") and flags as
    ``marginal`` a class below ``marginal_share`` (5 %) of all the segments.

References
----------
Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
données*, 8(2), 187-198.

Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
une application : Aurélia de Gérard de Nerval. *Bulletin de méthodologie
sociologique*, 26, 24-54.

Ratinaud, P. (2009-2024). IRaMuTeQ : Interface de R pour les analyses
multidimensionnelles de textes et de questionnaires, version 0.8 alpha 7
(``Rscripts/CHD.R``, ``Rscripts/chdtxt.R``, ``PrintRScript.py``). http://www.iramuteq.org

Barnier, J. (2023). rainette: The Reinert Method for Textual Data Clustering.
R package, https://juba.github.io/rainette/

The package has one module per part: :mod:`~research_kit.chd.segments` (step 1),
:mod:`~research_kit.chd.matrix` (step 2), :mod:`~research_kit.chd.bipartition` (steps 3 and
4, and the trees of step 5), :mod:`~research_kit.chd.terminal` (IRaMuTeQ's minimum class
size and numbering, step 5), :mod:`~research_kit.chd.classify` (:func:`reinert_matrix`,
the :class:`MatrixClassification` result and the ``tree`` frame), :mod:`~research_kit.chd.double`
(step 6), :mod:`~research_kit.chd.profiles` (step 7) and :mod:`~research_kit.chd.result`
(the :class:`Reinert` result, :func:`reinert`, which runs the steps, and
:func:`classification_summary`).

Error codes: ``RK-P01`` (an option outside its allowed values), ``RK-P20``/``RK-P21``
(a variable that is not a tokens column and cannot be found in the corpus), ``RK-P23``
(a whole number out of range), ``RK-P70`` (nothing to classify), ``RK-P71`` (a bad
``active_pos``/``uc_sizes``/``cc_test``/``min_chi2``/``marginal_share``, a matrix that
is not a sparse matrix of presences or counts, or one of rainette's parameters given
with ``variant="iramuteq"``), ``RK-S01``/``RK-S02`` (not a tokens frame or not a
classification).
"""

from __future__ import annotations

from .classify import VARIANTS, MatrixClassification, reinert_matrix
from .matrix import ACTIVE_POS
from .profiles import KINDS as KINDS
from .result import Reinert, class_details, classification_summary, reinert
from .segments import BREAK_WEIGHTS, text_segments

__all__ = ["reinert", "Reinert", "reinert_matrix", "MatrixClassification", "text_segments", "classification_summary",
           "class_details",
           "BREAK_WEIGHTS", "ACTIVE_POS", "VARIANTS"]
