"""Research Kit: a Jupyter workbench for action research and knowledge transfer.

The verbs a notebook uses are importable from here. Importing the package loads pandas,
numpy and pyarrow only: spaCy, matplotlib and papermill load when a function needs them.
"""

from __future__ import annotations

from .agreement import agreement, disagreements
from .annotate import annotate
from .anonymise import pseudonymise
from .autocode import autocode, evaluate_rules
from .codebook import Codebook, read_codebook, write_codebook
from .coding import (code_matrix, code_trends, coded_segments, cooccurrence, merge_codings, read_codings,
                     write_codings)
from .ca import correspondence_analysis, specificities
from .chd import classification_summary, reinert
from .collocations import collocations
from .corpus import Corpus
from .errors import ResearchKitError, ResearchKitWarning
from .iramuteq import read_iramuteq, write_iramuteq
from .keyness import keyness
from .kwic import kwic
from .qda import read_qdc, read_qdpx, write_qdc, write_qdpx
from .manifest import Manifest
from .participation import floor, monologues, participation, turn_taking
from .project import Project, read_corpus, write_corpus
from .summary import summary
from .textstats import dispersion, frequencies, lexical_diversity, ngrams

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
    "reinert", "classification_summary", "specificities", "correspondence_analysis", "read_iramuteq",
    "write_iramuteq",
    "ResearchKitError", "ResearchKitWarning",
]
__version__ = "0.1.0"
