"""What a brief draws on, loaded once from the project: corpus, focus, language, codebook, codings.

:func:`brief_context` opens the corpus folder as a :class:`~research_kit.project.Project`,
checks that it may be published, and resolves the codebook and the team's codings
there — the same files the QDPX export and the pseudonymiser find.

:func:`check_brief_parameters` checks the values of the parameters the brief notebooks
share (``doc_id``, ``code``, ``variable``/``value``, ``lang``, ``themes_from``, ``unit``,
``codebook``) against the corpus and its codebook, so that the runner refuses a wrong
one before any kernel starts (codes ``RK-B41`` to ``RK-B45``, with "did you mean").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import Corpus
from ..errors import BriefError, ParameterError, check_option, did_you_mean
from ..project import Project, check_publishable

__all__ = ["BriefContext", "brief_context", "REQUEST_CODES", "THEMES_FROM", "AGREEMENT_UNITS",
           "ParameterValueError", "check_brief_parameters"]

#: Where a brief's themes come from (the ``themes_from`` parameter).
THEMES_FROM = ("auto", "coders", "rules")
#: The units of agreement (the coding review's ``unit``): ``agreement.Unit``'s, written out because
#: importing the agreement module (scipy) would cost seconds before every brief; a test keeps them equal.
AGREEMENT_UNITS = ("turn", "sentence", "window", "character")

# Codes of the demo codebook (and of codebooks that follow its naming) that hold requests.
REQUEST_CODES = {"recommendation": ("recommendations",), "need": ("needs",)}


@dataclass
class BriefContext:
    """Everything a brief draws on, loaded once: corpus, focus, language, codebook, codings.

    ``tokens`` and ``codings`` load on first use, from the annotation and coding caches.
    """

    corpus: Corpus
    lang: str
    doc_ids: list[str]
    codebook: Any = None
    themes_from: str = "auto"
    project: Project | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def focus(self) -> Corpus:
        return self.corpus.subset(self.doc_ids)

    @property
    def tokens(self) -> pd.DataFrame:
        if "tokens" not in self._cache:
            from ..annotate import annotate

            self._cache["tokens"] = annotate(self.corpus, progress=False)
        return self._cache["tokens"]

    @property
    def human_codings(self) -> pd.DataFrame:
        if "human" not in self._cache:
            if self.project is None:
                from ..schemas import CODINGS, empty_frame

                self._cache["human"] = empty_frame(CODINGS)
            else:
                self._cache["human"] = self.project.read_codings(self.corpus, self.codebook)
        return self._cache["human"]

    @property
    def codings(self) -> pd.DataFrame:
        """Codings for themes: the team's where a document has them, else the codebook's rules."""
        if "codings" not in self._cache:
            human = self.human_codings
            if self.codebook is None:
                self._cache["codings"] = human
            else:
                rules = pd.DataFrame(columns=human.columns) if self.themes_from == "coders" else None
                if rules is None:
                    from ..autocode import autocode

                    rules = autocode(self.tokens, self.codebook, corpus=self.corpus, unit="sentence")
                if self.themes_from == "rules" or human.empty:
                    chosen = rules
                else:
                    coder = _reference_coder(human)
                    mine = human[human["coder"] == coder]
                    chosen = pd.concat([mine, rules[~rules["doc_id"].isin(set(mine["doc_id"]))]], ignore_index=True)
                self._cache["codings"] = chosen
        return self._cache["codings"]

    def label(self, code: str) -> str:
        return self.codebook.label(code, self.lang) if self.codebook is not None else code

    @property
    def facilitators(self) -> set[str]:
        """The corpus's facilitator roles, by the one rule that :func:`~research_kit.participation.floor` uses."""
        from ..participation import facilitator_roles

        return facilitator_roles(self.corpus.turns["role"], self.corpus.manifest.facilitator_roles)


def _reference_coder(human: pd.DataFrame) -> str:
    """The coder with the most coded documents (ties: alphabetical)."""
    counts = human.groupby("coder")["doc_id"].nunique()
    return sorted(counts.index, key=lambda c: (-counts[c], c))[0]


def brief_context(corpus: str | Path | Corpus, *, lang: str = "fr", doc_id: str | Sequence[str] | None = None,
                  variable: str | None = None, value: Any = None, codebook: str | None = None,
                  themes_from: str = "auto", allow_identities: bool = False) -> BriefContext:
    """Load what a brief needs and check that it may be published.

    Parameters
    ----------
    corpus
        A corpus folder (or a read corpus).
    lang
        Language of the brief: ``"fr"`` or ``"en"``.
    doc_id
        The document(s) in focus; or ``variable``/``value`` to focus on the documents whose
        variable has that value (a process, a site); default: the whole corpus.
    codebook
        Codebook file, relative to the corpus folder (default: the project's, see
        :attr:`research_kit.project.Project.codebook_path`).
    themes_from
        ``"auto"``: the team's codings where a document has them, else the codebook's
        rules; ``"coders"`` or ``"rules"`` to use only one source.
    allow_identities
        Publish even though the corpus names people and is not pseudonymised.
    """
    check_option("lang", lang, ("fr", "en"), function="brief_context")
    check_option("themes_from", themes_from, THEMES_FROM, function="brief_context")
    project, c = Project.of(corpus)
    check_publishable(c, allow_identities=allow_identities)
    if doc_id is not None:
        ids = [doc_id] if isinstance(doc_id, str) else list(doc_id)
        c.subset(ids)  # raises with a suggestion for an unknown id
    elif variable is not None:
        docs = c.documents
        if variable not in docs.columns:
            raise ParameterError("RK-P60", f'no document variable "{variable}".{did_you_mean(variable, c.variables)}')
        ids = docs.loc[docs[variable].astype(str) == str(value), "doc_id"].tolist()
        if not ids:
            known = sorted(docs[variable].dropna().astype(str).unique())
            raise ParameterError("RK-P60", f'no document has {variable} = "{value}".{did_you_mean(value, known)}')
    else:
        ids = c.doc_ids
    return BriefContext(c, lang, ids, _codebook(project, c, codebook), themes_from, project)


def _codebook_file(corpus: Corpus, codebook: str) -> Path:
    path = Path(codebook)
    return path if path.is_absolute() or corpus.root is None else corpus.root / path


def _codebook(project: Project | None, corpus: Corpus, codebook: str | None) -> Any:
    """The codebook a brief uses: the ``codebook`` parameter's file, else the project's (or ``None``)."""
    if codebook:
        from ..codebook import read_codebook

        return read_codebook(_codebook_file(corpus, codebook), check_patterns=False)
    if project is not None:
        # The batch runner checked the patterns with spaCy already; a brief only reads the file.
        return project.read_codebook(check_patterns=False)
    return None


# ---------------------------------------------------------------------------
# parameter values, checked before a kernel starts


class ParameterValueError(BriefError):
    """A brief parameter whose value the corpus, its codebook or the brief does not have.

    Attributes
    ----------
    parameter, value
        The parameter's name and the value it was given.
    known
        The values it could take (documents, codes, variables, languages…), in order.
    suggestion
        The closest of them, or ``None``.
    notebook
        The notebook's file name.
    from_default
        Whether the value is the notebook's own default (no ``-p`` gave it).
    """

    def __init__(self, code: str, message: str, *, parameter: str, value: Any, known: Sequence[str] = (),
                 notebook: str = "", from_default: bool = False, hint: str | None = None,
                 listed: bool = True) -> None:
        self.parameter = parameter
        self.value = value
        self.known = [str(k) for k in known]
        close = did_you_mean(value, self.known)
        self.suggestion = close.split('"')[1] if close else None
        self.notebook = notebook
        self.from_default = from_default
        shown = _shown(self.known) if listed else ""
        super().__init__(code, f"{message}{close}" + (f" {shown}." if shown else ""), hint=hint)


def _shown(known: Sequence[str], most: int = 12) -> str:
    if not known:
        return ""
    listed = ", ".join(known[:most])
    return f"Known: {listed}" + (f", … ({len(known)} in all)" if len(known) > most else "")


def check_brief_parameters(parameters: Mapping[str, Any], *, corpus: Corpus | None = None,
                           project: Project | None = None, notebook: str = "the notebook",
                           defaults: Collection[str] = ()) -> None:
    """Check the values of a brief's shared parameters, before any kernel starts.

    Parameters
    ----------
    parameters
        The brief's parameters, as Python values (those the notebook does not take are
        left to the notebook).
    corpus, project
        The corpus the brief reads (and its project, for the codebook); without a corpus
        only ``lang``, ``themes_from`` and ``unit`` are checked.
    notebook
        The notebook's name, for the messages.
    defaults
        The names whose value is the notebook's default (no ``-p`` gave them).

    Raises
    ------
    ParameterValueError
        ``RK-B41`` a ``doc_id`` the corpus does not have; ``RK-B42`` a ``code`` the
        codebook does not have (or no codebook); ``RK-B43`` a ``lang``, ``themes_from``
        or ``unit`` the briefs do not know; ``RK-B44`` a ``variable`` the documents do
        not have, or a ``value`` no document has; ``RK-B45`` a ``codebook`` file the
        corpus folder does not hold. Each says what it got, the closest known value and
        what to do.
    """
    from ..i18n import LANGS

    def err(code: str, name: str, message: str, known: Sequence[Any], hint: str,
            value: Any = None, listed: bool = True) -> ParameterValueError:
        value = parameters[name] if value is None else value
        said = " (the notebook's default)" if name in defaults else ""
        return ParameterValueError(code, f"{notebook}: the parameter {name} is {value!r}{said}; {message}",
                                   parameter=name, value=value, known=[str(k) for k in known], notebook=notebook,
                                   from_default=name in defaults, hint=hint, listed=listed)

    choices = {"lang": LANGS, "themes_from": THEMES_FROM, "unit": AGREEMENT_UNITS}
    for name, allowed in choices.items():
        if name in parameters and parameters[name] not in allowed:
            raise err("RK-B43", name, f"it must be one of {', '.join(allowed)}.", allowed,
                      f"Give one with -p {name} VALUE; no kernel was started.", listed=False)
    if corpus is None:
        return
    where = f"the corpus {corpus.root}" if corpus.root is not None else "the corpus"
    if "doc_id" in parameters:
        wanted = parameters["doc_id"]
        for doc in [wanted] if isinstance(wanted, str) else list(wanted or []):
            if doc not in set(corpus.doc_ids):
                raise err("RK-B41", "doc_id", f"{where} has no such document.", corpus.doc_ids,
                          "Give a doc_id of the corpus with -p doc_id ID (`research-kit summary CORPUS --out DIR` "
                          "lists them in documents.csv); no kernel was started.", value=doc)
    if "variable" in parameters:
        variable = parameters["variable"]
        if variable not in corpus.variables:
            raise err("RK-B44", "variable", f"the documents of {where} have no variable {str(variable)!r}.",
                      corpus.variables, "Give a document variable of corpus.yml with -p variable NAME; no kernel "
                      "was started.")
        if "value" in parameters:
            known = sorted(corpus.documents[variable].dropna().astype(str).unique())
            if str(parameters["value"]) not in known:
                raise err("RK-B44", "value", f"no document of {where} has {variable} = {str(parameters['value'])!r}.",
                          known, f"Give one of the values of {variable} with -p value VALUE; no kernel was started.")
    codebook = parameters.get("codebook") or None
    if codebook and not _codebook_file(corpus, str(codebook)).is_file():
        raise err("RK-B45", "codebook", f"{where} holds no file {str(codebook)!r}.", (),
                  "Give the codebook's path relative to the corpus folder with -p codebook FILE, or leave it out "
                  "to use the one corpus.yml names; no kernel was started.")
    if "code" in parameters:
        book = _codebook(project, corpus, codebook)
        if book is None:
            raise err("RK-B42", "code", f"{where} has no codebook, and a theme is a code of the codebook.", (),
                      "Name one under `codebook:` in corpus.yml, put a codebook.yml in the folder, or give "
                      "-p codebook FILE; no kernel was started.")
        codes = [str(c) for c in book.codes["code"]]
        if str(parameters["code"]) not in codes:
            raise err("RK-B42", "code", f"the codebook has no code {str(parameters['code'])!r}.", codes,
                      "Give a code of the codebook with -p code CODE; no kernel was started.")


