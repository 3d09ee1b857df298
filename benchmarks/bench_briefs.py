"""How fast a batch of briefs runs, against running the same notebooks one after another.

Measures, in one run on the pseudonymised demo corpus:

1. the baseline: 20 briefs executed one after another with plain papermill
   (``papermill.execute_notebook`` with its defaults, no rendering);
2. ``run_batch`` of the same 20 briefs with ``jobs=2``, rendering HTML, DOCX, PDF and
   Markdown (target: at least 1.7 times faster than the baseline);
3. the same batch again with nothing changed, in Python and from the shell
   (target: under 2 seconds);
4. one session brief from the shell, ``research-kit brief``, on the warm cache, all
   five formats (target: under 7 seconds), and where its time goes: the runner's
   progress events (checks, annotation cache, kernel start, the notebook's cells,
   rendering) timed as they arrive, the slowest cells named.

Both sides read the same warm annotation cache.

    python benchmarks/bench_briefs.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOTEBOOKS = ROOT / "notebooks"


def _pseudonymised_demo(work: Path) -> Path:
    import warnings

    from research_kit.anonymise.folder import write_pseudonymised

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no English NER model: said in the pseudonymisation benchmark
        write_pseudonymised(ROOT / "corpora/demo", work / "corpus", key=work / "keys" / "demo-key.json")
    return work / "corpus"


def _plan(corpus: Path) -> dict:
    from research_kit.project import read_corpus

    docs = read_corpus(corpus).documents
    fr = docs.loc[docs["language"] == "fr", "doc_id"].tolist()
    briefs = [{"notebook": str(NOTEBOOKS / "session_brief.ipynb"), "for_each": "document",
               "where": {"doc_id": fr[:10]}, "name": "s-{doc_id}-{lang}", "parameters": {"lang": ["fr", "en"]}}]
    return {"corpus": str(corpus), "formats": ["html", "docx", "pdf", "md"], "briefs": briefs,
            "_path": str(corpus / "plan.yml")}


def run(*, jobs: int = 2) -> list[dict]:
    import papermill

    from research_kit.annotate import annotate
    from research_kit.briefs import expand_plan, run_batch
    from research_kit.project import read_corpus

    work = Path(tempfile.mkdtemp(prefix="rk-bench-briefs-"))
    try:
        corpus = _pseudonymised_demo(work)
        annotate(read_corpus(corpus), progress=False)  # warm cache for both sides
        plan = _plan(corpus)
        briefs = expand_plan(plan)
        assert len(briefs) == 20, len(briefs)

        (work / "plain").mkdir()
        start = time.perf_counter()
        for b in briefs:
            papermill.execute_notebook(str(b.notebook), str(work / "plain" / f"{b.name}.ipynb"),
                                       parameters=dict(b.parameters), progress_bar=False, cwd=str(NOTEBOOKS))
        baseline = time.perf_counter() - start

        out = work / "briefs"
        start = time.perf_counter()
        results = run_batch(plan, jobs=jobs, out=out, progress=False)
        batch = time.perf_counter() - start
        failed = [r.name for r in results if r.status != "done"]
        if failed:
            raise RuntimeError(f"briefs failed: {failed}")

        start = time.perf_counter()
        again = run_batch(plan, jobs=jobs, out=out, progress=False)
        rerun = time.perf_counter() - start
        assert all(r.status == "skipped" for r in again)

        # The same from the shell, as a user types it: interpreter start and imports included.
        import subprocess

        import yaml

        plan_file = work / "plan.yml"
        plan_file.write_text(yaml.safe_dump({k: v for k, v in plan.items() if not k.startswith("_")},
                                            allow_unicode=True), encoding="utf-8")
        cli = Path(sys.executable).parent / "research-kit"
        start = time.perf_counter()
        subprocess.run([str(cli), "batch", str(plan_file), "--out", str(out), "--jobs", str(jobs)], check=True,
                       capture_output=True)
        shell = time.perf_counter() - start
        single = _single_brief(corpus, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return single + [
        {"benchmark": f"batch of 20 briefs, jobs={jobs}, html+docx+pdf+md", "value": round(batch, 1), "unit": "s",
         "baseline": round(baseline, 1), "ratio": round(baseline / batch, 2), "target": "ratio ≥ 1.7 (baseline: "
         "the 20 notebooks run one after another with plain papermill, no rendering)"},
        {"benchmark": "same batch again, nothing changed (run_batch in Python)", "value": round(rerun, 2),
         "unit": "s", "baseline": round(batch, 1), "ratio": round(batch / rerun, 1), "target": "< 2 s"},
        {"benchmark": "same batch again from the shell: `research-kit batch plan.yml` (start-up and imports "
         "included)", "value": round(shell, 2), "unit": "s", "baseline": round(batch, 1),
         "ratio": round(batch / shell, 1), "target": "< 2 s"},
    ]


def _single_brief(corpus: Path, work: Path) -> list[dict]:
    """One brief from the shell, then the same in Python with its stages timed."""
    import subprocess

    from research_kit.briefs import run_brief

    cli = Path(sys.executable).parent / "research-kit"
    args = [str(cli), "brief", str(NOTEBOOKS / "session_brief.ipynb"), "--corpus", str(corpus), "-p", "doc_id",
            "bxl-atelier-2", "-p", "lang", "fr", "--out", str(work / "single"), "--format",
            "html,docx,pdf,md,pptx", "--force"]
    subprocess.run(args, check=True, capture_output=True)  # warm: the OS's file cache, the kernel spec
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    shell = time.perf_counter() - start

    events: list[tuple[float, object]] = []
    start = time.perf_counter()
    result = run_brief(NOTEBOOKS / "session_brief.ipynb", corpus=corpus,
                       parameters={"doc_id": "bxl-atelier-2", "lang": "fr"}, out=work / "staged",
                       formats=("html", "docx", "pdf", "md", "pptx"), force=True,
                       on_progress=lambda e: events.append((time.perf_counter(), e)))
    end = time.perf_counter()
    assert result.status == "done", result.error
    stages: dict[str, float] = {}
    cells: list[tuple[float, str]] = []
    marks = [(start, None)] + events + [(end, None)]
    for (t0, e0), (t1, _) in zip(marks, marks[1:]):
        if e0 is None:
            continue
        stage = {"check": "checks (parameters, corpus)", "prepare": "annotation cache and codebook",
                 "kernel": "kernel start", "cell": "the notebook's cells", "render": "rendering, five formats"
                 }.get(e0.stage, e0.stage)
        stages[stage] = stages.get(stage, 0.0) + (t1 - t0)
        if e0.stage == "cell":
            cells.append((t1 - t0, e0.detail))
    rows = [{"benchmark": "one session brief from the shell: `research-kit brief ...` (start-up, imports, kernel, "
                          "html+docx+pdf+md+pptx), warm cache", "value": round(shell, 1), "unit": "s",
             "baseline": None, "ratio": None, "target": "< 7 s"}]
    for stage, seconds in stages.items():
        rows.append({"benchmark": f"one session brief, where its {end - start:.1f} s go: {stage}",
                     "value": round(seconds, 2), "unit": "s", "baseline": None, "ratio": None, "target": None})
    for seconds, detail in sorted(cells, reverse=True)[:3]:
        rows.append({"benchmark": f"one session brief, a slow cell: `{detail[:60]}`", "value": round(seconds, 2),
                     "unit": "s", "baseline": None, "ratio": None, "target": None})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
