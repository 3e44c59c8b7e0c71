"""What the workbook's formulas give, computed from its input cells alone.

The official workbook looks names up by code (表三 C/F/I from 附表五/六/七), factors by
key (表五 R/S from 附表一, purchased electricity by 表一 B3's year), GWPs of fluorinated
gases by code (表五 AX from 附表二), and derives the unit factor 表五 T, its unit U and the
GWP Y from them.  This module redoes those formulas from the input cells, so a workbook
whose formula cells hold no stored value (written by a program that does not calculate)
or a stale one (inputs changed, not recalculated) gives the right answer.  A cell the user
typed over a formula is an input and is taken as typed; a formula of numbers only is
evaluated.  Every computed cell that also holds a stored value is handed to
:mod:`~carbon.formats.moenv.reconcile` for the cross-check.

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例): formulas of 表三 C/F/I, 表五 M–AX (row 3 of each
   sheet gives the template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carbon.formats.moenv import layout as L
from carbon.formats.moenv.cells import Book, Sheet, column_index, constant_formula

__all__ = ["Appendix", "Check", "RowFormulas", "load_appendix"]


@dataclass
class Check:
    """A computed cell: the value from the inputs and the value the file stores."""

    sheet: str
    cell: str
    computed: Any
    stored: Any
    how: str


@dataclass
class Appendix:
    """The workbook's look-up tables (附表), keyed as its VLOOKUPs key them."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)
    factors: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    grid: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    fgas_gwp: dict[str, Any] = field(default_factory=dict)
    sheets: frozenset[str] = frozenset()


def _column(sh: Sheet, col: str, first: int, last: int | None = None) -> list:
    c = column_index(col)
    rows = sh.values[first - 1 : last] if last else sh.values[first - 1 :]
    return [(r[c] if c < len(r) else None) for r in rows]


def _key(v) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _table(sh: Sheet, key: str, cols: tuple[str, ...], first: int = 1, last: int | None = None) -> dict:
    keys = _column(sh, key, first, last)
    vals = [_column(sh, c, first, last) for c in cols]
    out: dict = {}
    for i, k in enumerate(keys):
        k = _key(k)
        if k is not None and k not in out:  # VLOOKUP takes the first match
            out[k] = tuple((v[i] if v[i] != "" else None) for v in vals)
    return out


def load_appendix(book: Book) -> Appendix:
    """Read the 附表 sheets the formulas look codes up in (absent sheets give empty tables).

    Parameters
    ----------
    book : Book
        The workbook's sheets.

    Returns
    -------
    Appendix
    """
    app = Appendix(sheets=frozenset(n for n in L.APPENDIX_SHEETS if n in book))
    for kind, (sheet, kcol, ncol, width) in L.NAME_TABLES.items():
        if sheet in book:
            t = _table(book[sheet], kcol, (ncol,), 2)
            app.names[kind] = {k.zfill(width) if k.isdigit() else k: v[0] for k, v in t.items()}
    if L.FACTOR_TABLE[0] in book:
        sh, (_s, key_cols, vcol, ucol, first, last) = book[L.FACTOR_TABLE[0]], L.FACTOR_TABLE
        app.factors = _factor_table(sh, key_cols, vcol, ucol, first, last)
        gs, gk, gv, gu, gfirst, glast = L.GRID_TABLE
        app.grid = {int(float(k)): v for k, v in _table(sh, gk, (gv, gu), gfirst, glast).items() if _is_num(k)}
    if L.FGAS_GWP_TABLE[0] in book:
        s, kcol, vcol = L.FGAS_GWP_TABLE
        app.fgas_gwp = {k: v[0] for k, v in _table(book[s], kcol, (vcol,), 2).items()}
    return app


def _factor_table(sh: Sheet, key_cols: tuple[str, ...], vcol: str, ucol: str, first: int, last: int) -> dict:
    """附表一 F = A&B&C&D (a formula): the key is built from the input columns."""
    parts = [_column(sh, c, first, last) for c in key_cols]
    vals, units = _column(sh, vcol, first, last), _column(sh, ucol, first, last)
    out: dict = {}
    for i in range(len(vals)):
        key = "".join(_key(p[i]) or "" for p in parts)
        if key and key not in out:
            out[key] = (vals[i] if vals[i] != "" else None, units[i] if units[i] != "" else None)
    return out


def _is_num(k: str) -> bool:
    try:
        float(k)
    except ValueError:
        return False
    return True


class RowFormulas:
    """The formula cells of one source row, computed from that row's inputs.

    Parameters
    ----------
    book : Book
        The workbook.
    app : Appendix
        Its look-up tables.
    row : int
        Source row (表三–表六).
    roc_year : int or None
        表一 B3 as a number (民國年), the key of the electricity look-up.
    checks : list of Check
        Where every computed cell with a stored value is recorded.
    """

    def __init__(self, book: Book, app: Appendix, row: int, roc_year: int | None, checks: list[Check]):
        self.t3, self.t4, self.t5 = book.sheet("表三"), book.sheet("表四"), book.sheet("表五")
        self.app, self.r, self.roc_year, self.checks = app, row, roc_year, checks
        self.missing: list[str] = []  # look-ups that found nothing, as '表五 R8: …'

    # -- generic -----------------------------------------------------------------------------
    def cell(self, sh: Sheet, col: str, compute, how: str):
        """Value of a cell: typed input as typed; a formula of numbers evaluated; else ``compute()``."""
        f = sh.formula(self.r, col)
        if f is None:
            return sh.raw(self.r, col)
        c = constant_formula(f)
        if c is not None:
            return c
        value = compute()
        stored = sh.raw(self.r, col)
        if stored is not None or value not in (None, ""):
            self.checks.append(Check(sh.name, f"{col}{self.r}", value, stored, how))
        return value

    def typed(self, sh: Sheet, col: str) -> bool:
        """Whether a cell was typed (or is a formula of numbers only) rather than computed."""
        f = sh.formula(self.r, col)
        return f is None or constant_formula(f) is not None

    # -- 表三 names --------------------------------------------------------------------------
    def name(self, kind: str, code_col: str, name_col: str) -> str | None:
        """表三 C/F/I: the name of the code in B/E/H from 附表五/六/七."""
        sheet, _k, _n, width = L.NAME_TABLES[kind]

        def look():
            code = self.t3.code(self.r, code_col, width)
            if code is None:
                return None
            if kind not in self.app.names:
                self.missing.append(f"表三 {name_col}{self.r}: {sheet} not in the workbook to name code '{code}'")
                return None
            got = self.app.names[kind].get(code)
            if got is None:
                self.missing.append(f"表三 {name_col}{self.r}: code '{code}' is not in {sheet}")
            return got

        v = self.cell(self.t3, name_col, look, f"VLOOKUP({code_col}{self.r}, {sheet})")
        return None if v in (None, "") else str(v).strip()

    # -- 表五 ---------------------------------------------------------------------------------
    def key(self, gas: str) -> tuple[str, str]:
        """The 附表一 look-up keys of a gas: (K + L + H, K + L + gas + H) of 表三."""
        k = self.t3.text(self.r, "K") or ""
        lt = self.t3.text(self.r, "L") or ""
        h = self.t3.code(self.r, "H", 6) or ""
        return k + lt + h, k + lt + gas + h

    def published(self, gas: str, col: str) -> tuple[Any, Any]:
        """表五 R and S of a gas: the announced factor and its unit (附表一), or (None, None)."""
        if (self.t4.text(self.r, "X") or "") != L.METHOD_PUBLISHED:
            return None, None
        grid_key, key = self.key(gas)
        if grid_key == L.GRID_KEY:
            hit = self.app.grid.get(self.roc_year) if self.roc_year is not None else None
            where = f"附表一 {L.GRID_TABLE[1]}{L.GRID_TABLE[4]}:{L.GRID_TABLE[3]}{L.GRID_TABLE[5]} for 表一 B3 = {self.roc_year}"
        else:
            hit = self.app.factors.get(key)
            where = f"附表一 F{L.FACTOR_TABLE[4]}:J{L.FACTOR_TABLE[5]} for key '{key}'"
        if hit is None or hit[0] is None:
            self.missing.append(f"表五 {col}{self.r}: no factor in {where}")
            return None, None
        return hit

    def block(self, i: int, gas: str) -> dict:
        """Per-energy factor R, unit factor T, its unit U and GWP Y of gas #``i + 1``."""
        b = L.T5_BLOCKS[i]
        r_val, r_unit = self.published(gas, b.ef_energy) if self.t5.formula(self.r, b.ef_energy) else (None, None)
        ef_e = self.cell(self.t5, b.ef_energy, lambda: r_val, "附表一 look-up")
        ef_e = _number(ef_e)
        ef_u = self.cell(
            self.t5, b.ef_unit, lambda: self.unit_factor(gas, ef_e), "R × 表四 Y × 4.1868e-12 or 表四 AB × 44/12"
        )
        u_text = self.cell(self.t5, b.ef_unit_unit, lambda: self.unit_text(ef_e), "unit of T")
        gwp = self.cell(self.t5, b.gwp, lambda: self.gwp(i, gas), "workbook GWP")
        return {
            "gas": gas,
            "ef_e": ef_e,
            "ef_u": _number(ef_u),
            "u_text": None if u_text in (None, "") else str(u_text),
            "gwp": _number(gwp),
            "ef_u_typed": self.typed(self.t5, b.ef_unit),
            "r_unit": r_unit,
            "col": b,
        }

    def unit_factor(self, gas: str, ef_e: float | None) -> float | None:
        """表五 T: R if indirect; 1 for HFCS/PFC/SF6/NF3; R × LHV × 4.1868e-12; else AB × 44/12."""
        if (self.t3.text(self.r, "K") or "") == L.INDIRECT:
            return ef_e  # None when 附表一 has no factor: the reader looks in the library
        if gas in ("HFCS", "PFC", "SF6", "NF3"):  # the formula tests 'PFC': a 'PFCS' row falls through
            return 1.0
        if ef_e is not None:
            return ef_e * (_number(self.t4.raw(self.r, "Y")) or 0.0) * L.KCAL_TO_TJ_TIMES_T_PER_KG
        return (_number(self.t4.raw(self.r, "AB")) or 0.0) * L.C_TO_CO2

    def unit_text(self, ef_e: float | None) -> str:
        """表五 U: 公噸/<activity unit> when R is given, else 公噸/公噸."""
        if ef_e is None:
            return L.T5_UNIT_DEFAULT
        n = self.t4.text(self.r, "R") or self.t4.text(self.r, "P") or ""
        return L.T5_UNIT_OF.get(n, "")

    def gwp(self, i: int, gas: str):
        """表五 Y/AI/AS: the workbook's GWP of the gas; HFCs/PFCs from 附表二 by code (AX)."""
        if i == 0 and gas.upper() in ("HFCS", "PFCS"):
            code = self.t3.code(self.r, "H", 6) or ""
            v = self.cell(self.t5, L.T5_FGAS_GWP, lambda: self.app.fgas_gwp.get(code), "附表二 look-up")
            if v is None:
                self.missing.append(f"表五 {L.T5_FGAS_GWP}{self.r}: code '{code}' is not in 附表二")
            return v
        return L.WORKBOOK_GWP[i].get(gas)

    def masses(self, blocks: list[dict], m: float | None, o: float | None) -> None:
        """Cross-check 表五 X/AH/AR, Z/AJ/AT and AU with the values the inputs give.

        X = ROUND(M × O × T, 4), divided by 1000 first when U does not end with the
        activity unit N; Z = ROUND(X × Y, 4); AU sums the CO2e (without a biogenic row's
        CO2).  carbon's own calculation makes the numbers; these are only compared.
        """
        if not blocks:
            return
        n = self.t4.text(self.r, "R") or self.t4.text(self.r, "P") or ""
        u = blocks[0]["u_text"] or ""
        co2e = []
        for i, b in enumerate(blocks):
            x = self.cell(self.t5, b["col"].mass, lambda i=i, b=b: self._mass(i, b, m, o, n, u), "ROUND(M × O × T, 4)")
            z = self.cell(self.t5, b["col"].co2e, lambda x=x, b=b: _round4(_product(x, b["gwp"])), "ROUND(X × Y, 4)")
            co2e.append(_number(z))
        bio = (self.t3.text(self.r, "J") or "") == L.BIOGENIC_YES and blocks[0]["gas"] == "CO2"
        counted = [v or 0.0 for k, v in enumerate(co2e) if not (bio and k == 0)]
        self.cell(self.t5, L.T5_SUBTOTAL, lambda: sum(counted) if bio or sum(counted) != 0 else None, "SUM(Z, AJ, AT)")

    def _mass(self, i: int, b: dict, m: float | None, o: float | None, n: str, u: str) -> float | None:
        if m is None or o is None or b["ef_u"] is None:
            return None
        v = m * o * b["ef_u"] if u.endswith(n) else m * o * b["ef_u"] / 1000.0
        return v if self.mass_rounded(i) is False else _round4(v)

    def mass_rounded(self, i: int) -> bool | None:
        """Whether 表五 X/AH/AR of gas #``i + 1`` rounds to 4 decimals (None when it cannot be told)."""
        col = L.T5_BLOCKS[i].mass
        f = self.t5.formula(self.r, col)
        if f is not None:
            return "ROUND(" in f.upper()
        shown = _number(self.t5.raw(self.r, col))
        if shown is None:
            return None
        return abs(shown - round(shown, L.MASS_DECIMALS)) <= 1e-9 * max(1.0, abs(shown))


def _product(a, b) -> float | None:
    a, b = _number(a), _number(b)
    return None if a is None or b is None else a * b


def _round4(v: float | None) -> float | None:
    if v is None:
        return None
    from carbon.accounting import round_half_up

    return float(round_half_up(v, L.MASS_DECIMALS))


def _number(v) -> float | None:
    if v is None or isinstance(v, bool) or v == "":
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None
