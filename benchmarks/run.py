"""Run every benchmark and write ``docs/benchmarks.md``.

Each ``bench_*.py`` module has a ``run(...)`` returning rows
``{"benchmark", "value", "unit", "baseline", "ratio", "target"}``; baselines are measured
in the same run, on the same machine, so ratios compare like with like.

    make bench                           # or: .venv/bin/python benchmarks/run.py [NAME ...]
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
import traceback
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

ORDER = ["readers", "annotate", "textstats", "coding", "anonymise", "chd", "scaling", "workbench", "briefs",
         "cluster"]


def _call(name: str, million: Path) -> list[dict]:
    module = importlib.import_module(f"bench_{name}")
    if name == "annotate":
        return module.run(million)
    if name == "textstats":
        from research_kit import annotate, read_corpus

        return module.run(annotate(read_corpus(million), n_process=2, progress=False))
    if name in ("coding", "chd", "workbench"):
        return module.run(million)
    if name == "cluster":
        # 10M words annotated twice takes about 12 minutes on 2 cores: RK_BENCH_CLUSTER_SIZES=1000000,3000000,10000000
        # (the memory measures then run at every size too; the 10M corpus is annotated into its cache once)
        sizes = [int(s) for s in os.environ.get("RK_BENCH_CLUSTER_SIZES", "1000000,3000000").split(",")]
        return module.run(sizes) + module.run_briefs() + module.run_memory(sizes)
    if name == "scaling":
        # 10M words (annotated once into its cache: about six minutes on 2 cores): RK_BENCH_SCALING_10M=1
        # strict=False: a failed check is a row that says so, beside the figures, not a traceback
        return module.run(huge=os.environ.get("RK_BENCH_SCALING_10M") == "1", strict=False)
    if name == "readers":
        return module.run()
    if name == "anonymise":
        return module.run(million=True)
    return module.run()


def main(names: list[str]) -> int:
    from _report import table
    from make_corpus import make_corpus

    million = make_corpus()
    sections, failed = [], []
    for name in names:
        start = time.perf_counter()
        try:
            rows = _call(name, million)
        except Exception:  # noqa: BLE001 - one failing benchmark is reported, the others run
            failed.append(name)
            sections.append(f"## {name}\n\nFailed:\n\n```\n{traceback.format_exc(limit=4)}```\n")
            continue
        took = time.perf_counter() - start
        lines = [f"## {name}", "", f"(whole benchmark: {took:.0f} s)", "", table(rows)]
        sections.append("\n".join(lines) + "\n")
        print("\n".join(lines), flush=True)
    header = [
        "# Benchmarks", "",
        f"Measured by `make bench` on {date.today().isoformat()}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.machine()}. The corpus is about one million words recombined "
        "from the demo corpus (`benchmarks/make_corpus.py`). Every ratio compares with a baseline measured in the "
        "same run: ratio = baseline / value for times (higher is better).", "",
    ]
    # Running some benchmarks keeps the others' last figures.
    target = ROOT / "docs" / "benchmarks.md"
    kept = {}
    if target.exists():
        for part in target.read_text(encoding="utf-8").split("\n## ")[1:]:
            kept[part.split("\n", 1)[0].strip()] = "## " + part.rstrip("\n") + "\n"
    for name, section in zip(names, sections):
        kept[name] = section
    ordered = [kept[n] for n in ORDER if n in kept] + [v for k, v in kept.items() if k not in ORDER]
    target.write_text("\n".join(header) + "\n" + "\n".join(ordered), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ORDER))
