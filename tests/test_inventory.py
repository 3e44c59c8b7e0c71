import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon.errors import InputError
from carbon.formats.project import read_project, write_template
from carbon.inventory import InventoryProject, Organisation, calculate
from tests.conftest import EXAMPLE

ORG = Organisation(name="test", reporting_year=2024)


def project(rows, **kw):
    return InventoryProject(organisation=ORG, sources=pd.DataFrame(rows), **kw)


DIESEL = {"source_id": "D", "iso_category": "1.1", "activity_amount": 1000.0, "activity_unit": "L", "factor_id": "moenv-6.0.4/diesel-stationary"}
ELEC = {"source_id": "E", "iso_category": "2.1", "method": "electricity", "activity_amount": 1000.0, "activity_unit": "kWh", "data_year": 2023}


def test_hand_checkable_diesel():
    # 1,000 L × 8,400 kcal/L × 4.1868e-9 TJ/kcal × 74,100 kg CO2/TJ = 2.606031792 t CO2
    r = calculate(project([DIESEL]), gwp_set="AR5")
    co2 = r.records.set_index("gas").loc["CO2"]
    assert co2["mass_t"] == pytest.approx(2.606031792, rel=1e-12)
    assert "default of moenv-6.0.4/diesel-stationary" in co2["heat_value_origin"]


def test_electricity_grid_factor():
    r = calculate(project([ELEC]), gwp_set="MOENV-2024")
    assert r.total_tco2e == pytest.approx(0.494, rel=1e-12)
    assert r.by_scope == {"2": pytest.approx(0.494)}


def test_certificates_count_zero():
    r = calculate(project([ELEC | {"certificate_kwh": 400}]), gwp_set="MOENV-2024")
    assert r.total_tco2e == pytest.approx(0.6 * 0.494, rel=1e-12)
    assert "certificates" in r.records["note"].iloc[0]


def test_moenv_2024_needs_heat_value_or_uses_604_default_and_says_so():
    r = calculate(project([DIESEL | {"factor_id": "moenv-2024/diesel-stationary"}]), gwp_set="MOENV-2024")
    assert set(r.records["heat_value_origin"]) == {"default of moenv-6.0.4/diesel-stationary"}


def test_volume_against_per_tj_factor_without_heat_value_is_refused():
    row = DIESEL | {"factor_id": "moenv-2024/ethane-stationary", "activity_unit": "m3"}
    with pytest.raises(InputError, match="heat value"):
        calculate(project([row]), gwp_set="MOENV-2024")


def test_all_problems_reported_together():
    rows = [
        DIESEL | {"source_id": "A", "activity_amount": -5},
        DIESEL | {"source_id": "B", "factor_id": "moenv-2024/diesel-stationery"},
        DIESEL | {"source_id": "C", "activity_unit": "公秉秉"},
        DIESEL | {"source_id": "F", "factor_id": "tw-grid/2023"},
    ]
    with pytest.raises(InputError) as err:
        calculate(project(rows), gwp_set="MOENV-2024")
    text = str(err.value)
    assert "negative activity" in text
    assert "Did you mean 'moenv-2024/diesel-stationary'" in text
    assert "Unknown unit '公秉秉'" in text
    assert "electricity factor" in text and "category 1.1" in text


def test_no_default_gwp_set_in_result():
    r = calculate(project([DIESEL]), gwp_set="AR6")
    assert set(r.records["gwp_set"]) == {"AR6"}
    assert r.to_dict()["gwp_set"] == "AR6"


def test_ch4_kind_is_explicit():
    r = calculate(project([DIESEL]), gwp_set="MOENV-2024")
    ch4 = r.records.set_index("gas").loc["CH4"]
    assert ch4["ch4_kind"] == "fossil" and ch4["gwp"] == 30
    r2 = calculate(project([DIESEL | {"ch4_kind": "non_fossil"}]), gwp_set="MOENV-2024")
    assert r2.records.set_index("gas").loc["CH4", "gwp"] == 28


def test_refrigerant_default_rates_and_blend():
    row = {"source_id": "R", "iso_category": "1.4", "method": "refrigerant", "gas": "R-410A", "activity_amount": 0, "activity_unit": "kg", "charge_kg": 100, "equipment_code": "4091"}
    r = calculate(project([row]), gwp_set="MOENV-2024")
    rec = r.records.iloc[0]
    # 100 kg × 0.03 (6.0.4 sheet 6 example 排放因子, 4091) × (1 − 0 abatement recovery) = 3 kg R-410A × 1,923.5
    assert rec["mass_t"] == pytest.approx(0.003, rel=1e-12)
    assert rec["co2e_t"] == pytest.approx(0.003 * 1923.5, rel=1e-12)


def test_refrigerant_chiller_matches_library_factor():
    """6.0.4 sheet 6 §五: charge × 排放因子 × (1 − 防治設備回收率 × 使用率); sheet 8's end-of-life recovery is not applied."""
    row = {"source_id": "R", "iso_category": "1.4", "method": "refrigerant", "gas": "HFC-134a", "activity_amount": 300, "activity_unit": "kg", "charge_kg": 300, "equipment_code": "4092"}
    by_method = calculate(project([row]), gwp_set="MOENV-2024").total_tco2e
    via_factor = calculate(project([row | {"method": "factor", "charge_kg": None, "equipment_code": None, "factor_id": "moenv-6.0.4/refrigerant-leak-chillers"}]), gwp_set="MOENV-2024").total_tco2e
    assert by_method == pytest.approx(35.1, rel=1e-12)  # 300 × 0.09 = 27 kg × GWP 1300
    assert via_factor == pytest.approx(35.1, rel=1e-12)
    abated = calculate(project([row | {"recovery_rate": 0.8, "recovery_use_rate": 0.5}]), gwp_set="MOENV-2024")
    assert abated.total_tco2e == pytest.approx(300 * 0.09 * (1 - 0.8 * 0.5) * 1300 / 1000, rel=1e-12)
    assert "防治設備回收率 0.8 × 使用率 0.5" in abated.explain("R")


def test_septic_person_days_use_hours_per_day():
    row = {"source_id": "T", "iso_category": "1.4", "method": "septic", "activity_amount": 300, "activity_unit": "人天"}
    r = calculate(project([row]), gwp_set="MOENV-2024")
    assert r.records["mass_t"].iloc[0] == pytest.approx(300 * 8 * 1.59375e-6, rel=1e-12)


def test_mass_balance_carbon():
    row = {"source_id": "M", "iso_category": "1.3", "method": "mass_balance", "activity_amount": 1.0, "activity_unit": "t", "carbon_content": 0.5}
    r = calculate(project([row]), gwp_set="MOENV-2024")
    assert r.total_tco2e == pytest.approx(0.5 * 44 / 12, rel=1e-12)


def test_bill_straddling_period_is_prorated():
    row = ELEC | {"period_start": "2023-12-17", "period_end": "2024-01-15", "data_year": 2024}
    r = calculate(project([row]), gwp_set="MOENV-2024")
    assert r.total_tco2e == pytest.approx(1000 * 15 / 30 * 0.474 / 1000, rel=1e-12)


def test_biogenic_co2_separate():
    row = DIESEL | {"source_id": "B", "factor_id": "moenv-2024/biodiesel-stationary", "biogenic": True, "heat_value": 8000, "heat_value_unit": "kcal/L"}
    r = calculate(project([row, DIESEL]), gwp_set="MOENV-2024")
    tj_bio, tj_diesel = 1000 * 8000 * 4.1868e-9, 1000 * 8400 * 4.1868e-9  # L × kcal/L × TJ/kcal
    assert r.biogenic_co2_t == pytest.approx(tj_bio * 70.8, rel=1e-12)  # 70,800 kg CO2/TJ
    diesel = tj_diesel * (74.1 + 0.003 * 30 + 0.0006 * 265)  # fossil CH4 30 (MOENV 附表四)
    bio_other = tj_bio * (0.003 * 28 + 0.0006 * 265)  # biomass CH4 is non-fossil: 28
    assert r.total_tco2e == pytest.approx(diesel + bio_other, rel=1e-12)


def test_biomass_factor_makes_co2_biogenic_and_ch4_non_fossil():
    """#8.3: the factor decides when the user says nothing; explain says so; the user may override."""
    wood = {"source_id": "W", "iso_category": "1.1", "activity_amount": 10.0, "activity_unit": "t", "factor_id": "moenv-2024/wood-stationary",
            "heat_value": 4000, "heat_value_unit": "kcal/kg"}  # fmt: skip
    tj = 10_000 * 4000 * 4.1868e-9
    r = calculate(project([wood]), gwp_set="MOENV-2024")
    g = r.records.set_index("gas")
    assert bool(g.loc["CO2", "biogenic"]) and g.loc["CH4", "ch4_kind"] == "non_fossil" and g.loc["CH4", "gwp"] == 28
    assert r.biogenic_co2_t == pytest.approx(tj * 112.0, rel=1e-12)
    assert r.total_tco2e == pytest.approx(tj * (0.030 * 28 + 0.004 * 265), rel=1e-12)
    text = r.explain("W")
    assert "CO2 biogenic (biomass fuel" in text and "CH4 counted as non-fossil (biomass fuel" in text
    over = calculate(project([wood | {"biogenic": False}]), gwp_set="MOENV-2024")
    g = over.records.set_index("gas")
    assert not bool(g.loc["CO2", "biogenic"]) and g.loc["CH4", "ch4_kind"] == "fossil" and over.biogenic_co2_t == 0
    ar6 = calculate(project([wood]), gwp_set="AR6").records.set_index("gas")
    assert ar6.loc["CH4", "gwp"] == 27.0  # AR6 WG1 Table 7.15 CH4-non fossil


def test_fossil_process_ch4_takes_the_fossil_gwp():
    row = {"source_id": "P", "iso_category": "1.3", "activity_amount": 100.0, "activity_unit": "t", "factor_id": "moenv-6.0.4/process-iron-steel-coke-production"}
    for gwp_set, fossil in (("MOENV-2024", 30.0), ("AR6", 29.8)):
        rec = calculate(project([row]), gwp_set=gwp_set).records.set_index("gas").loc["CH4"]
        assert rec["ch4_kind"] == "fossil" and rec["gwp"] == fossil
        assert "fossil process or fugitive" in rec["note"]
    d = calculate(project([DIESEL]), gwp_set="AR6").records.set_index("gas").loc["CH4"]
    assert d["gwp"] == 29.8  # fossil-fuel combustion CH4, AR6 Table 7.15


# --- properties --------------------------------------------------------------------------------
BASE = pd.DataFrame([DIESEL, ELEC, {"source_id": "G", "iso_category": "1.2", "activity_amount": 500.0, "activity_unit": "公升", "factor_id": "moenv-6.0.4/motor-gasoline-mobile"}])


@settings(max_examples=25, deadline=None)
@given(k=st.floats(min_value=0.01, max_value=1e6))
def test_scaling_activity_scales_emissions(k):
    a = calculate(InventoryProject(ORG, sources=BASE), gwp_set="MOENV-2024")
    b = calculate(InventoryProject(ORG, sources=BASE.assign(activity_amount=BASE["activity_amount"] * k)), gwp_set="MOENV-2024")
    assert b.total_tco2e == pytest.approx(k * a.total_tco2e, rel=1e-9)


@pytest.mark.parametrize(("amount", "unit"), [(1_000_000, "kWh"), (1_000_000, "度"), (1000, "MWh"), (1000, "千度"), (3600, "GJ")])
def test_same_energy_in_any_unit(amount, unit):
    r = calculate(project([ELEC | {"activity_amount": amount, "activity_unit": unit}]), gwp_set="MOENV-2024")
    assert r.total_tco2e == pytest.approx(494.0, rel=1e-12)


def test_sums_and_order_invariance():
    res = calculate(read_project(EXAMPLE))
    d = res.to_dict()
    assert sum(d["by_category"].values()) == pytest.approx(d["total_tco2e"], rel=1e-12)
    assert sum(d["by_scope"].values()) == pytest.approx(d["total_tco2e"], rel=1e-12)
    assert sum(v["tco2e"] for v in d["by_gas"].values()) == pytest.approx(d["total_tco2e"], rel=1e-12)
    p = read_project(EXAMPLE)
    p.sources = p.sources.iloc[::-1].reset_index(drop=True)
    assert calculate(p).to_dict()["total_tco2e"] == pytest.approx(d["total_tco2e"], rel=1e-12)


def test_example_excluded_source_keeps_its_reason():
    d = calculate(read_project(EXAMPLE)).to_dict()
    ex = d["excluded_sources"]
    assert [e["id"] for e in ex] == ["S09"] and "顯著性" in ex[0]["reason"]
    assert "3" not in d["by_category"]


def test_json_keys():
    d = calculate(read_project(EXAMPLE)).to_dict()
    for k in ("gwp_set", "total_tco2e", "biogenic_co2_t", "by_category", "by_scope", "by_gas", "sources", "data_quality", "uncertainty", "factor_editions"):
        assert k in d
    s = d["sources"][0]
    for k in ("id", "name", "category", "tco2e", "gases", "factors"):
        assert k in s
    assert set(s["factors"][0]) == {"id", "dataset", "edition"}
    assert set(d["uncertainty"]) >= {"lower_pct", "upper_pct", "covered_share"}


def _clear_example_marks(p):
    """Keep the template's example rows as the user's own (clear their note 範例列 …)."""
    import openpyxl

    wb = openpyxl.load_workbook(p)
    ws = wb["sources"] if "sources" in wb.sheetnames else wb["排放源"]
    header = [c.value for c in ws[1]]
    col = header.index("note" if "note" in header else "備註") + 1
    for r in (2, 3):
        ws.cell(row=r, column=col).value = None
    wb.save(p)
    return p


def test_template_round_trip(tmp_path):
    for lang in ("zh-TW", "en"):
        p = _clear_example_marks(write_template(tmp_path / f"t-{lang}.xlsx", lang=lang))
        r = calculate(read_project(p))
        # S01 12.5 kL diesel × 8,400 kcal/L × 4.1868e-9 TJ/kcal × (74,100 CO2 + 3 CH4 × 30 + 0.6 N2O × 265) kg/TJ
        # + S02 850 千度 × 0.474 kg CO2e/kWh (tw-grid/2024)
        diesel = 12_500 * 8400 * 4.1868e-9 * (74.1 + 0.003 * 30 + 0.0006 * 265)
        assert r.total_tco2e == pytest.approx(diesel + 850_000 * 0.474 / 1000, rel=1e-12)
        assert {"S01", "S02"} <= set(r.records["source_id"])


def test_workbook_errors_name_sheet_row_column(tmp_path):
    p = _clear_example_marks(write_template(tmp_path / "t.xlsx", lang="en"))
    import openpyxl

    wb = openpyxl.load_workbook(p)
    ws = wb["sources"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("activity_amount") + 1, value="twelve")
    ws.cell(row=3, column=header.index("activity_unit") + 1, value="桶桶")
    wb.save(p)
    with pytest.raises(InputError) as err:
        calculate(read_project(p))
    msgs = [str(x) for x in err.value.problems]
    assert any("sheet 'sources', row 2, column 'activity_amount'" in m and "'twelve' is not a number" in m for m in msgs), msgs
    with pytest.raises(InputError) as err:
        wb = openpyxl.load_workbook(p)
        wb["sources"].cell(row=2, column=header.index("activity_amount") + 1, value=12)
        wb.save(p)
        calculate(read_project(p))
    msgs = [str(x) for x in err.value.problems]
    assert any("row 3, column 'activity_unit'" in m and "桶桶" in m for m in msgs), msgs


def test_cli_calc_and_explain():
    out = subprocess.run([sys.executable, "-m", "carbon.cli", "inventory", "calc", str(EXAMPLE), "--json"], capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["gwp_set"] == "MOENV-2024"
    out = subprocess.run([sys.executable, "-m", "carbon.cli", "inventory", "explain", str(EXAMPLE), "S01"], capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    assert "heat value 8,505 kcal/m3 (source)" in out.stdout and "moenv-2024/natural-gas-stationary" in out.stdout


def test_rounding_moenv_rounds_masses_to_4_decimals():
    r = calculate(project([DIESEL]), gwp_set="MOENV-2024", rounding="moenv")
    m = r.records["mass_t"].to_numpy()
    assert np.allclose(m, np.round(m, 4))


def test_cli_uncertainty_json():
    out = subprocess.run(
        [sys.executable, "-m", "carbon.cli", "inventory", "uncertainty", str(EXAMPLE), "--iterations", "5000", "--seed", "7", "--json"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    for k in ("method", "iterations", "seed", "mean_tco2e", "p2_5_tco2e", "p97_5_tco2e", "lower_pct", "upper_pct", "analytic", "contributions"):
        assert k in d
    assert d["seed"] == 7 and d["iterations"] == 5000
    assert {"lower_pct", "upper_pct"} <= set(d["analytic"])
    assert abs(d["mean_tco2e"] / d["deterministic_tco2e"] - 1) < 0.01  # excluded S09 is not sampled
    assert abs(sum(c["share_of_variance"] for c in d["contributions"]) - 1) < 1e-6


def test_equity_share_approach():
    org = Organisation(name="JV", reporting_year=2024, boundary_approach="equity_share")
    fac = pd.DataFrame([{"facility_id": "A", "equity_share": 0.6}, {"facility_id": "B", "equity_share": 1.0}])
    p = InventoryProject(org, facilities=fac, sources=pd.DataFrame([ELEC | {"source_id": "EA", "facility": "A"}, ELEC | {"source_id": "EB", "facility": "B"}]))
    r = calculate(p, gwp_set="MOENV-2024")
    assert r.by_facility == {"A": pytest.approx(0.6 * 0.494), "B": pytest.approx(0.494)}
    with pytest.raises(InputError, match="equity_share"):
        calculate(InventoryProject(org, facilities=fac.assign(equity_share=[1.5, 1]), sources=p.sources), gwp_set="MOENV-2024")


def test_significance_criteria_exclude_with_reason():
    rows = [DIESEL, {"source_id": "T1", "iso_category": "3.1", "activity_amount": 1000, "activity_unit": "tkm", "factor_id": "tw-cfp/ying-ye-da-huo-che-chai-you-2022", "sig_magnitude": 1, "sig_influence": 2},
            {"source_id": "T2", "iso_category": "3.5", "activity_amount": 1000, "activity_unit": "tkm", "factor_id": "tw-cfp/ying-ye-da-huo-che-chai-you-2022", "sig_magnitude": 5, "sig_influence": 5}]  # fmt: skip
    p = project(rows, significance={"weights": {"magnitude": 1, "influence": 1}, "threshold": 6})
    r = calculate(p, gwp_set="MOENV-2024")
    ex = {e["id"]: e["reason"] for e in r.exclusions()}
    assert set(ex) == {"T1"} and "score 3 < threshold 6" in ex["T1"]
    assert r.by_category["3"] == pytest.approx(0.131)


def test_cli_uncertainty_on_the_moenv_sample():
    sample = str(EXAMPLE.parent.parent / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods")
    out = subprocess.run(
        [sys.executable, "-m", "carbon.cli", "inventory", "uncertainty", sample, "--rounding", "moenv", "--iterations", "20000", "--seed", "3", "--json"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert round(d["analytic"]["lower_pct"], 3) == 7.159 and round(d["analytic"]["upper_pct"], 3) == 7.159
    assert d["method"] and d["p2_5_tco2e"] < d["deterministic_tco2e"] < d["p97_5_tco2e"]
    # the sample's 表七 gives activity intervals for E212, E213, GP01 and GP02-GG3502 only: 8 of its 24 counted records
    assert d["inputs"]["records_without_activity_uncertainty"] == 16
    res = calculate(read_project(sample), rounding="moenv")
    no_ad = res.counted["ad_low_pct"].isna() & res.counted["ad_high_pct"].isna()
    assert set(res.counted.loc[~no_ad, "source_id"].astype(str)) == {"E212", "E213", "GP01", "GP02-GG3502"}


def test_market_based_scope2_with_supplier_factor():
    supplier = pd.DataFrame([{"factor_id": "custom/green-supplier", "name_zh": "綠電售電業", "name_en": "green retailer", "kind": "electricity",
                              "gas": "CO2e", "value": 0.1, "unit": "kg CO2e/kWh", "source_ref": "supplier letter 2024"}])  # fmt: skip
    rows = [ELEC | {"source_id": "E1", "market_factor_id": "custom/green-supplier"}, ELEC | {"source_id": "E2"}]
    r = calculate(project(rows, custom_factors=supplier), gwp_set="MOENV-2024")
    assert r.scope2["location_based"] == pytest.approx(2 * 0.494)
    assert r.scope2["market_based"] == pytest.approx(0.1 + 0.494)
    assert r.total_tco2e == pytest.approx(2 * 0.494)  # the inventory total stays location-based (MOENV)
    assert r.to_dict()["scope2"] == r.scope2


def test_unknown_market_factor_is_reported():
    with pytest.raises(InputError, match="market_factor_id"):
        calculate(project([ELEC | {"market_factor_id": "custom/nope"}]), gwp_set="MOENV-2024")


def test_scope2_both_ways_per_the_guidance():
    """#8.4: location-based ignores certificates, market-based applies them and supplier factors; MOENV counts certificates 0."""
    supplier = pd.DataFrame([{"factor_id": "custom/green-supplier", "name_zh": "綠電售電業", "name_en": "green retailer", "kind": "electricity",
                              "gas": "CO2e", "value": 0.1, "unit": "kg CO2e/kWh", "source_ref": "supplier letter 2024"}])  # fmt: skip
    rows = [ELEC | {"source_id": "E1", "certificate_kwh": 400}, ELEC | {"source_id": "E2", "market_factor_id": "custom/green-supplier"}]
    r = calculate(project(rows, custom_factors=supplier), gwp_set="MOENV-2024")
    s2 = r.scope2
    assert s2["location_based"] == pytest.approx(2 * 1000 * 0.494 / 1000, rel=1e-12)  # all 2,000 kWh × grid
    assert s2["market_based"] == pytest.approx((600 * 0.494 + 1000 * 0.1) / 1000, rel=1e-12)
    assert s2["moenv"] == pytest.approx((600 + 1000) * 0.494 / 1000, rel=1e-12) == r.by_scope["2"]
    assert "電證合一" in s2["moenv_rule"] and "counted 0" in s2["moenv_rule"]
    assert r.total_tco2e == pytest.approx(s2["moenv"], rel=1e-12)


def test_demo_scope2_and_registrable_total():
    d = calculate(read_project(EXAMPLE)).to_dict()
    # S08: 6,850 千度 × 0.474 (tw-grid/2024); 500,000 kWh of 電證合一 certificates count 0 except location-based
    assert d["scope2"]["location_based"] == pytest.approx(6_850_000 * 0.474 / 1000, rel=1e-12)
    assert d["scope2"]["market_based"] == d["scope2"]["moenv"] == pytest.approx(6_350_000 * 0.474 / 1000, rel=1e-12)
    assert d["total_tco2e"] == pytest.approx(3400.5473318322, rel=1e-12)  # S05 chiller 35.1 t since #8.2


def test_registrable_total_is_categories_1_and_2():
    """#8.5: registrable_tco2e = categories 1 and 2 (MOENV registry, carbon fee) beside the ISO total of all included categories."""
    commute = {"source_id": "T", "iso_category": "3.3", "activity_amount": 1000, "activity_unit": "tkm", "factor_id": "tw-cfp/ying-ye-da-huo-che-chai-you-2022"}
    r = calculate(project([DIESEL, ELEC, commute]), gwp_set="MOENV-2024")
    d = r.to_dict()
    cat12 = d["by_category"]["1"] + d["by_category"]["2"]
    assert d["registrable_tco2e"] == r.registrable_tco2e == pytest.approx(cat12, rel=1e-12)
    assert d["total_tco2e"] == pytest.approx(cat12 + d["by_category"]["3"], rel=1e-12) and d["by_category"]["3"] > 0.1
    assert "all included categories" in d["total_basis"]


def test_json_sources_equal_a_per_source_reference():
    """to_dict builds the per-source entries from record arrays; they equal a per-source group-by of the records."""
    sample = EXAMPLE.parent.parent / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
    for path, rounding in ((EXAMPLE, "exact"), (sample, "moenv")):
        res = calculate(read_project(path), rounding=rounding)
        got = {s["id"]: s for s in res.to_dict()["sources"]}
        rec = res.records
        assert list(got) == list(dict.fromkeys(rec["source_id"].astype(str)))
        for sid, grp in rec.groupby("source_id", observed=True, sort=False):
            e = got[str(sid)]
            assert e["tco2e"] == res._round(grp.loc[~grp["biogenic"].astype(bool), "co2e_t"].sum())
            assert e["category"] == str(grp["iso_subcategory"].iloc[0]) and e["excluded"] == (str(sid) in res.excluded_sources)
            assert e["gases"] == {str(r.gas): {"mass_t": r.mass_t, "gwp": r.gwp, "tco2e": r.co2e_t, "biogenic": bool(r.biogenic)} for r in grp.itertuples()}
            fac = grp[["factor_id", "factor_dataset", "factor_edition"]].astype(str).drop_duplicates()
            assert e["factors"] == [{"id": a, "dataset": b, "edition": c} for a, b, c in fac.itertuples(index=False)]


def test_scope2_location_based_under_equity_share():
    org = Organisation(name="JV", reporting_year=2024, boundary_approach="equity_share")
    fac = pd.DataFrame([{"facility_id": "F1", "equity_share": 0.6}])
    rows = [ELEC | {"facility": "F1", "certificate_kwh": 400}]
    r = calculate(InventoryProject(organisation=org, facilities=fac, sources=pd.DataFrame(rows)), gwp_set="MOENV-2024")
    assert r.scope2["moenv"] == pytest.approx(0.6 * 600 * 0.494 / 1000, rel=1e-12)
    assert r.scope2["location_based"] == pytest.approx(0.6 * 1000 * 0.494 / 1000, rel=1e-12)
