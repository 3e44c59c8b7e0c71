"""Downloads of the inventory: our workbook, the MOENV workbook, the records CSV.

Every text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written with a leading apostrophe, so a spreadsheet never runs it as a formula (OWASP
"CSV injection"). Numbers stay numbers.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd

from carbon.formats.safety import neutralise_frame, safe_workbook
from carbon.schema import FACILITY_COLUMNS, SOURCE_COLUMNS


def records_csv(records: pd.DataFrame) -> bytes:
    """The emission records as CSV for Excel (UTF-8 with BOM), formula-like text neutralised."""
    return neutralise_frame(records).to_csv(index=False).encode("utf-8-sig")


def workbook_xlsx(doc: dict) -> bytes:
    """Our inventory workbook (sheets organisation, facilities, sources, factors), readable by ``read_project``."""

    buf = io.BytesIO()
    wb = safe_workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    org = wb.add_worksheet("organisation")
    org.write_row(0, 0, ["field", "value"], head)
    pairs = dict(doc.get("organisation") or {})
    pairs.pop("industry_codes", None)
    pairs["gwp_set"] = doc.get("gwp_set")
    for i, (k, v) in enumerate((k, v) for k, v in pairs.items() if v is not None):
        org.write_string(i + 1, 0, k)
        org.write(i + 1, 1, v)

    def sheet(name: str, rows: list[dict], known: list[str]) -> None:
        ws = wb.add_worksheet(name)
        cols = known + sorted({k for r in rows for k in r if k not in known})
        ws.write_row(0, 0, cols, head)
        for i, r in enumerate(rows, start=1):
            for j, c in enumerate(cols):
                v = r.get(c)
                if v is None:
                    continue
                if isinstance(v, str):
                    ws.write_string(i, j, v)
                else:
                    ws.write(i, j, v)

    sheet("facilities", doc.get("facilities") or [], [c.name for c in FACILITY_COLUMNS])
    sheet("sources", doc.get("sources") or [], [c.name for c in SOURCE_COLUMNS])
    if doc.get("custom_factors"):
        sheet("factors", doc["custom_factors"], ["factor_id", "name_zh", "name_en", "kind", "gas", "value", "unit"])
    wb.close()
    return buf.getvalue()


def moenv_xlsx(project, result) -> bytes:
    """The official MOENV inventory workbook filled from the project (carbon.formats.moenv)."""
    from carbon.formats.moenv import write_moenv_workbook

    with tempfile.TemporaryDirectory(prefix="carbon-export-") as d:
        p = write_moenv_workbook(project, result, Path(d) / "moenv.xlsx")
        return Path(p).read_bytes()


def template_xlsx(lang: str) -> bytes:
    """A blank inventory template in the current language."""
    from carbon.formats.project import write_template

    with tempfile.TemporaryDirectory(prefix="carbon-export-") as d:
        return write_template(Path(d) / "template.xlsx", lang=lang).read_bytes()
