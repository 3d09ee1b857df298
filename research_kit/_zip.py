"""The one guarded way to open a user's zip file, and to parse the XML inside it.

Word transcripts (``.docx``) and REFI-QDA projects (``.qdpx``) are zip archives written
by other programs, or by someone who means harm. :class:`GuardedZip` opens one under the
:class:`ZipRules` of its kind (its limits, its error class and codes, its advice) and
refuses, before anything is decompressed:

- a member name that is absolute (``/x``, ``\\x``, ``C:x``), climbs out (``..``), holds
  control characters or is empty, or a name used twice; an encrypted member (the
  rules' ``unsafe`` code);
- more than ``max_members`` members, or members whose declared sizes add up to more than
  ``max_size`` bytes (``too_large``);
- a member over 1 MiB (of those ``ratio_suffixes`` names) whose declared size is more than
  ``max_ratio`` times its compressed size (``bomb``);
- anything but a regular file (a named pipe would block the reader), and a file that is
  not a zip, which is said for what it is: an old ``.doc``, a PDF, RTF, a web page, a zip
  cut short (``unreadable``; ``empty`` for an empty file).

Members are read into memory, never extracted. :meth:`GuardedZip.read` asks the
decompressor for at most ``limit + 1`` bytes, where ``limit`` is the smaller of the
member's declared size and what is left of the archive's ``max_size`` budget: a header
that lies about a size cannot make the reader allocate more than the limit. Whatever
the zip library raises on damaged bytes (a bad checksum, a broken deflate stream, a
compression method it does not know, a file cut short) becomes the rules' ``unreadable``
code, naming the member.

:func:`parse_xml` refuses a document type or entity declaration before parsing
(``doctype``); the parser never resolves entities, never loads a DTD and never touches
the network. ``huge=True`` lifts libxml2's 10 MB limit on one text node, for the part
that needs it (a Word body holding a long transcript pasted as one paragraph): the
part's size is already bounded by the archive's budget. XML that is not well formed
gives ``malformed`` with the line.

:func:`read_file` reads a lone file (an XML codebook) under the same rules: a regular
file only (a named pipe would block), at most ``max_size`` bytes.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import InputFileError

try:  # zipfile reads LZMA members when Python has lzma; its errors are not OSErrors
    from lzma import LZMAError
except ImportError:  # pragma: no cover - a Python built without lzma
    class LZMAError(Exception):  # type: ignore[no-redef]
        pass

__all__ = ["MAX_MEMBERS", "RATIO_FLOOR", "ZipRules", "GuardedZip", "read_file", "parse_xml", "local_name", "sniff"]

#: Largest number of members an archive may hold.
MAX_MEMBERS = 10_000
#: Members smaller than this (uncompressed) are not checked for their compression ratio.
RATIO_FLOOR = 2**20

# What the zip library and the decompressors raise on damaged or hostile bytes: a bad
# structure or checksum (BadZipFile), a broken deflate/LZMA stream (zlib.error, LZMAError;
# bzip2 raises OSError), data cut short (EOFError, struct.error), a compression method or
# encryption it does not support (NotImplementedError, RuntimeError), offsets or names it
# cannot use (ValueError, which covers UnicodeDecodeError; OverflowError; IndexError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, LZMAError, EOFError, struct.error, NotImplementedError, RuntimeError,
           OSError, ValueError, OverflowError, IndexError)

_AES = 99  # the compression method number WinZip's AES encryption writes


@dataclass(frozen=True)
class ZipRules:
    """What one kind of archive may be, and how its problems are named.

    Parameters
    ----------
    kind
        How messages name the file: ``"Word .docx file"``.
    error
        The class raised (an :class:`~research_kit.errors.InputFileError`).
    unreadable, empty, unsafe, too_large, bomb, doctype, malformed
        The codes: not a zip file or a damaged one (and no such file); an empty file;
        an unsafe member name or an encrypted member; over a size or count limit; a
        compression ratio of a zip bomb; XML declaring a DOCTYPE or entities; XML that
        is not well formed.
    redo
        What to do with a damaged or tampered file (export or save it again).
    locked
        What to do with an encrypted member.
    bigger
        What to do when a genuine file is over ``max_size``.
    denser
        What to do when a genuine file is over ``max_ratio``; ``{ratio}`` is the ratio found.
    max_size, max_ratio, max_members
        The limits: total uncompressed bytes, compression ratio of a member over 1 MiB,
        number of members.
    ratio_suffixes
        The member names (endings, lower case) whose ratio is checked; empty: every member.
        A Word file's pictures are never read, and a blank bitmap compresses well: only
        the parts read need the check (the total size still counts every member).
    """

    kind: str
    error: type[InputFileError]
    unreadable: str
    empty: str
    unsafe: str
    too_large: str
    bomb: str
    doctype: str
    malformed: str
    redo: str
    locked: str
    bigger: str
    denser: str
    max_size: int
    max_ratio: float
    max_members: int = MAX_MEMBERS
    ratio_suffixes: tuple[str, ...] = ()

    def fail(self, code: str, message: str, *, path: str, line: int | None = None,
             hint: str | None = None) -> InputFileError:
        return self.error(code, message, path=path, line=line, hint=hint)


# --------------------------------------------------------------------------- the archive


class GuardedZip:
    """A user's zip archive opened under ``rules``: checked at once, members read within bounds.

    Parameters
    ----------
    path
        The file.
    rules
        The kind's limits, codes and advice.
    shown
        How messages name the file (default: ``path``).

    Raises
    ------
    InputFileError
        Of ``rules.error``, with the code of the first problem found (see :class:`ZipRules`).
    """

    def __init__(self, path: str | Path, rules: ZipRules, *, shown: str | None = None) -> None:
        self.rules = rules
        self.shown = shown or str(path)
        fh = _open_regular(Path(path), rules, self.shown)
        try:
            self._zip = self._open_zip(fh)
            try:
                self._check(self._zip.infolist())
            except BaseException:
                self._zip.close()
                raise
        except BaseException:
            fh.close()
            raise
        self._fh = fh
        self._budget = rules.max_size

    def _open_zip(self, fh: IO[bytes]) -> zipfile.ZipFile:
        r = self.rules
        try:
            return zipfile.ZipFile(fh)
        except _DAMAGE as e:
            fh.seek(0)
            head = fh.read(512)
            if not head:
                raise r.fail(r.empty, "the file is empty.", path=self.shown,
                             hint="Remove it from the folder, or put the real file in its place.") from e
            found = sniff(head)
            if found is None:
                message = f"is not a {r.kind}: it is not a zip file ({e})."
            elif found == "zip":
                message = f"is not a readable {r.kind}: the zip is damaged or was cut short ({e})."
            else:
                message = f"is not a {r.kind}: it is {found}, not a zip file."
            raise r.fail(r.unreadable, message, path=self.shown, hint=r.redo) from e

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        r = self.rules
        if len(infos) > r.max_members:
            raise r.fail(r.too_large, f"holds {len(infos)} members, more than the {r.max_members} a {r.kind} "
                         "may have.", path=self.shown, hint=f"This is not a {r.kind} a reader should open.")
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            why = _unsafe(name)
            if why:
                raise r.fail(r.unsafe, f'has a member named "{_printable(name)}", which {why}.', path=self.shown,
                             hint="The archive was tampered with or badly made; nothing was read.")
            if name in seen:
                raise r.fail(r.unsafe, f'has two members named "{_printable(name)}", and a program could read '
                             "either.", path=self.shown,
                             hint="The archive was tampered with or badly made; nothing was read.")
            seen.add(name)
            if info.flag_bits & 0x41 or info.compress_type == _AES:  # encrypted, or strongly encrypted
                raise r.fail(r.unsafe, f'has an encrypted member "{_printable(name)}".', path=self.shown,
                             hint=r.locked)
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            checked = not r.ratio_suffixes or name.lower().endswith(r.ratio_suffixes)
            if info.file_size > RATIO_FLOOR and ratio > r.max_ratio and checked:
                raise r.fail(r.bomb, f'member "{_printable(name)}" expands {ratio:.0f} times '
                             f"({info.file_size} bytes from {info.compress_size}); refusing a likely zip bomb.",
                             path=self.shown, hint=r.denser.format(ratio=ratio))
        if total > r.max_size:
            raise r.fail(r.too_large, f"expands to {total} bytes, more than the limit of {r.max_size}.",
                         path=self.shown, hint=r.bigger)
        self._infos = {i.filename: i for i in infos if not i.is_dir()}
        self._lower: dict[str, str] = {}
        for member in self._infos:
            self._lower.setdefault(member.lower(), member)

    # -- the members ------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The file members' names, in the archive's order (folders left out)."""
        return list(self._infos)

    def has(self, name: str) -> str | None:
        """The member's real name: ``name`` itself, else looked up without regard to case; ``None``."""
        if name in self._infos:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than it declares nor than the archive's budget has left.

        Raises
        ------
        InputFileError
            ``too_large`` when the member holds more than either, ``unreadable`` when its
            bytes are damaged (checksum, compression stream, a method zip cannot read).
        """
        r = self.rules
        info = self._infos[name]
        limit = min(info.file_size, self._budget)
        try:
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1)
        except _DAMAGE as e:
            if isinstance(e, NotImplementedError):
                message = f'member "{_printable(name)}" uses a compression method that cannot be read ({e}).'
            else:
                message = (f'member "{_printable(name)}" is damaged, or its header does not match its content '
                           f"({type(e).__name__}: {e}).")
            raise r.fail(r.unreadable, message, path=self.shown, hint=r.redo) from e
        if len(data) > info.file_size:
            raise r.fail(r.too_large, f'member "{_printable(name)}" holds more than the {info.file_size} bytes its '
                         "header declares; nothing more was read.", path=self.shown,
                         hint="The archive was tampered with; nothing more was read.")
        if len(data) > limit:
            raise r.fail(r.too_large, f"expands beyond the size limit of {r.max_size} bytes.", path=self.shown,
                         hint=r.bigger)
        self._budget -= len(data)
        return data

    def xml(self, name: str, *, huge: bool = False) -> Any:
        """A member read (:meth:`read`) and parsed (:func:`parse_xml`); its root element."""
        return parse_xml(self.read(name), shown=self.shown, rules=self.rules, part=name, huge=huge)

    def close(self) -> None:
        self._zip.close()
        self._fh.close()

    def __enter__(self) -> "GuardedZip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_file(path: str | Path, rules: ZipRules, *, shown: str | None = None) -> bytes:
    """A lone file's bytes (an XML codebook), when it is a regular file of at most ``rules.max_size`` bytes.

    Raises
    ------
    InputFileError
        ``rules.unreadable`` for no such file, a folder, a pipe or an OS error;
        ``rules.too_large`` beyond the limit (no more than the limit and one byte is read).
    """
    shown = shown or str(path)
    with _open_regular(Path(path), rules, shown) as fh:
        size = os.fstat(fh.fileno()).st_size
        try:
            data = fh.read(rules.max_size + 1)
        except OSError as e:
            raise rules.fail(rules.unreadable, f"cannot be read ({e.strerror}).", path=shown) from e
    if len(data) > rules.max_size:
        raise rules.fail(rules.too_large, f"is {max(size, len(data))} bytes, more than the limit of "
                         f"{rules.max_size}.", path=shown, hint=rules.bigger)
    return data


def _open_regular(path: Path, rules: ZipRules, shown: str) -> IO[bytes]:
    """The file opened for reading, if it is a regular file (a named pipe would block forever)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as e:
        raise rules.fail(rules.unreadable, "no such file.", path=shown, hint="Check the path.") from e
    except IsADirectoryError as e:
        raise rules.fail(rules.unreadable, "is a folder, not a file.", path=shown) from e
    except OSError as e:
        raise rules.fail(rules.unreadable, f"cannot be read ({e.strerror}).", path=shown,
                         hint="Check its permissions.") from e
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, a device or a socket)"
        raise rules.fail(rules.unreadable, f"is {what}, not a {rules.kind}.", path=shown,
                         hint="Give the path of the file itself.")
    return os.fdopen(fd, "rb")


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is: ``"zip"``, a description, or ``None``."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ("an older Office file (a Word 97-2003 .doc, or a document protected by a password, which Word "
                "stores this way)")
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.startswith(b"{\\rtf"):
        return "an RTF file"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return "a web page (HTML)"
    if text.startswith(b"<?xml"):
        return "an XML file"
    return None


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(name: str) -> str | None:
    """Why a member name is refused, or ``None``."""
    if not name:
        return "is empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "holds control characters"
    n = name.replace("\\", "/")
    if n.startswith("/") or _DRIVE.match(n) or any(part == ".." for part in n.split("/")):
        return "points outside the archive"
    return None


def _printable(name: str) -> str:
    name = "".join(c if ord(c) >= 32 and ord(c) != 127 else f"\\x{ord(c):02x}" for c in name)
    return name if len(name) <= 200 else name[:200] + "…"


# --------------------------------------------------------------------------- XML


def _declarations() -> tuple[tuple[bytes, bytes], ...]:
    found = []
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        for marker in ("<!DOCTYPE", "<!ENTITY"):
            found.append((marker.encode(enc), "\n".encode(enc)))
    return tuple(found)


_DECLARATIONS = _declarations()


def parse_xml(data: bytes, *, shown: str, rules: ZipRules, part: str | None = None, huge: bool = False) -> Any:
    """Parse XML with a hardened parser and return the root element (lxml).

    Parameters
    ----------
    shown
        How messages name the file.
    part
        The archive member the XML comes from, named in messages (``None``: the file is
        the XML, and errors carry the line).
    huge
        Lift libxml2's limit of 10 MB on one text node (the data's size is bounded by
        the caller).

    Raises
    ------
    InputFileError
        Of ``rules.error``: ``rules.doctype`` for a document type or entity declaration,
        ``rules.malformed`` for XML that is not well formed (with the line).
    """
    from lxml import etree

    def where(line: int | None) -> tuple[str, int | None]:
        if part is None:
            return "", line
        return f"its part {part}{'' if line is None else f', line {line},'} ", None

    for marker, newline in _DECLARATIONS:
        at = data.find(marker)
        if at >= 0:
            prefix, line = where(data.count(newline, 0, at) + 1)
            raise rules.fail(rules.doctype, f"{prefix}declares a document type or entities (<!DOCTYPE …>/"
                             "<!ENTITY …>); refusing to read it, as entities can expand without bound or read "
                             "local files.", path=shown, line=line,
                             hint=f"A {rules.kind} never needs one. {rules.redo}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=huge, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as e:
        prefix, line = where(getattr(e, "lineno", None))
        msg = getattr(e, "msg", None) or str(e)
        raise rules.fail(rules.malformed, f"{prefix}is not well-formed XML: {msg}.", path=shown, line=line,
                         hint=("The file is damaged. " if part else
                               "The file is damaged or was edited by hand: fix the element named above. ") + rules.redo
                         ) from e
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        prefix, line = where(1)
        raise rules.fail(rules.doctype, f"{prefix}declares a document type; refusing to read it.", path=shown,
                         line=line, hint=f"A {rules.kind} never needs one. {rules.redo}")
    return root


def local_name(el: Any) -> str:
    """An element's tag without its namespace; ``""`` for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
