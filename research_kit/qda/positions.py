"""Character positions between QDA programs and the workbench's offsets.

The REFI-QDA standard counts a selection's ``startPosition``/``endPosition`` in
Unicode code points of the stored plain text, from 0, end exclusive. Programs do
not all count that way:

========================  ======================================================
convention                how positions are counted on the stored text
========================  ======================================================
``"codepoints"``          code points, a CRLF line end counting 2 (the standard;
                          QualCoder, Research Kit)
``"utf16"``               UTF-16 code units (a character beyond U+FFFF such as an
                          emoji counts 2), CRLF counting 2 (NVivo for Windows)
``"codepoints-crlf1"``    code points, a CRLF line end counting 1 (ATLAS.ti)
``"utf16-crlf1"``         UTF-16 code units, CRLF counting 1
========================  ======================================================

In every convention a byte-order mark is not part of the text and is not counted.

The workbench's offsets count code points in the *document text*, which is the
stored text normalised (see :func:`normalise_source`): BOM removed, CRLF and CR
turned into LF, Unicode NFC, and paragraphs (runs of non-blank lines) stripped of
surrounding white space and joined by one blank line. :class:`SourceText` keeps,
for every boundary between two characters of the stored text, the offset it
becomes in the document text, so that a program's selection maps exactly; a
position that falls inside a character (between the two UTF-16 units of an emoji)
or beyond the end raises :class:`PositionError` instead of being moved.

:func:`export_positions` goes the other way, for the text Research Kit writes.

Which convention a file uses is not written in it. :func:`origin_convention` guesses
it from the program that wrote the file; :func:`find_quote` and :func:`matches_quote`
check a placed selection against the text its ``name`` quotes (programs often put
the selected text there), so that the import can choose, and verify, the counting.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "CONVENTIONS",
    "PositionError",
    "SourceText",
    "normalise_source",
    "paragraphs",
    "export_text",
    "export_positions",
    "origin_convention",
    "squash_space",
    "find_quote",
    "matches_quote",
]

#: Every way of counting positions, in the order they are tried when the first fails.
CONVENTIONS: tuple[str, ...] = ("codepoints", "utf16", "codepoints-crlf1", "utf16-crlf1")

_CRLF = re.compile("\r\n")
# Hangul vowel and trailing jamo compose with the syllable before them although they are starters.
_JAMO_VT = (0x1161, 0x11C2)


class PositionError(ValueError):
    """A selection that cannot be placed on the text; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, eq=False)
class SourceText:
    """A stored plain text, its normalised form, and the map between their positions.

    Attributes
    ----------
    raw
        The stored text as decoded, byte-order mark removed, line ends untouched.
    text
        The document text offsets refer to (see :func:`normalise_source`).
    """

    raw: str
    text: str
    _starts: np.ndarray = field(repr=False)  # raw boundary -> offset in text (rounding forward)
    _ends: np.ndarray = field(repr=False)  # raw boundary -> offset in text (rounding backward)
    _units: dict = field(default_factory=dict, repr=False)

    def length(self, convention: str) -> int:
        """Length of the stored text counted in ``convention``."""
        return int(self._unit_array(convention)[-1])

    def locate(self, start: int, end: int, convention: str) -> tuple[int, int]:
        """Offsets in :attr:`text` of the selection ``[start, end)`` counted in ``convention``.

        A start that falls in white space removed by normalisation moves to the next
        kept character and an end to the previous one; nothing else moves.

        Raises
        ------
        PositionError
            When ``start``/``end`` are negative, reversed, beyond the end of the text
            or inside a character, or when the selection holds only removed white space.
        """
        units = self._unit_array(convention)
        total = int(units[-1])
        if start < 0 or end < 0:
            raise PositionError(f"negative position ({start}, {end})")
        if end < start:
            raise PositionError(f"end position {end} is before start position {start}")
        if end > total:
            raise PositionError(f"end position {end} is beyond the end of the text ({total} in {convention} units)")
        i = self._boundary(units, start, convention)
        j = self._boundary(units, end, convention)
        s, e = int(self._starts[i]), int(self._ends[j])
        if start == end:
            raise PositionError("the selection is empty")
        if s >= e:
            raise PositionError("the selection holds only white space that the import removes")
        return s, e

    @staticmethod
    def _boundary(units: np.ndarray, position: int, convention: str) -> int:
        i = int(np.searchsorted(units, position, side="left"))
        if i >= len(units) or int(units[i]) != position:
            raise PositionError(f"position {position} falls inside a character in {convention} units")
        return i

    def _unit_array(self, convention: str) -> np.ndarray:
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown position convention {convention!r}; expected one of {CONVENTIONS}")
        if convention not in self._units:
            widths = np.ones(len(self.raw), dtype=np.int64)
            if convention.startswith("utf16"):
                astral = [k for k, ch in enumerate(self.raw) if ord(ch) > 0xFFFF]
                widths[astral] = 2
            if convention.endswith("crlf1"):
                widths[[m.start() for m in _CRLF.finditer(self.raw)]] = 0  # the CR of each CRLF
            units = np.zeros(len(self.raw) + 1, dtype=np.int64)
            np.cumsum(widths, out=units[1:])
            self._units[convention] = units
        return self._units[convention]


def _line_ends(raw: str) -> tuple[str, np.ndarray]:
    """CRLF and CR -> LF; map of raw boundaries to boundaries in the result."""
    removed = np.array([m.start() for m in _CRLF.finditer(raw)], dtype=np.int64)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    bounds = np.arange(len(raw) + 1, dtype=np.int64)
    return text, bounds - np.searchsorted(removed, bounds, side="left")


def _composes(before: str, ch: str) -> bool:
    """Whether NFC joins ``ch`` (a starter) with the group before it."""
    if not before or (ord(ch) < 0x80 and ord(before[-1]) < 0x80):
        return False
    if _JAMO_VT[0] <= ord(ch) <= _JAMO_VT[1]:
        return True
    nfc = functools.partial(unicodedata.normalize, "NFC")
    return nfc(before + ch) != nfc(before) + nfc(ch)


def _nfc(text: str) -> tuple[str, np.ndarray]:
    """NFC; map of boundaries. Characters that compose form one group; a boundary
    inside a group maps to the group's start (or its end, if the group shrank past it)."""
    if unicodedata.is_normalized("NFC", text):
        return text, np.arange(len(text) + 1, dtype=np.int64)
    groups: list[list[str]] = []
    for ch in text:
        if groups and (unicodedata.combining(ch) or _composes("".join(groups[-1]), ch)):
            groups[-1].append(ch)
        else:
            groups.append([ch])
    out: list[str] = []
    bounds = np.zeros(len(text) + 1, dtype=np.int64)
    i = new = 0
    for group in groups:
        composed = unicodedata.normalize("NFC", "".join(group))
        for k in range(len(group)):
            bounds[i + k] = new + min(k, len(composed))
        out.append(composed)
        i += len(group)
        new += len(composed)
    bounds[i] = new
    return "".join(out), bounds


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the paragraphs of an LF text, each without surrounding
    white space; a paragraph is a run of lines that are not blank."""
    spans: list[tuple[int, int]] = []
    pos = 0
    current: tuple[int, int] | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            s = pos + (len(line) - len(line.lstrip()))
            e = pos + len(line.rstrip())
            current = (current[0], e) if current else (s, e)
        elif current:
            spans.append(current)
            current = None
        pos += len(line) + 1
    if current:
        spans.append(current)
    return spans


def _join_paragraphs(text: str) -> tuple[str, np.ndarray, np.ndarray]:
    """Paragraphs joined by one blank line; maps rounding forward (starts) and backward (ends)."""
    spans = paragraphs(text)
    n = len(text)
    starts = np.zeros(n + 1, dtype=np.int64)
    ends = np.zeros(n + 1, dtype=np.int64)
    pieces: list[str] = []
    offset = 0
    prev_end_raw, prev_end_new = 0, 0
    for s, e in spans:
        if pieces:
            offset += 2  # "\n\n"
        # the gap before this paragraph: starts go forward to it, ends back to the previous one
        starts[prev_end_raw:s + 1] = offset
        ends[prev_end_raw:s + 1] = prev_end_new
        starts[s:e + 1] = np.arange(offset, offset + e - s + 1)
        ends[s:e + 1] = np.arange(offset, offset + e - s + 1)
        if pieces:
            ends[s] = prev_end_new  # an end just before a paragraph stays after the previous one
        pieces.append(text[s:e])
        offset += e - s
        prev_end_raw, prev_end_new = e, offset
    starts[prev_end_raw:] = offset
    ends[prev_end_raw:] = prev_end_new
    return "\n\n".join(pieces), starts, ends


def normalise_source(raw: str) -> SourceText:
    """Normalise a stored plain text into a document text and keep the position map.

    Steps: a leading BOM is removed; CRLF and CR become LF; Unicode NFC; the text is
    cut into paragraphs (runs of non-blank lines), each stripped of surrounding
    white space, joined by one blank line (the separator of turns).

    Examples
    --------
    >>> src = normalise_source("\\ufeffBonjour\\r\\n\\r\\n  Ça va 👋 ?  \\r\\n")
    >>> src.text
    'Bonjour\\n\\nÇa va 👋 ?'
    >>> src.locate(19, 23, "utf16"), src.locate(17, 20, "codepoints-crlf1")
    ((15, 18), (15, 18))
    """
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    step1, map1 = _line_ends(raw)
    step2, map2 = _nfc(step1)
    text, starts, ends = _join_paragraphs(step2)
    chain = map2[map1]
    return SourceText(raw, text, starts[chain], ends[chain])


def export_text(text: str, *, crlf: bool) -> str:
    """The text as written to a source file: LF, or CRLF line ends."""
    return text.replace("\n", "\r\n") if crlf else text


def export_positions(text: str, offsets: Sequence[int] | np.ndarray, *, utf16: bool, crlf: bool) -> np.ndarray:
    """Positions of document-text ``offsets`` in the written text (see :func:`export_text`).

    ``utf16`` counts UTF-16 code units instead of code points; ``crlf`` means each
    LF is written as CRLF and counts 2.

    Examples
    --------
    >>> export_positions("a😩\\nb", [0, 2, 3, 4], utf16=True, crlf=True).tolist()
    [0, 3, 5, 6]
    """
    widths = np.ones(len(text), dtype=np.int64)
    if utf16:
        widths[[k for k, ch in enumerate(text) if ord(ch) > 0xFFFF]] += 1
    if crlf:
        widths[[k for k, ch in enumerate(text) if ch == "\n"]] += 1
    units = np.zeros(len(text) + 1, dtype=np.int64)
    np.cumsum(widths, out=units[1:])
    return units[np.asarray(offsets, dtype=np.int64)]


# --------------------------------------------------------------------------- which convention


def origin_convention(origin: str) -> str:
    """The position convention a program's ``origin`` suggests (one of :data:`CONVENTIONS`)."""
    o = origin.lower()
    if "nvivo" in o or "maxqda" in o:
        return "utf16"
    if "atlas" in o:
        return "codepoints-crlf1"
    return "codepoints"


_WS = re.compile(r"\s+")
_ELLIPSES = ("…", "...")


def squash_space(text: str) -> str:
    """``text`` in NFC with every run of white space made one space, stripped: the form quotes compare in."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def find_quote(name: str | None, squashed_text: str) -> tuple[str, bool] | None:
    """A selection's name as a quote of the text, if it is one: ``(quote, truncated)``.

    ``squashed_text`` is the document text through :func:`squash_space`. A name
    ending in an ellipsis is a truncated quote. ``None`` when the name is empty or
    is not found in the text.
    """
    if not name:
        return None
    q = squash_space(name)
    truncated = False
    for e in _ELLIPSES:
        if q.endswith(e):
            q, truncated = q[: -len(e)].rstrip(), True
    if not q or q not in squashed_text:
        return None
    return q, truncated


def matches_quote(quote: tuple[str, bool], text: str) -> bool:
    """Whether ``text`` (a placed selection) is what ``quote`` (from :func:`find_quote`) quotes.

    The whole text must match, or begin with the quote when it was truncated or is
    at least 20 characters long (programs cut long names).
    """
    q, truncated = quote
    t = squash_space(text)
    return t == q or ((truncated or len(q) >= 20) and t.startswith(q))
