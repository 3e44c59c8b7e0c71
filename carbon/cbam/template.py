"""Read and write the Commission's CBAM *Communication template for installations* v2.1.x.

Reading (:func:`read_template`) takes values **only from input cells** - cells that are
unlocked in the protected input sheets ``A_InstData``, ``B_EmInst``,
``C_Emissions&Energy``, ``D_Processes``, ``E_PurchPrec`` and the input columns of
``Summary_Products`` (process name, CN code, product name: the CN codes exist nowhere else).
Computed cells and cached formula results are never read.  An input cell that holds a
formula typed by the operator (the Commission's own examples do this, e.g.
``=((17000+8200)*3.5)/H17``) is evaluated by a restricted evaluator that only knows numbers,
``+ - * / ^``, parentheses and references to other *input* cells; anything else (functions,
references to computed cells) is reported as an input error.

Writing (:func:`write_template`) edits the XML of the input sheets inside a copy of the
official blank template: only the ``<c>`` elements of unlocked input cells are replaced
(strings as inline strings, so ``sharedStrings.xml`` is untouched) and every other package
part is copied unchanged, which keeps formulas, protection, validation lists, conditional
formats, drawings and styles.  Optionally ``fullCalcOnLoad`` is set in ``workbook.xml`` so
that spreadsheet programs recompute the summary sheets on opening.

Cell offsets (template v2.1.1, see docs/FACTS-cbam.md section 6): production process n
(1-10) block header row ``h = 11 + 65 (n - 1)`` in D_Processes; purchased precursor n
(1-20) block header row ``h = 14 + 44 (n - 1)`` in E_PurchPrec; source streams B_EmInst rows
17-91, PFC rows 98-107, CEMS rows 113-122; Summary_Products rows 10-109.
"""

from __future__ import annotations

import ast
import datetime as _dt
import io
import operator
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from carbon.errors import CalculationError, InputError, Problem
from carbon.paths import FACTORS_DIR

from .engine import is_zero_rated_origin
from .model import (
    PFC,
    CbamInput,
    Electricity,
    EmissionSource,
    Good,
    HeatFlow,
    Installation,
    Precursor,
    PrecursorUse,
    ProductionProcess,
    SourceStream,
    WasteGas,
    normalise_cn,
)

__all__ = ["BLANK_TEMPLATE", "INPUT_SHEETS", "input_cells", "read_template", "write_template"]

BLANK_TEMPLATE = FACTORS_DIR / "sources" / "cbam" / "eu-cbam-communication-template-installations-v2.1.1.xlsx"

A, B, C, D, E, S = (
    "A_InstData",
    "B_EmInst",
    "C_Emissions&Energy",
    "D_Processes",
    "E_PurchPrec",
    "Summary_Products",
)
#: Sheets whose unlocked cells are input cells.
INPUT_SHEETS = (A, B, C, D, E, S)

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

N_PROC, N_PREC = 10, 20
SS_ROWS = range(17, 92)
PFC_ROWS = range(98, 108)
CEMS_ROWS = range(113, 123)
PRODUCT_ROWS = range(10, 110)
INST_FIELDS = (
    "name_local",
    "name",
    "street",
    "economic_activity",
    "post_code",
    "po_box",
    "city",
    "country",
    "unlocode",
    "latitude",
    "longitude",
    "representative",
    "email",
    "phone",
)  # A_InstData I19:I32

METHOD_TO_TPL = {"combustion": "Combustion", "process": "Process emissions", "mass_balance": "Mass Balance"}
TPL_TO_METHOD = {v.lower(): k for k, v in METHOD_TO_TPL.items()}
PFC_TO_TPL = {"slope": "Slope method", "overvoltage": "Overvoltage method"}
TPL_TO_PFC = {v.lower(): k for k, v in PFC_TO_TPL.items()}
SOURCE_TO_TPL = {"measured": "Measured", "default": "Default", "unknown": "Unknown"}
ONLY_DIRECT = "Only direct production"  # Parameters_Constants B62


def dblock(n: int) -> int:
    """Header row of production process ``n`` (1-10) in D_Processes."""
    return 11 + 65 * (n - 1)


def eblock(n: int) -> int:
    """Header row of purchased precursor ``n`` (1-20) in E_PurchPrec."""
    return 14 + 44 * (n - 1)


# --------------------------------------------------------------------------------------
# xlsx package access
# --------------------------------------------------------------------------------------
@dataclass
class _Cell:
    t: str  # "n", "s" (string), "b", "e", "f" (formula)
    value: Any
    style: int


def _col_row(coord: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", coord)
    if not m:
        raise ValueError(coord)
    return m.group(1), int(m.group(2))


def _col_num(col: str) -> int:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    return n


_SCAN_RX = re.compile(r'<c\b[^>]*?\br="(([A-Z]{1,3})\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


_STYLE_RX = re.compile(r'\bs="(\d+)"')


class _LazyCells(Mapping):
    """coord -> _Cell, parsing each cell's XML only when it is looked at."""

    def __init__(self, book: _Book, raw: dict[str, tuple[int, str]]) -> None:
        self._book, self._raw, self._done = book, raw, {}

    def style(self, coord: str) -> int | None:
        item = self._raw.get(coord)
        return None if item is None else item[0]

    def __getitem__(self, coord: str) -> _Cell:
        if coord not in self._done:
            self._done[coord] = self._book._parse_cell(self._raw[coord][1])
        return self._done[coord]

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _Book:
    """Minimal read access to an xlsx package (cells, styles, sheet parts)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, FileNotFoundError) as exc:
            raise InputError([Problem(f"cannot open as .xlsx: {exc}", file=str(path))]) from None
        names = set(self.zf.namelist())
        if "xl/workbook.xml" not in names:
            raise InputError([Problem("not an Excel workbook (xl/workbook.xml missing)", file=str(path))])
        wb = ET.fromstring(self.zf.read("xl/workbook.xml"))
        rels = ET.fromstring(self.zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        self.parts: dict[str, str] = {}
        for sh in wb.iter(f"{_NS}sheet"):
            target = targets[sh.get(f"{_REL_NS}id")]
            target = target.lstrip("/")
            self.parts[sh.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
        pr = wb.find(f"{_NS}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(self.zf.read("xl/sharedStrings.xml")).iter(f"{_NS}si"):
                self.strings.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
        self.unlocked_styles: set[int] = set()
        styles = ET.fromstring(self.zf.read("xl/styles.xml"))
        xfs = styles.find(f"{_NS}cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else []):
            prot = xf.find(f"{_NS}protection")
            if prot is not None and prot.get("locked") in ("0", "false"):
                self.unlocked_styles.add(i)
        self._cells: dict[tuple[str, frozenset[str] | None], _LazyCells] = {}

    def cells(self, sheet: str, columns: frozenset[str] | None = None) -> _LazyCells:
        """Cells of ``sheet``: all of them, or only those in ``columns`` (cached)."""
        key = (sheet, columns)
        if key not in self._cells:
            if sheet not in self.parts:
                raise InputError(
                    [
                        Problem(
                            f"sheet '{sheet}' not found; this is not a CBAM Communication template v2.1.x",
                            file=str(self.path),
                            hint="Use the Commission's template 'CBAM Communication template for installations'.",
                        )
                    ]
                )
            xml = self.zf.read(self.parts[sheet]).decode("utf-8")
            raw: dict[str, tuple[int, str]] = {}
            for m in _SCAN_RX.finditer(xml):
                if columns is not None and m.group(2) not in columns:
                    continue
                snippet = m.group(0)
                sm = _STYLE_RX.search(snippet, 0, snippet.index(">"))
                raw[m.group(1)] = (int(sm.group(1)) if sm else 0, snippet)
            out = _LazyCells(self, raw)
            self._cells[key] = out
        return self._cells[key]

    def _parse_cell(self, snippet: str) -> _Cell:
        if snippet.endswith("/>") and snippet.find(">") == len(snippet) - 1:  # empty <c .../>
            sm = _STYLE_RX.search(snippet)
            return _Cell("", None, int(sm.group(1)) if sm else 0)
        c = ET.fromstring(snippet)
        s = int(c.get("s", "0"))
        t = c.get("t", "n")
        f = c.find("f")
        if f is not None:
            return _Cell("f", f.text, s)  # f.text is None for a shared-formula follower
        v = c.find("v")
        if t == "inlineStr":
            is_ = c.find("is")
            return _Cell("s", "".join(x.text or "" for x in is_.iter("t")) if is_ is not None else "", s)
        if v is None or v.text is None:
            return _Cell("", None, s)
        if t == "s":
            return _Cell("s", self.strings[int(v.text)], s)
        if t == "str":
            return _Cell("s", v.text, s)
        if t == "b":
            return _Cell("b", v.text in ("1", "true"), s)
        if t == "e":
            return _Cell("e", v.text, s)
        return _Cell("n", float(v.text), s)

    def unlocked(self, sheet: str, coord: str) -> bool:
        return self.cells(sheet).style(coord) in self.unlocked_styles

    def close(self) -> None:
        self.zf.close()


# --------------------------------------------------------------------------------------
# Restricted evaluation of operator-typed formulas in input cells
# --------------------------------------------------------------------------------------
_REF_RX = re.compile(r"(?:(?:'((?:[^']|'')+)'|([A-Za-z_][A-Za-z0-9_.]*))!)?\$?([A-Z]{1,3})\$?([0-9]+)(?![0-9A-Za-z_(])")
_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class _FormulaError(Exception):
    pass


def _eval_arith(expr: str, refs: list[float]) -> float:
    tree = ast.parse(expr, mode="eval")

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id.startswith("__r"):
            return refs[int(node.id[3:])]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))
        raise _FormulaError("only numbers, + - * / ^, parentheses and cell references are allowed")

    return ev(tree)


class _Reader:
    """Typed access to the input cells of one workbook, collecting problems."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.problems: list[Problem] = []
        self.used: set[tuple[str, str]] = set()
        self._stack: set[tuple[str, str]] = set()

    def problem(self, sheet: str, coord: str, msg: str, hint: str | None = None) -> None:
        self.problems.append(Problem(msg, file=str(self.book.path), sheet=sheet, column=coord, hint=hint))

    def raw(self, sheet: str, coord: str) -> Any:
        """Constant value of an input cell (None if empty); formulas are evaluated safely."""
        self.used.add((sheet, coord))
        cell = self.book.cells(sheet).get(coord)
        if cell is None or cell.t == "":
            return None
        if not self.book.unlocked(sheet, coord):
            # a locked cell is computed by the template: never read
            return None
        if cell.t == "e":
            self.problem(sheet, coord, f"input cell holds the error value {cell.value}", "Enter a value.")
            return None
        if cell.t != "f":
            return cell.value
        return self._formula(sheet, coord, cell.value)

    def _formula(self, sheet: str, coord: str, text: str | None) -> Any:
        if text is None:
            self.problem(sheet, coord, "input cell holds a shared formula", "Replace it by a value.")
            return None
        key = (sheet, coord)
        if key in self._stack:
            self.problem(sheet, coord, "circular formula between input cells", "Replace it by a value.")
            return None
        self._stack.add(key)
        try:
            refs: list[float] = []

            def sub(m: re.Match[str]) -> str:
                sh = (m.group(1) or "").replace("''", "'") or m.group(2) or sheet
                ref = f"{m.group(3)}{m.group(4)}"
                if sh not in INPUT_SHEETS or not self.book.unlocked(sh, ref):
                    raise _FormulaError(f"it refers to {sh}!{ref}, which is not an input cell")
                val = self.raw(sh, ref)
                if val is None:
                    val = 0.0  # an empty cell counts as 0 in spreadsheet arithmetic
                if isinstance(val, bool) or not isinstance(val, int | float):
                    raise _FormulaError(f"it refers to {sh}!{ref}, which is not a number")
                refs.append(float(val))
                return f"__r{len(refs) - 1}"

            expr = _REF_RX.sub(sub, text.lstrip("=")).replace("^", "**")
            return _eval_arith(expr, refs)
        except (_FormulaError, SyntaxError, ZeroDivisionError, OverflowError) as exc:
            self.problem(
                sheet,
                coord,
                f"the formula '={text}' in this input cell cannot be used: {exc}",
                "Replace the formula by its value (computed cells of the template are never read).",
            )
            return None
        finally:
            self._stack.discard(key)

    def num(self, sheet: str, coord: str, default: float | None = None) -> float | None:
        v = self.raw(sheet, coord)
        if v is None or v == "":
            return default
        if isinstance(v, bool):
            self.problem(sheet, coord, f"expected a number, found {v}")
            return default
        if isinstance(v, str):
            try:
                return float(v.strip().replace(",", ""))
            except ValueError:
                self.problem(sheet, coord, f"expected a number, found text '{v}'", "Enter a number.")
                return default
        return float(v)

    def text(self, sheet: str, coord: str) -> str:
        v = self.raw(sheet, coord)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip() if isinstance(v, str) else str(v)

    def boolean(self, sheet: str, coord: str) -> bool | None:
        v = self.raw(sheet, coord)
        if v is None or v == "":
            return None
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v.strip().upper() in ("TRUE", "FALSE", "WAHR", "FALSCH"):
            return v.strip().upper() in ("TRUE", "WAHR")
        if isinstance(v, float):
            return bool(v)
        self.problem(sheet, coord, f"expected TRUE or FALSE, found '{v}'")
        return None

    def date(self, sheet: str, coord: str) -> _dt.date | None:
        v = self.raw(sheet, coord)
        if v is None or v == "":
            return None
        if isinstance(v, float):
            base = _dt.date(1904, 1, 1) if self.book.date1904 else _dt.date(1899, 12, 30)
            return base + _dt.timedelta(days=int(v))
        try:
            from carbon.units import parse_date

            return parse_date(v)
        except Exception:
            self.problem(sheet, coord, f"cannot read the date '{v}'", "Enter a date, e.g. 2026-01-01.")
            return None


def _pct(v: float | None, default: float) -> float:
    return default if v is None else v / 100.0


def _country_codes(book: _Book) -> dict[str, tuple[str, str]]:
    """English country name (lower case) -> (ISO code, name) from c_CodeLists/Translations."""
    try:
        codes = book.cells("c_CodeLists", frozenset({"F", "G"}))
        trans = book.cells("Translations", frozenset({"C"}))
    except InputError:
        return {}
    out: dict[str, str] = {}
    for coord, cell in codes.items():
        col, row = _col_row(coord)
        if col != "F" or cell.t != "s" or row < 11:
            continue
        name_cell = codes.get(f"G{row}")
        if name_cell is None:
            continue
        name = name_cell.value
        if name_cell.t == "f" and name_cell.value:
            m = re.fullmatch(r"Translations!\$?B\$?(\d+)", name_cell.value)
            eng = trans.get(f"C{m.group(1)}") if m else None
            name = eng.value if eng is not None and eng.t == "s" else None
        if isinstance(name, str) and cell.value and len(cell.value) == 2:
            out[name.strip().lower()] = (cell.value, name.strip())
    return out


def _goods_categories(book: _Book) -> list[str]:
    """The template's aggregated goods categories, exactly as spelled (``CONST_LIST_Goods``)."""
    try:
        wbx = book.zf.read("xl/workbook.xml").decode("utf-8")
        m = re.search(
            r'<definedName name="CONST_LIST_Goods">Parameters_Constants!\$?([A-Z]+)\$?(\d+):\$?[A-Z]+\$?(\d+)<', wbx
        )
        if not m:
            return []
        pc = book.cells("Parameters_Constants", frozenset({m.group(1)}))
        trans = book.cells("Translations", frozenset({"C"}))
    except InputError:
        return []
    out = []
    for row in range(int(m.group(2)), int(m.group(3)) + 1):
        cell = pc.get(f"{m.group(1)}{row}")
        if cell is None:
            continue
        value = cell.value
        if cell.t == "f" and value:
            ref = re.fullmatch(r"Translations!\$?B\$?(\d+)", value)
            eng = trans.get(f"C{ref.group(1)}") if ref else None
            value = eng.value if eng is not None else None
        if isinstance(value, str):
            out.append(value)
    return out


# --------------------------------------------------------------------------------------
# read
# --------------------------------------------------------------------------------------
def read_template(path: str | Path) -> CbamInput:
    """Read a filled CBAM Communication template (v2.1.x) into a :class:`CbamInput`.

    Only input cells are read (see the module docstring); the template's own results
    (SEE, totals, summaries) are ignored and recomputed by :func:`carbon.cbam.calculate`.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` file based on the Commission template v2.1.x.

    Returns
    -------
    CbamInput

    Raises
    ------
    InputError
        Listing every unreadable input cell (sheet and cell).

    References
    ----------
    Commission "CBAM Communication template for installations" v2.1.1 (2024-12-13);
    IR (EU) 2025/2547 Annex IV (content of the communication).
    """
    path = Path(path)
    book = _Book(path)
    try:
        return _read(book)
    finally:
        book.close()


def _read(book: _Book) -> CbamInput:
    r = _Reader(book)
    # --- A_InstData
    inst_vals = {f: r.text(A, f"I{19 + i}") for i, f in enumerate(INST_FIELDS)}
    country = inst_vals["country"]
    code = ""
    if country:
        if len(country) == 2 and country.isupper():
            code = country
        else:
            code = _country_codes(book).get(country.lower(), ("", ""))[0]
    installation = Installation(country_code=code, **inst_vals)
    if not installation.name:
        installation = Installation(**{**installation.__dict__, "name": installation.name_local})
    period_start, period_end = r.date(A, "I9"), r.date(A, "L9")

    proc_names: list[str] = []
    proc_cats: list[str] = []
    for n in range(1, N_PROC + 1):
        row = 82 + n
        proc_cats.append(r.text(A, f"E{row}"))
        proc_names.append(r.text(A, f"L{row}") or (f"P{n}" if proc_cats[-1] else ""))
    prec_names: list[str] = []
    prec_cats: list[str] = []
    prec_countries: list[str] = []
    for n in range(1, N_PREC + 1):
        row = 101 + n
        prec_cats.append(r.text(A, f"E{row}"))
        prec_names.append(r.text(A, f"L{row}") or (f"PP{n}" if prec_cats[-1] else ""))
        prec_countries.append(r.text(A, f"F{row}"))

    # --- B_EmInst
    streams: list[SourceStream] = []
    for row in SS_ROWS:
        method_txt = r.text(B, f"D{row}")
        if not method_txt:
            continue
        method = TPL_TO_METHOD.get(method_txt.lower())
        if method is None:
            r.problem(
                B, f"D{row}", f"unknown method '{method_txt}'", "Use Combustion, Process emissions or Mass Balance."
            )
            continue
        unit = r.text(B, f"G{row}") or "t"
        ef_unit = r.text(B, f"K{row}") or "tCO2/TJ"
        streams.append(
            SourceStream(
                name=r.text(B, f"E{row}") or f"Source stream {row - 16}",
                method=method,
                activity=r.num(B, f"F{row}", 0.0),
                activity_unit=unit,
                ncv=r.num(B, f"H{row}"),
                emission_factor=r.num(B, f"J{row}"),
                ef_unit=ef_unit,
                carbon_content=r.num(B, f"L{row}"),
                oxidation_factor=_pct(r.num(B, f"N{row}"), 1.0),
                conversion_factor=_pct(r.num(B, f"P{row}"), 1.0),
                biomass_fraction=_pct(r.num(B, f"R{row}"), 0.0),
                non_sustainable_biomass_fraction=_pct(r.num(B, f"T{row}"), 0.0),
            )
        )
    pfcs: list[PFC] = []
    for row in PFC_ROWS:
        m_txt = r.text(B, f"D{row}")
        if not m_txt:
            continue
        method = TPL_TO_PFC.get(m_txt.lower())
        if method is None:
            r.problem(B, f"D{row}", f"unknown PFC method '{m_txt}'", "Use Slope method or Overvoltage method.")
            continue
        tech = r.text(B, f"E{row}")
        pfcs.append(
            PFC(
                name=tech or f"PFC {row - 97}",
                method=method,
                technology=tech,
                primary_aluminium_t=r.num(B, f"F{row}", 0.0),
                frequency=r.num(B, f"AG{row}"),
                duration=r.num(B, f"AH{row}"),
                sef_cf4=r.num(B, f"AI{row}"),
                aeo_mv=r.num(B, f"AJ{row}"),
                current_efficiency_pct=r.num(B, f"AK{row}"),
                ovc=r.num(B, f"AL{row}"),
                f_c2f6=r.num(B, f"AM{row}", 0.0),
                collection_efficiency=r.num(B, f"AT{row}", 1.0),
            )
        )
    cems: list[EmissionSource] = []
    for row in CEMS_ROWS:
        gas = r.text(B, f"E{row}")
        name = r.text(B, f"D{row}")
        if not gas and not name:
            continue
        if gas not in ("CO2", "N2O"):
            r.problem(B, f"E{row}", f"unknown gas '{gas}' for a measurement-based source", "Use CO2 or N2O.")
            continue
        cems.append(
            EmissionSource(
                name=name or f"Emission source {row - 112}",
                gas=gas,
                concentration_g_per_nm3=r.num(B, f"V{row}"),
                hours=r.num(B, f"X{row}"),
                flue_gas_1000nm3_per_h=r.num(B, f"Z{row}"),
                biomass_fraction=_pct(r.num(B, f"R{row}"), 0.0),
            )
        )
    reported_indirect = r.num(C, "M26")

    # --- D_Processes
    uses: dict[str, list[PrecursorUse]] = {}
    proc_data: list[dict[str, Any]] = []
    for n in range(1, N_PROC + 1):
        name = proc_names[n - 1]
        if not name:
            continue
        h = dblock(n)
        production = _routes([r.num(D, f"L{h + 5 + i}") for i in range(8)])
        for j in range(1, N_PROC):
            m = j if j < n else j + 1
            qty = r.num(D, f"L{h + 20 + j}")
            if qty and proc_names[m - 1]:
                uses.setdefault(proc_names[m - 1], []).append(PrecursorUse(name, qty))
            elif qty:
                r.problem(D, f"L{h + 20 + j}", f"quantity consumed in process P{m}, which is not defined")
        heat_rel = r.boolean(D, f"K{h + 39}")
        wg_rel = r.boolean(D, f"L{h + 39}")
        heat: list[HeatFlow] = []
        if heat_rel is not False:
            for col, direction in (("L", "import"), ("M", "export")):
                q = r.num(D, f"{col}{h + 46}")
                if q:
                    heat.append(HeatFlow(direction, q, r.num(D, f"{col}{h + 47}", 0.0)))
        wgs: list[WasteGas] = []
        if wg_rel is not False:
            for col, direction in (("L", "import"), ("M", "export")):
                q = r.num(D, f"{col}{h + 50}")
                if q:
                    wgs.append(WasteGas(direction, q, r.num(D, f"{col}{h + 51}")))
        el_mwh = r.num(D, f"L{h + 54}")
        el_ef = r.num(D, f"L{h + 55}")
        el = None
        if el_mwh is not None or el_ef is not None:
            el = Electricity(el_mwh or 0.0, el_ef or 0.0, r.text(D, f"L{h + 56}"), country=code)
        ex_mwh = r.num(D, f"L{h + 60}")
        el_prod = Electricity(ex_mwh, r.num(D, f"L{h + 61}", 0.0), "") if ex_mwh else None
        proc_data.append(
            dict(
                name=name,
                category=proc_cats[n - 1],
                production_t=production,
                produced_for_market_t=r.num(D, f"L{h + 16}"),
                other_uses_t=r.num(D, f"L{h + 30}"),
                heat_relevant=heat_rel,
                waste_gas_relevant=wg_rel,
                direct_emissions_t=r.num(D, f"L{h + 43}", 0.0),
                heat=tuple(heat),
                waste_gases=tuple(wgs),
                electricity=el,
                electricity_produced=el_prod,
            )
        )

    # --- E_PurchPrec
    precursors: list[Precursor] = []
    for n in range(1, N_PREC + 1):
        name = prec_names[n - 1]
        if not name:
            continue
        h = eblock(n)
        for m in range(1, N_PROC + 1):
            qty = r.num(E, f"L{h + 13 + m}")
            if qty and proc_names[m - 1]:
                uses.setdefault(proc_names[m - 1], []).append(PrecursorUse(name, qty))
            elif qty:
                r.problem(E, f"L{h + 13 + m}", f"quantity consumed in process P{m}, which is not defined")
        ctry = prec_countries[n - 1]
        precursors.append(
            Precursor(
                name=name,
                category=prec_cats[n - 1],
                country=ctry,
                see_direct=r.num(E, f"L{h + 35}", 0.0),
                see_direct_source=_value_source(r.text(E, f"M{h + 35}")),
                specific_electricity_mwh_per_t=r.num(E, f"L{h + 36}"),
                specific_electricity_source=_value_source(r.text(E, f"M{h + 36}")),
                electricity_ef=r.num(E, f"L{h + 37}"),
                electricity_ef_source=r.text(E, f"M{h + 37}"),
                purchased_t=_routes([r.num(E, f"L{h + 3 + i}") for i in range(8)]),
                other_uses_t=r.num(E, f"L{h + 24}"),
                zero_rated=is_zero_rated_origin(ctry),
            )
        )

    processes = tuple(ProductionProcess(precursors=tuple(uses.get(d["name"], ())), **d) for d in proc_data)

    # --- Summary_Products (input columns D, F, H)
    goods: list[Good] = []
    for row in PRODUCT_ROWS:
        pname = r.text(S, f"D{row}")
        cn = r.text(S, f"F{row}")
        if not pname and not cn:
            continue
        if not pname or not cn:
            r.problem(
                S, f"{'D' if not pname else 'F'}{row}", "a product row needs both the process name and the CN code"
            )
            continue
        goods.append(Good(cn_code=normalise_cn(cn), process=pname, name=r.text(S, f"H{row}")))

    # --- every other input cell, kept verbatim for writing back
    extra: dict[str, Any] = {}
    for sheet in INPUT_SHEETS:
        for coord in book.cells(sheet):
            if (sheet, coord) in r.used or not book.unlocked(sheet, coord):
                continue
            before = len(r.problems)
            v = r.raw(sheet, coord)
            if len(r.problems) > before:  # unusable formula in a cell we do not need: drop it
                del r.problems[before:]
                continue
            if v is not None and v != "":
                extra[f"{sheet}!{coord}"] = v
    if r.problems:
        raise InputError(r.problems)
    return CbamInput(
        installation=installation,
        period_start=period_start,
        period_end=period_end,
        source_streams=tuple(streams),
        emission_sources=tuple(cems),
        pfc=tuple(pfcs),
        processes=processes,
        precursors=tuple(precursors),
        goods=tuple(goods),
        reported_indirect_t=reported_indirect,
        extra_cells=MappingProxyType(extra),
        source_file=str(book.path),
    )


def _routes(values: list[float | None]) -> tuple[float, ...]:
    """Per-route amounts up to the last filled route (empty cells inside count as 0)."""
    while values and values[-1] is None:
        values = values[:-1]
    return tuple(0.0 if v is None else v for v in values)


def _trim(values: tuple[float, ...]) -> tuple[float, ...]:
    """Drop trailing zero routes (a value in a route row without a route is a template error)."""
    out = list(values)
    while len(out) > 1 and not out[-1]:
        out.pop()
    return tuple(out)


def _value_source(text: str) -> str:
    t = text.strip().lower()
    return t if t in ("measured", "default", "unknown") else ("measured" if not t else "unknown")


# --------------------------------------------------------------------------------------
# write
# --------------------------------------------------------------------------------------
def input_cells(
    cbam_input: CbamInput,
    result: Any = None,
    countries: Mapping[str, tuple[str, str]] | None = None,
    categories: list[str] | None = None,
) -> dict[tuple[str, str], Any]:
    """Map a :class:`CbamInput` onto template input cells.

    Parameters
    ----------
    cbam_input : CbamInput
    result : CbamResult, optional
        Used for DirEm* of processes whose direct emissions are computed from source
        shares, and for the installation's indirect emissions (C_Emissions&Energy M26).
    countries : mapping, optional
        Lower-case country name -> (ISO-2 code, name) of the template's code list; used to
        write the installation's country as a list name and precursor origins as codes.
    categories : list of str, optional
        The template's aggregated goods categories as spelled in its list (one of them has
        a trailing space); categories are matched ignoring case and outer spaces.

    Returns
    -------
    dict
        ``(sheet, cell) -> value`` (str, float, bool or date).
    """
    inp = cbam_input
    cells: dict[tuple[str, str], Any] = {}
    problems: list[Problem] = []

    def put(sheet: str, coord: str, value: Any) -> None:
        if value is None or value == "":
            return
        cells[(sheet, coord)] = value

    if len(inp.processes) > N_PROC:
        problems.append(Problem(f"{len(inp.processes)} production processes; the template holds {N_PROC}"))
    if len(inp.precursors) > N_PREC:
        problems.append(Problem(f"{len(inp.precursors)} purchased precursors; the template holds {N_PREC}"))
    for what, items, cap in (
        ("source streams", inp.source_streams, len(SS_ROWS)),
        ("PFC rows", inp.pfc, len(PFC_ROWS)),
        ("measurement sources", inp.emission_sources, len(CEMS_ROWS)),
        ("goods", inp.goods, len(PRODUCT_ROWS)),
    ):
        if len(items) > cap:
            problems.append(Problem(f"{len(items)} {what}; the template holds {cap}"))
    if problems:
        raise InputError(problems)

    # extra cells first, so that modelled values win
    for key, value in inp.extra_cells.items():
        sheet, _, coord = key.rpartition("!")
        put(sheet, coord, value)

    countries = countries or {}
    by_code = {code: name for code, name in countries.values()}
    spelled = {c.strip().lower(): c for c in (categories or [])}

    def as_category(cat: str, where: str) -> str:
        if not cat or not spelled:
            return cat
        exact = spelled.get(cat.strip().lower())
        if exact is None:
            from carbon.errors import did_you_mean

            problems.append(
                Problem(
                    f"{where}: '{cat}' is not an aggregated goods category of the template",
                    hint=did_you_mean(cat, [c.strip() for c in spelled.values()]) or None,
                )
            )
            return cat
        return exact

    def as_code(country: str) -> str:
        if len(country) == 2 or not country:
            return country.upper()
        return countries.get(country.lower(), (country, ""))[0]

    ins = inp.installation
    put(A, "I9", inp.period_start)
    put(A, "L9", inp.period_end)
    for i, f in enumerate(INST_FIELDS):
        value = getattr(ins, f)
        if f == "country":
            if len(value) == 2 and value.upper() in by_code:
                value = by_code[value.upper()]
            elif not value and ins.country_code:
                value = by_code.get(ins.country_code.upper(), ins.country_code)
        put(A, f"I{19 + i}", value)
    cats: list[str] = []
    for item in (*inp.processes, *inp.precursors):
        cat = as_category(item.category, f"'{item.name}'")
        if cat and cat not in cats:
            cats.append(cat)
    if problems:
        raise InputError(problems)
    existing = [inp.extra_cells.get(f"{A}!E{62 + i}") for i in range(10)]
    if not all(c in existing for c in cats):
        for i, cat in enumerate(cats[:10]):
            put(A, f"E{62 + i}", cat)
    for n, p in enumerate(inp.processes, start=1):
        put(A, f"E{82 + n}", as_category(p.category, p.name))
        if (A, f"F{82 + n}") not in cells:
            put(A, f"F{82 + n}", ONLY_DIRECT)
        put(A, f"L{82 + n}", p.name)
    for n, q in enumerate(inp.precursors, start=1):
        put(A, f"E{101 + n}", as_category(q.category, q.name))
        put(A, f"F{101 + n}", as_code(q.country))
        put(A, f"L{101 + n}", q.name)

    for row, s in zip(SS_ROWS, inp.source_streams, strict=False):
        if s.activity_unit == "TJ":
            raise InputError(
                [
                    Problem(
                        f"source stream '{s.name}' has activity in TJ; the template accepts t or 1000Nm3",
                        hint="Enter the quantity and its NCV.",
                    )
                ]
            )
        put(B, f"D{row}", METHOD_TO_TPL[s.method])
        put(B, f"E{row}", s.name)
        put(B, f"F{row}", s.activity)
        put(B, f"G{row}", s.activity_unit)
        put(B, f"H{row}", s.ncv)
        if s.method != "mass_balance":
            put(B, f"J{row}", s.emission_factor)
            put(B, f"K{row}", s.ef_unit)
        put(B, f"L{row}", s.carbon_content)
        if s.method == "combustion":
            put(B, f"N{row}", s.oxidation_factor * 100.0)
        if s.method == "process":
            put(B, f"P{row}", s.conversion_factor * 100.0)
        put(B, f"R{row}", s.biomass_fraction * 100.0)
        if s.non_sustainable_biomass_fraction:
            put(B, f"T{row}", s.non_sustainable_biomass_fraction * 100.0)
    for row, p in zip(PFC_ROWS, inp.pfc, strict=False):
        put(B, f"D{row}", PFC_TO_TPL[p.method])
        put(B, f"E{row}", p.technology or p.name)
        put(B, f"F{row}", p.primary_aluminium_t)
        if p.method == "slope":
            if p.frequency is None and p.aem is not None:
                put(B, f"AG{row}", p.aem)
                put(B, f"AH{row}", 1.0)
            else:
                put(B, f"AG{row}", p.frequency)
                put(B, f"AH{row}", p.duration)
            put(B, f"AI{row}", p.sef_cf4)
        else:
            put(B, f"AJ{row}", p.aeo_mv)
            put(B, f"AK{row}", p.current_efficiency_pct)
            put(B, f"AL{row}", p.ovc)
        put(B, f"AM{row}", p.f_c2f6)
        put(B, f"AT{row}", p.collection_efficiency)
    for row, e in zip(CEMS_ROWS, inp.emission_sources, strict=False):
        put(B, f"D{row}", e.name)
        put(B, f"E{row}", e.gas)
        put(B, f"R{row}", e.biomass_fraction * 100.0)
        if e.mass_t is not None and e.concentration_g_per_nm3 is None:
            # the template has no annual-mass field: 1 h x mass [t] x 1000 / (1 x 1000 Nm3/h)
            put(B, f"V{row}", e.mass_t)
            put(B, f"X{row}", 1.0)
            put(B, f"Z{row}", 1000.0)
        else:
            put(B, f"V{row}", e.concentration_g_per_nm3)
            put(B, f"X{row}", e.hours)
            put(B, f"Z{row}", e.flue_gas_1000nm3_per_h)
    indirect = inp.reported_indirect_t
    if indirect is None and result is not None:
        indirect = result.installation.indirect_t
    put(C, "M26", indirect)

    computed_dir: dict[str, float] = {}
    if result is not None:
        computed_dir = {p.name: p.direct_emissions_t for p in result.processes}
    for n, p in enumerate(inp.processes, start=1):
        h = dblock(n)
        prod = _trim(p.production_t or (0.0,))
        if len(prod) > 8:
            raise InputError([Problem(f"process '{p.name}' has {len(prod)} routes; the template holds 8")])
        for i, v in enumerate(prod):
            put(D, f"L{h + 5 + i}", v)
        other = p.other_uses_t if p.other_uses_t is not None else 0.0
        internal = sum(u.mass_t for c in inp.processes if c is not p for u in c.precursors if u.precursor == p.name)
        market = p.produced_for_market_t
        if market is None:  # what is not consumed inside the installation leaves it
            market = max(0.0, sum(prod) - internal - other)
        put(D, f"L{h + 16}", market)
        put(D, f"L{h + 30}", other)
        heat_rel = p.heat_relevant if p.heat_relevant is not None else bool(p.heat)
        wg_rel = p.waste_gas_relevant if p.waste_gas_relevant is not None else bool(p.waste_gases)
        cells[(D, f"K{h + 39}")] = heat_rel
        cells[(D, f"L{h + 39}")] = wg_rel
        dir_star = p.direct_emissions_t
        if dir_star is None:
            if p.name not in computed_dir:
                from .engine import calculate

                computed_dir = {x.name: x.direct_emissions_t for x in calculate(inp).processes}
            dir_star = computed_dir[p.name]
        put(D, f"L{h + 43}", dir_star)
        for col, direction in (("L", "import"), ("M", "export")):
            flows = [x for x in p.heat if x.direction == direction]
            q = sum(x.amount_tj for x in flows)
            if flows:
                put(D, f"{col}{h + 46}", q)
                put(D, f"{col}{h + 47}", sum(x.amount_tj * x.emission_factor for x in flows) / q if q else 0.0)
            elif heat_rel:
                put(D, f"{col}{h + 46}", 0.0)
                put(D, f"{col}{h + 47}", 0.0)
            wgs = [x for x in p.waste_gases if x.direction == direction]
            q = sum(x.amount_tj for x in wgs)
            if wgs:
                put(D, f"{col}{h + 50}", q)
                efs = [x for x in wgs if x.emission_factor is not None]
                if efs and q:
                    put(D, f"{col}{h + 51}", sum(x.amount_tj * x.emission_factor for x in efs) / q)
            elif wg_rel:
                put(D, f"{col}{h + 50}", 0.0)
                put(D, f"{col}{h + 51}", 0.0)
        if p.electricity is not None:
            put(D, f"L{h + 54}", p.electricity.mwh)
            put(D, f"L{h + 55}", p.electricity.emission_factor)
            put(D, f"L{h + 56}", p.electricity.ef_source)
        if p.electricity_produced is not None:
            put(D, f"L{h + 60}", p.electricity_produced.mwh)
            put(D, f"L{h + 61}", p.electricity_produced.emission_factor)
        else:
            put(D, f"L{h + 60}", 0.0)
        # this process's output consumed in other processes (rows skip the process itself)
        for j in range(1, N_PROC):
            m = j if j < n else j + 1
            if m <= len(inp.processes):
                consumer = inp.processes[m - 1]
                qty = sum(u.mass_t for u in consumer.precursors if u.precursor == p.name)
                put(D, f"L{h + 20 + j}", qty)
    for n, q in enumerate(inp.precursors, start=1):
        h = eblock(n)
        bought = q.purchased_t
        if not bought:
            bought = (sum(u.mass_t for p in inp.processes for u in p.precursors if u.precursor == q.name),)
        for i, v in enumerate(_trim(bought)[:8]):
            put(E, f"L{h + 3 + i}", v)
        for m, consumer in enumerate(inp.processes, start=1):
            qty = sum(u.mass_t for u in consumer.precursors if u.precursor == q.name)
            put(E, f"L{h + 13 + m}", qty)
        put(E, f"L{h + 24}", q.other_uses_t if q.other_uses_t is not None else 0.0)
        put(E, f"L{h + 35}", q.see_direct)
        put(E, f"M{h + 35}", SOURCE_TO_TPL.get(q.see_direct_source, "Unknown"))
        spec, ef = q.specific_electricity_mwh_per_t, q.electricity_ef
        if spec is None and q.see_indirect_value is not None:
            spec, ef = 1.0, q.see_indirect_value  # template field is spec. electricity x EF
        put(E, f"L{h + 36}", spec)
        if spec is not None:
            put(E, f"M{h + 36}", SOURCE_TO_TPL.get(q.specific_electricity_source, "Unknown"))
        put(E, f"L{h + 37}", ef)
        put(E, f"M{h + 37}", q.electricity_ef_source or None)
    for row, g in zip(PRODUCT_ROWS, inp.goods, strict=False):
        put(S, f"D{row}", g.process)
        put(S, f"F{row}", normalise_cn(g.cn_code))
        put(S, f"H{row}", g.name)
    return cells


_CELL_RX = re.compile(r'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_ROW_RX = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_ATTR_S = re.compile(r'\bs="(\d+)"')


def _xml_text(s: str) -> str:
    s = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(coord: str, style: str | None, value: Any, date1904: bool) -> str:
    s = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{coord}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{coord}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        base = _dt.date(1904, 1, 1) if date1904 else _dt.date(1899, 12, 30)
        return f'<c r="{coord}"{s}><v>{(value - base).days}</v></c>'
    if isinstance(value, int | float):
        x = float(value)
        if x != x or x in (float("inf"), float("-inf")):
            raise CalculationError(f"cannot write {value} into cell {coord}")
        text = str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
        return f'<c r="{coord}"{s}><v>{text}</v></c>'
    return f'<c r="{coord}"{s} t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>'


def _patch_sheet(xml: str, updates: Mapping[str, Any], unlocked: set[int], sheet: str, date1904: bool) -> str:
    """Replace the <c> elements of ``updates`` (coord -> value) in a sheet XML string."""
    by_row: dict[int, dict[str, Any]] = {}
    for coord, v in updates.items():
        col, row = _col_row(coord)
        by_row.setdefault(row, {})[col] = v
    pieces: list[str] = []
    last = 0
    done: set[str] = set()
    for rm in _ROW_RX.finditer(xml):
        row = int(rm.group(1))
        if row not in by_row:
            continue
        want = by_row[row]
        text = rm.group(0)
        out: list[str] = []
        pos = 0
        for cm in _CELL_RX.finditer(text):
            col = cm.group(1)
            if col not in want:
                continue
            old = cm.group(0)
            sm = _ATTR_S.search(old[: old.index(">") + 1])
            style = sm.group(1) if sm else None
            if style is None or int(style) not in unlocked:
                raise CalculationError(
                    f"{sheet}!{col}{row} is not an input cell of this template (it is locked); refusing to write it"
                )
            out.append(text[pos : cm.start()])
            out.append(_cell_xml(f"{col}{row}", style, want[col], date1904))
            pos = cm.end()
            done.add(f"{col}{row}")
        out.append(text[pos:])
        pieces.append(xml[last : rm.start()])
        pieces.append("".join(out))
        last = rm.end()
    pieces.append(xml[last:])
    missing = sorted(set(updates) - done, key=lambda c: (_col_row(c)[1], _col_num(_col_row(c)[0])))
    if missing:
        raise CalculationError(
            f"cells {', '.join(missing[:10])} of sheet '{sheet}' do not exist in the blank template, so they are not "
            "input cells; the template version may differ from v2.1.x"
        )
    return "".join(pieces)


def write_template(
    cbam_input: CbamInput,
    result: Any,
    out_path: str | Path,
    blank: str | Path | None = None,
    recalc_on_load: bool = True,
) -> Path:
    """Fill a copy of the official blank Communication template with the input data.

    Only the XML ``<c>`` elements of unlocked input cells in the input sheets are changed;
    every other part of the package is copied unchanged (formulas, protection, data
    validation, conditional formats, drawings, styles, shared strings).

    Parameters
    ----------
    cbam_input : CbamInput
    result : CbamResult or None
        Result of :func:`carbon.cbam.calculate` (supplies computed DirEm* and the
        installation's indirect emissions); computed on demand when ``None``.
    out_path : str or Path
        Where to write the ``.xlsx``.
    blank : str or Path, optional
        Blank template (default: the v2.1.1 copy in ``factors/sources/cbam/``).
    recalc_on_load : bool
        Also set ``fullCalcOnLoad="1"`` on ``<calcPr>`` in ``xl/workbook.xml`` so that the
        template's summaries are recomputed when opened.  With ``False`` every part other
        than the edited sheets is byte-identical to the blank.

    Returns
    -------
    Path
        ``out_path``.
    """
    blank = Path(blank) if blank else BLANK_TEMPLATE
    out_path = Path(out_path)
    book = _Book(blank)
    try:
        cells = input_cells(cbam_input, result, _country_codes(book), _goods_categories(book))
        by_sheet: dict[str, dict[str, Any]] = {}
        for (sheet, coord), v in cells.items():
            if sheet not in INPUT_SHEETS:
                raise CalculationError(f"refusing to write {sheet}!{coord}: '{sheet}' is not an input sheet")
            by_sheet.setdefault(sheet, {})[coord] = v
        new_parts: dict[str, bytes] = {}
        for sheet, updates in by_sheet.items():
            part = book.parts[sheet]
            xml = book.zf.read(part).decode("utf-8")
            new_parts[part] = _patch_sheet(xml, updates, book.unlocked_styles, sheet, book.date1904).encode("utf-8")
        if recalc_on_load:
            wb = book.zf.read("xl/workbook.xml").decode("utf-8")
            m = re.search(r"<calcPr\b[^>]*?/?>", wb)
            if m:
                tag = m.group(0)
                if "fullCalcOnLoad" in tag:
                    new = re.sub(r'fullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', tag)
                else:
                    new = tag.replace("<calcPr", '<calcPr fullCalcOnLoad="1"', 1)
                new_parts["xl/workbook.xml"] = (wb[: m.start()] + new + wb[m.end() :]).encode("utf-8")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zout:
            for info in book.zf.infolist():
                data = new_parts.get(info.filename)
                if data is None:
                    data = book.zf.read(info.filename)
                zout.writestr(info, data, compress_type=info.compress_type)
    finally:
        book.close()
    with tempfile.NamedTemporaryFile(dir=out_path.parent, delete=False, suffix=".xlsx") as tmp:
        tmp.write(buf.getvalue())
    shutil.move(tmp.name, out_path)
    return out_path
