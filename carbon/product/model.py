"""The product-system model (ISO 14067): products, processes, exchanges, transport, allocation.

A product system is kept as plain tables, each row remembering where it came from
(file, sheet, 1-based row) so that every problem found later can name its place.

References
----------
ISO 14067:2018 §6.3 (functional or declared unit, system boundary, life-cycle stages),
§6.4.6 (allocation), §6.3.6 and Annex D (recycling, cut-off).
環境部「產品碳足跡計算指引」(life-cycle stages 原料取得、製造、配送銷售、使用、廢棄處理).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "BOUNDARIES",
    "EXCHANGE_KINDS",
    "STAGES",
    "Product",
    "ProductSystem",
    "canonical_stage",
]

#: The five life-cycle stages of the Taiwanese CFP guidance (zh name -> English name).
STAGES = {
    "原料取得": "raw materials",
    "製造": "production",
    "配送銷售": "distribution",
    "使用": "use",
    "廢棄處理": "end of life",
}
_STAGE_ALIASES = {
    **{v: k for k, v in STAGES.items()},
    "raw material acquisition": "原料取得",
    "raw material": "原料取得",
    "manufacturing": "製造",
    "distribution and retail": "配送銷售",
    "use stage": "使用",
    "end-of-life": "廢棄處理",
    "eol": "廢棄處理",
}

#: Which of the standard stages each boundary covers (user-defined stages are always allowed).
BOUNDARIES = {
    "cradle-to-gate": ("原料取得", "製造"),
    "cradle-to-grave": tuple(STAGES),
    "gate-to-gate": ("製造",),
}

#: Kinds of exchange rows.
EXCHANGE_KINDS = ("input", "co-product", "emission", "waste")


def canonical_stage(text: object) -> str:
    """Return the zh stage name for a known stage (zh or English), else the text itself."""
    t = str(text).strip()
    return _STAGE_ALIASES.get(t.lower(), t)


@dataclass(frozen=True)
class Product:
    """A product whose footprint is asked for: declared unit ``amount`` ``unit`` of ``reference_process``'s output."""

    name: str
    reference_process: str
    amount: float
    unit: str
    boundary: str = "cradle-to-gate"
    functional_unit: str | None = None
    where: dict = field(default_factory=dict)

    def place(self, key: str) -> dict:
        """File, sheet, row and column of one of the product's keys (for problems)."""
        w = self.where
        rows = w.get("rows") or {}
        if rows:
            return {"file": w.get("file"), "sheet": w.get("sheet"), "row": rows.get(key), "column": "value"}
        return {"file": w.get("file"), "sheet": w.get("sheet"), "row": w.get("row"), "column": key}


@dataclass
class ProductSystem:
    """A product system as read from a file.

    Attributes
    ----------
    products : list of Product
        One or more products computed from the same system (one factorisation).
    processes, exchanges, transport, allocation, factors : pandas.DataFrame
        The tables of the file format; each has ``_sheet`` and ``_row`` columns
        giving the place of every row in the file.
    factory : dict or None
        Factory-inventory allocation section (see :mod:`carbon.product.factory`).
    gwp_set : str
        GWP set named in the file (``MOENV-2024`` unless given).
    factor_uncertainty : dict
        ``{factor id: 95 % half-width [%]}`` for library factors without an interval
        (drawn once per factor, shared by every exchange and product that uses it).
    cutoff_threshold : float
        Share of the total below which an included flow is listed in the cut-off check.
    file : str
        The file the system was read from.
    """

    products: list[Product]
    processes: pd.DataFrame
    exchanges: pd.DataFrame
    transport: pd.DataFrame
    allocation: pd.DataFrame
    factors: pd.DataFrame
    factory: dict | None = None
    gwp_set: str = "MOENV-2024"
    cutoff_threshold: float = 0.01
    file: str = ""
    base_dir: str = "."
    meta: dict = field(default_factory=dict)
    factor_uncertainty: dict = field(default_factory=dict)
