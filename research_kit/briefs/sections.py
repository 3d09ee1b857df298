"""What research briefs say: one function per section, each showing its content.

A brief notebook is a list of calls to these functions, in the order the brief reads;
each call shows headings, tables, figures and quotes through :mod:`research_kit.show`.
All wording follows ``ctx.lang`` (see :mod:`research_kit.i18n`). The figures and
quotes come from the corpus the context holds: run briefs on a pseudonymised corpus and
every name they print is a pseudonym.
"""

from __future__ import annotations


import pandas as pd

from .. import show
from ..corpus import count_words
from ..i18n import t
from .context import REQUEST_CODES, BriefContext, brief_context

__all__ = ["BriefContext", "brief_context"]

# ---------------------------------------------------------------------------
# shared pieces


def title(ctx: BriefContext, kind: str, *, subject: str | None = None) -> None:
    """The brief's title block, with the fiction and pseudonymisation notices."""
    notices = []
    if ctx.corpus.manifest.fiction:
        notices.append(t("fiction_notice", ctx.lang))
    if ctx.corpus.manifest.pseudonymised:
        notices.append(t("pseudonymised_notice", ctx.lang))
    if subject is None:
        docs = ctx.focus.documents
        subject = str(docs["title"].iloc[0]) if len(docs) == 1 else ctx.corpus.title
    show.meta(lang=ctx.lang, title=subject, subtitle=t(kind, ctx.lang), corpus=ctx.corpus.title,
              notice=" ".join(notices) or None)


def _date_range(docs: pd.DataFrame) -> str:
    dates = docs["date"].dropna()
    if dates.empty:
        return "–"
    lo, hi = dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")
    return lo if lo == hi else f"{lo} → {hi}"


def at_a_glance(ctx: BriefContext) -> None:
    """Key figures of the documents in focus."""
    focus = ctx.focus
    docs, turns = focus.documents, focus.turns
    hours = docs["duration_s"].sum() / 3600
    items = {
        t("date" if len(docs) == 1 else "period", ctx.lang): _date_range(docs),
        t("sessions", ctx.lang): len(docs),
        t("people", ctx.lang): int(turns.loc[turns["speaker"] != "?", "speaker"].nunique()),
        t("turns", ctx.lang): len(turns),
        t("words", ctx.lang): int(turns["n_words"].sum()),
    }
    if hours > 0:
        items[t("recorded_hours", ctx.lang)] = round(float(hours), 1)
    show.heading(t("at_a_glance", ctx.lang))
    show.metrics(items, lang=ctx.lang)


def participants(ctx: BriefContext) -> None:
    """Who took part, by role, and the share of the floor by speaker."""
    from ..participation import participation
    from ..plots.participation import plot_participation

    show.heading(t("participants", ctx.lang))
    by_role = participation(ctx.focus, by="role", over="corpus")
    cols = [c for c in ("role", "n_speakers", "turns", "words", "share_words") if c in by_role.columns]
    show.table(by_role[cols].rename(columns={"n_speakers": "speakers"}), lang=ctx.lang, percent=["share_words"])
    by_speaker = participation(ctx.focus, by="speaker", over="corpus")
    fig = plot_participation(by_speaker, measure="share_words", lang=ctx.lang)
    pct = t("section.percent", ctx.lang)
    alt = t("section.alt_share_of_words", ctx.lang) + ", ".join(
        f"{s} {100 * v:.0f}{pct}" for s, v in zip(by_speaker["speaker"].head(8), by_speaker["share_words"].head(8)))
    show.figure(fig, alt=alt, caption=t("participation", ctx.lang), name="participation")


def equality_of_voice(ctx: BriefContext, *, over_time: bool = False) -> None:
    """Gini, evenness and the facilitators' share, per session (and over time)."""
    from ..participation import floor
    from ..plots.participation import plot_floor

    show.heading(t("equality_of_voice", ctx.lang))
    table = floor(ctx.focus, by="speaker", over="document", facilitator_roles=sorted(ctx.facilitators) or None)
    table = table.sort_values(["date", "title"], na_position="last").reset_index(drop=True)
    cols = ["title", "date", "n_speakers", "gini_words", "evenness_words", "top_share_words",
            "facilitator_share_words", "participants_gini_words"]
    if len(table) == 1:  # one session: its title and date are the brief's own
        cols = cols[2:]
    show.table(table[[c for c in cols if c in table.columns]], lang=ctx.lang,
               percent=["top_share_words", "facilitator_share_words"])
    show.note(t("gini_help", ctx.lang))
    _overlaps(ctx)
    if over_time and len(table) > 1:
        fig = plot_floor(table, measure="gini_words", lang=ctx.lang)
        alt = "Gini : " + ", ".join(f"{d:%Y-%m-%d} {show.fmt(g, ctx.lang)}"
                                      for d, g in zip(table["date"], table["gini_words"]) if not pd.isna(d))
        show.figure(fig, alt=alt, caption=t("over_time", ctx.lang), name="gini-over-time")


def _overlaps(ctx: BriefContext, *, n: int = 10) -> None:
    """Who speaks over whom, when the focus has timed turns that overlap."""
    from ..participation import overlaps

    pairs = overlaps(ctx.focus)
    if pairs.empty:
        return
    pairs = pairs.groupby(["speaker", "over"], sort=False)[["overlaps", "interruptions", "overlap_s"]].sum()
    pairs = pairs.reset_index().sort_values(["overlaps", "overlap_s"], ascending=False, kind="stable")
    pairs["overlap_s"] = pairs["overlap_s"].round(1)
    shown = pairs.head(n)
    caption = t("overlaps_title", ctx.lang)
    if len(pairs) > len(shown):
        caption += " " + t("section.n_of_m", ctx.lang).format(n=len(shown), m=len(pairs))
    show.table(shown, lang=ctx.lang, caption=caption, max_rows=n)
    show.note(t("overlaps_help", ctx.lang))


def _quotable(segs: pd.DataFrame, ctx: BriefContext, n: int, *, prefer_participants: bool = True) -> pd.DataFrame:
    """Pick ``n`` quotes: 8 to 70 words, distinct speakers first, participants before facilitators.

    A passage quoted once in a brief is not quoted again in another section.
    """
    if segs.empty:
        return segs
    used = ctx._cache.setdefault("quoted", set())
    keys = list(zip(segs["doc_id"], segs["start_char"]))
    segs = segs[[k not in used for k in keys]]
    segs = segs.assign(words=segs["text"].map(count_words))
    segs = segs[(segs["words"] >= 8) & (segs["words"] <= 70)]
    if prefer_participants:
        segs = segs.assign(_fac=segs["role"].isin(ctx.facilitators))
    else:
        segs = segs.assign(_fac=False)
    segs = segs.assign(_dist=(segs["words"] - 30).abs())
    segs = segs.sort_values(["_fac", "_dist", "doc_id", "start_char"]).drop_duplicates("text")
    first = segs.drop_duplicates("speaker")
    rest = segs.drop(first.index)
    picked = pd.concat([first, rest]).head(n)
    used.update(zip(picked["doc_id"], picked["start_char"]))
    return picked


def themes(ctx: BriefContext, *, n: int = 5, quotes_per_theme: int = 2) -> None:
    """Main themes (codes) of the focus, with representative quotes."""
    from ..coding import coded_segments

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
            .sort_values(["segments", "documents"], ascending=False).head(n).reset_index())
    freq.insert(1, "label", freq["theme"].map(ctx.label))
    show.table(freq[["label", "segments", "documents"]], lang=ctx.lang)
    segs = coded_segments(counted, ctx.corpus, context=0)
    segs = segs.merge(counted[["doc_id", "start_char", "end_char", "code", "theme"]].drop_duplicates(),
                      on=["doc_id", "start_char", "end_char", "code"], how="left")
    for theme in freq["theme"]:
        picked = _quotable(segs[segs["theme"] == theme].drop_duplicates(["doc_id", "start_char"]), ctx,
                           quotes_per_theme)
        if len(picked):
            show.heading(ctx.label(theme), level=3)
            show.quotes(picked.assign(theme=ctx.label(theme)), lang=ctx.lang)


def keywords(ctx: BriefContext, *, n: int = 15) -> None:
    """Words that mark the focus against the rest of the corpus."""
    from ..keyness import keyness
    from ..plots.textstats import plot_keyness

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
    over = table[table["log_likelihood"] > 0].head(n)
    show.table(over[["term", "count_target", "count_reference", "log_likelihood", "log_ratio"]], lang=ctx.lang)
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
    return frame[frame["kind"].isin(["recommendation", "need"]) & ~frame["role"].isin(ctx.facilitators)]


def recommendations(ctx: BriefContext, *, n: int = 8) -> None:
    """Recommendations and needs voiced, participants first."""
    show.heading(t("recommendations", ctx.lang))
    frame = _participants_requests(ctx)
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    show.quotes(_quotable(frame, ctx, n).sort_values(["date", "doc_id", "start_char"]), lang=ctx.lang)


def open_questions(ctx: BriefContext, *, n: int = 6) -> None:
    """Questions participants raised (not the facilitators' prompts)."""
    show.heading(t("open_questions", ctx.lang))
    frame = _requests(ctx)
    frame = frame[(frame["kind"] == "question") & ~frame["role"].isin(ctx.facilitators)]
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    picked = _quotable(frame, ctx, n, prefer_participants=False)
    show.bullets(f"{q} — {s}" for q, s in zip(picked["text"], picked["speaker"]))


def classification(ctx: BriefContext, *, k: int = 6, quotes_per_class: int = 1) -> None:
    """Thematic classes of the focus (Reinert's method), with a characteristic quote each."""
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
    summary, quotes = classification_summary(result, lang=ctx.lang, n_segments=quotes_per_class)
    # a class of a few segments is not a theme of the corpus: say so rather than show it
    classes = summary[~summary["marginal"]]
    quotes = quotes[quotes["cls"].isin(classes["cls"])]
    small = summary[summary["marginal"]]
    if classes.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    show.figure(plot_reinert(result, lang=ctx.lang),
                alt="; ".join(f"{lab} ({p:.0f} %): {w}" for lab, p, w in
                              zip(summary["label"], summary["percent"], summary["words"])),
                caption=t("classification", ctx.lang), name="reinert")
    show.table(classes[["label", "n_segments", "percent", "words"]].assign(
        percent=classes["percent"].round().astype("int64")), lang=ctx.lang)
    if len(small):
        show.paragraph(t("marginal_classes", ctx.lang, n=len(small), share=5, labels=", ".join(small["label"])))
    turns = ctx.corpus.turns[["doc_id", "turn", "speaker", "role", "start_char", "end_char"]]
    picked = quotes.merge(turns, on=["doc_id", "turn"], how="left", suffixes=("", "_turn"))
    # A text segment may run over the next speaker's turn: quote only the words of the
    # speaker it is credited to.
    picked["start_char"] = picked[["start_char", "start_char_turn"]].max(axis=1)
    picked["end_char"] = picked[["end_char", "end_char_turn"]].min(axis=1)
    picked["text"] = [ctx.corpus.text(d)[s:e].strip() for d, s, e in
                      zip(picked["doc_id"], picked["start_char"], picked["end_char"])]
    picked = picked.merge(ctx.corpus.documents[["doc_id", "title", "date"]], on="doc_id", how="left")
    show.quotes(picked[picked["text"].str.len() > 0].assign(theme=picked["label"]), lang=ctx.lang)


# ---------------------------------------------------------------------------
# process evaluation


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
    matrix = matrix[matrix["code"].isin(top)].dropna(subset=[by])
    fig = plot_code_matrix(matrix, lang=ctx.lang, codebook=ctx.codebook)
    show.figure(fig, alt=", ".join(f"{ctx.label(c)} / {g}: {v}" for c, g, v in
                                   matrix.sort_values("segments", ascending=False).head(10).itertuples(index=False)),
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
    peaks = trends.sort_values("per_1000_words", ascending=False).drop_duplicates("code").head(6)
    show.figure(fig, alt="; ".join(f"{ctx.label(c)}: {d:%Y-%m-%d}" for d, c in zip(peaks["date"], peaks["code"])),
                caption=t("theme_evolution", ctx.lang), name="theme-trends")


def recommendation_table(ctx: BriefContext, *, n: int = 25) -> None:
    """Every recommendation and need, traced to its session, participants' first."""
    show.heading(t("recommendation_table", ctx.lang))
    frame = _participants_requests(ctx)
    if frame.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    frame = frame.sort_values(["date", "doc_id", "start_char"]).head(n)
    show.table(frame.assign(session=frame["title"])[["session", "date", "role", "text"]], lang=ctx.lang, max_rows=n)


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
    show.table(per_doc.assign(session=per_doc["title"])[["session", "date", "site", "segments"]]
               if "site" in per_doc else per_doc[["title", "date", "segments"]], lang=ctx.lang)
    trends = code_trends(codings.assign(code=code), ctx.corpus)
    if trends["date"].nunique() > 1:
        fig = plot_code_trends(trends, lang=ctx.lang, codebook=ctx.codebook)
        show.figure(fig, alt=f"{ctx.label(code)}: " + ", ".join(f"{d:%Y-%m} {v:.1f}" for d, v in
                                                              zip(trends["date"], trends["per_1000_words"])),
                    caption=t("where_when", ctx.lang), name="theme-over-time")


def theme_quotes(ctx: BriefContext, code: str, *, by: str = "site", per_group: int = 2) -> None:
    """Quotes grouped by context (a document variable)."""
    from ..coding import coded_segments

    show.heading(t("quotes_by_context", ctx.lang))
    segs = coded_segments(ctx.codings, ctx.corpus, code=code, codebook=ctx.codebook, context=0)
    if segs.empty:
        show.paragraph(t("no_codings", ctx.lang))
        return
    segs = segs.merge(ctx.corpus.documents[["doc_id", by]], on="doc_id", how="left") if by in ctx.corpus.variables else \
        segs.assign(**{by: "–"})
    for group, part in segs.groupby(by, sort=True):
        picked = _quotable(part.drop_duplicates(["doc_id", "start_char"]), ctx, per_group)
        if len(picked):
            show.heading(str(group), level=3)
            show.quotes(picked.assign(theme=ctx.label(code)), lang=ctx.lang)


def contrasting_views(ctx: BriefContext, code: str, *, n: int = 4) -> None:
    """One quote per role, so that different positions face each other."""
    from ..coding import coded_segments

    show.heading(t("contrasting_views", ctx.lang))
    segs = coded_segments(ctx.codings, ctx.corpus, code=code, codebook=ctx.codebook, context=0)
    segs = segs.assign(words=segs["text"].map(count_words))
    segs = segs[(segs["words"] >= 8) & (segs["words"] <= 70)].dropna(subset=["role"])
    if segs["role"].nunique() < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    picked = segs.sort_values("words", ascending=False).drop_duplicates("role").head(n)
    show.quotes(picked.assign(theme=ctx.label(code)), lang=ctx.lang)


def discussion_questions(ctx: BriefContext, code: str) -> None:
    """Questions for a training workshop, from the theme's label and the codebook's guidance."""
    show.heading(t("discussion_questions", ctx.lang))
    label = ctx.label(code)
    show.questions(t(f"section.question.{i}", ctx.lang, label=label) for i in range(1, 5))


# ---------------------------------------------------------------------------
# corpus explorer and coding review


def documents_table(ctx: BriefContext) -> None:
    show.heading(t("documents", ctx.lang))
    docs = ctx.focus.documents
    cols = ["doc_id", "title", "date", "language", *[v for v in ("site", "session_type") if v in docs], "n_turns",
            "n_words"]
    show.table(docs[cols], lang=ctx.lang, max_rows=100)


def word_use(ctx: BriefContext, *, by: str = "site", n: int = 15) -> None:
    from ..plots.textstats import plot_frequencies
    from ..textstats import frequencies

    show.heading(t("word_use", ctx.lang))
    tokens = ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)]
    freq = frequencies(tokens[tokens["language"] == ctx.lang] if (tokens["language"] == ctx.lang).any() else tokens)
    show.table(freq.head(n)[["term", "count", "doc_freq"]], lang=ctx.lang)
    fig = plot_frequencies(freq, top=n, lang=ctx.lang)
    show.figure(fig, alt=", ".join(freq["term"].head(n)), caption=t("word_use", ctx.lang), name="frequencies")


def concordance(ctx: BriefContext, query: str, *, n: int = 12) -> None:
    from ..kwic import kwic

    show.heading(t("section.concordance_of", ctx.lang, title=t("concordance", ctx.lang), query=query))
    lines = kwic(ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)], query, corpus=ctx.corpus)
    if lines.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    show.table(lines.head(n)[["doc_id", "speaker", "left", "match", "right"]], lang=ctx.lang, max_rows=n)


def codebook_table(ctx: BriefContext) -> None:
    show.heading(t("codebook", ctx.lang))
    codes = ctx.codebook.codes
    label = f"label_{ctx.lang}" if f"label_{ctx.lang}" in codes else "label_fr"
    table = codes.assign(label=codes[label], code=codes["code"])[["code", "label"]]
    show.table(table, lang=ctx.lang, max_rows=200)


def code_frequencies(ctx: BriefContext) -> None:
    from ..coding import code_matrix

    show.heading(t("code_frequencies", ctx.lang))
    human = ctx.human_codings
    if human.empty:
        show.paragraph(t("no_codings", ctx.lang))
        return
    m = code_matrix(human, ctx.corpus, by="coder" if "coder" in human else "doc_id")
    wide = m.pivot_table(index="code", columns="coder", values="segments", fill_value=0, aggfunc="sum")
    wide = wide.astype("int64").reset_index()
    wide.insert(1, "label", wide["code"].map(ctx.label))
    wide.columns.name = None
    show.table(wide, lang=ctx.lang, max_rows=100)


def cooccurring_codes(ctx: BriefContext, *, n: int = 12) -> None:
    from ..coding import cooccurrence

    show.heading(t("cooccurrence", ctx.lang))
    pairs = cooccurrence(ctx.human_codings if not ctx.human_codings.empty else ctx.codings, ctx.corpus, within="turn")
    if pairs.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    pairs = pairs.head(n)
    show.table(pairs.assign(code_a=pairs["code_a"].map(ctx.label), code_b=pairs["code_b"].map(ctx.label)),
               lang=ctx.lang)


def coder_agreement(ctx: BriefContext, *, unit: str = "turn") -> None:
    from ..agreement import agreement, disagreements

    show.heading(t("agreement", ctx.lang))
    human = ctx.human_codings
    if human["coder"].nunique() < 2:
        show.paragraph(t("no_items", ctx.lang))
        return
    shared = set.intersection(*(set(g["doc_id"]) for _, g in human.groupby("coder")))
    result = agreement(human, ctx.corpus, unit=unit, documents=sorted(shared))
    everything = t("section.all_codes", ctx.lang)
    result = result.assign(label=result["code"].map(lambda c: ctx.label(c) if c != "(all)" else everything))
    show.table(result[["label", "units", "coded_units", "percent_agreement", "cohen_kappa",
                       "krippendorff_alpha"]], lang=ctx.lang, max_rows=100)
    show.heading(t("disagreements", ctx.lang), level=3)
    table = disagreements(human, ctx.corpus, unit=unit, documents=sorted(shared))
    if table.empty:
        show.paragraph(t("no_items", ctx.lang))
        return
    coders = sorted(human["coder"].unique())
    table = table.assign(label=table["code"].map(ctx.label))
    for c in coders:
        table[c] = table[c].map({True: "✓", False: "·"}).fillna("–")
    show.table(table[["doc_id", "speaker", "label", *coders, "text"]].head(20), lang=ctx.lang, max_rows=20)
