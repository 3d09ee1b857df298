"""What was replaced, and whether anything slipped through: the replacements report and :func:`leaks`.

:func:`replacement_pairs` and :func:`write_report` hold the originals (for the
researcher's eyes only, like the key); :func:`replacement_counts` holds none and is safe
to print. :func:`leaks` searches texts and output files (HTML, Markdown, notebooks,
JSON, DOCX and other zip files, PDF) for any original the key knows, as the text holds
it and as a reader sees it (entities, mojibake, soft hyphens, names split across lines or
Word runs): the guarantee the brief runner relies on.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import unicodedata
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd

from .. import schemas
from .._csv import write_csv
from .._io import decode_report
from ..errors import PseudonymisationError, ResearchKitError
from ..schemas import REPLACEMENTS
from .key import Key, check_location
from .matcher import PhraseMatcher, caps_ok, folded_phrase, folded_tokens, in_context

# ---------------------------------------------------------------------------
# the report


def replacement_pairs(replacements: pd.DataFrame) -> pd.DataFrame:
    """Each distinct original -> replacement, with how often and where: for reviewing misses and false hits.

    A name that is also a common word (``rose``, ``pierre``) is hidden only where evidence
    says it is the person: its rows say why in ``detector`` (``capitalised``, ``note``,
    ``verb``, ``addressed``, ``civility``, ``relative``, ``possessive``, ``name variable``,
    ``known in this document``), and the mentions left as they are have category ``kept``
    (replacement = original, ``detector`` ``common word``).

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

    Category ``kept`` counts the mentions of names that are also common words left as they
    are (no evidence that they are the person): review them in :func:`replacement_pairs`.
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
    write_csv(pairs, path, bom=True, permissions=0o600)
    return path


# ---------------------------------------------------------------------------
# leaks: originals of the key in texts and files


def leaks(text_or_paths: Any, key: str | os.PathLike, *, keep: Iterable[str] = (), strict: bool = False,
          passphrase: str | None = None) -> list[dict]:
    """Every original of the key found in texts or files: ``[]`` when there is none.

    Parameters
    ----------
    text_or_paths
        A string (a text), a :class:`~pathlib.Path` (a file, or a folder searched
        recursively), or a list of them. HTML and XML are unescaped; notebooks and JSON
        are searched string by string; DOCX/XLSX/PPTX/ODT and other zip files member by
        member (the runs of a Word paragraph joined, as Word shows them); PDF through
        its text layer; text files whatever their encoding.
    key
        The key file.
    keep
        Words allowed to appear (the ``keep`` list given to :func:`pseudonymise`).
    strict
        Also report originals that are common words in the corpus (the key marks them
        ``capitalised_only``) when they appear without a capital (``rose`` for a
        participant called Rose), and initials of two letters or fewer (``J-F``), which
        match everywhere in HTML and code.
    passphrase
        Opens an encrypted key.

    Returns
    -------
    list of dict
        ``{"source", "original", "category", "found", "start", "context"}`` per
        occurrence, ``found`` and ``start`` as the text holds it. Comparison is
        whole-word, case- and accent-insensitive, and made on the text as it is and as
        a reader sees it: entities decoded (``H&eacute;l&egrave;ne``), markup inside a
        word gone, mojibake repaired (``HÃ©lÃ¨ne``), NFKC (full-width letters,
        ligatures), soft hyphens and zero-width characters removed, no-break spaces and
        line breaks as spaces, a word hyphenated at a line end joined. An occurrence
        seen several ways counts once, as its longest reading.

    Raises
    ------
    PseudonymisationError
        ``RK-D01``/``RK-D02`` for an unusable key, ``RK-D40``–``RK-D42`` for an encrypted key
        without its passphrase, with a wrong one or altered, ``RK-D12`` for a file that cannot be read.
    """
    the_key = Key.load(key, must_exist=True, passphrase=passphrase)
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
    for source, display, glued in _texts_of(text_or_paths):
        spans: list[tuple[int, int, dict]] = []
        for view in _reader_views(display, glued):
            def accept(s: int, e: int, entry: dict, text: str = view.text) -> bool:
                return strict or not entry.get("capitalised_only") or caps_ok(entry["original"], text[s:e])

            for s, e, entry in phrases.find(view.text, lenient=True, accept=accept):
                spans.append((view.starts[s], view.ends[e - 1], entry))
        # The same occurrence seen in several views counts once, as its longest reading.
        spans.sort(key=lambda t: (t[0], t[0] - t[1]))
        reach = -1
        for s, e, entry in spans:
            if s < reach:
                continue
            reach = max(e, s + 1)
            found.append({"source": source, "original": entry["original"], "category": entry["category"],
                          "found": display[s:e], "start": s, "context": in_context(display, s, e, 30)})
    return found


def _texts_of(value: Any, _depth: int = 0) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    """``(source, text, glued)`` per text to search; ``glued``: offsets where XML tags joined two runs."""
    if isinstance(value, str):
        yield "<text>", unicodedata.normalize("NFC", value), ()
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
        for source, text, glued in _texts_of(item, _depth + 1):
            yield (f"<text {i}>" if source == "<text>" else source), text, glued


# base64 data (embedded images) in runs of 76 characters or more, as encoders wrap them
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{76,}={0,2}")
_SKIP_SUFFIXES = {".parquet", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".woff",
                  ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav"}


def _file_texts(path: Path) -> Iterator[tuple[str, str, tuple[int, ...]]]:
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
            text = "\n".join((page.extract_text() or "") for page in reader.pages)
        except Exception as e:  # noqa: BLE001 - any PDF failure means the file was not checked
            raise PseudonymisationError("RK-D12", f"the PDF cannot be read to check for names ({e}).", path=path,
                                        hint="Check the Markdown or HTML version of the brief instead.") from e
        yield str(path), unicodedata.normalize("NFC", text), ()
        return
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    if member.endswith("/") or Path(member).suffix.lower() in _SKIP_SUFFIXES:
                        continue
                    text = _any_text(archive.read(member))
                    if member.endswith((".xml", ".rels")):  # NFC piece by piece, offsets kept
                        yield f"{path}!{member}", *_xml_text(text, runs=bool(_RUN_MEMBERS.match(member)))
                        continue
                    if member.endswith((".html", ".htm", ".xhtml")):
                        text = html.unescape(text)
                    yield f"{path}!{member}", unicodedata.normalize("NFC", text), ()
        except zipfile.BadZipFile as e:
            raise PseudonymisationError("RK-D12", f"looks like a zip file but cannot be opened ({e}).",
                                        path=path) from e
        return
    text = _any_text(data)
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
    yield str(path), unicodedata.normalize("NFC", text), ()


def _any_text(data: bytes) -> str:
    """Bytes as text whatever their encoding (a stray cp1252 byte or mojibake mended), silently."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return decode_report(data, repair=False)[0]  # shown as it is; the reader's view repairs it
    except ResearchKitError:
        return data.decode("latin-1")  # binary: search the bytes for plain-text names anyway


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


# ---------------------------------------------------------------------------
# the reader's view: a text as the person reading the PDF, DOCX or HTML sees it
#
# A name can hide from a plain search and still be read: "H&eacute;l&egrave;ne" in HTML,
# "HÃ©lÃ¨ne" (mojibake), "Hé\u00adlène" (a soft hyphen), "Hélè-\nne" (hyphenated across
# a line of a PDF), "Ｈélène" (full-width letters), "Hé" and "lène" in two runs of a
# Word paragraph, "Hélène" and "Bérubé" on two lines. Each view is made from the text by
# substitutions that remember, for every character, the span of the text it comes from,
# so that what is found is shown and counted in the text itself.


class _View:
    """A text and, for each of its characters, the ``[start, end)`` of the searched text it stands for.

    Offsets are kept in ``range`` objects for the text itself and in arrays of 64-bit
    integers after a substitution: eight bytes a character, not a Python int each.
    """

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: Any = None, ends: Any = None) -> None:
        self.text = text
        self.starts = range(len(text)) if starts is None else starts
        self.ends = range(1, len(text) + 1) if ends is None else ends

    def sub(self, pattern: re.Pattern, repl: Any) -> _View:
        """Replace each match of ``pattern`` by ``repl(match)`` (``None``: leave it); a new view."""
        text, starts, ends = self.text, self.starts, self.ends
        out: list[str] = []
        s_out, e_out = array("q"), array("q")
        pos = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            if a == b:
                continue
            r = repl(m)
            if r is None:
                continue
            out.append(text[pos:a])
            s_out.extend(starts[pos:a])
            e_out.extend(ends[pos:a])
            if r:
                out.append(r)
                s_out.extend(array("q", [starts[a]]) * len(r))
                e_out.extend(array("q", [ends[b - 1]]) * len(r))
            pos = b
        if not pos:
            return self
        out.append(text[pos:])
        s_out.extend(starts[pos:])
        e_out.extend(ends[pos:])
        return _View("".join(out), s_out, e_out)

    def spaced(self, at: tuple[int, ...]) -> _View:
        """A space inserted before each offset of ``at`` (where XML tags joined two runs)."""
        out: list[str] = []
        s_out, e_out = array("q"), array("q")
        pos = 0
        for p in at:
            out.append(self.text[pos:p] + " ")
            s_out.extend(self.starts[pos:p])
            e_out.extend(self.ends[pos:p])
            edge = self.starts[p] if p < len(self.text) else (self.ends[-1] if len(self.ends) else 0)
            s_out.append(edge)
            e_out.append(edge)
            pos = p
        out.append(self.text[pos:])
        s_out.extend(self.starts[pos:])
        e_out.extend(self.ends[pos:])
        return _View("".join(out), s_out, e_out)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")  # a URL: "H%C3%A9l%C3%A8ne"
_BACKSLASH = re.compile(r"\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}")  # JSON or JavaScript in a page: "H\\u00e9l\\u00e8ne"
_HTML_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>", re.S)
_HTML_INLINE = {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
                "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
                "time", "tt", "u", "var", "wbr"}
# A UTF-8 lead byte read as Windows-1252/Latin-1, then a continuation byte read so: mojibake.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MARKDOWN_INSIDE_WORD = re.compile(r"(?<=[^\W_])(?:\*{1,3}|_{1,3}|~~|`)(?=[^\W_])")
_HYPHEN_AT_LINE_END = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010\u2011][ \t]*(?:\r\n|\r|\n)\s*(?=[^\W\d_])")
_WHITESPACE = re.compile(r"\s+")
# Letters of other scripts that a reader takes for Latin ones (Cyrillic, Greek).
_LOOKALIKES = dict(zip("АВЕКМНОРСТХУІЈЅаеорсухіјѕԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκνρ", "ABEKMHOPCTXYIJSaeopcyxijsdABEZHIKMNOPTYXokvp"))
_CHAR_VIEW: dict[str, str | None] = {}


def _char_view(m: re.Match) -> str | None:
    ch = m.group()
    try:
        return _CHAR_VIEW[ch]
    except KeyError:
        pass
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me"):  # soft hyphens, zero-width spaces and joiners; loose accents (folded anyway)
        out: str | None = ""
    elif category == "Zs":
        out = " "
    elif category in ("Zl", "Zp"):
        out = "\n"
    elif category[0] == "L" or category == "Nd":  # full-width letters and digits, ligatures
        out = _LOOKALIKES.get(ch) or unicodedata.normalize("NFKC", ch)
    else:
        out = ch
    _CHAR_VIEW[ch] = out = None if out == ch else out
    return out


def _unmojibake(m: re.Match) -> str | None:
    """A run of UTF-8 once read as Windows-1252 or Latin-1 (maybe twice), decoded again."""
    run = fixed = m.group()
    if not _MOJIBAKE.search(run):
        return None
    import ftfy
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

    for _ in range(3):
        for encoding in ("sloppy-windows-1252", "latin-1"):
            try:
                fixed = fixed.encode(encoding).decode("utf-8")
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        else:
            break
    if fixed == run:
        fixed = ftfy.fix_encoding(run)  # mojibake next to other non-ASCII characters
    return fixed if fixed != run else None


def _reader(view: _View) -> _View:
    """What a reader sees: entities (and URL and JSON escapes) decoded, tags and markup gone, mojibake repaired,
    NFKC, no invisible characters, one space for any run of spaces and line breaks."""
    for _ in range(2):  # "&amp;eacute;" too
        view = view.sub(_ENTITY, lambda m: html.unescape(m.group()))
    if "%" in view.text:
        view = view.sub(_PERCENT, lambda m: unquote(m.group(), errors="replace"))
    if "\\" in view.text:
        view = view.sub(_BACKSLASH, lambda m: chr(int(m.group()[2:], 16)))
    if "<" in view.text:
        view = view.sub(_HTML_TAG, lambda m: "" if m.group(2) and m.group(2).lower() in _HTML_INLINE else " ")
    if _MOJIBAKE.search(view.text):
        view = view.sub(_NON_ASCII_RUN, _unmojibake)
    view = view.sub(_MARKDOWN_INSIDE_WORD, lambda m: "")
    view = view.sub(_NON_ASCII, _char_view)
    return view.sub(_WHITESPACE, lambda m: None if m.group() == " " else " ")


def _reader_views(text: str, glued: tuple[int, ...] = ()) -> Iterator[_View]:
    """The views of ``text`` that :func:`leaks` searches: as it is, and as a reader sees it."""
    plain = _View(text)
    yield plain
    yield _reader(plain)
    if _HYPHEN_AT_LINE_END.search(text):
        yield _reader(plain.sub(_HYPHEN_AT_LINE_END, lambda m: ""))
    if glued:  # the runs of an XML file taken apart too, as each is a field of its own in some files
        spaced = plain.spaced(glued)
        yield spaced
        yield _reader(spaced)


# XML elements that end a line or a cell (Word, PowerPoint, Excel, OpenDocument, XHTML);
# every other tag joins what is on either side of it ("Hé" and "lène" in two runs).
_XML_BREAKS = {"p": "\n", "br": "\n", "cr": "\n", "tab": " ", "tc": " ", "tr": "\n", "h": "\n", "line-break": "\n",
               "s": " ", "si": "\n", "sp": "\n", "c": " ", "row": "\n", "li": "\n", "td": " ", "th": " ",
               "div": "\n", "title": "\n", "txBody": "\n", "list-item": "\n", "table-cell": " ", "note": "\n",
               "annotation": "\n", "comment": "\n", "footnote": "\n", "endnote": "\n"}
_RUN_MEMBERS = re.compile(r"(?:word|ppt|xl)/|(?:content|styles)\.xml$")
_XML_TAG = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[|\]\]>|<(/?)(?:[\w.-]+:)?([\w.-]+)([^<>]*)>", re.S)
_XML_SHOWN_ATTRIBUTE = re.compile(r"""\b(?:descr|title|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xml_text(xml: str, *, runs: bool = True) -> tuple[str, tuple[int, ...]]:
    """The text of an XML member as a reader sees it, and the offsets where a tag joined two runs.

    ``runs``: the member is a document's body, whose text runs join (Word's ``word/``,
    PowerPoint's ``ppt/``, Excel's ``xl/``, OpenDocument's ``content.xml`` and ``styles.xml``); in other
    members (``docProps/core.xml``: author, title) every tag is a space.

    Alternative texts (``descr``, ``title`` and ``alt`` attributes: an image's
    description) are kept, each on a line of its own. Each piece of text is NFC, so that
    the offsets hold for the text returned.
    """
    out: list[str] = []
    glued: list[int] = []
    size = 0
    pos = 0
    for m in _XML_TAG.finditer(xml):
        piece = unicodedata.normalize("NFC", html.unescape(xml[pos:m.start()]))
        out.append(piece)
        size += len(piece)
        pos = m.end()
        name, attributes = m.group(2), m.group(3) or ""
        shown = [html.unescape(a or b) for a, b in _XML_SHOWN_ATTRIBUTE.findall(attributes)]
        sep = "\n" + "\n".join(shown) + "\n" if shown else _XML_BREAKS.get(name, "" if runs else " ") if name else " "
        if sep:
            out.append(sep)
            size += len(sep)
        elif not glued or glued[-1] != size:
            glued.append(size)
    out.append(unicodedata.normalize("NFC", html.unescape(xml[pos:])))
    return "".join(out), tuple(glued)
