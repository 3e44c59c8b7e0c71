"""Read and write inventory projects: our workbook (xlsx/ods), CSV, YAML/JSON, templates.

Headers may be English column names or the Traditional Chinese headers of
:mod:`carbon.schema`.  Every problem names the file, sheet, row and column; nothing
the user entered is dropped (columns carbon does not use are kept and listed).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from carbon.errors import InputError, Problem
from carbon.inventory import InventoryProject, Organisation
from carbon.schema import (
    FACILITY_COLUMNS,
    HEADER_ALIASES,
    ISO_SUBCATEGORIES,
    METHODS,
    SOURCE_COLUMNS,
    is_true,
    map_distinct,
)

__all__ = ["read_project", "write_template"]

SHEETS = {
    "organisation": ("organisation", "組織"),
    "facilities": ("facilities", "廠區"),
    "sources": ("sources", "排放源"),
    "factors": ("factors", "自訂係數"),
}

ORG_KEYS = {
    "name": ("name", "名稱", "事業名稱", "organisation", "組織名稱"),
    "tax_id": ("tax_id", "統一編號", "統編"),
    "registration_no": ("registration_no", "管制編號"),
    "reporting_year": ("reporting_year", "盤查年度", "報告年度"),
    "period_start": ("period_start", "盤查期間起", "期間起"),
    "period_end": ("period_end", "盤查期間迄", "期間迄"),
    "boundary_approach": ("boundary_approach", "邊界設定方法", "組織邊界"),
    "base_year": ("base_year", "基準年"),
    "address": ("address", "地址"),
    "responsible_person": ("responsible_person", "負責人"),
    "contact": ("contact", "聯絡人"),
    "standard": ("standard", "盤查依據"),
    "gwp_set": ("gwp_set", "GWP版本", "GWP 版本"),
}
BOUNDARY_ZH = {"營運控制": "operational_control", "財務控制": "financial_control", "股權比例": "equity_share", "股權": "equity_share"}
_TYPES = {c.name: c.dtype for c in (*SOURCE_COLUMNS, *FACILITY_COLUMNS)}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or (isinstance(v, str) and not v.strip())


def _text(v, keep_float: bool = False) -> str | None:
    """Cell to text: 170006.0 -> '170006' (codes read as numbers), blanks -> None."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer() and not keep_float:
        return str(int(v))
    return str(v).strip()


def _map_headers(df: pd.DataFrame, file: str, sheet: str, problems: list[Problem]) -> tuple[pd.DataFrame, dict, list[str]]:
    mapping, headers, unused = {}, {}, []
    for col in df.columns:
        key = str(col).strip()
        base = key.split("\n")[0].strip()
        name = HEADER_ALIASES.get(base) or HEADER_ALIASES.get(base.lower())
        if name is None and base.startswith("sig_"):
            name = base  # significance scores, one column per criterion
        if name is None and "(" in base:
            name = HEADER_ALIASES.get(base.split("(")[0].strip())
        if name is None:
            unused.append(key)
            continue
        if name in mapping.values():
            problems.append(Problem(f"two columns mean '{name}'.", file=file, sheet=sheet, column=key, hint="Keep one of them."))
            continue
        mapping[col] = name
        headers[name] = key
    return df.rename(columns=mapping), headers, unused


def _check_types(df: pd.DataFrame, headers: dict, file: str, sheet: str, problems: list[Problem], id_col: str) -> pd.DataFrame:
    """Type every known column; a cell that is not a number where one is needed is a problem.

    Vectorised: numbers through ``pd.to_numeric``, text and flags one decision per distinct value.
    """
    for col in df.columns:
        t = _TYPES.get(col)
        if t in ("float", "int"):
            raw = df[col]
            num = pd.to_numeric(raw, errors="coerce")
            blank = raw.isna() | (raw.astype(str).str.strip() == "") if raw.dtype.kind not in "fiub" else raw.isna()
            bad = num.isna() & ~blank
            for i in np.flatnonzero(bad.to_numpy(dtype=bool))[:500]:
                problems.append(
                    Problem(f"'{raw.iloc[i]}' is not a number.", file=file, sheet=sheet, row=int(i) + 2, column=headers.get(col, col), hint="Enter a number (no units or text in this cell).")
                )
            df[col] = num.astype(float)
        elif t == "bool":
            df[col] = pd.Series(map_distinct(df[col], lambda v: None if _blank(v) else is_true(v)), index=df.index, dtype=object)
        elif t == "str":
            keep = col == "iso_category"
            df[col] = pd.Series(map_distinct(df[col], lambda v, keep=keep: _text(v, keep)), index=df.index, dtype=object)
    return df


def _sheet(book: dict[str, pd.DataFrame], key: str) -> tuple[str, pd.DataFrame] | None:
    for name in SHEETS[key]:
        for s in book:
            if s.strip().lower() == name.lower():
                return s, book[s]
    return None


def _organisation(pairs: dict, file: str, problems: list[Problem]) -> tuple[Organisation | None, str | None]:
    kw: dict = {}
    gwp = None
    for field_, aliases in ORG_KEYS.items():
        for a in aliases:
            if a in pairs and not _blank(pairs[a]):
                v = pairs[a]
                if field_ == "gwp_set":
                    gwp = str(v).strip()
                elif field_ == "boundary_approach":
                    kw[field_] = BOUNDARY_ZH.get(str(v).strip(), str(v).strip())
                else:
                    kw[field_] = v if not isinstance(v, float) or not v.is_integer() else int(v)
                break
    if "name" not in kw:
        problems.append(Problem("the organisation has no name.", file=file, sheet="organisation", hint="Fill the 'name / 名稱' row."))
        kw["name"] = Path(file).stem
    for k in ("tax_id", "registration_no"):
        if k in kw:
            kw[k] = str(kw[k])
    try:
        return Organisation(**kw), gwp
    except Exception as err:  # DateError, InputError
        problems.append(Problem(str(err).split("\n")[-1].strip(" -"), file=file, sheet="organisation"))
        return None, gwp


def _from_tables(
    file: str,
    org_pairs: dict,
    facilities: pd.DataFrame | None,
    sources: pd.DataFrame,
    factors: pd.DataFrame | None,
    sheet_names: dict,
    gwp_set: str | None = None,
    first_row: int = 2,
    significance: dict | None = None,
) -> InventoryProject:
    """Build a project from tables; ``first_row`` is the number the user sees for the first data row."""
    problems: list[Problem] = []
    org, gwp = _organisation(org_pairs, file, problems)
    s_sheet = sheet_names.get("sources", "sources")
    sources = sources.dropna(how="all").copy()
    row_numbers = [int(i) + first_row for i in sources.index]
    sources = sources.reset_index(drop=True)
    sources, headers, unused = _map_headers(sources, file, s_sheet, problems)
    for c in SOURCE_COLUMNS:
        if c.required and c.name not in sources.columns:
            problems.append(Problem(f"required column '{c.name}' ({c.zh}) is missing.", file=file, sheet=s_sheet, hint="Start from `carbon inventory template`."))
    sources = _check_types(sources, headers, file, s_sheet, problems, "source_id")
    # rows: source id -> (file, sheet, row); missing ids get generated ones so errors still point at rows
    rows = {}
    if "source_id" in sources:
        ids = sources["source_id"]
        for i in np.flatnonzero(ids.isna().to_numpy(dtype=bool)):
            problems.append(Problem("empty source id.", file=file, sheet=s_sheet, row=row_numbers[i], column=headers.get("source_id", "source_id"), hint="Give every source a unique id, e.g. S01."))
            sources.at[i, "source_id"] = f"row{row_numbers[i]}"
        rows = dict(zip(sources["source_id"].astype(str), ((file, s_sheet, r) for r in row_numbers), strict=True))
    fac = pd.DataFrame(columns=[c.name for c in FACILITY_COLUMNS])
    if facilities is not None and len(facilities.dropna(how="all")):
        f_sheet = sheet_names.get("facilities", "facilities")
        fac, fh, _ = _map_headers(facilities.dropna(how="all").reset_index(drop=True), file, f_sheet, problems)
        fac = _check_types(fac, fh, file, f_sheet, problems, "facility_id")
        if "facility" in sources and "facility_id" in fac:
            known = set(fac["facility_id"].dropna().astype(str))
            for i, f in enumerate(sources["facility"]):
                if not _blank(f) and str(f) not in known:
                    problems.append(Problem(f"facility '{f}' is not in the facilities sheet.", file=file, sheet=s_sheet, row=row_numbers[i], column=headers.get("facility", "facility"), hint=f"Known: {', '.join(sorted(known))}."))
    cf = pd.DataFrame()
    if factors is not None and len(factors.dropna(how="all")):
        cf = factors.dropna(how="all").reset_index(drop=True)
        cf.columns = [str(c).strip() for c in cf.columns]
        need = ["factor_id", "gas", "value", "unit"]
        miss = [c for c in need if c not in cf.columns]
        if miss:
            problems.append(Problem(f"custom factors need columns {need}; missing {miss}.", file=file, sheet=sheet_names.get("factors", "factors")))
        else:
            from carbon.units import split_factor_unit

            for i, r in cf.iterrows():
                try:
                    split_factor_unit(str(r["unit"]))
                except Exception as err:
                    problems.append(Problem(str(err), file=file, sheet=sheet_names.get("factors", "factors"), row=int(i) + 2, column="unit"))
                if pd.isna(pd.to_numeric(r["value"], errors="coerce")):
                    problems.append(Problem(f"'{r['value']}' is not a number.", file=file, sheet=sheet_names.get("factors", "factors"), row=int(i) + 2, column="value"))
            for c in ("name_zh", "name_en", "kind", "source_ref"):
                if c not in cf:
                    cf[c] = ""
            cf["source_ref"] = cf["source_ref"].fillna("").replace("", f"{Path(file).name}, sheet {sheet_names.get('factors', 'factors')}")
            cf["name_zh"] = cf["name_zh"].fillna(cf["factor_id"])
            cf["name_en"] = cf["name_en"].fillna(cf["factor_id"])
            cf["kind"] = cf["kind"].fillna("other")
    if problems:
        raise InputError(problems)
    notes = [f"column '{u}' in sheet '{s_sheet}' is not used by the calculation; it is kept with the sources." for u in unused]
    for u in unused:
        sources[u] = sources[u] if u in sources else pd.NA
    return InventoryProject(
        organisation=org,
        facilities=fac,
        sources=sources,
        custom_factors=cf,
        gwp_set=gwp_set or gwp or "MOENV-2024",
        origin={"file": file, "rows": rows, "headers": headers},
        notes=notes,
        significance=significance or {},
    )


def read_project(path: str | Path) -> InventoryProject:
    """Read an inventory project from a file.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.ods``: our workbook (sheets organisation/組織, facilities/廠區,
        sources/排放源, factors/自訂係數) or the official MOENV workbook (detected by its
        sheets 表一…表八); ``.csv``: a sources table; ``.yaml``/``.yml``/``.json``: a
        project file with keys organisation, gwp_set, facilities, sources, custom_factors.

    Raises
    ------
    InputError
        With every problem of the file, each naming sheet, row and column.
    """
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(f"file not found: {p}", hint="Check the path.")])
    suffix = p.suffix.lower()
    name = str(p)
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls"):
        book = pd.read_excel(p, sheet_name=None, engine="calamine", header=None)
        names = set(book)
        if {"表一", "表五"} <= names:
            from carbon.formats.moenv import read_moenv_workbook

            return read_moenv_workbook(p)
        found = {k: _sheet(book, k) for k in SHEETS}
        if found["sources"] is None:
            raise InputError([Problem(f"no 'sources' / '排放源' sheet; sheets are {sorted(names)}.", file=name, hint="Start from `carbon inventory template`.")])

        def table(key):
            if found[key] is None:
                return None
            raw = found[key][1]
            if raw.empty:
                return pd.DataFrame()
            df = raw.iloc[1:].copy()
            df.columns = [str(c) for c in raw.iloc[0]]
            df.index = range(len(df))
            return df

        org_pairs = {}
        if found["organisation"] is not None:
            raw = found["organisation"][1]
            for _, r in raw.iterrows():
                if len(r) >= 2 and not _blank(r.iloc[0]):
                    org_pairs[str(r.iloc[0]).strip()] = r.iloc[1]
        sheet_names = {k: v[0] for k, v in found.items() if v is not None}
        return _from_tables(name, org_pairs, table("facilities"), table("sources"), table("factors"), sheet_names)
    if suffix == ".csv":
        df = pd.read_csv(p, dtype=str, keep_default_na=False).replace("", np.nan)
        return _from_tables(name, {"name": p.stem}, None, df, None, {"sources": p.name})
    if suffix in (".yaml", ".yml", ".json"):
        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        if not isinstance(data, dict) or "sources" not in data:
            raise InputError([Problem("a project file needs a 'sources' list (and 'organisation').", file=name)])
        org = data.get("organisation") or {}
        return _from_tables(
            name,
            org,
            pd.DataFrame(data.get("facilities") or []),
            pd.DataFrame(data["sources"]),
            pd.DataFrame(data.get("custom_factors") or []),
            {"sources": "sources (item)"},
            gwp_set=data.get("gwp_set"),
            first_row=1,
            significance=data.get("significance"),
        )
    raise InputError([Problem(f"cannot read '{p.suffix}' files.", file=name, hint="Use .xlsx, .ods, .csv, .yaml or .json.")])


EXAMPLE_SOURCES = [
    {"source_id": "S01", "name": "鍋爐 柴油", "iso_category": "1.1", "method": "fuel", "activity_amount": 12.5, "activity_unit": "公秉", "factor_id": "moenv-2024/diesel-stationary", "heat_value": 8400, "heat_value_unit": "kcal/L", "grade_a": 2, "grade_b": 1, "grade_c": 3, "ad_low_pct": 2, "ad_high_pct": 2, "data_source": "加油發票"},
    {"source_id": "S02", "name": "外購電力", "iso_category": "2.1", "method": "electricity", "activity_amount": 850, "activity_unit": "千度", "data_year": 2024, "grade_a": 2, "grade_b": 1, "grade_c": 2, "ad_low_pct": 1.5, "ad_high_pct": 1.5, "data_source": "台電帳單"},
]


def write_template(path: str | Path, lang: str = "zh-TW") -> Path:
    """Write a blank inventory workbook with headers, drop-downs and example rows.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` file to write.
    lang : {"zh-TW", "en"}
        Language of sheet names and headers (both are read back).
    """
    import xlsxwriter

    if lang not in ("zh-TW", "en"):
        msg = f"lang must be 'zh-TW' or 'en', not '{lang}'."
        raise ValueError(msg)
    zh = lang == "zh-TW"
    out = Path(path)
    wb = xlsxwriter.Workbook(str(out))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True})
    lists = wb.add_worksheet("lists")
    cats = list(ISO_SUBCATEGORIES)
    methods = list(METHODS)
    units = ["公秉", "公升", "L", "kL", "千度", "度", "kWh", "MWh", "千立方公尺", "立方公尺", "m3", "公噸", "公斤", "kg", "t", "人時", "人天", "噸公里", "GJ", "TJ"]
    for j, (title, vals) in enumerate((("iso_category", cats), ("method", methods), ("unit", units), ("grade", [1, 2, 3]), ("grade_c", [1, 2, 3, 4, 5, 6]))):
        lists.write(0, j, title, head)
        for i, v in enumerate(vals):
            lists.write(i + 1, j, v)
    lists.hide()

    org = wb.add_worksheet("組織" if zh else "organisation")
    org.set_column(0, 0, 22)
    org.set_column(1, 1, 40)
    rows = [("name", "名稱", "範例股份有限公司"), ("tax_id", "統一編號", "12345678"), ("reporting_year", "盤查年度", "113"), ("boundary_approach", "邊界設定方法", "operational_control"), ("base_year", "基準年", "113"), ("gwp_set", "GWP版本", "MOENV-2024"), ("address", "地址", "")]
    org.write(0, 0, "項目" if zh else "field", head)
    org.write(0, 1, "內容" if zh else "value", head)
    for i, (en, z, ex) in enumerate(rows, start=1):
        org.write(i, 0, z if zh else en)
        org.write(i, 1, ex)
    org.data_validation(4, 1, 4, 1, {"validate": "list", "source": list(("operational_control", "financial_control", "equity_share"))})

    fac = wb.add_worksheet("廠區" if zh else "facilities")
    for j, c in enumerate(FACILITY_COLUMNS):
        fac.write(0, j, c.zh if zh else c.name, head)
        fac.set_column(j, j, 16)
    fac.write_row(1, 0, ["F1", "總廠", "", 1.0, ""])

    src = wb.add_worksheet("排放源" if zh else "sources")
    src.freeze_panes(1, 1)
    for j, c in enumerate(SOURCE_COLUMNS):
        src.write(0, j, c.zh if zh else c.name, head)
        src.set_column(j, j, 14)
        src.write_comment(0, j, f"{c.name}: {c.description}" + (" (必填 required)" if c.required else ""))
    for i, ex in enumerate(EXAMPLE_SOURCES, start=1):
        for j, c in enumerate(SOURCE_COLUMNS):
            if c.name in ex:
                src.write(i, j, ex[c.name])
    colidx = {c.name: j for j, c in enumerate(SOURCE_COLUMNS)}
    last = 5000
    src.data_validation(1, colidx["iso_category"], last, colidx["iso_category"], {"validate": "list", "source": f"=lists!$A$2:$A${len(cats) + 1}"})
    src.data_validation(1, colidx["method"], last, colidx["method"], {"validate": "list", "source": f"=lists!$B$2:$B${len(methods) + 1}"})
    for g in ("grade_a", "grade_b"):
        src.data_validation(1, colidx[g], last, colidx[g], {"validate": "list", "source": "=lists!$D$2:$D$4"})
    src.data_validation(1, colidx["grade_c"], last, colidx["grade_c"], {"validate": "list", "source": "=lists!$D$2:$D$4"})
    src.data_validation(1, colidx["activity_amount"], last, colidx["activity_amount"], {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "活動數據須 ≥ 0 / activity must be ≥ 0"})

    fct = wb.add_worksheet("自訂係數" if zh else "factors")
    for j, c in enumerate(["factor_id", "name_zh", "name_en", "kind", "gas", "value", "unit", "value_low", "value_high", "heat_value", "heat_value_unit", "source_ref"]):
        fct.write(0, j, c, head)
        fct.set_column(j, j, 16)
    fct.write_row(1, 0, ["custom/steam-supplier-a", "供應商A蒸汽", "supplier A steam", "steam", "CO2e", 0.2, "t CO2e/t", None, None, None, None, "供應商2024年係數證明"])

    readme = wb.add_worksheet("說明" if zh else "readme")
    readme.set_column(0, 0, 24)
    readme.set_column(1, 1, 90)
    readme.write(0, 0, "欄位 column", head)
    readme.write(0, 1, "說明 description", head)
    for i, c in enumerate(SOURCE_COLUMNS, start=1):
        readme.write(i, 0, f"{c.zh} / {c.name}")
        readme.write(i, 1, c.description, note)
    wb.close()
    return out
