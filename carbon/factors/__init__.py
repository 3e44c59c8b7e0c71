"""The factor library: datasets in ``factors/``, each a CSV plus metadata.

Every factor has a stable id ``<dataset>/<slug>`` and one row per gas.  A
:class:`Factor` carries its provenance (dataset, edition, publisher, source file
and cell), so every number computed with it can say where it came from.

Modules: :mod:`~carbon.factors.model` (Factor, constants; standard library only),
:mod:`~carbon.factors.search` (the search rule; standard library only),
:mod:`~carbon.factors.registry` (the table: arrays, ``indices(ids)``, look-ups),
:mod:`~carbon.factors.custom` (the project's own factors). The registry (pandas,
pint) is imported only when a name needing it is used.

>>> from carbon.factors import load_registry
>>> reg = load_registry()
>>> f = reg.get("moenv-6.0.4/diesel-stationary")
>>> f.gases["CO2"].value, f.gases["CO2"].unit
(74100.0, 'kg CO2/TJ')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carbon.factors.model import HEAT_VALUE_FALLBACK, PLACEHOLDER_GAS, SEARCH_ORDER, Factor, GasValue
from carbon.factors.search import search_library
from carbon.paths import FACTORS_DIR

if TYPE_CHECKING:
    from carbon.factors.registry import BUILTIN_FACTORS, FactorRegistry, biomass_rows, load_registry

__all__ = [
    "BUILTIN_FACTORS",
    "FACTORS_DIR",
    "HEAT_VALUE_FALLBACK",
    "PLACEHOLDER_GAS",
    "SEARCH_ORDER",
    "Factor",
    "FactorRegistry",
    "GasValue",
    "biomass_rows",
    "load_registry",
    "search_library",
]

_LAZY = {"BUILTIN_FACTORS", "FactorRegistry", "biomass_rows", "load_registry"}


def __getattr__(name: str):
    if name in _LAZY:
        from carbon.factors import registry

        return getattr(registry, name)
    msg = f"module 'carbon.factors' has no attribute '{name}'"
    raise AttributeError(msg)
