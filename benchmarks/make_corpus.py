"""Build a large benchmark corpus by recombining the turns of the demo corpus.

``make_corpus()`` reads ``corpora/demo`` (or ``tests/data/corpus_small`` while the demo
is not there), shuffles its turns among new documents of the same language with a fixed
seed, and writes them as ``Speaker: text`` transcripts with a ``corpus.yml`` that keeps
the speakers' roles, a date and the document variables ``site`` and ``session_type``.
The result is deterministic for a given seed and source; it is rebuilt only when the
parameters or the source change.

    python benchmarks/make_corpus.py            # about a million words in benchmarks/_data/million
    python benchmarks/make_corpus.py 200000 /tmp/bench
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_kit import read_corpus  # noqa: E402
from research_kit._io import atomic_write_text, content_hash  # noqa: E402
from research_kit.readers._labels import LABEL_RE  # noqa: E402

DEMO = ROOT / "corpora" / "demo"
FALLBACK = ROOT / "tests" / "data" / "corpus_small"
PARAMS_FILE = ".make_corpus.json"  # a dot-file: the corpus reader skips it
_VERSION = 1  # bump when the layout of the generated corpus changes

_SITES = ["Montréal", "Bruxelles", "Québec", "Liège", "Sherbrooke", "Namur"]
_SESSIONS = ["atelier", "comité", "communauté de pratique", "rencontre d'équipe", "consultation"]


def _source() -> Path:
    transcripts = DEMO / "transcripts"
    if transcripts.is_dir() and any(p.is_file() for p in transcripts.rglob("*")):
        return DEMO
    return FALLBACK


def make_corpus(target_words: int = 1_000_000, out: Path = Path("benchmarks/_data/million"), *, seed: int = 2025,
                source: Path | None = None, languages: tuple[str, ...] | None = None,
                min_words: int = 1_500, max_words: int = 3_000) -> Path:
    """Write a corpus folder of about ``target_words`` words and return its path.

    Parameters
    ----------
    target_words
        Words to write in all (the last document may overshoot by one turn).
    out
        Folder to (re)build; relative paths are taken from the repository root.
    seed
        Seed of every random choice.
    source
        Corpus whose turns are recombined; the demo corpus by default.
    languages
        Keep only documents in these languages (all by default).
    min_words, max_words
        Range of the documents' sizes in words.
    """
    out = out if out.is_absolute() else ROOT / out
    source = source or _source()
    corpus = read_corpus(source, errors="collect")
    doc_lang = dict(zip(corpus.documents["doc_id"], corpus.documents["language"].fillna("fr")))
    turns = corpus.turns.assign(language=corpus.turns["doc_id"].map(doc_lang))
    if languages is not None:
        turns = turns[turns["language"].isin(languages)]
    if turns.empty:
        raise ValueError(f"{source}: no turns to recombine")
    fingerprint = content_hash(*turns["text"].astype(str), *turns["language"].astype(str))
    params = {"version": _VERSION, "target_words": target_words, "seed": seed, "source": str(source),
              "source_hash": fingerprint, "languages": list(languages) if languages else None,
              "min_words": min_words, "max_words": max_words}
    stamp = out / PARAMS_FILE
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == params:
        return out

    rng = random.Random(seed)
    roles = {}
    for speaker, role in zip(turns["speaker"], turns["role"]):
        if isinstance(role, str) and speaker not in roles:
            roles[str(speaker)] = role
    pools: dict[str, list[tuple[str, str, int]]] = {}
    for speaker, text, n, lang in zip(turns["speaker"], turns["text"], turns["n_words"], turns["language"]):
        speaker = str(speaker)
        if not LABEL_RE.match(f"{speaker}: x") or speaker in ("?",):
            speaker = "Participant"
        pools.setdefault(str(lang), []).append((speaker, " ".join(str(text).split()), int(n)))
    words_by_lang = {lang: sum(n for *_, n in pool) for lang, pool in pools.items()}
    langs = sorted(pools)
    weights = [words_by_lang[lang] for lang in langs]
    sites = sorted({str(s) for s in corpus.documents.get("site", []) if isinstance(s, str)}) or _SITES
    sessions = sorted({str(s) for s in corpus.documents.get("session_type", []) if isinstance(s, str)}) or _SESSIONS
    sites = list(dict.fromkeys(sites + _SITES))[:6]
    sessions = list(dict.fromkeys(sessions + _SESSIONS))[:5]

    if out.exists():
        shutil.rmtree(out)
    (out / "transcripts").mkdir(parents=True)
    documents = {}
    decks = {lang: [] for lang in langs}
    written, i = 0, 0
    start = date(2023, 9, 4)
    while written < target_words:
        lang = rng.choices(langs, weights)[0]
        size = rng.randint(min_words, max_words)
        lines, words = [], 0
        while words < size:
            if not decks[lang]:  # deal the turns again, shuffled
                decks[lang] = pools[lang][:]
                rng.shuffle(decks[lang])
            speaker, text, n = decks[lang].pop()
            lines.append(f"{speaker}: {text}")
            words += n
        site, session = rng.choice(sites), rng.choice(sessions)
        rel = f"transcripts/{lang}-{i:04d}.txt"
        atomic_write_text(out / rel, "\n".join(lines) + "\n")
        documents[rel] = {"date": (start + timedelta(days=3 * i)).isoformat(), "language": lang, "site": site,
                          "session_type": session}
        written += words
        i += 1

    import yaml

    manifest = {
        "title": f"Benchmark corpus ({written:,} words, seed {seed})",
        "language": "fr",
        "variables": {"site": "Ville", "session_type": "Type de séance"},
        "roles": roles,
        "documents": documents,
    }
    atomic_write_text(out / "corpus.yml", yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False))
    atomic_write_text(stamp, json.dumps(params))
    return out


if __name__ == "__main__":
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = make_corpus(target, Path(sys.argv[2]) if len(sys.argv) > 2 else Path("benchmarks/_data/million"))
    print(folder)
