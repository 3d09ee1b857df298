"""Which language a text is in, for the languages the workbench has pipelines for.

Detection counts frequent function words of each language; it is deterministic,
needs no model, and is reliable on the few hundred words of a turn or a document.
It answers ``None`` when a text is too short or too mixed to say.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "iso639_1", "FUNCTION_WORDS"]

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


#: ISO 639-2/3 codes (bibliographic and terminology) and a few names transcription tools
#: write, -> ISO 639-1; ``None``: a code known to have no two-letter equivalent.
_ISO639 = {
    'afr': 'af', 'alb': 'sq', 'anglais': 'en', 'ara': 'ar', 'aze': 'az', 'baq': 'eu', 'ber': None, 'bos': 'bs',
    'bre': 'br', 'bul': 'bg', 'cat': 'ca', 'ces': 'cs', 'chi': 'zh', 'cmn': 'zh', 'cos': 'co', 'cym': 'cy',
    'cze': 'cs', 'dan': 'da', 'deu': 'de', 'dut': 'nl', 'ell': 'el', 'eng': 'en', 'english': 'en', 'est': 'et',
    'eus': 'eu', 'fas': 'fa', 'fin': 'fi', 'fra': 'fr', 'francais': 'fr', 'français': 'fr', 'fre': 'fr',
    'french': 'fr', 'ger': 'de', 'gle': 'ga', 'glg': 'gl', 'gre': 'el', 'hat': 'ht', 'heb': 'he', 'hin': 'hi',
    'hrv': 'hr', 'hun': 'hu', 'hye': 'hy', 'ice': 'is', 'ind': 'id', 'isl': 'is', 'ita': 'it', 'jpn': 'ja',
    'kor': 'ko', 'lat': 'la', 'lav': 'lv', 'lin': 'ln', 'lit': 'lt', 'ltz': 'lb', 'mac': 'mk', 'mkd': 'mk',
    'mlt': 'mt', 'msa': 'ms', 'nld': 'nl', 'nob': 'nb', 'nor': 'no', 'oci': 'oc', 'pol': 'pl', 'por': 'pt',
    'ron': 'ro', 'rum': 'ro', 'rus': 'ru', 'slk': 'sk', 'slo': 'sk', 'slv': 'sl', 'spa': 'es', 'sqi': 'sq',
    'srp': 'sr', 'swa': 'sw', 'swe': 'sv', 'tha': 'th', 'tur': 'tr', 'ukr': 'uk', 'vie': 'vi', 'wel': 'cy',
    'wln': 'wa', 'wol': 'wo', 'yue': 'zh', 'zho': 'zh',
}


def iso639_1(value: str | None) -> str | None:
    """The ISO 639-1 code of a language as transcripts write it: ``fr``, ``fr-CA``, ``fra``,
    ``fre``, ``fr_BE``, ``French``; ``None`` when it is empty or not known (the language is
    then detected).

    >>> iso639_1("fra"), iso639_1("fr-CA"), iso639_1("French"), iso639_1("xyz")
    ('fr', 'fr', 'fr', None)
    """
    primary = re.split(r"[-_]", (value or "").strip().lower())[0]
    if len(primary) == 2 and primary.isalpha():
        return primary
    return _ISO639.get(primary)
