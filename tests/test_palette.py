"""One palette: every colour figures, briefs, slides and cards draw with comes from research_kit.palette."""

from __future__ import annotations

import re
import string

import pytest

from research_kit import palette
from research_kit.errors import ParameterError
from tests.helpers import ROOT

HEX = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b")
# colours given as numbers: fpdf2 set_*_color(86, 96, 107), fill_color=(…), RGBColor(0x56, …)
RGB_TUPLE = re.compile(r"_colou?r\(\s*\d|_colou?r=\(\s*\d|RGBColor\(\s*(0x)?\d")
COLOURS = {value.upper() for name, value in vars(palette).items()
           if name.isupper() and isinstance(value, str) and value.startswith("#")}
COLOURS |= {c.upper() for c in (*palette.PALETTE, *palette.CLASS_EXTRA)}


def test_okabe_ito_and_the_diverging_pair():
    # Okabe & Ito (2008): the eight colours of the Color Universal Design palette
    assert set(palette.PALETTE) == {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
                                    "#000000"}
    assert (palette.POSITIVE, palette.NEGATIVE) == (palette.PALETTE[0], palette.PALETTE[3])


def test_plots_use_the_palette_itself():
    from research_kit import plots
    from research_kit.plots import _style

    for name in ("PALETTE", "POSITIVE", "NEGATIVE", "NEUTRAL"):
        assert getattr(plots, name) is getattr(palette, name) is getattr(_style, name)


def test_rgb():
    assert palette.rgb(palette.MUTED) == (86, 96, 107)
    assert palette.rgb("#ffffff") == (255, 255, 255)
    with pytest.raises(ParameterError, match="RK-P01"):
        palette.rgb("#fff")


@pytest.mark.parametrize("name", ["brief.css", "cards.css"])
def test_template_css_takes_every_colour_from_the_palette(name):
    css = (ROOT / "research_kit" / "templates" / name).read_text(encoding="utf-8")
    assert HEX.findall(css) == []                                 # no colour written in the template...
    names = {m.group("named") or m.group("braced") for m in string.Template.pattern.finditer(css)
             if m.group("named") or m.group("braced")}
    assert names and names <= set(palette.CSS)                    # ...only names the palette fills in
    assert set(palette.CSS.values()) <= COLOURS


def test_rendered_pages_use_palette_colours_only():
    from research_kit.render import to_html
    from research_kit.render.html import stylesheet

    for name in ("brief.css", "cards.css"):
        found = {c.upper() for c in HEX.findall(stylesheet(name))}
        assert found and found <= COLOURS, found - COLOURS
    page = to_html([{"kind": "meta", "lang": "fr", "title": "T"}, {"kind": "paragraph", "text": "x"}])
    assert {c.upper() for c in HEX.findall(page)} <= COLOURS


@pytest.mark.parametrize("folder", ["render", "plots"])
def test_renderers_and_plots_write_no_colour_of_their_own(folder):
    for path in sorted((ROOT / "research_kit" / folder).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert HEX.findall(source) == [], path.name
        assert RGB_TUPLE.findall(source) == [], path.name
