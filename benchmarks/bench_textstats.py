"""Benchmark: frequencies() and keyness() on a million-token frame.

Each timing is compared with a baseline measured in the same run: what a notebook
user writes without the package, a ``collections.Counter`` over a Python list of
lemmas, and for keyness a Python loop over the vocabulary computing the
log-likelihood term by term. ``ratio`` is ``baseline / value`` (how many times
faster the package is); ``target`` is the time the package must stay under.

Run::

    python benchmarks/bench_textstats.py                 # synthetic 1.3M tokens
    python benchmarks/bench_textstats.py tokens.parquet  # a real annotate() output
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd

from research_kit.keyness import keyness
from research_kit.schemas import TOKENS
from research_kit.textstats import frequencies

#: Seconds each verb must stay under on ~1.3 million tokens.
TARGET_S = 1.0


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _naive_frequencies(tokens: pd.DataFrame) -> dict[str, tuple[int, float]]:
    words = [lemma for lemma, punct, space in zip(tokens["lemma"], tokens["is_punct"], tokens["is_space"])
             if not punct and not space]
    stops = set(tokens.loc[tokens["is_stop"], "lemma"])
    counts = Counter(w for w in words if w not in stops)
    return {w: (c, c / len(words)) for w, c in counts.items()}


def _naive_keyness(tokens: pd.DataFrame, target_doc: str) -> list[tuple[str, float]]:
    target, reference = Counter(), Counter()
    c = d = 0
    for doc, lemma, punct, space, stop in zip(tokens["doc_id"], tokens["lemma"], tokens["is_punct"],
                                              tokens["is_space"], tokens["is_stop"]):
        if punct or space:
            continue
        if doc == target_doc:
            c += 1
            if not stop:
                target[lemma] += 1
        else:
            d += 1
            if not stop:
                reference[lemma] += 1
    scores = []
    for term in set(target) | set(reference):
        a, b = target[term], reference[term]
        if a + b < 3:
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        ll = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
        scores.append((term, ll if a / c >= b / d else -ll))
    return sorted(scores, key=lambda x: -x[1])


def run(tokens: pd.DataFrame) -> list[dict]:
    """Time frequencies() and one-against-the-rest keyness() on ``tokens`` against naive baselines."""
    target_doc = str(tokens["doc_id"].iloc[0])
    n = len(tokens)
    results = []
    for name, ours, naive in (
        ("frequencies", lambda: frequencies(tokens), lambda: _naive_frequencies(tokens)),
        ("keyness_one_vs_rest", lambda: keyness(tokens, target={"doc_id": target_doc}),
         lambda: _naive_keyness(tokens, target_doc)),
    ):
        ours()  # warm-up (imports, caches)
        value = _best(ours)
        baseline = _best(naive, repeat=1)
        results.append({"benchmark": f"{name} ({n:,} tokens)", "value": round(value, 4), "unit": "s",
                        "baseline": round(baseline, 4), "ratio": round(baseline / value, 1), "target": TARGET_S})
    return results


def synthetic_tokens(n_tokens: int = 1_300_000, *, n_docs: int = 120, vocabulary: int = 40_000,
                     seed: int = 0) -> pd.DataFrame:
    """A tokens frame with a Zipfian vocabulary, punctuation, stop words, turns and sentences."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.15, size=n_tokens), vocabulary) - 1
    lemmas = np.array([f"lemme{i}" for i in range(vocabulary)], dtype=object)
    punct = rng.random(n_tokens) < 0.12
    lemma = np.where(punct, np.array([",", ".", "?"], dtype=object)[rng.integers(0, 3, n_tokens)], lemmas[ranks])
    text = lemma.copy()
    capital = rng.random(n_tokens) < 0.05
    text[capital & ~punct] = [t.capitalize() for t in text[capital & ~punct]]
    doc = np.sort(rng.integers(0, n_docs, n_tokens))
    token = np.arange(n_tokens) - np.searchsorted(doc, doc)
    turn = token // 60
    sentence = token // 15
    start = token * 7
    frame = pd.DataFrame({
        "doc_id": pd.array([f"doc-{d:03d}" for d in range(n_docs)], dtype="string")[doc],
        "turn": turn, "sentence": sentence, "token": token,
        "text": pd.array(text, dtype="string"), "lemma": pd.array(lemma, dtype="string"),
        "pos": pd.array(np.where(punct, "PUNCT", "NOUN"), dtype="string"),
        "is_stop": (ranks < 150) & ~punct, "is_punct": punct, "is_space": np.zeros(n_tokens, dtype=bool),
        "ent_type": pd.array([""] * n_tokens, dtype="string"),
        "start_char": start, "end_char": start + 6,
        "language": pd.array(["fr"] * n_tokens, dtype="string"),
    })
    return frame[TOKENS.names]


if __name__ == "__main__":  # pragma: no cover
    tokens = pd.read_parquet(sys.argv[1]) if len(sys.argv) > 1 else synthetic_tokens()
    for row in run(tokens):
        print(json.dumps(row, ensure_ascii=False))
