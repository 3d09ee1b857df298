"""Speaker labels and timestamps as transcripts write them.

Shared by the text, DOCX, VTT and SRT readers so that one line such as
``[00:12:03] Marie-Ève T. : bon, ben…`` is understood the same way everywhere.
"""

from __future__ import annotations

import re

# 12:03, 1:12:03, 00:12:03.250, 00:12:03,250
_TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
TIME_RE = re.compile(rf"^{_TIME}$")

# A name word: capitalised or upper-case word (letters, hyphens, apostrophes, dots),
# or a number ("Participant 3"), or a lower-case particle inside a name ("de", "van").
_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.·\-]*|(?<![\d:])\d+(?!\d|:\d))"
_PARTICLE = r"(?:de|du|des|la|le|van|von|der|den|da|di|ben|bin|el|al)"
_NAME = (rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}(?:[dl]['’])?{_WORD}){{0,3}}"
         rf"(?:,\s*{_WORD}(?:\s+{_WORD})?)?"  # O'Brien, Patrick (as Zoom lists people)
         r"(?:\s*\((?!\s*\d{1,2}:)[^()\n]{1,40}\))?")  # Marie-Ève (elle), Chloé (iPad), Julie (animatrice)

_STAMP = rf"(?:\[(?P<t1>{_TIME})\]|\((?P<t2>{_TIME})\)|(?P<t3>{_TIME}))"

# [00:12:03] NAME: text   |  (00:12:03) NAME: text  |  00:12:03 NAME: text
# NAME (00:12): text      |  NAME [00:12:03]: text  |  NAME: text  |  **NAME:** text  |  **NAME** : text
LABEL_RE = re.compile(
    rf"""^\s*
    (?:{_STAMP}\s*[-–—]?\s*)?
    (?P<name>{_NAME})
    (?:\s*(?:\[(?P<t4>{_TIME})\]|\((?P<t5>{_TIME})\)|(?P<t6>{_TIME})))?
    \s*[:：]
    (?P<rest>.*)$""",
    re.VERBOSE | re.DOTALL,
)

_BOLD_RE = re.compile(r"^(?P<pre>\s*(?:[\[(][\d:.,]+[\])]\s*)?)(?P<b>\*\*|__|\*|_)(?P<inner>[^*_]+?)(?P=b)")

# Otter / Teams "header" line: NAME  0:03  (text follows on the next lines)
HEADER_RE = re.compile(rf"^\s*(?P<name>{_NAME})\s+(?:\[|\()?(?P<t>{_TIME})(?:\]|\))?\s*$")

# A bare timestamp before text without a name: [00:12:03] text
STAMP_ONLY_RE = re.compile(rf"^\s*{_STAMP}\s+(?P<rest>\S.*)$", re.DOTALL)

# Capitalised words that open header lines of transcripts ("Date : 12 mars",
# "Transcription : L. G.") rather than turns. Lower-case openings ("il faut dire: …")
# never match the label pattern in the first place.
_NOT_NAMES = {
    "http", "https", "www", "mailto", "date", "lieu", "heure", "heures", "durée", "duree", "transcription",
    "transcripteur", "transcriptrice", "transcrit par", "présents", "présentes", "présent·es", "absents", "objet",
    "sujet", "titre", "ordre du jour", "résumé", "mots-clés", "légende", "enregistrement", "fichier", "source",
    "time", "location", "duration", "transcriber", "transcribed by", "present", "attendees", "subject", "title",
    "agenda", "summary", "keywords", "recording", "file", "notes", "note", "remarque", "nb", "n.b", "ps",
}


# First words that open a sentence, not a name: "Donc : on vote", "THE AGENDA: ITEM ONE".
_NOT_FIRST_WORDS = {
    "donc", "alors", "bon", "voilà", "voila", "ensuite", "puis", "pis", "mais", "et", "ou", "car", "enfin",
    "le", "la", "les", "l'", "un", "une", "des", "du", "ce", "cette", "ces", "ça", "il", "elle", "on", "nous", "vous",
    "ils", "elles", "je", "j'", "tu", "c'est", "oui", "non", "merci", "bref", "finalement", "aussi", "parce",
    "so", "well", "then", "and", "but", "or", "the", "a", "an", "this", "that", "these", "those", "it", "we", "you",
    "they", "he", "she", "my", "our", "yes", "no", "okay", "ok", "thanks", "also", "because", "item", "motion",
    "à", "en", "au", "aux", "pour", "avec", "sans", "dans", "sur", "chez", "selon",
    # words that head a line of notes or a slide, not a speaker ("Question : qui commence ?")
    "question", "questions", "exemple", "exemples", "objectif", "objectifs", "attention", "proposition", "rappel",
    "conclusion", "résolution", "décision", "décisions", "action", "actions", "suivi", "point", "points", "étape",
    "partie", "thème", "courriel", "adresse", "lien", "web", "tél", "tél.", "téléphone", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "bonjour", "bonsoir", "salut", "pause", "reprise", "rires", "rire",
    "inaudible", "todo", "important", "nota", "ps", "conseil", "astuce", "définition", "résultat", "résultats",
    "example", "goal", "reminder", "decision", "follow-up", "step", "part", "topic", "email", "address", "link",
    "phone", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "hello", "hi", "break",
    "laughter", "crosstalk", "result", "results", "tip", "warning",
}


# …but an article before a role is a label: "THE CHAIR:", "La présidente :".
_ROLE_NOUNS = {
    "chair", "chairman", "chairwoman", "clerk", "mayor", "president", "secretary", "moderator", "facilitator",
    "interpreter", "président", "présidente", "maire", "mairesse", "secrétaire", "greffier", "greffière",
    "modérateur", "modératrice", "animateur", "animatrice", "interprète", "bourgmestre", "échevin", "échevine",
}


_ROLE_LABEL_RE = re.compile(
    r"^\s*(?P<name>(?:le|la|l['’]|the|mme|m\.|madame|monsieur)\s*(?:la\s+|le\s+)?(?:"
    + "|".join(sorted(_ROLE_NOUNS, key=len, reverse=True)) + r"))\s*[:：](?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse_time(value: str) -> float:
    """Seconds from ``MM:SS``, ``H:MM:SS`` with an optional ``.mmm`` or ``,mmm``.

    >>> parse_time("01:02:03.5")
    3723.5
    """
    value = value.strip().replace(",", ".")
    parts = value.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    if len(parts) > 3 or seconds >= 60 or minutes >= 60 or seconds < 0:
        raise ValueError(f"not a timestamp: {value!r}")
    return hours * 3600 + minutes * 60 + seconds


def split_label(line: str) -> tuple[str, float | None, str] | None:
    """Split ``line`` into (speaker, start seconds or None, rest) when it opens a turn.

    Returns ``None`` when the line does not start with a speaker label.

    >>> split_label("[00:12:03] Marie-Ève : bon, ben")
    ('Marie-Ève', 723.0, 'bon, ben')
    >>> split_label("il faut dire: non") is None
    True
    """
    # Markdown bold around the name, with the colon inside or outside: **NAME:** / **NAME** :
    line = _BOLD_RE.sub(r"\g<pre>\g<inner>", line, count=1)
    m = LABEL_RE.match(line)
    if not m:
        role = _ROLE_LABEL_RE.match(line)  # "La présidente :", "Le maire :"
        return (" ".join(role.group("name").split()), None, role.group("rest").strip()) if role else None
    name = " ".join(m.group("name").split())
    first = re.split(r"[\s'’]", name.lower(), maxsplit=1)[0]
    words = name.lower().split()
    if first in _NOT_FIRST_WORDS and not (first in ("the", "le", "la", "l'") and words[-1] in _ROLE_NOUNS):
        return None
    if name.lower() in _NOT_NAMES or len(name) > 60:
        return None
    stamp = next((m.group(g) for g in ("t1", "t2", "t3", "t4", "t5", "t6") if m.group(g)), None)
    try:
        start = parse_time(stamp) if stamp else None
    except ValueError:
        return None
    return name, start, m.group("rest").strip()


def split_header(line: str) -> tuple[str, float] | None:
    """(speaker, seconds) for an Otter/Teams header line ``NAME  0:03``, else None."""
    m = HEADER_RE.match(line)
    if not m or m.group("name").split()[0].lower() in _NOT_FIRST_WORDS:  # "Pause 10:15" is a heading
        return None
    try:
        return m.group("name").strip(), parse_time(m.group("t"))
    except ValueError:
        return None
