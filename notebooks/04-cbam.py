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
# # 04 歐盟 CBAM：螺絲工廠從盤查數據到內含排放與憑證成本
#
# 中小企業低碳培訓教材。一家台灣螺絲螺帽工廠（`examples/demo-factory.yaml`）已經有 ISO 14064-1 盤查；
# 本頁用**同一份**燃料與電力數據建立 CBAM 設施（installation），計算螺栓 CN 7318 15 42 的特定內含排放（SEE），
# 填寫歐盟官方「Communication template」並讀回，再比較 2026 年出口 100 公噸到歐盟時，用實際值與預設值的憑證成本、
# 2026–2034 年的趨勢，以及台灣碳費能否當作「已支付的碳價格」扣除。最後重現執委會官方的螺絲螺帽範例。
#
# *Training notebook: a Taiwanese fastener maker's inventory → CBAM installation → SEE of bolts (CN 7318 15 42) → the
# official Communication template (written and re-read) → cost of 100 t exported in 2026 on actual vs default values →
# projection 2026–2034 → Taiwan's carbon fee as carbon price paid → the Commission's screws-and-nuts example.*
#
# 本頁所有數字都由程式計算；重要結果以 `assert` 檢查。標示「假設」的輸入（憑證價格、匯率、產量、線材用量）是
# 教學用的案例數據，請換成自己的數據。
#
# *Every number is computed by the code and key results are asserted. Inputs labelled "assumption" (certificate
# price, exchange rate, production, wire-rod use) are case data for teaching; replace them with your own.*

# %%
import tempfile
from pathlib import Path

import pandas as pd

try:
    from IPython.display import display
except ImportError:  # run as a plain script without IPython
    display = print


import carbon.cbam as cb
from carbon import calculate as inventory_calculate
from carbon import read_project
from carbon.cbam.cost import cost_table, good_cost, projection, taiwan_carbon_fee
from carbon.cbam.defaults import default_see
from carbon.cbam.from_inventory import ELECTRICITY_RULE, build_installation, carbon_price_from_fee, fee_covered_t_per_t
from carbon.factors import FACTORS_DIR
from carbon.formats.cbam_template import read_template, write_template

ROOT = FACTORS_DIR.parent  # the repository carbon is installed from (make run / make test: editable install)

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 70)

CASE = ROOT / "examples" / "demo-factory.yaml"
EXAMPLE = ROOT / "factors" / "sources" / "cbam" / "eu-cbam-example-steel-screws-and-nuts.xlsx"
WORK = Path(tempfile.mkdtemp(prefix="carbon-cbam-notebook-"))  # every file this notebook writes goes here

# ---- 輸入與假設 inputs and assumptions -------------------------------------------------
PROCESS = "螺絲螺帽"  # 生產製程 production process
BOLTS_CN = "7318 15 42"  # 螺栓 (其他鋼, 無頭, 抗拉 < 800 MPa) bolts
WIRE_ROD = "盤元 wire rod"  # 外購線材 purchased precursor
WIRE_CN = "7213 91 49"  # 熱軋盤元, 含碳 0.06–0.25 %, < 14 mm (冷鍛用) hot-rolled wire rod
PRODUCTION_T = 2_000.0  # 假設 assumption: 年產量 production of the year [t]
WIRE_ROD_T = 2_150.0  # 假設 assumption: 線材用量, 含切屑/不良品 wire rod used incl. scrap [t] (Annex III B)
EXPORT_T = 100.0  # 出口歐盟數量 exported to the EU in 2026 [t]
PRICE_EUR = 80.0  # 假設 assumption: CBAM 憑證價格 certificate price [EUR/t CO2e]
TWD_PER_EUR = 35.0  # 假設 assumption: 年平均匯率 yearly average exchange rate [TWD/EUR]
DIESEL_T_PER_KL = 0.84  # 假設 assumption: 柴油密度 (供應商檢驗報告) diesel density from the supplier [t/kL]
print("output folder:", WORK)

# %% [markdown]
# ## 1. 盤查結果（同一份數據）
#
# 先計算範例工廠的盤查。CBAM 只看「設施」（installation）內的直接排放與用電：類別 1.1 固定燃燒的 CO2
# 是重點。
#
# *First the inventory. CBAM looks at the installation's direct emissions and electricity: the CO2 of category 1.1
# (stationary combustion) is what matters here.*

# %%
inventory = inventory_calculate(read_project(CASE))
rec = inventory.records
co2_11 = float(rec[(rec["iso_subcategory"].astype(str) == "1.1") & (rec["gas"].astype(str) == "CO2")]["mass_t"].sum())
print(
    f"盤查總量 inventory total: {inventory.total_tco2e:,.3f} t CO2e ({inventory.project.organisation.reporting_year})"
)
print("各子類別 by sub-category [t CO2e]:", {k: round(v, 4) for k, v in inventory.by_subcategory.items()})
print(f"類別 1.1 的 CO2 (CO2 of category 1.1): {co2_11:,.6f} t")
print(f"範疇二 scope 2 (tw-grid, 憑證抵用後): {inventory.by_scope['2']:,.1f} t CO2e")
assert round(co2_11, 6) == 272.293395

# %% [markdown]
# ## 2. 從盤查建立 CBAM 設施
#
# `build_installation()` 把盤查紀錄轉成 CBAM 的「排放源流」(source streams)：活動數據、熱值（→ 淨熱值 NCV，
# GJ/t 或 GJ/1000 Nm3）與排放係數（→ t CO2/TJ）都是盤查**同一列**的數字，只做單位換算。
# 每個排放源要指定歸屬的製程（`attribution`），沒指定就報錯。
#
# 排除：移動源（堆高機、公務車；IR 2025/2547 附件 II B.1(c) 排除運輸用移動機具）、燃燒的 CH4/N2O 與冷媒、
# 化糞池（鋼鐵產品的 CBAM 溫室氣體只有 CO2）、類別 3。
# 這裡用 2024 年的盤查數據示範；實際申報時，CBAM 的報告期間是貨物生產的日曆年（IR 2025/2547 第 7 條）。
#
# *`build_installation()` turns the inventory records into CBAM source streams with the same numbers, converted;
# every source must be attributed to a process. Mobile machinery, CH4/N2O, refrigerants, septic tank and category 3
# are excluded with the reason shown. The 2024 inventory is used for illustration; the CBAM reporting period is the
# calendar year of production (IR 2025/2547 Art 7).*

# %%
d_wire = default_see(WIRE_CN, "TW", 2026)  # 線材的台灣預設值（含 2026 加成）Taiwan default with 2026 mark-up
wire = cb.Precursor(
    name=WIRE_ROD,
    category="Iron or steel products",
    country="TW",
    cn_code=WIRE_CN,
    see_direct=d_wire.with_markup,
    see_direct_source="default",
)
built = build_installation(
    inventory,
    processes=[
        cb.ProductionProcess(
            name=PROCESS,
            category="Iron or steel products",
            production_t=(PRODUCTION_T,),
            precursors=(cb.PrecursorUse(WIRE_ROD, WIRE_ROD_T),),
        )
    ],
    attribution={"S01": PROCESS, "S02": PROCESS, "S08": PROCESS},  # 排放源 → 製程 source → process
    goods=[cb.Good(BOLTS_CN, PROCESS, "六角螺栓 hex bolts")],
    precursors=[wire],
    densities={"S02": DIESEL_T_PER_KL},  # 樣板要求以公噸填寫液體燃料 the template takes tonnes
    installation={
        "name": "Demo Fasteners Co., Dali plant",
        "name_local": "範例螺絲股份有限公司 大里廠",
        "city": "Taichung",
    },
)
display(built.streams[["source_id", "method", "activity", "activity_unit", "ncv", "emission_factor", "ef_unit",
                       "inventory_co2_t", "cbam_co2_t"]])  # fmt: skip
display(built.excluded.groupby(["source_id", "reason"], sort=False)["co2e_t"].sum().round(4).reset_index())
for n in built.notes:
    print("•", n)
assert abs(built.streams["cbam_co2_t"].sum() - co2_11) <= 1e-9 * co2_11

# %% [markdown]
# ### 電力排放係數的規則 The electricity factor rule
#
# 盤查用經濟部能源署公告的電力排碳係數（tw-grid/2024 = 0.474），再生能源憑證（電證合一）的電量算 0。
# CBAM 不同：依 IR 2025/2547 附件 II D.4，貨品用電的係數是執委會公布的**原產國電網預設值**
# （IR 2025/2621 附件 II，台灣 0.561 t CO2e/MWh，樣板代碼 D.4(a)）；只有直接技術連結或購電協議（PPA）並有
# 每小時智慧電表證據時才能用實際係數（D.4.3）。台灣的國家係數要由政府向執委會申請成為「替代預設值」(D.4.4)
# 才能使用。螺絲（CN 7318）屬法規附件 II 貨品，只計直接排放，間接排放仍要申報。
#
# *The inventory uses the national grid factor and counts certificate-covered electricity as zero. For CBAM goods the
# factor is the country grid default of IR 2025/2621 Annex II (Taiwan 0.561, code D.4(a)); actual factors only with a
# direct link or a PPA and hourly evidence; the national factor only if Taiwan obtains an alternative default (D.4.4).
# Screws are Annex II goods: direct emissions only, but indirect emissions are still reported.*

# %%
print(ELECTRICITY_RULE)
display(built.electricity)
same = build_installation(
    inventory,
    processes=list(built.cbam_input.processes),
    attribution={"S01": PROCESS, "S02": PROCESS, "S08": PROCESS},
    goods=list(built.cbam_input.goods),
    precursors=[wire],
    electricity_factor="inventory",
    certificates_as_ppa=True,
)
el_same = same.cbam_input.process(PROCESS).electricity
print(f"同一係數時 with the inventory's factor: {el_same.mwh:,.0f} MWh × {el_same.emission_factor:.6f} = "
      f"{el_same.mwh * el_same.emission_factor:,.1f} t = 盤查範疇二 inventory scope 2")  # fmt: skip
assert abs(el_same.mwh * el_same.emission_factor - inventory.by_scope["2"]) < 1e-6
assert built.cbam_input.process(PROCESS).electricity.emission_factor == 0.561

# %% [markdown]
# ## 3. 特定內含排放 SEE
#
# SEE = 本製程歸屬排放 / 產量 + 線材用量 / 產量 × 線材的 SEE（IR 2025/2547 附件 III 式 57–63）。
# 線材用台灣預設值（含 2026 年 10 % 加成），所以「預設值占比」很高；向鋼廠索取經查證的實際值可以降低 SEE。
#
# *SEE = own attributed emissions / production + wire rod per tonne × its SEE. The wire rod is on the Taiwan default
# value (with the 2026 mark-up), so the share of default values is high; a verified actual value from the steel mill
# lowers the SEE.*

# %%
res = cb.calculate(built.cbam_input)
good = res.good(BOLTS_CN)
own = res.process(PROCESS).attributed_direct_t / PRODUCTION_T
from_wire = WIRE_ROD_T / PRODUCTION_T * d_wire.with_markup
print(f"設施直接排放 installation direct: {res.installation.direct_t:,.4f} t CO2; 間接 indirect: "
      f"{res.installation.indirect_t:,.2f} t CO2e")  # fmt: skip
print(f"SEE direct = {own:.6f} (自廠 own) + {from_wire:.6f} (線材 wire rod {d_wire.with_markup:.6f} × "
      f"{WIRE_ROD_T / PRODUCTION_T:g}) = {good.see_direct:.6f} t CO2/t")  # fmt: skip
print(f"SEE indirect = {good.see_indirect:.6f} t CO2e/t (申報但不計入 reported, not counted); "
      f"embedded electricity {good.embedded_electricity_mwh_per_t:.4f} MWh/t")  # fmt: skip
print("線材預設值來源 default value source:", d_wire.source)
assert abs(good.see_direct - (own + from_wire)) < 1e-12
assert round(good.see_direct, 6) == 2.853330 and good.see_embedded == good.see_direct  # Annex II good: direct only
assert good.see_total == good.see_direct + good.see_indirect  # the template's total

# %% [markdown]
# ## 4. 官方 Communication template：填寫並讀回
#
# `write_template()` 只寫入官方空白樣板 (v2.1.1) 的輸入儲存格，公式、保護與下拉選單不變；
# `read_template()` 讀回後重算，SEE 必須相同。
#
# *`write_template()` fills only the input cells of the official blank template; reading it back and recalculating
# gives the same SEE.*

# %%
xlsx = write_template(built.cbam_input, res, WORK / "CBAM-communication-demo-fasteners.xlsx")
back = read_template(xlsx)
res_back = cb.calculate(back)
g_back = res_back.good(BOLTS_CN)
print(xlsx.name, f"{xlsx.stat().st_size:,} bytes")
print(f"讀回 re-read: SEE direct {g_back.see_direct:.9f}, indirect {g_back.see_indirect:.9f}")
assert abs(g_back.see_direct - good.see_direct) < 1e-9 and abs(g_back.see_indirect - good.see_indirect) < 1e-9
assert abs(res_back.installation.direct_t - res.installation.direct_t) < 1e-9

# %% [markdown]
# ## 5. 2026 年出口 100 公噸：實際值與預設值的成本
#
# 憑證數 = 內含排放 − 免費配額調整 (FAA) − 已支付碳價格，每項貨品不會小於 0。
# 實際值用 Column A 基準值加上線材的 Column B 基準值（IR 2025/2620 式 4）；預設值用台灣 CN 7318 的預設值含加成
# 與 Column B 基準值。**憑證價格 80 歐元是假設值**（2026 年依進口季別的季平均價）。
#
# *Certificates = embedded emissions − free-allocation adjustment − carbon price paid, never below zero per good.
# Actual values use Column A plus the wire rod's Column B benchmark (Eq 4); default values use the Taiwan default with
# mark-up and Column B. The certificate price of EUR 80 is an assumption.*

# %%
goods_in = [
    {
        **g,
        "quantity_t": EXPORT_T,
        "precursors": [{"cn_code": WIRE_CN, "mass_t_per_t": WIRE_ROD_T / PRODUCTION_T, "route": "C"}],
    }
    for g in res.to_dict()["goods"]
]
table = cost_table(goods_in, 2026, PRICE_EUR, country="TW")
act, dfl = table.rows[0], table.defaults[0]
cmp = pd.DataFrame(
    [
        {
            "basis": r.basis,
            "SEE counted": r.see_counted_t_per_t,
            "embedded t": r.embedded_t,
            "SEFA": r.sefa_t_per_t,
            "FAA t": r.faa_t,
            "certificates": r.certificates,
            "cost EUR": r.cost_eur,
        }
        for r in (act, dfl)
    ]
).set_index("basis")
display(cmp.round(4))
print(f"用實際值節省 saving with actual values: EUR {dfl.cost_eur - act.cost_eur:,.2f} ({table.de_minimis.reason})")
for n in dict.fromkeys((*act.notes, *dfl.notes)):
    print("•", n)
assert act.basis == "actual" and dfl.basis == "default"
assert abs(act.embedded_t - EXPORT_T * good.see_direct) < 1e-9
assert round(act.cost_eur, 2) == 11093.10 and round(dfl.cost_eur, 2) == 13184.07

# %% [markdown]
# ## 6. 2026–2034 年的趨勢
#
# CBAM 係數逐年下降（免費配額調整變小），預設值的加成到 2028 年升到 30 %，所以同樣 100 公噸的憑證數逐年增加。
# 線材用的是預設值，它的加成也逐年提高，所以「實際值」的 SEE 每年都用當年的線材預設值重算（`projection()` 用於
# 全預設值的情形）。
#
# *The CBAM factor falls each year (smaller free-allocation adjustment) and the default mark-up rises to 30 % by 2028,
# so the same 100 t needs more certificates each year. The wire rod is on default values whose mark-up also rises, so
# the "actual" SEE is recomputed each year with that year's wire-rod default (`projection()` for the all-default case).*

# %%
YEARS = range(2026, 2035)
pre = [cb.cost.FaaPrecursor(WIRE_CN, WIRE_ROD_T / PRODUCTION_T, route="C")]
see_by_year = {y: own + WIRE_ROD_T / PRODUCTION_T * default_see(WIRE_CN, "TW", y).with_markup for y in YEARS}
proj_act = [
    good_cost(BOLTS_CN, EXPORT_T, y, PRICE_EUR, country="TW", see_direct=see_by_year[y], precursors=pre) for y in YEARS
]
proj_dfl = projection(BOLTS_CN, EXPORT_T, PRICE_EUR, years=YEARS, country="TW")
trend = pd.DataFrame(
    {
        "CBAM factor": [r.cbam_factor for r in proj_act],
        "actual SEE": [r.see_counted_t_per_t for r in proj_act],
        "actual certificates": [r.certificates for r in proj_act],
        "actual EUR": [r.cost_eur for r in proj_act],
        "default certificates": [r.certificates for r in proj_dfl],
        "default EUR": [r.cost_eur for r in proj_dfl],
    },
    index=[r.year for r in proj_act],
)
display(trend.round(3))
assert list(trend.index) == list(YEARS)
assert trend["actual certificates"].is_monotonic_increasing and trend["default EUR"].is_monotonic_increasing
assert abs(trend.loc[2026, "actual SEE"] - good.see_direct) < 1e-12
assert abs(trend.loc[2034, "actual certificates"] - EXPORT_T * see_by_year[2034]) < 1e-9  # no free allocation left
assert abs(trend.loc[2026, "actual EUR"] - act.cost_eur) < 1e-9
assert (trend["actual EUR"] < trend["default EUR"]).all()

# %% [markdown]
# ## 7. 台灣碳費當作「已支付的碳價格」
#
# CBAM 法規第 9 條：以實際值申報時，可扣除在原產國**實際支付**的碳價格（扣除退費或補償），需獨立第三方證明；
# 換算歐元的規則由執行法規訂定，所以匯率是必填的輸入（**35 TWD/EUR 是假設值**）。碳費只涵蓋自己廠區的排放，
# 不含向鋼廠買的線材。年排放 2.5 萬公噸以下的螺絲廠不必繳碳費，所以沒有可扣除的金額。
#
# *Art 9: with actual values, the carbon price effectively paid (net of rebates, certified) is deducted; the exchange
# rate is a required input (35 TWD/EUR is an assumption). The fee covers the site's own emissions, not the purchased
# wire rod. A fastener plant below 25 000 t CO2e pays no fee, so nothing is deducted.*

# %%
covered = fee_covered_t_per_t(res, PROCESS)
sme = taiwan_carbon_fee(inventory.total_tco2e, TWD_PER_EUR)
print(f"本廠 this plant ({inventory.total_tco2e:,.1f} t CO2e/yr): {sme.source} → {sme.eur_per_t} EUR/t")
assert sme.eur_per_t == 0.0

# 假設情境 hypothetical: a larger site assessed on 30 000 t CO2e at the general rate (NT$300/t)
big = carbon_price_from_fee(taiwan_carbon_fee(30_000, TWD_PER_EUR), covered_t_per_t=covered)
with_fee = good_cost(BOLTS_CN, EXPORT_T, 2026, PRICE_EUR, see_direct=good.see_direct, precursors=pre, carbon_price=big)
fee_eur = big.eur_per_t * covered * EXPORT_T
print(big.source)
print(f"涵蓋 covered {covered:.6f} t/t × {EXPORT_T:g} t × {big.eur_per_t:.4f} EUR/t = EUR {fee_eur:,.2f} "
      f"→ 少 {act.certificates - with_fee.certificates:.6f} 張憑證 fewer certificates (= EUR {fee_eur:,.2f} / {PRICE_EUR:g})")  # fmt: skip
assert abs((act.certificates - with_fee.certificates) - fee_eur / PRICE_EUR) < 1e-9
# 用預設值時只能扣「預設碳價格」(Art 9(4)) with default values only default carbon prices count
assert good_cost(BOLTS_CN, EXPORT_T, 2026, PRICE_EUR, country="TW", carbon_price=big).carbon_price_t == 0.0

# %% [markdown]
# ## 8. 執委會官方範例：螺絲與螺帽
#
# 執委會預先填好的範例樣板（美國的螺絲螺帽工廠，兩個製程）。讀入後重算，結果要和樣板的數字相同：
# 設施直接排放 4,948.02 t，CN 7318 15 42 的 SEE 直接 2.006938235、間接 0.4066 t CO2e/t。
#
# *The Commission's pre-filled example (a US screws-and-nuts plant with two processes): read, recalculated, and
# checked against the template's own figures.*

# %%
ex = cb.calculate(read_template(EXAMPLE))
ex_goods = pd.DataFrame(ex.to_dict()["goods"]).set_index("cn_code")
display(ex_goods)
print(f"installation direct {ex.installation.direct_t:,.2f} t, indirect {ex.installation.indirect_t:,.2f} t")
g42 = ex.good("73181542")
assert round(ex.installation.direct_t, 2) == 4948.02
assert round(g42.see_direct, 9) == 2.006938235 and round(g42.see_indirect, 4) == 0.4066
assert round(g42.see_total, 6) == 2.413538  # the template's total SEE = direct + indirect
assert g42.see_embedded == g42.see_direct  # what certificates are due on (R 2023/956 Art 7(1), Annex II)

# %% [markdown]
# ## 重點 Take-aways
#
# - 盤查與 CBAM 用同一份燃料數據，數字一致（類別 1.1 的 CO2 = 設施直接排放）。
# - 螺絲的內含排放大部分來自線材：向鋼廠要經查證的實際值，比自己工廠節能更能降低 SEE。
# - 電力係數用 CBAM 的台灣電網預設值 0.561，不是盤查的 0.474；螺絲只計直接排放。
# - 憑證價格與匯率是輸入，不是程式猜的；碳費只有實際繳納、以實際值申報時才能扣除。
#
# *Same data, same numbers; the wire rod dominates the SEE; the CBAM grid default (0.561) replaces the inventory factor;
# prices and exchange rates are inputs; the carbon fee counts only when actually paid and with actual values.*
