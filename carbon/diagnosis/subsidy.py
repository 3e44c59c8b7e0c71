"""The programme's financing rules: upgrade subsidy budget check, diagnosis fees, loan estimate.

Rules of the Ministry of Economic Affairs' low-carbon and smart-manufacturing upgrade
programme (低碳化、智慧化升級轉型) for manufacturers, checked line by line:

* budget items (names exactly as the application form): :data:`BUDGET_ITEMS`;
* tracks and their per-case caps: :data:`TRACKS`;
* the subsidy is at most 50 % of the total budget; the new-equipment subsidy at most 30 %
  and the research/verification subsidy at most 40 % of the total budget; an item's
  subsidy never exceeds its own total; personnel, intangible assets and domestic travel
  are company-funded only;
* eligibility checklist, priority for domestic equipment ≥ 50 % of purchases, payment
  schedule by performance bond; diagnosis fees; loan interest subsidy.

Source: :data:`PROGRAMME_SOURCE`. The official guidelines are not among the reference files
of this project; the figures are those of the programme's guidelines and leaflet as
summarised in the project's issue #12 (evidence: secondary). Every result carries the source.

Examples
--------
>>> b = Budget.from_items([{"item": "new_equipment", "total_ntd": 4_000_000, "subsidy_ntd": 1_500_000},
...                        {"item": "personnel", "total_ntd": 1_000_000, "subsidy_ntd": 0}])
>>> c = check_budget(b, "10plus")
>>> (c.total_budget_ntd, c.max_subsidy_ntd, c.compliant)
(5000000, 1500000, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbon.errors import InputError, Problem

__all__ = [
    "BUDGET_ITEMS",
    "DIAGNOSIS_FEES",
    "ELIGIBILITY",
    "LOAN_DEFAULTS",
    "PROGRAMME_SOURCE",
    "TRACKS",
    "Budget",
    "BudgetCheck",
    "check_budget",
    "check_eligibility",
    "diagnosis_fee",
    "domestic_priority",
    "loan_estimate",
    "payment_schedule",
    "read_budget",
]

#: Where the rules come from (carried into every result).
PROGRAMME_SOURCE = (
    "經濟部推動產業及中小企業升級轉型辦法 §5 (2023-04-14, under 疫後強化經濟與社會韌性及全民共享經濟成果特別條例 §3(5)); "
    "114年度經濟部「中小型製造業(經常僱用員工數10人以上)低碳及智慧化升級轉型個案補助」申請須知 and the 以大帶小 guidelines "
    "(assist.nat.gov.tw); figures as summarised in project issue #12 (official text not in factors/sources: secondary)"
)

#: Budget items: key -> (exact name, company-funded only, cap as a share of the total budget or None).
BUDGET_ITEMS: dict[str, tuple[str, bool, float | None]] = {
    "consumables": ("消耗性器材及原材料費", False, None),
    "new_equipment": ("全新設備之購置費", False, 0.30),
    "equipment_improvement": ("既有設備之改善費", False, None),
    "research_verification": ("委託研究或驗證費", False, 0.40),
    "personnel": ("人事費", True, None),
    "intangible_assets": ("無形資產引進費", True, None),
    "domestic_travel": ("國內差旅費", True, None),
}

#: Share of the total budget the whole subsidy may reach.
SUBSIDY_SHARE_CAP = 0.50


@dataclass(frozen=True)
class Track:
    """One application track."""

    key: str
    name: str
    cap_ntd: int
    duration_months: int | None
    who: str


#: Tracks: per-case subsidy cap [TWD] and duration.
TRACKS: dict[str, Track] = {
    "10plus": Track("10plus", "中小型製造業(經常僱用員工數10人以上)個案", 5_000_000, 12, "manufacturers with ≥ 10 employees"),
    "lead-10": Track("lead-10", "以大帶小 (1 帶 10)", 30_000_000, 24, "a large firm leading 10 smaller ones"),
    "lead-4": Track("lead-4", "以大帶小 (1 帶 4)", 20_000_000, None, "a large firm leading 4 smaller ones (duration not stated in the source)"),
}

#: Diagnosis fee per case [TWD]: (total, government, company).
DIAGNOSIS_FEES = {"sme": (200_000, 160_000, 40_000), "non-sme": (300_000, 240_000, 60_000)}

#: Loan leaflet figures, used as labelled defaults of :func:`loan_estimate`.
LOAN_DEFAULTS = {
    "max_amount_ntd": (35_000_000, "leaflet: low-carbon and smart-transformation SMEs, up to NT$35 million"),
    "interest_subsidy_pct": (1.595, "leaflet: interest subsidy up to 1.595 percentage points (about NT$550,000 in year 1 on the full amount)"),
}

#: Eligibility checklist: key -> (question, required answer).
ELIGIBILITY: dict[str, tuple[str, bool]] = {
    "factory_registration": ("依法辦理公司/商業登記之製造業且依法辦理工廠登記 (or a certificate of exemption)", True),
    "sme": ("符合中小企業認定標準第2條 (SME status)", True),
    "insured_employees_10": ("經常僱用員工數 ≥ 10 (average insured employees of the last 12 months; lead tracks: the lead firm)", True),
    "mainland_chinese_investment": ("陸資投資 (mainland-Chinese investment)", False),
    "bank_rejected": ("銀行拒絕往來戶 (rejected by banks)", False),
    "dissolved_or_suspended": ("解散、歇業 (dissolved or suspended)", False),
    "earlier_subsidy_same_content": ("同一申請事項內容曾獲得政府機關補助 (earlier government subsidy for the same content)", False),
    "already_subsidised_under_rules": ("已獲本辦法所定低碳化、智慧化升級轉型補助 (already subsidised under these rules)", False),
}


@dataclass(frozen=True)
class BudgetLine:
    """One budget line [TWD]."""

    item: str
    total_ntd: int
    subsidy_ntd: int

    @property
    def name(self) -> str:
        """The item's exact name on the form."""
        return BUDGET_ITEMS[self.item][0]

    @property
    def company_ntd(self) -> int:
        """The company-funded part [TWD]."""
        return self.total_ntd - self.subsidy_ntd


@dataclass(frozen=True)
class Budget:
    """A project budget: lines of ``{item, total_ntd, subsidy_ntd}``."""

    lines: tuple[BudgetLine, ...]
    origin: str | None = None
    domestic_equipment_ntd: int | None = None
    bond: str = "none"

    @classmethod
    def from_items(cls, items, *, origin: str | None = None, sheet: str | None = None, first_row: int | None = None, **kw) -> Budget:
        """Build a budget from mappings, checking every line (all problems together).

        Raises
        ------
        InputError
            Unknown item names, missing or negative amounts, naming file, sheet, row and column.
        """
        problems: list[Problem] = []
        lines = []
        for i, it in enumerate(items):
            row = None if first_row is None else first_row + i
            where: dict[str, Any] = {"file": origin, "sheet": sheet, "row": row}
            pre = "" if row is not None else f"item {i + 1}: "
            key = str(it.get("item", "")).strip()
            key = _ITEM_BY_NAME.get(key, key)
            if key not in BUDGET_ITEMS:
                problems.append(Problem(f"{pre}unknown budget item {it.get('item')!r}.", column="item", hint=f"Use one of: {', '.join(BUDGET_ITEMS)}.", **where))
                continue
            vals = {}
            for col in ("total_ntd", "subsidy_ntd"):
                v = it.get(col, 0 if col == "subsidy_ntd" else None)
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    x = math.nan
                if not math.isfinite(x) or x < 0:
                    problems.append(Problem(f"{pre}{col} {v!r} must be an amount ≥ 0 in NT$.", column=col, hint="Write whole NT$, e.g. 1500000.", **where))
                    continue
                vals[col] = int(round(x))
            if len(vals) == 2:
                lines.append(BudgetLine(key, vals["total_ntd"], vals["subsidy_ntd"]))
        if problems:
            raise InputError(problems)
        if not lines:
            raise InputError([Problem("the budget has no items.", file=origin, hint="Add items: [{item, total_ntd, subsidy_ntd}, …].")])
        return cls(tuple(lines), origin=origin, **kw)

    @property
    def total_ntd(self) -> int:
        """Total budget: sum of all items' totals [TWD]."""
        return sum(x.total_ntd for x in self.lines)

    @property
    def subsidy_ntd(self) -> int:
        """Requested subsidy: sum of all items' subsidies [TWD]."""
        return sum(x.subsidy_ntd for x in self.lines)

    def item_total(self, item: str) -> int:
        """Total of all lines of one item [TWD]."""
        return sum(x.total_ntd for x in self.lines if x.item == item)

    def item_subsidy(self, item: str) -> int:
        """Subsidy of all lines of one item [TWD]."""
        return sum(x.subsidy_ntd for x in self.lines if x.item == item)


_ITEM_BY_NAME = {v[0]: k for k, v in BUDGET_ITEMS.items()}


@dataclass(frozen=True)
class BudgetCheck:
    """Result of :func:`check_budget` (the keys of ``carbon subsidy check --json``)."""

    track: str
    total_budget_ntd: int
    requested_subsidy_ntd: int
    max_subsidy_ntd: int
    compliant: bool
    violations: list[dict]
    payment_schedule: list[dict]
    items: list[dict]
    limits: dict
    domestic_priority: dict | None = None
    source: str = PROGRAMME_SOURCE

    def to_dict(self) -> dict:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def explain(self) -> str:
        """The check, one rule a line, in NT$."""
        lines = [f"track {self.track}: total budget NT${self.total_budget_ntd:,}; requested subsidy NT${self.requested_subsidy_ntd:,}"]
        for k, v in self.limits.items():
            lines.append(f"  limit {k}: NT${v['limit_ntd']:,} ({v['rule']})")
        for v in self.violations:
            lines.append(f"  VIOLATION {v['rule']} ({v['item'] or 'whole budget'}): over by NT${v['excess_ntd']:,}")
        lines.append(f"largest compliant subsidy for this budget: NT${self.max_subsidy_ntd:,}; compliant: {self.compliant}")
        for p in self.payment_schedule:
            amt = "" if p["amount_ntd"] is None else f"NT${p['amount_ntd']:,}"
            lines.append(f"  payment: {p['when']} {p['share'] if p['share'] is not None else ''} {amt}".rstrip())
        lines.append(f"source: {self.source}")
        return "\n".join(lines)


def _share(total: int, share: float) -> int:
    """``share`` of ``total`` in whole NT$, rounded down (integer arithmetic: no float drift)."""
    num = round(share * 100)
    return total * num // 100


def check_budget(budget: Budget, track: str) -> BudgetCheck:
    """Check a budget line by line against the programme's rules.

    Parameters
    ----------
    budget : Budget
        The items with their totals and requested subsidies. [TWD]
    track : {"10plus", "lead-10", "lead-4"}
        Application track (per-case cap NT$5,000,000 / 30,000,000 / 20,000,000).

    Returns
    -------
    BudgetCheck
        ``violations`` lists each broken rule with the item and the excess [TWD];
        ``max_subsidy_ntd`` is the largest compliant subsidy for this budget's totals: each
        item at most its total (0 for company-funded items), new equipment at most 30 % and
        research/verification at most 40 % of the total budget, all of it at most 50 % of the
        total budget and the track's cap. [TWD]

    References
    ----------
    .. [1] :data:`PROGRAMME_SOURCE` (budget items, 50 % / 30 % / 40 % rules, per-case caps).
    """
    if track not in TRACKS:
        msg = f"unknown track {track!r}."
        raise InputError([Problem(msg, column="track", hint=f"Use one of: {', '.join(TRACKS)}.")])
    t = TRACKS[track]
    total = budget.total_ntd
    req = budget.subsidy_ntd
    violations: list[dict] = []
    limits: dict[str, dict] = {}
    allowed_sum = 0
    for item, (name, company_only, cap) in BUDGET_ITEMS.items():
        it_total, it_sub = budget.item_total(item), budget.item_subsidy(item)
        if not any(x.item == item for x in budget.lines):
            continue
        for x in budget.lines:
            if x.item == item and x.subsidy_ntd > x.total_ntd:
                violations.append({"rule": "item subsidy above its own total", "item": item, "excess_ntd": x.subsidy_ntd - x.total_ntd})
        if company_only:
            allowed = 0
            if it_sub > 0:
                violations.append({"rule": f"{name} is company-funded only (subsidy 0)", "item": item, "excess_ntd": it_sub})
        else:
            allowed = it_total
            if cap is not None:
                lim = _share(total, cap)
                limits[f"{item}_subsidy"] = {"limit_ntd": lim, "rule": f"{name} subsidy ≤ {cap:.0%} of the total budget"}
                allowed = min(allowed, lim)
                if it_sub > lim:
                    violations.append({"rule": f"{name} subsidy ≤ {cap:.0%} of the total budget", "item": item, "excess_ntd": it_sub - lim})
        allowed_sum += allowed
    half = _share(total, SUBSIDY_SHARE_CAP)
    limits["subsidy_share"] = {"limit_ntd": half, "rule": f"subsidy ≤ {SUBSIDY_SHARE_CAP:.0%} of the total budget"}
    limits["track_cap"] = {"limit_ntd": t.cap_ntd, "rule": f"per-case cap of track {track} ({t.name})"}
    if req > half:
        violations.append({"rule": f"subsidy ≤ {SUBSIDY_SHARE_CAP:.0%} of the total budget", "item": None, "excess_ntd": req - half})
    if req > t.cap_ntd:
        violations.append({"rule": f"per-case cap of track {track}", "item": None, "excess_ntd": req - t.cap_ntd})
    max_sub = min(allowed_sum, half, t.cap_ntd)
    granted = min(req, max_sub)
    items = [
        {"item": x.item, "name": x.name, "total_ntd": x.total_ntd, "subsidy_ntd": x.subsidy_ntd, "company_ntd": x.company_ntd}
        for x in budget.lines
    ]
    prio = domestic_priority(budget.domestic_equipment_ntd, budget.item_total("new_equipment")) if budget.domestic_equipment_ntd is not None else None
    return BudgetCheck(
        track=track,
        total_budget_ntd=total,
        requested_subsidy_ntd=req,
        max_subsidy_ntd=max_sub,
        compliant=not violations,
        violations=violations,
        payment_schedule=payment_schedule(track, granted, budget.bond),
        items=items,
        limits=limits,
        domestic_priority=prio,
    )


def payment_schedule(track: str, subsidy_ntd: int, bond: str = "none") -> list[dict]:
    """When the subsidy is paid, by performance bond (履約保證).

    Parameters
    ----------
    track : {"10plus", "lead-10", "lead-4"}
    subsidy_ntd : int
        The subsidy to pay. [TWD]
    bond : {"none", "20pct", "full"}
        No bond, a bond of 20 % of the subsidy, or a bond of the full subsidy.

    Returns
    -------
    list of dict
        ``{when, share, amount_ntd}``; ``share``/``amount_ntd`` are None where the rule pays
        by progress.

    References
    ----------
    .. [1] :data:`PROGRAMME_SOURCE` (撥款方式).
    """
    if bond not in ("none", "20pct", "full"):
        msg = f"bond {bond!r} is not none, 20pct or full."
        raise InputError([Problem(msg, column="bond", hint="Use none, 20pct (bond of 20 % of the subsidy) or full.")])
    s = int(subsidy_ntd)
    half = s // 2
    plans: dict[str, list[tuple[str, float | None, int | None]]]  # bond -> (when, share, amount [NT$])
    if track == "10plus":
        plans = {
            "none": [("mid-term review 期中", 0.5, half), ("final acceptance 期末", 0.5, s - half)],
            "20pct": [("at signing 簽約", 0.5, half), ("final acceptance 期末", 0.5, s - half)],
            "full": [("at signing 簽約", 1.0, s)],
        }
    else:
        first = s * 20 // 100
        plans = {
            "none": [("by progress 依計畫執行進度", None, None)],
            "20pct": [("at signing 簽約", 0.2, first), ("then according to the bond 其餘依履約保證", None, s - first)],
            "full": [("at signing 簽約", 1.0, s)],
        }
    return [{"when": w, "share": sh, "amount_ntd": a} for w, sh, a in plans[bond]]


def domestic_priority(domestic_equipment_ntd: float, equipment_purchases_ntd: float) -> dict:
    """Priority when domestic equipment is at least 50 % of the equipment purchases.

    Parameters
    ----------
    domestic_equipment_ntd : float
        Purchases of domestically made equipment. [TWD]
    equipment_purchases_ntd : float
        All equipment purchases of the project. [TWD]

    Returns
    -------
    dict
        ``share`` [1] and ``priority`` (bool).
    """
    share = float(domestic_equipment_ntd) / float(equipment_purchases_ntd) if equipment_purchases_ntd else 0.0
    return {"share": share, "priority": share >= 0.5, "rule": "domestic equipment ≥ 50 % of purchases gets priority", "source": PROGRAMME_SOURCE}


def check_eligibility(answers: dict, track: str = "10plus") -> dict:
    """The eligibility checklist.

    Parameters
    ----------
    answers : dict
        ``{key: bool}`` for every key of :data:`ELIGIBILITY` (for the lead tracks the
        employee criterion is the lead firm's).
    track : str
        Application track.

    Returns
    -------
    dict
        ``eligible``, ``failed`` (keys whose answer disqualifies), ``missing`` (unanswered), ``items``.
    """
    items, failed, missing = [], [], []
    for key, (question, need) in ELIGIBILITY.items():
        v = answers.get(key)
        if v is None:
            missing.append(key)
            ok = None
        else:
            ok = bool(v) == need
            if not ok:
                failed.append(key)
        items.append({"key": key, "question": question, "answer": v, "required": need, "ok": ok})
    return {"track": track, "eligible": not failed and not missing, "failed": failed, "missing": missing, "items": items, "source": PROGRAMME_SOURCE}


def diagnosis_fee(sme: bool) -> dict:
    """The diagnosis fee per case and who pays it.

    Returns
    -------
    dict
        ``total_ntd``, ``government_ntd``, ``company_ntd`` [TWD]: SME 200,000 = 160,000 + 40,000;
        non-SME 300,000 = 240,000 + 60,000.
    """
    total, gov, comp = DIAGNOSIS_FEES["sme" if sme else "non-sme"]
    return {"sme": bool(sme), "total_ntd": total, "government_ntd": gov, "company_ntd": comp, "source": PROGRAMME_SOURCE}


def loan_estimate(
    amount_ntd: float | None = None,
    term_years: int = 7,
    bank_rate_pct: float = 2.5,
    interest_subsidy_pct: float | None = None,
    subsidy_years: int | None = None,
) -> dict:
    """Interest subsidy on a transformation loan, year by year (equal annual principal repayments).

    Parameters
    ----------
    amount_ntd : float, optional
        Loan amount; default the leaflet's maximum NT$35,000,000. [TWD]
    term_years : int, default 7
        Loan term (an input; 7 is an example, not a programme figure). [yr]
    bank_rate_pct : float, default 2.5
        The bank's interest rate (an input; 2.5 is an example). [%/yr]
    interest_subsidy_pct : float, optional
        Interest subsidy; default the leaflet's 1.595 percentage points, never above the bank rate. [%/yr]
    subsidy_years : int, optional
        Years the subsidy runs; default the whole term. [yr]

    Returns
    -------
    dict
        ``schedule`` (year, opening balance, interest, subsidy, net interest) [TWD], totals,
        ``year1_subsidy_ntd`` and ``defaults_used`` (which leaflet figures were taken).

    References
    ----------
    .. [1] :data:`PROGRAMME_SOURCE`; :data:`LOAN_DEFAULTS` (leaflet: up to NT$35 million, up to 1.595 pp).
    """
    used = []
    if amount_ntd is None:
        amount_ntd = LOAN_DEFAULTS["max_amount_ntd"][0]
        used.append(LOAN_DEFAULTS["max_amount_ntd"][1])
    if interest_subsidy_pct is None:
        interest_subsidy_pct = LOAN_DEFAULTS["interest_subsidy_pct"][0]
        used.append(LOAN_DEFAULTS["interest_subsidy_pct"][1])
    if amount_ntd <= 0 or term_years <= 0 or bank_rate_pct < 0 or interest_subsidy_pct < 0:
        raise InputError([Problem("loan amount and term must be > 0, rates ≥ 0.", hint="E.g. amount 35000000, term 7, bank rate 2.5.")])
    notes = []
    if amount_ntd > LOAN_DEFAULTS["max_amount_ntd"][0]:
        notes.append(f"amount above the leaflet's NT${LOAN_DEFAULTS['max_amount_ntd'][0]:,} maximum")
    sub_rate = min(float(interest_subsidy_pct), float(bank_rate_pct))
    years = term_years if subsidy_years is None else min(subsidy_years, term_years)
    principal = float(amount_ntd) / term_years
    bal = float(amount_ntd)
    rows = []
    for y in range(1, term_years + 1):
        interest = bal * bank_rate_pct / 100
        sub = bal * sub_rate / 100 if y <= years else 0.0
        rows.append({"year": y, "opening_balance_ntd": round(bal), "interest_ntd": round(interest), "subsidy_ntd": round(sub), "net_interest_ntd": round(interest - sub)})
        bal -= principal
    return {
        "amount_ntd": float(amount_ntd),
        "term_years": term_years,
        "bank_rate_pct": float(bank_rate_pct),
        "interest_subsidy_pct": sub_rate,
        "year1_subsidy_ntd": rows[0]["subsidy_ntd"],
        "total_interest_ntd": sum(r["interest_ntd"] for r in rows),
        "total_subsidy_ntd": sum(r["subsidy_ntd"] for r in rows),
        "schedule": rows,
        "defaults_used": used,
        "notes": notes,
        "source": PROGRAMME_SOURCE,
    }


def read_budget(path: str | Path, *, bond: str = "none") -> Budget:
    """Read a budget file: YAML/JSON ``{items: [{item, total_ntd, subsidy_ntd}, …]}`` or one sheet (xlsx/csv).

    Optional top-level keys: ``domestic_equipment_ntd`` [TWD], ``bond`` (none/20pct/full).
    Items may be named by key (``new_equipment``) or by the exact Chinese name (全新設備之購置費).

    Raises
    ------
    InputError
        A missing file, an unreadable layout, unknown items or bad amounts (file, sheet, row, column).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(f"no budget file '{p}'.", file=str(p), hint="Give a .yaml, .json, .xlsx or .csv file.")])
    suffix = p.suffix.lower()
    extra: dict = {}
    if suffix in (".yaml", ".yml", ".json"):
        import json

        import yaml

        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise InputError([Problem("a budget file is {items: [{item, total_ntd, subsidy_ntd}, …]}.", file=str(p), column="items")])
        items, sheet, first_row = data["items"], None, None
        extra = {k: data[k] for k in ("domestic_equipment_ntd", "bond") if k in data}
    elif suffix in (".xlsx", ".csv"):
        import pandas as pd

        df = pd.read_csv(p, dtype=object) if suffix == ".csv" else pd.read_excel(p, sheet_name=0, dtype=object, engine="calamine")
        sheet = None if suffix == ".csv" else str(pd.ExcelFile(p, engine="calamine").sheet_names[0])
        df.columns = [str(c).strip() for c in df.columns]
        missing = [c for c in ("item", "total_ntd", "subsidy_ntd") if c not in df.columns]
        if missing:
            raise InputError([Problem(f"columns {missing} are missing.", file=str(p), sheet=sheet, row=1, hint="The sheet needs columns item, total_ntd, subsidy_ntd.")])
        df = df.dropna(how="all")
        items, first_row = df.to_dict(orient="records"), 2
    else:
        raise InputError([Problem(f"'{p.suffix}' is not a budget format.", file=str(p), hint="Use .yaml, .json, .xlsx or .csv.")])
    kw: dict[str, Any] = {"bond": str(extra.get("bond", bond))}
    if extra.get("domestic_equipment_ntd") is not None:
        kw["domestic_equipment_ntd"] = int(extra["domestic_equipment_ntd"])
    return Budget.from_items(items, origin=str(p), sheet=sheet, first_row=first_row, **kw)

