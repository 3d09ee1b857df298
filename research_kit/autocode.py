"""Rule-based coding: apply a codebook's matching rules to an annotated corpus.

:func:`autocode` reads the rules of every codable code (see ``docs/codebook.md``) in
the language of each token and returns a codings frame whose coder is ``"rules"``;
:func:`evaluate_rules` compares it with a person's codings, unit by unit, and lists
every miss and false hit so that the team can improve the rules.

How each kind of rule matches
-----------------------------
- ``lemmas``: a token whose lemma, or whose text, lower-cased, is one of the lemmas
  (lower-cased too: the codebook keeps them as written).
- ``phrases``: consecutive tokens of one turn, compared twice: on their lower-cased
  texts (``"il faudrait"`` finds *Il faudrait*) and on their lemmas (``"on a besoin
  de"`` also finds *on avait besoin de*). A phrase is cut into tokens by spaCy's
  tokenizer of its language, and each of its words takes the lemma that the corpus's
  tokens most often give that word; a word the corpus never uses keeps its lower-cased
  form. Matching on lemmas widens a phrase on purpose (``"il faudrait"`` also finds
  *il faut*): write a ``patterns`` rule on ``LOWER`` to match one form only, or pass
  ``phrases="words"`` to match every phrase on its words alone.
- ``patterns``: spaCy ``Matcher`` token patterns. The tokens carry what the tokens
  frame holds: text, lemma, part of speech, entity type and sentence starts; ``LEMMA``
  values are lower-cased like the tokens' lemmas. Tokens annotated without entities
  (``annotate()``'s default) get them, with ``corpus=``, when a pattern tests
  ``ENT_TYPE`` or ``ENT_IOB``: the entity layer of the annotation cache, recognised
  once if it is not there. ``TAG``, ``MORPH`` and ``DEP``
  are not in the tokens frame, so patterns on them never match (a warning says so).
- ``regex``: Python regular expressions searched in the document text, within each
  run of turns of the rule's language; a match that runs over two turns is dropped.
  They run on the ``regex`` engine (its ``V0`` mode, which reads Python's syntax as
  ``re`` does) with a time limit, :data:`REGEX_TIMEOUT` seconds per pattern and
  document: a pattern that runs out of time there is left out of that document, with
  a warning (``RK-G16``), and after :data:`REGEX_MAX_TIMEOUTS` such documents it is
  left out of the remaining ones too. Reading a codebook already refuses the shapes of
  pattern that can take exponential time (``RK-K23``); the limit stops the others.

Typographic apostrophes (’) count as straight ones (') for every kind but ``regex``.
Pseudonyms and placeholders (the tokens marked ``is_pseudonym``: ``Habitant·e 5``,
``[adresse]``) are not words anyone said: a hit that starts or ends on one is dropped
(``drop_pseudonyms=False`` keeps it), so a rule on ``habitant`` never codes a speaker's
pseudonym and a phrase never runs into one.
No pipeline runs again: spaCy ``Doc`` objects are rebuilt from the tokens frame with
the vocabulary of a blank pipeline, so rules cost a fraction of the annotation.

Cache
-----
With ``cache=True`` and a corpus read from a folder, each document's matches are kept
in ``<corpus>/.research_kit/autocode/<doc_id>_<h>.<rules>.<tokens>.parquet``, where
*rules* hashes the rules of the languages used (and how their phrases cut into tokens
and lemmatise) and *tokens* hashes the document's tokens. A call on an unchanged
corpus and codebook reads the files and does not import spaCy.

Codes: ``RK-G10`` (warning) tokens in a language the codebook has no rules for;
``RK-G11`` (warning) patterns on attributes the tokens frame lacks; ``RK-G12`` tokens
that do not belong to the corpus; ``RK-G13`` human codings of several coders without
``coder=``; ``RK-G14`` an unusable ``coder`` name; ``RK-G15`` (warning) the cache
folder cannot be written; ``RK-G16`` (warning) a regular expression ran out of time
on a document, whose matches of it were left out (that document is not cached);
``RK-G17`` (warning) patterns test entity types, the tokens carry none and the
corpus's default annotation is not those tokens, so no entities could be added;
``RK-K14`` a regular expression that does not compile (in a codebook built in memory:
:func:`~research_kit.codebook.read_codebook` refuses it).
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schemas
from ._io import atomic_write, cache_path, content_hash, write_cache_table
from .corpus import Corpus
from .errors import CodingError, ParameterError, check_option, warn
from .segments import snap, units

__all__ = ["autocode", "evaluate_rules", "CACHE_FOLDER", "RULES_VERSION", "REGEX_TIMEOUT", "REGEX_MAX_TIMEOUTS"]

#: Bump when matching changes: every cached result goes stale.
RULES_VERSION = 3  # 3: hits on pseudonyms are dropped

#: Seconds a regular expression may search one document (all its runs of turns together).
REGEX_TIMEOUT = 2.0
#: Documents on which a regular expression may run out of time before it is left out of the others.
REGEX_MAX_TIMEOUTS = 3

#: Where the cache lives, inside the corpus's cache folder (next to the annotations).
CACHE_FOLDER = "autocode"

# Columns of the tokens frame that matching reads; they make a document's cache key.
_KEY_COLUMNS = ["turn", "sentence", "token", "text", "lemma", "pos", "is_pseudonym", "ent_type", "start_char",
                "end_char", "language"]
# Matcher attributes the rebuilt Docs cannot carry.
_MISSING_ATTRS = {"TAG", "MORPH", "DEP", "HEAD", "ENT_ID", "ENT_KB_ID", "_"}
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
_SHIFT = 1 << 40  # doc index * _SHIFT + offset: one sortable key for (document, character)
_EMPTY_HITS = {"doc": np.zeros(0, "int64"), "start": np.zeros(0, "int64"), "end": np.zeros(0, "int64"),
               "code": np.zeros(0, object), "evidence": np.zeros(0, object)}

_VOCABS: dict[str, Any] = {}
_PHRASE_TOKENS: dict[tuple[str, str], tuple[str, ...]] = {}


# ---------------------------------------------------------------------------
# the verb


def autocode(
    tokens: pd.DataFrame,
    codebook: Any,
    *,
    corpus: Corpus | None = None,
    coder: str = "rules",
    unit: Literal["match", "sentence", "turn"] = "match",
    languages: Iterable[str] | None = None,
    phrases: Literal["lemmas", "words"] = "lemmas",
    cache: bool = True,
    drop_pseudonyms: bool = True,
    client: Any = None,
) -> pd.DataFrame:
    """Code a corpus with the codebook's rules: one coded segment per match.

    Parameters
    ----------
    tokens
        The tokens frame of :func:`research_kit.annotate.annotate` (its ``language``
        column routes each token to the rules of its language, turn by turn).
    codebook
        A :class:`~research_kit.codebook.Codebook`; every codable code with rules in a
        token's language is applied.
    corpus
        The corpus the tokens come from. It gives the text regular expressions search
        and the turns' offsets, and its folder holds the cache; without it the text is
        rebuilt from the tokens and nothing is cached.
    coder
        The ``coder`` of every row.
    unit
        ``"match"``: the words matched; ``"sentence"`` or ``"turn"``: the sentence(s)
        or turn holding the match. Hits of one code in one unit (or overlapping
        matches, for ``"match"``) become one segment whose memo lists every piece of
        evidence.
    languages
        Apply the rules of these languages only (default: every language of the
        tokens that the codebook has); tokens in other languages are left uncoded.
    phrases
        ``"lemmas"``: a phrase matches its words lower-cased *or* its lemmas (``"il
        faudrait"`` also finds *il faut*); ``"words"``: its words lower-cased only.
    cache
        Keep each document's matches under ``<corpus>/.research_kit/autocode/``
        (see the module's documentation); ``False`` matches afresh and writes nothing.
    drop_pseudonyms
        Drop the hits that start or end on a pseudonym or placeholder (``is_pseudonym``);
        ``False`` keeps them.
    client
        Match on a Dask cluster: a ``dask.distributed.Client``, a cluster object or a
        scheduler address (see :func:`research_kit.annotate.annotate`). The documents not
        found in the cache are sent to the workers in jobs of about 100,000 tokens, with
        the rules once per worker; the codings are the same as without ``client``, except
        that a regular expression's count of documents where it ran out of time
        (:data:`REGEX_MAX_TIMEOUTS`) is kept per job. The cache is written by this
        process. Needs ``pip install "research-kit[cluster]"``.

    Returns
    -------
    pandas.DataFrame
        A codings frame (:data:`~research_kit.schemas.CODINGS`) in document order:
        ``memo`` holds the evidence, e.g. ``lemma:épuisement``, ``phrase:il faudrait``,
        ``pattern:[{"LEMMA":"prendre"},{"LEMMA":"soin"}]`` or ``regex:(?i)\\bburn-?out\\b``,
        joined by ``"; "`` when several rules fired; ``coded_at`` is NaT.

    Raises
    ------
    CodingError
        ``RK-K14`` for a regular expression that does not compile (a codebook built in
        memory; ``read_codebook`` refuses it), ``RK-G12`` for tokens of other documents;
        with ``client``, ``RK-A20`` / ``RK-A22`` / ``RK-A23`` as for
        :func:`~research_kit.annotate.annotate`.
    ParameterError
        ``RK-A21`` for a ``client`` that is neither a client, a cluster nor an address.

    Warns
    -----
    UserWarning
        ``RK-G10`` for tokens in a language the codebook has no rules for; ``RK-G11``
        for patterns on attributes the tokens frame does not hold; ``RK-G16`` for a
        regular expression that ran out of time on a document (its matches there are
        left out, and that document's results are not cached); ``RK-G17`` for patterns
        on entity types when the tokens carry no entities and are not the corpus's
        default annotation (none can be added).

    Examples
    --------
    >>> tokens = annotate(corpus)                                    # doctest: +SKIP
    >>> rules = autocode(tokens, codebook, corpus=corpus, unit="sentence")  # doctest: +SKIP
    >>> rules[["doc_id", "code", "memo"]].head(3)                     # doctest: +SKIP
              doc_id             code                memo
    0  bxl-atelier-1  conditions.schedule      lemma:horaire
    1  bxl-atelier-1  recommendations  phrase:il faudrait
    2  bxl-atelier-1       power.voice        lemma:parole
    """
    from .codebook import Codebook

    schemas.validate_frame(tokens, schemas.TOKENS, argument="tokens")
    if not isinstance(codebook, Codebook):
        raise ParameterError("RK-P01", "autocode() needs a Codebook (from read_codebook); "
                                       f"got {type(codebook).__name__}.",
                             hint="codebook = rk.read_codebook('corpora/demo/codebook.yml')")
    check_option("unit", unit, ("match", "sentence", "turn"), function="autocode")
    check_option("cache", cache, (True, False), function="autocode")
    check_option("phrases", phrases, ("lemmas", "words"), function="autocode")
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function="autocode")
    if not isinstance(coder, str) or not coder.strip():
        raise ParameterError("RK-G14", f"the 'coder' parameter of autocode() must be a non-empty name; got {coder!r}.")
    if corpus is not None and not isinstance(corpus, Corpus):
        raise ParameterError("RK-P01", f"corpus= must be a Corpus (from read_corpus); got {type(corpus).__name__}.")
    if client is not None:
        from .cluster import check_client

        check_client(client, function="autocode")
    wanted = _languages(tokens, codebook, languages)

    tok = _ordered(tokens)
    bounds = _doc_bounds(tok)
    doc_ids = list(bounds)  # in order of appearance
    if corpus is not None:
        _check_corpus(tok, corpus, doc_ids, bounds)
    rules = {lang: codebook.rules(lang) for lang in wanted}
    rules = {lang: r for lang, r in rules.items() if r}
    _warn_patterns(rules)
    if corpus is not None and _tests_entities(rules) and not (tok["ent_type"].to_numpy(dtype=object) != "").any():
        tok = _with_entities(tok, corpus, doc_ids)
    compiled = _compile_regexes(rules)

    folder = (Path(corpus.cache_dir) / CACHE_FOLDER
              if cache and corpus is not None and corpus.cache_dir is not None else None)
    phrase_words = _phrase_words(rules, folder)
    lemma_phrases = _lemma_phrases(tok, phrase_words) if phrases == "lemmas" else {}
    settings = content_hash(f"version={RULES_VERSION}", f"phrases={phrases}", f"pseudonyms={not drop_pseudonyms}",
                            _rules_json(rules),
                            json.dumps(lemma_phrases, sort_keys=True, ensure_ascii=False))[:12]

    paths: dict[str, Path] = {}
    cached: dict[str, dict[str, np.ndarray]] = {}
    if folder is not None:
        hashes = pd.util.hash_pandas_object(tok[_KEY_COLUMNS], index=False).to_numpy()
        for doc_id, (a, b) in bounds.items():
            key = content_hash(doc_id, hashes[a:b].tobytes())[:16]
            paths[doc_id] = cache_path(folder, doc_id, settings, key)
        found_files = [d for d, path in paths.items() if path.exists()]
        for doc_id, hits in zip(found_files, _read_all_cached([paths[d] for d in found_files])):
            if hits is not None:  # an unreadable file is matched again
                cached[doc_id] = hits
    todo = [d for d in doc_ids if d not in cached]
    found: dict[str, dict[str, np.ndarray]] = dict(cached)
    if todo and rules and client is not None:
        slow: dict[tuple[str, str, str], dict[str, list[str]]] = {}
        found.update(_match_on_cluster(client, tok, bounds, todo, (rules, lemma_phrases, phrase_words,
                                                                   drop_pseudonyms), corpus, slow))
        incomplete = _warn_slow(slow)
    elif todo and rules:
        if len(todo) == len(doc_ids):
            sub = tok  # every document: no copy of the tokens
        else:
            positions = np.concatenate([np.arange(*bounds[d]) for d in todo])
            sub = tok.iloc[positions].reset_index(drop=True)
        text_of = _text_source(sub, corpus)
        slow = {}
        hits = _match(sub, rules, lemma_phrases, phrase_words, text_of, compiled, slow)
        if drop_pseudonyms:
            hits = _off_pseudonyms(hits, sub)
        order = {d: i for i, d in enumerate(todo)}
        by_doc = _split_hits(hits, len(todo))
        for doc_id in todo:
            found[doc_id] = by_doc[order[doc_id]]
        incomplete = _warn_slow(slow)
    else:
        incomplete = set()
    for doc_id in todo:
        found.setdefault(doc_id, _empty_doc_hits())
        if doc_id in paths and doc_id not in incomplete:  # a rule left out: match it again next time
            try:
                _write_cached(paths[doc_id], found[doc_id])
            except OSError as e:
                warn("RK-G15", f"{folder}: cannot write the autocode cache ({e}); results are not cached. "
                              "Pass cache=False to stop trying.", stacklevel=2)
                paths.clear()

    # One frame of match-level hits, documents in order.
    parts = [found[d] for d in doc_ids]
    hits = {key: np.concatenate([p[key] for p in parts] or [_EMPTY_HITS[key]])
            for key in ("start", "end", "code", "evidence")}
    hits["doc"] = np.repeat(np.arange(len(parts), dtype="int64"), [len(p["start"]) for p in parts])
    if unit != "match" and len(hits["start"]):
        spans = _unit_spans(tok, corpus, doc_ids, unit)
        hits = _widen(hits, spans)
    return _frame(_merge(hits, [e.code for e in codebook.entries]), doc_ids, coder)


# ---------------------------------------------------------------------------
# on a Dask cluster

# Tokens per job sent to a Dask worker: a few MB of frame, a second or two of matching.
_JOB_TOKENS, _MIN_JOB_TOKENS = 100_000, 10_000
_COMPILED: dict[str, Any] = {}  # a worker's compiled regular expressions, by pattern


def _match_on_cluster(client: Any, tok: pd.DataFrame, bounds: Mapping[str, tuple[int, int]], todo: Sequence[str],
                      shared: tuple, corpus: Corpus | None,
                      slow: dict[tuple[str, str, str], dict[str, list[str]]]) -> dict[str, dict[str, np.ndarray]]:
    """Every hit of the documents ``todo``, matched on the cluster's workers, by document."""
    from .cluster import connect, map_jobs, partition, worker_threads

    sizes = [bounds[d][1] - bounds[d][0] for d in todo]
    columns = ["doc_id", *_KEY_COLUMNS]
    found: dict[str, dict[str, np.ndarray]] = {}
    with connect(client, function="autocode") as dask_client:
        target = max(_MIN_JOB_TOKENS, min(_JOB_TOKENS, sum(sizes) // (4 * worker_threads(dask_client))))
        jobs, labels = [], []
        for run in partition(sizes, target):
            ids = [todo[i] for i in run]
            positions = np.concatenate([np.arange(*bounds[d]) for d in ids])
            sub = tok[columns].iloc[positions].reset_index(drop=True)
            texts = {d: corpus.text(d) for d in ids} if corpus is not None else None
            jobs.append((ids, sub, texts))
            labels.append("documents " + ", ".join(repr(d) for d in ids[:3]) + (" …" if len(ids) > 3 else ""))
        for ids, by_doc, job_slow in map_jobs(dask_client, _cluster_match, jobs, shared, what="matching rules",
                                              labels=labels):
            found.update(zip(ids, by_doc))
            for key, docs in job_slow.items():
                record = slow.setdefault(key, {"timed_out": [], "skipped": []})
                record["timed_out"] += docs["timed_out"]
                record["skipped"] += docs["skipped"]
    return found


def _cluster_match(job: tuple[list[str], pd.DataFrame, dict[str, str] | None], shared: tuple) -> tuple:
    """One job on a Dask worker: the hits of some documents, split by document, and the slow regexes."""
    ids, sub, texts = job
    rules, lemma_phrases, phrase_words, drop_pseudonyms = shared
    if any(rx not in _COMPILED for by_code in rules.values() for r in by_code.values() for rx in r.regex):
        _COMPILED.update(_compile_regexes(rules))
    text_of = texts.__getitem__ if texts is not None else _text_source(sub, None)
    slow: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    hits = _match(sub, rules, lemma_phrases, phrase_words, text_of, _COMPILED, slow)
    if drop_pseudonyms:
        hits = _off_pseudonyms(hits, sub)
    return ids, _split_hits(hits, len(ids)), slow


# ---------------------------------------------------------------------------
# checking and ordering the input


def _languages(tokens: pd.DataFrame, codebook: Any, languages: Iterable[str] | None) -> list[str]:
    present = [str(x) for x in pd.unique(tokens["language"].dropna())]
    if languages is None:
        wanted = [lang for lang in present if lang in codebook.languages]
    else:
        if isinstance(languages, str):
            languages = [languages]
        wanted = []
        for lang in languages:
            check_option("languages", lang, codebook.languages, function="autocode")
            wanted.append(lang)
    uncovered = [lang for lang in present if lang not in codebook.languages
                 or not codebook.rules(lang)] if languages is None else []
    if uncovered:
        n = int(tokens["language"].isin(uncovered).sum())
        warn("RK-G10", f"{n:,} tokens are in {', '.join(repr(x) for x in uncovered)}, for which the codebook "
                      f"has no rules (its languages: {', '.join(codebook.languages)}); they were not coded. Add "
                      "rules in that language to the codebook, or pass languages=[...] to say which to apply.", stacklevel=3)
    return wanted


def _ordered(tokens: pd.DataFrame) -> pd.DataFrame:
    """Tokens sorted by document (in order of appearance) and token index."""
    codes, _ = pd.factorize(tokens["doc_id"], sort=False)
    token = tokens["token"].to_numpy()
    # already in order (annotate's frame is): checked with a few booleans per token, not a sort
    if bool(np.all((codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (token[1:] > token[:-1])))):
        return tokens.reset_index(drop=True)
    order = np.lexsort((token, codes))
    return tokens.iloc[order].reset_index(drop=True)


def _factorized(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct values) of a column; NA is a value.

    The codes of a categorical column as they are, in the order of its categories;
    the codes of another in order of appearance.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if not len(codes) or codes.min() >= 0:
            return codes, np.asarray(values.cat.categories, dtype=object)
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=False)
    # half the memory of numpy's default integers: a code per token
    return codes.astype("int32", copy=False) if len(uniques) < 1 << 31 else codes, np.asarray(uniques, dtype=object)


def _doc_bounds(tok: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Each document's first and past-the-last row, in tokens sorted by document (in that order)."""
    codes, names = _factorized(tok["doc_id"])
    if not len(codes):
        return {}
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(codes)]])
    return {str(names[codes[a]]): (int(a), int(b)) for a, b in zip(starts, ends)}


def _check_corpus(tok: pd.DataFrame, corpus: Corpus, doc_ids: Sequence[str],
                  bounds: Mapping[str, tuple[int, int]]) -> None:
    known = set(corpus.doc_ids)
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        raise CodingError("RK-G12", f"the tokens hold document(s) that are not in the corpus: "
                          f"{', '.join(map(repr, unknown[:5]))}{', …' if len(unknown) > 5 else ''}.",
                          hint="Pass the corpus the tokens were annotated from: tokens = annotate(corpus).")
    # The first and last token of each document must read the same in the corpus text.
    ends_of_docs = np.array([i for a, b in bounds.values() for i in (a, b - 1)], dtype="int64")
    text = dict(zip(ends_of_docs.tolist(), tok["text"].take(ends_of_docs).to_numpy(dtype=object)))
    start, end = tok["start_char"].to_numpy(), tok["end_char"].to_numpy()
    for doc_id, (a, b) in bounds.items():
        full = corpus.text(doc_id)
        for i in (a, b - 1):
            if full[int(start[i]):int(end[i])] != text[i]:
                raise CodingError(
                    "RK-G12", f'token {int(tok["token"].iat[i])} of "{doc_id}" reads {text[i]!r} in the tokens but '
                    f"{full[int(start[i]):int(end[i])]!r} in the corpus text.",
                    hint="The transcript changed since it was annotated: annotate the corpus again.")


def _warn_patterns(rules: Mapping[str, Mapping[str, Any]]) -> None:
    used = set()
    for by_code in rules.values():
        for r in by_code.values():
            for pattern in r.patterns:
                for token in pattern:
                    used |= {str(k).upper() for k in token} & _MISSING_ATTRS
    if used:
        warn("RK-G11", f"some patterns test {', '.join(sorted(used))}, which the tokens frame does not hold; "
                      "those tokens never match. Write the patterns on LEMMA, LOWER, POS or ENT_TYPE.", stacklevel=3)


def _tests_entities(rules: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether a pattern tests entity types (ENT_TYPE, ENT_IOB)."""
    return any(str(k).upper() in ("ENT_TYPE", "ENT_IOB") for by_code in rules.values() for r in by_code.values()
               for pattern in r.patterns for token in pattern for k in token)


def _with_entities(tok: pd.DataFrame, corpus: Corpus, doc_ids: Sequence[str]) -> pd.DataFrame:
    """``tok`` with the entities of its documents, recognised now (once: they are cached) when the rules need them.

    The tokens were annotated without entities (the default). The entity layer comes
    from :func:`~research_kit.annotate.annotate` with ``entities=True`` and the default
    pipelines, from the annotation cache when the tokens are there (only the
    recogniser runs then). Tokens that are not those (other pipelines, other options)
    keep no entities, with a warning (``RK-G17``).
    """
    from .annotate import annotate

    known = annotate(corpus.subset(list(doc_ids)), entities=True, progress=False)
    rank = {d: i for i, d in enumerate(doc_ids)}
    order = np.lexsort((known["token"].to_numpy(), known["doc_id"].astype(object).map(rank).to_numpy()))
    known = known.iloc[order]
    same = len(known) == len(tok) and all(
        np.array_equal(known[c].to_numpy(dtype="int64"), tok[c].to_numpy(dtype="int64"))
        for c in ("token", "start_char", "end_char"))
    if not same:
        warn("RK-G17", "some patterns test ENT_TYPE, but the tokens carry no entities and are not those that "
                      "annotate() gives with its default options, so no entities could be added: those patterns "
                      "match no entity. Pass tokens=annotate(corpus, entities=True, ...) with the options the tokens "
                      "were annotated with.", stacklevel=3)
        return tok
    return tok.assign(ent_type=known["ent_type"].to_numpy())


def _compile_regexes(rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Each regular expression compiled by the ``regex`` engine (V0: Python's syntax, read as ``re`` reads it)."""
    import regex

    out: dict[str, Any] = {}
    for lang, by_code in rules.items():
        for code, r in by_code.items():
            for rx in r.regex:
                if rx in out:
                    continue
                try:
                    out[rx] = regex.compile(rx, regex.V0)
                except (regex.error, RecursionError, OverflowError, ValueError, MemoryError) as e:
                    raise CodingError(
                        "RK-K14", f'code "{code}": the regular expression "{rx}" ({lang}) does not compile: {e}.',
                        hint="Fix it in the codebook; read_codebook() and validate_codebook() check every "
                             "rule.") from e
    return out


def _warn_slow(slow: Mapping[tuple[str, str, str], Mapping[str, list[str]]]) -> set[str]:
    """One warning per regular expression that ran out of time; the documents left incomplete."""
    incomplete: set[str] = set()

    def listed(docs: list[str]) -> str:
        shown = ", ".join(f'"{d}"' for d in docs[:5])
        return shown + (f" and {len(docs) - 5:,} more" if len(docs) > 5 else "")

    for (code, rx, lang), docs in slow.items():
        incomplete.update(docs["timed_out"], docs["skipped"])
        message = (f'code "{code}": the regular expression "{rx}" ({lang}) ran out of time '
                   f"({REGEX_TIMEOUT:g} s) on {listed(docs['timed_out'])}")
        if docs["skipped"]:
            message += f", and was not tried on {listed(docs['skipped'])}"
        message += ("; its matches in those documents were left out of the codings. Rewrite it so that it "
                    'cannot try a text in very many ways: no ".*" or nested repeats between words that may '
                    r'not come (e.g. "\bil\b[^.]{0,80}\bfaut\b" rather than "\bil\b.*\bfaut\b"), then '
                    "code again.")
        warn("RK-G16", message, stacklevel=3)
    return incomplete


def _rules_json(rules: Mapping[str, Mapping[str, Any]]) -> str:
    data = {lang: {code: {"lemmas": list(r.lemmas), "phrases": list(r.phrases),
                          "patterns": [[dict(t) for t in p] for p in r.patterns], "regex": list(r.regex)}
                   for code, r in by_code.items()} for lang, by_code in rules.items()}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def _norm(text: str) -> str:
    return text.translate(_APOSTROPHES).lower()


def _straight(values: pd.Series) -> pd.Series:
    """Typographic apostrophes made straight, vectorised."""
    values = values.astype("string")
    for curly in ("’", "ʼ", "‘"):
        values = values.str.replace(curly, "'", regex=False)
    return values


# ---------------------------------------------------------------------------
# phrases: cut into tokens by spaCy's tokenizer (cached), lemmatised by the corpus


def _phrase_words(rules: Mapping[str, Mapping[str, Any]], folder: Path | None) -> dict[str, dict[str, list[str]]]:
    """``{lang: {phrase: [lower-cased tokens]}}``; spaCy is imported only on a cache miss."""
    wanted = {lang: sorted({p for r in by_code.values() for p in r.phrases}) for lang, by_code in rules.items()}
    wanted = {lang: phrases for lang, phrases in wanted.items() if phrases}
    if not wanted:
        return {}
    stamp = content_hash("phrases", json.dumps(wanted, sort_keys=True, ensure_ascii=False),
                         _spacy_version())[:12]
    file = folder / f"phrases.{stamp}.json" if folder is not None else None
    missing = [(lang, p) for lang, phrases in wanted.items() for p in phrases if (lang, p) not in _PHRASE_TOKENS]
    if missing and file is not None and file.exists():
        try:
            stored = json.loads(file.read_text(encoding="utf-8"))
            for lang, phrases in stored.items():
                for phrase, words in phrases.items():
                    _PHRASE_TOKENS[(lang, phrase)] = tuple(words)
        except (OSError, ValueError, AttributeError):
            pass
        missing = [(lang, p) for lang, p in missing if (lang, p) not in _PHRASE_TOKENS]
    for lang, phrase in missing:
        tokenizer = _vocab_and_tokenizer(lang)[1]
        words = [_norm(t.text) for t in tokenizer(phrase.translate(_APOSTROPHES)) if not t.is_space]
        _PHRASE_TOKENS[(lang, phrase)] = tuple(words)
    if file is not None and not file.exists():  # so that a later process need not import spaCy
        data = {lang: {p: list(_PHRASE_TOKENS[(lang, p)]) for p in phrases} for lang, phrases in wanted.items()}
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(file, "w") as fh:
                json.dump(data, fh, ensure_ascii=False, sort_keys=True)
        except OSError:
            pass
    return {lang: {p: list(_PHRASE_TOKENS[(lang, p)]) for p in phrases} for lang, phrases in wanted.items()}


def _spacy_version() -> str:
    try:
        return importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return "none"


def _lemma_phrases(tok: pd.DataFrame,
                   phrase_words: Mapping[str, Mapping[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    """Each phrase as lemmas: every word takes the lemma the corpus's tokens most often give it."""
    out: dict[str, dict[str, list[str]]] = {}
    for lang, phrases in phrase_words.items():
        words = sorted({w for ws in phrases.values() for w in ws})
        rows = np.flatnonzero((tok["language"] == lang).to_numpy(dtype=bool))
        # lower-cased once per distinct text, not once per token
        codes, uniques = _factorized(tok["text"].iloc[rows] if len(rows) < len(tok) else tok["text"])
        lower = _straight(pd.Series(uniques, dtype="string")).str.lower()
        keep = lower.isin(words).to_numpy(dtype=bool)[codes]
        counts = (pd.DataFrame({"word": lower.to_numpy(dtype=object)[codes[keep]],
                                "lemma": tok["lemma"].take(rows[keep]).astype(str).to_numpy(dtype=object)})
                  .groupby(["word", "lemma"]).size().rename("n").reset_index()
                  .sort_values(["word", "n", "lemma"], ascending=[True, False, True]))
        best = dict(counts.drop_duplicates("word")[["word", "lemma"]].itertuples(index=False))
        out[lang] = {p: [_norm(best.get(w, w)) for w in ws] for p, ws in phrases.items()}
    return out


# ---------------------------------------------------------------------------
# matching


def _vocab_and_tokenizer(lang: str) -> tuple[Any, Any]:
    if lang not in _VOCABS:
        import spacy

        try:
            nlp = spacy.blank(lang)
        except (ImportError, KeyError, ValueError):
            nlp = spacy.blank("xx")
        _VOCABS[lang] = (nlp.vocab, nlp.tokenizer)
    return _VOCABS[lang]


def _text_source(sub: pd.DataFrame, corpus: Corpus | None):
    """A function doc_id -> document text: the corpus's, else rebuilt from the tokens."""
    if corpus is not None:
        return corpus.text
    cache: dict[str, str] = {}
    bounds = _doc_bounds(sub)
    texts = sub["text"].array
    start, turn = sub["start_char"].to_numpy(), sub["turn"].to_numpy()

    def rebuild(doc_id: str) -> str:
        if doc_id not in cache:
            a, b = bounds[doc_id]
            text = texts[a:b].tolist()
            pieces, pos = [], 0
            for i in range(a, b):
                s = int(start[i])
                if s > pos:  # white space inside a turn, the separator between turns
                    sep = schemas.TURN_SEPARATOR if i > a and turn[i] != turn[i - 1] else " "
                    pieces.append((sep * (s - pos))[: s - pos])
                pieces.append(text[i - a])
                pos = s + len(text[i - a])
            cache[doc_id] = "".join(pieces)
        return cache[doc_id]

    return rebuild


def _match(sub: pd.DataFrame, rules: Mapping[str, Mapping[str, Any]],
           lemma_phrases: Mapping[str, Mapping[str, list[str]]], phrase_words: Mapping[str, Mapping[str, list[str]]],
           text_of, compiled: Mapping[str, Any],
           slow: dict[tuple[str, str, str], dict[str, list[str]]]) -> dict[str, np.ndarray]:
    """Every hit of every rule in ``sub``: doc (index in order of appearance), start, end, code, evidence.

    ``slow`` receives the regular expressions that ran out of time, and where (see :func:`_regex_matches`).
    """
    doc_codes, doc_names = _runs(sub["doc_id"])
    start = sub["start_char"].to_numpy(dtype="int64")
    end = sub["end_char"].to_numpy(dtype="int64")
    turn = sub["turn"].to_numpy(dtype="int64")
    # languages as integer codes: an object array of every token's language costs a string per token
    lang_codes, lang_names = _factorized(sub["language"])
    lang_of = {str(name): k for k, name in enumerate(lang_names) if not pd.isna(name)}
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(rows_a: np.ndarray, rows_b: np.ndarray, codes: Sequence[str], evidence: Sequence[str]) -> None:
        """Hits from token ``rows_a`` to token ``rows_b`` (inclusive)."""
        if len(rows_a):
            found.append((doc_codes[rows_a], start[rows_a], end[rows_b], np.asarray(codes, object),
                          np.asarray(evidence, object)))

    # Texts, lower-cased texts and lemmas as a code per token and each distinct value once:
    # made straight and lower-cased once per value, never a string per token; each language
    # takes its tokens' codes (the Docs below take the values of one document at a time).
    text_all = _Coded(sub["text"], _straight)
    # Python's str.lower, as spaCy's LOWER and the rules' own lower-casing (_norm) do
    lower_all = text_all.mapped(lambda values: pd.Series([v.lower() if isinstance(v, str) else v for v in values],
                                                         dtype="string"))
    lemma_all = _Coded(sub["lemma"], lambda values: _straight(values.fillna("")).str.lower())
    for lang, by_code in rules.items():
        rows = np.flatnonzero(lang_codes == lang_of.get(lang, -2))
        if not len(rows):
            continue
        every = len(rows) == len(sub)
        text, lower, lemma = ((c if every else c.subset(rows)) for c in (text_all, lower_all, lemma_all))
        # lemmas: vectorised look-up, no spaCy
        owners: dict[str, list[str]] = {}
        for code, r in by_code.items():
            for item in r.lemmas:
                owners.setdefault(_norm(item), []).append(code)
        if owners:
            for column in (lemma, lower):
                at, codes, evidence = _lemma_hits(column, owners)
                add(rows[at], rows[at], codes, evidence)
        # phrases and patterns: spaCy matchers over Docs rebuilt from the tokens
        if any(r.phrases or r.patterns for r in by_code.values()):
            _spacy_matches(sub, rows, lang, by_code, text, lower, lemma, lemma_phrases.get(lang, {}),
                           phrase_words.get(lang, {}), turn, doc_codes, add)
        # regular expressions on the text of each run of turns in this language
        regexes = [(code, rx, compiled[rx]) for code, r in by_code.items() for rx in r.regex]
        if regexes:
            found.extend(_regex_matches(sub, rows, regexes, doc_codes, doc_names, text_of, lang, slow))
    if not found:
        return dict(_EMPTY_HITS)
    return {
        "doc": np.concatenate([f[0] for f in found]).astype("int64"),
        "start": np.concatenate([f[1] for f in found]).astype("int64"),
        "end": np.concatenate([f[2] for f in found]).astype("int64"),
        "code": np.concatenate([f[3] for f in found]),
        "evidence": np.concatenate([f[4] for f in found]),
    }


def _lemma_hits(column: _Coded, owners: Mapping[str, list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, code, evidence) for every row of ``column`` whose value is a key of ``owners``, once per
    code owning it (rows in order, then codes in the order of ``owners[value]``)."""
    keys = list(owners)
    key_of = pd.Index(keys, dtype=object).get_indexer(column.values).astype("int32")   # per distinct value; -1: none
    per_row = key_of[column.codes]
    hit = np.flatnonzero(per_row >= 0)
    k = per_row[hit]
    n_owners = np.array([len(owners[w]) for w in keys], dtype="int64")
    first = np.concatenate([[0], np.cumsum(n_owners)[:-1]])
    reps = n_owners[k]
    # the i-th pair of a hit takes its key's i-th owner
    nth = np.arange(int(reps.sum()), dtype="int64") - np.repeat(np.cumsum(reps) - reps, reps)
    flat = np.repeat(first[k], reps) + nth
    codes = np.array([c for w in keys for c in owners[w]], dtype=object)
    evidence = np.array([f"lemma:{w}" for w in keys for _ in owners[w]], dtype=object)
    return np.repeat(hit, reps), codes[flat], evidence[flat]


def _runs(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, values) of a column whose equal values are contiguous (tokens in document
    order): the codes count the runs, in order of appearance, as ``pd.factorize`` gives them."""
    codes, names = _factorized(values)
    if not len(codes):
        return np.zeros(0, dtype="int32"), names[:0]
    first = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    run = np.zeros(len(codes), dtype="int32")
    run[first[1:]] = 1
    return np.cumsum(run, dtype="int32"), names[codes[first]]


class _Coded:
    """A string column as a code per row and its distinct values, transformed once each.

    ``transform`` takes and returns a ``string`` Series of the distinct values (made
    straight, lower-cased…); ``take(rows)`` gives the transformed values of some rows.
    """

    def __init__(self, values: pd.Series, transform: Any = None, *, codes: np.ndarray | None = None,
                 uniques: pd.Series | None = None) -> None:
        if codes is None:
            codes, distinct = _factorized(values)
            uniques = pd.Series(distinct, dtype="string")
        self.codes = codes
        self.uniques = transform(uniques) if transform is not None else uniques
        self.values = self.uniques.to_numpy(dtype=object, na_value=None)
        self._index: dict[str, list[int]] | None = None
        self._rows: tuple[np.ndarray, np.ndarray] | None = None

    def having(self, values: Iterable[str]) -> np.ndarray:
        """Per code, whether its value is one of ``values`` (transformed, two codes may share a value)."""
        if self._index is None:
            self._index = {}
            for i, v in enumerate(self.values):
                if isinstance(v, str):
                    self._index.setdefault(v, []).append(i)
        table = np.zeros(len(self.values), dtype=bool)
        for value in values:
            table[self._index.get(value, [])] = True
        return table

    def rows_having(self, table: np.ndarray) -> np.ndarray:
        """The rows, in order, whose code ``table`` marks (a :meth:`having` result).

        Read from an index of the rows of each code (one stable sort, made on first
        use), so that a rare value costs its rows, not a look-up per row.
        """
        if self._rows is None:
            counts = np.bincount(self.codes, minlength=len(self.values))
            # a 16-bit copy when the codes fit: numpy sorts those by radix, four times faster
            codes = self.codes.astype("uint16") if len(self.values) <= 1 << 16 else self.codes
            order = np.argsort(codes, kind="stable")
            order = order.astype("int32") if len(order) < 1 << 31 else order
            self._rows = order, np.concatenate([[0], np.cumsum(counts)])
        order, starts = self._rows
        picked = np.flatnonzero(table)
        if len(picked) == 1:
            return order[starts[picked[0]]:starts[picked[0] + 1]]
        parts = [order[starts[c]:starts[c + 1]] for c in picked]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=order.dtype)

    def subset(self, rows: np.ndarray) -> _Coded:
        """These ``rows`` only, sharing the distinct values (already transformed)."""
        out = _Coded(None, None, codes=self.codes[rows], uniques=self.uniques)  # type: ignore[arg-type]
        out._index = self._index
        return out

    def mapped(self, transform: Any) -> _Coded:
        """The same rows, their values transformed again."""
        return _Coded(None, transform, codes=self.codes, uniques=self.uniques)  # type: ignore[arg-type]

    def take(self, rows: Any) -> np.ndarray:
        return self.values[self.codes[rows]]


def _prepare_pattern(pattern: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A copy of the pattern with LEMMA values lower-cased, like the tokens' lemmas."""
    out = copy.deepcopy([dict(t) for t in pattern])
    for token in out:
        for key, value in token.items():
            if str(key).upper() != "LEMMA":
                continue
            if isinstance(value, str):
                token[key] = _norm(value)
            elif isinstance(value, dict):
                token[key] = {op: ([_norm(v) if isinstance(v, str) else v for v in vals] if isinstance(vals, list)
                                   else (_norm(vals) if isinstance(vals, str) else vals))
                              for op, vals in value.items()}
    return out


# Pattern keys matched by comparing columns (:func:`_sequence_matches`), and the column each compares.
_COLUMN_KEYS = {"LOWER": "lower", "ORTH": "text", "TEXT": "text", "LEMMA": "lemma", "POS": "pos"}


def _column_tests(pattern: Sequence[Mapping[str, Any]]) -> list[list[tuple[str, bool, frozenset[str]]]] | None:
    """A token pattern as tests on columns: per token, ``(column, inside, values)`` that must all hold.

    Only a pattern of one token spec per token (no ``OP``) whose keys are
    :data:`_COLUMN_KEYS` and whose values are strings, or ``IN`` / ``NOT_IN`` lists of
    strings, is read so; ``None`` for any other, which spaCy's ``Matcher`` runs.
    """
    tests: list[list[tuple[str, bool, frozenset[str]]]] = []
    for spec in pattern:
        here = []
        for key, value in spec.items():
            column = _COLUMN_KEYS.get(str(key).upper())
            if column is None:
                return None
            if isinstance(value, str):
                here.append((column, True, frozenset([value])))
            elif (isinstance(value, dict) and value and set(value) <= {"IN", "NOT_IN"}
                  and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values())):
                here += [(column, op == "IN", frozenset(v)) for op, v in value.items()]
            else:
                return None
        if not here:
            return None
        tests.append(here)
    return tests or None


def _sequence_matches(tests: Sequence[Sequence[tuple[str, bool, frozenset[str]]]], columns: Mapping[str, _Coded],
                      doc_of: np.ndarray, turn_of: np.ndarray) -> np.ndarray:
    """Where a run of tokens passes ``tests`` (one list per token) inside one turn: the positions of its first tokens.

    What spaCy's ``PhraseMatcher`` and ``Matcher`` find for such a phrase or pattern on a
    Doc of these tokens, restricted (as every match is) to one turn; the values are
    compared as codes, without building a Doc nor a Token per token.
    """
    n, size = len(doc_of), len(tests)
    if n < size:
        return np.zeros(0, dtype="int64")

    def holds(k: int, at: np.ndarray | slice) -> np.ndarray:
        keep = None
        for column, inside, values in tests[k]:
            coded = columns[column]
            ok = coded.having(values)[coded.codes[at]]
            ok = ok if inside else ~ok
            keep = ok if keep is None else keep & ok
        return keep  # type: ignore[return-value]

    # the first token's candidates from the index of a value it must have (a phrase's
    # first word is rare: its rows, not a look-up per token); a full scan otherwise
    wanted = [(column, values) for column, inside, values in tests[0] if inside]
    if wanted:
        coded = columns[wanted[0][0]]
        at = coded.rows_having(coded.having(wanted[0][1]))
        at = at[:np.searchsorted(at, n - size + 1)]
        at = at[holds(0, at)] if len(tests[0]) > 1 else at
    else:
        at = np.flatnonzero(holds(0, slice(0, n - size + 1)))
    for k in range(1, size):
        at = at[holds(k, at + k)]
    last = at + size - 1
    return at[(doc_of[at] == doc_of[last]) & (turn_of[at] == turn_of[last])]


def _spacy_matches(sub: pd.DataFrame, rows: np.ndarray, lang: str, by_code: Mapping[str, Any], text: _Coded,
                   lower: _Coded, lemma: _Coded, lemma_phrases: Mapping[str, list[str]], phrase_words: Mapping[str, list[str]],
                   turn: np.ndarray, doc_codes: np.ndarray, add) -> None:
    """Phrase and pattern hits in the tokens ``rows`` of ``sub``; ``text``, ``lower`` and ``lemma``
    hold one value per row of ``rows``.

    Phrases, and patterns of plain comparisons (:func:`_column_tests`), are matched by
    comparing columns (:func:`_sequence_matches`: at 1M words, 0.2 s where Docs and
    spaCy's matchers took 5.4 s); the other patterns by spaCy's ``Matcher`` on Docs
    rebuilt from the tokens, a document at a time.
    """
    from spacy.parts_of_speech import IDS

    every = len(rows) == len(sub)
    pos = _Coded(sub["pos"] if every else sub["pos"].iloc[rows],
                 lambda values: values.where(values.isin(list(IDS)), "X"))
    columns = {"text": text, "lower": lower, "lemma": lemma, "pos": pos}
    doc_of, turn_of = doc_codes[rows], turn[rows]
    hits: list[tuple[np.ndarray, int, str, str]] = []   # first positions, length, code, evidence
    rest: list[tuple[str, Any]] = []
    for code, r in by_code.items():
        for phrase in r.phrases:
            words = phrase_words[phrase]
            if not words:
                continue
            evidence = f"phrase:{phrase}"
            hits.append((_sequence_matches([[("lower", True, frozenset([w.lower()]))] for w in words], columns,
                                           doc_of, turn_of), len(words), code, evidence))
            if phrase in lemma_phrases:
                hits.append((_sequence_matches([[("lemma", True, frozenset([w]))] for w in lemma_phrases[phrase]],
                                               columns, doc_of, turn_of), len(words), code, evidence))
        for pattern in r.patterns:
            prepared = _prepare_pattern(pattern)
            tests = _column_tests(prepared)
            if tests is None:
                rest.append((code, pattern))
                continue
            shown = json.dumps([dict(t) for t in pattern], ensure_ascii=False, separators=(",", ":"))
            hits.append((_sequence_matches(tests, columns, doc_of, turn_of), len(tests), code, f"pattern:{shown}"))
    for at, size, code, evidence in hits:
        if len(at):
            add(rows[at], rows[at + size - 1], [code] * len(at), [evidence] * len(at))
    if rest:
        _matcher_matches(sub, rows, lang, rest, text, lemma, pos, turn, doc_codes, add)


def _matcher_matches(sub: pd.DataFrame, rows: np.ndarray, lang: str, patterns: Sequence[tuple[str, Any]],
                     text: _Coded, lemma: _Coded, pos: _Coded, turn: np.ndarray, doc_codes: np.ndarray, add) -> None:
    """The hits of ``(code, pattern)`` pairs by spaCy's ``Matcher``, on one Doc per document of the tokens ``rows``."""
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    vocab = _vocab_and_tokenizer(lang)[0]
    labels: dict[int, tuple[str, str]] = {}

    def key(code: str, evidence: str) -> str:
        name = f"{code}\x1f{evidence}"
        labels[vocab.strings.add(name)] = (code, evidence)
        return name

    matcher = Matcher(vocab)
    needs_ents = needs_sents = False
    for code, pattern in patterns:
        prepared = _prepare_pattern(pattern)
        attrs = {str(k).upper() for t in prepared for k in t}
        needs_ents |= bool(attrs & {"ENT_TYPE", "ENT_IOB"})
        needs_sents |= bool(attrs & {"IS_SENT_START", "SENT_START"})
        shown = json.dumps([dict(t) for t in pattern], ensure_ascii=False, separators=(",", ":"))
        matcher.add(key(code, f"pattern:{shown}"), [prepared])

    every = len(rows) == len(sub)
    start = sub["start_char"].to_numpy()
    end = sub["end_char"].to_numpy()
    ents = _Coded(sub["ent_type"] if every else sub["ent_type"].iloc[rows],
                  lambda values: values.fillna("")) if needs_ents else None
    sents = sub["sentence"].to_numpy()[rows] if needs_sents else None
    # One Doc per document (the tokens of this language); matches across two turns are dropped.
    # Offsets and turns are taken a document at a time: no copy of them per token.
    doc_of = doc_codes[rows]
    cuts = np.concatenate([[0], np.flatnonzero(doc_of[1:] != doc_of[:-1]) + 1, [len(rows)]])
    del doc_of
    starts_out, ends_out, codes_out, evidence_out = [], [], [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        here = rows[a:b]
        d_start, d_end, d_turn = start[here], end[here], turn[here]
        spaces = np.zeros(b - a, dtype=bool)
        spaces[:-1] = (d_start[1:] > d_end[:-1]) & (d_turn[1:] == d_turn[:-1])
        kwargs: dict[str, Any] = {}
        if needs_ents:
            e = ents.take(slice(a, b))
            prev = np.concatenate([[""], e[:-1]])
            kwargs["ents"] = ["O" if not x else (f"I-{x}" if x == p else f"B-{x}") for x, p in zip(e, prev)]
        if needs_sents:
            s = sents[a:b]
            kwargs["sent_starts"] = np.concatenate([[True], s[1:] != s[:-1]]).tolist()
        doc = Doc(vocab, words=text.take(slice(a, b)).tolist(), spaces=spaces.tolist(),
                  lemmas=lemma.take(slice(a, b)).tolist(), pos=pos.take(slice(a, b)).tolist(), **kwargs)
        for match_id, i, j in matcher(doc):
            code, evidence = labels[match_id]
            starts_out.append(a + i)
            ends_out.append(a + j - 1)
            codes_out.append(code)
            evidence_out.append(evidence)
    if not starts_out:
        return
    first, last = np.array(starts_out, dtype="int64"), np.array(ends_out, dtype="int64")
    same_turn = turn[rows[first]] == turn[rows[last]]
    add(rows[first[same_turn]], rows[last[same_turn]], np.asarray(codes_out, object)[same_turn],
        np.asarray(evidence_out, object)[same_turn])


def _regex_matches(sub: pd.DataFrame, rows: np.ndarray, regexes, doc_codes: np.ndarray, doc_names, text_of,
                   lang: str, slow: dict[tuple[str, str, str], dict[str, list[str]]]):
    """Regex hits inside the runs of consecutive turns that are in this language.

    Each pattern has :data:`REGEX_TIMEOUT` seconds per document. One that runs out of time
    there finds nothing in that document (never a part of its matches), and is listed in
    ``slow[(code, pattern, lang)]["timed_out"]``; after :data:`REGEX_MAX_TIMEOUTS` such
    documents, it is not tried on the next ones, listed under ``"skipped"``.
    """
    # each turn's span: the rows are in document and token order, so a turn's tokens are one run
    t_doc, t_turn = doc_codes[rows], sub["turn"].to_numpy()[rows]
    first = np.flatnonzero(np.concatenate([[True], (t_doc[1:] != t_doc[:-1]) | (t_turn[1:] != t_turn[:-1])]))
    if not len(rows):
        return []
    span_doc, span_turn = t_doc[first], t_turn[first]
    span_start = np.minimum.reduceat(sub["start_char"].to_numpy()[rows], first)
    span_end = np.maximum.reduceat(sub["end_char"].to_numpy()[rows], first)
    doc_cuts = np.concatenate([[0], np.flatnonzero(span_doc[1:] != span_doc[:-1]) + 1, [len(first)]])
    out = []
    for lo_span, hi_span in zip(doc_cuts[:-1], doc_cuts[1:]):
        doc = span_doc[lo_span]
        name = str(doc_names[doc])
        text = text_of(name)
        turns = span_turn[lo_span:hi_span]
        t_start, t_end = span_start[lo_span:hi_span], span_end[lo_span:hi_span]
        cuts = np.concatenate([[0], np.flatnonzero(np.diff(turns) != 1) + 1, [len(turns)]])
        runs = list(zip(cuts[:-1], cuts[1:]))
        for code, rx, compiled in regexes:
            record = slow.get((code, rx, lang))
            if record is not None and len(record["timed_out"]) >= REGEX_MAX_TIMEOUTS:
                record["skipped"].append(name)
                continue
            mine = []
            deadline = time.monotonic() + REGEX_TIMEOUT
            try:
                for a, b in runs:
                    lo, hi = int(t_start[a]), int(t_end[b - 1])
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    found = [(m.start() + lo, m.end() + lo)
                             for m in compiled.finditer(text[lo:hi], timeout=left) if m.end() > m.start()]
                    if not found:
                        continue
                    s = np.array([f[0] for f in found], dtype="int64")
                    e = np.array([f[1] for f in found], dtype="int64")
                    # the turn holding each end: the last turn starting at or before it
                    first = np.searchsorted(t_start[a:b], s, side="right") - 1
                    last = np.searchsorted(t_start[a:b], e - 1, side="right") - 1
                    keep = (first == last) & (s < t_end[a:b][np.maximum(first, 0)])
                    if keep.any():
                        n = int(keep.sum())
                        mine.append((np.full(n, doc, "int64"), s[keep], e[keep], np.full(n, code, object),
                                     np.full(n, f"regex:{rx}", object)))
            except TimeoutError:
                slow.setdefault((code, rx, lang), {"timed_out": [], "skipped": []})["timed_out"].append(name)
                continue
            out.extend(mine)
    return out


def _off_pseudonyms(hits: dict[str, np.ndarray], sub: pd.DataFrame) -> dict[str, np.ndarray]:
    """The hits whose first and last characters lie outside every pseudonym token of ``sub``."""
    pseudo = sub["is_pseudonym"].to_numpy(dtype=bool, na_value=False)
    if not pseudo.any() or not len(hits["start"]):
        return hits
    doc = pd.factorize(sub["doc_id"], sort=False)[0].astype("int64")[pseudo]
    lo = doc * _SHIFT + sub["start_char"].to_numpy(dtype="int64")[pseudo]  # sorted: sub is in document order
    hi = doc * _SHIFT + sub["end_char"].to_numpy(dtype="int64")[pseudo]

    def inside(at: np.ndarray) -> np.ndarray:
        i = np.searchsorted(lo, at, side="right") - 1
        return (i >= 0) & (hi[np.maximum(i, 0)] > at)

    first, last = hits["doc"] * _SHIFT + hits["start"], hits["doc"] * _SHIFT + hits["end"] - 1
    keep = ~(inside(first) | inside(last))
    return {k: v[keep] for k, v in hits.items()}


def _split_hits(hits: Mapping[str, np.ndarray], n_docs: int) -> list[dict[str, np.ndarray]]:
    order = np.lexsort((hits["end"], hits["start"], hits["doc"]))
    sorted_hits = {k: v[order] for k, v in hits.items()}
    cuts = np.searchsorted(sorted_hits["doc"], np.arange(n_docs + 1), side="left")
    return [{k: sorted_hits[k][cuts[i]:cuts[i + 1]] for k in ("start", "end", "code", "evidence")}
            for i in range(n_docs)]


def _empty_doc_hits() -> dict[str, np.ndarray]:
    return {k: _EMPTY_HITS[k].copy() for k in ("start", "end", "code", "evidence")}


# ---------------------------------------------------------------------------
# units and merging


def _unit_spans(tok: pd.DataFrame, corpus: Corpus | None, doc_ids: Sequence[str],
                unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc index, start, end) of every unit, sorted."""
    where = {d: i for i, d in enumerate(doc_ids)}
    if unit == "turn" and corpus is not None:
        t = corpus.turns[corpus.turns["doc_id"].isin(doc_ids)]
        doc = t["doc_id"].map(where).to_numpy(dtype="int64")
        start, end = t["start_char"].to_numpy(dtype="int64"), t["end_char"].to_numpy(dtype="int64")
    else:
        column = "turn" if unit == "turn" else "sentence"
        words = tok.loc[~tok["is_space"].to_numpy(dtype=bool), ["doc_id", column, "start_char", "end_char"]]
        spans = (words.groupby(["doc_id", column], sort=False)
                 .agg(start=("start_char", "min"), end=("end_char", "max")).reset_index())
        doc = spans["doc_id"].map(where).to_numpy(dtype="int64")
        start, end = spans["start"].to_numpy(dtype="int64"), spans["end"].to_numpy(dtype="int64")
    order = np.lexsort((start, doc))
    return doc[order], start[order], end[order]


def _widen(hits: Mapping[str, np.ndarray], spans: tuple[np.ndarray, np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """Each hit becomes the span from the first to the last unit it overlaps."""
    u_doc, u_start, u_end = spans
    g_start, g_end = u_doc * _SHIFT + u_start, u_doc * _SHIFT + u_end
    h_start, h_end = hits["doc"] * _SHIFT + hits["start"], hits["doc"] * _SHIFT + hits["end"]
    first = np.searchsorted(g_end, h_start, side="right")
    last = np.searchsorted(g_start, h_end, side="left") - 1
    ok = (first <= last) & (first < len(g_end))
    first, last = first[ok], last[ok]
    return {"doc": hits["doc"][ok], "start": u_start[first], "end": u_end[last],
            "code": hits["code"][ok], "evidence": hits["evidence"][ok]}


def _merge(hits: Mapping[str, np.ndarray], code_order: Sequence[str]) -> pd.DataFrame:
    """Overlapping hits of one code in one document become one segment; evidence joined.

    Vectorised: hits are sorted by (document, code, start, end), a segment starts where
    a hit starts at or after the furthest end of the previous hits of its group, and the
    evidence of segments of several hits is joined a position at a time (each distinct
    evidence once, in order), never a segment at a time in Python.
    """
    if not len(hits["start"]):
        return pd.DataFrame({"doc": [], "start": [], "end": [], "code": [], "evidence": []})
    # codes and evidence as integer codes: each distinct string looked at once
    code_id, code_names = pd.factorize(np.asarray(hits["code"], dtype=object))
    rank_of = {c: i for i, c in enumerate(code_order)}
    rank = np.array([rank_of.get(c, len(rank_of)) for c in code_names], dtype="int64")[code_id]
    # unknown codes share a rank: tell them apart by name
    extra = np.where(rank == len(rank_of), code_id, 0).astype("int64")
    ev_id, ev_names = pd.factorize(np.asarray(hits["evidence"], dtype=object))
    doc, start, end = hits["doc"], hits["start"], hits["end"]
    order = np.lexsort((end, start, extra, rank, doc))
    doc, start, end, rank, extra = doc[order], start[order], end[order], rank[order], extra[order]
    code_id, ev_id = code_id[order], ev_id[order]
    group = np.cumsum(np.concatenate([[True], (doc[1:] != doc[:-1]) | (rank[1:] != rank[:-1])
                                      | (extra[1:] != extra[:-1])]))
    reach = pd.Series(end).groupby(group).cummax().to_numpy()
    new = np.ones(len(end), dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (start[1:] >= reach[:-1])
    first = np.flatnonzero(new)
    segment = np.cumsum(new) - 1
    # each segment's distinct evidence in order of its hits: "a; b; c"
    once = ~pd.Series(segment * len(ev_names) + ev_id).duplicated().to_numpy()
    seg_kept, ev_kept = segment[once], ev_id[once]
    heads = np.flatnonzero(np.concatenate([[True], seg_kept[1:] != seg_kept[:-1]]))
    nth = np.arange(len(seg_kept)) - np.repeat(heads, np.diff(np.append(heads, len(seg_kept))))  # place in its segment
    names = np.asarray(ev_names, dtype=object)
    joined = names[ev_id[first]]
    following = np.array(["; " + e for e in names], dtype=object)
    for k in range(1, int(nth.max()) + 1):
        at = nth == k
        joined[seg_kept[at]] = joined[seg_kept[at]] + following[ev_kept[at]]
    seg_end, seg_rank = np.maximum.reduceat(end, first), rank[first]
    seg_doc, seg_start = doc[first], start[first]
    out = np.lexsort((seg_rank, seg_end, seg_start, seg_doc))
    return pd.DataFrame({"doc": seg_doc[out], "start": seg_start[out], "end": seg_end[out],
                         "code": np.asarray(code_names, dtype=object)[code_id[first][out]],
                         "evidence": joined[out], "_rank": seg_rank[out]})


def _frame(merged: pd.DataFrame, doc_ids: Sequence[str], coder: str) -> pd.DataFrame:
    if merged.empty:
        return schemas.empty_frame(schemas.CODINGS)
    names = np.asarray(doc_ids, dtype=object)
    out = pd.DataFrame({
        "doc_id": pd.array(names[merged["doc"].to_numpy(dtype="int64")], dtype="string"),
        "start_char": merged["start"].to_numpy(dtype="int64"),
        "end_char": merged["end"].to_numpy(dtype="int64"),
        "code": pd.array(merged["code"].to_numpy(dtype=object), dtype="string"),
        "coder": pd.array([coder] * len(merged), dtype="string"),
        "memo": pd.array(merged["evidence"].to_numpy(dtype=object), dtype="string"),
        "coded_at": pd.Series(pd.NaT, index=range(len(merged)), dtype="datetime64[ns, UTC]"),
    })
    return out


# ---------------------------------------------------------------------------
# cache files


def _read_all_cached(paths: list[Path]) -> list[dict[str, np.ndarray] | None]:
    """:func:`_read_cached` of each file (``None`` for one that does not read), in a few threads:
    most of a small file's reading is Arrow's, which releases the GIL."""
    def read(path: Path) -> dict[str, np.ndarray] | None:
        try:
            return _read_cached(path)
        except Exception:  # noqa: BLE001 - truncated, corrupt, unreadable: matched again
            return None

    if len(paths) < 8:
        return [read(p) for p in paths]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(read, paths))


def _read_cached(path: Path) -> dict[str, np.ndarray]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path).read(use_threads=False)
    return {"start": table.column("start").to_numpy().astype("int64"),
            "end": table.column("end").to_numpy().astype("int64"),
            "code": table.column("code").to_numpy(zero_copy_only=False).astype(object, copy=False),
            "evidence": table.column("evidence").to_numpy(zero_copy_only=False).astype(object, copy=False)}


def _write_cached(path: Path, hits: Mapping[str, np.ndarray]) -> None:
    import pyarrow as pa

    table = pa.table({"start": pa.array(hits["start"], pa.int64()), "end": pa.array(hits["end"], pa.int64()),
                      "code": pa.array(list(hits["code"]), pa.string()),
                      "evidence": pa.array(list(hits["evidence"]), pa.string())})
    write_cache_table(path, table)


# ---------------------------------------------------------------------------
# evaluation


def evaluate_rules(
    rules_codings: pd.DataFrame,
    human_codings: pd.DataFrame,
    corpus: Corpus,
    *,
    unit: Literal["turn", "sentence"] = "turn",
    tokens: pd.DataFrame | None = None,
    coder: str | Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
    max_chars: int = 300,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How well the rules find what a person coded: precision, recall and F1 per code.

    A unit (turn or sentence) is *positive* for a code when a segment of that code
    overlaps it. Against the person's units, the rules' units are true positives
    (both), false hits (rules only) and misses (person only).

    Parameters
    ----------
    rules_codings
        What :func:`autocode` returned (any coder; every row counts).
    human_codings
        The reference codings.
    corpus
        The corpus both refer to.
    unit
        ``"turn"`` or ``"sentence"`` (needs ``tokens``).
    tokens
        The tokens frame, for sentence units.
    coder
        The person (or people, pooled: a unit is positive when any of them coded it)
        whose codings are the reference; needed when ``human_codings`` holds several.
    codes
        Evaluate these codes only (default: every code either side applied).
    documents
        The documents to evaluate (default: those where the reference coded something,
        as :func:`~research_kit.agreement.agreement` does).
    max_chars
        Length at which the unit's text is cut in ``errors``.

    Returns
    -------
    (scores, errors) : tuple of pandas.DataFrame
        ``scores``: ``code, units, human_units, rules_units, true_positives,
        false_positives, false_negatives, precision, recall, f1``, one row per code
        then ``(micro)`` (counts summed over codes) and ``(macro)`` (unweighted mean
        of the codes' precision, recall and F1, leaving out codes where a measure is
        undefined). Precision is NaN when the rules found nothing, recall when the
        person coded nothing; F1 is ``2·TP / (2·TP + FP + FN)``.
        ``errors``: ``doc_id, unit, turn, start_char, end_char, speaker, code, kind,
        text, evidence``, one row per miss (``kind="miss"``: the person coded the unit,
        the rules did not) and per false hit (``kind="false_hit"``), with the unit's
        text cut at ``max_chars`` and the memos of the rules' segments in the unit.

    References
    ----------
    van Rijsbergen, C. J. (1979), *Information Retrieval*, ch. 7 (precision, recall, F).

    Examples
    --------
    >>> scores, errors = evaluate_rules(autocode(tokens, codebook, corpus=corpus), camille, corpus)  # doctest: +SKIP
    >>> errors[errors.kind == "miss"].head()  # doctest: +SKIP
    """
    schemas.validate_frame(rules_codings, schemas.CODINGS, argument="rules_codings")
    schemas.validate_frame(human_codings, schemas.CODINGS, argument="human_codings")
    check_option("unit", unit, ("turn", "sentence"), function="evaluate_rules")
    human = human_codings
    coders = sorted(human["coder"].dropna().unique())
    if coder is None:
        if len(coders) > 1:
            raise CodingError("RK-G13", f"human_codings holds the codings of {len(coders)} coders "
                              f"({', '.join(coders)}); the reference must be one person or a chosen group.",
                              hint=f"Pass coder={coders[0]!r}, or coder={coders!r} to pool them.")
    else:
        chosen = [coder] if isinstance(coder, str) else list(coder)
        for c in chosen:
            check_option("coder", c, coders, function="evaluate_rules")
        human = human[human["coder"].isin(chosen)]
    docs = sorted(human["doc_id"].unique()) if documents is None else list(documents)
    known = set(corpus.doc_ids)
    docs = [d for d in docs if d in known]
    unit_frame = units(corpus.subset(docs), unit=unit, tokens=tokens).reset_index(drop=True)
    rules = rules_codings[rules_codings["doc_id"].isin(docs)]
    human = human[human["doc_id"].isin(docs)]
    wanted = list(codes) if codes is not None else sorted(set(human["code"].dropna()) | set(rules["code"].dropna()))
    cols = ["doc_id", "start_char", "end_char", "code", "memo"]
    h = snap(human[cols], unit_frame)[["doc_id", "unit", "code"]].drop_duplicates()
    r = snap(rules[cols], unit_frame)
    evidence = (r.groupby(["doc_id", "unit", "code"], sort=False)["memo"]
                .agg(lambda s: "; ".join(dict.fromkeys(str(x) for x in s if pd.notna(x))))
                .rename("evidence").reset_index())
    both = h.assign(human=True).merge(evidence.assign(rules=True), on=["doc_id", "unit", "code"], how="outer")
    both = both[both["code"].isin(wanted)]
    both["human"] = both["human"].fillna(False).astype(bool)
    both["rules"] = both["rules"].fillna(False).astype(bool)

    rows = []
    for code in wanted:
        part = both[both["code"] == code]
        tp = int((part["human"] & part["rules"]).sum())
        fp = int((~part["human"] & part["rules"]).sum())
        fn = int((part["human"] & ~part["rules"]).sum())
        rows.append({"code": code, "units": len(unit_frame), "true_positives": tp, "false_positives": fp,
                     "false_negatives": fn, **_prf(tp, fp, fn)})
    scores = pd.DataFrame(rows, columns=["code", "units", "true_positives", "false_positives", "false_negatives",
                                         "precision", "recall", "f1"])
    if len(scores):
        tp, fp, fn = (int(scores[c].sum()) for c in ("true_positives", "false_positives", "false_negatives"))
        micro = {"code": "(micro)", "units": len(unit_frame) * len(wanted), "true_positives": tp,
                 "false_positives": fp, "false_negatives": fn, **_prf(tp, fp, fn)}
        macro = {"code": "(macro)", "units": len(unit_frame) * len(wanted), "true_positives": tp,
                 "false_positives": fp, "false_negatives": fn,
                 **{m: float(scores[m].mean()) if scores[m].notna().any() else np.nan
                    for m in ("precision", "recall", "f1")}}
        scores = pd.concat([scores, pd.DataFrame([micro, macro])], ignore_index=True)
    scores.insert(2, "human_units", (scores["true_positives"] + scores["false_negatives"]).astype("int64"))
    scores.insert(3, "rules_units", (scores["true_positives"] + scores["false_positives"]).astype("int64"))
    for c in ("units", "true_positives", "false_positives", "false_negatives"):
        scores[c] = scores[c].astype("int64")
    for c in ("precision", "recall", "f1"):
        scores[c] = scores[c].astype("float64")
    scores["code"] = scores["code"].astype("string")

    wrong = both[both["human"] != both["rules"]].copy()
    wrong["kind"] = np.where(wrong["human"], "miss", "false_hit")
    wrong = wrong.merge(unit_frame, on=["doc_id", "unit"], how="left")
    wrong = wrong.merge(corpus.turns[["doc_id", "turn", "speaker"]], on=["doc_id", "turn"], how="left")
    wrong["text"] = [_cut(corpus.text(d)[int(s):int(e)], max_chars)
                     for d, s, e in zip(wrong["doc_id"], wrong["start_char"], wrong["end_char"])]
    error_cols = ["doc_id", "unit", "turn", "start_char", "end_char", "speaker", "code", "kind", "text", "evidence"]
    if wrong.empty:
        errors = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("unit", "turn", "start_char", "end_char")
                                            else "string") for c in error_cols})
        return scores, errors
    errors = wrong[error_cols].sort_values(["doc_id", "start_char", "code", "kind"]).reset_index(drop=True)
    for c in ("unit", "turn", "start_char", "end_char"):
        errors[c] = errors[c].astype("int64")
    for c in ("doc_id", "speaker", "code", "kind", "text", "evidence"):
        errors[c] = errors[c].astype("string")
    return scores, errors


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else np.nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
    return {"precision": precision, "recall": recall, "f1": f1}


def _cut(text: str, n: int) -> str:
    if len(text) <= n:
        return text
    head = text[: n - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"
