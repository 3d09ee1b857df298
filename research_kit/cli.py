"""The ``research-kit`` command: thin wrappers over public functions; the only place that prints.

Messages follow the user's locale where they have a French version (``LC_ALL``, else
``LC_MESSAGES``, else ``LANG`` starting with ``fr``): the summary lines of ``brief`` and
``batch``, the progress of a brief, the list of notebooks, and the errors on a brief's
parameters and output name.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import ResearchKitError, ResearchKitWarning


def _lang() -> str:
    """``fr`` when the user's locale for messages is French, else ``en`` (POSIX order: LC_ALL, LC_MESSAGES, LANG)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"




def _say(key: str, **values: Any) -> str:
    """The command's line ``key`` (``cli.<key>`` of :data:`research_kit.i18n.MESSAGES`) in the user's language."""
    from .i18n import t

    return t(f"cli.{key}", _lang(), **values)


def _french(error: Exception) -> str | None:
    """The French message of the errors on a brief's parameters and output name, else ``None``."""
    from .briefs import OutputTakenError, ParameterValueError

    def js(value: Any) -> str:
        import json

        return "(aucun)" if value is None else json.dumps(value, ensure_ascii=False, default=str)

    if isinstance(error, OutputTakenError):
        if error.notebook is None and not error.differences:
            said = (f"{error.folder} contient déjà des fichiers, et manifest.json ne dit pas quelle note les a "
                    "produits.")
        else:
            parts = []
            if error.other_notebook:
                made = Path(error.notebook).name if error.notebook else "un autre carnet"
                parts.append(f"elle a été produite par {made}")
            parts += [f"elle a {k} {js(a)}, cette exécution {js(b)}" for k, a, b in error.differences]
            said = f"{error.folder} contient une autre note : " + " ; ".join(parts) + "."
        return (f"[RK-B40] {said} Rien n'a été exécuté ni écrit. Donnez-lui un autre --name (sans --name, le nom "
                "porte les paramètres) ou un autre --out, ou ajoutez --force pour la remplacer.")
    if isinstance(error, ParameterValueError):
        reasons = {
            ("RK-B41", "doc_id"): "le corpus n'a pas ce document",
            ("RK-B43", "lang"): "il doit valoir l'une de ces langues : fr, en",
            ("RK-B43", "themes_from"): "il doit valoir auto, coders ou rules",
            ("RK-B43", "unit"): "il doit valoir l'une de ces unités : " + ", ".join(error.known),
            ("RK-B44", "variable"): "les documents n'ont pas cette variable",
            ("RK-B44", "value"): "aucun document n'a cette valeur",
            ("RK-B45", "codebook"): "le dossier du corpus ne contient pas ce fichier",
            ("RK-B42", "code"): ("la grille de codage n'a pas ce code" if error.known
                                 else "le corpus n'a pas de grille de codage, et un thème est un code de la grille"),
        }
        reason = reasons.get((error.code, error.parameter))
        if reason is None:
            return None
        default = " (valeur par défaut du carnet)" if error.from_default else ""
        close = f" Vouliez-vous dire « {error.suggestion} » ?" if error.suggestion else ""
        known = ""
        if error.known and error.code != "RK-B43":
            known = " Valeurs connues : " + ", ".join(error.known[:12]) + (
                f", … ({len(error.known)} en tout)" if len(error.known) > 12 else "") + "."
        todo = {"RK-B45": "Donnez le chemin de la grille par rapport au dossier du corpus avec -p codebook FICHIER, "
                          "ou omettez-le pour prendre celle que nomme corpus.yml",
                "RK-B42": ("Donnez un code de la grille avec -p code CODE" if error.known else
                           "Nommez-en une sous `codebook:` dans corpus.yml, placez un codebook.yml dans le dossier, "
                           "ou donnez -p codebook FICHIER")}.get(error.code, f"Donnez-en un avec -p {error.parameter} "
                                                                         "VALEUR")
        return (f"[{error.code}] {error.notebook} : le paramètre {error.parameter} vaut {js(error.value)}{default} ; "
                f"{reason}.{close}{known} {todo} ; aucun noyau n'a été démarré.")
    return None


def _fail(error: Exception) -> None:
    text = (_french(error) if _lang() == "fr" else None) or str(error)
    # a file name that is not valid UTF-8 (surrogate escapes) must not crash the message itself
    click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)
    sys.exit(2)


def _without_iri_grammar() -> None:
    """Keep jsonschema from compiling its IRI grammar in this command's process (a second of every brief).

    papermill imports nbformat, which imports jsonschema; when the optional package
    ``rfc3987_syntax`` is installed (Jupyter's ``jsonschema[format-nongpl]`` brings it),
    jsonschema builds its Lark parser at import, for an "iri" format nbformat's schemas
    never use. Marked missing, it is skipped as jsonschema skips any absent format
    checker. Only the command's own process is concerned, never a user's session.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="research-kit")
def main() -> None:
    """Research Kit: transcripts, coding, agreement and research briefs.

    Every command reads its inputs and never modifies them; outputs are written
    atomically. Run `research-kit COMMAND --help` for each command's options.

    \b
    Examples:
      research-kit summary corpora/demo --errors collect
      research-kit pseudonymise my-corpus --key ~/private/key.json --to my-corpus-pseudo
      research-kit notebooks
      research-kit brief notebooks/session_brief.ipynb --corpus my-corpus-pseudo -p doc_id atelier-3
      research-kit batch notebooks/demo-plan.yml --jobs 2
    """


@main.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder to write summary.md and documents.csv into.")
@click.option("--errors", type=click.Choice(["raise", "collect"]), default="raise", show_default=True,
              help="Stop at the first unreadable file, or read what can be read and list the problems.")
def summary(corpus: Path, out: Path | None, errors: str) -> None:
    """Print a summary of CORPUS: documents, distinct speakers, roles, turns, words, non-speech events and
    recorded time, per language (and per format when the folder mixes several), and the layout each text
    transcript was read with."""
    from .project import read_corpus
    from .summary import summary as summarise, write_summary

    try:
        c = read_corpus(corpus, errors=errors)
    except ResearchKitError as e:
        _fail(e)
    table = summarise(c)
    click.echo(f"{c.title} ({corpus})")
    click.echo(table.to_string(index=False))
    if c.documents["format"].nunique() > 1:
        click.echo("")
        click.echo(summarise(c, by="format").to_string(index=False))
    layouts = c.documents.dropna(subset=["layout"])
    if len(layouts):
        click.echo("\nlayouts: " + ", ".join(f"{row.path}: {row.layout}" for row in layouts.head(20).itertuples())
                   + (f" (and {len(layouts) - 20} more)" if len(layouts) > 20 else ""))
    if len(c.problems):
        click.echo(f"\n{len(c.problems)} problem(s):", err=True)
        for row in c.problems.itertuples():
            where = row.path + (f", line {row.line}" if not _isna(row.line) else "")
            click.echo(f"  [{row.code}] {where}: {row.message}", err=True)
    if out is not None:
        for p in write_summary(c, out):
            click.echo(f"wrote {p}")
    if len(c.problems):
        sys.exit(1)


def _parse_params(pairs: tuple[tuple[str, str], ...], files: tuple[Path, ...]) -> dict:
    """``-p name value`` pairs and ``-f params.yaml`` files, values read as YAML scalars
    except that strings of digits with leading zeros stay strings (``-p session 03``)."""
    import yaml

    from ._io import read_text
    from ._yaml import load_yaml_with_lines
    from .errors import InputFileError

    params: dict = {}
    for f in files:
        try:
            data, _ = load_yaml_with_lines(read_text(f)[0], path=str(f), code="RK-B31")
        except ResearchKitError as e:
            _fail(e)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            _fail(InputFileError("RK-B31", "must hold `name: value` lines, one per parameter.", path=f, line=1))
        params.update(data)
    for name, raw in pairs:
        try:
            params[name] = raw if (raw[:1] == "0" and raw[1:2].isdigit()) or not raw else yaml.safe_load(raw)
        except yaml.YAMLError:
            params[name] = raw  # not a YAML scalar (an unclosed quote…): the text as typed
    return params


def _report(results, out: Path | None = None) -> int:
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        if r.status == "failed":
            where = _say("at_cell", cell=r.cell) if r.cell is not None else ""
            click.echo(f"{_say('failed'):7} {r.name}{where}{_say('sep')}{r.error}", err=True)
        else:
            first = next(iter(r.outputs.values()), "")
            click.echo(f"{_say(r.status):7} {r.name}  {Path(first).parent if first else ''}")
    done = sum(r.status == "done" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    click.echo(_say("totals", done=done, skipped=skipped, failed=len(failed), s_done="s" if done > 1 else "",
                    s_skipped="s" if skipped > 1 else ""))
    if out is not None and (out / "index.html").exists() and len(results) > 1:
        click.echo(_say("index", path=out / "index.html"))
    return 1 if failed else 0


class _Status:
    """A brief's progress on stderr: one line rewritten in place on a terminal, else a line per step."""

    def __init__(self, live: bool) -> None:
        import time

        self.live = live
        self.started = time.monotonic()
        self.shown = False
        self.last = ""

    def __call__(self, event) -> None:
        import shutil
        import time

        if event.stage == "kernel":
            what = _say("stage.kernel") if event.step <= 1 else _say("stage.kernel_again", step=event.step,
                                                                     total=event.total)
        else:
            what = _say(f"stage.{event.stage}", step=event.step, total=event.total, detail=event.detail)
        if what == self.last:
            return
        self.last = what
        text = f"{event.name} · {time.monotonic() - self.started:.0f} s · {what}"
        if self.live:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            click.echo("\r\033[K" + text[:width], nl=False, err=True)
        else:
            click.echo(text, err=True)
        self.shown = True

    def close(self) -> None:
        if self.live and self.shown:
            click.echo("\r\033[K", nl=False, err=True)


_PROGRESS_HELP = "Show progress on stderr  [default: when stderr is a terminal]."


@main.command(epilog="""\b
Examples:
  research-kit brief notebooks/session_brief.ipynb --corpus reports/demo/corpus \\
      -p doc_id mtl-cop-03 -p lang en
    → reports/session-mtl-cop-03-en/ (html, docx, pdf, md)
  research-kit brief notebooks/process_brief.ipynb --corpus reports/demo/corpus \\
      -p value "Consultation Quartier du Canal" --format html,pdf,pptx,cards --out reports/mine
  research-kit brief notebooks/thematic_brief.ipynb --corpus reports/demo/corpus -f params.yml
  research-kit notebooks    (the notebooks and their parameters)""")
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="Corpus folder (pseudonymised, unless --allow-identities).")
@click.option("-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A notebook parameter; repeat for several. Values are read as YAML (03 stays a string).")
@click.option("-f", "--parameters-file", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="YAML file of parameters.")
@click.option("--format", "formats", default="html,docx,pdf,md", show_default=True,
              help="Comma-separated: html, docx, pdf, md, pptx (slides), cards (quote cards).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports"), show_default=True,
              help="Folder of outputs: the brief goes into OUT/NAME/.")
@click.option("--name", default=None,
              help="Output name (default: the kind and the parameters, such as session-mtl-cop-03-en).")
@click.option("--force", is_flag=True,
              help="Run even if nothing changed since the last run, and replace another brief's output of this name.")
@click.option("--allow-identities", is_flag=True, help="Publish a corpus that still names people (not recommended).")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds the brief may run before it is stopped with its kernel (default: 1800).")
@click.option("--progress/--no-progress", default=None, help=_PROGRESS_HELP)
def brief(notebook: Path, corpus: Path, parameters, files, formats: str, out: Path, name: str | None, force: bool,
          allow_identities: bool, timeout: float | None, progress: bool | None) -> None:
    """Run one brief NOTEBOOK on a corpus and render it.

    Parameter names and values are checked before the notebook runs: an unknown
    document, code or language is refused at once, with the closest known value. The
    output is OUT/NAME/; a NAME that holds another brief (other notebook or parameters)
    is not replaced without --force.
    """
    from .briefs import DEFAULT_TIMEOUT, run_brief

    _without_iri_grammar()
    live = sys.stderr.isatty()
    status = _Status(live) if (progress if progress is not None else live) else None
    try:
        result = run_brief(notebook, corpus=corpus, parameters=_parse_params(parameters, files), out=out, name=name,
                           formats=[f.strip() for f in formats.split(",") if f.strip()], force=force,
                           allow_identities=allow_identities, timeout=timeout or DEFAULT_TIMEOUT, on_progress=status)
    except ResearchKitError as e:
        if status is not None:
            status.close()
        _fail(e)
    if status is not None:
        status.close()
    sys.exit(_report([result]))


@main.command(epilog="""\b
Examples:
  research-kit batch notebooks/demo-plan.yml --jobs 2
  research-kit batch plan.yml --out /tmp/briefs --force --no-progress
  research-kit batch plan.yml --scheduler tcp://10.0.0.5:8786""")
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=int, default=None, help="Briefs in parallel (default: the plan's, else 1).")
@click.option("--force", is_flag=True, help="Re-run briefs whose inputs have not changed.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Override the plan's output folder.")
@click.option("--allow-identities", is_flag=True, help="Publish a corpus that still names people (not recommended).")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds each brief may run before it is stopped with its kernel (default: the plan's, else 1800).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the briefs on a Dask cluster (tcp://HOST:PORT of its scheduler; needs the `cluster` extra). "
                   "Its workers must see the corpus and the output folder at the same paths. See docs/scale.md.")
@click.option("--progress/--no-progress", default=None, help=_PROGRESS_HELP)
def batch(plan: Path, jobs: int | None, force: bool, out: Path | None, allow_identities: bool,
          timeout: float | None, scheduler: str | None, progress: bool | None) -> None:
    """Run every brief of a batch PLAN (YAML); see docs/briefs.md.

    Unchanged briefs are skipped; a failing brief is reported and the others go on;
    the exit status is 1 if any failed. OUT/index.html lists every brief of the folder.
    """
    from .briefs import read_plan, run_batch

    _without_iri_grammar()
    show = progress if progress is not None else sys.stderr.isatty()
    try:
        data = read_plan(plan)
        results = run_batch(data, jobs=jobs, force=force, out=out, allow_identities=allow_identities, progress=show,
                            timeout=timeout, client=scheduler)
    except ResearchKitError as e:
        _fail(e)
    target = out if out is not None else (plan.parent / data.get("out", "reports")).resolve()
    sys.exit(_report(results, target))


@main.command(epilog="""\b
Examples:
  research-kit notebooks
  research-kit notebooks notebooks/session_brief.ipynb""")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("notebooks"), required=False)
def notebooks(folder: Path) -> None:
    """List the notebooks of FOLDER (default: ./notebooks) and their parameters.

    Read from each notebook's cell tagged `parameters`, as papermill reads it: name,
    type, default and the comment that explains it.
    """
    from .briefs import notebook_parameters

    _without_iri_grammar()
    try:
        table = notebook_parameters(folder)
    except ResearchKitError as e:
        _fail(e)
    first = True
    for name, rows in table.groupby("notebook", sort=False):
        if not first:
            click.echo("")
        first = False
        title = rows["title"].iloc[0]
        click.echo(f"{name}" + (f"  {title}" if title else ""))
        given = rows[rows["parameter"] != ""]
        if given.empty:
            click.echo("  " + _say("nb.none"))
            continue
        width = max(len(p) for p in given["parameter"])
        types = max(len(t) for t in given["type"])
        for row in given.itertuples(index=False):
            default = row.default if len(row.default) <= 40 else row.default[:39] + "…"
            line = f"  {row.parameter:<{width}}  {row.type:<{types}}  {default}"
            click.echo(line + (f"  # {row.help}" if row.help else ""))
    sessions = table[table["kind"] == "session"]
    first_brief = (sessions if len(sessions) else table)["notebook"].iloc[0]
    click.echo("")
    click.echo(_say("nb.run", path=folder / first_brief if folder.is_dir() else folder))


def _key_passphrase(key: Path, *, new: bool) -> str:
    """The key's passphrase: from the environment, else asked on the terminal (twice for a new one); never an option."""
    import os

    from .anonymise.key import PASSPHRASE_VARIABLE
    from .errors import PseudonymisationError

    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        return given
    try:
        if new:
            return click.prompt(f"New passphrase for the key {key}", hide_input=True, err=True,
                                confirmation_prompt="Repeat the passphrase")
        return click.prompt(f"Passphrase of the key {key}", hide_input=True, err=True)
    except click.Abort:
        _fail(PseudonymisationError(
            "RK-D40", "the key needs a passphrase and none was given.", path=key,
            hint=f"Set {PASSPHRASE_VARIABLE} in the environment (never on the command line), or run the command "
                 "in a terminal to be asked; nothing was written."))


def _print_key_warnings(caught) -> None:
    # one line per warning: a key read several times (codings carried over) warns once
    for message in dict.fromkeys(str(w.message) for w in caught
                                 if isinstance(w.message, ResearchKitWarning) and w.message.code.startswith("RK-D")):
        click.echo(f"warning: {message}", err=True)


@main.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--key", "key", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key file (JSON, plain or encrypted): created when missing, reused when present. Keep it "
                   "outside reports/, the corpus and the output folder.")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="New folder for the pseudonymised corpus (must not exist or be empty).")
@click.option("--names", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="More names and places to hide: text (one per line) or CSV with name[,category].")
@click.option("--keep", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Words never to replace (one per line, or CSV with a name column).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write what was replaced (CSV, holds the originals); default: beside the key.")
@click.option("--overwrite", is_flag=True,
              help="Replace an earlier pseudonymised copy in --to (never any other folder).")
@click.option("--n-process", type=int, default=1, show_default=True,
              help="Worker processes for named-entity recognition (annotation is cached).")
@click.option("--encrypt-key", is_flag=True,
              help="Write the key encrypted with a passphrase (a new key, or a plain one, which is encrypted). The "
                   "passphrase is read from $RESEARCH_KIT_KEY_PASSPHRASE, else asked twice; an encrypted key's "
                   "passphrase is asked for without this option.")
@click.option("--policy", type=click.Choice(["persons", "local", "strict"]), default=None,
              help="What is hidden: persons (people only), local (also streets, local facilities, organisations, "
                   "small places, dates of birth), strict (also ages, occupations tied to a place, public places). "
                   "[default: the manifest's `pseudonymisation:`, else local when it says `identities: true`, "
                   "else persons]")
@click.option("--progress/--no-progress", default=None,
              help="Show progress on stderr  [default: when stderr is a terminal].")
def pseudonymise(corpus: Path, key: Path, to: Path, names: Path | None, keep: Path | None, report: Path | None,
                 overwrite: bool, n_process: int, encrypt_key: bool, policy: str | None,
                 progress: bool | None) -> None:
    """Write a pseudonymised copy of CORPUS into --to; CORPUS itself is only read.

    Speakers get role-aware pseudonyms; people named in turns, e-mails, phones, addresses
    and postal codes are replaced; codings and the codebook are carried over. The key
    and the report hold the originals: keep them private (--encrypt-key protects the key).
    """
    import warnings

    from .anonymise.folder import write_pseudonymised
    from .anonymise.key import is_encrypted

    encrypted = is_encrypted(key)
    passphrase = _key_passphrase(key, new=not encrypted) if encrypted or encrypt_key else None
    show = progress if progress is not None else sys.stderr.isatty()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            counts = write_pseudonymised(corpus, to, key=key, names=names or (), keep=keep or (), report=report,
                                         n_process=n_process, overwrite=overwrite, passphrase=passphrase,
                                         progress=show, policy=policy)
        except ResearchKitError as e:
            _fail(e)
    _print_key_warnings(caught)
    click.echo(f"wrote {to} (pseudonymised copy of {corpus}, policy: {_copy_policy(to)})")
    click.echo(counts.to_string(index=False))
    shown = report or key.with_name(key.name + ".replacements.csv")
    click.echo(f"replacements to review (private): {shown}")
    if passphrase is None:
        click.echo(f"key (private, keep a backup): {key}")
    else:
        click.echo(f"key (encrypted, keep a backup, and its passphrase apart): {key}")
        click.echo(f"the replacements file is not encrypted and holds the real names: review it, then delete it "
                   f"or keep it as private as the passphrase: {shown}")


def _copy_policy(folder: Path) -> str:
    """The policy a pseudonymised copy says it was made with (its manifest)."""
    from .project import Project

    try:
        return str(Project.open(folder).manifest.pseudonymisation or "?")
    except ResearchKitError:
        return "?"


@main.group("key")
def key_group() -> None:
    """The pseudonymisation key: protect it at rest."""


@key_group.command("encrypt")
@click.argument("key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def key_encrypt(key: Path) -> None:
    """Encrypt the plain key file KEY in place with a passphrase.

    The passphrase is read from $RESEARCH_KIT_KEY_PASSPHRASE, else asked twice on the
    terminal; it is never an option. Give it, the same way, to every later command that
    uses the key. Without it the key cannot be opened: there is no recovery.
    """
    import warnings

    from .anonymise.key import encrypt_key, is_encrypted

    # an encrypted key is refused (RK-D45) before any passphrase is asked for
    passphrase = None if is_encrypted(key) else _key_passphrase(key, new=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            encrypt_key(key, passphrase=passphrase)
        except ResearchKitError as e:
            _fail(e)
    _print_key_warnings(caught)
    click.echo(f"encrypted {key} (AES-256-GCM, passphrase through scrypt); keep the passphrase apart from the key.")
    click.echo("Copies of the plain key made before (backups, synced folders) still hold the names: replace them.")


_QDA_FAILURES = {"RK-Q09", "RK-Q10", "RK-Q11", "RK-Q12", "RK-Q13", "RK-Q14", "RK-Q18", "RK-Q19", "RK-Q20", "RK-Q27"}


@main.group()
def qdpx() -> None:
    """Exchange projects with QDA programs (NVivo, ATLAS.ti, MAXQDA, QualCoder) as REFI-QDA files."""


@qdpx.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Corpus folder to create (corpus.yml, transcripts/, codebook.yml, codings/, notes.csv, dropped.csv).")
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The team's codebook: project codes that match it keep its ids.")
@click.option("--language", default=None, help="Language of the code names (default: the documents').")
@click.option("--overwrite", is_flag=True, help="Write into a folder that already holds files.")
def qdpx_import(file: Path, folder: Path, codebook: Path | None, language: str | None, overwrite: bool) -> None:
    """Turn a REFI-QDA project FILE (.qdpx) into a corpus folder with its codebook and codings."""
    from .codebook import read_codebook
    from .qda import read_qdpx
    from .qda.folder import write_qda_folder

    try:
        project = read_qdpx(file, language=language, codebook=read_codebook(codebook) if codebook else None)
        written = write_qda_folder(project, folder, overwrite=overwrite)
    except ResearchKitError as e:
        _fail(e)
    click.echo(f"{project.name or file.stem}: {len(project.corpus)} documents, {len(project.codebook)} codes, "
               f"{len(project.codings)} codings, {len(project.notes)} notes")
    for path in written:
        click.echo(f"wrote {path}")
    if len(project.dropped):
        click.echo(f"\n{len(project.dropped)} element(s) not carried over (see dropped.csv):", err=True)
        for row in project.dropped.itertuples(index=False):
            where = f", line {row.line}" if not _isna(row.line) else ""
            shown = row.name if not _isna(row.name) else row.id
            click.echo(f"  [{row.code}] {row.element} {shown}{where}: {row.reason}", err=True)
        if set(project.dropped["code"]) & _QDA_FAILURES:
            sys.exit(1)


@qdpx.command("export")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .qdpx file to write.")
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Codebook file (default: the one corpus.yml names, else codebook.yml in CORPUS).")
@click.option("--codings", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Codings CSV file or folder; repeat for several (default: corpus.yml's, else codings/*.csv).")
@click.option("--notes", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="notes.csv to write back (default: CORPUS/notes.csv if present).")
@click.option("--convention", type=click.Choice(["standard", "nvivo", "maxqda"]), default="standard",
              show_default=True, help="Text files and positions: the standard's, or NVivo's/MAXQDA's (BOM, CRLF, UTF-16).")
@click.option("--name", default=None, help="Project name (default: the corpus title).")
@click.option("--language", default=None, help="Language of the code names (default: the codebook's first).")
def qdpx_export(corpus: Path, out: Path, codebook: Path | None, codings: tuple[Path, ...], notes: Path | None,
                convention: str, name: str | None, language: str | None) -> None:
    """Write CORPUS with its codebook and codings as a REFI-QDA project (.qdpx)."""
    from .qda.folder import export_folder_to_qdpx

    try:
        path = export_folder_to_qdpx(corpus, out, codebook=codebook, codings=codings, notes=notes,
                                     convention=convention, name=name, language=language)
    except ResearchKitError as e:
        _fail(e)
    click.echo(f"wrote {path}")


def _isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


if __name__ == "__main__":  # pragma: no cover
    main()
