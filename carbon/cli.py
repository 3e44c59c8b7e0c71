"""Command line: ``carbon factors …``, ``carbon inventory …``, ``carbon cbam …``.

Errors are printed as carbon's messages (what, where, how to fix) with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from carbon.errors import CarbonError

__all__ = ["main"]


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    return str(o)


def _clean(o):
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def _print_json(data) -> None:
    print(json.dumps(_clean(json.loads(json.dumps(data, default=_json_default))), ensure_ascii=False, indent=2))


# --- factors ---------------------------------------------------------------------------
def _factor_text(f) -> str:
    lines = [f"{f.id}  {f.name_zh} / {f.name_en}", f"  dataset {f.dataset}, edition {f.edition}; kind {f.kind}" + (f"; MOENV code {f.moenv_code}" if f.moenv_code else "")]
    for g, v in f.gases.items():
        ci = f"  (95 % interval {v.low:g} – {v.high:g})" if v.low is not None and v.high is not None else ""
        lines.append(f"  {g:6s} {v.value:>14,.10g} {v.unit}{ci}")
    if f.heat_value is not None:
        lines.append(f"  heat value {f.heat_value:,.10g} {f.heat_value_unit}")
    if f.valid_from:
        lines.append(f"  valid {f.valid_from}" + (f" – {f.valid_to}" if f.valid_to and f.valid_to != f.valid_from else "") + (f"; announced {f.announced}" if f.announced else ""))
    s = f.source
    lines.append(f"  source: {s.get('title_zh') or ''} {s.get('title') or ''} ({s.get('publisher') or ''}); {f.source_ref or ''}")
    if f.note:
        lines.append(f"  note: {f.note}")
    return "\n".join(lines)


def cmd_factors_search(a) -> int:
    from carbon.factors import load_registry

    hits = load_registry().search(a.query, dataset=a.dataset, limit=a.limit)
    if a.json:
        _print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print(f"No factor matches '{a.query}'.")
        return 1
    for f in hits:
        gases = ", ".join(f"{g} {v.value:g} {v.unit}" for g, v in f.gases.items())
        print(f"{f.id:48s} {f.name_zh}  [{gases}]")
    return 0


def cmd_factors_show(a) -> int:
    from carbon.factors import load_registry

    f = load_registry().get(a.id)
    if a.json:
        _print_json(f.to_dict())
    else:
        print(_factor_text(f))
    return 0


# --- inventory --------------------------------------------------------------------------
def _calc(a):
    from carbon.inventory import calculate
    from carbon.io import read_project

    project = read_project(a.file)
    return calculate(project, gwp_set=a.gwp_set, rounding=a.rounding)


def cmd_inventory_calc(a) -> int:
    res = _calc(a)
    d = res.to_dict()
    if a.json:
        _print_json(d)
        return 0
    print(f"{d['organisation']} — {d['reporting_year']}; GWP set {d['gwp_set']}; rounding {d['rounding']}")
    print(f"Total {d['total_tco2e']:,.4f} t CO2e (biogenic CO2 {d['biogenic_co2_t']:,.4f} t, reported separately)")
    print("By category: " + ", ".join(f"{k}: {v:,.4f}" for k, v in d["by_category"].items()))
    print("By scope:    " + ", ".join(f"{k}: {v:,.4f}" for k, v in d["by_scope"].items()))
    print("By gas:      " + ", ".join(f"{k}: {v['tco2e']:,.4f}" for k, v in d["by_gas"].items()))
    for s in d["sources"]:
        print(f"  {s['id']:10s} {s['category']:4s} {s['tco2e']:>14,.4f}  {s['name'] or ''}" + ("  (excluded)" if s["excluded"] else ""))
    dq, u = d["data_quality"], d["uncertainty"]
    if dq["score"] is not None:
        print(f"Data quality score {dq['score']:.2f} (level {dq['level']})")
    if u["lower_pct"] is not None:
        print(f"Uncertainty (95 %) −{u['lower_pct']:.3f} % / +{u['upper_pct']:.3f} %, covering {u['covered_share'] * 100:.3f} % of emissions")
    print("Factor editions: " + ", ".join(f"{k} {v}" for k, v in d["factor_editions"].items()))
    return 0


def cmd_inventory_explain(a) -> int:
    print(_calc(a).explain(a.source_id))
    return 0


def cmd_inventory_template(a) -> int:
    from carbon.io import write_template

    p = write_template(a.output, lang=a.lang)
    print(f"wrote {p}")
    return 0


def cmd_inventory_export(a) -> int:
    from carbon.moenv_workbook import write_moenv_workbook

    res = _calc(a)
    if not a.moenv:
        print("Only --moenv export is available here; reports (Word/PDF) come with the reporting module.", file=sys.stderr)
        return 2
    p = write_moenv_workbook(res.project, res, a.output)
    print(f"wrote {p}")
    return 0


def cmd_inventory_uncertainty(a) -> int:
    from carbon.uncertainty import uncertainty_report

    res = _calc(a)
    d = uncertainty_report(res.counted, iterations=a.iterations, seed=a.seed)
    d["deterministic_tco2e"] = res.total_tco2e
    inputs = res.uncertainty_inputs()
    d["inputs"] = {
        "factor_intervals_from_datasets": sorted(set(inputs.loc[inputs["factor"].str.startswith("95 %"), "factor_id"])),
        "records_without_activity_uncertainty": int((inputs["activity"] == "none").sum()),
        "records_without_factor_uncertainty": int((inputs["factor"] == "none").sum()),
        "note": "records without an interval are treated as certain in both approaches",
    }
    if a.json:
        _print_json(d)
        return 0
    print(f"Monte Carlo ({d['iterations']:,} iterations, seed {d['seed']}): mean {d['mean_tco2e']:,.3f} t CO2e, 95 % [{d['p2_5_tco2e']:,.3f}, {d['p97_5_tco2e']:,.3f}] (−{d['lower_pct']:.3f} % / +{d['upper_pct']:.3f} %)")
    an = d["analytic"]
    print(f"Approach 1 (表七): −{an['lower_pct']:.3f} % / +{an['upper_pct']:.3f} %")
    if d["inputs"]["factor_intervals_from_datasets"]:
        print("Factor intervals taken from the datasets (not given by you): " + ", ".join(d["inputs"]["factor_intervals_from_datasets"]))
    for c in d["contributions"][:10]:
        print(f"  {c['source_id']:10s} {c['share_of_variance'] * 100:6.2f} % of variance")
    return 0


# --- cbam -------------------------------------------------------------------------------
def _cbam_input(path: str):
    import carbon.cbam as cbam

    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        return cbam.load_cbam_yaml(p)
    return cbam.read_template(p)


def cmd_cbam_calc(a) -> int:
    import carbon.cbam as cbam

    res = cbam.calculate(_cbam_input(a.file))
    d = res.to_dict()
    if a.json:
        _print_json(d)
        return 0
    inst = d["installation"]
    print(f"Installation: direct {inst['direct_t']:,.3f} t CO2e, indirect {inst['indirect_t']:,.3f} t CO2e")
    for p in d["processes"]:
        print(f"  process {p['name']}: {p['activity_level_t']:,.3f} t; attributed direct {p['attributed_direct_t']:,.3f}, indirect {p['attributed_indirect_t']:,.3f}")
    for g in d["goods"]:
        print(f"  CN {g['cn_code']} ({g['process']}): SEE direct {g['see_direct']:.9g}, indirect {g['see_indirect']:.9g}, total {g['see_total']:.9g} t CO2e/t")
    return 0


def _cbam_goods(path: str, quantity: float | None) -> tuple[list[dict], list[str]]:
    """Goods of a CBAM file with their SEE and purchased precursors (mass per t of good)."""
    import carbon.cbam as cbam

    inp = _cbam_input(path)
    res = cbam.calculate(inp)
    procs = {p.name: p for p in inp.processes}
    bought = {p.name: p for p in inp.precursors}
    goods, notes = [], []
    for g in res.to_dict()["goods"]:
        proc = procs.get(g["process"])
        made = sum(proc.production_t) if proc is not None and proc.production_t else 0.0
        precursors = []
        if proc is not None and made > 0:
            for use in proc.precursors:
                pre = bought.get(use.precursor)
                if pre is not None and pre.cn_code:
                    precursors.append({"cn_code": pre.cn_code, "mass_t_per_t": use.mass_t / made})
                elif pre is not None:
                    notes.append(
                        f"precursor '{pre.name}' of CN {g['cn_code']} has no CN code in the file: its benchmark is not "
                        "deducted (Eq. 4), so actual values may look worse than they are; give its CN code in a CBAM YAML."
                    )
        goods.append({**g, "quantity_t": quantity if quantity is not None else 1.0, "precursors": precursors})
    return goods, notes


def cmd_cbam_cost(a) -> int:
    from carbon.cbam.cost import cost_table

    notes: list[str] = []
    if a.file:
        goods, notes = _cbam_goods(a.file, a.quantity)
    elif a.cn and a.quantity:
        goods = [{"cn_code": a.cn, "quantity_t": a.quantity}]  # no SEE: costed on default values
    else:
        print("error: give a CBAM FILE, or --cn and --quantity to cost default values.", file=sys.stderr)
        return 2
    table = cost_table(goods, a.year, a.price, country=a.country)
    d = table.to_dict()
    d["assumptions"] = list(d.get("assumptions") or []) + notes
    if a.file and a.quantity is None:
        d["assumptions"].append("no --quantity given: figures are per tonne of each good")
    if a.projection:
        d["projection"] = []
        for y in range(2026, 2035):
            t = cost_table(goods, y, a.price, country=a.country).to_dict()
            d["projection"].append({k: t.get(k) for k in ("year", "certificates", "cost_eur", "default_certificates", "default_cost_eur")})
    if a.json:
        _print_json(d)
        return 0
    print(f"CBAM certificates {a.year} at {a.price:,.2f} EUR/t CO2e")
    for g in d["goods"]:
        print(f"  CN {g.get('cn_code')}: {g.get('certificates', 0):,.4f} certificates, {g.get('cost_eur', 0):,.2f} EUR")
    for note in d["assumptions"]:
        print(f"  note: {note}")
    print(f"Total {d.get('certificates', 0):,.4f} certificates, {d.get('cost_eur', 0):,.2f} EUR; on default values {d.get('default_certificates', 0):,.4f} / {d.get('default_cost_eur', 0):,.2f} EUR")
    return 0


def cmd_cbam_template(a) -> int:
    import carbon.cbam as cbam

    inp = _cbam_input(a.file)
    res = cbam.calculate(inp)
    p = cbam.write_template(inp, res, a.output)
    print(f"wrote {p}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the CLI)."""
    p = argparse.ArgumentParser(prog="carbon", description="碳算 carbon — GHG inventory, product footprint and CBAM for Taiwanese manufacturers")
    sub = p.add_subparsers(dest="cmd", required=True)

    f = sub.add_parser("factors", help="look up emission factors").add_subparsers(dest="sub", required=True)
    s = f.add_parser("search", help="search by Chinese/English name, MOENV code, id or year")
    s.add_argument("query")
    s.add_argument("--dataset")
    s.add_argument("--limit", type=int, default=30)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_factors_search)
    s = f.add_parser("show", help="show one factor with its gases, heat value, interval and source")
    s.add_argument("id")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_factors_show)

    inv = sub.add_parser("inventory", help="organisational inventory (ISO 14064-1, MOENV forms)").add_subparsers(dest="sub", required=True)

    def common(sp):
        sp.add_argument("file")
        sp.add_argument("--gwp-set", dest="gwp_set", default=None, help="GWP set (default: the project's, MOENV-2024)")
        sp.add_argument("--rounding", choices=["exact", "moenv"], default="exact")

    s = inv.add_parser("calc", help="calculate an inventory")
    common(s)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_inventory_calc)
    s = inv.add_parser("explain", help="show the working of one source")
    common(s)
    s.add_argument("source_id")
    s.set_defaults(func=cmd_inventory_explain)
    s = inv.add_parser("template", help="write a blank inventory workbook")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--lang", choices=["zh-TW", "en"], default="zh-TW")
    s.set_defaults(func=cmd_inventory_template)
    s = inv.add_parser("export", help="export the MOENV workbook layout (表一–表八)")
    common(s)
    s.add_argument("--moenv", action="store_true", required=True)
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_inventory_export)
    s = inv.add_parser("uncertainty", help="Monte Carlo and Approach-1 uncertainty")
    common(s)
    s.add_argument("--iterations", type=int, default=10_000)
    s.add_argument("--seed", type=int, default=12345)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_inventory_uncertainty)

    cb = sub.add_parser("cbam", help="EU CBAM embedded emissions and certificates").add_subparsers(dest="sub", required=True)
    s = cb.add_parser("calc", help="specific embedded emissions from a Communication template or a CBAM YAML")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_cbam_calc)
    s = cb.add_parser("cost", help="certificates and cost per good, with the 2026–2034 projection")
    s.add_argument("file", nargs="?")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--price", type=float, required=True, help="certificate price [EUR/t CO2e]")
    s.add_argument("--cn", help="CN code (without FILE: on default values)")
    s.add_argument("--country", default="TW")
    s.add_argument("--quantity", type=float, help="imported quantity [t]")
    s.add_argument("--projection", action="store_true", help="add the 2026–2034 projection")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_cbam_cost)
    s = cb.add_parser("template", help="write the official Communication template filled with our data")
    s.add_argument("file")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_cbam_template)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``carbon`` command."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CarbonError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
