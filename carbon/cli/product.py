"""``carbon product …``: product carbon footprints (ISO 14067 / Taiwan CFP)."""

from __future__ import annotations

import argparse

from carbon.cli._common import print_json


def _calc(a):
    from carbon.formats.product import read_product
    from carbon.product import calculate

    return calculate(read_product(a.file), gwp_set=a.gwp_set)


def _text(r) -> str:
    d = r.to_dict()
    lines = [f"{d['declared_unit']['text']} ({d['boundary']}, GWP {d['gwp_set']}): {d['total_kgco2e']:,.6g} kg CO2e"]
    lines.append(f"  fossil {d['fossil_kgco2e']:,.6g}; biogenic {d['biogenic_kgco2e']:,.6g}; dLUC {d['dluc_kgco2e']:,.6g} kg CO2e")
    lines.append("  by stage: " + "; ".join(f"{k} {v:,.4g}" for k, v in d["by_stage"].items()))
    lines.append("  by process: " + "; ".join(f"{k} {v:,.4g}" for k, v in d["by_process"].items()))
    lines.append("  hotspots: " + "; ".join(f"{h['process']} / {h['input']} {h['share']:.1%}" for h in d["hotspots"]))
    cut = d["cutoff"]
    lines.append(f"  cut-off: {cut['covered_share']:.2%} of input mass covered; {len(cut['excluded'])} flow(s) excluded; primary data {d['primary_data_share']:.1%}")
    if d.get("factory"):
        f = d["factory"]
        lines.append(f"  factory {f['inventory']}: {f['factory_total_tco2e']:,.6g} t CO2e allocated by {f['basis']} = " + " + ".join(f"{k} {v:,.6g}" for k, v in f["allocated_tco2e"].items()) + (" (adds up)" if f["adds_up"] else " (DOES NOT ADD UP)"))
    lines.append("  factors: " + "; ".join(f"{x['id']} ({x['dataset']} {x['edition']})" for x in d["factors"]))
    return "\n".join(lines)


def cmd_product_calc(a) -> int:
    """``carbon product calc``: footprint [kg CO2e per declared unit] of every product of a product file; returns the exit code (0)."""
    res = _calc(a)
    if a.json:
        print_json(res.to_dict())
        return 0
    for r in res.results:
        print(_text(r))
    return 0


def cmd_product_explain(a) -> int:
    """``carbon product explain``: show how one process contributes to a product's footprint; returns the exit code (0)."""
    res = _calc(a)
    for r in res.results if a.product is None else [res[a.product]]:
        print(r.explain(a.process))
    return 0


def cmd_product_template(a) -> int:
    """``carbon product template``: write the product workbook with a worked example; returns the exit code (0)."""
    from carbon.formats.product.template import write_template

    out = write_template(a.output, lang=a.lang)
    print(f"wrote {out}")
    return 0


def cmd_product_uncertainty(a) -> int:
    """``carbon product uncertainty``: Monte Carlo of every product's footprint (factors shared); returns the exit code (0)."""
    from carbon.product.mc import monte_carlo

    res = _calc(a)
    mc = monte_carlo(res, iterations=a.iterations, seed=a.seed)
    mc.pop("samples")
    if a.json:
        print_json(mc)
        return 0
    for p in mc["products"]:
        print(f"{p['name']}: {p['total_kgco2e']:,.6g} kg CO2e; Monte Carlo ({mc['iterations']} draws, seed {a.seed}) median {p['median']:,.6g}, 95 % {p['p2_5']:,.6g} – {p['p97_5']:,.6g}")
    if mc["without_uncertainty"]:
        print(f"  no uncertainty given for: {', '.join(mc['without_uncertainty'])}")
    return 0


def cmd_product_pact(a) -> int:
    """``carbon product pact``: export a footprint as a PACT v2 ProductFootprint (JSON); returns the exit code (0)."""
    from carbon.formats.product.pact import to_pact

    res = _calc(a)
    r = res.results[0] if a.product is None else res[a.product]
    doc = to_pact(r, company_name=a.company, company_id=a.company_id, product_id=a.product_id, reference_period=tuple(a.period),
                  fossil_carbon_content=a.fossil_carbon_content, biogenic_carbon_content=a.biogenic_carbon_content,
                  product_category_cpc=a.cpc, packaging_included=a.packaging_included)
    if a.output:
        import json
        from pathlib import Path

        Path(a.output).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {a.output}")
    else:
        print_json(doc)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon product calc|explain|template|uncertainty|pact``."""
    p = sub.add_parser("product", help="product carbon footprint (ISO 14067, tw-cfp factors)").add_subparsers(dest="sub", required=True)
    s = p.add_parser("calc", help="footprint of every product of a product file")
    s.add_argument("file")
    s.add_argument("--gwp-set", dest="gwp_set")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_product_calc)
    s = p.add_parser("explain", help="show how one process contributes")
    s.add_argument("file")
    s.add_argument("process")
    s.add_argument("--product")
    s.add_argument("--gwp-set", dest="gwp_set")
    s.set_defaults(func=cmd_product_explain)
    s = p.add_parser("template", help="write the product workbook with a worked example")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--lang", choices=["zh-TW", "en"], default="zh-TW")
    s.set_defaults(func=cmd_product_template)
    s = p.add_parser("uncertainty", help="Monte Carlo of every product's footprint (factors shared)")
    s.add_argument("file")
    s.add_argument("--iterations", type=int, default=10_000)
    s.add_argument("--seed", type=int, default=12345)
    s.add_argument("--gwp-set", dest="gwp_set")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_product_uncertainty)
    s = p.add_parser("pact", help="export a footprint as a PACT v2 ProductFootprint (JSON)")
    s.add_argument("file")
    s.add_argument("--product")
    s.add_argument("--company", required=True, help="company name")
    s.add_argument("--company-id", dest="company_id", required=True, help="company id URN, e.g. urn:tw:tax-id:12345678")
    s.add_argument("--product-id", dest="product_id", required=True, help="product id URN, e.g. urn:gtin:4712345678901")
    s.add_argument("--period", nargs=2, required=True, metavar=("START", "END"), help="reference period, ISO date-times, e.g. 2024-01-01T00:00:00Z 2025-01-01T00:00:00Z")
    s.add_argument("--fossil-carbon-content", dest="fossil_carbon_content", type=float, required=True, help="kg C per declared unit")
    s.add_argument("--biogenic-carbon-content", dest="biogenic_carbon_content", type=float, default=0.0, help="kg C per declared unit (default 0)")
    s.add_argument("--cpc", required=True, help="UN CPC code of the product")
    s.add_argument("--packaging-included", dest="packaging_included", action="store_true")
    s.add_argument("--gwp-set", dest="gwp_set")
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_product_pact)
