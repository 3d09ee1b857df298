import pandas as pd

from research_kit.corpus import build_corpus
from research_kit.recommendations import recommendations, sentences


def corpus():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "language": ["fr", "en"]})
    turns = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b"],
        "speaker": ["Anne", "Ben", "Anne", "Cleo"],
        "role": ["animatrice", "habitant", "animatrice", "resident"],
        "text": [
            "Bienvenue. Qu'est-ce qu'il faudrait changer dans le parc selon vous ?",
            "Il faudrait des bancs près de l'école. On a besoin de lumière le soir dans la rue. Merci.",
            "Pourquoi pas installer des bancs partout dans le quartier ?",
            "We should report back to the residents before the summer. Who decides in the end?",
        ],
    })
    return build_corpus(docs, turns)


def test_sentences_split_on_punctuation_with_offsets():
    c = corpus()
    s = sentences(c)
    assert s.loc[s["doc_id"] == "a", "text"].tolist()[:3] == [
        "Bienvenue.", "Qu'est-ce qu'il faudrait changer dans le parc selon vous ?", "Il faudrait des bancs près de l'école."]
    for r in s.itertuples():
        assert c.text(r.doc_id)[r.start_char:r.end_char] == r.text


def test_kinds_and_markers():
    r = recommendations(corpus()).set_index("text")
    # a facilitator's question that contains "il faudrait" asks, it does not recommend
    assert r.loc["Qu'est-ce qu'il faudrait changer dans le parc selon vous ?", "kind"] == "question"
    assert r.loc["Il faudrait des bancs près de l'école.", "kind"] == "recommendation"
    assert r.loc["On a besoin de lumière le soir dans la rue.", "kind"] == "need"
    # "pourquoi pas … ?" suggests
    assert r.loc["Pourquoi pas installer des bancs partout dans le quartier ?", "marker"] == "pourquoi pas"
    assert r.loc["We should report back to the residents before the summer.", "kind"] == "recommendation"
    assert r.loc["Who decides in the end?", "kind"] == "question"
    assert "Merci." not in r.index and "Bienvenue." not in r.index


def test_coded_segments_count_without_markers():
    c = corpus()
    text = c.text("a")
    start = text.index("Merci")
    codings = pd.DataFrame({"doc_id": ["a"], "start_char": [start], "end_char": [start + 6], "code": ["needs"],
                            "coder": ["ana"]})
    r = recommendations(c, codings=codings, codes={"need": ["needs"]}, min_words=1)
    row = r[r["text"] == "Merci."].iloc[0]
    assert (row["kind"], row["marker"]) == ("need", "code:needs")


def test_a_quoted_question_does_not_end_the_sentence():
    docs = pd.DataFrame({"doc_id": ["a"], "language": ["fr"]})
    turns = pd.DataFrame({"doc_id": ["a"], "speaker": ["Ben"], "text": [
        "Tu peux leur demander « selon vous, pourquoi les familles viennent pas? Qu'est-ce qui manque? » Après on verra."]})
    s = sentences(build_corpus(docs, turns))
    assert s["text"].tolist() == ["Tu peux leur demander « selon vous, pourquoi les familles viennent pas? "
                                  "Qu'est-ce qui manque? »", "Après on verra."]
