"""EU CBAM: embedded emissions of goods per Implementing Regulation (EU) 2025/2547.

Public API
----------
load_cbam_yaml(path) -> CbamInput
    Read our YAML description of an installation (format in its docstring).
calculate(cbam_input) -> CbamResult
    Installation, process and good results; ``.to_dict()`` and ``.records()``.
indirect_counts(cn_code) -> bool
    The one rule of which goods count indirect emissions (:mod:`carbon.cbam.goods`).

The Commission's Communication template is read and written by
:mod:`carbon.formats.cbam_template` (``read_template``, ``write_template``): formats sit
above the domain, so this package does not import it.

Default values, benchmarks, certificates and cost live in :mod:`carbon.cbam.defaults` and
:mod:`carbon.cbam.cost` (imported when available).
"""

from . import cost, defaults, from_inventory, goods, model
from .engine import (
    CbamResult,
    GoodResult,
    InstallationResult,
    ProcessResult,
    calculate,
    chp_emission_factors,
    default_heat_emission_factor,
    heat_emission_factor,
    legal_constants,
)
from .goods import indirect_counts, normalise_cn
from .model import (
    PFC,
    CbamInput,
    Electricity,
    EmissionSource,
    Good,
    HeatFlow,
    Installation,
    Precursor,
    PrecursorUse,
    ProductionProcess,
    SourceStream,
    WasteGas,
    cbam_input_from_dict,
    load_cbam_yaml,
)

__all__ = [
    "PFC",
    "CbamInput",
    "CbamResult",
    "Electricity",
    "EmissionSource",
    "Good",
    "GoodResult",
    "HeatFlow",
    "Installation",
    "InstallationResult",
    "Precursor",
    "PrecursorUse",
    "ProcessResult",
    "ProductionProcess",
    "SourceStream",
    "WasteGas",
    "calculate",
    "cbam_input_from_dict",
    "chp_emission_factors",
    "cost",
    "default_heat_emission_factor",
    "defaults",
    "from_inventory",
    "goods",
    "heat_emission_factor",
    "indirect_counts",
    "legal_constants",
    "load_cbam_yaml",
    "model",
    "normalise_cn",
]
