"""Pseudonyms are not words: annotate() marks them, the counts leave them out, quotes keep placeholders.

Pseudonymisation writes ``<Role> N`` for speakers (``Médiateur·rice 2``), ``Personne N`` for
people named in the text, ``[lieu N]`` for places and bracketed placeholders for details
(``[adresse]``, ``[téléphone]``). Their tokens carry ``is_pseudonym``; frequencies, keyness,
collocations, n-grams and Reinert's forms leave them out unless ``drop_pseudonyms=False``.
Expected values are worked by hand in the comments.
"""

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.annotate import annotate
from research_kit.chd import classification_summary, reinert
from research_kit.chd.matrix import ACTIVE_POS, prepare
from research_kit.collocations import collocations
from research_kit.corpus import build_corpus
from research_kit.keyness import keyness
from research_kit.schemas import TOKENS
from research_kit.show import quotes
from research_kit.textstats import dispersion, frequencies, lexical_diversity, ngrams
from research_kit.tokens import PLACEHOLDER, pseudonym_mask, pseudonym_pattern
from tests.helpers import DATA, ROOT

# A pseudonymised meeting, as pseudonymise() writes one.
TURNS = [
    ("Médiateur·rice 2", "médiateur·rice",
     "Bonjour Habitant·e 5. Personne 4 a déménagé au [adresse], appelez le [téléphone] [rires]. "
     "Il n'y a personne d'autre."),
    ("Habitant·e 5", "habitant·e", "Merci. Le budget du parc, le budget de [lieu 3], c'est la priorité."),
]
# What pseudonymisation wrote in those turns, in order.
WRITTEN = [["Habitant·e 5", "Personne 4", "[adresse]", "[téléphone]"], ["[lieu 3]"]]


def meeting(pseudonymised: bool):
    documents = pd.DataFrame({"doc_id": ["reunion"], "language": ["fr"]})
    turns = pd.DataFrame([{"doc_id": "reunion", "speaker": s, "role": r, "text": t} for s, r, t in TURNS])
    return build_corpus(documents, turns, manifest={"language": "fr", "pseudonymised": pseudonymised})


@pytest.fixture(scope="module")
def annotated():
    corpus = meeting(True)
    return corpus, annotate(corpus, cache=False)


def marked_spans(tokens, corpus, turn):
    """The text of each run of consecutive pseudonym tokens of a turn (white space between them allowed)."""
    rows = tokens[(tokens["turn"] == turn) & ~tokens["is_space"]]
    text = corpus.text(rows["doc_id"].iloc[0])
    flags, starts, ends = rows["is_pseudonym"].tolist(), rows["start_char"].tolist(), rows["end_char"].tolist()
    out, i = [], 0
    while i < len(flags):
        if flags[i]:
            j = i
            while j + 1 < len(flags) and flags[j + 1]:
                j += 1
            out.append(text[starts[i]:ends[j]])
            i = j + 1
        else:
            i += 1
    return out


# ---------------------------------------------------------------------------
# the tokens frame


def test_the_column_is_in_the_schema_and_the_frame(annotated):
    _, tokens = annotated
    assert TOKENS.dtypes["is_pseudonym"] == "bool"
    assert list(tokens.columns) == TOKENS.names and str(tokens["is_pseudonym"].dtype) == "bool"


def test_pseudonyms_and_placeholders_are_marked_and_nothing_else(annotated):
    corpus, tokens = annotated
    assert [marked_spans(tokens, corpus, t) for t in (0, 1)] == WRITTEN
    # "personne" the pronoun is a word; the transcriber's note is a stop word, the placeholder is not
    lower = tokens[~tokens["is_pseudonym"]]
    assert "personne" in set(lower["text"]) and "budget" in set(lower["text"])
    notes = tokens[tokens["text"] == "rires"]
    assert notes["is_stop"].all() and not notes["is_pseudonym"].any()
    assert not tokens.loc[tokens["text"].isin(["adresse", "téléphone", "lieu"]), "is_stop"].any()


def test_speaker_labels_count_only_in_a_pseudonymised_corpus():
    # "Habitant·e 5" is a pseudonym where the manifest says the corpus was pseudonymised;
    # elsewhere only the labels every pseudonymised text uses are: Personne N, placeholders
    corpus = meeting(False)
    tokens = annotate(corpus, cache=False)
    assert marked_spans(tokens, corpus, 0) == ["Personne 4", "[adresse]", "[téléphone]"]
    assert marked_spans(tokens, corpus, 1) == ["[lieu 3]"]


def test_the_marks_come_back_with_a_cached_annotation(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "transcripts").mkdir(parents=True)
    (folder / "transcripts" / "a.txt").write_text(
        "Médiateur·rice 1: Bonjour Habitant·e 5, merci d'être venue.\n", encoding="utf-8")
    (folder / "corpus.yml").write_text(
        "language: fr\npseudonymised: true\ndocuments:\n  transcripts/a.txt:\n    roles:\n"
        "      Médiateur·rice 1: médiateur·rice\n      Habitant·e 5: habitant·e\n", encoding="utf-8")
    first = annotate(read_corpus(folder))
    again = annotate(read_corpus(folder))  # read from the cache files
    pd.testing.assert_frame_equal(first, again)
    assert again.loc[again["is_pseudonym"], "text"].tolist() == ["Habitant·e", "5"]


def test_the_patterns():
    assert [m.group() for m in PLACEHOLDER.finditer("[rires] [adresse] [code postal] [lieu 12] [phone] [lieu]")] \
        == ["[adresse]", "[code postal]", "[lieu 12]", "[phone]"]
    pattern = pseudonym_pattern(["co-animateur·rice", "animateur·rice", "agent·e communal·e"])
    text = "Co-animateur·rice 1, d'Animateur·rice 12, Agent·e communal·e 3's, personne 4, Personne 45b, Person 7."
    assert [m.group() for m in pattern.finditer(text)] == [
        "Co-animateur·rice 1", "Animateur·rice 12", "Agent·e communal·e 3", "Person 7"]
    assert pseudonym_mask(pd.DataFrame({"text": ["a", "b"]})).tolist() == [False, False]


def test_pseudonymise_output_is_marked_where_the_report_says_it_replaced(tmp_path):
    """On the shipped test corpus of pseudonymisation: the report's spans are the ground truth."""
    from research_kit.anonymise import pseudonymise

    folder = shutil.copytree(DATA / "anonymise" / "corpus", tmp_path / "corpus")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pseudo, report = pseudonymise(read_corpus(folder), key=tmp_path / "private" / "key.json",
                                      names=DATA / "anonymise" / "names.txt", keep=DATA / "anonymise" / "keep.txt",
                                      report=True)
    tokens = annotate(pseudo, cache=False)
    spans = report[(report["field"] == "text") & (report["category"] != "kept")]
    assert len(spans) >= 10
    start, end = tokens["start_char"].to_numpy(), tokens["end_char"].to_numpy()
    doc = tokens["doc_id"].astype(str).to_numpy()
    inside = np.zeros(len(tokens), dtype=bool)
    for r in spans.itertuples(index=False):
        # overlapping: spaCy's French tokenizer makes one token of "téléphone]." at the end of a sentence
        covered = (doc == r.new_doc_id) & (start < r.new_end_char) & (end > r.new_start_char)
        inside |= covered
        text = tokens["text"].to_numpy()[covered]
        # the number of a pseudonym, a bracket of a placeholder: always marked
        must = np.array([any(c.isdigit() for c in t) or t in "[]" for t in text], dtype=bool)
        assert tokens["is_pseudonym"].to_numpy()[covered][must].all(), (r.replacement, text)
        assert tokens["is_pseudonym"].to_numpy()[covered].any(), r.replacement
    # and nothing outside what was replaced is marked
    assert not (tokens["is_pseudonym"].to_numpy() & ~inside).any()


# ---------------------------------------------------------------------------
# the verbs, on a frame built by hand


def hand_tokens() -> pd.DataFrame:
    """Document a: "Habitant·e 5 veut un budget." / "budget [adresse]"; document b: "Personne 4 parc parc budget".

    Pseudonym tokens: Habitant·e, 5, [, adresse, ], Personne, 4. "un" is a stop word.
    """
    rows = [  # doc, turn, text, is_stop, is_punct, is_pseudonym
        ("a", 0, "Habitant·e", False, False, True), ("a", 0, "5", False, False, True),
        ("a", 0, "veut", False, False, False), ("a", 0, "un", True, False, False),
        ("a", 0, "budget", False, False, False), ("a", 0, ".", False, True, False),
        ("a", 1, "budget", False, False, False), ("a", 1, "[", False, True, True),
        ("a", 1, "adresse", False, False, True), ("a", 1, "]", False, True, True),
        ("b", 0, "Personne", False, False, True), ("b", 0, "4", False, False, True),
        ("b", 0, "parc", False, False, False), ("b", 0, "parc", False, False, False),
        ("b", 0, "budget", False, False, False),
    ]
    frame = pd.DataFrame(rows, columns=["doc_id", "turn", "text", "is_stop", "is_punct", "is_pseudonym"])
    frame["token"] = frame.groupby("doc_id").cumcount()
    frame["sentence"] = frame["turn"]
    frame["lemma"] = frame["text"].str.lower()
    frame["pos"] = np.where(frame["is_punct"], "PUNCT", "NOUN")
    frame["is_space"] = False
    frame["ent_type"] = ""
    frame["start_char"] = frame.groupby("doc_id").cumcount() * 12
    frame["end_char"] = frame["start_char"] + frame["text"].str.len()
    frame["language"] = "fr"
    return frame[TOKENS.names].astype(TOKENS.dtypes)


def test_frequencies_leave_pseudonyms_out_of_terms_and_sizes():
    tokens = hand_tokens()
    freq = frequencies(tokens, of="lower", by="doc_id")
    a = freq[freq["doc_id"] == "a"].set_index("term")
    # a has 7 words (Habitant·e, 5, veut, un, budget, budget, adresse), 3 of them pseudonyms: size 4
    assert a.index.tolist() == ["budget", "veut"] and a.loc["budget", "share"] == 2 / 4
    kept = frequencies(tokens, of="lower", by="doc_id", drop_pseudonyms=False)
    a = kept[kept["doc_id"] == "a"].set_index("term")
    assert set(a.index) == {"budget", "veut", "habitant·e", "5", "adresse"} and a.loc["budget", "share"] == 2 / 7


def test_keyness_leaves_pseudonyms_out():
    tokens = hand_tokens()
    table = keyness(tokens, target={"doc_id": "a"}, of="lower", min_count=1).set_index("term")
    # words without pseudonyms: c = 4 in a, d = 3 in b (parc, parc, budget)
    assert set(table.index) == {"budget", "parc", "veut"}
    assert (table["size_target"].iloc[0], table["size_reference"].iloc[0]) == (4, 3)
    # Log Ratio of budget: log2((2 / 4) / (1 / 3)) = log2(1.5)
    assert table.loc["budget", "log_ratio"] == pytest.approx(np.log2(1.5))
    kept = keyness(tokens, target={"doc_id": "a"}, of="lower", min_count=1, drop_pseudonyms=False)
    assert {"habitant·e", "personne", "adresse"} <= set(kept["term"]) and kept["size_target"].iloc[0] == 7


def test_collocations_and_ngrams_never_pair_a_pseudonym():
    tokens = hand_tokens()
    pairs = collocations(tokens, of="lower", window=2, min_count=1, drop_stop=False)
    # turn 0 of a: Habitant·e 5 veut un budget -> (veut, un), (un, budget); b: (parc, parc), (parc, budget)
    assert sorted(zip(pairs["w1"], pairs["w2"])) == [("parc", "budget"), ("parc", "parc"), ("un", "budget"),
                                                   ("veut", "un")]
    kept = collocations(tokens, of="lower", window=2, min_count=1, drop_stop=False, drop_pseudonyms=False)
    assert {("habitant·e", "5"), ("5", "veut"), ("budget", "adresse"), ("4", "parc")} <= set(zip(kept["w1"],
                                                                                            kept["w2"]))
    bigrams = ngrams(tokens, n=2, of="lower", min_count=1)
    assert sorted(bigrams["ngram"]) == ["parc budget", "parc parc", "un budget", "veut un"]
    assert "habitant·e 5" in set(ngrams(tokens, n=2, of="lower", min_count=1, drop_pseudonyms=False)["ngram"])


def test_lexical_diversity_and_dispersion_leave_pseudonyms_out():
    tokens = hand_tokens()
    diversity = lexical_diversity(tokens, window=2).set_index("doc_id")
    # a: veut, un, budget, budget -> 4 tokens, 3 types; b: parc, parc, budget -> 3 tokens, 2 types
    assert diversity[["tokens", "types"]].to_dict("index") == {"a": {"tokens": 4, "types": 3},
                                                               "b": {"tokens": 3, "types": 2}}
    spread = dispersion(tokens, of="lower").set_index("term")
    assert "5" not in spread.index and spread.loc["budget", "range"] == 2


def test_a_frame_without_the_column_has_no_pseudonym():
    tokens = hand_tokens().drop(columns="is_pseudonym")
    freq = frequencies(tokens, of="lower")
    assert {"habitant·e", "5", "adresse"} <= set(freq["term"])


def test_reinert_forms_leave_pseudonyms_out(annotated):
    _, tokens = annotated
    pseudonymous = {"habitant·e", "adresse", "téléphone", "lieu"}  # forms need a letter: "4", "5" never are

    def forms(drop):
        prep = prepare(tokens, 40, 16, "lower", ACTIVE_POS, 1, drop_pseudonyms=drop)
        return set(prep.names[prep.active_terms]) | set(prep.names[prep.supp_terms])

    assert pseudonymous <= forms(False) and "budget" in forms(False)
    assert not pseudonymous & forms(True) and "budget" in forms(True)


# ---------------------------------------------------------------------------
# quotes keep placeholders, drop transcribers' notes


def test_a_quote_keeps_placeholders_and_drops_notes():
    frame = pd.DataFrame({"text": ["c'est au [adresse], au sous-sol [rires] [inaudible] du [lieu 3]"],
                          "speaker": ["Habitant·e 5"]})
    block = quotes(frame)[0]
    assert block["text"] == "c'est au [adresse], au sous-sol du [lieu 3]"


# ---------------------------------------------------------------------------
# the demo corpus, pseudonymised: its most frequent terms and its classes are words


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from research_kit.anonymise import pseudonymise

    key = tmp_path_factory.mktemp("demo-key") / "key.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pseudo = pseudonymise(read_corpus(ROOT / "corpora" / "demo"), key=key,
                              names=ROOT / "corpora" / "demo" / "names-to-hide.csv")
    tokens = annotate(pseudo)
    return pseudo, tokens[tokens["language"] == "fr"]


def test_the_demos_top_terms_are_words_not_pseudonyms(demo):
    pseudo, tokens = demo
    labels = {r.lower() for r in pseudo.turns["role"].dropna()} | {"personne", "participant·e"}
    before = frequencies(tokens, drop_pseudonyms=False)["term"].head(3).tolist()
    assert "1" in before and "médiateur·rice" in before  # what pseudonyms made of the counts
    top = frequencies(tokens)["term"].head(30).tolist()
    assert not [t for t in top if t.isdigit() or t in labels]


def test_the_demos_classes_are_not_named_after_roles(demo):
    pseudo, tokens = demo
    labels = {w for r in pseudo.turns["role"].dropna() for w in r.lower().split()}
    summary, _ = classification_summary(reinert(tokens, k=6, corpus=pseudo), lang="fr", n_segments=1)
    words = {w.strip() for line in summary["words"] for w in str(line).split(",")}
    assert words and not words & labels
