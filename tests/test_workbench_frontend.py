"""The panels' front ends and Python sides agree: every action sent has a handler, every label a text."""

from __future__ import annotations

import re

import pytest

from research_kit.workbench.labels import LABELS, labels
from tests.helpers import ROOT

STATIC = ROOT / "research_kit" / "workbench" / "static"
PANELS = {"coding.js": ("coding_panel", "CodingPanel"), "explorer.js": ("explorer", "Explorer"),
          "resolve.js": ("resolve", "ResolvePanel"), "textometry.js": ("textometry", "TextometryBrowser")}


@pytest.mark.parametrize("script", sorted(PANELS))
def test_every_action_the_front_end_sends_has_a_handler(script):
    import importlib

    module, name = PANELS[script]
    panel = getattr(importlib.import_module(f"research_kit.workbench.{module}"), name)
    source = (STATIC / "common.js").read_text(encoding="utf-8") + (STATIC / script).read_text(encoding="utf-8")
    sent = set(re.findall(r'send\(model, "(\w+)"', source))
    assert sent, script
    assert {a for a in sent if not hasattr(panel, f"do_{a}")} == set()


def test_every_label_the_front_ends_use_exists_in_both_languages():
    used = set()
    for path in STATIC.glob("*.js"):
        used |= set(re.findall(r'L\(model, "(\w+)"\)', path.read_text(encoding="utf-8")))
    assert used and used - set(LABELS) == set()
    assert all(set(text) == {"fr", "en"} and all(text.values()) for text in LABELS.values())
    assert labels("fr")["undo"] == "Annuler"


def test_each_panel_ships_one_module_with_a_render_function():
    from research_kit.workbench._base import front_end

    for script in PANELS:
        esm = front_end(script)
        assert esm.count("export default { render };") == 1 and "function render(" in esm
