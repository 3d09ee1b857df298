"""The two workbench notebooks run top to bottom with papermill on a small corpus, writing nothing until asked."""

from __future__ import annotations

import json
import shutil

import papermill
import pytest

from tests.helpers import DATA, ROOT

WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def small(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus_small", folder)
    shutil.copy(DATA / "codebooks" / "valid.yml", folder / "codebook.yml")
    (folder / "codings").mkdir()
    (folder / "codings" / "ana.csv").write_text(
        "doc_id,start_char,end_char,code,coder,memo,coded_at\natelier-2,0,28,care,ana,,\n", encoding="utf-8")
    return folder


def run(name, tmp_path, **parameters):
    notebook = ROOT / "notebooks" / name
    stored = json.loads(notebook.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in stored["cells"] if c["cell_type"] == "code")
    out = tmp_path / name
    papermill.execute_notebook(str(notebook), str(out), parameters=parameters, cwd=str(tmp_path),
                               progress_bar=False, kernel_name="python3")
    return json.loads(out.read_text(encoding="utf-8"))["cells"]


def test_coding_notebook(small, tmp_path):
    cells = run("workbench_coding.ipynb", tmp_path, corpus=str(small), coder="lea", suggest=False, decider="lea")
    shown = json.dumps([c.get("outputs", []) for c in cells])
    assert '"output_type": "error"' not in shown
    assert shown.count(WIDGET) == 2  # the coding panel and Compare and resolve
    assert "lea" not in {p.stem for p in (small / "codings").glob("*.csv")}  # nothing written until one codes
    assert "RK-P45" not in shown  # one coder only: the resolve panel says it in its own message, not a traceback


def test_explorer_notebook(small, tmp_path):
    cells = run("workbench_explorer.ipynb", tmp_path, corpus=str(small), query="bonjour", exports="exports", k=3,
                segment_size=12)
    shown = json.dumps([c.get("outputs", []) for c in cells])
    assert '"output_type": "error"' not in shown
    assert shown.count(WIDGET) == 2  # the explorer and the classes
    assert "Reinert" in shown
    assert not (tmp_path / "exports").exists()
