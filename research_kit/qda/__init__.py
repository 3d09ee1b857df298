"""Exchange with QDA programs (NVivo, ATLAS.ti, MAXQDA, QualCoder…) through REFI-QDA.

:func:`read_qdpx` turns a REFI-QDA project (``.qdpx``) into a :class:`QdaImport`: the
corpus (text sources as documents, with their variables), the codebook, the codings,
the notes and a report of everything that was not carried over; :func:`read_qdc` reads
a codebook (``.qdc``) into the same result, without corpus or codings.
:func:`write_qdpx` writes a project that validates against the standard's
``Project.xsd``, :func:`write_qdc` a codebook that validates against ``Codebook.xsd``.
:func:`write_qda_folder`, :func:`import_qdpx_to_folder` and
:func:`export_folder_to_qdpx` connect projects with corpus folders (the
``research-kit qdpx`` commands). ``docs/qda.md`` describes every mapping.

Modules
-------
``archive``
    opening a ``.qdpx``/``.qdc`` and its defences; reading members.
``qde``
    the project file's XML read leniently into plain records.
``positions``
    the position codec: programs' selection positions <-> offsets in the document text.
``assembly``
    records turned into the corpus, codebook, codings and notes.
``importing``
    :func:`read_qdpx`, :func:`read_qdc` and their result, :class:`QdaImport`.
``exporting``
    writing projects and codebooks from a corpus, a codebook and frames.
``mapping``
    what import and export share: stable GUIDs, the speakers folder, turn times, colours.
``folder`` (project layer, not imported here)
    the project layer: corpus folders and their manifests.

Codes
-----
``RK-Q01`` not a zip / no such file; ``RK-Q02`` no (or several) .qde files;
``RK-Q03`` unsafe or encrypted member; ``RK-Q04`` archive too large; ``RK-Q05``
compression ratio of a zip bomb; ``RK-Q06`` DOCTYPE or entity declarations;
``RK-Q07`` broken XML; ``RK-Q08`` wrong root element. In the *dropped* report:
``RK-Q09`` element without guid or name; ``RK-Q10`` missing source or note text;
``RK-Q11`` undecodable text file; ``RK-Q12`` selection out of range or inside a
character; ``RK-Q13`` selection whose quoted text is not at its positions;
``RK-Q14`` coding of an unknown code; ``RK-Q15`` PDF, picture, audio or video
source; ``RK-Q16`` element the workbench does not carry (sets, links, graphs,
case references, selections inside notes, empty selections); ``RK-Q17`` value of
an unusable type (colour, variable type, date); ``RK-Q18`` reference to a missing
variable or note; ``RK-Q19`` duplicate GUID; ``RK-Q20`` positions that are not
numbers; ``RK-Q27`` the Research Kit codebook inside an archive is unusable.
Writing: ``RK-Q21`` an empty codebook cannot be a ``.qdc``; ``RK-Q22`` (a warning)
the corpus names real people and is not pseudonymised; ``RK-Q23`` a notes row
points at nothing.
"""

from __future__ import annotations

from ..schemas import DROPPED, NOTES
from .exporting import CONVENTIONS, write_qdc, write_qdpx
from .importing import QdaImport, QdaProject, read_qdc, read_qdpx
from .mapping import format_times, parse_times
from .positions import CONVENTIONS as POSITION_CONVENTIONS
from .positions import PositionError, SourceText, export_positions, export_text, normalise_source

__all__ = [
    "QdaImport",
    "QdaProject",
    "NOTES",
    "DROPPED",
    "CONVENTIONS",
    "read_qdpx",
    "read_qdc",
    "write_qdpx",
    "write_qdc",
    "format_times",
    "parse_times",
    "POSITION_CONVENTIONS",
    "PositionError",
    "SourceText",
    "normalise_source",
    "export_text",
    "export_positions",
]
