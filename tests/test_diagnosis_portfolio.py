"""Portfolio without double counting, MACC, target path, hotspots, the diagnosis file and the CLI."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from carbon.diagnosis import diagnose, read_diagnosis, smart_stage, write_diagnosis_template
from carbon.diagnosis.baseline import baseline_from_inventory
from carbon.diagnosis.hotspots import compare, intensity, pareto
from carbon.diagnosis.measures import Context, make_measure
from carbon.diagnosis.portfolio import apply_portfolio, macc, target_path
from carbon.errors import InputError
from carbon.factors import load_registry
from carbon.formats.project import read_project
from carbon.inventory import calculate

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples"


@pytest.fixture(scope="module")
def air():
    res = calculate(read_project(EX / "compressor-factory.yaml"))
    return res, read_diagnosis(EX / "compressor-diagnosis.yaml")


@pytest.fixture(scope="module")
def dyeing():
    res = calculate(read_project(EX / "dyeing-factory.yaml"))
    base = calculate(read_project(EX / "dyeing-factory-base-2022.yaml"))
    return res, base, read_diagnosis(EX / "dyeing-diagnosis.yaml")


def test_two_overlapping_measures_save_less_together_than_apart(air):
    res, d = air
    bl = baseline_from_inventory(res)
    ctx = Context(bl, prices={"S01": (4.0, "NT$4/kWh")})
    leak, seq = d.measures[0], d.measures[1]
    pf = apply_portfolio([leak, seq], ctx)
    # the system's energy is the compressors' before sequencing: P_before × hours
    load = 242 * (0.25 + 0.75 * 20 / 39.8) * 8000
    f1 = (0.30 - 0.10) / (1 - 0.10)
    f2 = 1 - (75 + 75 * (0.25 + 0.75 * 0.6)) / (242 * (0.25 + 0.75 * 20 / 39.8))
    grid = bl.get("S01").co2e_per_energy
    alone = [a.avoided_t for a in pf.alone]
    assert alone == pytest.approx([f1 * load * grid, f2 * load * grid])
    together = pf.avoided_t
    assert together == pytest.approx((1 - (1 - f1) * (1 - f2)) * load * grid)
    # less together than apart, by f1 × f2 × load × factor (the second acts on what the first left)
    assert sum(alone) - together == pytest.approx(f1 * f2 * load * grid)
    assert sum(alone) - together == pytest.approx(0.2222222 * 0.1595588 * 1_213_648.24 * 0.000474, rel=1e-6)
    assert pf.overlap[1]["overlap_t"] == pytest.approx(f1 * f2 * load * grid)
    # and the order does not change the total
    assert apply_portfolio([seq, leak], ctx).avoided_t == pytest.approx(together)


def test_measures_never_take_more_than_the_system(air):
    res, _ = air
    ctx = Context(baseline_from_inventory(res))
    ms = [make_measure({"type": "custom", "id": f"X{i}", "source_id": "S01", "system": "air", "load": 100_000, "saving_share": 0.6}) for i in range(3)]
    pf = apply_portfolio(ms, ctx)
    assert sum(s.saved_kwh for s in pf.steps) == pytest.approx(100_000 * (1 - 0.4**3))
    over = make_measure({"type": "custom", "id": "Y", "source_id": "S01", "system": "big", "load": 9e9, "saving_share": 0.1})
    with pytest.raises(InputError, match="more than source"):
        apply_portfolio([over], ctx)
    with pytest.raises(InputError, match="more than once"):
        apply_portfolio([ms[0], ms[0]], ctx)


def test_fuel_switch_after_heat_measures_acts_on_what_is_left(dyeing):
    res, _, d = dyeing
    bl = baseline_from_inventory(res)
    ctx = Context(bl)
    pf = apply_portfolio(d.measures[:4], ctx)
    e = bl.get("S01").energy
    left = e * 0.80 / 0.84 - pf.steps[1].saved_fuel_gj - pf.steps[2].saved_fuel_gj
    assert pf.steps[3].load_before == pytest.approx(left)
    assert pf.steps[3].avoided_t < pf.alone[3].avoided_t


def test_macc_orders_by_cost_and_widths_add_up(dyeing):
    res, _, d = dyeing
    bl = baseline_from_inventory(res)
    from carbon.diagnosis.core import prices_per_energy

    ctx = Context(bl, prices_per_energy(d.prices, bl), 0.05)
    m = macc(d.measures, ctx)
    costs = [p["cost_ntd_per_t"] for p in m.points]
    assert len(m.points) == 5 and not m.excluded
    assert sum(p["avoided_t"] for p in m.points) == pytest.approx(m.portfolio.avoided_t)
    assert m.points[-1]["x_end_t"] == pytest.approx(m.portfolio.avoided_t)
    alone = {a.id: a.abatement_cost_ntd_per_t for a in m.portfolio.alone}
    assert [p["id"] for p in m.points] == sorted(alone, key=alone.get)
    assert all(math.isfinite(c) for c in costs)


def test_target_path_by_hand():
    class S:
        def __init__(self, t, y):
            self.avoided_t, self.year = t, y

    p = target_path(base_year=2022, base_t=1000.0, target_pct=30, target_year=2030, current_year=2024, current_t=950.0, steps=[S(100.0, 2026), S(50.0, None)])
    assert p.target_t == 700.0
    assert p.years[0] == 2022 and p.years[-1] == 2030
    assert p.target_line_t[p.years.index(2026)] == pytest.approx(1000 - 300 * 4 / 8)
    assert p.projected_t[p.years.index(2025)] == 900.0  # the year-less measure starts the year after the inventory
    assert p.projected_t[-1] == 800.0 and p.gap_t == 100.0
    assert math.isnan(p.projected_t[0])
    with pytest.raises(InputError):
        target_path(base_year=2022, base_t=1, target_pct=130, target_year=2030, current_year=2024, current_t=1, steps=[])


def test_pareto_and_intensity(dyeing):
    res, _, _ = dyeing
    t = pareto(res, "source")
    total = res.total_tco2e
    assert list(t["key"][:2]) == ["S01", "S04"]
    assert t["share"].iloc[0] == pytest.approx(18_725.808 / total, rel=1e-6)
    assert t["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert list(t["vital_few"]) == [True, True, False, False, False, False]
    eq = pareto(res, "equipment")
    assert eq["key"].iloc[0] == "0101 蒸汽鍋爐 B1+B2"
    car = pareto(res, "carrier")
    assert "電力 electricity" in set(car["key"]) and car["co2e_t"].sum() == pytest.approx(total)
    pr = pareto(res, "process")
    assert pr.set_index("key").loc["P01 染色", "co2e_t"] == pytest.approx(18_725.808, rel=1e-6)
    i = intensity(res, product_amount=6000, product_unit="t", revenue_ntd=900_000_000)
    assert i["product"]["tco2e_per_unit"] == pytest.approx(total / 6000)
    assert i["revenue"]["tco2e_per_million_ntd"] == pytest.approx(total / 900)


def test_base_year_change_split_into_activity_edition_method(dyeing):
    res, base, _ = dyeing
    c = compare(res, base)
    assert sum(c.effects.values()) == pytest.approx(c.current_t - c.base_t)
    reg = load_registry()
    g22, g24 = (reg.get(f"tw-grid/{y}").gases["CO2e"].value for y in (2022, 2024))
    el = c.table.set_index(["source_id", "gas"]).loc[("S04", "CO2e")]
    assert el["activity_t"] == pytest.approx((18_000 - 18_500) * g22)  # MWh × kg/kWh = t
    assert el["factor_edition_t"] == pytest.approx(18_000 * (g24 - g22))
    assert el["method_t"] == pytest.approx(0)
    ch4 = c.table.set_index(["source_id", "gas"]).loc[("S01", "CH4")]
    assert ch4["method_t"] == pytest.approx(ch4["current_t"] * (1 - 25 / 30))  # AR4 CH4 25 → MOENV-2024 fossil 30
    assert ch4["factor_edition_t"] == pytest.approx(0, abs=1e-9)


def test_smart_stage():
    r = smart_stage({"cnc_or_plc": True, "digital_records": True, "automated_key_steps": False})
    assert r["stage"] == 1 and r["next_stage_name"] == "連結化" and "物聯網控制 IoT control" in r["recommended_courses"]
    assert smart_stage({})["stage"] == 0
    full = smart_stage({k: True for k in __import__("carbon.diagnosis.smart", fromlist=["QUESTIONS"]).QUESTIONS})
    assert full["stage"] == 5 and full["next_stage"] is None
    with pytest.raises(InputError):
        smart_stage({"robots": True})


def test_diagnose_dyeing_end_to_end(dyeing):
    res, base, d = dyeing
    dg = diagnose(res, d, base=base)
    out = dg.to_dict()
    assert out["fee"]["before"]["fee_ntd"] == 1_053_936
    after_e = res.total_tco2e - dg.portfolio.fee_relevant_avoided_t
    assert out["fee"]["after"]["emissions_t"] == pytest.approx(after_e)
    assert after_e < 25_000 and out["fee"]["after"]["fee_ntd"] == 0
    assert dg.target.target_t == pytest.approx(dg.comparison.base_t * 0.6)
    assert dg.target.gap_t == pytest.approx(dg.portfolio.after_t - dg.comparison.base_t * 0.6)
    assert out["financing"]["diagnosis_fee"]["total_ntd"] == 200_000
    assert out["financing"]["budget_check"]["compliant"] and out["financing"]["budget_check"]["max_subsidy_ntd"] == 5_000_000
    assert out["smart"]["stage"] == 2 and out["smart"]["next_stage_name"] == "可視化"
    json.dumps(out, default=str)


def test_figures(dyeing):
    from carbon.reporting.diagnosis import fig_macc, fig_pareto, fig_target_path

    res, base, d = dyeing
    dg = diagnose(res, d, base=base)
    f = fig_pareto(dg.pareto["source"])
    assert list(f.data[0].y) == pytest.approx(list(dg.pareto["source"]["co2e_t"]))
    m = fig_macc(dg.macc.points)
    assert [b.width[0] for b in m.data] == pytest.approx([p["avoided_t"] for p in dg.macc.points])
    assert m.layout.template.layout.paper_bgcolor is not None
    t = fig_target_path(dg.target)
    assert t.data[1].y[-1] == pytest.approx(dg.target.projected_t[-1])
    with pytest.raises(InputError):
        fig_macc([])


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_template_round_trip(tmp_path, suffix):
    p = write_diagnosis_template(tmp_path / f"d{suffix}")
    d = read_diagnosis(p)
    assert [m.kind for m in d.measures] == ["air_leak_repair", "compressor_sequencing", "boiler_tuning"]
    assert d.measures[1].compressors[0]["kw"] == 75
    dg = diagnose(calculate(read_project(EX / "demo-factory.yaml")), d)
    assert len(dg.portfolio.steps) == 3


def test_diagnosis_file_errors(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("measures:\n  - {type: led_lighting, id: L, source_id: S08, lumens: 3}\nbudgets: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown keys"):
        read_diagnosis(p)
    p.write_text("measures:\n  - {type: led_lighting, id: L, source_id: S08, lumens: 3}\n", encoding="utf-8")
    with pytest.raises(InputError, match="no input"):
        read_diagnosis(p)
    x = tmp_path / "d.xlsx"
    with pd.ExcelWriter(x) as xw:
        pd.DataFrame([{"type": "boiler_tuning", "id": "B", "source_id": "S02", "eff_before": 0.8, "eff_after": 0.84},
                      {"type": "teleport", "id": "T", "source_id": "S02"}]).to_excel(xw, sheet_name="measures", index=False)  # fmt: skip
    with pytest.raises(InputError) as e:
        read_diagnosis(x)
    assert "sheet 'measures', row 3, column 'type'" in str(e.value)


def cli(*args):
    out = subprocess.run([sys.executable, "-m", "carbon.cli", *args], capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cli_diagnose_fee_template(tmp_path):
    d = json.loads(cli("diagnose", str(EX / "compressor-factory.yaml"), "--measures", str(EX / "compressor-diagnosis.yaml"), "--target-pct", "20", "--target-year", "2030", "--json"))
    assert {"hotspots", "measures", "portfolio", "macc", "target", "fee", "financing", "smart"} <= set(d)
    assert d["target"]["target_pct"] == 20 and d["target"]["target_year"] == 2030
    assert [m["id"] for m in d["measures"]] == ["M1", "M2", "M3"]
    assert d["portfolio"]["sum_alone_tco2e"] > d["portfolio"]["avoided_tco2e"]
    text = cli("diagnose", str(EX / "dyeing-factory.yaml"), "--measures", str(EX / "dyeing-diagnosis.yaml"), "--explain")
    assert "activity" in text and "factor edition" in text and "NT$1,053,936" in text and "abatement cost = " in text
    f = json.loads(cli("fee", "--emissions", "30000", "--json"))
    assert (f["chargeable_t"], f["rate_ntd_per_t"], f["fee_ntd"]) == (5000.0, 300.0, 1_500_000)
    f = json.loads(cli("fee", "--emissions", "40000", "--high-leakage", "--plan", "B", "--period", "3", "--offsets", "5000", "--json"))
    assert (f["chargeable_t"], f["rate_ntd_per_t"], f["fee_ntd"]) == (21_600.0, 100.0, 2_160_000)  # 24,000 − 10 % offsets
    text = cli("fee", str(EX / "demo-factory.yaml"))
    assert "not a payer" in text and "S09" not in text  # the excluded category-3 source is not even counted
    out = tmp_path / "t.yaml"
    cli("diagnosis-template", "-o", str(out))
    assert out.exists() and "measure types and their inputs" in out.read_text(encoding="utf-8")


def test_diagnosis_file_json(tmp_path):
    import yaml

    data = yaml.safe_load((EX / "compressor-diagnosis.yaml").read_text(encoding="utf-8"))
    p = tmp_path / "d.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    d = read_diagnosis(p)
    assert [m.id for m in d.measures] == ["M1", "M2", "M3"] and d.prices[0]["ntd"] == 4.0


def test_fee_per_site_before_and_after(tmp_path):
    text = (EX / "dyeing-factory.yaml").read_text(encoding="utf-8")
    text = text.replace("  - {facility_id: F1, name: 和美廠, equity_share: 1.0}", "  - {facility_id: F1, name: 和美廠, equity_share: 1.0}\n  - {facility_id: F2, name: 二廠, equity_share: 1.0}")
    text = text.replace("name: 外購電力, facility: F1", "name: 外購電力, facility: F2")  # electricity metered at a second site
    p = tmp_path / "two-sites.yaml"
    p.write_text(text, encoding="utf-8")
    res = calculate(read_project(p))
    d = read_diagnosis(EX / "dyeing-diagnosis.yaml")
    d.base_inventory, d.target = None, None
    dg = diagnose(res, d)
    out = dg.to_dict()["fee"]
    f1, f2 = out["per_site"]["F1"], out["per_site"]["F2"]
    assert f1["before"]["emissions_t"] == pytest.approx(res.total_tco2e - 8_532.0) and f2["before"]["emissions_t"] == pytest.approx(8_532.0)
    assert f1["before"]["fee_ntd"] == 0 and f2["before"]["fee_ntd"] == 0  # each site below 25,000 t
    assert out["total_before_ntd"] == 0 and dg.fee_before.fee_ntd == 1_053_936  # the combined figure would be wrong
    pv = dg.portfolio.steps[4].avoided_t
    assert f2["after"]["emissions_t"] == pytest.approx(8_532.0 - pv)
