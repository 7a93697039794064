"""The benchmark harness itself: the corpus generator keeps its promises, the report renders.

No timings are asserted here; ``python -m bench`` measures, the tests only check that
what it measures on is what it says.
"""

from __future__ import annotations

import dataclasses
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # plain `pytest` (not `python -m pytest`) from elsewhere
    sys.path.insert(0, str(REPO))

from bench.corpus import CorpusSpec, generate  # noqa: E402
from bench.report import BenchResult, Row, Series, render_markdown, render_table, svg_plot  # noqa: E402
from workbench.core.services.sentences import sentence_spans  # noqa: E402
from workbench.io.speakers import build_turns  # noqa: E402

TINY = CorpusSpec(transcripts=3, words=600, codes=8, coders=3, agreement=0.75, codings=40)


@pytest.mark.parametrize("agreement", [0.0, 0.5, 0.75, 1.0])
def test_controlled_disagreement_rate_is_as_asked(agreement: float) -> None:
    corpus = generate(dataclasses.replace(TINY, agreement=agreement))
    assert len(corpus.codings) == TINY.transcripts * TINY.coders * TINY.codings
    assert len(corpus.truth) == TINY.transcripts * TINY.codings
    # every coder, on every transcript, agrees with the truth on exactly the share asked
    truth = {tuple(r) for r in corpus.truth[:, [0, 1, 3, 4]].tolist()}
    for coder in range(TINY.coders):
        for doc in range(TINY.transcripts):
            rows = corpus.codings[(corpus.codings[:, 2] == coder) & (corpus.codings[:, 0] == doc)]
            hits = sum(tuple(r) in truth for r in rows[:, [0, 1, 3, 4]].tolist())
            assert hits == TINY.codings - round((1 - agreement) * TINY.codings)
    assert corpus.observed_agreement() == pytest.approx(agreement, abs=1 / TINY.codings)


def test_corpus_is_seeded_and_matches_the_workbench_units() -> None:
    a, b = generate(TINY), generate(TINY)
    assert [t.text for t in a.transcripts] == [t.text for t in b.transcripts]
    assert (a.codings == b.codings).all()
    assert generate(dataclasses.replace(TINY, seed=1)).transcripts[0].text != (
        a.transcripts[0].text
    )
    for t in a.transcripts:
        # speaker labels parse into the generated turns; core finds the generated sentences
        assert build_turns(t.text) == t.turns
        assert sentence_spans(t.text, t.turns) == [tuple(s) for s in t.sentences.tolist()]
        assert 550 <= t.words <= 650
    # codings are whole sentences inside the text, with known codes and coders
    lengths = [len(t.text) for t in a.transcripts]
    for doc, code, coder, start, end in a.codings.tolist():
        assert 0 <= start < end <= lengths[doc]
        assert 0 <= code < TINY.codes and 0 <= coder < TINY.coders
    assert len(a.codebook.codes) == TINY.codes


def fake_results() -> list[BenchResult]:
    plot = Series("fake", "Fake: time vs size", "transcripts", "seconds")
    plot.add("ours", 10, 0.5)
    plot.add("ours", 100, 4.0)
    plot.add("baseline", 10, 0.1)
    plot.add("baseline", 100, 1.0)
    plot.hlines.append([60.0, "target 60 s"])
    return [
        BenchResult(
            "import",
            "Import throughput",
            rows=[
                Row(
                    "import",
                    "500 x 10,000 words",
                    12.5,
                    2.5,
                    "sqlite3",
                    limit=60.0,
                    target="< 60 s",
                    cpu=11.0,
                ),
                Row(
                    "info",
                    "1,000,000 codings",
                    3.0,
                    0.01,
                    "sqlite3",
                    limit=2.0,
                    target="< 2 s",
                    cpu=1.5,
                ),
                Row(
                    "size",
                    "1 MB",
                    3 * 2**20,
                    2**20,
                    "raw text",
                    unit="B",
                    limit=2**20,
                    target="<= 1 MB",
                ),
                Row("suggest", "300 sentences", 500.0, 50_000.0, "tokenizer", unit="/s"),
            ],  # fmt: skip
            series=[plot],
            notes=["a note"],
        ),
        BenchResult("tui", "Coding screen", skipped="the coding screen is not ready"),
    ]


def test_report_renders_a_table_from_fake_results() -> None:
    rows = fake_results()[0].rows
    table = render_table(rows)
    lines = table.strip().splitlines()
    assert lines[0].startswith("| what | size | ours |")
    assert len(lines) == 2 + len(rows)
    assert "| import | 500 x 10,000 words | 12.50 s | 11.00 s | sqlite3 | 2.50 s | 5.00x |" in table
    assert "**pass**" in lines[2]
    assert "pass (CPU)" in lines[3]  # 3 s wall misses 2 s, 1.5 s CPU does not
    assert "3.0 MB" in lines[4] and "**miss**" in lines[4]
    assert "500/s" in lines[5] and "1/100x" in lines[5]
    md = render_markdown(fake_results(), {"CPU": "test"}, plots={"fake": "benchmarks/fake.svg"})
    assert "## Targets" in md and "## Import throughput" in md
    assert "Skipped: the coding screen is not ready" in md
    assert "![Fake: time vs size](benchmarks/fake.svg)" in md
    assert "| CPU | test |" in md


def test_svg_plot_is_well_formed() -> None:
    svg = svg_plot(fake_results()[0].series[0])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert len(root.findall(f"{ns}polyline")) == 2  # one line per series
    assert len(root.findall(f"{ns}circle")) == 4
    assert "target 60 s" in svg
