"""Hand-made access to an .xlsx package: read cells and styles, replace single cells.

openpyxl rewrites a whole workbook when it saves it (and drops what it does not know:
the Commission's CBAM template loses data validations and extensions).  Where a program
must fill a few input cells of an official workbook and leave everything else untouched,
this module edits the package itself: it reads the sheet XML, replaces only the ``<c>``
elements asked for (each new element built with :mod:`xml.etree.ElementTree`, so text is
escaped properly) and copies every other part byte for byte.

References
----------
ECMA-376 Part 1 (Office Open XML), §18.3.1.4 ``c`` (Cell), §18.3.1.53 ``is`` (inline
string), §18.2.2 ``calcPr``, §18.8.33 ``protection``.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from carbon.errors import CalculationError, InputError, Problem

__all__ = ["Book", "Cell", "cell_xml", "patch_sheet", "set_full_calc_on_load", "write_package"]

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SCAN_RX = re.compile(r'<c\b[^>]*?\br="(([A-Z]{1,3})\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_ROW_RX = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_STYLE_RX = re.compile(r'\bs="(\d+)"')
_CONTROL_RX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Cell:
    """One cell as stored: ``t`` is ``"n"``, ``"s"`` (string), ``"b"``, ``"e"``, ``"f"`` (formula) or ``""``."""

    t: str
    value: Any
    style: int


def _start_tag_style(snippet: str) -> int | None:
    m = _STYLE_RX.search(snippet, 0, snippet.index(">"))
    return int(m.group(1)) if m else None


class _LazyCells(Mapping[str, Cell]):
    """Coordinate -> :class:`Cell`, parsing each cell's XML only when it is looked at."""

    def __init__(self, book: Book, raw: dict[str, tuple[int, str]]) -> None:
        self._book, self._raw = book, raw
        self._done: dict[str, Cell] = {}

    def style(self, coord: str) -> int | None:
        item = self._raw.get(coord)
        return None if item is None else item[0]

    def __getitem__(self, coord: str) -> Cell:
        if coord not in self._done:
            self._done[coord] = self._book.parse_cell(self._raw[coord][1])
        return self._done[coord]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Book:
    """Read access to an xlsx package: sheet parts, shared strings, unlocked styles, cells.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file.

    Raises
    ------
    InputError
        Not a zip file, or not a spreadsheet package.
    """

    def __init__(self, path: str | Path, shown: str | None = None) -> None:
        self.path = Path(path)
        self.shown = shown or str(self.path)  # the file's name in messages
        try:
            self.zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError) as exc:
            raise InputError([Problem(f"cannot open as .xlsx: {exc}", file=self.shown)]) from None
        names = set(self.zf.namelist())
        if "xl/workbook.xml" not in names:
            self.zf.close()
            raise InputError([Problem("not an Excel workbook (xl/workbook.xml missing)", file=self.shown)])
        self.workbook_xml = self.zf.read("xl/workbook.xml").decode("utf-8")
        wb = ET.fromstring(self.workbook_xml)
        self.parts = self._sheet_parts(wb)
        pr = wb.find(f"{NS}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.defined_names = {d.get("name"): d.text or "" for d in wb.iter(f"{NS}definedName")}
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(self.zf.read("xl/sharedStrings.xml")).iter(f"{NS}si"):
                self.strings.append("".join(t.text or "" for t in si.iter(f"{NS}t")))
        self.unlocked_styles = self._unlocked_styles()
        self._cells: dict[tuple[str, frozenset[str] | None], _LazyCells] = {}

    def _sheet_parts(self, wb: ET.Element) -> dict[str, str]:
        rels = ET.fromstring(self.zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        parts: dict[str, str] = {}
        for sh in wb.iter(f"{NS}sheet"):
            target = targets[sh.get(f"{REL_NS}id")].lstrip("/")
            parts[sh.get("name") or ""] = target if target.startswith("xl/") else f"xl/{target}"
        return parts

    def _unlocked_styles(self) -> set[int]:
        styles = ET.fromstring(self.zf.read("xl/styles.xml"))
        xfs = styles.find(f"{NS}cellXfs")
        out = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            prot = xf.find(f"{NS}protection")
            if prot is not None and prot.get("locked") in ("0", "false"):
                out.add(i)
        return out

    def sheet_xml(self, sheet: str) -> str:
        """The XML text of a sheet part."""
        return self.zf.read(self.parts[sheet]).decode("utf-8")

    def cells(self, sheet: str, columns: frozenset[str] | None = None) -> _LazyCells:
        """Cells of ``sheet``: all of them, or only those in ``columns`` (cached).

        Raises
        ------
        InputError
            The workbook has no such sheet.
        """
        key = (sheet, columns)
        if key not in self._cells:
            if sheet not in self.parts:
                msg = f"sheet '{sheet}' not found"
                raise InputError([Problem(msg, file=self.shown, sheet=sheet)])
            raw: dict[str, tuple[int, str]] = {}
            for m in _SCAN_RX.finditer(self.sheet_xml(sheet)):
                if columns is None or m.group(2) in columns:
                    raw[m.group(1)] = (_start_tag_style(m.group(0)) or 0, m.group(0))
            self._cells[key] = _LazyCells(self, raw)
        return self._cells[key]

    def parse_cell(self, snippet: str) -> Cell:
        """A :class:`Cell` from the XML of one ``<c>`` element; a damaged one is an :class:`InputError`."""
        try:
            return self._parse_cell(snippet)
        except (ValueError, IndexError, OverflowError, ET.ParseError) as exc:
            ref = re.search(r'r="([A-Z]+[0-9]+)"', snippet)
            where = f"cell {ref.group(1)}" if ref else "a cell"
            msg = f"{where} cannot be read ({type(exc).__name__}): the workbook is damaged."
            raise InputError([Problem(msg, file=self.shown, hint="Open it in Excel or LibreOffice and save it again.")]) from None

    def _parse_cell(self, snippet: str) -> Cell:
        c = ET.fromstring(snippet)
        s = int(c.get("s", "0"))
        t = c.get("t", "n")
        f = c.find("f")
        if f is not None:
            return Cell("f", f.text, s)  # f.text is None for a shared-formula follower
        if t == "inlineStr":
            is_ = c.find("is")
            return Cell("s", "".join(x.text or "" for x in is_.iter("t")) if is_ is not None else "", s)
        v = c.find("v")
        if v is None or v.text is None:
            return Cell("", None, s)
        kinds: dict[str, Callable[[str], Any]] = {"s": lambda x: self.strings[int(x)], "str": str, "b": lambda x: x in ("1", "true"), "e": str}
        if t in kinds:
            return Cell({"str": "s"}.get(t, t), kinds[t](v.text), s)
        x = float(v.text)
        if not math.isfinite(x):
            msg = f"not a finite number: {v.text!r}"
            raise ValueError(msg)
        return Cell("n", x, s)

    def unlocked(self, sheet: str, coord: str) -> bool:
        """True if the cell exists and its style is not locked (an input cell of a protected sheet)."""
        return self.cells(sheet).style(coord) in self.unlocked_styles

    def close(self) -> None:
        """Close the package file."""
        self.zf.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serial_date(value: _dt.date, date1904: bool) -> int:
    base = _dt.date(1904, 1, 1) if date1904 else _dt.date(1899, 12, 30)
    return (value - base).days


def cell_xml(coord: str, style: str | None, value: Any, date1904: bool = False) -> str:
    """The XML of one ``<c>`` element holding ``value`` (strings as inline strings).

    Parameters
    ----------
    coord : str
        Cell reference (``"F17"``).
    style : str or None
        Style index to keep.
    value : str, float, int, bool, date or None
        ``None``/``""`` gives an empty cell; text is escaped and stripped of XML-illegal
        control characters.
    date1904 : bool
        Date system of the workbook.

    Returns
    -------
    str

    Raises
    ------
    CalculationError
        NaN or infinite numbers.

    References
    ----------
    ECMA-376 Part 1 §18.3.1.4 (c), §18.3.1.53 (is), §18.17.4 (date serial numbers).
    """
    c = ET.Element("c", {"r": coord})
    if style is not None:
        c.set("s", style)
    if isinstance(value, _dt.datetime):
        value = value.date()
    if value is None or value == "":
        pass
    elif isinstance(value, bool):
        c.set("t", "b")
        ET.SubElement(c, "v").text = str(int(value))
    elif isinstance(value, _dt.date):
        ET.SubElement(c, "v").text = str(_serial_date(value, date1904))
    elif isinstance(value, int | float):
        x = float(value)
        if x != x or x in (float("inf"), float("-inf")):
            msg = f"cannot write {value} into cell {coord}"
            raise CalculationError(msg)
        ET.SubElement(c, "v").text = str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    else:
        c.set("t", "inlineStr")
        t = ET.SubElement(ET.SubElement(c, "is"), "t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = _CONTROL_RX.sub("", str(value))
    return ET.tostring(c, encoding="unicode", short_empty_elements=True)


def _sort_key(coord: str) -> tuple[int, int]:
    col, row = coordinate_from_string(coord)
    return row, column_index_from_string(col)


def _patch_row(text: str, want: Mapping[str, Any], row: int, ctx: tuple[set[int], str, bool], done: set[str]) -> str:
    unlocked, sheet, date1904 = ctx
    out: list[str] = []
    pos = 0
    for cm in _SCAN_RX.finditer(text):
        col = cm.group(2)
        if col not in want:
            continue
        style = _start_tag_style(cm.group(0))
        if style is None or style not in unlocked:
            msg = f"{sheet}!{col}{row} is not an input cell of this template (it is locked); refusing to write it"
            raise CalculationError(msg)
        out.append(text[pos : cm.start()])
        out.append(cell_xml(f"{col}{row}", str(style), want[col], date1904))
        pos = cm.end()
        done.add(f"{col}{row}")
    out.append(text[pos:])
    return "".join(out)


def patch_sheet(xml: str, updates: Mapping[str, Any], unlocked: set[int], sheet: str, date1904: bool = False) -> str:
    """Replace the ``<c>`` elements of ``updates`` (coordinate -> value) in a sheet's XML.

    Only existing cells whose style is unlocked are written; everything else of the sheet
    (formulas, validations, conditional formats, other cells) is kept as it was, character
    for character.

    Parameters
    ----------
    xml : str
        The sheet part.
    updates : mapping
        Coordinate -> value (see :func:`cell_xml`).
    unlocked : set of int
        Unlocked style indices (:attr:`Book.unlocked_styles`).
    sheet : str
        Sheet name, for messages.
    date1904 : bool
        Date system of the workbook.

    Returns
    -------
    str

    Raises
    ------
    CalculationError
        A cell is locked or does not exist in the sheet.

    References
    ----------
    ECMA-376 Part 1 §18.3.1.73 (row), §18.3.1.4 (c), §18.8.33 (protection).
    """
    by_row: dict[int, dict[str, Any]] = {}
    for coord, v in updates.items():
        col, row = coordinate_from_string(coord)
        by_row.setdefault(row, {})[col] = v
    pieces: list[str] = []
    last = 0
    done: set[str] = set()
    for rm in _ROW_RX.finditer(xml):
        row = int(rm.group(1))
        if row in by_row:
            pieces.append(xml[last : rm.start()])
            pieces.append(_patch_row(rm.group(0), by_row[row], row, (unlocked, sheet, date1904), done))
            last = rm.end()
    pieces.append(xml[last:])
    missing = sorted(set(updates) - done, key=_sort_key)
    if missing:
        msg = (
            f"cells {', '.join(missing[:10])} of sheet '{sheet}' do not exist in the blank template, so they are not "
            "input cells; the template version may differ"
        )
        raise CalculationError(msg)
    return "".join(pieces)


def set_full_calc_on_load(workbook_xml: str) -> str:
    """``xl/workbook.xml`` with ``fullCalcOnLoad="1"`` on ``<calcPr>`` (unchanged if it has none).

    Parameters
    ----------
    workbook_xml : str
        The ``xl/workbook.xml`` part.

    Returns
    -------
    str

    References
    ----------
    ECMA-376 Part 1 §18.2.2 (calcPr, fullCalcOnLoad).
    """
    m = re.search(r"<calcPr\b[^>]*?/?>", workbook_xml)
    if not m:
        return workbook_xml
    tag = m.group(0)
    closed = tag if tag.endswith("/>") else tag[:-1] + "/>"
    attrs = ET.fromstring(closed).attrib
    attrs["fullCalcOnLoad"] = "1"
    new = ET.tostring(ET.Element("calcPr", attrs), encoding="unicode", short_empty_elements=True).replace(" />", "/>")
    if not tag.endswith("/>"):
        new = new[:-2] + ">"
    return workbook_xml[: m.start()] + new + workbook_xml[m.end() :]


def write_package(book: Book, new_parts: Mapping[str, bytes], out_path: str | Path) -> Path:
    """Copy ``book`` to ``out_path`` with some parts replaced, atomically.

    Parameters
    ----------
    book : Book
        The source package (left unchanged).
    new_parts : mapping
        Part name -> new bytes.
    out_path : str or Path
        Destination; written to a temporary file in the same folder, then moved.

    Returns
    -------
    Path

    References
    ----------
    ECMA-376 Part 2 (Open Packaging Conventions).
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info in book.zf.infolist():
            data = new_parts.get(info.filename)
            zout.writestr(info, book.zf.read(info.filename) if data is None else data, compress_type=info.compress_type)
    with tempfile.NamedTemporaryFile(dir=out_path.parent, delete=False, suffix=".xlsx") as tmp:
        tmp.write(buf.getvalue())
    shutil.move(tmp.name, out_path)
    return out_path
