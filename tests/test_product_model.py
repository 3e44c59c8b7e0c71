"""Product systems with hand-checkable answers: BOM, co-products, loops, many products, factory allocation."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from carbon.gwp import gwp_value
from carbon.product import calculate, from_dict, read_product
from carbon.product.factory import allocate_inventory, inventory_records

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fastener-product.yaml"

CUSTOM = [
    {"factor_id": "custom/steel", "gas": "CO2e", "value": 3.0, "unit": "kg CO2e/kg"},
    {"factor_id": "custom/power", "gas": "CO2e", "value": 0.5, "unit": "kg CO2e/kWh"},
]


def system(**over) -> dict:
    d = {
        "product": {"name": "assembly", "reference_process": "assemble", "amount": 1, "unit": "kg", "boundary": "cradle-to-gate"},
        "gwp_set": "AR6",
        "processes": [
            {"name": "part", "output_amount": 1, "output_unit": "kg", "stage": "製造"},
            {"name": "assemble", "output_amount": 1, "output_unit": "kg", "stage": "製造"},
        ],
        "exchanges": [
            {"process": "part", "kind": "input", "input": "custom/steel", "amount": 2, "unit": "kg"},
            {"process": "assemble", "kind": "input", "input": "part", "amount": 2000, "unit": "g"},
            {"process": "assemble", "kind": "input", "input": "custom/power", "amount": 1, "unit": "度"},
        ],
        "factors": copy.deepcopy(CUSTOM),
    }
    d.update(over)
    return d


def test_two_level_bom_by_hand():
    r = calculate(from_dict(system()))[0]
    # assembly: 2 kg part × (2 kg steel × 3) + 1 kWh × 0.5 = 12.5
    assert r.total_kgco2e == pytest.approx(12.5, rel=1e-12)
    d = r.to_dict()
    assert d["by_process"] == pytest.approx({"part": 12.0, "assemble": 0.5})
    assert d["by_gas"]["CO2e"]["kgco2e"] == pytest.approx(12.5)
    tree = d["contribution_tree"]
    assert tree["total_kgco2e"] == pytest.approx(12.5)
    assert tree["direct_kgco2e"] == pytest.approx(0.5)
    assert tree["inputs"][0]["process"] == "part" and tree["inputs"][0]["amount"] == pytest.approx(2.0)
    assert [f["id"] for f in d["factors"]] == ["custom/steel", "custom/power"]


def test_declared_unit_conversion_and_gas_gwp():
    d = system(product={"name": "a", "reference_process": "assemble", "amount": 2, "unit": "公噸"})
    d["exchanges"].append({"process": "part", "kind": "emission", "input": "CH4", "amount": 1, "unit": "g"})
    r = calculate(from_dict(d))[0]
    per_kg = 12.5 + 2 * 1e-3 * gwp_value("CH4", "AR6", "fossil")
    assert r.total_kgco2e == pytest.approx(2000 * per_kg, rel=1e-12)
    assert r.to_dict()["by_gas"]["CH4"]["kg"] == pytest.approx(2000 * 2e-3)


def coproduct(method_rows):
    return {
        "product": {"name": "A", "reference_process": "mill", "amount": 1, "unit": "kg"},
        "gwp_set": "AR6",
        "processes": [{"name": "mill", "output_amount": 100, "output_unit": "kg", "stage": "製造"}],
        "exchanges": [
            {"process": "mill", "kind": "co-product", "input": "B", "amount": 50, "unit": "kg"},
            {"process": "mill", "kind": "emission", "input": "CO2", "amount": 30, "unit": "kg"},
        ],
        "allocation": method_rows,
        "products": [{"name": "B", "reference_process": "B", "amount": 1, "unit": "kg"}],
    }


@pytest.mark.parametrize(
    ("rows", "a", "b"),
    [
        ([{"process": "mill", "method": "mass"}], 30 * 100 / 150 / 100, 30 * 50 / 150 / 50),
        ([{"process": "mill", "method": "economic", "product": "mill", "value": 10}, {"process": "mill", "method": "economic", "product": "B", "value": 40}], 30 / 3 / 100, 30 * 2 / 3 / 50),
        ([{"process": "mill", "method": "shares", "product": "mill", "value": 0.8}, {"process": "mill", "method": "shares", "product": "B", "value": 0.2}], 30 * 0.8 / 100, 30 * 0.2 / 50),
        ([{"process": "mill", "method": "physical", "product": "mill", "value": 2}, {"process": "mill", "method": "physical", "product": "B", "value": 6}], 30 * 200 / 500 / 100, 30 * 300 / 500 / 50),
        ([{"process": "mill", "method": "cut-off"}], 30 / 100, 0.0),
    ],
)
def test_coproduct_split(rows, a, b):
    res = calculate(from_dict(coproduct(rows)))
    assert res["A"].total_kgco2e == pytest.approx(a, rel=1e-12)
    assert res["B"].total_kgco2e == pytest.approx(b, abs=1e-15, rel=1e-12)
    # the two co-products carry the whole process: 100 kg A + 50 kg B = 30 kg CO2
    assert 100 * res["A"].total_kgco2e + 50 * res["B"].total_kgco2e == pytest.approx(30.0)
    assert res["A"].to_dict()["allocation"]["mill"]["method"] == rows[0]["method"]


def scrap_loop(r: float, v: float = 2.0) -> dict:
    """Melting makes 1 kg billet from (1-r) kg virgin metal and r kg forming scrap;
    forming makes 1 kg part + q kg scrap from (1+q) kg billet, mass allocation."""
    q = r / (1 - r)  # scrap per kg part so that the loop closes
    return {
        "product": {"name": "part", "reference_process": "forming", "amount": 1, "unit": "kg"},
        "gwp_set": "AR6",
        "processes": [
            {"name": "melting", "output_amount": 1, "output_unit": "kg", "stage": "製造"},
            {"name": "forming", "output_amount": 1, "output_unit": "kg", "stage": "製造"},
        ],
        "exchanges": [
            {"process": "melting", "kind": "input", "input": "custom/virgin", "amount": 1 - r, "unit": "kg"},
            {"process": "melting", "kind": "input", "input": "scrap", "amount": r, "unit": "kg"},
            {"process": "forming", "kind": "input", "input": "melting", "amount": 1 + q, "unit": "kg"},
            {"process": "forming", "kind": "co-product", "input": "scrap", "amount": q, "unit": "kg"},
        ],
        "allocation": [{"process": "forming", "method": "mass"}],
        "factors": [{"factor_id": "custom/virgin", "gas": "CO2e", "value": v, "unit": "kg CO2e/kg"}],
    }


@pytest.mark.parametrize("r", [0.1, 0.2, 0.5, 0.9])
def test_scrap_loop_equals_geometric_series(r):
    v = 2.0
    res = calculate(from_dict(scrap_loop(r, v)))[0]
    # billet burden b = (1-r) v + r b  ->  b = (1-r) v Σ r^k = v; part = b (mass allocation)
    series = (1 - r) * v * sum(r**k for k in range(2000))
    assert res.total_kgco2e == pytest.approx(series, rel=1e-12)
    assert res.total_kgco2e == pytest.approx(v, rel=1e-12)
    # billet melted per kg part: B = 1 + r B = Σ r^k = 1/(1-r), solved exactly, not iterated
    s_melt = res.s[res.compiled.product_col["melting"]]
    assert s_melt == pytest.approx(sum(r**k for k in range(2000)), rel=1e-12)
    assert res.compiled.A.shape == (3, 3)


def test_utility_used_by_its_own_maker():
    d = {
        "product": {"name": "power", "reference_process": "plant", "amount": 1, "unit": "kWh"},
        "gwp_set": "AR6",
        "processes": [{"name": "plant", "output_amount": 100, "output_unit": "kWh", "stage": "製造"}],
        "exchanges": [
            {"process": "plant", "kind": "input", "input": "plant", "amount": 8, "unit": "kWh"},
            {"process": "plant", "kind": "emission", "input": "CO2", "amount": 46, "unit": "kg"},
        ],
    }
    r = calculate(from_dict(d))[0]
    # net output 92 kWh per 46 kg: 0.46 Σ 0.08^k = 0.5
    assert r.total_kgco2e == pytest.approx(0.46 * sum(0.08**k for k in range(200)), rel=1e-12)
    assert r.total_kgco2e == pytest.approx(0.5, rel=1e-12)


def test_many_products_one_factorisation_equals_separate():
    d = system()
    d["products"] = [{"name": "part", "reference_process": "part", "amount": 3, "unit": "kg"}]
    res = calculate(from_dict(d))
    assert len(res) == 2
    assert res["assembly"].total_kgco2e == pytest.approx(12.5)
    assert res["part"].total_kgco2e == pytest.approx(18.0)
    cat = res.catalogue().set_index("product")["kgco2e_per_unit"]
    assert cat["part"] == pytest.approx(6.0) and cat["assemble"] == pytest.approx(12.5)
    out = res.to_dict()
    assert [p["name"] for p in out["products"]] == ["assembly", "part"]
    assert out["products"][1]["total_kgco2e"] == pytest.approx(18.0)


def test_fossil_biogenic_dluc_split():
    d = system()
    d["exchanges"] += [
        {"process": "part", "kind": "emission", "input": "CO2_bio", "amount": 2, "unit": "kg"},
        {"process": "part", "kind": "emission", "input": "CO2_dLUC", "amount": 0.5, "unit": "kg"},
    ]
    r = calculate(from_dict(d))[0].to_dict()
    assert r["fossil_kgco2e"] == pytest.approx(12.5)
    assert r["biogenic_kgco2e"] == pytest.approx(4.0)
    assert r["dluc_kgco2e"] == pytest.approx(1.0)
    assert r["total_kgco2e"] == pytest.approx(17.5)
    assert r["total_excluding_biogenic_kgco2e"] == pytest.approx(13.5)


def test_cutoff_and_primary_share():
    d = system()
    d["exchanges"].append({"process": "part", "kind": "input", "input": "custom/steel", "amount": 0.02, "unit": "kg", "excluded": "yes"})
    d["factors"][0]["supplier"] = "CSC"  # supplier-specific -> primary
    r = calculate(from_dict(d))[0].to_dict()
    # input mass per kg assembly: 2 kg part + 2×(2 + 0.02) kg steel (the kWh is not a mass)
    assert r["cutoff"]["covered_share"] == pytest.approx(1 - 0.04 / 6.04)
    assert r["cutoff"]["excluded"][0]["flow"] == "custom/steel"
    assert r["primary_data_share"] == pytest.approx(12.0 / 12.5)
    assert [x["input"] for x in r["cutoff"]["below_threshold"]] == []
    assert r["hotspots"][0]["process"] == "part" and r["hotspots"][0]["share"] == pytest.approx(0.96)


def test_transport_tkm():
    d = system()
    d["transport"] = [{"process": "part", "item": "steel", "mass": 2, "mass_unit": "kg", "distance_km": 100, "mode": "tw-cfp/ying-ye-da-huo-che-chai-you-2022"}]
    r = calculate(from_dict(d))[0]
    # 2 kg part × 0.002 t × 100 km × 0.131 kg CO2e/tkm (tw-cfp, CFP_P_02 line 1062)
    assert r.total_kgco2e == pytest.approx(12.5 + 2 * 0.002 * 100 * 0.131, rel=1e-12)
    assert "transport: steel (tw-cfp/ying-ye-da-huo-che-chai-you-2022)" in r.to_dict()["by_input"]


def test_factory_allocation_adds_up_to_inventory_total():
    rec, res = inventory_records(ROOT / "examples" / "demo-factory.yaml", "MOENV-2024")
    import pandas as pd

    drivers = pd.DataFrame({"product": ["a", "b", "c"], "annual_output": [100.0, 300.0, 600.0], "hours": [5.0, 3.0, 2.0]})
    alloc = allocate_inventory(rec, drivers, "mass", rules=[{"categories": ["2.1"], "basis": "hours"}])
    fossil = alloc[alloc["gas"] != "CO2_bio"]
    assert fossil["co2e_t"].sum() == pytest.approx(res.total_tco2e, rel=1e-12)
    per_src = alloc.groupby(["source_id", "gas"])["co2e_t"].sum()
    want = rec.groupby(["source_id", "gas"])["co2e_t"].sum()
    assert np.allclose(per_src.loc[want.index], want, rtol=1e-12)
    elec = alloc[alloc["iso_subcategory"] == "2.1"].groupby("product")["share"].first()
    assert elec.to_dict() == pytest.approx({"a": 0.5, "b": 0.3, "c": 0.2})
    fuel = alloc[alloc["source_id"] == "S01"].groupby("product")["share"].first()
    assert fuel.to_dict() == pytest.approx({"a": 0.1, "b": 0.3, "c": 0.6})


def test_example_fastener_with_factory_allocation():
    res = calculate(read_product(EXAMPLE))
    r = res[0]
    d = r.to_dict()
    f = d["factory"]
    assert f["adds_up"] and f["allocated_sum_tco2e"] == pytest.approx(f["factory_total_tco2e"], rel=1e-12)
    assert f["allocated_tco2e"]["熱處理"] == pytest.approx(0.4 * f["factory_total_tco2e"])
    # per kg of screws: 40 % of the selected factory emissions over 800 t
    factory_kg = sum(v for k, v in d["by_input"].items() if k.startswith("factory:"))
    assert factory_kg == pytest.approx(0.4 * f["factory_total_tco2e"] * 1000 / 800e3, rel=1e-12)
    assert {x["dataset"] for x in d["factors"]} >= {"tw-cfp", "tw-grid", "moenv-2024"}
    tree = d["contribution_tree"]
    assert tree["total_kgco2e"] == pytest.approx(d["total_kgco2e"], rel=1e-12)
    kids = sum(k["total_kgco2e"] for k in tree.get("inputs", [])) + tree["direct_kgco2e"] + tree.get("other_kgco2e", 0.0)
    assert kids == pytest.approx(tree["total_kgco2e"], rel=1e-12)
    text = r.explain("委外重熔")
    assert "550" in text or "kWh" in text


def test_monte_carlo_seeded_and_shared():
    from carbon.product.mc import monte_carlo

    d = system()
    d["products"] = [{"name": "part", "reference_process": "part", "amount": 1, "unit": "kg"}]
    d["factor_uncertainty"] = {}
    d["factors"][0]["uncertainty_pct"] = 20
    res = calculate(from_dict(d))
    a = monte_carlo(res, 500, seed=7)
    b = monte_carlo(res, 500, seed=7)
    assert np.array_equal(a["samples"], b["samples"])
    # one shared steel draw: assembly - 0.5 = 2 × part in every iteration
    assert np.allclose(a["samples"][:, 0] - 0.5, 2 * a["samples"][:, 1], rtol=1e-12)
    sigma = np.log1p(0.2) / 1.959963984540054
    assert np.median(a["samples"][:, 1]) == pytest.approx(6.0, rel=3 * sigma / np.sqrt(500) * 1.3)
    assert a["without_uncertainty"] == ["custom/power"]


def test_monte_carlo_with_technosphere_uncertainty_matches_direct_solves():
    from carbon.product.mc import monte_carlo

    d = system()
    d["exchanges"][1]["uncertainty_pct"] = 30
    res = calculate(from_dict(d))
    out = monte_carlo(res, 200, seed=3)
    rng = np.random.default_rng(3)
    _ = rng.standard_normal((200, 2))  # factor draws (no factor uncertainty: sigma 0)
    _ = rng.standard_normal((200, 2))  # exchange draws
    m = np.exp(rng.standard_normal((200, 1)) * np.log1p(0.3) / 1.959963984540054)[:, 0]
    assert np.allclose(out["samples"][:, 0], 2 * m * 6.0 + 0.5, rtol=1e-10)


def test_figures():
    from carbon.reporting.product import fig_hotspots, fig_stage_waterfall

    r = calculate(read_product(EXAMPLE))[0]
    fig = fig_stage_waterfall(r)
    w = fig.data[0]
    assert list(w.x) == ["原料取得", "製造", "合計 total"] and w.y[-1] == pytest.approx(r.total_kgco2e)
    assert sum(w.y[:-1]) == pytest.approx(r.total_kgco2e)
    hs = fig_hotspots(r, share=0.99)
    assert hs.data[1].y[-1] >= 99.0 and hs.data[0].y[0] == pytest.approx(max(hs.data[0].y))


def test_cradle_to_grave_use_and_end_of_life():
    """Use phase = energy per use × uses; end of life = treatment shares × factors; recycling share cut off."""
    d = system(product={"name": "tool", "reference_process": "life", "amount": 1, "unit": "item", "boundary": "cradle-to-grave"})
    d["processes"] += [
        {"name": "sell", "output_amount": 1, "output_unit": "item", "stage": "配送銷售"},
        {"name": "use", "output_amount": 1, "output_unit": "item", "stage": "use"},
        {"name": "eol", "output_amount": 1, "output_unit": "item", "stage": "end of life"},
        {"name": "life", "output_amount": 1, "output_unit": "item", "stage": "使用"},
    ]
    d["factors"].append({"factor_id": "custom/landfill", "gas": "CO2e", "value": 0.1, "unit": "kg CO2e/kg"})
    d["exchanges"] += [
        {"process": "sell", "kind": "input", "input": "assemble", "amount": 0.5, "unit": "kg"},
        {"process": "use", "kind": "input", "input": "custom/power", "amount": 0.02 * 500, "unit": "kWh", "note": "0.02 kWh per use × 500 uses"},
        {"process": "eol", "kind": "input", "input": "custom/landfill", "amount": 0.3 * 0.5, "unit": "kg", "note": "30 % landfilled"},
        {"process": "eol", "kind": "waste", "input": "recycling", "amount": 0.7 * 0.5, "unit": "kg"},
        {"process": "life", "kind": "input", "input": "sell", "amount": 1, "unit": "item"},
        {"process": "life", "kind": "input", "input": "use", "amount": 1, "unit": "item"},
        {"process": "life", "kind": "input", "input": "eol", "amount": 1, "unit": "item"},
    ]
    d["transport"] = [{"process": "sell", "item": "to shop", "mass": 0.5, "mass_unit": "kg", "distance_km": 200, "mode": "tw-cfp/ying-ye-da-huo-che-chai-you-2022"}]
    r = calculate(from_dict(d))[0].to_dict()
    dist = 0.5 * 12.5 + 0.0005 * 200 * 0.131
    assert r["by_stage"] == pytest.approx({"製造": 0.5 * 12.5, "使用": 5.0, "廢棄處理": 0.015, "配送銷售": 0.0005 * 200 * 0.131})
    assert r["total_kgco2e"] == pytest.approx(dist + 5.0 + 0.015)
    assert any("recycling" not in x["flow"] and "waste" in x["flow"] for x in r["cutoff"]["excluded"])
