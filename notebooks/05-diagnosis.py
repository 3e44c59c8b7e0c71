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
# # 05 低碳化診斷：熱點、減碳措施、邊際減碳成本、目標路徑、碳費與補助
#
# 中小企業低碳培訓教材。兩個示範案例從盤查走到「低碳化改善建議」：
#
# 1. **染整廠**（`examples/dyeing-factory.yaml`）：燃料油鍋爐是最大熱點；措施依序為鍋爐燃燒調整、冷凝水回收、
#    染色廢水熱回收、燃料油改天然氣，再加屋頂型太陽光電。與 2022 基準年比較，說明排放為何改變；
#    計算 −40 % 目標的缺口、碳費前後、補助預算檢核與智慧化階段。
# 2. **空壓系統**（`examples/compressor-factory.yaml`）：四台空壓機的洩漏修補、連動控制與降壓；
#    說明同一系統上的兩項措施為何不能各自節省全部能源（不重複計算）。
#
# *Training notebook: two showcase cases from the inventory to the low-carbon recommendations — a dyeing-and-finishing
# factory (boiler tuning, condensate and wastewater heat recovery, oil → gas fuel switch, PV; base-year comparison,
# target gap, carbon fee, subsidy, smart stage) and a compressed-air system (leak repair, sequencing, pressure) with
# the overlap of measures on one system.*
#
# 每個數字都由程式計算；重要結果以 `assert` 對照手算。電價、油價、投資額與工程輸入是教學用的案例數據。
#
# *Every number is computed by the code; key results are asserted against hand calculations. Tariffs, capex and
# engineering inputs are case data for teaching.*

# %%
import math

import pandas as pd

try:
    from IPython.display import display
except ImportError:  # run as a plain script without IPython
    display = print

from carbon import calculate, read_project
from carbon.diagnosis import carbon_fee, check_budget, diagnose, read_diagnosis
from carbon.factors import FACTORS_DIR
from carbon.reporting.diagnosis import fig_macc, fig_pareto, fig_target_path

ROOT = FACTORS_DIR.parent  # the repository carbon is installed from (editable install)
EX = ROOT / "examples"
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)

# %% [markdown]
# ## 1. 染整廠：盤查與熱點
#
# 先計算 2024 年盤查與 2022 基準年盤查，再依排放源、設備、能源別排出 Pareto（累積 80 % 以內為「關鍵少數」）。
#
# *The 2024 inventory and the 2022 base year; Pareto by source, equipment and energy carrier.*

# %%
dye = calculate(read_project(EX / "dyeing-factory.yaml"))
dye_input = read_diagnosis(EX / "dyeing-diagnosis.yaml")
dye_base = calculate(read_project(dye_input.base_inventory))
dg = diagnose(dye, dye_input, base=dye_base)
print(f"2024 total {dye.total_tco2e:,.3f} t CO2e; base year 2022 {dye_base.total_tco2e:,.3f} t CO2e")
display(dg.pareto["source"][["label", "co2e_t", "share", "cumulative_share", "vital_few"]])
display(dg.pareto["carrier"][["label", "co2e_t", "share"]])
assert dg.pareto["source"]["key"].iloc[0] == "S01"  # 燃料油鍋爐 the fuel-oil boilers
fig_pareto(dg.pareto["source"])

# %% [markdown]
# 單位產品與營收的排放強度 (intensity per tonne of fabric and per million NT$ revenue):

# %%
i = dg.intensity
print(f"{i['product']['kgco2e_per_unit']:,.1f} kg CO2e per t fabric; {i['revenue']['tco2e_per_million_ntd']:,.2f} t CO2e per million NT$")
assert math.isclose(i["product"]["tco2e_per_unit"], dye.total_tco2e / 6000)

# %% [markdown]
# ## 2. 為何排放改變？活動量、係數版本、方法
#
# 與基準年比較，變化拆成三部分：活動量（用量變化 × 基準年係數）、係數版本（同一資料集的新版本或新年度，
# 如電力係數 2022 → 2024）、方法（GWP 版本改變，AR4 → MOENV-2024）。三者相加等於總變化。
#
# *The change against the base year split into activity, factor-edition and method effects; they add up exactly.*

# %%
c = dg.comparison
print(c.explain())
display(c.table[["source_id", "gas", "base_t", "current_t", "activity_t", "factor_edition_t", "method_t", "note"]].round(4))
assert math.isclose(sum(c.effects.values()), c.current_t - c.base_t, rel_tol=1e-12)

# %% [markdown]
# ## 3. 減碳措施：逐項計算與說明
#
# 每項措施都用盤查本身的係數與 GWP（作用的排放源的係數列）計算減量，並列出輸入、預設值、假設與參考文獻。
# 措施依序套用，每一項只作用在前一項留下的能源上。以燃料轉換為例：
#
# *Each measure uses the inventory's own factors; measures apply in order, each to what the previous left.*

# %%
print(dg.portfolio.steps[3].explain())

# %%
rows = [
    {"id": s.id, "measure": s.title, "alone t": a.avoided_t, "in portfolio t": s.avoided_t, "NT$/yr": s.cost_saving_ntd,
     "capex NT$": s.capex_ntd, "payback yr": s.simple_payback_years, "NT$/t": s.abatement_cost_ntd_per_t}
    for a, s in zip(dg.portfolio.alone, dg.portfolio.steps, strict=True)
]  # fmt: skip
display(pd.DataFrame(rows).round(1))
pf = dg.portfolio
print(f"portfolio {pf.avoided_t:,.3f} t CO2e/yr; the measures alone would add up to {sum(a.avoided_t for a in pf.alone):,.3f}")

# %% [markdown]
# 手算驗證：鍋爐燃燒調整（效率 80 % → 84 %）節省燃料 1 − 0.80/0.84 = 4.76 %，減量 = 燃料油排放 × 4.76 %。
#
# *Check by hand: tuning 80 % → 84 % saves 1 − 0.80/0.84 of the fuel oil and of its emissions.*

# %%
oil_t = float(dye.counted.loc[dye.counted["source_id"] == "S01", "co2e_t"].sum())
assert math.isclose(pf.steps[0].avoided_t, oil_t * (1 - 0.80 / 0.84), rel_tol=1e-9)
print(f"M1: {oil_t:,.3f} t × (1 − 0.80/0.84) = {oil_t * (1 - 0.80 / 0.84):,.3f} t CO2e/yr")

# %% [markdown]
# ## 4. 邊際減碳成本曲線 (MACC) 與目標路徑
#
# 措施依單獨計算的減碳成本排序後依序套用；寬度是該措施「增加的」減量，不重複計算。目標：2030 年較 2022 年減 40 %。
#
# *MACC: measures by rising cost, widths from the portfolio in that order. Target: −40 % by 2030 against 2022.*

# %%
display(pd.DataFrame(dg.macc.points)[["id", "title", "avoided_t", "cost_ntd_per_t"]].round(1))
fig_macc(dg.macc.points)

# %%
print(dg.target.explain())
assert math.isclose(dg.target.target_t, dye_base.counted["co2e_t"].sum() * 0.6, rel_tol=1e-12)
assert dg.target.gap_t > 0  # 仍有缺口：需要綠電等其他措施 a gap remains
fig_target_path(dg.target)

# %% [markdown]
# ## 5. 碳費：措施前後
#
# 碳費 = (年排放量 − 25,000) × 排放量調整係數 × 費率 (碳費收費辦法 §5)；只計直接排放與外購電力。
#
# *Carbon fee before and after: (direct + electricity − K) × coefficient × rate.*

# %%
print(dg.fee_before.explain())
print()
print(dg.fee_after.explain())
assert dg.fee_before.fee_ntd == math.floor(round(dye.total_tco2e - 25_000, 3) * 300)
assert dg.fee_after.fee_ntd == 0  # below 25,000 t after the measures: not a payer
print("high-leakage entity, plan A, period 1:", carbon_fee(dye.total_tco2e, high_leakage=True, plan="A", period=1).fee_ntd, "NT$")

# %% [markdown]
# ## 6. 補助、診斷費、智慧化階段
#
# 預算逐項檢核：補助 ≤ 總經費 50 %、全新設備 ≤ 30 %、委託研究或驗證 ≤ 40 %、人事費等自籌；每案上限依方案。
#
# *Budget check line by line, diagnosis fee, smart-manufacturing stage and next-stage courses.*

# %%
b = dg.financing["budget_check"]
print(f"total NT${b['total_budget_ntd']:,}; requested NT${b['requested_subsidy_ntd']:,}; largest compliant NT${b['max_subsidy_ntd']:,}; compliant {b['compliant']}")
over = check_budget(dye_input.budget.__class__.from_items([{"item": "new_equipment", "total_ntd": 12_000_000, "subsidy_ntd": 4_000_000},
                                                            {"item": "personnel", "total_ntd": 800_000, "subsidy_ntd": 100_000}]), "10plus")  # fmt: skip
print(over.explain())
assert {v["item"] for v in over.violations} == {"new_equipment", "personnel"}
d = dg.financing["diagnosis_fee"]
print(f"diagnosis fee NT${d['total_ntd']:,} = government NT${d['government_ntd']:,} + company NT${d['company_ntd']:,}")
s = dg.smart
print(f"smart manufacturing: stage {s['stage']} {s['stage_name']} → next {s['next_stage_name']}: {', '.join(s['recommended_courses'])}")

# %% [markdown]
# ## 7. 空壓系統：多台空壓機連動控制
#
# 四台加卸載式空壓機（75、75、55、37 kW）平均分攤 20 m³/min 的用氣；連動控制後由效率最高的機台滿載、
# 一台調節、其餘停機。洩漏修補與連動控制作用在同一個系統上：兩者合計的節能小於各自單獨計算之和，
# 差額正好是 f₁ × f₂ × 系統用電。
#
# *Four load/unload compressors share 20 m³/min; sequencing runs the most efficient ones fully loaded. Leak repair and
# sequencing act on the same system: together they save less than apart, by f₁ × f₂ × the system's energy.*

# %%
air = calculate(read_project(EX / "compressor-factory.yaml"))
ag = diagnose(air, read_diagnosis(EX / "compressor-diagnosis.yaml"))
print(ag.portfolio.steps[1].explain())

# %%
p = ag.portfolio
load = p.steps[0].load_before
f1 = p.alone[0].saved_kwh / load
f2 = p.alone[1].saved_kwh / load
grid_t_per_kwh = p.steps[0].avoided_t / p.steps[0].saved_kwh
first_two = p.alone[0].avoided_t + p.alone[1].avoided_t - (p.steps[0].avoided_t + p.steps[1].avoided_t)
print(f"system {load:,.0f} kWh/yr; leak repair {f1:.4%}, sequencing {f2:.4%}")
print(f"apart {p.alone[0].avoided_t + p.alone[1].avoided_t:,.4f} t, together {p.steps[0].avoided_t + p.steps[1].avoided_t:,.4f} t: overlap {first_two:,.4f} t")
print(f"f1 × f2 × load × factor = {f1:.6f} × {f2:.6f} × {load:,.0f} kWh × {grid_t_per_kwh * 1000:.3f} kg/kWh = {f1 * f2 * load * grid_t_per_kwh:,.4f} t")
assert math.isclose(first_two, f1 * f2 * load * grid_t_per_kwh, rel_tol=1e-9)
assert math.isclose(load, 242 * (0.25 + 0.75 * 20 / 39.8) * 8000, rel_tol=1e-12)
print(ag.summary())
