"""Hostile YAML (#12): every manifest, front matter, codebook and batch plan that a person
or an attacker can write gives a coded error naming the file and the line, quickly and
with bounded memory, or reads as it always did.

The hostile files are built the way they come: the classic "billion laughs" text (stored
in tests/data/hostile/yaml/), brackets never closed, a label pasted from a coloured
terminal, a file padded past 20 MB. Bounded memory is shown by a limit, not a stopwatch:
the bomb is read in a subprocess whose address space is capped at 1 GiB (the walk of
every alias path reached 4.5 GB within a minute before).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research_kit import _yaml
from research_kit._yaml import MAX_DEPTH, dump_yaml, line_of, load_yaml_with_lines
from research_kit.briefs import read_plan
from research_kit.codebook import read_codebook
from research_kit.errors import CodebookError, InputFileError, ManifestError, SchemaError
from research_kit.project import read_corpus
from tests.helpers import DATA, ROOT

HOSTILE = DATA / "hostile" / "yaml"
BOMB = (HOSTILE / "billion-laughs.yml").read_text(encoding="utf-8")
SPEECH = "Marie : Bonjour à toutes et à tous.\nPaul : Merci d'être venus.\n"


def _corpus(folder: Path, manifest: str | None = None, transcripts: dict[str, str] | None = None) -> Path:
    folder.mkdir()
    if manifest is not None:
        (folder / "corpus.yml").write_text(manifest, encoding="utf-8")
    for name, text in (transcripts or {"atelier-1.txt": SPEECH}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _line_of_text(text: str, start: str) -> int:
    """1-based line of the first line of ``text`` that starts with ``start``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def _manifest_problem(folder: Path) -> ManifestError:
    with pytest.raises(ManifestError, match="RK-C00") as info:
        read_corpus(folder)
    (problem,) = info.value.problems
    return problem


# --------------------------------------------------------------------------- billion laughs

# Each entry point puts the same bomb where its own file would hold it.
_BOMBS = {
    "manifest": ("corpus", "corpus.yml", "title: Atelier\nlanguage: fr\n" + BOMB, "RK-C01"),
    "front matter": ("corpus", "atelier-1.md", "---\ntitle: Atelier\n" + BOMB + "---\n" + SPEECH, "RK-C01"),
    "codebook": ("codebook", "codebook.yml", "codes:\n  - id: care\n    label: Soin\n" + BOMB, "RK-K01"),
    "plan": ("plan", "plan.yml", "briefs:\n  - notebook: summary.ipynb\n" + BOMB, "RK-B30"),
}

# Run in a child whose address space is capped at 1 GiB: a walk that expands the aliases
# dies there with MemoryError (a traceback, not a line of JSON) instead of eating the machine.
_BOUNDED = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from research_kit.errors import ResearchKitError
kind, target = sys.argv[1], sys.argv[2]
try:
    if kind == "corpus":
        from research_kit.project import read_corpus
        read_corpus(target)
    elif kind == "codebook":
        from research_kit.codebook import read_codebook
        read_codebook(target)
    else:
        from research_kit.briefs import read_plan
        read_plan(target)
except ResearchKitError as e:
    problems = getattr(e, "problems", [e])
    print(json.dumps({"codes": [p.code for p in problems], "lines": [p.line for p in problems],
                      "paths": [p.path for p in problems], "message": str(e)}))
else:
    print(json.dumps({"codes": []}))
"""


@pytest.mark.parametrize("where", sorted(_BOMBS))
def test_a_billion_laughs_is_refused_with_a_coded_error_within_1_gib(tmp_path, where):
    kind, name, text, code = _BOMBS[where]
    folder = tmp_path / "corpus"
    if kind == "corpus":
        target = folder
        _corpus(folder, text if name == "corpus.yml" else None, {name: text} if name != "corpus.yml" else None)
    else:
        folder.mkdir()
        target = folder / name
        target.write_text(text, encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    # timeout: a hang guard only (the refusal comes before anything is built)
    run = subprocess.run([sys.executable, "-c", _BOUNDED, kind, str(target)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "MemoryError" not in run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["codes"] == [code], result
    first, last = _line_of_text(text, "a: &a"), _line_of_text(text, "i: &i")
    (line,) = result["lines"]
    assert first < line <= last  # on the line of the alias that passed the limit
    assert result["paths"][0].endswith(name)
    assert "1,000,000" in result["message"] and "alias *" in result["message"]


def test_aliases_are_located_once_where_their_anchor_stands():
    # 500 items repeated by 1,000 aliases: 500,000 values to build (shared lists, cheap),
    # but the line walk records the text's own 1,503 positions, not half a million.
    text = "base: &base [" + ", ".join(f"w{i}" for i in range(500)) + "]\nuses:\n" + "  - *base\n" * 1000
    data, lines = load_yaml_with_lines(text, path="corpus.yml")
    assert data == yaml.safe_load(text)
    assert data["uses"][999] is data["base"]  # one list, shared
    assert len(lines) == 1 + 1 + 500 + 1 + 1000
    assert lines[("uses", 7)] == 10
    assert line_of(lines, ("uses", 7, 3)) == 10  # under an alias: the alias's line


def test_the_value_limit_counts_aliases_expanded(monkeypatch):
    monkeypatch.setattr(_yaml, "MAX_NODES", 100)
    at_limit = "- x\n" * 99  # the list and its 99 items
    assert load_yaml_with_lines(at_limit, path="plan.yml")[0] == ["x"] * 99
    with pytest.raises(InputFileError, match=r"\[RK-B30\] plan.yml, line 100: holds more than 100 "):
        load_yaml_with_lines(at_limit + "- x\n", path="plan.yml", code="RK-B30")
    # 10 anchored values, 9 aliases to them: 1 + 2 + 10 + 9 * 10 = 103 once expanded
    shared = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + ", ".join(["*a"] * 9) + "]\n"
    with pytest.raises(InputFileError, match=r"line 2: .*once the alias \*a there is expanded"):
        load_yaml_with_lines(shared, path="plan.yml", code="RK-B30")


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(InputFileError, match=r"\[RK-C01\] corpus.yml, line 3: the alias \*loop stands inside "
                                             r"the anchor &loop it repeats \(line 2\)"):
        load_yaml_with_lines("title: T\nvariables: &loop\n  again: *loop\n", path="corpus.yml")
    with pytest.raises(InputFileError, match=r"line 1: the alias \*a"):
        load_yaml_with_lines("a: &a [1, [2, *a]]\n", path="corpus.yml")


# --------------------------------------------------------------------------- depth

def test_brackets_never_closed_give_a_coded_error_with_the_line(tmp_path):
    manifest = "title: Atelier\nlanguages: " + "[" * 20_000 + "fr" + "]" * 20_000 + "\n"
    problem = _manifest_problem(_corpus(tmp_path / "c", manifest))
    assert problem.code == "RK-C01" and problem.line == 2
    assert f"more than {MAX_DEPTH} levels" in str(problem)
    unclosed = "title: Atelier\nlanguages: " + "[" * 20_000 + "\n"
    problem = _manifest_problem(_corpus(tmp_path / "d", unclosed))
    assert problem.code == "RK-C01" and problem.line == 2


def test_depth_limit_is_exact_and_counts_aliases_expanded():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_yaml_with_lines(ok, path="p.yml")[0] is not None
    with pytest.raises(InputFileError, match="RK-C01"):
        load_yaml_with_lines("[" + ok + "]", path="p.yml")
    half = MAX_DEPTH // 2 + 10
    text = f"a: &a {'[' * half}{']' * half}\nb: {'[' * half}*a{']' * half}\n"
    with pytest.raises(InputFileError, match=r"line 2: nests .*once the alias \*a there is expanded"):
        load_yaml_with_lines(text, path="p.yml")


def test_deeply_nested_front_matter_names_the_line(tmp_path):
    block = "".join(" " * i + f"k{i}:\n" for i in range(150)) + " " * 150 + "fin: oui\n"
    folder = _corpus(tmp_path / "c", None, {"atelier-1.md": "---\n" + block + "---\n" + SPEECH})
    with pytest.raises(InputFileError, match=r"\[RK-C01\] atelier-1.md, line 102: nests lists and mappings "
                                             r"more than 100 levels deep"):
        read_corpus(folder)


def test_a_deep_codebook_is_one_coded_problem(tmp_path):
    # codes nested through `children:` two levels a code: 80 codes deep is 160 levels
    rows = []
    for depth in range(80):
        pad = "  " * (2 * depth)
        rows += [f"{pad}- id: c{depth}", f"{pad}  label: Niveau {depth}", f"{pad}  children:"]
    text = "codes:\n" + "\n".join(rows) + "\n" + "  " * 160 + "- id: last\n"
    path = tmp_path / "codebook.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    (problem,) = info.value.problems
    assert problem.code == "RK-K01" and isinstance(problem.line, int) and 100 < problem.line < len(rows)


# --------------------------------------------------------------------------- characters and size

def test_a_pasted_terminal_colour_names_the_character_and_line():
    with pytest.raises(CodebookError) as info:
        read_codebook(HOSTILE / "ansi-colours.yml")
    (problem,) = info.value.problems
    assert problem.code == "RK-K01" and problem.line == 4
    assert "U+001B" in str(problem) and "re-save the file as plain UTF-8 text" in str(problem)


def test_a_control_character_in_a_manifest_or_front_matter_is_coded(tmp_path):
    manifest = "title: Atelier\nlanguage: fr\nnotes: une cloche \x07 ici\n"
    problem = _manifest_problem(_corpus(tmp_path / "c", manifest))
    assert problem.code == "RK-C01" and problem.line == 3 and "U+0007" in str(problem)
    md = "---\ntitle: Atelier\nlieu: salle\x0b2\n---\n" + SPEECH
    with pytest.raises(InputFileError, match=r"\[RK-C01\] atelier-1.md, line 3: holds the character U\+000B"):
        read_corpus(_corpus(tmp_path / "d", None, {"atelier-1.md": md}))


def test_a_plan_with_a_control_character_is_coded(tmp_path):
    path = tmp_path / "plan.yml"
    path.write_text("briefs:\n  - notebook: summary.ipynb\n    title: \x1bfin\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"\[RK-B30\] .*plan.yml, line 3: holds the character U\+001B"):
        read_plan(path)


def test_a_file_over_20_mb_is_refused_before_parsing(tmp_path):
    # a manifest padded with comments, as a script that appends a log line per run would
    manifest = "title: Atelier\n" + ("# run " + "x" * 93 + "\n") * 210_000
    problem = _manifest_problem(_corpus(tmp_path / "c", manifest))
    assert problem.code == "RK-C01" and "at most 20,000,000 characters" in str(problem)
    plan = tmp_path / "plan.yml"
    plan.write_text("briefs:\n  - notebook: summary.ipynb\n    title: '" + "x" * 20_000_000 + "'\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"\[RK-B30\] .*plan.yml: is 20,000,0\d\d characters long"):
        read_plan(plan)


# --------------------------------------------------------------------------- every other YAML error

@pytest.mark.parametrize("text, line, words", [
    ("a: 1\nwhen: 2024-13-45\n", 2, "2024-13-45"),                   # a date that is not one
    ("a: !!int douze\n", 1, "douze"),                                 # an explicit tag on a bad value
    ("a: !!float x\n", 1, "float"),
    ("a: 1\nn: " + "9" * 5000 + "\n", 2, "int"),                       # past Python's 4300 digits
    ("a: !!binary 'é'\n", 1, "base64"),
    ("a: !!timestamp {x: 1}\n", 1, "scalar"),
    ("a: *nowhere\n", 1, "undefined alias"),
    ("a: &x 1\nb: &x 2\n", 2, "anchor &x a second time (first on line 1)"),
    ("{[a, b]: c}\n", 1, "unhashable"),
    ("a: !!python/object/apply:os.system ['true']\n", 1, "constructor"),
    ("a: 1\n---\nb: 2\n", 2, "single document"),
    ("a: [1,\n", 1, "flow"),
    ("a: 'open\n", 1, "quoted"),
    ("a:\n\t- b\n", 2, "tabs"),
    ("%YAML 9.9\n--- a\n", 1, "version"),
    ("- a\nb: c\n", 2, "block"),
])
def test_every_yaml_error_is_coded_with_the_line(text, line, words):
    with pytest.raises(InputFileError) as info:
        load_yaml_with_lines(text, path="codebook.yml", code="RK-K01")
    assert info.value.code == "RK-K01" and info.value.path == "codebook.yml"
    assert info.value.line == line, str(info.value)
    assert words in str(info.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="[]{}:,-&*!|>?'\"#%@`<= \n\tab1\x07\u00e9", max_size=60))
def test_any_text_reads_or_gives_a_coded_error(text):
    try:
        data, lines = load_yaml_with_lines(text, path="corpus.yml")
    except InputFileError as e:
        assert e.code == "RK-C01"
    else:
        assert lines == {} or lines[()] >= 1


# --------------------------------------------------------------------------- normal files read as before

def _reference_lines(text: str) -> dict:
    """The line of every key and item, by the plain recursive walk (right for alias-free files)."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines = {(): root.start_mark.line + 1}

        def walk(node, at):
            if isinstance(node, yaml.MappingNode):
                for key_node, value in node.value:
                    key = loader.construct_object(key_node)
                    lines.setdefault((*at, key), key_node.start_mark.line + 1)
                    walk(value, (*at, key))
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    lines.setdefault((*at, i), item.start_mark.line + 1)
                    walk(item, (*at, i))

        walk(root, ())
        return lines
    finally:
        loader.dispose()


@pytest.mark.parametrize("path", [
    ROOT / "corpora/demo/corpus.yml", ROOT / "corpora/demo/codebook.yml", ROOT / "notebooks/demo-plan.yml",
    DATA / "codebooks/valid.yml", DATA / "codebooks/broken.yml", DATA / "corpus_small/corpus.yml",
], ids=lambda p: p.name)
def test_the_repository_files_keep_their_lines(path):
    text = path.read_text(encoding="utf-8")
    data, lines = load_yaml_with_lines(text, path=path.name)
    assert data == yaml.safe_load(text)
    assert lines == _reference_lines(text)


def test_merged_defaults_keep_their_lines_and_what_the_mapping_says_wins():
    text = (
        "defaults: &d\n"            # 1
        "  language: fr\n"          # 2
        "  role: participant\n"     # 3
        "documents:\n"              # 4
        "  a.txt:\n"                # 5
        "    <<: *d\n"              # 6
        "    role: animatrice\n"    # 7
        "  b.txt: *d\n"             # 8
    )
    data, lines = load_yaml_with_lines(text, path="corpus.yml")
    assert data == yaml.safe_load(text)
    assert data["documents"]["a.txt"] == {"language": "fr", "role": "animatrice"}
    assert lines[("documents", "a.txt", "role")] == 7
    assert lines[("documents", "a.txt", "language")] == 2
    assert lines[("documents", "b.txt")] == 8
    assert line_of(lines, ("documents", "b.txt", "language")) == 8


# --------------------------------------------------------------------------- writing

def test_dump_yaml_repeats_shared_objects_and_reads_back():
    words = ["fatigue", "surcharge"]
    data = {"a": words, "b": {"c": words, "d": [words, words]}, "note": "une cloche \x07\nligne 2"}
    text = dump_yaml(data)
    assert "&" not in text and "*" not in text
    assert load_yaml_with_lines(text, path="codebook.yml")[0] == data


def test_dump_yaml_refuses_what_could_not_be_read_back():
    loop: list = ["a"]
    loop.append({"again": loop})
    with pytest.raises(SchemaError, match=r"\[RK-S02\].*inside itself"):
        dump_yaml({"codes": loop})
    deep: list = []
    for _ in range(MAX_DEPTH):
        deep = [deep]
    with pytest.raises(SchemaError, match=r"\[RK-S02\].*levels deep"):
        dump_yaml(deep)
    base = list(range(1000))
    with pytest.raises(SchemaError, match=r"\[RK-S02\].*1,000,000"):
        dump_yaml([base] * 1001)  # a million values once written out, from 2,001 objects
