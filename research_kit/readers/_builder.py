"""Assemble turns from a stream of lines, shared by the text, DOCX and IRaMuTeQ readers.

A line that opens with a speaker label starts a turn; other lines continue the current
one. Lines of one paragraph are joined by a space (hard-wrapped text), paragraphs by a
newline. Text before the first label becomes a turn with an unnamed speaker, so that
nothing in the file is lost.
"""

from __future__ import annotations

from ._labels import STAMP_ONLY_RE, parse_time, split_header, split_label
from . import ParsedTurn


class TurnBuilder:
    def __init__(self) -> None:
        self.turns: list[ParsedTurn] = []
        self._speaker: str | None = None
        self._start: float | None = None
        self._paragraphs: list[list[str]] = []
        self._open = False
        self.labelled = False

    # -- events -------------------------------------------------------------
    def start(self, speaker: str | None, start_s: float | None = None, text: str = "") -> None:
        """Close the current turn and open one for ``speaker``."""
        self._close()
        self._speaker, self._start, self._open = speaker, start_s, True
        self._paragraphs = [[]]
        if speaker is not None:
            self.labelled = True
        if text:
            self._paragraphs[-1].append(text)

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
            self.turns.append(ParsedTurn(self._speaker, text, self._start, None))
        self._open = False
        self._paragraphs = []
