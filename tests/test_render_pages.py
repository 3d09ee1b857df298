"""Pages laid out by content, in PDF and DOCX.

A heading is never the last line of a page; a figure that almost fits is made a little
smaller rather than leave most of a page empty; no page but the last is near-empty;
titles and quotes are not justified; guillemets and French punctuation never start or
end a line alone. The PDF is read back with pdfplumber (lines, words, images), so the
checks are about what a reader sees, not about pixels.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest

from research_kit.render import to_docx, to_pdf
from research_kit.render.layout import tie

META = {"kind": "meta", "lang": "fr", "title": "Pages", "generated": "2025-03-01"}
MM = 72 / 25.4                  # points in a millimetre
WORDS = ("quartier", "parole", "budget", "atelier", "habitants", "jeunes", "lumière", "sécurité", "ensemble", "banc")


def png_block(width: int, height: int, name: str) -> dict:
    """A figure block of a plain PNG image ``width`` × ``height`` pixels."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 114, 178)).save(buffer, format="PNG")
    return {"kind": "figure", "png": base64.b64encode(buffer.getvalue()).decode("ascii"), "svg": None,
            "alt": f"Figure {name}", "caption": f"Légende {name}", "name": name}


def sentence(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + k * 3) % len(WORDS)] for k in range(n)).capitalize() + "."


def page_lines(path: Path) -> list[list[str]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [[" ".join(line["text"].split()) for line in page.extract_text_lines()] for page in pdf.pages]


def many_sections() -> tuple[list[dict], list[str]]:
    """Headings followed by every kind of block, at lengths that move them down the pages."""
    blocks, headings = [META], []
    for i in range(28):
        if i % 5 == 0:
            headings.append(f"Chapitre {i}")
            blocks.append({"kind": "heading", "text": headings[-1], "level": 1})
        headings.append(f"Partie {i}")
        blocks.append({"kind": "heading", "text": headings[-1], "level": 2})
        follow = i % 4
        if follow == 0:
            blocks.append(png_block(600, 380 + 37 * (i % 5), f"f{i}"))
        elif follow == 1:
            rows = [[f"ligne {k}", sentence(6 + k, i + k)] for k in range(2 + i % 3)]
            blocks.append({"kind": "table", "columns": ["n°", "texte"], "rows": rows, "caption": f"T{i}"})
        elif follow == 2:
            blocks.append({"kind": "quote", "text": sentence(30 + 9 * (i % 3), i), "speaker": f"Habitant·e {i}",
                           "role": "habitant·e", "source": "Atelier 2", "theme": None})
        blocks.append({"kind": "paragraph", "text": " ".join(sentence(9, i + k) for k in range(1 + i % 6))})
    return blocks, headings


def test_no_pdf_page_ends_with_a_heading(tmp_path):
    blocks, headings = many_sections()
    lines = page_lines(to_pdf(blocks, tmp_path / "h.pdf"))
    assert len(lines) > 8
    for number, page in enumerate(lines, start=1):
        assert re.fullmatch(r"Page \d+ / \d+", page[-1]), page[-1]
        assert page[-2] not in headings, f"page {number} ends with the heading {page[-2]!r}"
    # and every heading is there, once
    found = [line for page in lines for line in page if line in headings]
    assert found == headings


def test_a_figure_that_almost_fits_is_shrunk_rather_than_leave_a_page_empty(tmp_path):
    import pdfplumber

    # a short page opening, then a figure a little taller than the room left
    blocks = [META, {"kind": "paragraph", "text": " ".join(sentence(10, k) for k in range(14))},
              png_block(800, 1000, "haute")]
    path = to_pdf(blocks, tmp_path / "f.pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        (image,) = pdf.pages[0].images
        full = 170 * 1000 / 800                       # mm, at the 17 cm text width
        assert image["height"] / MM < full            # smaller than at full size…
        assert image["height"] / MM >= 0.7 * full - 0.5   # …but not much


def test_no_page_but_the_last_is_near_empty(tmp_path):
    import pdfplumber

    blocks = [META]
    for i in range(10):
        # tall figures: the first one would leave page 1 with only the title and a paragraph
        blocks += [{"kind": "paragraph", "text": sentence(12 + 5 * i, i)}, png_block(800, 1000 + 20 * (i % 3), f"g{i}")]
    with pdfplumber.open(to_pdf(blocks, tmp_path / "e.pdf")) as pdf:
        assert len(pdf.pages) > 4
        for page in pdf.pages[:-1]:
            bottoms = [c["bottom"] for c in page.chars if not c["text"].isspace()]
            bottoms += [im["bottom"] for im in page.images]
            footer = max(c["top"] for c in page.chars)      # the page number
            used = max(b for b in bottoms if b < footer - 1)
            assert used > page.height / 2, f"page {page.page_number} stops at {used / page.height:.0%}"


def word_gaps(path: Path, first: str, last: str) -> list[float]:
    """The gaps between the words of each line from the line starting ``first`` to the one ending ``last``."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        lines = pdf.pages[0].extract_text_lines(return_chars=True)
    start = next(k for k, line in enumerate(lines) if line["text"].startswith(first))
    end = next(k for k, line in enumerate(lines) if line["text"].endswith(last))
    gaps = []
    for line in lines[start:end + 1]:
        chars = line["chars"]
        gaps += [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:]) if b["text"] != " " and a["text"] == " "
                 or (b["x0"] - a["x1"]) > 1.5]
    return gaps


def test_titles_and_quotes_are_not_justified(tmp_path):
    title = "Une consultation des habitantes et habitants du quartier du canal sur la place des jeunes"
    quote = sentence(60, 3)
    path = to_pdf([{**META, "title": title},
                   {"kind": "quote", "text": quote, "speaker": "Habitant·e 1", "role": None, "source": None}],
                  tmp_path / "j.pdf")
    lines = page_lines(path)[0]
    assert sum(1 for line in lines if line and line in title) >= 2            # the title takes two lines
    for first, last in ((title.split()[0], title.split()[-1]), (quote.split()[0], quote.split()[-1])):
        gaps = word_gaps(path, first, last)
        assert len(gaps) > 10
        assert max(gaps) - min(gaps) < 0.5, (first, gaps)        # every space as wide: no justification


def test_guillemets_and_french_punctuation_never_stand_alone_at_a_line_end(tmp_path):
    # many short quoted words, questions and colons, so that some would fall at a line's edge
    text = " ".join(f"{WORDS[k % 10][: 3 + k % 6]} « {WORDS[(k * 3) % 10]} » dit-on ; et {WORDS[k % 7]} ? "
                    f"oui : {WORDS[(k + 2) % 10]}" for k in range(60))
    path = to_pdf([META, {"kind": "paragraph", "text": text},
                   {"kind": "quote", "text": text, "speaker": "Habitant·e 2", "role": None, "source": None},
                   {"kind": "table", "columns": ["n", "texte"], "rows": [["1", text[:400]]], "caption": "G"}],
                  tmp_path / "g.pdf")
    lines = [line for page in page_lines(path) for line in page]
    assert sum(line.count("«") for line in lines) >= 120
    starts = [line for line in lines if line[:1] in "»?;:!"]
    ends = [line for line in lines if line.endswith("«")]
    assert starts == [] and ends == []


def test_tie_binds_guillemets_punctuation_and_dashes_but_leaves_code_and_english_alone():
    assert tie("« oui » : non ? — Atelier 1 — suite") == "«\u00a0oui\u00a0»\u00a0: non\u00a0?\u00a0— Atelier\u00a01\u00a0— suite"
    assert tie("Really ? Yes : no", "en") == "Really ? Yes : no"
    assert tie("«  deux espaces  »") == "«\u00a0deux espaces\u00a0»"


def test_docx_keeps_headings_captions_pictures_and_quotes_with_what_follows(tmp_path):
    import docx

    blocks, _ = many_sections()
    doc = docx.Document(str(to_docx(blocks, tmp_path / "k.docx")))

    def keeps(p) -> bool:
        return bool(p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next)

    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert len(headings) > 30 and all(keeps(p) for p in headings)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Tableau")]
    assert captions and all(keeps(p) for p in captions)
    pictures = [p for p in doc.paragraphs if p._p.xpath(".//pic:pic")]
    assert pictures and all(keeps(p) for p in pictures)
    quotes = [p for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes and all(p.paragraph_format.keep_together for p in quotes)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_docx_ties_guillemets_in_body_text(tmp_path, lang):
    import docx

    doc = docx.Document(str(to_docx([{**META, "lang": lang}, {"kind": "paragraph", "text": "il dit « non » ici"}],
                                    tmp_path / "t.docx")))
    assert "il dit «\u00a0non\u00a0» ici" in [p.text for p in doc.paragraphs]
