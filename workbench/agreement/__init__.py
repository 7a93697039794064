"""Inter-coder agreement: pure functions on numpy arrays.

Reliability data are a units x coders matrix (``ReliabilityData`` or a numeric
array with NaN for missing). Each statistic returns an ``AgreementResult``
whose ``value`` is ``None`` with a ``reason`` when the statistic is undefined.
This package imports numpy only (plus ``workbench.core.errors`` in the CSV
loader); no Textual, spaCy or SQL.
"""

from workbench.agreement.alpha import (
    BOOTSTRAP_METHOD,
    coincidence_matrix,
    krippendorff_alpha,
    krippendorff_alpha_bootstrap,
)
from workbench.agreement.coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
)
from workbench.agreement.data import Label, Ratings, ReliabilityData, as_matrix
from workbench.agreement.loader import read_reliability_csv
from workbench.agreement.report import (
    STATISTICS,
    interpret_alpha,
    interpret_kappa,
    irr_report,
    render_irr_markdown,
)
from workbench.agreement.results import (
    LEVELS,
    WEIGHTS,
    AgreementResult,
    BootstrapInterval,
    Level,
    Weights,
)
from workbench.agreement.unitizing import unitized_alpha
from workbench.agreement.units import (
    PooledPresence,
    Span,
    UnitSpec,
    pooled_presence,
    presence_by_code,
    presence_matrix,
)

__all__ = [
    "BOOTSTRAP_METHOD",
    "LEVELS",
    "STATISTICS",
    "WEIGHTS",
    "AgreementResult",
    "BootstrapInterval",
    "Label",
    "Level",
    "PooledPresence",
    "Ratings",
    "ReliabilityData",
    "Span",
    "UnitSpec",
    "Weights",
    "as_matrix",
    "brennan_prediger",
    "cohen_kappa",
    "coincidence_matrix",
    "fleiss_kappa",
    "gwet_ac1",
    "interpret_alpha",
    "interpret_kappa",
    "irr_report",
    "krippendorff_alpha",
    "krippendorff_alpha_bootstrap",
    "percent_agreement",
    "pooled_presence",
    "presence_by_code",
    "presence_matrix",
    "read_reliability_csv",
    "render_irr_markdown",
    "unitized_alpha",
]
