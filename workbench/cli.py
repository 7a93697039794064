"""The `workbench` command line: thin typer commands over the workflows and the store.

Textual is imported only inside `open` and `demo`, so `workbench irr` and
`workbench info` start fast and work without a terminal UI.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer
from typer.core import TyperGroup

from workbench.core.errors import WorkbenchError
from workbench.core.settings import Settings, default_project, is_server_url


class _Group(TyperGroup):
    """Turns user errors from any command into one line on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as err:
            typer.echo(f"workbench: {err}", err=True)
            ctx.exit(1)


app = typer.Typer(
    cls=_Group,
    name="workbench",
    help="A terminal workbench for qualitative thematic analysis (offline).",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
codebook_app = typer.Typer(
    help="Import or export the project's codebook (YAML).", rich_markup_mode=None
)
app.add_typer(codebook_app, name="codebook")


def _settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    from workbench.bootstrap import open_workbench

    return open_workbench(_settings(ctx))


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            "-p",
            help="Project file (SQLite) or postgresql+psycopg:// URL. Env: WORKBENCH_PROJECT.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Open PROJECT (or the default project) in the coding TUI when no command is given."""
    ctx.obj = Settings(project=project or default_project())
    if ctx.invoked_subcommand in NEEDS_EXISTING_PROJECT:
        _require_existing(ctx.obj.project)
    if ctx.invoked_subcommand is None:
        open_cmd(ctx, coder=None)


# Commands that read or change an existing project: a mistyped --project path must not
# silently create an empty project and report on it.
NEEDS_EXISTING_PROJECT = {"info", "agreement", "export", "suggest", "revise", "deidentify", "merge"}


def _require_existing(project: str) -> None:
    if is_server_url(project) or project.startswith("sqlite"):
        return
    path = Path(project).expanduser()
    if not path.exists():
        raise WorkbenchError(
            f"{path}: no such project (create one with `workbench init` or `workbench import`)"
        )


@app.command("init")
def init_cmd(ctx: typer.Context) -> None:
    """Create an empty project (or upgrade an existing one)."""
    wb = _open(ctx)
    typer.echo(f"project ready: {_label(wb.settings.project)}")


def _label(project: str) -> str:
    from workbench.store.engine import redact

    return redact(project) if is_server_url(project) else project


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Transcripts (.txt .md .docx .vtt .srt) or folders.")
    ],
    coder: Annotated[str | None, typer.Option(help="Register this coder in the project.")] = None,
    skip_errors: Annotated[
        bool, typer.Option("--skip-errors", help="Import the good files even if some fail.")
    ] = False,
) -> None:
    """Import transcripts; one bad file leaves the project unchanged unless --skip-errors."""
    from workbench.workflows.importing import import_transcripts

    if paths and all(p.suffix.lower() in (".qdpx", ".qdc") for p in paths):  # REFI-QDA
        from workbench.cli_refi import import_refi_file

        for p in paths:
            import_refi_file(ctx, p)
        return
    wb = _open(ctx)
    imported = duplicates = 0
    failed: list[str] = []
    show_progress = sys.stderr.isatty()
    for progress, outcome in import_transcripts(wb.store, paths, skip_errors=skip_errors):
        if show_progress and progress.total > 1:
            sys.stderr.write(f"\r{progress.label[:60]:<60} {progress.done}/{progress.total}")
            sys.stderr.flush()
        if outcome is None:
            continue
        if show_progress:
            sys.stderr.write("\r" + " " * 72 + "\r")
        if outcome.status == "imported":
            imported += 1
            typer.echo(f"imported {outcome.message}")
        elif outcome.status == "duplicate":
            duplicates += 1
            typer.echo(f"skipped {outcome.message}")
        else:
            failed.append(outcome.message)
    for msg in failed:  # one line per bad file; nothing was imported (see --skip-errors)
        _err(f"workbench: {msg}")
    if failed and not skip_errors:
        raise typer.Exit(1)
    if coder:  # only once the import went through: a failed import writes nothing
        wb.use_coder(coder)
    typer.echo(f"{imported} imported, {duplicates} already in the project, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@app.command("attributes")
def attributes_cmd(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(metavar="CSV", help="First column: case id; others: attributes.")
    ],
) -> None:
    """Import participant attributes; documents are linked to cases by name (e.g. P03)."""
    from workbench.io.attributes import read_attributes_csv

    rows = read_attributes_csv(csv_file)
    wb = _open(ctx)
    n = wb.store.upsert_cases(rows)
    linked = sum(1 for d in wb.store.documents() if d.case_id is not None)
    typer.echo(f"{n} cases updated; {linked} documents linked to a case")


@codebook_app.command("import")
def codebook_import(
    ctx: typer.Context, path: Annotated[Path, typer.Argument(help="Codebook YAML file.")]
) -> None:
    """Add or update codes from a codebook YAML file (codes matched by key)."""
    from workbench.io.codebook_yaml import load_codebook

    spec = load_codebook(path)
    wb = _open(ctx)
    added, updated = wb.store.import_codebook(spec)
    typer.echo(f"{path.name}: {added} codes added, {updated} updated")


@codebook_app.command("export")
def codebook_export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
) -> None:
    """Write the project's codebook as YAML."""
    from workbench.io.codebook_yaml import dump_codebook
    from workbench.workflows.codebook import project_codebook

    wb = _open(ctx)
    text = dump_codebook(project_codebook(wb.store, wb.project_label))
    if output is None:
        typer.echo(text, nl=False)
    else:
        from workbench.io.export.write import write_atomic

        def write(out: BinaryIO) -> None:
            out.write(text.encode("utf-8"))

        write_atomic(output, write)
        typer.echo(f"codebook written to {output}")


@app.command("info")
def info_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable.")] = False,
) -> None:
    """Counts of documents, codes, codings, coders and cases."""
    wb = _open(ctx)
    info = wb.store.info()
    if as_json:
        typer.echo(json.dumps(info.as_json()))
        return
    typer.echo(f"project:   {_label(wb.settings.project)}")
    typer.echo(f"documents: {info.documents}")
    typer.echo(f"codes:     {info.codes}")
    typer.echo(f"codings:   {info.codings}")
    typer.echo(f"coders:    {', '.join(info.coders) or '-'}")
    typer.echo(f"cases:     {info.cases}")


@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Start from an empty project file.")
    ] = False,
    no_tui: Annotated[
        bool, typer.Option("--no-tui", help="Load the study and print a summary only.")
    ] = False,
    coder: Annotated[str | None, typer.Option(help="Code as this coder in the TUI.")] = None,
) -> None:
    """Load the sample NA-disengagement study into the project and open it."""
    settings = _settings(ctx)
    if fresh:
        _remove_project(settings.project)
    from workbench.workflows.demo import DemoReport, load_demo

    wb = _open(ctx)
    report = None
    for step in load_demo(wb.store):
        if isinstance(step, DemoReport):
            report = step
    assert report is not None
    for w in report.warnings:
        _err(f"workbench: warning: {w}")
    info = wb.store.info()
    typer.echo(
        f"sample study ready in {_label(settings.project)}: {info.documents} documents, "
        f"{info.codes} codes, {info.codings} codings by {', '.join(info.coders)}, "
        f"{info.cases} cases"
    )
    wb.close()
    if not no_tui:
        open_cmd(ctx, coder=coder)


def _remove_project(project: str) -> None:
    if is_server_url(project):
        raise WorkbenchError("--fresh works on project files only, not on a server project")
    path = Path(project).expanduser()
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            p.unlink()


@app.command("open")
def open_cmd(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(help="Code as this coder.")] = None,
) -> None:
    """Open the project in the coding TUI (the default command)."""
    settings = _settings(ctx)
    if not sys.stdout.isatty() and not os.environ.get("WORKBENCH_FORCE_TUI"):
        raise WorkbenchError(
            "the TUI needs a terminal; try `workbench info` or run it in a terminal"
        )
    from workbench.tui.app import create_app

    tui = create_app(replace(settings, coder=coder or settings.coder))
    tui.run()


def _register_late_commands() -> None:
    from workbench.cli_agreement import agreement_cmd, irr_cmd
    from workbench.cli_export import export_cmd
    from workbench.cli_suggest import suggest_cmd
    from workbench.cli_team import deidentify_cmd, merge_cmd, revise_cmd

    app.command("export")(export_cmd)
    app.command("suggest")(suggest_cmd)
    app.command("merge")(merge_cmd)
    app.command("deidentify")(deidentify_cmd)
    app.command("revise")(revise_cmd)
    app.command("irr")(irr_cmd)
    app.command("agreement")(agreement_cmd)


_register_late_commands()


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 1."""
    try:
        app()
    except WorkbenchError as err:
        _err(f"workbench: {err}")
        sys.exit(1)
    except KeyboardInterrupt:
        _err("workbench: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
