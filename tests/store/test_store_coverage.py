"""``SqlProject.coverage`` (summed in SQL) equals the union of each coder's spans."""

from __future__ import annotations

import hashlib
import random

from workbench.bootstrap import Workbench
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.store.repos import NewCoding, union_length


def _doc(name: str, length: int) -> ParsedDocument:
    text = ("word " * (length // 5 + 1))[:length]
    digest = hashlib.sha256(f"{name}{text}".encode()).hexdigest()
    return ParsedDocument(name, text, (Turn(0, length, None),), "txt", digest)


def test_coverage_is_the_union_of_each_coders_spans(wb: Workbench) -> None:
    store = wb.store
    store.import_codebook(CodebookSpec("t", (CodeSpec("a", "A"), CodeSpec("b", "B"))))
    codes = [c.id for c in store.codes()]
    docs = [store.add_document(_doc(f"D{i}", 500)).id for i in range(3)]
    coders = [store.ensure_coder(n).id for n in ("anna", "ben")]
    rng = random.Random(4)
    rows = []
    for d in docs[:2]:  # the third document has no codings at all
        for k in coders:
            for _ in range(40):  # overlapping, nested, touching and repeated spans
                a = rng.randrange(0, 480)
                rows.append(NewCoding(d, rng.choice(codes), k, a, a + rng.randrange(1, 20)))
            rows.append(NewCoding(d, codes[0], k, 100, 150))
            rows.append(NewCoding(d, codes[1], k, 150, 160))  # touches the one before
            rows.append(NewCoding(d, codes[1], k, 100, 150))  # the same span again
    store.add_codings_bulk(rows, "test", "spans")

    expected = {
        (d, k): union_length([(c.start, c.end) for c in store.codings(d, coder_ids=[k])])
        for d in docs[:2]
        for k in coders
    }
    assert store.coverage() == expected
    assert store.coverage(coder_ids=[coders[1]]) == {
        key: n for key, n in expected.items() if key[1] == coders[1]
    }
    assert store.coverage(document_ids=[docs[0]], coder_ids=[coders[0]]) == {
        (docs[0], coders[0]): expected[(docs[0], coders[0])]
    }
    assert store.coverage(document_ids=[docs[2]]) == {}
