"""Opening REFI-QDA exchange files defensively, and reading their members.

A ``.qdpx`` project is a zip holding one XML project file (``project.qde``, or
``<ProjectName>.qde`` as some programs write it) and a ``sources/`` folder (or
``Sources/``) with the sources' plain texts. A ``.qdc`` codebook is a lone XML file.
:class:`Archive` opens a project, :func:`open_qdc` a codebook; both hand back what
:mod:`research_kit.qda.qde` then reads leniently.

Defences
--------
- Member names are checked before anything is read: absolute paths, drive letters
  and ``..`` segments refuse the archive (``RK-Q03``), as do encrypted members.
- The archive may not expand beyond ``max_size`` bytes, nor a member beyond what its
  header declares, nor hold more than 10,000 members (``RK-Q04``); a member over 1 MiB
  compressed more than ``max_ratio`` times is refused as a zip bomb (``RK-Q05``).
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
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .._io import read_bytes
from ..errors import QdaError

__all__ = [
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_QDC_SIZE",
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
_MAX_MEMBERS = 10_000
_RATIO_FLOOR = 2**20


# --------------------------------------------------------------------------- the archive


class Archive:
    """A ``.qdpx`` zip opened defensively; members are read into memory, never extracted.

    Raises
    ------
    QdaError
        ``RK-Q01`` not a zip, ``RK-Q02`` no project file, ``RK-Q03`` unsafe member name
        or encrypted member, ``RK-Q04`` too large, ``RK-Q05`` suspicious compression ratio.
    """

    def __init__(self, path: str | Path, *, max_size: int = DEFAULT_MAX_SIZE,
                 max_ratio: float = DEFAULT_MAX_RATIO) -> None:
        self.path = Path(path)
        self.shown = str(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError as e:
            raise QdaError("RK-Q01", "no such file.", path=self.shown, hint="Check the path of the .qdpx file.") from e
        except (zipfile.BadZipFile, OSError) as e:
            raise QdaError("RK-Q01", f"is not a REFI-QDA project archive (not a zip file: {e}).", path=self.shown,
                           hint="Export the project from the QDA program as a REFI-QDA project (.qdpx).") from e
        infos = self._zip.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise QdaError("RK-Q04", f"holds {len(infos)} members, more than the {_MAX_MEMBERS} a project may have.",
                           path=self.shown, hint="This is not a project an importer should open.")
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise QdaError("RK-Q03", f'has a member named "{info.filename}", which points outside the archive.',
                               path=self.shown, hint="The archive was tampered with or badly made; nothing was read.")
            if info.flag_bits & 0x1:
                raise QdaError("RK-Q03", f'has an encrypted member "{info.filename}".', path=self.shown,
                               hint="Export the project again without a password.")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > max_ratio:
                raise QdaError("RK-Q05", f'member "{info.filename}" expands {ratio:.0f} times '
                               f"({info.file_size} bytes from {info.compress_size}); refusing a likely zip bomb.",
                               path=self.shown, hint=f"If the file is genuine, pass max_ratio= above {ratio:.0f}.")
        if total > max_size:
            raise QdaError("RK-Q04", f"expands to {total} bytes, more than the limit of {max_size}.", path=self.shown,
                           hint="If the project is genuine, pass a larger max_size=.")
        self._budget = max_size
        self._infos = {i.filename: i for i in infos if not i.is_dir()}
        self._lower = {name.lower(): name for name in self._infos}
        self.qde = self._find_qde()
        self.base = self.qde.rsplit("/", 1)[0] + "/" if "/" in self.qde else ""

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _find_qde(self) -> str:
        found = [n for n in self._infos if n.lower().endswith(".qde")]
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
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """A member's bytes, within the size budget and its declared size."""
        info = self._infos[name]
        limit = min(info.file_size, self._budget)
        with self._zip.open(info) as fh:
            data = fh.read(limit + 1)
        if len(data) > info.file_size:
            raise QdaError("RK-Q04", f'member "{name}" expands beyond the size its header declares.', path=self.shown,
                           hint="The archive was tampered with; nothing more was read.")
        if len(data) > limit:
            raise QdaError("RK-Q04", "expands beyond the size limit.", path=self.shown,
                           hint="If the project is genuine, pass a larger max_size=.")
        self._budget -= len(data)
        return data

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


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (n.startswith("/") or re.match(r"^[A-Za-z]:", n) is not None or "\x00" in n
            or any(part == ".." for part in n.split("/")))


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
    try:
        data = read_bytes(path)
    except Exception as e:
        raise QdaError("RK-Q01", "cannot be read.", path=shown, hint="Check the path of the .qdc file.") from e
    if len(data) > max_size:
        raise QdaError("RK-Q04", f"is {len(data)} bytes, more than the limit of {max_size}.", path=shown)
    if data[:4] == b"PK\x03\x04":
        raise QdaError("RK-Q01", "is a zip archive, not a codebook.", path=shown,
                       hint="A project (.qdpx) is read with read_qdpx(); its codebook is project.codebook.")
    root = parse_xml(data, shown=shown)
    if local_name(root) != "CodeBook":
        raise QdaError("RK-Q08", f"the root element is <{local_name(root)}>, not <CodeBook>.", path=shown,
                       line=root.sourceline, hint="A project (.qdpx) is read with read_qdpx().")
    return root


# --------------------------------------------------------------------------- XML


_DECLARATIONS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)


def parse_xml(data: bytes, *, shown: str) -> Any:
    """Parse XML with a hardened parser and return the root element (lxml).

    Raises
    ------
    QdaError
        ``RK-Q06`` for a document type or entity declaration, ``RK-Q07`` for XML
        that is not well formed (with the line).
    """
    from lxml import etree

    for marker in _DECLARATIONS:
        at = data.find(marker)
        if at >= 0:
            line = data[:at].count(b"\n") + 1 if marker.startswith(b"<") else None
            raise QdaError("RK-Q06", "declares a document type or entities (<!DOCTYPE …>/<!ENTITY …>); "
                           "refusing to read it, as entities can expand without bound or read local files.",
                           path=shown, line=line,
                           hint="REFI-QDA files never need a DOCTYPE; export the project again from the QDA program.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise QdaError("RK-Q07", f"is not well-formed XML: {e.msg}.", path=shown, line=e.lineno,
                       hint="The file is damaged or was edited by hand; fix the element named above "
                            "or export the project again.") from e
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        raise QdaError("RK-Q06", "declares a document type; refusing to read it.", path=shown, line=1,
                       hint="REFI-QDA files never need a DOCTYPE; export the project again from the QDA program.")
    return root


def local_name(el: Any) -> str:
    """An element's tag without its namespace; ``""`` for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
