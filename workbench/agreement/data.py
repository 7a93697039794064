"""Reliability data: a units x coders matrix of category labels.

The matrix is stored as category *codes* (0..K-1) in a float array where NaN
means "this coder did not code this unit", together with the tuple of original
labels (strings or numbers) the codes stand for. Every statistic in
:mod:`workbench.agreement` also accepts a plain numeric ``units x coders``
array with NaN for missing values, so callers can skip this class entirely.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Label: TypeAlias = str | int | float
FloatMatrix: TypeAlias = npt.NDArray[np.float64]


def _is_missing(label: object) -> bool:
    if label is None:
        return True
    if isinstance(label, str):
        return label.strip() == ""
    if isinstance(label, float):
        return math.isnan(label)
    return False


def _is_number(label: object) -> bool:
    return isinstance(label, int | float | np.integer | np.floating)


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Units x coders category codes with NaN for missing, plus their labels.

    ``categories[k]`` is the original label of code ``k``. Numeric labels are
    sorted numerically (so codes follow the numeric order); string labels are
    sorted alphabetically unless an explicit ``order`` was given, and are
    ``ordered`` only in that case. ``values`` gives the matrix in the units a
    statistic needs: the numbers themselves for numeric labels, the codes
    otherwise.
    """

    codes: FloatMatrix
    categories: tuple[Label, ...]
    coders: tuple[str, ...]
    units: tuple[str, ...] = ()
    ordered: bool = True
    _values: FloatMatrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        codes = np.array(self.codes, dtype=np.float64, copy=True)
        if codes.ndim != 2:
            raise ValueError(f"reliability data must be units x coders, got shape {codes.shape}")
        n_units, n_coders = codes.shape
        if len(self.coders) != n_coders:
            raise ValueError(f"{len(self.coders)} coder names for {n_coders} columns")
        units = self.units or tuple(str(i + 1) for i in range(n_units))
        if len(units) != n_units:
            raise ValueError(f"{len(units)} unit names for {n_units} rows")
        present = codes[~np.isnan(codes)]
        if present.size and (
            present.min() < 0
            or present.max() >= len(self.categories)
            or not np.all(present == np.floor(present))
        ):
            raise ValueError("codes must be integers indexing categories")
        codes.setflags(write=False)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "units", tuple(units))
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "coders", tuple(self.coders))
        if self.numeric:
            lookup = np.array([float(c) for c in self.categories] + [np.nan], dtype=np.float64)
            index = np.where(np.isnan(codes), len(self.categories), codes).astype(np.intp)
            values = lookup[index]
        else:
            values = codes
        values.setflags(write=False)
        object.__setattr__(self, "_values", values)

    # -- shape -----------------------------------------------------------------
    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[1])

    @property
    def numeric(self) -> bool:
        """True when every category label is a number."""
        return all(_is_number(c) for c in self.categories)

    @property
    def values(self) -> FloatMatrix:
        """Numbers for numeric labels, codes for string labels; NaN = missing."""
        return self._values

    def label(self, code: int) -> Label:
        return self.categories[code]

    @property
    def label_codes(self) -> dict[Label, int]:
        """Original label -> code (the inverse of ``categories``)."""
        return {label: code for code, label in enumerate(self.categories)}

    def select_coders(self, coders: Sequence[str]) -> ReliabilityData:
        """The same units restricted to some coders (e.g. a pair for Cohen's kappa)."""
        index = [self.coders.index(c) for c in coders]
        return ReliabilityData(
            self.codes[:, index], self.categories, tuple(coders), self.units, self.ordered
        )

    # -- constructors ----------------------------------------------------------
    @classmethod
    def from_labels(
        cls,
        rows: Sequence[Sequence[Label | None]],
        coders: Sequence[str] | None = None,
        units: Sequence[str] | None = None,
        order: Sequence[Label] | None = None,
    ) -> ReliabilityData:
        """Build from one row per unit of raw labels (``None``/``""``/NaN = missing).

        All-number labels become numeric categories. Otherwise every label is
        turned into a string. ``order`` fixes the categories and their order
        (e.g. ``["low", "mid", "high"]``), which makes string labels usable at
        the ordinal level.
        """
        width = len(coders) if coders is not None else (len(rows[0]) if rows else 0)
        for i, row in enumerate(rows):
            if len(row) != width:
                raise ValueError(f"row {i + 1} has {len(row)} values, expected {width}")
        flat: list[Label] = [
            lab for row in rows for lab in row if lab is not None and not _is_missing(lab)
        ]
        numeric = all(_is_number(lab) for lab in flat) and (
            order is None or all(_is_number(o) for o in order)
        )

        def norm(lab: Label) -> Label:
            return float(lab) if numeric else str(lab)

        if order is not None:
            categories: list[Label] = [norm(o) for o in order]
            if len(set(categories)) != len(categories):
                raise ValueError("order lists a category twice")
            ordered = True
        else:
            categories = sorted({norm(lab) for lab in flat})  # type: ignore[type-var]
            ordered = numeric
        index = {c: k for k, c in enumerate(categories)}
        codes = np.full((len(rows), width), np.nan)
        for i, row in enumerate(rows):
            for j, lab in enumerate(row):
                if lab is None or _is_missing(lab):
                    continue
                try:
                    codes[i, j] = index[norm(lab)]
                except KeyError:
                    raise ValueError(f"label {lab!r} is not in the given order") from None
        names = (
            tuple(coders) if coders is not None else tuple(f"coder {j + 1}" for j in range(width))
        )
        return cls(codes, tuple(categories), names, tuple(units or ()), ordered)

    @classmethod
    def from_array(
        cls,
        array: npt.ArrayLike,
        coders: Sequence[str] | None = None,
        units: Sequence[str] | None = None,
    ) -> ReliabilityData:
        """Build from a numeric units x coders array with NaN for missing."""
        values = as_matrix(array)
        present = ~np.isnan(values)
        domain = np.unique(values[present])
        codes = np.full(values.shape, np.nan)
        codes[present] = np.searchsorted(domain, values[present])
        names = (
            tuple(coders)
            if coders is not None
            else tuple(f"coder {j + 1}" for j in range(values.shape[1]))
        )
        return cls(codes, tuple(float(d) for d in domain), names, tuple(units or ()), True)


Ratings: TypeAlias = ReliabilityData | npt.ArrayLike
"""Anything a statistic accepts: ``ReliabilityData`` or a numeric units x coders array."""


def as_matrix(data: Ratings) -> FloatMatrix:
    """The numeric units x coders matrix (NaN = missing) behind ``data``."""
    if isinstance(data, ReliabilityData):
        return data.values
    values = np.asarray(data, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"reliability data must be units x coders, got shape {values.shape}")
    if np.isinf(values).any():
        raise ValueError("reliability data contain infinite values")
    return values
