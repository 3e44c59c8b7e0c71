"""Build ``factors/moenv-6.0.4/`` from MOENV 溫室氣體排放係數管理表 6.0.4(修).

Reads ``factors/sources/taiwan/moenv-emission-factor-table-6.0.4-revised.ods`` (sheets 1, 2,
3, 5, 6, 7, 8, 9, 10 and 表單說明), plus two companion files of the same publisher for
identifiers and ranges the 6.0.4 table does not carry:

* ``moenv-inventory-workbook-sample.ods`` 附表一 (原燃物料代碼 of each fuel) and 附表六
  (設備代碼 4090–4097 of refrigeration equipment, 9795 化糞池);
* ``moenv-emission-factors-announcement-2024-02-05.ods`` 附表三 (refrigeration
  install-emission ranges, only for the extra table ``refrigeration_equipment.csv``).

Writes ``factors.csv`` (one row per factor id × gas, ``factors/schema.csv``), the extra
tables ``refrigeration_equipment.csv``, ``septic_parameters.csv``,
``default_uncertainty.csv``, ``msw_heat_values.csv`` and ``meta.toml``.

Known defects of the source (docs/FACTS-taiwan.md §1.6) are detected cell by cell and
handled explicitly; if a defect is no longer in the source cell, the build fails so the
handling can be reviewed.

Run: ``.venv/bin/python scripts/build_moenv_604.py`` (deterministic, re-runnable).
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _build import SOURCES, write_dataset  # noqa: E402
from _build import Grid as _Grid  # noqa: E402

from carbon.errors import FactorTableError  # noqa: E402
from carbon.units import multiplier, parse_date, split_factor_unit  # noqa: E402

DATASET = "moenv-6.0.4"
SCRIPT = "scripts/build_moenv_604.py"
SRC = SOURCES / "taiwan" / "moenv-emission-factor-table-6.0.4-revised.ods"
WORKBOOK = SOURCES / "taiwan" / "moenv-inventory-workbook-sample.ods"
ANNOUNCEMENT = SOURCES / "taiwan" / "moenv-emission-factors-announcement-2024-02-05.ods"

SHEET_CO2 = "1_固定源與移動源(燃料)CO2排放係數"
SHEET_CH4 = "2_固定源與移動源(燃料)CH4排放係數"
SHEET_N2O = "3_固定源與移動源(燃料)N2O排放係數"
SHEET_GWP = "4_含氟氣體之GWP值"
SHEET_ELEC = "5_外購電力與外購蒸汽排放係數"
SHEET_FUG = "6_逸散排放源"
SHEET_PROC = "7_製程排放源"
SHEET_REFR = "8_設備之冷媒逸散率排放因子"
SHEET_UNC = "9_國際組織公佈之不確定性建議值"
SHEET_MSW = "10_歷年垃圾濕基低位發熱量"
SHEET_INFO = "表單說明"

#: kcal (International Table) -> TJ, from carbon.units (6.0.4 sheet 1 col M formula 4186.8e-9)
KCAL_TJ = multiplier("kcal", "TJ")


# --------------------------------------------------------------------------------------
# sheet access with spreadsheet coordinates
# --------------------------------------------------------------------------------------
class Grid(_Grid):
    """A sheet of the MOENV files; ``source_ref`` names sheet, row and column (the file is in meta.toml)."""

    def __init__(self, path: Path, sheet: str):
        super().__init__(path, sheet, ref_with_file=False)


def clean(s: str) -> str:
    """Collapse whitespace (including newlines inside names) to single spaces."""
    return re.sub(r"\s+", " ", str(s)).strip()


def sig(x: float, digits: int = 12) -> float:
    """Round a derived float to ``digits`` significant digits (removes binary noise only)."""
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits}g}")


def norm_name(s: str) -> str:
    """Normalise a Chinese fuel name for joining sheets: no spaces, no ASCII-only parentheses."""
    s = re.sub(r"\s+", "", str(s))
    s = re.sub(r"\([A-Za-z0-9 ]+\)", "", s)
    return s


HEAT_UNITS = {"kcal/l": "kcal/L", "kcal/m3": "kcal/m**3", "kcal/kg": "kcal/kg"}


def heat_unit(text: str) -> str:
    """Normalise a heat-value unit spelling of the sheet ('Kcal/M3' -> 'kcal/m**3')."""
    key = str(text).replace(" ", "").lower()
    if key not in HEAT_UNITS:
        msg = f"unknown heat-value unit '{text}'"
        raise FactorTableError(msg)
    return HEAT_UNITS[key]


# --------------------------------------------------------------------------------------
# fuel slugs (names -> ids; no numbers here)
# --------------------------------------------------------------------------------------
STATIONARY_SLUGS = {
    "自產煤": "domestic-coal",
    "原料煤": "feedstock-coal",
    "燃料煤": "fuel-coal",
    "無煙煤": "anthracite",
    "焦煤": "coking-coal",
    "煙煤": "bituminous-coal",
    "亞煙煤(發電)": "sub-bituminous-coal-power",
    "亞煙煤(其他)": "sub-bituminous-coal-other",
    "褐煤": "lignite",
    "油頁岩": "oil-shale",
    "泥煤": "peat",
    "煤球": "patent-fuel",
    "焦炭": "coke",
    "石油焦": "petroleum-coke",
    "航空汽油": "aviation-gasoline",
    "航空燃油": "jet-kerosene",
    "原油": "crude-oil",
    "奧里油": "orimulsion",
    "天然氣凝結油": "ngl",
    "煤油": "kerosene",
    "頁岩油": "shale-oil",
    "柴油": "diesel",
    "車用汽油": "motor-gasoline",
    "蒸餘油(燃料油)": "fuel-oil",
    "液化石油氣": "lpg",
    "石油腦": "naphtha",
    "柏油": "bitumen",
    "潤滑油": "lubricants",
    "其他油品": "other-petroleum-products",
    "乙烷": "ethane",
    "天然氣": "natural-gas",
    "煉油氣": "refinery-gas",
    "焦爐氣": "coke-oven-gas",
    "高爐氣": "blast-furnace-gas",
    "一般廢棄物": "municipal-waste",
    "事業廢棄物": "industrial-waste",
    "其他非化石燃料": "municipal-waste-biomass",
    "木頭－固態": "wood",
    "黑液": "black-liquor",
    "木炭": "charcoal",
    "其他固體生質燃料": "other-solid-biomass",
    "生質汽油": "biogasoline",
    "生質柴油": "biodiesel",
    "其他液態生質燃料": "other-liquid-biofuels",
    "掩埋場沼氣": "landfill-gas",
    "污泥沼氣": "sludge-gas",
    "其他氣態生質燃料": "other-biogas",
}
MOBILE_SLUGS = {
    "航空汽油": "aviation-gasoline",
    "航空燃油": "jet-kerosene",
    "車用汽油": "motor-gasoline",
    "柴油": "diesel",
    "煤油": "kerosene",
    "潤滑油": "lubricants",
    "液化石油氣": "lpg",
    "液化天然氣": "lng",
}
#: the workbook 附表一 material name (column E) whose 原燃物料代碼 is the code of a 6.0.4 fuel
WORKBOOK_MATERIAL = {
    "煙煤": "燃料－燃料煤",
    "原料煤": "燃料－原料煤",
    "自產煤": "燃料－自產煤",
    "焦煤": "燃料－焦煤",
    "亞煙煤(其他)": "半煙煤",
    "無煙煤": "無煙煤",
    "褐煤": "褐煤",
    "油頁岩": "燃料－油頁岩",
    "泥煤": "泥煤",
    "煤球": "燃料－煤球",
    "焦炭": "焦炭",
    "石油焦": "石油焦",
    "航空汽油": "航空汽油",
    "航空燃油": "航空燃油",
    "原油": "原油",
    "奧里油": "燃料－奧里油",
    "煤油": "煤油",
    "頁岩油": "燃料－頁岩油",
    "柴油": "柴油",
    "車用汽油": "車用汽油",
    "蒸餘油(燃料油)": "燃料油",
    "液化石油氣": "液化石油氣",
    "石油腦": "石油腦(輕油)",
    "柏油": "柏油(瀝青)",
    "潤滑油": "潤滑油",
    "乙烷": "乙烷",
    "天然氣": "天然氣",
    "煉油氣": "精煉油氣",
    "焦爐氣": "煉焦爐氣",
    "高爐氣": "高爐氣",
    "生質柴油": "生質柴油",
    "其他液態生質燃料": "其他液態生質燃料",
    "其他氣態生質燃料": "其他氣態生質燃料",
    "其他固體生質燃料": "其他固態生質燃料",
}
BIOGENIC = {
    "wood",
    "black-liquor",
    "charcoal",
    "other-solid-biomass",
    "biogasoline",
    "biodiesel",
    "other-liquid-biofuels",
    "landfill-gas",
    "sludge-gas",
    "other-biogas",
    "municipal-waste-biomass",
}
BIOGENIC_NOTE = (
    "biogenic fuel: its CO2 is biogenic and is reported separately from fossil emissions "
    "(MOENV 表五 生質燃料CO2排放當量, ISO 14064-1 §5.2.4); CH4 and N2O count as usual"
)


def workbook_codes(kind_zh: str) -> dict[str, str]:
    """Map workbook 附表一 material names (column E) to their 原燃物料代碼 (column D)."""
    g = Grid(WORKBOOK, "附表一")
    out: dict[str, str] = {}
    for r in range(2, g.nrows + 1):
        if g.text(r, "B") == kind_zh and g.text(r, "D"):
            out.setdefault(g.text(r, "E"), g.text(r, "D"))
    return out


def equipment_codes() -> dict[str, tuple[str, str]]:
    """Map equipment names of workbook 附表六 to (設備代碼, source_ref)."""
    g = Grid(WORKBOOK, "附表六")
    out = {}
    for r in range(2, g.nrows + 1):
        code, name = g.text(r, "B"), g.text(r, "C")
        if code and name:
            out[name] = (code, f"{WORKBOOK.name} {g.ref(r, 'B')}")
    return out


# --------------------------------------------------------------------------------------
# errata: each known defect is detected in its cell, then fixed or flagged
# --------------------------------------------------------------------------------------
ERRATA: dict[str, str] = {}


def ncv_from_info() -> dict[str, float]:
    """IPCC 2006 NCVs [TJ/Gg] quoted in 表單說明 (revision note 2(2)), e.g. 頁岩油 38.1."""
    g = Grid(SRC, SHEET_INFO)
    for r in range(1, g.nrows + 1):
        t = g.text(r, "B")
        if "TJ/Gg" in t and "頁岩油" in t:
            return {k: float(v) for k, v in re.findall(r"([\u4e00-\u9fff]+)\((\d+(?:\.\d+)?)TJ/Gg\)", t)}
    msg = f"{SRC.name}, sheet '{SHEET_INFO}': the revision note with the IPCC NCVs (…頁岩油(38.1TJ/Gg)…) was not found"
    raise FactorTableError(msg)


def kcal_per_kg(ncv_tj_per_gg: float, kj_per_kcal: float) -> float:
    """Heat value [kcal/kg] of an NCV [TJ/Gg = MJ/kg] with a given calorie [kJ/kcal]."""
    return ncv_tj_per_gg * 1000.0 / kj_per_kcal


# --------------------------------------------------------------------------------------
# combustion (sheets 1-3)
# --------------------------------------------------------------------------------------
@dataclass
class FuelRow:
    """One fuel row of sheet 1 with its CH4 / N2O partners."""

    row: int
    section: str  # 固定源 / 移動源
    category: str
    name_zh: str
    name_en: str


def combustion_rows() -> tuple[list[dict], list[str]]:
    """Read the combustion factors of sheets 1-3 (one row per fuel × gas).

    Returns
    -------
    rows : list of dict
        Factor rows in the ``factors/schema.csv`` columns; ``value`` [kg gas/TJ], ``heat_value``
        [kcal/L, kcal/m**3 or kcal/kg], bounds [kg gas/TJ].
    ids : list of str
        The factor ids, in sheet order.

    References
    ----------
    .. [1] 溫室氣體排放係數管理表 6.0.4(修), sheets 1–3 (IPCC 2006 V2 T1.4, T2.2, T3.2.1–3.2.2).
    """
    co2, ch4, n2o = Grid(SRC, SHEET_CO2), Grid(SRC, SHEET_CH4), Grid(SRC, SHEET_N2O)
    if co2.text(6, "I") != "CO2排放係數" or co2.text(6, "O") != "熱值" or co2.text(6, "K") != "95%信賴區間下限":
        raise co2.fail(6, None, "header row changed (expected I='CO2排放係數', K='95%信賴區間下限', O='熱值')")
    for g, gas in ((ch4, "CH4"), (n2o, "N2O")):
        if g.text(6, "F") != f"{gas}排放係數" or g.text(6, "L") != "熱值":
            raise g.fail(6, None, f"header row changed (expected F='{gas}排放係數', L='熱值')")
    ncv = ncv_from_info()
    codes_st = workbook_codes("固定燃燒")
    codes_mo = workbook_codes("移動燃燒")

    fuels: list[FuelRow] = []
    section = category = ""
    for r in range(7, co2.nrows + 1):
        if co2.text(r, "A").startswith("註"):
            break
        section = co2.text(r, "B") or section
        category = co2.text(r, "C") or category
        name = co2.text(r, "D")
        if not name:
            continue
        fuels.append(FuelRow(r, section, category, name, clean(co2.text(r, "E"))))

    out: list[dict] = []
    seen: list[str] = []
    for f in fuels:
        key = norm_name(f.name_zh)
        for g in (ch4, n2o):
            if norm_name(g.text(f.row, "D")) != key:
                raise g.fail(f.row, "D", f"fuel '{g.text(f.row, 'D')}' does not line up with '{f.name_zh}' in sheet 1")
        mobile = f.section == "移動源"
        slugs = MOBILE_SLUGS if mobile else STATIONARY_SLUGS
        if key not in slugs:
            raise co2.fail(f.row, "D", f"fuel '{f.name_zh}' has no slug; add it to the slug table of {SCRIPT}")
        slug = slugs[key]
        fid = f"{DATASET}/{slug}-{'mobile' if mobile else 'stationary'}"
        kind = "mobile_combustion" if mobile else "stationary_combustion"
        codes = codes_mo if mobile else codes_st
        material = WORKBOOK_MATERIAL.get(key, key)
        code = codes.get(material, "") or (codes_st.get(material, "") if mobile else "")

        base_notes = []
        if slug in BIOGENIC:
            base_notes.append(BIOGENIC_NOTE)
        if slug == "bituminous-coal" and not mobile:
            base_notes.append(
                "bituminous-coal-stationary = 6.0.4 row 煙煤 (Other Bituminous Coal); the row 燃料煤 "
                "(fuel-coal-stationary) has the same factors and heat value but another CO2 interval (sheet 1 K9/L9); "
                "code 070003 (workbook 燃料－燃料煤 → 其他煙煤) is attached here, with the workbook's interval"
            )
        if code:
            base_notes.append(f"moenv_code from {WORKBOOK.name} 附表一 material '{material}'")
        if key == "燃料煤":
            base_notes.append(
                "no moenv_code: 070003 燃料－燃料煤 is attached to bituminous-coal-stationary (same factors)"
            )

        # heat value per gas sheet (sheet 1 col O, sheets 2/3 col L) and the shale-oil / NGL / ethane errata
        hv = {"CO2": (co2.get(f.row, "O"), co2.text(f.row, "P"), co2.ref(f.row, "O"))}
        hv["CH4"] = (ch4.get(f.row, "L"), ch4.text(f.row, "M"), ch4.ref(f.row, "L"))
        hv["N2O"] = (n2o.get(f.row, "L"), n2o.text(f.row, "M"), n2o.ref(f.row, "L"))
        heat_note = ""
        if key == "頁岩油":
            heat_note = erratum_shale_oil(hv, ncv)
        elif key == "天然氣凝結油":
            heat_note = erratum_per_kg(hv, ncv, "NGL", "天然氣", "Kcal/M3", "天然氣凝結油 (NGLs)")
        elif key == "乙烷":
            heat_note = erratum_per_kg(hv, ncv, "ETHANE", "乙烷", "Kcal/L", "乙烷 (ethane)")
        else:
            vals = {v for v, _, _ in hv.values()}
            if len(vals) != 1:
                raise co2.fail(f.row, "O", f"heat values differ between sheets 1/2/3: {hv} (new defect?)")

        specs = (
            ("CO2", co2, "I", "K", "L"),
            ("CH4", ch4, "F", "H", "I"),
            ("N2O", n2o, "F", "H", "I"),
        )
        for gas, g, cv, cl, ch in specs:
            value = g.num(f.row, cv)
            if value is None:
                raise g.fail(f.row, cv, f"{gas} factor is not a number: {g.get(f.row, cv)!r}")
            unit_cell = g.text(f.row, chr(ord(cv) + 1))
            if unit_cell.replace(" ", "").lower() != f"kg{gas.lower()}/tj":
                raise g.fail(f.row, chr(ord(cv) + 1), f"unit '{unit_cell}' is not kg{gas}/TJ")
            notes = list(base_notes)
            lo_f, hi_f = g.num(f.row, cl), g.num(f.row, ch)
            low = high = None
            if lo_f is not None and hi_f is not None:
                if lo_f < 0:
                    erratum_negative_ci(g, f.row, cl, lo_f, f.name_zh, gas)
                    notes.append(
                        f"source lower CI fraction {lo_f!r} ({g.ref(f.row, cl)}) has a sign error; used {abs(lo_f)!r} (erratum negative-ci)"
                    )
                    lo_f = abs(lo_f)
                low, high = sig(value * (1 - lo_f)), sig(value * (1 + hi_f))
                ci_ref = f"; 95% CI = value × (1 − {cl}) … value × (1 + {ch}) (relative fractions), cols {cl}/{ch}"
            else:
                ci_ref = ""
                notes.append(f"no 95% interval in the source ({g.ref(f.row, cl)} = {g.get(f.row, cl)!r})")
            hval, hunit_raw, href = hv[gas]
            heat_value = heat_unit_str = ""
            if isinstance(hval, (int, float)):
                heat_value = float(hval)
                heat_unit_str = heat_unit(hunit_raw)
                if heat_note:
                    heat_value, heat_unit_str = HEAT_FIX[key]
                    notes.append(heat_note)
                else:
                    notes.append(f"heat value {href} ({hunit_raw})")
            else:
                notes.append("no Taiwan heat value in the source ('-'): supply the LHV of the fuel")
            out.append(
                {
                    "factor_id": fid,
                    "name_zh": f.name_zh,
                    "name_en": f.name_en,
                    "kind": kind,
                    "moenv_code": code,
                    "gas": gas,
                    "value": value,
                    "unit": f"kg {gas}/TJ",
                    "value_low": low,
                    "value_high": high,
                    "heat_value": heat_value,
                    "heat_value_unit": heat_unit_str,
                    "basis": "NCV",
                    "valid_from": "2019",
                    "announced": "2019-06",
                    "source_ref": g.ref(f.row, cv) + ci_ref,
                    "note": "; ".join(notes),
                }
            )
        seen.append(fid)
    return out, seen


#: corrected (heat value, unit) per erratum fuel; filled by the erratum functions
HEAT_FIX: dict[str, tuple[float, str]] = {}


def erratum_shale_oil(hv: dict, ncv: dict[str, float]) -> str:
    """頁岩油: sheet 1 LHV 9,106 vs sheets 2/3 8,598 kcal/kg (FACTS §1.6)."""
    v_co2, u_co2, ref_co2 = hv["CO2"]
    v_ch4, _, ref_ch4 = hv["CH4"]
    v_n2o, _, ref_n2o = hv["N2O"]
    if not (v_ch4 == v_n2o and v_co2 != v_ch4):
        msg = (
            f"{SRC.name}: erratum 'shale-oil-lhv' expected different heat values in {ref_co2} and {ref_ch4}, "
            f"found {v_co2!r} / {v_ch4!r} / {v_n2o!r}. The defect is gone: review the handling in {SCRIPT}."
        )
        raise FactorTableError(msg)
    if "頁岩油" not in ncv:
        msg = f"{SRC.name}: 表單說明 no longer quotes the NCV of 頁岩油; cannot decide the shale-oil heat value"
        raise FactorTableError(msg)
    # the revision note says 頁岩油 = 38.1 TJ/Gg (IPCC 2006 T1.2); find which cell matches it
    expected = kcal_per_kg(ncv["頁岩油"], 4.184)
    if abs(v_co2 - expected) > 1.0 or abs(v_ch4 - expected) <= 1.0:
        msg = f"{SRC.name}: shale-oil heat values {v_co2!r}/{v_ch4!r} no longer match the NCV note ({expected:.1f})"
        raise FactorTableError(msg)
    HEAT_FIX["頁岩油"] = (float(v_co2), heat_unit(u_co2))
    ERRATA["shale-oil-lhv"] = (
        f"頁岩油 heat value: {ref_co2} = {v_co2:g} kcal/kg but {ref_ch4} and {ref_n2o} = {v_ch4:g}. "
        f"表單說明 quotes 頁岩油 {ncv['頁岩油']} TJ/Gg (IPCC 2006 T1.2) = {expected:.1f} kcal/kg, which matches "
        f"{v_co2:g}; all three gas rows of shale-oil-stationary use {v_co2:g} kcal/kg (the sheet-2/3 per-kg CH4/N2O "
        f"values were computed with {v_ch4:g})."
    )
    return (
        f"heat value {v_co2:g} kcal/kg from {ref_co2}; sheets 2/3 show {v_ch4:g} (erratum shale-oil-lhv, see meta.toml)"
    )


def erratum_per_kg(hv: dict, ncv: dict[str, float], tag: str, ncv_key: str, bad_unit: str, label: str) -> str:
    """NGL (labelled Kcal/M3) and ethane (labelled Kcal/L): the number is per kg (FACTS §1.6)."""
    v, u, ref = hv["CO2"]
    units = {x[1] for x in hv.values()}
    vals = {x[0] for x in hv.values()}
    if units != {bad_unit} or len(vals) != 1:
        msg = (
            f"{SRC.name}: erratum '{tag.lower()}-lhv-unit' expected heat unit '{bad_unit}' in {ref} and sheets 2/3, "
            f"found {sorted(units)} / values {sorted(vals)}. The defect is gone: review the handling in {SCRIPT}."
        )
        raise FactorTableError(msg)
    if ncv_key not in ncv:
        msg = f"{SRC.name}: 表單說明 no longer quotes an NCV for '{ncv_key}'"
        raise FactorTableError(msg)
    expected = kcal_per_kg(ncv[ncv_key], 4.184)
    if abs(v - expected) > 1.0:
        msg = f"{SRC.name}, {ref}: {label} heat value {v!r} does not equal the quoted NCV {ncv[ncv_key]} TJ/Gg per kg ({expected:.1f})"
        raise FactorTableError(msg)
    HEAT_FIX[norm_name(label.split(" ")[0])] = (float(v), "kcal/kg")
    ERRATA[f"{tag.lower()}-lhv-unit"] = (
        f"{label} heat value {v:g} is labelled '{bad_unit}' ({ref}; the per-unit factor column is labelled accordingly) "
        f"but equals the IPCC 2006 NCV {ncv[ncv_key]} TJ/Gg quoted in 表單說明 = {expected:.1f} kcal/kg: it is per kg. "
        "Written with heat_value_unit 'kcal/kg'."
    )
    return f"heat value {v:g} relabelled from '{bad_unit}' to kcal/kg (erratum {tag.lower()}-lhv-unit, see meta.toml)"


def erratum_negative_ci(g: Grid, row: int, col: str, lo: float, name: str, gas: str) -> None:
    """A lower-CI fraction stored with a minus sign (木炭, 其他固體生質燃料)."""
    ERRATA.setdefault("negative-ci", "")
    ERRATA["negative-ci"] += (
        f"{g.ref(row, col)} ({name} {gas}) = {lo!r}: the lower 95% bound is stored as a relative fraction below the "
        f"value, so a negative number would put the lower bound above the value; used |{lo!r}|. "
    )


# --------------------------------------------------------------------------------------
# electricity (sheet 5)
# --------------------------------------------------------------------------------------
def electricity_rows() -> list[dict]:
    """Taiwan grid factors 94–111年 and the REC zero factor of sheet 5."""
    g = Grid(SRC, SHEET_ELEC)
    if g.text(4, "F") != "CO2e排放係數" or g.text(4, "G") != "單位":
        raise g.fail(4, "F", "header changed (expected F='CO2e排放係數', G='單位')")
    out = []
    for r in range(5, g.nrows + 1):
        label = g.text(r, "A")
        m = re.match(r"^(\d+)年預設係數$", label)
        if m:
            roc = int(m.group(1))
            year = roc + 1911
            v = g.num(r, "F")
            if v is None or g.text(r, "G") != "公斤/度":
                raise g.fail(r, "F", f"expected a number in kg/度, got {g.get(r, 'F')!r} {g.text(r, 'G')!r}")
            src = g.text(r, "H")
            ann = re.search(r"\((\d+\.\d+\.\d+)公告\)", src)
            announced = parse_date(ann.group(1)).isoformat() if ann else ""
            out.append(
                {
                    "factor_id": f"{DATASET}/electricity-taiwan-grid-{year}",
                    "name_zh": f"電力 {label}",
                    "name_en": f"Taiwan grid electricity, data year {year} (ROC {roc})",
                    "kind": "electricity",
                    "gas": "CO2e",
                    "value": v,
                    "unit": "kg CO2e/kWh",
                    "basis": "location",
                    "valid_from": str(year),
                    "valid_to": str(year),
                    "announced": announced,
                    "gwp_set": "as-published",
                    "source_ref": g.ref(r, "F"),
                    "note": f"publisher {src}; the 2024 announcement requires the latest MOEA factor at inventory time",
                }
            )
        elif label == "自願性再生能源憑證":
            v = g.num(r, "F")
            if v is None:
                raise g.fail(r, "F", "REC factor is not a number")
            out.append(
                {
                    "factor_id": f"{DATASET}/electricity-rec",
                    "name_zh": "自願性再生能源憑證 (電證合一)",
                    "name_en": "Electricity covered by renewable-energy certificates (bundled T-REC)",
                    "kind": "electricity",
                    "gas": "CO2e",
                    "value": v,
                    "unit": "kg CO2e/kWh",
                    "basis": "market",
                    "gwp_set": "as-published",
                    "source_ref": g.ref(r, "F"),
                    "note": "zero factor for solar/geothermal/ocean/wind/non-pumped hydro certificates (sheet 5 note)",
                }
            )
    return out


# --------------------------------------------------------------------------------------
# refrigeration (sheets 6 §五 and 8; workbook 附表六; 2024 附表三 install ranges)
# --------------------------------------------------------------------------------------
REFR_SLUGS = {
    "Domestic Refrigeration": "domestic-refrigeration",
    "Stand-alone Commercial Applications": "stand-alone-commercial",
    "Medium & Large Commercial Refrigeration": "medium-large-commercial",
    "Transport Refrigeration": "transport-refrigeration",
    "Industrial Refrigeration including Food Processing and Cold Storage": "industrial-refrigeration",
    "Chillers": "chillers",
    "Residential and Commercial A/C, including Heat Pumps": "residential-commercial-ac",
    "Mobile A/C": "mobile-ac",
}
#: 2024 附表三 uses slightly different names for the same IPCC T7.9 rows
ANN_REFR_NAMES = {
    "家用冷凍、冷藏裝備": "家用的冷凍、冷藏裝備",
    "獨立商用冷凍、冷藏裝備": "獨立商用的冷凍、冷藏裝備",
    "中、大型冷凍、冷藏裝備": "中、大型的冷凍、冷藏裝備",
    "交通用冷凍、冷藏裝備": "運輸用的冷凍、冷藏裝備",
    "工業冷凍、冷藏裝備，包括食品加工及冷藏": "工業冷凍、冷藏裝備，包括食品加工及冷藏",
    "冰水機": "冰水機",
    "住宅及商業建築冷氣機": "住宅及商業建築空調",
    "移動式空氣清靜機": "車輛空調冷媒",
}
RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-–−~≦<=]+\s*x?\s*[≦<=]*\s*(\d+(?:\.\d+)?)\s*$")


def parse_range(text: str) -> tuple[float, float] | None:
    """'0.1≦x≦0.5' or '0.2 - 1' or '1-15' -> (low, high)."""
    m = RANGE.match(str(text))
    return (float(m.group(1)), float(m.group(2))) if m else None


def announcement_refrigeration() -> dict[str, dict]:
    """2024 附表三 三、冷凍及空調: name -> install / operating ranges [% of charge (per year)]."""
    g = Grid(ANNOUNCEMENT, "附表三")
    start = next((r for r in range(1, g.nrows + 1) if g.text(r, "A") == "三、冷凍及空調"), None)
    if start is None:
        raise g.fail(1, "A", "section '三、冷凍及空調' not found")
    if g.text(start + 3, "C") != "初始排放" or g.text(start + 3, "D") != "運行排放":
        raise g.fail(start + 3, "C", "expected columns 初始排放 / 運行排放")
    out = {}
    for r in range(start + 4, g.nrows + 1):
        name = g.text(r, "B")
        if not name or name.startswith("註"):
            break
        inst, oper = parse_range(g.text(r, "C")), parse_range(g.text(r, "D"))
        if inst is None or oper is None:
            raise g.fail(r, "C", f"cannot read ranges {g.text(r, 'C')!r} / {g.text(r, 'D')!r}")
        out[name] = {"install": inst, "operating": oper, "ref": g.ref(r), "g": g, "row": r}
    return out


def refrigeration(codes: dict[str, tuple[str, str]]) -> tuple[list[dict], pd.DataFrame]:
    """Refrigerant leak-rate factors and the refrigeration equipment table.

    Returns
    -------
    factors : list of dict
        ``refrigerant-leak-<slug>`` rows; value [kg refrigerant per kg charge per year].
    table : pandas.DataFrame
        One row per equipment code 4090–4097 (rates in [%], [% per year]).

    References
    ----------
    .. [1] 6.0.4 sheet 6 §五 (排放係數法) and sheet 8; 2006 IPCC V3 Ch7 Table 7.9.
    """
    s8 = Grid(SRC, SHEET_REFR)
    s6 = Grid(SRC, SHEET_FUG)
    # sheet 6 §五 (1) 排放係數法, rows labelled 範例
    hdr = next(
        (r for r in range(1, s6.nrows + 1) if s6.text(r, "A") == "係數選用" and s6.text(r, "D") == "排放因子（％）"),
        None,
    )
    if hdr is None:
        raise s6.fail(1, "A", "refrigerant table header '係數選用 … 排放因子（％）' of §五 not found")
    example: dict[str, tuple[int, float, float, float, float]] = {}
    for r in range(hdr + 1, hdr + 20):
        if s6.text(r, "A") == "自選係數":
            break
        name = s6.text(r, "B")
        d, e, f, gval = (s6.num(r, c) for c in "DEFG")
        if None in (d, e, f, gval) or s6.text(r, "H") != "公斤/公斤":
            raise s6.fail(r, "D", "expected numbers in D..G and unit 公斤/公斤 in H")
        if not math.isclose(gval, d / 100 * (1 - e / 100 * f / 100), rel_tol=1e-9) and not math.isclose(
            gval, d / 100 * (1 - e * f), rel_tol=1e-9
        ):
            raise s6.fail(r, "G", f"factor {gval} != 排放因子 {d}% × (1 − 回收率 × 使用率)")
        example[name] = (r, d, e, f, gval)
    ann = announcement_refrigeration()
    factors, table = [], []
    for r in range(3, s8.nrows + 1):
        name = s8.text(r, "A")
        if not name or name.startswith("資料來源") or name.startswith("*"):
            continue
        en = clean(s8.text(r, "B"))
        if en not in REFR_SLUGS:
            raise s8.fail(r, "B", f"equipment '{en}' has no slug")
        slug = REFR_SLUGS[en]
        rng = parse_range(s8.text(r, "C"))
        rec = s8.text(r, "D")
        if rng is None or not re.fullmatch(r"\d+(\.\d+)?", rec):
            raise s8.fail(r, "C", f"cannot read range {s8.text(r, 'C')!r} / recovery {rec!r}")
        if name not in example:
            raise s6.fail(hdr, "B", f"no 範例 rate for '{name}' in sheet 6 §五")
        er, d, e, f, gval = example[name]
        code, code_ref = codes.get(name, ("", ""))
        if not code:
            raise s8.fail(r, "A", f"equipment '{name}' not found in {WORKBOOK.name} 附表六")
        a = ann.get(ANN_REFR_NAMES[name])
        if a is None:
            raise s8.fail(r, "A", f"no row for '{ANN_REFR_NAMES[name]}' in 2024 附表三")
        if a["operating"] != rng:
            raise s8.fail(r, "C", f"operating range {rng} differs from 2024 附表三 {a['operating']} ({a['ref']})")
        factors.append(
            {
                "factor_id": f"{DATASET}/refrigerant-leak-{slug}",
                "name_zh": name,
                "name_en": f"Refrigerant leakage, {en}",
                "kind": "refrigerant",
                "moenv_code": code,
                "gas": "REFRIGERANT",
                "value": gval,
                "unit": "kg REFRIGERANT/kg",
                "value_low": sig(rng[0] / 100),
                "value_high": sig(rng[1] / 100),
                "u_dist": "uniform",
                "valid_from": "2019",
                "announced": "2019-06",
                "source_ref": f"{s6.ref(er, 'G')}; range {s8.ref(r, 'C')}",
                "note": (
                    "annual operating leak rate [kg refrigerant per kg charge per year] = sheet-6 example 排放因子 "
                    f"{d:g}% × (1 − recovery × use), recovery/use 0 in the example; gas 'REFRIGERANT' = the refrigerant "
                    "named on the source (apply its GWP); interval = IPCC 2006 V3 T7.9 range of sheet 8 "
                    "(low for developed, high for developing countries); recovery efficiency and install-emission "
                    f"range in refrigeration_equipment.csv; code {code} from {code_ref}"
                ),
            }
        )
        table.append(
            {
                "equipment_code": code,
                "slug": slug,
                "name_zh": name,
                "name_en": en,
                "operating_rate_low_pct_per_yr": rng[0],
                "operating_rate_high_pct_per_yr": rng[1],
                "example_rate_pct_per_yr": d,
                "example_factor_kg_per_kg_yr": gval,
                "recovery_efficiency_pct": float(rec),
                "install_rate_low_pct": a["install"][0],
                "install_rate_high_pct": a["install"][1],
                "source_ref": (
                    f"{s8.ref(r)} (range, recovery); {s6.ref(er)} (example); {ANNOUNCEMENT.name} {a['ref']} (install); "
                    f"{code_ref} (code)"
                ),
            }
        )
    if len(factors) != 8:
        raise s8.fail(3, "A", f"expected 8 equipment rows, found {len(factors)}")
    return factors, pd.DataFrame(table)


# --------------------------------------------------------------------------------------
# septic tank (sheet 6 §八)
# --------------------------------------------------------------------------------------
def septic(codes: dict[str, tuple[str, str]]) -> tuple[list[dict], pd.DataFrame]:
    """Septic-tank CH4: the sheet's parameters and the factor per person-hour derived from them.

    EF [t CH4/person/yr] = BOD factor × concentration × days × (hours × L/h) × efficiency;
    per person-hour [t CH4/person_hour] = EF / (days × hours).

    Returns
    -------
    factors : list of dict
        The ``septic-tank`` row [t CH4/person_hour].
    params : pandas.DataFrame
        The parameters with units and source cells.

    References
    ----------
    .. [1] 6.0.4 sheet 6 §八 化糞池 (範例 row and formula note).
    """
    g = Grid(SRC, SHEET_FUG)
    hdr = next((r for r in range(1, g.nrows + 1) if g.text(r, "A") == "化糞池排放源"), None)
    if hdr is None:
        raise g.fail(1, "A", "section 八、化糞池 header '化糞池排放源' not found")
    h = hdr + 1
    expect = {
        "D": "BOD排放因子",
        "F": "平均污水濃度mg/L",
        "G": "工作天數(天)",
        "H": "每人每天工作時間(小時)",
        "I": "每人每小時廢水量(公升/小時)",
        "J": "化糞池處理效率(%)",
        "K": "CH4排放係數",
    }
    for c, t in expect.items():
        if g.text(h, c) != t:
            raise g.fail(h, c, f"expected header '{t}', found '{g.text(h, c)}'")
    r = h + 1
    if g.text(r, "A") != "範例":
        raise g.fail(r, "A", "expected the 範例 row")
    bod, conc, days, hours, lph, eff, ef = (g.num(r, c) for c in "DFGHIJK")
    if None in (bod, conc, days, hours, lph, eff, ef):
        raise g.fail(r, "D", "septic parameters are not all numbers")
    if g.text(r, "E") != "公噸CH4/公噸-BOD" or g.text(r, "L") != "公噸/人-年":
        raise g.fail(r, "E", "units changed (expected 公噸CH4/公噸-BOD and 公噸/人-年)")
    # EF [t CH4/person/yr] = BOD factor × conc [mg/L → t/L: 1e-9] × days × hours × L/h × efficiency
    recomputed = bod * conc * 1e-9 * days * hours * lph * eff / 100
    if not math.isclose(recomputed, ef, rel_tol=1e-9):
        raise g.fail(r, "K", f"CH4 factor {ef!r} != recomputed {recomputed!r} from the row's parameters")
    per_hour = sig(ef / (days * hours))
    code, code_ref = codes.get("化糞池", ("", ""))
    params = pd.DataFrame(
        [
            {
                "parameter": "bod_factor",
                "name_zh": "BOD排放因子",
                "value": bod,
                "unit": "t CH4/t BOD",
                "source_ref": g.ref(r, "D"),
            },
            {
                "parameter": "wastewater_bod_concentration",
                "name_zh": "平均污水濃度",
                "value": conc,
                "unit": "mg/L",
                "source_ref": g.ref(r, "F"),
            },
            {
                "parameter": "working_days",
                "name_zh": "工作天數",
                "value": days,
                "unit": "day/yr",
                "source_ref": g.ref(r, "G"),
            },
            {
                "parameter": "working_hours_per_day",
                "name_zh": "每人每天工作時間",
                "value": hours,
                "unit": "h/day",
                "source_ref": g.ref(r, "H"),
            },
            {
                "parameter": "wastewater_per_person_hour",
                "name_zh": "每人每小時廢水量",
                "value": lph,
                "unit": "L/h",
                "source_ref": g.ref(r, "I"),
            },
            {
                "parameter": "septic_efficiency",
                "name_zh": "化糞池處理效率",
                "value": eff,
                "unit": "%",
                "source_ref": g.ref(r, "J"),
            },
            {
                "parameter": "ch4_per_person_year",
                "name_zh": "CH4排放係數",
                "value": ef,
                "unit": "t CH4/person/yr",
                "source_ref": g.ref(r, "K"),
            },
            {
                "parameter": "ch4_per_person_hour",
                "name_zh": "CH4排放係數 (每人時, derived)",
                "value": per_hour,
                "unit": "t CH4/person_hour",
                "source_ref": f"derived: {g.ref(r, 'K')} / ({g.ref(r, 'G')} × {g.ref(r, 'H')})",
            },
        ]
    )
    factor = {
        "factor_id": f"{DATASET}/septic-tank",
        "name_zh": "化糞池",
        "name_en": "Septic tank (domestic wastewater of employees)",
        "kind": "septic",
        "moenv_code": code,
        "gas": "CH4",
        "value": per_hour,
        "unit": "t CH4/person_hour",
        "valid_from": "2019",
        "announced": "2019-06",
        "source_ref": f"{g.ref(r, 'K')} (per person-year), {g.ref(r, 'G')}, {g.ref(r, 'H')}",
        "note": (
            f"derived in {SCRIPT}: sheet value {ef!r} t CH4/person/yr (= {bod:g} t CH4/t BOD × {conc:g} mg/L × "
            f"{days:g} d × {hours:g} h × {lph:g} L/h × {eff:g}%) / ({days:g} d × {hours:g} h) = {per_hour!r} t CH4 per "
            f"person-hour worked; biogenic CH4; equipment code {code} from {code_ref}; parameters in septic_parameters.csv"
        ),
    }
    return [factor], params


# --------------------------------------------------------------------------------------
# default uncertainties (sheet 9) and MSW heat values (sheet 10)
# --------------------------------------------------------------------------------------
def default_uncertainty() -> pd.DataFrame:
    """Sheet 9 in long form: one row per cell, raw text and, where numeric, the number."""
    g = Grid(SRC, SHEET_UNC)
    rows = []
    if g.text(2, "C") != "排放係數" or g.text(2, "E") != "整體不確定性":
        raise g.fail(2, "C", "table 一 header changed")
    cols1 = {"C": "emission_factor", "D": "activity_data", "E": "overall"}
    r = 3
    while g.text(r, "A") and not g.text(r, "A").startswith("註"):
        for c, what in cols1.items():
            raw = g.get(r, c)
            if raw == "":
                continue
            num = g.num(r, c)
            note = ""
            if num is not None and num > 1:
                note = "number > 1: the sheet mixes fractions and percent; read as percent"
            cd = (g.num(r, "C"), g.num(r, "D"), g.num(r, "E"))
            if None not in cd and cd[2] == 1.0 and math.isclose(cd[0] + cd[1], 1.0) and what != "overall":
                note = (
                    "relative importance of EF vs AD uncertainty (shares summing to 1, sheet note), not an uncertainty"
                )
            rows.append(
                {
                    "table": "IPCC建議活動數據及排放係數之不確定性",
                    "gas": g.text(r, "A"),
                    "category_zh": clean(g.text(r, "B")),
                    "item": what,
                    "value_raw": g.text(r, c),
                    "value": num if num is not None else None,
                    "fraction": (num / 100 if num > 1 else num) if num is not None else None,
                    "source_ref": g.ref(r, c),
                    "note": note,
                }
            )
        r += 1
    start = next((x for x in range(r, g.nrows + 1) if g.text(x, "A").startswith("二、")), None)
    if start is None:
        raise g.fail(r, "A", "table 二 not found")
    heads = {
        "B": "well_developed_measured",
        "C": "well_developed_extrapolated",
        "D": "less_developed_measured",
        "E": "less_developed_extrapolated",
    }
    for x in range(start + 3, g.nrows + 1):
        lab = clean(g.text(x, "A"))
        if not lab or lab.startswith("資料來源"):
            continue
        for c, what in heads.items():
            raw = g.text(x, c)
            rows.append(
                {
                    "table": "固定燃燒源之活動數據不確定性",
                    "gas": "",
                    "category_zh": lab,
                    "item": f"activity_data_{what}",
                    "value_raw": raw,
                    "value": None,
                    "fraction": None,
                    "source_ref": g.ref(x, c),
                    "note": "range in percent as text",
                }
            )
    return pd.DataFrame(rows)


def msw_heat_values() -> pd.DataFrame:
    """Sheet 10: wet-basis LHV of municipal solid waste by ROC year [kcal/kg]."""
    g = Grid(SRC, SHEET_MSW)
    rows = []
    for r in range(2, g.nrows + 1):
        m = re.fullmatch(r"(\d+)年", g.text(r, "A"))
        v = g.num(r, "B")
        if m and v is not None:
            rows.append(
                {
                    "roc_year": int(m.group(1)),
                    "year": int(m.group(1)) + 1911,
                    "lhv_wet": v,
                    "unit": "kcal/kg",
                    "source_ref": g.ref(r, "B"),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# process factors (sheet 7): generic reader of the '係數選用' tables
# --------------------------------------------------------------------------------------
GAS_IN_HEADER = re.compile(r"^(CO2|CH4|N2O|SF6|NF3|HFC-23|HCFC-22|PFC)排放係數$")
MASS = {"公噸": "t", "公斤": "kg"}
PER_UNIT = {"公噸": "t", "公斤": "kg", "千立方公尺": "(1000 * m**3)", "兆焦耳": "TJ", "TJ": "TJ"}


def process_unit(unit_zh: str, gas: str) -> str | None:
    """'公噸CO2/公噸' or '公噸/公噸' -> 't CO2/t'; None if not understood."""
    m = re.fullmatch(
        r"(公噸|公斤)\s*([A-Za-z0-9\-]*?)\s*/\s*(公噸|公斤|千立方公尺|兆焦耳|TJ)(.*)", unit_zh.replace(" ", "")
    )
    if not m:
        return None
    mass, g2, per, rest = m.groups()
    if g2 and g2 != gas:
        return None
    if rest and not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9()（）\-]*", rest):
        return None
    return f"{MASS[mass]} {gas}/{PER_UNIT[per]}"


def process_rows() -> tuple[list[dict], list[str]]:
    """Process factors of sheet 7 from every table with a '係數選用' header and a '<gas>排放係數' column."""
    g = Grid(SRC, SHEET_PROC)
    out: list[dict] = []
    skipped: list[str] = []
    section = ""
    used: set[tuple[str, str]] = set()
    r = 1
    while r <= g.nrows:
        a = g.text(r, "A")
        if re.match(r"^[一二三四五六七八九十]+、", a):
            section = clean(a)
        if a != "係數選用":
            r += 1
            continue
        hdr = r
        heads = {c: clean(g.text(hdr, c)) for c in range(0, 22)}
        value_cols = [c for c, t in heads.items() if GAS_IN_HEADER.match(t)]
        name_cols = [
            c
            for c, t in heads.items()
            if t in ("產品/原料名稱", "原料名稱(碳酸鹽)", "生產過程", "使用類型", "防制設備名稱")
        ]
        basis_col = next((c for c, t in heads.items() if t == "估算基礎"), None)
        if not value_cols:
            skipped.append(f"{g.ref(hdr)} ({section}): no '<gas>排放係數' column")
            r += 1
            continue
        choice = ""
        x = hdr + 1
        carry = {c: "" for c in name_cols}
        while x <= g.nrows:
            ax = g.text(x, "A")
            if (
                ax == "係數選用"
                or ax.startswith("註")
                or re.match(r"^[一二三四五六七八九十]+、", ax)
                or ax.startswith("Tier")
            ):
                break
            if ax:
                choice = ax
            if choice not in ("預設係數", "範例"):
                x += 1
                continue
            for c in name_cols:
                carry[c] = str(g.get(x, c)).strip() or carry[c]
            zh = [clean(t.split("\n")[0]) for t in carry.values() if t]
            en = [clean(t.split("\n", 1)[1]) for t in carry.values() if "\n" in t]
            en += [
                m.group(1) for t in carry.values() if "\n" not in t for m in [re.search(r"\(([A-Za-z][^)]*)\)", t)] if m
            ]
            for vc in value_cols:
                gas = GAS_IN_HEADER.match(heads[vc]).group(1)
                unit_col = next((c for c in range(vc + 1, vc + 4) if heads.get(c) == "單位"), None)
                if unit_col is None:
                    msg = f"{g.ref(hdr, vc)}: no '單位' column after {heads[vc]}"
                    if msg not in skipped:
                        skipped.append(msg)
                    continue
                v = g.num(x, vc)
                raw = g.text(x, vc)
                if v is None:
                    if raw not in ("", "―", "-", "NA", "ND"):
                        skipped.append(f"{g.ref(x, vc)} = {raw!r} (not a single number)")
                    continue
                unit = process_unit(g.text(x, unit_col), gas)
                if unit is None:
                    skipped.append(f"{g.ref(x, unit_col)} unit {g.text(x, unit_col)!r} not understood")
                    continue
                split_factor_unit(unit)
                sec = section_slug(section)
                base = f"{sec}-{slugify('-'.join(en))}" if en else f"{sec}-r{x}"
                if (base, gas) in used:
                    base = f"{base}-r{x}"
                used.add((base, gas))
                label_en = ", ".join(dict.fromkeys(en)) if en else f"row {x} (Chinese name only, see name_zh)"
                row_note = ""
                zh_en = (clean(str(g.get(x, "B")).split("\n")[0]), en[0] if en else "")
                if zh_en in IRON_STEEL_CH4_NAMES:
                    row_note = (
                        f"Chinese name '{zh_en[0]}' does not match the English '{zh_en[1]}' in the source "
                        "(erratum iron-steel-ch4-names); the English name (IPCC 2006 V3 T4.2 row) is used"
                    )
                    ERRATA["iron-steel-ch4-names"] = (
                        f"{g.ref(x - IRON_STEEL_CH4_NAMES.index(zh_en), 'B')}..: the Chinese labels 熔渣產生量 / "
                        "直接還原鐵量 / 焦炭生產量 sit on the rows Coke Production / Sinter Production / DRI Production "
                        "(the values follow the English labels, as the same rows of the 2024 announcement 附表二_金屬製品製造 "
                        "「2.甲烷排放」 show for Sinter and DRI); ids and name_en follow the English."
                    )
                out.append(
                    {
                        "factor_id": f"{DATASET}/process-{base}",
                        "name_zh": f"{section} {' / '.join(dict.fromkeys(zh))}".strip(),
                        "name_en": f"{SECTION_EN.get(sec, sec)}: {label_en}",
                        "kind": "process",
                        "gas": gas,
                        "value": v,
                        "unit": unit,
                        "valid_from": "2019",
                        "announced": "2019-06",
                        "source_ref": g.ref(x, vc),
                        "note": (
                            f"{choice} ({g.ref(x, 'A')} block); unit as published '{clean(g.text(x, unit_col))}'; "
                            f"basis '{clean(g.text(x, basis_col)) if basis_col is not None else ''}'; "
                            f"reference '{clean(g.text(x, unit_col + 1))}'" + (f"; {row_note}" if row_note else "")
                        ),
                    }
                )
            x += 1
        r = x
    return out, skipped


SECTION_SLUGS = {
    "一、水泥製程": "cement",
    "二、石灰製程": "lime",
    "三、玻璃製程": "glass",
    "四、氨氣製程": "ammonia",
    "五、硝酸製程": "nitric-acid",
    "六、己二酸製程": "adipic-acid",
    "七、己內醯胺製程": "caprolactam",
    "八、乙二醛製程": "glyoxal",
    "九、乙醛酸製程": "glyoxylic-acid",
    "十、碳化物製程": "carbide",
    "十一、二氧化鈦製程": "titanium-dioxide",
    "十二、碳化鈉(純鹼)製程": "soda-ash",
    "十三、石油化工和碳黑生產": "petrochemical",
    "十四、二氟一氯甲烷生產": "hcfc-22",
    "十五、鋼鐵製程": "iron-steel",
    "十六、鐵合金生產": "ferroalloy",
    "十七、原鋁生產": "aluminium",
    "十八、鎂生產": "magnesium",
    "十九、鉛生產": "lead",
    "二十、鋅生產": "zinc",
    "二十一、潤滑劑使用": "lubricant-use",
}


#: (Chinese label, English label) pairs of 6.0.4 sheet 7 that do not match (iron & steel CH4 table)
IRON_STEEL_CH4_NAMES = [
    ("熔渣產生量", "Coke Production"),
    ("直接還原鐵量", "Sinter Production"),
    ("焦炭生產量", "DRI Production"),
]

SECTION_EN = {
    "cement": "Cement production",
    "lime": "Lime production",
    "glass": "Glass production",
    "ammonia": "Ammonia production",
    "nitric-acid": "Nitric acid production",
    "adipic-acid": "Adipic acid production",
    "caprolactam": "Caprolactam production",
    "glyoxal": "Glyoxal production",
    "glyoxylic-acid": "Glyoxylic acid production",
    "carbide": "Carbide production",
    "titanium-dioxide": "Titanium dioxide production",
    "soda-ash": "Soda ash production",
    "petrochemical": "Petrochemical and carbon black production",
    "hcfc-22": "HCFC-22 production",
    "iron-steel": "Iron and steel production",
    "ferroalloy": "Ferroalloy production",
    "aluminium": "Primary aluminium production",
    "magnesium": "Magnesium production",
    "lead": "Lead production",
    "zinc": "Zinc production",
    "lubricant-use": "Lubricant use",
}


def section_slug(section: str) -> str:
    """Slug of a sheet-7 section title."""
    for k, v in SECTION_SLUGS.items():
        if section.startswith(k):
            return v
    return slugify(section) or "other"


def slugify(text: str) -> str:
    """Lowercase ASCII slug ('Float glass (TV)' -> 'float-glass-tv')."""
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return re.sub(r"-{2,}", "-", s)


# --------------------------------------------------------------------------------------
def check_cfc11() -> None:
    """AR5 CFC-11 4,460 in sheet 4 (AR5 WG1 T8.A.1 gives 4,660): flag only, GWPs are not in this dataset."""
    g = Grid(SRC, SHEET_GWP)
    if g.text(2, "F") != "IPCC第五次評估報告(2013)":
        raise g.fail(2, "F", "AR5 column header moved")
    row = next((r for r in range(1, g.nrows + 1) if g.text(r, "B").startswith("CFC-11，")), None)
    if row is None:
        raise g.fail(1, "B", "CFC-11 row not found")
    v = g.num(row, "F")
    if v != 4460.0:
        msg = f"{SRC.name}, {g.ref(row, 'F')}: erratum 'cfc11-ar5' expected 4460, found {v!r}. The defect is gone: review {SCRIPT}."
        raise FactorTableError(msg)
    ERRATA["cfc11-ar5"] = (
        f"{g.ref(row, 'F')} gives AR5 GWP of CFC-11 = 4,460; the AR5 report (WG1 Ch8 T8.A.1) gives 4,660 "
        "(docs/FACTS-taiwan.md §1.6). GWPs are not part of this dataset (see the GWP tables); flagged only. "
        "CFC-11 is a Montreal-Protocol gas counted as 0 under Taiwan's Climate Change Response Act."
    )


def main() -> Path:
    """Build ``factors/moenv-6.0.4/`` from the official files.

    Returns
    -------
    pathlib.Path
        The dataset directory.

    Raises
    ------
    carbon.errors.FactorTableError
        If a sheet, header or cell is not where the script expects it, or a known defect is
        no longer in its cell (the handling must then be reviewed).
    """
    ERRATA.clear()
    HEAT_FIX.clear()
    comb, _ = combustion_rows()
    elec = electricity_rows()
    eq_codes = equipment_codes()
    refr, refr_table = refrigeration(eq_codes)
    sept, sept_params = septic(eq_codes)
    proc, proc_skipped = process_rows()
    check_cfc11()
    for key in ("shale-oil-lhv", "ngl-lhv-unit", "ethane-lhv-unit", "negative-ci", "cfc11-ar5", "iron-steel-ch4-names"):
        if key not in ERRATA:
            msg = f"{SRC.name}: erratum '{key}' was not detected; the source changed, review {SCRIPT}"
            raise FactorTableError(msg)
    ERRATA["negative-ci"] = ERRATA["negative-ci"].strip()
    ERRATA["heat-value-calorie"] = (
        "The IPCC-derived heat values marked 註2 (e.g. 褐煤 2,844, 頁岩油 9,106, 乙烷 11,090, NGL 10,564 kcal/kg) equal "
        "the IPCC NCVs converted with the thermochemical calorie (4.184 kJ), while the per-unit factors of the same "
        "sheets use 4.1868 kJ/kcal; values kept as published (difference 0.07 %)."
    )

    df = pd.DataFrame(comb + elec + refr + sept + proc)
    for u, gas in zip(df["unit"], df["gas"], strict=True):
        _, g, _ = split_factor_unit(u)
        if g != gas:
            msg = f"{DATASET}: unit '{u}' does not match gas '{gas}'"
            raise FactorTableError(msg)
    df = df.sort_values(["kind", "factor_id", "gas"], kind="stable").reset_index(drop=True)
    meta = {
        "title": "MOENV GHG emission factor management table 6.0.4 (revised)",
        "title_zh": "溫室氣體排放係數管理表 6.0.4版(修)",
        "publisher": "環境部 (MOENV, Ministry of Environment, Taiwan)",
        "edition": "6.0.4(修)",
        "published": "2019-06 (6.0.4, 108年6月); revised after 2023-06 (adds 107–111年 electricity factors, AR5 note)",
        "url": "https://ghgregistry.moenv.gov.tw/epa_ghg/Downloads/FileDownloads.aspx?Type_ID=1",
        "licence": "Government open data (政府資料開放授權條款第1版); redistributed with attribution",
        "retrieved": "copy in factors/sources/taiwan (see factors/sources/SOURCES.md and docs/FACTS-taiwan.md §10 [S1]); retrieval date not recorded",
        "use": "inventories of 2019–2022 (6.0.4: 2019年(含)後盤查對象應採用); from 盤查年度 113 use moenv-2024",
        "codes": "moenv_code is not in the 6.0.4 sheets: 原燃物料代碼 from the official inventory workbook 附表一 (matched by material name, see row notes), 設備代碼 (refrigeration 4090–4097, 化糞池 9795) from its 附表六",
        "units": "combustion factors in kg <gas>/TJ (NCV basis) with the Taiwan heat value (能源局 2015 熱值表) in heat_value; per-unit factor = value × heat_value × 4.1868e-9",
        "ci": "value_low/value_high = value × (1 − lower fraction), value × (1 + upper fraction) of the sheet's IPCC 95% interval columns, rounded to 12 significant digits",
        "gaps": "CH4/N2O of LPG (mobile) have 'NA' as 95% interval in sheets 2/3 (rows 60): written without bounds; fuels with '-' as heat value (industrial waste, biofuels, biogas …) have no heat_value",
        "not_included": (
            "sheet 4 (GWP, see GWP tables); sheet 6 sections other than 五 (refrigeration) and 八 (septic): landfill, "
            "biological treatment, wastewater, sludge, oil & gas fugitive, VOC, land use; sheet 7 tables without a single "
            "numeric '<gas>排放係數' column: " + "; ".join(proc_skipped)
        ),
        "table_refrigeration_equipment": (
            "refrigeration_equipment.csv: equipment_code (workbook 附表六), slug, name_zh, name_en (sheet 8), "
            "operating_rate_low/high_pct_per_yr (IPCC T7.9 range, sheet 8 col C), example_rate_pct_per_yr and "
            "example_factor_kg_per_kg_yr (sheet 6 §五 範例), recovery_efficiency_pct (sheet 8 col D), "
            "install_rate_low/high_pct (2024 announcement 附表三 初始排放), source_ref"
        ),
        "table_septic_parameters": "septic_parameters.csv: parameter, name_zh, value, unit, source_ref (sheet 6 §八 範例 row and the derived per person-hour factor)",
        "table_default_uncertainty": "default_uncertainty.csv: sheet 9 cell by cell: table, gas, category_zh, item, value_raw, value, fraction (percent cells / 100), source_ref, note",
        "table_msw_heat_values": "msw_heat_values.csv: roc_year, year, lhv_wet [kcal/kg] (sheet 10), source_ref",
    }
    return write_dataset(
        DATASET,
        df,
        meta,
        sources=[SRC, WORKBOOK, ANNOUNCEMENT],
        script=SCRIPT,
        errata=dict(ERRATA),
        extra_tables={
            "refrigeration_equipment.csv": refr_table,
            "septic_parameters.csv": sept_params,
            "default_uncertainty.csv": default_uncertainty(),
            "msw_heat_values.csv": msw_heat_values(),
        },
    )


if __name__ == "__main__":
    out = main()
    df = pd.read_csv(out / "factors.csv", comment="#")
    print(f"wrote {out}: {len(df)} rows, {df['factor_id'].nunique()} ids")
    print(df.groupby("kind")["factor_id"].nunique().to_string())
