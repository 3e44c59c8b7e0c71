"""Approach 2: Monte Carlo simulation of the inventory total (IPCC Vol. 1 Ch. 3 §3.2.3.2).

See :mod:`carbon.uncertainty` for which draws are shared, the random-number blocks and
the contribution to variance.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from carbon.errors import CalculationError, InputError, Problem
from carbon.uncertainty.analytic import AnalyticResult, analytic_prepared
from carbon.uncertainty.distributions import (
    D_LOGNORMAL,
    D_NORMAL,
    D_SHIFTED,
    D_TRIANGULAR,
    D_UNIFORM,
    DIST_LABEL,
    Z975,
    fit_multiplier,
    triangular_ppf,
)
from carbon.uncertainty.inputs import PreparedRecords, frame_records, num_or_none, prepare_records

__all__ = ["BLOCK_SIZE", "CONVERGENCE_CHECKPOINTS", "CONVERGENCE_TOLERANCE", "MonteCarloResult", "monte_carlo", "uncertainty_report"]

#: Iterations per random-number block; the unit of reproducibility (see :mod:`carbon.uncertainty`).
BLOCK_SIZE = 1024
#: Fractions of the run at which the convergence checkpoints are taken.
CONVERGENCE_CHECKPOINTS = (0.9, 0.925, 0.95, 0.975, 1.0)
#: The run counts as converged when, over the last 10 % of iterations, the mean and
#: both bounds moved by at most this fraction of the 95 % half-width.
CONVERGENCE_TOLERANCE = 0.05
#: Target number of float64 cells in one chunk matrix when ``chunk_size`` is None.
_CHUNK_CELLS = 1 << 21


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
    totals: np.ndarray = field(default=None, repr=False)  # type: ignore[arg-type]
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
            "deterministic_tco2e": num_or_none(self.deterministic_tco2e),
            "mean_tco2e": num_or_none(self.mean_tco2e),
            "median_tco2e": num_or_none(self.median_tco2e),
            "std_tco2e": num_or_none(self.std_tco2e),
            "p2_5_tco2e": num_or_none(self.p2_5_tco2e),
            "p97_5_tco2e": num_or_none(self.p97_5_tco2e),
            "lower_pct": num_or_none(self.lower_pct),
            "upper_pct": num_or_none(self.upper_pct),
            "analytic": None if self.analytic is None else self.analytic.to_dict(),
            "contributions": frame_records(self.by_source[["source_id", "share_of_variance"]]),
            "contributions_by_category": frame_records(self.by_category),
            "contributions_by_gas": frame_records(self.by_gas),
            "convergence": {
                "checkpoints": frame_records(self.convergence),
                "max_drift_pct": num_or_none(self.max_drift_pct),
                "converged": bool(self.converged),
                "mean_se_tco2e": num_or_none(self.mean_se_tco2e),
                "p2_5_ci_tco2e": [num_or_none(v) for v in self.p2_5_ci_tco2e],
                "p97_5_ci_tco2e": [num_or_none(v) for v in self.p97_5_ci_tco2e],
            },
            "defaults_used": frame_records(self.defaults_used),
            "notes": list(self.notes),
            "chunk_size": int(self.chunk_size),
            "block_size": int(self.block_size),
        }


# ---------------------------------------------------------------------------------------


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


def _group_quantities(p: PreparedRecords) -> tuple[dict[tuple, dict[str, Any]], np.ndarray]:
    """One uncertain quantity per shared draw key, with its rows; rows sharing a draw must agree.

    Rows sharing a factor are made adjacent (``order``), so that the sampler can broadcast
    one factor column over a contiguous run of rows instead of gathering it per row.
    """
    specs: dict[tuple, dict[str, Any]] = {}
    problems: list[Problem] = []
    n = len(p.co2e)
    order = np.array(sorted(range(n), key=lambda i: (p.ef_key[i][0], str(p.ef_key[i][1:]))), dtype=np.intp)
    for kind, keys, bounds, dist in (("ad", p.ad_key, p.ad, p.ad_dist), ("ef", p.ef_key, p.ef, p.ef_dist)):
        for i in order:
            key = (kind, *keys[i])
            lo, hi = bounds[i]
            sig = (None if np.isnan(lo) else float(lo), None if np.isnan(hi) else float(hi), dist[i])
            s = specs.get(key)
            if s is None:
                specs[key] = {"sig": sig, "rows": [i]}
                continue
            if s["sig"] != sig:
                first = s["rows"][0]
                what = "activity group" if key[1] == "group" else ("source" if key[1] == "source" else "factor")
                name = key[2] if key[1] != "factor" else f"{key[2]} ({key[3]})"
                msg = (
                    f"{kind.upper()} bounds/distribution {sig} differ from {s['sig']} given in row {int(p.row[first])} "
                    f"for the same {what} {name!r}, which is drawn once per iteration."
                )
                hint = "Give the same bounds and distribution on every row that shares it (or leave them empty on all)."
                problems.append(Problem(msg, row=int(p.row[i]), column=f"{kind}_low_pct", hint=hint))
            s["rows"].append(i)
    if problems:
        raise InputError(problems)
    return specs, order


def _fit_quantities(p: PreparedRecords, specs: dict[tuple, dict[str, Any]]) -> dict[int, list]:
    """Fit each uncertain quantity's distribution; grouped by distribution code."""
    fitted: dict[int, list[tuple[tuple, tuple[float, ...], dict]]] = {c: [] for c in DIST_LABEL}
    fit_problems: list[Problem] = []
    for key, s in specs.items():
        lo, hi, d = s["sig"]
        if lo is None:
            continue
        try:
            f = fit_multiplier(lo, hi, d)
        except CalculationError as err:
            fit_problems.append(Problem(str(err), row=int(p.row[s["rows"][0]]), column=f"{key[0]}_dist"))
            continue
        if f is not None:
            fitted[f[0]].append((key, f[1], s))
    if fit_problems:
        raise InputError(fit_problems)
    return fitted


def _quantities(p: PreparedRecords) -> _Quantities:
    """The uncertain quantities in draw-column order (normal-based first, then uniform-based)."""
    specs, order = _group_quantities(p)
    fitted = _fit_quantities(p, specs)
    code_order = [D_NORMAL, D_SHIFTED, D_LOGNORMAL, D_UNIFORM, D_TRIANGULAR]
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
            lo, hi, _d = s["sig"]
            rows_tab.append(
                {
                    "column": col,
                    "kind": key[0],
                    "key": ":".join(str(k) for k in key[1:]),
                    "distribution": DIST_LABEL[code],
                    "low_pct": lo,
                    "high_pct": hi,
                    "params": ", ".join(f"{v:.6g}" for v in par),
                    "n_rows": len(s["rows"]),
                    "co2e_t": float(p.co2e[s["rows"]].sum()),
                }
            )
            col += 1
    nq = col
    n_normal = slices[D_LOGNORMAL][1]
    return _Quantities(
        table=pd.DataFrame(rows_tab, columns=["column", "kind", "key", "distribution", "low_pct", "high_pct", "params", "n_rows", "co2e_t"]),
        n_normal=n_normal,
        n_uniform=nq - n_normal,
        slices=slices,
        params=params,
        row_ad=np.array([colmap.get(("ad", *k), nq) for k in p.ad_key], dtype=np.intp),
        row_ef=np.array([colmap.get(("ef", *k), nq) for k in p.ef_key], dtype=np.intp),
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
        if code == D_NORMAL:
            dst *= par[0]
            dst += 1.0
        elif code == D_SHIFTED:
            dst *= par[1]
            np.expm1(dst, out=dst)
            dst *= par[0]
            dst += 1.0
        elif code == D_LOGNORMAL:
            dst *= par[1]
            dst += par[0]
            np.exp(dst, out=dst)
        elif code == D_UNIFORM:
            dst *= par[1] - par[0]
            dst += par[0]
        else:
            dst[...] = triangular_ppf(dst, *par)
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
    iterations = _check_iterations(iterations)
    entropy, seed = _entropy_and_seed(rng)
    p = prepare_records(records, defaults)
    q = _quantities(p)
    sim = _simulate(p, q, iterations, entropy, chunk_size)
    det_total = float(p.co2e.sum())
    totals = det_total + sim.totals_dev
    n_it = float(iterations)
    mean_dev = float(sim.totals_dev.mean())
    var_t = float(np.mean((sim.totals_dev - mean_dev) ** 2))
    cov = np.zeros(len(p.co2e))
    cov[sim.unc] = sim.acc_dt / n_it - (sim.acc_d / n_it) * mean_dev
    share = cov / var_t if var_t > 0 else np.zeros_like(cov)
    mean_t = det_total + mean_dev
    std_t = math.sqrt(var_t * n_it / (n_it - 1))
    p_lo, p_med, p_hi = (float(v) for v in np.percentile(totals, [2.5, 50.0, 97.5]))

    def share_table(key: str, values: np.ndarray) -> pd.DataFrame:
        t = pd.DataFrame({key: values, "co2e_t": p.co2e, "share_of_variance": share})
        t = t.groupby(key, sort=False, as_index=False).sum()
        return t.sort_values("share_of_variance", ascending=False, kind="stable").reset_index(drop=True)

    conv, drift, converged = _convergence(totals, iterations, (p_hi - p_lo) / 2)
    srt = np.sort(totals)
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        chunk_size=sim.chunk,
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
        p2_5_ci_tco2e=_percentile_ci(srt, 0.025),
        p97_5_ci_tco2e=_percentile_ci(srt, 0.975),
        convergence=conv,
        max_drift_pct=drift / abs(mean_t) * 100 if mean_t else float("nan"),
        converged=converged,
        by_source=share_table("source_id", p.source_id),
        by_category=share_table("iso_category", p.category),
        by_gas=share_table("gas", p.gas),
        quantities=q.table,
        defaults_used=p.defaults_used,
        totals=totals,
        analytic=analytic_prepared(p),
        notes=_notes(p, q, iterations, converged),
    )


def _check_iterations(iterations: Any) -> int:
    """The number of iterations: an integer of at least 100."""
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 100:
        msg = f"iterations must be an integer of at least 100, not {iterations!r}."
        raise InputError([Problem(msg, hint="Use 10,000 or more for a report (--iterations 100000).")])
    return int(iterations)


def _blocks_per_chunk(chunk_size: Any, n_unc: int, nq: int) -> int:
    """Random-number blocks per chunk: about 2 million samples, or the caller's chunk size rounded up."""
    if chunk_size is None:
        return max(1, min(64, _CHUNK_CELLS // (BLOCK_SIZE * max(n_unc, nq, 1))))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        msg = f"chunk_size must be a positive integer, not {chunk_size!r}."
        raise InputError([Problem(msg, hint=f"Use a multiple of {BLOCK_SIZE}, or leave it empty.")])
    return -(-int(chunk_size) // BLOCK_SIZE)


@dataclass
class _Simulation:
    """What the simulation accumulates: total deviations per iteration and per-row sums."""

    totals_dev: np.ndarray  # T - T_det per iteration
    acc_dt: np.ndarray  # sum_i D_r,i * T'_i per uncertain row
    acc_d: np.ndarray  # sum_i D_r,i per uncertain row
    unc: np.ndarray  # rows with an uncertain multiplier
    chunk: int  # iterations per chunk


class _Plan:
    """How the rows' multipliers are gathered from the draws (contiguous slices, runs or take)."""

    def __init__(self, p: PreparedRecords, q: _Quantities, k_max: int):
        nq = q.n_normal + q.n_uniform
        self.unc = q.order[((q.row_ad < nq) | (q.row_ef < nq))[q.order]]
        n_unc = len(self.unc)
        self.ia, self.ie = q.row_ad[self.unc], q.row_ef[self.unc]
        self.w2 = p.co2e[self.unc][:, None]
        self.sa, self.se = _as_range(self.ia), _as_range(self.ie)
        cut = np.flatnonzero(np.diff(self.ie)) + 1
        self.runs = (
            list(zip(np.r_[0, cut].tolist(), np.r_[cut, n_unc].tolist(), self.ie[np.r_[0, cut]].tolist(), strict=True))
            if n_unc
            else []
        )
        self.use_runs = self.se is None and len(self.runs) <= max(1, n_unc // 8)
        self.d = np.empty((k_max, n_unc, BLOCK_SIZE))
        self.g = np.empty((k_max, n_unc, BLOCK_SIZE)) if (not self.use_runs and self.se is None) else None

    def deviations(self, mc: np.ndarray, k: int) -> np.ndarray:
        """D = co2e (M_ad M_ef - 1) per block, row and iteration, from multipliers ``mc``."""
        dc = self.d[:k]
        ma = mc[:, self.sa, :] if self.sa is not None else np.take(mc, self.ia, axis=1, out=dc)
        if self.use_runs:  # one factor column broadcast over each run of rows sharing it
            for r0, r1, f in self.runs:
                np.multiply(ma[:, r0:r1, :], mc[:, f : f + 1, :], out=dc[:, r0:r1, :])
        else:
            me = mc[:, self.se, :] if self.se is not None else np.take(mc, self.ie, axis=1, out=cast(np.ndarray, self.g)[:k])  # g is allocated for this branch
            np.multiply(ma, me, out=dc)
        dc -= 1.0
        dc *= self.w2
        return dc


def _simulate(p: PreparedRecords, q: _Quantities, iterations: int, entropy: int, chunk_size: Any) -> _Simulation:
    """Draw, transform and accumulate chunk by chunk, block by block (bit-identical for any chunk size).

    The next chunk's random numbers are drawn in a worker thread while this chunk is
    processed (numpy releases the GIL); each block has its own generator, so the
    numbers do not depend on the threading.
    """
    nq = q.n_normal + q.n_uniform
    n_blocks = -(-iterations // BLOCK_SIZE)
    n_uncertain = len(q.order[((q.row_ad < nq) | (q.row_ef < nq))[q.order]])
    blocks_per_chunk = _blocks_per_chunk(chunk_size, n_uncertain, nq)
    k_max = min(blocks_per_chunk, n_blocks)
    plan = _Plan(p, q, k_max)
    n_unc = len(plan.unc)
    sim = _Simulation(np.empty(iterations), np.zeros(n_unc), np.zeros(n_unc), plan.unc, blocks_per_chunk * BLOCK_SIZE)
    bufs = [np.empty((k_max, nq + 1, BLOCK_SIZE)) for _ in range(2)]  # double buffer
    starts = list(range(0, n_blocks, blocks_per_chunk))
    with ThreadPoolExecutor(max_workers=1) as pool:
        nxt = pool.submit(_draw, entropy, q, bufs[0], 0, min(blocks_per_chunk, n_blocks))
        for c_i, b0 in enumerate(starts):
            k = min(blocks_per_chunk, n_blocks - b0)
            nxt.result()
            mc = bufs[c_i % 2][:k]
            if c_i + 1 < len(starts):
                b_next = starts[c_i + 1]
                nxt = pool.submit(_draw, entropy, q, bufs[(c_i + 1) % 2], b_next, min(blocks_per_chunk, n_blocks - b_next))
            _transform(q, mc)
            dc = plan.deviations(mc, k)
            width = iterations - (b0 + k - 1) * BLOCK_SIZE
            if width < BLOCK_SIZE:  # draws beyond the last iteration are discarded
                dc[k - 1, :, width:] = 0.0
            _accumulate(sim, dc, b0, k, iterations)
    return sim


def _accumulate(sim: _Simulation, dc: np.ndarray, b0: int, k: int, iterations: int) -> None:
    """Add one chunk's deviations to the running sums, block by block in block order."""
    tdev = dc.sum(axis=1)  # (k, BLOCK_SIZE)
    part_dt = np.einsum("kib,kb->ki", dc, tdev)  # per block, no BLAS (same sums for any chunking)
    part_d = dc.sum(axis=2)
    for j in range(k):
        i0 = (b0 + j) * BLOCK_SIZE
        i1 = min(i0 + BLOCK_SIZE, iterations)
        sim.totals_dev[i0:i1] = tdev[j, : i1 - i0]
        sim.acc_dt += part_dt[j]
        sim.acc_d += part_d[j]


def _convergence(totals: np.ndarray, iterations: int, half: float) -> tuple[pd.DataFrame, float, bool]:
    """Mean and bounds at checkpoints over the last 10 % (prefixes of the same run); the drift and the verdict."""
    conv_rows = []
    for f in CONVERGENCE_CHECKPOINTS:
        k = max(1, int(round(f * iterations)))
        pre = totals[:k]
        lo_k, hi_k = np.percentile(pre, [2.5, 97.5])
        conv_rows.append({"iterations": k, "mean_tco2e": float(pre.mean()), "p2_5_tco2e": float(lo_k), "p97_5_tco2e": float(hi_k)})
    conv = pd.DataFrame(conv_rows)
    final = conv.iloc[-1]
    drift = max(float((conv[c] - final[c]).abs().max()) for c in ("mean_tco2e", "p2_5_tco2e", "p97_5_tco2e"))
    converged = bool(drift <= CONVERGENCE_TOLERANCE * half) if half > 0 else True
    return conv, drift, converged


def _percentile_ci(srt: np.ndarray, prob: float) -> tuple[float, float]:
    """Distribution-free 95 % confidence interval of a sampled percentile (order statistics) [t CO2e]."""
    n_it = float(len(srt))
    s = Z975 * math.sqrt(n_it * prob * (1 - prob))
    lo_i = int(max(0, math.floor(n_it * prob - s) - 1))
    hi_i = int(min(len(srt) - 1, math.ceil(n_it * prob + s) - 1))
    return float(srt[lo_i]), float(srt[hi_i])


def _notes(p: PreparedRecords, q: _Quantities, iterations: int, converged: bool) -> tuple[str, ...]:
    """What the reader of the result should know: wide normals, few iterations, no convergence, biogenic rows."""
    notes = []
    wide = q.table[(q.table.distribution == "normal") & (q.table[["low_pct", "high_pct"]].mean(axis=1) > 100 * 0.25 * Z975)]
    if len(wide):
        notes.append(
            f"{len(wide)} quantit{'y is' if len(wide) == 1 else 'ies are'} normal with a 95 % half-width above "
            f"{100 * 0.25 * Z975:.0f} % ({', '.join(wide.key.head(5))}{', ...' if len(wide) > 5 else ''}); such draws can be "
            "negative. Set the distribution to 'lognormal' for strictly positive values."
        )
    if iterations < 10_000:
        notes.append(f"Only {iterations:,} iterations; use 10,000 or more for a reported interval.")
    if not converged:
        notes.append("The mean or a bound still moved by more than 5 % of the half-width over the last 10 % of iterations; run more iterations.")
    if p.n_biogenic:
        notes.append(f"{p.n_biogenic} biogenic record(s) left out of the total.")
    return tuple(notes)


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
