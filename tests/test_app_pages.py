"""The product-footprint and diagnosis pages and the report downloads through AppTest (real store, real files)."""

import io
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FASTENER_TOTAL = 4.675756  # examples/fastener-product.yaml, MOENV-2024 (tests/test_product.py checks the parts)
DYEING_FEE_BEFORE = 1_067_274  # examples/dyeing-factory.yaml: carbon fee before the measures [NT$]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'carbon.db'}"
    monkeypatch.setenv("CARBON_DATABASE_URL", url)
    return url


def session(page: str, lang: str = "zh-TW") -> AppTest:
    a = AppTest.from_file(APP, default_timeout=90)
    a.run()
    assert not a.exception, a.exception
    if lang != "zh-TW":
        a.selectbox(key="lang").set_value(lang).run()
    a.switch_page(page).run()
    assert not a.exception, a.exception
    return a


def the_store():
    from carbon.store import Store

    return Store(os.environ["CARBON_DATABASE_URL"])


def metrics(a: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in a.metric}


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
@pytest.mark.parametrize(("page", "title"), [("app_pages/product.py", "nav.product"), ("app_pages/diagnosis.py", "nav.diagnosis")])
def test_new_pages_run_in_both_languages(db, page, title, lang):
    from app_support.i18n import TEXT

    a = session(page, lang)
    assert a.title[0].value == TEXT[title][lang]


def test_product_example_loads_shows_its_total_and_is_kept_in_the_store(db):
    a = session("app_pages/product.py")
    assert any("尚無產品資料" in i.value for i in a.info)
    a.button(key="prod_example").click().run()
    assert not a.exception, a.exception
    total = next(v for k, v in metrics(a).items() if k.startswith("碳足跡 (kg CO2e /"))
    assert float(total) == pytest.approx(FASTENER_TOTAL, abs=5e-7)
    info = the_store().list_projects()[0]
    text, _v = the_store().document(info.id, "product")
    assert "抽線球化" in text
    for section in ("hotspots", "tree", "report", "pact"):
        a.segmented_control(key="prod_section").set_value(section).run()
        assert not a.exception, a.exception
    a.text_input(key="pact_company").input("範例螺絲股份有限公司").run()
    assert any("company_id" in i.value for i in a.info)  # the required fields are asked for
    assert not any("company_name" in i.value for i in a.info)


def test_product_edit_changes_the_total(db):
    from app_support import product as pr

    a = session("app_pages/product.py")
    a.button(key="prod_example").click().run()
    info = the_store().list_projects()[0]
    doc = pr.example_document()
    i = next(n for n, r in enumerate(doc["exchanges"]) if r["input"] == "tw-cfp/xian-cai-pan-yuan")
    editor = f"prod_exchanges_{info.id}_{info.version}"
    a.session_state[editor] = {"edited_rows": {i: {"amount": "0"}}, "added_rows": [], "deleted_rows": []}
    a.run()
    assert not a.exception, a.exception
    total = float(next(v for k, v in metrics(a).items() if k.startswith("碳足跡")))
    assert total < FASTENER_TOTAL - 2.0  # the wire rod (2.89 kg CO2e) is gone


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad.yaml", b"product: [unclosed", "bad.yaml"),
        ("empty.json", b"{}", "no product given"),
        ("x.yaml", b"product: {name: x}\nprocesses: 3\n", "x.yaml"),
    ],
)
def test_bad_product_upload_gives_a_message_never_a_traceback(db, name, data, expected):
    a = session("app_pages/product.py")
    a.file_uploader(key="prod_upload").set_value((name, data, "application/octet-stream")).run()
    assert not a.exception, a.exception
    assert a.error, "a message is shown"
    shown = [e.value for e in a.error] + [str(v) for d in a.dataframe for v in d.value.to_numpy().ravel()]
    assert any(expected in x for x in shown), shown
    assert not any("/tmp" in x or "carbon-upload-" in x for x in shown), shown
    assert the_store().document(the_store().list_projects()[0].id, "product")[0] is None  # nothing kept


def test_product_upload_is_kept_and_calculated(db):
    a = session("app_pages/product.py")
    data = (ROOT / "examples" / "fastener-product.yaml").read_bytes()
    a.file_uploader(key="prod_upload").set_value(("螺絲.yaml", data, "application/x-yaml")).run()
    assert not a.exception, a.exception
    total = next(v for k, v in metrics(a).items() if k.startswith("碳足跡"))
    assert float(total) == pytest.approx(FASTENER_TOTAL, abs=5e-7)
    info = the_store().list_projects()[0]
    assert [(u["name"], u["document"]) for u in the_store().uploads(info.id)] == [("螺絲.yaml", "product")]


def test_diagnosis_on_the_dyeing_example_shows_fee_and_portfolio(db):
    a = session("app_pages/diagnosis.py")  # zh-TW: AppTest formats options outside the app's session, in the default language
    a.button(key="dg_example").click().run()
    assert not a.exception, a.exception
    m = metrics(a)
    assert m["碳費 (改善前)"] == f"NT${DYEING_FEE_BEFORE:,}"
    assert m["碳費 (改善後)"] == "NT$0"
    a.segmented_control(key="dg_section").set_value("portfolio").run()
    assert not a.exception, a.exception
    steps = next(d.value for d in a.dataframe if "portfolio_t" in d.value.columns)
    assert list(steps["id"]) == ["M1", "M2", "M3", "M4", "M5"]
    for section in ("measures", "target", "fee", "financing", "smart", "report", "hotspots"):
        a.segmented_control(key="dg_section").set_value(section).run()
        assert not a.exception, (section, a.exception)
    assert [p.name for p in the_store().list_projects()][0] == "範例染整廠 (診斷)"


def test_report_downloads_are_valid_and_kept_in_the_history(db):
    import docx
    import openpyxl

    from app_support import diagnosis as dx
    from app_support import reports

    session("app_pages/diagnosis.py")
    s = the_store()
    info = s.create_project("dyeing", dx.example_documents())
    docs = {n: __import__("json").loads(s.document(info.id, n)[0]) for n in ("inventory", dx.DOCUMENT, dx.BASE_DOCUMENT)}
    result, dg, problems = dx.run(info, docs["inventory"], docs[dx.DOCUMENT], docs[dx.BASE_DOCUMENT])
    assert problems is None
    data = reports.report_bytes(info, "diagnosis", "xlsx", "en", lambda lg, charts: reports.diagnosis_document(result, dg, lg, charts))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert len(wb.sheetnames) > 1
    data = reports.report_bytes(info, "inventory", "docx", "zh-TW", lambda lg, charts: reports.inventory_document(result, lg, False))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "範例染整" in text
    assert [(r["kind"], r["format"], r["language"] if "language" in r else r.get("lang")) for r in s.reports(info.id)][:2] in (
        [("report-diagnosis", "xlsx", "en"), ("report-inventory", "docx", "zh-TW")],
        [("report-inventory", "docx", "zh-TW"), ("report-diagnosis", "xlsx", "en")],
    )
