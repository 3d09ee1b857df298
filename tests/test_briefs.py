"""The brief pipeline end to end: papermill on every notebook, on the pseudonymised demo corpus.

One module-scoped batch (pseudonymise, then six briefs in two processes) feeds most tests;
they check what the outputs say, that no original name reaches any file, that an
unchanged re-run is skipped, and that failures stay contained.
"""

import json
import re

import docx
import pytest
from pptx import Presentation
from pypdf import PdfReader

from research_kit.anonymise import leaks
from research_kit.anonymise.folder import write_pseudonymised
from research_kit.briefs import run_batch, run_brief
from research_kit.errors import BriefError, PseudonymisationError
from tests.helpers import ROOT

NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    work = tmp_path_factory.mktemp("briefs")
    key = work / "private" / "key.json"
    # as make demo does: the team's list of the people to hide, beside what detection finds
    write_pseudonymised(ROOT / "corpora/demo", work / "corpus", key=key, names=ROOT / "corpora/demo/names-to-hide.csv")
    plan = {
        "_path": str(work / "plan.yml"),
        "corpus": str(work / "corpus"),
        "formats": ["html", "docx", "pdf", "md"],
        "workshop_pack": True,
        "briefs": [
            {"notebook": str(NOTEBOOKS / "session_brief.ipynb"), "name": "session-{lang}",
             "parameters": {"doc_id": "bxl-atelier-2", "lang": ["fr", "en"]}},
            {"notebook": str(NOTEBOOKS / "process_brief.ipynb"), "name": "process",
             "parameters": {"variable": "project", "value": "Consultation Quartier du Canal", "lang": "fr"}},
            {"notebook": str(NOTEBOOKS / "thematic_brief.ipynb"), "name": "theme",
             "parameters": {"code": "conditions", "lang": "en"}},
            {"notebook": str(NOTEBOOKS / "corpus_explorer.ipynb"), "name": "explorer", "parameters": {"lang": "fr"}},
            {"notebook": str(NOTEBOOKS / "coding_review.ipynb"), "name": "review", "parameters": {"lang": "en"}},
        ],
    }
    out = work / "out"
    results = run_batch(plan, jobs=2, out=out, progress=False)
    return {"work": work, "key": key, "plan": plan, "out": out, "results": {r.name: r for r in results}}


def html(batch, name):
    import html as _html

    return _html.unescape((batch["out"] / name / f"{name}.html").read_text(encoding="utf-8"))


def test_every_brief_ran(batch):
    assert {n: r.status for n, r in batch["results"].items()} == dict.fromkeys(
        ["session-fr", "session-en", "process", "theme", "explorer", "review"], "done")


def test_session_brief_follows_its_language(batch):
    fr, en = html(batch, "session-fr"), html(batch, "session-en")
    for heading in ("Qui a pris part", "Égalité de la prise de parole", "Thèmes principaux", "Mots caractéristiques",
                    "Recommandations et besoins exprimés", "Classification thématique"):
        assert heading in fr
    for heading in ("Who took part", "Equality of voice", "Main themes", "Keywords", "Recommendations and needs voiced"):
        assert heading in en
    assert "Qui a pris part" not in en and '<html lang="en"' in en
    # role labels and plain words in the brief's language
    assert "resident" in en and "How to read these numbers" in en and "habitant·e</td>" not in en
    # no code, no stray output
    assert "brief_context" not in fr and "import research_kit" not in fr and "Traceback" not in fr
    # pseudonyms by role, with the title of the workshop
    assert "Habitant·e" in fr and "Atelier participatif 2" in fr
    # the notice says what the copy hides: the demo names real people, so the local policy
    assert "les rues, équipements de quartier" in fr and "streets, local facilities" in en


def test_docx_pdf_md_slides_and_cards_hold_the_brief(batch):
    folder = batch["out"] / "session-fr"
    document = docx.Document(str(folder / "session-fr.docx"))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 2"} <= styles
    assert any(p.text == "Qui a pris part" for p in document.paragraphs)
    assert len(document.tables) >= 3 and len(document.inline_shapes) >= 2
    pdf = PdfReader(str(folder / "session-fr.pdf"))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Qui a pris part" in text and len(pdf.pages) >= 2
    md = (folder / "session-fr-md" / "session-fr.md").read_text(encoding="utf-8")
    assert "## Qui a pris part" in md
    images = [line.split("](")[1].rstrip(")") for line in md.splitlines() if line.startswith("![")]
    assert images and all((folder / "session-fr-md" / i).exists() for i in images)
    assert len(Presentation(str(folder / "session-fr-slides.pptx")).slides) >= 3
    assert PdfReader(str(folder / "session-fr-cards.pdf")).pages


def test_process_theme_explorer_and_review_say_what_they_should(batch):
    process = html(batch, "process")
    assert "Thèmes par groupe d'acteurs" in process and "Recommandations et séances d'origine" in process
    # the register is complete, session by session: the last workshop has its heading too
    assert "Atelier participatif 4 — recommandations et restitution (2025-05-22)" in process
    assert "Comment lire ces chiffres" in process
    theme = html(batch, "theme")
    assert "Conditions of participation" in theme and "Questions for the workshop" in theme
    assert "Definition" in theme
    explorer = html(batch, "explorer")
    assert "Documents" in explorer and "Concordance" in explorer and "il faudrait" in explorer
    review = html(batch, "review")
    # the demo ships two coders: agreement and the disagreements to discuss
    assert "Agreement between coders" in review and "Krippendorff" in review and "Disagreements to discuss" in review


def test_no_output_file_contains_a_name_of_the_key(batch):
    # every file the batch wrote: briefs, figures, markdown, slides, cards, logs, manifest, index
    assert list(batch["out"].rglob("*.log")) and (batch["out"] / "manifest.json").exists()
    assert leaks(batch["out"], batch["key"]) == []
    # none of the people the corpus was told to hide is named anywhere, in any case
    from research_kit.anonymise import read_names

    hidden = [name for name, _ in read_names(ROOT / "corpora/demo/names-to-hide.csv")]
    assert len(hidden) > 100 and leaks(batch["out"], batch["key"], strict=False) == []
    texts = [p.read_text(encoding="utf-8", errors="ignore") for p in batch["out"].rglob("*")
             if p.is_file() and p.suffix in (".html", ".md", ".log", ".json")]
    found = {n for n in hidden if len(n) > 3 for t in texts if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", t)}
    assert found == set()
    # and the check is real: a planted name is found
    planted = batch["work"] / "planted.txt"
    planted.write_text("Merci à Gérard Van Hove pour la salle.", encoding="utf-8")
    assert leaks(planted, batch["key"])


def test_manifest_lists_inputs_parameters_outputs_status(batch):
    manifest = json.loads((batch["out"] / "manifest.json").read_text(encoding="utf-8"))
    entry = next(b for b in manifest["briefs"] if b["name"] == "session-fr")
    assert entry["status"] == "done" and entry["parameters"]["doc_id"] == "bxl-atelier-2"
    assert any(k.startswith("corpus:transcripts/") for k in entry["inputs"])
    assert all(len(v) == 64 for k, v in entry["inputs"].items() if k.startswith(("corpus:", "notebook:")))
    assert set(entry["outputs"]) >= {"html", "docx", "pdf", "md", "pptx", "cards"}
    assert (batch["out"] / entry["outputs"]["html"]).exists()


def test_unchanged_rerun_is_skipped(batch):
    again = run_batch(batch["plan"], jobs=2, out=batch["out"], progress=False)
    assert {r.status for r in again} == {"skipped"}


def test_refuses_a_corpus_that_names_people(tmp_path):
    with pytest.raises(PseudonymisationError, match="RK-D08"):
        run_brief(NOTEBOOKS / "session_brief.ipynb", corpus=ROOT / "corpora/demo", out=tmp_path,
                  parameters={"doc_id": "mtl-cop-01"}, formats=["html"])


def test_unknown_parameter_is_refused_with_a_suggestion(batch, tmp_path):
    with pytest.raises(BriefError, match="RK-B31") as err:
        run_brief(NOTEBOOKS / "session_brief.ipynb", corpus=batch["work"] / "corpus", out=tmp_path,
                  parameters={"docid": "mtl-cop-01"}, formats=["html"])
    assert 'Did you mean "doc_id"' in str(err.value)


def test_a_failing_brief_keeps_the_previous_one_and_does_not_stop_the_others(batch, tmp_path):
    out = tmp_path / "out"
    corpus = batch["work"] / "corpus"
    good = run_brief(NOTEBOOKS / "session_brief.ipynb", corpus=corpus, out=out, name="s",
                     parameters={"doc_id": "mtl-cop-02"}, formats=["html"])
    assert good.status == "done"
    before = (out / "s" / "s.html").read_bytes()
    # "s" fails inside its kernel (corpus.yml is a file of the corpus, but not a codebook); "u" names a
    # document the corpus does not have, refused before any kernel starts
    plan = {"_path": str(tmp_path / "plan.yml"), "corpus": str(corpus), "formats": ["html"], "briefs": [
        {"notebook": str(NOTEBOOKS / "session_brief.ipynb"), "name": "s",
         "parameters": {"doc_id": "mtl-cop-02", "codebook": "corpus.yml"}},
        {"notebook": str(NOTEBOOKS / "session_brief.ipynb"), "name": "t", "parameters": {"doc_id": "mtl-cop-03"}},
        {"notebook": str(NOTEBOOKS / "session_brief.ipynb"), "name": "u", "parameters": {"doc_id": "no-such-doc"}},
    ]}
    results = {r.name: r for r in run_batch(plan, jobs=2, out=out, progress=False)}
    assert results["s"].status == "failed" and results["t"].status == "done"
    assert results["s"].cell is not None
    assert results["u"].status == "failed" and "no-such-doc" in results["u"].error
    assert (out / "s" / "s.html").read_bytes() == before  # the earlier brief is untouched
    assert (out / "_failed" / "s.ipynb").exists()  # kept for debugging
    assert "FAILED" in (out / "logs" / "s.log").read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_cli_batch_exits_nonzero_when_a_brief_failed(batch, tmp_path):
    from click.testing import CliRunner

    from research_kit.cli import main

    plan = tmp_path / "plan.yml"
    plan.write_text(f"corpus: {batch['work'] / 'corpus'}\nformats: [html]\nbriefs:\n"
                    f"  - notebook: {NOTEBOOKS / 'session_brief.ipynb'}\n    name: bad\n"
                    "    parameters: {doc_id: nope}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(plan), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "FAILED  bad" in result.output
