"""CBAM in the app: an installation from the project's inventory or an uploaded file, cost and projection.

The rules are carbon.cbam's (IR 2025/2547; cost per Regulation (EU) 2023/956 as amended);
this module only assembles its inputs from the page's fields.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import carbon.cbam as cbam
from carbon.cbam.cost import cost_table
from carbon.cbam.from_inventory import installation_from_inventory
from carbon.formats.cbam_template import read_cbam, write_template

ELIGIBLE = ("1.1", "1.3", "2.1")  # sub-categories build_installation converts (1.2 only with include_mobile)
YEARS = range(2026, 2035)


def eligible_sources(result) -> list[str]:
    """Ids of inventory sources that can be attributed to a CBAM process."""
    r = result.counted
    mask = r["iso_subcategory"].astype(str).isin(ELIGIBLE)
    return list(dict.fromkeys(r.loc[mask, "source_id"].astype(str)))


def from_inventory(result, spec: dict):
    """``(CbamInput, CbamResult)`` of one process and one good from the inventory.

    ``spec``: process, category, production_t [t], cn_code, sources (ids attributed wholly).
    """
    proc = cbam.ProductionProcess(name=spec["process"], category=spec["category"], production_t=(float(spec["production_t"]),))
    inp = installation_from_inventory(
        result,
        processes=[proc],
        attribution={sid: spec["process"] for sid in spec["sources"]},
        goods=[cbam.Good(spec["cn_code"], spec["process"])],
    )
    return inp, cbam.calculate(inp)


def read_cbam_file(path: Path, name: str | None = None):
    """A CBAM YAML or a Communication template, calculated: ``(CbamInput, CbamResult)``."""
    inp = read_cbam(path, name=name)
    return inp, cbam.calculate(inp)


def costs(result, quantity_t: float, year: int, price_eur: float) -> tuple[dict, list[dict]]:
    """Cost of the goods in ``year`` and the 2026–2034 projection at the same price."""
    goods = [{**g, "quantity_t": float(quantity_t)} for g in result.to_dict()["goods"]]
    now = cost_table(goods, int(year), float(price_eur)).to_dict()
    keys = ("year", "certificates", "cost_eur", "default_certificates", "default_cost_eur")
    projection = [{k: cost_table(goods, y, float(price_eur)).to_dict().get(k) for k in keys} for y in YEARS]
    return now, projection


def template_bytes(inp, result) -> bytes:
    """The official Communication template filled with the installation's data."""
    with tempfile.TemporaryDirectory(prefix="carbon-cbam-") as d:
        return Path(write_template(inp, result, Path(d) / "cbam.xlsx")).read_bytes()
