"""`research-kit notebooks`: the notebooks of a folder and their parameters, read as papermill reads them."""

import nbformat
from click.testing import CliRunner

from research_kit.briefs import notebook_parameters
from research_kit.cli import main
from tests.helpers import ROOT


def write_notebook(path, source, *, title="# Mon carnet\n\nCe qu'il fait.", tagged=True):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(source)
    if tagged:
        params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(title), params, nbformat.v4.new_code_cell("print(alpha)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_the_parameters_cell_is_listed_with_types_defaults_and_comments(tmp_path):
    write_notebook(tmp_path / "carnet.ipynb", 'alpha: int = 3  # how many\nnom: str = "Atelier 2"  # which one')
    write_notebook(tmp_path / "brut.ipynb", "x = 1", title="Pas de titre", tagged=False)
    table = notebook_parameters(tmp_path)
    assert list(table.columns) == ["notebook", "title", "kind", "parameter", "type", "default", "help"]
    rows = table[table["notebook"] == "carnet.ipynb"]
    assert rows["parameter"].tolist() == ["alpha", "nom"]
    assert rows["type"].tolist() == ["int", "str"] and rows["default"].tolist() == ["3", '"Atelier 2"']
    assert rows["help"].tolist() == ["how many", "which one"] and set(rows["title"]) == {"Mon carnet"}
    assert table.loc[table["notebook"] == "brut.ipynb", "parameter"].tolist() == [""]

    result = CliRunner(env={"LANG": "C.UTF-8", "LC_ALL": ""}).invoke(main, ["notebooks", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "carnet.ipynb  Mon carnet" in lines
    assert any(line.split() == ["alpha", "int", "3", "#", "how", "many"] for line in lines)
    assert "  (no cell tagged 'parameters')" in lines


def test_the_project_notebooks_are_listed_with_their_subjects():
    result = CliRunner(env={"LANG": "fr_BE.UTF-8", "LC_ALL": ""}).invoke(main, ["notebooks",
                                                                              str(ROOT / "notebooks")])
    assert result.exit_code == 0, result.output
    out = result.output
    for notebook, parameter in [("session_brief.ipynb", "doc_id"), ("process_brief.ipynb", "value"),
                                ("thematic_brief.ipynb", "code"), ("coding_review.ipynb", "unit"),
                                ("corpus_explorer.ipynb", "query")]:
        block = out.split(notebook, 1)[1].split("\n\n", 1)[0]
        assert f"\n  {parameter} " in block and "\n  lang " in block, notebook
    assert "Pour en produire une : research-kit brief" in out and "session_brief.ipynb --corpus CORPUS" in out


def test_a_folder_without_notebooks_is_a_coded_error(tmp_path):
    result = CliRunner().invoke(main, ["notebooks", str(tmp_path)])
    assert result.exit_code == 2 and "[RK-B47]" in result.output
    result = CliRunner().invoke(main, ["notebooks", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "[RK-B32]" in result.output
