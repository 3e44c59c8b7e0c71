"""``carbon inventory …``: organisational inventory (ISO 14064-1, MOENV forms)."""

from __future__ import annotations

import argparse
import sys

from carbon.cli._common import print_json


def _calc(a):
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    project = read_project(a.file)
    return calculate(project, gwp_set=a.gwp_set, rounding=a.rounding)


def cmd_inventory_calc(a) -> int:
    """``carbon inventory calc``: calculate an inventory and print its totals [t CO2e]; returns the exit code (0)."""
    res = _calc(a)
    d = res.to_dict()
    if a.json:
        print_json(d)
        return 0
    print(f"{d['organisation']} — {d['reporting_year']}; GWP set {d['gwp_set']}; rounding {d['rounding']}")
    print(f"Total {d['total_tco2e']:,.4f} t CO2e (biogenic CO2 {d['biogenic_co2_t']:,.4f} t, reported separately)")
    print(f"  {d['total_basis']}")
    print(f"Registrable (categories 1 and 2; MOENV registry, carbon fee) {d['registrable_tco2e']:,.4f} t CO2e")
    s2 = d["scope2"]
    print(f"Scope 2: location-based {s2['location_based']:,.4f}, market-based {s2['market_based']:,.4f}; in the total {s2['moenv']:,.4f} ({s2['moenv_rule']})")
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
    """``carbon inventory explain``: print the working of one source; returns the exit code (0)."""
    print(_calc(a).explain(a.source_id))
    return 0


def cmd_inventory_template(a) -> int:
    """``carbon inventory template``: write a blank inventory workbook; returns the exit code (0)."""
    from carbon.formats.project import write_template

    p = write_template(a.output, lang=a.lang)
    print(f"wrote {p}")
    return 0


def cmd_inventory_export(a) -> int:
    """``carbon inventory export``: write the MOENV workbook layout (表一–表八); returns the exit code (2: without --moenv)."""
    from carbon.formats.moenv import write_moenv_workbook

    res = _calc(a)
    if not a.moenv:
        print("Only --moenv export is available here; reports (Word/PDF) come with the reporting module.", file=sys.stderr)
        return 2
    p = write_moenv_workbook(res.project, res, a.output)
    print(f"wrote {p}")
    return 0


def cmd_inventory_uncertainty(a) -> int:
    """``carbon inventory uncertainty``: Monte Carlo and Approach-1 uncertainty of an inventory; returns the exit code (0)."""
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
        print_json(d)
        return 0
    print(f"Monte Carlo ({d['iterations']:,} iterations, seed {d['seed']}): mean {d['mean_tco2e']:,.3f} t CO2e, 95 % [{d['p2_5_tco2e']:,.3f}, {d['p97_5_tco2e']:,.3f}] (−{d['lower_pct']:.3f} % / +{d['upper_pct']:.3f} %)")
    an = d["analytic"]
    print(f"Approach 1 (表七): −{an['lower_pct']:.3f} % / +{an['upper_pct']:.3f} %")
    if d["inputs"]["factor_intervals_from_datasets"]:
        print("Factor intervals taken from the datasets (not given by you): " + ", ".join(d["inputs"]["factor_intervals_from_datasets"]))
    for c in d["contributions"][:10]:
        print(f"  {c['source_id']:10s} {c['share_of_variance'] * 100:6.2f} % of variance")
    return 0


def _common(sp) -> None:
    sp.add_argument("file")
    sp.add_argument("--gwp-set", dest="gwp_set", default=None, help="GWP set (default: the project's, MOENV-2024)")
    sp.add_argument("--rounding", choices=["exact", "moenv"], default="exact")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon inventory calc|explain|template|export|uncertainty``."""
    inv = sub.add_parser("inventory", help="organisational inventory (ISO 14064-1, MOENV forms)").add_subparsers(dest="sub", required=True)
    s = inv.add_parser("calc", help="calculate an inventory")
    _common(s)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_inventory_calc)
    s = inv.add_parser("explain", help="show the working of one source")
    _common(s)
    s.add_argument("source_id")
    s.set_defaults(func=cmd_inventory_explain)
    s = inv.add_parser("template", help="write a blank inventory workbook")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--lang", choices=["zh-TW", "en"], default="zh-TW")
    s.set_defaults(func=cmd_inventory_template)
    s = inv.add_parser("export", help="export the MOENV workbook layout (表一–表八)")
    _common(s)
    s.add_argument("--moenv", action="store_true", required=True)
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_inventory_export)
    s = inv.add_parser("uncertainty", help="Monte Carlo and Approach-1 uncertainty")
    _common(s)
    s.add_argument("--iterations", type=int, default=10_000)
    s.add_argument("--seed", type=int, default=12345)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_inventory_uncertainty)
