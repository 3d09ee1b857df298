"""What every panel shares: the anywidget class, its front-end files, actions and messages.

A panel is an :class:`anywidget.AnyWidget`: one Python class whose state the front end
mirrors (traits tagged ``sync=True``) and one ES module, with no build step, that runs
alike in JupyterLab 4, Notebook 7 and VS Code. The front end sends *actions*
(``{"action": "open", "args": {"doc_id": "mtl-cop-01"}}``); :meth:`Panel.handle` runs
the method ``do_<action>`` with those arguments, and a coded error of the package
becomes the panel's ``message`` instead of a traceback. Tests call :meth:`Panel.handle`
with the same dictionaries the browser sends.
"""

from __future__ import annotations

import traceback
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import pandas as pd
import traitlets

from ..errors import ParameterError, ResearchKitError, check_option
from .labels import labels

STATIC = Path(__file__).with_name("static")


@cache
def front_end(name: str) -> str:
    """The ES module of a panel: the shared helpers, then the panel's own file."""
    common = (STATIC / "common.js").read_text(encoding="utf-8")
    return common + "\n" + (STATIC / name).read_text(encoding="utf-8")


@cache
def style() -> str:
    return (STATIC / "workbench.css").read_text(encoding="utf-8")


class Panel(anywidget.AnyWidget):
    """A workbench panel: actions from the front end, coded errors shown as its message."""

    lang = traitlets.Unicode("fr").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    message = traitlets.Dict().tag(sync=True)
    _css = style()

    def __init__(self, *, lang: str = "fr", **kwargs: Any) -> None:
        check_option("lang", lang, ("fr", "en"), function=type(self).__name__)
        super().__init__(lang=lang, labels=labels(lang), **kwargs)
        self.last_error: BaseException | None = None
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and "action" in content:
            self.handle(str(content["action"]), **dict(content.get("args") or {}))

    def handle(self, action: str, **args: Any) -> bool:
        """Run the action the front end sent; ``False`` when it failed (the message says why)."""
        method = getattr(self, f"do_{action}", None)
        if method is None:
            self.show(ParameterError("RK-P83", f"{type(self).__name__} has no action {action!r}."))
            return False
        try:
            method(**args)
        except ResearchKitError as e:
            self.last_error = e
            self.show(e)
            return False
        except Exception as e:  # noqa: BLE001 - a panel must survive what it did not foresee, and say it
            self.last_error = e
            self.message = {"level": "error", "code": "", "text": f"{type(e).__name__}: {e}",
                            "detail": traceback.format_exc(limit=4)}
            return False
        return True

    def show(self, error: ResearchKitError | None, *, level: str = "error") -> None:
        """Show a coded error (or nothing, with ``None``) as the panel's message."""
        if error is None:
            self.message = {}
            return
        self.message = {"level": level, "code": error.code, "text": str(error)}

    def do_dismiss(self) -> None:
        self.message = {}


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows as JSON-ready dictionaries: missing values become ``None``, numbers plain numbers."""
    frame = frame if columns is None else frame[columns]
    out = []
    names = list(frame.columns)
    for values in frame.itertuples(index=False, name=None):
        out.append({k: _plain(v) for k, v in zip(names, values)})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value if isinstance(value, (str, int, list, dict)) else str(value)
