"""The agreement and reconcile screens at the sizes people use (80x24 and 120x40), on the
sample study, driven with keys: the statistics stay on screen, code names are cut at
the end, the status breaks cleanly; reconciliation opens at the first undecided passage,
shows whole words around it, and ``c`` chooses the two coders."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import SelectionList, Static
from textual.worker import WorkerCancelled, WorkerFailed

from workbench.bootstrap import open_workbench
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.agreement import (
    POOLED,
    AgreementScreen,
    AgreementTable,
    CodersScreen,
    code_label,
    cut_end,
    wrap_parts,
)
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.reconcile import ReconcileScreen, context_window
from workbench.workflows import reconcile

SIZES = [(80, 24), (120, 40)]
STATS = ("kappa", "alpha", "band", "disagreements")


async def settle(app: WorkbenchApp, pilot: Pilot) -> None:
    with contextlib.suppress(WorkerCancelled, WorkerFailed):
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_agreement(app: WorkbenchApp, pilot: Pilot) -> AgreementScreen:
    await pilot.pause()
    await pilot.press("g")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, AgreementScreen) and screen.report is not None
    return screen


def visible_line(table: AgreementTable, y: int) -> str:
    """What the table shows on its content line ``y`` (0 is the header row)."""
    return table.render_line(y).text


def assert_statistics_visible(screen: AgreementScreen) -> None:
    table = screen.query_one(AgreementTable)
    visible = table.scrollable_content_region.width
    x = 0
    edges: dict[str, tuple[int, int]] = {}
    for key, column in table.columns.items():
        width = column.get_render_width(table)
        edges[str(key.value)] = (x, x + width)
        x += width
    assert x <= visible, f"the columns need {x} cells, {visible} are visible"
    assert table.max_scroll_x == 0  # nothing to scroll to sideways
    for key in STATS:
        assert edges[key][1] <= visible, key
    header = visible_line(table, 0)
    assert "κ" in header and "α" in header and "Band" in header
    assert header.rstrip().endswith(("Disagr.", "Dis."))
    first_row = visible_line(table, 1)
    report = screen.report
    assert report is not None
    row = report.rows[0]
    assert first_row.rstrip().endswith(f"{row.disagreements:,}")
    assert f"{row.alpha.value:.3f}" in first_row


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_agreement_statistics_fit_and_names_are_cut_at_the_end(
    sample_path: Path, size: tuple[int, int]
) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=size) as pilot:
        screen = await open_agreement(app, pilot)
        assert_statistics_visible(screen)
        table = screen.query_one(AgreementTable)
        report = screen.report
        assert report is not None
        code_width = table.columns[next(iter(table.columns))].width
        for key in table.rows:
            label = table.get_cell(key, "code")
            plain = label.plain.strip()
            assert not plain.startswith("…"), plain
            assert label.cell_len <= code_width
            if key.value == POOLED:
                assert plain == "All codes (pooled)"
                continue
            name = report.code(int(str(key.value))).name
            shown = plain.split(" · ")[0].removesuffix("…")
            assert name.startswith(shown) and len(shown) >= min(len(name), 10), (name, plain)
        for column in ("units", "prevalence", "agreement", "kappa", "alpha", "disagreements"):
            cells = [table.get_cell(key, column) for key in table.rows]
            assert all(isinstance(c, Text) and c.justify == "right" for c in cells), column
        # the status line is one line, or breaks between its parts
        status = screen.query_one("#agreement-status", Static)
        lines = str(status.content).splitlines()
        assert 1 <= len(lines) <= 2
        assert all(len(line) <= status.content_size.width for line in lines)
        assert all(not line.startswith((" ", "·")) and not line.endswith("·") for line in lines)
        assert "c coders" not in str(status.content)  # the footer says that
        if size[0] >= 120:
            assert len(lines) == 1
            # the wide table shows the parent code, dimmed, after the code's own name
            row = next(r for r in report.rows if report.code(r.code_id).name == "Meeting format")
            label = table.get_cell(str(row.code_id), "code")
            assert "Meeting format · The strategies did not fit" in label.plain
            assert any(span.style == "dim" for span in label.spans)


async def test_agreement_table_relays_out_on_resize_and_for_characters(
    sample_path: Path,
) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(app, pilot)
        table = screen.query_one(AgreementTable)
        wide = table.columns[next(iter(table.columns))].width
        await pilot.press("down", "down")
        highlighted = table.highlighted_key
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert table.columns[next(iter(table.columns))].width < wide
        assert table.highlighted_key == highlighted  # the cursor stays on its code
        assert_statistics_visible(screen)
        await pilot.press("u", "u")  # sentence -> turn -> character (adds u-α)
        await settle(app, pilot)
        assert screen.report is not None and screen.report.unit == "char"
        assert_statistics_visible(screen)
        assert "u-α" in visible_line(table, 0)


def test_names_are_cut_at_the_end_with_an_ellipsis() -> None:
    assert cut_end("Meeting format", 20) == "Meeting format"
    assert cut_end("Obstacle to rejoining society", 20) == "Obstacle to rejoini…"
    assert cut_end("Conflictwithmembersorsponsors", 10) == "Conflictw…"
    path = "The safe place can become a cage > Obstacle to rejoining society"
    assert code_label("Obstacle to rejoining society", path, 24).plain == "Obstacle to rejoining…"
    wide = code_label("Obstacle to rejoining society", path, 64)
    assert wide.plain == "Obstacle to rejoining society · The safe place can become a cage"
    assert code_label("Obstacle to rejoining society", path, 60).plain.endswith("become…")
    assert wrap_parts(["anna × ben", "unit: sentence", "5 documents"], 28) == (
        "anna × ben · unit: sentence\n5 documents"
    )


# -- reconciliation --------------------------------------------------------------------


def add_coder_like(path: Path, name: str, like: str, every: int = 2) -> None:
    """A third coder who applied every other code of ``like``."""
    wb = open_workbench(Settings(project=str(path)))
    try:
        store = wb.store
        source = store.coder(like).id
        coder = store.ensure_coder(name).id
        codings = store.codings(coder_ids=[source])[::every]
        store.add_codings_bulk(
            [NewCoding(c.document_id, c.code_id, coder, c.start, c.end) for c in codings],
            "coding.import",
            f"test codings for {name}",
        )
    finally:
        wb.close()


def decide_first(path: Path, n: int) -> list[tuple[int, int, int]]:
    wb = open_workbench(Settings(project=str(path)))
    try:
        found = reconcile.passages(wb.store, "anna", "ben")
        for p in found[:n]:
            reconcile.decide(wb.store, p, "a", coder_a="anna", coder_b="ben")
        return [(p.document_id, p.start, p.end) for p in found]
    finally:
        wb.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_reconcile_opens_at_the_first_undecided_passage(
    sample_path: Path, size: tuple[int, int]
) -> None:
    spans = decide_first(sample_path, 3)
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert screen.index == 3
        p = screen.current
        assert p is not None and p.decision is None
        assert (p.document_id, p.start, p.end) == spans[3]
        header = str(screen.query_one("#reconcile-header", Static).content)
        assert "passage 4 of" in header and "(3 decided)" in header
        await pilot.press("o")  # deciding moves on to the next undecided one
        await pilot.pause()
        assert screen.index == 4
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("C")  # and reopening starts after everything decided so far
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen) and app.screen.index == 4


async def test_reconcile_context_is_cut_at_word_boundaries(sample_path: Path) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        full = app.wb.store.text(screen.passages[0].document_id)
        for _ in range(6):
            p = screen.current
            assert p is not None
            shown = str(screen.query_one("#reconcile-passage", Static).content)
            assert full[p.start : p.end] in shown  # the passage itself is whole
            core = shown.removeprefix("…").removesuffix("…")
            at = full.index(core, max(0, p.start - 400))
            before, after = full[at - 1 : at], full[at + len(core) : at + len(core) + 1]
            assert before in ("", " ", "\n") or not before.isalnum(), (before, core[:20])
            assert not (after.isalnum() and core[-1:].isalnum()), (core[-20:], after)
            assert shown.startswith("…") == (at > 0 and before != "\n")
            await pilot.press("j")
            await pilot.pause()


def test_context_window_cuts_at_words() -> None:
    text = "alpha beta gamma delta. Epsilon zeta eta theta.\nNext paragraph goes on"
    start = text.index("Epsilon")
    end = start + len("Epsilon zeta")
    window = context_window(text, start, end, 10)
    assert window.text == "…delta. Epsilon zeta eta…"
    assert window.text[start - window.offset : end - window.offset] == "Epsilon zeta"
    assert (
        window.text[window.first : window.last]
        == text[window.offset + window.first : window.offset + window.last]
    )
    mid = context_window(text, start, end, 6)  # the window would start inside "delta."
    assert mid.text.startswith("…Epsilon")
    tail = context_window(text, text.index("theta"), text.index("theta") + 5, 3)
    assert tail.text.endswith("theta.")  # a paragraph break needs no "…"
    assert context_window(text, 0, 5, 0).text == "alpha…"


async def test_reconcile_c_chooses_two_of_three_coders(sample_path: Path) -> None:
    add_coder_like(sample_path, "cleo", "ben")
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert "reconcile.coders" in {b.id for b in screen.BINDINGS if hasattr(b, "id")}
        before = len(screen.passages)
        await pilot.press("c")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, CodersScreen) and chooser.exactly == 2
        choices = chooser.query_one(SelectionList)
        assert "consensus" not in [str(choices.get_option_at_index(i).value)
                                   for i in range(choices.option_count)]  # fmt: skip
        assert set(choices.selected) == {"anna", "ben"}
        choices.select("cleo")
        await pilot.press("ctrl+s")  # three ticked: refused
        await pilot.pause()
        assert app.screen is chooser
        assert "exactly 2" in str(chooser.query_one("#agreement-coders-error", Static).content)
        choices.deselect("ben")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert (screen.coder_a, screen.coder_b) == ("anna", "cleo")
        assert screen.passages and len(screen.passages) != before
        header = str(screen.query_one("#reconcile-header", Static).content)
        assert "B: cleo" in header and "passage 1 of" in header
        await pilot.press("f1")  # the help lists the key with its id
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        line = next(x for x in console.export_text().splitlines() if "reconcile.coders" in x)
        assert line.split()[0] == "c"
