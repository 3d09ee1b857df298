"""Plain-text and Markdown transcripts.

Speaker turns in the common forms: ``NAME: text``, ``NAME : text``,
``[00:12:03] NAME: text``, ``NAME (00:12): text``, ``**NAME:** text``, and Otter/Teams
header lines (``NAME  0:03`` alone on a line, the text below). Lines without a label
continue the turn. A YAML front matter block (between ``---`` lines at the very top)
carries document variables. In Markdown, the first ``#`` heading is the title and
other headings are structure, not speech.

Codes: ``RK-R06`` front matter that is not closed or not a mapping.
"""

from __future__ import annotations

import re

from ..errors import InputFileError
from . import ParsedDocument
from ._builder import TurnBuilder

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_KEY_RE = re.compile(r"^[a-z_][a-z0-9_\-]*$")  # front-matter keys; speaker names are capitalised
_MD_PREFIX_RE = re.compile(r"^\s{0,3}(?:>\s?)+|^\s{0,3}[-*+]\s+(?=\S)")  # quote and list markers
# Lines that transcription services add at the end, not speech.
_SERVICE_RE = re.compile(r"^\s*(?:transcribed by|transcrit par)\s+https?://\S+\s*$", re.IGNORECASE)


def split_front_matter(text: str, *, path: str) -> tuple[dict, int, str]:
    """Return ``(variables, first body line number (1-based), body)``.

    Raises
    ------
    InputFileError
        ``RK-R06`` when the block is not closed or is not a YAML mapping.
    """
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, 1, text
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        raise InputFileError("RK-R06", "the front matter opened by '---' on line 1 is never closed.",
                             path=path, line=1, hint="Add a line '---' after the front matter.")
    from .._yaml import load_yaml_with_lines

    block = "\n" + "\n".join(lines[1:i])  # a blank first line keeps the file's line numbers
    data, _ = load_yaml_with_lines(block, path=path)
    if data is None:
        data = {}
    if isinstance(data, dict) and any(not _KEY_RE.match(str(k)) for k in data):
        # "---\nMarie : Bonjour.\n---": a divider around speech, not variables
        return {}, 1, text
    if not isinstance(data, dict):
        raise InputFileError("RK-R06", "the front matter is not a list of 'key: value' lines.",
                             path=path, line=2, hint="Write one 'name: value' per line between the '---' lines.")
    return data, i + 2, "\n".join(lines[i + 1:])


def parse_text(text: str, *, path: str, markdown: bool = False) -> list[ParsedDocument]:
    """Read a ``.txt`` or ``.md`` transcript into one document."""
    variables, _, body = split_front_matter(text, path=path)
    title = None
    if markdown:
        body = _COMMENT_RE.sub("", body)
    builder = TurnBuilder()
    for line in body.split("\n"):
        if markdown:
            heading = _HEADING_RE.match(line)
            if heading:
                if title is None and not builder.turns and len(heading.group(1)) == 1:
                    title = heading.group(2).strip()
                builder.paragraph_break()
                continue
        if _RULE_RE.match(line):  # a divider (---, ***, ===) is layout, not speech
            builder.paragraph_break()
            continue
        if _SERVICE_RE.match(line):
            continue
        if markdown:
            line = _MD_PREFIX_RE.sub("", line)
        builder.line(line)
    return [ParsedDocument(builder.finish(), variables, title)]
