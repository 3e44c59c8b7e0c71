"""Supplier footprints in and out: PACT v2 ProductFootprint, CBAM Communication template.

* :func:`to_pact` writes a footprint as a PACT (WBCSD Partnership for Carbon Transparency)
  Technical Specifications v2 ``ProductFootprint``.
* :func:`factor_from_pact` turns a supplier's ProductFootprint into a purchased-input factor
  (a row of the ``factors`` sheet) with its data quality, marked primary (supplier-specific).
* :func:`factor_from_cbam` turns a supplier's filled CBAM Communication template into the
  embedded emissions of a precursor (one factor per good).

References
----------
PACT Technical Specifications for PCF Data Exchange v2 (OpenAPI, ``factors/sources/pact/``,
WBCSD, reproduced under its licence); PACT Methodology v2 §4.2 (primary data share).
Implementing Regulation (EU) 2025/2547 Annex IV (content of the CBAM communication).
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from pathlib import Path

import numpy as np

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.units import multiplier

__all__ = ["PACT_UNITS", "factor_from_cbam", "factor_from_pact", "to_pact"]

#: PACT declared units -> unit carbon understands.
PACT_UNITS = {"liter": "L", "kilogram": "kg", "cubic meter": "m**3", "kilowatt hour": "kWh", "megajoule": "MJ", "ton kilometer": "tkm", "square meter": "m**2"}
_GWP_TO_AR = {"AR5": "AR5", "AR6": "AR6", "MOENV-2024": "AR5"}
SPEC_VERSION = "2.3.0"


def _dec(x: float) -> str:
    """A PACT decimal string (no exponent)."""
    x = 0.0 if abs(x) < 1e-15 else float(x)
    return np.format_float_positional(x, precision=12, trim="-", unique=False).rstrip(".") or "0"


def _declared(unit: str, amount: float) -> tuple[str, float]:
    for name, u in PACT_UNITS.items():
        try:
            return name, amount * multiplier(unit, u)
        except (UnitError, UnitMismatchError):
            continue
    raise InputError([Problem(f"declared unit '{unit}' has no PACT equivalent.", hint=f"PACT declared units are {', '.join(PACT_UNITS)}; express the footprint per kg (e.g. mass of one piece).")])


def to_pact(result, *, company_name: str, company_id: str, product_id: str, reference_period: tuple[str, str],
            fossil_carbon_content: float, biogenic_carbon_content: float = 0.0, product_category_cpc: str = "",
            packaging_included: bool = False, created: str | None = None, pf_id: str | None = None) -> dict:
    """Write one product result as a PACT v2 ``ProductFootprint``.

    Parameters
    ----------
    result : ProductResult
    company_name, company_id, product_id : str
        Data owner and product; ids are URNs (``urn:...``).
    reference_period : (str, str)
        Start and end (ISO 8601 date-time) of the period of the data.
    fossil_carbon_content, biogenic_carbon_content : float
        Carbon content of the product [kg C per declared unit].
    product_category_cpc : str
        UN CPC code of the product (required by PACT; look it up in the UN CPC v2.1 list).
    packaging_included : bool
        Whether packaging emissions are inside the footprint.

    Returns
    -------
    dict
        ProductFootprint; ``pcf`` values are per PACT declared unit [kg CO2e].
    """
    d = result.to_dict()
    p = result.product
    unit, amount = _declared(p.unit, p.amount)
    per = 1.0 / amount  # per one PACT declared unit
    ar = _GWP_TO_AR.get(d["gwp_set"])
    if ar is None:
        raise InputError([Problem(f"GWP set {d['gwp_set']} is not allowed in PACT v2 (AR5 or AR6).", hint="Calculate with --gwp-set AR6 or AR5.")])
    if not str(product_category_cpc).strip():
        raise InputError([Problem("productCategoryCpc is required by PACT v2.", hint="Give the product's UN CPC code (--cpc).")])
    for u in (company_id, product_id):
        if not str(u).lower().startswith("urn:"):
            raise InputError([Problem(f"'{u}' is not a URN.", hint="e.g. urn:tw:tax-id:12345678 or urn:gtin:4712345678901.")])
    secondary = sorted({(f["dataset"], f["edition"]) for f in d["factors"] if f.get("dataset") and not str(f["dataset"]).startswith(("custom", "supplier", "pact"))})
    cut = d["cutoff"]
    exempt = 100.0 * (1.0 - cut["covered_share"])
    now = created or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    alloc = "; ".join(f"{k}: {v['method']}" for k, v in d["allocation"].items()) or "no multi-output processes"
    pcf = {
        "declaredUnit": unit,
        "unitaryProductAmount": _dec(1.0),
        "pCfExcludingBiogenic": _dec(d["total_excluding_biogenic_kgco2e"] * per),
        "pCfIncludingBiogenic": _dec(d["total_kgco2e"] * per),
        "fossilGhgEmissions": _dec(d["fossil_kgco2e"] * per),
        "fossilCarbonContent": _dec(fossil_carbon_content),
        "biogenicCarbonContent": _dec(biogenic_carbon_content),
        "dLucGhgEmissions": _dec(max(d["dluc_kgco2e"] * per, 0.0)),
        "characterizationFactors": ar,
        "ipccCharacterizationFactorsSources": [ar],
        "crossSectoralStandardsUsed": ["ISO Standard 14067"],
        "boundaryProcessesDescription": f"{p.boundary}: " + "; ".join(f"{k} ({result.compiled.columns.loc[result.compiled.columns['process'] == k, 'stage'].iloc[0]})" for k in d["by_process"]),
        "referencePeriodStart": reference_period[0],
        "referencePeriodEnd": reference_period[1],
        "geographyCountry": "TW",
        "exemptedEmissionsPercent": round(exempt, 6),
        "exemptedEmissionsDescription": "; ".join(f"{x['process']}: {x['flow']} ({x['rule']})" for x in cut["excluded"]) if cut["excluded"] else "",
        "packagingEmissionsIncluded": bool(packaging_included),
        "allocationRulesDescription": f"ISO 14067 §6.4.6; {alloc}; recycling: {d['recycling_rule']}",
        "primaryDataShare": round(100.0 * d["primary_data_share"], 6),
    }
    if secondary:
        pcf["secondaryEmissionFactorSources"] = [{"name": ds, "version": ed} for ds, ed in secondary]
    return {
        "id": pf_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{company_id}/{product_id}/{now}")),
        "specVersion": SPEC_VERSION,
        "version": 1,
        "created": now,
        "status": "Active",
        "companyName": company_name,
        "companyIds": [company_id],
        "productDescription": p.functional_unit or p.name,
        "productIds": [product_id],
        "productCategoryCpc": product_category_cpc,
        "productNameCompany": p.name,
        "comment": f"Calculated with carbon (tansuan), GWP set {d['gwp_set']}; total {d['total_kgco2e']:.6g} kg CO2e per {d['declared_unit']['text']}.",
        "pcf": pcf,
    }


def factor_from_pact(doc: dict | str | Path, factor_id: str | None = None) -> dict:
    """A supplier's PACT ProductFootprint as a ``factors`` row (supplier-specific, primary).

    Parameters
    ----------
    doc : dict, str or Path
        The ProductFootprint (or a response ``{"data": {...}}``) or a JSON file with it.
    factor_id : str, optional
        Id for the factor; ``supplier/<productId tail>`` by default.

    Returns
    -------
    dict
        Row with ``factor_id, name, gas, value, unit, supplier, primary, data_quality, source``
        [kg CO2e per declared unit]; pCfExcludingBiogenic is used.
    """
    src = "PACT ProductFootprint"
    if isinstance(doc, str | Path):
        src = f"PACT file {Path(doc).name}"
        doc = json.loads(Path(doc).read_text(encoding="utf-8"))
    doc = doc.get("data", doc)
    problems = [Problem(f"PACT footprint lacks '{k}'.", hint="Ask the supplier for a complete PACT v2 ProductFootprint.") for k in ("pcf", "companyName", "productIds") if k not in doc]
    if problems:
        raise InputError(problems)
    pcf = doc["pcf"]
    unit = PACT_UNITS.get(pcf.get("declaredUnit"))
    if unit is None:
        raise InputError([Problem(f"declaredUnit '{pcf.get('declaredUnit')}' is not a PACT declared unit.")])
    value = float(pcf["pCfExcludingBiogenic"])
    amount = float(pcf.get("unitaryProductAmount", 1) or 1)
    dq = []
    if pcf.get("primaryDataShare") is not None:
        dq.append(f"primary data {pcf['primaryDataShare']} %")
    if pcf.get("dqi"):
        dq.append("dqi " + ", ".join(f"{k} {v}" for k, v in pcf["dqi"].items()))
    if pcf.get("assurance"):
        dq.append("assurance " + str(pcf["assurance"].get("coverage", "yes")))
    tail = str(doc["productIds"][0]).split(":")[-1]
    return {
        "factor_id": factor_id or f"supplier/{tail}",
        "name": doc.get("productNameCompany") or doc.get("productDescription") or tail,
        "gas": "CO2e",
        "value": value,
        "unit": f"kg CO2e/{unit}",
        "supplier": doc["companyName"],
        "primary": "yes",
        "data_quality": "; ".join(dq) or "not stated",
        "source": f"{src} id {doc.get('id')}, version {doc.get('version')}, {pcf.get('referencePeriodStart', '')}–{pcf.get('referencePeriodEnd', '')}, "
                  f"GWP {pcf.get('characterizationFactors', '')}, unitaryProductAmount {amount:g}",
    }


def factor_from_cbam(path: str | Path, good: str, factor_id: str | None = None) -> dict:
    """The embedded emissions of a good from a supplier's filled CBAM Communication template.

    Parameters
    ----------
    path : str or Path
        Filled Commission template (v2.1.x), read with :func:`carbon.cbam.read_template`.
    good : str
        Name or CN code of the good in the template.

    Returns
    -------
    dict
        ``factors`` row: value = direct + indirect specific embedded emissions
        [kg CO2e/kg = t CO2e/t], primary (installation data).  CBAM boundaries omit
        upstream fuel supply and transport; the data-quality note says so.
    """
    import carbon.cbam as cbam

    inp = cbam.read_template(path)
    res = cbam.calculate(inp)
    goods = list(res.goods)
    hit = [g for g in goods if good in (g.name, g.cn_code, g.process)]
    if not hit:
        raise InputError([Problem(f"no good '{good}' in the CBAM template.", file=str(path), hint="Goods: " + ", ".join(f"{g.name} ({g.cn_code})" for g in goods))])
    g = hit[0]
    inst = getattr(getattr(inp, "installation", None), "name", "") or ""
    return {
        "factor_id": factor_id or f"supplier/cbam-{g.cn_code}",
        "name": f"{g.name} (CN {g.cn_code})",
        "gas": "CO2e",
        "value": g.see_direct + g.see_indirect,
        "unit": "kg CO2e/kg",
        "supplier": inst,
        "primary": "yes",
        "data_quality": f"CBAM communication: SEE direct {g.see_direct:.6g} + indirect {g.see_indirect:.6g} t CO2e/t (installation data; CBAM boundary, no upstream fuel supply or transport)",
        "source": f"CBAM Communication template {Path(path).name}, good {g.name}",
    }
