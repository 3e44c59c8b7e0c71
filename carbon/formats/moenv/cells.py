"""Cells of an MOENV workbook: the value each cell shows and, where it has one, its formula.

The reader must tell an input cell (a value the user typed) from a computed one (a
formula, whose stored value may be missing or stale).  Values come from calamine (fast,
``.ods`` and ``.xlsx``); formulas from openpyxl for ``.xlsx`` and from ``content.xml``
for ``.ods`` (ElementTree, no code is run).  A formula made of numbers only (the sample's
septic factor ``=0.6*180*225*0.85/1000000``) is an input written as arithmetic and is
evaluated by :func:`constant_formula`, which accepts numbers, + - * / ^ and brackets only.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter

from carbon.errors import InputError, Problem

__all__ = ["Book", "Sheet", "column_index", "constant_formula", "load_book"]

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_T = f"{{{_TABLE}}}"


def column_index(letter: str) -> int:
    """Return the 0-based index of a column letter ('A' -> 0, 'AB' -> 27)."""
    return column_index_from_string(letter) - 1


class Sheet:
    """Cells of one sheet by spreadsheet address: shown values and formulas.

    Parameters
    ----------
    name : str
        Sheet name.
    values : list of list
        Rows of cell values as calamine gives them (``''`` for empty cells).
    formulas : dict
        ``{(row, column letter): formula text}`` (1-based rows).
    """

    def __init__(self, name: str, values: list[list] | None, formulas: dict[tuple[int, str], str] | None = None):
        self.name = name
        self.values = values or []
        self.formulas = formulas or {}

    def raw(self, row: int, col: str):
        """Return the value shown in a cell (None when empty); text is stripped."""
        r, c = row - 1, column_index(col)
        if r < 0 or r >= len(self.values) or c >= len(self.values[r]):
            return None
        v = self.values[r][c]
        if isinstance(v, str):
            v = v.replace("\u3000", " ").strip()
            return v or None
        if isinstance(v, float) and math.isnan(v):
            return None
        if isinstance(v, np.generic):
            return v.item()
        return v

    def text(self, row: int, col: str) -> str | None:
        """Return a cell as text (whole numbers without '.0'), or None when empty."""
        v = self.raw(row, col)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip() or None

    def code(self, row: int, col: str, width: int) -> str | None:
        """Return a code cell; numbers stored by a spreadsheet lose their leading zeros, restore them."""
        v = self.raw(row, col)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
            return str(int(v)).zfill(width)
        return self.text(row, col)

    def formula(self, row: int, col: str) -> str | None:
        """Return the formula of a cell ('=…', OpenFormula prefix removed) or None for an input cell."""
        return self.formulas.get((row, col))

    def nrows(self) -> int:
        """Return the number of rows holding values."""
        return len(self.values)


class Book(dict):
    """Sheets of a workbook by name (a dict of :class:`Sheet`)."""

    def sheet(self, name: str) -> Sheet:
        """Return a sheet, or an empty one when the workbook does not have it."""
        return self.get(name) or Sheet(name, None)


def load_book(path: Path, names: tuple[str, ...], formula_sheets: tuple[str, ...], shown: str | None = None) -> Book:
    """Read the sheets ``names`` of a workbook, with formulas for ``formula_sheets``.

    Parameters
    ----------
    path : Path
        ``.ods`` or ``.xlsx`` (``.xlsm``) file; other formats calamine reads (``.xls``) give
        values only, and every cell is then taken as typed.
    names : tuple of str
        Sheets to read; sheets the file lacks are left out.
    formula_sheets : tuple of str
        Sheets whose formulas are read as well.
    shown : str, optional
        Name of the file in messages.

    Returns
    -------
    Book
        The sheets found.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as err:
        msg = f"the workbook cannot be read ({type(err).__name__}): it is damaged or not an .ods/.xlsx file."
        raise InputError([Problem(msg, file=shown or path.name, hint="Open it in Excel or LibreOffice and save it again as .ods or .xlsx.")]) from err
    present = [n for n in names if n in wb.sheet_names]
    want = tuple(n for n in formula_sheets if n in present)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        formulas = _ods_formulas(path, want)
    elif suffix in (".xlsx", ".xlsm"):
        formulas = _xlsx_formulas(path, want)
    else:  # .xls and others: values only, every cell is read as typed
        formulas = {}
    book = Book()
    for n in present:
        values = wb.get_sheet_by_name(n).to_python(skip_empty_area=False)
        book[n] = Sheet(n, values, formulas.get(n))
    return book


def _xlsx_formulas(path: Path, names: tuple[str, ...]) -> dict[str, dict]:
    import openpyxl

    out: dict[str, dict] = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for n in names:
            f: dict[tuple[int, str], str] = {}
            for row in wb[n].iter_rows():
                for c in row:
                    v = getattr(c, "value", None)
                    if isinstance(v, str) and v.startswith("="):
                        f[(c.row, get_column_letter(c.column))] = v
                    elif v is not None and type(v).__name__ == "ArrayFormula":
                        f[(c.row, get_column_letter(c.column))] = str(v.text)
            out[n] = f
    finally:
        wb.close()
    return out


def _ods_formulas(path: Path, names: tuple[str, ...]) -> dict[str, dict]:
    """Formulas of the sheets ``names`` from an ODS ``content.xml`` (rows/columns repeated as declared)."""
    out: dict[str, dict] = {}
    with zipfile.ZipFile(path) as z, z.open("content.xml") as fh:
        current: dict | None = None
        row = col = 0
        for event, el in ET.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{_T}table":
                    name = el.get(f"{_T}name")
                    current = out.setdefault(name, {}) if name in names else None
                    row = 0
                elif tag == f"{_T}table-row":
                    col = 0
                continue
            if tag == f"{_T}table-row":
                repeat = int(el.get(f"{_T}number-rows-repeated", "1"))
                if current is not None and repeat > 1:  # a repeated row repeats its formulas (text of the first)
                    for (r_, c_), text in [(k, v) for k, v in current.items() if k[0] == row + 1]:
                        for k in range(1, min(repeat, 10000)):
                            current[(r_ + k, c_)] = text
                row += repeat
                el.clear()
            elif tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                n = int(el.get(f"{_T}number-columns-repeated", "1"))
                f = el.get(f"{_T}formula")
                if f is not None and current is not None:
                    text = re.sub(r"^(?:of:|msoxl:)?", "", f)
                    for k in range(n):
                        current[(row + 1, get_column_letter(col + k + 1))] = text
                col += n
            elif tag == f"{_T}table":
                current = None
                el.clear()
    return out


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.BitXor: operator.pow,  # spreadsheet '^'
}
_CONSTANT = re.compile(r"^=\s*[0-9.+\-*/^()\sEe]+$")


def constant_formula(formula: str | None) -> float | None:
    """Evaluate a formula made of numbers and arithmetic only; None for anything else.

    Parameters
    ----------
    formula : str or None
        Formula text, e.g. ``'=0.6*180*225*0.85/1000000'``.

    Returns
    -------
    float or None
        Its value, or None when the formula refers to cells or functions.
    """
    if not formula or not _CONSTANT.match(formula):
        return None
    try:
        tree = ast.parse(formula[1:].strip(), mode="eval")
    except SyntaxError:
        return None
    return _eval(tree.body)


def _eval(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        v = _eval(node.operand)
        return None if v is None else (v if isinstance(node.op, ast.UAdd) else -v)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _eval(node.left), _eval(node.right)
        if a is None or b is None or (isinstance(node.op, ast.Div) and b == 0):
            return None
        return float(_OPS[type(node.op)](a, b))
    return None
