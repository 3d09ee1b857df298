"""A brief as one self-contained HTML page: images inline, no script, readable on a phone, printable.

The page is ``templates/brief.html`` around the brief; its stylesheet,
``templates/brief.css``, names its colours ``$ink``, ``$accent``… and takes them from
:data:`research_kit.palette.CSS` (see :func:`stylesheet`).
"""

from __future__ import annotations

import base64
import html
import string
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from ..palette import CSS
from .layout import Brief, clean, guard, heading_colour, level, metric_items, prepare, runs, table_grid

__all__ = ["to_html", "page", "escape", "inline", "template", "stylesheet"]


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
    role = clean(block.get("role")).strip()
    source = clean(block.get("source")).strip()
    footer = f'— <span class="rk-speaker">{escape(who)}</span>' + (f" ({escape(role)})" if role else "")
    if source:
        footer += f", <cite>{escape(source)}</cite>"
    text = "<br>\n".join(escape(line) for line in clean(block["text"]).strip().split("\n"))
    out.append(f'<blockquote class="rk-quote">\n<p>{text}</p>\n<footer>{footer}</footer>\n</blockquote>')
    return out


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
            cells = "\n".join(
                f'<div class="rk-metric"><dt>{inline(m.get("label"))}</dt><dd>{inline(m.get("value"))}</dd></div>'
                for m in metric_items(block))
            body.append(f'<dl class="rk-metrics">\n{cells}\n</dl>')
        elif kind == "table":
            columns, rows = table_grid(block)
            cap_id = f"rk-table-{brief.tables[i]}"
            head = "".join(f'<th scope="col">{inline(c)}</th>' for c in columns)
            rows_html = "\n".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in rows)
            body.append(
                f'<div class="rk-table" role="region" aria-labelledby="{cap_id}" tabindex="0">\n'
                f'<table>\n<caption id="{cap_id}">{escape(brief.table_caption(i))}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows_html}\n</tbody>\n</table>\n</div>")
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
