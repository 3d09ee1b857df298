"""What a reader sees when a brief is handed out as it is (issue #16).

Each test checks a property found by looking at the demo briefs: a note under a heading
goes with the block it introduces, a note after quotes stays with them, metric values
never break inside a word on a web page, the Word body text is in a font whose widths
the table layout measured, and date axes keep their tick labels apart. Files are read
back (pdfplumber, python-docx, the HTML text), never compared as pixels.
"""

from __future__ import annotations

import re

import pytest

from research_kit.render import to_docx, to_html, to_pdf

META = {"kind": "meta", "lang": "fr", "title": "Regards", "generated": "2025-03-01"}
WORDS = ("quartier", "parole", "budget", "atelier", "habitants", "jeunes", "lumière", "sécurité", "ensemble", "banc")


def filler(lines: int) -> dict:
    """A paragraph of about ``lines`` lines at the PDF's 17 cm text width."""
    words = [WORDS[(k * 3) % len(WORDS)] for k in range(lines * 11)]
    return {"kind": "paragraph", "text": " ".join(words).capitalize() + "."}


def pages_text(path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def page_of(pages: list[str], needle: str) -> int:
    (found,) = [n for n, text in enumerate(pages) if needle in text]
    return found


@pytest.mark.parametrize("lines", range(38, 50))
def test_a_note_under_a_heading_goes_with_the_table_it_introduces(tmp_path, lines):
    # A heading, a one-line note, a table: wherever the filler leaves them, the heading and
    # its note are on the page of the table's first row (the demo's "Main themes" was alone).
    rows = [[f"Thème {k}", str(40 - k), "1"] for k in range(8)]
    blocks = [META, filler(lines), {"kind": "heading", "text": "Thèmes principaux", "level": 2},
              {"kind": "note", "text": "Thèmes codés par l'équipe."},
              {"kind": "table", "columns": ["thème", "segments", "documents"], "rows": rows}]
    pages = pages_text(to_pdf(blocks, tmp_path / "n.pdf"))
    heading = page_of(pages, "Thèmes principaux")
    assert page_of(pages, "Thèmes codés par l'équipe.") == heading
    assert page_of(pages, "Thème 0") == heading


@pytest.mark.parametrize("lines", range(28, 40))
def test_the_note_after_quotes_stays_on_the_page_of_the_last_quote(tmp_path, lines):
    quote = {"kind": "quote", "text": "Il faudrait des bancs sur la place, et de la lumière le soir.",
             "speaker": "Habitant·e 1", "theme": "Besoins"}
    blocks = [META, filler(lines), {"kind": "heading", "text": "Points de vue", "level": 2},
              quote, dict(quote, speaker="Habitant·e 2"),
              {"kind": "note", "text": "Un extrait par rôle : 2 rôles sur 5."}]
    pages = pages_text(to_pdf(blocks, tmp_path / "q.pdf"))
    assert page_of(pages, "Un extrait par rôle") == page_of(pages, "Habitant·e 2")


def test_html_metric_values_break_only_between_their_words():
    # The demo's date "2025-03-19" broke after its second hyphen in a 9rem box.
    blocks = [META, {"kind": "metrics", "items": [{"label": "Date", "value": "2025-03-19"},
                                                  {"label": "Mots", "value": "2\u202f374"},
                                                  {"label": "Durée", "value": "4 h 36 min"},
                                                  {"label": "Période", "value": "2025-02-13 → 2025-05-22"}]}]
    page = to_html(blocks)
    values = re.findall(r'<div class="([^"]+)"><dt>[^<]*</dt><dd>(.*?)</dd></div>', page)
    assert [re.findall(r'<span class="rk-word">([^<]*)</span>', dd) for _, dd in values] == [
        ["2025-03-19"], ["2\u202f374"], ["4", "h", "36", "min"], ["2025-02-13", "→", "2025-05-22"]]
    for _, dd in values:        # nothing outside the unbreakable words but the spaces between them
        assert re.sub(r'<span class="rk-word">[^<]*</span>', "", dd).strip() == ""
    assert [classes.split()[1:] for classes, _ in values] == [["rk-metric-wide"], [], [], ["rk-metric-long"]]
    assert re.search(r"\.rk-word\s*\{\s*white-space:\s*nowrap", page)


def test_docx_body_text_is_in_a_named_font_no_wider_than_the_one_measured(tmp_path):
    # python-docx's template left the body to the theme's Cambria; LibreOffice's wider
    # stand-in broke the measured cells ("Médiateur·rice" over "4").
    import docx
    from docx.oxml.ns import qn

    from research_kit.render.docx import BODY_FONT

    blocks = [META, {"kind": "table", "columns": ["locuteur·rice", "extrait"],
                     "rows": [["Médiateur·rice 4", "Le local de l'association est au sous-sol."]]}]
    document = docx.Document(str(to_docx(blocks, tmp_path / "f.docx")))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert BODY_FONT == "Calibri"
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:cs")} == {"Calibri"}
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:hAnsiTheme")) is None
    cell_runs = [run for row in document.tables[0].rows for cell in row.cells for p in cell.paragraphs for run in p.runs]
    assert cell_runs and all(run.font.name in (None, BODY_FONT) for run in cell_runs)


# The demo explorer's equality table, one row per session: too wide for a portrait page at
# 9 pt, it went on landscape pages and left its last row alone on a page of its own.
EQUALITY_COLUMNS = ["titre", "date", "personnes", "inégalité de parole (0 à 1)",
                    "part de la personne qui a le plus parlé", "part de l'animation",
                    "inégalité entre participant·es (0 à 1)"]
EQUALITY_TITLES = [
    "Communauté de pratique — janvier 2025", "Atelier participatif 1 — diagnostic partagé",
    "Communauté de pratique — février 2025 (Zoom)", "Atelier participatif 2 — sécurité, jeux et verdure",
    "Communauté de pratique — mars 2025", "[organisation 2] — monthly practice meeting",
    "Atelier participatif 3 — mobilité, stationnement et marché",
    "Communauté de pratique — avril 2025 : prendre soin de nous",
    "Kettleford public consultation — [parc 3] and [rue 8] (captions)", "Communauté de pratique — mai 2025",
    "Atelier participatif 4 — recommandations et restitution",
    "Debrief with the funder and evaluation partner — year one", "Retraite (lac-à-l'épaule) — jour 1",
    "Retraite (lac-à-l'épaule) — jour 2 : ruche et recommandations", "Communauté de pratique — juin 2025"]


def test_a_wide_table_leaves_no_row_alone_on_a_page(tmp_path):
    rows = [[title, f"2025-{1 + k // 3:02d}-{10 + k}", str(6 + k % 7), f"0,{30 + k}", f"{20 + k}\u00a0%",
             f"{25 + k}\u00a0%", f"0,{20 + k}"] for k, title in enumerate(EQUALITY_TITLES)]
    blocks = [META, {"kind": "heading", "text": "Égalité de la prise de parole", "level": 2},
              {"kind": "table", "columns": EQUALITY_COLUMNS, "rows": rows},
              {"kind": "heading", "text": "Comment lire ces chiffres", "level": 2}, filler(3)]
    pages = pages_text(to_pdf(blocks, tmp_path / "w.pdf"))
    per_page = [len(re.findall(r"2025-\d\d-\d\d", text)) for text in pages]
    assert sum(per_page) == len(rows)
    assert all(n == 0 or n >= 3 for n in per_page), per_page
    assert per_page[0] > 0                 # and the first page is not left with the title alone


@pytest.mark.parametrize(("speaker", "role", "expected"), [
    ("Médiateur·rice 1", "médiateur·rice", "— Médiateur·rice 1, Atelier 2"),     # the pseudonym says the role
    ("Conseillère en développement de pratiques 1", "conseillère en développement de pratiques",
     "— Conseillère en développement de pratiques 1, Atelier 2"),
    ("Habitant·e 7", "resident", "— Habitant·e 7 (resident), Atelier 2"),         # a translated role stays
    ("Camille", "habitante", "— Camille (habitante), Atelier 2"),
    ("Médiateur·rice 1", "", "— Médiateur·rice 1, Atelier 2"),
])
def test_an_attribution_names_the_role_once(speaker, role, expected):
    from research_kit.render.layout import prepare

    brief = prepare([META])
    assert brief.attribution({"speaker": speaker, "role": role, "source": "Atelier 2"}) == expected


def test_the_web_page_names_the_role_once_too():
    page = to_html([META, {"kind": "quote", "text": "Il faudrait des bancs.", "speaker": "Médiateur·rice 1",
                           "role": "médiateur·rice"},
                    {"kind": "quote", "text": "Des bancs.", "speaker": "Habitant·e 7", "role": "resident"}])
    assert '<footer>— <span class="rk-speaker">Médiateur·rice 1</span></footer>' in page
    assert '<footer>— <span class="rk-speaker">Habitant·e 7</span> (resident)</footer>' in page


@pytest.mark.parametrize("lines", range(34, 46))
def test_a_table_never_starts_a_page_foot_with_one_row(tmp_path, lines):
    # The demo's "Thèmes principaux" showed its first row alone at a page foot, seven overleaf.
    rows = [[f"Thème {k}", str(40 - k), "1"] for k in range(8)]
    blocks = [META, filler(lines), {"kind": "table", "columns": ["thème", "segments", "documents"], "rows": rows}]
    pages = pages_text(to_pdf(blocks, tmp_path / "r.pdf"))
    per_page = [len(re.findall(r"^Thème \d", text, re.M)) for text in pages]
    assert sum(per_page) == len(rows)
    assert 1 not in per_page[:-1] or per_page == [1], per_page


def test_web_figures_are_capped_so_their_labels_are_not_larger_than_the_text():
    # show.figure saves 7-inch figures at 150 dpi: 1050 px, whose 10 pt labels are 20.8 px
    # at full size against a 17 px body text (1.0625rem). The cap keeps them within 20 %.
    page = to_html([META, {"kind": "paragraph", "text": "Texte."}])
    rule = re.search(r"\.rk-figure img\s*\{([^}]*)\}", page).group(1)
    cap = float(re.search(r"max-width:\s*min\(100%,\s*([\d.]+)rem\)", rule).group(1)) * 16
    label_px = 10 / 72 * 150 * cap / 1050
    assert label_px <= 1.2 * 17
    assert cap >= 46 * 16              # and never narrower than the reading column


def test_a_table_that_goes_on_over_a_page_takes_at_least_three_rows_there(tmp_path):
    # Wherever on the page the table starts, no page holds one or two of its rows alone,
    # and every row is drawn once.
    rows = [[f"{title} ({k})", f"2025-{1 + k // 3:02d}-{10 + k}", str(6 + k % 7), f"0,{30 + k}"]
            for k, title in enumerate(EQUALITY_TITLES * 2)]
    table = {"kind": "table", "columns": EQUALITY_COLUMNS[:4], "rows": rows}
    for lines in range(20, 62, 3):
        pages = pages_text(to_pdf([META, filler(lines), table], tmp_path / f"f{lines}.pdf"))
        per_page = [len(re.findall(r"2025-\d\d-\d\d", text)) for text in pages]
        assert sum(per_page) == len(rows), (lines, per_page)
        assert all(n == 0 or n >= 3 for n in per_page), (lines, per_page)
