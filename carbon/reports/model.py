"""The document model every report is built into and every renderer reads.

A report is a function ``result → Document``: it reads the result's records table and
totals (never recomputing) and lays out sections of paragraphs, tables and figures with
translated labels.  The renderers (:mod:`carbon.reports.docx`, ``.pdf``, ``.xlsx``) know
nothing about inventories or CBAM; adding a report kind is one builder function.

Tables keep raw values (numbers stay numbers) with a number format per column, so Word
and PDF print them formatted and Excel stores real numbers with the same display format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Document", "Figure", "KeyValues", "Paragraph", "Section", "Table", "fmt_number"]


def fmt_number(value: Any, decimals: int | None = 3, *, pct: bool = False) -> str:
    """Format one cell for print: thousands separators, ``decimals`` places, '—' for missing."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if pct:
            return f"{float(value) * 100:,.{decimals or 0}f} %"
        if decimals is None:
            return f"{float(value):,.10g}"
        return f"{float(value):,.{decimals}f}"
    return str(value)


@dataclass
class Paragraph:
    """A paragraph of text; ``kind`` is ``"body"``, ``"note"`` (smaller) or ``"bullet"``."""

    text: str
    kind: str = "body"


@dataclass
class Table:
    """A captioned table.

    Attributes
    ----------
    caption : str
        Caption text without the number (renderers number tables ``表 n`` / ``Table n``).
    columns : list of str
        Column headers (translated).
    rows : list of list
        Raw cell values: numbers as numbers, text as text, None for missing.
    decimals : list of (int or None or "pct")
        Per column: decimal places of a number column, ``"pct"`` for a share (0–1)
        printed as a percentage, ``None`` for text or for numbers printed in full.
    total_row : bool
        The last row is a total (printed in bold).
    sheet : str, optional
        Also write the table to its own worksheet of this name in Excel.
    """

    caption: str
    columns: list[str]
    rows: list[list[Any]]
    decimals: list[Any] = field(default_factory=list)
    total_row: bool = False
    sheet: str | None = None

    def __post_init__(self) -> None:
        if not self.decimals:
            self.decimals = [None] * len(self.columns)

    def formatted(self) -> list[list[str]]:
        """The cells as printed text."""
        out = []
        for row in self.rows:
            cells = []
            for v, d in zip(row, self.decimals, strict=True):
                if d == "pct":
                    cells.append(fmt_number(v, 1, pct=True))
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    cells.append(fmt_number(v, d))
                else:
                    cells.append(fmt_number(v))
            out.append(cells)
        return out

    def numeric(self) -> list[bool]:
        """Which columns hold numbers (right-aligned)."""
        return [d is not None for d in self.decimals]


@dataclass
class KeyValues:
    """A two-column label/value list (company data, settings)."""

    items: list[tuple[str, Any]]


@dataclass
class Figure:
    """A captioned chart: a plotly figure rendered once to PNG and shared by all renderers."""

    caption: str
    figure: Any
    width: int = 900
    _png: bytes | None = field(default=None, repr=False)

    def png(self) -> bytes:
        """PNG bytes (kaleido with the system Chromium), rendered on first use."""
        if self._png is None:
            from carbon.reporting.figures import to_image

            self._png = to_image(self.figure, "png", width=self.width, scale=2)
        return self._png


Block = Paragraph | Table | KeyValues | Figure


@dataclass
class Section:
    """A numbered section: a title, blocks, and sub-sections."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        """Append blocks; returns self."""
        self.blocks.extend(b for b in blocks if b is not None)
        return self

    def sub(self, title: str, *blocks: Block) -> Section:
        """Add and return a sub-section."""
        s = Section(title, list(blocks))
        self.subsections.append(s)
        return s


@dataclass
class Document:
    """A whole report.

    Attributes
    ----------
    kind : str
        Report kind (``inventory``, ``cbam`` …).
    lang : str
        ``zh-TW`` or ``en``.
    title, subtitle : str
        Cover title and subtitle (organisation, period).
    cover : list of (label, value)
        Items printed on the cover (organisation, period, GWP set, generated by …).
    sections : list of Section
    working : dict of str to pandas.DataFrame
        The full working for Excel (records table, factors with editions …), sheet name →
        table with translated headers.  Word and PDF do not print it.
    chapter_breaks : bool
        Start each chapter on a new page (long reports); False for summaries of a few pages.
    """

    kind: str
    lang: str
    title: str
    subtitle: str = ""
    cover: list[tuple[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    working: dict[str, pd.DataFrame] = field(default_factory=dict)
    chapter_breaks: bool = True

    def section(self, title: str, *blocks: Block) -> Section:
        """Add and return a top-level section."""
        s = Section(title, list(blocks))
        self.sections.append(s)
        return s

    def walk(self):
        """Yield ``(number, level, section)`` depth first, numbered ``1``, ``1.2`` and so on."""

        def rec(secs, prefix, level):
            for i, s in enumerate(secs, start=1):
                num = f"{prefix}{i}"
                yield num, level, s
                yield from rec(s.subsections, f"{num}.", level + 1)

        yield from rec(self.sections, "", 1)

    def figures(self) -> list[Figure]:
        """All figures in order."""
        return [b for _, _, s in self.walk() for b in s.blocks if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        """All tables in order."""
        return [b for _, _, s in self.walk() for b in s.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """The document as plain text (titles, paragraphs, table cells): for search and tests."""
        out = [self.title, self.subtitle]
        for num, _, s in self.walk():
            out.append(f"{num} {s.title}")
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out.append(b.text)
                elif isinstance(b, Table):
                    out.append(b.caption)
                    out.extend(" | ".join(r) for r in b.formatted())
                elif isinstance(b, KeyValues):
                    out.extend(f"{k}: {fmt_number(v)}" for k, v in b.items)
                elif isinstance(b, Figure):
                    out.append(b.caption)
        return "\n".join(out)
