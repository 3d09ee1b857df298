"""Keyword in context: every occurrence of a word or phrase, with what surrounds it.

:func:`kwic` finds a query in a tokens frame and cuts its context from the document
text by character offsets, so the lines read exactly as the transcript does
(apostrophes, accents, spacing), and a line never runs into the next speaker's turn.
The placeholders of pseudonymisation (``[adresse]``) stay in the context as they are in
the text; a pseudonym is never itself a match (``Personne 4`` is no occurrence of
*personne*).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .errors import ParameterError, check_int, check_option
from .tokens import (
    OF, Of, bool_column, check_documents, check_tokens, doc_codes, in_order, pseudonym_mask, run_starts, terms,
    with_context, with_pseudonyms,
)

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["kwic", "Concordancer", "sort_kwic", "split_query"]

#: French words that keep their apostrophe inside one token.
_WHOLE = frozenset({"aujourd'hui", "quelqu'un", "quelqu'une", "presqu'île", "presqu'îles", "prud'homme",
                    "prud'hommes", "prud'homal", "entr'acte"})
#: English clitics split *before* the apostrophe ("it's" -> "it" + "'s").
_CLITICS = frozenset({"s", "re", "ve", "ll", "d", "m"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})


def kwic(
    tokens: pd.DataFrame,
    query: str,
    *,
    corpus: Corpus,
    of: Of = "text",
    window: int = 8,
    case_sensitive: bool = False,
    regex: bool = False,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Every occurrence of ``query`` with its left and right context.

    A query is a word or a phrase, matched as consecutive tokens (white-space
    tokens skipped) within one turn. The phrase is cut into tokens the way
    spaCy cuts French: at white space, and after the apostrophe of an elided
    word, so ``"qu'on dise"`` is ``qu'`` + ``on`` + ``dise`` and ``"l'équipe"``
    is ``l'`` + ``équipe`` (``aujourd'hui`` and ``quelqu'un`` stay whole).
    English clitics are cut before the apostrophe, as spaCy's English
    tokenizer does (``"it's"`` -> ``it`` + ``'s``, ``"don't"`` -> ``do`` +
    ``n't``). Typographic apostrophes (’) and straight ones (') are the same
    character for matching. Punctuation is matched only as a separate word
    (``"vraiment ?"``).

    With ``regex=True`` the query is a regular expression that a single token
    must match in full (``"particip.*"`` finds participer, participation…; use
    ``".*particip.*"`` for any token containing it).

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) annotated from ``corpus``.
    query
        Word, phrase, or (with ``regex=True``) a regular expression.
    corpus
        The corpus the tokens come from: it supplies the document text the
        context is cut from, and each turn's speaker and role.
    of
        Match the query against the tokens as written (``"text"``, default),
        lower-cased (``"lower"``), or their lemmas (``"lemma"``: write the
        query in lemma form, ``"falloir"`` finds faut, faudrait, fallait).
    window
        Number of tokens (punctuation included) shown on each side, cut
        short at the edges of the turn; 0 for none.
    case_sensitive
        Tell ``Projet`` from ``projet`` (off by default).
    regex
        Treat ``query`` as a regular expression over single tokens.
    drop_pseudonyms
        Leave out the matches that take in a token of a pseudonym or placeholder
        (``is_pseudonym``: ``Médiateur·rice 2``, ``[adresse]``); ``False`` keeps them.
        Contexts always show the text as it is, placeholders included, and are widened
        rather than cut inside one (``[adresse]``, never ``adresse]``).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, sorted by ``doc_id`` then ``start_char``:

        - ``doc_id``, ``turn``, ``speaker``, ``role``;
        - ``left``: up to ``window`` tokens before the match, as written in the
          document, without the white space at either end;
        - ``match``: the matched text as written;
        - ``right``: up to ``window`` tokens after the match, likewise;
        - ``start_char``, ``end_char``: the match's offsets in the document text
          (``corpus.text(doc_id)[start_char:end_char] == match``).

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``of``; ``RK-P23`` for a negative ``window``;
        ``RK-P27`` when the tokens come from documents the corpus lacks;
        ``RK-P28`` for an empty query; ``RK-P29`` for an invalid regular expression.

    Examples
    --------
    >>> from research_kit.kwic import kwic
    >>> kwic(tokens, "il faudrait", corpus=corpus)[["left", "match", "right"]]   # doctest: +SKIP
                left        match                  right
    0   Bon, ben     il faudrait  qu'on se reparle.
    """
    fn = "kwic"
    _check_query_options(of, window, case_sensitive, regex, drop_pseudonyms, query, function=fn)
    if not hasattr(corpus, "turns") or not hasattr(corpus, "text"):
        raise ParameterError("RK-P24", f"the 'corpus' parameter of kwic() must be a Corpus; "
                                       f"got {type(corpus).__name__} instead.")
    return Concordancer(tokens, corpus=corpus).kwic(query, of=of, window=window, case_sensitive=case_sensitive,
                                                    regex=regex, drop_pseudonyms=drop_pseudonyms)


def _check_query_options(of: object, window: object, case_sensitive: object, regex: object,
                         drop_pseudonyms: object, query: object, *, function: str) -> int:
    check_option("of", of, OF, function=function)
    check_option("case_sensitive", case_sensitive, (True, False), function=function)
    check_option("regex", regex, (True, False), function=function)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=function)
    window = check_int(window, "window", function=function, minimum=0)
    if not isinstance(query, str) or not query.strip():
        raise ParameterError("RK-P28", f"the query of {function}() must be a non-empty string; got {query!r} instead.",
                             hint='For example kwic(tokens, "il faudrait", corpus=corpus).')
    return window


class Concordancer:
    """A tokens frame prepared once for many concordance queries.

    :func:`kwic` prepares the tokens on every call: it orders them, leaves out the white
    space and numbers the distinct forms. A search box asks query after query of the same
    tokens; a ``Concordancer`` does that work once (and numbers the forms or lemmas once
    per kind of query), so that each query only compares the distinct forms with the
    query and gathers the hits. Its :meth:`kwic` returns exactly what :func:`kwic` does.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) annotated from ``corpus``.
    corpus
        The corpus the tokens come from.

    Raises
    ------
    ParameterError
        ``RK-P24`` when ``corpus`` is not a Corpus; the tokens' checks of :func:`kwic`.

    Examples
    --------
    >>> concordancer = Concordancer(tokens, corpus=corpus)          # doctest: +SKIP
    >>> concordancer.kwic("il faudrait")                             # doctest: +SKIP
    >>> concordancer.kwic("falloir", of="lemma")                     # doctest: +SKIP
    """

    def __init__(self, tokens: pd.DataFrame, *, corpus: Corpus) -> None:
        if not hasattr(corpus, "turns") or not hasattr(corpus, "text"):
            raise ParameterError("RK-P24", f"the 'corpus' parameter of Concordancer() must be a Corpus; "
                                           f"got {type(corpus).__name__} instead.")
        needed = ["doc_id", "turn", "token", "text", "lemma", "is_space", "start_char", "end_char"]
        check_tokens(tokens, needed, function="kwic")
        frame = in_order(tokens[with_pseudonyms(needed, tokens)])
        self.corpus = corpus
        self.frame = frame[~bool_column(frame, "is_space")]
        # a run of tokens sharing document and turn; matches and contexts stay inside one
        self._new = run_starts(doc_codes(self.frame), self.frame["turn"].to_numpy())
        self._run = np.cumsum(self._new)
        self._run_start = np.flatnonzero(self._new)
        self._run_end = np.append(self._run_start[1:], len(self.frame)) - 1
        self._pseudo = pseudonym_mask(self.frame)
        self._starts = self.frame["start_char"].to_numpy(dtype=np.int64)
        self._ends = self.frame["end_char"].to_numpy(dtype=np.int64)
        self._doc_ids = self.frame["doc_id"].astype(object).to_numpy()
        self._forms: dict[tuple[str, bool], tuple[np.ndarray, pd.Series]] = {}
        self._known = set(corpus.documents["doc_id"].astype(object))

    def __len__(self) -> int:
        return len(self.frame)

    def _terms(self, of: str, fold: bool) -> tuple[np.ndarray, pd.Series]:
        """Each token's form number and the distinct forms, apostrophes unified (and folded)."""
        key = ("lemma" if of == "lemma" else "text", fold)
        if key not in self._forms:
            column = terms(self.frame, key[0])  # "lower": folded here, with the query
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
            forms = pd.Series(uniques, dtype=object).fillna("").map(lambda s: str(s).translate(_APOSTROPHES))
            if fold:
                forms = forms.str.lower()
            self._forms[key] = (codes, forms)
        return self._forms[key]

    def kwic(self, query: str, *, of: Of = "text", window: int = 8, case_sensitive: bool = False,
             regex: bool = False, drop_pseudonyms: bool = True) -> pd.DataFrame:
        """Every occurrence of ``query`` with its context: what :func:`kwic` returns, with its parameters."""
        fn = "kwic"
        window = _check_query_options(of, window, case_sensitive, regex, drop_pseudonyms, query, function=fn)
        fold = not case_sensitive or of == "lower"
        codes, forms = self._terms(of, fold)
        if regex:
            try:
                pattern = re.compile(query.translate(_APOSTROPHES), 0 if case_sensitive else re.IGNORECASE)
            except re.error as e:
                raise ParameterError("RK-P29", f"the query {query!r} of kwic() is not a valid regular expression: "
                                     f"{e}.", hint="Escape special characters with a backslash, or pass regex=False.") from e
            pieces = [forms.map(lambda s: pattern.fullmatch(s) is not None).to_numpy(dtype=bool)]
        else:
            words = split_query(query)
            if fold:
                words = [w.lower() for w in words]
            values = forms.to_numpy(dtype=object)
            pieces = [values == w for w in words]

        frame = self.frame
        n, k = len(frame), len(pieces)
        m = n - k + 1
        if m <= 0:
            return _result(frame.iloc[:0], self.corpus, [], [], [])
        run, new = self._run, self._new
        hit = np.ones(m, dtype=bool)
        for j, found in enumerate(pieces):
            hit &= found[codes[j:j + m]]
        hit &= run[:m] == run[k - 1:]
        if drop_pseudonyms:
            for j in range(k):
                hit &= ~self._pseudo[j:j + m]
        first = np.nonzero(hit)[0]
        last = first + k - 1
        lo = np.maximum(first - window, self._run_start[run[first] - 1])
        hi = np.minimum(last + window, self._run_end[run[first] - 1])
        if window:
            lo, hi = _whole_pseudonyms(self._pseudo, new, lo, hi)

        starts, ends = self._starts, self._ends
        matched = frame.iloc[first]
        doc_ids = self._doc_ids[first]
        if len(matched) and not set(pd.unique(doc_ids)) <= self._known:
            check_documents(matched, self.corpus, function=fn)
        texts = {d: self.corpus.text(d) for d in pd.unique(doc_ids)}
        left, middle, right = [], [], []
        for i in range(len(first)):
            text = texts[doc_ids[i]]
            s, e = starts[first[i]], ends[last[i]]
            left.append(text[starts[lo[i]]:s].strip() if lo[i] < first[i] else "")
            middle.append(text[s:e])
            right.append(text[e:ends[hi[i]]].strip() if hi[i] > last[i] else "")
        return _result(matched, self.corpus, left, middle, right, end=ends[last])


def _whole_pseudonyms(pseudo: np.ndarray, new: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Context edges moved out of any pseudonym or placeholder they fall in: "[adresse]", never "adresse]"."""
    if not pseudo.any():
        return lo, hi
    n = len(pseudo)
    index = np.arange(n)
    opens = pseudo & (np.r_[True, ~pseudo[:-1]] | new)  # a pseudonym starts: after a word, or a new turn
    closes = pseudo & (np.r_[~pseudo[1:], True] | np.r_[new[1:], True])
    first = np.maximum.accumulate(np.where(opens, index, 0))
    last = np.minimum.accumulate(np.where(closes, index, n - 1)[::-1])[::-1]
    return np.where(pseudo[lo], first[lo], lo), np.where(pseudo[hi], last[hi], hi)


def _result(matched: pd.DataFrame, corpus: Corpus, left: list[str], middle: list[str], right: list[str],
            end: np.ndarray | None = None) -> pd.DataFrame:
    base = matched[["doc_id", "turn", "start_char"]].reset_index(drop=True)
    base["doc_id"] = base["doc_id"].astype("string")
    base = with_context(base.drop(columns=[c for c in ("speaker", "role") if c in base]), ["speaker", "role"],
                         corpus, function="kwic")
    out = pd.DataFrame({
        "doc_id": base["doc_id"],
        "turn": base["turn"].astype("int64"),
        "speaker": base["speaker"].astype("string"),
        "role": base["role"].astype("string"),
        "left": pd.array(left, dtype="string"),
        "match": pd.array(middle, dtype="string"),
        "right": pd.array(right, dtype="string"),
        "start_char": base["start_char"].astype("int64"),
        "end_char": pd.array(end if end is not None else [], dtype="int64"),
    })
    return out.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)


SORTS = ("position", "left", "right", "match")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def sort_kwic(hits: pd.DataFrame, *, by: Literal["position", "left", "right", "match"] = "position") -> pd.DataFrame:
    """A concordance in another order, as concordancers sort it.

    Parameters
    ----------
    hits
        What :func:`kwic` returned.
    by
        ``"position"``: document, then offset (:func:`kwic`'s order); ``"left"``: the
        words left of the match read leftwards from it (the nearest word first), so
        that the hits preceded by the same word come together; ``"right"``: the words
        right of the match, in reading order; ``"match"``: the match as written. Words
        compare case-folded, punctuation left out; ties keep the position order.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, re-indexed from 0.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``by``.

    Examples
    --------
    >>> import pandas as pd
    >>> hits = pd.DataFrame({"doc_id": ["a", "a", "b"], "start_char": [0, 9, 4],
    ...                      "left": ["Bon, il", "alors", "et puis"], "match": ["faut", "faut", "faut"],
    ...                      "right": ["voir", "partir", "attendre"]})
    >>> sort_kwic(hits, by="left")["left"].tolist()
    ['alors', 'Bon, il', 'et puis']
    >>> sort_kwic(hits, by="right")["right"].tolist()
    ['attendre', 'partir', 'voir']
    """
    check_option("by", by, SORTS, function="sort_kwic")
    position = hits.reset_index(drop=True)
    if by == "position" or position.empty:
        return position.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)
    position = position.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)
    column = {"left": "left", "right": "right", "match": "match"}[by]
    values = position[column].fillna("").astype(str)
    if by == "left":
        keys = [" ".join(reversed(_WORD.findall(v.casefold()))) for v in values]
    else:
        keys = [" ".join(_WORD.findall(v.casefold())) for v in values]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: ties keep the position order
    return position.iloc[order].reset_index(drop=True)


def split_query(query: str) -> list[str]:
    """Cut a query into the tokens spaCy would make of it (see :func:`kwic`).

    >>> split_query("qu'on se dise aujourd'hui")
    ["qu'", 'on', 'se', 'dise', "aujourd'hui"]
    >>> split_query("we don't know")
    ['we', 'do', "n't", 'know']
    """
    words: list[str] = []
    for word in query.translate(_APOSTROPHES).split():
        words.extend(_split_word(word))
    return words


def _split_word(word: str) -> list[str]:
    if word.lower() in _WHOLE:
        return [word]
    p = word.find("'", 1)
    if p < 0 or p == len(word) - 1:
        return [word]
    before, after = word[:p], word[p + 1:]
    if after.lower() == "t" and before.lower().endswith("n") and len(before) > 1:
        return [before[:-1], before[-1] + "'" + after]  # don't -> do + n't
    if after.lower() in _CLITICS:
        return [before, "'" + after]  # it's -> it + 's
    return [before + "'", *_split_word(after)]  # qu'on -> qu' + on
