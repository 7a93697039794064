"""Result objects shared by every agreement statistic.

A statistic that cannot be computed (one coder, no variation, too few pairable
units...) is not an error and never a made-up 1.0: it is a result whose
``value`` is ``None`` and whose ``reason`` says why, in one sentence a
researcher can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["nominal", "ordinal", "interval", "ratio"]
"""Stevens' level of measurement, as Krippendorff's alpha uses it."""

Weights = Literal["linear", "quadratic"]
"""Disagreement weights for Cohen's kappa (``None`` means unweighted)."""

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS: tuple[Weights, ...] = ("linear", "quadratic")


@dataclass(frozen=True, slots=True)
class AgreementResult:
    """One agreement statistic.

    ``observed`` and ``expected`` are the two ingredients of the coefficient:
    observed and chance *agreement* (Po, Pe) for the kappa family, percent
    agreement and AC1; observed and expected *disagreement* (Do, De) for
    Krippendorff's alpha and unitized alpha. ``n_units`` counts the units that
    actually entered the computation; ``note`` states the convention used
    (e.g. which units were kept when data were missing).
    """

    statistic: str
    value: float | None
    reason: str | None = None
    n_units: int = 0
    n_coders: int = 0
    observed: float | None = None
    expected: float | None = None
    note: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class BootstrapInterval:
    """A percentile bootstrap confidence interval.

    ``low``/``high`` are ``None`` (with a ``reason``) when the statistic is
    undefined or no resample produced a defined value. ``n_valid`` counts the
    resamples whose statistic was defined; the percentiles are taken over
    those only.
    """

    low: float | None
    high: float | None
    confidence: float
    n_boot: int
    n_valid: int
    seed: int | None
    method: str
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.low is not None and self.high is not None


def undefined(
    statistic: str, reason: str, *, n_units: int = 0, n_coders: int = 0, note: str | None = None
) -> AgreementResult:
    """Shorthand for a result with ``value=None``."""
    return AgreementResult(
        statistic, None, reason=reason, n_units=n_units, n_coders=n_coders, note=note
    )
