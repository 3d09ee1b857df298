"""Read and write IRaMuTeQ corpora, so that the same corpus runs in both tools.

An IRaMuTeQ corpus is one UTF-8 text file. Each text opens with a line of four stars
and starred variables::

    **** *id_mtl-cop-01 *date_2025-01-22 *site_montreal *sessiontype_communaute-de-pratique
    -*loc_isabelle
    Bon, on commence. Merci d'être là.
    -*loc_karim
    Moi je voulais revenir sur la fatigue de l'équipe.

:func:`read_iramuteq` reads such a file into a :class:`~research_kit.corpus.Corpus`
(one document per text, ``*var_mod`` becoming the document variable ``var``; the
reader is :mod:`research_kit.readers.iramuteq`, which :func:`~research_kit.read_corpus`
also uses). :func:`write_iramuteq` writes a corpus in this format.

How names and values are written
--------------------------------
IRaMuTeQ splits ``*var_mod`` at the first underscore and a space ends it, so:

- variable names keep only letters and digits, accents removed and lower-cased
  (``session_type`` -> ``sessiontype``, ``Ville`` -> ``ville``);
- values keep letters, digits and hyphens, accents removed; every other run of
  characters (spaces, underscores, apostrophes, slashes…) becomes one hyphen
  (``communauté de pratique`` -> ``communaute-de-pratique``, ``O'Neil_2`` -> ``O-Neil-2``);
  a value left empty is written ``na``;
- a missing value (NA) leaves the variable out of that text's star line.

Texts have their stars removed (IRaMuTeQ reserves ``*``: no line of text can then
pass for a star line or a thematic line), and each turn is written on one line (its
paragraphs joined by a space), which IRaMuTeQ does not need either. Speakers are written as IRaMuTeQ's
thematic lines ``-*loc_<speaker>`` before each turn (``by="document"``), or as the
variables ``*loc_`` and ``*role_`` of one text per turn (``by="turn"``, with ``*doc_``
naming the document): IRaMuTeQ can then contrast speakers and roles.

Error codes: ``RK-R15`` (not an IRaMuTeQ corpus: text before the first ``****``
line), ``RK-P01`` (an option outside its allowed values), ``RK-P72`` (an unknown
variable), ``RK-C02`` (no such file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from ._io import atomic_write_text, read_text
from .errors import InputFileError, ParameterError, check_option, did_you_mean
from .tokens import bool_column, check_tokens, in_order, terms, word_mask

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["read_iramuteq", "write_iramuteq", "slug_name", "slug_value"]


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
                            "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"})


def _ascii(text: str) -> str:
    """Accents removed and ligatures spelled out; other non-ASCII characters stay."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug_name(name: object) -> str:
    """A variable name as IRaMuTeQ can read it: letters and digits, lower case, no accents.

    >>> slug_name("session_type"), slug_name("Ville")
    ('sessiontype', 'ville')
    """
    out = re.sub(r"[^a-z0-9]+", "", _ascii(str(name)).lower())
    return out or "var"


def slug_value(value: object) -> str:
    """A variable's value as IRaMuTeQ can read it: letters, digits and hyphens, no accents.

    >>> slug_value("communauté de pratique"), slug_value("O'Neil_2"), slug_value("Montréal")
    ('communaute-de-pratique', 'O-Neil-2', 'Montreal')
    """
    out = re.sub(r"[^A-Za-z0-9-]+", "-", _ascii(str(value))).strip("-")
    out = re.sub(r"-{2,}", "-", out)
    return out or "na"


def _clean_text(text: str) -> str:
    """A turn's text on one line, safe inside an IRaMuTeQ corpus (no star, no line break)."""
    return " ".join(str(text).replace("*", "").split())


def read_iramuteq(path: str | Path, *, errors: Literal["raise", "collect"] = "raise",
                  languages: tuple[str, ...] = ("fr", "en")) -> Corpus:
    """Read an IRaMuTeQ corpus file into a :class:`~research_kit.corpus.Corpus`.

    Parameters
    ----------
    path
        The corpus file (``.txt``, UTF-8 or another encoding that
        :func:`research_kit._io.read_text` detects).
    errors, languages
        As in :func:`research_kit.read_corpus`.

    Returns
    -------
    Corpus
        One document per ``****`` text; each ``*var_mod`` is a document variable
        (``*date_``, ``*language_`` and ``*title_`` fill those columns; ``*id_`` names
        the document). A ``*date_`` modality that is not written YYYY-MM-DD
        (``*date_1969``, ``*date_printemps``) is kept as given in ``date_modality``; the
        date is then the year's first day, or empty when it is not a date. Thematic
        lines (``-*theme``) are skipped.

    Raises
    ------
    InputFileError
        ``RK-C02`` when there is no such file, ``RK-R15`` when the file does not open
        with a ``****`` line.

    Warns
    -----
    ResearchKitWarning
        ``RK-R16`` for words on star lines that are not variables, ``RK-R66`` and
        ``RK-R67`` for variables read in IRaMuTeQ's way (see
        :mod:`research_kit.readers.iramuteq`).

    Examples
    --------
    >>> corpus = read_iramuteq("corpus_iramuteq.txt")   # doctest: +SKIP
    """
    from .corpus import read_transcript
    from .readers.iramuteq import looks_like_iramuteq

    path = Path(path)
    if not path.is_file():
        raise InputFileError("RK-C02", "no such file." if not path.exists() else "is a folder, not a corpus file.",
                             path=path, hint="Give the path of the IRaMuTeQ .txt file; read a folder of "
                             "transcripts with read_corpus().")
    text, _ = read_text(path)
    if not looks_like_iramuteq(text):
        raise InputFileError("RK-R15", "this is not an IRaMuTeQ corpus: its first line is not a '****' line.",
                             path=path, line=1, hint="Start every text with a '**** *variable_value' line.")
    if path.suffix.lower() != ".txt":
        raise InputFileError("RK-R15", f'an IRaMuTeQ corpus is a ".txt" file; this one is "{path.suffix}".',
                             path=path, hint="Rename it with the .txt extension.")
    return read_transcript(path, errors=errors, languages=languages)


def write_iramuteq(
    corpus: Corpus,
    path: str | Path,
    *,
    variables: Sequence[str] | None = None,
    tokens: pd.DataFrame | None = None,
    by: Literal["document", "turn"] = "document",
    speakers: bool = True,
) -> Path:
    """Write a corpus as an IRaMuTeQ corpus file.

    Parameters
    ----------
    corpus
        The corpus to write; it is not modified.
    path
        The file to write (replaced atomically if it exists).
    variables
        Document variables to write on the star lines; ``None``: all of them
        (``corpus.variables``). The document's id (``*id_``) and date (``*date_``)
        are always written. Names and values are escaped as the module's
        documentation says.
    tokens
        A tokens frame of the corpus (``annotate(corpus)``): when given, texts are
        written lemmatised (each word as its lemma, punctuation as written, tokens
        separated by spaces), so that IRaMuTeQ, with its own lemmatisation turned
        off, works on the same forms as Research Kit.
    by
        ``"document"``: one text per document, each turn after a ``-*loc_<speaker>``
        thematic line (``speakers=True``) or a blank line. ``"turn"``: one text per
        turn, with ``*doc_<document>``, ``*loc_<speaker>`` and ``*role_<role>``
        besides the document's variables.
    speakers
        Write the speakers (``by="document"`` only).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``by``; ``RK-P72`` for a variable the corpus does
        not have.

    Examples
    --------
    >>> write_iramuteq(corpus, "exports/corpus_iramuteq.txt", variables=["site"])   # doctest: +SKIP
    """
    fn = "write_iramuteq"
    from .corpus import Corpus

    if not isinstance(corpus, Corpus):
        raise ParameterError("RK-P72", f"{fn}() writes a Corpus (from read_corpus); got {type(corpus).__name__}.")
    check_option("by", by, ("document", "turn"), function=fn)
    check_option("speakers", speakers, (True, False), function=fn)
    if variables is None:
        variables = corpus.variables
    elif isinstance(variables, str):
        variables = [variables]
    variables = list(variables)
    for var in variables:
        if var not in corpus.documents.columns or var == "doc_id":
            raise ParameterError("RK-P72", f"{fn}() cannot write the variable {var!r}: the corpus has no such "
                                           f"document variable.{did_you_mean(var, corpus.variables)}",
                                 hint=f"Document variables: {', '.join(corpus.variables) or '(none)'}.")
    names = {var: slug_name(var) for var in variables}
    reserved = {"id", "date", "doc", "loc", "role", "turn", "title", "language", "speaker", "roles"}
    for var, name in names.items():
        if name in reserved:
            names[var] = name + "var"

    turn_texts = corpus.turns.set_index(["doc_id", "turn"])["text"]
    if tokens is not None:
        turn_texts = _lemmatised(tokens, turn_texts)

    docs = corpus.documents.set_index(corpus.documents["doc_id"].astype(object))
    blocks: list[str] = []
    for doc_id, turns in corpus.turns.groupby("doc_id", sort=False):
        doc = docs.loc[doc_id]
        stars = []
        date = doc.get("date")
        if date is not None and not pd.isna(date):
            stars.append(f"*date_{pd.Timestamp(date).strftime('%Y-%m-%d')}")
        for var in variables:
            value = doc[var]
            if value is not None and not pd.isna(value):
                stars.append(f"*{names[var]}_{slug_value(value)}")
        if by == "document":
            lines = [" ".join(["****", f"*id_{slug_value(doc_id)}", *stars])]
            for turn, speaker in zip(turns["turn"], turns["speaker"]):
                body = _clean_text(turn_texts.get((doc_id, turn), ""))
                if not body:
                    continue
                if speakers:
                    lines.append(f"-*loc_{slug_value(speaker)}")
                elif len(lines) > 1:
                    lines.append("")
                lines.append(body)
            blocks.append("\n".join(lines))
        else:
            for turn, speaker, role in zip(turns["turn"], turns["speaker"], turns["role"]):
                body = _clean_text(turn_texts.get((doc_id, turn), ""))
                if not body:
                    continue
                head = ["****", f"*doc_{slug_value(doc_id)}", f"*turn_{int(turn)}", f"*loc_{slug_value(speaker)}"]
                if role is not None and not pd.isna(role):
                    head.append(f"*role_{slug_value(role)}")
                blocks.append("\n".join([" ".join(head + stars), body]))
    return atomic_write_text(path, "\n\n".join(blocks) + "\n")


def _lemmatised(tokens: pd.DataFrame, turn_texts: pd.Series) -> pd.Series:
    check_tokens(tokens, ["doc_id", "turn", "token", "text", "lemma", "is_punct", "is_space"],
                 function="write_iramuteq")
    frame = in_order(tokens)
    frame = frame[~bool_column(frame, "is_space")]
    shown = terms(frame, "lemma").where(word_mask(frame), frame["text"]).astype(str)
    joined = shown.groupby([frame["doc_id"].astype(object), frame["turn"]], sort=False).agg(" ".join)
    out = turn_texts.copy()
    out.loc[joined.index.intersection(out.index)] = joined.loc[joined.index.intersection(out.index)]
    return out
