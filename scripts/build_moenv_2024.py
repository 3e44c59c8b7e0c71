"""Build ``factors/moenv-2024/`` from the MOENV announcement 「溫室氣體排放係數」 of 2024-02-05.

Source: ``factors/sources/taiwan/moenv-emission-factors-announcement-2024-02-05.ods``
(環部授氣字第1139101231號; 附表一 combustion, 附表二 process, 附表三 fugitive; 附表四 GWP is
built elsewhere).  The announcement gives no 95 % intervals and no 原燃物料代碼; both are
taken from the official inventory workbook ``moenv-inventory-workbook-sample.ods`` 附表一,
which lists the announced factors per code with the IPCC 95 % interval in percent.  The
announcement leaves the heat value (LHV) to the entity, so ``heat_value`` is empty on every
row: the engine asks for it, or falls back to another dataset's heat value and says so.

Writes ``factors.csv``, ``refrigeration_equipment.csv``, ``wastewater_mcf.csv``,
``wastewater_bo.csv``, ``solid_waste_parameters.csv`` and ``meta.toml``.

Run: ``.venv/bin/python scripts/build_moenv_2024.py`` (deterministic, re-runnable).
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _build import write_dataset  # noqa: E402
from build_moenv_604 import (  # noqa: E402
    ANNOUNCEMENT,
    BIOGENIC_NOTE,
    SHEET_PROC,
    WORKBOOK,
    Grid,
    clean,
    equipment_codes,
    parse_range,
    sig,
    slugify,
)
from build_moenv_604 import SRC as SRC_604  # noqa: E402

from carbon.errors import FactorTableError  # noqa: E402
from carbon.units import split_factor_unit  # noqa: E402

DATASET = "moenv-2024"
SCRIPT = "scripts/build_moenv_2024.py"
SRC = ANNOUNCEMENT
ANNOUNCED = "2024-02-05"
SHEET_ST = "附表一_固定燃燒排放源排放係數"
SHEET_MO = "附表一_移動燃燒排放源排放係數"
SHEET_FUG = "附表三"
PROCESS_SHEETS = [
    "附表二_非金屬礦物製品製造",
    "附表二_化學製品製造",
    "附表二_金屬製品製造",
    "附表二_非能源產品使用或生產",
    "附表二_電子製品製造",
]

ERRATA: dict[str, str] = {}
GAPS: list[str] = []
CI_CONFLICTS: list[str] = []

STATIONARY_SLUGS = {
    "原油": "crude-oil",
    "奧里油": "orimulsion",
    "液化天然氣": "ngl",  # labelled Natural Gas Liquids with NGL factors: see erratum lng-labelled-ngl
    "車用汽油": "motor-gasoline",
    "航空汽油": "aviation-gasoline",
    "航空燃油-汽油型": "jet-gasoline",
    "航空燃油-煤油型": "jet-kerosene",
    "其他煤油": "kerosene",
    "頁岩油": "shale-oil",
    "柴油": "diesel",
    "燃料油": "fuel-oil",
    "液化石油氣": "lpg",
    "乙烷": "ethane",
    "石油腦": "naphtha",
    "瀝青": "bitumen",
    "潤滑油": "lubricants",
    "石油焦": "petroleum-coke",
    "煉油廠進料": "refinery-feedstocks",
    "煉油氣": "refinery-gas",
    "石蠟": "paraffin-waxes",
    "白精油": "white-spirit",
    "其他石油產品": "other-petroleum-products",
    "無煙煤": "anthracite",
    "煉焦煤": "coking-coal",
    "其他煙煤": "bituminous-coal",
    "亞煙煤": "sub-bituminous-coal",
    "褐煤": "lignite",
    "油頁岩/焦油砂": "oil-shale",
    "褐煤塊": "brown-coal-briquettes",
    "煤球": "patent-fuel",
    "焦炭": "coke",
    "煤氣焦碳": "gas-coke",
    "煤焦油": "coal-tar",
    "煤氣廠氣體": "gas-works-gas",
    "焦爐氣": "coke-oven-gas",
    "高爐氣": "blast-furnace-gas",
    "轉爐氣": "oxygen-steel-furnace-gas",
    "天然氣": "natural-gas",
    "都市廢棄物-非生質部分": "municipal-waste",
    "事業廢棄物": "industrial-waste",
    "廢油": "waste-oils",
    "泥煤": "peat",
    "木材/廢材": "wood",
    "亞硫酸鹽廢液/黑液": "black-liquor",
    "其他初級固體生質": "other-solid-biomass",
    "木炭": "charcoal",
    "生質汽油": "biogasoline",
    "生質柴油": "biodiesel",
    "其他液體生質燃料": "other-liquid-biofuels",
    "掩埋沼氣": "landfill-gas",
    "污泥沼氣": "sludge-gas",
    "其他氣體生質燃料": "other-biogas",
    "都市廢棄物-生質部分": "municipal-waste-biomass",
}
BIOGENIC = {
    "wood",
    "black-liquor",
    "other-solid-biomass",
    "charcoal",
    "biogasoline",
    "biodiesel",
    "other-liquid-biofuels",
    "landfill-gas",
    "sludge-gas",
    "other-biogas",
    "municipal-waste-biomass",
}
#: workbook 附表一 material (column E) whose code is the primary code of an announced fuel
PRIMARY_MATERIAL = {
    "其他煙煤": "燃料－燃料煤",
    "亞煙煤": "半煙煤",
    "煉焦煤": "燃料－焦煤",
    "石油腦": "石油腦(輕油)",
    "瀝青": "柏油(瀝青)",
    "其他煤油": "煤油",
    "煉油氣": "精煉油氣",
    "焦爐氣": "煉焦爐氣",
    "油頁岩/焦油砂": "燃料－油頁岩",
    "頁岩油": "燃料－頁岩油",
    "奧里油": "燃料－奧里油",
    "煤球": "燃料－煤球",
    "煤焦油": "煤塔",
    "事業廢棄物": "廢棄物－有害事業廢棄物",
    "都市廢棄物-非生質部分": "廢棄物－一般事業廢棄物",
    "其他石油產品": "其他油品",
    "木材/廢材": "廢木材",
    "廢油": "廢油混合物",
    "其他初級固體生質": "其他固態生質燃料",
    "其他液體生質燃料": "其他液態生質燃料",
    "其他氣體生質燃料": "其他氣態生質燃料",
    "掩埋沼氣": "沼氣",
    "污泥沼氣": "沼氣",
    "航空汽油": "航空汽油",
    "航空燃油-汽油型": "航空汽油",
    "航空燃油-煤油型": "航空燃油",
    "木炭": "燒製木炭",
}


#: announced fuels that share a workbook code with another fuel named by that code's material
SHARED_CODE = {
    "生質汽油": "生質柴油 (biodiesel-stationary)",
    "航空燃油-汽油型": "航空汽油 (aviation-gasoline-stationary)",
}


def nospace(s: str) -> str:
    """Remove all whitespace."""
    return re.sub(r"\s+", "", str(s))


# --------------------------------------------------------------------------------------
# workbook 附表一: codes and 95 % intervals (percent) per announced fuel name
# --------------------------------------------------------------------------------------
def workbook_table() -> list[dict]:
    """Rows of workbook 附表一 (combustion part) with code, names, gas, value and CI percent."""
    g = Grid(WORKBOOK, "附表一")
    heads = {
        "B": "排放型式",
        "C": "溫室氣體種類",
        "D": "原(燃)物料或產品代碼",
        "G": "公告「溫室氣體排放係數」之燃料名稱",
        "I": "燃料單位熱值之排放係數",
        "K": "95%信賴區間下限",
        "L": "95%信賴區間上限",
    }
    for c, t in heads.items():
        if g.text(1, c) != t:
            raise g.fail(1, c, f"expected header '{t}', found '{g.text(1, c)}'")
    out = []
    for r in range(2, g.nrows + 1):
        form = g.text(r, "B")
        if form not in ("固定燃燒", "移動燃燒"):
            continue
        out.append(
            {
                "row": r,
                "form": form,
                "gas": g.text(r, "C"),
                "code": g.text(r, "D"),
                "material": g.text(r, "E"),
                "names": [nospace(x) for x in g.text(r, "G").split("/")],
                "name_full": nospace(g.text(r, "G")),
                "value": g.num(r, "I"),
                "lo": g.num(r, "K"),
                "hi": g.num(r, "L"),
                "ref": f"{WORKBOOK.name} {g.ref(r, 'K')}/L",
            }
        )
    return out


def match_workbook(wb: list[dict], form: str, gas: str, name: str) -> list[dict]:
    """Workbook rows of one announced fuel and gas (name or one of 'a/b' names)."""
    n = nospace(name)
    return [w for w in wb if w["form"] == form and w["gas"] == gas and (w["name_full"] == n or n in w["names"])]


def pick(rows: list[dict], name: str) -> dict | None:
    """Primary workbook row: material == name (or the PRIMARY_MATERIAL), else the first row."""
    if not rows:
        return None
    target = PRIMARY_MATERIAL.get(nospace(name), nospace(name))
    for w in rows:
        if nospace(w["material"]) == target:
            return w
    return rows[0]


def ci_from(rows: list[dict], primary: dict | None, value: float) -> tuple[float | None, float | None, str]:
    """95 % bounds from the workbook percent columns; prefer the primary row, else the most common pair."""
    pairs = [(w["lo"], w["hi"], w) for w in rows if w["lo"] is not None and w["hi"] is not None]
    if not pairs:
        return None, None, "no 95% interval in the official workbook 附表一 ('NULL')"
    chosen = None
    if primary is not None and primary["lo"] is not None and primary["hi"] is not None:
        chosen = (primary["lo"], primary["hi"], primary)
    else:
        cnt = Counter((lo, hi) for lo, hi, _ in pairs)
        best = max(cnt.values())
        chosen = next(p for p in pairs if cnt[(p[0], p[1])] == best)
    lo, hi, w = chosen
    others = sorted({(a, b) for a, b, _ in pairs} - {(lo, hi)})
    note = f"95% interval from {w['ref']} ({lo:g}% / +{hi:g}%, code {w['code']})"
    if others:
        note += f"; other codes of this fuel give {others} (%)"
        codes = sorted({x["code"] for a, b, x in pairs if (a, b) != (lo, hi)})
        CI_CONFLICTS.append(
            f"{w['names'][0]} {w['gas']} ({w['form']}): code {w['code']} {lo:g}/+{hi:g} used; codes {', '.join(codes)} give {others}"
        )
    return sig(value * (1 + lo / 100)), sig(value * (1 + hi / 100)), note


# --------------------------------------------------------------------------------------
# 附表一 stationary
# --------------------------------------------------------------------------------------
def stationary(wb: list[dict]) -> list[dict]:
    """Stationary-combustion factors of 附表一 (one row per fuel × gas).

    Parameters
    ----------
    wb : list of dict
        Workbook 附表一 rows from :func:`workbook_table` (codes and 95 % intervals).

    Returns
    -------
    list of dict
        Factor rows; ``value`` and bounds [kg gas/TJ]; no heat value.

    References
    ----------
    .. [1] 環境部公告「溫室氣體排放係數」 2024-02-05, 附表一 一 (2006 IPCC V2 Ch2 T2.2).
    """
    g = Grid(SRC, SHEET_ST)
    if "kg/TJ" not in g.text(7, "E") or [g.text(8, c) for c in "EFG"] != ["CO2", "CH4", "N2O"]:
        raise g.fail(8, "E", "header changed (expected kg/TJ and CO2/CH4/N2O in E..G)")
    ng_row = next((r for r in range(9, g.nrows + 1) if g.text(r, "A") == "天然氣"), None)
    if ng_row is None:
        raise g.fail(9, "A", "row 天然氣 not found")
    ng_co2 = g.num(ng_row, "E")
    out: list[dict] = []
    group = group_en = ""
    for r in range(9, g.nrows + 1):
        a = g.text(r, "A")
        if a.startswith("註"):
            break
        if a:
            group, group_en = a, clean(g.text(r, "C"))
        sub = g.text(r, "B")
        name_zh = sub or group
        name_en = clean(g.text(r, "D")) if sub else group_en
        key = nospace(name_zh)
        if key not in STATIONARY_SLUGS:
            raise g.fail(r, "A", f"fuel '{name_zh}' has no slug; add it to STATIONARY_SLUGS in {SCRIPT}")
        slug = STATIONARY_SLUGS[key]
        notes = []
        if sub:
            notes.append(f"group {group} ({group_en})")
        if slug in BIOGENIC:
            notes.append(BIOGENIC_NOTE)
        if slug == "bituminous-coal":
            notes.append(
                "bituminous-coal-stationary = 其他煙煤 (Other Bituminous Coal); 6.0.4 rows 燃料煤/煙煤 map here"
            )
        if slug == "kerosene":
            notes.append("kerosene-stationary = 其他煤油 (Other Kerosene), the 6.0.4 fuel 煤油")
        code = ""
        if key == "液化天然氣":
            notes.append(erratum_lng(g, r, name_en, ng_co2, ng_row))
        for gas, col in (("CO2", "E"), ("CH4", "F"), ("N2O", "G")):
            v = g.num(r, col)
            if v is None:
                raise g.fail(r, col, f"{gas} factor is not a number: {g.get(r, col)!r}")
            rows = match_workbook(wb, "固定燃燒", gas, name_zh)
            prim = pick(rows, name_zh)
            row_notes = list(notes)
            for w in rows:
                if w["value"] is not None and not math.isclose(w["value"], v):
                    raise g.fail(
                        r, col, f"workbook {w['ref']} gives {w['value']} for {name_zh} {gas}, announcement {v}"
                    )
            if key == "液化天然氣":
                low = high = None
                row_notes.append("no code and no interval attached on purpose (see erratum lng-labelled-ngl)")
            else:
                low, high, ci_note = (
                    ci_from(rows, prim, v) if rows else (None, None, "fuel not listed in workbook 附表一")
                )
                row_notes.append(ci_note)
                if prim is not None and not code:
                    code = prim["code"]
                if rows:
                    codes = sorted({w["code"] for w in rows})
                    row_notes.append(
                        f"workbook 附表一 codes {', '.join(codes)}; moenv_code = primary {prim['code']} ({prim['material']})"
                    )
            if key in SHARED_CODE:
                row_notes.append(f"no moenv_code: the workbook code of this row belongs to {SHARED_CODE[key]}")
            row_notes.append("heat value: not fixed by the announcement (entity supplies the LHV)")
            out.append(
                {
                    "factor_id": f"{DATASET}/{slug}-stationary",
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "kind": "stationary_combustion",
                    "moenv_code": "" if key in ("液化天然氣", *SHARED_CODE) else (prim["code"] if prim else ""),
                    "gas": gas,
                    "value": v,
                    "unit": f"kg {gas}/TJ",
                    "value_low": low,
                    "value_high": high,
                    "basis": "NCV",
                    "valid_from": ANNOUNCED,
                    "announced": ANNOUNCED,
                    "source_ref": g.ref(r, col),
                    "note": "; ".join(row_notes),
                }
            )
    return out


def erratum_lng(g: Grid, r: int, name_en: str, ng_co2: float | None, ng_row: int) -> str:
    """附表一 row 液化天然氣 carries the English name and factors of NGLs (FACTS §1.6)."""
    v = g.num(r, "E")
    if "Natural Gas Liquids" not in name_en or v is None or ng_co2 is None or math.isclose(v, ng_co2):
        msg = (
            f"{SRC.name}, {g.ref(r, 'A')}: erratum 'lng-labelled-ngl' expected 液化天然氣 labelled 'Natural Gas Liquids' "
            f"with a CO2 factor different from 天然氣 ({g.ref(ng_row, 'E')}); found '{name_en}', {v!r}. "
            f"The defect is gone: review {SCRIPT}."
        )
        raise FactorTableError(msg)
    ERRATA["lng-labelled-ngl"] = (
        f"{g.ref(r, 'A')} 「液化天然氣」 (LNG) is translated 'Natural Gas Liquids (NGLs)' and carries the IPCC NGL factors "
        f"({v:g} kg CO2/TJ, {g.ref(r, 'E')}) instead of natural gas ({ng_co2:g}, {g.ref(ng_row, 'E')}); LNG is natural gas "
        "(the mobile table gives 液化天然氣 the natural-gas CO2 factor). Written as id ngl-stationary with the published names and no "
        "moenv_code; there is deliberately no lng-stationary id: use natural-gas-stationary for LNG. The official "
        "workbook 附表一 maps code 050004 液化天然氣 to these NGL factors."
    )
    return (
        "erratum lng-labelled-ngl: published name 液化天然氣 (LNG) but NGL factors; for LNG use natural-gas-stationary"
    )


# --------------------------------------------------------------------------------------
# 附表一 mobile
# --------------------------------------------------------------------------------------
MOBILE_CO2 = {
    "車用汽油": "motor-gasoline",
    "柴油": "diesel",
    "液化石油氣": "lpg",
    "煤油": "kerosene",
    "潤滑油": "lubricants",
    "壓縮天然氣": "cng",
    "液化天然氣": "lng",
}
#: CH4/N2O rows -> ids; the CO2 of each id comes from the CO2 row named second
MOBILE_NON_CO2 = {
    "車用汽油-氧化觸媒": ("motor-gasoline", "車用汽油"),
    "車用汽油-未控制": ("motor-gasoline-uncontrolled", "車用汽油"),
    "車用汽油-1995年後之低里程輕型車輛": ("motor-gasoline-low-mileage-ldv-1995", "車用汽油"),
    "柴油": ("diesel", "柴油"),
    "液化石油氣": ("lpg", "液化石油氣"),
    "天然氣": ("cng", "壓縮天然氣"),
    "乙醇,卡車": ("ethanol-trucks-us", None),
    "乙醇,汽車": ("ethanol-cars-brazil", None),
}


VARIANTS = {
    "motor-gasoline-uncontrolled": ("motor-gasoline", "uncontrolled"),
    "motor-gasoline-low-mileage-ldv-1995": ("motor-gasoline", "low-mileage-ldv-1995"),
}


def mobile(wb: list[dict]) -> list[dict]:
    """Mobile-combustion factors: the CO2 table (IPCC T3.2.1) joined with the CH4/N2O table (T3.2.2).

    Parameters
    ----------
    wb : list of dict
        Workbook 附表一 rows from :func:`workbook_table`.

    Returns
    -------
    list of dict
        Factor rows [kg gas/TJ]; gasoline variants as ``motor-gasoline-mobile-<variant>``.

    References
    ----------
    .. [1] 環境部公告 2024-02-05, 附表一 二 (2006 IPCC V2 Ch3 T3.2.1, T3.2.2).
    """
    g = Grid(SRC, SHEET_MO)
    if g.text(8, "C") != "CO2" or "kg/TJ" not in g.text(7, "C"):
        raise g.fail(8, "C", "CO2 table header changed")
    hdr2 = next((r for r in range(9, g.nrows + 1) if g.text(r, "C") == "CH4" and g.text(r, "D") == "N2O"), None)
    if hdr2 is None:
        raise g.fail(9, "C", "CH4/N2O table header not found")
    co2: dict[str, tuple[int, str, float]] = {}
    for r in range(9, hdr2):
        a = g.text(r, "A")
        if a.startswith("註"):
            break
        if not a:
            continue
        v = g.num(r, "C")
        if v is None:
            raise g.fail(r, "C", "CO2 factor is not a number")
        co2[nospace(a)] = (r, clean(g.text(r, "B")), v)
    non: dict[str, tuple[int, str]] = {}
    for r in range(hdr2 + 1, g.nrows + 1):
        a = g.text(r, "A")
        if a.startswith("註"):
            break
        if not a:
            continue
        non[nospace(a)] = (r, clean(g.text(r, "B")))
    for k in MOBILE_CO2:
        if k not in co2:
            raise g.fail(9, "A", f"mobile CO2 row '{k}' not found")
    for k in non:
        if k not in MOBILE_NON_CO2:
            raise g.fail(non[k][0], "A", f"mobile row '{k}' has no id; add it to MOBILE_NON_CO2")

    out: list[dict] = []

    def add(
        fid_slug: str, name_zh: str, name_en: str, gas: str, v: float, ref: str, notes: list[str], code: str, ci: tuple
    ) -> None:
        # vehicle-technology variants of a fuel: '<fuel>-mobile-<variant>' (the fuel's default stays '<fuel>-mobile')
        variant = VARIANTS.get(fid_slug)
        fid = f"{DATASET}/{variant[0]}-mobile-{variant[1]}" if variant else f"{DATASET}/{fid_slug}-mobile"
        out.append(
            {
                "factor_id": fid,
                "name_zh": name_zh,
                "name_en": name_en,
                "kind": "mobile_combustion",
                "moenv_code": code,
                "gas": gas,
                "value": v,
                "unit": f"kg {gas}/TJ",
                "value_low": ci[0],
                "value_high": ci[1],
                "basis": "NCV",
                "valid_from": ANNOUNCED,
                "announced": ANNOUNCED,
                "source_ref": ref,
                "note": "; ".join([*notes, "heat value: not fixed by the announcement (entity supplies the LHV)"]),
            }
        )

    def wb_ci(gas: str, names: list[str], v: float) -> tuple[float | None, float | None, str, str]:
        rows = [w for n in names for w in match_workbook(wb, "移動燃燒", gas, n)]
        for w in rows:
            if w["value"] is not None and not math.isclose(w["value"], v):
                raise FactorTableError(f"workbook {w['ref']} gives {w['value']} for {names} {gas}, announcement {v}")
        prim = pick(rows, names[0]) if rows else None
        if not rows:
            return None, None, "no 95% interval (fuel/gas not listed in workbook 附表一)", ""
        lo, hi, note = ci_from(rows, prim, v)
        return lo, hi, note, prim["code"] if prim else ""

    done_co2: set[str] = set()
    for key, (slug, co2_key) in MOBILE_NON_CO2.items():
        if key not in non:
            raise g.fail(hdr2, "A", f"mobile CH4/N2O row '{key}' not found")
        r, en = non[key]
        name_zh = g.text(r, "A")
        notes = []
        code = ""
        if slug == "motor-gasoline":
            notes.append("default for gasoline vehicles (oxidation catalyst), as in 6.0.4 and the official workbook")
        if slug.startswith("ethanol"):
            notes.append("ethanol vehicles: CO2 of ethanol is biogenic and not given in this table")
        if co2_key:
            cr, cen, cv = co2[co2_key]
            lo, hi, note, code = wb_ci("CO2", [co2_key], cv)
            add(
                slug,
                name_zh,
                en,
                "CO2",
                cv,
                f"{g.ref(cr, 'C')} (CO2 row {co2_key})",
                [*notes, note, f"CO2 row name {co2_key} / {cen}"],
                code,
                (lo, hi),
            )
            done_co2.add(co2_key)
        for gas, col in (("CH4", "C"), ("N2O", "D")):
            v = g.num(r, col)
            if v is None:
                notes_na = f"{gas} given as {g.get(r, col)!r} ({g.ref(r, col)}): no factor written"
                GAPS.append(f"{name_zh} {notes_na}")
                continue
            wb_names = ["車用汽油-氧化觸媒"] if slug == "motor-gasoline" else [name_zh.replace("天然氣", "天然氣")]
            if slug in ("motor-gasoline-uncontrolled", "motor-gasoline-low-mileage-ldv-1995"):
                wb_names = [name_zh]
            lo, hi, note, c2 = wb_ci(gas, wb_names, v)
            add(slug, name_zh, en, gas, v, g.ref(r, col), [*notes, note], code or c2, (lo, hi))
    for key, slug in MOBILE_CO2.items():
        if key in done_co2:
            continue
        cr, cen, cv = co2[key]
        lo, hi, note, code = wb_ci("CO2", [key], cv)
        extra = "the mobile table 3.2.2 of the announcement gives no CH4/N2O for this fuel"
        if slug == "lng":
            r, en = non["天然氣"]
            extra = f"CH4/N2O from the row 天然氣 (Natural Gas) of table 3.2.2 ({g.ref(r)})"
            for gas, col in (("CH4", "C"), ("N2O", "D")):
                v = g.num(r, col)
                lo2, hi2, note2, _ = wb_ci(gas, ["天然氣"], v)
                add(slug, g.text(cr, "A"), cen, gas, v, g.ref(r, col), [note2, extra], code, (lo2, hi2))
        add(slug, g.text(cr, "A"), cen, "CO2", cv, g.ref(cr, "C"), [note, extra], code, (lo, hi))
    return out


# --------------------------------------------------------------------------------------
# 附表三: wastewater, refrigeration, solid waste
# --------------------------------------------------------------------------------------
def fugitive() -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Extra tables of 附表三 and the wastewater / septic factors Bo × MCF derived from them."""
    g = Grid(SRC, SHEET_FUG)
    sec = {}
    for r in range(1, g.nrows + 1):
        a = g.text(r, "A")
        if re.match(r"^[一二三四]、", a):
            sec[a[0]] = r
    if set(sec) != {"一", "二", "三", "四"}:
        raise g.fail(1, "A", f"sections 一..四 not all found: {sec}")
    # Bo (表1)
    bo = []
    for r in range(sec["一"], sec["二"]):
        m = re.match(r"^(\d+(?:\.\d+)?)\s*（公斤甲烷/公斤(BOD|COD)）", g.text(r, "B"))
        if m:
            bo.append(
                {
                    "basis": m.group(2),
                    "bo": float(m.group(1)),
                    "unit": f"kg CH4/kg {m.group(2)}",
                    "source_ref": g.ref(r, "B"),
                    "scope": "domestic",
                }
            )
    m = re.search(
        r"預設值為(\d+(?:\.\d+)?)（公斤甲烷/公斤COD）", "".join(g.text(r, "B") for r in range(sec["二"], sec["三"]))
    )
    if len(bo) != 2 or not m:
        raise g.fail(sec["一"], "B", "Bo values (BOD, COD; industrial COD default) not found")
    ind_row = next(r for r in range(sec["二"], sec["三"]) if "預設值為" in g.text(r, "B"))
    bo.append(
        {
            "basis": "COD",
            "bo": float(m.group(1)),
            "unit": "kg CH4/kg COD",
            "source_ref": g.ref(ind_row, "B"),
            "scope": "industrial",
        }
    )
    bo_df = pd.DataFrame(bo)

    mcf_rows = []
    for scope, a, b in (("domestic", sec["一"], sec["二"]), ("industrial", sec["二"], sec["三"])):
        hdr = next((r for r in range(a, b) if g.text(r, "C").startswith("甲烷修正係數")), None)
        if hdr is None:
            raise g.fail(a, "C", "MCF header not found")
        group = ""
        for r in range(hdr + 1, b):
            name = g.text(r, "B")
            if not name or name.startswith("註"):
                continue
            v = g.num(r, "C")
            if v is None:
                group = name
                continue
            rng_raw = g.text(r, "D")
            rng = parse_range(rng_raw) or ((g.num(r, "D"),) * 2 if g.num(r, "D") is not None else (None, None))
            mcf_rows.append(
                {
                    "scope": scope,
                    "group": group,
                    "system_zh": name,
                    "mcf": v,
                    "mcf_low": rng[0],
                    "mcf_high": rng[1],
                    "range_raw": rng_raw,
                    "source_ref": g.ref(r, "C"),
                }
            )
    mcf = pd.DataFrame(mcf_rows)

    # derived factors kg CH4 / kg BOD (domestic) or COD (industrial) = Bo × MCF
    factors = []
    used = set()
    for rec in mcf_rows:
        for b in bo:
            if b["scope"] != rec["scope"]:
                continue
            slug = f"wastewater-{rec['scope']}-{slugify(WW_SLUG.get(rec['system_zh'], rec['system_zh']))}-{b['basis'].lower()}"
            if rec["system_zh"] not in WW_SLUG:
                raise g.fail(0, "B", f"wastewater system '{rec['system_zh']}' has no slug; add it to WW_SLUG")
            if slug in used:
                continue
            used.add(slug)
            is_septic = rec["system_zh"] == "化糞池系統"
            factors.append(
                {
                    "factor_id": f"{DATASET}/{'septic-tank-' + b['basis'].lower() if is_septic else slug}",
                    "name_zh": f"{'生活廢水' if rec['scope'] == 'domestic' else '工業廢水'} {rec['system_zh']} (每公斤{b['basis']})",
                    "name_en": f"{'Domestic' if rec['scope'] == 'domestic' else 'Industrial'} wastewater, {WW_SLUG[rec['system_zh']].replace('-', ' ')}, per kg {b['basis']}",
                    "kind": "septic" if is_septic else "wastewater",
                    "gas": "CH4",
                    "value": sig(b["bo"] * rec["mcf"]),
                    "unit": "kg CH4/kg",
                    "value_low": sig(b["bo"] * rec["mcf_low"]) if rec["mcf_low"] is not None else None,
                    "value_high": sig(b["bo"] * rec["mcf_high"]) if rec["mcf_high"] is not None else None,
                    "u_dist": "uniform" if rec["mcf_low"] is not None and rec["mcf_low"] != rec["mcf_high"] else "",
                    "valid_from": ANNOUNCED,
                    "announced": ANNOUNCED,
                    "source_ref": f"{b['source_ref']} (Bo) × {rec['source_ref']} (MCF)",
                    "note": (
                        f"derived in {SCRIPT}: Bo {b['bo']:g} kg CH4/kg {b['basis']} × MCF {rec['mcf']:g} (附表三 eq. 6.2/6.4); "
                        f"activity = kg {b['basis']} in the wastewater (per-unit 'kg' means kg {b['basis']}); "
                        f"interval from the MCF range '{rec['range_raw']}'; biogenic CH4"
                    ),
                }
            )

    # refrigeration (三)
    codes = equipment_codes()
    refr = []
    hdr = next((r for r in range(sec["三"], sec["四"]) if g.text(r, "C") == "初始排放"), None)
    if hdr is None or g.text(hdr, "D") != "運行排放":
        raise g.fail(sec["三"], "C", "refrigeration header 初始排放/運行排放 not found")
    for r in range(hdr + 1, sec["四"]):
        name = g.text(r, "B")
        if not name or name.startswith("註"):
            continue
        inst, oper = parse_range(g.text(r, "C")), parse_range(g.text(r, "D"))
        if inst is None or oper is None:
            raise g.fail(r, "C", f"cannot read ranges {g.text(r, 'C')!r} / {g.text(r, 'D')!r}")
        code_name = REFR_CODE_NAME.get(name)
        if code_name is None or code_name not in codes:
            raise g.fail(r, "B", f"equipment '{name}' has no code mapping to workbook 附表六")
        code, code_ref = codes[code_name]
        refr.append(
            {
                "equipment_code": code,
                "name_zh": name,
                "code_name_zh": code_name,
                "install_rate_low_pct": inst[0],
                "install_rate_high_pct": inst[1],
                "operating_rate_low_pct_per_yr": oper[0],
                "operating_rate_high_pct_per_yr": oper[1],
                "source_ref": f"{g.ref(r)}; code {code_ref}",
            }
        )
    if len(refr) != 8:
        raise g.fail(hdr, "B", f"expected 8 refrigeration rows, found {len(refr)}")

    # solid waste (四): OX, MCF, DOC and biological treatment EFs, cell by cell
    sw = []
    table = ""
    last_item = ""
    cols: dict[str, str] = {}
    for r in range(sec["四"], g.nrows + 1):
        b = g.text(r, "B")
        if re.match(r"^表\d", b) or b.startswith("（"):
            table = clean(b)
            cols = {}
            continue
        cont = {c: g.text(r, c) for c in "CDEFG" if g.text(r, c)}
        if not b and cont and not any(t.startswith("(") or g.num(r, c) is not None for c, t in cont.items()):
            snap = dict(cols)
            for c, t in cont.items():
                prev = snap.get(c) or snap.get(chr(ord(c) - 1), "") or cols.get(chr(ord(c) - 1), "")
                cols[c] = clean(f"{prev} {t}")
            continue
        if b.startswith("註") or not b:
            if g.text(r, "C").startswith("("):
                for c in "CD":
                    if g.text(r, c):
                        sw.append(
                            {
                                "table": table,
                                "item": last_item,
                                "column": cols.get(c, c) + " 95% range",
                                "value_raw": g.text(r, c),
                                "value": None,
                                "source_ref": g.ref(r, c),
                            }
                        )
            continue
        texts = {c: g.text(r, c) for c in "CDEFG" if g.text(r, c)}
        if (
            texts
            and all(g.num(r, c) is None for c in texts)
            and not any(re.match(r"^[\d.]", t) for t in texts.values())
        ):
            cols = {c: clean(t) for c, t in texts.items()}
            continue
        if "=" in b or "其中" in b or "表" in b[:2]:
            continue
        last_item = clean(b)
        for c in texts:
            sw.append(
                {
                    "table": table,
                    "item": last_item,
                    "column": cols.get(c, c),
                    "value_raw": texts[c],
                    "value": g.num(r, c),
                    "source_ref": g.ref(r, c),
                }
            )
    factors += biological_treatment(sw)
    tables = {
        "refrigeration_equipment.csv": pd.DataFrame(refr),
        "wastewater_mcf.csv": mcf,
        "wastewater_bo.csv": bo_df,
        "solid_waste_parameters.csv": pd.DataFrame(sw),
    }
    return factors, tables


def biological_treatment(sw: list[dict]) -> list[dict]:
    """Composting / anaerobic-digestion CH4 and N2O per kg of waste treated (附表三 四(二), IPCC 2006 V5 T4.1)."""
    what = {
        "堆肥處理": ("composting", "Composting"),
        "厭氧分解": ("anaerobic-digestion", "Anaerobic digestion at biogas facilities"),
    }
    basis = {"乾重": ("dry", "dry weight"), "濕重": ("wet", "wet weight")}
    gases = {"甲烷排放係數": "CH4", "氧化亞氮排放係數": "N2O"}
    out = []
    for rec in sw:
        if not rec["table"].startswith("（二）") or rec["value"] is None or rec["item"] not in what:
            continue
        col = rec["column"]
        gas = next((v for k, v in gases.items() if col.startswith(k)), None)
        b = next((v for k, v in basis.items() if col.endswith(k)), None)
        if gas is None or b is None or "（克/公斤廢棄物）" not in col:
            msg = f"{SRC.name}, {rec['source_ref']}: cannot read biological-treatment column '{col}'"
            raise FactorTableError(msg)
        rng = next((x for x in sw if x["item"] == rec["item"] and x["column"] == f"{col} 95% range"), None)
        lo = hi = None
        if rng is not None:
            m = re.fullmatch(r"\((\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\)", rng["value_raw"])
            if m:
                lo, hi = float(m.group(1)), float(m.group(2))
        slug, en = what[rec["item"]]
        out.append(
            {
                "factor_id": f"{DATASET}/{slug}-{b[0]}",
                "name_zh": f"固體廢棄物生物處理 {rec['item']} ({'乾重' if b[0] == 'dry' else '濕重'})",
                "name_en": f"{en}, per kg waste treated ({b[1]})",
                "kind": "fugitive",
                "gas": gas,
                "value": rec["value"],
                "unit": f"g {gas}/kg",
                "value_low": lo,
                "value_high": hi,
                "valid_from": ANNOUNCED,
                "announced": ANNOUNCED,
                "source_ref": rec["source_ref"] + (f"; range {rng['source_ref']}" if rng else ""),
                "u_dist": "uniform" if lo is not None else "",
                "note": (
                    f"activity = kg of organic waste treated on a {b[1]} basis; CH4 recovered is subtracted separately "
                    "(附表三 四(二)); value_low/value_high = the range printed under the value (IPCC range, not a 95% interval)"
                ),
            }
        )
    return out


WW_SLUG = {
    "海洋、河、湖排放": "sea-river-lake-discharge",
    "排放至海、河與湖": "sea-river-lake-discharge",
    "不流動的下水道": "stagnant-sewer",
    "流動順暢的下水道": "flowing-sewer",
    "好氧處理（妥善管理）": "aerobic-well-managed",
    "好氧處理（未妥善管理，過載）": "aerobic-overloaded",
    "污泥厭氧消化處理": "anaerobic-sludge-digester",
    "厭氧污泥消化處理": "anaerobic-sludge-digester",
    "厭氧反應": "anaerobic-reactor",
    "淺厭氧塘": "anaerobic-shallow-lagoon",
    "淺水之厭氧反應（深度不足2米)": "anaerobic-shallow-lagoon",
    "深厭氧塘": "anaerobic-deep-lagoon",
    "深水之厭氧反應（深度超過2米)": "anaerobic-deep-lagoon",
    "化糞池系統": "septic-system",
    "公共廁所(3~5人)": "latrine-small",
    "公共廁所(多人)": "latrine-communal",
    "公共廁所(地表水面高於公廁)": "latrine-wet",
    "公共廁所(堆肥定期移除)": "latrine-sediment-removal",
}
#: 附表三 refrigeration names -> the equipment names of workbook 附表六 (codes 4090–4097)
REFR_CODE_NAME = {
    "家用的冷凍、冷藏裝備": "家用冷凍、冷藏裝備",
    "獨立商用的冷凍、冷藏裝備": "獨立商用冷凍、冷藏裝備",
    "中、大型的冷凍、冷藏裝備": "中、大型冷凍、冷藏裝備",
    "運輸用的冷凍、冷藏裝備": "交通用冷凍、冷藏裝備",
    "工業冷凍、冷藏裝備，包括食品加工及冷藏": "工業冷凍、冷藏裝備，包括食品加工及冷藏",
    "冰水機": "冰水機",
    "住宅及商業建築空調": "住宅及商業建築冷氣機",
    "車輛空調冷媒": "移動式空氣清靜機",
}


# --------------------------------------------------------------------------------------
# 附表二 process factors: simple tables whose header (or row label) names gas and unit
# --------------------------------------------------------------------------------------
GASES = r"(CO2|CH4|N2O|CF4|C2F6|SF6|NF3)"
HDR_UNIT = re.compile(rf"^{GASES}(?:排放係數)?\s*[（(]\s*(公噸|公斤)\s*/\s*(公噸|公斤|兆焦耳|吉焦耳)\s*([^）)]*)[）)]$")
ROW_UNIT = re.compile(rf"[（(]\s*(公噸|公斤)\s*{GASES}?\s*/\s*(公噸|公斤|兆焦耳|吉焦耳)\s*([^）)]*)[）)]")
MASS = {"公噸": "t", "公斤": "kg"}
PER = {"公噸": "t", "公斤": "kg", "兆焦耳": "TJ", "吉焦耳": "GJ"}
NUM_FOOT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*註\s*\d*\s*$")


def number(v) -> tuple[float | None, str]:
    """A cell as a number; '0.52註1' -> (0.52, 'footnote mark removed'); otherwise (None, '')."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v), ""
    m = NUM_FOOT.match(str(v))
    if m:
        return float(m.group(1)), f"cell text {str(v)!r}: footnote mark removed"
    m = SCI_TEXT.match(str(v))
    if m:
        return float(f"{m.group(1)}e-{m.group(2)}"), f"cell text {str(v)!r} read as {m.group(1)}e-{m.group(2)}"
    return None, ""


SCI_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[×x]\s*10\s*-\s*(\d+)\s*$")


def split_name(text: str) -> tuple[str, str]:
    """'高鈣石灰\\n(High-calcium lime)' -> ('高鈣石灰', 'High-calcium lime')."""
    t = str(text).strip()
    parts = t.split("\n", 1)
    zh = clean(parts[0])
    en = clean(parts[1]) if len(parts) > 1 else ""
    if not en:
        m = re.search(r"[（(]([A-Za-z][^（）()]*(?:\([^()]*\)[^（）()]*)*)[）)]\s*$", zh)
        if m:
            en = m.group(1).strip()
    if en[:1] in "(（" and en[-1:] in ")）":
        en = en[1:-1].strip()
    return zh, en


def process() -> tuple[list[dict], list[str]]:
    """Process factors of 附表二 from simple one-column tables; other tables are listed as not parsed."""
    out: list[dict] = []
    skipped: list[str] = []
    used: set[str] = set()
    for sheet in PROCESS_SHEETS:
        g = Grid(SRC, sheet)
        topic = ""
        r = 1
        while r <= g.nrows:
            a = g.text(r, "A")
            if re.match(r"^（[一二三四五六七八九十]+）", a) or re.match(r"^\d+\.", a):
                topic = clean(a)
            if re.match(rf"^{GASES}排放係數\s*[（(]", nospace(a)) and not g.text(r, "B"):
                skipped.append(f"{sheet} {g.ref(r)} ({topic}): matrix table (header in column A), not parsed")
            hits = []
            for c in range(1, 8):
                t = nospace(g.text(r, c))
                m = HDR_UNIT.match(t)
                if m:
                    hits.append((c, m.group(1), MASS[m.group(2)], PER[m.group(3)], m.group(4)))
                elif re.fullmatch(rf"{GASES}排放係數", t):
                    m2 = HDR_UNIT.match(nospace(f"{t}{g.text(r + 1, c)}"))
                    if m2:
                        hits.append((c, m2.group(1), MASS[m2.group(2)], PER[m2.group(3)], m2.group(4)))
                    else:
                        hits.append((c, t[:3], None, None, ""))
            if not hits:
                r += 1
                continue
            # matrix tables: the row after the header holds column labels (feedstocks) -> not parsed
            nxt = [g.text(r + 1, c) for c, *_ in hits]
            below = g.text(r + 1, hits[0][0])
            if len(hits) == 1 and below and not re.search(r"\d", below) and not below.startswith("（"):
                skipped.append(f"{sheet} {g.ref(r)} ({topic}): matrix table, not parsed")
                r += 1
                continue
            x = r + 1
            while x <= g.nrows:
                ax = g.text(x, "A")
                if ax.startswith("註") or re.match(r"^（[一二三四五六七八九十]+）", ax) or re.match(r"^\d+\.", ax):
                    break
                if not ax:
                    x += 1
                    continue
                zh, en = split_name(g.get(x, "A"))
                formula = ""
                if (
                    re.fullmatch(r"[A-Za-z0-9(),.]+", nospace(g.text(x, "A")))
                    and g.text(x, "B")
                    and all(c > 1 for c, *_ in hits)
                ):
                    formula = nospace(g.text(x, "A"))
                    zh, en = split_name(g.get(x, "B"))
                    zh = f"{zh} ({formula})"
                en = clean(re.sub(r"\s*\(?(?:tonnes?|kg)\s+(?:of\s+)?(?:CO2|CH4|N2O)[^)]*\)?\s*$", "", en))
                en = clean(re.sub(r"\s*\((?:tonnes?|kg)[^()]*(?:\([^()]*\))?[^()]*\)", "", en))
                for c, gas, mass, per, what in hits:
                    raw = g.get(x, c)
                    v, fnote = number(raw)
                    if v is None:
                        if str(raw).strip() not in ("", "NA", "無", "（可忽略）"):
                            skipped.append(f"{sheet} {g.ref(x, c)} = {str(raw)!r} (not a single number)")
                        continue
                    m_unit, m_per, m_what = mass, per, what
                    if mass is None:
                        mu = ROW_UNIT.search(nospace(str(g.get(x, "A")).split("\n")[0]))
                        if not mu:
                            skipped.append(f"{sheet} {g.ref(x, 'A')}: unit not found in the row label")
                            continue
                        m_unit, m_per, m_what = MASS[mu.group(1)], PER[mu.group(3)], mu.group(4)
                        zh = clean(re.sub(r"[（(][^（）()]*[）)]", "", zh.split("註")[0]))
                    if zh.startswith("轉爐氣") and "高爐氣" in nospace(str(g.get(x, "A")).split("\n")[0]):
                        ERRATA["converter-gas-unit-label"] = (
                            f"sheet '{sheet}' rows of 轉爐氣 (converter gas, LDG) state their unit per 高爐氣 (blast-furnace "
                            "gas) in Chinese while the English says LDG; read as per t / GJ of converter gas."
                        )
                        fnote = "; ".join(
                            x_
                            for x_ in (
                                fnote,
                                "unit label says 高爐氣 but the row is converter gas (erratum converter-gas-unit-label)",
                            )
                            if x_
                        )
                    unit = f"{m_unit} {gas}/{m_per}"
                    split_factor_unit(unit)
                    base = slugify(f"{topic_slug(sheet, topic)}-{en or zh}") or "process"
                    if not en:
                        base = f"{topic_slug(sheet, topic)}-{sheet_tag(sheet)}-r{x}"
                    if gas != "CO2":
                        base += f"-{gas.lower()}"
                    if len(hits) > 1:
                        base += f"-per-{slugify(PER_WHAT.get(m_what, m_what)) or 'unit'}"
                    if base in used:
                        base = f"{base}-r{x}"
                    used.add(base)
                    out.append(
                        {
                            "factor_id": f"{DATASET}/process-{base}",
                            "name_zh": f"{topic} {zh}".strip(),
                            "name_en": en or f"{SHEET_EN[sheet]}, {sheet} row {x} (Chinese name only, see name_zh)",
                            "kind": "process",
                            "gas": gas,
                            "value": v,
                            "unit": unit,
                            "valid_from": ANNOUNCED,
                            "announced": ANNOUNCED,
                            "source_ref": f"sheet '{sheet}', row {x}, col {'ABCDEFGH'[c]}",
                            "note": "; ".join(x_ for x_ in (f"per {m_per} of {m_what}" if m_what else "", fnote) if x_),
                        }
                    )
                x += 1
            r = x if x > r + 1 else r + 1
            del nxt
    return out, skipped


CARBIDE_SHEET = "附表二_化學製品製造"


def carbide_columns(rows: list[dict]) -> list[dict]:
    """Correct the 碳化鈣製程 (calcium carbide) table: column C is CO2 per t carbide, not CH4.

    The announcement's header of column C says 「CH4排放係數（公噸/公噸石油焦）」 but its
    cells (1.09 for petroleum coke use, 1.1 for use of product) are the CO2 factors of
    IPCC 2006 Vol. 3 Table 3.8 per tonne of carbide (produced, respectively used): 6.0.4
    sheet 7 carries the same numbers as 公噸CO2/公噸 of 碳化鈣(電石) citing that table, and
    1.09 t CH4 would be about 30 t CO2e per t of coke, far more carbon than the coke holds
    (at most 3.67 t CO2 per t of carbon).  The two rows are written as CO2 per t of carbide.

    Parameters
    ----------
    rows : list of dict
        Process rows from :func:`process`.

    Returns
    -------
    list of dict
        The rows with the two carbide cells re-mapped.

    Raises
    ------
    carbon.errors.FactorTableError
        If the announcement's or 6.0.4's cells are no longer the ones checked here.

    References
    ----------
    .. [1] IPCC 2006 Guidelines, Vol. 3, Ch. 3, Table 3.8 (as cited by the announcement's
       note and by 6.0.4 sheet 7 「2006 IPCC 第三冊第三章表3.8」).
    """
    g = Grid(SRC, CARBIDE_SHEET)
    g6 = Grid(SRC_604, SHEET_PROC)
    header = nospace(g.text(63, "C"))
    expected = {64: ("Petroleum coke use", 1.09, 198), 65: ("Use of product", 1.1, 200)}
    if not header.startswith("CH4") or "石油焦" not in header or "3.8" not in g.text(66, "A"):
        raise g.fail(63, "C", f"carbide header changed ('{header}'): review erratum carbide-column-c")
    by_ref = {r["source_ref"]: r for r in rows}
    for x, (name_en, value, row604) in expected.items():
        ref = f"sheet '{CARBIDE_SHEET}', row {x}, col C"
        v604 = g6.num(row604, "E")
        if (
            g.num(x, "C") != value
            or v604 != value
            or "3.8" not in g6.text(row604, "G")
            or "碳化鈣" not in g6.text(row604, "C")
        ):
            raise g.fail(x, "C", f"carbide cell is not {value} (6.0.4 {g6.ref(row604, 'E')} = {v604})")
        r = by_ref.get(ref)
        if r is None or r["gas"] != "CH4":
            raise g.fail(x, "C", "carbide row not parsed as the CH4 column any more: review carbide_columns")
        r.update(
            factor_id=r["factor_id"].replace("-ch4-per-petroleum-coke", "-per-carbide"),
            gas="CO2",
            unit="t CO2/t",
            note=(
                f"per t of 電石 (calcium carbide {'produced' if x == 64 else 'used'}); the column header says "
                f"'CH4 per t petroleum coke': erratum carbide-column-c (IPCC 2006 Vol. 3 Table 3.8; 6.0.4 "
                f"{g6.ref(row604, 'E')} gives the same {value} t CO2/t carbide)"
            ),
        )
        if r["name_en"] != name_en:
            raise g.fail(x, "A", f"carbide row name changed ('{r['name_en']}')")
    ERRATA["carbide-column-c"] = (
        f"sheet '{CARBIDE_SHEET}', row 63, col C is headed 'CH4排放係數（公噸/公噸石油焦）' but its cells (row 64: 1.09, "
        "row 65: 1.1) are the CO2 factors per t of calcium carbide of IPCC 2006 Vol. 3 Table 3.8 (petroleum coke use "
        "1.09 t CO2/t carbide produced; use of product 1.1 t CO2/t carbide used; the per-t-coke factor 1.7 is column "
        "B). 6.0.4 sheet '7_製程排放源' rows 198 and 200, col E give the same values as 公噸CO2/公噸 碳化鈣, citing "
        "Table 3.8; read as CH4 they would be ~30 t CO2e per t of coke, more carbon than the coke holds. Written as "
        "CO2 per t carbide (ids ...-per-carbide)."
    )
    return rows


PER_WHAT = {
    "石油焦": "petroleum-coke",
    "電石": "carbide",
    "天然鹼礦（Trona": "trona",
    "碳酸鈉（sodaash": "soda-ash",
    "二氯乙烷": "edc",
    "氯乙烯": "vcm",
}


SHEET_EN = {
    "附表二_非金屬礦物製品製造": "Mineral products",
    "附表二_化學製品製造": "Chemical products",
    "附表二_金屬製品製造": "Metal products",
    "附表二_非能源產品使用或生產": "Non-energy products",
    "附表二_電子製品製造": "Electronics",
}


def sheet_tag(sheet: str) -> str:
    """Short ascii tag of a 附表二 sheet."""
    return {
        "附表二_非金屬礦物製品製造": "mineral",
        "附表二_化學製品製造": "chemical",
        "附表二_金屬製品製造": "metal",
        "附表二_非能源產品使用或生產": "non-energy",
        "附表二_電子製品製造": "electronics",
    }[sheet]


def topic_slug(sheet: str, topic: str) -> str:
    """Slug prefix of a 附表二 table: sheet tag plus the table number."""
    m = re.match(r"^（([一二三四五六七八九十]+)）", topic)
    num = "一二三四五六七八九十".index(m.group(1)[-1]) + 1 if m else 0
    return f"{sheet_tag(sheet)}-{num}" if num else sheet_tag(sheet)


def main() -> Path:
    """Build ``factors/moenv-2024/`` from the announcement and the official workbook.

    Returns
    -------
    pathlib.Path
        The dataset directory.

    Raises
    ------
    carbon.errors.FactorTableError
        If a sheet, header or cell is not where the script expects it, or a known defect is
        no longer in its cell.
    """
    ERRATA.clear()
    GAPS.clear()
    CI_CONFLICTS.clear()
    wb = workbook_table()
    rows = stationary(wb) + mobile(wb)
    fug, tables = fugitive()
    proc, skipped = process()
    proc = carbide_columns(proc)
    if "lng-labelled-ngl" not in ERRATA:
        msg = f"{SRC.name}: erratum 'lng-labelled-ngl' not detected; review {SCRIPT}"
        raise FactorTableError(msg)
    g4 = Grid(SRC, "附表四")
    cfc11 = [r for r in range(1, g4.nrows + 1) if "CFC-11" in g4.text(r, "A") or g4.text(r, "B") == "CCl3F"]
    if cfc11:
        msg = f"{SRC.name}, {g4.ref(cfc11[0])}: 附表四 now lists CFC-11; check erratum 'cfc11-ar5' (4,460 vs 4,660) in {SCRIPT}"
        raise FactorTableError(msg)
    ERRATA["cfc11-ar5"] = (
        "The AR5 CFC-11 value 4,460 (AR5 report 4,660) is a defect of 6.0.4 sheet 4 (see moenv-6.0.4 meta.toml); "
        "附表四 of this announcement lists no CFC-11 (checked by the build) and GWPs are not part of this dataset."
    )
    ERRATA["workbook-ci"] = (
        "The announcement has no 95% intervals; they come from the official workbook 附表一 (percent of the value, "
        "3 decimals). Where codes of one fuel disagree, the primary code's pair is used and the others are named in "
        "the row note: " + "; ".join(dict.fromkeys(CI_CONFLICTS))
    )
    df = pd.DataFrame(rows + fug + proc)
    for u, gas in zip(df["unit"], df["gas"], strict=True):
        _, g, _ = split_factor_unit(u)
        if g != gas:
            msg = f"{DATASET}: unit '{u}' does not match gas '{gas}'"
            raise FactorTableError(msg)
    # one moenv_code per id (a gas row may lack a workbook match, e.g. CNG CO2)
    codes = df["moenv_code"].replace("", pd.NA)
    df["moenv_code"] = codes.groupby(df["factor_id"]).transform(
        lambda s: s.dropna().iloc[0] if s.notna().any() else pd.NA
    )
    df["heat_value"] = pd.NA
    df["heat_value_unit"] = pd.NA
    df = df.sort_values(["kind", "factor_id", "gas"], kind="stable").reset_index(drop=True)
    meta = {
        "title": "MOENV announcement: greenhouse gas emission factors (2024-02-05)",
        "title_zh": "環境部公告「溫室氣體排放係數」(中華民國113年2月5日 環部授氣字第1139101231號)",
        "publisher": "環境部 (MOENV, Ministry of Environment, Taiwan)",
        "edition": "2024-02-05",
        "published": "2024-02-05 (環部授氣字第1139101231號; legal basis 溫室氣體排放量盤查登錄及查驗管理辦法 §4-2-1)",
        "url": "https://ghgregistry.moenv.gov.tw/ (announcement workbook; copy listed in docs/FACTS-taiwan.md §10 [S2]) — verify",
        "licence": "Government open data (政府資料開放授權條款第1版); redistributed with attribution",
        "retrieved": "copy in factors/sources/taiwan (see factors/sources/SOURCES.md); retrieval date not recorded",
        "use": "binding for the emission-factor method from 盤查年度 113 (2024); heat value (LHV) supplied by the entity",
        "codes": "moenv_code is not in the announcement: 原燃物料代碼 from the official inventory workbook 附表一 (primary code of the announced fuel; all codes listed in the row note), 設備代碼 from its 附表六",
        "units": "combustion factors in kg <gas>/TJ (NCV); heat_value deliberately empty (the announcement leaves the LHV to the entity)",
        "ci": "value_low/value_high from the official inventory workbook 附表一 95% columns (percent): value × (1 + K/100), value × (1 + L/100), 12 significant digits",
        "not_included": (
            "附表四 GWP (GWP tables); 附表二_電子製品製造 (Tier 2a/2b/2c parameter matrices: (1-Ui), by-product "
            "factors B, abatement DRE — parameters, not per-activity factors); 附表二_非能源產品使用或生產 (formula text "
            "only: 20 t C/TJ × ODU × 44/12); 附表二 cells or tables not parsed: " + "; ".join(skipped)
        ),
        "gaps": "; ".join(GAPS) or "none",
        "table_refrigeration_equipment": "refrigeration_equipment.csv: equipment_code (workbook 附表六), name_zh (附表三), code_name_zh (附表六), install_rate_low/high_pct (初始排放, % of initial charge), operating_rate_low/high_pct_per_yr (運行排放), source_ref",
        "table_wastewater_mcf": "wastewater_mcf.csv: scope (domestic 表2 / industrial), group, system_zh, mcf, mcf_low, mcf_high, range_raw, source_ref",
        "table_wastewater_bo": "wastewater_bo.csv: basis (BOD/COD), bo, unit, source_ref, scope",
        "table_solid_waste_parameters": "solid_waste_parameters.csv: 附表三 四 cell by cell: table, item, column, value_raw, value, source_ref (OX, landfill MCF, DOC, composting / anaerobic-digestion CH4 and N2O g/kg waste)",
    }
    return write_dataset(
        DATASET,
        df,
        meta,
        sources=[SRC, WORKBOOK, SRC_604],
        script=SCRIPT,
        errata=dict(ERRATA),
        extra_tables=tables,
    )


if __name__ == "__main__":
    out = main()
    d = pd.read_csv(out / "factors.csv", comment="#")
    print(f"wrote {out}: {len(d)} rows, {d['factor_id'].nunique()} ids")
    print(d.groupby("kind")["factor_id"].nunique().to_string())
