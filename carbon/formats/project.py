"""Read and write inventory projects: our workbook (xlsx/ods), CSV, YAML/JSON, templates.

Headers may be English column names or the Traditional Chinese headers of
:mod:`carbon.schema`.  Every problem names the file, sheet, row and column; nothing
the user entered is dropped (columns carbon does not use are kept and listed).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from carbon.errors import CarbonError, DateError, InputError, Problem
from carbon.formats import safety
from carbon.inventory import InventoryProject, Organisation
from carbon.schema import (
    FACILITY_COLUMNS,
    HEADER_ALIASES,
    ISO_SUBCATEGORIES,
    METHODS,
    SOURCE_COLUMNS,
    header_aliases,
    is_true,
    map_distinct,
)
from carbon.units import parse_roc_year

__all__ = ["EXAMPLE_MARK", "parse_number", "parse_year", "read_project", "write_template"]

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
#: Columns that take a year: Gregorian (2024) or ROC (民國113年, 113年, ROC 113).
YEAR_COLUMNS = frozenset({"data_year"})
#: Header text -> column name, per sheet: a sheet's own columns win over the records table's
#: (``排放源名稱`` is a source's ``name`` here, not the records' ``source_name``).
SOURCE_ALIASES = {**HEADER_ALIASES, **header_aliases(SOURCE_COLUMNS)}
FACILITY_ALIASES = {**HEADER_ALIASES, **header_aliases(FACILITY_COLUMNS)}
#: The ``note`` of the template's example rows; such rows are shown, never counted.
EXAMPLE_MARK = "範例列 example row: replace or delete"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT or (isinstance(v, str) and not v.strip())


def _text(v, keep_float: bool = False) -> str | None:
    """Cell to text: 170006.0 -> '170006' (codes read as numbers), blanks -> None."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer() and not keep_float:
        return str(int(v))
    return str(v).strip()


def parse_number(value: object) -> float:
    """Read a number as a person writes it: full-width digits (１２．５), thousands separators (1,234.5).

    Returns NaN when the text is not a number (the caller reports it with its place).

    >>> parse_number("１２．５"), parse_number("1,234.5"), parse_number("−3")
    (12.5, 1234.5, -3.0)
    """
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-").replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        x = float(text)
    except ValueError:
        return float("nan")
    return x if np.isfinite(x) else float("nan")


def parse_year(value: object) -> int | None:
    """A year cell: 2024, 113, 民國113年, 113年, 113年度, ROC 113, FY113 or full-width digits; None if not a year."""
    text = unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, str) else value
    if isinstance(text, str):
        text = re.sub(r"^(?:FY|fy|年度)\s*", "", text)
    try:
        return parse_roc_year(text)
    except (DateError, ValueError):
        return None


def _map_headers(df: pd.DataFrame, file: str, sheet: str, problems: list[Problem], aliases: dict) -> tuple[pd.DataFrame, dict, list[str]]:
    """Rename header texts (English or Chinese) to column names; unknown columns are kept by their text."""
    _labels = list(df.columns)
    mapping, headers, unused, drop = {}, {}, [], []
    df = df.copy()
    df.columns = range(df.shape[1])  # positions: header texts may repeat
    for col, label in zip(df.columns, list(_labels), strict=True):
        key = str(label).strip()
        base = unicodedata.normalize("NFKC", key.split("\n")[0]).strip()
        name = aliases.get(base) or aliases.get(base.lower())
        if name is None and base.startswith("sig_"):
            name = base  # significance scores, one column per criterion
        if name is None and "(" in base:
            name = aliases.get(base.split("(")[0].strip())
        if name is None:
            if key in unused or key in mapping.values():
                problems.append(Problem(f"two columns are named '{key}'.", file=file, sheet=sheet, column=key, hint="Rename or delete one of them."))
                drop.append(col)
                continue
            unused.append(key)
            mapping[col] = key
            continue
        if name in mapping.values():
            problems.append(Problem(f"two columns mean '{name}'.", file=file, sheet=sheet, column=key, hint="Keep one of them."))
            drop.append(col)
            continue
        mapping[col] = name
        headers[name] = key
    return df.drop(columns=drop).rename(columns=mapping), headers, unused


def _numbers(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A column as float; returns (values, positions of cells that are filled but not numbers)."""
    if raw.dtype.kind in "fiu":
        num = raw.astype(float)
        bad = ~np.isfinite(num.to_numpy()) & num.notna().to_numpy()
        return num.where(~bad), np.flatnonzero(bad)
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
    todo = num.isna().to_numpy() & ~blank
    if todo.any():  # the few cells pandas could not read: full-width digits, 1,234.5 …
        num.iloc[np.flatnonzero(todo)] = map_distinct(raw[todo], lambda v: np.nan if v is None else parse_number(v)).astype(float)
    bad = (num.isna().to_numpy() | ~np.isfinite(num.to_numpy())) & ~blank
    return num.where(~bad), np.flatnonzero(bad)


def _check_types(df: pd.DataFrame, headers: dict, file: str, sheet: str, problems: list[Problem], rows: list[int]) -> pd.DataFrame:
    """Type every known column; every cell that cannot be read is a problem, all of them.

    Vectorised: numbers through ``pd.to_numeric`` (the rest one decision per distinct value),
    years through :func:`parse_year`, text and flags one decision per distinct value.  A cell
    that cannot be read is left blank so later checks still run on the other cells.
    """
    for col in df.columns:
        t = _TYPES.get(col)
        where = {"file": file, "sheet": sheet, "column": headers.get(col, col)}
        if col in YEAR_COLUMNS:
            raw = df[col]
            years = map_distinct(raw, lambda v: None if _blank(v) else parse_year(v))
            blank = map_distinct(raw, _blank).astype(bool)
            for i in np.flatnonzero(np.array([y is None for y in years], dtype=bool) & ~blank):
                problems.append(Problem(f"'{raw.iloc[i]}' is not a year.", row=rows[i], hint="Write e.g. 2024, 113, 民國113年 or 113年.", **where))
            df[col] = pd.array([np.nan if y is None else y for y in years], dtype="Int64")
        elif t in ("float", "int"):
            raw = df[col]
            num, bad = _numbers(raw)
            for i in bad:
                problems.append(Problem(f"'{raw.iloc[i]}' is not a number.", row=rows[i], hint="Enter a number (no units or text in this cell).", **where))
            df[col] = num
        elif t == "bool":
            df[col] = pd.Series(map_distinct(df[col], lambda v: None if _blank(v) else is_true(v)), index=df.index, dtype=object)
        elif t == "str":
            df[col] = _text_column(df[col], keep_float=col == "iso_category")
    return df


def _text_column(s: pd.Series, keep_float: bool) -> pd.Series:
    """A text column, stripped, blanks as None (object dtype, as the calculation expects).

    Text read from CSV (arrow strings) is handled column-wise; cells of workbooks and YAML may
    be numbers (codes such as 170006.0 -> '170006'), decided once per distinct value.
    """
    if s.dtype == object or s.dtype.kind in "fiub":
        return pd.Series(map_distinct(s, lambda v: _text(v, keep_float)), index=s.index, dtype=object)
    t = s.astype("string").str.strip()
    t = t.mask(t == "")
    return t.astype(object).where(t.notna(), None)


def _sheet(book: dict[str, pd.DataFrame], key: str) -> tuple[str, pd.DataFrame] | None:
    for name in SHEETS[key]:
        for s in book:
            if s.strip().lower() == name.lower():
                return s, book[s]
    return None


def _organisation(pairs: dict, file: str, problems: list[Problem], sheet: str = "organisation") -> tuple[Organisation | None, str | None]:
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
                elif field_ in ("reporting_year", "base_year"):
                    y = parse_year(v)
                    if y is None:
                        problems.append(Problem(f"'{v}' is not a year.", file=file, sheet=sheet, column=a, hint="Write e.g. 2024, 113, 民國113年 or 113年."))
                    else:
                        kw[field_] = y
                else:
                    kw[field_] = v if not isinstance(v, float) or not v.is_integer() else int(v)
                break
    if "name" not in kw:
        problems.append(Problem("the organisation has no name.", file=file, sheet=sheet, hint="Fill the 'name / 名稱' row."))
        kw["name"] = Path(file).stem
    for k in ("tax_id", "registration_no", "name", "address", "responsible_person", "contact", "standard"):
        if k in kw:
            kw[k] = str(kw[k])
    try:
        return Organisation(**kw), gwp
    except (CarbonError, ValueError, TypeError) as err:  # DateError, InputError (boundary approach)
        problems.append(Problem(str(err).split("\n")[-1].strip(" -"), file=file, sheet=sheet))
        return None, gwp


def _custom_factors(factors: pd.DataFrame | None, file: str, sheet: str, problems: list[Problem]) -> pd.DataFrame:
    if factors is None or not len(factors.dropna(how="all")):
        return pd.DataFrame()
    from carbon.units import split_factor_unit

    cf = factors.dropna(how="all").reset_index(drop=True)
    cf.columns = [str(c).strip() for c in cf.columns]
    need = ["factor_id", "gas", "value", "unit"]
    miss = [c for c in need if c not in cf.columns]
    if miss:
        problems.append(Problem(f"custom factors need columns {need}; missing {miss}.", file=file, sheet=sheet))
        return pd.DataFrame()
    values, bad = _numbers(cf["value"])
    for i in bad:
        problems.append(Problem(f"'{cf['value'].iloc[i]}' is not a number.", file=file, sheet=sheet, row=int(i) + 2, column="value"))
    cf["value"] = values
    for i, u in enumerate(cf["unit"]):
        try:
            split_factor_unit(str(u))
        except CarbonError as err:
            problems.append(Problem(str(err), file=file, sheet=sheet, row=i + 2, column="unit"))
    for c in ("name_zh", "name_en", "kind", "source_ref"):
        if c not in cf:
            cf[c] = ""
    cf["source_ref"] = cf["source_ref"].fillna("").replace("", f"{Path(file).name}, sheet {sheet}")
    cf["name_zh"] = cf["name_zh"].fillna(cf["factor_id"])
    cf["name_en"] = cf["name_en"].fillna(cf["factor_id"])
    cf["kind"] = cf["kind"].fillna("other")
    return cf


def _facilities(facilities: pd.DataFrame | None, file: str, sheet: str, problems: list[Problem]) -> pd.DataFrame:
    if facilities is None or not len(facilities.dropna(how="all")):
        return pd.DataFrame(columns=[c.name for c in FACILITY_COLUMNS])
    fac = facilities.dropna(how="all")
    rows = [int(i) + 2 for i in fac.index]
    fac, fh, _ = _map_headers(fac.reset_index(drop=True), file, sheet, problems, FACILITY_ALIASES)
    return _check_types(fac, fh, file, sheet, problems, rows)


def _drop_examples(sources: pd.DataFrame, row_numbers: list[int], file: str, sheet: str) -> tuple[pd.DataFrame, list[int], list[str]]:
    """Remove the template's example rows (``note`` = :data:`EXAMPLE_MARK`); an untouched template is an error."""
    if "note" not in sources:
        return sources, row_numbers, []
    is_ex = (sources["note"].astype(str).str.strip() == EXAMPLE_MARK).to_numpy()
    if not is_ex.any():
        return sources, row_numbers, []
    ex_rows = [r for r, e in zip(row_numbers, is_ex, strict=True) if e]
    if is_ex.all():
        raise InputError(
            [
                Problem(
                    f"the sources sheet only holds the template's example rows ({', '.join(map(str, ex_rows))}); nothing of yours to calculate.",
                    file=file,
                    sheet=sheet,
                    hint=f"Replace the example rows with your own sources (and clear the note '{EXAMPLE_MARK}').",
                )
            ]
        )
    keep = ~is_ex
    note = f"rows {', '.join(map(str, ex_rows))} of sheet '{sheet}' are the template's example rows (note '{EXAMPLE_MARK}'); they are not counted."
    return sources[keep].reset_index(drop=True), [r for r, k in zip(row_numbers, keep, strict=True) if k], [note]


def _engine_problems(project: InventoryProject, reported: list[Problem]) -> list[Problem]:
    """The calculation's own checks, run on a project whose unreadable cells were left blank.

    So one unreadable cell does not hide the other problems of the file: the reader's problems
    and the engine's (unknown units, factors, negative amounts …) are reported together.  A
    problem on a cell the reader already reported is not repeated.
    """
    from carbon.inventory import calculate

    seen = {(p.sheet, p.row) for p in reported if p.row is not None}
    try:
        calculate(project)
    except InputError as err:
        return [p for p in err.problems if (p.sheet, p.row) not in seen]
    except CarbonError as err:
        return [Problem(str(err), file=project.origin.get("file"))]
    return []


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
    notes: list[str] | None = None,
) -> InventoryProject:
    """Build a project from tables; ``first_row`` is the number the user sees for the first data row."""
    problems: list[Problem] = []
    org, gwp = _organisation(org_pairs, file, problems, sheet_names.get("organisation", "organisation"))
    s_sheet = sheet_names.get("sources", "sources")
    sources = sources.dropna(how="all")
    row_numbers = (sources.index.to_numpy(dtype=np.int64) + first_row).tolist()
    if sources.empty:
        problems.append(Problem("there are no source rows, only headers.", file=file, sheet=s_sheet, hint="Add one row per emission source below the header row."))
        raise InputError(problems)
    sources, headers, unused = _map_headers(sources.reset_index(drop=True), file, s_sheet, problems, SOURCE_ALIASES)
    sources, row_numbers, ex_notes = _drop_examples(sources, row_numbers, file, s_sheet)
    for c in SOURCE_COLUMNS:
        if c.required and c.name not in sources.columns:
            problems.append(Problem(f"required column '{c.name}' ({c.zh}) is missing.", file=file, sheet=s_sheet, hint="Start from `carbon inventory template`."))
    sources = _check_types(sources, headers, file, s_sheet, problems, row_numbers)
    rows = {}
    if "source_id" in sources:  # missing ids get generated ones so errors still point at rows
        ids = sources["source_id"]
        for i in np.flatnonzero(ids.isna().to_numpy(dtype=bool)):
            problems.append(Problem("empty source id.", file=file, sheet=s_sheet, row=row_numbers[i], column=headers.get("source_id", "source_id"), hint="Give every source a unique id, e.g. S01."))
            sources.at[i, "source_id"] = f"row{row_numbers[i]}"
        ids = [x if isinstance(x, str) else str(x) for x in sources["source_id"].to_numpy(dtype=object).tolist()]
        rows = dict(zip(ids, ((file, s_sheet, r) for r in row_numbers), strict=True))
    fac = _facilities(facilities, file, sheet_names.get("facilities", "facilities"), problems)
    if "facility" in sources and "facility_id" in fac and len(fac):
        known = set(fac["facility_id"].dropna().astype(str))
        for i, f in enumerate(sources["facility"]):
            if not _blank(f) and str(f) not in known:
                problems.append(Problem(f"facility '{f}' is not in the facilities sheet.", file=file, sheet=s_sheet, row=row_numbers[i], column=headers.get("facility", "facility"), hint=f"Known: {', '.join(sorted(known))}."))
    cf = _custom_factors(factors, file, sheet_names.get("factors", "factors"), problems)
    notes = [*(notes or []), *ex_notes, *(f"column '{u}' in sheet '{s_sheet}' is not used by the calculation; it is kept with the sources." for u in unused)]
    project = None
    if org is not None and not any(p.message.startswith("required column") for p in problems):
        project = InventoryProject(
            organisation=org,
            facilities=fac,
            sources=sources,
            custom_factors=cf,
            gwp_set=gwp_set or gwp or "MOENV-2024",
            origin={"file": file, "rows": rows, "headers": headers},
            notes=notes,
            significance=significance or {},
        )
    if problems:
        if project is not None:
            problems += _engine_problems(project, problems)
        raise InputError(problems)
    return project


def read_project(path: str | Path, name: str | None = None) -> InventoryProject:
    """Read an inventory project from a file.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.ods``: our workbook (sheets organisation/組織, facilities/廠區,
        sources/排放源, factors/自訂係數) or the official MOENV workbook (detected by its
        sheets 表一…表八); ``.csv``: a sources table (UTF-8, or Big5/cp950 as zh-TW Excel
        saves it); ``.yaml``/``.yml``/``.json``: a project file with keys organisation,
        gwp_set, facilities, sources, custom_factors.
    name : str, optional
        Name of the file in messages (e.g. an upload's own name); default ``path`` as given.

    Raises
    ------
    InputError
        With every problem of the file, each naming sheet, row and column.  Workbooks are
        checked by :func:`carbon.formats.safety.check_spreadsheet` before they are opened.
    """
    p = Path(path)
    name = name or str(path)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls"):
        return _read_workbook(p, name)
    if suffix in (".csv", ".txt"):
        return _read_csv(p, name)
    if suffix in (".yaml", ".yml", ".json"):
        return _read_structured(p, name)
    safety.check_csv(p, name)  # not found / folder / empty, said before the suffix
    raise InputError([Problem(f"cannot read '{p.suffix or p.name}' files.", file=name, hint="Use .xlsx, .ods, .csv, .yaml or .json.")])


# --- workbooks ------------------------------------------------------------------------


def _load_book(p: Path, name: str) -> tuple[dict[str, pd.DataFrame] | None, dict[str, list]]:
    """All sheets (no header row), and each sheet's merged ranges, read once with calamine.

    Returns ``(None, {})`` for the official MOENV workbook (sheets 表一 and 表五), which has its own reader.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
        if {"表一", "表五"} <= set(wb.sheet_names):
            return None, {}
        book, merged = {}, {}
        for sn in wb.sheet_names:
            sh = wb.get_sheet_by_name(sn)
            data = sh.to_python(skip_empty_area=False)
            width = max((len(r) for r in data), default=0)
            book[sn] = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in data], dtype=object)
            book[sn] = book[sn].replace("", None)
            ranges = getattr(sh, "merged_cell_ranges", None)
            merged[sn] = list(ranges or [])
    except (CalamineError, OSError, ValueError, UnicodeError) as err:
        raise InputError([Problem(f"this is not a readable workbook ({type(err).__name__}: {_short(err)}).", file=name, hint="Open it in Excel or LibreOffice and save it again as .xlsx or .ods.")]) from err
    return book, merged


def _short(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return re.sub(r"(/[^\s:'\"]+)+", "…", text)[:160]  # no server paths


def _merged_problems(merged: dict[str, list], sheet: str, file: str) -> list[Problem]:
    out = []
    for rng in merged.get(sheet, []):
        (r0, c0), (r1, c1) = rng
        if r0 == 0 and r1 == 0:
            continue  # merged header cells above the table are harmless
        a, b = f"{_col_letters(c0)}{r0 + 1}", f"{_col_letters(c1)}{r1 + 1}"
        out.append(
            Problem(
                f"cells {a}:{b} are merged; a merged cell holds its value only in {a}, so the other rows would read as empty.",
                file=file,
                sheet=sheet,
                row=r0 + 1,
                column=_col_letters(c0),
                hint="Unmerge the cells and repeat the value in every row (Excel: Merge & Center ▸ Unmerge Cells).",
            )
        )
    return out


def _col_letters(c: int) -> str:
    out, n = "", c + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _table(found: tuple[str, pd.DataFrame] | None) -> pd.DataFrame | None:
    if found is None:
        return None
    raw = found[1]
    if raw.empty:
        return pd.DataFrame()
    df = raw.iloc[1:].copy()
    df.columns = [f"(column {_col_letters(j)})" if _blank(c) else str(c) for j, c in enumerate(raw.iloc[0])]
    df = df.loc[:, [not (c.startswith("(column ") and df[c].isna().all()) for c in df.columns]]
    df.index = range(len(df))
    return df


def _read_workbook(p: Path, name: str) -> InventoryProject:
    safety.check_spreadsheet(p, name)
    book, merged = _load_book(p, name)
    if book is None:
        from carbon.formats.moenv import read_moenv_workbook

        return read_moenv_workbook(p, name=name)
    names = set(book)
    found = {k: _sheet(book, k) for k in SHEETS}
    if found["sources"] is None:
        raise InputError([Problem(f"no 'sources' / '排放源' sheet; sheets are {sorted(names)}.", file=name, hint="Start from `carbon inventory template`.")])
    problems = [q for k, v in found.items() if v is not None for q in _merged_problems(merged, v[0], name)]
    if problems:
        raise InputError(problems)
    org_pairs = {"name": Path(name).stem} if found["organisation"] is None else {}  # as for a CSV
    if found["organisation"] is not None:
        for _, r in found["organisation"][1].iterrows():
            if len(r) >= 2 and not _blank(r.iloc[0]):
                org_pairs[str(r.iloc[0]).strip()] = r.iloc[1]
    sheet_names = {k: v[0] for k, v in found.items() if v is not None}
    sources = _table(found["sources"])
    if sources is None or sources.empty and not len(sources.columns):
        raise InputError([Problem("the sources sheet is empty: no header row.", file=name, sheet=sheet_names["sources"], hint="Start from `carbon inventory template`.")])
    return _from_tables(name, org_pairs, _table(found["facilities"]), sources, _table(found["factors"]), sheet_names)


# --- CSV --------------------------------------------------------------------------------

#: Encodings tried in order: UTF-8 (with or without BOM), then Big5 as Windows writes it (cp950).
CSV_ENCODINGS = ("utf-8-sig", "cp950")


def _detect_encoding(p: Path, name: str) -> str:
    """The first of :data:`CSV_ENCODINGS` that decodes the whole file (read in 1 MB chunks)."""
    import codecs

    for enc in CSV_ENCODINGS:
        dec = codecs.getincrementaldecoder(enc)()
        try:
            with p.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    dec.decode(chunk)
                dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError([Problem("the file is neither UTF-8 nor Big5 text.", file=name, hint="Save it again as 'CSV UTF-8 (逗號分隔)' in Excel, or as UTF-8 text.")])


def _csv_layout_problems(p: Path, enc: str, name: str) -> list[Problem]:
    """Rows whose number of fields differs from the header's (all of them, merged)."""
    import csv

    out = []
    with p.open(encoding=enc, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        for rec in reader:
            if rec and len(rec) != len(header):
                out.append(Problem(f"this row has {len(rec)} fields; the header has {len(header)}.", file=name, row=reader.line_num, hint="Check for a comma inside a value (quote it) or a missing separator."))
    return out


def _csv_dtypes(p: Path, enc: str) -> dict:
    import csv

    with p.open(encoding=enc, newline="") as fh:
        header = next(csv.reader(fh), [])
    out = {}
    for h in header:
        col = SOURCE_ALIASES.get(unicodedata.normalize("NFKC", h).strip()) or SOURCE_ALIASES.get(h.strip().lower())
        out[h] = "float64" if _TYPES.get(col) in ("float", "int") and col not in YEAR_COLUMNS else "str"
    return out


def _read_csv(p: Path, name: str) -> InventoryProject:
    safety.check_csv(p, name)
    enc = _detect_encoding(p, name)
    notes = [] if enc == "utf-8-sig" else [f"{Path(name).name} was read as Big5 (cp950) text; UTF-8 is preferred."]
    dtypes = _csv_dtypes(p, enc)
    if not dtypes or all(not str(h).strip() for h in dtypes):
        raise InputError([Problem("the CSV has no header row.", file=name, hint="The first line names the columns, e.g. source_id,iso_category,activity_amount,activity_unit.")])
    df = None
    try:  # typed read with pyarrow: numbers parsed in C; any odd cell and we read text instead
        df = pd.read_csv(p, engine="pyarrow", encoding=enc, dtype=dtypes)
    except (ValueError, TypeError, UnicodeError, OSError, pd.errors.ParserError):
        df = None
    if df is None:
        try:
            df = pd.read_csv(p, engine="pyarrow", encoding=enc, dtype=str)
        except (ValueError, TypeError, UnicodeError, OSError, pd.errors.ParserError) as err:
            problems = _csv_layout_problems(p, enc, name)
            raise InputError(problems or [Problem(f"the CSV cannot be read ({_short(err)}).", file=name)]) from err
    return _from_tables(name, {"name": p.stem}, None, df, None, {"sources": None}, notes=notes)


# --- YAML / JSON -------------------------------------------------------------------------

#: Largest YAML/JSON project file [bytes].
MAX_STRUCTURED_BYTES = 64 * 1024**2


def _load_structured(p: Path, name: str):
    safety.check_csv(p, name)
    if p.stat().st_size > MAX_STRUCTURED_BYTES:
        raise InputError([Problem(f"the file is larger than {MAX_STRUCTURED_BYTES // 1024**2} MB.", file=name, hint="Use a CSV or workbook for large source tables.")])
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError([Problem(f"the file is not UTF-8 text (byte {err.start + 1} cannot be read).", file=name, hint="Save it as UTF-8 (in most editors: Save As ▸ Encoding ▸ UTF-8).")]) from err
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError([Problem(f"not valid JSON (character {err.colno}): {err.msg}.", file=name, row=err.lineno, hint="Check commas, quotes and brackets near that place.")]) from err
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark
        tag = re.search(r"tag '([^']+)'", str(err.problem or ""))
        tag_text = tag.group(1).replace("tag:yaml.org,2002:", "!!") if tag else "a tag"
        raise InputError(
            [
                Problem(
                    f"{tag_text} is not plain data; carbon reads only text, numbers, lists and mappings, never program objects.",
                    file=name,
                    row=mark.line + 1 if mark else None,
                    hint="Remove the tag and write the value itself.",
                )
            ]
        ) from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        what = getattr(err, "problem", None) or _short(err)
        at = f" (character {mark.column + 1})" if mark else ""
        raise InputError([Problem(f"YAML syntax error{at}: {what}.", file=name, row=mark.line + 1 if mark else None, hint="Check the indentation and the ':' after each key; quote text containing ': ' or '#'.")]) from err


def _records(value, key: str, name: str, problems: list[Problem], required: bool = False) -> pd.DataFrame | None:
    """A list of mappings (one per row) as a table; anything else is a problem."""
    if value is None:
        if required:
            problems.append(Problem(f"'{key}' is missing.", file=name, hint=f"Give '{key}' as a list of rows, e.g.\n{key}:\n  - source_id: S01\n    …"))
        return None
    if isinstance(value, dict):
        problems.append(Problem(f"'{key}' is a mapping; it must be a list of rows (each beginning with '- ').", file=name, column=key, hint=f"Write\n{key}:\n  - source_id: S01\n    activity_amount: 12.5"))
        return None
    if not isinstance(value, list):
        problems.append(Problem(f"'{key}' must be a list of rows, not {type(value).__name__}.", file=name, column=key))
        return None
    bad = [i + 1 for i, r in enumerate(value) if not isinstance(r, dict)]
    for i in bad:
        problems.append(Problem(f"item {i} of '{key}' is not a mapping of column: value.", file=name, sheet=f"{key} (item)", row=i))
    return pd.DataFrame([r for r in value if isinstance(r, dict)]) if not bad else None


def _read_structured(p: Path, name: str) -> InventoryProject:
    data = _load_structured(p, name)
    if not isinstance(data, dict):
        raise InputError([Problem("a project file is a mapping with keys organisation, sources …; this one is not.", file=name, hint="See examples/demo-factory.yaml.")])
    problems: list[Problem] = []
    org = data.get("organisation") or {}
    if not isinstance(org, dict):
        problems.append(Problem("'organisation' must be a mapping (name: …, reporting_year: …).", file=name, column="organisation"))
    sources = _records(data.get("sources"), "sources", name, problems, required=True)
    facilities = _records(data.get("facilities"), "facilities", name, problems)
    factors = _records(data.get("custom_factors"), "custom_factors", name, problems)
    gwp = data.get("gwp_set")
    if gwp is not None and not isinstance(gwp, str):
        problems.append(Problem("'gwp_set' must be a name such as MOENV-2024 or AR6.", file=name, column="gwp_set"))
    sig = data.get("significance")
    if sig is not None and not isinstance(sig, dict):
        problems.append(Problem("'significance' must be a mapping.", file=name, column="significance"))
    if problems:
        raise InputError(problems)
    for df in (sources, facilities, factors):
        if df is not None:  # nested lists/mappings in a cell are text to be reported, not objects
            for c in df.columns:
                if df[c].map(lambda v: isinstance(v, (list, dict))).any():
                    df[c] = df[c].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
    return _from_tables(name, org, facilities, sources, factors, {"sources": "sources (item)", "organisation": "organisation"}, gwp_set=gwp, first_row=1, significance=sig)


EXAMPLE_SOURCES = [
    {"source_id": "S01", "name": "鍋爐 柴油", "iso_category": "1.1", "method": "fuel", "activity_amount": 12.5, "activity_unit": "公秉", "factor_id": "moenv-2024/diesel-stationary", "heat_value": 8400, "heat_value_unit": "kcal/L", "grade_a": 2, "grade_b": 1, "grade_c": 3, "ad_low_pct": 2, "ad_high_pct": 2, "data_source": "加油發票", "note": EXAMPLE_MARK},
    {"source_id": "S02", "name": "外購電力", "iso_category": "2.1", "method": "electricity", "activity_amount": 850, "activity_unit": "千度", "data_year": 2024, "grade_a": 2, "grade_b": 1, "grade_c": 2, "ad_low_pct": 1.5, "ad_high_pct": 1.5, "data_source": "台電帳單", "note": EXAMPLE_MARK},
]


def _lists_sheet(wb, head) -> tuple[list, list]:
    """The hidden sheet of drop-down values; returns (categories, methods)."""
    lists = wb.add_worksheet("lists")
    cats = list(ISO_SUBCATEGORIES)
    methods = list(METHODS)
    units = ["公秉", "公升", "L", "kL", "千度", "度", "kWh", "MWh", "千立方公尺", "立方公尺", "m3", "公噸", "公斤", "kg", "t", "人時", "人天", "噸公里", "GJ", "TJ"]
    for j, (title, vals) in enumerate((("iso_category", cats), ("method", methods), ("unit", units), ("grade", [1, 2, 3]), ("grade_c", [1, 2, 3, 4, 5, 6]))):
        lists.write(0, j, title, head)
        for i, v in enumerate(vals):
            lists.write(i + 1, j, v)
    lists.hide()
    return cats, methods


def write_template(path: str | Path, lang: str = "zh-TW") -> Path:
    """Write a blank inventory workbook with headers, drop-downs and two example rows.

    The example rows carry the note :data:`EXAMPLE_MARK`: :func:`read_project` shows them as
    the template's examples and does not count them, and an untouched template is an error
    ("only the template's example rows"), never a silent total.  Text cells pass through
    :func:`carbon.formats.safety.neutralise`.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` file to write.
    lang : {"zh-TW", "en"}
        Language of sheet names and headers (both are read back).
    """
    if lang not in ("zh-TW", "en"):
        msg = f"lang must be 'zh-TW' or 'en', not '{lang}'."
        raise ValueError(msg)
    zh = lang == "zh-TW"
    out = Path(path)
    if out.is_dir() or not out.parent.is_dir():
        where = "is a folder" if out.is_dir() else "is in a folder that does not exist"
        raise InputError([Problem(f"cannot write the template: '{out.name}' {where}.", file=str(out), hint="Give a file name such as 盤查.xlsx in an existing folder.")])
    tmp = out.with_name(f".{out.name}.partial")
    # strings are never formulas: text beginning with '=' is written as text, and neutralised
    wb = safety.safe_workbook(tmp)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True})
    cats, methods = _lists_sheet(wb, head)

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
    try:
        wb.close()
        tmp.replace(out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError([Problem(f"cannot write the template ({err.strerror}).", file=str(out))]) from err
    return out
