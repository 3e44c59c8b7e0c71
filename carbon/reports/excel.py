r"""Excel renderer: the results and the full working of a report as .xlsx.

Sheet 1 carries the whole report (headings, paragraphs, tables) so it reads top to bottom;
each table marked with a ``sheet`` gets its own sheet; the document's ``working`` tables
(records table, input sources …) follow, one sheet each, with frozen headers and filters.
Numbers are stored as numbers with the report's display format.

Safe with hostile text: no cell is ever written as a formula.  Every text goes through
the one :func:`carbon.formats.safety.neutralise`: text starting with ``= + - @``, tab or carriage return gets a leading
apostrophe, so neither Excel nor LibreOffice, nor a CSV exported from the sheet, runs it.

References
----------
.. [1] OWASP, "CSV Injection" (formula-injection characters ``= + - @ \t \r``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from carbon.formats.safety import neutralise, safe_workbook
from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table

__all__ = ["write_xlsx"]

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str | None, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", str(neutralise(str(name)))).strip("'")[:31] or "Sheet"
    n, out = 2, base
    while out.lower() in used:
        suffix = f" ({n})"
        out = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(out.lower())
    return out


class _Writer:
    """Cell writing that never produces a formula."""

    def __init__(self, wb):
        self.wb = wb
        self.fmt: dict[str, object] = {}

    def f(self, key: str, **props):
        if key not in self.fmt:
            self.fmt[key] = self.wb.add_format({"font_name": "Microsoft JhengHei", "font_size": 10, "valign": "top", **props})
        return self.fmt[key]

    def cell(self, ws, r: int, c: int, v, fmt=None, decimals=None) -> None:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(v, bool):
            ws.write_boolean(r, c, v, fmt)
        elif isinstance(v, (int, float)) and not hasattr(v, "tzinfo"):
            if decimals == "pct":
                fmt = self.f("pct", num_format="0.0%")
            elif isinstance(decimals, int):
                fmt = self.f(f"n{decimals}", num_format="#,##0" + ("." + "0" * decimals if decimals else ""))
            ws.write_number(r, c, float(v), fmt)
        else:
            ws.write_string(r, c, str(v), fmt)


def _table(w: _Writer, ws, row: int, tb: Table, n: int, lang: str, caption: bool = True) -> int:
    if caption:
        w.cell(ws, row, 0, f"{t('caption.table', lang)} {n}  {tb.caption}", w.f("cap", bold=True, font_color="#1F4E79"))
        row += 1
    for j, h in enumerate(tb.columns):
        w.cell(ws, row, j, h, w.f("th", bold=True, bg_color="#E8F0FB", border=1, text_wrap=True))
    for i, values in enumerate(tb.rows, start=1):
        for j, v in enumerate(values):
            w.cell(ws, row + i, j, v, None, tb.decimals[j])
    return row + len(tb.rows) + 2


def _report_sheet(w: _Writer, ws, d: Document) -> list[Table]:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 9, 18)
    w.cell(ws, 0, 0, d.title, w.f("title", bold=True, font_size=16, font_color="#1F4E79"))
    w.cell(ws, 1, 0, d.subtitle)
    row = 3
    for k, v in d.cover:
        w.cell(ws, row, 0, k, w.f("b", bold=True))
        w.cell(ws, row, 1, v)
        row += 1
    row += 1
    own, nt, nf = [], 0, 0
    for num, level, sec in d.walk():
        w.cell(ws, row, 0, f"{num} {sec.title}", w.f(f"h{level}", bold=True, font_size=max(14 - 2 * level, 10), font_color="#1F4E79"))
        row += 1
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                w.cell(ws, row, 0, ("• " if b.kind == "bullet" else "") + b.text)
                row += 1
            elif isinstance(b, KeyValues):
                for k, v in b.items:
                    w.cell(ws, row, 0, k, w.f("b", bold=True))
                    w.cell(ws, row, 1, v)
                    row += 1
                row += 1
            elif isinstance(b, Table):
                nt += 1
                row = _table(w, ws, row, b, nt, d.lang)
                if b.sheet:
                    own.append(b)
            elif isinstance(b, Figure):
                nf += 1
                w.cell(ws, row, 0, f"{t('caption.figure', d.lang)} {nf}  {b.caption}", w.f("cap", bold=True, font_color="#1F4E79"))
                row += 1
    return own


def _frame_sheet(w: _Writer, ws, df: pd.DataFrame) -> None:
    for j, h in enumerate(df.columns):
        w.cell(ws, 0, j, str(h), w.f("th", bold=True, bg_color="#E8F0FB", border=1, text_wrap=True))
        ws.set_column(j, j, 14)
    for i, values in enumerate(df.itertuples(index=False, name=None), start=1):
        for j, v in enumerate(values):
            w.cell(ws, i, j, v.item() if hasattr(v, "item") else v)
    ws.freeze_panes(1, 0)
    if len(df.columns):
        ws.autofilter(0, 0, len(df), len(df.columns) - 1)


def write_xlsx(d: Document, path: str | Path) -> Path:
    """Write ``d`` as an Excel workbook: the report, one sheet per marked table, the working."""
    out = Path(path)
    # strings are never turned into formulas or links, whatever write path is used
    wb = safe_workbook(out, {"nan_inf_to_errors": False})
    w = _Writer(wb)
    used: set[str] = set()
    own = _report_sheet(w, wb.add_worksheet(_sheet_name(t("sheet.report", d.lang), used)), d)
    for tb in own:
        ws = wb.add_worksheet(_sheet_name(tb.sheet, used))
        ws.set_column(0, len(tb.columns), 18)
        _table(w, ws, 0, tb, 0, d.lang, caption=False)
        ws.freeze_panes(1, 0)
    for name, df in d.working.items():
        _frame_sheet(w, wb.add_worksheet(_sheet_name(name, used)), df)
    wb.close()
    return out
