"""``carbon cbam …``: EU CBAM embedded emissions, certificates and the Communication template."""

from __future__ import annotations

import argparse
import sys

from carbon.cli._common import print_json


def _cbam_input(path: str):
    from carbon.formats.cbam_template import read_cbam

    return read_cbam(path)


def cmd_cbam_calc(a) -> int:
    """``carbon cbam calc``: specific embedded emissions from a Communication template or a CBAM YAML; returns the exit code (0)."""
    import carbon.cbam as cbam

    res = cbam.calculate(_cbam_input(a.file))
    d = res.to_dict()
    if a.json:
        print_json(d)
        return 0
    inst = d["installation"]
    print(f"Installation: direct {inst['direct_t']:,.3f} t CO2e, indirect {inst['indirect_t']:,.3f} t CO2e")
    for p in d["processes"]:
        print(
            f"  process {p['name']}: {p['activity_level_t']:,.3f} t; attributed direct {p['attributed_direct_t']:,.3f}, indirect {p['attributed_indirect_t']:,.3f}"
        )
    for g in d["goods"]:
        print(f"  CN {g['cn_code']} ({g['process']}) specific embedded emissions [t CO2e/t]:")
        print(f"    direct {g['see_direct']:.9g} + indirect {g['see_indirect']:.9g} = total {g['see_total']:.9g}")
        rule = (
            "direct and indirect count"
            if g["indirect_counted"]
            else "R 2023/956 Annex II good: only direct emissions count (Art 7(1))"
        )
        print(f"    embedded emissions for certificates {g['see_embedded']:.9g} ({rule})")
    return 0


def _precursor_route(pre) -> tuple[str | None, str]:
    """Benchmark route of a purchased precursor: the one printed with its default value (IR 2025/2621 Annex I)."""
    from carbon.cbam.defaults import benchmark_routes, default_see
    from carbon.errors import CarbonError

    if not benchmark_routes(pre.cn_code):
        return None, ""
    try:
        d = default_see(pre.cn_code, pre.country or None, 2026)
    except CarbonError:
        return None, ""
    if not d.route or len(d.route) != 1:
        return None, ""
    note = (
        f"precursor '{pre.name}' (CN {pre.cn_code}): benchmark route ({d.route}) as printed with its default value "
        f"for {d.country} (IR 2025/2621 Annex I, {d.source}); IR 2025/2620 Eq 4"
    )
    return d.route, note


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
                    route, note = _precursor_route(pre)
                    precursors.append({"cn_code": pre.cn_code, "mass_t_per_t": use.mass_t / made, "route": route})
                    notes += [note] if note and note not in notes else []
                elif pre is not None:
                    notes.append(
                        f"precursor '{pre.name}' of CN {g['cn_code']} has no CN code in the file: its benchmark is not "
                        "deducted (Eq. 4), so actual values may look worse than they are; give its CN code in a CBAM YAML."
                    )
        goods.append({**g, "quantity_t": quantity if quantity is not None else 1.0, "precursors": precursors})
    return goods, notes


def cmd_cbam_cost(a) -> int:
    """``carbon cbam cost``: certificates and cost [EUR] per good, optionally with the 2026–2034 projection; returns the exit code (2: neither FILE nor --cn with --quantity)."""
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
            d["projection"].append(
                {k: t.get(k) for k in ("year", "certificates", "cost_eur", "default_certificates", "default_cost_eur")}
            )
    if a.json:
        print_json(d)
        return 0
    print(f"CBAM certificates {a.year} at {a.price:,.2f} EUR/t CO2e")
    for g in d["goods"]:
        print(f"  CN {g.get('cn_code')}: {g.get('certificates', 0):,.4f} certificates, {g.get('cost_eur', 0):,.2f} EUR")
    for note in d["assumptions"]:
        print(f"  note: {note}")
    print(
        f"Total {d.get('certificates', 0):,.4f} certificates, {d.get('cost_eur', 0):,.2f} EUR; on default values {d.get('default_certificates', 0):,.4f} / {d.get('default_cost_eur', 0):,.2f} EUR"
    )
    return 0


def cmd_cbam_template(a) -> int:
    """``carbon cbam template``: write the official Communication template filled with our data; returns the exit code (0)."""
    import carbon.cbam as cbam
    from carbon.formats.cbam_template import write_template

    inp = _cbam_input(a.file)
    res = cbam.calculate(inp)
    p = write_template(inp, res, a.output)
    print(f"wrote {p}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon cbam calc|cost|template``."""
    cb = sub.add_parser("cbam", help="EU CBAM embedded emissions and certificates").add_subparsers(
        dest="sub", required=True
    )
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
