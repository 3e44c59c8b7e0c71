"""EU CBAM: embedded emissions of goods per Implementing Regulation (EU) 2025/2547.

Public API
----------
read_template(path) -> CbamInput
    Read a filled Commission Communication template (v2.1.x), input cells only.
load_cbam_yaml(path) -> CbamInput
    Read our YAML description of an installation (format in its docstring).
calculate(cbam_input) -> CbamResult
    Installation, process and good results; ``.to_dict()`` and ``.records()``.
write_template(cbam_input, result, out_path) -> Path
    Fill a copy of the official blank template (input cells only).

Default values, benchmarks, certificates and cost live in :mod:`carbon.cbam.defaults` and
:mod:`carbon.cbam.cost` (imported when available).
"""

from . import cost, defaults, taiwan
from .engine import (
    CbamResult,
    GoodResult,
    InstallationResult,
    ProcessResult,
    calculate,
    chp_emission_factors,
    default_heat_emission_factor,
    heat_emission_factor,
    indirect_counts,
    legal_constants,
)
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
    normalise_cn,
)
from .template import read_template, write_template

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
    "heat_emission_factor",
    "indirect_counts",
    "legal_constants",
    "load_cbam_yaml",
    "normalise_cn",
    "read_template",
    "taiwan",
    "write_template",
]
