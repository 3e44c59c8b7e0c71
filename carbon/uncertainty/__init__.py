"""Uncertainty of an inventory: error propagation (Approach 1) and Monte Carlo (Approach 2).

Modules: :mod:`~carbon.uncertainty.inputs` (the records read and checked),
:mod:`~carbon.uncertainty.distributions` (multipliers fitted to a 95 % interval),
:mod:`~carbon.uncertainty.analytic` (表七, Approach 1), :mod:`~carbon.uncertainty.montecarlo`
(Approach 2).

Both functions read the emission-records table (one row per source x gas, see
``docs/DESIGN.md``) and nothing else:

* :func:`analytic` -- the MOENV inventory workbook 表七 rule, which is IPCC / GHG
  Protocol error propagation (Approach 1) with the lower and upper bounds of the
  95 % interval carried separately.  This is the figure the official report asks for.
* :func:`monte_carlo` -- IPCC Approach 2: every uncertain activity amount and
  emission factor is drawn ``iterations`` times, factors shared by several rows are
  drawn once per iteration (fully correlated), and the total's distribution gives the
  95 % interval, its convergence and each source's contribution to the variance.
* :func:`uncertainty_report` -- both, as the JSON-ready dict the CLI prints.

Columns read (other columns are ignored)
----------------------------------------
``source_id`` (required), ``gas`` (required), ``co2e_t`` (required, [t CO2e]),
``factor_id``, ``iso_category``, ``biogenic``, ``ad_low_pct``, ``ad_high_pct``,
``ef_low_pct``, ``ef_high_pct`` ([%], positive magnitudes of the 95 % interval:
``ef_low_pct=2.024, ef_high_pct=0.945`` means -2.024 % / +0.945 %; empty = not
given), ``ad_dist``, ``ef_dist`` (``normal``, ``lognormal``, ``triangular``,
``uniform`` or empty) and ``activity_group``.  Rows with ``biogenic`` true are
left out of every total (biogenic CO2 is reported separately).

Which draws are shared
----------------------
* Emission factor: one draw per ``(factor_id, gas)`` per iteration, shared by every
  row that carries that pair; a row with an empty ``factor_id`` has its own draw.
* Activity: one draw per ``activity_group`` (if given) or else per ``source_id``,
  shared by the gases of that source.
* GWP values are fixed (they are not uncertain in the inventory sense).

Rows sharing a draw must give the same bounds and distribution; otherwise an
:class:`~carbon.errors.InputError` lists the rows.

Distributions of the multipliers
--------------------------------
The sampled CO2e of a row is ``co2e_t x M_ad x M_ef`` where each multiplier ``M``
has the reported value 1 and a 95 % interval ``[1 - l, 1 + h]`` (``l``, ``h`` =
the low / high percent / 100).  ``z = 1.959964`` is the 97.5 % point of N(0, 1).

* empty dist, ``l == h`` -> **normal**, ``M = 1 + (h / z) Z``.
* empty dist, ``l != h`` -> **median-preserving shifted lognormal**:
  ``M = 1 + s a (exp(s sigma Z) - 1)`` with ``k = max(l, h) / min(l, h)``,
  ``sigma = ln(k) / z``, ``a = l h / |h - l|`` and ``s = +1`` if ``h > l`` (skewed
  up), ``-1`` if ``l > h`` (skewed down, a reflected lognormal).  Its median is
  exactly 1 (the reported value) and its 2.5 / 97.5 percentiles are exactly
  ``1 - l`` and ``1 + h``: three parameters (shift, mu, sigma) from three
  conditions.  As ``l -> h`` it tends to the normal above.  A bound of 0 on one
  side only cannot be fitted; give ``triangular`` or ``uniform`` for such a row.
* ``normal`` with ``l != h`` -> normal with ``sd = (l + h) / (2 z)`` (the bounds
  are then only matched on average).
* ``lognormal`` -> the classic two-parameter lognormal ``M = exp(mu + sigma Z)``
  fitted to both percentiles: ``mu = (ln(1 - l) + ln(1 + h)) / 2``,
  ``sigma = (ln(1 + h) - ln(1 - l)) / (2 z)``.  Always positive; its median is
  ``sqrt((1 - l)(1 + h))``, slightly below 1.
* ``uniform`` -> uniform on ``[1 - l', 1 + h']`` with ``l' = l + 0.025 w``,
  ``h' = h + 0.025 w`` and ``w = (l + h) / 0.95``, so that its 2.5 / 97.5
  percentiles are the given bounds.
* ``triangular`` -> triangular with mode 1 and limits ``1 - a``, ``1 + b`` solved
  so that its 2.5 / 97.5 percentiles are the given bounds
  (``a - sqrt(0.025 a (a + b)) = l`` and the same for ``b``).

Random numbers and chunks
-------------------------
The caller passes a :class:`numpy.random.Generator` (or an int seed); one 128-bit
entropy value is drawn from it (the global numpy state is never touched) and every
block of ``BLOCK_SIZE`` (1,024) iterations gets its own child generators,
``SFC64(SeedSequence(entropy, spawn_key=(block, stream)))`` (stream 0: the normal
draws, stream 1: the uniform draws); a block always draws all its 1,024 iterations.
Work is done in chunks of whole blocks; per-iteration totals are row sums and the
running sums are accumulated block by block in block order, so **results are
bit-identical for any chunk size** (tested), and the totals of a run of ``n``
iterations are the first ``n`` totals of any longer run with the same seed.  The
next chunk's numbers are drawn in one worker thread while the current chunk is
processed; as every block has its own generator this does not change the numbers.
At most two chunks of draws (``chunk_size x quantities``) and one chunk of samples
(``chunk_size x rows``) are held in memory, plus one float per iteration (the
totals) and two running sums per row.  Everything is float64.

Contribution to variance
------------------------
Each row's sampled deviation ``D_r = X_r - co2e_r`` is accumulated against the
total's deviation ``T' = sum_r D_r``; the share of row ``r`` is
``Cov(X_r, T) / Var(T)`` (population covariances).  The shares sum to 1 exactly
(the covariance of the total with itself); for independent sources each share is
that source's variance share, and the covariance a shared factor adds is split
among the sources that use it in proportion to their emissions.  Source, category
and gas shares are sums of row shares.  A share can be negative only for a row
negatively correlated with the total.

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表七 不確定性量化評估 (formulas in
   columns O/P, W/X, AE/AF, AG/AH) and 表八 彙整表六 (cells A37, C37, D37);
   ``factors/sources/taiwan/moenv-inventory-workbook-sample.ods``.
.. [2] 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 1, Ch. 3
   "Uncertainties", Eq. 3.1 and 3.2 (Approach 1) and Section 3.2.3.2 (Approach 2,
   Monte Carlo).
.. [3] GHG Protocol, "Quantitative Inventory Uncertainty" guidance (2003).
"""

from carbon.uncertainty.analytic import AnalyticResult, analytic
from carbon.uncertainty.distributions import DISTRIBUTIONS, Z975, multiplier_quantiles
from carbon.uncertainty.montecarlo import BLOCK_SIZE, MonteCarloResult, monte_carlo, uncertainty_report

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
