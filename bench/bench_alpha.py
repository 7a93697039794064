"""Time Krippendorff's alpha: workbench.agreement vs the ``krippendorff`` package.

    .venv/bin/python bench/bench_alpha.py [--units 100000] [--coders 5] [--level nominal]

Data: ``units x coders`` labels from 10 categories (coders agree with a
latent truth 70% of the time), 10% of cells missing, fixed seed. Each
implementation is timed best-of-3 on the same array; both values are printed
so a mismatch is visible. Target: ours < 1 s and no slower than the package.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from workbench.agreement import krippendorff_alpha


def make_data(
    n_units: int, n_coders: int, *, missing: float = 0.10, seed: int = 20240601
) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 10, n_units)
    noise = rng.integers(0, 10, (n_units, n_coders))
    data = np.where(rng.random((n_units, n_coders)) < 0.7, truth[:, None], noise).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def best_of(fn: Callable[[], float], repeat: int = 3) -> tuple[float, float]:
    times = []
    value = float("nan")
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--coders", type=int, default=5)
    parser.add_argument("--level", default="nominal")
    args = parser.parse_args()
    data = make_data(args.units, args.coders)

    def ours() -> float:
        value = krippendorff_alpha(data, args.level).value
        assert value is not None
        return value

    ours_s, ours_value = best_of(ours)
    row: dict[str, object] = {
        "units": args.units,
        "coders": args.coders,
        "level": args.level,
        "ours_s": round(ours_s, 4),
        "ours_alpha": round(ours_value, 6),
    }
    try:
        import krippendorff
    except ImportError:  # the package is a dev dependency only
        row["krippendorff_s"] = None
    else:
        coders_by_units = data.T.copy()  # the package wants coders x units

        def theirs() -> float:
            return float(
                krippendorff.alpha(
                    reliability_data=coders_by_units, level_of_measurement=args.level
                )
            )

        theirs_s, theirs_value = best_of(theirs)
        row |= {
            "krippendorff_s": round(theirs_s, 4),
            "krippendorff_alpha": round(theirs_value, 6),
            "speedup": round(theirs_s / ours_s, 2),
        }
    print(row)
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
