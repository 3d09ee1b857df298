"""Research briefs: parameterised notebooks run by papermill and rendered for readers.

- :mod:`~research_kit.briefs.runner` runs one brief or a batch plan (fingerprints,
  staging, contained failures, progress, the outputs' manifest and index page) and
  lists the notebooks' parameters;
- :mod:`~research_kit.briefs.context` loads what a brief draws on from the project and
  checks the values of its parameters;
- :mod:`~research_kit.briefs.sections` says what briefs say, one function per section.

What a notebook shows travels as blocks (:mod:`research_kit.show`,
:mod:`research_kit.blocks`) and is rendered by :mod:`research_kit.render`.
"""

from __future__ import annotations

from .context import ParameterValueError, check_brief_parameters
from .runner import (DEFAULT_TIMEOUT, FORMATS, KINDS, Brief, BriefProgress, BriefResult, OutputTakenError,
                     PlanProblems, brief_name, expand_plan, notebook_parameters, package_digest, read_plan, run_batch,
                     run_brief, write_index)

__all__ = ["Brief", "BriefResult", "BriefProgress", "PlanProblems", "OutputTakenError", "ParameterValueError",
           "run_brief", "run_batch", "read_plan", "expand_plan", "brief_name", "notebook_parameters", "write_index",
           "check_brief_parameters", "package_digest", "FORMATS", "KINDS", "DEFAULT_TIMEOUT"]
