"""Benchmark: product-system solves, carbon vs Brightway's bw2calc, on the same synthetic systems.

Systems: ``bench/lca_synth.py`` (copied from the shared benchmark inputs): ecoinvent-like
markets and transforming processes with a large strongly connected core, five GHG flows,
lognormal uncertainty on every exchange.  For each size, in the same run:

* one solve: technosphere and biosphere from triplets, factorise, solve one demand, score;
  bw2calc: ``LCA(...)``, ``lci()``, ``lcia()`` with the datapackage made beforehand;
* 100 different demands: carbon factorises once, then (a) the scores of all 100 from one
  transposed solve (``h = A⁻ᵀ c``; a score is ``hᵀ f``) and (b) the 100 full scaling vectors;
  bw2calc: ``lci(factorize=True)`` then ``redo_lci`` + ``redo_lcia`` per demand;
* Monte Carlo: carbon redraws every exchange and solves each draw by GMRES preconditioned
  with the median matrix's LU (residual 1e-10; checked against direct solves of the same
  draws); bw2calc: ``use_distributions=True`` and ``next(lca)`` (a new factorisation per
  draw), time-boxed and reported per iteration.

Targets (issue 11): one solve ≤ 0.9 × bw2calc; 100 demands on 50,000 processes < 1.5 s;
Monte Carlo ≥ 25 iterations/s on 50,000 processes.

    python bench/product.py [--sizes 1000 10000 50000] [--mc 1000] [--mc-large N] [--bw-mc-seconds 60]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lca_synth import PROCESS_ID0, make_system, to_datapackage  # noqa: E402

from carbon.product.mc import matrix_monte_carlo  # noqa: E402
from carbon.product.solve import Solver  # noqa: E402

warnings.filterwarnings("ignore")


def carbon_one(s):
    t0 = time.perf_counter()
    tv = np.where(s.t_flip, -s.t_amount, s.t_amount)
    A = sp.csc_matrix((tv, (s.t_rows, s.t_cols)), shape=(s.n, s.n))
    B = sp.csr_matrix((s.b_amount, (s.b_rows, s.b_cols)), shape=(s.n_flows, s.n))
    c = np.asarray(B.T @ s.cf).ravel()
    solver = Solver(A)
    f = np.zeros(s.n)
    f[s.demand_index()] = 1.0
    x = solver.solve(f)
    score = float(c @ x)
    return time.perf_counter() - t0, score, solver, c


def bw_one(s, dp):
    import bw2calc

    t0 = time.perf_counter()
    lca = bw2calc.LCA({PROCESS_ID0 + s.demand_index(): 1.0}, data_objs=[dp])
    lca.lci()
    lca.lcia()
    return time.perf_counter() - t0, float(lca.score)


def demands(s, k=100):
    return [s.demand_index(i) for i in range(k)]


def carbon_many(s, solver, c, idx):
    t0 = time.perf_counter()
    h = solver.intensities(c)
    scores = h[idx]
    t_scores = time.perf_counter() - t0
    t0 = time.perf_counter()
    F = np.zeros((s.n, len(idx)))
    F[idx, np.arange(len(idx))] = 1.0
    S = solver.solve(F)
    full = c @ S
    t_full = time.perf_counter() - t0
    return t_scores, t_full, scores, full


def bw_many(s, dp, idx):
    import bw2calc

    t0 = time.perf_counter()
    lca = bw2calc.LCA({PROCESS_ID0 + idx[0]: 1.0}, data_objs=[dp])
    lca.lci(factorize=True)
    lca.lcia()
    out = []
    for j in idx:
        lca.redo_lci({PROCESS_ID0 + j: 1.0})
        lca.redo_lcia()
        out.append(float(lca.score))
    return time.perf_counter() - t0, np.array(out)


def carbon_mc(s, iterations, solver, seed=7):
    tv = np.where(s.t_flip, -s.t_amount, s.t_amount)
    f = np.zeros(s.n)
    f[s.demand_index()] = 1.0
    t0 = time.perf_counter()
    out = matrix_monte_carlo(s.t_rows, s.t_cols, tv, s.t_sigma, s.b_rows, s.b_cols, s.b_amount, s.b_sigma, s.cf, f,
                             iterations, seed, solver=solver)
    dt = time.perf_counter() - t0
    # same draws, solved directly (fresh LU per draw): the distribution is the direct solves'
    from scipy.sparse.linalg import splu

    rng = np.random.default_rng(seed)
    unc_t, unc_b = np.flatnonzero(s.t_sigma > 0), np.flatnonzero(s.b_sigma > 0)
    worst = 0.0
    for k in range(3):
        t = tv.copy()
        t[unc_t] *= np.exp(rng.standard_normal(unc_t.size) * s.t_sigma[unc_t])
        b = s.b_amount.copy()
        b[unc_b] *= np.exp(rng.standard_normal(unc_b.size) * s.b_sigma[unc_b])
        A = sp.csc_matrix((t, (s.t_rows, s.t_cols)), shape=(s.n, s.n))
        x = splu(A.T.tocsc(), permc_spec="COLAMD").solve(f, trans="T")
        direct = float(s.cf @ np.bincount(s.b_rows, weights=b * x[s.b_cols], minlength=s.n_flows))
        worst = max(worst, abs(out["scores"][k] / direct - 1))
    return dt, out, worst


def bw_mc(s, seconds, min_iter=2):
    import bw2calc

    dp = to_datapackage(s, with_uncertainty=True)
    t0 = time.perf_counter()
    lca = bw2calc.LCA({PROCESS_ID0 + s.demand_index(): 1.0}, data_objs=[dp], use_distributions=True, seed_override=7)
    lca.lci()
    lca.lcia()
    scores = [float(lca.score)]
    t_first = time.perf_counter() - t0
    t1 = time.perf_counter()
    while len(scores) < min_iter + 1 or time.perf_counter() - t1 < seconds:
        next(lca)
        scores.append(float(lca.score))
        if len(scores) > 1000:
            break
    n_it = len(scores) - 1
    return n_it, (time.perf_counter() - t1) / n_it, t_first, np.array(scores)


def run(n, mc_iterations, bw_mc_seconds):
    s = make_system(n)
    dp = to_datapackage(s, with_uncertainty=False)
    t_bw, score_bw = bw_one(s, dp)
    t_c, score_c, solver, c = carbon_one(s)
    idx = demands(s)
    t_sc, t_full, sc, full = carbon_many(s, solver, c, idx)
    t_bw_many, bw_scores = bw_many(s, dp, idx)
    dt_mc, mc, worst = carbon_mc(s, mc_iterations, solver)
    bw_it, bw_per_it, _, bw_samples = bw_mc(s, bw_mc_seconds)
    res = {
        "n": n,
        "nnz_A": int(s.t_amount.size),
        "one_solve": {"carbon_s": t_c, "bw2calc_s": t_bw, "ratio": t_c / t_bw, "score_rel_diff": abs(score_c / score_bw - 1)},
        "demands_100": {
            "carbon_scores_s": t_sc, "carbon_full_vectors_s": t_full, "carbon_factorise_plus_scores_s": t_c + t_sc,
            "bw2calc_s": t_bw_many, "max_rel_diff": float(np.max(np.abs(sc / bw_scores - 1))),
            "max_rel_diff_full": float(np.max(np.abs(full / bw_scores - 1))),
        },
        "monte_carlo": {
            "carbon_iterations": mc_iterations, "carbon_s": dt_mc, "carbon_it_per_s": mc_iterations / dt_mc,
            "carbon_gmres_iterations_mean": float(mc["gmres_iterations"].mean()), "carbon_direct_fallbacks": mc["direct_fallbacks"],
            "carbon_vs_direct_max_rel_diff": worst,
            "bw2calc_iterations": bw_it, "bw2calc_s_per_iteration": bw_per_it, "bw2calc_it_per_s": 1.0 / bw_per_it,
            "carbon_median_over_deterministic": float(np.median(mc["scores"]) / score_c),
            "bw2calc_median_over_deterministic": float(np.median(bw_samples[1:]) / score_bw),
        },
    }
    print(json.dumps(res, indent=1), flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--mc", type=int, default=1000)
    ap.add_argument("--mc-large", type=int, default=None, help="Monte Carlo iterations for n ≥ 50,000 (default: --mc)")
    ap.add_argument("--bw-mc-seconds", type=float, default=60.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "product.json"))
    a = ap.parse_args()
    import bw2calc

    results = [run(n, a.mc_large if (a.mc_large and n >= 50_000) else a.mc, a.bw_mc_seconds) for n in a.sizes]
    meta = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__, "bw2calc": bw2calc.__version__,
            "pypardiso": bool(getattr(bw2calc, "PYPARDISO", False)), "machine": platform.machine(), "cpus": __import__("os").cpu_count(),
            "date": time.strftime("%Y-%m-%d")}
    Path(a.out).write_text(json.dumps({"meta": meta, "results": results}, indent=1), encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
