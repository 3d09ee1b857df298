"""The project layer: one reading of corpus.yml, one place that finds codebook, codings and caches.

The first four tests are the reproductions of issue #11: each was a disagreement between
two modules that read the manifest for themselves.
"""

import shutil

import pandas as pd
import pytest

from research_kit.briefs import runner
from research_kit.briefs.context import brief_context
from research_kit.errors import ManifestError, PseudonymisationError
from research_kit.manifest import Manifest, ManifestProblems, parse_manifest, read_bool
from research_kit.participation import floor
from research_kit.project import Project, check_publishable, read_corpus
from tests.helpers import DATA

SMALL = DATA / "corpus_small"


def small_project(tmp_path, manifest_edit=None):
    root = tmp_path / "corpus"
    shutil.copytree(SMALL, root)
    text = (root / "corpus.yml").read_text(encoding="utf-8")
    if manifest_edit is not None:
        text = manifest_edit(text)
    (root / "corpus.yml").write_text(text, encoding="utf-8")
    return root


def with_codings(root):
    (root / "codings").mkdir()
    shutil.copy(DATA / "codings/ana.csv", root / "codings/ana.csv")
    (root / "codings/ben.csv").write_text(
        "doc_id,start_char,end_char,code,coder\natelier-2,0,28,besoins,ben\n", encoding="utf-8")
    return root


# --------------------------------------------------------------------------- the four reproductions


def test_codings_are_found_alike_by_the_brief_and_the_project(tmp_path):
    # No `codings:` in the manifest, two files in codings/: the brief used to find none.
    root = with_codings(small_project(tmp_path))
    project = Project.open(root)
    assert [p.name for p in project.coding_files] == ["ana.csv", "ben.csv"]
    ctx = brief_context(root, allow_identities=True)
    assert sorted(ctx.human_codings["coder"].unique()) == ["ana", "ben"]
    assert len(ctx.human_codings) == 3
    # the same corpus object passed in finds them too
    ctx2 = brief_context(project.read_corpus(), allow_identities=True)
    assert len(ctx2.human_codings) == 3


def test_codings_are_found_alike_by_the_qdpx_export(tmp_path):
    from research_kit.qda import read_qdpx
    from research_kit.qda.folder import export_folder_to_qdpx

    root = with_codings(small_project(tmp_path))
    out = export_folder_to_qdpx(root, tmp_path / "p.qdpx")
    back = read_qdpx(out)
    assert len(back.codings) == len(brief_context(root, allow_identities=True).human_codings) == 3


def test_codings_empty_list_means_none(tmp_path):
    root = with_codings(small_project(tmp_path, lambda t: t + "codings: []\n"))
    assert Project.open(root).coding_files == []
    assert brief_context(root, allow_identities=True).human_codings.empty


@pytest.mark.parametrize("word, names_people", [("non", False), ("no", False), ("false", False), ("faux", False),
                                                ("oui", True), ("yes", True), ("true", True), ("vrai", True)])
def test_identities_reads_the_same_everywhere(tmp_path, word, names_people):
    root = small_project(tmp_path, lambda t: t.replace("identities: true", f'identities: "{word}"'))
    project = Project.open(root)
    assert project.manifest.identities is names_people
    corpus = project.read_corpus()
    if names_people:
        with pytest.raises(PseudonymisationError, match="RK-D08"):
            check_publishable(corpus)
        with pytest.raises(PseudonymisationError, match="RK-D08"):
            brief_context(root)
    else:
        check_publishable(corpus)
        check_publishable(project)
        brief_context(root)
    # the QDPX export warns exactly when the publication check refuses
    import warnings

    from research_kit.qda import write_qdpx

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_qdpx(tmp_path / "p.qdpx", corpus=corpus)
    assert any(getattr(w.message, "code", None) == "RK-Q22" for w in caught) is names_people


def test_identities_that_is_neither_yes_nor_no_is_an_error_with_its_line(tmp_path):
    root = small_project(tmp_path, lambda t: t.replace("identities: true", "identities: peut-être"))
    with pytest.raises(ManifestError, match="RK-C11") as err:
        Project.open(root)
    assert err.value.line == 3


def test_facilitator_roles_as_one_string_agree_between_floor_and_the_brief(tmp_path):
    # `facilitator_roles: animatrice` (a string, not a list): floor() counted her, the brief did not.
    root = small_project(tmp_path, lambda t: t + "facilitator_roles: animatrice\n")
    corpus = read_corpus(root)
    assert corpus.manifest.facilitator_roles == ("animatrice",)
    ctx = brief_context(root, allow_identities=True)
    assert ctx.facilitators == {"animatrice"}
    table = floor(corpus, by="speaker", over="corpus")
    turns = corpus.turns
    sophie = turns.loc[turns["role"] == "animatrice", "n_words"].sum()
    assert sophie > 0
    assert table["facilitator_share_words"].iloc[-1] == pytest.approx(sophie / turns["n_words"].sum())


def test_package_code_is_in_a_briefs_fingerprint(tmp_path, monkeypatch):
    package = tmp_path / "research_kit"
    (package / "__pycache__").mkdir(parents=True)
    (package / "i18n.py").write_text('LABEL = "Qui a pris part"\n', encoding="utf-8")
    monkeypatch.setattr(runner, "_PACKAGE", package)
    before = runner.package_digest()
    (package / "__pycache__" / "i18n.cpython-311.pyc").write_bytes(b"\x00")
    (package / ".ruff_cache").mkdir()
    (package / ".ruff_cache" / "x").write_bytes(b"\x00")
    assert runner.package_digest() == before  # compiled files and tools' caches are not code changes
    (package / "i18n.py").write_text('LABEL = "Qui a parlé"\n', encoding="utf-8")
    after = runner.package_digest()
    assert after != before
    notebook = tmp_path / "brief.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    brief = runner.Brief(notebook, {}, "b")
    assert runner._inputs(brief)["research_kit"] == after


# --------------------------------------------------------------------------- the manifest


@pytest.mark.parametrize("value, expected", [(True, True), ("Oui", True), ("NON", False), (0, False), ("1", True),
                                             ("maybe", None), (2, None), (None, None)])
def test_read_bool(value, expected):
    assert read_bool(value) is expected


def test_codings_as_a_string_or_a_list_are_one_thing():
    one, _ = parse_manifest({"codings": "codings/*.csv"})
    two, _ = parse_manifest({"codings": ["codings/*.csv"]})
    assert one.codings == two.codings == ("codings/*.csv",)
    assert Manifest().codings == ("codings/*.csv", "codings/*.tsv")


def test_every_problem_of_the_manifest_at_once_with_its_line(tmp_path):
    def edit(text):
        return ("titre: x\n" + text.replace("identities: true", "identities: peut-être")
                .replace("    session_type: retraite", "    sesion_type: retraite")
                .replace("date: 2025-05-02", "date: le 2 mai"))

    root = small_project(tmp_path, edit)
    with pytest.raises(ManifestProblems) as err:
        Project.open(root)
    found = [(p.code, p.line) for p in err.value.problems]
    assert found == [("RK-C04", 1), ("RK-C11", 4), ("RK-C08", 32), ("RK-C04", 33)]
    assert "4 problems" in str(err.value)
    # collect: the corpus is read and the problems are rows
    corpus = read_corpus(root, errors="collect")
    assert len(corpus.documents) == 5
    assert sorted(corpus.problems["code"]) == ["RK-C04", "RK-C04", "RK-C08", "RK-C11"]


def test_nothing_private_is_injected_into_the_manifest():
    manifest, problems = parse_manifest({"title": "t", "documents": {"a.txt": {"id": "a"}}}, path="x/corpus.yml")
    assert not problems
    assert manifest.to_dict() == {"title": "t", "documents": {"a.txt": {"id": "a"}}}
    assert manifest.path == "x/corpus.yml"


def test_corpus_wide_columns_apply_to_every_csv(tmp_path):
    root = tmp_path / "c"
    (root / "t").mkdir(parents=True)
    (root / "t/a.csv").write_text("Qui,Quoi\nAnna,Bonjour à tous.\nBen,Merci.\n", encoding="utf-8")
    (root / "corpus.yml").write_text("columns: {speaker: Qui, text: Quoi}\n", encoding="utf-8")
    corpus = read_corpus(root)
    assert corpus.turns["speaker"].tolist() == ["Anna", "Ben"]


def test_manifest_is_frozen():
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        Manifest().title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Manifest.from_dict({"roles": {"A": "b"}}).roles["A"] = "c"  # type: ignore[index]


# --------------------------------------------------------------------------- the project


def test_project_finds_the_codebook_by_name_or_by_default(tmp_path):
    root = small_project(tmp_path)
    assert Project.open(root).codebook_path is None
    shutil.copy(DATA / "codebooks/valid.yml", root / "codebook.yml")
    assert Project.open(root).codebook_path == root / "codebook.yml"
    root2 = small_project(tmp_path / "2", lambda t: t + "codebook: missing.yml\n")
    with pytest.raises(ManifestError, match="RK-C12"):
        _ = Project.open(root2).codebook_path


def test_project_caches_live_in_the_project(tmp_path):
    root = small_project(tmp_path)
    corpus = read_corpus(root)
    assert corpus.cache_dir == root / ".research_kit"
    assert read_corpus(SMALL / "transcripts/equipe-nord.txt").cache_dir is None


def test_input_hashes_cover_files_not_caches(tmp_path):
    root = small_project(tmp_path)
    (root / ".research_kit").mkdir()
    (root / ".research_kit/x.parquet").write_bytes(b"1")
    hashes = Project.open(root).input_hashes()
    assert "corpus.yml" in hashes and not any(k.startswith(".research_kit") for k in hashes)


def test_open_refuses_a_file(tmp_path):
    from research_kit.errors import InputFileError

    with pytest.raises(InputFileError, match="RK-C02"):
        Project.open(SMALL / "corpus.yml")


def test_documents_frame_has_no_private_columns(tmp_path):
    corpus = read_corpus(small_project(tmp_path))
    assert not [c for c in corpus.documents.columns if str(c).startswith("_")]
    assert isinstance(corpus.documents, pd.DataFrame)


def test_a_codebook_whose_patterns_passed_is_not_checked_again(tmp_path):
    from research_kit.errors import CodebookError

    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("Ana: bonjour\n", encoding="utf-8")
    shutil.copy(DATA / "codebooks" / "valid.yml", root / "codebook.yml")
    project = Project.open(root)
    assert project.read_codebook() is not None
    markers = list((project.cache_dir / "codebook-checked").iterdir())
    assert len(markers) == 1
    # a changed codebook has another content hash: its patterns are checked again
    text = (root / "codebook.yml").read_text(encoding="utf-8")
    (root / "codebook.yml").write_text(text.replace("- [{LEMMA: être}, {LEMMA: épuiser}]",
                                                    "- [{LEMMA: être}, {NOT_AN_ATTRIBUTE: épuiser}]"),
                                       encoding="utf-8")
    with pytest.raises(CodebookError, match="RK-K15"):
        Project.open(root).read_codebook()
    assert len(list((project.cache_dir / "codebook-checked").iterdir())) == 1
