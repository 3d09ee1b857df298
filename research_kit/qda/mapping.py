"""How the workbench's objects are written in REFI-QDA files, for import and export alike.

Research Kit derives every GUID it writes from stable keys (:func:`stable_guid`), so
that exporting the same data twice gives identical files and an import recognises
its own codes. Turns travel as codings of the codes of a :data:`SPEAKERS_FOLDER`,
their times as the selection's description (:func:`format_times`); the full
codebook travels as the archive member :data:`CODEBOOK_MEMBER`, which other programs
ignore. Colours are ``#RRGGBB`` (:func:`hex_color`).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

import numpy as np

__all__ = [
    "GUID_NAMESPACE",
    "SPEAKERS_FOLDER",
    "CODEBOOK_MEMBER",
    "stable_guid",
    "hex_color",
    "format_times",
    "parse_times",
]

#: Namespace of the GUIDs Research Kit derives (uuid5), so that re-exports are identical.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/research-kit/research-kit/refi-qda")

#: Name of the code folder that carries speaker turns.
SPEAKERS_FOLDER = "Speakers"
#: Member of an archive written by Research Kit that keeps the full codebook.
CODEBOOK_MEMBER = "research-kit/codebook.yml"


def stable_guid(kind: str, *parts: object) -> str:
    """A GUID derived from stable keys, identical on every export (uuid5)."""
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def hex_color(value: str | None) -> str | None:
    """``#RRGGBB`` in capitals from ``RRGGBB``, ``#RGB``…; ``None`` when ``value`` is empty or not a colour."""
    if not value:
        return None
    m = re.fullmatch(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", value.strip())
    if not m:
        return None
    hexa = m.group(1)
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return "#" + hexa.upper()


_TIME_RE = re.compile(r"^\s*(\?|[\d:.]+)\s*-->\s*(\?|[\d:.]+)\s*$")


def format_times(start: float, end: float) -> str | None:
    """A turn's times as ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` (``?`` when unknown); exact for any float."""
    if np.isnan(start) and np.isnan(end):
        return None

    def one(t: float) -> str:
        if np.isnan(t):
            return "?"
        d = Decimal(repr(float(t)))
        sign = "-" if d < 0 else ""
        d = abs(d)
        h, rest = divmod(d, 3600)
        m, s = divmod(rest, 60)
        whole, frac = divmod(s, 1)
        digits = format(frac, "f")[2:] if frac else ""
        digits = (digits + "000")[: max(3, len(digits))]
        return f"{sign}{int(h):02d}:{int(m):02d}:{int(whole):02d}.{digits}"

    return f"{one(start)} --> {one(end)}"


def parse_times(text: str | None) -> tuple[float, float] | None:
    """Inverse of :func:`format_times`; ``None`` when ``text`` is not a time range."""
    if not text:
        return None
    m = _TIME_RE.match(text)
    if not m:
        return None

    def one(value: str) -> float:
        if value == "?":
            return float("nan")
        parts = value.split(":")
        total = Decimal(0)
        for p in parts:
            total = total * 60 + Decimal(p)
        return float(total)

    try:
        return one(m.group(1)), one(m.group(2))
    except (InvalidOperation, ValueError):
        return None
