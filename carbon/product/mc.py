"""Monte Carlo for product footprints: factors shared across products, seeded.

Each iteration draws one multiplier per *factor id* (so every exchange and every product
using that factor sees the same draw), one per burden exchange with its own uncertainty,
and one per technosphere input with an uncertainty.  Multipliers are lognormal with median
1 and the 95 % interval given (``uncertainty_pct`` of an exchange or custom factor, or the
library factor's own interval).  Without technosphere uncertainty the LU factors are reused
and an iteration is a matrix product; with it, each iteration is solved exactly again.

For large systems with uncertain technosphere amounts, :func:`matrix_monte_carlo` solves
many ``A_k s = f`` by GMRES preconditioned with the LU factors of the mean matrix, to the
same tolerance as a direct solve.

References
----------
IPCC 2006 Guidelines, Vol. 1 Ch. 3 §3.2.3 (Approach 2, Monte Carlo); ISO 14067:2018 §6.4.10
(assessment of uncertainty); JCGM 101:2008 (propagation of distributions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, gmres, splu

from carbon.product.results import ProductResults
from carbon.product.solve import Solver
from carbon.units import multiplier

__all__ = ["matrix_monte_carlo", "monte_carlo"]


def _demands(res: ProductResults) -> np.ndarray:
    comp = res.compiled
    F = np.zeros((comp.A.shape[0], len(res.results)))
    for k, r in enumerate(res.results):
        j = comp.product_col[r.product.reference_process]
        F[j, k] = r.product.amount * multiplier(r.product.unit, comp.columns.at[j, "unit"])
    return F


def monte_carlo(res: ProductResults, iterations: int = 1000, seed: int | np.random.Generator | None = None) -> dict:
    """Distribution of every product's footprint.

    Parameters
    ----------
    res : ProductResults
        From :func:`carbon.product.calculate`.
    iterations : int
        Number of draws.
    seed : int or numpy.random.Generator
        Seed (or generator) for reproducible results.

    Returns
    -------
    dict
        ``iterations, seed, products: [{name, total_kgco2e, mean, median, p2_5, p97_5, sd}],
        samples`` (array iterations × products) [kg CO2e per declared unit] and
        ``without_uncertainty``: inputs that had no uncertainty (drawn as fixed).
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    comp = res.compiled
    e = comp.entries
    F = _demands(res)
    n_it = int(iterations)
    fids = e["factor_id"].fillna("").to_numpy(object)
    fsig = e["factor_sigma"].fillna(0.0).to_numpy(float)
    codes, uniq = pd.factorize(pd.Series(fids))
    usig = np.zeros(len(uniq))
    np.maximum.at(usig, codes, fsig)
    fmult = np.exp(rng.standard_normal((n_it, len(uniq))) * usig)[:, codes]
    esig = e["sigma"].fillna(0.0).to_numpy(float)
    emult = np.exp(rng.standard_normal((n_it, len(e))) * esig)
    w = e["co2e"].to_numpy(float) * fmult * emult  # iterations × entries [kg CO2e per run]
    cols = e["col"].to_numpy(int)
    n = comp.A.shape[0]
    tech = comp.tech
    tsig = tech["sigma"].to_numpy(float)
    if not (tsig > 0).any():
        S = res.solver.solve(F).reshape(n, -1)
        samples = w @ S[cols]
    else:
        samples = np.empty((n_it, F.shape[1]))
        tmult = np.exp(rng.standard_normal((n_it, len(tech))) * tsig)
        diag = np.array(comp.columns["amount"], dtype=float)
        r, c = tech["row"].to_numpy(int), tech["col"].to_numpy(int)
        for k in range(n_it):
            A = sp.coo_matrix((np.r_[diag, -tech["amount"].to_numpy(float) * tmult[k]], (np.r_[np.arange(n), r], np.r_[np.arange(n), c])), shape=(n, n)).tocsc()
            S = Solver(A).solve(F).reshape(n, -1)
            samples[k] = w[k] @ S[cols]
    names = [r.product.name for r in res.results]
    none = sorted({str(x) for x, s in zip(e["input"], fsig * 0 + esig + fsig, strict=True) if s == 0})
    out = []
    for k, nm in enumerate(names):
        x = samples[:, k]
        out.append({"name": nm, "total_kgco2e": res.results[k].total_kgco2e, "mean": float(x.mean()), "median": float(np.median(x)),
                    "p2_5": float(np.quantile(x, 0.025)), "p97_5": float(np.quantile(x, 0.975)), "sd": float(x.std(ddof=1)) if n_it > 1 else 0.0})
    return {"iterations": n_it, "seed": seed if isinstance(seed, int) else None, "distribution": "lognormal, median = value, 95 % interval as given",
            "products": out, "without_uncertainty": none, "samples": samples}


def matrix_monte_carlo(t_rows: np.ndarray, t_cols: np.ndarray, t_values: np.ndarray, t_sigma: np.ndarray, b_rows: np.ndarray,
                       b_cols: np.ndarray, b_values: np.ndarray, b_sigma: np.ndarray, cf: np.ndarray, demand: np.ndarray,
                       iterations: int, seed: int | np.random.Generator | None = None, *, rtol: float = 1e-10,
                       solver: Solver | None = None) -> dict:
    """Monte Carlo on a large system given as triplets (lognormal exchanges, median = value).

    Each iteration draws every uncertain technosphere and biosphere exchange, then solves
    ``A_k s = f`` by GMRES preconditioned with the LU factors of the median matrix (one
    factorisation for all iterations) to a relative residual ``rtol``, and scores
    ``cfᵀ B_k s``.  Where GMRES does not converge the iteration is solved directly.

    Parameters
    ----------
    t_rows, t_cols, t_values, t_sigma : numpy.ndarray
        Technosphere triplets (signed values: production positive, inputs negative) and
        lognormal sigma (0 = fixed).
    b_rows, b_cols, b_values, b_sigma : numpy.ndarray
        Biosphere triplets (flow, process) [flow amount per run] and sigma.
    cf : numpy.ndarray
        Characterisation factor per flow [kg CO2e per flow unit].
    demand : numpy.ndarray
        Final demand ``f``.

    Returns
    -------
    dict
        ``scores`` (array), ``gmres_iterations`` (per draw), ``direct_fallbacks``.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n = demand.size
    A0 = sp.csc_matrix((t_values, (t_rows, t_cols)), shape=(n, n))
    solver = solver or Solver(A0)
    # fixed CSR pattern: data of A_k = values × draws, permuted once
    key = sp.csr_matrix((np.arange(1, t_values.size + 1, dtype=float), (t_rows, t_cols)), shape=(n, n))
    key.sum_duplicates()
    pos = key.data.astype(np.int64) - 1
    unc_t = np.flatnonzero(t_sigma > 0)
    unc_b = np.flatnonzero(b_sigma > 0)
    M = LinearOperator((n, n), matvec=solver.precondition, dtype=float)
    scores = np.empty(iterations)
    its = np.zeros(iterations, dtype=np.int64)
    fallbacks = 0
    x_prev = solver.solve(demand)
    for k in range(iterations):
        tv = t_values.copy()
        tv[unc_t] *= np.exp(rng.standard_normal(unc_t.size) * t_sigma[unc_t])
        bv = b_values.copy()
        bv[unc_b] *= np.exp(rng.standard_normal(unc_b.size) * b_sigma[unc_b])
        Ak = sp.csr_matrix((tv[pos], key.indices, key.indptr), shape=(n, n))
        count = [0]
        x, info = gmres(Ak, demand, x0=x_prev, M=M, rtol=rtol, atol=0.0, restart=40, maxiter=20,
                        callback=lambda _r, c=count: c.__setitem__(0, c[0] + 1), callback_type="pr_norm")
        if info != 0:
            x = splu(Ak.T.tocsc(), permc_spec="COLAMD").solve(demand, trans="T")
            fallbacks += 1
        its[k] = count[0]
        g = np.bincount(b_rows, weights=bv * x[b_cols], minlength=cf.size)
        scores[k] = float(cf @ g)
    return {"scores": scores, "gmres_iterations": its, "direct_fallbacks": fallbacks}
