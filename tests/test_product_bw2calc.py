"""carbon's product solve equals Brightway's bw2calc on random systems with loops (to 1e-9 relative).

The random systems are written in carbon's file format (processes with outputs per run in
various units, inputs of other processes including loops and self-use, direct emissions of
several gases, custom factors) and, independently, as a bw_processing datapackage.
"""

from __future__ import annotations

import numpy as np
import pytest

from carbon.gwp import gwp_value
from carbon.product import calculate, from_dict

bw2calc = pytest.importorskip("bw2calc")
bwp = pytest.importorskip("bw_processing")

GASES = ["CO2", "CH4", "N2O", "SF6"]


def random_system(seed: int, n: int = 40):
    rng = np.random.default_rng(seed)
    out = rng.uniform(0.5, 50.0, n)
    names = [f"p{i}" for i in range(n)]
    procs = [{"name": names[i], "output_amount": out[i] * 1000, "output_unit": "g", "stage": "製造"} for i in range(n)]
    ex, tech, bio = [], [], []
    for j in range(n):
        k = rng.integers(1, 6)
        sup = rng.choice(n, size=k, replace=False)  # may include j itself and later processes: loops
        per_unit = rng.dirichlet(np.ones(k)) * rng.uniform(0.2, 0.8)
        for i, a in zip(sup, per_unit, strict=True):
            amt = a * out[j]  # kg of product i per run of j
            ex.append({"process": names[j], "kind": "input", "input": names[i], "amount": float(amt), "unit": "kg"})
            tech.append((i, j, amt))
        for g_i, g in enumerate(GASES):
            if g_i == 0 or rng.random() < 0.3:
                m = float(rng.lognormal(np.log(out[j] * 10 ** (-g_i * 1.5)), 1.0))
                ex.append({"process": names[j], "kind": "emission", "input": g, "amount": m, "unit": "kg"})
                bio.append((g_i, j, m))
        if rng.random() < 0.5:
            x = float(rng.uniform(0.1, 5.0) * out[j])
            ex.append({"process": names[j], "kind": "input", "input": "custom/steel", "amount": x, "unit": "kg"})
            bio.append((len(GASES), j, x * 2.5))
    d = {
        "product": {"name": "p0", "reference_process": "p0", "amount": 1, "unit": "kg"},
        "gwp_set": "AR6",
        "processes": procs,
        "exchanges": ex,
        "factors": [{"factor_id": "custom/steel", "gas": "CO2e", "value": 2.5, "unit": "kg CO2e/kg"}],
    }
    return d, out, tech, bio


def bw_lca(n, out, tech, bio, demand_index: int):
    def idx(rows, cols):
        a = np.empty(len(rows), dtype=bwp.INDICES_DTYPE)
        a["row"], a["col"] = rows, cols
        return a

    t_rows = np.r_[np.arange(n), [t[0] for t in tech]] + 100
    t_cols = np.r_[np.arange(n), [t[1] for t in tech]] + 100
    t_data = np.r_[out, [t[2] for t in tech]]
    t_flip = np.r_[np.zeros(n, bool), np.ones(len(tech), bool)]
    cf = np.array([gwp_value(g, "AR6", "fossil" if g == "CH4" else None) for g in GASES] + [1.0])
    dp = bwp.create_datapackage()
    dp.add_persistent_vector(matrix="technosphere_matrix", name="t", indices_array=idx(t_rows, t_cols), data_array=t_data, flip_array=t_flip)
    dp.add_persistent_vector(matrix="biosphere_matrix", name="b", indices_array=idx(np.array([b[0] for b in bio]) + 1, np.array([b[1] for b in bio]) + 100),
                             data_array=np.array([b[2] for b in bio]))
    dp.add_persistent_vector(matrix="characterization_matrix", name="c", indices_array=idx(np.arange(len(cf)) + 1, np.zeros(len(cf), int)), data_array=cf)
    lca = bw2calc.LCA({100 + demand_index: 1.0}, data_objs=[dp])
    lca.lci()
    lca.lcia()
    return lca


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_equals_bw2calc_on_random_systems_with_loops(seed):
    d, out, tech, bio = random_system(seed)
    n = len(out)
    demands = [0, 7, n - 1]
    d["products"] = [{"name": f"p{k}", "reference_process": f"p{k}", "amount": 1, "unit": "kg"} for k in demands[1:]]
    res = calculate(from_dict(d))
    # a loop exists: some process is in a strongly connected component of size > 1 or uses itself
    from scipy.sparse.csgraph import connected_components

    ncomp, labels = connected_components(res.compiled.A, directed=True, connection="strong")
    assert np.bincount(labels).max() > 1
    for k, r in zip(demands, res.results, strict=True):
        lca = bw_lca(n, out, tech, bio, k)
        assert r.total_kgco2e == pytest.approx(lca.score, rel=1e-9)
        supply = np.array([lca.supply_array[lca.dicts.activity[100 + j]] for j in range(n)])
        assert np.allclose(r.s, supply, rtol=1e-9, atol=0)
        assert 1000 * res.catalogue()["kgco2e_per_unit"].iloc[k] == pytest.approx(lca.score, rel=1e-9)  # per g -> per kg
