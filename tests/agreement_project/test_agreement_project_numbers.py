"""Project-level agreement on the sample study, checked against an independent computation.

The presence matrices are rebuilt here in plain Python from SQL rows (sqlite3, not the
store) and the shared unit definitions (``sentence_spans``/``turn_spans``); per-code
kappa and alpha are compared with ``statsmodels`` and the ``krippendorff`` package, the
pooled and per-document rows with the engine in ``workbench.agreement`` on the stacked
matrices, and the disagreement list with the units where the matrices differ.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa

from workbench.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.bootstrap import Workbench
from workbench.core.agreement_report import AgreementReport
from workbench.core.errors import UnknownCode, UnknownCoder, WorkbenchError
from workbench.core.model import Turn
from workbench.core.services.sentences import sentence_spans, turn_spans
from workbench.store.repos import NewCoding
from workbench.workflows.agreement import (
    AgreementRequest,
    compute_agreement,
    default_coders,
    run_agreement,
)

CODERS = ("anna", "ben")

# statsmodels computes standard errors we do not use; with tiny tables they warn
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:statsmodels.*")


@dataclass
class Study:
    """The sample study read with plain SQL."""

    coder_ids: dict[str, int]
    names: dict[int, str]  # document id -> name
    texts: dict[int, str]
    turns: dict[int, list[Turn]]
    codings: list[tuple[int, int, int, int, int]]  # document, code, coder, start, end


def read_study(path: Path) -> Study:
    con = sqlite3.connect(path)
    try:
        coder_ids = {n: i for i, n in con.execute("select id, name from coder")}
        names, texts = {}, {}
        for i, name, text in con.execute("select id, name, text from document"):
            names[i], texts[i] = name, text
        turns: dict[int, list[Turn]] = defaultdict(list)
        for doc, start, end, speaker in con.execute(
            'select document_id, start, "end", speaker from turn order by document_id, idx'
        ):
            turns[doc].append(Turn(start, end, speaker))
        codings = list(
            con.execute('select document_id, code_id, coder_id, start, "end" from coding')
        )
    finally:
        con.close()
    return Study(coder_ids, names, texts, dict(turns), codings)


def shared_documents(study: Study, coders: tuple[str, ...]) -> list[int]:
    ids = {study.coder_ids[c] for c in coders}
    by_doc: dict[int, set[int]] = defaultdict(set)
    for doc, _code, coder, _s, _e in study.codings:
        by_doc[doc].add(coder)
    shared = [d for d, who in by_doc.items() if ids <= who]
    return sorted(shared, key=lambda d: int(study.names[d][1:]))


def units_of(study: Study, doc: int, unit: str) -> list[tuple[int, int]]:
    text, turns = study.texts[doc], study.turns.get(doc, [])
    if unit == "sentence":
        return sorted(sentence_spans(text, turns))
    return sorted(turn_spans(text, turns))


def matrices(
    study: Study, unit: str, coders: tuple[str, ...], docs: list[int]
) -> dict[tuple[int, int], np.ndarray]:
    """(code id, document id) -> units x coders 0/1 matrix, built without numpy tricks."""
    ids = [study.coder_ids[c] for c in coders]
    spans: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    codes = set()
    for doc, code, coder, start, end in study.codings:
        if doc in docs and coder in ids:
            spans[(doc, code, coder)].append((start, end))
            codes.add(code)
    out = {}
    for code in sorted(codes):
        for doc in docs:
            columns = []
            for coder in ids:
                mine = spans.get((doc, code, coder), [])
                if unit == "char":
                    covered = bytearray(len(study.texts[doc]))
                    for a, b in mine:
                        covered[a:b] = b"\x01" * (b - a)
                    columns.append(list(covered))
                else:
                    columns.append(
                        [
                            int(any(a < e and b > s for a, b in mine))
                            for s, e in units_of(study, doc, unit)
                        ]
                    )
            out[(code, doc)] = np.array(columns, dtype=float).T
    return out


@pytest.fixture(scope="module")
def reports(_sample_project_file: Path) -> dict[str, AgreementReport]:
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    wb = open_workbench(Settings(project=str(_sample_project_file)))
    try:
        return {
            unit: compute_agreement(wb.store, AgreementRequest(CODERS, unit))
            for unit in ("sentence", "turn", "char")
        }
    finally:
        wb.close()


@pytest.fixture(scope="module")
def study(_sample_project_file: Path) -> Study:
    return read_study(_sample_project_file)


_MATRICES: dict[str, dict[tuple[int, int], np.ndarray]] = {}


def anna_ben(study: Study, unit: str) -> dict[tuple[int, int], np.ndarray]:
    """``matrices`` for anna and ben on their shared documents, built once per unit."""
    if unit not in _MATRICES:
        _MATRICES[unit] = matrices(study, unit, CODERS, shared_documents(study, CODERS))
    return _MATRICES[unit]


@pytest.mark.parametrize("unit", ["sentence", "turn", "char"])
def test_agreement_per_code_matches_statsmodels_and_krippendorff(
    unit: str, reports: dict[str, AgreementReport], study: Study
) -> None:
    report = reports[unit]
    docs = shared_documents(study, CODERS)
    assert [d.id for d in report.documents] == docs
    mats = anna_ben(study, unit)
    codes_with_codings = sorted({code for code, _doc in mats})
    assert sorted(c.id for c in report.codes) == codes_with_codings
    for row in report.rows:
        x = np.vstack([mats[(row.code_id, d)] for d in docs])
        assert row.n_units == x.shape[0]
        assert row.prevalence == pytest.approx(float((x.max(axis=1) > 0).mean()))
        assert row.applied == tuple(int(v) for v in x.sum(axis=0))
        table = np.zeros((2, 2))
        for a, b in x.astype(int):
            table[a, b] += 1
        assert row.disagreements == table[0, 1] + table[1, 0]
        assert row.percent_agreement.value == pytest.approx(np.trace(table) / x.shape[0])
        assert row.kappa.value == pytest.approx(sm_cohens_kappa(table).kappa, abs=1e-9)
        expected_alpha = krippendorff.alpha(reliability_data=x.T, level_of_measurement="nominal")
        assert row.alpha.value == pytest.approx(expected_alpha, abs=1e-9)
        assert row.ac1.value == pytest.approx(gwet_ac1(x, n_categories=2).value, abs=1e-12)
        assert row.alpha.band and row.alpha.source == "Krippendorff (2004)"
        assert row.kappa.source == "Landis & Koch (1977)"
        assert (row.u_alpha is not None) == (unit == "char")


@pytest.mark.parametrize("unit", ["sentence", "turn", "char"])
def test_agreement_pooled_and_documents_equal_the_engine(
    unit: str, reports: dict[str, AgreementReport], study: Study
) -> None:
    report = reports[unit]
    docs = shared_documents(study, CODERS)
    mats = anna_ben(study, unit)
    codes = [c.id for c in report.codes]

    def check(row_stats, x: np.ndarray) -> None:  # noqa: ANN001
        assert row_stats.n_units == x.shape[0]
        assert row_stats.kappa.value == pytest.approx(cohen_kappa(x).value, abs=1e-12)
        assert row_stats.alpha.value == pytest.approx(krippendorff_alpha(x).value, abs=1e-12)
        pa = percent_agreement(x).value
        assert row_stats.percent_agreement.value == pytest.approx(pa, abs=1e-12)
        assert row_stats.ac1.value == pytest.approx(gwet_ac1(x, 2).value, abs=1e-12)

    check(report.pooled, np.vstack([mats[(c, d)] for c in codes for d in docs]))
    for row, doc in zip(report.by_document, docs, strict=True):
        assert row.document_id == doc
        check(row, np.vstack([mats[(c, doc)] for c in codes]))
    cell = report.cell(codes[0], docs[0])
    assert cell is not None
    x = mats[(codes[0], docs[0])]
    if krippendorff_alpha(x).value is None:
        assert cell.alpha.value is None and cell.alpha.reason
    else:
        assert cell.alpha.value == pytest.approx(krippendorff_alpha(x).value, abs=1e-12)


@pytest.mark.parametrize("unit", ["sentence", "turn"])
def test_agreement_disagreements_are_exactly_the_differing_units(
    unit: str, reports: dict[str, AgreementReport], study: Study
) -> None:
    report = reports[unit]
    docs = shared_documents(study, CODERS)
    mats = anna_ben(study, unit)
    codes = [c.id for c in report.codes]
    differing: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for doc in docs:
        spans = units_of(study, doc, unit)
        for code in codes:
            x = mats[(code, doc)]
            for (s, e), (a, b) in zip(spans, x, strict=True):
                if a != b:
                    differing[(doc, s, e)].add(code)
    listed = {(d.document_id, d.start, d.end): set(d.disputed) for d in report.disagreements}
    assert listed == differing
    off_diagonal = sum(len(v) for v in differing.values())
    assert sum(len(d.disputed) for d in report.disagreements) == off_diagonal
    assert off_diagonal == report.pooled.disagreements
    for code, row in zip(codes, report.rows, strict=True):
        assert len(report.disagreements_for(code)) == row.disagreements
    for d in report.disagreements:
        assert d.text == study.texts[d.document_id][d.start : d.end]
        assert d.document == study.names[d.document_id]
        for coder_codes in d.applied:
            assert set(coder_codes) <= set(codes)
    order = [(docs.index(d.document_id), d.start) for d in report.disagreements]
    assert order == sorted(order)
    assert [d.number for d in report.disagreements] == list(range(1, len(report.disagreements) + 1))


def test_agreement_char_disagreements_cover_exactly_the_differing_characters(
    reports: dict[str, AgreementReport], study: Study
) -> None:
    report = reports["char"]
    docs = shared_documents(study, CODERS)
    mats = anna_ben(study, "char")
    for code, row in zip([c.id for c in report.codes], report.rows, strict=True):
        covered = sum(d.end - d.start for d in report.disagreements_for(code))
        off_diagonal = sum(
            int((mats[(code, d)][:, 0] != mats[(code, d)][:, 1]).sum()) for d in docs
        )
        assert covered == off_diagonal == row.disagreements
    for doc in docs:
        any_diff = np.zeros(len(study.texts[doc]), dtype=bool)
        for code in (c.id for c in report.codes):
            x = mats[(code, doc)]
            any_diff |= x[:, 0] != x[:, 1]
        mine = [d for d in report.disagreements if d.document_id == doc]
        assert sum(d.end - d.start for d in mine) == int(any_diff.sum())
        for d in mine:
            assert any_diff[d.start : d.end].all()
            assert d.text == study.texts[doc][d.start : d.end]


def test_agreement_reports_left_out_documents_and_units(
    reports: dict[str, AgreementReport],
) -> None:
    report = reports["sentence"]
    assert [d.name for d in report.documents] == ["P01", "P02", "P03", "P06", "P07"]
    assert [(d.name, d.coded_by) for d in report.excluded] == [
        (name, ("anna",)) for name in ("P04", "P05", "P08", "P09", "P10")
    ]
    assert any("not a disagreement" in n for n in report.notes)
    assert report.kappa_name == "Cohen's kappa"
    assert "sentence" in report.unit_meaning
    assert reports["char"].pooled.u_alpha is not None
    assert reports["char"].pooled.u_alpha.value is None


def test_agreement_three_coders_use_fleiss_and_match_krippendorff(sample_wb: Workbench) -> None:
    store = sample_wb.store
    cleo = store.ensure_coder("cleo")
    anna, ben = store.coder("anna"), store.coder("ben")
    rows = []
    for c in store.codings():
        if c.coder_id == ben.id and c.document_id % 2:  # cleo copies ben on odd documents
            rows.append(NewCoding(c.document_id, c.code_id, cleo.id, c.start, c.end))
        elif c.coder_id == anna.id and c.document_id % 2 == 0:  # and anna on even ones
            rows.append(NewCoding(c.document_id, c.code_id, cleo.id, c.start, c.end))
    store.add_codings_bulk(rows, "test", "cleo")
    report = compute_agreement(store, AgreementRequest(("anna", "ben", "cleo"), "sentence"))
    assert report.kappa_key == "fleiss_kappa"
    study = read_study(Path(sample_wb.settings.project))
    docs = shared_documents(study, ("anna", "ben", "cleo"))
    assert [d.id for d in report.documents] == docs
    mats = matrices(study, "sentence", ("anna", "ben", "cleo"), docs)
    for row in report.rows:
        x = np.vstack([mats[(row.code_id, d)] for d in docs])
        expected = krippendorff.alpha(reliability_data=x.T, level_of_measurement="nominal")
        assert row.alpha.value == pytest.approx(expected, abs=1e-9)
        assert row.kappa.value == pytest.approx(fleiss_kappa(x).value, abs=1e-12)
        assert row.percent_agreement.value == pytest.approx(percent_agreement(x).value)
    x = np.vstack([mats[(c.id, d)] for c in report.codes for d in docs])
    assert report.pooled.kappa.value == pytest.approx(fleiss_kappa(x).value, abs=1e-12)
    assert report.pooled.ac1.value == pytest.approx(gwet_ac1(x, 2).value, abs=1e-12)
    for d in report.disagreements:
        assert len(d.applied) == 3


def test_agreement_request_errors(sample_wb: Workbench) -> None:
    store = sample_wb.store
    with pytest.raises(UnknownCoder, match="zed"):
        compute_agreement(store, AgreementRequest(("anna", "zed")))
    with pytest.raises(UnknownCode):
        compute_agreement(store, AgreementRequest(CODERS, codes=("no-such-code",)))
    with pytest.raises(WorkbenchError, match="at least two coders"):
        compute_agreement(store, AgreementRequest(("anna",)))
    with pytest.raises(WorkbenchError, match="listed twice"):
        compute_agreement(store, AgreementRequest(("anna", "anna")))
    with pytest.raises(WorkbenchError, match="unknown unit"):
        compute_agreement(store, AgreementRequest(CODERS, "paragraph"))
    with pytest.raises(WorkbenchError, match="no document .* coded by all of anna, ben"):
        compute_agreement(store, AgreementRequest(CODERS, documents=("P04", "P05")))


def test_agreement_filters_codes_and_documents(sample_wb: Workbench) -> None:
    store = sample_wb.store
    report = compute_agreement(
        store,
        AgreementRequest(CODERS, "turn", codes=("negative-experiences",), documents=("P01", "P03")),
    )
    assert [d.name for d in report.documents] == ["P01", "P03"]
    assert report.codes and all(c.path.startswith("Negative experiences") for c in report.codes)
    assert {c for d in report.disagreements for c in d.disputed} <= {c.id for c in report.codes}


def test_agreement_generator_reports_progress_and_stops_when_cancelled(
    sample_wb: Workbench,
) -> None:
    steps = list(run_agreement(sample_wb.store, AgreementRequest(CODERS)))
    assert isinstance(steps[-1], AgreementReport)
    progress = steps[:-1]
    assert progress and all(p.done <= p.total for p in progress)  # type: ignore[union-attr]
    cancelled = threading.Event()
    cancelled.set()
    assert not any(
        isinstance(s, AgreementReport)
        for s in run_agreement(sample_wb.store, AgreementRequest(CODERS), cancelled)
    )


def test_agreement_default_coders_share_the_most_documents(sample_wb: Workbench) -> None:
    assert default_coders(sample_wb.store) == ("anna", "ben")
