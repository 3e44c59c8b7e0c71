"""Product footprints in the app: the product document (the YAML/JSON keys of a product file), its tables, cached calculation.

Nothing here calculates a footprint: :func:`carbon.formats.product.from_dict` checks the
document and :func:`carbon.product.calculate` solves it (ISO 14067). The document is kept
in the project store under the name :data:`DOCUMENT`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml

from carbon.errors import InputError, Problem

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "fastener-product.yaml"
#: files a product document refers to (factory inventory, supplier data) are looked up here
BASE_DIR = ROOT / "examples"
DOCUMENT = "product"
SUFFIXES = (".yaml", ".yml", ".json")
#: the editable tables of a product document and their leading columns
TABLES = {
    "processes": ["name", "output_amount", "output_unit", "stage"],
    "exchanges": ["process", "kind", "input", "amount", "unit", "stage", "excluded", "note"],
    "transport": ["process", "item", "mass", "mass_unit", "distance_km", "mode", "stage"],
}


def example_document() -> dict:
    """The bundled example product (examples/fastener-product.yaml) as a document."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def read_document(path: Path, name: str | None = None) -> dict:
    """Read an uploaded product file (YAML/JSON) into a document, checked whole by calculating it once.

    Raises
    ------
    InputError
        Every problem of the file, each naming the table, row and column.
    """
    from app_support.cache import factor_registry
    from carbon.formats.product import from_dict
    from carbon.product import calculate

    text = Path(path).read_text(encoding="utf-8")
    label = name or Path(path).name
    try:
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise InputError([Problem(f"the file is not valid YAML/JSON: {err}", file=label)]) from err
    calculate(from_dict(data, file=label, base_dir=BASE_DIR), registry=factor_registry())
    return data


def table(doc: dict, key: str) -> pd.DataFrame:
    """One table of the document (processes, exchanges, transport) for the data editor, every cell as text (read back by :func:`rows_of`)."""
    rows = doc.get(key) or []
    cols = TABLES[key] + sorted({k for r in rows for k in r if k not in TABLES[key]})
    text = [{c: None if r.get(c) is None else str(r[c]) for c in cols} for r in rows]
    return pd.DataFrame(text, columns=cols).astype(object)


def _cell(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, str):
        v = v.strip()
        if not v:
            return None
        try:
            parsed = yaml.safe_load(v)  # numbers and yes/no typed as text become numbers and flags
        except yaml.YAMLError:
            return v
        return parsed if isinstance(parsed, int | float | bool) else v
    return v


def rows_of(df: pd.DataFrame) -> list[dict]:
    """The editor's table back to document rows (empty cells left out, empty rows dropped)."""
    out = []
    for rec in df.to_dict(orient="records"):
        row = {k: c for k, v in rec.items() if (c := _cell(v)) is not None}
        if row:
            out.append(row)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def _calculate(doc_text: str, label: str):
    from app_support.cache import factor_registry
    from carbon.formats.product import from_dict
    from carbon.product import calculate

    try:
        return calculate(from_dict(json.loads(doc_text), file=label, base_dir=BASE_DIR), registry=factor_registry()), None
    except InputError as err:
        return None, list(err.problems)


def calculate_document(doc: dict, label: str = "product"):
    """``(ProductResults, None)`` or ``(None, problems)`` of a product document (cached per content)."""
    return _calculate(json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str), label)


def stage_table(result) -> pd.DataFrame:
    """Footprint by life-cycle stage [kg CO2e per declared unit]."""
    return pd.DataFrame({"stage": list(result.to_dict()["by_stage"]), "kgco2e": list(result.to_dict()["by_stage"].values())})


def gas_table(result) -> pd.DataFrame:
    """Mass and CO2e by gas per declared unit [kg, kg CO2e]."""
    return pd.DataFrame([{"gas": g, "kg": v.get("kg"), "kgco2e": v.get("kgco2e")} for g, v in result.to_dict()["by_gas"].items()])


def tree_rows(tree: dict, depth: int = 0) -> list[dict]:
    """The contribution tree flattened, one row per node with its depth (indented process name)."""
    rows = [{"process": "　" * depth + str(tree.get("process")), "amount": tree.get("amount"), "unit": tree.get("unit"),
             "total_kgco2e": tree.get("total_kgco2e"), "direct_kgco2e": tree.get("direct_kgco2e")}]  # fmt: skip
    for child in tree.get("inputs") or []:
        rows += tree_rows(child, depth + 1)
    return rows


def pact_json(result, fields: dict) -> bytes:
    """The product's PACT v2 ProductFootprint (carbon.formats.product.pact.to_pact) as UTF-8 JSON."""
    from carbon.formats.product.pact import to_pact

    doc = to_pact(
        result, company_name=fields["company_name"], company_id=fields["company_id"], product_id=fields["product_id"],
        reference_period=(fields["start"], fields["end"]), fossil_carbon_content=float(fields["fossil_carbon_content"]),
        biogenic_carbon_content=float(fields.get("biogenic_carbon_content") or 0.0), product_category_cpc=fields["cpc"],
        packaging_included=bool(fields.get("packaging_included")),
    )  # fmt: skip
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
