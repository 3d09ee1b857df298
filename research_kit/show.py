"""Show a brief's content in a notebook, as blocks every renderer understands.

Each function displays one piece (Markdown, an HTML table, a PNG) for JupyterLab and
attaches the same piece as a block (see :mod:`research_kit.blocks`) under
``blocks.MIME``. Only these blocks reach the HTML, DOCX, PDF, Markdown, slides and
cards, so a brief contains what its notebook *showed*, never its code or stray output.
Outside IPython the functions return the block and display nothing; inside
:func:`collect`, every block shown is also recorded, so that a script can build a brief
without a notebook.

Nothing is dropped silently: a table cut at ``max_rows`` says so in its caption ("25 of
64 rows shown", and where the rest is when the caller says, ``rest=``). Quotes are shown
as they can be quoted (:func:`quote_text`): transcribers' notes dropped, placeholders of
pseudonymisation kept, guillemets balanced, captions written in capitals put in
sentence case.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .blocks import MIME, check_block
from .errors import check_int
from .i18n import column, percent, t
from .tokens import PLACEHOLDER

_NOTE = re.compile(r"\[[^\]\n]{1,40}\]")  # a transcriber's [rires], [inaudible]: not words to quote

__all__ = ["meta", "heading", "paragraph", "bullets", "metrics", "table", "figure", "quotes", "questions", "note",
           "fmt", "collect", "quote_text"]

_COLLECTING: list[list[dict[str, Any]]] = []


@contextlib.contextmanager
def collect() -> Iterator[list[dict[str, Any]]]:
    """Record every block shown inside the ``with``: the list it yields fills as they are shown.

    Examples
    --------
    >>> with collect() as blocks:
    ...     _ = heading("Qui a pris part")
    >>> [b["text"] for b in blocks]
    ['Qui a pris part']
    """
    blocks: list[dict[str, Any]] = []
    _COLLECTING.append(blocks)
    try:
        yield blocks
    finally:
        _COLLECTING.remove(blocks)


def _display(block: dict[str, Any], bundle: dict[str, Any]) -> dict[str, Any]:
    check_block(block)
    for blocks in _COLLECTING:
        blocks.append(block)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return block
    if get_ipython() is not None:
        display({**bundle, MIME: block}, raw=True)
    return block


def meta(*, lang: str, title: str, subtitle: str | None = None, corpus: str | None = None,
         notice: str | None = None) -> dict[str, Any]:
    """The brief's title block: language, title, subtitle, corpus, date, notice."""
    block = {"kind": "meta", "lang": lang, "title": title, "subtitle": subtitle, "corpus": corpus,
             "generated": date.today().isoformat(), "notice": notice}
    md = f"# {title}\n\n" + (f"*{subtitle}*\n\n" if subtitle else "") + (f"<small>{html.escape(notice)}</small>" if notice else "")
    return _display(block, {"text/markdown": md})


def heading(text: str, level: int = 2) -> dict[str, Any]:
    return _display({"kind": "heading", "text": text, "level": level}, {"text/markdown": "#" * level + " " + text})


def paragraph(text: str) -> dict[str, Any]:
    return _display({"kind": "paragraph", "text": text}, {"text/markdown": text})


def bullets(items: Iterable[str]) -> dict[str, Any]:
    items = [str(i) for i in items]
    return _display({"kind": "bullets", "items": items}, {"text/markdown": "\n".join(f"- {i}" for i in items)})


def metrics(items: Mapping[str, Any], *, lang: str = "fr") -> dict[str, Any]:
    """Key figures, label → value (formatted with :func:`fmt` for ``lang``)."""
    rows = [{"label": str(k), "value": fmt(v, lang)} for k, v in items.items()]
    md = "\n".join(f"- **{r['label']}** : {r['value']}" for r in rows)
    return _display({"kind": "metrics", "items": rows}, {"text/markdown": md})


def fmt(value: Any, lang: str = "fr") -> str:
    """A value as a brief prints it: integers grouped, shares as %, 2 decimals otherwise."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, (pd.Timestamp, date)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}".replace(",", "\u202f" if lang == "fr" else ",")
    if isinstance(value, (float, np.floating)):
        text = f"{float(value) + 0.0:.2f}".replace("-0.00", "0.00")  # no "-0,00"
        return text.replace(".", ",") if lang == "fr" else text
    return str(value)


def table(frame: pd.DataFrame, *, lang: str = "fr", caption: str | None = None, max_rows: int | None = 25,
          percent: Sequence[str] = (), rest: str | None = None) -> dict[str, Any]:
    """A table; column headers translated with :func:`research_kit.i18n.column`.

    Parameters
    ----------
    frame
        The rows to show, in order.
    caption
        What the table shows.
    max_rows
        Show the first ``max_rows`` rows (``None``: all). A table cut so says it in its
        caption ("25 lignes sur 64" / "25 of 64 rows shown"): never silently.
    percent
        Columns holding shares (0–1), printed as percentages.
    rest
        Where the rows left out are, for the caption of a cut table ("annexe B").

    Returns
    -------
    dict
        The ``table`` block; ``total_rows`` holds the number of rows of ``frame``.

    Examples
    --------
    >>> block = table(pd.DataFrame({"n": range(30)}), lang="en", max_rows=25, rest="B")
    >>> block["caption"], len(block["rows"]), block["total_rows"]
    ('25 of 30 rows shown; all in appendix B', 25, 30)
    """
    if max_rows is not None:
        max_rows = check_int(max_rows, "max_rows", function="table", minimum=0)
    total = len(frame)
    shown = frame if max_rows is None else frame.head(max_rows)
    if len(shown) < total:
        cut = t("section.rows_shown", lang, n=len(shown), m=total)
        if rest:
            cut += t("section.rest_in", lang, ref=rest)
        caption = f"{caption} — {cut}" if caption else cut
    frame = shown
    columns = [column(str(c), lang) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False):
        row = []
        for name, value in zip(frame.columns, record):
            if name in percent and isinstance(value, (float, np.floating)) and not np.isnan(value):
                row.append(_percent(value, lang))
            else:
                row.append(fmt(value, lang))
        rows.append(row)
    block = {"kind": "table", "columns": columns, "rows": rows, "caption": caption, "total_rows": total}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return _display(block, {"text/html": f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                            "text/plain": frame.to_string(index=False)})


def figure(fig: Any, *, alt: str, caption: str | None = None, name: str = "figure", svg: bool = True) -> dict[str, Any]:
    """A matplotlib figure, as PNG (and SVG), with its text alternative; the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    svg_text = None
    if svg:
        sbuf = io.StringIO()
        fig.savefig(sbuf, format="svg", bbox_inches="tight", metadata={"Date": None})
        svg_text = sbuf.getvalue()
    slide = _slide_png(fig)
    plt.close(fig)
    block = {"kind": "figure", "png": png, "svg": svg_text, "alt": alt, "caption": caption, "name": name}
    if slide is not None:
        block["slide_png"] = slide
    return _display(block, {"image/png": png, "text/plain": alt})


#: The size (inches) a tall figure is drawn again at for slides. Beside its title on a
#: 13.33 × 7.5 in slide (:mod:`research_kit.render.slides`) it is shown 1.3 times as large,
#: matplotlib's 10 pt text at 13 pt; drawn for the page (7 in wide, 0.35 in per bar), a
#: chart of 20 bars would be shown at 0.8 times, its text at 8 pt.
SLIDE_TALL = (6.3, 5.2)


def _slide_png(fig: Any) -> str | None:
    """A tall figure drawn again for a slide (base64 PNG), or ``None`` when the page's figure does.

    A figure no taller than :data:`SLIDE_TALL`, or wider than tall, is shown large
    enough as it is. A taller one is redrawn :data:`SLIDE_TALL` wide and as tall as
    :data:`SLIDE_TALL`, or 60 % of its height when that is more: its bars come closer,
    its text keeps its size (the layout is matplotlib's constrained one).
    """
    width, height = fig.get_size_inches()
    slide_w, slide_h = SLIDE_TALL
    if height <= slide_h or height < 0.75 * width:
        return None
    fig.set_size_inches(slide_w, max(slide_h, 0.6 * height))
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    finally:
        fig.set_size_inches(width, height)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _percent(value: float, lang: str) -> str:
    return percent(value, lang)


_ELISION = "[…]"
_OPEN_CLOSE = {"«": "»", "“": "”"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(^|[.!?…]\s+|[.!?…][»”\"]\s+|—\s+)([«“\"(]?\s*)([^\W\d_])")


def _balanced(text: str) -> str:
    """Guillemets paired (an unopened ``»`` dropped, an unclosed ``«`` closed at the end) and
    square brackets too: a note or placeholder cut in half (``[rir`` at the end) goes."""
    for opening, closing in _OPEN_CLOSE.items():
        out, depth = [], 0
        for ch in text:
            if ch == opening:
                depth += 1
            elif ch == closing:
                if not depth:
                    continue  # a » that closes nothing quoted here
                depth -= 1
            out.append(ch)
        text = "".join(out)
        if depth:
            text = text.rstrip() + (" " if closing == "»" else "") + closing * depth
    # a bracket that opens and never closes (a cut note): drop it and what follows, if short
    text = re.sub(r"\[[^\[\]]{0,40}$", "", text) if text.count("[") > text.count("]") else text
    text = re.sub(r"^[^\[\]]{0,40}\]", "", text) if text.count("]") > text.count("[") else text
    text = text.replace("[", "").replace("]", "") if text.count("[") != text.count("]") else text
    return text


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _sentence_case(text: str, casing: Mapping[str, str] | None) -> str:
    """Words written in capitals lowered (a known proper noun keeps its form: ``casing``
    maps a lowered word to it), then each sentence starts with a capital, and English "I" stays."""
    casing = casing or {}

    def word(m: re.Match) -> str:
        w = m.group(0)
        if not w.isupper():
            return w  # a pseudonym or a placeholder written in the usual case: as it is
        low = w.lower()
        if low in casing:
            return casing[low]
        if low == "i" or low.startswith(("i'", "i’")):
            return "I" + low[1:]
        return low

    text = _WORD.sub(word, text)
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2) + m.group(3).upper(), text)


def quote_text(text: str, *, casing: Mapping[str, str] | None = None) -> str:
    """A passage as a quote shows it.

    Transcribers' notes (``[rires]``) dropped, white space collapsed; the placeholders
    of pseudonymisation (``[adresse]``, ``[lieu 3]``) and marked elisions (``[…]``)
    stay: they stand for words that were said. Guillemets are balanced (a stray
    ``»`` goes, an unclosed ``«`` is closed), a bracket cut in half goes, and a passage
    written in capitals (live captions) is put in sentence case; ``casing`` maps a
    lowered word to the form it keeps (a proper noun: ``{"kettleford": "Kettleford"}``).

    Examples
    --------
    >>> quote_text("c'est au [adresse], au sous-sol [rires]")
    "c'est au [adresse], au sous-sol"
    >>> quote_text("» et là il dit « on verra")
    'et là il dit « on verra »'
    >>> quote_text("I THINK WE SHOULD MEET IN KETTLEFORD. THANK YOU.", casing={"kettleford": "Kettleford"})
    'I think we should meet in Kettleford. Thank you.'
    """
    kept = _NOTE.sub(lambda m: m.group(0) if PLACEHOLDER.fullmatch(m.group(0)) or m.group(0) == _ELISION else " ",
                     text)
    kept = " ".join(_balanced(kept).split())
    kept = re.sub(r"\s+([,.])(?![.\d])", r"\1", kept)  # where a note went: "[adresse] [rires], tu" → "[adresse], tu"
    if _in_capitals(kept):
        kept = _sentence_case(kept, casing)
    return kept



def quotes(frame: pd.DataFrame, *, theme: str | None = None, lang: str = "fr") -> list[dict[str, Any]]:
    """One quote block per row of a frame with ``text, speaker`` and optionally ``role, title, date``.

    A speaker the transcript does not name (``?``) is shown as such, in ``lang``. The text
    keeps the placeholders of pseudonymisation (``[adresse]``) and drops
    transcribers' notes (``[rires]``).
    """
    unnamed = t("show.unnamed_speaker", lang)
    out = []
    for r in frame.to_dict("records"):
        if str(r.get("speaker")) == "?":
            r = {**r, "speaker": unnamed}
        source = " — ".join(x for x in (r.get("title"), fmt(r.get("date")) if r.get("date") is not None else None)
                            if x and x != "–")
        role = None if r.get("role") is None or pd.isna(r.get("role")) else str(r["role"])
        block = {"kind": "quote", "text": quote_text(str(r["text"])), "speaker": str(r["speaker"]), "role": role,
                 "source": source or None, "theme": r.get("theme", theme)}
        who = block["speaker"] + (f" ({role})" if role else "")
        md = "> " + block["text"].replace("\n", "\n> ") + f"\n>\n> — {who}" + (f", {source}" if source else "")
        out.append(_display(block, {"text/markdown": md}))
    return out


def questions(items: Iterable[str]) -> dict[str, Any]:
    items = [str(i) for i in items]
    md = "\n".join(f"{n}. {q}" for n, q in enumerate(items, start=1))
    return _display({"kind": "questions", "items": items}, {"text/markdown": md})


def note(text: str) -> dict[str, Any]:
    return _display({"kind": "note", "text": text}, {"text/markdown": f"<small>{html.escape(text)}</small>"})
