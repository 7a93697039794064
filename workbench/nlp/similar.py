"""'More like this': sentences that resemble passages already coded with a code.

Compares content lemmas with rapidfuzz (``token_set_ratio``), and word vectors
(cosine) when the pipeline has them; the better of the two counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.nlp.analysis import Analysis, excerpt

MIN_CONTENT_WORDS = 4
DEFAULT_CUTOFF = 75.0  # 0..100
PER_CODE_LIMIT = 5  # per document


@dataclass(frozen=True, slots=True)
class Reference:
    """A passage already coded with a code."""

    code: str
    document: str
    text: str
    content: str  # space-separated content lemmas
    vector: object = None  # numpy vector or None


@dataclass(frozen=True, slots=True)
class SimilarHit:
    unit: int  # index into analysis.units
    code: str
    score: float  # 0..1
    reference: Reference

    @property
    def detail(self) -> str:
        return f'like {self.reference.document} "{excerpt(self.reference.text, 50)}"'


def references(
    passages: Sequence[tuple[str, str, str]], model: str | None = None, vectors: bool = False
) -> list[Reference]:
    """(code, document name, passage text) -> references with lemmas from the shared pipeline."""
    from workbench.nlp.pipeline import get_nlp, parse_many

    if not passages:
        return []
    nlp = get_nlp(model)
    docs = parse_many(nlp, [text for _, _, text in passages])
    use_vectors = vectors and nlp.vocab.vectors.shape[0] > 0
    out = []
    for (code, name, text), doc in zip(passages, docs, strict=True):
        content = " ".join(
            t.lemma_
            for t in doc
            if not (t.is_stop or t.is_punct or t.is_space) and t.lemma_.isalnum()
        )
        out.append(Reference(code, name, text, content, doc.vector if use_vectors else None))
    return out


def similar(
    analysis: Analysis,
    refs: Sequence[Reference],
    exclude: Mapping[str, set[int]] | None = None,
    cutoff: float = DEFAULT_CUTOFF,
    per_code_limit: int = PER_CODE_LIMIT,
) -> list[SimilarHit]:
    """The sentences of a document most like each code's references (best first per code)."""
    import numpy
    from rapidfuzz import fuzz, process

    exclude = exclude or {}
    units = [u for u in analysis.units if u.codable and len(set(u.content)) >= MIN_CONTENT_WORDS]
    if not units or not refs:
        return []
    queries = [" ".join(u.content) for u in units]
    by_code: dict[str, list[Reference]] = {}
    for r in refs:
        if r.content:
            by_code.setdefault(r.code, []).append(r)
    hits: list[SimilarHit] = []
    for code, code_refs in sorted(by_code.items()):
        matrix = process.cdist(
            queries, [r.content for r in code_refs], scorer=fuzz.token_set_ratio, workers=1
        ).astype("float32")
        if analysis.vectors is not None and all(r.vector is not None for r in code_refs):
            a = analysis.vectors[[u.index for u in units]]
            b = numpy.vstack([numpy.asarray(r.vector) for r in code_refs])
            a = a / numpy.maximum(numpy.linalg.norm(a, axis=1, keepdims=True), 1e-9)
            b = b / numpy.maximum(numpy.linalg.norm(b, axis=1, keepdims=True), 1e-9)
            matrix = numpy.maximum(matrix, 100.0 * (a @ b.T))
        best = matrix.argmax(axis=1)
        found = []
        skip = exclude.get(code, set())
        for row, u in enumerate(units):
            score = float(matrix[row, best[row]])
            if score >= cutoff and u.index not in skip:
                found.append(
                    SimilarHit(u.index, code, round(score / 100.0, 4), code_refs[best[row]])
                )
        found.sort(key=lambda h: (-h.score, h.unit))
        hits.extend(found[:per_code_limit])
    return hits
