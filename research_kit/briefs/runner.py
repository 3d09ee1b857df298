"""Run research briefs: one parameterised notebook, or a batch plan of many.

A brief is a notebook of ``notebooks/`` executed by papermill with parameters, whose
blocks (see :mod:`research_kit.show`) are rendered to HTML, DOCX, PDF, Markdown and a
workshop pack. The runner:

- checks parameter names against the notebook (papermill only warns) and passes
  parameters as Python values (``-p session 03`` stays the string ``"03"``);
- refuses a corpus that names people and is not pseudonymised, unless told otherwise;
- executes each brief in its own kernel, ``jobs`` at a time in separate processes
  (papermill's working-directory handling is not thread-safe), with immediate kernel
  shutdown (the default graceful one can stall for seconds);
- fills the annotation cache once before a batch, so briefs read cached tokens instead
  of each loading spaCy;
- skips a brief whose inputs (content hashes), parameters and formats have not changed
  since the last successful run, unless ``force``;
- renders into a staging folder and moves finished files into place, so a failure never
  leaves a half-written brief nor clobbers the previous one; a failed brief keeps its
  executed notebook under ``_failed/`` and is reported with the failing cell;
- writes one log per brief under ``logs/`` and a ``manifest.json`` listing inputs (with
  hashes), parameters, outputs and status.

Codes: ``RK-B30`` bad plan file; ``RK-B31`` unknown notebook parameter; ``RK-B32`` notebook
not found; ``RK-B34`` nothing to iterate over. A failing notebook is not raised: its
result has ``status="failed"``, the failing ``cell`` and the ``error``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from itertools import product
from pathlib import Path
from typing import Any

from filelock import FileLock

from .._io import atomic_write_text, content_hash, file_hash, replace_folder, slug
from ..errors import BriefError, InputFileError, ProblemsError, check_option, did_you_mean
from .workers import Outcome, pid_alive, run_isolated

__all__ = ["Brief", "BriefResult", "PlanProblems", "run_brief", "run_batch", "read_plan", "expand_plan",
           "package_digest", "FORMATS", "DEFAULT_TIMEOUT"]

FORMATS = ("html", "docx", "pdf", "md", "pptx", "cards")
_MANIFEST = "manifest.json"
_FAILED = "_failed"
_STAGING = ".staging-"
_LOCK = ".manifest.lock"
#: Seconds a brief may run before it is stopped (its kernel too); ``timeout:`` in a plan, ``--timeout``.
DEFAULT_TIMEOUT = 1800
_LOGS = "logs"
_PACKAGE = Path(__file__).resolve().parent.parent


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


def _check_parameters(notebook: Path, parameters: Mapping[str, Any]) -> None:
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise BriefError("RK-B31", f"{notebook} has no cell tagged 'parameters'.",
                         hint="Tag the first code cell 'parameters' (View > Cell toolbar > Tags in Jupyter).")
    unknown = [p for p in parameters if p not in declared]
    if unknown:
        raise BriefError("RK-B31", f"{notebook.name} has no parameter {unknown[0]!r}; its parameters are "
                         f"{', '.join(declared)}.{did_you_mean(unknown[0], declared)}",
                         hint="Fix the name in the plan or on the command line.")


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


def _execute(brief: Brief, out_dir: Path, *, kernel: str | None, fingerprint: str,
             inputs: dict[str, str], timeout: float | None = None) -> BriefResult:
    """Execute and render one brief (runs in a worker process)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ..render import blocks_from_notebook, render

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
        papermill.execute_notebook(
            str(brief.notebook), str(executed), parameters=dict(brief.parameters), kernel_name=kernel,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            cwd=str(brief.notebook.parent), shutdown_kernel="immediate",
            execution_timeout=None if timeout is None else max(1, int(timeout)),  # per cell; the worker has the rest
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no TCP-encryption chatter on the terminal
        )
        log_lines.append(f"executed in {time.perf_counter() - started:.2f} s")
        blocks = blocks_from_notebook(executed)
        target = out_dir / brief.name
        target.mkdir(parents=True, exist_ok=True)
        formats = [f for f in brief.formats if f not in ("pptx", "cards")]
        quotable = any(b["kind"] in ("quote", "questions") for b in blocks)  # no cards without quotes
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


def _prepare(briefs: Sequence[Brief], *, allow_identities: bool) -> None:
    """Refuse unpublishable corpora and fill the annotation cache once."""
    from ..annotate import annotate
    from ..project import Project

    corpora = {str(Path(b.parameters["corpus"]).resolve()) for b in briefs if b.parameters.get("corpus")}
    for path in sorted(corpora):
        project = Project.open(path)
        project.check_publishable(allow_identities=allow_identities)
        annotate(project.read_corpus(), progress=False)
        project.read_codebook()  # every problem now (spaCy patterns too), not in 20 kernels


def run_brief(notebook: str | Path, *, corpus: str | Path | None = None, parameters: Mapping[str, Any] | None = None,
              out: str | Path = "reports", name: str | None = None, formats: Sequence[str] = ("html", "docx", "pdf", "md"),
              force: bool = False, allow_identities: bool = False, kernel: str | None = None,
              timeout: float | None = DEFAULT_TIMEOUT) -> BriefResult:
    """Run one brief and render it; see :func:`run_batch` for many.

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
    formats
        Among ``html, docx, pdf, md, pptx, cards``.
    force
        Run even when nothing changed since the last successful run.
    allow_identities
        Run on a corpus whose manifest says it names people and is not pseudonymised.
    timeout
        Seconds the brief may run (each cell, and the whole); past it the brief and its
        kernel are stopped and it fails with ``RK-B35``. ``None``: no limit.

    Returns
    -------
    BriefResult
        ``status`` is ``done``, ``skipped`` or ``failed`` (with ``cell`` and ``error``).
    """
    _check_timeout(timeout, "run_brief")
    params = dict(parameters or {})
    if corpus is not None:
        params["corpus"] = str(Path(corpus).resolve())
    if allow_identities:
        params["allow_identities"] = True
    notebook = Path(notebook)
    brief = Brief(notebook, params, name or _slug(notebook.stem), tuple(formats))
    [result] = _run([brief], out=Path(out), jobs=1, force=force, allow_identities=allow_identities, kernel=kernel,
                    progress=False, timeout=timeout)
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
         kernel: str | None, progress: bool | None, timeout: float | None = DEFAULT_TIMEOUT) -> list[BriefResult]:
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
                                          parameters=dict(b.parameters), notebook=str(b.notebook))
        else:
            todo.append((b, fp, inputs))
    if todo:
        # Parameter names are checked for the briefs that run (importing papermill takes seconds;
        # a skipped brief has the notebook and parameters of a run that succeeded).
        for b, _, _ in todo:
            _check_parameters(b.notebook, b.parameters)
        _prepare([b for b, _, _ in todo], allow_identities=allow_identities)
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

    run_isolated([(b.name, _execute, (b, out), {"kernel": kernel, "fingerprint": fp, "inputs": inputs,
                                                "timeout": timeout})
                  for b, fp, inputs in todo], jobs=jobs, timeout=timeout, on_done=done)
    if bar:
        bar.close()
    _clean_staging(out)
    ordered = [results[b.name] for b in briefs]
    with FileLock(str(out / _LOCK)):  # a batch writing into the same folder keeps our entries, and we its
        _write_manifest(out, _read_manifest(out), ordered)
        _write_index(out)
    return ordered


def _clean_staging(out: Path) -> None:
    """Remove the staging folders of runs that are over (killed batches leave theirs behind)."""
    for path in out.glob(_STAGING + "*"):
        pid = path.name[len(_STAGING):].split("-", 1)[0]
        if path.is_dir() and not (pid.isdigit() and pid_alive(int(pid))):
            shutil.rmtree(path, ignore_errors=True)


def _read_manifest(out: Path) -> dict[str, dict]:
    path = out / _MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {b["name"]: b for b in data.get("briefs", [])}
    except (ValueError, KeyError, TypeError):
        return {}  # a damaged manifest only costs a re-run


def _write_manifest(out: Path, previous: dict[str, dict], results: Sequence[BriefResult]) -> None:
    from .. import __version__

    briefs = dict(previous)
    for r in results:
        entry = asdict(r)
        entry["outputs"] = {k: _relative(v, out) for k, v in r.outputs.items()}
        if r.status == "failed" and r.name in previous and previous[r.name].get("outputs"):
            entry["previous_outputs"] = previous[r.name]["outputs"]  # still on disk, untouched
        briefs[r.name] = entry
    data = {"research_kit": __version__, "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "briefs": sorted(briefs.values(), key=lambda b: b["name"])}
    atomic_write_text(out / _MANIFEST, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _relative(path: str, out: Path) -> str:
    try:
        return Path(path).resolve().relative_to(out.resolve()).as_posix()
    except ValueError:
        return str(path)


def _write_index(out: Path) -> None:
    """``index.html``: every brief of the folder with links to its formats (from the manifest)."""
    import html

    briefs = _read_manifest(out)
    rows = []
    for name, entry in sorted(briefs.items()):
        outputs = entry.get("outputs") or entry.get("previous_outputs") or {}
        links = " · ".join(f'<a href="{html.escape(p)}">{html.escape(fmt)}</a>'
                           for fmt, p in sorted(outputs.items()) if (out / p).exists())
        status = html.escape(entry.get("status", ""))
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{status}</td><td>{links}</td></tr>")
    page = ("<!doctype html><html><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
            "<title>Briefs</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;"
            "padding:1rem}td{padding:.3rem .6rem;border-bottom:1px solid #ddd}</style></head><body>"
            f"<h1>Briefs</h1><table>{''.join(rows)}</table></body></html>\n")
    atomic_write_text(out / "index.html", page)


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
    allowed = {"corpus", "out", "formats", "jobs", "briefs", "workshop_pack", "title", "timeout"}
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
              progress: bool | None = None, timeout: float | None = None) -> list[BriefResult]:
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
                allow_identities=allow_identities, kernel=kernel, progress=progress, timeout=limit)
