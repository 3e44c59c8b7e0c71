"""Read a filled CBAM Communication template v2.1.x: input cells only.

Values are taken **only from input cells** - cells that are unlocked in the protected
input sheets - at the coordinates of :mod:`carbon.formats.cbam_template.cells`.  Computed
cells and cached formula results are never read.  An input cell that holds a formula typed
by the operator (the Commission's own examples do this, e.g. ``=((17000+8200)*3.5)/H17``)
is evaluated by a restricted evaluator that only knows numbers, ``+ - * / ^``, parentheses
and references to other *input* cells; anything else is reported as an input error.
"""

from __future__ import annotations

import ast
import datetime as _dt
import operator
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any, overload

from carbon.cbam.engine import is_zero_rated_origin
from carbon.cbam.goods import normalise_cn
from carbon.cbam.model import (
    PFC,
    CbamInput,
    Direction,
    Electricity,
    EmissionSource,
    Good,
    HeatFlow,
    Installation,
    Precursor,
    PrecursorUse,
    ProductionProcess,
    SourceStream,
    ValueSource,
    WasteGas,
)
from carbon.errors import CalculationError, InputError, Problem
from carbon.formats.safety import check_spreadsheet
from carbon.formats.xlsx_package import Book

from . import cells as M
from .codelists import country_codes

__all__ = ["read_template"]

_TPL_TO_METHOD = {v.lower(): k for k, v in M.METHOD_TO_TPL.items()}
_TPL_TO_PFC = {v.lower(): k for k, v in M.PFC_TO_TPL.items()}
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


class _FormulaError(ValueError):
    """A formula in an input cell that the restricted evaluator refuses."""


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
        msg = "only numbers, + - * / ^, parentheses and cell references are allowed"
        raise _FormulaError(msg)

    return ev(tree)


class _Reader:
    """Typed access to the input cells of one workbook, collecting problems."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.problems: list[Problem] = []
        self.used: set[tuple[str, str]] = set()
        self._stack: set[tuple[str, str]] = set()

    def problem(self, where: tuple[str, str], msg: str, hint: str | None = None) -> None:
        sheet, coord = where
        self.problems.append(Problem(msg, file=self.book.shown, sheet=sheet, column=coord, hint=hint))

    def raw(self, where: tuple[str, str]) -> Any:
        """Constant value of an input cell (None if empty); formulas are evaluated safely."""
        sheet, coord = where
        self.used.add(where)
        cell = self.book.cells(sheet).get(coord)
        if cell is None or cell.t == "" or not self.book.unlocked(sheet, coord):
            return None  # a locked cell is computed by the template: never read
        if cell.t == "e":
            self.problem(where, f"input cell holds the error value {cell.value}", "Enter a value.")
            return None
        return self._formula(where, cell.value) if cell.t == "f" else cell.value

    def _ref_value(self, sheet: str, m: re.Match[str], refs: list[float]) -> str:
        sh = (m.group(1) or "").replace("''", "'") or m.group(2) or sheet
        ref = f"{m.group(3)}{m.group(4)}"
        if sh not in M.INPUT_SHEETS or not self.book.unlocked(sh, ref):
            msg = f"it refers to {sh}!{ref}, which is not an input cell"
            raise _FormulaError(msg)
        val = self.raw((sh, ref))
        val = 0.0 if val is None else val  # an empty cell counts as 0 in spreadsheet arithmetic
        if isinstance(val, bool) or not isinstance(val, int | float):
            msg = f"it refers to {sh}!{ref}, which is not a number"
            raise _FormulaError(msg)
        refs.append(float(val))
        return f"__r{len(refs) - 1}"

    def _formula(self, where: tuple[str, str], text: str | None) -> Any:
        if text is None:
            self.problem(where, "input cell holds a shared formula", "Replace it by a value.")
            return None
        if where in self._stack:
            self.problem(where, "circular formula between input cells", "Replace it by a value.")
            return None
        self._stack.add(where)
        try:
            refs: list[float] = []
            expr = _REF_RX.sub(lambda m: self._ref_value(where[0], m, refs), text.lstrip("=")).replace("^", "**")
            return _eval_arith(expr, refs)
        except (_FormulaError, SyntaxError, ZeroDivisionError, OverflowError) as exc:
            self.problem(
                where,
                f"the formula '={text}' in this input cell cannot be used: {exc}",
                "Replace the formula by its value (computed cells of the template are never read).",
            )
            return None
        finally:
            self._stack.discard(where)

    @overload
    def num(self, where: tuple[str, str], default: float) -> float: ...
    @overload
    def num(self, where: tuple[str, str], default: None = None) -> float | None: ...
    def num(self, where: tuple[str, str], default: float | None = None) -> float | None:
        """The number in ``where``: ``default`` when blank, or when not a number (then a problem is recorded)."""
        v = self.raw(where)
        if v is None or v == "":
            return default
        if isinstance(v, bool):
            self.problem(where, f"expected a number, found {v}")
            return default
        if isinstance(v, str):
            try:
                return float(v.strip().replace(",", ""))
            except ValueError:
                self.problem(where, f"expected a number, found text '{v}'", "Enter a number.")
                return default
        return float(v)

    def pct(self, where: tuple[str, str], default: float) -> float:
        v = self.num(where)
        return default if v is None else v / 100.0

    def text(self, where: tuple[str, str]) -> str:
        v = self.raw(where)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip() if isinstance(v, str) else str(v)

    def boolean(self, where: tuple[str, str]) -> bool | None:
        v = self.raw(where)
        if v is None or v == "":
            return None
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v.strip().upper() in ("TRUE", "FALSE", "WAHR", "FALSCH"):
            return v.strip().upper() in ("TRUE", "WAHR")
        if isinstance(v, float):
            return bool(v)
        self.problem(where, f"expected TRUE or FALSE, found '{v}'")
        return None

    def date(self, where: tuple[str, str]) -> _dt.date | None:
        v = self.raw(where)
        if v is None or v == "":
            return None
        if isinstance(v, float):
            base = _dt.date(1904, 1, 1) if self.book.date1904 else _dt.date(1899, 12, 30)
            return base + _dt.timedelta(days=int(v))
        from carbon.units import parse_date

        try:
            return parse_date(v)
        except (ValueError, TypeError, InputError, CalculationError):
            self.problem(where, f"cannot read the date '{v}'", "Enter a date, e.g. 2026-01-01.")
            return None

    def row_fields(self, table: M.Rows, row: int, defaults: dict[str, float]) -> dict[str, Any]:
        """Every field of one table row, typed by the kind of the cell map."""
        out: dict[str, Any] = {}
        for name, (_, kind) in table.fields.items():
            where = table.cell(row, name)
            if kind == "pct":
                out[name] = self.pct(where, defaults.get(name, 0.0))
            elif kind == "num":
                out[name] = self.num(where, defaults.get(name))
            else:
                out[name] = self.text(where)
        return out


def read_template(path: str | Path, name: str | None = None) -> CbamInput:
    """Read a filled CBAM Communication template (v2.1.x) into a :class:`~carbon.cbam.CbamInput`.

    Only input cells are read (see the module docstring); the template's own results
    (SEE, totals, summaries) are ignored and recomputed by :func:`carbon.cbam.calculate`.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` file based on the Commission template v2.1.x.
    name : str, optional
        Name of the file in messages (e.g. an upload's own name); default the path as given.

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
    shown = name or str(path)
    check_spreadsheet(path, shown)
    book = Book(path, shown)
    try:
        for sheet in M.INPUT_SHEETS:
            if sheet not in book.parts:
                msg = f"sheet '{sheet}' not found; this is not a CBAM Communication template v2.1.x"
                hint = "Use the Commission's template 'CBAM Communication template for installations'."
                raise InputError([Problem(msg, file=book.shown, sheet=sheet, hint=hint)])
        return _read(_Reader(book))
    finally:
        book.close()


def _installation(r: _Reader) -> Installation:
    vals = {f: r.text(where) for f, where in M.INSTALLATION.items()}
    country = vals["country"]
    code = ""
    if country:
        code = (
            country
            if len(country) == 2 and country.isupper()
            else country_codes(r.book).get(country.lower(), ("", ""))[0]
        )
    inst = Installation(country_code=code, **vals)
    return inst if inst.name else Installation(**{**inst.__dict__, "name": inst.name_local})


def _names(r: _Reader, table: M.Rows, prefix: str) -> list[tuple[str, str, str]]:
    """(name, category, country) of each listed process / purchased precursor ('' when unused)."""
    out = []
    for n in range(1, len(table.rows) + 1):
        cat = r.text(table.item(n, "category"))
        name = r.text(table.item(n, "name")) or (f"{prefix}{n}" if cat else "")
        country = r.text(table.item(n, "country")) if "country" in table.fields else ""
        out.append((name, cat, country))
    return out


def _source_streams(r: _Reader) -> list[SourceStream]:
    t = M.SOURCE_STREAM
    out = []
    for row in t.rows:
        method_txt = r.text(t.cell(row, "method"))
        if not method_txt:
            continue
        method = _TPL_TO_METHOD.get(method_txt.lower())
        if method is None:
            r.problem(
                t.cell(row, "method"),
                f"unknown method '{method_txt}'",
                "Use Combustion, Process emissions or Mass Balance.",
            )
            continue
        f = r.row_fields(t, row, {"activity": 0.0, "oxidation_factor": 1.0, "conversion_factor": 1.0})
        f.update(
            method=method,
            name=f["name"] or f"Source stream {row - t.rows[0] + 1}",
            activity_unit=f["activity_unit"] or "t",
            ef_unit=f["ef_unit"] or "tCO2/TJ",
        )
        out.append(SourceStream(**f))
    return out


def _pfc(r: _Reader) -> list[PFC]:
    t = M.PFC
    out = []
    for row in t.rows:
        m_txt = r.text(t.cell(row, "method"))
        if not m_txt:
            continue
        method = _TPL_TO_PFC.get(m_txt.lower())
        if method is None:
            r.problem(t.cell(row, "method"), f"unknown PFC method '{m_txt}'", "Use Slope method or Overvoltage method.")
            continue
        f = r.row_fields(t, row, {"primary_aluminium_t": 0.0, "f_c2f6": 0.0, "collection_efficiency": 1.0})
        f.update(method=method, name=f["technology"] or f"PFC {row - t.rows[0] + 1}")
        out.append(PFC(**f))
    return out


def _cems(r: _Reader) -> list[EmissionSource]:
    t = M.CEMS
    out = []
    for row in t.rows:
        gas, name = r.text(t.cell(row, "gas")), r.text(t.cell(row, "name"))
        if not gas and not name:
            continue
        if gas not in ("CO2", "N2O"):
            r.problem(t.cell(row, "gas"), f"unknown gas '{gas}' for a measurement-based source", "Use CO2 or N2O.")
            continue
        f = r.row_fields(t, row, {})
        f["name"] = name or f"Emission source {row - t.rows[0] + 1}"
        out.append(EmissionSource(**f))
    return out


def _routes(values: list[float | None]) -> tuple[float, ...]:
    """Per-route amounts up to the last filled route (empty cells inside count as 0)."""
    while values and values[-1] is None:
        values = values[:-1]
    return tuple(0.0 if v is None else v for v in values)


def _flows(r: _Reader, n: int, kind: str, relevant: bool | None) -> list[tuple[Direction, float, float | None]]:
    """(direction, amount [TJ], EF) of the heat or waste-gas flows of process ``n``."""
    if relevant is False:
        return []
    out: list[tuple[Direction, float, float | None]] = []
    directions: tuple[Direction, Direction] = ("import", "export")
    for direction in directions:
        q = r.num(M.PROCESS.cell(n, f"{kind}_{direction}_tj"))
        if q:
            out.append((direction, q, r.num(M.PROCESS.cell(n, f"{kind}_{direction}_ef"))))
    return out


def _consumed_in(r: _Reader, block: M.Block, n: int, name: str, proc_names: list[str], uses: dict) -> None:
    """Quantities of this process's / precursor's output consumed by the listed processes."""
    own = n if block is M.PROCESS else 0
    for j in range(1, block.length("consumed_in") + 1):
        m = j if own == 0 or j < own else j + 1  # process blocks skip the process itself
        where = block.cell(n, "consumed_in", j - 1)
        qty = r.num(where)
        if qty and m <= len(proc_names) and proc_names[m - 1]:
            uses.setdefault(proc_names[m - 1], []).append(PrecursorUse(name, qty))
        elif qty:
            r.problem(where, f"quantity consumed in process P{m}, which is not defined")


def _process(r: _Reader, n: int, name: str, category: str, country: str) -> dict[str, Any]:
    P = M.PROCESS
    heat_rel, wg_rel = r.boolean(P.cell(n, "heat_relevant")), r.boolean(P.cell(n, "waste_gas_relevant"))
    el_mwh, el_ef = r.num(P.cell(n, "electricity_mwh")), r.num(P.cell(n, "electricity_ef"))
    el = None
    if el_mwh is not None or el_ef is not None:
        el = Electricity(el_mwh or 0.0, el_ef or 0.0, r.text(P.cell(n, "electricity_ef_source")), country=country)
    ex_mwh = r.num(P.cell(n, "electricity_produced_mwh"))
    el_prod = Electricity(ex_mwh, r.num(P.cell(n, "electricity_produced_ef"), 0.0), "") if ex_mwh else None
    return dict(
        name=name,
        category=category,
        production_t=_routes([r.num(P.cell(n, "production_t", i)) for i in range(P.length("production_t"))]),
        produced_for_market_t=r.num(P.cell(n, "produced_for_market_t")),
        other_uses_t=r.num(P.cell(n, "other_uses_t")),
        heat_relevant=heat_rel,
        waste_gas_relevant=wg_rel,
        direct_emissions_t=r.num(P.cell(n, "direct_emissions_t"), 0.0),
        heat=tuple(HeatFlow(d, q, ef or 0.0) for d, q, ef in _flows(r, n, "heat", heat_rel)),
        waste_gases=tuple(WasteGas(d, q, ef) for d, q, ef in _flows(r, n, "waste_gas", wg_rel)),
        electricity=el,
        electricity_produced=el_prod,
    )


_VALUE_SOURCES: dict[str, ValueSource] = {"measured": "measured", "default": "default", "unknown": "unknown"}


def _value_source(text: str) -> ValueSource:
    t = text.strip().lower()
    return _VALUE_SOURCES.get(t, "measured" if not t else "unknown")


def _precursor(r: _Reader, n: int, name: str, category: str, country: str) -> Precursor:
    Q = M.PRECURSOR
    return Precursor(
        name=name,
        category=category,
        country=country,
        see_direct=r.num(Q.cell(n, "see_direct"), 0.0),
        see_direct_source=_value_source(r.text(Q.cell(n, "see_direct_source"))),
        specific_electricity_mwh_per_t=r.num(Q.cell(n, "specific_electricity_mwh_per_t")),
        specific_electricity_source=_value_source(r.text(Q.cell(n, "specific_electricity_source"))),
        electricity_ef=r.num(Q.cell(n, "electricity_ef")),
        electricity_ef_source=r.text(Q.cell(n, "electricity_ef_source")),
        purchased_t=_routes([r.num(Q.cell(n, "purchased_t", i)) for i in range(Q.length("purchased_t"))]),
        other_uses_t=r.num(Q.cell(n, "other_uses_t")),
        zero_rated=is_zero_rated_origin(country),
    )


def _goods(r: _Reader) -> list[Good]:
    t = M.PRODUCTS
    out = []
    for row in t.rows:
        pname, cn = r.text(t.cell(row, "process")), r.text(t.cell(row, "cn_code"))
        if not pname and not cn:
            continue
        if not pname or not cn:
            r.problem(
                t.cell(row, "cn_code" if pname else "process"),
                "a product row needs both the process name and the CN code",
            )
            continue
        try:
            code = normalise_cn(cn)
        except CalculationError as err:
            r.problem(t.cell(row, "cn_code"), str(err), "Enter the CN code with 4, 6 or 8 digits.")
            continue
        out.append(Good(cn_code=code, process=pname, name=r.text(t.cell(row, "name"))))
    return out


def _extra_cells(r: _Reader) -> dict[str, Any]:
    """Every other input cell, kept verbatim so that writing back loses nothing."""
    extra: dict[str, Any] = {}
    for sheet in M.INPUT_SHEETS:
        for coord in r.book.cells(sheet):
            if (sheet, coord) in r.used or not r.book.unlocked(sheet, coord):
                continue
            before = len(r.problems)
            v = r.raw((sheet, coord))
            if len(r.problems) > before:  # unusable formula in a cell we do not need: drop it
                del r.problems[before:]
                continue
            if v is not None and v != "":
                extra[f"{sheet}!{coord}"] = v
    return extra


def _read(r: _Reader) -> CbamInput:
    installation = _installation(r)
    period_start, period_end = r.date(M.PERIOD["start"]), r.date(M.PERIOD["end"])
    procs = _names(r, M.PROCESS_LIST, "P")
    precs = _names(r, M.PRECURSOR_LIST, "PP")
    proc_names = [p[0] for p in procs]
    streams, pfcs, cems = _source_streams(r), _pfc(r), _cems(r)
    reported_indirect = r.num(M.INDIRECT_EMISSIONS)
    uses: dict[str, list[PrecursorUse]] = {}
    proc_data = []
    for n, (name, cat, _) in enumerate(procs, start=1):
        if name:
            _consumed_in(r, M.PROCESS, n, name, proc_names, uses)
            proc_data.append(_process(r, n, name, cat, installation.country_code))
    precursors = []
    for n, (name, cat, country) in enumerate(precs, start=1):
        if name:
            _consumed_in(r, M.PRECURSOR, n, name, proc_names, uses)
            precursors.append(_precursor(r, n, name, cat, country))
    processes = tuple(ProductionProcess(precursors=tuple(uses.get(d["name"], ())), **d) for d in proc_data)
    goods = _goods(r)
    extra = _extra_cells(r)
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
        source_file=str(r.book.path),
    )


def read_cbam(path: str | Path, name: str | None = None) -> CbamInput:
    """Read a CBAM installation from our YAML/JSON format or a filled Communication template.

    The one entry point of the CLI, the reports and the app: ``.yaml``/``.yml``/``.json`` go
    to :func:`carbon.cbam.load_cbam_yaml`, anything else to :func:`read_template`.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        Name of the file in messages (e.g. an upload's own name).

    Returns
    -------
    CbamInput

    References
    ----------
    IR (EU) 2025/2547 Annex IV (content of the communication); Commission template v2.1.1.
    """
    from carbon.cbam.model import load_cbam_yaml

    if Path(path).suffix.lower() in (".yaml", ".yml", ".json"):
        return load_cbam_yaml(path)
    return read_template(path, name=name)
