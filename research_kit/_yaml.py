"""YAML in and out, with line numbers for messages.

Research Kit's human-edited files (codebooks, corpus manifests, brief parameters)
are YAML. Two things the plain ``yaml.safe_load``/``yaml.safe_dump`` pair does not
give are done here:

- :func:`load_yaml_with_lines` parses safely *and* says on which line each mapping
  key and each sequence item stands, so that a message can point at the line to fix;
  a syntax error becomes an :class:`~research_kit.errors.InputFileError` naming the
  file and the line.
- :func:`dump_yaml` writes YAML that a person can read and a diff can show: keys in
  insertion order, Unicode kept as is, no anchors or aliases, nested sequences
  indented, multi-line text as literal blocks, short lists of words on one line.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import InputFileError

__all__ = ["KeyPath", "load_yaml_with_lines", "dump_yaml", "line_of"]

#: Where a value sits in a parsed document: the keys and indexes leading to it,
#: e.g. ``("codes", 0, "rules", "fr", "regex", 1)``. The document itself is ``()``.
KeyPath = tuple[Hashable, ...]


def load_yaml_with_lines(
    text: str, *, path: str | Path | None = None, code: str = "RK-C01"
) -> tuple[Any, dict[KeyPath, int]]:
    """Parse one YAML document and say where each of its keys and items is.

    Parameters
    ----------
    text
        The YAML text, already decoded (see ``_io.read_text``).
    path
        The file the text comes from, for messages.
    code
        Error code of a syntax error; ``"RK-C01"`` (corpus manifests) unless the
        caller reads another kind of file.

    Returns
    -------
    data
        What ``yaml.safe_load`` would return (``None`` for an empty document).
    lines
        1-based line number of every mapping key and sequence item, by key path:
        ``lines[("codes", 0, "id")]`` is the line of the first code's ``id:`` key,
        ``lines[("codes", 0)]`` the line of its ``-``. ``lines[()]`` is the line
        where the document starts.

    Raises
    ------
    InputFileError
        ``code`` for a YAML syntax error, a tag that safe loading refuses, several
        documents in one file, or a key given twice in the same mapping.

    Examples
    --------
    >>> data, lines = load_yaml_with_lines("title: T\\ncodes:\\n  - id: a\\n")
    >>> data["codes"][0]["id"], lines[("codes", 0, "id")]
    ('a', 3)
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
        _walk(loader, node, (), lines, set(), path=path, code=code)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, path=path, code=code) from e
    except yaml.YAMLError as e:  # ReaderError: a character YAML does not allow
        raise InputFileError(code, f"is not valid YAML ({e}).", path=path,
                             hint="Remove control characters from the file.") from e
    finally:
        loader.dispose()
    return data, lines


def _syntax_error(e: yaml.MarkedYAMLError, text: str, *, path: str | Path | None, code: str) -> InputFileError:
    end = len(text.rstrip())
    last_line = text[:end].count("\n") + 1

    def line_at(mark: Any) -> int | None:
        if mark is None:
            return None
        return last_line if mark.index >= end else mark.line + 1

    problem, context = line_at(e.problem_mark), line_at(e.context_mark)
    line, other = problem, context
    # An unclosed quote, [ or { is reported where the parser gave up (often the end
    # of the file); the line where it was opened is the one to fix.
    at_end = e.problem_mark is not None and e.problem_mark.index >= end
    if context is not None and (problem is None or at_end or "flow" in (e.context or "")):
        line, other = context, problem
    what = " ".join(s for s in (e.context, e.problem) if s) or "syntax error"
    if other is not None and other != line:
        what += f" (see also line {other})"
    if "\t" in what or "'\\t'" in what:
        hint = "YAML indents with spaces, never tabs: replace the tabs on that line."
    elif "mapping values are not allowed" in what:
        hint = ('A value that contains ": " must be quoted, e.g. phrases: ["il faut: agir"]; '
                "or check the indentation of that line.")
    elif "could not determine a constructor" in what:
        hint = "Remove the `!` tag from that line: Research Kit reads plain YAML only."
    elif "expected a single document" in what:
        hint = "Keep one document per file: remove the extra `---` line."
    else:
        hint = ("Check the indentation and the quotes on that line and the one before; "
                "values starting with [ { * & ! ? % @ ` # or containing ': ' need quotes.")
    return InputFileError(code, f"is not valid YAML: {what}.", path=path, line=line, hint=hint)


def _walk(loader: yaml.SafeLoader, node: yaml.Node, at: KeyPath, lines: dict[KeyPath, int],
          active: set[int], *, path: str | Path | None, code: str) -> None:
    """Record the line of every key and item under ``node`` (aliases visited once per branch)."""
    if id(node) in active:  # a recursive alias: stop here
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults`
                _walk(loader, value_node, at, lines, active, path=path, code=code)
                continue
            key = _key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputFileError(
                    code, f'the key "{key}" is given twice in the same block (first on line {seen[key]}).',
                    path=path, line=line, hint="Keep one of them; YAML would silently drop the first.")
            seen[key] = line
            lines.setdefault((*at, key), line)
            _walk(loader, value_node, (*at, key), lines, active, path=path, code=code)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*at, i), item.start_mark.line + 1)
            _walk(loader, item, (*at, i), lines, active, path=path, code=code)
    active.discard(id(node))


def _key(loader: yaml.SafeLoader, node: yaml.Node) -> Hashable:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_object(node)
    # A complex key (rare): use its text so that the path stays hashable.
    return f"<{node.tag.rsplit(':', 1)[-1]} at line {node.start_mark.line + 1}>"


def line_of(lines: Mapping[KeyPath, int] | None, at: KeyPath) -> int | None:
    """Line of ``at``, else of its nearest recorded parent; ``None`` when unknown.

    Useful when a value comes from a file whose lines are known only per record
    (a CSV row) or when a key is missing and its parent should be named instead.
    """
    if not lines:
        return None
    for n in range(len(at), -1, -1):
        line = lines.get(at[:n])
        if line is not None:
            return line
    return None


# --------------------------------------------------------------------------- dumping

_SCALARS = (str, int, float, bool, type(None))
_FLOW_WIDTH = 80  # a flow collection longer than this goes to block style


class _FlowList(list):
    """A list to write on one line: ``[a, b, c]``."""


class _FlowDict(dict):
    """A mapping to write on one line: ``{LEMMA: prendre}``."""


class _Dumper(yaml.SafeDumper):
    """Indents sequences under their key and never writes anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_flow_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _represent_flow_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(_FlowDict, _represent_flow_dict)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)


def _flow_length(value: Any) -> int:
    """Rough width of ``value`` written in flow style (strings counted with quotes)."""
    if isinstance(value, Mapping):
        return 2 + sum(len(str(k)) + 2 + _flow_length(v) + 2 for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 2 + sum(_flow_length(v) + 2 for v in value)
    return len(str(value)) + 2


def _is_flat(value: Any) -> bool:
    """A collection of one-line scalars, or of such mappings (a spaCy token pattern)."""
    if isinstance(value, Mapping):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return False
    return all(
        (isinstance(v, _SCALARS) and not (isinstance(v, str) and "\n" in v))
        or (isinstance(v, (list, tuple)) and all(isinstance(x, _SCALARS) for x in v))
        or (isinstance(v, Mapping) and _is_flat(v))
        for v in items
    )


def _prepare(value: Any, lists: int = 0) -> Any:
    """Mark what goes on one line; everything else stays in block style.

    ``lists`` counts the lists directly around ``value``. On one line: a short list
    of one-line scalars; a short list of one-line mappings inside a list (a spaCy
    token pattern) and, when that list is too long, each of its mappings.
    """
    if isinstance(value, Mapping):
        if lists >= 2 and value and _is_flat(value) and _flow_length(value) <= _FLOW_WIDTH:
            return _FlowDict(value)
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if value and _is_flat(value) and _flow_length(value) <= _FLOW_WIDTH:
            if all(isinstance(v, _SCALARS) for v in value):
                return _FlowList(value)
            if lists >= 1 and all(isinstance(v, Mapping) for v in value):
                return _FlowList(_FlowDict(v) for v in value)
        return [_prepare(v, lists + 1) for v in value]
    return value


def dump_yaml(data: Any) -> str:
    """Write ``data`` as readable, diff-friendly YAML.

    Keys keep their insertion order, non-ASCII text is written as is, shared objects
    are repeated rather than anchored, sequences are indented under their key, text
    with line breaks becomes a ``|`` block, long lines are never folded, and short
    lists of scalars (``lemmas: [fatigue, surcharge]``) or of one-line mappings
    (``[{LEMMA: prendre}, {LEMMA: soin}]``) stay on one line.

    Parameters
    ----------
    data
        Plain data: mappings, lists or tuples, strings, numbers, booleans, ``None``.

    Returns
    -------
    str
        The YAML text, ending with a newline; ``yaml.safe_load`` gives ``data`` back
        (tuples come back as lists).

    Examples
    --------
    >>> print(dump_yaml({"title": "Médiation", "languages": ["fr", "en"]}), end="")
    title: Médiation
    languages: [fr, en]
    """
    return yaml.dump(
        _prepare(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
