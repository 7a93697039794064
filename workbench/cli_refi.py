"""REFI-QDA on the command line: ``workbench import FILE.qdpx|FILE.qdc`` and
``workbench export qdpx|qdc OUT``.

``workbench.cli`` calls ``import_refi_file`` from its ``import`` command for ``.qdpx``
and ``.qdc`` paths, and ``export_refi_cmd`` for the two REFI export kinds. Errors are
``WorkbenchError``s: one line on stderr and exit code 1, the project unchanged.
"""

from __future__ import annotations

from pathlib import Path

import typer

from workbench.core.errors import WorkbenchError

REFI_SUFFIXES = (".qdpx", ".qdc")
REFI_KINDS = ("qdpx", "qdc")


def is_refi_path(path: Path) -> bool:
    return Path(path).suffix.lower() in REFI_SUFFIXES


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    """Open the project chosen by the root command (``workbench.cli`` sits above us)."""
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        settings = Settings()
    return open_workbench(settings)


def import_refi_file(ctx: typer.Context, path: Path) -> None:
    """Import one REFI-QDA project or codebook and print what was imported and skipped."""
    from workbench.workflows.refi import import_refi

    path = Path(path)
    if not is_refi_path(path):
        raise WorkbenchError(f"{path.name}: not a REFI-QDA file (.qdpx or .qdc)")
    wb = _open(ctx)
    try:
        report = import_refi(wb.store, path)
    finally:
        wb.close()
    for line in report.lines():
        typer.echo(line)


def export_refi_cmd(ctx: typer.Context, kind: str, output: Path) -> None:
    """Write the project as a ``.qdpx`` (kind ``qdpx``) or its codebook as a ``.qdc``."""
    from workbench.workflows.refi import export_refi

    kind = kind.strip().lower()
    if kind not in REFI_KINDS:
        raise WorkbenchError(f"unknown REFI-QDA export {kind!r} (choose qdpx or qdc)")
    wb = _open(ctx)
    try:
        report = export_refi(wb.store, Path(output), kind, name=wb.project_label)
    finally:
        wb.close()
    typer.echo(report.summary())
