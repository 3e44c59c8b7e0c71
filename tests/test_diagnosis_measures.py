"""Every measure of the library against a hand calculation; docstrings and explain state inputs, defaults, units, references."""

import inspect
import math
from pathlib import Path

import pytest

from carbon.diagnosis.baseline import baseline_from_inventory
from carbon.diagnosis.measures import MEASURES, Context, crf, make_measure
from carbon.diagnosis.portfolio import standalone
from carbon.errors import InputError
from carbon.factors import load_registry
from carbon.formats.project import read_project
from carbon.gwp import gwp_value
from carbon.inventory import calculate

ROOT = Path(__file__).resolve().parent.parent
KCAL_GJ = 4.1868e-6  # GJ per kcal (IT calorie)


@pytest.fixture(scope="module")
def dyeing():
    res = calculate(read_project(ROOT / "examples" / "dyeing-factory.yaml"))
    bl = baseline_from_inventory(res)
    ctx = Context(bl, prices={"S01": (20.0 / bl.get("S01").energy_per_unit("L"), "NT$20/L"), "S04": (4.2, "NT$4.2/kWh")}, discount_rate=0.05)
    return res, bl, ctx


def run(ctx, **spec):
    return standalone(make_measure(spec), ctx)


# hand calculations of the baseline: the inventory's own factors
def test_baseline_takes_the_inventorys_factors(dyeing):
    res, bl, _ = dyeing
    grid = load_registry().get("tw-grid/2024").gases["CO2e"].value  # kg CO2e/kWh
    assert bl.get("S04").energy == pytest.approx(18_000_000)
    assert bl.get("S04").co2e_per_energy == pytest.approx(grid / 1000)
    oil = bl.get("S01")
    assert oil.energy == pytest.approx(6_000_000 * 9600 * KCAL_GJ, rel=1e-9)  # 6,000 kL × 9,600 kcal/L
    f = load_registry().get("moenv-2024/fuel-oil-stationary").gases
    per_tj = f["CO2"].value + f["CH4"].value * gwp_value("CH4", "MOENV-2024", "fossil") + f["N2O"].value * gwp_value("N2O", "MOENV-2024")
    assert oil.co2e_per_energy == pytest.approx(per_tj / 1e6, rel=1e-9)  # t CO2e/GJ
    assert oil.co2e_t == pytest.approx(float(res.counted.loc[res.counted["source_id"] == "S01", "co2e_t"].sum()))


def test_crf_and_abatement_cost_by_hand(dyeing):
    _, bl, ctx = dyeing
    r = run(ctx, type="led_lighting", id="L", source_id="S04", count=200, watts_before=40, watts_after=18, hours=3000, capex_ntd=300_000, life_years=10)
    assert r.load_before == pytest.approx(24_000)  # 200 × 40 W × 3,000 h
    assert r.saved_kwh == pytest.approx(13_200)  # × (1 − 18/40)
    t = 13_200 * bl.get("S04").co2e_per_energy
    assert r.avoided_t == pytest.approx(t)
    assert r.cost_saving_ntd == pytest.approx(13_200 * 4.2)
    a = 300_000 * 0.05 * 1.05**10 / (1.05**10 - 1)
    assert crf(0.05, 10) == pytest.approx(0.12950457, abs=1e-8)
    assert r.annualised_capex_ntd == pytest.approx(a)
    assert r.abatement_cost_ntd_per_t == pytest.approx((a - 13_200 * 4.2) / t)
    assert r.simple_payback_years == pytest.approx(300_000 / (13_200 * 4.2))


def test_air_leak_repair(dyeing):
    r = run(dyeing[2], type="air_leak_repair", id="A", source_id="S04", load=1_000_000, leak_share_before=0.3, leak_share_after=0.1)
    assert r.saved_kwh == pytest.approx(1_000_000 * 0.2 / 0.9)
    d = run(dyeing[2], type="air_leak_repair", id="A", source_id="S04", load=1_000_000)
    assert d.saved_kwh == pytest.approx(1_000_000 * 0.15 / 0.9)  # defaults 25 % → 10 %
    assert set(d.defaults_used) >= {"leak_share_before", "leak_share_after", "life_years"}


def test_air_pressure_reduction(dyeing):
    r = run(dyeing[2], type="air_pressure_reduction", id="P", source_id="S04", load=1_000_000, pressure_before_barg=7, pressure_after_barg=6)
    w = lambda p: ((p + 1.01325) / 1.01325) ** (0.4 / 1.4) - 1  # noqa: E731
    assert r.saved_kwh == pytest.approx(1_000_000 * (1 - w(6) / w(7)))
    assert 0.08 < 1 - w(6) / w(7) < 0.09  # about 1 % per 2 psi (0.14 bar): 1 bar ≈ 7 %–8.5 %
    two = run(dyeing[2], type="air_pressure_reduction", id="P", source_id="S04", load=1_000_000, pressure_before_barg=7, pressure_after_barg=6, stages=2)
    w2 = lambda p: 2 * (((p + 1.01325) / 1.01325) ** (0.4 / 2.8) - 1)  # noqa: E731
    assert two.saved_kwh == pytest.approx(1_000_000 * (1 - w2(6) / w2(7)))


def test_compressor_vsd(dyeing):
    r = run(dyeing[2], type="compressor_vsd", id="V", source_id="S04", load=500_000, load_share=0.6)
    assert r.saved_kwh == pytest.approx(500_000 * (1 - (0.6 / 0.97) / (0.25 + 0.75 * 0.6)))


def test_compressor_sequencing(dyeing):
    ms = [{"id": "C1", "kw": 75, "flow_m3_min": 12.5}, {"id": "C2", "kw": 75, "flow_m3_min": 12.5}, {"id": "C3", "kw": 55, "flow_m3_min": 9.0}, {"id": "C4", "kw": 37, "flow_m3_min": 5.8}]
    r = run(dyeing[2], type="compressor_sequencing", id="S", source_id="S04", compressors=ms, demand_m3_min=20, hours=8000)
    before = 242 * (0.25 + 0.75 * 20 / 39.8)  # all four share the demand
    after = 75 + 75 * (0.25 + 0.75 * 0.6)  # C1 full (6.0 kW per m³/min), C2 trims 7.5 of 12.5; C3, C4 off
    assert r.load_before == pytest.approx(before * 8000)
    assert r.saved_kwh == pytest.approx((before - after) * 8000)
    with pytest.raises(InputError, match="exceeds"):
        run(dyeing[2], type="compressor_sequencing", id="S", source_id="S04", compressors=ms, demand_m3_min=50, hours=8000)


def test_pump_fan_vsd_affinity(dyeing):
    prof = [[1.0, 0.2], [0.7, 0.5], [0.5, 0.3]]
    r = run(dyeing[2], type="pump_fan_vsd", id="F", source_id="S04", flow_profile=prof, motor_kw=45, hours=6000)
    thr = 0.2 * 1.0 + 0.5 * (0.6 + 0.4 * 0.7) + 0.3 * (0.6 + 0.4 * 0.5)  # default throttled curve
    vsd = (0.2 * 1.0 + 0.5 * 0.7**3 + 0.3 * 0.5**3) / 0.97  # P ∝ q³ (no static head) ÷ drive efficiency
    assert r.load_before == pytest.approx(45 * 6000 * thr)
    assert r.saved_kwh == pytest.approx(45 * 6000 * (thr - vsd))
    with pytest.raises(InputError, match="add to"):
        run(dyeing[2], type="pump_fan_vsd", id="F", source_id="S04", flow_profile=[[1, 0.5]], motor_kw=45, hours=6000)


def test_efficient_motor(dyeing):
    r = run(dyeing[2], type="efficient_motor", id="E", source_id="S04", eff_before=0.90, eff_after=0.95, motor_kw=55, hours=6000, count=2)
    load = 55 * 0.75 * 6000 * 2 / 0.90
    assert r.load_before == pytest.approx(load)
    assert r.saved_kwh == pytest.approx(load * (1 - 0.90 / 0.95))


def test_chiller(dyeing):
    r = run(dyeing[2], type="chiller", id="C", source_id="S04", cop_before=4, cop_after=6, cooling_kwh=1_200_000)
    assert (r.load_before, r.saved_kwh) == (pytest.approx(300_000), pytest.approx(100_000))


def test_boiler_tuning(dyeing):
    _, bl, ctx = dyeing
    r = run(ctx, type="boiler_tuning", id="B", source_id="S01", eff_before=0.80, eff_after=0.84)
    e = bl.get("S01").energy
    assert r.saved_fuel_gj == pytest.approx(e * (1 - 0.80 / 0.84))
    assert r.saved_activity == pytest.approx(6000 * (1 - 0.80 / 0.84))  # 公秉 of fuel oil
    assert r.avoided_t == pytest.approx(bl.get("S01").co2e_t * (1 - 0.80 / 0.84))


def test_condensate_heat_and_waste_heat_recovery(dyeing):
    ctx = dyeing[2]
    r = run(ctx, type="condensate_recovery", id="K", source_id="S01", condensate_t_per_h=6, condensate_temp_c=90, makeup_temp_c=25, hours=6000, boiler_efficiency=0.84)
    assert r.saved_fuel_gj == pytest.approx(6 * 1000 * 4.186 * 65 * 6000 / 1e6 / 0.84)  # 9,795.24 GJ heat
    r = run(ctx, type="heat_recovery", id="H", source_id="S01", flow_m3_per_h=40, hot_temp_c=75, cold_temp_c=25, hours=6000, boiler_efficiency=0.84)
    assert r.saved_fuel_gj == pytest.approx(40 * 1000 * 4.186 * 0.6 * 50 * 6000 / 1e6 / 0.84)
    assert "effectiveness" in r.defaults_used
    r = run(ctx, type="waste_heat_recovery", id="W", source_id="S01", recovered_kw=100, hours=5000)
    assert r.saved_fuel_gj == pytest.approx(100 * 5000 * 0.0036 / 0.85)


def test_fuel_switch_oil_to_gas(dyeing):
    _, bl, ctx = dyeing
    r = run(ctx, type="fuel_switch", id="G", source_id="S01", eff_before=0.84, eff_after=0.88, target_price_ntd=14, target_price_unit="m3",
            target_heat_value=8505, target_heat_value_unit="kcal/m3")  # fmt: skip
    g = load_registry().get("moenv-2024/natural-gas-stationary").gases
    gas_t_per_gj = (g["CO2"].value + g["CH4"].value * gwp_value("CH4", "MOENV-2024", "fossil") + g["N2O"].value * gwp_value("N2O", "MOENV-2024")) / 1e6
    e0 = bl.get("S01").energy
    e1 = e0 * 0.84 / 0.88
    assert r.added_co2e_t == pytest.approx(e1 * gas_t_per_gj)
    assert r.avoided_t == pytest.approx(bl.get("S01").co2e_t - e1 * gas_t_per_gj)
    m3 = e1 / (8505 * KCAL_GJ)
    assert r.cost_saving_ntd == pytest.approx(6_000_000 * 20 - m3 * 14, rel=1e-9)


def test_rooftop_pv_and_green_electricity(dyeing):
    _, bl, ctx = dyeing
    f = bl.get("S04").co2e_per_energy
    r = run(ctx, type="rooftop_pv", id="PV", source_id="S04", kwp=800)
    assert r.saved_kwh == pytest.approx(880_000) and r.avoided_t == pytest.approx(880_000 * f)
    assert "yield_kwh_per_kwp" in r.defaults_used
    g = run(ctx, type="green_electricity", id="GE", source_id="S04", kwh=1_000_000, premium_ntd_per_kwh=1.5)
    assert g.avoided_t == pytest.approx(1_000_000 * f) and g.cost_saving_ntd == 0 and g.opex_change_ntd == 1_500_000
    assert g.abatement_cost_ntd_per_t == pytest.approx(1_500_000 / (1_000_000 * f))
    u = run(ctx, type="green_electricity", id="GE", source_id="S04", kwh=1_000_000, premium_ntd_per_kwh=1.5, instrument="unbundled")
    assert u.avoided_t == 0 and u.avoided_market_t == pytest.approx(1_000_000 * f)


def test_custom_measure(dyeing):
    ctx = dyeing[2]
    r = run(ctx, type="custom", id="X", source_id="S04", saved_energy=50_000, method="metered trial")
    assert r.saved_kwh == 50_000 and "metered trial" in r.explain()
    r = run(ctx, type="custom", id="X", source_id="S04", load=200_000, saving_share=0.1)
    assert r.saved_kwh == pytest.approx(20_000)


def test_wrong_carrier_and_unknown_inputs(dyeing):
    ctx = dyeing[2]
    with pytest.raises(InputError, match="saves fuel"):
        run(ctx, type="boiler_tuning", id="B", source_id="S04", eff_before=0.8, eff_after=0.84)
    with pytest.raises(InputError, match="saves electricity"):
        run(ctx, type="led_lighting", id="L", source_id="S01", count=1, watts_before=40, watts_after=18, hours=1)
    with pytest.raises(InputError, match="no input"):
        make_measure({"type": "led_lighting", "id": "L", "source_id": "S04", "wattage": 3})
    with pytest.raises(InputError, match="unknown measure type"):
        make_measure({"type": "magic", "id": "L", "source_id": "S04"})
    with pytest.raises(InputError, match="needs 'eff_before'"):
        run(ctx, type="boiler_tuning", id="B", source_id="S01", eff_after=0.84)


EXAMPLES = {
    "air_leak_repair": {"load": 500_000},
    "air_pressure_reduction": {"load": 500_000, "pressure_before_barg": 7, "pressure_after_barg": 6.5},
    "compressor_vsd": {"load": 500_000, "load_share": 0.5},
    "compressor_sequencing": {"compressors": [{"kw": 55, "flow_m3_min": 9}, {"kw": 55, "flow_m3_min": 9}], "demand_m3_min": 10, "hours": 6000},
    "pump_fan_vsd": {"flow_profile": [[0.8, 1.0]], "motor_kw": 30, "hours": 5000},
    "efficient_motor": {"eff_before": 0.9, "eff_after": 0.95, "motor_kw": 30, "hours": 5000},
    "led_lighting": {"count": 100, "watts_before": 36, "watts_after": 16, "hours": 3000},
    "chiller": {"cop_before": 4, "cop_after": 5.5, "cooling_kwh": 800_000},
    "boiler_tuning": {"eff_before": 0.8, "eff_after": 0.83},
    "condensate_recovery": {"condensate_t_per_h": 2, "condensate_temp_c": 85, "makeup_temp_c": 25, "hours": 5000},
    "heat_recovery": {"flow_m3_per_h": 10, "hot_temp_c": 70, "cold_temp_c": 25, "hours": 5000},
    "waste_heat_recovery": {"recovered_kw": 50, "hours": 5000},
    "fuel_switch": {"share": 0.5},
    "rooftop_pv": {"kwp": 100},
    "green_electricity": {"kwh": 100_000, "premium_ntd_per_kwh": 1.0},
    "custom": {"saving_share": 0.05},
}


def test_every_measure_has_a_worked_example():
    assert set(EXAMPLES) == set(MEASURES)


@pytest.mark.parametrize("kind", sorted(MEASURES))
def test_docstring_states_inputs_defaults_and_references(kind):
    doc = inspect.getdoc(MEASURES[kind])
    assert "Inputs:" in doc and "Working:" in doc and "References" in doc
    for name in MEASURES[kind].DEFAULTS:
        assert name in doc, f"{kind}: default {name} not documented"
    assert MEASURES[kind].REFERENCES or kind == "custom"


@pytest.mark.parametrize("kind", sorted(MEASURES))
def test_explain_prints_the_working_with_units(kind, dyeing):
    _, bl, ctx = dyeing
    src = "S04" if MEASURES[kind].carrier == "electricity" else "S01"
    r = run(ctx, type=kind, id="M", source_id=src, capex_ntd=100_000, **EXAMPLES[kind])
    text = r.explain()
    unit = "kWh" if src == "S04" else "GJ"
    assert f" {unit}" in text and "t CO2e" in text and "NT$" in text
    assert "GWP set MOENV-2024" in text and ("tw-grid/2024" in text if src == "S04" else "moenv-2024/fuel-oil-stationary" in text)
    for k in r.defaults_used:
        assert f"default {k}" in text
    for ref in MEASURES[kind].REFERENCES:
        assert ref in text
    assert r.avoided_t > 0 or r.avoided_market_t > 0
    assert math.isfinite(r.abatement_cost_ntd_per_t)


def test_negative_saving_is_refused(dyeing):
    with pytest.raises(InputError, match="negative"):
        run(dyeing[2], type="heat_recovery", id="H", source_id="S01", flow_m3_per_h=10, hot_temp_c=20, cold_temp_c=25, hours=5000)
    with pytest.raises(InputError, match="outside 0–1"):
        run(dyeing[2], type="boiler_tuning", id="B", source_id="S01", eff_before=0.9, eff_after=0.8)
