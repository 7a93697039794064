"""Keyword suggestions that a researcher can trust: the word itself, specific, capped.

Each rule has a test that fails without it: a lemma lookup that swaps the word
("well" -> "good") does not fire, lone stop words and backchannel sentences get
nothing, keywords common in the project or shared by many codes count less, and a
sentence (and a code in a document) gets only the best few suggestions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest

from workbench.bootstrap import Workbench
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.suggestions import Candidate
from workbench.nlp import keywords as kw
from workbench.nlp.pipeline import SENTENCE_GROUP, get_nlp, parse
from workbench.workflows import suggestions as sg


class _Code:
    def __init__(self, key: str, keywords: tuple[str, ...], patterns: tuple[str, ...] = ()):
        self.key, self.keywords, self.patterns = key, keywords, patterns


def _suggester(*codes: _Code) -> Any:
    from workbench.nlp.components import CodeSuggester

    suggester = CodeSuggester(get_nlp())
    suggester.add_codes(codes)
    return suggester


def _hits(suggester: Any, text: str, stats: kw.KeywordStats | None = None) -> dict[str, set[str]]:
    """Sentence text -> codes suggested for it."""
    doc = parse(get_nlp(), text)
    out: dict[str, set[str]] = {}
    for h in suggester.hits(doc, stats):
        out.setdefault(text[h.start : h.end], set()).add(h.code)
    return out


# -- matching: the word, or a lemma that keeps its stem ------------------------------------


@pytest.mark.parametrize(
    ("word", "lemma", "keeps"),
    [
        ("relapsed", "relapse", True),
        ("meetings", "meeting", True),
        ("children", "child", True),
        ("studies", "study", True),
        ("left", "leave", True),
        ("understood", "understand", True),
        ("well", "good", False),
        ("better", "well", False),
        ("worse", "wrong", False),
        ("went", "go", False),
        ("first", "1", False),
    ],
)
def test_a_lemma_counts_only_when_it_keeps_the_words_stem(
    word: str, lemma: str, keeps: bool
) -> None:
    assert kw.keeps_stem(word, lemma) is keeps


def test_a_lemma_lookup_that_changes_the_word_does_not_fire() -> None:
    assert get_nlp()("Well")[0].lemma_ == "good"  # the lookup table really does this
    suggester = _suggester(_Code("still-valued", ("good",)))
    found = _hits(suggester, "Well, I kept going there for years. It was a good place for me.")
    assert found == {"It was a good place for me.": {"still-valued"}}


def test_keywords_match_their_inflections_but_not_other_words_with_the_same_lemma() -> None:
    suggester = _suggester(_Code("meeting-format", ("meeting",)), _Code("rules", ("rules",)))
    text = (
        "The meetings went on for hours. "  # plural of the keyword
        "I met my wife there years ago. "  # "met" and "meeting" share the lemma "meet"
        "There was one rule I never understood."  # singular of a plural keyword
    )
    assert _hits(suggester, text) == {
        "The meetings went on for hours.": {"meeting-format"},
        "There was one rule I never understood.": {"rules"},
    }


def test_a_one_word_keyword_that_is_a_stop_word_never_fires_but_a_phrase_can() -> None:
    suggester = _suggester(_Code("pressure", ("must", "not for me")))
    text = "You must keep coming back, they said. The whole thing was not for me."
    assert _hits(suggester, text) == {"The whole thing was not for me.": {"pressure"}}


# -- sentences: no backchannel -------------------------------------------------------


@pytest.mark.parametrize("short", ["Okay.", "Right, okay.", "Yeah.", "Mm-hm.", "It was."])
def test_backchannel_sentences_are_never_suggested(short: str) -> None:
    suggester = _suggester(_Code("agreement", ("okay", "right", "yeah", "mm-hm", "it was")))
    found = _hits(suggester, f"{short} It felt right to me at the time, okay.")
    assert short not in found
    assert "It felt right to me at the time, okay." in found


def test_backchannel_rule() -> None:
    assert kw.is_backchannel(2, 2) and kw.is_backchannel(5, 0)
    assert not kw.is_backchannel(3, 1)


# -- specificity: to the code and to the corpus --------------------------------------------


def test_a_keyword_shared_by_every_code_is_down_weighted() -> None:
    alone = _suggester(_Code("a", ("group",)), _Code("b", ("sponsor",)), _Code("c", ("god",)))
    shared = _suggester(
        _Code("a", ("group",)), _Code("b", ("sponsor", "group")), _Code("c", ("god", "group"))
    )
    text = "That group was everything to me back then."
    assert _hits(alone, text) == {text: {"a"}}
    assert _hits(shared, text) == {}  # "group" is no reason to pick any one of them
    # with a second, specific keyword the code still comes through, and says why
    prayed = "That group prayed to God every single night."
    assert _hits(shared, prayed) == {prayed: {"c"}}
    hit = shared.hits(parse(get_nlp(), prayed))[0]
    assert hit.matches[0] == 'keyword "god"'
    assert hit.matches[1] == 'keyword "group" (also under 2 other codes)'


def test_a_keyword_common_in_the_project_is_down_weighted() -> None:
    suggester = _suggester(_Code("new-start", ("start",)), _Code("relapse", ("relapse",)))
    filler = [f"We start again on day {n} of the course." for n in range(60)]
    text = " ".join([*filler, "I had to start all over after the relapse."])
    doc = parse(get_nlp(), text)
    found = suggester.evidence(doc)
    n = len(doc.spans[SENTENCE_GROUP])
    stats = kw.KeywordStats.count(found.get(i, []) for i in range(n))
    assert stats.sentences == 61
    assert _hits(suggester, "Where do I start with all of this?") == {
        "Where do I start with all of this?": {"new-start"}
    }  # without counts, one keyword is enough
    rare = _hits(suggester, "Where do I start with all of this? My relapse came later.", stats)
    assert rare == {"My relapse came later.": {"relapse"}}  # "start" is in 61 of 61
    hit = suggester.hits(parse(get_nlp(), "I had to start over after the relapse."), stats)
    assert [(h.code, h.matches) for h in hit] == [("relapse", ('keyword "relapse"',))]


def test_specificity_falls_with_the_rate_and_small_corpora_are_not_called_common() -> None:
    assert kw.specificity(kw.SPECIFIC_RATE) == 1.0
    assert kw.specificity(kw.COMMON_RATE) == 0.0
    rates = [0.006, 0.01, 0.02, 0.03]
    values = [kw.specificity(r) for r in rates]
    assert values == sorted(values, reverse=True) and 0 < values[-1] < values[0] < 1
    small = kw.KeywordStats(sentences=50, counts={"t": 5})
    assert small.rate("t") == 5 / kw.MIN_SENTENCES


def test_repeated_or_overlapping_matches_count_once() -> None:
    e = kw.Evidence("kw\x1frelapse", "r", 'keyword "relapse"', kw.WEIGHT_KEYWORD, 1, 3, 4)
    again = kw.Evidence("kw\x1frelapse", "r", 'keyword "relapse"', kw.WEIGHT_KEYWORD, 1, 9, 10)
    pattern = kw.Evidence("pat\x1fr", "r", 'pattern "relapsed"', kw.WEIGHT_PATTERN, 1, 3, 4)
    assert kw.score([e, again]).score == kw.WEIGHT_KEYWORD
    assert kw.score([e, pattern]).score == kw.WEIGHT_PATTERN
    assert kw.score([e, pattern]).reasons == ('pattern "relapsed"',)


# -- the workflow: caps, coded sentences, reasons -------------------------------------------


def _cand(code: int, start: int, source: str, score: float) -> Candidate:
    return Candidate(1, code, start, start + 10, source, score, f"{source} {score}")


def test_at_most_two_suggestions_a_sentence_the_best_supported_first() -> None:
    found = [
        _cand(1, 0, "keyword", 0.9),
        _cand(2, 0, "keyword", 0.35),
        _cand(3, 0, "model", 0.55),
        _cand(4, 0, "similar", 0.8),
        _cand(4, 0, "keyword", 0.35),
        _cand(5, 20, "keyword", 0.35),
    ]
    merged = sg.merge_candidates(found)
    assert [(c.code_id, c.start) for c in merged] == [(3, 0), (4, 0), (5, 20)]
    four = next(c for c in merged if c.code_id == 4)
    assert four.source == "keyword" and "similar: similar 0.8" in four.detail
    assert len(sg.merge_candidates(found, per_sentence=0)) == 5


def test_at_most_five_suggestions_of_a_code_in_a_document() -> None:
    found = [_cand(7, 20 * i, "keyword", 0.3 + i / 100) for i in range(8)]
    merged = sg.merge_candidates(found)
    assert len(merged) == sg.MAX_PER_CODE == 5
    assert [c.start for c in merged] == [60, 80, 100, 120, 140]  # the five best scores


def _doc(text: str, turns: tuple[Turn, ...]) -> ParsedDocument:
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument("T01", text, turns, "txt", checksum)


def test_generate_skips_backchannel_swapped_lemmas_and_sentences_already_coded(
    wb: Workbench,
) -> None:
    text = (
        "Interviewer: How did you feel about NA?\n\n"
        "P01: Well. It was a good place for me. The sponsor I had was a good man. Yes."
    )
    turns = (Turn(13, 39, "Interviewer"), Turn(46, len(text), "P01"))
    doc = wb.store.add_document(_doc(text, turns))
    wb.store.import_codebook(
        CodebookSpec(
            name="t",
            codes=(
                CodeSpec(key="valued", name="Still valued", keywords=("good", "yes")),
                CodeSpec(key="sponsorship", name="Sponsorship", keywords=("sponsor",)),
            ),
        )
    )
    anna = wb.use_coder("anna")
    sponsor_at = text.index("The sponsor")
    sentence_end = text.index("man.") + 4
    code_ids = {c.key: c.id for c in wb.store.codes()}
    wb.store.add_coding(doc.id, code_ids["sponsorship"], anna.id, sponsor_at, sentence_end)
    list(sg.generate(wb.store, [doc.id], anna.id, sources=("keyword",)))
    got = {(text[s.start : s.end], wb.store.code(s.code_id).key) for s in sg.pending(wb.store)}
    assert got == {
        ("It was a good place for me.", "valued"),
        ("The sponsor I had was a good man.", "valued"),
    }  # not "Well." (lemma "good"), not "Yes." (backchannel), not the coded sponsor sentence


def test_the_sample_study_gets_few_suggestions_with_reasons(sample_wb: Workbench) -> None:
    """The new-user trial: P04 had 155 keyword suggestions, on "Well.", "must" and "start"."""
    store = sample_wb.store
    doc_id = store.document("P04").id
    list(sg.generate(store, [doc_id], None, sources=("keyword",)))
    items = sg.pending(store, doc_id)
    assert 10 <= len(items) <= 60
    assert max(Counter((s.start, s.end) for s in items).values()) <= sg.MAX_PER_SENTENCE
    assert max(Counter(s.code_id for s in items).values()) <= sg.MAX_PER_CODE
    units = {(u.start, u.end): u for u in sg.document_analysis(store, store.document("P04"),
                                                                store.codes()).units}  # fmt: skip
    for s in items:
        assert units[(s.start, s.end)].suggestable
        assert s.detail.startswith(('keyword "', 'pattern "')) and s.score >= kw.MIN_SCORE
        reasons = s.detail.split(", keyword") + s.detail.split(", pattern")
        assert not any(r.startswith(('keyword "must"', 'keyword "should"')) for r in reasons)
        assert not s.detail.startswith('keyword "start"')  # too common to be a reason alone
        assert not s.detail.startswith('keyword "good"')  # "Well." and friends


def test_keyword_stats_are_counted_once_per_document_and_cached(sample_wb: Workbench) -> None:
    store = sample_wb.store
    codes = store.codes()
    sg.clear_caches()
    stats = sg.keyword_stats(store, codes)
    assert stats.sentences > 1500 and stats.counts
    assert sg.keyword_stats(store, codes) == stats
    one = sg.document_keyword_stats(sg.document_analysis(store, store.document("P04"), codes))
    assert 0 < one.sentences < stats.sentences


def test_a_large_project_counts_keywords_on_a_spread_of_documents(
    sample_wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sample_wb.store
    codes = store.codes()
    docs = store.documents()
    full = sg.keyword_stats(store, codes)
    monkeypatch.setattr(sg, "STATS_WORDS", sum(d.words for d in docs) // 3)
    p04 = store.document("P04")
    sample = sg.keyword_stats(store, codes, include=[p04.id])
    one = sg.document_keyword_stats(sg.document_analysis(store, p04, codes))
    assert one.sentences < sample.sentences < full.sentences * 0.6
    assert all(sample.counts.get(term, 0) >= n for term, n in one.counts.items())
