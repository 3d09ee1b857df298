"""Reading users' files safely and writing ours atomically.

- :func:`read_text` decodes a transcript whatever its encoding (UTF-8 with or without
  BOM, UTF-16/32 with BOM or without, Windows-1252 and other legacy code pages),
  normalises Unicode to NFC and line ends to ``\\n``, and refuses binary files. One
  encoding per file, mended where it must be: the stray Windows-1252 bytes of a UTF-8
  file, mojibake (``HÃ©lÃ¨ne``), a byte-order mark the text does not fit.
  :func:`decode_report` and :func:`read_text_report` say what was mended
  (:class:`Decoding`); :func:`decode` and :func:`read_text` warn it (``RK-R08``).
- :func:`atomic_write` and friends write to a temporary file in the target folder,
  then rename it over the target, so a failure never leaves a half-written file.
- :func:`content_hash` fingerprints files and strings for caches and manifests.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import gc
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from .errors import InputFileError, warn

__all__ = [
    "read_bytes",
    "decode",
    "decode_report",
    "Decoding",
    "ENCODING_WARNING",
    "read_text",
    "read_text_report",
    "normalise_text",
    "atomic_write",
    "atomic_write_text",
    "atomic_write_bytes",
    "content_hash",
    "file_hash",
    "write_cache_table",
    "cache_path",
    "slug",
    "replace_folder",
    "new_folder_beside",
]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Code pages that a detector may propose for short Latin text, wrongly: CJK multibyte ones.
_MULTIBYTE = ("big5", "gb", "euc", "shift_jis", "cp932", "cp936", "cp949", "cp950", "johab", "hz", "iso2022",
              "utf_16", "utf_32", "utf-16", "utf-32")

# Legacy code pages of French and English text, most likely first.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850")

# Control characters that never appear in a text file (tab, LF, CR, FF are fine).
# NAK (\x15) marks CHAT time bullets (older CLAN files use \x01/\x02 too): text, not binary
_BINARY_CONTROLS = ({0} | set(range(3, 9)) | {11} | set(range(14, 32))) - {21, 27}


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def read_bytes(path: str | Path, *, shown: str | None = None) -> bytes:
    """Read a file's bytes, turning OS errors into :class:`InputFileError`.

    ``shown`` is how messages name the file (e.g. relative to the corpus folder).
    """
    where = shown or path
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as e:
        raise InputFileError("RK-R01", "file not found.", path=where, hint="Check the path.") from e
    except IsADirectoryError as e:
        raise InputFileError("RK-R01", "is a folder, not a file.", path=where) from e
    except OSError as e:
        raise InputFileError("RK-R01", f"cannot be read ({e.strerror}).", path=where,
                             hint="Check its permissions.") from e


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as NUL bytes in every other position (for Latin text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > 0.4 * len(zeros):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def _utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 without BOM: one byte in four is always NUL, its neighbour at most 0x10 (the plane)."""
    if len(data) < 8 or len(data) % 4:
        return None
    n = len(data) // 4
    for enc, zero, plane in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
        if data[zero::4].count(0) == n and max(data[plane::4]) <= 0x10:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


@dataclass(frozen=True)
class Decoding:
    """How :func:`decode_report` read a file's bytes: what :func:`decode` decided, and what it had to mend.

    Attributes
    ----------
    encoding
        The file's encoding, as :func:`decode` returns it (``"utf-8"``, ``"utf-8-sig"``,
        ``"cp1252"``, ``"utf-16"``, ``"utf-32"``…).
    fallback_lines
        Line numbers (1-based, as readers count them) holding text in
        ``fallback_encoding`` rather than ``encoding``, read as such: a Word apostrophe
        (byte 0x92) pasted into a UTF-8 file, a UTF-8 line pasted into a Windows-1252 one.
    fallback_encoding
        ``"cp1252"`` (Windows-1252, the legacy code page of French Windows) in a UTF-8
        file, ``"utf-8"`` in a file mostly in a legacy code page; ``None`` when
        ``fallback_lines`` is empty.
    repaired_lines
        Line numbers whose text had been UTF-8 mis-read as Windows-1252 or Latin-1 earlier
        in its life (``HÃ©lÃ¨ne`` for ``Hélène``, ``â€™`` for ``’``), repaired with ftfy.
    ignored_bom
        The encoding of a byte-order mark the text after it is not in (a UTF-8 mark
        before Windows-1252 text): the mark was dropped and the rest read on its merits.
    """

    encoding: str
    fallback_lines: tuple[int, ...] = ()
    fallback_encoding: str | None = None
    repaired_lines: tuple[int, ...] = ()
    ignored_bom: str | None = None

    @property
    def repaired(self) -> bool:
        """Whether mojibake was repaired somewhere in the file."""
        return bool(self.repaired_lines)

    @property
    def clean(self) -> bool:
        """Whether the file was read in one encoding, as it is, with nothing to say about it."""
        return not (self.fallback_lines or self.repaired_lines or self.ignored_bom)

    def message(self, path: str | os.PathLike | None = "<bytes>") -> str | None:
        """The ``RK-R08`` warning's text for the file at ``path`` (``None`` when :attr:`clean`).

        It names lines, never their content: the text may hold a participant's name.
        ``path=None`` leaves the file's name out.
        """
        if self.clean:
            return None
        said = []
        if self.ignored_bom:
            said.append(f"it starts with a {self.ignored_bom.upper()} byte-order mark but the text after it is "
                        f"{_describe(self.encoding)}: the mark was dropped")
        if self.fallback_lines:
            one = len(self.fallback_lines) == 1
            other = _describe(self.fallback_encoding or "cp1252")
            said.append(f"{_lines(self.fallback_lines)} {'holds' if one else 'hold'} {other} text, unlike the rest "
                        f"of the file ({_describe(self.encoding)}): {'it was' if one else 'they were'} read as such")
        if self.repaired_lines:
            said.append(f"{_lines(self.repaired_lines)} held UTF-8 text once mis-read as Windows-1252 "
                        f"(\"Ã©\" for \"é\"): repaired")
        lines = self.fallback_lines + self.repaired_lines
        check = "Check the accents on these lines, then re-save" if lines else "Re-save"
        body = (f"{'; '.join(said)}. {check} the file as UTF-8 (in Notepad or Word: Save as, "
                f"Encoding: UTF-8) so that every tool reads it the same.")
        return body if path is None else f"{path}: {body}"

    def as_record(self, path: str | os.PathLike) -> dict[str, object] | None:
        """The ``RK-R08`` notice as one row of a problems frame (``schemas.PROBLEMS``), ``None`` when clean."""
        message = self.message(None)
        if message is None:
            return None
        lines = self.fallback_lines + self.repaired_lines
        return {"path": str(path), "line": min(lines) if lines else None, "code": ENCODING_WARNING,
                "message": message}

    def warn(self, path: str | os.PathLike = "<bytes>", *, stacklevel: int = 2) -> None:
        """Issue the ``RK-R08`` warning when the file was not :attr:`clean`."""
        message = self.message(path)
        if message is not None:
            warn(ENCODING_WARNING, message, stacklevel=stacklevel + 1)


#: The code of the warning a file decoded with a fallback, a repair or a dropped byte-order mark gets.
ENCODING_WARNING = "RK-R08"


def _describe(encoding: str) -> str:
    names = {"cp1252": "Windows-1252 (cp1252)", "utf-8-sig": "UTF-8"}
    return names.get(encoding, encoding.upper() if encoding.startswith("utf") else encoding)


def _lines(numbers: tuple[int, ...], shown: int = 12) -> str:
    head = ", ".join(map(str, numbers[:shown]))
    more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
    return f"line {head}" if len(numbers) == 1 else f"lines {head}{more}"


# A valid UTF-8 sequence of two to four bytes (no overlong forms, no surrogates).
_UTF8_SEQUENCE = (rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                  rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                  rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_UTF8_PIECES = re.compile(rb"([\x00-\x7f]+)|(" + _UTF8_SEQUENCE + rb")|[\x80-\xff]")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")

# Characters a valid UTF-8 sequence in French or English text stands for. Windows-1252
# bytes can form valid UTF-8 by chance ("là »" with a no-break space is E0 A0 BB, a
# Samaritan letter; "ÉTÉ !" is U+0260): those land outside these ranges.
_PLAUSIBLE = ((0x80, 0x17F), (0x2BC, 0x2BC), (0x2C6, 0x2C6), (0x2DC, 0x2DC), (0x300, 0x36F), (0x370, 0x52F),
              (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0xFB00, 0xFB06), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
              (0x1F000, 0x1FAFF))


def _plausible(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _PLAUSIBLE)


def _utf8_pieces(data: bytes) -> tuple[list[tuple[int, bytes, str | None]], int]:
    """Cut ``data`` into ASCII runs, plausible UTF-8 characters and other bytes, in one pass.

    Returns ``(offset, bytes, text)`` per piece, ``text`` being ``None`` for bytes that are
    not (plausible) UTF-8, and how many plausible multi-byte UTF-8 characters there are
    (the evidence that UTF-8 was written here).
    """
    pieces: list[tuple[int, bytes, str | None]] = []
    evidence = 0
    for m in _UTF8_PIECES.finditer(data):
        raw = m.group()
        if m.group(1) is not None:
            pieces.append((m.start(), raw, raw.decode("ascii")))
            continue
        if m.group(2) is not None:
            ch = raw.decode("utf-8")
            if _plausible(ch):
                pieces.append((m.start(), raw, ch))
                evidence += 1
                continue
        pieces.append((m.start(), raw, None))
    return pieces, evidence


def _mixed(data: bytes) -> tuple[str, Decoding] | None:
    """UTF-8 and one 8-bit code page in one file, each read as what it is; ``None`` when there is no UTF-8.

    The file's encoding is the one most of its non-ASCII characters are in; the lines
    holding the other are its :attr:`Decoding.fallback_lines`. Bytes that are not UTF-8
    are Windows-1252 in a mostly UTF-8 file (a Word paste); in a mostly 8-bit file,
    their code page is detected on them alone (the UTF-8 lines would blur the statistics).
    """
    pieces, evidence = _utf8_pieces(data)
    bad = [p for p in pieces if p[2] is None]
    if not evidence or not bad:
        return None
    import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252" (cp1252, its 5 holes read as Latin-1)

    if evidence >= len(bad):
        legacy = "cp1252"
    else:
        found = _legacy(b"".join(raw for _, raw, text in pieces if text is None or text.isascii()))
        legacy = found[1] if found is not None else "cp1252"
        if legacy.startswith(_MULTIBYTE):  # a multi-byte code page cannot be read piece by piece
            return None
    codec = "sloppy-windows-1252" if legacy == "cp1252" else legacy
    text = "".join(t if t is not None else raw.decode(codec, errors="replace") for _, raw, t in pieces)
    if _looks_binary(text):
        return None
    if evidence >= len(bad):
        return text, Decoding("utf-8", fallback_lines=_line_numbers(data, [o for o, _, _ in bad]),
                              fallback_encoding=legacy)
    utf8 = [o for o, raw, t in pieces if t is not None and len(raw) > 1 and not t.isascii()]
    return text, Decoding(legacy, fallback_lines=_line_numbers(data, utf8), fallback_encoding="utf-8")


def _line_numbers(data: bytes, offsets: list[int]) -> tuple[int, ...]:
    breaks = [m.end() for m in _LINE_BREAK_BYTES.finditer(data)]
    return tuple(dict.fromkeys(bisect.bisect_right(breaks, o) + 1 for o in offsets))


_C1_CONTROLS = re.compile("[\x80-\x9f]")
# UTF-8 read as Windows-1252 or Latin-1 always shows a lead byte (Â to ô) followed by as many
# of what continuation bytes (0x80-0xBF) decode to as the sequence needs (1 after Â-ß, 2 after
# à-ï, 3 after ð-ô): a text without such a run has no mojibake to repair, and ftfy's badness
# check (slow on megabytes) need not run. "café\u00a0!" (a French non-breaking space after a
# letter) is no such run.
_CONTINUATION = ("[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                 "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_LEAD_THEN_CONTINUATION = re.compile(f"[\u00c2-\u00f4]{_CONTINUATION}")
_CONTINUATIONS = {n: re.compile(f"{_CONTINUATION}{{{n}}}") for n in (2, 3)}


def _may_hold_mojibake(text: str) -> bool:
    """Whether ``text`` holds a run that UTF-8 read as Windows-1252 would leave (see above).

    One scan for a lead followed by one continuation (a single character class: fast on
    megabytes), then the full length checked at those places only."""
    for m in _LEAD_THEN_CONTINUATION.finditer(text):
        lead = text[m.start()]
        if lead <= "\u00df":
            return True
        need = 2 if lead <= "\u00ef" else 3
        if _CONTINUATIONS[need].match(text, m.start() + 1):
            return True
    return False


def _repair_mojibake(text: str) -> tuple[str, tuple[int, ...]]:
    """Repair, line by line, UTF-8 text once mis-decoded as Windows-1252/Latin-1 (ftfy's encoding fixes only)."""
    if text.isascii() or not (_C1_CONTROLS.search(text) or _may_hold_mojibake(text)):
        return text, ()
    from ftfy import TextFixerConfig, fix_encoding
    from ftfy.badness import is_bad

    if not (_C1_CONTROLS.search(text) or is_bad(text)):
        return text, ()
    config = TextFixerConfig(unescape_html=False, remove_terminal_escapes=False, replace_lossy_sequences=False,
                             fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
                             fix_line_breaks=False, fix_surrogates=False, remove_control_chars=False,
                             normalization=None, explain=False)
    parts = _LINE_BREAK.split(text)
    repaired = []
    for i in range(0, len(parts), 2):
        line = parts[i]
        if line.isascii() or not (_C1_CONTROLS.search(line) or is_bad(line)):
            continue
        fixed = fix_encoding(line, config)
        if fixed != line:
            parts[i] = fixed
            repaired.append(i // 2 + 1)
    return "".join(parts), tuple(repaired)


def _as_it_is(text: str) -> tuple[str, tuple[int, ...]]:
    return text, ()


def decode(data: bytes, *, path: str | Path = "<bytes>", encoding: str | None = None,
           repair: bool = True) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; warn (``RK-R08``) when it needed mending.

    See :func:`decode_report` for the order of the decision and what is mended; this
    function issues its :class:`Decoding` as a warning naming ``path`` and the lines.

    Raises
    ------
    InputFileError
        ``RK-R02`` for an empty file, ``RK-R04`` for binary data, ``RK-R05`` when the
        encoding given by the user does not fit.
    """
    text, decoding = decode_report(data, path=path, encoding=encoding, repair=repair)
    decoding.warn(path, stacklevel=2)
    return text, decoding.encoding


def decode_report(data: bytes, *, path: str | Path = "<bytes>", encoding: str | None = None,
                  repair: bool = True, _marks: bool = True) -> tuple[str, Decoding]:
    """Decode ``data`` and return ``(text, Decoding)``: the text and what was decided for it.

    One encoding per file, in this order: the encoding given by the user; a byte-order
    mark (one the text after it does not fit is dropped, and the rest read on its
    merits); strict UTF-8; UTF-32 and UTF-16 without BOM (recognised by their NUL
    bytes); UTF-8 with a few bytes that are not (a Word apostrophe pasted into a UTF-8
    file): those bytes alone are read as Windows-1252, and their lines listed in
    :attr:`Decoding.fallback_lines`; then a statistical detection (charset-normalizer)
    among legacy code pages, Windows-1252 first. Whatever the encoding, lines holding
    UTF-8 once mis-read as Windows-1252 (``HÃ©lÃ¨ne``) are repaired with ftfy
    (:attr:`Decoding.repaired_lines`), unless ``repair=False`` (for a caller that refuses
    mojibake rather than mend it). Binary data is refused. Nothing is warned: see
    :func:`decode` and :meth:`Decoding.warn`.

    Raises
    ------
    InputFileError
        ``RK-R02`` for an empty file, ``RK-R04`` for binary data, ``RK-R05`` when the
        encoding given by the user does not fit.
    """
    mend = _repair_mojibake if repair else _as_it_is
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise InputFileError("RK-R05", f"cannot be decoded as {encoding} ({e}).", path=path,
                                 hint="Fix the `encoding:` given in corpus.yml, or remove it to let Research Kit detect it.") from e
        text, repaired = mend(text)
        return text, Decoding(encoding, repaired_lines=repaired)
    if not data.strip():
        raise InputFileError("RK-R02", "the file is empty.", path=path,
                             hint="Remove it from the corpus folder or put the transcript in it.")
    ignored = None
    for bom, enc in _BOMS if _marks else ():
        if data.startswith(bom):
            rest = data[len(bom):]
            if _fits_bom(rest, enc):
                text, repaired = mend(rest.decode(enc))
                if not text.strip("\x00 \t\r\n\ufeff"):
                    raise InputFileError("RK-R02", "the file is empty (it holds only a byte-order mark).",
                                         path=path, hint="Remove it from the corpus folder or put the transcript "
                                                         "in it.")
                return text, Decoding(enc + "-sig" if enc == "utf-8" else enc, repaired_lines=repaired)
            ignored = ignored or (enc, rest)
    if ignored is not None:  # a mark the text after it is not in: drop it, read the rest on its merits
        enc, rest = ignored
        if not rest.strip():
            raise InputFileError("RK-R02", "the file is empty (it holds only a byte-order mark).", path=path,
                                 hint="Remove it from the corpus folder or put the transcript in it.")
        text, found = decode_report(rest, path=path, repair=repair, _marks=False)  # one mark, not one per mark
        if found.encoding == enc and enc == "utf-8":  # mostly UTF-8: the mark was right after all
            return text, replace(found, encoding="utf-8-sig")
        return text, replace(found, ignored_bom=found.ignored_bom or enc)
    try:
        text = data.decode("utf-8")
        if not _looks_binary(text) and not _cp1252_by_chance(data, text):
            text, repaired = mend(text)
            return text, Decoding("utf-8", repaired_lines=repaired)
    except UnicodeDecodeError:
        pass
    for guess, name in ((_utf32_without_bom, "utf-32"), (_utf16_without_bom, "utf-16")):
        wide = guess(data)
        if wide is not None and not _looks_binary(wide):
            text, repaired = mend(wide)
            return text, Decoding(name, repaired_lines=repaired)
    if b"\x00" not in data:
        mixed = _mixed(data)
        if mixed is not None:
            text, repaired = mend(mixed[0])
            return text, replace(mixed[1], repaired_lines=repaired)
        legacy = _legacy(data)
        if legacy is not None:
            text, repaired = mend(legacy[0])
            return text, Decoding(legacy[1], repaired_lines=repaired)
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError("RK-R04", "is a zip archive (a Word .docx file, most likely), not a text file.",
                             path=path, hint="Rename it with the .docx extension, or set `format: docx` for it "
                                             "in corpus.yml.")
    raise InputFileError("RK-R04", "is not a text file (it looks binary).", path=path,
                         hint="Export the transcript as .txt, .docx, .vtt, .srt or .csv and add that file instead.")


def _cp1252_by_chance(data: bytes, text: str) -> bool:
    """A few words of Windows-1252 whose bytes happen to be valid UTF-8 ("là »" with a no-break space)?

    Only a short file can be that: in a longer one, some accented letter is followed by
    ASCII, which UTF-8 does not allow. Its UTF-8 reading then has no letter of a Western
    language, only unlikely ones (a Samaritan letter), and its Windows-1252 reading only
    Western ones.
    """
    if len(data) > 4096 or text.isascii():
        return False
    odd = [ch for ch in text if not ch.isascii()]
    if any(_plausible(ch) for ch in odd) or len(odd) > 3:
        return False
    try:
        return _WESTERN.issuperset(data.decode("cp1252"))
    except UnicodeDecodeError:
        return False


def _fits_bom(rest: bytes, encoding: str) -> bool:
    """Whether the bytes after a byte-order mark are text in the mark's encoding."""
    try:
        text = rest.decode(encoding)
    except UnicodeDecodeError:
        return False
    if _looks_binary(text):
        return False
    if encoding.startswith(("utf-16", "utf-32")) and len(rest) >= 16 and b"\x00" not in rest.lstrip(b"\x00"):
        # UTF-16/32 text has NUL bytes: every space, digit and line break has one. Sixteen
        # bytes and more without any, but with the spaces of 8-bit text (one byte in
        # twenty at least), are 8-bit text after a stray mark.
        return rest.count(b" ") + rest.count(b"\n") < len(rest) / 20
    return True


# ASCII, and the non-ASCII characters of French, English, Spanish, German, Italian,
# Portuguese and Nordic text as Windows-1252 writes them (not ½ or ¤: ISO-8859-15 puts œ and
# € there).
_WESTERN = frozenset(map(chr, range(128))) | frozenset(
    "àâäæçéèêëîïôöœùûüÿÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸáíóúñÁÍÓÚÑìòÌÒãõÃÕåøÅØß’‘“”«»…–—•€\u00a0°§©®™²³·¿¡ªº£")


def _legacy(data: bytes) -> tuple[str, str] | None:
    """A legacy code page for 8-bit data that is not UTF-8: Windows-1252 first, else charset-normalizer's best."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    # Text whose Windows-1252 reading holds only the letters and signs of French, English
    # and their neighbours is Windows-1252, whatever statistics on a few repeated letters
    # say ("Hélène" read as Baltic cp1257 "Hélčne").
    if western is not None and _WESTERN.issuperset(western) and not _looks_binary(western):
        return western, "cp1252"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    # Short French or English files from old word processors and Excel are cp1252, but
    # statistics on a few accented letters can point to a CJK multibyte code page
    # ("Hélène" read as big5). Prefer cp1252 when it decodes cleanly and the detector
    # has no clearly better single-byte reading.
    if western is not None and not _looks_binary(western):
        single = [m for m in matches if not m.encoding.startswith(_MULTIBYTE)]
        cp = [m for m in single if "cp1252" in m.could_be_from_charset]
        best_single = min((m.chaos for m in single), default=None)
        if not single or not cp or cp[0].chaos <= best_single + 0.05:
            return western, "cp1252"
    if matches:
        # Several code pages often fit equally well; among the best, prefer the ones
        # French and English files come in (cp1252 writes œ and ’ where cp1250 does not).
        top = min(m.chaos for m in matches)
        tied = [m for m in matches if m.chaos <= top + 0.01]
        best = min(tied, key=lambda m: next(
            (i for i, enc in enumerate(_PREFERRED) if enc in m.could_be_from_charset), len(_PREFERRED)))
        text = str(best)
        if not _looks_binary(text):
            return text, best.encoding
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) in _BINARY_CONTROLS)
    return bad > max(2, len(sample) // 200)


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no BOM, no NUL; what every text reader works on."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def read_text(path: str | Path, *, encoding: str | None = None, shown: str | None = None,
              repair: bool = True) -> tuple[str, str]:
    """Read a text file as ``(normalised text, detected encoding)``; ``shown`` names it in messages.

    Warns ``RK-R08`` (naming the file and the lines) when the file had to be mended:
    see :func:`decode_report` (and its ``repair``).
    """
    text, decoding = read_text_report(path, encoding=encoding, shown=shown, repair=repair)
    decoding.warn(shown or path, stacklevel=2)
    return text, decoding.encoding


def read_text_report(path: str | Path, *, encoding: str | None = None, shown: str | None = None,
                     repair: bool = True) -> tuple[str, Decoding]:
    """Read a text file as ``(normalised text, Decoding)``, warning nothing: the caller reports it.

    Line numbers in the :class:`Decoding` are those of the normalised text.
    """
    text, decoding = decode_report(read_bytes(path, shown=shown), path=shown or path, encoding=encoding,
                                   repair=repair)
    return normalise_text(text), decoding


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 permissions: int | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it was.
    ``permissions`` (e.g. ``0o600``) is applied before the file gets its name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes owner-only files; outputs get the usual permissions unless told otherwise
        os.chmod(tmp, permissions if permissions is not None else 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str, *, permissions: int | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_write(path, "w", permissions=permissions) as fh:
        fh.write(text)
    return Path(path)


def atomic_write_bytes(path: str | Path, data: bytes, *, permissions: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_write(path, "wb", permissions=permissions) as fh:
        fh.write(data)
    return Path(path)


def content_hash(*parts: str | bytes) -> str:
    """SHA-256 hex digest of the parts, each length-prefixed so boundaries count."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_hash(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_path(folder: Path, doc_id: str, settings: str, content: str) -> Path:
    """``<folder>/<slug>.<settings>.<content>.parquet``: where a document's cached table lives.

    The slug keeps the file name readable and safe; its hash suffix keeps two ids that
    slug alike apart. :func:`write_cache_table` relies on this layout.
    """
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", doc_id).strip("_")[:60] or "doc"
    return Path(folder) / f"{safe}_{content_hash(doc_id)[:6]}.{settings}.{content}.parquet"


def write_cache_table(path: Path, table, *, metadata: dict[bytes, bytes] | None = None) -> None:
    """Write a pyarrow table to a cache file ``<slug>.<settings>.<content>.parquet`` atomically.

    Older files of the same slug and settings (the same document under the same options,
    but older content) are removed: a cache holds one current entry per document.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb") as fh:
        # zstd: token tables 40 % smaller than with the default snappy (60 demo files: 4.20 -> 2.51 MB)
        pq.write_table(table.replace_schema_metadata(metadata) if metadata else table, fh, compression="zstd")
    slug, settings = path.name.split(".")[:2]
    for old in path.parent.glob(f"{slug}.{settings}.*.parquet"):
        if old.name != path.name:
            with contextlib.suppress(OSError):
                old.unlink()


def slug(text: object, *, fallback: str = "x", max_length: int = 80) -> str:
    """The one slug rule for names we write: ASCII letters and digits, lower case, ``-`` between.

    Accents are dropped (``é`` → ``e``), everything else becomes one ``-``.

    >>> slug("Atelier 3 — Forest, Saint-Gilles")
    'atelier-3-forest-saint-gilles'
    """
    folded = unicodedata.normalize("NFKD", str(text))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    out = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:max_length].strip("-")
    return out or fallback


def new_folder_beside(target: str | Path) -> Path:
    """A new, empty folder beside ``target`` to build its replacement in (see :func:`replace_folder`).

    It is hidden (``.<name>.….tmp``), on the same file system as ``target``, and has the
    permissions ``mkdir`` would give it (``mkdtemp`` makes folders private to the owner).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)
    return tmp


def replace_folder(new: str | Path, target: str | Path) -> Path:
    """Move the finished folder ``new`` to ``target``, replacing what was there, with rollback.

    The old ``target`` (if any) is first renamed aside; if moving ``new`` in fails, it is
    put back, so ``target`` is always either the old folder or the new one, never half of
    each. ``new`` and ``target`` must be on the same file system (make ``new`` beside it).
    """
    new, target = Path(new), Path(target)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    had_old = target.exists()
    if had_old:
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
            had_old = False
        else:
            os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if had_old:
            os.replace(old, target)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large file is parsed.

    A long recording's JSON or a treebank holds hundreds of thousands of small objects
    (a WhisperX word, a token's fields) that hold no reference cycles; the collector, run
    every few hundred allocations, would scan them again and again. It is turned back on
    (if it was on) at the end, also when reading fails.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
