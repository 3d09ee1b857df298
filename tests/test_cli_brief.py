"""`research-kit brief` and `batch` made safer: names, refusals, values checked before any kernel, progress, French.

A kernel runs in one test only (the progress of a real brief); every other test stops
before a kernel would start, and `run_isolated` is replaced by a stand-in that fails the
test if it is asked to start anything.
"""

import json
import shutil
from typing import get_args

import nbformat
import pytest
from click.testing import CliRunner

from research_kit.briefs import ParameterValueError, brief_name, check_brief_parameters, run_batch
from research_kit.cli import main
from research_kit.errors import BriefError
from tests.helpers import DATA, ROOT

NOTEBOOKS = ROOT / "notebooks"
SESSION = NOTEBOOKS / "session_brief.ipynb"
THEME = NOTEBOOKS / "thematic_brief.ipynb"
PROCESS = NOTEBOOKS / "process_brief.ipynb"
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
FRENCH = {"LANG": "fr_CA.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.fixture()
def corpus(tmp_path):
    """Three pseudonymised sessions in two sites, with a codebook."""
    folder = tmp_path / "corpus"
    (folder / "transcripts").mkdir(parents=True)
    for name, text in [("atelier-1", "Animatrice : Bonjour à toutes et à tous.\nHabitant : Il faudrait plus de bancs.\n"),
                       ("atelier-2", "Animatrice : On reprend.\nHabitante : Les jeux sont trop loin.\n"),
                       ("cop-01", "Conseillère : Bienvenue.\nMédiateur : On est épuisés ce mois-ci.\n")]:
        (folder / "transcripts" / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "corpus.yml").write_text(
        "title: Corpus de test\nlanguage: fr\nidentities: true\npseudonymised: true\n"
        "variables: {site: Ville}\ncodebook: codebook.yml\ndocuments:\n"
        "  transcripts/atelier-1.txt: {title: Atelier 1, date: 2025-02-13, site: Bruxelles}\n"
        "  transcripts/atelier-2.txt: {title: Atelier 2, date: 2025-03-13, site: Bruxelles}\n"
        "  transcripts/cop-01.txt: {title: Rencontre 1, date: 2025-01-22, site: Montréal}\n", encoding="utf-8")
    shutil.copy(DATA / "codebooks" / "valid.yml", folder / "codebook.yml")
    return folder


@pytest.fixture()
def no_kernel(monkeypatch):
    """Fail the test if a brief gets as far as starting a worker (and so a kernel); no annotation either."""
    started = []

    def refuse(tasks, **kwargs):
        tasks = list(tasks)
        started.extend(key for key, *_ in tasks)
        assert not tasks, f"a kernel would have started for {started}"

    monkeypatch.setattr("research_kit.briefs.runner.run_isolated", refuse)
    monkeypatch.setattr("research_kit.briefs.runner._prepare", lambda loaded, client=None: None)  # spaCy is not what is tested
    return started


def brief(args, env=ENGLISH):
    return CliRunner(env=env).invoke(main, ["brief", *map(str, args)])


# ---------------------------------------------------------------------------
# default output names


def test_default_names_carry_the_kind_the_subject_and_the_language():
    assert brief_name(SESSION, {"doc_id": "mtl-cop-03", "lang": "en"}) == "session-mtl-cop-03-en"
    # two sessions, two folders (the old default, session-brief, was one folder for all)
    assert brief_name(SESSION, {"doc_id": "mtl-cop-02"}) != brief_name(SESSION, {"doc_id": "mtl-cop-03"})
    # the subject is named at the notebook's default too (doc_id "mtl-cop-01", lang "fr" in its cell)
    assert brief_name(SESSION, {}) == "session-mtl-cop-01-fr"
    # another parameter is named only when it differs from the notebook's default; the corpus never
    assert brief_name(SESSION, {"doc_id": "a", "themes_from": "rules", "corpus": "/x/y"}) == "session-a-rules-fr"
    assert brief_name(SESSION, {"doc_id": "a", "themes_from": "auto"}) == "session-a-fr"
    assert brief_name(PROCESS, {"value": "Consultation Quartier du Canal", "lang": "en"}) == \
        "process-consultation-quartier-du-canal-en"
    assert brief_name(PROCESS, {"variable": "site", "value": "Bruxelles"}) == "process-site-bruxelles-fr"
    assert brief_name(THEME, {"code": "care"}) == "theme-care-fr"
    assert brief_name(NOTEBOOKS / "coding_review.ipynb", {"unit": "sentence"}) == "coding-review-sentence-fr"


def test_a_notebook_of_ones_own_is_named_after_its_file(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('corpus: str = ""\nwho: str = "x"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nbformat.write(nb, str(tmp_path / "Mon Carnet.ipynb"))
    # without a kernel named in its metadata, papermill cannot read its parameters: a coded error
    with pytest.raises(BriefError, match="RK-B48"):
        brief_name(tmp_path / "Mon Carnet.ipynb", {"who": "Ana"})
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "Mon Carnet.ipynb"))
    assert brief_name(tmp_path / "Mon Carnet.ipynb", {"who": "Ana"}) == "mon-carnet-ana"


# ---------------------------------------------------------------------------
# another brief's output is not replaced without --force


def seed(out, name, notebook, parameters):
    """A folder as a run of `notebook` with `parameters` left it: its output file and manifest entry."""
    (out / name).mkdir(parents=True)
    (out / name / f"{name}.html").write_text("<title>avant</title>", encoding="utf-8")
    entry = {"name": name, "status": "done", "outputs": {"html": f"{name}/{name}.html"}, "parameters": parameters,
             "notebook": str(notebook), "fingerprint": "0" * 64}
    (out / "manifest.json").write_text(json.dumps({"briefs": [entry]}), encoding="utf-8")


def test_a_name_made_with_other_parameters_is_refused_and_left_alone(tmp_path, corpus, no_kernel):
    out = tmp_path / "out"
    seed(out, "s", SESSION, {"doc_id": "atelier-1", "corpus": str(corpus.resolve())})
    result = brief([SESSION, "--corpus", corpus, "-p", "doc_id", "atelier-2", "--name", "s", "--out", out])
    assert result.exit_code == 2
    assert "[RK-B40]" in result.output and 'doc_id "atelier-1", this run "atelier-2"' in result.output
    assert "--force" in result.output
    assert (out / "s" / "s.html").read_text(encoding="utf-8") == "<title>avant</title>"
    # another notebook under the same name is another brief too, and the message says so, in French here
    result = brief([THEME, "--corpus", corpus, "-p", "code", "care", "--name", "s", "--out", out], env=FRENCH)
    assert result.exit_code == 2 and "[RK-B40]" in result.output
    assert "contient une autre note" in result.output and "produite par session_brief.ipynb" in result.output


def test_a_folder_the_manifest_does_not_know_is_refused(tmp_path, corpus, no_kernel):
    out = tmp_path / "out"
    (out / "session-atelier-1-fr").mkdir(parents=True)
    (out / "session-atelier-1-fr" / "notes.txt").write_text("mes notes", encoding="utf-8")
    result = brief([SESSION, "--corpus", corpus, "-p", "doc_id", "atelier-1", "--out", out])
    assert result.exit_code == 2 and "[RK-B40]" in result.output and "does not say which brief" in result.output
    assert (out / "session-atelier-1-fr" / "notes.txt").read_text(encoding="utf-8") == "mes notes"


def test_force_replaces_another_brief(tmp_path, corpus, no_kernel):
    out = tmp_path / "out"
    seed(out, "s", SESSION, {"doc_id": "atelier-1", "corpus": str(corpus.resolve())})
    # with --force the refusal is lifted: the run goes on to the worker (which the stand-in stops)
    with pytest.raises(AssertionError, match="a kernel would have started"):
        CliRunner(env=ENGLISH).invoke(main, ["brief", str(SESSION), "--corpus", str(corpus), "-p", "doc_id",
                                             "atelier-2", "--name", "s", "--out", str(out), "--force"],
                                      catch_exceptions=False)
    assert no_kernel == ["s"]


# ---------------------------------------------------------------------------
# parameter values, checked before any kernel


@pytest.mark.parametrize("args, code, words", [
    (["-p", "doc_id", "atelir-1"], "RK-B41", 'Did you mean "atelier-1"?'),
    (["-p", "doc_id", "atelier-1", "-p", "lang", "de"], "RK-B43", "must be one of fr, en"),
    (["-p", "doc_id", "atelier-1", "-p", "themes_from", "coder"], "RK-B43", 'Did you mean "coders"?'),
    (["-p", "doc_id", "atelier-1", "-p", "codebook", "grille.yml"], "RK-B45", "holds no file 'grille.yml'"),
    # the notebook's own default (mtl-cop-01) is not a document of this corpus: said so
    ([], "RK-B41", "'mtl-cop-01' (the notebook's default)"),
])
def test_a_wrong_session_parameter_is_refused_before_any_kernel(tmp_path, corpus, no_kernel, args, code, words):
    out = tmp_path / "out"
    result = brief([SESSION, "--corpus", corpus, *args, "--out", out])
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.output and words in result.output
    assert "no kernel was started" in result.output
    assert not (out / "manifest.json").exists() and no_kernel == []


def test_a_wrong_code_variable_or_value_is_refused_with_the_closest(tmp_path, corpus, no_kernel):
    result = brief([THEME, "--corpus", corpus, "-p", "code", "cares", "--out", tmp_path])
    assert result.exit_code == 2 and "[RK-B42]" in result.output and 'Did you mean "care"?' in result.output
    result = brief([PROCESS, "--corpus", corpus, "-p", "variable", "sites", "-p", "value", "x", "--out", tmp_path])
    assert "[RK-B44]" in result.output and 'Did you mean "site"?' in result.output
    result = brief([PROCESS, "--corpus", corpus, "-p", "variable", "site", "-p", "value", "Bruxelle", "--out",
                    tmp_path])
    assert "[RK-B44]" in result.output and 'Did you mean "Bruxelles"?' in result.output
    assert "Known: Bruxelles, Montréal." in result.output


def test_values_are_checked_as_python_values_too(corpus):
    from research_kit.project import Project

    project = Project.open(corpus)
    c = project.read_corpus()
    check_brief_parameters({"doc_id": ["atelier-1", "cop-01"], "code": "care.fatigue", "lang": "en"}, corpus=c,
                           project=project)  # all known: nothing raised
    with pytest.raises(ParameterValueError, match="RK-B41") as err:
        check_brief_parameters({"doc_id": ["atelier-1", "cop-1"]}, corpus=c)
    assert err.value.parameter == "doc_id" and err.value.value == "cop-1" and err.value.suggestion == "cop-01"
    # a corpus without a codebook: a theme cannot be found in it
    (corpus / "corpus.yml").write_text((corpus / "corpus.yml").read_text().replace("codebook: codebook.yml\n", ""))
    (corpus / "codebook.yml").unlink()
    bare = Project.open(corpus)
    with pytest.raises(ParameterValueError, match="RK-B42") as err:
        check_brief_parameters({"code": "care"}, corpus=bare.read_corpus(), project=bare)
    assert "has no codebook" in str(err.value)


def test_the_units_of_agreement_are_the_agreement_modules():
    from research_kit.agreement import Unit
    from research_kit.briefs.context import AGREEMENT_UNITS

    assert AGREEMENT_UNITS == get_args(Unit)


def test_french_locale_gives_french_errors(tmp_path, corpus, no_kernel):
    result = brief([SESSION, "--corpus", corpus, "-p", "doc_id", "atelir-1", "--out", tmp_path], env=FRENCH)
    assert result.exit_code == 2
    assert "[RK-B41] session_brief.ipynb : le paramètre doc_id vaut \"atelir-1\"" in result.output
    assert "Vouliez-vous dire « atelier-1 » ?" in result.output and "aucun noyau n'a été démarré" in result.output
    # LC_ALL wins over LANG, as POSIX says
    result = brief([SESSION, "--corpus", corpus, "-p", "doc_id", "atelir-1", "--out", tmp_path],
                   env={"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": ""})
    assert "Did you mean" in result.output and "Vouliez-vous" not in result.output


def test_a_batch_fails_the_brief_with_a_wrong_value_alone_before_any_kernel(tmp_path, corpus, no_kernel):
    plan = tmp_path / "plan.yml"
    plan.write_text(f"corpus: {corpus}\nformats: [html]\nbriefs:\n  - notebook: {SESSION}\n    name: mauvais\n"
                    "    parameters: {doc_id: atelier-9}\n", encoding="utf-8")
    [result] = run_batch(plan, out=tmp_path / "out", progress=False)
    assert result.status == "failed" and result.error.startswith("[RK-B41]") and "atelier-9" in result.error
    assert no_kernel == []
    assert "RK-B41" in (tmp_path / "out" / "logs" / "mauvais.log").read_text(encoding="utf-8")
    # the summary lines, in English and in French
    english = CliRunner(env=ENGLISH).invoke(main, ["batch", str(plan), "--out", str(tmp_path / "o1")])
    assert english.exit_code == 1
    assert "FAILED  mauvais: [RK-B41]" in english.output and "0 done, 0 unchanged, 1 failed" in english.output
    french = CliRunner(env=FRENCH).invoke(main, ["batch", str(plan), "--out", str(tmp_path / "o2")])
    assert french.exit_code == 1
    assert "ÉCHEC   mauvais : [RK-B41]" in french.output and "0 fait, 0 inchangé, 1 en échec" in french.output


# ---------------------------------------------------------------------------
# progress, help


def test_progress_is_shown_when_asked_and_not_otherwise(tmp_path, corpus, no_kernel):
    args = [SESSION, "--corpus", corpus, "-p", "doc_id", "atelir-1", "--out", tmp_path]
    asked = CliRunner(env=ENGLISH).invoke(main, ["brief", *map(str, args), "--progress"])
    assert "checking the parameters and the corpus" in asked.stderr
    silent = CliRunner(env=ENGLISH).invoke(main, ["brief", *map(str, args), "--no-progress"])
    assert "checking" not in silent.stderr and "[RK-B41]" in silent.stderr
    default = CliRunner(env=ENGLISH).invoke(main, ["brief", *map(str, args)])  # stderr is no terminal here
    assert "checking" not in default.stderr


def test_a_single_brief_shows_each_cell_as_it_runs_in_french(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Anna : Bonjour à tous.\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('corpus: str = ""  # unused\nlang: str = "fr"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("from research_kit import show"),
                nbformat.v4.new_code_cell("show.heading('Bonjour')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "petit.ipynb"))
    result = CliRunner(env=FRENCH).invoke(main, ["brief", str(tmp_path / "petit.ipynb"), "--corpus", str(tmp_path / "c"),
                                                 "--out", str(tmp_path / "out"), "--format", "md", "--progress"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    # parameters cell, papermill's injected parameters, the import, the heading: four code cells
    assert any("petit-fr" in line and "cellule 4/4 : show.heading('Bonjour')" in line for line in lines)
    assert any("démarrage du noyau" in line for line in lines) and any("mise en forme : md" in line for line in lines)
    assert "fait    petit-fr" in result.stdout and "1 fait, 0 inchangé, 0 en échec" in result.stdout


def test_help_shows_examples():
    runner = CliRunner()
    for command, example in [("brief", "session-mtl-cop-03-en"), ("batch", "demo-plan.yml"),
                             ("notebooks", "research-kit notebooks")]:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output and example in result.output
    assert "research-kit notebooks" in runner.invoke(main, ["--help"]).output
