"""Reports a consultant hands over: documents built from results, rendered to Word, PDF and Excel.

A report kind is a builder ``result → Document`` (:mod:`carbon.reports.model`); the
renderers (:mod:`.word`, :mod:`.pdf`, :mod:`.excel`) write any document.  Every label comes
from one translation table (:mod:`carbon.reports.i18n`, zh-TW and en).
"""

from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Section, Table

__all__ = ["Document", "Figure", "KeyValues", "Paragraph", "Section", "Table", "write"]


def write(doc: Document, path):
    """Render ``doc`` to ``path`` by its suffix: .docx, .pdf or .xlsx; returns the path."""
    from pathlib import Path

    from carbon.errors import CarbonError

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".docx":
        from carbon.reports.word import write_docx

        return write_docx(doc, p)
    if suffix == ".pdf":
        from carbon.reports.pdf import write_pdf

        return write_pdf(doc, p)
    if suffix == ".xlsx":
        from carbon.reports.excel import write_xlsx

        return write_xlsx(doc, p)
    msg = f"cannot write a report as '{p.name}': use a .docx, .pdf or .xlsx file name."
    raise CarbonError(msg)
