"""Quote cards that print: margins printers keep, quotation marks paired, none alone on a line.

The PDF is read back with pdfplumber: the position of every character and every cutting
line, and the text of each card line by line.
"""

from __future__ import annotations

import re

import pytest

from research_kit.render import to_cards

MM = 72 / 25.4                     # PDF points per millimetre
A4 = (210 * MM, 297 * MM)
LONG = ("Alors à la table jeux, on était avec Habitant·e 2 et Habitant·e 8, et une maman qui est partie "
        "avant la fin parce que son bébé pleurait. ") * 12                 # about 1 300 characters
NOTICE = ("Corpus fictif : personnes, lieux et organisations sont inventés. Les noms des personnes sont "
          "remplacés par des pseudonymes. ") * 2
QUOTES = [
    ("Il a dit » bon « on verra", "Élu·e 1"),                              # a stray » and an unclosed «
    ("Mais Habitant·e 10 n'est pas venue quand même, parce qu'il n'y avait pas d'interprète ce soir.", "Habitant·e 2"),
    (LONG, "Habitant·e 5"),
    ("« Déjà entre guillemets »", "Habitant·e 3"),
]
QUESTION = ("Qu'est-ce qui vous frappe dans ces citations sur « les conditions de participation » et que "
            "faudrait-il changer d'ici le prochain atelier pour que chacun puisse venir ?")


def blocks(lang: str = "fr") -> list[dict]:
    return [{"kind": "meta", "lang": lang, "title": "Atelier participatif 2 — sécurité, jeux et verdure",
             "notice": NOTICE},
            *({"kind": "quote", "text": text, "speaker": who, "role": "habitant·e",
               "source": "Atelier participatif 2 — sécurité, jeux et verdure — 2025-03-13",
               "theme": "Conditions de participation"} for text, who in QUOTES),
            {"kind": "questions", "items": [QUESTION, "Qui décide ?"]}]


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cards")
    return to_cards(blocks(), folder / "c.pdf", folder / "c.html")


@pytest.fixture(scope="module")
def sheet(cards):
    import pdfplumber

    with pdfplumber.open(cards[0]) as pdf:
        page = pdf.pages[0]
        yield {"size": (page.width, page.height), "chars": page.chars, "rects": page.rects,
               "cards": [page.crop((r["x0"], r["top"], r["x1"], r["bottom"])).extract_text_lines()
                         for r in sorted(page.rects, key=lambda r: (round(r["top"]), r["x0"]))]}


def test_nothing_is_printed_within_10_mm_of_the_edge(sheet):
    width, height = sheet["size"]
    assert (round(width), round(height)) == (round(A4[0]), round(A4[1]))
    margin = 10 * MM
    marks = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in sheet["chars"] if c["text"].strip()]
    marks += [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in sheet["rects"]]   # the cutting lines
    assert len(sheet["rects"]) == 6 and len(marks) > 500
    too_near = [m for m in marks if m[0] < margin or m[1] < margin or m[2] > width - margin or m[3] > height - margin]
    assert too_near == []


def test_the_footer_keeps_within_the_margins_and_says_where_it_was_cut(sheet):
    width, height = sheet["size"]
    lowest = max(r["bottom"] for r in sheet["rects"])
    footer = "".join(c["text"] for c in sheet["chars"] if c["top"] > lowest)
    assert footer.startswith("Atelier participatif 2")
    assert footer.rstrip().endswith("…")                      # the notice is too long: cut, and it says so


def test_quotation_marks_are_paired_on_every_card(sheet):
    quotes = [lines for lines in sheet["cards"] if lines and lines[0]["text"] == "CONDITIONS DE PARTICIPATION"]
    assert len(quotes) == len(QUOTES)
    for lines in quotes:
        text = " ".join(line["text"] for line in lines)
        assert text.count("«") == text.count("»") >= 1, text[:60]
    first = " ".join(line["text"] for line in quotes[0]).replace("\xa0", " ")
    assert "« Il a dit bon « on verra » »" in first
    fourth = " ".join(line["text"] for line in quotes[3]).replace("\xa0", " ")
    assert "« Déjà entre guillemets »" in fourth and "« «" not in fourth     # not quoted twice


def test_no_mark_wraps_alone_onto_a_line(sheet):
    lines = [line["text"].strip() for card in sheet["cards"] for line in card]
    assert not [t for t in lines if re.fullmatch(r"[«»?!:;]|[»?!:;].*|.*«", t)]


def test_a_quote_too_long_for_its_card_is_cut_at_a_word_and_marked(sheet):
    (card,) = [lines for lines in sheet["cards"] if any("Habitant·e 5" in line["text"] for line in lines)]
    text = " ".join(line["text"] for line in card[1:]).replace("\xa0", " ").split(" — Habitant·e 5")[0]
    assert text.startswith("« Alors à la table jeux") and text.endswith("[…] »")
    words = text.removeprefix("« ").removesuffix(" […] »").split()
    assert words == LONG.split()[:len(words)] and len(words) < len(LONG.split())
    sizes = {round(c["size"], 1) for c in sheet["chars"] if c["text"] in "Alors" and "Oblique" in c["fontname"]}
    assert min(sizes) >= 9                                    # cut rather than shrunk out of sight


def test_the_html_cards_print_with_the_same_margins_and_marks(cards):
    page = cards[1].read_text(encoding="utf-8")
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    (margin,) = re.findall(r"@page\s*\{[^}]*margin:\s*([\d.]+)mm", css)
    assert float(margin) >= 10
    quotes = re.findall(r"<blockquote><p>(.*?)</p></blockquote>", page, re.S)
    assert len(quotes) == len(QUOTES)
    assert all(q.count("«") == q.count("»") for q in quotes)
    assert quotes[0] == "«\xa0Il a dit bon «\xa0on verra\xa0»\xa0»"
    assert quotes[2].endswith("[…]\xa0»") and len(quotes[2]) < len(LONG) / 2
    assert "puisse venir\xa0?" in page                        # the ? held to its word
