"""The Dask layer: annotation, rule coding and brief tasks on a LocalCluster; out-of-core counts.

Clusters are real (``LocalCluster(processes=True)``, two workers of one thread), started
once per module where they can be shared. The reference for every result computed on a
cluster or out of core is the same call in memory, in this process; the hand-built cases
check the out-of-core counts against numbers worked out by hand.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import psutil
import pytest
from distributed import Client, LocalCluster

from research_kit import read_corpus
from research_kit.annotate import annotate, annotation_files
from research_kit.autocode import autocode
from research_kit.cluster import (
    frequencies as ooc_frequencies,
    keyness as ooc_keyness,
    participation as ooc_participation,
    partition,
    read_tokens,
    run_tasks,
    sweep_temporary,
    turns_frame,
)
from research_kit.codebook import read_codebook
from research_kit.errors import ParameterError, ResearchKitError
from research_kit.keyness import keyness
from research_kit.participation import participation
from research_kit.textstats import frequencies
from tests.helpers import ROOT, make_corpus, make_tokens, w

A = importlib.import_module("research_kit.annotate")
C = importlib.import_module("research_kit.cluster")

DEMO = ROOT / "corpora" / "demo"
# Two French documents and an English one: about 7,000 words, several jobs of annotation.
SOME = ["bxl-atelier-2", "en-council-captions", "mtl-cop-02"]


def local_cluster(**config):
    with dask.config.set(config):
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                            worker_dashboard_address=None)


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = local_cluster()
        c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def demo():
    return read_corpus(DEMO)


@pytest.fixture(scope="module")
def some(demo):
    return demo.subset(SOME)


@pytest.fixture(scope="module")
def some_tokens(some):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return annotate(some, cache=False)


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------
# annotate(client=)


def test_annotate_on_a_cluster_gives_the_local_frame_and_writes_the_cache(some, some_tokens, client, tmp_path,
                                                                        capsys):
    folder = tmp_path / "cache"
    out = annotate(some, cache=folder, client=client, progress=True)
    pd.testing.assert_frame_equal(out, some_tokens)
    files = sorted(folder.glob("*.parquet"))
    assert len(files) == len(SOME) and no_temporary_files(folder)
    assert "annotate" in capsys.readouterr().err  # the progress bar, as locally
    # the workers wrote the files: reading them back gives the same frame, with no NLP and no cluster
    assert annotate(some, cache=folder, client="tcp://127.0.0.1:9").equals(out)


def _count_loads() -> None:
    module = importlib.import_module("research_kit.annotate")
    module._PIPELINES.clear()
    module.LOADS = []
    original = module._trained_pipeline

    def counting(name):
        module.LOADS.append(name)
        return original(name)

    module._trained_pipeline = counting


def test_each_worker_loads_a_pipeline_once(some, client, tmp_path):
    client.run(_count_loads)
    for _ in range(2):  # two calls, several jobs each
        annotate(some, cache=False, client=client)
    loads = client.run(lambda: list(importlib.import_module("research_kit.annotate").LOADS))
    assert sum(len(v) for v in loads.values()) >= 1
    for names in loads.values():
        assert len(names) == len(set(names))  # never twice in one worker


def test_annotation_files_fill_the_cache_without_gathering_tokens(some, some_tokens, client, tmp_path):
    files = annotation_files(some, cache=tmp_path / "cache", client=client)
    assert files["doc_id"].tolist() == SOME
    assert files["n_words"].tolist() == some.documents.set_index("doc_id").loc[SOME, "n_words"].tolist()
    assert all(Path(p).is_file() for p in files["path"])
    again = annotate(some, cache=tmp_path / "cache")
    pd.testing.assert_frame_equal(again, some_tokens)


def _die_once(marker: str, original):
    """A job that kills its worker the first time any worker runs it, after starting a cache file."""

    def job(docs):
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return original(docs)
        os.close(fd)
        path = docs[0].path
        (path.parent / f".{path.name}.half.tmp").write_bytes(b"PAR1 half a file")
        os._exit(1)

    return job


def _install(marker: str) -> None:
    module = importlib.import_module("research_kit.annotate")
    module._annotate_job = _die_once(marker, module._annotate_job)


def test_a_worker_that_dies_mid_task_has_its_documents_annotated_again(some, some_tokens, tmp_path):
    marker = str(tmp_path / "died")
    folder = tmp_path / "cache"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with local_cluster() as cluster, Client(cluster) as c:
            c.run(_install, marker)
            out = annotate(some, cache=folder, client=c)
    assert Path(marker).exists()  # a worker did die
    pd.testing.assert_frame_equal(out, some_tokens)
    assert no_temporary_files(folder)  # the half-written file was swept
    for path in folder.glob("*.parquet"):  # every file whole
        assert A._read_cached(path).num_rows > 0


def _always_die(docs):
    os._exit(1)


def test_workers_that_keep_dying_give_a_coded_error(some, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with local_cluster(**{"distributed.scheduler.allowed-failures": 0}) as cluster, Client(cluster) as c:
            c.run(lambda: setattr(importlib.import_module("research_kit.annotate"), "_annotate_job", _always_die))
            with pytest.raises(ResearchKitError, match="RK-A23") as info:
                annotate(some, cache=tmp_path / "cache", client=c)
    assert "bxl-atelier-2" in str(info.value) or "job" in str(info.value)


def test_an_error_in_a_job_comes_back_as_it_was_raised(client, tmp_path):
    corpus = read_corpus(DEMO).subset(["bxl-atelier-2"])
    nlp = A._load_pipeline(A._resolve("fr", "fr_core_news_sm"))
    old = nlp.max_length
    try:
        nlp.max_length = 50  # a loaded pipeline travels to the workers with its limit
        with pytest.raises(ResearchKitError, match="RK-A03"):
            annotate(corpus, pipelines={"fr": nlp}, cache=False, client=client)
    finally:
        nlp.max_length = old


def test_bad_clients_and_unreachable_schedulers(some, tmp_path, monkeypatch):
    with pytest.raises(ParameterError, match="RK-A21"):
        annotate(some, cache=False, client=42)
    with pytest.raises(ParameterError, match="RK-A21"):
        annotate(some, cache=False, client=" ")
    monkeypatch.setattr(C, "_CONNECT_TIMEOUT", 2)
    with pytest.raises(ResearchKitError, match="RK-A22"):
        annotate(some, cache=tmp_path / "c", client="tcp://127.0.0.1:9")


def test_without_dask_client_says_what_to_install(some, monkeypatch):
    real = importlib.util.find_spec
    fake = types.SimpleNamespace(util=types.SimpleNamespace(
        find_spec=lambda name: None if name in ("dask", "distributed") else real(name)))
    monkeypatch.setattr(C, "importlib", fake)
    with pytest.raises(ResearchKitError, match="RK-A20") as info:
        annotate(some, cache=False, client="tcp://127.0.0.1:8786")
    assert 'pip install "research-kit[cluster]"' in str(info.value)
    with pytest.raises(ResearchKitError, match="RK-A20"):
        read_tokens(some)


def test_importing_the_verbs_does_not_import_dask():
    code = ("import sys, research_kit, research_kit.annotate, research_kit.autocode, research_kit.cluster\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------
# autocode(client=)

CODEBOOK = r"""
title: Test
languages: [fr, en]
codes:
  - id: reco
    label: {fr: Recommandation, en: Recommendation}
    rules:
      fr: {phrases: [il faudrait, on pourrait]}
      en: {phrases: [we should]}
  - id: lieux
    label: {fr: Lieux, en: Places}
    rules:
      fr:
        lemmas: [parc, place, quartier]
        patterns: [[{LEMMA: rue}]]
      en: {lemmas: [street, park]}
  - id: temps
    label: {fr: Temps, en: Time}
    rules:
      fr: {regex: ['(?i)\b(soir|matin)s?\b']}
      en: {regex: ['(?i)\bevening']}
"""


def test_autocode_on_a_cluster_gives_the_local_codings(some, some_tokens, client, tmp_path, monkeypatch):
    (tmp_path / "codebook.yml").write_text(CODEBOOK, encoding="utf-8")
    codebook = read_codebook(tmp_path / "codebook.yml")
    monkeypatch.setattr(importlib.import_module("research_kit.autocode"), "_MIN_JOB_TOKENS", 1_000)
    for unit in ("match", "sentence"):
        local = autocode(some_tokens, codebook, corpus=some, cache=False, unit=unit)
        remote = autocode(some_tokens, codebook, corpus=some, cache=False, unit=unit, client=client)
        assert len(local) > 20 and set(local["code"]) == {"reco", "lieux", "temps"}
        pd.testing.assert_frame_equal(remote, local)
    without_corpus = autocode(some_tokens, codebook, cache=False, client=client)
    pd.testing.assert_frame_equal(without_corpus, autocode(some_tokens, codebook, cache=False))


# ---------------------------------------------------------------------------
# run_tasks: the brief runner's jobs on a cluster


def stand_ins():
    """Tasks defined here travel by value: the task's process need not import this test module."""

    def answer(x):
        return x * 2

    def boom():
        raise ValueError("no")

    def crash():
        os._exit(3)

    def sleep_with_a_child(pid_file):
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        Path(pid_file).write_text(str(child.pid))
        time.sleep(600)

    def reporting(n, report):
        for i in range(n):
            report({"step": i})
            time.sleep(0.3)
        return "done"

    return types.SimpleNamespace(answer=answer, boom=boom, crash=crash, sleep_with_a_child=sleep_with_a_child,
                                 reporting=reporting)


def test_run_tasks_passes_progress_on_in_order_before_the_outcome(client):
    events = []
    task = stand_ins().reporting
    run_tasks([("a", task, (4,), {}), ("b", task, (2,), {})], client=client, timeout=60,
              on_done=lambda k, o: events.append((k, "done", o)),
              on_progress=lambda k, v: events.append((k, "progress", v["step"])))
    for key, n in (("a", 4), ("b", 2)):
        mine = [e for e in events if e[0] == key]
        assert mine == [(key, "progress", i) for i in range(n)] + [(key, "done", ("ok", "done"))]


def test_run_tasks_reports_each_outcome_and_contains_failures(client, tmp_path):
    seen: dict[str, list] = {}
    pid_file = tmp_path / "child.pid"
    do = stand_ins()
    tasks = [("ok", do.answer, (21,), {}), ("bad", do.boom, (), {}), ("dead", do.crash, (), {}),
             ("slow", do.sleep_with_a_child, (str(pid_file),), {}), ("lambda", lambda: "fine", (), {})]
    run_tasks(tasks, client=client, timeout=10, on_done=lambda k, o: seen.setdefault(k, []).append(o))
    assert seen == {"ok": [("ok", 42)], "bad": [("error", "ValueError: no")], "dead": [("crashed", 3)],
                    "slow": [("timeout", 10)], "lambda": [("ok", "fine")]}
    child = int(pid_file.read_text())
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def _notebook(folder: Path, name: str, body: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("corpus: str = ''  # corpus folder")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("from research_kit import show"), nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_a_batch_runs_on_the_cluster_with_its_manifest_skipping_and_a_contained_failure(client, tmp_path,
                                                                                      monkeypatch):
    import json

    from research_kit.briefs import runner

    _notebook(tmp_path, "good", "show.heading('Bonjour')\nshow.paragraph('Une note.')")
    _notebook(tmp_path, "bad", "raise ValueError('cassé')")
    plan = tmp_path / "plan.yml"
    plan.write_text("out: out\nformats: [md]\nbriefs:\n  - notebook: good.ipynb\n  - notebook: bad.ipynb\n",
                    encoding="utf-8")
    # other people may edit the package while this runs: its digest must not make the second run stale
    monkeypatch.setattr(runner, "package_digest", lambda: "unchanged")
    # nothing may run in the local pool: every brief goes to the cluster
    def local_pool(*args, **kwargs):
        raise AssertionError("a brief ran in the local pool")

    monkeypatch.setattr(runner, "run_isolated", local_pool)
    seen = []
    first = {r.name: r for r in runner.run_batch(plan, client=client, on_progress=seen.append)}
    assert first["good"].status == "done" and first["bad"].status == "failed"
    assert "cassé" in first["bad"].error and first["bad"].cell is not None
    written = Path(first["good"].outputs["md"])
    assert any("Bonjour" in f.read_text(encoding="utf-8") for f in [written, *written.rglob("*.md")] if f.is_file())
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert {b["name"]: b["status"] for b in manifest["briefs"]} == {"good": "done", "bad": "failed"}
    assert not list((tmp_path / "out").glob(".staging-*"))
    assert {"kernel", "render"} <= {e.stage for e in seen if e.name == "good"}  # progress came back from workers
    again = {r.name: r.status for r in runner.run_batch(plan, client=client.scheduler.address)}
    assert again == {"good": "skipped", "bad": "failed"}


def test_the_batch_command_takes_a_scheduler_address(client, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from research_kit.briefs import runner
    from research_kit.cli import main

    _notebook(tmp_path, "good", "show.heading('Bonjour')")
    plan = tmp_path / "plan.yml"
    plan.write_text("out: out\nformats: [md]\nbriefs:\n  - notebook: good.ipynb\n", encoding="utf-8")
    monkeypatch.setattr(runner, "run_isolated", lambda *a, **k: (_ for _ in ()).throw(AssertionError("local")))
    result = CliRunner().invoke(main, ["batch", str(plan), "--scheduler", client.scheduler.address, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "good").is_dir()
    refused = CliRunner().invoke(main, ["batch", str(plan), "--force", "--scheduler", "tcp://127.0.0.1:9"])
    assert refused.exit_code == 2 and "RK-A22" in refused.output + (refused.stderr or "")


# ---------------------------------------------------------------------------
# out of core


def test_partition_keeps_order_and_closes_runs_at_the_target():
    assert partition([5, 5, 5, 20, 1], 10) == [[0, 1], [2, 3], [4]]
    assert partition([], 10) == []
    assert partition([30], 10) == [[0]]


def test_sweep_removes_only_the_temporary_files_of_the_given_paths(tmp_path):
    (tmp_path / "a.parquet").write_bytes(b"x")
    (tmp_path / ".a.parquet.k2j3.tmp").write_bytes(b"x")
    (tmp_path / ".b.parquet.k2j3.tmp").write_bytes(b"x")
    assert sweep_temporary([tmp_path / "a.parquet"]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.parquet.k2j3.tmp", "a.parquet"]


@pytest.fixture(scope="module")
def ooc(some, some_tokens, tmp_path_factory):
    """The subset read back as a dask frame of about 1,000-word partitions (several per document)."""
    folder = tmp_path_factory.mktemp("ooc") / "cache"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = read_tokens(some, cache=folder, words_per_partition=1_000)
    return frame


def test_read_tokens_is_the_annotated_frame_whole_documents_per_partition(ooc, some_tokens):
    assert ooc.npartitions == len(SOME)  # each document is over 1,000 words: one per partition
    pd.testing.assert_frame_equal(ooc.compute().reset_index(drop=True), some_tokens)


def test_read_tokens_marks_pseudonyms_as_annotate_does(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "transcripts").mkdir(parents=True)
    (folder / "transcripts" / "a.txt").write_text(
        "Médiateur·rice 1: Bonjour Habitant·e 5, merci d'être venue au [lieu 3].\n", encoding="utf-8")
    (folder / "transcripts" / "b.txt").write_text("Habitant·e 5: Merci Médiateur·rice 1.\n", encoding="utf-8")
    (folder / "corpus.yml").write_text(
        "language: fr\npseudonymised: true\nroles:\n  Médiateur·rice 1: médiateur·rice\n  Habitant·e 5: habitant·e\n",
        encoding="utf-8")
    corpus = read_corpus(folder)
    frame = read_tokens(corpus, words_per_partition=1).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, annotate(corpus))
    marked = " ".join(frame.loc[frame["is_pseudonym"], "text"])
    assert marked.startswith("Habitant·e 5") and "lieu" in marked and marked.endswith("Médiateur·rice 1")
    assert not frame.loc[frame["text"] == "Bonjour", "is_pseudonym"].any()


@pytest.mark.parametrize("options", [
    {}, {"of": "lower"}, {"of": "text", "drop_stop": False, "min_count": 3}, {"by": "doc_id"},
    {"by": "speaker"}, {"by": ["site", "role"]}, {"drop_pseudonyms": False, "by": "role"},
])
def test_frequencies_out_of_core_equal_the_in_memory_ones(ooc, some, some_tokens, options):
    expected = frequencies(some_tokens, corpus=some, **options)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(ooc_frequencies(ooc, corpus=some, **options), expected)


@pytest.mark.parametrize("options", [
    {"target": {"doc_id": "bxl-atelier-2"}},
    {"target": {"doc_id": "bxl-atelier-2"}, "reference": {"doc_id": "mtl-cop-02"}, "measure": "lafon"},
    {"target": {"site": "Bruxelles"}, "of": "lower", "min_count": 1},
    {"target": {"role": ["animateur·rice", "co-animateur·rice", "coordonnatrice"]}, "measure": "log_ratio",
     "drop_stop": False},
])
def test_keyness_out_of_core_equals_the_in_memory_one(ooc, some, some_tokens, options):
    expected = keyness(some_tokens, corpus=some, **options)
    assert len(expected) > 10
    pd.testing.assert_frame_equal(ooc_keyness(ooc, corpus=some, **options), expected)


def test_out_of_core_on_the_cluster(ooc, some, some_tokens, client):
    pd.testing.assert_frame_equal(ooc_frequencies(ooc, by="speaker", corpus=some, client=client),
                                  frequencies(some_tokens, by="speaker", corpus=some))


def hand_frame():
    """Two documents: a = "budget budget parc et", b = "parc parc" (et is a stop word)."""
    rows = [w("a", 0, 0, "budget"), w("a", 0, 0, "budget"), w("a", 0, 0, "parc"), w("a", 0, 0, "et", stop=True),
            w("b", 0, 0, "parc"), w("b", 0, 0, "Parc")]
    tokens = make_tokens(rows)
    corpus = make_corpus(rows, {("a", 0): ("Ana", "élue"), ("b", 0): ("Ben", "habitant")})
    parts = [tokens[tokens["doc_id"] == d].reset_index(drop=True) for d in ("a", "b")]
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_map(lambda x: x, parts, meta=tokens.iloc[:0])
    return frame, corpus, tokens


def test_counts_worked_by_hand():
    frame, corpus, _ = hand_frame()
    f = ooc_frequencies(frame).set_index("term")
    # 6 words, 5 once the stop word is left out of the list (it still counts in the size)
    assert f.loc["parc", "count"] == 3 and f.loc["parc", "doc_freq"] == 2 and f.loc["parc", "rank"] == 1
    assert f.loc["budget", "count"] == 2 and f.loc["budget", "doc_freq"] == 1
    assert f.loc["parc", "share"] == pytest.approx(3 / 6) and "et" not in f.index
    by_role = ooc_frequencies(frame, by="role", corpus=corpus)
    assert by_role[["role", "term", "count"]].values.tolist() == [["habitant", "parc", 2], ["élue", "budget", 2],
                                                                   ["élue", "parc", 1]]
    k = ooc_keyness(frame, target={"doc_id": "a"}, min_count=1).set_index("term")
    # a: c = 4 words, budget 2, parc 1; b: d = 2 words, parc 2
    assert k.loc["budget", ["count_target", "count_reference", "size_target", "size_reference"]].tolist() == [2, 0, 4,
                                                                                                             2]
    assert k.loc["parc", "count_reference"] == 2
    # Log Ratio of parc: log2((1/4) / (2/2)) = -2
    assert k.loc["parc", "log_ratio"] == pytest.approx(-2.0)


def test_a_document_split_over_partitions_is_refused():
    _, _, tokens = hand_frame()
    halves = [tokens.iloc[:2], tokens.iloc[2:]]  # "a" in both
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_map(lambda x: x, halves, meta=tokens.iloc[:0])
    with pytest.raises(ParameterError, match="RK-A26"):
        ooc_frequencies(frame)
    with pytest.raises(ParameterError, match="RK-A26"):
        ooc_frequencies(tokens)  # a pandas frame: use the in-memory verb
    with pytest.raises(ParameterError, match="RK-P24"):
        ooc_keyness(frame, target=tokens["doc_id"] == "a")
    whole, _, _ = hand_frame()
    with pytest.raises(ParameterError, match="RK-P25"):
        ooc_keyness(whole, target={"doc_id": "a"}, reference={"doc_id": ["a", "b"]})
    with pytest.raises(ParameterError, match="RK-P26"):
        ooc_keyness(whole, target={"doc_id": "zz"})


@pytest.mark.parametrize("by", ["speaker", "role"])
@pytest.mark.parametrize("over", ["document", "corpus"])
def test_participation_out_of_core_equals_the_in_memory_one(demo, by, over):
    # the demo mixes timed and untimed documents; small partitions: several documents each, 5+ partitions
    turns = turns_frame(demo, words_per_partition=6_000)
    assert turns.npartitions >= 5
    expected = participation(demo, by=by, over=over)
    pd.testing.assert_frame_equal(ooc_participation(turns, by=by, over=over), expected)


def test_participation_refuses_a_document_split_over_partitions(demo):
    turns = demo.turns.drop(columns="text")
    one = turns[turns["doc_id"] == "bxl-atelier-1"]
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_map(lambda x: x, [one.iloc[:10], one.iloc[10:]], meta=turns.iloc[:0])
    with pytest.raises(ParameterError, match="RK-A26"):
        ooc_participation(frame)


def test_read_tokens_needs_a_cache_folder(some):
    with pytest.raises(ResearchKitError, match="RK-A25"):
        read_tokens(some, cache=False)
    assert np.all(partition([1] * 4, 2) == [[0, 1], [2, 3]])


class _FakeLibc:
    """Records glibc calls instead of making them."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad))
        return 1


@pytest.fixture
def fake_libc(monkeypatch):
    import research_kit.cluster as cluster

    libc = _FakeLibc()
    monkeypatch.setattr(cluster, "_glibc", lambda: libc)
    monkeypatch.setattr(cluster, "_HEAP_IDLE", 0.05)
    monkeypatch.setitem(cluster._HEAP, "jobs", 0)
    monkeypatch.setitem(cluster._HEAP, "roomy", False)
    monkeypatch.setitem(cluster._HEAP, "timer", None)
    return libc


def test_a_job_on_a_dask_worker_relaxes_glibcs_trimming_and_restores_it_when_idle(fake_libc, monkeypatch):
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers; M_TRIM_THRESHOLD is -1
    # and M_MMAP_THRESHOLD -3 in glibc's malloc.h; 128 KiB is glibc's fixed mmap threshold.
    from research_kit.cluster import _roomy_heap

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with _roomy_heap():
        with _roomy_heap():  # a second job in another thread changes nothing more
            pass
        assert fake_libc.calls == [("mallopt", -3, 32 * 2**20), ("mallopt", -1, 256 * 2**20)]
    deadline = time.monotonic() + 5
    while len(fake_libc.calls) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_libc.calls[2:] == [("mallopt", -1, 65536), ("mallopt", -3, 128 * 1024), ("malloc_trim", 0)]


def test_a_new_job_before_the_worker_is_idle_keeps_the_heap_roomy(fake_libc, monkeypatch):
    import research_kit.cluster as cluster

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.setattr(cluster, "_HEAP_IDLE", 30.0)
    with cluster._roomy_heap():
        pass
    with cluster._roomy_heap():  # the timer of the first is cancelled; no second relaxing
        pass
    cluster._HEAP["timer"].cancel()
    assert [c[0] for c in fake_libc.calls] == ["mallopt", "mallopt"]


@pytest.mark.parametrize("environ", [{}, {"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_MMAP_THRESHOLD_": "131072"}])
def test_the_heap_is_left_alone_without_dasks_setting_or_with_the_users_own(fake_libc, monkeypatch, environ):
    from research_kit.cluster import _roomy_heap

    for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with _roomy_heap():
        pass
    time.sleep(0.1)
    assert fake_libc.calls == []
