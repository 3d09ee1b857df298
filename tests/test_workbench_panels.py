"""The panels' logic, driven as the browser drives it (the same action dictionaries), without a browser.

The browser sends ``{"action": ..., "args": {...}}``; ``Panel.handle`` runs it; what the
front end draws is in the panel's synced traits, and what is written is on disk.
"""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit.codebook import Codebook, CodeEntry
from research_kit.coding import read_codings
from research_kit.corpus import build_corpus
from tests.helpers import DATA, block_tokens, make_corpus, make_tokens, p, w

TURNS = ["Bon, on commence.", "Il faudrait une garderie pour les enfants.", "On est épuisés, vraiment."]


@pytest.fixture
def corpus():
    docs = pd.DataFrame({"doc_id": ["a1", "a2"], "date": ["2025-02-01", "2025-01-01"]})
    turns = pd.DataFrame({"doc_id": ["a1"] * 3 + ["a2"], "speaker": ["S", "A", "S", "B"],
                          "role": ["animatrice", "habitant·e", "animatrice", "habitant·e"],
                          "text": TURNS + ["Autre séance."]})
    return build_corpus(docs, turns)


@pytest.fixture
def codebook():
    return Codebook((CodeEntry("besoins", label={"fr": "Besoins", "en": "Needs"}, codable=False),
                     CodeEntry("besoins.garde", parent="besoins", label={"fr": "Garde d'enfants"},
                               definition={"fr": "Faire garder les enfants."}),
                     CodeEntry("fatigue", label={"fr": "Fatigue"})), languages=("fr", "en"))


def message(panel):
    return panel.message.get("code")


# ---------------------------------------------------------------------------
# coding panel


def test_select_tick_untick_and_what_is_written(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel

    panel = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path)
    assert panel.doc["doc_id"] == "a2"  # the first document by date
    assert [c["code"] for c in panel.codebook] == ["besoins", "besoins.garde", "fatigue"]
    assert panel.codebook[1]["definition"] == "Faire garder les enfants." and not panel.codebook[0]["codable"]
    assert panel.handle("open", doc_id="a1")
    start = corpus.text("a1").index("garderie")
    assert panel.handle("select", start=start + 1, end=start + 4)
    assert panel.selection["text"] == "garderie" and panel.selection["turn"] == 1
    assert panel.selection["speaker"] == "A"
    assert panel.handle("toggle", code="besoins.garde")
    assert panel.selection["codes"] == ["besoins.garde"] and panel.status["segments"] == 1
    assert [(s["start"], s["code"], s["mine"]) for s in panel.segments] == [(start, "besoins.garde", True)]
    written = read_codings(tmp_path / "ana.csv", corpus=corpus)
    assert written[["start_char", "end_char", "code", "coder"]].values.tolist() == [
        [start, start + 8, "besoins.garde", "ana"]]
    assert panel.handle("toggle", code="besoins.garde")  # unticked: removed
    assert read_codings(tmp_path / "ana.csv").empty and panel.selection["codes"] == []
    assert panel.handle("undo") and panel.status["segments"] == 1
    assert panel.documents[[d["doc_id"] for d in panel.documents].index("a1")]["mine"] == 1


def test_whole_turn_click_on_a_segment_memo(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel

    panel = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path, doc_id="a1")
    assert panel.handle("select_turn", turn=2)
    turn = corpus.turns.iloc[2]
    assert (panel.selection["start"], panel.selection["end"]) == (turn["start_char"], turn["end_char"])
    panel.handle("toggle", code="fatigue")
    word = corpus.text("a1").index("épuisés")
    panel.handle("select", start=word, end=word + 7)
    panel.handle("toggle", code="fatigue")
    panel.handle("clear")
    assert panel.selection == {}
    panel.handle("select_at", offset=word + 2)  # a click inside both: the shorter segment
    assert (panel.selection["start"], panel.selection["end"]) == (word, word + 7)
    panel.handle("memo", text="  dit en riant ")
    assert read_codings(tmp_path / "ana.csv").set_index("start_char").loc[word, "memo"] == "dit en riant"
    panel.handle("select_at", offset=int(turn["start_char"]))
    assert panel.selection["start"] == turn["start_char"] and panel.selection["memo"] == ""


def test_errors_become_the_panels_message_and_change_nothing(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel

    panel = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path, doc_id="a1")
    assert not panel.handle("toggle", code="fatigue") and message(panel) == "RK-G34"  # nothing selected
    panel.handle("select_turn", turn=0)
    assert not panel.handle("toggle", code="besoins") and message(panel) == "RK-G06"
    assert not panel.handle("open", doc_id="zz") and message(panel) == "RK-C10"
    assert not panel.handle("fly") and message(panel) == "RK-P83"
    assert not panel.handle("accept") and message(panel) == "RK-P82"  # no suggestions in this panel
    panel.handle("dismiss")
    assert panel.message == {}
    assert not (tmp_path / "ana.csv").exists()


def test_blind_panel_and_a_colleagues_work(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel

    ben = CodingPanel(corpus, codebook, coder="ben", folder=tmp_path, doc_id="a1")
    ben.handle("select_turn", turn=1)
    ben.handle("toggle", code="besoins.garde")
    seen = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path, doc_id="a1")
    blind = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path, doc_id="a1", blind=True)
    assert [(s["coder"], s["mine"]) for s in seen.segments] == [("ben", False)]
    assert blind.segments == [] and blind.status["blind"]
    seen.handle("select_turn", turn=1)
    assert seen.selection["others"] == [{"code": "besoins.garde", "coder": "ben"}]
    blind.handle("retrieve", code="besoins")  # a folder retrieves its codes; blind sees no one else's
    seen.handle("retrieve", code="besoins")
    assert blind.retrieval["total"] == 0 and seen.retrieval["total"] == 1
    row = seen.retrieval["rows"][0]
    seen.handle("goto", doc_id=row["doc_id"], start=row["start_char"], end=row["end_char"])
    assert seen.selection["turn"] == 1 and seen.scroll_to["start"] == row["start_char"]


def test_a_broken_codebook_opens_the_panel_read_only_with_its_problems(corpus, tmp_path):
    from research_kit.workbench import CodingPanel

    panel = CodingPanel(corpus, DATA / "codebooks" / "broken.yml", coder="ana", folder=tmp_path)
    assert panel.notices[0]["code"] == "RK-G35" and panel.codebook == [] and not panel.status["can_code"]
    panel.handle("select_turn", turn=0)
    assert not panel.handle("toggle", code="care") and message(panel) == "RK-G35"


def test_suggestions_in_the_panel(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel

    t = corpus.turns
    rules = pd.DataFrame({"doc_id": "a1", "start_char": t["start_char"][:3].tolist(),
                          "end_char": t["end_char"][:3].tolist(), "code": ["fatigue", "besoins.garde", "fatigue"],
                          "coder": "rules", "memo": ["lemma:commencer", "lemma:garderie", "lemma:épuiser"],
                          "coded_at": pd.Series(pd.NaT, index=range(3), dtype="datetime64[ns, UTC]")})
    panel = CodingPanel(corpus, codebook, coder="ana", folder=tmp_path, rules=rules, doc_id="a1")
    assert [s["code"] for s in panel.suggestions] == ["fatigue", "besoins.garde", "fatigue"]
    panel.handle("next_suggestion", direction=1)
    assert panel.selection["suggestion"]["evidence"] == "lemma:commencer"
    panel.handle("reject")  # the selected suggestion
    panel.handle("next_suggestion")
    panel.handle("accept")
    assert [s["evidence"] for s in panel.suggestions] == ["lemma:épuiser"]
    panel.handle("watch_scores", on=True)
    scores = {r["code"]: r for r in panel.scores}
    # turns of a1: rules on 0, 1, 2; the coder has turn 1 (besoins.garde, accepted).
    # fatigue: TP 0, FP 2 (turns 0 and 2), FN 0; besoins.garde: TP 1
    assert (scores["fatigue"]["true_positives"], scores["fatigue"]["false_positives"]) == (0, 2)
    assert scores["besoins.garde"]["precision"] == 1.0 and scores["besoins.garde"]["label"] == "Garde d'enfants"
    assert read_codings(tmp_path / "ana.csv")["code"].tolist() == ["besoins.garde"]


# ---------------------------------------------------------------------------
# explorer

ROWS = [
    w("d1", 0, 0, "Bon", "bon", stop=True), p("d1", 0, 0, ","), w("d1", 0, 0, "il", stop=True),
    w("d1", 0, 0, "faudrait", "falloir"), w("d1", 0, 0, "partir"), p("d1", 0, 0, "."),
    w("d1", 1, 1, "Oui", "oui"), w("d1", 1, 1, "il", stop=True), w("d1", 1, 1, "faudrait", "falloir"),
    w("d1", 1, 1, "attendre"), p("d1", 1, 1, "."),
    w("d2", 0, 0, "Alors", "alors"), w("d2", 0, 0, "il", stop=True), w("d2", 0, 0, "faut", "falloir"),
    w("d2", 0, 0, "voir"), p("d2", 0, 0, "."),
]
SPEAKERS = {("d1", 0): ("Marie", "animatrice"), ("d1", 1): ("Ahmed", "habitant·e"), ("d2", 0): ("Karim", "élu")}


@pytest.fixture
def explored(tmp_path):
    from research_kit.workbench import Explorer

    corpus = make_corpus(ROWS, SPEAKERS, {"d1": {"site": "Bruxelles"}, "d2": {"site": "Liège"}})
    return Explorer(corpus, make_tokens(ROWS), export_folder=tmp_path / "exports", limit=1)


def test_search_sort_filter_and_open_a_hit(explored):
    e = explored
    assert e.handle("search", query="falloir", of="lemma")
    assert (e.hits["total"], e.hits["documents"]) == (3, 2)
    assert len(e.hits["rows"]) == 1  # limit=1: the rest on demand
    e.handle("more")
    e.handle("more")
    assert [r["match"] for r in e.hits["rows"]] == ["faudrait", "faudrait", "faut"]
    e.handle("sort", by="left")  # "alors il" < "bon il" < "oui il": read leftwards, the nearest word first
    assert [r["left"] for r in e.hits["rows"]] == ["Alors il", "Bon, il", "Oui il"]
    e.handle("sort", by="right")
    assert [r["right"] for r in e.hits["rows"]] == ["attendre.", "partir.", "voir."]
    e.handle("filter", filters={"role": "habitant·e"})
    assert e.hits["total"] == 1 and e.hits["unfiltered"] == 3 and e.hits["rows"][0]["speaker"] == "Ahmed"
    e.handle("open_hit", index=0)
    target = [r for r in e.context["rows"] if r["is_target"]][0]
    s, end = target["match"]
    assert target["text"][s:end] == "faudrait" and e.context["turn"] == 1
    assert [r["turn"] for r in e.context["rows"]] == [0, 1]
    e.handle("filter", filters={"site": "Liège"})
    assert e.hits["total"] == 1 and e.hits["rows"][0]["match"] == "faut"
    assert not e.handle("filter", filters={"date_from": "hier"}) and e.message["code"] == "RK-P80"
    assert e.filters == {"site": "Liège"}  # a bad filter changes nothing
    assert not e.handle("open_hit", index=9) and e.message["code"] == "RK-P81"


def test_frequencies_keyness_participation_follow_the_filters(explored):
    e = explored
    e.handle("view", name="frequencies")
    counts = {r["term"]: r["count"] for r in e.table["rows"]}
    assert counts["falloir"] == 3 and "il" not in counts  # stop words left out
    e.handle("filter", filters={"site": "Bruxelles"})
    assert {r["term"]: r["count"] for r in e.table["rows"]}["falloir"] == 2
    e.handle("filter", filters={})
    e.handle("view", name="keyness")
    assert e.handle("keyness", target={"column": "doc_id", "value": "d2"}, reference=None, measure="log_ratio",
                    min_count=1)
    # d2 has 4 words (alors il faut voir), the rest 8; "voir" 1 in d2, 0 elsewhere: log ratio > 0
    assert e.table["sizes"] == {"target": 4, "reference": 8}
    assert "voir" in [r["term"] for r in e.table["rows"] if r["side"] == "target"]
    e.handle("view", name="participation")
    rows = {r["speaker"]: r for r in e.table["rows"]}
    # words per speaker: Marie 4 (bon il faudrait partir), Ahmed 4, Karim 4: a third each
    assert {k: v["words"] for k, v in rows.items()} == {"Marie": 4, "Ahmed": 4, "Karim": 4}
    e.handle("participation", doc_id="d1", by="role")
    assert sorted(r["role"] for r in e.table["rows"]) == ["animatrice", "habitant·e"]


def test_export_writes_the_whole_view(explored, tmp_path):
    e = explored
    assert not e.handle("export") and e.message["code"] == "RK-P83"
    e.handle("search", query="il")
    e.handle("export")
    written = pd.read_csv(e.exported)
    assert len(written) == 3 and list(written.columns)[:3] == ["doc_id", "turn", "speaker"]
    assert e.exported.endswith("concordance-il.csv")


# ---------------------------------------------------------------------------
# resolve and textometry


def test_resolve_panel_decides_and_reads_the_coders_again(corpus, codebook, tmp_path):
    from research_kit.workbench import CodingPanel, ResolvePanel

    for coder, turns in (("ana", [0, 1]), ("ben", [0, 2])):
        panel = CodingPanel(corpus, codebook, coder=coder, folder=tmp_path, doc_id="a1")
        for t in turns:
            panel.handle("select_turn", turn=t)
            panel.handle("toggle", code="fatigue")
    resolve = ResolvePanel(corpus, tmp_path, decider="sami", codebook=codebook)
    assert resolve.coders == ["ana", "ben"] and resolve.status["total"] == 2
    unit = resolve.units[0]
    assert unit["turn"] == 1 and unit["items"][0]["votes"] == {"ana": True, "ben": False}
    assert unit["items"][0]["label"] == "Fatigue"
    resolve.handle("decide", row=unit["items"][0]["row"], apply=True, memo="oui")
    assert resolve.status["remaining"] == 1
    decided = read_codings(tmp_path / "adjudicated" / "decisions.csv")
    assert decided[["coder", "decision", "memo"]].values.tolist() == [["sami", "apply", "oui"]]
    # ben codes turn 1 too, in his own panel: the next action reads the files again
    ben = CodingPanel(corpus, codebook, coder="ben", folder=tmp_path, doc_id="a1")
    ben.handle("select_turn", turn=1)
    ben.handle("toggle", code="fatigue")
    resolve.handle("refresh")
    assert resolve.status["total"] == 1 and resolve.units[0]["turn"] == 2
    resolve.handle("filter", undecided_only=True)
    assert len(resolve.units) == 1


def test_resolve_panel_with_one_coder_says_why(corpus, codebook, tmp_path):
    from research_kit.workbench import ResolvePanel

    resolve = ResolvePanel(corpus, tmp_path, decider="sami")
    assert resolve.message["code"] == "RK-P45" and resolve.units == []
    assert not resolve.handle("decide", row=0, apply=True) and resolve.message["code"] == "RK-P45"


def test_textometry_browser_classes_forms_and_context():
    from research_kit.chd import reinert
    from research_kit.workbench import TextometryBrowser

    tokens = block_tokens([12, 9])
    texts = tokens.groupby("doc_id", sort=True)["text"].agg(" ".join)
    corpus = build_corpus(pd.DataFrame({"doc_id": list(texts.index)}),
                          pd.DataFrame({"doc_id": list(texts.index), "speaker": "S", "text": list(texts)}))
    result = reinert(tokens, k=2, min_class_size=2, min_frequency=1)
    browser = TextometryBrowser(result, tokens, corpus, factor_map=False)
    assert [c["cls"] for c in browser.classes] == [1, 2]
    assert sum(c["n_segments"] for c in browser.classes) == 21
    assert browser.details["cls"] == 1 and browser.details["profile"]
    form = browser.details["profile"][0]["term"]
    browser.handle("form", term=form)
    # the form's hits: one per document (segment) whose text holds it
    assert browser.concordance["total"] == sum(form in t.split() for t in texts)
    browser.handle("open_hit", index=0)
    assert browser.context["rows"][0]["match"] is not None
    assert not browser.handle("open_class", cls=5) and browser.message["code"] == "RK-P71"
    assert not browser.handle("form", term="*site_x") and browser.message["code"] == "RK-P84"
