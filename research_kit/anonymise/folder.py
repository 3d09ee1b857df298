"""The project layer of pseudonymisation: corpus folders, their manifests, what may be published.

:func:`write_pseudonymised` (the ``research-kit pseudonymise`` command) reads a corpus
folder and writes its pseudonymised copy beside it, codings and codebook carried over;
:func:`check_publishable` refuses a corpus whose manifest says it names real people.
Both work on the folder's :class:`~research_kit.project.Project`, which finds its codings
and codebook as the briefs and the QDPX export do; the domain (:mod:`.pseudonymise`,
:mod:`.audit`) touches no folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import atomic_write_text, new_folder_beside, read_text, replace_folder
from ..corpus import Corpus
from ..errors import PseudonymisationError
from ..project import Project, check_publishable, is_pseudonymised_copy, write_corpus
from .audit import replacement_counts, write_report
from .detect import name_list
from .key import Key, check_location, is_inside, replace_with_key
from .pseudonymise import carry_codings, pseudonymise_with_key, resolve_policy

__all__ = ["write_pseudonymised", "check_publishable"]


def _never_over_an_input(key: Path, report: Path, *lists: Any) -> None:
    """Refuse a report that would overwrite the key, and a key or report that would overwrite a names list."""
    if report.resolve() == key.resolve():
        raise PseudonymisationError(
            "RK-D09", "the report would overwrite the key (both are the same file); nothing was written.",
            path=report, hint="Give --report another file name, or leave it out (default: beside the key).")
    for given in lists:
        if isinstance(given, (str, os.PathLike)) and Path(given).exists():
            for path, what in ((key, "key"), (report, "report")):
                if path.resolve() == Path(given).resolve():
                    raise PseudonymisationError(
                        "RK-D09", f"the {what} would overwrite the list of names {given}; nothing was written.",
                        path=path, hint=f"Give the {what} its own file.")

# ---------------------------------------------------------------------------
# writing a pseudonymised corpus folder


def write_pseudonymised(corpus: str | os.PathLike | Corpus, folder: str | os.PathLike, *, key: str | os.PathLike,
                        names: Any = (), keep: Any = (), report: str | os.PathLike | None = None,
                        n_process: int = 1, overwrite: bool = False, passphrase: str | None = None,
                        progress: bool | None = None, policy: str | None = None) -> pd.DataFrame:
    """Write a pseudonymised copy of a corpus folder, its codings carried over, and the report.

    What ``research-kit pseudonymise CORPUS --key FILE --to DIR`` does. Everything is
    checked (key, lists, codings, places) before anything is written; the corpus is
    written into a temporary folder renamed to ``folder`` at the end, so a failure
    leaves nothing half-written. The key is written before the corpus (a key that knows
    more names than an output is harmless; the reverse would not be).

    Parameters
    ----------
    corpus
        A corpus folder, or a :class:`Corpus` read from one.
    folder
        The new corpus folder; it must not exist or be empty, nor lie inside the corpus.
        With ``overwrite=True`` it may be an earlier pseudonymised copy (its manifest says
        ``pseudonymised: true``), which is replaced whole once the new one is written.
    key, names, keep, n_process, passphrase, progress, policy
        As for :func:`pseudonymise`; the key must not lie inside ``folder``. The copy's
        ``corpus.yml`` says the policy it was made with (``pseudonymisation:``).
    report
        Where to write the replacements report (CSV); default: beside the key,
        ``<key name>.replacements.csv``. Never inside ``folder`` nor under ``reports/``.

    Returns
    -------
    pandas.DataFrame
        :func:`replacement_counts` (categories and counts, no original: safe to print).
    """
    from ..coding import write_codings

    project, source = Project.of(corpus)
    folder = Path(folder).expanduser()
    root = source.root
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        if not (overwrite and folder.is_dir() and is_pseudonymised_copy(folder)):
            raise PseudonymisationError(
                "RK-D10", "the output folder is not empty; refusing to write over its files.", path=folder,
                hint="Choose a new folder; nothing was written." + (
                    "" if overwrite else " (--overwrite replaces an earlier pseudonymised copy, and nothing else.)"))
    if root is not None and (is_inside(folder, root) or is_inside(root, folder)):
        raise PseudonymisationError("RK-D10", f"the output folder must lie outside the corpus folder ({root}).",
                                    path=folder,
                                    hint="Choose a folder beside the corpus, not in it; nothing was written.")
    forbidden = [(folder, "output folder")] + ([(root, "corpus folder")] if root is not None else [])
    key_path = check_location(Path(key).expanduser(), what="key", code="RK-D04", forbidden=forbidden)
    report_path = Path(report).expanduser() if report is not None else key_path.with_name(
        key_path.name + ".replacements.csv")
    check_location(report_path, what="report", code="RK-D09", forbidden=forbidden)
    _never_over_an_input(key_path, report_path, names, keep)
    policy = resolve_policy(source, policy)
    the_key = Key.load(key_path, passphrase=passphrase)
    the_key.check_corpus(source)
    name_items = name_list(names, "names")
    keep_items = name_list(keep, "keep")
    codings = project.read_codings(source, merged=False) if project is not None else {}
    codebook = project.codebook_path if project is not None else None

    replacements, pseudo = pseudonymise_with_key(source, the_key, name_items, keep_items, n_process=n_process,
                                                 progress=progress, policy=policy)
    the_key.save()
    tmp = new_folder_beside(folder)
    try:
        extra: dict[str, Any] = {"pseudonymised": True}
        if codebook is not None:
            # Codebook examples are often quotes: the key's originals are replaced there too.
            atomic_write_text(tmp / codebook.name, replace_with_key(read_text(codebook)[0], the_key))
            extra["codebook"] = codebook.name
        for path, frame in codings.items():
            carried = carry_codings(frame, replacements, key=key_path, passphrase=passphrase)
            rel = path.relative_to(root)
            stem = replace_with_key(rel.stem, the_key, slug=True)  # file names may carry names too
            write_codings(carried, tmp / rel.parent / (stem + rel.suffix))
        if (tmp / "codings").is_dir():
            extra["codings"] = ["codings/*.csv"]
        write_corpus(pseudo, tmp, overwrite=True, manifest_extra=extra)
        replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    write_report(replacements, report_path, outputs=[folder] + ([root] if root is not None else []))
    return replacement_counts(replacements)
