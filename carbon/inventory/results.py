"""Functions over an :class:`~carbon.inventory.model.InventoryResult`.

Totals, scope 2 both ways, the JSON form, exclusions and the working of one source.

Everything here is vectorised over the records (group-bys and array look-ups): the JSON
of 100,000 sources is assembled in about a second (``bench/inventory_json.py``).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from carbon.accounting import compute_records
from carbon.errors import CalculationError, did_you_mean

if TYPE_CHECKING:
    from carbon.inventory.model import InventoryResult

__all__ = [
    "MOENV_SCOPE2_RULE",
    "TOTAL_BASIS",
    "exclusions",
    "explain",
    "registrable_tco2e",
    "scope2",
    "to_dict",
    "totals_by",
    "totals_by_gas",
    "uncertainty_inputs",
]

#: What the inventory total is.
TOTAL_BASIS = (
    "ISO 14064-1:2018 total of all included categories (1–6), biogenic CO2 reported separately; "
    "scope 2 in it by the MOENV rule"
)
#: The MOENV rule for purchased electricity in the inventory total.
MOENV_SCOPE2_RULE = (
    "MOENV: purchased electricity × the announced grid factor of the data year, renewable-energy "
    "certificates bundled with the electricity (電證合一) counted 0"
)


def totals_by(res: InventoryResult, col: str) -> dict[str, float]:
    """CO2e of the counted records by one column (category, scope, facility …) [t CO2e]."""
    g = res.counted.groupby(col, observed=True)["co2e_t"].sum()
    return {str(k): res._round(v) for k, v in g.items()}


def totals_by_gas(res: InventoryResult) -> dict[str, dict[str, float]]:
    """Mass [t] and CO2e [t CO2e] of the counted records by gas."""
    g = res.counted.groupby("gas", observed=True)[["mass_t", "co2e_t"]].sum()
    return {str(k): {"mass_t": float(m), "tco2e": res._round(c)} for k, m, c in zip(g.index, g["mass_t"], g["co2e_t"], strict=True)}


def registrable_tco2e(res: InventoryResult) -> float:
    """Categories 1 and 2 of the counted records: the figure registered with MOENV [t CO2e].

    References
    ----------
    .. [1] 溫室氣體排放量盤查登錄管理辦法 (2024), 第 2 條 and 附件: registration covers direct
       emissions and indirect emissions from imported energy (ISO 14064-1 categories 1 and 2).
    .. [2] 碳費收費辦法 (2024), 第 3 條: the carbon fee is levied on those emissions.
    """
    r = res.counted
    cat = r["iso_category"].astype(str).to_numpy()
    return res._round(float(r["co2e_t"].to_numpy()[(cat == "1") | (cat == "2")].sum()), 3)


def _counted_activities(res: InventoryResult) -> pd.DataFrame:
    """The prepared activity rows of counted sources that have certificates or a supplier factor."""
    act = res.activities
    if act is None or len(act) == 0:
        return pd.DataFrame()
    special = (act["certificate_amount"].to_numpy(dtype=float) > 0) | act["market_factor_id"].notna().to_numpy(dtype=bool)
    if not special.any():
        return pd.DataFrame()
    act = act[special]
    ids = set(res.counted["source_id"].astype(str).unique().tolist())
    return act[act["source_id"].astype(str).isin(ids)]


def _co2e_with(res: InventoryResult, act: pd.DataFrame, amount: pd.Series, factor_id: pd.Series) -> float:
    """Non-biogenic CO2e of activity rows with another amount or factor [t CO2e]."""
    rows = pd.DataFrame(
        {
            "source_id": act["source_id"].astype(str).to_numpy(),
            "activity_amount": np.asarray(amount, dtype=float),
            "activity_unit": act["activity_unit"].astype(object).to_numpy(),
            "factor_id": np.asarray(factor_id, dtype=object),
            "allocation": act["allocation"].to_numpy(dtype=float) if "allocation" in act else 1.0,
        }
    )
    rec = compute_records(rows, res.registry, res.gwp_set, rounding=res.rounding)
    share = _equity_shares(res, act)[rec["source_id"].cat.codes.to_numpy()]
    return float((rec["co2e_t"].to_numpy() * share)[~rec["biogenic"].to_numpy(dtype=bool)].sum())


def _equity_shares(res: InventoryResult, act: pd.DataFrame) -> np.ndarray:
    """The organisation's share of each activity row's facility (1 unless the equity-share approach applies)."""
    if res.project.organisation.boundary_approach != "equity_share":
        return np.ones(len(act))
    fac = res.project.facilities
    shares = dict(zip(fac["facility_id"].astype(str), pd.to_numeric(fac["equity_share"], errors="coerce"), strict=True))
    facility = act["facility"].astype(object)
    if len(shares) == 1:
        facility = facility.where(facility.notna(), next(iter(shares)))
    return facility.map(lambda f: shares.get(str(f), 1.0)).to_numpy(dtype=float)


def scope2(res: InventoryResult) -> dict:
    """Scope 2 both ways as the GHG Protocol Scope 2 Guidance defines them, and by the MOENV rule [t CO2e].

    * ``location_based``: all purchased electricity × the grid factor, certificates ignored.
    * ``market_based``: certificates (電證合一) count 0 and supplier factors
      (``market_factor_id``) replace the grid factor; the rest stays at the grid factor,
      since Taiwan publishes no residual mix.
    * ``moenv``: the figure in the inventory total (grid factor, certificates counted 0),
      with ``moenv_rule`` saying so.

    Scope 2 also holds imported steam and other energy (category 2.2), the same in all three.

    References
    ----------
    .. [1] GHG Protocol Scope 2 Guidance (WRI/WBCSD 2015), ch. 4 and 6 (dual reporting),
       Table 6.3 (contractual instruments: certificates, supplier-specific factors).
    .. [2] 環境部 溫室氣體排放量盤查登錄作業指引 (2024), 外購電力 and 再生能源憑證.
    """
    r = res.counted
    moenv = float(r.loc[r["scope"].astype(str) == "2", "co2e_t"].sum())
    location, market = moenv, moenv
    act = _counted_activities(res)
    if len(act):
        cert = act[act["certificate_amount"].to_numpy(dtype=float) > 0]
        if len(cert):
            location += _co2e_with(res, cert, cert["certificate_amount"], cert["factor_id"].astype(object))
        mk = act[act["market_factor_id"].notna().to_numpy(dtype=bool)]
        if len(mk):
            grid = float(r.loc[r["source_id"].astype(str).isin(mk["source_id"].astype(str)), "co2e_t"].sum())
            market += _co2e_with(res, mk, mk["activity_amount"], mk["market_factor_id"].astype(object)) - grid
    return {
        "location_based": res._round(location),
        "market_based": res._round(market),
        "moenv": res._round(moenv),
        "moenv_rule": MOENV_SCOPE2_RULE,
    }


def uncertainty_inputs(res: InventoryResult) -> pd.DataFrame:
    """Where each counted record's uncertainty comes from (the user, the factor's dataset, or nowhere).

    A factor interval the user did not give is the 95 % interval the factor's dataset
    publishes (e.g. IPCC 2006 Table 1.4 via the MOENV 2024 announcement), and is named so.
    """
    r = res.counted
    sources = res.project.sources
    src = sources.set_index(sources["source_id"].astype(str))
    user_ef = pd.Series(False, index=src.index)
    for c in ("ef_low_pct", "ef_high_pct"):
        if c in src:
            user_ef |= pd.to_numeric(src[c], errors="coerce").notna()
    sid = r["source_id"].astype(str)
    given = sid.map(user_ef).fillna(False).to_numpy(dtype=bool)
    has_ef = r["ef_low_pct"].notna().to_numpy() | r["ef_high_pct"].notna().to_numpy()
    has_ad = r["ad_low_pct"].notna().to_numpy() | r["ad_high_pct"].notna().to_numpy()
    ds = r["factor_dataset"].astype(str).to_numpy()
    ef_origin = np.where(given, "user", np.where(has_ef, np.char.add("95 % interval of dataset ", ds.astype(str)), "none"))
    return pd.DataFrame(
        {
            "source_id": sid.to_numpy(),
            "gas": r["gas"].astype(str).to_numpy(),
            "factor_id": r["factor_id"].astype(str).to_numpy(),
            "activity": np.where(has_ad, "user", "none"),
            "factor": ef_origin,
        }
    )


def exclusions(res: InventoryResult) -> list[dict]:
    """Excluded sources with the justification carried into the report."""
    s = res.project.sources
    ids = s["source_id"].astype(str).to_numpy()
    cats = s["iso_category"].to_numpy(dtype=object) if "iso_category" in s else np.full(len(s), None, dtype=object)
    reasons = s["exclusion_reason"].to_numpy(dtype=object) if "exclusion_reason" in s else np.full(len(s), None, dtype=object)
    first: dict[str, int] = {}
    for k, i in enumerate(ids.tolist()):
        first.setdefault(i, k)
    sig = res.significance.set_index("source_id")["reason"].to_dict() if len(res.significance) else {}
    out = []
    for sid in res.excluded_sources:
        k = first[sid]
        reason = reasons[k]
        reason = None if reason is None or pd.isna(reason) else str(reason)
        if sid in sig:
            reason = f"{reason}; " if reason else ""
            reason += f"not significant: {sig[sid]}"
        out.append({"id": sid, "category": str(cats[k]), "reason": reason})
    return out


def _names(res: InventoryResult) -> dict:
    """Source id → name (None where blank)."""
    s = res.project.sources
    if "name" not in s:
        return {}
    return {k: (None if pd.isna(v) else str(v)) for k, v in zip(s["source_id"].tolist(), s["name"].tolist(), strict=True)}


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while building many acyclic objects (reference counting still frees them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _source_entries(res: InventoryResult) -> list[dict]:
    """One JSON entry per source with its gases and factors, built from record arrays (no per-source pandas work)."""
    rec = res.records
    codes = rec["source_id"].cat.codes.to_numpy()
    cats = rec["source_id"].cat.categories.astype(object).tolist()
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]]) if len(sc) else np.empty(0, dtype=np.intp)
    ends = np.r_[starts[1:], len(sc)].astype(np.intp)
    bio = rec["biogenic"].to_numpy(dtype=bool)
    co2e = rec["co2e_t"].to_numpy(dtype=float)
    tco2e = np.bincount(codes, weights=np.where(bio, 0.0, co2e), minlength=len(cats))
    first = order[starts]
    scope_raw = rec["scope"].astype(object).to_numpy()[first]
    scope = [int(x) if pd.notna(x) else None for x in scope_raw] if len(scope_raw) < 1000 else _int_or_none(scope_raw)
    sub = rec["iso_subcategory"].astype(str).to_numpy()[first].tolist()
    gas, mass, gwp = (rec[c].astype(str).to_numpy()[order].tolist() if c == "gas" else rec[c].to_numpy(dtype=float)[order].tolist() for c in ("gas", "mass_t", "gwp"))
    co2e_l, bio_l = co2e[order].tolist(), bio[order].tolist()
    # the distinct (factor, dataset, edition) of each source, in record order, found vectorised
    fkey = np.zeros(len(codes), dtype=np.int64)
    for col in ("factor_id", "factor_dataset", "factor_edition"):
        fcode = rec[col].cat.codes.to_numpy().astype(np.int64) + 1
        fkey = fkey * (int(fcode.max(initial=0)) + 1) + fcode
    first_fac = ~pd.DataFrame({"s": sc, "k": fkey[order]}).duplicated().to_numpy()
    fac_pos = np.flatnonzero(first_fac)
    fac_l = list(zip(*(rec[c].astype(str).to_numpy()[order][fac_pos].tolist() for c in ("factor_id", "factor_dataset", "factor_edition")), strict=True))
    fac_start = np.searchsorted(fac_pos, starts).tolist()
    fac_end = np.searchsorted(fac_pos, ends).tolist()
    names, excluded = _names(res), set(res.excluded_sources)
    rounded = [res._round(v) for v in tco2e.tolist()] if res.rounding == "moenv" else tco2e.tolist()
    entries: dict[int, dict[str, Any]] = {}
    with _no_cyclic_gc():  # many small acyclic dicts: the cyclic collector would rescan them again and again
        for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            c = int(sc[a])
            sid = cats[c]
            entries[c] = {
                "id": str(sid),
                "name": names.get(sid),
                "category": sub[k],
                "scope": scope[k],
                "tco2e": rounded[c],
                "excluded": str(sid) in excluded,
                "gases": {
                    gas[j]: {"mass_t": mass[j], "gwp": gwp[j], "tco2e": co2e_l[j], "biogenic": bio_l[j]} for j in range(a, b)
                },
                "factors": [{"id": f, "dataset": d, "edition": e} for f, d, e in fac_l[fac_start[k] : fac_end[k]]],
            }
    return [entries[int(c)] for c in pd.unique(codes)]


def _int_or_none(values: np.ndarray) -> list:
    """Scopes as int or None, one decision per distinct value."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    lut = [int(u) if pd.notna(u) else None for u in uniq] + [None]
    return [lut[c] for c in codes.tolist()]


def to_dict(res: InventoryResult) -> dict:
    """The JSON of ``carbon inventory calc --json``.

    ``total_tco2e`` is the ISO 14064-1 total of all included categories (``total_basis``);
    ``registrable_tco2e`` is categories 1 and 2, the figure registered with MOENV and
    charged the carbon fee; ``scope2`` gives location- and market-based scope 2 and the
    MOENV figure used in the totals.
    """
    unc = res.uncertainty
    return {
        "organisation": res.project.organisation.name,
        "reporting_year": res.project.organisation.reporting_year,
        "gwp_set": res.gwp_set,
        "rounding": res.rounding,
        "total_tco2e": res.total_tco2e,
        "total_basis": TOTAL_BASIS,
        "registrable_tco2e": res.registrable_tco2e,
        "biogenic_co2_t": res.biogenic_co2_t,
        "by_category": res.by_category,
        "by_subcategory": res.by_subcategory,
        "by_scope": res.by_scope,
        "scope2": res.scope2,
        "by_facility": res.by_facility,
        "by_gas": res.by_gas,
        "sources": _source_entries(res),
        "excluded_sources": res.exclusions(),
        "data_quality": res.data_quality.to_dict(),
        "uncertainty": {"lower_pct": unc.lower_pct, "upper_pct": unc.upper_pct, "covered_share": unc.covered_share},
        "factor_editions": res.factor_editions,
    }


def _record_lines(res: InventoryResult, x: pd.Series) -> list[str]:
    """The working of one record: activity × heat value × factor × GWP, and the factor's provenance."""
    f = res.registry.get(str(x["factor_id"]))
    act = f"{x['activity_amount']:,.6g} {x['activity_unit']}"
    if x["allocation"] != 1:
        act += f" × allocation {x['allocation']:g}"
    hv = ""
    if pd.notna(x["heat_value"]):
        hv = f" × heat value {x['heat_value']:,.6g} {x['heat_value_unit']} ({x['heat_value_origin']})"
    ch4 = f" [{x['ch4_kind']}]" if pd.notna(x["ch4_kind"]) else ""
    lines = [
        f"  {x['gas']}: {act}{hv} × {x['factor_value']:,.10g} {x['factor_unit']} = {x['mass_t']:,.6f} t {x['gas']}"
        f" × GWP {x['gwp']:g}{ch4} = {x['co2e_t']:,.4f} t CO2e"
    ]
    src = f.source.get("title_zh") or f.source.get("title") or ""
    ref = f.gases[str(x["gas"])].source_ref if str(x["gas"]) in f.gases else f.source_ref
    lines.append(f"      factor {f.id} — {f.name_zh} / {f.name_en}; dataset {f.dataset} edition {f.edition}; {src}; {ref or ''}")
    if isinstance(x.get("note"), str) and x["note"]:
        lines.append(f"      note: {x['note']}")
    return lines


def explain(res: InventoryResult, source_id: str) -> str:
    """The working of one source: activity × heat value × factor × GWP, with units and sources.

    Raises
    ------
    CalculationError
        When the inventory has no such source (with the closest ids).
    """
    r = res.records[res.records["source_id"] == source_id]
    if r.empty:
        msg = f"No source '{source_id}' in this inventory. {did_you_mean(source_id, res.records['source_id'].astype(str).unique())}"
        raise CalculationError(msg)
    first = r.iloc[0]
    name = first["source_name"] if pd.notna(first["source_name"]) else ""
    lines = [f"{source_id} {name} — ISO 14064-1 {first['iso_subcategory']} (scope {first['scope']})"]
    lines.append(f"GWP set: {res.gwp_set}; rounding: {res.rounding}")
    for _, x in r.iterrows():
        lines += _record_lines(res, x)
    total = r.loc[~r["biogenic"].astype(bool), "co2e_t"].sum()
    lines.append(f"  total {total:,.4f} t CO2e" + (" (excluded from the inventory total)" if source_id in res.excluded_sources else ""))
    if str(first["iso_subcategory"]) == "2.1":
        lines.append(f"  in the total by the rule {MOENV_SCOPE2_RULE} (location- and market-based scope 2: see scope2)")
    return "\n".join(lines)
