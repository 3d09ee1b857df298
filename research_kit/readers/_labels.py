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


# --- A speaker's name on a line of its own ---------------------------------------------
#
# Parliamentary verbatims, interviews typed in Word, Otter exports without times: the
# name is alone on its line ("M. LE PRÉSIDENT.", "Mme Dupont (PS).—", "ENQUÊTRICE",
# "Speaker 1") and the speech follows. Such a line only looks like a label; whether it is
# one is decided on the whole file (see ``_builder.find_speaker_lines``).

# Civilities and roles that open a parliamentary name, in any case ("M.", "MME", "De heer").
_CIVILITY = (r"(?i:M\.|MM\.|Mme|Mmes|Mlle|Mlles|Me|Dr|Pr|Monsieur|Madame|Mademoiselle|Messieurs|Mesdames"
             r"|De\s+heer|Mevrouw|Mevr\.)")
_PARLIAMENT_ROLES = {
    "voorzitter", "minister", "staatssecretaris", "griffier", "ministre", "rapporteur", "rapporteure",
    "questeur", "questeure", "doyen", "doyenne", "vice-président", "vice-présidente", "premier ministre",
    "première ministre", "secrétaire d'état", "secrétaire d’état",
}
_ROLE_WORDS = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in
                       sorted(_ROLE_NOUNS | _PARLIAMENT_ROLES, key=len, reverse=True))
_ROLE_OPENING = rf"(?i:(?:le|la|l['’]|de|het)\s*(?:{_ROLE_WORDS}))"
_AFTER_CIVILITY = r"(?:(?<=\.)\s*|\s+)"  # "M.Dupont", "Mme Dupont"; never "PRÉSIDENCE" (Pr + ÉSIDENCE)
_ANY_WORD = r"[\w'’.\-·]+"
_GROUP = r"(?:\s*\([^()\n]{1,40}\))"  # the political group: (PS), (MR), (Ecolo-Groen)
_FUNCTION = r"(?:,\s*[^.,:;!?()\n]{1,60})"  # ", rapporteur", ", ministre de l'intérieur"
_END = r"(?P<end>\s*(?:[:：]|\.\s*[-–—]+|[-–—]+|\.))?"

SPEAKER_LINE_RE = re.compile(
    rf"""^(?:
        (?P<civil>(?:{_CIVILITY}{_AFTER_CIVILITY}{_ANY_WORD}(?:\s+{_ANY_WORD}){{0,5}}|{_ROLE_OPENING}(?:\s+{_ANY_WORD}){{0,3}})
                  {_GROUP}?{_FUNCTION}?)
        |(?P<plain>{_NAME})
    ){_END}$""",
    re.VERBOSE,
)

# Lines that stand alone without being anyone: answers, interjections, headings of a document.
_NOT_SPEAKER_LINES = {
    "d'accord", "d’accord", "ok", "okay", "oui", "non", "ouais", "voilà", "exactement", "absolument", "tout à fait",
    "bien sûr", "merci", "bravo", "euh", "hum", "hmm", "mhm", "mmh", "ah", "oh", "ben", "bah", "super", "parfait",
    "génial", "entendu", "certes", "yes", "no", "right", "sure", "exactly", "absolutely", "indeed",
    "introduction", "conclusion", "conclusions", "sommaire", "annexe", "annexes", "chapitre", "section", "préambule",
    "avant-propos", "bibliographie", "références", "remerciements", "contexte", "méthode", "méthodes",
    "méthodologie", "discussion", "synthèse", "séance", "fin", "suite", "début", "table des matières",
    "compte rendu", "compte rendu intégral", "procès-verbal", "verbatim", "entretien", "interview", "annex",
    "appendix", "chapter", "contents", "background", "methods", "the end", "glossaire", "glossary", "liste",
}
_NOT_SPEAKER_FIRST = {"annexe", "chapitre", "section", "séance", "entretien", "interview", "appendix", "chapter",
                      "tableau", "figure", "table", "page", "article", "titre", "compte", "liste"}
_LETTER_RE = re.compile(r"[^\W\d_]")
_BOLD_LINE_RE = re.compile(r"^(\*\*|__|\*|_)([^*_]+)\1$")


class SpeakerLine(tuple):
    """What :func:`speaker_line` found: ``(name, key, shape)``.

    ``shape`` is ``(civil, capitals, end)``: whether the name opens with a civility or a
    role (``M.``, ``Mme``, ``Le président``), whether it is written in capitals, and the
    punctuation that ends the line (``""``, ``":"``, ``"."``, ``"-"``). Lines of one file
    that name speakers share their shape.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        return self[0]

    @property
    def key(self) -> str:
        return self[1]

    @property
    def shape(self) -> tuple[bool, bool, str]:
        return self[2]

    @property
    def strong(self) -> bool:
        """A shape no heading has: a civility or a role, a final colon or dash, capitals and a final dot."""
        civil, capitals, end = self.shape
        return civil or end in (":", "-") or (capitals and end == ".")


def speaker_line(line: str) -> SpeakerLine | None:
    """The name on ``line`` when the line could be a speaker's name standing alone.

    Short (at most 70 characters), no sentence inside; a final ``.`` only after a
    civility or a name in capitals (``M. LE PRÉSIDENT.``), never after a plain word
    (``Merci.``); never an answer or a heading (``D'accord``, ``Introduction``).

    >>> speaker_line("Mme Dupont (PS).—").name
    'Mme Dupont (PS)'
    >>> speaker_line("Merci.") is None
    True
    """
    line = line.strip()
    if not line or len(line) > 70 or line[-1] in "?!…,;":
        return None
    bold = _BOLD_LINE_RE.match(line)  # **MARIE** on its own line (Markdown)
    if bold:
        line = bold.group(2).strip()
    m = SPEAKER_LINE_RE.match(line)
    if not m:
        return None
    raw_end = (m.group("end") or "").strip()
    name = " ".join((m.group("civil") or m.group("plain")).split()).strip()
    # a name word may end with a dot of its own ("PRÉSIDENT."): that dot ends the line, not the name
    while name.endswith(".") and not re.search(r"(?:^|\s)(?:M|MM|Mevr|[A-ZÀ-Þ])\.$", name):
        name, raw_end = name[:-1].rstrip(), raw_end or "."
    end = "" if not raw_end else ":" if raw_end[0] in ":：" else "-" if raw_end[-1] in "-–—" else "."
    if not _LETTER_RE.search(name) or len(name.split()) > 8:
        return None
    civil = m.group("civil") is not None
    letters = [c for c in name if c.isalpha()]
    capitals = len(letters) >= 2 and all(c.isupper() for c in letters)
    low = name.casefold()
    first = re.split(r"[\s'’]", low, maxsplit=1)[0]
    if low in _NOT_SPEAKER_LINES or low in _NOT_NAMES or first in _NOT_SPEAKER_FIRST:
        return None
    if not civil and (first in _NOT_FIRST_WORDS or low.split()[0] in _NOT_SPEAKER_LINES):
        if not (first in ("the", "le", "la", "l'") and low.split()[-1] in _ROLE_NOUNS):
            return None
    if end == "." and not (civil or capitals):
        return None  # "Marie." is a sentence
    key = " ".join(re.sub(r"\s*\([^()]*\)\s*$", "", name).split()).casefold()
    return SpeakerLine((name, key, (civil, capitals, end)))


# Inline parliamentary labels: "M. le président. La parole est à…", "Mme Dupont (PS).- Merci.",
# "M. Jean Dupont, rapporteur. Avis défavorable." (the name ends at a dot or a dash, not a colon).
_NAME_WORD = (r"(?:[A-ZÀ-ÖØ-Þ]\.(?:-[A-ZÀ-ÖØ-Þ]\.)?|[A-ZÀ-ÖØ-Þ][\w'’\-]*|de|du|des|d['’]|le|la|van|von|der|den"
              r"|ter|ten)")
PARLIAMENT_LABEL_RE = re.compile(
    rf"""^\s*(?P<name>
        {_CIVILITY}{_AFTER_CIVILITY}(?:{_NAME_WORD}(?:\s*{_NAME_WORD}){{0,5}}|(?i:le|la|l['’])\s*(?:{_ROLE_WORDS})(?:\s+[\w'’\-]+){{0,4}}?)
        |{_ROLE_OPENING}(?:\s+[\w'’\-]+){{0,4}}?
    )
    (?P<group>{_GROUP})?
    (?P<function>,\s*[^.:;!?()\n]{{1,100}}?)?
    \s*(?:\.\s*[-–—]+\s*|\.\s+|\s[-–—]+\s+|[:：]\s*)
    (?P<rest>[^\s.,;:].*)$""",
    re.VERBOSE | re.DOTALL,
)


def split_parliament_label(line: str) -> tuple[str, str] | None:
    """``(speaker, rest)`` for an inline parliamentary label, else ``None``.

    The speaker keeps the group and drops the function (``M. Jean Dupont, rapporteur``
    is ``M. Jean Dupont``). Whether such lines are labels is decided on the whole file:
    one line like this may be a sentence.

    >>> split_parliament_label("Mme Dupont (PS).- Merci, monsieur le président.")
    ('Mme Dupont (PS)', 'Merci, monsieur le président.')
    >>> split_parliament_label("M. le président. La parole est à M. Martin.")
    ('M. le président', 'La parole est à M. Martin.')
    """
    m = PARLIAMENT_LABEL_RE.match(line)
    if not m or len(m.group("name")) > 60:
        return None
    name = " ".join((m.group("name") + (m.group("group") or "")).split())
    return name, m.group("rest").strip()


# Microsoft Stream / older Teams transcripts: "0:0:0.0 --> 0:0:5.410" above the name.
_CUE_TIME = r"\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
TIMING_RE = re.compile(rf"^\s*(?P<start>{_CUE_TIME})\s*-->\s*(?P<end>{_CUE_TIME})\s*$")


def split_timing(line: str) -> tuple[float, float] | None:
    """``(start, end)`` seconds of a timing line ``0:0:0.0 --> 0:0:5.410``, else ``None``."""
    m = TIMING_RE.match(line)
    if not m:
        return None
    try:
        start, end = _cue_seconds(m.group("start")), _cue_seconds(m.group("end"))
    except ValueError:
        return None
    return (start, end) if end >= start else None


def _cue_seconds(value: str) -> float:
    h, m, s = value.replace(",", ".").split(":")
    if int(m) >= 60 or float(s) >= 60:
        raise ValueError(value)
    return int(h) * 3600 + int(m) * 60 + float(s)


# --- Stage directions: "(Applaudissements.)", "[Rires]" on a line of their own ----------

_STAGE_RE = re.compile(r"^\s*(?:\((?P<p>[^()\n]{1,300})\)|\[(?P<b>[^\[\]\n]{1,300})\])\s*\.?\s*$")
_EVENT_WORDS = (
    ("applause", re.compile(r"applaudi|applause|\bbravos?\b|ovation", re.IGNORECASE)),
    ("laughter", re.compile(r"\bri(?:re|res|t)\b|sourires|hilarit|laugh|chuckl", re.IGNORECASE)),
    ("interruption", re.compile(r"exclamation|protestation|interruption|interjection|huées|murmures|crosstalk"
                                r"|diaphonie|vives réactions|mouvements divers|brouhaha", re.IGNORECASE)),
    ("pause", re.compile(r"\bpause\b|silence|suspendue|suspension|\bse suspend", re.IGNORECASE)),
    ("noise", re.compile(r"\bbruit|noise|sonnerie|\btoux\b|cough", re.IGNORECASE)),
)


def stage_direction(line: str) -> tuple[str, str] | None:
    """``(kind, text)`` for a line that is only a stage direction, else ``None``.

    ``kind`` is one of :data:`~research_kit.readers.EVENT_KINDS` (``applause``,
    ``laughter``, ``interruption``, ``pause``, ``noise``, else ``comment``); a bracketed
    time (``[00:12:03]``) is not a stage direction.

    >>> stage_direction("(Applaudissements sur les bancs du groupe.)")
    ('applause', 'Applaudissements sur les bancs du groupe.')
    """
    m = _STAGE_RE.match(line)
    if not m:
        return None
    text = (m.group("p") or m.group("b")).strip()
    if not _LETTER_RE.search(text) or TIME_RE.match(text):
        return None
    kind = next((k for k, pattern in _EVENT_WORDS if pattern.search(text)), "comment")
    return kind, text

