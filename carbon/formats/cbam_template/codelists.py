"""Lists of the Communication template: country codes and aggregated goods categories."""

from __future__ import annotations

import re

from carbon.errors import InputError
from carbon.formats.xlsx_package import Book

__all__ = ["country_codes", "goods_categories"]

_TRANSLATION_RX = re.compile(r"Translations!\$?B\$?(\d+)")


def _english(book: Book, value: object, is_formula: bool) -> object:
    """The English text of a list cell that points into the Translations sheet."""
    if not is_formula or not isinstance(value, str):
        return value
    m = _TRANSLATION_RX.fullmatch(value)
    eng = book.cells("Translations", frozenset({"C"})).get(f"C{m.group(1)}") if m else None
    return eng.value if eng is not None and eng.t == "s" else None


def country_codes(book: Book) -> dict[str, tuple[str, str]]:
    """English country name (lower case) -> (ISO-2 code, name), from c_CodeLists F:G.

    Parameters
    ----------
    book : Book
        The template package.

    Returns
    -------
    dict
        Empty when the workbook has no code lists.

    References
    ----------
    Commission "CBAM Communication template for installations" v2.1.1, sheet c_CodeLists.
    """
    try:
        codes = book.cells("c_CodeLists", frozenset({"F", "G"}))
    except InputError:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for coord, cell in codes.items():
        row = int(coord[1:])
        if not coord.startswith("F") or cell.t != "s" or row < 11:
            continue
        name_cell = codes.get(f"G{row}")
        if name_cell is None:
            continue
        name = _english(book, name_cell.value, name_cell.t == "f")
        if isinstance(name, str) and cell.value and len(cell.value) == 2:
            out[name.strip().lower()] = (cell.value, name.strip())
    return out


def goods_categories(book: Book) -> list[str]:
    """The template's aggregated goods categories, exactly as spelled (``CONST_LIST_Goods``).

    Parameters
    ----------
    book : Book
        The template package.

    Returns
    -------
    list of str
        Empty when the workbook has no such list.

    References
    ----------
    Commission template v2.1.1, defined name CONST_LIST_Goods; IR (EU) 2025/2547 Annex I Table 1.
    """
    ref = book.defined_names.get("CONST_LIST_Goods", "")
    m = re.fullmatch(r"Parameters_Constants!\$?([A-Z]+)\$?(\d+):\$?[A-Z]+\$?(\d+)", ref)
    if not m:
        return []
    try:
        pc = book.cells("Parameters_Constants", frozenset({m.group(1)}))
    except InputError:
        return []
    out = []
    for row in range(int(m.group(2)), int(m.group(3)) + 1):
        cell = pc.get(f"{m.group(1)}{row}")
        if cell is not None:
            value = _english(book, cell.value, cell.t == "f")
            if isinstance(value, str):
                out.append(value)
    return out
