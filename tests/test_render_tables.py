"""Tables laid out by their content, in PDF, DOCX and Markdown.

The properties checked are the ones a reader sees: no cell breaks inside a word, a number
or a date (read back from the PDF's text layout with pdfplumber), numbers right-aligned,
an excerpt column wider than the others, Word column widths that sum to the text width,
a table too wide for a portrait page put on a landscape page or stacked.
Reference widths come from a measure of one millimetre a character, worked by hand.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from research_kit.render import to_docx, to_markdown, to_pdf
from research_kit.render.layout import cell_words, column_kinds, column_widths, is_number, table_layout, tie

META = {"kind": "meta", "lang": "fr", "title": "Tableaux", "generated": "2025-03-01"}

# Unique, long words: each one is found whole in the PDF's lines only if no cell cut it.
EXCERPT = ("Franchement, l'éclairage intercommunautaire du parc Tisserand reste insuffisant depuis "
           "l'automne, et personne n'explique pourquoi les lampadaires ne sont toujours pas réparés "
           "malgré nos signalements répétés au gestionnaire.")


def mm(text: str, size: float, bold: bool = False) -> float:
    """A measure for hand-worked examples: one millimetre a character, bold or not."""
    return float(len(text))


def pdf_lines(path: Path) -> list[list[str]]:
    """Each page's lines of text, as pdfplumber lays them out (white space collapsed)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [[" ".join(line["text"].split()) for line in page.extract_text_lines()] for page in pdf.pages]


def unbroken(path: Path, pieces: list[str]) -> list[str]:
    """The pieces that appear whole on no line of the PDF (so some cell cut them)."""
    text = "\n".join(line for page in pdf_lines(path) for line in page)
    flat = [" ".join(p.replace("\u00a0", " ").replace("\u202f", " ").split()) for p in pieces]
    return [p for p in flat if p not in text]


def coding_table(n_rows: int = 6) -> dict:
    """A coding-review table: short ids, a role, a theme, two marks and a long excerpt."""
    rows = [[f"bxl-atelier-{i}", "Représentant·e associatif·ve 1", "Relation avec les participant·es",
             "✓", "·", EXCERPT] for i in range(n_rows)]
    return {"kind": "table", "columns": ["document", "locuteur·rice", "thème", "camille", "mathis", "extrait"],
            "rows": rows, "caption": "Désaccords"}


def numbers_table() -> dict:
    """Counts grouped by a narrow no-break space, shares, dates, under long headings."""
    rows = [["Atelier A — diagnostic partagé", "2025-02-13", "1\u202f898", "0,39", "35\u00a0%"],
            ["Atelier B — sécurité, jeux et verdure", "2025-03-13", "12\u202f345", "0,31", "7\u00a0%"],
            ["Atelier C — mobilité", "2025-04-12", "987", "–", "100\u00a0%"]]
    return {"kind": "table", "columns": ["titre", "date", "personnes", "équitabilité", "part du plus bavard"],
            "rows": rows, "caption": "Égalité"}


def indicators_table() -> dict:
    """Eight columns of indicators under long headings: too wide for 9 pt on a portrait page."""
    rows = [[f"Atelier {n} — mobilité, stationnement et marché", f"2025-0{i + 2}-13", str(9 + i), "0,39", "0,88",
             "35\u00a0%", "49\u00a0%", "0,25"] for i, n in enumerate("ABCD")]
    columns = ["titre", "date", "personnes", "Gini (mots)", "équitabilité", "part du plus bavard",
               "part de l'animation", "Gini (participant·es)"]
    return {"kind": "table", "columns": columns, "rows": rows, "caption": "Indicateurs"}


# --------------------------------------------------------------------------- the layout rules


@pytest.mark.parametrize("text", ["12", "10\u202f679", "2,676", "0,39", "1.20", "-0,01", "\u22120,01", "42\u00a0%",
                                  "7%", "1 898"])
def test_numbers_as_briefs_print_them_are_numbers(text):
    assert is_number(text)


@pytest.mark.parametrize("text", ["2025-02-13", "atelier 2", "n° 3", "1 h 30", "", "✓", "12 personnes"])
def test_other_cells_are_not_numbers(text):
    assert not is_number(text)


def test_column_kinds_ignore_missing_values_and_the_heading():
    columns = ["code", "n", "date", "vide"]
    rows = [["care", "12", "2025-02-13", "–"], ["needs", "–", "2025-03-01", "–"]]
    assert column_kinds(columns, rows) == ["text", "number", "date", "text"]


def test_a_number_or_a_date_is_one_piece_and_text_breaks_only_at_breakable_spaces():
    assert cell_words("1\u202f898", "number") == ["1\u202f898"]
    assert cell_words("12 345", "number") == ["12 345"]
    assert cell_words("2025-02-13", "date") == ["2025-02-13"]
    assert cell_words(tie("il dit « non » ?"), "text") == ["il", "dit", "«\u00a0non\u00a0»\u00a0?"]


def test_column_widths_give_a_short_table_its_lines_and_the_room_left_to_text():
    # least = longest piece + pad: "n"/"1" → 1 + 2 = 3; "texte" (heading) → 5 + 2 = 7
    # most = longest line + pad: 3 and max("texte", "aa bb") + 2 = 7; 3 + 7 ≤ 20, so the
    # 10 mm left go to the only text column: (3, 17).
    assert column_widths(["n", "texte"], [["1", "aa bb"]], total=20, measure=mm, size=9, pad=2) == (3, 17)


def test_column_widths_never_go_below_the_longest_word():
    # the longest pieces: "identifiant" (11) and "quelque" (7): with pad 1, 12 + 8 = 20 ≤ 21
    widths = column_widths(["identifiant", "texte"], [["a", "un mot quelque part ici"]], total=21,
                           measure=mm, size=9, pad=1)
    assert widths is not None and widths[0] >= 12 and widths[1] >= 8 and sum(widths) == pytest.approx(21)
    # 12 + 8 > 19: no widths break no word
    assert column_widths(["identifiant", "texte"], [["a", "un mot quelque part ici"]], total=19,
                         measure=mm, size=9, pad=1) is None


def test_an_excerpt_column_gets_the_room():
    columns, rows = coding_table()["columns"], coding_table()["rows"]
    widths = column_widths(columns, rows, total=400, measure=mm, size=9, pad=2)
    assert widths is not None and sum(widths) == pytest.approx(400)
    assert max(widths) == widths[5]                   # the excerpt is the widest column
    for k in range(len(columns)):                     # and no piece is wider than its column
        assert all(len(w) + 2 <= widths[k] + 1e-9 for r in [columns, *rows] for w in cell_words(r[k]))


def test_a_wide_long_table_goes_landscape_and_a_wide_short_one_is_stacked():
    columns = [f"colonne{k:02d}" for k in range(12)]                   # 9 mm a heading, 12 columns
    long_rows = [[f"valeur{k:02d}" for k in range(12)] for _ in range(20)]
    layout = table_layout(columns, long_rows, measure=mm, portrait=100, landscape=150, pad=2)
    assert (layout.form, layout.landscape) == ("grid", True) and sum(layout.widths) == pytest.approx(150)
    layout = table_layout(columns, long_rows[:3], measure=mm, portrait=100, landscape=150, pad=2)
    assert (layout.form, layout.landscape, layout.widths) == ("stacked", False, ())
    # 12 × (9 + 2) = 132 is wider than any page: stacked, however long
    assert table_layout(columns, long_rows, measure=mm, portrait=100, landscape=130, pad=2).form == "stacked"


# --------------------------------------------------------------------------- PDF


def test_pdf_cells_never_break_inside_a_word_a_number_or_a_date(tmp_path):
    blocks = [META, coding_table(), numbers_table(), indicators_table()]
    path = to_pdf(blocks, tmp_path / "t.pdf")
    pieces = []
    for block in blocks[1:]:
        kinds = column_kinds(block["columns"], block["rows"])
        pieces += [w for c in block["columns"] for w in cell_words(c)]
        pieces += [w for r in block["rows"] for v, kind in zip(r, kinds) for w in cell_words(v, kind)]
    assert "1\u202f898" in pieces and "2025-02-13" in pieces and "intercommunautaire" in pieces
    assert "(participant·es)" in pieces and "équitabilité" in pieces
    assert unbroken(path, pieces) == []


def test_pdf_numbers_are_right_aligned(tmp_path):
    import pdfplumber

    path = to_pdf([META, numbers_table()], tmp_path / "n.pdf")
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    (head,) = [w for w in words if w["text"] == "titre"]
    (foot,) = [w for w in words if w["text"] == "Page"]
    words = [w for w in words if head["top"] <= w["top"] < foot["top"]]     # the table's words only
    lefts, rights = [], []
    for value in ("1", "12", "987"):                   # the first group of each count
        (word,) = [w for w in words if w["text"] == value]
        lefts.append(word["x0"])
    for value in ("898", "345", "987"):                # the last group of each count
        (word,) = [w for w in words if w["text"] == value]
        rights.append(word["x1"])
    assert max(rights) - min(rights) < 0.5             # right edges line up…
    assert max(lefts) - min(lefts) > 5                 # …left edges do not
    headings = [w for w in words if w["text"] == "personnes"]
    assert abs(headings[0]["x1"] - max(rights)) < 0.5  # the heading of a number column too


def test_pdf_puts_a_long_wide_table_on_landscape_pages_with_its_heading(tmp_path):
    # 40 rows with an excerpt each: about twice the pages on the portrait width, so landscape
    # pages win even counting the page breaks they bring.
    from pypdf import PdfReader

    blocks = [META, {"kind": "paragraph", "text": "Avant le tableau."},
              {"kind": "heading", "text": "Désaccords à discuter", "level": 2}, coding_table(40),
              {"kind": "paragraph", "text": "Après le tableau."}]
    path = to_pdf(blocks, tmp_path / "l.pdf")
    pages = PdfReader(path).pages
    turned = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    lines = pdf_lines(path)
    assert turned[0] is False and any(turned)
    first = turned.index(True)
    assert "Désaccords à discuter" in lines[first]      # the heading went with its table
    assert "Avant le tableau." in lines[0] and "Après le tableau." in lines[-1] and turned[-1] is False
    assert unbroken(path, ["intercommunautaire", "bxl-atelier-13", "participant·es"]) == []


def test_pdf_stacks_a_short_table_too_wide_for_the_page(tmp_path):
    columns = [f"indicateur{k}" for k in range(12)]
    rows = [[f"Atelier {i}", *[f"{i},{k}{k}" for k in range(1, 12)]] for i in range(2)]
    path = to_pdf([META, {"kind": "table", "columns": columns, "rows": rows, "caption": "Large"}], tmp_path / "s.pdf")
    lines = [line for page in pdf_lines(path) for line in page]
    assert "Atelier 0" in lines and "Atelier 1" in lines       # one title line per record
    assert "indicateur5 0,55" in lines and "indicateur5 1,55" in lines   # one line a column: label, value


# --------------------------------------------------------------------------- DOCX


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def grid_widths(table) -> list[int]:
    from docx.oxml.ns import qn

    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_docx_column_widths_follow_content_and_fill_the_text_width(tmp_path):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document(str(to_docx([META, coding_table(3), numbers_table()], tmp_path / "w.docx")))
    text_twips = round((doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin)
                       / 635)
    coding, numbers = doc.tables
    for table in (coding, numbers):
        widths = grid_widths(table)
        assert abs(sum(widths) - text_twips) <= 2                    # 16 cm, in twips
        assert len(set(widths)) > 1                                 # not equal columns
        assert 'w:type="fixed"' in table._tbl.tblPr.xml             # Word and LibreOffice keep them
        for row in table.rows:                                      # every cell says the same
            assert [c.width.twips if hasattr(c.width, "twips") else round(c.width / 635) for c in row.cells] \
                == widths
    widths = grid_widths(coding)
    assert widths.index(max(widths)) == 5                           # the excerpt column is the widest
    assert widths[3] < widths[1] and widths[4] < widths[2]          # a mark column is narrow
    right = [[c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in r.cells] for r in numbers.rows]
    assert all(r == [False, False, True, True, True] for r in right)   # numbers (and their heading) right


def test_docx_heading_row_repeats_and_stays_with_the_first_row(tmp_path):
    import docx

    doc = docx.Document(str(to_docx([META, coding_table(3)], tmp_path / "h.docx")))
    (table,) = doc.tables
    header = table.rows[0]
    assert header._tr.trPr.xml.count("w:tblHeader") == 1
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in header.cells)
    assert all("w:cantSplit" in r._tr.trPr.xml for r in table.rows)   # short rows never split
    sizes = {r.font.size.pt for row in table.rows for c in row.cells for r in c.paragraphs[0].runs}
    assert len(sizes) == 1 and sizes <= {8.0, 9.0}                   # one table type size, 9 pt or 8


def test_docx_puts_a_long_wide_table_in_a_landscape_section(tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT

    blocks = [META, {"kind": "heading", "text": "Désaccords", "level": 2}, coding_table(14),
              {"kind": "paragraph", "text": "Après le tableau."}]
    doc = docx.Document(str(to_docx(blocks, tmp_path / "l.docx")))
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = doc.sections[1]
    assert landscape.page_width > landscape.page_height
    text_twips = round((landscape.page_width - landscape.left_margin - landscape.right_margin) / 635)
    assert abs(sum(grid_widths(doc.tables[0])) - text_twips) <= 2
    # the heading opens the landscape section: the section break comes before it
    body = docx_xml(tmp_path / "l.docx")
    first_break = body.index("<w:sectPr")
    assert first_break < body.index("Désaccords") < body.index("w:orient=\"landscape\"")


def test_docx_stacks_a_short_table_too_wide_for_the_page(tmp_path):
    import docx

    columns = [f"indicateur{k}" for k in range(12)]
    rows = [[f"Atelier {i}", *[f"{i},{k}{k}" for k in range(1, 12)]] for i in range(2)]
    doc = docx.Document(str(to_docx([META, {"kind": "table", "columns": columns, "rows": rows}], tmp_path / "s.docx")))
    (table,) = doc.tables
    assert len(table.columns) == 2 and len(table.rows) == 2 * 12      # a title row, then one row a column
    assert table.rows[0].cells[0].text == "Atelier\xa00" and table.rows[12].cells[0].text == "Atelier\xa01"
    assert [c.text for c in table.rows[6].cells] == ["indicateur6", "0,66"]       # column 6 of record 0
    widths = grid_widths(table)
    assert widths[0] < widths[1]


# --------------------------------------------------------------------------- Markdown


def test_markdown_right_aligns_number_columns(tmp_path):
    text = (to_markdown([META, numbers_table()], tmp_path / "m-md") / "m.md").read_text(encoding="utf-8")
    assert re.search(r"^\| titre \| date \| personnes \| équitabilité \| part du plus bavard \|\n"
                     r"\| --- \| --- \| ---: \| ---: \| ---: \|$", text, re.M), text


def test_pdf_keeps_a_table_that_fits_a_portrait_page_on_the_page_it_starts(tmp_path):
    # The demo explorer's documents table (15 rows, 8 columns, titles that wrap) went on a
    # landscape page of its own and left most of page 1 empty.
    from pypdf import PdfReader

    rows = [["bxl-atelier-1", "Atelier participatif 1 — diagnostic partagé", "2025-02-13", "fr", "Bruxelles",
             "atelier participatif", "48", "3\u202f182"],
            ["en-council-captions", "Kettleford public consultation — [parc 3] and [rue 8] (captions)", "2025-04-22",
             "en", "Kettleford", "consultation publique", "23", "2\u202f170"],
            ["en-funder-debrief", "Debrief with the funder and evaluation partner — year one", "2025-05-27", "en",
             "online", "bilan avec le bailleur de fonds", "28", "2\u202f212"],
            ["en-montreal-practice", "[organisation 2] — monthly practice meeting", "2025-03-27", "en", "Montréal",
             "réunion d’équipe", "41", "2\u202f475"]]
    rows += [[f"mtl-cop-{i:02d}", f"Communauté de pratique — séance {i} : prendre soin de nous", "2025-01-22", "fr",
              "Montréal", "communauté de pratique", "73", "3\u202f148"] for i in range(1, 12)]
    table = {"kind": "table", "columns": ["document", "titre", "date", "langue", "lieu", "type de séance", "tours",
                                          "mots"], "rows": rows, "caption": "Documents"}
    path = to_pdf([META, {"kind": "paragraph", "text": "Avant le tableau."}, table], tmp_path / "p.pdf")
    pages = PdfReader(path).pages
    assert all(float(p.mediabox.width) < float(p.mediabox.height) for p in pages)
    assert any(line.startswith("mtl-cop-01") for line in pdf_lines(path)[0])   # on page 1, under the paragraph
    assert unbroken(path, ["mtl-cop-11", "en-montreal-practice", "2025-01-22", "Kettleford"]) == []


def test_a_pseudonym_keeps_its_number_on_its_line_in_a_narrow_column(tmp_path):
    # Eight columns leave the speaker column narrow: "Animateur·rice" fits a line, "Animateur·rice 1"
    # does not; the number must not go to a line of its own.
    columns = ["locuteur·rice", *[f"indicateur {k}" for k in range(1, 8)]]
    rows = [[f"Animateur·rice {k}", *["12\u202f345"] * 7] for k in range(1, 4)]
    path = to_pdf([META, {"kind": "table", "columns": columns, "rows": rows, "caption": "Parole"}], tmp_path / "t.pdf")
    lines = [line for page in pdf_lines(path) for line in page]
    assert not any(line.split()[:1] in (["1"], ["2"], ["3"]) for line in lines)
    assert unbroken(path, ["Animateur·rice 1", "Animateur·rice 3"]) == []
