"""The one place that builds spaCy pipelines. spaCy is imported inside functions only.

Default: ``spacy.blank("en")`` + ``workbench_sentences`` (sentence starts from
core's :func:`~workbench.core.services.sentences.sentence_spans`, the unit shared
with the agreement engine and the TUI) + the lookup lemmatizer from
spacy-lookups-data + ``workbench_lemma_case`` (lower-case lemmas, so codebook
keywords match "Meetings" and "meetings" alike). Everything is installed with the
package: nothing is downloaded, ever.

With ``model=`` the name of an installed trained pipeline (e.g. ``en_core_web_sm``)
that pipeline is loaded instead, with the same two workbench components added.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.core.errors import WorkbenchError
from workbench.core.model import Turn

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: ``doc.user_data`` key holding the sentence spans the sentence component applies.
SENTENCES_KEY = "workbench_sentence_spans"
#: ``doc.spans`` key with one span per workbench sentence (exactly core's spans).
SENTENCE_GROUP = "workbench_sentences"
DEFAULT_PIPELINE = "blank:en"


def pipeline_name(model: str | None) -> str:
    return model or DEFAULT_PIPELINE


@functools.cache
def get_nlp(model: str | None = None) -> Language:
    """The shared, lazily built pipeline (first call takes about a second; call from workers)."""
    import spacy

    from workbench.nlp import components  # noqa: F401 - registers the factories

    if model:
        if not _is_installed(model):
            raise WorkbenchError(
                f"spaCy pipeline {model!r} is not installed; install its package "
                f"(e.g. `pip install {model}` from a wheel) or leave the setting empty"
            )
        try:
            nlp = spacy.load(model, exclude=["parser", "senter"])
        except OSError as err:
            raise WorkbenchError(f"cannot load spaCy pipeline {model!r}: {err}") from err
        first = nlp.pipe_names[0] if nlp.pipe_names else None
        if first is not None:
            nlp.add_pipe("workbench_sentences", before=first)
        else:
            nlp.add_pipe("workbench_sentences")
        nlp.add_pipe("workbench_lemma_case", last=True)
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("workbench_sentences")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("workbench_lemma_case")
    try:
        nlp.initialize()
    except (ValueError, OSError) as err:  # spacy-lookups-data missing or broken
        raise WorkbenchError(
            f"cannot initialise the lemmatizer (is spacy-lookups-data installed?): {err}"
        ) from err
    return nlp


def _is_installed(package: str) -> bool:
    import importlib.util

    from spacy import util

    if util.is_package(package):
        return True
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def parse(
    nlp: Language,
    text: str,
    turns: Sequence[Turn] = (),
    spans: Sequence[tuple[int, int]] | None = None,
) -> Doc:
    """Run the pipeline on a document; sentences are core's ``sentence_spans(text, turns)``."""
    from workbench.core.services.sentences import sentence_spans

    doc = nlp.make_doc(text)
    doc.user_data[SENTENCES_KEY] = list(spans) if spans is not None else sentence_spans(text, turns)
    return nlp(doc)


def parse_many(nlp: Language, texts: Sequence[str], batch_size: int = 256) -> list[Doc]:
    """Short texts (keywords, passages) through the same pipeline; each text is one sentence."""
    docs = []
    for text in texts:
        doc = nlp.make_doc(text)
        doc.user_data[SENTENCES_KEY] = [(0, len(text))] if text.strip() else []
        docs.append(doc)
    return list(nlp.pipe(docs, batch_size=batch_size))


def lemma_key(token_lemma: str) -> str:
    """Normalise a lemma the way ``workbench_lemma_case`` does."""
    return token_lemma.lower()
