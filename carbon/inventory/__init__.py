"""Organisational GHG inventory (ISO 14064-1:2018, GHG Protocol scopes, the MOENV forms).

``calculate(project)`` turns an :class:`InventoryProject` into an :class:`InventoryResult`
whose ``records`` are the emission-records table (:data:`carbon.schema.RECORD_COLUMNS`).

Modules: :mod:`~carbon.inventory.model` (the data), :mod:`~carbon.inventory.calculators`
(one function per method), :mod:`~carbon.inventory.quality` (表六, significance),
:mod:`~carbon.inventory.core` (the calculation), :mod:`~carbon.inventory.results`
(totals, scope 2 both ways, JSON, explain).
"""

from carbon.inventory.core import calculate
from carbon.inventory.model import BOUNDARY_APPROACHES, InventoryProject, InventoryResult, Organisation
from carbon.inventory.quality import DataQuality, significance

__all__ = ["BOUNDARY_APPROACHES", "DataQuality", "InventoryProject", "InventoryResult", "Organisation", "calculate", "significance"]
