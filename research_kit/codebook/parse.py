"""From a codebook as YAML gives it (a mapping of title, languages and codes) to a :class:`Codebook`.

:class:`Parser` walks the data, nested ``children`` and ``parent:`` keys alike, records
every problem with the place it was found (``RK-K02`` to ``RK-K18``), and builds the
entries; :func:`codebook_from_data` raises them all at once or returns the
:class:`~research_kit.codebook.model.Codebook`. A CSV codebook reaches the parser in the
same form (:func:`research_kit.codebook.csvformat.csv_data`), so both formats say the
same things about the same mistakes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._yaml import KeyPath
from ..errors import did_you_mean
from .checks import FALSE_WORDS, TRUE_WORDS, Problems, check_hierarchy, describe, pattern_error
from .model import OKABE_ITO, RULE_KINDS, TEXT_FIELDS, CodeEntry, Codebook, Rules
from .regexes import regex_problem

TOP_KEYS = ("title", "description", "languages", "codes")
CODE_KEYS = ("id", "parent", *TEXT_FIELDS, "examples", "color", "codable", "rules", "children")

_ID_RE = re.compile(r"^\w[\w.\-]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
_COLOR_RE = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_END = object()


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _flat(text: str) -> str:
    return " ".join(text.split())


class Parser:
    """Turns parsed YAML (or rows of a CSV) into entries, recording every problem."""

    def __init__(self, problems: Problems, *, check_patterns: bool = True) -> None:
        self.p = problems
        self.check_patterns = check_patterns
        self.languages: tuple[str, ...] = ("fr",)
        self.refs: list[tuple[str, str | None, KeyPath, KeyPath]] = []
        self.entries: list[CodeEntry] = []

    # -- top level
    def parse(self, data: Any) -> tuple[str, str, tuple[str, ...], list[CodeEntry]]:
        p = self.p
        if data is None:
            p.add("RK-K18", (), "the codebook is empty.", hint="Start from docs/codebook.md or corpora/demo/codebook.yml.")
            return "", "", self.languages, []
        if not isinstance(data, Mapping):
            p.add("RK-K02", (), f"a codebook is a mapping with the keys title, languages and codes; got {describe(data)}.",
                  hint="See docs/codebook.md for the format.")
            return "", "", self.languages, []
        for key in data:
            if key not in TOP_KEYS:
                p.add("RK-K03", (key,), f'unknown key "{key}" at the top of the codebook.' + did_you_mean(key, TOP_KEYS),
                      hint="The top-level keys are title, description, languages and codes.")
        title = self._plain(data.get("title"), ("title",), "title")
        description = self._plain(data.get("description"), ("description",), "description")
        codes = data.get("codes")
        self.languages = self._languages(data.get("languages"), codes)
        if codes is None:
            p.add("RK-K18", (), "the codebook has no codes: add a `codes:` list.", hint="See docs/codebook.md.")
        elif not isinstance(codes, list):
            p.add("RK-K02", ("codes",), f"codes must be a list of codes (lines starting with `- id:`); got {describe(codes)}.")
        elif not codes:
            p.add("RK-K18", ("codes",), "the codebook has no codes: the `codes:` list is empty.")
        else:
            self._codes(codes, ("codes",), None)
        check_hierarchy(self.refs, p)
        return title, description, self.languages, self.entries

    def _plain(self, value: Any, at: KeyPath, what: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.p.add("RK-K02", at, f"{what} must be a text; got {describe(value)}.")
            return ""
        return str(value).strip()

    def _languages(self, value: Any, codes: Any) -> tuple[str, ...]:
        if value is None:
            return tuple(_languages_used(codes)) or ("fr",)
        if isinstance(value, str):
            items: list[Any] = value.replace(",", " ").split()
            paths: list[KeyPath] = [("languages",)] * len(items)
        elif isinstance(value, list):
            items = value
            paths = [("languages", i) for i in range(len(items))]
        else:
            self.p.add("RK-K13", ("languages",), f"languages must be a list such as [fr, en]; got {describe(value)}.")
            return tuple(_languages_used(codes)) or ("fr",)
        out: list[str] = []
        for item, at in zip(items, paths):
            if not isinstance(item, str) or not _LANG_RE.match(item):
                self.p.add("RK-K13", at, f"{describe(item)} is not a language code.",
                           hint="Use ISO 639-1 codes in lower case: fr, en, nl, es…")
            elif item in out:
                self.p.add("RK-K13", at, f'the language "{item}" is listed twice.')
            else:
                out.append(item)
        if not out:
            if not items:
                self.p.add("RK-K13", ("languages",), "languages is empty.", hint="List them, e.g. languages: [fr, en].")
            return tuple(_languages_used(codes)) or ("fr",)
        return tuple(out)

    # -- codes
    def _codes(self, items: list[Any], at: KeyPath, nesting_parent: str | None) -> None:
        """Each code, then its children, then its next sibling (iteratively: nesting may be deep)."""
        stack: list[tuple[list[Any], KeyPath, str | None, int]] = [(items, at, nesting_parent, 0)]
        while stack:
            items, at, parent, i = stack.pop()
            if i >= len(items):
                continue
            stack.append((items, at, parent, i + 1))
            children = self._code(items[i], (*at, i), parent)
            if children is not None:
                stack.append((*children, 0))

    def _code(self, item: Any, at: KeyPath,
              nesting_parent: str | None) -> tuple[list[Any], KeyPath, str | None] | None:
        """Reads one code; returns its children to read next, with their place and parent."""
        p = self.p
        if not isinstance(item, Mapping):
            p.add("RK-K02", at, f"a code is a mapping with at least an id and a label; got {describe(item)}.",
                  hint="Start each code with `- id: ...` and indent its keys under it.")
            return None
        code = self._id(item, at)
        who = f'code "{code}"' if code else "a code"
        for key in item:
            if key not in CODE_KEYS:
                p.add("RK-K03", (*at, key), f'unknown key "{key}" in {who}.' + did_you_mean(key, CODE_KEYS),
                      hint="A code's keys are " + ", ".join(CODE_KEYS) + ".")
        parent, parent_at = nesting_parent, (*at, "id")
        if "parent" in item and item["parent"] is not None:
            value = item["parent"]
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                p.add("RK-K02", (*at, "parent"), f"{who}: parent must be a code id; got {describe(value)}.")
            elif nesting_parent is not None and value.strip() != nesting_parent:
                p.add("RK-K08", (*at, "parent"),
                      f'{who} is nested under "{nesting_parent}" but says parent: {value.strip()}.',
                      hint="Keep the nesting and remove the parent: key, or move the code.")
            else:
                parent, parent_at = value.strip(), (*at, "parent")
        texts = {name: self._text(item.get(name), (*at, name), who, name) for name in TEXT_FIELDS}
        if not any(texts["label"].values()):
            p.add("RK-K09", (*at, "label") if "label" in item else (*at, "id"),
                  f"{who} has no label: give it a non-empty label in at least one language.",
                  hint="Fill label_fr or label_en." if p.csv else "For example label: {fr: Épuisement, en: Exhaustion}.")
        examples = self._examples(item.get("examples"), (*at, "examples"), who)
        color = self._color(item, at, who)
        codable = item.get("codable", True)
        if codable is None:
            codable = True
        if isinstance(codable, str) and codable.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            codable = codable.strip().lower() in TRUE_WORDS  # "codable: non", as the CSV form accepts
        if not isinstance(codable, bool):
            p.add("RK-K11", (*at, "codable"), f"{who}: codable must be true or false; got {describe(codable)}.",
                  hint="Write true, or false for a folder that only groups codes"
                       + ("." if p.csv else ", without quotes."))
            codable = True
        rules = self._rules(item.get("rules"), (*at, "rules"), who, codable)
        if code is not None:
            self.refs.append((code, parent, (*at, "id"), parent_at))
            self.entries.append(CodeEntry(code, parent, texts["label"], texts["definition"], texts["when_to_use"],
                                          texts["when_not_to_use"], examples, color, codable, rules))
        children = item.get("children")
        if children is None:
            return None
        if not isinstance(children, list):
            p.add("RK-K02", (*at, "children"), f"{who}: children must be a list of codes; got {describe(children)}.")
            return None
        return children, (*at, "children"), code

    def _id(self, item: Mapping[str, Any], at: KeyPath) -> str | None:
        if "id" not in item or item["id"] is None:
            self.p.add("RK-K04", at, "a code has no id.", hint="Add `id: ...` (letters, digits, '.', '_', '-').")
            return None
        value = item["id"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, float):
            self.p.add("RK-K04", (*at, "id"), f"the id {value!r} is read as a number.",
                       hint=f'Quote it: id: "{value}".')
            return None
        if not isinstance(value, str) or not _ID_RE.match(value.strip()):
            self.p.add("RK-K04", (*at, "id"), f"{describe(value)} is not a valid code id.",
                       hint="An id starts with a letter or digit and holds letters, digits, '.', '_' and '-' only.")
            return None
        return value.strip()

    def _lang_ok(self, lang: Any, at: KeyPath, who: str, what: str) -> bool:
        if lang in self.languages:
            return True
        if lang in RULE_KINDS and what == "rules":
            self.p.add("RK-K02", at, f'{who}: rules must be grouped by language, e.g. rules: {{fr: {{{lang}: [...]}}}}.')
            return False
        self.p.add("RK-K12", at,
                   f'{who}: {what} given in "{lang}", which is not one of the codebook\'s languages '
                   f"({', '.join(self.languages)})." + did_you_mean(lang, self.languages),
                   hint="Add it to the codebook's languages, or fix the language code.")
        return False

    def _text(self, value: Any, at: KeyPath, who: str, what: str) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = _flat(str(value)) if what == "label" else str(value).strip()
            return {self.languages[0]: text} if text else {}
        if not isinstance(value, Mapping):
            self.p.add("RK-K02", at, f"{who}: {what} must be a text, or a mapping of language to text such as "
                                     f"{{fr: ..., en: ...}}; got {describe(value)}.")
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not self._lang_ok(lang, (*at, lang), who, what) or text is None:
                continue
            if isinstance(text, bool) or not isinstance(text, (str, int, float)):
                self.p.add("RK-K02", (*at, lang), f"{who}: {what} ({lang}) must be a text; got {describe(text)}.")
                continue
            clean = _flat(str(text)) if what == "label" else str(text).strip()
            if clean:
                out[lang] = clean
        return out

    def _examples(self, value: Any, at: KeyPath, who: str) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if isinstance(value, (str, list)):
            value = {self.languages[0]: value}
            at_of = lambda lang: at  # noqa: E731
        elif isinstance(value, Mapping):
            at_of = lambda lang: (*at, lang)  # noqa: E731
        else:
            self.p.add("RK-K02", at, f"{who}: examples must be a list of quotes per language; got {describe(value)}.")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in value.items():
            here = at_of(lang)
            if not self._lang_ok(lang, here, who, "examples") or items is None:
                continue
            items = [items] if isinstance(items, str) else items
            if not isinstance(items, list):
                self.p.add("RK-K02", here, f"{who}: examples ({lang}) must be a list of quotes; got {describe(items)}.")
                continue
            kept = []
            for j, ex in enumerate(items):
                if not isinstance(ex, str):
                    self.p.add("RK-K02", (*here, j), f"{who}: example {j + 1} ({lang}) must be a text; got {describe(ex)}.")
                elif _flat(ex):
                    kept.append(_flat(ex))
            if kept:
                out[lang] = tuple(kept)
        return out

    def _color(self, item: Mapping[str, Any], at: KeyPath, who: str) -> str | None:
        if "color" not in item:
            return None
        value = item["color"]
        palette = ", ".join(OKABE_ITO)
        if value is None:
            self.p.add("RK-K10", (*at, "color"), f"{who}: color is empty.",
                       hint='In YAML "#" starts a comment: put the colour in quotes, color: "#0072B2", '
                            "or remove the key.")
            return None
        if not isinstance(value, str) or not _COLOR_RE.match(value.strip()):
            self.p.add("RK-K10", (*at, "color"), f"{who}: color {value!r} is not a colour written #RRGGBB.",
                       hint=f"Colour-blind-safe choices (Okabe-Ito): {palette}.")
            return None
        digits = value.strip().lstrip("#").upper()
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits

    # -- rules
    def _rules(self, value: Any, at: KeyPath, who: str, codable: bool) -> dict[str, Rules]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.p.add("RK-K02", at, f"{who}: rules must be a mapping of language to rules, "
                                     f"e.g. rules: {{fr: {{lemmas: [fatigue]}}}}; got {describe(value)}.")
            return {}
        out: dict[str, Rules] = {}
        for lang, ruleset in value.items():
            here = (*at, lang)
            if not self._lang_ok(lang, here, who, "rules") or ruleset is None:
                continue
            if not isinstance(ruleset, Mapping):
                self.p.add("RK-K02", here, f"{who}: rules ({lang}) must map lemmas, phrases, patterns or regex "
                                           f"to lists; got {describe(ruleset)}.")
                continue
            kinds: dict[str, tuple[Any, ...]] = {}
            for kind, items in ruleset.items():
                if kind not in RULE_KINDS:
                    self.p.add("RK-K03", (*here, kind), f'{who}: unknown kind of rule "{kind}" ({lang}).'
                               + did_you_mean(kind, RULE_KINDS),
                               hint="The kinds are lemmas, phrases, patterns and regex.")
                    continue
                check = {"lemmas": self._words, "phrases": self._words,
                         "regex": self._regex, "patterns": self._patterns}[kind]
                kinds[kind] = check(items, (*here, kind), who, lang, kind)
            rules = Rules(**kinds)
            if rules:
                out[lang] = rules
        if out and not codable:
            self.p.add("RK-K17", at, f"{who} has rules but codable: false; a folder is never coded.",
                       hint="Move the rules to a child code, or set codable: true.")
        return out

    def _items(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> list[tuple[KeyPath, str]]:
        if items is None:
            return []
        if isinstance(items, str):
            return [(at, items)]
        if not isinstance(items, list):
            self.p.add("RK-K02", at, f"{who}: {kind} ({lang}) must be a list; got {describe(items)}.")
            return []
        out = []
        for j, item in enumerate(items):
            if isinstance(item, str):
                out.append(((*at, j), item))
            else:
                self.p.add("RK-K16", (*at, j), f"{who}: {kind} ({lang}) item {j + 1} must be a text; got {describe(item)}.",
                           hint="Quote it.")
        return out

    def _words(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for here, raw in self._items(items, at, who, lang, kind):
            text = _flat(raw)
            if not text:
                self.p.add("RK-K16", here, f"{who}: an empty item in {kind} ({lang}).", hint="Remove it.")
            elif kind == "lemmas" and " " in text:
                self.p.add("RK-K16", here, f'{who}: the lemma "{text}" ({lang}) has a space, but a lemma is one word.',
                           hint="Put it under phrases.")
            else:
                out.append(text)
        return tuple(out)

    def _regex(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for here, raw in self._items(items, at, who, lang, kind):
            text = raw.strip()
            problem = regex_problem(text)
            if problem is not None:
                code, what, hint = problem
                if hint is None:  # a syntax error
                    hint = "Fix it (Python syntax)." if self.p.csv else \
                        "Fix it (Python syntax); in YAML keep it in single quotes: '\\bburn-?out\\b'."
                self.p.add(code, here, f'{who}: the regular expression "{text}" ({lang}) {what}', hint=hint)
                continue
            out.append(text)
        return tuple(out)

    def _patterns(self, items: Any, at: KeyPath, who: str, lang: str, kind: str) -> tuple[tuple[dict[str, Any], ...], ...]:
        example = "patterns: [[{LEMMA: prendre}, {LEMMA: soin}]]"
        if items is None:
            return ()
        if not isinstance(items, list):
            self.p.add("RK-K15", at, f"{who}: patterns ({lang}) must be a list of spaCy token patterns; "
                                     f"got {describe(items)}.", hint=f"For example {example}.")
            return ()
        if items and all(isinstance(t, Mapping) for t in items):
            self.p.add("RK-K15", at, f"{who}: patterns ({lang}) holds tokens, not patterns: each pattern is "
                                     "itself a list of tokens.", hint=f"Add the brackets: {example}.")
            return ()
        out = []
        for j, pattern in enumerate(items):
            error = pattern_error(pattern, with_spacy=self.check_patterns)
            if error:
                self.p.add("RK-K15", (*at, j), f"{who}: spaCy pattern {j + 1} ({lang}) is invalid: {_sentence(error)}",
                           hint="See https://spacy.io/usage/rule-based-matching; attributes are LEMMA, LOWER, "
                                "TEXT, POS, OP…")
                continue
            out.append(tuple(copy.deepcopy(dict(token)) for token in pattern))
        return tuple(out)


def _languages_used(codes: Any) -> list[str]:
    """Languages used as keys in the codes' texts and rules, in order of appearance."""
    out: list[str] = []
    stack = [iter(codes)] if isinstance(codes, list) else []
    while stack:  # depth-first, in file order, without recursion
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
            continue
        if not isinstance(item, Mapping):
            continue
        for name in (*TEXT_FIELDS, "examples", "rules"):
            value = item.get(name)
            if isinstance(value, Mapping):
                out.extend(k for k in value if isinstance(k, str) and _LANG_RE.match(k) and k not in out)
        children = item.get("children")
        if isinstance(children, list):
            stack.append(iter(children))
    return out


def codebook_from_data(data: Any, problems: Problems, path: str | Path | None, *,
                       check_patterns: bool = True) -> Codebook:
    """The :class:`Codebook` that ``data`` describes; raises every problem in ``problems`` at once.

    ``problems`` carries the lines of ``data``'s keys, so that each problem names its line.
    """
    title, description, languages, entries = Parser(problems, check_patterns=check_patterns).parse(data)
    problems.raise_if_any()
    return Codebook(tuple(entries), title=title, languages=languages, description=description,
                    path=None if path is None else Path(path))
