"""The tokens frame: checking it, reading its columns, attaching context, coding its terms.

The toolkit shared by every verb that reads the tokens frame ``annotate(corpus)``
returns (``schemas.TOKENS``): :mod:`~research_kit.textstats`,
:mod:`~research_kit.keyness`, :mod:`~research_kit.kwic`,
:mod:`~research_kit.collocations`, :mod:`~research_kit.ca`, :mod:`~research_kit.chd`
and :mod:`~research_kit.iramuteq`. Each rule below lives here once; the functions
return new objects and never modify the tokens.

Terms
    ``of="lemma"`` counts lemmas (lower-cased by the annotator; a missing lemma
    falls back to the lower-cased text), ``of="text"`` the tokens as written,
    ``of="lower"`` the lower-cased tokens (:data:`OF`, :func:`terms`,
    :func:`term_codes`). A term a caller writes (``terms=``, ``node=``) is
    lower-cased for ``"lemma"`` and ``"lower"`` (:func:`as_term`).
Words
    Punctuation and white-space tokens are never counted (:func:`word_mask`). A
    group's or a part's *size* is its number of words: every other token, stop
    words included.
Pseudonyms
    Tokens of a pseudonym or a placeholder that pseudonymisation wrote in the text
    (``Personne 4``, ``Médiateur·rice 2``, ``[adresse]``, ``[lieu 3]``) carry
    ``is_pseudonym``; they are not words anyone said. The verbs leave them out by
    default (``drop_pseudonyms=True``): neither terms nor words, so neither listed nor
    counted in a size (:func:`pseudonym_mask`). A frame without the column (built by
    hand) has none. :data:`PLACEHOLDER` and :func:`pseudonym_pattern` recognise them in
    a text.
Document order
    Documents as they first appear, then ``token`` (:func:`in_order`).
Context columns
    ``by=``, ``across=`` and filters may name a column the tokens frame lacks:
    ``speaker`` and ``role`` (or any column of ``corpus.turns``), looked up by
    ``doc_id`` and ``turn``, and any document variable (``site``, ``project``…)
    or column of ``corpus.documents``, looked up by ``doc_id``
    (:func:`with_context`): pass ``corpus=``, the
    :class:`~research_kit.corpus.Corpus` the tokens were annotated from. A
    missing value (a turn without a role) forms a group of its own
    (:func:`group_codes`).

Error codes:

- ``RK-P20`` (:class:`~research_kit.errors.ParameterError`): a column to group or
  filter by is not in the tokens and no ``corpus=`` was given;
- ``RK-P21``: that column is in neither the tokens, ``corpus.turns`` nor ``corpus.documents``;
- ``RK-P22``: ``by``/``across`` is not a column name or a list of them;
- ``RK-P27``: the tokens name documents that the corpus does not hold;
- ``RK-S01``/``RK-S02`` (:class:`~research_kit.errors.SchemaError`): not a tokens
  frame, or one that lacks a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .errors import ParameterError, SchemaError, did_you_mean
from .i18n import LANGS, MESSAGES

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = [
    "Of",
    "OF",
    "check_tokens",
    "check_columns",
    "check_documents",
    "with_context",
    "bool_column",
    "word_mask",
    "pseudonym_mask",
    "with_pseudonyms",
    "PLACEHOLDER",
    "pseudonym_pattern",
    "role_label",
    "in_order",
    "doc_codes",
    "run_starts",
    "terms",
    "as_term",
    "term_codes",
    "group_codes",
    "grouped_result",
    "empty_result",
]

#: What a term is: the lemma, the token as written, or the lower-cased token.
Of = Literal["lemma", "text", "lower"]
#: The allowed values of ``of=``, for :func:`~research_kit.errors.check_option`.
OF: tuple[str, ...] = ("lemma", "text", "lower")


# ---------------------------------------------------------------------------
# checks


def check_tokens(tokens: object, needed: Sequence[str], *, function: str) -> pd.DataFrame:
    """Check that ``tokens`` is a DataFrame holding the columns ``function`` needs.

    Parameters
    ----------
    tokens
        What the caller passed as the tokens frame.
    needed
        The columns ``function`` reads.
    function
        The public function's name, for the message.

    Returns
    -------
    pandas.DataFrame
        ``tokens`` itself, unchanged.

    Raises
    ------
    SchemaError
        ``RK-S02`` when ``tokens`` is not a DataFrame, ``RK-S01`` when it lacks a column.
    """
    if not isinstance(tokens, pd.DataFrame):
        raise SchemaError(
            "RK-S02",
            f"the 'tokens' argument of {function}() must be a tokens DataFrame (from annotate(corpus)); "
            f"got {type(tokens).__name__}.",
        )
    missing = [c for c in needed if c not in tokens.columns]
    if missing:
        raise SchemaError(
            "RK-S01",
            f"the 'tokens' argument of {function}() is not a tokens frame: it lacks the column(s) "
            f"{', '.join(missing)}.",
            hint="Pass the frame that annotate(corpus) returns (see docs/frames.md, 'tokens').",
        )
    return tokens


def check_columns(value: object, name: str, *, function: str, allow_none: bool = True) -> list[str]:
    """Read a ``by=``/``across=`` parameter: ``None``, ``"col"`` or ``["a", "b"]``.

    Parameters
    ----------
    value
        What the caller passed.
    name
        The parameter's name, for the message.
    function
        The public function's name, for the message.
    allow_none
        Whether ``None`` (no column: the whole frame) is accepted.

    Returns
    -------
    list of str
        The column names, in the caller's order; empty for ``None``.

    Raises
    ------
    ParameterError
        ``RK-P22`` for anything else, or a column named twice.

    Examples
    --------
    >>> check_columns("speaker", "by", function="frequencies"), check_columns(None, "by", function="frequencies")
    (['speaker'], [])
    """
    if value is None and allow_none:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            raise ParameterError("RK-P22", f"the {name!r} parameter of {function}() names a column twice: {list(value)!r}.")
        return list(value)
    expected = "a column name or a list of column names" + (", or None" if allow_none else "")
    raise ParameterError(
        "RK-P22",
        f"the {name!r} parameter of {function}() must be {expected}; got {value!r} instead.",
        hint='For example by="speaker" or by=["doc_id", "role"].',
    )


def check_documents(tokens: pd.DataFrame, corpus: Corpus, *, function: str) -> None:
    """Check that every document the tokens name is in ``corpus``.

    Returns
    -------
    None

    Raises
    ------
    ParameterError
        ``RK-P27`` naming the first document the corpus does not hold.
    """
    ours = pd.unique(tokens["doc_id"].astype(object))
    known = set(corpus.documents["doc_id"].astype(object))
    stray = [d for d in ours if d not in known]
    if stray:
        raise ParameterError(
            "RK-P27",
            f"the tokens passed to {function}() come from the document {stray[0]!r}, which the corpus does not hold"
            f"{did_you_mean(stray[0], known)}.",
            hint="Pass the corpus the tokens were annotated from (annotate(corpus) -> tokens).",
        )


# ---------------------------------------------------------------------------
# context columns


def with_context(tokens: pd.DataFrame, columns: Sequence[str], corpus: Corpus | None, *,
                 function: str, parameter: str = "by", keep: Sequence[str] | None = None) -> pd.DataFrame:
    """The tokens with the context ``columns`` they lack attached from ``corpus``.

    Turn columns (``speaker``, ``role``…) are looked up by ``doc_id`` and ``turn``,
    document columns (variables such as ``site``) by ``doc_id``; a turn the corpus
    lacks gets a missing value.

    Parameters
    ----------
    tokens
        A tokens frame; it is not modified.
    columns
        The columns the caller needs (those already in ``tokens`` are kept as they are).
    corpus
        The corpus the tokens come from; needed only when a column is missing.
    function, parameter
        The public function and its parameter (``"by"``, ``"across"``…), for messages.
    keep
        When given, the result holds only these token columns and ``columns``, so
        that later row selections copy no more than needed.

    Returns
    -------
    pandas.DataFrame
        A new frame (or ``tokens`` itself when nothing is to be added or dropped)
        with the same index as ``tokens``.

    Raises
    ------
    ParameterError
        ``RK-P20`` when a column is missing and ``corpus`` is ``None``; ``RK-P21``
        when the corpus does not have it either; ``RK-P27`` when the tokens name
        documents the corpus does not hold.

    Examples
    --------
    >>> with_context(tokens, ["speaker", "site"], corpus, function="frequencies")   # doctest: +SKIP
    """
    missing = [c for c in dict.fromkeys(columns) if c not in tokens.columns]
    frame = tokens
    if keep is not None:
        frame = tokens[list(dict.fromkeys([*keep, *(c for c in columns if c in tokens.columns)]))]
    if not missing:
        return frame
    if corpus is None:
        col = missing[0]
        raise ParameterError(
            "RK-P20",
            f"{function}() was asked to use the column {col!r} ({parameter}=), which the tokens frame does not have.",
            hint=f"Pass corpus= (the Corpus the tokens were annotated from) so that {col!r} is looked up in "
            "corpus.turns (speaker, role) or corpus.documents (document variables).",
        )
    turn_cols = [c for c in missing if c in corpus.turns.columns and c not in ("doc_id", "turn")]
    doc_cols = [c for c in missing if c not in turn_cols and c in corpus.documents.columns and c != "doc_id"]
    unknown = [c for c in missing if c not in turn_cols and c not in doc_cols]
    if unknown:
        known = sorted(set(tokens.columns) | set(corpus.turns.columns) | set(corpus.documents.columns))
        raise ParameterError(
            "RK-P21",
            f"{function}() cannot find the column {unknown[0]!r} ({parameter}=) in the tokens, corpus.turns "
            f"or corpus.documents.{did_you_mean(unknown[0], known)}",
            hint=f"Available columns: {', '.join(known)}.",
        )
    # documents: factorise the tokens' doc_id once, then work on small integer codes
    doc_code, doc_values = pd.factorize(tokens["doc_id"], use_na_sentinel=False)
    doc_values = pd.Index(np.asarray(doc_values, dtype=object))
    corpus_docs = pd.Index(corpus.documents["doc_id"].astype(object))
    position = corpus_docs.get_indexer(doc_values)
    if (position < 0).any():
        check_documents(tokens, corpus, function=function)
    added: dict[str, object] = {}
    if turn_cols:
        check_tokens(tokens, ["turn"], function=function)
        turns = corpus.turns
        span = int(max(turns["turn"].max() if len(turns) else 0, tokens["turn"].max() if len(tokens) else 0)) + 1
        turn_doc = corpus_docs.get_indexer(turns["doc_id"].astype(object))
        turn_key = pd.Index(turn_doc.astype(np.int64) * span + turns["turn"].to_numpy(dtype=np.int64))
        token_key = position[doc_code].astype(np.int64) * span + tokens["turn"].to_numpy(dtype=np.int64)
        where = turn_key.get_indexer(token_key)
        for col in turn_cols:  # -1 (a turn the corpus lacks) becomes a missing value
            added[col] = pd.Series(turns[col].array.take(where, allow_fill=True), index=tokens.index)
    for col in doc_cols:
        added[col] = pd.Series(corpus.documents[col].array.take(position[doc_code], allow_fill=True),
                               index=tokens.index)
    return frame.assign(**added)


# ---------------------------------------------------------------------------
# columns as arrays


def bool_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column (``is_stop``, ``is_punct``, ``is_space``) as a numpy array.

    Returns
    -------
    numpy.ndarray of bool
        One value per row; a missing value reads as ``False``.
    """
    return frame[column].to_numpy(dtype=bool, na_value=False)


def word_mask(frame: pd.DataFrame) -> np.ndarray:
    """Which tokens count as words: neither punctuation nor white space.

    Returns
    -------
    numpy.ndarray of bool
        One value per row of ``frame``; stop words are words.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"is_punct": [False, True, False], "is_space": [False, False, True]})
    >>> word_mask(frame).tolist()
    [True, False, False]
    """
    return ~(bool_column(frame, "is_punct") | bool_column(frame, "is_space"))


def pseudonym_mask(frame: pd.DataFrame) -> np.ndarray:
    """Which tokens are part of a pseudonym or placeholder (``is_pseudonym``).

    Returns
    -------
    numpy.ndarray of bool
        One value per row; all ``False`` when the frame has no ``is_pseudonym`` column
        (a frame built by hand), and a missing value reads as ``False``.

    Examples
    --------
    >>> import pandas as pd
    >>> pseudonym_mask(pd.DataFrame({"is_pseudonym": [False, True]})).tolist()
    [False, True]
    >>> pseudonym_mask(pd.DataFrame({"text": ["oui"]})).tolist()
    [False]
    """
    if "is_pseudonym" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return bool_column(frame, "is_pseudonym")


def with_pseudonyms(needed: Sequence[str], tokens: pd.DataFrame) -> list[str]:
    """The columns a verb keeps from ``tokens``: ``needed``, and ``is_pseudonym`` when the frame has it.

    Examples
    --------
    >>> import pandas as pd
    >>> with_pseudonyms(["text"], pd.DataFrame({"text": ["a"], "is_pseudonym": [False]}))
    ['text', 'is_pseudonym']
    """
    return [*needed, "is_pseudonym"] if "is_pseudonym" in tokens.columns and "is_pseudonym" not in needed \
        else list(needed)


def _pseudonym_words(*keys: str) -> list[str]:
    """The words pseudonymisation writes for ``keys`` (``pseudonym.<key>`` in every language), longest first."""
    words = {MESSAGES[f"pseudonym.{key}"][lang] for key in keys for lang in LANGS}
    return sorted(words, key=lambda w: (-len(w), w))


#: The placeholders pseudonymisation writes for a detail or a place, in either language:
#: ``[téléphone]``, ``[courriel]``, ``[adresse]``, ``[code postal]``, ``[prénom]``, ``[nom]``
#: (``[phone]``, ``[email]``…), ``[âge]``, ``[date de naissance]``, ``[métier]``, and numbered
#: places and organisations (``[lieu 3]``, ``[organisation 2]``, ``[rue 1]``, ``[école 2]``,
#: ``[centre communautaire 1]``; the labels of :data:`research_kit.anonymise.places.PLACE_LABEL_KEYS`). Transcribers' notes (``[rires]``, ``[inaudible]``)
#: are not placeholders.
PLACEHOLDER: re.Pattern[str] = re.compile(
    r"\[(?:" + "|".join(re.escape(w.strip("[]")) for w in _pseudonym_words(
        "email", "phone", "address", "postal_code", "first", "last", "age", "birth_date", "occupation")) + r")\]"
    r"|\[(?:" + "|".join(re.escape(w) for w in _pseudonym_words(
        "place", "organisation", "street", "school", "community_centre", "housing", "service", "childcare",
        "worship", "library", "park")) + r") \d+\]")


def role_label(role: object) -> str:
    """The label pseudonymisation numbers a speaker of this role with: ``"médiateur·rice"`` -> ``"Médiateur·rice"``.

    Examples
    --------
    >>> role_label("agent·e  communal·e")
    'Agent·e communal·e'
    """
    text = " ".join(str(role).split())
    return text[:1].upper() + text[1:]


def pseudonym_pattern(roles: Iterable[object] = ()) -> re.Pattern[str]:
    """A pattern that finds the pseudonyms and placeholders pseudonymisation writes in a text.

    Parameters
    ----------
    roles
        The speakers' roles of a pseudonymised corpus: a speaker of role ``"habitant·e"``
        is ``Habitant·e 5``. Without them, only the labels every pseudonymised text uses
        are found: ``Personne 4`` / ``Person 4`` (people named in the text),
        ``Participant·e 2`` / ``Participant 2`` (speakers without a role), and the
        :data:`PLACEHOLDER` forms.

    Returns
    -------
    re.Pattern
        Matches a label and its number as written (case included: ``personne 4`` is
        not one), or a placeholder.

    Examples
    --------
    >>> pattern = pseudonym_pattern(["médiateur·rice"])
    >>> [m.group() for m in pattern.finditer("Merci Médiateur·rice 2, et Personne 14 au [adresse].")]
    ['Médiateur·rice 2', 'Personne 14', '[adresse]']
    """
    labels = set(_pseudonym_words("person", "participant"))
    labels |= {role_label(r) for r in roles if isinstance(r, str) and r.strip()}
    names = "|".join(re.escape(x) for x in sorted(labels, key=lambda w: (-len(w), w)))
    return re.compile(PLACEHOLDER.pattern + rf"|(?<![\w·-])(?:{names}) \d+(?!\w)")


def doc_codes(frame: pd.DataFrame) -> np.ndarray:
    """An integer code for each row's document, 0 for the first document to appear.

    Returns
    -------
    numpy.ndarray of int64
        One code per row; a missing ``doc_id`` gets a code of its own.
    """
    return pd.factorize(frame["doc_id"], use_na_sentinel=False)[0].astype(np.int64, copy=False)


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The tokens in document order: documents as they first appear, then ``token``.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself when it is already in that order, else its rows reordered
        (index kept).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"doc_id": ["b", "a", "b"], "token": [1, 0, 0]})
    >>> in_order(frame).index.tolist()
    [2, 0, 1]
    """
    codes = doc_codes(frame)
    token = frame["token"].to_numpy()
    same_doc = codes[1:] == codes[:-1]
    if (np.diff(codes) >= 0).all() and (token[1:][same_doc] > token[:-1][same_doc]).all():
        return frame
    order = np.lexsort((token, codes))
    return frame.iloc[order]


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where runs of equal keys start: the first row and every row whose key changes.

    Parameters
    ----------
    *keys
        Arrays of one length (document codes, turns, sentences…), in row order.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where any of ``keys`` differs from the row before, and on the first row.

    Examples
    --------
    >>> import numpy as np
    >>> run_starts(np.array([0, 0, 1]), np.array([3, 4, 4])).tolist()
    [True, True, True]
    >>> run_starts(np.array([0, 0, 1])).tolist()
    [True, False, True]
    """
    new = np.zeros(len(keys[0]), dtype=bool)
    new[:1] = True
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    return new


# ---------------------------------------------------------------------------
# terms


def terms(frame: pd.DataFrame, of: str) -> pd.Series:
    """The term of each token, as ``of`` asks (see :data:`OF`).

    Returns
    -------
    pandas.Series
        One term per row: the lemma (the lower-cased text where the lemma is
        missing), the text as written, or the lower-cased text.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"text": ["Projets", "Là"], "lemma": pd.array(["projet", None], dtype="string")})
    >>> terms(frame, "lemma").tolist()
    ['projet', 'là']
    """
    if of == "text":
        return frame["text"]
    if of == "lower":
        return frame["text"].str.lower()
    lemma = frame["lemma"]
    if lemma.isna().any():
        lemma = lemma.fillna(frame["text"].str.lower())
    return lemma


def as_term(word: str, of: str) -> str:
    """A word a caller wrote (``terms=``, ``node=``), spelled as :func:`terms` spells terms.

    Returns
    -------
    str
        ``word`` lower-cased for ``of="lemma"`` and ``of="lower"``, as written for ``"text"``.

    Examples
    --------
    >>> as_term("Budget", "lemma"), as_term("Budget", "text")
    ('budget', 'Budget')
    """
    return word.lower() if of in ("lemma", "lower") else word


def term_codes(frame: pd.DataFrame, of: str) -> tuple[np.ndarray, np.ndarray]:
    """An integer code for each token's term, and the terms the codes index.

    The terms are those of :func:`terms`, coded in the order they first appear.

    Returns
    -------
    tuple of numpy.ndarray
        The codes (int64, one per row, every one >= 0) and the distinct terms
        (an object array).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"text": ["Oui", "oui", "non"], "lemma": ["oui", "oui", "non"]})
    >>> codes, names = term_codes(frame, "text")
    >>> codes.tolist(), names.tolist()
    ([0, 1, 2], ['Oui', 'oui', 'non'])
    >>> codes, names = term_codes(frame, "lower")
    >>> codes.tolist(), names.tolist()
    ([0, 0, 1], ['oui', 'non'])
    """
    column = frame["lemma"] if of == "lemma" else frame["text"]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if (codes < 0).any():  # a missing lemma (or text): fall back, as terms() does
        return _term_codes_slow(frame, of)
    if of == "lower":  # lower the distinct forms only, then merge forms that now coincide
        lowered = pd.Series(uniques, dtype="string").str.lower()
        remap, uniques = pd.factorize(lowered)
        codes = remap[codes]
        uniques = np.asarray(uniques, dtype=object)
    return codes.astype(np.int64, copy=False), uniques


def _term_codes_slow(frame: pd.DataFrame, of: str) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(terms(frame, of).fillna(""))
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


# ---------------------------------------------------------------------------
# groups


def group_codes(frame: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The group of each row, for the ``by`` columns (from :func:`check_columns`).

    Returns
    -------
    tuple
        The code of each row's group (int64) and the groups' keys: a frame with one
        row per group and the ``by`` columns, sorted, missing values last. With no
        ``by`` column every row is in group 0 and the keys frame has one row and no column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"role": pd.array(["élue", None, "citoyen"], dtype="string")})
    >>> codes, keys = group_codes(frame, ["role"])
    >>> codes.tolist(), keys["role"].tolist()
    ([1, 2, 0], ['citoyen', 'élue', <NA>])
    """
    if not by:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    keys = []
    codes = np.zeros(len(frame), dtype=np.int64)
    for col in by:
        c, uniques = pd.factorize(frame[col], sort=True, use_na_sentinel=False)
        keys.append(pd.Series(uniques, name=col))
        codes = codes * len(uniques) + c
    dense, combos = pd.factorize(codes, sort=True)
    table = pd.DataFrame(index=range(len(combos)))
    rest = combos.astype(np.int64)
    for key in reversed(keys):
        n = len(key)
        values = key.take(rest % n).reset_index(drop=True)
        table.insert(0, key.name, values.astype(frame[key.name].dtype) if len(values) else values)
        rest = rest // n
    return dense.astype(np.int64), table


def grouped_result(keys: pd.DataFrame, group: np.ndarray, columns: dict[str, object]) -> pd.DataFrame:
    """A result frame: the key columns of each row's group, then ``columns``.

    Parameters
    ----------
    keys, group
        What :func:`group_codes` returned, ``group`` holding one code per result row.
    columns
        The result's other columns, in order, each one value per row of ``group``.

    Returns
    -------
    pandas.DataFrame
        One row per element of ``group``, with a fresh ``RangeIndex``.
    """
    out = keys.take(group).reset_index(drop=True) if len(keys.columns) else pd.DataFrame(index=range(len(group)))
    for name, values in columns.items():
        out[name] = values
    return out


def empty_result(columns: dict[str, object]) -> pd.DataFrame:
    """A result frame without rows, with the given columns and dtypes.

    Returns
    -------
    pandas.DataFrame
        Zero rows; one column per entry of ``columns`` (name -> dtype), in order.
    """
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
