"""Two languages for the app: Traditional Chinese first, English by a switch on every page.

Every text a user sees is a key here with both languages (a test checks it); widgets get
explicit keys so their values survive the switch.
"""

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
    "lang": {"zh-TW": "語言 Language", "en": "Language 語言"},
    # navigation
    "nav.section.start": {"zh-TW": "開始", "en": "Start"},
    "nav.section.org": {"zh-TW": "組織盤查 (ISO 14064-1)", "en": "Organisation (ISO 14064-1)"},
    "nav.section.cbam": {"zh-TW": "歐盟 CBAM", "en": "EU CBAM"},
    "nav.section.data": {"zh-TW": "資料", "en": "Data"},
    "nav.home": {"zh-TW": "首頁：快速估算", "en": "Home: quick estimate"},
    "nav.projects": {"zh-TW": "專案", "en": "Projects"},
    "nav.inventory": {"zh-TW": "盤查計算", "en": "Inventory"},
    "nav.cbam": {"zh-TW": "CBAM 內含排放與費用", "en": "CBAM embedded emissions and cost"},
    "nav.factors": {"zh-TW": "排放係數查詢", "en": "Emission factors"},
    # sidebar / common
    "side.project": {"zh-TW": "目前專案", "en": "Current project"},
    "side.version": {"zh-TW": "版本 {version}，已自動儲存", "en": "version {version}, saved automatically"},
    "common.saved": {"zh-TW": "已儲存 (版本 {version})", "en": "Saved (version {version})"},
    "common.undo": {"zh-TW": "復原上一步", "en": "Undo last change"},
    "common.undone": {"zh-TW": "已復原 (版本 {version})", "en": "Undone (version {version})"},
    "common.nothing_to_undo": {"zh-TW": "沒有可復原的變更", "en": "Nothing to undo"},
    "common.conflict": {
        "zh-TW": "此專案已在其他視窗或電腦上修改 (現為版本 {actual}，您的修改基於版本 {expected})；您的修改未儲存，已重新載入最新內容。",
        "en": "This project was changed in another tab or on another computer (now version {actual}, your edit was based on version {expected}); your edit was not saved and the latest content is shown.",
    },
    "common.problems": {"zh-TW": "輸入有問題，請依下列說明修正：", "en": "The input has problems; fix them as described:"},
    "common.where": {"zh-TW": "位置", "en": "Where"},
    "common.message": {"zh-TW": "問題", "en": "Problem"},
    "common.no_results": {"zh-TW": "修正上列問題後即顯示結果。", "en": "Results appear once the problems above are fixed."},
    # home: quick estimate
    "home.intro": {
        "zh-TW": "兩分鐘估算貴公司一年的溫室氣體排放量與碳費曝險 (依環境部公告係數)。",
        "en": "Estimate your company's yearly greenhouse-gas emissions and carbon-fee exposure in two minutes (MOENV factors).",
    },
    "home.year": {"zh-TW": "用電年度 (可填民國年)", "en": "Year of the electricity (ROC years accepted)"},
    "home.total": {"zh-TW": "估算總排放量 (t CO2e)", "en": "Estimated total (t CO2e)"},
    "home.scope1": {"zh-TW": "範疇一 (t CO2e)", "en": "Scope 1 (t CO2e)"},
    "home.scope2": {"zh-TW": "範疇二 (t CO2e)", "en": "Scope 2 (t CO2e)"},
    "home.fee": {"zh-TW": "碳費曝險 (新台幣/年，一般費率)", "en": "Carbon-fee exposure (NT$/year, general rate)"},
    "home.fee_none": {
        "zh-TW": "年排放量 {total:,.0f} t 低於 25,000 t CO2e 的徵收門檻：目前不需繳碳費，但大客戶與 CBAM 仍會要求盤查數據。",
        "en": "{total:,.0f} t is below the 25,000 t CO2e threshold: no carbon fee today, but large customers and CBAM will still ask for inventory data.",
    },
    "home.fee_due": {
        "zh-TW": "超過 25,000 t CO2e 門檻：碳費 = (排放量 − 25,000) × NT$300 = NT${fee:,.0f}/年。",
        "en": "Above the 25,000 t CO2e threshold: fee = (emissions − 25,000) × NT$300 = NT${fee:,.0f} a year.",
    },
    "home.top3": {"zh-TW": "最大的三個排放源", "en": "The three largest sources"},
    "home.next": {
        "zh-TW": "下一步：到「盤查計算」建立完整盤查 (組織邊界、各廠區、全部排放源)，或到「專案」開啟範例工廠。",
        "en": "Next step: build the full inventory on the Inventory page (boundary, facilities, every source), or open the demo factory under Projects.",
    },
    "home.source": {"zh-TW": "排放源", "en": "Source"},
    "home.fee_ref": {
        "zh-TW": "依據：碳費收費辦法 §5 (2024-08-29)、環境部公告碳費徵收費率 (2024-10-21)；電力排放係數為該年度公告電力係數。",
        "en": "Basis: 碳費收費辦法 §5 (2024-08-29), MOENV carbon-fee rates (2024-10-21); electricity uses that year's announced grid factor.",
    },
    # projects
    "proj.list": {"zh-TW": "專案清單", "en": "Projects"},
    "proj.name": {"zh-TW": "名稱", "en": "Name"},
    "proj.updated": {"zh-TW": "最後修改", "en": "Last changed"},
    "proj.version": {"zh-TW": "版本", "en": "Version"},
    "proj.open": {"zh-TW": "開啟", "en": "Open"},
    "proj.pick": {"zh-TW": "選擇專案", "en": "Choose a project"},
    "proj.new": {"zh-TW": "新增專案", "en": "New project"},
    "proj.new_name": {"zh-TW": "新專案名稱", "en": "New project's name"},
    "proj.new_from_example": {"zh-TW": "從範例工廠開始", "en": "Start from the demo factory"},
    "proj.create": {"zh-TW": "建立", "en": "Create"},
    "proj.rename_to": {"zh-TW": "新名稱", "en": "New name"},
    "proj.rename": {"zh-TW": "重新命名", "en": "Rename"},
    "proj.duplicate": {"zh-TW": "複製", "en": "Duplicate"},
    "proj.delete": {"zh-TW": "刪除", "en": "Delete"},
    "proj.deleted": {"zh-TW": "已刪除「{name}」。", "en": "Deleted '{name}'."},
    "proj.restore": {"zh-TW": "復原刪除", "en": "Undo delete"},
    "proj.restored": {"zh-TW": "已復原「{name}」。", "en": "Restored '{name}'."},
    "proj.export": {"zh-TW": "匯出專案檔 (.carbon.json)", "en": "Export the project file (.carbon.json)"},
    "proj.import": {"zh-TW": "匯入專案檔 (.carbon.json)", "en": "Import a project file (.carbon.json)"},
    "proj.imported": {"zh-TW": "已匯入「{name}」。", "en": "Imported '{name}'."},
    "proj.history": {"zh-TW": "修改紀錄", "en": "History"},
    "proj.action": {"zh-TW": "動作", "en": "Action"},
    "proj.bin": {"zh-TW": "資源回收筒", "en": "Bin"},
    "proj.current": {"zh-TW": "目前開啟：{name}", "en": "Open now: {name}"},
    "proj.database": {"zh-TW": "資料庫：{url}", "en": "Database: {url}"},
    "proj.example_name": {"zh-TW": "範例工廠 (範例螺絲)", "en": "Demo factory (fasteners)"},
    "proj.blank_name": {"zh-TW": "新的盤查", "en": "New inventory"},
    # inventory
    "inv.section": {"zh-TW": "顯示", "en": "Show"},
    "inv.tab.data": {"zh-TW": "盤查資料", "en": "Inventory data"},
    "inv.tab.results": {"zh-TW": "結果", "en": "Results"},
    "inv.tab.quality": {"zh-TW": "數據品質與不確定性", "en": "Data quality and uncertainty"},
    "inv.tab.explain": {"zh-TW": "計算說明與比較", "en": "Explain and compare"},
    "inv.tab.io": {"zh-TW": "匯入與匯出", "en": "Import and export"},
    "inv.org": {"zh-TW": "組織與邊界", "en": "Organisation and boundary"},
    "inv.org.name": {"zh-TW": "組織名稱", "en": "Organisation name"},
    "inv.org.tax_id": {"zh-TW": "統一編號", "en": "Tax id (統一編號)"},
    "inv.org.year": {"zh-TW": "盤查年度 (可填民國年，如 113)", "en": "Reporting year (ROC years such as 113 accepted)"},
    "inv.org.boundary": {"zh-TW": "邊界設定方法", "en": "Boundary approach"},
    "inv.org.gwp": {"zh-TW": "GWP 版本", "en": "GWP set"},
    "inv.org.rounding": {"zh-TW": "進位方式 (moenv = 環境部表單逐位一致)", "en": "Rounding (moenv = digit for digit as the MOENV forms)"},
    "inv.boundary.operational_control": {"zh-TW": "營運控制", "en": "operational control"},
    "inv.boundary.financial_control": {"zh-TW": "財務控制", "en": "financial control"},
    "inv.boundary.equity_share": {"zh-TW": "股權比例", "en": "equity share"},
    "inv.facilities": {"zh-TW": "廠區", "en": "Facilities"},
    "inv.sources": {"zh-TW": "排放源 (直接在表格中修改，每次修改自動儲存)", "en": "Emission sources (edit in the table; every edit is saved)"},
    "inv.all_columns": {"zh-TW": "顯示全部欄位", "en": "Show every column"},
    "inv.col.tco2e": {"zh-TW": "t CO2e", "en": "t CO2e"},
    "inv.col.problem": {"zh-TW": "⚠ 問題", "en": "⚠ problem"},
    "inv.total": {"zh-TW": "總排放量 (t CO2e)", "en": "Total (t CO2e)"},
    "inv.scope1": {"zh-TW": "範疇一 (t CO2e)", "en": "Scope 1 (t CO2e)"},
    "inv.scope2": {"zh-TW": "範疇二 (t CO2e)", "en": "Scope 2 (t CO2e)"},
    "inv.biogenic": {"zh-TW": "生質 CO2 (另計, t)", "en": "Biogenic CO2 (separate, t)"},
    "inv.by_category": {"zh-TW": "各類別排放量", "en": "By category"},
    "inv.by_scope": {"zh-TW": "各範疇排放量", "en": "By scope"},
    "inv.by_gas": {"zh-TW": "各氣體排放量", "en": "By gas"},
    "inv.by_facility": {"zh-TW": "各廠區排放量", "en": "By facility"},
    "inv.records": {"zh-TW": "排放紀錄 (每排放源 × 氣體)", "en": "Emission records (source × gas)"},
    "inv.editions": {"zh-TW": "使用的係數版本", "en": "Factor editions used"},
    "inv.excluded": {"zh-TW": "排除的排放源", "en": "Excluded sources"},
    "inv.dq": {"zh-TW": "數據品質分數 (表六)", "en": "Data-quality score (表六)"},
    "inv.dq_level": {"zh-TW": "等級 {level}", "en": "level {level}"},
    "inv.unc": {"zh-TW": "不確定性 (95%，表七)", "en": "Uncertainty (95 %, 表七)"},
    "inv.mc": {"zh-TW": "蒙地卡羅不確定性分析", "en": "Monte Carlo uncertainty"},
    "inv.mc_iterations": {"zh-TW": "模擬次數", "en": "Iterations"},
    "inv.mc_seed": {"zh-TW": "亂數種子", "en": "Seed"},
    "inv.mc_run": {"zh-TW": "執行模擬", "en": "Run"},
    "inv.mc_result": {"zh-TW": "95% 區間：{low:,.3f} – {high:,.3f} t CO2e (−{lo:.2f} % / +{hi:.2f} %)", "en": "95 % interval: {low:,.3f} – {high:,.3f} t CO2e (−{lo:.2f} % / +{hi:.2f} %)"},
    "inv.explain": {"zh-TW": "計算說明 (選擇排放源)", "en": "Working (choose a source)"},
    "inv.compare": {"zh-TW": "比較：換一個 GWP 版本，數字為何改變", "en": "Compare: another GWP set — why did my number change"},
    "inv.compare_gwp": {"zh-TW": "比較的 GWP 版本", "en": "GWP set to compare with"},
    "inv.compare_total": {"zh-TW": "總量：{a:,.3f} → {b:,.3f} t CO2e ({d:+,.3f})", "en": "Total: {a:,.3f} → {b:,.3f} t CO2e ({d:+,.3f})"},
    "inv.import": {
        "zh-TW": "匯入盤查檔 (本工具的 xlsx/ods、環境部盤查表單、CSV、YAML/JSON)：取代此專案的盤查資料，可復原",
        "en": "Import an inventory file (our xlsx/ods, the MOENV workbook, CSV, YAML/JSON): replaces this project's inventory data, undo available",
    },
    "inv.imported": {"zh-TW": "已匯入「{name}」：{n} 個排放源。", "en": "Imported '{name}': {n} sources."},
    "inv.too_big": {"zh-TW": "檔案 {size:,} bytes 超過上限 {limit:,} bytes。", "en": "The file has {size:,} bytes, more than the limit of {limit:,} bytes."},
    "inv.bad_type": {"zh-TW": "無法讀取「{suffix}」檔；請用 .xlsx、.ods、.csv、.yaml 或 .json。", "en": "Cannot read '{suffix}' files; use .xlsx, .ods, .csv, .yaml or .json."},
    "inv.unreadable": {
        "zh-TW": "無法讀取檔案「{name}」({what})；專案內容未變更。請確認檔案格式正確或另存新檔後再上傳。",
        "en": "Cannot read the file '{name}' ({what}); the project is unchanged. Check the file's format, or save it again and upload that.",
    },
    "inv.export_workbook": {"zh-TW": "下載盤查工作簿 (xlsx)", "en": "Download the inventory workbook (xlsx)"},
    "inv.export_moenv": {"zh-TW": "下載環境部盤查表單 (xlsx)", "en": "Download the MOENV inventory workbook (xlsx)"},
    "inv.export_records": {"zh-TW": "下載排放紀錄 (CSV)", "en": "Download the emission records (CSV)"},
    "inv.template": {"zh-TW": "下載空白盤查範本 (xlsx)", "en": "Download a blank inventory template (xlsx)"},
    "inv.export_unavailable": {"zh-TW": "修正問題後才能匯出。", "en": "Fix the problems to export."},
    # cbam
    "cbam.intro": {
        "zh-TW": "依 IR 2025/2547 計算貨品的特定內含排放 (SEE) 與 CBAM 憑證費用。可由本專案的盤查建立設施，或上傳歐盟 Communication template。",
        "en": "Specific embedded emissions (SEE) and CBAM certificate cost per IR 2025/2547, from this project's inventory or an uploaded Communication template.",
    },
    "cbam.source": {"zh-TW": "資料來源", "en": "Data from"},
    "cbam.from_inventory": {"zh-TW": "本專案的盤查", "en": "this project's inventory"},
    "cbam.from_template": {"zh-TW": "上傳 Communication template 或 CBAM YAML", "en": "an uploaded Communication template or CBAM YAML"},
    "cbam.process": {"zh-TW": "製程名稱", "en": "Process name"},
    "cbam.category": {"zh-TW": "貨品類別 (Annex I)", "en": "Goods category (Annex I)"},
    "cbam.production": {"zh-TW": "年產量 (公噸)", "en": "Production per year (t)"},
    "cbam.cn": {"zh-TW": "CN 稅號 (8 碼)", "en": "CN code (8 digits)"},
    "cbam.sources": {"zh-TW": "歸屬此製程的排放源", "en": "Sources attributed to this process"},
    "cbam.upload": {"zh-TW": "上傳 Communication template (xlsx) 或 CBAM YAML", "en": "Upload a Communication template (xlsx) or a CBAM YAML"},
    "cbam.goods": {"zh-TW": "貨品的特定內含排放 (t CO2e/t)", "en": "Specific embedded emissions of the goods (t CO2e/t)"},
    "cbam.installation": {"zh-TW": "設施：直接 {direct:,.3f} t CO2e、間接 {indirect:,.3f} t CO2e", "en": "Installation: direct {direct:,.3f} t CO2e, indirect {indirect:,.3f} t CO2e"},
    "cbam.cost": {"zh-TW": "憑證與費用", "en": "Certificates and cost"},
    "cbam.year": {"zh-TW": "進口年度", "en": "Year of import"},
    "cbam.price": {"zh-TW": "憑證價格 (EUR/t CO2e)", "en": "Certificate price (EUR/t CO2e)"},
    "cbam.quantity": {"zh-TW": "出口到歐盟的數量 (公噸)", "en": "Quantity exported to the EU (t)"},
    "cbam.cost_total": {"zh-TW": "{year} 年：{cert:,.2f} 張憑證，{eur:,.2f} EUR；若用預設值：{dcert:,.2f} 張，{deur:,.2f} EUR", "en": "{year}: {cert:,.2f} certificates, {eur:,.2f} EUR; on default values {dcert:,.2f} certificates, {deur:,.2f} EUR"},
    "cbam.projection": {"zh-TW": "2026–2034 年推估", "en": "Projection 2026–2034"},
    "cbam.template_download": {"zh-TW": "下載填好的 Communication template (xlsx)", "en": "Download the filled Communication template (xlsx)"},
    "cbam.assumptions": {"zh-TW": "假設與說明", "en": "Assumptions and notes"},
    "cbam.need_upload": {"zh-TW": "請上傳檔案。", "en": "Upload a file."},
    # factors
    "fac.query": {"zh-TW": "搜尋 (中文、英文、代碼或年份，例如：柴油、diesel、170006、電力 2023)", "en": "Search (Chinese, English, code or year, e.g. 柴油, diesel, 170006, 電力 2023)"},
    "fac.dataset": {"zh-TW": "資料集", "en": "Dataset"},
    "fac.none": {"zh-TW": "查無符合的係數", "en": "No factor matches"},
    "fac.detail": {"zh-TW": "係數明細", "en": "Factor details"},
    "fac.all": {"zh-TW": "全部", "en": "all"},
    "fac.provenance": {"zh-TW": "來源與版本", "en": "Provenance and edition"},
    "fac.errata": {"zh-TW": "勘誤", "en": "Errata"},
    "fac.no_errata": {"zh-TW": "此資料集無勘誤紀錄。", "en": "No errata recorded for this dataset."},
    "fac.gases": {"zh-TW": "各氣體係數", "en": "Values by gas"},
}


def lang() -> str:
    """The current language (``zh-TW`` unless the user switched)."""
    value = st.session_state.get(KEY, "zh-TW")
    return value if value in LANGS else "zh-TW"


def t(key: str, **kw) -> str:
    """Translate ``key`` into the current language, formatting ``kw`` into it."""
    text = TEXT[key][lang()]
    return text.format(**kw) if kw else text


def language_selector() -> None:
    """The language select box in the sidebar (keyed, so its value survives reruns and pages)."""
    st.session_state.setdefault(KEY, "zh-TW")
    st.sidebar.selectbox(TEXT["lang"]["zh-TW"], list(LANGS), format_func=LANGS.get, key=KEY)
