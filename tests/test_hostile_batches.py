"""Briefs that hang, batches that are killed or run side by side: nothing left hanging, nothing lost."""

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest

from research_kit.briefs import run_brief
from research_kit.briefs.runner import _clean_staging
from research_kit.briefs.workers import run_isolated
from tests.helpers import ROOT


def notebook(folder: Path, name: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("corpus: str = ''  # corpus folder")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("from research_kit import show"), nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def kernels_of(pid: int) -> list[psutil.Process]:
    try:
        family = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in family if p.is_running() and "ipykernel" in " ".join(p.cmdline())]


def _sleep_with_a_child() -> None:
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    time.sleep(600)


def _answer() -> int:
    return 42


def _boom() -> None:
    raise ValueError("no")


def _die() -> None:
    os._exit(3)


def test_a_task_past_its_time_is_killed_with_its_children():
    seen = {}
    me = psutil.Process()
    run_isolated([("slow", _sleep_with_a_child, (), {}), ("fast", _answer, (), {}), ("bad", _boom, (), {}),
                  ("dead", _die, (), {})], jobs=2, timeout=3, on_done=lambda k, o: seen.setdefault(k, o))
    assert seen["fast"] == ("ok", 42)
    assert seen["slow"] == ("timeout", 3)
    assert seen["bad"] == ("error", "ValueError: no")
    assert seen["dead"] == ("crashed", 3)
    assert not [p for p in me.children(recursive=True) if "time.sleep(600)" in " ".join(p.cmdline())]


def test_a_hanging_brief_fails_and_leaves_no_kernel(tmp_path):
    nb = notebook(tmp_path, "hang", "show.heading('x')\nwhile True:\n    pass")
    result = run_brief(nb, out=tmp_path / "out", timeout=8, formats=["md"])
    assert result.status == "failed"
    assert "RK-B35" in result.error or "Timeout" in result.error or "timed out" in result.error.lower()
    assert kernels_of(os.getpid()) == []
    assert not list((tmp_path / "out").glob(".staging-*"))
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert [b["status"] for b in manifest["briefs"]] == ["failed"]


def test_killing_the_command_stops_its_kernel(tmp_path):
    nb = notebook(tmp_path, "spin", "while True:\n    pass")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Anna : Bonjour à tous.\n", encoding="utf-8")
    cli = subprocess.Popen([str(Path(sys.executable).with_name("research-kit")), "brief", str(nb), "--corpus",
                            str(corpus), "--out", str(tmp_path / "out"), "--format", "md"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    family: list[psutil.Process] = []
    deadline = time.monotonic() + 120  # a hang guard, not a measurement
    while time.monotonic() < deadline and not kernels_of(cli.pid):
        time.sleep(0.5)
    family = psutil.Process(cli.pid).children(recursive=True)
    assert kernels_of(cli.pid), "the brief's kernel never started"
    cli.send_signal(signal.SIGKILL)
    cli.wait()
    gone, alive = psutil.wait_procs(family, timeout=60)
    for p in alive:  # do not leave them spinning if the test fails
        p.kill()
    assert alive == []


def test_staging_of_dead_runs_is_cleaned_and_live_ones_kept(tmp_path):
    dead = tmp_path / ".staging-999999999-brief-abc"
    old = tmp_path / ".staging-brief-from-an-older-version"
    live = tmp_path / f".staging-{os.getpid()}-brief-def"
    for folder in (dead, old, live):
        (folder / "out").mkdir(parents=True)
        (folder / "out" / "half.pdf").write_bytes(b"%PDF-1.4 half")
    _clean_staging(tmp_path)
    assert not dead.exists() and not old.exists() and live.exists()


def test_two_batches_into_one_folder_keep_each_others_entries(tmp_path):
    out = tmp_path / "out"
    a = notebook(tmp_path, "a", "show.heading('A')")
    b = notebook(tmp_path, "b", "show.heading('B')")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda nb: run_brief(nb, out=out, formats=["md"]), [a, b]))
    assert [r.status for r in results] == ["done", "done"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(e["name"] for e in manifest["briefs"]) == ["a", "b"]
    index = (out / "index.html").read_text()
    assert ">a<" in index and ">b<" in index


@pytest.mark.parametrize("bad", [0, -1, "long", True])
def test_timeout_must_be_seconds(tmp_path, bad):
    from research_kit.errors import ParameterError

    with pytest.raises(ParameterError, match="RK-P23"):
        run_brief(notebook(tmp_path, "x", "show.heading('x')"), out=tmp_path / "out", timeout=bad)


def _reports_then_answers(report) -> int:
    for i in range(5):
        report(("step", i))
    return 7


def _reports_forever(report) -> None:
    while True:
        report("still here")
        time.sleep(0.05)


def test_progress_travels_from_the_worker_in_order_and_does_not_stop_the_clock():
    seen, steps = {}, []
    run_isolated([("talk", _reports_then_answers, (), {}), ("chatty", _reports_forever, (), {})], jobs=2, timeout=3,
                 on_done=lambda k, o: seen.setdefault(k, o),
                 on_progress=lambda k, v: steps.append(v) if k == "talk" else None)
    assert steps == [("step", i) for i in range(5)] and seen["talk"] == ("ok", 7)
    assert seen["chatty"] == ("timeout", 3)  # a task that keeps reporting is still stopped at its limit


def flaky_kernel(tmp_path: Path, monkeypatch, failures: int) -> str:
    """A kernel spec whose kernel dies at start `failures` times, then starts ipykernel (as a port race does)."""
    count = tmp_path / "starts"
    script = tmp_path / "flaky_kernel.py"
    script.write_text(
        "import os, sys\n"
        f"count = {str(count)!r}\n"
        "n = int(open(count).read()) if os.path.exists(count) else 0\n"
        "open(count, 'w').write(str(n + 1))\n"
        f"if n < {failures}:\n"
        "    sys.exit(1)  # dies before it replies to kernel_info\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', *sys.argv[1:]])\n",
        encoding="utf-8")
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, str(script), "-f", "{connection_file}"],
                                                  "display_name": "flaky", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return str(count)


def test_a_kernel_that_dies_before_it_answers_is_started_again(tmp_path, monkeypatch):
    count = flaky_kernel(tmp_path, monkeypatch, failures=1)
    nb = notebook(tmp_path, "once", "show.heading('Après un faux départ')")
    result = run_brief(nb, out=tmp_path / "out", formats=["md"], kernel="flaky")
    assert result.status == "done", result.error
    assert Path(count).read_text() == "2"  # died once, started on the second attempt
    log = (tmp_path / "out" / "logs" / "once.log").read_text(encoding="utf-8")
    assert "kernel start 1 of 3 failed" in log and "status done" in log
    assert "Après un faux départ" in (tmp_path / "out" / "once" / "once-md" / "once.md").read_text(encoding="utf-8")


def test_a_kernel_that_never_answers_fails_its_brief_after_three_starts(tmp_path, monkeypatch):
    count = flaky_kernel(tmp_path, monkeypatch, failures=99)
    nb = notebook(tmp_path, "never", "show.heading('x')")
    result = run_brief(nb, out=tmp_path / "out", formats=["md"], kernel="flaky")
    assert result.status == "failed" and result.error.startswith("[RK-B46]") and "3 times" in result.error
    assert Path(count).read_text() == "3"
    assert kernels_of(os.getpid()) == []


def test_a_brief_failing_in_a_cell_keeps_its_notebook_and_the_previous_version(tmp_path):
    out = tmp_path / "out"
    good = notebook(tmp_path, "good", "show.heading('Première version')")
    assert run_brief(good, out=out, name="n", formats=["html"]).status == "done"
    before = (out / "n" / "n.html").read_bytes()
    bad = notebook(tmp_path, "bad", "raise ValueError('cassé')")
    # another notebook under the same name: refused, then replaced on purpose
    from research_kit.errors import BriefError

    with pytest.raises(BriefError, match="RK-B40"):
        run_brief(bad, out=out, name="n", formats=["html"])
    result = run_brief(bad, out=out, name="n", formats=["html"], force=True)
    # cells: parameters (0), import (1), the failing one (2); no parameter given, so none injected
    assert result.status == "failed" and result.cell == 2 and result.error == "ValueError: cassé"
    assert (out / "n" / "n.html").read_bytes() == before
    assert (out / "_failed" / "n.ipynb").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    [entry] = manifest["briefs"]
    assert entry["status"] == "failed" and entry["previous_outputs"] == {"html": "n/n.html"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="failed"' in index and "ValueError: cassé" in index and 'href="n/n.html"' in index
