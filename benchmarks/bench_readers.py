"""Benchmark: reading a corpus of one million words in each transcript format.

For every format of :mod:`formats`, a folder of 20 files of about 50,000 words each
(a long meeting) is written, then read with ``read_corpus`` in a fresh process (imports
not counted; nothing is cached between reads). The baseline, measured in the same run, is reading the very
turns the format gave, written as plain-text ``Speaker: text`` files: ``ratio`` is
baseline / value (1 means the format costs no more than plain text), and the issue's
target is that each format reads in under 10 s.

Run::

    python benchmarks/bench_readers.py            # every format
    python benchmarks/bench_readers.py eaf tei    # some
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import formats  # noqa: E402

#: Seconds a million words of any format must be read in.
TARGET_S = 10.0
N_FILES = 20


_TIMED = """
import sys, time, warnings
sys.path.insert(0, sys.argv[2])
import pandas, research_kit
from research_kit import read_corpus
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    read_corpus(sys.argv[1])
print(time.perf_counter() - start)
"""


def _read(folder: Path):
    """The corpus, and the time read_corpus takes in a fresh process (as a notebook's first
    read; the imports are not counted), so that no format pays for the memory of another."""
    import subprocess

    from research_kit import read_corpus

    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", _TIMED, str(folder), root], capture_output=True, text=True,
                         check=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = read_corpus(folder)
    return corpus, float(out.stdout.split()[-1])


def _words(corpus) -> int:
    return int(corpus.turns["text"].str.split().str.len().sum())


def _as_plain_text(corpus, folder: Path) -> None:
    folder.mkdir()
    for doc_id, turns in corpus.turns.groupby("doc_id", sort=False):
        # each speaker under a label every text reader knows ("Speaker 2:"); the unnamed "?"
        # is text before the first label, as it was read
        labels = {sp: f"Speaker {i}" for i, sp in enumerate(dict.fromkeys(turns["speaker"]), 1)}
        lines = [(f"{labels[sp]}: " if sp != "?" else "") + " ".join(text.split())
                 for sp, text in zip(turns["speaker"], turns["text"])]
        (folder / f"{doc_id}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def run(names: list[str] | None = None, n_words: int = 1_000_000) -> list[dict]:
    rows = []
    per_file = n_words // N_FILES
    with tempfile.TemporaryDirectory(prefix="rk-bench-readers-") as tmp:
        for name in names or list(formats.MAKERS):
            suffix, make = formats.MAKERS[name]
            folder = Path(tmp) / name
            folder.mkdir()
            for i in range(N_FILES):
                data = make(per_file, seed=i)
                target = folder / f"{name}-{i:02d}{suffix}"
                if isinstance(data, bytes):
                    target.write_bytes(data)
                else:
                    target.write_text(data, encoding="utf-8")
            corpus, took = _read(folder)
            plain = Path(tmp) / f"{name}-plain"
            _as_plain_text(corpus, plain)
            again, baseline = _read(plain)
            words = _words(corpus)
            assert _words(again) == words, f"{name}: the plain-text copy does not hold the same words"
            rows.append({
                "benchmark": (f"read_corpus, {name} ({suffix}): {N_FILES} files, {words:,} words, "
                              f"{len(corpus.turns):,} turns, {corpus.turns['speaker'].nunique()} speakers, "
                              f"{len(corpus.events):,} events; baseline: the same turns as plain text"),
                "value": round(took, 2), "unit": "s", "baseline": round(baseline, 2),
                "ratio": round(baseline / took, 2) if took else None, "target": f"value < {TARGET_S:g}",
            })
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    from _report import table

    print(table(run(sys.argv[1:] or None)))
