"""The inventory project as a stored document (JSON) and back.

The document has the shape of carbon's YAML/JSON project file (``organisation``,
``gwp_set``, ``facilities``, ``sources``, ``custom_factors``, ``significance``), so it is
read back by :func:`carbon.formats.project.read_project` with every check that reader
makes. What a MOENV workbook import knows beyond that (the workbook's own rounding of
some gas masses, its extra columns) is kept under ``moenv`` so the numbers and the
MOENV workbook export stay the same after a round trip through the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import tempfile
from pathlib import Path

import pandas as pd

from carbon.inventory import InventoryProject

__all__ = ["DOCUMENT_NAME", "document_to_project", "project_to_document", "records_of", "sources_frame"]

DOCUMENT_NAME = "inventory"


def _plain(v):
    """A JSON value for a cell: NaN/NA → None, numpy scalars → Python, dates → ISO text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        return v.isoformat()[:10]
    return v


def records_of(df: pd.DataFrame | None) -> list[dict]:
    """Rows of a table as JSON-ready dicts, blank cells left out."""
    if df is None or len(df) == 0:
        return []
    out = []
    for row in df.astype(object).to_dict("records"):
        out.append({str(k): _plain(v) for k, v in row.items() if _plain(v) is not None})
    return out


def project_to_document(project: InventoryProject) -> dict:
    """The JSON document of a project (what the store keeps)."""
    org = {k: _plain(v) for k, v in dataclasses.asdict(project.organisation).items()}
    org["industry_codes"] = list(project.organisation.industry_codes or ())
    org = {k: v for k, v in org.items() if v not in (None, [], "")}
    origin = project.origin or {}
    doc = {
        "organisation": org,
        "gwp_set": project.gwp_set,
        "facilities": records_of(project.facilities),
        "sources": records_of(project.sources),
        "custom_factors": records_of(project.custom_factors),
        "significance": project.significance or {},
        "notes": list(project.notes or []),
    }
    if origin.get("format") == "moenv-workbook":
        doc["moenv"] = json.loads(
            json.dumps(
                {"unrounded_mass": list(origin.get("moenv_unrounded_mass", [])), "extra": origin.get("moenv", {}), "organisation": origin.get("organisation", {})},
                default=_plain,
            )
        )
    return doc


def document_to_project(doc: dict | str, label: str = "project") -> InventoryProject:
    """Read a stored document back into a project, with every check of the project reader.

    Parameters
    ----------
    doc : dict or str
        The document (or its JSON text).
    label : str
        Name given to problems instead of a file name (never a server path).

    Raises
    ------
    carbon.errors.InputError
        Every problem at once; ``sheet`` is ``"sources (item)"`` and ``row`` the 1-based
        position of the source in the document.
    """
    from carbon.errors import InputError
    from carbon.formats.project import read_project

    data = json.loads(doc) if isinstance(doc, str) else doc
    body = {k: data.get(k) for k in ("organisation", "gwp_set", "facilities", "sources", "custom_factors", "significance") if data.get(k) is not None}
    body.setdefault("sources", [])
    with tempfile.TemporaryDirectory(prefix="carbon-doc-") as d:
        p = Path(d) / "project.json"
        p.write_text(json.dumps(body, ensure_ascii=False, default=str), encoding="utf-8")
        try:
            project = read_project(p)
        except InputError as err:
            raise InputError([dataclasses.replace(pr, file=label if pr.file else None) for pr in err.problems]) from None
    project.origin["file"] = label
    project.origin["rows"] = {k: (label, v[1], v[2]) for k, v in project.origin.get("rows", {}).items()}
    codes = (data.get("organisation") or {}).get("industry_codes")
    if codes:
        project.organisation.industry_codes = tuple(str(c) for c in codes)
    project.notes = list(data.get("notes") or []) + project.notes
    m = data.get("moenv")
    if m:
        project.origin.update({"format": "moenv-workbook", "moenv_unrounded_mass": list(m.get("unrounded_mass", [])), "moenv": m.get("extra", {}), "organisation": m.get("organisation", {})})
    return project


def sources_frame(doc: dict) -> pd.DataFrame:
    """The sources of a document as a table (one row per source, all schema columns)."""
    from carbon.schema import SOURCE_COLUMNS

    cols = [c.name for c in SOURCE_COLUMNS]
    df = pd.DataFrame(doc.get("sources") or [])
    extra = [c for c in df.columns if c not in cols]
    return df.reindex(columns=cols + extra)
