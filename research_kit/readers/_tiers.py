"""What tier-based transcripts (Praat TextGrid, ELAN) share: interviewer marks in tier
names, transcribers' bracketed notes, and what a non-speaker tier's name says it holds."""

from __future__ import annotations

import re
from typing import Any

from ..errors import ManifestError

__all__ = ["INTERVIEWER", "INT_ALONE", "TIER_KINDS", "ALIGNER_TIER", "notes", "note_kind", "tier_names",
           "interviewer_label"]

#: Interviewer marks in a tier's (or a participant's) name: "Claire (ENQ)", "Enq. Marie", "Interviewer".
INTERVIEWER = re.compile(
    r"\(\s*(?:enq|int|enqu[êe]t(?:eur|rice)|interview(?:er|eur|euse))\s*\.?\s*\)"
    r"|\b(?:enq\b\.?|enqu[êe]t(?:eur|rice)\b|interview(?:er|eur|euse)\b)",
    re.IGNORECASE,
)
#: A name that is a mark and nothing else: "INT", "ENQ1", "Int. 2".
INT_ALONE = re.compile(r"int\.?|(?:enq|int)\.?\s*\d+", re.IGNORECASE)

# Transcriber's notes: a text made only of these is not speech.
_NOTE = re.compile(r"\[([^\[\]]*)\]|\(([^()]*)\)|<([^<>]*)>")
_NOTES_ONLY = re.compile(r"(?:\s*(?:\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>))+\s*")
_NOTE_KINDS = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
    (r"\b(?:rir|rit\b|rient|rigol|laugh|chuckl|giggl)", "laughter"),
    (r"\b(?:applaudi|applaus|clap)", "applause"),
    (r"\b(?:tou[xs]|cough|soupir|sigh|souffl|respir|breath|racl|bâill|yawn|renifl|sniff|pleur)", "vocal"),
    (r"\b(?:pause|silence)|^[.…]+$|^\d+(?:[.,]\d+)?\s*s?$", "pause"),  # (pause), (...), (2.5)
    (r"\b(?:musique|music|chanson|song)", "background"),
    (r"\b(?:bruit|noise|sonnerie|téléphone|phone|porte|door|bip|beep)", "noise"),
))
# Parenthesised words that are not speech either ("(oui)" may be a doubtful hearing: speech).
_UNCLEAR = re.compile(r"inaudible|incompr|inintelligible|unintelligible|indistinct|crosstalk|^x+$|^\?+$",
                      re.IGNORECASE)
#: What a non-speaker tier's name says its intervals are.
TIER_KINDS = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
    (r"comment|note|remarque", "comment"),
    (r"bruit|noise|sound", "noise"),
    (r"event|[ée]v[éèe]nement|incident", "event"),
))
#: "Marie - words" (Montreal Forced Aligner): the speaker, then what the tier holds.
ALIGNER_TIER = re.compile(r".+\s+-\s+(.+)")


def notes(text: str) -> list[str] | None:
    """The notes of a text made of bracketed notes only, else None (it is speech).

    ``[…]`` and ``<…>`` are notes whatever they hold; ``(…)`` only when it holds a
    non-speech word (``(rires)``, ``(inaudible)``, ``(...)``), since transcripts also
    bracket a doubtful hearing so: ``(oui)``.

    >>> notes("[rires] (inaudible)"), notes("(oui)")
    (['rires', 'inaudible'], None)
    """
    if not _NOTES_ONLY.fullmatch(text):
        return None
    found = []
    for m in _NOTE.finditer(text):
        square, paren, angle = m.groups()
        note = " ".join(next(g for g in (square, paren, angle) if g is not None).split())
        if paren is not None and note_kind(note) == "comment" and not _UNCLEAR.search(note):
            return None
        if note:
            found.append(note)
    return found


def note_kind(note: str) -> str:
    """The event kind a note's words say (``laughter`` for *rires*), else ``comment``."""
    return next((kind for pattern, kind in _NOTE_KINDS if pattern.search(note)), "comment")


def tier_names(value: Any, path: str) -> frozenset[str]:
    """The ``non_speaker_tiers`` setting (a name or a list of names) as names to compare."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple, set, frozenset)) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
        raise ManifestError("RK-C03", f"`non_speaker_tiers:` must be a tier name or a list of tier names; got "
                            f"{value!r}.", path=path,
                            hint='Write one tier name per line under `non_speaker_tiers:`, each after "- ".')
    return frozenset(" ".join(str(v).split()).casefold() for v in values)


def interviewer_label(name: str, others: list[str]) -> tuple[str, bool]:
    """``(label, is_interviewer)`` of a tier's name: the mark becomes the role and leaves the label.

    ``others`` are the names of the file's other tiers: a label another tier already has
    keeps its mark, so two speakers never merge.

    >>> interviewer_label("Claire (ENQ)", []), interviewer_label("ENQ1", []), interviewer_label("Karim", [])
    (('Claire', True), ('ENQ1', True), ('Karim', False))
    """
    if INT_ALONE.fullmatch(name):
        return name, True
    cleaned, marks = INTERVIEWER.subn(" ", name)
    if not marks:
        return name, False
    cleaned = " ".join(cleaned.split()).strip(" -_:,;/|.")
    if not any(c.isalpha() for c in cleaned) or (cleaned in others and cleaned != name):
        cleaned = name  # "ENQ" alone, "Interviewer 2", or a label another tier has
    return cleaned, True
