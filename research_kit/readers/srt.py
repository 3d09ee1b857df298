"""SubRip subtitles (``.srt``).

A file is numbered blocks separated by blank lines: the cue number, a timing line
``00:01:02,500 --> 00:01:05,000`` (a ``.`` before the milliseconds is accepted too),
then text lines. Markup (``<i>``, ``<font color=…>``, ``{\\an8}``) is dropped and
HTML entities are unescaped.

Speakers are found as in WebVTT files: a label ``Name: text`` at the start of a line
(also after a dialogue dash, ``- JEAN: Oui.``), or a ``>>`` mark, each of which
starts a new turn. Consecutive cues of one speaker, and cues that name nobody, are
merged into one turn; see :func:`research_kit.readers._cues.cues_to_turns`.

Error codes
-----------
``RK-R21`` to ``RK-R24``
    Broken timestamp or timing line, cue ending before it starts, block without a
    timing line, no cue with text (see :mod:`research_kit.readers._cues`).
"""

from __future__ import annotations

from . import ParsedDocument
from ._cues import cues_to_document, last_line_number, read_cue, split_blocks

__all__ = ["parse_srt"]

_FORM = "HH:MM:SS,mmm"
_NO_TIMING_HINT = ("Each block needs its number, then a timing line (start --> end), then its text; "
                   "if a subtitle's text holds a blank line, remove it, or re-export the file.")
_VTT_HINT = "This looks like a WebVTT file: give it the .vtt extension."


def parse_srt(text: str, *, path: str) -> list[ParsedDocument]:
    """Read a SubRip file's text as one document of speaker turns.

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
        ``RK-R21`` to ``RK-R24``, naming the line (see the module's docstring).

    Examples
    --------
    >>> doc, = parse_srt("1\\n00:00:01,000 --> 00:00:03,000\\nAna: Bonjour.\\n", path="a.srt")
    >>> doc.turns
    [ParsedTurn(speaker='Ana', text='Bonjour.', start_s=1.0, end_s=3.0)]
    """
    blocks = split_blocks(text)
    webvtt = bool(blocks) and blocks[0][0][1].strip().upper().startswith("WEBVTT")
    hint = _VTT_HINT if webvtt else _NO_TIMING_HINT
    cues = [read_cue(block, form=_FORM, path=path, hint=hint) for block in blocks]
    return [cues_to_document(cues, path=path, last_line=last_line_number(text))]
