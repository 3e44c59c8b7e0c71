"""Read the official MOENV inventory workbook (溫室氣體排放量清冊表單) into an InventoryProject.

Only input cells give numbers.  Where the workbook computes a value (names looked up by
code, the factors of 表五 R/T, their units, GWPs) the formula is redone from the inputs by
:mod:`~carbon.formats.moenv.formulas` through the workbook's own 附表 sheets (and the factor
library when the workbook lacks them); a cell typed over a formula is an input.  The values
the file stores in formula cells are only compared (:mod:`~carbon.formats.moenv.reconcile`),
never used, so a workbook saved by a program that does not calculate, or one whose stored
values are stale, gives the answer its inputs give.

Cells read (rows are spreadsheet rows; source rows start at row 3 in 表三–表六 and row 5 in
表七, the n-th source row of every sheet describing the same source):

========  =====================================================================
sheet     cells
========  =====================================================================
表一      B3 盤查期間 (民國年), C3 管制編號, D3 事業名稱, E3 統一編號, F3 工廠統一編號,
          G3 負責人, H3 聯絡人, I3 電話, J3 電子信箱, M3/O3 行業代碼, Q3 登錄原因,
          R3 盤查依據規範, S3/T3 查驗, U3 備註 (``gwp_set=...`` written by carbon)
表二      A3 證書字號, B3 目的事業主管機關, C3 縣市, D3 鄉鎮, E3 郵遞區號, H3 地址,
          I3–K3 邊界內未納入計算之排放源
表三      A 製程編號, B 製程代碼 (C from 附表五), D 設備編號, E 設備代碼 (F from 附表六),
          G 類別, H 原燃物料代碼 (I from 附表七), J 生質能源, K 直接/間接, L 排放型式,
          M 類別, N–T 產生 CO2/CH4/N2O/HFCs/PFCs/SF6/NF3, U 汽電共生, V 備註
表四      N 供應商, O 活動數據, P 單位, Q 分配比率, R 其他單位, S 數據來源, T 保存單位,
          U 量測頻率 (→ 表六 A grade), X 計算方法, Y 低位熱值, Z 熱值單位, AB 碳含量
表五      inputs: V/AF/AP 係數來源, W/AG/AQ 係數種類 (→ 表六 C grade); R/AB/AL, T/AD/AN,
          U/AE/AO, Y/AI/AS, AX when typed over their formulas; otherwise computed
          (附表一 by K&L&gas&H, or by 表一 B3 for purchased electricity; T = R × LHV ×
          4.1868e-12, 1 for HFCs/SF6/NF3, or AB × 44/12); X/AH/AR only to see whether the
          row's formula rounds the mass (the sample's septic row does not)
表六      H 活動數據可信種類 (→ B grade); G and I only when 表四 U / 表六 H are empty
表七      E/F activity-data 95 % lower/upper, K/L, S/T, AA/AB factor lower/upper per gas
========  =====================================================================

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例) (ghgregistry.moenv.gov.tw/upload/Tools/AI/).
.. [2] 溫室氣體排放量盤查登錄及查驗管理辦法 §2 (rounding), §4-2-1 (factors).
.. [3] docs/FACTS-taiwan.md §1.6–1.8, §5.3–5.5, §8.1.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from carbon.errors import DateError, InputError, Problem
from carbon.formats.moenv import layout as L
from carbon.formats.moenv.cells import Book, Sheet, load_book
from carbon.formats.moenv.common import Context, to_float
from carbon.formats.moenv.formulas import Check, load_appendix
from carbon.formats.moenv.library import registry
from carbon.formats.moenv.reconcile import disagreements, reconcile_notes
from carbon.formats.moenv.source import Source
from carbon.formats.safety import check_spreadsheet
from carbon.inventory import InventoryProject, Organisation
from carbon.paths import FACTORS_DIR
from carbon.schema import FACILITY_COLUMNS, SOURCE_COLUMNS
from carbon.units import parse_roc_year

__all__ = ["read_moenv_workbook"]

_PD = {"str": "string", "float": "float64", "int": "Int64", "bool": "boolean"}
FACTOR_COLS = [
    "factor_id", "name_zh", "name_en", "kind", "moenv_code", "gas", "value", "unit", "value_low", "value_high",
    "u_dist", "heat_value", "heat_value_unit", "basis", "valid_from", "valid_to", "announced", "gwp_set",
    "source_ref", "note",
]  # fmt: skip


# --- reading -------------------------------------------------------------------------
def read_moenv_workbook(path: str | Path, name: str | None = None) -> InventoryProject:
    """Read an MOENV inventory workbook (溫室氣體排放量清冊表單) into a project.

    Parameters
    ----------
    path : str or Path
        ``.ods`` or ``.xlsx`` file in the official layout (sheets 表一–表七 and the 附表
        look-up sheets; other sheets are ignored).
    name : str, optional
        Name of the file in messages (e.g. an upload's own name); default the path as given.

    Returns
    -------
    InventoryProject
        ``sources`` has one row per source row of 表三 (``source_id`` = 設備編號, or
        ``<設備編號>-<原燃物料代碼>`` when the 設備編號 repeats); the factors of 表五 (typed,
        or computed from the inputs as the workbook's formulas do) are in ``custom_factors``
        (ids ``custom/<source_id>``, one row per gas), or the library factor they equal;
        ``origin["sheet_rows"]`` maps each source to its 表三 row; ``origin["checks"]`` lists
        the formula cells whose stored value disagrees with the inputs as (sheet, cell,
        stored, computed), ``origin["uncalculated_cells"]`` counts those with no stored value; ``notes`` lists every
        deviation from carbon's library, every disagreement and every known defect reproduced.

    Raises
    ------
    InputError
        With every problem found (negative or missing activity data, unknown units,
        unreadable numbers, grades out of range, codes the look-up tables lack …), each
        naming file, sheet, row and column.

    Notes
    -----
    The workbook multiplies 表四 Q 分配比率 and AB 碳含量 directly although their headers
    say "%", so both are read as fractions (1 = 100 %) and values above 1 are errors; it
    rounds 表四 O and Q to 4 decimals (表五 M, O) and so does the reader.  Activity-data
    and factor uncertainties of 表七 are fractions and become percent.

    References
    ----------
    .. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表一–表七 and their 填表說明.
    """
    path = Path(path)
    shown = name or str(path)
    check_spreadsheet(path, shown)
    ctx = Context(shown)
    book = load_book(path, L.INPUT_SHEETS + L.APPENDIX_SHEETS, L.FORMULA_SHEETS, shown)
    missing = [s for s in L.REQUIRED if s not in book]
    if missing:
        msg = (
            f"sheet(s) {', '.join(missing)} not found; this is not an MOENV inventory workbook "
            "(溫室氣體排放量清冊表單) or its sheets were renamed."
        )
        raise InputError([Problem(msg, file=shown, hint="Keep the official sheet names 表一 … 表八.")])
    notes: list[str] = []
    org, org_extra = _read_organisation(ctx, book.sheet("表一"), book.sheet("表二"), notes)
    reader = _Reader(ctx, book, org, org_extra.pop("gwp_set", None) or "MOENV-2024", notes)
    reader.read_sources()
    if ctx.problems:
        raise InputError(ctx.problems)
    notes.extend(reconcile_notes(reader.checks))
    return reader.project(path, org_extra)


class _Reader:
    """State of one reading: the workbook, its look-up tables and what was read so far."""

    def __init__(self, ctx: Context, book: Book, org: Organisation, gwp_set: str, notes: list[str]):
        self.ctx, self.book, self.org, self.gwp_set, self.notes = ctx, book, org, gwp_set, notes
        self.app = load_appendix(book)
        self.registry = registry()
        self.checks: list[Check] = []
        self.records: list[dict] = []
        self.factor_rows: list[dict] = []
        self.extra: dict[str, dict] = {}
        self.sheet_rows: dict[str, tuple[str, int]] = {}
        raw = book.sheet("表一").raw(3, "B")
        self.roc_year = org.reporting_year - 1911 if org.reporting_year else _to_int(raw)

    def read_sources(self) -> None:
        t3, t4 = self.book.sheet("表三"), self.book.sheet("表四")
        rows = _source_rows(t3)
        _orphan_activity(self.ctx, t4, rows)
        if not rows:
            self.ctx.problem("表三", L.FIRST_ROW, None, None, "no emission source rows found.", "Fill 表三 from row 3.")
        facility_id = self.org.registration_no or "F1"
        for r, sid in zip(rows, _source_ids(t3, rows), strict=True):
            self.sheet_rows[sid] = ("表三", r)
            src = Source(self, r, sid)
            src.read()
            src.rec["facility"] = facility_id
            self.records.append(src.rec)
            self.factor_rows.extend(src.frows)
            self.extra[sid] = src.extra

    def project(self, path: Path, org_extra: dict) -> InventoryProject:
        org = self.org
        facilities = _frame(
            FACILITY_COLUMNS,
            [
                {
                    "facility_id": org.registration_no or "F1",
                    "name": org.name,
                    "address": org.address,
                    "registration_no": org.registration_no,
                }
            ],
        )
        schema = FACTORS_DIR / "schema.csv"
        factor_cols = list(pd.read_csv(schema)["column"]) if schema.exists() else FACTOR_COLS
        custom = pd.DataFrame(self.factor_rows, columns=factor_cols)
        for c in ("value", "value_low", "value_high", "heat_value"):
            custom[c] = pd.to_numeric(custom[c], errors="coerce").astype("float64")
        origin = {
            "file": str(path),
            "format": "moenv-workbook",
            "sheet_rows": self.sheet_rows,
            "rows": {sid: (str(path), "表四", row) for sid, (_sh, row) in self.sheet_rows.items()},
            "headers": dict(L.HEADERS),
            "moenv_unrounded_mass": [sid for sid, ex in self.extra.items() if ex.get("unrounded_mass")],
            "moenv": self.extra,
            "organisation": org_extra,
            "checks": [(c.sheet, c.cell, c.stored, c.computed) for c in disagreements(self.checks)],
            "uncalculated_cells": sum(1 for c in self.checks if c.stored is None and c.computed not in (None, "")),
        }
        return InventoryProject(
            organisation=org,
            facilities=facilities,
            sources=_frame(SOURCE_COLUMNS, self.records),
            custom_factors=custom,
            gwp_set=self.gwp_set,
            origin=origin,
            notes=self.notes,
        )


def _to_int(v) -> int | None:
    x = to_float(v)
    return int(x) if x is not None and x.is_integer() else None


def _frame(columns, records: list[dict]) -> pd.DataFrame:
    data = {}
    for c in columns:
        vals = [rec.get(c.name) for rec in records]
        data[c.name] = pd.Series(vals, dtype=_PD[c.dtype]) if records else pd.Series(dtype=_PD[c.dtype])
    return pd.DataFrame(data)


def _orphan_activity(ctx: Context, t4: Sheet, rows: list[int]) -> None:
    """Activity data in 表四 without a source in 表三 (the sheets are matched by row)."""
    last = rows[-1] if rows else L.FIRST_ROW - 1
    for r in range(L.FIRST_ROW, t4.nrows() + 1):
        a = t4.text(r, "A")
        if a and a.startswith(L.END_MARK):
            break
        if r not in rows and t4.raw(r, "O") is not None:
            ctx.problem(
                "表四", r, "O", "活動數據", f"has activity data but 表三 row {r} has no source (last source row: {last}).",
                "Identify the source in 表三 on the same row.",
            )  # fmt: skip


def _read_year(ctx: Context, t1: Sheet) -> int | None:
    raw_year = t1.raw(3, "B")
    if raw_year is None:
        ctx.problem("表一", 3, "B", "盤查期間", "is empty.", "Enter the inventory year (民國年, e.g. 112).")
        return None
    try:
        return parse_roc_year(raw_year)
    except (DateError, ValueError) as err:
        ctx.problem("表一", 3, "B", "盤查期間", str(err))
        return None


def _read_organisation(ctx: Context, t1: Sheet, t2: Sheet, notes: list[str]) -> tuple[Organisation, dict]:
    year = _read_year(ctx, t1)
    name = t1.text(3, "D")
    if not name:
        ctx.problem("表一", 3, "D", "事業名稱", "is empty.", "Enter the name of the entity.")
    contact = ", ".join(x for x in (t1.text(3, "H"), t1.text(3, "I"), t1.text(3, "J")) if x) or None
    address = "".join(p for p in (t2.text(3, c) for c in ("C", "D", "H")) if p) or None
    extra = {
        "factory_tax_id": t1.text(3, "F"),
        "registration_reason": t1.text(3, "Q"),
        "verified": t1.text(3, "S"),
        "verifier": t1.text(3, "T"),
        "postal_code": t2.text(3, "E"),
        "certificate_no": t2.text(3, "A"),
        "competent_authority": t2.text(3, "B"),
        "industry_names": tuple(x for x in (t1.text(3, "N"), t1.text(3, "P")) if x),
        "excluded_sources": [x for x in (t2.text(3, c) for c in ("I", "J", "K")) if x],
    }
    remark = t1.text(3, "U")
    if remark:
        m = re.search(r"gwp_set\s*=\s*([A-Za-z0-9\-_.]+)", remark)
        if m:
            extra["gwp_set"] = m.group(1)
        extra["remark"] = remark
    if extra["excluded_sources"]:
        notes.append(
            "表二: sources inside the boundary not quantified (邊界內未納入計算之排放源): "
            + "; ".join(extra["excluded_sources"])
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
        industry_codes=tuple(x for x in (t1.text(3, "M"), t1.text(3, "O")) if x),
        address=address,
        responsible_person=t1.text(3, "G"),
        contact=contact,
        standard=t1.text(3, "R"),
    )
    return org, extra


def _source_rows(t3: Sheet) -> list[int]:
    rows = []
    for r in range(L.FIRST_ROW, t3.nrows() + 1):
        a = t3.text(r, "A")
        if a and a.startswith(L.END_MARK):
            break
        if any(t3.raw(r, c) is not None for c in ("A", "B", "D", "E", "H", "L")):
            rows.append(r)
    return rows


def _source_ids(t3: Sheet, rows: list[int]) -> list[str]:
    eq = [t3.text(r, "D") or t3.text(r, "A") or f"R{r}" for r in rows]
    counts = pd.Series(eq, dtype=object).value_counts()
    ids = [e if counts[e] == 1 else f"{e}-{t3.code(r, 'H', 6) or r}" for r, e in zip(rows, eq, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for r, sid in zip(rows, ids, strict=True):
        seen[sid] = seen.get(sid, 0) + 1
        out.append(sid if seen[sid] == 1 and ids.count(sid) == 1 else f"{sid}-r{r}")
    return out
