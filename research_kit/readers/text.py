"""Plain-text and Markdown transcripts.

The layout is recognised per file, from evidence, and reported as the document's
``layout`` (``research-kit summary`` lists it):

- ``label``: the speaker opens the line, ``NAME: text``, ``NAME : text``,
  ``[00:12:03] NAME: text``, ``NAME (00:12): text``, ``**NAME:** text``, or the inline
  names of parliamentary verbatims (``M. le président. La parole est à…``,
  ``Mme Dupont (PS).- Merci.``);
- ``header``: the speaker and a time on a line, the text below: Otter and Teams
  (``NAME  0:03``), Rev (``NAME (00:00:05):``), Stream/Teams ``.docx`` transcripts
  (``0:0:0.0 --> 0:0:5.410`` above the name);
- ``speaker-line``: the name alone on its line (``M. LE PRÉSIDENT.``, ``ENQUÊTRICE``),
  then one or more paragraphs;
- ``none``: no speaker, one unnamed turn.

Lines without a label continue the turn. In a transcript with speakers, a line that is
only a stage direction (``(Applaudissements.)``, ``[Rires]``) is an event. A YAML front
matter block (between ``---`` lines at the very top) carries document variables. In
Markdown, the first ``#`` heading is the title and other headings are structure, not
speech.

Codes: ``RK-R06`` front matter that is not closed or not a mapping.
"""
from __future__ import annotations

import re

from ..errors import InputFileError
from . import ParsedDocument
from ._builder import TurnBuilder, find_speaker_lines
from ._labels import (speaker_line, split_header, split_label, split_parliament_label, split_timing,
                      stage_direction)

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_KEY_RE = re.compile(r"^[a-z_][a-z0-9_\-]*$")  # front-matter keys; speaker names are capitalised
_MD_PREFIX_RE = re.compile(r"^\s{0,3}(?:>\s?)+|^\s{0,3}[-*+]\s+(?=\S)")  # quote and list markers
# Lines that transcription services add at the end, not speech.
_SERVICE_RE = re.compile(r"^\s*(?:transcribed by|transcrit par)\s+https?://\S+\s*$", re.IGNORECASE)


def split_front_matter(text: str, *, path: str) -> tuple[dict, int, str]:
    """Return ``(variables, first body line number (1-based), body)``.

    Raises
    ------
    InputFileError
        ``RK-R06`` when the block is not closed or is not a YAML mapping.
    """
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, 1, text
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        raise InputFileError("RK-R06", "the front matter opened by '---' on line 1 is never closed.",
                             path=path, line=1, hint="Add a line '---' after the front matter.")
    from .._yaml import load_yaml_with_lines

    block = "\n" + "\n".join(lines[1:i])  # a blank first line keeps the file's line numbers
    data, _ = load_yaml_with_lines(block, path=path)
    if data is None:
        data = {}
    if isinstance(data, dict) and any(not _KEY_RE.match(str(k)) for k in data):
        # "---\nMarie : Bonjour.\n---": a divider around speech, not variables
        return {}, 1, text
    if not isinstance(data, dict):
        raise InputFileError("RK-R06", "the front matter is not a list of 'key: value' lines.",
                             path=path, line=2, hint="Write one 'name: value' per line between the '---' lines.")
    return data, i + 2, "\n".join(lines[i + 1:])


#: The layouts :func:`parse_text` recognises, in the order ties are settled.
LAYOUTS = ("label", "header", "speaker-line", "none")

# Lines of Teams and Zoom exports that say what the software did, not what anyone said.
_SOFTWARE_RE = re.compile(r"^\s*\S.{0,60}?\s(?:a démarré la transcription|a arrêté la transcription"
                          r"|started transcription|stopped transcription)\s*$", re.IGNORECASE)


def parse_text(text: str, *, path: str, markdown: bool = False) -> list[ParsedDocument]:
    """Read a ``.txt`` or ``.md`` transcript into one document.

    The layout is recognised per file, from evidence, and set as
    :attr:`~research_kit.readers.ParsedDocument.layout`:

    ``label``
        ``Name: text`` (and its variants, see the module's docstring), or the inline
        names of parliamentary verbatims (``M. le président. La parole est à…``,
        ``Mme Dupont (PS).- Merci.``) when at least two lines are written so.
    ``header``
        A line with the speaker and a time, the speech below: Otter (``Speaker 1  0:03``),
        Teams (``Marie Dupont   1:02:03``), Rev (``Speaker 1 (00:00:05):``), and the time
        range above the name of Stream/Teams ``.docx`` transcripts
        (``0:0:0.0 --> 0:0:5.410``). The time is the turn's ``start_s`` (and ``end_s``
        when given).
    ``speaker-line``
        The name alone on its line (``M. LE PRÉSIDENT.``, ``ENQUÊTRICE``,
        ``Mme Dupont (PS).—``, ``Marie :``), then one or more paragraphs; see
        :func:`~research_kit.readers._builder.find_speaker_lines` for the evidence asked.
    ``none``
        No speaker: one unnamed turn.

    The layout with the most turns wins (ties in the order above). In a transcript with
    speakers, a line that is only a stage direction, ``(Applaudissements.)`` or
    ``[Rires]``, is an event (``applause``, ``laughter``…), not speech.
    """
    variables, first, body = split_front_matter(text, path=path)
    if markdown:  # a comment leaves its line breaks, so that line numbers stay the file's
        body = _COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), body)
    # 1. the lines that can hold speech; headings, dividers and credits are breaks
    lines: list[str | None] = []
    headings: dict[int, tuple[int, str]] = {}
    prefixed: set[int] = set()
    credits: set[int] = set()
    for i, line in enumerate(body.split("\n")):
        if markdown:
            heading = _HEADING_RE.match(line)
            if heading:
                headings[i] = (len(heading.group(1)), heading.group(2).strip())
                lines.append(None)
                continue
        if _RULE_RE.match(line):  # a divider (---, ***, ===) is layout, not speech
            lines.append(None)
            continue
        if _SERVICE_RE.match(line):  # "Transcribed by https://otter.ai": dropped
            credits.add(i)
            lines.append("")
            continue
        if markdown:
            bare = _MD_PREFIX_RE.sub("", line)
            if bare != line:
                prefixed.add(i)
            line = bare
        lines.append(line)
    # 2. the layout, from evidence in the whole file
    names = find_speaker_lines(lines, not_names=prefixed)
    cues = _cues(lines)
    skip = credits | {cue[2] for cue in cues.values() if cue[2] is not None}  # credits, names under a cue
    counts = dict.fromkeys(LAYOUTS[:3], 0)
    parliament: dict[int, tuple[str, str]] = {}
    for i, line in enumerate(lines):
        s = line.strip() if line else ""
        if not s or i in names or i in skip:
            continue
        if split_header(s) is not None:
            counts["header"] += 1
        elif (label := split_label(s)) is not None:
            counts["label" if label[2] else "header" if label[1] is not None else "speaker-line"] += 1
        elif (inline := split_parliament_label(s)) is not None:
            parliament[i] = inline
    if len(parliament) < 2:
        parliament = {}
    counts["label"] += len(parliament)
    counts["header"] += sum(1 for cue in cues.values() if cue[2] is not None)
    counts["speaker-line"] += len(names)
    layout = max(LAYOUTS[:3], key=lambda k: counts[k]) if any(counts.values()) else "none"
    # 3. the turns
    title = None
    builder = TurnBuilder()
    for i, line in enumerate(lines):
        lineno = first + i
        if line is None or i in skip:
            if i in headings:
                level, heading = headings[i]
                if title is None and not builder.turns and level == 1:
                    title = heading
            if line is None:
                builder.paragraph_break()
            continue
        s = line.strip()
        if i in cues:
            start, end, name_at = cues[i]
            name = None if name_at is None else speaker_line(lines[name_at]).name
            if name is not None and builder.speaker == name:
                builder.extend(end)  # one speaker's cues make one turn
            else:
                builder.start(name, start, end_s=end)
        elif i in names:
            builder.start(names[i])
        elif layout != "none" and s and (direction := stage_direction(s)) is not None:
            builder.event(direction[0], direction[1], line=lineno)
        elif layout != "none" and s and _SOFTWARE_RE.match(s):
            builder.event("event", s, line=lineno)
        elif i in parliament:
            name, rest = parliament[i]
            builder.start(name, None, rest)
        else:
            builder.line(line)
    return [ParsedDocument(builder.finish(), variables, title, events=builder.events, layout=layout)]


def _cues(lines: list[str | None]) -> dict[int, tuple[float, float, int | None]]:
    """Timing lines of Stream/Teams transcripts: ``{index: (start, end, index of the name line or None)}``."""
    cues: dict[int, tuple[float, float, int | None]] = {}
    for i, line in enumerate(lines):
        if not line or "-->" not in line or (timing := split_timing(line)) is None:
            continue
        name_at = None
        j = i + 1
        if j + 1 < len(lines) and lines[j] and lines[j + 1] and lines[j + 1].strip() and \
                split_timing(lines[j + 1]) is None and speaker_line(lines[j]) is not None:
            name_at = j
        cues[i] = (timing[0], timing[1], name_at)
    return cues
