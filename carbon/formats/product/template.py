"""Write the product workbook template: headers, drop-downs and a small worked example.

The example (a two-level bill of materials with a custom supplier factor, transport and a
co-product) is computed by ``carbon product calc`` as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbon.formats.product.read import COLUMNS, PRODUCT_KEYS, SHEETS
from carbon.formats.safety import safe_workbook
from carbon.product.build import ALLOCATION_METHODS
from carbon.product.model import BOUNDARIES, EXCHANGE_KINDS, STAGES

__all__ = ["EXAMPLE", "write_template"]

EXAMPLE: dict[str, Any] = {
    "product": {"name": "螺絲 M8", "reference_process": "成型", "amount": 1, "unit": "kg", "boundary": "cradle-to-gate", "gwp_set": "MOENV-2024", "cutoff_threshold": 0.01},
    "processes": [
        {"process": "抽線", "output_amount": 1000, "output_unit": "kg", "stage": "製造"},
        {"process": "成型", "output_amount": 1000, "output_unit": "kg", "stage": "製造"},
    ],
    "exchanges": [
        {"process": "抽線", "kind": "input", "input": "supplier/wire-rod-csc", "amount": 1.02, "unit": "公噸", "stage": "原料取得"},
        {"process": "抽線", "kind": "input", "input": "tw-cfp/dian-li-tan-zu-ji-2022", "amount": 80, "unit": "度"},
        {"process": "成型", "kind": "input", "input": "抽線", "amount": 1030, "unit": "kg"},
        {"process": "成型", "kind": "input", "input": "tw-cfp/dian-li-tan-zu-ji-2022", "amount": 120, "unit": "kWh"},
        {"process": "成型", "kind": "co-product", "input": "廢鐵屑", "amount": 30, "unit": "kg"},
        {"process": "成型", "kind": "emission", "input": "CO2", "amount": 3.5, "unit": "kg", "note": "退火爐 (量測)"},
    ],
    "transport": [
        {"process": "抽線", "item": "線材盤元", "mass": 1.02, "mass_unit": "公噸", "distance_km": 35, "mode": "tw-cfp/ying-ye-da-huo-che-chai-you-2022", "stage": "原料取得"},
    ],
    "allocation": [
        {"process": "成型", "method": "economic", "product": "成型", "value": 60},
        {"process": "成型", "method": "economic", "product": "廢鐵屑", "value": 8},
    ],
    "factors": [
        {"factor_id": "supplier/wire-rod-csc", "name": "線材盤元 (供應商提供)", "gas": "CO2e", "value": 2.3, "unit": "kg CO2e/kg", "supplier": "範例鋼廠", "primary": "yes", "data_quality": "third-party verified 2024", "uncertainty_pct": 10},
    ],
}

_HELP = {
    "processes": "one row per own production step; output_amount of its own product per run (year, batch …)",
    "exchanges": "kind: input (another process's name or a factor id), co-product, emission (gas, mass), waste (treatment process, factor id, or 'recycling' = cut-off)",
    "transport": "t·km = mass × distance_km; mode = a per-t·km factor id (carbon factors search 貨車)",
    "allocation": "for processes with co-products: mass | economic (value = price per unit) | physical (value = property per unit) | shares | cut-off",
    "factors": "custom and supplier-specific factors: unit '<mass> <gas>/<unit>', e.g. 'kg CO2e/kg'",
}


def _cell(ws, r: int, c: int, v) -> None:
    if v is None:
        return
    if isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(r, c, v)
    else:
        ws.write_string(r, c, str(v))  # never a formula


def write_template(path: str | Path, lang: str = "zh-TW") -> Path:
    """Write the template workbook to ``path`` (``.xlsx``); ``lang`` picks sheet names and headers."""
    zh = lang == "zh-TW"
    out = Path(path)
    wb = safe_workbook(out)
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    lists = wb.add_worksheet("lists")
    for c, (title, vals) in enumerate([("kind", EXCHANGE_KINDS), ("stage", list(STAGES)), ("method", ALLOCATION_METHODS), ("boundary", list(BOUNDARIES))]):
        lists.write_string(0, c, title, bold)
        for r, v in enumerate(vals, start=1):
            lists.write_string(r, c, v)
    ws = wb.add_worksheet(SHEETS["product"][1 if zh else 0])
    ws.set_column(0, 1, 24)
    ws.write_string(0, 0, "欄位" if zh else "key", bold)
    ws.write_string(0, 1, "值" if zh else "value", bold)
    for r, (k, v) in enumerate(EXAMPLE["product"].items(), start=1):
        ws.write_string(r, 0, PRODUCT_KEYS[k][1] if zh and len(PRODUCT_KEYS[k]) > 1 else k)
        _cell(ws, r, 1, v)
        if k == "boundary":
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": f"=lists!$D$2:$D${len(BOUNDARIES) + 1}"})
    for key in ("processes", "exchanges", "transport", "allocation", "factors"):
        ws = wb.add_worksheet(SHEETS[key][1 if zh else 0])
        cols = list(COLUMNS[key])
        ws.set_column(0, len(cols), 16)
        for c, name in enumerate(cols):
            ws.write_string(0, c, COLUMNS[key][name][1] if zh else name, bold)
        for r, row in enumerate(EXAMPLE[key], start=1):
            for c, name in enumerate(cols):
                _cell(ws, r, c, row.get(name))
        ws.write_string(0, len(cols) + 1, "# " + _HELP[key])
        for name, col, n in (("kind", "A", len(EXCHANGE_KINDS)), ("stage", "B", len(STAGES)), ("method", "C", len(ALLOCATION_METHODS))):
            if name in cols:
                c = cols.index(name)
                ws.data_validation(1, c, 500, c, {"validate": "list", "source": f"=lists!${col}$2:${col}${n + 1}", "error_type": "warning" if name == "stage" else "stop"})
        for name in ("amount", "output_amount", "mass", "distance_km"):
            if name in cols:
                c = cols.index(name)
                ws.data_validation(1, c, 500, c, {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15, "error_message": "請輸入數字 / a number"})
    wb.close()
    return out
