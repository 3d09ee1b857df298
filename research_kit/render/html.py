"""A brief as one self-contained HTML page: images inline, no script, readable on a phone, printable.

The page is ``templates/brief.html`` around the brief; its stylesheet,
``templates/brief.css``, names its colours ``$ink``, ``$accent``… and takes them from
:data:`research_kit.palette.CSS` (see :func:`stylesheet`). Prose keeps a reading column;
tables and figures take the screen's width. Each table cell carries its column's header
(``data-label``) and each column a class from what it holds (:func:`column_kinds`): numbers
right-aligned, identifiers and dates on one line, excerpts given room. A table too wide for
a phone (or, for the widest, a tablet) shows each row there as a card of labelled cells.

The quotation helpers, :func:`balanced`, :func:`held` and :func:`quoted`, are shared by the
slides and the cards.
"""

from __future__ import annotations

import base64
import html
import re
import string
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from ..palette import CSS
from .layout import (LABEL_NUMBER, Brief, clean, guard, heading_colour, level, metric_items, plain, prepare, runs, shown_role,
                     table_grid)

__all__ = ["to_html", "page", "escape", "inline", "template", "stylesheet", "balanced", "held", "quoted", "column_kinds"]


def to_html(blocks: Iterable[Mapping[str, Any]]) -> str:
    """The brief as one self-contained HTML page (a string); see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("html", None):
        return page(brief)


def template(name: str) -> str:
    """The text of ``research_kit/templates/<name>``."""
    return resources.files("research_kit").joinpath("templates", name).read_text(encoding="utf-8")


def stylesheet(name: str) -> str:
    """The stylesheet ``templates/<name>`` with its ``$colour`` names replaced by the palette's colours."""
    return string.Template(template(name)).substitute({k: v.lower() for k, v in CSS.items()}).strip()


def escape(text: str) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(text, quote=True)


def inline(text: Any) -> str:
    """A block text as HTML: escaped, its inline marks as ``<strong>``, ``<em>``, ``<code>``."""
    parts = []
    for chunk, bold, italic, code in runs(clean(text)):
        out = escape(chunk).replace("\n", "<br>\n")
        if code:
            out = f"<code>{out}</code>"
        if italic:
            out = f"<em>{out}</em>"
        if bold:
            out = f"<strong>{out}</strong>"
        parts.append(out)
    return "".join(parts)


# --------------------------------------------------------------------------- quotation marks

_OPENERS = {"«": "»", "“": "”", "‹": "›"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_FRENCH_SPACE = {"«": "\u00a0", "‹": "\u00a0"}      # « text » holds its marks with no-break spaces


def balanced(text: str) -> str:
    r"""``text`` with its quotation marks paired, each French mark held to its word.

    A closing mark that was never opened (a stray ``»``) is dropped; a mark left open is
    closed at the end, or dropped when nothing follows it; the space inside ``« … »`` becomes
    a no-break space, so that no line starts or ends with a guillemet alone.

    >>> balanced("il a dit « non et » puis » encore")
    'il a dit «\xa0non et\xa0» puis encore'
    >>> balanced("« on verra")
    '«\xa0on verra\xa0»'
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    for char in text:
        if char in _OPENERS:
            stack.append((char, len(out)))
            out.append(char)
        elif char in _CLOSERS:
            if not any(mark == _CLOSERS[char] for mark, _ in stack):
                if out and out[-1] == " ":                 # never opened: stray, dropped with its space
                    out.pop()
                continue
            while stack[-1][0] != _CLOSERS[char]:          # close what was opened inside it
                out.append(_OPENERS[stack.pop()[0]])
            stack.pop()
            out.append(char)
        else:
            out.append(char)
    result = "".join(out)
    for mark, at in reversed(stack):                       # innermost first
        if not result[at + 1:].strip():
            result = result[:at].rstrip()
        else:
            result = result.rstrip() + _FRENCH_SPACE.get(mark, "") + _OPENERS[mark]
    return held(result)


def held(text: str) -> str:
    r"""``text`` with no line break possible inside ``« … »``, before ``? ! : ;`` or before a short number.

    The space after ``«`` and before ``»``, ``?``, ``!``, ``:`` or ``;`` becomes a no-break
    space (French typography puts a space there; a line must not start with the mark), and
    so does the space before the number of a pseudonym or a label ("Habitant·e 5").

    >>> held("Qui décide ? « Nous », dit Habitant·e 5")
    'Qui décide\xa0? «\xa0Nous\xa0», dit Habitant·e\xa05'
    """
    text = LABEL_NUMBER.sub("\u00a0", text)
    text = re.sub(r"([«‹])[ \t\u202f]*(?=\S)", "\\1\u00a0", text)       # « word
    text = re.sub(r"(?<=\S)[ \t\u202f]*([»›])", "\u00a0\\1", text)      # word »
    return re.sub(r"(?<=\S)[ \t\u202f]+([?!:;])", "\u00a0\\1", text)    # word ?


def _unquoted(text: str) -> str:
    """``text`` without the pair of marks that opens and closes it, if it has one."""
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' == text[-1] and text.count('"') == 2:
        return text[1:-1].strip()
    if text[:1] not in _OPENERS or text[-1:] != _OPENERS[text[0]]:
        return text
    depth = 0
    for k, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if depth == 0 and k < len(text) - 1:
                return text                                # « a » and « b »: two quotes, not one
    return text[1:-1].strip()


def quoted(brief: Brief, text: str, *, before: bool = False, after: bool = False) -> str:
    r"""``text`` between the brief's quotation marks, balanced; ``[…]`` where a cut part goes on.

    ``before`` marks text cut from what came before it, ``after`` text whose rest follows.

    >>> from research_kit.render.layout import prepare
    >>> quoted(prepare({"kind": "meta", "lang": "fr", "title": "Atelier"}), "« Il faut un banc »", after=True)
    '«\xa0Il faut un banc […]\xa0»'
    """
    body = _unquoted(balanced(clean(text).strip()))
    if before:
        body = f"[…] {body}"
    if after:
        body = f"{body} […]"
    return f"{brief.label('open')}{body}{brief.label('close')}"


def _questions_label(brief: Brief, index: int) -> str:
    if brief.kind(index - 1) == "heading":
        return ""
    return f'<p class="rk-label">{escape(brief.label("questions"))}</p>\n'


def _header(brief: Brief) -> str:
    meta = brief.meta
    header = [f"<h1>{inline(clean(meta.get('title')) or brief.label('untitled'))}</h1>"]
    subtitle = clean(meta.get("subtitle")).strip()
    if subtitle:
        header.append(f'<p class="rk-subtitle">{inline(subtitle)}</p>')
    corpus, generated = brief.meta_parts()
    when = brief.date()
    if generated and when is not None:
        generated_html = (f'{escape(brief.label("generated"))} <time datetime="{when.date().isoformat()}">'
                          f"{escape(brief.date_text())}</time>")
    else:
        generated_html = escape(generated)
    line_html = " · ".join(p for p in (escape(corpus), generated_html) if p)
    if line_html:
        header.append(f'<p class="rk-meta">{line_html}</p>')
    notice = clean(meta.get("notice")).strip()
    if notice:
        header.append(f'<p class="rk-notice">{inline(notice)}</p>')
    return '<header class="rk-header">\n' + "\n".join(header) + "\n</header>"


def _heading(block: Mapping[str, Any]) -> str:
    n = level(block)
    colour = heading_colour(block)
    swatch = f'<span class="rk-swatch" style="color: {colour}" aria-hidden="true">■</span> ' if colour else ""
    return f"<h{n}>{swatch}{inline(clean(block['text']))}</h{n}>"


def _quote(block: Mapping[str, Any]) -> list[str]:
    out = []
    theme = clean(block.get("theme")).strip()
    if theme:
        out.append(f'<p class="rk-theme">{escape(theme)}</p>')
    who = clean(block.get("speaker")).strip()
    role = shown_role(who, block.get("role"))
    source = clean(block.get("source")).strip()
    footer = f'— <span class="rk-speaker">{escape(who)}</span>' + (f" ({escape(role)})" if role else "")
    if source:
        footer += f", <cite>{escape(source)}</cite>"
    text = "<br>\n".join(escape(line) for line in balanced(clean(block["text"]).strip()).split("\n"))
    out.append(f'<blockquote class="rk-quote">\n<p>{text}</p>\n<footer>{footer}</footer>\n</blockquote>')
    return out


_LONG_METRIC = 12          # characters: a longer value (a period of dates) takes two boxes' width
_WIDE_WORD = 7             # characters: a value with a longer word (a date) is set smaller to fit its box


def _metrics(block: Mapping[str, Any]) -> str:
    """Metrics as boxes whose values break only between their words (never inside a date or a number).

    A long value (a period of dates) gets a double-width box; a value with a long word
    (``2025-03-19``) is set a little smaller, so that it fits the narrowest box unbroken.
    """
    cells = []
    for m in metric_items(block):
        text = plain(clean(m.get("value") or ""))
        split = [w for w in re.split(r"[ \t\r\n]+", text) if w]    # "2\u202f374" is one word
        words = " ".join(f'<span class="rk-word">{escape(w)}</span>' for w in split)
        classes = ["rk-metric"]
        if len(text) > _LONG_METRIC:
            classes.append("rk-metric-long")
        elif max((len(w) for w in split), default=0) > _WIDE_WORD:
            classes.append("rk-metric-wide")
        cells.append(f'<div class="{" ".join(classes)}"><dt>{inline(m.get("label"))}</dt><dd>{words}</dd></div>')
    return '<dl class="rk-metrics">\n' + "\n".join(cells) + "\n</dl>"


# --------------------------------------------------------------------------- tables

_NUMBER = re.compile(r"[-−+]?\d(?:[\d\u202f\u00a0 .,]*\d)?\s?%?")
_MARKS = {"·", "✓", "✗", "—", "–", "-"}
_LONG = 60                   # a column with a cell this long (characters) is a text column
_TIGHT = 24                  # cells without spaces up to this long stay on one line
# How many characters wide a table may be, at least, before its rows become cards: a phone
# (390 px) holds about 44 characters of table text, a tablet in portrait about 90.
_PHONE_CHARS, _TABLET_CHARS = 44, 90
_CELL_PADDING_CHARS = 2
_LONG_ROOM_CHARS = 34        # the room the stylesheet keeps for an excerpt column (18rem)


def column_kinds(columns: list[str], rows: list[list[str]]) -> list[str]:
    """What each column holds, from its cells: ``num``, ``mark``, ``tight``, ``long`` or ``text``.

    ``num``: numbers or percentages (with ``—`` for none), right-aligned and kept on one
    line; ``mark``: only marks such as ``✓`` and ``·``, centred; ``tight``: single words up
    to 24 characters (identifiers, dates), kept on one line; ``long``: running text (a cell
    of 60 characters or more: an excerpt), given room; ``text``: the rest.

    >>> column_kinds(["code", "n", "A", "extrait"],
    ...              [["care.support", "1 204", "✓", "Il faudrait " * 6], ["power", "7", "·", ""]])
    ['tight', 'num', 'mark', 'long']
    """
    kinds = []
    for k in range(len(columns)):
        filled = [c for c in (" ".join(plain(row[k]).split()) for row in rows) if c]
        if filled and all(c in _MARKS for c in filled):
            kinds.append("mark")
        elif filled and all(c in _MARKS or _NUMBER.fullmatch(c) for c in filled):
            kinds.append("num")
        elif filled and max(len(c) for c in filled) >= _LONG:
            kinds.append("long")
        elif filled and all(" " not in c and len(c) <= _TIGHT for c in filled):
            kinds.append("tight")
        else:
            kinds.append("text")
    return kinds


def _narrowest(columns: list[str], rows: list[list[str]], kinds: list[str]) -> int:
    """About how many characters wide the table is at its narrowest: each column's longest
    unbreakable stretch (a whole cell where cells stay on one line, else a word; an excerpt
    column the room it is kept), plus padding."""
    total = 0
    for k, kind in enumerate(kinds):
        cells = [" ".join(plain(row[k]).split()) for row in rows]
        pieces = cells if kind in ("num", "tight", "mark") else [w for c in cells for w in c.split()]
        head = max((len(w) for w in plain(columns[k]).split()), default=0)
        room = _LONG_ROOM_CHARS if kind == "long" else 0
        total += max([head, room, *(len(p) for p in pieces)]) + _CELL_PADDING_CHARS
    return total


def _table(brief: Brief, index: int) -> str:
    """A table that uses the page's width; where it would not fit, each row becomes a card of
    labelled cells (``data-label``: the column's header), so no column is ever out of sight."""
    columns, rows = table_grid(brief.body[index])
    kinds = column_kinds(columns, rows)
    cap_id = f"rk-table-{brief.tables[index]}"
    labels = [escape(" ".join(plain(c).split())) for c in columns]
    classes = [f' class="rk-{kind}"' if kind != "text" else "" for kind in kinds]
    head = "".join(f'<th scope="col"{cls}>{inline(c)}</th>' for c, cls in zip(columns, classes))
    rows_html = "\n".join(
        "<tr>" + "".join(f'<td{cls} data-label="{label}">{inline(c)}</td>' for c, cls, label in zip(row, classes, labels))
        + "</tr>" for row in rows)
    narrowest = _narrowest(columns, rows, kinds)
    wrapper = "rk-table"
    if narrowest > _PHONE_CHARS or "long" in kinds and len(columns) > 2:
        wrapper += " rk-stack"
    if narrowest > _TABLET_CHARS:
        wrapper += " rk-stack-wide"
    return (f'<div class="{wrapper}" role="region" aria-labelledby="{cap_id}" tabindex="0">\n'
            f'<table>\n<caption id="{cap_id}">{escape(brief.table_caption(index))}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows_html}\n</tbody>\n</table>\n</div>")


def page(brief: Brief) -> str:
    """The whole HTML page of a prepared brief."""
    body: list[str] = []
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            body.append(_heading(block))
        elif kind == "paragraph":
            body.append(f"<p>{inline(block['text'])}</p>")
        elif kind == "bullets":
            items = "\n".join(f"<li>{inline(item)}</li>" for item in block["items"])
            body.append(f"<ul>\n{items}\n</ul>")
        elif kind == "metrics":
            body.append(_metrics(block))
        elif kind == "table":
            body.append(_table(brief, i))
        elif kind == "figure":
            fig = brief.figures[i]
            src = "data:image/png;base64," + base64.b64encode(fig.png).decode("ascii")
            body.append(
                f'<figure class="rk-figure">\n<img src="{src}" alt="{escape(fig.alt)}" '
                f'width="{fig.width_px}" height="{fig.height_px}">\n'
                f"<figcaption>{escape(brief.figure_caption(fig))}</figcaption>\n</figure>")
        elif kind == "quote":
            body += _quote(block)
        elif kind == "questions":
            items = "\n".join(f"<li>{inline(q)}</li>" for q in block["items"])
            body.append(f'<section class="rk-questions">\n{_questions_label(brief, i)}<ol>\n{items}\n</ol>\n</section>')
        elif kind == "note":
            body.append(f'<p class="rk-note"><small>{inline(block["text"])}</small></p>')
    return string.Template(template("brief.html")).substitute(
        lang=escape(brief.lang_tag), title=escape(brief.title), css=stylesheet("brief.css"),
        header=_header(brief), body="\n".join(body))
