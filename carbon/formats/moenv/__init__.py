"""The official MOENV inventory workbook (溫室氣體排放量清冊表單, 表一–表八): read and write.

``layout`` is the cell map, ``cells`` reads values and formulas, ``formulas`` redoes the
workbook's formulas from its inputs, ``reconcile`` compares them with the stored values,
``read``/``source`` build the project and ``write`` writes one back.
"""

from carbon.formats.moenv.layout import EMISSION_TYPES, FACTOR_KINDS
from carbon.formats.moenv.read import read_moenv_workbook
from carbon.formats.moenv.write import write_moenv_workbook

__all__ = ["EMISSION_TYPES", "FACTOR_KINDS", "read_moenv_workbook", "write_moenv_workbook"]
