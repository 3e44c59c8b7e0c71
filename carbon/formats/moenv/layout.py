"""Cell map of the official MOENV inventory workbook (溫室氣體排放量清冊表單): sheets, columns, rows.

Declarative only: which sheet holds what, in which column, from which row; the option
lists of the drop-downs; the look-up tables (附表) the workbook's formulas use and the
constants in those formulas.  :mod:`~carbon.formats.moenv.read`,
:mod:`~carbon.formats.moenv.formulas` and :mod:`~carbon.formats.moenv.write` take every
address from here.

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例) (ghgregistry.moenv.gov.tw/upload/Tools/AI/), 表一–表八,
   附表一/二/五/六/七 and the formulas of 表三 C/F/I, 表五 M–AX, 表六 G/I/O.
"""

from __future__ import annotations

from typing import NamedTuple

#: 表三 L 排放型式 -> ISO 14064-1 sub-category.
EMISSION_TYPES: dict[str, str] = {
    "固定燃燒": "1.1",
    "移動燃燒": "1.2",
    "製程": "1.3",
    "逸散": "1.4",
    "外購電力": "2.1",
    "外購蒸汽": "2.2",
}
TYPE_OF_SUB = {v: k for k, v in EMISSION_TYPES.items()}

#: 表五 W 係數種類 (1–6), as the official drop-down spells them (表五 note 6).
FACTOR_KINDS: dict[int, str] = {
    1: "1自廠發展係數/質量平衡所得係數",
    2: "2同製程/設備經驗係數",
    3: "3製造廠提供係數",
    4: "4區域排放係數",
    5: "5國家排放係數",
    6: "6國際排放係數",
}
#: 表六 O: 係數種類 -> 排放係數參數誤差等級 (1, 2 -> 1; 3, 4 -> 2; 5, 6 -> 3).
KIND_TO_C = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3}

#: 表四 U 量測頻率 -> 表六 G 活動數據種類等級 (formula of 表六 G).
FREQ_TO_A = {
    "連續量測": 1,
    "定期(間歇)量測/財務單據(非推估)": 2,
    "財務會計推估": 3,
    "自行評估": 3,
}
A_TO_FREQ = {1: "連續量測", 2: "定期(間歇)量測/財務單據(非推估)", 3: "自行評估"}
#: 表六 H 活動數據可信種類 (drop-down) -> B grade (formula of 表六 I).
B_TEXT = {
    1: "(1)有進行外部校正或有多組數據茲佐證者",
    2: "(2)有進行內部校正或經過會計簽證等証明者",
    3: "(3)未進行儀器校正或未進行紀錄彙整者",
}

#: 表四 X 排放量計算方法 (drop-down).
METHOD_PUBLISHED = "採用中央主管機關公告之溫室氣體排放係數"
METHOD_OWN = "國際文獻或檢測報告所得之自廠係數"
METHOD_MASS_BALANCE = "質量平衡法"
METHOD_OTHER = "其他"

#: 表三 N–T gas flags, in the workbook's order (gas #1..#3 are the first three flagged).
GAS_FLAGS = (("N", "CO2"), ("O", "CH4"), ("P", "N2O"), ("Q", "HFCS"), ("R", "PFCS"), ("S", "SF6"), ("T", "NF3"))
FGAS = frozenset({"HFCS", "PFCS", "PFC", "SF6", "NF3"})


class GasBlock(NamedTuple):
    """Columns of one gas in 表五.

    Gas, per-energy factor, its unit, unit factor, its unit, factor source, factor kind,
    mass, GWP, CO2e.
    """

    gas: str
    ef_energy: str
    ef_energy_unit: str
    ef_unit: str
    ef_unit_unit: str
    source: str
    kind: str
    mass: str
    gwp: str
    co2e: str


T5_BLOCKS = (
    GasBlock("Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"),
    GasBlock("AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ"),
    GasBlock("AK", "AL", "AM", "AN", "AO", "AP", "AQ", "AR", "AS", "AT"),
)
#: 表五 AU 單一排放源排放當量小計, AV 生質 CO2, AW 占比, AX GWP (HFC/PFC, 附表二).
T5_SUBTOTAL, T5_BIOGENIC, T5_SHARE, T5_FGAS_GWP = "AU", "AV", "AW", "AX"

#: 表七 per-gas blocks: gas, CO2e, EF lower, EF upper, source, keeper, U lower, U upper.
T7_BLOCKS = (
    ("I", "J", "K", "L", "M", "N", "O", "P"),
    ("Q", "R", "S", "T", "U", "V", "W", "X"),
    ("Y", "Z", "AA", "AB", "AC", "AD", "AE", "AF"),
)

#: Units the 表四 P drop-down offers; anything else goes in R with P = '其他'.
T4_UNITS = ("公秉", "千立方公尺", "公噸", "千度")
FIRST_ROW = 3  # first source row in 表三–表六
T7_OFFSET = 2  # 表七 row = 表三 row + 2
INPUT_SHEETS = ("表一", "表二", "表三", "表四", "表五", "表六", "表七")
FORMULA_SHEETS = ("表三", "表四", "表五", "表六")
SHEETS = ("表一", "表二", "表三", "表四", "表五", "表六", "表七", "表八")
REQUIRED = ("表一", "表三", "表四", "表五")
END_MARK = "填表說明"  # 表三/表四 column A text after the last source row

# --- look-up tables (附表) used by the formulas -------------------------------------------
#: 表三 C/F/I = VLOOKUP(code, 附表五/六/七 B:C, 2): (sheet, key column, name column, code width).
NAME_TABLES = {
    "process": ("附表五", "B", "C", 6),
    "equipment": ("附表六", "B", "C", 4),
    "material": ("附表七", "B", "C", 6),
}
#: 表五 R/S = VLOOKUP(K&L&gas&H, 附表一 F2:J212, 4/5); F = A&B&C&D: key columns, value, unit, rows.
FACTOR_TABLE = ("附表一", ("A", "B", "C", "D"), "I", "J", 2, 212)
#: 表五 R/S of purchased electricity = VLOOKUP(表一 B3, 附表一 G216:J247, 2/3).
GRID_TABLE = ("附表一", "G", "H", "I", 216, 247)
GRID_KEY = "間接外購電力350099"  # K&L&H of the row the grid look-up applies to
#: 表五 AX = VLOOKUP(H, 附表二 A:C, 3): GWP of a fluorinated gas by material code.
FGAS_GWP_TABLE = ("附表二", "A", "C")
APPENDIX_SHEETS = ("附表一", "附表二", "附表五", "附表六", "附表七")

# --- constants inside the formulas ---------------------------------------------------------
#: 表五 T = R × 表四 Y × 4186.8×10⁻⁹×10⁻³: kg/TJ × kcal/unit → t/unit (1 kcal = 4186.8 J).
KCAL_TO_TJ_TIMES_T_PER_KG = 4186.8e-9 * 1e-3
C_TO_CO2 = 44.0 / 12.0  # 表五 T = 表四 AB × 44/12
MASS_DECIMALS = 4  # 表五 X = ROUND(M × O × T, 4); Z = ROUND(X × Y, 4); M, O = ROUND(表四 O/Q, 4)
#: 表五 U: per-unit text of the unit factor when R is given (公噸/<activity unit>).
T5_UNIT_OF = {"公噸": "公噸/公噸", "公秉": "公噸/公秉", "千立方公尺": "公噸/千立方公尺", "千度": "公噸/千度"}
T5_UNIT_DEFAULT = "公噸/公噸"
#: GWP the formulas of 表五 Y/AI/AS write per gas (HFCs/PFCs from AX); gas #2 and #3 know fewer gases.
WORKBOOK_GWP = (
    {"CO2": 1.0, "SF6": 23500.0, "CH4": 30.0, "N2O": 265.0, "NF3": 16100.0},
    {"CO2": 1.0, "CH4": 30.0, "N2O": 265.0, "NF3": 16100.0},
    {"CO2": 1.0, "CH4": 30.0, "N2O": 265.0},
)
BIOGENIC_YES = "是"  # 表三 J
INDIRECT = "間接"  # 表三 K

#: Source column -> where it is in the workbook (for problem messages of calculate).
HEADERS = {
    "source_id": "表三 D 設備編號",
    "iso_category": "表三 L 排放型式",
    "activity_amount": "O 活動數據",
    "activity_unit": "P/R 活動數據單位",
    "allocation": "Q 活動數據分配比率",
    "heat_value": "Y 燃料低位熱值數值",
    "heat_value_unit": "Z 燃料低位熱值單位",
    "carbon_content": "AB 碳含量",
    "factor_id": "表五 R/T 排放係數",
    "gas": "表三 N–T 產生溫室氣體",
    "data_year": "表一 B 盤查期間",
    "grade_a": "U 量測頻率",
    "grade_b": "表六 H 活動數據可信種類",
    "grade_c": "表五 W 係數種類",
    "ad_low_pct": "表七 E",
    "ad_high_pct": "表七 F",
    "ef_low_pct": "表七 K",
    "ef_high_pct": "表七 L",
}

# --- headers written by write_moenv_workbook ------------------------------------------------
T1_HEAD = [
    "盤查期間", "", "管制編號", "事業名稱", "統一編號（總公司統編）", "工廠統一編號", "負責人姓名", "聯絡人姓名",
    "聯絡人電話", "聯絡人電子信箱", "聯絡人傳真*", "聯絡人手機", "行業代碼1", "行業名稱1", "行業代碼2*", "行業名稱2*",
    "登錄原因", "盤查依據規範", "是否經本署許可之查驗機構查驗", "查驗機構名稱", "備註*",
]  # fmt: skip
T2_HEAD = [
    "目的事業主管機關所核發之證書字號", "目的事業主管機關", "縣市別", "鄉鎮別", "郵遞區號3", "里別*", "鄰別*", "地址",
    "邊界內未納入計算之排放源1*", "邊界內未納入計算之排放源2*", "邊界內未納入計算之排放源3*",
]  # fmt: skip
T3_HEAD = [
    "製程編號3", "製程代碼4", "製程名稱", "設備編號5", "設備代碼6", "設備名稱", "原(燃)物料或產品類別7",
    "原(燃)物料或產品代碼8", "原(燃)物料或產品名稱", "是否屬生質能源", "直接/間接", "排放型式10",
    "排放型式-製程或逸散或外購電力類別10", "產生CO2", "產生CH4", "產生N2O", "產生HFCS", "產生PFCS", "產生SF6", "產生NF3",
    "是否屬汽電共生設備", "備註*",
]  # fmt: skip
T4_HEAD = [
    "製程編號", "製程代碼", "製程名稱", "設備編號", "設備代碼", "設備名稱", "原(燃)物料或產品類別", "原(燃)物料或產品代碼",
    "原(燃)物料或產品名稱", "是否為生質能源", "直接/間接", "排放型式", "排放型式-製程或逸散或外購電力類別3",
    "電力/蒸汽供應商名稱4", "活動數據5", "活動數據單位7", "活動數據分配比率%*6", "其他單位名稱8", "數據來源9*",
    "\n保存單位10*", "量測頻率", "量測儀器11*", "儀器校正頻率12*", "排放量計算方法", "燃料低位熱值數值13",
    "燃料低位熱值單位", "含水量(%)*", "碳含量(%)", "備註*",
]  # fmt: skip
T5_HEAD = [
    "製程編號", "製程代碼", "製程名稱", "設備編號", "設備代碼", "設備名稱", "原(燃)物料或產品類別", "原(燃)物料或產品代碼",
    "原(燃)物料或產品名稱", "是否為生質能源", "直接/間接", "排放型式", "活動數據", "活動數據單位", "活動數據分配比率%",
    "排放量計算方法",
    "溫室\n氣體#1", "燃料單位熱值之排放係數/單位電力排碳係數3", "單位熱值或單位電力之係數單位", "單位排放係數/電力排碳係數4",
    "單位排放係數單位", "排放係數來源5", "係數種類6", "排放量(公噸/年)7", "GWP8", "排放當量(公噸CO2e/年)9",
    "溫室\n氣體#2", "燃料單位熱值之排放係數/電力排碳係數", "單位熱值之排放係數單位", "單位排放係數/電力排碳係數",
    "單位排放係數單位", "排放係數來源", "係數種類", "排放量(公噸/年)", "GWP", "排放當量(公噸CO2e/年)",
    "溫室\n氣體#3", "燃料單位熱值之排放係數/電力排碳係數", "單位熱值之排放係數單位", "單位排放係數/電力排碳係數",
    "單位排放係數單位", "排放係數來源", "係數種類", "排放量(公噸/年)", "GWP", "排放當量(公噸CO2e/年)",
    "單一排放源排放當量小計(CO2e公噸/年)10", "單一排放源生質燃料之CO2排放當量小計(CO2e公噸/年)11",
    "單一排放源占排放總量比(%)12", "GWP值\n(HFC/PFC)",
]  # fmt: skip
T6_HEAD = [
    "製程編號", "製程代碼", "設備編號", "設備代碼", "原(燃)物料或產品代碼", "原(燃)物料或產品名稱", "活動數據誤差等級3",
    "活動數據可信種類4\n(儀器校正誤差等級)", "儀器校正誤差等級5", "數據可信度資訊說明*6", "負責單位或保存單位7",
    "直接/間接", "排放型式", "排放係數種類", "排放係數參數誤差等級8", "單一排放源數據誤差等級9",
    "單一排放源占排放總量比(%)", "評分區間範圍10", "排放量占比加權平均",
]  # fmt: skip
