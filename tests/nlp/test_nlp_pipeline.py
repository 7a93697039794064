"""The spaCy pipeline: built offline in one place, core's sentences, keywords matched on lemmas."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.bootstrap import Workbench
from workbench.core.errors import CodebookError, WorkbenchError
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.services.sentences import sentence_spans
from workbench.nlp.pipeline import SENTENCE_GROUP, SENTENCES_KEY, get_nlp, parse


def test_importing_nlp_modules_does_not_load_spacy() -> None:
    mods = "workbench.nlp.pipeline, workbench.nlp.analysis, workbench.nlp.classifier, " + (
        "workbench.nlp.similar, workbench.workflows.suggestions, workbench.cli_suggest"
    )
    code = f"import sys, {mods}; print(sorted({{'spacy', 'thinc', 'textual'}} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_default_pipeline_is_blank_english_with_workbench_components() -> None:
    nlp = get_nlp()
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["workbench_sentences", "lemmatizer", "workbench_lemma_case"]
    doc = parse(nlp, "Meetings were boring. She relapsed twice, and we made amends.")
    lemmas = [t.lemma_ for t in doc]
    assert lemmas[:2] == ["meeting", "be"]  # the capitalised word is looked up again
    assert "relapse" in lemmas and "make" in lemmas and "amend" in lemmas


def test_sentences_are_cores_sentence_spans_on_the_sample(sample_wb: Workbench) -> None:
    nlp = get_nlp()
    store = sample_wb.store
    for doc_info in store.documents():
        text, turns = store.text(doc_info.id), store.turns(doc_info.id)
        expected = sentence_spans(text, turns)
        doc = parse(nlp, text, turns)
        assert doc.user_data[SENTENCES_KEY] == expected
        assert [(s.start_char, s.end_char) for s in doc.spans[SENTENCE_GROUP]] == expected
        # doc.sents: every core sentence is one spaCy sentence; the rest is speaker labels
        sents = set()
        for sent in doc.sents:
            words = [t for t in sent if not t.is_space]
            if words:
                sents.add((words[0].idx, words[-1].idx + len(words[-1])))
        assert set(expected) <= sents, doc_info.name
        extra = [text[a:b] for a, b in sents - set(expected)]
        assert all(len(x) <= 30 and x.rstrip().endswith(":") for x in extra), extra[:3]


def test_sentences_never_cross_a_turn() -> None:
    text = "I: How was it?\n\nP1: Good. Dr. Smith came. It was fine"
    turns = (Turn(3, 14, "I"), Turn(20, len(text), "P1"))
    doc = parse(get_nlp(), text, turns)
    got = [text[s.start_char : s.end_char] for s in doc.spans[SENTENCE_GROUP]]
    assert got == ["How was it?", "Good.", "Dr. Smith came.", "It was fine"]


def test_a_trained_pipeline_that_is_not_installed_is_a_clear_error() -> None:
    with pytest.raises(WorkbenchError, match="not installed"):
        get_nlp("en_workbench_missing_pipeline")


def _doc(text: str, turns: tuple[Turn, ...]) -> ParsedDocument:
    return ParsedDocument(
        name="T01",
        text=text,
        turns=turns,
        source_format="txt",
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


def _codebook(patterns: tuple[str, ...]) -> CodebookSpec:
    return CodebookSpec(
        name="test",
        codes=(
            CodeSpec(key="relapse-shame", name="Shame after relapse", keywords=("relapse",)),
            CodeSpec(
                key="working-the-steps", name="Working the steps", keywords=(), patterns=patterns
            ),
        ),
    )


def test_keyword_suggester_matches_lemmas_and_patterns_and_stores_provenance(wb: Workbench) -> None:
    from workbench.workflows.suggestions import generate, pending

    text = (
        "Interviewer: Did you ever relapse?\n\n"
        "P01: Yes. I relapsed twice that winter. Later I made amends to my brother. "
        "Nothing else happened."
    )
    turns = (Turn(13, 34, "Interviewer"), Turn(41, len(text), "P01"))
    doc = wb.store.add_document(_doc(text, turns))
    amends = json.dumps([{"LEMMA": "make"}, {"LOWER": {"IN": ["amends", "amend"]}}])
    wb.store.import_codebook(_codebook((amends,)))
    anna = wb.use_coder("anna")
    list(generate(wb.store, [doc.id], anna.id, sources=("keyword",)))
    found = {(text[s.start : s.end], wb.store.code(s.code_id).key): s for s in pending(wb.store)}
    # the interviewer's question also says "relapse", but questions are never suggested
    assert set(found) == {
        ("I relapsed twice that winter.", "relapse-shame"),
        ("Later I made amends to my brother.", "working-the-steps"),
    }
    kw = found[("I relapsed twice that winter.", "relapse-shame")]
    assert kw.source == "keyword" and kw.status == "pending" and kw.coder_id == anna.id
    assert kw.detail == 'keyword "relapse"'
    assert kw.version.startswith("codebook-") and 0 < kw.score < 1
    pat = found[("Later I made amends to my brother.", "working-the-steps")]
    assert pat.detail == 'pattern "made amends"'
    assert pat.score > kw.score  # a token pattern is stronger evidence than one keyword


def test_a_broken_token_pattern_names_the_code(wb: Workbench) -> None:
    from workbench.nlp.analysis import keyword_suggester

    wb.store.import_codebook(_codebook(('[{"NOT_AN_ATTR": "x"}]',)))
    with pytest.raises(CodebookError, match="working-the-steps"):
        keyword_suggester(wb.store.codes())


def test_the_suggester_is_a_registered_factory_that_saves_its_codebook(tmp_path: Path) -> None:
    import spacy

    from workbench.nlp.pipeline import SENTENCES_KEY as KEY

    nlp = spacy.blank("en")
    nlp.add_pipe("workbench_sentences")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("workbench_lemma_case")
    suggester = nlp.add_pipe("workbench_suggester", config={"threshold": 0.3})
    nlp.initialize()
    suggester.add_codes(_codebook(('[{"LEMMA": "make"}, {"LOWER": "amends"}]',)).codes)
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    text = "She relapsed last winter. We made amends."
    doc = loaded.make_doc(text)
    doc.user_data[KEY] = [(0, 25), (26, len(text))]
    hits = loaded(doc)._.workbench_keyword_hits
    assert [(h.code, text[h.start : h.end]) for h in hits] == [
        ("relapse-shame", "She relapsed last winter."),
        ("working-the-steps", "We made amends."),
    ]


def test_bucket_hashing_matches_thincs_sparse_linear() -> None:
    """The classifier fits SparseLinear weights in numpy: its hashing must be thinc's."""
    import numpy
    from thinc.api import SparseLinear_v2

    from workbench.nlp.classifier import bucket

    length = 2**10
    layer = SparseLinear_v2(nO=1, length=length)
    layer.initialize()
    keys = numpy.array([1, 2**40 + 7, 18446744073709551557, 123456789], dtype="uint64")
    for key in keys:
        weights = numpy.zeros(length, dtype="float32")
        one = numpy.array([key], dtype="uint64")
        weights[bucket(one, 0, length)[0]] += 1.0
        weights[bucket(one, 1, length)[0]] += 10.0
        layer.set_param("W", weights)
        out = layer.predict((one, numpy.ones(1, dtype="float32"), numpy.ones(1, dtype="int32")))
        assert float(out[0, 0]) == 11.0
