"""A corpus folder as a careless user or an attacker makes it: coded errors, nothing read from outside it."""

import os
import shutil

import pytest

from research_kit.errors import InputFileError, ManifestError, PseudonymisationError
from research_kit.project import Project, read_corpus, write_corpus
from tests.helpers import DATA


def folder(tmp_path, manifest: str | None = None, files: dict[str, str] | None = None):
    root = tmp_path / "corpus"
    (root / "transcripts").mkdir(parents=True)
    for name, text in (files or {"transcripts/a.txt": "Anna : Bonjour à toutes et à tous.\n"}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if manifest is not None:
        (root / "corpus.yml").write_text(manifest, encoding="utf-8")
    return root


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Hélène Bérubé : mon adresse est le 12 rue des Lilas.\n", encoding="utf-8")
    return path


def test_a_link_to_a_file_outside_is_refused_and_not_read(tmp_path, secret):
    root = folder(tmp_path)
    os.symlink(secret, root / "transcripts/x.txt")
    with pytest.raises(InputFileError, match="RK-C13") as err:
        read_corpus(root)
    assert "transcripts/x.txt" in str(err.value)
    corpus = read_corpus(root, errors="collect")
    assert corpus.doc_ids == ["a"] and list(corpus.problems["code"]) == ["RK-C13"]
    assert "Hélène" not in " ".join(corpus.turns["text"])


def test_a_relative_link_out_and_a_linked_folder_are_refused(tmp_path, secret):
    root = folder(tmp_path)
    os.symlink(os.path.relpath(secret, root / "transcripts"), root / "transcripts/rel.txt")
    os.symlink(tmp_path, root / "transcripts/elsewhere")
    corpus = read_corpus(root, errors="collect")
    assert corpus.doc_ids == ["a"]
    assert sorted(corpus.problems["path"]) == ["transcripts/elsewhere", "transcripts/rel.txt"]


def test_a_link_inside_the_folder_is_read(tmp_path):
    root = folder(tmp_path)
    (root / "other").mkdir()
    (root / "other/b.txt").write_text("Ben : Merci.\n", encoding="utf-8")
    os.symlink(root / "other/b.txt", root / "transcripts/b.txt")
    corpus = read_corpus(root)
    assert len(corpus) == 3 and "Ben : Merci." not in corpus.problems.to_string()


@pytest.mark.parametrize("manifest, words", [
    ("documents:\n  ../../etc/passwd: {title: x}\n", "../../etc/passwd"),
    ("documents:\n  /etc/passwd: {title: x}\n", "/etc/passwd"),
    ("include: ['../../**']\n", "../../**"),
    ("exclude: ['../x']\n", "../x"),
    ("codings: ['../*.csv']\n", "../*.csv"),
    ("codebook: ../../codebook.yml\n", "../../codebook.yml"),
    ("codebook: /etc/passwd\n", "/etc/passwd"),
    ("include: ['~/transcripts/**']\n", "~/transcripts/**"),
])
def test_manifest_paths_leaving_the_folder_are_refused(tmp_path, manifest, words):
    root = folder(tmp_path, manifest)
    with pytest.raises(ManifestError, match="RK-C13") as err:
        Project.open(root)
    assert words in str(err.value) and err.value.line is not None


def test_a_coding_file_linked_from_outside_is_refused(tmp_path):
    root = folder(tmp_path)
    outside = tmp_path / "codings.csv"
    outside.write_text("doc_id,start_char,end_char,code,coder\na,0,4,x,ana\n", encoding="utf-8")
    (root / "codings").mkdir()
    os.symlink(outside, root / "codings/ana.csv")
    with pytest.raises(InputFileError, match="RK-C13"):
        _ = Project.open(root).coding_files


@pytest.mark.parametrize("manifest, code", [
    ("title: [a, b]\n", "RK-C03"),
    ("identities: 2\n", "RK-C11"),
    ("roles: [Anna, Ben]\n", "RK-C03"),
    ("columns: Locuteur\n", "RK-C03"),
    ("variables: 3\n", "RK-C03"),
    ("include: {a: b}\n", "RK-C03"),
    ("documents: [transcripts/a.txt]\n", "RK-C03"),
    ("documents:\n  transcripts/a.txt: [x]\n", "RK-C03"),
    ("documents:\n  transcripts/a.txt: {id: {x: 1}}\n", "RK-C03"),
    ("documents:\n  transcripts/a.txt: {roles: animatrice}\n", "RK-C03"),
    ("documents:\n  transcripts/a.txt: {date: [2025]}\n", "RK-C08"),
    ("[1, 2, 3]\n", "RK-C03"),
    ("facilitator_roles: {a: 1}\n", "RK-C03"),
])
def test_manifest_fields_of_the_wrong_type_are_coded_errors(tmp_path, manifest, code):
    root = folder(tmp_path, manifest)
    with pytest.raises(ManifestError, match=code) as err:
        read_corpus(root)
    assert err.value.line is not None
    corpus = read_corpus(root, errors="collect")  # and collect reads what it can
    assert code in set(corpus.problems["code"])


def test_a_document_with_no_speech_is_said(tmp_path):
    root = folder(tmp_path, "documents:\n  transcripts/b.csv: {columns: {speaker: Qui, text: Quoi}}\n",
                  {"transcripts/a.txt": "Anna : Bonjour.\n", "transcripts/b.csv": "Qui,Quoi\n"})
    corpus = read_corpus(root, errors="collect")
    assert corpus.doc_ids == ["a", "b"]  # kept, with its 0 turns, not dropped
    assert corpus.documents.set_index("doc_id").loc["b", "n_turns"] == 0
    assert list(zip(corpus.problems["path"], corpus.problems["code"])) == [("transcripts/b.csv", "RK-C14")]
    with pytest.warns(UserWarning, match="RK-C14"):
        read_corpus(root)


def test_ids_that_make_the_same_file_name_stay_two_documents(tmp_path):
    root = folder(tmp_path, files={"transcripts/séance 1.txt": "Anna : Bonjour.\n",
                                   "transcripts/séance_1.txt": "Ben : Merci.\n",
                                   "transcripts/Séance_1.md": "Carla : Oui.\n"})
    corpus = read_corpus(root)
    assert len(corpus) == 3
    out = write_corpus(corpus, tmp_path / "copy")
    again = read_corpus(out)
    assert sorted(again.doc_ids) == sorted(corpus.doc_ids)
    assert sorted(again.turns["text"]) == sorted(corpus.turns["text"])


def test_the_report_never_overwrites_the_key(tmp_path):
    from research_kit.anonymise.folder import write_pseudonymised

    root = folder(tmp_path)
    key = tmp_path / "private" / "key.json"
    with pytest.raises(PseudonymisationError, match="RK-D09"):
        write_pseudonymised(root, tmp_path / "out", key=key, report=key)
    assert not key.exists() and not (tmp_path / "out").exists()
    names = tmp_path / "private" / "names.txt"
    names.parent.mkdir()
    names.write_text("Anna\n", encoding="utf-8")
    with pytest.raises(PseudonymisationError, match="RK-D09"):
        write_pseudonymised(root, tmp_path / "out", key=key, names=names, report=names)
    assert names.read_text(encoding="utf-8") == "Anna\n"


def test_qdpx_import_overwrite_replaces_and_never_merges(tmp_path):
    from research_kit.qda.folder import import_qdpx_to_folder

    target = tmp_path / "projet"
    import_qdpx_to_folder(DATA / "qdpx/standard.qdpx", target)
    stale = target / "transcripts" / "left-from-before.csv"
    stale.write_text("speaker,start_s,end_s,text\nX,,,old\n", encoding="utf-8")
    import_qdpx_to_folder(DATA / "qdpx/standard.qdpx", target, overwrite=True)
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["projet"]  # no temporary folder left
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    (elsewhere / "notes.docx").write_bytes(b"x")
    with pytest.raises(InputFileError, match="RK-C09"):
        import_qdpx_to_folder(DATA / "qdpx/standard.qdpx", elsewhere, overwrite=True)
    assert (elsewhere / "notes.docx").exists()


def test_a_file_name_that_is_not_utf8_gives_a_printable_error(tmp_path):
    root = folder(tmp_path)
    bad = os.fsencode(str(root / "transcripts")) + b"/s\xe9ance.pdf"
    with open(bad, "wb") as fh:
        fh.write(b"%PDF-1.4")
    with pytest.raises(InputFileError, match="RK-R03") as err:
        read_corpus(root)
    str(err.value).encode("utf-8")  # no surrogate left: it prints on any terminal
    shutil.rmtree(root)
