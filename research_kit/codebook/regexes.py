"""The check of a rule's regular expression: it compiles, reads alike in both engines, and cannot hang.

:func:`regex_problem` says why a codebook rule may not use a regular expression, or
``None``. Beyond what Python refuses (``RK-K14``), it refuses (``RK-K23``) the shapes
that make a backtracking engine take exponential time on a text that does not match
(*catastrophic backtracking*), found statically on the parsed pattern:

- a repeat (``*``, ``+``, ``{m,n}`` with *n* > 1) over a group holding another part of
  varying length (a repeat such as ``a+`` or ``\\s?``) when nothing that part cannot
  match must come between two of its runs: ``(a+)+``, ``(\\w+\\s?)*``, ``(c?c?)+``;
  ``(\\w+\\s+)*`` is accepted, since a space must follow each word;
- a repeat over alternatives that can begin with the same text: ``(x|x)*``,
  ``(a|ab)+``; ``(?:ed|t)+`` is accepted.

Possessive repeats (``a++``) and atomic groups (``(?>…)``) never backtrack and are
accepted. It also refuses groups nested more than :data:`MAX_REGEX_NESTING` deep,
counted repeats that multiply to more than :data:`MAX_REGEX_REPEATS` (the ``regex``
engine that applies rules unrolls them), and repeated groups holding more than
:data:`MAX_REGEX_VARYING` parts of varying length (so that the check stays quick). The rule is deliberately simple: it may refuse
a harmless pattern of those shapes, and what it misses is still stopped by the time
limit of :func:`research_kit.autocode.autocode`.
"""

from __future__ import annotations

import array
import functools
import itertools
import re
import warnings
from collections.abc import Sequence
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

__all__ = ["regex_problem", "MAX_REGEX_NESTING", "MAX_REGEX_REPEATS", "MAX_REGEX_VARYING"]

#: The deepest nesting of groups and repeats a rule's regular expression may have.
MAX_REGEX_NESTING = 50
#: The most a rule's counted repeats may multiply to through their nesting.
MAX_REGEX_REPEATS = 100_000
#: The most parts of varying length (repeats, alternatives) a repeated group may hold.
MAX_REGEX_VARYING = 200

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
               sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_AT = {sre.AT_BEGINNING: "^", sre.AT_BEGINNING_STRING: r"\A", sre.AT_END: "$", sre.AT_END_STRING: r"\Z",
       sre.AT_BOUNDARY: r"\b", sre.AT_NON_BOUNDARY: r"\B"}
_SCOPED_FLAGS = ((sre.SRE_FLAG_IGNORECASE, "i"), (sre.SRE_FLAG_DOTALL, "s"), (sre.SRE_FLAG_ASCII, "a"))

_NESTED_HINT = (r'Let each text match in one way only: drop one of the two repeats ("(a+)+" matches what "a+" '
                r'matches), require a separator that the inner repeat cannot match ("(\w+\s+)*" rather than '
                r'"(\w+\s?)*"), or make the inner repeat possessive ("a++").')
_ALTERNATION_HINT = (r'Let each text match in one way only: merge the alternatives that can match the same text, so '
                     r'that their first characters tell them apart ("(x|x)*" is "x*", "(a|aa)+" is "a+", '
                     r'"(\\.|.)*" is "(\\.|[^\\])*").')


def regex_problem(text: str) -> tuple[str, str, str | None] | None:
    """Why a codebook rule may not use the regular expression ``text``; ``None`` when it may.

    Returns
    -------
    tuple or None
        ``(code, what, hint)``: ``what`` completes the sentence 'the regular expression
        "…" ' ("is invalid: …"), ``hint`` says how to rewrite it (``None`` for a syntax
        error, whose fix is the caller's to phrase). ``code`` is ``RK-K14`` for an
        expression Python refuses, that the ``regex`` engine applying rules refuses or
        reads otherwise, or that matches the empty text; ``RK-K23`` for one that could
        hang: catastrophic backtracking, groups nested too deep, too many repeats, a repeated
        group too large to check.

    Examples
    --------
    >>> regex_problem(r"(?i)\\bburn-?out\\b") is None
    True
    >>> code, what, hint = regex_problem("(a+)+$")
    >>> code, what[:38]
    ('RK-K23', 'can take exponential time on some text')
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        try:
            parsed = sre_parse.parse(text)  # not re.compile: its cache would hide the warnings
        except re.error as e:
            return "RK-K14", f"is invalid: {e.msg} at position {e.pos}.", None
        except FutureWarning as e:
            return ("RK-K14", f"is read one way by Python and another by the regex engine that applies the rules "
                              f"({_sentence_case(str(e))}).",
                    'Escape the bracket or the doubled sign inside [...]: "\\[" for "[", "\\-" for "-".')
        except RecursionError:
            return "RK-K14", "nests its groups too deeply to be read.", "Remove the parentheses it does not need."
        except (OverflowError, ValueError) as e:
            return "RK-K14", f"is invalid: {_sentence_case(str(e))}.", None
    depth, repeats = _nesting_and_repeats(parsed)
    if depth > MAX_REGEX_NESTING:
        return ("RK-K23", f"nests groups and repeats {depth} deep; a rule may nest them {MAX_REGEX_NESTING} deep at "
                          "most.", "Remove the parentheses it does not need, or split it into several rules.")
    if repeats > MAX_REGEX_REPEATS:
        return ("RK-K23", f"repeats its counted parts {repeats:,} times in all (the counts multiply through the "
                          f"nesting); a rule may count to {MAX_REGEX_REPEATS:,} at most.",
                "Use + or * rather than large counts, or lower them.")
    try:
        compiled = re.compile(text)
    except re.error as e:  # what the compiler checks, e.g. a look-behind of varying width
        return "RK-K14", f"is invalid: {e.msg}" + ("" if e.pos is None else f" at position {e.pos}") + ".", None
    except (RecursionError, OverflowError, ValueError) as e:  # pragma: no cover - parse() refuses those first
        return "RK-K14", f"is invalid: {_sentence_case(str(e))}.", None
    problem = _regex_engine_problem(text)
    if problem is not None:
        return problem
    found = _backtracking(_tree(parsed, parsed.state.flags))
    if found is not None and found[0] == "too many":
        return ("RK-K23", f"repeats a group that holds {found[2][1]:,} parts of varying length (repeats or "
                          f"alternatives); a repeated group may hold {MAX_REGEX_VARYING} at most, so that it can "
                          "be checked for catastrophic backtracking.",
                "Split it into several rules, or list the words under lemmas or phrases.")
    if found is not None:
        # Quote the smallest repeated group of the text that has the problem on its own.
        shown, found = _source_part(text, parsed.state.flags) or (_show(found[1]), found)
        return "RK-K23", _backtracking_message(shown, found), \
            _ALTERNATION_HINT if found[0] == "alternation" else _NESTED_HINT
    if compiled.match("") is not None:
        return ("RK-K14", "matches the empty text, so it would code every segment.",
                "Make it require at least one character.")
    return None


def _backtracking_message(shown: str, found: tuple[str, tuple, tuple]) -> str:
    kind, _, part = found
    if kind == "alternation":
        why = (f'in "{shown}", alternatives that can begin with the same text are repeated, so a text that does '
               "not match is tried in a number of ways that grows exponentially with its length")
    else:
        why = (f'in "{shown}", "{_show(part)}" varies in length inside a repeat and nothing it cannot match '
               "separates two of its runs, so a text that does not match is split between them in a number of "
               "ways that grows exponentially with its length")
    return f"can take exponential time on some texts (catastrophic backtracking): {why}."


def _sentence_case(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _regex_engine_problem(text: str) -> tuple[str, str, str | None] | None:
    """What the ``regex`` engine (which applies the rules, with a time limit) says of ``text``."""
    import regex

    try:
        regex.compile(text, regex.V0)
    except (regex.error, RecursionError, OverflowError, ValueError, MemoryError) as e:
        return ("RK-K14", f"is refused by the regex engine that applies the rules: {_sentence_case(str(e))}.",
                "Keep to the syntax of Python's re module.")
    return None


# --------------------------------------------------------------------------- the parsed pattern


def _nesting_and_repeats(parsed: Any) -> tuple[int, int]:
    """The deepest nesting of groups and repeats, and the largest product of counted repeats (iteratively)."""
    deepest, most = 0, 1
    stack: list[tuple[Any, int, int]] = [(parsed, 0, 1)]
    while stack:
        items, depth, product = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_REGEX_NESTING:
            continue
        for op, av in items:
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                lo, hi, body = av
                count = lo if hi == sre.MAXREPEAT else hi
                inner = product * max(count, 1)
                most = max(most, inner)
                stack.append((body, depth + 1, inner))
            elif op is sre.SUBPATTERN:
                stack.append((av[3], depth + 1, product))
            elif op in (sre.ATOMIC_GROUP,):
                stack.append((av, depth + 1, product))
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                stack.append((av[1], depth + 1, product))
            elif op is sre.BRANCH:
                stack.extend((branch, depth + 1, product) for branch in av[1])
            elif op is sre.GROUPREF_EXISTS:
                stack.extend((arm, depth + 1, product) for arm in av[1:] if arm is not None)
    return deepest, most


# Nodes of the simplified tree, flags resolved (depth is bounded by MAX_REGEX_NESTING):
#   ("char", probe, shown, key, exact) one character; probe: a regex matching exactly the characters it can
#                                      take; key: a literal's letter case-folded; exact: a literal matched
#                                      as it is (no IGNORECASE)
#   ("seq", [nodes])                   a group, capturing or not
#   ("atomic", [nodes])                (?>...): matches in one way
#   ("alt", [[nodes], ...])            alternatives (a conditional group counts as two)
#   ("repeat", lo, hi, [nodes], how)   how: "greedy", "lazy" or "possessive"
#   ("look", [nodes], shown)           a look-around: consumes nothing, but is checked on its own
#   ("zero", shown)                    an anchor: consumes nothing
#   ("ref", shown)                     a back-reference: any text of any length


def _tree(items: Any, flags: int) -> list[tuple]:
    out: list[tuple] = []
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            out.append(_char(op, av, flags))
        elif op is sre.SUBPATTERN:
            _, add, remove, body = av
            out.append(("seq", _tree(body, (flags | add) & ~remove)))
        elif op is sre.ATOMIC_GROUP:
            out.append(("atomic", _tree(av, flags)))
        elif op is sre.BRANCH:
            out.append(("alt", [_tree(branch, flags) for branch in av[1]]))
        elif op is sre.GROUPREF_EXISTS:
            out.append(("alt", [_tree(av[1], flags), _tree(av[2], flags) if av[2] is not None else []]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            lo, hi, body = av
            how = {sre.MAX_REPEAT: "greedy", sre.MIN_REPEAT: "lazy"}.get(op, "possessive")
            out.append(("repeat", lo, hi, _tree(body, flags), how))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = av
            opening = {(sre.ASSERT, 1): "(?=", (sre.ASSERT, -1): "(?<=", (sre.ASSERT_NOT, 1): "(?!",
                       (sre.ASSERT_NOT, -1): "(?<!"}[(op, direction)]
            out.append(("look", _tree(body, flags), opening))
        elif op is sre.AT:
            out.append(("zero", _AT.get(av, "")))
        elif op is sre.GROUPREF:
            out.append(("ref", f"\\{av}"))
        else:  # pragma: no cover - an opcode of a later Python: anything, of any length
            out.append(("ref", "…"))
    return out


def _char(op: Any, av: Any, flags: int) -> tuple:
    """A ``("char", probe, shown, key, exact)`` node (see above).

    Two literals of different keys are different characters, even under IGNORECASE: alternatives
    are sorted by it before they are compared one by one.
    """
    def one(c: int) -> str:
        return f"\\U{c:08x}"

    def seen(c: int) -> str:
        return re.escape(chr(c)) if chr(c).isprintable() else f"\\x{{{c:x}}}"

    key = exact = None
    if op is sre.LITERAL:
        body, shown = one(av), seen(av)
        key = _fold(chr(av))
        exact = None if flags & sre.SRE_FLAG_IGNORECASE else chr(av)
    elif op is sre.NOT_LITERAL:
        body, shown = f"[^{one(av)}]", f"[^{seen(av)}]"
    elif op is sre.ANY:
        body, shown = ".", "."
    else:
        parts, seen_parts, negate = [], [], False
        for kind, value in av:
            if kind is sre.NEGATE:
                negate = True
            elif kind is sre.LITERAL:
                parts.append(one(value))
                seen_parts.append(seen(value))
            elif kind is sre.RANGE:
                parts.append(f"{one(value[0])}-{one(value[1])}")
                seen_parts.append(f"{seen(value[0])}-{seen(value[1])}")
            elif kind is sre.CATEGORY and value in _CATEGORIES:
                parts.append(_CATEGORIES[value])
                seen_parts.append(_CATEGORIES[value])
            else:  # pragma: no cover - not produced by the parser
                return ("char", "(?s:.)", "?", None, None)
        body = "[" + ("^" if negate else "") + "".join(parts) + "]"
        if len(seen_parts) == 1 and not negate and seen_parts[0] in _CATEGORIES.values():
            shown = seen_parts[0]
        else:
            shown = "[" + ("^" if negate else "") + "".join(seen_parts) + "]"
    letters = "".join(letter for flag, letter in _SCOPED_FLAGS if flags & flag)
    return ("char", f"(?{letters}:{body})", shown, key, exact)


def _fold(c: str) -> str:
    """The bucket of a letter under IGNORECASE: its case-folded first letter (re equates dotless i and i too).

    Two letters re matches case-insensitively always share it ("İ" and "i", "ſ" and "s", "ς" and "σ").
    """
    return c.casefold()[:1].replace("ı", "i")


# --------------------------------------------------------------------------- the rule


def _backtracking(tree: list[tuple]) -> tuple[str, tuple, tuple] | None:
    """The first problem of a backtracking repeat: ``(kind, the repeat, the part at fault)``; else ``None``.

    ``kind`` is ``"nested"`` (a part of varying length with nothing to separate its runs) or
    ``"alternation"`` (alternatives that can begin with the same text).
    """
    stack = [tree]
    while stack:
        for node in stack.pop():
            kind = node[0]
            if kind == "repeat":
                _, lo, hi, body, how = node
                if how != "possessive" and hi > 1:
                    problem = _repeat_problem(body)
                    if problem is not None:
                        return problem[0], node, problem[1]
                stack.append(body)
            elif kind in ("seq", "atomic", "look"):
                stack.append(node[1])
            elif kind == "alt":
                stack.extend(node[1])
    return None


def _repeat_problem(body: list[tuple]) -> tuple[str, tuple] | None:
    """Within one backtracking repeat's body, a part that lets a text match in several ways."""
    found: list[tuple[str, tuple, list[list[tuple]], list[int]]] = []
    _varying(body, [], [], found)
    if len(found) > MAX_REGEX_VARYING:
        return "too many", ("count", len(found))
    guarding: dict[tuple[int, frozenset[tuple] | None], list[int]] = {}
    for kind, node, levels, spine in found:
        if kind == "alternation":
            if not _distinct(node[1], _follower(node, levels, spine)):
                return kind, node
            continue
        alphabet = _alphabet(node)
        # The path from one run of `node` to the next: everything of the repeated body but the
        # groups that lead to `node` (the spine). Each level is searched once per alphabet.
        guarded = False
        for level, at in zip(levels, spine):
            key = (id(level), alphabet)
            if key not in guarding:
                guarding[key] = list(itertools.islice(
                    (k for k, item in enumerate(level) if _guards(item, alphabet)), 2))
            if any(k != at for k in guarding[key]):
                guarded = True
                break
        if not guarded:
            return kind, node
    return None


def _varying(items: list[tuple], levels: list[list[tuple]], spine: list[int],
             found: list[tuple[str, tuple, list[list[tuple]], list[int]]]) -> None:
    """Parts of varying length in ``items`` (and the groups they sit in), with the path that leads to them."""
    levels = [*levels, items]
    for i, node in enumerate(items):
        kind, path = node[0], [*spine, i]
        if kind == "repeat":
            _, lo, hi, body, how = node
            if how == "possessive":
                continue
            if lo < hi:
                found.append(("nested", node, levels, path))
            if hi <= 1:
                _varying(body, levels, path, found)
        elif kind == "seq":
            _varying(node[1], levels, path, found)
        elif kind == "alt":
            found.append(("alternation", node, levels, path))
            for branch in node[1]:
                _varying(branch, levels, path, found)
        elif kind == "ref":
            found.append(("nested", node, levels, path))


def _alphabet(node: tuple) -> frozenset[tuple] | None:
    """Every character node ``node`` can consume; ``None`` when that may be any character."""
    out: set[tuple] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current[0]
        if kind == "char":
            out.add(current)
        elif kind == "ref":
            return None
        elif kind in ("seq", "atomic"):
            stack.extend(current[1])
        elif kind == "repeat":
            stack.extend(current[3])
        elif kind == "alt":
            for branch in current[1]:
                stack.extend(branch)
    return frozenset(out)


def _guards(node: tuple, alphabet: frozenset[tuple] | None) -> bool:
    """Whether ``node`` must consume a character outside ``alphabet``."""
    if alphabet is None:
        return False
    kind = node[0]
    if kind == "char":
        return not any(_meet(node, char) for char in alphabet)
    if kind in ("seq", "atomic"):
        return any(_guards(item, alphabet) for item in node[1])
    if kind == "repeat":
        return node[1] >= 1 and any(_guards(item, alphabet) for item in node[3])
    if kind == "alt":
        return all(any(_guards(item, alphabet) for item in branch) for branch in node[1])
    return False


def _prefix(branch: list[tuple]) -> tuple[list[tuple], bool]:
    """The characters a branch must begin with, one by one, and whether they are all of it.

    The walk stops at the first part of varying length (after the first run of a repeat).
    """
    out: list[tuple] = []
    stack = list(reversed(branch))
    while stack:
        node = stack.pop()
        kind = node[0]
        if kind == "char":
            out.append(node)
        elif kind == "seq":
            stack.extend(reversed(node[1]))
        elif kind not in ("zero", "look"):
            if kind == "repeat" and node[1] >= 1:  # its first run begins like its body
                out.extend(_prefix(node[3])[0])
            return out, False
    return out, True


def _first(node: tuple) -> tuple[set[tuple] | None, bool]:
    """The characters ``node`` can begin with (``None``: any), and whether it can match nothing."""
    kind = node[0]
    if kind == "char":
        return {node}, False
    if kind in ("zero", "look"):
        return set(), True
    if kind == "ref":
        return None, True
    if kind == "alt":
        chars: set[tuple] | None = set()
        empty = False
        for branch in node[1]:
            more, can = _first(("seq", branch))
            chars = None if chars is None or more is None else chars | more
            empty |= can
        return chars, empty
    if kind == "repeat":
        chars, empty = _first(("seq", node[3]))
        return chars, empty or node[1] == 0
    chars = set()
    for item in node[1]:  # seq, atomic
        more, empty = _first(item)
        if more is None:
            return None, True
        chars |= more
        if not empty:
            return chars, False
    return chars, True


def _follower(node: tuple, levels: list[list[tuple]], spine: list[int]) -> set[tuple] | None:
    """The characters that can come right after ``node`` inside its repeat (``None``: any).

    After the end of the repeated body comes its next run, back to ``node`` itself.
    """
    after = [item for level, at in reversed(list(zip(levels, spine))) for item in level[at + 1:]]
    before = [item for level, at in zip(levels, spine) for item in level[:at]]
    chars: set[tuple] = set()
    for item in [*after, *before, node]:
        more, empty = _first(item)
        if more is None:
            return None
        chars |= more
        if not empty:
            return chars
    return None


def _distinct(branches: Sequence[list[tuple]], follower: set[tuple] | None) -> bool:
    """Whether no two alternatives, followed by ``follower``, can match the same text.

    Two alternatives differ when they take different characters at some place. When one is
    all of the other's beginning, they differ still if what follows the alternatives cannot
    take the other's next character (``(?:\\s+(?:abc|abcd))+``: a space, never "d").
    """
    prefixes = [_prefix(b) for b in branches]
    # Letters (case-folded) tell most alternatives apart: sorted by them, an alternative can only
    # be confused with those that follow it while its letters are their beginning.
    keys = []
    for chars, _ in prefixes:
        key = []
        for char in chars:
            if char[3] is None:
                break
            key.append(char[3])
        keys.append(tuple(key))
    order = sorted(range(len(prefixes)), key=keys.__getitem__)
    for n, a in enumerate(order):
        for b in order[n + 1:]:
            if keys[b][:len(keys[a])] != keys[a]:
                break
            if not _differ(prefixes[a], prefixes[b], follower):
                return False
    # An alternative whose letters stop early (it begins with a class) meets the others above
    # only while its letters lead; compare it with all of them.
    for a in range(len(prefixes)):
        if len(keys[a]) < len(prefixes[a][0]) or not prefixes[a][1]:
            for b in range(len(prefixes)):
                if b != a and keys[b][:len(keys[a])] != keys[a] and not _differ(prefixes[a], prefixes[b], follower):
                    return False
    return True


def _differ(a: tuple[list[tuple], bool], b: tuple[list[tuple], bool], follower: set[tuple] | None) -> bool:
    (chars_a, whole_a), (chars_b, whole_b) = a, b
    if any(not _meet(x, y) for x, y in zip(chars_a, chars_b)):
        return True
    if len(chars_a) > len(chars_b):
        (chars_a, whole_a), (chars_b, whole_b) = (chars_b, whole_b), (chars_a, whole_a)
    if not whole_a or len(chars_b) == len(chars_a) or follower is None:
        return False
    after = chars_b[len(chars_a)]
    return not any(_meet(after, char) for char in follower)


@functools.lru_cache(maxsize=1)
def _every_character() -> str:
    return array.array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")


@functools.lru_cache(maxsize=16384)
def _meet(x: tuple, y: tuple) -> bool:
    """Whether two character nodes share a character; literals are compared without a search."""
    if x[1] == y[1]:
        return True
    if x[3] is not None and y[3] is not None:  # two literals
        if x[3] != y[3]:
            return False
        return x[4] == y[4] if x[4] is not None and y[4] is not None else True
    for one, other in ((x, y), (y, x)):
        if one[4] is not None:
            return _probe(other[1]).fullmatch(one[4]) is not None
    return _overlap(x[1], y[1])


@functools.lru_cache(maxsize=4096)
def _probe(source: str) -> re.Pattern[str]:
    return re.compile(source)


@functools.lru_cache(maxsize=4096)
def _overlap(a: str, b: str) -> bool:
    """Whether two one-character probes share a character (searched among every code point)."""
    if a == b:
        return True
    pair = re.compile(f"(?={a}){b}")
    if pair.search(_every_character()[:0x250]) is not None:
        return True
    return pair.search(_every_character()) is not None


# --------------------------------------------------------------------------- showing the part at fault


def _source_part(text: str, flags: int) -> tuple[str, tuple[str, tuple, tuple]] | None:
    """The shortest repeated group of ``text`` that has a problem on its own, as written, and that problem."""
    candidates = []
    opened: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and text[j] == "^":
                j += 1
            if j < n and text[j] == "]":
                j += 1
            while j < n and text[j] != "]":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            opened.append(i)
        elif c == ")" and opened:
            start = opened.pop()
            m = re.compile(r"(?:[*+?]|\{\d*,?\d*\})[?+]?").match(text, i + 1)
            if m:
                candidates.append(text[start:m.end()])
        i += 1
    scoped = flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_DOTALL | sre.SRE_FLAG_ASCII | sre.SRE_FLAG_VERBOSE)
    for part in sorted(candidates, key=len):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = sre_parse.parse(part, scoped)
        except (re.error, RecursionError, OverflowError, ValueError):
            continue
        found = _backtracking(_tree(parsed, parsed.state.flags))
        if found is not None and found[0] != "too many":
            return part, found
    return None


def _show(node: tuple) -> str:
    """A node written back as a regular expression (a group may read differently from the source)."""
    kind = node[0]
    if kind == "char":
        return node[2]
    if kind in ("zero", "ref"):
        return node[1]
    if kind == "seq":
        return "(" + "".join(_show(x) for x in node[1]) + ")"
    if kind == "atomic":
        return "(?>" + "".join(_show(x) for x in node[1]) + ")"
    if kind == "look":
        return node[2] + "".join(_show(x) for x in node[1]) + ")"
    if kind == "alt":
        return "(?:" + "|".join("".join(_show(x) for x in b) for b in node[1]) + ")"
    _, lo, hi, body, how = node
    inner = "".join(_show(x) for x in body)
    if len(body) != 1 or body[0][0] in ("repeat", "alt"):
        inner = f"(?:{inner})"
    if (lo, hi) == (0, sre.MAXREPEAT):
        count = "*"
    elif (lo, hi) == (1, sre.MAXREPEAT):
        count = "+"
    elif (lo, hi) == (0, 1):
        count = "?"
    elif hi == sre.MAXREPEAT:
        count = f"{{{lo},}}"
    else:
        count = f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"
    return inner + count + {"greedy": "", "lazy": "?", "possessive": "+"}[how]
