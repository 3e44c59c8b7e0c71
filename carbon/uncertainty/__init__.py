"""Uncertainty of an inventory: Approach 1 (the MOENV workbook's 表七) and Monte Carlo.

Both read only the emission-records table; see :mod:`carbon.uncertainty.core`.
"""

from carbon.uncertainty.core import (
    BLOCK_SIZE,
    DISTRIBUTIONS,
    Z975,
    AnalyticResult,
    MonteCarloResult,
    analytic,
    monte_carlo,
    multiplier_quantiles,
    uncertainty_report,
)

__all__ = [
    "BLOCK_SIZE",
    "DISTRIBUTIONS",
    "Z975",
    "AnalyticResult",
    "MonteCarloResult",
    "analytic",
    "monte_carlo",
    "multiplier_quantiles",
    "uncertainty_report",
]
