"""``carbon diagnose``, ``carbon fee``, ``carbon subsidy``, ``carbon diagnosis-template``: the low-carbon diagnosis."""

from __future__ import annotations

import argparse
import sys

from carbon.cli._common import print_json


def _inventory(path: str, gwp_set: str | None = None, rounding: str = "exact"):
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    return calculate(read_project(path), gwp_set=gwp_set, rounding=rounding)


def cmd_diagnose(a) -> int:
    """``carbon diagnose``: hotspots, measures, MACC, target, carbon fee and financing of an inventory; returns the exit code (2: --target-pct without --target-year or the reverse)."""
    from carbon.diagnosis import diagnose, read_diagnosis

    res = _inventory(a.inventory, a.gwp_set, a.rounding)
    d = read_diagnosis(a.measures) if a.measures else None
    base_path = a.base or (d.base_inventory if d is not None else None)
    base = _inventory(base_path) if base_path else None
    if (a.target_pct is None) != (a.target_year is None):
        print("error: give --target-pct and --target-year together.", file=sys.stderr)
        return 2
    dg = diagnose(res, d, base=base, target_pct=a.target_pct, target_year=a.target_year)
    if a.json:
        print_json(dg.to_dict())
        return 0
    print(dg.summary())
    if a.explain and dg.portfolio is not None:
        print()
        print(dg.portfolio.explain())
    return 0


def cmd_fee(a) -> int:
    """``carbon fee``: Taiwan carbon fee [NT$] from emissions [t CO2e] or an inventory; returns the exit code (2: not exactly one of FILE and --emissions)."""
    from carbon.fee import carbon_fee, fee_from_inventory

    kw = {"high_leakage": a.high_leakage, "plan": a.plan, "period": a.period, "offsets_t": a.offsets}
    if (a.file is None) == (a.emissions is None):
        print("error: give either --emissions T or an inventory FILE.", file=sys.stderr)
        return 2
    basis = None
    if a.file:
        basis, fee = fee_from_inventory(_inventory(a.file, rounding=a.rounding), **kw)
    else:
        fee = carbon_fee(a.emissions, **kw)
    if a.json:
        d = fee.to_dict()
        if basis is not None:
            d["basis"] = basis.to_dict()
            d["per_site"] = {k: v.to_dict() for k, v in basis.per_site(**kw).items()}
        print_json(d)
        return 0
    if basis is not None:
        print("Which emissions count (direct + electricity-indirect; steam and other indirect do not):")
        for r in basis.sources.itertuples():
            print(f"  {r.source_id:8s} {r.iso_subcategory:4s} {r.co2e_t:>14,.4f} t  {'counts' if r.counts else '—     '}  {r.name}  ({r.reason})")
        print(f"  direct {basis.direct_t:,.4f} t + electricity {basis.electricity_t:,.4f} t = {basis.emissions_t:,.4f} t CO2e")
        if len(basis.by_facility) > 1:
            for fac, site in basis.per_site(**kw).items():
                print(f"  site {fac}: {site.emissions_t:,.4f} t → fee NT${site.fee_ntd:,} (the fee applies per site)")
    print(fee.explain())
    return 0


def cmd_subsidy_check(a) -> int:
    """``carbon subsidy check``: check a budget file against the programme's subsidy rules; returns 1 with ``--strict`` when a rule is broken, else 0."""
    from carbon.diagnosis.subsidy import check_budget, read_budget

    c = check_budget(read_budget(a.budget), a.track)
    if a.json:
        print_json(c.to_dict())
    else:
        print(c.explain())
    return 0 if c.compliant or not a.strict else 1


def cmd_subsidy_diagnosis(a) -> int:
    """``carbon subsidy diagnosis``: the diagnosis fee per case [NT$] and who pays it; returns the exit code (0)."""
    from carbon.diagnosis.subsidy import diagnosis_fee

    d = diagnosis_fee(a.sme)
    if a.json:
        print_json(d)
        return 0
    who = "SME" if a.sme else "non-SME"
    print(f"diagnosis fee ({who}): NT${d['total_ntd']:,} = government NT${d['government_ntd']:,} + company NT${d['company_ntd']:,}")
    print(f"source: {d['source']}")
    return 0


def cmd_subsidy_loan(a) -> int:
    """``carbon subsidy loan``: interest subsidy [NT$] of a transformation loan (leaflet defaults labelled); returns the exit code (0)."""
    from carbon.diagnosis.subsidy import loan_estimate

    d = loan_estimate(a.amount, a.term, a.bank_rate, a.subsidy_pct)
    if a.json:
        print_json(d)
        return 0
    print(f"loan NT${d['amount_ntd']:,.0f}, {d['term_years']} yr, bank rate {d['bank_rate_pct']:g} %, interest subsidy {d['interest_subsidy_pct']:g} pp")
    for r in d["schedule"]:
        print(f"  year {r['year']}: balance NT${r['opening_balance_ntd']:,}  interest NT${r['interest_ntd']:,}  subsidy NT${r['subsidy_ntd']:,}  net NT${r['net_interest_ntd']:,}")
    print(f"  total subsidy NT${d['total_subsidy_ntd']:,}")
    for u in d["defaults_used"]:
        print(f"  default: {u}")
    return 0


def cmd_diagnosis_template(a) -> int:
    """``carbon diagnosis-template``: write a diagnosis-file template (.yaml or .xlsx); returns the exit code (0)."""
    from carbon.diagnosis.files import write_diagnosis_template

    print(f"wrote {write_diagnosis_template(a.output)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon diagnose``, ``carbon fee``, ``carbon subsidy check|diagnosis|loan`` and ``carbon diagnosis-template``."""
    s = sub.add_parser("diagnose", help="low-carbon diagnosis: hotspots, measures, MACC, target, carbon fee, financing")
    s.add_argument("inventory", help="inventory file (as examples/demo-factory.yaml, or xlsx/CSV)")
    s.add_argument("--measures", help="diagnosis file (.yaml/.json/.xlsx): measures, tariffs, target, needs, budget")
    s.add_argument("--base", help="base-year inventory (comparison; target baseline)")
    s.add_argument("--target-pct", dest="target_pct", type=float, help="reduction target against the base year [%%]")
    s.add_argument("--target-year", dest="target_year", type=int, help="year of the target")
    s.add_argument("--gwp-set", dest="gwp_set", default=None)
    s.add_argument("--rounding", choices=["exact", "moenv"], default="exact")
    s.add_argument("--explain", action="store_true", help="print every measure's working")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_diagnose)

    s = sub.add_parser("fee", help="Taiwan carbon fee (碳費) from emissions or an inventory")
    s.add_argument("file", nargs="?", help="inventory file: shows which emissions count")
    s.add_argument("--emissions", type=float, help="direct + electricity-indirect emissions [t CO2e]")
    s.add_argument("--high-leakage", dest="high_leakage", action="store_true", help="high carbon-leakage entity (K = 0)")
    s.add_argument("--plan", choices=["A", "B"], help="approved voluntary reduction plan: A NT$50/t, B NT$100/t")
    s.add_argument("--period", type=int, choices=[1, 2, 3], help="period of the plan (high leakage): coefficient 0.2/0.4/0.6")
    s.add_argument("--offsets", type=float, default=0.0, help="domestic offset credits [t CO2e] (≤ 10 %% deducted)")
    s.add_argument("--rounding", choices=["exact", "moenv"], default="exact", help="inventory rounding (with FILE)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_fee)

    sp = sub.add_parser("subsidy", help="the programme's upgrade subsidy, diagnosis fee and loan rules").add_subparsers(dest="sub", required=True)
    s = sp.add_parser("check", help="check a budget file against the rules")
    s.add_argument("budget", help="budget file: .yaml/.json {items: [{item, total_ntd, subsidy_ntd}]} or .xlsx/.csv")
    s.add_argument("--track", required=True, choices=["10plus", "lead-10", "lead-4"])
    s.add_argument("--strict", action="store_true", help="exit 1 when the budget breaks a rule")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_subsidy_check)
    s = sp.add_parser("diagnosis", help="diagnosis fee per case")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--sme", dest="sme", action="store_true")
    g.add_argument("--non-sme", dest="sme", action="store_false")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_subsidy_diagnosis)
    s = sp.add_parser("loan", help="interest subsidy of a transformation loan (leaflet defaults labelled)")
    s.add_argument("--amount", type=float, default=None, help="loan amount [NT$] (default: leaflet maximum 35,000,000)")
    s.add_argument("--term", type=int, default=7, help="term [years]")
    s.add_argument("--bank-rate", dest="bank_rate", type=float, default=2.5, help="bank interest rate [%%/yr]")
    s.add_argument("--subsidy-pct", dest="subsidy_pct", type=float, default=None, help="interest subsidy [percentage points] (default: leaflet 1.595)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_subsidy_loan)

    s = sub.add_parser("diagnosis-template", help="write a diagnosis-file template (.yaml or .xlsx)")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_diagnosis_template)
