# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 排放係數：查詢、換算、單位與 GWP
#
# 中小企業低碳培訓（工作坊／種子班）教材。本筆記本說明碳算 (carbon) 如何查詢官方排放係數、
# 每個係數從哪一份官方檔案的哪一格來、如何把每 TJ 係數換算成每公升係數、單位與民國年的處理，
# 以及 GWP 版本、電力排碳係數與產品碳足跡係數的差別。
#
# *Training notebook for Taiwan's SME low-carbon programme: looking up official emission factors, their provenance,
# per-TJ to per-litre conversion, units and ROC years, GWP sets, grid factors and why CFP factors differ.*
#
# 本頁所有數字都由程式從係數庫計算產生，沒有手打的結果；重要的數字以 `assert` 檢查，
# 數字一旦改變，測試就會失敗。
#
# *Every number below is computed from the factor library; key results are asserted, so a changed number fails the test.*

# %%
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from IPython.display import display
except ImportError:  # run as a plain script without IPython
    display = print


import carbon
from carbon import Q_, convert, gwp_sets, gwp_value, load_registry, multiplier, parse_date, parse_roc_year, to_co2e
from carbon.errors import FactorNotFoundError, GasMixError, UnitMismatchError
from carbon.factors import FACTORS_DIR

ROOT = FACTORS_DIR.parent  # the repository carbon is installed from (make run / make test: editable install)

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 80)
print("carbon", carbon.__version__, "from", Path(carbon.__file__).parent)

# %% [markdown]
# ## 1. 載入係數庫
#
# `load_registry()` 讀入 `factors/` 下所有資料集（環境部 6.0.4 版係數管理表、2024 年公告係數、
# 電力排碳係數、IPCC 2006、產品碳足跡係數、CBAM 預設值…），每個資料集都有版本與來源檔。
#
# *`load_registry()` loads every dataset under `factors/`, each with its edition and source files.*

# %%
reg = load_registry()
datasets = pd.DataFrame(
    [
        {
            "dataset": ds,
            "edition": reg.meta[ds].get("dataset", {}).get("edition"),
            "title_zh": reg.meta[ds].get("dataset", {}).get("title_zh"),
            "factors": len(reg.ids(ds)),
        }
        for ds in reg.datasets()
    ]
)
display(datasets)
assert {"moenv-6.0.4", "moenv-2024", "tw-grid", "tw-cfp"} <= set(reg.datasets())

# %% [markdown]
# ## 2. 搜尋係數
#
# `reg.search()` 可用中文名稱、英文名稱、環境部原燃物料代碼或年份搜尋；每個字都要符合。
# 民國年也看得懂：「電力 112」會找到 2023 年的電力排碳係數。
#
# *Search by Chinese or English name, MOENV material code or year; every word must match, and ROC years are understood.*


# %%
def hits(query: str, limit: int = 8) -> pd.DataFrame:
    """Search results as a small table."""
    found = reg.search(query, limit=limit)
    return pd.DataFrame(
        [{"id": f.id, "name_zh": f.name_zh, "name_en": f.name_en, "code": f.moenv_code, "kind": f.kind} for f in found]
    )


for q in ["柴油", "diesel", "170006", "電力 2023", "電力 112"]:
    print(f"\n搜尋 search: {q!r}")
    display(hits(q))

assert "moenv-6.0.4/diesel-stationary" in [f.id for f in reg.search("170006")]
assert [f.id for f in reg.search("電力 2023")] == [f.id for f in reg.search("電力 112")] == ["tw-grid/2023"]

# %% [markdown]
# ## 3. 一個係數的完整出處
#
# 以「柴油（固定源）」為例：每一種氣體一個數值，並附上資料集、版本、官方來源檔，
# 以及數值所在的工作表、列與欄（`source_ref`），查驗時可以直接回到原始檔案核對。
#
# *One factor with its provenance: dataset, edition, official source file and the sheet/row/column of every value.*

# %%
diesel = reg.get("moenv-6.0.4/diesel-stationary")
print(diesel.id, "—", diesel.name_zh, "/", diesel.name_en)
print("資料集 dataset:", diesel.dataset, "| 版本 edition:", diesel.edition, "| 代碼 code:", diesel.moenv_code)
print("來源 source:", diesel.source["title_zh"], "/", diesel.source["publisher"])
for f in diesel.source["files"]:
    print("  檔案 file:", f)
gases = pd.DataFrame(
    [
        {"gas": g, "value": v.value, "unit": v.unit, "95% low": v.low, "95% high": v.high, "cell": v.source_ref}
        for g, v in diesel.gases.items()
    ]
)
display(gases)
print("低位熱值 heat value:", diesel.heat_value, diesel.heat_value_unit)
print("熱值出處 heat value note:", diesel.note)
assert diesel.gases["CO2"].unit == "kg CO2/TJ"
assert diesel.gases["CO2"].source_ref.startswith("sheet '1_固定源與移動源(燃料)CO2排放係數'")

# %% [markdown]
# ## 4. 每 TJ 係數 × 熱值 → 每公升係數
#
# 官方係數以能量為基準（kg CO2/TJ），加油發票卻是公升。換算要用低位熱值（kcal/L），
# 而 1 kcal 是國際蒸汽表卡 (International Table calorie) = 4.1868 kJ = 4.1868×10⁻⁹ TJ。
#
# *Official factors are per energy (kg CO2/TJ); fuel is bought in litres. The heat value (kcal/L, International Table kcal
# = 4.1868 kJ) links them.*

# %%
ef_tj = diesel.gases["CO2"].value  # kg CO2/TJ
hv = diesel.heat_value  # kcal/L
kcal_to_tj = multiplier("kcal", "TJ")  # TJ per kcal
ef_l = ef_tj * hv * kcal_to_tj
print(f"{ef_tj:,.0f} kg CO2/TJ × {hv:,.0f} kcal/L × {kcal_to_tj:.6g} TJ/kcal = {ef_l:.9f} kg CO2/L")

# the same with pint quantities (carbon reads every 'kcal' as the International Table kcal)
q = (Q_(ef_tj, "kg CO2/TJ") * Q_(hv, "kcal_IT/L")).to("kg CO2/L")
print("pint:", q)
assert multiplier("kcal", "kJ") == 4.1868
assert abs(ef_l - 2.606031792) < 1e-9
assert abs(q.magnitude - ef_l) < 1e-12

# %% [markdown]
# 2024 年公告（`moenv-2024`）的係數沒有附熱值，熱值由申報單位自行提供；沒有提供時，碳算改用 6.0.4 版
# 係數管理表的熱值，並在結果中註明來源。
#
# *The 2024 announcement gives no heat values; without one from the user, carbon falls back to the 6.0.4 table's and
# says so.*

# %%
hv_2024 = reg.default_heat_value("moenv-2024/diesel-stationary")
print("moenv-2024/diesel-stationary 預設熱值 default heat value:", hv_2024)
assert hv_2024 == (diesel.heat_value, diesel.heat_value_unit, diesel.id)
assert reg.get("moenv-2024/diesel-stationary").gases["CO2"].value == ef_tj

# %% [markdown]
# 同樣的方法可算出每公升柴油的 CH4、N2O，再用 GWP 換成 CO2e（GWP 見第 6 節）。
#
# *The same for CH4 and N2O, converted to CO2e with a named GWP set (section 6).*

# %%
per_litre = pd.DataFrame(
    [
        {
            "gas": g,
            "kg per L": v.value * hv * kcal_to_tj,
            "GWP (MOENV-2024)": gwp_value(g, "MOENV-2024", "fossil"),
        }
        for g, v in diesel.gases.items()
    ]
)
per_litre["kg CO2e per L"] = per_litre["kg per L"] * per_litre["GWP (MOENV-2024)"]
display(per_litre)
print(f"合計 total: {per_litre['kg CO2e per L'].sum():.6f} kg CO2e/L")
assert per_litre["kg CO2e per L"].sum() > ef_l

# %% [markdown]
# ## 5. 單位與民國年
#
# 台灣常用的單位都能直接寫：度 (kWh)、千度 (MWh)、公秉 (kL)、千立方公尺。
# `convert()` 一次換算整欄數字，每種單位只查一次換算倍數。
#
# *Taiwanese units are understood: 度, 千度, 公秉, 千立方公尺; `convert()` converts a whole column at once.*

# %%
units = pd.DataFrame(
    [
        ("度", "kWh"),
        ("千度", "kWh"),
        ("公秉", "L"),
        ("公升", "L"),
        ("千立方公尺", "m3"),
        ("公噸", "kg"),
    ],
    columns=["from", "to"],
)
units["multiplier"] = [multiplier(a, b) for a, b in units.itertuples(index=False)]
display(units)
bills = convert(np.array([1200.0, 3.5]), np.array(["度", "千度"]), "kWh")
print("1,200 度 與 3.5 千度 →", bills, "kWh")
assert units["multiplier"].tolist() == [1.0, 1000.0, 1000.0, 1.0, 1000.0, 1000.0]
assert bills.tolist() == [1200.0, 3500.0]

# %% [markdown]
# 民國年與日期：`parse_roc_year("民國113年")` 是 2024；帳單日期「113/01/31」也能讀。
#
# *ROC years and dates: 民國113年 is 2024; bill dates such as 113/01/31 are read too.*

# %%
for y in ["民國113年", "113年", "113", 2024]:
    print(f"{y!r:>12} → {parse_roc_year(y)}")
print("'113/01/31' →", parse_date("113/01/31"))
assert parse_roc_year("民國113年") == 2024
assert parse_date("113/01/31").isoformat() == "2024-01-31"

# %% [markdown]
# ### 程式會拒絕的換算
#
# 1. 不同氣體不能直接相加：1 t CH4 + 1 t CO2 會出錯，必須先用指定的 GWP 版本換成 CO2e。
# 2. 體積（公升、立方公尺）不能直接變成能量（TJ），一定要給熱值。
#
# *Refusals: different gases are never added without a GWP set, and a volume never becomes TJ without a heat value.*

# %%
try:
    Q_(1, "t CH4") + Q_(1, "t CO2")
except Exception as err:  # pint.DimensionalityError
    print("相加 add:", type(err).__name__, "-", err)
else:
    raise AssertionError("adding t CH4 to t CO2 must fail")

try:
    multiplier("t CH4", "t CO2")
except GasMixError as err:
    print("換算 convert:", type(err).__name__, "-", err)
else:
    raise AssertionError("converting t CH4 to t CO2 must fail")

try:
    multiplier("千立方公尺", "TJ")
except UnitMismatchError as err:
    print("體積→能量 volume→energy:", type(err).__name__, "-", err)
else:
    raise AssertionError("a volume must not become TJ without a heat value")

# %% [markdown]
# ## 6. GWP 版本
#
# GWP 沒有預設值：每次計算都要指明版本。碳算內建 AR4、AR5、AR6 與環境部 2024 年公告
# （MOENV-2024：AR5 數值，化石 CH4 為 30、非化石 CH4 為 28）。
#
# *There is no default GWP set: every calculation names one. MOENV-2024 is AR5 with fossil CH4 30 and non-fossil CH4 28.*

# %%
sets = gwp_sets()
print("GWP sets:", sets)
table = pd.DataFrame(
    {
        s: {
            "CH4 fossil": gwp_value("CH4", s, "fossil"),
            "CH4 non-fossil": gwp_value("CH4", s, "non_fossil"),
            "N2O": gwp_value("N2O", s),
            "HFC-134a": gwp_value("HFC-134a", s),
            "R-410A": gwp_value("R-410A", s),
        }
        for s in sets
    }
)
display(table)
assert sets == ["AR4", "AR5", "AR6", "MOENV-2024"]
assert (gwp_value("CH4", "MOENV-2024", "fossil"), gwp_value("CH4", "MOENV-2024", "non_fossil")) == (30.0, 28.0)
assert [gwp_value("N2O", s) for s in ("AR4", "AR5", "AR6")] == [298.0, 265.0, 273.0]

# %% [markdown]
# 冷媒 R-410A 是混合物：GWP 是各成分 GWP 依質量分率加權。
#
# *R-410A is a blend: its GWP is the mass-weighted GWP of its components.*

# %%
from carbon.gwp import load_gwp

blend = load_gwp().blends.query("blend == 'R-410A'")[["component", "mass_fraction"]].copy()
blend["GWP (MOENV-2024)"] = [gwp_value(c, "MOENV-2024") for c in blend["component"]]
display(blend)
weighted = float((blend["mass_fraction"] * blend["GWP (MOENV-2024)"]).sum())
print(f"R-410A (MOENV-2024) = {weighted:g}")
assert abs(weighted - gwp_value("R-410A", "MOENV-2024")) < 1e-9

# %% [markdown]
# `to_co2e()` 把一種氣體的質量換成 CO2e，並且必須指明 GWP 版本。
#
# *`to_co2e()` turns a mass of one gas into CO2e with a named GWP set.*

# %%
for s in ("AR4", "MOENV-2024"):
    print(f"2 t CH4 (fossil), {s}: {to_co2e(Q_(2, 't CH4'), 'CH4', s, ch4_kind='fossil'):~P}")
print(f"0.5 t N2O, AR6: {to_co2e(Q_(0.5, 't N2O'), 'N2O', 'AR6'):~P}")
assert to_co2e(Q_(2, "t CH4"), "CH4", "MOENV-2024", ch4_kind="fossil").magnitude == 60.0

# %% [markdown]
# ## 7. 電力排碳係數（依數據年份）
#
# 外購電力（類別 2.1）使用該數據年份的電力排碳係數（`tw-grid/<年>`）。
# 係數庫有 2005 到 2024 年；2025 年尚未公告，查詢會出錯並提示最接近的年份。
#
# *Purchased electricity (category 2.1) uses the grid factor of the data year; 2005–2024 are in the library, 2025 is not
# announced yet and the look-up fails with suggestions.*

# %%
years = sorted(int(i.split("/")[1]) for i in reg.ids("tw-grid") if i.split("/")[1].isdigit())
grid = pd.DataFrame(
    [
        {
            "year": y,
            "民國": y - 1911,
            "kg CO2e/kWh": reg.get(f"tw-grid/{y}").gases["CO2e"].value,
            "source": reg.get(f"tw-grid/{y}").gases["CO2e"].source_ref,
        }
        for y in years
    ]
)
display(grid)
assert years == list(range(2005, 2025))

try:
    reg.get("tw-grid/2025")
except FactorNotFoundError as err:
    print("2025:", err)
else:
    raise AssertionError("tw-grid/2025 should not exist yet")

# %% [markdown]
# ## 8. 產品碳足跡係數 (tw-cfp) 不是盤查係數
#
# 環境部碳足跡排放係數（CFP_P_02）是生命週期係數：例如「電力碳足跡(2022)」包含發電燃料的上游開採、
# 運輸等排放，所以比同年的電力排碳係數高。組織盤查（ISO 14064-1 類別 1、2）要用燃燒係數與
# 電力排碳係數；碳足跡係數只適合產品碳足跡（ISO 14067）或類別 3–6 的估算。
#
# *CFP factors are life-cycle factors (they include upstream emissions), so they are higher than inventory factors; use
# them for product footprints or categories 3–6, never for categories 1–2.*

# %%
cfp_el = reg.get("tw-cfp/dian-li-tan-zu-ji-2022")
cfp_up = reg.get("tw-cfp/dian-li-jian-jie-tan-zu-ji-2022")
grid_2022 = reg.get("tw-grid/2022")
cfp_diesel = reg.get("tw-cfp/chai-you-yu-gu-ding-yuan-shi-yong-2022")


def row(f, value=None, unit=None, label=None):
    """One line of the comparison table."""
    g = f.gases.get("CO2e")
    return {
        "factor": label or f.id,
        "name": f.name_zh,
        "kind": f.kind,
        "basis": f.basis,
        "value": g.value if value is None else value,
        "unit": g.unit if unit is None else unit,
    }


compare = pd.DataFrame(
    [
        row(cfp_el),
        row(cfp_up),
        row(grid_2022),
        row(cfp_diesel),
        row(diesel, per_litre["kg CO2e per L"].sum(), "kg CO2e/L", diesel.id + " (CO2e, §4)"),
    ]
)
display(compare)
print("CFP 出處 source:", cfp_el.source["title_zh"], "—", cfp_el.gases["CO2e"].source_ref)
assert cfp_el.gases["CO2e"].value == 0.6058 and cfp_el.gases["CO2e"].unit == "kg CO2e/kWh"
assert cfp_el.kind == "product" and grid_2022.kind == "electricity"
assert cfp_el.gases["CO2e"].value > grid_2022.gases["CO2e"].value
assert cfp_diesel.gases["CO2e"].value > per_litre["kg CO2e per L"].sum()

# %% [markdown]
# 拆開來看：2022 年電力碳足跡 = 電力排碳係數（發電廠排放）+ 電力間接碳足跡（燃料開採、運輸等上游排放）。
# 盤查類別 2.1 只算前者；能源的上游排放實務上歸在類別 4（組織使用的產品），不能重複計算在類別 2。
#
# *Split: the 2022 electricity CFP = the grid factor (power-plant emissions) + the indirect (upstream) part. Category 2.1
# counts only the first; energy upstream emissions usually go to category 4 (products used by the organisation).*

# %%
direct, upstream, total = (f.gases["CO2e"].value for f in (grid_2022, cfp_up, cfp_el))
print(f"{direct} (tw-grid/2022) + {upstream} (電力間接碳足跡) = {direct + upstream:.4f} = 電力碳足跡(2022) {total}")
assert abs(direct + upstream - total) < 1e-12

# %% [markdown]
# 碳算會擋下誤用：把碳足跡係數放在類別 2.1 的排放源，計算時會回報錯誤與修正方法。
#
# *carbon refuses the mix-up: a CFP factor on a category 2.1 source is reported with how to fix it.*

# %%
from carbon import InputError, InventoryProject, Organisation, calculate

wrong = InventoryProject(
    organisation=Organisation(name="練習工廠", reporting_year="民國111年"),
    sources=pd.DataFrame(
        [
            {
                "source_id": "E1",
                "name": "外購電力",
                "iso_category": "2.1",
                "method": "factor",
                "activity_amount": 10_000,
                "activity_unit": "度",
                "factor_id": cfp_el.id,
            }
        ]
    ),
)
try:
    calculate(wrong, gwp_set="MOENV-2024")
except InputError as err:
    print(err)
    assert "life-cycle" in str(err)
else:
    raise AssertionError("a CFP factor in category 2.1 must be refused")

right = InventoryProject(
    organisation=wrong.organisation, sources=wrong.sources.assign(method="electricity", factor_id=None)
)
res = calculate(right, gwp_set="MOENV-2024")
print(f"正確 correct: 10,000 度 × tw-grid/2022 = {res.total_tco2e:g} t CO2e")
assert abs(res.total_tco2e - 10_000 * grid_2022.gases["CO2e"].value / 1000) < 1e-12
