"""The inventory in the app: the sources table of the editor, cached calculation, problems by row.

Nothing here calculates emissions: :func:`carbon.inventory.calculate` does, on the project
read back from the stored document with every check of the project reader.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from app_support.i18n import lang
from carbon.errors import InputError, Problem
from carbon.schema import FACILITY_COLUMNS, ISO_SUBCATEGORIES, METHODS, SOURCE_COLUMNS
from carbon.store.documents import document_to_project

MAIN_COLUMNS = [
    "source_id", "name", "facility", "iso_category", "method", "activity_amount", "activity_unit", "factor_id", "gas",
    "heat_value", "heat_value_unit", "data_year", "grade_a", "grade_b", "grade_c", "ad_low_pct", "ad_high_pct",
    "excluded", "note",
]  # fmt: skip
UNITS = ["公秉", "公升", "L", "kL", "千度", "度", "kWh", "MWh", "千立方公尺", "立方公尺", "m3", "公噸", "公斤", "kg", "t", "人時", "人天", "噸公里", "GJ", "TJ", "kcal/kg", "kcal/L", "kcal/m3"]
TCO2E, PROBLEM = "_tco2e", "_problem"
_TYPES = {c.name: c.dtype for c in (*SOURCE_COLUMNS, *FACILITY_COLUMNS)}


def _label(col) -> str:
    return col.zh if lang() == "zh-TW" else col.name


def typed_table(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows as a table with the schema's types (numbers float, flags bool, the rest text)."""
    df = pd.DataFrame(rows).reindex(columns=columns)
    for c in columns:
        kind = _TYPES.get(c, "str")
        if kind in ("float", "int"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        elif kind == "bool":
            df[c] = df[c].map(lambda v: bool(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else False).astype(bool)
        else:
            df[c] = df[c].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)).astype(object)
    return df


def sources_columns(doc: dict, show_all: bool) -> list[str]:
    """Columns shown in the sources editor."""
    if not show_all:
        return list(MAIN_COLUMNS)
    known = [c.name for c in SOURCE_COLUMNS]
    extra = sorted({k for s in doc.get("sources") or [] for k in s if k not in known})
    return known + extra


def sources_column_config(doc: dict, factor_ids: list[str], columns: list[str]) -> dict:
    """Drop-downs for categories, methods, units and factor ids; labels in the current language."""
    by_name = {c.name: c for c in SOURCE_COLUMNS}
    used_units = sorted({str(s.get("activity_unit")) for s in doc.get("sources") or [] if s.get("activity_unit")})
    used_fids = {str(s.get("factor_id")) for s in doc.get("sources") or [] if s.get("factor_id")}
    custom = sorted({str(f.get("factor_id")) for f in doc.get("custom_factors") or [] if f.get("factor_id")})
    facilities = [str(f.get("facility_id")) for f in doc.get("facilities") or [] if f.get("facility_id")]
    cfg: dict = {}
    for c in columns:
        col = by_name.get(c)
        label = _label(col) if col else c
        help_ = col.description if col else None
        kind = _TYPES.get(c, "str")
        if c == "iso_category":
            cfg[c] = st.column_config.SelectboxColumn(label, options=list(ISO_SUBCATEGORIES), help=help_)
        elif c == "method":
            cfg[c] = st.column_config.SelectboxColumn(label, options=list(METHODS), help=help_)
        elif c == "activity_unit":
            cfg[c] = st.column_config.SelectboxColumn(label, options=list(dict.fromkeys(UNITS + used_units)), help=help_)
        elif c == "factor_id":
            cfg[c] = st.column_config.SelectboxColumn(label, options=list(dict.fromkeys(custom + sorted(used_fids) + factor_ids)), help=help_, width="large")
        elif c == "facility" and facilities:
            cfg[c] = st.column_config.SelectboxColumn(label, options=facilities, help=help_)
        elif kind in ("float", "int"):
            cfg[c] = st.column_config.NumberColumn(label, help=help_, format="%g" if kind == "float" else "%d", step=1 if kind == "int" else None)
        elif kind == "bool":
            cfg[c] = st.column_config.CheckboxColumn(label, help=help_)
        else:
            cfg[c] = st.column_config.TextColumn(label, help=help_)
    return cfg


def _cell(v, kind: str):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if kind in ("float", "int") and isinstance(v, str):
        try:
            v = float(v.replace(",", ""))
        except ValueError:
            return v
    if kind == "int" and isinstance(v, float) and v.is_integer():
        return int(v)
    if kind == "bool":
        return bool(v) or None  # unticked = not given
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def table_to_rows(edited: pd.DataFrame, original: list[dict], columns: list[str]) -> list[dict]:
    """The editor's table back to document rows; columns not shown keep their values."""
    out = []
    for idx, row in edited.iterrows():
        base = dict(original[idx]) if isinstance(idx, (int, np.integer)) and 0 <= int(idx) < len(original) else {}
        for c in columns:
            v = _cell(row.get(c), _TYPES.get(c, "str"))
            if v is None:
                base.pop(c, None)
            else:
                base[c] = v
        if any(v is not None for v in base.values()):
            out.append(base)
    return out


@st.cache_resource(max_entries=24, show_spinner=False)
def _calculate(project_id: str, version: int, doc_text: str, gwp_set: str | None, rounding: str, label: str):
    """(result, None) or (None, problems) for one project version; shared read-only by sessions."""
    import json

    from app_support.cache import factor_registry
    from carbon.inventory import calculate

    try:
        project = document_to_project(json.loads(doc_text), label=label)
        result = calculate(project, gwp_set=gwp_set, rounding=rounding, registry=factor_registry())
    except InputError as err:
        return None, list(err.problems)
    if gwp_set is None:
        _record_result(project_id, version, result)
    return result, None


def _record_result(project_id: str, version: int, result) -> None:
    """Keep the result of a project version in the store (once per version): totals and what made them."""
    from app_support.projects import store

    s = store()
    last = s.latest_result(project_id, "inventory")
    if last is not None and last["project_version"] == version:
        return
    summary = {
        "total_tco2e": result.total_tco2e,
        "biogenic_co2_t": result.biogenic_co2_t,
        "by_scope": result.by_scope,
        "by_category": result.by_category,
        "factor_editions": result.factor_editions,
    }
    s.save_result(project_id, version, "inventory", {"gwp_set": result.gwp_set, "rounding": result.rounding}, summary)


def calculate_version(info, doc: dict, gwp_set: str | None = None):
    """Calculate the project at ``info.version`` (cached); returns ``(result, problems)``."""
    import json

    rounding = (doc.get("settings") or {}).get("rounding", "exact")
    return _calculate(info.id, info.version, json.dumps(doc, ensure_ascii=False, sort_keys=True), gwp_set, rounding, info.name)


def problems_by_row(problems: list[Problem]) -> tuple[dict[int, str], list[Problem]]:
    """Problems of sources by 0-based editor row, and the others (organisation, facilities, file)."""
    rows: dict[int, list[str]] = {}
    other = []
    for p in problems:
        if p.row is not None and (p.sheet or "").startswith("sources"):
            text = (f"[{p.column}] " if p.column else "") + p.message + (f" {p.hint}" if p.hint else "")
            rows.setdefault(int(p.row) - 1, []).append(text)
        else:
            other.append(p)
    return {k: " · ".join(v) for k, v in rows.items()}, other


def problems_table(problems: list[Problem], file_label: str | None = None) -> pd.DataFrame:
    """Problems as rows: where (file, sheet, row, column) and what, with the fix."""
    rows = []
    for p in problems:
        where = Problem(p.message, file=file_label or p.file, sheet=p.sheet, row=p.row, column=p.column).where()
        rows.append({"where": where, "problem": p.message + (f" {p.hint}" if p.hint else "")})
    return pd.DataFrame(rows, columns=["where", "problem"])


def apply_editor_state(rows: list[dict], editor_state: dict, columns: list[str]) -> list[dict]:
    """Apply a data editor's pending edits (edited, added, deleted rows) to document rows.

    Done before the editor is drawn, so an edit costs one script run, not two. Row
    positions are those of the table the editor was given (one row per document row).
    """
    kinds = {c: _TYPES.get(c, "str") for c in columns}
    out = [dict(r) for r in rows]
    for pos, changes in (editor_state.get("edited_rows") or {}).items():
        i = int(pos)
        if 0 <= i < len(out):
            for c, v in changes.items():
                if c in kinds:
                    v = _cell(v, kinds[c])
                    if v is None:
                        out[i].pop(c, None)
                    else:
                        out[i][c] = v
    gone = {int(i) for i in editor_state.get("deleted_rows") or []}
    out = [r for i, r in enumerate(out) if i not in gone]
    for added in editor_state.get("added_rows") or []:
        new = {c: _cell(v, kinds[c]) for c, v in added.items() if c in kinds}
        new = {c: v for c, v in new.items() if v is not None}
        if new:
            out.append(new)
    return out


def has_edits(editor_state) -> bool:
    """True when a data editor's state holds edited, added or deleted rows."""
    return bool(isinstance(editor_state, dict) and (editor_state.get("edited_rows") or editor_state.get("added_rows") or editor_state.get("deleted_rows")))


def compare_sources(a, b) -> pd.DataFrame:
    """Per-source CO2e of two results side by side, largest change first [t CO2e]."""
    sa, sb = pd.Series(a.by_source, dtype=float), pd.Series(b.by_source, dtype=float)
    df = pd.DataFrame({"a": sa, "b": sb}).fillna(0.0)
    df["change"] = df["b"] - df["a"]
    df = df.reindex(df["change"].abs().sort_values(ascending=False).index)
    return df.rename_axis("source_id").reset_index()


def gas_table(result) -> pd.DataFrame:
    """Mass and CO2e by gas as a table."""
    rows = [{"gas": g, "mass_t": v["mass_t"], "tco2e": v["tco2e"]} for g, v in result.by_gas.items()]
    return pd.DataFrame(rows, columns=["gas", "mass_t", "tco2e"])


def read_and_check(path, name: str | None = None):
    """Read an inventory file and calculate it once, so a file with problems is refused whole.

    Returns the project; raises :class:`carbon.errors.InputError` with every problem of
    the file (reader and calculation), each naming sheet, row and column.
    """
    from app_support.cache import factor_registry
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    project = read_project(path, name=name)
    rounding = "moenv" if project.origin.get("format") == "moenv-workbook" else "exact"
    calculate(project, rounding=rounding, registry=factor_registry())
    return project
