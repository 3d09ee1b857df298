"""Show a brief's content in a notebook, as blocks every renderer understands.

Each function displays one piece (Markdown, an HTML table, a PNG) for JupyterLab and
attaches the same piece as a block (see :mod:`research_kit.blocks`) under
``blocks.MIME``. Only these blocks reach the HTML, DOCX, PDF, Markdown, slides and
cards, so a brief contains what its notebook *showed*, never its code or stray output.
Outside IPython the functions return the block and display nothing.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .blocks import MIME, check_block
from .i18n import column, t
from .tokens import PLACEHOLDER

_NOTE = re.compile(r"\[[^\]\n]{1,40}\]")  # a transcriber's [rires], [inaudible]: not words to quote

__all__ = ["meta", "heading", "paragraph", "bullets", "metrics", "table", "figure", "quotes", "questions", "note",
           "fmt"]


def _display(block: dict[str, Any], bundle: dict[str, Any]) -> dict[str, Any]:
    check_block(block)
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


def table(frame: pd.DataFrame, *, lang: str = "fr", caption: str | None = None, max_rows: int = 25,
          percent: Sequence[str] = ()) -> dict[str, Any]:
    """A table; column headers translated with :func:`research_kit.i18n.column`.

    ``percent`` names columns holding shares (0–1) to print as percentages.
    """
    frame = frame.head(max_rows)
    columns = [column(str(c), lang) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False):
        row = []
        for name, value in zip(frame.columns, record):
            if name in percent and isinstance(value, (float, np.floating)) and not np.isnan(value):
                row.append(f"{100 * value:.0f}\u00a0%" if lang == "fr" else f"{100 * value:.0f}%")
            else:
                row.append(fmt(value, lang))
        rows.append(row)
    block = {"kind": "table", "columns": columns, "rows": rows, "caption": caption}
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
    plt.close(fig)
    block = {"kind": "figure", "png": png, "svg": svg_text, "alt": alt, "caption": caption, "name": name}
    return _display(block, {"image/png": png, "text/plain": alt})


def _quote_text(text: str) -> str:
    """A passage as a quote shows it: transcribers' notes (``[rires]``) dropped, white space collapsed.

    The placeholders of pseudonymisation (``[adresse]``, ``[lieu 3]``) stay: they stand
    for words that were said.

    Examples
    --------
    >>> _quote_text("c'est au [adresse], au sous-sol [rires]")
    "c'est au [adresse], au sous-sol"
    """
    kept = _NOTE.sub(lambda m: m.group(0) if PLACEHOLDER.fullmatch(m.group(0)) else " ", text)
    return " ".join(kept.split())


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
        block = {"kind": "quote", "text": _quote_text(str(r["text"])), "speaker": str(r["speaker"]), "role": role,
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
