"""Named entities from a trained spaCy pipeline, for de-identification. spaCy loads late.

:func:`find_entities` returns ``None`` when no trained pipeline is configured or the
pipeline has no entity recogniser, so callers fall back to their list and pattern
rules. The default pipeline (``blank:en``) recognises no entities.
"""

from __future__ import annotations

#: Entity labels worth replacing (OntoNotes and WikiNER/Norwegian label sets).
IDENTIFYING_LABELS = frozenset({"PERSON", "PER", "GPE", "LOC", "FAC", "ORG"})


def find_entities(text: str, model: str | None) -> list[tuple[int, int, str]] | None:
    """``(start, end, label)`` character spans of identifying entities in ``text``.

    ``model`` is the name of an installed trained pipeline (``Settings.spacy_model``);
    ``None`` or an empty name means "not configured" and returns ``None``. A configured
    pipeline that is not installed raises ``WorkbenchError`` (from ``get_nlp``).
    """
    if not model:
        return None
    from workbench.nlp.pipeline import get_nlp, parse

    nlp = get_nlp(model)
    if "ner" not in nlp.pipe_names:
        return None
    doc = parse(nlp, text)
    return [
        (ent.start_char, ent.end_char, ent.label_)
        for ent in doc.ents
        if ent.label_ in IDENTIFYING_LABELS
    ]
