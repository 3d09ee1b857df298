"""Folded text and phrase matching: how a name is found again, whatever its case or accents.

Every comparison in pseudonymisation runs on *folded* text (:func:`fold`): lower case,
accents removed, apostrophes, spaces and hyphens unified, one character for one, so
that an offset in the folded text is the offset in the original. :class:`PhraseMatcher`
finds token sequences (names, their variants, the key's originals) in a text, longest
first, whole words only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

# ---------------------------------------------------------------------------
# folding: case- and accent-insensitive comparison at unchanged offsets


class _FoldTable(dict):
    """``str.translate`` table folding each character to one lower-case, unaccented character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "’‘ʼ`´":
            out = "'"
        elif ch in "\u00a0\u202f\u2007":
            out = " "
        elif ch in "‐‑":
            out = "-"
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)) or ch
            out = base.lower()[:1] or ch
        self[code] = out
        return out


_FOLD = _FoldTable()
TOKEN = re.compile(r"[^\W_]+")
_NAME_SEPARATORS = set(" -'_")


def fold(text: str) -> str:
    """Lower-case, accents removed, apostrophes and spaces unified; same length as ``text``."""
    return text.translate(_FOLD)


def folded_tokens(text: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(fold(text)))


def folded_phrase(text: str) -> str:
    return " ".join(folded_tokens(text))


def caps_ok(original: str, found: str) -> bool:
    """For a name that is also a common word: every word capitalised in the name is capitalised where found.

    ``Rose`` matches ``Rose`` but not ``rose``; ``Le Fil`` matches ``Le Fil`` but not ``le fil``.
    """
    wanted, seen = TOKEN.findall(original), TOKEN.findall(found)
    if len(wanted) != len(seen):
        return True
    return all(not w[:1].isupper() or f[:1].isupper() for w, f in zip(wanted, seen))


# ---------------------------------------------------------------------------
# phrase matching over folded tokens


class PhraseMatcher:
    """Token sequences -> values; finds them in a text, longest first, whole words only."""

    def __init__(self) -> None:
        self.table: dict[tuple[str, ...], Any] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}

    def __contains__(self, toks: tuple[str, ...]) -> bool:
        return toks in self.table

    def get(self, toks: tuple[str, ...]) -> Any:
        return self.table.get(toks)

    def add(self, toks: tuple[str, ...], value: Any) -> None:
        if not toks:
            return
        self.table[toks] = value
        lens = set(self.lengths.get(toks[0], ()))
        lens.add(len(toks))
        self.lengths[toks[0]] = tuple(sorted(lens, reverse=True))

    def find(self, text: str, folded: str | None = None, *, lenient: bool = False, compounds: bool = True,
             accept: Callable[[int, int, Any], bool] | None = None) -> Iterator[tuple[int, int, Any]]:
        """Yield ``(start, end, value)`` for each match in ``text``, left to right, not overlapping.

        Between the words of a phrase the text may have spaces, hyphens, apostrophes or
        underscores (at most three characters; a full stop after an initial). ``lenient``
        allows any three non-word characters but a line break (for :func:`leaks`);
        ``compounds=False`` lets a name match inside a hyphenated compound (file names
        such as ``entretien-marie-eve-tremblay``). A
        match that ``accept(start, end, value)`` refuses gives way to shorter ones
        (``le Fil``: not ``Le Fil`` the organisation, but maybe ``Fil``).
        """
        if not self.table:
            return
        folded = fold(text) if folded is None else folded
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(folded)]
        n, i = len(toks), 0
        lengths, table = self.lengths, self.table
        while i < n:
            lens = lengths.get(toks[i][2])
            matched = 0
            if lens:
                for size in lens:
                    if i + size > n:
                        continue
                    key = tuple(t[2] for t in toks[i:i + size])
                    if key not in table:
                        continue
                    if size > 1 and not all(self._joined(folded, toks[j], toks[j + 1], lenient)
                                            for j in range(i, i + size - 1)):
                        continue
                    start, end = toks[i][0], toks[i + size - 1][1]
                    if compounds and not lenient and self._inside_compound(folded, start, end):
                        continue
                    if accept is not None and not accept(start, end, table[key]):
                        continue
                    yield start, end, table[key]
                    matched = size
                    break
            i += matched or 1

    @staticmethod
    def _joined(folded: str, left: tuple, right: tuple, lenient: bool) -> bool:
        sep = folded[left[1]:right[0]]
        if len(sep) > 3 or "\n" in sep:
            return False
        if lenient:
            return True
        if sep.startswith(".") and len(left[2]) == 1:  # an initial: "M.-È. Lacasse", "J.F."
            sep = sep[1:]
        return all(c in _NAME_SEPARATORS for c in sep)

    @staticmethod
    def _inside_compound(folded: str, start: int, end: int) -> bool:
        """``Marie-Ève`` must not match inside ``Marie-Ève-Claire``."""
        after = folded[end:end + 2]
        before = folded[max(0, start - 2):start]
        return (len(after) == 2 and after[0] == "-" and after[1].isalnum()) or (
            len(before) == 2 and before[1] == "-" and before[0].isalnum())


# ---------------------------------------------------------------------------
# showing and naming what was found


def in_context(text: str, start: int, end: int, width: int = 40) -> str:
    """``…words before[[match]]words after…``: ``width`` characters either side, on one line."""
    before = text[max(0, start - width):start].replace("\n", " ")
    after = text[end:end + width].replace("\n", " ")
    opening, closing = ("…" if start > width else ""), ("…" if end + width < len(text) else "")
    return f"{opening}{before}[[{text[start:end]}]]{after}{closing}"


def folded_slug(text: str) -> str:
    """``Médiateur·rice 2`` -> ``mediateur-rice-2``: a pseudonym as it goes into a document id or file name.

    Not :func:`research_kit._io.slug`: this one folds each character to one (``ß`` -> ``-``,
    ``ﬁ`` -> ``f``) and never shortens, so document ids and file names stay those that
    earlier runs wrote and the key recorded.
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"
