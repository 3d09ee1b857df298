"""Rendering a brief's blocks to HTML, DOCX, PDF, Markdown, slides and quote cards.

Blocks are built by hand (the brief model is what is tested, not the notebooks that
show it); every test checks what a format *says*, not only that a file exists.
"""

from __future__ import annotations

import base64
import io
import math
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import research_kit.render.docx as render_docx
import research_kit.render.markdown as render_markdown
from research_kit.blocks import MIME
from research_kit.errors import BriefError, ParameterError, ResearchKitError
from research_kit.render import (
    CARDS_PER_PAGE,
    blocks_from_notebook,
    render,
    to_cards,
    to_docx,
    to_html,
    to_markdown,
    to_pdf,
    to_pptx,
)

SECRET = "Ginette Secret"
QUESTIONS = ["Qui paie quoi ?", "Comment expliquer la facture ?", "Que faire d’ici l’été ?"]
ALT = "Diagramme en barres : les habitant·es prennent le plus la parole."
EVERYTHING = ("html", "docx", "pdf", "md", "pptx", "cards")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def figure_block() -> dict:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(["Élu·es", "Habitant·es", "Associations"], [12, 30, 7])
    ax.set_title("Prises de parole « par rôle »")
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", dpi=80)
    fig.savefig(svg, format="svg", metadata={"Date": None})
    return {"kind": "figure", "png": base64.b64encode(png.getvalue()).decode("ascii"), "svg": svg.getvalue(),
            "alt": ALT, "caption": "Prises de parole par rôle", "name": "prises-de-parole"}


def make_blocks(figure_block: dict, lang: str = "fr") -> list[dict]:
    return [
        {"kind": "meta", "lang": lang, "title": "Atelier citoyen n° 2 : l’eau", "subtitle": "Synthèse pour l’atelier",
         "corpus": "demo", "generated": "2024-05-03", "notice": "Corpus fictif : personnes inventées."},
        {"kind": "heading", "text": "Ce qui s’est dit", "level": 1},
        {"kind": "heading", "text": "En bref", "level": 2},
        {"kind": "paragraph", "text": "On compare 3<5 & **le coût** de l’eau, *au quotidien* ; œuvre « commune »."},
        {"kind": "bullets", "items": ["Premier point **clé**", "Second point"]},
        {"kind": "metrics", "items": [{"label": "Tours de parole", "value": "412"},
                                      {"label": "Personnes", "value": "14"}]},
        {"kind": "heading", "text": "Qui parle", "level": 2},
        {"kind": "table", "columns": ["rôle", "part | des mots"],
         "rows": [["Élu·e", "12 %"], ["Habitant·e", "58 %"]], "caption": "Répartition par rôle"},
        figure_block,
        {"kind": "quote", "text": "On paie l’eau deux fois & personne ne l’explique.", "speaker": "Camille",
         "role": "habitante", "source": "Atelier 2 — 2024-03-12", "theme": "Coût"},
        {"kind": "quote", "text": "Il faut un tarif social.", "speaker": "Yann", "role": None, "source": None,
         "theme": None},
        {"kind": "questions", "items": QUESTIONS},
        {"kind": "note", "text": "Méthode : *log-vraisemblance* sur les lemmes."},
    ]


N_FIGURES, N_QUOTES, N_QUESTIONS = 1, 2, 3


@pytest.fixture(scope="module")
def blocks(figure_block) -> list[dict]:
    return make_blocks(figure_block)


@pytest.fixture(scope="module")
def out(blocks, tmp_path_factory) -> dict[str, Path]:
    """Every format of the French brief, rendered once for the module."""
    return render(blocks, tmp_path_factory.mktemp("brief"), name="atelier-2", formats=EVERYTHING)


def notebook_with(blocks: list[dict]) -> nbformat.NotebookNode:
    """An executed brief notebook: the blocks, plus outputs that must never reach a brief."""
    cells = [new_markdown_cell(f"Notes de travail : {SECRET}"),
             new_code_cell(f"speaker = '{SECRET}'\nprint(speaker)", outputs=[
                 new_output("stream", name="stdout", text=f"{SECRET}\n"),
                 new_output("execute_result", data={"text/plain": f"'{SECRET}'"}, execution_count=1),
             ])]
    for number, block in enumerate(blocks):
        cells.append(new_code_cell(f"show.something({number})  # {SECRET}", outputs=[
            new_output("display_data", data={MIME: block, "text/markdown": f"{SECRET} {number}"}),
        ]))
    cells.append(new_code_cell("1/0", outputs=[
        new_output("error", ename="ZeroDivisionError", evalue=SECRET, traceback=[SECRET]),
        new_output("display_data", data={"text/html": f"<b>{SECRET}</b>"}),
        new_output("stream", name="stderr", text=f"warning: {SECRET}"),
    ]))
    nb = new_notebook(cells=cells)
    nbformat.validate(nb)
    return nb


def zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def hidden_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


# --------------------------------------------------------------------------- notebooks


def test_blocks_from_notebook_keeps_only_the_blocks_in_order(blocks, tmp_path):
    nb = notebook_with(blocks)
    assert blocks_from_notebook(nb) == blocks
    path = tmp_path / "brief.ipynb"
    nbformat.write(nb, path)
    assert blocks_from_notebook(path) == blocks
    assert blocks_from_notebook(str(path)) == blocks


def test_no_rendered_file_shows_what_the_notebook_did_not_show(blocks, tmp_path):
    found = blocks_from_notebook(notebook_with(blocks))
    written = render(found, tmp_path, name="brief", formats=EVERYTHING)
    texts = {
        "html": written["html"].read_text(encoding="utf-8"),
        "cards-html": written["cards-html"].read_text(encoding="utf-8"),
        "md": (written["md"] / "brief.md").read_text(encoding="utf-8"),
        "docx": zip_text(written["docx"]),
        "pptx": zip_text(written["pptx"]),
        "pdf": pdf_text(written["pdf"]),
        "cards": pdf_text(written["cards"]),
    }
    for fmt, text in texts.items():
        assert "tarif social" in text, fmt          # the brief's content is there...
        assert SECRET not in text, fmt              # ...and nothing else
    svg = (written["md"] / "figures" / "prises-de-parole.svg").read_text(encoding="utf-8")
    assert SECRET not in svg


def test_a_notebook_without_blocks_is_refused(tmp_path):
    nb = notebook_with([])
    with pytest.raises(BriefError, match="RK-B10") as caught:
        blocks_from_notebook(nb)
    assert "research_kit.show" in str(caught.value)
    with pytest.raises(BriefError, match="RK-B10"):
        render([], tmp_path, name="vide")
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_block_names_its_cell():
    nb = notebook_with([{"kind": "heading", "text": "sans niveau"}])
    with pytest.raises(BriefError, match="RK-B01") as caught:
        blocks_from_notebook(nb)
    assert caught.value.cell == 2
    assert "level" in str(caught.value)


def test_a_file_that_is_not_a_notebook_is_refused(tmp_path):
    path = tmp_path / "brief.ipynb"
    path.write_text("pas du JSON", encoding="utf-8")
    with pytest.raises(BriefError, match="RK-B13"):
        blocks_from_notebook(path)


# --------------------------------------------------------------------------- render()


def test_render_writes_each_format_under_its_name(out):
    assert {k: v.name for k, v in out.items()} == {
        "html": "atelier-2.html", "docx": "atelier-2.docx", "pdf": "atelier-2.pdf", "md": "atelier-2-md",
        "pptx": "atelier-2-slides.pptx", "cards": "atelier-2-cards.pdf", "cards-html": "atelier-2-cards.html"}
    folder = out["html"].parent
    assert hidden_entries(folder) == []
    assert out["md"].is_dir() and all(p.is_file() for k, p in out.items() if k != "md")


def test_default_formats_and_shorthands(blocks, tmp_path):
    assert set(render(blocks, tmp_path / "a", name="b")) == {"html", "docx", "pdf", "md"}
    assert set(render(blocks, tmp_path / "b", name="b", formats=("html",), cards=True, slides=True)) == {
        "html", "pptx", "cards", "cards-html"}


def test_unknown_format_is_refused_with_a_suggestion(blocks, tmp_path):
    with pytest.raises(ParameterError, match="RK-P01") as caught:
        render(blocks, tmp_path, name="b", formats=("html", "pdff"))
    assert "Did you mean \"pdf\"" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", "../b", "a/b", ".cache", " b"])
def test_a_name_that_is_not_a_file_stem_is_refused(blocks, tmp_path, name):
    with pytest.raises(ParameterError, match="RK-B15"):
        render(blocks, tmp_path, name=name, formats=("html",))


def test_a_broken_figure_is_named(blocks, tmp_path):
    broken = [b if b["kind"] != "figure" else {**b, "png": base64.b64encode(b"GIF89a...").decode()} for b in blocks]
    with pytest.raises(BriefError, match="RK-B14") as caught:
        render(broken, tmp_path, name="b", formats=("html",))
    assert "prises-de-parole" in str(caught.value)


def test_figure_files_are_named_by_the_one_slug_rule(blocks, figure_block, tmp_path):
    figures = [{**figure_block, "name": "Prises_De Parole.v2"}, {**figure_block, "name": "prises-de-parole-v2"},
               {**figure_block, "name": ""}]
    folder = to_markdown([blocks[0], *figures], tmp_path / "f-md")
    text = (folder / "f.md").read_text(encoding="utf-8")
    # research_kit._io.slug: ASCII, lower case, "-" between; made unique; figure-<n> without a name
    assert re.findall(r"\]\((figures/[^)]+)\)", text) == [
        "figures/prises-de-parole-v2.png", "figures/prises-de-parole-v2-2.png", "figures/figure-3.png"]
    assert sorted(p.name for p in (folder / "figures").glob("*.png")) == [
        "figure-3.png", "prises-de-parole-v2-2.png", "prises-de-parole-v2.png"]


def test_fixed_words_come_from_i18n(blocks, monkeypatch):
    from research_kit import i18n

    monkeypatch.setitem(i18n.MESSAGES, "render.questions", {"fr": "À débattre", "en": "To debate"})
    monkeypatch.setitem(i18n.MESSAGES, "render.month.5", {"fr": "MAI", "en": "MAY"})
    page = to_html(blocks[:1] + [{"kind": "paragraph", "text": "x"}, {"kind": "questions", "items": ["Q ?"]}])
    assert "À débattre" in page and "Questions pour la discussion" not in page
    assert ">3 MAI 2024</time>" in page


def test_code_spans_are_literal_in_every_format(blocks, tmp_path):
    said = [blocks[0], {"kind": "paragraph", "text": "Le code `care.fatigue`, la regex `a*b*c` et l`eau d`ici."},
            {"kind": "bullets", "items": ["motif ``[{\"OP\": \"`\"}]``"]}]
    page = to_html(said)
    assert "<code>care.fatigue</code>" in page and "<code>a*b*c</code>" in page and "<em>" not in page
    assert "l`eau d`ici" in page                      # backticks glued to words stay text
    assert '<code>[{&quot;OP&quot;: &quot;`&quot;}]</code>' in page
    text = (to_markdown(said, tmp_path / "c-md") / "c.md").read_text(encoding="utf-8")
    assert "Le code `care.fatigue`, la regex `a*b*c` et l\\`eau d\\`ici." in text
    assert '- motif ``[{"OP": "`"}]``' in text
    import docx

    doc = docx.Document(str(to_docx(said, tmp_path / "c.docx")))
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("Le code"))
    assert [r.text for r in paragraph.runs if r.font.name == "Consolas"] == ["care.fatigue", "a*b*c"]
    assert "la regex a*b*c et" in pdf_text(to_pdf(said, tmp_path / "c.pdf"))


def test_a_heading_colour_is_a_swatch_in_html_and_docx(blocks, tmp_path):
    import docx

    headings = [blocks[0], {"kind": "heading", "text": "Soin", "level": 1, "color": "#e69f00"},
                {"kind": "heading", "text": "Sans", "level": 2, "color": "red; x"}]
    page = to_html(headings)
    assert '<h1><span class="rk-swatch" style="color: #E69F00" aria-hidden="true">■</span> Soin</h1>' in page
    assert "<h2>Sans</h2>" in page                    # not #RRGGBB: no swatch, nothing injected
    doc = docx.Document(str(to_docx(headings, tmp_path / "h.docx")))
    soin = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert soin.text == "■ Soin" and str(soin.runs[0].font.color.rgb) == "E69F00"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"] == ["Sans"]


def test_long_titles_and_notices_fit_office_properties(tmp_path):
    import docx
    from pptx import Presentation

    long = "Une description très longue. " * 20
    blocks = [{"kind": "meta", "lang": "fr", "title": long, "subtitle": long, "notice": long},
              {"kind": "quote", "text": "Il faudrait des bancs.", "speaker": "Habitant·e 1"}]
    props = docx.Document(str(to_docx(blocks, tmp_path / "l.docx"))).core_properties
    assert len(props.subject) == len(props.comments) == len(props.title) <= 255 and props.subject.endswith("…")
    deck = Presentation(str(to_pptx(blocks, tmp_path / "l.pptx")))
    assert len(deck.core_properties.subject) <= 255


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained_accessible_and_escaped(out):
    page = out["html"].read_text(encoding="utf-8")
    tags = parse(page)
    assert tags.find("html") == [{"lang": "fr"}]
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)      # nothing fetched
    # escaped text, inline marks only where asked
    assert "3&lt;5 &amp; <strong>le coût</strong>" in page
    assert "<em>au quotidien</em>" in page
    # figure: data URI, alt text, caption
    (img,) = tags.find("img")
    assert img["src"].startswith("data:image/png;base64,")
    assert base64.b64decode(img["src"].split(",", 1)[1]).startswith(b"\x89PNG")
    assert img["alt"] == ALT
    assert re.search(r"<figcaption>Figure 1\xa0: Prises de parole par rôle</figcaption>", page)
    # table: caption and column headers with scope
    assert "<caption" in page and "Tableau 1\xa0: Répartition par rôle" in page
    assert [a.get("scope") for a in tags.find("th")] == ["col", "col"]
    assert re.search(r"<td[^>]*>Élu·e</td>", page)
    # quotes with their attribution in a footer
    assert len(tags.find("blockquote")) == N_QUOTES
    assert re.search(r"<footer>— <span[^>]*>Camille</span> \(habitante\), <cite>Atelier 2 — 2024-03-12</cite></footer>", page)
    # header, metrics, questions, notes
    assert "<h1>Atelier citoyen n° 2 : l’eau</h1>" in page
    assert "Produit le <time datetime=\"2024-05-03\">3 mai 2024</time>" in page
    assert len(tags.find("dt")) == 2 and '<dd><span class="rk-word">412</span></dd>' in page    # never broken inside
    assert len(tags.find("li")) == 2 + N_QUESTIONS
    assert '<p class="rk-note"><small>' in page
    # phone and print
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags.tags
    assert "@media print" in tags.style and "max-width" in tags.style
    assert re.search(r"break-inside:\s*avoid", tags.style) and "overflow-x: auto" in tags.style


def test_html_inline_marks_leave_stray_asterisks_alone(blocks):
    page = to_html([blocks[0], {"kind": "paragraph", "text": "2*3*4 et * seul, **gras** <b>brut</b>"}])
    assert "2*3*4 et * seul, <strong>gras</strong> &lt;b&gt;brut&lt;/b&gt;" in page


# --------------------------------------------------------------------------- DOCX


def test_docx_has_real_styles_tables_picture_and_alt_text(out):
    import docx

    doc = docx.Document(str(out["docx"]))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "Atelier citoyen n° 2 : l’eau")
    assert ("Heading 1", "Ce qui s’est dit") in styles
    assert ("Heading 2", "En bref") in styles and ("Heading 2", "Qui parle") in styles
    assert ("List Bullet", "Premier point clé") in styles
    assert ("Caption", "Tableau\xa01\xa0: Répartition par rôle") in styles
    assert ("Caption", "Figure\xa01\xa0: Prises de parole par rôle") in styles
    assert ("Quote", "On paie l’eau deux fois & personne ne l’explique.") in styles
    assert ("Quote", "— Camille (habitante), Atelier\xa02 — 2024-03-12") in styles
    assert [t for s, t in styles if s == "List Number"] == QUESTIONS
    # inline marks become real bold runs
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("On compare"))
    assert [r.text for r in paragraph.runs if r.bold] == ["le coût"]
    # tables: the metrics, then the data table with a bold header row
    metrics, table = doc.tables
    assert [[c.text for c in r.cells] for r in metrics.rows] == [["Tours de parole", "412"], ["Personnes", "14"]]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["rôle", "part | des mots"], ["Élu·e", "12 %"], ["Habitant·e", "58 %"]]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert table.style.name == "Table Grid"
    # one inline picture, fitted to the 16 cm text width, described
    assert len(doc.inline_shapes) == 1
    assert abs(doc.inline_shapes[0].width.cm - 16) < 0.1
    assert f'descr="{ALT}"' in doc.element.xml
    # small print, A4, document properties and language
    note = next(p for p in doc.paragraphs if p.text.startswith("Méthode"))
    assert all(r.font.size.pt == 8 for r in note.runs)
    assert round(doc.sections[0].page_width.mm) == 210
    assert doc.core_properties.title == "Atelier citoyen n° 2 : l’eau"
    assert doc.core_properties.language == "fr"
    styles_xml = zip_text(out["docx"])
    assert '<w:lang w:val="fr-FR"/>' in styles_xml


def test_docx_numbers_each_question_list_from_one(blocks, tmp_path):
    import docx

    two_lists = [blocks[0], {"kind": "questions", "items": ["a ?", "b ?"]},
                 {"kind": "paragraph", "text": "entre deux"}, {"kind": "questions", "items": ["c ?"]}]
    doc = docx.Document(str(to_docx(two_lists, tmp_path / "q.docx")))
    ids = [p._p.pPr.numPr.numId.val for p in doc.paragraphs if p.style.name == "List Number"]
    assert ids[0] == ids[1] != ids[2]
    numbering = doc.part.numbering_part.element
    for num_id in set(ids):
        assert numbering.num_having_numId(num_id).xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"]


# --------------------------------------------------------------------------- PDF


def test_pdf_has_pages_text_bookmarks_and_page_numbers(out):
    from pypdf import PdfReader

    reader = PdfReader(out["pdf"])
    pages = len(reader.pages)
    assert pages >= 1
    text = pdf_text(out["pdf"])
    for expected in ("Atelier citoyen n° 2 : l’eau", "Qui parle", "Élu·e", "œuvre « commune »",
                     "Figure 1 : Prises de parole par rôle", "— Camille (habitante)", "Que faire d’ici l’été ?"):
        assert expected in text.replace("\xa0", " "), expected
    assert f"Page 1 / {pages}" in text and "{nb}" not in text

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert list(titles(reader.outline)) == ["Atelier citoyen n° 2 : l’eau", "Ce qui s’est dit", "En bref", "Qui parle"]
    assert reader.metadata.title == "Atelier citoyen n° 2 : l’eau"
    assert reader.metadata.creation_date.date().isoformat() == "2024-05-03"
    assert len(reader.pages[0].images) + sum(len(p.images) for p in reader.pages[1:]) == N_FIGURES


def test_pdf_is_deterministic(blocks, tmp_path):
    first = to_pdf(blocks, tmp_path / "a.pdf").read_bytes()
    second = to_pdf(blocks, tmp_path / "b.pdf").read_bytes()
    assert first == second


def test_pdf_wraps_long_tables_over_pages(blocks, tmp_path):
    from pypdf import PdfReader

    rows = [[f"ligne {i}", "un texte assez long pour tenir sur plusieurs lignes de la cellule " * 2] for i in range(60)]
    long = [blocks[0], {"kind": "table", "columns": ["n°", "texte"], "rows": rows, "caption": "Longue"}]
    path = to_pdf(long, tmp_path / "long.pdf")
    assert len(PdfReader(path).pages) > 1
    assert "ligne 59" in pdf_text(path)


def test_pdf_table_headings_are_never_cut_inside_a_word(blocks, tmp_path):
    # a narrow column of numbers under a long heading, beside two wide text columns
    words = "commune, temps, langue, néerlandais, fil, projet, prévoir, bénévole, chercher, famille"
    rows = [[f"Classe {i} — commune, temps, langue", str(50 + i), str(30 + i), words] for i in range(1, 4)]
    table = [blocks[0], {"kind": "table", "columns": ["thème", "segments", "%", "mots"], "rows": rows,
                         "caption": "Classes"}]
    text = pdf_text(to_pdf(table, tmp_path / "classes.pdf"))
    assert re.search(r"\bsegments\b", text), text


# --------------------------------------------------------------------------- Markdown


def test_markdown_folder_has_clean_markdown_and_its_figures(out):
    folder = out["md"]
    text = (folder / "atelier-2.md").read_text(encoding="utf-8")
    assert text.startswith("# Atelier citoyen n° 2 : l’eau\n")
    assert "\n# Ce qui s’est dit\n" in text and "\n## En bref\n" in text
    assert "| rôle | part \\| des mots |\n| --- | ---: |\n| Élu·e | 12 % |\n" in text   # shares right-aligned
    links = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text)
    assert links == [(ALT, "figures/prises-de-parole.png")]
    assert all((folder / target).is_file() for _, target in links)
    assert (folder / "figures" / "prises-de-parole.png").read_bytes().startswith(b"\x89PNG")
    assert (folder / "figures" / "prises-de-parole.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "\n*Figure 1\xa0: Prises de parole par rôle*\n" in text
    assert "> On paie l’eau deux fois & personne ne l’explique.\n>\n> — Camille (habitante), Atelier 2 — 2024-03-12" in text
    assert "\n1. Qui paie quoi ?\n2. Comment expliquer la facture ?\n3. Que faire d’ici l’été ?\n" in text
    assert "- Premier point **clé**\n" in text
    assert "3<5 & **le coût** de l’eau, *au quotidien*" in text      # "<5" is no tag: left alone


def test_markdown_keeps_two_lists_in_a_row_apart(blocks, tmp_path):
    folder = to_markdown([blocks[0], {"kind": "bullets", "items": ["a"]}, {"kind": "bullets", "items": ["b"]}],
                         tmp_path / "x-md")
    text = (folder / "x.md").read_text(encoding="utf-8")
    assert "- a\n\n* b\n" in text


def test_markdown_shows_transcript_text_as_written(blocks, tmp_path):
    said = [blocks[0], {"kind": "paragraph", "text": "<b>brut</b> [lien](x) doc_id\n# pas un titre\n1. pas une liste"}]
    text = (to_markdown(said, tmp_path / "y-md") / "y.md").read_text(encoding="utf-8")
    assert "\\<b>brut\\</b> \\[lien\\](x) doc\\_id\\\n\\# pas un titre\\\n1\\. pas une liste\n" in text


def test_markdown_escapes_only_what_would_start_a_list(blocks, tmp_path):
    said = [blocks[0], {"kind": "paragraph", "text": "1.5 million\n2. vraiment"},
            {"kind": "heading", "text": "1. Titre numéroté", "level": 2},
            {"kind": "metrics", "items": [{"label": "Sans valeur", "value": ""}, {"label": "Mots", "value": "12"}]}]
    text = (to_markdown(said, tmp_path / "e-md") / "e.md").read_text(encoding="utf-8")
    assert "\n1.5 million\\\n2\\. vraiment\n" in text
    assert "\n## 1. Titre numéroté\n" in text      # after "## " nothing starts a list
    assert "\n- Sans valeur\n- Mots\xa0: **12**\n" in text


# --------------------------------------------------------------------------- slides


def test_pptx_is_a_16_9_workshop_pack(out):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(str(out["pptx"]))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)
    slides = list(deck.slides)
    assert len(slides) == 1 + N_FIGURES + N_QUOTES + 1
    assert slides[0].shapes.title.text == "Atelier citoyen n° 2 : l’eau"
    assert "Synthèse pour l’atelier" in slides[0].placeholders[1].text_frame.text
    figure_slide = slides[1]
    assert figure_slide.shapes.title.text == "Prises de parole par rôle"
    (picture,) = [s for s in figure_slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture._element.nvPicPr.cNvPr.get("descr") == ALT
    assert picture.left >= 0 and picture.left + picture.width <= deck.slide_width
    assert picture.top + picture.height <= deck.slide_height
    quote_text = " ".join(s.text_frame.text for s in slides[2].shapes if s.has_text_frame)
    assert "On paie l’eau deux fois" in quote_text and "— Camille (habitante)" in quote_text
    questions = slides[-1]
    assert questions.shapes.title.text == "Questions pour la discussion"
    body = questions.placeholders[1].text_frame
    assert [p.text for p in body.paragraphs] == QUESTIONS
    assert 'buAutoNum type="arabicPeriod"' in zip_text(out["pptx"])


def test_pptx_title_falls_back_to_the_heading_before_the_figure(blocks, figure_block, tmp_path):
    from pptx import Presentation

    deck = Presentation(str(to_pptx([blocks[0], {"kind": "heading", "text": "Qui parle", "level": 2},
                                     {**figure_block, "caption": None}], tmp_path / "s.pptx")))
    assert [s.shapes.title.text for s in deck.slides] == ["Atelier citoyen n° 2 : l’eau", "Qui parle"]


# --------------------------------------------------------------------------- cards


def test_cards_fill_a4_sheets_six_at_a_time(out, blocks, tmp_path):
    from pypdf import PdfReader

    reader = PdfReader(out["cards"])
    assert len(reader.pages) == math.ceil((N_QUOTES + N_QUESTIONS) / CARDS_PER_PAGE) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)                    # A4 in points
    text = pdf_text(out["cards"]).replace("\xa0", " ")
    assert text.count("QUESTION DE DISCUSSION") == N_QUESTIONS
    assert "« Il faut un tarif social. »" in text and "— Yann" in text and "Atelier 2 — 2024-03-12" in text
    # eleven cards need two sheets
    more = blocks + [{"kind": "quote", "text": f"Citation {i}", "speaker": f"P{i}", "role": None, "source": None}
                     for i in range(6)]
    pdf_path, html_path = to_cards(more, tmp_path / "c.pdf", tmp_path / "c.html")
    assert len(PdfReader(pdf_path).pages) == math.ceil((N_QUOTES + 6 + N_QUESTIONS) / CARDS_PER_PAGE) == 2
    page = html_path.read_text(encoding="utf-8")
    assert page.count('class="rk-sheet"') == 2 and page.count("<article") == 11


def test_cards_html_is_printable(out):
    page = out["cards-html"].read_text(encoding="utf-8")
    tags = parse(page)
    assert tags.find("html") == [{"lang": "fr"}]
    assert len(tags.find("article")) == N_QUOTES + N_QUESTIONS
    assert page.count("Question de discussion") == N_QUESTIONS
    assert "<cite>Atelier 2 — 2024-03-12</cite>" in page
    assert "@page" in tags.style and "@media print" in tags.style and "dashed" in tags.style
    assert "<script" not in page


def test_cards_need_a_quote_or_a_question(blocks, tmp_path):
    plain = [b for b in blocks if b["kind"] not in ("quote", "questions")]
    with pytest.raises(BriefError, match="RK-B12"):
        render(plain, tmp_path, name="b", formats=("html",), cards=True)
    assert list(tmp_path.iterdir()) == []            # checked before anything is written


# --------------------------------------------------------------------------- English


def test_english_brief_uses_english_labels(figure_block, tmp_path):
    from pypdf import PdfReader
    import docx

    written = render(make_blocks(figure_block, lang="en"), tmp_path, name="en", formats=EVERYTHING)
    page = written["html"].read_text(encoding="utf-8")
    assert parse(page).find("html") == [{"lang": "en"}]
    assert "Figure 1: Prises de parole" in page and "Table 1: Répartition" in page
    assert "Generated on <time datetime=\"2024-05-03\">3 May 2024</time>" in page
    assert "Tableau" not in page and "Produit le" not in page
    cards = written["cards-html"].read_text(encoding="utf-8")
    assert cards.count("Discussion question") == N_QUESTIONS and "Question de discussion" not in cards
    assert "DISCUSSION QUESTION" in pdf_text(written["cards"])
    assert "Page 1 / " in pdf_text(written["pdf"])
    paragraphs = docx.Document(str(written["docx"])).paragraphs
    assert ("Caption", "Table\xa01: Répartition par rôle") in [(p.style.name, p.text) for p in paragraphs]
    assert '<w:lang w:val="en-GB"/>' in zip_text(written["docx"])
    assert "Questions for discussion" in zip_text(written["pptx"])
    assert PdfReader(written["pdf"]).metadata.creation_date.year == 2024


# --------------------------------------------------------------------------- atomicity


def test_a_failing_renderer_keeps_the_earlier_file_and_leaves_no_temp_file(blocks, tmp_path, monkeypatch):
    good = render(blocks, tmp_path, name="b", formats=("docx", "pdf"))
    before = {fmt: path.read_bytes() for fmt, path in good.items()}

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    # fails half-way through the document, after the headings, tables and picture
    monkeypatch.setattr(render_docx, "_restart_numbering", broken)
    with pytest.raises(BriefError, match="RK-B11") as caught:
        render(blocks, tmp_path, name="b", formats=("docx",))
    assert "docx" in str(caught.value) and "disque plein" in str(caught.value)
    assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(BriefError, match="RK-B11") as caught:
        render(blocks, tmp_path / "other", name="b", formats=("html", "docx", "pdf"))
    assert "Written before it: html. Not attempted: pdf." in str(caught.value)
    assert [p.name for p in (tmp_path / "other").iterdir()] == ["b.html"]
    # fails while fpdf2 writes its bytes out
    import fpdf

    monkeypatch.setattr(fpdf.FPDF, "output", broken)
    with pytest.raises(BriefError, match="RK-B11.*pdf"):
        render(blocks, tmp_path, name="b", formats=("pdf",))
    assert {fmt: path.read_bytes() for fmt, path in good.items()} == before
    assert hidden_entries(tmp_path) == []


def test_a_failure_while_writing_keeps_the_earlier_file(blocks, tmp_path, monkeypatch):
    path = render(blocks, tmp_path, name="b", formats=("html",))["html"]
    before = path.read_bytes()
    import research_kit._io as rk_io

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:          # the new text is written, then the disk is full
        patch.setattr(rk_io.os, "fsync", disk_full)
        with pytest.raises(BriefError, match="RK-B11.*No space left"):
            render(blocks[:3], tmp_path, name="b", formats=("html",))
    assert path.read_bytes() == before
    assert hidden_entries(tmp_path) == []


def test_a_failing_markdown_render_keeps_the_earlier_folder(blocks, tmp_path, monkeypatch):
    folder = render(blocks, tmp_path, name="b", formats=("md",))["md"]
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def broken(brief):
        raise RuntimeError("panne")

    # the figures are already written in the folder being built when this fails
    monkeypatch.setattr(render_markdown, "markdown_text", broken)
    with pytest.raises(BriefError, match="RK-B11.*md"):
        render(blocks, tmp_path, name="b", formats=("md",))
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before and Path("b.md") in after
    assert hidden_entries(tmp_path) == []


def test_a_second_markdown_render_replaces_the_folder_whole(blocks, tmp_path):
    folder = render(blocks, tmp_path, name="b", formats=("md",))["md"]
    (folder / "figures" / "ancienne.png").write_bytes(b"old")
    render([b for b in blocks if b["kind"] != "figure"], tmp_path, name="b", formats=("md",))
    assert not (folder / "figures").exists()
    assert "![" not in (folder / "b.md").read_text(encoding="utf-8")
    assert hidden_entries(tmp_path) == []


def test_errors_are_research_kit_errors(blocks, tmp_path):
    with pytest.raises(ResearchKitError):
        render([], tmp_path, name="b")
    with pytest.raises(ValueError):                  # ParameterError is also a ValueError
        render(blocks, tmp_path, name="b", formats=("odt",))


def test_slides_carry_no_template_metadata(tmp_path):
    from pptx import Presentation

    from research_kit.render import to_pptx

    blocks = [{"kind": "meta", "lang": "fr", "title": "Brief", "generated": "2025-03-01"},
              {"kind": "quote", "text": "Il faudrait des bancs.", "speaker": "Habitant·e 1"}]
    path = tmp_path / "s.pptx"
    to_pptx(blocks, path)
    props = Presentation(str(path)).core_properties
    assert props.last_modified_by == "Research Kit" and props.author == "Research Kit"
    assert props.title == "Brief" and props.created.year == 2025


def test_show_formats_numbers_for_the_brief_language():
    from research_kit import show

    assert show.metrics({"Mots": 2676, "Heures": 1.2}, lang="fr")["items"] == [
        {"label": "Mots", "value": "2\u202f676"}, {"label": "Heures", "value": "1,20"}]
    assert show.metrics({"Words": 2676, "Hours": 1.2}, lang="en")["items"] == [
        {"label": "Words", "value": "2,676"}, {"label": "Hours", "value": "1.20"}]


def test_quotes_of_an_unnamed_speaker_say_so_in_the_brief_language():
    import pandas as pd

    from research_kit import show

    frame = pd.DataFrame({"text": ["[rires] On devrait   revenir vers les habitants."], "speaker": ["?"]})
    [block] = show.quotes(frame, lang="en")
    assert block["speaker"] == "unidentified speaker"
    assert block["text"] == "On devrait revenir vers les habitants."  # transcriber's note dropped
