"""Stop words for transcripts of talk: spaCy's lists plus oral fillers and discourse markers.

spaCy's stop-word lists were drawn up for written text. Transcribed meetings are full of
hesitations (*euh*, *um*), tags (*hein*, *tsé*, *you know*) and discourse markers
(*ben*, *faque*, *pis*, *mettons*, *une fois*) that crowd the top of every frequency
table without saying anything about the topic. :data:`FILLERS` lists those of French
(Québec and Belgium included) and English; :func:`stop_words` returns spaCy's list for a
language together with them.

Words that can also carry meaning
---------------------------------
A few fillers are also ordinary words. Research Kit decides as follows; pass your own
list to ``annotate(stop_words=...)`` to decide otherwise.

- *genre*, *style* and *bon* are fillers **unless** a determiner or a preposition comes
  just before them (*le genre*, *égalité de genre*, *un bon projet* stay content words;
  *c'est genre compliqué*, *Bon, on commence* are fillers). They are compared as written
  (not through their lemma, so *bonne*, *genres* are never fillers).
- *full* (Québec intensifier, *c'est full long*) is **not** a stop word: it grades what
  follows, which analyses of intensity need.
- *like* is **not** a stop word in English: in meetings it is most often the verb or the
  preposition (*we would like*, *things like that*), and the lookup pipeline used when no
  English model is installed has no parts of speech to tell the filler apart. Add it
  yourself if your transcripts overuse it.
- *so*, *well*, *just*, *really* are already in spaCy's English list.
- *d'accord* is **not** a stop word: *on est d'accord* (agreement) matters in meetings.

Markers of several words
------------------------
A token is one word, so a marker such as *fait que* or *you know* is matched on
consecutive tokens and both are marked. Entries containing a space (``"fait que"``) or
an apostrophe inside (``"t'sais"``, which spaCy splits as ``t'`` + ``sais``) are such
markers. Some of them are only markers in some positions (see ``CONTEXT_RULES``):

- ``"initial"``: at the start of a sentence or right after punctuation (*Fait que on y
  va*; but not *le fait que*);
- ``"isolated"``: set off on both sides by punctuation or a sentence edge (*, you know,*;
  *, tu sais,*; but not *do you know where*).

Limitation: the Belgian *une fois* (*viens une fois*) cannot be told apart from the
temporal *une fois* (*une fois qu'on aura fini*) without syntax; it is marked only when
isolated by punctuation, so most occurrences stay unmarked. *Tu sais* and *I mean* are
likewise marked only when isolated.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
from pathlib import Path
from typing import Literal

__all__ = ["FILLERS", "CONTEXT_RULES", "stop_words"]

FILLERS: dict[str, frozenset[str]] = {
    "fr": frozenset({
        # hesitations
        "euh", "euhm", "heu", "hum", "hmm", "hm", "mm", "mmh", "mhm", "ah", "oh", "eh", "bah", "beh", "ba",
        # tags and discourse markers, France / Québec / Belgium
        "hein", "han", "ben", "bon", "genre", "style", "quoi", "enfin", "voilà", "bref", "allez", "là",
        "pis", "faque", "fak", "tsé", "tsais", "t'sais", "coudonc", "mettons", "ouin", "ouain", "ouais",
        "ok", "okay", "oké",
        # the euphonic t of "a-t-il" (spaCy's token "-t")
        "t",
        # several words
        "fait que", "ça fait que", "tu sais", "tu vois", "je veux dire", "une fois", "en tout cas",
        "dans le fond",
    }),
    "en": frozenset({
        "um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mmm", "mhm", "ah", "oh", "eh", "huh",
        "yeah", "yep", "yup", "okay", "ok", "alright", "anyway", "anyways",
        "you know", "i mean",
    }),
}
"""Oral fillers and discourse markers added to spaCy's stop words, per language."""

Rule = Literal["not_after_determiner", "initial", "isolated"]

CONTEXT_RULES: dict[str, dict[str, Rule]] = {
    "fr": {
        "bon": "not_after_determiner", "genre": "not_after_determiner", "style": "not_after_determiner",
        "fait que": "initial", "ça fait que": "initial",
        "tu sais": "isolated", "tu vois": "isolated", "je veux dire": "isolated", "une fois": "isolated",
        "en tout cas": "isolated", "dans le fond": "isolated",
    },
    "en": {"you know": "isolated", "i mean": "isolated"},
}
"""Positions in which an ambiguous filler counts as one (see the module's documentation)."""


def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` plus the oral fillers of :data:`FILLERS`.

    Parameters
    ----------
    lang
        ISO 639-1 code (``"fr"``, ``"en"``, …). A language spaCy has no list for gets
        only its fillers (none for most languages).

    Returns
    -------
    frozenset of str
        Lower-cased words; entries with a space or an inner apostrophe are markers of
        several tokens (see the module's documentation).

    Examples
    --------
    >>> "euh" in stop_words("fr") and "tsé" in stop_words("fr")
    True
    >>> "um" in stop_words("en"), "like" in stop_words("en")
    (True, False)
    """
    lang = str(lang).lower().replace("_", "-").split("-")[0]
    return _stop_words(lang)


@functools.lru_cache(maxsize=None)
def _stop_words(lang: str) -> frozenset[str]:
    return frozenset(normalise_word(w) for w in _spacy_list(lang)) | FILLERS.get(lang, frozenset())


def _spacy_list(lang: str) -> frozenset[str]:
    """spaCy's ``STOP_WORDS`` for ``lang``, read from its ``stop_words.py`` alone.

    Importing ``spacy.lang.fr.stop_words`` imports spaCy and the language package
    (seconds); the list's file has no imports of its own, so it is loaded as a
    stand-alone module. Falls back to the import when the file is not found or not
    stand-alone.
    """
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        return frozenset()
    spec = importlib.util.find_spec("spacy")
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
        if path.is_file():
            try:
                loader = importlib.util.spec_from_file_location(f"_research_kit_stop_words_{lang}", path)
                module = importlib.util.module_from_spec(loader)
                loader.loader.exec_module(module)
                return frozenset(module.STOP_WORDS)
            except Exception:  # noqa: BLE001 — a list that needs its package: import it normally
                pass
    try:
        return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except ImportError:
        return frozenset()


def normalise_word(word: str) -> str:
    """A stop-word entry as lists compare them: lower case, typographic apostrophe (’) made straight.

    >>> normalise_word("Aujourd’hui")
    "aujourd'hui"
    """
    return word.lower().replace("’", "'")



def split_marker(entry: str) -> tuple[str, ...]:
    """How spaCy tokenises a marker: on spaces and after an inner apostrophe (``t'sais`` -> ``t'``, ``sais``)."""
    parts: list[str] = []
    for word in normalise_word(entry).split():
        while "'" in word[:-1]:
            head, tail = word.split("'", 1)
            parts.append(head + "'")
            word = tail
        parts.append(word)
    return tuple(p for p in parts if p)


def is_marker(entry: str) -> bool:
    """True for an entry of several tokens."""
    return len(split_marker(entry)) > 1


# Words before which an ambiguous filler is a content word, for pipelines without parts of speech.
_DETERMINERS = {
    "fr": frozenset("le la les l' un une des du de d' au aux ce cet cette ces mon ma mes ton ta tes son sa ses "
                    "notre nos votre vos leur leurs quel quelle quels quelles à en par pour sur dans avec sans "
                    "chaque tout toute même".split()),
    "en": frozenset("the a an this that these those my your his her its our their of for in on with by to".split()),
}


def mark_stops(lower: list[str], lemma: list[str], pos: list[str], is_punct: list[bool], sent_start: list[bool],
               stops: frozenset[str], lang: str) -> list[bool]:
    """``is_stop`` for one run of tokens (a document's tokens of one language, in order).

    ``stops`` is the list in use (single words and markers); :data:`CONTEXT_RULES` of
    ``lang`` apply to the entries it contains. Single words match on the lower-cased
    text or the lemma, except context-ruled ones, which match on the text only. A
    leading hyphen (``-ce`` of *est-ce*) is ignored.
    """
    n = len(lower)
    rules = CONTEXT_RULES.get(lang, {})
    singles = {w for w in stops if not is_marker(w)}
    ruled_singles = {w: r for w, r in rules.items() if w in singles}
    plain = singles - set(ruled_singles)
    # Inverted clitics come as "-ce", "-vous", "-t" (est-ce, allez-vous, a-t-il): compare them without the hyphen.
    bare = [w[1:] if w[:1] == "-" and len(w) > 1 else w for w in lower]
    out = [lo in plain or le in plain for lo, le in zip(bare, lemma)]
    if ruled_singles:
        dets = _DETERMINERS.get(lang, frozenset())
        for i, lo in enumerate(lower):
            if lo in ruled_singles and not out[i]:
                before_ok = i == 0 or sent_start[i] or not (pos[i - 1] in ("DET", "ADP") or lower[i - 1] in dets)
                out[i] = before_ok
    markers = [(split_marker(w), rules.get(w)) for w in stops if is_marker(w)]
    if markers:
        firsts = {m[0] for m, _ in markers}
        for i, lo in enumerate(lower):
            if lo not in firsts:
                continue
            for words, rule in markers:
                k = len(words)
                if words[0] != lo or i + k > n or tuple(lower[i:i + k]) != words:
                    continue
                if any(sent_start[j] for j in range(i + 1, i + k)):
                    continue  # a marker never spans two sentences
                opens = i == 0 or sent_start[i] or is_punct[i - 1]
                closes = i + k == n or sent_start[i + k] or is_punct[i + k]
                if rule == "initial" and not opens:
                    continue
                if rule == "isolated" and not (opens and closes):
                    continue
                for j in range(i, i + k):
                    out[j] = True
    return out
