"""The workshop deck's geometry: 16:9, every shape on the slide, text that fits its box.

Decks are built from hand-made blocks and read back with python-pptx (and, for the size
declaration, from ``ppt/presentation.xml`` itself). Whether text fits is estimated
independently of the renderer: an average character is taken as half an em wide, so a
line holds ``width / (0.5 × size)`` characters, and a line is 1.2 em high.
"""

from __future__ import annotations

import base64
import io
import math
import re
import zipfile

import pytest

from research_kit.render import to_pptx
from research_kit.render.slides import MIN_TEXT_PT, QUESTIONS_PER_SLIDE

EMU_PER_PT = 12700
SLIDE_W, SLIDE_H = 12192000, 6858000     # 13.333 × 7.5 in
SENTENCES = [
    "Le soir, à partir de dix-huit heures en hiver, la place est noire.",
    "Il y a deux lampadaires sur six qui fonctionnent.",
    "Il y a des jeunes qui traînent près de l'aubette du tram, je ne dis pas qu'ils font quelque chose de mal.",
    "Mais les dames âgées de mon immeuble ont peur et elles ne sortent plus après le souper.",
    "On a écrit à la commune deux fois, on n'a jamais eu de réponse, ni même un accusé de réception.",
]
LONG_QUOTE = " ".join(SENTENCES * 3)                      # about 1 200 characters
LONG_TITLE = ("Évolution des thèmes d'une séance à l'autre, en segments pour 1 000 mots, pour chacun des "
              "huit codes du livre de codes de la consultation")
QUESTIONS = [f"Question {k} : qu'est-ce qui vous frappe dans ces citations sur les conditions de participation, "
             f"et que faudrait-il changer d'ici le prochain atelier pour que chacun puisse venir ?" for k in range(1, 10)]


def png_block(width_in: float, height_in: float, caption: str = "") -> dict:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    fig.add_subplot().bar(["a", "b", "c"], [3, 1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return {"kind": "figure", "png": base64.b64encode(buffer.getvalue()).decode("ascii"), "alt": "Barres",
            "caption": caption, "name": f"f-{width_in}-{height_in}"}


def deck_blocks() -> list[dict]:
    return [
        {"kind": "meta", "lang": "fr", "title": "Consultation Quartier du Canal : évaluation d'un processus "
                                                 "participatif en quatre ateliers, de février à mai",
         "subtitle": "Évaluation d'un processus participatif", "corpus": "Médiation et participation (fictif)",
         "generated": "2026-12-03",
         "notice": "Corpus fictif : personnes, lieux et organisations sont inventés. " * 3},
        {"kind": "heading", "text": "Prise de parole", "level": 2},
        png_block(5, 6),                                   # tall: beside its title
        png_block(10, 4, caption=LONG_TITLE),              # wide: under its title
        {"kind": "quote", "text": "Il faut un tarif social.", "speaker": "Habitant·e 1", "role": "habitant·e",
         "source": "Atelier participatif 1 — diagnostic partagé — 2025-02-13", "theme": "Coût"},
        {"kind": "quote", "text": LONG_QUOTE, "speaker": "Habitant·e 5", "role": "habitant·e",
         "source": "Atelier participatif 2 — sécurité, jeux et verdure — 2025-03-13",
         "theme": "Conditions de participation"},
        {"kind": "questions", "items": QUESTIONS},
    ]


@pytest.fixture(scope="module")
def deck_path(tmp_path_factory):
    return to_pptx(deck_blocks(), tmp_path_factory.mktemp("deck") / "deck.pptx")


@pytest.fixture(scope="module")
def deck(deck_path):
    from pptx import Presentation

    return Presentation(str(deck_path))


def within(shape) -> bool:
    return (shape.left >= 0 and shape.top >= 0 and shape.width > 0 and shape.height > 0
            and shape.left + shape.width <= SLIDE_W and shape.top + shape.height <= SLIDE_H)


def slide_text(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_the_deck_is_16_9_and_says_so(deck_path):
    with zipfile.ZipFile(deck_path) as archive:
        xml = archive.read("ppt/presentation.xml").decode("utf-8")
    (size,) = re.findall(r"<p:sldSz [^>]*/>", xml)
    assert 'cx="12192000"' in size and 'cy="6858000"' in size
    assert 'type="screen16x9"' in size                    # not the template's "screen4x3"
    assert 12192000 / 6858000 == pytest.approx(16 / 9, rel=1e-3)


def test_every_shape_of_every_slide_lies_within_the_slide(deck):
    outside = [(k, shape.name) for k, slide in enumerate(deck.slides, 1) for shape in slide.shapes
               if not within(shape)]
    assert outside == []
    # The layouts and master too, so that a slide added later in PowerPoint starts right.
    for container in (deck.slide_master, *deck.slide_layouts):
        for shape in container.shapes:
            if shape._element.xfrm is not None:
                assert within(shape), (container.name, shape.name)


def test_titles_have_a_height_and_lie_within_the_slide(deck):
    for k, slide in enumerate(deck.slides, 1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), k
        assert title.height > 0 and within(title), k
        # the template's title was as wide as 16 in and 0 high at the very top
        assert title.top >= 0.25 * 914400 and title.left >= 0.25 * 914400, k


def estimated_height_pt(shape) -> float:
    """Lines × 1.2 em (plus paragraph spacing), a line holding width / (0.5 em) characters."""
    frame = shape.text_frame
    width_pt = (shape.width - frame.margin_left - frame.margin_right) / EMU_PER_PT
    total = 0.0
    for p in frame.paragraphs:
        if not p.runs:
            continue
        size = max(r.font.size.pt for r in p.runs)
        indent = int(p._p.pPr.get("marL", "0")) / EMU_PER_PT if p._p.pPr is not None else 0
        per_line = (width_pt - indent) / (0.5 * size)
        longest = max(len(w) for w in re.split(r"[ \n]", p.text))
        assert longest <= per_line, f"{p.text[:40]!r}: a word runs off the right edge"
        total += math.ceil(len(p.text) / per_line) * size * 1.2 + (p.space_after.pt if p.space_after else 0)
    return total


def test_text_fits_its_box(deck):
    checked = 0
    for k, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            frame = shape.text_frame
            assert frame.word_wrap is True
            room = (shape.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
            assert estimated_height_pt(shape) <= room, (k, shape.name, frame.text[:60])
            checked += 1
    assert checked >= 12


def test_a_long_quote_goes_on_over_slides_in_whole_sentences(deck):
    parts = [s for s in deck.slides if s.shapes.title.text.startswith("Conditions de participation")]
    assert len(parts) >= 2
    assert [p.shapes.title.text for p in parts] == [
        f"Conditions de participation ({k}/{len(parts)})" for k in range(1, len(parts) + 1)]
    texts = []
    for k, slide in enumerate(parts):
        (box,) = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("«")]
        text = box.text_frame.text
        assert text.count("«") == text.count("»") == 1                      # each part quoted
        assert text.endswith("[…]\xa0»") == (k < len(parts) - 1)            # marked where it goes on
        assert text.startswith("«\xa0[…]") == (k > 0)
        sizes = {r.font.size.pt for p in box.text_frame.paragraphs for r in p.runs}
        assert min(sizes) >= 24                                              # legible from the back
        assert "— Habitant·e 5" in slide_text(slide) and "(habitant·e)" not in slide_text(slide)  # said once
        body = text.removeprefix("«\xa0").removesuffix("\xa0»").removeprefix("[…] ").removesuffix(" […]")
        assert body.rstrip().endswith((".", "!", "?")), body[-30:]         # cut between sentences
        texts.append(body)
    assert " ".join(texts).split() == LONG_QUOTE.split()                   # nothing lost, nothing added


def test_a_short_quote_stays_on_one_large_slide(deck):
    (slide,) = [s for s in deck.slides if s.shapes.title.text == "Coût"]
    (box,) = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("«")]
    assert box.text_frame.text == "«\xa0Il faut un tarif social.\xa0»"
    assert box.text_frame.paragraphs[0].runs[0].font.size.pt >= 32


def test_many_questions_go_on_over_slides_numbered_on(deck, deck_path):
    slides = [s for s in deck.slides if s.shapes.title.text == "Questions pour la discussion"]
    assert len(slides) >= 2
    shown = [[p.text for p in s.placeholders[1].text_frame.paragraphs] for s in slides]
    assert all(1 <= len(group) <= QUESTIONS_PER_SLIDE for group in shown)
    assert [q.replace("\xa0", " ") for group in shown for q in group] == QUESTIONS
    sizes = {r.font.size.pt for s in slides for p in s.placeholders[1].text_frame.paragraphs for r in p.runs}
    assert len(sizes) == 1 and sizes.pop() >= MIN_TEXT_PT                 # one size on every slide
    with zipfile.ZipFile(deck_path) as archive:
        names = sorted((n for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        second = archive.read(names[len(deck.slides) - len(slides) + 1]).decode("utf-8")
    assert f'startAt="{len(shown[0]) + 1}"' in second                      # numbering goes on


def test_figures_use_the_slide(deck):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    tall, wide = pictures
    assert tall.height >= 0.85 * SLIDE_H                 # 6.8 of 7.5 in: the slide's height less margins
    assert wide.width >= 0.85 * SLIDE_W                  # 12.3 of 13.3 in
    assert tall.width / tall.height == pytest.approx(5 / 6, rel=0.02)      # not distorted
    assert wide.width / wide.height == pytest.approx(10 / 4, rel=0.02)


def test_a_long_figure_caption_wraps_as_a_title_above_the_figure(deck):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    (slide,) = [s for s in deck.slides if s.shapes.title.text.startswith("Évolution des thèmes")]
    title = slide.shapes.title
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert title.top + title.height <= picture.top           # nothing drawn over the figure
    assert title.text_frame.paragraphs[0].runs[0].font.size.pt >= 20


def test_quotation_marks_are_paired_and_held_to_their_words(tmp_path):
    from pptx import Presentation

    blocks = [{"kind": "meta", "lang": "fr", "title": "Atelier"},
              {"kind": "quote", "text": "Il a dit » bon « on verra", "speaker": "Élu·e 1"}]
    deck = Presentation(str(to_pptx(blocks, tmp_path / "q.pptx")))
    text = slide_text(deck.slides[1])
    assert "«\xa0Il a dit bon «\xa0on verra\xa0»\xa0»" in text             # the stray » gone, the open « closed


def test_a_tall_chart_is_drawn_again_for_its_slide_so_that_its_text_reads_at_12_pt(tmp_path):
    # 20 bars drawn for the page as the plots draw them (7 in wide, 0.35 in per bar), text at
    # matplotlib's 10 pt: placed as it is on a 7.5 in slide, it would be shown at 0.8 times (8 pt).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from research_kit.render.layout import png_size
    from research_kit.show import collect, figure

    fig, ax = plt.subplots(figsize=(7.0, 0.35 * 20 + 1.2), layout="constrained")
    ax.barh([f"Participant·e {k}" for k in range(1, 21)], range(20, 0, -1))
    with collect():
        block = figure(fig, alt="Vingt barres", name="tall")
    assert "slide_png" in block
    page_w, page_h = png_size(base64.b64decode(block["png"]))
    slide_w, slide_h = png_size(base64.b64decode(block["slide_png"]))
    assert slide_h / slide_w < page_h / page_w               # redrawn less tall, not stretched
    path = to_pptx([{"kind": "meta", "lang": "fr", "title": "Prise de parole"}, block], tmp_path / "tall.pptx")
    (picture,) = [s for slide in Presentation(str(path)).slides for s in slide.shapes
                  if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert within(picture)
    shown = picture.height / (slide_h / 150 * 914400)           # 150 dpi: EMU shown per EMU drawn
    assert 10 * shown >= 12                                  # 10 pt text shown at 12 pt or more


def test_a_figure_that_fits_a_slide_is_not_drawn_twice():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from research_kit.show import collect, figure

    fig, _ = plt.subplots(figsize=(7.0, 4.0))
    with collect():
        block = figure(fig, alt="Barres", name="wide")
    assert "slide_png" not in block
