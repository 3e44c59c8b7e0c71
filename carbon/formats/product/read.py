"""Read a product system from a workbook (xlsx/ods), YAML or JSON.

Workbook sheets (English or Traditional Chinese names and headers):
``product`` (key/value), ``processes``, ``exchanges``, ``transport``, ``allocation``,
``factors`` (custom), optional ``products`` (several products of one system) and
``factory`` (factory inventory allocated to processes).  YAML/JSON files have the same
keys.  Every problem names file, sheet, row and column; all problems are raised together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import yaml

from carbon.errors import InputError, Problem
from carbon.product.model import BOUNDARIES, EXCHANGE_KINDS, Product, ProductSystem, canonical_stage

__all__ = ["COLUMNS", "SHEETS", "from_dict", "read_product"]

#: sheet key -> accepted sheet names
SHEETS = {
    "product": ("product", "產品"),
    "products": ("products", "產品清單"),
    "processes": ("processes", "製程"),
    "exchanges": ("exchanges", "投入產出"),
    "transport": ("transport", "運輸"),
    "allocation": ("allocation", "分配"),
    "factors": ("factors", "自訂係數"),
    "factory": ("factory", "工廠分配"),
}

#: sheet -> column -> (required, zh header)
COLUMNS: dict[str, dict[str, tuple[bool, str]]] = {
    "products": {
        "name": (True, "產品名稱"), "reference_process": (True, "參考製程"), "amount": (True, "宣告單位數量"),
        "unit": (True, "單位"), "boundary": (False, "系統邊界"), "functional_unit": (False, "功能單位"),
    },
    "processes": {
        "process": (True, "製程"), "output_amount": (True, "產出量"), "output_unit": (True, "產出單位"),
        "stage": (True, "生命週期階段"), "note": (False, "備註"),
    },
    "exchanges": {
        "process": (True, "製程"), "kind": (True, "種類"), "input": (True, "投入項目"), "amount": (True, "數量"),
        "unit": (True, "單位"), "primary": (False, "一級數據"), "excluded": (False, "排除"),
        "uncertainty_pct": (False, "不確定性(%)"), "stage": (False, "生命週期階段"), "note": (False, "備註"),
    },
    "transport": {
        "process": (True, "製程"), "item": (True, "運輸品項"), "mass": (True, "重量"), "mass_unit": (True, "重量單位"),
        "distance_km": (True, "距離(公里)"), "mode": (True, "運具係數"), "stage": (False, "生命週期階段"),
        "uncertainty_pct": (False, "不確定性(%)"),
    },
    "allocation": {
        "process": (True, "製程"), "method": (True, "分配方法"), "product": (False, "產品"), "value": (False, "數值"),
    },
    "factors": {
        "factor_id": (True, "係數編號"), "name": (False, "名稱"), "gas": (True, "氣體"), "value": (True, "係數值"),
        "unit": (True, "係數單位"), "supplier": (False, "供應商"), "primary": (False, "一級數據"),
        "data_quality": (False, "數據品質"), "uncertainty_pct": (False, "不確定性(%)"), "source": (False, "來源"),
    },
    "factory": {
        "process": (False, "製程"), "product": (False, "產品"), "annual_output": (False, "年產量"),
        "annual_output_unit": (False, "年產量單位"), "hours": (False, "機台工時"), "value": (False, "產值"),
        "share": (False, "分配比例"),
    },
}  # fmt: skip
_ALIASES = {"name": "process"}  # processes: YAML 'name' = workbook 'process'
PRODUCT_KEYS = {
    "name": ("name", "產品名稱", "名稱"),
    "reference_process": ("reference_process", "參考製程"),
    "amount": ("amount", "宣告單位數量", "數量"),
    "unit": ("unit", "單位"),
    "boundary": ("boundary", "系統邊界"),
    "functional_unit": ("functional_unit", "功能單位"),
    "gwp_set": ("gwp_set", "GWP版本", "GWP 版本"),
    "cutoff_threshold": ("cutoff_threshold", "排除門檻"),
    "factory_inventory": ("factory_inventory", "工廠盤查檔"),
    "factory_basis": ("factory_basis", "工廠分配基準"),
    "factory_sources": ("factory_sources", "工廠排放源"),
    "factory_categories": ("factory_categories", "工廠類別"),
}
NUMERIC = {"output_amount", "amount", "mass", "distance_km", "value", "uncertainty_pct", "annual_output", "hours", "share"}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or (isinstance(v, str) and not v.strip())


def _header_map(sheet: str) -> dict[str, str]:
    out = {}
    for col, (_, zh) in COLUMNS[sheet].items():
        out[col.lower()] = col
        out[zh] = col
    if sheet == "processes":
        out["name"] = "process"
    return out


def _table(rows, sheet: str, file: str, first_row: int, problems: list[Problem]) -> pd.DataFrame:
    """Normalise one table: known headers, numbers checked, ``_sheet``/``_row`` added."""
    spec = COLUMNS[sheet]
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    hmap = _header_map(sheet)
    frame.columns = [hmap.get(str(c).strip().lower(), hmap.get(str(c).strip(), str(c).strip())) for c in frame.columns]
    frame = frame.loc[:, ~pd.Index(frame.columns).duplicated()]
    unknown = [c for c in frame.columns if c not in spec and not c.startswith("_")]
    for c in unknown:
        problems.append(Problem(f"unknown column '{c}'.", file=file, sheet=sheet, column=c, hint=f"Columns are: {', '.join(spec)}."))
    for c in spec:
        if c not in frame.columns:
            frame[c] = None
    frame = frame[list(spec)].astype(object)
    keep = ~frame.apply(lambda r: all(_blank(v) for v in r), axis=1) if len(frame) else pd.Series([], dtype=bool)
    frame["_sheet"] = sheet
    frame["_row"] = np.arange(len(frame)) + first_row
    frame = frame[keep.to_numpy(dtype=bool)] if len(frame) else frame
    for i, r in frame.iterrows():
        for c, (req, _) in spec.items():
            v = r[c]
            if _blank(v):
                frame.at[i, c] = None
            if req and _blank(v):
                problems.append(Problem(f"'{c}' is empty.", file=file, sheet=sheet, row=int(r["_row"]), column=c, hint="Fill it in."))
            elif c in NUMERIC and not _blank(v):
                try:
                    x = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
                    if not np.isfinite(x):
                        raise ValueError
                    frame.at[i, c] = x
                except (TypeError, ValueError):
                    problems.append(Problem(f"'{v}' is not a number.", file=file, sheet=sheet, row=int(r["_row"]), column=c, hint="Write a plain number, e.g. 1030 or 12.5."))
                    frame.at[i, c] = None
            elif isinstance(v, str):
                frame.at[i, c] = v.strip()
    return frame.reset_index(drop=True)


def _expand_supplier(rows: list[dict], file: str, base_dir, problems: list[Problem]) -> list[dict]:
    """Turn the rows of ``factors`` that point at a supplier file into full factor rows.

    A row points at a supplier file with ``pact: F.json`` or ``cbam: F.xlsx, good: G``, or
    a ``source`` of ``pact:F`` / ``cbam:F#G``.
    """
    from carbon.formats.product.pact import factor_from_cbam, factor_from_pact

    out = []
    for i, r in enumerate(rows, start=1):
        r = dict(r)
        src = str(r.get("source") or "")
        pact = r.pop("pact", None) or (src[5:] if src.startswith("pact:") else None)
        cb = r.pop("cbam", None) or (src[5:].split("#")[0] if src.startswith("cbam:") else None)
        good = r.pop("good", None) or (src.split("#", 1)[1] if src.startswith("cbam:") and "#" in src else None)
        try:
            if pact:
                path = Path(pact) if Path(pact).is_absolute() else Path(base_dir) / pact
                r = {**factor_from_pact(path, r.get("factor_id")), **{k: v for k, v in r.items() if not _blank(v) and k != "source"}}
            elif cb:
                path = Path(cb) if Path(cb).is_absolute() else Path(base_dir) / cb
                r = {**factor_from_cbam(path, str(good), r.get("factor_id")), **{k: v for k, v in r.items() if not _blank(v) and k != "source"}}
        except InputError as err:
            problems += [Problem(f"{q.message}", file=file, sheet="factors", row=i, column="source", hint=q.hint) for q in err.problems]
        except (OSError, ValueError) as err:
            problems.append(Problem(f"cannot read the supplier file: {err}", file=file, sheet="factors", row=i, column="source"))
        out.append(r)
    return out


def _product(d: dict, sheet: str, file: str, row: int | None, problems: list[Problem], keys_rows: dict | None = None) -> Product | None:
    def where(k):
        return {"file": file, "sheet": sheet, "row": (keys_rows or {}).get(k, row), "column": k if keys_rows is None else "value"}

    bad = False
    for k in ("name", "reference_process", "amount", "unit"):
        if _blank(d.get(k)):
            problems.append(Problem(f"product '{k}' is missing.", **where(k), hint="Give name, reference_process, amount and unit of the declared unit."))
            bad = True
    amount: Any = d.get("amount")
    if not _blank(amount):
        try:
            amount = float(amount)
            if amount <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(f"declared-unit amount '{amount}' is not a positive number.", **where("amount"), hint="e.g. 1."))
            bad = True
    boundary = str(d.get("boundary") or "cradle-to-gate").strip().lower()
    if boundary not in BOUNDARIES:
        problems.append(Problem(f"boundary '{boundary}' is unknown.", **where("boundary"), hint=f"Use one of {', '.join(BOUNDARIES)}."))
        bad = True
    if bad:
        return None
    return Product(
        name=str(d["name"]).strip(), reference_process=str(d["reference_process"]).strip(), amount=amount,
        unit=str(d["unit"]).strip(), boundary=boundary, functional_unit=d.get("functional_unit") or None,
        where={"file": file, "sheet": sheet, "row": row, "rows": dict(keys_rows or {})},
    )


def _keyvalue(frame: pd.DataFrame) -> tuple[dict, dict]:
    """A key/value sheet (first two columns) -> (values, row of each key)."""
    lookup = {a: k for k, al in PRODUCT_KEYS.items() for a in al}
    vals, rows = {}, {}
    for i in range(len(frame)):
        key = frame.iat[i, 0]
        if _blank(key):
            continue
        k = lookup.get(str(key).strip(), lookup.get(str(key).strip().lower()))
        if k is None:
            continue
        v = frame.iat[i, 1] if frame.shape[1] > 1 else None
        vals[k] = None if _blank(v) else v
        rows[k] = i + 1
    return vals, rows


def from_dict(data: dict, file: str = "<dict>", base_dir: str | Path = ".") -> ProductSystem:
    """Build a :class:`ProductSystem` from a dict with the YAML/JSON keys.

    Raises
    ------
    InputError
        Every problem of the input at once.
    """
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError([Problem("the file is not a mapping of keys (product, processes, exchanges …).", file=file)])
    known = {"factor_uncertainty", "product", "products", "processes", "exchanges", "transport", "allocation", "factors", "factory", "gwp_set", "cutoff_threshold"}
    for k in data:
        if k not in known:
            problems.append(Problem(f"unknown key '{k}'.", file=file, hint=f"Keys are: {', '.join(sorted(known))}."))
    head = data.get("product") or {}
    products = []
    if head:
        p = _product(head, "product", file, None, problems)
        products += [p] if p else []
    for i, d in enumerate(data.get("products") or [], start=1):
        p = _product({"boundary": head.get("boundary"), **d}, "products", file, i, problems)
        products += [p] if p else []
    if not products and not problems:
        problems.append(Problem("no product given.", file=file, hint="Add a 'product:' with name, reference_process, amount and unit."))
    tables = {}
    for key in ("processes", "exchanges", "transport", "allocation", "factors"):
        rows = data.get(key) or []
        if not isinstance(rows, list):
            problems.append(Problem(f"'{key}' must be a list of rows.", file=file, sheet=key))
            rows = []
        if key == "factors":
            rows = _expand_supplier(rows, file, base_dir, problems)
        tables[key] = _table(rows, key, file, 1, problems)
    gwp = data.get("gwp_set") or head.get("gwp_set") or "MOENV-2024"
    thr = data.get("cutoff_threshold", head.get("cutoff_threshold", 0.01))
    fu = data.get("factor_uncertainty") or {}
    if not isinstance(fu, dict) or not all(isinstance(v, int | float) and v >= 0 for v in fu.values()):
        problems.append(Problem("'factor_uncertainty' must map factor ids to a 95 % half-width in percent (≥ 0).", file=file, sheet="factor_uncertainty", hint="e.g. {tw-cfp/xian-cai-pan-yuan: 10}"))
        fu = {}
    out = _finish(products, tables, data.get("factory"), str(gwp), thr, file, base_dir, problems)
    out.factor_uncertainty = {str(k): float(v) for k, v in fu.items()}
    return out


def inventory_records(path: str | Path, gwp_set: str) -> tuple[pd.DataFrame, object]:
    """Calculate an inventory file (anything ``carbon inventory calc`` reads) and return its counted records.

    Records of excluded sources are left out (they are not in the inventory total);
    biogenic CO2 is kept with gas ``CO2_bio`` so that a footprint reports it separately.
    """
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    res = calculate(read_project(path), gwp_set=gwp_set)
    rec = res.included.copy()
    bio = rec["biogenic"].astype(bool).to_numpy() & (rec["gas"].astype(str).to_numpy() == "CO2")
    rec["gas"] = np.where(bio, "CO2_bio", rec["gas"].astype(str))
    return rec, res


def _finish(products, tables, factory, gwp, thr, file, base_dir, problems) -> ProductSystem:
    procs = tables["processes"]
    for i, r in procs.iterrows():
        if not _blank(r["stage"]):
            procs.at[i, "stage"] = canonical_stage(r["stage"])
        if not _blank(r["output_amount"]) and float(r["output_amount"]) <= 0:
            problems.append(Problem(f"output_amount {r['output_amount']} must be positive.", file=file, sheet="processes", row=int(r["_row"]), column="output_amount", hint="The amount of the process's own product per run (e.g. per year or per batch)."))
    ex = tables["exchanges"]
    for i, r in ex.iterrows():
        k = str(r["kind"]).strip().lower().replace("_", "-") if not _blank(r["kind"]) else None
        aliases: dict[str | None, str | None] = {"coproduct": "co-product", "投入": "input", "共產品": "co-product", "排放": "emission", "廢棄物": "waste"}
        k = aliases.get(k, k)
        if k is not None and k not in EXCHANGE_KINDS:
            problems.append(Problem(f"kind '{r['kind']}' is unknown.", file=file, sheet="exchanges", row=int(r["_row"]), column="kind", hint=f"Use one of {', '.join(EXCHANGE_KINDS)}."))
        ex.at[i, "kind"] = k
    try:
        thr = float(thr)
        if not 0 <= thr < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem(f"cutoff_threshold '{thr}' must be a share between 0 and 1.", file=file, sheet="product", column="cutoff_threshold", hint="e.g. 0.01 for 1 %."))
        thr = 0.01
    if factory is not None and not isinstance(factory, dict):
        problems.append(Problem("'factory' must be a mapping (inventory, basis, products).", file=file, sheet="factory"))
        factory = None
    if factory is not None:
        factory = dict(factory)
        factory["products"] = _table(factory.get("products") or [], "factory", file, 1, problems)
        inv = factory.get("inventory")
        if inv and "records_for" not in factory:
            path = Path(inv) if Path(inv).is_absolute() else Path(base_dir) / inv
            factory["records_for"] = lambda gwp_set, _path=path: inventory_records(_path, gwp_set)[0]
    if problems:
        raise InputError(problems)
    return ProductSystem(
        products=products, processes=procs, exchanges=ex, transport=tables["transport"],
        allocation=tables["allocation"], factors=tables["factors"], factory=factory, gwp_set=gwp,
        cutoff_threshold=thr, file=file, base_dir=str(base_dir),
    )


def _find_sheet(book: dict, key: str):
    names = {str(n).strip().lower(): n for n in book}
    for alias in SHEETS[key]:
        if alias.lower() in names:
            return names[alias.lower()]
    return None


def _read_book(p: Path) -> ProductSystem:
    file = str(p)
    book = pd.read_excel(p, sheet_name=None, engine="calamine", header=None)
    problems: list[Problem] = []
    sheet = _find_sheet(book, "product")
    vals: dict[str, Any] = {}
    rows: dict[str, int] = {}
    products = []
    if sheet is None:
        problems.append(Problem(f"no 'product' / '產品' sheet; sheets are {sorted(book)}.", file=file, hint="Start from `carbon product template`."))
    else:
        vals, rows = _keyvalue(book[sheet])
        if any(k in vals for k in ("name", "reference_process")):
            p0 = _product(vals, sheet, file, None, problems, keys_rows=rows)
            products += [p0] if p0 else []
    tables = {}
    for key in ("products", "processes", "exchanges", "transport", "allocation", "factors", "factory"):
        name = _find_sheet(book, key)
        if name is None:
            if key in ("processes", "exchanges"):
                problems.append(Problem(f"no '{key}' / '{SHEETS[key][1]}' sheet.", file=file, hint="Start from `carbon product template`."))
            tables[key] = _table([], key, file, 2, problems)
            continue
        raw = book[name]
        if len(raw) == 0:
            tables[key] = _table([], key, file, 2, problems)
            continue
        body = raw.iloc[1:].copy()
        body.columns = [str(c) for c in raw.iloc[0]]
        body = body.loc[:, [not str(c).startswith(("nan", "#")) for c in body.columns]]
        if key == "factors":
            hm = _header_map("factors")
            body.columns = [hm.get(str(c).strip().lower(), hm.get(str(c).strip(), str(c).strip())) for c in body.columns]
            body = pd.DataFrame(_expand_supplier([{k: (None if _blank(v) else v) for k, v in r.items()} for r in body.to_dict("records")], file, p.parent, problems))
        tables[key] = _table(body, key, file, 2, problems)
    for _, r in tables.pop("products").iterrows():
        p1 = _product({"boundary": vals.get("boundary"), **{k: r[k] for k in COLUMNS["products"]}}, "products", file, int(r["_row"]), problems)
        products += [p1] if p1 else []
    if not products and not problems:
        problems.append(Problem("no product given.", file=file, sheet="product", hint="Fill in name, reference_process, amount and unit."))
    factory = None
    fac = tables.pop("factory")
    if vals.get("factory_inventory") or len(fac):
        factory = {"inventory": vals.get("factory_inventory"), "basis": vals.get("factory_basis") or "mass", "products": fac}
        for k in ("sources", "categories"):
            v = vals.get(f"factory_{k}")
            if v:
                factory[k] = [x.strip() for x in str(v).replace("，", ",").split(",") if x.strip()]
    gwp = vals.get("gwp_set") or "MOENV-2024"
    thr = vals.get("cutoff_threshold", 0.01)
    if factory is not None:
        fac_rows = factory.pop("products")
        sys_ = _finish(products, tables, {**factory, "products": []}, str(gwp), thr, file, p.parent, problems)
        cast(dict, sys_.factory)["products"] = fac_rows  # _finish keeps the factory dict it was given
        return sys_
    return _finish(products, tables, None, str(gwp), thr, file, p.parent, problems)


def read_product(path: str | Path) -> ProductSystem:
    """Read a product system from ``.xlsx``/``.ods``, ``.yaml``/``.yml`` or ``.json``.

    Raises
    ------
    InputError
        With every problem of the file, each naming sheet, row and column.
    """
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(f"file not found: {p}", hint="Check the path.")])
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods"):
        return _read_book(p)
    if suffix in (".yaml", ".yml", ".json"):
        text = p.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (yaml.YAMLError, json.JSONDecodeError) as err:
            raise InputError([Problem(f"cannot be parsed: {err}", file=str(p), hint="Check indentation and quotes.")]) from err
        return from_dict(data, file=str(p), base_dir=p.parent)
    raise InputError([Problem(f"cannot read '{p.suffix}' files.", file=str(p), hint="Use .xlsx, .ods, .yaml or .json.")])
