"""Former single module of :mod:`carbon.uncertainty`, kept so old imports work.

Use :mod:`carbon.uncertainty` (or its modules inputs, distributions, analytic, montecarlo).
"""

from carbon.uncertainty.analytic import AnalyticResult, analytic
from carbon.uncertainty.distributions import (
    D_NORMAL,
    D_SHIFTED,
    DISTRIBUTIONS,
    Z975,
    fit_multiplier,
    multiplier_quantiles,
)
from carbon.uncertainty.montecarlo import BLOCK_SIZE, MonteCarloResult, monte_carlo, uncertainty_report

#: Former private names (bench/uncertainty.py).
_D_NORMAL, _D_SHIFTED, _fit = D_NORMAL, D_SHIFTED, fit_multiplier

__all__ = ["BLOCK_SIZE", "DISTRIBUTIONS", "Z975", "AnalyticResult", "MonteCarloResult", "analytic", "monte_carlo", "multiplier_quantiles", "uncertainty_report"]
