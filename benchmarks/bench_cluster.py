"""Dask against the local process pool, and where memory runs out (#18).

Two measures, each step in a fresh Python process so that no run profits from another's
warm state (spaCy imported, pipelines loaded, pages cached in the process):

``annotate`` (the default)
    For each size (words; 1M, 3M and 10M by default), a corpus from ``make_corpus`` is
    annotated twice with an empty cache, in the same run: by the local process pool
    (``annotate(n_process=2)``) and by a ``LocalCluster`` of 2 workers of one thread
    each (``annotate(client=...)``; the cluster is started before the clock starts, its
    start-up is reported on its own row). Time, peak resident memory of the whole
    process tree (the parent and its workers, sampled every 50 ms) and a digest of the
    tokens frame, which must be the same for both. The cluster must cost at most 15 %
    more time than the pool (:data:`MAX_OVERHEAD`): the script exits 1 above it.

``briefs``
    A batch of session briefs (the French documents of the pseudonymised demo corpus, in
    French and English, HTML and Markdown), on a warm annotation cache, with
    ``run_batch(jobs=2)`` and with ``run_batch(client=LocalCluster(2 workers))``, each in a
    fresh process and a fresh output folder; the same overhead limit. ``make demo`` must
    have written ``reports/demo/corpus``.

``memory``
    For each size (1M and 3M words by default; the step that measures ``read_corpus``
    then fills the corpus's annotation cache if it is not full, unmeasured, since the
    other steps read it), the peak resident memory of a process that reads the corpus and
    runs one analysis: the tokens frame read from the cache (``annotate``),
    ``frequencies``, ``keyness``, ``participation`` and ``agreement`` (two coders' codings
    of every turn, 10 codes: it needs the turns and the codings, not the tokens) in
    memory; ``frequencies``, ``keyness`` and ``participation`` out of core
    (``research_kit.cluster`` on ``read_tokens`` / ``turns_frame``, Dask's threaded
    scheduler). From the peaks at the two sizes, a straight line gives the size at
    which each would reach :data:`MACHINE_GIB` GiB: an extrapolation, said so in the rows.

    python benchmarks/bench_cluster.py                       # 1M, 3M, 10M words: pool against cluster
    python benchmarks/bench_cluster.py 200000                # one small size
    python benchmarks/bench_cluster.py briefs                # a batch of briefs: pool against cluster
    python benchmarks/bench_cluster.py memory                # 1M and 3M: peaks and extrapolation
    python benchmarks/bench_cluster.py memory 1000000 3000000
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Time on the cluster / time in the process pool, at most.
MAX_OVERHEAD = 1.15
#: The memory of the machine the extrapolation is for, in GiB.
MACHINE_GIB = 24
SIZES = (1_000_000, 3_000_000, 10_000_000)
MEMORY_SIZES = (1_000_000, 3_000_000)
_FOLDERS = {1_000_000: "million", 3_000_000: "three-million", 10_000_000: "ten-million"}
OPERATIONS = ("read_corpus", "annotate", "frequencies", "keyness", "participation", "agreement", "ooc_frequencies",
              "ooc_keyness", "ooc_participation")


def corpus_for(words: int) -> Path:
    """The generated corpus of about ``words`` words (the folders other benchmarks use for 1M and 3M)."""
    from make_corpus import make_corpus

    return make_corpus(words, Path("benchmarks/_data") / _FOLDERS.get(words, f"cluster-{words}"))


def _row(benchmark: str, value, unit: str, baseline=None, ratio=None, target=None) -> dict:
    return {"benchmark": benchmark, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio,
            "target": target}


# ---------------------------------------------------------------------------
# one step, in its own process


class _Peak:
    """The peak resident memory of this process and all its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.05) -> None:
        import psutil

        self.me = psutil.Process()
        self.peak = 0
        self.every = every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _rss(self) -> int:
        import psutil

        total = 0
        for proc in [self.me, *self.me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _watch(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, self._rss())
            self._done.wait(self.every)

    def __enter__(self) -> _Peak:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _digest(frame) -> str:
    import hashlib

    import pandas as pd

    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()[:16]


@contextlib.contextmanager
def _local_cluster(out: dict):
    """A client of a LocalCluster of 2 one-thread workers, its start-up time in ``out["startup"]``."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.wait_for_workers(2)
    out["startup"] = time.perf_counter() - start
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _annotate_step(how: str, folder: str) -> dict:
    import warnings

    from research_kit import read_corpus
    from research_kit.annotate import annotate

    warnings.simplefilter("ignore")
    corpus = read_corpus(folder)
    out: dict = {"words": int(corpus.documents["n_words"].sum())}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as cache:
        if how == "pool":
            with _Peak() as peak:
                start = time.perf_counter()
                tokens = annotate(corpus, cache=cache, n_process=2, progress=False)
                out["seconds"] = time.perf_counter() - start
        else:
            with _local_cluster(out) as client, _Peak() as peak:
                start = time.perf_counter()
                tokens = annotate(corpus, cache=cache, client=client, progress=False)
                out["seconds"] = time.perf_counter() - start
        out["peak_mib"] = peak.peak / 2**20
        out["tokens"] = len(tokens)
        out["digest"] = _digest(tokens)
    return out


def _briefs_step(how: str, corpus: str) -> dict:
    import warnings

    from research_kit import read_corpus
    from research_kit.briefs import run_batch

    warnings.simplefilter("ignore")
    docs = read_corpus(corpus).documents
    fr = docs.loc[docs["language"] == "fr", "doc_id"].tolist()
    plan = {"corpus": corpus, "formats": ["html", "md"], "_path": str(Path(corpus) / "plan.yml"),
            "briefs": [{"notebook": str(ROOT / "notebooks" / "session_brief.ipynb"), "for_each": "document",
                        "where": {"doc_id": fr}, "name": "s-{doc_id}-{lang}", "parameters": {"lang": ["fr", "en"]}}]}
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-briefs-") as target:
        if how == "pool":
            start = time.perf_counter()
            results = run_batch(plan, jobs=2, out=target, progress=False)
            out["seconds"] = time.perf_counter() - start
        else:
            with _local_cluster(out) as client:
                start = time.perf_counter()
                results = run_batch(plan, out=target, progress=False, client=client)
                out["seconds"] = time.perf_counter() - start
    out["briefs"] = len(results)
    out["done"] = sum(r.status == "done" for r in results)
    return out


def run_briefs(corpus: str | Path = ROOT / "reports" / "demo" / "corpus") -> list[dict]:
    """A batch of briefs with the local pool, then on a LocalCluster; rows and the overhead check."""
    from research_kit import annotate, read_corpus

    annotate(read_corpus(corpus), progress=False)  # the cache both read
    pool = _in_subprocess("briefs-pool", str(corpus))
    dask = _in_subprocess("briefs-cluster", str(corpus))
    ratio = dask["seconds"] / pool["seconds"]
    label = f"{pool['briefs']} session briefs (HTML, Markdown), warm annotation cache"
    return [
        _row(f"run_batch(jobs=2), {label}: {pool['done']} done", round(pool["seconds"], 1), "s"),
        _row(f"run_batch(client=LocalCluster(2 workers x 1 thread)), {label}: {dask['done']} done; baseline: the pool",
             round(dask["seconds"], 1), "s", round(pool["seconds"], 1), round(ratio, 3), f"ratio <= {MAX_OVERHEAD}"),
        _row(f"{label}: LocalCluster start-up (not in the time above)", round(dask["startup"], 1), "s"),
        _row(f"brief batch overhead check: the cluster at most {MAX_OVERHEAD} x the pool's time, every brief done",
             "pass" if ratio <= MAX_OVERHEAD and pool["done"] == dask["done"] == pool["briefs"] else "fail",
             "check", None, round(ratio, 3), "value == pass"),
    ]


def _memory_step(operation: str, folder: str) -> dict:
    """Read the corpus, run one operation; the process's peak resident memory and times.

    The peak is sampled (every 5 ms, :func:`_report.peak_rss`), not read from ``ru_maxrss``:
    Linux keeps a forked child's ``ru_maxrss`` across ``exec``, so a step started by a large
    process would report that process's peak.
    """
    import warnings

    import psutil
    from _report import peak_rss

    warnings.simplefilter("ignore")
    from research_kit import read_corpus

    me = psutil.Process()
    base = me.memory_info().rss / 2**20
    read: dict = {}

    def step() -> None:
        corpus = read["corpus"] = read_corpus(folder)
        read["mib"] = me.memory_info().rss / 2**20
        start = time.perf_counter()
        _operation(operation, corpus)
        read["seconds"] = time.perf_counter() - start

    _, above, _ = peak_rss(step)
    corpus = read["corpus"]
    out = {"operation": operation, "words": int(corpus.documents["n_words"].sum()),
           "seconds": read["seconds"], "peak_mib": base + above, "after_read_mib": read["mib"]}
    if operation == "read_corpus":  # measured: now fill the annotation cache the other steps read, if it is not
        from research_kit.annotate import annotation_files

        annotation_files(corpus, n_process=2, progress=False)
    return out


def _operation(operation: str, corpus) -> None:
    """Run one analysis of the memory measure on a corpus read."""
    site = str(corpus.documents["site"].dropna().iloc[0])
    if operation in ("annotate", "frequencies", "keyness"):
        from research_kit.annotate import annotate

        tokens = annotate(corpus, progress=False)
        if operation == "frequencies":
            from research_kit.textstats import frequencies

            frequencies(tokens, by="site", corpus=corpus)
        elif operation == "keyness":
            from research_kit.keyness import keyness

            keyness(tokens, target={"site": site}, corpus=corpus)
    elif operation == "participation":
        from research_kit.participation import participation

        participation(corpus, by="role", over="corpus")
    elif operation == "agreement":  # two coders over every turn, 10 codes (bench_scaling's codings)
        from bench_scaling import _codings

        from research_kit.agreement import agreement

        agreement(_codings(corpus), corpus, unit="turn")
    elif operation in ("ooc_frequencies", "ooc_keyness"):
        from research_kit import cluster

        tokens = cluster.read_tokens(corpus, progress=False)
        if operation == "ooc_frequencies":
            cluster.frequencies(tokens, by="site", corpus=corpus)
        else:
            cluster.keyness(tokens, target={"site": site}, corpus=corpus)
    elif operation == "ooc_participation":
        from research_kit import cluster

        cluster.participation(cluster.turns_frame(corpus), by="role", over="corpus")
    elif operation != "read_corpus":
        raise ValueError(f"unknown operation {operation!r}")


def _in_subprocess(step: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "_step", step, *args], capture_output=True, text=True,
                            cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{step} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# the two measures


def run(sizes=SIZES) -> list[dict]:
    """Annotate each size with the process pool, then on a LocalCluster; rows and the overhead check."""
    rows: list[dict] = []
    worst = 0.0
    for words in sizes:
        folder = corpus_for(int(words))
        pool = _in_subprocess("pool", str(folder))
        dask = _in_subprocess("cluster", str(folder))
        ratio = dask["seconds"] / pool["seconds"]
        worst = max(worst, ratio)
        label = f"{pool['words']:,} words, {pool['tokens']:,} tokens"
        same = pool["digest"] == dask["digest"] and pool["tokens"] == dask["tokens"]
        rows += [
            _row(f"annotate(n_process=2), empty cache, {label}", round(pool["seconds"], 1), "s"),
            _row(f"annotate(client=LocalCluster(2 workers x 1 thread)), empty cache, {label}; baseline: the pool",
                 round(dask["seconds"], 1), "s", round(pool["seconds"], 1), round(ratio, 3),
                 f"ratio <= {MAX_OVERHEAD}"),
            _row(f"{label}: words per second, pool / cluster", round(pool["words"] / pool["seconds"]), "words/s",
                 None, round(dask["words"] / dask["seconds"])),
            _row(f"{label}: peak resident memory of the process tree, pool", round(pool["peak_mib"]), "MiB"),
            _row(f"{label}: peak resident memory of the process tree (client, scheduler, workers), cluster",
                 round(dask["peak_mib"]), "MiB", round(pool["peak_mib"]), round(dask["peak_mib"] / pool["peak_mib"],
                                                                              2)),
            _row(f"{label}: LocalCluster start-up (not in the time above)", round(dask["startup"], 1), "s"),
            _row(f"{label}: the same tokens frame from both, row for row (digest {pool['digest']})",
                 "yes" if same else "NO", "check", None, None, "value == yes"),
        ]
        if not same:
            worst = float("inf")
    rows.append(_row(f"cluster overhead check: time on the cluster at most {MAX_OVERHEAD} x the pool's, same frame",
                     "pass" if worst <= MAX_OVERHEAD else "fail", "check", None, round(worst, 3),
                     "value == pass"))
    return rows


def run_memory(sizes=MEMORY_SIZES, operations=OPERATIONS) -> list[dict]:
    """Peak memory of each analysis at each size, and the size at which it would fill the machine."""
    rows: list[dict] = []
    peaks: dict[str, list[tuple[int, float]]] = {}
    for words in sizes:
        folder = corpus_for(int(words))
        for operation in operations:
            step = _in_subprocess("memory", operation, str(folder))
            peaks.setdefault(operation, []).append((step["words"], step["peak_mib"]))
            rows.append(_row(f"{operation}, {step['words']:,} words: peak resident memory of the process (corpus "
                             f"read: {step['after_read_mib']:.0f} MiB); {step['seconds']:.1f} s",
                             round(step["peak_mib"]), "MiB"))
    limit = MACHINE_GIB * 1024
    first = None
    for operation, points in peaks.items():
        if len(points) < 2:
            continue
        (w1, p1), (w2, p2) = points[0], points[-1]
        slope = (p2 - p1) / (w2 - w1)  # MiB per word
        if slope <= 0:
            rows.append(_row(f"{operation}: peak does not grow with the corpus between {w1:,} and {w2:,} words",
                             None, "words"))
            continue
        at = w1 + (limit - p1) / slope
        rows.append(_row(f"{operation}: corpus size at which the peak would reach {MACHINE_GIB} GiB (EXTRAPOLATED "
                         f"on a straight line through the peaks at {w1:,} and {w2:,} words; "
                         f"{slope * 1e6:.0f} MiB per million words)", round(at / 1e6, 1), "million words"))
        if not operation.startswith("ooc_") and operation != "read_corpus" and (first is None or at < first[1]):
            first = (operation, at)
    if first is not None:
        rows.append(_row(f"first in-memory analysis to break on a {MACHINE_GIB} GiB machine (extrapolated): "
                         f"{first[0]}", round(first[1] / 1e6, 1), "million words"))
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_step":
        kind, *rest = sys.argv[2:]
        if kind in ("pool", "cluster"):
            print(json.dumps(_annotate_step(kind, rest[0])))
        elif kind.startswith("briefs-"):
            print(json.dumps(_briefs_step(kind.split("-", 1)[1], rest[0])))
        else:
            print(json.dumps(_memory_step(rest[0], rest[1])))
        sys.exit(0)
    from _report import table

    if len(sys.argv) > 1 and sys.argv[1] == "briefs":
        print(table(run_briefs(*sys.argv[2:3])), flush=True)
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "memory":
        sizes = [int(x) for x in sys.argv[2:]] or list(MEMORY_SIZES)
        print(table(run_memory(sizes)), flush=True)
        sys.exit(0)
    sizes = [int(x) for x in sys.argv[1:]] or list(SIZES)
    result = run(sizes)
    print(table(result), flush=True)
    sys.exit(0 if result[-1]["value"] == "pass" else 1)
