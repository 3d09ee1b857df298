import pytest

from research_kit.briefs import expand_plan, read_plan
from research_kit.cli import _parse_params
from research_kit.errors import InputFileError
from tests.helpers import DATA, ROOT


def write_plan(tmp_path, body):
    nb = ROOT / "notebooks"
    path = tmp_path / "plan.yml"
    path.write_text(body.replace("NB", str(nb)).replace("CORPUS", str(DATA / "corpus_small")))
    return path


def test_for_each_document_with_where_and_language_product(tmp_path):
    plan = read_plan(write_plan(tmp_path, """
corpus: CORPUS
briefs:
  - notebook: NB/session_brief.ipynb
    for_each: document
    where: {site: Bruxelles}
    name: "seance-{doc_id}-{lang}"
    parameters: {lang: [fr, en]}
"""))
    briefs = expand_plan(plan)
    assert [b.name for b in briefs] == ["seance-atelier-2-fr", "seance-atelier-2-en", "seance-atelier-3-fr",
                                        "seance-atelier-3-en"]
    assert briefs[1].parameters["lang"] == "en" and briefs[1].parameters["doc_id"] == "atelier-2"
    assert briefs[0].parameters["corpus"] == str((DATA / "corpus_small").resolve())


def test_for_each_variable(tmp_path):
    plan = read_plan(write_plan(tmp_path, """
corpus: CORPUS
formats: [html]
workshop_pack: true
briefs:
  - notebook: NB/process_brief.ipynb
    for_each: {variable: site}
"""))
    briefs = expand_plan(plan)
    assert sorted(b.parameters["value"] for b in briefs) == ["Bruxelles", "Montréal"]
    assert briefs[0].formats == ("html", "pptx", "cards")
    assert all(b.name.startswith("process-brief-") or b.name.startswith("process_brief") for b in briefs)


def test_plan_errors_name_the_line(tmp_path):
    with pytest.raises(InputFileError, match="RK-B30") as err:
        read_plan(write_plan(tmp_path, "corpus: CORPUS\nbriefs:\n  - notebook: NB/x.ipynb\n    for_eche: document\n"))
    assert err.value.line == 4 and 'Did you mean "for_each"' in str(err.value)
    # a for_each that is not one of its forms is found when the plan is read, before any corpus is
    with pytest.raises(InputFileError, match="RK-B30") as err:
        read_plan(write_plan(tmp_path, "corpus: CORPUS\nbriefs:\n  - notebook: NB/x.ipynb\n    for_each: lieu\n"))
    assert err.value.line == 4


@pytest.mark.parametrize("text, line, words", [
    ("jobs: many\nbriefs:\n  - notebook: x.ipynb\n", 1, "whole number"),
    ("timeout: -3\nbriefs:\n  - notebook: x.ipynb\n", 1, "seconds"),
    ("briefs:\n  - notebook: x.ipynb\n    where: Bruxelles\n", 3, "variable: value"),
    ("briefs:\n  - notebook: x.ipynb\n    formats: [html, pfd]\n", 3, 'Did you mean "pdf"'),
    ("formats: html\nbriefs:\n  - notebook: x.ipynb\n", 1, "list"),
    ("briefs:\n  - notebook: [a, b]\n", 2, "file name"),
    ("lang: de\nbriefs:\n  - notebook: x.ipynb\n", 1, "must be fr or en"),
    ("lang: fre\nbriefs:\n  - notebook: x.ipynb\n", 1, 'Did you mean "fr"'),
])
def test_plan_fields_of_the_wrong_type_are_coded_errors(tmp_path, text, line, words):
    with pytest.raises(InputFileError, match="RK-B30") as err:
        read_plan(write_plan(tmp_path, text))
    assert err.value.line == line and words in str(err.value)


def test_cli_parameters_keep_leading_zeros_as_strings(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("lang: en\nn: 3\n")
    params = _parse_params((("session", "03"), ("n", "5"), ("flag", "true"), ("name", "Atelier 2")), (f,))
    assert params == {"lang": "en", "n": 5, "session": "03", "flag": True, "name": "Atelier 2"}


def test_every_problem_of_a_plan_at_once(tmp_path):
    from research_kit.briefs import PlanProblems

    text = ("corpus: CORPUS\njob: 2\nbriefs:\n  - notebook: NB/x.ipynb\n    for_eche: document\n"
            "  - name: sans-carnet\n")
    with pytest.raises(PlanProblems) as err:
        read_plan(write_plan(tmp_path, text))
    assert [(p.code, p.line) for p in err.value.problems] == [("RK-B30", 2), ("RK-B30", 5), ("RK-B30", 6)]
    assert err.value.line == 2 and "3 problems" in str(err.value)


def test_a_plan_may_set_the_index_pages_language(tmp_path):
    plan = read_plan(write_plan(tmp_path, "lang: en\ntitle: Nos notes\nbriefs:\n  - notebook: NB/x.ipynb\n"))
    assert plan["lang"] == "en" and plan["title"] == "Nos notes"


def test_briefs_start_longest_first_by_the_talk_they_cover(tmp_path):
    from research_kit.briefs.runner import Brief, _weight
    from research_kit.corpus import build_corpus

    import pandas as pd

    corpus = build_corpus(pd.DataFrame({"doc_id": ["court", "long"]}),
                          pd.DataFrame({"doc_id": ["court", "long", "long"], "speaker": ["A", "A", "B"],
                                        "text": ["oui", "a" * 50, "b" * 30]}))  # 3 and 80 characters
    key = str((tmp_path / "c").resolve())
    loaded = {key: (None, corpus)}
    nb = tmp_path / "n.ipynb"

    def brief(name, **params):
        return Brief(nb, {"corpus": str(tmp_path / "c"), **params}, name, ("md",))

    briefs = [brief("small", doc_id="court"), brief("whole"), brief("big", doc_id="long"),
              brief("elsewhere", doc_id="long", corpus=str(tmp_path / "other"))]
    sizes: dict = {}
    assert [_weight(b, loaded, sizes) for b in briefs] == [3, 83, 80, 0]
    order = sorted(briefs, key=lambda b: -_weight(b, loaded, sizes))
    assert [b.name for b in order] == ["whole", "big", "small", "elsewhere"]
