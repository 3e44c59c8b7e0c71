"""碳算 carbon: GHG inventories, product footprints and EU CBAM for Taiwanese manufacturers.

The public API (the reporting layer is imported on its own: ``carbon.reporting``)::

    from carbon import load_registry, read_project, calculate, gwp_value

Names are imported when first used, so ``import carbon`` (and ``carbon --help``) stays quick:
pandas, pint and the factor library load only when a command needs them.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "CarbonError": "carbon.errors",
    "InputError": "carbon.errors",
    "Problem": "carbon.errors",
    "Factor": "carbon.factors",
    "FactorRegistry": "carbon.factors",
    "load_registry": "carbon.factors",
    "gwp_sets": "carbon.gwp",
    "gwp_value": "carbon.gwp",
    "to_co2e": "carbon.gwp",
    "InventoryProject": "carbon.inventory",
    "InventoryResult": "carbon.inventory",
    "Organisation": "carbon.inventory",
    "calculate": "carbon.inventory",
    "read_project": "carbon.formats.project",
    "write_template": "carbon.formats.project",
    "Q_": "carbon.units",
    "convert": "carbon.units",
    "multiplier": "carbon.units",
    "parse_date": "carbon.units",
    "parse_roc_year": "carbon.units",
    "ureg": "carbon.units",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'carbon' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
