"""How well and how fast ``pseudonymise()`` hides people.

Measures, in one run:

1. **recall on the demo corpus**, per category of planted string: the demo's
   ``_fragments/*-names.csv`` list every identifying string written into the
   transcripts (``name, category, doc_ids``). For each, its whole-word, case-sensitive
   occurrences are counted in the original documents (texts and titles) and in the
   pseudonymised ones; recall is the share of occurrences no longer present. Nothing
   from the lists is given to ``pseudonymise`` (no ``names=``): this is what it finds
   on its own. Places and organisations are hidden only when listed (see
   ``docs/pseudonymisation.md``), so their recall is expected to be low; with the lists
   given as ``names=`` every category reaches 1.0, which is checked too.
2. **precision proxy**: distinct person/speaker replacements whose original is not a
   planted string (false hits to review).
3. **time** to pseudonymise the million-word benchmark corpus (``make_corpus()``),
   with the annotation cache **warm** (annotated once before timing: pseudonymise
   reuses ``annotate()``'s cache and never runs spaCy itself on a cached corpus); the
   first, cold run is reported too.

Each measure is a dict ``{"benchmark", "value", "unit", "baseline", "ratio", "target"}``.

    python benchmarks/bench_anonymise.py            # demo recall + million-word timing
    python benchmarks/bench_anonymise.py --quick    # demo recall only
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_kit import read_corpus  # noqa: E402
from research_kit.anonymise import pseudonymise, replacement_pairs  # noqa: E402

DEMO = ROOT / "corpora" / "demo"
CIVILITY = re.compile(r"^(?i:madame|monsieur|mme|mlle|mr\.?|mrs\.?|ms\.?|m\.|dr\.?)\s+")


def planted(folder: Path = DEMO / "_fragments") -> list[dict]:
    """The planted strings: ``[{"name", "category", "doc_ids"}]`` from every ``*-names.csv``."""
    rows = []
    for file in sorted(folder.glob("*-names.csv")):
        with open(file, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                rows.append({"name": row["name"], "category": row["category"],
                             "doc_ids": [d for d in row["doc_ids"].split("|") if d]})
    return rows


def recall(corpus, pseudo, replacements, rows: list[dict]) -> dict[str, tuple[int, int, list]]:
    """Per category: (occurrences planted, occurrences remaining, [(name, doc_id, n remaining)])."""
    new_id = dict(zip(replacements["doc_id"].astype(str), replacements["new_doc_id"].astype(str)))
    titles = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["title"].astype(str)))
    new_titles = dict(zip(pseudo.documents["doc_id"].astype(str), pseudo.documents["title"].astype(str)))
    out: dict[str, list] = {}
    for row in rows:
        pattern = re.compile(r"(?<!\w)" + re.escape(row["name"]) + r"(?!\w)")
        for doc_id in row["doc_ids"]:
            if doc_id not in titles:
                continue
            after_id = new_id.get(doc_id, doc_id)
            before = len(pattern.findall(corpus.text(doc_id))) + len(pattern.findall(titles[doc_id]))
            after = len(pattern.findall(pseudo.text(after_id))) + len(pattern.findall(new_titles[after_id]))
            stat = out.setdefault(row["category"], [0, 0, []])
            stat[0] += before
            stat[1] += after
            if after:
                stat[2].append((row["name"], doc_id, after))
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def _demo(results: list[dict], work: Path) -> None:
    corpus = read_corpus(DEMO)
    rows = planted()
    if not rows:
        raise SystemExit(f"{DEMO / '_fragments'}: no *-names.csv; the recall cannot be measured.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RK-D20: no English recogniser here
        pseudo, replacements = pseudonymise(corpus, key=work / "demo-key.json", report=True)
    stats = recall(corpus, pseudo, replacements, rows)
    for category in ("speaker", "person", "email", "phone", "postal_code", "address", "place", "organisation"):
        if category not in stats:
            continue
        before, after, missed = stats[category]
        shown = ", ".join(f"{n} ({d})" for n, d, _ in missed[:6]) + (" …" if len(missed) > 6 else "")
        target = {"speaker": "value >= 0.99", "person": "value >= 0.9", "email": "value == 1", "phone": "value == 1",
                  "postal_code": "value == 1"}.get(category)
        results.append({"benchmark": f"recall of planted {category} occurrences on the demo corpus, no names list "
                                     f"({before - after}/{before} hidden{'; missed: ' + shown if missed else ''})",
                        "value": round(1 - after / before, 3) if before else None, "unit": "share",
                        "baseline": None, "ratio": None, "target": target})
    person_before = sum(stats[c][0] for c in ("speaker", "person") if c in stats)
    person_after = sum(stats[c][1] for c in ("speaker", "person") if c in stats)
    french = {d for d, lang in zip(corpus.documents["doc_id"], corpus.documents["language"]) if lang == "fr"}
    fr_rows = [dict(r, doc_ids=[d for d in r["doc_ids"] if d in french]) for r in rows]
    fr_stats = recall(corpus, pseudo, replacements, fr_rows)
    fr_before = sum(fr_stats[c][0] for c in ("speaker", "person") if c in fr_stats)
    fr_after = sum(fr_stats[c][1] for c in ("speaker", "person") if c in fr_stats)
    results.append({"benchmark": "recall of planted person names (speakers + persons), all documents "
                                 f"({person_before - person_after}/{person_before}); French documents only: "
                                 f"{fr_before - fr_after}/{fr_before} (English ones have no recogniser installed)",
                    "value": round(1 - person_after / person_before, 3), "unit": "share",
                    "baseline": round(1 - fr_after / fr_before, 3), "ratio": None, "target": "value >= 0.9"})

    names = {r["name"].casefold() for r in rows}
    pairs = replacement_pairs(replacements)
    people = pairs[pairs["category"].isin(["person", "speaker"])]
    false = people[~people["original"].map(lambda o: CIVILITY.sub("", o).casefold()).isin(names)]
    results.append({"benchmark": "person/speaker replacements whose original is not a planted string (false hits "
                                 f"to review: {', '.join(false['original'].head(8))})",
                    "value": len(false), "unit": "distinct strings", "baseline": len(people),
                    "ratio": round(len(false) / max(len(people), 1), 3), "target": None})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pseudo2, replacements2 = pseudonymise(corpus, key=work / "demo-key-names.json", report=True,
                                              names=[(r["name"], _category(r["category"])) for r in rows])
    stats2 = recall(corpus, pseudo2, replacements2, rows)
    before = sum(v[0] for v in stats2.values())
    after = sum(v[1] for v in stats2.values())
    results.append({"benchmark": "recall of every planted string, the fragments given as names= "
                                 f"({before - after}/{before})", "value": round(1 - after / before, 3),
                    "unit": "share", "baseline": None, "ratio": None, "target": "value == 1"})


def _category(category: str) -> str:
    return {"speaker": "person"}.get(category, category)


def _million(results: list[dict], work: Path, n_process: int, folder: Path | None) -> None:
    from benchmarks.make_corpus import make_corpus
    from research_kit.annotate import annotate

    folder = make_corpus() if folder is None else make_corpus(out=Path(folder).resolve())
    corpus = read_corpus(folder)
    words = int(corpus.documents["n_words"].sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        annotate(corpus, n_process=n_process, progress=False)  # warms the cache (no-op when already warm)
        warm_up = time.perf_counter() - start
        start = time.perf_counter()
        _, replacements = pseudonymise(corpus, key=work / "million-key.json", report=True)
        first = time.perf_counter() - start
        start = time.perf_counter()
        pseudonymise(corpus, key=work / "million-key.json")
        again = time.perf_counter() - start
    results.append({"benchmark": f"pseudonymise the benchmark corpus ({words:,} words, {len(corpus)} documents), "
                                 f"annotation cache warm (annotate beforehand: {warm_up:.0f} s), new key; "
                                 f"{len(replacements):,} replacements",
                    "value": round(first, 1), "unit": "s", "baseline": None, "ratio": None, "target": "value < 60"})
    results.append({"benchmark": "the same again with the key it wrote (second run, same output)",
                    "value": round(again, 1), "unit": "s", "baseline": round(first, 1),
                    "ratio": round(again / first, 2), "target": None})
    results.append({"benchmark": "throughput, first run", "value": round(words / first), "unit": "words/s",
                    "baseline": None, "ratio": None, "target": None})


def run(*, million: bool = True, n_process: int = 2, folder: str | Path | None = None) -> list[dict]:
    """Run the measures; keys are written in a temporary folder removed afterwards.

    ``folder`` is where ``make_corpus()`` builds (or finds) the million-word corpus;
    ``benchmarks/_data/million`` by default. Its annotation cache is kept there.
    """
    results: list[dict] = []
    work = Path(tempfile.mkdtemp(prefix="rk-bench-anonymise-"))
    try:
        _demo(results, work)
        if million:
            _million(results, work, n_process, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    from _report import table

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(table(run(million="--quick" not in sys.argv, folder=args[0] if args else None)))
