"""Rule-based coding and its evaluation.

A tiny two-document corpus (French with one English turn, and English) is annotated
once with the real French model; rules are checked by the exact text they select.
"""

import importlib
import shutil
import subprocess
import sys
import textwrap
import types
import warnings

import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.agreement import agreement
from research_kit.annotate import annotate
from research_kit.autocode import autocode, evaluate_rules
from research_kit.codebook import read_codebook
from research_kit.coding import merge_codings, read_codings
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError, ParameterError
from research_kit.schemas import CODINGS
from tests.helpers import CODEBOOK, ROOT

A = importlib.import_module("research_kit.autocode")  # the module, even if the package re-exports the verb

DEMO = ROOT / "corpora" / "demo"

TRANSCRIPT_A = (
    "Marie: L’épuisement des équipes est réel. Il faudrait prendre soin de nous.\n"
    "Luc: On parle de burn-out depuis janvier, c'est de l'épuisement. Il faut prendre du recul.\n"
    "Dana: We should listen to the residents more often, because nobody hears their voice at the council.\n"
)
TRANSCRIPT_B = "Dana: The evenings exhausted the team and we should talk about burnout.\n"
MANIFEST = "language: fr\ndocuments:\n  a.txt: {id: a, language: fr}\n  b.txt: {id: b, language: en}\n"

# The same codes without spaCy patterns: reading it does not import spaCy.
CODEBOOK_NO_PATTERNS = CODEBOOK.split("  - id: soin")[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    base = tmp_path_factory.mktemp("tiny")
    folder = base / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TRANSCRIPT_A, encoding="utf-8")
    (folder / "b.txt").write_text(TRANSCRIPT_B, encoding="utf-8")
    (folder / "corpus.yml").write_text(MANIFEST, encoding="utf-8")
    (base / "codebook.yml").write_text(CODEBOOK, encoding="utf-8")
    (base / "codebook_simple.yml").write_text(CODEBOOK_NO_PATTERNS, encoding="utf-8")
    corpus = read_corpus(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokens = annotate(corpus, by_turn=True)
    return corpus, tokens, read_codebook(base / "codebook.yml")


def hits(frame, corpus):
    """(doc_id, code, text of the segment, memo) for every row."""
    return [(r.doc_id, r.code, corpus.text(r.doc_id)[r.start_char:r.end_char], r.memo)
            for r in frame.itertuples(index=False)]


def test_every_rule_kind_finds_its_words_with_exact_offsets(tiny):
    corpus, tokens, codebook = tiny
    out = autocode(tokens, codebook, corpus=corpus, cache=False)
    assert list(out.columns) == CODINGS.names
    assert set(out["coder"]) == {"rules"} and out["coded_at"].isna().all()
    found = hits(out, corpus)
    # lemmas: the model lemmatises "L’épuisement" wrongly ("épuisemer"), the lower-cased text still matches
    assert ("a", "fatigue", "épuisement", "lemma:épuisement") in found
    # phrases: on lower-cased words ("Il faudrait") and on lemmas ("Il faut" is il + falloir)
    assert ("a", "reco", "Il faudrait", "phrase:il faudrait") in found
    assert ("a", "reco", "Il faut", "phrase:il faudrait") in found
    # patterns: LEMMA values are lower-cased like the tokens' lemmas ("Soin" -> "soin")
    assert ("a", "soin", "prendre soin", 'pattern:[{"LEMMA":"prendre"},{"LEMMA":"Soin"}]') in found
    # regex: offsets straight from the text
    assert ("a", "fatigue", "burn-out", r"regex:(?i)\bburn-?out\b") in found
    assert ("b", "fatigue", "burnout", r"regex:(?i)\bburn-?out\b") in found
    assert ("b", "fatigue", "exhausted", "lemma:exhaust") in found  # the verb's lemma, from the English model
    # a: those 6, "We should" and "voice" in the English turn (next test); b: those 2 and "we should"
    assert len(out) == 11
    # document order, then position
    assert out["doc_id"].tolist() == ["a"] * 8 + ["b"] * 3
    assert out.loc[out["doc_id"] == "a", "start_char"].is_monotonic_increasing


def test_phrases_on_words_only(tiny):
    corpus, tokens, codebook = tiny
    found = hits(autocode(tokens, codebook, corpus=corpus, cache=False, phrases="words"), corpus)
    assert ("a", "reco", "Il faudrait", "phrase:il faudrait") in found
    assert not any(text == "Il faut" for _, _, text, _ in found)
    with pytest.raises(ParameterError, match="RK-P01"):
        autocode(tokens, codebook, corpus=corpus, phrases="lemma")


def test_each_turn_gets_the_rules_of_its_language(tiny):
    corpus, tokens, codebook = tiny
    assert tokens.loc[(tokens["doc_id"] == "a") & (tokens["turn"] == 2), "language"].unique().tolist() == ["en"]
    found = hits(autocode(tokens, codebook, corpus=corpus, cache=False), corpus)
    # the English turn of the French document: English rules only
    assert ("a", "reco", "We should", "phrase:we should") in found
    assert ("a", "voix", "voice", "lemma:voice") in found
    assert not any(text == "council" for _, _, text, _ in found)  # a French lemma rule
    # restricting the languages leaves the English turns uncoded
    only_fr = autocode(tokens, codebook, corpus=corpus, cache=False, languages=["fr"])
    assert "b" not in set(only_fr["doc_id"]) and "voix" not in set(only_fr["code"])
    with pytest.raises(ParameterError, match="RK-P01"):
        autocode(tokens, codebook, corpus=corpus, cache=False, languages=["de"])


def test_tokens_in_a_language_without_rules_are_left_with_a_warning(tiny):
    corpus, tokens, codebook = tiny
    german = tokens.assign(language=np.where(tokens["doc_id"] == "b", "de", tokens["language"]))
    with pytest.warns(UserWarning, match="RK-G10"):
        out = autocode(german, codebook, corpus=corpus, cache=False)
    assert "b" not in set(out["doc_id"])


def test_sentence_and_turn_widening_merge_hits_of_one_code(tiny):
    corpus, tokens, codebook = tiny
    sentences = autocode(tokens, codebook, corpus=corpus, unit="sentence", cache=False)
    found = hits(sentences, corpus)
    assert ("a", "fatigue", "L’épuisement des équipes est réel.", "lemma:épuisement") in found
    # two rules fired in one sentence: one segment, both pieces of evidence, in text order
    assert ("a", "fatigue", "On parle de burn-out depuis janvier, c'est de l'épuisement.",
            r"regex:(?i)\bburn-?out\b; lemma:épuisement") in found
    assert ("b", "fatigue", "The evenings exhausted the team and we should talk about burnout.",
            r"lemma:exhaust; regex:(?i)\bburn-?out\b") in found
    assert ("a", "reco", "Il faut prendre du recul.", "phrase:il faudrait") in found

    turns = autocode(tokens, codebook, corpus=corpus, unit="turn", cache=False)
    text = corpus.turns.set_index(["doc_id", "turn"])["text"]
    found = hits(turns, corpus)
    assert ("a", "fatigue", text[("a", 0)], "lemma:épuisement") in found
    assert ("a", "fatigue", text[("a", 1)], r"regex:(?i)\bburn-?out\b; lemma:épuisement") in found
    assert ("a", "reco", text[("a", 1)], "phrase:il faudrait") in found
    # one row per (turn, code): 3 codes in turn 0 of a (fatigue, reco, soin), 2 in turn 1, 2 in turn 2, 2 in b
    assert len(turns) == 9
    assert not turns.duplicated(["doc_id", "start_char", "code"]).any()


def test_without_corpus_the_text_is_rebuilt_from_tokens(tiny):
    corpus, tokens, codebook = tiny
    with_corpus = autocode(tokens, codebook, corpus=corpus, cache=False)
    without = autocode(tokens, codebook, cache=False)
    pd.testing.assert_frame_equal(with_corpus, without)


def test_coder_and_unit_are_checked(tiny):
    corpus, tokens, codebook = tiny
    with pytest.raises(ParameterError, match="RK-P01"):
        autocode(tokens, codebook, corpus=corpus, unit="paragraph")
    with pytest.raises(ParameterError, match="RK-G14"):
        autocode(tokens, codebook, corpus=corpus, coder=" ")
    named = autocode(tokens, codebook, corpus=corpus, coder="règles v2", cache=False)
    assert set(named["coder"]) == {"règles v2"}


def test_tokens_of_another_corpus_are_refused(tiny):
    corpus, tokens, codebook = tiny
    other = build_corpus(pd.DataFrame({"doc_id": ["a"]}), pd.DataFrame({"doc_id": ["a"], "speaker": ["X"],
                                                                        "text": ["Tout autre chose ici."]}))
    with pytest.raises(CodingError, match="RK-G12"):
        autocode(tokens, codebook, corpus=other, cache=False)


def test_a_cached_call_does_not_match_again(tiny, monkeypatch):
    corpus, tokens, codebook = tiny
    first = autocode(tokens, codebook, corpus=corpus, unit="sentence")
    files = sorted((corpus.cache_dir / A.CACHE_FOLDER).glob("*.parquet"))
    assert len(files) == 2  # one per document

    def fail(*args, **kwargs):
        raise AssertionError("matched again")

    monkeypatch.setattr(A, "_match", fail)
    again = autocode(tokens, codebook, corpus=corpus, unit="sentence")
    pd.testing.assert_frame_equal(first, again)
    # a changed codebook is a cache miss
    changed = read_codebook(corpus.root.parent / "codebook_simple.yml")
    with pytest.raises(AssertionError, match="matched again"):
        autocode(tokens, changed, corpus=corpus)


def test_a_cached_call_does_not_import_spacy(tiny, tmp_path):
    corpus, tokens, _ = tiny
    simple = read_codebook(corpus.root.parent / "codebook_simple.yml")
    expected = autocode(tokens, simple, corpus=corpus, unit="turn")  # fills the cache
    tokens.to_parquet(tmp_path / "tokens.parquet")  # what annotate() reads back from its own cache
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import pandas as pd
        from research_kit import read_corpus
        from research_kit.autocode import autocode
        from research_kit.codebook import read_codebook
        corpus = read_corpus({str(corpus.root)!r})
        tokens = pd.read_parquet({str(tmp_path / "tokens.parquet")!r})
        out = autocode(tokens, read_codebook({str(corpus.root.parent / "codebook_simple.yml")!r}), corpus=corpus,
                       unit="turn")
        print(len(out), "spacy" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(len(expected)), "False"]


# ---------------------------------------------------------------------------
# evaluate_rules, on hand-built frames


@pytest.fixture
def six_turns():
    docs = pd.DataFrame({"doc_id": ["d"]})
    turns = pd.DataFrame({"doc_id": "d", "speaker": ["Ana", "Ben"] * 3,
                          "text": [f"Le tour numéro {i} dit quelque chose." for i in range(6)]})
    return build_corpus(docs, turns)


def segments(corpus, coder, code, turns, memo=None, inset=2):
    t = corpus.turns.set_index("turn")
    return pd.DataFrame({"doc_id": "d", "start_char": [int(t.loc[i, "start_char"]) + inset for i in turns],
                         "end_char": [int(t.loc[i, "end_char"]) - inset for i in turns], "code": code,
                         "coder": coder, "memo": memo, "coded_at": pd.NaT})


def test_precision_recall_f1_per_code_and_averages(six_turns):
    c = six_turns
    human = pd.concat([segments(c, "ana", "x", [0, 1, 2]), segments(c, "ana", "y", [3]),
                       segments(c, "ana", "w", [5])])
    rules = pd.concat([segments(c, "rules", "x", [1], "lemma:a"), segments(c, "rules", "x", [2], "lemma:a"),
                       segments(c, "rules", "x", [2], "phrase:b", inset=5),  # second hit in turn 2: counted once
                       segments(c, "rules", "x", [4], "regex:c"), segments(c, "rules", "y", [5], "lemma:d")])
    scores, errors = evaluate_rules(rules, human, c, unit="turn")
    s = scores.set_index("code")
    # x: human {0,1,2}, rules {1,2,4}: TP 2, FP 1, FN 1 -> P = R = 2/3, F1 = 2*2 / (2*2 + 1 + 1) = 2/3
    assert s.loc["x", ["true_positives", "false_positives", "false_negatives"]].tolist() == [2, 1, 1]
    assert s.loc["x", "precision"] == pytest.approx(2 / 3) and s.loc["x", "recall"] == pytest.approx(2 / 3)
    assert s.loc["x", "f1"] == pytest.approx(2 / 3)
    assert s.loc["x", "human_units"] == 3 and s.loc["x", "rules_units"] == 3 and s.loc["x", "units"] == 6
    # y: human {3}, rules {5}: TP 0, FP 1, FN 1 -> P = 0, R = 0, F1 = 0
    assert s.loc["y", ["precision", "recall", "f1"]].tolist() == [0.0, 0.0, 0.0]
    # w: human {5}, rules nothing: precision undefined, recall 0, F1 = 0 / (0 + 0 + 1) = 0
    assert np.isnan(s.loc["w", "precision"]) and s.loc["w", "recall"] == 0 and s.loc["w", "f1"] == 0
    # micro: TP 2, FP 2, FN 3 -> P = 2/4, R = 2/5, F1 = 4 / (4 + 2 + 3) = 4/9
    assert s.loc["(micro)", "precision"] == pytest.approx(0.5)
    assert s.loc["(micro)", "recall"] == pytest.approx(0.4)
    assert s.loc["(micro)", "f1"] == pytest.approx(4 / 9)
    # macro: P = mean(2/3, 0) (w undefined, left out) = 1/3; R = mean(2/3, 0, 0) = 2/9; F1 = mean(2/3, 0, 0) = 2/9
    assert s.loc["(macro)", "precision"] == pytest.approx(1 / 3)
    assert s.loc["(macro)", "recall"] == pytest.approx(2 / 9)
    assert s.loc["(macro)", "f1"] == pytest.approx(2 / 9)
    assert scores["code"].tolist()[-2:] == ["(micro)", "(macro)"]

    # errors: x misses turn 0 and falsely hits turn 4; y misses 3, falsely hits 5; w misses 5
    e = errors.set_index(["code", "turn"])
    assert sorted(e.index) == [("w", 5), ("x", 0), ("x", 4), ("y", 3), ("y", 5)]
    assert e.loc[("x", 0), "kind"] == "miss" and e.loc[("x", 4), "kind"] == "false_hit"
    assert e.loc[("x", 4), "evidence"] == "regex:c" and pd.isna(e.loc[("x", 0), "evidence"])
    assert e.loc[("y", 5), "evidence"] == "lemma:d"
    assert e.loc[("x", 0), "text"] == "Le tour numéro 0 dit quelque chose."
    assert e.loc[("x", 0), "speaker"] == "Ana" and e.loc[("x", 4), "speaker"] == "Ana"
    assert list(errors.columns) == ["doc_id", "unit", "turn", "start_char", "end_char", "speaker", "code", "kind",
                                    "text", "evidence"]


def test_evaluate_rules_needs_one_reference(six_turns):
    c = six_turns
    human = pd.concat([segments(c, "ana", "x", [0]), segments(c, "ben", "x", [1])])
    rules = segments(c, "rules", "x", [0], "lemma:a")
    with pytest.raises(CodingError, match="RK-G13"):
        evaluate_rules(rules, human, c)
    scores, _ = evaluate_rules(rules, human, c, coder="ana")
    assert scores.set_index("code").loc["x", "f1"] == 1.0
    # pooled: human {0, 1}, rules {0} -> P 1, R 1/2
    pooled, _ = evaluate_rules(rules, human, c, coder=["ana", "ben"])
    assert pooled.set_index("code").loc["x", "recall"] == pytest.approx(0.5)


def test_errors_text_is_cut(six_turns):
    docs = pd.DataFrame({"doc_id": ["d"]})
    long = build_corpus(docs, pd.DataFrame({"doc_id": "d", "speaker": ["Ana"], "text": ["mot " * 200]}))
    human = segments(long, "ana", "x", [0])
    rules = human.iloc[:0]
    _, errors = evaluate_rules(rules, human, long, max_chars=50)
    assert len(errors) == 1 and len(errors["text"].iloc[0]) <= 50 and errors["text"].iloc[0].endswith("…")


# ---------------------------------------------------------------------------
# the demo corpus


@pytest.fixture(scope="module")
def demo():
    corpus = read_corpus(DEMO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokens = annotate(corpus)
    return corpus, tokens, read_codebook(DEMO / "codebook.yml")


def test_demo_rules_find_something_in_every_transcript(demo):
    corpus, tokens, codebook = demo
    out = autocode(tokens, codebook, corpus=corpus, cache=False)
    assert set(out["doc_id"]) == set(corpus.doc_ids)
    assert out["memo"].str.match(r"^(lemma|phrase|pattern|regex):").all()
    texts = [corpus.text(d)[s:e] for d, s, e in zip(out["doc_id"], out["start_char"], out["end_char"])]
    assert all(t.strip() == t and t for t in texts)


def test_demo_codings_read_cleanly_and_agree_sensibly(demo):
    corpus, tokens, codebook = demo
    camille = read_codings(DEMO / "codings" / "camille.csv", corpus=corpus, codebook=codebook)
    mathis = read_codings(DEMO / "codings" / "mathis.csv", corpus=corpus, codebook=codebook)
    assert set(camille["coder"]) == {"camille"} and set(mathis["coder"]) == {"mathis"}
    assert camille["doc_id"].nunique() == 5 and mathis["doc_id"].nunique() == 3
    assert set(mathis["doc_id"]) <= set(camille["doc_id"])
    assert set(camille["code"]) <= set(codebook.codes.loc[codebook.codes["codable"], "code"])
    result = agreement(merge_codings(camille, mathis), corpus, unit="turn").set_index("code")
    assert {"care.exhaustion", "recommendations", "tensions.role", "(all)"} <= set(result.index)
    # only the three documents both coded count for the kappas
    assert result.loc["(all)", "units_all_coders"] == 170 * (len(result) - 1)
    assert 0.4 < result.loc["(all)", "krippendorff_alpha"] < 0.95


def test_demo_rules_against_a_coder(demo):
    corpus, tokens, codebook = demo
    camille = read_codings(DEMO / "codings" / "camille.csv", corpus=corpus, codebook=codebook)
    rules = autocode(tokens, codebook, corpus=corpus, cache=False)
    scores, errors = evaluate_rules(rules, camille, corpus, unit="sentence", tokens=tokens)
    s = scores.set_index("code")
    assert 0 < s.loc["(micro)", "precision"] < 1 and 0 < s.loc["(micro)", "recall"] < 1
    assert set(errors["kind"]) == {"miss", "false_hit"}
    assert set(errors["doc_id"]) <= set(camille["doc_id"])
    assert errors.loc[errors["kind"] == "false_hit", "evidence"].notna().all()


# Patterns that autocode matches by comparing columns, with quirks: curly and straight
# apostrophes, a capitalised lemma, IN and NOT_IN, POS, an ORTH that needs case.
COLUMN_PATTERNS = [
    [{"LOWER": "il"}, {"LOWER": {"IN": ["faut", "faudrait"]}}],
    [{"LEMMA": "Prendre"}, {"LOWER": {"NOT_IN": ["la", "le"]}}],
    [{"POS": "NOUN"}, {"LOWER": "de"}, {"POS": {"IN": ["NOUN", "PROPN"]}}],
    [{"ORTH": "On"}, {"LEMMA": {"IN": ["devoir", "pouvoir"]}}],
    [{"lower": "c'"}, {"LEMMA": "être"}],
    [{"LOWER": "l'"}, {"POS": "NOUN", "LEMMA": {"NOT_IN": ["équipe"]}}],
]


def test_patterns_and_phrases_matched_by_columns_find_what_spacys_matchers_find(demo):
    # The reference is spaCy itself: the same patterns through its Matcher, and the phrases
    # through PhraseMatcher on LOWER and LEMMA, on Docs of the same tokens.
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    tokens = demo[1]
    fr = np.flatnonzero((tokens["language"] == "fr").to_numpy(dtype=bool))
    doc_codes, _ = A._runs(tokens["doc_id"])
    turn = tokens["turn"].to_numpy(dtype="int64")
    text = A._Coded(tokens["text"].iloc[fr], A._straight)
    lemma = A._Coded(tokens["lemma"].iloc[fr].fillna(""), lambda v: A._straight(v).str.lower())
    got, expected = [], []

    def collect(into):
        return lambda a, b, codes, evidence: into.extend(zip(a.tolist(), b.tolist(), codes, evidence))

    rules = {"p": types.SimpleNamespace(phrases=(), patterns=tuple(COLUMN_PATTERNS))}
    assert all(A._column_tests(A._prepare_pattern(p)) is not None for p in COLUMN_PATTERNS)
    lower = text.mapped(lambda v: pd.Series([x.lower() for x in v], dtype="string"))
    A._spacy_matches(tokens, fr, "fr", rules, text, lower, lemma, {}, {}, turn, doc_codes, collect(got))
    pos = A._Coded(tokens["pos"].iloc[fr], lambda v: v)
    A._matcher_matches(tokens, fr, "fr", [("p", p) for p in COLUMN_PATTERNS], text, lemma, pos, turn, doc_codes,
                       collect(expected))
    assert len(got) > 50 and sorted(got) == sorted(expected)
    assert {e for *_, e in got} == {e for *_, e in expected} and len({e for *_, e in got}) == len(COLUMN_PATTERNS)

    # phrases, on lower-cased words and on lemmas
    vocab = A._vocab_and_tokenizer("fr")[0]
    phrases = {"il faut": (["il", "faut"], ["il", "falloir"]), "prendre soin": (["prendre", "soin"], ["prendre", "soin"]),
               "de la": (["de", "la"], ["de", "le"])}
    rules = {"q": types.SimpleNamespace(phrases=tuple(phrases), patterns=())}
    got = []
    A._spacy_matches(tokens, fr, "fr", rules, text, lower, lemma, {k: v[1] for k, v in phrases.items()},
                     {k: v[0] for k, v in phrases.items()}, turn, doc_codes, collect(got))
    by_lower, by_lemma = PhraseMatcher(vocab, attr="LOWER"), PhraseMatcher(vocab, attr="LEMMA")
    for name, (words, lemmas) in phrases.items():
        by_lower.add(name, [Doc(vocab, words=words)])
        by_lemma.add(name, [Doc(vocab, words=words, lemmas=lemmas)])
    expected = []
    doc_of = doc_codes[fr]
    cuts = np.concatenate([[0], np.flatnonzero(doc_of[1:] != doc_of[:-1]) + 1, [len(fr)]])
    for a, b in zip(cuts[:-1], cuts[1:]):
        doc = Doc(vocab, words=text.take(slice(a, b)).tolist(), lemmas=lemma.take(slice(a, b)).tolist())
        for matcher in (by_lower, by_lemma):
            for match_id, i, j in matcher(doc):
                if turn[fr[a + i]] == turn[fr[a + j - 1]]:
                    expected.append((fr[a + i], fr[a + j - 1], "q", f"phrase:{vocab.strings[match_id]}"))
    assert len(got) > 50 and sorted(got) == sorted(expected)


def test_merge_joins_each_segments_evidence_once_in_order_and_keeps_unknown_codes_apart():
    # doc 0: x hits at 0-4, 2-8 (overlap) and 8-10 (touches the furthest end: a new segment);
    # a repeated evidence is kept once; two codes unknown to the codebook stay two segments.
    hits = {"doc": np.array([0, 0, 0, 0, 0, 0, 1]),
            "start": np.array([2, 0, 3, 8, 0, 0, 5]),
            "end": np.array([8, 4, 6, 10, 3, 3, 9]),
            "code": np.array(["x", "x", "x", "x", "zz", "yy", "x"], dtype=object),
            "evidence": np.array(["lemma:b", "lemma:a", "lemma:a", "lemma:c", "r:1", "r:2", "lemma:a"], dtype=object)}
    merged = A._merge(hits, ["x"])
    got = list(merged[["doc", "start", "end", "code", "evidence"]].itertuples(index=False, name=None))
    # sorted by document, start, end, then the codebook's order (unknown codes last)
    assert got == [(0, 0, 3, "zz", "r:1"), (0, 0, 3, "yy", "r:2"), (0, 0, 8, "x", "lemma:a; lemma:b"),
                   (0, 8, 10, "x", "lemma:c"), (1, 5, 9, "x", "lemma:a")]


def test_a_lemma_owned_by_two_codes_gives_a_hit_for_each_in_row_order():
    column = A._Coded(pd.Series(["b", "a", None, "x", "a"], dtype="string"))
    rows, codes, evidence = A._lemma_hits(column, {"a": ["c1", "c2"], "b": ["c3"]})
    assert rows.tolist() == [0, 1, 1, 4, 4]
    assert codes.tolist() == ["c3", "c1", "c2", "c1", "c2"]
    assert evidence.tolist() == ["lemma:b", "lemma:a", "lemma:a", "lemma:a", "lemma:a"]


def test_a_damaged_cache_file_is_matched_again_and_rewritten(tiny):
    corpus, tokens, codebook = tiny
    shutil.rmtree(corpus.cache_dir / A.CACHE_FOLDER, ignore_errors=True)   # other tests' files
    first = autocode(tokens, codebook, corpus=corpus, unit="sentence")
    files = sorted((corpus.cache_dir / A.CACHE_FOLDER).glob("*.parquet"))
    assert len(files) == 2
    files[0].write_bytes(files[0].read_bytes()[:40])   # cut short, as a full disk leaves it
    again = autocode(tokens, codebook, corpus=corpus, unit="sentence")
    pd.testing.assert_frame_equal(first, again)
    assert [A._read_cached(f) is not None for f in files] == [True, True]  # the cut file was written again
    assert A._read_all_cached([files[0], files[0].with_name("missing.parquet")])[1] is None
