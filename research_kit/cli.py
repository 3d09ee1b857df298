"""The ``research-kit`` command: thin wrappers over public functions; the only place that prints."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ResearchKitError


def _fail(error: Exception) -> None:
    click.echo(str(error), err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="research-kit")
def main() -> None:
    """Research Kit: transcripts, coding, agreement and research briefs.

    Every command reads its inputs and never modifies them; outputs are written
    atomically. Run `research-kit COMMAND --help` for each command's options.
    """


@main.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder to write summary.md and documents.csv into.")
@click.option("--errors", type=click.Choice(["raise", "collect"]), default="raise", show_default=True,
              help="Stop at the first unreadable file, or read what can be read and list the problems.")
def summary(corpus: Path, out: Path | None, errors: str) -> None:
    """Print a summary of CORPUS (documents, speakers, roles, turns, words, languages)."""
    from .corpus import read_corpus
    from .summary import summary as summarise, write_summary

    try:
        c = read_corpus(corpus, errors=errors)
    except ResearchKitError as e:
        _fail(e)
    table = summarise(c)
    click.echo(f"{c.title} ({corpus})")
    click.echo(table.to_string(index=False))
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


def _isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


if __name__ == "__main__":  # pragma: no cover
    main()
