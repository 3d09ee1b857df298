"""The entity layer: recognised on demand, cached beside the tokens; earlier caches still read."""

import importlib
from pathlib import Path

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.annotate import ENTITIES_FOLDER, annotate
from tests.helpers import FRENCH, ROOT, write_corpus

A = importlib.import_module("research_kit.annotate")
DEMO = ROOT / "corpora" / "demo"


@pytest.fixture
def french(tmp_path):
    return write_corpus(tmp_path / "fr", FRENCH, "language: fr\n")


def spy(monkeypatch) -> list[tuple[str, bool]]:
    """Record (document, entities only?) for every document a pipeline runs on."""
    seen: list[tuple[str, bool]] = []
    real = A._annotate_job

    def job(docs):
        seen.extend((d.doc_id, d.ents_only) for d in docs)
        return real(docs)

    monkeypatch.setattr(A, "_annotate_job", job)
    return seen


def entity(tokens: pd.DataFrame, text: str) -> str:
    return str(tokens.loc[tokens["text"] == text, "ent_type"].iloc[0])


def test_no_entities_by_default_and_the_same_tokens(french):
    corpus = read_corpus(french)
    plain = annotate(corpus, cache=False)
    full = annotate(corpus, cache=False, entities=True)
    assert (plain["ent_type"] == "").all()
    # by hand: "Geneviève Lavoie" is a person, "Montréal" a place, "jeudi" nothing
    assert entity(full, "Geneviève") == entity(full, "Lavoie") == "PER"
    assert entity(full, "Montréal") == "LOC"
    assert entity(full, "jeudi") == ""
    pd.testing.assert_frame_equal(plain.drop(columns="ent_type"), full.drop(columns="ent_type"))


def test_entities_asked_later_run_the_recogniser_alone_once(french, monkeypatch):
    corpus = read_corpus(french)
    fresh = annotate(corpus, cache=False, entities=True)
    annotate(corpus)  # the tokens are cached, without entities
    seen = spy(monkeypatch)
    layered = annotate(corpus, entities=True)
    assert sorted(seen) == [("a", True), ("b", True), ("c", True)]  # the entities only, not the tokens
    pd.testing.assert_frame_equal(layered, fresh)
    assert len(list((french / ".research_kit" / "annotations" / ENTITIES_FOLDER).glob("*.parquet"))) == 3
    seen.clear()
    pd.testing.assert_frame_equal(annotate(corpus, entities=True), fresh)
    assert (annotate(corpus)["ent_type"] == "").all()
    assert seen == []  # both layers cached


def test_entities_first_fill_both_layers(french, monkeypatch):
    corpus = read_corpus(french)
    with_entities = annotate(corpus, entities=True)
    seen = spy(monkeypatch)
    plain = annotate(corpus)
    assert seen == []
    assert (plain["ent_type"] == "").all()
    pd.testing.assert_frame_equal(plain.drop(columns="ent_type"), with_entities.drop(columns="ent_type"))


def test_a_broken_entity_layer_is_recognised_again(french, monkeypatch):
    corpus = read_corpus(french)
    first = annotate(corpus, entities=True)
    layer = sorted((french / ".research_kit" / "annotations" / ENTITIES_FOLDER).glob("a_*.parquet"))[0]
    layer.write_bytes(b"not a parquet file")
    seen = spy(monkeypatch)
    pd.testing.assert_frame_equal(annotate(corpus, entities=True), first)
    assert seen == [("a", True)]


def test_the_cache_of_the_previous_version_is_read(french, monkeypatch):
    """Up to now the default (entities=True) kept tokens and entities in one file of plain strings."""
    import pyarrow as pa

    corpus = read_corpus(french)
    expected = annotate(corpus, cache=False, entities=True)
    folder = french / ".research_kit" / "annotations"
    planner = A._Planner({}, None, True)
    docs = A._plan(corpus, planner, False, folder)
    for doc in docs:  # what the previous version wrote: its columns as plain strings
        rows = expected[expected["doc_id"] == doc.doc_id].drop(columns="is_pseudonym")
        table = pa.Table.from_pandas(rows.astype({c: "string" for c in A._CATEGORICAL}), preserve_index=False)
        A._write_cached(doc.legacy, table.cast(pa.schema([pa.field(f.name, pa.string()) if f.name in A._CATEGORICAL
                                                          or pa.types.is_large_string(f.type) else f
                                                          for f in table.schema])))
    seen = spy(monkeypatch)
    pd.testing.assert_frame_equal(annotate(corpus, entities=True), expected)
    pd.testing.assert_frame_equal(annotate(corpus), expected.assign(ent_type=pd.Categorical([""] * len(expected))))
    assert seen == []  # read, never annotated
    assert all(d.path.exists() and d.ent_path.exists() for d in docs)  # and written again as two layers


def test_the_entity_layer_is_the_whole_pipelines_on_the_demo(tmp_path):
    """French and English documents of the demo corpus: the recogniser alone finds the same entities."""
    demo = read_corpus(DEMO)
    ids = [d for d in demo.doc_ids if d.startswith(("bxl-atelier-1", "en-"))][:3]
    corpus = demo.subset(ids)
    assert set(corpus.documents["language"]) == {"fr", "en"}
    whole = annotate(corpus, cache=False, entities=True)
    assert (whole["ent_type"] != "").sum() > 20
    annotate(corpus, cache=tmp_path)  # tokens first, then the entity layer alone
    pd.testing.assert_frame_equal(annotate(corpus, cache=tmp_path, entities=True), whole)


def test_files_read_a_few_at_a_time_share_their_categories(french):
    from research_kit.annotate import annotation_categories, annotation_files, pseudonym_spans, read_annotation_files

    corpus = read_corpus(french)
    files = annotation_files(corpus, entities=True)
    assert files["entities"].notna().all() and all(Path(p).is_file() for p in files["entities"])
    assert annotation_files(corpus)["entities"].isna().all()
    categories = annotation_categories(files)
    # by hand: the entity types of the three documents, and nothing else
    assert categories["ent_type"] == ["", "LOC", "PER"]
    assert categories["doc_id"] == ["a", "b", "c"] and categories["language"] == ["fr"]
    spans = pseudonym_spans(corpus)
    parts = [read_annotation_files(files.iloc[[i]], spans=spans, categories=categories) for i in range(3)]
    assert all(list(p["pos"].cat.categories) == categories["pos"] for p in parts)
    whole = pd.concat(parts, ignore_index=True)  # same categories: they stay categorical
    pd.testing.assert_frame_equal(whole, annotate(corpus, entities=True))


def test_a_document_without_turns_does_not_mix_up_the_layers(tmp_path):
    """Documents are numbered in the corpus, those without turns included."""
    from research_kit.corpus import build_corpus

    texts = {"a": "Luc: On a parlé avec Geneviève Lavoie hier.", "c": "Marie: Le comité se réunit à Montréal.",
             "d": "Marie: Rien de neuf."}
    documents = pd.DataFrame({"doc_id": ["empty-1", "a", "empty-2", "c", "d"], "language": "fr"})
    turns = pd.DataFrame({"doc_id": list(texts), "speaker": "X", "text": [t.split(": ", 1)[1] for t in texts.values()]})
    corpus = build_corpus(documents, turns)
    fresh = annotate(corpus, cache=False, entities=True)
    annotate(corpus.subset(["a"]), cache=tmp_path)  # one document's tokens cached, the others not
    pd.testing.assert_frame_equal(annotate(corpus, cache=tmp_path, entities=True), fresh)
    assert entity(fresh, "Lavoie") == "PER" and entity(fresh, "Montréal") == "LOC"
