"""Writing IRaMuTeQ corpora, and reading them back with read_corpus / read_iramuteq."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.corpus import build_corpus
from research_kit.errors import InputFileError, ParameterError
from research_kit.iramuteq import read_iramuteq, slug_name, slug_value, write_iramuteq
from tests.helpers import DATA

STAR_WORD = re.compile(r"^\*[a-z0-9]+_[A-Za-z0-9-]+$")


@pytest.fixture
def corpus():
    documents = pd.DataFrame({
        "doc_id": ["mtl-cop-01", "bxl-atelier-1"],
        "date": ["2025-01-22", None],
        "site": ["Montréal", "Bruxelles"],
        "session_type": ["communauté de pratique", "atelier_participatif"],
        "group": ["médiation", None],
    })
    turns = pd.DataFrame({
        "doc_id": ["mtl-cop-01", "mtl-cop-01", "mtl-cop-01", "bxl-atelier-1", "bxl-atelier-1"],
        "speaker": ["Isabelle", "Karim B.", "Isabelle", "Nathalie Verbeke", "Gérard Van Hove"],
        "role": ["conseillère", "médiateur·rice", "conseillère", "animateur·rice", None],
        "text": ["Bon, on commence. Merci d'être là.",
                 "Moi je voulais revenir sur la fatigue de l'équipe.\nOn est épuisés, *vraiment*.",
                 "On note ça pour le soutien.",
                 "Bonsoir à toutes et à tous, merci d'être là ce soir.",
                 "Il faudrait une garderie pendant les ateliers, une fois."],
    })
    return build_corpus(documents, turns)


def flat(text: str) -> str:
    return " ".join(text.replace("*", "").split())


def test_slugs():
    assert slug_name("session_type") == "sessiontype"
    assert slug_name("Ville d'origine") == "villedorigine"
    assert slug_name("__") == "var"
    assert slug_value("communauté de pratique") == "communaute-de-pratique"
    assert slug_value("atelier_participatif") == "atelier-participatif"
    assert slug_value("animateur·rice") == "animateur-rice"
    assert slug_value("Cœur de ville") == "Coeur-de-ville"
    assert slug_value("  ") == "na"


def test_round_trip_by_document(corpus, tmp_path):
    path = write_iramuteq(corpus, tmp_path / "corpus.txt")
    assert path == tmp_path / "corpus.txt"
    text = path.read_text(encoding="utf-8")
    stars = [line for line in text.splitlines() if line.startswith("****")]
    assert stars[0] == ("**** *id_mtl-cop-01 *date_2025-01-22 *site_Montreal "
                        "*sessiontype_communaute-de-pratique *group_mediation")
    # a missing value leaves the variable out
    assert stars[1] == "**** *id_bxl-atelier-1 *site_Bruxelles *sessiontype_atelier-participatif"
    for line in stars:
        assert all(STAR_WORD.match(w) for w in line.split()[1:])
    assert "-*loc_Karim-B" in text and "-*loc_Gerard-Van-Hove" in text

    back = read_corpus(path)
    assert len(back.documents) == 2
    for original, read in zip(corpus.doc_ids, back.doc_ids):
        assert read.endswith(original)  # the *id_ names the document
        assert flat(back.text(read)) == flat(corpus.text(original))
    docs = back.documents
    assert docs["site"].tolist() == ["Montreal", "Bruxelles"]
    assert docs["sessiontype"].tolist() == ["communaute-de-pratique", "atelier-participatif"]
    assert docs["group"].iloc[0] == "mediation" and pd.isna(docs["group"].iloc[1])
    assert docs["date"].iloc[0] == pd.Timestamp("2025-01-22") and pd.isna(docs["date"].iloc[1])
    assert docs["format"].tolist() == ["iramuteq", "iramuteq"]
    # read_iramuteq gives the same
    again = read_iramuteq(path)
    assert again.doc_ids == back.doc_ids


def test_stars_are_removed_from_texts(corpus, tmp_path):
    text = write_iramuteq(corpus, tmp_path / "c.txt").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith(("****", "-*"))]
    assert not any("*" in line for line in body)
    assert "On est épuisés, vraiment." in text


def test_variables_and_speakers_options(corpus, tmp_path):
    text = write_iramuteq(corpus, tmp_path / "c.txt", variables=["site"], speakers=False).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "**** *id_mtl-cop-01 *date_2025-01-22 *site_Montreal"
    assert "-*loc" not in text
    back = read_corpus(tmp_path / "c.txt")
    assert flat(back.text(back.doc_ids[0])) == flat(corpus.text("mtl-cop-01"))
    with pytest.raises(ParameterError, match="RK-P72"):
        write_iramuteq(corpus, tmp_path / "x.txt", variables=["ville"])
    with pytest.raises(ParameterError, match="RK-P01"):
        write_iramuteq(corpus, tmp_path / "x.txt", by="speaker")


def test_one_text_per_turn(corpus, tmp_path):
    path = write_iramuteq(corpus, tmp_path / "turns.txt", by="turn", variables=["site"])
    lines = path.read_text(encoding="utf-8").splitlines()
    stars = [line for line in lines if line.startswith("****")]
    assert len(stars) == 5
    assert stars[1] == ("**** *doc_mtl-cop-01 *turn_1 *loc_Karim-B *role_mediateur-rice *date_2025-01-22 "
                        "*site_Montreal")
    assert stars[4] == "**** *doc_bxl-atelier-1 *turn_1 *loc_Gerard-Van-Hove *site_Bruxelles"  # no role
    back = read_corpus(path)
    assert len(back.documents) == 5
    assert back.documents["loc"].tolist()[:2] == ["Isabelle", "Karim-B"]
    assert flat(back.text(back.doc_ids[1])) == flat(corpus.turns["text"].iloc[1])


def test_lemmatised_texts(corpus, tmp_path):
    tokens = pd.DataFrame({
        "doc_id": "bxl-atelier-1", "turn": [1, 1, 1, 1], "token": [0, 1, 2, 3],
        "text": ["Il", "faudrait", "garderies", "."], "lemma": ["il", "falloir", "garderie", "."],
        "is_punct": [False, False, False, True], "is_space": False,
    })
    text = write_iramuteq(corpus, tmp_path / "lem.txt", tokens=tokens).read_text(encoding="utf-8")
    assert "il falloir garderie ." in text
    assert "Bonsoir à toutes" in text  # turns without tokens keep their text


def test_read_iramuteq(tmp_path):
    corpus = read_iramuteq(DATA / "iramuteq" / "corpus.txt")
    assert len(corpus.documents) == 2
    assert corpus.documents["site"].tolist() == ["montreal", "bruxelles"]
    with pytest.raises(InputFileError, match="RK-R15"):
        read_iramuteq(DATA / "iramuteq" / "before-stars.txt")
    with pytest.raises(InputFileError, match="RK-C02"):
        read_iramuteq(tmp_path / "missing.txt")
    with pytest.raises(InputFileError, match="RK-C02"):
        read_iramuteq(tmp_path)
    other = tmp_path / "corpus.csv"
    other.write_text("**** *a_b\nTexte.\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="RK-R15"):
        read_iramuteq(other)


def test_write_refuses_what_is_not_a_corpus(tmp_path):
    with pytest.raises(ParameterError, match="RK-P72"):
        write_iramuteq("corpora/demo", tmp_path / "x.txt")
