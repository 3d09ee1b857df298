"""Render a brief, once described as blocks, to every format trainers reuse.

A brief notebook shows its content through :mod:`research_kit.show`; each piece also
travels as a block (see :mod:`research_kit.blocks`) under :data:`blocks.MIME`.
:func:`blocks_from_notebook` reads those blocks back from the executed notebook, and
:func:`render` writes them as

- ``html``: one self-contained page (images inline, no script, readable on a phone,
  printable);
- ``docx``: an editable Word document with real headings, tables, pictures and captions;
- ``pdf``: an A4 PDF with bookmarks and page numbers;
- ``md``: a folder with a Markdown file and its ``figures/`` (PNG and SVG);
- ``pptx``: a 16:9 workshop deck (title, one slide per figure and quote, the questions);
- ``cards``: printable quote and question cards, six per A4 sheet (PDF and HTML).

Every format says the same thing and nothing else: no code, no stray output, no path.
Every file is written atomically: a failure leaves no partial file and keeps an earlier
good file of the same name.

Heading levels follow the Markdown that :mod:`research_kit.show` displays: the brief's
title (from the ``meta`` block) is the top level, a ``heading`` block of level *n* is a
level-*n* heading (``#`` × *n*, ``<h n>``, Word's *Heading n*).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as _dt
import html
import io
import json
import os
import re
import shutil
import string
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ._io import atomic_write_bytes, atomic_write_text, read_bytes
from .blocks import MIME, check_block
from .errors import BriefError, ParameterError, ResearchKitError, check_option

__all__ = [
    "FORMATS",
    "blocks_from_notebook",
    "render",
    "to_html",
    "to_docx",
    "to_pdf",
    "to_markdown",
    "to_pptx",
    "to_cards",
]

Format = Literal["html", "docx", "pdf", "md", "pptx", "cards"]

#: Every format :func:`render` writes.
FORMATS: tuple[str, ...] = ("html", "docx", "pdf", "md", "pptx", "cards")

#: Cards per A4 sheet (2 columns × 3 rows).
CARDS_PER_PAGE = 6
_CARD_COLS, _CARD_ROWS = 2, 3

#: Discussion questions per slide.
QUESTIONS_PER_SLIDE = 6

# --------------------------------------------------------------------------- labels

_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "figure": "Figure",
        "table": "Tableau",
        "page": "Page",
        "questions": "Questions pour la discussion",
        "question": "Question de discussion",
        "quote": "Citation",
        "corpus": "Corpus",
        "generated": "Produit le",
        "note": "Note",
        "sep": "\u00a0: ",
        "open": "«\u00a0",
        "close": "\u00a0»",
        "untitled": "Note de recherche",
        "cards": "Cartes citations et questions",
        "cards_intro": "Imprimez sur A4 (six cartes par page) et découpez le long des pointillés.",
        "cards_suffix": "cartes",
    },
    "en": {
        "figure": "Figure",
        "table": "Table",
        "page": "Page",
        "questions": "Questions for discussion",
        "question": "Discussion question",
        "quote": "Quote",
        "corpus": "Corpus",
        "generated": "Generated on",
        "note": "Note",
        "sep": ": ",
        "open": "“",
        "close": "”",
        "untitled": "Research brief",
        "cards": "Quote and question cards",
        "cards_intro": "Print on A4 (six cards per page) and cut along the dashed lines.",
        "cards_suffix": "cards",
    },
}

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

# --------------------------------------------------------------------------- the brief, prepared

# Control characters have no place in a document (XML refuses them); tab and LF stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _text(value: Any) -> str:
    """A block field as clean text: ``None`` → ``""``, CRLF → LF, no control characters."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class _Figure:
    number: int
    png: bytes
    svg: str | None
    alt: str
    caption: str
    stem: str
    width_px: int
    height_px: int


@dataclass
class _Brief:
    """Validated blocks plus what every renderer needs: language, labels, figures."""

    meta: dict[str, Any]
    lang: str            # "fr" or "en": the language of fixed strings
    lang_tag: str        # the BCP 47 tag to declare (e.g. "fr", "fr-CA", "en")
    body: list[dict[str, Any]]
    figures: dict[int, _Figure] = field(default_factory=dict)   # body index → figure
    tables: dict[int, int] = field(default_factory=dict)        # body index → table number

    @property
    def labels(self) -> dict[str, str]:
        return _LABELS[self.lang]

    @property
    def title(self) -> str:
        return _plain(_text(self.meta.get("title"))) or self.labels["untitled"]

    def kind(self, index: int) -> str | None:
        return self.body[index]["kind"] if 0 <= index < len(self.body) else None

    def quotes(self) -> list[dict[str, Any]]:
        return [b for b in self.body if b["kind"] == "quote"]

    def questions(self) -> list[str]:
        return [_text(q) for b in self.body if b["kind"] == "questions" for q in b["items"] if _text(q).strip()]

    def date(self) -> _dt.datetime | None:
        value = _text(self.meta.get("generated")).strip()
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
            return _text(self.meta.get("generated")).strip()
        day = "1er" if (self.lang == "fr" and when.day == 1) else str(when.day)
        return f"{day} {_MONTHS[self.lang][when.month - 1]} {when.year}"

    def meta_parts(self) -> tuple[str, str]:
        """``("Corpus : X", "Produit le 3 mai 2024")``; either may be empty."""
        corpus = " ".join(_text(self.meta.get("corpus")).split())
        date = self.date_text()
        return (f"{self.labels['corpus']}{self.labels['sep']}{corpus}" if corpus else "",
                f"{self.labels['generated']} {date}" if date else "")

    def meta_line(self) -> str:
        """``Corpus : X · Produit le 3 mai 2024``, or the parts that exist."""
        return " · ".join(p for p in self.meta_parts() if p)

    def figure_caption(self, fig: _Figure) -> str:
        head = f"{self.labels['figure']} {fig.number}"
        return f"{head}{self.labels['sep']}{fig.caption}" if fig.caption else head

    def table_caption(self, index: int) -> str:
        block = self.body[index]
        head = f"{self.labels['table']} {self.tables[index]}"
        caption = _plain(_text(block.get("caption"))).strip()
        return f"{head}{self.labels['sep']}{caption}" if caption else head

    def attribution(self, quote: Mapping[str, Any], *, source: bool = True) -> str:
        """``— Speaker (role), source``."""
        who = _text(quote.get("speaker")).strip()
        role = _text(quote.get("role")).strip()
        text = f"— {who}" + (f" ({role})" if role else "")
        src = _text(quote.get("source")).strip()
        if source and src:
            text += f", {src}"
        return text

    def quoted(self, text: str) -> str:
        """``text`` between the language's quotation marks, unless it already has some."""
        text = text.strip()
        if text[:1] in "«“\"'‘":
            return text
        return f"{self.labels['open']}{text}{self.labels['close']}"


def _lang_of(meta: Mapping[str, Any]) -> tuple[str, str]:
    raw = _text(meta.get("lang")).strip() or "fr"
    tag = raw if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", raw) else "fr"
    return ("en" if tag.lower().startswith("en") else "fr"), tag


def _decode_png(block: Mapping[str, Any], number: int) -> bytes:
    data = block.get("png")
    if isinstance(data, list):          # nbformat may split long strings into lines
        data = "".join(data)
    if isinstance(data, str) and data.startswith("data:"):
        data = data.partition(",")[2]
    where = f"figure {number} ({_text(block.get('name')) or 'unnamed'})"
    try:
        png = base64.b64decode(re.sub(r"\s+", "", data or ""), validate=True)
    except (binascii.Error, ValueError, TypeError) as e:
        raise BriefError("RK-B14", f"{where}: its 'png' is not base64 text ({e}).",
                         hint="Show figures with research_kit.show.figure(fig, alt=...).") from e
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise BriefError("RK-B14", f"{where}: its 'png' does not hold a PNG image.",
                         hint="Show figures with research_kit.show.figure(fig, alt=...).")
    return png


def _png_size(png: bytes) -> tuple[int, int]:
    # Width and height sit at fixed offsets of the IHDR chunk that opens every PNG.
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return text[:80]


def _prepare(blocks: Iterable[Mapping[str, Any]]) -> _Brief:
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
    brief = _Brief(meta=meta, lang=lang, lang_tag=tag, body=body)
    stems: set[str] = set()
    for i, block in enumerate(brief.body):
        if block["kind"] == "table":
            brief.tables[i] = len(brief.tables) + 1
        elif block["kind"] == "figure":
            number = len(brief.figures) + 1
            png = _decode_png(block, number)
            stem = _slug(_text(block.get("name"))) or f"figure-{number}"
            base, k = stem, 2
            while stem.lower() in stems:
                stem, k = f"{base}-{k}", k + 1
            stems.add(stem.lower())
            svg = block.get("svg")
            if isinstance(svg, list):
                svg = "".join(svg)
            width, height = _png_size(png)
            brief.figures[i] = _Figure(
                number=number, png=png, svg=svg or None, alt=_text(block.get("alt")).strip(),
                caption=_plain(_text(block.get("caption"))).strip(), stem=stem,
                width_px=max(width, 1), height_px=max(height, 1))
    return brief


def _is_empty(block: Mapping[str, Any]) -> bool:
    """A block with nothing to show (blank text, no items, a table without cells) is skipped."""
    kind = block["kind"]
    if kind in ("heading", "paragraph", "note", "quote"):
        return not _text(block.get("text")).strip()
    if kind in ("bullets", "metrics", "questions"):
        return not any(_text(i).strip() for i in block.get("items") or ())
    if kind == "table":
        return not block.get("columns") and not block.get("rows")
    return False


def _without_blank_items(block: dict[str, Any]) -> dict[str, Any]:
    if block["kind"] in ("bullets", "questions"):
        return {**block, "items": [i for i in block["items"] if _text(i).strip()]}
    return block


# --------------------------------------------------------------------------- inline marks

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)


def _italic_runs(text: str, bold: bool) -> list[tuple[str, bool, bool]]:
    out, pos = [], 0
    for m in _ITALIC.finditer(text):
        out += [(text[pos:m.start()], bold, False), (m.group(1), bold, True)]
        pos = m.end()
    out.append((text[pos:], bold, False))
    return out


def _runs(text: str) -> list[tuple[str, bool, bool]]:
    """Split ``text`` into ``(text, bold, italic)`` runs; only ``**bold**`` and ``*italic*`` count."""
    out, pos = [], 0
    for m in _BOLD.finditer(text):
        out += _italic_runs(text[pos:m.start()], False) + _italic_runs(m.group(1), True)
        pos = m.end()
    out += _italic_runs(text[pos:], False)
    merged: list[tuple[str, bool, bool]] = []
    for run in out:
        if not run[0]:
            continue
        if merged and merged[-1][1:] == run[1:]:
            merged[-1] = (merged[-1][0] + run[0], *run[1:])
        else:
            merged.append(run)
    return merged


def _plain(text: str) -> str:
    """``text`` without its inline marks."""
    return "".join(r[0] for r in _runs(text))


# --------------------------------------------------------------------------- notebooks


def blocks_from_notebook(nb_or_path: Any) -> list[dict[str, Any]]:
    """The brief blocks an executed notebook shows, in order.

    Only outputs of code cells of type ``display_data`` or ``execute_result`` that carry
    :data:`research_kit.blocks.MIME` count; code, streams, errors and every other output
    are ignored, so nothing but what the brief showed reaches a rendered file.

    Parameters
    ----------
    nb_or_path
        An nbformat notebook node (or the same as a plain dict), or the path of an
        ``.ipynb`` file.

    Returns
    -------
    list of dict
        The blocks, each checked with :func:`research_kit.blocks.check_block`.

    Raises
    ------
    BriefError
        ``RK-B10`` when the notebook shows no block, ``RK-B13`` when it is not a
        notebook, ``RK-B01`` when a block is malformed (``cell`` names its cell).

    Examples
    --------
    >>> blocks = blocks_from_notebook("out/brief-atelier-2.ipynb")  # doctest: +SKIP
    >>> render(blocks, "out", name="brief-atelier-2")  # doctest: +SKIP
    """
    where: str | None = None
    if isinstance(nb_or_path, (str, os.PathLike)):
        where = str(nb_or_path)
        raw = read_bytes(nb_or_path)
        try:
            nb = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BriefError("RK-B13", f"is not a Jupyter notebook ({e}).", path=where,
                             hint="Give the .ipynb file that papermill wrote.") from e
    else:
        nb = nb_or_path
    cells = nb.get("cells") if isinstance(nb, Mapping) else None
    if not isinstance(cells, list):
        raise BriefError("RK-B13", "is not a Jupyter notebook (it has no 'cells' list).",
                         path=where or "<notebook>", hint="Give the .ipynb file that papermill wrote.")
    found: list[dict[str, Any]] = []
    for number, cell in enumerate(cells):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs") or ():
            if not isinstance(output, Mapping):
                continue
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data")
            if not isinstance(data, Mapping) or MIME not in data:
                continue
            block = data[MIME]
            if isinstance(block, str):
                with contextlib.suppress(json.JSONDecodeError):
                    block = json.loads(block)
            block = _to_plain(block)
            try:
                found.append(check_block(block))
            except ResearchKitError as e:
                raise BriefError(e.code, f"cell {number}: {e.message}", cell=number, path=where,
                                 hint=e.hint) from e
    if not found:
        raise BriefError("RK-B10", "the notebook shows no brief content; use research_kit.show in its cells.",
                         path=where, hint="Each cell that should reach the brief calls research_kit.show.heading(), "
                                          ".paragraph(), .table(), .figure(), .quotes()…")
    return found


def _to_plain(value: Any) -> Any:
    """nbformat nodes → plain dicts and lists (the blocks are JSON data)."""
    if isinstance(value, Mapping):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------- render


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
        The brief's blocks, e.g. from :func:`blocks_from_notebook`.
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
    stem = _check_name(name)
    brief = _prepare(blocks)
    if "cards" in wanted:
        _check_cards(brief)
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


def _render_each(brief: _Brief, out: Path, stem: str, wanted: list[str], written: dict[str, Path]) -> None:
    for fmt in wanted:
        if fmt == "html":
            target = out / f"{stem}.html"
            with _guard("html", target):
                written["html"] = atomic_write_text(target, _html(brief))
        elif fmt == "docx":
            target = out / f"{stem}.docx"
            with _guard("docx", target):
                written["docx"] = atomic_write_bytes(target, _docx_bytes(brief))
        elif fmt == "pdf":
            target = out / f"{stem}.pdf"
            with _guard("pdf", target):
                written["pdf"] = atomic_write_bytes(target, _pdf_bytes(brief))
        elif fmt == "md":
            target = out / f"{stem}-md"
            with _guard("md", target):
                written["md"] = _write_markdown(brief, target, stem)
        elif fmt == "pptx":
            target = out / f"{stem}-slides.pptx"
            with _guard("pptx", target):
                written["pptx"] = atomic_write_bytes(target, _pptx_bytes(brief))
        elif fmt == "cards":
            pdf_path, html_path = out / f"{stem}-cards.pdf", out / f"{stem}-cards.html"
            with _guard("cards", pdf_path):
                written["cards"], written["cards-html"] = _write_cards(brief, pdf_path, html_path)


def to_html(blocks: Iterable[Mapping[str, Any]]) -> str:
    """The brief as one self-contained HTML page (a string); see :func:`render`."""
    brief = _prepare(blocks)
    with _guard("html", None):
        return _html(brief)


def to_docx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the brief as an editable Word document at ``path``; see :func:`render`."""
    brief = _prepare(blocks)
    with _guard("docx", path):
        return atomic_write_bytes(path, _docx_bytes(brief))


def to_pdf(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the brief as an A4 PDF at ``path``; see :func:`render`."""
    brief = _prepare(blocks)
    with _guard("pdf", path):
        return atomic_write_bytes(path, _pdf_bytes(brief))


def to_markdown(blocks: Iterable[Mapping[str, Any]], folder: str | os.PathLike[str], *,
                name: str | None = None) -> Path:
    """Write the brief as ``folder/<name>.md`` plus ``folder/figures/``; return the folder.

    ``name`` defaults to the folder's name without a trailing ``-md``. The folder is
    built aside and swapped in whole, so an earlier good folder survives a failure.
    """
    folder = Path(folder)
    if name is None:
        name = folder.name[:-3] if folder.name.endswith("-md") and len(folder.name) > 3 else folder.name
    stem = _check_name(name)
    brief = _prepare(blocks)
    with _guard("md", folder):
        return _write_markdown(brief, folder, stem)


def to_pptx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the workshop deck (16:9) at ``path``; see :func:`render`."""
    brief = _prepare(blocks)
    with _guard("pptx", path):
        return atomic_write_bytes(path, _pptx_bytes(brief))


def to_cards(blocks: Iterable[Mapping[str, Any]], path_pdf: str | os.PathLike[str],
             path_html: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the quote and question cards as a PDF and an HTML page; return both paths."""
    brief = _prepare(blocks)
    _check_cards(brief)
    with _guard("cards", path_pdf):
        return _write_cards(brief, Path(path_pdf), Path(path_html))


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


def _check_name(name: Any) -> str:
    text = name if isinstance(name, str) else ""
    if not text.strip() or text != text.strip() or text.startswith(".") or re.search(r'[<>:"/\\|?*\x00-\x1f]', text):
        raise ParameterError("RK-B15", f"the 'name' parameter of render() must be a plain file stem; got {name!r} instead.",
                             hint="Use letters, digits, '-' or '_', e.g. name='atelier-2'.")
    return text


def _check_cards(brief: _Brief) -> None:
    if not brief.quotes() and not brief.questions():
        raise BriefError("RK-B12", "the brief shows no quote and no discussion question to put on cards.",
                         hint="Show some with research_kit.show.quotes() or .questions(), or leave cards out.")


@contextlib.contextmanager
def _guard(fmt: str, target: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn a renderer's failure into ``RK-B11`` naming the format."""
    try:
        yield
    except Exception as e:
        where = f" ({target})" if target is not None else ""
        detail = e.message if isinstance(e, ResearchKitError) else str(e)
        raise BriefError(
            "RK-B11", f"could not write the {fmt} version of the brief{where}: {type(e).__name__}: {detail}",
            hint="Nothing half-written was left and an earlier file of that name is untouched.") from e


def _template(name: str) -> str:
    return resources.files("research_kit").joinpath("templates", name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- HTML


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_inline(text: str) -> str:
    parts = []
    for chunk, bold, italic in _runs(_text(text)):
        out = _h(chunk).replace("\n", "<br>\n")
        if italic:
            out = f"<em>{out}</em>"
        if bold:
            out = f"<strong>{out}</strong>"
        parts.append(out)
    return "".join(parts)


def _html_questions_label(brief: _Brief, index: int) -> str:
    if brief.kind(index - 1) == "heading":
        return ""
    return f'<p class="rk-label">{_h(brief.labels["questions"])}</p>\n'


def _html(brief: _Brief) -> str:
    meta, labels = brief.meta, brief.labels
    header = [f"<h1>{_html_inline(_text(meta.get('title')) or labels['untitled'])}</h1>"]
    subtitle = _text(meta.get("subtitle")).strip()
    if subtitle:
        header.append(f'<p class="rk-subtitle">{_html_inline(subtitle)}</p>')
    corpus, generated = brief.meta_parts()
    when = brief.date()
    if generated and when is not None:
        generated_html = (f'{_h(labels["generated"])} <time datetime="{when.date().isoformat()}">'
                          f"{_h(brief.date_text())}</time>")
    else:
        generated_html = _h(generated)
    line_html = " · ".join(p for p in (_h(corpus), generated_html) if p)
    if line_html:
        header.append(f'<p class="rk-meta">{line_html}</p>')
    notice = _text(meta.get("notice")).strip()
    if notice:
        header.append(f'<p class="rk-notice">{_html_inline(notice)}</p>')

    body: list[str] = []
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            level = _level(block)
            body.append(f"<h{level}>{_html_inline(_text(block['text']))}</h{level}>")
        elif kind == "paragraph":
            body.append(f"<p>{_html_inline(block['text'])}</p>")
        elif kind == "bullets":
            items = "\n".join(f"<li>{_html_inline(item)}</li>" for item in block["items"])
            body.append(f"<ul>\n{items}\n</ul>")
        elif kind == "metrics":
            cells = "\n".join(
                f'<div class="rk-metric"><dt>{_html_inline(m.get("label"))}</dt><dd>{_html_inline(m.get("value"))}</dd></div>'
                for m in _metric_items(block))
            body.append(f'<dl class="rk-metrics">\n{cells}\n</dl>')
        elif kind == "table":
            columns, rows = _table_grid(block)
            cap_id = f"rk-table-{brief.tables[i]}"
            head = "".join(f'<th scope="col">{_html_inline(c)}</th>' for c in columns)
            rows_html = "\n".join("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
            body.append(
                f'<div class="rk-table" role="region" aria-labelledby="{cap_id}" tabindex="0">\n'
                f'<table>\n<caption id="{cap_id}">{_h(brief.table_caption(i))}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows_html}\n</tbody>\n</table>\n</div>")
        elif kind == "figure":
            fig = brief.figures[i]
            src = "data:image/png;base64," + base64.b64encode(fig.png).decode("ascii")
            body.append(
                f'<figure class="rk-figure">\n<img src="{src}" alt="{_h(fig.alt)}" '
                f'width="{fig.width_px}" height="{fig.height_px}">\n'
                f"<figcaption>{_h(brief.figure_caption(fig))}</figcaption>\n</figure>")
        elif kind == "quote":
            theme = _text(block.get("theme")).strip()
            if theme:
                body.append(f'<p class="rk-theme">{_h(theme)}</p>')
            who = _text(block.get("speaker")).strip()
            role = _text(block.get("role")).strip()
            source = _text(block.get("source")).strip()
            footer = f'— <span class="rk-speaker">{_h(who)}</span>' + (f" ({_h(role)})" if role else "")
            if source:
                footer += f", <cite>{_h(source)}</cite>"
            text = "<br>\n".join(_h(line) for line in _text(block["text"]).strip().split("\n"))
            body.append(f'<blockquote class="rk-quote">\n<p>{text}</p>\n<footer>{footer}</footer>\n</blockquote>')
        elif kind == "questions":
            items = "\n".join(f"<li>{_html_inline(q)}</li>" for q in block["items"])
            body.append(f'<section class="rk-questions">\n{_html_questions_label(brief, i)}<ol>\n{items}\n</ol>\n</section>')
        elif kind == "note":
            body.append(f'<p class="rk-note"><small>{_html_inline(block["text"])}</small></p>')
    page = string.Template(_template("brief.html"))
    return page.substitute(
        lang=_h(brief.lang_tag), title=_h(brief.title), css=_template("brief.css").strip(),
        header='<header class="rk-header">\n' + "\n".join(header) + "\n</header>",
        body="\n".join(body))


def _level(block: Mapping[str, Any]) -> int:
    try:
        level = int(block.get("level", 2))
    except (TypeError, ValueError):
        level = 2
    return min(max(level, 1), 3)


def _metric_items(block: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for item in block["items"]:
        if isinstance(item, Mapping):
            out.append({"label": _text(item.get("label")), "value": _text(item.get("value"))})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            out.append({"label": _text(item[0]), "value": _text(item[1])})
        else:
            out.append({"label": _text(item), "value": ""})
    return out


def _table_grid(block: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows as text, every row as wide as the widest."""
    columns = [_text(c) for c in block["columns"]]
    rows = [[_text(c) for c in row] for row in block["rows"]]
    width = max([len(columns), *(len(r) for r in rows)] or [0])
    columns += [""] * (width - len(columns))
    rows = [r + [""] * (width - len(r)) for r in rows]
    return columns, rows


# --------------------------------------------------------------------------- DOCX


def _docx_runs(paragraph: Any, text: str, *, bold: bool | None = None, italic: bool | None = None,
               size: Any = None) -> None:
    for chunk, b, i in _runs(_text(text)):
        lines = chunk.split("\n")
        for k, line in enumerate(lines):
            run = paragraph.add_run(line)
            if b or bold:
                run.bold = True
            if i or italic:
                run.italic = True
            if size is not None:
                run.font.size = size
            if k < len(lines) - 1:
                run.add_break()


def _docx_bytes(brief: _Brief) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    text_width = section.page_width - section.left_margin - section.right_margin   # 16 cm
    max_height = Cm(20)

    _docx_language(doc, brief.lang_tag, OxmlElement, qn)
    props = doc.core_properties
    props.title = brief.title
    props.subject = _plain(_text(brief.meta.get("subtitle")))
    props.language = brief.lang_tag
    props.author = props.last_modified_by = "Research Kit"
    props.comments = _plain(_text(brief.meta.get("notice")))
    props.keywords = _text(brief.meta.get("corpus"))
    props.revision = 1
    when = brief.date()
    if when is not None:
        props.created = props.modified = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)

    grey = RGBColor(0x56, 0x60, 0x6B)
    doc.add_heading(brief.title, level=0)
    subtitle = _text(brief.meta.get("subtitle")).strip()
    if subtitle:
        _docx_runs(doc.add_paragraph(style="Subtitle"), subtitle)
    line = brief.meta_line()
    if line:
        run = doc.add_paragraph().add_run(line)
        run.font.size, run.font.color.rgb = Pt(9), grey
    notice = _text(brief.meta.get("notice")).strip()
    if notice:
        p = doc.add_paragraph()
        _docx_runs(p, notice, italic=True, size=Pt(9))

    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            doc.add_heading(_plain(_text(block["text"])), level=_level(block))
        elif kind == "paragraph":
            _docx_runs(doc.add_paragraph(), block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                _docx_runs(doc.add_paragraph(style="List Bullet"), item)
        elif kind == "metrics":
            items = _metric_items(block)
            table = doc.add_table(rows=len(items), cols=2)
            table.style = "Table Grid"
            for row, item in zip(table.rows, items):
                _docx_runs(row.cells[0].paragraphs[0], item["label"])
                _docx_runs(row.cells[1].paragraphs[0], item["value"], bold=True)
            doc.add_paragraph()
        elif kind == "table":
            columns, rows = _table_grid(block)
            caption = doc.add_paragraph(brief.table_caption(i), style="Caption")
            caption.paragraph_format.keep_with_next = True
            table = doc.add_table(rows=1 + len(rows), cols=max(len(columns), 1))
            table.style = "Table Grid"
            header = table.rows[0]
            header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))   # repeats on each page
            for cell, text in zip(header.cells, columns):
                _docx_runs(cell.paragraphs[0], text, bold=True)
            for row, values in zip(table.rows[1:], rows):
                for cell, text in zip(row.cells, values):
                    _docx_runs(cell.paragraphs[0], text)
            doc.add_paragraph()
        elif kind == "figure":
            fig = brief.figures[i]
            width = text_width
            if width * fig.height_px / fig.width_px > max_height:
                width = int(max_height * fig.width_px / fig.height_px)
            shape = doc.add_picture(io.BytesIO(fig.png), width=width)
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", fig.alt)
            doc_pr.set("name", f"{brief.labels['figure']} {fig.number}")
            picture_paragraph = doc.paragraphs[-1]
            picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture_paragraph.paragraph_format.keep_with_next = True
            doc.add_paragraph(brief.figure_caption(fig), style="Caption")
        elif kind == "quote":
            p = doc.add_paragraph(style="Quote")
            lines = _text(block["text"]).strip().split("\n")
            for k, text in enumerate(lines):
                run = p.add_run(text)
                if k < len(lines) - 1:
                    run.add_break()
            p.paragraph_format.keep_with_next = True
            who = doc.add_paragraph(style="Quote")
            run = who.add_run(brief.attribution(block))
            run.italic, run.font.size = False, Pt(9)
            who.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                label = doc.add_paragraph()
                label.add_run(brief.labels["questions"]).bold = True
                label.paragraph_format.keep_with_next = True
            num_id = None
            for item in block["items"]:
                p = doc.add_paragraph(style="List Number")
                num_id = _docx_restart_numbering(doc, p, num_id)
                _docx_runs(p, item)
        elif kind == "note":
            p = doc.add_paragraph()
            _docx_runs(p, block["text"], size=Pt(8))
            for run in p.runs:
                run.font.color.rgb = grey
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_language(doc: Any, tag: str, OxmlElement: Any, qn: Any) -> None:
    """Declare the language on the Normal style, so Word checks spelling in it."""
    value = tag if "-" in tag else {"fr": "fr-FR", "en": "en-GB"}.get(tag.lower(), tag)
    for default in doc.styles.element.findall(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"):
        default.set(qn("w:val"), value)
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), value)
    later = [child for name in ("w:eastAsianLayout", "w:specVanish", "w:oMath") for child in rpr.findall(qn(name))]
    if later:
        later[0].addprevious(lang)       # keep the schema's order of run properties
    else:
        rpr.append(lang)


def _docx_restart_numbering(doc: Any, paragraph: Any, num_id: int | None) -> int:
    """Give ``paragraph`` its own numbering that starts at 1 (``num_id`` continues one)."""
    numbering = doc.part.numbering_part.element
    if num_id is None:
        style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        num_id = num.numId
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return num_id


# --------------------------------------------------------------------------- PDF

_FONT = "DejaVu"
_PAGE_ALIAS = "\ue000nb\ue000"          # private-use characters, stripped from the brief's text
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _font_files() -> dict[str, Path]:
    """DejaVu Sans from matplotlib's data folder (found without importing matplotlib)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    folders = list(spec.submodule_search_locations or []) if spec else []
    names = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
             "BI": "DejaVuSans-BoldOblique.ttf"}
    for folder in folders:
        ttf = Path(folder) / "mpl-data" / "fonts" / "ttf"
        if all((ttf / n).is_file() for n in names.values()):
            return {style: ttf / n for style, n in names.items()}
    raise ResearchKitError("RK-B16", "the DejaVu Sans fonts that PDF output needs were not found in matplotlib's data folder.",
                           hint="Reinstall matplotlib: pip install --force-reinstall matplotlib")


def _pdf_text(text: Any) -> str:
    return _PRIVATE_USE.sub("", _text(text)).replace("\t", "    ")


def _new_pdf(brief: _Brief, *, footer: bool) -> Any:
    from fpdf import FPDF

    page_label = brief.labels["page"]

    class _PDF(FPDF):
        def footer(self) -> None:  # noqa: D401 - fpdf2 hook
            if not footer:
                return
            self.set_y(-14)
            self.set_font(_FONT, "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"{page_label} {self.page_no()} / {_PAGE_ALIAS}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = _PDF(orientation="portrait", unit="mm", format="A4")
    pdf.alias_nb_pages(_PAGE_ALIAS)
    for style, path in _font_files().items():
        pdf.add_font(_FONT, style, str(path))
    pdf.set_font(_FONT, "", 10.5)
    pdf.set_lang(brief.lang_tag)
    pdf.set_title(brief.title)
    subtitle = _plain(_text(brief.meta.get("subtitle")))
    if subtitle:
        pdf.set_subject(subtitle)
    pdf.set_creator("Research Kit")
    pdf.set_author("Research Kit")
    when = brief.date()
    if when is not None:
        pdf.set_creation_date(when)
    return pdf


def _pdf_lines(pdf: Any, width: float, height: float, text: str, align: str = "L") -> int:
    from fpdf.enums import MethodReturnValue

    lines = pdf.multi_cell(width, height, text, align=align, dry_run=True, output=MethodReturnValue.LINES)
    return max(len(lines), 1)


def _pdf_room(pdf: Any) -> float:
    return pdf.page_break_trigger - pdf.y


def _pdf_need(pdf: Any, height: float) -> None:
    """Start a new page unless ``height`` mm fit below the cursor."""
    if _pdf_room(pdf) < height and pdf.y > pdf.t_margin + 1:
        pdf.add_page()


def _pdf_write_runs(pdf: Any, text: str, *, size: float, line: float, style: str = "",
                    color: tuple[int, int, int] = (0, 0, 0)) -> None:
    pdf.set_text_color(*color)
    for chunk, bold, italic in _runs(_pdf_text(text)):
        extra = ("B" if bold else "") + ("I" if italic else "")
        pdf.set_font(_FONT, "".join(sorted(set(style + extra))), size)
        pdf.write(line, chunk)
    pdf.ln(line)
    pdf.set_font(_FONT, "", 10.5)
    pdf.set_text_color(0, 0, 0)


@contextlib.contextmanager
def _pdf_indent(pdf: Any, left: float, right: float = 0) -> Iterator[None]:
    old = pdf.l_margin, pdf.r_margin
    pdf.set_left_margin(old[0] + left)
    pdf.set_right_margin(old[1] + right)
    pdf.set_x(pdf.l_margin)
    try:
        yield
    finally:
        pdf.set_left_margin(old[0])
        pdf.set_right_margin(old[1])
        pdf.set_x(pdf.l_margin)


def _pdf_bytes(brief: _Brief) -> bytes:
    from fpdf.fonts import FontFace

    pdf = _new_pdf(brief, footer=True)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    grey = (86, 96, 107)
    line = 5.4

    pdf.start_section(brief.title, level=0)
    pdf.set_font(_FONT, "B", 21)
    pdf.multi_cell(0, 9.5, _pdf_text(brief.title), new_x="LMARGIN", new_y="NEXT")
    subtitle = _pdf_text(brief.meta.get("subtitle")).strip()
    if subtitle:
        pdf.ln(1)
        pdf.set_font(_FONT, "", 13)
        pdf.set_text_color(*grey)
        pdf.multi_cell(0, 6.5, _plain(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    for text, style in ((brief.meta_line(), ""), (_text(brief.meta.get("notice")).strip(), "I")):
        if text:
            pdf.set_font(_FONT, style, 9)
            pdf.set_text_color(*grey)
            pdf.multi_cell(0, 4.6, _pdf_text(_plain(text)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_draw_color(39, 93, 139)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(5)

    open_levels: list[int] = []          # heading levels of the open sections, for the outline
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        pdf.set_font(_FONT, "", 10.5)
        if kind == "heading":
            level = _level(block)
            size = {1: 17.0, 2: 14.5, 3: 12.0}[level]
            text = _pdf_text(_plain(_text(block["text"])))
            pdf.ln({1: 5, 2: 4, 3: 2.5}[level])
            _pdf_need(pdf, 30)
            while open_levels and open_levels[-1] >= level:
                open_levels.pop()
            pdf.start_section(text, level=len(open_levels) + 1, strict=False)
            open_levels.append(level)
            pdf.set_font(_FONT, "B", size)
            if level == 2:
                pdf.set_text_color(39, 93, 139)
            pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        elif kind == "paragraph":
            _pdf_write_runs(pdf, block["text"], size=10.5, line=line)
            pdf.ln(2.5)
        elif kind == "bullets":
            for item in block["items"]:
                _pdf_need(pdf, line)
                pdf.set_font(_FONT, "", 10.5)
                pdf.set_x(pdf.l_margin + 1.5)
                pdf.cell(4, line, "•")
                with _pdf_indent(pdf, 6):
                    _pdf_bullet_text(pdf, item, line)
                pdf.ln(0.8)
            pdf.ln(2)
        elif kind == "metrics":
            _pdf_metrics(pdf, _metric_items(block))
        elif kind == "table":
            columns, rows = _table_grid(block)
            pdf.set_font(_FONT, "I", 9)
            pdf.set_text_color(*grey)
            _pdf_need(pdf, 25)
            pdf.multi_cell(0, 4.6, _pdf_text(brief.table_caption(i)), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1)
            pdf.set_font(_FONT, "", 9)
            with pdf.table(col_widths=_col_widths(columns, rows), line_height=4.6, text_align="LEFT",
                           padding=(1.2, 1.6), v_align="TOP", align="LEFT", width=pdf.epw,
                           headings_style=FontFace(emphasis="BOLD", fill_color=(232, 237, 242)),
                           repeat_headings=1) as table:
                for values in [columns, *rows]:
                    row = table.row()
                    for value in values:
                        row.cell(_pdf_text(_plain(value)))
            pdf.ln(4)
        elif kind == "figure":
            _pdf_figure(pdf, brief, brief.figures[i])
        elif kind == "quote":
            _pdf_quote(pdf, brief, block)
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                _pdf_need(pdf, 20)
                pdf.set_font(_FONT, "B", 11)
                pdf.multi_cell(0, 6, _pdf_text(brief.labels["questions"]), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            for number, item in enumerate(block["items"], start=1):
                _pdf_need(pdf, line * 2)
                pdf.set_font(_FONT, "B", 10.5)
                pdf.set_x(pdf.l_margin)
                pdf.cell(7, line, f"{number}.", align="R")
                with _pdf_indent(pdf, 9):
                    _pdf_bullet_text(pdf, item, line)
                pdf.ln(1.2)
            pdf.ln(2)
        elif kind == "note":
            _pdf_need(pdf, 10)
            _pdf_write_runs(pdf, block["text"], size=8, line=3.9, color=grey)
            pdf.ln(2)
    return bytes(pdf.output())


def _pdf_bullet_text(pdf: Any, text: str, line: float) -> None:
    """Write ``text`` from the cursor, wrapped lines aligned on the current left margin."""
    for chunk, bold, italic in _runs(_pdf_text(text)):
        pdf.set_font(_FONT, ("B" if bold else "") + ("I" if italic else ""), 10.5)
        pdf.write(line, chunk)
    pdf.ln(line)
    pdf.set_font(_FONT, "", 10.5)


def _col_widths(columns: list[str], rows: list[list[str]]) -> tuple[float, ...]:
    """Column shares from the longest word and the typical cell length of each column."""
    shares = []
    for k in range(len(columns)):
        cells = [columns[k]] + [r[k] for r in rows]
        longest_word = max((len(w) for c in cells for w in c.split()), default=1)
        typical = max((len(c) for c in cells), default=1)
        shares.append(max(longest_word, min(typical, 40), 4))
    return tuple(float(s) for s in shares) or (1.0,)


def _pdf_metrics(pdf: Any, items: list[dict[str, str]]) -> None:
    per_row, gap = 3, 4.0
    width = (pdf.epw - gap * (per_row - 1)) / per_row
    for start in range(0, len(items), per_row):
        chunk = items[start:start + per_row]
        pdf.set_font(_FONT, "", 8.5)
        label_lines = max(_pdf_lines(pdf, width - 6, 4, _pdf_text(_plain(m["label"]))) for m in chunk)
        pdf.set_font(_FONT, "B", 15)
        value_lines = max(_pdf_lines(pdf, width - 6, 7, _pdf_text(_plain(m["value"])) or " ") for m in chunk)
        height = 4 + label_lines * 4 + value_lines * 7 + 3
        _pdf_need(pdf, height + 2)
        top = pdf.y
        for k, item in enumerate(chunk):
            x = pdf.l_margin + k * (width + gap)
            pdf.set_draw_color(200, 207, 214)
            pdf.rect(x, top, width, height)
            pdf.set_xy(x + 3, top + 3)
            pdf.set_font(_FONT, "", 8.5)
            pdf.set_text_color(86, 96, 107)
            pdf.multi_cell(width - 6, 4, _pdf_text(_plain(item["label"])), new_x="LEFT", new_y="NEXT")
            pdf.set_font(_FONT, "B", 15)
            pdf.set_text_color(0, 0, 0)
            pdf.set_x(x + 3)
            pdf.multi_cell(width - 6, 7, _pdf_text(_plain(item["value"])), new_x="LEFT", new_y="NEXT")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, top + height + gap)
    pdf.ln(2)


def _pdf_figure(pdf: Any, brief: _Brief, fig: _Figure) -> None:
    caption = _pdf_text(brief.figure_caption(fig))
    pdf.set_font(_FONT, "I", 9)
    caption_h = _pdf_lines(pdf, pdf.epw, 4.6, caption, align="C") * 4.6 + 3
    width = pdf.epw
    height = width * fig.height_px / fig.width_px
    tallest = pdf.eph - caption_h - 6
    if height > tallest:
        height = tallest
        width = height * fig.width_px / fig.height_px
    _pdf_need(pdf, height + caption_h + 2)
    top = pdf.y
    pdf.image(io.BytesIO(fig.png), x=pdf.l_margin + (pdf.epw - width) / 2, y=top, w=width, h=height,
              alt_text=_pdf_text(fig.alt) or None)
    pdf.set_xy(pdf.l_margin, top + height + 2)
    pdf.set_text_color(86, 96, 107)
    pdf.multi_cell(0, 4.6, caption, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(5)


def _pdf_quote(pdf: Any, brief: _Brief, block: Mapping[str, Any]) -> None:
    text = _pdf_text(block["text"]).strip()
    attribution = _pdf_text(brief.attribution(block))
    with _pdf_indent(pdf, 10, 6):
        pdf.set_font(_FONT, "I", 10.5)
        text_h = _pdf_lines(pdf, pdf.epw, 5.4, text) * 5.4
        pdf.set_font(_FONT, "", 8.5)
        attr_h = _pdf_lines(pdf, pdf.epw, 4.4, attribution, align="R") * 4.4
        if text_h + attr_h + 4 < pdf.eph:
            _pdf_need(pdf, text_h + attr_h + 4)
        top, page = pdf.y, pdf.page
        theme = _pdf_text(block.get("theme")).strip()
        if theme:
            pdf.set_font(_FONT, "B", 7.5)
            pdf.set_text_color(39, 93, 139)
            pdf.multi_cell(0, 4, theme.upper(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "I", 10.5)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 5.4, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_text_color(86, 96, 107)
        pdf.multi_cell(0, 4.4, attribution, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        if pdf.page == page:
            pdf.set_draw_color(39, 93, 139)
            pdf.set_line_width(1.0)
            pdf.line(pdf.l_margin - 4, top, pdf.l_margin - 4, pdf.y)
            pdf.set_line_width(0.2)
            pdf.set_draw_color(0, 0, 0)
    pdf.ln(4)


# --------------------------------------------------------------------------- Markdown

# What Markdown would read as markup: emphasis, code, links, HTML tags, strikethrough.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]~]|<(?=[A-Za-z/!?])")
# What starts a heading, quote or list at the start of a line.
_MD_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d+(?=[.)]))", re.M)
_MD_ENTITY = re.compile(r"&(?=#\d+;|#x[0-9a-fA-F]+;|\w+;)")


def _md_escape(text: str) -> str:
    """Plain text that Markdown shows as written (specials and line-start markers escaped)."""
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    text = _MD_ENTITY.sub("&amp;", text)

    def line_start(m: re.Match[str]) -> str:
        marker = m.group(2)
        return m.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker)

    return _MD_LINE_START.sub(line_start, text)


def _md_inline(text: str) -> str:
    parts = []
    for chunk, bold, italic in _runs(_text(text)):
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()):]
        core = _md_escape(chunk.strip())
        if core and (bold or italic):
            mark = "***" if bold and italic else "**" if bold else "*"
            core = f"{mark}{core}{mark}"
        parts.append(lead + core + trail if core else chunk)
    return "".join(parts).replace("\n", "\\\n")


def _md_cell(text: str) -> str:
    return _md_inline(text).replace("\\\n", " ").replace("|", "\\|").strip() or " "


def _markdown(brief: _Brief) -> str:
    meta, labels = brief.meta, brief.labels
    out = [f"# {_md_inline(_text(meta.get('title')) or labels['untitled'])}"]
    subtitle = _text(meta.get("subtitle")).strip()
    if subtitle:
        out.append(f"*{_md_escape(_plain(subtitle))}*")
    line = brief.meta_line()
    if line:
        out.append(_md_escape(line))
    notice = _text(meta.get("notice")).strip()
    if notice:
        out.append(f"*{_md_escape(_plain(notice))}*")
    # Two lists in a row merge into one unless their markers differ: alternate them.
    bullet, number = "-", "."
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        previous = brief.kind(i - 1)
        bullet = ("*" if bullet == "-" else "-") if previous in ("bullets", "metrics") else "-"
        number = (")" if number == "." else ".") if previous == "questions" else "."
        if kind == "heading":
            out.append("#" * _level(block) + " " + _md_inline(_plain(_text(block["text"]))).replace("\\\n", " "))
        elif kind == "paragraph":
            out.append(_md_inline(block["text"]))
        elif kind == "bullets":
            out.append("\n".join(f"{bullet} {_md_inline(item)}".replace("\\\n", "\\\n  ") for item in block["items"]))
        elif kind == "metrics":
            out.append("\n".join(f"{bullet} {_md_inline(m['label'])}{labels['sep']}**{_md_escape(_plain(m['value']))}**"
                                 for m in _metric_items(block)))
        elif kind == "table":
            columns, rows = _table_grid(block)
            if not columns:
                continue
            lines = [f"*{_md_escape(brief.table_caption(i))}*", "",
                     "| " + " | ".join(_md_cell(c) for c in columns) + " |",
                     "|" + "|".join(" --- " for _ in columns) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
        elif kind == "figure":
            fig = brief.figures[i]
            alt = _md_escape(fig.alt).replace("\n", " ")
            out.append(f"![{alt}](figures/{fig.stem}.png)")
            out.append(f"*{_md_escape(brief.figure_caption(fig))}*")
        elif kind == "quote":
            lines = []
            theme = _text(block.get("theme")).strip()
            if theme:
                lines += [f"> **{_md_escape(theme)}**", ">"]
            lines += [f"> {_md_escape(t)}" if t.strip() else ">" for t in _text(block["text"]).strip().split("\n")]
            lines += [">", f"> {_md_escape(brief.attribution(block))}"]
            out.append("\n".join(lines))
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                out.append(f"**{_md_escape(labels['questions'])}**")
            out.append("\n".join(f"{n}{number} {_md_inline(q)}".replace("\\\n", "\\\n   ")
                                 for n, q in enumerate(block["items"], start=1)))
        elif kind == "note":
            out.append(f"*{labels['note']}{labels['sep'].rstrip()}* {_md_inline(block['text'])}")
    return "\n\n".join(out).rstrip() + "\n"


def _write_markdown(brief: _Brief, folder: Path, stem: str) -> Path:
    """Build the folder aside, then swap it in; an earlier folder survives any failure."""
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
                (tmp / "figures" / f"{fig.stem}.svg").write_text(_text(fig.svg), encoding="utf-8")
        (tmp / f"{stem}.md").write_text(_markdown(brief), encoding="utf-8")
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


# --------------------------------------------------------------------------- PPTX

_SLIDE_W, _SLIDE_H = 12192000, 6858000          # 13.333 × 7.5 inches: 16:9
_EMU_PER_INCH = 914400


def _pptx_language(run: Any, lang: str) -> None:
    run._r.get_or_add_rPr().set("lang", {"fr": "fr-FR", "en": "en-GB"}[lang])


def _pptx_text(frame: Any, paragraphs: Sequence[str], *, size: float, lang: str, italic: bool = False,
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
        _pptx_language(run, lang)


def _pptx_title(slide: Any, text: str, lang: str, *, size: float | None = None) -> None:
    from pptx.util import Pt

    title = slide.shapes.title
    title.text_frame.text = text
    for p in title.text_frame.paragraphs:
        for run in p.runs:
            _pptx_language(run, lang)
            if size is not None:
                run.font.size = Pt(size)


def _pptx_bytes(brief: _Brief) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Pt

    prs = Presentation()
    _pptx_widen(prs)
    # The default template carries its own author and dates: replace every property.
    props = prs.core_properties
    props.title = brief.title
    props.subject = _plain(_text(brief.meta.get("subtitle")))
    props.author = props.last_modified_by = "Research Kit"
    props.comments = props.keywords = ""
    props.revision = 1
    props.language = brief.lang_tag
    when = brief.date()
    if when is not None:
        props.created = props.modified = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    lang = brief.lang
    grey = RGBColor(0x56, 0x60, 0x6B)
    inch = _EMU_PER_INCH

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    _pptx_title(slide, brief.title, lang)
    lines = [" ".join(_plain(_text(brief.meta.get(key))).split()) for key in ("subtitle", "notice")]
    lines.insert(1, brief.meta_line())
    sub = slide.placeholders[1].text_frame
    sub.text = ""
    _pptx_text(sub, [t for t in lines if t] or [""], size=18, lang=lang, color=grey)

    last_heading = ""
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            last_heading = _plain(_text(block["text"])).strip()
        elif kind == "figure":
            fig = brief.figures[i]
            slide = prs.slides.add_slide(prs.slide_layouts[5])
            title = fig.caption or last_heading or f"{brief.labels['figure']} {fig.number}"
            _pptx_title(slide, title, lang, size=32 if len(title) <= 50 else 26 if len(title) <= 90 else 20)
            box_left, box_top = int(0.5 * inch), int(1.55 * inch)
            box_w, box_h = _SLIDE_W - 2 * box_left, _SLIDE_H - box_top - int(0.3 * inch)
            scale = min(box_w / fig.width_px, box_h / fig.height_px)
            width, height = int(fig.width_px * scale), int(fig.height_px * scale)
            pic = slide.shapes.add_picture(io.BytesIO(fig.png), Emu(box_left + (box_w - width) // 2),
                                           Emu(box_top + (box_h - height) // 2), Emu(width), Emu(height))
            c_nv_pr = pic._element.nvPicPr.cNvPr
            c_nv_pr.set("descr", fig.alt)
            c_nv_pr.set("name", f"{brief.labels['figure']} {fig.number}")
            if fig.alt:
                slide.notes_slide.notes_text_frame.text = fig.alt
        elif kind == "quote":
            slide = prs.slides.add_slide(prs.slide_layouts[5])
            theme = _text(block.get("theme")).strip()
            _pptx_title(slide, theme or brief.labels["quote"], lang, size=24)
            text = brief.quoted(_text(block["text"]))
            size = 32 if len(text) <= 120 else 26 if len(text) <= 240 else 22 if len(text) <= 400 else 18
            box = slide.shapes.add_textbox(Emu(inch), Emu(int(1.6 * inch)), Emu(_SLIDE_W - 2 * inch),
                                           Emu(int(3.9 * inch)))
            box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            _pptx_text(box.text_frame, text.split("\n"), size=size, lang=lang, italic=True)
            who = slide.shapes.add_textbox(Emu(inch), Emu(int(5.6 * inch)), Emu(_SLIDE_W - 2 * inch),
                                           Emu(int(1.2 * inch)))
            parts = [brief.attribution(block, source=False)]
            source = _text(block.get("source")).strip()
            if source:
                parts.append(source)
            _pptx_text(who.text_frame, parts, size=18, lang=lang, align=PP_ALIGN.RIGHT, color=grey)
            if source:
                slide.notes_slide.notes_text_frame.text = brief.attribution(block)
    questions = brief.questions()
    for start in range(0, len(questions), QUESTIONS_PER_SLIDE):
        chunk = questions[start:start + QUESTIONS_PER_SLIDE]
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        _pptx_title(slide, brief.labels["questions"], lang)
        body = slide.placeholders[1].text_frame
        body.text = ""
        _pptx_text(body, [" ".join(_plain(q).split()) for q in chunk], size=26 if len(chunk) <= 4 else 22, lang=lang)
        for k, p in enumerate(body.paragraphs):
            ppr = p._p.get_or_add_pPr()
            for old in [*ppr.findall(qn("a:buNone")), *ppr.findall(qn("a:buChar")), *ppr.findall(qn("a:buAutoNum"))]:
                ppr.remove(old)
            auto = ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"})
            if start:
                auto.set("startAt", str(start + 1))
            ppr.append(auto)
        for p in body.paragraphs:
            p.space_after = Pt(10)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _pptx_widen(prs: Any) -> None:
    """Make the default 4:3 template 16:9, stretching its master and layouts to fit."""
    factor = _SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    for container in (prs.slide_master, *prs.slide_layouts):
        for shape in container.shapes:
            if shape.left is not None and shape.width is not None:
                shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)


# --------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class _Card:
    kind: Literal["quote", "question"]
    label: str
    text: str
    who: str = ""
    source: str = ""


def _cards(brief: _Brief) -> list[_Card]:
    cards = []
    for quote in brief.quotes():
        cards.append(_Card("quote", _text(quote.get("theme")).strip() or brief.labels["quote"],
                           _text(quote["text"]).strip(), brief.attribution(quote, source=False),
                           _text(quote.get("source")).strip()))
    for question in brief.questions():
        cards.append(_Card("question", brief.labels["question"], _plain(question).strip()))
    return cards


def _write_cards(brief: _Brief, pdf_path: Path, html_path: Path) -> tuple[Path, Path]:
    cards = _cards(brief)
    pdf_bytes = _cards_pdf(brief, cards)       # both built before anything is written
    page = _cards_html(brief, cards)
    return atomic_write_bytes(pdf_path, pdf_bytes), atomic_write_text(html_path, page)


def _fit_text(pdf: Any, text: str, width: float, height: float, sizes: Sequence[float], style: str,
              align: str = "C") -> tuple[float, float, str]:
    """The largest font size (and line height) at which ``text`` fits the box; cut it if none does."""
    for size in sizes:
        pdf.set_font(_FONT, style, size)
        line = size * 0.47
        if _pdf_lines(pdf, width, line, text, align) * line <= height:
            return size, line, text
    size = sizes[-1]
    pdf.set_font(_FONT, style, size)
    line = size * 0.47
    words = text.split()
    while words and _pdf_lines(pdf, width, line, " ".join(words) + " …", align) * line > height:
        words.pop()
    return size, line, " ".join(words) + " …"


def _cards_pdf(brief: _Brief, cards: list[_Card]) -> bytes:
    pdf = _new_pdf(brief, footer=False)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    margin, gap, foot = 10.0, 8.0, 8.0
    card_w = (pdf.w - 2 * margin - gap * (_CARD_COLS - 1)) / _CARD_COLS
    card_h = (pdf.h - 2 * margin - foot - gap * (_CARD_ROWS - 1)) / _CARD_ROWS
    pad = 6.0
    inner_w = card_w - 2 * pad
    grey = (86, 96, 107)
    notice = _plain(_text(brief.meta.get("notice")))
    footer_text = " ".join(_pdf_text(" · ".join(t for t in (brief.title, notice.strip()) if t)).split())
    for index, card in enumerate(cards):
        slot = index % CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
            pdf.set_font(_FONT, "", 7)
            pdf.set_text_color(*grey)
            pdf.set_xy(margin, pdf.h - margin - foot + 2)
            pdf.cell(pdf.w - 2 * margin, 4, footer_text[:160], align="C")
        col, row = slot % _CARD_COLS, slot // _CARD_COLS
        x = margin + col * (card_w + gap)
        y = margin + row * (card_h + gap)
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.25)
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.rect(x, y, card_w, card_h)
        pdf.set_dash_pattern()
        # label
        pdf.set_font(_FONT, "B", 7.5)
        pdf.set_text_color(39, 93, 139)
        pdf.set_xy(x + pad, y + pad)
        pdf.multi_cell(inner_w, 3.8, _pdf_text(card.label).upper(), align="L", new_x="LEFT", new_y="NEXT")
        top = pdf.get_y() + 2
        bottom = y + card_h - pad
        if card.kind == "quote":
            pdf.set_font(_FONT, "", 8)
            attribution = _pdf_text(card.who + ("\n" + card.source if card.source else ""))
            attr_h = _pdf_lines(pdf, inner_w, 3.8, attribution, "R") * 3.8
            box_h = bottom - attr_h - 2 - top
            size, line, text = _fit_text(pdf, _pdf_text(brief.quoted(card.text)), inner_w, box_h,
                                         (15, 13, 12, 11, 10, 9, 8, 7), "I")
            style = "I"
        else:
            attribution, attr_h = "", 0.0
            box_h = bottom - top
            size, line, text = _fit_text(pdf, _pdf_text(card.text), inner_w, box_h,
                                         (17, 15, 13, 12, 11, 10, 9, 8), "B")
            style = "B"
        pdf.set_font(_FONT, style, size)
        pdf.set_text_color(0, 0, 0)
        text_h = _pdf_lines(pdf, inner_w, line, text, "C") * line
        pdf.set_xy(x + pad, top + max(box_h - text_h, 0) / 2)
        pdf.multi_cell(inner_w, line, text, align="C", new_x="LEFT", new_y="NEXT")
        if attribution:
            pdf.set_font(_FONT, "", 8)
            pdf.set_text_color(*grey)
            pdf.set_xy(x + pad, bottom - attr_h)
            pdf.multi_cell(inner_w, 3.8, attribution, align="R", new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def _cards_html(brief: _Brief, cards: list[_Card]) -> str:
    notice = _plain(_text(brief.meta.get("notice"))).strip()
    sheets = []
    for start in range(0, len(cards), CARDS_PER_PAGE):
        items = []
        for card in cards[start:start + CARDS_PER_PAGE]:
            label = f'<p class="rk-card-label">{_h(card.label)}</p>'
            note = f'<p class="rk-card-notice">{_h(notice)}</p>' if notice else ""
            if card.kind == "quote":
                text = "<br>\n".join(_h(t) for t in brief.quoted(card.text).split("\n"))
                footer = _h(card.who) + (f"<cite>{_h(card.source)}</cite>" if card.source else "")
                items.append(f'<article class="rk-card rk-card-quote">\n{label}\n<blockquote><p>{text}</p></blockquote>\n'
                             f"<footer>{footer}</footer>\n{note}</article>")
            else:
                items.append(f'<article class="rk-card rk-card-q">\n{label}\n'
                             f'<p class="rk-card-question">{_h(card.text)}</p>\n{note}</article>')
        sheets.append('<section class="rk-sheet">\n' + "\n".join(items) + "\n</section>")
    page = string.Template(_template("cards.html"))
    return page.substitute(lang=_h(brief.lang_tag), title=_h(f"{brief.title} · {brief.labels['cards_suffix']}"),
                           css=_template("cards.css").strip(), intro=_h(brief.labels["cards_intro"]),
                           sheets="\n".join(sheets))
