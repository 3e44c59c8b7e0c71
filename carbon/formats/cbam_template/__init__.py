"""The Commission's CBAM *Communication template for installations* v2.1.x: read and write.

* :mod:`.cells` — the one declarative map of the template's input cells;
* :mod:`.reader` — :func:`read_template`: input cells only, operator formulas evaluated
  safely, computed cells never read;
* :mod:`.writer` — :func:`write_template`: fills a copy of the blank template through
  :mod:`carbon.formats.xlsx_package`, touching only unlocked input cells.

Formats sit above the domain: this package imports :mod:`carbon.cbam`, never the reverse.
"""

from __future__ import annotations

from .cells import INPUT_SHEETS
from .reader import read_cbam, read_template
from .writer import BLANK_TEMPLATE, input_cells, write_template

__all__ = ["BLANK_TEMPLATE", "INPUT_SHEETS", "input_cells", "read_cbam", "read_template", "write_template"]
