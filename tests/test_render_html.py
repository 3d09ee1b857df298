"""The HTML brief on a wide screen and on a phone: tables use the width; on a phone their
rows become cards of labelled cells, so that no column — the excerpt least of all — is cut off.

The markup and stylesheet are read as text; one test lays the page out in Chromium (through
Playwright) at 1280 and 390 px, when a Chromium is installed.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from research_kit.render import to_html

EXCERPT = ("Bonsoir à tous. Oui, alors, je vais essayer d'être clair, et je m'excuse d'avance si je suis un peu "
           "long, mais c'est un dossier compliqué. L'éclairage public sur la place des Tisserands, ce n'est pas "
           "la commune qui le gère.")
WIDE = {"kind": "table", "caption": "Désaccords à discuter",
        "columns": ["document", "locuteur·rice", "thème", "**camille**", "mathis", "extrait"],
        "rows": [["bxl-atelier-2", "Agent·e communal·e 1", "Retour aux participant·es", "·", "✓", EXCERPT],
                 ["bxl-atelier-3", "Habitant·e 1", "Prendre la parole", "✓", "·", "Oui."]]}
SMALL = {"kind": "table", "caption": "Codes", "columns": ["code", "n"],
         "rows": [["care", "16"], ["power", "1 204"]]}
VERY_WIDE = {"kind": "table", "caption": "Séances",
             "columns": ["titre", "date", "personnes", "Gini (mots)", "équitabilité", "part du plus bavard",
                         "part de l'animation", "Gini (participant·es)"],
             "rows": [["Atelier participatif 1 — diagnostic partagé", "2025-02-13", "9", "0,39", "0,88", "35 %",
                       "49 %", "0,25"]]}
MEDIUM = {"kind": "table", "caption": "Qui a pris part",
          "columns": ["rôle", "personnes", "tours de parole", "mots", "part des mots"],
          "rows": [["habitant·e", "11", "76", "4 501", "42 %"], ["représentant·e associatif·ve", "1", "11", "724", "7 %"]]}
BLOCKS = [{"kind": "meta", "lang": "fr", "title": "Revue du codage"},
          {"kind": "heading", "text": "Désaccords", "level": 2},
          {"kind": "paragraph", "text": "Deux codeur·euses ont codé les mêmes tours."},
          WIDE, SMALL, VERY_WIDE, MEDIUM,
          {"kind": "quote", "text": "Il a dit » bon « on verra", "speaker": "Élu·e 1"}]


class Cells(HTMLParser):
    """Each table's wrapper class, its header cells and its rows of (attributes, text) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "rk-table" in (attrs.get("class") or "").split():
            self.tables.append({"class": attrs["class"].split(), "head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = {"tag": tag, "attrs": attrs, "text": ""}

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            table = self.tables[-1]
            (table["head"] if self._cell["tag"] == "th" else table["rows"][-1]).append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(BLOCKS)


@pytest.fixture(scope="module")
def tables(page) -> list[dict]:
    parser = Cells()
    parser.feed(page)
    return parser.tables


@pytest.fixture(scope="module")
def css(page) -> str:
    return re.search(r"<style>(.*?)</style>", page, re.S).group(1)


def blocks_of(css: str, at_rule: str) -> list[tuple[str, str]]:
    """Each ``@media …`` block whose prelude contains ``at_rule``: (prelude, body)."""
    found = []
    for m in re.finditer(r"@media([^{]*)\{", css):
        depth, k = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[k], 0)
            k += 1
        if at_rule in m.group(1):
            found.append((m.group(1).strip(), css[m.end():k - 1]))
    return found


def without_media(css: str) -> str:
    for _, body in blocks_of(css, ""):
        css = css.replace(body, "")
    return css


def rules(css: str) -> dict[str, str]:
    """Selector → declarations, for the rules at the top level of ``css``."""
    return {sel.strip(): decl for sel, decl in re.findall(r"([^{}]+)\{([^{}]*)\}", css)}


def test_every_cell_is_labelled_with_its_column(tables):
    for table in tables:
        labels = [re.sub(r"\s+", " ", th["text"]).strip() for th in table["head"]]
        for row in table["rows"][1:]:                        # the first <tr> is the header's
            assert [td["attrs"].get("data-label") for td in row] == labels
    assert [th["text"] for th in tables[0]["head"]][3] == "camille"   # the label is the header's text, no markup


def test_columns_are_laid_out_by_what_they_hold(tables):
    wide, small, *_ = tables
    classes = [td["attrs"].get("class") for td in wide["rows"][1]]
    #            document     locuteur·rice  thème  camille     mathis     extrait
    assert classes == ["rk-tight", None, None, "rk-mark", "rk-mark", "rk-long"]
    assert [td["attrs"].get("class") for td in small["rows"][1]] == ["rk-tight", "rk-num"]
    assert [th["attrs"].get("class") for th in small["head"]] == ["rk-tight", "rk-num"]


def test_only_tables_too_wide_for_a_screen_stack_on_it(tables):
    wide, small, very_wide, medium = tables
    assert "rk-stack" not in small["class"]                  # two short columns fit a phone as they are
    assert "rk-stack" in medium["class"] and "rk-stack-wide" not in medium["class"]     # a phone only
    assert {"rk-stack", "rk-stack-wide"} <= set(very_wide["class"])                   # a tablet too
    assert {"rk-stack", "rk-stack-wide"} <= set(wide["class"])     # five columns and room for the excerpt


def test_the_stylesheet_stacks_labelled_rows_on_a_phone(css):
    phone = [(p, body) for p, body in blocks_of(css, "max-width") if ".rk-stack td" in body]
    assert phone
    for prelude, body in phone:
        width = float(re.search(r"max-width:\s*([\d.]+)rem", prelude).group(1)) * 16
        assert width >= 390
        found = rules(body)
        before = next(decl for sel, decl in found.items() if sel.endswith("td::before"))
        assert "attr(data-label)" in before
        assert re.search(r"display:\s*block", next(d for s, d in found.items() if " tr" in s))
        assert re.search(r"clip-path|display:\s*none", next(d for s, d in found.items() if "thead" in s))
    assert "screen" in phone[0][0]                          # paper keeps its tables


def test_nothing_caps_tables_at_the_reading_width(css):
    screen = rules(without_media(css))
    for selector, declarations in screen.items():
        names = set(re.split(r"[\s,>]+", selector))
        if names & {"body", ".rk-page", ".rk-brief", "main", ".rk-table", "table"}:
            for value in re.findall(r"max-width:\s*([^;]+)", declarations):
                assert value.strip() == "100%", (selector, value)
    spans = [d for s, d in screen.items() if ".rk-table" in s and "grid-column" in d]
    assert spans and all(re.search(r"grid-column:\s*1\s*/\s*-1", d) for d in spans)


def test_headings_are_never_justified(css):
    assert "justify" not in css
    heading = next(d for s, d in rules(without_media(css)).items() if s.replace(" ", "") == "h1,h2,h3")
    assert re.search(r"text-align:\s*left", heading)


def test_quotes_keep_their_marks_paired(page):
    quote = re.search(r'<blockquote class="rk-quote">\s*<p>(.*?)</p>', page, re.S).group(1)
    assert quote == "Il a dit bon «\xa0on verra\xa0»"


def chromium() -> str | None:
    return next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium"))
                 if p and Path(p).exists()), None)


@pytest.mark.skipif(chromium() is None, reason="no Chromium to lay the page out")
def test_a_browser_shows_every_column_on_a_wide_screen_and_a_phone(page):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 1280, "height": 900})
            view.set_content(page)
            widths = view.evaluate("[...document.querySelectorAll('.rk-table table')]"
                                   ".map(t => t.getBoundingClientRect().width)")
            prose = view.evaluate("document.querySelector('.rk-brief p').getBoundingClientRect().width")
            assert prose <= 46 * 16 + 1                      # prose keeps its reading column…
            assert widths[0] > 1.3 * prose                   # …the excerpt table takes the screen
            view.set_viewport_size({"width": 768, "height": 900})         # a tablet, upright
            tablet = view.evaluate("""[...document.querySelectorAll('td')].map(c => {
                const r = c.getBoundingClientRect(); return [r.right, c.scrollWidth - c.clientWidth]; })""")
            assert view.evaluate("document.documentElement.scrollWidth") <= 768
            assert all(right <= 768 and overflow <= 0 for right, overflow in tablet)
            view.set_viewport_size({"width": 390, "height": 800})
            page_width = view.evaluate("document.documentElement.scrollWidth")
            cells = view.evaluate("""[...document.querySelectorAll('.rk-stack td')].map(c => {
                const r = c.getBoundingClientRect();
                return [c.getAttribute('data-label'), r.left, r.right, c.scrollWidth - c.clientWidth]; })""")
        finally:
            browser.close()
    assert page_width <= 390                                 # nothing scrolls sideways
    shown = [cell for cell in cells if cell[2] > cell[1]]
    assert {label for label, *_ in shown} >= {"extrait", "mathis", "camille", "Gini (participant·es)"}
    for label, left, right, overflow in shown:
        assert left >= 0 and right <= 390 and overflow <= 0, label
