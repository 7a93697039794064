"""`workbench export KIND -o OUT`: theme summaries, quotes, matrix, co-occurrence, codebook.

Registered in ``workbench.cli`` as ``app.command("export")(export_cmd)``. The kinds and
their formats live in ``workbench.workflows.exports.EXPORTS``; see docs/exports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.core.errors import WorkbenchError

KINDS_HELP = (
    "summary, quotes, matrix, cooccurrence, codebook (docs/exports.md), "
    "or qdpx / qdc (REFI-QDA, docs/refi-qda.md)."
)


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    """Open the project chosen by the root command (as workbench.cli does; that module sits
    above this one in the import layers, so its helper is not imported)."""
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # e.g. the command mounted on a bare typer app
        settings = Settings()
    return open_workbench(settings)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def export_cmd(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help=KINDS_HELP, show_default=False)],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FILE", help="File to write (owner-only).", show_default=False
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, html, docx, csv or xlsx (default: from the suffix).",
        ),
    ] = None,
    coder: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="One coder, 'consensus', or 'all' (union of every coder's codings).",
        ),
    ] = "all",
    codes: Annotated[
        str | None,
        typer.Option(
            metavar="KEYS", help="Code keys, comma separated; each includes its sub-codes."
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ATTR=VALUE",
            help="Cases by attribute, e.g. gender=woman or years_in_na>=5 (repeatable; "
            "same attribute: any, different attributes: all).",
        ),
    ] = None,
    documents: Annotated[
        str | None, typer.Option(metavar="NAMES", help="Document names, comma separated.")
    ] = None,
    quotes: Annotated[
        int, typer.Option(min=0, max=50, metavar="N", help="Quotes per code in a summary.")
    ] = 3,
    by: Annotated[
        str | None,
        typer.Option(
            metavar="ATTRS",
            help="Attributes for a summary's spread, comma separated (default: all).",
        ),
    ] = None,
) -> None:
    """Export a theme summary, quotes, code x case matrix, co-occurrence or the codebook."""
    from workbench.core.summary import Filters
    from workbench.workflows.exports import ExportOptions, export_kind, resolve_format, run_export
    from workbench.workflows.themes import parse_condition

    try:
        resolve_format(export_kind(kind), output, format)  # fail before opening the project
        filters = Filters(
            coder="all" if coder.strip().lower() in ("", "all") else coder.strip(),
            codes=_split(codes),
            where=tuple(parse_condition(w) for w in where or ()),
            documents=_split(documents),
        )
        wb = _open(ctx)
        try:
            result = run_export(
                wb.store,
                kind,
                output,
                fmt=format,
                filters=filters,
                options=ExportOptions(
                    quotes=quotes, attributes=_split(by), project=wb.project_label
                ),
            )
        finally:
            wb.close()
    except WorkbenchError as err:
        _err(f"workbench: {err}")
        raise typer.Exit(1) from err
    if result.empty:
        _err(f"workbench: {result.message}")
    else:
        typer.echo(result.message)
