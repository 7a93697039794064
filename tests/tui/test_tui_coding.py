"""The coding screen driven the way a person uses it; assertions on what ends up in the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _coding_project import big_parsed, build_project
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from workbench.core.model import Coding
from workbench.core.services.sentences import sentence_spans
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.widgets.picker import NEW, CodePicker, CodingChooser, MemoEditor, Pick
from workbench.tui.widgets.transcript import TranscriptView


@pytest.fixture
def coding_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "coding.sqlite")


@pytest.fixture
def app(coding_path: Path) -> WorkbenchApp:
    return create_app(Settings(project=str(coding_path), coder="anna"))


def doc_id(app: WorkbenchApp, name: str) -> int:
    return app.wb.store.document(name).id


def code_id(app: WorkbenchApp, key: str) -> int:
    return app.wb.store.code(key).id


async def open_doc(app: WorkbenchApp, pilot: Pilot, name: str = "P01") -> CodingScreen:
    app.push_screen(CodingScreen(doc_id(app, name)))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    return screen


def codings(app: WorkbenchApp, coder: str = "anna", name: str = "P01") -> list[Coding]:
    coder_id = app.wb.store.coder(coder).id
    return app.wb.store.codings(document_id=doc_id(app, name), coder_ids=[coder_id])


def sentence_containing(app: WorkbenchApp, phrase: str, name: str = "P01") -> tuple[int, int]:
    store = app.wb.store
    d = doc_id(app, name)
    text = store.text(d)
    at = text.index(phrase)
    return next((a, b) for a, b in sentence_spans(text, store.turns(d)) if a <= at < b)


async def walk_to(pilot: Pilot, view: TranscriptView, offset: int) -> None:
    """Arrow keys, as a person would: down to the line, then right along it."""
    assert view._layout is not None
    target_line = view._layout.line_of(offset)
    for _ in range(200):
        if view._layout.line_of(view.cursor) >= target_line:
            break
        await pilot.press("down")
    await pilot.press("home")
    for _ in range(200):
        if view.cursor >= offset:
            break
        await pilot.press("right")
    assert view.cursor == offset


# -- the main path ---------------------------------------------------------------------


async def test_a_coding_session_picker_quick_code_undo_redo_new_code(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the project screen opens the highlighted document (P01)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.document_id == doc_id(app, "P01")
        view = screen.transcript
        assert view.has_focus
        before = len(codings(app))
        # nothing selected: c and 3 only explain themselves
        await pilot.press("c", "3")
        assert app.screen is screen and len(codings(app)) == before

        # s, c, two letters, Enter: five keystrokes
        start, end = sentence_containing(app, "I had been in treatment")
        await walk_to(pilot, view, start + 5)
        await pilot.press("s", "c")
        assert isinstance(app.screen, CodePicker)
        await pilot.press("m", "e", "enter")
        await pilot.pause()
        assert app.screen is screen
        new = [c for c in codings(app) if c.start == start]
        assert len(new) == 1
        assert (new[0].start, new[0].end, new[0].code_id) == (start, end, code_id(app, "format"))
        assert view.text[start:end].startswith("I had been in treatment")
        assert any(c.id == new[0].id for c in view.visible_codings)
        assert screen.recent[0] == code_id(app, "format")
        assert json.loads(app.wb.store.get_meta("recent:anna") or "[]") == [code_id(app, "format")]

        # s, 1: two keystrokes with a recent code
        start2, end2 = sentence_containing(app, "Did you talk to anyone")
        view.move_cursor(start2 + 3)
        await pilot.press("s", "1")
        await pilot.pause()
        added = [c for c in codings(app) if c.start == start2]
        assert [(c.end, c.code_id) for c in added] == [(end2, code_id(app, "format"))]
        assert view.selection == (start2, end2)  # kept: another code is one key away

        # undo / redo (app keys); the screen reloads and keeps cursor and selection
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not any(c.start == start2 for c in codings(app))
        assert not any(c.start == start2 for c in view.visible_codings)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert any(c.start == start2 for c in codings(app))
        assert any(c.start == start2 for c in view.visible_codings)
        assert view.selection == (start2, end2)

        # Escape in the picker cancels
        count = len(codings(app))
        await pilot.press("enter")
        assert isinstance(app.screen, CodePicker)
        assert app.screen.query_one(Input).has_focus
        await pilot.press("s", "p", "escape")
        await pilot.pause()
        assert app.screen is screen and len(codings(app)) == count

        # a name that matches no code well: "create" is the first row, Enter creates
        # the (top-level) code and applies it; weak matches follow, far ones are dropped
        start3, end3 = sentence_containing(app, "And I was so scared")
        view.move_cursor(start3)
        await pilot.press("s", "c", *"Fear of home")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CodePicker)
        options = picker.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[0] == NEW and len(ids) < len(app.wb.store.codes())
        await pilot.press("enter")
        await pilot.pause()
        code = app.wb.store.code("Fear of home")
        assert code.parent_id is None
        assert [(c.start, c.end) for c in codings(app) if c.code_id == code.id] == [(start3, end3)]
        assert any(c.id == code.id for c in screen.codebook.codes)
        assert screen.recent[:2] == [code.id, code_id(app, "format")]


async def test_blind_mode_and_removing_codings(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot)
        view = screen.transcript
        text = view.text
        anna, ben = app.wb.store.coder("anna").id, app.wb.store.coder("ben").id
        assert {c.coder_id for c in view.visible_codings} == {anna, ben}

        # x on ben's coding: not ours to remove
        view.move_cursor(text.index("My sponsor") + 3)
        await pilot.press("x")
        await pilot.pause()
        assert len(codings(app, "ben")) == 3

        # x with two of your own codings under the cursor asks which
        start, end = sentence_containing(app, "I kept going, but")
        app.wb.store.add_coding(screen.document_id, code_id(app, "world"), anna, start, end)
        app.refresh_views()
        await pilot.pause()
        view.move_cursor(text.index("the same script"))
        assert len(view.codings_at(view.point)) == 3
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, CodingChooser)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert len(codings(app)) == 1
        # one left: x removes it straight away; ben's are untouched
        await pilot.press("x")
        await pilot.pause()
        assert codings(app) == []
        assert len(codings(app, "ben")) == 3
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(codings(app)) == 1

        # switch coder, blind mode hides anna's codings
        app.use_coder("ben")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert app.blind and "blind: on" in app.sub_title
        assert view.visible_codings
        assert {c.coder_id for c in view.visible_codings} == {ben}
        await pilot.press("b")
        await pilot.pause()
        assert {c.coder_id for c in view.visible_codings} == {anna, ben}


async def test_resize_memo_and_star(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot)
        view = screen.transcript
        (mine,) = codings(app)
        start, end = sentence_containing(app, "I kept going, but")
        # R: select the whole sentence and resize anna's coding to it
        view.move_cursor(view.text.index("the same script"))
        await pilot.press("s", "R")
        await pilot.pause()
        (resized,) = codings(app)
        assert resized.id == mine.id and (resized.start, resized.end) == (start, end)
        # m: memo, typed and saved with ctrl+s
        await pilot.press("escape", "m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"sounds rehearsed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert codings(app)[0].memo == "sounds rehearsed"
        # m again: Escape cancels and keeps the memo
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "sounds rehearsed"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert codings(app)[0].memo == "sounds rehearsed"
        # *: star, then unstar
        await pilot.press("asterisk")
        await pilot.pause()
        assert codings(app)[0].starred
        await pilot.press("asterisk")
        await pilot.pause()
        assert not codings(app)[0].starred


async def test_navigation_search_and_switching_documents(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot)
        view = screen.transcript
        text = view.text
        # n / N: codings of the code highlighted in the tree
        starts = sorted(
            {c.start for c in view.visible_codings if c.code_id == code_id(app, "format")}
        )
        assert len(starts) == 3
        screen.codebook.focus()
        screen.codebook.select_code(code_id(app, "format"))
        await pilot.pause()
        assert screen.focus_code_id == code_id(app, "format")
        view.focus()
        await pilot.press("ctrl+home", "n")
        assert view.cursor == starts[0]
        await pilot.press("n")
        assert view.cursor == starts[1]
        await pilot.press("n", "n")  # wraps round
        assert view.cursor == starts[0]
        await pilot.press("N")
        assert view.cursor == starts[2]

        # / searches this document; Enter, then n / N cycle the hits
        await pilot.press("ctrl+home", "slash", *"same", "enter")
        await pilot.pause()
        hits = [i for i in range(len(text)) if text.lower().startswith("same", i)]
        assert [a for a, _ in view.hits] == hits
        assert view.cursor == hits[0]
        await pilot.press("escape")  # closes the box, keeps the hits
        assert view.has_focus
        await pilot.press("n")
        assert view.cursor == hits[1]
        await pilot.press("N")
        assert view.cursor == hits[0]
        await pilot.press("escape")  # clears the hits
        assert view.hits == []

        # Enter on a code in the tree applies it to the selection
        start, end = sentence_containing(app, "Did you talk to anyone")
        view.move_cursor(start)
        await pilot.press("s")
        screen.codebook.focus()
        screen.codebook.select_code(code_id(app, "steps"))
        await pilot.press("enter")
        await pilot.pause()
        assert (start, end, code_id(app, "steps")) in {
            (c.start, c.end, c.code_id) for c in codings(app)
        }

        # ctrl+f searches every document and opens the hit
        view.focus()
        await pilot.press("ctrl+f")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"whole world")
        await pilot.pause()
        found = app.screen.query_one(OptionList)
        assert found.option_count == 1
        assert "P03" in str(found.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        p03 = doc_id(app, "P03")
        assert screen.document_id == p03
        assert view.text == app.wb.store.text(p03)
        assert view.cursor == view.text.index("whole world")

        # the documents list switches back
        documents = screen.query_one("#coding-documents", OptionList)
        documents.focus()
        await pilot.press("up", "enter")
        await pilot.pause()
        assert screen.document_id == doc_id(app, "P01")
        assert view.has_focus


async def test_cursor_selection_keys_mouse_and_leaving(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot)
        view = screen.transcript
        layout = view._layout
        assert layout is not None
        turns = app.wb.store.turns(screen.document_id)
        assert view.cursor == turns[0].start  # the hidden speaker label is skipped
        await pilot.press("right", "right", "left")
        assert view.cursor == turns[0].start + 1
        await pilot.press("end")
        line = layout.lines[layout.line_of(view.cursor)]
        assert view.cursor == line.end - 1  # a wrapped line ends on its last space
        await pilot.press("ctrl+end")
        assert view.cursor == turns[-1].end
        await pilot.press("ctrl+home", "pagedown")
        assert view.cursor > turns[1].start
        await pilot.press("shift+down")
        assert view.selection is not None

        # s / ] / [ / w / W / t / shift+arrows
        first, _ = sentence_containing(app, "Yes. Okay")
        view.move_cursor(first)
        spans = [s for s in view.units.sentences if s[0] >= first]
        await pilot.press("s")
        assert view.selection == spans[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.selection == (spans[0][0], spans[2][1])
        await pilot.press("left_square_bracket")
        assert view.selection == (spans[0][0], spans[1][1])
        await pilot.press("w")
        grown = view.selection
        assert grown is not None and grown[1] > spans[1][1]
        await pilot.press("W")
        assert view.selection == (spans[0][0], spans[1][1])
        await pilot.press("t")
        assert view.selection == (turns[1].start, turns[1].end)
        await pilot.press("shift+right", "shift+right")
        assert view.selection == (turns[1].start + 2, turns[1].end)

        # the mouse: click places the cursor, drag selects
        y = layout.line_of(view.text.index("Yes. Okay"))
        x = 3 + layout.lines[y].indent  # gutter + indent: the first character
        await pilot.click(TranscriptView, offset=(x + 1, y + 1))  # +1: the border
        assert view.cursor == layout.lines[y].start and view.selection is None
        await pilot.mouse_down(TranscriptView, offset=(x + 1, y + 1))
        await pilot.hover(TranscriptView, offset=(x + 5, y + 1))
        await pilot.mouse_up(TranscriptView, offset=(x + 5, y + 1))
        start = layout.lines[y].start
        assert view.selection == (start, start + 4)
        await pilot.click(TranscriptView, offset=(x + 2, y + 1), times=2)  # double click
        assert view.selection == view.units.sentence_at(start + 1)

        # Escape clears the selection, then goes back to the project screen
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CodingScreen)
        # a document that is gone: a message and straight back
        app.push_screen(CodingScreen(999))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, CodingScreen)


async def test_narrow_terminal_folds_panels_and_f_keys_toggle_them(app: WorkbenchApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_doc(app, pilot)
        left, right = screen.query_one("#coding-left"), screen.query_one("#coding-right")
        assert not left.display and not right.display
        assert screen.transcript.size.width > 70
        await pilot.press("f3")
        assert left.display
        await pilot.press("f4")
        assert right.display
        await pilot.press("f3", "f4")
        assert not left.display and not right.display
        assert screen.transcript.has_focus
        # a panel toggled re-wraps the transcript: the cursor stays in sight
        view = screen.transcript
        view.move_cursor(len(view.text) - 3)
        await pilot.pause()
        assert view._layout is not None
        line = view._layout.line_of(view.cursor)
        assert view.scroll_offset.y <= line < view.scroll_offset.y + view.size.height
        await pilot.press("f4")
        await pilot.pause()
        await pilot.pause()
        assert view._layout is not None
        line = view._layout.line_of(view.cursor)
        assert view.scroll_offset.y <= line < view.scroll_offset.y + view.size.height


async def test_browsing_the_codebook_widens_it_without_rewrapping_the_transcript(
    app: WorkbenchApp, coding_path: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot)
        await pilot.pause()
        left, right = screen.query_one("#coding-left"), screen.query_one("#coding-right")
        width = screen.transcript.size.width
        assert left.size.width == 30 and right.display
        screen.codebook.focus()
        await pilot.pause()
        entered = screen.query_one("#coding-left-definition")
        assert entered.code == screen.codebook.highlighted_code is not None  # type: ignore[attr-defined]
        await pilot.press("down", "down")
        await pilot.pause()
        assert left.size.width == 60 and not right.display
        assert screen.transcript.size.width == width  # same width: no re-wrapping
        code = screen.codebook.highlighted_code
        assert code is not None
        shown = screen.query_one("#coding-left-definition")
        assert shown.display and shown.code == code  # type: ignore[attr-defined]
        await pilot.press("tab")  # on to the transcript: back to three columns
        await pilot.pause()
        assert screen.transcript.has_focus
        assert left.size.width == 30 and right.display
        await pilot.press("tab")  # the documents list: the first Tab shows its effect too
        await pilot.pause()
        assert screen.query_one("#coding-documents").has_focus and left.size.width == 60
    narrow = create_app(Settings(project=str(coding_path), coder="anna"))
    async with narrow.run_test(size=(80, 24)) as pilot:  # panels folded: F3, then Tab in
        screen = await open_doc(narrow, pilot)
        left = screen.query_one("#coding-left")
        await pilot.press("f3")
        screen.codebook.focus()
        await pilot.pause()
        assert left.size.width == 46 and screen.transcript.size.width > 20
        await pilot.press("f3")  # folded again
        await pilot.pause()
        assert not left.display and screen.transcript.has_focus
        await pilot.press("tab")  # Tab unfolds the panel into the documents list...
        await pilot.pause()
        assert left.display and screen.query_one("#coding-documents").has_focus
        await pilot.press("tab", "tab")  # ...codebook, then back to the transcript
        await pilot.pause()
        assert screen.transcript.has_focus and not left.display  # folded away again


async def test_big_transcript_stays_fast(app: WorkbenchApp) -> None:
    import time

    store = app.wb.store
    big = store.add_document(big_parsed())
    anna = store.coder("anna").id
    ids = [c.id for c in store.codes()]
    spans = sentence_spans(store.text(big.id), store.turns(big.id))
    step = max(1, len(spans) // 500)
    rows = [
        NewCoding(big.id, ids[i % len(ids)], anna, a, spans[min(i * step + 2, len(spans) - 1)][1])
        for i, (a, _b) in enumerate(spans[::step][:500])
    ]
    store.add_codings_bulk(rows, "test", "bulk")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CodingScreen(big.id, offset=len(store.text(big.id)) // 2))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.transcript
        assert len(view.visible_codings) == 500
        # opened at an offset: the cursor is there and on screen
        assert view.cursor == view._layout.normalise(len(view.text) // 2)  # type: ignore[union-attr]
        cursor_line = view._layout.line_of(view.cursor)  # type: ignore[union-attr]
        top = int(view.scroll_offset.y)
        assert top <= cursor_line < top + view.size.height
        colours = {c.id: c.colour for c in screen.codes}
        height = view.size.height

        def redraw() -> None:
            for y in range(height):
                view.render_line(y)

        t0 = time.perf_counter()
        for _ in range(5):
            view.set_codings(view.visible_codings, colours)  # a coding changed: cache cleared
            redraw()
        assert (time.perf_counter() - t0) / 5 < 0.1
        t0 = time.perf_counter()
        for action in ("select_sentence", "extend_sentence", "extend_word"):
            getattr(view, f"action_{action}")()
            redraw()
        for step_ in (1, 1, -1):
            view.action_page(step_, True)
            redraw()
            view.action_move_line(1)
            redraw()
        assert (time.perf_counter() - t0) / 9 < 0.1
        await pilot.press("s", "pagedown", "shift+down")
        assert view.selection is not None


async def test_picker_puts_create_after_strong_matches_and_drops_far_ones(
    app: WorkbenchApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        codes = app.wb.store.codes()
        picker = CodePicker(codes)
        picked: list[Pick | None] = []
        app.push_screen(picker, picked.append)
        await pilot.pause()
        await pilot.press(*"meeting form")
        await pilot.pause()
        options = picker.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[:2] == [str(code_id(app, "format")), NEW]
        assert len(ids) < len(codes) + 1  # not every code: the far matches are dropped
        # a new name that shares only filler words or one keyword with a code: create first
        for name in ("Cats and dogs", "Script doctor", "Not the end"):
            box = picker.query_one(Input)
            box.value = name
            await pilot.pause()
            first = options.get_option_at_index(0).id
            assert first == NEW, (name, options.get_option_at_index(0).prompt)
        picker.query_one(Input).value = "meeting form"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert picked == [Pick(code_id=code_id(app, "format"))]


async def test_go_to_code_from_the_palette_keeps_the_transcript_and_n_follows_it(
    app: WorkbenchApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_doc(app, pilot)
        sponsor = code_id(app, "sponsor")
        app.show_code(sponsor)  # what "Go to code: Sponsor" in the palette runs
        await pilot.pause()
        assert screen.transcript.has_focus and screen.focus_code_id == sponsor
        await pilot.press("n")
        await pilot.pause()
        here = screen.transcript.codings_at(screen.transcript.cursor)
        assert sponsor in {c.code_id for c in here}
        # codebook actions from the palette ask which code instead of using a hidden cursor
        await app.run_action("merge_code", screen.codebook)
        await pilot.pause()
        assert type(app.screen).__name__ == "CodeChooserScreen"
        assert "Merge which code?" in str(app.screen.query_one("Vertical").border_title)


async def test_ctrl_f_on_the_project_screen_opens_the_document_at_the_hit(
    app: WorkbenchApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"whole world")  # typed into the search box, not project keys
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, CodingScreen):
                break
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.document_id == doc_id(app, "P03")
        view = screen.transcript
        at = view.text.index("whole world")
        await pilot.pause()
        assert view.hits and view.hits[0] == (at, at + len("whole world"))
        assert view.cursor == at and view.has_focus


async def test_n_goes_on_to_the_next_document_with_the_code(app: WorkbenchApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_doc(app, pilot, "P03")
        sponsor = code_id(app, "sponsor")
        assert not any(c.code_id == sponsor for c in screen.transcript.visible_codings)
        app.show_code(sponsor)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert screen.document_id == doc_id(app, "P01")
        view = screen.transcript
        assert view.cursor == view.text.index("My sponsor.")
        assert sponsor in {c.code_id for c in view.codings_at(view.cursor)}
        assert "on to P01" in str(view.border_subtitle)  # the status survives the move
        await pilot.press("n")  # P01's only sponsor coding: past it, on to the next document
        await pilot.pause()  # none elsewhere: it stays and wraps, and says so
        assert screen.document_id == doc_id(app, "P01") and "(wrapped)" in str(view.border_subtitle)
        fmt = code_id(app, "format")
        p03 = app.wb.store.text(doc_id(app, "P03"))
        at = p03.index("recording")
        app.wb.store.add_coding(doc_id(app, "P03"), fmt, app.wb.store.coder("anna").id, at, at + 9)
        app.show_code(fmt)
        starts = sorted({c.start for c in view.visible_codings if c.code_id == fmt})
        view.move_cursor(starts[-1])
        await pilot.press("n")  # past the last format coding in P01: on to P03
        await pilot.pause()
        assert screen.document_id == doc_id(app, "P03") and view.cursor == at
