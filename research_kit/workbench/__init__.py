"""The workbench: JupyterLab panels to explore a corpus, code transcripts and resolve disagreements.

Panels (widgets, :mod:`anywidget`: JupyterLab 4, Notebook 7, VS Code) and, for each, the
plain objects and functions it is thin over, for scripts:

==========================  =======================================================
panel                       plain equivalent
==========================  =======================================================
:class:`Explorer`           :class:`~research_kit.kwic.Concordancer`, :func:`~research_kit.kwic.sort_kwic`,
                            :func:`views.filter_rows`, :func:`views.turn_context`, :func:`views.select_tokens`,
                            ``frequencies``, ``keyness``, ``participation``
:class:`CodingPanel`        :class:`CodingSession` (code, memo, undo; written at once),
                            :class:`SuggestionReview` (the rules' suggestions)
:class:`ResolvePanel`       :class:`Adjudication` (disagreements decided, written at once)
:class:`TextometryBrowser`  :func:`~research_kit.chd.classification_summary`, :func:`~research_kit.chd.class_details`,
                            :class:`~research_kit.kwic.Concordancer`
==========================  =======================================================

Names are imported on first use (PEP 562): ``import research_kit.workbench`` loads no
widget library.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Explorer", "CodingPanel", "ResolvePanel", "TextometryBrowser", "CodingSession", "SuggestionReview",
           "Adjudication", "CoderFile"]

_WHERE = {
    "Explorer": "explorer", "CodingPanel": "coding_panel", "ResolvePanel": "resolve",
    "TextometryBrowser": "textometry", "CodingSession": "session", "SuggestionReview": "suggestions",
    "Adjudication": "adjudication", "CoderFile": "store",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
