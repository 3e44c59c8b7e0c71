"""Organisational GHG inventory (ISO 14064-1:2018, GHG Protocol scopes, the MOENV forms).

``calculate(project)`` turns an :class:`InventoryProject` into an :class:`InventoryResult`
whose ``records`` are the emission-records table (:data:`carbon.schema.RECORD_COLUMNS`).
"""

from carbon.inventory.core import (
    BOUNDARY_APPROACHES,
    DataQuality,
    InventoryProject,
    InventoryResult,
    Organisation,
    calculate,
    significance,
)

__all__ = ["BOUNDARY_APPROACHES", "DataQuality", "InventoryProject", "InventoryResult", "Organisation", "calculate", "significance"]
