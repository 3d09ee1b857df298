"""What a brief draws on, loaded once from the project: corpus, focus, language, codebook, codings.

:func:`brief_context` opens the corpus folder as a :class:`~research_kit.project.Project`,
checks that it may be published, and resolves the codebook and the team's codings
there — the same files the QDPX export and the pseudonymiser find.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import Corpus
from ..errors import ParameterError, check_option, did_you_mean
from ..project import Project, check_publishable

__all__ = ["BriefContext", "brief_context", "REQUEST_CODES"]

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
    check_option("themes_from", themes_from, ("auto", "coders", "rules"), function="brief_context")
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
    cb = None
    if codebook:
        from ..codebook import read_codebook

        path = Path(codebook)
        cb = read_codebook(path if path.is_absolute() or c.root is None else c.root / path, check_patterns=False)
    elif project is not None:
        # The batch runner checked the patterns with spaCy already; a brief only reads the file.
        cb = project.read_codebook(check_patterns=False)
    return BriefContext(c, lang, ids, cb, themes_from, project)


