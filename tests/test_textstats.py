"""Frequencies, n-grams, lexical diversity and dispersion on hand-built tokens frames.

Every expected value is counted by hand in the comments, never taken from our output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research_kit.errors import ParameterError, SchemaError
from research_kit.schemas import TOKENS, TURN_SEPARATOR
from research_kit.textstats import dispersion, frequencies, lexical_diversity, ngrams
from tests.helpers import make_corpus, make_tokens, p, w

# ---------------------------------------------------------------------------
# a small corpus: two meetings, a facilitator and a resident

ROWS = [
    # d1, turn 0, Marie (animatrice): "Le projet avance."
    w("d1", 0, 0, "Le", "le", stop=True), w("d1", 0, 0, "projet"), w("d1", 0, 0, "avance", "avancer"),
    p("d1", 0, 0, "."),
    # d1, turn 1, Ahmed (habitant·e): "Le parc, le parc !"
    w("d1", 1, 1, "Le", "le", stop=True), w("d1", 1, 1, "parc"), p("d1", 1, 1, ","),
    w("d1", 1, 1, "le", "le", stop=True), w("d1", 1, 1, "parc"), p("d1", 1, 1, "!"),
    # d2, turn 0, Ahmed (habitant·e): "Le parc avance."
    w("d2", 0, 0, "Le", "le", stop=True), w("d2", 0, 0, "parc"), w("d2", 0, 0, "avance", "avancer"),
    p("d2", 0, 0, "."),
]
SPEAKERS = {("d1", 0): ("Marie", "animatrice"), ("d1", 1): ("Ahmed", "habitant·e"),
            ("d2", 0): ("Ahmed", "habitant·e")}
DOCS = {"d1": {"site": "Montréal"}, "d2": {"site": "Bruxelles"}}


@pytest.fixture
def tokens():
    return make_tokens(ROWS)


@pytest.fixture
def corpus():
    return make_corpus(ROWS, SPEAKERS, DOCS)


def test_helper_offsets_point_into_the_corpus_text(tokens, corpus):
    for row in tokens.itertuples():
        assert corpus.text(row.doc_id)[row.start_char:row.end_char] == row.text
    assert corpus.text("d1") == "Le projet avance." + TURN_SEPARATOR + "Le parc, le parc !"


# ---------------------------------------------------------------------------
# frequencies


def test_frequencies_counts_shares_ranks_doc_freq(tokens):
    out = frequencies(tokens)
    assert list(out.columns) == ["term", "count", "share", "per_10k", "rank", "doc_freq"]
    # words (punctuation excluded, stop words included): 3 in d1 t0 + 4 in d1 t1 + 3 in d2 = 10
    # non-stop lemmas: parc 3 (d1 twice, d2 once), avancer 2 (d1, d2), projet 1 (d1)
    assert out["term"].tolist() == ["parc", "avancer", "projet"]
    assert out["count"].tolist() == [3, 2, 1]
    assert out["share"].tolist() == pytest.approx([3 / 10, 2 / 10, 1 / 10])
    assert out["per_10k"].tolist() == pytest.approx([3000.0, 2000.0, 1000.0])
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["doc_freq"].tolist() == [2, 2, 1]


def test_frequencies_keep_stop_words_same_denominator(tokens):
    out = frequencies(tokens, drop_stop=False).set_index("term")
    # "le" 4 times (3 × "Le" + 1 × "le"), out of the same 10 words
    assert out.loc["le", "count"] == 4 and out.loc["le", "rank"] == 1
    assert out.loc["le", "share"] == pytest.approx(4 / 10)
    assert out.loc["parc", "share"] == pytest.approx(3 / 10)  # unchanged by drop_stop
    assert "." not in out.index and "," not in out.index  # punctuation never counted


def test_frequencies_of_text_and_lower(tokens):
    text = frequencies(tokens, of="text", drop_stop=False).set_index("term")["count"]
    assert text["Le"] == 3 and text["le"] == 1
    lower = frequencies(tokens, of="lower", drop_stop=False).set_index("term")["count"]
    assert lower["le"] == 4 and "Le" not in lower.index
    assert lower["avance"] == 2  # the form, not the lemma "avancer"


def test_frequencies_by_document(tokens):
    out = frequencies(tokens, by="doc_id")
    d1 = out[out["doc_id"] == "d1"].set_index("term")
    # d1 has 7 words: parc 2, projet 1, avancer 1; projet and avancer tie for rank 2
    assert d1["count"].to_dict() == {"parc": 2, "avancer": 1, "projet": 1}
    assert d1.loc["parc", "share"] == pytest.approx(2 / 7)
    assert d1["rank"].to_dict() == {"parc": 1, "avancer": 2, "projet": 2}
    assert out["doc_id"].tolist() == ["d1", "d1", "d1", "d2", "d2"]


def test_frequencies_by_role_needs_the_corpus(tokens, corpus):
    with pytest.raises(ParameterError, match=r"RK-P20.*'role'.*corpus="):
        frequencies(tokens, by="role")
    out = frequencies(tokens, by="role", corpus=corpus)
    assert list(out.columns[:2]) == ["role", "term"]
    anim = out[out["role"] == "animatrice"]
    # Marie said 3 words (Le projet avance): avancer 1 and projet 1, tied at rank 1
    assert anim["term"].tolist() == ["avancer", "projet"]
    assert anim["share"].tolist() == pytest.approx([1 / 3, 1 / 3])
    assert anim["rank"].tolist() == [1, 1]
    hab = out[out["role"] == "habitant·e"].set_index("term")
    # Ahmed: 4 words in d1 t1 + 3 in d2 = 7; parc 3 in 2 documents, avancer 1
    assert hab.loc["parc", "count"] == 3 and hab.loc["parc", "share"] == pytest.approx(3 / 7)
    assert hab.loc["parc", "doc_freq"] == 2
    assert tokens.columns.tolist() == TOKENS.names  # input untouched


def test_frequencies_by_document_variable_and_speaker(tokens, corpus):
    out = frequencies(tokens, by=["site", "speaker"], corpus=corpus)
    rows = out[(out["site"] == "Bruxelles")]
    assert set(rows["speaker"]) == {"Ahmed"} and rows.set_index("term")["count"].to_dict() == {"parc": 1,
                                                                                               "avancer": 1}
    with pytest.raises(ParameterError, match=r"RK-P21.*'rôle'.*Did you mean \"role\""):
        frequencies(tokens, by="rôle", corpus=corpus)


def test_a_missing_role_is_a_group_of_its_own(tokens):
    speakers = {**SPEAKERS, ("d2", 0): ("?", None)}
    out = frequencies(tokens, by="role", corpus=make_corpus(ROWS, speakers, DOCS))
    assert out["role"].isna().sum() == 2  # parc and avancer, said in d2 by an unnamed speaker
    assert out.loc[out["role"].isna(), "share"].tolist() == pytest.approx([1 / 3, 1 / 3])


def test_frequencies_min_count_and_options(tokens):
    assert frequencies(tokens, min_count=2)["term"].tolist() == ["parc", "avancer"]
    with pytest.raises(ParameterError, match=r"RK-P01.*'of'.*Did you mean \"lemma\""):
        frequencies(tokens, of="lemmas")
    with pytest.raises(ParameterError, match="RK-P23"):
        frequencies(tokens, min_count=0)
    with pytest.raises(ParameterError, match="RK-P22"):
        frequencies(tokens, by=3)
    with pytest.raises(SchemaError, match="RK-S01.*lemma"):
        frequencies(tokens.drop(columns="lemma"))


def test_frequencies_empty_frame(tokens):
    out = frequencies(tokens.iloc[:0])
    assert out.empty and list(out.columns) == ["term", "count", "share", "per_10k", "rank", "doc_freq"]


# ---------------------------------------------------------------------------
# n-grams

NGRAM_ROWS = [
    # d1 t0 s0: "conseil municipal, vote"  -> conseil municipal ✓ ; municipal|vote ✗ (comma)
    w("d1", 0, 0, "conseil"), w("d1", 0, 0, "municipal"), p("d1", 0, 0, ","), w("d1", 0, 0, "vote"),
    # d1 t0 s1: "vote conseil"             -> vote conseil ✓ ; vote|vote ✗ (new sentence)
    w("d1", 0, 1, "vote"), w("d1", 0, 1, "conseil"),
    # d1 t1 s2: "conseil municipal"        -> conseil municipal ✓ ; conseil|conseil ✗ (new turn)
    w("d1", 1, 2, "conseil"), w("d1", 1, 2, "municipal"),
    # d2 t0 s0: "municipal de la ville"    -> municipal de ✓, de la ✗ (only stop words), la ville ✓;
    #                                         municipal|municipal ✗ (new document)
    w("d2", 0, 0, "municipal"), w("d2", 0, 0, "de", stop=True), w("d2", 0, 0, "la", "le", stop=True),
    w("d2", 0, 0, "ville"),
]


def test_ngrams_never_cross_punctuation_sentences_turns_or_documents():
    out = ngrams(make_tokens(NGRAM_ROWS), of="text", min_count=1)
    assert list(out.columns) == ["ngram", "count", "share", "rank", "doc_freq"]
    counts = dict(zip(out["ngram"], out["count"]))
    assert counts == {"conseil municipal": 2, "vote conseil": 1, "municipal de": 1, "la ville": 1}
    # 5 bigrams counted in all
    assert out.set_index("ngram").loc["conseil municipal", "share"] == pytest.approx(2 / 5)
    assert out["ngram"].tolist()[0] == "conseil municipal" and out["rank"].tolist() == [1, 2, 2, 2]


def test_ngrams_drop_stop_breaks_sequences_and_min_count():
    tokens = make_tokens(NGRAM_ROWS)
    out = ngrams(tokens, of="text", min_count=1, drop_stop=True)
    # stop words break the run: no "municipal ville" made by skipping "de la"
    assert dict(zip(out["ngram"], out["count"])) == {"conseil municipal": 2, "vote conseil": 1}
    assert ngrams(tokens)["ngram"].tolist() == ["conseil municipal"]  # default min_count=2


def test_trigrams_and_lemmas():
    out = ngrams(make_tokens(NGRAM_ROWS), n=3, min_count=1)
    # "municipal de le" and "de le ville" (lemma of "la" is "le"); every other trigram crosses a boundary
    assert sorted(out["ngram"]) == ["de le ville", "municipal de le"]


def test_ngrams_do_not_depend_on_row_order():
    tokens = make_tokens(NGRAM_ROWS)
    shuffled = tokens.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(ngrams(shuffled, min_count=1), ngrams(tokens, min_count=1))


def test_ngrams_skip_white_space_tokens():
    rows = [w("d1", 0, 0, "conseil"), ("d1", 0, 0, "\n", "\n", False, False), w("d1", 0, 0, "municipal")]
    tokens = make_tokens(rows)
    assert tokens["is_space"].tolist() == [False, True, False]
    assert ngrams(tokens, min_count=1)["ngram"].tolist() == ["conseil municipal"]


def test_ngrams_by_role(corpus, tokens):
    out = ngrams(tokens, by="role", corpus=corpus, min_count=1, drop_stop=True)
    # only "projet avancer" (Marie) and "parc avancer" (Ahmed, d2) are adjacent content words
    assert out[["role", "ngram"]].values.tolist() == [["animatrice", "projet avancer"],
                                                       ["habitant·e", "parc avancer"]]


# ---------------------------------------------------------------------------
# lexical diversity


def test_mattr_by_hand_window_3():
    # words a b a c b (the comma is not a word):
    # windows [a b a] 2 types, [b a c] 3, [a c b] 3 -> TTRs 2/3, 1, 1 -> MATTR = (2/3 + 1 + 1) / 3 = 8/9
    rows = [w("d1", 0, 0, "a"), w("d1", 0, 0, "b"), p("d1", 0, 0, ","), w("d1", 0, 0, "a"),
            w("d1", 0, 0, "c"), w("d1", 0, 0, "b")]
    out = lexical_diversity(make_tokens(rows), window=3)
    assert list(out.columns) == ["doc_id", "tokens", "types", "ttr", "mattr"]
    assert out.loc[0, "tokens"] == 5 and out.loc[0, "types"] == 3
    assert out.loc[0, "ttr"] == pytest.approx(3 / 5)
    assert out.loc[0, "mattr"] == pytest.approx(8 / 9)
    # window = length: one window, MATTR = TTR; window 1: every window has 1 type
    assert lexical_diversity(make_tokens(rows), window=5).loc[0, "mattr"] == pytest.approx(3 / 5)
    assert lexical_diversity(make_tokens(rows), window=1).loc[0, "mattr"] == pytest.approx(1.0)
    assert np.isnan(lexical_diversity(make_tokens(rows), window=6).loc[0, "mattr"])


def test_mattr_matches_the_definition_on_a_longer_sequence():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in rng.zipf(1.6, size=300) % 40]
    rows = [w("d1", 0, 0, x) for x in words[:180]] + [w("d2", 0, 0, x) for x in words[180:]]
    out = lexical_diversity(make_tokens(rows), window=25).set_index("doc_id")
    for doc, seq in (("d1", words[:180]), ("d2", words[180:])):
        # the definition: mean over every window of len(set(window)) / window
        expected = np.mean([len(set(seq[i:i + 25])) / 25 for i in range(len(seq) - 25 + 1)])
        assert out.loc[doc, "mattr"] == pytest.approx(expected)
        assert out.loc[doc, "types"] == len(set(seq))


def test_lexical_diversity_by_speaker_and_whole(tokens, corpus):
    out = lexical_diversity(tokens, by="speaker", corpus=corpus, window=3).set_index("speaker")
    # Ahmed, lower-cased forms: le parc le parc | le parc avance -> 7 words, 3 types
    # windows: [le parc le] 2, [parc le parc] 2, [le parc le] 2, [parc le parc] 2, [le parc avance] 3
    assert out.loc["Ahmed", "tokens"] == 7 and out.loc["Ahmed", "types"] == 3
    assert out.loc["Ahmed", "mattr"] == pytest.approx((2 + 2 + 2 + 2 + 3) / 3 / 5)
    whole = lexical_diversity(tokens, by=None, window=3)
    assert list(whole.columns) == ["tokens", "types", "ttr", "mattr"] and whole.loc[0, "tokens"] == 10


# ---------------------------------------------------------------------------
# dispersion


def _parts(sizes, counts, term="x"):
    """One document per part: ``count`` occurrences of ``term`` padded with filler words to ``size``."""
    rows = []
    for i, (size, count) in enumerate(zip(sizes, counts)):
        doc = f"part{i}"
        rows += [w(doc, 0, 0, term)] * count + [w(doc, 0, 0, f"filler{i}_{j}") for j in range(size - count)]
    return make_tokens(rows)


def test_dispersion_two_parts_by_hand():
    # part A: 6 words, x once; part B: 4 words, x three times; 10 words in all
    # s = (6/10, 4/10), v = (1/4, 3/4): DP = (|0.25 - 0.6| + |0.75 - 0.4|) / 2 = 0.35
    # relative frequencies r = (1/6, 3/4): mean 11/24, population sd (3/4 - 1/6) / 2 = 7/24,
    # D = 1 - (7/24) / (11/24) / sqrt(2 - 1) = 4/11
    out = dispersion(_parts([6, 4], [1, 3]), terms="x")
    assert list(out.columns) == ["term", "count", "range", "juilland_d", "dp"]
    assert out.loc[0, "count"] == 4 and out.loc[0, "range"] == 2
    assert out.loc[0, "dp"] == pytest.approx(0.35)
    assert out.loc[0, "juilland_d"] == pytest.approx(4 / 11)


def test_dispersion_gries_2008_worked_example():
    # Gries (2008, section 3): a corpus of 5 parts of 9, 10, 10, 10 and 11 words in which "a"
    # occurs 1, 2, 3, 4 and 5 times. s = (.18, .2, .2, .2, .22), v = (1, 2, 3, 4, 5) / 15:
    # DP = (.1133 + .0667 + 0 + .0667 + .1133) / 2 = 0.18
    out = dispersion(_parts([9, 10, 10, 10, 11], [1, 2, 3, 4, 5], term="a"), terms=["a"])
    assert out.loc[0, "dp"] == pytest.approx(0.18)
    assert out.loc[0, "range"] == 5
    r = np.array([1 / 9, 2 / 10, 3 / 10, 4 / 10, 5 / 11])
    assert out.loc[0, "juilland_d"] == pytest.approx(1 - (r.std() / r.mean()) / np.sqrt(4))


def test_dispersion_all_terms_absent_terms_and_across_speaker(tokens, corpus):
    out = dispersion(tokens)
    assert out["term"].tolist() == ["parc", "avancer", "projet"]  # by count, then term
    # parc: d1 2 of 7 words, d2 1 of 3. s = (.7, .3), v = (2/3, 1/3): DP = (|2/3 - .7| + |1/3 - .3|) / 2 = 1/30
    assert out.loc[0, "dp"] == pytest.approx(1 / 30) and out.loc[0, "range"] == 2
    # projet only in d1: DP = (|1 - .7| + |0 - .3|) / 2 = 0.3
    assert out.loc[2, "dp"] == pytest.approx(0.3) and out.loc[2, "range"] == 1
    asked = dispersion(tokens, terms=["Projet", "absent"])
    assert asked["term"].tolist() == ["projet", "absent"]
    assert asked.loc[1, "count"] == 0 and np.isnan(asked.loc[1, "dp"])
    by_speaker = dispersion(tokens, across="speaker", corpus=corpus, terms="projet")
    # Marie 3 words, Ahmed 7: projet only in Marie's -> DP = (|1 - .3| + |0 - .7|) / 2 = 0.7
    assert by_speaker.loc[0, "dp"] == pytest.approx(0.7)
    with pytest.raises(ParameterError, match="RK-P20"):
        dispersion(tokens, across="speaker")
    with pytest.raises(ParameterError, match="RK-P22"):
        dispersion(tokens, terms=[1, 2])


# ---------------------------------------------------------------------------
# plots (they draw what the functions returned)


@pytest.fixture
def agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_plot_frequencies_bars_and_labels(agg, tokens, corpus):
    from research_kit.plots.textstats import plot_frequencies

    freq = frequencies(tokens)
    fig = plot_frequencies(freq, top=2)
    ax = fig.axes[0]
    assert len(ax.patches) == 2  # the two most frequent: parc 3, avancer 2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["parc", "avancer"]
    assert [bar.get_width() for bar in ax.patches] == [3, 2]
    assert ax.get_xlabel() == "Occurrences"
    assert plot_frequencies(freq, lang="en").axes[0].get_xlabel() == "Count"
    bigrams = plot_frequencies(ngrams(make_tokens(NGRAM_ROWS), min_count=1))
    assert len(bigrams.axes[0].patches) == 4
    by_role = frequencies(tokens, by="role", corpus=corpus)
    with pytest.raises(ParameterError, match="RK-P31.*2 groups"):
        plot_frequencies(by_role)
    one = plot_frequencies(by_role[by_role["role"] == "animatrice"])
    assert one.axes[0].get_title(loc="left") == "role : animatrice"


def test_plot_dispersion(agg, tokens):
    from research_kit.plots.textstats import plot_dispersion

    fig = plot_dispersion(dispersion(tokens), lang="en")
    ax = fig.axes[0]
    assert len(ax.patches) == 3 and ax.get_xlabel().startswith("Gries' DP")
    assert plot_dispersion(dispersion(tokens)).axes[0].get_xlabel().startswith("DP de Gries")


def test_plot_frequencies_counts_are_written_as_the_language_writes_numbers(agg):
    from research_kit.plots.textstats import plot_frequencies

    freq = pd.DataFrame({"term": ["parc", "banc"], "count": [2500, 500]})

    def drawn(fig):
        fig.canvas.draw()
        ax = fig.axes[0]
        lo, hi = ax.get_xlim()
        return [t.get_text() for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]

    # 0 to 2,500 occurrences: ticks every 500, thousands grouped by a narrow no-break space in French
    assert "2\u202f000" in drawn(plot_frequencies(freq, lang="fr"))
    assert "2,000" in drawn(plot_frequencies(freq, lang="en"))
