"""Hostile-input guards for every reader and writer of user files.

Readers call :func:`check_spreadsheet` (xlsx/xlsm/ods/xls) or :func:`check_csv` *before* handing
a file to pandas/calamine: a workbook is a zip archive whose members may expand a
thousandfold (a "zip bomb"), and whose sheets may declare or place a cell at XFD1048576 so
that a dense reader allocates rows × columns cells.  Both are refused from the archive's
bytes, read in bounded chunks, before anything is expanded into memory.

Writers pass every text cell through :func:`neutralise` (or a whole table through
:func:`neutralise_frame`): a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is a formula to a spreadsheet program ("CSV injection"); it is written with a leading
apostrophe so it shows as the text the user typed.

The limits are module constants (bytes, cells) so a deployment may lower them.

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
ECMA-376 Part 1 §18.3.1.35 (``dimension``), §18.3.1.73 (``row``), §18.3.1.4 (``c``).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from carbon.errors import InputError, Problem

__all__ = [
    "MAX_CELLS",
    "MAX_CSV_BYTES",
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "check_csv",
    "check_spreadsheet",
    "display_name",
    "neutralise",
    "neutralise_frame",
    "safe_workbook",
]

#: Largest uncompressed size of one member of an xlsx/ods archive [bytes].
MAX_MEMBER_BYTES = 256 * 1024**2
#: Largest uncompressed size of all members together [bytes].
MAX_TOTAL_BYTES = 512 * 1024**2
#: Largest sheet extent (rows × columns of the bounding box of its cells) [cells].
MAX_CELLS = 60_000_000
#: Largest CSV file read [bytes] (about 2 million source rows).
MAX_CSV_BYTES = 256 * 1024**2
#: Largest legacy .xls file [bytes] (not an archive: its size is its extent).
MAX_XLS_BYTES = 64 * 1024**2

_CHUNK = 1 << 20
# any r="…" attribute: rows carry r="12", cells r="AB12" (attribute order does not matter)
_REF_RE = re.compile(rb'\sr="([A-Z]*)(\d+)"')
_DIM_RE = re.compile(rb'\sref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_SAFE_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def display_name(path: str | Path) -> str:
    """The name shown in messages: the file's own name, never the folder it sits in on a server."""
    return Path(path).name or str(path)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB"


class _Extent:
    """Bounding box of the cells met in a sheet's XML, scanned chunk by chunk."""

    def __init__(self) -> None:
        self.rows = 0
        self.cols = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b"<")  # keep a possibly split tag for the next chunk
        body, self._tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        pairs = _REF_RE.findall(body)
        if pairs:
            letters, digits = zip(*pairs, strict=True)
            self.rows = max(self.rows, max(map(int, set(digits))))
            self.cols = max(self.cols, max(_col_number(c) for c in set(letters)))
        for m in _DIM_RE.finditer(body):  # the declared extent (dimension, merged cells …) counts too
            for col_letters, row_digits in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
                if col_letters:
                    self.cols = max(self.cols, _col_number(col_letters))
                if row_digits:
                    self.rows = max(self.rows, int(row_digits))

    def finish(self) -> None:
        self.feed(b"")
        if self._tail:
            self.feed(b"<")


_ODS_TAG = re.compile(rb"<(/?)[\w.-]+:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ROWS_REP = re.compile(rb'number-rows-repeated="(\d+)"')
_COLS_REP = re.compile(rb'number-columns-repeated="(\d+)"')


class _OdsExtent:
    """Extent of the cells *with content* in an ODS ``content.xml``, repeats counted, not expanded.

    LibreOffice writes empty rows and columns as one element repeated 1,048,576 × 16,384
    times; readers skip those.  A cell with a value repeated so is expanded by readers, so its
    repeats count (OpenDocument 1.2 Part 1 §9.1.3 ``table:number-rows-repeated``, §9.1.4).
    """

    def __init__(self) -> None:
        self.rows = self.cols = 0
        self._tail = b""
        self._row = self._rr = self._col = self._width = 0

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b"<")
        body, self._tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        for m in _ODS_TAG.finditer(body):
            closing, kind, attrs, empty = m.groups()
            if kind == b"table":
                if not closing:
                    self._row = 0
            elif kind == b"table-row":
                if closing:
                    self._end_row()
                else:
                    rep = _ROWS_REP.search(attrs)
                    self._rr, self._col, self._width = (int(rep.group(1)) if rep else 1), 0, 0
                    if empty:
                        self._end_row()
            elif not closing:
                rep = _COLS_REP.search(attrs)
                self._col += int(rep.group(1)) if rep else 1
                if not empty or b"value-type" in attrs:
                    self._width = self._col

    def _end_row(self) -> None:
        if self._width:
            self.rows = max(self.rows, self._row + self._rr)
            self.cols = max(self.cols, self._width)
        self._row += self._rr
        self._width = 0

    def finish(self) -> None:
        self.feed(b"")


def _member_problem(name: str, member: str, total: bool = False) -> Problem:
    what = "all parts of the workbook together expand" if total else f"part '{member}' of the workbook expands"
    limit = MAX_TOTAL_BYTES if total else MAX_MEMBER_BYTES
    return Problem(
        f"{what} to more than {_mb(limit)}; carbon refuses it before reading (a damaged or hostile file, or far more data than an inventory holds).",
        file=name,
        hint="Open it in Excel or LibreOffice, delete unused sheets and cells, and save it again; or split the data into CSV files.",
    )


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int) -> tuple[int, _Extent | _OdsExtent | None]:
    """Decompress one member in chunks, counting bytes; return (bytes, extent for sheet XML)."""
    fn = info.filename.lower()
    if fn == "content.xml":
        extent: _Extent | _OdsExtent | None = _OdsExtent()
    elif fn.endswith(".xml") and fn.startswith("xl/"):  # any part a workbook may point to as a sheet
        extent = _Extent()
    else:
        extent = None
    size = 0
    limit = min(MAX_MEMBER_BYTES, budget)
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputError([_member_problem(name, info.filename, total=limit < MAX_MEMBER_BYTES)])
            if extent is not None:
                extent.feed(chunk)
            if extent is not None and extent.rows * extent.cols > MAX_CELLS:
                break  # refused below; no need to read further
    if extent is not None:
        extent.finish()
    return size, extent


def _bad_archive(name: str, why: str) -> InputError:
    return InputError(
        [
            Problem(
                f"this is not a readable workbook ({why}).",
                file=name,
                hint="The file may be truncated or not really a spreadsheet: open it in Excel or LibreOffice and save it again as .xlsx or .ods.",
            )
        ]
    )


def _check_archive(p: Path, name: str) -> None:
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile as err:
        raise _bad_archive(name, "not a zip archive, or a truncated one") from err
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        for i in infos:  # refuse on the declared sizes at once, then count the real bytes
            if i.file_size > MAX_MEMBER_BYTES:
                raise InputError([_member_problem(name, i.filename)])
        if declared > MAX_TOTAL_BYTES:
            raise InputError([_member_problem(name, "", total=True)])
        total = 0
        problems = []
        for i in infos:
            try:
                size, extent = _scan_member(zf, i, name, MAX_TOTAL_BYTES - total)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
                raise _bad_archive(name, f"part '{i.filename}' cannot be read: {type(err).__name__}") from err
            total += size
            if extent is not None and extent.rows * extent.cols > MAX_CELLS:
                problems.append(_extent_problem(name, i.filename, extent))
        if problems:
            raise InputError(problems)


def _extent_problem(name: str, member: str, extent: _Extent | _OdsExtent) -> Problem:
    col, n = "", extent.cols
    while n:
        n, r = divmod(n - 1, 26)
        col = chr(65 + r) + col
    return Problem(
        f"a sheet ({member.rsplit('/', 1)[-1]}) reaches cell {col}{extent.rows}: {extent.rows:,} rows × {extent.cols:,} columns = "
        f"{extent.rows * extent.cols:,} cells, more than the {MAX_CELLS:,} carbon reads.",
        file=name,
        hint="Press Ctrl+End in Excel to find the last used cell, delete the rows and columns beyond your data, and save again.",
    )


def check_spreadsheet(path: str | Path, name: str | None = None) -> None:
    """Refuse a workbook that would expand beyond the limits, before any reader opens it.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xlsm``/``.ods`` (zip archives: every member is decompressed in 1 MB chunks
        and counted, sheet XML is scanned for its cells' extent) or ``.xls`` (size only).
    name : str, optional
        Name used in messages (default: the file's own name, no folders).

    Raises
    ------
    InputError
        Not a file, empty, not an archive or truncated; a member larger than
        :data:`MAX_MEMBER_BYTES` or all larger than :data:`MAX_TOTAL_BYTES` uncompressed; a
        sheet whose cells span more than :data:`MAX_CELLS`.  Memory stays below a few MB.
    """
    p = Path(path)
    name = name or display_name(p)
    _check_file(p, name)
    if p.suffix.lower() == ".xls":
        if p.stat().st_size > MAX_XLS_BYTES:
            raise InputError([Problem(f"the .xls file is larger than {_mb(MAX_XLS_BYTES)}.", file=name, hint="Save it as .xlsx.")])
        return
    _check_archive(p, name)


def _check_file(p: Path, name: str) -> None:
    if not p.exists():
        raise InputError([Problem("file not found.", file=name, hint="Check the name and folder.")])
    if p.is_dir():
        raise InputError([Problem("this is a folder, not a file.", file=name, hint="Give the path of the file inside it.")])
    if not p.is_file():
        raise InputError([Problem("this is not a regular file.", file=name)])
    if p.stat().st_size == 0:
        raise InputError([Problem("the file is empty (0 bytes).", file=name, hint="Save the data again; start from `carbon inventory template` for a new one.")])


def check_csv(path: str | Path, name: str | None = None) -> None:
    """Refuse a CSV that is not a non-empty regular file or is larger than :data:`MAX_CSV_BYTES`.

    Raises
    ------
    InputError
        Not found, a folder, empty, or too large (the message gives the limit and how to split).
    """
    p = Path(path)
    name = name or display_name(p)
    _check_file(p, name)
    size = p.stat().st_size
    if size > MAX_CSV_BYTES:
        raise InputError(
            [Problem(f"the CSV file is {_mb(size)}, more than the {_mb(MAX_CSV_BYTES)} carbon reads at once.", file=name, hint="Split it into several files, or aggregate rows that share a factor and unit.")]
        )


def neutralise(value: object) -> object:
    r"""Make one cell safe to open in a spreadsheet program.

    Text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (``'=1+1``), so Excel and LibreOffice show it as text instead of running it as
    a formula.  Numbers, and text that is exactly a number (``-12.5``), are returned unchanged.

    >>> neutralise("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> neutralise("-12.5"), neutralise(3.0), neutralise("鍋爐")
    ('-12.5', 3.0, '鍋爐')
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _SAFE_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(df):
    """Return a copy of a DataFrame with every text cell passed through :func:`neutralise`.

    One pass per text column over its distinct values (vectorised through ``map_distinct``).
    """
    import pandas as pd

    from carbon.schema import map_distinct

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            out[col] = pd.Series(map_distinct(s, neutralise), index=s.index, dtype=object).where(s.notna(), None)
    return out


def safe_workbook(target, options: dict | None = None):
    """An xlsxwriter ``Workbook`` whose every text cell goes through :func:`neutralise`.

    Strings are never turned into formulas or links (``strings_to_formulas`` and
    ``strings_to_urls`` off), and each worksheet neutralises the text it writes, whichever
    ``write*`` method the writer uses — one rule for every workbook carbon writes.

    Parameters
    ----------
    target : str, Path or io.BytesIO
        File to write (or a buffer; pass ``{"in_memory": True}`` in ``options``).
    options : dict, optional
        More xlsxwriter workbook options.
    """
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    class _SafeWorksheet(Worksheet):
        def _write_string(self, row, col, string, cell_format=None):
            return super()._write_string(row, col, neutralise(string), cell_format)

    class _SafeWorkbook(xlsxwriter.Workbook):
        def add_worksheet(self, name=None, worksheet_class=None):
            return super().add_worksheet(name, worksheet_class or _SafeWorksheet)

    opts = {"strings_to_formulas": False, "strings_to_urls": False, **(options or {})}
    return _SafeWorkbook(target if not isinstance(target, Path) else str(target), opts)
