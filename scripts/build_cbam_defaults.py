"""Build ``factors/cbam-defaults-2026/`` from the Commission default-values workbook.

Sources
-------
* ``factors/sources/cbam/eu-cbam-default-values-2026-workbook.xlsx`` — Annex I of
  Implementing Regulation (EU) 2025/2621 as Excel (one sheet per country plus
  "Other Countries and Territories"); values as stored, ``#VALUE!`` error cells kept.
* ``factors/sources/cbam/legal/ir-2025-2621-default-values.txt`` — the EUR-Lex text of
  IR 2025/2621; Annex IV (precursors whose country of production is unknown) is only
  there, so it is parsed from the text.  The text's Annex I tables for Taiwan and
  "Other countries and territories" are parsed too and compared, value by value, with
  the workbook (the workbook says only the OJ values are legally valid).
* ``factors/sources/cbam/eu-cbam-communication-template-installations-v2.1.1.xlsx`` —
  sheet ``c_CodeLists`` (ISO 3166 alpha-2 code ↔ country name) to give every country
  sheet its ISO code.

Outputs
-------
``defaults.csv``  every Annex I row of every country sheet and every Annex IV row, with
                  status (``value`` | ``no_value`` | ``see_below`` | ``error``), values
                  and ``source_ref`` (sheet + row).
``factors.csv``   one CO2e row per Taiwan default (id ``cbam-defaults-2026/tw-<cn>``) so
                  the factor search finds them; value = total without mark-up.

Workbook defects are detected in code (not listed by hand) and written to meta.toml
``[errata]``.  Run: ``.venv/bin/python scripts/build_cbam_defaults.py``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import SOURCES, write_dataset  # noqa: E402

SCRIPT = "scripts/build_cbam_defaults.py"
DATASET = "cbam-defaults-2026"
WORKBOOK = SOURCES / "cbam" / "eu-cbam-default-values-2026-workbook.xlsx"
LEGAL = SOURCES / "cbam" / "legal" / "ir-2025-2621-default-values.txt"
TEMPLATE = SOURCES / "cbam" / "eu-cbam-communication-template-installations-v2.1.1.xlsx"
BENCHMARKS = SOURCES / "cbam" / "eu-cbam-benchmarks-workbook.xlsx"  # only its list of 8-digit CN codes

#: Country names used by the workbook that differ from the template's ISO list
#: (names only; no numbers).  Key: workbook sheet title (row 1), value: template name.
NAME_ALIASES = {
    "Bolivia": "Bolivia, Plurinational State of",
    "Brunei": "Brunei Darussalam",
    "Democratic Republic of the Congo": "Congo, Democratic Republic of",
    "Iran": "Iran, Islamic Republic of",
    "Kyrgyzstan": "Kyrgyz, Republic",
    "Laos": "Lao People’s Democratic Republic",
    "Moldova": "Moldova, Republic of",
    "Myanmar/Burma": "Myanmar",
    "North Korea": "Korea, Democratic People’s Republ",  # truncated in the template
    "Eswatini": "Swaziland",
    "South Korea": "Korea, Republic of",
    "Tanzania": "Tanzania, United Republic of",
    "Russia": "Russian Federation",
    "Syria": "Syrian Arab Republic",
}
OTHER_TITLE = "Other Countries and Territories"
OTHER_CODE = "OTHER"  # country_code of the "Other countries and territories" table
ANNEX_IV_CODE = "UNKNOWN"  # country_code of Annex IV rows (country of production unknown)

EXPECTED_HEADER = [
    "Product CN Code",
    "Description",
    "Default Value (direct emissions)",
    "Default Value (indirect emissions)",
    "Default Value (total emissions)",
    "2026 Default Value (including mark-up)",
    "2027 Default Value (including mark-up)",
    "2028 and onwards Default Value (including mark-up)",
    "Underlying production route determining CBAM BM",
]
VALUE_COLS = ["direct", "indirect", "total", "markup_2026", "markup_2027", "markup_2028"]
COL_LETTERS = dict(zip(VALUE_COLS, "CDEFGH", strict=True))

DASHES = {"–": "en dash", "_": "underscore", "-": "hyphen"}
NOT_APPLICABLE = {"N/A": "N/A", "N.A.": "N.A.", "N/a": "N/a", "N/(A": "N/(A"}
SEE_BELOW = "see below"
ERROR = "#VALUE!"


def _norm(s: object) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip()


def iso_codes() -> dict[str, str]:
    """Country name -> ISO 3166 alpha-2 from the template's c_CodeLists (F11:G...)."""
    # read with calamine directly: pandas would turn Namibia's code 'NA' into NaN
    rows = python_calamine.CalamineWorkbook.from_path(TEMPLATE).get_sheet_by_name("c_CodeLists").to_python()
    out = {}
    for r in rows[10:]:
        code, name = r[5], r[6]
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code) and isinstance(name, str):
            out[name.strip()] = code
    return out


def cn_digits(raw: object) -> tuple[str, str | None]:
    """Return (digits, defect) for a CN cell; defect names a non-text storage."""
    if isinstance(raw, (int, float)):
        d = str(int(raw))
        return d, f"stored as a number ({raw!r})"
    s = _norm(raw)
    d = s.replace(" ", "")
    if not d.isdigit():
        return "", None
    return d, None


def parse_cell(v: object) -> tuple[float | None, str]:
    """Return (value, kind): kind in value | dash:<name> | na:<spelling> | see_below | error | blank."""
    if isinstance(v, bool):
        return None, f"unknown:{v!r}"
    if isinstance(v, (int, float)):
        return float(v), "value"
    s = str(v).strip() if v is not None else ""
    if s == "" or s == "\xa0":
        return None, "blank"
    if s in DASHES:
        return None, f"dash:{DASHES[s]}"
    if s in NOT_APPLICABLE:
        return None, f"na:{s}"
    if s.lower() == SEE_BELOW:
        return None, "see_below"
    if s == ERROR:
        return None, "error"
    return None, f"unknown:{s}"


def markup_rate(label: object) -> float | None:
    m = re.fullmatch(r"(\d+)% mark-up", _norm(label))
    return int(m.group(1)) / 100 if m else None


def read_workbook(errata: dict[str, str]) -> pd.DataFrame:
    codes = iso_codes()
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    rows = []
    spellings: Counter = Counter()
    numeric_cn: list[str] = []
    short_cn: list[str] = []
    stray: Counter = Counter()
    markup_bad: list[str] = []
    shifted: list[str] = []
    for ws in wb.worksheets[2:]:
        sheet = ws.title
        data = list(ws.iter_rows(values_only=True))
        title = _norm(data[0][0])
        if title != sheet and not sheet.startswith("_"):
            errata[f"sheet '{sheet}'"] = f"sheet name truncated/altered; country taken from cell A1 '{title}'"
        header = [_norm(x) for x in data[1][:9]]
        if header != EXPECTED_HEADER:
            msg = f"{WORKBOOK.name}, sheet '{sheet}', row 2: header {header} differs from {EXPECTED_HEADER}"
            raise ValueError(msg)
        if title == OTHER_TITLE:
            code = OTHER_CODE
        else:
            name = NAME_ALIASES.get(title, title)
            if name not in codes:
                msg = f"{sheet}: country '{title}' not in template c_CodeLists; add it to NAME_ALIASES"
                raise ValueError(msg)
            code = codes[name]
        sector, rates = "", {}
        for i, row in enumerate(data[2:], start=3):
            row = list(row) + [None] * (9 - len(row))
            for v in row[9:]:
                if v not in (None, ""):
                    stray[sheet] += 1
            cn, defect = cn_digits(row[0])
            if not cn:
                label = _norm(row[0])
                if label:
                    sector = label
                    rates = {
                        c: markup_rate(row[k]) for c, k in (("markup_2026", 5), ("markup_2027", 6), ("markup_2028", 7))
                    }
                continue
            if defect:
                numeric_cn.append(f"{sheet}!A{i}")
            if len(cn) not in (4, 6, 8):
                short_cn.append(f"{sheet}!A{i}={cn}")
            rec = {
                "annex": "I",
                "country": title,
                "country_code": code,
                "sector": sector,
                "cn_code": cn,
                "description": _norm(row[1]),
            }
            kinds = {}
            for col, v in zip(VALUE_COLS, row[2:8], strict=True):
                val, kind = parse_cell(v)
                rec[col] = val
                kinds[col] = kind
                if kind.startswith(("dash:", "na:", "unknown:")):
                    spellings[kind] += 1
                if kind.startswith("unknown:"):
                    msg = f"{WORKBOOK.name}, sheet '{sheet}', cell {COL_LETTERS[col]}{i}: unexpected text {v!r}"
                    raise ValueError(msg)
            rec["route"] = _norm(row[8]).replace("(", "").replace(")", "")
            ks = set(kinds.values())
            notes = []
            if "error" in ks:
                status = "error"
                notes.append(
                    "Excel error VALUE! in the mark-up columns; no value provided -> 'Other countries' applies"
                )
            elif "see_below" in ks:
                status = "see_below"
                if rec["direct"] is not None:
                    notes.append(f"heading row carries a stray direct value {rec['direct']!r} (ignored)")
                    rec["direct"] = None
            elif kinds["total"] == "value":
                status = "value"
            else:
                status = "no_value"
                if any(kinds[c] == "value" for c in ("markup_2026", "markup_2027", "markup_2028")):
                    shifted.append(
                        f"{sheet}!F{i}:H{i} {[rec[c] for c in ('markup_2026', 'markup_2027', 'markup_2028')]}"
                    )
                    notes.append("value columns '–' but numbers in the mark-up columns (shifted?); treated as no value")
                    for c in ("markup_2026", "markup_2027", "markup_2028"):
                        rec[c] = None
            if kinds["indirect"].startswith("na:"):
                notes.append("indirect N/A (R 2023/956 Annex II good: direct emissions only)")
            if status == "value":
                for col, rate in rates.items():
                    if rate is None or rec[col] is None:
                        continue
                    expect = rec["total"] * (1 + rate)
                    if abs(rec[col] - expect) > 1e-6 * max(1.0, expect):
                        markup_bad.append(f"{sheet}!{COL_LETTERS[col]}{i}: {rec[col]} vs total×{1 + rate:g}")
            rec["markup_rate_2026"] = rates.get("markup_2026")
            rec["markup_rate_2027"] = rates.get("markup_2027")
            rec["markup_rate_2028"] = rates.get("markup_2028")
            rec["status"] = status
            rec["notes"] = "; ".join(notes)
            rec["source_ref"] = f"{WORKBOOK.name}, sheet '{sheet}', row {i}"
            rows.append(rec)
    df = pd.DataFrame(rows)

    # 'see below' headings without sub-rows (Taiwan 7221 ...): no value provided at all
    orphan = []
    cns_by_country = df.groupby("country_code")["cn_code"].apply(set).to_dict()
    for k in df.index[df["status"].isin(["see_below", "error"])]:
        code, cn = df.at[k, "country_code"], df.at[k, "cn_code"]
        if not any(c != cn and c.startswith(cn) for c in cns_by_country[code]):
            orphan.append(f"{code} {cn}")
            note = "'see below' but no sub-rows follow: no value provided -> 'Other countries' applies"
            df.at[k, "notes"] = f"{df.at[k, 'notes']}; {note}" if df.at[k, "notes"] else note
    errata["no-value spellings"] = (
        "cells meaning 'no value' use "
        + ", ".join(f"{k.split(':', 1)[1]} ×{n}" for k, n in spellings.items() if k.startswith("dash:"))
        + "; 'not applicable' is spelt "
        + ", ".join(f"'{k.split(':', 1)[1]}' ×{n}" for k, n in spellings.items() if k.startswith("na:"))
        + ". All dash spellings -> status no_value (Annex I preamble: '–' -> use 'Other countries'); all N/A spellings -> indirect not applicable."
    )
    errata["CN codes stored as numbers"] = (
        f"{len(numeric_cn)} CN cells are numbers, not spaced text (e.g. {', '.join(numeric_cn[:4])}); normalised to digit strings"
    )
    if short_cn:
        errata["6-digit numeric CN"] = (
            f"{len(short_cn)} numeric CN cells have 6 digits (e.g. {', '.join(short_cn[:3])}), i.e. a CN subheading (7610 90); kept as heading"
        )
    err_rows = df[df["status"] == "error"]
    if len(err_rows):
        errata["#VALUE! rows"] = (
            "rows with #VALUE! in the mark-up columns and 'see below' in the value columns, no sub-rows: "
            + ", ".join(
                f"{r.country_code} {r.cn_code} ({r.source_ref.split(', ', 1)[1]})" for r in err_rows.itertuples()
            )
            + ". Treated as 'no value provided' -> 'Other countries and territories' (Annex I preamble)."
        )
    if orphan:
        errata["see-below without sub-rows"] = (
            f"{len(orphan)} heading rows say 'see below' but no sub-rows follow: {', '.join(orphan[:12])}"
        )
    stray_dv = df[df["notes"].str.contains("stray direct value", regex=False)]
    if len(stray_dv):
        errata["heading rows with a value"] = (
            "'see below' heading rows that still carry a direct value (ignored): "
            + ", ".join(f"{r.country_code} {r.cn_code}" for r in stray_dv.itertuples())
        )
    vals = df[df["status"] == "value"]
    gaps = vals[vals[["markup_2026", "markup_2027", "markup_2028"]].isna().any(axis=1)]
    if len(gaps):
        errata["missing mark-up cells"] = (
            "rows with a default value but an empty/'_' mark-up column (the OJ text prints the same): "
            + "; ".join(f"{r.country} {r.cn_code} ({r.source_ref.split(', ', 1)[1]})" for r in gaps.itertuples())
            + ". carbon.cbam.defaults treats that year's field as 'no value' -> 'Other countries' (Annex I preamble)."
        )
    if shifted:
        errata["numbers under '–'"] = (
            "rows whose direct/indirect/total show '–' but whose mark-up columns hold numbers that look like shifted "
            "direct/indirect/total values: " + "; ".join(shifted) + ". Treated as no value ('Other countries' applies)."
        )
    if stray:
        errata["stray columns"] = "cells outside columns A–I (ignored): " + ", ".join(
            f"sheet '{s}' ×{n}" for s, n in stray.items()
        )
    errata["mark-up check"] = (
        f"2026/2027/2028 columns checked against total × (1 + sector mark-up from the sector heading row): {len(markup_bad)} mismatch(es)"
        + (": " + "; ".join(markup_bad) if markup_bad else "")
        + ". Where they differ the printed column is compounded (×1.21 for '20%', ×1.331 for '30%'); the OJ text prints the same"
        " figures, so the printed (legally valid) columns are kept and carbon.cbam.defaults returns them as published."
    )
    return df


# --- legal text ---------------------------------------------------------------------
#: a table row starts with a CN code of a CBAM chapter (25, 26, 27, 28, 31, 72, 73, 76); the
#: description may start on the next line ('7304 31' alone on its line in Annex IV)
_CN_LINE = re.compile(r"^((?:25|26|27|28|31|72|73|76)\d{2}(?: \d{2}){0,2})(?:\s+(.*))?$")
_PAGE = re.compile(r"(\d+/2400 ELI:|ELI: http|^OJ L,|^EN OJ L|^Official Journal)")


def _legal_entries(lines: list[tuple[int, str]], ncols: int) -> list[dict]:
    """Parse table rows 'CN description v1 ... v_ncols [(route)]' out of EUR-Lex text lines."""
    tok = r"(\d+,\d+|N/A|N\.A\.|–|_|-|[Ss]ee below|#VALUE!)"
    tail = re.compile(r"(?<![\w,])" + r"\s+".join([tok] * ncols) + r"\s*(?:\(([A-L](?:\)/\([A-L])?)\))?(?=\s|$|[A-Z])")
    entries: list[dict] = []
    cur = None
    for k, line in lines:
        if _PAGE.search(line):
            continue
        m = _CN_LINE.match(line.strip())
        if m:
            if cur:
                entries.append(cur)
            cur = {"cn": m.group(1).replace(" ", ""), "text": m.group(2) or "", "line": k}
        elif cur is not None:
            cur["text"] += " " + line
    if cur:
        entries.append(cur)
    out = []
    for e in entries:
        t = tail.search(e["text"])
        if not t:
            continue
        toks = [t.group(j + 1) for j in range(ncols)]
        vals = [float(x.replace(",", ".")) if re.fullmatch(r"\d+,\d+", x) else None for x in toks]
        if any(x == "#VALUE!" for x in toks):
            status = "error"
        elif any(x.lower() == "see below" for x in toks):
            status = "see_below"
        elif vals[ncols - 4 if ncols == 6 else 0] is not None:
            status = "value"
        else:
            status = "no_value"
        route = (t.group(ncols + 1) or "").replace(")/(", "/")
        desc = e["text"][: t.start()].strip()
        out.append(
            {"cn_code": e["cn"], "description": desc, "vals": vals, "status": status, "route": route, "line": e["line"]}
        )
    return out


def read_annex_iv(text: list[str]) -> pd.DataFrame:
    start = next(i for i, s in enumerate(text) if s.strip() == "ANNEX IV")
    lines = [(i + 1, s.rstrip()) for i, s in enumerate(text[start:], start=start)]
    # rows that run into the next sector heading ('(K)Hydrogen 10% mark-up') are split
    fixed = []
    for k, s in lines:
        parts = re.split(r"(?<=\))(?=(?:Cement|Fertilisers|Aluminium|Hydrogen|Iron and steel) \d+% mark-up)", s)
        fixed.extend((k, p) for p in parts)
    rows = []
    sector = ""
    for k, s in fixed:
        m = re.match(r"^(Cement|Fertilisers|Aluminium|Hydrogen|Iron and steel) (\d+)% mark-up", s)
        if m:
            sector = m.group(1)
            rows.append(("sector", k, sector, int(m.group(2)) / 100))
    out = []
    for e in _legal_entries(fixed, 4):
        sec = [r for r in rows if r[1] <= e["line"]]
        sector, rate = (sec[-1][2], sec[-1][3]) if sec else ("", None)
        v = e["vals"]
        out.append(
            {
                "annex": "IV",
                "country": "Country of production unknown (Annex IV)",
                "country_code": ANNEX_IV_CODE,
                "sector": sector,
                "cn_code": e["cn_code"],
                "description": e["description"],
                "direct": None,
                "indirect": None,
                "total": v[0],
                "markup_2026": v[1],
                "markup_2027": v[2],
                "markup_2028": v[3],
                "route": e["route"],
                "markup_rate_2026": None,
                "markup_rate_2027": None,
                "markup_rate_2028": None,
                "status": e["status"],
                "notes": "Annex IV 'Highest default value' (no direct/indirect split)",
                "source_ref": f"{LEGAL.relative_to(SOURCES)}, Annex IV, line {e['line']}",
            }
        )
    return pd.DataFrame(out)


def legal_country_table(text: list[str], title: str) -> list[dict]:
    """Parse one country's Annex I table from the OJ text (6 values + route)."""
    end = next(i for i, s in enumerate(text) if s.strip() == "ANNEX II")
    start = None
    for i, s in enumerate(text[:end]):
        if s.strip() == title and i + 1 < end and text[i + 1].startswith("Product CN Code"):
            start = i
            break
    if start is None:
        return []
    stop = end
    for h in range(start + 2, end):
        if text[h].startswith("Product CN Code"):
            one = _norm(text[h - 1])
            two = _norm(text[h - 2] + " " + text[h - 1])
            if title not in (one, two):  # a page of the next country's table
                stop = h - 2
                break
    lines = [(i + 1, s.rstrip()) for i, s in enumerate(text[start:stop], start=start)]
    return _legal_entries(lines, 6)


def cross_check(df: pd.DataFrame, text: list[str], errata: dict[str, str]) -> None:
    """Compare workbook values with the OJ text (3 decimals) for Taiwan and Other countries."""
    for code, title in (("TW", "Taiwan"), (OTHER_CODE, OTHER_TITLE)):
        legal = legal_country_table(text, title)
        wbk = df[(df["country_code"] == code) & (df["status"] == "value")]
        by_cn = defaultdict(list)
        for e in legal:
            by_cn[e["cn_code"]].append(e)
        checked, diffs = 0, []
        for r in wbk.itertuples():
            cands = [e for e in by_cn.get(r.cn_code, []) if e["status"] == "value"]
            if not cands:
                continue
            e = min(cands, key=lambda e: abs(e["vals"][2] - r.total))
            checked += 1
            for j, col in enumerate(VALUE_COLS):
                w = getattr(r, col)
                if w is None or pd.isna(w):
                    continue
                if abs(round(w + 1e-12, 3) - e["vals"][j]) > 0.0011:
                    diffs.append(f"{r.cn_code} {col}: workbook {w} vs OJ {e['vals'][j]} (line {e['line']})")
        errata[f"OJ cross-check {code}"] = (
            f"{checked} workbook rows of '{title}' compared with the IR 2025/2621 text (3 decimals, ±0.001): "
            f"{len(diffs)} difference(s)" + (": " + "; ".join(diffs[:8]) if diffs else "")
        )


def _g(x: float) -> str:
    """Number for a note: 10 significant digits (drops binary noise such as 2.9779090000000004)."""
    return "-" if pd.isna(x) else f"{x:.10g}"


def cn8_list() -> list[str]:
    """The 8-digit CBAM CN codes listed in the benchmarks workbook (column A)."""
    rows = python_calamine.CalamineWorkbook.from_path(BENCHMARKS).get_sheet_by_name("Benchmarks").to_python()
    out = []
    for r in rows[1:]:
        if isinstance(r[0], (int, float)) and not isinstance(r[0], bool):
            out.append(f"{int(r[0]):08d}")
    return sorted(set(out))


def tw_factor_rows(df: pd.DataFrame) -> pd.DataFrame:
    """One factor row per 8-digit CN code with a Taiwan value (headings expanded to CN8)."""
    tw = df[df["country_code"] == "TW"]
    listed = sorted(set(tw["cn_code"]) | set(cn8_list()))
    rows = []
    for cn in listed:
        if len(cn) != 8:
            continue
        # most specific Taiwan row whose code is a prefix of cn
        cands = tw[[cn.startswith(c) for c in tw["cn_code"]]]
        if cands.empty:
            continue
        best = cands[cands["cn_code"].str.len() == cands["cn_code"].str.len().max()]
        best = best[best["status"] == "value"]
        for r in best.itertuples():
            slug = f"tw-{cn}" + (f"-{(r.route or 'x').lower().replace('/', '')}" if len(best) > 1 else "")
            ind = "N/A (direct only)" if pd.isna(r.indirect) else _g(r.indirect)
            via = "" if r.cn_code == cn else f"; listed under heading {r.cn_code}"
            rows.append(
                {
                    "factor_id": f"{DATASET}/{slug}",
                    "name_zh": f"CBAM預設值 臺灣 CN {cn} {r.description[:40]}",
                    "name_en": f"CBAM default value, Taiwan, CN {cn}: {r.description}",
                    "kind": "cbam_default",
                    "gas": "CO2e",
                    "value": r.total,
                    "unit": "t CO2e/t",
                    "basis": "IR 2025/2621 Annex I, without mark-up",
                    "valid_from": "2026-01-01",
                    "gwp_set": "as-published",
                    "source_ref": r.source_ref,
                    "note": (
                        f"direct {_g(r.direct)}; indirect {ind}; total {_g(r.total)}; with mark-up "
                        f"2026 {_g(r.markup_2026)}, 2027 {_g(r.markup_2027)}, 2028+ {_g(r.markup_2028)}; "
                        f"route {r.route or '-'}{via}"
                    ),
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    errata: dict[str, str] = {}
    df = read_workbook(errata)
    text = LEGAL.read_text(encoding="utf-8").split("\n")  # not splitlines(): keep file line numbers
    annex_iv = read_annex_iv(text)
    errata["Annex IV"] = (
        f"not in the workbook; {len(annex_iv)} rows parsed from {LEGAL.name} (3 decimals as printed in the OJ)"
    )
    cross_check(df, text, errata)
    table = pd.concat([df, annex_iv], ignore_index=True)
    cols = [
        "annex", "country", "country_code", "sector", "cn_code", "description", "direct", "indirect", "total",
        "markup_2026", "markup_2027", "markup_2028", "markup_rate_2026", "markup_rate_2027", "markup_rate_2028",
        "route", "status", "notes", "source_ref",
    ]  # fmt: skip
    table = table[cols]
    meta = {
        "title": "EU CBAM default values 2026 (Implementing Regulation (EU) 2025/2621, Annex I and Annex IV)",
        "title_zh": "歐盟CBAM預設值 2026（執行規則 (EU) 2025/2621 附件I、IV）",
        "publisher": "European Commission, DG TAXUD",
        "edition": "workbook v1.0 (2026-02-04); OJ L 2025/2621 of 31.12.2025",
        "published": "2025-12-31",
        "url": "http://data.europa.eu/eli/reg_impl/2025/2621/oj",
        "licence": "© European Union; reuse authorised (Commission Decision 2011/833/EU)",
        "legal_status": "workbook informational; only the OJ values are legally valid (workbook Overview sheet)",
    }
    write_dataset(
        DATASET,
        tw_factor_rows(df),
        meta,
        [WORKBOOK, LEGAL, TEMPLATE, BENCHMARKS],
        SCRIPT,
        errata=errata,
        extra_tables={"defaults.csv": table},
    )
    print(f"{DATASET}: {len(df)} Annex I rows, {len(annex_iv)} Annex IV rows")
    for k, v in errata.items():
        print(f"  [{k}] {v[:200]}")


if __name__ == "__main__":
    main()
