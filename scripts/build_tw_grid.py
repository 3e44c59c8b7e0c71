"""Build ``factors/tw-grid/``: Taiwan grid electricity emission factors (電力排碳係數) by data year.

Sources (under ``factors/sources/taiwan/``):

* ``moenv-emission-factor-table-6.0.4-revised.ods`` sheet ``5_外購電力與外購蒸汽排放係數``:
  the current official values for data years 民國94–111 (2005–2022) with the Energy
  Administration announcement date of each (col H, e.g. 能源局(107.7.4公告)), and the 0 factor
  of renewable-energy certificates (自願性再生能源憑證, 電證合一).
* ``taipower-electricity-emission-factors-2017-2024.csv``: 2017–2024 values (2023 = 0.494,
  2024 = 0.474) and the generation/purchase mix (table ``generation_mix.csv``).
* ``moenv-inventory-workbook-sample.ods`` 附表一: the electricity list of the official
  workbook (cross-check; its 95 % bounds ±7 %, "IPCC 2006 建議數值").

One id per data year: ``tw-grid/<year>``, gas CO2e, unit ``kg CO2e/kWh``.  The factor of a
data year is the one MOEA announced for it; under the 2024-02-05 announcement an inventory
uses the *latest announced* factor at inventory/verification time -- choosing the year is
the caller's job.  Years not yet announced (2025) are absent.

Run: ``.venv/bin/python scripts/build_tw_grid.py`` (deterministic, re-runnable).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _build import SOURCES, Grid, write_dataset  # noqa: E402

from carbon.errors import FactorTableError  # noqa: E402
from carbon.units import parse_date, parse_roc_year, split_factor_unit  # noqa: E402

DATASET = "tw-grid"
SCRIPT = "scripts/build_tw_grid.py"
TABLE_604 = SOURCES / "taiwan" / "moenv-emission-factor-table-6.0.4-revised.ods"
TAIPOWER = SOURCES / "taiwan" / "taipower-electricity-emission-factors-2017-2024.csv"
WORKBOOK = SOURCES / "taiwan" / "moenv-inventory-workbook-sample.ods"
SHEET_5 = "5_外購電力與外購蒸汽排放係數"
SHEET_WB = "附表一"
UNIT = "kg CO2e/kWh"
FIRST_YEAR = 2005

#: Announcement date of data year 2023: no official file in factors/sources carries it.
#: Taken from docs/FACTS-taiwan.md §2 (MOEA press release reported 2024-04-26, source [N1]).
ANNOUNCED_OUTSIDE_FILES = {
    2023: (
        "2024-04-26",
        "announcement date from docs/FACTS-taiwan.md §2 (MOEA press, secondary source [N1]); not in an official file",
    )
}

#: Taipower CSV column -> generation_mix.csv column (億度 = 1e8 kWh)
MIX_COLUMNS = {
    "年度": "year",
    "電力排碳係數": "factor_kg_co2e_per_kwh",
    "發購電量": "total_1e8kwh",
    "燃煤": "coal_1e8kwh",
    "燃油": "oil_1e8kwh",
    "燃氣": "gas_1e8kwh",
    "核能": "nuclear_1e8kwh",
    "再生能源": "renewable_1e8kwh",
    "汽電共生": "cogeneration_1e8kwh",
    "抽蓄水力": "pumped_hydro_1e8kwh",
    "電池儲能": "battery_storage_1e8kwh",
}



def read_sheet5() -> tuple[dict[int, dict], dict]:
    """Data-year factors of 6.0.4 sheet 5 and the REC row."""
    g = Grid(TABLE_604, SHEET_5)
    years, rec = {}, None
    for r in range(1, g.nrows + 1):
        label = str(g.get(r, "A"))
        m = re.match(r"^(\d+)年預設係數$", label)
        if m:
            year = parse_roc_year(int(m.group(1)))
            val, unit, src = g.get(r, "F"), str(g.get(r, "G")), str(g.get(r, "H"))
            if not isinstance(val, float):
                raise g.fail(r, "F", f"'{val}' is not a number.")
            if unit != "公斤/度":
                raise g.fail(r, "G", f"unit '{unit}' (expected 公斤/度 = kg/kWh).")
            d = re.search(r"\((\d+\.\d+\.\d+)公告\)", src)
            if not d:
                raise g.fail(r, "H", f"announcement date not found in '{src}'.")
            years[year] = {
                "value": val,
                "announced": parse_date(d.group(1)).isoformat(),
                "ref": g.ref(r, "F"),
                "announced_ref": f"{g.ref(r, 'H')} '{src}'",
            }
        elif label == "自願性再生能源憑證":
            rec = {"value": g.get(r, "F"), "ref": g.ref(r, "F")}
        elif label.startswith("二、外購蒸汽"):
            break
    if rec is None or rec["value"] != 0.0:
        raise FactorTableError(f"{TABLE_604.name} {SHEET_5}: 自願性再生能源憑證 row with 0 not found.")
    return years, rec


def read_taipower() -> pd.DataFrame:
    """The Taipower CSV with English column names."""
    df = pd.read_csv(TAIPOWER, encoding="utf-8-sig")
    missing = [c for c in MIX_COLUMNS if c not in df.columns]
    if missing:
        raise FactorTableError(f"{TAIPOWER.name}: column(s) {missing} not found (columns {list(df.columns)}).")
    df = df[list(MIX_COLUMNS)].rename(columns=MIX_COLUMNS)
    df["year"] = df["year"].astype(int)
    return df


def read_workbook() -> dict[int, dict]:
    """The official workbook's electricity list (附表一, 外購電力 其他電力 350099)."""
    g = Grid(WORKBOOK, SHEET_WB)
    out = {}
    for r in range(1, g.nrows + 1):
        if g.get(r, "B") == "外購電力" and str(g.get(r, "D")) == "350099" and isinstance(g.get(r, "G"), float):
            out[parse_roc_year(int(g.get(r, "G")))] = {
                "value": g.get(r, "H"),
                "low": g.get(r, "K"),
                "high": g.get(r, "L"),
                "source": g.get(r, "N"),
                "row": r,
                "ref": g.ref(r, "H"),
                "unc_ref": f"{g.ref(r, 'K')}/L",
                "code": "350099",
            }
    if not out:
        raise FactorTableError(f"{WORKBOOK.name} {SHEET_WB}: no 外購電力 350099 rows found.")
    return out


def main() -> None:
    """Build factors/tw-grid/."""
    s5, rec = read_sheet5()
    tp = read_taipower()
    wb = read_workbook()
    errata: dict[str, str] = {}
    rows = []
    tp_by_year = dict(zip(tp["year"], tp["factor_kg_co2e_per_kwh"], strict=True))
    last = max(max(s5), max(tp_by_year))
    for year in range(FIRST_YEAR, last + 1):
        notes = []
        if year in s5:
            value, ref = s5[year]["value"], s5[year]["ref"]
            announced = s5[year]["announced"]
            notes.append(f"announced {announced} ({s5[year]['announced_ref']})")
            if year in tp_by_year:
                if tp_by_year[year] != value:
                    raise FactorTableError(
                        f"{year}: 6.0.4 sheet 5 gives {value} but {TAIPOWER.name} gives {tp_by_year[year]}; review."
                    )
                ref += f"; = {TAIPOWER.name} year {year}"
        elif year in tp_by_year:
            value = float(tp_by_year[year])
            line = int(tp.index[tp["year"] == year][0]) + 2
            ref = f"{TAIPOWER.name}, line {line}, column 電力排碳係數"
            if year in ANNOUNCED_OUTSIDE_FILES:
                announced, why = ANNOUNCED_OUTSIDE_FILES[year]
                notes.append(why)
            else:
                announced = ""
                notes.append(
                    "official MOEA announcement not in factors/sources; announcement date unknown (value from the Taipower CSV)"
                )
        else:
            raise FactorTableError(f"data year {year}: no value in 6.0.4 sheet 5 nor in {TAIPOWER.name}.")
        w = wb.get(year)
        low = high = None
        if w is not None:
            if w["value"] != "" and w["value"] != value:
                errata[f"tw-grid/{year}"] = (
                    f"{WORKBOOK.name} {SHEET_WB} row {w['row']} lists {w['value']} for 民國{year - 1911}年 ({year}); "
                    f"the official value is {value} ({ref.split(';')[0]}). The workbook is wrong; {value} is used."
                )
                notes.append(f"sample workbook shows {w['value']} (wrong; see errata)")
            elif w["value"] == value:
                ref += f"; = {w['ref']}"
            if isinstance(w["low"], float) and isinstance(w["high"], float):
                low = round(value * (1 - w["low"]), 12)
                high = round(value * (1 + w["high"]), 12)
                notes.append(f"95 % bounds ±{w['low'] * 100:g} % from {w['unc_ref']} ({w['source']})")
        rows.append(
            {
                "factor_id": f"{DATASET}/{year}",
                "name_zh": f"電力排碳係數 {year}年 (民國{year - 1911}年)",
                "name_en": f"Taiwan grid electricity emission factor, data year {year}",
                "kind": "electricity",
                "moenv_code": "350099",
                "gas": "CO2e",
                "value": value,
                "unit": UNIT,
                "value_low": low,
                "value_high": high,
                "basis": "location",
                "valid_from": str(year),
                "valid_to": str(year),
                "announced": announced,
                "gwp_set": "as-published",
                "source_ref": ref,
                "note": "; ".join(notes),
            }
        )
    rows.append(
        {
            "factor_id": f"{DATASET}/rec",
            "name_zh": "自願性再生能源憑證 (電證合一)",
            "name_en": "Renewable-energy certificate (bundled, 電證合一): zero factor",
            "kind": "electricity",
            "moenv_code": "GG3502",
            "gas": "CO2e",
            "value": float(rec["value"]),
            "unit": UNIT,
            "basis": "market",
            "gwp_set": "as-published",
            "source_ref": rec["ref"],
            "note": (
                "electricity covered by certificates of the Bureau of Standards (標檢局) for solar, geothermal, ocean, "
                "wind and non-pumped hydro counts 0 in category 2 (6.0.4 sheet 5 note); code GG3502 from workbook 附表一"
            ),
        }
    )
    df = pd.DataFrame(rows)
    for u in df["unit"].unique():
        split_factor_unit(u)
    if 2025 in set(int(x) for x in df["valid_from"].dropna() if str(x).isdigit()):
        raise FactorTableError("data year 2025 has no announced factor; it must not be built.")
    errata["steam"] = (
        f"{TABLE_604.name} sheet '{SHEET_5}' part 二 gives only the heat-first (先熱後電) formula for purchased steam "
        "and blank example cells, no steam factor: no steam id is built (the 2024 announcement says to use the supplier's latest factor)."
    )
    errata["tw-grid/2024"] = (
        "value 0.474 from the Taipower CSV; the MOEA announcement document is not in factors/sources, so 'announced' is empty."
    )
    meta = {
        "title": "Taiwan grid electricity emission factors by data year",
        "title_zh": "電力排碳係數 (經濟部能源署公告)",
        "publisher": "經濟部能源署 (MOEA Energy Administration), as tabulated by 環境部 MOENV and 台灣電力公司",
        "edition": "6.0.4(修) sheet 5 (2005–2022) + Taipower CSV (2017–2024)",
        "published": "2018-07-04 to 2023-06-21 (6.0.4 sheet 5 col H); Taipower CSV undated",
        "url": "https://ghgregistry.moenv.gov.tw; https://www.taipower.com.tw",
        "licence": "government open data (政府資料開放授權條款)",
        "unit_note": "kg CO2e per kWh (公斤/度); generation_mix.csv amounts are in 億度 = 1e8 kWh",
        "rule": "2024-02-05 announcement 公告事項一(四)1: use the MOEA factor latest announced at inventory and verification time",
    }
    out = write_dataset(
        DATASET,
        df,
        meta,
        [TABLE_604, TAIPOWER, WORKBOOK],
        SCRIPT,
        errata=errata,
        extra_tables={"generation_mix.csv": tp},
    )
    print(f"{DATASET}: {len(df)} rows -> {out}")


if __name__ == "__main__":
    main()
