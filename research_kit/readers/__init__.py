"""One small module per input format.

Every reader turns one file into one or more :class:`ParsedDocument`: turns with a
speaker (or ``None`` when the file does not say), text, and times when the format
carries them, plus the variables the file itself declares (front matter, IRaMuTeQ
star lines). Readers know nothing of manifests, roles or offsets: ``corpus.py``
applies those, in one place, to whatever the readers return.

Text formats receive the decoded, newline-normalised text (see
:func:`research_kit._io.read_text`) and the path for messages; binary formats
(DOCX) receive the path. A reader raises :class:`~research_kit.errors.InputFileError`
naming the path and the line for anything it cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ParsedTurn:
    speaker: str | None  # None: the file does not name the speaker
    text: str
    start_s: float | None = None
    end_s: float | None = None


@dataclass
class ParsedDocument:
    turns: list[ParsedTurn]
    variables: dict[str, Any] = field(default_factory=dict)  # front matter, star lines
    title: str | None = None
    suffix: str | None = None  # distinguishes texts of a multi-text file ("001", an *id_ value)
