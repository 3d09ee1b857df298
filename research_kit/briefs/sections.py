"""What research briefs say: one function per section, each showing its content.

A brief notebook is a list of calls to these functions, in the order the brief reads;
each call shows headings, tables, figures and quotes through :mod:`research_kit.show`.
All wording follows ``ctx.lang`` (see :mod:`research_kit.i18n`), role labels and common
variable values included. The figures and quotes come from the corpus the context
holds: run briefs on a pseudonymised corpus and every name they print is a pseudonym.

What a brief says is complete or says what it leaves out:

- a list cut for reading ("8 quotes chosen of 64", the overlaps beyond the first ten, the
  concordance beyond twelve lines) says so and names the appendix where it is whole:
  the sections reserve appendices as they go and :func:`appendix`, the last cell of
  every brief, shows them, so they are complete in every format;
- a top-n list that is a selection by nature (keywords, frequent words) says "the n …
  of M";
- the process brief's register of recommendations and the coding review's
  disagreements are complete, session by session, with each session's title and date.

Numbers are honest about their evidence: recorded time counts only the sessions with
timestamps and says how many those are; people are counted once however transcripts
wrote their names (:func:`research_kit.summary.people`); agreement on a code applied to
fewer than :data:`MIN_CODED_UNITS` units is flagged; coders who coded different
documents are compared on the documents they share; Reinert classes under their share
are flagged. Beside the figures of equality of voice, keyness and agreement, a short
"how to read these numbers" list says in plain words what they mean.

Quotes can be quoted: whole sentences (or an elision marked ``[…]``), transcribers'
notes dropped, placeholders kept, guillemets balanced, captions in capitals put in
sentence case (:func:`research_kit.show.quote_text`), and no passage quoted twice in
one brief.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import show
from ..corpus import count_words
from ..errors import BriefError, check_int
from ..i18n import number, t, term
from .context import REQUEST_CODES, BriefContext, brief_context

__all__ = ["BriefContext", "brief_context", "MIN_CODED_UNITS", "QUOTE_WORDS"]

#: Agreement on a code applied to fewer units is flagged "too few coded units": with n coded
#: units, one decision more or less moves the coefficients by about 1/n, so under 10 a single
#: unit can carry a code across the whole band between Krippendorff's thresholds (0.667, 0.8).
MIN_CODED_UNITS = 10

#: Shortest and longest quote, in words: shorter says little out of context, longer is a
#: passage to read, not a quote to hand out.
QUOTE_WORDS = (8, 80)

#: Log-likelihood thresholds of keyness: p < 0.0001 and p < 0.01 (chi-square, 1 df).
_LL_STRONG, _LL_GOOD = 15.13, 6.63

# ---------------------------------------------------------------------------
# shared pieces


def title(ctx: BriefContext, kind: str, *, subject: str | None = None) -> None:
    """The brief's title block, with the fiction and pseudonymisation notices."""
    notices = []
    if ctx.corpus.manifest.fiction:
        notices.append(t("fiction_notice", ctx.lang))
    if ctx.corpus.manifest.pseudonymised:
        policy = ctx.corpus.manifest.pseudonymisation
        notices.append(t(f"pseudonymised_notice.{policy}" if policy else "pseudonymised_notice", ctx.lang))
    if subject is None:
        docs = ctx.focus.documents
        subject = str(docs["title"].iloc[0]) if len(docs) == 1 else ctx.corpus.title
    show.meta(lang=ctx.lang, title=subject, subtitle=t(kind, ctx.lang), corpus=ctx.corpus.title,
              notice=" ".join(notices) or None)


def appendix(ctx: BriefContext) -> None:
    """The appendices the sections above reserved, in the order they were named (A, B…).

    Every brief notebook ends with this cell: a section that shows part of a list names
    the appendix where the list is complete, and the appendix is shown here, at the end
    of the brief, in every format.
    """
    if ctx._cache.get("register_promised") and not ctx._cache.get("register_shown"):
        raise BriefError("RK-B50", "recommendations(ctx, register=True) told readers that every recommendation is in "
                                   "the register further on, but the brief never showed it.",
                         hint="Call s.recommendation_table(ctx) before s.appendix(ctx), or drop register=True so that "
                              "the complete list goes to an appendix.")
    parts = ctx._cache.get("appendix", [])
    for ref, heading, fill in parts[ctx._cache.get("appendix_shown", 0):]:
        show.heading(t("section.appendix", ctx.lang, ref=ref, title=heading))
        fill()
    ctx._cache["appendix_shown"] = len(parts)


def _reserve(ctx: BriefContext, heading: str, fill: Callable[[], Any]) -> str:
    """Reserve an appendix shown by :func:`appendix` at the end of the brief; return its letter."""
    parts = ctx._cache.setdefault("appendix", [])
    k = len(parts)
    ref = ""
    while True:
        ref = chr(ord("A") + k % 26) + ref
        k = k // 26 - 1
        if k < 0:
            break
    parts.append((ref, heading, fill))
    return ref


def _role(ctx: BriefContext, frame: pd.DataFrame, column: str = "role") -> pd.DataFrame:
    """``frame`` with its role labels in the brief's language (``médiateur·rice`` → ``mediator``)."""
    if column not in frame.columns:
        return frame
    return frame.assign(**{column: frame[column].map(lambda r: term(r, ctx.lang))})


def _session_heading(ctx: BriefContext, doc_id: str) -> str:
    docs = ctx.corpus.documents.set_index("doc_id")
    title_, date = docs.loc[doc_id, "title"], docs.loc[doc_id, "date"]
    if pd.isna(date):
        return str(title_)
    return t("section.session_heading", ctx.lang, title=title_, date=show.fmt(date, ctx.lang))


def _session_order(ctx: BriefContext, doc_ids: Iterable[str]) -> list[str]:
    docs = ctx.corpus.documents
    docs = docs[docs["doc_id"].isin(set(doc_ids))].sort_values(["date", "doc_id"], na_position="last")
    return docs["doc_id"].tolist()


def _by_session(ctx: BriefContext, frame: pd.DataFrame, fill: Callable[[pd.DataFrame], Any], *,
                level: int = 3) -> None:
    """``fill(part)`` for each session of ``frame``, in date order, under the session's title and date.

    With one session the heading is left out: the brief's title names it.
    """
    order = _session_order(ctx, frame["doc_id"].unique())
    for doc_id in order:
        if len(order) > 1:
            show.heading(_session_heading(ctx, doc_id), level=level)
        fill(frame[frame["doc_id"] == doc_id])


def _how_to_read(ctx: BriefContext, keys: Iterable[str], **values: Any) -> None:
    """The "how to read these numbers" list: plain words beside a table or a figure."""
    show.heading(t("read.title", ctx.lang), level=3)
    show.bullets(t(f"read.{k}", ctx.lang, **values) if values else t(f"read.{k}", ctx.lang) for k in keys)


def _people(turns: pd.DataFrame) -> int:
    from ..summary import people

    return int(people(turns).nunique())


def at_a_glance(ctx: BriefContext) -> None:
    """Key figures of the documents in focus.

    Recorded time adds the sessions whose transcript has timestamps, in hours and
    minutes; when some have none, "timed sessions: 3 of 8" says how many it covers.
    People are counted once however the transcripts wrote their names.
    """
    from ..i18n import duration

    focus = ctx.focus
    docs, turns = focus.documents, focus.turns
    timed = docs["duration_s"].notna() & (docs["duration_s"] > 0)
    items = {
        t("date" if len(docs) == 1 else "period", ctx.lang): _date_range(docs),
        t("sessions", ctx.lang): len(docs),
        t("people", ctx.lang): _people(turns),
        t("turns", ctx.lang): len(turns),
        t("words", ctx.lang): int(turns["n_words"].sum()),
    }
    if timed.any():
        items[t("recorded_time", ctx.lang)] = duration(float(docs.loc[timed, "duration_s"].sum()), space="\u00a0")
        if not timed.all():
            items[t("timed_sessions", ctx.lang)] = t("section.n_of_m_total", ctx.lang, n=int(timed.sum()), m=len(docs))
    show.heading(t("at_a_glance", ctx.lang))
    show.metrics(items, lang=ctx.lang)


def _date_range(docs: pd.DataFrame) -> str:
    dates = docs["date"].dropna()
    if dates.empty:
        return "–"
    lo, hi = dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")
    return lo if lo == hi else f"{lo} → {hi}"


def participants(ctx: BriefContext, *, top: int = 30) -> None:
    """Who took part, by role, and the share of the floor by speaker (all of them up to ``top``)."""
    from ..participation import participation
    from ..plots.participation import plot_participation

    top = check_int(top, "top", function="participants", minimum=1)
    show.heading(t("participants", ctx.lang))
    by_role = participation(ctx.focus, by="role", over="corpus")
    cols = [c for c in ("role", "n_speakers", "turns", "words", "share_words") if c in by_role.columns]
    # roles in the brief's language: "mediator" and "médiateur·rice" are one row of a French brief
    table = _role(ctx, by_role[cols].rename(columns={"n_speakers": "speakers"}))
    table["role"] = table["role"].fillna(t("plot.participation.no_role", ctx.lang))
    table = (table.groupby("role", sort=False).sum(numeric_only=True).reset_index()
             .sort_values("words", ascending=False, kind="stable"))
    show.table(table, lang=ctx.lang, max_rows=None, percent=["share_words"])
    by_speaker = participation(ctx.focus, by="speaker", over="corpus")
    by_speaker = by_speaker.sort_values("share_words", ascending=False, kind="stable")
    drawn = min(len(by_speaker), top)
    fig = plot_participation(by_speaker, measure="share_words", lang=ctx.lang, top=drawn or None)
    caption = t("participation", ctx.lang)
    if drawn < len(by_speaker):
        caption += " — " + t("section.speakers_shown", ctx.lang, n=drawn, m=len(by_speaker))
    alt = t("section.alt_share_of_words", ctx.lang) + ", ".join(
        f"{s} {_pct(v, ctx.lang)}" for s, v in zip(by_speaker["speaker"].head(drawn), by_speaker["share_words"].head(drawn)))
    show.figure(fig, alt=alt, caption=caption, name="participation")


def _pct(value: float, lang: str) -> str:
    from ..i18n import percent

    return percent(value, lang)


def equality_of_voice(ctx: BriefContext, *, over_time: bool = False) -> None:
    """Inequality of voice, the share of the person who spoke most and the facilitators', per session.

    Followed by a "how to read these numbers" list, who spoke over whom when the
    transcripts give times, and, with ``over_time``, the inequality from one session to
    the next.
    """
    from ..participation import floor
    from ..plots.participation import plot_floor

    show.heading(t("equality_of_voice", ctx.lang))
    table = floor(ctx.focus, by="speaker", over="document", facilitator_roles=sorted(ctx.facilitators) or None)
    table = table.sort_values(["date", "title"], na_position="last").reset_index(drop=True)
    cols = ["title", "date", "n_speakers", "gini_words", "top_share_words", "facilitator_share_words",
            "participants_gini_words"]
    if len(table) == 1:  # one session: its title and date are the brief's own
        cols = cols[2:]
    show.table(table[[c for c in cols if c in table.columns]], lang=ctx.lang, max_rows=None,
               percent=["top_share_words", "facilitator_share_words"])
    _how_to_read(ctx, ["voice.inequality", "voice.top", "voice.facilitators"])
    _overlaps(ctx)
    if over_time and len(table) > 1:
        fig = plot_floor(table, measure="gini_words", lang=ctx.lang)
        alt = t("plot.participation.gini_words", ctx.lang) + t("render.sep", ctx.lang) + ", ".join(
            f"{d:%Y-%m-%d} {show.fmt(g, ctx.lang)}" for d, g in zip(table["date"], table["gini_words"])
            if not pd.isna(d))
        show.figure(fig, alt=alt, caption=t("over_time", ctx.lang), name="gini-over-time")


def _overlaps(ctx: BriefContext, *, n: int = 10) -> None:
    """Who speaks over whom, when the focus has timed turns that overlap: the first ``n`` pairs, all in an appendix."""
    from ..participation import overlaps

    pairs = overlaps(ctx.focus)
    if pairs.empty:
        return
    pairs = pairs.groupby(["speaker", "over"], sort=False)[["overlaps", "interruptions", "overlap_s"]].sum()
    pairs = pairs.reset_index().sort_values(["overlaps", "overlap_s"], ascending=False, kind="stable")
    pairs["overlap_s"] = pairs["overlap_s"].round(1)
    caption = t("overlaps_title", ctx.lang)
    rest = None
    if len(pairs) > n:
        rest = _reserve(ctx, t("section.appendix.overlaps", ctx.lang),
                        lambda: show.table(pairs, lang=ctx.lang, caption=caption, max_rows=None))
    show.table(pairs, lang=ctx.lang, caption=caption, max_rows=n, rest=rest)
    show.note(t("overlaps_help", ctx.lang))


# ---------------------------------------------------------------------------
# quotes: whole sentences, quoted once


def _sentence_spans(ctx: BriefContext) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per document, the sorted starts and ends of its sentences (spaCy's, else punctuation)."""
    if "sentence_spans" not in ctx._cache:
        from ..recommendations import sentences

        try:
            tokens = ctx.tokens
        except Exception:  # noqa: BLE001 - no annotation at hand: split on punctuation
            tokens = None
        sents = sentences(ctx.corpus, tokens=tokens).sort_values(["doc_id", "start_char"])
        ctx._cache["sentence_spans"] = {d: (g["start_char"].to_numpy(), g["end_char"].to_numpy())
                                        for d, g in sents.groupby("doc_id", sort=False)}
    return ctx._cache["sentence_spans"]


def _turn_spans(ctx: BriefContext) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    if "turn_spans" not in ctx._cache:
        turns = ctx.corpus.turns.sort_values(["doc_id", "start_char"])
        ctx._cache["turn_spans"] = {d: (g["start_char"].to_numpy(), g["end_char"].to_numpy())
                                    for d, g in turns.groupby("doc_id", sort=False)}
    return ctx._cache["turn_spans"]


def _whole_sentences(ctx: BriefContext, doc_id: str, start: int, end: int) -> tuple[int, int, bool, bool]:
    """A passage widened to the sentences it cuts, within its turn: ``(start, end, cut_before, cut_after)``.

    When the whole sentences would make it longer than :data:`QUOTE_WORDS` allows, the
    passage keeps the whole sentences inside it instead; when none is whole inside, it
    keeps its edges and says which one cuts a sentence (an elision to mark ``[…]``).
    """
    text = ctx.corpus.text(doc_id)
    t_starts, t_ends = _turn_spans(ctx).get(doc_id, (np.array([0]), np.array([len(text)])))
    k = max(int(np.searchsorted(t_starts, start, side="right")) - 1, 0)
    lo, hi = int(t_starts[k]), int(t_ends[k])
    start = max(start, lo)
    end = min(end, hi) if end > start else end
    starts, ends = _sentence_spans(ctx).get(doc_id, (np.array([lo]), np.array([hi])))
    i = int(np.searchsorted(starts, start, side="right")) - 1
    j = int(np.searchsorted(starts, max(end - 1, start), side="right")) - 1
    wide_start = max(int(starts[i]), lo) if i >= 0 and start < ends[i] else start
    wide_end = min(int(ends[j]), hi) if j >= 0 and end < ends[j] else end
    cut_before = count_words(text[wide_start:start]) > 0
    cut_after = count_words(text[end:wide_end]) > 0
    if not (cut_before or cut_after) or count_words(text[wide_start:wide_end]) <= QUOTE_WORDS[1]:
        return wide_start, max(wide_end, wide_start), False, False
    # too long once whole: the whole sentences inside the passage
    inner_start = int(starts[i + 1]) if cut_before and i + 1 < len(starts) else start
    inner_end = int(ends[j - 1]) if cut_after and j >= 1 else end
    if inner_end > inner_start and count_words(text[inner_start:inner_end]) >= QUOTE_WORDS[0]:
        return inner_start, inner_end, False, False
    return start, end, cut_before, cut_after


def _casing(ctx: BriefContext) -> dict[str, str]:
    """Words the corpus writes with a capital inside sentences (names of places, programmes):
    the form a caption in capitals gets back when put in sentence case."""
    if "casing" not in ctx._cache:
        counts: Counter[str] = Counter()
        from ..stopwords import stop_words

        texts = [x for x in ctx.corpus.turns["text"] if not _capitals(x)]
        for text in texts:  # words inside sentences: a capital there is the word's own
            counts.update(m.group(1) for m in re.finditer(r"(?<=[^\W\d_,] )([^\W\d_][\w'’-]*)", text))
        for title_ in ctx.corpus.documents["title"].dropna():  # titles name places and programmes
            counts.update(w for w in re.findall(r"[^\W\d_][\w'’-]*", str(title_)) if w[:1].isupper())
        counts.update(_ENGLISH_CAPITALS)
        function = stop_words("fr") | stop_words("en")
        forms: dict[str, str] = {}
        for word, n in counts.items():
            low = word.lower()
            if word != low and low not in function and n > counts.get(low, 0):
                if low not in forms or n > counts[forms[low]]:
                    forms[low] = word
        ctx._cache["casing"] = forms
    return ctx._cache["casing"]


# English writes days, months and languages with a capital: captions in capitals get them back.
_ENGLISH_CAPITALS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                     "February", "March", "April", "June", "July", "August", "September", "October", "November",
                     "December", "English", "French", "Spanish", "Arabic", "Dutch", "Vietnamese", "Chinese", "Mandarin",
                     "Cantonese", "Portuguese", "Italian", "German", "Creole", "Punjabi", "Tagalog", "Somali", "Farsi",
                     "Urdu", "Hindi", "Tamil", "Russian", "Ukrainian", "Polish", "Turkish", "Korean", "Japanese")


def _capitals(text: str) -> bool:
    letters = [c for c in str(text) if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _used(ctx: BriefContext) -> dict[str, list[tuple[int, int]]]:
    return ctx._cache.setdefault("quoted", {})


def _quotable(segs: pd.DataFrame, ctx: BriefContext, n: int, *, prefer_participants: bool = True,
              keep_order: bool = False) -> pd.DataFrame:
    """Pick ``n`` quotes from passages (``doc_id, start_char, end_char, speaker, role`` …).

    Each passage becomes whole sentences (:func:`_whole_sentences`) of 8 to 80 words; a
    passage that overlaps one quoted before in the brief is skipped, so that nothing is
    quoted twice. Unless ``keep_order`` (the passages come ranked), distinct speakers
    come first, participants before facilitators, passages near 30 words before others.
    The picked rows' ``text`` is the quote as shown (elisions marked ``[…]``).
    """
    if segs.empty or n <= 0:
        return segs.iloc[0:0]
    used = _used(ctx)
    rows = []
    for r in segs.to_dict("records"):
        doc_id = r["doc_id"]
        s, e, before, after = _whole_sentences(ctx, doc_id, int(r["start_char"]), int(r["end_char"]))
        text = ctx.corpus.text(doc_id)[s:e].strip()
        words = count_words(text)
        if not QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1]:
            continue
        text = ("[…] " if before else "") + text + (" […]" if after else "")
        rows.append({**r, "start_char": s, "end_char": e, "text": text, "words": words})
    if not rows:
        return segs.iloc[0:0]
    cands = pd.DataFrame(rows)
    fac = cands["role"].isin(ctx.facilitators) if prefer_participants else pd.Series(False, index=cands.index)
    if keep_order:  # ranked passages: the participants' first, each in its rank
        cands = cands.assign(_fac=fac).sort_values("_fac", kind="stable").drop(columns="_fac")
    else:
        cands = cands.assign(_fac=fac, _dist=(cands["words"] - 30).abs())
        cands = cands.sort_values(["_fac", "_dist", "doc_id", "start_char"], kind="stable")
        first = cands.drop_duplicates("speaker")
        cands = pd.concat([first, cands.drop(first.index)]).drop(columns=["_fac", "_dist"])
    picked, seen = [], set()
    for r in cands.to_dict("records"):
        spans = used.get(r["doc_id"], [])
        if any(r["start_char"] < ue and us < r["end_char"] for us, ue in spans):
            continue
        key = " ".join(r["text"].lower().split())
        if key in seen:
            continue
        picked.append(r)
        seen.add(key)
        used.setdefault(r["doc_id"], []).append((r["start_char"], r["end_char"]))
        if len(picked) == n:
            break
    return pd.DataFrame(picked, columns=cands.columns)


def _show_quotes(ctx: BriefContext, picked: pd.DataFrame, *, theme: str | None = None) -> None:
    if picked.empty:
        return
    frame = _role(ctx, picked)
    if theme is not None:
        frame = frame.assign(theme=theme)
    casing = _casing(ctx)
    frame = frame.assign(text=[show.quote_text(x, casing=casing) for x in frame["text"]])
    show.quotes(frame, lang=ctx.lang)


# ---------------------------------------------------------------------------
# session and process sections


def themes(ctx: BriefContext, *, n: int = 5, quotes_per_theme: int = 2) -> None:
    """Every theme (top-level code) of the focus with its counts, and quotes for the ``n`` most coded."""
    from ..coding import coded_segments

    n = check_int(n, "n", function="themes", minimum=1)
    quotes_per_theme = check_int(quotes_per_theme, "quotes_per_theme", function="themes", minimum=0)
    show.heading(t("themes", ctx.lang))
    codings = ctx.codings
    codings = codings[codings["doc_id"].isin(ctx.doc_ids)]
    if codings.empty or ctx.codebook is None:
        show.paragraph(t("no_codings", ctx.lang))
        return
    source = set(codings["coder"])
    show.note(t("codings_from_rules", ctx.lang) if source == {"rules"}
              else t("codings_from_coders", ctx.lang, coders=", ".join(sorted(source - {"rules"}))))
    top_level = {c: (ctx.codebook.ancestors(c)[-1] if ctx.codebook.ancestors(c) else c) for c in set(codings["code"])
                 if c in ctx.codebook}
    counted = codings.assign(theme=codings["code"].map(top_level)).dropna(subset=["theme"])
    freq = (counted.groupby("theme").agg(segments=("code", "size"), documents=("doc_id", "nunique"))
            .sort_values(["segments", "documents"], ascending=False).reset_index())
    freq.insert(1, "label", freq["theme"].map(ctx.label))
    show.table(freq[["label", "segments", "documents"]], lang=ctx.lang, max_rows=None)
    quoted = freq.head(n)
    if len(freq) > len(quoted):
        show.note(t("section.top_themes", ctx.lang, n=len(quoted), m=len(freq)))
    segs = coded_segments(counted, ctx.corpus, context=0)
    segs = segs.merge(counted[["doc_id", "start_char", "end_char", "code", "theme"]].drop_duplicates(),
                      on=["doc_id", "start_char", "end_char", "code"], how="left")
    for theme in quoted["theme"]:
        picked = _quotable(segs[segs["theme"] == theme].drop_duplicates(["doc_id", "start_char"]), ctx,
                           quotes_per_theme)
        if len(picked):
            show.heading(ctx.label(theme), level=3)
            _show_quotes(ctx, picked, theme=ctx.label(theme))


def keywords(ctx: BriefContext, *, n: int = 15) -> None:
    """Words that mark the focus against the rest of the corpus (in the same language): the ``n`` first of M."""
    from ..keyness import keyness
    from ..plots.textstats import plot_keyness

    n = check_int(n, "n", function="keywords", minimum=1)
    show.heading(t("keywords", ctx.lang))
    if set(ctx.doc_ids) == set(ctx.corpus.doc_ids):
        show.paragraph(t("no_items", ctx.lang))
        return
    lang = ctx.focus.documents["language"].mode()
    tokens = ctx.tokens
    if len(lang):  # compare like with like: the rest of the corpus in the same language
        keep = set(ctx.corpus.documents.loc[ctx.corpus.documents["language"] == lang.iloc[0], "doc_id"])
        tokens = tokens[tokens["doc_id"].isin(keep)]
    tokens = tokens[_content_words(tokens, ctx)]
    table = keyness(tokens, target={"doc_id": list(ctx.doc_ids)}, min_count=3)
    over_all = table[(table["log_likelihood"] > 0) & (table["log_ratio"] > 0)]
    if over_all.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    over = over_all.head(n)
    shown = pd.DataFrame({
        "term": over["term"],
        "count_target": over["count_target"],
        "count_reference": over["count_reference"],
        "times_more": [number(2.0 ** v, ctx.lang, decimals=1) for v in over["log_ratio"]],
        "evidence": [t("section.evidence." + ("strong" if v >= _LL_STRONG else "good" if v >= _LL_GOOD else "weak"),
                       ctx.lang) for v in over["log_likelihood"]],
    })
    show.table(shown, lang=ctx.lang, max_rows=None,
               caption=t("section.top_keywords", ctx.lang, n=len(over), m=len(over_all)))
    _how_to_read(ctx, ["keyness.counts", "keyness.times", "keyness.evidence"])
    fig = plot_keyness(table, top=min(n, 12), lang=ctx.lang)
    alt = ", ".join(over["term"].head(10))
    show.figure(fig, alt=t("section.alt_keywords", ctx.lang) + alt,
                caption=t("keyness_method", ctx.lang), name="keywords")


def _content_words(tokens: pd.DataFrame, ctx: BriefContext) -> pd.Series:
    """Tokens that say what was said: not names, pseudonyms, role words, numbers, nor the
    function words of either language (meetings switch languages within a turn)."""
    from ..stopwords import stop_words

    lower = tokens["text"].str.lower()
    roles = {w for r in ctx.corpus.turns["role"].dropna().unique() for w in str(r).lower().split()}
    function = stop_words("fr") | stop_words("en")
    return ((tokens["pos"] != "PROPN") & ~tokens["ent_type"].isin(["PER", "PERSON"])
            & lower.str.contains(r"[^\W\d_]", regex=True) & ~lower.isin(function)
            & ~tokens["lemma"].str.lower().isin(roles | function))


def _requests(ctx: BriefContext) -> pd.DataFrame:
    """Recommendations, needs and questions of the focus, found once per brief."""
    if "requests" not in ctx._cache:
        ctx._cache["requests"] = _find_requests(ctx)
    return ctx._cache["requests"]


def _find_requests(ctx: BriefContext) -> pd.DataFrame:
    from ..recommendations import recommendations

    codes = None
    if ctx.codebook is not None:
        codes = {kind: [d for c in names if c in ctx.codebook for d in ctx.codebook.descendants(c)]
                 for kind, names in REQUEST_CODES.items()}
    frame = recommendations(ctx.focus, tokens=ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)],
                            codings=ctx.codings, codes=codes)
    docs = ctx.corpus.documents[["doc_id", "title", "date"]]
    return frame.merge(docs, on="doc_id", how="left")


def _participants_requests(ctx: BriefContext) -> pd.DataFrame:
    """Recommendations and needs, without the facilitators': their "je propose qu'on…" steers
    the meeting; it is not a request."""
    frame = _requests(ctx)
    frame = frame[frame["kind"].isin(["recommendation", "need"]) & ~frame["role"].isin(ctx.facilitators)]
    return frame.sort_values(["date", "doc_id", "start_char"], na_position="last", kind="stable")


def _who(ctx: BriefContext, part: pd.DataFrame) -> list[str]:
    """The columns that say who spoke: the speaker, and the role unless every speaker's
    label already says it in the brief's language (pseudonyms such as "Habitant·e 3")."""
    said = all(pd.isna(r) or str(s).casefold().startswith(str(term(r, ctx.lang)).casefold())
               for s, r in zip(part["speaker"], part["role"]))
    return ["speaker"] if said else ["speaker", "role"]


def _request_rows(ctx: BriefContext, part: pd.DataFrame) -> pd.DataFrame:
    """A register's rows: who (pseudonym, role), what kind, what was said."""
    kinds = part["kind"].map(lambda k: t(f"section.kind.{k}", ctx.lang))
    casing = _casing(ctx)
    return _role(ctx, part.assign(kind=kinds, text=[show.quote_text(x, casing=casing) for x in part["text"]]))[
        [*_who(ctx, part), "kind", "text"]]


def _request_table(ctx: BriefContext, frame: pd.DataFrame) -> None:
    _by_session(ctx, frame, lambda part: show.table(_request_rows(ctx, part), lang=ctx.lang, max_rows=None))


def recommendations(ctx: BriefContext, *, n: int = 8, register: bool = False) -> None:
    """Recommendations and needs voiced by participants: ``n`` quotes, and where all of them are.

    With ``register=True`` the brief shows :func:`recommendation_table` further on and
    the note points there; otherwise the complete list goes to an appendix.
    """
    n = check_int(n, "n", function="recommendations", minimum=1)
    show.heading(t("recommendations", ctx.lang))
    frame = _participants_requests(ctx)
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    picked = _quotable(frame, ctx, n).sort_values(["date", "doc_id", "start_char"], na_position="last")
    _show_quotes(ctx, picked)
    note = t("section.quotes_shown", ctx.lang, n=len(picked), m=len(frame))
    if register:
        ctx._cache["register_promised"] = True
        note += t("section.all_in_register", ctx.lang)
    elif len(picked) < len(frame):
        ref = _reserve(ctx, t("section.appendix.requests", ctx.lang), lambda: _request_table(ctx, frame))
        note += t("section.all_in_appendix", ctx.lang, ref=ref)
    else:
        note += t("section.all_shown", ctx.lang)
    show.note(note)


def open_questions(ctx: BriefContext, *, n: int = 6) -> None:
    """Questions participants raised (not the facilitators' prompts): ``n`` of them, all in an appendix."""
    n = check_int(n, "n", function="open_questions", minimum=1)
    show.heading(t("open_questions", ctx.lang))
    frame = _requests(ctx)
    frame = frame[(frame["kind"] == "question") & ~frame["role"].isin(ctx.facilitators)]
    frame = frame.sort_values(["date", "doc_id", "start_char"], na_position="last", kind="stable")
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    picked = _quotable(frame, ctx, n, prefer_participants=False)
    casing = _casing(ctx)
    show.bullets(f"{show.quote_text(q, casing=casing)} — {s}" for q, s in zip(picked["text"], picked["speaker"]))
    note = (t("section.quotes_shown", ctx.lang, n=len(picked), m=len(frame)) if len(picked)
            else t("section.quoted_above", ctx.lang, m=len(frame)))
    if len(picked) < len(frame):
        def fill() -> None:
            _by_session(ctx, frame, lambda part: show.table(
                _role(ctx, part.assign(text=[show.quote_text(x, casing=casing) for x in part["text"]]))[
                    [*_who(ctx, part), "text"]], lang=ctx.lang, max_rows=None))

        note += t("section.all_in_appendix", ctx.lang, ref=_reserve(ctx, t("section.appendix.questions", ctx.lang),
                                                                     fill))
    else:
        note += t("section.all_shown", ctx.lang)
    show.note(note)


def classification(ctx: BriefContext, *, k: int = 6, quotes_per_class: int = 1, marginal_share: float = 0.05) -> None:
    """Thematic classes of the focus (Reinert's method), with a characteristic quote each.

    Every class is in the table; a class holding less than ``marginal_share`` of the
    segments is flagged there as too small to read as a theme, and gets no quote.
    """
    from ..chd import classification_summary, reinert
    from ..errors import ResearchKitError
    from ..plots.chd import plot_reinert

    show.heading(t("classification", ctx.lang))
    tokens = ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)]
    main = tokens["language"].mode()
    tokens = tokens[tokens["language"] == main.iloc[0]] if len(main) else tokens
    try:
        result = reinert(tokens, k=k, corpus=ctx.corpus)
    except ResearchKitError:  # too little text to classify
        show.paragraph(t("no_items", ctx.lang))
        return
    if result.n_classes < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    summary, quotes = classification_summary(result, lang=ctx.lang, n_segments=quotes_per_class + 8,
                                             marginal_share=marginal_share)
    classes = summary[~summary["marginal"]]
    if classes.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    share = number(100 * marginal_share, ctx.lang, decimals=0)
    show.figure(plot_reinert(result, lang=ctx.lang),
                alt="; ".join(f"{lab} ({number(p, ctx.lang, decimals=0)} %): {w}" for lab, p, w in
                              zip(summary["label"], summary["percent"], summary["words"])),
                caption=t("classification", ctx.lang), name="reinert")
    flags = [t("section.class_too_small", ctx.lang, share=share) if m else "" for m in summary["marginal"]]
    table = summary[["label", "n_segments", "percent", "words"]].assign(
        percent=summary["percent"].round().astype("int64"))
    if any(flags):
        table = table.assign(note=flags)
    show.table(table, lang=ctx.lang, max_rows=None)
    small = summary[summary["marginal"]]
    if len(small):
        show.paragraph(t("marginal_classes", ctx.lang, n=len(small), share=share, labels=", ".join(small["label"])))
    quotes = quotes[quotes["cls"].isin(classes["cls"])]
    turns = ctx.corpus.turns[["doc_id", "turn", "speaker", "role", "start_char", "end_char"]]
    picked = quotes.merge(turns, on=["doc_id", "turn"], how="left", suffixes=("", "_turn"))
    # A text segment may run over the next speaker's turn: quote only the words of the
    # speaker it is credited to.
    picked["start_char"] = picked[["start_char", "start_char_turn"]].max(axis=1)
    picked["end_char"] = picked[["end_char", "end_char_turn"]].min(axis=1)
    picked = picked[picked["end_char"] > picked["start_char"]]
    picked = picked.merge(ctx.corpus.documents[["doc_id", "title", "date"]], on="doc_id", how="left")
    for _, part in picked.sort_values(["cls", "rank"]).groupby("cls", sort=True):
        chosen = _quotable(part.drop(columns=["text"]), ctx, quotes_per_class, keep_order=True)
        _show_quotes(ctx, chosen.assign(theme=chosen["label"]) if len(chosen) else chosen)


def themes_by_group(ctx: BriefContext, *, by: str = "role", n: int = 8) -> None:
    """Which themes each stakeholder group raised (segments per role)."""
    from ..coding import code_matrix
    from ..plots.coding import plot_code_matrix

    show.heading(t("themes_by_group", ctx.lang))
    codings = ctx.codings[ctx.codings["doc_id"].isin(ctx.doc_ids)]
    if codings.empty or ctx.codebook is None:
        show.paragraph(t("no_codings", ctx.lang))
        return
    matrix = code_matrix(codings, ctx.corpus, by=by, codebook=ctx.codebook, roll_up=True)
    top = set(ctx.codebook.codes.loc[ctx.codebook.codes["parent"].isna(), "code"])
    matrix = _role(ctx, matrix[matrix["code"].isin(top)].dropna(subset=[by]), by)
    fig = plot_code_matrix(matrix, lang=ctx.lang, codebook=ctx.codebook)
    show.figure(fig, alt=", ".join(f"{ctx.label(c)} / {g}: {v}" for c, g, v in
                                   matrix.sort_values("segments", ascending=False).itertuples(index=False)),
                caption=t("themes_by_group", ctx.lang), name="themes-by-group")


def theme_evolution(ctx: BriefContext) -> None:
    """How themes evolved over the dated sessions in focus."""
    from ..coding import code_trends
    from ..plots.coding import plot_code_trends

    show.heading(t("theme_evolution", ctx.lang))
    codings = ctx.codings[ctx.codings["doc_id"].isin(ctx.doc_ids)]
    if codings.empty or ctx.codebook is None:
        show.paragraph(t("no_codings", ctx.lang))
        return
    parent = {c: (ctx.codebook.ancestors(c)[-1] if ctx.codebook.ancestors(c) else c) for c in set(codings["code"])
              if c in ctx.codebook}
    rolled = codings.assign(code=codings["code"].map(parent)).dropna(subset=["code"])
    trends = code_trends(rolled, ctx.focus)
    if trends["date"].nunique() < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    fig = plot_code_trends(trends, lang=ctx.lang, codebook=ctx.codebook)
    peaks = trends.sort_values("per_1000_words", ascending=False).drop_duplicates("code")
    show.figure(fig, alt="; ".join(f"{ctx.label(c)}: {d:%Y-%m-%d}" for d, c in zip(peaks["date"], peaks["code"])),
                caption=t("theme_evolution", ctx.lang), name="theme-trends")


def recommendation_table(ctx: BriefContext) -> None:
    """The register: every recommendation and need participants voiced, session by session.

    A table of counts per session (title, date, recommendations, needs) — every session
    of the focus, those without any too — then, for each session under its title and
    date, every item: who, what kind, what was said. The facilitators' proposals are left
    out, and the note says so.
    """
    ctx._cache["register_shown"] = True
    show.heading(t("recommendation_table", ctx.lang))
    frame = _participants_requests(ctx)
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    show.paragraph(t("section.register_intro", ctx.lang, n=len(frame)))
    docs = ctx.corpus.documents
    docs = docs[docs["doc_id"].isin(ctx.doc_ids)].sort_values(["date", "doc_id"], na_position="last")
    counts = frame.groupby(["doc_id", "kind"]).size().unstack(fill_value=0)
    summary = pd.DataFrame({
        "session": docs["title"].to_numpy(),
        "date": docs["date"].to_numpy(),
        "n_recommendations": [int(counts["recommendation"].get(d, 0)) if "recommendation" in counts else 0
                              for d in docs["doc_id"]],
        "n_needs": [int(counts["need"].get(d, 0)) if "need" in counts else 0 for d in docs["doc_id"]],
    })
    show.table(summary, lang=ctx.lang, max_rows=None)
    facilitators = sorted(term(r, ctx.lang) for r in set(_requests(ctx)["role"].dropna()) & ctx.facilitators)
    if facilitators:
        show.note(t("section.facilitators_left_out", ctx.lang, roles=", ".join(facilitators)))
    for doc_id in docs["doc_id"]:
        part = frame[frame["doc_id"] == doc_id]
        show.heading(_session_heading(ctx, doc_id), level=3)
        if part.empty:
            show.paragraph(t("section.register_none", ctx.lang))
        else:
            show.table(_request_rows(ctx, part), lang=ctx.lang, max_rows=None)


# ---------------------------------------------------------------------------
# thematic brief


def theme_definition(ctx: BriefContext, code: str) -> None:
    entry = ctx.codebook.entry(code)
    show.heading(t("definition", ctx.lang))
    text = entry.definition.get(ctx.lang) or next(iter(entry.definition.values()), "")
    if text:
        show.paragraph(text)
    children = [c for c in ctx.codebook.descendants(code) if c != code]
    if children:
        show.bullets(ctx.label(c) for c in children)


def theme_where_when(ctx: BriefContext, code: str) -> None:
    from ..coding import code_trends
    from ..plots.coding import plot_code_trends

    show.heading(t("where_when", ctx.lang))
    branch = set(ctx.codebook.descendants(code))
    codings = ctx.codings[ctx.codings["code"].isin(branch)]
    if codings.empty:
        show.paragraph(t("no_codings", ctx.lang))
        return
    per_doc = codings.groupby("doc_id").size().rename("segments").reset_index()
    per_doc = per_doc.merge(ctx.corpus.documents, on="doc_id")
    per_doc = per_doc.sort_values(["date", "doc_id"])
    if "site" in per_doc:                       # "online" is "en ligne" in a French brief, as in its headings
        per_doc = per_doc.assign(site=[term(v, ctx.lang) for v in per_doc["site"]])
    show.table(per_doc.assign(session=per_doc["title"])[["session", "date", "site", "segments"]]
               if "site" in per_doc else per_doc[["title", "date", "segments"]], lang=ctx.lang, max_rows=None)
    trends = code_trends(codings.assign(code=code), ctx.corpus)
    if trends["date"].nunique() > 1:
        fig = plot_code_trends(trends, lang=ctx.lang, codebook=ctx.codebook)
        show.figure(fig, alt=f"{ctx.label(code)}: " + ", ".join(f"{d:%Y-%m} {number(v, ctx.lang, decimals=1)}"
                                                              for d, v in zip(trends["date"], trends["per_1000_words"])),
                    caption=t("where_when", ctx.lang), name="theme-over-time")


def theme_quotes(ctx: BriefContext, code: str, *, by: str = "site", per_group: int = 2) -> None:
    """Quotes grouped by context (a document variable): at most ``per_group`` each, and of how many."""
    from ..coding import coded_segments
    from ..i18n import column

    show.heading(t("quotes_by_context", ctx.lang))
    segs = coded_segments(ctx.codings, ctx.corpus, code=code, codebook=ctx.codebook, context=0)
    if segs.empty:
        show.paragraph(t("no_codings", ctx.lang))
        return
    segs = segs.merge(ctx.corpus.documents[["doc_id", by]], on="doc_id", how="left") if by in ctx.corpus.variables else \
        segs.assign(**{by: "–"})
    segs = segs.drop_duplicates(["doc_id", "start_char"])
    for group, part in segs.groupby(by, sort=True):
        picked = _quotable(part, ctx, per_group)
        if len(picked):
            name = str(term(group, ctx.lang))
            show.heading(name[:1].upper() + name[1:], level=3)      # "en ligne" heads as "En ligne"
            _show_quotes(ctx, picked, theme=ctx.label(code))
    show.note(t("section.quotes_per_group", ctx.lang, k=per_group, by=column(by, ctx.lang), m=len(segs)))


def contrasting_views(ctx: BriefContext, code: str, *, n: int = 4) -> None:
    """One quote per role, so that different positions face each other (``n`` roles at most)."""
    from ..coding import coded_segments

    show.heading(t("contrasting_views", ctx.lang))
    segs = coded_segments(ctx.codings, ctx.corpus, code=code, codebook=ctx.codebook, context=0)
    segs = segs.dropna(subset=["role"]).drop_duplicates(["doc_id", "start_char"])
    if segs["role"].nunique() < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    roles = segs["role"].value_counts().index.tolist()  # the roles that said most about it first
    chosen = []
    for role in roles:
        picked = _quotable(segs[segs["role"] == role], ctx, 1)
        if len(picked):
            chosen.append(picked)
        if len(chosen) == n:
            break
    if len(chosen) < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    _show_quotes(ctx, pd.concat(chosen, ignore_index=True), theme=ctx.label(code))
    show.note(t("section.one_per_role", ctx.lang, n=len(chosen), m=len(roles)))


def discussion_questions(ctx: BriefContext, code: str) -> None:
    """Questions for a training workshop, from the theme's label and the codebook's guidance."""
    show.heading(t("discussion_questions", ctx.lang))
    label = ctx.label(code)
    show.questions(t(f"section.question.{i}", ctx.lang, label=label) for i in range(1, 5))


# ---------------------------------------------------------------------------
# corpus explorer and coding review


def documents_table(ctx: BriefContext) -> None:
    """Every document of the focus: id, title, date, language, variables, turns, words."""
    show.heading(t("documents", ctx.lang))
    docs = ctx.focus.documents
    cols = ["doc_id", "title", "date", "language", *[v for v in ("site", "session_type") if v in docs], "n_turns",
            "n_words"]
    table = docs[cols]
    if "session_type" in table:
        table = _role(ctx, table, "session_type")
    show.table(table, lang=ctx.lang, max_rows=None)


def word_use(ctx: BriefContext, *, by: str = "site", n: int = 15) -> None:
    """The ``n`` most frequent words of M (in the brief's language when the focus has it)."""
    from ..plots.textstats import plot_frequencies
    from ..textstats import frequencies

    n = check_int(n, "n", function="word_use", minimum=1)
    show.heading(t("word_use", ctx.lang))
    tokens = ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)]
    freq = frequencies(tokens[tokens["language"] == ctx.lang] if (tokens["language"] == ctx.lang).any() else tokens)
    top = freq.head(n)
    show.table(top[["term", "count", "doc_freq"]], lang=ctx.lang, max_rows=None,
               caption=t("section.top_words", ctx.lang, n=len(top), m=len(freq)))
    fig = plot_frequencies(freq, top=n, lang=ctx.lang)
    show.figure(fig, alt=", ".join(top["term"]), caption=t("word_use", ctx.lang), name="frequencies")


def concordance(ctx: BriefContext, query: str, *, n: int = 12) -> None:
    """The first ``n`` lines of the concordance of ``query``; every line in an appendix."""
    from ..kwic import kwic

    n = check_int(n, "n", function="concordance", minimum=1)
    heading = t("section.concordance_of", ctx.lang, title=t("concordance", ctx.lang), query=query)
    show.heading(heading)
    lines = kwic(ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)], query, corpus=ctx.corpus)
    if lines.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    lines = lines[["doc_id", "speaker", "left", "match", "right"]]
    rest = None
    if len(lines) > n:
        rest = _reserve(ctx, t("section.appendix.concordance", ctx.lang) + f" ({query})",
                        lambda: show.table(lines, lang=ctx.lang, max_rows=None))
    show.table(lines, lang=ctx.lang, max_rows=n, rest=rest)


def codebook_table(ctx: BriefContext) -> None:
    """Every code of the codebook with its label."""
    show.heading(t("codebook", ctx.lang))
    codes = ctx.codebook.codes
    label = f"label_{ctx.lang}" if f"label_{ctx.lang}" in codes else "label_fr"
    table = codes.assign(label=codes[label], code=codes["code"])[["code", "label"]]
    show.table(table, lang=ctx.lang, max_rows=None)


def _code_counts(ctx: BriefContext, codings: pd.DataFrame) -> pd.DataFrame:
    from ..coding import code_matrix

    m = code_matrix(codings, ctx.corpus, by="coder")
    wide = m.pivot_table(index="code", columns="coder", values="segments", fill_value=0, aggfunc="sum")
    wide = wide.astype("int64").reset_index()
    wide.insert(1, "label", wide["code"].map(ctx.label))
    wide.columns.name = None
    return wide


def code_frequencies(ctx: BriefContext) -> None:
    """How often each coder applied each code, compared on the documents they all coded.

    When coders coded different documents their totals do not compare: the table then
    counts the shared documents only, says so, and gives each coder's totals over all
    their documents in an appendix.
    """
    show.heading(t("code_frequencies", ctx.lang))
    human = ctx.human_codings
    if human.empty:
        show.paragraph(t("no_codings", ctx.lang))
        return
    docs_of = {c: set(g["doc_id"]) for c, g in human.groupby("coder")}
    shared = set.intersection(*docs_of.values())
    differ = len(docs_of) > 1 and any(d != shared for d in docs_of.values())
    if not differ:
        show.table(_code_counts(ctx, human), lang=ctx.lang, max_rows=None)
        return
    detail = ", ".join(t("section.coder_documents", ctx.lang, coder=c, n=len(d)) for c, d in docs_of.items())
    if not shared:
        show.note(t("section.coders_no_shared", ctx.lang, detail=detail))
        show.table(_code_counts(ctx, human), lang=ctx.lang, max_rows=None)
        return
    everything = _code_counts(ctx, human)
    ref = _reserve(ctx, t("section.appendix.coder_totals", ctx.lang),
                   lambda: show.table(everything, lang=ctx.lang, max_rows=None))
    show.note(t("section.coders_differ", ctx.lang, detail=detail, n=len(shared), ref=ref))
    show.table(_code_counts(ctx, human[human["doc_id"].isin(shared)]), lang=ctx.lang, max_rows=None,
               caption=t("section.counted_documents", ctx.lang, n=len(shared), docs=", ".join(sorted(shared))))


def cooccurring_codes(ctx: BriefContext, *, n: int = 12) -> None:
    """The ``n`` pairs of codes most often applied to the same turn, of M."""
    from ..coding import cooccurrence

    n = check_int(n, "n", function="cooccurring_codes", minimum=1)
    show.heading(t("cooccurrence", ctx.lang))
    pairs = cooccurrence(ctx.human_codings if not ctx.human_codings.empty else ctx.codings, ctx.corpus, within="turn")
    if pairs.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    top = pairs.head(n)
    show.table(top.assign(code_a=top["code_a"].map(ctx.label), code_b=top["code_b"].map(ctx.label)),
               lang=ctx.lang, max_rows=None, caption=t("section.top_pairs", ctx.lang, n=len(top), m=len(pairs)))


def _excerpt(text: str, most: int = 45) -> str:
    """The first whole sentences of ``text`` up to ``most`` words; ``[…]`` where it stops short."""
    text = " ".join(str(text).rstrip("…").split())
    if count_words(text) <= most:
        return text
    parts = re.split(r"(?<=[.!?…])\s+", text)
    out: list[str] = []
    for part in parts:
        if count_words(" ".join([*out, part])) > most:
            break
        out.append(part)
    if not out:  # one long sentence: cut between words
        out = [" ".join(text.split()[:most])]
    return " ".join(out) + " […]"


def coder_agreement(ctx: BriefContext, *, unit: str = "turn") -> None:
    """Agreement between coders per code, flagged where evidence is thin, and every disagreement.

    Agreement is computed on the documents every coder coded (and says which). A code
    applied to fewer than :data:`MIN_CODED_UNITS` units is flagged. The disagreements are
    complete, session by session: one row per unit, with the codes each coder applied
    there and another did not.
    """
    from ..agreement import agreement, disagreements

    show.heading(t("agreement", ctx.lang))
    human = ctx.human_codings
    if human["coder"].nunique() < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    shared = set.intersection(*(set(g["doc_id"]) for _, g in human.groupby("coder")))
    if not shared:
        show.paragraph(t("no_items", ctx.lang))
        return
    result = agreement(human, ctx.corpus, unit=unit, documents=sorted(shared))
    everything = t("section.all_codes", ctx.lang)
    result = result.assign(label=result["code"].map(lambda c: ctx.label(c) if c != "(all)" else everything))
    flags = [t("section.too_few_units", ctx.lang, n=int(u), min=MIN_CODED_UNITS)
             if c != "(all)" and u < MIN_CODED_UNITS else "" for c, u in zip(result["code"], result["coded_units"])]
    table = result[["label", "units", "coded_units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]]
    if any(flags):
        table = table.assign(note=flags)
    show.table(table, lang=ctx.lang, max_rows=None,
               caption=t("section.agreement_documents", ctx.lang, n=len(shared), docs=", ".join(sorted(shared))))
    _how_to_read(ctx, ["agreement.observed", "agreement.kappa", "agreement.units"], min=MIN_CODED_UNITS,
                 step=number(1 / MIN_CODED_UNITS, ctx.lang, decimals=1))
    show.heading(t("disagreements", ctx.lang))
    table = disagreements(human, ctx.corpus, unit=unit, documents=sorted(shared), max_chars=100_000)
    if table.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    coders = sorted(human["coder"].unique())
    table = table.assign(label=table["code"].map(ctx.label))
    units = []
    for (doc_id, start), part in table.groupby(["doc_id", "start_char"], sort=True):
        row = {"doc_id": doc_id, "start_char": start, "speaker": part["speaker"].iloc[0],
               "text": _excerpt(show.quote_text(part["text"].iloc[0], casing=_casing(ctx)))}
        for c in coders:
            applied = [lab for lab, v in zip(part["label"], part[c]) if v is True or (not pd.isna(v) and bool(v))]
            row[c] = "; ".join(applied) if applied else "–"
        units.append(row)
    units = pd.DataFrame(units).sort_values(["doc_id", "start_char"])
    show.paragraph(t("section.disagreements_intro", ctx.lang, n=len(table), k=len(units),
                     unit=t(f"section.unit.{unit}", ctx.lang)))
    _by_session(ctx, units, lambda part: show.table(part[["speaker", *coders, "text"]], lang=ctx.lang,
                                                    max_rows=None))
