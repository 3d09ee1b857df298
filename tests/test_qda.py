"""REFI-QDA exchange: import of hand-made projects, deviations, hostile files; strict export.

Every export a test makes goes through ``export()`` / ``export_qdc()`` below, which
validate the written XML against the official schemas in ``../shared/refi-qda/``.
"""

import importlib.util
import io
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.codebook import Codebook, CodeEntry, read_codebook
from research_kit.coding import merge_codings, read_codings
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError, ParameterError, QdaError
from research_kit.qda import DROPPED, NOTES, QdaProject, read_qdc, read_qdpx, write_qdc, write_qdpx
from research_kit.qda.folder import export_folder_to_qdpx, import_qdpx_to_folder, read_notes, write_qda_folder
from research_kit.schemas import CODINGS
from tests.helpers import DATA

QDPX = DATA / "qdpx"
REFI = Path(__file__).parents[1] / ".." / "shared" / "refi-qda"


# --------------------------------------------------------------------------- schema validation


@pytest.fixture(scope="session")
def xsd():
    """The official schemas; their absence is a failure, never a skip."""
    import xmlschema

    missing = [n for n in ("Project.xsd", "Codebook.xsd") if not (REFI / n).is_file()]
    if missing:
        pytest.fail(f"the official REFI-QDA schemas {', '.join(missing)} are not in {REFI.resolve()}; "
                    "every export must be validated against them (see /work/shared/refi-qda/README.md).")
    return {"project": xmlschema.XMLSchema(str(REFI / "Project.xsd")),
            "codebook": xmlschema.XMLSchema(str(REFI / "Codebook.xsd"))}


def valid_project(xsd, path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    errors = [str(e) for e in xsd["project"].iter_errors(members["project.qde"].decode("utf-8"))]
    assert errors == [], errors[:3]
    return members


def export(xsd, path: Path, **kwargs) -> dict[str, bytes]:
    """write_qdpx, then validate project.qde against Project.xsd; the archive's members."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the identities warning has its own test
        write_qdpx(path, **kwargs)
    return valid_project(xsd, path)


def export_qdc(xsd, path: Path, codebook: Codebook, **kwargs) -> bytes:
    write_qdc(codebook, path, **kwargs)
    data = path.read_bytes()
    errors = [str(e) for e in xsd["codebook"].iter_errors(data.decode("utf-8"))]
    assert errors == [], errors[:3]
    return data


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def standard() -> QdaProject:
    return read_qdpx(QDPX / "standard.qdpx")


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small")


@pytest.fixture(scope="module")
def team_codebook() -> Codebook:
    return Codebook((
        CodeEntry("care", label={"fr": "Soin de l'équipe", "en": "Care of the team"},
                  definition={"fr": "Ce qui touche l'équipe.", "en": "About the team."}, color="#0072B2", codable=False),
        CodeEntry("care.fatigue", parent="care", label={"fr": "Épuisement", "en": "Exhaustion"},
                  examples={"fr": ("on est épuisés",)}),
        CodeEntry("voice", label={"fr": "Prise de parole"}, color="#E69F00"),
    ), title="Grille", languages=("fr", "en"))


@pytest.fixture(scope="module")
def small_codings(small) -> pd.DataFrame:
    rows = []
    for k, t in enumerate(small.turns.itertuples(index=False)):
        if k % 2:
            continue
        rows.append({"doc_id": t.doc_id, "start_char": t.start_char, "end_char": min(t.end_char, t.start_char + 12),
                     "code": "care.fatigue" if k % 4 else "voice", "coder": "ana" if k % 3 else "Ben Ouellet",
                     "memo": "à revoir\navec l'équipe" if k == 4 else None,
                     "coded_at": pd.Timestamp("2025-03-01T10:00:00.250Z") if k else pd.NaT})
    rows.append({**rows[0], "coder": "ana", "code": "care.fatigue"})  # two codings of one segment
    return merge_codings(pd.DataFrame(rows))


# --------------------------------------------------------------------------- the standard, by hand


def test_the_hand_written_standard_project_follows_the_schema(xsd):
    valid_project(xsd, QDPX / "standard.qdpx")
    assert not (QDPX / "codebook-standard.qdc").read_bytes().startswith(b"PK")
    assert list(xsd["codebook"].iter_errors((QDPX / "codebook-standard.qdc").read_text("utf-8"))) == []


def test_text_sources_become_documents_with_their_variables(standard):
    docs = standard.corpus.documents.set_index("doc_id")
    assert list(docs.index) == ["entrevue", "notes-terrain"]  # the PDF is not a document
    assert docs.loc["entrevue", "title"] == "entrevue.txt"
    assert docs.loc["entrevue", "date"] == pd.Timestamp("2025-01-22")
    # from a case's variables, and from a variable on the source itself
    assert docs.loc["entrevue", "site"] == "Montréal" and docs.loc["notes-terrain", "site"] == "Liège"
    assert docs.loc["entrevue", "participants"] == "3"
    assert docs.loc["entrevue", "format"] == "qdpx"
    assert standard.corpus.manifest.description == "Projet de démonstration."


def test_paragraphs_become_turns_that_rebuild_the_text(standard):
    turns = standard.corpus.turns
    entrevue = turns[turns["doc_id"] == "entrevue"]
    assert entrevue["text"].tolist() == ["On est épuisés, vraiment.\nLes gens nous appellent le soir.",
                                         "Heureusement, on se soutient entre nous.",
                                         "Les usagers sont fatigués aussi."]
    assert set(turns["speaker"]) == {"?"}
    assert standard.corpus.text("notes-terrain") == "Observation : la salle était pleine."


def test_codebook_keeps_hierarchy_folders_colours_and_same_names_apart(standard):
    codes = standard.codebook.codes.set_index("code")
    assert list(codes.index) == ["Équipe", "Équipe.Fatigue", "Équipe.Soutien", "Usagers", "Usagers.Fatigue"]
    assert codes.loc["Équipe.Fatigue", "parent"] == "Équipe" and codes.loc["Usagers.Fatigue", "parent"] == "Usagers"
    assert codes.loc["Équipe.Fatigue", "label_fr"] == codes.loc["Usagers.Fatigue", "label_fr"] == "Fatigue"
    assert not codes.loc["Équipe", "codable"] and codes.loc["Usagers", "codable"]
    assert codes.loc["Équipe", "color"] == "#0072B2" and pd.isna(codes.loc["Équipe.Soutien", "color"])
    assert codes.loc["Équipe.Fatigue", "definition_fr"] == "Épuisement, surcharge."
    assert standard.codebook.title == "Démo standard"


def test_codings_with_their_coder_memo_and_time(standard):
    c = standard.codings
    assert list(c.columns) == CODINGS.names
    got = [tuple(r) for r in c[["doc_id", "start_char", "end_char", "code", "coder"]].itertuples(index=False)]
    assert got == [
        ("entrevue", 0, 14, "Équipe.Fatigue", "Ana"),       # the coding's creating user
        ("entrevue", 60, 100, "Équipe.Soutien", "Ben"),     # no coding user: the selection's
        ("entrevue", 102, 134, "Usagers.Fatigue", "Ana"),
        ("notes-terrain", 0, 36, "Équipe.Soutien", "Ben"),  # a source coded as a whole
    ]
    text = standard.corpus.text("entrevue")
    assert text[0:14] == "On est épuisés" and text[102:134] == "Les usagers sont fatigués aussi."
    assert c.loc[0, "memo"] == "Revenir sur ce passage."                 # a note on the coding
    assert c.loc[2, "memo"] == "Parle des usagers, pas de l'équipe."     # the coded selection's description
    assert pd.isna(c.loc[1, "memo"])
    assert c.loc[0, "coded_at"] == pd.Timestamp("2025-02-01T10:00:00Z")
    assert c.loc[1, "coded_at"] == pd.Timestamp("2025-02-02T09:30:00Z")  # the selection's time
    assert str(c["coded_at"].dtype) == "datetime64[ns, UTC]"


def test_annotations_and_notes_are_kept(standard):
    n = standard.notes
    assert list(n.columns) == NOTES.names
    by_kind = {k: g.reset_index(drop=True) for k, g in n.groupby("kind")}
    assert set(by_kind) == {"annotation", "selection", "project", "code", "memo"}
    ann = by_kind["annotation"].iloc[0]
    assert (ann["doc_id"], ann["start_char"], ann["end_char"]) == ("entrevue", 26, 58)
    assert ann["text"] == "À vérifier avec l'équipe." and ann["author"] == "Ben"
    assert standard.corpus.text("entrevue")[26:58] == "Les gens nous appellent le soir."
    sel = by_kind["selection"].iloc[0]
    assert (sel["start_char"], sel["end_char"], sel["text"]) == (16, 24, "Dit en riant.")
    assert sel["created"] == pd.Timestamp("2025-02-03T08:00:00Z")
    assert by_kind["project"].iloc[0]["text"] == "Premier codage terminé."
    assert by_kind["code"].iloc[0]["code"] == "Équipe.Soutien"
    assert by_kind["memo"]["text"].tolist() == ["Comparer avec Liège."]
    assert "Revenir sur ce passage." not in set(n["text"])  # a coding's memo stays with the coding


def test_the_report_lists_what_was_not_carried_over(standard):
    d = standard.dropped
    assert list(d.columns) == DROPPED.names
    got = {(r.element, r.name, r.code, r.line) for r in d.itertuples(index=False)}
    assert got == {("PDFSource", "rapport.pdf", "RK-Q15", 90), ("Link", "explique", "RK-Q16", 118),
                   ("Set", "Fatigues", "RK-Q16", 121)}
    assert "1 coding(s)" in d.set_index("element").loc["PDFSource", "reason"]


# --------------------------------------------------------------------------- deviations programs write


@pytest.mark.parametrize("name", ["qde-named", "sources-capital", "path-no-scheme", "guid-braces", "empty-sets"])
def test_deviations_import_like_the_standard(name):
    p = read_qdpx(QDPX / f"{name}.qdpx")
    assert p.corpus.text("atelier") == "Bonjour à tous.\nOn commence ?"
    assert p.codings[["doc_id", "start_char", "end_char", "code", "coder"]].values.tolist() == [
        ["atelier", 0, 15, "Accueil", "Ana"]]
    assert len(p.dropped) == 0


def test_nvivo_utf16_positions_on_a_bom_crlf_text_with_emoji():
    p = read_qdpx(QDPX / "nvivo-utf16.qdpx")
    text = p.corpus.text("Focus groupe")
    assert text == ("Animatrice : Bonjour 👋 tout le monde.\nOn commence par un tour de table 🙂.\n\n"
                    "Participante : Moi, je suis épuisée 😩 ces temps-ci.")
    got = {(r.start_char, r.end_char): text[r.start_char:r.end_char] for r in p.codings.itertuples()}
    assert got == {(13, 27): "Bonjour 👋 tout", (57, 70): "tour de table",  # no name: the project's counting
                   (103, 110): "épuisée", (113, 125): "ces temps-ci"}
    assert set(p.codings["coder"]) == {"Chloé"} and len(p.dropped) == 0


def test_the_quoted_names_find_the_counting_when_the_origin_says_nothing(tmp_path):
    src = QDPX / "nvivo-utf16.qdpx"
    copy = tmp_path / "anonymous.qdpx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(copy, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "project.qde":
                data = data.replace(b"NVivo 14.23.0 (Windows)", b"Some program")
            zout.writestr(info, data)
    p = read_qdpx(copy)
    text = p.corpus.text("Focus groupe")
    assert [text[r.start_char:r.end_char] for r in p.codings.itertuples()] == [
        "Bonjour 👋 tout", "tour de table", "épuisée", "ces temps-ci"]


def test_atlas_ti_counts_crlf_as_one_character():
    p = read_qdpx(QDPX / "atlas-crlf.qdpx")
    text = p.corpus.text("Entretien 1")
    assert text == "Q : Comment ça va ?\nR : Bien, merci.\n\nQ : Et l'équipe ?\nR : Épuisée."
    assert [(r.start_char, r.end_char, text[r.start_char:r.end_char]) for r in p.codings.itertuples()] == [
        (24, 36, "Bien, merci."), (42, 55, "Et l'équipe ?"), (60, 68, "Épuisée.")]
    assert set(p.codings["coder"]) == {"Dominique"}          # GUIDs in braces and capitals
    assert p.codebook.codes["code"].tolist() == ["Bien-être"]  # a CodeBook in the codebook:0:4 namespace


def test_a_speakers_code_folder_gives_the_turns():
    p = read_qdpx(QDPX / "speakers-folder.qdpx")  # a UTF-16 .qde from MAXQDA
    assert p.corpus.turns[["speaker", "text"]].values.tolist() == [["Anne", "Salut 😀 Bob."], ["Bob", "Salut Anne."]]
    assert p.codebook.codes["code"].tolist() == ["Salutation"]  # the speakers are turns, not codes
    assert p.codings[["start_char", "end_char", "code"]].values.tolist() == [[14, 25, "Salutation"]]
    note = p.notes.iloc[0]
    assert (note["kind"], note["start_char"], note["end_char"], note["text"]) == ("annotation", 0, 12, "Elle sourit.")


def test_codebooks_in_every_namespace():
    with pytest.warns(UserWarning, match="RK-Q16.*Fatigues"):
        std = read_qdc(QDPX / "codebook-standard.qdc")
    assert std.codes["code"].tolist() == ["Équipe", "Équipe.Fatigue", "Usagers", "Usagers.Fatigue"]
    one = read_qdc(QDPX / "codebook-1-0.qdc")
    codes = one.codes.set_index("code")
    assert codes.loc["Participation", "color"] == "#AABBCC" and not codes.loc["Participation", "codable"]
    assert codes.loc["Participation.Silence", "codable"]  # no isCodable: codable
    assert codes.loc["Participation.Prise_de_parole", "definition_fr"].startswith("Quelqu'un prend")
    four = read_qdc(QDPX / "codebook-0-4.qdc", language="en")  # GUIDs in braces, an empty <Sets/>
    assert four.codes["code"].tolist() == ["Care", "Care.Exhaustion"]
    assert four.codes["parent"].tolist()[1] == "Care" and pd.isna(four.codes["parent"].iloc[0])
    assert four.codes["label_en"].tolist() == ["Care", "Exhaustion"] and four.languages == ("en",)
    assert four.codes["definition_en"].iloc[0] == "Taking care of the team."


def test_read_qdc_refuses_a_project(tmp_path):
    with pytest.raises(QdaError, match="RK-Q01.*zip"):
        read_qdc(QDPX / "standard.qdpx")
    bad = tmp_path / "project.qdc"
    bad.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', encoding="utf-8")
    with pytest.raises(QdaError, match="RK-Q08"):
        read_qdc(bad)


# --------------------------------------------------------------------------- broken and hostile files


def test_selections_that_cannot_be_placed_are_reported_never_shifted():
    p = read_qdpx(QDPX / "out-of-range.qdpx")
    assert p.codings[["start_char", "end_char", "code"]].values.tolist() == [[0, 15, "Accueil"]]
    d = p.dropped.set_index("line")
    assert d.loc[11, "code"] == "RK-Q12" and "beyond the end" in d.loc[11, "reason"]
    assert d.loc[14, "code"] == "RK-Q13" and d.loc[14, "name"] == "On commence"  # quotes text found elsewhere
    assert d.loc[18, "code"] == "RK-Q14"  # a coding of a code the project does not have
    assert len(d) == 3


def test_a_missing_source_file_is_reported_and_the_rest_imports():
    p = read_qdpx(QDPX / "missing-source.qdpx")
    assert p.corpus.doc_ids == ["present"]
    assert p.codings["doc_id"].tolist() == ["present"]
    row = p.dropped.iloc[0]
    assert (row["element"], row["name"], row["code"], row["line"]) == ("TextSource", "absent.txt", "RK-Q10", 12)
    assert "absent.txt" in row["reason"] and "1 coding(s)" in row["reason"]


def test_broken_xml_names_the_element_and_line():
    with pytest.raises(QdaError, match=r"RK-Q07.*project\.qde, line 6.*Code line 5 and Codes") as err:
        read_qdpx(QDPX / "broken.qdpx")
    assert err.value.line == 6


def test_entity_declarations_are_refused_before_parsing():
    with pytest.raises(QdaError, match="RK-Q06.*DOCTYPE") as err:
        read_qdpx(QDPX / "entity-bomb.qdpx")
    assert err.value.line == 2


def test_path_traversal_in_member_names_is_refused():
    with pytest.raises(QdaError, match=r"RK-Q03.*\.\./evil\.txt"):
        read_qdpx(QDPX / "traversal.qdpx")


def test_zip_bombs_and_oversized_archives_are_refused():
    with pytest.raises(QdaError, match="RK-Q05.*expands 1026 times"):
        read_qdpx(QDPX / "zip-bomb.qdpx")
    with pytest.raises(QdaError, match="RK-Q04.*limit of 1000"):
        read_qdpx(QDPX / "standard.qdpx", max_size=1000)
    p = read_qdpx(QDPX / "zip-bomb.qdpx", max_ratio=2000)  # the caller may allow it: the zeros are not text
    assert p.dropped[["element", "code"]].values.tolist() == [["TextSource", "RK-Q11"]]
    assert "not a text file" in p.dropped.loc[0, "reason"]


def test_what_is_not_a_project(tmp_path):
    with pytest.raises(QdaError, match="RK-Q01.*no such file"):
        read_qdpx(tmp_path / "absent.qdpx")
    with pytest.raises(QdaError, match="RK-Q01.*not a zip"):
        read_qdpx(QDPX / "codebook-1-0.qdc")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("sources/a.txt", "x")
    with pytest.raises(QdaError, match="RK-Q02"):
        read_qdpx(empty)


# --------------------------------------------------------------------------- export


def test_round_trip_gives_back_corpus_codebook_and_codings(xsd, tmp_path, small, team_codebook, small_codings):
    for convention in ("standard", "nvivo", "maxqda"):
        path = tmp_path / f"{convention}.qdpx"
        export(xsd, path, corpus=small, codebook=team_codebook, codings=small_codings, convention=convention)
        back = read_qdpx(path)
        pd.testing.assert_frame_equal(back.corpus.turns, small.turns)
        pd.testing.assert_frame_equal(back.codebook.codes, team_codebook.codes)
        assert back.codebook == team_codebook  # examples and second language too
        pd.testing.assert_frame_equal(back.codings, small_codings)
        cols = ["doc_id", "title", "language", "date", "n_turns", "n_chars", *small.variables]
        pd.testing.assert_frame_equal(back.corpus.documents[cols], small.documents[cols])
        assert len(back.dropped) == 0 and len(back.notes) == 0


def test_turns_travel_as_speaker_codes_and_cases(xsd, tmp_path, small):
    members = export(xsd, tmp_path / "p.qdpx", corpus=small)
    qde = members["project.qde"].decode("utf-8")
    assert 'name="Speakers" isCodable="false"' in qde and 'name="Karim B." isCodable="true"' in qde
    # Ahmed has two roles in two documents: two cases
    assert 'name="Ahmed (habitant)"' in qde and 'name="Ahmed (habitant·e)"' in qde
    assert "<TextValue>médiateur</TextValue>" in qde
    assert "00:12:03.000 --&gt; 00:12:40.000" in qde  # a turn's times


def test_nvivo_convention_writes_bom_crlf_and_utf16_positions(xsd, tmp_path):
    docs = pd.DataFrame({"doc_id": ["d"], "title": ["d"]})
    turns = pd.DataFrame({"doc_id": ["d", "d"], "speaker": ["A", "B"], "text": ["Salut 😩 toi.", "Épuisée."]})
    corpus = build_corpus(docs, turns)
    codings = pd.DataFrame({"doc_id": ["d"], "start_char": [14], "end_char": [22], "code": ["x"], "coder": ["ana"]})
    assert corpus.text("d")[14:22] == "Épuisée."
    # NVivo: + 1 for the emoji's second UTF-16 unit, + 2 for the CRs of the blank line
    for convention, start, prefix, eol in (("standard", 14, b"Salut", b"\n\n"),
                                           ("nvivo", 17, b"\xef\xbb\xbfSalut", b"\r\n\r\n")):
        members = export(xsd, tmp_path / f"{convention}.qdpx", corpus=corpus, codings=codings, convention=convention)
        source = next(v for k, v in members.items() if k.startswith("sources/"))
        assert source.startswith(prefix) and eol in source
        assert f'name="Épuisée." startPosition="{start}" endPosition="{start + 8}"' in members["project.qde"].decode()


def test_exports_are_byte_identical_and_survive_a_round_trip(xsd, tmp_path, small, team_codebook, small_codings):
    a, b, c = tmp_path / "a.qdpx", tmp_path / "b.qdpx", tmp_path / "c.qdpx"
    export(xsd, a, corpus=small, codebook=team_codebook, codings=small_codings)
    export(xsd, b, corpus=small, codebook=team_codebook, codings=small_codings.sample(frac=1, random_state=1))
    assert a.read_bytes() == b.read_bytes()
    back = read_qdpx(a)
    export(xsd, c, corpus=back.corpus, codebook=back.codebook, codings=back.codings)
    assert c.read_bytes() == a.read_bytes()


def test_a_pseudonymised_corpus_exports_no_real_name(xsd, tmp_path):
    names = ["Marie-Ève Tremblay", "Tremblay", "Karim Benali", "Benali"]
    docs = pd.DataFrame({"doc_id": ["cop-01"], "title": ["Communauté de pratique"]})
    turns = pd.DataFrame({"doc_id": ["cop-01"] * 2, "speaker": ["Marie-Ève Tremblay", "Karim Benali"],
                          "text": ["Karim Benali, tu as vu Tremblay hier ?", "Oui, Marie-Ève Tremblay m'a appelé."]})
    real = build_corpus(docs, turns)
    swap = {"Marie-Ève Tremblay": "P1", "Karim Benali": "P2", "Tremblay": "P1"}

    def pseudo(text: str) -> str:
        for name, alias in swap.items():
            text = text.replace(name, alias)
        return text

    pseudonymised = build_corpus(docs, turns.assign(speaker=turns["speaker"].map(pseudo), text=turns["text"].map(pseudo)),
                                 manifest={"pseudonymised": True})
    codings = pd.DataFrame({"doc_id": ["cop-01"], "start_char": [0], "end_char": [2], "code": ["voice"],
                            "coder": ["ana"], "memo": ["P2 parle en premier"]})
    for convention in ("standard", "nvivo"):
        members = export(xsd, tmp_path / f"{convention}.qdpx", corpus=pseudonymised, codings=codings,
                         convention=convention)
        for member, data in members.items():
            for name in names:
                for encoding in ("utf-8", "utf-16-le"):
                    assert name.encode(encoding) not in data, (member, name)
        assert b"P1" in members["project.qde"]
    # the same export of the real corpus does hold the names: the test can fail
    members = export(xsd, tmp_path / "real.qdpx", corpus=real)
    assert b"Benali" in members["project.qde"]


def test_an_identifying_corpus_warns_on_export(xsd, tmp_path, small):
    with pytest.warns(UserWarning, match="RK-Q22"):
        write_qdpx(tmp_path / "p.qdpx", corpus=small)
    valid_project(xsd, tmp_path / "p.qdpx")


def test_bad_inputs_are_refused(tmp_path, small, team_codebook):
    bad = pd.DataFrame({"doc_id": ["nowhere"], "start_char": [0], "end_char": [3], "code": ["voice"], "coder": ["a"]})
    with pytest.raises(CodingError, match="RK-G03"):
        write_qdpx(tmp_path / "p.qdpx", corpus=small, codebook=team_codebook, codings=bad)
    with pytest.raises(CodingError, match="RK-G02.*negative"):
        write_qdpx(tmp_path / "p.qdpx", corpus=small, codebook=team_codebook,
                   codings=bad.assign(doc_id="atelier-2", start_char=-2))
    with pytest.raises(ParameterError, match="RK-P01.*Did you mean \"nvivo\""):
        write_qdpx(tmp_path / "p.qdpx", corpus=small, convention="nvivio")
    notes = pd.DataFrame({c: [pd.NA] for c in NOTES.names}).assign(note_id="n", kind="annotation", doc_id="atelier-2",
                                                                    start_char=0, end_char=9999, text="x")
    with pytest.raises(QdaError, match="RK-Q23"):
        write_qdpx(tmp_path / "p.qdpx", corpus=small, notes=notes)
    assert not (tmp_path / "p.qdpx").exists()


def test_notes_and_annotations_round_trip(xsd, tmp_path, standard):
    path = tmp_path / "notes.qdpx"
    export(xsd, path, corpus=standard.corpus, codebook=standard.codebook, codings=standard.codings,
           notes=standard.notes)
    back = read_qdpx(path)
    pd.testing.assert_frame_equal(back.notes, standard.notes)
    pd.testing.assert_frame_equal(back.codings, standard.codings)
    pd.testing.assert_frame_equal(back.corpus.turns, standard.corpus.turns)


def test_qdc_export_validates_and_gives_the_ids_back(xsd, tmp_path, team_codebook):
    a = export_qdc(xsd, tmp_path / "a.qdc", team_codebook)
    assert export_qdc(xsd, tmp_path / "b.qdc", team_codebook) == a  # stable GUIDs
    assert b'name="Soin de l\'&#233;quipe"' in a or "Soin de l'équipe".encode() in a
    assert export_qdc(xsd, tmp_path / "en.qdc", team_codebook, language="en").count(b"Care of the team") == 1
    matched = read_qdc(tmp_path / "a.qdc", codebook=team_codebook)
    pd.testing.assert_frame_equal(matched.codes, team_codebook.codes)
    plain = read_qdc(tmp_path / "a.qdc")
    assert plain.codes["code"].tolist() == ["Soin_de_l_équipe", "Soin_de_l_équipe.Épuisement", "Prise_de_parole"]
    with pytest.raises(QdaError, match="RK-Q21"):
        write_qdc(Codebook(()), tmp_path / "empty.qdc")


def test_a_project_coded_elsewhere_maps_back_to_the_team_codebook(team_codebook):
    p = read_qdpx(QDPX / "nvivo-utf16.qdpx", codebook=team_codebook.__class__(
        team_codebook.entries + (CodeEntry("ritual", label={"fr": "Rituel"}),), languages=("fr", "en")))
    assert p.codebook.codes["code"].tolist() == ["Épuisement", "ritual"]  # by label; unmatched names keep theirs
    assert set(p.codings["code"]) == {"Épuisement", "ritual"}


# --------------------------------------------------------------------------- folders (the CLI's functions)


def test_import_to_a_folder_then_export_it_again(xsd, tmp_path, standard):
    folder = tmp_path / "projet"
    written = import_qdpx_to_folder(QDPX / "standard.qdpx", folder)
    assert {p.name for p in written} >= {"corpus.yml", "codebook.yml", "Ana.csv", "Ben.csv", "notes.csv", "dropped.csv"}
    corpus = read_corpus(folder)
    pd.testing.assert_frame_equal(corpus.turns, standard.corpus.turns)
    assert read_codebook(folder / "codebook.yml").codes.equals(standard.codebook.codes)
    ana = read_codings(folder / "codings" / "Ana.csv", corpus=corpus)
    assert ana[["start_char", "end_char", "code"]].values.tolist() == [[0, 14, "Équipe.Fatigue"],
                                                                       [102, 134, "Usagers.Fatigue"]]
    assert pd.read_csv(folder / "dropped.csv")["code"].tolist() == ["RK-Q15", "RK-Q16", "RK-Q16"]
    pd.testing.assert_frame_equal(read_notes(folder / "notes.csv"), standard.notes)
    with pytest.raises(Exception, match="RK-C09"):
        import_qdpx_to_folder(QDPX / "standard.qdpx", folder)

    out = tmp_path / "again.qdpx"
    export_folder_to_qdpx(folder, out)
    valid_project(xsd, out)
    back = read_qdpx(out)
    pd.testing.assert_frame_equal(back.codings, standard.codings)
    pd.testing.assert_frame_equal(back.notes, standard.notes)
    assert back.codebook == read_codebook(folder / "codebook.yml")


def test_write_qda_folder_overwrites_only_when_asked(tmp_path, standard):
    folder = tmp_path / "f"
    write_qda_folder(standard, folder)
    write_qda_folder(standard, folder, overwrite=True)
    assert (folder / "codings" / "Ben.csv").is_file()


# --------------------------------------------------------------------------- the test data itself


def test_the_committed_test_files_are_what_make_py_builds():
    spec = importlib.util.spec_from_file_location("make_qdpx", QDPX / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    committed = {p.name for p in QDPX.iterdir() if p.suffix in (".qdpx", ".qdc")}
    assert committed == set(built)

    def content(data: bytes) -> object:  # compressed bytes may differ between zlib versions; members may not
        if not data.startswith(b"PK"):
            return data
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(i.filename, zf.read(i)) for i in zf.infolist()]

    for name, data in built.items():
        assert content((QDPX / name).read_bytes()) == content(data), name
    assert all(len(data) < 5000 for data in built.values())


@pytest.mark.parametrize(("start", "end", "shown"), [
    (723.0, 760.5, "00:12:03.000 --> 00:12:40.500"),
    (0.1 + 0.2, 3725.123, "00:00:00.30000000000000004 --> 01:02:05.123"),
    (float("nan"), 5.0, "? --> 00:00:05.000"),
])
def test_turn_times_are_written_readably_and_read_back_exactly(start, end, shown):
    from research_kit.qda import format_times, parse_times

    assert format_times(start, end) == shown
    back = parse_times(shown)
    assert back[1] == end and (back[0] == start or (pd.isna(back[0]) and pd.isna(start)))
    assert format_times(float("nan"), float("nan")) is None
    assert parse_times("Parle des usagers.") is None


def test_what_real_tools_write_users_dates_markup_and_member_sources(tmp_path):
    text = "Première séance : on parle du travail.".encode("utf-8")
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder 3.5">
  <Users>
    <User guid="11111111-1111-1111-1111-111111111111" name="Ana"/>
    <User guid="22222222-2222-2222-2222-222222222222" name="Ana"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="c0000000-0000-0000-0000-000000000001" name="Travail" isCodable="true">
      <Description>&lt;p&gt;Le &lt;b&gt;travail&lt;/b&gt; &amp;amp; ses effets&lt;/p&gt;</Description>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="v0000000-0000-0000-0000-000000000001" name="Date" typeOfVariable="Date"/>
  </Variables>
  <Cases>
    <Case guid="a0000000-0000-0000-0000-000000000001" name="Séance 1">
      <VariableValue><VariableRef targetGUID="v0000000-0000-0000-0000-000000000001"/><DateValue>2023-12-01T00:00:00</DateValue></VariableValue>
      <MemberSource targetGUID="s0000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="s0000000-0000-0000-0000-000000000001" name="seance1" plainTextPath="internal://s1.txt">
      <PlainTextSelection guid="p0000000-0000-0000-0000-000000000001" startPosition="30" endPosition="37" creationDateTime="04/05/2023 10:22">
        <Coding guid="d0000000-0000-0000-0000-000000000001" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/></Coding>
        <Coding guid="d0000000-0000-0000-0000-000000000002" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>""".encode("utf-8")
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/s1.txt", text)
    p = read_qdpx(path)
    assert sorted(p.codings["coder"]) == ["Ana", "Ana (2)"]  # two users, two coders
    assert p.codings["coded_at"].isna().all()  # "04/05/2023" is ambiguous: not guessed
    assert p.codebook.codes["definition_fr"].iloc[0] == "Le travail & ses effets"
    assert p.corpus.documents.loc[0, "date"] == pd.Timestamp("2023-12-01")  # NVivo's "Date" variable
    doc = p.corpus.doc_ids[0]
    assert p.corpus.text(doc)[p.codings["start_char"].iloc[0]:p.codings["end_char"].iloc[0]] == "travail"


def test_empty_selections_and_nameless_codes_are_reported(tmp_path):
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <CodeBook><Codes><Code guid="c0000000-0000-0000-0000-000000000001" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="s0000000-0000-0000-0000-000000000001" name="s" plainTextPath="s.txt">
      <PlainTextSelection guid="p0000000-0000-0000-0000-000000000001" startPosition="5" endPosition="5">
        <Coding guid="d0000000-0000-0000-0000-000000000001"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>""".encode("utf-8")
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/s.txt", "Bonjour tout le monde.".encode("utf-8"))
    p = read_qdpx(path)
    dropped = dict(zip(p.dropped["element"], p.dropped["code"]))
    assert dropped == {"Code": "RK-Q09", "PlainTextSelection": "RK-Q16"}
    assert p.codings.empty and len(p.codebook) == 1
