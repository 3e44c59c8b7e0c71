"""Distributions of the uncertain multipliers: fitted to a 95 % interval, their quantiles.

See :mod:`carbon.uncertainty` for the rules (normal, median-preserving shifted
lognormal, two-parameter lognormal, uniform, triangular).

References
----------
.. [1] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Section 3.2.2.4 (probability density functions).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from carbon.errors import CalculationError

__all__ = ["DISTRIBUTIONS", "DIST_LABEL", "Z975", "fit_multiplier", "multiplier_quantiles", "triangular_limits", "triangular_ppf"]

#: Distribution names accepted in ``ad_dist`` / ``ef_dist`` (empty = automatic).
DISTRIBUTIONS = ("normal", "lognormal", "triangular", "uniform")
#: 97.5 % point of the standard normal distribution (1.959964 ...).
Z975 = NormalDist().inv_cdf(0.975)

# internal distribution codes; normal-based ones first, then uniform-based
D_NORMAL, D_SHIFTED, D_LOGNORMAL, D_UNIFORM, D_TRIANGULAR = range(5)
DIST_LABEL = {
    D_NORMAL: "normal",
    D_SHIFTED: "lognormal (shifted, median 1)",
    D_LOGNORMAL: "lognormal",
    D_UNIFORM: "uniform",
    D_TRIANGULAR: "triangular",
}


def triangular_limits(lo: float, hi: float) -> tuple[float, float]:
    """Widths (a, b) of a mode-1 triangular whose 2.5/97.5 % points are 1-lo, 1+hi."""
    a, b = lo / 0.7764, hi / 0.7764
    for _ in range(200):
        s = a + b
        a_new = lo + math.sqrt(0.025 * a * s) if a > 0 else 0.0
        b_new = hi + math.sqrt(0.025 * b * s) if b > 0 else 0.0
        if abs(a_new - a) <= 1e-15 * (1 + a) and abs(b_new - b) <= 1e-15 * (1 + b):
            a, b = a_new, b_new
            break
        a, b = a_new, b_new
    s = a + b
    if s > 0 and (a / s < 0.025 or b / s < 0.025):
        msg = f"triangular bounds -{lo * 100:g} % / +{hi * 100:g} % are too skewed to be the 2.5/97.5 % points of a triangular with mode at the reported value."
        raise CalculationError(msg + " Use lognormal or uniform for this record.")
    return a, b


def fit_multiplier(low_pct: float, high_pct: float, dist: str) -> tuple[int, tuple[float, ...]] | None:
    """Distribution code and parameters of a multiplier, or None for a constant."""
    lo, hi = low_pct / 100.0, high_pct / 100.0
    if lo == 0 and hi == 0:
        return None
    if dist == "":
        dist = "normal" if lo == hi else "shifted"
    if dist == "normal":
        return D_NORMAL, ((lo + hi) / 2 / Z975,)
    if dist == "shifted":
        if lo == 0 or hi == 0:
            msg = f"bounds -{low_pct:g} % / +{high_pct:g} %: a lognormal cannot have a zero bound on one side only."
            raise CalculationError(msg + " Set the distribution to 'triangular' or 'uniform' for this record.")
        k = max(lo, hi) / min(lo, hi)
        sigma = math.log(k) / Z975
        a = lo * hi / abs(hi - lo)
        sign = 1.0 if hi > lo else -1.0
        return D_SHIFTED, (sign * a, sign * sigma)  # increasing in Z for either sign
    if dist == "lognormal":
        mu = (math.log1p(-lo) + math.log1p(hi)) / 2
        sigma = (math.log1p(hi) - math.log1p(-lo)) / (2 * Z975)
        return D_LOGNORMAL, (mu, sigma)
    if dist == "uniform":
        w = (lo + hi) / 0.95
        return D_UNIFORM, (1 - lo - 0.025 * w, 1 + hi + 0.025 * w)
    if dist == "triangular":
        a, b = triangular_limits(lo, hi)
        return D_TRIANGULAR, (1 - a, 1.0, 1 + b)
    msg = f"unknown distribution {dist!r}."  # guarded by prepare_records
    raise CalculationError(msg)


def multiplier_quantiles(low_pct: float, high_pct: float, dist: str = "", q: Any = (0.025, 0.5, 0.975)) -> np.ndarray:
    """Quantiles of the multiplier fitted to a 95 % interval (closed form, no sampling).

    Parameters
    ----------
    low_pct, high_pct : float
        Lower and upper bound of the 95 % interval as positive magnitudes. [%]
    dist : str, default ''
        ``''`` (automatic), ``normal``, ``lognormal``, ``triangular`` or ``uniform``.
    q : array_like of float
        Probabilities. [1]

    Returns
    -------
    numpy.ndarray
        Quantiles of the multiplier (1 = the reported value). [1]

    Examples
    --------
    >>> [round(float(v), 5) for v in multiplier_quantiles(2.024, 0.945)]
    [0.97976, 1.0, 1.00945]
    """
    q = np.asarray(q, dtype=float)
    from scipy import special  # imported when quantiles are asked for (scipy.stats takes ~0.5 s to load)

    z = special.ndtri(q)
    fit = fit_multiplier(low_pct, high_pct, dist)
    if fit is None:
        return np.ones_like(q)
    code, par = fit
    if code == D_NORMAL:
        return 1 + par[0] * z
    if code == D_SHIFTED:
        return 1 + par[0] * np.expm1(par[1] * z)
    if code == D_LOGNORMAL:
        return np.exp(par[0] + par[1] * z)
    if code == D_UNIFORM:
        return par[0] + (par[1] - par[0]) * q
    from scipy import stats

    lo, mode, hi = par
    return stats.triang.ppf(q, (mode - lo) / (hi - lo), loc=lo, scale=hi - lo)


def triangular_ppf(u: np.ndarray, lo: Any, mode: Any, hi: Any) -> np.ndarray:
    """Inverse CDF of the triangular distribution on [lo, hi] with the given mode (vectorised, in place-safe).

    Parameters
    ----------
    u : numpy.ndarray
        Probabilities in [0, 1]. [1]
    lo, mode, hi : float
        Lower limit, mode and upper limit of the multiplier. [1]
    """
    width = hi - lo
    fc = (mode - lo) / width
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1 - u) * width * (hi - mode))
    return np.where(u < fc, left, right)
