"""Read back the brief blocks an executed notebook showed, and nothing else."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from typing import Any

from .._io import read_bytes
from ..blocks import MIME, check_block
from ..errors import BriefError, ResearchKitError

__all__ = ["blocks_from_notebook"]


def blocks_from_notebook(nb_or_path: Any) -> list[dict[str, Any]]:
    """The brief blocks an executed notebook shows, in order.

    Only outputs of code cells of type ``display_data`` or ``execute_result`` that carry
    :data:`research_kit.blocks.MIME` count; code, streams, errors and every other output
    are ignored, so nothing but what the brief showed reaches a rendered file.

    Parameters
    ----------
    nb_or_path
        An nbformat notebook node (or the same as a plain dict), or the path of an
        ``.ipynb`` file.

    Returns
    -------
    list of dict
        The blocks, each checked with :func:`research_kit.blocks.check_block`.

    Raises
    ------
    BriefError
        ``RK-B10`` when the notebook shows no block, ``RK-B13`` when it is not a
        notebook, ``RK-B01`` when a block is malformed (``cell`` names its cell).

    Examples
    --------
    >>> blocks = blocks_from_notebook("out/brief-atelier-2.ipynb")  # doctest: +SKIP
    >>> from research_kit.render import render
    >>> render(blocks, "out", name="brief-atelier-2")  # doctest: +SKIP
    """
    where: str | None = None
    if isinstance(nb_or_path, (str, os.PathLike)):
        where = str(nb_or_path)
        raw = read_bytes(nb_or_path)
        try:
            nb = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BriefError("RK-B13", f"is not a Jupyter notebook ({e}).", path=where,
                             hint="Give the .ipynb file that papermill wrote.") from e
    else:
        nb = nb_or_path
    cells = nb.get("cells") if isinstance(nb, Mapping) else None
    if not isinstance(cells, list):
        raise BriefError("RK-B13", "is not a Jupyter notebook (it has no 'cells' list).",
                         path=where or "<notebook>", hint="Give the .ipynb file that papermill wrote.")
    found: list[dict[str, Any]] = []
    for number, cell in enumerate(cells):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs") or ():
            if not isinstance(output, Mapping):
                continue
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data")
            if not isinstance(data, Mapping) or MIME not in data:
                continue
            block = data[MIME]
            if isinstance(block, str):
                with contextlib.suppress(json.JSONDecodeError):
                    block = json.loads(block)
            block = _to_plain(block)
            try:
                found.append(check_block(block))
            except ResearchKitError as e:
                raise BriefError(e.code, f"cell {number}: {e.message}", cell=number, path=where,
                                 hint=e.hint) from e
    if not found:
        raise BriefError("RK-B10", "the notebook shows no brief content; use research_kit.show in its cells.",
                         path=where, hint="Each cell that should reach the brief calls research_kit.show.heading(), "
                                          ".paragraph(), .table(), .figure(), .quotes()…")
    return found


def _to_plain(value: Any) -> Any:
    """nbformat nodes → plain dicts and lists (the blocks are JSON data)."""
    if isinstance(value, Mapping):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    return value
