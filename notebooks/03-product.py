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
# # 03 產品碳足跡：螺絲 M8 從搖籃到大門 (ISO 14067)
#
# 中小企業低碳培訓教材。本筆記本以一家台中螺絲廠為例，計算 1 公斤 M8 螺絲從搖籃到大門的碳足跡：
# 物料清單 (BOM) 的多層製程、環境部碳足跡係數 (tw-cfp)、運輸的延噸公里、成型廢料送回重熔的迴圈、
# 把工廠盤查的能源排放依產量分配到產品，最後匯出客戶要的 PACT 產品碳足跡檔。
#
# *Training notebook: a Taiwanese fastener, cradle-to-gate — bill of materials, national CFP factors, transport in
# t·km, a scrap loop solved exactly, the factory's inventory allocated to products, Monte Carlo and a PACT export.*
#
# 所有數字都由程式計算；重要的數字以 `assert` 檢查，數字一旦改變，測試就會失敗。

# %%
import json
import tempfile
from pathlib import Path

import pandas as pd
import scipy.sparse as sp
import yaml

try:
    from IPython.display import display
except ImportError:  # run as a plain script without IPython
    display = print

import carbon
from carbon.factors import FACTORS_DIR, load_registry
from carbon.product import calculate, read_product
from carbon.product.factory import inventory_records
from carbon.product.mc import monte_carlo
from carbon.product.pact import factor_from_pact, to_pact

ROOT = FACTORS_DIR.parent  # the repository carbon is installed from
pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 50)

CASE = ROOT / "examples" / "fastener-product.yaml"
WORK = Path(tempfile.mkdtemp(prefix="carbon-notebook-"))  # every file this notebook writes goes here
print("carbon", carbon.__version__, "| case:", CASE.relative_to(ROOT), "| output folder:", WORK)

# %% [markdown]
# ## 1. 產品系統：製程、投入、運輸
#
# 檔案有 `product`（宣告單位與系統邊界）、`processes`（自有製程：每批產出量、生命週期階段）、
# `exchanges`（投入另一個製程的產品或係數編號、共產品、直接排放、廢棄物）、`transport`、`allocation`
# 與 `factory`（工廠盤查分配）。同一份內容也可以用 `carbon product template` 產生的 Excel 填寫。

# %%
system = read_product(CASE)
print(system.products[0])
display(system.processes.drop(columns=["_sheet", "_row", "note"]))
display(system.exchanges[["process", "kind", "input", "amount", "unit", "stage"]])

# %% [markdown]
# ## 2. 計算：一次 LU 分解解出整個系統
#
# 碳算把產品系統寫成技術矩陣 *A s = f*（*s* 是每個製程要做幾批），整個系統一次精確求解，
# 共用的半成品與迴圈都不需要手動展開。

# %%
res = calculate(system)
r = res[0]
d = r.to_dict()
print(f"1 kg 螺絲 M8 (cradle-to-gate, GWP {d['gwp_set']}): {d['total_kgco2e']:.6f} kg CO2e")
display(pd.Series(d["by_stage"], name="kg CO2e").to_frame())
display(pd.Series(d["by_input"], name="kg CO2e").to_frame())
assert abs(d["total_kgco2e"] - 4.675756131) < 1e-9

# %% [markdown]
# ## 3. 運輸：延噸公里 × 係數
#
# 盤元 0.9 公噸 × 35 公里 = 31.5 延噸公里（每 1000 kg 線材），乘上「營業大貨車(柴油)」係數。
# `explain` 列出每一項的活動數據 × 係數 × GWP，以及係數的資料集與版本。

# %%
truck = load_registry().get("tw-cfp/ying-ye-da-huo-che-chai-you-2022")
print(truck.id, truck.name_zh, truck.gases["CO2e"].value, truck.gases["CO2e"].unit, "|", truck.source_ref)
print(r.explain("抽線球化"))
tkm = 0.9 * 35
per_kg_wire = tkm * truck.gases["CO2e"].value / 1000
print(f"盤元運輸 = {tkm:g} t·km × {truck.gases['CO2e'].value} / 1000 kg = {per_kg_wire:.6f} kg CO2e per kg wire")

# %% [markdown]
# ## 4. 廢料迴圈：成型廢料送回重熔，再回到線材
#
# 成型每 1000 kg 螺絲胚產生 100 kg 廢料（質量分配），1050 kg 廢料重熔成 1000 kg 再生盤元，抽線每 1000 kg
# 線材用 150 kg 再生盤元。這是一個迴圈：線材 → 廢料 → 再生盤元 → 線材。
# 直接解矩陣等於把迴圈無限次展開的幾何級數：以下用逐次代入（每次多繞一圈）驗證。

# %%
cat = res.catalogue().set_index("product")["kgco2e_per_unit"]
display(cat.to_frame())
comp = res.compiled
h_direct = comp.c / comp.A.diagonal()  # each process's own burden per unit of its product
A_off = -(comp.A - sp.diags(comp.A.diagonal())).tocsc()  # inputs between processes (positive)
h = h_direct.copy()
for _round in range(60):  # h = c/diag + (A_off/diag)ᵀ h : one more round of the loop each time
    h = h_direct + (A_off.multiply(1 / comp.A.diagonal()).T @ h)
j = comp.product_col["熱處理"]
print(f"geometric series after 60 rounds: {h[j]:.9f}; exact solve: {cat['熱處理']:.9f} kg CO2e/kg")
assert abs(h[j] - cat["熱處理"]) < 1e-12

# %% [markdown]
# ## 5. 工廠盤查分配到產品
#
# 工廠的天然氣 (S01)、柴油鍋爐 (S02) 與外購電力 (S08) 取自 `examples/demo-factory.yaml` 的組織盤查
# （同一份活動數據、同一組係數與版本），依年產量分配：熱處理 800 公噸、其他產品 1200 公噸。
# 所有產品分得的排放加起來等於工廠總量。

# %%
f = d["factory"]
alloc = pd.Series(f["allocated_tco2e"], name="t CO2e")
display(alloc.to_frame())
print(f"factory total {f['factory_total_tco2e']:,.3f} t CO2e = " + " + ".join(f"{k} {v:,.3f}" for k, v in f["allocated_tco2e"].items()))
assert f["adds_up"] and abs(alloc.sum() - f["factory_total_tco2e"]) < 1e-9
rec, _inv = inventory_records(ROOT / "examples" / "demo-factory.yaml", d["gwp_set"])
print(f"per kg of screws: {f['allocated_tco2e']['熱處理'] * 1000 / 800e3:.6f} kg CO2e from the factory")

# %% [markdown]
# ## 6. 截斷、一級數據與熱點

# %%
cut = d["cutoff"]
print(f"covered {cut['covered_share']:.4%} of input mass; excluded: {[x['flow'] for x in cut['excluded']]}; rule: {cut['rule']}")
print(f"primary data share {d['primary_data_share']:.1%}")
display(pd.DataFrame(d["hotspots"]))

# %% [markdown]
# ## 7. 不確定性：蒙地卡羅（係數在產品間共用，固定亂數種子）

# %%
mc = monte_carlo(res, iterations=2000, seed=1)
p = mc["products"][0]
print(f"{p['name']}: median {p['median']:.3f}, 95 % {p['p2_5']:.3f} – {p['p97_5']:.3f} kg CO2e ({mc['iterations']} draws, seed 1)")

# %% [markdown]
# ## 8. 匯出 PACT 產品碳足跡 (Pathfinder v2)，交給客戶
#
# 客戶（例如歐洲車廠）常要求 PACT 格式。PACT 只接受 IPCC AR5 或 AR6 的 GWP，所以以 AR6 重算；
# 碳含量由使用者提供（碳鋼約含碳 0.2 %，即每公斤 0.002 kg C，為本例假設）。

# %%
r6 = calculate(read_product(CASE), gwp_set="AR6")[0]
doc = to_pact(r6, company_name="範例螺絲股份有限公司", company_id="urn:tw:tax-id:12345678", product_id="urn:demo:screw-m8",
              reference_period=("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), fossil_carbon_content=0.002, product_category_cpc="42944")
out = WORK / "screw-m8-pact.json"
out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
spec = yaml.safe_load((ROOT / "factors" / "sources" / "pact" / "pact-openapi-v2.yaml").read_text(encoding="utf-8"))
required = spec["components"]["schemas"]["CarbonFootprint"]["required"]
assert all(k in doc["pcf"] for k in required)
print("PACT pCfExcludingBiogenic =", doc["pcf"]["pCfExcludingBiogenic"], "kg CO2e per", doc["pcf"]["declaredUnit"], "| wrote", out.name)
# the customer imports it back as a supplier-specific factor
print(factor_from_pact(out))
