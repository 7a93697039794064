"""Suggestions on the sample study: train, evaluate, generate, accept/reject, CLI, TUI, offline.

One model is trained per module (``trained_project``) and copied into each test's
tmp_path with its models folder, so tests stay independent and the module fast.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from workbench.bootstrap import Workbench, open_workbench
from workbench.core.errors import WorkbenchError
from workbench.core.settings import Settings
from workbench.core.suggestions import Suggestion
from workbench.nlp.classifier import TrainParams
from workbench.store.suggestions import SuggestionRepo
from workbench.workflows import suggestions as sg

METRIC_KEYS = {"precision", "recall", "f1", "support"}
SCORE_KEYS = {
    "micro_f1", "macro_f1", "micro_precision", "micro_recall", "macro_precision",
    "macro_recall", "predicted", "per_code",
}  # fmt: skip


def _last(steps: Iterator[Any]) -> Any:
    result = None
    for step in steps:
        result = step
    return result


def _models(path: Path) -> Path:
    return path.with_name(f"{path.stem}.models")


@pytest.fixture(scope="module")
def trained_project(
    _sample_project_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, sg.TrainReport]:
    """The sample study with a model trained on anna's codings (once per module)."""
    path = tmp_path_factory.mktemp("trained") / "sample.sqlite"
    shutil.copy(_sample_project_file, path)
    wb = open_workbench(Settings(project=str(path)))
    report = _last(sg.train(wb.store, wb.store.coder("anna").id))
    wb.close()
    assert isinstance(report, sg.TrainReport)
    return path, report


@pytest.fixture(scope="module")
def evaluation(
    _sample_project_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("evaluate") / "sample.sqlite"
    shutil.copy(_sample_project_file, path)
    wb = open_workbench(Settings(project=str(path)))
    result = sg.evaluate(wb.store, folds=5)
    wb.close()
    return result


@pytest.fixture
def trained_path(trained_project: tuple[Path, sg.TrainReport], tmp_path: Path) -> Path:
    source, _ = trained_project
    target = tmp_path / "sample.sqlite"
    shutil.copy(source, target)
    shutil.copytree(_models(source), _models(target))
    return target


@pytest.fixture
def trained_wb(trained_path: Path) -> Iterator[Workbench]:
    wb = open_workbench(Settings(project=str(trained_path)))
    yield wb
    wb.close()


def _suggest(wb: Workbench, doc: str, coder: str, sources: tuple[str, ...] = sg.SOURCES) -> int:
    coder_id = wb.use_coder(coder).id
    doc_id = wb.store.document(doc).id
    last = _last(sg.generate(wb.store, [doc_id], coder_id, sources))
    assert last.label.endswith("suggestions written") or "written" in last.label
    return doc_id


# -- evaluation -------------------------------------------------------------------------


def test_evaluation_shape_and_the_model_beats_the_keyword_baseline(
    evaluation: dict[str, Any], sample_wb: Workbench
) -> None:
    sides = ("model", "baseline", "combined")
    assert set(evaluation) == {"unit", "folds", *sides}
    assert evaluation["unit"] == "sentence" and evaluation["folds"] == 5
    keys = [c.key for c in sample_wb.store.codes()]
    for side in sides:
        result = evaluation[side]
        assert set(result) == SCORE_KEYS
        assert list(result["per_code"]) == keys
        for metrics in result["per_code"].values():
            assert set(metrics) == METRIC_KEYS
            assert 0.0 <= metrics["f1"] <= 1.0
        for key in SCORE_KEYS - {"per_code", "predicted"}:
            assert 0.0 <= result[key] <= 1.0
    supports = [m["support"] for m in evaluation["model"]["per_code"].values()]
    assert supports == [m["support"] for m in evaluation["baseline"]["per_code"].values()]
    assert sum(supports) > 300  # sentences coded by either coder, summed over codes
    json.dumps(evaluation)
    print(
        "\nevaluation (5-fold by document, all coders):",
        {k: evaluation[k]["micro_f1"] for k in sides},
        {k: evaluation[k]["macro_f1"] for k in sides},
        {k: evaluation[k]["predicted"] for k in sides},
    )
    assert evaluation["model"]["micro_f1"] > evaluation["baseline"]["micro_f1"]
    # the keyword suggester used to flag 1,490 (sentence, code) pairs at 7.6% precision
    base = evaluation["baseline"]
    assert base["predicted"] < 700 and base["micro_precision"] > 0.1
    assert evaluation["combined"]["micro_f1"] >= evaluation["model"]["micro_f1"]


# -- training --------------------------------------------------------------------------


def test_training_saves_a_versioned_model_next_to_the_project(
    trained_project: tuple[Path, sg.TrainReport], trained_wb: Workbench
) -> None:
    _, report = trained_project
    assert report.version.startswith("textcat-")
    assert report.documents == 10 and report.sentences > 1500
    assert "safe-place-cage" in report.skipped  # anna coded it only once: said, not learnt
    assert "protective-community" in report.labels and report.labels["protective-community"] >= 3
    assert 0.05 <= report.threshold <= 0.5
    anna = trained_wb.store.coder("anna").id
    path = sg.current_model_path(trained_wb.store, anna)
    assert path is not None and path.name == report.version
    assert path.parent == _models(Path(trained_wb.settings.project))
    model = sg.load_model(trained_wb.store, anna)
    assert model is not None and model.version == report.version
    assert model.meta["coder_id"] == trained_wb.store.coder("anna").id


def test_training_is_deterministic(trained_project: tuple[Path, sg.TrainReport]) -> None:
    source, first = trained_project
    wb = open_workbench(Settings(project=str(source)))
    again = _last(sg.train(wb.store, wb.store.coder("anna").id))
    wb.close()
    assert (again.threshold, again.labels) == (first.threshold, first.labels)
    a = sg.TextcatModel.load(first.path)
    b = sg.TextcatModel.load(again.path)
    feats = [["meeting", "same", "story", "__ROLE_participant"], ["god", "pray"]]
    assert (a.predict(feats) == b.predict(feats)).all()


def test_training_without_codings_is_a_user_error(wb: Workbench) -> None:
    with pytest.raises(WorkbenchError, match="no codings"):
        _last(sg.train(wb.store))


# -- generating and reviewing ---------------------------------------------------------------


def test_generate_uses_three_sources_with_provenance(trained_wb: Workbench) -> None:
    store = trained_wb.store
    doc_id = _suggest(trained_wb, "P04", "anna")
    anna = store.coder("anna").id
    items = sg.pending(store, doc_id, anna)
    assert {s.source for s in items} == {"keyword", "model", "similar"}
    version = sg.load_model(store, anna).version  # type: ignore[union-attr]
    text = store.text(doc_id)
    turns = store.turns(doc_id)
    interviewer = [(t.start, t.end) for t in turns if t.speaker == "Interviewer"]
    spans = set()
    for s in items:
        assert s.status == "pending" and s.coder_id == anna and s.detail
        assert 0.0 <= s.score <= 1.0
        assert (s.code_id, s.start, s.end) not in spans  # one suggestion per passage and code
        spans.add((s.code_id, s.start, s.end))
        assert not any(a <= s.start < b for a, b in interviewer)
        if s.source == "model":
            assert s.version == version and s.detail.startswith("model p=")
        elif s.source == "similar":
            assert s.detail.startswith("like ")
        assert text[s.start : s.end].strip() == text[s.start : s.end]
    # never on a passage this coder already coded with that code
    for c in store.codings(document_id=doc_id, coder_ids=[anna]):
        assert not any(
            s.code_id == c.code_id and s.start < c.end and c.start < s.end for s in items
        )


def test_regenerating_replaces_pending_without_duplicates(trained_wb: Workbench) -> None:
    doc_id = _suggest(trained_wb, "P04", "ben")
    first = sg.pending(trained_wb.store, doc_id)
    _suggest(trained_wb, "P04", "ben")
    second = sg.pending(trained_wb.store, doc_id)
    key = [(s.code_id, s.start, s.end, s.source) for s in first]
    assert key == [(s.code_id, s.start, s.end, s.source) for s in second]
    assert min(s.id for s in second) > max(s.id for s in first)  # ids are never reused


def _one(wb: Workbench, doc: str, coder: str, source: str = "keyword") -> Suggestion:
    doc_id = _suggest(wb, doc, coder, (source,))
    items = sg.pending(wb.store, doc_id, wb.store.coder(coder).id)
    assert items
    return items[0]


def test_accept_creates_exactly_one_coding_and_undo_reverses_it(trained_wb: Workbench) -> None:
    store = trained_wb.store
    s = _one(trained_wb, "P05", "ben")
    ben = store.coder("ben").id
    before = store.codings()
    coding = sg.accept(store, s.id, ben)
    after = store.codings()
    assert len(after) == len(before) + 1
    assert (coding.document_id, coding.code_id, coding.coder_id, coding.start, coding.end) == (
        s.document_id, s.code_id, ben, s.start, s.end,
    )  # fmt: skip
    decided = SuggestionRepo(store).get(s.id)
    assert decided.status == "accepted" and decided.decided_at is not None
    assert s.id not in {x.id for x in sg.pending(store, s.document_id)}
    with pytest.raises(WorkbenchError, match="already accepted"):
        sg.accept(store, s.id, ben)
    assert store.undo(ben) is not None
    assert len(store.codings()) == len(before)
    assert SuggestionRepo(store).get(s.id).status == "pending"
    assert store.redo(ben) is not None
    assert len(store.codings()) == len(before) + 1
    assert SuggestionRepo(store).get(s.id).status == "accepted"


def test_rejected_suggestions_are_recorded_and_not_suggested_again(trained_wb: Workbench) -> None:
    store = trained_wb.store
    s = _one(trained_wb, "P05", "ben")
    ben = store.coder("ben").id
    codings = len(store.codings())
    sg.reject(store, s.id, ben)
    rejected = SuggestionRepo(store).get(s.id)
    assert rejected.status == "rejected" and rejected.coder_id == ben
    assert rejected.decided_at is not None
    assert len(store.codings()) == codings
    _suggest(trained_wb, "P05", "ben")  # every source this time
    again = sg.pending(store, s.document_id, ben)
    assert not any((x.code_id, x.start, x.end) == (s.code_id, s.start, s.end) for x in again)
    assert SuggestionRepo(store).get(s.id).status == "rejected"


def test_decisions_feed_the_next_training(trained_wb: Workbench) -> None:
    store = trained_wb.store
    ben = store.coder("ben").id
    s = _one(trained_wb, "P05", "ben")  # P05: not coded by ben
    assert not store.codings(document_id=s.document_id, coder_ids=[ben])
    sg.reject(store, s.id, ben)
    codes = store.codes()
    key_of = {c.id: c.key for c in codes}
    corpus = _last(sg._corpus(store, ben, codes, None, None, [s.document_id]))
    decisions = SuggestionRepo(store).list(status=("accepted", "rejected"), coder_id=ben)
    data = sg._examples(corpus, sorted(corpus.analyses), decisions, key_of)
    from_p05 = [e for e in data.examples if e.group == s.document_id]
    assert len(from_p05) == 1 and not from_p05[0].complete
    assert from_p05[0].targets == {key_of[s.code_id]: 0.0}


def test_models_are_per_coder_so_blind_coding_stays_blind(trained_wb: Workbench) -> None:
    store = trained_wb.store
    anna, ben = store.coder("anna").id, store.coder("ben").id
    assert sg.load_model(store, anna) is not None
    assert sg.load_model(store, ben) is None and sg.load_model(store) is None
    doc_id = _suggest(trained_wb, "P04", "ben")
    assert "model" not in {s.source for s in sg.pending(store, doc_id, ben)}
    shared = _last(sg.train(store, None, params=TrainParams(iterations=10, inner_folds=0)))
    assert sg.current_model_path(store, ben) == shared.path  # everyone's model, for ben
    assert sg.current_model_path(store, anna) != shared.path  # anna keeps her own


def test_uncertainty_order_puts_the_models_coin_flips_first(trained_wb: Workbench) -> None:
    doc_id = _suggest(trained_wb, "P04", "anna")
    items = sg.pending(trained_wb.store, doc_id, order="uncertainty")
    models = [s for s in items if s.source == "model"]
    assert models and items[: len(models)] == models
    gaps = [abs(s.score - 0.5) for s in models]
    assert gaps == sorted(gaps)
    assert models[0].uncertainty >= models[-1].uncertainty
    with pytest.raises(WorkbenchError, match="unknown order"):
        sg.pending(trained_wb.store, doc_id, order="random")


def test_unknown_source_is_a_user_error(trained_wb: Workbench) -> None:
    with pytest.raises(WorkbenchError, match="unknown suggestion source"):
        _last(sg.generate(trained_wb.store, [1], None, ("crystal-ball",)))


def test_cancelling_generation_writes_nothing_more(trained_wb: Workbench) -> None:
    import threading

    cancelled = threading.Event()
    cancelled.set()
    docs = [d.id for d in trained_wb.store.documents()]
    last = _last(sg.generate(trained_wb.store, docs, None, ("keyword",), cancelled))
    assert last.label == "cancelled"
    assert sg.pending(trained_wb.store) == []


# -- offline ------------------------------------------------------------------------------


def test_no_network_access_when_loading_training_and_suggesting(
    sample_wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    sg.clear_caches()  # build the pipeline from scratch with the sockets blocked
    store = sample_wb.store
    anna = store.coder("anna").id
    report = _last(sg.train(store, anna, params=TrainParams(iterations=10, inner_folds=0)))
    assert isinstance(report, sg.TrainReport)
    doc_id = store.document("P02").id
    _last(sg.generate(store, [doc_id], anna))
    sources = {s.source for s in sg.pending(store, doc_id)}
    assert {"keyword", "model"} <= sources


# -- CLI ---------------------------------------------------------------------------------


def _cli() -> Any:
    from workbench.cli import app
    from workbench.cli_suggest import suggest_cmd

    if "suggest" not in {c.name for c in app.registered_commands}:
        app.command("suggest")(suggest_cmd)
    return app


def test_cli_lists_suggestions_with_reasons(trained_path: Path) -> None:
    runner = CliRunner()
    args = ["-p", str(trained_path), "suggest", "--coder", "ben", "-d", "P04", "--limit", "5"]
    result = runner.invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    assert "why: " in result.output and "pending suggestions" in result.output
    as_json = runner.invoke(_cli(), [*args, "--json", "--sources", "keyword"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert rows and {r["source"] for r in rows} <= {"keyword", "model", "similar"}
    assert {"id", "document", "code", "source", "score", "why", "text"} <= set(rows[0])
    assert all(r["document"] == "P04" for r in rows)


def test_cli_train_and_evaluate(trained_path: Path) -> None:
    runner = CliRunner()
    trained = runner.invoke(_cli(), ["-p", str(trained_path), "suggest", "--train", "--json"])
    assert trained.exit_code == 0, trained.output
    info = json.loads(trained.output)
    assert info["version"].startswith("textcat-") and Path(info["path"]).is_dir()
    evaluated = runner.invoke(
        _cli(),
        ["-p", str(trained_path), "suggest", "--evaluate", "--folds", "2", "--coder", "ben",
         "--json"],
    )  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    result = json.loads(evaluated.output)
    assert set(result) == {"unit", "folds", "model", "baseline", "combined"}
    assert result["folds"] == 2
    table = runner.invoke(
        _cli(), ["-p", str(trained_path), "suggest", "--evaluate", "--folds", "2", "--coder", "ben"]
    )
    assert table.exit_code == 0 and "micro P / R / F1" in table.output
    rows = {line.split("  ")[0]: line for line in table.output.splitlines()}
    assert {"model", "keywords", "keywords + model"} <= set(rows)
    f1 = float(rows["model"].split()[3])  # micro P, R, F1 after the name
    assert f1 == pytest.approx(result["model"]["micro_f1"], abs=0.0005)  # same run, same folds


def test_cli_errors_are_one_line(trained_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(_cli(), ["-p", str(trained_path), "suggest", "--model", "en_nope_sm"])
    assert bad.exit_code == 1 and "not installed" in bad.output
    folds = runner.invoke(
        _cli(), ["-p", str(trained_path), "suggest", "--evaluate", "--folds", "50"]
    )
    assert folds.exit_code == 1 and "coded documents" in folds.output


# -- TUI -----------------------------------------------------------------------------------


async def test_suggestions_screen_review_with_one_key(trained_path: Path) -> None:
    from workbench.tui.app import create_app
    from workbench.tui.screens.suggestions import SuggestionsScreen

    app = create_app(Settings(project=str(trained_path), coder="anna"))
    store = app.wb.store
    doc_id = store.document("P04").id
    anna = store.coder("anna").id
    _last(sg.generate(store, [doc_id], anna, ("keyword", "model")))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.push_screen(SuggestionsScreen(doc_id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        pending = len(screen.items)
        assert pending > 2
        await pilot.press("j", "j", "k")
        target = screen.current
        assert target is not None and target.id == screen.items[1].id
        before = len(store.codings(document_id=doc_id, coder_ids=[anna]))
        await pilot.press("a")
        await pilot.pause()
        codings = store.codings(document_id=doc_id, coder_ids=[anna])
        assert len(codings) == before + 1
        assert (target.code_id, target.start, target.end) in {
            (c.code_id, c.start, c.end) for c in codings
        }
        assert SuggestionRepo(store).get(target.id).status == "accepted"
        assert target.id not in {s.id for s in screen.items}
        assert len(screen.items) < pending
        rejected = screen.current
        assert rejected is not None
        await pilot.press("r")
        await pilot.pause()
        assert SuggestionRepo(store).get(rejected.id).status == "rejected"
        await pilot.press("ctrl+z")  # undo the rejection from the panel
        await pilot.pause()
        assert SuggestionRepo(store).get(rejected.id).status == "pending"
        assert rejected.id in {s.id for s in screen.items}
        await pilot.press("u")
        assert screen.order == "uncertainty" and screen.items[0].source == "model"
        await pilot.press("g")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.busy and screen.items
        old_model = sg.current_model_path(store, anna)
        await pilot.press("T")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.busy
        assert sg.current_model_path(store, anna) != old_model
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SuggestionsScreen)


async def test_escape_cancels_training_in_the_panel(
    trained_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core.model import Progress
    from workbench.tui.app import create_app
    from workbench.tui.screens.suggestions import SuggestionsScreen

    real_train = sg.train

    def held_train(store, coder_id, cancelled, **kw):  # type: ignore[no-untyped-def]
        # Training on the small sample can finish before Escape arrives; hold it at the
        # start until the cancel (or 10 s) so the test always exercises cancelling.
        yield Progress(0, 1, "starting")
        cancelled.wait(10)
        yield from real_train(store, coder_id, cancelled, **kw)

    monkeypatch.setattr(sg, "train", held_train)

    app = create_app(Settings(project=str(trained_path), coder="anna"))
    anna = app.wb.store.coder("anna").id
    before = sg.current_model_path(app.wb.store, anna)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.push_screen(SuggestionsScreen(app.wb.store.document("P01").id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        await app.workers.wait_for_complete()  # nothing was pending: it generated on opening
        await pilot.pause()
        assert screen.items and screen.busy == ""
        await pilot.press("T")
        assert screen.busy == "train"
        await pilot.press("escape")
        assert screen.busy == ""
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen  # escape cancelled the work, it did not leave
    assert sg.current_model_path(app.wb.store, anna) == before
