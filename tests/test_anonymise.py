"""Pseudonymisation: nothing identifying survives, pseudonyms are stable, the key is guarded.

The test corpus (tests/data/anonymise/corpus, fiction) plants speakers and their
variants, a name only spaCy can find ("j'ai parlé avec Ginette Gagnon hier"), phones in
every Canadian and Belgian form, e-mails, street addresses, postal codes, a file,
title and variable named after an interviewee, a year and a count that must stay.
It is copied to a temporary folder (annotation writes its cache beside the corpus);
the French model is loaded once, by the module fixture.
"""

import json
import os
import re
import shutil
import stat
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit._io import file_hash
from research_kit.anonymise import (
    REPLACEMENTS,
    carry_codings,
    leaks,
    pseudonymise,
    read_names,
    replacement_counts,
    replacement_pairs,
    reveal,
    unpseudonymise,
    write_report,
)
from research_kit.anonymise.folder import check_publishable, write_pseudonymised
from research_kit.coding import read_codings, write_codings
from research_kit.corpus import build_corpus
from research_kit.errors import PseudonymisationError
from research_kit.schemas import CODINGS, TURN_SEPARATOR
from tests.helpers import DATA

HERE = DATA / "anonymise"
NAMES = HERE / "names.txt"
KEEP = HERE / "keep.txt"

# Every identifying string planted in the test corpus (all must disappear).
PLANTED = [
    "Marie-Ève Tremblay", "Marie-Ève", "Marie-Eve", "marie-eve", "Tremblay", "M.-È. Tremblay", "Karim Benali",
    "Karim", "Benali", "Ginette Gagnon", "Ginette", "Gagnon", "Nathalie Verbeke", "Nathalie", "Verbeke",
    "Gérard Van Hove", "Gérard", "Van Hove", "Rose Lavoie", "Lavoie", "Dana Whitfield", "Dana", "Whitfield",
    "Lindqvist", "514 555-0182", "(438) 555-0147", "514.555.0123", "+1 514 555 0182", "02 555 12 34",
    "+32 2 555 12 34", "0470 55 12 34", "0470/55.12.34", "marie-eve.tremblay@exemple.org", "participation@exemple.be",
    "4521, rue des Érables", "rue des Tanneurs 47", "12 avenue Louise", "123 Main Street", "H2X 1Y4", "H2X1Y4",
    "B-1080", "1080 Bruxelles", "place des Tisserands",
]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def present(needle: str, haystack: str) -> bool:
    """Whole-word, case- and accent-insensitive; independent of the module under test."""
    return re.search(r"(?<!\w)" + re.escape(fold(needle)) + r"(?!\w)", fold(haystack)) is not None


def everything(corpus) -> str:
    """Every string of a corpus a brief could show."""
    docs = corpus.documents
    parts = [corpus.text(d) for d in corpus.doc_ids]
    parts += docs["doc_id"].astype(str).tolist() + docs["title"].astype(str).tolist()
    parts += docs["path"].astype(str).tolist() + corpus.turns["speaker"].astype(str).tolist()
    for var in corpus.variables:
        parts += docs[var].dropna().astype(str).tolist()
    parts += [json.dumps(corpus.manifest.to_dict(), ensure_ascii=False, default=str)]
    return "\n".join(parts)


def copy_corpus(folder: Path) -> Path:
    return Path(shutil.copytree(HERE / "corpus", folder))


def source_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): file_hash(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and ".research_kit" not in p.parts}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The test corpus, pseudonymised once (the French model loads here, once)."""
    base = tmp_path_factory.mktemp("anonymise")
    folder = copy_corpus(base / "corpus")
    before = source_hashes(folder)
    corpus = read_corpus(folder)
    key = base / "private" / "key.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RK-D20: no English recogniser installed
        pseudo, report = pseudonymise(corpus, key=key, names=NAMES, keep=KEEP, report=True)
    return {"folder": folder, "corpus": corpus, "key": key, "pseudo": pseudo, "report": report, "before": before,
            "base": base}


def pseudonym_of(report: pd.DataFrame, original: str) -> str:
    values = set(report.loc[report["original"] == original, "replacement"])
    assert len(values) == 1, (original, values)
    return values.pop()


def quiet_pseudonymise(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pseudonymise(*args, **kwargs)


# ---------------------------------------------------------------------------
# nothing identifying remains


def test_planted_strings_are_all_in_the_source(run):
    source = everything(run["corpus"])
    for planted in PLANTED:
        assert present(planted, source), planted


@pytest.mark.parametrize("planted", PLANTED)
def test_no_original_remains_anywhere(run, planted):
    assert not present(planted, everything(run["pseudo"])), planted


def test_names_in_titles_doc_ids_paths_and_variables_are_replaced(run):
    docs = run["pseudo"].documents.set_index("doc_id")
    assert "entretien-mediatrice-1" in docs.index
    row = docs.loc["entretien-mediatrice-1"]
    assert row["title"] == "Entretien avec Médiatrice 1"
    assert row["path"] == "transcripts/entretien-mediatrice-1.txt"
    assert row["participant"] == "Médiatrice 1"
    assert docs.loc["meeting-en", "title"] == "Practice meeting with Facilitator 1"
    assert docs.loc["atelier-bxl", "site"] == "Bruxelles"  # a city is not identifying


def test_the_manifest_says_pseudonymised_and_keeps_identities(run):
    manifest = run["pseudo"].manifest
    assert manifest.pseudonymised is True and manifest.identities is True
    assert set(manifest.roles) == set(run["pseudo"].turns["speaker"]) - {"?", "Participant·e 1"}  # no role
    assert not manifest.documents and run["pseudo"].root is None


def test_speakers_get_role_aware_pseudonyms_numbered_by_first_appearance(run):
    turns = run["pseudo"].turns
    first = dict(zip(run["corpus"].turns["speaker"], turns["speaker"]))
    assert first == {
        "Karim Benali": "Médiateur·rice 1",  # first to speak in the earliest document
        "Marie-Ève Tremblay": "Médiatrice 1",
        "Nathalie Verbeke": "Participant·e 1",  # no role: the corpus is French
        "Gérard Van Hove": "Habitant·e 1",
        "Rose Lavoie": "Habitant·e 2",
        "Dana Whitfield": "Facilitator 1",
    }
    assert list(turns["role"]) == list(run["corpus"].turns["role"])


def test_speaker_variants_in_text_get_the_speakers_pseudonym(run):
    text = run["pseudo"].text("entretien-mediatrice-1")
    assert text.startswith("Bonjour Médiatrice 1, merci")  # first name
    assert "comme dit Médiatrice 1 dans" in text  # "madame Tremblay"
    assert "Médiatrice 1, c'est moi, pis Médiatrice 1 aussi" in text  # "Marie-Eve", "M.-È. Tremblay"
    en = run["pseudo"].text("meeting-en")
    assert en.startswith("Welcome, everyone. Médiateur·rice 1, do you")  # the same person in another document


def test_a_person_found_by_the_recogniser_keeps_one_pseudonym(run):
    ginette = pseudonym_of(run["report"], "Ginette Gagnon")
    assert re.fullmatch(r"Personne \d+", ginette)
    assert f"j'ai parlé avec {ginette} hier" in run["pseudo"].text("entretien-mediatrice-1")
    assert f"{ginette} m'a rappelée" in run["pseudo"].text("entretien-mediatrice-1")
    assert f"I saw {ginette} yesterday" in run["pseudo"].text("meeting-en")  # no English model: the key knows her
    assert "Personne" in pseudonym_of(run["report"], "Mr. Lindqvist")  # a civility announces a name


def test_contact_details_become_category_tokens_in_the_documents_language(run):
    fr = run["pseudo"].text("entretien-mediatrice-1")
    assert "Au [adresse], [code postal]. Son fils écrit [code postal] sur" in fr
    assert "le [téléphone], pis son cellulaire, [téléphone]." in fr
    assert "écrire à [courriel], comme" in fr and ": [téléphone], ou [téléphone] depuis" in fr
    bxl = run["pseudo"].text("atelier-bxl")
    assert ("joignable au [téléphone], au [téléphone], ou sur mon GSM, le [téléphone], "
            "qu'on écrit aussi [téléphone].") in bxl
    assert "J'habite [adresse], [code postal] Bruxelles, [code postal] sur" in bxl
    assert "Mon fils est au [adresse]." in bxl
    assert "j'habite [lieu 1]" in bxl  # from the names list
    en = run["pseudo"].text("meeting-en")
    assert "lives at [address], [postal code]. You can call me at [phone]." in en


def test_years_and_counts_are_not_postal_codes(run):
    assert "On était 1080 personnes à signer la pétition en 2024." in run["pseudo"].text("atelier-bxl")
    assert "En 2024, on avait" in run["pseudo"].text("entretien-mediatrice-1")


def test_keep_list_words_are_untouched(run):
    assert "couleur Rose, c'est joli" in run["pseudo"].text("atelier-bxl")
    assert "La mairesse Valérie Plante est même venue" in run["pseudo"].text("entretien-mediatrice-1")
    assert "Je m'appelle Habitant·e 2" in run["pseudo"].text("atelier-bxl")  # the person Rose Lavoie is replaced


def test_leaks_finds_nothing_in_the_pseudonymised_corpus(run, tmp_path):
    assert leaks(everything(run["pseudo"]), run["key"]) == []
    folder = tmp_path / "out"
    from research_kit.project import write_corpus

    write_corpus(run["pseudo"], folder)
    assert leaks(folder, run["key"]) == []


def test_leaks_finds_a_planted_leak_whatever_its_case_and_accents(run, tmp_path):
    found = leaks(["Tout va bien.", "On a vu MARIE-EVE tremblay et la famille gagnon."], run["key"])
    assert {(f["source"], f["found"]) for f in found} == {("<text 1>", "MARIE-EVE tremblay"), ("<text 1>", "gagnon")}
    assert {f["category"] for f in found} == {"speaker", "variant"}
    html = tmp_path / "brief.html"
    html.write_text("<p>Appeler Ginette au 514&nbsp;555-0182</p>", encoding="utf-8")
    assert {f["found"] for f in leaks(html, run["key"])} == {"Ginette", "514\xa0555-0182"}
    assert leaks("Une rose, un 1080 personnes, Habitant·e 2.", run["key"]) == []


def test_the_replacements_frame_and_its_summaries(run):
    report = run["report"]
    assert list(report.columns) == REPLACEMENTS.names
    assert {c: str(t) for c, t in report.dtypes.items()} == REPLACEMENTS.dtypes
    counts = replacement_counts(report).set_index("category")["n"].to_dict()
    assert counts["phone"] == 9 and counts["email"] == 2 and counts["postal_code"] == 5 and counts["address"] == 4
    pairs = replacement_pairs(report)
    assert list(pairs.columns) == ["category", "original", "replacement", "n", "n_documents", "detector", "fields",
                                   "context"]
    row = pairs[pairs["original"] == "Ginette Gagnon"].iloc[0]
    assert row["detector"] == "ner" and "[[Ginette Gagnon]] hier" in row["context"]
    assert "Marie-Ève Tremblay" not in replacement_counts(report).to_string()  # counts hold no original


def test_the_report_is_written_owner_only_and_never_under_reports(run, tmp_path):
    path = write_report(run["report"], tmp_path / "private" / "replacements.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Ginette Gagnon" in path.read_text(encoding="utf-8-sig")
    with pytest.raises(PseudonymisationError, match="RK-D09"):
        write_report(run["report"], tmp_path / "reports" / "replacements.csv")
    with pytest.raises(PseudonymisationError, match="RK-D09"):
        write_report(run["report"], tmp_path / "out" / "r.csv", outputs=[tmp_path / "out"])


# ---------------------------------------------------------------------------
# offsets and codings


def test_offsets_of_the_new_corpus_point_at_its_turns(run):
    pseudo = run["pseudo"]
    for row in pseudo.turns.itertuples():
        assert pseudo.text(row.doc_id)[row.start_char:row.end_char] == row.text
    rows = run["report"][run["report"]["field"] == "text"]
    for row in rows.itertuples():
        assert run["corpus"].text(row.doc_id)[row.start_char:row.end_char] == row.original
        assert pseudo.text(row.new_doc_id)[row.new_start_char:row.new_end_char] == row.replacement


def _segment(text: str, doc_id: str, needle: str, *, skip: int = 0, code: str = "c") -> dict:
    start = text.index(needle) + skip
    return {"doc_id": doc_id, "start_char": start, "end_char": text.index(needle) + len(needle), "code": code,
            "coder": "Karim Benali", "memo": "vu avec Ginette Gagnon"}


def test_codings_are_carried_to_the_same_words(run):
    corpus, pseudo, report = run["corpus"], run["pseudo"], run["report"]
    doc = "entretien-marie-eve-tremblay"
    text = corpus.text(doc)
    bxl = corpus.text("atelier-bxl")
    codings = pd.DataFrame([
        _segment(text, doc, "Ginette Gagnon hier"),
        _segment(text, doc, "Ginette Gagnon hier, elle était fâchée", skip=3),  # starts inside the name
        _segment(text, doc, "son numéro, le 514 555-0", code="d"),  # ends inside a phone number
        _segment(text, doc, "Son fils écrit"),
        _segment(text, doc, "Bonjour Marie-Ève, merci"),
        _segment(bxl, "atelier-bxl", "J'habite rue des Tanneurs 47"),
        {"doc_id": "meeting-en", "start_char": 0, "end_char": 7, "code": "e", "coder": "x", "memo": None},
    ])
    codings["coded_at"] = pd.NaT
    codings = codings.astype({"doc_id": "string", "code": "string", "coder": "string", "memo": "string"})
    ginette = pseudonym_of(report, "Ginette Gagnon")
    carried = carry_codings(codings, report, key=run["key"])
    assert list(carried.columns) == CODINGS.names and len(carried) == len(codings)
    got = [pseudo.text(r.doc_id)[r.start_char:r.end_char] for r in carried.itertuples()]
    assert got == [f"{ginette} hier", f"{ginette} hier, elle était fâchée", "son numéro, le [téléphone]",
                   "Son fils écrit", "Bonjour Médiatrice 1, merci", "J'habite [adresse]", "Welcome"]
    assert list(carried["doc_id"]) == ["entretien-mediatrice-1"] * 5 + ["atelier-bxl", "meeting-en"]
    assert set(carried["coder"]) == {"Médiateur·rice 1", "x"}  # a mediator coding her own sessions
    assert carried["memo"].iloc[0] == f"vu avec {ginette}"
    plain = carry_codings(codings, report)  # without the key, memo and coder are left as they are
    assert plain["memo"].iloc[0] == "vu avec Ginette Gagnon"


# ---------------------------------------------------------------------------
# the key


def test_the_key_is_owner_only_json_with_a_checksum(run):
    key = run["key"]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    data = json.loads(key.read_text(encoding="utf-8"))
    assert data["format"] == "research-kit pseudonymisation key" and data["version"] == 1
    assert data["checksum"].startswith("sha256:") and data["language"] == "fr"
    assert {"original": "Marie-Ève Tremblay", "pseudonym": "Médiatrice 1", "category": "speaker"} in data["entries"]
    assert {"original": "entretien-marie-eve-tremblay", "pseudonym": "entretien-mediatrice-1",
            "category": "doc_id"} in data["entries"]
    assert len(data["corpus"]["documents"]) == 3
    assert "entretien-marie-eve-tremblay" not in json.dumps(data["corpus"])  # the fingerprint hashes the ids


def test_a_second_run_with_the_key_gives_the_same_corpus_and_leaves_the_key_alone(run):
    before = run["key"].read_bytes()
    again = quiet_pseudonymise(read_corpus(run["folder"]), key=run["key"], names=NAMES, keep=KEEP)
    pd.testing.assert_frame_equal(again.turns, run["pseudo"].turns)
    pd.testing.assert_frame_equal(again.documents, run["pseudo"].documents)
    assert run["key"].read_bytes() == before


def test_the_source_files_are_never_touched(run):
    assert source_hashes(run["folder"]) == run["before"]


def test_adding_a_document_keeps_every_pseudonym(run, tmp_path):
    folder = copy_corpus(tmp_path / "corpus")
    (folder / "transcripts" / "suivi.txt").write_text(
        "Marie-Ève Tremblay: J'ai revu Ginette Gagnon et Paulette Dumont.\nPaulette Dumont: Bonjour.\n",
        encoding="utf-8")
    key = tmp_path / "key.json"
    shutil.copy(run["key"], key)
    os.chmod(key, 0o600)
    pseudo = quiet_pseudonymise(read_corpus(folder), key=key, names=NAMES, keep=KEEP)
    old = run["pseudo"]
    for doc_id in old.doc_ids:
        assert pseudo.text(doc_id) == old.text(doc_id)
    ginette = pseudonym_of(run["report"], "Ginette Gagnon")
    assert pseudo.text("suivi").startswith(f"J'ai revu {ginette} et Participant·e 2")
    assert len(json.loads(key.read_text(encoding="utf-8"))["corpus"]["documents"]) == 4


# A names list that also names the speakers (their full names and first names), as the
# demo's names-to-hide.csv does: the key must keep every pseudonym run after run.
NAMES_SPEAKERS = HERE / "names-speakers.csv"


def _corpus_with_codings(folder: Path) -> Path:
    """The test corpus, one more document (speakers "Isabelle Charbonneau" and "Isabelle") and a codings file."""
    folder = copy_corpus(folder)
    shutil.copy(HERE / "more" / "suivi-isabelle.txt", folder / "transcripts" / "suivi-isabelle.txt")
    corpus = read_corpus(folder)
    text = corpus.text("suivi-isabelle")
    codings = pd.DataFrame([_segment(text, "suivi-isabelle", "dossier de Ginette Gagnon"),
                            _segment(corpus.text("entretien-marie-eve-tremblay"), "entretien-marie-eve-tremblay",
                                     "Bonjour Marie-Ève, merci")])
    codings["coded_at"] = pd.Timestamp("2025-03-01", tz="UTC")
    (folder / "codings").mkdir()
    write_codings(codings.astype({"doc_id": "string", "code": "string", "coder": "string", "memo": "string"}),
                  folder / "codings" / "codage.csv")
    return folder


def _write(folder: Path, out: Path, key: Path, **kwargs) -> dict[str, str]:
    """Pseudonymise ``folder`` into ``out``; return each speaker label's pseudonym (from the report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_pseudonymised(folder, out, key=key, keep=KEEP, **kwargs)
    pairs = pd.read_csv(key.with_name(key.name + ".replacements.csv"), encoding="utf-8-sig", dtype=str)
    rows = pairs[pairs["fields"].str.split(", ").map(lambda f: "speaker" in f)]
    assert rows["original"].is_unique, rows[["original", "replacement"]]
    return dict(zip(rows["original"], rows["replacement"]))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))


def _key_entries(key: Path) -> dict[str, tuple[str, str]]:
    return {e["original"]: (e["pseudonym"], e["category"])
            for e in json.loads(key.read_text(encoding="utf-8"))["entries"]}


def test_a_names_list_naming_the_speakers_gives_the_same_corpus_run_after_run(tmp_path):
    folder = _corpus_with_codings(tmp_path / "corpus")
    key = tmp_path / "private" / "key.json"
    runs = []
    for i in range(3):
        speakers = _write(folder, tmp_path / f"out{i}", key, names=NAMES_SPEAKERS)
        runs.append((_files(tmp_path / f"out{i}"), key.read_bytes(), speakers))
    (first, first_key, speakers), *again = runs
    assert {"corpus.yml", "codings/codage.csv", "transcripts/suivi-participant-e-2.csv"} <= set(first)
    for files, key_bytes, later in again:
        assert _differing(first, files) == []  # transcripts, codings and corpus.yml, byte for byte
        assert key_bytes == first_key  # nothing added: the key is not rewritten
        assert later == speakers
    assert speakers["Karim Benali"] == "Médiateur·rice 1" and speakers["Marie-Ève Tremblay"] == "Médiatrice 1"
    assert speakers["Isabelle"] == speakers["Isabelle Charbonneau"] == "Participant·e 2"
    entries = _key_entries(key)
    for label in ("Karim Benali", "Marie-Ève Tremblay", "Isabelle Charbonneau", "Isabelle"):
        assert entries[label] == (speakers[label], "speaker")  # a listed speaker is still a speaker in the key
    assert entries["Karim"] == ("Médiateur·rice 1", "variant")


def test_pseudonyms_in_the_key_do_not_depend_on_the_names_list(tmp_path):
    folder = _corpus_with_codings(tmp_path / "corpus")
    key = tmp_path / "private" / "key.json"
    listed = _write(folder, tmp_path / "listed", key, names=NAMES_SPEAKERS)
    before = _key_entries(key)
    unlisted = _write(folder, tmp_path / "unlisted", key)
    assert unlisted == listed
    assert _key_entries(key) == before
    _write(folder, tmp_path / "listed-again", key, names=NAMES_SPEAKERS)
    assert _differing(_files(tmp_path / "listed"), _files(tmp_path / "listed-again")) == []
    # and the other way round: a key made without the list keeps its pseudonyms when the list comes
    other = tmp_path / "private" / "other.json"
    assert _write(folder, tmp_path / "o1", other) == listed
    before = _key_entries(other)
    assert _write(folder, tmp_path / "o2", other, names=NAMES_SPEAKERS) == listed
    after = _key_entries(other)
    assert {o: after[o] for o in before} == before


def test_a_document_added_between_runs_keeps_every_pseudonym_with_a_names_list(tmp_path):
    folder = _corpus_with_codings(tmp_path / "corpus")
    key = tmp_path / "private" / "key.json"
    speakers = _write(folder, tmp_path / "out1", key, names=NAMES_SPEAKERS)
    before = _key_entries(key)
    shutil.copy(HERE / "more" / "relance.txt", folder / "transcripts" / "relance.txt")
    grown = _write(folder, tmp_path / "out2", key, names=NAMES_SPEAKERS)
    assert {label: grown[label] for label in speakers} == speakers
    assert grown["Paulette Dumont"] == "Participant·e 3"  # the next number
    after = _key_entries(key)
    assert {o: after[o] for o in before} == before
    old, new = _files(tmp_path / "out1"), _files(tmp_path / "out2")
    assert _differing(old, new) == ["corpus.yml", "transcripts/relance.csv"]  # the other documents are unchanged
    karim, ginette = speakers["Karim Benali"], after["Ginette Gagnon"][0]
    assert read_corpus(tmp_path / "out2").text("relance").endswith(f"Bonjour {grown['Paulette Dumont']}. "
                                                                   f"{ginette} viendra aussi.")
    assert karim in read_corpus(tmp_path / "out2").text("relance")
    key_bytes = key.read_bytes()
    assert _write(folder, tmp_path / "out3", key, names=NAMES_SPEAKERS) == grown
    assert _differing(new, _files(tmp_path / "out3")) == [] and key.read_bytes() == key_bytes


def test_a_newcomer_sharing_a_first_name_with_someone_in_the_key_is_a_new_person(run, tmp_path):
    folder = copy_corpus(tmp_path / "corpus")
    (folder / "transcripts" / "suivi-2.txt").write_text(
        "Karim Benali: Hier, j'ai parlé avec Ginette Roy au téléphone. Ginette Roy est la tante de Rose.\n",
        encoding="utf-8")
    key = tmp_path / "key.json"
    shutil.copy(run["key"], key)
    os.chmod(key, 0o600)
    following = json.loads(key.read_text(encoding="utf-8"))["counters"]["Personne"] + 1
    pseudo = quiet_pseudonymise(read_corpus(folder), key=key, names=NAMES, keep=KEEP)
    ginette = pseudonym_of(run["report"], "Ginette Gagnon")
    assert pseudo.text("suivi-2").startswith(f"Hier, j'ai parlé avec Personne {following} au téléphone.")
    assert f"parlé avec {ginette} hier" in pseudo.text("entretien-mediatrice-1")  # the key's person keeps hers
    assert f"Personne {following}" != ginette


def test_a_key_of_the_previous_version_keeps_its_speakers(tmp_path):
    # Written by Research Kit before speakers named in a names list were recorded as
    # speakers: "Karim Benali", "Isabelle" and "Isabelle Charbonneau" are "variant" entries.
    folder = _corpus_with_codings(tmp_path / "corpus")
    key = tmp_path / "private" / "key.json"
    key.parent.mkdir()
    shutil.copy(HERE / "key-previous-version.json", key)
    os.chmod(key, 0o600)
    old = _key_entries(key)
    assert old["Karim Benali"] == ("Médiateur·rice 1", "variant") and old["Isabelle"][1] == "variant"
    speakers = _write(folder, tmp_path / "out1", key, names=NAMES_SPEAKERS)
    assert speakers == {label: old[label][0] for label in speakers}
    migrated = _key_entries(key)
    assert {o: p for o, (p, _) in migrated.items()} == {o: p for o, (p, _) in old.items()}
    assert migrated["Karim Benali"] == ("Médiateur·rice 1", "speaker")
    key_bytes = key.read_bytes()
    assert _write(folder, tmp_path / "out2", key, names=NAMES_SPEAKERS) == speakers
    assert _differing(_files(tmp_path / "out1"), _files(tmp_path / "out2")) == [] and key.read_bytes() == key_bytes


def test_a_tampered_key_is_refused_and_nothing_is_written(run, tmp_path):
    key = tmp_path / "key.json"
    data = json.loads(run["key"].read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["original"] == "Karim Benali":
            entry["pseudonym"] = "Médiateur·rice 9"
    key.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(PseudonymisationError, match=r"RK-D02.*backup"):
        write_pseudonymised(run["folder"], out, key=key)
    assert not out.exists() and not (tmp_path / "key.json.replacements.csv").exists()
    with pytest.raises(PseudonymisationError, match="RK-D02"):
        leaks("rien", key)


@pytest.mark.parametrize("content, code", [
    (b"not json at all", "RK-D01"),
    (b"\x00\x01\x02\xff", "RK-D01"),
    (b'{"some": "json"}', "RK-D01"),
    (b'{"format": "research-kit pseudonymisation key", "version": 99}', "RK-D05"),
])
def test_an_unreadable_key_is_refused_and_nothing_is_written(run, tmp_path, content, code):
    key = tmp_path / "key.json"
    key.write_bytes(content)
    out = tmp_path / "out"
    with pytest.raises(PseudonymisationError, match=code):
        write_pseudonymised(run["folder"], out, key=key)
    assert not out.exists() and key.read_bytes() == content


def test_a_key_from_another_corpus_is_refused(run, tmp_path):
    other = build_corpus(pd.DataFrame({"doc_id": ["autre-1"], "title": ["Autre"]}),
                         pd.DataFrame({"doc_id": ["autre-1"], "speaker": ["Paul"], "text": ["Bonjour à tous."]}),
                         manifest={"title": "Un autre corpus"})
    before = run["key"].read_bytes()
    with pytest.raises(PseudonymisationError, match=r"RK-D03.*another corpus.*new key path"):
        pseudonymise(other, key=run["key"])
    assert run["key"].read_bytes() == before


def test_the_key_is_refused_where_outputs_go(run, tmp_path):
    corpus = run["corpus"]
    with pytest.raises(PseudonymisationError, match=r"RK-D04.*reports/"):
        pseudonymise(corpus, key=tmp_path / "reports" / "key.json")
    with pytest.raises(PseudonymisationError, match=r"RK-D04.*corpus folder"):
        pseudonymise(corpus, key=run["folder"] / "key.json")
    with pytest.raises(PseudonymisationError, match=r"RK-D04.*output folder"):
        write_pseudonymised(run["folder"], tmp_path / "out", key=tmp_path / "out" / "key.json")
    with pytest.raises(PseudonymisationError, match="RK-D04"):
        pseudonymise(corpus, key=tmp_path)  # a folder
    assert not (tmp_path / "reports").exists() and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# names and keep lists


def test_names_lists_as_text_csv_or_python(tmp_path):
    assert read_names(NAMES) == [("place des Tisserands", "place")]
    assert read_names(HERE / "names.csv") == [("place des Tisserands", "place"), ("Ginette Gagnon", "person")]
    assert read_names(KEEP) == [("Rose", "person"), ("Valérie Plante", "person")]
    cp1252 = tmp_path / "noms.txt"
    cp1252.write_bytes("Hélène Côté\nrue des Érables\n".encode("cp1252"))
    assert read_names(cp1252) == [("Hélène Côté", "person"), ("rue des Érables", "place")]


@pytest.mark.parametrize("name, code", [
    ("names-binary.txt", "RK-D06"),
    ("names-mojibake.txt", "RK-D06"),
    ("names-no-column.csv", "RK-D07"),
])
def test_a_bad_names_list_is_refused_naming_the_file_and_nothing_is_written(run, tmp_path, name, code):
    key = tmp_path / "key.json"
    with pytest.raises(PseudonymisationError, match=code) as info:
        write_pseudonymised(run["folder"], tmp_path / "out", key=key, names=HERE / name)
    assert name in str(info.value)
    assert not key.exists() and not (tmp_path / "out").exists()


def test_names_given_as_a_string_must_be_a_file(run, tmp_path):
    with pytest.raises(PseudonymisationError, match=r"RK-D11.*names=\['Ginette'\]"):
        pseudonymise(run["corpus"], key=tmp_path / "k.json", names="Ginette")
    with pytest.raises(PseudonymisationError, match="RK-D07"):
        pseudonymise(run["corpus"], key=tmp_path / "k.json", names=[("Ginette", "planète")])


# ---------------------------------------------------------------------------
# the corpus folder, end to end


def test_write_pseudonymised_writes_a_corpus_codings_and_a_private_report(run, tmp_path):
    folder = copy_corpus(tmp_path / "corpus")
    corpus = read_corpus(folder)
    text = corpus.text("entretien-marie-eve-tremblay")
    codings = pd.DataFrame([_segment(text, "entretien-marie-eve-tremblay", "Ginette Gagnon hier")])
    codings["coded_at"] = pd.Timestamp("2025-03-01", tz="UTC")
    (folder / "codings").mkdir()
    write_codings(codings.astype({"doc_id": "string", "code": "string", "coder": "string", "memo": "string"}),
                  folder / "codings" / "codage-karim-benali.csv")
    before = source_hashes(folder)
    key = tmp_path / "private" / "key.json"
    out = tmp_path / "corpus-pseudo"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = write_pseudonymised(folder, out, key=key, names=NAMES, keep=KEEP)
    assert source_hashes(folder) == before
    assert set(counts["category"]) >= {"speaker", "person", "phone", "email", "address", "postal_code"}
    report = tmp_path / "private" / "key.json.replacements.csv"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600 and stat.S_IMODE(key.stat().st_mode) == 0o600
    written = read_corpus(out)
    assert written.manifest.pseudonymised is True and written.manifest.identities is True
    check_publishable(written)
    assert sorted(written.doc_ids) == ["atelier-bxl", "entretien-mediatrice-1", "meeting-en"]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.relative_to(out).as_posix() for p in files} >= {"corpus.yml", "codings/codage-mediateur-rice-1.csv"}
    assert leaks(out, key) == []
    carried = read_codings(out / "codings" / "codage-mediateur-rice-1.csv", corpus=written)
    row = carried.iloc[0]
    assert written.text(row["doc_id"])[row["start_char"]:row["end_char"]].endswith(" hier")
    with pytest.raises(PseudonymisationError, match="RK-D10"):
        write_pseudonymised(folder, out, key=key)  # not empty
    with pytest.raises(PseudonymisationError, match="RK-D10"):
        write_pseudonymised(folder, folder / "pseudo", key=key)  # inside the corpus


def test_check_publishable_refuses_identities_unless_pseudonymised_or_allowed(run):
    with pytest.raises(PseudonymisationError, match=r"RK-D08.*identities: true.*research-kit pseudonymise"):
        check_publishable(run["corpus"])
    check_publishable(run["corpus"], allow_identities=True)
    check_publishable(run["pseudo"])
    check_publishable(build_corpus(pd.DataFrame({"doc_id": ["a"]}),
                                   pd.DataFrame({"doc_id": ["a"], "speaker": ["A"], "text": ["x"]})))


# ---------------------------------------------------------------------------
# back to the originals


def test_reveal_and_unpseudonymise_need_the_key(run):
    assert reveal("Médiatrice 1", run["key"])[0] == "Marie-Ève Tremblay"
    assert {"Marie-Ève", "Tremblay", "Marie-Ève Tremblay"} <= set(reveal("Médiatrice 1", run["key"]))
    assert reveal("entretien-mediatrice-1", run["key"]) == ["entretien-marie-eve-tremblay"]
    assert "514 555-0182" in reveal("[téléphone]", run["key"])
    assert reveal("Personne 99", run["key"]) == []
    ginette = pseudonym_of(run["report"], "Ginette Gagnon")
    text = f"{ginette} et Médiateur·rice 1 ont appelé le [téléphone]; Médiatrice 10 non."
    assert unpseudonymise(text, run["key"]) == (
        "Ginette Gagnon et Karim Benali ont appelé le [téléphone]; Médiatrice 10 non.")


# ---------------------------------------------------------------------------
# speakers that share names, generic labels, the unknown speaker


def _tiny(turns: list[tuple[str, str]], roles: dict[str, str] | None = None, doc_ids=None):
    doc_ids = doc_ids or ["d"] * len(turns)
    documents = pd.DataFrame({"doc_id": list(dict.fromkeys(doc_ids)), "title": list(dict.fromkeys(doc_ids)),
                              "language": "fr"})
    frame = pd.DataFrame({"doc_id": doc_ids, "speaker": [s for s, _ in turns], "text": [t for _, t in turns]})
    frame["role"] = frame["speaker"].map(roles or {})
    return build_corpus(documents, frame, manifest={"title": "tiny", "language": "fr"})


def test_a_first_name_shared_by_two_speakers_becomes_a_neutral_token(tmp_path):
    corpus = _tiny([("Marie Dubois", "Bonjour."), ("Marie Lambert", "Bonsoir."),
                    ("?", "Marie a dit que Dubois viendrait.")])
    pseudo = quiet_pseudonymise(corpus, key=tmp_path / "k.json")
    assert list(pseudo.turns["speaker"]) == ["Participant·e 1", "Participant·e 2", "?"]
    assert pseudo.text("d").endswith("[prénom] a dit que Participant·e 1 viendrait.")


def test_labels_of_one_person_are_linked_and_generic_labels_are_not_names(tmp_path):
    corpus = _tiny([("Karim", "Oui."), ("Karim B.", "Non."), ("Karim Benali", "Peut-être."),
                    ("Intervenant 2", "Merci Karim, merci l'intervenant."), ("Animatrice", "Bon.")],
                   roles={"Karim": "médiateur", "Karim B.": "médiateur", "Karim Benali": "médiateur",
                          "Animatrice": "animatrice"})
    pseudo = quiet_pseudonymise(corpus, key=tmp_path / "k.json")
    assert list(pseudo.turns["speaker"]) == ["Médiateur 1"] * 3 + ["Participant·e 1", "Animatrice 1"]
    assert pseudo.text("d").split(TURN_SEPARATOR)[3] == "Merci Médiateur 1, merci l'intervenant."


def test_one_label_written_in_other_capitals_is_one_speaker_run_after_run(tmp_path):
    corpus = _tiny([("Karim Benali", "Bonjour."), ("Nadia", "Salut."), ("KARIM BENALI", "Merci Nadia.")],
                   doc_ids=["a", "a", "b"])
    first, second = (quiet_pseudonymise(corpus, key=tmp_path / "k.json") for _ in range(2))
    assert list(first.turns["speaker"]) == ["Participant·e 1", "Participant·e 2", "Participant·e 1"]
    pd.testing.assert_frame_equal(first.turns, second.turns)


def test_an_english_corpus_gets_english_pseudonyms(tmp_path):
    documents = pd.DataFrame({"doc_id": ["m"], "language": ["en"]})
    turns = pd.DataFrame({"doc_id": ["m", "m"], "speaker": ["Helen Marchetti", "?"],
                          "text": ["Welcome.", "Thank you Helen, call 514 555-0182. My name is Brian Thornton."]})
    corpus = build_corpus(documents, turns, manifest={"language": "en"})
    pseudo = quiet_pseudonymise(corpus, key=tmp_path / "k.json")
    assert list(pseudo.turns["speaker"]) == ["Participant 1", "?"]
    assert pseudo.text("m").endswith("Thank you Participant 1, call [phone]. My name is Person 1.")


# ---------------------------------------------------------------------------
# patterns, one turn each (a pattern never reaches into the next turn)

HIDDEN = ["514-555-0166", "1 800 555-0175", "5145550182", "+32 470 55 12 34", "0032 2 555 12 34", "+33 6 12 34 56 78",
          "06 12 34 56 78", "(514) 555 0182 poste 234", "010 23 45 67", "H3Z 2Y7", "h2x 1y4", "B1000", "1000 Bruxelles",
          "code postal : 1080", "4521 rue des Érables", "12, avenue de la Paix", "rue de la Loi 16",
          "chaussée de Gand 12 bte 3", "55 Sherbrooke Street", "3380, avenue des Peupliers, app. 3", "2000 Anvers",
          "ginette.gagnon+asso@exemple.qc.ca"]
KEPT = ["à 19 h 30", "le 22 janvier 2025", "2025-01-22", "2 400 000 euros", "1,5 million", "le 514", "dans 10 ans",
        "entre 2020 et 2024", "en 2024 Bruxelles a changé", "1080 personnes", "la rue des Érables",
        "3 rues plus loin", "les 2 places de parking", "page 1080", "10 000 $", "2024-2025", "1990 2000 2010",
        "en 1996, Molenbeek", "le 4 avenue", "code 1234", "H2X", "au 47", "15/03/2025", "514 personnes",
        "100 Main", "since 2019 Brussels has"]


@pytest.fixture(scope="module")
def patterns(tmp_path_factory):
    texts = HIDDEN + KEPT
    corpus = build_corpus(pd.DataFrame({"doc_id": ["d"], "language": ["fr"]}),
                          pd.DataFrame({"doc_id": "d", "speaker": "?", "text": [f"Voici : {t}." for t in texts]}),
                          manifest={"language": "fr"})
    pseudo = quiet_pseudonymise(corpus, key=tmp_path_factory.mktemp("patterns") / "key.json")
    return dict(zip(texts, pseudo.turns["text"]))


@pytest.mark.parametrize("text", HIDDEN)
def test_contact_patterns_are_hidden(patterns, text):
    assert text not in patterns[text] and "[" in patterns[text], patterns[text]


@pytest.mark.parametrize("text", KEPT)
def test_numbers_that_identify_nobody_are_kept(patterns, text):
    assert patterns[text] == f"Voici : {text}."


def test_leaks_reads_notebooks_and_word_files(run, tmp_path):
    import docx

    notebook = tmp_path / "brief.ipynb"
    notebook.write_text(json.dumps({"cells": [{"source": ["Vu avec Gérard Van Hove"], "outputs": [
        {"data": {"text/plain": ["Bien."], "image/png": "iVBORw0KGgo" + "A" * 300}}]}]}), encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("Appeler madame Lavoie demain.")
    document.save(tmp_path / "brief.docx")
    (tmp_path / "figure.png").write_bytes(b"\x89PNG Lavoie")  # images are not read
    found = leaks(tmp_path, run["key"])
    assert {(Path(f["source"].split("!")[0]).name, f["found"]) for f in found} == {
        ("brief.ipynb", "Gérard Van Hove"), ("brief.docx", "Lavoie")}


def test_leaks_ignores_embedded_image_data_but_not_alt_text(tmp_path):
    import base64

    from research_kit.anonymise.audit import BASE64_RUN

    blob = base64.b64encode(bytes(range(256)) * 3).decode()
    page = f'<img alt="Ginette parle" src="data:image/png;base64,{blob[:100]}+obi+{blob[100:]}">'
    assert BASE64_RUN.search(page)
    cleaned = BASE64_RUN.sub(" ", page)
    assert "Ginette parle" in cleaned and "+obi+" not in cleaned
