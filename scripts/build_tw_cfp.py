"""Build ``factors/tw-cfp/``: MOENV product carbon-footprint factors (碳足跡排放係數, open data CFP_P_02).

Source: ``factors/sources/taiwan/moenv-cfp-factors-CFP_P_02.csv`` (1,164 records: name, coe in
kg CO2e per unit, unit, departmentname, announcementyear), checked record by record against
``moenv-cfp-factors-CFP_P_02-snapshot.json`` (same records plus ``source_record_id``).

Each record becomes one id ``tw-cfp/<slug>``: the slug is the Hanyu-pinyin spelling of the
name (``pypinyin``, tone-less), e.g. ``電力碳足跡(2022)`` -> ``tw-cfp/dian-li-tan-zu-ji-2022``.
Names that give the same slug are told apart by ``-<announcement year>`` and, if still equal,
by ``-per-<unit>`` where that makes them unique, else by the first 6 characters of
``source_record_id``.

Every unit string is parsed with :func:`carbon.units.parse_unit` (the Chinese part and the
part in brackets separately, e.g. ``公斤(kg)``); counting words (包, 瓶, 盒 ...) become
``item``; strings carbon cannot read are kept, with their raw text in ``note``, and listed in
``meta.toml`` ``[unparsed]``.  ``unit_map.csv`` lists raw unit -> parsed unit -> count.

Run: ``.venv/bin/python scripts/build_tw_cfp.py`` (deterministic, re-runnable; needs
``pypinyin==0.55.0`` for the slugs).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _build import SOURCES, write_dataset  # noqa: E402

from carbon.errors import FactorTableError, UnitError  # noqa: E402
from carbon.units import multiplier, parse_unit, split_factor_unit  # noqa: E402

DATASET = "tw-cfp"
SCRIPT = "scripts/build_tw_cfp.py"
CSV = SOURCES / "taiwan" / "moenv-cfp-factors-CFP_P_02.csv"
SNAPSHOT = SOURCES / "taiwan" / "moenv-cfp-factors-CFP_P_02-snapshot.json"
EXPECTED_RECORDS = 1164

#: counting words (量詞) used as units: one of them is one item
COUNT_WORDS = {
    "包": "pack",
    "瓶": "bottle",
    "盒": "box",
    "罐": "can",
    "顆": "piece",
    "條": "piece (long item)",
    "桶": "pail/drum (one container, e.g. 18 L of oil)",
    "卷": "roll",
    "捲": "roll",
    "箱": "case",
    "袋": "bag",
    "雙": "pair",
    "杯": "cup",
    "張": "sheet/card",
    "盞": "lamp",
}
#: per-event service units that are counts of events
EVENT_COUNTS = {
    "每人次": "per passenger trip (人次)",
    "每服務人次": "per customer served (服務人次)",
    "每人每餐": "per meal served to one person",
}
#: Chinese parts carbon.units does not know yet -> pint expression used here (listed in the report)
LOCAL = {"平方米": "m**2", "平方公尺": "m**2", "m2": "m**2", "房": "item"}
#: preferred short spellings of parsed units
SHORT = {
    "kilogram": "kg",
    "gram": "g",
    "metric_ton": "t",
    "liter": "L",
    "kL": "kL",
    "meter": "m",
    "meter ** 2": "m**2",
    "meter ** 3": "m**3",
    "kilowatt_hour": "kWh",
    "ton_km": "tkm",
    "passenger_km": "pkm",
    "TEU_km": "TEU_km",
    "item": "item",
    "person": "person",
    "hour * person": "person_hour",
    "hour * meter ** 2": "m**2*hour",
    "day * item": "item*day",
}


def _try(text: str):
    try:
        return parse_unit(text)
    except UnitError:
        return None


def short(unit) -> str:
    """Readable spelling of a pint unit that carbon parses back to the same unit."""
    s = SHORT.get(str(unit), f"{unit:~}".replace(" ", ""))
    if multiplier(s, str(unit)) != 1.0:
        raise FactorTableError(f"unit spelling '{s}' does not round-trip to {unit}.")
    return s


def parse_raw(raw: str) -> tuple[str, str, str]:
    """Parse one raw CFP unit string.

    Returns
    -------
    (per_unit, method, note)
        ``per_unit`` is the activity unit of ``kg CO2e/<per_unit>``; ``method`` says how it
        was read; ``note`` is empty unless something needs attention.
    """
    m = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", raw)
    if m:
        zh, en = m.group(1).strip(), m.group(2).strip()
        uz, ue = _try(zh), _try(en)
        if uz is not None and ue is not None:
            try:
                same = multiplier(str(uz), str(ue)) == 1.0
            except Exception:
                same = False
            if same:
                return short(uz), "carbon.units (Chinese part; bracketed part agrees)", ""
            return (
                short(uz),
                "carbon.units (Chinese part)",
                f"bracketed '{en}' parses as '{ue}' in carbon.units, which disagrees with '{zh}' = {uz}; the Chinese part is used",
            )
        if uz is not None:
            return short(uz), "carbon.units (Chinese part)", f"bracketed '{en}' is not read by carbon.units"
        if ue is not None:
            return short(ue), "carbon.units (bracketed part)", f"Chinese part '{zh}' is not read by carbon.units"
        if en in LOCAL:
            return (
                short(parse_unit(LOCAL[en])),
                "local map (not in carbon.units)",
                f"'{raw}': neither part is read by carbon.units",
            )
    u = _try(raw)
    if u is not None:
        return short(u), "carbon.units", ""
    if raw in COUNT_WORDS:
        return "item", "count word -> item", f"counting word '{raw}' = one {COUNT_WORDS[raw]}"
    if raw in EVENT_COUNTS:
        return "item", "count of events -> item", f"'{raw}' = {EVENT_COUNTS[raw]}"
    # 'per X per Y' strings: drop 每 (per), join the parts as a product
    parts = [p for p in re.split(r"[‧\-]|每", raw) if p]
    units, local, unknown = [], False, []
    for p in parts:
        q = _try(p)
        if q is None and p in LOCAL:
            q, local = parse_unit(LOCAL[p]), True
        if q is None:  # keep the other dimensions, stand in 'item' for the unknown part
            q = parse_unit("item")
            unknown.append(p)
        units.append(q)
    prod = units[0]
    for q in units[1:]:
        prod = prod * q
    if unknown:
        return (
            short(prod),
            "UNPARSED (placeholder item)",
            f"'{raw}' cannot be read: {', '.join(repr(x) for x in unknown)} is not a carbon unit; 'item' stands for one of it",
        )
    method = "local map (not in carbon.units)" if local else "carbon.units after dropping 每 (per)"
    return short(prod), method, ""


def factor_unit(per: str) -> str:
    """``kg CO2e/<per>``, with brackets around a product such as ``item*day``."""
    compound = "*" in per.replace("**", "")
    return f"kg CO2e/({per})" if compound else f"kg CO2e/{per}"


def slug_of(name: str) -> str:
    """Pinyin slug of a Chinese name (ASCII letters and digits kept)."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError as err:  # pragma: no cover - build-time dependency
        msg = "scripts/build_tw_cfp.py needs pypinyin==0.55.0: .venv/bin/pip install pypinyin==0.55.0"
        raise FactorTableError(msg) from err
    toks = lazy_pinyin(name, style=Style.NORMAL)
    s = "-".join(toks).lower().replace("ü", "v")
    s = re.sub(r"[^a-z0-9.]+", "-", s)
    s = re.sub(r"-+", "-", s).strip("-.")
    if len(s) > 90:
        s = s[:90].rsplit("-", 1)[0]
    return s or "x"


def read_records() -> pd.DataFrame:
    """CSV records, checked against the JSON snapshot; adds source_record_id and csv line."""
    df = pd.read_csv(CSV, dtype=str, keep_default_na=False)
    snap = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    rec = pd.DataFrame(snap["records"])
    cols = ["name", "coe", "unit", "departmentname", "announcementyear"]
    if list(df.columns) != cols:
        raise FactorTableError(f"{CSV.name}: columns {list(df.columns)}, expected {cols}.")
    if len(df) != EXPECTED_RECORDS or snap.get("record_count") != EXPECTED_RECORDS or len(rec) != EXPECTED_RECORDS:
        raise FactorTableError(
            f"{CSV.name} has {len(df)} records, snapshot record_count {snap.get('record_count')}, {len(rec)} records; expected {EXPECTED_RECORDS}."
        )
    diff = (rec[cols].values != df[cols].values).any(axis=1)
    if diff.any():
        i = int(diff.argmax())
        raise FactorTableError(
            f"{CSV.name} line {i + 2} differs from {SNAPSHOT.name} record {i}: {df.iloc[i].tolist()} vs {rec.iloc[i][cols].tolist()}"
        )
    df["source_record_id"] = rec["source_record_id"].values
    df["line"] = range(2, len(df) + 2)
    return df


def main() -> None:
    """Build factors/tw-cfp/."""
    df = read_records()
    parsed = {u: parse_raw(u) for u in sorted(df["unit"].unique())}
    df["slug"] = df["name"].map(slug_of)
    # disambiguate: slug -> slug-year -> slug-year-<rid6>
    dup = df.duplicated("slug", keep=False)
    df.loc[dup, "slug"] = df.loc[dup, "slug"] + "-" + df.loc[dup, "announcementyear"]
    dup = df.duplicated("slug", keep=False)
    unit_slug = df["unit"].map(lambda u: re.sub(r"[^a-z0-9]", "", parsed[u][0].lower()))
    with_unit = df["slug"] + "-per-" + unit_slug
    unit_helps = dup & ~with_unit.duplicated(keep=False)
    with_hash = df["slug"] + "-" + df["source_record_id"].str[:6]
    df.loc[unit_helps, "slug"] = with_unit[unit_helps]
    df.loc[dup & ~unit_helps, "slug"] = with_hash[dup & ~unit_helps]
    if df["slug"].duplicated().any():
        raise FactorTableError(f"slugs still not unique: {df.loc[df['slug'].duplicated(), 'slug'].tolist()[:5]}")
    rows = []
    for _, r in df.iterrows():
        try:
            value = float(r["coe"])
        except ValueError as err:
            raise FactorTableError(f"{CSV.name} line {r['line']}, column coe: '{r['coe']}' is not a number.") from err
        per, method, unote = parsed[r["unit"]]
        notes = [f"department: {r['departmentname']}"]
        if method != "carbon.units (Chinese part; bracketed part agrees)" and method != "carbon.units":
            notes.append(f"raw unit '{r['unit']}' ({method}{'; ' + unote if unote else ''})")
        name = r["name"]
        rows.append(
            {
                "factor_id": f"{DATASET}/{r['slug']}",
                "name_zh": name,
                "name_en": name if name.isascii() else "",
                "kind": "product",
                "gas": "CO2e",
                "value": value,
                "unit": factor_unit(per),
                "basis": "life-cycle (CFP)",
                "announced": r["announcementyear"],
                "gwp_set": "as-published",
                "source_ref": f"{CSV.name}, line {r['line']} (record {r['line'] - 2}, source_record_id {r['source_record_id'][:16]}…)",
                "note": "; ".join(notes),
            }
        )
    out = pd.DataFrame(rows)
    for u in out["unit"].unique():
        split_factor_unit(u)
    counts = df["unit"].value_counts()
    unit_map = pd.DataFrame(
        [
            {
                "raw_unit": u,
                "parsed_unit": p[0],
                "factor_unit": factor_unit(p[0]),
                "method": p[1],
                "count": int(counts[u]),
                "note": p[2],
            }
            for u, p in parsed.items()
        ]
    ).sort_values(["count", "raw_unit"], ascending=[False, True], kind="stable")
    unparsed = {u: p for u, p in parsed.items() if not p[1].startswith("carbon.units")}
    errata = {
        f"unit '{u}'": f"{p[1]}: {p[2] or 'kept as ' + p[0]} ({int(counts[u])} records)"
        for u, p in unparsed.items()
        if p[1].startswith(("UNPARSED", "local"))
    }
    for u, p in parsed.items():
        if "disagrees" in p[2]:
            errata[f"unit '{u}'"] = f"{p[2]} ({int(counts[u])} records)"
    meta = {
        "title": "MOENV product carbon-footprint emission factors (open data CFP_P_02)",
        "title_zh": "環境部 碳足跡排放係數",
        "publisher": "環境部 MOENV (data.gov.tw dataset 28176, CFP_P_02)",
        "edition": "snapshot retrieved 2026-09-05, 1,164 records",
        "published": "announcement years 2013-2025 (per record)",
        "retrieved": "2026-09-05",
        "url": "https://data.gov.tw/dataset/28176",
        "licence": "政府資料開放授權條款 (Open Government Data License, Taiwan)",
        "boundary_note": "the API does not state system boundary or validity; values include upstream life-cycle emissions and are not interchangeable with inventory combustion factors",
        "slug_rule": "pypinyin 0.55.0 lazy_pinyin(name), tone-less, joined by '-'; duplicates + '-<announcementyear>', then '-per-<unit>' where that makes it unique, else '-<source_record_id[:6]>'",
    }
    write_dataset(DATASET, out, meta, [CSV, SNAPSHOT], SCRIPT, errata=errata, extra_tables={"unit_map.csv": unit_map})
    # [unparsed]: raw unit strings carbon.units cannot read as written (same TOML style)
    meta_path = Path(__file__).resolve().parent.parent / "factors" / DATASET / "meta.toml"
    lines = ["", "[unparsed]"]
    for u, p in unparsed.items():
        lines.append(f'"{u}" = "{p[1]} -> {p[0]}; {int(counts[u])} records"')
    meta_path.write_text(meta_path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{DATASET}: {len(out)} ids; {len(unparsed)} raw units not read directly by carbon.units")


if __name__ == "__main__":
    main()
