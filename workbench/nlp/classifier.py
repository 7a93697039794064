"""The sentence classifier: spaCy ``textcat_multilabel`` (bag of words) trained on the coders' work.

Each sentence becomes a bag of features: its lemmas, the speaker's role, the
codes whose keywords matched, where it sits in the interview (tenth) and the
content words of the interviewer's last question (``Q_...``): semi-structured
interviews answer the guide's questions, so the question says a lot about the
topic of the answer.

Training is deterministic and fast: features are extracted once, then the
``TextCatBOW`` sparse linear layer is fitted with full-batch gradient descent on a
class-weighted logistic loss (codes are rare: about one sentence in a hundred per
code), with L2. Features never seen in training are dropped at prediction time.
One global decision threshold is tuned on held-out documents of the training set.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import WorkbenchError
from workbench.nlp.analysis import Unit

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language

FEATURES_VERSION = "f1"
META_FILE = "workbench.json"
MIN_POSITIVES = 3
THRESHOLDS = (0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
DEFAULT_THRESHOLD = 0.2


class Cancelled(Exception):
    """Training was cancelled by the user (not an error)."""


@dataclass(frozen=True)
class TrainParams:
    iterations: int = 50
    learn_rate: float = 0.25
    l2: float = 1e-3
    positive_weight: float = 10.0
    length: int = 2**14  # hashed feature buckets per label
    ngram_size: int = 1
    seed: int = 0
    inner_folds: int = 3  # for tuning the threshold; 0 = use DEFAULT_THRESHOLD
    momentum: float = 0.9  # Nesterov momentum


# -- features ------------------------------------------------------------------


def unit_features(units: Sequence[Unit]) -> list[list[str]]:
    """Feature tokens for every sentence of one document (in document order)."""
    n = max(len(units), 1)
    questions: dict[int, list[str]] = {}
    for u in units:
        if u.role == "interviewer":
            questions.setdefault(u.turn, []).extend(u.content)
    question: list[str] = []
    out = []
    for i, u in enumerate(units):
        if u.role == "interviewer":
            question = questions.get(u.turn, [])
        feats = [*u.lemmas, f"__ROLE_{u.role}", f"POS_{10 * i // n}"]
        feats += [f"KW_{k}" for k in u.keywords]
        if u.role != "interviewer":
            feats += [f"Q_{w}" for w in question]
        out.append(list(dict.fromkeys(feats)))
    return out


def unit_labels(units: Sequence[Unit], spans: Iterable[tuple[str, int, int]]) -> list[set[str]]:
    """Codes of each sentence: a coding covers >= 50% of the sentence or lies inside it."""
    labels: list[set[str]] = [set() for _ in units]
    starts = [u.start for u in units]
    import bisect

    for code, a, b in spans:
        i = max(bisect.bisect_right(starts, a) - 1, 0)
        while i < len(units) and units[i].start < b:
            u = units[i]
            overlap = min(b, u.end) - max(a, u.start)
            if overlap > 0 and (2 * overlap >= u.end - u.start or (a >= u.start and b <= u.end)):
                labels[i].add(code)
            i += 1
    return labels


@dataclass
class Example:
    """One training sentence: its features, known labels (code -> 0/1) and its document."""

    features: list[str]
    targets: dict[str, float]
    group: int
    complete: bool = True  # True: every label not in targets is a negative


@dataclass
class TrainingSet:
    examples: list[Example] = field(default_factory=list)

    def positives(self) -> Counter[str]:
        c: Counter[str] = Counter()
        for e in self.examples:
            c.update(k for k, v in e.targets.items() if v > 0)
        return c

    def labels(self, min_positives: int = MIN_POSITIVES) -> tuple[list[str], list[str]]:
        """(labels to learn, codes skipped for having too few positives)."""
        pos = self.positives()
        keep = sorted(k for k, n in pos.items() if n >= min_positives)
        skipped = sorted(k for k, n in pos.items() if n < min_positives)
        return keep, skipped

    def groups(self) -> list[int]:
        return sorted({e.group for e in self.examples})

    def subset(self, groups: Iterable[int]) -> TrainingSet:
        keep = set(groups)
        return TrainingSet([e for e in self.examples if e.group in keep])


# -- the model -----------------------------------------------------------------


@dataclass
class TextcatModel:
    """A trained classifier: the spaCy pipeline plus what it needs around it."""

    nlp: Language
    labels: list[str]
    vocabulary: frozenset[str]
    threshold: float = DEFAULT_THRESHOLD
    version: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, features: Sequence[Sequence[str]]) -> numpy.ndarray:
        """Probabilities, one row per sentence, one column per label."""
        import numpy
        from spacy.tokens import Doc

        if not features:
            return numpy.zeros((0, len(self.labels)), dtype="float32")
        textcat: Any = self.nlp.get_pipe("textcat_multilabel")
        docs = [
            Doc(self.nlp.vocab, words=[f for f in fs if f in self.vocabulary] or ["__EMPTY"])
            for fs in features
        ]
        rows = [[d.cats.get(label, 0.0) for label in self.labels] for d in textcat.pipe(docs)]
        return numpy.asarray(rows, dtype="float32")

    def scaled(self, p: float) -> float:
        """A probability rescaled so that the threshold maps to 0.5 (for 'uncertainty')."""
        t = self.threshold
        return 0.5 * p / t if p < t else 0.5 + 0.5 * (p - t) / max(1e-9, 1 - t)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=False)
        self.nlp.to_disk(path / "pipeline")
        meta = dict(self.meta)
        meta.update(
            version=self.version,
            labels=self.labels,
            threshold=self.threshold,
            features=FEATURES_VERSION,
            vocabulary=sorted(self.vocabulary),
        )
        (path / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, path: Path) -> TextcatModel:
        import spacy

        try:
            meta = json.loads((path / META_FILE).read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise WorkbenchError(f"{path.name}: not a workbench suggestion model ({err})") from err
        if meta.get("features") != FEATURES_VERSION:
            raise WorkbenchError(f"{path.name}: made by another workbench version; retrain")
        nlp = spacy.load(path / "pipeline")
        vocabulary = frozenset(meta.pop("vocabulary", []))
        return cls(
            nlp=nlp,
            labels=list(meta["labels"]),
            vocabulary=vocabulary,
            threshold=float(meta["threshold"]),
            version=str(meta.get("version") or path.name),
            meta=meta,
        )


def _fit(
    data: TrainingSet,
    labels: Sequence[str],
    params: TrainParams,
    cancelled: threading.Event | None,
    on_step: Callable[[int, int], None] | None = None,
) -> TextcatModel:
    import numpy
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed

    fix_random_seed(params.seed)
    vocabulary = frozenset(f for e in data.examples for f in e.features)
    nlp = spacy.blank("en")
    textcat: Any = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": params.ngram_size,
                "no_output_layer": False,
                "length": params.length,
            }
        },
    )
    for label in labels:
        textcat.add_label(label)
    docs = [Doc(nlp.vocab, words=e.features or ["__EMPTY"]) for e in data.examples]
    n, k = len(docs), len(labels)
    y = numpy.zeros((n, k), dtype="float32")
    known = numpy.ones((n, k), dtype="float32")
    index = {label: j for j, label in enumerate(labels)}
    for i, e in enumerate(data.examples):
        if not e.complete:
            known[i, :] = 0.0
        for label, value in e.targets.items():
            j = index.get(label)
            if j is not None:
                y[i, j] = value
                known[i, j] = 1.0
    sample = [
        SpacyExample.from_dict(docs[i], {"cats": dict(zip(labels, map(float, y[i]), strict=True))})
        for i in range(min(n, 20))
    ]
    nlp.initialize(lambda: sample)
    layers = {layer.name: layer for layer in textcat.model.walk()}
    ngrams, linear = layers["extract_ngrams"], layers["sparse_linear"]
    keys, values, lengths = ngrams.predict(docs)
    length = int(linear.get_dim("length"))
    # Each feature key adds W[label, h0(key)] + W[label, h1(key)] (thinc's SparseLinear.v2).
    # Fit only the buckets the training features use, as a sparse problem in numpy.
    rows = numpy.repeat(numpy.arange(n), lengths)
    buckets = numpy.concatenate([bucket(keys, 0, length), bucket(keys, 1, length)])
    e_rows = numpy.concatenate([rows, rows])
    e_vals = numpy.concatenate([values, values]).astype("float32")[:, None]
    order = numpy.argsort(e_rows, kind="stable")
    buckets, e_rows, e_vals = buckets[order], e_rows[order], e_vals[order]
    used, cols = numpy.unique(buckets, return_inverse=True)
    row_starts = numpy.searchsorted(e_rows, numpy.arange(n))
    by_col = numpy.argsort(cols, kind="stable")
    col_starts = numpy.searchsorted(cols[by_col], numpy.arange(len(used)))
    rows_by_col, vals_by_col = e_rows[by_col], e_vals[by_col]
    ones = bool(numpy.all(e_vals == 1.0))  # features are deduplicated: the usual case
    weights = numpy.zeros((len(used), k), dtype="float32")
    bias = numpy.zeros(k, dtype="float32")
    v_weights = numpy.zeros_like(weights)
    v_bias = numpy.zeros_like(bias)
    mu = params.momentum
    scale = known * numpy.where(y > 0, params.positive_weight, 1.0).astype("float32") / max(n, 1)
    for it in range(params.iterations):
        if cancelled is not None and it % 10 == 0 and cancelled.is_set():
            raise Cancelled()
        w_ahead, b_ahead = weights + mu * v_weights, bias + mu * v_bias
        gathered = w_ahead[cols] if ones else w_ahead[cols] * e_vals
        logits = numpy.add.reduceat(gathered, row_starts, axis=0) + b_ahead
        probs = 1.0 / (1.0 + numpy.exp(-logits))
        d_logits = ((probs - y) * scale).astype("float32")
        d_entries = d_logits[rows_by_col] if ones else d_logits[rows_by_col] * vals_by_col
        d_weights = numpy.add.reduceat(d_entries, col_starts, axis=0)
        v_weights = mu * v_weights - params.learn_rate * (d_weights + params.l2 * w_ahead)
        v_bias = mu * v_bias - params.learn_rate * d_logits.sum(axis=0)
        weights += v_weights
        bias += v_bias
        if on_step is not None and (it + 1) % 10 == 0:
            on_step(it + 1, params.iterations)
    full = numpy.zeros((k, length), dtype="float32")
    full[:, used] = weights.T
    linear.set_param("W", full.ravel())
    linear.set_param("b", bias)
    return TextcatModel(nlp=nlp, labels=list(labels), vocabulary=vocabulary)


def _murmur(keys: numpy.ndarray, seed: int) -> numpy.ndarray:
    """MurmurHash3_x86_32 of uint64 keys, as thinc's SparseLinear computes it."""
    import numpy

    def rotl(x: numpy.ndarray, r: int) -> numpy.ndarray:
        return (x << numpy.uint32(r)) | (x >> numpy.uint32(32 - r))

    c1, c2 = numpy.uint32(0xCC9E2D51), numpy.uint32(0x1B873593)
    keys = keys.astype(numpy.uint64)
    h = numpy.full(keys.shape, seed, dtype=numpy.uint32)
    for part in (keys & numpy.uint64(0xFFFFFFFF), keys >> numpy.uint64(32)):
        k1 = part.astype(numpy.uint32) * c1
        k1 = rotl(k1, 15) * c2
        h ^= k1
        h = rotl(h, 13) * numpy.uint32(5) + numpy.uint32(0xE6546B64)
    h ^= numpy.uint32(8)
    h ^= h >> numpy.uint32(16)
    h *= numpy.uint32(0x85EBCA6B)
    h ^= h >> numpy.uint32(13)
    h *= numpy.uint32(0xC2B2AE35)
    h ^= h >> numpy.uint32(16)
    return h


def bucket(keys: numpy.ndarray, seed: int, length: int) -> numpy.ndarray:
    """The weight row a feature key uses in a SparseLinear.v2 layer of ``length`` rows."""
    import numpy

    return (_murmur(keys, seed) % numpy.uint32(length)).astype(numpy.int64)


def _best_threshold(probs: numpy.ndarray, gold: numpy.ndarray, known: numpy.ndarray) -> float:
    best, best_f1 = DEFAULT_THRESHOLD, -1.0
    positives = float((gold * known).sum())
    for t in THRESHOLDS:
        pred = (probs >= t) * known
        tp = float((pred * gold).sum())
        f1 = 2 * tp / (float(pred.sum()) + positives) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best


def tune_threshold(
    data: TrainingSet,
    labels: Sequence[str],
    params: TrainParams,
    cancelled: threading.Event | None = None,
) -> float:
    """Global threshold maximising micro-F1 on out-of-fold predictions (by document)."""
    import numpy

    groups = data.groups()
    folds = min(params.inner_folds, len(groups))
    if folds < 2:
        return DEFAULT_THRESHOLD
    rng = random.Random(params.seed)
    order = list(groups)
    rng.shuffle(order)
    probs, gold, known = [], [], []
    for f in range(folds):
        held = {g for i, g in enumerate(order) if i % folds == f}
        inner = data.subset(g for g in groups if g not in held)
        dev = data.subset(held)
        if not inner.examples or not dev.examples:
            continue
        model = _fit(inner, labels, params, cancelled)
        probs.append(model.predict([e.features for e in dev.examples]))
        g, m = _targets(dev.examples, labels)
        gold.append(g)
        known.append(m)
    if not probs:
        return DEFAULT_THRESHOLD
    return _best_threshold(numpy.vstack(probs), numpy.vstack(gold), numpy.vstack(known))


def _targets(examples: Sequence[Example], labels: Sequence[str]) -> tuple[Any, Any]:
    import numpy

    gold = numpy.zeros((len(examples), len(labels)), dtype="float32")
    known = numpy.ones_like(gold)
    for i, e in enumerate(examples):
        if not e.complete:
            known[i, :] = 0
        for j, label in enumerate(labels):
            if label in e.targets:
                gold[i, j] = e.targets[label]
                known[i, j] = 1
    return gold, known


def train(
    data: TrainingSet,
    params: TrainParams | None = None,
    cancelled: threading.Event | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> TextcatModel:
    """Tune the threshold on held-out documents, then fit on everything."""
    params = params or TrainParams()
    labels, skipped = data.labels()
    if not labels:
        raise WorkbenchError(
            f"nothing to learn: every code needs at least {MIN_POSITIVES} coded sentences"
        )
    t0 = time.perf_counter()
    threshold = tune_threshold(data, labels, params, cancelled)
    model = _fit(data, labels, params, cancelled, on_step)
    model.threshold = threshold
    positives = data.positives()
    model.meta = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sentences": len(data.examples),
        "documents": len(data.groups()),
        "positives": {k: positives[k] for k in labels},
        "skipped": {k: positives[k] for k in skipped},
        "params": {
            "iterations": params.iterations,
            "learn_rate": params.learn_rate,
            "l2": params.l2,
            "positive_weight": params.positive_weight,
            "momentum": params.momentum,
            "length": params.length,
            "seed": params.seed,
        },
        "seconds": round(time.perf_counter() - t0, 2),
    }
    return model
