"""Read and write the official MOENV inventory workbook (溫室氣體排放量清冊表單).

The workbook is the form Taiwanese entities file with the MOENV greenhouse-gas
registry: 表一 organisation, 表二 boundary, 表三 source identification, 表四
activity data, 表五 quantification, 表六 data quality, 表七 uncertainty, 表八
summary.  :func:`read_moenv_workbook` turns one (``.ods`` or ``.xlsx``) into an
:class:`~carbon.inventory.InventoryProject`; :func:`write_moenv_workbook` writes a
project and its result back in the same layout.

Only input cells are read.  Cells the official workbook computes (masses, CO2e,
sub-totals, shares, data-quality scores, combined uncertainties) are ignored:
carbon recomputes them.  Where a value is the workbook's own look-up (the per-TJ
factor in 表五 R, the GWP in 表五 Y) it is read as *the factor as entered*, and
compared with carbon's library.

Cells read (rows are spreadsheet rows; source rows start at row 3 in 表三–表六 and
row 5 in 表七, the n-th source row of every sheet describing the same source):

========  =====================================================================
sheet     cells
========  =====================================================================
表一      B3 盤查期間 (民國年), C3 管制編號, D3 事業名稱, E3 統一編號, F3 工廠統一編號,
          G3 負責人, H3 聯絡人, I3 電話, J3 電子信箱, M3/O3 行業代碼, Q3 登錄原因,
          R3 盤查依據規範, S3/T3 查驗, U3 備註 (``gwp_set=...`` written by carbon)
表二      A3 證書字號, B3 目的事業主管機關, C3 縣市, D3 鄉鎮, E3 郵遞區號, H3 地址,
          I3–K3 邊界內未納入計算之排放源
表三      A 製程編號, B 製程代碼, C 製程名稱, D 設備編號, E 設備代碼, F 設備名稱,
          H 原燃物料代碼, I 名稱, J 生質能源, K 直接/間接, L 排放型式, M 類別,
          N–T 產生 CO2/CH4/N2O/HFCs/PFCs/SF6/NF3, V 備註 (G 類別, U 汽電共生 kept in origin)
表四      N 供應商, O 活動數據, P 單位, Q 分配比率, R 其他單位, S 數據來源, T 保存單位,
          U 量測頻率 (→ 表六 A grade), X 計算方法, Y 低位熱值, Z 熱值單位, AB 碳含量
          (V 量測儀器, W 校正頻率 kept in origin)
表五      per gas #1/#2/#3: Q/AA/AK gas, R/AB/AL per-energy factor [kg/TJ] or electricity
          factor, T/AD/AN unit factor, U/AE/AO its unit, V/AF/AP 係數來源,
          W/AG/AQ 係數種類 (→ 表六 C grade), Y/AI/AS GWP as typed; AX GWP (HFC/PFC);
          X/AH/AR only to see whether the row rounds its masses to 4 decimals (the
          sample's septic row does not: ``origin['moenv_unrounded_mass']``), never
          their value
表六      H 活動數據可信種類 (→ B grade); G and I only when 表四 U / 表六 H are empty
表七      E/F activity-data 95 % lower/upper, K/L, S/T, AA/AB factor lower/upper per gas
          (fractions: 0.015 = 1.5 %)
========  =====================================================================

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例) (ghgregistry.moenv.gov.tw/upload/Tools/AI/).
.. [2] 溫室氣體排放量盤查登錄及查驗管理辦法 §2 (rounding), §4-2-1 (factors).
.. [3] docs/FACTS-taiwan.md §1.6–1.8, §5.3–5.5, §8.1.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.inventory import InventoryProject, Organisation
from carbon.paths import FACTORS_DIR
from carbon.schema import FACILITY_COLUMNS, SOURCE_COLUMNS
from carbon.units import multiplier, parse_roc_year, parse_unit

__all__ = ["EMISSION_TYPES", "FACTOR_KINDS", "read_moenv_workbook", "write_moenv_workbook"]

#: 表三 L 排放型式 -> ISO 14064-1 sub-category.
EMISSION_TYPES: dict[str, str] = {
    "固定燃燒": "1.1",
    "移動燃燒": "1.2",
    "製程": "1.3",
    "逸散": "1.4",
    "外購電力": "2.1",
    "外購蒸汽": "2.2",
}
_TYPE_OF_SUB = {v: k for k, v in EMISSION_TYPES.items()}

#: 表五 W 係數種類 (1–6), as the official drop-down spells them (表五 note 6).
FACTOR_KINDS: dict[int, str] = {
    1: "1自廠發展係數/質量平衡所得係數",
    2: "2同製程/設備經驗係數",
    3: "3製造廠提供係數",
    4: "4區域排放係數",
    5: "5國家排放係數",
    6: "6國際排放係數",
}
#: 表六 O: 係數種類 -> 排放係數參數誤差等級 (1, 2 -> 1; 3, 4 -> 2; 5, 6 -> 3).
_KIND_TO_C = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3}

#: 表四 U 量測頻率 -> 表六 G 活動數據種類等級 (formula of 表六 G).
_FREQ_TO_A = {
    "連續量測": 1,
    "定期(間歇)量測/財務單據(非推估)": 2,
    "財務會計推估": 3,
    "自行評估": 3,
}
_A_TO_FREQ = {1: "連續量測", 2: "定期(間歇)量測/財務單據(非推估)", 3: "自行評估"}
#: 表六 H 活動數據可信種類 (drop-down) -> B grade.
_B_TEXT = {
    1: "(1)有進行外部校正或有多組數據茲佐證者",
    2: "(2)有進行內部校正或經過會計簽證等証明者",
    3: "(3)未進行儀器校正或未進行紀錄彙整者",
}

#: 表四 X 排放量計算方法 (drop-down).
METHOD_PUBLISHED = "採用中央主管機關公告之溫室氣體排放係數"
METHOD_OWN = "國際文獻或檢測報告所得之自廠係數"
METHOD_MASS_BALANCE = "質量平衡法"
METHOD_OTHER = "其他"

#: 表三 N–T gas flags, in the workbook's order (gas #1..#3 are the first three flagged).
_GAS_FLAGS = (("N", "CO2"), ("O", "CH4"), ("P", "N2O"), ("Q", "HFCS"), ("R", "PFCS"), ("S", "SF6"), ("T", "NF3"))
_FGAS = {"HFCS", "PFCS", "PFC", "SF6", "NF3"}

#: 表五 per-gas column blocks: gas, per-energy factor, its unit, unit factor, its unit,
#: factor source, factor kind, mass, GWP, CO2e.
_T5_BLOCKS = (
    ("Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"),
    ("AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ"),
    ("AK", "AL", "AM", "AN", "AO", "AP", "AQ", "AR", "AS", "AT"),
)
#: 表七 per-gas blocks: gas, CO2e, EF lower, EF upper, source, keeper, U lower, U upper.
_T7_BLOCKS = (
    ("I", "J", "K", "L", "M", "N", "O", "P"),
    ("Q", "R", "S", "T", "U", "V", "W", "X"),
    ("Y", "Z", "AA", "AB", "AC", "AD", "AE", "AF"),
)

#: Units the 表四 P drop-down offers; anything else goes in R with P = '其他'.
_T4_UNITS = ("公秉", "千立方公尺", "公噸", "千度")
_C_TO_CO2 = 44.0 / 12.0
_FIRST_ROW = 3  # first source row in 表三–表六
_T7_OFFSET = 2  # 表七 row = 表三 row + 2
_PD = {"str": "string", "float": "float64", "int": "Int64", "bool": "boolean"}
_INPUT_SHEETS = ("表一", "表二", "表三", "表四", "表五", "表六", "表七")


# --- cells ---------------------------------------------------------------------------
def _col(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class _Sheet:
    """Cell access by spreadsheet address on a header-less DataFrame."""

    def __init__(self, name: str, df: pd.DataFrame | None):
        self.name = name
        self.df = df if df is not None else pd.DataFrame()

    def raw(self, row: int, col: str):
        r, c = row - 1, _col(col)
        if r < 0 or r >= self.df.shape[0] or c >= self.df.shape[1]:
            return None
        v = self.df.iat[r, c]
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, str):
            v = v.replace("\u3000", " ").strip()
            return v or None
        if isinstance(v, (np.integer,)):
            return int(v)
        if isinstance(v, (np.floating,)):
            return float(v)
        return v

    def text(self, row: int, col: str) -> str | None:
        v = self.raw(row, col)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip() or None

    def code(self, row: int, col: str, width: int) -> str | None:
        """A code cell; numbers stored by a spreadsheet lose their leading zeros, restore them."""
        v = self.raw(row, col)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
            return str(int(v)).zfill(width)
        return self.text(row, col)

    def nrows(self) -> int:
        return self.df.shape[0]


@dataclass
class _Ctx:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, row: int | None, col: str | None, header: str | None, msg: str, hint: str = ""):
        column = f"{col} ({header})" if col and header else col
        self.problems.append(Problem(msg, file=self.file, sheet=sheet, row=row, column=column, hint=hint or None))

    def number(
        self, sh: _Sheet, row: int, col: str, header: str, *, required: bool = False, nonneg: bool = True
    ) -> float | None:
        v = sh.raw(row, col)
        if v is None:
            if required:
                self.problem(sh.name, row, col, header, "is empty.", "Enter a number.")
            return None
        if isinstance(v, bool):
            v = None
        elif isinstance(v, str):
            try:
                v = float(v.replace(",", ""))
            except ValueError:
                v = None
        elif not isinstance(v, (int, float)):
            v = None
        if v is None or not math.isfinite(v):
            self.problem(sh.name, row, col, header, f"'{sh.raw(row, col)}' is not a number.", "Enter a number.")
            return None
        if nonneg and v < 0:
            self.problem(sh.name, row, col, header, f"is negative ({v:g}).", "Enter an amount ≥ 0.")
            return None
        return float(v)


def _read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    engine = "calamine"
    try:
        import python_calamine  # noqa: F401
    except ImportError:  # pragma: no cover
        engine = "odf" if path.suffix.lower() == ".ods" else "openpyxl"
    with pd.ExcelFile(path, engine=engine) as xf:
        names = [n for n in xf.sheet_names if n in _INPUT_SHEETS]
        return pd.read_excel(xf, sheet_name=names, header=None, dtype=object) if names else {}


def _num_or_none(v) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v) if math.isfinite(v) else None
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def _same(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def _unit_of(text: str | None) -> str | None:
    """'公噸/公秉' -> ('公噸', '公秉'); the per-unit of a 表五 unit text."""
    if not text or "/" not in text:
        return None
    return text.split("/", 1)[1].strip() or None


def _mass_of(text: str | None) -> str:
    if not text or "/" not in text:
        return "t"
    m = text.split("/", 1)[0].strip()
    return {"公噸": "t", "公斤": "kg", "噸": "t"}.get(m, m)


def _fgas_name(material_name: str | None, flag_gas: str) -> str:
    """Gas name of a fluorinated-gas row: 'HFC-23/R-23三氟甲烷，CHF3' -> 'HFC-23'."""
    if flag_gas in ("SF6", "NF3"):
        return flag_gas
    if material_name:
        m = re.match(
            r"\s*((?:HFC|PFC|HCFC|CFC|HFO)-[0-9A-Za-z]+|R-?[0-9]{2,3}[A-Za-z]?|C[0-9]F[0-9]+|c-C4F8)", material_name
        )
        if m:
            return m.group(1)
    return flag_gas


def _registry():
    try:
        from carbon.factors import load_registry

        return load_registry()
    except Exception:  # library not built yet
        return None


def _gwp(gas: str, gwp_set: str, ch4_kind: str | None = None) -> float | None:
    try:
        from carbon.gwp import gwp_value

        return gwp_value(gas, gwp_set, ch4_kind)
    except Exception:
        return None


# --- reading -------------------------------------------------------------------------
def read_moenv_workbook(path: str | Path) -> InventoryProject:
    """Read an MOENV inventory workbook (溫室氣體排放量清冊表單) into a project.

    Parameters
    ----------
    path : str or Path
        ``.ods`` or ``.xlsx`` file in the official layout (sheets 表一–表七; other
        sheets, including ``'file:///...`` external-link copies, are ignored).

    Returns
    -------
    InventoryProject
        ``sources`` has one row per source row of 表三 (``source_id`` = 設備編號, or
        ``<設備編號>-<原燃物料代碼>`` when the 設備編號 repeats); factors as entered in
        表五 are in ``custom_factors`` (ids ``custom/<source_id>``, one row per gas);
        ``origin["sheet_rows"]`` maps each source to its 表三 row; ``notes`` lists
        every deviation from carbon's library and every known defect reproduced.

    Raises
    ------
    InputError
        With every problem found (negative or missing activity data, unknown units,
        unreadable numbers, grades out of range ...), each naming file, sheet, row and
        column.

    Notes
    -----
    Only input cells are read; see the module docstring for the cell list.  The
    workbook multiplies 表四 Q 分配比率 and AB 碳含量 directly although their headers
    say "%", so both are read as fractions (1 = 100 %) and values above 1 are errors.
    Activity-data and factor uncertainties of 表七 are fractions and become percent.

    References
    ----------
    .. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表一–表七 and their 填表說明.
    """
    path = Path(path)
    ctx = _Ctx(str(path))
    sheets = _read_sheets(path)
    missing = [s for s in ("表一", "表三", "表四", "表五") if s not in sheets]
    if missing:
        raise InputError(
            [
                Problem(
                    f"sheet(s) {', '.join(missing)} not found; this is not an MOENV inventory workbook "
                    "(溫室氣體排放量清冊表單) or its sheets were renamed.",
                    file=str(path),
                    hint="Keep the official sheet names 表一 … 表八.",
                )
            ]
        )
    t1, t2 = _Sheet("表一", sheets.get("表一")), _Sheet("表二", sheets.get("表二"))
    t3, t4, t5 = _Sheet("表三", sheets["表三"]), _Sheet("表四", sheets["表四"]), _Sheet("表五", sheets["表五"])
    t6, t7 = _Sheet("表六", sheets.get("表六")), _Sheet("表七", sheets.get("表七"))

    notes: list[str] = []
    org, org_extra = _read_organisation(ctx, t1, t2, notes)
    gwp_set = org_extra.pop("gwp_set", None) or "MOENV-2024"
    year = org.reporting_year
    registry = _registry()

    rows = _source_rows(t3)
    ids = _source_ids(t3, rows)
    # activity data in 表四 without a source in 表三 (the sheets are matched by row)
    last = rows[-1] if rows else _FIRST_ROW - 1
    for r in range(_FIRST_ROW, t4.nrows() + 1):
        a = t4.text(r, "A")
        if a and a.startswith("填表說明"):
            break
        if r not in rows and t4.raw(r, "O") is not None:
            ctx.problem(
                "表四", r, "O", "活動數據", f"has activity data but 表三 row {r} has no source (last source row: {last}).",
                "Identify the source in 表三 on the same row.",
            )  # fmt: skip
    facility_id = org.registration_no or "F1"
    facilities = _frame(
        FACILITY_COLUMNS,
        [
            {
                "facility_id": facility_id,
                "name": org.name,
                "address": org.address,
                "registration_no": org.registration_no,
            }
        ],
    )

    src_records: list[dict] = []
    factor_rows: list[dict] = []
    moenv_extra: dict[str, dict] = {}
    sheet_rows: dict[str, tuple[str, int]] = {}
    for r, sid in zip(rows, ids, strict=True):
        sheet_rows[sid] = ("表三", r)
        rec, frows, extra = _read_source(ctx, r, sid, t3, t4, t5, t6, t7, year, gwp_set, registry, notes)
        if rec is None:
            continue
        rec["facility"] = facility_id
        src_records.append(rec)
        factor_rows.extend(frows)
        moenv_extra[sid] = extra

    if not rows:
        ctx.problem("表三", _FIRST_ROW, None, None, "no emission source rows found.", "Fill 表三 from row 3.")
    if ctx.problems:
        raise InputError(ctx.problems)

    sources = _frame(SOURCE_COLUMNS, src_records)
    factor_cols = list(pd.read_csv(_schema_csv())["column"]) if _schema_csv().exists() else _FACTOR_COLS
    custom = pd.DataFrame(factor_rows, columns=factor_cols)
    for c in ("value", "value_low", "value_high", "heat_value"):
        custom[c] = pd.to_numeric(custom[c], errors="coerce").astype("float64")
    origin = {
        "file": str(path),
        "format": "moenv-workbook",
        "sheet_rows": sheet_rows,
        # carbon.inventory.calculate names problems with these
        "rows": {sid: (str(path), "表四", row) for sid, (_sh, row) in sheet_rows.items()},
        "headers": dict(_HEADERS),
        "moenv_unrounded_mass": [sid for sid, ex in moenv_extra.items() if ex.get("unrounded_mass")],
        "moenv": moenv_extra,
        "organisation": org_extra,
    }
    return InventoryProject(
        organisation=org,
        facilities=facilities,
        sources=sources,
        custom_factors=custom,
        gwp_set=gwp_set,
        origin=origin,
        notes=notes,
    )


#: Source column -> where it is in the workbook (for problem messages of calculate).
_HEADERS = {
    "source_id": "表三 D 設備編號",
    "iso_category": "表三 L 排放型式",
    "activity_amount": "O 活動數據",
    "activity_unit": "P/R 活動數據單位",
    "allocation": "Q 活動數據分配比率",
    "heat_value": "Y 燃料低位熱值數值",
    "heat_value_unit": "Z 燃料低位熱值單位",
    "carbon_content": "AB 碳含量",
    "factor_id": "表五 R/T 排放係數",
    "gas": "表三 N–T 產生溫室氣體",
    "data_year": "表一 B 盤查期間",
    "grade_a": "U 量測頻率",
    "grade_b": "表六 H 活動數據可信種類",
    "grade_c": "表五 W 係數種類",
    "ad_low_pct": "表七 E",
    "ad_high_pct": "表七 F",
    "ef_low_pct": "表七 K",
    "ef_high_pct": "表七 L",
}

_FACTOR_COLS = [
    "factor_id", "name_zh", "name_en", "kind", "moenv_code", "gas", "value", "unit", "value_low", "value_high",
    "u_dist", "heat_value", "heat_value_unit", "basis", "valid_from", "valid_to", "announced", "gwp_set",
    "source_ref", "note",
]  # fmt: skip


def _schema_csv() -> Path:
    return FACTORS_DIR / "schema.csv"


def _frame(columns, records: list[dict]) -> pd.DataFrame:
    data = {}
    for c in columns:
        vals = [rec.get(c.name) for rec in records]
        data[c.name] = pd.Series(vals, dtype=_PD[c.dtype]) if records else pd.Series(dtype=_PD[c.dtype])
    return pd.DataFrame(data)


def _read_organisation(ctx: _Ctx, t1: _Sheet, t2: _Sheet, notes: list[str]):
    year = None
    raw_year = t1.raw(3, "B")
    if raw_year is None:
        ctx.problem("表一", 3, "B", "盤查期間", "is empty.", "Enter the inventory year (民國年, e.g. 112).")
    else:
        try:
            year = parse_roc_year(raw_year)
        except Exception as err:
            ctx.problem("表一", 3, "B", "盤查期間", str(err))
    name = t1.text(3, "D")
    if not name:
        ctx.problem("表一", 3, "D", "事業名稱", "is empty.", "Enter the name of the entity.")
    contact = ", ".join(x for x in (t1.text(3, "H"), t1.text(3, "I"), t1.text(3, "J")) if x) or None
    industry = tuple(x for x in (t1.text(3, "M"), t1.text(3, "O")) if x)
    parts = [t2.text(3, c) for c in ("C", "D", "H")]
    address = "".join(p for p in parts if p) or None
    extra = {
        "factory_tax_id": t1.text(3, "F"),
        "registration_reason": t1.text(3, "Q"),
        "verified": t1.text(3, "S"),
        "verifier": t1.text(3, "T"),
        "postal_code": t2.text(3, "E"),
        "certificate_no": t2.text(3, "A"),
        "competent_authority": t2.text(3, "B"),
        "industry_names": tuple(x for x in (t1.text(3, "N"), t1.text(3, "P")) if x),
    }
    remark = t1.text(3, "U")
    if remark:
        m = re.search(r"gwp_set\s*=\s*([A-Za-z0-9\-_.]+)", remark)
        if m:
            extra["gwp_set"] = m.group(1)
        extra["remark"] = remark
    excluded = [t2.text(3, c) for c in ("I", "J", "K")]
    excluded = [x for x in excluded if x]
    extra["excluded_sources"] = excluded
    if excluded:
        notes.append(
            "表二: sources inside the boundary not quantified (邊界內未納入計算之排放源): " + "; ".join(excluded)
        )
    if extra["verifier"]:
        notes.append(f"表一: verification (查驗) {extra['verified'] or ''} by {extra['verifier']}".strip())
    org = Organisation(
        name=name or "",
        tax_id=t1.text(3, "E"),
        registration_no=t1.text(3, "C"),
        period_start=_dt.date(year, 1, 1) if year else None,
        period_end=_dt.date(year, 12, 31) if year else None,
        reporting_year=year,
        industry_codes=industry,
        address=address,
        responsible_person=t1.text(3, "G"),
        contact=contact,
        standard=t1.text(3, "R"),
    )
    return org, extra


def _source_rows(t3: _Sheet) -> list[int]:
    rows = []
    for r in range(_FIRST_ROW, t3.nrows() + 1):
        a = t3.text(r, "A")
        if a and a.startswith("填表說明"):
            break
        if any(t3.raw(r, c) is not None for c in ("A", "B", "D", "E", "H", "L")):
            rows.append(r)
    return rows


def _source_ids(t3: _Sheet, rows: list[int]) -> list[str]:
    eq = [t3.text(r, "D") or t3.text(r, "A") or f"R{r}" for r in rows]
    counts = pd.Series(eq).value_counts()
    ids = []
    for r, e in zip(rows, eq, strict=True):
        sid = e if counts[e] == 1 else f"{e}-{t3.text(r, 'H') or r}"
        ids.append(sid)
    seen: dict[str, int] = {}
    out = []
    for r, sid in zip(rows, ids, strict=True):
        seen[sid] = seen.get(sid, 0) + 1
        out.append(sid if seen[sid] == 1 and ids.count(sid) == 1 else f"{sid}-r{r}")
    return out


def _activity_unit(ctx: _Ctx, t4: _Sheet, r: int) -> tuple[str | None, str]:
    p, other = t4.text(r, "P"), t4.text(r, "R")
    col, header, unit = ("R", "其他單位名稱", other) if other else ("P", "活動數據單位", p)
    if unit == "其他":
        ctx.problem(
            "表四", r, "R", "其他單位名稱", "is empty while P says '其他'.", "Write the unit in R, e.g. 公斤 or 人天."
        )
        return None, "R"
    if unit is None:
        ctx.problem(
            "表四",
            r,
            "P",
            "活動數據單位",
            "is empty.",
            "Choose a unit (公秉, 千立方公尺, 公噸, 千度) or '其他' and write it in R.",
        )
        return None, col
    try:
        parse_unit(unit)
    except UnitError as err:
        ctx.problem("表四", r, col, header, str(err))
        return None, col
    return unit, col


def _read_source(ctx, r, sid, t3, t4, t5, t6, t7, year, gwp_set, registry, notes):
    etype = t3.text(r, "L")
    sub = EMISSION_TYPES.get(etype or "")
    if sub is None:
        ctx.problem(
            "表三", r, "L", "排放型式", f"'{etype}' is not an emission type." if etype else "is empty.",
            "Choose 固定燃燒, 移動燃燒, 製程, 逸散, 外購電力 or 外購蒸汽.",
        )  # fmt: skip
    # 表四 must describe the same source as 表三 (the sheets are matched by row)
    for c3, c4, h in (("D", "D", "設備編號"), ("H", "H", "原(燃)物料或產品代碼")):
        a, b = t3.code(r, c3, 6 if c3 == "H" else 0), t4.code(r, c4, 6 if c4 == "H" else 0)
        if a and b and a != b:
            ctx.problem(
                "表四", r, c4, h, f"'{b}' differs from 表三 row {r} ('{a}').",
                "表三, 表四 and 表五 are matched row by row: keep the rows in the same order.",
            )  # fmt: skip
    amount = ctx.number(t4, r, "O", "活動數據", required=True)
    unit, unit_col = _activity_unit(ctx, t4, r)
    alloc = ctx.number(t4, r, "Q", "活動數據分配比率")
    if alloc is not None and alloc > 1:
        ctx.problem(
            "表四", r, "Q", "活動數據分配比率", f"is {alloc:g}, above 1.",
            "The workbook multiplies by this cell directly: write a fraction (1 = 100 %, 0.35 = 35 %).",
        )  # fmt: skip
        alloc = None
    lhv = ctx.number(t4, r, "Y", "燃料低位熱值數值")
    lhv_unit = t4.text(r, "Z")
    if lhv is not None and lhv_unit:
        try:
            parse_unit(lhv_unit)
        except UnitError as err:
            ctx.problem("表四", r, "Z", "燃料低位熱值單位", str(err))
            lhv_unit = None
    elif lhv is not None and not lhv_unit:
        ctx.problem("表四", r, "Z", "燃料低位熱值單位", "is empty while Y has a heat value.", "Write e.g. 'Kcal/L'.")
    cc = ctx.number(t4, r, "AB", "碳含量(%)")
    if cc is not None and cc > 1:
        ctx.problem(
            "表四", r, "AB", "碳含量(%)", f"is {cc:g}, above 1.",
            "The workbook multiplies this cell by 44/12 directly: write the carbon mass fraction (0.923 for 92.3 %).",
        )  # fmt: skip
        cc = None

    # gases: 表三 flags (input), cross-checked with 表五 Q/AA/AK
    flagged = [g for c, g in _GAS_FLAGS if t3.text(r, c)]
    t5_gases = [t5.text(r, b[0]) for b in _T5_BLOCKS]
    t5_gases = [g.upper() if g else None for g in t5_gases]
    gases = flagged[:3] if flagged else [g for g in t5_gases if g]
    if len(flagged) > 3:
        ctx.problem("表三", r, "N", "產生CO2…NF3", f"{len(flagged)} gases are ticked; the workbook has room for three.")
    if not gases:
        ctx.problem("表三", r, "N", "產生CO2…NF3", "no gas is ticked (v).", "Tick the gases this source emits.")
    for i, g in enumerate(gases):
        g5 = t5_gases[i] if i < len(t5_gases) else None
        if g5 and g5 != g.upper():
            ctx.problem(
                "表五", r, _T5_BLOCKS[i][0], f"溫室氣體#{i + 1}", f"'{g5}' differs from the gas ticked in 表三 ('{g}')."
            )

    proc_name, eq_name, mat_name = t3.text(r, "C"), t3.text(r, "F"), t3.text(r, "I")
    mat_code, eq_code = t3.code(r, "H", 6), t3.code(r, "E", 4)
    name = " ".join(x for x in (eq_name, mat_name) if x) or sid
    biogenic = (t3.text(r, "J") or "") == "是"
    method_text = t4.text(r, "X")

    # grades (表六 A, B from inputs; C from 表五 W of gas #1)
    grade_a = _FREQ_TO_A.get(t4.text(r, "U") or "")
    if grade_a is None and t4.text(r, "U"):
        ctx.problem(
            "表四",
            r,
            "U",
            "量測頻率",
            f"'{t4.text(r, 'U')}' is not an option.",
            "Choose " + ", ".join(_FREQ_TO_A) + ".",
        )
    if grade_a is None:
        grade_a = _grade(ctx, t6, r, "G", "活動數據誤差等級", 3)
    btext = t6.text(r, "H")
    grade_b = None
    if btext:
        m = re.match(r"\s*[（(]\s*([123])\s*[)）]", btext)
        if m:
            grade_b = int(m.group(1))
        else:
            ctx.problem(
                "表六",
                r,
                "H",
                "活動數據可信種類",
                f"'{btext}' is not an option.",
                "Choose " + ", ".join(_B_TEXT.values()) + ".",
            )
    else:
        grade_b = _grade(ctx, t6, r, "I", "儀器校正誤差等級", 3)

    # uncertainty (表七, fractions)
    r7 = r + _T7_OFFSET
    ad_low = _pct(ctx, t7, r7, "E", "活動數據95%信賴區間之下限")
    ad_high = _pct(ctx, t7, r7, "F", "活動數據95%信賴區間之上限")
    ef_bounds = [
        (_pct(ctx, t7, r7, b[2], "95%信賴區間之下限"), _pct(ctx, t7, r7, b[3], "95%信賴區間之上限")) for b in _T7_BLOCKS
    ]

    # one interval for the source when every gas has the same (or none); otherwise the
    # per-gas intervals stay with the custom factor's rows (value_low/value_high)
    used_bounds = ef_bounds[: max(1, len(gases))]
    uniform_ef = all(b == used_bounds[0] for b in used_bounds)
    rec: dict = {
        "source_id": sid,
        "name": name,
        "iso_category": sub,
        "process_code": t3.code(r, "B", 6),
        "process_name": proc_name,
        "equipment_code": eq_code,
        "equipment_name": eq_name,
        "material_code": mat_code,
        "material_name": mat_name,
        "activity_amount": amount,
        "activity_unit": unit,
        "allocation": alloc if alloc is not None else 1.0,
        "biogenic": biogenic,
        "grade_a": grade_a,
        "grade_b": grade_b,
        "ad_low_pct": ad_low,
        "ad_high_pct": ad_high,
        "ef_low_pct": ef_bounds[0][0] if uniform_ef else None,
        "ef_high_pct": ef_bounds[0][1] if uniform_ef else None,
        "supplier": t4.text(r, "N"),
        "data_source": t4.text(r, "S"),
        "excluded": False,
    }
    extra = {
        "process_no": t3.text(r, "A"),
        "equipment_no": t3.text(r, "D"),
        "material_class": t3.text(r, "G"),
        "category_text": t3.text(r, "M"),
        "cogeneration": t3.text(r, "U"),
        "method_text": method_text,
        "keeper": t4.text(r, "T"),
        "frequency": t4.text(r, "U"),
        "instrument": t4.text(r, "V"),
        "calibration": t4.text(r, "W"),
        "grade_b_text": btext,
        "ef_bounds": {g: used_bounds[i] for i, g in enumerate(gases) if i < len(used_bounds)},
        "factor_source": {},
        "gases": list(gases),
    }
    src_note: list[str] = []
    if t3.text(r, "V"):
        src_note.append(t3.text(r, "V"))

    # per-gas factors as entered in 表五
    blocks = []
    kinds = []
    for i, g in enumerate(gases):
        b = _T5_BLOCKS[i]
        ef_e = ctx.number(t5, r, b[1], "燃料單位熱值之排放係數")
        ef_u = ctx.number(t5, r, b[3], "單位排放係數")
        u_text = t5.text(r, b[4])
        src_text = t5.text(r, b[5])
        kind_text = t5.text(r, b[6])
        gwp = ctx.number(t5, r, b[8], "GWP")
        if g in _FGAS and gwp is None:
            gwp = ctx.number(t5, r, "AX", "GWP值(HFC/PFC)")
        kind = None
        if kind_text:
            m = re.match(r"\s*([1-6])", kind_text)
            if m:
                kind = int(m.group(1))
            else:
                ctx.problem(
                    "表五",
                    r,
                    b[6],
                    "係數種類",
                    f"'{kind_text}' is not an option.",
                    "Choose " + ", ".join(FACTOR_KINDS.values()) + ".",
                )
        kinds.append(kind)
        extra["factor_source"][g] = src_text
        extra.setdefault("factor_kinds", {})[g] = kind
        blocks.append({"gas": g, "ef_e": ef_e, "ef_u": ef_u, "u_text": u_text, "gwp": gwp, "kind": kind, "col": b})
    # 表六 O 排放係數參數誤差等級 (1–3) of gas #1's 係數種類: X = A × B × C stays within 1–27
    rec["grade_c"] = _KIND_TO_C.get(kinds[0]) if kinds and kinds[0] else None
    extra["factor_kind"] = kinds[0] if kinds else None
    # the workbook rounds each gas mass to 4 decimals (表五 note 7) unless the row's
    # formula was edited (the sample's septic row): only this behaviour is taken
    # from the computed mass cells, never their value
    for bl in blocks:
        shown = _num_or_none(t5.raw(r, bl["col"][7]))
        if shown is not None and abs(shown - round(shown, 4)) > 1e-9 * max(1.0, abs(shown)):
            extra["unrounded_mass"] = True
    if any(k is not None and k != kinds[0] for k in kinds[1:]):
        src_note.append(
            "表五 係數種類 differs between gases (" + ", ".join(f"{bl['gas']}: {bl['kind']}" for bl in blocks) + "); "
            "表六 grades the source with gas #1, as the workbook does."
        )

    frows: list[dict] = []
    if sub is None or amount is None or unit is None or not blocks:
        return rec, frows, extra

    custom_id = f"custom/{sid}"
    first = blocks[0]
    fkind = _factor_kind(sub, first["gas"], eq_code, mat_code)

    def frow(bl, value, unit_, hv=None, hv_unit=None, note=None, i=0):
        lo, hi = ef_bounds[i] if i < len(ef_bounds) else (None, None)
        return {
            "factor_id": custom_id,
            "name_zh": f"{name}（清冊表單表五輸入）",
            "name_en": f"{sid}: factor as entered in the MOENV workbook",
            "kind": fkind,
            "moenv_code": mat_code,
            "gas": bl["gas"] if bl["gas"] not in ("HFCS", "PFCS") else _fgas_name(mat_name, bl["gas"]),
            "value": value,
            "unit": unit_,
            "value_low": value * (1 - lo / 100) if lo is not None and value else None,
            "value_high": value * (1 + hi / 100) if hi is not None and value else None,
            "heat_value": hv,
            "heat_value_unit": hv_unit,
            "source_ref": f"{Path(ctx.file).name}, sheet 表五 row {r}, cols {bl['col'][1]}/{bl['col'][3]}",
            "note": note,
        }

    # -- electricity / steam ------------------------------------------------------
    if sub in ("2.1", "2.2"):
        rec["method"] = "electricity" if sub == "2.1" else "steam"
        rec["data_year"] = year
        val = first["ef_u"] if first["ef_u"] is not None else first["ef_e"]
        per = _unit_of(first["u_text"]) or unit
        if val is None:
            ctx.problem(
                "表五", r, first["col"][3], "電力排碳係數", "is empty.", "Enter the electricity emission factor."
            )
            return rec, frows, extra
        fac_unit = f"{_mass_of(first['u_text'])} CO2/{per}"
        if not _convertible(unit, per):
            ctx.problem(
                "表五",
                r,
                first["col"][4],
                "單位排放係數單位",
                f"'{first['u_text']}' does not fit the activity unit '{unit}'.",
            )
            return rec, frows, extra
        is_rec = (mat_code or "") == "GG3502" or "電證合一" in (mat_name or "")
        frows.append(frow(first, val, fac_unit))
        rec["factor_id"] = custom_id
        if is_rec:
            if val != 0:
                src_note.append(
                    f"renewable-energy certificate row (電證合一) with a non-zero factor {val:g} as entered."
                )
            else:
                src_note.append(
                    "renewable-energy certificates (電證合一, code GG3502): counted 0, as the workbook does."
                )
        elif sub == "2.1" and year is not None:
            lib = _grid_match(registry, year, val, _mass_of(first["u_text"]), per)
            if lib is True:
                rec["factor_id"] = f"tw-grid/{year}"
                src_note.append(
                    f"factor {val:g} t CO2/{per} equals the official grid factor tw-grid/{year}; custom fallback {custom_id}."
                )
            elif isinstance(lib, str):
                src_note.append(lib)
        return _finish(rec, frows, extra, src_note, notes, sid)

    # -- fluorinated gases refilled (mass balance, EF 1) --------------------------------
    for bl in blocks:
        if bl["gas"] in ("HFCS", "PFCS") and _fgas_name(mat_name, bl["gas"]) == bl["gas"]:
            ctx.problem(
                "表三", r, "I", "原(燃)物料或產品名稱", f"'{mat_name}' does not say which {bl['gas'][:3]} is emitted.",
                "Start the name with the gas or refrigerant, e.g. 'HFC-134a', 'R-410A' (as 附表七 does).",
            )  # fmt: skip
            return rec, frows, extra
    if first["gas"] in _FGAS and len(blocks) == 1:
        gas = _fgas_name(mat_name, first["gas"])
        val = first["ef_u"] if first["ef_u"] is not None else 1.0
        if val == 1.0:
            rec["method"] = "refrigerant"
            rec["gas"] = gas
            rec["factor_id"] = None
            _check_gwp(first["gwp"], gas, gwp_set, None, sid, src_note)
            return _finish(rec, frows, extra, src_note, notes, sid)
        # a typed emission factor other than 1: keep it as a unit factor
    # -- per-gas factors --------------------------------------------------------------
    ch4_kind = None
    mass_balance = False
    zero_gases: list[str] = []
    for i, bl in enumerate(blocks):
        g = bl["gas"]
        if g == "CH4" and bl["gwp"] is not None:
            ch4_kind = _ch4_kind(bl["gwp"], gwp_set)
        elif g != "CH4":
            _check_gwp(bl["gwp"], _fgas_name(mat_name, g), gwp_set, None, sid, src_note)
        ef_e, ef_u = bl["ef_e"], bl["ef_u"]
        if ef_e and lhv and lhv_unit:
            expected = _per_unit_from_energy(ef_e, lhv, lhv_unit, unit)
            if expected is not None and ef_u is not None and not _same(expected, ef_u, 1e-6):
                src_note.append(
                    f"表五 {bl['col'][3]}{r}: unit factor {ef_u:.10g} was typed over the workbook formula "
                    f"({ef_e:g} kg/TJ × LHV {lhv:g} {lhv_unit} = {expected:.10g}); the typed value is used."
                )
                frows.append(frow(bl, ef_u, f"t {_gas_unit(g, mat_name)}/{unit}", i=i))
            elif expected is None:
                ctx.problem(
                    "表四",
                    r,
                    "Z",
                    "燃料低位熱值單位",
                    f"heat value unit '{lhv_unit}' does not fit the activity unit '{unit}'.",
                    "Write the heat value per the activity's unit, e.g. 'Kcal/L' for 公秉.",
                )
            else:
                frows.append(frow(bl, ef_e, f"kg {_gas_unit(g, mat_name)}/TJ", lhv, lhv_unit, i=i))
            continue
        if ef_e and not lhv:
            ctx.problem(
                "表四",
                r,
                "Y",
                "燃料低位熱值數值",
                f"is empty while 表五 {bl['col'][1]} gives a per-TJ factor ({ef_e:g}).",
                "Enter the heat value (LHV).",
            )
            continue
        if ef_u is None:
            ctx.problem(
                "表五", r, bl["col"][3], "單位排放係數", "is empty.", "Enter the emission factor per unit of activity."
            )
            continue
        if (
            g == "CO2"
            and cc is not None
            and _same(ef_u, cc * _C_TO_CO2, 1e-9)
            and len(blocks) == 1
            and sub in ("1.3", "1.4")
        ):
            mass_balance = True
            continue
        per = _unit_of(bl["u_text"]) or unit
        fmass = _mass_of(bl["u_text"])
        if ef_u == 0 or not _convertible(unit, per):
            if ef_u != 0:
                ctx.problem(
                    "表五", r, bl["col"][4], "單位排放係數單位",
                    f"'{bl['u_text']}' does not fit the activity unit '{unit}' (the workbook would divide by 1000).",
                    "Give the factor per the activity's unit.",
                )  # fmt: skip
                continue
            per = unit
        frows.append(frow(bl, ef_u, f"{fmass} {_gas_unit(g, mat_name)}/{per}", i=i))
        if ef_u == 0:
            zero_gases.append(f"{g} ({bl['col'][3]}{r})")
    if zero_gases:
        src_note.append(
            f"表五 gives no factor (0) for {', '.join(zero_gases)} (計算方法 '{method_text or ''}', no per-TJ factor): "
            "the source counts 0 t, as in the workbook. Enter the factor to quantify it."
        )
    if ch4_kind is not None:
        rec["ch4_kind"] = ch4_kind
    if mass_balance:
        rec["method"] = "mass_balance"
        rec["carbon_content"] = cc
        rec["gas"] = "CO2"
        is_ext = (mat_code or "") == "180014" or (eq_code or "") == "9798" or (mat_name or "") == "二氧化碳"
        if is_ext:
            src_note.append(
                "CO2 extinguisher: the workbook multiplies the CO2 mass by 44/12 with carbon content 1; "
                "this is physically wrong (CO2 released counts as is: FACTS §1.7) and is kept only to "
                "reproduce the workbook's number."
            )
        elif cc == 1:
            src_note.append(
                "carbon content 1 (表四 AB) read as a mass fraction, as the workbook's formula uses it "
                "(its header says %); check the real carbon content (acetylene C2H2: 0.923)."
            )
        return _finish(rec, frows, extra, src_note, notes, sid)

    if ctx.problems and not frows:
        return rec, frows, extra
    rec["method"] = "factor"
    rec["factor_id"] = custom_id if frows else None
    if rec.get("ch4_kind") == "fossil" and (eq_code == "9795" or (mat_code or "").startswith("GG38")):
        src_note.append(
            "septic / wastewater CH4 is biogenic (AR5 non-fossil GWP 28), but the workbook applies the fossil "
            "value 30; ch4_kind='fossil' reproduces the workbook (FACTS §1.4, §1.8)."
        )
    if eq_code == "9795" or (mat_code or "") == "GG3805":
        src_note.append(
            "septic tank: the workbook's factor per 人天 is reproduced as a custom factor; it is an example "
            "value, not an announced factor (FACTS §1.8)."
        )
    if not uniform_ef:
        src_note.append(
            "表七 gives different factor intervals per gas ("
            + ", ".join(f"{bl['gas']}: {lo}/{hi} %" for bl, (lo, hi) in zip(blocks, used_bounds, strict=False))
            + "); they are kept per gas in the custom factor."
        )
    if uniform_ef and sub in ("1.1", "1.2") and frows and all(fr["unit"].endswith("/TJ") for fr in frows):
        lib = _library_match(registry, sub, mat_code, {fr["gas"]: fr["value"] for fr in frows})
        if lib:
            rec["factor_id"] = lib
            rec["heat_value"] = lhv
            rec["heat_value_unit"] = lhv_unit
            src_note.append(f"factors as entered equal library factor {lib}; custom fallback {custom_id}.")
    if frows and frows[0].get("heat_value") is not None:
        rec["heat_value"] = lhv
        rec["heat_value_unit"] = lhv_unit
    return _finish(rec, frows, extra, src_note, notes, sid)


def _finish(rec, frows, extra, src_note, notes, sid):
    if src_note:
        rec["note"] = " | ".join(src_note)
        notes.extend(f"{sid}: {n}" for n in src_note)
    return rec, frows, extra


def _grade(ctx: _Ctx, t6: _Sheet, r: int, col: str, header: str, top: int) -> int | None:
    v = t6.raw(r, col)
    if v is None:
        return None
    n = _num_or_none(v)
    if n is None or not float(n).is_integer() or not 1 <= n <= top:
        ctx.problem("表六", r, col, header, f"'{v}' is not a grade 1–{top}.")
        return None
    return int(n)


def _pct(ctx: _Ctx, t7: _Sheet, r: int, col: str, header: str) -> float | None:
    v = ctx.number(t7, r, col, header)
    if v is None:
        return None
    if v > 10:
        ctx.problem("表七", r, col, header, f"is {v:g}: the workbook expects a fraction (0.015 = 1.5 %).")
        return None
    return v * 100.0


def _gas_unit(gas: str, material_name: str | None) -> str:
    if gas in ("HFCS", "PFCS"):
        return _fgas_name(material_name, gas)
    return gas


def _factor_kind(sub: str, gas: str, eq_code: str | None, mat_code: str | None) -> str:
    if sub == "1.1":
        return "stationary_combustion"
    if sub == "1.2":
        return "mobile_combustion"
    if sub == "1.3":
        return "process"
    if sub == "2.1":
        return "electricity"
    if sub == "2.2":
        return "steam"
    if gas in _FGAS:
        return "refrigerant"
    if eq_code == "9795" or (mat_code or "") == "GG3805":
        return "septic"
    if eq_code == "9798":
        return "extinguisher"
    return "fugitive"


def _convertible(a: str, b: str) -> bool:
    try:
        multiplier(a, b)
    except (UnitError, UnitMismatchError):
        return False
    return True


def _per_unit_from_energy(ef_kg_per_tj: float, lhv: float, lhv_unit: str, activity_unit: str) -> float | None:
    """t gas per activity unit = kg/TJ × LHV [energy/unit] (workbook 表五 T formula)."""
    num, _, den = lhv_unit.partition("/")
    try:
        to_tj = multiplier(num.strip(), "TJ")
        per = multiplier(activity_unit, den.strip())  # activity unit expressed in the LHV's denominator
    except (UnitError, UnitMismatchError):
        return None
    return ef_kg_per_tj / 1000.0 * lhv * to_tj * per


def _ch4_kind(gwp: float, gwp_set: str) -> str | None:
    fossil = _gwp("CH4", gwp_set, "fossil")
    non = _gwp("CH4", gwp_set, "non_fossil")
    if fossil is not None and _same(gwp, fossil):
        return "fossil"
    if non is not None and _same(gwp, non):
        return "non_fossil"
    # GWP table not available: the MOENV values (附表四: 28, fossil 30)
    if gwp == 30:
        return "fossil"
    if gwp == 28:
        return "non_fossil"
    return None


def _check_gwp(typed: float | None, gas: str, gwp_set: str, ch4_kind, sid: str, src_note: list[str]) -> None:
    if typed is None:
        return
    lib = _gwp(gas, gwp_set, ch4_kind)
    if lib is not None and not _same(typed, lib, 1e-9):
        src_note.append(f"GWP of {gas} typed {typed:g} in 表五, {gwp_set} gives {lib:g}; carbon uses {lib:g}.")


def _grid_match(registry, year: int, val: float, mass: str, per: str):
    """True if ``val`` [mass/per] equals tw-grid/<year>; else an explanatory note (or None)."""
    if registry is None:
        return None
    fid = f"tw-grid/{year}"
    typed_kg_kwh = val * multiplier(mass, "kg") / multiplier(per, "kWh")
    if fid in registry:
        f = registry.get(fid)
        gv = next(iter(f.gases.values()))
        lm, _lg, lp = _split(gv.unit)
        lib = gv.value * multiplier(lm, "kg") / multiplier(lp, "kWh")
        if _same(typed_kg_kwh, lib, 1e-9):
            return True
        other = [
            i
            for i in registry.ids("tw-grid")
            if _grid_value(registry, i) is not None and _same(_grid_value(registry, i), typed_kg_kwh)
        ]
        return (
            f"electricity factor typed {typed_kg_kwh:g} kg/kWh differs from the official {fid} = {lib:g} "
            f"(the sample workbook's electricity list has known errors, FACTS §1.6); the typed value is used"
            + (f" (it equals {', '.join(other)})" if other else "")
            + "."
        )
    return f"no official grid factor {fid} in the library to compare the typed {typed_kg_kwh:g} kg/kWh with; the typed value is used."


def _grid_value(registry, fid: str) -> float | None:
    try:
        gv = next(iter(registry.get(fid).gases.values()))
        lm, _g, lp = _split(gv.unit)
        return gv.value * multiplier(lm, "kg") / multiplier(lp, "kWh")
    except Exception:
        return None


def _split(unit: str) -> tuple[str, str, str]:
    from carbon.units import split_factor_unit

    return split_factor_unit(unit)


_COMBUSTION_INDEX: dict[int, dict] = {}


def _combustion_index(registry) -> dict:
    """{kind: [(factor id, {gas: kg/TJ}, moenv codes)]} of moenv-2024 combustion factors (cached)."""
    key = id(registry)
    if key not in _COMBUSTION_INDEX:
        tab = registry.table
        sel = tab[(tab["dataset"] == "moenv-2024") & tab["kind"].isin(["stationary_combustion", "mobile_combustion"])]
        out: dict[str, list] = {"stationary_combustion": [], "mobile_combustion": []}
        per: dict[str, tuple[str, dict, set]] = {}
        for fid, kind, gas, value, unit, code in sel[
            ["factor_id", "kind", "gas", "value", "unit", "moenv_code"]
        ].itertuples(index=False):
            try:
                lm, _g, lp = _split(str(unit))
                v = float(value) * multiplier(lm, "kg") / multiplier(lp, "TJ")
            except Exception:
                continue  # not a per-energy factor
            entry = per.setdefault(fid, (kind, {}, set()))
            entry[1][gas] = v
            if isinstance(code, str) and code:
                entry[2].add(code)
        for fid, (kind, gases, codes) in per.items():
            out[kind].append((fid, gases, codes))
        _COMBUSTION_INDEX.clear()
        _COMBUSTION_INDEX[key] = out
    return _COMBUSTION_INDEX[key]


def _library_match(registry, sub: str, mat_code: str | None, values: dict[str, float]) -> str | None:
    """Id of the moenv-2024 combustion factor whose per-TJ values equal ``values`` (same gases).

    Several fuels share the IPCC values (e.g. motor and other gasoline); the one whose
    MOENV code equals the source's 原燃物料代碼 wins, else a single match, else none.
    """
    if registry is None:
        return None
    kind = "stationary_combustion" if sub == "1.1" else "mobile_combustion"
    hits = [
        (fid, bool(mat_code) and mat_code in codes)
        for fid, gases, codes in _combustion_index(registry).get(kind, [])
        if set(gases) == set(values) and all(_same(gases[g], v) for g, v in values.items())
    ]
    by_code = [h for h, c in hits if c]
    if len(by_code) == 1:
        return by_code[0]
    if len(hits) == 1:
        return hits[0][0]
    return None


# --- writing -------------------------------------------------------------------------
_T1_HEAD = [
    "盤查期間", "", "管制編號", "事業名稱", "統一編號（總公司統編）", "工廠統一編號", "負責人姓名", "聯絡人姓名",
    "聯絡人電話", "聯絡人電子信箱", "聯絡人傳真*", "聯絡人手機", "行業代碼1", "行業名稱1", "行業代碼2*", "行業名稱2*",
    "登錄原因", "盤查依據規範", "是否經本署許可之查驗機構查驗", "查驗機構名稱", "備註*",
]  # fmt: skip
_T2_HEAD = [
    "目的事業主管機關所核發之證書字號", "目的事業主管機關", "縣市別", "鄉鎮別", "郵遞區號3", "里別*", "鄰別*", "地址",
    "邊界內未納入計算之排放源1*", "邊界內未納入計算之排放源2*", "邊界內未納入計算之排放源3*",
]  # fmt: skip
_T3_HEAD = [
    "製程編號3", "製程代碼4", "製程名稱", "設備編號5", "設備代碼6", "設備名稱", "原(燃)物料或產品類別7",
    "原(燃)物料或產品代碼8", "原(燃)物料或產品名稱", "是否屬生質能源", "直接/間接", "排放型式10",
    "排放型式-製程或逸散或外購電力類別10", "產生CO2", "產生CH4", "產生N2O", "產生HFCS", "產生PFCS", "產生SF6", "產生NF3",
    "是否屬汽電共生設備", "備註*",
]  # fmt: skip
_T4_HEAD = [
    "製程編號", "製程代碼", "製程名稱", "設備編號", "設備代碼", "設備名稱", "原(燃)物料或產品類別", "原(燃)物料或產品代碼",
    "原(燃)物料或產品名稱", "是否為生質能源", "直接/間接", "排放型式", "排放型式-製程或逸散或外購電力類別3",
    "電力/蒸汽供應商名稱4", "活動數據5", "活動數據單位7", "活動數據分配比率%*6", "其他單位名稱8", "數據來源9*",
    "\n保存單位10*", "量測頻率", "量測儀器11*", "儀器校正頻率12*", "排放量計算方法", "燃料低位熱值數值13",
    "燃料低位熱值單位", "含水量(%)*", "碳含量(%)", "備註*",
]  # fmt: skip
_T5_HEAD = [
    "製程編號", "製程代碼", "製程名稱", "設備編號", "設備代碼", "設備名稱", "原(燃)物料或產品類別", "原(燃)物料或產品代碼",
    "原(燃)物料或產品名稱", "是否為生質能源", "直接/間接", "排放型式", "活動數據", "活動數據單位", "活動數據分配比率%",
    "排放量計算方法",
    "溫室\n氣體#1", "燃料單位熱值之排放係數/單位電力排碳係數3", "單位熱值或單位電力之係數單位", "單位排放係數/電力排碳係數4",
    "單位排放係數單位", "排放係數來源5", "係數種類6", "排放量(公噸/年)7", "GWP8", "排放當量(公噸CO2e/年)9",
    "溫室\n氣體#2", "燃料單位熱值之排放係數/電力排碳係數", "單位熱值之排放係數單位", "單位排放係數/電力排碳係數",
    "單位排放係數單位", "排放係數來源", "係數種類", "排放量(公噸/年)", "GWP", "排放當量(公噸CO2e/年)",
    "溫室\n氣體#3", "燃料單位熱值之排放係數/電力排碳係數", "單位熱值之排放係數單位", "單位排放係數/電力排碳係數",
    "單位排放係數單位", "排放係數來源", "係數種類", "排放量(公噸/年)", "GWP", "排放當量(公噸CO2e/年)",
    "單一排放源排放當量小計(CO2e公噸/年)10", "單一排放源生質燃料之CO2排放當量小計(CO2e公噸/年)11",
    "單一排放源占排放總量比(%)12", "GWP值\n(HFC/PFC)",
]  # fmt: skip
_T6_HEAD = [
    "製程編號", "製程代碼", "設備編號", "設備代碼", "原(燃)物料或產品代碼", "原(燃)物料或產品名稱", "活動數據誤差等級3",
    "活動數據可信種類4\n(儀器校正誤差等級)", "儀器校正誤差等級5", "數據可信度資訊說明*6", "負責單位或保存單位7",
    "直接/間接", "排放型式", "排放係數種類", "排放係數參數誤差等級8", "單一排放源數據誤差等級9",
    "單一排放源占排放總量比(%)", "評分區間範圍10", "排放量占比加權平均",
]  # fmt: skip


def write_moenv_workbook(project, result, path: str | Path) -> Path:
    """Write a project and its result as an MOENV inventory workbook (.xlsx).

    Sheets 表一–表八 use the official sheet names, headers and column order, so a
    consultant recognises them and :func:`read_moenv_workbook` reads the file back.
    The form holds one site's categories 1–2: sources of categories 3–6 and excluded
    sources are left out.  Masses and CO2e follow the form's rounding (gas mass to
    4 decimals, CO2e = ROUND(mass × GWP, 4); 表五 notes 7–9) whatever rounding the
    result used, so the file is consistent with the official workbook's formulas.
    Inputs go to 表一–表四 (and the input cells of 表五–表七); 表五's masses and CO2e,
    表六's scores, 表七's combined uncertainties and 表八's summaries are written as
    values from ``result`` (sums as formulas with their value cached, so readers that
    do not recalculate see numbers).

    Parameters
    ----------
    project : InventoryProject
    result : InventoryResult
        From :func:`carbon.inventory.calculate`; its ``records`` give each source's gas
        masses [t], GWPs and CO2e [t CO2e].
    path : str or Path
        Target ``.xlsx`` file.

    Returns
    -------
    Path
        The file written.

    References
    ----------
    .. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表一–表八.
    """
    import xlsxwriter

    path = Path(path)
    org = project.organisation
    src = project.sources.reset_index(drop=True)
    recs = _form_records(result.records, set((project.origin or {}).get("moenv_unrounded_mass", [])))
    custom = project.custom_factors if project.custom_factors is not None else pd.DataFrame(columns=_FACTOR_COLS)
    extra_all = (project.origin or {}).get("moenv", {})
    org_extra = (project.origin or {}).get("organisation", {})
    registry = _registry()

    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#D9D9D9", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 12})
    grey = wb.add_format({"bg_color": "#EDEDED"})

    def head(ws, row0, cols):
        for i, h in enumerate(cols):
            if h:
                ws.write_string(row0, i, h, bold)

    # 表一 ---------------------------------------------------------------------------
    ws = wb.add_worksheet("表一")
    ws.write_string(0, 0, "一、事業基本資料", title)
    head(ws, 1, _T1_HEAD)
    ws.write_string(2, 0, "民國")
    if org.reporting_year:
        ws.write_number(2, 1, org.reporting_year - 1911)
    contact = [x.strip() for x in (org.contact or "").split(",")]
    vals = {
        2: org.registration_no, 3: org.name, 4: org.tax_id, 5: org_extra.get("factory_tax_id"),
        6: org.responsible_person, 7: contact[0] if contact and contact[0] else None,
        8: contact[1] if len(contact) > 1 else None, 9: contact[2] if len(contact) > 2 else None,
        12: org.industry_codes[0] if org.industry_codes else None,
        13: (org_extra.get("industry_names") or (None,))[0] if org_extra.get("industry_names") else None,
        14: org.industry_codes[1] if len(org.industry_codes) > 1 else None,
        16: org_extra.get("registration_reason"), 17: org.standard, 18: org_extra.get("verified"),
        19: org_extra.get("verifier"),
        20: f"gwp_set={project.gwp_set}",
    }  # fmt: skip
    for c, v in vals.items():
        if v:
            ws.write_string(2, c, str(v))
    ws.set_column(0, 20, 14)

    # 表二 ---------------------------------------------------------------------------
    ws = wb.add_worksheet("表二")
    ws.write_string(0, 0, "二、邊界設定", title)
    head(ws, 1, _T2_HEAD)
    if org_extra.get("certificate_no"):
        ws.write_string(2, 0, str(org_extra["certificate_no"]))
    if org_extra.get("postal_code"):
        ws.write_string(2, 4, str(org_extra["postal_code"]))
    if org.address:
        ws.write_string(2, 7, org.address)
    for i, x in enumerate((org_extra.get("excluded_sources") or [])[:3]):
        ws.write_string(2, 8 + i, str(x))
    ws.set_column(0, 10, 16)

    # per-source data ------------------------------------------------------------------
    rows = []
    excluded = set(getattr(result, "excluded_sources", []) or [])
    skipped = []
    for i, s in src.iterrows():
        sid = str(s["source_id"])
        sub = _norm_sub(s.get("iso_category"))
        if sub not in _TYPE_OF_SUB or sid in excluded:
            skipped.append(sid)  # categories 3–6 and excluded sources have no place in the MOENV form
            continue
        s = s.copy()
        s["iso_category"] = sub
        ex = extra_all.get(sid, {})
        srecs = recs[recs["source_id"].astype(str) == sid] if len(recs) else recs
        if len(srecs) and _s(s.get("method")) != "mass_balance":
            # write what the calculators turned the input into (person-days -> person-hours,
            # refrigerant charge × leak rate, certificates deducted ...), so the form is self-consistent
            ra, ru = _f(srecs["activity_amount"].iloc[0]), _s(srecs["activity_unit"].iloc[0])
            sa, su = _f(s.get("activity_amount")), _s(s.get("activity_unit"))
            if ra is not None and ru and (ru != su or sa is None or not _same(ra, sa)):
                s["note"] = "; ".join(
                    x for x in (_s(s.get("note")), f"activity as calculated by carbon: {sa:g} {su} -> {ra:g} {ru}") if x
                )
                s["activity_amount"], s["activity_unit"] = ra, ru
        gases = _write_gases(s, srecs, custom, ex)
        rows.append((i, s, sid, ex, srecs, gases))
    kept = recs[~recs["source_id"].astype(str).isin(skipped)] if len(recs) else recs
    if len(kept):
        fossil = (
            ~kept["biogenic"].fillna(False).astype(bool) if "biogenic" in kept else pd.Series(True, index=kept.index)
        )
        total = float(pd.to_numeric(kept.loc[fossil, "co2e_t"], errors="coerce").fillna(0).sum())
    else:
        total = 0.0
    recs = kept

    # 表三 / 表四 / 表五 / 表六 / 表七 ----------------------------------------------------------
    w3, w4, w5, w6, w7 = (wb.add_worksheet(n) for n in ("表三", "表四", "表五", "表六", "表七"))
    w3.write_string(0, 0, "三、排放源鑑別", title)
    w4.write_string(0, 0, "四、活動數據", title)
    w5.write_string(0, 0, "五、定量盤查", title)
    w6.write_string(0, 0, "六、數據品質管理", title)
    w7.write_string(0, 0, "七、不確定性量化評估", title)
    head(w3, 1, _T3_HEAD)
    head(w4, 1, _T4_HEAD)
    head(w5, 1, _T5_HEAD)
    head(w6, 1, _T6_HEAD)
    _t7_heads(w7, bold)
    dq_rows = []
    unc_rows = []
    for n, (_i, s, sid, ex, srecs, gases) in enumerate(rows):
        r0 = _FIRST_ROW - 1 + n  # 0-based row
        sub = str(s["iso_category"]) if pd.notna(s["iso_category"]) else ""
        etype = _TYPE_OF_SUB.get(sub, "")
        direct = "間接" if sub.startswith("2") else "直接"
        eq_no = ex.get("equipment_no") or sid
        proc_no = ex.get("process_no") or f"G{n + 1:02d}"
        mat_name = _s(s.get("material_name")) or _s(s.get("name"))
        fgas = next((g for g, *_ in gases if _flag_of(g) in ("HFCS", "PFCS")), None)
        if fgas and _fgas_name(mat_name, "HFCS") != fgas:
            mat_name = f"{fgas} {mat_name or ''}".strip()  # the reader takes the gas from the start of I
        ident = [
            proc_no, _s(s.get("process_code")), _s(s.get("process_name")), eq_no, _s(s.get("equipment_code")),
            _s(s.get("equipment_name")), ex.get("material_class") or "1.原燃物料", _s(s.get("material_code")),
            mat_name, "是" if _true(s.get("biogenic")) else "否", direct, etype,
        ]  # fmt: skip
        for c, v in enumerate(ident):
            for w in (w3, w4, w5):
                if v:
                    w.write_string(r0, c, str(v))
        cat_text = ex.get("category_text") or ("併網" if sub == "2.1" else None)
        if cat_text:
            w3.write_string(r0, 12, cat_text)
            w4.write_string(r0, 12, cat_text)
        flags = {g for g, *_ in gases}
        for c, (_col_letter, g) in enumerate(_GAS_FLAGS):
            if g in {_flag_of(x) for x in flags}:
                w3.write_string(r0, 13 + c, "v")
        w3.write_string(r0, 20, ex.get("cogeneration") or "否")
        # 表四
        amount = float(s["activity_amount"]) if pd.notna(s["activity_amount"]) else None
        unit = _s(s.get("activity_unit"))
        alloc = float(s["allocation"]) if pd.notna(s.get("allocation")) else 1.0
        if _s(s.get("supplier")):
            w4.write_string(r0, 13, _s(s.get("supplier")))
        if amount is not None:
            w4.write_number(r0, 14, amount)
        if unit in _T4_UNITS:
            w4.write_string(r0, 15, unit)
        elif unit:
            w4.write_string(r0, 15, "其他")
            w4.write_string(r0, 17, unit)
        w4.write_number(r0, 16, alloc)
        if _s(s.get("data_source")):
            w4.write_string(r0, 18, _s(s.get("data_source")))
        if ex.get("keeper"):
            w4.write_string(r0, 19, ex["keeper"])
        ga = _int(s.get("grade_a"))
        freq = ex.get("frequency") if _FREQ_TO_A.get(ex.get("frequency") or "") == ga else _A_TO_FREQ.get(ga)
        if freq:
            w4.write_string(r0, 20, freq)
        for c, k in ((21, "instrument"), (22, "calibration")):
            if ex.get(k):
                w4.write_string(r0, c, ex[k])
        method = _s(s.get("method")) or "factor"
        fid = _s(s.get("factor_id")) or ""
        mtext = ex.get("method_text") or (
            METHOD_MASS_BALANCE
            if method in ("mass_balance", "refrigerant", "extinguisher")
            else METHOD_PUBLISHED
            if fid and not fid.startswith("custom/")
            else METHOD_OWN
        )
        w4.write_string(r0, 23, mtext)
        hv, hvu = _hv(s, custom, registry, fid)
        if hv is not None:
            w4.write_number(r0, 24, hv)
            w4.write_string(r0, 25, hvu or "")
        if method == "mass_balance" and pd.notna(s.get("carbon_content")):
            w4.write_number(r0, 27, float(s["carbon_content"]))
        if _s(s.get("note")):
            w4.write_string(r0, 28, _s(s.get("note"))[:30000])
        # 表五
        if amount is not None:
            w5.write_number(r0, 12, amount)
        if unit:
            w5.write_string(r0, 13, unit)
        w5.write_number(r0, 14, alloc)
        w5.write_string(r0, 15, mtext)
        gc = _int(s.get("grade_c"))
        kind_of_gas = {}
        for g_, k_ in (ex.get("factor_kinds") or {}).items():
            if (
                k_ in FACTOR_KINDS
                and _KIND_TO_C[k_] == gc
                or (k_ in FACTOR_KINDS and g_ != (ex.get("gases") or [None])[0])
            ):
                kind_of_gas[g_] = k_
        default_kind = (
            ex.get("factor_kind") if _KIND_TO_C.get(ex.get("factor_kind")) == gc else {1: 1, 2: 3, 3: 5}.get(gc)
        )
        co2e_cells, bio = [], 0.0
        for k, (g, ef_e, ef_u, per, mass, gwp, co2e, _fsrc) in enumerate(gases[:3]):
            base = 16 + 10 * k
            w5.write_string(r0, base, _flag_of(g))
            if ef_e is not None:
                w5.write_number(r0, base + 1, ef_e)
                w5.write_string(r0, base + 2, "公斤/兆焦耳" if sub[:1] == "1" else "公斤CO2/度")
            if ef_u is not None:
                w5.write_number(r0, base + 3, ef_u)
                w5.write_string(r0, base + 4, per)
            src_text = (ex.get("factor_source") or {}).get(g) or (ex.get("factor_source") or {}).get(_flag_of(g))
            if src_text:
                w5.write_string(r0, base + 5, src_text)
            kk = kind_of_gas.get(_flag_of(g), kind_of_gas.get(g)) if k else None
            kk = kk or default_kind
            if kk in FACTOR_KINDS:
                w5.write_string(r0, base + 6, FACTOR_KINDS[kk])
            if mass is not None:
                w5.write_number(r0, base + 7, mass, grey)
            if gwp is not None:
                w5.write_number(r0, base + 8, gwp, grey)
            if co2e is not None:
                cell = f"{_letter(base + 9)}{r0 + 1}"
                w5.write_formula(
                    r0, base + 9, f"=ROUND({_letter(base + 7)}{r0 + 1}*{_letter(base + 8)}{r0 + 1},4)", grey, co2e
                )
                co2e_cells.append(cell)
            if _flag_of(g) in ("HFCS", "PFCS") and gwp is not None:
                w5.write_number(r0, 49, gwp)
        sub_total = float(pd.to_numeric(srecs["co2e_t"], errors="coerce").fillna(0).sum()) if len(srecs) else 0.0
        if len(srecs) and "biogenic" in srecs:
            bmask = srecs["biogenic"].fillna(False).astype(bool)
            bio = float(pd.to_numeric(srecs.loc[bmask, "co2e_t"], errors="coerce").fillna(0).sum())
        if co2e_cells:
            w5.write_formula(r0, 46, "=SUM(" + ",".join(co2e_cells) + ")", grey, sub_total)
        if bio:
            w5.write_number(r0, 47, bio, grey)
        share = sub_total / total if total else 0.0
        if sub_total:
            w5.write_number(r0, 48, share, grey)
        # 表六
        for c, v in enumerate(
            [
                proc_no,
                _s(s.get("process_code")),
                eq_no,
                _s(s.get("equipment_code")),
                _s(s.get("material_code")),
                _s(s.get("material_name")),
            ]
        ):
            if v:
                w6.write_string(r0, c, str(v))
        gb = _int(s.get("grade_b"))
        if ga:
            w6.write_number(r0, 6, ga, grey)
        if gb in _B_TEXT:
            w6.write_string(r0, 7, ex.get("grade_b_text") if _b_of(ex.get("grade_b_text")) == gb else _B_TEXT[gb])
            w6.write_number(r0, 8, gb, grey)
        if ex.get("keeper"):
            w6.write_string(r0, 10, ex["keeper"])
        w6.write_string(r0, 11, direct)
        w6.write_string(r0, 12, etype)
        c_level = gc if gc in (1, 2, 3) else None
        if default_kind in FACTOR_KINDS:
            w6.write_string(r0, 13, FACTOR_KINDS[default_kind])
        if c_level:
            w6.write_number(r0, 14, c_level, grey)
        if ga and gb and c_level:
            x = ga * gb * c_level
            w6.write_number(r0, 15, x, grey)
            score = "1" if x < 10 else "2" if x < 19 else "3"
            if sub_total:
                w6.write_number(r0, 16, round(share, 4), grey)
                w6.write_number(r0, 18, round(round(share, 4) * x, 2), grey)
            dq_rows.append((x, sub_total))
            w6.write_string(r0, 17, score)
        # 表七 (row + 2)
        r7 = r0 + _T7_OFFSET
        for c, v in enumerate([proc_no, eq_no, _s(s.get("material_code")), _s(s.get("material_name"))]):
            if v:
                w7.write_string(r7, c, str(v))
        adl, adh = _f(s.get("ad_low_pct")), _f(s.get("ad_high_pct"))
        if adl is not None:
            w7.write_number(r7, 4, adl / 100)
        if adh is not None:
            w7.write_number(r7, 5, adh / 100)
        if _s(s.get("data_source")):
            w7.write_string(r7, 6, _s(s.get("data_source")))
        parts = []
        for k, (g, _e, _u, _p, _m, _gw, co2e, _fs) in enumerate(gases[:3]):
            base = 8 + 8 * k
            w7.write_string(r7, base, _flag_of(g))
            typed = (ex.get("ef_bounds") or {}).get(_flag_of(g)) or (ex.get("ef_bounds") or {}).get(g)
            efl, efh = typed if typed and typed != (None, None) else _ef_bounds(s, custom, g, k)
            if efl is not None:
                w7.write_number(r7, base + 2, efl / 100)
            if efh is not None:
                w7.write_number(r7, base + 3, efh / 100)
            if adl is not None and efl is not None and co2e is not None:
                ul = round(math.hypot(adl / 100, efl / 100), 5)
                uh = round(math.hypot((adh or 0) / 100, (efh or 0) / 100), 5)
                w7.write_number(r7, base + 1, co2e, grey)
                w7.write_number(r7, base + 6, ul, grey)
                w7.write_number(r7, base + 7, uh, grey)
                parts.append((co2e, ul, uh))
        if parts:
            tot = sum(p[0] for p in parts)
            if tot:
                lo = math.sqrt(sum((p[0] * p[1]) ** 2 for p in parts)) / tot
                hi = math.sqrt(sum((p[0] * p[2]) ** 2 for p in parts)) / tot
                w7.write_number(r7, 32, lo, grey)
                w7.write_number(r7, 33, hi, grey)
                unc_rows.append((tot, lo, hi))
    for w in (w3, w4, w5, w6, w7):
        w.set_column(0, 50, 13)
    _t7_notes(w7, len(rows))

    # 表八 ---------------------------------------------------------------------------
    _write_t8(wb, recs, total, dq_rows, unc_rows, title, bold)
    wb.close()
    return path


def _round4(x: np.ndarray) -> np.ndarray:
    try:
        from carbon.accounting import round_half_up
    except ImportError:  # pragma: no cover
        x = np.asarray(x, dtype=float)
        return np.sign(x) * np.floor(np.abs(x) * 1e4 * (1 + 4 * np.finfo(float).eps) + 0.5) / 1e4
    return round_half_up(np.asarray(x, dtype=float), 4)


def _form_records(records: pd.DataFrame, unrounded: set[str]) -> pd.DataFrame:
    """Records as the form shows them: gas mass to 4 decimals (unless the source's row
    does not round, see ``origin['moenv_unrounded_mass']``), CO2e = ROUND(mass × GWP, 4)
    (表五 notes 7–9), whatever rounding the result used."""
    if not len(records):
        return records
    r = records.copy()
    mass = pd.to_numeric(r["mass_t"], errors="coerce").to_numpy(dtype=float)
    gwp = pd.to_numeric(r["gwp"], errors="coerce").to_numpy(dtype=float)
    keep = r["source_id"].astype(str).isin(unrounded).to_numpy()
    mass = np.where(keep, mass, _round4(mass))
    r["mass_t"] = mass
    r["co2e_t"] = _round4(mass * gwp)
    return r


def _t7_heads(w7, bold) -> None:
    w7.write_string(1, 0, "製程編號", bold)
    w7.write_string(1, 1, "設備編號", bold)
    w7.write_string(1, 2, "原(燃)物料或產品", bold)
    w7.write_string(1, 4, "活動數據之不確定性", bold)
    for k, c in enumerate((8, 16, 24)):
        w7.write_string(1, c, f"溫室氣體#{k + 1}之排放係數不確定性", bold)
    w7.write_string(1, 32, "單一排放源不確定性12", bold)
    w7.write_string(2, 4, "95%信賴區間之下限3", bold)
    w7.write_string(2, 5, "95%信賴區間之上限4", bold)
    w7.write_string(2, 6, "數據\n來源5", bold)
    w7.write_string(2, 7, "活動數據保存單位6", bold)
    for c in (8, 16, 24):
        for j, h in enumerate(
            [
                "溫室氣體",
                "溫室氣體排放當量(噸CO2e/年)",
                "95%信賴區間之下限",
                "95%信賴區間之上限",
                "係數不確定性資料來源",
                "排放係數保存單位",
                "單一溫室氣體不確定性",
            ]
        ):
            w7.write_string(2, c + j, h, bold)
        w7.write_string(3, c + 6, "95%信賴區間之下限", bold)
        w7.write_string(3, c + 7, "95%信賴區間之上限", bold)
    w7.write_string(3, 2, "代碼", bold)
    w7.write_string(3, 3, "名稱", bold)
    w7.write_string(3, 32, "95%信賴區間之下限", bold)
    w7.write_string(3, 33, "95%信賴區間之上限", bold)


def _t7_notes(w7, n: int) -> None:
    r = _FIRST_ROW - 1 + n + _T7_OFFSET + 1
    w7.write_string(r, 0, "填表說明")
    w7.write_string(r + 1, 1, "活動數據及排放係數之不確定性以小數表示(0.015 = 1.5%)，95%信賴區間。")


def _write_t8(wb, recs, total, dq_rows, unc_rows, title, bold) -> None:
    ws = wb.add_worksheet("表八")
    ws.write_string(0, 0, "八、溫室氣體排放量彙總", title)
    ws.write_string(1, 0, "彙整表一、全廠電力*")
    ws.write_string(5, 0, "彙整表二、全廠七大溫室氣體排放量統計表")
    groups = ["CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3"]
    for j, g in enumerate(groups):
        ws.write_string(6, 1 + j, g, bold)
        ws.write_string(12, 1 + j, g, bold)
    ws.write_string(6, 8, "七種溫室氣體年總排放當量註", bold)
    ws.write_string(6, 9, "生質排放當量", bold)
    ws.write_string(12, 8, "範疇一七種溫室氣體年總排放當量", bold)
    ws.write_string(7, 0, "排放當量\n(公噸CO2e/年)")
    ws.write_string(13, 0, "排放當量\n(公噸CO2e/年)")
    ws.write_string(8, 0, "氣體別占比\n(％)")
    ws.write_string(14, 0, "氣體別占比\n(％)")
    ws.write_string(11, 0, "彙整表三、範疇一七大溫室氣體排放量統計表")
    if len(recs):
        co2e = pd.to_numeric(recs["co2e_t"], errors="coerce").fillna(0.0)
        bio = recs["biogenic"].fillna(False).astype(bool) if "biogenic" in recs else pd.Series(False, index=recs.index)
        grp = recs["gas"].astype(str).map(_gas_group)
        sub = recs["iso_subcategory"].astype(str) if "iso_subcategory" in recs else pd.Series("", index=recs.index)
        s1 = sub.str.startswith("1")
    else:
        co2e = bio = grp = sub = s1 = pd.Series(dtype=float)
    fossil_total = float(co2e[~bio].sum()) if len(recs) else 0.0
    s1_total = float(co2e[s1 & ~bio].sum()) if len(recs) else 0.0
    for j, g in enumerate(groups):
        v = float(co2e[(grp == g) & ~bio].sum()) if len(recs) else 0.0
        v1 = float(co2e[(grp == g) & s1 & ~bio].sum()) if len(recs) else 0.0
        ws.write_number(7, 1 + j, v)
        ws.write_number(8, 1 + j, v / fossil_total if fossil_total else 0.0)
        ws.write_number(13, 1 + j, v1)
        ws.write_number(14, 1 + j, v1 / s1_total if s1_total else 0.0)
    ws.write_formula(7, 8, "=ROUND(SUM(B8:H8),3)", None, round(fossil_total, 3))
    ws.write_number(7, 9, float(co2e[bio].sum()) if len(recs) else 0.0)
    ws.write_formula(13, 8, "=SUM(B14:H14)", None, s1_total)
    ws.write_string(16, 0, "彙整表四、全廠溫室氣體範疇別及範疇一排放型式排放量統計表")
    ws.write_string(17, 1, "直接", bold)
    ws.write_string(17, 5, "間接", bold)
    ws.write_string(17, 8, "總排放當量註", bold)
    for j, h in enumerate(["固定排放", "製程排放", "移動排放", "逸散排放"]):
        ws.write_string(18, 1 + j, h, bold)
    ws.write_string(18, 5, "能源間接排放", bold)
    ws.write_string(18, 7, "其他間接排放", bold)
    ws.write_string(19, 5, "外購電力", bold)
    ws.write_string(19, 6, "外購蒸汽", bold)
    ws.write_string(19, 7, "其他間接排放", bold)
    ws.write_string(20, 0, "排放當量(公噸CO2e/年)")
    by = {
        k: (float(co2e[(sub == k) & ~bio].sum()) if len(recs) else 0.0)
        for k in ("1.1", "1.3", "1.2", "1.4", "2.1", "2.2")
    }
    other = fossil_total - sum(by.values())
    ws.write_number(20, 1, s1_total)
    ws.write_number(20, 5, by["2.1"] + by["2.2"])
    ws.write_number(20, 7, other)
    ws.write_formula(20, 8, "=ROUND(B21+F21+H21,3)", None, round(fossil_total, 3))
    for j, k in enumerate(("1.1", "1.3", "1.2", "1.4", "2.1", "2.2")):
        ws.write_number(21, 1 + j, by[k])
    ws.write_string(26, 0, "彙整表五、全廠溫室氣體數據等級評分結果")
    for j, h in enumerate(["等級", "第一級", "第二級", "第三級"]):
        ws.write_string(27, j, h, bold)
    ws.write_string(28, 0, "評分範圍")
    for j, h in enumerate(["X<10分", "10分≦X<19分", "19≦X≦27分"]):
        ws.write_string(28, 1 + j, h)
    ws.write_string(29, 0, "個數")
    xs = [x for x, _ in dq_rows]
    for j, (lo, hi) in enumerate(((0, 10), (10, 19), (19, 28))):
        ws.write_number(29, 1 + j, sum(1 for x in xs if lo <= x < hi))
    ws.write_string(30, 0, "清冊等級總平均分數")
    avg = sum(round(round(t / total, 4) * x, 2) for x, t in dq_rows) if total else 0.0
    ws.write_number(30, 1, round(avg, 2))
    ws.write_string(30, 2, "清冊級別")
    ws.write_string(30, 3, "第一級" if avg < 10 else "第二級" if avg < 19 else "第三級")
    ws.write_string(32, 0, "彙整表六、溫室氣體不確定性量化評估結果")
    ws.write_string(33, 0, "進行不確定性評估之排放量絕對值加總")
    ws.write_string(33, 1, "排放總量絕對值加總")
    ws.write_string(33, 2, "本清冊之總不確定性")
    covered = sum(t for t, _, _ in unc_rows)
    ws.write_number(34, 0, covered)
    ws.write_number(34, 1, total)
    ws.write_string(34, 2, "95%信賴區間下限")
    ws.write_string(34, 3, "95%信賴區間上限")
    ws.write_string(35, 0, "進行不確定性評估之排放量佔總排放量之比例")
    ws.write_number(36, 0, covered / total if total else 0.0)
    if covered:
        ws.write_number(36, 2, round(math.sqrt(sum((t * lo) ** 2 for t, lo, _ in unc_rows)) / covered, 5))
        ws.write_number(36, 3, round(math.sqrt(sum((t * hi) ** 2 for t, _, hi in unc_rows)) / covered, 5))
    ws.set_column(0, 11, 16)


def _norm_sub(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v).strip()


def _gas_group(g: str) -> str:
    g = str(g)
    if g in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return g
    if g.upper().startswith(("HFC", "R-", "R4", "R3", "R1")):
        return "HFCs"
    if g.upper().startswith(("PFC", "CF4", "C2F6", "C3F8", "C-C4F8")):
        return "PFCs"
    return "HFCs" if g not in ("CO2e",) else "CO2"


def _flag_of(g: str) -> str:
    """Gas as the workbook's gas columns spell it: 'HFC-23' -> 'HFCS'."""
    grp = _gas_group(g)
    return {"HFCs": "HFCS", "PFCs": "PFCS"}.get(grp, grp)


def _b_of(text: str | None) -> int | None:
    if not text:
        return None
    m = re.match(r"\s*[（(]\s*([123])", text)
    return int(m.group(1)) if m else None


def _s(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _f(v) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _int(v) -> int | None:
    x = _f(v)
    return int(x) if x is not None else None


def _true(v) -> bool:
    return bool(v) and v is not pd.NA and not (isinstance(v, float) and math.isnan(v))


def _hv(s, custom: pd.DataFrame, registry, fid: str) -> tuple[float | None, str | None]:
    hv, hvu = _f(s.get("heat_value")), _s(s.get("heat_value_unit"))
    if hv is not None:
        return hv, hvu
    rows = custom[custom["factor_id"] == fid] if len(custom) else custom
    if len(rows) and rows["heat_value"].notna().any():
        r = rows[rows["heat_value"].notna()].iloc[0]
        return float(r["heat_value"]), _s(r["heat_value_unit"])
    if registry is not None and fid and fid in registry:
        d = registry.default_heat_value(fid)
        if d:
            return d[0], d[1]
    return None, None


def _ef_bounds(s, custom: pd.DataFrame, gas: str, k: int) -> tuple[float | None, float | None]:
    if k == 0:
        lo, hi = _f(s.get("ef_low_pct")), _f(s.get("ef_high_pct"))
        if lo is not None or hi is not None:
            return lo, hi
    fid = _s(s.get("factor_id")) or ""
    rows = (
        custom[(custom["factor_id"] == f"custom/{s['source_id']}") & (custom["gas"] == gas)] if len(custom) else custom
    )
    if not len(rows) and fid.startswith("custom/") and len(custom):
        rows = custom[(custom["factor_id"] == fid) & (custom["gas"] == gas)]
    if len(rows):
        r = rows.iloc[0]
        v, lo, hi = _f(r["value"]), _f(r["value_low"]), _f(r["value_high"])
        if v:
            return (
                (1 - lo / v) * 100 if lo is not None else None,
                (hi / v - 1) * 100 if hi is not None else None,
            )
    return None, None


def _write_gases(s, srecs: pd.DataFrame, custom: pd.DataFrame, ex: dict) -> list[tuple]:
    """Per gas: (gas, per-TJ factor, unit factor, unit-factor unit text, mass, GWP, CO2e, source)."""
    unit = _s(s.get("activity_unit")) or ""
    out = []
    if len(srecs):
        grouped = srecs.groupby(srecs["gas"].astype(str), sort=False)
        for g, grp in grouped:
            mass = float(pd.to_numeric(grp["mass_t"], errors="coerce").sum())
            co2e = float(pd.to_numeric(grp["co2e_t"], errors="coerce").sum())
            gwp = _f(grp["gwp"].iloc[0])
            fval, funit = _f(grp["factor_value"].iloc[0]), _s(grp["factor_unit"].iloc[0])
            hv, hvu = _f(grp["heat_value"].iloc[0]), _s(grp["heat_value_unit"].iloc[0])
            ef_e = ef_u = None
            try:
                fm, _fg, fper = _split(funit) if funit else ("t", g, unit)
            except Exception:
                fm, fper = "t", unit
            if fval is not None and fper and _convertible(fper, "TJ") and hv is not None and hvu:
                ef_e = fval * multiplier(fm, "kg") / multiplier(fper, "TJ")
                ef_u = _per_unit_from_energy(ef_e, hv, hvu, unit)
            elif fval is not None and fper and unit and _convertible(unit, fper):
                ef_u = fval * multiplier(fm, "t") * multiplier(unit, fper)
                if _s(s.get("method")) == "electricity" and _convertible(fper, "kWh"):
                    ef_e = fval * multiplier(fm, "kg") / multiplier(fper, "kWh")  # 表五 R: 公斤CO2/度
            elif _s(s.get("method")) in ("refrigerant", "extinguisher", "mass_balance"):
                ef_u = None
            method = _s(s.get("method"))
            per_text = "公噸/" + unit
            if method == "mass_balance" and _f(s.get("carbon_content")) is not None:
                ef_u, per_text = _f(s.get("carbon_content")) * _C_TO_CO2, "公噸/公噸"  # 表五 T = AB × 44/12
            elif method in ("refrigerant", "extinguisher"):
                ef_u, per_text = 1.0, "公噸/公噸"  # emitted as it is (表五 T = 1 for F-gases)
            out.append((g, ef_e, ef_u, per_text, mass, gwp, co2e, None))
    order = [g for _c, g in _GAS_FLAGS]
    out.sort(key=lambda t: order.index(_flag_of(t[0])) if _flag_of(t[0]) in order else len(order))
    return out
