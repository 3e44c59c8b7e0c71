"""Product carbon footprint (ISO 14067 / Taiwan CFP): product systems solved exactly.

>>> from carbon.product import read_product, calculate      # doctest: +SKIP
>>> res = calculate(read_product("examples/fastener-product.yaml"))  # doctest: +SKIP
>>> res[0].total_kgco2e                                       # doctest: +SKIP

Modules: :mod:`~carbon.product.model` (tables), :mod:`~carbon.product.read` (file format),
:mod:`~carbon.product.build` (matrices), :mod:`~carbon.product.solve` (sparse LU),
:mod:`~carbon.product.results`, :mod:`~carbon.product.factory` (inventory allocated to
products), :mod:`~carbon.product.mc` (Monte Carlo), :mod:`~carbon.product.pact` (PACT v2).
"""

from carbon.product.build import CompiledSystem, compile_system
from carbon.product.factory import allocate_inventory
from carbon.product.model import BOUNDARIES, STAGES, Product, ProductSystem
from carbon.product.read import from_dict, read_product
from carbon.product.results import ProductResult, ProductResults, calculate
from carbon.product.solve import Solver, explain_unsolvable

__all__ = [
    "BOUNDARIES",
    "STAGES",
    "CompiledSystem",
    "Product",
    "ProductResult",
    "ProductResults",
    "ProductSystem",
    "Solver",
    "allocate_inventory",
    "calculate",
    "compile_system",
    "explain_unsolvable",
    "from_dict",
    "read_product",
]
