"""The manifest: what ``corpus.yml`` says about a corpus, parsed once into a typed value.

:class:`Manifest` is frozen and typed: booleans are booleans (``true/false``,
``yes/no``, ``oui/non``, ``vrai/faux``, ``1/0`` all read the same), lists are tuples
(``codings: codings/*.csv`` and ``codings: [codings/*.csv]`` are one thing), and every
default is decided here, once. :func:`parse_manifest` reports *every* problem of the
file at once, each with its line; it never reads a folder (the project layer,
:mod:`research_kit.project`, checks that the files the manifest names exist).

The format
----------
Every key is optional::

    title: Médiation et participation (corpus fictif)
    description: Communauté de pratique et consultation citoyenne.
    language: fr                 # default language of the documents
    identities: true             # the transcripts name real people: pseudonymise before briefs
    pseudonymised: false         # written by `research-kit pseudonymise` on its copies
    pseudonymisation: local      # what it hides: persons, local (the default with identities) or strict
    fiction: false               # the corpus is invented (briefs say so)
    notice: Texte affiché en tête des notes de recherche.
    facilitator_roles: [animatrice]   # roles that hold the floor by office
    codebook: codebook.yml       # default: codebook.yml (or .yaml, .csv) when the folder has one
    codings: [codings/*.csv]     # globs of coding files; default: codings/*.csv; [] for none
    variables:                   # document variables (name: description, or a list of names)
      project: Projet ou processus
      site: Ville
    roles:                       # speaker label -> role, for the whole corpus
      Marie-Ève Tremblay: médiatrice
    include: ["transcripts/**"]  # which files are transcripts (default: every supported file)
    exclude: ["brouillons/**"]
    columns: {speaker: Locuteur, text: Propos}   # CSV columns of every CSV transcript
    encoding: cp1252             # of every transcript, only if detection gets it wrong
    documents:                   # per file, by path relative to the corpus folder
      transcripts/cop-01.txt:
        id: mtl-cop-01
        title: Communauté de pratique, janvier
        date: 2025-01-22
        language: fr
        project: Communauté de pratique
        roles: {Karim: invité}   # per-document roles override the corpus-wide ones
        speaker: Karim           # speaker of a file without labels
        columns: {speaker: Locuteur, text: Propos}   # CSV columns (over the corpus-wide ones)
        encoding: cp1252
        format: iramuteq         # only to override the extension

Codes: ``RK-C03`` a field has the wrong shape, ``RK-C04`` an unknown field, ``RK-C08``
a date that is not a date, ``RK-C11`` a yes/no field that is neither, ``RK-C13`` a path
or glob that leaves the corpus folder (``..``, ``/…``, ``~``, ``C:``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from .errors import ManifestError, ProblemsError, did_you_mean

__all__ = ["Manifest", "ManifestProblems", "parse_manifest", "read_bool", "MANIFEST_NAME", "DEFAULT_CODINGS",
           "TOP_FIELDS", "DOCUMENT_FIELDS", "FRONT_MATTER_FIELDS"]

MANIFEST_NAME = "corpus.yml"
#: Where coding files are looked for when the manifest names none.
DEFAULT_CODINGS: tuple[str, ...] = ("codings/*.csv", "codings/*.tsv")

TOP_FIELDS = frozenset({
    "title", "description", "language", "identities", "pseudonymised", "fiction", "variables", "roles",
    "include", "exclude", "documents", "codebook", "codings", "columns", "encoding", "notice", "facilitator_roles",
    "speakers", "non_speaker_tiers", "pseudonymisation"})
DOCUMENT_FIELDS = frozenset({"id", "title", "date", "language", "format", "encoding", "columns", "roles", "speaker",
                             "non_speaker_tiers"})
FRONT_MATTER_FIELDS = frozenset({"title", "date", "language", "speaker", "id", "roles"})
_BOOLEANS = ("identities", "pseudonymised", "fiction")
#: What ``pseudonymisation:`` may say (see :mod:`research_kit.anonymise.places`).
PSEUDONYMISATION_POLICIES = ("persons", "local", "strict")
_TEXTS = ("title", "description", "language", "notice", "codebook", "encoding", "speakers")
_TRUE = {"true", "yes", "oui", "vrai", "1", "on", "y", "o"}
_FALSE = {"false", "no", "non", "faux", "0", "off", "n"}

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ManifestProblems(ProblemsError, ManifestError):
    """Every problem of a ``corpus.yml`` at once (``problems``); ``line`` is the first one's."""

    summary_code = "RK-C00"
    what = "the manifest"


def read_bool(value: Any) -> bool | None:
    """``True``/``False`` for a yes/no value in English or French, ``None`` when it is neither.

    >>> read_bool("oui"), read_bool("No"), read_bool(1), read_bool("peut-être")
    (True, False, True, None)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class Manifest:
    """What ``corpus.yml`` says, typed; every field has its default here.

    Attributes
    ----------
    title, description, language, notice
        Text, or ``None``.
    identities
        The transcripts name real people (briefs refuse them until pseudonymised).
    pseudonymised, fiction
        The corpus is a pseudonymised copy; the corpus is invented.
    pseudonymisation
        What pseudonymisation hides (:data:`PSEUDONYMISATION_POLICIES`): ``persons``,
        ``local`` or ``strict``; ``None``: ``local`` when ``identities``, else ``persons``.
        A pseudonymised copy says the policy it was made with.
    codebook
        The codebook file as written (relative to the corpus folder), or ``None``: the
        project then looks for ``codebook.yml``, ``codebook.yaml`` or ``codebook.csv``.
    codings
        Globs of coding files, relative to the corpus folder (:data:`DEFAULT_CODINGS`
        when the manifest names none; ``()`` when it says ``codings: []``).
    speakers
        A CSV file of speakers (a ``speaker`` column, optionally ``doc_id``, then any
        attributes: role, gender, age_group, organisation…), relative to the corpus folder,
        or ``None``.
    non_speaker_tiers
        Names of TextGrid/ELAN tiers that are not speakers (``None``: the readers' defaults,
        such as ``Comments`` or ``Events``).
    facilitator_roles
        Roles that hold the floor by office, or ``None`` to recognise them by name
        (:data:`research_kit.participation.FACILITATOR_PATTERN`).
    variables
        Declared document variables (name → description), or ``None`` when the manifest
        declares none (then any front-matter variable is accepted).
    roles
        Speaker label → role for the whole corpus.
    include, exclude
        Globs choosing the transcripts.
    columns, encoding
        Corpus-wide reading settings, which a document's own settings override.
    documents
        Per-file settings: path relative to the corpus folder → settings.
    path
        How messages name the manifest file (``None`` for a corpus built in memory).
    """

    title: str | None = None
    description: str | None = None
    language: str | None = None
    notice: str | None = None
    identities: bool = False
    pseudonymised: bool = False
    pseudonymisation: str | None = None
    fiction: bool = False
    codebook: str | None = None
    codings: tuple[str, ...] = DEFAULT_CODINGS
    facilitator_roles: tuple[str, ...] | None = None
    speakers: str | None = None
    non_speaker_tiers: tuple[str, ...] | None = None
    variables: Mapping[str, str] | None = None
    roles: Mapping[str, str | None] = field(default_factory=lambda: _EMPTY)
    include: tuple[str, ...] = ("**/*",)
    exclude: tuple[str, ...] = ()
    columns: Mapping[str, str] | None = None
    encoding: str | None = None
    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)
    path: str | None = None
    lines: Mapping[tuple, int] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, path: str | None = None) -> "Manifest":
        """A manifest from a mapping of manifest fields (raises :class:`ManifestProblems`).

        For corpora built in memory: ``Manifest.from_dict({"title": "x", "language": "fr"})``.
        """
        manifest, problems = parse_manifest(data, path=path)
        if problems:
            raise ManifestProblems(problems, path=path)
        return manifest

    def declares(self, variable: str) -> bool:
        """Whether ``variable`` may be a document variable (any may, when none are declared)."""
        return self.variables is None or variable in self.variables

    def entry(self, rel: str) -> Mapping[str, Any]:
        """The settings of the document at ``rel``, over the corpus-wide reading settings."""
        own = self.documents.get(rel, _EMPTY)
        base: dict[str, Any] = {}
        if self.columns is not None:
            base["columns"] = dict(self.columns)
        if self.encoding is not None:
            base["encoding"] = self.encoding
        if self.non_speaker_tiers is not None:
            base["non_speaker_tiers"] = list(self.non_speaker_tiers)
        return {**base, **own}

    def with_changes(self, **changes: Any) -> "Manifest":
        """A copy with some fields changed (a pseudonymised copy says ``pseudonymised=True``)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from their defaults, as ``corpus.yml`` would write them."""
        out: dict[str, Any] = {}
        default = Manifest()
        for name in ("title", "description", "language", "notice", "identities", "pseudonymised", "pseudonymisation",
                     "fiction",
                     "codebook", "codings", "facilitator_roles", "variables", "roles", "include", "exclude",
                     "columns", "encoding", "non_speaker_tiers", "documents"):
            value = getattr(self, name)
            if value == getattr(default, name):
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in value.items()}
            out[name] = value
        return out


def parse_manifest(data: Any, *, path: str | None = None,
                   lines: Mapping[tuple, int] | None = None) -> tuple[Manifest, list[ManifestError]]:
    """Parse the YAML data of a ``corpus.yml`` into a :class:`Manifest` and its problems.

    Parameters
    ----------
    data
        What :func:`yaml.safe_load` returned (``None`` for an empty file).
    path
        How messages name the file.
    lines
        ``{key path: line}`` from :func:`research_kit._yaml.load_yaml_with_lines`.

    Returns
    -------
    (Manifest, list of ManifestError)
        The manifest of every field that could be read, and one error per problem (an
        unusable field keeps its default), each naming its line.
    """
    lines = dict(lines or {})
    problems: list[ManifestError] = []

    def problem(code: str, message: str, at: tuple, hint: str | None = None) -> None:
        problems.append(ManifestError(code, message, path=path, line=_line(lines, at), hint=hint))

    if data is None:
        return Manifest(path=path, lines=_frozen(lines)), problems
    if not isinstance(data, Mapping):
        problem("RK-C03", "is not a mapping of settings (title:, documents:, …).", (),
                "See the manifest format in docs/corpus.md.")
        return Manifest(path=path, lines=_frozen(lines)), problems
    fields: dict[str, Any] = {}
    for key in data:
        if key not in TOP_FIELDS:
            problem("RK-C04", f'unknown field "{key}".{did_you_mean(key, TOP_FIELDS)}', (key,),
                    f"The fields are {', '.join(sorted(TOP_FIELDS))}; per-document settings go under `documents:`.")
    for key in _TEXTS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (Mapping, list)):
            problem("RK-C03", f"`{key}:` must be one piece of text; got a {type(value).__name__}.", (key,))
        elif key in ("codebook", "speakers") and _leaves_folder(str(value)):
            problem("RK-C13", f'`{key}:` is "{value}", which points outside the corpus folder.', (key,),
                    f"Copy the {key} file into the corpus folder and name it relative to it.")
        else:
            fields[key] = str(value)
    policy = data.get("pseudonymisation")
    if policy is not None:
        if str(policy).strip().lower() in PSEUDONYMISATION_POLICIES:
            fields["pseudonymisation"] = str(policy).strip().lower()
        else:
            problem("RK-C03", f'`pseudonymisation:` must be one of {", ".join(PSEUDONYMISATION_POLICIES)}; got '
                              f'"{policy}".{did_you_mean(str(policy), PSEUDONYMISATION_POLICIES)}', ("pseudonymisation",),
                    "`persons` hides people; `local` also streets, facilities, organisations and small places; "
                    "`strict` every place, organisation, age and detail found (see docs/pseudonymisation.md).")
    for key in _BOOLEANS:
        if data.get(key) is None:
            continue
        value = read_bool(data[key])
        if value is None:
            problem("RK-C11", f'`{key}:` must be yes or no (true/false, oui/non); got "{data[key]}".', (key,),
                    f"Write `{key}: true` or `{key}: false`.")
        else:
            fields[key] = value
    for key in ("codings", "include", "exclude", "facilitator_roles", "non_speaker_tiers"):
        if key in data:
            value = _texts(data[key])
            if value is None:
                problem("RK-C03", f"`{key}:` must be a text or a list of texts; got {data[key]!r}.", (key,),
                        f'Write one per line under `{key}:`, each after "- ".')
            elif key not in ("facilitator_roles", "non_speaker_tiers") and any(_leaves_folder(v) for v in value):
                bad = next(v for v in value if _leaves_folder(v))
                problem("RK-C13", f'`{key}:` has "{bad}", which points outside the corpus folder.', (key,),
                        "Write paths and globs relative to the corpus folder, without `..` or a leading `/`; "
                        "copy files from elsewhere into the folder.")
            elif key == "facilitator_roles" and data[key] is None:
                continue
            elif key == "include" and not value:
                continue
            else:
                fields[key] = value
    variables = data.get("variables")
    if variables is not None:
        if isinstance(variables, Mapping):
            fields["variables"] = _frozen({str(k): "" if v is None else str(v) for k, v in variables.items()})
        elif isinstance(variables, list) and all(isinstance(v, (str, int)) for v in variables):
            fields["variables"] = _frozen({str(v): "" for v in variables})
        else:
            problem("RK-C03", "`variables:` must map names to descriptions, or list names.", ("variables",))
    for key in ("roles", "columns"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            problem("RK-C03", f"`{key}:` must be `name: value` lines.", (key,))
        else:
            fields[key] = _frozen({str(k): (None if v is None else str(v)) for k, v in value.items()})
    declared = fields.get("variables")
    fields["documents"] = _frozen(_documents(data.get("documents"), declared, problem))
    return Manifest(**fields, path=path, lines=_frozen(lines)), problems


def _documents(docs: Any, declared: Mapping[str, str] | None, problem) -> dict[str, Mapping[str, Any]]:
    if docs is None:
        return {}
    if not isinstance(docs, Mapping):
        problem("RK-C03", "`documents:` must map file paths to their settings.", ("documents",))
        return {}
    good: dict[str, Mapping[str, Any]] = {}
    for rel, entry in docs.items():
        rel = str(rel)
        if _leaves_folder(rel):
            problem("RK-C13", f'`documents:` names "{rel}", which is outside the corpus folder.', ("documents", rel),
                    "Name transcripts by their path inside the corpus folder (with / separators, no `..`).")
            continue
        if entry is None:
            entry = {}
        if not isinstance(entry, Mapping):
            problem("RK-C03", f'the settings of "{rel}" must be "key: value" lines.', ("documents", rel))
            continue
        settings: dict[str, Any] = {}
        for key, value in entry.items():
            key = str(key)
            if key not in DOCUMENT_FIELDS and declared is not None and key not in declared:
                allowed = sorted(DOCUMENT_FIELDS | set(declared))
                problem("RK-C04", f'unknown field "{key}" for "{rel}".{did_you_mean(key, allowed)}',
                        ("documents", rel, key),
                        "Declare document variables under `variables:` at the top of corpus.yml, or fix the name.")
                continue
            if key == "date" and value not in (None, ""):
                if parse_date(value) is None:
                    problem("RK-C08", f'date "{value}" is not a date.', ("documents", rel, "date"),
                            "Write dates as YYYY-MM-DD.")
                    continue
            if key in ("roles", "columns") and value is not None and not isinstance(value, Mapping):
                problem("RK-C03", f'`{key}:` of "{rel}" must be `name: value` lines.', ("documents", rel, key))
                continue
            if key in ("id", "title", "language", "format", "encoding", "speaker") and isinstance(value, (Mapping, list)):
                problem("RK-C03", f'`{key}:` of "{rel}" must be one piece of text; got a {type(value).__name__}.',
                        ("documents", rel, key))
                continue
            settings[key] = value
        good[rel] = _frozen(settings)
    return good


def _leaves_folder(path: str) -> bool:
    """Whether a path or glob written in the manifest can reach outside the corpus folder."""
    text = str(path).replace("\\", "/")
    return text.startswith("/") or text.startswith("~") or bool(re.match(r"^[A-Za-z]:", text)) or \
        ".." in text.split("/")


def parse_date(value: Any):
    """A :class:`pandas.Timestamp` for a date value, ``None`` when it is not a date."""
    import pandas as pd

    if isinstance(value, (date, datetime)):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        return None


def _texts(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                                for v in value):
        return tuple(str(v) for v in value)
    return None


def _line(lines: Mapping[tuple, int], at: tuple) -> int | None:
    while True:
        if at in lines:
            return lines[at]
        if not at:
            return 1 if lines else None
        at = at[:-1]
