"""A brief as a folder with a Markdown file and its ``figures/`` (PNG and SVG).

Text is escaped so that Markdown shows it as written (a transcript's ``*``, ``_``,
``<b>`` or leading ``1.`` stay text); only the brief's own inline marks become
emphasis and code. Columns of numbers are right-aligned (``---:``). The folder is built
aside and swapped in whole.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ResearchKitError
from .layout import (Brief, check_name, clean, code_span, column_kinds, guard, level, metric_items, plain, prepare,
                     runs, table_grid)

__all__ = ["to_markdown", "markdown_text", "write_markdown"]

# What Markdown would read as markup: emphasis, code, links, HTML tags, strikethrough.
_SPECIAL = re.compile(r"[\\`*_\[\]~]|<(?=[A-Za-z/!?])")
# What starts a heading, quote or list at the start of a line ("1." only before a space:
# "1.5 million" starts no list).
_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d+(?=[.)](?:[ \t]|$)))", re.M)
_ENTITY = re.compile(r"&(?=#\d+;|#x[0-9a-fA-F]+;|\w+;)")


def to_markdown(blocks: Iterable[Mapping[str, Any]], folder: str | os.PathLike[str], *,
                name: str | None = None) -> Path:
    """Write the brief as ``folder/<name>.md`` plus ``folder/figures/``; return the folder.

    ``name`` defaults to the folder's name without a trailing ``-md``. The folder is
    built aside and swapped in whole, so an earlier good folder survives a failure.
    """
    folder = Path(folder)
    if name is None:
        name = folder.name[:-3] if folder.name.endswith("-md") and len(folder.name) > 3 else folder.name
    stem = check_name(name)
    brief = prepare(blocks)
    with guard("md", folder):
        return write_markdown(brief, folder, stem)


def _escape(text: str, *, line_start: bool = True) -> str:
    """Plain text that Markdown shows as written (specials and, unless told, line-start markers escaped)."""
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    text = _ENTITY.sub("&amp;", text)
    if not line_start:
        return text

    def marker(m: re.Match[str]) -> str:
        found = m.group(2)
        return m.group(1) + (found + "\\" if found[0].isdigit() else "\\" + found)

    return _LINE_START.sub(marker, text)


def _inline(text: Any, *, line_start: bool = True) -> str:
    parts = []
    for chunk, bold, italic, code in runs(clean(text)):
        if code:
            parts.append(code_span(chunk))
            continue
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()):]
        core = _escape(chunk.strip(), line_start=line_start)
        if core and (bold or italic):
            mark = "***" if bold and italic else "**" if bold else "*"
            core = f"{mark}{core}{mark}"
        parts.append(lead + core + trail if core else chunk)
    return "".join(parts).replace("\n", "\\\n")


def _cell(text: str) -> str:
    return _inline(text).replace("\\\n", " ").replace("|", "\\|").strip() or " "


def _metric(item: Mapping[str, str], bullet: str, sep: str) -> str:
    value = _escape(plain(item["value"]))
    return f"{bullet} {_inline(item['label'])}" + (f"{sep}**{value}**" if value.strip() else "")


def _quote(brief: Brief, block: Mapping[str, Any]) -> str:
    lines = []
    theme = clean(block.get("theme")).strip()
    if theme:
        lines += [f"> **{_escape(theme)}**", ">"]
    lines += [f"> {_escape(t)}" if t.strip() else ">" for t in clean(block["text"]).strip().split("\n")]
    lines += [">", f"> {_escape(brief.attribution(block))}"]
    return "\n".join(lines)


def markdown_text(brief: Brief) -> str:
    """The Markdown file of a prepared brief (figures linked as ``figures/<stem>.png``)."""
    meta = brief.meta
    out = [f"# {_inline(clean(meta.get('title')) or brief.label('untitled'))}"]
    subtitle = clean(meta.get("subtitle")).strip()
    if subtitle:
        out.append(f"*{_escape(plain(subtitle))}*")
    line = brief.meta_line()
    if line:
        out.append(_escape(line))
    notice = clean(meta.get("notice")).strip()
    if notice:
        out.append(f"*{_escape(plain(notice))}*")
    # Two lists in a row merge into one unless their markers differ: alternate them.
    bullet, number = "-", "."
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        previous = brief.kind(i - 1)
        bullet = ("*" if bullet == "-" else "-") if previous in ("bullets", "metrics") else "-"
        number = (")" if number == "." else ".") if previous == "questions" else "."
        if kind == "heading":
            # After "# ", no marker starts a block: leading "1." or "-" need no escape.
            text = _inline(plain(clean(block["text"])), line_start=False).replace("\\\n", " ")
            out.append("#" * level(block) + " " + text)
        elif kind == "paragraph":
            out.append(_inline(block["text"]))
        elif kind == "bullets":
            out.append("\n".join(f"{bullet} {_inline(item)}".replace("\\\n", "\\\n  ") for item in block["items"]))
        elif kind == "metrics":
            out.append("\n".join(_metric(m, bullet, brief.label("sep")) for m in metric_items(block)))
        elif kind == "table":
            columns, rows = table_grid(block)
            if not columns:
                continue
            rule = {"number": " ---: "}                 # numbers right-aligned, as in every format
            lines = [f"*{_escape(brief.table_caption(i))}*", "",
                     "| " + " | ".join(_cell(c) for c in columns) + " |",
                     "|" + "|".join(rule.get(k, " --- ") for k in column_kinds(columns, rows)) + "|"]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
        elif kind == "figure":
            fig = brief.figures[i]
            alt = _escape(fig.alt).replace("\n", " ")
            out.append(f"![{alt}](figures/{fig.stem}.png)")
            out.append(f"*{_escape(brief.figure_caption(fig))}*")
        elif kind == "quote":
            out.append(_quote(brief, block))
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                out.append(f"**{_escape(brief.label('questions'))}**")
            out.append("\n".join(f"{n}{number} {_inline(q)}".replace("\\\n", "\\\n   ")
                                 for n, q in enumerate(block["items"], start=1)))
        elif kind == "note":
            out.append(f"*{brief.label('note')}{brief.label('sep').rstrip()}* {_inline(block['text'])}")
    return "\n\n".join(out).rstrip() + "\n"


def write_markdown(brief: Brief, folder: Path, stem: str) -> Path:
    """Write ``folder/<stem>.md`` and ``folder/figures/``: built aside, then swapped in whole."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and not folder.is_dir():
        raise ResearchKitError("RK-B17", f"{folder} exists and is not a folder.",
                               hint="Move that file away or choose another name.")
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:12]}.tmp")
    tmp.mkdir()
    try:
        if brief.figures:
            (tmp / "figures").mkdir()
        for fig in brief.figures.values():
            (tmp / "figures" / f"{fig.stem}.png").write_bytes(fig.png)
            if fig.svg:
                (tmp / "figures" / f"{fig.stem}.svg").write_text(clean(fig.svg), encoding="utf-8")
        (tmp / f"{stem}.md").write_text(markdown_text(brief), encoding="utf-8")
        _swap_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _swap_folder(new: Path, target: Path) -> None:
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.old")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
