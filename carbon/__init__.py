"""碳算 carbon: GHG inventories, product footprints and EU CBAM for Taiwanese manufacturers.

The public API (the reporting layer is imported on its own: ``carbon.reporting``)::

    from carbon import load_registry, read_project, calculate, gwp_value
"""

from carbon.errors import CarbonError, InputError, Problem
from carbon.factors import Factor, FactorRegistry, load_registry
from carbon.gwp import gwp_sets, gwp_value, to_co2e
from carbon.inventory import InventoryProject, InventoryResult, Organisation, calculate
from carbon.io import read_project, write_template
from carbon.units import Q_, convert, multiplier, parse_date, parse_roc_year, ureg

__version__ = "0.1.0"

__all__ = [
    "Q_",
    "CarbonError",
    "Factor",
    "FactorRegistry",
    "InputError",
    "InventoryProject",
    "InventoryResult",
    "Organisation",
    "Problem",
    "calculate",
    "convert",
    "gwp_sets",
    "gwp_value",
    "load_registry",
    "multiplier",
    "parse_date",
    "parse_roc_year",
    "read_project",
    "to_co2e",
    "ureg",
    "write_template",
]
