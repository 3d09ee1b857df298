"""Cues of subtitle and caption files turned into speaker turns.

Shared by :mod:`research_kit.readers.vtt` and :mod:`research_kit.readers.srt`, which
only differ in their header and in the form of their timestamps. This module

- cuts a file into blocks (lines between blank lines, see :func:`split_blocks`);
- reads one cue: its timing line and its text lines (:func:`read_cue`);
- cleans cue text: drops markup tags (``<i>``, ``<c.yellow>``, ``<font …>``,
  ``<00:00:01.000>``, ``{\\an8}``), unescapes HTML entities, drops invisible
  direction marks, joins lines with one space;
- finds who speaks: a voice tag ``<v Name>``, a label ``Name: text`` at the start of
  a line (read by :func:`~research_kit.readers._labels.split_label`), or a ``>>``
  speaker-change mark;
- merges consecutive cues of one speaker into turns (:func:`cues_to_document`).

Error codes (shared by both formats)
------------------------------------
``RK-R21``
    A timestamp or a timing line cannot be read (``00:12:3``, ``00:61:00.000``, no
    ``-->`` between start and end, no end time).
``RK-R22``
    A cue ends before it starts.
``RK-R23``
    A block has text but no timing line (often a cue whose text holds a blank line).
``RK-R24``
    The file has no cue with text.

``RK-R20`` (no ``WEBVTT`` header) belongs to :mod:`~research_kit.readers.vtt`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Literal

from . import ParsedDocument, ParsedTurn
from ._labels import parse_time, split_label
from ..errors import InputFileError

Block = list[tuple[int, str]]  # (1-based line number, line) of one block

# 01:02:03.456, 1:02:03.456, 02:03.456, with "." or ","; 1 to 3 decimals, or none
_TIMESTAMP_RE = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?")
# A line that opens with something like a time: the start of a (maybe broken) timing line.
_TIME_START_RE = re.compile(r"^\s*\d+:\d")

# Voice tag <v Name>, <v.loud Name>; timestamp tag <00:00:01.000>; any other tag (</v> too).
_TAG_RE = re.compile(
    r"<v(?:\.[^\s<>]*)?(?:[ \t]+(?P<voice>[^<>]*))?>"
    r"|<\d+(?::\d{2}){1,2}(?:[.,]\d{1,3})?>"
    r"|</?[A-Za-z][^<>]*>"
)
_ASS_RE = re.compile(r"\{\\[^{}]*\}")  # SubStation overrides left in SRT files: {\an8}
_SPEAKER_CHANGE_RE = re.compile(r">{2,}")  # >> (and >>> for a change of subject)
_DIALOGUE_DASH_RE = re.compile(r"^\s*[-–—]\s*")  # "- JEAN: Oui." in subtitles
_INVISIBLE_RE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_SPACES_RE = re.compile(r"[ \t\n\r\f\v]+")  # not \s: keeps the no-break spaces of French text

_FIX_HINT = "Fix the cue or re-export the file."


@dataclass
class Cue:
    """One cue: its times in seconds, its raw text lines, the line of its timing."""

    start_s: float
    end_s: float
    lines: list[str]
    line: int


def is_timing_line(line: str) -> bool:
    """Whether ``line`` looks like ``start --> end`` (well formed or not)."""
    return "-->" in line and bool(_TIME_START_RE.match(line))


def split_blocks(text: str) -> list[Block]:
    """Cut ``text`` into blocks of non-blank lines, keeping 1-based line numbers.

    Blank (or whitespace-only) lines separate blocks. A timing line found after the
    first two lines of a block also starts a new block, with the line before it when
    that line is a bare cue number: files whose cues lack the blank line between them,
    or whose first cue follows the ``WEBVTT`` header directly, are read as meant.
    """
    blocks: list[Block] = []
    current: Block = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [part for block in blocks for part in _split_run_together(block)]


def _split_run_together(block: Block) -> list[Block]:
    parts: list[Block] = []
    start = 0
    for i, (_, line) in enumerate(block):
        if i - start < 2 or not is_timing_line(line):
            continue
        cut = i - 1 if i - 1 > start and block[i - 1][1].strip().isdigit() else i
        parts.append(block[start:cut])
        start = cut
    parts.append(block[start:])
    return parts


def parse_timestamp(value: str, *, form: str, path: str, line: int) -> float:
    """Seconds, rounded to the millisecond, from ``HH:MM:SS.mmm`` or ``MM:SS.mmm``.

    ``form`` is what the message says was expected (``"HH:MM:SS.mmm"``).
    """
    m = _TIMESTAMP_RE.fullmatch(value)
    if not m:
        raise InputFileError("RK-R21", f'timestamp "{value}" is not {form}.', path=path, line=line,
                             hint=_FIX_HINT)
    for unit in ("m", "s"):
        if int(m[unit]) > 59:
            name = "minutes" if unit == "m" else "seconds"
            raise InputFileError("RK-R21", f'timestamp "{value}" has {int(m[unit])} {name}; '
                                 f"at most 59 are possible.", path=path, line=line, hint=_FIX_HINT)
    return round(parse_time(value), 3)


def parse_timing(text: str, *, form: str, path: str, line: int) -> tuple[float, float]:
    """(start, end) in seconds from a timing line ``start --> end [settings]``."""
    shown = text.strip()
    expected = f'expected "{form} --> {form}".'
    if "-->" not in text:
        raise InputFileError("RK-R21", f'timing line "{shown}" has no "-->" between start and end; '
                             + expected, path=path, line=line, hint=_FIX_HINT)
    before, _, after = text.partition("-->")
    start_text, end_words = before.strip(), after.split()
    if not start_text or not end_words:
        missing = "start" if not start_text else "end"
        raise InputFileError("RK-R21", f'timing line "{shown}" has no {missing} time; ' + expected,
                             path=path, line=line, hint=_FIX_HINT)
    end_text = end_words[0]  # what follows are cue settings (align:start line:85%)
    start = parse_timestamp(start_text, form=form, path=path, line=line)
    end = parse_timestamp(end_text, form=form, path=path, line=line)
    if end < start:
        raise InputFileError("RK-R22", f"the cue ends ({end_text}) before it starts ({start_text}).",
                             path=path, line=line, hint="Fix the times of the cue or re-export the file.")
    return start, end


def read_cue(block: Block, *, form: str, path: str, hint: str) -> Cue:
    """Read a cue block: an optional identifier line, the timing line, the text lines.

    ``hint`` is what the ``RK-R23`` message advises when the block has no timing line.
    """
    for i in (0, 1):
        if i < len(block) and "-->" in block[i][1]:
            number, timing = block[i]
            start, end = parse_timing(timing, form=form, path=path, line=number)
            return Cue(start, end, [text for _, text in block[i + 1:]], number)
    for number, text in block[:2]:
        if _TIME_START_RE.match(text):  # a timing line whose arrow is missing or mistyped
            parse_timing(text, form=form, path=path, line=number)
    # Where the timing line should have been: after a cue number, or first.
    number, found = block[1] if len(block) > 1 and block[0][1].strip().isdigit() else block[0]
    found = found.strip()
    if len(found) > 60:
        found = found[:57] + "..."
    raise InputFileError("RK-R23", f'expected a timing line "{form} --> {form}" here; found "{found}" instead.',
                         path=path, line=number, hint=hint)


# --- Who speaks ---------------------------------------------------------------------


@dataclass
class _Segment:
    """Text of a cue up to the next change of speaker.

    ``kind`` says how the segment relates to what precedes it: ``"continue"`` (no
    speaker information: same turn), ``"named"`` (a voice tag or a label: same turn
    if the speaker is the same) or ``"break"`` (``>>``: always a new turn).
    """

    kind: Literal["continue", "named", "break"]
    speaker: str | None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _SPACES_RE.sub(" ", " ".join(self.parts)).strip()


def _clean(text: str) -> str:
    """Text between tags: entities unescaped, invisible marks dropped."""
    return _INVISIBLE_RE.sub("", html.unescape(text))


def _line_runs(line: str) -> list[tuple[str, str | None, str]]:
    """Split one cue line at voice tags and ``>>`` marks.

    Returns ``(opener, voice, text)`` runs, where ``opener`` is ``"line"`` for the run
    that starts the line, ``"voice"`` after ``<v Name>``, ``"break"`` after ``>>``.
    Other tags are dropped; text is cleaned.
    """
    runs: list[list] = [["line", None, ""]]

    def add_text(raw: str) -> None:
        pieces = _SPEAKER_CHANGE_RE.split(_clean(raw))
        runs[-1][2] += pieces[0]
        for piece in pieces[1:]:
            runs.append(["break", None, piece])

    line = _ASS_RE.sub("", line)
    position = 0
    for m in _TAG_RE.finditer(line):
        add_text(line[position:m.start()])
        if m["voice"] is not None:
            name = _SPACES_RE.sub(" ", _clean(m["voice"])).strip()
            runs.append(["voice", name or None, ""])
        position = m.end()
    add_text(line[position:])
    return [(opener, voice, text) for opener, voice, text in runs]


def _label(text: str) -> tuple[str, str] | None:
    """(speaker, rest) when ``text`` opens with ``Name:``, also after a dialogue dash."""
    found = split_label(text) or split_label(_DIALOGUE_DASH_RE.sub("", text, count=1))
    if found is None:
        return None
    speaker, _, rest = found  # a time inside the label is ignored: the cue's times rule
    return speaker, rest


def cue_segments(lines: list[str]) -> list[_Segment]:
    """The segments of one cue's text lines, in order."""
    segments: list[_Segment] = []
    for line in lines:
        for opener, voice, text in _line_runs(line):
            if opener == "voice":
                segments.append(_Segment("named", voice) if voice else _Segment("continue", None))
            elif opener == "break":
                segments.append(_Segment("break", None))
            label = _label(text) if opener != "voice" else None
            if label is not None:
                speaker, text = label
                if opener == "break":
                    segments[-1].speaker = speaker  # >> NAME: text
                else:
                    segments.append(_Segment("named", speaker))
            if text.strip():
                if not segments:
                    segments.append(_Segment("continue", None))
                segments[-1].parts.append(text)
    return segments


# --- Turns --------------------------------------------------------------------------


@dataclass
class _Turn:
    speaker: str | None
    start_s: float
    end_s: float
    texts: list[str] = field(default_factory=list)


def cues_to_turns(cues: list[Cue]) -> list[ParsedTurn]:
    """Merge cues into turns.

    - A voice tag or a ``Name:`` label continues the current turn when it names the
      same speaker, and starts a new turn otherwise.
    - ``>>`` always starts a new turn, whose speaker is ``None`` unless ``>> NAME:``
      follows; turns are never merged across it.
    - Text with no speaker information continues the current turn (or opens one with
      speaker ``None`` at the start of the file).

    A turn runs from the start of the cue that opened it to the end of the last cue
    that gave it text. Several turns in one cue (``YES. >> THANK YOU.``) all get the
    cue's times: the file does not say when inside the cue the speaker changed.
    Empty cues and turns left without text are dropped.
    """
    turns: list[_Turn] = []
    for cue in cues:
        for segment in cue_segments(cue.lines):
            text = segment.text
            current = turns[-1] if turns else None
            if segment.kind == "continue":
                if not text:
                    continue
                if current is None:
                    current = _Turn(None, cue.start_s, cue.end_s)
                    turns.append(current)
            elif segment.kind == "named":
                if current is not None and current.speaker == segment.speaker:
                    pass
                elif current is not None and current.speaker is None and not current.texts:
                    current.speaker = segment.speaker  # ">>" then "NAME:" on the next line
                else:
                    current = _Turn(segment.speaker, cue.start_s, cue.end_s)
                    turns.append(current)
            else:
                current = _Turn(segment.speaker, cue.start_s, cue.end_s)
                turns.append(current)
            if text:
                current.texts.append(text)
                current.end_s = max(current.end_s, cue.end_s)
    return [ParsedTurn(t.speaker, " ".join(t.texts), t.start_s, t.end_s) for t in turns if t.texts]


def cues_to_document(cues: list[Cue], *, path: str, last_line: int) -> ParsedDocument:
    """One document of the cues' turns; ``RK-R24`` when no cue has text."""
    turns = cues_to_turns(cues)
    if not turns:
        raise InputFileError("RK-R24", "reached the end of the file without finding a cue with text.",
                             path=path, line=last_line,
                             hint="Re-export the captions with their text, or remove the file from the corpus.")
    return ParsedDocument(turns=turns)


def last_line_number(text: str) -> int:
    """The number of the file's last non-empty line (1 for an empty text)."""
    return text.rstrip("\n").count("\n") + 1
