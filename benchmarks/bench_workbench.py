"""Benchmark: the workbench's answers on the one-million-word corpus (#17).

What a researcher waits for in JupyterLab, timed on the Python side of each panel (the
kernel's work and the JSON it sends to the page; the page's own drawing is not in it):

1. a concordance query in the explorer (``Explorer.do_search``), against the baseline
   a notebook user has without the workbench: calling ``kwic(tokens, query,
   corpus=corpus)`` again, as re-running a cell does; target under 200 ms;
2. a filter change on the current hits (``Explorer.do_filter``: one role, then a
   date range); target under 100 ms;
3. opening a transcript of about 10,000 words in the coding panel
   (``CodingPanel.do_open``, with the turns serialised as the page receives them);
   target under 500 ms. The benchmark corpus's documents hold 1,500 to 3,200 words, so
   the transcript is five of them joined into one document.

Each time is the best of five after one warm-up call; the explorer's start (its
per-document index) is reported on its own row.

    python benchmarks/bench_workbench.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Targets from the issue, in milliseconds.
QUERY_MS, FILTER_MS, OPEN_MS = 200, 100, 500
QUERIES = ("il faut", "quartier", "on devrait")


def _best(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _row(benchmark: str, value, unit: str, baseline=None, ratio=None, target=None) -> dict:
    return {"benchmark": benchmark, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio,
            "target": target}


def _long_document(corpus, words: int = 10_000):
    """One document of at least ``words`` words: the first documents' turns, joined in order."""
    from research_kit.corpus import build_corpus

    docs = corpus.documents.sort_values("doc_id")
    take, total = [], 0
    for doc_id, n in zip(docs["doc_id"], docs["n_words"]):
        take.append(doc_id)
        total += int(n)
        if total >= words:
            break
    turns = corpus.turns[corpus.turns["doc_id"].isin(take)][["doc_id", "speaker", "role", "text"]].copy()
    turns["doc_id"] = "long"
    return build_corpus(pd.DataFrame({"doc_id": ["long"], "title": ["Long transcript"]}), turns)


def run(million: Path | None = None) -> list[dict]:
    """Time the explorer's query and filters and the coding panel's opening; rows for docs/benchmarks.md."""
    from make_corpus import make_corpus

    from research_kit import annotate, read_corpus
    from research_kit.kwic import kwic
    from research_kit.workbench import CodingPanel, Explorer

    warnings.simplefilter("ignore")
    corpus = read_corpus(million or make_corpus())
    tokens = annotate(corpus, n_process=2, progress=False)
    words = int(corpus.documents["n_words"].sum())
    rows: list[dict] = []

    with tempfile.TemporaryDirectory(prefix="bench-workbench-") as tmp:
        start = time.perf_counter()
        explorer = Explorer(corpus, tokens, export_folder=Path(tmp) / "exports")
        rows.append(_row(f"Explorer start (per-document index), {words:,} words, {len(tokens):,} tokens",
                         round((time.perf_counter() - start) * 1000), "ms"))
        for query in QUERIES:
            ours = _best(lambda q=query: explorer.do_search(q))
            naive = _best(lambda q=query: kwic(tokens, q, corpus=corpus), repeat=2)
            hits = explorer.hits["total"]
            rows.append(_row(f'concordance query "{query}" ({hits:,} hits); baseline: kwic() called again',
                             round(ours * 1000, 1), "ms", round(naive * 1000, 1), round(naive / ours, 1),
                             f"< {QUERY_MS} ms"))
        explorer.do_search("il faut")
        role = str(corpus.turns["role"].dropna().value_counts().index[0])
        dates = pd.to_datetime(corpus.documents["date"], errors="coerce").dropna().sort_values()
        mid = dates.iloc[len(dates) // 2].date().isoformat()
        for label, filters in ((f"role = {role}", {"role": [role]}),
                               (f"date from {mid}", {"date_from": mid}),
                               ("filters cleared", {})):
            took = _best(lambda f=filters: explorer.do_filter(f))
            rows.append(_row(f'filter change on "il faut": {label} ({explorer.hits["total"]:,} hits shown)',
                             round(took * 1000, 1), "ms", None, None, f"< {FILTER_MS} ms"))

        long = _long_document(corpus)
        n_words = int(long.documents["n_words"].iloc[0])
        panel = CodingPanel(long, coder="bench", folder=Path(tmp) / "codings", suggest=False)

        def open_doc() -> None:
            panel.do_open("long")
            json.dumps(panel.doc)

        took = _best(open_doc)
        rows.append(_row(f"coding panel: open a transcript of {n_words:,} words, "
                         f"{len(long.turns):,} turns (turns serialised for the page)",
                         round(took * 1000, 1), "ms", None, None, f"< {OPEN_MS} ms"))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run():
        print(json.dumps(r, ensure_ascii=False))
