"""Reading, checking and writing codebook files, YAML or CSV.

A file is read whole and checked whole: YAML through :mod:`research_kit._yaml` (which keeps
each key's line), CSV through :mod:`research_kit.codebook.csvformat`, both then through
:class:`~research_kit.codebook.parse.Parser`. Writing goes through an atomic write, so a
failure leaves the previous file as it was.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from .._csv import neutralise
from .._io import atomic_write, atomic_write_text, read_text
from .._yaml import KeyPath, dump_yaml, load_yaml_with_lines
from ..errors import CodebookError, InputFileError, ParameterError, check_option, did_you_mean
from .checks import CSV_SUFFIXES, YAML_SUFFIXES, Problems
from .csvformat import csv_data, csv_header, csv_row
from .model import RULE_KINDS, TEXT_FIELDS, CodeEntry, Codebook
from .parse import codebook_from_data


# --------------------------------------------------------------------------- reading


def _suffix(path: Path, allowed: Iterable[str], *, function: str) -> str:
    suffix = path.suffix.lower()
    allowed = tuple(allowed)
    if suffix not in allowed:
        raise ParameterError(
            "RK-K21", f"{function}() reads and writes {', '.join(allowed)} files; got {path.name!r}."
            + did_you_mean(suffix, allowed),
            hint="Give the file one of those extensions.")
    return suffix


def read_codebook(path: str | Path, *, encoding: str | None = None, check_patterns: bool = True) -> Codebook:
    """Read and check a codebook file (YAML or CSV).

    A CSV cell with one ``'`` before a formula character (``'=x``, ``'-?\\d+``), as
    :func:`write_codebook` writes such cells for spreadsheets, reads without it.

    Parameters
    ----------
    path
        A ``.yml``/``.yaml`` or ``.csv`` file; see :mod:`research_kit.codebook` or
        ``docs/codebook.md`` for the formats.
    encoding
        The file's encoding, when detection gets it wrong.
    check_patterns
        Check spaCy token patterns with spaCy's own validator (imports spaCy, about
        3 s the first time). ``False`` checks their shape only: briefs read a codebook
        that the batch runner has already checked in full.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        Listing every problem in the file at once, each with its line.
    InputFileError
        ``RK-R01`` when the file cannot be read.
    ParameterError
        ``RK-K21`` for another extension.

    Examples
    --------
    >>> cb = read_codebook("corpora/demo/codebook.yml")  # from the repository's root
    >>> cb.codes.loc[:2, ["code", "parent", "label_fr"]]
                  code parent                 label_fr
    0             care   <NA>         Soin de l'équipe
    1  care.exhaustion   care  Épuisement et surcharge
    2     care.support   care  Soutien entre collègues
    """
    path = Path(path)
    suffix = _suffix(path, (*YAML_SUFFIXES, *CSV_SUFFIXES), function="read_codebook")
    text, _ = read_text(path, encoding=encoding)
    if suffix in YAML_SUFFIXES:
        try:
            data, lines = load_yaml_with_lines(text, path=path, code="RK-K01")
        except InputFileError as e:
            raise CodebookError([e], path=path) from e
        return codebook_from_data(data, Problems(lines, path), path, check_patterns=check_patterns)
    problems = Problems(None, path)
    data, lines = csv_data(text, problems)
    problems.lines = lines
    return codebook_from_data(data, problems, path, check_patterns=check_patterns)


def validate_codebook(
    source: Codebook | Mapping[str, Any],
    *,
    lines: Mapping[KeyPath, int] | None = None,
    path: str | Path | None = None,
) -> Codebook:
    """Check a codebook entirely and return it as a :class:`Codebook`.

    Parameters
    ----------
    source
        A :class:`Codebook` (returned unchanged when it passes), or a codebook as
        parsed from YAML (a mapping with ``title``, ``languages`` and ``codes``).
    lines
        Line of each key and item of ``source``, as ``_yaml.load_yaml_with_lines``
        returns them, so that each problem names its line.
    path
        The file, for messages.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        With every problem found (codes ``RK-K02`` to ``RK-K18``, see
        :mod:`research_kit.codebook`), sorted by line.

    Examples
    --------
    >>> cb = validate_codebook({"languages": ["fr"], "codes": [{"id": "a", "label": "A"}]})
    >>> cb.label("a")
    'A'
    """
    if isinstance(source, Codebook):
        path = source.path if path is None else path
        codebook_from_data(_codebook_data(source, nested=False), Problems(lines, path), path)
        return source
    return codebook_from_data(source, Problems(lines, path), path)


# --------------------------------------------------------------------------- writing


def _entry_data(entry: CodeEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.code}
    for name in TEXT_FIELDS:
        if getattr(entry, name):
            out[name] = dict(getattr(entry, name))
    if entry.examples:
        out["examples"] = {lang: list(items) for lang, items in entry.examples.items()}
    if entry.color:
        out["color"] = entry.color
    if not entry.codable:
        out["codable"] = False
    rules = {}
    for lang, r in entry.rules.items():
        kinds: dict[str, list[Any]] = {kind: list(getattr(r, kind)) for kind in RULE_KINDS if getattr(r, kind)}
        if "patterns" in kinds:
            kinds["patterns"] = [[copy.deepcopy(dict(t)) for t in p] for p in r.patterns]
        if kinds:
            rules[lang] = kinds
    if rules:
        out["rules"] = rules
    return out


#: Most levels of codes that YAML nests under ``children:``; a deeper hierarchy is written
#: flat, each code with its ``parent:``, which reads back the same. Each level nests the
#: YAML two levels deeper, and :func:`~research_kit._yaml.load_yaml_with_lines` reads
#: 100 levels at most (a code's rules take up to ten more).
MAX_NESTED_LEVELS = 40


def _codebook_data(codebook: Codebook, *, nested: bool = True) -> dict[str, Any]:
    """The codebook as YAML-ready data: nested ``children`` or flat with ``parent``.

    Nested only while the hierarchy has at most :data:`MAX_NESTED_LEVELS` levels; built
    without recursion, in one pass over the entries.
    """
    data: dict[str, Any] = {}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    data["languages"] = list(codebook.languages)
    if nested and len(codebook) and int(codebook.codes["depth"].max()) < MAX_NESTED_LEVELS:
        roots: list[dict[str, Any]] = []
        items: dict[str, dict[str, Any]] = {}
        for e in codebook.entries:  # parents first, siblings in order: each parent is built before its children
            item = items[e.code] = _entry_data(e)
            (roots if e.parent is None else items[e.parent].setdefault("children", [])).append(item)
        data["codes"] = roots
    else:
        flat = []
        for e in codebook.entries:
            item = _entry_data(e)
            if e.parent is not None:
                item = {"id": item.pop("id"), "parent": e.parent, **item}
            flat.append(item)
        data["codes"] = flat
    return data


def write_codebook(codebook: Codebook, path: str | Path, *, delimiter: Literal[",", ";", "\t"] = ",") -> Path:
    """Write ``codebook`` as YAML or CSV, chosen by the extension, atomically.

    YAML nests children under their parent (a hierarchy deeper than
    :data:`MAX_NESTED_LEVELS` levels is written flat, each code naming its ``parent``,
    which reads back the same); CSV has one row per code (see
    :mod:`research_kit.codebook`) and starts with a byte-order mark so that spreadsheets
    read its accents right. A CSV cell that a spreadsheet would run as a formula (it
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: a regex ``-?\\d+``)
    is written with a ``'`` before it (:func:`research_kit._csv.neutralise`), which
    :func:`read_codebook` removes. Reading the file back gives an equal codebook.

    Parameters
    ----------
    codebook
        What to write.
    path
        ``.yml``/``.yaml`` or ``.csv``. An existing file is replaced only once
        the new one is complete.
    delimiter
        Separator of CSV cells: ``";"`` for spreadsheets set up in French, which
        expect it when a file is opened with a double click.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    suffix = _suffix(path, (*YAML_SUFFIXES, *CSV_SUFFIXES), function="write_codebook")
    check_option("delimiter", delimiter, (",", ";", "\t"), function="write_codebook")
    if suffix in YAML_SUFFIXES:
        return atomic_write_text(path, dump_yaml(_codebook_data(codebook)))
    with atomic_write(path, "w") as fh:
        fh.write("\ufeff")
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        if codebook.title:
            writer.writerow([f"# title: {codebook.title}"])
        if codebook.description:
            writer.writerow([f"# description: {codebook.description}"])
        writer.writerow([f"# languages: {', '.join(codebook.languages)}"])
        writer.writerow(csv_header(codebook.languages))
        for entry in codebook.entries:
            writer.writerow([neutralise(cell) for cell in csv_row(entry, codebook.languages)])
    return path
