"""What the briefs say, checked as properties of their blocks.

The brief notebooks' code cells run in this process on the demo corpus (inside
``show.collect``, no kernel, nothing written), once per brief; the tests then check that
nothing is dropped silently (every recommendation in the register, cut tables that say
so, appendices that are complete), that figures are honest (durations, distinct people,
thin evidence flagged), that quotes can be quoted (whole sentences, balanced guillemets,
no quote twice), and that every word follows the brief's language, the figures' tick
labels included.
"""

from __future__ import annotations

import json
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research_kit import show  # noqa: E402
from research_kit.briefs import sections as s  # noqa: E402
from research_kit.corpus import build_corpus  # noqa: E402
from research_kit.i18n import duration  # noqa: E402
from research_kit.summary import people, summary, write_summary  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

DEMO = ROOT / "corpora" / "demo"
NOTEBOOKS = ROOT / "notebooks"
MONTHS_EN = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
MONTHS_FR = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

BRIEFS = {
    "canal": ("process_brief", {"variable": "project", "value": "Consultation Quartier du Canal", "lang": "fr"}),
    "cop": ("process_brief", {"variable": "project", "value": "Communauté de pratique des médiateurs", "lang": "fr"}),
    "session-en": ("session_brief", {"doc_id": "bxl-atelier-4", "lang": "en"}),
    "session-fr": ("session_brief", {"doc_id": "mtl-cop-03", "lang": "fr"}),
    "review": ("coding_review", {"lang": "fr"}),
    "explorer": ("corpus_explorer", {"lang": "fr"}),
    "theme": ("thematic_brief", {"code": "conditions", "lang": "en"}),
}


def _ticks(fig) -> list[str]:
    fig.canvas.draw()
    return [label.get_text() for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
            for label in axis.get_ticklabels() if label.get_text()]


def run_notebook(name: str, parameters: dict) -> dict:
    """The blocks a brief notebook shows, its code cells run here, and each figure's tick labels."""
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    ticks: list[list[str]] = []
    real = show.figure

    def figure(fig, **kwargs):
        ticks.append(_ticks(fig))
        return real(fig, **kwargs)

    namespace: dict = {}
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings(), show.collect() as blocks:
        warnings.simplefilter("ignore")
        mp.setattr(show, "figure", figure)
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            exec("".join(cell["source"]), namespace)  # noqa: S102 - the project's own notebook
            if "parameters" in cell["metadata"].get("tags", []):
                # the demo corpus as written, in memory only: nothing of it is written anywhere
                namespace.update(parameters, corpus=str(DEMO), allow_identities=True)
    return {"blocks": list(blocks), "ticks": ticks, "ctx": namespace["ctx"]}


@pytest.fixture(scope="module")
def briefs():
    return {key: run_notebook(name, params) for key, (name, params) in BRIEFS.items()}


def of_kind(brief, kind):
    return [b for b in brief["blocks"] if b["kind"] == kind]


def texts_of(brief) -> str:
    """Every word the brief prints, tables and captions included."""
    out = []
    for b in brief["blocks"]:
        for key in ("text", "caption", "title", "subtitle", "notice", "alt"):
            if b.get(key):
                out.append(str(b[key]))
        out += [str(i) if not isinstance(i, dict) else f"{i['label']} {i['value']}" for i in b.get("items", [])]
        out += list(b.get("columns", []))
        out += [c for row in b.get("rows", []) for c in row]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# nothing dropped silently


def _requests(ctx, lang_of_brief):
    """Every recommendation and need of the focus that participants voiced, found anew."""
    from research_kit.recommendations import recommendations

    codes = {kind: [d for c in names if c in ctx.codebook for d in ctx.codebook.descendants(c)]
             for kind, names in {"recommendation": ("recommendations",), "need": ("needs",)}.items()}
    frame = recommendations(ctx.focus, tokens=ctx.tokens[ctx.tokens["doc_id"].isin(ctx.doc_ids)],
                            codings=ctx.codings, codes=codes)
    return frame[frame["kind"].isin(["recommendation", "need"]) & ~frame["role"].isin(ctx.facilitators)]


@pytest.mark.parametrize("key", ["canal", "cop"])
def test_the_register_holds_every_recommendation_under_its_session(briefs, key):
    brief = briefs[key]
    ctx = brief["ctx"]
    expected = _requests(ctx, "fr")
    assert len(expected) > 25  # more than the 25 rows the register used to stop at
    blocks = brief["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"].startswith("Recommandations et séances"))
    register = blocks[start:]
    cells = [row[-1] for b in register if b["kind"] == "table" for row in b["rows"]]
    for text in expected["text"]:
        assert show.quote_text(text) in cells, text
    # each session of the process has its heading, title and date, the last workshop too
    headings = [b["text"] for b in register if b["kind"] == "heading" and b["level"] == 3]
    docs = ctx.focus.documents
    for title, date in zip(docs["title"], docs["date"]):
        assert f"{title} ({date:%Y-%m-%d})" in headings
    # nothing in the register is cut
    assert all(b["total_rows"] == len(b["rows"]) for b in register if b["kind"] == "table")


def test_canal_register_includes_the_recommendations_workshop(briefs):
    blocks = briefs["canal"]["blocks"]
    i = next(i for i, b in enumerate(blocks)
             if b["kind"] == "heading" and b["text"].startswith("Atelier participatif 4 — recommandations"))
    table = blocks[i + 1]
    assert table["kind"] == "table" and len(table["rows"]) >= 5


def test_the_quotes_of_recommendations_say_how_many_of_how_many(briefs):
    canal = briefs["canal"]
    n = len(_requests(canal["ctx"], "fr"))
    notes = [b["text"] for b in of_kind(canal, "note")]
    assert any(re.fullmatch(rf"8 extraits choisis sur {n} ; tous dans le registre ci-dessous\.", x) for x in notes)
    # the session brief has no register: the complete list goes to an appendix, which holds it all
    session = briefs["session-en"]
    n = len(_requests(session["ctx"], "en"))
    note = next(b["text"] for b in of_kind(session, "note") if "quotes chosen of" in b["text"])
    ref = re.search(r"all in appendix ([A-Z])\.", note).group(1)
    blocks = session["blocks"]
    i = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"].startswith(f"Appendix {ref} — "))
    assert blocks[i + 1]["kind"] == "table" and len(blocks[i + 1]["rows"]) == n


def test_a_cut_table_says_so_and_an_uncut_one_does_not():
    frame = pd.DataFrame({"n": range(30)})
    cut = show.table(frame, lang="fr", caption="Chiffres", max_rows=25, rest="B")
    assert cut["caption"] == "Chiffres — 25 lignes sur 30 ; toutes en annexe B"
    assert len(cut["rows"]) == 25 and cut["total_rows"] == 30
    assert show.table(frame, lang="en", max_rows=10)["caption"] == "10 of 30 rows shown"
    whole = show.table(frame, lang="en", max_rows=None)
    assert whole["caption"] is None and len(whole["rows"]) == 30


def test_every_cut_table_of_every_brief_says_so(briefs):
    for key, brief in briefs.items():
        for b in of_kind(brief, "table"):
            if b["total_rows"] > len(b["rows"]):
                assert b["caption"] and re.search(r"\d+ (lignes sur|of) \d+", b["caption"]), (key, b["caption"])


def test_the_concordance_names_its_appendix_and_the_appendix_is_complete(briefs):
    from research_kit.kwic import kwic

    brief = briefs["explorer"]
    ctx = brief["ctx"]
    lines = kwic(ctx.tokens, "il faudrait", corpus=ctx.corpus)
    assert len(lines) > 12
    blocks = brief["blocks"]
    cut = next(b for b in of_kind(brief, "table") if b["columns"][2:5] == ["contexte gauche", "pivot", "contexte droit"])
    ref = re.search(r"toutes en annexe ([A-Z])$", cut["caption"]).group(1)
    assert len(cut["rows"]) == 12 and cut["total_rows"] == len(lines)
    i = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"].startswith(f"Annexe {ref} — "))
    assert len(blocks[i + 1]["rows"]) == len(lines)


def test_top_lists_say_they_are_the_top_n_of_m(briefs):
    captions = [b["caption"] or "" for b in of_kind(briefs["session-fr"], "table")]
    assert any(re.fullmatch(r"Les 15 mots les plus caractéristiques, sur \d+ plus fréquents ici qu'ailleurs\.", c)
               for c in captions)
    captions = [b["caption"] or "" for b in of_kind(briefs["explorer"], "table")]
    assert any(re.fullmatch(r"Les 15 mots les plus fréquents, sur \d+ mots différents\.", c) for c in captions)
    captions = [b["caption"] or "" for b in of_kind(briefs["review"], "table")]
    assert any(re.fullmatch(r"Les 12 paires les plus fréquentes, sur \d+\.", c) for c in captions)


def test_every_disagreement_is_listed_once_per_unit_under_its_session(briefs):
    from research_kit.agreement import disagreements

    brief = briefs["review"]
    ctx = brief["ctx"]
    human = ctx.human_codings
    shared = sorted(set.intersection(*(set(g["doc_id"]) for _, g in human.groupby("coder"))))
    table = disagreements(human, ctx.corpus, unit="turn", documents=shared)
    units = table.drop_duplicates(["doc_id", "start_char"])
    blocks = brief["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"] == "Désaccords à discuter")
    intro = blocks[start + 1]["text"]
    assert intro.startswith(f"{len(table)} désaccords sur {len(units)} unités")
    rows = [row for b in blocks[start:] if b["kind"] == "table" and b["columns"][0] == "locuteur·rice"
            for row in b["rows"]]
    assert len(rows) == len(units) > 20
    docs = ctx.corpus.documents.set_index("doc_id")
    headings = [b["text"] for b in blocks[start:] if b["kind"] == "heading"]
    for doc_id in shared:
        assert f"{docs.loc[doc_id, 'title']} ({docs.loc[doc_id, 'date']:%Y-%m-%d})" in headings


# ---------------------------------------------------------------------------
# honest figures


@pytest.mark.parametrize(("seconds", "text"), [
    (16_560, "4 h 36 min"),  # 4.6 h
    (3_060, "51 min"),       # 0.85 h: never "0.85 h"
    (7_200, "2 h"),
    (3_690, "1 h 2 min"),    # 61.5 min, to the nearest minute
    (45, "45 s"),
])
def test_durations_in_hours_and_minutes(seconds, text):
    assert duration(seconds) == text


def _timed_corpus():
    """Eight sessions, three of them timed: 1 h 30, 2 h 06 and 1 h exactly (4 h 36 min)."""
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(8)], "title": [f"Séance {i}" for i in range(8)],
                         "date": pd.to_datetime([f"2025-0{i + 1}-10" for i in range(8)])})
    turns = []
    for i in range(8):
        timed = {0: 5_400.0, 1: 7_560.0, 2: 3_600.0}.get(i)
        turns.append({"doc_id": f"d{i}", "speaker": "Anne", "role": "animatrice", "text": "Bonjour à toutes et à tous.",
                      "start_s": 0.0 if timed else None, "end_s": timed})
        turns.append({"doc_id": f"d{i}", "speaker": "Karim Benali" if i else "Karim", "role": "médiateur",
                      "text": "Merci, on commence.", "start_s": None, "end_s": None})
    return build_corpus(docs, pd.DataFrame(turns))


def test_recorded_time_says_how_many_sessions_it_covers():
    ctx = s.BriefContext(_timed_corpus(), "fr", [f"d{i}" for i in range(8)])
    with show.collect() as blocks:
        s.at_a_glance(ctx)
    items = {i["label"]: i["value"] for i in blocks[-1]["items"]}
    assert items["Durée enregistrée"] == "4\u00a0h\u00a036\u00a0min"
    assert items["Séances horodatées"] == "3 sur 8"
    assert items["Personnes"] == "2"  # Anne, and Karim who is Karim Benali
    ctx = s.BriefContext(_timed_corpus(), "en", ["d0"])
    with show.collect() as blocks:
        s.at_a_glance(ctx)
    items = {i["label"]: i["value"] for i in blocks[-1]["items"]}
    assert items["Recorded time"] == "1\u00a0h\u00a030\u00a0min" and "Timed sessions" not in items


def test_people_are_counted_once_however_their_name_is_written():
    turns = pd.DataFrame({
        "speaker": ["Karim Benali", "Karim", "karim  benali.", "Karim B.", "Marie-Ève Lacasse", "Marie-Ève",
                    "Habitant·e 1", "Habitant·e 12", "?", "Jean Roy", "Jean Tremblay", "Jean"],
        "role": ["médiateur", "médiateur", None, "médiateur", "médiateur", "médiateur", "habitant", "habitant", None,
                 "élu", "élu", "élu"],
    })
    keys = people(turns)
    # Karim ×4, Marie-Ève ×2, two residents, Jean Roy, Jean Tremblay, and "Jean" who could be
    # either: left alone; "?" is nobody
    assert keys.nunique() == 7
    assert keys[:4].nunique() == 1 and keys[4:6].nunique() == 1 and keys[6] != keys[7]
    assert pd.isna(keys[8]) and keys[11] not in (keys[9], keys[10])


def test_summary_counts_distinct_people_and_people_per_role(tmp_path):
    corpus = _timed_corpus()
    table = summary(corpus).set_index("language")
    assert table.loc["all", "speakers"] == 2  # Anne, Karim (= Karim Benali), in eight documents
    assert table.loc["all", "timed"] == 3 and table.loc["all", "duration"] == "4 h 36 min"
    write_summary(corpus, tmp_path)
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "- médiateur: 1" in md and "- animatrice: 1" in md


def test_the_demo_summary_counts_its_six_mediators():
    from research_kit import read_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = read_corpus(DEMO)
    turns = corpus.turns.assign(person=people(corpus.turns))
    mediators = turns.loc[turns["role"] == "médiateur·rice", "person"]
    # Marie-Ève, Karim, Jean-François, Tanya, Nadia and Olivier, each written with and without
    # a last name in one transcript or another (Karim also as "Karim B.")
    assert mediators.nunique() == 6
    assert turns.loc[turns["role"] == "médiateur·rice", "speaker"].nunique() > 6


def test_agreement_is_flagged_where_codes_have_few_coded_units(briefs):
    table = next(b for b in of_kind(briefs["review"], "table") if "alpha de Krippendorff" in b["columns"])
    cols = table["columns"]
    assert cols[-1] == "remarque"
    flagged = 0
    for row in table["rows"]:
        units = int(row[cols.index("unités codées")].replace("\u202f", ""))
        note = row[-1]
        if row[0] == "(tous les codes)":
            assert note == ""
        elif units < s.MIN_CODED_UNITS:
            assert note == f"trop peu d'unités codées ({units} < {s.MIN_CODED_UNITS})"
            flagged += 1
        else:
            assert note == ""
    assert flagged >= 1
    # and the brief says how to read the numbers, and on which documents agreement is computed
    text = texts_of(briefs["review"])
    assert "Comment lire ces chiffres" in text and "Accord calculé sur les 3 documents codés" in text


def test_coders_of_different_documents_are_compared_on_the_documents_they_share(briefs):
    brief = briefs["review"]
    human = brief["ctx"].human_codings
    docs_of = {c: set(g["doc_id"]) for c, g in human.groupby("coder")}
    shared = set.intersection(*docs_of.values())
    assert any(d != shared for d in docs_of.values())  # the demo's coders did not code the same documents
    note = next(b["text"] for b in of_kind(brief, "note") if "ne se comparent pas" in b["text"])
    for coder, docs in docs_of.items():
        assert f"{coder} : {len(docs)} document{'s' if len(docs) > 1 else ''}" in note
    table = next(b for b in of_kind(brief, "table") if (b["caption"] or "").startswith("Codes comptés sur"))
    for coder in docs_of:
        j = table["columns"].index(coder)
        expected = int((human["coder"].eq(coder) & human["doc_id"].isin(shared)).sum())
        assert sum(int(row[j]) for row in table["rows"]) == expected


def test_reinert_classes_under_their_share_are_flagged(briefs):
    ctx = briefs["session-fr"]["ctx"]
    with show.collect() as blocks:
        s.classification(ctx, k=5, marginal_share=0.3)  # with a high share, some class is under it
    table = next(b for b in blocks if b["kind"] == "table")
    shares = [int(r[table["columns"].index("%")]) for r in table["rows"]]
    assert table["columns"][-1] == "remarque"
    notes = [r[-1] for r in table["rows"]]
    assert any(notes) and not all(notes)
    for note in notes:
        assert note in ("", "trop petite pour être lue comme un thème (moins de 30\u00a0% des segments)")
    assert len(shares) == len(notes)


# ---------------------------------------------------------------------------
# quotes that can be quoted


def quotes_of(brief) -> list[str]:
    return [b["text"] for b in of_kind(brief, "quote")]


@pytest.mark.parametrize("key", list(BRIEFS))
def test_no_passage_is_quoted_twice_in_a_brief(briefs, key):
    quotes = [" ".join(q.replace("[…]", "").lower().split()) for q in quotes_of(briefs[key])]
    for i, a in enumerate(quotes):
        for b in quotes[i + 1:]:
            assert a != b and a not in b and b not in a


@pytest.mark.parametrize("key", list(BRIEFS))
def test_quotes_are_whole_sentences_with_balanced_marks(briefs, key):
    for q in quotes_of(briefs[key]):
        assert re.match(r"(\[…\] |[«\"“(]?\s*[A-ZÀ-ÖØ-Þ0-9])", q), q
        assert re.search(r"([.!?…][»”\"]?| \[…\]|»)$", q), q
        depth = 0
        for ch in q:
            depth += (ch == "«") - (ch == "»")
            assert depth >= 0, q
        assert depth == 0, q
        assert q.count("[") == q.count("]"), q


def test_quote_text_balances_marks_and_keeps_placeholders():
    assert show.quote_text("» et là il dit « on verra") == "et là il dit « on verra »"
    assert show.quote_text("c'est au [adresse] [rires], tu vois [inaud") == "c'est au [adresse], tu vois"
    assert show.quote_text("[…] on a dit « oui » [lieu 3].") == "[…] on a dit « oui » [lieu 3]."


def test_captions_in_capitals_are_put_in_sentence_case():
    said = "GOOD EVENING. MY NAME IS Personne 44, I LIVE ON ELM DRIVE AND I'VE BEEN IN KETTLEFORD FOR YEARS."
    assert show.quote_text(said, casing={"kettleford": "Kettleford"}) == (
        "Good evening. My name is Personne 44, I live on elm drive and I've been in Kettleford for years.")
    assert show.quote_text("On devrait revenir. OK.") == "On devrait revenir. OK."  # not a caption in capitals


def test_the_captions_quoted_in_a_brief_are_not_in_capitals(briefs):
    quotes = [b for b in of_kind(briefs["theme"], "quote") if b["source"] and b["source"].startswith("Kettleford")]
    assert quotes
    for b in quotes:
        letters = [c for c in b["text"] if c.isalpha()]
        assert sum(c.isupper() for c in letters) < 0.2 * len(letters)


# ---------------------------------------------------------------------------
# language everywhere


def test_figures_of_a_french_brief_have_french_ticks(briefs):
    ticks = [tick for fig in briefs["canal"]["ticks"] for tick in fig]
    words = {w for tick in ticks for w in re.split(r"\s+", tick)}
    assert words & MONTHS_FR
    assert not words & MONTHS_EN
    assert not [tick for tick in ticks if re.search(r"\d\.\d", tick)]  # no decimal point
    assert [tick for tick in ticks if re.search(r"\d,\d", tick)]  # decimal commas


def test_figures_of_an_english_brief_have_english_ticks(briefs):
    ticks = [tick for fig in briefs["session-en"]["ticks"] for tick in fig]
    assert not [tick for tick in ticks if re.search(r"\d,\d(?!\d\d)", tick)]
    assert [tick for tick in ticks if re.search(r"\d\.\d", tick)]


def test_an_english_brief_shows_english_role_labels(briefs):
    brief = briefs["session-en"]
    table = next(b for b in of_kind(brief, "table") if b["columns"][0] == "role")
    roles = [row[0] for row in table["rows"]]
    assert "resident" in roles and "facilitator" in roles and "elected official" in roles
    assert not {"habitant·e", "animateur·rice", "élu·e"} & set(roles)
    assert {b["role"] for b in of_kind(brief, "quote")} <= {"resident", "facilitator", "co-facilitator",
                                                           "elected official", "community group representative"}


def test_no_jargon_a_trainer_would_not_show_a_group(briefs):
    for key in ("canal", "session-fr", "session-en", "explorer"):
        text = texts_of(briefs[key]).lower()
        for word in ("part du plus bavard", "cible", "équitabilité", "log ratio", "gini (mots)", "top speaker share",
                     "evenness"):
            assert word not in text, (key, word)
    assert "Comment lire ces chiffres" in texts_of(briefs["canal"])
    assert "How to read these numbers" in texts_of(briefs["session-en"])
    keywords = texts_of(briefs["session-en"])
    assert "times more frequent here" in keywords and "strength of evidence" in keywords


def test_every_brief_notebook_ends_with_its_appendix():
    for name in ("session_brief", "process_brief", "thematic_brief", "coding_review", "corpus_explorer"):
        cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        assert "".join(cells[-1]["source"]) == "s.appendix(ctx)", name
        assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code"), name


def test_a_register_promised_and_never_shown_is_an_error():
    from research_kit.errors import BriefError, ParameterError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ctx = s.brief_context(DEMO, lang="fr", doc_id="bxl-atelier-4", allow_identities=True)
        with show.collect():
            s.recommendations(ctx, register=True)
            with pytest.raises(BriefError, match="RK-B50"):
                s.appendix(ctx)
            s.recommendation_table(ctx)
            s.appendix(ctx)  # the register was shown: nothing to say
    with pytest.raises(ParameterError, match="RK-P23"):
        show.table(pd.DataFrame({"n": [1]}), max_rows=-1)
    with pytest.raises(ParameterError, match="RK-P23"):
        s.recommendations(ctx, n=0)


# ---------------------------------------------------------------------------
# what a reader sees (issue #16)


def test_the_themes_note_says_which_themes_get_quotes(briefs):
    # The table lists every theme; the note under it is about the quotes, for the n first.
    blocks = briefs["session-fr"]["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"] == "Thèmes principaux")
    end = next(i for i, b in enumerate(blocks) if i > start and b["kind"] == "heading" and b.get("level", 2) <= 2)
    table = next(b for b in blocks[start:end] if b["kind"] == "table")
    note = next(b["text"] for b in blocks[start:end] if b["kind"] == "note" and "plus codés" in b["text"])
    quoted = [b["text"] for b in blocks[start:end] if b["kind"] == "heading" and b.get("level") == 3]
    n, m = map(int, re.search(r"(\d+) thèmes les plus codés, sur (\d+)", note).groups())
    assert note.startswith("Extraits")
    assert m == len(table["rows"]) > n == len(quoted)
    assert quoted == [row[0] for row in table["rows"][:n]]


def test_the_contexts_of_a_thematic_brief_head_with_a_capital_and_match_its_table(briefs):
    blocks = briefs["theme"]["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and b["text"] == "Quotes by context")
    end = next(i for i, b in enumerate(blocks) if i > start and b["kind"] == "heading" and b.get("level", 2) <= 2)
    contexts = [b["text"] for b in blocks[start:end] if b["kind"] == "heading" and b.get("level") == 3]
    assert "Online" in contexts
    assert all(c[:1].isupper() for c in contexts), contexts
    where = next(b for b in of_kind(briefs["theme"], "table") if "site" in b["columns"])
    sites = {row[where["columns"].index("site")] for row in where["rows"]}
    assert {c.casefold() for c in contexts} <= {s.casefold() for s in sites}
