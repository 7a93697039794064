"""`workbench irr FILE.csv` and `workbench agreement --coders A,B`: inter-coder agreement.

Registered in ``workbench.cli`` (``_register_late_commands``). Nothing heavy is imported
at module level: ``irr`` loads numpy and ``workbench.agreement`` only, never Textual or
spaCy; ``agreement`` opens the project.

* ``irr`` reads reliability data from elsewhere: a CSV/TSV/.xlsx table, wide (a header
  row of coder names, then one row per unit and one column per coder), long (unit, coder,
  value columns) or transposed (one row per coder), read by
  ``workbench.agreement.loader``. JSON (the default) goes to stdout unless ``-o`` is
  given; how the file was read goes to stderr as a ``note: input:`` line.
* ``agreement`` compares coders on the project's documents (see
  ``workbench.workflows.agreement``); md and json go to stdout without ``-o``, html and
  csv need a file.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from workbench.core.errors import WorkbenchError


class LevelChoice(StrEnum):
    nominal = "nominal"
    ordinal = "ordinal"
    interval = "interval"
    ratio = "ratio"


class WeightsChoice(StrEnum):
    linear = "linear"
    quadratic = "quadratic"


class LayoutChoice(StrEnum):
    auto = "auto"
    wide = "wide"
    long = "long"
    transposed = "transposed"


class IrrFormat(StrEnum):
    json = "json"
    md = "md"


class UnitChoice(StrEnum):
    sentence = "sentence"
    turn = "turn"
    char = "char"


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _write_text(output: Path, text: str) -> None:
    from workbench.io.export.write import write_atomic

    data = text.encode("utf-8")

    def write(out: BinaryIO) -> None:
        out.write(data)

    write_atomic(output, write)


def irr_cmd(
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="CSV, TSV or .xlsx table: a header row of coder names, then one row per "
            "unit (or see --layout); empty cell, NA, '.', '*'... = missing.",
            show_default=False,
        ),
    ],
    level: Annotated[
        LevelChoice,
        typer.Option(help="Level of measurement for Krippendorff's alpha.", case_sensitive=False),
    ] = LevelChoice.nominal,
    weights: Annotated[
        WeightsChoice | None,
        typer.Option(help="Weighted Cohen's kappa (ordered categories).", show_default=False),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Add a 95% bootstrap interval for alpha from N resamples.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed for --bootstrap.")] = 0,
    layout: Annotated[
        LayoutChoice,
        typer.Option(
            help="wide: one column per coder; long: unit, coder and value columns; "
            "transposed: one row per coder (Krippendorff's layout); auto: from the header.",
            case_sensitive=False,
        ),
    ] = LayoutChoice.auto,
    header: Annotated[
        bool,
        typer.Option(
            "--header/--no-header",
            help="--no-header: the first row is data (coders become 'coder 1', 'coder 2'...).",
        ),
    ] = True,
    sheet: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Worksheet of an .xlsx file (default: the first)."),
    ] = None,
    missing: Annotated[
        str | None,
        typer.Option(
            metavar="TOKENS",
            help="More cell values meaning 'not coded', comma separated (e.g. 99,-9).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        IrrFormat, typer.Option("--format", "-f", help="json or md.", case_sensitive=False)
    ] = IrrFormat.json,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write here (default: stdout).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Reliability statistics for a units x coders table (CSV, TSV or .xlsx): percent
    agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha, Brennan-Prediger, Gwet's AC1."""
    from workbench.agreement import irr_report, render_irr_markdown
    from workbench.agreement.loader import load_reliability_table

    try:
        table = load_reliability_table(
            csv_file,
            level.value,
            layout=layout.value,
            header=header,
            sheet=sheet,
            missing=_split(missing),
        )
        data = table.data
        report = irr_report(
            data,
            level.value,
            weights.value if weights else None,
            bootstrap=bootstrap,
            seed=seed,
        )
        if format is IrrFormat.md:
            text = render_irr_markdown(
                report, level.value, weights=weights.value if weights else None
            )
        else:
            # The JSON keys are a contract other tools rely on; the reasons behind
            # null values go to stderr (and into the md report) instead.
            notes = report.get("notes") or {}
            payload = {k: v for k, v in report.items() if k != "notes"}
            text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
            for statistic, reason in notes.items():
                _err(f"note: {statistic}: {reason}")
        _err(f"note: input: {table.description}")
        if output is None:
            typer.echo(text, nl=False)
        else:
            _write_text(output, text)
            _err(f"wrote {format.value} to {output}")
    except WorkbenchError as err:
        _err(f"workbench: {err}")
        raise typer.Exit(1) from err


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    """Open the project chosen by the root command (workbench.cli sits above this module in
    the import layers, so its helper is not imported)."""
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # e.g. the command mounted on a bare typer app
        settings = Settings()
    return open_workbench(settings)


def agreement_cmd(
    ctx: typer.Context,
    coders: Annotated[
        str,
        typer.Option(
            metavar="A,B[,C]", help="Two or more coders, comma separated.", show_default=False
        ),
    ],
    unit: Annotated[
        UnitChoice,
        typer.Option(
            help="sentence, turn (speaker turn) or char (every character, as NVivo; adds "
            "unitizing alpha).",
            case_sensitive=False,
        ),
    ] = UnitChoice.sentence,
    codes: Annotated[
        str | None,
        typer.Option(
            metavar="KEYS",
            help="Codes (keys or names), comma separated; each brings its "
            "sub-codes. Default: every code the coders applied.",
        ),
    ] = None,
    documents: Annotated[
        str | None,
        typer.Option(metavar="NAMES", help="Documents, comma separated (default: all)."),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, html, csv or json (default: from the -o suffix, else md).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="File to write (owner-only); md and json go to stdout without it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Inter-coder agreement on the project per code, pooled and per document, with the
    disagreements listed for a reconciliation meeting."""
    from workbench.io.export.agreement import render_agreement
    from workbench.workflows.agreement import (
        AgreementReport,
        AgreementRequest,
        resolve_format,
        run_agreement,
        write_report,
    )

    try:
        fmt = resolve_format(output, format)
        if output is None and fmt in ("html", "csv"):
            raise WorkbenchError(f"--format {fmt} writes files; add -o FILE")
        request = AgreementRequest(
            _split(coders),
            unit.value,
            codes=_split(codes) or None,
            documents=_split(documents) or None,
        )
        wb = _open(ctx)
        try:
            report = None
            show = sys.stderr.isatty()
            for step in run_agreement(wb.store, request, project=wb.project_label):
                if isinstance(step, AgreementReport):
                    report = step
                elif show and step.total:
                    sys.stderr.write(f"\r{step.label[:50]:<50} {step.done}/{step.total}")
                    sys.stderr.flush()
            if show:
                sys.stderr.write("\r" + " " * 64 + "\r")
        finally:
            wb.close()
        assert report is not None
        if output is None:
            typer.echo(render_agreement(report, fmt), nl=False)
            return
        written = write_report(report, output, fmt)
    except WorkbenchError as err:
        _err(f"workbench: {err}")
        raise typer.Exit(1) from err
    pooled = report.pooled
    kappa = "n/a" if pooled.kappa.value is None else f"{pooled.kappa.value:.3f}"
    alpha = "n/a" if pooled.alpha.value is None else f"{pooled.alpha.value:.3f}"
    typer.echo(
        f"wrote agreement ({fmt}, unit {report.unit}) to {', '.join(map(str, written))}: "
        f"{len(report.rows)} codes, {len(report.documents)} documents, "
        f"{len(report.disagreements)} units with a disagreement; "
        f"pooled {report.kappa_name} {kappa}, alpha {alpha}"
    )
