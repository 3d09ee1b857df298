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
- ``pptx``: a 16:9 workshop deck (title, one slide per figure, one per quote (several for a long one), the questions);
- ``cards``: printable quote and question cards, six per A4 sheet (PDF and HTML).

Every format says the same thing and nothing else: no code, no stray output, no path.
Every file is written atomically: a failure leaves no partial file and keeps an earlier
good file of the same name. A codebook's review document goes through the same blocks
(:func:`codebook_blocks`, :func:`codebook_markdown`, :func:`write_codebook_docx`).

Heading levels follow the Markdown that :mod:`research_kit.show` displays: the brief's
title (from the ``meta`` block) is the top level, a ``heading`` block of level *n* is a
level-*n* heading (``#`` × *n*, ``<h n>``, Word's *Heading n*).

One module per part: :mod:`~research_kit.render.layout` (the brief prepared once, inline
marks, shared text), one per format (:mod:`~research_kit.render.html`, ``docx``,
``pdf``, ``markdown``, ``slides``, ``cards``), :mod:`~research_kit.render.notebook`,
:mod:`~research_kit.render.codebook`, and :mod:`~research_kit.render.formats` for
:func:`render`.
"""

from __future__ import annotations

from .cards import CARDS_PER_PAGE, to_cards
from .codebook import codebook_blocks, codebook_markdown, write_codebook_docx
from .docx import to_docx
from .formats import FORMATS, render
from .html import to_html
from .markdown import to_markdown
from .notebook import blocks_from_notebook
from .pdf import to_pdf
from .slides import QUESTIONS_PER_SLIDE, to_pptx

__all__ = [
    "FORMATS",
    "CARDS_PER_PAGE",
    "QUESTIONS_PER_SLIDE",
    "blocks_from_notebook",
    "render",
    "to_html",
    "to_docx",
    "to_pdf",
    "to_markdown",
    "to_pptx",
    "to_cards",
    "codebook_blocks",
    "codebook_markdown",
    "write_codebook_docx",
]
