"""The brief model: what a brief says, as a list of plain, JSON-ready blocks.

A brief notebook shows its content through :mod:`research_kit.show`, which displays
each piece in JupyterLab (Markdown, HTML, PNG) *and* attaches it as a block under the
MIME type :data:`MIME`. Renderers (:mod:`research_kit.render`) read only those blocks
from the executed notebook, so every format (HTML, DOCX, PDF, Markdown, slides, quote
cards) says exactly the same thing, and nothing else: no code, no stray output, no
warning text, no path.

Block kinds and their fields (all strings unless said otherwise):

``meta``       ``lang`` ("fr"/"en"), ``title``, ``subtitle``, ``corpus``, ``generated`` (ISO date), ``notice``
``heading``    ``text``, ``level`` (int 1–3); optional ``color`` (``#RRGGBB``, drawn as a swatch)
``paragraph``  ``text`` (plain text; ``**bold**``, ``*italic*`` and ```code``` allowed)
``bullets``    ``items`` (list of str, same inline marks)
``metrics``    ``items`` (list of ``{"label": str, "value": str}``): key figures
``table``      ``columns`` (list of str), ``rows`` (list of lists of str), ``caption``
``figure``     ``png`` (base64), ``svg`` (str or None), ``alt`` (text alternative), ``caption``, ``name`` (file stem)
               and ``slide_png`` (base64, optional: the figure drawn again for a slide)
``quote``      ``text``, ``speaker``, ``role`` (or None), ``source`` (document title and date), ``theme`` (or None)
``questions``  ``items`` (list of str): discussion questions for a workshop
``note``       ``text``: small print (method, fiction notice)
"""

from __future__ import annotations

from typing import Any

from .errors import ResearchKitError

__all__ = ["MIME", "KINDS", "check_block"]

MIME = "application/vnd.research-kit.block+json"

KINDS: dict[str, tuple[str, ...]] = {
    "meta": ("lang", "title"),
    "heading": ("text", "level"),
    "paragraph": ("text",),
    "bullets": ("items",),
    "metrics": ("items",),
    "table": ("columns", "rows"),
    "figure": ("png", "alt"),
    "quote": ("text", "speaker"),
    "questions": ("items",),
    "note": ("text",),
}


def check_block(block: Any) -> dict[str, Any]:
    """Return ``block`` if it is a well-formed block, else raise ``RK-B01``."""
    if not isinstance(block, dict) or block.get("kind") not in KINDS:
        raise ResearchKitError("RK-B01", f"not a brief block: {str(block)[:80]!r}.",
                               hint=f"Blocks have a 'kind' among {', '.join(KINDS)}.")
    missing = [f for f in KINDS[block["kind"]] if f not in block]
    if missing:
        raise ResearchKitError("RK-B01", f"a {block['kind']} block lacks {', '.join(missing)}.")
    return block
