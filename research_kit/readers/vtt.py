"""WebVTT captions (``.vtt``) as Zoom, Microsoft Teams, Otter and live captioning write them.

A file is a ``WEBVTT`` header line (``WEBVTT - Zoom`` is fine), optional header
lines (``Kind: captions``, ``Language: en``), then blocks separated by blank lines.
``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped. A cue is an optional
identifier line (``12`` as Zoom writes it, ``a1b2c3d4-0001/12-0`` as Teams does), a
timing line ``00:01:02.500 --> 00:01:05.000`` (or ``01:02.500``; cue settings such
as ``align:start line:85%`` may follow) and text lines.

The speaker of a cue comes from a voice tag ``<v Name>`` (Teams), a label
``Name: text`` (Zoom, Otter), or a ``>>`` mark (live captioning, where each ``>>``
starts a new turn, unnamed unless ``>> NAME:`` follows). Consecutive cues of one
speaker, and cues that name nobody, are merged into one turn; see
:func:`research_kit.readers._cues.cues_to_turns`. A file that names nobody gives a
single turn with speaker ``None``.

Error codes
-----------
``RK-R20``
    The file does not start with ``WEBVTT``.
``RK-R21`` to ``RK-R24``
    Broken timestamp or timing line, cue ending before it starts, block without a
    timing line, no cue with text (see :mod:`research_kit.readers._cues`).
"""

from __future__ import annotations

import re

from . import ParsedDocument
from ._cues import Block, cues_to_document, last_line_number, read_cue, split_blocks
from ..errors import InputFileError

__all__ = ["parse_vtt"]

_HEADER_RE = re.compile(r"^WEBVTT(?:[ \t].*)?$", re.IGNORECASE)
_SKIPPED_RE = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)")
_FORM = "HH:MM:SS.mmm"
_NO_TIMING_HINT = ("Each cue needs a timing line (start --> end) before its text; if a cue's text "
                   "holds a blank line, remove it, or re-export the file.")


def parse_vtt(text: str, *, path: str) -> list[ParsedDocument]:
    """Read a WebVTT file's text as one document of speaker turns.

    Parameters
    ----------
    text
        The file's decoded, newline-normalised text (:func:`research_kit._io.read_text`).
    path
        The file's path, for messages only.

    Returns
    -------
    list of ParsedDocument
        One document; every turn has ``start_s`` and ``end_s``.

    Raises
    ------
    InputFileError
        ``RK-R20`` to ``RK-R24``, naming the line (see the module's docstring).

    Examples
    --------
    >>> doc, = parse_vtt("WEBVTT\\n\\n00:01.000 --> 00:03.000\\nAna: Bonjour.\\n", path="a.vtt")
    >>> doc.turns
    [ParsedTurn(speaker='Ana', text='Bonjour.', start_s=1.0, end_s=3.0)]
    """
    blocks = split_blocks(text)
    header = blocks[0] if blocks else [(1, "")]
    number, first = header[0]
    if not _HEADER_RE.match(first.lstrip("\ufeff").strip()):
        shown = first.strip()[:40]
        found = f'found "{shown}"' if shown else "the file is empty"
        raise InputFileError("RK-R20", f'the file does not start with "WEBVTT" ({found}).',
                             path=path, line=number,
                             hint='Add a first line "WEBVTT", or give the file the .srt extension '
                                  "if it is a SubRip file.")
    cue_blocks: list[Block] = []
    if len(header) > 1 and "-->" in header[1][1]:  # a cue right under the header line
        cue_blocks.append(header[1:])
    cue_blocks.extend(_cue_blocks(blocks[1:]))
    cues = [read_cue(block, form=_FORM, path=path, hint=_NO_TIMING_HINT) for block in cue_blocks]
    return [cues_to_document(cues, path=path, last_line=last_line_number(text))]


def _cue_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks that are cues: not NOTE, STYLE, REGION, nor the rest of a style sheet."""
    kept: list[Block] = []
    in_style = False
    for block in blocks:
        first = block[0][1]
        if _SKIPPED_RE.match(first):
            in_style = first.startswith("STYLE")
            continue
        # A style sheet with blank lines inside: its later rules come before any cue.
        if in_style and not kept and not any("-->" in line for _, line in block) \
                and any(ch in line for _, line in block for ch in "{}"):
            continue
        in_style = False
        kept.append(block)
    return kept
