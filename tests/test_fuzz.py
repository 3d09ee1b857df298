"""Random bytes and random YAML into every reader: a coded error or a result, nothing else.

Hypothesis draws the inputs (seeded, so a failure repeats); each example runs under a
hang guard. A ``ResearchKitError`` (coded, in docs/errors.md) or a result is fine; any
other exception — or a hang — fails the test with the input that caused it.
"""

import io
import signal
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from research_kit.errors import ResearchKitError

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@contextmanager
def hang_guard(seconds: int = 20):
    def stop(signum, frame):
        raise AssertionError(f"no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def coded_or_result(call) -> None:
    with hang_guard():
        try:
            call()
        except ResearchKitError:
            pass


# Texts that look like transcripts often enough to go deep into the readers.
LINES = st.sampled_from([
    "WEBVTT", "", "00:00:01.000 --> 00:00:04.000", "00:01.000 --> 00:02", "1", "2", "00:00:01,000 --> 00:00:02,000",
    "Anna : Bonjour.", "**Ben:** oui", "[00:12:03] Carla: ok", ">> DANA: hi", "<v Eve>Salut</v>", "---", "title: x",
    "speaker,text", "Locuteur;Propos", "\"Anna\",\"Bonjour, \"\"toi\"\"\"", "**** *site_mtl", "-*- x", "\ufeffAnna: x",
    "Question :", "NOTE x", "Kind: captions", "\x00", "é" * 3, "\u2028", "a" * 300,
])
TEXTS = st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=30).map("\n".join)
SUFFIXES = [".txt", ".md", ".vtt", ".srt", ".csv", ".tsv"]


@FUZZ
@given(text=TEXTS, suffix=st.sampled_from(SUFFIXES), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
@seed(11)
def test_text_readers_answer_with_a_code_or_a_corpus(tmp_path_factory, text, suffix, encoding):
    from research_kit.project import read_corpus

    path = tmp_path_factory.mktemp("t") / f"t{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    coded_or_result(lambda: read_corpus(path))
    coded_or_result(lambda: read_corpus(path, errors="collect"))


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES + [".docx"]))
@seed(12)
def test_random_bytes_answer_with_a_code_or_a_corpus(tmp_path_factory, data, suffix):
    from research_kit.project import read_corpus

    path = tmp_path_factory.mktemp("b") / f"b{suffix}"
    path.write_bytes(data)
    coded_or_result(lambda: read_corpus(path))


@FUZZ
@given(members=st.dictionaries(st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels",
                                                "../x", "word/x.xml"]),
                               st.one_of(st.binary(max_size=300), TEXTS.map(str.encode)), max_size=4))
@seed(13)
def test_broken_docx_answer_with_a_code_or_a_corpus(tmp_path_factory, members):
    from research_kit.project import read_corpus

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    path = tmp_path_factory.mktemp("d") / "d.docx"
    path.write_bytes(buf.getvalue())
    coded_or_result(lambda: read_corpus(path))


YAML_BITS = st.sampled_from([
    "title: x", "identities: oui", "identities: [1]", "documents:", "  a.txt: {id: 1}", "  a.txt: [x]", "roles: x",
    "codings: 3", "include: {a: b}", "- a", "- [b, c]", "&a [x]", "b: *a", "c: *zzz", "{", "}", "'", "\"", ":", "? x",
    "!!python/object:os.system x", "%YAML 1.1", "key: value # comment", "\t- tab", "variables: [site]",
    "facilitator_roles: animatrice", "date: 2025-13-45", "codes:", "  - id: a", "    parent: a", "languages: [fr]",
    "briefs:", "  - notebook: x.ipynb", "    for_each: lieu", "jobs: many", "\x07",
])
YAMLS = st.lists(st.one_of(YAML_BITS, st.text(max_size=20)), max_size=20).map("\n".join)


@FUZZ
@given(text=YAMLS)
@seed(14)
def test_manifests_answer_with_a_code_or_a_corpus(tmp_path_factory, text):
    from research_kit.project import read_corpus

    root = tmp_path_factory.mktemp("m")
    (root / "a.txt").write_text("Anna : Bonjour.\n", encoding="utf-8")
    (root / "corpus.yml").write_text(text, encoding="utf-8")
    coded_or_result(lambda: read_corpus(root))
    coded_or_result(lambda: read_corpus(root, errors="collect"))


@FUZZ
@given(text=YAMLS, suffix=st.sampled_from([".yml", ".csv"]))
@seed(15)
def test_codebooks_answer_with_a_code_or_a_codebook(tmp_path_factory, text, suffix):
    from research_kit.codebook import read_codebook

    path = tmp_path_factory.mktemp("c") / f"codebook{suffix}"
    path.write_text(text, encoding="utf-8")
    coded_or_result(lambda: read_codebook(path, check_patterns=False))


@FUZZ
@given(text=YAMLS)
@seed(16)
def test_plans_answer_with_a_code_or_briefs(tmp_path_factory, text):
    from research_kit.briefs import expand_plan, read_plan

    path = tmp_path_factory.mktemp("p") / "plan.yml"
    path.write_text(text, encoding="utf-8")
    coded_or_result(lambda: expand_plan(read_plan(path)))


@FUZZ
@given(text=st.lists(st.one_of(st.sampled_from([
    "doc_id,start_char,end_char,code,coder", "doc_id;turn;code", "a,0,4,x,ana", "a,4,0,x,ana", "a,x,y,z,w",
    "\"a,0", "a,0,99999999999999999999,x,ana", "a,-1,2,x,ana", "b,0,1,x,ana", "a;0;x", "=HYPERLINK(1)", ""]),
    st.text(max_size=30)), max_size=15).map("\n".join))
@seed(17)
def test_codings_answer_with_a_code_or_a_frame(tmp_path_factory, text):
    import pandas as pd

    from research_kit.coding import read_codings
    from research_kit.corpus import build_corpus

    corpus = build_corpus(pd.DataFrame({"doc_id": ["a"]}),
                          pd.DataFrame({"doc_id": ["a"], "speaker": ["Anna"], "text": ["Bonjour à tous."]}))
    path = tmp_path_factory.mktemp("g") / "codings.csv"
    path.write_text(text, encoding="utf-8")
    coded_or_result(lambda: read_codings(path, corpus=corpus))


def test_the_guard_itself_catches_a_hang():
    import time

    with pytest.raises(AssertionError, match="hang"):
        with hang_guard(1):
            time.sleep(5)


def test_the_check_itself_lets_other_errors_through():
    with pytest.raises(ZeroDivisionError):
        coded_or_result(lambda: 1 / 0)
    assert Path(__file__).name == "test_fuzz.py"
