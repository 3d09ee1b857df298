"""CoNLL-U treebanks (``.conllu``, ``.conll``): transcripts with gold tokens.

A file is sentences separated by blank lines. Each sentence has comment lines
(``# key = value``) then one line per token, ten columns separated by tabs::

    # newdoc id = atelier-1
    # sent_id = atelier-1-1
    # speaker = L1
    # text = on parle du budget.
    1	on	on	PRON	_	_	2	nsubj	_	AlignBegin=1230|AlignEnd=1380
    2	parle	parler	VERB	_	_	0	root	_	AlignBegin=1380|AlignEnd=1710
    3-4	du	_	_	_	_	_	_	_	_
    3	de	de	ADP	_	_	5	case	_	AlignBegin=1710|AlignEnd=1850
    4	le	le	DET	_	_	5	det	_	AlignBegin=1710|AlignEnd=1850
    5	budget	budget	NOUN	_	_	2	obl	_	AlignBegin=1850|AlignEnd=2400|SpaceAfter=No
    6	.	.	PUNCT	_	_	2	punct	_	_

The columns are ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC
(https://universaldependencies.org/format.html). A CoNLL-U Plus file names its own
columns on a first ``# global.columns = ...`` line; the CEFC (Orféo) files add three
columns to the ten: the token's start and end in seconds and its speaker (unnamed, or
named ``ORFEO:START ORFEO:STOP ORFEO:SPEAKER`` in a CoNLL-U Plus file, as Grew writes it).

What is read
------------
Documents
    ``# newdoc`` (``# newdoc id = X``) starts a new document: a file of several gives
    one document each, suffixed by its id (or its number, ``001``, when it has none),
    and titled by it. A file of one document is that document, titled by its id.
Turns
    Consecutive sentences of one speaker make one turn, joined by a space (by a new
    line after a ``# newpar``). The speaker is the sentence's ``# speaker``
    (``# speaker_name``, else ``# speaker``, else ``# speaker_id``; ``# speaker: X``
    is read too), or the CEFC speaker column; a sentence that names none has speaker
    ``None``. With both a name and an id, the id is the speaker's ``code``. A turn's
    ``start_s`` and ``end_s`` are the earliest ``AlignBegin`` and the latest
    ``AlignEnd`` of its tokens (milliseconds, as Rhapsodie and ParisStories write
    them; ``AlignBegin=0|AlignEnd=0`` means "not aligned" and is skipped), or of the
    CEFC time columns (seconds).
Text
    A sentence's text is its ``# text``, with runs of spaces made one. When the
    tokens cannot be found in it, in order, the text is rebuilt from the forms (a
    space after each, unless ``SpaceAfter=No``) and a warning says so (``RK-R62``);
    without ``# text`` it is rebuilt silently.
Gold tokens
    One :class:`~research_kit.readers.ParsedToken` per surface token, with its offsets
    in the turn's text, its lemma and its UPOS (``None`` for ``_``), and the sentence's
    index in the document. A multiword token (``3-4 du`` for ``de`` + ``le``) is one
    token, as written (``du``); its lemma is the lemmas of its words joined by ``+``
    (``de+le``) and its part of speech is that of its head word, the first of its
    words whose head lies outside it (``ADP``). Empty nodes (``8.1``) are skipped.
    Other comments (``# sent_id``, ``# macrosyntax``…) and columns are not read.

Error codes
-----------
``RK-R60``
    A token line without the file's number of tab-separated columns (10; those of
    ``# global.columns``; 13 in a CEFC file).
``RK-R61``
    A token ID that is neither a number (``3``), a range (``3-4``) nor an empty node
    (``8.1``); a time column of a CEFC file that is not a number.
``RK-R62``
    *Warning*: a sentence's tokens are not found in its ``# text``; its text was
    rebuilt from the tokens' forms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from .._io import collector_paused
from ..errors import InputFileError, warn
from . import ParsedDocument, ParsedTurn, TokenColumns

__all__ = ["parse_conllu"]

_STANDARD = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")
_CEFC_COLUMNS = 13  # the ten, then start (s), end (s), speaker
# the CEFC columns as a CoNLL-U Plus file (Grew's "orfeo" layout) names them
_ORFEO_NAMES = ("ORFEO:START", "ORFEO:STOP", "ORFEO:SPEAKER")
_COMMENT_RE = re.compile(r"#\s*([^\s=:][^=:]*?)\s*(?:=|:(?!:))\s?(.*)$", re.DOTALL)
_NEWDOC_RE = re.compile(r"#\s*newdoc(?:\s+id\s*=\s*(.*)|\s*$)", re.DOTALL)
_SPACES_RE = re.compile(r"[ \t\r\f\v\n]+")  # not \s: keeps French no-break spaces
# the AlignBegin and AlignEnd of each MISC line, in either order
_ALIGN_RE = re.compile(r"\bAlignBegin=([^|\n]*)\|AlignEnd=([^|\n]*)")
_SPEAKER_KEYS = ("speaker_name", "speaker", "speaker_id", "speakerid", "spk", "who")
_COLUMNS_HINT = ("CoNLL-U token lines have 10 columns separated by tabs (ID FORM LEMMA UPOS XPOS FEATS HEAD "
                 "DEPREL DEPS MISC), \"_\" for an empty one; a CoNLL-U Plus file names its columns on a first "
                 "\"# global.columns = ...\" line. Fix the line (spaces instead of tabs?) or re-export the file.")
_ID_HINT = ("A token ID is a whole number from 1 (\"3\"), a range for a multiword token (\"3-4\") or an empty "
            "node (\"8.1\"). Fix the line or re-export the file.")
_CEFC_HINT = ("The time columns of a CEFC (Orféo) file (11 and 12, or those named ORFEO:START and ORFEO:STOP) "
              "give each token's start and end in seconds (40.74). Fix the line or re-export the file.")


def _none(values: list[str]) -> list[str | None]:
    return [None if v == "_" else v for v in values]


def _is_number(value: str) -> bool:
    return value.isdigit() and value.isascii() and value[0] != "0"


class _Reader:
    """Reads a file block by block (the lines between two blank lines) into documents."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        end = text.find("\n")
        first = (text if end < 0 else text[:end]).lstrip("\ufeff")  # not text.split: no copy of the file
        match = re.match(r"#\s*global\.columns\s*=\s*(.*)$", first)
        names = [n.upper() for n in match.group(1).split()] if match else list(_STANDARD)
        where = {name: i for i, name in reversed(list(enumerate(names)))}
        self.n_columns = len(names)
        self.layout = None if tuple(names) == _STANDARD else "conllu-plus"
        self.cefc: bool | None = False if match else None  # decided on the first token line
        # where the CEFC start, end and speaker columns are (-1: none), from their names or their position
        self.i_start, self.i_end, self.i_speaker = (where.get(k, -1) for k in _ORFEO_NAMES)
        if self.i_start >= 0 and self.i_end >= 0:
            self.cefc, self.layout = True, "cefc"
        self.i_id, self.i_form = where.get("ID", 0), where.get("FORM", 1)
        self.i_lemma, self.i_upos, self.i_head, self.i_misc = (
            where.get(k, -1) for k in ("LEMMA", "UPOS", "HEAD", "MISC"))
        self.docs: list[_Document] = [_Document(None)]
        self.newpar = False
        self.current: dict[str, str] = {}  # the comments of the sentence being read
        self.mismatched: list[int] = []  # first lines of sentences whose # text does not fit

    # -- blocks -------------------------------------------------------------------------

    def block(self, lines: list[str], first: int) -> None:
        """One block of lines, the first being line ``first`` of the file."""
        k, n = 0, len(lines)
        while k < n and lines[k].lstrip("\ufeff")[:1] == "#":
            k += 1
        rows = [line.split("\t") for line in lines[k:]]
        if not rows:
            self.comments(lines, first)
            return
        if self.cefc is None and any(len(row) > 1 for row in rows):
            self.cefc = next(len(row) for row in rows if len(row) > 1) == _CEFC_COLUMNS
            if self.cefc:
                self.n_columns, self.layout = _CEFC_COLUMNS, "cefc"
                self.i_start, self.i_end, self.i_speaker = 10, 11, 12
        width = self.n_columns
        for j in [j for j, row in enumerate(rows) if len(row) != width]:
            line = lines[k + j]
            if not line.strip() or line.lstrip("\ufeff")[:1] == "#":  # a sentence ends without a blank line
                cut = k + j + (0 if line.strip() else 1)
                self.block(lines[:k + j], first)
                self.block(lines[cut:], first + cut)
                return
            row = rows[j]
            if len(row) > width and not any(c.strip() for c in row[width:]):
                rows[j] = row[:width]  # trailing tabs
                continue
            raise InputFileError("RK-R60", f"a token line with {len(row)} tab-separated column"
                                 f"{'s' if len(row) != 1 else ''} where {width} were expected: \"{line[:60]}\".",
                                 path=self.path, line=first + k + j, hint=_COLUMNS_HINT)
        i_id = self.i_id
        ids = [row[i_id] for row in rows]
        joined = "".join(ids)
        if joined.isdigit() and joined.isascii():
            if ids.count("1") > 1:  # IDs start again at 1: a new sentence without a blank line
                j = ids.index("1", 1)
                self.block(lines[:k + j], first)
                self.block(lines[k + j:], first + k + j)
                return
            self.comments(lines[:k], first)
            self.sentence(rows, rows, first, first + k, rows)
            return
        surface, words, j = self.surface(rows, ids, first + k)
        if j:
            self.block(lines[:k + j], first)
            self.block(lines[k + j:], first + k + j)
            return
        self.comments(lines[:k], first)
        self.sentence(surface, words, first, first + k, rows)

    def surface(self, rows: list[list[str]], ids: list[str],
                first: int) -> tuple[list[list[str]], list[list[str]], int]:
        """The surface tokens of a sentence with multiword tokens or empty nodes, and its words.

        A multiword token's row gets the joined lemmas of its words and its head word's
        UPOS. The third value is the index of a row where IDs start again at 1 (0: none).
        """
        i_lemma, i_upos, i_head = self.i_lemma, self.i_upos, self.i_head
        surface: list[list[str]] = []
        words: list[list[str]] = []
        span: tuple[int, int] | None = None
        parts: list[list[str]] = []
        for j, tid in enumerate(ids):
            row = rows[j]
            if tid.isdigit() and tid.isascii() and tid[0] != "0":
                if tid == "1" and words:
                    return surface, words, j
                words.append(row)
                if span is None:
                    surface.append(row)
                    continue
                number = int(tid)
                if number <= span[1]:
                    parts.append(row)
                    if number < span[1]:
                        continue
                else:
                    surface.append(row)
                self._merge(surface, parts, span, i_lemma, i_upos, i_head)
                span, parts = None, []
                continue
            low, dash, high = tid.partition("-")
            if dash and _is_number(low) and _is_number(high) and int(low) <= int(high):
                if low == "1" and words:
                    return surface, words, j
                if span is not None:
                    self._merge(surface, parts, span, i_lemma, i_upos, i_head)
                span, parts = (int(low), int(high)), []
                surface.append(list(row))
                continue
            whole, dot, part = tid.partition(".")
            if dot and whole.isdigit() and whole.isascii() and part.isdigit() and part.isascii():
                continue  # an empty node: no word of the surface text
            raise InputFileError("RK-R61", f'token ID "{tid[:30]}" is not a number, a range or an empty node.',
                                 path=self.path, line=first + j, hint=_ID_HINT)
        if span is not None:
            self._merge(surface, parts, span, i_lemma, i_upos, i_head)
        return surface, words, 0

    @staticmethod
    def _merge(surface: list[list[str]], parts: list[list[str]], span: tuple[int, int],
               i_lemma: int, i_upos: int, i_head: int) -> None:
        """Give the last multiword token of ``surface`` the lemma and UPOS of its words ``parts``."""
        row = next(r for r in reversed(surface) if "-" in r[0])
        if i_lemma >= 0:
            row[i_lemma] = "+".join(r[i_lemma] for r in parts if r[i_lemma] != "_") or "_"
        if i_upos >= 0 and parts:
            head = parts[0]
            if i_head >= 0:
                for r in parts:
                    h = r[i_head]
                    if h.isdigit() and h.isascii() and not span[0] <= int(h) <= span[1]:
                        head = r
                        break
            row[i_upos] = head[i_upos]

    # -- comments -------------------------------------------------------------------------

    def comments(self, lines: list[str], first: int) -> None:
        """Read a sentence's comment lines: document and paragraph breaks, key = value pairs."""
        self.current = current = {}
        for line in lines:
            body = line.lstrip("\ufeff")[1:].strip()
            if body.startswith("newdoc"):
                match = _NEWDOC_RE.match(line.lstrip("\ufeff"))
                if match:
                    doc_id = (match.group(1) or "").strip() or None
                    doc = self.docs[-1]
                    doc.close_turn()
                    if doc.n_sentences or doc.doc_id is not None:
                        self.docs.append(_Document(doc_id))
                    else:
                        doc.doc_id = doc_id
                    self.newpar = False
                    continue
            if body.startswith("newpar") and (len(body) == 6 or not body[6].isalnum()):
                self.newpar = True
                continue
            key, eq, value = body.partition("=")
            if not eq:  # "# speaker: L1"
                match = _COMMENT_RE.match("#" + body)
                if not match:
                    continue
                key, value = match.groups()
            key = key.strip().lower()
            if key and key not in current:
                current[key] = value if key == "text" else value.strip()

    # -- sentences --------------------------------------------------------------------------

    def sentence(self, surface: list[list[str]], words: list[list[str]], first: int, first_token: int,
                 rows: list[list[str]]) -> None:
        """Add one sentence (its surface tokens and its words; ``rows``: all its token lines) to the document."""
        comments, self.current = self.current, {}
        newpar, self.newpar = self.newpar, False
        i_form, i_lemma, i_upos, i_misc = self.i_form, self.i_lemma, self.i_upos, self.i_misc
        forms = [row[i_form] for row in surface]
        if " " in "\t".join(forms):
            forms = [" ".join(f.split()) or f if " " in f else f for f in forms]
        miscs = [row[i_misc] for row in surface] if i_misc >= 0 else ["_"] * len(forms)
        glued = ["SpaceAfter=No" in m for m in miscs]
        seps = ["" if g else " " for g in glued]
        seps[-1] = ""
        pieces = [f + s for f, s in zip(forms, seps)]
        built = "".join(pieces)
        starts = [0, *accumulate(map(len, pieces))]
        given = comments.get("text")
        if given is not None:
            text = _SPACES_RE.sub(" ", given).strip()
            if text != built:
                aligned = _align(text, forms)
                if aligned is None:
                    self.mismatched.append(first)
                    text = built
                else:
                    starts = aligned
        else:
            text = built
        if not text.strip():
            return
        begin, end = self.times(words, first_token, rows)
        speaker = next((comments[k] for k in _SPEAKER_KEYS if comments.get(k)), None)
        if speaker is None and self.cefc and self.i_speaker >= 0:
            i_speaker = self.i_speaker
            speaker = next((w[i_speaker].strip() for w in words if w[i_speaker].strip() not in ("", "_")), None)
        doc = self.docs[-1]
        if speaker is not None:
            attrs = doc.speakers.setdefault(speaker, {})
            code = comments.get("speaker_id")
            if code and code != speaker and "code" not in attrs:
                attrs["code"] = code
        doc.add(speaker, text, starts, forms,
                _none([row[i_lemma] for row in surface]) if i_lemma >= 0 else [None] * len(forms),
                _none([row[i_upos] for row in surface]) if i_upos >= 0 else [None] * len(forms),
                begin, end, newpar)

    def times(self, words: list[list[str]], first: int, rows: list[list[str]]) -> tuple[float | None, float | None]:
        """The earliest start and latest end of a sentence's words, in seconds.

        ``first`` is the line of the sentence's first token line, ``rows`` its token lines
        (for the line of a time that is not a number).
        """
        if self.cefc:
            i_start, i_end = self.i_start, self.i_end
            found = [(w[i_start], w[i_end]) for w in words if w[i_start] not in ("_", "") and w[i_end] not in ("_", "")]
            per_second = 1
        else:
            if self.i_misc < 0:
                return None, None
            joined = "\n".join([w[self.i_misc] for w in words])
            n = joined.count("AlignBegin=")
            if not n:
                return None, None
            found = _ALIGN_RE.findall(joined)  # AlignBegin=1230|AlignEnd=1500, as tools write them
            if len(found) != n or joined.count("AlignEnd=") != n:  # in another order, or one missing
                found = [pair for pair in map(_align_pair, joined.split("\n")) if pair is not None]
            per_second = 1000  # milliseconds; divided, not multiplied by 0.001: 6100 is 6.1 s, not 6.1000000000000005
        if not self.cefc:
            lo = hi = None
            try:
                for b, e in found:  # one pass: the earliest start and the latest end
                    fb, fe = float(b), float(e)
                    if not (fb or fe) or fb - fb != 0 or fe - fe != 0:
                        continue  # not aligned (0|0), or NaN / infinite
                    if lo is None or fb < lo:
                        lo = fb
                    if hi is None or fe > hi:
                        hi = fe
            except ValueError:
                lo = hi = _BROKEN
            if lo is not _BROKEN:
                return (None, None) if lo is None else (lo / per_second, hi / per_second)
        try:
            values = [(float(b), float(e)) for b, e in found]
        except ValueError:
            if self.cefc:
                bad = next(w for w in words if not (_is_float(w[i_start]) and _is_float(w[i_end])))
                line = first + next(j for j, row in enumerate(rows) if row is bad)  # range lines are rows, not words
                raise InputFileError("RK-R61", f'the times "{bad[i_start][:30]}" and "{bad[i_end][:30]}" of a CEFC '
                                     "token are not numbers of seconds.", path=self.path, line=line,
                                     hint=_CEFC_HINT) from None
            values = [(_float(b), _float(e)) for b, e in found]  # a broken MISC time is not read
            values = [(b, e) for b, e in values if b is not None and e is not None]
        # AlignBegin=0|AlignEnd=0 is a token that was not aligned; NaN and infinities are not times
        values = [(b, e) for b, e in values if (b or e) and b - b == 0 and e - e == 0]
        if not values:
            return None, None
        return min(values)[0] / per_second, max(e for _, e in values) / per_second

    def documents(self) -> list[ParsedDocument]:
        self.docs[-1].close_turn()
        if self.mismatched:
            lines = self.mismatched
            shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
            many = len(lines) != 1
            warn("RK-R62", f"{self.path}: the tokens of {len(lines)} sentence{'s' if many else ''} (starting on "
                           f"line{'s' if many else ''} {shown}) are not found in {'their' if many else 'its'} "
                           "# text; the text was rebuilt from the tokens' forms (SpaceAfter=No glues a token to "
                           "the next). Check the # text lines, or re-export the file.", stacklevel=4)
        docs = [d for d in self.docs if d.n_sentences] or self.docs[:1]
        several = len(docs) > 1
        out, used = [], set()
        for number, d in enumerate(docs, start=1):
            suffix = None
            if several:
                suffix = base = d.doc_id or f"{number:03d}"
                k = 1
                while suffix in used:
                    k += 1
                    suffix = f"{base}-{k}"
                used.add(suffix)
            out.append(ParsedDocument(d.turns, title=d.doc_id, suffix=suffix, speakers=d.speakers,
                                      layout=self.layout))
        return out


_INF = float("inf")


def _columns() -> TokenColumns:
    return TokenColumns([], [], [], [], [], [])
_BROKEN = object()  # a MISC time that is not a number: read the slow way, which skips it


class _Document:
    """The turns of one document, the last one still open to the next sentence of its speaker."""

    def __init__(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.turns: list[ParsedTurn] = []
        self.speakers: dict[str, dict[str, str]] = {}
        self.n_sentences = 0
        self.speaker: str | None = None
        self.parts: list[str] = []
        self.length = 0
        self.tokens = _columns()
        self.begin: float | None = None
        self.end: float | None = None

    def add(self, speaker: str | None, text: str, starts: list[int], forms: list[str], lemmas: list[str | None],
            pos: list[str | None], begin: float | None, end: float | None, newpar: bool) -> None:
        index = self.n_sentences
        self.n_sentences += 1
        if self.parts and self.speaker == speaker:
            sep = "\n" if newpar else " "
            self.parts.append(sep)
            offset = self.length + len(sep)
        else:
            self.close_turn()
            self.speaker = speaker
            offset = 0
        self.parts.append(text)
        self.length = offset + len(text)
        cols = self.tokens
        begins = [offset + s for s, _ in zip(starts, forms)]
        cols.start.extend(begins)
        cols.end.extend([b + len(f) for b, f in zip(begins, forms)])
        cols.text.extend(forms)
        cols.lemma.extend(lemmas)
        cols.pos.extend(pos)
        cols.sentence.extend([index] * len(forms))
        if begin is not None:
            self.begin = begin if self.begin is None else min(self.begin, begin)
            self.end = end if self.end is None else max(self.end, end)

    def close_turn(self) -> None:
        if self.parts:
            self.turns.append(ParsedTurn(self.speaker, "".join(self.parts), self.begin, self.end, self.tokens))
        self.parts, self.length, self.tokens, self.begin, self.end = [], 0, _columns(), None, None


def _align_pair(misc: str) -> tuple[str, str] | None:
    """The AlignBegin and AlignEnd of one MISC cell, in any order; None without both."""
    items = dict(item.partition("=")[::2] for item in misc.split("|"))
    begin, end = items.get("AlignBegin"), items.get("AlignEnd")
    return None if begin is None or end is None else (begin, end)


def _is_float(value: str) -> bool:
    """Whether ``float`` reads ``value`` ("_" and "" being no time)."""
    if value in ("_", ""):
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != _INF else None


def _align(text: str, forms: list[str]) -> list[int] | None:
    """Where each form starts in ``text``, in order and separated by white space only; else None."""
    starts = []
    pos, n = 0, len(text)
    for form in forms:
        while pos < n and text[pos].isspace():
            pos += 1
        if not text.startswith(form, pos):
            return None
        starts.append(pos)
        pos += len(form)
    if text[pos:].strip():
        return None
    return starts


def parse_conllu(text: str, *, path: str, options: Mapping[str, Any] | None = None) -> list[ParsedDocument]:
    """Read a CoNLL-U file's text: turns of speakers' sentences, with their gold tokens.

    Parameters
    ----------
    text
        The file's decoded, newline-normalised text (:func:`research_kit._io.read_text`).
    path
        The file's path, for messages only.
    options
        The document's settings from ``corpus.yml`` (none is used).

    Returns
    -------
    list of ParsedDocument
        One per ``# newdoc`` (one when the file has none); every turn has ``tokens``.

    Raises
    ------
    InputFileError
        ``RK-R60`` or ``RK-R61``, naming the line (see the module's docstring).

    Warns
    -----
    ResearchKitWarning
        ``RK-R62`` once per file, naming the sentences whose ``# text`` does not fit.

    Examples
    --------
    >>> doc, = parse_conllu("# speaker = Ana\\n1\\tOui\\toui\\tINTJ\\t_\\t_\\t0\\troot\\t_\\t_\\n", path="a.conllu")
    >>> doc.turns[0].speaker, doc.turns[0].text, doc.turns[0].tokens[0].pos
    ('Ana', 'Oui', 'INTJ')
    """
    reader = _Reader(text, path)
    line = 1
    with collector_paused():
        for block in text.split("\n\n"):
            lines = block.split("\n")
            if block:
                reader.block(lines, line)
            line += len(lines) + 1
    return reader.documents()
