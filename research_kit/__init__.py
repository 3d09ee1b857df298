"""Research Kit: a Jupyter workbench for action research and knowledge transfer.

The verbs a notebook uses are importable from here. Importing the package loads nothing
else: each verb's module (and pandas, spaCy, matplotlib…) loads on its first use.
"""

from __future__ import annotations

import sys

#: public name -> the module that defines it; imported on first use (PEP 562), so that
#: ``import research_kit`` and ``research-kit --help`` load none of the analysis stack.
_EXPORTS: dict[str, str] = {
    "agreement": "agreement",
    "disagreements": "agreement",
    "annotate": "annotate",
    "pseudonymise": "anonymise",
    "autocode": "autocode",
    "evaluate_rules": "autocode",
    "Codebook": "codebook",
    "read_codebook": "codebook",
    "write_codebook": "codebook",
    "code_matrix": "coding",
    "code_trends": "coding",
    "coded_segments": "coding",
    "cooccurrence": "coding",
    "merge_codings": "coding",
    "read_codings": "coding",
    "write_codings": "coding",
    "correspondence_analysis": "ca",
    "specificities": "ca",
    "classification_summary": "chd",
    "reinert": "chd",
    "reinert_matrix": "chd",
    "collocations": "collocations",
    "Corpus": "corpus",
    "ResearchKitError": "errors",
    "ResearchKitWarning": "errors",
    "read_iramuteq": "iramuteq",
    "write_iramuteq": "iramuteq",
    "keyness": "keyness",
    "kwic": "kwic",
    "read_qdc": "qda",
    "read_qdpx": "qda",
    "write_qdc": "qda",
    "write_qdpx": "qda",
    "Manifest": "manifest",
    "floor": "participation",
    "monologues": "participation",
    "participation": "participation",
    "turn_taking": "participation",
    "Project": "project",
    "read_corpus": "project",
    "write_corpus": "project",
    "summary": "summary",
    "dispersion": "textstats",
    "frequencies": "textstats",
    "lexical_diversity": "textstats",
    "ngrams": "textstats",
}

__all__ = [
    "Project", "Manifest", "Corpus", "read_corpus", "write_corpus", "summary",
    "annotate", "pseudonymise",
    "frequencies", "ngrams", "lexical_diversity", "dispersion", "keyness", "kwic", "collocations",
    "participation", "floor", "turn_taking", "monologues",
    "Codebook", "read_codebook", "write_codebook",
    "autocode", "evaluate_rules",
    "read_codings", "write_codings", "merge_codings", "coded_segments", "code_matrix", "cooccurrence", "code_trends",
    "agreement", "disagreements",
    "read_qdpx", "write_qdpx", "read_qdc", "write_qdc",
    "reinert", "reinert_matrix", "classification_summary", "specificities", "correspondence_analysis", "read_iramuteq",
    "write_iramuteq",
    "ResearchKitError", "ResearchKitWarning",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'research_kit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(type(sys.modules[__name__])):
    """Keeps a verb a verb: importing the submodule ``research_kit.summary`` sets the package's
    attribute ``summary`` to the module; the package keeps the function of that name instead."""

    def __setattr__(self, name: str, value) -> None:
        if (_EXPORTS.get(name) == name and getattr(value, "__name__", None) == f"{__name__}.{name}"
                and hasattr(value, name)):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
