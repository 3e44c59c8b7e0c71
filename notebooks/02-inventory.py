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
# # 02 組織型溫室氣體盤查：從範本到結果與匯出
#
# 中小企業低碳培訓（工作坊／種子班）教材，依 ISO 14064-1:2018 與環境部盤查登錄表單。
# 流程：空白範本 → 範例工廠案例 → 計算（類別、範疇、氣體）→ 計算過程說明 → 數據品質（表六）→
# 不確定性（表七與蒙地卡羅）→ GWP 版本比較 → 環境部官方範例清冊的匯入、計算與匯出 → 輸入錯誤的訊息。
#
# *Training notebook (ISO 14064-1:2018 and the MOENV inventory form): template → case factory → results → explanation →
# data quality → uncertainty → GWP sets → the official MOENV sample workbook → input errors.*
#
# 本頁所有數字都由程式計算產生；重要結果以 `assert` 檢查，數字改變時測試會失敗。
#
# *Every number is computed by the code; key results are asserted so a changed number fails the test.*

# %%
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from IPython.display import display
except ImportError:  # run as a plain script without IPython
    display = print


import carbon
from carbon import InputError, calculate, gwp_sets, gwp_value, load_registry, multiplier, read_project, write_template
from carbon.factors import FACTORS_DIR
from carbon.formats.moenv import read_moenv_workbook, write_moenv_workbook
from carbon.reporting.uncertainty import fig_uncertainty_histogram
from carbon.uncertainty import monte_carlo

ROOT = FACTORS_DIR.parent  # the repository carbon is installed from (make run / make test: editable install)

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

CASE = ROOT / "examples" / "demo-factory.yaml"
SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
WORK = Path(tempfile.mkdtemp(prefix="carbon-notebook-"))  # every file this notebook writes goes here
print("carbon", carbon.__version__, "| case:", CASE.relative_to(ROOT), "| output folder:", WORK)

# %% [markdown]
# ## 1. 空白盤查範本
#
# `write_template()` 產生中文（或英文）Excel 範本：組織、廠區、排放源、自訂係數與欄位說明，
# 排放源工作表有下拉選單與兩列範例。學員填好後用 `read_project()` 讀回來。
#
# *`write_template()` writes a blank workbook (organisation, facilities, sources, custom factors, column help) with
# drop-downs and two example rows; `read_project()` reads it back.*

# %%
template = write_template(WORK / "盤查範本.xlsx", lang="zh-TW")
sheets = pd.ExcelFile(template, engine="calamine").sheet_names
print("工作表 sheets:", sheets)
example_rows = pd.read_excel(template, sheet_name="排放源", engine="calamine").dropna(axis=1, how="all")
display(example_rows)
assert {"組織", "廠區", "排放源", "自訂係數", "說明"} <= set(sheets)

# 未修改的範本不會算出數字：兩列範例的備註是「範例列」，讀取時不計入。
# An untouched template gives no total: its two example rows are marked (note '範例列 …') and not counted.
try:
    read_project(template)
except InputError as err:
    print(err)
else:
    raise AssertionError("an untouched template must not give a total")

# 把範例列當成自己的資料：清除備註欄的「範例列」標記。 Keep the example rows as your own: clear their mark.
import openpyxl

wb = openpyxl.load_workbook(template)
ws = wb["排放源"]
note_col = [c.value for c in ws[1]].index("備註") + 1
for r in (2, 3):
    ws.cell(row=r, column=note_col).value = None
wb.save(template)

tpl_result = calculate(read_project(template), gwp_set="MOENV-2024")
print("範本的兩列範例 the template's example rows [t CO2e]:", {k: round(v, 4) for k, v in tpl_result.by_source.items()})
assert set(tpl_result.by_source) == set(example_rows["排放源編號"])

# %% [markdown]
# ## 2. 範例工廠案例
#
# 案例是台中一家螺絲工廠（民國113年）：天然氣熱處理爐、柴油鍋爐、堆高機、公務車、冰水機冷媒、
# 化糞池、CO2 滅火器、外購電力（部分以再生能源憑證抵用），以及一個經顯著性評估後排除的類別 3 運輸排放源。
#
# *The case: a fastener maker in Taichung, reporting year 2024 (民國113年): fuels, refrigerant, septic tank, extinguisher,
# electricity partly covered by renewable-energy certificates, and one category-3 source excluded after the significance
# assessment.*

# %%
project = read_project(CASE)
org = project.organisation
print(org.name, "| 統一編號", org.tax_id, "| 盤查年度", org.reporting_year, f"(民國{org.reporting_year - 1911}年)")
print("期間 period:", org.period_start, "–", org.period_end, "| 邊界 boundary:", org.boundary_approach)
cols = [
    "source_id",
    "name",
    "iso_category",
    "method",
    "activity_amount",
    "activity_unit",
    "factor_id",
    "gas",
    "excluded",
]
display(project.sources[cols])
n_cert = project.sources["certificate_kwh"].fillna(0).sum()
print(f"排放源 sources: {len(project.sources)}; 再生能源憑證 certificates: {n_cert:,.0f} kWh")
assert org.reporting_year == 2024

# %% [markdown]
# ## 3. 計算：依類別、範疇、氣體的排放量
#
# `calculate(project, gwp_set="MOENV-2024")` 逐一計算排放源 × 氣體，`to_dict()` 彙整總量。
# 生質 CO2 另外列示、不計入總量；被排除的排放源（S09）也不計入，並保留排除理由。
#
# *`calculate()` computes every source × gas; `to_dict()` gives totals by category, scope and gas. Biogenic CO2 is
# reported apart; the excluded source S09 is left out of the total with its reason.*

# %%
result = calculate(project, gwp_set="MOENV-2024")
d = result.to_dict()
print(f"總排放量 total: {d['total_tco2e']:,.4f} t CO2e (GWP {d['gwp_set']})")
print(f"生質 CO2 biogenic (separate): {d['biogenic_co2_t']:,.4f} t CO2")
print("類別 by category:", {k: round(v, 4) for k, v in d["by_category"].items()})
print("範疇 by scope:", {k: round(v, 4) for k, v in d["by_scope"].items()})
by_gas = pd.DataFrame(d["by_gas"]).T
display(by_gas)
for ex in d["excluded_sources"]:
    print(f"排除 excluded: {ex['id']} (類別 {ex['category']}) — {ex['reason']}")

assert d["gwp_set"] == "MOENV-2024"
assert [e["id"] for e in d["excluded_sources"]] == ["S09"]
assert d["excluded_sources"][0]["reason"]
assert abs(sum(d["by_category"].values()) - d["total_tco2e"]) < 1e-9
assert abs(sum(d["by_scope"].values()) - d["total_tco2e"]) < 1e-9
assert abs(by_gas["tco2e"].sum() - d["total_tco2e"]) < 1e-9
assert "S09" not in result.by_source
assert d["biogenic_co2_t"] == 0.0

# %% [markdown]
# 每個排放源的排放量；S09 雖然算出數字，但被排除、不計入總量。
#
# *Emissions by source; S09 is computed for reference but not counted.*

# %%
per_source = pd.DataFrame(
    [
        {
            "source": s["id"],
            "name": s["name"],
            "category": s["category"],
            "t CO2e": s["tco2e"],
            "excluded": s["excluded"],
        }
        for s in d["sources"]
    ]
)
per_source["share of total"] = np.where(per_source["excluded"], np.nan, per_source["t CO2e"] / d["total_tco2e"])
display(per_source)
assert abs(per_source.loc[~per_source["excluded"], "t CO2e"].sum() - d["total_tco2e"]) < 1e-9

# %% [markdown]
# ## 4. 計算過程說明
#
# `result.explain()` 列出一個排放源的算式：活動數據 × 熱值 × 係數 = 氣體質量 × GWP = CO2e，
# 以及每個係數的資料集、版本與官方檔案位置。S01 是天然氣（燃料），S05 是冷媒逸散（填充量 × 逸散率 ×（1 − 回收率））。
#
# *`explain()` shows the working: activity × heat value × factor × GWP, with each factor's dataset, edition and cell.*

# %%
print(result.explain("S01"))
print()
print(result.explain("S05"))

# %% [markdown]
# 用第 01 本的方法自己驗算兩個排放源：S02 柴油鍋爐（公秉 → 公升 → TJ）與 S08 外購電力（扣除綠電憑證後 × 當年電力排碳係數）。
#
# *Check two sources by hand: S02 (kL → L → TJ × factors × GWP) and S08 (electricity minus certificates × the 2024 grid
# factor).*

# %%
reg = load_registry()
s02 = project.sources.set_index("source_id").loc["S02"]
f02 = reg.get(s02["factor_id"])
tj = s02["activity_amount"] * multiplier(s02["activity_unit"], "L") * s02["heat_value"] * multiplier("kcal", "TJ")
hand_s02 = sum(v.value * tj / 1000 * gwp_value(g, "MOENV-2024", "fossil") for g, v in f02.gases.items())
print(f"S02: {tj:.6f} TJ → {hand_s02:.6f} t CO2e (carbon: {result.by_source['S02']:.6f})")

s08 = project.sources.set_index("source_id").loc["S08"]
grid = reg.get(f"tw-grid/{int(s08['data_year'])}").gases["CO2e"]
kwh = s08["activity_amount"] * multiplier(s08["activity_unit"], "kWh") - s08["certificate_kwh"]
hand_s08 = kwh * grid.value / 1000
print(
    f"S08: ({s08['activity_amount']:,} {s08['activity_unit']} − {s08['certificate_kwh']:,.0f} kWh 憑證) × {grid.value} {grid.unit} = {hand_s08:,.4f} t CO2e"
)
assert abs(hand_s02 - result.by_source["S02"]) < 1e-9
assert abs(hand_s08 - result.by_source["S08"]) < 1e-9

# %% [markdown]
# ## 5. 數據品質（表六）
#
# 每個排放源的誤差等級 X = A（活動數據種類）× B（活動數據可信度）× C（係數種類），
# 以排放量占比加權成整體分數：< 10 為第 1 級，10–19 為第 2 級，≥ 19 為第 3 級。
#
# *表六: X = A × B × C per source, weighted by share of emissions; < 10 is level 1, 10–19 level 2, ≥ 19 level 3.*

# %%
dq = result.data_quality
print(f"數據品質分數 score: {dq.score:.2f} → 等級 level {dq.level}; 各等級排放源數 counts: {dq.counts}")
display(dq.table.round(4))
assert abs(dq.table["weighted"].sum() - dq.score) < 1e-9
assert dq.level == (1 if dq.score < 10 else 2 if dq.score < 19 else 3)
assert sum(dq.counts.values()) == len(dq.table)

# %% [markdown]
# ## 6. 不確定性
#
# ### 6.1 方法一：誤差傳遞（表七）
#
# 環境部表七的規則（IPCC Approach 1）：每個排放源的活動數據與係數 95 % 信賴區間合併，再依排放量合成整體不確定性。
# 只有填了區間的排放源計入（涵蓋率 covered share）。
#
# *Approach 1 (表七): activity and factor 95 % intervals are combined per source and over the inventory; only sources with
# intervals are covered.*

# %%
u = result.uncertainty
print(
    f"方法一 Approach 1: −{u.lower_pct:.3f} % / +{u.upper_pct:.3f} %，涵蓋 covered {u.covered_share:.2%} of emissions"
)
display(u.by_source.round(4))
assert 0 < u.covered_share <= 1
assert 0 < u.lower_pct < 100 and 0 < u.upper_pct < 100

# %% [markdown]
# ### 6.2 方法二：蒙地卡羅
#
# 每個不確定的活動數據與係數依其區間抽樣 50,000 次（共用同一係數的排放源一起抽），
# 得到總量的分布與 95 % 區間。用固定種子的亂數產生器，結果可以重現。
#
# *Approach 2: 50,000 draws of every uncertain activity and factor (shared factors drawn together); a seeded generator
# makes the run reproducible.*
#
# 表七的百分比是相對於「有區間的排放量」；下表為了與蒙地卡羅比較，兩者都換成相對於總排放量
# （沒有區間的排放源視為確定值）。
#
# *表七 percentages are relative to the covered emissions; for the comparison both are expressed relative to the whole
# total (sources without intervals counted as certain).*

# %%
mc = monte_carlo(result.included, 50_000, np.random.default_rng(20240101))
compare = pd.DataFrame(
    {
        "方法一 Approach 1 (表七)": {"lower %": u.lower_pct_of_total, "upper %": u.upper_pct_of_total},
        "方法二 Monte Carlo": {"lower %": mc.lower_pct, "upper %": mc.upper_pct},
    }
).T
print(
    f"確定值 deterministic {mc.deterministic_tco2e:,.2f}; 平均 mean {mc.mean_tco2e:,.2f}; 95 % [{mc.p2_5_tco2e:,.2f}, {mc.p97_5_tco2e:,.2f}] t CO2e"
)
print(f"收斂 converged: {mc.converged} (最大漂移 max drift {mc.max_drift_pct:.3f} % of the mean)")
display(compare.round(3))
assert abs(mc.deterministic_tco2e - result.total_tco2e) < 1e-6
assert mc.converged
assert abs(mc.lower_pct - u.lower_pct_of_total) < 1.0 and abs(mc.upper_pct - u.upper_pct_of_total) < 1.0
again = monte_carlo(result.included, 50_000, np.random.default_rng(20240101))
assert again.p2_5_tco2e == mc.p2_5_tco2e and again.p97_5_tco2e == mc.p97_5_tco2e  # same seed, same numbers

# %% [markdown]
# 對總變異的貢獻排序：哪個排放源最值得改善數據？
#
# *Contribution to the variance of the total: where better data would help most.*

# %%
contrib = mc.by_source.copy()
contrib["share_of_variance"] = contrib["share_of_variance"].round(6)
display(contrib)
top = contrib.iloc[0]["source_id"]
print("最大貢獻 largest contributor:", top, "—", project.sources.set_index("source_id").at[top, "name"])
assert top == max(result.by_source, key=result.by_source.get)
assert abs(mc.by_source["share_of_variance"].sum() - 1) < 1e-9

# %% [markdown]
# 蒙地卡羅總量的直方圖（只建立圖物件，不在此輸出圖片；在 Jupyter 中執行 `fig.show()` 即可看到）。
#
# *The histogram figure is built but not rendered here; `fig.show()` displays it in Jupyter.*

# %%
fig = fig_uncertainty_histogram(mc, result.total_tco2e)
print("圖 figure:", fig.layout.title.text)
print("圖層 traces:", [t.name for t in fig.data])
assert len(fig.data) == 5

# %% [markdown]
# ## 7. GWP 版本比較
#
# 同一份活動數據，用 AR4、AR5、AR6 與環境部 2024 公告的 GWP 計算。差異只來自 CH4、N2O 與冷媒；
# 電力係數以 CO2e 公告，不受影響。申報時要使用主管機關指定的版本，並在報告中註明。
#
# *The same activity data with AR4, AR5, AR6 and MOENV-2024 GWPs: only CH4, N2O and refrigerants change; the grid factor
# is published in CO2e.*

# %%
by_set = {s: calculate(project, gwp_set=s) for s in gwp_sets()}
gwp_table = pd.DataFrame(
    {
        s: {
            "total t CO2e": r.total_tco2e,
            "scope 1": r.by_scope["1"],
            "scope 2": r.by_scope["2"],
            "CH4 GWP (fossil)": gwp_value("CH4", s, "fossil"),
            "N2O GWP": gwp_value("N2O", s),
            "HFC-134a GWP": gwp_value("HFC-134a", s),
        }
        for s, r in by_set.items()
    }
).T
display(gwp_table.round(4))
base = by_set["MOENV-2024"]
for r in by_set.values():
    rec = r.included
    assert abs(r.total_tco2e - (rec["mass_t"] * rec["gwp"]).sum()) < 1e-9
    assert r.by_scope["2"] == base.by_scope["2"]  # electricity: CO2e as published
assert by_set["MOENV-2024"].total_tco2e == result.total_tco2e

# %% [markdown]
# ## 8. 環境部官方範例清冊（溫室氣體排放量清冊表單）
#
# `read_moenv_workbook()` 只讀官方表單的輸入格（表一–表七），計算格全部由碳算重算；
# 讀取時會列出與係數庫不同之處，以及官方範例檔已知的問題（例如 CO2 滅火器乘以 44/12、化糞池 CH4 用化石 GWP），
# 並照官方算法重現，讓數字可以逐位比對。
#
# *`read_moenv_workbook()` reads only the input cells; every computed cell is recomputed. It notes each difference from the
# library and each known defect of the sample, reproduced so the numbers match digit by digit.*

# %%
moenv = read_moenv_workbook(SAMPLE)
print(moenv.organisation.name, "| 盤查年度", moenv.organisation.reporting_year)
display(moenv.sources[["source_id", "name", "iso_category", "activity_amount", "activity_unit", "factor_id"]])
for note in moenv.notes:
    print("-", note)

# %% [markdown]
# 以環境部的進位規則計算（`rounding="moenv"`：氣體質量取 4 位小數、總量取 3 位），結果與官方表八一致。
#
# *With the MOENV rounding rule (gas masses to 4 decimals, total to 3) the results match the official 表八.*

# %%
official = calculate(moenv, rounding="moenv")
summary = {
    "總排放量 total [t CO2e]": official.total_tco2e,
    "範疇一 scope 1 [t CO2e]": official.by_scope["1"],
    "外購電力 electricity 2.1 [t CO2e]": official.by_subcategory["2.1"],
    "數據品質分數 data quality": round(official.data_quality.score, 2),
    "不確定性 uncertainty [%]": round(official.uncertainty.upper_pct, 3),
}
for k, v in summary.items():
    print(f"{k:>32}: {v:,}")
assert official.total_tco2e == 48925.715
assert official.by_scope["1"] == 13765.1339
assert official.by_subcategory["2.1"] == 35160.5814
assert round(official.data_quality.score, 2) == 8.46
assert round(official.uncertainty.lower_pct, 3) == round(official.uncertainty.upper_pct, 3) == 7.159

# %% [markdown]
# 匯出成同樣格式的 Excel（表一–表八），再讀回來重算，總量不變。
#
# *Export in the same layout (表一–表八), read it back and recalculate: the same total.*

# %%
exported = write_moenv_workbook(moenv, official, WORK / "清冊表單.xlsx")
print("匯出 exported:", exported.name, pd.ExcelFile(exported, engine="calamine").sheet_names)
back = calculate(read_moenv_workbook(exported), rounding="moenv")
print(f"讀回 re-imported total: {back.total_tco2e:,} t CO2e")
assert back.total_tco2e == official.total_tco2e == 48925.715
assert back.by_scope == official.by_scope

# %% [markdown]
# ## 9. 輸入錯誤：訊息會指出工作表、列與欄
#
# 把範本的第一列活動數據改成負數、第二列單位寫成不存在的「公桶」，碳算一次列出所有問題，
# 每一個都指出檔案、工作表、列、欄位與修正方法。
#
# *A negative activity and an unknown unit ('公桶') in the template: every problem is reported at once with its sheet, row
# and column, and how to fix it.*

# %%
import openpyxl

wb = openpyxl.load_workbook(template)
ws = wb["排放源"]
col = {c.value: c.column for c in ws[1]}
ws.cell(row=2, column=col["活動數據"], value=-12.5)
ws.cell(row=3, column=col["單位"], value="公桶")
bad = WORK / "錯誤範例.xlsx"
wb.save(bad)

try:
    calculate(read_project(bad), gwp_set="MOENV-2024")
except InputError as err:
    print(err)
    problems = pd.DataFrame(
        [{"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message} for p in err.problems]
    )
    display(problems)
else:
    raise AssertionError("the bad template must be refused")
assert sorted(zip(problems["row"], problems["column"], strict=True)) == [(2, "活動數據"), (3, "單位")]
assert (problems["sheet"] == "排放源").all()
assert "negative" in problems.loc[problems["row"] == 2, "message"].iloc[0]
assert "公桶" in problems.loc[problems["row"] == 3, "message"].iloc[0]
