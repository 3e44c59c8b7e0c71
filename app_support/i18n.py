"""Two languages for the app: Traditional Chinese first, English too."""

from __future__ import annotations

import streamlit as st

LANGS = {"zh-TW": "繁體中文", "en": "English"}
KEY = "lang"

TEXT: dict[str, dict[str, str]] = {
    "app.title": {"zh-TW": "碳算 carbon", "en": "carbon (碳算)"},
    "app.tagline": {
        "zh-TW": "台灣製造業的溫室氣體盤查、產品碳足跡與 CBAM 計算工具",
        "en": "GHG inventories, product footprints and CBAM for Taiwanese manufacturers",
    },
    "nav.section.org": {"zh-TW": "組織盤查 (ISO 14064-1)", "en": "Organisation (ISO 14064-1)"},
    "nav.section.data": {"zh-TW": "資料", "en": "Data"},
    "nav.home": {"zh-TW": "首頁", "en": "Home"},
    "nav.inventory": {"zh-TW": "盤查計算", "en": "Inventory"},
    "nav.factors": {"zh-TW": "排放係數查詢", "en": "Emission factors"},
    "lang": {"zh-TW": "語言 Language", "en": "Language 語言"},
    "home.example": {"zh-TW": "範例專案", "en": "Example project"},
    "home.total": {"zh-TW": "總排放量 (t CO2e)", "en": "Total (t CO2e)"},
    "home.scope1": {"zh-TW": "範疇一 (t CO2e)", "en": "Scope 1 (t CO2e)"},
    "home.scope2": {"zh-TW": "範疇二 (t CO2e)", "en": "Scope 2 (t CO2e)"},
    "home.biogenic": {"zh-TW": "生質 CO2 (另計, t)", "en": "Biogenic CO2 (separate, t)"},
    "home.by_category": {"zh-TW": "各類別排放量", "en": "Emissions by category"},
    "home.sources": {"zh-TW": "排放源", "en": "Emission sources"},
    "home.gwp": {"zh-TW": "GWP 版本", "en": "GWP set"},
    "home.editions": {"zh-TW": "使用的係數版本", "en": "Factor editions used"},
    "inv.upload": {
        "zh-TW": "上傳盤查檔 (xlsx / ods / csv / yaml，或環境部清冊表單)",
        "en": "Upload an inventory file (xlsx / ods / csv / yaml, or the MOENV workbook)",
    },
    "inv.use_example": {"zh-TW": "未上傳時使用範例專案", "en": "Without an upload the example project is used"},
    "inv.rounding": {"zh-TW": "進位方式", "en": "Rounding"},
    "inv.compute": {"zh-TW": "計算", "en": "Calculate"},
    "inv.errors": {"zh-TW": "輸入檔有問題，請修正後再上傳：", "en": "The input has problems; fix them and upload again:"},
    "inv.explain": {"zh-TW": "計算說明 (選擇排放源)", "en": "Working (choose a source)"},
    "inv.download_records": {"zh-TW": "下載排放紀錄 (CSV)", "en": "Download emission records (CSV)"},
    "inv.dq": {"zh-TW": "數據品質分數", "en": "Data-quality score"},
    "inv.unc": {"zh-TW": "不確定性 (95%)", "en": "Uncertainty (95 %)"},
    "inv.template": {"zh-TW": "下載空白盤查範本 (xlsx)", "en": "Download a blank inventory template (xlsx)"},
    "inv.mc": {"zh-TW": "蒙地卡羅不確定性分析", "en": "Monte Carlo uncertainty"},
    "inv.mc_iterations": {"zh-TW": "模擬次數", "en": "Iterations"},
    "inv.mc_seed": {"zh-TW": "亂數種子", "en": "Seed"},
    "inv.mc_run": {"zh-TW": "執行模擬", "en": "Run"},
    "fac.query": {"zh-TW": "搜尋 (中文、英文、代碼或年份，例如：柴油、diesel、170006、電力 2023)", "en": "Search (Chinese, English, code or year, e.g. 柴油, diesel, 170006, 電力 2023)"},
    "fac.dataset": {"zh-TW": "資料集", "en": "Dataset"},
    "fac.none": {"zh-TW": "查無符合的係數", "en": "No factor matches"},
    "fac.detail": {"zh-TW": "係數明細", "en": "Factor details"},
    "fac.all": {"zh-TW": "全部", "en": "all"},
}


def lang() -> str:
    """The current language."""
    return st.session_state.get(KEY, "zh-TW")


def t(key: str) -> str:
    """Translate a key into the current language."""
    return TEXT[key][lang()]


def language_selector() -> None:
    """The language select box in the sidebar (keyed so it survives reruns)."""
    st.sidebar.selectbox(TEXT["lang"]["zh-TW"], list(LANGS), format_func=LANGS.get, key=KEY)
