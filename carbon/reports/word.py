"""Word renderer: a :class:`~carbon.reports.model.Document` as an editable .docx.

Built with named styles only (Title, Heading 1–3, Normal, Caption, List Bullet, a table
style), so a consultant restyles the whole report from Word's style gallery.  Captions
carry SEQ fields and the contents a TOC field (Word updates them; numbers are pre-filled
so the file reads right before that).  Every style gets an East-Asian font (``w:eastAsia``):
``font.name`` alone leaves Chinese in Word's default font.  Charts are PNG pictures; all
text stays text.
"""

from __future__ import annotations

import io
from pathlib import Path

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table, fmt_number

__all__ = ["EAST_ASIA_FONT", "LATIN_FONT", "write_docx"]

#: 微軟正黑體, on every Taiwanese Windows PC; LibreOffice substitutes Noto Sans CJK TC.
EAST_ASIA_FONT = "Microsoft JhengHei"
LATIN_FONT = "Calibri"


def _set_fonts(style, east_asia: str = EAST_ASIA_FONT, latin: str = LATIN_FONT) -> None:
    from docx.oxml.ns import qn

    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _field(paragraph, instr: str, shown: str) -> None:
    """Append a field (``SEQ``, ``PAGE``, ``TOC`` …) showing ``shown`` until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    txt = OxmlElement("w:t")
    txt.text = shown
    txt.set(qn("xml:space"), "preserve")
    r.append(txt)
    fld.append(r)
    paragraph._p.append(fld)


def _setup(doc) -> None:
    from docx.shared import Cm, Pt

    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "Table Grid"):
        _set_fonts(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.styles["Caption"].font.size = Pt(9.5)


def _caption(doc, kind: str, n: int, text: str, lang: str) -> None:
    p = doc.add_paragraph(style="Caption")
    label = t(f"caption.{kind}", lang)
    p.add_run(f"{label} " if lang == "en" else label + " ")
    _field(p, f" SEQ {'Table' if kind == 'table' else 'Figure'} \\* ARABIC ", str(n))
    p.add_run(f"  {text}")


def _widths(rows: list[list[str]], total_cm: float = 16.6) -> list:
    """Column widths in proportion to each column's longest text (CJK counted double), within limits."""
    from docx.shared import Cm

    def size(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    need = [min(max(max(size(r[j]) for r in rows), 12), 36) ** 0.7 for j in range(len(rows[0]))]
    return [Cm(total_cm * n / sum(need)) for n in need]


def _table(doc, tb: Table, n: int, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _caption(doc, "table", n, tb.caption, lang)
    cells = tb.formatted()
    table = doc.add_table(rows=1 + len(cells), cols=len(tb.columns), style="Table Grid")
    table.autofit = False
    widths = _widths([tb.columns, *cells])
    for j, w in enumerate(widths):
        table.columns[j].width = w  # the grid LibreOffice reads; cell widths below are what Word reads
    numeric = tb.numeric()
    for j, h in enumerate(tb.columns):
        c = table.rows[0].cells[j]
        c.text = h
        c.width = widths[j]
        c.paragraphs[0].runs[0].bold = True
    for i, row in enumerate(cells, start=1):
        last = tb.total_row and i == len(cells)
        for j, v in enumerate(row):
            c = table.rows[i].cells[j]
            c.text = v
            c.width = widths[j]
            par = c.paragraphs[0]
            if numeric[j]:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if last and par.runs:
                par.runs[0].bold = True
    doc.add_paragraph()


def _keyvalues(doc, kv: KeyValues) -> None:
    table = doc.add_table(rows=len(kv.items), cols=2, style="Table Grid")
    for i, (k, v) in enumerate(kv.items):
        table.rows[i].cells[0].text = str(k)
        table.rows[i].cells[0].paragraphs[0].runs[0].bold = True
        table.rows[i].cells[1].text = fmt_number(v)
    doc.add_paragraph()


def _cover(doc, d: Document) -> None:
    doc.add_paragraph(d.title, style="Title")
    if d.subtitle:
        doc.add_paragraph(d.subtitle, style="Subtitle")
    _keyvalues(doc, KeyValues([(k, v) for k, v in d.cover if v not in (None, "")]))
    doc.add_paragraph(t("toc", d.lang), style="Heading 1")
    _toc(doc, d)
    doc.add_page_break()


def _fld_char(paragraph, kind: str, instr: str | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), kind)
    r.append(fc)
    paragraph._p.append(r)
    if instr:
        r2 = OxmlElement("w:r")
        it = OxmlElement("w:instrText")
        it.set(qn("xml:space"), "preserve")
        it.text = instr
        r2.append(it)
        paragraph._p.append(r2)


def _toc(doc, d: Document) -> None:
    """Add a TOC field whose shown result already lists the chapters and sections.

    It has no page numbers until Word updates the field, so the contents read right in any
    viewer.
    """
    from docx.shared import Cm

    entries = [(num, level, sec.title) for num, level, sec in d.walk() if level <= 2]
    first = doc.add_paragraph()
    _fld_char(first, "begin", ' TOC \\o "1-2" \\h \\z \\u ')
    _fld_char(first, "separate")
    first.add_run(t("toc.update", d.lang)).italic = True
    last = first
    for num, level, title in entries:
        last = doc.add_paragraph(f"{num}  {title}")
        last.paragraph_format.left_indent = Cm(0.8 * (level - 1))
    _fld_char(last, "end")


def _footer(doc, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = t("page", lang).partition("{page}")
    p.add_run(before)
    _field(p, " PAGE ", "1")
    p.add_run(after)


def write_docx(d: Document, path: str | Path) -> Path:
    """Write ``d`` as a Word document; returns the path.

    Parameters
    ----------
    d : Document
    path : str or Path
        Output file (.docx); its folder must exist.
    """
    from docx import Document as Docx
    from docx.shared import Cm

    doc = Docx()
    _setup(doc)
    _footer(doc, d.lang)
    _cover(doc, d)
    nt = nf = 0
    for num, level, sec in d.walk():
        doc.add_heading(f"{num} {sec.title}", level=min(level, 3))
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                doc.add_paragraph(b.text, style="List Bullet" if b.kind == "bullet" else None)
                if b.kind == "note":
                    doc.paragraphs[-1].runs[0].italic = True
            elif isinstance(b, Table):
                nt += 1
                _table(doc, b, nt, d.lang)
            elif isinstance(b, KeyValues):
                _keyvalues(doc, b)
            elif isinstance(b, Figure):
                nf += 1
                doc.add_picture(io.BytesIO(b.png()), width=Cm(16))
                _caption(doc, "figure", nf, b.caption, d.lang)
    out = Path(path)
    doc.save(str(out))  # python-docx annotates str | IO[bytes]; the text path saves the same file
    return out
