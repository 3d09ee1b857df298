"""Opening REFI-QDA exchange files defensively, and reading their members.

A ``.qdpx`` project is a zip holding one XML project file (``project.qde``, or
``<ProjectName>.qde`` as some programs write it) and a ``sources/`` folder (or
``Sources/``) with the sources' plain texts. A ``.qdc`` codebook is a lone XML file.
:class:`Archive` opens a project, :func:`open_qdc` a codebook; both hand back what
:mod:`research_kit.qda.qde` then reads leniently.

Defences
--------
They are those of :mod:`research_kit._zip`, the one guarded way the package opens a
user's zip, under :data:`QDPX_RULES`:

- Member names are checked before anything is read: absolute paths, drive letters,
  ``..`` segments, control characters and names used twice refuse the archive
  (``RK-Q03``), as do encrypted members.
- The archive may not expand beyond ``max_size`` bytes, nor a member beyond what its
  header declares, nor hold more than 10,000 members (``RK-Q04``); a member over 1 MiB
  compressed more than ``max_ratio`` times is refused as a zip bomb (``RK-Q05``). A
  member is read by asking the decompressor for at most its limit plus one byte, so a
  lying header cannot make the reader allocate more; a member whose bytes are damaged
  (checksum, compression stream) gives ``RK-Q01``, as does a file that is not a zip.
- XML with a document type declaration (``<!DOCTYPE``) or entity declarations is
  refused before parsing (``RK-Q06``); the parser never resolves entities nor touches
  the network. Broken XML gives ``RK-Q07`` with the line and the parser's words,
  which name the element; a root element of the wrong kind gives ``RK-Q08``.
- Members are read into memory, never extracted; ``plainTextPath`` values resolve to
  members of the archive only (``sources/`` or ``Sources/``, with or without the
  ``internal://`` scheme).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .._zip import MAX_MEMBERS, GuardedZip, ZipRules, local_name, read_file
from .._zip import parse_xml as _guarded_xml
from ..errors import QdaError

__all__ = [
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_QDC_SIZE",
    "QDPX_RULES",
    "Archive",
    "open_qdc",
    "parse_xml",
    "local_name",
]

#: Largest total uncompressed size of an archive, in bytes.
DEFAULT_MAX_SIZE = 500 * 2**20
#: Largest compression ratio of a member over 1 MiB.
DEFAULT_MAX_RATIO = 200.0
#: Largest size of a codebook file, in bytes.
DEFAULT_MAX_QDC_SIZE = 50 * 2**20

#: How a ``.qdpx`` archive is guarded (:mod:`research_kit._zip`), and its codes.
QDPX_RULES = ZipRules(
    kind="REFI-QDA project archive", error=QdaError,
    unreadable="RK-Q01", empty="RK-Q01", unsafe="RK-Q03", too_large="RK-Q04", bomb="RK-Q05", doctype="RK-Q06",
    malformed="RK-Q07",
    redo="Export the project again from the QDA program as a REFI-QDA project (.qdpx).",
    locked="Export the project again without a password.",
    bigger="If the project is genuine, pass a larger max_size=.",
    denser="If the file is genuine, pass max_ratio= above {ratio:.0f}.",
    max_size=DEFAULT_MAX_SIZE, max_ratio=DEFAULT_MAX_RATIO, max_members=MAX_MEMBERS,
)
_QDC_RULES = replace(QDPX_RULES, kind="REFI-QDA codebook", max_size=DEFAULT_MAX_QDC_SIZE,
                     redo="Export the codebook again from the QDA program (.qdc).",
                     bigger="If the codebook is genuine, pass a larger max_size=.")


# --------------------------------------------------------------------------- the archive


class Archive:
    """A ``.qdpx`` zip opened defensively; members are read into memory, never extracted.

    The defences are those of :class:`research_kit._zip.GuardedZip` under
    :data:`QDPX_RULES`, with the caller's ``max_size`` and ``max_ratio``.

    Raises
    ------
    QdaError
        ``RK-Q01`` not a zip (or a damaged one), ``RK-Q02`` no project file, ``RK-Q03``
        unsafe member name or encrypted member, ``RK-Q04`` too large, ``RK-Q05``
        suspicious compression ratio.
    """

    def __init__(self, path: str | Path, *, max_size: int = DEFAULT_MAX_SIZE,
                 max_ratio: float = DEFAULT_MAX_RATIO) -> None:
        self.path = Path(path)
        self.shown = str(path)
        self._zip = GuardedZip(self.path, replace(QDPX_RULES, max_size=max_size, max_ratio=max_ratio),
                               shown=self.shown)
        try:
            self._names = self._zip.names
            self.qde = self._find_qde()
        except BaseException:
            self._zip.close()
            raise
        self.base = self.qde.rsplit("/", 1)[0] + "/" if "/" in self.qde else ""

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _find_qde(self) -> str:
        found = [n for n in self._names if n.lower().endswith(".qde")]
        if not found:
            raise QdaError("RK-Q02", "holds no project file (.qde).", path=self.shown,
                           hint="A REFI-QDA project archive holds project.qde and a sources/ folder; "
                                "a codebook alone is a .qdc file, read with read_qdc().")
        top = min(n.count("/") for n in found)
        shallow = sorted(n for n in found if n.count("/") == top)
        named = [n for n in shallow if PurePosixPath(n).name.lower() == "project.qde"]
        if named:
            return named[0]
        if len(shallow) > 1:
            raise QdaError("RK-Q02", f"holds several project files ({', '.join(shallow)}) and none is project.qde.",
                           path=self.shown, hint="Export one project per .qdpx file.")
        return shallow[0]

    def has(self, name: str) -> str | None:
        """The member's real name, looked up without regard to case, or ``None``."""
        return self._zip.has(name)

    def read(self, name: str) -> bytes:
        """A member's bytes, within the size budget and its declared size.

        Raises
        ------
        QdaError
            ``RK-Q04`` beyond either, ``RK-Q01`` for a member whose bytes are damaged.
        """
        return self._zip.read(name)

    def resolve(self, path_attr: str) -> str | None:
        """The member a ``plainTextPath``/``path`` attribute names, or ``None``."""
        value = path_attr.strip().replace("\\", "/")
        match = re.match(r"^([A-Za-z][\w+.-]*)://(.*)$", value)
        scheme, rest = (match.group(1).lower(), match.group(2)) if match else ("", value)
        rest = rest.lstrip("/")
        name = PurePosixPath(rest).name
        if scheme in ("", "internal"):
            candidates = [f"sources/{rest}", rest, f"sources/{name}"]
        elif scheme == "relative":
            candidates = [f"sources/{rest}", rest, f"sources/{name}"]
        else:  # absolute://, file://: the file lived on the author's disk; a copy may be in sources/
            candidates = [f"sources/{name}"]
        for candidate in candidates:
            for variant in dict.fromkeys((candidate, unquote(candidate))):
                if ".." in variant.split("/"):
                    continue
                real = self.has(self.base + variant)
                if real:
                    return real
        return None

    def project_root(self) -> Any:
        """The project file parsed (:func:`parse_xml`): its ``<Project>`` element.

        Raises
        ------
        QdaError
            ``RK-Q06``, ``RK-Q07`` as :func:`parse_xml`; ``RK-Q08`` when the root
            element is not ``Project``.
        """
        shown = f"{self.shown}:{self.qde}"
        root = parse_xml(self.read(self.qde), shown=shown)
        if local_name(root) != "Project":
            raise QdaError("RK-Q08", f"the root element is <{local_name(root)}>, not <Project>.", path=shown,
                           line=root.sourceline, hint="A .qdc codebook is read with read_qdc().")
        return root


def open_qdc(path: str | Path, *, max_size: int = DEFAULT_MAX_QDC_SIZE) -> Any:
    """A ``.qdc`` codebook file parsed (:func:`parse_xml`): its ``<CodeBook>`` element.

    Raises
    ------
    QdaError
        ``RK-Q01`` unreadable file or a zip, ``RK-Q04`` file larger than ``max_size``
        bytes, ``RK-Q06`` DOCTYPE, ``RK-Q07`` broken XML, ``RK-Q08`` root element is
        not ``CodeBook``.
    """
    shown = str(path)
    rules = replace(_QDC_RULES, max_size=max_size)
    data = read_file(path, rules, shown=shown)
    if not data.strip():
        raise QdaError("RK-Q01", "the file is empty.", path=shown, hint=rules.redo)
    if data[:4] == b"PK\x03\x04":
        raise QdaError("RK-Q01", "is a zip archive, not a codebook.", path=shown,
                       hint="A project (.qdpx) is read with read_qdpx(); its codebook is project.codebook.")
    root = _guarded_xml(data, shown=shown, rules=rules)
    if local_name(root) != "CodeBook":
        raise QdaError("RK-Q08", f"the root element is <{local_name(root)}>, not <CodeBook>.", path=shown,
                       line=root.sourceline, hint="A project (.qdpx) is read with read_qdpx().")
    return root


# --------------------------------------------------------------------------- XML


def parse_xml(data: bytes, *, shown: str) -> Any:
    """Parse XML with the hardened parser of :func:`research_kit._zip.parse_xml`; the root element (lxml).

    Raises
    ------
    QdaError
        ``RK-Q06`` for a document type or entity declaration, ``RK-Q07`` for XML
        that is not well formed (with the line).
    """
    return _guarded_xml(data, shown=shown, rules=QDPX_RULES)
