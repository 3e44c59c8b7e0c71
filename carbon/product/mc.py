"""Monte Carlo for product footprints: factors shared across products, seeded.

Each iteration draws one multiplier per *factor id* (so every exchange and every product
using that factor sees the same draw), one per burden exchange with its own uncertainty,
and one per technosphere input with an uncertainty.  Multipliers are lognormal with median
1 and the 95 % interval given (``uncertainty_pct`` of an exchange or custom factor, or the
library factor's own interval).  Without technosphere uncertainty the LU factors are reused
and an iteration is a matrix product; with it, each iteration is solved exactly again.

For large systems with uncertain technosphere amounts, :func:`perturbed_solves` solves
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
from carbon.units import multiplier

__all__ = ["monte_carlo", "perturbed_solves"]


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
            S = splu(A).solve(F).reshape(n, -1)
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


def perturbed_solves(lu, A_rows: np.ndarray, A_cols: np.ndarray, A_vals: np.ndarray, f: np.ndarray, *, rtol: float = 1e-12,
                     maxiter: int = 200) -> tuple[np.ndarray, int]:
    """Solve ``A s = f`` for a matrix with the same pattern as a factorised one.

    GMRES preconditioned by the LU factors ``lu`` of a nearby matrix (the mean
    technosphere): a few LU back-substitutions instead of a new factorisation.

    Parameters
    ----------
    lu : scipy.sparse.linalg.SuperLU
        Factors of the mean matrix.
    A_rows, A_cols, A_vals : numpy.ndarray
        COO triplets of the perturbed matrix.
    f : numpy.ndarray
        Demand.
    rtol : float
        Relative residual tolerance.

    Returns
    -------
    s : numpy.ndarray
        Scaling vector.
    info : int
        Number of GMRES iterations (negative if it did not converge; then solved directly).
    """
    n = f.size
    A = sp.csr_matrix((A_vals, (A_rows, A_cols)), shape=(n, n))
    M = LinearOperator((n, n), matvec=lu.solve, dtype=float)
    count = [0]

    def cb(_):
        count[0] += 1

    x0 = lu.solve(f)
    s, info = gmres(A, f, x0=x0, M=M, rtol=rtol, atol=0.0, restart=50, maxiter=maxiter, callback=cb, callback_type="pr_norm")
    if info != 0:
        return splu(A.tocsc()).solve(f), -count[0]
    return s, count[0]
