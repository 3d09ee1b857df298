"""Run research briefs: one parameterised notebook, or a batch plan of many.

A brief is a notebook of ``notebooks/`` executed by papermill with parameters, whose
blocks (see :mod:`research_kit.show`) are rendered to HTML, DOCX, PDF, Markdown and a
workshop pack. The runner:

- checks parameter names against the notebook (papermill only warns), and the values
  of the parameters the briefs share (a document, a code, a language…) against the
  corpus, before any kernel starts; it passes parameters as Python values
  (``-p session 03`` stays the string ``"03"``);
- names a single brief after its kind and parameters (``session-mtl-cop-03-en``) and
  refuses to replace another brief's output of that name unless told to;
- refuses a corpus that names people and is not pseudonymised, unless told otherwise;
- executes each brief in its own kernel, ``jobs`` at a time in separate processes
  (papermill's working-directory handling is not thread-safe), with immediate kernel
  shutdown (the default graceful one can stall for seconds); a kernel that dies before
  it answers (two kernels racing for one port) is started again;
- reports progress (checks, kernel, each cell, rendering) to a callback, across processes;
- fills the annotation cache once before a batch, so briefs read cached tokens instead
  of each loading spaCy;
- skips a brief whose inputs (content hashes), parameters and formats have not changed
  since the last successful run, unless ``force``;
- renders into a staging folder and moves finished files into place, so a failure never
  leaves a half-written brief nor clobbers the previous one; a failed brief keeps its
  executed notebook under ``_failed/`` and is reported with the failing cell;
- writes one log per brief under ``logs/``, a ``manifest.json`` listing inputs (with
  hashes), parameters, outputs, status, title, language and dates, and ``index.html``,
  a bilingual catalogue of the folder's briefs.

Codes: ``RK-B30`` bad plan file; ``RK-B31`` unknown notebook parameter; ``RK-B32`` notebook
not found; ``RK-B34`` nothing to iterate over; ``RK-B40`` the output name holds another
brief; ``RK-B41``–``RK-B45`` a parameter value the corpus does not have (see
:func:`~research_kit.briefs.context.check_brief_parameters`); ``RK-B46`` a kernel that
would not start; ``RK-B47`` a folder without notebooks; ``RK-B48`` a notebook that names
no kernel. A failing notebook is not raised:
its result has ``status="failed"``, the failing ``cell`` and the ``error``.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import random
import shutil
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock

from .._io import atomic_write_text, content_hash, file_hash, replace_folder, slug
from ..errors import BriefError, InputFileError, ProblemsError, ResearchKitError, check_option, did_you_mean
from ..i18n import MESSAGES, t
from .workers import Outcome, pid_alive, run_isolated

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Brief", "BriefResult", "BriefProgress", "PlanProblems", "OutputTakenError", "run_brief", "run_batch",
           "read_plan", "expand_plan", "brief_name", "notebook_parameters", "write_index", "package_digest", "FORMATS",
           "KINDS", "DEFAULT_TIMEOUT"]

FORMATS = ("html", "docx", "pdf", "md", "pptx", "cards")
_MANIFEST = "manifest.json"
_FAILED = "_failed"
_STAGING = ".staging-"
_LOCK = ".manifest.lock"
#: Seconds a brief may run before it is stopped (its kernel too); ``timeout:`` in a plan, ``--timeout``.
DEFAULT_TIMEOUT = 1800
_LOGS = "logs"
_PACKAGE = Path(__file__).resolve().parent.parent
#: The kind of brief each notebook of ``notebooks/`` makes (by file stem): the index groups by it.
KINDS = {"session_brief": "session", "process_brief": "process", "thematic_brief": "theme",
         "coding_review": "coding_review", "corpus_explorer": "explorer"}
#: Parameters named in a default output name even when they keep the notebook's default value.
_SUBJECTS = {"session": ("doc_id",), "process": ("value",), "theme": ("code",)}
#: Parameters a default output name never shows (the corpus is the output folder's business).
_UNNAMED = ("corpus", "allow_identities", "lang")
#: How often a kernel that dies before it answers is started (two kernels can race for a port).
_KERNEL_STARTS = 3
_KERNEL_PAUSE = 1.0  # seconds before starting again, plus up to as much at random


class PlanProblems(ProblemsError, InputFileError):
    """Every problem of a batch plan at once (``problems``, each with its line)."""

    summary_code = "RK-B00"
    what = "the plan"


@dataclass(frozen=True)
class Brief:
    """One brief to produce: a notebook, its parameters, an output name and formats."""

    notebook: Path
    parameters: Mapping[str, Any]
    name: str
    formats: tuple[str, ...] = ("html", "docx", "pdf", "md")


@dataclass
class BriefResult:
    """What became of one brief: its status, outputs and, for the index, what it is about.

    ``title`` and ``lang`` come from the brief's title block, ``kind`` from its notebook
    (:data:`KINDS`), ``dates`` (ISO, first and last) from the documents it covers.
    """

    name: str
    status: str  # "done", "skipped", "failed"
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    cell: int | None = None
    fingerprint: str | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    notebook: str | None = None
    title: str | None = None
    kind: str | None = None
    lang: str | None = None
    dates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BriefProgress:
    """Where a running brief is, for a progress display.

    ``stage`` is ``"check"`` (parameters and corpus), ``"prepare"`` (annotation cache),
    ``"kernel"`` (starting it: ``step`` is the attempt), ``"cell"`` (``step`` of
    ``total`` code cells, ``detail`` the cell's first line) or ``"render"`` (``detail``
    the formats).
    """

    name: str
    stage: str
    step: int = 0
    total: int = 0
    detail: str = ""


class OutputTakenError(BriefError):
    """``RK-B40``: the output name holds another brief (other notebook or parameters).

    ``folder`` is the output folder; ``notebook`` and ``parameters`` what made the brief
    there (``None`` when no manifest entry says); ``other_notebook`` whether that
    notebook is another one; ``differences`` lists ``(name, there, here)`` for each
    parameter that differs.
    """

    def __init__(self, message: str, *, folder: Path, notebook: str | None, parameters: Mapping[str, Any] | None,
                 differences: Sequence[tuple[str, Any, Any]], hint: str, other_notebook: bool = False) -> None:
        self.folder = folder
        self.notebook = notebook
        self.other_notebook = other_notebook
        self.parameters = dict(parameters) if parameters is not None else None
        self.differences = list(differences)
        super().__init__("RK-B40", message, hint=hint)


# ---------------------------------------------------------------------------
# fingerprints


def _slug(value: Any) -> str:
    return slug(value, max_length=120)


def package_digest() -> str:
    """A digest of the package's own code and data (``research_kit/**``): a brief re-runs when it changes.

    Edit a label, a section or a renderer and every brief that used the old code is
    stale, even with the version number unchanged.
    """
    parts = []
    for path in sorted(_PACKAGE.rglob("*")):
        rel = path.relative_to(_PACKAGE)
        scratch = any(p == "__pycache__" or p.startswith(".") for p in rel.parts)  # caches: .ruff_cache, …
        if path.is_file() and not scratch and path.suffix not in (".pyc", ".pyo"):
            parts += [rel.as_posix(), file_hash(path)]
    return content_hash(*parts)


def _inputs(brief: Brief, memo: dict[str, Any] | None = None) -> dict[str, str]:
    """Content hashes of what a brief reads: its notebook, the package's code, every file of its corpus."""
    from ..project import Project

    memo = {} if memo is None else memo
    key = str(brief.notebook)
    if key not in memo:
        memo[key] = file_hash(brief.notebook)
    if "package" not in memo:
        memo["package"] = package_digest()
    inputs = {"notebook:" + brief.notebook.name: memo[key], "research_kit": memo["package"]}
    corpus = brief.parameters.get("corpus")
    if corpus and Path(corpus).is_dir():
        if corpus not in memo:
            memo[corpus] = Project(Path(corpus)).input_hashes()
        for rel, digest in memo[corpus].items():
            inputs[f"corpus:{rel}"] = digest
    return inputs


def _fingerprint(brief: Brief, inputs: Mapping[str, str]) -> str:
    params = json.dumps(dict(brief.parameters), sort_keys=True, default=str)
    return content_hash(json.dumps(dict(inputs), sort_keys=True), params, ",".join(brief.formats))


# ---------------------------------------------------------------------------
# one brief


_DECLARED: dict[tuple[str, int, int], dict[str, dict[str, Any]]] = {}


def _declared(notebook: Path) -> dict[str, dict[str, Any]]:
    """The notebook's parameters as papermill inspects them (``name → {default, help, …}``), read once."""
    stat = notebook.stat()
    key = (str(notebook.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _DECLARED:
        import papermill

        try:
            _DECLARED[key] = papermill.inspect_notebook(str(notebook))
        except ValueError as e:  # papermill's "No kernel name found in notebook"
            raise BriefError("RK-B48", f"{notebook} names no kernel ({e}).",
                             hint="Open it in JupyterLab, choose the Python 3 kernel, and save it.") from e
    return _DECLARED[key]


def _check_parameters(notebook: Path, parameters: Mapping[str, Any]) -> None:
    declared = _declared(notebook)
    if not declared:
        raise BriefError("RK-B31", f"{notebook} has no cell tagged 'parameters'.",
                         hint="Tag the first code cell 'parameters' (View > Cell toolbar > Tags in Jupyter).")
    unknown = [p for p in parameters if p not in declared]
    if unknown:
        raise BriefError("RK-B31", f"{notebook.name} has no parameter {unknown[0]!r}; its parameters are "
                         f"{', '.join(declared)}.{did_you_mean(unknown[0], declared)}",
                         hint="Fix the name in the plan or on the command line.")


def _literal(source: Any) -> Any:
    """A default as papermill reports it (the source text ``"fr"``) as a value; ``None`` if not a literal."""
    try:
        return ast.literal_eval(str(source))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _defaults(notebook: Path) -> dict[str, Any]:
    """The notebook's default values that are plain literals (``doc_id: str = "mtl-cop-01"``)."""
    out = {}
    for name, info in _declared(notebook).items():
        value = _literal(info.get("default"))
        if value is not None:
            out[name] = value
    return out


def _kind(notebook: str | Path | None) -> str:
    return KINDS.get(Path(notebook).stem, "other") if notebook else "other"


def brief_name(notebook: str | Path, parameters: Mapping[str, Any]) -> str:
    """The default output name of a brief: ``session-mtl-cop-03-en``.

    The brief's kind (:data:`KINDS`; the notebook's stem for other notebooks), then its
    subject (``doc_id``, ``value``, ``code``), named even at the notebook's default, then
    the other parameters given a value other than the notebook's (the corpus aside), in
    the order the notebook declares them, then the language. Two briefs that differ in
    a parameter get two names.

    Parameters
    ----------
    notebook
        The brief's notebook (its ``parameters`` cell is read).
    parameters
        The parameters the brief is given.

    Examples
    --------
    >>> brief_name("notebooks/session_brief.ipynb", {"doc_id": "mtl-cop-03", "lang": "en"})  # doctest: +SKIP
    'session-mtl-cop-03-en'
    """
    notebook = Path(notebook)
    kind = _kind(notebook)
    defaults = _defaults(notebook)
    effective = {**defaults, **parameters}
    parts = [kind.replace("_", "-") if kind != "other" else notebook.stem]
    for name in _declared(notebook):
        if name in _UNNAMED or name not in effective:
            continue
        if name in _SUBJECTS.get(kind, ()) or (name in parameters and parameters[name] != defaults.get(name)):
            value = effective[name]
            if value not in (None, "", False):
                parts.append(value if not isinstance(value, (list, tuple)) else "-".join(map(str, value)))
    if "lang" in effective and "lang" in _declared(notebook):
        parts.append(effective["lang"])
    return _slug("-".join(str(p) for p in parts))


def _failing_cell(nb_path: Path) -> tuple[int | None, str | None]:
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - best effort for the report
        return None, None
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return index, f"{out.get('ename')}: {out.get('evalue')}"
    return None, None


_ENGINE = "research-kit"
_ENGINE_REGISTERED: list[bool] = []


def _preload_for_workers() -> None:
    """Import once, in the parent, what every brief's worker imports: forked workers inherit it.

    papermill and its engine, fpdf2 and python-docx, and the fonts that measure table
    text: each worker would import them again (papermill alone about 1 s from the shell;
    0.25 s a brief measured where the caller had imported papermill already). Where
    workers are spawned, not forked, nothing is gained and nothing is done.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return
    import docx  # noqa: F401 - imported for the workers
    import papermill  # noqa: F401

    from ..render.pdf import text_width
    from . import kernel  # noqa: F401

    _register_engine()
    text_width("Research Kit", 9.0)  # loads the fonts every format measures tables with


def _register_engine() -> None:
    """papermill's own engine, telling a callback as each code cell starts (papermill's bar only prints)."""
    if _ENGINE_REGISTERED:
        return
    from papermill.engines import NBClientEngine, papermill_engines

    class ReportingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, on_cell=None, **kwargs):
            if on_cell is not None:
                started = nb_man.cell_start
                code = [i for i, c in enumerate(nb_man.nb.cells) if c.cell_type == "code"]

                def cell_start(cell, cell_index=None, **kw):
                    if cell.cell_type == "code":
                        on_cell(code.index(cell_index) + 1 if cell_index in code else 0, len(code), cell)
                    return started(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(_ENGINE, ReportingEngine)
    _ENGINE_REGISTERED.append(True)


def _no_kernel_reply(error: BaseException) -> bool:
    """A kernel that died or kept silent before it replied to ``kernel_info``: the brief has not run."""
    text = f"{type(error).__name__}: {error}"
    return isinstance(error, (RuntimeError, TimeoutError, OSError)) or "ZMQError" in text


def _execute(brief: Brief, out_dir: Path, *, kernel: str | None, fingerprint: str,
             inputs: dict[str, str], timeout: float | None = None,
             report: Callable[[Any], None] | None = None) -> BriefResult:
    """Execute and render one brief (runs in a worker process); ``report`` receives :class:`BriefProgress`."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ..render import blocks_from_notebook, render
    from .kernel import BriefKernelManager

    def tell(stage: str, step: int = 0, total: int = 0, detail: str = "") -> None:
        if report is not None:
            report(BriefProgress(brief.name, stage, step, total, detail))

    started = time.perf_counter()
    log_lines = [f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} brief {brief.name}",
                 f"notebook {brief.notebook.name}", "parameters " + json.dumps(dict(brief.parameters),
                                                                                default=str, ensure_ascii=False)]
    result = BriefResult(brief.name, "failed", fingerprint=fingerprint, inputs=inputs,
                         parameters=dict(brief.parameters), notebook=str(brief.notebook))
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-{brief.name}-", dir=out_dir))
    executed = staging / f"{brief.name}.ipynb"
    try:
        logging.getLogger("papermill").setLevel(logging.WARNING)
        _register_engine()
        cells = {"started": 0}

        def on_cell(step: int, total: int, cell: Any) -> None:
            cells["started"] += 1
            tags = set(cell.get("metadata", {}).get("tags", []))
            first = next((line.strip() for line in str(cell.source).splitlines() if line.strip()), "")
            tell("cell", step, total, "parameters" if tags & {"parameters", "injected-parameters"} else first[:120])

        for attempt in range(1, _KERNEL_STARTS + 1):
            tell("kernel", attempt, _KERNEL_STARTS)
            try:
                papermill.execute_notebook(
                    str(brief.notebook), str(executed), parameters=dict(brief.parameters), kernel_name=kernel,
                    engine_name=_ENGINE, on_cell=on_cell, kernel_manager_class=BriefKernelManager,
                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    cwd=str(brief.notebook.parent), shutdown_kernel="immediate",
                    execution_timeout=None if timeout is None else max(1, int(timeout)),  # per cell; the worker has the rest
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no TCP-encryption chatter on the terminal
                )
                break
            except PapermillExecutionError:
                raise
            except Exception as e:  # noqa: BLE001 - sorted below: a kernel that never answered, or a failure
                if cells["started"] or not _no_kernel_reply(e):
                    raise
                log_lines.append(f"kernel start {attempt} of {_KERNEL_STARTS} failed: {type(e).__name__}: {e}")
                if attempt == _KERNEL_STARTS:
                    raise BriefError("RK-B46", f"the kernel ({kernel or 'the notebook’s'}) died or kept silent before "
                                     f"it answered, {_KERNEL_STARTS} times: {type(e).__name__}: {e}",
                                     hint="Nothing of the brief ran. Run it again; if it keeps failing, check the "
                                          "kernel with `jupyter kernelspec list` and `python -m ipykernel --version`."
                                     ) from e
                time.sleep(_KERNEL_PAUSE * (1 + random.random()))  # two workers racing for ports: not in step again
        log_lines.append(f"executed in {time.perf_counter() - started:.2f} s")
        blocks = blocks_from_notebook(executed)
        meta = next((b for b in blocks if b.get("kind") == "meta"), None)
        if meta is not None:
            result.title = str(meta.get("title") or "") or None
            result.lang = str(meta.get("lang") or "") or None
        target = out_dir / brief.name
        target.mkdir(parents=True, exist_ok=True)
        formats = [f for f in brief.formats if f not in ("pptx", "cards")]
        quotable = any(b["kind"] in ("quote", "questions") for b in blocks)  # no cards without quotes
        tell("render", 0, 0, ", ".join(brief.formats))
        written = render(blocks, staging / "out", name=brief.name, formats=formats,
                         slides="pptx" in brief.formats, cards="cards" in brief.formats and quotable)
        for fmt, path in written.items():
            path = Path(path)
            final = target / path.name
            if path.is_dir():
                replace_folder(path, final)
            else:
                os.replace(path, final)
            result.outputs[fmt] = str(final)
        result.status = "done"
        log_lines.append("rendered " + ", ".join(sorted(result.outputs)))
    except PapermillExecutionError as e:
        result.cell = getattr(e, "cell_index", None)
        result.error = f"{e.ename}: {e.evalue}"
        if result.cell is None:
            result.cell, _ = _failing_cell(executed)
    except ResearchKitError as e:
        cell, err = _failing_cell(executed) if executed.exists() else (None, None)
        result.cell = cell
        result.error = err or str(e)
        log_lines.append(traceback.format_exc(limit=5))
    except Exception as e:  # noqa: BLE001 - one failing brief never takes the batch down
        cell, err = _failing_cell(executed) if executed.exists() else (None, None)
        result.cell = cell
        result.error = err or f"{type(e).__name__}: {e}"
        log_lines.append(traceback.format_exc(limit=5))
    finally:
        result.seconds = round(time.perf_counter() - started, 3)
        if result.status == "failed":
            log_lines.append(f"FAILED at cell {result.cell}: {result.error}")
            if executed.exists():
                failed = out_dir / _FAILED
                failed.mkdir(exist_ok=True)
                os.replace(executed, failed / executed.name)
                log_lines.append(f"executed notebook kept in {failed / executed.name}")
        shutil.rmtree(staging, ignore_errors=True)
        log_lines.append(f"status {result.status} in {result.seconds:.2f} s")
        atomic_write_text(out_dir / _LOGS / f"{brief.name}.log", "\n".join(log_lines) + "\n")
    return result


def _corpus_key(brief: Brief) -> str | None:
    corpus = brief.parameters.get("corpus")
    return str(Path(corpus).resolve()) if corpus else None


def _open_corpora(briefs: Sequence[Brief], *, allow_identities: bool) -> dict[str, tuple[Any, Any]]:
    """Refuse unpublishable corpora, then read each corpus once: ``path → (project, corpus)``."""
    from ..project import Project

    loaded = {}
    for path in sorted({k for k in map(_corpus_key, briefs) if k}):
        project = Project.open(path)
        project.check_publishable(allow_identities=allow_identities)
        loaded[path] = (project, project.read_corpus())
    return loaded


def _prepare(loaded: Mapping[str, tuple[Any, Any]], client: Any = None) -> None:
    """Fill the annotation cache once per corpus (on the cluster with ``client``) and check each codebook.

    The cache is only checked, not read: each brief's kernel reads what it needs.
    """
    from ..annotate import annotation_files

    for _, (project, corpus) in sorted(loaded.items()):
        annotation_files(corpus, progress=False, client=client)
        project.read_codebook()  # every problem now (spaCy patterns too), not in 20 kernels


def _effective(brief: Brief) -> tuple[dict[str, Any], set[str]]:
    """The values the notebook will run with (its defaults, then the brief's), and the names left at default."""
    declared = _declared(brief.notebook)
    defaults = {k: v for k, v in _defaults(brief.notebook).items() if k in declared}
    return {**defaults, **brief.parameters}, set(defaults) - set(brief.parameters)


def _check_values(brief: Brief, loaded: Mapping[str, tuple[Any, Any]]) -> None:
    from .context import check_brief_parameters

    values, at_default = _effective(brief)
    project, corpus = loaded.get(_corpus_key(brief) or "", (None, None))
    check_brief_parameters({k: v for k, v in values.items() if k != "corpus"}, corpus=corpus, project=project,
                           notebook=brief.notebook.name, defaults=at_default)


def _weight(brief: Brief, loaded: Mapping[str, tuple[Any, Any]], sizes: dict[str, Any]) -> int:
    """Characters of talk a brief covers (its ``doc_id``, its ``variable``'s ``value``, or all), to start the
    longest briefs first so that no worker is left with one long brief at the end."""
    key = _corpus_key(brief) or ""
    if key not in loaded:
        return 0
    corpus = loaded[key][1]
    if key not in sizes:
        turns = corpus.turns
        sizes[key] = turns["text"].str.len().groupby(turns["doc_id"], sort=False).sum()
    per_doc = sizes[key]
    docs = corpus.documents
    parameters = brief.parameters
    if parameters.get("doc_id"):
        wanted = parameters["doc_id"]
        ids = [wanted] if isinstance(wanted, str) else list(wanted)
    elif parameters.get("variable") in docs.columns and "value" in parameters:
        ids = docs.loc[docs[parameters["variable"]].astype(str) == str(parameters["value"]), "doc_id"].tolist()
    else:
        ids = docs["doc_id"].tolist()
    return int(per_doc.reindex(ids).fillna(0).sum())


def _dates(parameters: Mapping[str, Any], corpus: Any) -> list[str]:
    """First and last date (ISO) of the documents a brief covers: its ``doc_id``, its ``variable``'s ``value``, or all."""
    docs = corpus.documents
    if parameters.get("doc_id"):
        wanted = parameters["doc_id"]
        docs = docs[docs["doc_id"].isin([wanted] if isinstance(wanted, str) else list(wanted))]
    elif parameters.get("variable") in docs.columns and "value" in parameters:
        docs = docs[docs[parameters["variable"]].astype(str) == str(parameters["value"])]
    dates = docs["date"].dropna()
    if dates.empty:
        return []
    first, last = dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")
    return [first] if first == last else [first, last]


def _describe(result: BriefResult, brief: Brief, loaded: dict[str, tuple[Any, Any]]) -> None:
    """Fill what the index shows of a brief (kind, language, dates), reading its corpus only when needed."""
    import sys

    result.kind = _kind(brief.notebook)
    params = dict(brief.parameters)
    if "papermill" in sys.modules and brief.notebook.is_file():  # the defaults are at hand: use them
        try:
            params = _effective(brief)[0]
        except ResearchKitError:
            pass  # a notebook papermill cannot read: its given parameters will do
    result.lang = result.lang or (str(params["lang"]) if params.get("lang") else None)
    key = _corpus_key(brief)
    if result.dates or not key or not Path(key).is_dir():
        return
    if key not in loaded:
        from ..project import Project

        try:
            project = Project.open(key)
            loaded[key] = (project, project.read_corpus())
        except ResearchKitError:
            return  # the index does without dates
    try:
        result.dates = _dates(params, loaded[key][1])
    except (KeyError, TypeError, ValueError, AttributeError):
        result.dates = []


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> str:
        return json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)

    return norm(a) == norm(b)


def _guard_output(out: Path, brief: Brief) -> None:
    """Refuse (``RK-B40``) to replace another brief: one the manifest says another notebook or parameters made."""
    folder = out / brief.name
    hint = ("Nothing was run or written. Give this brief another --name (without --name the name carries the "
            "parameters) or another --out, or add --force to replace it.")
    entry = _read_manifest(out).get(brief.name)
    if entry is None:
        if folder.is_dir() and any(folder.iterdir()):
            raise OutputTakenError(f"{folder} already holds files, and {out / _MANIFEST} does not say which brief "
                                   "made them.", folder=folder, notebook=None, parameters=None, differences=[],
                                   hint=hint)
        return
    outputs = entry.get("outputs") or entry.get("previous_outputs") or {}
    if not any((out / p).exists() for p in outputs.values()):
        return  # nothing left there to protect
    there = entry.get("parameters") or {}
    here = json.loads(json.dumps(dict(brief.parameters), default=str))
    differences = [(k, there.get(k), here.get(k)) for k in sorted(set(there) | set(here))
                   if not _same(there.get(k), here.get(k))]
    made_from = entry.get("notebook")
    same_notebook = bool(made_from) and Path(made_from).resolve() == brief.notebook.resolve()
    if same_notebook and not differences:
        return
    said = []
    if not same_notebook:
        said.append(f"it was made from {Path(made_from).name if made_from else 'another notebook'}, this run is "
                    f"{brief.notebook.name}")
    for k, a, b in differences:
        said.append(f"it has {k} {'(none)' if a is None else json.dumps(a, ensure_ascii=False)}, this run "
                    f"{'(none)' if b is None else json.dumps(b, ensure_ascii=False)}")
    raise OutputTakenError(f"{folder} holds another brief: " + "; ".join(said) + ".", folder=folder,
                           notebook=made_from, parameters=there, differences=differences, hint=hint,
                           other_notebook=not same_notebook)


def run_brief(notebook: str | Path, *, corpus: str | Path | None = None, parameters: Mapping[str, Any] | None = None,
              out: str | Path = "reports", name: str | None = None, formats: Sequence[str] = ("html", "docx", "pdf", "md"),
              force: bool = False, allow_identities: bool = False, kernel: str | None = None,
              timeout: float | None = DEFAULT_TIMEOUT,
              on_progress: Callable[[BriefProgress], None] | None = None) -> BriefResult:
    """Run one brief and render it; see :func:`run_batch` for many.

    Parameter names and values are checked before any kernel starts.

    Parameters
    ----------
    notebook
        A notebook with a cell tagged ``parameters``.
    corpus
        The corpus folder, passed to the notebook as the ``corpus`` parameter.
    parameters
        Further notebook parameters, as Python values.
    out
        Folder of outputs: ``<out>/<name>/<name>.html`` and so on.
    name
        The output name; default: the brief's kind, its subject, the parameters given
        other values than the notebook's, and its language (``session-mtl-cop-03-en``).
    formats
        Among ``html, docx, pdf, md, pptx, cards``.
    force
        Run even when nothing changed since the last successful run, and replace the
        output of another brief of the same name.
    allow_identities
        Run on a corpus whose manifest says it names people and is not pseudonymised.
    timeout
        Seconds the brief may run (each cell, and the whole); past it the brief and its
        kernel are stopped and it fails with ``RK-B35``. ``None``: no limit.
    on_progress
        Called with a :class:`BriefProgress` at each step (checks, kernel, each cell,
        rendering), in this process.

    Returns
    -------
    BriefResult
        ``status`` is ``done``, ``skipped`` or ``failed`` (with ``cell`` and ``error``).

    Raises
    ------
    BriefError
        ``RK-B31`` an unknown parameter, ``RK-B32`` no such notebook, ``RK-B40``
        (:class:`OutputTakenError`) the name holds another brief's output;
        ``RK-B41``–``RK-B45`` (:class:`~research_kit.briefs.context.ParameterValueError`)
        a value the corpus does not have.
    """
    _check_timeout(timeout, "run_brief")
    params = dict(parameters or {})
    if corpus is not None:
        params["corpus"] = str(Path(corpus).resolve())
    if allow_identities:
        params["allow_identities"] = True
    notebook = Path(notebook).resolve()
    _validate(Brief(notebook, params, "brief", tuple(formats)))
    if on_progress is not None:
        on_progress(BriefProgress(name or notebook.name, "check"))
    _check_parameters(notebook, params)
    brief = Brief(notebook, params, name or brief_name(notebook, params), tuple(formats))
    if not force:
        _guard_output(Path(out), brief)
    [result] = _run([brief], out=Path(out), jobs=1, force=force, allow_identities=allow_identities, kernel=kernel,
                    progress=False, timeout=timeout, on_progress=on_progress, strict=True)
    return result


def _check_timeout(timeout: Any, function: str) -> None:
    from ..errors import ParameterError

    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ParameterError("RK-P23", f"the 'timeout' parameter of {function}() must be a number of seconds > 0, "
                                       f"or None; got {timeout!r} instead.")


def _validate(brief: Brief) -> None:
    if not brief.notebook.is_file():
        raise BriefError("RK-B32", f"no notebook {brief.notebook}.", hint="Check the path in the plan or command.")
    for fmt in brief.formats:
        check_option("formats", fmt, FORMATS, function="run_brief")


def _run(briefs: Sequence[Brief], *, out: Path, jobs: int, force: bool, allow_identities: bool,
         kernel: str | None, progress: bool | None, timeout: float | None = DEFAULT_TIMEOUT,
         on_progress: Callable[[BriefProgress], None] | None = None, strict: bool = False,
         page: Mapping[str, Any] | None = None, client: Any = None) -> list[BriefResult]:
    """Run briefs; ``strict`` raises a parameter value's error instead of failing its brief alone;
    ``client`` runs them on a Dask cluster instead of the local pool."""
    from .context import ParameterValueError

    out.mkdir(parents=True, exist_ok=True)
    _clean_staging(out)
    names = [b.name for b in briefs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise BriefError("RK-B30", f'two briefs are named "{dup}".', hint="Give each brief a distinct name template.")
    for b in briefs:
        _validate(b)
    previous = _read_manifest(out)
    todo, results = [], {}
    memo: dict[str, Any] = {}
    for b in briefs:
        inputs = _inputs(b, memo)
        fp = _fingerprint(b, inputs)
        old = previous.get(b.name)
        old_outputs = {k: str(out / v) for k, v in (old or {}).get("outputs", {}).items()}
        if (not force and old and old.get("status") in ("done", "skipped") and old.get("fingerprint") == fp
                and old_outputs and all(Path(p).exists() for p in old_outputs.values())):
            results[b.name] = BriefResult(b.name, "skipped", outputs=old_outputs, fingerprint=fp, inputs=inputs,
                                          parameters=dict(b.parameters), notebook=str(b.notebook),
                                          title=old.get("title"), lang=old.get("lang"),
                                          dates=list(old.get("dates") or []))
        else:
            todo.append((b, fp, inputs))
    loaded: dict[str, tuple[Any, Any]] = {}
    if todo:
        # Parameter names and values are checked for the briefs that run (importing papermill takes
        # seconds; a skipped brief has the notebook and parameters of a run that succeeded).
        for b, _, _ in todo:
            if on_progress is not None:
                on_progress(BriefProgress(b.name, "check"))
            _check_parameters(b.notebook, b.parameters)
        loaded = _open_corpora([b for b, _, _ in todo], allow_identities=allow_identities)
        for b, fp, inputs in list(todo):
            try:
                _check_values(b, loaded)
            except ParameterValueError as e:
                if strict:
                    raise
                todo.remove((b, fp, inputs))  # this brief fails before any kernel; the others go on
                results[b.name] = BriefResult(b.name, "failed", error=str(e), fingerprint=fp, inputs=inputs,
                                              parameters=dict(b.parameters), notebook=str(b.notebook))
                atomic_write_text(out / _LOGS / f"{b.name}.log", f"brief {b.name}\nFAILED: {e}\n")
        needed = {_corpus_key(b) for b, _, _ in todo}
        if on_progress is not None and todo:
            for b, _, _ in todo:
                on_progress(BriefProgress(b.name, "prepare"))
        _prepare({k: v for k, v in loaded.items() if k in needed}, client=client)
        sizes: dict[str, Any] = {}
        todo.sort(key=lambda item: -_weight(item[0], loaded, sizes))  # stable: plan order among equals
    bar = None
    if todo and (progress or (progress is None and len(todo) > 1)):
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="briefs", unit="brief")
    by_name = {b.name: (b, fp, inputs) for b, fp, inputs in todo}

    def done(name: str, outcome: Outcome) -> None:
        b, fp, inputs = by_name[name]
        kind, value = outcome
        if kind == "ok":
            results[name] = value
        else:
            if kind == "timeout":
                error = (f"[RK-B35] stopped after {value:g} s, its time limit (the kernel too). Make the brief "
                         "lighter, or give it more time (timeout: in the plan, --timeout).")
            elif kind == "crashed":
                error = f"[RK-B36] the worker running the brief died (exit code {value}), perhaps out of memory."
            else:
                error = str(value)
            results[name] = BriefResult(name, "failed", error=error, fingerprint=fp, inputs=inputs,
                                        parameters=dict(b.parameters), notebook=str(b.notebook))
            atomic_write_text(out / _LOGS / f"{name}.log", f"brief {name}\nFAILED: {error}\n")
        if bar:
            bar.update()

    tasks = [(b.name, _execute, (b, out), {"kernel": kernel, "fingerprint": fp, "inputs": inputs, "timeout": timeout})
             for b, fp, inputs in todo]
    relay = None if on_progress is None else (lambda _key, event: on_progress(event))
    if client is not None and tasks:
        from ..cluster import run_tasks

        run_tasks(tasks, client=client, timeout=timeout, on_done=done, on_progress=relay)
    else:
        if len(tasks) > 1:
            _preload_for_workers()
        run_isolated(tasks, jobs=jobs, timeout=timeout, on_done=done, on_progress=relay)
    if bar:
        bar.close()
    _clean_staging(out)
    ordered = [results[b.name] for b in briefs]
    for b, r in zip(briefs, ordered):
        _describe(r, b, loaded)
    with FileLock(str(out / _LOCK)):  # a batch writing into the same folder keeps our entries, and we its
        _write_manifest(out, _read_manifest(out), ordered, page=page)
        write_index(out)
    return ordered


def _clean_staging(out: Path) -> None:
    """Remove the staging folders of runs that are over (killed batches leave theirs behind)."""
    for path in out.glob(_STAGING + "*"):
        pid = path.name[len(_STAGING):].split("-", 1)[0]
        if path.is_dir() and not (pid.isdigit() and pid_alive(int(pid))):
            shutil.rmtree(path, ignore_errors=True)


def _read_manifest_data(out: Path) -> dict[str, Any]:
    path = out / _MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}  # a damaged manifest only costs a re-run


def _read_manifest(out: Path) -> dict[str, dict]:
    try:
        return {b["name"]: b for b in _read_manifest_data(out).get("briefs", [])}
    except (KeyError, TypeError):
        return {}  # a damaged manifest only costs a re-run


def _write_manifest(out: Path, previous: dict[str, dict], results: Sequence[BriefResult],
                    page: Mapping[str, Any] | None = None) -> None:
    from .. import __version__

    briefs = dict(previous)
    for r in results:
        entry = asdict(r)
        entry["outputs"] = {k: _relative(v, out) for k, v in r.outputs.items()}
        if r.status == "failed" and r.name in previous:
            old = previous[r.name]
            if old.get("outputs") or old.get("previous_outputs"):
                entry["previous_outputs"] = old.get("outputs") or old.get("previous_outputs")  # still on disk
            for key in ("title", "lang"):  # what the index says of the version still there
                entry[key] = entry.get(key) or old.get(key)
            entry["dates"] = entry.get("dates") or old.get("dates") or []
        briefs[r.name] = entry
    data = {"research_kit": __version__, "written": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    before = _read_manifest_data(out)
    for key in ("title", "lang"):  # the plan's, kept when a single brief joins the folder
        value = (page or {}).get(key) or before.get(key)
        if value:
            data[key] = value
    data["briefs"] = sorted(briefs.values(), key=lambda b: b["name"])
    atomic_write_text(out / _MANIFEST, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _relative(path: str, out: Path) -> str:
    try:
        return Path(path).resolve().relative_to(out.resolve()).as_posix()
    except ValueError:
        return str(path)


_INDEX_KINDS = ("session", "process", "theme", "coding_review", "explorer", "other")
_INDEX_FORMATS = ("html", "pdf", "docx", "md", "pptx", "cards", "cards-html")

_INDEX_CSS = """
:root { --ink: $ink; --muted: $muted; --accent: $accent; --rule: $rule; --soft: $soft; --paper: $paper;
        --alert: $alert; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; padding: 1.25rem clamp(.9rem, 4vw, 2.5rem) 3rem; color: var(--ink); background: var(--paper);
       font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main, header { max-width: 72rem; margin: 0 auto; }
header { border-bottom: 3px solid var(--accent); padding-bottom: .8rem; margin-bottom: 1.2rem; }
h1 { font-size: clamp(1.5rem, 1.1rem + 2vw, 2.2rem); line-height: 1.2; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; color: var(--accent); margin: 2rem 0 .7rem; }
h1 .alt, h2 .alt { font-weight: 400; color: var(--muted); font-size: .75em; }
h2 .n { font-weight: 400; color: var(--muted); font-size: .8em; }
.meta { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
header .meta .alt { font-size: 1em; }
nav ul { list-style: none; padding: 0; margin: .6rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem .9rem; }
nav a { color: var(--accent); }
ul.briefs { list-style: none; padding: 0; margin: 0; display: grid; gap: .8rem;
            grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); }
.brief { border: 1px solid var(--rule); border-radius: .5rem; padding: .75rem .9rem; background: var(--paper);
         display: flex; flex-direction: column; gap: .35rem; min-width: 0; }
.brief h3 { font-size: 1.05rem; line-height: 1.3; margin: 0; overflow-wrap: anywhere; hyphens: auto; }
.brief h3 a { color: var(--ink); text-decoration: none; }
.brief h3 a:hover, .brief h3 a:focus { text-decoration: underline; }
.brief .meta { margin: 0; }
.brief .name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem; color: var(--muted);
               overflow-wrap: anywhere; }
.formats { display: flex; flex-wrap: wrap; gap: .35rem; margin: .2rem 0 0; padding: 0; list-style: none; }
.formats a { display: inline-block; padding: .2rem .55rem; min-height: 2rem; line-height: 1.6rem;
             border: 1px solid var(--rule); border-radius: 1rem; background: var(--soft); color: var(--accent);
             text-decoration: none; font-size: .85rem; white-space: nowrap; }
.formats a:hover, .formats a:focus { border-color: var(--accent); }
.stale { border-left: 4px solid var(--alert); }
.note { font-size: .85rem; margin: 0; }
section.failed { border: 2px solid var(--alert); border-radius: .5rem; padding: .4rem 1rem 1rem; margin: 0 0 1.5rem;
                 background: var(--soft); }
section.failed h2 { color: var(--ink); margin-top: .8rem; }
section.failed li { margin: .5rem 0; overflow-wrap: anywhere; }
section.failed code { font-size: .85rem; }
section.failed .formats a { background: var(--paper); }
@media print {
  body { padding: 0; }
  nav, .formats { display: none; }
  .brief { break-inside: avoid; }
}
"""


def _index_label(key: str, lang: str, **values: Any) -> str:
    """The index page's label ``key`` (``index.<key>`` of :data:`research_kit.i18n.MESSAGES`)."""
    return t(f"index.{key}", lang, **values)


def _page_lang(data: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> str:
    """The page's language: the plan's ``lang:``, else the briefs' most common (French on a tie)."""
    if data.get("lang") in ("fr", "en"):
        return str(data["lang"])
    counts = Counter(e.get("lang") or (e.get("parameters") or {}).get("lang") for e in entries)
    fr, en = counts.get("fr", 0), counts.get("en", 0)
    return "en" if en > fr else "fr"


def _date_text(iso: str, lang: str, *, year: bool = True) -> str:
    from ..i18n import t  # noqa: PLC0415

    try:
        when = datetime.strptime(iso[:10], "%Y-%m-%d")
    except ValueError:
        return iso
    month = t(f"render.month.{when.month}", lang)
    if lang == "en":
        return f"{when.day} {month}" + (f" {when.year}" if year else "")
    day = t("render.first_day", lang) if when.day == 1 else str(when.day)
    return f"{day} {month}" + (f" {when.year}" if year else "")


def _dates_text(dates: Sequence[str], lang: str) -> str:
    """``13 février 2025``, or ``22 janvier – 18 juin 2025`` (the year once when it is the same)."""
    if not dates:
        return ""
    if len(dates) == 1 or dates[0] == dates[-1]:
        return _date_text(dates[0], lang)
    same_year = dates[0][:4] == dates[-1][:4]
    return f"{_date_text(dates[0], lang, year=not same_year)} – {_date_text(dates[-1], lang)}"


def _html_title(path: Path) -> str | None:
    """The ``<title>`` of a brief's HTML (for entries a manifest wrote before it kept titles)."""
    import html
    import re

    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return None
    found = re.search(r"<title>(.*?)</title>", head, flags=re.S | re.I)
    return html.unescape(found.group(1)).strip() or None if found else None


def _links(out: Path, outputs: Mapping[str, str], lang: str) -> list[tuple[str, str]]:
    """``(label, href)`` for each output that exists, in reading order; a Markdown folder links to its file."""
    links = []
    order = {f: i for i, f in enumerate(_INDEX_FORMATS)}
    for fmt, rel in sorted(outputs.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        path = out / rel
        if not path.exists():
            continue
        if path.is_dir():
            inner = sorted(path.glob("*.md"))
            rel = (Path(rel) / inner[0].name).as_posix() if inner else rel
        label = _index_label(f"format.{fmt}", lang) if f"index.format.{fmt}" in MESSAGES else fmt
        links.append((label, rel))
    return links


def write_index(out: str | Path) -> Path:
    """Write ``OUT/index.html``: a catalogue of the folder's briefs, grouped by kind, bilingual.

    Read from the folder's ``manifest.json`` (every run writes it again; call this after
    removing briefs by hand).

    Each brief shows its title, dates, language and a link to each format on disk;
    briefs whose last run failed are listed apart at the top, with their error and log,
    and their previous version, if any, stays in its group. The page has no script and
    loads nothing from the network; it reads on a phone.
    """
    import html
    from string import Template

    from ..palette import CSS, NEGATIVE

    out = Path(out)
    data = _read_manifest_data(out)
    entries = [e for e in data.get("briefs", []) if isinstance(e, dict) and e.get("name")]
    lang = _page_lang(data, entries)
    other = "en" if lang == "fr" else "fr"
    esc = html.escape

    def both(key: str) -> str:
        return (f'{esc(_index_label(key, lang))} <span class="alt" lang="{other}">· {esc(_index_label(key, other))}'
                "</span>")

    def formats(links: Sequence[tuple[str, str]]) -> str:
        return ('<ul class="formats">' + "".join(f'<li><a href="{esc(href, quote=True)}">{esc(label)}</a></li>'
                                                 for label, href in links) + "</ul>") if links else ""

    cards: dict[str, list[tuple[tuple, str]]] = {k: [] for k in _INDEX_KINDS}
    failures = []
    for entry in sorted(entries, key=lambda e: e["name"]):
        name = str(entry["name"])
        failed = entry.get("status") == "failed"
        outputs = entry.get("previous_outputs") if failed else entry.get("outputs")
        brief_lang = entry.get("lang") or (entry.get("parameters") or {}).get("lang")
        # a card speaks its brief's language (an English brief's card in English on a French page)
        card_lang = brief_lang if brief_lang in ("fr", "en") else lang
        links = _links(out, outputs or {}, card_lang)
        html_out = (outputs or {}).get("html")
        title = entry.get("title") or (_html_title(out / html_out) if html_out else None) or name
        dates = [str(d) for d in entry.get("dates") or []]
        if failed:
            where = f" ({_index_label('cell', lang)} {entry['cell']})" if entry.get("cell") is not None else ""
            error = " ".join(str(entry.get("error") or "").split())
            error = error if len(error) <= 240 else error[:239] + "…"
            log = f"{_LOGS}/{name}.log"
            log_link = f' · <a href="{esc(log, quote=True)}">{esc(_index_label("log", lang))}</a>' \
                if (out / log).exists() else ""
            named = f' <span class="name">{esc(name)}</span>' if title != name else ""
            failures.append(f"<li><strong>{esc(title)}</strong>{named}{where}{log_link}"
                            f"<br><code>{esc(error)}</code></li>")
            if not links:
                continue
        kind = entry.get("kind") or _kind(entry.get("notebook"))
        kind = kind if kind in cards else "other"
        first_link = next((href for label, href in links if href == html_out), links[0][1] if links else None)
        heading = (f'<a href="{esc(first_link, quote=True)}">{esc(title)}</a>' if first_link else esc(title))
        facts = [esc(_dates_text(dates, card_lang))] if dates else []
        if brief_lang in ("fr", "en"):
            facts.append(esc(_index_label(f"lang.{brief_lang}", card_lang)))
        note = ""
        if failed:
            note = f'<p class="note">{esc(_index_label("stale", card_lang))}</p>'
        elif not links:
            note = f'<p class="note">{esc(_index_label("missing", card_lang))}</p>'
        lang_attr = f' lang="{esc(card_lang)}"' if card_lang != lang else ""
        card = (f'<li class="brief{" stale" if failed else ""}"{lang_attr}><h3>{heading}</h3>'
                f'<p class="meta">{" · ".join(facts)}</p>{note}{formats(links)}'
                f'<span class="name">{esc(name)}</span></li>')
        order = (dates[0] if dates and kind in ("session", "process") else "", str(title).casefold(),
                 brief_lang != lang, name)
        cards[kind].append((order, card))

    total = sum(len(v) for v in cards.values()) + sum(1 for e in entries if e.get("status") == "failed"
                                                      and not _links(out, e.get("previous_outputs") or {}, lang))
    written = str(data.get("written") or "")[:10]
    meta = [_index_label("count_one", lang) if total == 1 else _index_label("count", lang, n=total)]
    if written:
        meta.append(_index_label("written", lang, date=_date_text(written, lang)))
    heading = esc(str(data["title"])) if data.get("title") else both("heading")
    sub = f'<p class="meta">{both("heading")}</p>' if data.get("title") else ""
    nav = "".join(f'<li><a href="#{k}">{esc(_index_label("kind." + k, lang))}</a> ({len(cards[k])})</li>'
                  for k in _INDEX_KINDS if cards[k])
    if failures:
        nav = f'<li><a href="#failed">{esc(_index_label("failed", lang))}</a> ({len(failures)})</li>' + nav
    body = []
    if failures:
        body.append(f'<section class="failed" id="failed"><h2>{both("failed")} '
                    f'<span class="n">({len(failures)})</span></h2>'
                    f'<p class="note">{esc(_index_label("failed_intro", lang))}</p><ul>{"".join(failures)}</ul>'
                    "</section>")
    for k in _INDEX_KINDS:
        if cards[k]:
            items = "".join(card for _, card in sorted(cards[k], key=lambda x: x[0]))
            body.append(f'<section id="{k}"><h2>{both("kind." + k)} <span class="n">({len(cards[k])})</span></h2>'
                        f'<ul class="briefs">{items}</ul></section>')
    css = Template(_INDEX_CSS).substitute({**CSS, "alert": NEGATIVE})
    page = (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(str(data.get('title') or _index_label('heading', lang)))}</title>\n"
            f"<style>{css}</style>\n</head>\n<body>\n"
            f'<header><h1>{heading}</h1>{sub}<p class="meta">{esc(" · ".join(meta))}</p>'
            f'<nav aria-label="{esc(_index_label("contents", lang))}"><ul>{nav}</ul></nav></header>\n'
            f"<main>\n{chr(10).join(body)}\n</main>\n</body>\n</html>\n")
    return atomic_write_text(out / "index.html", page)


# ---------------------------------------------------------------------------
# batch plans


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read a batch plan (YAML); paths in it are relative to the plan file."""
    from .._io import read_text
    from .._yaml import load_yaml_with_lines

    path = Path(path)
    text, _ = read_text(path)
    data, lines = load_yaml_with_lines(text, path=str(path), code="RK-B30")
    if not isinstance(data, dict) or not isinstance(data.get("briefs"), list):
        raise PlanProblems([InputFileError("RK-B30", "a plan needs a `briefs:` list.", path=path, line=1,
                                           hint="See docs/briefs.md for the plan format.")], path=path)
    problems: list[InputFileError] = []
    allowed = {"corpus", "out", "formats", "jobs", "briefs", "workshop_pack", "title", "timeout", "lang"}
    for key in data:
        if key not in allowed:
            problems.append(InputFileError("RK-B30", f'unknown field "{key}".{did_you_mean(key, allowed)}', path=path,
                                           line=lines.get((key,)), hint=f"Plan fields: {', '.join(sorted(allowed))}."))
    def bad(at: tuple, message: str, hint: str | None = None) -> None:
        problems.append(InputFileError("RK-B30", message, path=path, line=lines.get(at), hint=hint))

    jobs = data.get("jobs")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        bad(("jobs",), f"`jobs:` must be a whole number of briefs run at once (1, 2…); got {jobs!r}.")
    limit = data.get("timeout")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0):
        bad(("timeout",), f"`timeout:` must be a number of seconds > 0; got {limit!r}.")
    for key in ("corpus", "out", "title"):
        if data.get(key) is not None and not isinstance(data[key], str):
            bad((key,), f"`{key}:` must be one piece of text; got {data[key]!r}.")
    if data.get("lang") is not None and data["lang"] not in ("fr", "en"):
        bad(("lang",), f"`lang:` (the index page's language) must be fr or en; got {data['lang']!r}."
            f"{did_you_mean(data['lang'], ('fr', 'en'))}")
    _check_formats(data.get("formats"), ("formats",), bad)
    brief_keys = {"notebook", "name", "for_each", "where", "parameters", "formats"}
    for i, item in enumerate(data["briefs"]):
        if not isinstance(item, dict) or "notebook" not in item:
            problems.append(InputFileError("RK-B30", f"brief {i + 1} needs a `notebook:`.", path=path,
                                           line=lines.get(("briefs", i))))
            continue
        if not isinstance(item["notebook"], str):
            bad(("briefs", i, "notebook"), f"the `notebook:` of brief {i + 1} must be a file name.")
        if item.get("name") is not None and not isinstance(item["name"], str):
            bad(("briefs", i, "name"), f"the `name:` of brief {i + 1} must be a text (a template such as "
                "`seance-{doc_id}-{lang}`).")
        if item.get("where") is not None and not isinstance(item["where"], dict):
            bad(("briefs", i, "where"), f"`where:` of brief {i + 1} must be `variable: value` lines; "
                f"got {item['where']!r}.", "For example `where: {site: Bruxelles}`.")
        if item.get("parameters") is not None and not isinstance(item["parameters"], dict):
            bad(("briefs", i, "parameters"), f"`parameters:` of brief {i + 1} must be `name: value` lines.")
        for_each = item.get("for_each")
        if for_each is not None and not (for_each in ("document", "code") or (
                isinstance(for_each, dict) and isinstance(for_each.get("variable"), str))):
            bad(("briefs", i, "for_each"), f"for_each: {for_each!r} is not document, code or {{variable: NAME}}.")
        _check_formats(item.get("formats"), ("briefs", i, "formats"), bad)
        for key in item:
            if key not in brief_keys:
                problems.append(InputFileError("RK-B30", f'unknown field "{key}" in brief {i + 1}.'
                                               f"{did_you_mean(key, brief_keys)}", path=path,
                                               line=lines.get(("briefs", i, key))))
    if problems:
        raise PlanProblems(problems, path=path)
    data["_path"] = str(path)
    data["_lines"] = lines
    return data


def _check_formats(formats: Any, at: tuple, bad) -> None:
    if formats is None:
        return
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        bad(at, f"`formats:` must be a list such as [html, pdf]; got {formats!r}.")
        return
    for f in formats:
        if f not in FORMATS:
            bad(at, f'unknown format "{f}".{did_you_mean(f, FORMATS)}', f"Formats: {', '.join(FORMATS)}.")


def expand_plan(plan: Mapping[str, Any]) -> list[Brief]:
    """Turn a plan into the list of briefs it asks for.

    ``for_each: document`` gives one brief per document (parameter ``doc_id``), filtered
    by ``where: {variable: value}``; ``for_each: code`` one per top-level code of the
    corpus's codebook (parameter ``code``); ``for_each: {variable: NAME}`` one per value
    of a document variable (parameters ``variable`` and ``value``). List-valued
    parameters expand as a product (``lang: [fr, en]`` gives both languages).
    """
    base = Path(plan.get("_path", ".")).parent
    corpus_dir = (base / plan["corpus"]).resolve() if plan.get("corpus") else None
    formats = list(plan.get("formats") or ["html", "docx", "pdf", "md"])
    if plan.get("workshop_pack"):
        formats += [f for f in ("pptx", "cards") if f not in formats]
    corpus = None
    briefs: list[Brief] = []
    for i, item in enumerate(plan["briefs"]):
        notebook = (base / item["notebook"]).resolve()
        params = dict(item.get("parameters") or {})
        grid_keys = [k for k, v in params.items() if isinstance(v, list)]
        grids = [dict(zip(grid_keys, combo)) for combo in product(*(params[k] for k in grid_keys))] or [{}]
        items: list[dict[str, Any]] = [{}]
        for_each = item.get("for_each")
        if for_each is not None:
            if corpus is None:
                from ..project import Project

                project = Project.open(corpus_dir)
                corpus = project.read_corpus()
            items = _iterate(for_each, item.get("where"), project, corpus, plan, i)
        template = item.get("name") or (notebook.stem + "".join("-{" + k + "}" for k in
                                                                 (list(items[0]) if items[0] else []) + grid_keys))
        for it, grid in product(items, grids):
            p = {**{k: v for k, v in params.items() if k not in grid_keys}, **grid, **it}
            if corpus_dir is not None:
                p.setdefault("corpus", str(corpus_dir))
            fields = {k: _slug(v) for k, v in p.items()}
            try:
                name = template.format(**fields)
            except KeyError as e:
                raise InputFileError("RK-B30", f"the name template {template!r} uses {e}, which is not a parameter.",
                                     path=plan.get("_path"),
                                     line=plan.get("_lines", {}).get(("briefs", i, "name"))) from None
            briefs.append(Brief(notebook, p, _slug(name), tuple(item.get("formats") or formats)))
    return briefs


def _iterate(for_each: Any, where: Mapping[str, Any] | None, project: Any, corpus: Any, plan: Mapping[str, Any],
             i: int) -> list[dict]:
    docs = corpus.documents
    for col, wanted in (where or {}).items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if col not in docs.columns:
            raise InputFileError("RK-B30", f'where: "{col}" is not a document column.{did_you_mean(col, docs.columns)}',
                                 path=plan.get("_path"), line=plan.get("_lines", {}).get(("briefs", i, "where")))
        docs = docs[docs[col].astype(str).isin([str(v) for v in values])]
    if for_each == "document":
        out = [{"doc_id": d} for d in docs["doc_id"]]
    elif for_each == "code":
        codebook = project.read_codebook(check_patterns=False)  # the full check runs before executing
        if codebook is None:
            raise InputFileError("RK-B34", "for_each: code needs a codebook, and the corpus has none.",
                                 path=plan.get("_path"), line=plan.get("_lines", {}).get(("briefs", i, "for_each")),
                                 hint="Name it under `codebook:` in corpus.yml, or put a codebook.yml in the folder.")
        codes = codebook.codes
        out = [{"code": c} for c in codes.loc[codes["parent"].isna(), "code"]]
    elif isinstance(for_each, dict) and "variable" in for_each:
        var = for_each["variable"]
        if var not in docs.columns:
            raise InputFileError("RK-B30", f'for_each: "{var}" is not a document variable.'
                                 f"{did_you_mean(var, docs.columns)}", path=plan.get("_path"))
        out = [{"variable": var, "value": v} for v in sorted(docs[var].dropna().unique())]
    else:
        raise InputFileError("RK-B30", f"for_each: {for_each!r} is not document, code or {{variable: NAME}}.",
                             path=plan.get("_path"), line=plan.get("_lines", {}).get(("briefs", i, "for_each")))
    if not out:
        raise InputFileError("RK-B34", f"for_each: {for_each!r} found nothing to iterate over.",
                             path=plan.get("_path"), line=plan.get("_lines", {}).get(("briefs", i, "for_each")),
                             hint="Check `where:` and the corpus.")
    return out


def run_batch(plan: str | Path | Mapping[str, Any], *, jobs: int | None = None, force: bool = False,
              allow_identities: bool = False, out: str | Path | None = None, kernel: str | None = None,
              progress: bool | None = None, timeout: float | None = None,
              on_progress: Callable[[BriefProgress], None] | None = None, client: Any = None) -> list[BriefResult]:
    """Run every brief of a plan; failures are reported, never fatal to the others.

    Parameters
    ----------
    plan
        A plan file (YAML) or its content; see ``docs/briefs.md``.
    jobs
        Briefs run in parallel, in separate processes (default: the plan's, else 1).
    force
        Re-run briefs whose inputs and parameters have not changed.
    timeout
        Seconds each brief may run (default: the plan's ``timeout:``, else
        :data:`DEFAULT_TIMEOUT`); a brief past it is stopped with its kernel and fails
        with ``RK-B35``, the others go on.
    progress
        Show a bar of briefs done on stderr (default: when more than one brief runs).
    on_progress
        Called with a :class:`BriefProgress` as each brief moves on (from every worker).
    client
        A ``dask.distributed.Client``, a cluster or a scheduler address
        (``tcp://HOST:PORT``): the annotation cache is filled and each brief runs on the
        cluster's workers (in a process of its own, as locally), with the same skipping,
        manifest, atomic outputs, time limit and failure containment; ``jobs`` is then the
        cluster's business. The workers must see the corpus and ``out`` at the same paths
        (a shared file system); see ``docs/scale.md``.

    Briefs start longest first (by the words of talk they cover), so that two workers
    are not left waiting on one long brief at the end. A brief whose parameter values the corpus does not have (``RK-B41``–``RK-B45``)
    fails before any kernel starts; the others run. The plan's ``title:`` and ``lang:``
    head the folder's ``index.html``.

    Returns
    -------
    list of BriefResult
        In plan order; the batch failed if any ``status == "failed"``.
    """
    data = read_plan(plan) if not isinstance(plan, Mapping) else dict(plan)
    briefs = expand_plan(data)
    base = Path(data.get("_path", ".")).parent
    target = Path(out) if out is not None else (base / data.get("out", "reports")).resolve()
    limit = timeout if timeout is not None else data.get("timeout", DEFAULT_TIMEOUT)
    _check_timeout(limit, "run_batch")
    return _run(briefs, out=target, jobs=int(jobs or data.get("jobs") or 1), force=force,
                allow_identities=allow_identities, kernel=kernel, progress=progress, timeout=limit,
                on_progress=on_progress, page={"title": data.get("title"), "lang": data.get("lang")}, client=client)


# ---------------------------------------------------------------------------
# what notebooks there are


def notebook_parameters(path: str | Path) -> "pd.DataFrame":
    """The notebooks of a folder (or one notebook) and their parameters, as papermill reads them.

    Parameters
    ----------
    path
        A folder of notebooks (``notebooks/``) or one ``.ipynb`` file.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``notebook`` (file name), ``title`` (the notebook's first
        Markdown heading), ``kind`` (:data:`KINDS`, ``other`` for the rest),
        ``parameter``, ``type``, ``default`` (as written in the cell) and ``help`` (its
        comment); a notebook without a ``parameters`` cell has one row with empty
        parameter columns.

    Raises
    ------
    BriefError
        ``RK-B32`` no such file or folder; ``RK-B47`` a folder that holds no notebook.
    """
    import nbformat
    import pandas as pd

    path = Path(path)
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.glob("*.ipynb") if not p.name.startswith((".", "_")))
        if not files:
            raise BriefError("RK-B47", f"{path} holds no notebook (.ipynb).",
                             hint="Give the folder of the brief notebooks, such as notebooks/ in the project.")
    else:
        raise BriefError("RK-B32", f"no notebook or folder {path}.", hint="Check the path.")
    rows = []
    for nb_path in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # nbformat's notes on cell ids: nothing for the user to do
                nb = nbformat.read(str(nb_path), as_version=4)
                declared = _declared(nb_path)
        except Exception as e:  # noqa: BLE001 - nbformat raises many kinds
            raise BriefError("RK-B13", f"{nb_path} is not a Jupyter notebook ({type(e).__name__}).",
                             hint="Open it in JupyterLab and save it again.") from e
        title = ""
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                heading = next((line.lstrip("#").strip() for line in str(cell.source).splitlines()
                                if line.startswith("#")), "")
                if heading:
                    title = heading
                    break
        base = {"notebook": nb_path.name, "title": title, "kind": _kind(nb_path)}
        if not declared:
            rows.append({**base, "parameter": "", "type": "", "default": "", "help": ""})
        for name, info in declared.items():
            rows.append({**base, "parameter": name, "type": str(info.get("inferred_type_name") or ""),
                         "default": str(info.get("default") or ""), "help": str(info.get("help") or "")})
    return pd.DataFrame(rows, columns=["notebook", "title", "kind", "parameter", "type", "default", "help"])
