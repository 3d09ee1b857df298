"""Who is who: the strings that name one person (place, organisation), and their pseudonyms.

A :class:`Group` is one person (or place, organisation, detail); a :class:`Phrase` one
string that names it (the full name, a first name, initials), or names several people
at once (``ambiguous``). The :class:`Registry` holds them all, starting from the key's
entries, and numbers new groups with the key's counters (the pseudonym allocation:
``Médiateur·rice 2``, ``Personne 7``, ``[lieu 3]``). Speakers are grouped here
(``Karim``, ``Karim B.`` and ``Karim Benali`` are one person when nothing else fits),
and the recogniser's names attached to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import schemas
from ..corpus import Corpus
from .detect import (CIVILITIES, GENERIC_LABEL_WORDS, LABELS, NOT_NAMES, PARTICLES, clean_label, generic_label,
                     split_name)
from .matcher import PhraseMatcher, fold, folded_tokens

if TYPE_CHECKING:
    from .key import Key

# ---------------------------------------------------------------------------
# who is who: groups of strings that name one person (or place, organisation)


@dataclass
class Group:
    """One person (place, organisation, detail) and the pseudonym that replaces every string naming it."""

    category: str  # speaker, person, place, organisation, address, postal_code, email, phone
    label: str  # what numbers it: "Médiateur·rice", "Personne", "lieu"…
    canonical: str
    pseudonym: str | None = None
    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()


@dataclass
class Phrase:
    """One searchable string: which group it names (None when ambiguous) and how."""

    original: str
    group: Group | None
    kind: str  # full, first, last
    detector: str
    capitalised_only: bool = False
    ambiguous: str | None = None  # replacement when several groups share it
    speaker_label: bool = False  # a speaker label of the group (the key's "speaker" and "label" entries)


class Registry:
    """Every string to replace, the groups they name, and the numbering."""

    def __init__(self, key: Key, language: str, keep: set[str], stops: frozenset[str], roles: set[str],
                 common: set[str]) -> None:
        self.key, self.lang, self.keep, self.stops, self.roles, self.common = key, language, keep, stops, roles, common
        self.phrases = PhraseMatcher()
        self.groups_by_pseudonym: dict[str, Group] = {}
        self._load_key()

    # numbering ----------------------------------------------------------------
    def _next(self, label: str) -> int:
        self.key.counters[label] = self.key.counters.get(label, 0) + 1
        return self.key.counters[label]

    def pseudonym(self, group: Group) -> str:
        if group.pseudonym is None:
            n = self._next(group.label)
            if group.category in ("place", "organisation"):
                group.pseudonym = f"[{group.label} {n}]"
            else:
                group.pseudonym = f"{group.label} {n}"
            self.groups_by_pseudonym[group.pseudonym] = group
        return group.pseudonym

    # the key's entries ---------------------------------------------------------
    def _load_key(self) -> None:
        generic = {v for lang in LABELS.values() for k, v in lang.items() if k in ("first", "last")}
        for toks, entry in self.key.entries.items():
            pseudonym, category = entry["pseudonym"], entry["category"]
            if category in ("email", "phone", "address", "postal_code"):
                group = Group(category, category, entry["original"], pseudonym)
                self.phrases.add(toks, Phrase(entry["original"], group, "full", "key"))
                continue
            if pseudonym in generic:
                self.phrases.add(toks, Phrase(entry["original"], None, "first", "key",
                                              self.capitalised_only(toks), ambiguous=pseudonym))
                continue
            group = self.groups_by_pseudonym.get(pseudonym)
            label = re.sub(r"^\[|\s*\d+\]?$", "", pseudonym)
            gcat = "speaker" if category in ("speaker", "label") else (
                _variant_category(label) if category == "variant" else category)
            if group is None:
                group = Group(gcat, label, entry["original"], pseudonym)
                self.groups_by_pseudonym[pseudonym] = group
            elif category in ("speaker", "person", "place", "organisation") and group.category != "speaker":
                group.category = gcat
            if category in ("speaker", "person", "place", "organisation") and len(entry["original"]) > len(
                    group.canonical):
                group.canonical = entry["original"]
            kind = {"variant": "first", "label": "label"}.get(category, "full")
            # whether it is a common word is the corpus's to say, not the key's: a key written when
            # "christine" of "[christine tousse]" made it one must not hide her by capitals only
            self.phrases.add(toks, Phrase(entry["original"], group, kind, "key",
                                          self.capitalised_only(toks) and category != "label",
                                          speaker_label=category in ("speaker", "label")))
        for group in self.groups_by_pseudonym.values():  # "Ginette Gagnon" has a last name, as on the first run
            first, last = split_name(group.canonical)
            if group.category in ("speaker", "person") and first and last:
                group.first, group.last = folded_tokens(" ".join(first)), folded_tokens(" ".join(last))

    # registering ---------------------------------------------------------------
    def searchable(self, toks: tuple[str, ...], written: str) -> bool:
        """Whether a string may be searched for in running text at all."""
        if not toks or " ".join(toks) in self.keep:
            return False
        if len(toks) == 1:
            t = toks[0]
            if len(t) < 2 or t in self.stops or t in self.roles or t in CIVILITIES or t in NOT_NAMES \
                    or t in GENERIC_LABEL_WORDS or t.isdigit():
                return False
        return True

    def capitalised_only(self, toks: tuple[str, ...]) -> bool:
        return all(t in self.common or t in self.stops or t in PARTICLES for t in toks)

    def add(self, written: str, group: Group, kind: str, detector: str, *, force: bool = False) -> Phrase | None:
        toks = folded_tokens(written)
        if not force and not self.searchable(toks, written):
            return None
        existing = self.phrases.get(toks)
        if existing is None:
            phrase = Phrase(written, group, kind, detector, self.capitalised_only(toks))
            self.phrases.add(toks, phrase)
            return phrase
        if existing.group is group:
            if kind == "full" and existing.kind != "full":
                existing.kind = "full"
            return existing
        if existing.kind == "label":
            return existing
        if existing.ambiguous is not None:
            return existing
        if existing.kind == "full" and kind != "full":
            return existing  # "Karim" the speaker beats "Karim" the first name of Karim Benali
        if kind == "full" and existing.kind != "full":
            existing.group, existing.kind, existing.detector = group, kind, detector
            return existing
        # two people share this first name / last name (or two names the same string)
        existing.ambiguous = LABELS[self.lang]["last" if kind == "last" or existing.kind == "last" else "first"]
        existing.group = None
        return existing

    def add_variants(self, group: Group, name: str, detector: str) -> None:
        first, last = split_name(name)
        if first and last:
            self.add(" ".join(first), group, "first", detector)
            self.add(" ".join(last), group, "last", detector)
            initials = [w[0] for part in first for w in re.split(r"[-‐‑]", part) if w]
            if initials and any(len(t) > 1 for t in folded_tokens(" ".join(last))):  # not "K. B" for "Karim B."
                self.add(". ".join(initials) + ". " + " ".join(last), group, "last", detector)
            group.first, group.last = folded_tokens(" ".join(first)), folded_tokens(" ".join(last))
        elif first:
            group.first = folded_tokens(" ".join(first))
        parts = [w for w in re.split(r"[-‐‑]", first[0]) if w] if len(first) == 1 else []
        if len(parts) > 1:  # "Jean-François" -> "J-F", "J.-F.", "JF"
            self.add("-".join(w[0] for w in parts), group, "first", detector)
            self.add("".join(w[0] for w in parts), group, "first", detector)

    def lookup(self, toks: tuple[str, ...]) -> Phrase | None:
        return self.phrases.get(toks)


# ---------------------------------------------------------------------------
# speakers and the recogniser's names


def _variant_category(label: str) -> str:
    """What a group the key knows only by "variant" entries is, from its pseudonym's label.

    ``Personne 3`` is a person's, ``[lieu 2]`` a place's; any other (``Médiateur·rice 1``) is a
    speaker's: keys written before speakers named in a names list were recorded as ``speaker``
    hold every label of such a speaker as a ``variant``.
    """
    for category in ("person", "place", "organisation"):
        if label in {LABELS[lang][category] for lang in LABELS}:
            return category
    return "speaker"


def _role_label(role: Any, lang: str) -> str:
    if role is None or pd.isna(role) or not str(role).strip():
        return LABELS[lang]["participant"]
    role = " ".join(str(role).split())
    return role[:1].upper() + role[1:]


def group_speakers(corpus: Corpus, order: list[str], registry: Registry) -> dict[str, Group]:
    """Speaker label -> group, linking ``Karim``, ``Karim B.`` and ``Karim Benali`` when unambiguous."""
    turns = corpus.turns
    rank = {d: i for i, d in enumerate(order)}
    t = turns[turns["speaker"] != schemas.UNKNOWN_SPEAKER][["doc_id", "turn", "speaker", "role"]].copy()
    t["_rank"] = t["doc_id"].map(rank)
    t = t.sort_values(["_rank", "turn"], kind="stable")
    first_seen = t.drop_duplicates("speaker")
    roles: dict[str, str | None] = {}
    for speaker, frame in t.groupby("speaker", sort=False):
        known = frame["role"].dropna()
        roles[speaker] = str(known.iloc[0]) if len(known) else None
    labels = list(first_seen["speaker"])

    parsed = {}
    for label in labels:
        clean = clean_label(label)
        toks = folded_tokens(clean)
        generic = generic_label(toks, registry.roles)
        first, last = split_name(clean)
        parsed[label] = (clean, toks, generic, folded_tokens(" ".join(first)), folded_tokens(" ".join(last)))

    parent = {label: label for label in labels}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def compatible(a: str, b: str) -> bool:
        ra, rb = roles.get(a), roles.get(b)
        return ra is None or rb is None or fold(ra) == fold(rb)

    def in_key(label: str) -> str | None:
        """The pseudonym the key gives this label (only the key's phrases are registered yet)."""
        phrase = registry.lookup(parsed[label][1])
        if phrase is None or phrase.group is None or phrase.group.category != "speaker":
            return None
        if phrase.speaker_label:
            return phrase.group.pseudonym
        # A "variant" that is exactly this label: keys written before listed speakers were recorded as
        # speakers hold them so ("Karim Benali" of "Médiateur·rice 1"). It is this speaker's when the
        # roles agree: the pseudonym is numbered after this label's role (or the label has none).
        role = roles.get(label)
        if role is None or fold(_role_label(role, registry.lang)) == fold(phrase.group.label):
            return phrase.group.pseudonym
        return None

    def link(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra == rb:
            return
        ka, kb = in_key(ra), in_key(rb)
        if ka and kb and ka != kb:
            return  # both already have a pseudonym: never merge them, pseudonyms must stay stable
        parent[rb] = ra

    # "KARIM BENALI" and "Karim Benali": one label, written two ways (two groups would share every phrase,
    # which then names nobody, and the key could not keep their pseudonyms)
    spelled: dict[tuple[str, ...], str] = {}
    for label in labels:
        first_spelling = spelled.setdefault(parsed[label][1], label)
        if first_spelling != label and compatible(first_spelling, label):
            link(first_spelling, label)
    full = [lb for lb in labels if not parsed[lb][2] and parsed[lb][3] and parsed[lb][4]
            and len(parsed[lb][4][-1]) > 1]
    # "Karim B." -> the one "Karim B…" with a full last name
    for label in labels:
        clean, toks, generic, first, last = parsed[label]
        if generic or not first or not last or len(last[-1]) != 1:
            continue
        cands = [f for f in full if parsed[f][3] == first and parsed[f][4][0].startswith(last[-1])
                 and compatible(label, f)]
        if len(cands) == 1:
            link(cands[0], label)
    # "Karim" (a first name alone), "J-F" (initials) -> the one full name that fits
    for label in labels:
        clean, toks, generic, first, last = parsed[label]
        if generic or last:
            continue
        if all(len(tok) == 1 for tok in toks) and len(toks) > 1:  # "J-F" -> Jean-François
            cands = {root(f) for f in labels if f != label and not parsed[f][2] and parsed[f][3]
                     and tuple(w[0] for w in parsed[f][3]) == toks and compatible(label, f)}
        else:
            cands = {root(f) for f in labels if f != label and not parsed[f][2] and parsed[f][3] == toks
                     and parsed[f][4] and compatible(label, f)}
        if len(cands) == 1:
            link(next(iter(cands)), label)

    groups: dict[str, Group] = {}
    members: dict[str, list[str]] = {}
    for label in labels:
        members.setdefault(root(label), []).append(label)
    for group_labels in members.values():  # in order of first appearance of the group
        role = next((roles[lb] for lb in group_labels if roles.get(lb)), None)
        canonical = max((parsed[lb][0] for lb in group_labels), key=lambda s: (len(s.split()), len(s)))
        pseudonym = next((p for p in (in_key(lb) for lb in group_labels) if p), None)
        group = registry.groups_by_pseudonym.get(pseudonym) if pseudonym else None
        if group is None:
            group = Group("speaker", _role_label(role, registry.lang), canonical)
            registry.pseudonym(group)
        group.category = "speaker"
        for lb in group_labels:
            groups[lb] = group
    return groups


def register_speakers(registry: Registry, groups: dict[str, Group], parsed_generic: set[str]) -> None:
    """Speaker labels and their variants into the registry; generic labels (``Intervenant 2``) are never searched."""
    for label, group in groups.items():
        clean = clean_label(label)
        generic = label in parsed_generic
        phrase = registry.add(clean, group, "label" if generic else "full", "speaker", force=True)
        if phrase is not None and phrase.group is group:
            phrase.speaker_label = True  # the key records it as this speaker's, whoever else names it (a names list)
        if generic:
            continue
        if phrase is not None and not registry.searchable(folded_tokens(clean), clean):
            phrase.kind = "label"  # mapped in the key, never searched in text
        registry.add_variants(group, clean, "speaker")


def register_ner(registry: Registry, corpus: Corpus, candidates, order: list[str]) -> None:
    """Names found in the texts (``[(doc_id, start_char, end_char), ...]``) into the registry, longest first."""
    rank = {d: i for i, d in enumerate(order)}
    texts: dict[str, str] = {}
    found = []
    for doc_id, s, e in candidates:
        if doc_id not in texts:
            texts[doc_id] = corpus.text(doc_id)
        found.append((rank.get(doc_id, 0), s, texts[doc_id][s:e]))
    found.sort()
    # multi-word names first, so that single words can attach to them
    for _, _, name in sorted(found, key=lambda x: (-len(x[2].split()), x[0], x[1])):
        toks = folded_tokens(name)
        if not registry.searchable(toks, name):
            continue
        existing = registry.lookup(toks)
        if existing is not None:
            continue
        group = None
        if len(toks) > 1:
            head = registry.lookup(toks[:1]) or registry.lookup(folded_tokens(name.split()[0]))
            if head is not None and head.group is not None and head.group.category in ("speaker", "person") \
                    and not head.group.last and head.kind in ("full", "first"):
                group = head.group  # "Isabelle" the speaker, "Isabelle Roy" in the text
        if group is None:
            group = Group("person", LABELS[registry.lang]["person"], name)
        registry.add(name, group, "full", "ner")
        if len(toks) > 1:
            registry.add_variants(group, name, "ner")
