"""Build ``factors/ipcc-2006/``: IPCC 2006 default combustion factors as the official files carry them.

Only values that an official file in ``factors/sources/`` contains are built:

* ``taiwan/moenv-emission-factors-announcement-2024-02-05.ods`` 附表一:
  stationary combustion CO2/CH4/N2O in kg/TJ (NCV basis) from 2006 IPCC Guidelines Vol. 2
  Ch. 2 **Table 2.2** (energy industries; note 4 of the sheet) -- ids
  ``ipcc-2006/<fuel>-energy-industries``; road transport CO2 (Ch. 3 Table 3.2.1) and CH4/N2O
  (Table 3.2.2) -- ids ``ipcc-2006/road-<fuel>[-<technology>]``.
* ``taiwan/moenv-inventory-workbook-sample.ods`` 附表一: the 95 % confidence interval of each
  factor in per cent (col K/L, "IPCC 2006 建議數值"), matched by the announcement fuel name.
* ``taiwan/moenv-emission-factor-table-6.0.4-revised.ods`` 表單說明 row 5: the IPCC 2006
  Table 1.2 net calorific values (TJ/Gg) that 6.0.4 quotes (lignite, oil shale, peat,
  orimulsion, shale oil, ethane, NGL) -> ``heat_value`` / ``heat_value_unit``.

Not built (no official file carries them): Table 2.3–2.5 (manufacturing, commercial,
residential) CH4/N2O columns and the other Table 1.2 NCVs; see ``[not_built]`` in meta.toml.

Run: ``.venv/bin/python scripts/build_ipcc_2006.py`` (deterministic, re-runnable).
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
from carbon.units import multiplier, split_factor_unit  # noqa: E402

DATASET = "ipcc-2006"
SCRIPT = "scripts/build_ipcc_2006.py"
ANNOUNCEMENT = SOURCES / "taiwan" / "moenv-emission-factors-announcement-2024-02-05.ods"
WORKBOOK = SOURCES / "taiwan" / "moenv-inventory-workbook-sample.ods"
TABLE_604 = SOURCES / "taiwan" / "moenv-emission-factor-table-6.0.4-revised.ods"
SHEET_STAT = "附表一_固定燃燒排放源排放係數"
SHEET_MOB = "附表一_移動燃燒排放源排放係數"
SHEET_WB = "附表一"
SHEET_INFO = "表單說明"
GASES = ("CO2", "CH4", "N2O")

#: English fuel name (announcement) -> id slug where the plain slug would be awkward
SLUGS = {
    "Gas/Diesel Oil": "diesel",
    "Liquefied Petroleum Gases": "lpg",
    "Natural Gas Liquids (NGLs)": "ngl",
    "Coke Oven Coke and Lignite Coke": "coke-oven-coke",
    "Municipal Wastes (non-biomass fraction)": "municipal-wastes-non-biomass",
    "Municipal Wastes (biomass fraction)": "municipal-wastes-biomass",
    "Sulphite lyes (Black Liquor)": "black-liquor",
    "White Spirit & SBP": "white-spirit-sbp",
}

#: English group names of the announcement whose fuels are biomass (CO2 is biogenic)
BIOMASS_GROUPS = {"Solid Biofuels", "Liquid Biofuels", "Gas Biomass", "Other non-fossil fuels"}
BIOGENIC_NOTE = (
    "biomass fuel: its CO2 is biogenic and is reported separately from fossil emissions "
    "(IPCC 2006 Vol. 2 Ch. 2; MOENV 表五 生質燃料CO2排放當量); CH4 and N2O count as usual"
)

#: road-transport ids: slug -> (CO2 row English name in T3.2.1 part, CH4/N2O English name in T3.2.2 part)
ROAD = {
    "road-motor-gasoline-uncontrolled": ("Motor Gasoline", "Motor Gasoline - Uncontrolled"),
    "road-motor-gasoline-oxidation-catalyst": ("Motor Gasoline", "Motor Gasoline - Oxidation Catalyst"),
    "road-motor-gasoline-low-mileage-ldv-1995": (
        "Motor Gasoline",
        "Motor Gasoline - Low Mileage Light Duty Vehicle Vintage 1995 or Later",
    ),
    "road-diesel": ("Gas/ Diesel", "Gas / Diesel Oil"),
    "road-lpg": ("Liquefied Petroleum Gases", "Liquified petroleum gas"),
    "road-kerosene": ("Kerosene", None),
    "road-lubricants": ("Lubricants", None),
    "road-cng": ("Compressed Natural Gas", "Natural Gas"),
    "road-lng": ("Liquefied Natural Gas", "Natural Gas"),
    "road-ethanol-trucks-us": (None, "Ethanol, trucks, US"),
    "road-ethanol-cars-brazil": (None, "Ethanol, cars, Brazil"),
}

#: 6.0.4 表單說明 row 5 names -> announcement Chinese fuel name (for the NCV)
NCV_FUELS = {
    "褐煤": "褐煤",
    "油頁岩": "油頁岩/焦油砂",
    "泥煤": "泥煤",
    "奧里油": "奧里油",
    "頁岩油": "頁岩油",
    "乙烷": "乙烷",
    "天然氣": "液化天然氣",  # see errata: 44.2 TJ/Gg is the IPCC NGL value, used by 6.0.4 for NGL
}

NOT_BUILT = {
    "T2.3 manufacturing & construction CH4/N2O": "no official file in factors/sources carries IPCC 2006 Vol. 2 Table 2.3 (FACTS §4.2 'M')",
    "T2.4 commercial/institutional CH4/N2O": "no official file carries Table 2.4 (FACTS §4.2 'M')",
    "T2.5 residential & agriculture/forestry/fishing CH4/N2O": "no official file carries Table 2.5 (FACTS §4.2 'M')",
    "T1.2 NCVs": (
        "only the 7 NCVs quoted in 6.0.4 表單說明 are built (lignite 11.9, oil shale 8.9, peat 9.76, orimulsion 27.5, "
        "NGL 44.2, shale oil 38.1, ethane 46.4 TJ/Gg); natural gas, diesel, motor gasoline, LPG, residual fuel oil, "
        "kerosene, jet kerosene, coal, coke, petroleum coke, naphtha etc. NCVs are not in any official file"
    ),
    "T1.4 CO2 95 % intervals": "taken from workbook 附表一 where it gives them; fuels with 'NULL' there have no bounds",
}



def slugify(text: str) -> str:
    """ASCII slug of an English fuel name."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-+", "-", s)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def workbook_ci(errata: dict) -> dict[tuple[str, str, str], tuple[float, float, str]]:
    """95 % CI (per cent) of workbook 附表一 by (排放型式, fuel name, gas).

    When rows of the same fuel and gas disagree, no bounds are returned for it and the
    conflict is written to ``errata``.
    """
    g = Grid(WORKBOOK, SHEET_WB)
    seen: dict[tuple[str, str, str], list] = {}
    for r in range(2, g.nrows + 1):
        kind, gas, names = g.get(r, "B"), g.get(r, "C"), str(g.get(r, "G"))
        if kind not in ("固定燃燒", "移動燃燒") or gas not in GASES or not names:
            continue
        lo, hi = g.get(r, "K"), g.get(r, "L")
        if not (isinstance(lo, float) and isinstance(hi, float)):
            continue
        for n in names.split("/"):
            seen.setdefault((kind, _key(n), gas), []).append((lo, hi, r, g.get(r, "H")))
    out = {}
    for k, vals in seen.items():
        distinct = sorted({(lo, hi) for lo, hi, _, _ in vals})
        rows = [r for _, _, r, _ in vals]
        if len(distinct) == 1:
            lo, hi = distinct[0]
            out[k] = (lo, hi, f"{WORKBOOK.name}, sheet '{SHEET_WB}', rows {', '.join(map(str, rows))}, cols K/L")
            continue
        out[k] = None  # conflict: see errata
        detail = "; ".join(
            f"{lo:g}/+{hi:g} % (rows {', '.join(str(r) for a, b, r, _ in vals if (a, b) == (lo, hi))})"
            for lo, hi in distinct
        )
        errata[f"CI {k[1]} {k[2]} ({k[0]})"] = (
            f"{WORKBOOK.name} {SHEET_WB} gives different 95 % bounds for the same fuel and gas: {detail}. "
            "No bounds are written for it."
        )
    return out


def _en(name: str) -> str:
    """Normalised English fuel name for matching (drops acronym parentheses, keeps '(... fraction)')."""
    s = re.sub(r"\((?![^)]*fraction)[^)]*\)", "", str(name))
    return re.sub(r"[^a-z]", "", s.lower())


def table604_ci() -> dict[tuple[str, str, str], set]:
    """95 % CI (per cent) of 6.0.4 sheets 1-3 by (form, English name, gas)."""
    sheets = {
        "CO2": ("1_固定源與移動源(燃料)CO2排放係數", "K", "L"),
        "CH4": ("2_固定源與移動源(燃料)CH4排放係數", "H", "I"),
        "N2O": ("3_固定源與移動源(燃料)N2O排放係數", "H", "I"),
    }
    out: dict[tuple[str, str, str], set] = {}
    for gas, (sheet, clo, chi) in sheets.items():
        g = Grid(TABLE_604, sheet)
        form = ""
        for r in range(7, g.nrows + 1):
            if str(g.get(r, "A")).startswith("註"):
                break
            if g.get(r, "B"):
                form = {"固定源": "固定燃燒", "移動源": "移動燃燒"}.get(str(g.get(r, "B")), form)
            lo, hi, en = g.get(r, clo), g.get(r, chi), str(g.get(r, "E"))
            if isinstance(lo, float) and isinstance(hi, float) and en:
                key = (form, _en(en), gas)
                out.setdefault(key, set()).add((round(abs(lo) * 100, 3), round(abs(hi) * 100, 3), g.ref(r, clo)))
    return out


def choose_ci(kind: str, name_zh: str, name_en: str, gas: str, ci: dict, ci604: dict, errata: dict, fid: str):
    """Return (low %, high %, reference) or None.

    The workbook 附表一 bounds are used when they agree (to 0.002 percentage points) with
    6.0.4 sheets 1-3 for the same IPCC fuel or when 6.0.4 has none; 6.0.4 bounds are used
    when the workbook has none and 6.0.4 gives one; disagreements give no bounds and an erratum.
    """
    wb = ci.get((kind, _key(name_zh), gas))
    t = ci604.get((kind, _en(name_en), gas), set())
    tvals = {(a, b) for a, b, _ in t}
    if wb is None and (kind, _key(name_zh), gas) in ci:
        return None  # workbook conflict (erratum written)
    if wb is not None:
        lo, hi, ref = wb
        if not t or any(abs(abs(lo) - a) < 2e-3 and abs(hi - b) < 2e-3 for a, b in tvals):
            return lo, hi, ref + (" (= 6.0.4 sheets 1-3)" if t else "")
        errata[f"CI {fid} {gas}"] = (
            f"{ref} gives {lo:g}/+{hi:g} % but 6.0.4 ({'; '.join(sorted(x[2] for x in t))}) gives "
            f"{', '.join(f'-{a:g}/+{b:g} %' for a, b in sorted(tvals))} for the same IPCC fuel. No bounds are written."
        )
        return None
    if len(tvals) == 1:
        a, b = next(iter(tvals))
        return -a, b, next(iter(t))[2] + " (6.0.4; the workbook gives NULL)"
    if len(tvals) > 1:
        errata[f"CI {fid} {gas}"] = (
            f"6.0.4 gives several 95 % bounds for {name_en} {gas}: {sorted(tvals)} and the workbook none. No bounds are written."
        )
    return None


def read_ncv(errata: dict) -> dict[str, tuple[float, str]]:
    """IPCC 2006 T1.2 NCVs quoted in 6.0.4 表單說明 (TJ/Gg), by announcement fuel name."""
    g = Grid(TABLE_604, SHEET_INFO)
    for r in range(1, g.nrows + 1):
        text = str(g.get(r, "B"))
        if "TJ/Gg" in text and "IPCC 2006" in text:
            break
    else:
        raise FactorTableError(f"{TABLE_604.name} {SHEET_INFO}: the IPCC NCV note (TJ/Gg) was not found.")
    out = {}
    for name, val in re.findall(r"([\u4e00-\u9fff]+)\(([\d.]+)TJ/Gg\)", text):
        if name not in NCV_FUELS:
            raise g.fail(r, "B", f"NCV for '{name}' has no mapping in NCV_FUELS.")
        out[NCV_FUELS[name]] = (float(val), g.ref(r, "B"))
    if "天然氣" in re.findall(r"([\u4e00-\u9fff]+)\(", text):
        errata["NCV 天然氣 44.2"] = (
            f"{g.ref(r, 'B')} lists '天然氣(44.2TJ/Gg)'. 44.2 TJ/Gg is the IPCC 2006 Table 1.2 NCV of natural gas liquids: "
            "6.0.4 sheet 1 uses it (as 10,564 kcal) for 天然氣凝結油 (NGLs), not for natural gas (which 6.0.4 gives 8,000 kcal/m3). "
            "It is attached to ipcc-2006/ngl-energy-industries."
        )
    errata["NCV kcal conversion in 6.0.4"] = (
        f"{TABLE_604.name} sheet 1 converts these IPCC NCVs to kcal with 4.184 kJ/kcal (e.g. lignite 11.9 TJ/Gg -> 2,844 kcal/kg, "
        "NGL 44.2 -> 10,564, ethane 46.4 -> 11,090), while the same table converts kcal to TJ with 4.1868 (International Table "
        "calorie, 1 kcal = 4.1868e-9 TJ). Here the NCVs are kept in TJ/Gg as IPCC publishes them."
    )
    return out


def build_stationary(ci: dict, ci604: dict, ncv: dict, errata: dict) -> list[dict]:
    """Stationary combustion rows (T2.2 energy industries)."""
    g = Grid(ANNOUNCEMENT, SHEET_STAT)
    note4 = next((str(g.get(r, "A")) for r in range(1, g.nrows + 1) if str(g.get(r, "A")).startswith("註4")), "")
    if "table 2.2" not in note4.lower():
        raise FactorTableError(f"{ANNOUNCEMENT.name} {SHEET_STAT}: note 4 citing IPCC Table 2.2 not found.")
    rows, group_en = [], ""
    for r in range(9, g.nrows + 1):
        a, b, c, d = (str(g.get(r, x)) for x in "ABCD")
        if a.startswith("註"):
            break
        if c:
            group_en = c
        vals = {gas: g.get(r, col) for gas, col in zip(GASES, "EFG", strict=True)}
        if not all(isinstance(v, float) for v in vals.values()):
            raise g.fail(r, "E", f"expected numbers in E:G, got {list(vals.values())}.")
        name_zh = b or a
        name_en = d or c
        slug = SLUGS.get(name_en, slugify(name_en))
        notes_common = [
            "IPCC 2006 Vol. 2 Ch. 2 Table 2.2 (energy industries), NCV basis, as cited by the 2024-02-05 announcement 附表一 note 4"
        ]
        if group_en in BIOMASS_GROUPS:
            notes_common.append(BIOGENIC_NOTE)
        if name_zh == "液化天然氣":
            notes_common.append(
                "MOENV names this row 液化天然氣 (LNG) but its English name and values are those of natural gas liquids (NGLs); LNG is natural gas (56,100 kg CO2/TJ)"
            )
            errata[f"{DATASET}/ngl-energy-industries"] = (
                f"{g.ref(r, 'A')}: 液化天然氣 (LNG) is translated 'Natural Gas Liquids (NGLs)' and carries NGL factors "
                "64,200/3/0.6; LNG ≠ NGL. Built as id 'ngl' (the IPCC fuel the values belong to)."
            )
        hv = ncv.get(name_zh)
        for gas, col in zip(GASES, "EFG", strict=True):
            notes = list(notes_common)
            lo = hi = None
            fid = f"{DATASET}/{slug}-energy-industries"
            got = choose_ci("固定燃燒", name_zh, name_en, gas, ci, ci604, errata, fid)
            if got:
                plo, phi, ciref = got
                lo, hi = round(vals[gas] * (1 + plo / 100), 9), round(vals[gas] * (1 + phi / 100), 9)
                notes.append(f"95 % interval {plo:g} %/+{phi:g} % from {ciref}")
            rows.append(
                {
                    "factor_id": f"{DATASET}/{slug}-energy-industries",
                    "name_zh": name_zh,
                    "name_en": f"{name_en} (stationary combustion, energy industries)",
                    "kind": "stationary_combustion",
                    "gas": gas,
                    "value": vals[gas],
                    "unit": f"kg {gas}/TJ",
                    "value_low": lo,
                    "value_high": hi,
                    "heat_value": hv[0] if hv else None,
                    "heat_value_unit": "TJ/Gg" if hv else None,
                    "basis": "NCV",
                    "source_ref": g.ref(r, col) + (f"; NCV {hv[1]}" if hv else ""),
                    "note": "; ".join(notes),
                }
            )
    return rows


def build_mobile(ci: dict, ci604: dict, errata: dict) -> list[dict]:
    """Road transport rows (T3.2.1 CO2, T3.2.2 CH4/N2O)."""
    g = Grid(ANNOUNCEMENT, SHEET_MOB)
    co2, ch4n2o = {}, {}
    part = 0
    for r in range(1, g.nrows + 1):
        a, b = str(g.get(r, "A")), str(g.get(r, "B"))
        if a == "燃料":
            part += 1
            continue
        if not a or a.startswith("註") or part == 0:
            continue
        if part == 1 and isinstance(g.get(r, "C"), float):
            co2[b] = (a, g.get(r, "C"), g.ref(r, "C"))
        elif part == 2 and isinstance(g.get(r, "C"), float):
            ch4n2o[b] = (a, g.get(r, "C"), g.ref(r, "C"), g.get(r, "D"), g.ref(r, "D"))
    rows = []
    for slug, (en_co2, en_ch4) in ROAD.items():
        parts = []
        if en_co2 is not None:
            if en_co2 not in co2:
                raise FactorTableError(
                    f"{ANNOUNCEMENT.name} {SHEET_MOB}: CO2 row '{en_co2}' not found (rows: {list(co2)})."
                )
            zh, v, ref = co2[en_co2]
            parts.append(("CO2", v, ref, zh, "IPCC 2006 Vol. 2 Ch. 3 Table 3.2.1"))
        if en_ch4 is not None:
            if en_ch4 not in ch4n2o:
                raise FactorTableError(
                    f"{ANNOUNCEMENT.name} {SHEET_MOB}: CH4/N2O row '{en_ch4}' not found (rows: {list(ch4n2o)})."
                )
            zh4, v4, ref4, v2, ref2 = ch4n2o[en_ch4]
            parts.append(("CH4", v4, ref4, zh4, "IPCC 2006 Vol. 2 Ch. 3 Table 3.2.2"))
            if isinstance(v2, float):
                parts.append(("N2O", v2, ref2, zh4, "IPCC 2006 Vol. 2 Ch. 3 Table 3.2.2"))
        name_zh = next((p[3] for p in parts if p[0] == "CH4"), parts[0][3])
        if slug == "road-cng":
            name_zh = co2[en_co2][0]
        elif slug == "road-lng":
            name_zh = co2[en_co2][0]
        name_en = (en_ch4 or en_co2).replace("Gas / Diesel Oil", "Gas/Diesel Oil")
        if slug in ("road-cng", "road-lng"):
            name_en = en_co2
        for gas, v, ref, zh, table in parts:
            notes = [f"road transport, {table}, NCV basis, as in the 2024-02-05 announcement 附表一 移動燃燒"]
            if slug == "road-ethanol-cars-brazil" and gas == "CH4":
                notes.append("N2O is 'NA' in the source (not available), so no N2O row")
            if slug.startswith("road-ethanol"):
                notes.append("no CO2 row: the announcement gives no CO2 factor for ethanol (biogenic)")
            lo = hi = None
            en = en_co2 if gas == "CO2" else en_ch4
            got = choose_ci("移動燃燒", zh, en, gas, ci, ci604, errata, f"{DATASET}/{slug}")
            if got:
                plo, phi, ciref = got
                lo, hi = round(v * (1 + plo / 100), 9), round(v * (1 + phi / 100), 9)
                notes.append(f"95 % interval {plo:g} %/+{phi:g} % from {ciref}")
            rows.append(
                {
                    "factor_id": f"{DATASET}/{slug}",
                    "name_zh": name_zh,
                    "name_en": f"{name_en} (road transport)",
                    "kind": "mobile_combustion",
                    "gas": gas,
                    "value": v,
                    "unit": f"kg {gas}/TJ",
                    "value_low": lo,
                    "value_high": hi,
                    "basis": "NCV",
                    "source_ref": ref,
                    "note": "; ".join(notes),
                }
            )
    return rows


def main() -> None:
    """Build factors/ipcc-2006/."""
    errata: dict[str, str] = {}
    ci = workbook_ci(errata)
    ncv = read_ncv(errata)
    ci604 = table604_ci()
    rows = build_stationary(ci, ci604, ncv, errata) + build_mobile(ci, ci604, errata)
    df = pd.DataFrame(rows)
    for u in df["unit"].unique():
        split_factor_unit(u)
    for u in df["heat_value_unit"].dropna().unique():
        multiplier(u, "MJ/kg")
    bad = df[(df["value_low"].notna()) & ((df["value_low"] > df["value"]) | (df["value_high"] < df["value"]))]
    if len(bad):
        raise FactorTableError(f"bounds do not contain the value: {bad[['factor_id', 'gas']].values.tolist()}")
    meta = {
        "title": "2006 IPCC Guidelines default combustion emission factors (as carried by MOENV files)",
        "title_zh": "2006 IPCC 國家溫室氣體清冊指引 燃料燃燒預設排放係數",
        "publisher": "IPCC (values as reproduced by 環境部 MOENV 2024-02-05 公告 附表一 and 清冊表單(範例) 附表一)",
        "edition": "2006 IPCC Guidelines Vol. 2 Ch. 2 Table 2.2, Ch. 3 Tables 3.2.1-3.2.2; NCVs Ch. 1 Table 1.2 via 6.0.4",
        "published": "2006",
        "url": "https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol2.html",
        "licence": "IPCC default values as published by MOENV (政府資料開放授權條款)",
    }
    write_dataset(DATASET, df, meta, [ANNOUNCEMENT, WORKBOOK, TABLE_604], SCRIPT, errata=errata)
    # the [not_built] section: appended in the same TOML style
    meta_path = Path(__file__).resolve().parent.parent / "factors" / DATASET / "meta.toml"
    text = meta_path.read_text(encoding="utf-8")
    extra = ["", "[not_built]"] + [f'"{k}" = "{v}"' for k, v in NOT_BUILT.items()]
    meta_path.write_text(text + "\n".join(extra) + "\n", encoding="utf-8")
    print(f"{DATASET}: {df['factor_id'].nunique()} ids, {len(df)} rows")


if __name__ == "__main__":
    main()
