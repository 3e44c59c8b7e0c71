"""Uncertainty of an inventory: error propagation (Approach 1) and Monte Carlo (Approach 2).

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

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from carbon.errors import CalculationError, InputError, Problem, did_you_mean

__all__ = [
    "BLOCK_SIZE",
    "DISTRIBUTIONS",
    "AnalyticResult",
    "MonteCarloResult",
    "analytic",
    "monte_carlo",
    "multiplier_quantiles",
    "uncertainty_report",
]

#: Iterations per random-number block; the unit of reproducibility (see module doc).
BLOCK_SIZE = 1024
#: Distribution names accepted in ``ad_dist`` / ``ef_dist`` (empty = automatic).
DISTRIBUTIONS = ("normal", "lognormal", "triangular", "uniform")
#: 97.5 % point of the standard normal distribution (1.959964 ...).
Z975 = NormalDist().inv_cdf(0.975)
#: Fractions of the run at which the convergence checkpoints are taken.
CONVERGENCE_CHECKPOINTS = (0.9, 0.925, 0.95, 0.975, 1.0)
#: The run counts as converged when, over the last 10 % of iterations, the mean and
#: both bounds moved by at most this fraction of the 95 % half-width.
CONVERGENCE_TOLERANCE = 0.05
#: Target number of float64 cells in one chunk matrix when ``chunk_size`` is None.
_CHUNK_CELLS = 1 << 21

_REQUIRED = ("source_id", "gas", "co2e_t")
_PCT_COLUMNS = ("ad_low_pct", "ad_high_pct", "ef_low_pct", "ef_high_pct")
_KINDS = {"ad": "ad", "activity": "ad", "ef": "ef", "factor": "ef", "emission_factor": "ef"}

# internal distribution codes; normal-based ones first, then uniform-based
_D_NORMAL, _D_SHIFTED, _D_LOGNORMAL, _D_UNIFORM, _D_TRIANGULAR = range(5)
_DIST_LABEL = {
    _D_NORMAL: "normal",
    _D_SHIFTED: "lognormal (shifted, median 1)",
    _D_LOGNORMAL: "lognormal",
    _D_UNIFORM: "uniform",
    _D_TRIANGULAR: "triangular",
}


# ---------------------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------------------
def _num(x: Any) -> float | None:
    """Plain float for JSON (NaN and infinities become None)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame -> list of JSON-ready dicts."""
    out = []
    for rec in frame.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, (bool, np.bool_)):
                row[k] = bool(v)
            elif isinstance(v, (int, np.integer)):
                row[k] = int(v)
            elif isinstance(v, (float, np.floating)):
                row[k] = _num(v)
            else:
                row[k] = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        out.append(row)
    return out


@dataclass(frozen=True, eq=False)
class AnalyticResult:
    """Approach 1 (MOENV 表七 / GHG Protocol error propagation) result.

    Attributes
    ----------
    lower_pct, upper_pct : float
        Inventory uncertainty, lower and upper half of the 95 % interval, relative to
        the emissions covered by the assessment (as 表八 彙整表六 C37/D37). [%]
    covered_share : float
        Covered emissions / total emissions (absolute values, as 表八 A37). [1]
    covered_tco2e, total_tco2e : float
        Emissions with uncertainty data, and all non-biogenic emissions. [t CO2e]
    lower_pct_of_total, upper_pct_of_total : float
        The same absolute half-widths relative to the whole total (uncovered rows
        counted as certain), comparable with the Monte Carlo bounds. [%]
    by_row, by_source, by_gas : pandas.DataFrame
        Per record (with ``u_low_pct``, ``u_high_pct``, ``covered``), per source
        (表七 AG/AH) and per gas (same rule over the rows of a gas).
    defaults_used : pandas.DataFrame
        Rows whose bounds came from ``defaults`` (row, source_id, gas, kind, low_pct,
        high_pct).
    notes : tuple of str
        Caveats, e.g. factors shared by several rows (Approach 1 ignores correlation).
    """

    lower_pct: float
    upper_pct: float
    covered_share: float
    covered_tco2e: float
    total_tco2e: float
    lower_pct_of_total: float
    upper_pct_of_total: float
    by_row: pd.DataFrame = field(repr=False)
    by_source: pd.DataFrame = field(repr=False)
    by_gas: pd.DataFrame = field(repr=False)
    defaults_used: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    method: str = "analytic"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN -> None)."""
        return {
            "method": self.method,
            "method_label": "IPCC Approach 1 / MOENV 表七 error propagation",
            "lower_pct": _num(self.lower_pct),
            "upper_pct": _num(self.upper_pct),
            "covered_share": _num(self.covered_share),
            "covered_tco2e": _num(self.covered_tco2e),
            "total_tco2e": _num(self.total_tco2e),
            "lower_pct_of_total": _num(self.lower_pct_of_total),
            "upper_pct_of_total": _num(self.upper_pct_of_total),
            "by_source": _records(self.by_source),
            "by_gas": _records(self.by_gas),
            "defaults_used": _records(self.defaults_used),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Approach 2 (Monte Carlo) result.

    Attributes
    ----------
    iterations, seed, chunk_size, block_size : int
        Run settings; ``seed`` is None when a Generator was passed.
    deterministic_tco2e : float
        Sum of ``co2e_t`` over non-biogenic rows. [t CO2e]
    mean_tco2e, median_tco2e, std_tco2e, p2_5_tco2e, p97_5_tco2e : float
        Statistics of the sampled total (percentiles by linear interpolation,
        ``numpy.percentile`` default). [t CO2e]
    lower_pct, upper_pct : float
        ``(mean - p2.5) / mean`` and ``(p97.5 - mean) / mean`` (IPCC 2006 Vol. 1
        Ch. 3 reports Approach 2 ranges relative to the mean). [%]
    mean_se_tco2e : float
        Standard error of the mean, ``std / sqrt(iterations)``. [t CO2e]
    p2_5_ci_tco2e, p97_5_ci_tco2e : tuple of float
        Distribution-free 95 % confidence interval of each percentile estimate (order
        statistics, binomial normal approximation). [t CO2e]
    convergence : pandas.DataFrame
        Mean and bounds after 90, 92.5, 95, 97.5 and 100 % of the iterations.
    max_drift_pct : float
        Largest move of mean / p2.5 / p97.5 over those checkpoints, relative to the
        final mean. [%]
    converged : bool
        That largest move is at most ``CONVERGENCE_TOLERANCE`` of the half-width.
    by_source, by_category, by_gas : pandas.DataFrame
        ``share_of_variance`` = Cov(X, total) / Var(total), sorted descending.
    quantities : pandas.DataFrame
        The uncertain quantities drawn (key, kind, distribution, bounds, rows).
    defaults_used : pandas.DataFrame
        Rows whose bounds came from ``defaults``.
    totals : numpy.ndarray
        The sampled totals, one per iteration. [t CO2e]
    analytic : AnalyticResult
        Approach 1 on the same records and defaults.
    notes : tuple of str
        Caveats (normal distributions wide enough to draw negative values, few
        iterations, biogenic rows left out).
    """

    iterations: int
    seed: int | None
    chunk_size: int
    block_size: int
    deterministic_tco2e: float
    mean_tco2e: float
    median_tco2e: float
    std_tco2e: float
    p2_5_tco2e: float
    p97_5_tco2e: float
    lower_pct: float
    upper_pct: float
    mean_se_tco2e: float
    p2_5_ci_tco2e: tuple[float, float]
    p97_5_ci_tco2e: tuple[float, float]
    convergence: pd.DataFrame = field(repr=False)
    max_drift_pct: float = float("nan")
    converged: bool = False
    by_source: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    by_category: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    by_gas: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    quantities: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    defaults_used: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    totals: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    analytic: AnalyticResult | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    method: str = "monte_carlo"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready report dict (the CLI's ``--json`` output).

        Keys: method, iterations, seed, mean_tco2e, median_tco2e, p2_5_tco2e,
        p97_5_tco2e, lower_pct, upper_pct, analytic {lower_pct, upper_pct, ...},
        contributions [{source_id, share_of_variance}], contributions_by_category,
        contributions_by_gas, convergence, and run details.
        """
        return {
            "method": self.method,
            "method_label": "IPCC Approach 2 Monte Carlo",
            "iterations": int(self.iterations),
            "seed": None if self.seed is None else int(self.seed),
            "deterministic_tco2e": _num(self.deterministic_tco2e),
            "mean_tco2e": _num(self.mean_tco2e),
            "median_tco2e": _num(self.median_tco2e),
            "std_tco2e": _num(self.std_tco2e),
            "p2_5_tco2e": _num(self.p2_5_tco2e),
            "p97_5_tco2e": _num(self.p97_5_tco2e),
            "lower_pct": _num(self.lower_pct),
            "upper_pct": _num(self.upper_pct),
            "analytic": None if self.analytic is None else self.analytic.to_dict(),
            "contributions": _records(self.by_source[["source_id", "share_of_variance"]]),
            "contributions_by_category": _records(self.by_category),
            "contributions_by_gas": _records(self.by_gas),
            "convergence": {
                "checkpoints": _records(self.convergence),
                "max_drift_pct": _num(self.max_drift_pct),
                "converged": bool(self.converged),
                "mean_se_tco2e": _num(self.mean_se_tco2e),
                "p2_5_ci_tco2e": [_num(v) for v in self.p2_5_ci_tco2e],
                "p97_5_ci_tco2e": [_num(v) for v in self.p97_5_ci_tco2e],
            },
            "defaults_used": _records(self.defaults_used),
            "notes": list(self.notes),
            "chunk_size": int(self.chunk_size),
            "block_size": int(self.block_size),
        }


# ---------------------------------------------------------------------------------------
# input preparation (shared by both approaches)
# ---------------------------------------------------------------------------------------
_TRUE = {"true", "t", "yes", "y", "1", "是"}
_FALSE = {"false", "f", "no", "n", "0", "否", ""}


def _to_bool(v: Any) -> bool | None:
    if v is None or v is pd.NA:
        return False
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return False if (isinstance(v, float) and math.isnan(v)) else bool(v)
    s = str(v).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def _text(series: pd.Series) -> np.ndarray:
    """Object array of stripped strings, '' for missing (one conversion per distinct value)."""
    codes, uniq = pd.factorize(series, use_na_sentinel=True)
    lut = np.array([str(v).strip() for v in uniq] + [""], dtype=object)
    return lut[codes]


def _parse_defaults(defaults: Any) -> dict[tuple[str, str], tuple[float, float, str]]:
    """Normalise ``defaults`` to ``{(gas, kind): (low_pct, high_pct, dist)}``; gas '*' = any."""
    if defaults is None:
        return {}
    out: dict[tuple[str, str], tuple[float, float, str]] = {}
    problems: list[Problem] = []

    def put(gas: Any, kind: Any, low: Any, high: Any, dist: Any, where: str) -> None:
        k = _KINDS.get(str(kind).strip().lower())
        if k is None:
            problems.append(
                Problem(
                    f"{where}: kind {kind!r} is not 'ad' or 'ef'.",
                    hint="Use 'ad' (activity data) or 'ef' (emission factor).",
                )
            )
            return
        try:
            lo, hi = float(low), float(high)
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    f"{where}: bounds {low!r}/{high!r} are not numbers.",
                    hint="Give a percentage such as 7 or a pair (2.0, 0.9).",
                )
            )
            return
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi < 0 or lo >= 100:
            problems.append(Problem(f"{where}: bounds {lo}/{hi} % must be finite, >= 0, and the lower one < 100."))
            return
        d = "" if dist is None or (isinstance(dist, float) and math.isnan(dist)) else str(dist).strip().lower()
        if d and d not in DISTRIBUTIONS:
            problems.append(
                Problem(
                    f"{where}: distribution {d!r} is unknown.",
                    hint=did_you_mean(d, DISTRIBUTIONS) or f"Use one of {', '.join(DISTRIBUTIONS)}.",
                )
            )
            return
        out[(str(gas).strip() or "*", k)] = (lo, hi, d)

    if isinstance(defaults, pd.DataFrame):
        cols = set(defaults.columns)
        if not {"gas", "kind"} <= cols or not ({"pct"} <= cols or {"low_pct", "high_pct"} <= cols):
            msg = (
                "defaults table needs columns gas, kind and either pct or low_pct, high_pct; it has "
                + ", ".join(map(str, defaults.columns))
                + "."
            )
            raise InputError([Problem(msg, hint="Example: gas=CO2, kind=ef, pct=7.")])
        for i, rec in enumerate(defaults.to_dict(orient="records")):
            pct = rec.get("pct")
            low = rec.get("low_pct", pct)
            high = rec.get("high_pct", pct)
            if low is None or (isinstance(low, float) and math.isnan(low)):
                low = pct
            if high is None or (isinstance(high, float) and math.isnan(high)):
                high = pct
            put(rec["gas"], rec["kind"], low, high, rec.get("dist"), f"defaults row {i + 1}")
    elif isinstance(defaults, Mapping):
        for key, val in defaults.items():
            if isinstance(key, tuple) and len(key) == 2:
                gas, kind = key
            elif isinstance(key, str) and "/" in key:
                gas, kind = key.rsplit("/", 1)
            else:
                problems.append(
                    Problem(
                        f"defaults key {key!r} is not (gas, kind) or 'gas/kind'.",
                        hint="Example: {('CO2', 'ef'): 7, 'CH4/ef': (70, 200)}.",
                    )
                )
                continue
            dist = None
            if isinstance(val, Mapping):
                low = val.get("low_pct", val.get("pct"))
                high = val.get("high_pct", val.get("pct"))
                dist = val.get("dist")
            elif isinstance(val, (tuple, list)):
                if len(val) not in (2, 3):
                    problems.append(
                        Problem(f"defaults[{key!r}] = {val!r}: give pct, (low, high) or (low, high, dist).")
                    )
                    continue
                low, high = val[0], val[1]
                dist = val[2] if len(val) == 3 else None
            else:
                low = high = val
            put(gas, kind, low, high, dist, f"defaults[{key!r}]")
    else:
        msg = f"defaults must be a DataFrame or a dict, not {type(defaults).__name__}."
        raise InputError([Problem(msg, hint="Example: {('CO2', 'ef'): 7, ('CO2', 'ad'): 2}.")])
    if problems:
        raise InputError(problems)
    return out


@dataclass
class _Prepared:
    """Validated fossil rows and their uncertain quantities."""

    row: np.ndarray  # spreadsheet-style row number (header = 1)
    source_id: np.ndarray
    gas: np.ndarray
    category: np.ndarray
    co2e: np.ndarray
    ad: np.ndarray  # (n, 2) low/high pct, NaN = none
    ef: np.ndarray
    ad_dist: np.ndarray
    ef_dist: np.ndarray
    ad_key: list[tuple]
    ef_key: list[tuple]
    defaults_used: pd.DataFrame
    n_biogenic: int
    shared_factors: int


def _prepare(records: pd.DataFrame, defaults: Any) -> _Prepared:
    if not isinstance(records, pd.DataFrame):
        msg = f"records must be a pandas DataFrame (the emission-records table), not {type(records).__name__}."
        raise InputError([Problem(msg, hint="Read the file with pandas or carbon.formats.project first.")])
    missing = [c for c in _REQUIRED if c not in records.columns]
    if missing:
        msg = "the records table has no column " + ", ".join(repr(c) for c in missing) + "."
        hint = (
            " ".join(did_you_mean(c, map(str, records.columns)) for c in missing).strip()
            or "See docs/DESIGN.md, 'Emission records'."
        )
        raise InputError([Problem(msg, column=missing[0], hint=hint)])
    df = records.reset_index(drop=True)
    n = len(df)
    rownum = np.arange(n) + 2
    problems: list[Problem] = []

    co2e = pd.to_numeric(df["co2e_t"], errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(~np.isfinite(co2e)):
        problems.append(
            Problem(
                f"co2e_t {df['co2e_t'].iloc[i]!r} is not a number.",
                row=int(rownum[i]),
                column="co2e_t",
                hint="Give the CO2e in t.",
            )
        )

    if "biogenic" in df.columns:
        b_codes, b_uniq = pd.factorize(df["biogenic"], use_na_sentinel=True)
        b_lut = np.array([_to_bool(v) for v in b_uniq] + [_to_bool(None)], dtype=object)
        bio_raw = b_lut[b_codes]
        for i in np.flatnonzero(np.array([b is None for b in b_lut], dtype=bool)[b_codes]):
            if True:
                problems.append(
                    Problem(
                        f"biogenic {df['biogenic'].iloc[i]!r} is not true/false.",
                        row=int(rownum[i]),
                        column="biogenic",
                        hint="Use true or false.",
                    )
                )
        bio = np.array([bool(b) for b in bio_raw], dtype=bool)
    else:
        bio = np.zeros(n, dtype=bool)

    pct = {}
    for c in _PCT_COLUMNS:
        if c in df.columns:
            raw = df[c]
            vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            txt = _text(raw)
            for i in np.flatnonzero(np.isnan(vals) & (txt != "") & (txt.astype(str) != "nan")):
                problems.append(
                    Problem(
                        f"{c} {raw.iloc[i]!r} is not a number.",
                        row=int(rownum[i]),
                        column=c,
                        hint="Give a positive percentage such as 7 (= ±7 %), or leave it empty.",
                    )
                )
            for i in np.flatnonzero(vals < 0):
                problems.append(
                    Problem(
                        f"{c} is {vals[i]} but bounds are positive magnitudes.",
                        row=int(rownum[i]),
                        column=c,
                        hint=f"Write {abs(vals[i])} (a lower bound of -{abs(vals[i])} % is written as {abs(vals[i])}).",
                    )
                )
            if c.endswith("low_pct"):
                for i in np.flatnonzero(vals >= 100):
                    problems.append(
                        Problem(
                            f"{c} is {vals[i]} %: a lower bound of 100 % or more means a negative or zero value.",
                            row=int(rownum[i]),
                            column=c,
                            hint="Check the unit (percent, not fraction x 100).",
                        )
                    )
            pct[c] = vals
        else:
            pct[c] = np.full(n, np.nan)

    dists = {}
    for c in ("ad_dist", "ef_dist"):
        d = _text(df[c]).astype(str) if c in df.columns else np.full(n, "", dtype=object)
        d_codes, d_uniq = pd.factorize(pd.Series(d, dtype=object), use_na_sentinel=True)
        d_low = np.array([str(s).lower() for s in d_uniq] + [""], dtype=object)
        d = d_low[d_codes]
        bad_lut = np.array([bool(s) and s not in DISTRIBUTIONS for s in d_low], dtype=bool)
        for i in np.flatnonzero(bad_lut[d_codes]):
            s = d[i]
            if True:
                problems.append(
                    Problem(
                        f"{c} {s!r} is unknown.",
                        row=int(rownum[i]),
                        column=c,
                        hint=did_you_mean(s, DISTRIBUTIONS)
                        or f"Use one of {', '.join(DISTRIBUTIONS)} or leave it empty.",
                    )
                )
        dists[c] = d

    ad = np.column_stack([pct["ad_low_pct"], pct["ad_high_pct"]])
    ef = np.column_stack([pct["ef_low_pct"], pct["ef_high_pct"]])
    for name, arr in (("ad", ad), ("ef", ef)):
        half = np.isnan(arr[:, 0]) != np.isnan(arr[:, 1])
        for i in np.flatnonzero(half):
            given = f"{name}_low_pct" if np.isnan(arr[i, 1]) else f"{name}_high_pct"
            other = f"{name}_high_pct" if given.endswith("low_pct") else f"{name}_low_pct"
            problems.append(
                Problem(
                    f"{given} is given but {other} is empty.",
                    row=int(rownum[i]),
                    column=other,
                    hint="Give both bounds (the same value twice for a symmetric interval) or neither.",
                )
            )

    source_id = _text(df["source_id"]).astype(str)
    gas = _text(df["gas"]).astype(str)
    for i in np.flatnonzero(source_id == ""):
        problems.append(
            Problem(
                "source_id is empty.",
                row=int(rownum[i]),
                column="source_id",
                hint="Every record needs the id of its emission source.",
            )
        )
    if problems:
        raise InputError(problems)

    # defaults where the user gave nothing
    dmap = _parse_defaults(defaults)
    used = []
    if dmap:
        for name, arr, dcol in (("ad", ad, "ad_dist"), ("ef", ef, "ef_dist")):
            for i in np.flatnonzero(np.isnan(arr[:, 0]) & np.isnan(arr[:, 1]) & ~bio):
                hit = dmap.get((gas[i], name)) or dmap.get(("*", name))
                if hit is None:
                    continue
                arr[i] = hit[0], hit[1]
                if not dists[dcol][i]:
                    dists[dcol][i] = hit[2]
                used.append(
                    {
                        "row": int(rownum[i]),
                        "source_id": source_id[i],
                        "gas": gas[i],
                        "kind": name,
                        "low_pct": hit[0],
                        "high_pct": hit[1],
                    }
                )
    defaults_used = pd.DataFrame(used, columns=["row", "source_id", "gas", "kind", "low_pct", "high_pct"])

    keep = ~bio
    idx = np.flatnonzero(keep)
    factor_id = _text(df["factor_id"]).astype(str) if "factor_id" in df.columns else np.full(n, "", dtype=object)
    group = _text(df["activity_group"]).astype(str) if "activity_group" in df.columns else np.full(n, "", dtype=object)
    category = _text(df["iso_category"]).astype(str) if "iso_category" in df.columns else np.full(n, "", dtype=object)
    ad_key = [("group", group[i]) if group[i] else ("source", source_id[i]) for i in idx]
    ef_key = [("factor", factor_id[i], gas[i]) if factor_id[i] else ("row", int(i)) for i in idx]
    counts: dict[tuple, int] = {}
    for k in ef_key:
        if k[0] == "factor":
            counts[k] = counts.get(k, 0) + 1
    shared = sum(1 for v in counts.values() if v > 1)
    return _Prepared(
        row=rownum[idx],
        source_id=source_id[idx],
        gas=gas[idx],
        category=category[idx],
        co2e=co2e[idx],
        ad=ad[idx],
        ef=ef[idx],
        ad_dist=dists["ad_dist"][idx],
        ef_dist=dists["ef_dist"][idx],
        ad_key=ad_key,
        ef_key=ef_key,
        defaults_used=defaults_used,
        n_biogenic=int(bio.sum()),
        shared_factors=shared,
    )


# ---------------------------------------------------------------------------------------
# Approach 1
# ---------------------------------------------------------------------------------------
def analytic(records: pd.DataFrame, defaults: Any = None, *, round_like_workbook: bool = False) -> AnalyticResult:
    """Propagate uncertainty with the MOENV 表七 rule (IPCC / GHG Protocol Approach 1).

    Per record (gas g of source s), lower and upper separately:
    ``U_g = sqrt(U_AD^2 + U_EF^2)``; per source ``U_s = sqrt(sum_g (U_g E_g)^2) /
    sum_g E_g``; inventory ``U = sqrt(sum_s (U_s E_s)^2) / sum_s E_s``, over the
    records *covered* by the assessment, i.e. with both activity and factor bounds
    (the workbook leaves 表七 J/R/Z blank otherwise).  The covered share is
    ``sum |E_covered| / sum |E_all|``.  Biogenic rows are left out.

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records (see module docstring for the columns read).
    defaults : pandas.DataFrame or dict, optional
        Default bounds used where a record gives none: a table with columns ``gas``,
        ``kind`` (``ad``/``ef``), ``pct`` or ``low_pct``/``high_pct`` (and optional
        ``dist``), or a dict ``{(gas, kind): pct | (low, high) | (low, high, dist)}``
        (keys may also be ``'CO2/ef'``; gas ``'*'`` matches any gas). [%]
    round_like_workbook : bool, default False
        Round each record's ``U_g`` to 5 decimals of a fraction (0.001 %), as
        ``ROUND(...;5)`` in 表七 columns O/P, W/X, AE/AF, to reproduce the workbook to
        the last digit.

    Returns
    -------
    AnalyticResult
        ``lower_pct``/``upper_pct`` [%], ``covered_share`` [1] and the tables.

    Raises
    ------
    InputError
        Missing columns, non-numeric or negative bounds, half-given bound pairs.

    References
    ----------
    .. [1] 環境部 溫室氣體排放量清冊表單(範例), 表七 (notes 11 and 12) and 表八 彙整表六.
    .. [2] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Eq. 3.1 (products) and Eq. 3.2 (sums).

    Examples
    --------
    >>> import pandas as pd
    >>> rec = pd.DataFrame({"source_id": ["elec"], "gas": ["CO2"], "co2e_t": [100.0],
    ...                     "ad_low_pct": [3.0], "ad_high_pct": [3.0],
    ...                     "ef_low_pct": [4.0], "ef_high_pct": [4.0]})
    >>> round(analytic(rec).lower_pct, 6)
    5.0
    """
    p = _prepare(records, defaults)
    return _analytic(p, round_like_workbook)


def _analytic(p: _Prepared, round_like_workbook: bool = False) -> AnalyticResult:
    covered = ~np.isnan(p.ad).any(axis=1) & ~np.isnan(p.ef).any(axis=1)
    u = np.sqrt(p.ad**2 + p.ef**2)  # (n, 2) in %
    if round_like_workbook:
        u = np.round(u / 100.0, 5) * 100.0
    u = np.where(covered[:, None], u, np.nan)
    e = p.co2e
    by_row = pd.DataFrame(
        {
            "row": p.row,
            "source_id": p.source_id,
            "gas": p.gas,
            "iso_category": p.category,
            "co2e_t": e,
            "covered": covered,
            "ad_low_pct": p.ad[:, 0],
            "ad_high_pct": p.ad[:, 1],
            "ef_low_pct": p.ef[:, 0],
            "ef_high_pct": p.ef[:, 1],
            "u_low_pct": u[:, 0],
            "u_high_pct": u[:, 1],
        }
    )
    ec = np.where(covered, e, 0.0)
    by_row["_e"] = ec
    by_row["_wl2"] = np.where(covered, (u[:, 0] * e) ** 2, 0.0)
    by_row["_wh2"] = np.where(covered, (u[:, 1] * e) ** 2, 0.0)
    by_row["_abs"] = np.abs(e)
    by_row["_abscov"] = np.abs(ec)

    def agg(key: str) -> pd.DataFrame:
        g = by_row.groupby(key, sort=False)
        t = pd.DataFrame(
            {
                "co2e_t": g["co2e_t"].sum(),
                "covered_co2e_t": g["_e"].sum(),
                "_wl2": g["_wl2"].sum(),
                "_wh2": g["_wh2"].sum(),
            }
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            t["lower_pct"] = np.where(t["covered_co2e_t"] != 0, np.sqrt(t["_wl2"]) / t["covered_co2e_t"], np.nan)
            t["upper_pct"] = np.where(t["covered_co2e_t"] != 0, np.sqrt(t["_wh2"]) / t["covered_co2e_t"], np.nan)
        return t.drop(columns=["_wl2", "_wh2"]).reset_index()

    by_source = agg("source_id")
    by_gas = agg("gas")
    # inventory from the per-source values, as 表八 C37 = sqrt(sum AI) / sum(J, R, Z)
    cov_e = float(by_source["covered_co2e_t"].sum())
    src_l = np.nan_to_num(by_source["lower_pct"].to_numpy() * by_source["covered_co2e_t"].to_numpy())
    src_h = np.nan_to_num(by_source["upper_pct"].to_numpy() * by_source["covered_co2e_t"].to_numpy())
    lower = math.sqrt(float(np.sum(src_l**2))) / cov_e if cov_e != 0 else float("nan")
    upper = math.sqrt(float(np.sum(src_h**2))) / cov_e if cov_e != 0 else float("nan")
    total = float(e.sum())
    abs_total = float(by_row["_abs"].sum())
    covered_share = float(by_row["_abscov"].sum()) / abs_total if abs_total else float("nan")
    by_row = by_row.drop(columns=["_e", "_wl2", "_wh2", "_abs", "_abscov"])
    notes = []
    if p.shared_factors:
        notes.append(
            f"{p.shared_factors} emission factor(s) are shared by several records; Approach 1 treats records as "
            "independent and so understates the uncertainty of their sum. The Monte Carlo result draws a shared "
            "factor once per iteration."
        )
    if cov_e == 0:
        notes.append("No record has both activity and factor bounds: nothing is covered by the assessment.")
    if p.n_biogenic:
        notes.append(f"{p.n_biogenic} biogenic record(s) left out of the total.")
    return AnalyticResult(
        lower_pct=lower,
        upper_pct=upper,
        covered_share=covered_share,
        covered_tco2e=cov_e,
        total_tco2e=total,
        lower_pct_of_total=lower * cov_e / total if total else float("nan"),
        upper_pct_of_total=upper * cov_e / total if total else float("nan"),
        by_row=by_row,
        by_source=by_source,
        by_gas=by_gas,
        defaults_used=p.defaults_used,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------------------
def _triangular_limits(lo: float, hi: float) -> tuple[float, float]:
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


def _fit(low_pct: float, high_pct: float, dist: str) -> tuple[int, tuple[float, ...]] | None:
    """Distribution code and parameters of a multiplier, or None for a constant."""
    lo, hi = low_pct / 100.0, high_pct / 100.0
    if lo == 0 and hi == 0:
        return None
    if dist == "":
        dist = "normal" if lo == hi else "shifted"
    if dist == "normal":
        return _D_NORMAL, ((lo + hi) / 2 / Z975,)
    if dist == "shifted":
        if lo == 0 or hi == 0:
            msg = f"bounds -{low_pct:g} % / +{high_pct:g} %: a lognormal cannot have a zero bound on one side only."
            raise CalculationError(msg + " Set the distribution to 'triangular' or 'uniform' for this record.")
        k = max(lo, hi) / min(lo, hi)
        sigma = math.log(k) / Z975
        a = lo * hi / abs(hi - lo)
        sign = 1.0 if hi > lo else -1.0
        return _D_SHIFTED, (sign * a, sign * sigma)  # increasing in Z for either sign
    if dist == "lognormal":
        mu = (math.log1p(-lo) + math.log1p(hi)) / 2
        sigma = (math.log1p(hi) - math.log1p(-lo)) / (2 * Z975)
        return _D_LOGNORMAL, (mu, sigma)
    if dist == "uniform":
        w = (lo + hi) / 0.95
        return _D_UNIFORM, (1 - lo - 0.025 * w, 1 + hi + 0.025 * w)
    if dist == "triangular":
        a, b = _triangular_limits(lo, hi)
        return _D_TRIANGULAR, (1 - a, 1.0, 1 + b)
    msg = f"unknown distribution {dist!r}."  # guarded by _prepare
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
    z = np.array([NormalDist().inv_cdf(float(x)) for x in q.ravel()]).reshape(q.shape)
    fit = _fit(low_pct, high_pct, dist)
    if fit is None:
        return np.ones_like(q)
    code, par = fit
    if code == _D_NORMAL:
        return 1 + par[0] * z
    if code == _D_SHIFTED:
        return 1 + par[0] * np.expm1(par[1] * z)
    if code == _D_LOGNORMAL:
        return np.exp(par[0] + par[1] * z)
    if code == _D_UNIFORM:
        return par[0] + (par[1] - par[0]) * q
    return _tri_ppf(q, *par)


def _tri_ppf(u: np.ndarray, lo: Any, mode: Any, hi: Any) -> np.ndarray:
    width = hi - lo
    fc = (mode - lo) / width
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1 - u) * width * (hi - mode))
    return np.where(u < fc, left, right)


@dataclass
class _Quantities:
    """Uncertain quantities ordered: normal-based codes first, then uniform-based."""

    table: pd.DataFrame
    n_normal: int  # columns drawn from the normal stream
    n_uniform: int
    slices: dict[int, tuple[int, int]]  # code -> [start, stop) in the multiplier matrix
    params: dict[int, tuple[np.ndarray, ...]]
    row_ad: np.ndarray  # column index per row (n_q = constant 1)
    row_ef: np.ndarray
    order: np.ndarray  # row order with rows sharing a factor adjacent


def _quantities(p: _Prepared) -> _Quantities:
    specs: dict[tuple, dict[str, Any]] = {}
    problems: list[Problem] = []
    n = len(p.co2e)
    # rows sharing a factor are made adjacent, so that the sampler can broadcast one
    # factor column over a contiguous run of rows instead of gathering it per row
    order = np.array(sorted(range(n), key=lambda i: (p.ef_key[i][0], str(p.ef_key[i][1:]))), dtype=np.intp)
    for kind, keys, bounds, dist in (("ad", p.ad_key, p.ad, p.ad_dist), ("ef", p.ef_key, p.ef, p.ef_dist)):
        for i in order:
            key = (kind, *keys[i])
            lo, hi = bounds[i]
            sig = (None if np.isnan(lo) else float(lo), None if np.isnan(hi) else float(hi), dist[i])
            s = specs.get(key)
            if s is None:
                specs[key] = {"sig": sig, "rows": [i]}
            else:
                if s["sig"] != sig:
                    first = s["rows"][0]
                    what = "activity group" if key[1] == "group" else ("source" if key[1] == "source" else "factor")
                    name = key[2] if key[1] != "factor" else f"{key[2]} ({key[3]})"
                    msg = (
                        f"{kind.upper()} bounds/distribution {sig} differ from {s['sig']} given in row {int(p.row[first])} "
                        f"for the same {what} {name!r}, which is drawn once per iteration."
                    )
                    problems.append(
                        Problem(
                            msg,
                            row=int(p.row[i]),
                            column=f"{kind}_low_pct",
                            hint="Give the same bounds and distribution on every row that shares it (or leave them empty on all).",
                        )
                    )
                s["rows"].append(i)
    if problems:
        raise InputError(problems)

    fitted: dict[int, list[tuple[tuple, tuple[float, ...], dict]]] = {c: [] for c in _DIST_LABEL}
    fit_problems: list[Problem] = []
    for key, s in specs.items():
        lo, hi, d = s["sig"]
        if lo is None:
            continue
        try:
            f = _fit(lo, hi, d)
        except CalculationError as err:
            fit_problems.append(Problem(str(err), row=int(p.row[s["rows"][0]]), column=f"{key[0]}_dist"))
            continue
        if f is not None:
            fitted[f[0]].append((key, f[1], s))
    if fit_problems:
        raise InputError(fit_problems)

    code_order = [_D_NORMAL, _D_SHIFTED, _D_LOGNORMAL, _D_UNIFORM, _D_TRIANGULAR]
    col = 0
    slices, params, rows_tab = {}, {}, []
    colmap: dict[tuple, int] = {}
    for code in code_order:
        items = fitted[code]
        slices[code] = (col, col + len(items))
        if items:
            params[code] = tuple(np.array([it[1][j] for it in items])[:, None] for j in range(len(items[0][1])))
        for key, par, s in items:
            colmap[key] = col
            lo, hi, d = s["sig"]
            rows_tab.append(
                {
                    "column": col,
                    "kind": key[0],
                    "key": ":".join(str(k) for k in key[1:]),
                    "distribution": _DIST_LABEL[code],
                    "low_pct": lo,
                    "high_pct": hi,
                    "params": ", ".join(f"{v:.6g}" for v in par),
                    "n_rows": len(s["rows"]),
                    "co2e_t": float(p.co2e[s["rows"]].sum()),
                }
            )
            col += 1
    nq = col
    n_normal = slices[_D_LOGNORMAL][1]
    row_ad = np.array([colmap.get(("ad", *k), nq) for k in p.ad_key], dtype=np.intp)
    row_ef = np.array([colmap.get(("ef", *k), nq) for k in p.ef_key], dtype=np.intp)
    return _Quantities(
        table=pd.DataFrame(
            rows_tab,
            columns=["column", "kind", "key", "distribution", "low_pct", "high_pct", "params", "n_rows", "co2e_t"],
        ),
        n_normal=n_normal,
        n_uniform=nq - n_normal,
        slices=slices,
        params=params,
        row_ad=row_ad,
        row_ef=row_ef,
        order=order,
    )


def _transform(q: _Quantities, m: np.ndarray) -> None:
    """Turn the draws in ``m`` (blocks x (nq + 1) x BLOCK_SIZE) into multipliers, in place.

    Columns ``[0, n_normal)`` hold standard normals and ``[n_normal, nq)`` uniforms on
    [0, 1); the last column is set to the constant multiplier 1.
    """
    for code, (a, b) in q.slices.items():
        if a == b:
            continue
        par = q.params[code]
        dst = m[:, a:b, :]
        if code == _D_NORMAL:
            dst *= par[0]
            dst += 1.0
        elif code == _D_SHIFTED:
            dst *= par[1]
            np.expm1(dst, out=dst)
            dst *= par[0]
            dst += 1.0
        elif code == _D_LOGNORMAL:
            dst *= par[1]
            dst += par[0]
            np.exp(dst, out=dst)
        elif code == _D_UNIFORM:
            dst *= par[1] - par[0]
            dst += par[0]
        else:
            dst[...] = _tri_ppf(dst, *par)
    m[:, -1, :] = 1.0


def _draw(entropy: int, q: _Quantities, m: np.ndarray, b0: int, k: int) -> None:
    """Fill ``m[:k]`` with the raw draws of blocks ``b0 .. b0 + k - 1``.

    Block ``blk`` always draws a full ``BLOCK_SIZE`` from its own streams, SFC64 seeded
    by ``SeedSequence(entropy, spawn_key=(blk, 0))`` (normals) and ``(blk, 1)``
    (uniforms), so a block's numbers do not depend on how blocks are grouped in chunks.
    """
    nq = q.n_normal + q.n_uniform
    for j in range(k):
        blk = b0 + j
        if q.n_normal:
            gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(entropy, spawn_key=(blk, 0))))
            gen.standard_normal(out=m[j, : q.n_normal, :])
        if q.n_uniform:
            gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(entropy, spawn_key=(blk, 1))))
            gen.random(out=m[j, q.n_normal : nq, :])


def _as_range(idx: np.ndarray) -> slice | None:
    """``slice(a, a + n)`` if ``idx`` is ``a, a+1, ..., a+n-1`` (a view instead of a gather)."""
    if len(idx) and np.array_equal(idx, np.arange(idx[0], idx[0] + len(idx))):
        return slice(int(idx[0]), int(idx[0]) + len(idx))
    return None


# ---------------------------------------------------------------------------------------
# Approach 2
# ---------------------------------------------------------------------------------------
def _entropy_and_seed(rng: Any) -> tuple[int, int | None]:
    if isinstance(rng, np.random.Generator):
        hi, lo = (int(x) for x in rng.integers(0, 2**64, size=2, dtype=np.uint64))
        return (hi << 64) | lo, None
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return _entropy_and_seed(np.random.default_rng(int(rng)))[0], int(rng)
    msg = f"rng must be a numpy.random.Generator or a non-negative int seed, not {rng!r}."
    raise InputError(
        [Problem(msg, hint="Pass numpy.random.default_rng(12345); global numpy random state is never used.")]
    )


def monte_carlo(
    records: pd.DataFrame,
    iterations: int,
    rng: np.random.Generator | int,
    chunk_size: int | None = None,
    defaults: Any = None,
) -> MonteCarloResult:
    """Monte Carlo propagation (IPCC Approach 2) over an emission-records table.

    See the module docstring for the distributions fitted to the 95 % bounds, which
    draws are shared (one per ``(factor_id, gas)`` and one per activity group or
    source), the seeding scheme and the contribution-to-variance method.

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records; rows without bounds (after ``defaults``) are certain.
    iterations : int
        Number of Monte Carlo iterations (at least 100; IPCC suggests enough for the
        bounds to stabilise, typically 10,000 or more). [1]
    rng : numpy.random.Generator or int
        Source of randomness; a seeded Generator or a seed.  The global numpy state is
        never used.  With an int the seed is recorded in the result.
    chunk_size : int, optional
        Iterations processed at once, rounded up to a multiple of ``BLOCK_SIZE``;
        by default about 2 million samples per chunk.  Results do not depend on it.
    defaults : pandas.DataFrame or dict, optional
        Default bounds where a record gives none (see :func:`analytic`). [%]

    Returns
    -------
    MonteCarloResult
        Mean, median, 2.5/97.5 percentiles [t CO2e], relative bounds [%],
        convergence, contributions to variance and the Approach 1 result.

    Raises
    ------
    InputError
        Invalid records, inconsistent bounds on a shared factor, bad ``rng``.

    References
    ----------
    .. [1] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Section 3.2.3.2 (Approach 2).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rec = pd.DataFrame({"source_id": ["a", "b"], "gas": ["CO2", "CO2"],
    ...                     "co2e_t": [60.0, 40.0], "factor_id": ["f", "f"],
    ...                     "ef_low_pct": [5.0, 5.0], "ef_high_pct": [5.0, 5.0]})
    >>> r = monte_carlo(rec, 20_000, np.random.default_rng(1))
    >>> abs(r.upper_pct - 5.0) < 0.2
    True
    """
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 100:
        msg = f"iterations must be an integer of at least 100, not {iterations!r}."
        raise InputError([Problem(msg, hint="Use 10,000 or more for a report (--iterations 100000).")])
    iterations = int(iterations)
    entropy, seed = _entropy_and_seed(rng)
    p = _prepare(records, defaults)
    q = _quantities(p)
    nq = q.n_normal + q.n_uniform

    unc = q.order[((q.row_ad < nq) | (q.row_ef < nq))[q.order]]
    n_unc = len(unc)
    co2e_u = p.co2e[unc]
    ia, ie = q.row_ad[unc], q.row_ef[unc]
    det_total = float(p.co2e.sum())

    if chunk_size is None:
        blocks_per_chunk = max(1, min(64, _CHUNK_CELLS // (BLOCK_SIZE * max(n_unc, nq, 1))))
    else:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
            msg = f"chunk_size must be a positive integer, not {chunk_size!r}."
            raise InputError([Problem(msg, hint=f"Use a multiple of {BLOCK_SIZE}, or leave it empty.")])
        blocks_per_chunk = -(-int(chunk_size) // BLOCK_SIZE)
    chunk = blocks_per_chunk * BLOCK_SIZE
    n_blocks = -(-iterations // BLOCK_SIZE)

    totals_dev = np.empty(iterations)  # T - T_det per iteration
    acc_dt = np.zeros(n_unc)  # sum_i D_r,i * T'_i
    acc_d = np.zeros(n_unc)  # sum_i D_r,i
    k_max = min(blocks_per_chunk, n_blocks)
    bufs = [np.empty((k_max, nq + 1, BLOCK_SIZE)) for _ in range(2)]  # double buffer
    d = np.empty((k_max, n_unc, BLOCK_SIZE))
    sa, se = _as_range(ia), _as_range(ie)
    w2 = co2e_u[:, None]
    cut = np.flatnonzero(np.diff(ie)) + 1
    runs = (
        list(zip(np.r_[0, cut].tolist(), np.r_[cut, n_unc].tolist(), ie[np.r_[0, cut]].tolist(), strict=True))
        if n_unc
        else []
    )
    use_runs = se is None and len(runs) <= max(1, n_unc // 8)
    g = np.empty((k_max, n_unc, BLOCK_SIZE)) if (not use_runs and se is None) else None
    starts = list(range(0, n_blocks, blocks_per_chunk))

    # the next chunk's random numbers are drawn in a worker thread while this chunk is
    # processed (numpy releases the GIL); each block has its own generator, so the
    # numbers do not depend on the threading
    with ThreadPoolExecutor(max_workers=1) as pool:
        nxt = pool.submit(_draw, entropy, q, bufs[0], 0, min(blocks_per_chunk, n_blocks))
        for c_i, b0 in enumerate(starts):
            k = min(blocks_per_chunk, n_blocks - b0)
            nxt.result()
            mc = bufs[c_i % 2][:k]
            if c_i + 1 < len(starts):
                b_next = starts[c_i + 1]
                nxt = pool.submit(
                    _draw, entropy, q, bufs[(c_i + 1) % 2], b_next, min(blocks_per_chunk, n_blocks - b_next)
                )
            dc = d[:k]
            _transform(q, mc)
            ma = mc[:, sa, :] if sa is not None else np.take(mc, ia, axis=1, out=dc)
            if use_runs:  # one factor column broadcast over each run of rows sharing it
                for r0, r1, f in runs:
                    np.multiply(ma[:, r0:r1, :], mc[:, f : f + 1, :], out=dc[:, r0:r1, :])
            else:
                me = mc[:, se, :] if se is not None else np.take(mc, ie, axis=1, out=g[:k])
                np.multiply(ma, me, out=dc)
            dc -= 1.0
            dc *= w2  # D = co2e (M_ad M_ef - 1)
            width = iterations - (b0 + k - 1) * BLOCK_SIZE
            if width < BLOCK_SIZE:  # draws beyond the last iteration are discarded
                dc[k - 1, :, width:] = 0.0
            tdev = dc.sum(axis=1)  # (k, BLOCK_SIZE)
            part_dt = np.einsum("kib,kb->ki", dc, tdev)  # per block, no BLAS (same sums for any chunking)
            part_d = dc.sum(axis=2)
            for j in range(k):  # accumulate block by block, in block order
                i0 = (b0 + j) * BLOCK_SIZE
                i1 = min(i0 + BLOCK_SIZE, iterations)
                totals_dev[i0:i1] = tdev[j, : i1 - i0]
                acc_dt += part_dt[j]
                acc_d += part_d[j]

    totals = det_total + totals_dev
    n_it = float(iterations)
    mean_dev = float(totals_dev.mean())
    var_t = float(np.mean((totals_dev - mean_dev) ** 2))
    cov_unc = acc_dt / n_it - (acc_d / n_it) * mean_dev
    cov = np.zeros(len(p.co2e))
    cov[unc] = cov_unc
    share = cov / var_t if var_t > 0 else np.zeros_like(cov)

    mean_t = det_total + mean_dev
    std_t = math.sqrt(var_t * n_it / (n_it - 1))
    p_lo, p_med, p_hi = (float(v) for v in np.percentile(totals, [2.5, 50.0, 97.5]))

    def share_table(key: str, values: np.ndarray) -> pd.DataFrame:
        t = pd.DataFrame({key: values, "co2e_t": p.co2e, "share_of_variance": share})
        t = t.groupby(key, sort=False, as_index=False).sum()
        return t.sort_values("share_of_variance", ascending=False, kind="stable").reset_index(drop=True)

    # convergence over the last 10 % (prefixes of the same run)
    conv_rows = []
    for f in CONVERGENCE_CHECKPOINTS:
        k = max(1, int(round(f * iterations)))
        pre = totals[:k]
        lo_k, hi_k = np.percentile(pre, [2.5, 97.5])
        conv_rows.append(
            {"iterations": k, "mean_tco2e": float(pre.mean()), "p2_5_tco2e": float(lo_k), "p97_5_tco2e": float(hi_k)}
        )
    conv = pd.DataFrame(conv_rows)
    final = conv.iloc[-1]
    drift = max(float((conv[c] - final[c]).abs().max()) for c in ("mean_tco2e", "p2_5_tco2e", "p97_5_tco2e"))
    half = (p_hi - p_lo) / 2
    converged = bool(drift <= CONVERGENCE_TOLERANCE * half) if half > 0 else True

    srt = np.sort(totals)
    notes = []
    wide = q.table[
        (q.table.distribution == "normal") & (q.table[["low_pct", "high_pct"]].mean(axis=1) > 100 * 0.25 * Z975)
    ]
    if len(wide):
        notes.append(
            f"{len(wide)} quantit{'y is' if len(wide) == 1 else 'ies are'} normal with a 95 % half-width above "
            f"{100 * 0.25 * Z975:.0f} % ({', '.join(wide.key.head(5))}{', ...' if len(wide) > 5 else ''}); such draws can be "
            "negative. Set the distribution to 'lognormal' for strictly positive values."
        )
    if iterations < 10_000:
        notes.append(f"Only {iterations:,} iterations; use 10,000 or more for a reported interval.")
    if not converged:
        notes.append(
            "The mean or a bound still moved by more than 5 % of the half-width over the last 10 % of iterations; run more iterations."
        )
    if p.n_biogenic:
        notes.append(f"{p.n_biogenic} biogenic record(s) left out of the total.")

    def pct_ci(prob: float) -> tuple[float, float]:
        s = Z975 * math.sqrt(n_it * prob * (1 - prob))
        lo_i = int(max(0, math.floor(n_it * prob - s) - 1))
        hi_i = int(min(iterations - 1, math.ceil(n_it * prob + s) - 1))
        return float(srt[lo_i]), float(srt[hi_i])

    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        chunk_size=chunk,
        block_size=BLOCK_SIZE,
        deterministic_tco2e=det_total,
        mean_tco2e=mean_t,
        median_tco2e=p_med,
        std_tco2e=std_t,
        p2_5_tco2e=p_lo,
        p97_5_tco2e=p_hi,
        lower_pct=(mean_t - p_lo) / mean_t * 100 if mean_t else float("nan"),
        upper_pct=(p_hi - mean_t) / mean_t * 100 if mean_t else float("nan"),
        mean_se_tco2e=std_t / math.sqrt(n_it),
        p2_5_ci_tco2e=pct_ci(0.025),
        p97_5_ci_tco2e=pct_ci(0.975),
        convergence=conv,
        max_drift_pct=drift / abs(mean_t) * 100 if mean_t else float("nan"),
        converged=converged,
        by_source=share_table("source_id", p.source_id),
        by_category=share_table("iso_category", p.category),
        by_gas=share_table("gas", p.gas),
        quantities=q.table,
        defaults_used=p.defaults_used,
        totals=totals,
        analytic=_analytic(p),
        notes=tuple(notes),
    )


def uncertainty_report(
    records: pd.DataFrame, iterations: int, seed: int | None, defaults: Any = None
) -> dict[str, Any]:
    """Run Approach 1 and Approach 2 and return the CLI's JSON dict.

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records.
    iterations : int
        Monte Carlo iterations. [1]
    seed : int or None
        Seed of ``numpy.random.default_rng``; recorded in the output.  None draws a
        fresh seed from the operating system and records it, so the run can still be
        repeated with ``--seed``.
    defaults : pandas.DataFrame or dict, optional
        Default bounds where a record gives none (see :func:`analytic`). [%]

    Returns
    -------
    dict
        JSON-ready: method, iterations, seed, mean_tco2e, median_tco2e, p2_5_tco2e,
        p97_5_tco2e, lower_pct, upper_pct (Monte Carlo, relative to its mean) [%],
        analytic {lower_pct, upper_pct, covered_share, ...} (MOENV 表七, the figure for
        the official report) and contributions [{source_id, share_of_variance}].
    """
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return monte_carlo(records, iterations, int(seed), defaults=defaults).to_dict()
