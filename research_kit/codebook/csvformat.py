"""The CSV form of a codebook: one row per code, for those who prefer a spreadsheet.

:func:`csv_data` turns the text of a CSV codebook into the data the YAML form would give
(sniffing the delimiter, reading the ``# title:`` lines, mapping each column to its field
and language, splitting cells), with the line where each row starts, for
:class:`~research_kit.codebook.parse.Parser`. Rows are read by
:func:`research_kit._csv.read_rows`: a row that is not valid CSV is an ``RK-K01`` problem
at its line (an unclosed quote at the line where it opened, the rows after it read on
their own), a cell may hold up to 16 MiB, and one leading ``'`` before a formula
character (``'=x``, as :func:`~research_kit.codebook.write_codebook` writes such cells)
is removed. :func:`csv_header` and :func:`csv_row` write it back. The format is described
in :mod:`research_kit.codebook` and ``docs/codebook.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from .._csv import CsvProblem, CsvRow, read_rows, unneutralise
from .._yaml import KeyPath
from ..errors import did_you_mean
from .checks import FALSE_WORDS, TRUE_WORDS, Problems
from .model import RULE_KINDS, TEXT_FIELDS, CodeEntry, Rules

_CSV_LANG_FIELDS = (*TEXT_FIELDS, "examples", *RULE_KINDS)
_CSV_META = ("title", "description", "languages")
# the columns whose cells never hold a line break: one there is a quote left open
_SINGLE_LINE = ("code", "parent", "color", "codable")


# --------------------------------------------------------------------------- reading


def _sniff(text: str) -> str:
    """The delimiter that splits the header row (the first row not starting with #) most."""
    best, most = ",", 1
    for delimiter in (",", ";", "\t"):
        for item in read_rows(text, delimiter=delimiter):
            if isinstance(item, CsvRow) and not item.cells[0].lstrip().startswith("#"):
                if len(item.cells) > most:
                    best, most = delimiter, len(item.cells)
                break
    return best


def _column(name: str) -> str:
    name = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return {"id": "code", "colour": "color"}.get(name, name)


def _split(cell: str, kind: str) -> list[str]:
    if kind in ("lemmas", "phrases") and "\n" not in cell:
        parts = cell.split(";")
    else:
        parts = cell.split("\n")
    return [part.strip() for part in parts if part.strip()]


def _csv_patterns(cell: str, problems: Problems, line: int, who: str, lang: str) -> list[Any]:
    try:
        whole = json.loads(cell)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list) and whole and all(isinstance(p, list) for p in whole):
        return whole
    if isinstance(whole, list) and whole and all(isinstance(t, dict) for t in whole):
        return [whole]
    out = []
    for n, text in enumerate(cell.split("\n"), start=1):
        if not text.strip():
            continue
        try:
            out.append(json.loads(text))
        except json.JSONDecodeError as e:
            problems.add("RK-K15", None, f"{who}: patterns_{lang}, line {n} of the cell, is not JSON: {e.msg}.",
                         hint='Write one pattern per line, as JSON: [{"LEMMA": "prendre"}, {"LEMMA": "soin"}].',
                         line=line)
    return out


def csv_data(text: str, problems: Problems) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """The CSV as the YAML form would give it, and the line where each row starts."""
    delimiter = _sniff(text)
    reader = read_rows(text, delimiter=delimiter)
    meta: dict[str, str] = {}
    lines: dict[KeyPath, int] = {(): 1}
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    for item in reader:
        if isinstance(item, CsvProblem):
            problems.add("RK-K01", None, item.message, hint=item.hint, line=item.line)
            continue
        start, cells = item.line, [unneutralise(c) for c in item.cells]
        if header is None and cells[0].lstrip().startswith("#"):
            body = delimiter.join(cells).strip().rstrip(delimiter).strip().lstrip("#").strip()
            key, colon, value = body.partition(":")
            key = key.strip().lower()
            if not colon or key not in _CSV_META:
                problems.add("RK-K03", None,
                             f'the line "{body[:60]}" before the header is not "# title: ...", '
                             f'"# description: ..." or "# languages: ...".' + did_you_mean(key, _CSV_META),
                             hint="Fix it, or remove the leading #.", line=start)
            else:
                meta[key] = value.strip()
                lines[(key,)] = start
            continue
        if header is None:
            header, header_line = [_column(c) for c in cells], start
            reader.header = [c.strip() for c in cells]
            reader.single_line = {i for i, name in enumerate(header) if name in _SINGLE_LINE}
            continue
        rows.append((start, cells))
    if header is None:
        problems.add("RK-K22", None, "the file has no header row.",
                     hint="The first row names the columns: code, parent, label_fr, …")
        return {"codes": []}, lines

    # which language each column is for
    declared = meta.get("languages")
    languages = declared.replace(",", " ").split() if declared is not None else []
    if declared is None:
        for name in header:
            m = re.match(rf"^({'|'.join(_CSV_LANG_FIELDS)})_([a-z]{{2,3}})$", name)
            if m and m.group(2) not in languages:
                languages.append(m.group(2))
    expected = ["code", "parent", "color", "codable",
                *(f"{f}_{lang}" for f in _CSV_LANG_FIELDS for lang in languages or ["fr", "en"])]
    columns: list[tuple[str, str | None] | None] = []
    seen: set[str] = set()

    def header_problem(code: str, message: str, hint: str | None = None) -> None:
        problems.add(code, None, message, hint, line=header_line)

    for name in header:
        m = re.match(rf"^({'|'.join(_CSV_LANG_FIELDS)})_([a-z]{{2,3}})$", name)
        if not name:
            columns.append(None)
        elif name in seen:
            header_problem("RK-K02", f'the column "{name}" appears twice.', hint="Keep one of them.")
            columns.append(None)
        elif name in ("code", "parent", "color", "codable"):
            columns.append((name, None))
        elif m and m.group(2) in languages:
            columns.append((m.group(1), m.group(2)))
        elif m:
            header_problem("RK-K12", f'the column "{name}" is for "{m.group(2)}", which is not one of the '
                                     f"codebook's languages ({', '.join(languages)}).",
                           hint="Add it to the # languages: line, or rename the column.")
            columns.append(None)
        else:
            header_problem("RK-K03", f'unknown column "{name}".' + did_you_mean(name, expected),
                           hint="The columns are code, parent, color, codable and, per language, "
                                + ", ".join(f"{f}_fr" for f in _CSV_LANG_FIELDS) + ".")
            columns.append(None)
        seen.add(name)
    if ("code", None) not in columns:
        problems.add("RK-K22", None, "the header has no code column.", hint="Name the column of code ids `code`.",
                     line=header_line)
        return {"codes": []}, lines

    codes: list[dict[str, Any]] = []
    for i, (line, cells) in enumerate(rows):
        at: KeyPath = ("codes", i)
        lines[at] = line
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            problems.add("RK-K02", at, f"the row has {len(cells)} cells but the header names {len(columns)} columns.",
                         hint="Remove the extra cells, or name their column.")
        record: dict[str, Any] = {}
        for column, cell in zip(columns, cells):
            cell = cell.strip()
            if column is None or not cell:
                continue
            name, lang = column
            if name == "code":
                record["id"] = cell
            elif name in ("parent", "color"):
                record[name] = cell
            elif name == "codable":
                lowered = cell.lower()
                record["codable"] = True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else cell
            elif name in TEXT_FIELDS:
                record.setdefault(name, {})[lang] = cell
            elif name == "examples":
                record.setdefault("examples", {})[lang] = _split(cell, name)
            elif name == "patterns":
                who = f'code "{record["id"]}"' if "id" in record else "a code"
                record.setdefault("rules", {}).setdefault(lang, {})[name] = _csv_patterns(
                    cell, problems, line, who, str(lang))
            else:
                record.setdefault("rules", {}).setdefault(lang, {})[name] = _split(cell, name)
        codes.append(record)
    data: dict[str, Any] = {"title": meta.get("title"), "description": meta.get("description"),
                            "languages": languages or None, "codes": codes}
    lines.setdefault(("languages",), header_line)
    return data, lines


# --------------------------------------------------------------------------- writing


def csv_header(languages: Sequence[str]) -> list[str]:
    """The header row for ``languages``: every column, in the order the format documents."""
    per = lambda name: [f"{name}_{lang}" for lang in languages]  # noqa: E731
    return ["code", "parent", *per("label"), *per("definition"), "color", "codable",
            *per("when_to_use"), *per("when_not_to_use"), *per("examples"),
            *per("lemmas"), *per("phrases"), *per("patterns"), *per("regex")]


def csv_row(entry: CodeEntry, languages: Sequence[str]) -> list[str]:
    """The cells of ``entry``, under :func:`csv_header`'s columns for the same ``languages``."""
    def per(get: Any) -> list[str]:
        return [get(lang) for lang in languages]

    def words(kind: str, lang: str) -> str:
        items = getattr(entry.rules.get(lang, Rules()), kind)
        return ("\n" if any(";" in x for x in items) else "; ").join(items)

    def lines_of(kind: str, lang: str) -> str:
        r = entry.rules.get(lang, Rules())
        if kind == "patterns":
            return "\n".join(json.dumps([dict(t) for t in p], ensure_ascii=False) for p in r.patterns)
        return "\n".join(r.regex)

    return [
        entry.code, entry.parent or "",
        *per(lambda lang: entry.label.get(lang, "")),
        *per(lambda lang: entry.definition.get(lang, "")),
        entry.color or "", "true" if entry.codable else "false",
        *per(lambda lang: entry.when_to_use.get(lang, "")),
        *per(lambda lang: entry.when_not_to_use.get(lang, "")),
        *per(lambda lang: "\n".join(entry.examples.get(lang, ()))),
        *per(lambda lang: words("lemmas", lang)),
        *per(lambda lang: words("phrases", lang)),
        *per(lambda lang: lines_of("patterns", lang)),
        *per(lambda lang: lines_of("regex", lang)),
    ]
