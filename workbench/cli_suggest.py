"""`workbench suggest`: code suggestions from keywords, a trained model and similar passages.

Registered in cli.py as ``app.command("suggest")(suggest_cmd)``. spaCy is only
loaded inside the command (through workbench.workflows.suggestions).
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Annotated, Any

import typer

from workbench.core.errors import WorkbenchError
from workbench.core.settings import Settings


def _open(ctx: typer.Context):  # noqa: ANN202 - returns Workbench; imported lazily
    from workbench.bootstrap import open_workbench

    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return open_workbench(obj)


def _progress(label: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{label[:60]:<60} {done}/{total}")
        sys.stderr.flush()


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 72 + "\r")
        sys.stderr.flush()


def suggest_cmd(
    ctx: typer.Context,
    coder: Annotated[
        str | None,
        typer.Option(
            help="Suggest for, train on or evaluate this coder (default: everyone's codings)."
        ),
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", "-d", help="Only this document (repeatable; default: all)."),
    ] = None,
    train: Annotated[
        bool, typer.Option("--train", help="Train the model on the codings and decisions.")
    ] = False,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Cross-validate the model against the keyword baseline."),
    ] = False,
    folds: Annotated[int, typer.Option(help="Folds (by document) for --evaluate.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    sources: Annotated[
        str, typer.Option(help="Comma-separated: keyword, model, similar.")
    ] = "keyword,model,similar",
    model: Annotated[
        str | None,
        typer.Option("--model", help="An installed trained spaCy pipeline (e.g. en_core_web_sm)."),
    ] = None,
    order: Annotated[
        str, typer.Option(help="position, or uncertainty (the model's coin flips first).")
    ] = "position",
    limit: Annotated[int, typer.Option(help="Show at most this many (0 = all).")] = 50,
) -> None:
    """Suggest passages for codes; nothing becomes a coding until a coder accepts it (TUI)."""
    from workbench.workflows import suggestions as sg

    if train and evaluate:
        raise WorkbenchError("use --train or --evaluate, not both")
    wb = _open(ctx)
    spacy_model = model or wb.settings.spacy_model
    coder_id = wb.store.coder(coder).id if coder else None
    if evaluate:
        _evaluate(wb, sg, folds, coder_id, coder, spacy_model, as_json)
    elif train:
        _train(wb, sg, coder_id, spacy_model, as_json)
    else:
        wanted = [s.strip() for s in sources.split(",") if s.strip()]
        docs = [wb.store.document(d) for d in document] if document else wb.store.documents()
        _suggest(wb, sg, docs, coder_id, wanted, spacy_model, order, limit, as_json)
    wb.close()


def _train(wb: Any, sg: Any, coder_id: int | None, spacy_model: str | None, as_json: bool) -> None:
    report = None
    for step in sg.train(wb.store, coder_id, threading.Event(), spacy_model):
        if isinstance(step, sg.TrainReport):
            report = step
        else:
            _progress(step.label, step.done, step.total)
    _clear_progress()
    assert report is not None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "version": report.version,
                    "path": str(report.path),
                    "sentences": report.sentences,
                    "documents": report.documents,
                    "threshold": report.threshold,
                    "labels": report.labels,
                    "skipped": report.skipped,
                    "seconds": report.seconds,
                }
            )
        )
        return
    typer.echo(
        f"trained {report.version} on {report.sentences} sentences of {report.documents} "
        f"documents: {len(report.labels)} codes, threshold {report.threshold:.2f}, "
        f"{report.seconds:.1f} s"
    )
    if report.skipped:
        skipped = ", ".join(f"{k} ({n})" for k, n in sorted(report.skipped.items()))
        typer.echo(f"skipped (fewer than 3 coded sentences): {skipped}")
    typer.echo(f"saved in {report.path}")


def _evaluate(
    wb: Any,
    sg: Any,
    folds: int,
    coder_id: int | None,
    coder: str | None,
    spacy_model: str | None,
    as_json: bool,
) -> None:
    result = None
    for step in sg.evaluate_steps(wb.store, folds, coder_id, threading.Event(), spacy_model):
        if isinstance(step, dict):
            result = step
        else:
            _progress(step.label, step.done, step.total)
    _clear_progress()
    assert result is not None
    if as_json:
        typer.echo(json.dumps(result))
        return
    model, base = result["model"], result["baseline"]
    typer.echo(
        f"{folds}-fold cross-validation by document, sentence units, gold: {coder or 'all coders'}"
    )
    typer.echo(f"{'code':<28}{'support':>8}   {'model P/R/F1':<20}{'keywords P/R/F1':<20}")
    for key, m in model["per_code"].items():
        b = base["per_code"][key]
        if not m["support"] and not b["support"]:
            continue
        typer.echo(
            f"{key[:27]:<28}{m['support']:>8}   "
            f"{m['precision']:.2f} {m['recall']:.2f} {m['f1']:.2f}      "
            f"{b['precision']:.2f} {b['recall']:.2f} {b['f1']:.2f}"
        )
    typer.echo("")
    typer.echo(f"{'':<20}{'micro P / R / F1':<24}{'macro P / R / F1':<24}predicted")
    for name, r in (
        ("model", model),
        ("keywords", base),
        ("keywords + model", result.get("combined")),
    ):
        if not r:
            continue
        typer.echo(
            f"{name:<20}"
            f"{r['micro_precision']:.3f} {r['micro_recall']:.3f} {r['micro_f1']:.3f}     "
            f"{r['macro_precision']:.3f} {r['macro_recall']:.3f} {r['macro_f1']:.3f}     "
            f"{r['predicted']:>6}"
        )


def _suggest(
    wb: Any,
    sg: Any,
    docs: list[Any],
    coder_id: int | None,
    sources: list[str],
    spacy_model: str | None,
    order: str,
    limit: int,
    as_json: bool,
) -> None:
    from workbench.nlp.analysis import excerpt

    last = ""
    for step in sg.generate(
        wb.store, [d.id for d in docs], coder_id, sources, threading.Event(), spacy_model
    ):
        last = step.label
        _progress(step.label, step.done, step.total)
    _clear_progress()
    codes = {c.id: c for c in wb.store.codes()}
    names = {d.id: d.name for d in docs}
    texts: dict[int, str] = {}
    items = [s for s in sg.pending(wb.store, None, coder_id, order) if s.document_id in names]
    shown = items[:limit] if limit > 0 else items
    rows = []
    for s in shown:
        text = texts.setdefault(s.document_id, wb.store.text(s.document_id))
        rows.append(
            {
                "id": s.id,
                "document": names[s.document_id],
                "start": s.start,
                "end": s.end,
                "code": codes[s.code_id].key if s.code_id in codes else s.code_id,
                "source": s.source,
                "score": s.score,
                "version": s.version,
                "why": s.detail,
                "text": text[s.start : s.end],
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        typer.echo(
            f"#{r['id']:<6} {r['document']:<10} {str(r['code'])[:24]:<24} "
            f"{r['source']:<8} {r['score']:.2f}  {excerpt(r['text'], 60)}"
        )
        typer.echo(f"{'':8}why: {r['why']}")
    more = f" (showing {len(shown)}; --limit 0 for all)" if len(shown) < len(items) else ""
    typer.echo(f"{len(items)} pending suggestions{more}; {last}")
