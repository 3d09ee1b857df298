"""Write one brief in every format asked for: :func:`render` and :data:`FORMATS`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from .._io import atomic_write_bytes, atomic_write_text
from ..errors import BriefError, ParameterError, check_option
from .cards import check_cards, write_cards
from .docx import docx_bytes
from .html import page
from .layout import Brief, check_name, guard, prepare
from .markdown import write_markdown
from .pdf import pdf_bytes
from .slides import pptx_bytes

__all__ = ["FORMATS", "Format", "render"]

Format = Literal["html", "docx", "pdf", "md", "pptx", "cards"]

#: Every format :func:`render` writes.
FORMATS: tuple[str, ...] = ("html", "docx", "pdf", "md", "pptx", "cards")


def render(
    blocks: Iterable[Mapping[str, Any]],
    out_dir: str | os.PathLike[str],
    *,
    name: str,
    formats: Sequence[Format] | Format = ("html", "docx", "pdf", "md"),
    cards: bool = False,
    slides: bool = False,
) -> dict[str, Path]:
    """Write a brief in every requested format and return where each went.

    Parameters
    ----------
    blocks
        The brief's blocks, e.g. from :func:`~research_kit.render.blocks_from_notebook`.
    out_dir
        The folder to write into (created if needed).
    name
        The file stem: ``<name>.html``, ``<name>.docx``, ``<name>.pdf``, ``<name>-md/``,
        ``<name>-slides.pptx``, ``<name>-cards.pdf`` and ``<name>-cards.html``.
    formats
        Among ``"html"``, ``"docx"``, ``"pdf"``, ``"md"``, ``"pptx"``, ``"cards"``.
    cards, slides
        Shorthands that add ``"cards"`` and ``"pptx"`` to ``formats``.

    Returns
    -------
    dict of str to Path
        Format → path: ``"md"`` maps to the folder, ``"cards"`` to the PDF and
        ``"cards-html"`` to the HTML cards.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown format, ``RK-B15`` for an unusable ``name``.
    BriefError
        ``RK-B10`` without blocks; ``RK-B12`` when cards are asked for a brief without
        quote or question; ``RK-B14`` for a figure whose PNG is broken; ``RK-B11`` when a
        renderer fails: that format leaves no partial file, an earlier good file of the
        same name stays, and the formats written before it are complete.

    Examples
    --------
    >>> render(blocks, "out", name="atelier-2", slides=True)  # doctest: +SKIP
    {'html': PosixPath('out/atelier-2.html'), ..., 'pptx': PosixPath('out/atelier-2-slides.pptx')}
    """
    wanted = _check_formats(formats, cards=cards, slides=slides)
    stem = check_name(name)
    brief = prepare(blocks)
    if "cards" in wanted:
        check_cards(brief)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    try:
        _render_each(brief, out, stem, wanted, written)
    except BriefError as e:
        if e.code == "RK-B11":
            done = [f for f in wanted if f in written]
            left = [f for f in wanted if f not in written][1:]
            e.hint = (e.hint or "") + (f" Written before it: {', '.join(done)}." if done else "") + (
                f" Not attempted: {', '.join(left)}." if left else "")
        raise
    return written


def _render_each(brief: Brief, out: Path, stem: str, wanted: list[str], written: dict[str, Path]) -> None:
    for fmt in wanted:
        if fmt == "html":
            target = out / f"{stem}.html"
            with guard("html", target):
                written["html"] = atomic_write_text(target, page(brief))
        elif fmt == "docx":
            target = out / f"{stem}.docx"
            with guard("docx", target):
                written["docx"] = atomic_write_bytes(target, docx_bytes(brief))
        elif fmt == "pdf":
            target = out / f"{stem}.pdf"
            with guard("pdf", target):
                written["pdf"] = atomic_write_bytes(target, pdf_bytes(brief))
        elif fmt == "md":
            target = out / f"{stem}-md"
            with guard("md", target):
                written["md"] = write_markdown(brief, target, stem)
        elif fmt == "pptx":
            target = out / f"{stem}-slides.pptx"
            with guard("pptx", target):
                written["pptx"] = atomic_write_bytes(target, pptx_bytes(brief))
        elif fmt == "cards":
            pdf_path, html_path = out / f"{stem}-cards.pdf", out / f"{stem}-cards.html"
            with guard("cards", pdf_path):
                written["cards"], written["cards-html"] = write_cards(brief, pdf_path, html_path)


def _check_formats(formats: Sequence[str] | str, *, cards: bool, slides: bool) -> list[str]:
    if isinstance(formats, str):
        formats = (formats,)
    wanted: list[str] = []
    for fmt in formats:
        check_option("formats", fmt, FORMATS, function="render")
        if fmt not in wanted:
            wanted.append(fmt)
    if slides and "pptx" not in wanted:
        wanted.append("pptx")
    if cards and "cards" not in wanted:
        wanted.append("cards")
    if not wanted:
        raise ParameterError("RK-B15", "render() was given no format to write.",
                             hint=f"Pass formats= with some of {', '.join(FORMATS)}.")
    return wanted
