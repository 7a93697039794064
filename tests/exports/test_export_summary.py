"""Theme summary: counts, spread, memos and quotes, checked by hand and against SQL."""

from __future__ import annotations

import io
import sqlite3
from collections import defaultdict

import docx
import pytest
from export_helpers import PARTICIPANT, SUBTREE, Tiny, sql_participants_in_scope, sql_theme_counts
from lxml import html as lxml_html

from workbench.bootstrap import Workbench
from workbench.core.errors import UnknownCode, UnknownCoder, WorkbenchError
from workbench.core.summary import Condition, Filters, Quote, Summary
from workbench.io.export import docx as docx_out
from workbench.io.export import html as html_out
from workbench.io.export import markdown as md_out
from workbench.workflows.themes import build_summary, parse_condition, value_labeller


def rows(summary: Summary) -> dict[str, tuple[int, int, int]]:
    return {r.key: (r.participants, r.documents, r.codings) for r in summary.rows}


# -- the tiny project: hand-checked -------------------------------------------------------------


def test_tiny_counts_by_hand_all_coders(tiny: Tiny) -> None:
    s = build_summary(tiny.wb.store, Filters())
    assert s.participants_in_scope == ("Extra", "P1", "P2")  # Extra: no case, own participant
    assert s.documents_in_scope == 3 and s.total_codings == 7
    assert s.coders == ("anna", "ben")
    assert rows(s) == {
        "t": (3, 3, 5),  # A and B codings roll up into S and T
        "s": (3, 3, 5),
        "a": (2, 2, 3),  # anna and ben both coded A in P1: two codings, one participant
        "b": (2, 2, 2),
        "u": (2, 2, 2),
        "c": (2, 2, 2),
    }
    by_key = {r.key: r for r in s.rows}
    assert by_key["a"].participant_labels == ("P1", "P2")
    assert by_key["b"].participant_labels == ("Extra", "P1")
    assert by_key["t"].own_codings == 0 and by_key["a"].own_codings == 3
    assert [r.path for r in s.rows] == [
        "Theme T", "Theme T > Sub S", "Theme T > Sub S > Code A", "Theme T > Sub S > Code B",
        "Theme U", "Theme U > Code C",
    ]  # fmt: skip


def test_tiny_counts_by_hand_one_coder(tiny: Tiny) -> None:
    anna = build_summary(tiny.wb.store, Filters(coder="anna"))
    assert len(anna.participants_in_scope) == 3
    assert rows(anna)["a"] == (2, 2, 2) and rows(anna)["c"] == (1, 1, 1)
    ben = build_summary(tiny.wb.store, Filters(coder="ben"))
    assert ben.participants_in_scope == ("P1", "P2")  # ben never coded Extra
    assert rows(ben) == {
        "t": (1, 1, 1), "s": (1, 1, 1), "a": (1, 1, 1), "b": (0, 0, 0),
        "u": (1, 1, 1), "c": (1, 1, 1),
    }  # fmt: skip


def test_tiny_filters_codes_where_documents(tiny: Tiny) -> None:
    store = tiny.wb.store
    s = build_summary(store, Filters(codes=("s",)))
    assert [r.key for r in s.rows] == ["s", "a", "b"]  # a code brings its subtree
    assert s.total_codings == 5
    women = build_summary(store, Filters(where=(Condition("gender", "=", "Woman"),)))
    assert women.participants_in_scope == ("P1",)
    assert rows(women)["a"] == (1, 1, 2)
    either = build_summary(
        store, Filters(where=(parse_condition("gender=woman"), parse_condition("gender=man")))
    )
    assert either.participants_in_scope == ("P1", "P2")  # same attribute: OR
    both = build_summary(
        store, Filters(where=(parse_condition("gender=woman"), parse_condition("years>=10")))
    )
    assert both.is_empty and both.participants_in_scope == ()  # different attributes: AND
    veterans = build_summary(store, Filters(where=(parse_condition("years>=10"),)))
    assert veterans.participants_in_scope == ("P2",)
    docs = build_summary(store, Filters(documents=("Extra",)))
    assert docs.participants_in_scope == ("Extra",) and rows(docs)["b"] == (1, 1, 1)


def test_tiny_unknown_names_raise_one_line_errors(tiny: Tiny) -> None:
    store = tiny.wb.store
    with pytest.raises(UnknownCoder, match="coders: anna, ben"):
        build_summary(store, Filters(coder="carl"))
    with pytest.raises(UnknownCoder, match="no reconciled codings"):
        build_summary(store, Filters(coder="consensus"))
    with pytest.raises(UnknownCode):
        build_summary(store, Filters(codes=("nope",)))
    with pytest.raises(WorkbenchError, match="unknown attribute 'sex'.*gender, years"):
        build_summary(store, Filters(where=(Condition("sex", "=", "m"),)))
    with pytest.raises(WorkbenchError, match="needs a number"):
        parse_condition("years>=many")
    with pytest.raises(WorkbenchError, match="ATTRIBUTE=VALUE"):
        parse_condition("gender")


def test_consensus_coder_is_just_a_coder_named_consensus(tiny: Tiny) -> None:
    store = tiny.wb.store
    consensus = store.ensure_coder("consensus")
    doc = store.document("P1")
    store.add_coding(doc.id, store.code("a").id, consensus.id, 0, 20)
    s = build_summary(store, Filters(coder="consensus"))
    assert s.coders == ("consensus",) and s.total_codings == 1
    assert rows(s)["a"] == (1, 1, 1)
    assert rows(build_summary(store, Filters()))["a"] == (2, 2, 4)  # all = union


def test_tiny_spread_counts_participants_per_attribute_value(tiny: Tiny) -> None:
    s = build_summary(tiny.wb.store, Filters())
    population = {a.attribute: {v.value: v.count for v in a.values} for a in s.population}
    assert population == {
        "gender": {"man": 1, "woman": 1, "(not recorded)": 1},
        "years": {"12": 1, "3": 1, "(not recorded)": 1},
    }
    a = next(r for r in s.rows if r.key == "a")
    gender = {v.value: (v.count, v.total) for v in a.spread[0].values}
    assert gender == {"man": (1, 1), "woman": (1, 1), "(not recorded)": (0, 1)}
    only = build_summary(tiny.wb.store, Filters(), attributes=["GENDER"])
    assert [sp.attribute for sp in only.population] == ["gender"]


def test_numeric_attributes_with_many_values_are_grouped() -> None:
    labels, binned = value_labeller(["1", "4", "6", "11", "17", "22", "3"])
    assert binned
    assert labels == {"1": "0-4", "4": "0-4", "3": "0-4", "6": "5-9", "11": "10-14",
                      "17": "15-19", "22": "20-24"}  # fmt: skip
    assert value_labeller(["man", "woman"]) == ({"man": "man", "woman": "woman"}, False)
    assert value_labeller(["1", "2", "3"])[1] is False  # few values stay as they are


def test_tiny_quotes_starred_first_then_other_participants_no_duplicate_passages(
    tiny: Tiny,
) -> None:
    s = build_summary(tiny.wb.store, Filters(), quotes=3)
    a = next(r for r in s.rows if r.key == "a")
    # anna's starred P1 quote, then P2; ben's P1 coding is the same passage: skipped
    assert [(q.participant, q.coder, q.start, q.starred) for q in a.quotes] == [
        ("P1", "anna", 0, True),
        ("P2", "anna", 5, False),
    ]
    assert build_summary(tiny.wb.store, Filters(), quotes=1).rows[2].quotes[0].starred
    assert all(not r.quotes for r in build_summary(tiny.wb.store, Filters(), quotes=0).rows)
    assert next(r for r in s.rows if r.key == "t").quotes == ()  # no own codings


def test_tiny_quote_text_and_location(tiny: Tiny) -> None:
    s = build_summary(tiny.wb.store, Filters(coder="anna"))
    c = next(r for r in s.rows if r.key == "c").quotes[0]
    assert c.text == tiny.texts["P1"][40:60]
    assert (c.document, c.turn, c.speaker, c.media_start) == ("P1", 2, "I", 75.5)
    assert c.media_time == "00:01:15"
    assert c.label == "P1 · turn 2 (I) · 00:01:15 · chars 40-60"
    b = next(r for r in s.rows if r.key == "b")
    extra = next(q for q in b.quotes if q.participant == "Extra")
    assert extra.text == "=SUM(1,2) " and extra.case == "" and extra.attributes == {}
    p1 = next(q for q in b.quotes if q.participant == "P1")
    assert p1.memo == "B memo" and p1.attributes == {"gender": "woman", "years": "3"}


def test_tiny_memos_include_the_codebook_memo_and_coder_memos(tiny: Tiny) -> None:
    store = tiny.wb.store
    anna, ben = store.coder("anna"), store.coder("ben")
    store.add_memo("code", store.code("t").id, "Anna thinks T is broad.", anna.id)
    store.add_memo("code", store.code("t").id, "Ben disagrees.", ben.id)
    t = build_summary(store, Filters(coder="anna")).rows[0]
    assert [(m.author, m.text) for m in t.memos] == [
        ("codebook", "Theme memo."),
        ("anna", "Anna thinks T is broad."),
    ]
    assert len(build_summary(store, Filters()).rows[0].memos) == 3


# -- renderers on the tiny project ---------------------------------------------------------------


def test_markdown_summary(tiny: Tiny) -> None:
    summary = build_summary(tiny.wb.store, Filters(), project="Tiny")
    text = md_out.summary_markdown(summary)
    assert "# Theme summary: Tiny" in text
    assert "| **1 Theme T** | 3 | 3 | 5 |" in text
    assert "\u00a0" * 8 + "1.1.1 Code A | 2 | 2 | 3 |" in text
    assert "codings of this code and its sub-codes" in text
    for q in (q for r in summary.rows for q in r.quotes):
        for line in q.text.split("\n"):  # exact text, one blockquote line per text line
            assert "> " + line in text
    assert "*P1 · turn 1 · 00:00:00 · chars 0-20 · coded by anna · starred*" in text


def test_html_summary_is_self_contained_and_keeps_quote_text(tiny: Tiny) -> None:
    summary = build_summary(tiny.wb.store, Filters(), project="Tiny")
    page = html_out.summary_html(summary)
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert "<svg" in page
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//@src") and all(h.startswith("#") for h in tree.xpath("//@href"))
    texts = [p.text_content() for p in tree.xpath("//p[@class='quote-text']")]
    expected = [q.text for r in summary.rows for q in r.quotes]
    assert texts == expected and tiny.texts["P2 interview"][5:25] in texts


def test_docx_summary_reads_back(tiny: Tiny) -> None:
    summary = build_summary(tiny.wb.store, Filters(), project="Tiny")
    buffer = io.BytesIO()
    docx_out.render_summary(summary, buffer)
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    overview = document.tables[0]
    cells = [[c.text for c in row.cells] for row in overview.rows]
    assert cells[0] == ["Theme / code", "Participants (of 3)", "Documents", "Codings"]
    assert cells[1:] == [
        ["1 Theme T", "3", "3", "5"], ["1.1 Sub S", "3", "3", "5"],
        ["1.1.1 Code A", "2", "2", "3"], ["1.1.2 Code B", "2", "2", "2"],
        ["2 Theme U", "2", "2", "2"], ["2.1 Code C", "2", "2", "2"],
    ]  # fmt: skip
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [q.text for r in summary.rows for q in r.quotes]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1.1.1 Code A" in headings


# -- the sample study: against SQL --------------------------------------------------------------


@pytest.mark.parametrize("coder", [None, "anna", "ben"])
def test_sample_counts_equal_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, coder: str | None
) -> None:
    s = build_summary(sample_ro.store, Filters(coder=coder or "all"))
    assert rows(s) == sql_theme_counts(sample_sql, coder)
    assert len(s.participants_in_scope) == sql_participants_in_scope(sample_sql, coder)
    assert len(s.rows) == sample_sql.execute("SELECT COUNT(*) FROM code").fetchone()[0]


def test_sample_participants_in_scope_by_hand(sample_ro: Workbench) -> None:
    # anna coded all ten interviews, ben five of them
    assert len(build_summary(sample_ro.store, Filters(coder="anna")).participants_in_scope) == 10
    assert len(build_summary(sample_ro.store, Filters(coder="ben")).participants_in_scope) == 5
    assert build_summary(sample_ro.store, Filters()).participants_in_scope == tuple(
        f"P{i:02d}" for i in range(1, 11)
    )


def test_sample_where_filter_equals_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection
) -> None:
    s = build_summary(sample_ro.store, Filters(where=(Condition("gender", "=", "woman"),)))
    assert rows(s) == sql_theme_counts(sample_sql, None, gender="woman")
    women = sample_sql.execute(
        "SELECT COUNT(*) FROM case_attribute WHERE name='gender' AND value='woman'"
    ).fetchone()[0]
    assert len(s.participants_in_scope) == women


def test_sample_gender_spread_equals_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection
) -> None:
    s = build_summary(sample_ro.store, Filters(), attributes=["gender"])
    q = f"""{SUBTREE}
    SELECT r.key, a.value, COUNT(DISTINCT {PARTICIPANT})
    FROM sub JOIN code r ON r.id = sub.root
    JOIN coding g ON g.code_id = sub.id JOIN document d ON d.id = g.document_id
    JOIN case_attribute a ON a.case_id = d.case_id AND a.name = 'gender'
    GROUP BY r.key, a.value"""
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    for key, value, n in sample_sql.execute(q):
        expected[key][value] = n
    for r in s.rows:
        got = {v.value: v.count for v in r.spread[0].values if v.count}
        assert got == expected.get(r.key, {}), r.key


def test_sample_quotes_are_exact_and_starred_first(
    sample_ro: Workbench, sample_sql: sqlite3.Connection
) -> None:
    s = build_summary(sample_ro.store, Filters(), quotes=3)
    texts = dict(sample_sql.execute("SELECT name, text FROM document"))
    starred = {
        key: n
        for key, n in sample_sql.execute(
            "SELECT c.key, COUNT(*) FROM coding g JOIN code c ON c.id = g.code_id "
            "WHERE g.starred GROUP BY c.key"
        )
    }
    seen = 0
    for r in s.rows:
        assert len(r.quotes) <= 3
        for q in r.quotes:
            assert q.text == texts[q.document][q.start : q.end]
            seen += 1
        flags = [q.starred for q in r.quotes]
        assert flags == sorted(flags, reverse=True), r.key  # starred ones come first
        if starred.get(r.key):
            assert r.quotes[0].starred, r.key
    assert seen > 20


def test_sample_renders_in_every_format(sample_ro: Workbench) -> None:
    s = build_summary(sample_ro.store, Filters(), project="Sample")
    for render in (md_out.render_summary, html_out.render_summary, docx_out.render_summary):
        buffer = io.BytesIO()
        render(s, buffer)
        assert len(buffer.getvalue()) > 1000


def _quote(text: str) -> Quote:
    return Quote(1, "k", "K", "doc", "P1", "P1", {}, "anna", text, 0, len(text))


def test_quote_label_without_turns() -> None:
    assert _quote("x").label == "P1 · doc · chars 0-1"


def test_quote_choice_prefers_medium_length(tiny: Tiny) -> None:
    store = tiny.wb.store
    anna, extra, c = store.coder("anna"), store.document("Extra"), store.code("c")
    text = tiny.texts["Extra"]
    store.add_coding(extra.id, c.id, anna.id, 0, 9)  # "=SUM(1,2)": one word
    store.add_coding(extra.id, c.id, anna.id, 10, len(text))  # eleven words
    rows = build_summary(store, Filters(coder="anna"), quotes=3).rows
    quotes = next(r for r in rows if r.key == "c").quotes
    # none starred, so: other participants first (Extra's longer passage, then P1),
    # then the one-word passage from Extra
    assert [(q.participant, q.start) for q in quotes] == [("Extra", 10), ("P1", 40), ("Extra", 0)]
