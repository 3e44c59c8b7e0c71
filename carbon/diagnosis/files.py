"""The diagnosis file (YAML, JSON or xlsx): measures, tariffs, target, company needs, financing.

YAML/JSON layout (every key optional except what the measures need)::

    company: {name: 範例染整, sme: true, track: 10plus}
    inventory: dyeing-factory.yaml          # relative to this file
    base_inventory: dyeing-factory-2022.yaml
    discount_rate: 0.05
    prices: [{source_id: S04, ntd: 4.2, per: kWh}, {source_id: S01, ntd: 22.0, per: L}]
    production: {amount: 1500, unit: t}
    revenue_ntd: 420000000
    target: {pct: 30, year: 2030, base_year: 2024}
    fee: {high_leakage: false, plan: null, period: null, offsets_t: 0}
    needs: [降低鍋爐燃料成本, …]
    smart: {cnc_or_plc: true, …}            # carbon.diagnosis.smart.QUESTIONS
    eligibility: {factory_registration: true, …}
    budget: {bond: none, items: [{item: new_equipment, total_ntd: …, subsidy_ntd: …}]}
    loan: {amount_ntd: 10000000, term_years: 5, bank_rate_pct: 2.6}
    measures: [{type: boiler_tuning, id: M1, source_id: S01, eff_before: 0.82, eff_after: 0.86, capex_ntd: 300000}]

xlsx layout: sheets ``settings`` (key, value), ``prices`` (source_id, ntd, per), ``measures``
(type, id, source_id, then one column per input; list inputs as JSON text), ``needs`` (need),
``smart`` (key, answer) and ``budget`` (item, total_ntd, subsidy_ntd).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carbon.errors import InputError, Problem
from carbon.schema import is_true

__all__ = ["DiagnosisInput", "read_diagnosis", "write_diagnosis_template"]


@dataclass
class DiagnosisInput:
    """Everything a diagnosis needs besides the inventory."""

    measures: list = field(default_factory=list)
    prices: list[dict] = field(default_factory=list)
    discount_rate: float | None = None
    company: dict = field(default_factory=dict)
    production: dict | None = None
    revenue_ntd: float | None = None
    target: dict | None = None
    fee: dict = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    smart: dict | None = None
    eligibility: dict | None = None
    budget: object = None
    loan: dict | None = None
    inventory: str | None = None
    base_inventory: str | None = None
    origin: str | None = None


_KEYS = {f for f in DiagnosisInput.__dataclass_fields__ if f != "origin"}


def _measures(items: list, origin: str, sheet: str | None = None, first_row: int | None = None) -> list:
    from carbon.diagnosis.measures import make_measure

    out, problems = [], []
    for i, spec in enumerate(items):
        where: dict[str, Any] = {"file": origin, "sheet": sheet, "row": None if first_row is None else first_row + i}
        if not isinstance(spec, dict):
            problems.append(Problem(f"measure {i + 1} is not a mapping of inputs.", column="measures", **where))
            continue
        try:
            out.append(make_measure(dict(spec), where=where))
        except InputError as err:
            problems += err.problems
        except TypeError as err:
            problems.append(Problem(f"measure {spec.get('id', i + 1)}: {err}", **where))
    if problems:
        raise InputError(problems)
    return out


def _from_mapping(data: dict, origin: str) -> DiagnosisInput:
    bad = sorted(set(data) - _KEYS)
    if bad:
        raise InputError([Problem(f"unknown keys {bad} in the diagnosis file.", file=origin, column=bad[0], hint=f"Known keys: {', '.join(sorted(_KEYS))}.")])
    d = DiagnosisInput(origin=origin, **{k: v for k, v in data.items() if k != "measures"})
    d.measures = _measures(data.get("measures") or [], origin)
    base = Path(origin).parent
    if isinstance(d.budget, dict):
        from carbon.diagnosis.subsidy import Budget

        b = d.budget
        d.budget = Budget.from_items(b.get("items") or [], origin=origin, bond=str(b.get("bond", "none")),
                                     domestic_equipment_ntd=b.get("domestic_equipment_ntd"))  # fmt: skip
    elif isinstance(d.budget, str):
        from carbon.diagnosis.subsidy import read_budget

        d.budget = read_budget(base / d.budget)
    for k in ("inventory", "base_inventory"):
        v = getattr(d, k)
        if v:
            setattr(d, k, str((base / v).resolve()) if not Path(v).is_absolute() else v)
    return d


def _sheet_records(xl, name: str):
    import pandas as pd

    if name not in xl.sheet_names:
        return None
    df = pd.read_excel(xl, sheet_name=name, dtype=object).dropna(how="all")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _cell(v):
    if isinstance(v, str) and v.strip()[:1] in "[{":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def _from_xlsx(p: Path) -> DiagnosisInput:
    import pandas as pd

    xl = pd.ExcelFile(p, engine="calamine")
    data: dict = {}
    s = _sheet_records(xl, "settings")
    if s is not None:
        for _, r in s.iterrows():
            key, val = str(r.get("key", "")).strip(), _cell(r.get("value"))
            if not key:
                continue
            head, _, sub = key.partition(".")
            if sub:
                data.setdefault(head, {})[sub] = val
            else:
                data[key] = val
    pr = _sheet_records(xl, "prices")
    if pr is not None:
        data["prices"] = pr.to_dict(orient="records")
    nd = _sheet_records(xl, "needs")
    if nd is not None and "need" in nd:
        data["needs"] = [str(x) for x in nd["need"].dropna()]
    sm = _sheet_records(xl, "smart")
    if sm is not None:
        data["smart"] = {str(r["key"]).strip(): is_true(r["answer"]) for _, r in sm.iterrows()}
    bd = _sheet_records(xl, "budget")
    if bd is not None:
        from carbon.diagnosis.subsidy import Budget

        bond = str(data.get("company", {}).get("bond", "none")) if isinstance(data.get("company"), dict) else "none"
        data["budget"] = Budget.from_items(bd.to_dict(orient="records"), origin=str(p), sheet="budget", first_row=2, bond=bond)
    ms = _sheet_records(xl, "measures")
    items = [] if ms is None else [{k: _cell(v) for k, v in r.items()} for r in ms.to_dict(orient="records")]
    budget = data.pop("budget", None)
    d = _from_mapping(data, str(p))
    d.budget = budget
    d.measures = _measures(items, str(p), sheet="measures", first_row=2)
    return d


def read_diagnosis(path: str | Path) -> DiagnosisInput:
    """Read a diagnosis file (.yaml/.yml/.json/.xlsx).

    Raises
    ------
    InputError
        A missing file, unknown keys, unknown measure types or inputs (file, sheet, row, column).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(f"no diagnosis file '{p}'.", file=str(p), hint="Write one with `carbon diagnosis-template -o diagnosis.yaml`.")])
    suf = p.suffix.lower()
    if suf == ".xlsx":
        return _from_xlsx(p)
    if suf not in (".yaml", ".yml", ".json"):
        raise InputError([Problem(f"'{p.suffix}' is not a diagnosis format.", file=str(p), hint="Use .yaml, .json or .xlsx.")])
    text = p.read_text(encoding="utf-8")
    if suf == ".json":
        data = json.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise InputError([Problem("a diagnosis file is a mapping (company, prices, measures, …).", file=str(p))])
    return _from_mapping(data, str(p))


_TEMPLATE_YAML = """\
# 低碳化/智慧化診斷檔 diagnosis file for `carbon diagnose INVENTORY --measures THIS_FILE`
# Every figure below is an input of the case: replace the example values.
company: {name: 公司名稱, sme: true, track: 10plus}
discount_rate: 0.05            # for annualised capex (abatement cost)
prices:                        # tariffs of the inventory sources the measures act on
  - {source_id: S08, ntd: 4.0, per: kWh}
  - {source_id: S02, ntd: 25.0, per: L}
production: {amount: 1000, unit: t}
revenue_ntd: 300000000
target: {pct: 30, year: 2030, base_year: 2024}
fee: {high_leakage: false, plan: null, period: null, offsets_t: 0}
needs:
  - 降低能源成本 lower energy cost
smart: {cnc_or_plc: true, digital_records: true, automated_key_steps: false}
eligibility: {factory_registration: true, sme: true, insured_employees_10: true, mainland_chinese_investment: false,
              bank_rejected: false, dissolved_or_suspended: false, earlier_subsidy_same_content: false,
              already_subsidised_under_rules: false}
budget:
  bond: none                   # none | 20pct | full
  items:
    - {item: new_equipment, total_ntd: 3000000, subsidy_ntd: 900000}
    - {item: equipment_improvement, total_ntd: 1000000, subsidy_ntd: 500000}
    - {item: personnel, total_ntd: 500000, subsidy_ntd: 0}
loan: {amount_ntd: 10000000, term_years: 5, bank_rate_pct: 2.5}
measures:                      # applied in this order, each on what the previous left
{measures}
"""


def _template_measures() -> list[dict]:
    return [
        {"type": "air_leak_repair", "id": "M1", "source_id": "S08", "system": "compressors", "load": 800000, "leak_share_before": 0.3, "capex_ntd": 150000},
        {"type": "compressor_sequencing", "id": "M2", "source_id": "S08", "system": "compressors", "demand_m3_min": 18,
         "compressors": [{"id": "C1", "kw": 75, "flow_m3_min": 12}, {"id": "C2", "kw": 75, "flow_m3_min": 12}], "capex_ntd": 600000},
        {"type": "boiler_tuning", "id": "M3", "source_id": "S02", "eff_before": 0.8, "eff_after": 0.85, "capex_ntd": 100000},
    ]  # fmt: skip


def write_diagnosis_template(path: str | Path) -> Path:
    """Write a diagnosis-file template (.yaml or .xlsx) listing every measure type and its inputs.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from carbon.diagnosis.measures import MEASURES

    p = Path(path)
    ms = _template_measures()
    if p.suffix.lower() in (".yaml", ".yml"):
        body = "\n".join("  - " + json.dumps(m, ensure_ascii=False) for m in ms)
        kinds = "\n".join(f"#   {k}: " + ", ".join(f for f in c.__dataclass_fields__ if f not in ("id", "source_id", "note")) for k, c in MEASURES.items())
        p.write_text(_TEMPLATE_YAML.replace("{measures}", body) + "# measure types and their inputs:\n" + kinds + "\n", encoding="utf-8")
        return p
    if p.suffix.lower() != ".xlsx":
        raise InputError([Problem(f"'{p.suffix}' is not a template format.", file=str(p), hint="Use .yaml or .xlsx.")])
    import pandas as pd

    settings = [("company.name", "公司名稱"), ("company.sme", True), ("company.track", "10plus"), ("discount_rate", 0.05),
                ("target.pct", 30), ("target.year", 2030), ("target.base_year", 2024), ("production.amount", 1000),
                ("production.unit", "t"), ("revenue_ntd", 300000000), ("fee.high_leakage", False)]  # fmt: skip
    cols = ["type", "id", "source_id", "name", "system", "load", "capex_ntd", "opex_change_ntd", "life_years", "year"]
    extra = sorted({k for m in ms for k in m} - set(cols))
    rows = [{c: (json.dumps(m[c], ensure_ascii=False) if isinstance(m.get(c), list) else m.get(c)) for c in cols + extra} for m in ms]
    types = pd.DataFrame([{"type": k, "inputs": ", ".join(f for f in c.__dataclass_fields__ if f not in ("id", "source_id", "note")), "title": c.title} for k, c in MEASURES.items()])
    with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
        pd.DataFrame(settings, columns=["key", "value"]).to_excel(xw, sheet_name="settings", index=False)
        pd.DataFrame([{"source_id": "S08", "ntd": 4.0, "per": "kWh"}, {"source_id": "S02", "ntd": 25.0, "per": "L"}]).to_excel(xw, sheet_name="prices", index=False)
        pd.DataFrame(rows).to_excel(xw, sheet_name="measures", index=False)
        pd.DataFrame({"need": ["降低能源成本 lower energy cost"]}).to_excel(xw, sheet_name="needs", index=False)
        pd.DataFrame([{"key": "cnc_or_plc", "answer": True}]).to_excel(xw, sheet_name="smart", index=False)
        pd.DataFrame([{"item": "new_equipment", "total_ntd": 3000000, "subsidy_ntd": 900000}]).to_excel(xw, sheet_name="budget", index=False)
        types.to_excel(xw, sheet_name="measure_types", index=False)
    return p
