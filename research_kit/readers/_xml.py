"""Reading transcripts that are XML (Transcriber ``.trs``, ELAN ``.eaf``, TEI), safely.

Transcription tools write a ``<!DOCTYPE Trans SYSTEM "trans-14.dtd">`` line that names
an external DTD; that is accepted and the DTD is never loaded. Entity declarations and
internal DTD subsets are refused (they can expand without bound or read local files).
The encoding is the XML declaration's (Transcriber writes ISO-8859-1); a file whose
bytes contradict its declaration is decoded by detection instead, with a warning.

Codes: ``RK-R35`` not well-formed XML (with the line); ``RK-R36`` entity declarations
or an internal DTD subset; ``RK-R37`` the root element is not the format's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputFileError

__all__ = ["parse_xml", "read_xml_bytes", "local_name", "line_of", "seconds", "MAX_XML_BYTES"]

#: Larger transcripts than this are refused (a day of meeting is a few MB).
MAX_XML_BYTES = 512 * 1024 * 1024

_DOCTYPE_RE = re.compile(rb"<!DOCTYPE\s+[^\s>\[]+(?:\s+(?:SYSTEM|PUBLIC)(?:\s+(?:\"[^\"]*\"|'[^']*'))+)?\s*>")
_DECL_ENC_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def read_xml_bytes(file: Path, *, path: str) -> bytes:
    from .._io import read_bytes

    data = read_bytes(file, shown=path)
    if not data.strip():
        raise InputFileError("RK-R02", "the file is empty.", path=path, hint="Export the transcript again.")
    if len(data) > MAX_XML_BYTES:
        raise InputFileError("RK-R35", f"is {len(data)} bytes, more than the limit of {MAX_XML_BYTES} for one "
                             "XML transcript.", path=path, hint="Split the transcript into sessions.")
    return data


def parse_xml(source: Path | bytes, *, path: str, expect: tuple[str, ...] = (), kind: str = "XML file") -> Any:
    """Parse an XML transcript into an lxml element, safely; return the root.

    Parameters
    ----------
    source
        The file, or its bytes.
    path
        How messages name the file.
    expect
        Local names the root element may have (``("Trans",)``); empty: any.
    kind
        What the file should be, for messages ("Transcriber file").

    Raises
    ------
    InputFileError
        ``RK-R02`` empty file; ``RK-R35`` malformed (with the line); ``RK-R36`` entity
        declarations; ``RK-R37`` another root element than ``expect``.
    """
    from lxml import etree

    data = source if isinstance(source, bytes) else read_xml_bytes(source, path=path)
    for marker in (b"<!ENTITY", b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y"):
        at = data.find(marker)
        if at >= 0:
            raise InputFileError("RK-R36", "declares entities (<!ENTITY …>); refusing to read it, as entities can "
                                 "expand without bound or read local files.", path=path,
                                 line=data.count(b"\n", 0, at) + 1,
                                 hint=f"A {kind} never needs one: remove the declaration, or export the file again.")
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0 and not _DOCTYPE_RE.match(data, doctype):
        raise InputFileError("RK-R36", "has a DOCTYPE with an internal subset ([…]); refusing to read it.",
                             path=path, line=data.count(b"\n", 0, doctype) + 1,
                             hint=f'Keep only <!DOCTYPE name SYSTEM "file.dtd">, as {kind}s are written.')
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError, LookupError) as e:
        retried = _retry_decoded(data, path=path, parser=parser, error=e)
        if retried is None:
            line = getattr(e, "lineno", None)
            msg = (getattr(e, "msg", None) or str(e)).rstrip(".")
            raise InputFileError("RK-R35", f"is not well-formed XML: {msg}.", path=path, line=line,
                                 hint=f"The {kind} is damaged or was edited by hand: fix the element at that line, "
                                 "or export it again from the program that made it.") from e
        root = retried
    if expect and local_name(root) not in expect:
        raise InputFileError("RK-R37", f"is not a {kind}: its root element is <{local_name(root)}>, not "
                             + " or ".join(f"<{e}>" for e in expect) + ".", path=path, line=root.sourceline,
                             hint="Check the file's extension, or set its `format:` in corpus.yml.")
    return root


def _retry_decoded(data: bytes, *, path: str, parser: Any, error: Exception) -> Any:
    """A file whose bytes contradict its declared encoding: decode by detection, parse the text."""
    from lxml import etree

    message = str(error).lower()
    if "encoding" not in message and "utf-8" not in message and "input is not proper" not in message \
            and "bytes" not in message and not isinstance(error, LookupError):
        return None
    from .._io import decode

    try:
        text, _ = decode(data, path=path)
    except InputFileError:
        return None
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    from ..errors import warn

    declared = _DECL_ENC_RE.match(data)
    named = declared.group(1).decode("ascii") if declared else "UTF-8"
    warn("RK-R08", f"{path}: its bytes are not {named}, as its XML declaration says; read by detection instead. "
         "Check its accents.")
    return root


def local_name(el: Any) -> str:
    """An element's tag without its namespace; ``""`` for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def line_of(el: Any) -> int | None:
    """The source line of an element, when lxml knows it."""
    return getattr(el, "sourceline", None)


def seconds(value: Any, *, path: str, line: int | None, what: str) -> float | None:
    """A time attribute in seconds (``"12.5"``), ``None`` when absent; ``RK-R35`` when not a number."""
    if value is None or str(value).strip() == "":
        return None
    try:
        out = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InputFileError("RK-R35", f'{what} "{value}" is not a time in seconds.', path=path, line=line,
                             hint="Export the file again from the program that made it.") from None
    if out != out or out in (float("inf"), float("-inf")) or out < 0:
        raise InputFileError("RK-R35", f'{what} "{value}" is not a time in seconds.', path=path, line=line,
                             hint="Export the file again from the program that made it.")
    return out
