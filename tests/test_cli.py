import subprocess
import sys

from click.testing import CliRunner

from research_kit.cli import main
from tests.helpers import DATA, ROOT


def test_summary_prints_totals_and_writes_reports(tmp_path):
    result = CliRunner().invoke(main, ["summary", str(DATA / "corpus_small"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Petit corpus de test" in result.output
    last = result.output.strip().splitlines()
    total = next(line for line in last if line.strip().startswith("all"))
    # 5 documents in the small corpus
    assert total.split()[1] == "5"
    md = (tmp_path / "summary.md").read_text()
    assert "## Documents" in md and "atelier-2" in md and "conseillère" in md
    assert (tmp_path / "documents.csv").read_text().startswith("doc_id,title,path")


def test_summary_collect_lists_problems_and_exits_nonzero(tmp_path):
    (tmp_path / "ok.txt").write_text("Anne: bonjour tout le monde, on commence la rencontre.\n")
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["summary", str(tmp_path), "--errors", "collect"])
    assert result.exit_code == 1
    assert "[RK-R02] empty.txt" in result.output


def test_summary_error_names_file(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["summary", str(tmp_path)])
    assert result.exit_code == 2 and "[RK-R02] empty.txt: the file is empty." in result.output


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "research_kit", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "summary" in out.stdout
