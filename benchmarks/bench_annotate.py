"""How fast ``annotate()`` is, against the loop a notebook user would write.

Measures, in one run on one corpus folder:

1. the naive loop ``[nlp(t) for t in texts]`` with the full ``fr_core_news_sm`` pipeline
   (parser included) on a sample of the corpus's French turns, in words per second
   (model loading not counted);
2. ``annotate(corpus, n_process=2, cache=<fresh folder>)`` on the whole corpus, model
   loading and cache writing included (target: at least 3 times the naive rate);
3. the same call again, every document cached (target: under 5 seconds), and in a fresh
   process: the time of imports, ``read_corpus`` and ``annotate``, and the peak resident
   memory during ``annotate`` above its start, per MiB of the tokens frame it returns
   (target: under 2);
4. the call after one transcript changed (target: under 2 % of the full run);
5. the entity layer (:func:`entity_layer`), on French documents of about ``sample_words``
   words, each into a fresh cache folder: ``annotate()`` (no entities, the default),
   ``annotate(entities=True)`` (what every call did before entities became a layer), and
   ``entities=True`` asked after the tokens were cached (the recogniser alone); the
   sizes of the two layers' files, and of the frame with its categorical columns
   against the same frame with plain strings.

Each measure is a dict ``{"benchmark", "value", "unit", "baseline", "ratio", "target"}``.

    python benchmarks/bench_annotate.py                    # builds ~1M words first (make_corpus)
    python benchmarks/bench_annotate.py path/to/corpus     # any corpus folder
    python benchmarks/bench_annotate.py path/to/corpus --entities   # measure 5 only
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_kit import read_corpus  # noqa: E402
from research_kit.annotate import ENTITIES_FOLDER, annotate  # noqa: E402


def _naive_rate(corpus, sample_words: int, seed: int) -> tuple[float, int]:
    """Words per second of ``[nlp(t) for t in texts]`` over French turns."""
    import spacy

    nlp = spacy.load("fr_core_news_sm")
    french = set(corpus.documents.loc[corpus.documents["language"] == "fr", "doc_id"])
    turns = corpus.turns[corpus.turns["doc_id"].isin(french)]
    order = list(range(len(turns)))
    random.Random(seed).shuffle(order)
    texts, words = [], 0
    for i in order:
        if words >= sample_words:
            break
        texts.append(str(turns["text"].iloc[i]))
        words += int(turns["n_words"].iloc[i])
    nlp(texts[0])  # warm up
    start = time.perf_counter()
    docs = [nlp(t) for t in texts]
    elapsed = time.perf_counter() - start
    del docs
    return words / elapsed, words


def _row(benchmark: str, value, unit: str, baseline=None, ratio=None, target=None) -> dict:
    return {"benchmark": benchmark, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio,
            "target": target}


def _size(files) -> int:
    return sum(f.stat().st_size for f in files)


def entity_layer(corpus_dir: str | Path, *, sample_words: int = 100_000, n_process: int = 1) -> list[dict]:
    """Measure 5: annotation without and with entities, and the entity layer on demand, on French text.

    The French documents are taken in corpus order until ``sample_words`` words; each
    run starts from an empty cache folder (the pipeline is loaded once beforehand, so
    that no run pays for reading it from disk first). The times are the CPU time of
    this process (``n_process=1``): on a machine shared with other work, wall-clock
    times of runs a minute apart are not comparable.
    """
    corpus = read_corpus(corpus_dir)
    docs = corpus.documents[corpus.documents["language"] == "fr"]
    take = docs["n_words"].cumsum().shift(1, fill_value=0) < sample_words  # up to the first past the sample
    sample = corpus.subset(docs.loc[take, "doc_id"].tolist())
    words = int(sample.documents["n_words"].sum())
    label = f"{len(sample)} French documents, {words:,} words, n_process={n_process}"
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        annotate(sample.subset(sample.doc_ids[:1]), cache=False, entities=True)  # load the pipeline once
        times = {}
        for name, entities in (("plain", False), ("entities", True)):
            start = time.process_time()
            tokens = annotate(sample, cache=Path(tmp) / name, entities=entities, n_process=n_process,
                              progress=False)
            times[name] = time.process_time() - start
        start = time.process_time()
        layered = annotate(sample, cache=Path(tmp) / "plain", entities=True, n_process=n_process, progress=False)
        times["layer"] = time.process_time() - start
        assert layered.equals(tokens), "the entity layer differs from the whole pipeline's entities"
        rows.append(_row(f"annotate(), no entities (the default), empty cache: {label}", round(times["plain"], 1),
                         "CPU s", round(times["entities"], 1), round(times["plain"] / times["entities"], 2),
                         None))
        rows.append(_row(f"annotate(entities=True), empty cache (every call before #19): {label}",
                         round(times["entities"], 1), "CPU s"))
        rows.append(_row(f"annotate(entities=True) on the cached tokens: the recogniser alone: {label}",
                         round(times["layer"], 1), "CPU s", round(times["entities"] - times["plain"], 1),
                         round(times["layer"] / max(times["entities"] - times["plain"], 1e-9), 2),
                         "baseline: what the recogniser adds to a full run"))
        folder = Path(tmp) / "plain"
        tokens_bytes = _size(folder.glob("*.parquet"))
        layer_bytes = _size((folder / ENTITIES_FOLDER).glob("*.parquet"))
        rows.append(_row(f"cache files: tokens layer ({len(tokens):,} tokens), entity layer beside it",
                         round(tokens_bytes / 2**20, 2), "MiB", None, None, f"entities: {layer_bytes / 2**20:.2f} MiB"))
        categorical = tokens.memory_usage(deep=True).sum()
        strings = tokens.astype({c: "string" for c in tokens.columns
                                 if str(tokens[c].dtype) == "category"}).memory_usage(deep=True).sum()
        rows.append(_row("tokens frame in memory, categorical doc_id/pos/ent_type/language (baseline: strings)",
                         round(categorical / 2**20, 1), "MiB", round(strings / 2**20, 1),
                         round(categorical / strings, 2), "ratio <= 0.67"))
    return rows


def run(corpus_dir: str | Path, *, sample_words: int = 100_000, n_process: int = 2, seed: int = 0) -> list[dict]:
    """Run the four measures on a corpus folder (copied first: it is not modified)."""
    corpus_dir = Path(corpus_dir)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        work = Path(shutil.copytree(corpus_dir, Path(tmp) / "corpus", ignore=shutil.ignore_patterns(".research_kit")))
        cache = Path(tmp) / "cache"
        corpus = read_corpus(work)
        words = int(corpus.documents["n_words"].sum())

        naive, sampled = _naive_rate(corpus, sample_words, seed)
        results.append({"benchmark": f"naive loop [nlp(t) for t in texts], full fr_core_news_sm, "
                                     f"{sampled:,}-word sample",
                        "value": round(naive), "unit": "words/s", "baseline": None, "ratio": None, "target": None})

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the English fallback's notice
            start = time.perf_counter()
            tokens = annotate(corpus, n_process=n_process, cache=cache, progress=False)
            full = time.perf_counter() - start
            rate = words / full
            results.append({"benchmark": f"annotate(n_process={n_process}), empty cache, {words:,} words, "
                                         f"{len(tokens):,} tokens ({full:.0f} s; naive loop: ~{words / naive:.0f} s)",
                            "value": round(rate), "unit": "words/s", "baseline": round(naive),
                            "ratio": round(rate / naive, 2), "target": "ratio >= 3"})

            start = time.perf_counter()
            annotate(read_corpus(work), n_process=n_process, cache=cache, progress=False)
            hit = time.perf_counter() - start
            results.append({"benchmark": "annotate again, every document cached (read_corpus not counted)",
                            "value": round(hit, 2), "unit": "s", "baseline": round(full, 1),
                            "ratio": round(hit / full, 4), "target": "value < 5"})

            out = subprocess.run([sys.executable, __file__, "_hit", str(work), str(cache)], cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            hit = json.loads(out.stdout.strip().splitlines()[-1])
            results.append({"benchmark": "cache hit in a fresh process: imports + read_corpus + annotate"
                                         f" (spaCy imported: {hit['spacy']})",
                            "value": round(hit["seconds"], 2), "unit": "s", "baseline": None, "ratio": None,
                            "target": None})
            results.append({"benchmark": "cache hit in a fresh process: peak resident memory during annotate, above "
                                         f"its start ({hit['peak_mib']:.0f} MiB), per MiB of the tokens frame "
                                         f"({hit['frame_mib']:.0f} MiB, memory_usage(deep=True))",
                            "value": round(hit["peak_mib"] / hit["frame_mib"], 2), "unit": "x",
                            "baseline": round(hit["frame_mib"]), "ratio": None, "target": "value < 2"})

            first = sorted((work / "transcripts").rglob("*.txt"))[0]
            first.write_text(first.read_text(encoding="utf-8") + "Sophie: Une dernière chose avant de partir.\n",
                             encoding="utf-8")
            changed = read_corpus(work)
            start = time.perf_counter()
            annotate(changed, n_process=n_process, cache=cache, progress=False)
            one = time.perf_counter() - start
            results.append({"benchmark": "annotate after changing one transcript (read_corpus not counted)",
                            "value": round(100 * one / full, 2), "unit": "% of the full run",
                            "baseline": round(full, 1), "ratio": round(one / full, 4), "target": "value < 2"})
    results += entity_layer(corpus_dir, sample_words=sample_words // 2)
    return results


def _cache_hit(work: str, cache: str) -> dict:
    """In this (fresh) process: time of imports + read_corpus + annotate, and annotate's peak memory (sampled every 5 ms)."""
    import warnings

    from _report import peak_rss

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    from research_kit import read_corpus
    from research_kit.annotate import annotate

    corpus = read_corpus(work)
    _, peak_mib, tokens = peak_rss(lambda: annotate(corpus, cache=cache, progress=False))
    return {"seconds": time.perf_counter() - start, "spacy": "spacy" in sys.modules, "peak_mib": peak_mib,
            "frame_mib": tokens.memory_usage(deep=True).sum() / 2**20}


if __name__ == "__main__":
    if sys.argv[1:2] == ["_hit"]:
        print(json.dumps(_cache_hit(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    from _report import table

    args = [a for a in sys.argv[1:] if a != "--entities"]
    if args:
        folder = Path(args[0])
    else:
        from make_corpus import make_corpus

        folder = make_corpus()
    print(table(entity_layer(folder) if "--entities" in sys.argv else run(folder)), flush=True)
