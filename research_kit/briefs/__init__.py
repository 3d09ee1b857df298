"""Research briefs: parameterised notebooks run by papermill and rendered for readers.

- :mod:`~research_kit.briefs.runner` runs one brief or a batch plan (fingerprints,
  staging, contained failures, the outputs' manifest and index);
- :mod:`~research_kit.briefs.context` loads what a brief draws on from the project;
- :mod:`~research_kit.briefs.sections` says what briefs say, one function per section.

What a notebook shows travels as blocks (:mod:`research_kit.show`,
:mod:`research_kit.blocks`) and is rendered by :mod:`research_kit.render`.
"""

from __future__ import annotations

from .runner import (DEFAULT_TIMEOUT, FORMATS, Brief, BriefResult, PlanProblems, expand_plan, package_digest,
                     read_plan, run_batch, run_brief)

__all__ = ["Brief", "BriefResult", "PlanProblems", "run_brief", "run_batch", "read_plan", "expand_plan",
           "package_digest", "FORMATS", "DEFAULT_TIMEOUT"]
