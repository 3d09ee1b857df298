"""A brief as a 16:9 workshop deck: a title slide, one slide per figure, one per quote (several for a long one), the questions.

Every shape is placed by this module, inside the slide with a margin, rather than left to
the template's layouts. Text is measured before it is placed: each box gets the largest
font size at which its text fits, measured with the widths of DejaVu Sans (matplotlib's
own font, wider than the Calibri of the default theme and the Carlito LibreOffice puts in
its place, so that what fits here fits on screen). A quote too long for one slide at 24 pt
goes on over as many slides as it needs, whole sentences each, every part marked ``[…]``
where the text goes on; questions go on further slides when they do not fit at
:data:`MIN_TEXT_PT`. A figure takes the larger of
two places: the slide's width under its title, or the slide's height beside it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..palette import MUTED
from .html import held, quoted
from .layout import Brief, clean, guard, plain, png_size, prepare, property_text

__all__ = ["to_pptx", "pptx_bytes", "QUESTIONS_PER_SLIDE", "MIN_TEXT_PT", "SLIDE_SIZE"]

#: Most discussion questions on one slide (fewer when they are long).
QUESTIONS_PER_SLIDE = 6
#: The smallest text size on a slide, in points, before a quote or a list goes on a further slide.
MIN_TEXT_PT = 20

_EMU_PER_INCH = 914400
_EMU_PER_PT = 12700
#: Width and height of a slide in EMU: 13.333 × 7.5 inches, 16:9 (PowerPoint's "Widescreen").
SLIDE_SIZE = (12192000, 6858000)
_SLIDE_W, _SLIDE_H = SLIDE_SIZE
_MARGIN_X = int(0.5 * _EMU_PER_INCH)         # left and right margin of every slide
_MARGIN_Y = int(0.35 * _EMU_PER_INCH)        # top and bottom margin
_GAP = int(0.2 * _EMU_PER_INCH)              # between a title and what follows it
_INSET_X = int(0.1 * _EMU_PER_INCH)          # inside a text box, left and right
_INSET_Y = int(0.05 * _EMU_PER_INCH)         # inside a text box, top and bottom
_LINE = 1.2                                  # line height, in ems (PowerPoint's single spacing)
_SIDE_COLUMN = int(3.9 * _EMU_PER_INCH)      # the title's column beside a tall figure
_NUMBER_INDENT = int(0.5 * _EMU_PER_INCH)    # room for "1." before a numbered question
_QUESTION_SPACE_PT = 10                      # space after each question
_LAST_RESORT = (18, 16, 14)                  # sizes tried before a text is cut


@dataclass(frozen=True)
class _Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


_CONTENT = _Box(_MARGIN_X, _MARGIN_Y, _SLIDE_W - 2 * _MARGIN_X, _SLIDE_H - 2 * _MARGIN_Y)


def to_pptx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the workshop deck (16:9) at ``path``; see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("pptx", path):
        return atomic_write_bytes(path, pptx_bytes(brief))


# --------------------------------------------------------------------------- measuring text


_ADVANCES: dict[str, float] = {}       # character → advance width in ems, read once each


@functools.cache
def _font() -> Any:
    import matplotlib
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    font.set_size(100, 72)          # 100 pt at 72 dpi: advances in hundredths of an em
    return font


def _em(char: str) -> float:
    """The advance width of ``char`` in DejaVu Sans (the same upright and oblique), in ems."""
    width = _ADVANCES.get(char)
    if width is None:
        from matplotlib import ft2font

        flags = ft2font.LoadFlags.NO_HINTING if hasattr(ft2font, "LoadFlags") else ft2font.LOAD_NO_HINTING
        try:
            width = _font().load_char(ord(char), flags=flags).linearHoriAdvance / 65536 / 100
        except (RuntimeError, ValueError, OverflowError):
            width = 0.0
        if width <= 0 and not char.isspace():      # drawn from another font: count it as wide
            width = 1.0
        _ADVANCES[char] = width
    return width


def _width(text: str, size: float) -> float:
    """The width of ``text`` in points at ``size``."""
    return sum(_em(c) for c in text) * size


def _lines(text: str, size: float, width_pt: float) -> int:
    """How many lines ``text`` takes in a box ``width_pt`` points wide at ``size`` points.

    Lines break at spaces, as PowerPoint and LibreOffice break them, but not inside ``« »``
    nor before ``? ! : ;`` (quotes are written with no-break spaces there, see
    :func:`~research_kit.render.html.held`, and LibreOffice keeps those marks with their word
    anyway); a word longer than the line breaks at its edge. Each ``\\n`` starts a new line.
    """
    total = 0
    space = _width(" ", size)
    for paragraph in held(text).split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            w = _width(word, size)
            if used and used + space + w > width_pt:
                lines, used = lines + 1, 0.0
            elif used:
                used += space
            while w > width_pt:                     # a word wider than the line
                lines, w = lines + 1, w - width_pt
            used += w
        total += lines
    return total


def _height_pt(paragraphs: Sequence[str], size: float, width_pt: float, *, space_after: float = 0.0) -> float:
    lines = sum(_lines(p, size, width_pt) for p in paragraphs)
    return lines * size * _LINE + space_after * max(len(paragraphs) - 1, 0)


def _inner(box: _Box, indent: int = 0) -> tuple[float, float]:
    """Room for text inside ``box``, in points: width (less ``indent``) and height."""
    return ((box.width - 2 * _INSET_X - indent) / _EMU_PER_PT, (box.height - 2 * _INSET_Y) / _EMU_PER_PT)


def _fit(paragraphs: Sequence[str], box: _Box, sizes: Sequence[float], *, indent: int = 0,
         space_after: float = 0.0) -> float | None:
    """The largest of ``sizes`` at which ``paragraphs`` fit ``box``, or ``None``."""
    width, height = _inner(box, indent)
    for size in sizes:
        if _height_pt(paragraphs, size, width, space_after=space_after) <= height:
            return size
    return None


def _cut(text: str, box: _Box, size: float) -> str:
    """``text`` shortened at a word, ending with "…", so that it fits ``box`` at ``size``."""
    words = text.split(" ")
    while len(words) > 1 and _fit([" ".join(words) + " …"], box, (size,)) is None:
        words.pop()
    return " ".join(words).rstrip(" ,;:") + " …"


def _fit_or_cut(paragraphs: list[str], box: _Box, sizes: Sequence[float]) -> tuple[float, list[str]]:
    """A size at which ``paragraphs`` fit ``box``: one of ``sizes``, smaller ones, or the last one cut."""
    size = _fit(paragraphs, box, sizes) or _fit(paragraphs, box, _LAST_RESORT)
    if size is not None:
        return size, paragraphs
    size = _LAST_RESORT[-1]
    return size, [_cut(" ".join(" ".join(paragraphs).split()), box, size)]


def _lines_box(paragraphs: Sequence[str], size: float, width: int) -> int:
    """The height (EMU) of a box ``width`` wide that holds ``paragraphs`` at ``size``."""
    inner_w = (width - 2 * _INSET_X) / _EMU_PER_PT
    return int(_height_pt(paragraphs, size, inner_w) * _EMU_PER_PT) + 2 * _INSET_Y + 1


# --------------------------------------------------------------------------- writing shapes


def _language(run: Any, lang: str) -> None:
    run._r.get_or_add_rPr().set("lang", {"fr": "fr-FR", "en": "en-GB"}[lang])


def _place(shape: Any, box: _Box) -> None:
    shape.left, shape.top, shape.width, shape.height = box.left, box.top, box.width, box.height


def _frame(shape: Any, anchor: Any) -> Any:
    from pptx.enum.text import MSO_AUTO_SIZE

    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = _INSET_X
    frame.margin_top = frame.margin_bottom = _INSET_Y
    return frame


def _text(frame: Any, paragraphs: Sequence[str], *, size: float, lang: str, italic: bool = False,
          align: Any = None, color: Any = None, space_after: float = 0.0) -> None:
    from pptx.util import Pt

    frame.text = ""
    for k, text in enumerate(paragraphs):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        p.line_spacing = 1.0
        p.space_before = Pt(0)
        p.space_after = Pt(space_after if k < len(paragraphs) - 1 else 0)
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.italic = italic or None
        if color is not None:
            run.font.color.rgb = color
        _language(run, lang)


def _title(slide: Any, text: str, lang: str, box: _Box, size: float, *, anchor: Any = None,
           align: Any = None) -> None:
    """Fill the slide's title placeholder with ``text`` and put it at ``box``."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    title = slide.shapes.title
    _place(title, box)
    frame = _frame(title, anchor if anchor is not None else MSO_ANCHOR.BOTTOM)
    _text(frame, [text], size=size, lang=lang, align=align if align is not None else PP_ALIGN.LEFT)


def _title_box(text: str, width: int, sizes: Sequence[float], *, top: int = _MARGIN_Y,
               max_height: int | None = None) -> tuple[_Box, float, str]:
    """Where a title ``width`` wide goes, at which size, and its text (cut if it cannot fit).

    The title takes the largest of ``sizes`` at which it holds on two lines; a longer one
    takes the smallest size and the lines it needs, up to ``max_height`` (a third of the
    slide by default), and is cut beyond. The box is as tall as its lines.
    """
    room = max_height if max_height is not None else _CONTENT.height // 3
    inner_w = (width - 2 * _INSET_X) / _EMU_PER_PT
    size = next((s for s in sizes if _lines(text, s, inner_w) <= 2), None)
    if size is None:
        size, (text,) = _fit_or_cut([text], _Box(_MARGIN_X, top, width, room), sizes[-1:])
    height = max(_lines_box([text], size, width), _lines_box(["x"], sizes[0], width))
    return _Box(_MARGIN_X, top, width, min(height, room)), size, text


# --------------------------------------------------------------------------- slides


def _properties(prs: Any, brief: Brief) -> None:
    # The default template carries its own author and dates: replace every property.
    props = prs.core_properties
    props.title = property_text(brief.title)
    props.subject = property_text(plain(clean(brief.meta.get("subtitle"))))
    props.author = props.last_modified_by = "Research Kit"
    props.comments = props.keywords = ""
    props.revision = 1
    props.language = brief.lang_tag
    when = brief.date()
    if when is not None:
        props.created = props.modified = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)


def _title_slide(prs: Any, brief: Brief, grey: Any) -> None:
    """The title on the upper half, ending above the middle; subtitle, corpus, date and notice below it."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    box, size, text = _title_box(" ".join(brief.title.split()), _CONTENT.width, (44, 40, 36, 32, 28),
                                 max_height=int(2.6 * _EMU_PER_INCH))
    box = _Box(box.left, int(4.0 * _EMU_PER_INCH) - box.height, box.width, box.height)
    _title(slide, text, brief.lang, box, size)
    lines = [" ".join(plain(clean(brief.meta.get(key))).split()) for key in ("subtitle", "notice")]
    lines.insert(1, brief.meta_line())
    lines = [t for t in lines if t] or [""]
    top = box.top + box.height + _GAP
    sub_box = _Box(_CONTENT.left, top, _CONTENT.width, _CONTENT.top + _CONTENT.height - top)
    sub_size, lines = _fit_or_cut(lines, sub_box, (22, 20, 18))
    sub = slide.placeholders[1]
    _place(sub, sub_box)
    _text(_frame(sub, MSO_ANCHOR.TOP), lines, size=sub_size, lang=brief.lang, color=grey, space_after=6,
          align=PP_ALIGN.LEFT)


def _figure_slide(prs: Any, brief: Brief, index: int, last_heading: str) -> None:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Emu

    fig = brief.figures[index]
    png, width_px, height_px = fig.png, fig.width_px, fig.height_px
    if fig.slide_png is not None:  # a tall figure, drawn again for the slide
        png = fig.slide_png
        width_px, height_px = (max(1, n) for n in png_size(png))
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    title = " ".join((fig.caption or last_heading or f"{brief.label('figure')} {fig.number}").split())
    sizes = (32, 28, 26, 24, 22, 20)

    # Above: the title across the slide, the figure under it.
    top_box, top_size, top_text = _title_box(title, _CONTENT.width, sizes)
    below = _Box(_CONTENT.left, top_box.top + top_box.height + _GAP, _CONTENT.width,
                 _CONTENT.top + _CONTENT.height - (top_box.top + top_box.height + _GAP))
    # Beside: the title in a column on the left, the figure using the slide's height.
    side_title = _Box(_CONTENT.left, _CONTENT.top, _SIDE_COLUMN, _CONTENT.height)
    side_size, (side_text,) = _fit_or_cut([title], side_title, sizes)
    beside = _Box(_CONTENT.left + _SIDE_COLUMN + _GAP, _CONTENT.top,
                  _CONTENT.width - _SIDE_COLUMN - _GAP, _CONTENT.height)

    def scale(box: _Box) -> float:
        return min(box.width / width_px, box.height / height_px)

    if scale(beside) > 1.1 * scale(below):
        area = beside
        _title(slide, side_text, brief.lang, side_title, side_size, anchor=MSO_ANCHOR.MIDDLE)
    else:
        area = below
        _title(slide, top_text, brief.lang, top_box, top_size)
    factor = scale(area)
    width, height = int(width_px * factor), int(height_px * factor)
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(area.left + (area.width - width) // 2),
                                   Emu(area.top + (area.height - height) // 2), Emu(width), Emu(height))
    c_nv_pr = pic._element.nvPicPr.cNvPr
    c_nv_pr.set("descr", fig.alt)
    c_nv_pr.set("name", f"{brief.label('figure')} {fig.number}")
    if fig.alt:
        slide.notes_slide.notes_text_frame.text = fig.alt


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
#: Quotes are read from across the room: below 24 pt a quote goes on over further slides.
_QUOTE_SIZES = (36, 32, 30, 28, 26, 24)
_QUOTE_TARGET = 28          # the size a quote split over slides is cut for


def _quote_parts(brief: Brief, text: str, box: _Box) -> list[tuple[str, float]]:
    """The quote as slides: each part quoted (``[…]`` where it goes on) and the size it fits at."""
    whole = quoted(brief, text)
    size = _fit(whole.split("\n"), box, _QUOTE_SIZES)
    if size is not None:
        return [(whole, size)]

    def fits(part: str) -> bool:
        return _fit([quoted(brief, part, before=True, after=True)], box, (_QUOTE_TARGET,)) is not None

    # Whole sentences per slide; words where one sentence alone is too long.
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(" ".join(clean(text).split())):
        if fits(sentence):
            pieces.append(sentence)
            continue
        words: list[str] = []
        for word in sentence.split(" "):
            if words and not fits(" ".join([*words, word])):
                pieces.append(" ".join(words))
                words = []
            words.append(word)
        pieces.append(" ".join(words))
    chunks: list[str] = []
    for piece in pieces:
        if chunks and fits(f"{chunks[-1]} {piece}"):
            chunks[-1] = f"{chunks[-1]} {piece}"
        else:
            chunks.append(piece)
    parts = [quoted(brief, chunk, before=k > 0, after=k < len(chunks) - 1) for k, chunk in enumerate(chunks)]
    fitted = [_fit_or_cut([part], box, _QUOTE_SIZES) for part in parts]
    size = min(s for s, _ in fitted)          # one size for every part of one quote
    return [(text, size) for _, (text,) in fitted]


def _quote_slides(prs: Any, brief: Brief, block: Mapping[str, Any], grey: Any) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    lang = brief.lang
    theme = " ".join(clean(block.get("theme")).split()) or brief.label("quote")
    sizes, room = (28, 26, 24, 22, 20), int(1.2 * _EMU_PER_INCH)
    theme = _title_box(theme, _CONTENT.width, sizes, max_height=room)[2]
    # measured with the "(2/3)" of a quote split over slides, so that every part's title fits
    title_box, title_size, _ = _title_box(f"{theme} (00/00)", _CONTENT.width, sizes, max_height=room)
    who = [brief.attribution(block, source=False)]
    source = " ".join(clean(block.get("source")).split())
    if source:
        who.append(source)
    inner_w = _inner(_CONTENT)[0]
    who_size = next((s for s in (18, 16, 14) if all(_lines(p, s, inner_w) == 1 for p in who)), 14)
    who_h = _lines_box(who, who_size, _CONTENT.width)
    who_box = _Box(_CONTENT.left, _CONTENT.top + _CONTENT.height - who_h, _CONTENT.width, who_h)
    text_top = title_box.top + title_box.height + _GAP
    indent = int(0.4 * _EMU_PER_INCH)
    text_box = _Box(_CONTENT.left + indent, text_top, _CONTENT.width - 2 * indent, who_box.top - _GAP - text_top)
    parts = _quote_parts(brief, clean(block["text"]), text_box)
    for k, (text, size) in enumerate(parts):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        heading = theme if len(parts) == 1 else f"{theme} ({k + 1}/{len(parts)})"
        _title(slide, heading, lang, title_box, title_size)
        box = slide.shapes.add_textbox(text_box.left, text_box.top, text_box.width, text_box.height)
        _text(_frame(box, MSO_ANCHOR.MIDDLE), text.split("\n"), size=size, lang=lang, italic=True)
        attribution = slide.shapes.add_textbox(who_box.left, who_box.top, who_box.width, who_box.height)
        _text(_frame(attribution, MSO_ANCHOR.BOTTOM), who, size=who_size, lang=lang, align=PP_ALIGN.RIGHT,
              color=grey)
        if source:
            slide.notes_slide.notes_text_frame.text = brief.attribution(block)


_QUESTION_SIZES = (28, 26, 24, 22, MIN_TEXT_PT)


def _question_groups(questions: list[str], box: _Box) -> list[list[str]]:
    """The questions in slide-sized groups: at most :data:`QUESTIONS_PER_SLIDE`, each group fitting the box."""

    def fits(group: list[str]) -> bool:
        return _fit(group, box, (MIN_TEXT_PT,), indent=_NUMBER_INDENT, space_after=_QUESTION_SPACE_PT) is not None

    groups: list[list[str]] = []
    for question in questions:
        if groups and len(groups[-1]) < QUESTIONS_PER_SLIDE and fits([*groups[-1], question]):
            groups[-1].append(question)
        else:
            groups.append([question])
    return groups


def _question_slides(prs: Any, brief: Brief) -> None:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.oxml.ns import qn

    questions = [" ".join(plain(q).split()) for q in brief.questions()]
    if not questions:
        return
    title_box, title_size, title = _title_box(brief.label("questions"), _CONTENT.width, (32, 28))
    top = title_box.top + title_box.height + _GAP
    box = _Box(_CONTENT.left, top, _CONTENT.width, _CONTENT.top + _CONTENT.height - top)
    groups = _question_groups(questions, box)
    fitted = [_fit(group, box, (*_QUESTION_SIZES, *_LAST_RESORT), indent=_NUMBER_INDENT,
                   space_after=_QUESTION_SPACE_PT) for group in groups]
    common = min((s for s in fitted if s is not None), default=_LAST_RESORT[-1])   # one size on every slide
    start = 0
    for group, fits in zip(groups, fitted):
        size = common
        if fits is None:        # one question longer than a slide: cut
            size = _LAST_RESORT[-1]
            narrower = _Box(box.left, box.top, box.width - _NUMBER_INDENT, box.height)
            group = [_cut(group[0], narrower, size)]
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        _title(slide, title, brief.lang, title_box, title_size)
        body = slide.placeholders[1]
        _place(body, box)
        _text(_frame(body, MSO_ANCHOR.TOP), group, size=size, lang=brief.lang, space_after=_QUESTION_SPACE_PT)
        for p in body.text_frame.paragraphs:
            ppr = p._p.get_or_add_pPr()
            ppr.set("marL", str(_NUMBER_INDENT))
            ppr.set("indent", str(-_NUMBER_INDENT))
            for old in [*ppr.findall(qn("a:buNone")), *ppr.findall(qn("a:buChar")), *ppr.findall(qn("a:buAutoNum"))]:
                ppr.remove(old)
            auto = ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"})
            if start:
                auto.set("startAt", str(start + 1))
            ppr.append(auto)
        start += len(group)


def pptx_bytes(brief: Brief) -> bytes:
    """The ``.pptx`` deck of a prepared brief."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor

    prs = Presentation()
    _widen(prs)
    _properties(prs, brief)
    grey = RGBColor.from_string(MUTED[1:])
    _title_slide(prs, brief, grey)
    last_heading = ""
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            last_heading = plain(clean(block["text"])).strip()
        elif kind == "figure":
            _figure_slide(prs, brief, i, last_heading)
        elif kind == "quote":
            _quote_slides(prs, brief, block, grey)
    _question_slides(prs, brief)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _widen(prs: Any) -> None:
    """Make the default 4:3 template 16:9: the size, its declaration, the master's and layouts' shapes.

    Only a shape with a position of its own is widened: a layout's placeholder without one
    takes the master's (already widened), and giving it one here would give it no height.
    """
    factor = _SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    prs._element.sldSz.set("type", "screen16x9")
    for container in (prs.slide_master, *prs.slide_layouts):
        for shape in container.shapes:
            xfrm = shape._element.xfrm
            if xfrm is not None and xfrm.off is not None and xfrm.ext is not None:
                shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)
