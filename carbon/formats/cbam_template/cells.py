"""The one cell map of the CBAM Communication template v2.1.1 (input cells only).

Reader and writer both take every coordinate from here, so a cell is named once.  The
offsets are those of the Commission's template v2.1.1 (2024-12-13, see docs/FACTS-cbam.md
section 6): production process ``n`` (1-10) is a block of D_Processes whose header row is
``11 + 65 (n - 1)``; purchased precursor ``n`` (1-20) a block of E_PurchPrec with header
row ``14 + 44 (n - 1)``; source streams are rows 17-91 of B_EmInst, PFC rows 98-107,
measurement-based sources rows 113-122; products rows 10-109 of Summary_Products.

Kinds: ``text``, ``num``, ``pct`` (a percentage in the template, a fraction in
:mod:`carbon.cbam.model`), ``bool``, ``date``.

References
----------
Commission "CBAM Communication template for installations" v2.1.1; IR (EU) 2025/2547
Annex IV (content of the communication from operators to declarants).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CEMS",
    "INDIRECT_EMISSIONS",
    "INPUT_SHEETS",
    "INSTALLATION",
    "PERIOD",
    "PFC",
    "PRECURSOR",
    "PRECURSOR_LIST",
    "PROCESS",
    "PROCESS_LIST",
    "PRODUCTS",
    "SOURCE_STREAM",
    "Block",
    "Rows",
]

A, B, C, D, E, S = (
    "A_InstData",
    "B_EmInst",
    "C_Emissions&Energy",
    "D_Processes",
    "E_PurchPrec",
    "Summary_Products",
)
#: Sheets whose unlocked cells are input cells.
INPUT_SHEETS = (A, B, C, D, E, S)


@dataclass(frozen=True)
class Rows:
    """A table of input rows: one record per row, one field per column.

    Attributes
    ----------
    sheet : str
    rows : range
        Spreadsheet rows of the table.
    fields : mapping
        Field name -> (column, kind).
    """

    sheet: str
    rows: range
    fields: Mapping[str, tuple[str, str]]

    def cell(self, row: int, name: str) -> tuple[str, str]:
        """``(sheet, coordinate)`` of field ``name`` in spreadsheet row ``row``."""
        return self.sheet, f"{self.fields[name][0]}{row}"

    def item(self, index: int, name: str) -> tuple[str, str]:
        """``(sheet, coordinate)`` of field ``name`` of record ``index`` (1-based)."""
        return self.cell(self.rows[index - 1], name)


@dataclass(frozen=True)
class Block:
    """Repeated blocks of cells (one per production process or purchased precursor).

    Attributes
    ----------
    sheet : str
    first : int
        Header row of block 1.
    step : int
        Rows from one block to the next.
    count : int
        Number of blocks.
    fields : mapping
        Field name -> (column, row offset from the header, number of consecutive rows, kind).
    """

    sheet: str
    first: int
    step: int
    count: int
    fields: Mapping[str, tuple[str, int, int, str]]

    def header(self, n: int) -> int:
        """Header row of block ``n`` (1-based)."""
        return self.first + self.step * (n - 1)

    def cell(self, n: int, name: str, i: int = 0) -> tuple[str, str]:
        """``(sheet, coordinate)`` of the ``i``-th row of field ``name`` in block ``n``."""
        col, offset, length, _ = self.fields[name]
        if not 0 <= i < length:
            msg = f"{self.sheet} field {name!r} has {length} rows; index {i} is outside"
            raise IndexError(msg)
        return self.sheet, f"{col}{self.header(n) + offset + i}"

    def length(self, name: str) -> int:
        """Number of rows of field ``name``."""
        return self.fields[name][2]


#: A_InstData I19:I32: installation fields (attributes of :class:`carbon.cbam.model.Installation`).
INSTALLATION: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        name: (A, f"I{19 + i}")
        for i, name in enumerate(
            (
                "name_local",
                "name",
                "street",
                "economic_activity",
                "post_code",
                "po_box",
                "city",
                "country",
                "unlocode",
                "latitude",
                "longitude",
                "representative",
                "email",
                "phone",
            )
        )
    }
)
#: A_InstData: reporting period start and end.
PERIOD: Mapping[str, tuple[str, str]] = MappingProxyType({"start": (A, "I9"), "end": (A, "L9")})
#: A_InstData E62:E71: aggregated goods categories of the installation.
CATEGORIES = Rows(A, range(62, 72), MappingProxyType({"category": ("E", "text")}))
#: A_InstData rows 83-92: production processes (category, route type, name).
PROCESS_LIST = Rows(
    A, range(83, 93), MappingProxyType({"category": ("E", "text"), "route": ("F", "text"), "name": ("L", "text")})
)
#: A_InstData rows 102-121: purchased precursors (category, country code, name).
PRECURSOR_LIST = Rows(
    A, range(102, 122), MappingProxyType({"category": ("E", "text"), "country": ("F", "text"), "name": ("L", "text")})
)
#: B_EmInst rows 17-91: source streams (fields of :class:`carbon.cbam.model.SourceStream`).
SOURCE_STREAM = Rows(
    B,
    range(17, 92),
    MappingProxyType(
        {
            "method": ("D", "text"),
            "name": ("E", "text"),
            "activity": ("F", "num"),
            "activity_unit": ("G", "text"),
            "ncv": ("H", "num"),
            "emission_factor": ("J", "num"),
            "ef_unit": ("K", "text"),
            "carbon_content": ("L", "num"),
            "oxidation_factor": ("N", "pct"),
            "conversion_factor": ("P", "pct"),
            "biomass_fraction": ("R", "pct"),
            "non_sustainable_biomass_fraction": ("T", "pct"),
        }
    ),
)
#: B_EmInst rows 98-107: PFC emissions (fields of :class:`carbon.cbam.model.PFC`).
PFC = Rows(
    B,
    range(98, 108),
    MappingProxyType(
        {
            "method": ("D", "text"),
            "technology": ("E", "text"),
            "primary_aluminium_t": ("F", "num"),
            "frequency": ("AG", "num"),
            "duration": ("AH", "num"),
            "sef_cf4": ("AI", "num"),
            "aeo_mv": ("AJ", "num"),
            "current_efficiency_pct": ("AK", "num"),
            "ovc": ("AL", "num"),
            "f_c2f6": ("AM", "num"),
            "collection_efficiency": ("AT", "num"),
        }
    ),
)
#: B_EmInst rows 113-122: measurement-based sources (fields of :class:`carbon.cbam.model.EmissionSource`).
CEMS = Rows(
    B,
    range(113, 123),
    MappingProxyType(
        {
            "name": ("D", "text"),
            "gas": ("E", "text"),
            "biomass_fraction": ("R", "pct"),
            "concentration_g_per_nm3": ("V", "num"),
            "hours": ("X", "num"),
            "flue_gas_1000nm3_per_h": ("Z", "num"),
        }
    ),
)
#: C_Emissions&Energy M26: the installation's indirect emissions [t CO2e].
INDIRECT_EMISSIONS = (C, "M26")
#: D_Processes: one block per production process.
PROCESS = Block(
    D,
    11,
    65,
    10,
    MappingProxyType(
        {
            "production_t": ("L", 5, 8, "num"),  # per route
            "produced_for_market_t": ("L", 16, 1, "num"),
            "consumed_in": ("L", 21, 9, "num"),  # in the other processes, skipping this one
            "other_uses_t": ("L", 30, 1, "num"),
            "heat_relevant": ("K", 39, 1, "bool"),
            "waste_gas_relevant": ("L", 39, 1, "bool"),
            "direct_emissions_t": ("L", 43, 1, "num"),
            "heat_import_tj": ("L", 46, 1, "num"),
            "heat_import_ef": ("L", 47, 1, "num"),
            "heat_export_tj": ("M", 46, 1, "num"),
            "heat_export_ef": ("M", 47, 1, "num"),
            "waste_gas_import_tj": ("L", 50, 1, "num"),
            "waste_gas_import_ef": ("L", 51, 1, "num"),
            "waste_gas_export_tj": ("M", 50, 1, "num"),
            "waste_gas_export_ef": ("M", 51, 1, "num"),
            "electricity_mwh": ("L", 54, 1, "num"),
            "electricity_ef": ("L", 55, 1, "num"),
            "electricity_ef_source": ("L", 56, 1, "text"),
            "electricity_produced_mwh": ("L", 60, 1, "num"),
            "electricity_produced_ef": ("L", 61, 1, "num"),
        }
    ),
)
#: E_PurchPrec: one block per purchased precursor.
PRECURSOR = Block(
    E,
    14,
    44,
    20,
    MappingProxyType(
        {
            "purchased_t": ("L", 3, 8, "num"),  # per route
            "consumed_in": ("L", 14, 10, "num"),  # in process 1..10
            "other_uses_t": ("L", 24, 1, "num"),
            "see_direct": ("L", 35, 1, "num"),
            "see_direct_source": ("M", 35, 1, "text"),
            "specific_electricity_mwh_per_t": ("L", 36, 1, "num"),
            "specific_electricity_source": ("M", 36, 1, "text"),
            "electricity_ef": ("L", 37, 1, "num"),
            "electricity_ef_source": ("M", 37, 1, "text"),
        }
    ),
)
#: Summary_Products rows 10-109: the input columns (process name, CN code, product name).
PRODUCTS = Rows(
    S, range(10, 110), MappingProxyType({"process": ("D", "text"), "cn_code": ("F", "text"), "name": ("H", "text")})
)

#: Template list values <-> model values.
METHOD_TO_TPL = MappingProxyType(
    {"combustion": "Combustion", "process": "Process emissions", "mass_balance": "Mass Balance"}
)
PFC_TO_TPL = MappingProxyType({"slope": "Slope method", "overvoltage": "Overvoltage method"})
SOURCE_TO_TPL = MappingProxyType({"measured": "Measured", "default": "Default", "unknown": "Unknown"})
ONLY_DIRECT = "Only direct production"  # Parameters_Constants B62
