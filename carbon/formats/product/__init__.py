"""Product-system files, the workbook template, and supplier data in and out.

Product systems are read from YAML/JSON/workbook; supplier data are a PACT v2
ProductFootprint or a supplier's CBAM Communication template.

>>> from carbon.formats.product import read_product          # doctest: +SKIP
>>> from carbon.product import calculate
"""

from carbon.formats.product.read import from_dict, read_product

__all__ = ["from_dict", "read_product"]
