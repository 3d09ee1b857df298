"""Research Kit: a Jupyter workbench for action research and knowledge transfer.

The verbs a notebook uses are importable from here; importing the package loads
nothing heavy (spaCy, matplotlib and papermill load when a function needs them).
"""

from __future__ import annotations

from .corpus import Corpus, read_corpus
from .errors import ResearchKitError
from .summary import summary

__all__ = ["Corpus", "read_corpus", "summary", "ResearchKitError"]
__version__ = "0.1.0"
