"""Benchmark: a 10-class Reinert classification of a million-word corpus, in both variants.

Measures, in one run, for ``variant="iramuteq"`` (the default) and ``variant="rainette"``:

1. the wall time of ``reinert(tokens, k=10, variant=...)`` (segmentation, matrix, every
   split, profiles, characteristic segments) in a fresh process that has loaded the tokens
   (target: under 60 s on 2 cores; IRaMuTeQ's own R code takes about 134 s on the same
   matrix), and of ``reinert_matrix(x, k=10, variant=...)`` on its segment × form matrix
   (the classification alone, steps 3 to 5);
2. that process's peak resident memory (``ru_maxrss``), the tokens frame included
   (target: under 2 GiB), and how far the classification raised it above the peak
   already reached while reading the tokens;
3. (once) the first split alone against a baseline written the naive way, on a sample of
   segments: a dense segment × form matrix and the chi-square of every cut computed
   afresh (``ratio`` = baseline / ours).

For (1) and (2) ``ratio`` is ``target / value`` (above 1: within the target).

The tokens are the annotation of the corpus folder given to :func:`run` (``benchmarks/run.py``
passes ``benchmarks/_data/million`` from ``make_corpus()``; ``annotate`` reads its cache, or
annotates it, which takes minutes once). Without a folder, that corpus is used when its
annotation cache holds a file per transcript; otherwise a synthetic tokens frame of about a million
words with topical structure (twelve topics, each with its own vocabulary, mixed with a
shared vocabulary and stop words), and the benchmark's name says so.

    python benchmarks/bench_chd.py                       # the million-word corpus if annotated, else synthetic
    python benchmarks/bench_chd.py benchmarks/_data/million   # that corpus, annotated first if needed
    python benchmarks/bench_chd.py tokens.parquet
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 60.0
TARGET_MIB = 2048.0
MILLION = ROOT / "benchmarks" / "_data" / "million"

_CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
sys.path.insert(0, {root!r})
from research_kit.chd import reinert, reinert_matrix
from research_kit.chd.matrix import prepare
from research_kit.chd import ACTIVE_POS
from research_kit.tokens import in_order
tokens = pd.read_parquet({path!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = reinert(tokens, k={k}, variant={variant!r})
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
x = prepare(in_order(tokens), 40, 16, "lemma", ACTIVE_POS, 3).x
start = time.perf_counter()
classified = reinert_matrix(x, k={k}, variant={variant!r})
matrix_seconds = time.perf_counter() - start
segs = result.segments
print(json.dumps({{"seconds": elapsed, "matrix_seconds": matrix_seconds, "peak_kib": peak, "loaded_kib": before,
                  "n_segments": len(segs), "n_classified": int((segs["cls"] > 0).sum()),
                  "n_classes": result.n_classes, "n_active": result.parameters["n_active_forms"],
                  "n_tokens": len(tokens), "n_splits": len(classified.splits),
                  "split_sizes": classified.splits[["n_left", "n_right"]].values.tolist(),
                  "split_chi2": [round(c, 2) for c in classified.splits["chi2"]]}}))
"""

#: The variants timed, the default first.
VARIANTS = ("iramuteq", "rainette")


# ---------------------------------------------------------------------------
# tokens


def synthetic_tokens(n_words: int = 1_000_000, *, n_topics: int = 12, seed: int = 0) -> pd.DataFrame:
    """A tokens frame of about ``n_words`` words in sentences of one topic each.

    Each topic has 300 lemmas of its own; a sentence draws 35 % of its words from its
    topic, 25 % from 3,000 shared lemmas and 40 % from 150 stop words. Topics change
    every few sentences, speakers every few sentences too, documents every ~2,500 words.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.integers(6, 22, size=n_words // 10)
    lengths = lengths[: np.searchsorted(np.cumsum(lengths), n_words) + 1]
    n_sent = len(lengths)
    topic_of_sentence = np.repeat(rng.integers(0, n_topics, n_sent // 3 + 1), 3)[:n_sent]
    words_total = int(lengths.sum())
    sentence = np.repeat(np.arange(n_sent), lengths)
    topic = topic_of_sentence[sentence]
    draw = rng.random(words_total)
    kind = np.where(draw < 0.35, 0, np.where(draw < 0.60, 1, 2))  # topic, shared, stop
    topic_word = topic * 300 + np.minimum(rng.zipf(1.3, words_total), 300) - 1
    shared_word = n_topics * 300 + np.minimum(rng.zipf(1.2, words_total), 3000) - 1
    stop_word = n_topics * 300 + 3000 + rng.integers(0, 150, words_total)
    word_id = np.where(kind == 0, topic_word, np.where(kind == 1, shared_word, stop_word))
    vocab = np.array([f"topique{i // 300}_{i % 300}" for i in range(n_topics * 300)]
                     + [f"commun{i}" for i in range(3000)] + [f"vide{i}" for i in range(150)], dtype=object)
    pos_word = np.where(kind == 2, "DET", np.array(["NOUN", "VERB", "ADJ", "ADV"], dtype=object)[word_id % 4])
    # one full stop after each sentence, a comma in the middle of one sentence in two
    ends = np.cumsum(lengths)
    comma_after = ends - lengths // 2
    comma_after = comma_after[rng.random(n_sent) < 0.5]
    is_punct = np.zeros(words_total + n_sent + len(comma_after), dtype=bool)
    # build the token stream: positions of punctuation after given words
    punct_pos = np.concatenate([ends, comma_after])  # insert after word index (exclusive end)
    punct_text = np.concatenate([np.full(n_sent, ".", dtype=object), np.full(len(comma_after), ",", dtype=object)])
    order = np.argsort(punct_pos, kind="stable")
    punct_pos, punct_text = punct_pos[order], punct_text[order]
    n_tok = words_total + len(punct_pos)
    word_slot = np.arange(words_total) + np.searchsorted(punct_pos, np.arange(words_total), side="right")
    punct_slot = punct_pos + np.arange(len(punct_pos))
    is_punct[punct_slot] = True
    text = np.empty(n_tok, dtype=object)
    text[word_slot] = vocab[word_id]
    text[punct_slot] = punct_text
    pos = np.empty(n_tok, dtype=object)
    pos[word_slot] = pos_word
    pos[punct_slot] = "PUNCT"
    is_stop = np.zeros(n_tok, dtype=bool)
    is_stop[word_slot] = kind == 2
    sent_tok = np.empty(n_tok, dtype=np.int64)
    sent_tok[word_slot] = sentence
    sent_tok[punct_slot] = np.minimum(np.searchsorted(ends, punct_pos, side="left"), n_sent - 1)
    words_before = np.cumsum(~is_punct)
    doc = (words_before - 1) // 2_500
    starts = np.concatenate([[0], np.flatnonzero(np.diff(doc)) + 1])
    token = np.arange(n_tok) - np.repeat(starts, np.diff(np.concatenate([starts, [n_tok]])))
    turn_of_sentence = np.cumsum(rng.random(n_sent) < 0.3)
    turn = turn_of_sentence[sent_tok]
    turn = turn - turn[starts][np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [n_tok]])))]
    lengths_c = np.array([len(t) for t in text])
    start_char = np.cumsum(lengths_c + 1) - lengths_c - 1
    start_char = start_char - start_char[starts][np.repeat(np.arange(len(starts)),
                                                          np.diff(np.concatenate([starts, [n_tok]])))]
    string = pd.StringDtype()
    return pd.DataFrame({
        "doc_id": pd.array([f"doc-{d:04d}" for d in doc], dtype=string),
        "turn": turn.astype(np.int64), "sentence": sent_tok, "token": token.astype(np.int64),
        "text": pd.array(text, dtype=string), "lemma": pd.array(text, dtype=string),
        "pos": pd.array(pos, dtype=string), "is_stop": is_stop, "is_punct": is_punct,
        "is_space": np.zeros(n_tok, dtype=bool), "ent_type": pd.array([""] * n_tok, dtype=string),
        "start_char": start_char.astype(np.int64), "end_char": (start_char + lengths_c).astype(np.int64),
        "language": pd.array(["fr"] * n_tok, dtype=string),
    })


def _cache_complete(folder: Path) -> bool:
    cache = folder / ".research_kit" / "annotations"
    transcripts = [p for p in (folder / "transcripts").glob("*") if p.is_file()] if (folder / "transcripts").is_dir() else []
    return bool(transcripts) and cache.is_dir() and len(list(cache.glob("*.parquet"))) >= len(transcripts)


def load_tokens(source: str | Path | pd.DataFrame | None = None, *, annotate_first: bool = False
                ) -> tuple[pd.DataFrame, str]:
    """The tokens to classify and a short description of where they come from."""
    if isinstance(source, pd.DataFrame):
        return source, "given tokens"
    if source is not None and Path(source).suffix == ".parquet":
        return pd.read_parquet(source), Path(source).name
    folder = Path(source) if source is not None else MILLION
    # a folder named explicitly is annotated (the cache makes that quick after the first time)
    if folder.is_dir() and (source is not None or annotate_first or _cache_complete(folder)):
        import warnings

        from research_kit import read_corpus
        from research_kit.annotate import annotate

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corpus = read_corpus(folder)
            tokens = annotate(corpus, n_process=2, progress=False)
        return tokens, f"{folder.name} corpus (annotated)"
    return synthetic_tokens(), "synthetic tokens (the million-word corpus is not annotated yet)"


# ---------------------------------------------------------------------------
# the naive baseline: dense matrix, every cut recomputed


def _naive_first_split(m: np.ndarray) -> tuple[int, float]:
    p = m / m.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u = np.linalg.svd(s, full_matrices=False)[0][:, 0] / np.sqrt(r)
    order = np.argsort(u, kind="stable")
    best, best_chi = 0, -1.0
    for cut in range(1, len(order)):
        g1 = m[order[:cut]].sum(axis=0)
        g2 = m[order[cut:]].sum(axis=0)
        table = np.vstack([g1, g2])
        table = table[:, table.sum(axis=0) > 0]
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
        chi = float(((table - expected) ** 2 / expected).sum())
        if chi > best_chi:
            best, best_chi = cut, chi
    return best, best_chi


def _first_split_comparison(tokens: pd.DataFrame, n_sample: int) -> dict:
    from research_kit.chd import ACTIVE_POS
    from research_kit.chd.bipartition import cut_chi2, first_axis
    from research_kit.chd.matrix import prepare
    from research_kit.tokens import in_order

    prep = prepare(in_order(tokens), 40, 16, "lemma", ACTIVE_POS, 3)
    m = prep.x[np.flatnonzero(np.diff(prep.x.indptr) > 0)[:n_sample]]
    m = m[:, np.flatnonzero(np.bincount(m.indices, minlength=m.shape[1]))].tocsr()
    dense = m.toarray()
    start = time.perf_counter()
    _naive_first_split(dense)
    naive = time.perf_counter() - start
    start = time.perf_counter()
    order = np.argsort(first_axis(m), kind="stable")
    int(np.argmax(cut_chi2(m[order])))
    ours = time.perf_counter() - start
    return {"benchmark": f"first split, every cut scored ({m.shape[0]:,} segments x {m.shape[1]:,} forms): "
                         "sparse + incremental chi-square vs dense + recomputed per cut",
            "value": round(ours, 4), "unit": "s", "baseline": round(naive, 4), "ratio": round(naive / ours, 1),
            "target": None}


# ---------------------------------------------------------------------------


def run(source: str | Path | pd.DataFrame | None = None, *, k: int = 10, n_sample: int = 1_000,
        annotate_first: bool = False, variants: tuple[str, ...] = VARIANTS) -> list[dict]:
    """Time and peak memory of a ``k``-class classification in each variant; the naive first split on a sample."""
    tokens, origin = load_tokens(source, annotate_first=annotate_first)
    words = int((~(tokens["is_punct"].to_numpy(bool) | tokens["is_space"].to_numpy(bool))).sum())
    results = []
    with tempfile.TemporaryDirectory(prefix="rk-bench-chd-") as tmp:
        path = Path(tmp) / "tokens.parquet"
        tokens.to_parquet(path)
        for variant in variants:
            code = _CHILD.format(root=str(ROOT), path=str(path), k=k, variant=variant)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            stats = json.loads(out.stdout.strip().splitlines()[-1])
            what = (f"reinert(k={k}, variant={variant!r}) on {origin}: {words:,} words, {stats['n_segments']:,} "
                    f"segments, {stats['n_active']:,} active forms -> {stats['n_classes']} classes, "
                    f"{100 * stats['n_classified'] / max(stats['n_segments'], 1):.1f} % classified")
            seconds = stats["seconds"]
            peak = stats["peak_kib"] / 1024
            added = (stats["peak_kib"] - stats["loaded_kib"]) / 1024
            results += [
                {"benchmark": f"{what}: time", "value": round(seconds, 2), "unit": "s", "baseline": None,
                 "ratio": round(TARGET_S / seconds, 1), "target": TARGET_S},
                {"benchmark": f"reinert_matrix(x, k={k}, variant={variant!r}) on its matrix "
                              f"({stats['n_splits']} splits): time",
                 "value": round(stats["matrix_seconds"], 2), "unit": "s", "baseline": None,
                 "ratio": round(TARGET_S / stats["matrix_seconds"], 1), "target": TARGET_S},
                {"benchmark": f"{what}: peak resident memory of the process (tokens loaded)", "value": round(peak),
                 "unit": "MiB", "baseline": None, "ratio": round(TARGET_MIB / peak, 1), "target": TARGET_MIB},
                {"benchmark": f"{what}: peak memory beyond the peak reached while loading the tokens",
                 "value": round(added), "unit": "MiB", "baseline": None, "ratio": None, "target": None},
            ]
    results.append(_first_split_comparison(tokens, n_sample))
    return results


if __name__ == "__main__":
    from _report import table

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(table(run(args[0] if args else None, annotate_first="--annotate" in sys.argv)))
