"""The official MOENV inventory workbook (溫室氣體排放量盤查表單, 表一–表八): read and write."""

from carbon.formats.moenv.workbook import EMISSION_TYPES, FACTOR_KINDS, read_moenv_workbook, write_moenv_workbook

__all__ = ["EMISSION_TYPES", "FACTOR_KINDS", "read_moenv_workbook", "write_moenv_workbook"]
