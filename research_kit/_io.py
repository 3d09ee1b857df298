"""Reading users' files safely and writing ours atomically.

- :func:`read_text` decodes a transcript whatever its encoding (UTF-8 with or without
  BOM, UTF-16/32 with BOM or without, Windows-1252 and other legacy code pages),
  normalises Unicode to NFC and line ends to ``\\n``, and refuses binary files.
- :func:`atomic_write` and friends write to a temporary file in the target folder,
  then rename it over the target, so a failure never leaves a half-written file.
- :func:`content_hash` fingerprints files and strings for caches and manifests.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputFileError

__all__ = [
    "read_bytes",
    "decode",
    "read_text",
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
_BINARY_CONTROLS = set(range(0, 9)) | {11} | set(range(14, 32)) - {27}


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


def decode(data: bytes, *, path: str | Path = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    The order is: the encoding given by the user; a byte-order mark; strict UTF-8;
    UTF-16 without BOM (recognised by its NUL bytes); then a statistical detection
    (charset-normalizer) among legacy code pages. Binary data is refused.

    Raises
    ------
    InputFileError
        ``RK-R02`` for an empty file, ``RK-R04`` for binary data, ``RK-R05`` when the
        encoding given by the user does not fit.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise InputFileError("RK-R05", f"cannot be decoded as {encoding} ({e}).", path=path,
                                 hint="Fix the `encoding:` given in corpus.yml, or remove it to let Research Kit detect it.") from e
    if not data.strip():
        raise InputFileError("RK-R02", "the file is empty.", path=path,
                             hint="Remove it from the corpus folder or put the transcript in it.")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc + "-sig" if enc == "utf-8" else enc
            except UnicodeDecodeError:
                break
    try:
        text = data.decode("utf-8")
        if not _looks_binary(text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    text16 = _utf16_without_bom(data)
    if text16 is not None and not _looks_binary(text16):
        return text16, "utf-16"
    if b"\x00" not in data:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(data))
        # Short French or English files from old word processors and Excel are cp1252, but
        # statistics on a few accented letters can point to a CJK multibyte code page
        # ("Hélène" read as big5). Prefer cp1252 when it decodes cleanly and the detector
        # has no clearly better single-byte reading.
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
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
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError("RK-R04", "is a zip archive (a Word .docx file, most likely), not a text file.",
                             path=path, hint="Rename it with the .docx extension, or set `format: docx` for it "
                                             "in corpus.yml.")
    raise InputFileError("RK-R04", "is not a text file (it looks binary).", path=path,
                         hint="Export the transcript as .txt, .docx, .vtt, .srt or .csv and add that file instead.")


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


def read_text(path: str | Path, *, encoding: str | None = None, shown: str | None = None) -> tuple[str, str]:
    """Read a text file as ``(normalised text, detected encoding)``; ``shown`` names it in messages."""
    text, enc = decode(read_bytes(path, shown=shown), path=shown or path, encoding=encoding)
    return normalise_text(text), enc


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
        pq.write_table(table.replace_schema_metadata(metadata) if metadata else table, fh)
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
