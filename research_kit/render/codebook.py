"""A codebook's review document, as brief blocks: Markdown and Word through the brief writers.

:func:`codebook_blocks` lays a :class:`~research_kit.codebook.Codebook` out in the brief
block model (see :mod:`research_kit.blocks`): the title and a line on its languages and
codes, an outline, then one numbered heading per code (one level per level of the
hierarchy, up to three; the numbers show deeper ones, in full down to seven levels) with
its id, colour, definition, when to use it and when not, examples, and a summary of its
rules in every language.
:func:`codebook_markdown` and :func:`write_codebook_docx` draw those blocks with the
Markdown and DOCX writers every brief uses. Fixed words come from :mod:`research_kit.i18n`
(``codebook.`` and ``render.`` messages), in English for a language it does not have.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..codebook import Codebook, CodeEntry, Rules
from ..errors import check_option
from ..i18n import LANGS, t
from .docx import docx_bytes
from .layout import code_span, prepare
from .markdown import markdown_text

__all__ = ["codebook_blocks", "codebook_markdown", "write_codebook_docx"]


def codebook_blocks(codebook: Codebook, *, lang: str) -> list[dict[str, Any]]:
    """The review document of ``codebook`` as brief blocks.

    Parameters
    ----------
    codebook
        The codebook.
    lang
        Language of the labels, texts and headings; one of ``codebook.languages``.
        Texts missing in ``lang`` are shown in another language, marked ``[en]``.

    Returns
    -------
    list of dict
        A ``meta`` block (title; languages and number of codes as its notice), then
        ``paragraph`` (the description first), ``heading`` and ``bullets`` blocks. Code
        headings carry the code's ``color`` (``#RRGGBB``), drawn as a swatch; ids,
        colours, spaCy patterns and regular expressions are `` `code` `` spans.

    Raises
    ------
    ParameterError
        ``RK-P01`` when ``lang`` is not one of the codebook's languages.

    Examples
    --------
    >>> from research_kit.codebook import CodeEntry, Codebook
    >>> cb = Codebook((CodeEntry("care", label={"fr": "Soin", "en": "Care"}),), title="Démo")
    >>> [b["kind"] for b in codebook_blocks(cb, lang="en")][:4]
    ['meta', 'heading', 'bullets', 'heading']
    """
    check_option("lang", lang, codebook.languages, function="codebook_blocks")
    return _blocks(codebook, lang)


def codebook_markdown(codebook: Codebook, *, lang: str = "fr") -> str:
    """The codebook as a Markdown document for the team to review.

    Parameters
    ----------
    codebook
        The codebook.
    lang
        Language of the labels, texts and headings; one of ``codebook.languages``.

    Returns
    -------
    str
        Markdown text: the blocks of :func:`codebook_blocks`, as a brief's Markdown.

    Raises
    ------
    ParameterError
        ``RK-P01`` when ``lang`` is not one of the codebook's languages.

    Examples
    --------
    >>> from research_kit.codebook import CodeEntry, Codebook
    >>> cb = Codebook((CodeEntry("care", label={"fr": "Soin", "en": "Care"}),), title="Démo")
    >>> print(codebook_markdown(cb, lang="en").splitlines()[0])
    # Démo
    """
    check_option("lang", lang, codebook.languages, function="codebook_markdown")
    return markdown_text(prepare(_blocks(codebook, lang)))


def write_codebook_docx(codebook: Codebook, path: str | os.PathLike[str], *, lang: str = "fr") -> Path:
    """Write the review document of :func:`codebook_markdown` as a Word file, atomically.

    Codes are real Word headings (``Heading 1``, ``Heading 2``, ``Heading 3``), so the
    navigation pane shows the hierarchy; a heading starts with a square in the code's
    colour.

    Parameters
    ----------
    codebook
        The codebook.
    path
        Where to write the ``.docx`` file; a failure leaves an earlier file untouched.
    lang
        Language of the labels, texts and headings; one of ``codebook.languages``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        ``RK-P01`` when ``lang`` is not one of the codebook's languages.
    """
    check_option("lang", lang, codebook.languages, function="write_codebook_docx")
    return atomic_write_bytes(Path(path), docx_bytes(prepare(_blocks(codebook, lang))))


# --------------------------------------------------------------------------- the blocks


def _pick(texts: Mapping[str, str], lang: str, languages: Sequence[str]) -> str:
    """Text in ``lang``, else in another language with its code in brackets."""
    if texts.get(lang):
        return texts[lang]
    for other in (*languages, *texts):
        if texts.get(other):
            return f"[{other}] {texts[other]}"
    return ""


def _rules_line(rlang: str, rules: Rules, word: Any, quoted: Any) -> str:
    """One language's rules on one line: ``fr : lemmes : a, b ; expressions : « c »``…"""
    sep = word("render.sep")
    parts = []
    if rules.lemmas:
        parts.append(f"{word('codebook.lemmas')}{sep}{', '.join(rules.lemmas)}")
    if rules.phrases:
        parts.append(f"{word('codebook.phrases')}{sep}" + ", ".join(quoted(x) for x in rules.phrases))
    if rules.patterns:
        patterns = (json.dumps([dict(token) for token in p], ensure_ascii=False) for p in rules.patterns)
        parts.append(f"{word('codebook.patterns')}{sep}" + ", ".join(code_span(p) for p in patterns))
    if rules.regex:
        parts.append(f"{word('codebook.regex')}{sep}" + ", ".join(code_span(rx) for rx in rules.regex))
    return f"{rlang}{sep}" + word("codebook.sep").join(parts)


def _entry_blocks(e: CodeEntry, heading: str, depth: int, lang: str, languages: Sequence[str],
                  word: Any, quoted: Any) -> list[dict[str, Any]]:
    sep = word("render.sep")
    out: list[dict[str, Any]] = [{"kind": "heading", "text": heading, "level": depth + 1, "color": e.color}]
    meta = f"{word('codebook.code')}{sep}{code_span(e.code)}"
    if e.color:
        meta += f" · {word('codebook.color')}{sep}{code_span(e.color)}"
    out.append({"kind": "paragraph", "text": meta})
    if not e.codable:
        out.append({"kind": "paragraph", "text": f"*{word('codebook.folder')}*"})
    for name in ("definition", "when_to_use", "when_not_to_use"):
        text = _pick(getattr(e, name), lang, languages)
        if text:
            out.append({"kind": "paragraph", "text": f"**{word('codebook.' + name)}.** {text}"})
    examples = e.examples.get(lang) or next((e.examples[x] for x in languages if e.examples.get(x)), ())
    if examples:
        out.append({"kind": "paragraph", "text": f"**{word('codebook.examples')}.**"})
        out.append({"kind": "bullets", "items": [quoted(x) for x in examples]})
    rule_lines = [_rules_line(rlang, e.rules[rlang], word, quoted) for rlang in languages if e.rules.get(rlang)]
    if rule_lines:
        out.append({"kind": "paragraph", "text": f"**{word('codebook.rules')}.**"})
        out.append({"kind": "bullets", "items": rule_lines})
    return out


#: Levels of a number shown in full: a code deeper than ``_NUMBERED_LEVELS + 1`` levels shows
#: the first ``_NUMBERED_LEVELS`` numbers of its path, "…" for the levels between, and its
#: place among its siblings ("1.2.1.3.1.2.….4"), so that a hierarchy of any depth is
#: numbered in linear time and space.
_NUMBERED_LEVELS = 6


def _blocks(codebook: Codebook, lang: str) -> list[dict[str, Any]]:
    words_lang = lang if lang in LANGS else "en"

    def word(key: str, **values: object) -> str:
        return t(key, words_lang, **values)

    def quoted(text: str) -> str:
        return f"{word('render.open')}{text}{word('render.close')}"

    depth = {code: int(d) for code, d in zip(codebook.codes["code"], codebook.codes["depth"])}
    numbers: dict[str, str] = {}
    heads: dict[str, str] = {}  # codes deeper than _NUMBERED_LEVELS: their ancestor's number at that level
    counters: dict[str | None, int] = {}
    for e in codebook.entries:
        counters[e.parent] = n = counters.get(e.parent, 0) + 1
        if e.parent is None:
            numbers[e.code] = str(n)
        elif depth[e.code] < _NUMBERED_LEVELS:
            numbers[e.code] = f"{numbers[e.parent]}.{n}"
        else:  # "1.2.1.3.1.2.….4": the first levels, then the code's place among its siblings
            heads[e.code] = heads.get(e.parent, numbers[e.parent])
            numbers[e.code] = f"{heads[e.code]}.{'' if depth[e.code] == _NUMBERED_LEVELS else '….'}{n}"

    def heading(e: CodeEntry) -> str:
        number = numbers[e.code] + ("." if depth[e.code] == 0 else "")
        return f"{number} {_pick(e.label, lang, codebook.languages) or e.code}"

    n_codable = sum(e.codable for e in codebook.entries)
    notice = (f"{word('codebook.languages')}{word('render.sep')}{', '.join(codebook.languages)} · "
              + word("codebook.n_codes", n=len(codebook), k=n_codable))
    blocks: list[dict[str, Any]] = [
        {"kind": "meta", "lang": lang, "title": codebook.title or word("codebook.untitled"), "notice": notice}]
    if codebook.description:
        blocks.append({"kind": "paragraph", "text": codebook.description})
    blocks += [{"kind": "heading", "text": word("codebook.outline"), "level": 1},
               {"kind": "bullets", "items": [f"{heading(e)} ({code_span(e.code)})" for e in codebook.entries]}]
    for e in codebook.entries:
        blocks += _entry_blocks(e, heading(e), depth[e.code], lang, codebook.languages, word, quoted)
    return blocks
