"""YAML in and out, with line numbers for messages.

Research Kit's human-edited files (codebooks, corpus manifests, brief parameters)
are YAML. Two things the plain ``yaml.safe_load``/``yaml.safe_dump`` pair does not
give are done here:

- :func:`load_yaml_with_lines` parses safely *and* says on which line each mapping
  key and each sequence item stands, so that a message can point at the line to fix;
  a syntax error becomes an :class:`~research_kit.errors.InputFileError` naming the
  file and the line. Hostile text is refused with the same coded error: a text of
  more than :data:`MAX_CHARS` characters, a document of more than :data:`MAX_NODES`
  values or :data:`MAX_DEPTH` levels once its aliases are expanded (a "billion
  laughs" file is refused while it is composed, before anything is built from it),
  an alias inside its own anchor, a control character. Nothing here recurses.
- :func:`dump_yaml` writes YAML that a person can read and a diff can show: keys in
  insertion order, Unicode kept as is, no anchors or aliases, nested sequences
  indented, multi-line text as literal blocks, short lists of words on one line.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import InputFileError, SchemaError

__all__ = ["KeyPath", "load_yaml_with_lines", "dump_yaml", "line_of",
           "MAX_CHARS", "MAX_NODES", "MAX_DEPTH"]

#: Where a value sits in a parsed document: the keys and indexes leading to it,
#: e.g. ``("codes", 0, "rules", "fr", "regex", 1)``. The document itself is ``()``.
KeyPath = tuple[Hashable, ...]

#: Longest YAML text read, in characters (about 20 MB). A manifest of 50,000 documents
#: is a few MB; PyYAML (pure Python, for its messages) reads about 5 MB a second.
MAX_CHARS = 20_000_000
#: Most keys, values and items in one document *once its aliases are expanded*: a
#: ``*alias`` counts every value of what it repeats. Enough for a manifest of 100,000
#: documents with a few variables each; a "billion laughs" file is refused before
#: anything is built from it (composing 1,000,000 nodes takes about 600 MB and 20 s).
MAX_NODES = 1_000_000
#: Deepest nesting of lists and mappings, aliases expanded. A codebook nests codes
#: (``children:``) two levels a code, and a spaCy token pattern five or six; anything
#: deeper is a mistake or an attack, and code that reads the data recursively stays
#: far below Python's recursion limit.
MAX_DEPTH = 100


class _Refused(Exception):
    """A document over a limit or that contains itself; ``load_yaml_with_lines`` codes it."""

    def __init__(self, message: str, line: int | None, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


class _Frame:
    """A sequence or mapping being composed: its node, pending key, size and height."""

    __slots__ = ("node", "end", "key", "size", "height", "index")

    def __init__(self, node: yaml.Node, end: type) -> None:
        self.node, self.end = node, end
        self.key: yaml.Node | None = None
        self.size, self.height, self.index = 1, 1, 0


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that composes without recursion and within the limits.

    While composing, each node's size (its keys, values and items once aliases are
    expanded) and height (the nesting below it) are known from its children's: an
    alias adds what its anchor holds. The whole document's size and depth are thus
    checked as the events come, and a document over a limit is refused before any
    Python object is built from it; memory stays that of the text's own nodes.
    Values that the constructor cannot build (``2024-13-45``, ``!!int abc``, a
    number of 5,000 digits) become a ``ConstructorError`` at the value's line.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.max_nodes, self.max_depth = MAX_NODES, MAX_DEPTH
        self._count = 0
        self._measure: dict[int, tuple[int, int]] = {}  # id(node) -> (size, height), once complete
        self._open: set[int] = set()  # nodes being composed (an alias to one would recurse)
        #: line of each item or key that is an alias, by (id(its sequence or mapping), index):
        #: the node is its anchor's, whose start_mark is where the anchor stands
        self.alias_lines: dict[tuple[int, int], int] = {}

    def _add(self, size: int, mark: yaml.Mark, alias: str | None) -> None:
        self._count += size
        if self._count > self.max_nodes:
            by = f" once the alias *{alias} there is expanded" if alias else ""
            raise _Refused(
                f"holds more than {self.max_nodes:,} keys, values and items{by}: Research Kit does not read it.",
                mark.line + 1,
                "An alias that repeats lists of aliases (a 'billion laughs' file) multiplies what a short text "
                "holds; write the values out without `&anchors` and `*aliases`, or split the file.")

    def _deep(self, depth: int, mark: yaml.Mark, alias: str | None) -> None:
        if depth > self.max_depth:
            by = f" once the alias *{alias} there is expanded" if alias else ""
            raise _Refused(
                f"nests lists and mappings more than {self.max_depth} levels deep{by}: Research Kit does not read it.",
                mark.line + 1,
                "Check for brackets [ { that are never closed; otherwise flatten the structure.")

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # noqa: C901
        frames: list[_Frame] = []
        while True:
            top = frames[-1] if frames else None
            alias_line = None
            if top is not None and self.check_event(top.end):
                frames.pop()
                top.node.end_mark = self.get_event().end_mark
                self.ascend_resolver()
                self._open.discard(id(top.node))
                self._measure[id(top.node)] = (top.size, top.height)
                done, size, height = top.node, top.size, top.height
            elif self.check_event(yaml.AliasEvent):
                event = self.get_event()
                done = self.anchors.get(event.anchor)
                if done is None:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                                      event.start_mark)
                if id(done) in self._open:
                    raise _Refused(
                        f"the alias *{event.anchor} stands inside the anchor &{event.anchor} it repeats "
                        f"(line {done.start_mark.line + 1}): the data would contain itself.",
                        event.start_mark.line + 1,
                        "Write out the values the alias stands for, or move the alias out of its anchor.")
                size, height = self._measure.get(id(done), (1, 0))
                alias_line = event.start_mark.line + 1
                self._add(size, event.start_mark, event.anchor)
                self._deep(len(frames) + height, event.start_mark, event.anchor)
            else:
                event = self.peek_event()
                anchor = event.anchor
                if anchor is not None and anchor in self.anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"found the anchor &{anchor} a second time "
                        f"(first on line {self.anchors[anchor].start_mark.line + 1})", event.start_mark)
                if top is None:
                    self.descend_resolver(parent, index)
                elif isinstance(top.node, yaml.SequenceNode):
                    self.descend_resolver(top.node, top.index)
                else:
                    self.descend_resolver(top.node, top.key)
                self._add(1, event.start_mark, None)
                if isinstance(event, yaml.ScalarEvent):
                    done = self.compose_scalar_node(anchor)
                    self.ascend_resolver()
                    size, height = 1, 0
                else:
                    self.get_event()
                    sequence = isinstance(event, yaml.SequenceStartEvent)
                    kind = yaml.SequenceNode if sequence else yaml.MappingNode
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = self.resolve(kind, None, event.implicit)
                    node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
                    if anchor is not None:
                        self.anchors[anchor] = node
                    self._deep(len(frames) + 1, event.start_mark, None)
                    frames.append(_Frame(node, yaml.SequenceEndEvent if sequence else yaml.MappingEndEvent))
                    self._open.add(id(node))
                    continue
            if not frames:
                return done
            top = frames[-1]
            top.size += size
            top.height = max(top.height, height + 1)
            if alias_line is not None and (isinstance(top.node, yaml.SequenceNode) or top.key is None):
                self.alias_lines[(id(top.node), len(top.node.value))] = alias_line
            if isinstance(top.node, yaml.SequenceNode):
                top.node.value.append(done)
                top.index += 1
            elif top.key is None:
                top.key = done
            else:
                top.node.value.append((top.key, done))
                top.key = None

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        # datetime, int(), float() on a bad value; `!!int` on nothing indexes an empty string
        except (ValueError, TypeError, OverflowError, IndexError, KeyError, AttributeError) as e:
            value = node.value if isinstance(node, yaml.ScalarNode) else node.id
            if isinstance(value, str) and len(value) > 40:
                value = value[:40] + "…"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {value!r} as {node.tag.rsplit(':', 1)[-1]} ({e})",
                node.start_mark) from e


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
        Error code of every refusal below; ``"RK-C01"`` (corpus manifests and front
        matter) unless the caller reads another kind of file (``"RK-K01"`` codebooks,
        ``"RK-B30"`` batch plans, ``"RK-B31"`` parameter files).

    Returns
    -------
    data
        What ``yaml.safe_load`` would return (``None`` for an empty document).
    lines
        1-based line number of every mapping key and sequence item, by key path:
        ``lines[("codes", 0, "id")]`` is the line of the first code's ``id:`` key,
        ``lines[("codes", 0)]`` the line of its ``-``. ``lines[()]`` is the line
        where the document starts. What an ``*alias`` repeats is located once, where
        its ``&anchor`` stands; under the alias, :func:`line_of` gives the alias's line.

    Raises
    ------
    InputFileError
        ``code``, with the line, for a YAML syntax error, a character YAML does not
        allow (a control character), a tag that safe loading refuses, a value that
        cannot be read as its type, several documents in one file, a key given twice
        in the same mapping, an alias inside its own anchor; and for a text longer
        than :data:`MAX_CHARS` characters, a document of more than :data:`MAX_NODES`
        keys and values or nested deeper than :data:`MAX_DEPTH` levels (both counted
        with aliases expanded, and refused before the data is built).

    Examples
    --------
    >>> data, lines = load_yaml_with_lines("title: T\\ncodes:\\n  - id: a\\n")
    >>> data["codes"][0]["id"], lines[("codes", 0, "id")]
    ('a', 3)
    """
    if len(text) > MAX_CHARS:
        raise InputFileError(
            code, f"is {len(text):,} characters long; Research Kit reads YAML files of at most "
            f"{MAX_CHARS:,} characters (about {MAX_CHARS // 1_000_000} MB).", path=path,
            hint="Check that this is the file you meant (not an export renamed .yml), or split it.")
    loader = None
    try:
        loader = _BoundedLoader(text)  # checks every character at once: ReaderError
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
        _walk(loader, node, lines, path=path, code=code)
        data = loader.construct_document(node)
    except _Refused as e:
        raise InputFileError(code, e.message, path=path, line=e.line, hint=e.hint) from None
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, path=path, code=code) from e
    except yaml.reader.ReaderError as e:
        raise _character_error(e, text, path=path, code=code) from e
    except yaml.YAMLError as e:
        raise InputFileError(code, f"is not valid YAML ({e}).", path=path,
                             hint="Check the file in a text editor and save it as plain UTF-8 text.") from e
    except RecursionError as e:  # a backstop: composing and walking do not recurse
        raise InputFileError(code, f"nests values too deeply to be read (more than {MAX_DEPTH} levels).",
                             path=path, hint="Flatten the structure.") from e
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def _character_error(e: yaml.reader.ReaderError, text: str, *, path: str | Path | None,
                     code: str) -> InputFileError:
    """A character YAML does not allow (``\\x07``, a lone surrogate), with its line and column."""
    position = e.position if isinstance(e.position, int) and 0 <= e.position <= len(text) else None
    char = e.character if isinstance(e.character, int) else None
    if position is not None and char is None and position < len(text):
        char = ord(text[position])
    what = f"the character U+{char:04X}" if char is not None else "a character"
    kind = ("a control character" if char is not None and (char < 0x20 or 0x7F <= char <= 0x9F)
            else "a character")
    line = column = None
    if position is not None:
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    at = f" (column {column})" if column is not None else ""
    return InputFileError(
        code, f"holds {what}{at}, {kind} that YAML does not allow.", path=path, line=line,
        hint="Remove it or re-save the file as plain UTF-8 text.")


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
    elif what.startswith("cannot read"):
        hint = 'Correct the value, or quote it to keep it as text (e.g. when: "2024-13-45").'
    elif "alias" in what or "anchor" in what:
        hint = ("A value that starts with * or & must be quoted; an alias *name repeats what one "
                "&name (given once, before it) stands for.")
    elif "expected a single document" in what:
        hint = "Keep one document per file: remove the extra `---` line."
    else:
        hint = ("Check the indentation and the quotes on that line and the one before; "
                "values starting with [ { * & ! ? % @ ` # or containing ': ' need quotes.")
    return InputFileError(code, f"is not valid YAML: {what}.", path=path, line=line, hint=hint)


def _walk(loader: yaml.SafeLoader, root: yaml.Node, lines: dict[KeyPath, int], *,
          path: str | Path | None, code: str) -> None:
    """Record the line of every key and item under ``root``, without recursion.

    Each node is walked once: what an alias repeats was located where its anchor
    stands (an anchor always comes before its aliases), so the walk costs what the
    text holds, not what the aliases expand to; an item or key that is an alias gets
    the alias's line. Keys merged in by ``<<: *defaults``
    are given the line where the defaults say them, unless the mapping says them too.
    """
    alias_lines = getattr(loader, "alias_lines", {})
    walked: set[int] = set()
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while stack:
        node, at = stack.pop()
        if id(node) in walked:
            continue
        walked.add(id(node))
        children: list[tuple[yaml.Node, KeyPath]] = []
        if isinstance(node, yaml.MappingNode):
            seen: dict[Hashable, int] = {}
            merged: list[yaml.Node] = []
            for n, (key_node, value_node) in enumerate(node.value):
                if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` or `<<: [*a, *b]`
                    merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                    continue
                key = _key(loader, key_node)
                line = alias_lines.get((id(node), n), key_node.start_mark.line + 1)
                if key in seen:
                    raise InputFileError(
                        code, f'the key "{key}" is given twice in the same block (first on line {seen[key]}).',
                        path=path, line=line, hint="Keep one of them; YAML would silently drop the first.")
                seen[key] = line
                lines.setdefault((*at, key), line)
                children.append((value_node, (*at, key)))
            for other in merged:  # what the mapping says itself wins over what it merges
                if isinstance(other, yaml.MappingNode):
                    for key_node, _ in other.value:
                        if key_node.tag != "tag:yaml.org,2002:merge":
                            lines.setdefault((*at, _key(loader, key_node)), key_node.start_mark.line + 1)
                children.append((other, at))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault((*at, i), alias_lines.get((id(node), i), item.start_mark.line + 1))
                children.append((item, (*at, i)))
        stack.extend(reversed(children))


def _key(loader: yaml.SafeLoader, node: yaml.Node) -> Hashable:
    if isinstance(node, yaml.ScalarNode):
        key = loader.construct_object(node)
        if isinstance(key, Hashable):  # `!!map :` makes an empty dict of a scalar key
            return key
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


def _check_dumpable(data: Any) -> None:
    """Refuse what :func:`load_yaml_with_lines` would refuse to read back, without recursion.

    Shared objects are written out at each place (no aliases), so they are counted
    at each place; a list or mapping inside itself could never be written out.
    """
    count = 0
    inside: set[int] = set()  # the containers around the value being looked at
    stack: list[tuple[Any, int, bool]] = [(data, 0, False)]
    while stack:
        value, depth, leaving = stack.pop()
        if leaving:
            inside.discard(id(value))
            continue
        count += 1
        if count > MAX_NODES:
            raise SchemaError("RK-S02", f"the data to write as YAML holds more than {MAX_NODES:,} keys, values and "
                              "items (shared lists and mappings counted at each place).",
                              hint="Write less at once: shared objects are written out in full each time.")
        if isinstance(value, Mapping):
            children = [x for pair in value.items() for x in pair]
        elif isinstance(value, (list, tuple)):
            children = list(value)
        else:
            continue
        if id(value) in inside:
            raise SchemaError("RK-S02", f"the data to write as YAML holds a {type(value).__name__} inside itself.",
                              hint="Copy the inner value instead of putting the container in itself.")
        if depth + 1 > MAX_DEPTH:
            raise SchemaError("RK-S02", f"the data to write as YAML nests lists and mappings more than "
                              f"{MAX_DEPTH} levels deep.", hint="Flatten the structure.")
        inside.add(id(value))
        stack.append((value, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children))


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
        (tuples come back as lists). It holds no ``&anchor`` or ``*alias``, even for an
        object given at several places, so reading it back needs no alias expansion.

    Raises
    ------
    SchemaError
        ``RK-S02`` for data that :func:`load_yaml_with_lines` would refuse to read
        back: a list or mapping inside itself, more than :data:`MAX_NODES` keys and
        values (shared objects counted at each place), more than :data:`MAX_DEPTH` levels.

    Examples
    --------
    >>> print(dump_yaml({"title": "Médiation", "languages": ["fr", "en"]}), end="")
    title: Médiation
    languages: [fr, en]
    """
    _check_dumpable(data)
    return yaml.dump(
        _prepare(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
