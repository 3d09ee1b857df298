"""Praat TextGrids (``.TextGrid``): one interval tier per speaker.

Praat saves a TextGrid as a text file in one of two layouts, both read here (the one
found is :attr:`~research_kit.readers.ParsedDocument.layout`):

``"long"`` (*Save as text file*), every value after its name::

    File type = "ooTextFile"
    Object class = "TextGrid"

    xmin = 0
    xmax = 5.2
    tiers? <exists>
    size = 2
    item []:
        item [1]:
            class = "IntervalTier"
            name = "Marie (ENQ)"
            xmin = 0
            xmax = 5.2
            intervals: size = 2
            intervals [1]:
                xmin = 0
                xmax = 2.5
                text = "Alors, on commence ?"
            ...

``"short"`` (*Save as short text file*): the same values one per line, without their
names (``File type = "ooTextFile short"`` then ``"TextGrid"``, as older versions
wrote it, is read too). As Praat does, the reader takes the file as a sequence of
numbers, texts in double quotes and flags (``<exists>``), and skips the rest: the
names, ``item [1]:``, and comments from ``!`` to the end of a line. In the long layout
each value must also come after its own name, so that a missing line (an interval
without its ``text =``) is reported where it is missing rather than read as the next
value. A ``"`` inside a text is written twice (``""``); a text may run over several
lines. Praat writes a file as UTF-16 (with a byte-order mark) as soon as it holds a
character outside ASCII; :func:`research_kit._io.read_text` decodes it before this
reader sees it.

What is read
------------
Speakers
    Each interval tier is one speaker, named after the tier (``speaker#2``, as some
    tools name anonymous tiers, too). An interviewer mark in the tier's name, ``(ENQ)``,
    ``Enq.``, ``ENQ``, ``Enquêteur``/``Enquêtrice``, ``Interviewer`` or ``(INT)``,
    gives the speaker the role ``interviewer`` and is left out of the label
    (``Marie (ENQ)`` is ``Marie``; a tier named ``ENQ`` alone, or ``ENQ1``, ``Int. 2``,
    keeps its name, as does ``Marie (ENQ)`` when another tier is named ``Marie``).
Turns
    Each interval with text is one turn, with the interval's times; empty intervals
    (the silences between them) are skipped. The turns of all tiers are put in time
    order (by start; at equal starts, in the order of the tiers), so that speech of two
    speakers at once (overlapping intervals of two tiers) gives two overlapping turns.
    A text's lines are kept as lines, spaces and tabs squeezed; the backslash codes of
    older Praat files for accented letters (``\\e'`` for é, ``\\c,`` for ç, ``\\oe``
    for œ…) are read as the letters.
Events
    An interval whose whole text is transcriber's notes in brackets, ``[rire]``,
    ``(rires)``, ``<bruit>``, ``[toux] [rire]``, is not speech: each note is an event of
    that speaker (laughter, applause, vocal, pause, background, noise, else comment,
    after its words). Notes inside speech (``oui [rire] d'accord``) stay in the text
    as written. A tier that is not a speaker (below) whose name speaks of comments
    (``comment``, ``note``, ``remarque``), noise (``bruit``, ``noise``, ``sound``) or
    events (``event``, ``événement``, ``incident``) gives one event of that kind per
    interval with text; a point tier (``TextTier``) gives one event per point with a
    mark, of the kind its name says, else ``event``.
Tiers that are not speakers
    Tiers named (case aside) as in :data:`DEFAULT_NON_SPEAKER_TIERS` (``Comments``,
    ``Events``, ``Notes``, ``Bruits``, ``Turns``, ``Sections``, ``Silences``,
    ``Words``, ``Phones``, ``Syllables``, ``Tokens``… in French and English), or
    ``<speaker> - <one of them>`` as the Montreal Forced Aligner names them
    (``Marie - words``). The ``non_speaker_tiers`` setting of a document (a name or a
    list; ``[]`` makes every interval tier a speaker) replaces that list, anything else
    is ``RK-C03``. Besides the events above, such tiers are skipped.

Error codes
-----------
``RK-R40``
    Not a text TextGrid: no ``File type = "ooTextFile"`` and ``Object class =
    "TextGrid"`` at the top (another Praat object, a binary or chronological TextGrid,
    another kind of file).
``RK-R41``
    A value missing or not of its kind (a number where a text should be, a field
    missing in the long layout, ``xmin = 1,5`` with a decimal comma), a text whose
    closing ``"`` never comes or that a single ``"`` inside it ends early (named at the
    line where that text opens, even when the values go out of step further down), a
    tier class other than ``IntervalTier`` or ``TextTier``, a count that is not a whole
    number, a file that ends before its last tier (named at its last line), or that
    goes on after it.
``RK-R42``
    An interval, tier or TextGrid that ends before it starts (``xmax < xmin``).
``RK-R43``
    The intervals of one tier out of time order, or overlapping one another.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputFileError
from . import ParsedDocument, ParsedEvent, ParsedTurn, options_get
from ._tiers import ALIGNER_TIER, TIER_KINDS, interviewer_label, note_kind, tier_names
from ._tiers import notes as tier_notes

__all__ = ["parse_textgrid", "DEFAULT_NON_SPEAKER_TIERS"]

#: Tier names (compared ignoring case) that are not speakers when a document's
#: ``non_speaker_tiers`` setting names none.
DEFAULT_NON_SPEAKER_TIERS: tuple[str, ...] = (
    "Turns", "Turn", "Tours", "Comments", "Comment", "Commentaires", "Commentaire", "Notes", "Note", "Remarques",
    "Sections", "Section", "Events", "Event", "Événements", "Evenements", "Bruits", "Bruit", "Noise", "Noises",
    "Silences", "Silence", "Phones", "Phone", "Phonemes", "Phonèmes", "Words", "Word", "Mots", "Syllables",
    "Syllable", "Syllabes", "Tokens", "Token",
)

# The pieces Praat reads in a text file, each after the run of characters that start none
# (taken whole, never given back: a match is that run, then a piece or nothing).
_TOKEN = re.compile(
    r'[^"<!\[\d.+\-]*+(?:'
    r'"([^"]*(?:""[^"]*)*)"'  # 1: a text; "" inside it is one "
    r'|(")'  # 2: a quote that no other closes
    r"|<([A-Za-z]+)>"  # 3: a flag, <exists> or <absent>
    r"|(![^\n]*)"  # 4: a comment, to the end of the line
    r"|(?<![\w.])([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"  # 5: a number
    r"|(\[[^\]\n]*\])"  # 6: the [1] of "item [1]:", skipped
    r")?"
)
_TEXT, _OPEN_QUOTE, _FLAG, _COMMENT, _NUMBER, _INDEX = 1, 2, 3, 4, 5, 6
_KIND_NAMES = {"n": "a number", "s": "a text in quotes", "f": "a flag (<exists>)"}
# File type = "ooTextFile" / Object class = "TextGrid" (or, older: "ooTextFile short" / "TextGrid")
_HEADER = re.compile(r'\s*File\s*type\s*=\s*"([^"\n]*)"[ \t]*\n\s*(?:Object\s*class\s*=\s*)?"([^"\n]*)"',
                     re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z][\w ?:\[\]]*")  # what a value's name looks like ("xmin", "intervals: size")
# A text's lines that are the file's own fields: the text's closing quote is missing.
_SWALLOWED = re.compile(r"\n[ \t]*(?:(?:xmin|xmax|text|number|time|mark|class|name|size)[ \t]*="
                        r"|(?:item|intervals|points)[ \t]*\[\d*\]"
                        r"|[-+]?\d[\d.eE+-]*[ \t]*\n[ \t]*[-+]?\d[\d.eE+-]*[ \t]*\n)")
_COMMA_DECIMAL = re.compile(r"(?:^|=)\s*[-+]?\d+,\d+\s*$")
_LONG = re.compile(r"(?:\s|![^\n]*)*xmin\b")
_EPS = 1e-6  # seconds: boundaries closer than this are one boundary (rounding of other tools)

_STRUCTURE_HINT = ("Open the file in Praat and save it again (Save as text file…); a \" inside a text must be "
                   "written twice (\"\").")
_TIME_HINT = "Fix the interval's times in Praat, or in the file, and read it again."
_ORDER_HINT = ("The intervals of one tier follow one another in time; speech of two speakers at once belongs on "
               "two tiers. Fix the boundaries in Praat, or in the file.")

# Backslash codes of older Praat files for Latin letters: \e' é, \a` à, \c, ç, \oe œ.
_TRIGRAPH = re.compile(r"\\(?:([A-Za-z])([`'^\"~,])|(oe|OE|ae|AE|ss|o/|O/))")
_MARKS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", ",": "\u0327"}
_LETTERS = {"oe": "œ", "OE": "Œ", "ae": "æ", "AE": "Æ", "ss": "ß", "o/": "ø", "O/": "Ø"}
_SPACES = re.compile(r"[ \t]+")


@dataclass
class _Tier:
    name: str
    point: bool  # a TextTier: items are (time, time, mark, offset)
    items: list[tuple[float, float, str, int]]  # (xmin, xmax, text, offset of xmin) of the items with text


def parse_textgrid(text: str, *, path: str, options: Mapping[str, Any] | None = None) -> list[ParsedDocument]:
    """Read a Praat TextGrid's text as one document: a speaker per interval tier.

    Parameters
    ----------
    text
        The file's decoded, newline-normalised text (:func:`research_kit._io.read_text`).
    path
        The file's path, for messages only.
    options
        The document's settings; ``non_speaker_tiers`` (a name or a list) replaces
        :data:`DEFAULT_NON_SPEAKER_TIERS`.

    Returns
    -------
    list of ParsedDocument
        One document, its ``layout`` ``"long"`` or ``"short"``; every turn and event has
        ``start_s`` and ``end_s``.

    Raises
    ------
    InputFileError
        ``RK-R40`` to ``RK-R43``, naming the line (see the module's docstring).

    Examples
    --------
    >>> text = ('File type = "ooTextFile"\\nObject class = "TextGrid"\\n\\n0\\n2\\n<exists>\\n1\\n'
    ...         '"IntervalTier"\\n"Ana (ENQ)"\\n0\\n2\\n1\\n0\\n2\\n"Bonjour."\\n')
    >>> doc, = parse_textgrid(text, path="a.TextGrid")
    >>> [(t.speaker, t.text, t.start_s, t.end_s) for t in doc.turns], doc.speakers, doc.layout
    ([('Ana', 'Bonjour.', 0.0, 2.0)], {'Ana': {'role': 'interviewer'}}, 'short')
    """
    grid = _Grid(text, path)
    tiers = grid.read()
    return [_document(tiers, grid, options)]


# ---------------------------------------------------------------------------
# the file: a sequence of numbers, texts and flags


class _Lines:
    """Line numbers of offsets, counted on from the last one asked (offsets mostly increase)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


class _Grid:
    def __init__(self, text: str, path: str) -> None:
        text = text[1:] if text.startswith("\ufeff") else text
        if "\r" in text:  # a caller's un-normalised text: CRLF and CR are one line end each, as in read_text
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.path = path
        self.line_of = _Lines(self.text)
        self.i = 0
        begin = self._header()
        # the long layout names its first value ("xmin = 0"); the short one starts with the number
        self.long = bool(_LONG.match(self.text, begin))
        self._tokenize(begin)

    # -- tokens ---------------------------------------------------------------
    def _header(self) -> int:
        """Check the two header lines; return where the TextGrid's values begin."""
        text = self.text
        m = _HEADER.match(text)
        kind, cls = (m.group(1), m.group(2)) if m else (None, None)
        head = text.lstrip()
        resave = "Open it in Praat and save it with Save as text file…."
        if not head:
            self._fail("RK-R40", 0, "is not a Praat TextGrid: it holds nothing but blanks.", hint=resave)
        if head.startswith('"Praat chronological TextGrid text file"'):
            self._fail("RK-R40", len(text) - len(head), "is a chronological TextGrid, which is not read.", hint=resave)
        if head.startswith("ooBinaryFile") or kind == "ooBinaryFile":
            self._fail("RK-R40", len(text) - len(head), "is a binary Praat file, not a text one.", hint=resave)
        if kind not in ("ooTextFile", "ooTextFile short"):
            first = head.split("\n", 1)[0]
            self._fail("RK-R40", len(text) - len(head), f'is not a Praat TextGrid: it should start with '
                       f'File type = "ooTextFile", not "{_short(first)}".',
                       hint="Save the TextGrid from Praat with Save as text file…, or give the file the extension "
                       "of its format.")
        if cls != "TextGrid":
            self._fail("RK-R40", m.start(2), f'is a Praat "{_short(cls)}" file, not a TextGrid.',
                       hint="Convert it to a TextGrid in Praat (or export a TextGrid from the tool that made it).")
        return m.end()

    def _tokenize(self, pos: int) -> None:
        kinds: list[str] = []
        values: list[Any] = []
        starts: list[int] = []
        gaps: list[int] = []  # where the text before each token starts (the previous token's end)
        self.kinds, self.values, self.starts, self.gaps = kinds, values, starts, gaps  # str(kinds) once complete
        add_kind, add_value, add_start, add_gap = kinds.append, values.append, starts.append, gaps.append
        prev = pos
        for m in _TOKEN.finditer(self.text, pos):
            k = m.lastindex
            if k == _TEXT:
                v = m.group(1)
                add_kind("s")
                add_value(v.replace('""', '"') if '""' in v else v)
                add_start(m.start(1) - 1)
            elif k == _NUMBER:
                add_kind("n")
                add_value(float(m.group(5)))
                add_start(m.start(5))
            elif k == _FLAG:
                add_kind("f")
                add_value(m.group(3).lower())
                add_start(m.start(3) - 1)
            elif k == _OPEN_QUOTE:
                self._fail("RK-R41", m.start(2), "a text opens here with \" and no other \" closes it: the file "
                           "ends inside this text (it was cut short, or a \" inside a text above was not written "
                           "twice, \"\").")
            else:  # a comment or an [n] (what follows is the next value's name), or skipped characters
                if k is not None:
                    prev = m.end()
                continue
            add_gap(prev)
            prev = m.end()
        self.kinds = "".join(kinds)
        self.tail = prev  # where the text after the last value (and its name) begins

    def _fail(self, code: str, offset: int, message: str, hint: str = _STRUCTURE_HINT) -> None:
        if code != "RK-R40":  # values out of step: a text that swallowed the lines after it is the cause
            self._unclosed(bisect.bisect_right(self.starts, offset))
        raise InputFileError(code, message, path=self.path, line=self.line_of(offset), hint=hint)

    def _unclosed(self, upto: int) -> None:
        """Raise ``RK-R41`` at the first text before token ``upto`` that runs over lines of fields.

        Such a text lacks its closing ``"`` (or holds a single ``"``): it took the next
        lines (``intervals [3]:``, ``xmin = 4``, or in the short layout two lines of
        numbers) as its words, and every value after it is out of step, so that the error
        first seen lies further down. Only called on the way to an error.
        """
        kinds, values = self.kinds, self.values
        for j in range(min(upto, len(values))):
            if kinds[j] != "s" or "\n" not in values[j]:
                continue
            m = _SWALLOWED.search(values[j])
            if m is None:
                continue
            line = values[j][m.start() + 1:].split("\n", 1)[0].strip()
            raise InputFileError(
                "RK-R41", f'the text that opens here with " runs on over the lines after it ("{_short(line)}"…): '
                          f'its closing " is missing, or a " inside it is not written twice ("").',
                path=self.path, line=self.line_of(self.starts[j]),
                hint='Close the text with " at the end of its line, or write a " inside it as "", then read the '
                     'file again.')

    def _end(self) -> int:
        """Where the file's last line with something on it ends (what a file cut short is reported at)."""
        return len(self.text.rstrip())

    def _at(self, i: int) -> int:
        return self.starts[i] if i < len(self.starts) else self._end()

    def _line_text(self, offset: int) -> str:
        text = self.text
        end = text.find("\n", offset)
        return text[text.rfind("\n", 0, offset) + 1:end if end >= 0 else len(text)].strip()

    def _label(self, i: int) -> str:
        """The name written before token ``i`` on its line (``xmin``, ``size``), or "" when none is."""
        text, gap, start = self.text, self.gaps[i], self.starts[i]
        nl = text.rfind("\n", gap, start)
        label = text[gap if nl < 0 else nl + 1:start].strip()
        if not label.endswith(("=", "?")):
            return ""
        label = label.rstrip("=").strip()
        return label if _NAME.fullmatch(label) else ""

    def _found(self, i: int) -> str:
        if i >= len(self.kinds):
            return "the end of the file"
        value = self.values[i]
        shown = {"n": lambda: f"{value:g}", "s": lambda: f'"{_short(value)}"', "f": lambda: f"<{value}>"}[
            self.kinds[i]]()
        label = self._label(i) if self.long else ""
        return f"{label} = {shown}" if label else f"{_KIND_NAMES[self.kinds[i]]}, {shown}"

    def _mismatch(self, i: int, kind: str, what: str, names: tuple[str, ...]) -> None:
        offset = self._at(i)
        if i < len(self.kinds):
            self._early_close(i)
            line = self._line_text(offset)
            if _COMMA_DECIMAL.search(line):
                self._fail("RK-R41", offset, f'"{_short(line)}": a number with a decimal comma, where Praat writes '
                           f"a dot (1.5, not 1,5).", hint="Write the times with dots, or save the file again from Praat.")
        if self.long and names:
            # the name on a line of its own before the value found: "xmin = nope", "xmin = " with nothing after
            gap = self.text[self.gaps[i] if i < len(self.gaps) else self.tail:offset]
            named = re.search(rf"^[ \t]*{re.escape(names[0])}\b[^\n]*", gap, re.MULTILINE)
            if named is not None:
                where = (self.gaps[i] if i < len(self.gaps) else self.tail) + named.start()
                self._fail("RK-R41", where, f'"{_short(named.group().strip())}": expected {what} after '
                           f'"{names[0]} =" ({_KIND_NAMES[kind]}).')
            expected = f'"{names[0]} = …" ({what}, {_KIND_NAMES[kind]})'
        else:
            expected = f"{what} ({_KIND_NAMES[kind]})"
        if i >= len(self.kinds):
            self._fail("RK-R41", offset, f"expected {expected}, found the end of the file: it stops before its last "
                       f"tier ends.", hint="The file was cut short (while copying or saving it?): save it again from "
                       "Praat, or copy it again.")
        self._fail("RK-R41", offset, f"expected {expected}, found {self._found(i)}.")

    def _early_close(self, i: int) -> None:
        """Raise ``RK-R41`` when token ``i`` is a text on the line of the text before it: a single " ended that one."""
        if not (i and self.kinds[i] == "s" and self.kinds[i - 1] == "s"):
            return
        offset = self.starts[i]
        between = self.text[self.gaps[i]:offset]
        if "\n" in between:
            return
        between = between.strip()
        self._fail("RK-R41", offset, f'a " inside a text ends it early: "{_short(self.values[i - 1])}" is followed '
                   f'on its line by {f"{_short(between)} and " if between else ""}another text, '
                   f'"{_short(self.values[i])}".', hint='Write a " inside a text twice (""), as Praat does.')

    def _take(self, kind: str, what: str, names: tuple[str, ...] = ()) -> Any:
        i = self.i
        if i >= len(self.kinds) or self.kinds[i] != kind or (self.long and names and not self._named(i, names)):
            self._mismatch(i, kind, what, names)
        self.i = i + 1
        return self.values[i]

    def _named(self, i: int, names: tuple[str, ...]) -> bool:
        """Whether token ``i`` comes after one of ``names`` on its own line (``xmin = 0``)."""
        text, gap, start = self.text, self.gaps[i], self.starts[i]
        nl = text.rfind("\n", gap, start)
        lo = gap if nl < 0 else nl + 1
        return any(text.find(name, lo, start) >= 0 for name in names)

    def _count(self, what: str, names: tuple[str, ...]) -> int:
        offset = self._at(self.i)
        value = self._take("n", what, names)
        if value < 0 or value != int(value):
            self._fail("RK-R41", offset, f"{what} is {value:g}, not a whole number.")
        return int(value)

    # -- the grid -------------------------------------------------------------
    def read(self) -> list[_Tier]:
        offset = self._at(self.i)
        xmin = self._take("n", "the TextGrid's start time", ("xmin",))
        xmax = self._take("n", "the TextGrid's end time", ("xmax",))
        if xmax < xmin:
            self._fail("RK-R42", offset, f"the TextGrid ends (xmax = {xmax:g}) before it starts (xmin = {xmin:g}).",
                       hint=_TIME_HINT)
        if self.kinds[self.i:self.i + 1] == "f":
            if self._take("f", "whether there are tiers", ("tiers",)) == "absent":
                return []
        n_tiers = self._count("the number of tiers", ("size",))
        tiers = [self._tier(t) for t in range(1, n_tiers + 1)]
        if self.i < len(self.kinds):
            self._early_close(self.i)
            self._fail("RK-R41", self.starts[self.i], f"the file goes on after its last tier ({n_tiers} declared), "
                       f"with {self._found(self.i)}.",
                       hint="The number of tiers (size = …) or of intervals of a tier does not match what follows; "
                       "save the file again from Praat.")
        return tiers

    def _tier(self, t: int) -> _Tier:
        offset = self._at(self.i)
        cls = self._take("s", f"the class of tier {t}", ("class",))
        if cls not in ("IntervalTier", "TextTier", "PointTier"):
            self._fail("RK-R41", offset, f'tier {t} is a "{_short(cls)}", not an "IntervalTier" or a "TextTier".',
                       hint="Only interval and point tiers are read; save the TextGrid again from Praat.")
        name = self._take("s", f"the name of tier {t}", ("name",))
        what = f'tier {t} ("{_short(name)}")'
        offset = self._at(self.i)
        xmin = self._take("n", f"the start time of {what}", ("xmin",))
        xmax = self._take("n", f"the end time of {what}", ("xmax",))
        if xmax < xmin:
            self._fail("RK-R42", offset, f"{what} ends (xmax = {xmax:g}) before it starts (xmin = {xmin:g}).",
                       hint=_TIME_HINT)
        if cls == "IntervalTier":
            n = self._count(f"the number of intervals of {what}", ("size",))
            return _Tier(name, False, self._intervals(n, what))
        n = self._count(f"the number of points of {what}", ("size",))
        return _Tier(name, True, self._points(n, what))

    def _intervals(self, n: int, what: str) -> list[tuple[float, float, str, int]]:
        i, kinds, values, starts = self.i, self.kinds, self.values, self.starts
        if not kinds.startswith("nns" * n, i) or (self.long and not self._all_named(i, n, _INTERVAL_NAMES)):
            self._check_items(n, what, "interval", _INTERVAL_FIELDS)
        out: list[tuple[float, float, str, int]] = []
        add = out.append
        prev_start = prev_end = float("-inf")
        for a in range(i, i + 3 * n, 3):
            x0, x1, label = values[a], values[a + 1], values[a + 2]
            if x1 < x0 or x0 < prev_end - _EPS:
                self._time_error(a, (a - i) // 3 + 1, what, x0, x1, prev_start, prev_end)
            if label:
                add((x0, x1, label, starts[a]))
            prev_start, prev_end = x0, x1
        self.i = i + 3 * n
        return out

    def _points(self, n: int, what: str) -> list[tuple[float, float, str, int]]:
        i, kinds, values, starts = self.i, self.kinds, self.values, self.starts
        if not kinds.startswith("ns" * n, i) or (self.long and not self._all_named(i, n, _POINT_NAMES)):
            self._check_items(n, what, "point", _POINT_FIELDS)
        self.i = i + 2 * n
        return [(values[a], values[a], values[a + 1], starts[a]) for a in range(i, i + 2 * n, 2) if values[a + 1]]

    def _all_named(self, i: int, n: int, names: tuple[tuple[str, ...], ...]) -> bool:
        """Whether each of the ``n`` items from token ``i`` has its values after their names (:meth:`_named`)."""
        text, gaps, starts, size = self.text, self.gaps, self.starts, len(names)
        rfind, find = text.rfind, text.find
        for a in range(i, i + size * n):
            gap, start = gaps[a], starts[a]
            nl = rfind("\n", gap, start)
            lo = gap if nl < 0 else nl + 1
            for name in names[(a - i) % size]:
                if find(name, lo, start) >= 0:
                    break
            else:
                return False
        return True

    def _check_items(self, n: int, what: str, item: str, fields: tuple[tuple[str, str, tuple[str, ...]], ...]) -> None:
        """Walk the items one value at a time, to raise the error the fast path saw."""
        for k in range(1, n + 1):
            for kind, field, names in fields:
                self._take(kind, f"the {field} of {item} {k} of {what}", names)
        raise AssertionError("unreachable: the items were found wrong, then right")  # pragma: no cover

    def _time_error(self, a: int, k: int, what: str, x0: float, x1: float, prev_start: float,
                    prev_end: float) -> None:
        offset = self.starts[a]
        if x1 < x0:
            self._fail("RK-R42", offset, f"interval {k} of {what} ends (xmax = {x1:g}) before it starts "
                       f"(xmin = {x0:g}).", hint=_TIME_HINT)
        if x0 < prev_start:
            self._fail("RK-R43", offset, f"interval {k} of {what} starts at {x0:g} s, before interval {k - 1} "
                       f"(at {prev_start:g} s): the intervals are out of order.", hint=_ORDER_HINT)
        self._fail("RK-R43", offset, f"interval {k} of {what} starts at {x0:g} s, before interval {k - 1} ends "
                   f"({prev_end:g} s): the intervals of one tier overlap.", hint=_ORDER_HINT)


_INTERVAL_FIELDS = (("n", "start time", ("xmin",)), ("n", "end time", ("xmax",)), ("s", "text", ("text",)))
_POINT_FIELDS = (("n", "time", ("number", "time")), ("s", "mark", ("mark", "text")))
_INTERVAL_NAMES = tuple(names for _, _, names in _INTERVAL_FIELDS)
_POINT_NAMES = tuple(names for _, _, names in _POINT_FIELDS)


def _short(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit - 1] + "…"


# ---------------------------------------------------------------------------
# tiers to turns and events


def _document(tiers: list[_Tier], grid: _Grid, options: Mapping[str, Any] | None) -> ParsedDocument:
    not_speakers = tier_names(options_get(options, "non_speaker_tiers", DEFAULT_NON_SPEAKER_TIERS), grid.path)
    labels = _speaker_labels([t.name for t in tiers])
    speakers: dict[str, dict[str, str]] = {}
    turns: list[tuple[float, ParsedTurn]] = []
    events: list[tuple[float, ParsedEvent]] = []
    line_of = grid.line_of
    for tier, (label, role) in zip(tiers, labels):
        key = " ".join(tier.name.split()).casefold()
        aligner = ALIGNER_TIER.fullmatch(key)
        is_speaker = not tier.point and key not in not_speakers and not (aligner and aligner.group(1) in not_speakers)
        if not is_speaker:
            kind = next((k for pattern, k in TIER_KINDS if pattern.search(key)), None)
            if kind is None and tier.point and key not in not_speakers:
                kind = "event"
            if kind is None:
                continue
            for x0, x1, raw, offset in tier.items:
                description = _clean(raw)
                if description:
                    events.append((x0, ParsedEvent(kind, description, 0, x0, x1, None, line_of(offset))))
            continue
        speakers.setdefault(label, {"role": role} if role else {})
        for x0, x1, raw, offset in tier.items:
            said = _clean(raw)
            if not said:
                continue
            notes = tier_notes(said) if said[0] in "[(<" else None
            if notes is not None:
                line = line_of(offset)
                events.extend((x0, ParsedEvent(note_kind(note), note, 0, x0, x1, label, line)) for note in notes)
                continue
            turns.append((x0, ParsedTurn(label, said, x0, x1)))
    turns.sort(key=_first)  # stable: at equal starts, tier order, then file order
    events.sort(key=_first)
    starts = [start for start, _ in turns]
    for start, event in events:
        event.position = bisect.bisect_right(starts, start)
    return ParsedDocument(turns=[t for _, t in turns], speakers=speakers, events=[e for _, e in events],
                          layout="long" if grid.long else "short")


def _first(pair: tuple[float, Any]) -> float:
    return pair[0]


def _speaker_labels(names: list[str]) -> list[tuple[str, str | None]]:
    """(label, role) of each tier: an interviewer mark becomes the role and leaves the label."""
    raw = [" ".join(name.split()) or f"tier {t}" for t, name in enumerate(names, 1)]
    out = []
    for name in raw:
        label, interviewer = interviewer_label(name, raw)
        out.append((label, "interviewer" if interviewer else None))
    return out


def _clean(text: str) -> str:
    """An interval's text as a turn's: lines stripped, blank ones dropped, spaces squeezed."""
    if "\\" in text:
        text = unicodedata.normalize("NFC", _TRIGRAPH.sub(_letter, text))
    if "\n" in text:
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        return "\n".join(line for line in lines if line)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def _letter(m: re.Match[str]) -> str:
    if m.group(3):
        return _LETTERS[m.group(3)]
    return unicodedata.normalize("NFC", m.group(1) + _MARKS[m.group(2)])
