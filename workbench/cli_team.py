"""Team commands: ``workbench merge``, ``workbench deidentify`` and ``workbench revise``.

Registered in ``workbench.cli`` (``_register_late_commands``). Each command takes an
automatic owner-only backup of a project file (SQLite backup API) right before it
writes, and prints where it is. Errors are ``WorkbenchError``s: one line on stderr,
exit code 1, the project unchanged.

    workbench merge OTHER_PROJECT [--dry-run]
    workbench deidentify [--names FILE] [--preview] [--document NAME ...] [--model PIPELINE]
                         [--no-patterns] [--no-restrict-exports] [--coder NAME]
    workbench revise DOCUMENT FILE [--preview] [--threshold 90] [--coder NAME]
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    """Open the project chosen by the root command (``workbench.cli`` sits above us)."""
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        settings = Settings()
    return open_workbench(settings)


def _backup(wb):  # noqa: ANN001, ANN202 - Workbench -> callable(reason) -> Path | None
    from workbench.bootstrap import backup_sqlite

    return lambda reason: backup_sqlite(wb.engine, reason)


def merge_cmd(
    ctx: typer.Context,
    other: Annotated[
        str,
        typer.Argument(
            metavar="OTHER_PROJECT",
            help="Another copy of this project: a project file or a postgresql+psycopg:// URL.",
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be merged; write nothing.")
    ] = False,
) -> None:
    """Bring in another copy's coders, codes, documents, codings and memos (no duplicates)."""
    from workbench.workflows.merge import merge_project

    wb = _open(ctx)
    try:
        report = merge_project(wb.store, other, dry_run=dry_run, backup=_backup(wb))
    finally:
        wb.close()
    for line in report.lines():
        typer.echo(line)
    if report.applied and report.backup is None:
        typer.echo("note: no automatic backup (server project): use pg_dump for one")


def deidentify_cmd(
    ctx: typer.Context,
    names: Annotated[
        Path | None,
        typer.Option(
            "--names",
            metavar="FILE",
            help="Names to replace, one per line: 'Kari => P03', 'Ola', 'city: Tromsø'.",
            show_default=False,
        ),
    ] = None,
    preview: Annotated[
        bool, typer.Option("--preview", help="Show what would change; write nothing.")
    ] = False,
    document: Annotated[
        list[str] | None,
        typer.Option(
            "--document", metavar="NAME", help="Only this document (repeatable; default: all)."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="PIPELINE",
            help="An installed trained spaCy pipeline for names and places (e.g. "
            "nb_core_news_md); default: list and pattern rules only.",
        ),
    ] = None,
    no_patterns: Annotated[
        bool,
        typer.Option(
            "--no-patterns", help="Skip e-mail, phone, national id, date and URL patterns."
        ),
    ] = False,
    restrict_exports: Annotated[
        bool,
        typer.Option(
            "--restrict-exports/--no-restrict-exports",
            help="Afterwards, allow exports of de-identified documents only.",
        ),
    ] = True,
    coder: Annotated[str | None, typer.Option(help="Record the change as this coder.")] = None,
) -> None:
    """Replace names, places and other identifiers with placeholders such as [P03] or [CITY]."""
    from workbench.io.deid_rules import load_names_file
    from workbench.workflows.deidentify import deidentify

    rules = load_names_file(names) if names is not None else None
    wb = _open(ctx)
    try:
        report = deidentify(
            wb.store,
            rules,
            documents=document or None,
            patterns=not no_patterns,
            model=model or wb.settings.spacy_model,
            preview=preview,
            coder=coder,
            restrict_exports=restrict_exports,
            backup=_backup(wb),
        )
    finally:
        wb.close()
    for line in report.lines():
        typer.echo(line)


def revise_cmd(
    ctx: typer.Context,
    document: Annotated[
        str, typer.Argument(metavar="DOCUMENT", help="The document to revise (name or id).")
    ],
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The corrected transcript (.txt .md .docx .vtt .srt)."),
    ],
    preview: Annotated[
        bool, typer.Option("--preview", help="Show how codings would move; write nothing.")
    ] = False,
    threshold: Annotated[
        float,
        typer.Option(
            min=50,
            max=100,
            metavar="PERCENT",
            help="Similarity needed to re-anchor an edited coding.",
        ),
    ] = 90.0,
    coder: Annotated[str | None, typer.Option(help="Record the change as this coder.")] = None,
) -> None:
    """Replace a transcript's text with a corrected version; codings are re-anchored."""
    from workbench.workflows.revisions import revise_document

    wb = _open(ctx)
    try:
        report = revise_document(
            wb.store,
            document,
            Path(file),
            coder=coder,
            threshold=threshold,
            dry_run=preview,
            backup=_backup(wb),
        )
    finally:
        wb.close()
    for line in report.lines():
        typer.echo(line)
