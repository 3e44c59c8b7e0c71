"""The low-carbon diagnosis in the app: the diagnosis document, the measures table, cached diagnose().

Nothing here calculates: :func:`carbon.diagnosis.read_diagnosis` checks the diagnosis document
(measures, prices, target, fee, smart answers, budget, loan) and :func:`carbon.diagnosis.diagnose`
does the work on the project's inventory result. The document (the keys of a diagnosis YAML
file) is kept in the project store as :data:`DOCUMENT`; the base-year inventory, when there
is one, as :data:`BASE_DOCUMENT` (an inventory document).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml

from carbon.errors import InputError, Problem

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_INVENTORY = ROOT / "examples" / "dyeing-factory.yaml"
EXAMPLE_BASE = ROOT / "examples" / "dyeing-factory-base-2022.yaml"
EXAMPLE_DIAGNOSIS = ROOT / "examples" / "dyeing-diagnosis.yaml"
DOCUMENT = "diagnosis"
BASE_DOCUMENT = "diagnosis_base"
SUFFIXES = (".yaml", ".yml", ".json")
#: keys that name files; in the app the base year is a stored document instead
FILE_KEYS = ("inventory", "base_inventory")
MEASURE_LEAD = ["id", "type", "title"]


def example_documents() -> dict[str, dict]:
    """The dyeing-factory showcase as project documents: inventory, diagnosis and base-year inventory."""
    from carbon.formats.project import read_project
    from carbon.store.documents import DOCUMENT_NAME, project_to_document

    diag = yaml.safe_load(EXAMPLE_DIAGNOSIS.read_text(encoding="utf-8"))
    for k in FILE_KEYS:
        diag.pop(k, None)
    return {
        DOCUMENT_NAME: project_to_document(read_project(EXAMPLE_INVENTORY)),
        DOCUMENT: diag,
        BASE_DOCUMENT: project_to_document(read_project(EXAMPLE_BASE)),
    }


def diagnosis_input(doc: dict, label: str = "diagnosis"):
    """The document read as ``carbon.diagnosis.read_diagnosis`` reads a file (every check applies)."""
    from carbon.diagnosis import read_diagnosis

    with tempfile.TemporaryDirectory(prefix="carbon-diagnosis-") as d:
        p = Path(d) / "diagnosis.yaml"
        p.write_text(yaml.safe_dump({k: v for k, v in doc.items() if k not in FILE_KEYS}, allow_unicode=True), encoding="utf-8")
        try:
            return read_diagnosis(p)
        except InputError as err:
            from dataclasses import replace

            raise InputError([replace(x, file=label if x.file else None, message=x.message.replace(str(p), label)) for x in err.problems]) from None


def read_document(path: Path, name: str | None = None) -> dict:
    """Read an uploaded diagnosis file (YAML/JSON) into a document, checked whole."""
    label = name or Path(path).name
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise InputError([Problem(f"the file is not valid YAML/JSON: {err}", file=label)]) from err
    if not isinstance(data, dict):
        raise InputError([Problem("the file is not a mapping of keys (measures, prices, target …).", file=label)])
    data = {k: v for k, v in data.items() if k not in FILE_KEYS}
    diagnosis_input(data, label)
    return data


@st.cache_resource(max_entries=16, show_spinner=False)
def _diagnose(project_id: str, version: int, inv_text: str, diag_text: str, base_text: str | None, label: str):
    from app_support.cache import factor_registry
    from carbon.diagnosis import diagnose
    from carbon.inventory import calculate
    from carbon.store.documents import document_to_project

    try:
        result = calculate(document_to_project(json.loads(inv_text), label=label), registry=factor_registry())
        base = calculate(document_to_project(json.loads(base_text), label="base year"), registry=factor_registry()) if base_text else None
        d = json.loads(diag_text)
        dg = diagnose(result, diagnosis_input(d) if d else None, base=base)
    except InputError as err:
        return None, None, list(err.problems)
    return result, dg, None


def run(info, inv_doc: dict, diag_doc: dict | None, base_doc: dict | None):
    """``(InventoryResult, Diagnosis, None)`` or ``(None, None, problems)`` at the project's version (cached)."""
    dump = lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True, default=str)  # noqa: E731
    return _diagnose(info.id, info.version, dump(inv_doc), dump(diag_doc or {}), dump(base_doc) if base_doc else None, info.name)


def measures_table(doc: dict) -> pd.DataFrame:
    """The measures as one wide table of text cells (one column per input; values in YAML syntax)."""
    rows = doc.get("measures") or []
    cols = MEASURE_LEAD + sorted({k for r in rows for k in r if k not in MEASURE_LEAD})
    text = [{c: (None if c not in r else (r[c] if isinstance(r[c], str) else yaml.safe_dump(r[c], default_flow_style=True, allow_unicode=True).strip().removesuffix("...").strip())) for c in cols} for r in rows]
    return pd.DataFrame(text, columns=cols).astype(object)


def measures_of(df: pd.DataFrame) -> list[dict]:
    """The measures table back to measure mappings (cells parsed as YAML: numbers, lists, flags)."""
    out = []
    for rec in df.to_dict(orient="records"):
        m = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()):
                continue
            if isinstance(v, str):
                try:
                    v = yaml.safe_load(v)
                except yaml.YAMLError:
                    pass
            m[k] = v
        if m:
            out.append(m)
    return out


def pareto_frame(dg, by: str) -> pd.DataFrame:
    """One Pareto table of the diagnosis (source, equipment, carrier, process)."""
    table = dg.pareto.get(by)
    return pd.DataFrame() if table is None else table


def steps_frame(dg) -> pd.DataFrame:
    """The portfolio's measures in order: alone and in the portfolio [t CO2e/yr, NT$]."""
    if dg.portfolio is None:
        return pd.DataFrame()
    rows = []
    for a, s in zip(dg.portfolio.alone, dg.portfolio.steps, strict=True):
        rows.append({"id": s.id, "title": s.title, "alone_t": a.avoided_t, "portfolio_t": s.avoided_t, "saving_ntd": s.cost_saving_ntd,
                     "capex_ntd": s.capex_ntd, "payback_years": s.simple_payback_years, "ntd_per_t": s.abatement_cost_ntd_per_t})  # fmt: skip
    return pd.DataFrame(rows)
