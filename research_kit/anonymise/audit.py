"""What was replaced, and whether anything slipped through: the replacements report and :func:`leaks`.

:func:`replacement_pairs` and :func:`write_report` hold the originals (for the
researcher's eyes only, like the key); :func:`replacement_counts` holds none and is safe
to print. :func:`leaks` searches texts and output files (HTML, Markdown, notebooks,
JSON, DOCX and other zip files, PDF) for any original the key knows: the guarantee the
brief runner relies on.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schemas
from .._io import atomic_write_text, read_text
from ..errors import PseudonymisationError, ResearchKitError
from ..schemas import REPLACEMENTS
from .key import Key, check_location
from .matcher import PhraseMatcher, caps_ok, folded_phrase, folded_tokens, in_context

# ---------------------------------------------------------------------------
# the report


def replacement_pairs(replacements: pd.DataFrame) -> pd.DataFrame:
    """Each distinct original -> replacement, with how often and where: for reviewing misses and false hits.

    Returns
    -------
    pandas.DataFrame
        ``category, original, replacement, n, n_documents, detector, fields, context``
        (the first occurrence's context), sorted by category then count. Holds the
        originals: for the researcher's eyes only.
    """
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    columns = ["category", "original", "replacement", "n", "n_documents", "detector", "fields", "context"]
    if replacements.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "n_documents") else "string") for c in columns})
    g = replacements.groupby(["category", "original", "replacement"], sort=False, dropna=False)
    out = pd.DataFrame({
        "n": g.size(),
        "n_documents": g["doc_id"].nunique(),
        "detector": g["detector"].agg(lambda s: ", ".join(dict.fromkeys(s.dropna()))),
        "fields": g["field"].agg(lambda s: ", ".join(dict.fromkeys(s.dropna()))),
        "context": g["context"].agg(lambda s: next((v for v in s if not pd.isna(v)), pd.NA)),
    }).reset_index()
    out = out.sort_values(["category", "n", "original"], ascending=[True, False, True], kind="stable")
    out = out[columns].reset_index(drop=True)
    for c in columns:
        out[c] = out[c].astype("int64" if c in ("n", "n_documents") else "string")
    return out


def replacement_counts(replacements: pd.DataFrame) -> pd.DataFrame:
    """Counts per category: ``category, n`` (strings replaced) ``, n_distinct`` (distinct originals).

    Holds no original: safe to print.
    """
    schemas.validate_frame(replacements, REPLACEMENTS, argument="replacements")
    if replacements.empty:
        return pd.DataFrame({"category": pd.Series(dtype="string"), "n": pd.Series(dtype="int64"),
                             "n_distinct": pd.Series(dtype="int64")})
    g = replacements.groupby("category", sort=True)
    out = pd.DataFrame({"n": g.size(), "n_distinct": g["original"].agg(lambda s: s.map(folded_phrase).nunique())})
    out = out.reset_index()
    out["category"] = out["category"].astype("string")
    return out.astype({"n": "int64", "n_distinct": "int64"})


def write_report(replacements: pd.DataFrame, path: str | os.PathLike, *,
                 outputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write :func:`replacement_pairs` as CSV (UTF-8 with BOM, for Excel), owner-only, atomically.

    Refuses a path under a ``reports/`` folder or inside one of ``outputs`` (``RK-D09``):
    the report holds the originals.
    """
    path = check_location(Path(path).expanduser(), what="report", code="RK-D09",
                          forbidden=[(Path(o), "output folder") for o in outputs])
    pairs = replacement_pairs(replacements)
    buffer = io.StringIO()
    pairs.to_csv(buffer, index=False)
    atomic_write_text(path, "\ufeff" + buffer.getvalue(), permissions=0o600)
    return path


# ---------------------------------------------------------------------------
# leaks: originals of the key in texts and files


def leaks(text_or_paths: Any, key: str | os.PathLike, *, keep: Iterable[str] = (), strict: bool = False) -> list[dict]:
    """Every original of the key found in texts or files: ``[]`` when there is none.

    Parameters
    ----------
    text_or_paths
        A string (a text), a :class:`~pathlib.Path` (a file, or a folder searched
        recursively), or a list of them. HTML and XML are unescaped; notebooks and JSON
        are searched string by string; DOCX/XLSX/PPTX/ODT and other zip files member by
        member; PDF through its text layer.
    key
        The key file.
    keep
        Words allowed to appear (the ``keep`` list given to :func:`pseudonymise`).
    strict
        Also report originals that are common words in the corpus (the key marks them
        ``capitalised_only``) when they appear without a capital (``rose`` for a
        participant called Rose), and initials of two letters or fewer (``J-F``), which
        match everywhere in HTML and code.

    Returns
    -------
    list of dict
        ``{"source", "original", "category", "found", "start", "context"}`` per
        occurrence; comparison is whole-word, case- and accent-insensitive.

    Raises
    ------
    PseudonymisationError
        ``RK-D01``/``RK-D02`` for an unusable key, ``RK-D12`` for a file that cannot be read.
    """
    the_key = Key.load(key, must_exist=True)
    kept = {folded_phrase(k) for k in keep}
    phrases = PhraseMatcher()
    for toks, entry in the_key.entries.items():
        if entry["category"] == "label" or " ".join(toks) in kept:
            continue
        if not strict and sum(map(len, toks)) <= 2:
            continue  # initials ("J-F", "JF"): replaced in the corpus, but everywhere in HTML and code
        phrases.add(toks, entry)
    for original, pseudonym in the_key.doc_ids.items():
        toks = folded_tokens(original)
        if toks and toks not in phrases:
            phrases.add(toks, {"original": original, "category": "doc_id", "pseudonym": pseudonym})
    found: list[dict] = []
    for source, text in _texts_of(text_or_paths):
        def accept(s: int, e: int, entry: dict, text: str = text) -> bool:
            return strict or not entry.get("capitalised_only") or caps_ok(entry["original"], text[s:e])

        for s, e, entry in phrases.find(text, lenient=True, accept=accept):
            found.append({"source": source, "original": entry["original"], "category": entry["category"],
                          "found": text[s:e], "start": s, "context": in_context(text, s, e, 30)})
    return found


def _texts_of(value: Any, _depth: int = 0) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield "<text>", unicodedata.normalize("NFC", value)
        return
    if isinstance(value, os.PathLike):
        path = Path(value)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _file_texts(file)
        else:
            yield from _file_texts(path)
        return
    try:
        items = list(value)
    except TypeError:
        raise PseudonymisationError("RK-D11", f"leaks() needs a text, a path or a list of them; "
                                              f"got {type(value).__name__}.") from None
    for i, item in enumerate(items):
        for source, text in _texts_of(item, _depth + 1):
            yield (f"<text {i}>" if source == "<text>" else source), text


# base64 data (embedded images) in runs of 76 characters or more, as encoders wrap them
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{76,}={0,2}")
_SKIP_SUFFIXES = {".parquet", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".woff",
                  ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav"}


def _file_texts(path: Path) -> Iterator[tuple[str, str]]:
    import html

    suffix = path.suffix.lower()
    if suffix in _SKIP_SUFFIXES:
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PseudonymisationError("RK-D12", f"cannot be read to check for names ({e.strerror}).", path=path) from e
    if suffix == ".pdf":
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            yield str(path), "\n".join((page.extract_text() or "") for page in reader.pages)
        except Exception as e:  # noqa: BLE001 - any PDF failure means the file was not checked
            raise PseudonymisationError("RK-D12", f"the PDF cannot be read to check for names ({e}).", path=path,
                                        hint="Check the Markdown or HTML version of the brief instead.") from e
        return
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    if member.endswith("/") or Path(member).suffix.lower() in _SKIP_SUFFIXES:
                        continue
                    raw = archive.read(member)
                    text = raw.decode("utf-8", errors="replace")
                    if member.endswith((".xml", ".rels", ".html", ".htm")):
                        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</w:p>|</a:p>|</text:p>", "\n", text)))
                    yield f"{path}!{member}", unicodedata.normalize("NFC", text)
        except zipfile.BadZipFile as e:
            raise PseudonymisationError("RK-D12", f"looks like a zip file but cannot be opened ({e}).",
                                        path=path) from e
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, _ = read_text(path)
        except ResearchKitError:
            text = data.decode("latin-1")  # binary: search the bytes for plain-text names anyway
    if suffix in (".ipynb", ".json"):
        try:
            strings = list(_json_strings(json.loads(text)))
            text = "\n".join(strings)
        except ValueError:
            pass
    if suffix in (".html", ".htm", ".xml", ".svg", ".md", ".ipynb"):
        text = html.unescape(text)
    # Embedded images (data: URIs, base64 PNG in notebooks) are pixels, not words: a name
    # "found" among their letters would be noise. Their text alternatives stay searched.
    text = BASE64_RUN.sub(" ", text)
    yield str(path), unicodedata.normalize("NFC", text)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if len(value) > 200 and re.fullmatch(r"[A-Za-z0-9+/=\s]+", value[:200]):  # base64 images
            return
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
