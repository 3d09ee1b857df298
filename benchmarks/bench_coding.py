"""How fast rule-based coding and agreement are, on a million words and 100,000 units.

Measures, in one run:

1. ``annotate(corpus, n_process=2)`` on the benchmark corpus (``make_corpus()``, about a
   million words), the reference: rules reuse its cached annotations, so they must run
   at least as fast as it. When the corpus's annotation cache is empty the whole run is
   timed (*measured*); when it is already full, annotation of a sample of documents
   (every k-th document, about 100,000 words, into a fresh cache folder, model loading included, as in
   ``bench_annotate.py``) is timed and its rate extrapolated to the corpus (*extrapolated*).
   The label says which.
2. ``autocode(tokens, codebook, corpus=corpus, cache=False)`` with a 50-code codebook:
   the demo codebook's rules plus codes whose rules are lemma lists and two-word phrases
   drawn deterministically from the corpus's own vocabulary (see :func:`codebook_50`).
   Target: at least as fast as annotation (ratio >= 1).
3. The same with ``cache=True`` once the cache is full (a later brief on an unchanged corpus).
4. ``agreement()`` of two coders over 100,000 turn units: a synthetic corpus of 100
   documents x 1,000 turns built in memory with ``build_corpus``, 10 codes, each coder
   coding about 10 % of the turns per code and agreeing on most of them; the whole path
   (units, snapping segments to units, the coefficients per code and pooled) is timed.
   The baseline is :func:`research_kit.measures.krippendorff_alpha` alone on the
   presence tables it builds (no units, no snapping).

Each measure is a dict ``{"benchmark", "value", "unit", "baseline", "ratio", "target"}``.

    python benchmarks/bench_coding.py                  # builds ~1M words first (make_corpus)
    python benchmarks/bench_coding.py path/to/corpus   # any corpus folder
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_kit import read_corpus  # noqa: E402
from research_kit.agreement import agreement, presence  # noqa: E402
from research_kit.annotate import CACHE_FOLDER as ANNOTATIONS  # noqa: E402
from research_kit.annotate import annotate  # noqa: E402
from research_kit.autocode import CACHE_FOLDER as AUTOCODE  # noqa: E402
from research_kit.project import CACHE_DIR  # noqa: E402
from research_kit.autocode import autocode  # noqa: E402
from research_kit.codebook import CodeEntry, Codebook, Rules, read_codebook  # noqa: E402
from research_kit.corpus import build_corpus  # noqa: E402
from research_kit import measures  # noqa: E402

DEMO_CODEBOOK = ROOT / "corpora" / "demo" / "codebook.yml"


def codebook_50(tokens: pd.DataFrame, *, n_codes: int = 50, lemmas_per_code: int = 8,
                phrases_per_code: int = 2, skip: int = 30) -> Codebook:
    """The demo codebook extended to ``n_codes`` codable codes from the corpus's vocabulary.

    Per language, content lemmas (not stop words or punctuation, alphabetic, 4 letters
    or more, not already in a rule) are ranked by frequency (ties alphabetical); the
    ``skip`` most frequent are left out, and the next ones dealt to the new codes in
    turn, so that every code gets frequent and rare lemmas. Two-word phrases are the
    most frequent pairs of adjacent content words, dealt the same way.
    """
    demo = read_codebook(DEMO_CODEBOOK)
    codable = [e for e in demo.entries if e.codable]
    extra = n_codes - len(codable)
    used = {w.lower() for e in demo.entries for r in e.rules.values() for w in r.lemmas}
    rules: dict[str, list[tuple[list[str], list[str]]]] = {}
    for lang in demo.languages:
        rows = tokens[(tokens["language"] == lang).to_numpy(dtype=bool)]
        content = (~rows["is_stop"] & ~rows["is_punct"] & ~rows["is_space"]).to_numpy(dtype=bool)
        lemma = rows["lemma"].astype(str).to_numpy(dtype=object)
        lower = rows["text"].astype(str).str.lower().to_numpy(dtype=object)
        alpha = np.array([x.isalpha() and len(x) >= 4 for x in lemma], dtype=bool)
        counts = Counter(lemma[content & alpha])
        ranked = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if w not in used][skip:]
        same_sentence = rows["sentence"].to_numpy()[1:] == rows["sentence"].to_numpy()[:-1]
        pair_ok = content[1:] & content[:-1] & same_sentence & np.array(
            [a.isalpha() and b.isalpha() for a, b in zip(lower[:-1], lower[1:])], dtype=bool)
        pairs = Counter(f"{a} {b}" for a, b in zip(lower[:-1][pair_ok], lower[1:][pair_ok]))
        ranked_pairs = [p for p, _ in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))][skip:]
        rules[lang] = [(ranked[k::extra][:lemmas_per_code], ranked_pairs[k::extra][:phrases_per_code])
                       for k in range(extra)]
    entries = list(demo.entries)
    for k in range(extra):
        entries.append(CodeEntry(
            f"bench.{k + 1:02d}", label={"fr": f"Code de banc d'essai {k + 1}", "en": f"Benchmark code {k + 1}"},
            rules={lang: Rules(lemmas=tuple(rules[lang][k][0]), phrases=tuple(rules[lang][k][1]))
                   for lang in demo.languages if rules[lang][k][0] or rules[lang][k][1]}))
    return Codebook(tuple(entries), title=f"{demo.title} (+{extra} codes de banc d'essai)",
                    languages=demo.languages)


def _annotation_time(corpus_dir: Path, n_process: int, sample_words: int) -> tuple[pd.DataFrame, float, str]:
    """(tokens, seconds annotate takes on the whole corpus, how that was obtained)."""
    corpus = read_corpus(corpus_dir)
    words = int(corpus.documents["n_words"].sum())
    cache = corpus_dir / CACHE_DIR / ANNOTATIONS
    cold = not cache.is_dir() or not any(cache.glob("*.parquet"))
    start = time.perf_counter()
    tokens = annotate(corpus, n_process=n_process, progress=False)
    elapsed = time.perf_counter() - start
    if cold:
        return tokens, elapsed, f"measured on the whole corpus ({words:,} words)"
    # Cached already: time a sample into a fresh folder and extrapolate. Every k-th document,
    # so that the sample has the corpus's mix of languages (French costs far more than the
    # English fallback, and the documents are named, hence ordered, by language).
    step = max(1, round(words / sample_words))
    sample = corpus.documents.iloc[::step]
    docs, total = sample["doc_id"].tolist(), int(sample["n_words"].sum())
    # The pipelines load once per run, whatever its size: timed apart (one document per language),
    # so that the sample's rate is extrapolated without multiplying the loading too.
    firsts = sample.drop_duplicates("language")["doc_id"].tolist()
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        start = time.perf_counter()
        annotate(corpus.subset(firsts), n_process=1, cache=Path(tmp) / "warm", progress=False)
        load = time.perf_counter() - start
        start = time.perf_counter()
        annotate(corpus.subset(docs), n_process=n_process, cache=Path(tmp) / "sample", progress=False)
        took = time.perf_counter() - start
    return tokens, load + took * words / total, (
        f"extrapolated from a {total:,}-word sample ({'every document' if step == 1 else f'one document in {step}'}) "
        f"annotated in {took:.1f} s, plus {load:.1f} s of loading the pipelines (with one document per language) "
        "(the corpus's cache was already full)")


def _agreement_corpus(n_docs: int = 100, turns_per_doc: int = 1000, n_codes: int = 10, share: float = 0.10,
                      agree: float = 0.8, seed: int = 0):
    rng = np.random.default_rng(seed)
    docs = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(n_docs)]})
    n = n_docs * turns_per_doc
    turns = pd.DataFrame({"doc_id": np.repeat(docs["doc_id"].to_numpy(), turns_per_doc),
                          "speaker": np.tile(["A", "B", "C"], n // 3 + 1)[:n],
                          "text": np.tile(["oui on en parle", "il faudrait voir", "bon ben voilà ça"], n // 3 + 1)[:n]})
    corpus = build_corpus(docs, turns)
    t = corpus.turns
    rows = []
    for c in range(n_codes):
        first = rng.random(n) < share
        second = np.where(rng.random(n) < agree, first, rng.random(n) < share)
        for coder, chosen in (("ana", first), ("ben", second)):
            picked = t[chosen]
            rows.append(pd.DataFrame({"doc_id": picked["doc_id"].to_numpy(),
                                      "start_char": picked["start_char"].to_numpy(),
                                      "end_char": picked["end_char"].to_numpy(), "code": f"code{c}", "coder": coder,
                                      "memo": pd.NA, "coded_at": pd.NaT}))
    codings = pd.concat(rows, ignore_index=True)
    codings["coded_at"] = pd.Series(pd.NaT, index=codings.index, dtype="datetime64[ns, UTC]")
    return corpus, codings


def run(corpus_dir: str | Path, *, n_process: int = 2, sample_words: int = 100_000) -> list[dict]:
    """Run the measures; the corpus folder's own caches (annotations, autocode) are used and filled."""
    corpus_dir = Path(corpus_dir)
    results: list[dict] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the English fallback's notice
        tokens, annotate_s, how = _annotation_time(corpus_dir, n_process, sample_words)
        corpus = read_corpus(corpus_dir)
        words = int(corpus.documents["n_words"].sum())
        results.append({"benchmark": f"annotate(n_process={n_process}), {words:,} words, {len(tokens):,} tokens: {how}",
                        "value": round(annotate_s, 1), "unit": "s", "baseline": None, "ratio": None, "target": None})

        codebook = codebook_50(tokens)
        n_codes = int(codebook.codes["codable"].sum())
        start = time.perf_counter()
        coded = autocode(tokens, codebook, corpus=corpus, cache=False)
        rules_s = time.perf_counter() - start
        results.append({"benchmark": f"autocode, {n_codes}-code codebook, no cache ({len(coded):,} segments)",
                        "value": round(rules_s, 2), "unit": "s", "baseline": round(annotate_s, 1),
                        "ratio": round(annotate_s / rules_s, 1), "target": "ratio >= 1 (annotation time / rules time)"})

        shutil.rmtree(corpus_dir / CACHE_DIR / AUTOCODE, ignore_errors=True)
        autocode(tokens, codebook, corpus=corpus, cache=True)  # fills the cache
        start = time.perf_counter()
        cached = autocode(tokens, codebook, corpus=corpus, cache=True)
        hit_s = time.perf_counter() - start
        assert len(cached) == len(coded)
        results.append({"benchmark": "autocode again, every document cached (unchanged corpus and codebook)",
                        "value": round(hit_s, 2), "unit": "s", "baseline": round(rules_s, 2),
                        "ratio": round(rules_s / hit_s, 1), "target": None})

    agreement_corpus, codings = _agreement_corpus()
    start = time.perf_counter()
    table = agreement(codings, agreement_corpus, unit="turn")
    agree_s = time.perf_counter() - start
    _, tables, _ = presence(codings, agreement_corpus, unit="turn")
    start = time.perf_counter()
    for t in tables.values():
        measures.krippendorff_alpha(t, level="nominal")
    measures.krippendorff_alpha(np.concatenate(list(tables.values()), axis=1), level="nominal")
    alpha_s = time.perf_counter() - start
    n_units = int(table["units"].iloc[0])
    results.append({"benchmark": f"agreement(unit='turn'), 2 coders x {n_units:,} turn units x {len(tables)} codes "
                                 f"({len(codings):,} segments; pooled alpha "
                                 f"{table['krippendorff_alpha'].iloc[-1]:.3f}); baseline: measures.krippendorff_alpha "
                                 "alone on the same tables",
                    "value": round(agree_s, 2), "unit": "s", "baseline": round(alpha_s, 2),
                    "ratio": round(agree_s / alpha_s, 1) if alpha_s else None, "target": None})
    return results


if __name__ == "__main__":
    from _report import table

    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        from make_corpus import make_corpus

        folder = make_corpus()
    print(table(run(folder)), flush=True)
