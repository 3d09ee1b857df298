"""Every mention of a known person: notes, names that are also common words, elision and possessives.

A known name (a speaker's label or part of it, a name from the names list, the key or the
recogniser) is found whatever its case (:mod:`.matcher` folds). Two things remain to decide,
and this module decides them:

- **whether a mention is the person** when the name is also a common word of the corpus
  (``rose``, ``pierre``, ``claire``, ``bill``): only where evidence says so
  (:func:`decide`): a capital, a transcriber's note about someone
  (``[rire de pierre]``), a verb of speech or action after it (``pierre a dit``), an
  address (``merci rose.``, ``claire, tu…``), a civility or a relative before it
  (``madame rose``, ``ma fille rose``), an English possessive (``bill's``). Every decision,
  hidden or kept, is returned with its reason for the replacements report;
- **how the pseudonym reads** where it goes (:func:`inflect`): French elision and
  contraction follow the pseudonym's first letter (``d'Amélie`` -> ``de Personne 4``,
  ``qu'Amélie`` -> ``que Personne 4``, ``l'Amélie`` -> ``la Personne 4``, ``de Christine``
  -> ``d'Animatrice 1``); an English possessive stays on the pseudonym (``Thomas'`` ->
  ``Person 4's``).

:func:`note_spans` finds transcribers' notes (``[…]``, ``(…)``) and
:func:`personal_words` the names whose every lower-case use in the corpus is a mention of a
person: those are no common words at all (``christine`` written only in notes).
"""

from __future__ import annotations

import bisect
import re

import numpy as np
import pandas as pd

from ..corpus import Corpus
from .detect import CIVILITY_BEFORE
from .places import ARTICLES
from .matcher import caps_ok, fold

# ---------------------------------------------------------------------------
# vocabulary (folded: lower case, no accents)

# Before a mention, these make it a common noun: "la rose", "une pierre", "the bill".
DETERMINERS = frozenset((
    "le la les l un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur "
    "leurs quelque quelques chaque plusieurs aucun aucune certains certaines tout toute tous toutes "
    "the a an this that these those my your his her its our their some any each every another"
).split())
# Addressing: a greeting, thanks or interjection right before the name, the name then ending the phrase.
ADDRESS_BEFORE = frozenset((
    "merci bonjour bonsoir salut allo coucou bravo bienvenue oui non ok okay ouais accord ecoute ecoutez regarde "
    "tiens voyons allez toi cher chere thanks thank you hi hello hey yes no sorry welcome bye dear"
).split())
# ... or the name at the start of a phrase, a comma, then "tu", "vous", "you"…
_ADDRESS_AFTER = re.compile(r"[ \t]*,[ \t]*(?:tu|t'|te|toi|vous|you|can you|could you|would you|do you|are you|"
                            r"peux-tu|pourrais-tu|veux-tu|voulez-vous|pouvez-vous|est-ce que)(?![^\W_])")
RELATIVES = frozenset((
    "mari femme epouse epoux conjoint conjointe chum blonde fils fille garcon frere soeur mere pere voisin voisine "
    "cousin cousine oncle tante ami amie copain copine collegue grand-mere grand-pere petit-fils petite-fille "
    "husband wife partner son daughter brother sister mother father neighbour neighbor friend aunt uncle colleague "
    "grandmother grandfather"
).split())
# Verbs of speech or action a person is the subject of, as transcribers and speakers write them
# (present, imperfect, past participle; English present and past).
VERBS_FR = frozenset((
    "dit disait dite demande demandait demandee repond repondait repondu explique expliquait ajoute ajoutait "
    "raconte racontait parle parlait rit riait ri sourit souriait souri tousse toussait pleure pleurait crie criait "
    "chuchote murmure soupire arrive arrivait arrivee part partait parti partie revient revenait revenu revenue "
    "entre entrait entree sort sortait sorti sortie intervient intervenait intervenu intervenue interrompt "
    "interrompu reprend reprenait repris acquiesce hoche montre montrait lit lisait lu ecrit ecrivait propose "
    "proposait pense pensait trouve trouvait sait savait su veut voulait voulu peut pouvait pu fait faisait "
    "vient venait venu venue va allait alle allee appelle appelait appele appelee telephone telephonait travaille "
    "travaillait habite habitait reste restait dort dormait dormi mange mangeait tient tenait tenu prend prenait "
    "pris prise lance commence continue termine confirme precise insiste rappelle rappele souligne remercie salue "
    "quitte rejoint presente chante applaudit applaudi leve levait excuse excusait chantait ecoute ecoutait"
).split())
VERBS_EN = frozenset((
    "says said asks asked answers answered replies replied explains explained adds added tells told laughs laughed "
    "smiles smiled coughs coughed cries cried shouts shouted whispers whispered sighs sighed nods nodded arrives "
    "arrived leaves left comes came goes went thinks thought knows knew wants wanted calls called writes wrote "
    "speaks spoke agrees agreed joins joined raises raised interrupts interrupted suggests suggested mentions "
    "mentioned lives lived works worked sends sent thanks thanked reads sings sang claps clapped waves waved "
    "points pointed stands stood sits sat returns returned"
).split())
# Between the name and its verb: pronouns, clitics, auxiliaries, negation ("pierre m'a dit",
# "rose elle est partie", "bill has just left").
_BETWEEN_FR = frozenset((
    "elle il me m te t se s lui leur nous vous y en ne n a avait aura aurait est etait sera serait va allait "
    "vient venait de d pas jamais plus aussi deja toujours encore bien"
).split())
_BETWEEN_EN = frozenset("she he has had is was will would just also then did does not never already".split())
_VERBS = {"fr": (VERBS_FR, _BETWEEN_FR), "en": (VERBS_EN, _BETWEEN_EN)}

# What a note looks like: "[rire de katia]", "(christine tousse)", on one line.
_NOTE = re.compile(r"\[[^\[\]\n]{1,200}\]|\([^()\n]{1,200}\)")


# ---------------------------------------------------------------------------
# notes


def note_spans(text: str) -> list[tuple[int, int]]:
    """``[(start, end), ...]`` of the transcribers' notes (``[…]``, ``(…)``) in ``text``, brackets included."""
    return [m.span() for m in _NOTE.finditer(text)]


def inside(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    """Whether ``[s, e)`` lies inside one of ``spans`` (sorted; ``starts`` their starts)."""
    i = bisect.bisect_right(starts, s) - 1
    return i >= 0 and spans[i][0] < s and e < spans[i][1]


# ---------------------------------------------------------------------------
# evidence


class Context:
    """One text, folded, and its notes (found on first need): where mentions are judged."""

    __slots__ = ("text", "folded", "lang", "_notes", "_starts")

    def __init__(self, text: str, folded: str | None = None, lang: str | None = None) -> None:
        self.text = text
        self.folded = fold(text) if folded is None else folded
        self.lang = lang  # "fr", "en"; None: both languages' verbs
        self._notes: list[tuple[int, int]] | None = None
        self._starts: list[int] = []

    def in_note(self, s: int, e: int) -> bool:
        if self._notes is None:
            self._notes = note_spans(self.text)
            self._starts = [a for a, _ in self._notes]
        return inside(self._notes, self._starts, s, e)

    def words_after(self, e: int, n: int = 6) -> list[str]:
        window = self.folded[e:e + 60]
        window = re.split(r"[\n.!?;:\[\]()]", window)[0]
        return [t for t in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", window)][:n]


def _ends_phrase(ctx: Context, e: int) -> bool:
    after = ctx.folded[e:e + 3].lstrip(" \t")
    return not after or after[0] in ",.!?;:…)]\n\"»"


def _starts_phrase(ctx: Context, s: int) -> bool:
    before = ctx.folded[max(0, s - 3):s].rstrip(" \t")
    return not before or before[-1] in ".!?;:…([\n\"«—"


def _has_verb(after: list[str], lang: str | None) -> bool:
    if lang in _VERBS:
        verbs, between = _VERBS[lang]
    else:
        verbs, between = VERBS_FR | VERBS_EN, _BETWEEN_FR | _BETWEEN_EN
    for word in after[:5]:
        if word in verbs:
            return True
        if word not in between:
            return False
    return False


_PREVIOUS = re.compile(r"(?<![^\W_])([^\W\d_]+)([ \t\u00a0]{1,3}|')$")
_ADDRESS_BEFORE = re.compile(r"(?<![^\W_])(?:" + "|".join(sorted(ADDRESS_BEFORE, key=len, reverse=True))
                             + r")[ \t\u00a0]*,?[ \t\u00a0]*$")


def _previous(ctx: Context, s: int) -> tuple[str, str, str]:
    """``(word, as written, gap)``: the word right before ``s`` (folded) and what separates them; empty when none."""
    m = _PREVIOUS.search(ctx.folded, max(0, s - 40), s)
    if m is None:
        return "", "", ""
    return m.group(1), ctx.text[m.start(1):m.end(1)], m.group(2)


def _determined(ctx: Context, s: int) -> bool:
    """An article, a demonstrative or a possessive right before ``s``: ``la rose``, ``l'olive``, ``the bill`` (not ``à``)."""
    word, written, gap = _previous(ctx, s)
    if word not in DETERMINERS or (gap == "'") != (word == "l"):
        return False
    return not (word == "a" and written in ("à", "À"))


def evidence(ctx: Context, s: int, e: int) -> str | None:
    """Why the lower-case mention ``[s, e)`` of a name that is also a common word is the person; ``None``: no evidence.

    The reasons, in the order they are tried: ``civility`` (``madame rose``), ``relative``
    (``ma fille rose``), ``note`` (inside ``[…]`` or ``(…)``: ``[rire de pierre]``),
    ``verb`` (a verb of speech or action after it: ``pierre a dit``, ``rose elle est
    partie``, ``bill said``), ``addressed`` (``merci rose.``, ``oui claire ?``, ``pierre,
    tu…``), ``possessive`` (``bill's idea``). An article, a demonstrative or a possessive
    right before it (``la rose``, ``une pierre``, ``the bill``) is no person, whatever follows.
    """
    if CIVILITY_BEFORE.search(ctx.folded, max(0, s - 16), s):
        return "civility"
    word, _, gap = _previous(ctx, s)
    if word in RELATIVES and gap != "'":
        return "relative"
    if _determined(ctx, s):
        return None  # "la rose", "l'olive": a thing
    if ctx.in_note(s, e):
        return "note"
    if _has_verb(ctx.words_after(e), ctx.lang):
        return "verb"
    if _ends_phrase(ctx, e) and _ADDRESS_BEFORE.search(ctx.folded, max(0, s - 20), s):
        return "addressed"
    if _starts_phrase(ctx, s) and _ADDRESS_AFTER.match(ctx.folded, e):
        return "addressed"
    if re.match(r"'s(?![^\W_])", ctx.folded[e:e + 3]):
        return "possessive"
    return None


def decide(ctx: Context, s: int, e: int, original: str | None = None) -> tuple[bool, str]:
    """``(hidden, reason)`` for a mention of a name that is also a common word (``original``: the name as known).

    Capitalised as in the name (:func:`~.matcher.caps_ok`: ``Rose``, ``ROSE``; not ``I've``
    for ``I'VE``): hidden (``capitalised``), wherever it is (``la France`` too: a capital
    is the one evidence that :func:`~.audit.leaks` can check again in any output, whose
    quotes may have lost the words around). Otherwise hidden where :func:`evidence` gives
    a reason, else kept (``common word``).
    """
    written = ctx.text[s:e]
    if written[:1].isupper() and (original is None or caps_ok(original, written)):
        return True, "capitalised"
    reason = evidence(ctx, s, e)
    return (True, reason) if reason else (False, "common word")


def personal_words(words: set[str], tokens: pd.DataFrame, corpus: Corpus) -> set[str]:
    """The ``words`` (folded) whose every lower-case occurrence in the corpus is a mention of someone.

    Such a word is not a common word of this corpus, though it is written in lower case:
    ``christine`` of ``[christine tousse]`` and ``[mm de christine]``, ``katia`` of ``merci
    katia.``. A word with no lower-case occurrence is not returned. ``tokens`` is the
    tokens frame (``doc_id``, ``text``, ``start_char``, ``end_char``).
    """
    if not words or tokens.empty:
        return set()
    texts = tokens["text"].astype(str)
    lower = texts.str.islower().to_numpy(dtype=bool)
    values, uniques = pd.factorize(texts[lower])
    wanted = np.array([fold(u) in words for u in uniques], dtype=bool)
    if not wanted.any():
        return set()
    rows = tokens[lower].iloc[np.flatnonzero(wanted[values])]
    contexts: dict[str, Context] = {}
    langs = {str(d): (str(v)[:2] if isinstance(v, str) else None)
             for d, v in zip(corpus.documents["doc_id"], corpus.documents["language"])}
    judged: dict[str, bool] = {}
    for doc_id, text, s, e in zip(rows["doc_id"].astype(str), rows["text"].astype(str), rows["start_char"],
                                  rows["end_char"]):
        word = fold(text)
        if judged.get(word) is False:
            continue
        if doc_id not in contexts:
            contexts[doc_id] = Context(corpus.text(doc_id), lang=langs.get(doc_id))
        judged[word] = evidence(contexts[doc_id], int(s), int(e)) is not None
    return {w for w, personal in judged.items() if personal}


# ---------------------------------------------------------------------------
# inserting a pseudonym: elision, contraction, possessive

_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæh")
_ELIDED = {"d": "de", "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque",
           "quoiqu": "quoique", "l": "le"}
_ELIDED_BEFORE = re.compile(r"(?<![^\W_])(d|qu|jusqu|lorsqu|puisqu|quoiqu|l)(['’])$", re.IGNORECASE)
_FULL_BEFORE = re.compile(r"(?<![^\W_])(de|que|jusque|lorsque|puisque|quoique|le|la)([ \u00a0])$", re.IGNORECASE)
_POSSESSIVE_S = re.compile(r"(['’])(?=[ \t]+[^\W\d_])")


def starts_with_vowel(replacement: str) -> bool:
    """Whether French elides before ``replacement`` (its first letter, inside a bracket too: ``[organisation 1]``)."""
    letters = replacement.lstrip("[ ")
    return bool(letters) and letters[0].casefold() in _VOWELS


def _label_word(replacement: str) -> str:
    """The first word of a pseudonym's label: ``[centre communautaire 1]`` -> ``centre``."""
    return re.sub(r"[\[\]]|\s*\d+$", "", replacement).strip().split(" ")[0]


def _article(replacement: str) -> str:
    """``le``, ``la`` or ``le·la`` for a pseudonym whose ``l'`` cannot stay: from its label's ending."""
    label = _label_word(replacement)
    if "·" in label:
        return "le·la"
    if label in ARTICLES:  # the labels of places: "le [centre communautaire 1]", "la [rue 2]"
        return ARTICLES[label]
    return "la" if fold(label).endswith("e") else "le"


_ARTICLE_BEFORE = re.compile(r"(?:(?<![\w])(?P<prep>à|de)[ \u00a0]+)?(?<![\w'’])(?P<art>le|la|l['’])[ \u00a0]*$"
                             r"|(?<![\w])(?P<contracted>au|du)[ \u00a0]+$", re.IGNORECASE)
_FORMS = {("le", None): "le", ("le", "à"): "au", ("le", "de"): "du",
          ("la", None): "la", ("la", "à"): "à la", ("la", "de"): "de la"}


def _agree(before: str, replacement: str, vowel: bool) -> tuple[int, str] | None:
    """The article before a place's pseudonym, made to agree with its label: ``(length replaced, article)``.

    The label of a place (``[centre communautaire 1]``, ``[rue 2]``) has its own gender
    (:data:`~.places.ARTICLES`): ``la Maison de quartier Le Fil`` -> ``le [centre
    communautaire 1]``, ``à l'asbl`` -> ``au``, ``du parc`` -> ``de la [rue 1]``. ``None`` when
    nothing needs to change (or the label starts with a vowel: ``l'`` is right).
    """
    label = _label_word(replacement)
    if vowel or label not in ARTICLES or not replacement.startswith("["):
        return None
    m = _ARTICLE_BEFORE.search(before)
    if m is None:
        return None
    gender = ARTICLES[label]
    if m.group("contracted"):
        word = m.group("contracted")
        prep = "à" if word.casefold() == "au" else "de"
    else:
        word = m.group("prep") or m.group("art")
        prep = m.group("prep").casefold() if m.group("prep") else None
    article = _FORMS[(gender, prep)]
    if fold(m.group(0).strip()) == fold(article):
        return None
    return len(m.group(0)), _cased(article, word)


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def inflect(text: str, s: int, e: int, replacement: str, lang: str, *, apostrophe: str = "'",
            floor: int = 0) -> tuple[int, int, str]:
    """The span ``[s, e)`` and its replacement, widened so that the pseudonym reads naturally where it goes.

    French (``lang="fr"``): an elided word before a pseudonym that starts with a consonant
    is written out (``d'Amélie`` -> ``de Personne 4``, ``qu'``, ``jusqu'``, ``lorsqu'``,
    ``puisqu'``, ``quoiqu'``; ``l'`` -> ``le``, ``la`` or ``le·la`` after the pseudonym's
    label); ``de``, ``que``… ``le``, ``la`` before one that starts with a vowel or a mute
    *h* are elided (``de Christine`` -> ``d'Animatrice 1``), with ``apostrophe``. English:
    ``Thomas'`` -> ``Person 4's``. Never reaches before ``floor`` (the end of the span before).
    """
    if lang == "fr":
        before = text[max(floor, s - 8):s]
        vowel = starts_with_vowel(replacement)
        agreed = _agree(before, replacement, vowel)
        if agreed is not None:  # "à la Maison de quartier Le Fil" -> "au [centre communautaire 1]"
            length, article = agreed
            return s - length, e, f"{article} {replacement}"
        m = _ELIDED_BEFORE.search(before)
        if m and not vowel:
            word = m.group(1)
            full = _article(replacement) if word.casefold() == "l" else _ELIDED[word.casefold()]
            return s - len(m.group(0)), e, f"{_cased(full, word)} {replacement}"
        m = _FULL_BEFORE.search(before) if vowel else None
        if m:
            word = m.group(1)
            short = "l" if word.casefold() in ("le", "la") else word[:-1]
            return s - len(m.group(0)), e, f"{short}{apostrophe}{replacement}"
        return s, e, replacement
    if lang == "en" and text[e - 1:e] in ("s", "S") and not replacement.endswith(("s", "S")):
        m = _POSSESSIVE_S.match(text, e)
        if m:
            return s, e + 1, f"{replacement}{m.group(1)}s"
    return s, e, replacement


def apostrophe_of(text: str) -> str:
    """The apostrophe ``text`` uses most (``'`` or ``’``)."""
    return "’" if text.count("’") > text.count("'") else "'"
