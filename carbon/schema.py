"""Column specifications: emission records, inventory sources, custom factors.

Kept as data (as PyPSA does) so readers, writers, templates and the app share one
definition.  Each column has a name, a dtype, whether it is required, a
Traditional Chinese header and a description.  Readers accept either the English
name or the Chinese header (see :data:`HEADER_ALIASES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FACILITY_COLUMNS",
    "HEADER_ALIASES",
    "ISO_SUBCATEGORIES",
    "METHODS",
    "RECORD_COLUMNS",
    "SOURCE_COLUMNS",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "Column",
    "empty_records",
    "header_aliases",
    "is_true",
    "map_distinct",
    "scope_of",
    "yes_no",
]


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    name: str
    dtype: str  # "str", "float", "int", "bool"
    required: bool
    zh: str
    description: str


#: The emission-records table: one row per source × gas × period.  Every capability
#: (inventory, product footprint, CBAM) produces it; uncertainty, diagnosis and
#: reporting only read it.
RECORD_COLUMNS: tuple[Column, ...] = (
    Column("record_id", "int", True, "紀錄編號", "row number within one result (source_id + gas identify the record)"),
    Column("source_id", "str", True, "排放源編號", "id of the emission source"),
    Column("source_name", "str", False, "排放源名稱", "readable name"),
    Column("entity", "str", False, "組織", "organisation or installation"),
    Column("facility", "str", False, "廠區", "facility / site"),
    Column("iso_category", "str", False, "類別", "ISO 14064-1 category '1'..'6'"),
    Column("iso_subcategory", "str", False, "子類別", "e.g. '1.1', '2.1'"),
    Column("scope", "int", False, "範疇", "GHG Protocol scope 1/2/3"),
    Column("emission_type", "str", False, "排放型式", "stationary/mobile/process/fugitive/electricity/steam/..."),
    Column("life_cycle_stage", "str", False, "生命週期階段", "ISO 14067 stage"),
    Column("cn_code", "str", False, "CN 編碼", "CBAM good"),
    Column("period", "str", False, "期間", "reporting period, e.g. '2024'"),
    Column("gas", "str", True, "氣體", "gas symbol"),
    Column("activity_amount", "float", False, "活動數據", "activity after proration and allocation"),
    Column("activity_unit", "str", False, "活動數據單位", "unit of activity_amount as entered"),
    Column("allocation", "float", False, "分配比率", "allocation ratio applied (0-1)"),
    Column("heat_value", "float", False, "熱值", "heat value used (per-energy factors)"),
    Column("heat_value_unit", "str", False, "熱值單位", "unit of heat_value"),
    Column("heat_value_origin", "str", False, "熱值來源", "'source' (given) or '<factor id>' (dataset default)"),
    Column("factor_id", "str", False, "係數編號", "factor id"),
    Column("factor_dataset", "str", False, "係數資料集", "dataset of the factor"),
    Column("factor_edition", "str", False, "係數版本", "edition of the dataset"),
    Column("factor_value", "float", False, "係數值", "factor value in factor_unit"),
    Column("factor_unit", "str", False, "係數單位", "unit of the factor"),
    Column("mass_t", "float", True, "排放量(公噸)", "mass of the gas [t]"),
    Column("gwp_set", "str", True, "GWP 版本", "GWP set used"),
    Column("gwp", "float", True, "GWP", "GWP value applied"),
    Column("co2e_t", "float", True, "排放當量(公噸CO2e)", "CO2-equivalent [t CO2e]"),
    Column("biogenic", "bool", False, "生質", "biogenic CO2 (reported separately)"),
    Column("ch4_kind", "str", False, "甲烷種類", "'fossil' or 'non_fossil' for CH4 rows"),
    Column("ad_low_pct", "float", False, "活動數據不確定性下限(%)", "95 % lower bound, positive magnitude"),
    Column("ad_high_pct", "float", False, "活動數據不確定性上限(%)", "95 % upper bound"),
    Column("ef_low_pct", "float", False, "係數不確定性下限(%)", "95 % lower bound, positive magnitude"),
    Column("ef_high_pct", "float", False, "係數不確定性上限(%)", "95 % upper bound"),
    Column("ad_dist", "str", False, "活動數據分布", "distribution of activity data"),
    Column("ef_dist", "str", False, "係數分布", "distribution of the factor"),
    Column("activity_group", "str", False, "活動數據群組", "sources sharing one activity draw"),
)

#: Calculation methods of an inventory source.
METHODS = {
    "factor": "activity × emission factor (per physical unit, or per energy with a heat value)",
    "fuel": "fuel combustion: activity × heat value × per-TJ factor, or × per-unit factor",
    "electricity": "purchased electricity × grid (location) or supplier (market) factor; certificates count 0",
    "steam": "purchased steam × supplier factor",
    "refrigerant": "charge × 排放因子 × (1 − abatement recovery × use rate), or refilled mass (activity in kg of refrigerant)",
    "septic": "workers × hours (person_hour), or person-days × hours per day, × CH4 factor",
    "extinguisher": "CO2 (or other agent) discharged/refilled mass, emitted as is",
    "mass_balance": "carbon in − carbon out (mass × carbon content) × 44/12",
    "measured": "directly measured mass of a gas",
}

#: ISO 14064-1:2018 sub-categories -> (name, GHG Protocol scope).
ISO_SUBCATEGORIES: dict[str, tuple[str, str, int | None]] = {
    "1.1": ("固定燃燒排放", "stationary combustion", 1),
    "1.2": ("移動燃燒排放", "mobile combustion", 1),
    "1.3": ("製程排放", "industrial processes", 1),
    "1.4": ("逸散排放", "fugitive emissions", 1),
    "1.5": ("土地利用排放", "land use, land-use change and forestry", 1),
    "2.1": ("輸入電力", "imported electricity", 2),
    "2.2": ("輸入能源", "imported energy (steam, heat, cooling, compressed air)", 2),
    "3.1": ("上游運輸", "upstream transport and distribution", 3),
    "3.2": ("下游運輸", "downstream transport and distribution", 3),
    "3.3": ("員工通勤", "employee commuting", 3),
    "3.4": ("客戶及訪客運輸", "client and visitor transport", 3),
    "3.5": ("商務旅行", "business travel", 3),
    "4.1": ("購買商品", "purchased goods", 3),
    "4.2": ("資本財", "capital goods", 3),
    "4.3": ("廢棄物處理", "disposal of solid and liquid waste", 3),
    "4.4": ("資產使用", "use of (upstream leased) assets", 3),
    "4.5": ("其他服務", "use of other services", 3),
    "5.1": ("產品使用", "use stage of the product", 3),
    "5.2": ("下游租賃資產", "downstream leased assets", 3),
    "5.3": ("產品廢棄", "end-of-life of the product", 3),
    "5.4": ("投資", "investments", 3),
    "6": ("其他間接排放", "other indirect emissions", 3),
}


#: Cell texts read as "yes" in yes/no columns (biogenic, excluded …); anything else is "no".
TRUE_WORDS = frozenset({"true", "t", "1", "1.0", "yes", "y", "是", "v", "✓", "x", "排除"})


def is_true(value: object) -> bool:
    """Read a yes/no cell: ``True``, 1, "yes", "是", "✓" … are yes; blanks and anything else no."""
    return value is True or str(value).strip().lower() in TRUE_WORDS


#: Cell texts read as an explicit "no" (a blank cell says nothing).
FALSE_WORDS = frozenset({"false", "0", "0.0", "no", "n", "否", "f"})


def yes_no(value: object) -> bool | None:
    """Read a yes/no cell that may be left blank: yes → True, no → False, blank → None.

    Yes is :func:`is_true`; a blank (None, NaN, empty text) says nothing; anything else is no.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return None
    return is_true(value)


def map_distinct(values, func) -> np.ndarray:
    """Apply ``func`` once per distinct value of a column (missing values as None) and spread the results.

    ``values`` may be a Series of any dtype (arrow strings, categorical, object) or an array;
    factorising is hash-based, so a million rows with a few distinct values cost one pass.
    """
    x = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object), dtype=object)
    codes, uniq = pd.factorize(x, use_na_sentinel=True)
    mapped = np.empty(len(uniq) + 1, dtype=object)
    for k, u in enumerate(uniq):
        mapped[k] = func(u)
    mapped[-1] = func(None)
    return mapped[codes]  # code -1 (missing) takes the last entry, func(None)


def scope_of(subcategory: str) -> int | None:
    """Return the GHG Protocol scope of an ISO 14064-1 sub-category ('1.1' -> 1)."""
    return ISO_SUBCATEGORIES[subcategory][2]


#: Inventory source table (our own workbook sheet 'sources' / '排放源').
SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("source_id", "str", True, "排放源編號", "unique id of the source, e.g. 'S01'"),
    Column("name", "str", False, "排放源名稱", "readable name, e.g. '鍋爐 柴油'"),
    Column("facility", "str", False, "廠區", "facility id (sheet 'facilities'); empty = the only facility"),
    Column("iso_category", "str", True, "類別", "ISO 14064-1 sub-category: 1.1 … 5.4, 6"),
    Column("method", "str", False, "計算方法", "one of carbon.schema.METHODS; empty = 'factor'"),
    Column("process_code", "str", False, "製程代碼", "MOENV process code"),
    Column("process_name", "str", False, "製程名稱", ""),
    Column("equipment_code", "str", False, "設備代碼", "MOENV equipment code (e.g. 4092 chiller)"),
    Column("equipment_name", "str", False, "設備名稱", ""),
    Column("material_code", "str", False, "原燃物料代碼", "MOENV raw material / fuel code (e.g. 170006)"),
    Column("material_name", "str", False, "原燃物料名稱", ""),
    Column("activity_amount", "float", True, "活動數據", "amount in activity_unit (≥ 0)"),
    Column("activity_unit", "str", True, "單位", "e.g. 公秉, L, 千度, kWh, 千立方公尺, kg, 人時"),
    Column("factor_id", "str", False, "係數編號", "library id (e.g. moenv-2024/diesel-stationary) or a custom factor id"),
    Column("gas", "str", False, "氣體", "the gas emitted, for refrigerant / extinguisher / measured sources"),
    Column("heat_value", "float", False, "熱值", "heat value (LHV) for per-energy factors"),
    Column("heat_value_unit", "str", False, "熱值單位", "e.g. kcal/L, kcal/m3, kcal/kg, MJ/kg"),
    Column("allocation", "float", False, "分配比率", "share of the activity in the boundary (0–1); empty = 1"),
    Column("carbon_content", "float", False, "碳含量", "mass fraction of carbon (0–1), mass balance"),
    Column("biogenic", "bool", False, "生質", "biomass fuel: CO2 reported separately"),
    Column("ch4_kind", "str", False, "甲烷種類", "fossil | non_fossil; empty = decided by the rule and shown"),
    Column("charge_kg", "float", False, "冷媒填充量(kg)", "refrigerant charge, emission-factor method"),
    Column("leak_rate", "float", False, "逸散率", "annual leak rate (fraction); empty = equipment default"),
    Column("recovery_rate", "float", False, "防治設備回收率", "refrigerant: recovery of the factory's abatement equipment (fraction); empty = 0"),
    Column("recovery_use_rate", "float", False, "防治設備使用率", "refrigerant: use rate of that equipment (fraction); empty = 1 when a recovery is given"),
    Column("hours_per_day", "float", False, "每日工時", "septic: working hours per person-day"),
    Column("data_year", "int", False, "數據年份", "electricity: data year of the grid factor (民國 or 西元)"),
    Column("certificate_kwh", "float", False, "再生能源憑證(kWh)", "electricity: renewable certificates (電證合一), counted 0"),
    Column("market_factor_id", "str", False, "市場基準係數編號", "electricity: supplier-specific factor for the market-based scope 2 total"),
    Column("period_start", "str", False, "帳單起日", "bill start date (prorated to the reporting period)"),
    Column("period_end", "str", False, "帳單迄日", "bill end date"),
    Column("grade_a", "int", False, "活動數據種類等級", "表六 A: 1 continuous, 2 periodic/financial, 3 estimate"),
    Column("grade_b", "int", False, "活動數據可信等級", "表六 B: 1 external calibration, 2 internal, 3 none"),
    Column("grade_c", "int", False, "排放係數種類等級", "表六 C level: 1 自廠/同製程係數, 2 製造商/區域係數, 3 國家/國際係數"),
    Column("ad_low_pct", "float", False, "活動數據不確定性下限(%)", "95 % lower bound, e.g. 1.5"),
    Column("ad_high_pct", "float", False, "活動數據不確定性上限(%)", "95 % upper bound"),
    Column("ef_low_pct", "float", False, "係數不確定性下限(%)", "override of the factor's interval"),
    Column("ef_high_pct", "float", False, "係數不確定性上限(%)", ""),
    Column("supplier", "str", False, "供應商", ""),
    Column("data_source", "str", False, "數據來源", "where the activity data comes from (bills, meters …)"),
    Column("excluded", "bool", False, "排除", "excluded from the total (categories 3–6, insignificant)"),
    Column("exclusion_reason", "str", False, "排除理由", "justification carried into the report"),
    Column("note", "str", False, "備註", ""),
)

FACILITY_COLUMNS: tuple[Column, ...] = (
    Column("facility_id", "str", True, "廠區編號", ""),
    Column("name", "str", False, "廠區名稱", ""),
    Column("address", "str", False, "地址", ""),
    Column("equity_share", "float", False, "持股比例", "0–1; used with the equity-share approach"),
    Column("registration_no", "str", False, "管制編號", ""),
)


def header_aliases(*tables: tuple[Column, ...]) -> dict[str, str]:
    """Header text (the column name, its lower case, its Chinese header) -> column name, for ``tables``."""
    out: dict[str, str] = {}
    for cols in tables:
        for c in cols:
            out[c.name] = c.name
            out[c.name.lower()] = c.name
            out[c.zh] = c.name
    return out


#: Header text (English or Chinese) -> column name.
HEADER_ALIASES: dict[str, str] = header_aliases(SOURCE_COLUMNS, FACILITY_COLUMNS, RECORD_COLUMNS)

_PD = {"str": "string", "float": "float64", "int": "Int64", "bool": "boolean"}


def empty_records() -> pd.DataFrame:
    """Return an empty emission-records table with the right dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=_PD[c.dtype]) for c in RECORD_COLUMNS})
