"""A brief as a 16:9 workshop deck: a title slide, one slide per figure and quote, the questions."""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..palette import MUTED
from .layout import Brief, clean, guard, plain, prepare, property_text

__all__ = ["to_pptx", "pptx_bytes", "QUESTIONS_PER_SLIDE"]

#: Discussion questions per slide.
QUESTIONS_PER_SLIDE = 6

_SLIDE_W, _SLIDE_H = 12192000, 6858000          # 13.333 × 7.5 inches: 16:9
_EMU_PER_INCH = 914400


def to_pptx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the workshop deck (16:9) at ``path``; see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("pptx", path):
        return atomic_write_bytes(path, pptx_bytes(brief))


def _language(run: Any, lang: str) -> None:
    run._r.get_or_add_rPr().set("lang", {"fr": "fr-FR", "en": "en-GB"}[lang])


def _text(frame: Any, paragraphs: Sequence[str], *, size: float, lang: str, italic: bool = False,
          bold: bool = False, align: Any = None, color: Any = None) -> None:
    from pptx.util import Pt

    frame.word_wrap = True
    for k, text in enumerate(paragraphs):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.italic = italic or None
        run.font.bold = bold or None
        if color is not None:
            run.font.color.rgb = color
        _language(run, lang)


def _title(slide: Any, text: str, lang: str, *, size: float | None = None) -> None:
    from pptx.util import Pt

    title = slide.shapes.title
    title.text_frame.text = text
    for p in title.text_frame.paragraphs:
        for run in p.runs:
            _language(run, lang)
            if size is not None:
                run.font.size = Pt(size)


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


def _figure_slide(prs: Any, brief: Brief, index: int, last_heading: str) -> None:
    from pptx.util import Emu

    inch = _EMU_PER_INCH
    fig = brief.figures[index]
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    title = fig.caption or last_heading or f"{brief.label('figure')} {fig.number}"
    _title(slide, title, brief.lang, size=32 if len(title) <= 50 else 26 if len(title) <= 90 else 20)
    box_left, box_top = int(0.5 * inch), int(1.55 * inch)
    box_w, box_h = _SLIDE_W - 2 * box_left, _SLIDE_H - box_top - int(0.3 * inch)
    scale = min(box_w / fig.width_px, box_h / fig.height_px)
    width, height = int(fig.width_px * scale), int(fig.height_px * scale)
    pic = slide.shapes.add_picture(io.BytesIO(fig.png), Emu(box_left + (box_w - width) // 2),
                                   Emu(box_top + (box_h - height) // 2), Emu(width), Emu(height))
    c_nv_pr = pic._element.nvPicPr.cNvPr
    c_nv_pr.set("descr", fig.alt)
    c_nv_pr.set("name", f"{brief.label('figure')} {fig.number}")
    if fig.alt:
        slide.notes_slide.notes_text_frame.text = fig.alt


def _quote_slide(prs: Any, brief: Brief, block: Mapping[str, Any], grey: Any) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu

    inch, lang = _EMU_PER_INCH, brief.lang
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    theme = clean(block.get("theme")).strip()
    _title(slide, theme or brief.label("quote"), lang, size=24)
    text = brief.quoted(clean(block["text"]))
    size = 32 if len(text) <= 120 else 26 if len(text) <= 240 else 22 if len(text) <= 400 else 18
    box = slide.shapes.add_textbox(Emu(inch), Emu(int(1.6 * inch)), Emu(_SLIDE_W - 2 * inch),
                                   Emu(int(3.9 * inch)))
    box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _text(box.text_frame, text.split("\n"), size=size, lang=lang, italic=True)
    who = slide.shapes.add_textbox(Emu(inch), Emu(int(5.6 * inch)), Emu(_SLIDE_W - 2 * inch),
                                   Emu(int(1.2 * inch)))
    parts = [brief.attribution(block, source=False)]
    source = clean(block.get("source")).strip()
    if source:
        parts.append(source)
    _text(who.text_frame, parts, size=18, lang=lang, align=PP_ALIGN.RIGHT, color=grey)
    if source:
        slide.notes_slide.notes_text_frame.text = brief.attribution(block)


def _question_slides(prs: Any, brief: Brief) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    questions = brief.questions()
    for start in range(0, len(questions), QUESTIONS_PER_SLIDE):
        chunk = questions[start:start + QUESTIONS_PER_SLIDE]
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        _title(slide, brief.label("questions"), brief.lang)
        body = slide.placeholders[1].text_frame
        body.text = ""
        _text(body, [" ".join(plain(q).split()) for q in chunk], size=26 if len(chunk) <= 4 else 22,
              lang=brief.lang)
        for p in body.paragraphs:
            ppr = p._p.get_or_add_pPr()
            for old in [*ppr.findall(qn("a:buNone")), *ppr.findall(qn("a:buChar")), *ppr.findall(qn("a:buAutoNum"))]:
                ppr.remove(old)
            auto = ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"})
            if start:
                auto.set("startAt", str(start + 1))
            ppr.append(auto)
        for p in body.paragraphs:
            p.space_after = Pt(10)


def pptx_bytes(brief: Brief) -> bytes:
    """The ``.pptx`` deck of a prepared brief."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor

    prs = Presentation()
    _widen(prs)
    _properties(prs, brief)
    grey = RGBColor.from_string(MUTED[1:])

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    _title(slide, brief.title, brief.lang)
    lines = [" ".join(plain(clean(brief.meta.get(key))).split()) for key in ("subtitle", "notice")]
    lines.insert(1, brief.meta_line())
    sub = slide.placeholders[1].text_frame
    sub.text = ""
    _text(sub, [t for t in lines if t] or [""], size=18, lang=brief.lang, color=grey)

    last_heading = ""
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            last_heading = plain(clean(block["text"])).strip()
        elif kind == "figure":
            _figure_slide(prs, brief, i, last_heading)
        elif kind == "quote":
            _quote_slide(prs, brief, block, grey)
    _question_slides(prs, brief)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _widen(prs: Any) -> None:
    """Make the default 4:3 template 16:9, stretching its master and layouts to fit."""
    factor = _SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    for container in (prs.slide_master, *prs.slide_layouts):
        for shape in container.shapes:
            if shape.left is not None and shape.width is not None:
                shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)
