"""Hostile rules and hierarchies: nothing hangs, nothing recurses without end, nothing is quadratic.

- Regular expressions that backtrack catastrophically are refused when the codebook is
  read (RK-K23), with the code's line and a rewrite; ordinary rules are not.
- One that slips past that check cannot hang ``autocode``: it runs out of time on a
  document, with a warning (RK-G16), and only its matches there are left out.
- Chains of 1,000 and 10,000 codes read; 10,000 QDA codes of one name import with
  unique names.

Each test that could hang runs under a SIGALRM hang guard (no stopwatch assertions).
"""

from __future__ import annotations

import importlib
import signal
import warnings
import zipfile

import pytest

from research_kit import read_corpus
from research_kit.autocode import autocode
from research_kit.codebook import CodeEntry, Codebook, Rules, read_codebook, validate_codebook
from research_kit.codebook.regexes import MAX_REGEX_NESTING, MAX_REGEX_VARYING, regex_problem
from research_kit.errors import CodebookError, CodingError, ResearchKitWarning
from research_kit.qda import read_qdpx
from tests.helpers import DATA, ROOT, make_corpus, make_tokens, w

A = importlib.import_module("research_kit.autocode")  # the module, not the verb
PARSE = importlib.import_module("research_kit.codebook.parse")

HOSTILE = DATA / "hostile" / "rules"


@pytest.fixture
def hang_guard():
    """Fail the test, rather than hang the run, if it takes more than 60 s."""
    def stop(signum, frame):
        raise TimeoutError("hang guard: the test ran for 60 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def problems_of(path):
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    return info.value.problems


def one_rule(tmp_path, regex, *, name="codebook.yml"):
    path = tmp_path / name
    path.write_text("languages: [fr]\ncodes:\n  - id: a\n    label: A\n    rules:\n      fr:\n"
                    f"        regex: ['{regex}']\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- refused when read


def test_catastrophic_rules_are_refused_each_on_its_line(hang_guard):
    problems = problems_of(HOSTILE / "catastrophic.yml")
    assert [(p.code, p.line) for p in problems] == [("RK-K23", 11), ("RK-K23", 16), ("RK-K23", 21)]
    nested, words, same = problems
    # the message names the code, the whole pattern and the part at fault, as written
    assert 'code "nested"' in str(nested) and '"(a+)+$"' in str(nested) and 'in "(a+)+"' in str(nested)
    assert "catastrophic backtracking" in str(nested)
    assert 'code "words"' in str(words) and r'in "(\w+\s?)*"' in str(words)
    assert 'code "same"' in str(same) and 'in "(x|x)*"' in str(same) and "alternatives" in str(same)
    # and says how to rewrite it
    assert '"(a+)+" matches what "a+" matches' in nested.hint
    assert r'"(\w+\s+)*" rather than "(\w+\s?)*"' in words.hint
    assert '"(x|x)*" is "x*"' in same.hint
    assert all(str(p.path).endswith("catastrophic.yml") for p in problems)


@pytest.mark.parametrize("regex", [
    r"(a+)+$", r"(\w+\s?)*$", r"(x|x)*y", r"(a|aa)+$", r"(.*,)+x", r"(c?c?)+$", r"(?:a+|b+)+", r"(?:\\.|.)+",
    r"(?:.*?,)+", r"(\d+\s?)+$", r"^(([a-z])+.)+[A-Z]([a-z])+$", r"x(?=(a+)+$)", r"(?:(?:a|a)*b)++", r"(a)(?:\1)+",
    r"(?:A|(?i:a))+", r"(?:a{1,2})+z",
])
def test_shapes_that_backtrack_catastrophically_are_refused(tmp_path, regex, hang_guard):
    [problem] = problems_of(one_rule(tmp_path, regex))
    assert (problem.code, problem.line) == ("RK-K23", 7)
    assert f'"{regex}"' in str(problem)


@pytest.mark.parametrize("regex", [
    r"(?i)\bburn-?out\b", r"(?i)\bburn(?:ed|t)?[- ]?out\b", r"(?i)\b(?:nobody|no one)\s+(?:ever\s+)?listens?\b",
    r"\bprendre\s+(?:\w+\s+){0,3}soin\b", r"(?:\w+\s+)+soin", r"(?:ed|t)+", r"(?:,\s*(?:et|ou)\s+)+\w",
    r"(?:[^.]*\.)+", r"(?>a+)+", r"(a++)+", r"(?:ab|ac)+", r"(?:abc|abcd)+", r"(?:\s+(?:tout|toute))+",
    r"(?i)(?:très|vraiment)?\s*(?:fatigué|épuisé)e?s?", r"\bil\b.*\bfaut\b",
])
def test_ordinary_rules_are_accepted(regex):
    assert regex_problem(regex) is None


def test_the_codebooks_of_the_repository_read_as_before():
    for path in [ROOT / "corpora" / "demo" / "codebook.yml", DATA / "codebooks" / "valid.yml",
                 DATA / "codebooks" / "valid.csv"]:
        codebook = read_codebook(path)
        assert any(r.regex for e in codebook.entries for r in e.rules.values())
    # the ordinary code of the hostile file is not what is refused
    assert not any("ordinary" in str(p) for p in problems_of(HOSTILE / "catastrophic.yml"))


def test_a_csv_codebook_is_checked_alike(tmp_path, hang_guard):
    path = tmp_path / "codebook.csv"
    path.write_text("code,label_fr,regex_fr\nok,Bien,(?i)\\bburn-?out\\b\nbad,Mal,\"(\\w+\\s?)*$\"\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.code, problem.line) == ("RK-K23", 3)
    assert 'code "bad"' in str(problem)


def test_a_codebook_built_in_memory_is_checked_by_validate_codebook(hang_guard):
    built = Codebook((CodeEntry("a", label={"fr": "A"}, rules={"fr": Rules(regex=("(a|aa)+$",))}),),
                     languages=("fr",))
    with pytest.raises(CodebookError, match="RK-K23"):
        validate_codebook(built)


@pytest.mark.parametrize(("regex", "code", "words"), [
    ("(" * (MAX_REGEX_NESTING + 1) + "a" + ")" * (MAX_REGEX_NESTING + 1), "RK-K23", "deep"),
    ("(" * 600 + "a" + ")" * 600, "RK-K14", "too deeply"),  # Python's own parser gives up (RecursionError)
    ("((a{1000}){1000}){1000}", "RK-K23", "1,000,000,000 times"),  # the regex engine would unroll it
    ("(?:" + "a?" * (MAX_REGEX_VARYING + 100) + "b)+", "RK-K23", "300 parts of varying length"),  # too large to check quickly
    ("a{99999999999}", "RK-K14", "too large"),
    ("[[:alpha:]]+", "RK-K14", "read one way by Python and another"),  # a POSIX class for regex, letters for re
    (r"\bburn(out", "RK-K14", "missing )"),
    (r"(?<=a+)b", "RK-K14", "look-behind"),
    ("x*", "RK-K14", "empty text"),
])
def test_other_rules_that_could_hang_or_mislead_are_coded(tmp_path, regex, code, words, hang_guard):
    [problem] = problems_of(one_rule(tmp_path, regex))
    assert (problem.code, problem.line) == (code, 7)
    assert words in str(problem)


# --------------------------------------------------------------------------- never a hang at coding time


def _slow_corpus(tmp_path, words_a, words_b):
    """A corpus folder (so that results are cached) and tokens laid out as its text."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Marie: " + " ".join(words_a) + "\n", encoding="utf-8")
    (folder / "b.txt").write_text("Luc: " + " ".join(words_b) + "\n", encoding="utf-8")
    (folder / "corpus.yml").write_text("language: fr\n", encoding="utf-8")
    corpus = read_corpus(folder)
    tokens = make_tokens([w(doc, 0, 0, word) for doc, words in (("a", words_a), ("b", words_b)) for word in words])
    assert corpus.text("a") == " ".join(words_a)
    return corpus, tokens


def _coded(tokens, codebook, corpus):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = autocode(tokens, codebook, corpus=corpus)
    return out, [x.message for x in caught if isinstance(x.message, ResearchKitWarning)]


def test_a_rule_that_slips_past_the_check_warns_and_returns(tmp_path, monkeypatch, hang_guard):
    # The static check switched off: the codebook file reads with an exponential rule.
    monkeypatch.setattr(PARSE, "regex_problem", lambda text: None)
    monkeypatch.setattr(A, "REGEX_TIMEOUT", 0.2)
    path = tmp_path / "codebook.yml"
    path.write_text("languages: [fr]\ncodes:\n  - id: slow\n    label: Lente\n    rules:\n      fr:\n"
                    "        regex: ['(a|aa)+$']\n  - id: fatigue\n    label: Fatigue\n    rules:\n"
                    "      fr:\n        lemmas: [fatigue]\n", encoding="utf-8")
    codebook = read_codebook(path)
    corpus, tokens = _slow_corpus(tmp_path, ["fatigue", "a" * 60 + "!"], ["fatigue", "aa"])
    out, caught = _coded(tokens, codebook, corpus)
    [warning] = caught
    assert warning.code == "RK-G16"
    assert 'code "slow"' in str(warning) and '"(a|aa)+$"' in str(warning) and '"a"' in str(warning)
    found = set(zip(out["doc_id"], out["code"]))
    # the other rules of that document, and the slow rule elsewhere, are kept
    assert found == {("a", "fatigue"), ("b", "fatigue"), ("b", "slow")}
    # the incomplete document is not cached: the next call tries again, and says so again
    again, caught = _coded(tokens, codebook, corpus)
    assert [x.code for x in caught] == ["RK-G16"]
    assert again.equals(out)


def test_a_rule_built_in_memory_that_hangs_is_left_out_after_a_few_documents(tmp_path, monkeypatch, hang_guard):
    monkeypatch.setattr(A, "REGEX_TIMEOUT", 0.2)
    monkeypatch.setattr(A, "REGEX_MAX_TIMEOUTS", 2)
    codebook = Codebook((CodeEntry("slow", label={"fr": "Lente"}, rules={"fr": Rules(regex=("(a|aa)+$",))}),),
                        languages=("fr",))  # built in memory: never checked
    rows = [w(f"d{i}", 0, 0, "a" * 80 + "!") for i in range(5)]
    corpus = make_corpus(rows, {(f"d{i}", 0): ("Marie", "participant") for i in range(5)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = autocode(make_tokens(rows), codebook, corpus=corpus)
    [warning] = [x.message for x in caught if isinstance(x.message, ResearchKitWarning)]
    assert warning.code == "RK-G16" and out.empty
    assert 'on "d0", "d1", and was not tried on "d2", "d3", "d4"' in str(warning)


def test_a_slow_rule_the_check_accepts_runs_out_of_time_too(tmp_path, monkeypatch, hang_guard):
    # ".*" between two words that may not come: quadratic on a long turn, not exponential,
    # so the static check accepts it; 60,000 "il" without "faut" are ~10^10 steps.
    rule = r"(?i)\bil\b.*\bfaut\b"
    assert regex_problem(rule) is None
    monkeypatch.setattr(A, "REGEX_TIMEOUT", 0.5)
    codebook = Codebook((CodeEntry("reco", label={"fr": "Reco"}, rules={"fr": Rules(regex=(rule,))}),),
                        languages=("fr",))
    rows = [w("long", 0, 0, "il") for _ in range(60_000)]
    corpus = make_corpus(rows, {("long", 0): ("Marie", "participant")})
    with pytest.warns(ResearchKitWarning, match=r"RK-G16.*\"long\""):
        out = autocode(make_tokens(rows), codebook, corpus=corpus)
    assert out.empty


def test_a_regex_that_does_not_compile_is_coded_at_coding_time_too():
    codebook = Codebook((CodeEntry("a", label={"fr": "A"}, rules={"fr": Rules(regex=("(",))}),), languages=("fr",))
    rows = [w("d", 0, 0, "texte")]
    corpus = make_corpus(rows, {("d", 0): ("Marie", "participant")})
    with pytest.raises(CodingError, match=r'RK-K14.*code "a".*"\("'):
        autocode(make_tokens(rows), codebook, corpus=corpus)


# --------------------------------------------------------------------------- deep hierarchies


@pytest.mark.parametrize("n", [1_000, 10_000])
def test_a_deep_parent_chain_reads(tmp_path, n, hang_guard):
    lines = ["languages: [fr]", "codes:"]
    for i in range(1, n + 1):
        lines += [f"  - id: code_{i}", f"    label: Code {i}"] + ([f"    parent: code_{i - 1}"] if i > 1 else [])
    path = tmp_path / "chain.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook = read_codebook(path)
    assert len(codebook) == n
    assert codebook.codes["depth"].tolist() == list(range(n))
    assert codebook.ancestors(f"code_{n}")[-1] == "code_1"
    assert len(codebook.descendants("code_1")) == n


def test_a_deep_chain_given_children_first_reads_and_a_cycle_is_one_problem(tmp_path, hang_guard):
    n = 10_000
    rows = ["code,parent,label_fr"] + [f"code_{i},{f'code_{i - 1}' if i > 1 else ''},Code {i}" for i in range(n, 0, -1)]
    path = tmp_path / "chain.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    codebook = read_codebook(path)
    assert [e.code for e in codebook.entries[:3]] == ["code_1", "code_2", "code_3"]
    assert int(codebook.codes["depth"].max()) == n - 1
    rows[-1] = f"code_1,code_{n},Code 1"  # the top code's parent is the deepest one
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.code, problem.line) == ("RK-K07", 2)  # where the cycle's first code in the file stands
    assert "(10,000 codes in all)" in str(problem) and len(str(problem)) < 1_000


def test_deeply_nested_children_read(tmp_path, hang_guard):
    depth = 45  # nesting in the YAML itself (children: under children:): 90 levels, under YAML's limit of 100
    lines, indent = ["languages: [fr]", "codes:"], "  "
    for i in range(depth):
        lines += [f"{indent}- id: c{i}", f"{indent}  label: C{i}", f"{indent}  children:"]
        indent += "    "
    lines += [f"{indent}- id: leaf", f"{indent}  label: Feuille"]
    path = tmp_path / "nested.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook = read_codebook(path)
    assert len(codebook) == depth + 1
    assert codebook.entry("leaf").parent == f"c{depth - 1}"
    assert len(codebook.ancestors("leaf")) == depth


def test_children_nested_past_the_yaml_depth_limit_is_a_coded_error(tmp_path, hang_guard):
    from research_kit.errors import CodebookError

    lines, indent = ["languages: [fr]", "codes:"], "  "
    for i in range(60):  # 120 levels of YAML
        lines += [f"{indent}- id: c{i}", f"{indent}  label: C{i}", f"{indent}  children:"]
        indent += "    "
    lines += [f"{indent}- id: leaf", f"{indent}  label: Feuille"]
    path = tmp_path / "nested.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="RK-K01"):
        read_codebook(path)


# --------------------------------------------------------------------------- QDA imports


def _qdpx(path, codes_xml):
    """A .qdpx as QDA programs write it: project.qde and the source under sources/, deflated."""
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="Mêmes noms" origin="Hand-written from REFI-QDA 1.5">\n'
           f"  <CodeBook>\n    <Codes>\n{codes_xml}    </Codes>\n  </CodeBook>\n"
           "  <Sources>\n"
           '    <TextSource guid="50000000-0000-4000-8000-000000000001" name="entrevue.txt"\n'
           '                plainTextPath="internal://50000000-0000-4000-8000-000000000001.txt"/>\n'
           "  </Sources>\n</Project>\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr("sources/50000000-0000-4000-8000-000000000001.txt", "On est épuisés.\n".encode("utf-8"))
    return path


def test_ten_thousand_codes_of_one_name_import_with_unique_names(tmp_path, hang_guard):
    n = 10_000
    codes = "".join(f'      <Code guid="c0de0000-0000-4000-8000-{i:012d}" name="Fatigue" isCodable="true"/>\n'
                    for i in range(n))
    project = read_qdpx(_qdpx(tmp_path / "many.qdpx", codes))
    ids = project.codebook.codes["code"].tolist()
    assert len(ids) == n and len(set(ids)) == n
    assert ids[:3] == ["Fatigue", "Fatigue_2", "Fatigue_3"] and ids[-1] == f"Fatigue_{n}"
    assert {project.codebook.label(c) for c in ids} == {"Fatigue"}


def test_unique_names_skip_the_names_already_taken(tmp_path):
    # "Fatigue_2" exists as a name of its own: the second "Fatigue" becomes "Fatigue_3"
    codes = "".join(f'      <Code guid="c0de0000-0000-4000-8000-{i:012d}" name="{name}" isCodable="true"/>\n'
                    for i, name in enumerate(["Fatigue", "Fatigue_2", "Fatigue", "Fatigue"]))
    project = read_qdpx(_qdpx(tmp_path / "taken.qdpx", codes))
    assert project.codebook.codes["code"].tolist() == ["Fatigue", "Fatigue_2", "Fatigue_3", "Fatigue_4"]


# --------------------------------------------------------------------------- writers of deep hierarchies


DEEP = 2_000


def _deep_chain(n=DEEP):
    """A chain of ``n`` codes, each the child of the one before, built in memory."""
    return Codebook(tuple(CodeEntry(f"c{i}", parent=f"c{i - 1}" if i else None,
                                    label={"fr": f"Code {i}", "en": f"Code {i} en"}, definition={"fr": f"Déf {i}"})
                          for i in range(n)), title="Chaîne", languages=("fr", "en"))


def _nested_codes(data):
    """The ``Code`` elements of a REFI-QDA document as (guid, name, parent guid), walked without recursion."""
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))  # deeper than lxml's default 256 levels
    codes = [el for el in root.iter() if etree.QName(el).localname == "Codes"][0]
    out, stack = [], [(el, None) for el in reversed(codes)]
    while stack:
        el, parent = stack.pop()
        if etree.QName(el).localname == "Code":
            out.append((el.get("guid"), el.get("name"), parent))
            stack.extend((child, el.get("guid")) for child in reversed(el))
    return out


def _assert_chain_nested(data, n=DEEP):
    from research_kit.qda.mapping import stable_guid

    codes = _nested_codes(data)  # the codebook's codes come first, then the speakers' folder
    assert [name for _, name, _ in codes[:n]] == [f"Code {i}" for i in range(n)]
    assert [parent for _, _, parent in codes[:n]] == [None] + [stable_guid("code", f"c{i}") for i in range(n - 1)]


@pytest.mark.parametrize("suffix", [".yml", ".csv"])
def test_a_deep_chain_writes_and_reads_back(tmp_path, suffix, hang_guard):
    from research_kit.codebook import write_codebook

    codebook = _deep_chain()
    path = write_codebook(codebook, tmp_path / f"chain{suffix}")
    text = path.read_text(encoding="utf-8-sig")
    assert all(f"Code {i} en" in text for i in range(DEEP))
    back = read_codebook(path)
    assert back == codebook and int(back.codes["depth"].max()) == DEEP - 1


def test_a_deep_chain_is_written_flat_in_yaml_and_a_shallow_one_nested(tmp_path, hang_guard):
    from research_kit.codebook import write_codebook

    deep = write_codebook(_deep_chain(), tmp_path / "deep.yml").read_text(encoding="utf-8")
    assert "children:" not in deep and f"parent: c{DEEP - 2}" in deep  # YAML nested 4,000 levels would not read
    shallow = write_codebook(_deep_chain(30), tmp_path / "shallow.yml").read_text(encoding="utf-8")
    assert shallow.count("children:") == 29 and "parent:" not in shallow
    assert read_codebook(tmp_path / "shallow.yml") == _deep_chain(30)


def test_a_deep_chain_exports_as_nested_qdc(tmp_path, hang_guard):
    from research_kit.errors import QdaError
    from research_kit.qda import read_qdc, write_qdc
    from research_kit.qda.qde import Report, parse_codebook

    codebook = _deep_chain()
    data = write_qdc(codebook, tmp_path / "chain.qdc").read_bytes()
    _assert_chain_nested(data)
    assert max(len(line) for line in data.splitlines()) < 300  # indentation does not grow with the depth
    from lxml import etree

    codes = parse_codebook(etree.fromstring(data, etree.XMLParser(huge_tree=True)), Report())
    assert [c.name for c in codes] == [f"Code {i}" for i in range(DEEP)]
    assert all(c.parent == p.guid for p, c in zip(codes, codes[1:]))
    try:
        back = read_qdc(tmp_path / "chain.qdc", codebook=codebook)
    except QdaError as e:  # lxml refuses more than 256 levels: a coded error, not a crash
        assert e.code == "RK-Q07" and "chain.qdc" in str(e)
    else:
        assert back.codebook.codes["code"].tolist() == [f"c{i}" for i in range(DEEP)]


def test_a_deep_chain_exports_as_nested_qdpx(tmp_path, hang_guard):
    from research_kit.errors import QdaError
    from research_kit.qda import write_qdpx

    codebook = _deep_chain()
    corpus = read_corpus(ROOT / "corpora" / "demo")
    with pytest.warns(ResearchKitWarning, match="RK-Q22"):  # the demo corpus names its speakers
        path = write_qdpx(tmp_path / "chain.qdpx", corpus=corpus, codebook=codebook)
    with zipfile.ZipFile(path) as z:
        _assert_chain_nested(z.read("project.qde"))
        kept = z.read("research-kit/codebook.yml")
    (tmp_path / "kept.yml").write_bytes(kept)
    assert read_codebook(tmp_path / "kept.yml") == codebook
    try:
        back = read_qdpx(path)
    except QdaError as e:  # lxml refuses more than 256 levels: a coded error, not a crash
        assert e.code == "RK-Q07" and "chain.qdpx" in str(e)
    else:
        assert back.codebook == codebook


def test_a_deep_chain_renders_with_short_numbers(tmp_path, hang_guard):
    from research_kit.render.codebook import codebook_markdown, write_codebook_docx

    codebook = _deep_chain()
    text = codebook_markdown(codebook, lang="en")
    assert all(f"Code {i} en (`c{i}`)" in text for i in range(DEEP))
    assert "- 1\\. Code 0 en (`c0`)" in text and "- 1.1.1.1.1.1.1 Code 6 en (`c6`)" in text
    assert "- 1.1.1.1.1.1.….1 Code 7 en (`c7`)" in text
    assert f"- 1.1.1.1.1.1.….1 Code {DEEP - 1} en (`c{DEEP - 1}`)" in text  # not 2,000 numbers long
    with zipfile.ZipFile(write_codebook_docx(codebook, tmp_path / "chain.docx", lang="fr")) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert all(f"Code\u00a0{i}<" in xml for i in range(DEEP))  # the number held to its word


def test_coders_of_one_file_name_get_numbered_files(tmp_path, hang_guard):
    from research_kit.qda.folder import write_qda_folder

    names = ["Ana", "Ana-2", "ana"] + [f"Ana{'!' * k}" for k in range(1, 301)]  # all "Ana" once made file names
    users = "".join(f'    <User guid="00000000-0000-4000-8000-{i:012d}" name="{n}"/>\n' for i, n in enumerate(names))
    codings = "".join(f'        <Coding guid="c0000000-0000-4000-8000-{i:012d}" creatingUser="00000000-0000-4000'
                      f'-8000-{i:012d}"><CodeRef targetGUID="c0de0000-0000-4000-8000-000000000000"/></Coding>\n'
                      for i in range(len(names)))
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="Codeurs">\n'
           f"  <Users>\n{users}  </Users>\n"
           '  <CodeBook><Codes><Code guid="c0de0000-0000-4000-8000-000000000000" name="Fatigue" isCodable="true"/>'
           "</Codes></CodeBook>\n  <Sources>\n"
           '    <TextSource guid="50000000-0000-4000-8000-000000000001" name="entrevue.txt"\n'
           '                plainTextPath="internal://50000000-0000-4000-8000-000000000001.txt">\n'
           '      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" startPosition="0" endPosition="6">\n'
           f"{codings}      </PlainTextSelection>\n    </TextSource>\n  </Sources>\n</Project>\n")
    with zipfile.ZipFile(tmp_path / "coders.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr("sources/50000000-0000-4000-8000-000000000001.txt", "On est épuisés.\n".encode("utf-8"))
    written = write_qda_folder(read_qdpx(tmp_path / "coders.qdpx"), tmp_path / "out")
    files = sorted(p.stem for p in (tmp_path / "out" / "codings").iterdir())
    assert len(files) == len(names) == len({f.lower() for f in files})
    assert {"Ana", "Ana-2", "Ana-2-2", "ana-302"} <= set(files)  # "Ana-2" was taken by "Ana!" when its turn came
    assert sum(p.parent.name == "codings" for p in written) == len(names)
