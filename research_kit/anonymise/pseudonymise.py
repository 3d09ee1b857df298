"""The ``pseudonymise`` verb: a copy of a corpus in which participants cannot be named.

Speakers get role-aware pseudonyms numbered in order of first appearance; every string
that :mod:`.detect` found and :mod:`.registry` grouped is replaced in turns, titles,
document variables, paths and document ids, whatever its case, inside transcribers' notes
too; a name that is also a common word only where :mod:`.mentions` finds evidence, and
each pseudonym with the elision or possessive its place needs; the key records it all. The replacements
frame (:data:`~research_kit.schemas.REPLACEMENTS`) is also the offset map with which
:func:`carry_codings` moves codings onto the copy.
"""

from __future__ import annotations

import bisect
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from .. import schemas
from ..corpus import Corpus, build_corpus
from ..manifest import Manifest
from ..errors import PseudonymisationError, did_you_mean, warn
from ..schemas import REPLACEMENTS
from .detect import (CIVILITY_BEFORE, LABELS, NAME_VARIABLE_WORDS, PRECEDENCE, clean_label, cue_candidates,
                     function_words, generic_label, name_list, ner_candidates, pattern_spans)
from .key import Key, check_location, doc_fingerprint, replace_with_key
from .matcher import TOKEN, caps_ok, fold, folded_phrase, folded_slug, folded_tokens, in_context
from . import mentions, places
from .registry import Group, Phrase, Registry, group_speakers, register_ner, register_speakers

# ---------------------------------------------------------------------------
# replacing: the spans found in one text, resolved and numbered


@dataclass
class _Span:
    start: int
    end: int
    category: str
    detector: str
    replacement: str
    original: str


_NAMED = ("speaker", "person", "place", "organisation")  # what gets a pseudonym, read in a sentence


def _personal(phrase: Phrase) -> bool:
    """A phrase naming a person (or several: ``[prénom]``), whose mentions are judged on evidence."""
    return phrase.group is None or phrase.group.category in ("speaker", "person")


class _Replacer:
    """Finds the spans to replace in a text (the registry's phrases, then the patterns) and replaces them."""

    def __init__(self, registry: Registry, communes: re.Pattern | None, policy: str = "persons") -> None:
        self.registry, self.communes, self.policy = registry, communes, policy
        self.matched: set[int] = set()

    def spans(self, text: str, lang: str, *, patterns: bool = True, slug: bool = False,
              known: frozenset[int] = frozenset(), evidence: str | None = None,
              found: list[tuple[int, int, str]] = ()) -> list[_Span]:
        """The spans to replace in ``text``, left to right, and the mentions kept (category ``kept``).

        ``known``: ids of the groups named in this document (its speakers, its name
        variables); in a document id or a path (``slug``), where nothing is capitalised,
        their names are hidden even when they are common words. ``evidence``: a reason
        that holds for every mention in ``text`` (a name variable). ``found``: places and
        organisations found in this text that the policy keeps, ``(start, end, reason)``,
        reported as kept where nothing else replaces them.
        """
        reg = self.registry
        folded = fold(text)
        cands: list[tuple[int, int, int, Any]] = []
        ctx: list[mentions.Context] = []
        decided: dict[tuple[int, int], str] = {}  # reason of each mention judged on evidence
        kept: list[tuple[int, int, str]] = list(found)
        policy = self.policy

        def accept(s: int, e: int, phrase: Phrase) -> bool:
            if phrase.kind == "label" or folded_phrase(text[s:e]) in reg.keep:
                return False
            if not phrase.capitalised_only:
                return True
            if not _personal(phrase):
                return not slug and caps_ok(phrase.original, text[s:e])
            if evidence is not None:
                hidden, reason = True, evidence
            elif slug:
                hidden = phrase.group is not None and id(phrase.group) in known
                reason = "known in this document" if hidden else "common word"
            else:
                if not ctx:
                    ctx.append(mentions.Context(text, folded, lang))
                hidden, reason = mentions.decide(ctx[0], s, e, phrase.original)
            (decided.__setitem__((s, e), reason) if hidden else kept.append((s, e, reason)))
            return hidden

        for s, e, phrase in reg.phrases.find(text, folded, accept=accept, compounds=not slug):
            detector = decided.get((s, e)) or (phrase.detector if phrase.detector in PRECEDENCE else "key")
            category = "person" if phrase.group is None else phrase.group.category
            if category in ("speaker", "person"):
                m = CIVILITY_BEFORE.search(folded[max(0, s - 16):s])
                if m:
                    s -= len(m.group(0))
            cands.append((s, e, PRECEDENCE.get(phrase.detector, PRECEDENCE["key"]), (phrase, detector)))
        if patterns:
            for s, e, category in pattern_spans(text, self.communes):
                if folded_phrase(text[s:e]) in reg.keep:
                    continue
                cands.append((s, e, PRECEDENCE[category], category))
            if not slug:  # ages and dates of birth: "j'ai septante-six ans", "née le 3 mars 1948"
                for s, e, kind in places.detail_spans(text):
                    if places.hidden(kind, policy):
                        cands.append((s, e, PRECEDENCE[kind], ("detail", kind)))
                    else:
                        kept.append((s, e, f"{kind}, policy {policy}"))
        # longest first, then by precedence; keep what does not overlap
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
        taken_starts: list[int] = []
        taken: list[tuple[int, int, Any]] = []
        for s, e, _, what in cands:
            i = bisect.bisect_left(taken_starts, s)
            if i > 0 and taken[i - 1][1] > s:
                continue
            if i < len(taken) and taken[i][0] < e:
                continue
            taken_starts.insert(i, s)
            taken.insert(i, (s, e, what))
        out = []
        labels = LABELS.get(lang, LABELS["en"])
        floor = 0
        apostrophe = None
        for s, e, what in taken:  # left to right: numbering follows first appearance
            if schemas.TURN_SEPARATOR in text[s:e]:
                continue  # never across two turns (offsets would not map back)
            if isinstance(what, str):
                out.append(_Span(s, e, what, "pattern", labels[what], text[s:e]))
                self._remember_pattern(text[s:e], what)
                floor = e
                continue
            if what[0] == "detail":
                kind = what[1]
                out.append(_Span(s, e, places.KINDS[kind][0], kind, places.DETAIL_LABELS[lang][kind], text[s:e]))
                floor = e
                continue
            phrase, detector = what
            self.matched.add(id(phrase))
            group = phrase.group
            if group is None:
                category, replacement = "person", phrase.ambiguous or labels["first"]
            elif group.category in ("email", "phone", "address", "postal_code"):
                category, replacement = group.category, labels[group.category]
            else:
                category, replacement = group.category, reg.pseudonym(group)
            if not slug and category in ("place", "organisation"):
                # "la directrice de l'école des Hirondelles": the occupation names her once the place is known
                job = places.occupation_before(text, s)
                if job is not None and job[0] >= floor:
                    if places.hidden("occupation", policy):
                        out.append(_Span(job[0], job[1], "occupation", "occupation",
                                         places.DETAIL_LABELS[lang]["occupation"], text[job[0]:job[1]]))
                    else:
                        kept.append((job[0], job[1], f"occupation, policy {policy}"))
            if not slug and category in _NAMED:  # "d'Amélie" -> "de Personne 4", "Thomas'" -> "Person 4's"
                if apostrophe is None:
                    apostrophe = mentions.apostrophe_of(text)
                s, e, replacement = mentions.inflect(text, s, e, replacement, lang, apostrophe=apostrophe,
                                                     floor=floor)
            out.append(_Span(s, e, category, detector, replacement, text[s:e]))
            floor = e
        for s, e, reason in kept:  # every mention judged and left as it is, for the report
            i = bisect.bisect_right(taken_starts, s) - 1
            if (i >= 0 and taken[i][1] > s) or (i + 1 < len(taken) and taken[i + 1][0] < e):
                continue
            out.append(_Span(s, e, "kept", reason, text[s:e], text[s:e]))
            taken_starts.insert(i + 1, s)
            taken.insert(i + 1, (s, e, None))
        out.sort(key=lambda sp: sp.start)
        return out

    def _remember_pattern(self, original: str, category: str) -> None:
        toks = folded_tokens(original)
        if all(t.isdigit() for t in toks) and sum(map(len, toks)) <= 4:
            return  # "1080" of "1080 Bruxelles" must not become a word to hide everywhere ("1080 personnes")
        if toks and toks not in self.registry.phrases:
            group = Group(category, category, original, pseudonym=LABELS[self.registry.lang][category])
            phrase = Phrase(original, group, "full", "pattern")
            self.registry.phrases.add(toks, phrase)
            self.matched.add(id(phrase))

    def replace(self, text: str, lang: str, *, slug: bool = False, patterns: bool = True,
                known: frozenset[int] = frozenset(), evidence: str | None = None,
                found: list[tuple[int, int, str]] = ()) -> tuple[str, list[_Span]]:
        """``(new text, spans)``; the spans include the mentions kept (category ``kept``, text unchanged)."""
        spans = self.spans(text, lang, patterns=patterns, slug=slug, known=known, evidence=evidence, found=found)
        if not spans:
            return text, []
        parts, pos = [], 0
        for sp in spans:
            if sp.category == "kept":
                continue
            if slug:
                sp.replacement = folded_slug(sp.replacement)
            parts.append(text[pos:sp.start])
            parts.append(sp.replacement)
            pos = sp.end
        parts.append(text[pos:])
        return "".join(parts), spans


# ---------------------------------------------------------------------------
# the verb


def _corpus_language(corpus: Corpus) -> str:
    lang = corpus.manifest.language
    if not lang and len(corpus.documents):
        counts = corpus.documents["language"].dropna().value_counts()
        lang = counts.index[0] if len(counts) else None
    return "fr" if str(lang or "fr").lower().startswith("fr") else "en"


def _doc_order(corpus: Corpus) -> list[str]:
    docs = corpus.documents[["doc_id", "date"]].copy()
    docs["_nat"] = docs["date"].isna()
    return docs.sort_values(["_nat", "date", "doc_id"], kind="stable")["doc_id"].astype(str).tolist()


def require_corpus(corpus: Any, function: str) -> Corpus:
    """``corpus``, or ``RK-D11`` naming ``function`` when it is not a :class:`Corpus`."""
    if not isinstance(corpus, Corpus):
        raise PseudonymisationError("RK-D11", f"{function}() needs a Corpus (from read_corpus); "
                                              f"got {type(corpus).__name__}.")
    return corpus


@overload
def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = ..., keep: Any = ...,
                 report: Literal[False] = ..., n_process: int = ..., passphrase: str | None = ...,
                 progress: bool | None = ..., policy: str | None = ..., client: Any = ...) -> Corpus: ...


@overload
def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = ..., keep: Any = ...,
                 report: Literal[True], n_process: int = ..., passphrase: str | None = ...,
                 progress: bool | None = ..., policy: str | None = ...,
                 client: Any = ...) -> tuple[Corpus, pd.DataFrame]: ...


def pseudonymise(corpus: Corpus, *, key: str | os.PathLike, names: Any = (), keep: Any = (),
                 report: bool = False, n_process: int = 1, passphrase: str | None = None,
                 progress: bool | None = None, policy: str | None = None,
                 client: Any = None) -> Corpus | tuple[Corpus, pd.DataFrame]:
    """A pseudonymised copy of ``corpus``; the key file decides (and records) every pseudonym.

    Parameters
    ----------
    corpus
        The corpus to pseudonymise; it is not modified, nor are its files.
    key
        Path of the key file: created when missing, reused (and extended with new names)
        when present. It must not lie under a ``reports/`` folder nor inside the corpus
        folder. It is written atomically with permissions ``0o600``.
    names
        More names and places to hide: a file (see :func:`read_names`) or a list of
        names or ``(name, category)`` pairs. They take precedence over everything else.
    keep
        Words never to replace (a file or a list): ``"Rose"`` the colour, public figures
        the corpus names, a public helpline number.
    report
        Also return the replacements frame (:data:`REPLACEMENTS`), which holds the
        originals and serves :func:`carry_codings`.
    n_process
        Passed to :func:`~research_kit.annotate.annotate` (named entities); its cache is
        used, so a corpus already annotated is not annotated again.
    passphrase
        Opens an encrypted key, and keeps it encrypted; given for a new or a plain key,
        the key is written encrypted (scrypt and AES-256-GCM). Ask for it
        (``getpass.getpass()``); never write it in a notebook.
    progress
        Show progress bars (annotation, then documents) on stderr; by default only when
        there are more than 20 documents or 50,000 words.
    policy
        What is hidden besides people (see :mod:`~research_kit.anonymise.places`):
        ``"persons"`` (people and their contact details), ``"local"`` (also streets,
        local facilities, organisations, places the public gazetteer does not list as a
        city, dates of birth) or ``"strict"`` (every place, organisation, age and
        occupation found). By default the manifest's ``pseudonymisation:``, else
        ``"local"`` for a corpus with ``identities: true`` and ``"persons"`` otherwise.
        What the policy keeps is in the report (category ``kept``) with its risk.
    client
        A ``dask.distributed.Client`` or a scheduler address: the annotation (named
        entities) runs on the cluster (see ``docs/scale.md``); the replacing, which is
        fast, runs here.

    Returns
    -------
    Corpus
        With ``manifest["pseudonymised"] = True`` (``identities`` as it was) and
        ``pseudonymisation`` the policy used, no
        ``root`` (write it with :func:`~research_kit.corpus.write_corpus` or
        :func:`write_pseudonymised`). With ``report=True``, ``(corpus, replacements)``.

    Raises
    ------
    PseudonymisationError
        ``RK-D01``–``RK-D05`` for a key that cannot be used, ``RK-D06``/``RK-D07`` for a
        names list, ``RK-D40``–``RK-D44`` for an encrypted key without its passphrase, with
        a wrong one, altered, or without `cryptography`; nothing is written then.

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                                   # doctest: +SKIP
    >>> safe, replaced = pseudonymise(corpus, key="~/keys/demo.json", report=True)  # doctest: +SKIP
    >>> replacement_counts(replaced)                                           # doctest: +SKIP
    """
    corpus = require_corpus(corpus, "pseudonymise")
    key_path = check_location(Path(key).expanduser(), what="key", code="RK-D04",
                              forbidden=[(corpus.root, "corpus folder")] if corpus.root is not None else [])
    the_key = Key.load(key_path, passphrase=passphrase)
    the_key.check_corpus(corpus)
    name_items = name_list(names, "names")
    keep_items = name_list(keep, "keep")
    replacements, new_corpus = pseudonymise_with_key(corpus, the_key, name_items, keep_items, n_process=n_process,
                                                     progress=progress, policy=resolve_policy(corpus, policy),
                                                     client=client)
    the_key.save()
    return (new_corpus, replacements) if report else new_corpus


def resolve_policy(corpus: Corpus, policy: str | None) -> str:
    """The policy to use: ``policy``, else the manifest's ``pseudonymisation:``, else by ``identities``."""
    if policy is None:
        policy = corpus.manifest.pseudonymisation or (places.DEFAULT_POLICY if corpus.manifest.identities
                                                     else "persons")
    if not isinstance(policy, str) or policy.strip().lower() not in places.POLICIES:
        raise PseudonymisationError(
            "RK-D30", f"policy={policy!r} is not a pseudonymisation policy.{did_you_mean(str(policy), places.POLICIES)}",
            hint="Use 'persons' (people only), 'local' (also streets, facilities, organisations, small places "
                 "and dates of birth) or 'strict' (every place, organisation, age and occupation found).")
    return policy.strip().lower()


def pseudonymise_with_key(corpus: Corpus, key: Key, name_items: list[tuple[str, str]],
                          keep_items: list[tuple[str, str]], *, n_process: int,
                          progress: bool | None = None, policy: str = "persons",
                          client: Any = None) -> tuple[pd.DataFrame, Corpus]:
    """``(replacements, pseudonymised corpus)`` with a loaded key, which is updated in memory, not saved.

    What :func:`pseudonymise` and :func:`~research_kit.anonymise.write_pseudonymised` share once
    they have checked the key's place and read the lists (:func:`~.detect.name_list`).
    """
    from ..annotate import annotate

    lang = key.language or _corpus_language(corpus)
    key.language = lang
    title = corpus.manifest.title
    if title and not key.title:
        key.title = str(title)
    order = _doc_order(corpus)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[RK-A02\]")
        tokens = annotate(corpus, entities=True, n_process=n_process, progress=progress, client=client)
    with_entities = set(tokens.loc[tokens["ent_type"].notna() & (tokens["ent_type"] != ""), "doc_id"].unique())
    annotated = set(tokens["doc_id"].unique())
    blind = [d for d in corpus.doc_ids if d in annotated and d not in with_entities]
    if blind:
        langs = sorted(set(corpus.documents.set_index("doc_id").loc[blind, "language"].dropna()))
        warn("RK-D20", f"{len(blind)} document(s) ({', '.join(blind[:5])}{'…' if len(blind) > 5 else ''}) "
                       f"in {', '.join(langs) or 'an unknown language'} were pseudonymised without a named-entity "
                       "recogniser: names there are found only as speakers, from your names list, from the key, "
                       "or because they were recognised in other documents. Install the spaCy model of that "
                       "language (e.g. `python -m spacy download en_core_web_sm`) or pass names=…",
             stacklevel=3)

    stops = function_words()
    roles: set[str] = set()
    listed_roles = list(corpus.manifest.roles.values())
    for value in list(corpus.turns["role"].dropna().unique()) + listed_roles:
        if value:
            roles.update(TOKEN.findall(fold(str(value))))
    low = tokens["text"].astype(str)
    lower_words = low[low.str.islower() & low.str.isalpha()]
    common = {fold(w) for w in lower_words.unique()}
    keep = {folded_phrase(w) for w, _ in keep_items}
    registry = Registry(key, lang, keep, stops, roles, common)

    # 1. speakers
    speaker_groups = group_speakers(corpus, order, registry)
    generic = set()
    for label in speaker_groups:
        if generic_label(folded_tokens(clean_label(label)), roles):
            generic.add(label)
    register_speakers(registry, speaker_groups, generic)
    # 2. your names list: a name already known (a speaker's) keeps its pseudonym
    for name, category in sorted(name_items, key=lambda x: -len(x[0].split())):
        toks = folded_tokens(name)
        if not toks or " ".join(toks) in keep:
            continue
        existing = registry.lookup(toks)
        if existing is not None and (existing.group is not None or existing.ambiguous):
            if existing.detector != "key":
                existing.detector = "names"
            continue
        if category == "person":
            head = registry.lookup(toks[:1]) if len(toks) > 1 else None
            group = head.group if head is not None and head.group is not None and head.kind == "full" \
                and head.group.category == "person" and not head.group.last else None
            group = group or Group("person", LABELS[lang]["person"], name)
            registry.add(name, group, "full", "names", force=True)
            if len(toks) > 1:
                registry.add_variants(group, name, "names")
        elif category in ("place", "organisation"):
            group = Group(category, LABELS[lang][category], name)
            registry.add(name, group, "full", "names", force=True)
        else:
            group = Group(category, category, name, pseudonym=LABELS[lang][category])
            registry.add(name, group, "full", "names", force=True)
    # 3. document variables that hold names
    name_vars = [v for v in corpus.variables if set(TOKEN.findall(fold(v))) & NAME_VARIABLE_WORDS]
    known: dict[str, set[int]] = {}  # doc_id -> ids of the groups it names: its speakers, its name variables
    for doc_id, speaker in zip(corpus.turns["doc_id"].astype(str), corpus.turns["speaker"]):
        if speaker in speaker_groups:
            known.setdefault(doc_id, set()).add(id(speaker_groups[speaker]))
    for var in name_vars:
        for doc_id, value in zip(corpus.documents["doc_id"].astype(str), corpus.documents[var]):
            if pd.isna(value):
                continue
            for name in re.split(r"\s*[;,/]\s*|\s+(?:et|and|&)\s+", str(value)):
                toks = folded_tokens(name)
                if not toks or " ".join(toks) in keep:
                    continue
                phrase = registry.lookup(toks)
                if phrase is None:
                    group = Group("person", LABELS[lang]["person"], name)
                    phrase = registry.add(name, group, "full", "variable", force=True)
                    if len(toks) > 1:
                        registry.add_variants(group, name, "variable")
                if phrase is not None and phrase.group is not None:
                    known.setdefault(doc_id, set()).add(id(phrase.group))
    # 4. named entities
    # what the document variables name (projects, sites: "Consultation Quartier du Canal") is no one's name
    named = {w for v in corpus.variables if v not in name_vars
             for value in corpus.documents[v].dropna().astype(str) for w in TOKEN.findall(fold(value))}
    found = [c for c in ner_candidates(tokens, registry)
             if not set(TOKEN.findall(fold(corpus.text(c[0])[c[1]:c[2]]))) <= named]
    register_ner(registry, corpus, found + cue_candidates(corpus, registry), order)
    # 5. a name that is also a common word, but whose every lower-case use is a mention of someone
    # ("christine" only in notes, "[rire de christine]"), is no common word: hidden whatever its case
    judged = {toks[0]: phrase for toks, phrase in registry.phrases.table.items()
              if len(toks) == 1 and phrase.capitalised_only and phrase.kind != "label" and _personal(phrase)}
    for word in mentions.personal_words(set(judged), tokens, corpus):
        judged[word].capitalised_only = False

    # 6. places, organisations and facilities: hidden (searched everywhere) or kept, by the policy
    found_kept = _register_places(corpus, tokens, registry, order, named, policy, lang)

    listed_places = [n for n, c in name_items if c in ("place",)]
    communes = None
    if listed_places:
        alternatives = "|".join(re.escape(p) for p in sorted(listed_places, key=len, reverse=True))
        communes = re.compile(rf"(?<![\w,.\-])[1-9]\d{{3}}(?=\s+(?:{alternatives})(?![\w]))")
    replacer = _Replacer(registry, communes, policy)

    # 7. texts, in order of first appearance
    docs = corpus.documents.set_index(corpus.documents["doc_id"].astype(str))
    rows: list[dict] = []
    new_turns = []
    doc_langs = {}  # category tokens follow each document's language: "[téléphone]", "[phone]"
    for doc_id, value in zip(docs.index, docs["language"]):
        value = "" if pd.isna(value) else str(value)
        doc_langs[doc_id] = "fr" if value.startswith("fr") else ("en" if value.startswith("en") else lang)
    for doc_id in _progress(order, progress, desc="pseudonymise"):
        text = corpus.text(doc_id)
        new_text, spans = replacer.replace(text, doc_langs[doc_id], found=found_kept.get(doc_id, []))
        shift = 0
        for sp in spans:
            ns = sp.start + shift
            ne = ns + len(sp.replacement)
            rows.append(dict(doc_id=doc_id, field="text", start_char=sp.start, end_char=sp.end, new_start_char=ns,
                             new_end_char=ne, category=sp.category, detector=sp.detector, original=sp.original,
                             replacement=sp.replacement, context=in_context(text, sp.start, sp.end)))
            shift += len(sp.replacement) - (sp.end - sp.start)
        turns = corpus.document_turns(doc_id)
        starts = _map_offsets(turns["start_char"].to_numpy(), spans, side="start")
        ends = _map_offsets(turns["end_char"].to_numpy(), spans, side="end")
        frame = turns[["doc_id", "turn", "speaker", "role", "start_s", "end_s"]].copy()
        frame["text"] = [new_text[s:e] for s, e in zip(starts, ends)]
        new_turns.append(frame)

    # 8. speakers column
    speaker_map = {label: g.pseudonym for label, g in speaker_groups.items()}
    turns_all = pd.concat(new_turns, ignore_index=True) if new_turns else corpus.turns.iloc[0:0].copy()
    for doc_id, frame in corpus.turns.groupby("doc_id", sort=False):
        for speaker in dict.fromkeys(frame["speaker"]):
            if speaker in speaker_map:
                rows.append(dict(doc_id=str(doc_id), field="speaker", category="speaker", detector="speaker",
                                 original=str(speaker), replacement=speaker_map[speaker], context=pd.NA))
    turns_all["speaker"] = turns_all["speaker"].map(lambda s: speaker_map.get(s, s))

    # 9. titles, variables, paths, document ids
    documents = corpus.documents.copy()
    for col in ["title", *corpus.variables]:
        values = []
        for doc_id, value in zip(documents["doc_id"].astype(str), documents[col]):
            if pd.isna(value):
                values.append(value)
                continue
            new, spans = replacer.replace(str(value), doc_langs.get(doc_id, lang),
                                          evidence="name variable" if col in name_vars else None)
            for sp in spans:
                rows.append(dict(doc_id=doc_id, field=col if col == "title" else f"variable:{col}",
                                 category=sp.category, detector=sp.detector, original=sp.original,
                                 replacement=sp.replacement, context=in_context(str(value), sp.start, sp.end)))
            values.append(new)
        documents[col] = values
    new_ids: dict[str, str] = {}
    used: set[str] = set()
    for doc_id in order:
        from_key = doc_id in key.doc_ids
        if from_key:
            new_id = key.doc_ids[doc_id]
        else:
            new_id, spans = replacer.replace(doc_id, lang, slug=True, known=frozenset(known.get(doc_id, ())))
            for sp in spans:
                rows.append(dict(doc_id=doc_id, field="doc_id", category=sp.category, detector=sp.detector,
                                 original=sp.original, replacement=sp.replacement, context=doc_id))
            taken = set(key.doc_ids.values()) | used | (set(order) - {doc_id})
            base, n = new_id, 2
            while new_id != doc_id and new_id in taken:
                new_id, n = f"{base}-{n}", n + 1
            if new_id != doc_id:
                key.doc_ids[doc_id] = new_id
        if new_id != doc_id:
            rows.append(dict(doc_id=doc_id, field="doc_id", category="doc_id", detector="key" if from_key
                             else "slug", original=doc_id, replacement=new_id, context=pd.NA))
        new_ids[doc_id] = new_id
        used.add(new_id)
    paths = []
    for doc_id, value in zip(documents["doc_id"].astype(str), documents["path"]):
        if pd.isna(value):
            paths.append(value)
            continue
        new, spans = replacer.replace(str(value), lang, slug=True, known=frozenset(known.get(doc_id, ())))
        for sp in spans:
            rows.append(dict(doc_id=doc_id, field="path", category=sp.category, detector=sp.detector,
                             original=sp.original, replacement=sp.replacement, context=str(value)))
        paths.append(new)
    documents["path"] = paths
    documents["doc_id"] = documents["doc_id"].astype(str).map(new_ids)
    turns_all["doc_id"] = turns_all["doc_id"].astype(str).map(new_ids)

    # 10. manifest and problems
    roles_map = {speaker_map[s]: str(r) for s, r in zip(corpus.turns["speaker"], corpus.turns["role"])
                 if s in speaker_map and not pd.isna(r)}
    manifest = _copy_manifest(corpus.manifest, lambda v: replacer.replace(v, lang)[0], roles_map, policy)
    problems = corpus.problems.copy()
    for col in ("path", "message"):
        if len(problems):
            problems[col] = problems[col].map(lambda v: v if pd.isna(v) else replacer.replace(str(v), lang)[0])

    new_corpus = build_corpus(documents, turns_all, manifest=manifest, root=None, problems=problems)
    # 11. the key
    _update_key(key, registry, replacer, corpus)
    frame = pd.DataFrame(rows, columns=[c for c in REPLACEMENTS.names if c not in ("new_doc_id", "risk")])
    frame.insert(1, "new_doc_id", frame["doc_id"].map(new_ids))
    frame.insert(REPLACEMENTS.names.index("risk"), "risk",
                 [places.risk(c, d) for c, d in zip(frame["category"], frame["detector"])])
    return frame.astype(REPLACEMENTS.dtypes), new_corpus


def _register_places(corpus: Corpus, tokens: pd.DataFrame, registry: Registry, order: list[str], named: set[str],
                     policy: str, lang: str) -> dict[str, list[tuple[int, int, str]]]:
    """Streets, facilities, places and organisations found: those the policy hides become groups of the
    registry (searched in every document, numbered ``[rue 1]``, ``[école 2]``, ``[lieu 3]``); those it
    keeps are returned, ``{doc_id: [(start, end, reason), ...]}``, for the report."""
    found: list[tuple[str, int, int, str, str | None]] = []
    texts = {doc_id: corpus.text(doc_id) for doc_id in order}
    for doc_id in order:
        for s, e, kind, head in places.place_spans(texts[doc_id], registry.common):
            found.append((doc_id, s, e, kind, head))
    candidates = places.entity_candidates(tokens, registry)
    if policy == "strict":
        candidates += places.gazetteer_candidates(tokens, registry)
    for doc_id, s, e, kind in candidates:
        name = texts[doc_id][s:e]
        if kind == "place":
            public = places.public_place(name) or set(TOKEN.findall(fold(name))) <= named
            kind = "public place" if public else "local place"
        elif kind == "organisation" and set(TOKEN.findall(fold(name))) <= named:
            kind = "public place"  # the corpus's own site or project: "Quartier du Canal"
        found.append((doc_id, s, e, kind, None))
    kept: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, s, e, kind, head in sorted(found, key=lambda f: f[1] - f[2]):
        written = texts[doc_id][s:e]
        toks = folded_tokens(written)
        if not toks or " ".join(toks) in registry.keep:
            continue
        if not places.hidden(kind, policy):
            kept.setdefault(doc_id, []).append((s, e, f"{kind}, policy {policy}"))
            continue
        existing = registry.lookup(toks)
        if existing is not None and (existing.group is None or existing.group.category not in ("place",
                                                                                                "organisation")):
            continue  # a person (or a detail) the registry knows already
        if existing is not None:
            continue  # already a place: one pseudonym for every mention
        category = places.KINDS[kind][0]
        name = None
        if kind == "facility" and head:
            # "Maison de quartier Le Fil" is also "le Fil", "au Fil", "l'asbl Le Fil": its name alone,
            # capitalised as written, names the same place
            name = re.sub(r"^(?:(?:de la|de l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)", "",
                          written[len(head):].strip(" «»“”\"\u00a0"), flags=re.IGNORECASE).strip(" «»“”\"")
        label = places.label_for(kind, head, lang)
        known_name = registry.lookup(folded_tokens(name)) if name else None
        if known_name is not None and known_name.group is not None and known_name.group.label == label:
            group = known_name.group  # "l'asbl Le Fil" is "Maison de quartier Le Fil"
        else:
            group = Group(category, label, written)
        registry.add(written, group, "full", kind, force=True)
        if name:
            ntoks = folded_tokens(name)
            if ntoks and not places.public_place(name) and registry.lookup(ntoks) is None \
                    and registry.searchable(ntoks, name):
                registry.add(name, group, "full", kind)
    return kept


def _progress(doc_ids: list[str], progress: bool | None, *, desc: str):
    """``doc_ids``, through a tqdm bar on stderr when ``progress`` (by default: more than 20 documents)."""
    if not (progress if progress is not None else len(doc_ids) > 20):
        return doc_ids
    from tqdm.auto import tqdm

    return tqdm(doc_ids, unit="doc", desc=desc)


def _copy_manifest(manifest: Manifest, replace: Callable[[str], str], roles: Mapping[str, str],
                   policy: str | None = None) -> Manifest:
    """The copy's manifest: what still holds of the original's (names replaced in its title,
    description, notice and variables' descriptions), the pseudonyms' roles, and ``pseudonymised``; nothing about
    the original's files (documents, globs, codebook, codings, reading settings)."""
    texts = {k: (replace(v) if v else v) for k, v in (("title", manifest.title), ("description", manifest.description),
                                                       ("notice", manifest.notice))}
    variables = manifest.variables  # their descriptions go into the copy's corpus.yml: "Âge de Christine"
    if variables is not None:
        variables = MappingProxyType({k: (replace(v) if isinstance(v, str) and v else v) for k, v in variables.items()})
    return Manifest(**texts, language=manifest.language, identities=manifest.identities, pseudonymised=True,
                    pseudonymisation=policy,
                    fiction=manifest.fiction, facilitator_roles=manifest.facilitator_roles,
                    variables=variables, roles=MappingProxyType(dict(roles)))


def _update_key(key: Key, registry: Registry, replacer: _Replacer, corpus: Corpus) -> None:
    """Record in the key every phrase that got a pseudonym (and the ambiguous ones that were replaced)."""
    key.documents |= {doc_fingerprint(d) for d in corpus.doc_ids}
    for toks, phrase in registry.phrases.table.items():
        group = phrase.group
        if phrase.ambiguous is not None:
            if toks in key.entries or id(phrase) in replacer.matched:
                key.entries[toks] = {"original": phrase.original, "pseudonym": phrase.ambiguous,
                                     "category": "variant", "capitalised_only": phrase.capitalised_only}
            continue
        if group is None or group.pseudonym is None:
            continue
        if group.category in ("email", "phone", "address", "postal_code"):
            if toks not in key.entries and id(phrase) not in replacer.matched and phrase.detector != "key":
                continue
            category = group.category
        elif phrase.kind == "label":
            category = "label"
        elif group.category == "speaker":
            # what the phrase is, not which detector found it: a label in your names list is still a speaker
            category = "speaker" if phrase.kind == "full" and phrase.speaker_label else "variant"
        else:
            category = group.category if phrase.kind == "full" else "variant"
        old = key.entries.get(toks)
        if old is not None and old.get("category") in ("speaker", "label") and category == "variant":
            category = old["category"]
        entry = {"original": old["original"] if old else phrase.original, "pseudonym": group.pseudonym,
                 "category": category}
        if phrase.capitalised_only:
            entry["capitalised_only"] = True
        key.entries[toks] = entry


def _map_offsets(offsets: np.ndarray, spans: list[_Span], *, side: Literal["start", "end"]) -> np.ndarray:
    if not spans:
        return np.asarray(offsets, dtype="int64")
    s = np.array([sp.start for sp in spans], dtype="int64")
    e = np.array([sp.end for sp in spans], dtype="int64")
    lengths = np.array([len(sp.replacement) for sp in spans], dtype="int64")
    return _map(np.asarray(offsets, dtype="int64"), s, e, lengths, side)


def _map(o: np.ndarray, s: np.ndarray, e: np.ndarray, new_len: np.ndarray, side: str) -> np.ndarray:
    """Original offsets -> new offsets; inside a replaced span, snap to the replacement's edge."""
    delta = np.concatenate([[0], np.cumsum(new_len - (e - s))])
    ns = s + delta[:-1]
    if side == "start":
        i = np.searchsorted(e, o, side="right")  # spans wholly before o
        inside = (i < len(s)) & (s[np.minimum(i, len(s) - 1)] <= o)
        return np.where(inside, ns[np.minimum(i, len(s) - 1)], o + delta[i])
    i = np.searchsorted(s, o, side="left")  # spans starting before o
    j = np.maximum(i - 1, 0)
    inside = (i > 0) & (o <= e[j])
    return np.where(inside, ns[j] + new_len[j], o + delta[i])


# ---------------------------------------------------------------------------
# codings


def carry_codings(codings: pd.DataFrame, replacements: pd.DataFrame, *,
                  key: str | os.PathLike | None = None, passphrase: str | None = None) -> pd.DataFrame:
    """Codings of the original corpus -> the same codings on the pseudonymised corpus.

    Document ids are renamed and offsets moved by the lengths of the replacements before
    them; a segment that starts or ends inside a replaced name snaps to the
    replacement's edges, so it still covers the same words.

    Parameters
    ----------
    codings
        A codings frame (``schemas.CODINGS``) on the original corpus.
    replacements
        The frame ``pseudonymise(..., report=True)`` returned for that corpus.
    key
        When given, names from the key are also replaced in ``memo`` and ``coder``
        (a mediator may code her own sessions).
    passphrase
        Opens an encrypted ``key``.

    Returns
    -------
    pandas.DataFrame
        A codings frame with the same rows and columns.
    """
    schemas.validate_frame(codings, schemas.CODINGS, argument="codings")
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    out = codings.copy()
    ids = dict(zip(replacements["doc_id"].astype(str), replacements["new_doc_id"].astype(str)))
    text_rows = replacements[(replacements["field"] == "text") & (replacements["category"] != "kept")]
    starts = out["start_char"].to_numpy(dtype="int64").copy()
    ends = out["end_char"].to_numpy(dtype="int64").copy()
    doc = out["doc_id"].astype(str).to_numpy()
    for doc_id, spans in text_rows.groupby("doc_id", sort=False):
        mask = doc == str(doc_id)
        if not mask.any():
            continue
        spans = spans.sort_values("start_char")
        s = spans["start_char"].to_numpy(dtype="int64")
        e = spans["end_char"].to_numpy(dtype="int64")
        n = (spans["new_end_char"] - spans["new_start_char"]).to_numpy(dtype="int64")
        starts[mask] = _map(starts[mask], s, e, n, "start")
        ends[mask] = _map(ends[mask], s, e, n, "end")
    out["start_char"] = starts
    out["end_char"] = ends
    out["doc_id"] = pd.Series([ids.get(d, d) for d in doc], index=out.index, dtype="string")
    if key is not None:
        loaded = Key.load(key, must_exist=True, passphrase=passphrase)
        for col in ("memo", "coder"):
            out[col] = out[col].map(lambda v: v if pd.isna(v) else replace_with_key(str(v), loaded)).astype("string")
    return out
