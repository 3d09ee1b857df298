"""The one brief layout every format draws: blocks prepared once, inline marks, shared text.

:func:`prepare` checks a brief's blocks (see :mod:`research_kit.blocks`) and returns a
:class:`Brief`: the language, the title, the body without empty blocks, each figure
decoded and numbered with its file stem, each table numbered. The renderers
(:mod:`~research_kit.render.html`, ``docx``, ``pdf``, ``markdown``, ``slides``,
``cards``) only draw a :class:`Brief`, so they number, caption and attribute alike, and
take every fixed word from :mod:`research_kit.i18n` through :meth:`Brief.label`.

Inline marks are the same everywhere: ``**bold**``, ``*italic*`` and `` `code` `` (a
span of literal text, for identifiers and patterns: no mark inside it counts), split
into :class:`Run` by :func:`runs`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as _dt
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .._io import slug
from ..blocks import check_block
from ..errors import BriefError, ParameterError, ResearchKitError
from ..i18n import t

__all__ = [
    "Brief", "Figure", "Run", "prepare", "clean", "runs", "plain", "code_span", "level", "metric_items",
    "table_grid", "heading_colour", "property_text", "check_name", "guard",
    "tie", "is_number", "column_kinds", "cell_words", "TableLayout", "column_widths", "table_layout",
    "wrapped_lines", "shown_role",
]

# Control characters have no place in a document (XML refuses them); tab and LF stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def clean(value: Any) -> str:
    """A block field as clean text: ``None`` → ``""``, CRLF → LF, no control characters."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# --------------------------------------------------------------------------- the brief, prepared


@dataclass(frozen=True)
class Figure:
    """A figure block, decoded: its number, PNG (and SVG), text alternative, caption, file stem."""

    number: int
    png: bytes
    svg: str | None
    alt: str
    caption: str
    stem: str
    width_px: int
    height_px: int
    #: The figure drawn again for a slide (a tall one; see :func:`research_kit.show.figure`), else ``None``.
    slide_png: bytes | None = None


@dataclass
class Brief:
    """Validated blocks plus what every renderer needs: language, labels, figures."""

    meta: dict[str, Any]
    lang: str            # "fr" or "en": the language of fixed strings
    lang_tag: str        # the BCP 47 tag to declare (e.g. "fr", "fr-CA", "en")
    body: list[dict[str, Any]]
    figures: dict[int, Figure] = field(default_factory=dict)   # body index → figure
    tables: dict[int, int] = field(default_factory=dict)       # body index → table number

    def label(self, key: str) -> str:
        """The fixed word ``key`` in the brief's language (``render.<key>`` in :mod:`research_kit.i18n`)."""
        return t(f"render.{key}", self.lang)

    @property
    def title(self) -> str:
        return plain(clean(self.meta.get("title"))) or self.label("untitled")

    def kind(self, index: int) -> str | None:
        return self.body[index]["kind"] if 0 <= index < len(self.body) else None

    def quotes(self) -> list[dict[str, Any]]:
        return [b for b in self.body if b["kind"] == "quote"]

    def questions(self) -> list[str]:
        return [clean(q) for b in self.body if b["kind"] == "questions" for q in b["items"] if clean(q).strip()]

    def date(self) -> _dt.datetime | None:
        value = clean(self.meta.get("generated")).strip()
        if not value:
            return None
        try:
            when = _dt.datetime.fromisoformat(value)
        except ValueError:
            try:
                when = _dt.datetime.fromisoformat(value[:10])
            except ValueError:
                return None
        return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)

    def date_text(self) -> str:
        when = self.date()
        if when is None:
            return clean(self.meta.get("generated")).strip()
        day = self.label("first_day") if when.day == 1 else str(when.day)
        return f"{day} {self.label(f'month.{when.month}')} {when.year}"

    def meta_parts(self) -> tuple[str, str]:
        """``("Corpus : X", "Produit le 3 mai 2024")``; either may be empty."""
        corpus = " ".join(clean(self.meta.get("corpus")).split())
        date = self.date_text()
        return (f"{self.label('corpus')}{self.label('sep')}{corpus}" if corpus else "",
                f"{self.label('generated')} {date}" if date else "")

    def meta_line(self) -> str:
        """``Corpus : X · Produit le 3 mai 2024``, or the parts that exist."""
        return " · ".join(p for p in self.meta_parts() if p)

    def figure_caption(self, fig: Figure) -> str:
        head = f"{self.label('figure')} {fig.number}"
        return f"{head}{self.label('sep')}{fig.caption}" if fig.caption else head

    def table_caption(self, index: int) -> str:
        block = self.body[index]
        head = f"{self.label('table')} {self.tables[index]}"
        caption = plain(clean(block.get("caption"))).strip()
        return f"{head}{self.label('sep')}{caption}" if caption else head

    def attribution(self, quote: Mapping[str, Any], *, source: bool = True) -> str:
        """``— Speaker (role), source``; no role where the pseudonym already says it.

        A pseudonym made of the role and a number ("Médiateur·rice 1", role
        "médiateur·rice") names the role already: "— Médiateur·rice 1", not
        "— Médiateur·rice 1 (médiateur·rice)". A translated role stays ("Habitant·e 7
        (resident)").
        """
        who = clean(quote.get("speaker")).strip()
        role = shown_role(who, quote.get("role"))
        text = f"— {who}" + (f" ({role})" if role else "")
        src = clean(quote.get("source")).strip()
        if source and src:
            text += f", {src}"
        return text

    def quoted(self, text: str) -> str:
        """``text`` between the language's quotation marks, unless it already has some."""
        text = text.strip()
        if text[:1] in "«“\"'‘":
            return text
        return f"{self.label('open')}{text}{self.label('close')}"


def shown_role(speaker: Any, role: Any) -> str:
    """The role to write after a speaker's name: none where the pseudonym is the role and a number.

    >>> shown_role("Médiateur·rice 1", "médiateur·rice"), shown_role("Habitant·e 7", "resident")
    ('', 'resident')
    """
    who, what = " ".join(clean(speaker).split()), " ".join(clean(role).split())
    if what and re.fullmatch(re.escape(what) + r"\s*\d+", who, flags=re.IGNORECASE):
        return ""
    return what


def _lang_of(meta: Mapping[str, Any]) -> tuple[str, str]:
    raw = clean(meta.get("lang")).strip() or "fr"
    tag = raw if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", raw) else "fr"
    return ("en" if tag.lower().startswith("en") else "fr"), tag


def _decode_png(block: Mapping[str, Any], number: int, key: str = "png") -> bytes:
    data = block.get(key)
    if isinstance(data, list):          # nbformat may split long strings into lines
        data = "".join(data)
    if isinstance(data, str) and data.startswith("data:"):
        data = data.partition(",")[2]
    where = f"figure {number} ({clean(block.get('name')) or 'unnamed'})"
    try:
        png = base64.b64decode(re.sub(r"\s+", "", data or ""), validate=True)
    except (binascii.Error, ValueError, TypeError) as e:
        raise BriefError("RK-B14", f"{where}: its '{key}' is not base64 text ({e}).",
                         hint="Show figures with research_kit.show.figure(fig, alt=...).") from e
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise BriefError("RK-B14", f"{where}: its '{key}' does not hold a PNG image.",
                         hint="Show figures with research_kit.show.figure(fig, alt=...).")
    return png


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG image in pixels (at fixed offsets of the IHDR chunk that opens every PNG)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def prepare(blocks: Iterable[Mapping[str, Any]]) -> Brief:
    """Check ``blocks`` and lay them out once for every renderer.

    Parameters
    ----------
    blocks
        The brief's blocks (one block alone is accepted too).

    Returns
    -------
    Brief
        The first ``meta`` block (a French untitled one if there is none), the other
        blocks without the empty ones, figures decoded and numbered, tables numbered.
        Figure file stems are :func:`research_kit._io.slug` of the figure's ``name``
        (``figure-<n>`` without one), made unique with ``-2``, ``-3``…

    Raises
    ------
    BriefError
        ``RK-B10`` without blocks, ``RK-B01`` for a malformed block, ``RK-B14`` for a
        figure whose PNG is broken.
    """
    if isinstance(blocks, Mapping):
        blocks = [blocks]
    items = [check_block(dict(b) if isinstance(b, Mapping) else b) for b in blocks]
    if not items:
        raise BriefError("RK-B10", "the notebook shows no brief content; use research_kit.show in its cells.",
                         hint="Each cell that should reach the brief calls research_kit.show.heading(), "
                              ".paragraph(), .table(), .figure(), .quotes()…")
    metas = [b for b in items if b["kind"] == "meta"]
    meta = metas[0] if metas else {"kind": "meta", "lang": "fr", "title": ""}
    lang, tag = _lang_of(meta)
    body = [_without_blank_items(b) for b in items if b["kind"] != "meta" and not _is_empty(b)]
    brief = Brief(meta=meta, lang=lang, lang_tag=tag, body=body)
    stems: set[str] = set()
    for i, block in enumerate(brief.body):
        if block["kind"] == "table":
            brief.tables[i] = len(brief.tables) + 1
        elif block["kind"] == "figure":
            number = len(brief.figures) + 1
            png = _decode_png(block, number)
            stem = slug(clean(block.get("name")), fallback=f"figure-{number}")
            base, k = stem, 2
            while stem in stems:
                stem, k = f"{base}-{k}", k + 1
            stems.add(stem)
            svg = block.get("svg")
            if isinstance(svg, list):
                svg = "".join(svg)
            width, height = png_size(png)
            slide_png = _decode_png(block, number, "slide_png") if block.get("slide_png") else None
            brief.figures[i] = Figure(
                number=number, png=png, svg=svg or None, alt=clean(block.get("alt")).strip(),
                caption=plain(clean(block.get("caption"))).strip(), stem=stem,
                width_px=max(width, 1), height_px=max(height, 1), slide_png=slide_png)
    return brief


def _is_empty(block: Mapping[str, Any]) -> bool:
    """A block with nothing to show (blank text, no items, a table without cells) is skipped."""
    kind = block["kind"]
    if kind in ("heading", "paragraph", "note", "quote"):
        return not clean(block.get("text")).strip()
    if kind in ("bullets", "metrics", "questions"):
        return not any(clean(i).strip() for i in block.get("items") or ())
    if kind == "table":
        return not block.get("columns") and not block.get("rows")
    return False


def _without_blank_items(block: dict[str, Any]) -> dict[str, Any]:
    if block["kind"] in ("bullets", "questions"):
        return {**block, "items": [i for i in block["items"] if clean(i).strip()]}
    return block


# --------------------------------------------------------------------------- inline marks


class Run(NamedTuple):
    """A stretch of text with one look: ``bold``, ``italic``, or ``code`` (literal, monospaced)."""

    text: str
    bold: bool
    italic: bool
    code: bool = False


_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)
# A code span: a run of backticks, text, the same run; not glued to a word on either side
# (so "l`eau … aujourd`hui", backticks typed as apostrophes, stay text).
_CODE = re.compile(r"(?<![`\w])(`+)(?!`)(.+?)(?<!`)\1(?![`\w])", re.S)


def _italic_runs(text: str, bold: bool) -> list[Run]:
    out, pos = [], 0
    for m in _ITALIC.finditer(text):
        out += [Run(text[pos:m.start()], bold, False), Run(m.group(1), bold, True)]
        pos = m.end()
    out.append(Run(text[pos:], bold, False))
    return out


def _marked_runs(text: str) -> list[Run]:
    out, pos = [], 0
    for m in _BOLD.finditer(text):
        out += _italic_runs(text[pos:m.start()], False) + _italic_runs(m.group(1), True)
        pos = m.end()
    return out + _italic_runs(text[pos:], False)


def _code_text(inside: str) -> str:
    # As in CommonMark: one space each side is padding when both are there.
    if len(inside) > 2 and inside[0] == inside[-1] == " " and inside.strip():
        return inside[1:-1]
    return inside


def runs(text: str) -> list[Run]:
    """Split ``text`` into :class:`Run`; only ``**bold**``, ``*italic*`` and `` `code` `` count."""
    out, pos = [], 0
    for m in _CODE.finditer(text):
        out += _marked_runs(text[pos:m.start()])
        out.append(Run(_code_text(m.group(2)), False, False, True))
        pos = m.end()
    out += _marked_runs(text[pos:])
    merged: list[Run] = []
    for run in out:
        if not run.text:
            continue
        if merged and merged[-1][1:] == run[1:]:
            merged[-1] = Run(merged[-1].text + run.text, *run[1:])
        else:
            merged.append(run)
    return merged


def plain(text: str) -> str:
    """``text`` without its inline marks."""
    return "".join(r.text for r in runs(text))


def code_span(text: str) -> str:
    """``text`` marked as a code span, with backticks enough that none inside ends it.

    >>> code_span("a`b")
    '``a`b``'
    """
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


# --------------------------------------------------------------------------- shared text


def level(block: Mapping[str, Any]) -> int:
    """A heading block's level, 1 to 3 (2 when it is not a number)."""
    try:
        value = int(block.get("level", 2))
    except (TypeError, ValueError):
        value = 2
    return min(max(value, 1), 3)


def heading_colour(block: Mapping[str, Any]) -> str | None:
    """A heading block's optional ``color`` (``#RRGGBB``, drawn as a swatch), or ``None``."""
    value = block.get("color")
    return value.upper() if isinstance(value, str) and _HEX_COLOUR.fullmatch(value) else None


def metric_items(block: Mapping[str, Any]) -> list[dict[str, str]]:
    """A metrics block's items as ``{"label", "value"}`` texts (pairs and bare texts accepted)."""
    out = []
    for item in block["items"]:
        if isinstance(item, Mapping):
            out.append({"label": clean(item.get("label")), "value": clean(item.get("value"))})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            out.append({"label": clean(item[0]), "value": clean(item[1])})
        else:
            out.append({"label": clean(item), "value": ""})
    return out


def table_grid(block: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows as text, every row as wide as the widest."""
    columns = [clean(c) for c in block["columns"]]
    rows = [[clean(c) for c in row] for row in block["rows"]]
    width = max([len(columns), *(len(r) for r in rows)] or [0])
    columns += [""] * (width - len(columns))
    rows = [r + [""] * (width - len(r)) for r in rows]
    return columns, rows


# --------------------------------------------------------------------------- lines and tables

_NBSP = "\u00a0"
# A number as research_kit.show.fmt prints one: digits grouped by a space, a narrow or a
# plain no-break space, a comma or a point; decimals after a comma or a point; a sign; a "%".
_NUMBER = re.compile(r"[+\-\u2212]?(?:\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+|\d+)(?:[.,]\d+)?(?:[ \u00a0\u202f]?%)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
# What a cell of a number column may hold instead of a number: show.fmt's "–" for a missing value.
_NO_VALUE = frozenset({"", "–", "—", "-", "n/a", "NA", "NaN"})
# The narrowest readable line of running text: about thirty characters.
_READABLE = "une ligne de trente caractères"
# The spaces a line may break at: every white space except the no-break ones.
_BREAKABLE = re.compile(r"[^\S\u00a0\u202f\u2007\u2060]+")


#: The space between a word and a short number after it ("Habitant·e 5"), not one of a grouped
#: number ("1 898") or a decimal ("0,39").
LABEL_NUMBER = re.compile(r"(?<=[^\W\d_])[ \t]+(?=\d{1,3}(?![\d\u202f\u00a0,.]\d))")


def tie(text: str, lang: str = "fr", *, punctuation: bool = True) -> str:
    """``text`` with no-break spaces where a line must not break.

    Inside guillemets (``« mot »``: a guillemet never ends or starts a line alone) and,
    with ``punctuation``, before a dash between words ("Atelier 1 — diagnostic": the dash
    ends a line, never starts one) and, in French, before ``?``, ``!``, ``;`` and ``:``
    (their space is part of the mark).

    A short number is always held to the word before it, so that a pseudonym or a label
    ("Animateur·rice 1", "Atelier 3") never ends a line without its number.

    >>> tie("« oui » ou non ?") == "«\u00a0oui\u00a0» ou non\u00a0?"
    True
    >>> tie("Habitant·e 12 et Animateur·rice 1", punctuation=False) == "Habitant·e\u00a012 et Animateur·rice\u00a01"
    True
    """
    text = re.sub(r"«[ \t]+", "«" + _NBSP, text)
    text = re.sub(r"[ \t]+»", _NBSP + "»", text)
    text = LABEL_NUMBER.sub(_NBSP, text)
    if not punctuation:
        return text
    text = re.sub(r"(?<=\S)[ \t]+(?=[—–][ \t])", _NBSP, text)     # a dash ends its line, never starts one
    if lang == "fr":
        text = re.sub(r"(?<=\S)[ \t]+(?=[?!;:](?:\s|$|[»)\]]))", _NBSP, text)
    return text


def is_number(text: str) -> bool:
    """Whether a cell holds a number as :func:`research_kit.show.fmt` prints one ("10 679", "0,39", "42 %")."""
    return bool(_NUMBER.fullmatch(text.strip()))


def column_kinds(columns: list[str], rows: list[list[str]]) -> list[str]:
    """Each column's kind: ``"number"`` (right-aligned), ``"date"`` (ISO dates) or ``"text"``.

    A column is of numbers (or dates) when every cell that holds a value holds one
    (``"–"`` marks a missing value) and at least one cell does; the heading does not count.

    >>> column_kinds(["code", "n", "date"], [["care", "12", "2025-02-13"], ["needs", "–", "2025-03-01"]])
    ['text', 'number', 'date']
    """
    kinds = []
    for k in range(len(columns)):
        values = [r[k].strip() for r in rows if k < len(r) and r[k].strip() not in _NO_VALUE]
        if values and all(is_number(v) for v in values):
            kinds.append("number")
        elif values and all(_ISO_DATE.fullmatch(v) for v in values):
            kinds.append("date")
        else:
            kinds.append("text")
    return kinds


def cell_words(text: str, kind: str = "text") -> list[str]:
    """The pieces of a cell a line must never break inside: its words, or the whole cell.

    A number or a date is one piece; other text breaks only at white space that is not a
    no-break space (so "«\u00a0oui\u00a0»" is one piece).
    """
    if kind in ("number", "date"):
        text = _BREAKABLE.sub(" ", text).strip()
        return [text] if text else []
    return [w for w in _BREAKABLE.split(text) if w]


@dataclass(frozen=True)
class TableLayout:
    """How a table is drawn: a grid of ``widths`` (mm) at ``size`` points, or one block per record.

    ``form`` is ``"grid"`` or ``"stacked"``; ``landscape`` says whether the grid needs a
    landscape page; ``kinds`` are :func:`column_kinds`.
    """

    form: str
    landscape: bool
    size: float
    widths: tuple[float, ...]
    kinds: tuple[str, ...]


def column_widths(columns: list[str], rows: list[list[str]], *, total: float, measure: Any, size: float,
                  pad: float, kinds: list[str] | None = None) -> tuple[float, ...] | None:
    """Column widths (mm) that fill ``total`` and break no word or number, or ``None`` if none fit.

    Parameters
    ----------
    columns, rows
        The table as text (:func:`table_grid`).
    total
        The width to fill, in mm.
    measure
        ``measure(text, size, bold)``: the width of ``text`` in mm at ``size`` points.
    size
        The font size of the cells, in points (headings are measured in bold).
    pad
        What a cell adds to its text's width (left and right padding, borders), in mm.
    kinds
        :func:`column_kinds`, computed when not given.

    Returns
    -------
    tuple of float or None
        Each column gets at least its widest unbreakable piece (:func:`cell_words`, the
        heading's words in bold) plus ``pad``, and a column of running text (an excerpt)
        at least a readable line of about thirty characters. Of the ways to share the room
        left, the one that makes the table shortest is kept: every column up to a common
        width (or its longest line, if shorter), then what remains in proportion to what
        each column still lacks to hold its longest line, as a browser shares an
        automatic table (so an excerpt column gets the most). When every cell fits on one
        line, the room left goes to the text columns. ``None`` when the narrowest widths
        already exceed ``total``.
    """
    if not columns:
        return ()
    kinds = kinds or column_kinds(columns, rows)
    space = measure(" ", size, False)
    pieces: list[list[list[list[float]]]] = []      # column → cell → line → widths of its pieces
    least, most = [], []
    for k, kind in enumerate(kinds):
        cells = [(columns[k], True, "text")] + [(r[k], False, kind) for r in rows]
        column = [[[measure(w, size, bold) for w in cell_words(line, kind)] for line in text.split("\n")]
                  for text, bold, kind in cells]
        pieces.append(column)
        widest = max((w for cell in column for line in cell for w in line), default=0.0)
        longest = max((sum(line) + space * max(len(line) - 1, 0) for cell in column for line in cell), default=0.0)
        least.append(widest + pad)
        most.append(max(widest, longest) + pad)
    # A column of running text (an excerpt: its longest line would take more than three
    # readable lines) is never narrower than one readable line; a title may wrap narrower.
    readable = measure(_READABLE, size, False) + pad
    for k, kind in enumerate(kinds):
        if kind == "text" and most[k] > 3 * readable:
            least[k] = max(least[k], readable)
    if sum(least) > total + 1e-6:
        return None
    if sum(most) <= total:
        text = [k for k, kind in enumerate(kinds) if kind == "text"] or list(range(len(kinds)))
        extra = (total - sum(most)) / len(text)
        return tuple(w + (extra if k in text else 0.0) for k, w in enumerate(most))
    best: tuple[tuple[float, float, float], tuple[float, ...]] | None = None
    top = max(most)
    for step in range(_LEVELS + 1):
        widths = _shared(least, most, total, top * step / _LEVELS)
        if widths is None:
            continue
        lines = [[_line_count(cell, space, w - pad) for cell in column] for column, w in zip(pieces, widths)]
        rows_lines = [max(column[r] for column in lines) for r in range(len(rows) + 1)]
        score = (float(sum(rows_lines)), float(sum(map(sum, lines))), float(step))
        if best is None or score < best[0]:
            best = (score, widths)
    return best[1] if best is not None else _shared(least, most, total, 0.0)


# Common widths tried by column_widths, from none to the widest column's longest line.
_LEVELS = 24


def _shared(least: list[float], most: list[float], total: float, level: float) -> tuple[float, ...] | None:
    """Every column up to ``level`` (within its least and most), the rest in proportion to what it lacks."""
    widths = [min(m, max(n, level)) for n, m in zip(least, most)]
    room = total - sum(widths)
    if room < -1e-9:
        return None
    lack = [m - w for m, w in zip(most, widths)]
    if sum(lack) <= 0:
        return None
    return tuple(w + room * d / sum(lack) for w, d in zip(widths, lack))


def wrapped_lines(text: str, width: float, *, measure: Any, size: float, bold: bool = False,
                  kind: str = "text") -> int:
    """How many lines ``text`` takes in ``width`` mm, wrapped at its breakable spaces (:func:`cell_words`)."""
    cell = [[measure(w, size, bold) for w in cell_words(line, kind)] for line in text.split("\n")]
    return _line_count(cell, measure(" ", size, bold), width)


def _line_count(cell: list[list[float]], space: float, width: float) -> int:
    """How many lines a cell's pieces take when wrapped, greedily, in ``width`` mm."""
    count = 0
    for line in cell:
        count += 1
        used = None
        for w in line:
            if used is None:
                used = w
            elif used + space + w <= width + 1e-9:
                used += space + w
            else:
                count += 1
                used = w
    return max(count, 1)


def table_layout(columns: list[str], rows: list[list[str]], *, measure: Any, portrait: float, landscape: float,
                 pad: float, sizes: tuple[float, ...] = (9.0, 8.0), landscape_rows: int = 8,
                 heights: tuple[float, float] = (257.0, 170.0)) -> TableLayout:
    """Choose how to draw a table: on the portrait width, on landscape pages, or stacked.

    Parameters
    ----------
    columns, rows
        The table as text (:func:`table_grid`).
    measure, pad
        As for :func:`column_widths`.
    portrait, landscape
        The text width (mm) of a portrait and of a landscape page.
    sizes
        Font sizes to try, largest first.
    landscape_rows
        Only a table of more rows than this may go on landscape pages; a shorter one too
        wide for a portrait page is stacked (one block per record) where it stands.
    heights
        The text height (mm) of a portrait and of a landscape page.

    Returns
    -------
    TableLayout
        Of the grids that fit (each of ``sizes`` on a portrait page or, for a long table,
        a landscape one), the one that takes fewest pages, counting a page for the two
        page breaks a landscape section brings (the rest of the portrait page before it,
        and of its own last page, left empty: half a page each on average) and a quarter
        of a page for each point of type below ``sizes[0]``; a table of excerpts takes
        the largest size that fits. Else one block per record at ``sizes[0]``.
    """
    kinds = column_kinds(columns, rows)
    pages = [(False, portrait, heights[0])]
    if len(rows) > landscape_rows:
        pages.append((True, landscape, heights[1]))
    best: tuple[float, TableLayout] | None = None
    for size in sizes:
        for turned, total, height in pages:
            widths = column_widths(columns, rows, total=total, measure=measure, size=size, pad=pad, kinds=kinds)
            if widths is None:
                continue
            lines = sum(max(wrapped_lines(v, w - pad, measure=measure, size=size, bold=n == 0,
                                          kind="text" if n == 0 else kind)
                            for v, w, kind in zip(row, widths, kinds))
                        for n, row in enumerate([columns, *rows]))
            # a line is about 1.3 times the type size (0.353 mm a point); a row adds its padding
            score = ((lines * size * 0.353 * 1.3 + (len(rows) + 1) * 2.4) / height + (1.0 if turned else 0.0)
                     + _SMALLER_TYPE * (sizes[0] - size))
            if best is None or score < best[0] - 1e-9:
                best = (score, TableLayout("grid", turned, size, widths, tuple(kinds)))
        if best is not None and _running_text(columns, rows, kinds, measure, size, pad):
            break  # excerpts read better in the larger type, on landscape pages if need be
    if best is not None:
        return best[1]
    return TableLayout("stacked", False, sizes[0], (), tuple(kinds))


def _running_text(columns: list[str], rows: list[list[str]], kinds: list[str], measure: Any, size: float,
                  pad: float) -> bool:
    """Whether a text column holds running text (an excerpt: a cell longer than three readable lines)."""
    limit = 3 * (measure(_READABLE, size, False) + pad)
    return any(kind == "text" and any(measure(r[k], size, False) > limit for r in rows if k < len(r))
               for k, kind in enumerate(kinds))


# What a point less of type costs a table, in pages (table_layout): a smaller type that keeps
# a table on portrait pages beats the landscape section of the larger one.
_SMALLER_TYPE = 0.25


# --------------------------------------------------------------------------- writing

_PROPERTY_LENGTH = 255   # Office's limit for a document property (title, subject, comments…)


def property_text(text: str) -> str:
    """``text`` as a DOCX or PPTX document property: cut to 255 characters, ending with "…"."""
    return text if len(text) <= _PROPERTY_LENGTH else text[:_PROPERTY_LENGTH - 1].rstrip() + "…"



def check_name(name: Any) -> str:
    """``name`` if it is a plain file stem, else ``RK-B15``."""
    text = name if isinstance(name, str) else ""
    if not text.strip() or text != text.strip() or text.startswith(".") or re.search(r'[<>:"/\\|?*\x00-\x1f]', text):
        raise ParameterError("RK-B15", f"the 'name' parameter of render() must be a plain file stem; got {name!r} instead.",
                             hint="Use letters, digits, '-' or '_', e.g. name='atelier-2'.")
    return text


@contextlib.contextmanager
def guard(fmt: str, target: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn a renderer's failure into ``RK-B11`` naming the format."""
    try:
        yield
    except Exception as e:
        where = f" ({target})" if target is not None else ""
        detail = e.message if isinstance(e, ResearchKitError) else str(e)
        raise BriefError(
            "RK-B11", f"could not write the {fmt} version of the brief{where}: {type(e).__name__}: {detail}",
            hint="Nothing half-written was left and an earlier file of that name is untouched.") from e
