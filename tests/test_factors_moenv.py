"""Check factors/moenv-6.0.4 and factors/moenv-2024 against the official MOENV .ods files.

Every expected number is read from the official file (python-calamine) and compared with
what the build scripts wrote; a few published key numbers are also asserted literally.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from carbon.units import multiplier, split_factor_unit

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "factors" / "sources" / "taiwan"
F604 = SRC_DIR / "moenv-emission-factor-table-6.0.4-revised.ods"
F2024 = SRC_DIR / "moenv-emission-factors-announcement-2024-02-05.ods"
FWB = SRC_DIR / "moenv-inventory-workbook-sample.ods"
DATASETS = ["moenv-6.0.4", "moenv-2024"]
S1 = "1_固定源與移動源(燃料)CO2排放係數"
S2 = "2_固定源與移動源(燃料)CH4排放係數"
S3 = "3_固定源與移動源(燃料)N2O排放係數"


@cache
def sheet(path: Path, name: str) -> list[list]:
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def cell(path: Path, name: str, ref: str):
    """Value of cell 'I28' (Excel notation) of a sheet; '' when empty."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    rows = sheet(path, name)
    r = int(m.group(2)) - 1
    if r >= len(rows) or col - 1 >= len(rows[r]):
        return ""
    v = rows[r][col - 1]
    return v.strip() if isinstance(v, str) else v


@cache
def factors(dataset: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "factors" / dataset / "factors.csv", comment="#", dtype={"moenv_code": str})


@cache
def meta(dataset: str) -> dict:
    return tomllib.loads((ROOT / "factors" / dataset / "meta.toml").read_text(encoding="utf-8"))


@cache
def index(dataset: str) -> dict[tuple[str, str], pd.Series]:
    return {(r["factor_id"], r["gas"]): r for _, r in factors(dataset).iterrows()}


def row(dataset: str, slug: str, gas: str) -> pd.Series:
    key = (f"{dataset}/{slug}", gas)
    assert key in index(dataset), f"{dataset}/{slug} {gas}: no row"
    return index(dataset)[key]


# --------------------------------------------------------------------------------------
# required ids
# --------------------------------------------------------------------------------------
REQUIRED = [
    *(
        f"{f}-stationary"
        for f in ("diesel", "motor-gasoline", "natural-gas", "lpg", "fuel-oil", "kerosene", "bituminous-coal")
    ),
    *(f"{f}-mobile" for f in ("diesel", "motor-gasoline", "lpg")),
]


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("slug", REQUIRED)
def test_required_ids_have_three_gases(dataset, slug):
    df = factors(dataset)
    sub = df[df["factor_id"] == f"{dataset}/{slug}"]
    assert sorted(sub["gas"]) == ["CH4", "CO2", "N2O"]
    assert set(sub["kind"]) == {"mobile_combustion" if slug.endswith("mobile") else "stationary_combustion"}
    assert set(sub["unit"]) == {"kg CH4/TJ", "kg CO2/TJ", "kg N2O/TJ"}


@pytest.mark.parametrize("slug", ["motor-gasoline-mobile-uncontrolled", "motor-gasoline-mobile-low-mileage-ldv-1995"])
def test_2024_gasoline_vehicle_variants(slug):
    df = factors("moenv-2024")
    sub = df[df["factor_id"] == f"moenv-2024/{slug}"]
    assert sorted(sub["gas"]) == ["CH4", "CO2", "N2O"]
    assert set(sub["kind"]) == {"mobile_combustion"}


# --------------------------------------------------------------------------------------
# key published numbers, read from the sheets
# --------------------------------------------------------------------------------------
def test_diesel_stationary_604():
    assert cell(F604, S1, "D28") == "柴油"
    assert cell(F604, S1, "I28") == 74100.0
    assert cell(F604, S2, "F28") == 3.0
    assert cell(F604, S3, "F28") == 0.6
    assert cell(F604, S1, "O28") == 8400.0
    for gas, ref, sh in (("CO2", "I28", S1), ("CH4", "F28", S2), ("N2O", "F28", S3)):
        r = row("moenv-6.0.4", "diesel-stationary", gas)
        assert r["value"] == cell(F604, sh, ref)
        assert r["heat_value"] == 8400.0
        assert r["heat_value_unit"] == "kcal/L"
        assert r["moenv_code"] == "170006"


def test_diesel_per_litre_from_kg_per_tj():
    r = row("moenv-6.0.4", "diesel-stationary", "CO2")
    per_litre = r["value"] * r["heat_value"] * multiplier("kcal", "TJ")
    assert per_litre == pytest.approx(2.606031792, rel=1e-12)
    assert per_litre == pytest.approx(cell(F604, S1, "R28"), rel=1e-12)  # sheet's kg CO2/L
    assert cell(F604, S1, "S28") == "KgCO2/L"


def test_natural_gas_stationary_604():
    assert cell(F604, S1, "D37") == "天然氣"
    r = row("moenv-6.0.4", "natural-gas-stationary", "CO2")
    assert r["value"] == cell(F604, S1, "I37") == 56100.0
    assert r["value_low"] == pytest.approx(54300.0, abs=1e-6)
    assert r["value_high"] == pytest.approx(58300.0, abs=1e-6)
    assert r["value_low"] == pytest.approx(56100 * (1 - cell(F604, S1, "K37")), rel=1e-11)
    assert r["value_high"] == pytest.approx(56100 * (1 + cell(F604, S1, "L37")), rel=1e-11)
    assert r["heat_value"] == cell(F604, S1, "O37") == 8000.0
    assert r["heat_value_unit"] == "kcal/m**3"
    assert multiplier(r["heat_value_unit"].split("/")[0], "kJ") == pytest.approx(4.1868)


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize(
    ("slug", "expected"),
    [("motor-gasoline-mobile", (69300, 25, 8)), ("lpg-mobile", (63100, 62, 0.2)), ("diesel-mobile", (74100, 3.9, 3.9))],
    ids=["gasoline-mobile", "lpg-mobile", "diesel-mobile"],
)
def test_mobile_key_factors(dataset, slug, expected):
    got = tuple(row(dataset, slug, g)["value"] for g in ("CO2", "CH4", "N2O"))
    assert got == pytest.approx(expected)


def test_mobile_cells_604():
    # 6.0.4 mobile rows 56 (車用汽油), 60 (液化石油氣)
    assert cell(F604, S2, "D56") == "車用汽油" and cell(F604, S2, "F56") == 25.0 and cell(F604, S3, "F56") == 8.0
    assert cell(F604, S2, "D60") == "液化石油氣(LPG)" and cell(F604, S2, "F60") == 62.0 and cell(F604, S3, "F60") == 0.2


def test_mobile_cells_2024():
    s = "附表一_移動燃燒排放源排放係數"
    assert cell(F2024, s, "A25") == "車用汽油-氧化觸媒"
    assert (cell(F2024, s, "C25"), cell(F2024, s, "D25")) == (25.0, 8.0)
    assert row("moenv-2024", "motor-gasoline-mobile", "CH4")["source_ref"] == f"sheet '{s}', row 25, col C"
    assert cell(F2024, s, "A24") == "車用汽油-未控制"
    assert row("moenv-2024", "motor-gasoline-mobile-uncontrolled", "CH4")["value"] == cell(F2024, s, "C24")
    assert cell(F2024, s, "A26").startswith("車用汽油-1995年後")
    assert row("moenv-2024", "motor-gasoline-mobile-low-mileage-ldv-1995", "N2O")["value"] == cell(F2024, s, "D26")


def test_2024_calcium_carbide_is_co2_per_t_carbide():
    """附表二 化學 C64/C65 (headed C63 'CH4 per t coke') hold IPCC Table 3.8's CO2 per t carbide (erratum)."""
    s = "附表二_化學製品製造"
    assert cell(F2024, s, "A62") == "2.碳化鈣製程"
    assert cell(F2024, s, "C63").startswith("CH4排放係數")  # the header as published
    assert (cell(F2024, s, "B64"), cell(F2024, s, "C64"), cell(F2024, s, "C65")) == (1.7, 1.09, 1.1)
    # 6.0.4 sheet 7 gives the same values as t CO2 per t 碳化鈣 (產品產量), citing Table 3.8
    p = "7_製程排放源"
    assert (cell(F604, p, "E198"), cell(F604, p, "F198")) == (1.09, "公噸CO2/公噸")
    assert cell(F604, p, "C198").startswith("碳化鈣") and "3.8" in cell(F604, p, "G198")
    assert cell(F604, p, "E200") == 1.1
    coke = row("moenv-2024", "process-chemical-petroleum-coke-use-per-carbide", "CO2")
    use = row("moenv-2024", "process-chemical-use-of-product-per-carbide", "CO2")
    assert (coke["value"], coke["unit"], coke["source_ref"]) == (1.09, "t CO2/t", f"sheet '{s}', row 64, col C")
    assert (use["value"], use["unit"], use["source_ref"]) == (1.1, "t CO2/t", f"sheet '{s}', row 65, col C")
    assert row("moenv-2024", "process-chemical-petroleum-coke-use-per-petroleum-coke", "CO2")["value"] == 1.7
    df = factors("moenv-2024")
    assert not ((df["gas"] == "CH4") & df["name_zh"].str.contains("碳化鈣")).any()
    assert "Table 3.8" in meta("moenv-2024")["errata"]["carbide-column-c"]


def test_2024_heat_value_left_to_entity():
    df = factors("moenv-2024")
    assert df["heat_value"].isna().all()
    assert df["heat_value_unit"].isna().all()


# --------------------------------------------------------------------------------------
# every single-cell source_ref of the combustion / electricity / process rows
# --------------------------------------------------------------------------------------
REF = re.compile(r"^sheet '([^']+)', row (\d+), col ([A-Z]+)")


def _cell_rows(dataset: str):
    df = factors(dataset)
    df = df[df["kind"].isin(["stationary_combustion", "mobile_combustion", "electricity", "process"])]
    out = []
    for _, r in df.iterrows():
        m = REF.match(r["source_ref"])
        if m:
            out.append(pytest.param(dataset, r["factor_id"], r["gas"], id=f"{r['factor_id']}:{r['gas']}"))
    return out


@pytest.mark.parametrize(("dataset", "fid", "gas"), _cell_rows("moenv-6.0.4") + _cell_rows("moenv-2024"))
def test_value_equals_source_cell(dataset, fid, gas):
    r = index(dataset)[(fid, gas)]
    name, rr, cc = REF.match(r["source_ref"]).groups()
    v = cell(F604 if dataset == "moenv-6.0.4" else F2024, name, f"{cc}{rr}")
    if isinstance(v, str):  # '0.52註1', '1.4 ×10-6': documented in the note
        assert "cell text" in r["note"]
        m = re.match(r"([0-9]+(?:\.[0-9]+)?)(?:[×x]10\^?([-−]?[0-9]+))?", re.sub(r"\s", "", v))
        assert m, v
        text_value = float(m.group(1)) * 10.0 ** int((m.group(2) or "0").replace("−", "-"))
        assert r["value"] == pytest.approx(text_value, rel=1e-12), (v, r["value"])
    else:
        assert r["value"] == v


def _per_unit_rows():
    df = factors("moenv-6.0.4")
    df = df[df["kind"].str.endswith("combustion") & df["heat_value"].notna()]
    return [pytest.param(r["factor_id"], r["gas"], id=f"{r['factor_id']}:{r['gas']}") for _, r in df.iterrows()]


@pytest.mark.parametrize(("fid", "gas"), _per_unit_rows())
def test_604_per_unit_factor_reproduced(fid, gas):
    """value [kg/TJ] × heat value [kcal/unit] × kcal→TJ equals the sheet's per-unit factor (col R / O)."""
    r = index("moenv-6.0.4")[(fid, gas)]
    name, rr, _ = REF.match(r["source_ref"]).groups()
    per_unit = cell(F604, name, f"{'R' if gas == 'CO2' else 'O'}{rr}")
    ours = r["value"] * r["heat_value"] * multiplier("kcal", "TJ")
    if "shale-oil-lhv" in r["note"] and gas != "CO2":
        assert ours != pytest.approx(per_unit, rel=1e-9)  # the sheet used 8,598 kcal/kg (erratum)
        assert per_unit == pytest.approx(r["value"] * cell(F604, name, f"L{rr}") * multiplier("kcal", "TJ"), rel=1e-12)
    else:
        assert ours == pytest.approx(per_unit, rel=1e-12)


# --------------------------------------------------------------------------------------
# 95 % intervals of the official workbook 附表一 (2024)
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slug", "gas", "code", "form"),
    [
        ("diesel-stationary", "CO2", "170006", "固定燃燒"),
        ("natural-gas-stationary", "CO2", "050002", "固定燃燒"),
        ("lpg-stationary", "CO2", "350008", "固定燃燒"),
        ("bituminous-coal-stationary", "CO2", "070003", "固定燃燒"),
        ("diesel-stationary", "CH4", "170006", "固定燃燒"),
        ("diesel-mobile", "CH4", "170006", "移動燃燒"),
        ("motor-gasoline-mobile", "CH4", "170001", "移動燃燒"),
    ],
    ids=["diesel-co2", "ng-co2", "lpg-co2", "bitcoal-co2", "diesel-ch4", "diesel-mobile-ch4", "gasoline-mobile-ch4"],
)
def test_2024_ci_from_workbook(slug, gas, code, form):
    rows = sheet(FWB, "附表一")
    hit = [x for x in rows if len(x) > 11 and x[1] == form and x[2] == gas and x[3] == code]
    assert hit, f"workbook 附表一 has no {form} {gas} {code}"
    value, lo, hi = hit[0][8], hit[0][10], hit[0][11]
    r = row("moenv-2024", slug, gas)
    assert r["value"] == value
    assert r["value_low"] == pytest.approx(value * (1 + lo / 100), rel=1e-11)
    assert r["value_high"] == pytest.approx(value * (1 + hi / 100), rel=1e-11)
    assert r["moenv_code"] == code


def test_2024_diesel_ci_close_to_ipcc_604():
    a, b = row("moenv-2024", "diesel-stationary", "CO2"), row("moenv-6.0.4", "diesel-stationary", "CO2")
    assert a["value_low"] == pytest.approx(b["value_low"], rel=1e-4)
    assert a["value_high"] == pytest.approx(b["value_high"], rel=1e-4)


# --------------------------------------------------------------------------------------
# refrigeration, septic, uncertainties, MSW
# --------------------------------------------------------------------------------------
S8 = "8_設備之冷媒逸散率排放因子"
S6 = "6_逸散排放源"


def test_refrigeration_table_604():
    t = pd.read_csv(
        ROOT / "factors" / "moenv-6.0.4" / "refrigeration_equipment.csv", comment="#", dtype={"equipment_code": str}
    )
    assert sorted(t["equipment_code"]) == [str(c) for c in range(4090, 4098)]
    for i, r in t.iterrows():
        sr = 3 + i
        assert r["name_zh"] == cell(F604, S8, f"A{sr}")
        lo, hi = re.findall(r"\d+(?:\.\d+)?", cell(F604, S8, f"C{sr}"))
        assert (r["operating_rate_low_pct_per_yr"], r["operating_rate_high_pct_per_yr"]) == (float(lo), float(hi))
        assert r["recovery_efficiency_pct"] == float(cell(F604, S8, f"D{sr}"))
    dom = t[t["equipment_code"] == "4097"].iloc[0]
    assert (dom["operating_rate_low_pct_per_yr"], dom["operating_rate_high_pct_per_yr"]) == (0.1, 0.5)
    assert dom["example_rate_pct_per_yr"] == cell(F604, S6, "D238") == 0.3
    assert (dom["install_rate_low_pct"], dom["install_rate_high_pct"]) == (0.2, 1.0)
    ch = t[t["equipment_code"] == "4092"].iloc[0]
    assert (
        ch["operating_rate_low_pct_per_yr"],
        ch["operating_rate_high_pct_per_yr"],
        ch["recovery_efficiency_pct"],
    ) == (2, 15, 95)


def test_refrigerant_leak_factor():
    r = row("moenv-6.0.4", "refrigerant-leak-domestic-refrigeration", "REFRIGERANT")
    assert r["value"] == cell(F604, S6, "G238") == 0.003
    assert r["unit"] == "kg REFRIGERANT/kg"
    assert (r["value_low"], r["value_high"]) == pytest.approx((0.001, 0.005))
    assert r["moenv_code"] == "4097"
    assert (factors("moenv-6.0.4")["kind"] == "refrigerant").sum() == 8


def test_refrigeration_table_2024():
    t = pd.read_csv(
        ROOT / "factors" / "moenv-2024" / "refrigeration_equipment.csv", comment="#", dtype={"equipment_code": str}
    )
    assert sorted(t["equipment_code"]) == [str(c) for c in range(4090, 4098)]
    mob = t[t["equipment_code"] == "4090"].iloc[0]
    assert cell(F2024, "附表三", "B59") == mob["name_zh"]
    assert (mob["install_rate_low_pct"], mob["install_rate_high_pct"]) == (0.2, 0.5)
    assert (mob["operating_rate_low_pct_per_yr"], mob["operating_rate_high_pct_per_yr"]) == (10, 20)


def test_septic_604():
    assert cell(F604, S6, "A378") == "八、化糞池"
    per_year = cell(F604, S6, "K382")
    assert per_year == pytest.approx(3.825e-3, rel=1e-12)
    days, hours = cell(F604, S6, "G382"), cell(F604, S6, "H382")
    r = row("moenv-6.0.4", "septic-tank", "CH4")
    assert r["unit"] == "t CH4/person_hour"
    assert r["value"] == pytest.approx(per_year / (days * hours), rel=1e-12)
    assert r["value"] == pytest.approx(1.59375e-6, rel=1e-12)
    assert r["moenv_code"] == "9795"
    p = pd.read_csv(ROOT / "factors" / "moenv-6.0.4" / "septic_parameters.csv", comment="#").set_index("parameter")[
        "value"
    ]
    assert p["bod_factor"] == cell(F604, S6, "D382")
    assert p["wastewater_per_person_hour"] == cell(F604, S6, "I382")


def test_septic_2024_bo_times_mcf():
    r = row("moenv-2024", "septic-tank-bod", "CH4")
    mcf = cell(F2024, "附表三", "C25")
    assert cell(F2024, "附表三", "B25") == "化糞池系統"
    bo = float(re.match(r"[\d.]+", cell(F2024, "附表三", "B8")).group(0))
    assert r["value"] == pytest.approx(bo * mcf) == pytest.approx(0.3)
    assert r["unit"] == "kg CH4/kg"


def test_default_uncertainty_and_msw():
    u = pd.read_csv(ROOT / "factors" / "moenv-6.0.4" / "default_uncertainty.csv", comment="#")
    co2 = u[(u["gas"] == "CO2") & (u["category_zh"] == "能源")].set_index("item")["value"]
    assert (co2["emission_factor"], co2["activity_data"], co2["overall"]) == (0.07, 0.07, 0.1)
    msw = pd.read_csv(ROOT / "factors" / "moenv-6.0.4" / "msw_heat_values.csv", comment="#").set_index("roc_year")[
        "lhv_wet"
    ]
    s10 = "10_歷年垃圾濕基低位發熱量"
    assert msw[106] == cell(F604, s10, "B18") == 2029.61
    assert row("moenv-6.0.4", "municipal-waste-stationary", "CO2")["heat_value"] == msw[106]


# --------------------------------------------------------------------------------------
# errata
# --------------------------------------------------------------------------------------
def test_erratum_shale_oil():
    assert cell(F604, S1, "D27") == "頁岩油"
    assert cell(F604, S1, "O27") == 9106.0
    assert cell(F604, S2, "L27") == cell(F604, S3, "L27") == 8598.0
    for gas in ("CO2", "CH4", "N2O"):
        r = row("moenv-6.0.4", "shale-oil-stationary", gas)
        assert r["heat_value"] == 9106.0 and r["heat_value_unit"] == "kcal/kg"
        assert "shale-oil-lhv" in r["note"]
    assert "shale-oil-lhv" in meta("moenv-6.0.4")["errata"]


@pytest.mark.parametrize(
    ("slug", "ref", "label", "tag"),
    [("ngl-stationary", "25", "Kcal/M3", "ngl-lhv-unit"), ("ethane-stationary", "36", "Kcal/L", "ethane-lhv-unit")],
    ids=["ngl", "ethane"],
)
def test_erratum_per_kg_heat_values(slug, ref, label, tag):
    assert cell(F604, S1, f"P{ref}") == label
    for gas in ("CO2", "CH4", "N2O"):
        r = row("moenv-6.0.4", slug, gas)
        assert r["heat_value"] == cell(F604, S1, f"O{ref}")
        assert r["heat_value_unit"] == "kcal/kg"
        assert tag in r["note"]
    assert tag in meta("moenv-6.0.4")["errata"]


def test_erratum_2024_lng_labelled_ngl():
    s = "附表一_固定燃燒排放源排放係數"
    assert cell(F2024, s, "A11") == "液化天然氣"
    assert "Natural Gas Liquids" in cell(F2024, s, "C11")
    ids = set(factors("moenv-2024")["factor_id"])
    assert "moenv-2024/lng-stationary" not in ids
    r = row("moenv-2024", "ngl-stationary", "CO2")
    assert r["name_zh"] == "液化天然氣" and r["value"] == cell(F2024, s, "E11")
    assert pd.isna(r["moenv_code"])
    assert "lng-labelled-ngl" in r["note"]
    assert "lng-labelled-ngl" in meta("moenv-2024")["errata"]
    # LNG as a vehicle fuel uses natural gas 56,100
    assert (
        row("moenv-2024", "lng-mobile", "CO2")["value"] == row("moenv-2024", "natural-gas-stationary", "CO2")["value"]
    )


def test_erratum_cfc11_flagged():
    rows = sheet(F604, "4_含氟氣體之GWP值")
    hit = [r for r in rows if str(r[1]).startswith("CFC-11，")]
    assert hit and hit[0][5] == 4460.0
    assert "4,660" in meta("moenv-6.0.4")["errata"]["cfc11-ar5"]


def test_erratum_negative_ci_made_positive():
    assert cell(F604, S1, "K46") < 0  # 木炭 lower fraction stored negative
    r = row("moenv-6.0.4", "charcoal-stationary", "CO2")
    assert r["value_low"] < r["value"] < r["value_high"]
    assert r["value_low"] == pytest.approx(112000 * (1 + cell(F604, S1, "K46")), rel=1e-11)


# --------------------------------------------------------------------------------------
# units, schema, hashes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", DATASETS)
def test_units_parse_and_match_gas(dataset):
    df = factors(dataset)
    for unit, gas in zip(df["unit"], df["gas"], strict=True):
        _, g, _ = split_factor_unit(unit)
        assert g == gas, unit
    hv = df["heat_value_unit"].dropna().unique()
    for u in hv:
        assert multiplier(u.split("/")[0], "kJ") == pytest.approx(4.1868)


@pytest.mark.parametrize("dataset", DATASETS)
def test_rows_unique_and_bounds_ordered(dataset):
    df = factors(dataset)
    assert not df.duplicated(["factor_id", "gas"]).any()
    assert df["factor_id"].str.fullmatch(rf"{re.escape(dataset)}/[a-z0-9.\-]+").all()
    b = df.dropna(subset=["value_low", "value_high"])
    assert (b["value_low"] <= b["value"]).all() and (b["value"] <= b["value_high"]).all()
    assert df["source_ref"].notna().all() and df["name_en"].notna().all()


@pytest.mark.parametrize("dataset", DATASETS)
def test_meta_hashes(dataset):
    m = meta(dataset)["dataset"]
    for f, h in zip(m["source_files"], m["source_sha256"], strict=True):
        assert hashlib.sha256((ROOT / f).read_bytes()).hexdigest() == h
    d = ROOT / "factors" / dataset
    assert hashlib.sha256((d / "factors.csv").read_bytes()).hexdigest() == m["csv_sha256"]
    for name, h in meta(dataset).get("tables", {}).items():
        assert hashlib.sha256((d / name).read_bytes()).hexdigest() == h
    for k in ("title", "title_zh", "publisher", "edition", "published", "url", "licence", "retrieved"):
        assert m[k]
    assert m["edition"] == {"moenv-6.0.4": "6.0.4(修)", "moenv-2024": "2024-02-05"}[dataset]


def test_sources_md_hashes_agree():
    text = (ROOT / "factors" / "sources" / "SOURCES.md").read_text(encoding="utf-8")
    for f in (F604, F2024, FWB):
        assert hashlib.sha256(f.read_bytes()).hexdigest() in text


def test_biogenic_rows_flagged():
    for dataset, slug in (("moenv-6.0.4", "wood-stationary"), ("moenv-2024", "biodiesel-stationary")):
        assert "biogenic" in row(dataset, slug, "CO2")["note"]
    assert not math.isnan(row("moenv-6.0.4", "bituminous-coal-stationary", "CO2")["value_low"])


def test_erratum_iron_steel_ch4_names():
    s7 = "7_製程排放源"
    assert str(cell(F604, s7, "B492")).startswith("熔渣產生量") and "Coke Production" in cell(F604, s7, "B492")
    r = row("moenv-6.0.4", "process-iron-steel-coke-production", "CH4")
    assert r["value"] == cell(F604, s7, "D492")
    assert "iron-steel-ch4-names" in r["note"]
    assert "iron-steel-ch4-names" in meta("moenv-6.0.4")["errata"]


def test_erratum_converter_gas_unit_label():
    s = "附表二_金屬製品製造"
    assert str(cell(F2024, s, "A33")).startswith("轉爐氣（公噸 N2O /公噸高爐氣）")
    r = row("moenv-2024", "process-metal-converter-gas-flaring-n2o", "N2O")
    assert r["value"] == pytest.approx(2.8e-6)
    assert "converter-gas-unit-label" in r["note"]
    assert "converter-gas-unit-label" in meta("moenv-2024")["errata"]


def test_electricity_604():
    s5 = "5_外購電力與外購蒸汽排放係數"
    assert cell(F604, s5, "A22") == "111年預設係數"
    r = row("moenv-6.0.4", "electricity-taiwan-grid-2022", "CO2e")
    assert r["value"] == cell(F604, s5, "F22") == 0.495
    assert r["unit"] == "kg CO2e/kWh" and r["announced"] == "2023-06-21"
