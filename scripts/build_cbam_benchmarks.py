"""Build ``factors/cbam-benchmarks/`` from the Commission CBAM benchmarks workbook.

Source: ``factors/sources/cbam/eu-cbam-benchmarks-workbook.xlsx`` (sheet ``Benchmarks``),
the Annex of Implementing Regulation (EU) 2025/2620 as Excel.  Each CN code has one
row and, for route- or period-specific values, continuation rows with an empty CN cell.

Outputs
-------
``benchmarks.csv``  long table: one row per CN code × column (A = BM*, process-only,
                    for actual data; B = BM including precursors, for default values)
                    × indicator, with ``route`` (A–L, empty = route-independent),
                    ``period`` (the workbook's "(1)"/"(2)", empty if none), value and
                    ``source_ref`` (sheet, row, column).
``factors.csv``     the same values as CO2e factor rows (kind ``cbam_benchmark``).

Workbook defects are detected in code and recorded in meta.toml ``[errata]``.
Run: ``.venv/bin/python scripts/build_cbam_benchmarks.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import SOURCES, write_dataset  # noqa: E402

SCRIPT = "scripts/build_cbam_benchmarks.py"
DATASET = "cbam-benchmarks"
WORKBOOK = SOURCES / "cbam" / "eu-cbam-benchmarks-workbook.xlsx"
EXPECTED_HEADER = [
    "CN code",
    "CN Description",
    "Column A BMg [tCO2e/t]",
    "Column A Production route indicator",
    "Column B BMg [tCO2e/t]",
    "Column B Production route indicator",
]
LEGAL_2621 = SOURCES / "cbam" / "legal" / "ir-2025-2621-default-values.txt"
_MONTHS = "January February March April May June July August September October November December".split()


def regulation_date() -> dt.date:
    """Date of IR 2025/2620 as cited in the text of IR 2025/2621 (Annex I preamble)."""
    text = re.sub(r"\s+", " ", LEGAL_2621.read_text(encoding="utf-8"))
    m = re.search(r"Implementing Regulation \(EU\) 2025/2620 of (\d{1,2}) (\w+) (\d{4})", text)
    if not m:
        msg = f"{LEGAL_2621.name}: citation 'Implementing Regulation (EU) 2025/2620 of <date>' not found"
        raise ValueError(msg)
    return dt.date(int(m.group(3)), _MONTHS.index(m.group(2)) + 1, int(m.group(1)))


_IND = re.compile(r"^(?:\(([A-L])\))?(?:\(([12])\))?$")


def _norm(s: object) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip()


def parse_indicator(raw: object, where: str) -> tuple[str, str]:
    """'(F)(1)' -> ('F', '1'); '(C)' -> ('C', ''); '(2)' -> ('', '2'); '' -> ('', '')."""
    s = _norm(raw).replace(" ", "")
    m = _IND.match(s)
    if not m:
        msg = f"{WORKBOOK.name}, {where}: unreadable route indicator {raw!r}; expected e.g. '(C)', '(F)(1)', '(2)'"
        raise ValueError(msg)
    return m.group(1) or "", m.group(2) or ""


def read(errata: dict[str, str]) -> pd.DataFrame:
    wb = python_calamine.CalamineWorkbook.from_path(WORKBOOK)
    ver = wb.get_sheet_by_name("Version history").to_python()
    for r in ver[2:]:
        if isinstance(r[1], (dt.date, dt.datetime)):
            d = r[1] if isinstance(r[1], dt.date) else r[1].date()
            if d < regulation_date():
                errata["version date"] = (
                    f"'Version history' row 3 dates version {r[0]} {d.isoformat()}, before IR 2025/2620 itself "
                    f"({regulation_date().isoformat()}, as cited in IR 2025/2621); probably a typo for {d.replace(year=d.year + 1).isoformat()}. Not used."
                )
    rows = wb.get_sheet_by_name("Benchmarks").to_python()
    header = [_norm(x) for x in rows[0][:6]]
    if header != EXPECTED_HEADER:
        msg = f"{WORKBOOK.name}, sheet 'Benchmarks', row 1: header {header} differs from {EXPECTED_HEADER}"
        raise ValueError(msg)
    out = []
    sector, cn, desc = "", "", ""
    numeric_cn = 0
    a_blank_cont = 0
    inds: Counter = Counter()
    for i, r in enumerate(rows[1:], start=2):
        r = list(r) + [""] * (6 - len(r))
        c0 = r[0]
        if isinstance(c0, (int, float)) and not isinstance(c0, bool):
            numeric_cn += 1
            cn, desc = f"{int(c0):08d}", _norm(r[1])
        elif isinstance(c0, str) and c0.strip():
            s = c0.replace(" ", "")
            if s.isdigit():
                cn, desc = s, _norm(r[1])
            else:
                sector = _norm(c0)
                continue
        elif not cn:
            continue
        for col, vi, ii, letter in (("A", 2, 3, "C"), ("B", 4, 5, "E")):
            v = r[vi]
            if v == "" or v is None:
                if c0 == "" and col == "A":
                    a_blank_cont += 1
                continue
            if not isinstance(v, (int, float)):
                msg = f"{WORKBOOK.name}, sheet 'Benchmarks', cell {letter}{i}: not a number: {v!r}"
                raise ValueError(msg)
            route, period = parse_indicator(r[ii], f"sheet 'Benchmarks', row {i}, column {col}")
            inds[(route != "", period != "")] += 1
            out.append(
                {
                    "sector": sector,
                    "cn_code": cn,
                    "description": desc,
                    "column": col,
                    "route": route,
                    "period": period,
                    "value": float(v),
                    "source_ref": f"{WORKBOOK.name}, sheet 'Benchmarks', row {i}, column {letter}",
                }
            )
    df = pd.DataFrame(out)
    errata["CN codes stored as numbers"] = (
        f"{numeric_cn} CN cells are numbers without spaces; written as 8-digit strings (leading zeros kept)"
    )
    errata["continuation rows"] = (
        "route/period-specific values continue on rows with an empty CN cell; they are attached to the CN above. "
        f"{a_blank_cont} continuation rows leave Column A empty (Column A then has a single route-independent value)."
    )
    n_period = int(df["period"].ne("").sum())
    errata["indicators (1)/(2)"] = (
        f"{n_period} values carry '(1)' or '(2)', which the workbook does not define (FACTS-cbam §9 item 1). "
        "Kept verbatim in column 'period'; carbon.cbam.defaults.benchmark() reads (1) as 2026–2027 and (2) as "
        "2028 onwards (one implementation's reading, unverified) and says so in its result."
    )
    dup = df.duplicated(["cn_code", "column", "route", "period"], keep=False)
    if dup.any():
        errata["duplicate keys"] = (
            f"{int(dup.sum())} rows share (cn, column, route, period): {df.loc[dup, 'source_ref'].head(4).tolist()}"
        )
    return df


def factor_rows(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in df.itertuples():
        tag = "-".join(x for x in (r.column.lower(), r.route.lower(), f"p{r.period}" if r.period else "") if x)
        label = (
            f"Column {r.column}" + (f", route ({r.route})" if r.route else "") + (f", ({r.period})" if r.period else "")
        )
        rows.append(
            {
                "factor_id": f"{DATASET}/{r.cn_code}-{tag}",
                "name_zh": f"CBAM基準值 CN {r.cn_code} {label}",
                "name_en": f"CBAM benchmark, CN {r.cn_code} {r.description[:80]}, {label}",
                "kind": "cbam_benchmark",
                "gas": "CO2e",
                "value": r.value,
                "unit": "t CO2e/t",
                "basis": "BM* process-only (Column A)" if r.column == "A" else "BM incl. precursors (Column B)",
                "valid_from": "2026-01-01",
                "gwp_set": "as-published",
                "source_ref": r.source_ref,
                "note": f"IR 2025/2620 Annex; {label}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    errata: dict[str, str] = {}
    df = read(errata)
    meta = {
        "title": "EU CBAM benchmarks for the free-allocation adjustment (Implementing Regulation (EU) 2025/2620, Annex)",
        "title_zh": "歐盟CBAM免費配額調整基準值（執行規則 (EU) 2025/2620 附件）",
        "publisher": "European Commission, DG TAXUD",
        "edition": "workbook v1.0",
        "published": "2025-12-22",
        "url": "http://data.europa.eu/eli/reg_impl/2025/2620/oj",
        "licence": "© European Union; reuse authorised (Commission Decision 2011/833/EU)",
        "legal_status": "workbook informational; the legal text of IR 2025/2620 is not in factors/sources",
    }
    write_dataset(
        DATASET, factor_rows(df), meta, [WORKBOOK], SCRIPT, errata=errata, extra_tables={"benchmarks.csv": df}
    )
    print(f"{DATASET}: {len(df)} values, {df['cn_code'].nunique()} CN codes")
    for k, v in errata.items():
        print(f"  [{k}] {v[:200]}")


if __name__ == "__main__":
    main()
