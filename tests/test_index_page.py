"""The front door: OUT/index.html, a bilingual catalogue of every brief of the folder, grouped by kind."""

import json
from html.parser import HTMLParser

import nbformat

from research_kit.briefs import run_batch, write_index

NOTEBOOKS = "/somewhere/notebooks"


class Page(HTMLParser):
    """What a test needs of the page: links, sections (by id) and the brief names in each, resources."""

    def __init__(self, text):
        super().__init__()
        self.links, self.sections, self.resources, self.tags = [], {}, [], []
        self.section = None
        self.html_lang = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "section":
            self.section = attrs.get("id")
            self.sections[self.section] = []
        if tag == "a":
            self.links.append((self.section, attrs["href"]))
        if tag in ("script", "link", "img", "iframe") or "src" in attrs:
            self.resources.append((tag, attrs))


def entry(name, notebook, *, outputs=(), status="done", **more):
    return {"name": name, "status": status, "notebook": f"{NOTEBOOKS}/{notebook}",
            "outputs": {fmt: path for fmt, path in outputs}, "parameters": {"lang": more.pop("lang", "fr")}, **more}


def files(out, name, formats):
    """Empty output files as the renderers name them; returns (format, path) pairs."""
    made = []
    names = {"html": f"{name}.html", "pdf": f"{name}.pdf", "docx": f"{name}.docx", "md": f"{name}-md",
             "pptx": f"{name}-slides.pptx", "cards": f"{name}-cards.pdf", "cards-html": f"{name}-cards.html"}
    for fmt in formats:
        path = out / name / names[fmt]
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "md":
            path.mkdir()
            (path / f"{name}.md").write_text("# x\n", encoding="utf-8")
        else:
            path.write_text(f"<title>Titre de {name}</title>" if fmt == "html" else "x", encoding="utf-8")
        made.append((fmt, f"{name}/{names[fmt]}"))
    return made


def folder(tmp_path, page_lang=None):
    out = tmp_path / "briefs"
    everything = ["html", "pdf", "docx", "md", "pptx", "cards", "cards-html"]
    briefs = [
        entry("seance-a-fr", "session_brief.ipynb", outputs=files(out, "seance-a-fr", everything), kind="session",
              title="Atelier 1 — diagnostic <partagé>", dates=["2025-02-13"], lang="fr"),
        entry("session-a-en", "session_brief.ipynb", outputs=files(out, "session-a-en", ["html", "pdf"]),
              title="Atelier 1 — diagnostic <partagé>", dates=["2025-02-13"], lang="en"),
        entry("processus-fr", "process_brief.ipynb", outputs=files(out, "processus-fr", ["html", "docx"]),
              title="Communauté de pratique", dates=["2025-01-22", "2025-06-18"]),
        # an entry written before the manifest kept kinds and titles: both found again
        entry("theme-care-fr", "thematic_brief.ipynb", outputs=files(out, "theme-care-fr", ["html"])),
        entry("revue-fr", "coding_review.ipynb", outputs=files(out, "revue-fr", ["pdf"]), title="Revue"),
        entry("explorateur-en", "corpus_explorer.ipynb", outputs=files(out, "explorateur-en", ["html"]),
              title="Explorer", lang="en", dates=["2024-11-30", "2025-01-01"]),
        # the last run failed, the previous version is still there
        entry("seance-b-fr", "session_brief.ipynb", status="failed", error="RuntimeError: Kernel died", cell=4,
              previous_outputs=dict(files(out, "seance-b-fr", ["html"])), title="Atelier 2"),
        # failed and never made: only in the failures
        entry("theme-x-fr", "thematic_brief.ipynb", status="failed", error="[RK-B42] no code 'x'."),
        # a PDF listed but deleted since: not linked
        entry("seance-c-fr", "session_brief.ipynb", outputs=[*files(out, "seance-c-fr", ["html"]),
                                                            ("pdf", "seance-c-fr/seance-c-fr.pdf")], title="Atelier 3"),
    ]
    (out / "logs").mkdir()
    (out / "logs" / "theme-x-fr.log").write_text("FAILED\n", encoding="utf-8")
    data = {"written": "2025-07-01T10:00:00+00:00", "briefs": briefs}
    if page_lang:
        data["lang"] = page_lang
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    return out, briefs


def test_every_brief_is_listed_with_a_link_to_each_of_its_formats(tmp_path):
    out, briefs = folder(tmp_path)
    text = write_index(out).read_text(encoding="utf-8")
    page = Page(text)
    hrefs = {href for _, href in page.links}
    for b in briefs:
        assert b["name"] in text
        shown = b["previous_outputs"] if b["status"] == "failed" and "previous_outputs" in b else b["outputs"]
        for fmt, path in shown.items():
            if (out / path).exists():
                assert (path if fmt != "md" else f"{path}/{b['name']}.md") in hrefs, (b["name"], fmt)
    assert "seance-c-fr/seance-c-fr.pdf" not in hrefs  # deleted: no dead link
    assert all((out / href).exists() for href in hrefs if not href.startswith("#"))
    # the 7 formats of the first brief, each once
    assert len([h for h in hrefs if h.startswith("seance-a-fr/")]) == 7


def test_briefs_are_grouped_by_kind_and_failures_listed_apart(tmp_path):
    out, _ = folder(tmp_path)
    text = write_index(out).read_text(encoding="utf-8")
    page = Page(text)
    assert list(page.sections) == ["failed", "session", "process", "theme", "coding_review", "explorer"]
    where = {href.split("/")[0]: section for section, href in page.links if "/" in href}
    assert where["seance-a-fr"] == where["session-a-en"] == where["seance-c-fr"] == "session"
    assert where["processus-fr"] == "process" and where["theme-care-fr"] == "theme"
    assert where["revue-fr"] == "coding_review" and where["explorateur-en"] == "explorer"
    failed = text.split('id="failed"', 1)[1].split("</section>", 1)[0]
    assert "RuntimeError: Kernel died" in failed and "cellule 4" in failed and "[RK-B42] no code" in failed
    assert ("failed", "logs/theme-x-fr.log") in page.links
    # the failed brief with a previous version stays in its group, marked; the other is only in the failures
    assert where["seance-b-fr"] == "session" and 'class="brief stale"' in text
    assert "theme-x-fr" not in text.split("</section>", 1)[1]


def test_titles_dates_and_languages_are_shown_in_each_briefs_language(tmp_path):
    out, _ = folder(tmp_path)
    text = write_index(out).read_text(encoding="utf-8")
    # most briefs are in French: a French page, with the English labels beside
    assert Page(text).html_lang == "fr"
    assert "Séances" in text and "Sessions" in text and "Processus participatifs" in text
    assert "Atelier 1 — diagnostic &lt;partagé&gt;" in text and "<partagé>" not in text
    assert "Titre de theme-care-fr" in text  # an old entry's title, read from its HTML
    assert "13 février 2025" in text and "22 janvier – 18 juin 2025" in text
    # an English brief's card speaks English on the French page, and says so to the browser
    explorer = text.split('class="brief" lang="en"><h3><a href="explorateur-en/', 1)[1].split("</li></ul>", 1)[0]
    assert "30 November 2024 – 1 January 2025" in explorer and "English" in explorer and "Web page" in explorer
    assert "novembre 2024" not in text and "anglais" not in text
    assert "français" in text
    # the plan may say the page's language
    out_en, _ = folder(tmp_path / "en", page_lang="en")
    text = write_index(out_en).read_text(encoding="utf-8")
    assert Page(text).html_lang == "en"
    assert "13 février 2025" in text and "22 janvier – 18 juin 2025" in text and "français" in text  # French cards
    assert "30 November 2024 – 1 January 2025" in text
    assert text.index("Sessions") < text.index("Séances")


def test_the_page_needs_no_network_and_fits_a_phone(tmp_path):
    out, _ = folder(tmp_path)
    text = write_index(out).read_text(encoding="utf-8")
    page = Page(text)
    assert page.resources == [] and "script" not in page.tags
    assert "http://" not in text and "https://" not in text and "@import" not in text and "url(" not in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert "minmax(min(100%, 20rem), 1fr)" in text  # one column when the screen is narrower than a card


def notebook(path, body, params='corpus: str = ""\nlang: str = "en"'):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("from research_kit import show"), nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def test_a_batch_writes_the_catalogue_of_its_briefs(tmp_path):
    notebook(tmp_path / "session_brief.ipynb", "show.meta(lang=lang, title='Atelier imaginaire')\n"
                                               "show.heading('Qui a pris part')")
    notebook(tmp_path / "notes.ipynb", "show.heading('Notes')")
    plan = {"_path": str(tmp_path / "plan.yml"), "formats": ["html", "md"], "title": "Nos notes", "lang": "fr",
            "briefs": [{"notebook": "session_brief.ipynb", "name": "s-{lang}", "parameters": {"lang": ["fr", "en"]}},
                       {"notebook": "notes.ipynb", "name": "notes"}]}
    out = tmp_path / "out"
    results = run_batch(plan, out=out, jobs=2, progress=False)
    assert [r.status for r in results] == ["done", "done", "done"]
    assert results[1].title == "Atelier imaginaire" and results[1].lang == "en" and results[1].kind == "session"
    text = (out / "index.html").read_text(encoding="utf-8")
    page = Page(text)
    for name in ("s-fr", "s-en", "notes"):
        assert any(section and href == f"{name}/{name}.html" for section, href in page.links), name
        assert any(href == f"{name}/{name}-md/{name}.md" for _, href in page.links), name
    session = text.split('id="session"', 1)[1].split("</section>", 1)[0]
    assert session.count("Atelier imaginaire") == 2 and 'lang="en"' in session
    assert "notes/notes.html" in text.split('id="other"', 1)[1]
    assert page.html_lang == "fr" and "<h1>Nos notes</h1>" in text  # the plan's title and language
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lang"] == "fr" and manifest["title"] == "Nos notes"
