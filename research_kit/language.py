"""Which language a text is in, for the languages the workbench has pipelines for.

Detection counts frequent function words of each language; it is deterministic,
needs no model, and is reliable on the few hundred words of a turn or a document.
It answers ``None`` when a text is too short or too mixed to say.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "FUNCTION_WORDS"]

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        "le la les un une des du de et est que qui pas ne je tu il elle on nous vous ils elles "
        "ce cette ces mais ou donc pour dans sur avec au aux en y a ai sont été être avoir fait "
        "c'est j'ai qu'on ça là pis ben faque tsé oui non très aussi comme quand parce".split()
    ),
    "en": frozenset(
        "the a an and is are was were be been that which who not no i you he she it we they "
        "this these those but or so for in on with at of to from by have has had do does did "
        "it's i'm don't what when because yes very also like just there".split()
    ),
    "nl": frozenset("de het een en is van dat niet ik je we zijn op met voor maar ook er wat".split()),
}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def detect_language(text: str, *, languages: tuple[str, ...] = ("fr", "en"), min_hits: int = 3,
                    margin: float = 1.5) -> str | None:
    """Return the language code of ``text`` among ``languages``, or ``None``.

    Parameters
    ----------
    text
        Any text.
    languages
        Candidate ISO 639-1 codes (those in :data:`FUNCTION_WORDS`).
    min_hits
        Fewest function words the winner must show.
    margin
        How many times more hits the winner needs than the runner-up.

    Examples
    --------
    >>> detect_language("Bon, ben, je pense que c'est pas notre rôle.")
    'fr'
    >>> detect_language("We should report back to the residents.")
    'en'
    """
    words = Counter(w.lower().replace("’", "'") for w in _WORD_RE.findall(text[:20000]))
    scores = sorted(
        ((sum(n for w, n in words.items() if w in FUNCTION_WORDS[lang]), lang) for lang in languages
         if lang in FUNCTION_WORDS),
        reverse=True,
    )
    if not scores or scores[0][0] < min_hits:
        return None
    if len(scores) > 1 and scores[0][0] < margin * scores[1][0]:
        return None
    return scores[0][1]
