"""``carbon factors …``: look up emission factors in the library."""

from __future__ import annotations

import argparse

from carbon.cli._common import print_json


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
    """``carbon factors search``: search factors by Chinese/English name, MOENV code, id or year; returns 1 when nothing matches (text output), else 0."""
    from carbon.factors.search import search_library  # no pandas, no pint: starts fast

    hits = search_library(a.query, dataset=a.dataset, limit=a.limit)
    if a.json:
        print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print(f"No factor matches '{a.query}'.")
        return 1
    for f in hits:
        gases = ", ".join(f"{g} {v.value:g} {v.unit}" for g, v in f.gases.items())
        print(f"{f.id:48s} {f.name_zh}  [{gases}]")
    return 0


def cmd_factors_show(a) -> int:
    """``carbon factors show``: one factor with its gases, heat value, interval and source; returns the exit code (0)."""
    from carbon.factors import load_registry

    f = load_registry().get(a.id)
    if a.json:
        print_json(f.to_dict())
    else:
        print(_factor_text(f))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon factors search|show``."""
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
