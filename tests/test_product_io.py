"""CLI, workbook template, PACT v2 export/import (schema-validated), CBAM precursor import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from carbon.product import calculate, from_dict, read_product
from carbon.product.pact import factor_from_cbam, factor_from_pact, to_pact
from tests.test_product_model import EXAMPLE, ROOT, system

PACT_DIR = ROOT / "factors" / "sources" / "pact"
CBAM_EXAMPLE = ROOT / "factors" / "sources" / "cbam" / "eu-cbam-example-steel-screws-and-nuts.xlsx"


def cli(*args, ok=True):
    out = subprocess.run([sys.executable, "-m", "carbon.cli", *args], capture_output=True, text=True, encoding="utf-8", check=False)
    if ok:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def pf_validator():
    jsonschema = pytest.importorskip("jsonschema")
    spec = yaml.safe_load((PACT_DIR / "pact-openapi-v2.yaml").read_text(encoding="utf-8"))
    schema = {"$ref": "#/components/schemas/ProductFootprint", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_template_computes_as_it_is(tmp_path, lang):
    path = tmp_path / f"t-{lang}.xlsx"
    cli("product", "template", "-o", str(path), "--lang", lang)
    d = json.loads(cli("product", "calc", str(path), "--json").stdout)
    keys = {"declared_unit", "gwp_set", "total_kgco2e", "by_stage", "by_process", "by_gas", "fossil_kgco2e", "biogenic_kgco2e", "cutoff", "primary_data_share", "factors"}
    assert keys <= set(d) and {"covered_share", "excluded"} <= set(d["cutoff"])
    # by hand: wire 1.02 t × 2.3 (supplier) + 80 kWh × 0.6058 + 1.02 t × 35 km × 0.131, per 1000 kg wire;
    # forming: 1.03 kg wire + 0.12 kWh × 0.6058 + 3.5 g CO2 per kg, 60/(60 + 8×0.03) to the screws
    wire = (1020 * 2.3 + 80 * 0.6058 + 1.02 * 35 * 0.131) / 1000
    share = 60 / (60 + 8 * 30 / 1000)
    want = (1.03 * wire + 0.12 * 0.6058 + 0.0035) * share
    assert d["total_kgco2e"] == pytest.approx(want, rel=1e-12)
    assert d["gwp_set"] == "MOENV-2024"
    assert {f["id"] for f in d["factors"]} == {"supplier/wire-rod-csc", "tw-cfp/dian-li-tan-zu-ji-2022", "tw-cfp/ying-ye-da-huo-che-chai-you-2022"}
    assert all(f["edition"] for f in d["factors"])


def test_calc_text_explain_uncertainty_cli():
    out = cli("product", "calc", str(EXAMPLE)).stdout
    assert "螺絲 M8" in out and "kg CO2e" in out and "(adds up)" in out
    out = cli("product", "explain", str(EXAMPLE), "委外重熔").stdout
    assert "550" in out and "0.6058 kg CO2e/kWh" in out and "tw-cfp/dian-li-tan-zu-ji-2022" in out
    a = json.loads(cli("product", "uncertainty", str(EXAMPLE), "--iterations", "300", "--seed", "5", "--json").stdout)
    b = json.loads(cli("product", "uncertainty", str(EXAMPLE), "--iterations", "300", "--seed", "5", "--json").stdout)
    assert a == b and a["iterations"] == 300
    p = a["products"][0]
    assert p["p2_5"] < p["median"] < p["p97_5"]
    r = cli("product", "explain", str(EXAMPLE), "熱處裡", ok=False)
    assert r.returncode != 0 and "熱處理" in r.stderr
    r = cli("product", "calc", str(EXAMPLE), "--gwp-set", "AR6", "--json")
    assert json.loads(r.stdout)["gwp_set"] == "AR6"


def test_several_products_json(tmp_path):
    d = system()
    d["products"] = [{"name": "part", "reference_process": "part", "amount": 1, "unit": "kg"}]
    f = tmp_path / "two.json"
    f.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    out = json.loads(cli("product", "calc", str(f), "--json").stdout)
    assert [(p["name"], p["total_kgco2e"]) for p in out["products"]] == [("assembly", pytest.approx(12.5)), ("part", pytest.approx(6.0))]


def test_pact_export_validates_against_spec(pf_validator, tmp_path):
    r = calculate(read_product(EXAMPLE), gwp_set="AR6")[0]
    doc = to_pact(r, company_name="範例螺絲", company_id="urn:tw:tax-id:12345678", product_id="urn:demo:screw-m8",
                  reference_period=("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), fossil_carbon_content=0.002, product_category_cpc="42944")
    errors = sorted(pf_validator.iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    assert float(doc["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(r.total_kgco2e, rel=1e-11)
    assert doc["pcf"]["primaryDataShare"] == pytest.approx(100 * r.primary_data_share(), abs=1e-6)
    # the spec's own example validates too (the validator is not vacuous) ...
    example = json.loads((PACT_DIR / "pact-v2-example-get-footprint-response.json").read_text(encoding="utf-8"))["data"]
    assert not list(pf_validator.iter_errors(example))
    # ... and a broken footprint does not
    bad = json.loads(json.dumps(doc))
    del bad["pcf"]["declaredUnit"]
    bad["companyIds"] = ["not-a-urn"]
    assert len(list(pf_validator.iter_errors(bad))) >= 2
    # CLI writes the same document
    out = tmp_path / "pf.json"
    cli("product", "pact", str(EXAMPLE), "--company", "範例螺絲", "--company-id", "urn:tw:tax-id:12345678", "--product-id", "urn:demo:screw-m8",
        "--period", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "--fossil-carbon-content", "0.002", "--cpc", "42944", "--gwp-set", "AR6", "-o", str(out))
    assert not list(pf_validator.iter_errors(json.loads(out.read_text(encoding="utf-8"))))


def test_pact_needs_ar5_or_ar6_and_urns():
    from carbon.errors import InputError

    r = calculate(from_dict(system()))[0]
    kw = {"company_name": "x", "product_category_cpc": "1", "reference_period": ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), "fossil_carbon_content": 0}
    with pytest.raises(InputError, match="not a URN"):
        to_pact(r, company_id="12345678", product_id="urn:x:1", **kw)
    r4 = calculate(from_dict(system(gwp_set="AR4")))[0]
    with pytest.raises(InputError, match="AR5 or AR6"):
        to_pact(r4, company_id="urn:x:1", product_id="urn:x:1", **kw)


def test_pact_import_as_supplier_factor(tmp_path):
    example = PACT_DIR / "pact-v2-example-get-footprint-response.json"
    row = factor_from_pact(example, "supplier/ethanol")
    assert row["value"] == 1.63 and row["unit"] == "kg CO2e/L" and row["primary"] == "yes" and row["supplier"] == "My Corp"
    d = system()
    d["exchanges"].append({"process": "part", "kind": "input", "input": "supplier/ethanol", "amount": 2, "unit": "L"})
    d["factors"].append({"factor_id": "supplier/ethanol", "pact": str(example)})
    r = calculate(from_dict(d))[0]
    assert r.total_kgco2e == pytest.approx(12.5 + 2 * 2 * 1.63)
    f = [x for x in r.factors() if x["id"] == "supplier/ethanol"][0]
    assert "PACT" in f["source_ref"]
    # a round trip: our export imported back gives our footprint per kg
    doc = to_pact(r, company_name="x", company_id="urn:x:1", product_id="urn:x:asm", reference_period=("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), fossil_carbon_content=0, product_category_cpc="1")
    assert factor_from_pact({"data": doc})["value"] == pytest.approx(r.total_kgco2e, rel=1e-11)


def test_cbam_template_as_precursor():
    row = factor_from_cbam(CBAM_EXAMPLE, "73181542", "supplier/screws-c1")
    assert row["value"] == pytest.approx(2.0069382352941174 + 0.4066, rel=1e-9)
    d = system()
    d["exchanges"].append({"process": "assemble", "kind": "input", "input": "supplier/screws-c1", "amount": 0.1, "unit": "kg"})
    d["factors"].append({"factor_id": "supplier/screws-c1", "cbam": str(CBAM_EXAMPLE), "good": "73181542"})
    r = calculate(from_dict(d))[0]
    assert r.total_kgco2e == pytest.approx(12.5 + 0.1 * row["value"], rel=1e-12)
    from carbon.errors import InputError

    with pytest.raises(InputError, match="no good 'bolts'"):
        factor_from_cbam(CBAM_EXAMPLE, "bolts")


def test_template_neutralises_nothing_to_formulas(tmp_path):
    """Text that looks like a formula is written as text (the template writes strings only)."""
    import openpyxl

    path = tmp_path / "t.xlsx"
    cli("product", "template", "-o", str(path))
    wb = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert Path(path).stat().st_size > 0


def test_workbook_with_factory_sheet(tmp_path):
    """The workbook form of the factory section: keys on the product sheet, drivers on 'factory'."""
    import shutil

    import pandas as pd

    from carbon.product.template import EXAMPLE

    shutil.copy(ROOT / "examples" / "demo-factory.yaml", tmp_path / "factory.yaml")
    path = tmp_path / "p.xlsx"
    head = {**EXAMPLE["product"], "factory_inventory": "factory.yaml", "factory_basis": "shares", "factory_sources": "S08"}
    with pd.ExcelWriter(path) as w:
        pd.DataFrame([("key", "value"), *head.items()]).to_excel(w, sheet_name="product", index=False, header=False)
        for k in ("processes", "exchanges", "transport", "allocation", "factors"):
            pd.DataFrame(EXAMPLE[k]).to_excel(w, sheet_name=k, index=False)
        pd.DataFrame([{"process": "成型", "annual_output": 500, "annual_output_unit": "t", "share": 0.25},
                      {"product": "others", "share": 0.75}]).to_excel(w, sheet_name="factory", index=False)
    base = calculate(from_dict({k: EXAMPLE[k] for k in EXAMPLE}))[0].total_kgco2e
    r = calculate(read_product(path))[0]
    f = r.to_dict()["factory"]
    assert f["sources"] == ["S08"] and f["adds_up"]
    assert f["allocated_tco2e"]["成型"] == pytest.approx(0.25 * f["factory_total_tco2e"])
    # 25 % of S08 over 500 t, per kg, times the share of 成型's burden the screws keep (economic allocation)
    share = 60 / (60 + 8 * 30 / 1000)
    assert r.total_kgco2e == pytest.approx(base + 0.25 * f["factory_total_tco2e"] * 1000 / 500e3 * share, rel=1e-12)
