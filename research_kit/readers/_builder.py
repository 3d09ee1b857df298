"""Assemble turns from a stream of lines, shared by the text, DOCX and IRaMuTeQ readers.

A line that opens with a speaker label starts a turn; other lines continue the current
one. Lines of one paragraph are joined by a space (hard-wrapped text), paragraphs by a
newline. Text before the first label becomes a turn with an unnamed speaker, so that
nothing in the file is lost.

:func:`find_speaker_lines` decides, on a whole file, which lines are a speaker's name
standing alone (``M. LE PRÉSIDENT.``, ``ENQUÊTRICE``) rather than a heading or a short
answer: a reader then opens those turns with :meth:`TurnBuilder.start`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ._labels import (STAMP_ONLY_RE, SpeakerLine, parse_time, speaker_line, split_header, split_label,
                      split_timing, stage_direction)
from . import ParsedEvent, ParsedTurn

_SENTENCE_END = tuple(".?!…»\"”)]")


class TurnBuilder:
    def __init__(self) -> None:
        self.turns: list[ParsedTurn] = []
        self.events: list[ParsedEvent] = []
        self._speaker: str | None = None
        self._start: float | None = None
        self._end: float | None = None
        self._paragraphs: list[list[str]] = []
        self._open = False
        self.labelled = False

    @property
    def speaker(self) -> str | None:
        """The speaker of the open turn (``None`` when unnamed or when no turn is open)."""
        return self._speaker if self._open else None

    # -- events -------------------------------------------------------------
    def start(self, speaker: str | None, start_s: float | None = None, text: str = "",
              end_s: float | None = None) -> None:
        """Close the current turn and open one for ``speaker``."""
        self._close()
        self._speaker, self._start, self._end, self._open = speaker, start_s, end_s, True
        self._paragraphs = [[]]
        if speaker is not None:
            self.labelled = True
        if text:
            self._paragraphs[-1].append(text)

    def extend(self, end_s: float | None) -> None:
        """Continue the open turn in the same paragraph, now ending at ``end_s`` (a cue of the same speaker)."""
        if len(self._paragraphs) > 1 and not self._paragraphs[-1]:
            self._paragraphs.pop()
        if end_s is not None:
            self._end = end_s if self._end is None else max(self._end, end_s)

    def line(self, text: str) -> None:
        """Feed one line: a label opens a turn, anything else continues the current one."""
        stripped = text.strip()
        if not stripped:
            self.paragraph_break()
            return
        header = split_header(stripped)
        if header is not None:
            self.start(header[0], header[1])
            return
        label = split_label(stripped)
        if label is not None:
            self.start(label[0], label[1], label[2])
            return
        stamp = STAMP_ONLY_RE.match(stripped)
        if stamp is not None:
            t = next(g for g in stamp.group("t1", "t2", "t3") if g)
            if not self._open:
                self.start(None, parse_time(t))
            elif self._start is None:
                self._start = parse_time(t)
            stripped = stamp.group("rest").strip()
        self.add(stripped)

    def add(self, text: str) -> None:
        """Continue the current turn with ``text`` (opens an unnamed turn if none is open)."""
        if not self._open:
            self.start(None)
        self._paragraphs[-1].append(text)

    def event(self, kind: str, text: str, *, line: int | None = None) -> None:
        """Record a non-speech event here: inside the open turn, or between turns."""
        position = len(self.turns) + (1 if self._open else 0)
        self.events.append(ParsedEvent(kind, text, position, line=line))

    def paragraph_break(self) -> None:
        if self._open and self._paragraphs[-1]:
            self._paragraphs.append([])

    def finish(self) -> list[ParsedTurn]:
        self._close()
        return self.turns

    # -- internals ----------------------------------------------------------
    def _close(self) -> None:
        if not self._open:
            return
        text = "\n".join(" ".join(p) for p in self._paragraphs if p).strip()
        if text:
            self.turns.append(ParsedTurn(self._speaker, text, self._start, self._end))
        else:  # the turn is dropped: events read inside it are between turns
            for event in self.events:
                if event.position > len(self.turns):
                    event.position = len(self.turns)
        self._open = False
        self._paragraphs = []


def find_speaker_lines(lines: Sequence[str | None], *, not_names: Collection[int] = ()) -> dict[int, str]:
    """Which lines are a speaker's name on a line of its own: ``{index: speaker}``.

    ``lines`` are a file's lines (``None`` or blank for a paragraph break); indices in
    ``not_names`` (list items, quotes) are never names. The decision is taken on the
    whole file, from evidence:

    - a candidate is short and shaped like a name (see
      :func:`~research_kit.readers._labels.speaker_line`), begins a paragraph (after a
      blank line, a stage direction, or a line ending a sentence) and is followed by
      text;
    - it is *evidence* when that text is longer than the name;
    - names with evidence twice are speakers, and so are two distinct names with one
      piece of evidence each when their shape is one no heading has (a civility, a role,
      a final colon or dash, capitals with a final dot);
    - then any candidate with the shape of those speakers, in the same position, is a
      speaker too (a member who speaks once, a short answer under a known name).

    A headed document (``Introduction`` once, ``Méthodes`` once), a list, or a short answer
    (``Oui.``, ``D'accord``) gives no speaker. Lines that another rule already reads
    (``Name: text``, ``Name  0:03``, a timing line) are not candidates.
    """
    n = len(lines)
    kinds: list[str] = [""] * n  # blank, event, label, name (a candidate), text
    found: dict[int, SpeakerLine] = {}
    for i, line in enumerate(lines):
        s = line.strip() if line is not None else ""
        if not s:
            kinds[i] = "blank"
        elif len(s) <= 300 and (s[0] in "([") and stage_direction(s) is not None:
            kinds[i] = "event"
        elif split_header(s) is not None or split_label(s) is not None or split_timing(s) is not None:
            kinds[i] = "label"
        elif i not in not_names and len(s) <= 70 and (c := speaker_line(s)) is not None and c.shape[2] != ":":
            kinds[i], found[i] = "name", c
        else:
            kinds[i] = "text"
    if not found:
        return {}

    def begins_paragraph(i: int) -> bool:
        j = i - 1
        if j < 0 or kinds[j] in ("blank", "event", "name"):
            return True
        return kinds[j] == "text" and lines[j].rstrip().endswith(_SENTENCE_END)

    def following_text(i: int) -> int | None:
        k = i + 1
        while k < n and kinds[k] in ("blank", "event"):
            k += 1
        return k if k < n and kinds[k] == "text" else None

    placed: dict[int, bool] = {}  # candidate -> whether it is evidence (else: in position only)
    evidence: dict[str, int] = {}
    shapes: dict[str, set] = {}
    for i, c in found.items():
        k = following_text(i)
        if k is None or not begins_paragraph(i):
            continue
        longer = len(lines[k].split()) > len(c.name.split()) and len(lines[k].strip()) > len(c.name)
        placed[i] = longer
        if longer:
            evidence[c.key] = evidence.get(c.key, 0) + 1
            shapes.setdefault(c.key, set()).add(c.shape)
    recurring = {key for key, count in evidence.items() if count >= 2}
    strong = {found[i].key for i, longer in placed.items() if longer and found[i].strong}
    trusted = recurring | (strong if len(strong) >= 2 else set())
    if not trusted:
        return {}
    trusted_shapes = set().union(*(shapes[key] for key in trusted))
    speakers: dict[int, str] = {}
    for i, c in found.items():
        if i - 1 in speakers:
            continue  # the line under a name is speech
        if c.key in trusted or (i in placed and c.shape in trusted_shapes):
            speakers[i] = c.name
    return speakers
