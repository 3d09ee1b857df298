"""Places, organisations and details that identify people, and the policy that hides them.

The transcripts in tests/data/anonymise/places are written as a Brussels workshop and an
English council meeting are transcribed: a street without a number, a community centre
named once in full and then by its short name (``au Fil``), a school, an age in Belgian
French (``septante-six ans``), a date of birth, an occupation tied to a school. Every
expected string below was worked out by hand from those files.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.anonymise import pseudonymise, replacement_pairs
from research_kit.anonymise.places import detail_spans, place_spans, public_place, risk
from research_kit.errors import PseudonymisationError
from research_kit.manifest import Manifest, ManifestProblems
from tests.helpers import DATA

HERE = DATA / "anonymise" / "places"


def quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pseudonymise(*args, **kwargs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = Path(shutil.copytree(HERE, tmp_path_factory.mktemp("places") / "corpus"))
    return read_corpus(folder)


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory):
    base = tmp_path_factory.mktemp("keys")
    return {policy: quiet(corpus, key=base / f"{policy}.json", report=True, policy=policy)
            for policy in ("persons", "local", "strict")}


def text_of(pseudo, start: str) -> str:
    doc = next(d for d in pseudo.doc_ids if pseudo.text(d).startswith(start))
    return pseudo.text(doc)


# ---------------------------------------------------------------------------
# finding


@pytest.mark.parametrize("text, expected", [
    ("j'ai un kot rue du Compas, près de l'école des Hirondelles.",
     [("rue du Compas", "street"), ("école des Hirondelles", "facility")]),
    ("bienvenue à la Maison de quartier Le Fil et à l'asbl « Le Fil »",
     [("Maison de quartier Le Fil", "facility"), ("asbl « Le Fil »", "facility")]),
    ("la place des Tisserands et la Place Flagey, chemin de la Côte-des-Neiges",
     [("place des Tisserands", "street"), ("Place Flagey", "street"), ("chemin de la Côte-des-Neiges", "street")]),
    ("le CLSC de Saint-Michel, boulevard Saint-Laurent", [("CLSC de Saint-Michel", "facility"),
                                                         ("boulevard Saint-Laurent", "street")]),
    ("We met at Riverside Community Centre on Harrowgate Avenue.",
     [("Riverside Community Centre", "facility"), ("Harrowgate Avenue", "street")]),
    ("THE PLAN FOR RIVERSIDE PARK. I LIVE ON FOUNDRY LANE.",
     [("RIVERSIDE PARK", "facility"), ("FOUNDRY LANE", "street")]),
    # nobody's: a street word without a name, a facility word before a common noun, "à la place de"
    ("à la place de Marie, dans la rue, l'école de devoirs, la maison de quartier est en travaux", []),
    ("ARE AT THE LIBRARY. THE YOUTH CENTRE IS OPEN.", []),
])
def test_streets_and_facilities_are_found_by_their_names(text, expected):
    assert [(text[s:e], kind) for s, e, kind, _ in place_spans(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Une dame de quatre-vingt-deux ans qui vit seule.", [("quatre-vingt-deux ans", "age")]),
    ("J'ai septante-six ans, elle a 82 ans, mon fils de 12 ans.",
     [("septante-six ans", "age"), ("82 ans", "age"), ("12 ans", "age")]),
    ("il a vingt et un ans, âgée de nonante ans", [("vingt et un ans", "age"), ("nonante ans", "age")]),
    ("née le 3 mars 1948 ; né en 1952 ; date de naissance : 03/03/1948",
     [("3 mars 1948", "birth date"), ("1952", "birth date"), ("03/03/1948", "birth date")]),
    ("She's 82 years old, an 82-year-old, aged 79; born on March 3, 1944.",
     [("82 years old", "age"), ("82-year-old", "age"), ("79", "age"), ("March 3, 1944", "birth date")]),
    # durations and years are no ages
    ("Il y a 20 ans ; j'ai 20 ans d'expérience ; ça fait dix ans ; depuis dix ans ; en 2024.", []),
])
def test_ages_and_dates_of_birth(text, expected):
    assert [(text[s:e], kind) for s, e, kind in detail_spans(text)] == expected


def test_the_gazetteer_knows_cities_and_not_neighbourhood_names():
    assert public_place("Montréal") and public_place("Bruxelles") and public_place("Molenbeek")
    assert public_place("Anderlecht") and public_place("Belgique") and public_place("Québec")
    assert not public_place("Boisé-Fleuri") and not public_place("Tisserands")


# ---------------------------------------------------------------------------
# the policies


def test_persons_hides_no_place_and_reports_each_with_its_risk(runs):
    pseudo, report = runs["persons"]
    text = "".join(pseudo.text(d) for d in pseudo.doc_ids)
    for kept in ("rue du Compas", "école des Hirondelles", "Maison de quartier Le Fil", "septante-six ans",
                 "le 3 mars 1948", "Riverside Community Centre"):
        assert kept in text
    pairs = replacement_pairs(report)
    kept = pairs[pairs["category"] == "kept"]
    street = kept[kept["original"] == "rue du Compas"]
    assert street["detector"].tolist() == ["street, policy persons"]
    rows = report[(report["original"] == "rue du Compas")]
    assert set(rows["risk"]) == {"high"}
    age = report[report["original"] == "septante-six ans"]
    assert age["category"].tolist() == ["kept"] and age["risk"].tolist() == ["medium"]


def test_local_hides_streets_facilities_and_small_places_not_cities_nor_ages(runs):
    pseudo, report = runs["local"]
    fr = next(pseudo.text(d) for d in pseudo.doc_ids if "Bonsoir" in pseudo.text(d))
    assert "Compas" not in fr and "Hirondelles" not in fr and "Fil" not in fr and "Tisserands" not in fr
    assert "j'habite [rue 1], à Molenbeek, près de l'[école 1]." in fr
    # the centre named in full, then by its short name, is one place; articles agree with the label
    assert "bienvenue au [centre communautaire 1]. On se revoit au [centre communautaire 1] jeudi." in fr
    assert "avec le [centre communautaire 1] et la [rue 2]." in fr
    # ages stay under local; a date of birth does not
    assert "J'ai septante-six ans" in fr and "une dame de quatre-vingt-deux ans" in fr
    assert "Je suis née le [date de naissance], moi aussi, à Bruxelles." in fr
    # durations, "à la place de <person>" and a public body are not touched
    assert "depuis dix ans" in fr and "Il y a 20 ans" in fr and "au CPAS" in fr
    assert "à la place de Habitant" in fr or "à la place d'Habitant" in fr
    en = next(pseudo.text(d) for d in pseudo.doc_ids if "Welcome" in pseudo.text(d))
    assert "Riverside" not in en and "Foundry" not in en and "Main Street" not in en
    assert "in Montreal" in en and "I'm 82 years old" in en and "born on [date of birth]" in en


def test_strict_hides_every_place_age_and_occupation_found(runs):
    pseudo, report = runs["strict"]
    fr = next(pseudo.text(d) for d in pseudo.doc_ids if "Bonsoir" in pseudo.text(d))
    assert "J'ai [âge] et je vis seule depuis dix ans." in fr
    assert "une dame de [âge] qui vit toute seule" in fr
    assert "La [métier] de l'[école 1]" in fr
    assert "Molenbeek" not in fr and "Bruxelles" not in fr
    en = next(pseudo.text(d) for d in pseudo.doc_ids if "Welcome" in pseudo.text(d))
    assert "I'm [age]" in en and "Montreal" not in en


def test_every_row_has_a_risk_and_people_are_high(runs):
    _, report = runs["local"]
    assert set(report["risk"].dropna()) <= {"high", "medium", "low"}
    assert set(report.loc[report["category"].isin(["speaker", "person"]), "risk"]) == {"high"}
    assert report.loc[report["category"] == "doc_id", "risk"].isna().all()
    assert risk("kept", "public place, policy local") == "low"
    assert risk("kept", "common word") == "medium"


def test_the_default_policy_follows_the_manifest(corpus, tmp_path):
    # identities: true -> local
    pseudo = quiet(corpus, key=tmp_path / "a.json")
    assert pseudo.manifest.pseudonymisation == "local"
    assert "Compas" not in "".join(pseudo.text(d) for d in pseudo.doc_ids)
    # without identities: persons; a manifest's own choice holds over both
    for said, expected in (("identities: false", "persons"), ("pseudonymisation: strict", "strict")):
        folder = Path(shutil.copytree(HERE, tmp_path / expected))
        manifest = folder / "corpus.yml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("identities: true", said),
                            encoding="utf-8")
        copy = quiet(read_corpus(folder), key=tmp_path / f"{expected}.json")
        assert copy.manifest.pseudonymisation == expected
        assert ("Compas" in "".join(copy.text(d) for d in copy.doc_ids)) == (expected == "persons")


def test_a_wrong_policy_is_refused_with_its_code(corpus, tmp_path):
    with pytest.raises(PseudonymisationError) as e:
        quiet(corpus, key=tmp_path / "k.json", policy="lokal")
    assert e.value.code == "RK-D30" and 'Did you mean "local"' in str(e.value)
    assert not (tmp_path / "k.json").exists()
    with pytest.raises(ManifestProblems) as e:
        Manifest.from_dict({"pseudonymisation": "everything"})
    assert "RK-C03" in str(e.value) and "pseudonymisation" in str(e.value)


def test_a_second_run_keeps_the_places_pseudonyms(corpus, tmp_path):
    first = quiet(corpus, key=tmp_path / "k.json", policy="local")
    second = quiet(corpus, key=tmp_path / "k.json", policy="local")
    assert [first.text(d) for d in first.doc_ids] == [second.text(d) for d in second.doc_ids]


def test_the_copy_on_disk_says_its_policy(corpus, tmp_path):
    from research_kit.anonymise.folder import write_pseudonymised

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = write_pseudonymised(corpus, tmp_path / "copy", key=tmp_path / "keys" / "k.json", policy="strict")
    assert isinstance(counts, pd.DataFrame)
    assert read_corpus(tmp_path / "copy").manifest.pseudonymisation == "strict"
    assert "pseudonymisation: strict" in (tmp_path / "copy" / "corpus.yml").read_text(encoding="utf-8")


def test_the_new_placeholders_are_placeholders_not_notes():
    from research_kit.tokens import PLACEHOLDER

    text = "au [centre communautaire 1], [rue 2] ; j'ai [âge], né le [date de naissance] [rires] [school 3]"
    assert [m.group() for m in PLACEHOLDER.finditer(text)] == [
        "[centre communautaire 1]", "[rue 2]", "[âge]", "[date de naissance]", "[school 3]"]


def test_the_command_takes_the_policy_and_says_it(tmp_path):
    from click.testing import CliRunner

    from research_kit.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["pseudonymise", str(HERE), "--key", str(tmp_path / "keys" / "k.json"),
                                  "--to", str(tmp_path / "copy"), "--policy", "persons", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "policy: persons" in result.output
    copy = read_corpus(tmp_path / "copy")
    assert copy.manifest.pseudonymisation == "persons"
    assert any("rue du Compas" in copy.text(d) for d in copy.doc_ids)  # persons keeps the streets
    wrong = runner.invoke(main, ["pseudonymise", str(HERE), "--key", str(tmp_path / "keys" / "k.json"),
                                 "--to", str(tmp_path / "copy2"), "--policy", "local-ish"])
    assert wrong.exit_code == 2 and "persons" in wrong.output and not (tmp_path / "copy2").exists()
